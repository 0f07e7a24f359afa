//! The built binary as a user runs it: exit statuses, where errors point,
//! file modes, --diff, standard input, all-or-nothing output.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixture(case: &str, file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(case)
        .join(file)
}

fn grecfg(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_grecfg"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run grecfg")
}

fn grecfg_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_grecfg"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run grecfg");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const TUN0_NUMERIC: &str = "seed004-tun0-numeric-key";

#[test]
fn help_answers_and_names_exit_statuses() {
    let o = grecfg(&["convert", "--help"]);
    assert!(o.status.success());
    let out = text(&o.stdout);
    for word in [
        "--from",
        "--to",
        "--output-dir",
        "--diff",
        "--strict",
        "Exit status",
        "keyfile",
    ] {
        assert!(out.contains(word), "convert --help lacks {word}:\n{out}");
    }
}

/// Each subcommand's one-line help is its own, in `grecfg --help` and in
/// its `-h`: not the words of a group of options it shares with others.
#[test]
fn every_subcommand_says_what_it_does() {
    let top = text(&grecfg(&["--help"]).stdout);
    for (sub, about) in [
        (
            "convert",
            "Convert tunnel configurations from one format to another",
        ),
        (
            "render",
            "Render tunnels as scripts, units, firewall rules and keepalives",
        ),
        ("peer", "Write the configuration of the other end of a tunnel"),
        ("check", "Find mistakes in a tunnel, or in the two ends of one"),
        ("mtu", "Show a tunnel's header overhead, MTU and TCP MSS"),
    ] {
        assert!(
            top.lines()
                .any(|l| l.split_whitespace().next() == Some(sub) && l.ends_with(about)),
            "grecfg --help does not say `{sub}  {about}`:\n{top}"
        );
        let o = grecfg(&[sub, "-h"]);
        assert!(o.status.success());
        let short = text(&o.stdout);
        assert!(short.starts_with(about), "grecfg {sub} -h:\n{short}");
    }
}

#[test]
fn converts_to_stdout_exactly_the_expected_keyfile() {
    let input = fixture(TUN0_NUMERIC, "input/ifcfg-tun0");
    let o = grecfg(&["convert", s(&input), "--to", "nm"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let want = fs::read_to_string(fixture(TUN0_NUMERIC, "expected/tun0.nmconnection")).unwrap();
    assert_eq!(text(&o.stdout), want);
    // The peer mapping is a reinterpretation, and the user is told which.
    let err = text(&o.stderr);
    assert!(err.contains("warning:") && err.contains("172.16.0.1/30"), "{err}");
}

#[test]
fn word_key_is_an_error_at_its_line_and_column_with_a_hint() {
    let input = fixture("seed004-tun0-linux1", "input/ifcfg-tun0");
    let o = grecfg(&["convert", s(&input), "--to", "nm"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "no partial output");
    let err = text(&o.stderr);
    assert!(err.contains(&format!("{}:8:5: error:", input.display())), "{err}");
    assert!(
        err.contains("KEY=lichenhao") && err.contains("^^^^^^^^^"),
        "{err}"
    );
    assert!(err.contains("hint:") && err.contains("32-bit number"), "{err}");
}

#[test]
fn shell_expansions_are_errors_never_executed() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("executed");
    let input = dir.path().join("ifcfg-gre9");
    fs::write(
        &input,
        format!(
            "DEVICE=gre9\nTYPE=GRE\nPEER_OUTER_IPADDR=$(touch {m})\nMY_OUTER_IPADDR=`touch {m}`\nKEY=$KEY\n",
            m = marker.display()
        ),
    )
    .unwrap();
    let o = grecfg(&["convert", s(&input), "--to", "nm"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!marker.exists(), "grecfg executed its input");
    let err = text(&o.stderr);
    for line in [3, 4, 5] {
        assert!(
            err.contains(&format!("ifcfg-gre9:{line}:")),
            "no error for line {line}:\n{err}"
        );
    }
}

/// The modes are the files' own whatever the umask: a umask that takes
/// bits from them (0377) and one that takes none (0) give the same modes,
/// 0600 and 0644 (files are created with their mode, and set again only
/// where the umask took from it).
#[test]
fn modes_do_not_follow_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    for umask in ["0377", "0", "077"] {
        for (to, name, mode) in [("nm", "tun0.nmconnection", 0o600), ("ifcfg", "ifcfg-tun0", 0o644)] {
            let out = dir.path().join(format!("{umask}-{name}"));
            let o = Command::new("sh")
                .args([
                    "-c",
                    &format!("umask {umask}; exec \"$@\""),
                    "sh",
                    env!("CARGO_BIN_EXE_grecfg"),
                ])
                .args([
                    "convert",
                    s(&fixture(TUN0_NUMERIC, "input/ifcfg-tun0")),
                    "--to",
                    to,
                    "-o",
                    s(&out),
                ])
                .stdin(Stdio::null())
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
            let got = fs::metadata(&out).unwrap().permissions().mode() & 0o7777;
            assert_eq!(got, mode, "umask {umask}, {name}: mode {got:o}");
        }
    }
}

#[test]
fn keyfiles_are_written_0600_and_ifcfg_0644() {
    let dir = tempfile::tempdir().unwrap();
    let nm = dir.path().join("tun0.nmconnection");
    let o = grecfg(&[
        "convert",
        s(&fixture(TUN0_NUMERIC, "input/ifcfg-tun0")),
        "--to",
        "nm",
        "-o",
        s(&nm),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(fs::metadata(&nm).unwrap().permissions().mode() & 0o777, 0o600);
    let back = dir.path().join("ifcfg-tun0");
    let o = grecfg(&["convert", s(&nm), "--to", "ifcfg", "-o", s(&back)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(fs::metadata(&back).unwrap().permissions().mode() & 0o777, 0o644);
    let written = fs::read_to_string(&back).unwrap();
    assert!(
        written.contains("KEY=1234") && written.contains("TYPE=GRE"),
        "{written}"
    );
    // No temporary files are left behind.
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn diff_shows_changes_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture(TUN0_NUMERIC, "input/ifcfg-tun0");
    let out = dir.path().join("out");
    let o = grecfg(&[
        "convert",
        s(&input),
        "--to",
        "nm",
        "--output-dir",
        s(&out),
        "--diff",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("--- /dev/null"), "{}", text(&o.stdout));
    assert!(text(&o.stdout).contains("+remote=100.0.2.100"));
    assert!(!out.exists(), "--diff wrote something");

    let o = grecfg(&["convert", s(&input), "--to", "nm", "--output-dir", s(&out)]);
    assert_eq!(o.status.code(), Some(0));
    let o = grecfg(&[
        "convert",
        s(&input),
        "--to",
        "nm",
        "--output-dir",
        s(&out),
        "--diff",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "unchanged destination: {}",
        text(&o.stdout)
    );
    assert!(o.stdout.is_empty());

    let file = out.join("tun0.nmconnection");
    let before = fs::read_to_string(&file)
        .unwrap()
        .replace("remote=100.0.2.100", "remote=100.0.2.99");
    fs::write(&file, &before).unwrap();
    let o = grecfg(&[
        "convert",
        s(&input),
        "--to",
        "nm",
        "--output-dir",
        s(&out),
        "--diff",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let d = text(&o.stdout);
    assert!(
        d.contains("-remote=100.0.2.99") && d.contains("+remote=100.0.2.100"),
        "{d}"
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        before,
        "--diff changed the file"
    );
}

#[test]
fn one_bad_input_means_no_output_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let good = fixture(TUN0_NUMERIC, "input/ifcfg-tun0");
    let bad = fixture("seed004-tun0-linux2", "input/ifcfg-tun0");
    let o = grecfg(&[
        "convert",
        s(&good),
        s(&bad),
        "--to",
        "nm",
        "--output-dir",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        !out.exists() || fs::read_dir(&out).unwrap().next().is_none(),
        "partial output written"
    );
}

#[test]
fn strict_turns_warnings_into_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.nmconnection");
    let o = grecfg(&[
        "convert",
        s(&fixture(TUN0_NUMERIC, "input/ifcfg-tun0")),
        "--to",
        "nm",
        "--strict",
        "-o",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("error:"));
    assert!(!out.exists());
}

#[test]
fn stdin_is_read_and_its_format_detected() {
    let input = fs::read_to_string(fixture(TUN0_NUMERIC, "input/ifcfg-tun0")).unwrap();
    let o = grecfg_stdin(&["convert", "-", "--to", "model"], &input);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("model output is JSON");
    assert_eq!(v["name"], "tun0");
    assert_eq!(v["input_key"], 1234);
    assert_eq!(v["addresses"][0]["peer"], "172.16.0.2/30");

    let o = grecfg_stdin(&["convert", "-", "--to", "nm"], "hello world\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--from"), "{}", text(&o.stderr));
}

#[test]
fn missing_input_is_an_io_error() {
    let o = grecfg(&["convert", "/nonexistent/ifcfg-gre1", "--to", "nm"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(text(&o.stderr).contains("/nonexistent/ifcfg-gre1"));
}

#[test]
fn one_output_file_only_with_dash_o() {
    let dir = tempfile::tempdir().unwrap();
    let a = fixture(TUN0_NUMERIC, "input/ifcfg-tun0");
    let b = fixture("gre-keys-file", "input/ifcfg-gre2");
    let o = grecfg(&[
        "convert",
        s(&a),
        s(&b),
        "--to",
        "nm",
        "-o",
        s(&dir.path().join("x")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--output-dir"));
}

#[test]
fn directory_input_converts_tunnels_and_skips_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let scripts = dir.path().join("network-scripts");
    fs::create_dir(&scripts).unwrap();
    fs::copy(
        fixture(TUN0_NUMERIC, "input/ifcfg-tun0"),
        scripts.join("ifcfg-tun0"),
    )
    .unwrap();
    fs::copy(
        fixture(TUN0_NUMERIC, "input/ifcfg-tun0"),
        scripts.join("ifcfg-tun0.bak"),
    )
    .unwrap();
    fs::write(
        scripts.join("ifcfg-eth0"),
        "DEVICE=eth0\nTYPE=Ethernet\nBOOTPROTO=dhcp\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = grecfg(&["convert", s(&scripts), "--to", "nm", "--output-dir", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let names: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, vec!["tun0.nmconnection"]);
    assert!(
        text(&o.stderr).contains("ifcfg-eth0: note: skipped"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn a_directory_of_another_format_is_read_by_its_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let conns = dir.path().join("system-connections");
    fs::create_dir(&conns).unwrap();
    let keyfile = fs::read_to_string(fixture("seed000-gre_hk", "expected/gre_hk.nmconnection")).unwrap();
    fs::write(conns.join("gre_hk.nmconnection"), &keyfile).unwrap();
    fs::write(
        conns.join("eth0.nmconnection"),
        "[connection]\nid=eth0\ntype=ethernet\n",
    )
    .unwrap();
    fs::write(conns.join("notes.txt"), "not a profile\n").unwrap();
    let out = dir.path().join("out");
    let o = grecfg(&[
        "convert",
        "--from",
        "nm",
        s(&conns),
        "--to",
        "nm",
        "--output-dir",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        fs::read_to_string(out.join("gre_hk.nmconnection")).unwrap(),
        keyfile
    );
    assert_eq!(fs::read_dir(&out).unwrap().count(), 1);
    assert!(
        text(&o.stderr).contains("eth0.nmconnection: note: skipped: not a tunnel"),
        "{}",
        text(&o.stderr)
    );
    // A written-only format has no directory to read.
    let o = grecfg(&["convert", "--from", "systemd", s(&conns), "--to", "nm"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("is a directory"), "{}", text(&o.stderr));
}

#[test]
fn several_tunnels_as_the_model_are_one_json_array_that_reads_back() {
    let a = fixture("seed000-gre_hk", "input/ifcfg-gre_hk");
    let b = fixture("gre-p2p-routes", "input/ifcfg-gre-p2p");
    let o = grecfg(&["convert", s(&a), s(&b), "--to", "model", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON text");
    let names: Vec<&str> = json
        .as_array()
        .expect("an array")
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["gre_hk", "gre-p2p"]);
    let again = grecfg_stdin(
        &["convert", "--from", "model", "-", "--to", "model"],
        &text(&o.stdout),
    );
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert_eq!(text(&again.stdout), text(&o.stdout));
}

/// Staged files are closed as they are written: 5,000 tunnels convert
/// with 64 descriptors, and a second run over the same output leaves no
/// staged file behind.
#[test]
fn thousands_of_tunnels_convert_with_few_descriptors() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    for i in 0..5000u32 {
        let (a, b) = (i / 250, i % 250);
        fs::write(
            input.join(format!("ifcfg-tun{i}")),
            format!(
                "DEVICE=tun{i}\nTYPE=GRE\nMY_OUTER_IPADDR=192.0.2.{}\nPEER_OUTER_IPADDR=198.51.100.{}\n\
                 MY_INNER_IPADDR=10.{a}.{b}.1/30\nKEY={}\n",
                1 + b,
                1 + a,
                i + 1
            ),
        )
        .unwrap();
    }
    let out = dir.path().join("out");
    for _ in 0..2 {
        let o = Command::new("sh")
            .args(["-c", "ulimit -n 64 && exec \"$0\" \"$@\""])
            .arg(env!("CARGO_BIN_EXE_grecfg"))
            .args(["convert", s(&input), "--to", "nm", "--output-dir", s(&out), "-q"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    }
    let names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        5000,
        "{:?}",
        names
            .iter()
            .filter(|n| !n.ends_with(".nmconnection"))
            .collect::<Vec<_>>()
    );
    let k = fs::read_to_string(out.join("tun4321.nmconnection")).unwrap();
    assert!(
        k.contains("input-key=4322\n") && k.contains("remote=198.51.100.18\n"),
        "{k}"
    );
}

/// SIGTERM at any moment of a large run leaves no staged file behind:
/// either the run finished (exit 0) or it was stopped (exit 143) and the
/// output directory holds only whole files.
#[test]
fn a_terminated_run_leaves_no_staged_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    for i in 0..3000u32 {
        fs::write(
            input.join(format!("ifcfg-tun{i}")),
            format!(
                "DEVICE=tun{i}\nTYPE=GRE\nPEER_OUTER_IPADDR=198.51.100.{}\nKEY={}\n",
                1 + i % 250,
                i + 1
            ),
        )
        .unwrap();
    }
    let mut stopped = 0;
    for delay_ms in [50u64, 150, 300, 450, 600, 800, 1000, 1300] {
        let out = dir.path().join(format!("out{delay_ms}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_grecfg"))
            .args(["convert", s(&input), "--to", "nm", "--output-dir", s(&out), "-q"])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        // SAFETY: kill(2) on the child we spawned.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        let status = child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        match (status.code(), status.signal()) {
            (Some(0), _) => {}
            // Stopped while staging (143), or before anything was staged.
            (Some(143), _) | (None, Some(libc::SIGTERM)) => stopped += 1,
            other => panic!("{other:?} after SIGTERM at {delay_ms} ms"),
        }
        let staged: Vec<String> = fs::read_dir(&out)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with(".grecfg-staged-"))
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            staged.is_empty(),
            "SIGTERM at {delay_ms} ms left {} staged files",
            staged.len()
        );
    }
    eprintln!("{stopped} of 8 runs were stopped by SIGTERM");
}

/// A reader that goes away (`| head -n1`) is no reason to panic (exit
/// 101): a standard error whose reader is gone loses the warnings, not the
/// work; a standard output whose reader is gone is an I/O error (3).
#[test]
fn closed_pipes_are_an_orderly_exit() {
    // gre_hk has a warning for standard error.
    let input = fixture("seed000-gre_hk", "input/ifcfg-gre_hk");
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = Command::new(env!("CARGO_BIN_EXE_grecfg"))
        .args(["convert", s(&input), "--to", "nm"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(writer)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        text(&o.stdout),
        fs::read_to_string(fixture("seed000-gre_hk", "expected/gre_hk.nmconnection")).unwrap()
    );
    // The status itself: a pipe whose reader is gone before grecfg writes.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = Command::new(env!("CARGO_BIN_EXE_grecfg"))
        .args(["convert", s(&input), "--to", "nm"])
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("cannot write standard output"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn dash_o_dev_stdout_writes_into_the_pipe() {
    let o = grecfg(&[
        "convert",
        s(&fixture("seed000-gre_hk", "input/ifcfg-gre_hk")),
        "--to",
        "nm",
        "-o",
        "/dev/stdout",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        fs::read_to_string(fixture("seed000-gre_hk", "expected/gre_hk.nmconnection")).unwrap()
    );
}

#[test]
fn an_undetectable_input_names_every_readable_format() {
    let o = grecfg_stdin(&["convert", "--to", "nm", "-"], "hello\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("name it with --from (ifcfg, nm, model, iproute2, rc.local, nmcli)"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn output_is_deterministic_and_legacy_uuids_follow_networkmanager() {
    let input = fixture(TUN0_NUMERIC, "input/ifcfg-tun0");
    let a = grecfg(&["convert", s(&input), "--to", "nm"]);
    let b = grecfg(&["convert", s(&input), "--to", "nm"]);
    assert_eq!(a.stdout, b.stdout);
    let legacy = grecfg(&["convert", s(&input), "--to", "nm", "--uuid", "legacy"]);
    let want = grecfg::format::legacy_uuid(&input);
    assert!(
        text(&legacy.stdout).contains(&format!("uuid={want}\n")),
        "{}",
        text(&legacy.stdout)
    );
}

#[test]
fn render_writes_an_executable_script_and_honours_template_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("seed001-routerB", "input/rc.local");
    let out = dir.path().join("out");
    let o = grecfg(&[
        "render",
        "--target",
        "rc.local",
        s(&input),
        "--output-dir",
        s(&out),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let script = out.join("rc.local-gre1");
    assert_eq!(fs::metadata(&script).unwrap().permissions().mode() & 0o777, 0o755);
    let body = fs::read_to_string(&script).unwrap();
    assert!(
        body.contains("ip tunnel add name gre1 mode gre remote 30.1.1.2 local 30.1.1.1"),
        "{body}"
    );
    // ikey 1 okey 1 is one symmetric key.
    assert!(body.contains(" key 1 ttl 255"), "{body}");

    // A template directory replaces the shipped template of the same name only.
    let templates = dir.path().join("templates");
    fs::create_dir(&templates).unwrap();
    fs::write(
        templates.join("iproute2.j2"),
        "# custom\n{% for c in up %}{{ c | shcmd }}\n{% endfor %}",
    )
    .unwrap();
    let o = grecfg(&[
        "render",
        "--target",
        "iproute2",
        s(&input),
        "--template-dir",
        s(&templates),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).starts_with("# custom\nip tunnel add name gre1"),
        "{}",
        text(&o.stdout)
    );
    let o = grecfg(&[
        "render",
        "--target",
        "rc.local",
        s(&input),
        "--template-dir",
        s(&templates),
        "-q",
    ]);
    assert!(
        text(&o.stdout).starts_with("#!/bin/sh"),
        "other templates stay the shipped ones"
    );

    // A broken override is an input error, reported before anything else.
    fs::write(templates.join("iproute2.j2"), "{% for %}").unwrap();
    let o = grecfg(&[
        "render",
        "--target",
        "iproute2",
        s(&input),
        "--template-dir",
        s(&templates),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("iproute2.j2"), "{}", text(&o.stderr));
}

#[test]
fn systemd_units_are_written_but_not_read() {
    let o = grecfg(&["convert", "--from", "systemd", "-", "--to", "nm"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("does not read"), "{}", text(&o.stderr));
}

/// A hostile file cannot drive the terminal through a diagnostic: the ESC
/// of `ESC[2J` (clear the screen) and a CR (back to the start of the line,
/// to overwrite it) in a bad value show as `\x1b` and `\r`, in the message
/// and in the line under it, and the carets stand under the value as
/// shown.
#[test]
fn control_characters_in_a_bad_value_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ifcfg-gre1");
    fs::write(
        &input,
        "DEVICE=gre1\nTYPE=GRE\nMY_OUTER_IPADDR=192.0.2.1\nPEER_OUTER_IPADDR=198.51.100.1\n\
         KEY=\"\x1b[2Jab\rc\"\n",
    )
    .unwrap();
    let o = grecfg(&["convert", s(&input), "--to", "nm"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty());
    let raw: Vec<u8> = o
        .stderr
        .iter()
        .copied()
        .filter(|&b| (b < 0x20 && b != b'\n') || b == 0x7f)
        .collect();
    assert!(
        raw.is_empty(),
        "raw control bytes {raw:?} in:\n{}",
        text(&o.stderr)
    );
    let err = text(&o.stderr);
    assert!(
        err.contains(":5:5: error: KEY=\\x1b[2Jab\\rc is not a GRE key\n"),
        "{err}"
    );
    // The value as written, quotes included, is column 5 of line 5: four
    // characters before it, fourteen as shown (`"`, `\x1b`, `[2Jab`, `\r`,
    // `c`, `"`).
    assert!(
        err.contains("\n 5 | KEY=\"\\x1b[2Jab\\rc\"\n   |     ^^^^^^^^^^^^^^\n"),
        "{err}"
    );
}
