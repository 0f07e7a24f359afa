//! What a run says and leaves at scale: the JSON document against its
//! schema, `-q`/`-v` wherever they are written, the summary line, and a run
//! killed with SIGKILL followed by another.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;

fn grecfg(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_grecfg"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run grecfg")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn fixture(case: &str) -> PathBuf {
    common::fixtures().join(case)
}

/// The reference validator (Python's jsonschema, Debian's
/// python3-jsonschema), or why it cannot run.
fn validator() -> Result<&'static str, String> {
    for python in ["/usr/bin/python3", "python3"] {
        let ok = Command::new(python)
            .args(["-c", "import jsonschema"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Ok(python);
        }
    }
    Err("no python3 with the jsonschema module (Debian: python3-jsonschema)".into())
}

/// Validate `doc` against docs/grecfg.schema.json; the validator's own
/// message when it does not conform.
fn validate(python: &str, doc: &str) -> Result<(), String> {
    let schema = common::repo().join("docs/grecfg.schema.json");
    let mut child = Command::new(python)
        .args([
            "-c",
            "import json, sys, jsonschema\n\
             schema = json.load(open(sys.argv[1]))\n\
             jsonschema.Draft202012Validator.check_schema(schema)\n\
             jsonschema.Draft202012Validator(schema).validate(json.load(sys.stdin))\n",
            s(&schema),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(doc.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    if o.status.success() {
        Ok(())
    } else {
        Err(text(&o.stderr))
    }
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stdout)))
}

/// Every kind of `--format json` document: files to standard output,
/// files written, errors (nothing written), an unreadable input, a usage
/// error, a diff, and check's: each conforms to the schema, says what
/// happened, and nothing else is printed.
#[test]
fn json_documents_match_their_schema() {
    let python = match validator() {
        Ok(p) => p,
        Err(why) => return common::skip("json_documents_match_their_schema", &why),
    };
    let tmp = common::tempdir();
    let out = tmp.path().join("out");
    let seed = fixture("seed000-gre_hk/input/ifcfg-gre_hk");
    let errors = fixture("digest-errors-first/input");
    let mut docs = Vec::new();

    let o = grecfg(&["convert", s(&seed), "--to", "nm", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
    let d = json(&o);
    assert_eq!(d["files"][0]["name"], "gre_hk.nmconnection");
    assert_eq!(d["files"][0]["mode"], 0o600);
    assert_eq!(
        d["files"][0]["contents"].as_str().unwrap(),
        fs::read_to_string(fixture("seed000-gre_hk/expected/gre_hk.nmconnection")).unwrap()
    );
    assert_eq!(d["findings"][0]["line"], 6);
    assert_eq!(d["summary"]["warnings"], 1);
    docs.push(("stdout", o));

    let o = grecfg(&[
        "convert",
        s(&seed),
        "--to",
        "nm",
        "--output-dir",
        s(&out),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let d = json(&o);
    let written = d["written"][0].as_str().unwrap();
    assert!(Path::new(written).is_file(), "{written}");
    assert_eq!(d["summary"]["written"], 1);
    assert_eq!(d["files"].as_array().unwrap().len(), 0);
    docs.push(("written", o));

    let o = grecfg(&[
        "convert",
        s(&errors),
        "--to",
        "nm",
        "--output-dir",
        s(&out.join("e")),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.join("e").exists(), "nothing written");
    let d = json(&o);
    let severities: Vec<&str> = d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(
        severities[..2],
        ["error", "error"],
        "errors first: {severities:?}"
    );
    assert_eq!(
        severities.len(),
        8,
        "every finding, none collapsed: {severities:?}"
    );
    assert_eq!(
        d["summary"]["text"],
        "nothing written: 2 errors in 2 files; 6 warnings of 1 kind"
    );
    docs.push(("errors", o));

    let o = grecfg(&[
        "convert",
        s(&tmp.path().join("absent")),
        "--to",
        "nm",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(json(&o)["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("cannot read"));
    docs.push(("unreadable", o));

    let o = grecfg(&["convert", s(&seed), "--to", "nm", "--diff", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(json(&o)["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("--diff"));
    docs.push(("usage", o));

    let o = grecfg(&[
        "convert",
        s(&seed),
        "--to",
        "nm",
        "--output-dir",
        s(&out),
        "--diff",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "the same file again: no differences");
    assert_eq!(json(&o)["diff"], "");
    docs.push(("diff", o));

    let o = grecfg(&["peer", s(&seed), "--to", "iproute2", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(json(&o)["files"][0]["contents"]
        .as_str()
        .unwrap()
        .contains("remote 172.31.34.149"));
    docs.push(("peer", o));

    let o = grecfg(&[
        "check",
        s(&fixture("seed004-tun0-linux1/input/ifcfg-tun0")),
        "--format",
        "json",
    ]);
    assert_eq!(json(&o)["findings"][0]["id"], "GRE000");
    docs.push(("check", o));

    for (what, o) in &docs {
        if let Err(e) = validate(python, &text(&o.stdout)) {
            panic!(
                "the {what} document does not match the schema:\n{e}\n{}",
                text(&o.stdout)
            );
        }
    }
    // The schema can fail: a document with a finding of an unknown severity.
    let bad = text(&docs[0].1.stdout).replace("\"warning\"", "\"loud\"");
    assert!(validate(python, &bad).is_err());
}

/// `-q` and `-v` work before and after the subcommand; without either, a
/// run of more than ten files lists none and says how many in its summary.
#[test]
fn quiet_and_verbose_anywhere() {
    let tmp = common::tempdir();
    let input = fixture("digest-many-warnings/input");
    for args in [["-q", "convert"], ["convert", "-q"]] {
        let out = tmp.path().join(format!("q{}", args[0]));
        let o = grecfg(&[args[0], args[1], s(&input), "--to", "nm", "--output-dir", s(&out)]);
        assert_eq!(o.status.code(), Some(0));
        assert!(o.stderr.is_empty(), "{args:?}: {}", text(&o.stderr));
        assert_eq!(fs::read_dir(&out).unwrap().count(), 12);
    }
    for (first, second) in [("-v", "convert"), ("convert", "-v")] {
        let out = tmp.path().join(format!("v{first}"));
        let o = grecfg(&[first, second, s(&input), "--to", "nm", "--output-dir", s(&out)]);
        let err = text(&o.stderr);
        assert_eq!(err.matches("grecfg: wrote ").count(), 12, "{err}");
        assert!(err.contains(&format!("wrote {}", out.join("gre12.nmconnection").display())));
    }
    let out = tmp.path().join("plain");
    let o = grecfg(&["convert", s(&input), "--to", "nm", "--output-dir", s(&out)]);
    let err = text(&o.stderr);
    assert!(!err.contains("wrote"), "{err}");
    assert!(
        err.ends_with(&format!(
            "grecfg: converted 12 tunnels from 12 files into {}; 12 warnings of 1 kind\n",
            out.display()
        )),
        "{err}"
    );
    // Errors are printed under -q, and the summary of a failure with them.
    let o = grecfg(&[
        "-q",
        "convert",
        s(&fixture("digest-errors-first/input")),
        "--to",
        "nm",
    ]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err.matches(": error: ").count(), 2, "{err}");
    assert!(
        !err.contains(": warning: ") && !err.contains("more like it"),
        "{err}"
    );
    assert!(
        err.ends_with("grecfg: nothing written: 2 errors in 2 files; 6 warnings of 1 kind\n"),
        "{err}"
    );
}

fn write_tunnels(dir: &Path, n: u32, key_base: u32) {
    fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        fs::write(
            dir.join(format!("ifcfg-tun{i}")),
            format!(
                "DEVICE=tun{i}\nTYPE=GRE\nPEER_OUTER_IPADDR=198.51.100.{}\nKEY={}\n",
                1 + i % 250,
                key_base + i
            ),
        )
        .unwrap();
    }
}

/// SIGKILL at any moment of a large run, then another run into the same
/// directory (of another tunnel): no staged file or journal is left, and
/// the killed run's destinations are all old (killed before its journal
/// was durable) or all new (killed after: the second run finished it),
/// each file whole. Which of the two depends on when the kill came.
#[test]
fn a_killed_run_is_all_old_or_all_new_after_the_next() {
    const N: u32 = 2000;
    let tmp = common::tempdir();
    let (old, new, other) = (
        tmp.path().join("old"),
        tmp.path().join("new"),
        tmp.path().join("other"),
    );
    write_tunnels(&old, N, 1);
    write_tunnels(&new, N, 100_000);
    fs::create_dir_all(&other).unwrap();
    fs::write(
        other.join("ifcfg-other0"),
        "DEVICE=other0\nTYPE=GRE\nPEER_OUTER_IPADDR=203.0.113.9\nKEY=7\n",
    )
    .unwrap();
    let (mut all_old, mut all_new) = (0, 0);
    for (run, delay_ms) in [30u64, 120, 250, 400, 600, 800, 1100, 1500]
        .into_iter()
        .enumerate()
    {
        let out = tmp.path().join(format!("out{run}"));
        let o = grecfg(&["convert", s(&old), "--to", "nm", "--output-dir", s(&out), "-q"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let mut child = Command::new(env!("CARGO_BIN_EXE_grecfg"))
            .args(["convert", s(&new), "--to", "nm", "--output-dir", s(&out), "-q"])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        // SAFETY: kill(2) on the child we spawned.
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        child.wait().unwrap();

        let o = grecfg(&["convert", s(&other), "--to", "nm", "--output-dir", s(&out), "-q"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let mut keys = (0, 0);
        for e in fs::read_dir(&out).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            assert!(
                !name.starts_with(".grecfg-"),
                "left behind: {name} (kill at {delay_ms} ms)"
            );
            if name == "other0.nmconnection" {
                continue;
            }
            let i: u32 = name
                .strip_prefix("tun")
                .and_then(|n| n.strip_suffix(".nmconnection"))
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("unexpected {name}"));
            let k = fs::read_to_string(e.path()).unwrap();
            if k.contains(&format!("input-key={}\n", 1 + i)) {
                keys.0 += 1;
            } else if k.contains(&format!("input-key={}\n", 100_000 + i)) {
                keys.1 += 1;
            } else {
                panic!("{name} is neither old nor new:\n{k}");
            }
        }
        match keys {
            (N, 0) => all_old += 1,
            (0, N) => all_new += 1,
            (o, n) => panic!("kill at {delay_ms} ms left {o} old and {n} new files"),
        }
    }
    eprintln!("after SIGKILL and another run: {all_old} all old, {all_new} all new");
}

/// Two inputs for the same file: an error naming it, and nothing written,
/// to a directory or to standard output.
#[test]
fn two_inputs_for_one_file_are_an_error() {
    let tmp = common::tempdir();
    for d in ["a", "b"] {
        fs::create_dir(tmp.path().join(d)).unwrap();
        fs::write(
            tmp.path().join(d).join("ifcfg-gre1"),
            "DEVICE=gre1\nTYPE=GRE\nPEER_OUTER_IPADDR=198.51.100.1\n",
        )
        .unwrap();
    }
    let (a, b) = (tmp.path().join("a/ifcfg-gre1"), tmp.path().join("b/ifcfg-gre1"));
    let out = tmp.path().join("out");
    let o = grecfg(&["convert", s(&a), s(&b), "--to", "nm", "--output-dir", s(&out)]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains(&format!(
            "two inputs would both be written to {}",
            out.join("gre1.nmconnection").display()
        )),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
    let o = grecfg(&["convert", s(&a), s(&b), "--to", "nm"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert!(text(&o.stderr).contains("two inputs would both be written to gre1.nmconnection"));
}

/// File names are input too: where the digest lists them (`N more like
/// it: ...`) and where `-v` lists what was written, an escape sequence in
/// a name is shown as text, never sent to the terminal.
#[test]
fn names_in_the_summary_cannot_drive_the_terminal() {
    let dir = common::tempdir();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    for i in 1..=5 {
        fs::write(
            input.join(format!("ifcfg-gre{i}\x1b]0;owned\x07")),
            format!(
                "DEVICE=gre{i}\nTYPE=GRE\nMY_OUTER_IPADDR=192.0.2.1\nPEER_OUTER_IPADDR=198.51.100.{i}\n\
                 MY_INNER_IPADDR=10.0.{i}.1/30\nPEER_INNER_IPADDR=10.0.{i}.2/30\n"
            ),
        )
        .unwrap();
    }
    let out = dir.path().join("out");
    let o = grecfg(&["-v", "convert", s(&input), "--to", "nm", "--output-dir", s(&out)]);
    let err = text(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("more like it"),
        "the warnings were not gathered:\n{err}"
    );
    assert!(
        err.contains(r"ifcfg-gre2\x1b]0;owned\x07:6"),
        "a listed name is not escaped:\n{err}"
    );
    assert!(
        !err.contains('\x1b') && !err.contains('\x07'),
        "raw control characters:\n{err}"
    );
}

/// An IPv4 address on a sit tunnel: the kernel and NetworkManager accept
/// it and it carries nothing, so the profile is written with a warning
/// (GRE015 in check), not refused.
#[test]
fn an_inner_address_the_mode_does_not_carry_is_a_warning() {
    let dir = common::tempdir();
    let f = dir.path().join("sit.ip");
    fs::write(
        &f,
        "ip tunnel add s1 mode sit remote 198.51.100.1 local 192.0.2.1\n\
         ip addr add 10.0.0.1/30 dev s1\nip addr add 2001:db8::1/64 dev s1\n",
    )
    .unwrap();
    let o = grecfg(&["convert", s(&f), "--to", "nm"]);
    let err = text(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("sit.ip:2:1: warning: mode sit carries IPv6 only"),
        "{err}"
    );
    let out = text(&o.stdout);
    assert!(
        out.contains("address1=10.0.0.1/30") && out.contains("address1=2001:db8::1/64"),
        "{out}"
    );
    let o = grecfg(&["check", s(&f)]);
    assert!(text(&o.stdout).contains("GRE015") || text(&o.stderr).contains("GRE015"));
}

/// Files of dialects grecfg does not read are named as such, with the
/// readable formats from the registry, instead of passing for another
/// format (a `.netdev` file's `[NetDev]` for a keyfile group).
#[test]
fn foreign_dialects_are_named() {
    let dir = common::tempdir();
    let cases = [
        (
            "gre1.netdev",
            "[NetDev]\nName=gre1\nKind=gre\n\n[Tunnel]\nRemote=198.51.100.1\n",
            "a systemd-networkd .netdev file",
        ),
        (
            "unit",
            "[Match]\nName=gre1\n\n[Network]\nAddress=10.0.0.1/30\n",
            "a systemd-networkd .network file",
        ),
        (
            "01-tunnels",
            "network:\n  version: 2\n  tunnels: {}\n",
            "netplan YAML",
        ),
        (
            "tunnels",
            "auto gre1\niface gre1 inet tunnel\n  mode gre\n  endpoint 198.51.100.1\n",
            "a Debian ifupdown interfaces file",
        ),
    ];
    for (name, body, dialect) in cases {
        let f = dir.path().join(name);
        fs::write(&f, body).unwrap();
        let o = grecfg(&["convert", s(&f), "--to", "nm"]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.contains(&format!(
                "error: this is {dialect}, a dialect grecfg does not read"
            )),
            "{name}: {err}"
        );
        assert!(
            err.contains("grecfg reads ifcfg, nm, model, iproute2, rc.local, nmcli"),
            "{err}"
        );
        assert!(o.stdout.is_empty());
    }
}

/// Inputs over 64 MiB are refused, not read: a file, standard input, and
/// one that never ends.
#[test]
fn inputs_over_64_mib_are_refused() {
    let dir = common::tempdir();
    let big = dir.path().join("ifcfg-big");
    let mut body = String::from("DEVICE=big\nTYPE=GRE\n");
    body.push_str(&"#".repeat((64 << 20) - body.len()));
    fs::write(&big, &body).unwrap();
    // Exactly 64 MiB is read.
    let o = grecfg(&["convert", s(&big), "--to", "nm"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    fs::write(&big, body + "\n").unwrap();
    for args in [
        vec!["convert", s(&big), "--to", "nm"],
        vec!["convert", "--from", "ifcfg", "/dev/zero", "--to", "nm"],
    ] {
        let o = grecfg(&args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains("is larger than 64 MiB, the most grecfg reads of one input"),
            "{err}"
        );
        assert!(o.stdout.is_empty());
    }
    let o = Command::new(env!("CARGO_BIN_EXE_grecfg"))
        .args(["convert", "--from", "ifcfg", "-", "--to", "nm"])
        .stdin(fs::File::open(&big).unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("standard input is larger than 64 MiB"),
        "{}",
        text(&o.stderr)
    );
}
