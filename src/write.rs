//! Putting output files in place under a root: atomically, with their
//! modes, or as a unified diff against what is already there.
//!
//! A conversion's files become a plan of [`Change`]s, each a path relative
//! to the [`Root`] and an [`Action`]: create a file that is not there,
//! replace one that is, or retire one (take it out of its place, as a
//! migration does with the files it has converted). Planning is pure but
//! for looking at what exists; [`commit`] carries the plan out all or
//! nothing, as far as the filesystem allows.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::codec::{OutputFile, Root};
use crate::diag::{Diagnostic, Fail};
use crate::format::Format;
use crate::model::Tunnel;

/// Where output goes.
#[derive(Debug, Clone)]
pub enum Destination {
    Stdout,
    /// Exactly one file, at this path.
    File(PathBuf),
    /// Every file, by its name, in this directory.
    Dir(PathBuf),
    /// Every file where its format's consumer reads it on a machine
    /// (`etc/NetworkManager/system-connections/NAME.nmconnection`), under
    /// the root the plan is made for.
    Installed,
}

/// What a change does to its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    /// Write a file where there is none.
    Create(&'a OutputFile),
    /// Write a file over the one that is there.
    Replace(&'a OutputFile),
    /// Take the file that is there out of its place.
    Retire,
}

/// One change to the tree under the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change<'a> {
    /// Relative to the root; under `/`, as the user gave it.
    pub path: PathBuf,
    pub action: Action<'a>,
}

impl Change<'_> {
    /// The file written, unless the change retires one.
    pub(crate) fn file(&self) -> Option<&OutputFile> {
        match self.action {
            Action::Create(f) | Action::Replace(f) => Some(f),
            Action::Retire => None,
        }
    }
}

/// One tunnel's files, as a writer of `format` produced them.
#[derive(Debug, Clone, Copy)]
pub struct Files<'a> {
    pub format: Format,
    pub tunnel: &'a Tunnel,
    pub files: &'a [OutputFile],
}

/// Each output file paired with the path it goes to, under `root`: a file
/// already there is replaced, any other created.
pub fn plan<'a>(items: &[Files<'a>], dest: &Destination, root: &Root) -> Result<Vec<Change<'a>>, Fail> {
    let files: Vec<&'a OutputFile> = items.iter().flat_map(|i| i.files.iter()).collect();
    let placed: Vec<(PathBuf, &'a OutputFile)> = match dest {
        Destination::Stdout => Vec::new(),
        Destination::File(path) => match files.as_slice() {
            [one] => vec![(path.clone(), *one)],
            _ => {
                let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
                return Err(Fail::Input(
                    Diagnostic::error(format!(
                        "-o takes one file, but this conversion produces {} ({})",
                        files.len(),
                        names.join(", ")
                    ))
                    .hint("use --output-dir DIR")
                    .into(),
                ));
            }
        },
        Destination::Dir(dir) => files.iter().map(|f| (dir.join(&f.name), *f)).collect(),
        Destination::Installed => {
            let mut placed = Vec::new();
            for item in items {
                for f in item.files {
                    placed.push((install_path(item, f)?, f));
                }
            }
            placed
        }
    };
    Ok(placed
        .into_iter()
        .map(|(path, file)| {
            let action = if fs::symlink_metadata(root.path(&path)).is_ok() {
                Action::Replace(file)
            } else {
                Action::Create(file)
            };
            Change { path, action }
        })
        .collect())
}

/// Where `file` of `item` belongs on a machine, relative to the root.
fn install_path(item: &Files, file: &OutputFile) -> Result<PathBuf, Fail> {
    let output = item
        .format
        .meta()
        .outputs
        .iter()
        .find(|o| (o.name)(item.tunnel) == file.name);
    match output.and_then(|o| o.dir) {
        Some(dir) => Ok(Path::new(dir).join(&file.name)),
        None => Err(Fail::Input(
            Diagnostic::error(format!(
                "{} has no place on a machine: {} files are run or loaded by hand",
                file.name,
                item.format.name()
            ))
            .hint("write them with --output-dir DIR")
            .into(),
        )),
    }
}

/// Retire the files at `paths`, relative to the root.
pub fn retire<'a>(paths: impl IntoIterator<Item = PathBuf>) -> Vec<Change<'a>> {
    paths
        .into_iter()
        .map(|path| Change {
            path,
            action: Action::Retire,
        })
        .collect()
}

/// The files as one text for standard output; several are separated by
/// `# --- NAME ---` lines, which every target format reads as a comment.
pub fn to_stdout(files: &[&OutputFile]) -> String {
    match files {
        [one] => one.contents.clone(),
        _ => {
            let mut s = String::new();
            for (i, f) in files.iter().enumerate() {
                if i > 0 {
                    s.push('\n');
                }
                s.push_str(&format!("# --- {} ---\n", f.name));
                s.push_str(&f.contents);
            }
            s
        }
    }
}

/// A unified diff of every planned change against what exists at its path;
/// `None` when nothing would change.
pub fn diff(plan: &[Change], root: &Root) -> Result<Option<String>, Fail> {
    let mut out = String::new();
    for change in plan {
        let path = root.path(&change.path);
        let old = match fs::read_to_string(&path) {
            Ok(s) => Some(s),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_fail(&path, "read", e)),
        };
        let new = change.file().map(|f| f.contents.as_str());
        if old.as_deref() == new {
            continue;
        }
        let shown = change.path.display().to_string();
        let name = |present: bool| {
            if present {
                shown.clone()
            } else {
                "/dev/null".to_string()
            }
        };
        let d = TextDiff::from_lines(old.as_deref().unwrap_or(""), new.unwrap_or(""));
        out.push_str(
            &d.unified_diff()
                .context_radius(3)
                .header(&name(old.is_some()), &name(new.is_some()))
                .to_string(),
        );
    }
    Ok((!out.is_empty()).then_some(out))
}

/// Carry out every planned change, all or nothing as far as the
/// filesystem allows, as one transaction:
///
/// 1. every destination is checked first: a directory where a file should
///    go is an error before anything is written;
/// 2. each file is staged under a temporary name beside its target and
///    closed at once, so the descriptors in use stay bounded whatever the
///    number of files (temporary names are `.grecfg-staged-PID-*`; those a
///    killed run left behind are removed when a later run stages into the
///    same directory);
/// 3. one `syncfs` per filesystem touched makes every staged file durable
///    (instead of one fsync a file);
/// 4. every staged file is renamed into place, then each directory touched
///    is synced once, which makes the renames durable;
/// 5. a destination that is not a regular file (a character device, a
///    FIFO, a terminal behind `/dev/stdout`) is written into, never
///    replaced;
/// 6. retired files are removed last.
///
/// On any failure before the renames, every staged file is removed and
/// nothing has changed.
pub fn commit(plan: &[Change], root: &Root) -> Result<(), Fail> {
    let mut staged: Vec<(PathBuf, &OutputFile)> = Vec::new();
    let mut into: Vec<(PathBuf, &OutputFile)> = Vec::new();
    let mut retired: Vec<PathBuf> = Vec::new();
    for change in plan {
        let path = root.path(&change.path);
        let Some(file) = change.file() else {
            retired.push(path);
            continue;
        };
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => {
                return Err(Fail::Io(
                    Diagnostic::error(format!(
                        "cannot write {}: it is a directory; nothing was written",
                        path.display()
                    ))
                    .into(),
                ))
            }
            Ok(m) if !m.is_file() => into.push((path, file)),
            _ => staged.push((path, file)),
        }
    }

    let mut stage = Stage::default();
    for (path, file) in &staged {
        stage.add(path, file)?;
    }
    stage.sync()?;
    let dirs = stage.rename()?;
    for (path, file) in into {
        fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|mut f| f.write_all(file.contents.as_bytes()))
            .map_err(|e| io_fail(&path, "write", e))?;
    }
    let mut touched = dirs;
    for path in retired {
        match fs::remove_file(&path) {
            Ok(()) => {
                touched.insert(parent_dir(&path));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_fail(&path, "remove", e)),
        }
    }
    for dir in &touched {
        sync_dir(dir);
    }
    Ok(())
}

/// The prefix of grecfg's staged files: unmistakably grecfg's, with the
/// process that wrote them.
const STAGED_PREFIX: &str = ".grecfg-staged-";

/// Files staged beside their targets, closed, not yet in place. Dropping
/// it removes every staged file that was not renamed.
#[derive(Default)]
struct Stage {
    files: Vec<(tempfile::TempPath, PathBuf)>,
    /// Directories staged into, and the filesystem (device) of each.
    dirs: BTreeMap<PathBuf, u64>,
}

impl Stage {
    fn add(&mut self, path: &Path, file: &OutputFile) -> Result<(), Fail> {
        let dir = parent_dir(path);
        if !self.dirs.contains_key(&dir) {
            fs::create_dir_all(&dir).map_err(|e| io_fail(&dir, "create directory", e))?;
            remove_leftovers(&dir);
            let dev = fs::metadata(&dir).map_err(|e| io_fail(&dir, "read", e))?.dev();
            self.dirs.insert(dir.clone(), dev);
        }
        let mut tmp = signals::staging(|| {
            tempfile::Builder::new()
                .prefix(&format!("{STAGED_PREFIX}{}-", std::process::id()))
                .tempfile_in(&dir)
        })
        .map_err(|e| io_fail(&dir, "create a file in", e))?;
        tmp.write_all(file.contents.as_bytes())
            .map_err(|e| io_fail(path, "write", e))?;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(file.mode))
            .map_err(|e| io_fail(path, "set the mode of", e))?;
        // Closed now: only the name is kept until the rename.
        self.files.push((tmp.into_temp_path(), path.to_path_buf()));
        Ok(())
    }

    /// One `syncfs` for each filesystem staged into.
    fn sync(&self) -> Result<(), Fail> {
        let mut synced = std::collections::BTreeSet::new();
        for (dir, dev) in &self.dirs {
            if synced.insert(*dev) {
                syncfs(dir).map_err(|e| io_fail(dir, "sync the filesystem of", e))?;
            }
        }
        Ok(())
    }

    /// Every staged file into place; the directories that changed.
    fn rename(mut self) -> Result<std::collections::BTreeSet<PathBuf>, Fail> {
        let mut dirs = std::collections::BTreeSet::new();
        for (tmp, path) in std::mem::take(&mut self.files) {
            tmp.persist(&path)
                .map_err(|e| io_fail(&path, "replace", e.error))?;
            dirs.insert(parent_dir(&path));
        }
        signals::done();
        Ok(dirs)
    }
}

/// SIGINT, SIGTERM and SIGHUP while files are staged: the staged files
/// are removed before grecfg exits (with 128 + the signal's number), so an
/// interrupted run leaves nothing behind. The signals are blocked and
/// waited for by a thread of their own, which can take the lock the
/// staging holds; a file is registered in the same critical section that
/// creates it, so none escapes.
mod signals {
    use std::path::PathBuf;
    use std::sync::{Mutex, Once};

    static STAGED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    static WATCH: Once = Once::new();

    fn set() -> libc::sigset_t {
        // SAFETY: sigemptyset initialises the set before sigaddset reads it.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                libc::sigaddset(&mut set, sig);
            }
            set
        }
    }

    fn watch() {
        let set = set();
        // SAFETY: `set` is initialised; blocking in this thread before the
        // watcher is spawned makes both (the only threads) block them.
        unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };
        std::thread::spawn(move || {
            let mut sig = 0;
            // SAFETY: `set` and `sig` are valid for the call.
            if unsafe { libc::sigwait(&set, &mut sig) } != 0 {
                return;
            }
            let staged = STAGED.lock().unwrap_or_else(|e| e.into_inner());
            for p in staged.iter() {
                let _ = std::fs::remove_file(p);
            }
            // SAFETY: ends the process without running anything else,
            // the lock still held so that nothing more is staged.
            unsafe { libc::_exit(128 + sig) };
        });
    }

    /// The staged files are in place: nothing is left to remove.
    pub(super) fn done() {
        STAGED.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Create a staged file through `create`, registered for removal.
    pub(super) fn staging(
        create: impl FnOnce() -> std::io::Result<tempfile::NamedTempFile>,
    ) -> std::io::Result<tempfile::NamedTempFile> {
        WATCH.call_once(watch);
        let mut staged = STAGED.lock().unwrap_or_else(|e| e.into_inner());
        let f = create()?;
        staged.push(f.path().to_path_buf());
        Ok(f)
    }
}

fn parent_dir(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// Remove the staged files a killed grecfg left in `dir`: those whose
/// process is gone. Another grecfg staging here now keeps its own.
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(STAGED_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Flush every dirty file of the filesystem holding `dir` to disk.
fn syncfs(dir: &Path) -> std::io::Result<()> {
    let d = fs::File::open(dir)?;
    // SAFETY: `d` is an open descriptor for the call's whole duration.
    if unsafe { libc::syncfs(d.as_raw_fd()) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// A rename or removal is durable only once its directory is synced.
/// Filesystems that cannot sync a directory (some refuse with EINVAL) make
/// renames durable by themselves, so a failure here is not reported.
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

fn io_fail(path: &Path, what: &str, e: std::io::Error) -> Fail {
    Fail::Io(Diagnostic::error(format!("cannot {what} {}: {e}", path.display())).into())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::FileTypeExt;

    use super::*;
    use crate::model::Mode;

    fn file(name: &str, contents: &str, mode: u32) -> OutputFile {
        OutputFile {
            name: name.into(),
            contents: contents.into(),
            mode,
        }
    }

    #[test]
    fn a_tree_is_changed_under_its_root_only() {
        let tree = tempfile::tempdir().unwrap();
        let root = Root::new(tree.path());
        let scripts = tree.path().join("etc/sysconfig/network-scripts");
        fs::create_dir_all(&scripts).unwrap();
        fs::write(scripts.join("ifcfg-gre1"), "TYPE=GRE\n").unwrap();
        fs::write(tree.path().join("kept"), "x\n").unwrap();

        let t = Tunnel::new("gre1", Mode::Gre);
        let files = [file("gre1.nmconnection", "[connection]\n", 0o600)];
        let items = [Files {
            format: Format::Keyfile,
            tunnel: &t,
            files: &files,
        }];
        let mut plan = plan(&items, &Destination::Installed, &root).unwrap();
        assert_eq!(
            plan,
            vec![Change {
                path: "etc/NetworkManager/system-connections/gre1.nmconnection".into(),
                action: Action::Create(&files[0]),
            }]
        );
        plan.extend(retire(["/etc/sysconfig/network-scripts/ifcfg-gre1".into()]));
        let d = diff(&plan, &root).unwrap().expect("changes");
        assert!(
            d.contains("+++ etc/NetworkManager/system-connections/gre1.nmconnection"),
            "{d}"
        );
        assert!(
            d.contains("--- /etc/sysconfig/network-scripts/ifcfg-gre1\n+++ /dev/null"),
            "{d}"
        );

        commit(&plan, &root).unwrap();
        let written = tree
            .path()
            .join("etc/NetworkManager/system-connections/gre1.nmconnection");
        assert_eq!(fs::read_to_string(&written).unwrap(), "[connection]\n");
        assert_eq!(
            fs::metadata(&written).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(!scripts.join("ifcfg-gre1").exists(), "retired");
        assert!(tree.path().join("kept").exists());
        assert_eq!(diff(&plan[..1], &root).unwrap(), None, "nothing left to change");

        // The same plan again replaces what it created.
        let again = super::plan(&items, &Destination::Installed, &root).unwrap();
        assert_eq!(again[0].action, Action::Replace(&files[0]));
    }

    #[test]
    fn a_directory_in_the_way_means_nothing_is_written() {
        let tree = tempfile::tempdir().unwrap();
        let root = Root::new(tree.path());
        fs::write(tree.path().join("a"), "old\n").unwrap();
        fs::create_dir(tree.path().join("b")).unwrap();
        let files = [file("a", "new\n", 0o644), file("b", "new\n", 0o644)];
        let plan: Vec<Change> = files
            .iter()
            .map(|f| Change {
                path: f.name.clone().into(),
                action: Action::Replace(f),
            })
            .collect();
        match commit(&plan, &root) {
            Err(Fail::Io(f)) => assert!(f.diagnostics[0].message.contains("is a directory"), "{f}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(fs::read_to_string(tree.path().join("a")).unwrap(), "old\n");
        let names: Vec<_> = fs::read_dir(tree.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 2, "no staged file left: {names:?}");
    }

    #[test]
    fn staged_files_of_a_killed_run_are_removed_and_none_are_left() {
        let dir = tempfile::tempdir().unwrap();
        let root = Root::new(dir.path());
        // A process id that cannot be running: above the kernel's maximum.
        let dead = dir.path().join(format!("{STAGED_PREFIX}4294967-abc123"));
        let live = dir
            .path()
            .join(format!("{STAGED_PREFIX}{}-xyz", std::process::id()));
        let other = dir.path().join(".grecfg-notes");
        for p in [&dead, &live, &other] {
            fs::write(p, "").unwrap();
        }
        let f = file("gre1.nmconnection", "[connection]\n", 0o600);
        let plan = [Change {
            path: "gre1.nmconnection".into(),
            action: Action::Create(&f),
        }];
        commit(&plan, &root).unwrap();
        assert!(!dead.exists(), "a dead run's staged file is removed");
        assert!(live.exists() && other.exists(), "nothing else is touched");
        let staged = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(STAGED_PREFIX))
            .count();
        assert_eq!(staged, 1, "only the live one remains");
    }

    #[test]
    fn a_fifo_is_written_into_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("out");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
        };
        let f = file("x", "through the pipe\n", 0o644);
        let plan = [Change {
            path: fifo.clone(),
            action: Action::Replace(&f),
        }];
        commit(&plan, &Root::SYSTEM).unwrap();
        assert_eq!(reader.join().unwrap(), "through the pipe\n");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    }

    #[test]
    fn files_without_a_place_on_a_machine_need_a_directory() {
        let t = Tunnel::new("gre1", Mode::Gre);
        let files = [file("firewalld-gre1.sh", "", 0o755)];
        let items = [Files {
            format: Format::Firewalld,
            tunnel: &t,
            files: &files,
        }];
        match plan(&items, &Destination::Installed, &Root::SYSTEM) {
            Err(Fail::Input(f)) => assert!(f.diagnostics[0].message.contains("no place on a machine")),
            other => panic!("{other:?}"),
        }
    }
}
