//! What several integration tests share: the fixtures, diffs for failure
//! messages, and whether this machine has what a test needs. Each test
//! file that uses it says `mod common;`; not every file uses every item.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The repository's top directory.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The golden cases: `fixtures/<case>/`.
pub fn fixtures() -> PathBuf {
    repo().join("fixtures")
}

/// Inputs of a case handed to `grecfg convert`; other files in `input/`
/// are companions that grecfg finds itself (`route-*`, `keys-*`).
/// What the registry reads by file name.
pub fn is_primary_input(name: &str) -> bool {
    grecfg::format::Format::from_path(name).is_some()
}

/// A unified diff from `expected` to `actual` under the given names.
pub fn unified_diff(expected: &str, actual: &str, expected_name: &str, actual_name: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .header(expected_name, actual_name)
        .to_string()
}

/// A unified diff headed `expected LABEL` / `actual LABEL`.
pub fn diff(label: &str, expected: &str, actual: &str) -> String {
    unified_diff(
        expected,
        actual,
        &format!("expected {label}"),
        &format!("actual {label}"),
    )
}

/// Whether this runs in CI (`CI=true`), where every test must run.
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Whether an executable `tool` is in `PATH`.
pub fn in_path(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            fs::metadata(dir.join(tool)).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    })
}

pub fn is_root() -> bool {
    // /proc/self belongs to the effective user of the process.
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// What stops a test from running: not root (when needed), missing tools.
pub fn missing_requirements(need_root: bool, tools: &[&str]) -> Option<String> {
    let mut why = Vec::new();
    if need_root && !is_root() {
        why.push("not running as root".to_owned());
    }
    let missing: Vec<&str> = tools.iter().copied().filter(|t| !in_path(t)).collect();
    if !missing.is_empty() {
        why.push(format!("not found in PATH: {}", missing.join(", ")));
    }
    (!why.is_empty()).then(|| why.join("; "))
}

/// Skip (pass) with a visible message, or fail under CI where every
/// NetworkManager test must run.
pub fn skip(test: &str, why: &str) {
    if ci() {
        panic!("{test}: cannot run ({why}) and CI=true: the NetworkManager tests must run in CI");
    }
    // Straight to the process's stderr: the test harness captures eprintln!.
    let _ = writeln!(std::io::stderr(), "{test}: skipped: {why}");
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// A temporary directory for stub commands: `bin/` with each of `progs`
/// being the shell script `stub`, the subdirectories `dirs`, and an empty
/// call log `log`.
pub fn stub_dir(progs: &[&str], stub: &str, dirs: &[&str]) -> tempfile::TempDir {
    let dir = tempdir();
    fs::create_dir(dir.path().join("bin")).unwrap();
    for d in dirs {
        fs::create_dir(dir.path().join(d)).unwrap();
    }
    for prog in progs {
        let p = dir.path().join("bin").join(prog);
        fs::write(&p, stub).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    }
    fs::write(dir.path().join("log"), "").unwrap();
    dir
}

/// The calls a stub logged, and the log emptied: each word ends in a NUL,
/// each call in one more.
pub fn take_calls(log: &Path) -> Vec<Vec<String>> {
    let bytes = fs::read(log).unwrap();
    fs::write(log, "").unwrap();
    let mut calls = Vec::new();
    let mut call = Vec::new();
    for w in bytes.split(|b| *b == 0) {
        if w.is_empty() {
            if !call.is_empty() {
                calls.push(std::mem::take(&mut call));
            }
        } else {
            call.push(String::from_utf8(w.to_vec()).unwrap());
        }
    }
    calls
}

/// Every file under `dir` but grecfg's lock, by its path relative to
/// `dir`, with its bytes and mode.
pub fn tree(dir: &Path) -> BTreeMap<String, (Vec<u8>, u32)> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, (Vec<u8>, u32)>) {
        for e in fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
            if rel == "run" {
                continue;
            }
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o7777;
                out.insert(rel, (fs::read(&p).unwrap(), mode));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Copy every file under `from` (as [`tree`] lists them) to the same place
/// under `to`, with its mode.
pub fn copy_tree(from: &Path, to: &Path) {
    for (rel, (bytes, mode)) in tree(from) {
        let dest = to.join(&rel);
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        fs::write(&dest, bytes).unwrap();
        fs::set_permissions(&dest, fs::Permissions::from_mode(mode)).unwrap();
    }
}
