//! The firewall, forwarding and keepalive targets: golden outputs through
//! the real binary, every shell output through `sh -n` and shellcheck, nft
//! files through `nft -c`, rich rules through firewalld's own parser, units
//! through `systemd-analyze verify`, the iptables script and the nft file
//! applied for real in a private network namespace, and the keepalive probe
//! run against stub `ping` and `ip` commands.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use grecfg::extras::{self, ExtrasOptions};
use grecfg::format::Format as Kind;
use grecfg::model::{Family, InnerAddress, Mode, Neighbour, Route, Tunnel};

mod common;
use common::{ci, is_root, stub_dir, take_calls, tempdir};

fn addr(a: &str, peer: Option<&str>) -> InnerAddress {
    InnerAddress {
        address: a.parse().unwrap(),
        peer: peer.map(|p| p.parse().unwrap()),
    }
}

fn route(d: &str, gw: Option<&str>) -> Route {
    Route {
        destination: d.parse().unwrap(),
        gateway: gw.map(|g| g.parse().unwrap()),
        metric: None,
        table: None,
    }
}

fn of_mode(name: &str, mode: Mode) -> Tunnel {
    let mut t = Tunnel::new(name, mode);
    match mode.outer_family() {
        Family::V4 => {
            t.local = Some("192.0.2.1".parse().unwrap());
            t.remote = Some("198.51.100.1".parse().unwrap());
        }
        Family::V6 => {
            t.local = Some("2001:db8::1".parse().unwrap());
            t.remote = Some("2001:db8::2".parse().unwrap());
        }
    }
    match mode.inner_family() {
        Some(Family::V6) => {
            t.addresses
                .push(addr("2001:db8:1::1/64", Some("2001:db8:1::2/128")));
            t.routes.push(route("2001:db8:5::/48", None));
        }
        _ => {
            t.addresses.push(addr("10.0.0.1/30", None));
            t.routes.push(route("10.2.0.0/24", Some("10.0.0.2")));
        }
    }
    t.mtu = Some(1400);
    t
}

/// Names the kernel accepts; some are refused by the nft and iptables
/// targets, which cannot write them.
const HOSTILE: [&str; 10] = [
    "$(id>pwned)",
    "`id>pwned`",
    "a'b\"c",
    "x;y|z&w",
    "\\n#*?[a]",
    "-rf",
    "%n$$%%",
    "~root",
    "{a,b}!",
    "\u{1}ctl\u{7f}",
];

/// Every mode, a multipoint tunnel with neighbours, a firewalld zone and
/// the hostile names.
fn varied() -> Vec<Tunnel> {
    let mut v: Vec<Tunnel> = Mode::ALL
        .iter()
        .enumerate()
        .map(|(i, m)| of_mode(&format!("t{i}{m}"), *m))
        .collect();
    let mut mp = Tunnel::new("mgre0x", Mode::Gre);
    mp.local = Some("192.0.2.1".parse().unwrap());
    mp.addresses.push(addr("10.9.0.1/24", None));
    mp.neighbours.push(Neighbour {
        inner: "10.9.0.2".parse().unwrap(),
        outer: "198.51.100.2".parse().unwrap(),
    });
    mp.neighbours.push(Neighbour {
        inner: "10.9.0.3".parse().unwrap(),
        outer: "198.51.100.3".parse().unwrap(),
    });
    v.push(mp);
    let mut z = of_mode("zoned", Mode::Gre);
    z.zone = Some("trusted".into());
    z.mtu = None;
    v.push(z);
    v.extend(HOSTILE.iter().map(|n| of_mode(n, Mode::Gre)));
    for t in &v {
        assert_eq!(t.validate(), vec![], "{}", t.name);
    }
    v
}

fn masq() -> ExtrasOptions {
    ExtrasOptions {
        masquerade: Some("eth0".into()),
        keepalive_peer: Some("10.9.0.2".parse().unwrap()),
        ..ExtrasOptions::default()
    }
}

/// Every file `kind` renders for the varied tunnels, with and without
/// masquerading; tunnels a kind refuses are skipped, and only the hostile
/// names may be refused.
fn rendered(kind: Kind) -> Vec<(String, grecfg::format::OutputFile)> {
    let env = extras::environment(None).unwrap();
    let mut out = Vec::new();
    for t in varied() {
        for opts in [ExtrasOptions::default(), masq()] {
            if kind == Kind::Keepalive && opts.keepalive_peer.is_some() && t.name != "mgre0x" {
                continue;
            }
            if kind == Kind::Keepalive && t.name == "mgre0x" && opts.keepalive_peer.is_none() {
                continue;
            }
            match extras::render(kind, std::slice::from_ref(&t), &opts, &env) {
                Ok(files) => out.extend(files.into_iter().map(|f| (t.name.clone(), f))),
                Err(p) => assert!(
                    HOSTILE.contains(&t.name.as_str()) && matches!(kind, Kind::Nftables),
                    "{kind:?} refused {:?}: {p:?}",
                    t.name
                ),
            }
        }
    }
    out
}

fn tool(name: &str, arg: &str) -> bool {
    Command::new(name)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether commands can run in a private network namespace here.
fn netns() -> bool {
    is_root()
        && Command::new("unshare")
            .args(["-n", "true"])
            .output()
            .is_ok_and(|o| o.status.success())
}

#[test]
fn shell_outputs_pass_sh_n_and_shellcheck() {
    let have_shellcheck = tool("shellcheck", "--version");
    if !have_shellcheck {
        assert!(!ci(), "shellcheck is required when CI=true");
        println!("shellcheck not found: skipping the shellcheck part");
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for kind in [Kind::Firewalld, Kind::Iptables, Kind::Keepalive] {
        for (name, f) in rendered(kind) {
            if !f.contents.starts_with("#!/bin/sh") {
                continue;
            }
            checked += 1;
            let dir = tempdir();
            let path = dir.path().join("script");
            fs::write(&path, &f.contents).unwrap();
            let out = Command::new("sh").arg("-n").arg(&path).output().unwrap();
            if !out.status.success() {
                failures.push(format!("sh -n {name:?} {}", f.name));
            }
            if have_shellcheck {
                let out = Command::new("shellcheck")
                    .args(["-s", "sh"])
                    .arg(&path)
                    .output()
                    .unwrap();
                if !out.status.success() {
                    failures.push(format!(
                        "shellcheck {}:\n{}\n{}",
                        f.name,
                        String::from_utf8_lossy(&out.stdout),
                        f.contents
                    ));
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} scripts");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn nft_files_pass_nft_check() {
    let files = rendered(Kind::Nftables);
    assert!(files.len() > 20);
    // nft -c asks the kernel: it needs nftables, root and nf_tables.
    if !(tool("nft", "--version") && is_root() && nft_check(Path::new("/dev/null")).status.success()) {
        assert!(
            !(ci() && is_root() && !tool("nft", "--version")),
            "nft is required when CI=true (tests/run installs nftables)"
        );
        println!("nft -c is not available here: skipping");
        return;
    }
    let mut failures = Vec::new();
    for (_, f) in files {
        let dir = tempdir();
        let path = dir.path().join(&f.name);
        fs::write(&path, &f.contents).unwrap();
        let out = nft_check(&path);
        if !out.status.success() {
            failures.push(format!(
                "{}:\n{}\n{}",
                f.name,
                String::from_utf8_lossy(&out.stderr),
                f.contents
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn nft_check(path: &Path) -> Output {
    Command::new("nft")
        .arg("-c")
        .arg("-f")
        .arg(path)
        .output()
        .unwrap()
}

/// The Python that has firewalld's modules (Debian: python3-firewall).
fn firewalld_python() -> Option<&'static str> {
    ["/usr/bin/python3", "python3"].into_iter().find(|py| {
        Command::new(py)
            .args(["-c", "import firewall.core.rich"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[test]
fn rich_rules_pass_firewalld_parser() {
    let Some(py) = firewalld_python() else {
        assert!(
            !ci(),
            "firewalld's Python modules are required when CI=true (python3-firewall)"
        );
        println!("firewalld's Python modules not found: skipping");
        return;
    };
    let mut rules = Vec::new();
    for (_, f) in rendered(Kind::Firewalld) {
        for line in f.contents.lines() {
            if let Some(i) = line.find("'--add-rich-rule=") {
                let rest = &line[i + "'--add-rich-rule=".len()..];
                rules.push(rest[..rest.find('\'').unwrap()].to_string());
            }
        }
    }
    assert!(rules.len() > 20, "{rules:?}");
    // Each rule is parsed and checked, then printed back the way firewalld
    // stores it: the rule must come back unchanged.
    let script = "import sys\nfrom firewall.core.rich import Rich_Rule\n\
for line in sys.stdin.read().splitlines():\n    r = Rich_Rule(rule_str=line)\n    r.check()\n    \
print(str(r))\n";
    let mut child = Command::new(py)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all((rules.join("\n") + "\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let back: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(back, rules);
    // The parser does refuse what firewalld would.
    let bad = Command::new(py)
        .args([
            "-c",
            "from firewall.core.rich import Rich_Rule\nRich_Rule(rule_str='rule family=\"ipv4\" source address=\"2001:db8::1\" protocol value=\"47\" accept').check()",
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success());
}

#[test]
fn keepalive_units_pass_systemd_analyze_verify() {
    if !tool("systemd-analyze", "--version") {
        println!("systemd-analyze not found: skipping");
        return;
    }
    let files = rendered(Kind::Keepalive);
    let mut by_tunnel: std::collections::BTreeMap<String, Vec<grecfg::format::OutputFile>> =
        Default::default();
    for (name, f) in files {
        if f.name.ends_with(".service") || f.name.ends_with(".timer") {
            by_tunnel.entry(name).or_default().push(f);
        }
    }
    assert!(by_tunnel.len() > 15);
    for (name, units) in by_tunnel {
        assert_eq!(units.len(), 2, "{name:?}");
        let dir = tempdir();
        let mut c = Command::new("systemd-analyze");
        c.arg("verify");
        for u in &units {
            let path = dir.path().join(&u.name);
            fs::write(&path, &u.contents).unwrap();
            c.arg(&path);
        }
        let out = c.output().unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{name:?}:\n{}\n{}\n{}",
            String::from_utf8_lossy(&out.stderr),
            units[0].contents,
            units[1].contents
        );
    }
}

/// Run `script` in a private network namespace and print the rules after.
fn in_netns(script: &str) -> Output {
    Command::new("unshare")
        .args(["-n", "sh", "-c", script])
        .output()
        .unwrap()
}

#[test]
fn iptables_script_applies_once_and_removes_everything() {
    if !(tool("iptables", "--version") && netns()) {
        println!("iptables or a private network namespace is not available: skipping");
        return;
    }
    let env = extras::environment(None).unwrap();
    for t in [
        of_mode("gre1", Mode::Gre),
        of_mode("$(id>pwned)", Mode::Ip6gre),
        of_mode("s1", Mode::Sit),
    ] {
        let f = extras::render(Kind::Iptables, std::slice::from_ref(&t), &masq(), &env)
            .unwrap()
            .remove(0);
        assert_eq!(f.mode, 0o755);
        let dir = tempdir();
        let path = dir.path().join("script");
        fs::write(&path, &f.contents).unwrap();
        let dump = "{ iptables-save; ip6tables-save; } | grep -e '^-A' | sort";
        let out = in_netns(&format!(
            "cd {dir:?} && sh script start >/dev/null && {dump} >one && sh script start >/dev/null \
             && {dump} >two && sh script stop && {dump} >three && iptables-save -t filter >/dev/null",
            dir = dir.path()
        ));
        assert!(
            out.status.success(),
            "{}\n{}",
            String::from_utf8_lossy(&out.stderr),
            f.contents
        );
        let one = fs::read_to_string(dir.path().join("one")).unwrap();
        let two = fs::read_to_string(dir.path().join("two")).unwrap();
        let three = fs::read_to_string(dir.path().join("three")).unwrap();
        assert_eq!(one, two, "a second start changed the rules");
        assert_eq!(three, "", "stop left rules behind");
        let rules: Vec<&str> = one.lines().collect();
        let (proto, _) = extras::outer_protocol(t.mode);
        let proto_name = match proto {
            47 => "gre",
            41 => "ipv6",
            _ => unreachable!(),
        };
        let admit: Vec<_> = rules.iter().filter(|r| r.starts_with("-A INPUT")).collect();
        assert_eq!(admit.len(), 1, "{rules:?}");
        assert!(
            admit[0].contains(&format!("-p {proto_name} ")) || admit[0].contains(&format!("-p {proto} ")),
            "{}",
            admit[0]
        );
        assert!(
            admit[0].contains(&format!("-s {}", t.remote.unwrap())),
            "{}",
            admit[0]
        );
        assert!(rules.iter().any(|r| r.contains("--clamp-mss-to-pmtu")));
        assert!(rules.iter().any(|r| r.contains("--set-mss")));
        assert!(rules.iter().any(|r| r.contains("-j MASQUERADE")));
        // The comment names the tunnel: the rules are grecfg's own.
        assert!(rules.iter().all(|r| r.contains("grecfg ")), "{rules:?}");
    }
}

#[test]
fn nft_file_loads_twice_to_the_same_ruleset() {
    if !(tool("nft", "--version") && netns()) {
        println!("nft or a private network namespace is not available: skipping");
        return;
    }
    let env = extras::environment(None).unwrap();
    for t in [
        of_mode("gre1", Mode::Gre),
        of_mode("br-tun.1", Mode::Ip6gretap),
        of_mode("x;y|z&w", Mode::Ipip6),
    ] {
        let f = extras::render(Kind::Nftables, std::slice::from_ref(&t), &masq(), &env)
            .unwrap()
            .remove(0);
        let dir = tempdir();
        fs::write(dir.path().join("rules.nft"), &f.contents).unwrap();
        let table = extras::nft_table(&t.name);
        let out = in_netns(&format!(
            "cd {dir:?} && nft -f rules.nft && nft list ruleset >one && nft -f rules.nft \
             && nft list ruleset >two && nft delete table inet {table} && nft list ruleset >three",
            dir = dir.path()
        ));
        assert!(
            out.status.success(),
            "{}\n{}",
            String::from_utf8_lossy(&out.stderr),
            f.contents
        );
        let one = fs::read_to_string(dir.path().join("one")).unwrap();
        let two = fs::read_to_string(dir.path().join("two")).unwrap();
        assert_eq!(one, two);
        assert_eq!(fs::read_to_string(dir.path().join("three")).unwrap(), "");
        assert!(one.contains(&format!("table inet {table}")), "{one}");
        assert!(one.contains("maxseg size set rt mtu"), "{one}");
        assert!(one.contains("masquerade"), "{one}");
    }
}

/// Stand-ins for `ping` and `ip`: each appends its argv to `$STUB_LOG` (each
/// word NUL-terminated, the call ended by an empty word). `ping` succeeds
/// while `$STUB_STATE/answer` exists; `ip` fails while `$STUB_STATE/ipfail`
/// exists.
const STUB: &str = r#"#!/bin/sh
prog=${0##*/}
{ printf '%s\0' "$prog"; for a in "$@"; do printf '%s\0' "$a"; done; printf '\0'; } >>"$STUB_LOG"
case $prog in
ping) [ -e "$STUB_STATE/answer" ] ;;
ip) [ ! -e "$STUB_STATE/ipfail" ] ;;
esac
"#;

struct Stub {
    dir: tempfile::TempDir,
    script: PathBuf,
}

impl Stub {
    fn new(t: &Tunnel, opts: &ExtrasOptions) -> Stub {
        let dir = stub_dir(&["ping", "ip"], STUB, &["state", "run", "cwd"]);
        let env = extras::environment(None).unwrap();
        let files = extras::render(Kind::Keepalive, std::slice::from_ref(t), opts, &env).unwrap();
        assert_eq!(files[0].mode, 0o755);
        let script = dir.path().join("probe");
        fs::write(&script, &files[0].contents).unwrap();
        Stub { dir, script }
    }

    fn answer(&self, yes: bool) {
        let f = self.dir.path().join("state/answer");
        if yes {
            fs::write(f, "").unwrap();
        } else {
            let _ = fs::remove_file(f);
        }
    }

    fn ip_fails(&self, yes: bool) {
        let f = self.dir.path().join("state/ipfail");
        if yes {
            fs::write(f, "").unwrap();
        } else {
            let _ = fs::remove_file(f);
        }
    }

    fn run(&self, arg: &str) -> Output {
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Command::new("sh")
            .arg(&self.script)
            .arg(arg)
            .current_dir(self.dir.path().join("cwd"))
            .env("PATH", path)
            .env("STUB_LOG", self.dir.path().join("log"))
            .env("STUB_STATE", self.dir.path().join("state"))
            .env("GRECFG_KEEPALIVE_STATE_DIR", self.dir.path().join("run"))
            .output()
            .unwrap()
    }

    fn take(&self) -> Vec<Vec<String>> {
        take_calls(&self.dir.path().join("log"))
    }

    fn status(&self) -> String {
        let out = self.run("status");
        assert!(out.status.success());
        assert_eq!(self.take(), Vec::<Vec<String>>::new(), "status runs nothing");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// Probe once; the calls made and standard error.
    fn probe(&self) -> (Vec<Vec<String>>, String) {
        let out = self.run("probe");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        (self.take(), String::from_utf8(out.stderr).unwrap())
    }
}

fn w(ws: &[&str]) -> Vec<String> {
    ws.iter().map(|s| s.to_string()).collect()
}

fn check_keepalive(t: &Tunnel, opts: &ExtrasOptions, peer: &str, misses: u32) {
    let stub = Stub::new(t, opts);
    let fam = if peer.contains(':') { "-6" } else { "-4" };
    let ping = w(&["ping", fam, "-n", "-q", "-c", "1", "-W", "4", "-I", &t.name, peer]);
    // The routes the tunnel's start adds, except a host route to the peer.
    let restore: Vec<Vec<String>> = grecfg::formats::iproute2::up_commands(t)
        .into_iter()
        .filter(|c| c[1] == "route" && !(c[3] == peer || c[3] == format!("{peer}/32")))
        .collect();
    assert!(!restore.is_empty());
    let withdraw: Vec<Vec<String>> = restore
        .iter()
        .map(|c| {
            let mut d = c.clone();
            d[2] = "del".into();
            d
        })
        .collect();

    stub.answer(true);
    assert_eq!(stub.probe().0, vec![ping.clone()]);
    assert_eq!(stub.status(), "up 0");

    stub.answer(false);
    for i in 1..misses {
        let (calls, err) = stub.probe();
        assert_eq!(calls, vec![ping.clone()], "miss {i} of {misses}");
        assert_eq!(err, "");
        assert_eq!(stub.status(), format!("up {i}"));
    }
    // The last miss marks the tunnel down and withdraws the routes.
    let (calls, err) = stub.probe();
    let mut want = vec![ping.clone()];
    want.extend(withdraw.iter().cloned());
    assert_eq!(calls, want);
    assert!(err.contains("tunnel down, routes withdrawn"), "{err}");
    assert_eq!(stub.status(), format!("down {misses}"));
    // Down, each probe withdraws again (quietly), in case the routes came back.
    let (calls, err) = stub.probe();
    assert_eq!(calls, want);
    assert_eq!(err, "");
    assert_eq!(stub.status(), format!("down {}", misses + 1));

    // The peer answers through the tunnel, but restoring fails: still down.
    stub.answer(true);
    stub.ip_fails(true);
    let (calls, err) = stub.probe();
    let mut want = vec![ping.clone()];
    want.extend(restore.iter().cloned());
    assert_eq!(calls, want);
    assert!(err.contains("restoring the routes failed"), "{err}");
    assert_eq!(stub.status(), "down 0");
    // Next time it works: up.
    stub.ip_fails(false);
    let (calls, err) = stub.probe();
    assert_eq!(calls, want);
    assert!(err.contains("routes restored"), "{err}");
    assert_eq!(stub.status(), "up 0");
    assert_eq!(stub.probe().0, vec![ping.clone()]);

    // `restore` puts the routes back whatever the state.
    let out = stub.run("restore");
    assert!(out.status.success());
    assert_eq!(stub.take(), restore);
    assert_eq!(stub.status(), "up 0");
    assert_eq!(stub.run("bogus").status.code(), Some(2));

    // Only the two state files, whole, and nothing in the working directory.
    let mut names: Vec<String> = fs::read_dir(stub.dir.path().join("run"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![format!("{}.misses", t.name), format!("{}.state", t.name)]
    );
    assert_eq!(fs::read_dir(stub.dir.path().join("cwd")).unwrap().count(), 0);
}

#[test]
fn keepalive_marks_down_after_n_misses_and_up_at_the_first_answer() {
    let mut t = of_mode("gre1", Mode::Gre);
    t.routes.push(route("0.0.0.0/0", Some("10.0.0.2")));
    // A host route to the pinged peer is what the probes need: kept.
    t.routes.push(route("10.0.0.2/32", None));
    check_keepalive(&t, &ExtrasOptions::default(), "10.0.0.2", 3);
    let opts = ExtrasOptions {
        keepalive_misses: 1,
        ..ExtrasOptions::default()
    };
    check_keepalive(&t, &opts, "10.0.0.2", 1);
    check_keepalive(
        &of_mode("t6", Mode::Ip6ip6),
        &ExtrasOptions::default(),
        "2001:db8:1::2",
        3,
    );
}

#[test]
fn keepalive_hostile_names_reach_ping_and_ip_byte_for_byte() {
    for name in HOSTILE {
        check_keepalive(
            &of_mode(name, Mode::Gre),
            &ExtrasOptions::default(),
            "10.0.0.2",
            3,
        );
    }
}

// ---- The binary: golden outputs and refusals ----

fn grecfg(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_grecfg"))
        .args(args)
        .output()
        .unwrap()
}

const TARGETS: [&str; 5] = ["firewalld", "nftables", "iptables", "sysctl", "keepalive"];

/// Golden outputs, hand-checked against each tool's rules: every case in
/// `tests/extras/` (a `tunnel.json`, an `args` file of extra arguments, one
/// per line) rendered to every target. GRECFG_BLESS=1 rewrites them.
#[test]
fn golden_outputs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/extras");
    let bless = std::env::var("GRECFG_BLESS").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    let mut dirs: Vec<_> = fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    assert!(dirs.len() >= 3);
    for dir in dirs {
        let args: Vec<String> = fs::read_to_string(dir.join("args"))
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        let expected = dir.join("expected");
        let out_dir = tempdir();
        for target in TARGETS {
            let mut a = vec!["render", "--target", target, "-q", "--output-dir"];
            let od = out_dir.path().to_str().unwrap();
            a.push(od);
            a.extend(args.iter().map(String::as_str));
            let input = dir.join("tunnel.json");
            a.push(input.to_str().unwrap());
            let out = grecfg(&a);
            assert!(
                out.status.success(),
                "{} --target {target}: {}",
                dir.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        if bless {
            let _ = fs::remove_dir_all(&expected);
            fs::create_dir_all(&expected).unwrap();
        }
        let mut got: Vec<_> = fs::read_dir(out_dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        got.sort();
        let mut want: Vec<_> = fs::read_dir(&expected)
            .map(|d| d.map(|e| e.unwrap().file_name()).collect())
            .unwrap_or_default();
        want.sort();
        if !bless && got != want {
            failures.push(format!("{}: files {got:?}, expected {want:?}", dir.display()));
            continue;
        }
        for name in got {
            let contents = fs::read_to_string(out_dir.path().join(&name)).unwrap();
            let path = expected.join(&name);
            if bless {
                fs::write(&path, &contents).unwrap();
                continue;
            }
            let want = fs::read_to_string(&path).unwrap();
            if want != contents {
                failures.push(
                    similar::TextDiff::from_lines(&want, &contents)
                        .unified_diff()
                        .header(&path.display().to_string(), "rendered")
                        .to_string(),
                );
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn write_json(dir: &Path, t: &Tunnel) -> PathBuf {
    let p = dir.join("t.json");
    fs::write(&p, serde_json::to_string(t).unwrap()).unwrap();
    p
}

#[test]
fn refusals_are_errors_with_nothing_written() {
    let dir = tempdir();
    let out_dir = dir.path().join("out");
    let od = out_dir.to_str().unwrap();

    // A multipoint tunnel without neighbours has no peer to admit.
    let mut mp = Tunnel::new("mgre1", Mode::Gre);
    mp.addresses.push(addr("10.9.0.1/24", None));
    let input = write_json(dir.path(), &mp);
    let inp = input.to_str().unwrap();
    for target in ["firewalld", "nftables", "iptables"] {
        let out = grecfg(&["render", "--target", target, "--output-dir", od, inp]);
        assert_eq!(out.status.code(), Some(2), "{target}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("no peer to admit"), "{err}");
    }
    // ... and a /24 without a peer no keepalive peer, unless named.
    let out = grecfg(&["render", "--target", "keepalive", "--output-dir", od, inp]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--keepalive-peer"));
    let out = grecfg(&[
        "render",
        "--target",
        "keepalive",
        "--keepalive-peer",
        "10.9.0.2",
        "--keepalive-interval",
        "10",
        "--keepalive-misses",
        "6",
        "--output-dir",
        od,
        inp,
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let timer = fs::read_to_string(out_dir.join("grecfg-keepalive-mgre1.timer")).unwrap();
    assert!(timer.contains("OnUnitActiveSec=10s\n"), "{timer}");
    let script = fs::read_to_string(out_dir.join("grecfg-keepalive-mgre1")).unwrap();
    assert!(script.contains("\nmax_misses=6\n"), "{script}");
    assert!(script.contains(" -W 9 -I mgre1 10.9.0.2 "), "{script}");
    fs::remove_dir_all(&out_dir).unwrap();

    // Flags are checked before anything is read.
    for bad in [
        vec!["--masquerade", "ppp+"],
        vec!["--masquerade", "a b"],
        vec!["--keepalive-interval", "0"],
        vec!["--keepalive-misses", "0"],
        vec!["--keepalive-peer", "nope"],
    ] {
        let mut a = vec!["render", "--target", "iptables", "--output-dir", od];
        a.extend(bad.iter().copied());
        a.push(inp);
        let out = grecfg(&a);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
    // A name nft cannot quote is refused by the nft target only, naming the field.
    let t = of_mode("a\"b", Mode::Gre);
    let input = write_json(dir.path(), &t);
    let inp = input.to_str().unwrap();
    let out = grecfg(&["render", "--target", "nftables", "--output-dir", od, inp]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot be written in nftables"), "{err}");
    assert!(err.contains("t.json"), "{err}");
    let out = grecfg(&["render", "--target", "iptables", "--output-dir", od, inp]);
    assert!(out.status.success());
    // Masquerading through the tunnel itself makes no sense.
    let input = write_json(dir.path(), &of_mode("gre1", Mode::Gre));
    let out = grecfg(&[
        "render",
        "--target",
        "nftables",
        "--masquerade",
        "gre1",
        "--output-dir",
        od,
        input.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("names the tunnel itself"));
    // Nothing was written by any failed run.
    let left: Vec<_> = fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    // The extra formats are written only.
    let out = grecfg(&["convert", "--from", "nftables", "--to", "nm", inp]);
    assert_eq!(out.status.code(), Some(2));
}

/// The keepalive with the real `ip` and `ping`, in private network
/// namespaces: a veth pair stands in for the tunnel (the script only
/// needs the device and its routes), its far end in a second namespace
/// is the peer. When the peer stops answering, the route really goes
/// after the third probe; when it answers again, the route comes back.
#[test]
fn keepalive_withdraws_and_restores_real_routes() {
    if !(netns() && tool("ping", "-V") && tool("nsenter", "--version")) {
        assert!(
            !(ci() && is_root() && !tool("ping", "-V")),
            "ping is required when CI=true (iputils-ping)"
        );
        println!("ping, nsenter or private network namespaces are not available: skipping");
        return;
    }
    let mut t = Tunnel::new("v0", Mode::Gre);
    t.remote = Some("198.51.100.1".parse().unwrap());
    t.addresses.push(addr("10.0.0.1/30", None));
    t.routes.push(route("10.2.0.0/24", Some("10.0.0.2")));
    let opts = ExtrasOptions {
        keepalive_interval: 2,
        ..ExtrasOptions::default()
    };
    let env = extras::environment(None).unwrap();
    let files = extras::render(Kind::Keepalive, std::slice::from_ref(&t), &opts, &env).unwrap();
    let dir = tempdir();
    fs::write(dir.path().join("probe"), &files[0].contents).unwrap();
    let script = r#"
set -e
export GRECFG_KEEPALIVE_STATE_DIR="$PWD/run"
ip link set lo up
unshare -n sleep 30 &
peer=$!
while [ "$(readlink /proc/$peer/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do sleep 0.05; done
at_peer() { nsenter -t "$peer" -n "$@"; }
ip link add v0 type veth peer name v1
ip link set v1 netns "$peer"
at_peer ip link set lo up
at_peer ip link set v1 up
at_peer ip addr add 10.0.0.2/30 dev v1
ip addr add 10.0.0.1/30 dev v0
ip link set v0 up
ip route add 10.2.0.0/24 via 10.0.0.2 dev v0
routes() { ip -4 route show 10.2.0.0/24 >"$1"; sh probe status >>"$1"; }
sh probe probe
routes answering
at_peer ip addr del 10.0.0.2/30 dev v1
sh probe probe
sh probe probe
routes two-misses
sh probe probe
routes three-misses
at_peer ip addr add 10.0.0.2/30 dev v1
sh probe probe
routes answering-again
kill "$peer"
"#;
    let out = Command::new("unshare")
        .args(["-n", "sh", "-c", script])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let read = |f: &str| fs::read_to_string(dir.path().join(f)).unwrap();
    let route = "10.2.0.0/24 via 10.0.0.2 dev v0 \n";
    assert_eq!(read("answering"), format!("{route}up 0\n"));
    assert_eq!(read("two-misses"), format!("{route}up 2\n"));
    assert_eq!(read("three-misses"), "down 3\n");
    assert_eq!(read("answering-again"), format!("{route}up 0\n"));
    assert!(
        err.contains("3 pings unanswered: tunnel down, routes withdrawn"),
        "{err}"
    );
    assert!(
        err.contains("the peer answers again: tunnel up, routes restored"),
        "{err}"
    );
}

/// A stand-in for `firewall-cmd --permanent`: direct rules go to the real
/// iptables/ip6tables (`--query-rule` is `-C`, `--add-rule` `-A`,
/// `--remove-rule` `-D`), rich rules to a file of lines with set semantics,
/// as firewalld keeps them; adding a rule that is there fails, so the
/// script must ask first. Every call is logged.
const FIREWALL_CMD: &str = r#"#!/bin/sh
printf '%s\n' "$*" >>"$STUB_DIR/calls"
[ "$1" = --reload ] && exit 0
[ "$1" = --permanent ] || exit 9
shift
zone=
case $1 in --zone=*) zone=${1#--zone=}; shift ;; esac
rules=$STUB_DIR/rich-rules
touch "$rules"
case $1 in
--direct)
	op=$2 fam=$3 table=$4 chain=$5
	shift 6
	tool=iptables
	[ "$fam" = ipv6 ] && tool=ip6tables
	case $op in
	--query-rule) "$tool" -w -t "$table" -C "$chain" "$@" 2>/dev/null ;;
	--add-rule) ! "$tool" -w -t "$table" -C "$chain" "$@" 2>/dev/null && "$tool" -w -t "$table" -A "$chain" "$@" ;;
	--remove-rule) "$tool" -w -t "$table" -D "$chain" "$@" ;;
	*) exit 9 ;;
	esac
	;;
--query-rich-rule=*) grep -qxF "$zone|${1#*=}" "$rules" ;;
--add-rich-rule=*) ! grep -qxF "$zone|${1#*=}" "$rules" && printf '%s\n' "$zone|${1#*=}" >>"$rules" ;;
--remove-rich-rule=*) grep -qxF "$zone|${1#*=}" "$rules" && { grep -vxF "$zone|${1#*=}" "$rules" >"$rules.new" || true; mv "$rules.new" "$rules"; } ;;
*) exit 9 ;;
esac
"#;

#[test]
fn firewalld_script_adds_once_and_removes_everything() {
    if !(tool("iptables", "--version") && netns()) {
        println!("iptables or a private network namespace is not available: skipping");
        return;
    }
    let env = extras::environment(None).unwrap();
    let mut zoned = of_mode("gre1", Mode::Gre);
    zoned.zone = Some("internal".into());
    for t in [zoned, of_mode("`id>pwned`", Mode::Ip6gre)] {
        let f = extras::render(Kind::Firewalld, std::slice::from_ref(&t), &masq(), &env)
            .unwrap()
            .remove(0);
        let dir = tempdir();
        fs::create_dir(dir.path().join("bin")).unwrap();
        let stub = dir.path().join("bin/firewall-cmd");
        fs::write(&stub, FIREWALL_CMD).unwrap();
        fs::set_permissions(&stub, fs::Permissions::from_mode(0o755)).unwrap();
        fs::write(dir.path().join("script"), &f.contents).unwrap();
        let dump = "{ iptables-save; ip6tables-save; } | grep -e '^-A' | sort; cat rich-rules";
        let out = in_netns(&format!(
            "cd {dir:?} && export STUB_DIR=\"$PWD\" PATH=\"$PWD/bin:$PATH\" && sh script start >/dev/null \
             && {{ {dump}; }} >one && sh script start >/dev/null && {{ {dump}; }} >two \
             && sh script stop && {{ {dump}; }} >three",
            dir = dir.path()
        ));
        assert!(
            out.status.success(),
            "{}\n{}",
            String::from_utf8_lossy(&out.stderr),
            f.contents
        );
        let read = |n: &str| fs::read_to_string(dir.path().join(n)).unwrap();
        assert_eq!(read("one"), read("two"), "a second start changed the rules");
        assert_eq!(read("three"), "", "stop left rules behind");
        let one = read("one");
        let rich: Vec<&str> = one.lines().filter(|l| l.contains("|rule ")).collect();
        let zone = t.zone.clone().unwrap_or_default();
        let fam = if t.mode == Mode::Ip6gre { "ipv6" } else { "ipv4" };
        assert_eq!(
            rich,
            vec![format!(
                "{zone}|rule family=\"{fam}\" source address=\"{}\" destination address=\"{}\" protocol value=\"47\" accept",
                t.remote.unwrap(),
                t.local.unwrap()
            )]
        );
        assert!(one.contains("--clamp-mss-to-pmtu"), "{one}");
        assert!(one.contains("-j MASQUERADE"), "{one}");
        // Each start ends with a reload, and so does stop.
        assert_eq!(read("calls").matches("--reload").count(), 3);
    }
}
