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

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::codec::{OutputFile, Root};
use crate::convert::{self, ConvertOptions};
use crate::diag::{say, Diagnostic, Fail};
use crate::digest::Digest;
use crate::exit::Exit;
use crate::format::Format;
use crate::write::{self, Action, Change};

/// Where NetworkManager reads persistent profiles, relative to the root.
const KEYFILE_DIR: &str = "etc/NetworkManager/system-connections";
/// Where initscripts' files are, relative to the root.
const IFCFG_DIR: &str = "etc/sysconfig/network-scripts";
const BACKUP_DIR: &str = "var/lib/grecfg/migrations";
const LOCK: &str = "run/lock/grecfg-migrate.lock";

/// What `grecfg migrate` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub root: PathBuf,
    pub dry_run: bool,
    pub diff: bool,
    pub backup_dir: Option<PathBuf>,
    pub keep_ifcfg: bool,
    pub quiet: bool,
    pub verbose: bool,
}

/// One file a migration moved away or wrote, with its SHA-256.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// Relative to the root.
    pub path: PathBuf,
    pub sha256: String,
    pub mode: u32,
}

/// `BACKUP/ID/manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub id: u64,
    /// `started` until every change is in place, then `done`.
    pub state: String,
    /// The ifcfg and companion files taken out of their place, each kept
    /// under `files/` by its path.
    pub moved: Vec<Entry>,
    /// The keyfiles written.
    pub written: Vec<Entry>,
    /// The directories the migration made (relative to the root), parents
    /// first: `--undo` removes those left empty.
    #[serde(default)]
    pub created: Vec<PathBuf>,
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
pub fn main(opts: &Options, undo: Option<Option<u64>>, force: bool, json: bool) -> Exit {
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
    let result = match undo {
        None => run(opts, &mut r),
        Some(id) => self::undo(opts, id, force, &mut r),
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

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn io_fail(path: &Path, what: &str, e: std::io::Error) -> Fail {
    Fail::Io(Diagnostic::error(format!("cannot {what} {}: {e}", path.display())).into())
}

fn input_fail(message: String, hint: Option<&str>) -> Fail {
    let d = Diagnostic::error(message);
    Fail::Input(
        match hint {
            Some(h) => d.hint(h),
            None => d,
        }
        .into(),
    )
}

/// The lock of migrations under a root, held while it is open.
struct Lock(#[allow(dead_code)] fs::File);

fn lock(root: &Root) -> Result<Lock, Fail> {
    let path = root.path(Path::new(LOCK));
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| io_fail(dir, "create directory", e))?;
    }
    let mut f = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o644)
        .open(&path)
        .map_err(|e| io_fail(&path, "open", e))?;
    use std::os::fd::AsRawFd;
    // SAFETY: a valid descriptor.
    if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        let holder = fs::read_to_string(&path).unwrap_or_default();
        return Err(Fail::Io(
            Diagnostic::error(format!(
                "another grecfg migrate (PID {}) is working under {}; nothing changed",
                holder.trim(),
                root.path(Path::new("/")).display()
            ))
            .hint("wait for it to finish, then run again")
            .into(),
        ));
    }
    f.set_len(0).map_err(|e| io_fail(&path, "write", e))?;
    let _ = writeln!(f, "{}", std::process::id());
    Ok(Lock(f))
}

/// `BACKUP`, absolute.
fn backup_root(root: &Root, opts: &Options) -> PathBuf {
    match &opts.backup_dir {
        Some(d) => root.path(d),
        None => root.path(Path::new(BACKUP_DIR)),
    }
}

/// The migrations recorded in `backup`, by number.
fn migrations(backup: &Path) -> Vec<(u64, Manifest)> {
    let mut all: Vec<(u64, Manifest)> = fs::read_dir(backup)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let id: u64 = e.file_name().to_str()?.parse().ok()?;
            let text = fs::read_to_string(e.path().join("manifest.json")).ok()?;
            Some((id, serde_json::from_str(&text).ok()?))
        })
        .collect();
    all.sort_by_key(|(id, _)| *id);
    all
}

/// Write `bytes` to `path` durably: staged beside it, synced, renamed,
/// the directory synced.
fn write_durably(path: &Path, bytes: &[u8], mode: u32) -> Result<(), Fail> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| io_fail(dir, "create directory", e))?;
    let tmp = dir.join(format!(
        ".grecfg-{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file")
    ));
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(&tmp)
        .map_err(|e| io_fail(&tmp, "create", e))?;
    f.write_all(bytes).map_err(|e| io_fail(&tmp, "write", e))?;
    f.set_permissions(fs::Permissions::from_mode(mode))
        .map_err(|e| io_fail(&tmp, "set the mode of", e))?;
    f.sync_all().map_err(|e| io_fail(&tmp, "sync", e))?;
    drop(f);
    fs::rename(&tmp, path).map_err(|e| io_fail(path, "replace", e))?;
    sync_dir(dir);
    Ok(())
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

fn save(dir: &Path, m: &Manifest) -> Result<(), Fail> {
    let text = serde_json::to_string_pretty(m).expect("a manifest serializes");
    write_durably(&dir.join("manifest.json"), format!("{text}\n").as_bytes(), 0o600)
}

/// A file of the tree as it is: its bytes, or `None` when it is not there.
fn read_opt(path: &Path) -> Result<Option<Vec<u8>>, Fail> {
    match fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_fail(path, "read", e)),
    }
}

/// A migration a killed run left `started`: done when every keyfile is
/// in place and every moved file gone (the write transaction got through),
/// else reversed. What it says about it, for the user.
fn settle(root: &Root, dir: &Path, m: &mut Manifest) -> Result<String, Fail> {
    let written_there = m.written.iter().all(|e| {
        read_opt(&root.path(&e.path))
            .ok()
            .flatten()
            .is_some_and(|b| sha256(&b) == e.sha256)
    });
    let moved_gone = m.moved.iter().all(|e| !root.path(&e.path).exists());
    if written_there && moved_gone {
        m.state = "done".into();
        save(dir, m)?;
        return Ok(format!(
            "migration {} had not been marked done: it is complete",
            m.id
        ));
    }
    restore(root, dir, m, true)?;
    forget(root, dir, m)?;
    Ok(format!(
        "migration {} was stopped before it finished: it is reversed, the files are as before it",
        m.id
    ))
}

/// Put a migration's moved files back and remove the keyfiles it wrote
/// (those still as it wrote them, or any with `force`).
fn restore(root: &Root, dir: &Path, m: &Manifest, force: bool) -> Result<(), Fail> {
    for e in &m.written {
        let path = root.path(&e.path);
        match read_opt(&path)? {
            Some(b) if sha256(&b) != e.sha256 && !force => {
                return Err(input_fail(
                    format!(
                        "{} was changed since migration {}; nothing changed",
                        path.display(),
                        m.id
                    ),
                    Some("--force removes it all the same"),
                ))
            }
            _ => {}
        }
    }
    for e in &m.moved {
        let path = root.path(&e.path);
        if let Some(b) = read_opt(&path)? {
            if sha256(&b) != e.sha256 && !force {
                return Err(input_fail(
                    format!(
                        "{} is there again and differs from the one migration {} moved; nothing changed",
                        path.display(),
                        m.id
                    ),
                    Some("--force puts the migrated one back over it"),
                ));
            }
        }
    }
    for e in &m.moved {
        let saved = dir.join("files").join(&e.path);
        let bytes = fs::read(&saved).map_err(|err| io_fail(&saved, "read the backup", err))?;
        if sha256(&bytes) != e.sha256 {
            return Err(Fail::Io(
                Diagnostic::error(format!(
                    "the backup {} does not hold what was moved (its SHA-256 differs); nothing more changed",
                    saved.display()
                ))
                .into(),
            ));
        }
        write_durably(&root.path(&e.path), &bytes, e.mode)?;
    }
    let mut dirs = std::collections::BTreeSet::new();
    for e in &m.written {
        let path = root.path(&e.path);
        match fs::remove_file(&path) {
            Ok(()) => {
                dirs.insert(path.parent().map(Path::to_path_buf).unwrap_or_default());
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(io_fail(&path, "remove", err)),
        }
    }
    for d in dirs {
        sync_dir(&d);
    }
    Ok(())
}

/// Remove a migration's record (`dir`), then the directories it made that
/// are left empty.
fn forget(root: &Root, dir: &Path, m: &Manifest) -> Result<(), Fail> {
    fs::remove_dir_all(dir).map_err(|e| io_fail(dir, "remove", e))?;
    for d in m.created.iter().rev() {
        let _ = fs::remove_dir(root.path(d));
    }
    Ok(())
}

/// What is on the machine for one ifcfg tunnel: its files and the
/// keyfile it gives.
struct Planned {
    /// The ifcfg file and its companions, relative to the root.
    sources: Vec<PathBuf>,
    file: OutputFile,
    interface: String,
    uuid: String,
}

/// The `interface-name=` and `uuid=` of a keyfile's `[connection]`.
fn profile_keys(text: &str) -> (Option<String>, Option<String>) {
    let (mut ifname, mut uuid, mut group) = (None, None, "");
    for line in text.lines() {
        let line = line.trim();
        if let Some(g) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            group = g;
        } else if group == "connection" {
            if let Some(v) = line.strip_prefix("interface-name=") {
                ifname = Some(v.to_string());
            } else if let Some(v) = line.strip_prefix("uuid=") {
                uuid = Some(v.to_string());
            }
        }
    }
    (ifname, uuid)
}

/// The `interface-name=` and `uuid=` of each keyfile in the directory,
/// by file name.
fn existing_profiles(dir: &Path) -> Vec<(String, Option<String>, Option<String>)> {
    let mut out: Vec<_> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let text = fs::read_to_string(e.path()).ok()?;
            let (ifname, uuid) = profile_keys(&text);
            Some((e.file_name().to_string_lossy().into_owned(), ifname, uuid))
        })
        .collect();
    out.sort();
    out
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
        for (id, mut m) in migrations(&backup) {
            if m.state == "started" {
                let said = settle(&root, &backup.join(id.to_string()), &mut m)?;
                r.diagnostic(Diagnostic::note(said));
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
        let rel = path
            .strip_prefix(root.path(Path::new("/")))
            .unwrap_or(path)
            .to_path_buf();
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
                to: dir.join("files").join(rel).display().to_string(),
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

    // The backup and the manifest, durable before anything changes; what
    // a run killed before its manifest left under this number goes.
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(|e| io_fail(&dir, "remove", e))?;
    }
    let top = root.path(Path::new("/"));
    let mut created: Vec<PathBuf> = Vec::new();
    for d in [Path::new(KEYFILE_DIR), dir.strip_prefix(&top).unwrap_or(&dir)] {
        let missing: Vec<PathBuf> = d
            .ancestors()
            .filter(|a| !a.as_os_str().is_empty() && !root.path(a).exists())
            .map(Path::to_path_buf)
            .collect();
        created.extend(missing.into_iter().rev());
    }
    let mut manifest = Manifest {
        id,
        state: "started".into(),
        moved: Vec::new(),
        written: Vec::new(),
        created,
    };
    for rel in &moved {
        let path = root.path(rel);
        let bytes = fs::read(&path).map_err(|e| io_fail(&path, "read", e))?;
        let mode = fs::metadata(&path)
            .map_err(|e| io_fail(&path, "read", e))?
            .permissions()
            .mode()
            & 0o7777;
        write_durably(&dir.join("files").join(rel), &bytes, mode)?;
        manifest.moved.push(Entry {
            path: rel.clone(),
            sha256: sha256(&bytes),
            mode,
        });
    }
    for (rel, p) in &changes {
        manifest.written.push(Entry {
            path: rel.clone(),
            sha256: sha256(p.file.contents.as_bytes()),
            mode: p.file.mode,
        });
    }
    save(&dir, &manifest)?;
    if let Err(f) = write::commit(&plan, &root) {
        // Nothing of the plan is in place: the backup is not needed.
        let _ = fs::remove_dir_all(&dir);
        return Err(f);
    }
    manifest.state = "done".into();
    save(&dir, &manifest)?;
    plan_record(r);

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

/// `grecfg migrate --undo [ID]`: the last migration not undone, or
/// migration `id`.
fn undo(opts: &Options, id: Option<u64>, force: bool, r: &mut Report) -> Result<Exit, Fail> {
    let root = Root::new(&opts.root);
    r.record.root = root.path(Path::new("/")).display().to_string();
    r.record.undone = true;
    let _lock = lock(&root)?;
    let backup = backup_root(&root, opts);
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
            from: dir.join("files").join(&e.path).display().to_string(),
            to: root.path(&e.path).display().to_string(),
        })
        .collect();
    r.line(format!(
        "undid migration {id}: {} back in place, {} removed",
        plural(m.moved.len(), "file", "files"),
        plural(m.written.len(), "keyfile", "keyfiles")
    ));
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_are_sha256() {
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn profiles_are_found_by_interface_and_uuid() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("a.nmconnection"),
            "[connection]\nid=a\nuuid=u-1\ninterface-name=gre1\n\n[ipv4]\nuuid=not-this\n",
        )
        .unwrap();
        assert_eq!(
            existing_profiles(dir.path()),
            vec![("a.nmconnection".into(), Some("gre1".into()), Some("u-1".into()))]
        );
    }
}
