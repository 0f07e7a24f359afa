//! `--to nmcli` against the real nmcli: for every fixture whose conversion
//! writes a NetworkManager keyfile (`fixtures/CASE/expected/*.nmconnection`),
//! the command `grecfg convert --to nmcli` prints is run by `sh` with `nmcli`
//! standing for `nmcli --offline`, which prints the keyfile NetworkManager
//! would write for it. That must be the expected keyfile byte for byte. Only
//! grecfg's output is run, never a fixture's input.
//!
//! The same command read back with `--from nmcli --to nm` must give the
//! expected keyfile too (no nmcli needed for that).
//!
//! Without nmcli the first check prints "skipped: WHY" and passes, unless
//! `CI=true`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;
use common::{diff, fixtures, is_primary_input};

struct Case {
    name: String,
    dir: PathBuf,
    inputs: Vec<String>,
    expected: PathBuf,
}

fn cases() -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(fixtures())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(rd) = fs::read_dir(dir.join("expected")) else {
            continue;
        };
        let keyfiles: Vec<PathBuf> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(".nmconnection"))
            .collect();
        if keyfiles.len() != 1 {
            continue;
        }
        let mut inputs: Vec<String> = fs::read_dir(dir.join("input"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| is_primary_input(n))
            .map(|n| format!("input/{n}"))
            .collect();
        inputs.sort();
        out.push(Case {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            expected: keyfiles.into_iter().next().unwrap(),
            inputs,
            dir,
        });
    }
    assert!(
        out.len() >= 10,
        "expected the keyfile fixtures, found {}",
        out.len()
    );
    out
}

/// `grecfg convert INPUTS ARGS` in the case directory: stdout, or why not.
fn grecfg(case: &Case, args: &[&str], stdin: Option<&str>) -> Result<String, String> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_grecfg"));
    cmd.current_dir(&case.dir).arg("convert").args(args).arg("-q");
    if stdin.is_some() {
        cmd.arg("-");
    } else {
        cmd.args(&case.inputs);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run grecfg: {e}"))?;
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(pipe);
    let out = child.wait_with_output().unwrap();
    if !out.status.success() {
        return Err(format!(
            "grecfg convert {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8(out.stdout).unwrap())
}

fn nmcli_available() -> Result<(), String> {
    match Command::new("nmcli").arg("--version").output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!("nmcli --version failed ({})", o.status)),
        Err(e) => Err(format!("nmcli not found: {e}")),
    }
}

/// `nmcli --offline ARGS`, as it ran.
fn nmcli_offline(args: &[&str]) -> std::process::Output {
    Command::new("nmcli")
        .arg("--offline")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run nmcli")
}

/// grecfg converting the command `nmcli ARGS` (written in `dir`, each
/// argument shell-quoted) to a keyfile, as it ran.
fn grecfg_on_command(dir: &Path, args: &[&str]) -> std::process::Output {
    let quoted: Vec<String> = args
        .iter()
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect();
    let file = dir.join("cmd.nmcli");
    fs::write(&file, format!("nmcli {}\n", quoted.join(" "))).unwrap();
    Command::new(env!("CARGO_BIN_EXE_grecfg"))
        .args(["convert", "--from", "nmcli", "--to", "nm", file.to_str().unwrap()])
        .stdin(Stdio::null())
        .output()
        .expect("run grecfg")
}

#[test]
fn nmcli_command_creates_the_expected_keyfile() {
    if let Err(why) = nmcli_available() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("nmcli is required in CI to check --to nmcli against NetworkManager: {why}");
        }
        let _ = writeln!(
            std::io::stderr(),
            "skipped: {why}; the --to nmcli commands are not run through nmcli --offline"
        );
        return;
    }
    let mut failures = Vec::new();
    let cases = cases();
    for case in &cases {
        let script = match grecfg(case, &["--to", "nmcli"], None) {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("{}: {e}", case.name));
                continue;
            }
        };
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("command.sh");
        fs::write(&file, &script).unwrap();
        // `nmcli` in grecfg's output is the function, which runs the real
        // nmcli offline: it prints the keyfile and touches nothing.
        let out = Command::new("sh")
            .arg("-c")
            .arg(r#"nmcli() { command nmcli --offline "$@"; }; . "$1""#)
            .arg("sh")
            .arg(&file)
            .stdin(Stdio::null())
            .output()
            .expect("sh runs");
        let expected = fs::read_to_string(&case.expected).unwrap();
        let got = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            failures.push(format!(
                "{}: nmcli --offline rejects\n{script}\n{}",
                case.name,
                String::from_utf8_lossy(&out.stderr)
            ));
        } else if got != expected {
            failures.push(format!(
                "{}: nmcli --offline writes another keyfile for\n{script}\n{}",
                case.name,
                diff("keyfile", &expected, &got)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn nmcli_command_reads_back_as_the_same_keyfile() {
    let mut failures = Vec::new();
    let cases = cases();
    for case in &cases {
        let result = grecfg(case, &["--to", "nmcli"], None)
            .and_then(|script| grecfg(case, &["--from", "nmcli", "--to", "nm"], Some(&script)));
        let expected = fs::read_to_string(&case.expected).unwrap();
        match result {
            Ok(got) if got == expected => {}
            Ok(got) => failures.push(format!("{}:\n{}", case.name, diff("keyfile", &expected, &got))),
            Err(e) => failures.push(format!("{}: {e}", case.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Standard input whose first command is nmcli is read as nmcli, prompt,
/// comments and continuation lines included; nothing of it is executed.
#[test]
fn nmcli_input_is_detected_by_content() {
    let text = "# pasted from a terminal\n\
                [root@gw ~]# nmcli con add type ip-tunnel ifname gre9 \\\n  \
                mode gre remote 198.51.100.9 ip4 192.0.2.9/30 ipv6.method disabled\n\
                [root@gw ~]# ip route add 203.0.113.0/24 dev gre9\n";
    let mut child = Command::new(env!("CARGO_BIN_EXE_grecfg"))
        .args(["convert", "--to", "nm", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("id=ip-tunnel-gre9\n"), "{stdout}");
    assert!(stdout.contains("address1=192.0.2.9/30\n"), "{stdout}");
    assert!(stdout.contains("route1=203.0.113.0/24\n"), "{stdout}");
}

/// The reader against nmcli's own rules: for each argument list, grecfg
/// reading `nmcli connection add type ip-tunnel ARGS` must write the keyfile
/// `nmcli --offline connection add type ip-tunnel ARGS` prints. (Every case
/// gives both methods: grecfg writes no `auto` method for a tunnel.)
#[test]
fn reader_agrees_with_nmcli_offline() {
    if let Err(why) = nmcli_available() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("nmcli is required in CI to check the nmcli reader: {why}");
        }
        let _ = writeln!(
            std::io::stderr(),
            "skipped: {why}; the nmcli reader is not checked against nmcli"
        );
        return;
    }
    let uuid = "5b9f3c1e-0d2a-4e6b-8c7d-9a0b1c2d3e4f";
    let cases: &[&[&str]] = &[
        // Abbreviated names, aliases, ip4 twice (it appends), no con-name.
        &[
            "ifname",
            "t1",
            "ip-tun.mo",
            "gre",
            "ip-tunnel.rem",
            "192.0.2.2",
            "local",
            "192.0.2.1",
            "ip-tunnel.input-key",
            "7",
            "ip-tunnel.output-key",
            "8",
            "ip4",
            "10.0.0.1/24",
            "ip4",
            "10.0.1.1",
            "ipv6.method",
            "disabled",
        ],
        // Lists: remove by index and by value, appending a duplicate,
        // resetting a single value with `-`.
        &[
            "con-name",
            "lists",
            "ifname",
            "t2",
            "mode",
            "gre",
            "remote",
            "192.0.2.2",
            "ipv4.method",
            "manual",
            "ipv4.addresses",
            "10.0.0.1/24, 10.0.2.1/24,10.0.3.1/24",
            "-ipv4.addresses",
            "0",
            "-ipv4.addresses",
            "10.0.3.1/24",
            "ipv4.routes",
            "10.1.0.0/16 7, 10.2.0.0/16 10.0.2.254 5 table=9 mtu=1400 onlink=true",
            "+ipv4.routes",
            "10.1.0.0/16 7",
            "+ipv4.routes",
            "10.3.0.0/16",
            "ip-tunnel.ttl",
            "64",
            "-ip-tunnel.ttl",
            "3",
            "ip-tunnel.tos",
            "4",
            "-ip-tunnel.tos",
            "",
            "ipv6.method",
            "disabled",
        ],
        // Booleans and numbers as nmcli spells them.
        &[
            "con-name",
            "Büro, \"Ost\" 'x'",
            "ifname",
            "t3",
            "mode",
            "ipip",
            "remote",
            "198.51.100.1",
            "autoconnect",
            "NO",
            "ip-tunnel.path-mtu-discovery",
            "off",
            "ip-tunnel.tos",
            "16",
            "ip-tunnel.mtu",
            "1400",
            "dev",
            "eth0",
            "connection.zone",
            "a zone",
            "ipv4.method",
            "disabled",
            "ipv6.method",
            "disabled",
        ],
        // IPv6 outer, flags by name, numeric mode.
        &[
            "ifname",
            "t4",
            "mode",
            "6",
            "remote",
            "2001:db8::2",
            "local",
            "2001:db8::1",
            "ip-tunnel.flags",
            "ip6-ign-encap-limit,ip6-use-orig-tclass",
            "ip-tunnel.encapsulation-limit",
            "0",
            "ip-tunnel.flow-label",
            "1234",
            "ipv4.method",
            "disabled",
            "ipv6.method",
            "manual",
            "ip6",
            "2001:db8:1::1/64",
            "ipv6.routes",
            "2001:db8:2::/48 2001:db8:1::2",
        ],
        // Properties kept as extras that translate into keyfile values.
        &[
            "ifname",
            "t5",
            "mode",
            "gre",
            "remote",
            "192.0.2.2",
            "ipv4.method",
            "manual",
            "ip4",
            "192.0.2.9/24",
            "gw4",
            "192.0.2.1",
            "ipv4.dns",
            "192.0.2.53, 192.0.2.54",
            "-ipv4.dns",
            "192.0.2.53",
            "ipv4.dns-search",
            "a.example; b.example",
            "ipv4.may-fail",
            "no",
            "proxy.method",
            "auto",
            "connection.autoconnect-priority",
            "5",
            "ipv6.method",
            "disabled",
            "ipv6.addr-gen-mode",
            "eui64",
        ],
        // ethtool: on, off, ignore (which unsets), numbers.
        &[
            "ifname",
            "t6",
            "mode",
            "gretap",
            "remote",
            "192.0.2.2",
            "ipv4.method",
            "disabled",
            "ipv6.method",
            "disabled",
            "ethtool.feature-tso",
            "on",
            "ethtool.feature-gro",
            "no",
            "ethtool.feature-lro",
            "on",
            "ethtool.feature-lro",
            "ignore",
            "ethtool.pause-rx",
            "1",
            "ethtool.ring-rx",
            "512",
            "ethtool.coalesce-rx-usecs",
            " 7 ",
        ],
    ];
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut failures = Vec::new();
    for args in cases {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["connection.uuid", uuid]);
        let out = Command::new("nmcli")
            .args(["--offline", "connection", "add", "type", "ip-tunnel"])
            .args(&all)
            .output()
            .expect("nmcli runs");
        if !out.status.success() {
            failures.push(format!(
                "nmcli rejects {all:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        let theirs = String::from_utf8(out.stdout).unwrap();
        let line = format!(
            "nmcli connection add type ip-tunnel {}\n",
            all.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" ")
        );
        let mut child = Command::new(env!("CARGO_BIN_EXE_grecfg"))
            .args(["convert", "-q", "--from", "nmcli", "--to", "nm", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(line.as_bytes()).unwrap();
        let ours = child.wait_with_output().unwrap();
        let ours_text = String::from_utf8_lossy(&ours.stdout);
        if !ours.status.success() || ours_text != theirs {
            failures.push(format!(
                "{line}{}{}",
                String::from_utf8_lossy(&ours.stderr),
                diff("keyfile", &theirs, &ours_text)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Values checked as nmcli checks them, against the real nmcli: for each
/// property and value, `nmcli --offline connection add` either fails to
/// set the property (`Error: failed to modify PROP: WHY.`), and grecfg
/// reading the same command gives that error in nmcli's words, or it does
/// not, and grecfg reports no error about the property. The commands are
/// this test's own constants, run without a shell.
#[test]
fn values_are_checked_as_nmcli_checks_them() {
    if let Err(why) = nmcli_available() {
        assert!(!common::ci(), "nmcli is needed in CI: {why}");
        common::skip("values_are_checked_as_nmcli_checks_them", &why);
        return;
    }
    let values: &[(&str, &[&str])] = &[
        (
            "ipv4.method",
            &[
                "auto",
                "manual",
                "man",
                "static",
                "disabled",
                "link-local",
                "shared",
                "sideways",
                "m",
            ],
        ),
        ("ipv6.method", &["ignore", "dhcp", "auto", "i", "sideways"]),
        (
            "connection.autoconnect",
            &["yes", "no", "true", "off", "on", "1", "0", "maybe", "o", "YES"],
        ),
        (
            "connection.autoconnect-priority",
            &["999", "-999", "1000", "-1000", "x"],
        ),
        ("connection.metered", &["yes", "no", "unknown", "maybe"]),
        ("ip-tunnel.ttl", &["0", "255", "256", "-1", "ttl"]),
        ("ip-tunnel.tos", &["0", "255", "256"]),
        (
            "ip-tunnel.mtu",
            &["1400", "0", "4294967295", "4294967296", "-1", "big"],
        ),
        ("ip-tunnel.mode", &["gre", "GRE", "2", "12", "eoip"]),
        (
            "ipv4.route-metric",
            &["-1", "0", "4294967295", "4294967296", "-2"],
        ),
        ("ipv4.never-default", &["yes", "no", "perhaps"]),
        ("ipv6.addr-gen-mode", &["eui64", "stable-privacy", "sideways"]),
        (
            "connection.slave-type",
            &["bond", "BRIDGE", "ovs-p", "ovs", "vrf", "t", "hub", ""],
        ),
        ("802-3-ethernet.duplex", &["half", "FULL", "f", "both"]),
        ("802-3-ethernet.s390-nettype", &["qeth", "l", "x"]),
        (
            "ipv4.routes",
            &[
                "198.51.100.0/24 cwnd=5",
                "198.51.100.0/24 cwnd=+05",
                "198.51.100.0/24 cwnd=0x10",
                "198.51.100.0/24 cwnd=4294967296",
                "198.51.100.0/24 foo=bar",
                "198.51.100.0/24 onlink=yes",
                "198.51.100.0/24 onlink=y",
                "198.51.100.0/24 lock-mtu=0 mtu=1400",
                "198.51.100.0/24 src=192.0.2.5",
                "198.51.100.0/24 src=2001:db8::5",
                "198.51.100.0/24 from=2001:db8::/64",
                "198.51.100.0/24 tos=256",
                "198.51.100.0/24 scope=253",
                "198.51.100.0/24 type=blackhole",
                "198.51.100.0/24 type=multicast",
                "198.51.100.0/24 weight=256",
                "198.51.100.0/24 weight=257",
                "198.51.100.0/24 rto_min=5",
                "198.51.100.0/24 cwnd=",
                "198.51.100.0/24 =5",
                "198.51.100.0/24\tcwnd=5",
                "198.51.100.0/24\u{a0}cwnd=5",
            ],
        ),
        // Free text nmcli checks as it sets it, or NetworkManager as the
        // profile is written.
        (
            "connection.permissions",
            &[
                "user:root",
                "root",
                "alice bob,user:carol",
                "user:",
                "a:b",
                "user:root,user:",
            ],
        ),
        (
            "ipv4.dhcp-iaid",
            &[
                "mac",
                "ifname",
                "0x1f",
                "017",
                "ffffffff",
                "1:2:3:4",
                "x",
                "08",
                "4294967296",
                "1:2:3",
                "",
            ],
        ),
        ("ipv6.dhcp-iaid", &["stable", "perm-mac", "MAC"]),
        (
            "ipv6.dhcp-duid",
            &[
                "ll",
                "stable-uuid",
                "00:01:02",
                "0:1:2",
                "000102",
                "00:01",
                "001",
                "0:1:",
                "x",
            ],
        ),
        ("ipv4.dhcp-fqdn", &["host.example", "host", ""]),
        (
            "ip-tunnel.flags",
            &["0", "none", "foo", "0X1", "0x", "1|2", "none,0", ""],
        ),
        (
            "connection.mptcp-flags",
            &[
                "default",
                "none",
                "disabled",
                "enabled",
                "signal,subflow",
                "signal fullmesh",
                "disabled,signal",
                "0x100",
                "256",
                "3",
                "1",
                "0xff",
                "0x7e",
                "foo",
                "default,signal",
                "0x10 subflow,,2",
                "also-without-sysctl",
                "",
            ],
        ),
        (
            "ipv4.routing-rules",
            &[
                "priority 5 from 192.0.2.0/24 table 100",
                "priority 5 to 198.51.100.7 lookup main",
                "pref 10 blackhole",
                "priority 10 type unreachable from all",
                "priority 1 fwmark 0x10/0xff table 7 not",
                "priority 1 sport 1000-2000 dport 53 table 7",
                "priority 1 uidrange 1000-2000 table 7 iif gre1 oif eth0",
                "priority 1 table 7 suppress_prefixlength 0",
                "priority 1 unicast",
                "priority 1 7",
                "priority 1 from 0.0.0.0/0 table 7",
                "priority 1 table 7, priority 2 prohibit",
                " priority 1\\ table 7 ",
                "from 192.0.2.0/24 table 100",
                "priority 5 from 192.0.2.0/24",
                "priority 5 table 0",
                "priority 5 throw",
                "priority 5 from 2001:db8::/32 table 7",
                "priority 5 to 192.0.2.0/33 table 7",
                "priority 5 from 192.0.2.1/0 table 7",
                "priority 5 table 7 frob",
                "priority 5 table",
                "priority 5 priority 6 table 7",
                "priority 5 table 7 blackhole prohibit",
                "priority x table 7",
                "priority 1 table 7 tos 100",
                "priority 1 table 7 tos 0x1f",
                "priority 1 table 7 uidrange 5-4",
                "priority 1 table 7 iif a/b",
                "priority 1 table 7 sport 0-5",
                "priority 1 table 7 dport 6-5",
                "priority 1 table 7 dport 65535",
                "priority 1 table 7 sup_pl 33",
                "priority 1 blackhole sup_pl 3",
                "priority 1 table 7,priority 2",
                "priority 4294967296 table 7",
                "priority 1 table 7 ipproto tcp",
            ],
        ),
        (
            "802-3-ethernet.mac-address",
            &[
                "02:00:00:00:00:01",
                "02-00-00-00-00-01",
                "0200.0000.0001",
                "zz",
                "02:00:00:00:00",
                "",
            ],
        ),
        (
            "802-3-ethernet.cloned-mac-address",
            &[
                "02:00:00:00:00:01",
                "preserve",
                "permanent",
                "random",
                "stable",
                "bogus",
            ],
        ),
        (
            "802-3-ethernet.wake-on-lan",
            &[
                "magic",
                "phy,unicast",
                "default",
                "ignore",
                "0x40",
                "bogus",
                "magic default",
            ],
        ),
        (
            "802-3-ethernet.wake-on-lan-password",
            &["02:00:00:00:00:01", "zz"],
        ),
        (
            "802-3-ethernet.mac-address",
            &["2:0:0:0:0:1", "02:00-00:00:00:01", "02:00:00:00:00:01:"],
        ),
        (
            "802-3-ethernet.mac-address-blacklist",
            &["02:00:00:00:00:01", "02:00:00:00:00:01,02:00:00:00:00:02", "zz"],
        ),
        (
            "802-3-ethernet.s390-subchannels",
            &["0.0.0600,0.0.0601", "0.0.0600 0.0.0601 0.0.0602", "x", "a,b,c,d"],
        ),
        (
            "802-3-ethernet.s390-options",
            &["layer2=1", "a=b", "portno=0 layer2=1"],
        ),
        (
            "802-3-ethernet.accept-all-mac-addresses",
            &["yes", "unknown", "x"],
        ),
        (
            "ipv4.dhcp-reject-servers",
            &[
                "192.0.2.1",
                "192.0.2.0/24",
                "1.2.3",
                "192.0.2.0/33",
                "2001:db8::1",
            ],
        ),
        ("hostname.from-dhcp", &["yes", "unknown", "x"]),
        (
            "ethtool.feature-tso",
            &["on", "off", "ignore", "ign", "yes", "1", "-1", "x", "default"],
        ),
        ("ethtool.pause-rx", &["on", "ignore", "x"]),
        ("ethtool.feature-rx-udp_tunnel-port-offload", &["off"]),
        (
            "ethtool.ring-rx",
            &["5", "0x5", " 7 ", "x", "-1", "4294967295", "4294967296"],
        ),
        ("ethtool.coalesce-rx-usecs", &["5", "x"]),
        ("ethtool.channels-rx", &["3"]),
        ("connection.interface-name", &["t1", "a/b", "0123456789abcdef"]),
        (
            "tc.qdiscs",
            &[
                "root pfifo limit 5",
                "root fq_codel limit 5 ecn",
                "parent 1: handle 2: sfq perturb -3",
                "root tbf rate 18446744073709551615 burst 5",
                "root tbf rate 18446744073709551616",
                "root tbf rate -1",
                "ingress",
                "handle ffff: ingress",
                "clsact",
                "root fq_codel foo 5",
                "handle 1:1 root sfq",
                "parent 0x1: sfq",
                "parent 10000: sfq",
                "parent 0: sfq",
                "parent  1 : sfq",
                "parent 1 2 sfq",
                "parent :1 sfq",
                "parent 1:10000 sfq",
                "sfq",
                "root",
                "root parent 1: sfq",
                "root sfq limit",
                "root sfq limit x",
                "root sfq\\",
                "root sfq\\ x",
                "root fq_codel ecn ecn",
                "root fq_codel limit 1 limit 2",
                "root sfq, ingress",
                "root sfq, sfq",
                "root\tsfq",
                " , root sfq ,",
            ],
        ),
        (
            "tc.tfilters",
            &[
                "parent ffff: matchall action simple sdata Hello",
                "root u32 action mirred egress redirect dev eth0",
                "parent 1: u32",
                "root u32 foo",
                "root u32 action drop x",
                "root u32 action mirred dev",
                "root u32 action mirred egress egress",
                "root u32 action simple sdata",
                "root u32 action gact",
                "root u32 action",
                "root u32 action  ",
                "root u32 x action drop",
                "handle 1: root u32",
                "handle 1:2 root u32",
                "u32",
            ],
        ),
        (
            "ipv6.routing-rules",
            &[
                "priority 1 from 2001:db8::/32 table 7",
                "priority 1 from 192.0.2.0/24 table 7",
                "priority 1 table 7 sup_pl 128",
                "priority 1 table 7 sup_pl 129",
            ],
        ),
        (
            "ipv6.routes",
            &[
                "2001:db8:1::/64 from=2001:db8:2::/64",
                "2001:db8:1::/64 from=192.0.2.0/24",
                "2001:db8:1::/64 tos=5",
                "2001:db8:1::/64 src=2001:db8::5",
                "2001:db8:1::/64 weight=5",
            ],
        ),
    ];
    let dir = common::tempdir();
    let mut failures = Vec::new();
    for (prop, vals) in values {
        for v in *vals {
            let mut args = vec!["connection", "add", "type", "ip-tunnel", "ifname", "t1"];
            if *prop != "ip-tunnel.mode" {
                // gretap: the mode that takes an Ethernet setting.
                let mode = if prop.starts_with("802-3") {
                    "gretap"
                } else {
                    "gre"
                };
                args.extend(["ip-tunnel.mode", mode]);
            }
            args.extend(["ip-tunnel.remote", "198.51.100.1", prop, v]);
            let nm = nmcli_offline(&args);
            let nm_err = String::from_utf8_lossy(&nm.stderr);
            // Refused when setting the property, or when the profile is
            // checked (`Error writing connection: PROP: ...`).
            // nmcli 1.42 crashes on some values (`tc.tfilters 'root u32
            // action'`): it writes nothing, which grecfg must refuse too.
            let refused = nm_err
                .lines()
                .find_map(|l| l.strip_prefix("Error: "))
                .filter(|l| l.contains(prop))
                .map(|l| l.trim_end_matches('.').to_string())
                .or_else(|| {
                    nm.status
                        .code()
                        .is_none()
                        .then(|| format!("nmcli crashed: {}", nm.status))
                });
            let o = grecfg_on_command(dir.path(), &args);
            let ours = String::from_utf8_lossy(&o.stderr);
            let ours_refused = ours
                .lines()
                .find_map(|l| l.split_once(": error: ").map(|(_, m)| m))
                // The model's check of interface names names no property.
                .filter(|m| {
                    m.contains(prop) || (*prop == "connection.interface-name" && m.contains("interface name"))
                })
                .map(str::to_string);
            // nmcli's words are grecfg's when the value is refused as set.
            let same = match (&refused, &ours_refused) {
                (Some(n), Some(o)) if n.starts_with("failed to modify") => n == o,
                (n, o) => n.is_some() == o.is_some(),
            };
            if !same {
                failures.push(format!("{prop} {v}: nmcli {refused:?}, grecfg {ours_refused:?}"));
            }
            // A route taken by both is kept alike, its attributes in
            // NetworkManager's spelling.
            if prop.ends_with(".routes") && refused.is_none() && ours_refused.is_none() {
                let routes = |out: &[u8]| -> Vec<String> {
                    String::from_utf8_lossy(out)
                        .lines()
                        .filter(|l| l.starts_with("route1"))
                        .map(str::to_string)
                        .collect()
                };
                let (theirs, mine) = (routes(&nm.stdout), routes(&o.stdout));
                if theirs != mine {
                    failures.push(format!("{prop} {v}: nmcli keeps {theirs:?}, grecfg {mine:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What NetworkManager checks as it writes the profile is checked after
/// the whole command, on the last value: an earlier bad one set again is
/// no error, `-prop VALUE` leaves it, `-prop ''` resets it.
#[test]
fn properties_are_verified_after_the_whole_command() {
    if let Err(why) = nmcli_available() {
        assert!(!common::ci(), "nmcli is needed in CI: {why}");
        common::skip("properties_are_verified_after_the_whole_command", &why);
        return;
    }
    let cases: &[(&[&str], bool)] = &[
        (&["ipv4.dhcp-iaid", "x", "ipv4.dhcp-iaid", "mac"], false),
        (&["ipv4.dhcp-iaid", "mac", "+ipv4.dhcp-iaid", "x"], true),
        (&["ipv4.dhcp-iaid", "x", "-ipv4.dhcp-iaid", "y"], true),
        (&["ipv4.dhcp-iaid", "x", "-ipv4.dhcp-iaid", ""], false),
        (&["ipv6.dhcp-duid", "00:01", "ipv6.dhcp-duid", "ll"], false),
        // A token needs addr-gen-mode eui64, given before or after it.
        (&["ipv6.token", "::1"], true),
        (&["ipv6.token", "::1", "ipv6.addr-gen-mode", "eui64"], false),
        (&["ipv6.addr-gen-mode", "eui64", "ipv6.token", "::1:2"], false),
        (&["ipv6.addr-gen-mode", "eui64", "ipv6.token", "1::1"], true),
        (&["ipv6.addr-gen-mode", "eui64", "ipv6.token", "::"], true),
        (
            &["ipv6.addr-gen-mode", "stable-privacy", "ipv6.token", "::1"],
            true,
        ),
        (&["ipv6.token", "::1", "ipv6.token", ""], false),
        (
            &["ipv6.addr-gen-mode", "eui64", "ipv6.token", "0::ffff:c000:201"],
            false,
        ),
        // A port names its controller and its kind, both or neither.
        (&["connection.master", "br0"], true),
        (&["master", "br0"], true),
        (&["connection.slave-type", "bridge"], true),
        (
            &["connection.master", "br0", "connection.slave-type", "bridge"],
            false,
        ),
        (&["slave-type", "bond", "master", "bond0"], false),
        (
            &["master", "br0", "slave-type", "bridge", "connection.master", ""],
            true,
        ),
        (
            &["master", "br0", "slave-type", "bridge", "-connection.master", "x"],
            false,
        ),
        (&["master", "x", "slave-type", "ovs-port"], false),
        (&["master", "x", "slave-type", "TEAM"], false),
        (&["master", "x", "slave-type", "v"], false),
        (&["master", "x", "connection.slave-type", "ovs"], true),
        (
            &["master", "x", "slave-type", "bridge", "con-name", "mine"],
            false,
        ),
    ];
    let dir = common::tempdir();
    for (extra, refused) in cases {
        let mut args = vec![
            "connection",
            "add",
            "type",
            "ip-tunnel",
            "ifname",
            "t1",
            "ip-tunnel.mode",
            "gre",
            "ip-tunnel.remote",
            "198.51.100.1",
        ];
        args.extend(extra.iter());
        let nm = nmcli_offline(&args);
        assert_eq!(!nm.status.success(), *refused, "nmcli {extra:?}");
        let o = grecfg_on_command(dir.path(), &args);
        assert_eq!(
            !o.status.success(),
            *refused,
            "grecfg {extra:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        // What both write of the token (NetworkManager's normal form) and
        // the name (a port's is its controller kind's: bridge-slave-t1).
        for key in ["token=", "id="] {
            let line = |out: &[u8]| {
                String::from_utf8_lossy(out)
                    .lines()
                    .find(|l| l.starts_with(key))
                    .map(str::to_string)
            };
            assert_eq!(line(&o.stdout), line(&nm.stdout), "{extra:?}");
        }
    }
}

/// An extra NetworkManager refuses in the profile as a whole (DNS on a
/// tunnel without addresses, whose method is `disabled`) is dropped with
/// a warning by both writers: nmcli refuses the command that holds it
/// (checked here) and NetworkManager a keyfile that does.
#[test]
fn writers_drop_what_networkmanager_refuses_in_the_whole_profile() {
    let dir = common::tempdir();
    let model = dir.path().join("gre1.json");
    fs::write(
        &model,
        r#"{"name": "gre1", "mode": "gre", "remote": "198.51.100.1",
            "extras": [{"format": "keyfile", "key": "ipv4.dns", "value": "192.0.2.53;"},
                       {"format": "nmcli", "key": "ipv6.dns", "value": "2001:db8::53"}]}"#,
    )
    .unwrap();
    for to in ["nm", "nmcli"] {
        let o = Command::new(env!("CARGO_BIN_EXE_grecfg"))
            .args(["convert", "--from", "model", "--to", to, model.to_str().unwrap()])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let (out, err) = (
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr),
        );
        assert!(o.status.success(), "--to {to}: {err}");
        assert!(
            !out.contains("192.0.2.53") && !out.contains("2001:db8::53"),
            "--to {to}:\n{out}"
        );
        assert!(
            err.contains("ipv4.dns is not written: NetworkManager refuses it"),
            "--to {to}: {err}"
        );
        // The nmcli extra: refused as well, or (keyfile) not carried.
        assert!(err.contains("ipv6.dns"), "--to {to}: {err}");
    }
    if let Err(why) = nmcli_available() {
        assert!(!common::ci(), "nmcli is needed in CI: {why}");
        return;
    }
    // What they would have written, nmcli refuses.
    let nm = nmcli_offline(&[
        "connection",
        "add",
        "type",
        "ip-tunnel",
        "ifname",
        "gre1",
        "ip-tunnel.mode",
        "gre",
        "ip-tunnel.remote",
        "198.51.100.1",
        "ipv4.method",
        "disabled",
        "ipv4.dns",
        "192.0.2.53",
    ]);
    assert!(!nm.status.success());
}
