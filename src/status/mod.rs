//! `grecfg status`: each configured tunnel against the running system,
//! as `ifquery --check` and `netplan status --diff` compare: the
//! NetworkManager profile and whether it is active, and the kernel device
//! field by field ([`compare`]). Exit 0 when everything runs as
//! configured, 1 on a difference, 2 when the check could not run.

pub mod compare;
#[cfg(feature = "dbus")]
mod nm;
pub mod running;

use std::path::PathBuf;

use serde::Serialize;

use crate::cli::{ReportFormat, StatusArgs};
use crate::convert;
use crate::diag::{Diagnostic, Fail, Location};
use crate::exit::Exit;
use crate::format::Format;
use crate::model::Tunnel;

pub use compare::{compare, Difference};
pub use running::Device;

/// What NetworkManager says of one tunnel.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileState {
    pub id: String,
    pub uuid: String,
    pub active: bool,
}

/// `profile` in JSON: null when NetworkManager was not asked, else
/// `{"found": false}` or the profile with `"found": true`.
fn profile_json<S: serde::Serializer>(p: &Option<Option<ProfileState>>, s: S) -> Result<S::Ok, S::Error> {
    match p {
        None => s.serialize_none(),
        Some(None) => serde_json::json!({ "found": false }).serialize(s),
        Some(Some(p)) => {
            serde_json::json!({ "found": true, "id": p.id, "uuid": p.uuid, "active": p.active }).serialize(s)
        }
    }
}

/// One tunnel's status.
#[derive(Debug, Clone, Serialize)]
pub struct TunnelStatus {
    pub name: String,
    /// The configuration it was read from.
    pub file: Option<String>,
    /// `None` when NetworkManager was not asked (not running, or grecfg
    /// built without D-Bus).
    #[serde(serialize_with = "profile_json")]
    pub profile: Option<Option<ProfileState>>,
    /// Whether the kernel has a device of that name.
    pub device: bool,
    pub in_sync: bool,
    pub differences: Vec<JsonDifference>,
}

#[derive(Debug, Clone, Serialize)]
pub struct JsonDifference {
    pub field: String,
    pub configured: String,
    pub running: String,
    pub file: Option<String>,
    pub line: usize,
    pub column: usize,
}

/// NetworkManager as status sees it: read once, or why not.
enum Nm {
    #[cfg(feature = "dbus")]
    Seen(nm::View),
    Unseen(String),
}

impl Nm {
    fn read() -> Nm {
        #[cfg(feature = "dbus")]
        {
            match nm::View::read() {
                Ok(v) => Nm::Seen(v),
                Err(e) => Nm::Unseen(e.message),
            }
        }
        #[cfg(not(feature = "dbus"))]
        Nm::Unseen("this grecfg was built without the dbus feature".into())
    }

    fn profile(&self, _t: &Tunnel) -> Option<Option<ProfileState>> {
        match self {
            #[cfg(feature = "dbus")]
            Nm::Seen(v) => Some(v.profile(_t).map(|f| ProfileState {
                id: f.id,
                uuid: f.uuid,
                active: f.active,
            })),
            Nm::Unseen(_) => None,
        }
    }
}

/// The inputs of `--all`: the files of NetworkManager's tunnel profiles.
fn all_inputs(nm: &Nm, notes: &mut Vec<Diagnostic>) -> Result<Vec<PathBuf>, Fail> {
    let _ = &notes;
    match nm {
        #[cfg(feature = "dbus")]
        Nm::Seen(v) => {
            let (files, memory) = v
                .tunnel_files()
                .map_err(|e| Fail::Input(Diagnostic::error(e.message).into()))?;
            for id in memory {
                notes.push(Diagnostic::note(format!(
                    "profile {id} is in NetworkManager's memory only: not checked"
                )));
            }
            Ok(files.into_iter().map(PathBuf::from).collect())
        }
        Nm::Unseen(why) => Err(Fail::Input(
            Diagnostic::error(format!(
                "--all asks NetworkManager, which cannot be reached: {why}"
            ))
            .hint("name the configuration files instead")
            .into(),
        )),
    }
}

fn location_of(l: Option<&Location>) -> (Option<String>, usize, usize) {
    match l {
        Some(l) => (Some(l.file.clone()), l.line, l.column),
        None => (None, 0, 0),
    }
}

/// Run `grecfg status`.
pub fn run(args: StatusArgs) -> Exit {
    let json = args.format == ReportFormat::Json;
    match status(&args) {
        Ok((tunnels, notes, code)) => {
            report(&tunnels, &notes, json, args.quiet);
            code
        }
        Err(f) => {
            for d in &f.failure().diagnostics {
                crate::diag::say(d);
            }
            // Could not check: 2, whatever the cause.
            Exit::Input
        }
    }
}

fn status(args: &StatusArgs) -> Result<(Vec<TunnelStatus>, Vec<Diagnostic>, Exit), Fail> {
    let nm = Nm::read();
    let mut notes = Vec::new();
    let paths = if args.all {
        all_inputs(&nm, &mut notes)?
    } else {
        args.inputs.clone()
    };
    let from = if args.all {
        Some(Format::Keyfile)
    } else {
        args.from
    };
    let (inputs, more) = convert::load_inputs(&paths, from)?;
    notes.extend(more);
    let mut out = Vec::new();
    let mut could_not = false;
    for input in &inputs {
        let nm_input = matches!(input.format, Format::Keyfile | Format::Nmcli);
        let parsed = input.read().map_err(Fail::Input)?;
        for p in parsed {
            let t = &p.tunnel;
            let device = running::read(&t.name).map_err(|e| {
                Fail::Input(
                    Diagnostic::error(format!("cannot read the running device {}: {e}", t.name))
                        .hint("grecfg status needs iproute2's ip (with -j)")
                        .into(),
                )
            })?;
            let mut differences = Vec::new();
            let mut add = |field: &str, configured: String, running: String| {
                let (file, line, column) = location_of(p.origins.get(Some(field)));
                differences.push(JsonDifference {
                    field: field.into(),
                    configured,
                    running,
                    file,
                    line,
                    column,
                });
            };
            let profile = nm.profile(t);
            match (&profile, &nm) {
                (Some(None), _) if nm_input => add(
                    "name",
                    "a NetworkManager profile".into(),
                    "NetworkManager has no profile for it".into(),
                ),
                (Some(Some(s)), _) if !s.active => add(
                    "name",
                    format!("profile {} active", s.id),
                    format!("NetworkManager's profile {} is not active", s.id),
                ),
                (None, Nm::Unseen(why)) if nm_input => {
                    notes.push(Diagnostic::error(format!(
                        "{}: NetworkManager cannot be reached ({why}): its profile is not checked",
                        t.name
                    )));
                    could_not = true;
                }
                _ => {}
            }
            match &device {
                None => add(
                    "name",
                    format!("device {}", t.name),
                    format!("the kernel has no device {}", t.name),
                ),
                Some(d) => {
                    for x in compare(t, d) {
                        add(&x.field, x.configured, x.running);
                    }
                }
            }
            out.push(TunnelStatus {
                name: t.name.clone(),
                file: input.source.path.as_ref().map(|p| p.display().to_string()),
                profile,
                device: device.is_some(),
                in_sync: differences.is_empty(),
                differences,
            });
        }
    }
    let code = if could_not {
        Exit::Input
    } else if out.iter().any(|t| !t.in_sync) {
        Exit::Found
    } else {
        Exit::Ok
    };
    Ok((out, notes, code))
}

fn field_words(field: &str) -> String {
    let base = field.split('[').next().unwrap_or(field);
    let word = match base {
        "input_key" => "input key",
        "output_key" => "output key",
        "path_mtu_discovery" => "path-MTU discovery",
        "addresses" => "address",
        "routes" => "route",
        "neighbours" => "neighbour",
        "name" => return String::new(),
        other => other,
    };
    format!("{word}: ")
}

fn report(tunnels: &[TunnelStatus], notes: &[Diagnostic], json: bool, quiet: bool) {
    let differing = tunnels.iter().filter(|t| !t.in_sync).count();
    let summary = format!(
        "{} checked: {} as configured, {differing} with differences",
        match tunnels.len() {
            1 => "1 tunnel".to_string(),
            n => format!("{n} tunnels"),
        },
        tunnels.len() - differing
    );
    if json {
        let doc = serde_json::json!({
            "version": 1,
            "findings": notes.iter().map(crate::check::JsonFinding::of).collect::<Vec<_>>(),
            "tunnels": tunnels,
            "summary": {
                "errors": notes.iter().filter(|n| n.severity == crate::diag::Severity::Error).count(),
                "warnings": notes.iter().filter(|n| n.severity == crate::diag::Severity::Warning).count(),
                "notes": notes.iter().filter(|n| n.severity == crate::diag::Severity::Note).count(),
                "tunnels": tunnels.len(),
                "differing": differing,
                "text": summary,
            },
        });
        let _ = crate::diag::print_out(&(serde_json::to_string_pretty(&doc).expect("serializes") + "\n"));
        return;
    }
    for n in notes {
        if !quiet || n.severity == crate::diag::Severity::Error {
            crate::diag::say(n);
        }
    }
    let mut text = String::new();
    for t in tunnels {
        let name = crate::diag::shown(&t.name);
        if t.in_sync {
            if !quiet && tunnels.len() <= 20 {
                let nm = match &t.profile {
                    Some(Some(p)) => format!("profile {} active, ", crate::diag::shown(&p.id)),
                    _ => String::new(),
                };
                text += &format!("{name}: as configured ({nm}device up)\n");
            }
            continue;
        }
        for d in &t.differences {
            let at = match (&d.file, d.line) {
                (Some(f), l) if l > 0 => format!("{f}:{l}:{}: ", d.column.max(1)),
                (Some(f), _) => format!("{f}: "),
                _ => String::new(),
            };
            text += &if d.field == "name" {
                format!("{at}{name}: {}\n", crate::diag::shown(&d.running))
            } else {
                format!(
                    "{at}{name}: {}configured {}, running {}\n",
                    field_words(&d.field),
                    crate::diag::shown(&d.configured),
                    crate::diag::shown(&d.running)
                )
            };
        }
    }
    let _ = crate::diag::print_out(&text);
    if !quiet {
        crate::diag::say(&summary);
    }
}
