//! Putting output files in place under a root: atomically, with their
//! modes, or as a unified diff against what is already there.
//!
//! A conversion's files become a plan of [`Change`]s, each a path relative
//! to the [`Root`] and an [`Action`]: create a file that is not there,
//! replace one that is, or retire one (take it out of its place, as a
//! migration does with the files it has converted). Planning is pure but
//! for looking at what exists; [`commit`] carries the plan out all or
//! nothing, as far as the filesystem allows.

use std::fs;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::codec::{OutputFile, Root};
use crate::diag::{Diagnostic, Fail};
use crate::format::Format;
use crate::model::Tunnel;

mod transaction;

use transaction::io_fail;
pub(crate) use transaction::recover;
pub use transaction::Transaction;

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

/// Where `file` of `item` belongs on a machine (`/etc/...`), under the root.
fn install_path(item: &Files, file: &OutputFile) -> Result<PathBuf, Fail> {
    let output = item
        .format
        .meta()
        .outputs
        .iter()
        .find(|o| (o.name)(item.tunnel) == file.name);
    match output.and_then(|o| o.dir) {
        Some(dir) => Ok(Path::new("/").join(dir).join(&file.name)),
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

/// Carry out every planned change, all or nothing, as one
/// [`Transaction`] (see its module for what survives what).
pub fn commit(plan: &[Change], root: &Root) -> Result<(), Fail> {
    let mut t = Transaction::new(root);
    for change in plan {
        t.add(change)?;
    }
    t.commit()
}

fn parent_dir(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};

    use super::transaction::STAGED_PREFIX;
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
                path: "/etc/NetworkManager/system-connections/gre1.nmconnection".into(),
                action: Action::Create(&files[0]),
            }]
        );
        plan.extend(retire(["/etc/sysconfig/network-scripts/ifcfg-gre1".into()]));
        let d = diff(&plan, &root).unwrap().expect("changes");
        assert!(
            d.contains("+++ /etc/NetworkManager/system-connections/gre1.nmconnection"),
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

    /// What a run killed in its renames leaves: staged files and a synced
    /// journal. The next transaction in the directory finishes them; a
    /// journal cut short (never synced) is not replayed, and the staged
    /// files of a dead run without a journal are removed.
    #[test]
    fn a_killed_run_is_finished_by_its_journal_or_undone_without_one() {
        use super::transaction::JOURNAL_PREFIX;
        let dead = 4294967u32;
        for whole in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let d = dir.path();
            for n in ["a", "b", "gone"] {
                fs::write(d.join(n), "old\n").unwrap();
            }
            fs::write(d.join(format!("{STAGED_PREFIX}{dead}-0")), "new a\n").unwrap();
            fs::write(d.join(format!("{STAGED_PREFIX}{dead}-1")), "new b\n").unwrap();
            fs::write(d.join(format!("{STAGED_PREFIX}{dead}-9")), "unclaimed\n").unwrap();
            // `a` was renamed before the kill: its staged file is gone.
            fs::remove_file(d.join(format!("{STAGED_PREFIX}{dead}-0"))).unwrap();
            fs::write(d.join("a"), "new a\n").unwrap();
            let mut j = format!(
                "D\0{}\0S\00\00\0a\0S\00\01\0b\0R\0{}\0",
                d.display(),
                d.join("gone").display()
            );
            if !whole {
                j.pop();
            }
            fs::write(d.join(format!("{JOURNAL_PREFIX}{dead}-0")), j).unwrap();

            let f = file("c", "c\n", 0o644);
            commit(
                &[Change {
                    path: "c".into(),
                    action: Action::Create(&f),
                }],
                &Root::new(d),
            )
            .unwrap();
            let read = |n: &str| fs::read_to_string(d.join(n)).ok();
            if whole {
                assert_eq!(read("b").as_deref(), Some("new b\n"), "finished");
                assert_eq!(read("gone"), None, "retired");
            } else {
                assert_eq!(read("b").as_deref(), Some("old\n"), "not replayed");
                assert_eq!(read("gone").as_deref(), Some("old\n"));
            }
            let mut names: Vec<String> = fs::read_dir(d)
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            let want: &[&str] = if whole {
                &["a", "b", "c"]
            } else {
                &["a", "b", "c", "gone"]
            };
            assert_eq!(names, want, "no staged file or journal left");
        }
    }
}
