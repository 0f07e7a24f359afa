//! `grecfg activate`, `deactivate` and `delete`: tunnels into
//! NetworkManager over D-Bus. The profile sent is the one `convert --to nm`
//! writes, from the same settings dictionary.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use zbus::zvariant::OwnedObjectPath;

use crate::cli::{ActivateArgs, DeactivateArgs, DeleteArgs};
use crate::convert;
use crate::diag::{Diagnostic, Fail, Severity};
use crate::exit::Exit;
use crate::format::Format;
use crate::nm::dbus::{self, Dict, ErrorKind, Nm, NmError, Outcome, Profile, Stored, Write};
use crate::nm::settings;

/// A line of what activate does on standard output; a closed standard
/// output loses the report, not the work.
macro_rules! out {
    ($($arg:tt)*) => {{
        let _ = crate::diag::print_out(&format!("{}\n", format_args!($($arg)*)));
    }};
}

/// A line of progress; the profile names in it came from input, so their
/// control characters are shown as escapes.
fn say(quiet: bool, msg: impl std::fmt::Display) {
    if !quiet {
        crate::diag::say(crate::diag::shown(&msg.to_string()));
    }
}

/// Every error and warning of these subcommands goes out here.
fn print_diag(d: &Diagnostic, quiet: bool) {
    if quiet && d.severity != Severity::Error {
        return;
    }
    crate::diag::say(d);
}

/// A NetworkManager error as a diagnostic, and its exit status.
pub(crate) fn nm_error(e: &NmError) -> (Diagnostic, Exit) {
    let hint = match e.kind {
        ErrorKind::NoBus => Some("is D-Bus running? (DBUS_SYSTEM_BUS_ADDRESS names another bus)"),
        ErrorKind::NotRunning => Some("start it with: systemctl start NetworkManager"),
        ErrorKind::NotAuthorized => Some("run grecfg as root, or allow the user through polkit"),
        ErrorKind::Failed => None,
    };
    let d = Diagnostic::error(e.message.clone());
    let d = match hint {
        Some(h) => d.hint(h),
        None => d,
    };
    let exit = match e.kind {
        ErrorKind::NoBus | ErrorKind::NotRunning => Exit::Unreachable,
        ErrorKind::NotAuthorized => Exit::Unauthorized,
        ErrorKind::Failed => Exit::Refused,
    };
    (d, exit)
}

/// Print a NetworkManager error and return its exit status.
fn nm_fail(e: &NmError) -> Exit {
    let (d, exit) = nm_error(e);
    print_diag(&d, false);
    exit
}

/// One tunnel to send: its name, UUID and D-Bus settings.
struct Wanted {
    name: String,
    /// The kernel module of the tunnel's mode, for hints.
    module: &'static str,
    uuid: String,
    dict: Dict,
}

/// What to do with one profile.
enum Plan {
    Add,
    Update { existing: Profile, changed: Vec<String> },
    Unchanged { existing: Profile },
}

/// The UUIDs and interface names of the profiles a round adds, changes or
/// brings up, before and after. An input that names one of them waits for
/// the next round, and so is planned against what NetworkManager holds
/// once the inputs before it are done, as if each input were sent alone.
#[derive(Default)]
struct Touched {
    uuids: HashSet<String>,
    names: HashSet<String>,
}

impl Touched {
    /// Whether the input may find a profile of this round.
    fn concerns(&self, w: &Wanted) -> bool {
        (!w.uuid.is_empty() && self.uuids.contains(&w.uuid)) || self.names.contains(&w.name)
    }

    fn note(&mut self, w: &Wanted, plan: &Plan) {
        let mut uuids = vec![w.uuid.clone()];
        self.names.insert(w.name.clone());
        if let Plan::Update { existing, .. } | Plan::Unchanged { existing } = plan {
            uuids.push(existing.uuid());
            if let Some(name) = existing.string("connection", "interface-name") {
                self.names.insert(name);
            }
        }
        self.uuids.extend(uuids.into_iter().filter(|u| !u.is_empty()));
    }
}

/// Every input is planned against one reading of NetworkManager's profiles
/// (one ListConnections, and the GetSettings of every profile at once),
/// not one reading per input. The inputs go in rounds: a round's changes
/// are sent together and its profiles brought up together; an input that
/// concerns a profile of the round before it starts the next round, with a
/// fresh reading.
pub fn run_activate(args: ActivateArgs) -> Exit {
    let wanted = match prepare(&args) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let nm = match Nm::connect() {
        Ok(nm) => nm,
        Err(e) => {
            if args.dry_run {
                for w in &wanted {
                    let _ = crate::diag::print_out(&dbus::describe(&w.dict));
                }
            }
            return nm_fail(&e);
        }
    };
    let mut status = Exit::Ok;
    let mut hinted = HashSet::new();
    let mut queue: VecDeque<Wanted> = wanted.into();
    while !queue.is_empty() {
        let profiles = match nm.snapshot() {
            Ok(p) => p,
            Err(e) => return status.max(nm_fail(&e)),
        };
        let mut round = Vec::new();
        let mut touched = Touched::default();
        while let Some(mut w) = queue.pop_front() {
            // A dry run changes nothing: one reading holds for all.
            if !args.dry_run && touched.concerns(&w) {
                queue.push_front(w);
                break;
            }
            let plan = plan(&profiles, &mut w, args.in_memory);
            touched.note(&w, &plan);
            round.push((w, plan));
        }
        let code = if args.dry_run {
            dry_run(&round, args.in_memory)
        } else {
            apply(&nm, &round, &args, &mut hinted)
        };
        status = status.max(code);
    }
    status
}

fn dry_run(round: &[(Wanted, Plan)], in_memory: bool) -> Exit {
    for (w, plan) in round {
        let _ = crate::diag::print_out(&dbus::describe(&w.dict));
        match plan {
            Plan::Add => out!(
                "# would add profile {} ({}){}",
                w.name,
                w.uuid,
                if in_memory { " in memory" } else { "" }
            ),
            Plan::Update { existing, changed } => out!(
                "# would update profile {} ({}): {}",
                existing.id(),
                existing.uuid(),
                changed.join(", ")
            ),
            Plan::Unchanged { existing } => out!(
                "# profile {} ({}) is up to date: nothing to do",
                existing.id(),
                existing.uuid()
            ),
        }
    }
    Exit::Ok
}

/// Print what NetworkManager said about one tunnel; its exit status. The
/// hint to load a kernel module comes with the first tunnel that needs it,
/// not again with each of the others.
fn tunnel_fail(w: &Wanted, e: &NmError, hinted: &mut HashSet<&'static str>) -> Exit {
    let (mut d, exit) = nm_error(e);
    if e.kind == ErrorKind::Failed && e.message.contains("Operation not supported") && hinted.insert(w.module)
    {
        d = d.hint(format!(
            "the kernel cannot create this tunnel: is its module loaded? (modprobe {})",
            w.module
        ));
    }
    print_diag(&d, false);
    exit
}

/// Read and convert the inputs exactly as `convert --to nm` does.
fn prepare(args: &ActivateArgs) -> Result<Vec<Wanted>, Exit> {
    // As convert says them: errors first, repeated kinds collapsed.
    let say_all = |diags: &[Diagnostic], quiet: bool| {
        let mut digest = crate::digest::Digest::new();
        for d in diags {
            digest.push(d.clone());
        }
        for line in digest.lines(quiet) {
            crate::diag::say(line);
        }
    };
    let code = |f: &Fail| {
        say_all(&f.failure().diagnostics, false);
        f.exit_code()
    };
    let (inputs, notes) = convert::load_inputs(&args.inputs, args.from).map_err(|f| code(&f))?;
    let opts = args.convert_options();
    let conv = convert::convert(&inputs, Format::Keyfile, &opts).map_err(|f| {
        let mut all = notes.clone();
        all.extend(f.failure().diagnostics.iter().cloned());
        say_all(&all, false);
        f.exit_code()
    })?;
    let mut all = notes;
    all.extend(conv.diagnostics.iter().cloned());
    say_all(&all, args.quiet);
    let mut out = Vec::new();
    let mut bad = false;
    for item in &conv.items {
        let s = settings::from_tunnel(&item.tunnel);
        match dbus::encode(&s) {
            Ok(dict) => out.push(Wanted {
                name: item.tunnel.name.clone(),
                module: crate::formats::iproute2::kernel_module(item.tunnel.mode),
                uuid: item.tunnel.uuid.map(|u| u.to_string()).unwrap_or_default(),
                dict,
            }),
            Err(errors) => {
                bad = true;
                let last = errors.len() - 1;
                for (i, e) in errors.iter().enumerate() {
                    let d = Diagnostic::error(format!(
                        "{}: cannot send {} over D-Bus: {}",
                        item.tunnel.name, e.property, e.message
                    ));
                    // One hint for all, after the last.
                    print_diag(
                        &if i == last {
                            d.hint("write a keyfile with `grecfg convert --to nm` and load it with `nmcli connection load FILE`")
                        } else {
                            d
                        },
                        false,
                    );
                }
            }
        }
    }
    if bad {
        return Err(Exit::Input);
    }
    Ok(out)
}

/// Find the profile (by UUID, then by interface name) and decide.
fn plan(profiles: &[Stored], w: &mut Wanted, in_memory: bool) -> Plan {
    let by_uuid = (!w.uuid.is_empty())
        .then(|| profiles.iter().find(|s| s.profile.uuid() == w.uuid))
        .flatten();
    let existing = match by_uuid {
        Some(s) => Some(s),
        None => {
            let found: Vec<&Stored> = profiles
                .iter()
                .filter(|s| {
                    let p = &s.profile;
                    p.string("connection", "type").as_deref() == Some("ip-tunnel")
                        && p.string("connection", "interface-name").as_deref() == Some(w.name.as_str())
                })
                .collect();
            if found.len() > 1 {
                let list: Vec<String> = found
                    .iter()
                    .map(|s| format!("{} ({})", s.profile.id(), s.profile.uuid()))
                    .collect();
                print_diag(
                    &Diagnostic::warning(format!(
                        "{} tunnel profiles use interface {}: {}; updating the first",
                        found.len(),
                        w.name,
                        list.join(", ")
                    )),
                    false,
                );
            }
            found.first().copied()
        }
    };
    let Some(Stored {
        profile: existing,
        unsaved,
    }) = existing.cloned()
    else {
        return Plan::Add;
    };
    // A profile found by interface name keeps its UUID.
    let uuid = existing.uuid();
    if !uuid.is_empty() && uuid != w.uuid {
        w.uuid = uuid.clone();
        w.dict.entry("connection".into()).or_default().insert(
            "uuid".into(),
            zbus::zvariant::OwnedValue::from(zbus::zvariant::Str::from(uuid)),
        );
    }
    let mut changed = dbus::differences(&w.dict, &existing.settings);
    // A profile kept in memory only is saved unless --in-memory.
    if !in_memory && unsaved {
        changed.push("saved to disk".into());
    }
    if changed.is_empty() {
        Plan::Unchanged { existing }
    } else {
        Plan::Update { existing, changed }
    }
}

/// Send a round's changes at once, then bring its profiles up at once.
fn apply(nm: &Nm, round: &[(Wanted, Plan)], args: &ActivateArgs, hinted: &mut HashSet<&'static str>) -> Exit {
    let q = args.quiet;
    let flags = dbus::FLAG_BLOCK_AUTOCONNECT
        | if args.in_memory {
            dbus::FLAG_IN_MEMORY
        } else {
            dbus::FLAG_TO_DISK
        };
    let writes = round.iter().filter_map(|(w, plan)| match plan {
        Plan::Add => Some(Write::Add {
            dict: w.dict.clone(),
            flags,
        }),
        Plan::Update { existing, .. } => Some(Write::Update {
            path: existing.path.clone(),
            dict: w.dict.clone(),
            flags,
        }),
        Plan::Unchanged { .. } => None,
    });
    let mut written = nm.write_all(writes.collect()).into_iter();
    let mut status = Exit::Ok;
    // (input, profile, whether it was left as it was)
    let mut up: Vec<(&Wanted, OwnedObjectPath, bool)> = Vec::new();
    for (w, plan) in round {
        match plan {
            Plan::Add => match written.next().expect("a reply for each change") {
                Ok(path) => {
                    say(
                        q,
                        format!(
                            "added profile {} ({}){}",
                            w.name,
                            w.uuid,
                            if args.in_memory { " in memory" } else { "" }
                        ),
                    );
                    up.push((w, path, false));
                }
                Err(e) => status = status.max(tunnel_fail(w, &e, hinted)),
            },
            Plan::Update { existing, changed } => match written.next().expect("a reply for each change") {
                Ok(path) => {
                    say(
                        q,
                        format!(
                            "updated profile {} ({}): {}",
                            existing.id(),
                            existing.uuid(),
                            changed.join(", ")
                        ),
                    );
                    up.push((w, path, false));
                }
                Err(e) => status = status.max(tunnel_fail(w, &e, hinted)),
            },
            Plan::Unchanged { existing } => {
                say(
                    q,
                    format!("profile {} ({}) is up to date", existing.id(), existing.uuid()),
                );
                up.push((w, existing.path.clone(), true));
            }
        }
    }
    if args.no_up {
        return status;
    }
    // A profile left as it was and already up stays as it is.
    if up.iter().any(|u| u.2) {
        match nm.active_connections() {
            Ok(active) => up.retain(|(w, path, unchanged)| {
                let is_up = *unchanged && active.iter().any(|a| a.connection == *path && a.state == 2);
                if is_up {
                    say(q, format!("{} is already active", w.name));
                }
                !is_up
            }),
            Err(e) => {
                status = status.max(nm_fail(&e));
                up.retain(|u| !u.2);
            }
        }
    }
    match up.as_slice() {
        [] => return status,
        [(w, _, _)] => say(q, format!("activating {} ...", w.name)),
        _ => say(q, format!("activating {} profiles ...", up.len())),
    }
    let paths: Vec<OwnedObjectPath> = up.iter().map(|u| u.1.clone()).collect();
    nm.activate_all(&paths, Duration::from_secs(args.timeout), |i, outcome| {
        let w = up[i].0;
        let e = match outcome {
            Ok((Outcome::Activated, info)) => {
                let info = info.unwrap_or_default();
                let dev = if info.interface.is_empty() {
                    w.name.clone()
                } else {
                    info.interface
                };
                let addrs = if info.addresses.is_empty() {
                    "no addresses".to_string()
                } else {
                    info.addresses.join(", ")
                };
                out!("{dev}: activated: {addrs}");
                return;
            }
            Ok((Outcome::Failed(reason), _)) => {
                NmError::failed(format!("activation of {} failed: {reason}", w.name))
            }
            Ok((Outcome::TimedOut(state), _)) => {
                NmError::failed(format!("activation of {} did not finish: {state}", w.name))
            }
            Err(e) => e,
        };
        status = status.max(tunnel_fail(w, &e, hinted));
    });
    status
}

/// The profiles a NAME stands for: UUID, id, or interface name of a
/// tunnel profile.
/// The profiles `name` stands for. Every profile is fetched at most once a
/// run (into `all`), however many names there are.
fn resolve(nm: &Nm, name: &str, all: &mut Option<Vec<Profile>>) -> Result<Vec<Profile>, NmError> {
    if let Some(path) = nm.by_uuid(name)? {
        return Ok(vec![nm.profile(&path)?]);
    }
    if all.is_none() {
        *all = Some(nm.profiles()?);
    }
    let all = all.as_deref().unwrap_or_default();
    let by_id: Vec<Profile> = all.iter().filter(|p| p.id() == name).cloned().collect();
    if !by_id.is_empty() {
        return Ok(by_id);
    }
    Ok(all
        .iter()
        .filter(|p| {
            p.string("connection", "type").as_deref() == Some("ip-tunnel")
                && p.string("connection", "interface-name").as_deref() == Some(name)
        })
        .cloned()
        .collect())
}

fn for_each_name(
    names: &[String],
    mut f: impl FnMut(&Nm, &str, Vec<Profile>) -> Result<(), NmError>,
) -> Exit {
    let nm = match Nm::connect() {
        Ok(nm) => nm,
        Err(e) => return nm_fail(&e),
    };
    let mut status = Exit::Ok;
    let mut all = None;
    for name in names {
        let r = resolve(&nm, name, &mut all).and_then(|profiles| {
            if profiles.is_empty() {
                print_diag(
                    &Diagnostic::error(format!(
                        "no NetworkManager profile has the UUID, id or tunnel interface name {name:?}"
                    )),
                    false,
                );
                status = status.max(Exit::Input);
                return Ok(());
            }
            f(&nm, name, profiles)
        });
        if let Err(e) = r {
            status = status.max(nm_fail(&e));
        }
    }
    status
}

pub fn run_deactivate(args: DeactivateArgs) -> Exit {
    let q = args.quiet;
    // The active connections are listed once a run, not once a name.
    let mut listed = None;
    for_each_name(&args.names, |nm, name, profiles| {
        if listed.is_none() {
            listed = Some(nm.active_connections()?);
        }
        let active = listed.as_deref().unwrap_or_default();
        for p in profiles {
            let mine: Vec<_> = active.iter().filter(|a| a.connection == p.path).collect();
            if mine.is_empty() {
                say(
                    q,
                    format!("{name}: profile {} ({}) is not active", p.id(), p.uuid()),
                );
            }
            for a in mine {
                nm.deactivate(&a.path)?;
                say(q, format!("deactivated {} ({})", p.id(), p.uuid()));
            }
        }
        Ok(())
    })
}

pub fn run_delete(args: DeleteArgs) -> Exit {
    let q = args.quiet;
    for_each_name(&args.names, |nm, _name, profiles| {
        for p in profiles {
            nm.delete(&p.path)?;
            say(q, format!("deleted profile {} ({})", p.id(), p.uuid()));
        }
        Ok(())
    })
}
