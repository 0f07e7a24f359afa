//! Writing into what is not a regular file, from the command line: a FIFO
//! and a character device are written into, never replaced; `-o
//! /dev/stdout` reaches the pipe grecfg's standard output is; and a
//! directory where one of many files should go stops the whole run
//! before any file changes.
//!
//! The character device is made in a private mount namespace, on a tmpfs
//! mounted there only, so that a grecfg that replaced it would replace a
//! node of the test's own. `-o /dev/stdout` as root runs with a tmpfs of
//! the namespace's own over `/dev`, for the same reason. Both need root and
//! `unshare`; without them the device test prints "skipped: WHY" and
//! passes, unless `CI=true`, where it fails.

use std::fs;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{ci, missing_requirements, repo};

const GRECFG: &str = env!("CARGO_BIN_EXE_grecfg");
const STAGED_PREFIX: &str = ".grecfg-staged-";

/// An ifcfg file and the keyfile grecfg writes of it (a golden case).
fn gre_hk() -> (PathBuf, String) {
    let case = repo().join("fixtures/seed000-gre_hk");
    let want = fs::read_to_string(case.join("expected/gre_hk.nmconnection")).unwrap();
    (case.join("input/ifcfg-gre_hk"), want)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Skip with the reason on standard error, or fail under `CI=true`, where
/// every test must run.
fn skip(test: &str, why: &str) {
    assert!(!ci(), "{test}: cannot run ({why}) and CI=true: it must run in CI");
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{test}: skipped: {why}");
}

/// Why the namespace tests cannot run here, if they cannot: they need root
/// and a private mount namespace.
fn namespace_unavailable() -> Option<String> {
    if let Some(why) = missing_requirements(true, &["unshare", "mount", "mknod", "stat"]) {
        return Some(why);
    }
    let ok = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "true"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    (!ok).then(|| "unshare --mount fails (no CAP_SYS_ADMIN?)".to_string())
}

/// `sh -c script` with `args` as `$1`..., in a mount namespace of its own
/// whose mounts propagate nowhere.
fn in_namespace(script: &str, args: &[&str]) -> Command {
    let mut c = Command::new("unshare");
    c.args(["--mount", "--propagation", "private", "sh", "-c", script, "sh"])
        .args(args)
        .stdin(Stdio::null());
    c
}

#[test]
fn a_fifo_is_written_into_and_stays_a_fifo() {
    let (input, want) = gre_hk();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("keyfile");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o640) }, 0);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut got = String::new();
            fs::File::open(fifo).unwrap().read_to_string(&mut got).unwrap();
            got
        })
    };
    let o = Command::new(GRECFG)
        .args(["convert", s(&input), "--to", "nm", "-o", s(&fifo), "-q"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    // Had grecfg not opened the FIFO, the reader would wait for a writer
    // for ever: open and close one (without blocking) until it is done.
    // (A FIFO replaced by a file leaves the reader waiting on the old one.)
    let is_fifo = || fs::symlink_metadata(&fifo).is_ok_and(|m| m.file_type().is_fifo());
    let deadline = Instant::now() + Duration::from_secs(10);
    while !reader.is_finished() && is_fifo() && Instant::now() < deadline {
        let _ = fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo);
        std::thread::sleep(Duration::from_millis(20));
    }
    let m = fs::symlink_metadata(&fifo).unwrap();
    assert!(
        m.file_type().is_fifo(),
        "the FIFO was replaced by {:?}; stderr:\n{}",
        m.file_type(),
        text(&o.stderr)
    );
    assert_eq!(
        format!("{:o}", m.permissions().mode() & 0o7777),
        "640",
        "the FIFO's mode"
    );
    assert!(
        reader.is_finished(),
        "the reader of the FIFO never got to its end"
    );
    let got = reader.join().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(got, want, "what came through the FIFO");
    assert_eq!(names(dir.path()), ["keyfile"], "nothing staged beside it");
}

/// What the namespace script of the device test reports, one `key=value`
/// a line, checked outside it.
fn report(out: &str, key: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("no {key}= in:\n{out}"))
        .to_string()
}

#[test]
fn a_character_device_is_written_into_and_keeps_its_mode() {
    if let Some(why) = namespace_unavailable() {
        return skip("a_character_device_is_written_into_and_keeps_its_mode", &why);
    }
    let (input, _) = gre_hk();
    let dir = tempfile::tempdir().unwrap();
    // The tmpfs hides the empty directory inside the namespace only; the
    // node is a null device (1,3) of its own, with a mode a keyfile never has.
    let script = r#"
        set -e
        dir=$1 grecfg=$2 input=$3
        mount -t tmpfs -o size=1m,mode=0755 grecfg-test "$dir"
        mknod -m 0624 "$dir/null" c 1 3
        set +e
        "$grecfg" convert "$input" --to nm -o "$dir/null" -q
        echo "status=$?"
        echo "node=$(stat -c '%F %a %t,%T' "$dir/null")"
        echo "names=$(ls -A "$dir" | tr '\n' ' ')"
    "#;
    let o = in_namespace(script, &[s(dir.path()), GRECFG, s(&input)])
        .output()
        .unwrap();
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    assert_eq!(report(&out, "status"), "0", "{}", text(&o.stderr));
    assert_eq!(report(&out, "node"), "character special file 624 1,3");
    assert_eq!(report(&out, "names").trim(), "null", "nothing staged beside it");
    assert!(!out.contains(STAGED_PREFIX));
    // Outside the namespace the directory was never written.
    assert!(names(dir.path()).is_empty());
}

/// `-o /dev/stdout` with standard output a pipe: the keyfile comes through
/// the pipe. As root grecfg could replace `/dev/stdout` itself, so it runs
/// in a namespace whose `/dev` is a tmpfs holding only that link.
#[test]
fn dash_o_dev_stdout_reaches_the_pipe() {
    let (input, want) = gre_hk();
    let (mut reader, writer) = std::io::pipe().unwrap();
    let (mut cmd, isolated) = if common::is_root() {
        if let Some(why) = namespace_unavailable() {
            return skip("dash_o_dev_stdout_reaches_the_pipe", &why);
        }
        let script = r#"
            set -e
            grecfg=$1 input=$2
            mount -t tmpfs -o size=1m,mode=0755 grecfg-test /dev
            ln -s /proc/self/fd/1 /dev/stdout
            set +e
            "$grecfg" convert "$input" --to nm -o /dev/stdout -q
            echo "status=$?" >&2
            echo "stdout=$(stat -c '%F' /dev/stdout)" >&2
            echo "names=$(ls -A /dev | tr '\n' ' ')" >&2
        "#;
        (in_namespace(script, &[GRECFG, s(&input)]), true)
    } else {
        let mut c = Command::new(GRECFG);
        c.args(["convert", s(&input), "--to", "nm", "-o", "/dev/stdout", "-q"])
            .stdin(Stdio::null());
        (c, false)
    };
    let child = cmd.stdout(writer).stderr(Stdio::piped()).spawn().unwrap();
    // The pipe's write end lives in the child only: read to its end.
    drop(cmd);
    let mut got = String::new();
    reader.read_to_string(&mut got).unwrap();
    let o: Output = child.wait_with_output().unwrap();
    let err = text(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert_eq!(got, want, "what came through the pipe; stderr:\n{err}");
    if isolated {
        assert_eq!(report(&err, "status"), "0", "{err}");
        assert_eq!(report(&err, "stdout"), "symbolic link", "{err}");
        assert_eq!(report(&err, "names").trim(), "stdout", "nothing staged beside it");
    }
}

/// 200 tunnels into a directory that holds the old version of each, but a
/// directory where one in the middle should go: the run fails naming that
/// path, and not one file changes, appears or is left staged.
#[test]
fn a_directory_in_the_way_of_one_of_many_files_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let out = dir.path().join("out");
    fs::create_dir(&input).unwrap();
    let write_inputs = |key_base: u32| {
        for i in 0..200u32 {
            fs::write(
                input.join(format!("ifcfg-tun{i}")),
                format!(
                    "DEVICE=tun{i}\nTYPE=GRE\nMY_OUTER_IPADDR=192.0.2.1\nPEER_OUTER_IPADDR=198.51.100.{}\nKEY={}\n",
                    1 + i % 250,
                    key_base + i
                ),
            )
            .unwrap();
        }
    };
    let convert = || {
        Command::new(GRECFG)
            .args(["convert", s(&input), "--to", "nm", "--output-dir", s(&out), "-q"])
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    // The old versions, as grecfg wrote them, with a mode of their own.
    write_inputs(1);
    let o = convert();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let in_the_way = out.join("tun100.nmconnection");
    fs::remove_file(&in_the_way).unwrap();
    fs::create_dir(&in_the_way).unwrap();
    fs::write(in_the_way.join("kept"), "x\n").unwrap();
    let mut old = Vec::new();
    for name in names(&out) {
        let p = out.join(&name);
        if p.is_file() {
            fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
            let m = fs::metadata(&p).unwrap();
            old.push((name, fs::read(&p).unwrap(), m.ino()));
        }
    }
    assert_eq!(old.len(), 199);
    let before = names(&out);

    // New keys: every file would change.
    write_inputs(1001);
    let o = convert();
    let err = text(&o.stderr);
    assert!(!o.status.success(), "a directory in the way is an error:\n{err}");
    assert_eq!(names(&out), before, "no file created, none left staged");
    for (name, bytes, ino) in &old {
        let p = out.join(name);
        let m = fs::metadata(&p).unwrap();
        let now = fs::read(&p).unwrap();
        assert!(now == *bytes, "{name} changed, now:\n{}", text(&now));
        assert_eq!(
            (m.ino(), m.permissions().mode() & 0o7777),
            (*ino, 0o640),
            "{name} replaced"
        );
    }
    assert_eq!(names(&in_the_way), ["kept"]);
    assert!(
        err.contains(&format!("{}: it is a directory", in_the_way.display())),
        "the error names the path in the way:\n{err}"
    );
}
