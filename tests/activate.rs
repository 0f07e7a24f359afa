//! `grecfg activate`, `deactivate` and `delete` against a real
//! NetworkManager.
//!
//! * `no_system_bus` and `networkmanager_not_running` need no root: the
//!   first points grecfg at a bus socket that does not exist, the second at
//!   a private dbus-daemon where NetworkManager is not running.
//! * `activate_in_networkmanager` runs this test binary again inside
//!   `tests/nm/sandbox` (private namespaces, own D-Bus and NetworkManager),
//!   where `sandboxed_scenarios` (ignored in normal runs) talks to the
//!   sandbox's NetworkManager: adding, re-running, updating, in-memory
//!   profiles, activation on this kernel, deactivate and delete.
//! * `unauthorised_caller` runs grecfg as an unprivileged user against a
//!   NetworkManager that admits root only.
//!
//! * `activation_outcomes` (inside the sandbox) drives grecfg's D-Bus client
//!   through success, failure and timeout with veth profiles, since no
//!   tunnel can come up on a kernel without tunnel modules, one at a time
//!   and all three at once.
//! * `one_run_sees_its_own_changes` and `many_inputs_in_one_run` (inside
//!   the sandbox) hold one invocation with many inputs, planned against one
//!   reading of NetworkManager's profiles, to what the same inputs do one
//!   invocation each.
//!
//! Without root or the tools they need, the sandbox tests print "skipped:
//! WHY" and pass, unless `CI=true`, where they fail.

#![cfg(feature = "dbus")]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::{missing_requirements, repo, skip};

const GRECFG: &str = env!("CARGO_BIN_EXE_grecfg");
const CONN_DIR: &str = "/etc/NetworkManager/system-connections";
/// Set for the copy of this binary that runs inside the sandbox.
const INSIDE: &str = "GRECFG_ACTIVATE_SANDBOXED";

fn fixture(case: &str, file: &str) -> PathBuf {
    repo().join("fixtures").join(case).join("input").join(file)
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {:?}: {e}", cmd.get_program()))
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn show(what: &str, out: &Output) -> String {
    let (o, e) = text(out);
    format!("{what}: {}\n--- stdout ---\n{o}--- stderr ---\n{e}", out.status)
}

fn grecfg(args: &[&str]) -> Output {
    run(Command::new(GRECFG).args(args))
}

fn grecfg_with_bus(address: &str, args: &[&str]) -> Output {
    run(Command::new(GRECFG)
        .args(args)
        .env("DBUS_SYSTEM_BUS_ADDRESS", address))
}

#[test]
fn no_system_bus() {
    let dir = tempfile::tempdir().unwrap();
    let address = format!("unix:path={}", dir.path().join("no-such-socket").display());
    let input = fixture("seed000-gre_hk", "ifcfg-gre_hk");
    for args in [
        vec!["activate", "-q", input.to_str().unwrap()],
        vec!["deactivate", "gre_hk"],
        vec!["delete", "gre_hk"],
    ] {
        let out = grecfg_with_bus(&address, &args);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(5), "{}", show(&args.join(" "), &out));
        assert!(
            stderr.contains("cannot connect to the D-Bus system bus") && stderr.contains("no-such-socket"),
            "{}",
            show(&args.join(" "), &out)
        );
        assert!(stdout.is_empty(), "{}", show(&args.join(" "), &out));
    }
    // --dry-run still shows what it would send.
    let out = grecfg_with_bus(
        &address,
        &["activate", "--dry-run", "-q", input.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(5), "{}", show("activate --dry-run", &out));
    assert!(
        text(&out).0.contains("ip-tunnel.mode = uint32 2"),
        "{}",
        show("activate --dry-run", &out)
    );
}

/// A private bus with nothing on it; killed when dropped.
struct PrivateBus {
    child: std::process::Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl PrivateBus {
    fn start() -> PrivateBus {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("bus");
        let conf = dir.path().join("bus.conf");
        fs::write(
            &conf,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                socket.display()
            ),
        )
        .unwrap();
        let child = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", conf.display()))
            .arg("--nofork")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("dbus-daemon starts");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !socket.exists() {
            assert!(std::time::Instant::now() < deadline, "dbus-daemon did not listen");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        PrivateBus {
            child,
            address: format!("unix:path={}", socket.display()),
            _dir: dir,
        }
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn networkmanager_not_running() {
    const TEST: &str = "networkmanager_not_running";
    if let Some(why) = missing_requirements(false, &["dbus-daemon"]) {
        return skip(TEST, &why);
    }
    let bus = PrivateBus::start();
    let input = fixture("seed000-gre_hk", "ifcfg-gre_hk");
    for args in [
        vec!["activate", "-q", input.to_str().unwrap()],
        vec!["delete", "gre_hk"],
    ] {
        let out = grecfg_with_bus(&bus.address, &args);
        assert_eq!(out.status.code(), Some(5), "{}", show(&args.join(" "), &out));
        assert!(
            text(&out).1.contains("NetworkManager is not running"),
            "{}",
            show(&args.join(" "), &out)
        );
    }
}

/// Run `args` (this binary's test filter) inside the sandbox.
fn in_sandbox(env: &[(&str, &str)], cmd: &[&str]) -> Output {
    let mut c = Command::new("bash");
    c.arg(repo().join("tests/nm/sandbox")).args(cmd);
    for (k, v) in env {
        c.env(k, v);
    }
    run(&mut c)
}

#[test]
fn activate_in_networkmanager() {
    const TEST: &str = "activate_in_networkmanager";
    if let Some(why) =
        missing_requirements(true, &["nmcli", "unshare", "dbus-daemon", "NetworkManager", "ip"])
    {
        return skip(TEST, &why);
    }
    let me = std::env::current_exe().unwrap();
    let out = in_sandbox(
        &[(INSIDE, "1")],
        &[
            me.to_str().unwrap(),
            "--exact",
            "sandboxed_scenarios",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ],
    );
    let (o, e) = text(&out);
    assert!(out.status.success(), "{}", show("sandboxed scenarios", &out));
    // The inner run must really have run the scenarios.
    assert!(
        o.contains("1 passed") || e.contains("1 passed"),
        "{}",
        show("sandboxed scenarios", &out)
    );
}

#[test]
fn unauthorised_caller() {
    const TEST: &str = "unauthorised_caller";
    if let Some(why) = missing_requirements(
        true,
        &["nmcli", "unshare", "dbus-daemon", "NetworkManager", "setpriv"],
    ) {
        return skip(TEST, &why);
    }
    // Copies the unprivileged user can read and run.
    let dir = tempfile::Builder::new()
        .prefix("grecfg-auth-")
        .tempdir_in("/tmp")
        .unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let bin = dir.path().join("grecfg");
    fs::copy(GRECFG, &bin).unwrap();
    fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).unwrap();
    let input = dir.path().join("ifcfg-gre_hk");
    fs::copy(fixture("seed000-gre_hk", "ifcfg-gre_hk"), &input).unwrap();
    fs::set_permissions(&input, fs::Permissions::from_mode(0o644)).unwrap();
    let nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
    let mut cmd: Vec<&str> = nobody.to_vec();
    cmd.extend([
        bin.to_str().unwrap(),
        "activate",
        "-q",
        "--no-up",
        input.to_str().unwrap(),
    ]);
    let out = in_sandbox(&[("NM_SANDBOX_AUTH_POLKIT", "root-only")], &cmd);
    assert_eq!(out.status.code(), Some(6), "{}", show("activate as nobody", &out));
    assert!(
        text(&out).1.contains("not authorised"),
        "{}",
        show("activate as nobody", &out)
    );
}

// ---------------------------------------------------------------------------
// Inside the sandbox.

fn nmcli(args: &[&str]) -> Output {
    run(Command::new("nmcli").args(args))
}

fn nmcli_ok(args: &[&str]) -> String {
    let out = nmcli(args);
    assert!(
        out.status.success(),
        "{}",
        show(&format!("nmcli {}", args.join(" ")), &out)
    );
    text(&out).0.trim_end().to_owned()
}

/// The UUIDs of every profile NetworkManager has.
fn uuids() -> Vec<String> {
    let s = nmcli_ok(&["-g", "UUID", "connection", "show"]);
    s.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// The keyfiles in /etc/NetworkManager/system-connections.
fn keyfiles() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(CONN_DIR)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// What `grecfg convert --to nm` writes for the inputs.
fn converted(inputs: &[&Path]) -> String {
    let mut cmd = Command::new(GRECFG);
    cmd.args(["convert", "-q", "--to", "nm"]).args(inputs);
    let out = run(&mut cmd);
    assert!(out.status.success(), "{}", show("grecfg convert", &out));
    text(&out).0
}

fn activate(args: &[&str], inputs: &[&Path]) -> Output {
    let mut cmd = Command::new(GRECFG);
    cmd.arg("activate").args(args).args(inputs);
    run(&mut cmd)
}

fn assert_status(out: &Output, code: i32, what: &str) {
    assert_eq!(out.status.code(), Some(code), "{}", show(what, out));
}

#[test]
#[ignore = "runs inside tests/nm/sandbox, started by activate_in_networkmanager"]
fn sandboxed_scenarios() {
    assert!(
        std::env::var_os(INSIDE).is_some(),
        "run through activate_in_networkmanager: this test needs the sandbox's NetworkManager"
    );
    every_fixture_is_the_keyfile_convert_writes();
    add_rerun_update_delete();
    found_by_interface_name_keeps_its_uuid();
    in_memory_leaves_no_file();
    keyfile_extras_reach_networkmanager();
    activation_on_this_kernel();
    deactivate_an_active_profile();
    activation_outcomes();
    one_run_sees_its_own_changes();
    many_inputs_in_one_run();
    many_brought_up_at_once();
}

/// For every NetworkManager fixture, the keyfile NetworkManager writes for
/// the profile grecfg sends is the file `convert --to nm` writes.
fn every_fixture_is_the_keyfile_convert_writes() {
    let mut failures = Vec::new();
    let mut ran = 0;
    let mut dirs: Vec<PathBuf> = fs::read_dir(repo().join("fixtures"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|d| d.join("nmcli.args").is_file() && !d.join("args").exists())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut inputs: Vec<PathBuf> = fs::read_dir(dir.join("input"))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let n = p.file_name().unwrap().to_string_lossy();
                !["route-", "route6-", "keys-"].iter().any(|c| n.starts_with(c))
            })
            .collect();
        inputs.sort();
        let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
        let want = converted(&inputs);
        assert!(
            keyfiles().is_empty(),
            "{name}: leftover keyfiles {:?}",
            keyfiles()
        );
        let out = activate(&["-q", "--no-up"], &inputs);
        if !out.status.success() {
            failures.push(show(&format!("{name}: grecfg activate --no-up"), &out));
            continue;
        }
        ran += 1;
        let files = keyfiles();
        match files.as_slice() {
            [f] => {
                let got = fs::read_to_string(f).unwrap();
                if got != want {
                    failures.push(format!(
                        "{name}: NetworkManager wrote {} differently from grecfg convert --to nm:\n{}",
                        f.display(),
                        similar::TextDiff::from_lines(&want, &got)
                            .unified_diff()
                            .header("grecfg convert --to nm", "NetworkManager")
                    ));
                }
            }
            _ => failures.push(format!("{name}: expected one keyfile, found {files:?}")),
        }
        for u in uuids() {
            nmcli_ok(&["connection", "delete", "uuid", &u]);
        }
    }
    assert!(ran > 0, "no NetworkManager fixture ran");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    eprintln!("every_fixture_is_the_keyfile_convert_writes: {ran} case(s)");
}

fn add_rerun_update_delete() {
    let input = fixture("seed000-gre_hk", "ifcfg-gre_hk");
    let inputs = [input.as_path()];

    // --dry-run: says it would add, sends nothing.
    let out = activate(&["--dry-run", "-q"], &inputs);
    assert_status(&out, 0, "activate --dry-run");
    let (o, _) = text(&out);
    assert!(
        o.contains("# would add profile gre_hk"),
        "{}",
        show("activate --dry-run", &out)
    );
    assert!(o.contains("ip-tunnel.remote = \"172.31.37.44\""), "{o}");
    assert!(
        uuids().is_empty() && keyfiles().is_empty(),
        "--dry-run changed something"
    );

    // Added and saved.
    let out = activate(&["--no-up"], &inputs);
    assert_status(&out, 0, "activate --no-up");
    assert!(
        text(&out).1.contains("added profile gre_hk"),
        "{}",
        show("activate", &out)
    );
    let files = keyfiles();
    assert_eq!(files.len(), 1, "{files:?}");
    let file = files[0].clone();
    assert_eq!(file, Path::new(CONN_DIR).join("gre_hk.nmconnection"));
    assert_eq!(fs::read_to_string(&file).unwrap(), converted(&inputs));
    let first = uuids();
    assert_eq!(first.len(), 1);
    assert_eq!(
        nmcli_ok(&["-g", "connection.uuid", "connection", "show", "gre_hk"]),
        "28f138c3-c780-5b07-ad23-7cddfe6dd1e8"
    );
    let mtime = fs::metadata(&file).unwrap().modified().unwrap();

    // Again: nothing changes.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = activate(&["--no-up"], &inputs);
    assert_status(&out, 0, "second activate --no-up");
    assert!(
        text(&out).1.contains("is up to date"),
        "{}",
        show("second activate", &out)
    );
    assert_eq!(uuids(), first, "a second run must not add a profile");
    assert_eq!(keyfiles(), vec![file.clone()]);
    assert_eq!(
        fs::metadata(&file).unwrap().modified().unwrap(),
        mtime,
        "the file was rewritten"
    );
    let out = activate(&["--dry-run", "-q"], &inputs);
    assert!(
        text(&out).0.contains("is up to date: nothing to do"),
        "{}",
        show("dry run", &out)
    );

    // A changed input updates the same profile in place.
    let dir = tempfile::tempdir().unwrap();
    let changed = dir.path().join("ifcfg-gre_hk");
    let src = fs::read_to_string(&input).unwrap();
    fs::write(
        &changed,
        src.replace("PEER_OUTER_IPADDR=172.31.37.44", "PEER_OUTER_IPADDR=203.0.113.7") + "TTL=64\n",
    )
    .unwrap();
    let changed_inputs = [changed.as_path()];
    let out = activate(&["--dry-run", "-q"], &changed_inputs);
    let (o, _) = text(&out);
    assert!(
        o.contains("# would update profile gre_hk")
            && o.contains("ip-tunnel.remote")
            && o.contains("ip-tunnel.ttl"),
        "{}",
        show("dry run of a change", &out)
    );
    let out = activate(&["--no-up"], &changed_inputs);
    assert_status(&out, 0, "activate changed input");
    assert!(
        text(&out).1.contains("updated profile gre_hk"),
        "{}",
        show("update", &out)
    );
    assert_eq!(uuids(), first, "an update must keep the UUID and add nothing");
    assert_eq!(keyfiles(), vec![file.clone()]);
    assert_eq!(fs::read_to_string(&file).unwrap(), converted(&changed_inputs));
    assert_eq!(
        nmcli_ok(&[
            "-g",
            "ip-tunnel.remote,ip-tunnel.ttl",
            "connection",
            "show",
            "gre_hk"
        ]),
        "203.0.113.7\n64"
    );

    // delete by interface name; an unknown name is an error.
    let out = grecfg(&["delete", "gre_hk", "no-such-profile"]);
    assert_status(&out, 2, "delete");
    let (_, e) = text(&out);
    assert!(
        e.contains("deleted profile gre_hk") && e.contains("\"no-such-profile\""),
        "{e}"
    );
    assert!(
        uuids().is_empty() && keyfiles().is_empty(),
        "delete left {:?}",
        keyfiles()
    );
}

fn found_by_interface_name_keeps_its_uuid() {
    // A profile made by hand for the same interface, with its own UUID and id.
    nmcli_ok(&[
        "connection",
        "add",
        "type",
        "ip-tunnel",
        "con-name",
        "old-tunnel",
        "ifname",
        "gre_hk",
        "mode",
        "gre",
        "remote",
        "198.51.100.1",
        "ipv4.method",
        "disabled",
        "ipv6.method",
        "disabled",
    ]);
    let old = uuids();
    assert_eq!(old.len(), 1);
    let input = fixture("seed000-gre_hk", "ifcfg-gre_hk");
    let out = activate(&["--no-up"], &[input.as_path()]);
    assert_status(&out, 0, "activate over a profile found by interface name");
    assert!(
        text(&out).1.contains("updated profile old-tunnel"),
        "{}",
        show("activate", &out)
    );
    assert_eq!(uuids(), old, "the profile must be updated, not duplicated");
    assert_eq!(
        nmcli_ok(&[
            "-g",
            "connection.id,ip-tunnel.remote",
            "connection",
            "show",
            "uuid",
            &old[0]
        ]),
        "gre_hk\n172.31.37.44"
    );
    // Deleted by id.
    assert_status(&grecfg(&["delete", "-q", "gre_hk"]), 0, "delete by id");
    assert!(uuids().is_empty());
}

fn in_memory_leaves_no_file() {
    let input = fixture("ip6gre-keys", "ifcfg-ip6gre1");
    let out = activate(&["--no-up", "--in-memory"], &[input.as_path()]);
    assert_status(&out, 0, "activate --in-memory");
    assert!(
        text(&out).1.contains("in memory"),
        "{}",
        show("activate --in-memory", &out)
    );
    assert!(keyfiles().is_empty(), "--in-memory wrote {:?}", keyfiles());
    let u = uuids();
    assert_eq!(u.len(), 1);
    let out = activate(&["--no-up", "--in-memory"], &[input.as_path()]);
    assert!(
        text(&out).1.contains("is up to date"),
        "{}",
        show("second --in-memory", &out)
    );
    assert_eq!(uuids(), u);
    assert!(keyfiles().is_empty());
    // Without --in-memory the same profile is saved.
    let out = activate(&["--no-up"], &[input.as_path()]);
    assert_status(&out, 0, "activate after --in-memory");
    assert!(
        text(&out).1.contains("saved to disk"),
        "{}",
        show("activate after --in-memory", &out)
    );
    assert_eq!(uuids(), u);
    assert_eq!(keyfiles().len(), 1);
    assert_eq!(
        fs::read_to_string(&keyfiles()[0]).unwrap(),
        converted(&[input.as_path()])
    );
    // Deleted by UUID.
    assert_status(&grecfg(&["delete", "-q", &u[0]]), 0, "delete by uuid");
    assert!(uuids().is_empty() && keyfiles().is_empty());
}

/// A profile NetworkManager itself wrote (`nmcli --offline`) with
/// properties the tunnel model does not hold (DNS, gateway, route
/// attributes, priorities): activate sends them with their D-Bus types, and
/// NetworkManager saves the keyfile convert writes; a second run finds
/// nothing to change.
fn keyfile_extras_reach_networkmanager() {
    let out = nmcli(&[
        "--offline",
        "connection",
        "add",
        "type",
        "ip-tunnel",
        "con-name",
        "extras",
        "ifname",
        "gre5",
        "mode",
        "gre",
        "remote",
        "192.0.2.2",
        "local",
        "192.0.2.1",
        "ip4",
        "10.0.0.1/30",
        "gw4",
        "10.0.0.2",
        "ipv4.dns",
        "192.0.2.53,198.51.100.53",
        "ipv4.dns-search",
        "example.com",
        "ipv4.may-fail",
        "no",
        "ipv4.route-metric",
        "200",
        "ipv4.routes",
        "198.51.100.0/24 10.0.0.2 100 mtu=1400 onlink=true",
        "ip6",
        "2001:db8::1/64",
        "ipv6.dns",
        "2001:db8::53",
        "ipv6.ip6-privacy",
        "2",
        "connection.autoconnect-priority",
        "5",
        "connection.autoconnect",
        "no",
        "ip-tunnel.ttl",
        "64",
        "ip-tunnel.input-key",
        "1234",
        "ip-tunnel.output-key",
        "1234",
        "connection.uuid",
        "6f1b7d1e-0000-4000-8000-000000000001",
    ]);
    assert!(out.status.success(), "{}", show("nmcli --offline", &out));
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("extras.nmconnection");
    fs::write(&input, &out.stdout).unwrap();
    let inputs = [input.as_path()];
    let out = activate(&["-q", "--no-up"], &inputs);
    assert_status(&out, 0, "activate a keyfile with extras");
    let files = keyfiles();
    assert_eq!(files.len(), 1, "{files:?}");
    let want = converted(&inputs);
    let got = fs::read_to_string(&files[0]).unwrap();
    assert!(
        got == want,
        "NetworkManager saved a different profile:\n{}",
        similar::TextDiff::from_lines(&want, &got)
            .unified_diff()
            .header("grecfg convert --to nm", "NetworkManager")
    );
    let out = activate(&["--no-up"], &inputs);
    assert!(
        text(&out).1.contains("is up to date"),
        "{}",
        show("second run", &out)
    );
    assert_status(&grecfg(&["delete", "-q", "extras"]), 0, "delete");
    assert!(uuids().is_empty());
}

/// Whether this kernel can create a GRE device (it cannot without the
/// ip_gre module).
fn kernel_has_gre() -> Result<(), String> {
    let out = run(Command::new("ip").args([
        "link",
        "add",
        "name",
        "grecfgprobe",
        "type",
        "gre",
        "remote",
        "192.0.2.9",
    ]));
    if out.status.success() {
        run(Command::new("ip").args(["link", "del", "grecfgprobe"]));
        Ok(())
    } else {
        Err(text(&out).1)
    }
}

fn activation_on_this_kernel() {
    let input = fixture("seed000-gre_hk", "ifcfg-gre_hk");
    let out = activate(&["--timeout", "20"], &[input.as_path()]);
    let (o, e) = text(&out);
    match kernel_has_gre() {
        Err(why) => {
            eprintln!(
                "activation_on_this_kernel: no GRE in this kernel ({}), expecting failure",
                why.trim()
            );
            assert_status(&out, 4, "activate without GRE support");
            assert!(
                e.contains("Operation not supported")
                    && e.contains("gre_hk")
                    && e.contains("modprobe ip_gre"),
                "NetworkManager's reason must be printed:\n{}",
                show("activate", &out)
            );
            assert!(o.is_empty(), "{o}");
        }
        Ok(()) => {
            assert_status(&out, 0, "activate with GRE support");
            assert!(
                o.contains("gre_hk: activated: 10.10.10.1/30"),
                "{}",
                show("activate", &out)
            );
            let out = grecfg(&["deactivate", "gre_hk"]);
            assert_status(&out, 0, "deactivate");
        }
    }
    // The profile stays, saved.
    assert_eq!(uuids().len(), 1);
    assert_eq!(keyfiles().len(), 1);
    assert_status(&grecfg(&["delete", "-q", "gre_hk"]), 0, "delete");
}

fn deactivate_an_active_profile() {
    // veth needs no module on most kernels; a tunnel cannot come up here.
    nmcli_ok(&[
        "connection",
        "add",
        "type",
        "veth",
        "con-name",
        "vpair",
        "ifname",
        "vethgr0",
        "veth.peer",
        "vethgr1",
        "ipv4.method",
        "manual",
        "ipv4.addresses",
        "192.0.2.1/24",
        "ipv6.method",
        "disabled",
    ]);
    let up = nmcli(&["--wait", "20", "connection", "up", "vpair"]);
    if !up.status.success() {
        eprintln!(
            "deactivate_an_active_profile: skipped: {}",
            show("nmcli connection up vpair", &up)
        );
    } else {
        let out = grecfg(&["deactivate", "vpair"]);
        assert_status(&out, 0, "deactivate");
        assert!(
            text(&out).1.contains("deactivated vpair"),
            "{}",
            show("deactivate", &out)
        );
        assert_eq!(
            nmcli_ok(&["-g", "GENERAL.STATE", "connection", "show", "vpair"]),
            ""
        );
    }
    let out = grecfg(&["deactivate", "vpair"]);
    assert_status(&out, 0, "deactivate an inactive profile");
    assert!(
        text(&out).1.contains("is not active"),
        "{}",
        show("deactivate", &out)
    );
    assert_status(
        &grecfg(&["deactivate", "no-such-profile"]),
        2,
        "deactivate unknown",
    );
    assert_status(&grecfg(&["delete", "-q", "vpair"]), 0, "delete vpair");
    assert!(uuids().is_empty());
}

/// The client's wait for an activation, on veth profiles (the kernel has
/// veth; it has no tunnel modules here): activated with the device and its
/// address; failed with NetworkManager's reason (DHCP without carrier,
/// may-fail=no); still activating when the time is up.
fn activation_outcomes() {
    use grecfg::nm::dbus::{Nm, Outcome};
    use std::time::Duration;

    let add = |name: &str, ifname: &str, peer: &str, ip: &[&str]| {
        let mut args = vec![
            "connection",
            "add",
            "type",
            "veth",
            "con-name",
            name,
            "ifname",
            ifname,
            "veth.peer",
            peer,
            "ipv6.method",
            "disabled",
        ];
        args.extend_from_slice(ip);
        nmcli_ok(&args);
        nmcli_ok(&["-g", "connection.uuid", "connection", "show", name])
    };
    let nm = Nm::connect().expect("the sandbox's NetworkManager");
    let path = |uuid: &str| nm.by_uuid(uuid).unwrap().expect("the profile");

    let ok = add(
        "v-ok",
        "vethgr2",
        "vethgr3",
        &["ipv4.method", "manual", "ipv4.addresses", "192.0.2.9/24"],
    );
    match nm.activate(&path(&ok), Duration::from_secs(20)).unwrap() {
        (Outcome::Activated, Some(info)) => {
            assert_eq!(info.interface, "vethgr2");
            assert!(info.addresses.contains(&"192.0.2.9/24".to_string()), "{info:?}");
        }
        other => panic!("expected activation: {other:?}"),
    }

    let dhcp = add(
        "v-dhcp",
        "vethgr4",
        "vethgr5",
        &[
            "ipv4.method",
            "auto",
            "ipv4.may-fail",
            "no",
            "ipv4.dhcp-timeout",
            "2",
        ],
    );
    let started = std::time::Instant::now();
    let dhcp_outcome = nm.activate(&path(&dhcp), Duration::from_secs(30)).unwrap();
    eprintln!("activation_outcomes: dhcp failed in {:?}", started.elapsed());
    match dhcp_outcome {
        // Without carrier (nothing brings the peer up) NetworkManager gives
        // up on DHCP and ends the activation: its reason, in words.
        (Outcome::Failed(reason), None) => assert!(
            reason.starts_with("the device it was using was disconnected"),
            "{reason}"
        ),
        other => panic!("expected a failure: {other:?}"),
    }

    // A fresh device waits some seconds for carrier: longer than 1 s.
    let slow = add(
        "v-slow",
        "vethgr6",
        "vethgr7",
        &["ipv4.method", "auto", "ipv4.may-fail", "no"],
    );
    match nm.activate(&path(&slow), Duration::from_secs(1)).unwrap() {
        (Outcome::TimedOut(state), None) => {
            assert!(state.starts_with("still activating after 1 s"), "{state}")
        }
        other => panic!("expected a timeout: {other:?}"),
    }

    // All three at once (fresh devices again), with one time limit longer
    // than the failure takes: the two that end, end; the third is still
    // activating. They are given in an order they do not end in, and each
    // is told in its own place.
    let paths = [
        path(&add(
            "v-slow2",
            "vethgr12",
            "vethgr13",
            &[
                "ipv4.method",
                "manual",
                "ipv4.addresses",
                "192.0.2.29/24",
                // Activated only 60 s after it is up.
                "connection.wait-activation-delay",
                "60000",
            ],
        )),
        path(&add(
            "v-ok2",
            "vethgr8",
            "vethgr9",
            &["ipv4.method", "manual", "ipv4.addresses", "192.0.2.19/24"],
        )),
        path(&add(
            "v-dhcp2",
            "vethgr10",
            "vethgr11",
            &[
                "ipv4.method",
                "auto",
                "ipv4.may-fail",
                "no",
                "ipv4.dhcp-timeout",
                "2",
            ],
        )),
    ];
    let started = std::time::Instant::now();
    let mut told = Vec::new();
    nm.activate_all(&paths, Duration::from_secs(10), |i, outcome| {
        told.push((i, outcome))
    });
    eprintln!("activation_outcomes: three at once in {:?}", started.elapsed());
    assert_eq!(told.iter().map(|t| t.0).collect::<Vec<_>>(), [0, 1, 2]);
    match &told[0].1 {
        Ok((Outcome::TimedOut(state), None)) => {
            assert!(state.starts_with("still activating after 10 s"), "{state}")
        }
        other => panic!("expected a timeout: {other:?}"),
    }
    match &told[1].1 {
        Ok((Outcome::Activated, Some(info))) => {
            assert_eq!(info.interface, "vethgr8");
            assert!(info.addresses.contains(&"192.0.2.19/24".to_string()), "{info:?}");
        }
        other => panic!("expected activation: {other:?}"),
    }
    match &told[2].1 {
        Ok((Outcome::Failed(reason), None)) => assert!(
            reason.starts_with("the device it was using was disconnected"),
            "{reason}"
        ),
        other => panic!("expected a failure: {other:?}"),
    }
    // Together, not one after the other (6 s for the failure, then 10 s).
    assert!(
        started.elapsed() < Duration::from_secs(14),
        "{:?}",
        started.elapsed()
    );
    for name in ["v-ok", "v-dhcp", "v-slow", "v-ok2", "v-dhcp2", "v-slow2"] {
        assert_status(&grecfg(&["delete", "-q", name]), 0, "delete");
    }
    assert!(uuids().is_empty());
}

/// A GRE tunnel as an ifcfg file in `dir`: outer 192.0.2.N -> 198.51.100.N
/// (N = i + 1), inner 203.0.113.2i/31, key 1000 + i.
fn gre_ifcfg(dir: &Path, name: &str, i: usize, extra: &str) -> PathBuf {
    let path = dir.join(format!("ifcfg-{name}"));
    fs::write(
        &path,
        format!(
            "DEVICE={name}\nTYPE=GRE\nONBOOT=yes\nMY_OUTER_IPADDR=192.0.2.{}\nPEER_OUTER_IPADDR=198.51.100.{}\n\
             MY_INNER_IPADDR=203.0.113.{}/31\nKEY={}\n{extra}",
            i + 1,
            i + 1,
            2 * i,
            1000 + i
        ),
    )
    .unwrap();
    path
}

/// The keyfiles NetworkManager wrote, by file name.
fn keyfile_texts() -> Vec<(String, String)> {
    keyfiles()
        .iter()
        .map(|f| {
            (
                f.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read_to_string(f).unwrap(),
            )
        })
        .collect()
}

fn delete_all() {
    for u in uuids() {
        nmcli_ok(&["connection", "delete", "uuid", &u]);
    }
    assert!(uuids().is_empty());
}

/// What `before` and then `activate --no-up` of `inputs` leave, in one
/// invocation or in one invocation per input: its report lines and the
/// keyfiles NetworkManager wrote.
fn outcome(
    before: &dyn Fn(),
    inputs: &[&Path],
    one_invocation: bool,
) -> (Vec<String>, Vec<(String, String)>) {
    before();
    let mut lines = Vec::new();
    let runs: Vec<Vec<&Path>> = if one_invocation {
        vec![inputs.to_vec()]
    } else {
        inputs.iter().map(|i| vec![*i]).collect()
    };
    for run in runs {
        let out = activate(&["--no-up"], &run);
        assert_status(&out, 0, &format!("activate --no-up {run:?}"));
        lines.extend(text(&out).1.lines().map(str::to_owned));
    }
    let files = keyfile_texts();
    delete_all();
    (lines, files)
}

/// Two inputs of one invocation that concern the same profile: the second
/// sees what the first did, exactly as when each has an invocation of its
/// own. Planned against the reading taken before the first was sent, the
/// second would add a profile whose UUID is taken (refused), or report the
/// changes against settings that are no longer there.
fn one_run_sees_its_own_changes() {
    let dir = tempfile::tempdir().unwrap();
    const U: &str = "0e7d6f43-5b2a-4c1e-9f3d-8a6b5c4d3e21";
    const OLD: &str = "3c2b1a09-8f7e-4d6c-9b5a-493827160504";
    // The same UUID under two interface names: the second renames the
    // profile the first added.
    let a = gre_ifcfg(dir.path(), "gta", 0, &format!("UUID={U}\n"));
    let b = gre_ifcfg(dir.path(), "gtb", 1, &format!("UUID={U}\n"));
    let nothing = || {};
    let together = outcome(&nothing, &[&a, &b], true);
    let apart = outcome(&nothing, &[&a, &b], false);
    assert_eq!(together, apart, "one invocation differs from one per input");
    let (lines, files) = together;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].contains(&format!("added profile gta ({U})")),
        "{lines:?}"
    );
    assert!(
        lines[1].contains(&format!("updated profile gta ({U}): "))
            && lines[1].contains("connection.interface-name")
            && lines[1].contains("ip-tunnel.remote"),
        "{lines:?}"
    );
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].1.contains("interface-name=gtb\n") && files[0].1.contains("remote=198.51.100.2\n"),
        "{files:?}"
    );

    // A profile made by hand on gtc: the first input finds it by
    // interface name and takes it over (it keeps its UUID); the second
    // names that UUID and moves it to gtd.
    let c = gre_ifcfg(dir.path(), "gtc", 2, "");
    let d = gre_ifcfg(dir.path(), "gtd", 3, &format!("UUID={OLD}\n"));
    let by_hand = || {
        nmcli_ok(&[
            "connection",
            "add",
            "type",
            "ip-tunnel",
            "con-name",
            "by-hand",
            "ifname",
            "gtc",
            "mode",
            "gre",
            "remote",
            "198.51.100.99",
            "connection.uuid",
            OLD,
            "ipv4.method",
            "disabled",
            "ipv6.method",
            "disabled",
        ]);
    };
    let together = outcome(&by_hand, &[&c, &d], true);
    let apart = outcome(&by_hand, &[&c, &d], false);
    assert_eq!(together, apart, "one invocation differs from one per input");
    let (lines, files) = together;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].contains(&format!("updated profile by-hand ({OLD})")),
        "{lines:?}"
    );
    assert!(
        lines[1].contains(&format!("updated profile gtc ({OLD})")),
        "{lines:?}"
    );
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].1.contains("interface-name=gtd\n"), "{files:?}");

    // The other way round: the first moves the profile away from gtc, so
    // the second finds nothing on gtc and adds a profile of its own.
    let together = outcome(&by_hand, &[&d, &c], true);
    let apart = outcome(&by_hand, &[&d, &c], false);
    assert_eq!(together, apart, "one invocation differs from one per input");
    let (lines, files) = together;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].contains(&format!("updated profile by-hand ({OLD})")),
        "{lines:?}"
    );
    assert!(lines[1].contains("added profile gtc ("), "{lines:?}");
    assert_eq!(files.len(), 2, "{files:?}");

    // Two inputs for one interface are refused before anything is sent.
    let other = tempfile::tempdir().unwrap();
    let a2 = gre_ifcfg(other.path(), "gta", 5, "");
    let out = activate(&["--no-up"], &[&a, &a2]);
    assert_status(&out, 2, "two inputs for one interface");
    assert!(
        text(&out)
            .1
            .contains("two inputs would both be written to gta.nmconnection"),
        "{}",
        show("two inputs for one interface", &out)
    );
    assert!(uuids().is_empty(), "a refused invocation added {:?}", uuids());
}

/// 50 inputs in one invocation: 50 profiles with their own settings, one
/// line each; again with three of them changed: three updates, the rest
/// left alone.
fn many_inputs_in_one_run() {
    const N: usize = 50;
    let dir = tempfile::tempdir().unwrap();
    let inputs: Vec<PathBuf> = (0..N)
        .map(|i| gre_ifcfg(dir.path(), &format!("gm{i}"), i, ""))
        .collect();
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let out = activate(&["--no-up"], &refs);
    assert_status(&out, 0, "activate --no-up of 50");
    let (o, e) = text(&out);
    assert!(o.is_empty(), "{o}");
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), N, "one line per profile:\n{e}");
    for (i, l) in lines.iter().enumerate() {
        assert!(l.starts_with(&format!("grecfg: added profile gm{i} (")), "{l}");
    }
    let first = uuids();
    assert_eq!(first.len(), N, "{first:?}");
    let names = nmcli_ok(&["-g", "NAME", "connection", "show"]);
    let mut names: Vec<&str> = names.lines().collect();
    names.sort();
    let mut want: Vec<String> = (0..N).map(|i| format!("gm{i}")).collect();
    want.sort();
    assert_eq!(names, want);
    let settings = |i: usize| {
        nmcli_ok(&[
            "-g",
            "connection.interface-name,ip-tunnel.mode,ip-tunnel.local,ip-tunnel.remote,ip-tunnel.input-key,ip-tunnel.output-key,ipv4.addresses",
            "connection",
            "show",
            &format!("gm{i}"),
        ])
    };
    for i in [0, 1, 17, 33, 48, 49] {
        assert_eq!(
            settings(i),
            format!(
                "gm{i}\ngre\n192.0.2.{}\n198.51.100.{}\n{}\n{}\n203.0.113.{}/31",
                i + 1,
                i + 1,
                1000 + i,
                1000 + i,
                2 * i
            )
        );
    }
    for i in [0, 25, 49] {
        let file = Path::new(CONN_DIR).join(format!("gm{i}.nmconnection"));
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            converted(&[refs[i]]),
            "{}",
            file.display()
        );
    }

    // Three changed, the rest as they are.
    let changed = [5, 20, 40];
    for i in changed {
        gre_ifcfg(dir.path(), &format!("gm{i}"), i, "TTL=64\n");
    }
    let out = activate(&["--no-up"], &refs);
    assert_status(&out, 0, "activate --no-up of 50, three changed");
    let (_, e) = text(&out);
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), N, "one line per profile:\n{e}");
    for (i, l) in lines.iter().enumerate() {
        let want = if changed.contains(&i) {
            format!("grecfg: updated profile gm{i} (")
        } else {
            format!("grecfg: profile gm{i} (")
        };
        assert!(l.starts_with(&want), "{l}");
        assert_eq!(l.ends_with("is up to date"), !changed.contains(&i), "{l}");
    }
    assert_eq!(uuids(), first, "updates must keep the profiles");
    for i in [4, 5, 20, 40, 41] {
        let ttl = nmcli_ok(&["-g", "ip-tunnel.ttl", "connection", "show", &format!("gm{i}")]);
        assert_eq!(ttl, if changed.contains(&i) { "64" } else { "0" }, "gm{i}");
    }

    // delete takes them all in one invocation too.
    let names: Vec<String> = (0..N).map(|i| format!("gm{i}")).collect();
    let mut cmd = Command::new(GRECFG);
    cmd.args(["delete", "-q"]).args(&names);
    assert_status(&run(&mut cmd), 0, "delete of 50");
    assert!(uuids().is_empty() && keyfiles().is_empty());
}

/// Several tunnels brought up by one invocation: each gets its own report,
/// in the order of the inputs.
fn many_brought_up_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let inputs: Vec<PathBuf> = (0..3)
        .map(|i| gre_ifcfg(dir.path(), &format!("gu{i}"), i, ""))
        .collect();
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let out = activate(&["--timeout", "20"], &refs);
    let (o, e) = text(&out);
    assert!(
        e.contains("activating 3 profiles ..."),
        "{}",
        show("activate", &out)
    );
    match kernel_has_gre() {
        Err(_) => {
            assert_status(&out, 4, "activate three without GRE support");
            let errors: Vec<&str> = e.lines().filter(|l| l.contains("error:")).collect();
            assert_eq!(errors.len(), 3, "{}", show("activate", &out));
            for (i, l) in errors.iter().enumerate() {
                assert!(
                    l.contains(&format!("Failed to create GRE interface 'gu{i}'"))
                        && l.contains("Operation not supported"),
                    "{}",
                    show("activate", &out)
                );
            }
            // The hint comes once, after the first.
            assert_eq!(e.matches("modprobe ip_gre").count(), 1, "{e}");
            let first = e.find("Failed to create GRE interface 'gu0'").unwrap();
            let second = e.find("Failed to create GRE interface 'gu1'").unwrap();
            let hint = e.find("modprobe ip_gre").unwrap();
            assert!(first < hint && hint < second, "{e}");
            assert!(o.is_empty(), "{o}");
        }
        Ok(()) => {
            assert_status(&out, 0, "activate three with GRE support");
            let lines: Vec<&str> = o.lines().collect();
            assert_eq!(
                lines,
                [
                    "gu0: activated: 203.0.113.0/31",
                    "gu1: activated: 203.0.113.2/31",
                    "gu2: activated: 203.0.113.4/31"
                ],
                "{}",
                show("activate", &out)
            );
        }
    }
    assert_eq!(uuids().len(), 3);
    delete_all();
}
