//! `grecfg peer`, `grecfg check` and `grecfg mtu` through the real binary.
//!
//! Each case under `fixtures/tunnels/` is a directory with
//! - `cmd`: the arguments after `grecfg`, one per line (`#` comments), run
//!   in the case directory;
//! - `stdin` (optional): what standard input gives;
//! - `stdout`: the exact standard output, or `same-as`: the path (relative
//!   to the case) of a file standard output must equal byte for byte, such
//!   as the expected keyfile of the seed's other machine;
//! - `stderr`: the exact standard error;
//! - `status` (optional): the exit status (default 0).
//!
//! `GRECFG_BLESS=1 cargo test --test tunnels` rewrites `stdout` (never a
//! `same-as` file), `stderr` and `status` for review with `git diff`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{diff, fixtures};

fn grecfg(dir: &Path, args: &[&str]) -> Output {
    grecfg_with_stdin(dir, args, None)
}

fn grecfg_with_stdin(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_grecfg"))
        .current_dir(dir)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run grecfg");
    if let Some(data) = stdin {
        child.stdin.take().unwrap().write_all(data).unwrap();
    }
    child.wait_with_output().expect("wait for grecfg")
}

#[test]
fn tunnel_cases() {
    let blessing = std::env::var_os("GRECFG_BLESS").is_some();
    let mut cases: Vec<PathBuf> = fs::read_dir(fixtures().join("tunnels"))
        .expect("fixtures/tunnels")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("cmd").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "expected the cases, found {}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let args: Vec<String> = fs::read_to_string(case.join("cmd"))
            .unwrap()
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let stdin = fs::read(case.join("stdin")).ok();
        let out = grecfg_with_stdin(case, &args, stdin.as_deref());
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let status = out.status.code().unwrap_or(-1);
        let same_as = fs::read_to_string(case.join("same-as"))
            .ok()
            .map(|p| case.join(p.trim()));
        if blessing {
            if same_as.is_none() {
                fs::write(case.join("stdout"), &stdout).unwrap();
            }
            fs::write(case.join("stderr"), &stderr).unwrap();
            if status == 0 {
                let _ = fs::remove_file(case.join("status"));
            } else {
                fs::write(case.join("status"), format!("{status}\n")).unwrap();
            }
            continue;
        }
        let mut problems = Vec::new();
        let want_status: i32 = fs::read_to_string(case.join("status"))
            .map(|s| s.trim().parse().expect("status is a number"))
            .unwrap_or(0);
        if status != want_status {
            problems.push(format!("exit status {status}, expected {want_status}"));
        }
        let (label, want_stdout) = match &same_as {
            Some(p) => (
                p.display().to_string(),
                fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
            ),
            None => (
                "stdout".to_string(),
                fs::read_to_string(case.join("stdout")).unwrap_or_default(),
            ),
        };
        if stdout != want_stdout {
            problems.push(diff(&label, &want_stdout, &stdout));
        }
        let want_stderr = fs::read_to_string(case.join("stderr")).unwrap_or_default();
        if stderr != want_stderr {
            problems.push(diff("stderr", &want_stderr, &stderr));
        }
        if !problems.is_empty() {
            failures.push(format!("--- case {name}:\n{}", problems.join("\n")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The peer of the seed's first machine, as a model, is the seed's second
/// machine as its own input reads (the article wrote a key that is a word;
/// this is the numeric-key variant of both ends).
#[test]
fn peer_of_seed004_linux1_is_linux2() {
    let dir = fixtures();
    let peer = grecfg(
        &dir,
        &[
            "peer",
            "seed004-tun0-numeric-key/input/ifcfg-tun0",
            "--to",
            "model",
        ],
    );
    assert_eq!(
        peer.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&peer.stderr)
    );
    let linux2 = grecfg(
        &dir,
        &[
            "convert",
            "tunnels/check-seed004-numeric-pair/linux2/ifcfg-tun0",
            "--to",
            "model",
        ],
    );
    assert_eq!(linux2.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&peer.stdout),
        String::from_utf8_lossy(&linux2.stdout)
    );
}

/// Mirroring twice gives the input back, for every seed case with a peer.
#[test]
fn peer_of_peer_is_the_input() {
    let dir = fixtures();
    for (input, subnet, back) in [
        ("seed000-p2p-A/input/commands.ip", &[][..], &[][..]),
        (
            "seed001-routerA/input/rc.local",
            &["10.2.1.0/24"],
            &["10.1.1.0/24"],
        ),
        ("seed004-tun0-numeric-key/input/ifcfg-tun0", &[], &[]),
        (
            "gre-p2p-routes/input/ifcfg-gre-p2p",
            &["192.0.2.128/25"],
            &["198.18.0.0/24", "198.18.1.0/24"],
        ),
    ] {
        let mut args = vec!["peer", input, "--to", "model", "-q"];
        for s in subnet {
            args.extend(["--local-subnet", s]);
        }
        let b = grecfg(&dir, &args);
        assert_eq!(
            b.status.code(),
            Some(0),
            "{input}: {}",
            String::from_utf8_lossy(&b.stderr)
        );
        let tmp = tempfile::tempdir().unwrap();
        let b_path = tmp.path().join("b.json");
        fs::write(&b_path, &b.stdout).unwrap();
        let mut args = vec!["peer", b_path.to_str().unwrap(), "--to", "model", "-q"];
        for s in back {
            args.extend(["--local-subnet", s]);
        }
        let a2 = grecfg(&dir, &args);
        assert_eq!(
            a2.status.code(),
            Some(0),
            "{input}: {}",
            String::from_utf8_lossy(&a2.stderr)
        );
        let a = grecfg(&dir, &["convert", input, "--to", "model", "-q"]);
        let strip = |o: &[u8]| {
            let mut v: serde_json::Value = serde_json::from_slice(o).unwrap();
            // Extras, UUIDs and route metrics are this machine's: not mirrored.
            let obj = v.as_object_mut().unwrap();
            obj.remove("extras");
            obj.remove("uuid");
            if let Some(routes) = obj.get_mut("routes").and_then(|r| r.as_array_mut()) {
                for r in routes {
                    r.as_object_mut().unwrap().remove("metric");
                }
            }
            v
        };
        assert_eq!(strip(&a2.stdout), strip(&a.stdout), "{input}");
    }
}

/// `peer` writes like `convert`: atomically, keyfiles with mode 0600, and
/// nothing at all when there is an error.
#[test]
fn peer_writes_files_like_convert() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fixtures();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = grecfg(
        &dir,
        &[
            "peer",
            "seed000-p2p-A/input/commands.ip",
            "--to",
            "nm",
            "--output-dir",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let written = out.join("gre_hk.nmconnection");
    assert_eq!(
        fs::metadata(&written).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        fs::read_to_string(&written).unwrap(),
        fs::read_to_string(dir.join("seed000-p2p-B/expected/gre_hk.nmconnection")).unwrap()
    );

    // Two tunnels, one --name: an error, and nothing written.
    let script = tmp.path().join("two.sh");
    fs::write(
        &script,
        "ip tunnel add gre1 mode gre remote 198.51.100.1 local 192.0.2.1\n\
         ip addr add 203.0.113.1/31 dev gre1\n\
         ip tunnel add gre2 mode gre remote 198.51.100.2 local 192.0.2.1\n\
         ip addr add 203.0.113.3/31 dev gre2\n",
    )
    .unwrap();
    let out2 = tmp.path().join("out2");
    let o = grecfg(
        &dir,
        &[
            "peer",
            script.to_str().unwrap(),
            "--to",
            "nm",
            "--name",
            "hq",
            "--output-dir",
            out2.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--name names one tunnel, but the inputs hold 2"));
    assert!(!out2.exists(), "nothing is written on error");

    // Without --name both are mirrored.
    let o = grecfg(&dir, &["peer", script.to_str().unwrap(), "--to", "iproute2"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("ip tunnel add name gre1 mode gre remote 192.0.2.1 local 198.51.100.1"),
        "{text}"
    );
    assert!(text.contains("ip addr replace 203.0.113.2/31 dev gre2"), "{text}");

    // --strict: the seed router's peer loses its peer address in a keyfile.
    let o = grecfg(
        &dir,
        &["peer", "seed001-routerA/input/rc.local", "--to", "nm", "--strict"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
}
