//! A migration's record: the lock of migrations under a root, the backup
//! of the files a migration moves and its manifest, and what undoes or
//! settles a migration from them.
//!
//! Every write here goes through the write transaction
//! ([`crate::write::Transaction`]): the backup and its manifest are one
//! transaction (one `syncfs`, the manifest renamed into place last, so a
//! manifest on disk means its backup is whole), and so is putting the
//! files back.

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::codec::{OutputFile, Root};
use crate::diag::{Diagnostic, Fail};
use crate::write::{self, Action, Change, Transaction};

pub(super) const LOCK: &str = "/run/lock/grecfg-migrate.lock";
const MANIFEST: &str = "manifest.json";

/// One file a migration moved away or wrote, with its SHA-256.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// Where it is on the machine (`/etc/...`), under the root.
    pub path: PathBuf,
    pub sha256: String,
    pub mode: u32,
}

/// `BACKUP/ID/manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub id: u64,
    /// `started` until every change is in place, then `done`; `trial`
    /// while NetworkManager holds a checkpoint that rolls the activation
    /// back unless `grecfg migrate --confirm` comes in time.
    pub state: String,
    /// The ifcfg and companion files taken out of their place, each kept
    /// under `files/` by its path.
    pub moved: Vec<Entry>,
    /// The keyfiles written.
    pub written: Vec<Entry>,
    /// The directories the migration made, parents first: `--undo`
    /// removes those left empty.
    #[serde(default)]
    pub created: Vec<PathBuf>,
    /// The NetworkManager checkpoint of a migration in `trial`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<String>,
}

pub(super) fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn io_fail(path: &Path, what: &str, e: std::io::Error) -> Fail {
    Fail::Io(Diagnostic::error(format!("cannot {what} {}: {e}", path.display())).into())
}

pub(super) fn input_fail(message: String, hint: Option<&str>) -> Fail {
    let d = Diagnostic::error(message);
    Fail::Input(
        match hint {
            Some(h) => d.hint(h),
            None => d,
        }
        .into(),
    )
}

/// `path` as a path of the machine (`/etc/...`), whether it was given
/// relative to the root or not.
pub(super) fn machine(path: &Path) -> PathBuf {
    Path::new("/").join(path)
}

/// Where the backup of the moved file `path` is kept in `dir`.
pub(super) fn saved(dir: &Path, path: &Path) -> PathBuf {
    dir.join("files").join(path.strip_prefix("/").unwrap_or(path))
}

/// The lock of migrations under a root, held while it is open.
pub(super) struct Lock(#[allow(dead_code)] fs::File);

/// Take the lock, or say who holds it.
pub(super) fn lock(root: &Root) -> Result<Lock, Fail> {
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

/// Finish or clean up the write transactions a killed run left anywhere
/// in the backups (a journal not yet removed, staged files).
pub(super) fn recover_backups(backup: &Path) {
    let mut todo = vec![backup.to_path_buf()];
    while let Some(dir) = todo.pop() {
        crate::write::recover(&dir);
        for e in fs::read_dir(&dir).into_iter().flatten().flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                todo.push(e.path());
            }
        }
    }
}

/// The migrations recorded in `backup`, by number.
pub(super) fn migrations(backup: &Path) -> Vec<(u64, Manifest)> {
    let mut all: Vec<(u64, Manifest)> = fs::read_dir(backup)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let id: u64 = e.file_name().to_str()?.parse().ok()?;
            let text = fs::read_to_string(e.path().join(MANIFEST)).ok()?;
            let mut m: Manifest = serde_json::from_str(&text).ok()?;
            for entry in m.moved.iter_mut().chain(m.written.iter_mut()) {
                entry.path = machine(&entry.path);
            }
            Some((id, m))
        })
        .collect();
    all.sort_by_key(|(id, _)| *id);
    all
}

fn manifest_file(m: &Manifest) -> OutputFile {
    let text = serde_json::to_string_pretty(m).expect("a manifest serializes");
    OutputFile {
        name: MANIFEST.into(),
        contents: format!("{text}\n"),
        mode: 0o600,
    }
}

/// Replace the manifest of `dir` with `m`, durably.
pub(super) fn save(dir: &Path, m: &Manifest) -> Result<(), Fail> {
    let file = manifest_file(m);
    let mut tx = Transaction::new(&Root::new(dir));
    tx.add(&Change {
        path: MANIFEST.into(),
        action: Action::Replace(&file),
    })?;
    tx.commit()
}

/// Copy `moved` (with their modes) into `dir/files/` and write the
/// manifest `m` beside them, as one transaction: the manifest goes into
/// place after every copy.
pub(super) fn back_up(root: &Root, dir: &Path, m: &mut Manifest, moved: &[PathBuf]) -> Result<(), Fail> {
    use std::os::unix::fs::PermissionsExt;
    let here = Root::new(dir);
    let mut tx = Transaction::new(&here);
    for path in moved {
        let at = root.path(path);
        let bytes = fs::read(&at).map_err(|e| io_fail(&at, "read", e))?;
        let mode = fs::metadata(&at)
            .map_err(|e| io_fail(&at, "read", e))?
            .permissions()
            .mode()
            & 0o7777;
        m.moved.push(Entry {
            path: path.clone(),
            sha256: sha256(&bytes),
            mode,
        });
        let contents = String::from_utf8(bytes).map_err(|_| {
            input_fail(
                format!("{} is not UTF-8 text; nothing changed", at.display()),
                None,
            )
        })?;
        let file = OutputFile {
            name: String::new(),
            contents,
            mode,
        };
        tx.add(&Change {
            path: saved(Path::new(""), path),
            action: Action::Create(&file),
        })?;
    }
    let file = manifest_file(m);
    tx.add(&Change {
        path: MANIFEST.into(),
        action: Action::Create(&file),
    })?;
    tx.commit()
}

/// A file of the tree as it is: its bytes, or `None` when it is not there.
pub(super) fn read_opt(path: &Path) -> Result<Option<Vec<u8>>, Fail> {
    match fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_fail(path, "read", e)),
    }
}

/// Whether every keyfile of `m` is in place as written and every moved
/// file gone: the migration's write transaction got through.
pub(super) fn complete(root: &Root, m: &Manifest) -> bool {
    let written_there = m.written.iter().all(|e| {
        read_opt(&root.path(&e.path))
            .ok()
            .flatten()
            .is_some_and(|b| sha256(&b) == e.sha256)
    });
    written_there && m.moved.iter().all(|e| !root.path(&e.path).exists())
}

/// A migration a killed run left `started`: done when its changes are all
/// in place, else reversed. What it says about it, for the user.
pub(super) fn settle(root: &Root, dir: &Path, m: &mut Manifest) -> Result<String, Fail> {
    if complete(root, m) {
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
/// (those still as it wrote them, or any with `force`), as one
/// transaction.
pub(super) fn restore(root: &Root, dir: &Path, m: &Manifest, force: bool) -> Result<(), Fail> {
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
    let mut files = Vec::new();
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
        let kept = saved(dir, &e.path);
        let bytes = fs::read(&kept).map_err(|err| io_fail(&kept, "read the backup", err))?;
        let contents = match String::from_utf8(bytes) {
            Ok(c) if sha256(c.as_bytes()) == e.sha256 => c,
            _ => {
                return Err(Fail::Io(
                    Diagnostic::error(format!(
                        "the backup {} does not hold what was moved (its SHA-256 differs); nothing changed",
                        kept.display()
                    ))
                    .into(),
                ))
            }
        };
        files.push(OutputFile {
            name: String::new(),
            contents,
            mode: e.mode,
        });
    }
    let mut tx = Transaction::new(root);
    for (e, file) in m.moved.iter().zip(&files) {
        tx.add(&Change {
            path: e.path.clone(),
            action: Action::Replace(file),
        })?;
    }
    for change in write::retire(m.written.iter().map(|e| e.path.clone())) {
        tx.add(&change)?;
    }
    tx.commit()
}

/// Remove a migration's record (`dir`), then the directories it made that
/// are left empty.
pub(super) fn forget(root: &Root, dir: &Path, m: &Manifest) -> Result<(), Fail> {
    fs::remove_dir_all(dir).map_err(|e| io_fail(dir, "remove", e))?;
    for d in m.created.iter().rev() {
        let _ = fs::remove_dir(root.path(d));
    }
    Ok(())
}

/// The `interface-name` and `uuid` of a keyfile's `[connection]`, as
/// NetworkManager reads them (GLib's key file syntax).
pub(crate) fn profile_keys(text: &str) -> (Option<String>, Option<String>) {
    let Ok((kf, _)) = crate::gkeyfile::parse(text) else {
        return (None, None);
    };
    let Some(group) = kf.group("connection") else {
        return (None, None);
    };
    let value = |key: &str| {
        group
            .get(key)
            .and_then(|e| crate::gkeyfile::unescape(&e.raw).ok())
            .filter(|v| !v.is_empty())
    };
    (value("interface-name"), value("uuid"))
}

/// The `interface-name` and `uuid` of each keyfile in the directory, by
/// file name.
pub(crate) fn existing_profiles(dir: &Path) -> Vec<(String, Option<String>, Option<String>)> {
    let mut out: Vec<_> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        // NetworkManager ignores hidden files (grecfg's staged ones too).
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| {
            let text = fs::read_to_string(e.path()).ok()?;
            let (ifname, uuid) = profile_keys(&text);
            Some((e.file_name().to_string_lossy().into_owned(), ifname, uuid))
        })
        .collect();
    out.sort();
    out
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
    /// GLib's rules: whitespace around `=`, escapes, the last of two keys,
    /// and only `[connection]`'s keys.
    fn profiles_are_found_by_interface_and_uuid() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("a.nmconnection"),
            "[connection]\nid=a\nuuid = u-1\ninterface-name=old\ninterface-name=gre\\s1\n\n[ipv4]\nuuid=not-this\n",
        )
        .unwrap();
        // Hidden files are not profiles to NetworkManager.
        fs::write(
            dir.path().join(".grecfg-staged-1-0"),
            "[connection]\ninterface-name=gre1\n",
        )
        .unwrap();
        assert_eq!(
            existing_profiles(dir.path()),
            vec![("a.nmconnection".into(), Some("gre 1".into()), Some("u-1".into()))]
        );
    }

    #[test]
    fn backups_are_kept_by_their_machine_path() {
        assert_eq!(
            saved(Path::new("/b/3"), Path::new("/etc/x")),
            Path::new("/b/3/files/etc/x")
        );
        assert_eq!(machine(Path::new("etc/x")), Path::new("/etc/x"));
        assert_eq!(machine(Path::new("/etc/x")), Path::new("/etc/x"));
    }
}
