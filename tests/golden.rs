//! Golden conversions: every case under `fixtures/` is run through the real
//! binary and its output files, standard error and exit status compared with
//! what the case expects.
//!
//! A case is a directory with
//! - `input/`: the input files; those named `ifcfg-*`, `*.nmconnection`,
//!   `*.json`, `rc.local`, `*.sh`, `*.ip` or `*.nmcli` are passed to `grecfg convert`
//!   (companions such as `route-*` and `keys-*` are found by grecfg itself);
//! - `args` (optional): further `convert` arguments, one per line (default
//!   `--to nm`);
//! - `expected/`: every file the conversion must write, byte for byte (absent
//!   when the conversion must fail);
//! - `stderr`: the exact standard error, with the output directory written
//!   as `$OUT`;
//! - `status` (optional): the exit status (default 0).
//!
//! `GRECFG_BLESS=1 cargo test --test golden` rewrites `expected/`, `stderr`
//! and `status` from the current output for review with `git diff`. The
//! NetworkManager keyfiles among the expected files are checked against
//! NetworkManager itself by `tests/networkmanager.rs`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{diff, fixtures, is_primary_input};

fn read_dir_files(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            files.insert(
                name,
                fs::read_to_string(e.path()).unwrap_or_else(|err| format!("<unreadable: {err}>")),
            );
        }
    }
    files
}

struct Outcome {
    status: i32,
    stderr: String,
    files: BTreeMap<String, String>,
}

fn run_case(case: &Path) -> Outcome {
    let mut inputs: Vec<String> = fs::read_dir(case.join("input"))
        .unwrap_or_else(|e| panic!("{}: no input/: {e}", case.display()))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| is_primary_input(n))
        .map(|n| format!("input/{n}"))
        .collect();
    inputs.sort();
    let args: Vec<String> = match fs::read_to_string(case.join("args")) {
        Ok(s) => s
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect(),
        Err(_) => vec!["--to".into(), "nm".into()],
    };
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_grecfg"))
        .current_dir(case)
        .arg("convert")
        .args(&inputs)
        .args(&args)
        .arg("--output-dir")
        .arg(&out_dir)
        .output()
        .expect("run grecfg");
    let stderr = String::from_utf8_lossy(&output.stderr).replace(&out_dir.display().to_string(), "$OUT");
    Outcome {
        status: output.status.code().unwrap_or(-1),
        stderr,
        files: read_dir_files(&out_dir),
    }
}

fn bless(case: &Path, o: &Outcome) {
    let exp = case.join("expected");
    let _ = fs::remove_dir_all(&exp);
    if !o.files.is_empty() {
        fs::create_dir_all(&exp).unwrap();
        for (name, contents) in &o.files {
            fs::write(exp.join(name), contents).unwrap();
        }
    }
    fs::write(case.join("stderr"), &o.stderr).unwrap();
    if o.status == 0 {
        let _ = fs::remove_file(case.join("status"));
    } else {
        fs::write(case.join("status"), format!("{}\n", o.status)).unwrap();
    }
}

#[test]
fn golden_cases() {
    let blessing = std::env::var_os("GRECFG_BLESS").is_some();
    let mut cases: Vec<PathBuf> = fs::read_dir(fixtures())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("input").is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 8,
        "expected the fixture cases, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let o = run_case(case);
        if blessing {
            bless(case, &o);
            continue;
        }
        let mut problems = Vec::new();
        let want_status: i32 = fs::read_to_string(case.join("status"))
            .map(|s| s.trim().parse().expect("status is a number"))
            .unwrap_or(0);
        if o.status != want_status {
            problems.push(format!("exit status {} (expected {want_status})", o.status));
        }
        match fs::read_to_string(case.join("stderr")) {
            Ok(want) if want != o.stderr => problems.push(diff("stderr", &want, &o.stderr)),
            Ok(_) => {}
            Err(_) => problems.push(format!("no stderr file; actual stderr:\n{}", o.stderr)),
        }
        let want_files = read_dir_files(&case.join("expected"));
        for (file, want) in &want_files {
            match o.files.get(file) {
                Some(got) if got == want => {}
                Some(got) => problems.push(diff(file, want, got)),
                None => problems.push(format!("{file} was not written")),
            }
        }
        for file in o.files.keys().filter(|f| !want_files.contains_key(*f)) {
            problems.push(format!("unexpected output file {file}"));
        }
        if !problems.is_empty() {
            failures.push(format!("=== {name}\n{}", problems.join("\n")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden cases failed (GRECFG_BLESS=1 rewrites them for review):\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Every file under `dir`, by its path relative to `dir`.
fn tree_files(dir: &Path) -> BTreeMap<String, String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for e in fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.insert(rel, fs::read_to_string(&p).unwrap_or_default());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn copy_tree(from: &Path, to: &Path) {
    for (rel, text) in tree_files(from) {
        let dest = to.join(&rel);
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        fs::write(dest, text).unwrap();
    }
}

/// Machines as trees (zram-generator's fixtures): each `fixtures/tree-*/`
/// has `root/`, a machine's files, and `expected/`, the files converting
/// its ifcfg tunnels to NetworkManager keyfiles writes where
/// NetworkManager reads them. Nothing else under the root may change.
/// `checked-by` names, for each expected file, the case whose same file
/// NetworkManager itself checks.
#[test]
fn tree_cases() {
    use grecfg::codec::Root;
    use grecfg::convert::{self, ConvertOptions};
    use grecfg::format::Format;
    use grecfg::write::{self, Destination};

    let mut cases: Vec<PathBuf> = fs::read_dir(fixtures())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("tree-"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no tree-* fixtures");
    for case in cases {
        let tmp = tempfile::tempdir().unwrap();
        copy_tree(&case.join("root"), tmp.path());
        let root = Root::new(tmp.path());
        let (inputs, notes) = convert::discover(&root, Format::Ifcfg).unwrap();
        assert!(
            notes
                .iter()
                .all(|n| n.message.starts_with("skipped: not a tunnel")),
            "{notes:?}"
        );
        let conv = convert::convert(&inputs, Format::Keyfile, &ConvertOptions::default())
            .unwrap_or_else(|f| panic!("{}: {:?}", case.display(), f.failure()));
        let plan = write::plan(&conv.outputs(), &Destination::Installed, &root).unwrap();
        write::commit(&plan, &root).unwrap();

        let mut want = tree_files(&case.join("root"));
        want.extend(tree_files(&case.join("expected")));
        let got = tree_files(tmp.path());
        let problems: Vec<String> = want
            .iter()
            .filter(|(f, text)| got.get(*f) != Some(*text))
            .map(|(f, text)| diff(f, text, got.get(f).map_or("<missing>", String::as_str)))
            .chain(
                got.keys()
                    .filter(|f| !want.contains_key(*f))
                    .map(|f| format!("unexpected {f}")),
            )
            .collect();
        assert!(
            problems.is_empty(),
            "{}:\n{}",
            case.display(),
            problems.join("\n")
        );

        let checked = fs::read_to_string(case.join("checked-by")).unwrap();
        for line in checked
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let (ours, theirs) = line.split_once(' ').expect("two paths");
            assert_eq!(
                fs::read_to_string(case.join("expected").join(ours)).unwrap(),
                fs::read_to_string(fixtures().join(theirs)).unwrap(),
                "{ours} is not the file NetworkManager checks in {theirs}"
            );
        }
    }
}
