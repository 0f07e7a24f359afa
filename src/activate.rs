//! `grecfg activate`, `deactivate` and `delete`: tunnels into
//! NetworkManager over D-Bus. The profile sent is the one `convert --to nm`
//! writes, from the same settings dictionary.

use std::time::Duration;

use crate::cli::{ActivateArgs, DeactivateArgs, DeleteArgs};
use crate::convert;
use crate::diag::{Diagnostic, Fail, Severity};
use crate::exit::Exit;
use crate::format::Format;
use crate::nm::dbus::{self, Dict, ErrorKind, Nm, NmError, Outcome, Profile};
use crate::nm::settings;

/// A line of what activate does on standard output; a closed standard
/// output loses the report, not the work.
macro_rules! out {
    ($($arg:tt)*) => {{
        let _ = crate::diag::print_out(&format!("{}\n", format_args!($($arg)*)));
    }};
}

fn say(quiet: bool, msg: impl std::fmt::Display) {
    if !quiet {
        crate::diag::say(msg);
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
fn nm_error(e: &NmError) -> (Diagnostic, Exit) {
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
    for mut w in wanted {
        let plan = match plan(&nm, &mut w, args.in_memory) {
            Ok(p) => p,
            Err(e) => {
                status = status.max(nm_fail(&e));
                continue;
            }
        };
        if args.dry_run {
            let _ = crate::diag::print_out(&dbus::describe(&w.dict));
            match &plan {
                Plan::Add => out!(
                    "# would add profile {} ({}){}",
                    w.name,
                    w.uuid,
                    if args.in_memory { " in memory" } else { "" }
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
            continue;
        }
        match apply(&nm, &w, plan, &args) {
            Ok(code) => status = status.max(code),
            Err(e) => {
                let (mut d, exit) = nm_error(&e);
                if e.kind == ErrorKind::Failed && e.message.contains("Operation not supported") {
                    d = d.hint(format!(
                        "the kernel cannot create this tunnel: is its module loaded? (modprobe {})",
                        w.module
                    ));
                }
                print_diag(&d, false);
                status = status.max(exit);
            }
        }
    }
    status
}

/// Read and convert the inputs exactly as `convert --to nm` does.
fn prepare(args: &ActivateArgs) -> Result<Vec<Wanted>, Exit> {
    let code = |f: &Fail| {
        for d in &f.failure().diagnostics {
            print_diag(d, false);
        }
        f.exit_code()
    };
    let (inputs, notes) = convert::load_inputs(&args.inputs, args.from).map_err(|f| code(&f))?;
    for n in &notes {
        print_diag(n, args.quiet);
    }
    let opts = args.convert_options();
    let conv = convert::convert(&inputs, Format::Keyfile, &opts).map_err(|f| code(&f))?;
    for d in &conv.diagnostics {
        print_diag(d, args.quiet);
    }
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
fn plan(nm: &Nm, w: &mut Wanted, in_memory: bool) -> Result<Plan, NmError> {
    let existing = match nm.by_uuid(&w.uuid)? {
        Some(path) => Some(nm.profile(&path)?),
        None => {
            let mut found: Vec<Profile> = nm
                .profiles()?
                .into_iter()
                .filter(|p| {
                    p.string("connection", "type").as_deref() == Some("ip-tunnel")
                        && p.string("connection", "interface-name").as_deref() == Some(w.name.as_str())
                })
                .collect();
            if found.len() > 1 {
                let list: Vec<String> = found
                    .iter()
                    .map(|p| format!("{} ({})", p.id(), p.uuid()))
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
            (!found.is_empty()).then(|| found.remove(0))
        }
    };
    let Some(existing) = existing else {
        return Ok(Plan::Add);
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
    if !in_memory && nm.storage(&existing.path)?.unsaved {
        changed.push("saved to disk".into());
    }
    Ok(if changed.is_empty() {
        Plan::Unchanged { existing }
    } else {
        Plan::Update { existing, changed }
    })
}

fn apply(nm: &Nm, w: &Wanted, plan: Plan, args: &ActivateArgs) -> Result<Exit, NmError> {
    let q = args.quiet;
    let storage = if args.in_memory {
        dbus::FLAG_IN_MEMORY
    } else {
        dbus::FLAG_TO_DISK
    };
    let (path, unchanged) = match plan {
        Plan::Add => {
            let path = nm.add(&w.dict, storage | dbus::FLAG_BLOCK_AUTOCONNECT)?;
            say(
                q,
                format!(
                    "added profile {} ({}){}",
                    w.name,
                    w.uuid,
                    if args.in_memory { " in memory" } else { "" }
                ),
            );
            (path, false)
        }
        Plan::Update { existing, changed } => {
            nm.update(&existing.path, &w.dict, storage | dbus::FLAG_BLOCK_AUTOCONNECT)?;
            say(
                q,
                format!(
                    "updated profile {} ({}): {}",
                    existing.id(),
                    existing.uuid(),
                    changed.join(", ")
                ),
            );
            (existing.path, false)
        }
        Plan::Unchanged { existing } => {
            say(
                q,
                format!("profile {} ({}) is up to date", existing.id(), existing.uuid()),
            );
            (existing.path, true)
        }
    };
    if args.no_up {
        return Ok(Exit::Ok);
    }
    if unchanged {
        let active = nm.active_connections()?;
        if active.iter().any(|a| a.connection == path && a.state == 2) {
            say(q, format!("{} is already active", w.name));
            return Ok(Exit::Ok);
        }
    }
    say(q, format!("activating {} ...", w.name));
    let (outcome, info) = nm.activate(&path, Duration::from_secs(args.timeout))?;
    match outcome {
        Outcome::Activated => {
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
            Ok(Exit::Ok)
        }
        Outcome::Failed(reason) => Err(NmError::failed(format!(
            "activation of {} failed: {reason}",
            w.name
        ))),
        Outcome::TimedOut(state) => Err(NmError::failed(format!(
            "activation of {} did not finish: {state}",
            w.name
        ))),
    }
}

/// The profiles a NAME stands for: UUID, id, or interface name of a
/// tunnel profile.
fn resolve(nm: &Nm, name: &str) -> Result<Vec<Profile>, NmError> {
    if let Some(path) = nm.by_uuid(name)? {
        return Ok(vec![nm.profile(&path)?]);
    }
    let all = nm.profiles()?;
    let by_id: Vec<Profile> = all.iter().filter(|p| p.id() == name).cloned().collect();
    if !by_id.is_empty() {
        return Ok(by_id);
    }
    Ok(all
        .into_iter()
        .filter(|p| {
            p.string("connection", "type").as_deref() == Some("ip-tunnel")
                && p.string("connection", "interface-name").as_deref() == Some(name)
        })
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
    for name in names {
        let r = resolve(&nm, name).and_then(|profiles| {
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
    for_each_name(&args.names, |nm, name, profiles| {
        let active = nm.active_connections()?;
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
