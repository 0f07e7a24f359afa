//! `grecfg migrate`: a machine's ifcfg tunnels moved to NetworkManager
//! keyfiles, all or nothing, with a backup and a manifest that `--undo`
//! reverses, as `nmcli connection migrate` does for what it can migrate
//! (it skips tunnels) and `netplan try` promises for what it changes.
//!
//! Every path is under a root (`--root`, `/` by default). A run:
//!
//! 1. takes the lock `ROOT/run/lock/grecfg-migrate.lock` (a second run
//!    refuses, naming the holder's PID);
//! 2. finishes or reverses a migration a killed run left half done (its
//!    manifest still says `started`), and the write transactions of the
//!    two directories involved;
//! 3. reads and converts every tunnel `ifcfg-*` of
//!    `ROOT/etc/sysconfig/network-scripts` (with its `route-`, `route6-`
//!    and `keys-` files): an error in one changes nothing;
//! 4. copies the files it will move into `BACKUP/ID/files/` and writes
//!    `BACKUP/ID/manifest.json` (what is moved, what is written, SHA-256
//!    of each), synced, with the state `started`;
//! 5. writes the keyfiles into `ROOT/etc/NetworkManager/system-connections`
//!    (0600) and removes the migrated files, as one write transaction;
//! 6. marks the manifest `done`.
//!
//! `BACKUP` is `ROOT/var/lib/grecfg/migrations` unless `--backup-dir`;
//! `ID` is the next free number there. A keyfile already in place with
//! the same contents is left alone (a second run has nothing to do); one
//! that differs, or another profile for the same interface or UUID, stops
//! the run before anything changes.

mod backup;
#[cfg(feature = "dbus")]
mod trial;

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use backup::{
    back_up, existing_profiles, forget, input_fail, io_fail, lock, machine, migrations, profile_keys,
    read_opt, restore, save, saved, settle,
};
pub(crate) use backup::{existing_profiles as persistent_profiles, profile_keys as keyfile_profile_keys};
pub use backup::{Entry, Manifest};

use crate::codec::{OutputFile, Root};
use crate::convert::{self, ConvertOptions};
use crate::diag::{say, Diagnostic, Fail};
use crate::digest::Digest;
use crate::exit::Exit;
use crate::format::Format;
use crate::write::{self, Action, Change};

/// Where NetworkManager reads persistent profiles, under the root.
const KEYFILE_DIR: &str = "/etc/NetworkManager/system-connections";
/// Where initscripts' files are, under the root.
const IFCFG_DIR: &str = "/etc/sysconfig/network-scripts";
const BACKUP_DIR: &str = "/var/lib/grecfg/migrations";

/// What `grecfg migrate` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub root: PathBuf,
    pub dry_run: bool,
    pub diff: bool,
    pub backup_dir: Option<PathBuf>,
    pub keep_ifcfg: bool,
    /// `--activate`: bring the migration up in NetworkManager.
    pub activate: Option<ActivateOptions>,
    pub quiet: bool,
    pub verbose: bool,
}

/// What `--activate` was asked.
#[derive(Debug, Clone, Copy)]
pub struct ActivateOptions {
    /// Seconds each activation may take.
    pub timeout: u64,
    /// Keep the checkpoint this long for `--confirm`.
    pub rollback_timeout: Option<u32>,
}

/// Which `grecfg migrate` is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    Migrate,
    /// `--undo`, with its migration or the last.
    Undo(Option<u64>),
    /// `--confirm`.
    Confirm,
}

/// Say that NetworkManager failed `r`'s run, and the exit status.
fn nm_failed(r: &mut Report, fail: Fail, exit: Exit) -> Exit {
    for d in &fail.failure().diagnostics {
        r.diagnostic(d.clone());
    }
    exit
}

/// What a run says: diagnostics (collapsed as a conversion's are), its
/// own lines (what it wrote, what it left alone, the summary last), and
/// the record `--format json` prints.
struct Report {
    digest: Digest,
    lines: Vec<String>,
    record: Record,
    diff: Option<String>,
    json: bool,
    quiet: bool,
}

/// `migration` in the `--format json` document (docs/grecfg.schema.json).
#[derive(Debug, Default, Serialize)]
struct Record {
    /// The migration made, undone, or planned by a dry run.
    id: Option<u64>,
    root: String,
    dry_run: bool,
    undone: bool,
    /// Keyfiles written (undoing: removed).
    written: Vec<String>,
    /// Files moved into the backup (undoing: put back).
    moved: Vec<Moved>,
    /// ifcfg files that are not tunnels.
    left_alone: Vec<String>,
    /// Keyfiles already there as the migration would write them.
    already: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Moved {
    from: String,
    to: String,
}

impl Report {
    fn line(&mut self, text: String) {
        self.lines.push(text);
    }

    fn diagnostic(&mut self, d: Diagnostic) {
        self.digest.push(d);
    }
}

/// Run `grecfg migrate` (`undo`: `--undo`, with its migration or the
/// last) and print what it says: text on standard error, or one JSON
/// document on standard output. The exit status.
pub fn main(opts: &Options, task: Task, force: bool, json: bool) -> Exit {
    let mut r = Report {
        digest: if json {
            Digest::keeping_all()
        } else {
            Digest::new()
        },
        lines: Vec::new(),
        record: Record::default(),
        diff: None,
        json,
        quiet: opts.quiet,
    };
    let result = match task {
        Task::Migrate => run(opts, &mut r),
        Task::Undo(id) => self::undo(opts, id, force, &mut r),
        Task::Confirm => confirm(opts, &mut r),
    };
    let code = match result {
        Ok(code) => code,
        Err(fail) => {
            for d in &fail.failure().diagnostics {
                r.diagnostic(d.clone());
            }
            r.lines.clear();
            r.record.written.clear();
            r.record.moved.clear();
            if r.json {
                r.line("nothing changed".into());
            }
            fail.exit_code()
        }
    };
    if r.json {
        let findings: Vec<_> = r
            .digest
            .all()
            .into_iter()
            .map(crate::check::JsonFinding::of)
            .collect();
        let mut doc = serde_json::json!({
            "version": 1,
            "findings": findings,
            "summary": {
                "errors": r.digest.errors(),
                "warnings": r.digest.warnings(),
                "notes": r.digest.notes(),
                "written": if r.record.dry_run || r.record.undone { 0 } else { r.record.written.len() },
                "text": r.lines.last().cloned().unwrap_or_default(),
            },
            "written": if r.record.dry_run || r.record.undone { Vec::new() } else { r.record.written.clone() },
            "migration": r.record,
        });
        if let Some(d) = r.diff {
            doc["diff"] = d.into();
        }
        let text = serde_json::to_string_pretty(&doc).expect("the document serializes") + "\n";
        let _ = crate::diag::print_out(&text);
    } else {
        for l in r.digest.lines(r.quiet) {
            say(l);
        }
        if !r.quiet {
            for l in &r.lines {
                say(l);
            }
        }
    }
    code
}

/// `BACKUP`, absolute.
fn backup_root(root: &Root, opts: &Options) -> PathBuf {
    match &opts.backup_dir {
        Some(d) => root.path(d),
        None => root.path(Path::new(BACKUP_DIR)),
    }
}

/// What is on the machine for one ifcfg tunnel: its files and the
/// keyfile it gives.
struct Planned {
    /// The ifcfg file and its companions, relative to the root.
    sources: Vec<PathBuf>,
    file: OutputFile,
    interface: String,
    uuid: String,
    /// The tunnel as NetworkManager holds it, to compare with the device.
    #[cfg_attr(not(feature = "dbus"), allow(dead_code))]
    tunnel: crate::model::Tunnel,
}

/// `grecfg migrate`.
fn run(opts: &Options, r: &mut Report) -> Result<Exit, Fail> {
    let root = Root::new(&opts.root);
    r.record.root = root.path(Path::new("/")).display().to_string();
    r.record.dry_run = opts.dry_run;
    let _lock = lock(&root)?;
    let backup = backup_root(&root, opts);
    if !opts.dry_run && !opts.diff {
        // A write transaction a killed run left is finished first (its
        // journal), then its migration is found complete or reversed.
        for dir in [KEYFILE_DIR, IFCFG_DIR] {
            crate::write::recover(&root.path(Path::new(dir)));
        }
        backup::recover_backups(&backup);
        for (id, mut m) in migrations(&backup) {
            let dir = backup.join(id.to_string());
            match m.state.as_str() {
                "started" => {
                    let said = settle(&root, &dir, &mut m)?;
                    r.diagnostic(Diagnostic::note(said));
                }
                "trial" => {
                    let said = settle_trial(&root, &dir, &mut m, false)?;
                    r.diagnostic(Diagnostic::note(said.0));
                }
                _ => {}
            }
        }
    }

    let (inputs, notes) = convert::discover(&root, Format::Ifcfg)?;
    let left_alone: Vec<String> = notes
        .iter()
        .filter(|n| n.message.starts_with("skipped: not a tunnel"))
        .filter_map(|n| n.location.as_ref().map(|l| l.file.clone()))
        .collect();
    let mut planned = Vec::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut errors = Vec::new();
    for input in inputs.iter() {
        let conv = match convert::convert(
            std::slice::from_ref(input),
            Format::Keyfile,
            &ConvertOptions::default(),
        ) {
            Ok(c) => c,
            Err(f) => {
                errors.extend(f.failure().diagnostics.clone());
                continue;
            }
        };
        diagnostics.extend(conv.diagnostics.iter().cloned());
        let Some(path) = input.source.path.as_ref() else {
            continue;
        };
        let rel = machine(path.strip_prefix(root.path(Path::new("/"))).unwrap_or(path));
        let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let suffix = name.strip_prefix("ifcfg-").unwrap_or(name);
        let mut sources = vec![rel.clone()];
        for prefix in Format::Ifcfg.meta().companions {
            let c = rel.with_file_name(format!("{prefix}{suffix}"));
            if root.path(&c).is_file() {
                sources.push(c);
            }
        }
        for item in conv.items {
            for file in item.files {
                let (ifname, uuid) = profile_keys(&file.contents);
                planned.push(Planned {
                    sources: sources.clone(),
                    interface: ifname.unwrap_or_else(|| item.tunnel.name.clone()),
                    uuid: uuid.unwrap_or_default(),
                    tunnel: item.tunnel.clone(),
                    file,
                });
            }
        }
    }
    r.record.left_alone = left_alone.clone();
    if !errors.is_empty() {
        for d in errors.iter().cloned() {
            r.diagnostic(d);
        }
        return Err(input_fail(
            format!(
                "nothing changed: {} in the ifcfg files under {}",
                plural(errors.len(), "error", "errors"),
                root.path(Path::new(IFCFG_DIR)).display()
            ),
            None,
        ));
    }

    // What is there already.
    let keyfiles = root.path(Path::new(KEYFILE_DIR));
    let existing = existing_profiles(&keyfiles);
    let mut changes: Vec<(PathBuf, &Planned)> = Vec::new();
    let mut already = 0;
    for p in &planned {
        let rel = Path::new(KEYFILE_DIR).join(&p.file.name);
        match read_opt(&root.path(&rel))? {
            Some(b) if b == p.file.contents.as_bytes() => {
                already += 1;
                r.record.already.push(root.path(&rel).display().to_string());
            }
            Some(_) => {
                return Err(input_fail(
                    format!(
                        "{} is there and differs from what {} gives; nothing changed",
                        root.path(&rel).display(),
                        p.sources[0].display()
                    ),
                    Some("--diff shows the difference; move the keyfile away to migrate the ifcfg file"),
                ))
            }
            None => {
                let same = existing.iter().find(|(_, ifname, uuid)| {
                    ifname.as_deref() == Some(p.interface.as_str())
                        || uuid.as_deref() == Some(p.uuid.as_str())
                });
                if let Some((other, _, _)) = same {
                    return Err(input_fail(
                        format!(
                            "{} already has a profile for {} ({}); nothing changed",
                            keyfiles.display(),
                            p.interface,
                            other
                        ),
                        Some("two profiles for one interface would both claim it: remove one first"),
                    ));
                }
                changes.push((rel, p));
            }
        }
    }
    let mut moved: Vec<PathBuf> = if opts.keep_ifcfg {
        Vec::new()
    } else {
        planned.iter().flat_map(|p| p.sources.iter().cloned()).collect()
    };
    moved.sort();
    moved.dedup();

    for d in diagnostics {
        r.diagnostic(d);
    }
    if changes.is_empty() && moved.is_empty() {
        tell_left_alone(r, &left_alone);
        r.line(format!(
            "nothing to migrate under {}: {}",
            root.path(Path::new("/")).display(),
            match already {
                0 => "no tunnel ifcfg files".to_string(),
                n => format!("{} already migrated", plural(n, "tunnel", "tunnels")),
            }
        ));
        return Ok(Exit::Ok);
    }

    let plan: Vec<Change> = changes
        .iter()
        .map(|(rel, p)| Change {
            path: rel.clone(),
            action: Action::Create(&p.file),
        })
        .chain(write::retire(moved.iter().cloned()))
        .collect();
    let id = migrations(&backup).last().map_or(1, |(id, _)| id + 1);
    let dir = backup.join(id.to_string());

    r.record.id = Some(id);
    if opts.diff {
        let text = write::diff(&plan, &root)?.unwrap_or_default();
        r.diff = Some(text.clone());
        if !r.json {
            crate::diag::print_out(&text).map_err(|e| io_fail(Path::new("standard output"), "write", e))?;
        }
        r.line(format!(
            "--diff: nothing changed; {}",
            if text.is_empty() {
                "no differences"
            } else {
                "the differences are on standard output"
            }
        ));
        return Ok(if text.is_empty() { Exit::Ok } else { Exit::Found });
    }
    let plan_record = |r: &mut Report| {
        r.record.written = changes
            .iter()
            .map(|(rel, _)| root.path(rel).display().to_string())
            .collect();
        r.record.moved = moved
            .iter()
            .map(|rel| Moved {
                from: root.path(rel).display().to_string(),
                to: saved(&dir, rel).display().to_string(),
            })
            .collect();
    };
    if opts.dry_run {
        plan_record(r);
        if !r.json {
            let mut out = String::new();
            for w in &r.record.written {
                out.push_str(&format!("write {w}\n"));
            }
            for m in &r.record.moved {
                out.push_str(&format!("move {} to {}\n", m.from, m.to));
            }
            for f in &left_alone {
                out.push_str(&format!(
                    "leave {f}: not a tunnel (nmcli connection migrate converts it)\n"
                ));
            }
            crate::diag::print_out(&out).map_err(|e| io_fail(Path::new("standard output"), "write", e))?;
        }
        r.line(format!(
            "dry run: nothing changed; migration {id} would write {} and move {}",
            plural(changes.len(), "keyfile", "keyfiles"),
            plural(moved.len(), "file", "files")
        ));
        return Ok(Exit::Ok);
    }

    // NetworkManager is asked before anything changes.
    #[cfg(feature = "dbus")]
    let nm = match opts.activate {
        Some(_) => match trial::connect(&root) {
            Ok(nm) => Some(nm),
            Err((f, exit)) => {
                r.line("nothing changed".into());
                return Ok(nm_failed(r, f, exit));
            }
        },
        None => None,
    };
    #[cfg(not(feature = "dbus"))]
    if opts.activate.is_some() {
        r.line("nothing changed".into());
        return Ok(nm_failed(r, no_dbus(), Exit::Unreachable));
    }

    // The backup and the manifest, durable before anything changes; what
    // a run killed before its manifest left under this number goes.
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(|e| io_fail(&dir, "remove", e))?;
    }
    let top = root.path(Path::new("/"));
    let mut created: Vec<PathBuf> = Vec::new();
    for d in [
        PathBuf::from(KEYFILE_DIR),
        machine(dir.strip_prefix(&top).unwrap_or(&dir)),
    ] {
        let missing: Vec<PathBuf> = d
            .ancestors()
            .filter(|a| !root.path(a).exists())
            .map(Path::to_path_buf)
            .collect();
        created.extend(missing.into_iter().rev());
    }
    let mut manifest = Manifest {
        id,
        state: "started".into(),
        moved: Vec::new(),
        written: changes
            .iter()
            .map(|(path, p)| Entry {
                path: path.clone(),
                sha256: backup::sha256(p.file.contents.as_bytes()),
                mode: p.file.mode,
            })
            .collect(),
        created,
        checkpoint: None,
    };
    back_up(&root, &dir, &mut manifest, &moved)?;
    if let Err(f) = write::commit(&plan, &root) {
        // Nothing of the plan is in place: the backup is not needed.
        let _ = fs::remove_dir_all(&dir);
        return Err(f);
    }
    manifest.state = "done".into();
    save(&dir, &manifest)?;
    plan_record(r);
    #[cfg(feature = "dbus")]
    if let (Some(nm), Some(how)) = (&nm, opts.activate) {
        let ps: Vec<&Planned> = changes.iter().map(|(_, p)| *p).collect();
        match trial::activate(nm, &root, &dir, &mut manifest, &ps, how, r) {
            Ok(Exit::Ok) => {}
            Ok(exit) => {
                r.record.written.clear();
                r.record.moved.clear();
                r.line(format!("migration {id} failed and is undone: nothing changed"));
                return Ok(exit);
            }
            Err((f, exit)) => return Ok(nm_failed(r, f, exit)),
        }
    }

    if opts.verbose || changes.len() <= 10 {
        for (rel, _) in &changes {
            r.line(format!("wrote {}", root.path(rel).display()));
        }
    }
    if opts.keep_ifcfg {
        r.diagnostic(
            Diagnostic::warning(
                "the ifcfg files stay (--keep-ifcfg): initscripts and NetworkManager would both claim their devices",
            )
            .hint("remove them, or run grecfg migrate again without --keep-ifcfg, before the next boot"),
        );
    }
    tell_left_alone(r, &left_alone);
    if root.is_system() && !changes.is_empty() {
        r.line(
            "NetworkManager reads the new keyfiles after `nmcli connection reload`; they come up at the next boot or with `nmcli connection up NAME`"
                .into(),
        );
    }
    let there = match already {
        0 => String::new(),
        n => format!(" ({n} there already)"),
    };
    r.line(format!(
        "migrated {}: {} written under {}{there}, {} moved to {} (undo: grecfg migrate --undo {id})",
        plural(planned.len(), "tunnel", "tunnels"),
        plural(changes.len(), "keyfile", "keyfiles"),
        keyfiles.display(),
        plural(moved.len(), "file", "files"),
        dir.join("files").display()
    ));
    Ok(Exit::Ok)
}

fn tell_left_alone(r: &mut Report, files: &[String]) {
    if !files.is_empty() {
        let (what, them) = match files.len() {
            1 => ("not a tunnel", "it"),
            _ => ("not tunnels", "them"),
        };
        r.line(format!(
            "left alone: {} ({}): {what}; `nmcli connection migrate` converts {them}",
            plural(files.len(), "ifcfg file", "ifcfg files"),
            files.join(", ")
        ));
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(not(feature = "dbus"))]
fn no_dbus() -> Fail {
    Fail::Io(
        Diagnostic::error("this grecfg was built without the dbus feature: it cannot talk to NetworkManager")
            .hint("migrate without --activate, then `nmcli connection reload` and `nmcli connection up NAME`")
            .into(),
    )
}

/// Settle a migration left on `trial` (see [`trial::settle`]); what it
/// says and whether the migration stays.
fn settle_trial(root: &Root, dir: &Path, m: &mut Manifest, confirm: bool) -> Result<(String, bool), Fail> {
    #[cfg(feature = "dbus")]
    {
        let nm = crate::nm::dbus::Nm::connect().ok();
        trial::settle(nm.as_ref(), root, dir, m, confirm)
    }
    #[cfg(not(feature = "dbus"))]
    {
        let _ = (root, dir, m, confirm);
        Err(no_dbus())
    }
}

/// `grecfg migrate --confirm`: keep the migrations on trial.
fn confirm(opts: &Options, r: &mut Report) -> Result<Exit, Fail> {
    let root = Root::new(&opts.root);
    r.record.root = root.path(Path::new("/")).display().to_string();
    let _lock = lock(&root)?;
    let backup = backup_root(&root, opts);
    backup::recover_backups(&backup);
    let on_trial: Vec<(u64, Manifest)> = migrations(&backup)
        .into_iter()
        .filter(|(_, m)| m.state == "trial")
        .collect();
    if on_trial.is_empty() {
        return Err(input_fail(
            format!("no migration under {} waits to be confirmed", backup.display()),
            Some("--confirm keeps a migration activated with --rollback-timeout"),
        ));
    }
    let mut code = Exit::Ok;
    for (id, mut m) in on_trial {
        r.record.id = Some(id);
        let (said, kept) = settle_trial(&root, &backup.join(id.to_string()), &mut m, true)?;
        if kept {
            r.line(said);
        } else {
            r.diagnostic(Diagnostic::error(said));
            code = Exit::Refused;
        }
    }
    Ok(code)
}

/// `grecfg migrate --undo [ID]`: the last migration not undone, or
/// migration `id`.
fn undo(opts: &Options, id: Option<u64>, force: bool, r: &mut Report) -> Result<Exit, Fail> {
    let root = Root::new(&opts.root);
    r.record.root = root.path(Path::new("/")).display().to_string();
    r.record.undone = true;
    let _lock = lock(&root)?;
    let backup = backup_root(&root, opts);
    backup::recover_backups(&backup);
    let all = migrations(&backup);
    let found = match id {
        Some(id) => all.into_iter().find(|(i, _)| *i == id),
        None => all.into_iter().next_back(),
    };
    let Some((id, m)) = found else {
        return Err(input_fail(
            match id {
                Some(id) => format!("there is no migration {id} under {}", backup.display()),
                None => format!("there is no migration to undo under {}", backup.display()),
            },
            None,
        ));
    };
    for dir in [KEYFILE_DIR, IFCFG_DIR] {
        crate::write::recover(&root.path(Path::new(dir)));
    }
    let dir = backup.join(id.to_string());
    if m.state == "trial" {
        // Its checkpoint goes first: NetworkManager rolls back to it.
        #[cfg(feature = "dbus")]
        if let (Ok(nm), Some(cp)) = (crate::nm::dbus::Nm::connect(), &m.checkpoint) {
            if nm.checkpoints().is_ok_and(|all| all.contains(cp)) {
                let _ = nm.checkpoint_rollback(cp);
            }
        }
    }
    restore(&root, &dir, &m, force)?;
    forget(&root, &dir, &m)?;
    r.record.id = Some(id);
    r.record.written = m
        .written
        .iter()
        .map(|e| root.path(&e.path).display().to_string())
        .collect();
    r.record.moved = m
        .moved
        .iter()
        .map(|e| Moved {
            from: saved(&dir, &e.path).display().to_string(),
            to: root.path(&e.path).display().to_string(),
        })
        .collect();
    r.line(format!(
        "undid migration {id}: {} back in place, {} removed",
        plural(m.moved.len(), "file", "files"),
        plural(m.written.len(), "keyfile", "keyfiles")
    ));
    if root.is_system() && !m.written.is_empty() {
        r.line(
            "NetworkManager keeps the profiles it loaded from the removed keyfiles until `nmcli connection reload`"
                .into(),
        );
    }
    Ok(Exit::Ok)
}
