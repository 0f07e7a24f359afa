//! Putting output files in place: atomically, with their modes, or as a
//! unified diff against what is already there.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::codec::OutputFile;
use crate::diag::{Diagnostic, Fail};

/// Where output goes.
#[derive(Debug, Clone)]
pub enum Destination {
    Stdout,
    /// Exactly one file, at this path.
    File(PathBuf),
    /// Every file, by its name, in this directory.
    Dir(PathBuf),
}

/// Each output file paired with the path it goes to.
pub fn plan<'a>(
    files: &[&'a OutputFile],
    dest: &Destination,
) -> Result<Vec<(PathBuf, &'a OutputFile)>, Fail> {
    match dest {
        Destination::Stdout => Ok(Vec::new()),
        Destination::File(path) => match files {
            [one] => Ok(vec![(path.clone(), *one)]),
            _ => {
                let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
                Err(Fail::Input(
                    Diagnostic::error(format!(
                        "-o takes one file, but this conversion produces {} ({})",
                        files.len(),
                        names.join(", ")
                    ))
                    .hint("use --output-dir DIR")
                    .into(),
                ))
            }
        },
        Destination::Dir(dir) => Ok(files.iter().map(|f| (dir.join(&f.name), *f)).collect()),
    }
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

/// A unified diff of every planned file against what exists at its path;
/// `None` when nothing would change.
pub fn diff(plan: &[(PathBuf, &OutputFile)]) -> Result<Option<String>, Fail> {
    let mut out = String::new();
    for (path, file) in plan {
        let old = match fs::read_to_string(path) {
            Ok(s) => Some(s),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_fail(path, "read", e)),
        };
        let old_text = old.as_deref().unwrap_or("");
        if old.is_some() && old_text == file.contents {
            continue;
        }
        let shown = path.display().to_string();
        let old_name = if old.is_some() {
            shown.clone()
        } else {
            "/dev/null".to_string()
        };
        let d = TextDiff::from_lines(old_text, file.contents.as_str());
        out.push_str(
            &d.unified_diff()
                .context_radius(3)
                .header(&old_name, &shown)
                .to_string(),
        );
    }
    Ok((!out.is_empty()).then_some(out))
}

/// Write every planned file, all or nothing as far as the filesystem
/// allows: every file is first written and synced under a temporary name
/// beside its target, and only then renamed into place.
pub fn commit(plan: &[(PathBuf, &OutputFile)]) -> Result<(), Fail> {
    let mut staged = Vec::new();
    for (path, file) in plan {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(|e| io_fail(dir, "create directory", e))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".grecfg-")
            .tempfile_in(dir)
            .map_err(|e| io_fail(dir, "create a file in", e))?;
        tmp.write_all(file.contents.as_bytes())
            .map_err(|e| io_fail(path, "write", e))?;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(file.mode))
            .map_err(|e| io_fail(path, "set the mode of", e))?;
        tmp.as_file().sync_all().map_err(|e| io_fail(path, "sync", e))?;
        staged.push((tmp, path, dir));
    }
    for (tmp, path, dir) in staged {
        tmp.persist(path).map_err(|e| io_fail(path, "replace", e.error))?;
        // The rename is durable only once the directory is synced.
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

fn io_fail(path: &Path, what: &str, e: std::io::Error) -> Fail {
    Fail::Io(Diagnostic::error(format!("cannot {what} {}: {e}", path.display())).into())
}
