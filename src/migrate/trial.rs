//! `grecfg migrate --activate` and `--confirm`: a migration brought up in
//! the running NetworkManager under a checkpoint, as nmstate applies a
//! state: `CheckpointCreate` on every device (rollback deletes the
//! profiles added since and disconnects the devices that appeared), load
//! the keyfiles, activate them all, compare each device with its tunnel
//! ([`crate::status`]); on any failure roll back and put the files back.
//! With `--rollback-timeout` the checkpoint outlives the run, and
//! NetworkManager rolls back by itself unless `--confirm` destroys it in
//! time (`netplan try`'s promise); the manifest says `trial` meanwhile,
//! and whoever runs next under the root settles it.

use std::path::Path;
use std::time::Duration;

use crate::codec::Root;
use crate::diag::{Diagnostic, Fail};
use crate::exit::Exit;
use crate::nm::dbus::{self, Nm, NmError, Outcome};

use super::backup::{self, complete, forget, restore, save, Manifest};
use super::{ActivateOptions as Activate, Planned, Report, KEYFILE_DIR};

fn nm_fail(e: &NmError) -> (Fail, Exit) {
    let (d, exit) = crate::activate::nm_error(e);
    (Fail::Io(d.into()), exit)
}

/// NetworkManager, before anything changes: reachable, and reading the
/// keyfile directory the migration writes into.
pub(super) fn connect(root: &Root) -> Result<Nm, (Fail, Exit)> {
    if !root.is_system() {
        use std::os::unix::fs::MetadataExt;
        let ours = root.path(Path::new(KEYFILE_DIR));
        let same = match (std::fs::metadata(&ours), std::fs::metadata(KEYFILE_DIR)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        };
        if !same {
            return Err((
                backup::input_fail(
                    format!(
                        "--activate loads into the running NetworkManager, which reads {KEYFILE_DIR}, not {}; nothing changed",
                        ours.display()
                    ),
                    Some("migrate the running machine (--root /), or activate the tree's machine after booting it"),
                ),
                Exit::Input,
            ));
        }
    }
    Nm::connect().map_err(|e| nm_fail(&e))
}

/// Bring the migration `m` (just committed, in `dir`) up under a
/// checkpoint. On failure everything is rolled back and the files are put
/// back; the exit status says why.
pub(super) fn activate(
    nm: &Nm,
    root: &Root,
    dir: &Path,
    m: &mut Manifest,
    planned: &[&Planned],
    how: Activate,
    r: &mut Report,
) -> Result<Exit, (Fail, Exit)> {
    // Without --rollback-timeout the checkpoint still expires, so that a
    // grecfg killed midway leaves NetworkManager as before.
    let expiry = how
        .rollback_timeout
        .unwrap_or_else(|| u32::try_from(how.timeout.saturating_mul(2) + 60).unwrap_or(u32::MAX));
    let cp = nm
        .checkpoint_create(
            expiry,
            dbus::DELETE_NEW_CONNECTIONS | dbus::DISCONNECT_NEW_DEVICES,
        )
        .map_err(|e| {
            let _ = undo_files(root, dir, m);
            nm_fail(&e)
        })?;
    m.state = "trial".into();
    m.checkpoint = Some(cp.to_string());
    save(dir, m).map_err(|f| (f, Exit::Io))?;
    if !r.quiet && !r.json {
        crate::diag::say(format!(
            "migration {}: bringing up {} under a NetworkManager checkpoint (it rolls back by itself after {expiry} s)",
            m.id,
            match planned.len() {
                1 => "1 profile".to_string(),
                n => format!("{n} profiles"),
            }
        ));
    }

    let failure = bring_up(nm, planned, how, r);
    let failure = match failure {
        Some(f) => Some(f),
        None => verify(planned, r),
    };
    if let Some((what, exit)) = failure {
        let rolled = nm.checkpoint_rollback(cp.as_str());
        undo_files(root, dir, m).map_err(|f| (f, Exit::Io))?;
        let how_back = match rolled {
            Ok(_) => "NetworkManager rolled back to the checkpoint".to_string(),
            Err(e) => format!("the rollback failed ({})", e.message),
        };
        r.diagnostic(Diagnostic::error(format!(
            "{what}; {how_back}, and migration {} is undone: the ifcfg files are back",
            m.id
        )));
        return Ok(exit);
    }
    match how.rollback_timeout {
        Some(secs) => {
            r.line(format!(
                "migration {} is up on trial: NetworkManager rolls it back in {secs} s unless `grecfg migrate --confirm` runs first",
                m.id
            ));
        }
        None => {
            nm.checkpoint_destroy(cp.as_str()).map_err(|e| nm_fail(&e))?;
            m.state = "done".into();
            m.checkpoint = None;
            save(dir, m).map_err(|f| (f, Exit::Io))?;
        }
    }
    Ok(Exit::Ok)
}

/// Load the keyfiles and activate every profile; what failed, if any.
fn bring_up(nm: &Nm, planned: &[&Planned], how: Activate, r: &mut Report) -> Option<(String, Exit)> {
    let files: Vec<String> = planned
        .iter()
        .map(|p| format!("{KEYFILE_DIR}/{}", p.file.name))
        .collect();
    match nm.load_connections(&files) {
        Ok(failed) if failed.is_empty() => {}
        Ok(failed) => {
            return Some((
                format!("NetworkManager could not load {}", failed.join(", ")),
                Exit::Refused,
            ))
        }
        Err(e) => return Some((e.message.clone(), crate::activate::nm_error(&e).1)),
    }
    let mut paths = Vec::new();
    for p in planned {
        match nm.by_uuid(&p.uuid) {
            Ok(Some(path)) => paths.push(path),
            Ok(None) => {
                return Some((
                    format!(
                        "NetworkManager loaded no profile with UUID {} ({})",
                        p.uuid, p.file.name
                    ),
                    Exit::Refused,
                ))
            }
            Err(e) => return Some((e.message.clone(), crate::activate::nm_error(&e).1)),
        }
    }
    let mut failed: Vec<String> = Vec::new();
    let mut exit = Exit::Ok;
    nm.activate_all(&paths, Duration::from_secs(how.timeout), |i, a| {
        let name = crate::diag::shown(&planned[i].interface).into_owned();
        match a {
            Ok((Outcome::Activated, _)) => {
                if !r.quiet && !r.json {
                    crate::diag::say(format!("activated {name} ({}/{})", i + 1, planned.len()));
                }
            }
            Ok((Outcome::Failed(why), _)) => {
                let lead = format!("{name}: activation failed: ");
                let why = why
                    .strip_prefix(lead.as_str())
                    .or_else(|| why.strip_prefix("activation failed: "))
                    .unwrap_or(&why);
                failed.push(if why.contains(name.as_str()) {
                    why.to_string()
                } else {
                    format!("{name}: {why}")
                });
                exit = exit.max(Exit::Refused);
            }
            Ok((Outcome::TimedOut(state), _)) => {
                failed.push(format!("{name}: still {state} after {} s", how.timeout));
                exit = exit.max(Exit::Refused);
            }
            Err(e) => {
                failed.push(format!("{name}: {}", e.message));
                exit = exit.max(crate::activate::nm_error(&e).1);
            }
        }
    });
    if failed.is_empty() {
        None
    } else {
        Some((
            format!(
                "activation failed for {} of {}: {}",
                failed.len(),
                planned.len(),
                failed.join("; ")
            ),
            exit,
        ))
    }
}

/// Each device against its tunnel, as `grecfg status` compares them.
fn verify(planned: &[&Planned], r: &mut Report) -> Option<(String, Exit)> {
    let mut wrong = Vec::new();
    for p in planned {
        let name = crate::diag::shown(&p.tunnel.name).into_owned();
        match crate::status::running::read(&p.tunnel.name) {
            Ok(Some(d)) => {
                for x in crate::status::compare(&p.tunnel, &d) {
                    wrong.push(format!(
                        "{name}: {} configured {}, running {}",
                        x.field, x.configured, x.running
                    ));
                }
            }
            Ok(None) => wrong.push(format!("{name}: no such device after activation")),
            Err(e) => wrong.push(format!("{name}: cannot read the device: {e}")),
        }
    }
    if wrong.is_empty() {
        r.line(format!(
            "every device runs as configured ({} checked)",
            planned.len()
        ));
        None
    } else {
        Some((
            format!("the devices do not run as configured: {}", wrong.join("; ")),
            Exit::Refused,
        ))
    }
}

/// Put the files of `m` back as they were before it, and forget it.
fn undo_files(root: &Root, dir: &Path, m: &Manifest) -> Result<(), Fail> {
    restore(root, dir, m, true)?;
    forget(root, dir, m)
}

/// A migration left in `trial`: still under its checkpoint (an error, or
/// `confirm`ed), rolled back by NetworkManager (its keyfiles gone: the
/// files are put back), or its checkpoint lost with the keyfiles in place
/// (NetworkManager restarted: kept). What it says, and whether it is kept.
pub(super) fn settle(
    nm: Option<&Nm>,
    root: &Root,
    dir: &Path,
    m: &mut Manifest,
    confirm: bool,
) -> Result<(String, bool), Fail> {
    let cp = m.checkpoint.clone().unwrap_or_default();
    let held = match nm {
        Some(nm) => nm
            .checkpoints()
            .map_err(|e| Fail::Io(crate::activate::nm_error(&e).0.into()))?
            .contains(&cp),
        None => false,
    };
    if held {
        if !confirm {
            return Err(backup::input_fail(
                format!(
                    "migration {} is on trial under a NetworkManager checkpoint; nothing changed",
                    m.id
                ),
                Some("confirm it with `grecfg migrate --confirm`, or let it roll back"),
            ));
        }
        let nm = nm.expect("held means asked");
        nm.checkpoint_destroy(&cp)
            .map_err(|e| Fail::Io(crate::activate::nm_error(&e).0.into()))?;
        m.state = "done".into();
        m.checkpoint = None;
        save(dir, m)?;
        return Ok((format!("migration {} confirmed: it stays", m.id), true));
    }
    if complete(root, m) {
        m.state = "done".into();
        m.checkpoint = None;
        save(dir, m)?;
        return Ok((
            format!(
                "migration {}'s checkpoint is gone but its keyfiles are in place (NetworkManager restarted?): it stays",
                m.id
            ),
            true,
        ));
    }
    undo_files(root, dir, m)?;
    Ok((
        format!(
            "migration {} was rolled back by NetworkManager (not confirmed in time): its ifcfg files are back",
            m.id
        ),
        false,
    ))
}
