//! Rendered scripts: golden outputs, shellcheck and systemd-analyze on a
//! varied set of tunnels, and the rc.local script run against recording
//! `ip` and `modprobe` stubs, hostile interface names included.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use grecfg::format::Format as Target;
use grecfg::formats::iproute2::{self, render};
use grecfg::model::{flags, InnerAddress, Mode, Neighbour, Route, Tunnel};
use grecfg::render::environment;

mod common;
use common::{ci, stub_dir, take_calls, tempdir};

fn addr(a: &str, peer: Option<&str>) -> InnerAddress {
    InnerAddress {
        address: a.parse().unwrap(),
        peer: peer.map(|p| p.parse().unwrap()),
    }
}

fn route(d: &str, gw: Option<&str>, metric: Option<u32>, table: Option<u32>) -> Route {
    Route {
        destination: d.parse().unwrap(),
        gateway: gw.map(|g| g.parse().unwrap()),
        metric,
        table,
    }
}

fn neigh(inner: &str, outer: &str) -> Neighbour {
    Neighbour {
        inner: inner.parse().unwrap(),
        outer: outer.parse().unwrap(),
    }
}

/// A tunnel of `mode` with outer addresses of the right family.
fn of_mode(name: &str, mode: Mode) -> Tunnel {
    let mut t = Tunnel::new(name, mode);
    match mode.outer_family() {
        grecfg::model::Family::V4 => {
            t.local = Some("192.0.2.1".parse().unwrap());
            t.remote = Some("198.51.100.1".parse().unwrap());
        }
        grecfg::model::Family::V6 => {
            t.local = Some("2001:db8::1".parse().unwrap());
            t.remote = Some("2001:db8::2".parse().unwrap());
            t.ttl = 64;
            t.encapsulation_limit = 4;
        }
    }
    match mode.inner_family() {
        Some(grecfg::model::Family::V6) => t.addresses.push(addr("2001:db8:1::1/64", None)),
        _ => t.addresses.push(addr("10.0.0.1/30", Some("10.0.0.2/32"))),
    }
    if mode.takes_key() {
        t.input_key = Some(1000);
        t.output_key = Some(2000);
    }
    t
}

/// Interface names the kernel accepts but a careless script would not
/// survive.
const HOSTILE: [&str; 14] = [
    "$(id>pwned)",
    "`id>pwned`",
    "a'b\"c",
    "x;y|z&w",
    "\\n#*?[a]",
    "-rf",
    "é$HOME",
    "%n$$%%",
    ";",
    "help",
    "remote",
    "~root",
    "{a,b}!",
    "\u{1}ctl\u{7f}",
];

fn hostile(name: &str) -> Tunnel {
    let mut t = of_mode(name, Mode::Gre);
    t.input_key = Some(7);
    t.output_key = Some(7);
    t.mtu = Some(1400);
    t.routes
        .push(route("10.2.0.0/24", Some("10.0.0.2"), Some(5), Some(100)));
    t.neighbours.push(neigh("10.0.0.9", "203.0.113.9"));
    t
}

/// Every mode, keys, ip6 options, a multipoint tunnel with neighbours,
/// routes with tables, and the hostile names.
fn varied() -> Vec<Tunnel> {
    let mut v: Vec<Tunnel> = Mode::ALL
        .iter()
        .enumerate()
        .map(|(i, m)| of_mode(&format!("t{i}{m}"), *m))
        .collect();
    let mut mp = Tunnel::new("mgre0x", Mode::Gre);
    mp.local = Some("192.0.2.1".parse().unwrap());
    mp.input_key = Some(42);
    mp.output_key = Some(42);
    mp.addresses.push(addr("10.9.0.1/24", None));
    mp.neighbours.push(neigh("10.9.0.2", "198.51.100.2"));
    mp.neighbours.push(neigh("10.9.0.3", "198.51.100.3"));
    v.push(mp);
    let mut six = of_mode("ip6x", Mode::Ip6ip6);
    six.flags = flags::IGN_ENCAP_LIMIT | flags::USE_ORIG_TCLASS | flags::RCV_DSCP_COPY;
    six.flow_label = 0x12345;
    six.routes.push(route(
        "2001:db8:5::/48",
        Some("2001:db8:1::2"),
        Some(1),
        Some(200),
    ));
    v.push(six);
    let mut r = of_mode("routes", Mode::Gre);
    r.tos = 1;
    r.path_mtu_discovery = false;
    r.parent = Some("eth0".into());
    r.routes.push(route("10.3.0.0/16", None, None, Some(254)));
    r.routes
        .push(route("0.0.0.0/0", Some("10.0.0.2"), Some(100), None));
    v.push(r);
    v.extend(HOSTILE.iter().map(|n| hostile(n)));
    for t in &v {
        assert_eq!(t.validate(), vec![], "{}", t.name);
        assert_eq!(
            iproute2::lower(t, &Default::default()).unwrap().1,
            vec![],
            "{}",
            t.name
        );
    }
    v
}

fn tool(name: &str) -> bool {
    Command::new(name).arg("--version").output().is_ok()
}

#[test]
fn shell_outputs_pass_sh_n_and_shellcheck() {
    let env = environment(None).unwrap();
    let have_shellcheck = tool("shellcheck");
    if !have_shellcheck {
        assert!(!ci(), "shellcheck is required when CI=true");
        println!("shellcheck not found: skipping the shellcheck part");
    }
    let mut failures = Vec::new();
    for target in [Target::Iproute2, Target::RcLocal] {
        for f in render(target.meta(), &varied(), &env).unwrap() {
            let dir = tempdir();
            let path = dir.path().join("script");
            fs::write(&path, &f.contents).unwrap();
            let out = Command::new("sh").arg("-n").arg(&path).output().unwrap();
            if !out.status.success() {
                failures.push(format!(
                    "sh -n {}: {}",
                    f.name,
                    String::from_utf8_lossy(&out.stderr)
                ));
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
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn systemd_units_pass_systemd_analyze_verify() {
    if !tool("systemd-analyze") {
        println!("systemd-analyze not found: skipping");
        return;
    }
    let env = environment(None).unwrap();
    let files = render(Target::Systemd.meta(), &varied(), &env).unwrap();
    let names: BTreeSet<_> = files.iter().map(|f| f.name.clone()).collect();
    assert_eq!(names.len(), files.len(), "unit names collide");
    for f in files {
        let dir = tempdir();
        let path = dir.path().join(&f.name);
        fs::write(&path, &f.contents).unwrap();
        let out = Command::new("systemd-analyze")
            .arg("verify")
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}:\n{}\n{}",
            f.name,
            String::from_utf8_lossy(&out.stderr),
            f.contents
        );
    }
}

/// A stand-in for `ip` and `modprobe`: it appends its argv to `$STUB_LOG`
/// (each word NUL-terminated, the call ended by an empty word; no word is
/// ever empty) and keeps just enough state for the scripts' logic: one file
/// per existing device, named by the hex of the device name. Creating an
/// existing device fails like the kernel's EEXIST; `link show` and `link
/// del` fail for a missing device; other commands need the device. The
/// device is the word after `name` (creation) or else after `dev`.
/// `modprobe` always fails, as it does when the module is built in or
/// modprobe is missing. `$STUB_FAIL` names an `ip` object (`route`, ...)
/// whose commands fail.
const STUB: &str = r#"#!/bin/sh
prog=${0##*/}
{ printf '%s\0' "$prog"; for a in "$@"; do printf '%s\0' "$a"; done; printf '\0'; } >>"$STUB_LOG"
[ "$prog" = modprobe ] && exit 1
dev= prev= named=
for a in "$@"; do
	if [ "$prev" = name ]; then dev=$a; named=1; fi
	if [ "$prev" = dev ] && [ -z "$named" ]; then dev=$a; fi
	prev=$a
done
[ -n "$dev" ] || exit 3
f="$STUB_STATE/$(printf '%s' "$dev" | od -An -tx1 | tr -d ' \n')"
[ "$1" = -6 ] && shift
[ "$1" = "${STUB_FAIL:-}" ] && exit 4
case "$1 $2" in
"tunnel add" | "link add")
	[ -e "$f" ] && exit 2
	: >"$f" ;;
"link del")
	[ -e "$f" ] || exit 1
	rm "$f" ;;
*)
	[ -e "$f" ] || exit 1 ;;
esac
"#;

struct Stub {
    dir: tempfile::TempDir,
}

impl Stub {
    fn new() -> Stub {
        Stub {
            dir: stub_dir(&["ip", "modprobe"], STUB, &["state", "cwd"]),
        }
    }

    fn run(&self, script: &Path, arg: &str, fail: Option<&str>) -> Output {
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut c = Command::new("sh");
        c.arg(script)
            .arg(arg)
            .current_dir(self.dir.path().join("cwd"))
            .env("PATH", path)
            .env("HOME", self.dir.path().join("cwd"))
            .env("STUB_LOG", self.dir.path().join("log"))
            .env("STUB_STATE", self.dir.path().join("state"));
        if let Some(f) = fail {
            c.env("STUB_FAIL", f);
        }
        c.output().unwrap()
    }

    /// The calls logged since the last `take`.
    fn take(&self) -> Vec<Vec<String>> {
        take_calls(&self.dir.path().join("log"))
    }

    /// Files anything but the stub created in the working directory.
    fn stray_files(&self) -> Vec<PathBuf> {
        fs::read_dir(self.dir.path().join("cwd"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    }
}

fn rc_local(t: &Tunnel, dir: &Path) -> PathBuf {
    let env = environment(None).unwrap();
    let f = render(Target::RcLocal.meta(), std::slice::from_ref(t), &env)
        .unwrap()
        .remove(0);
    assert_eq!(f.mode, 0o755);
    let path = dir.join("script");
    fs::write(&path, f.contents).unwrap();
    path
}

fn modprobe(t: &Tunnel) -> Vec<String> {
    vec!["modprobe".into(), iproute2::kernel_module(t.mode).into()]
}

fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

fn check_start_start_stop(t: &Tunnel) {
    let stub = Stub::new();
    let script = rc_local(t, stub.dir.path());
    let exists = iproute2::exists_command(t);
    let up = iproute2::up_commands(t);
    let down = iproute2::down_commands(t);

    let out = stub.run(&script, "start", None);
    assert_ok(&out, "first start");
    let mut want = vec![modprobe(t), exists.clone()];
    want.extend(up.iter().cloned());
    assert_eq!(stub.take(), want, "first start of {:?}", t.name);
    // modprobe failing is reported, not fatal.
    assert!(String::from_utf8_lossy(&out.stderr).contains("modprobe"));

    assert_ok(&stub.run(&script, "start", None), "second start");
    let mut want = vec![modprobe(t), exists.clone()];
    want.extend(down.iter().cloned());
    want.extend(up.iter().cloned());
    assert_eq!(stub.take(), want, "second start of {:?}", t.name);

    assert_ok(&stub.run(&script, "stop", None), "stop");
    let mut want = vec![exists.clone()];
    want.extend(down.iter().cloned());
    assert_eq!(stub.take(), want, "stop of {:?}", t.name);

    assert_ok(&stub.run(&script, "stop", None), "stop when gone");
    assert_eq!(stub.take(), vec![exists.clone()]);

    assert_eq!(stub.stray_files(), Vec::<PathBuf>::new(), "{:?}", t.name);
}

#[test]
fn rc_local_start_start_stop_runs_exactly_the_commands() {
    check_start_start_stop(&of_mode("gre1", Mode::Gre));
    let mut mp = Tunnel::new("mgre1", Mode::Gre);
    mp.input_key = Some(1);
    mp.output_key = Some(1);
    mp.addresses.push(addr("10.9.0.1/24", None));
    mp.neighbours.push(neigh("10.9.0.2", "198.51.100.2"));
    check_start_start_stop(&mp);
    check_start_start_stop(&of_mode("tap6", Mode::Ip6gretap));
}

#[test]
fn hostile_names_reach_ip_byte_for_byte_and_inject_nothing() {
    for name in HOSTILE {
        let t = hostile(name);
        check_start_start_stop(&t);
        // The name is every `dev`/`name` argument, byte for byte.
        for c in iproute2::up_commands(&t) {
            assert!(c.iter().any(|w| w == name), "{c:?}");
        }
    }
}

#[test]
fn rc_local_stops_at_the_first_failure_and_names_the_command() {
    let mut t = of_mode("gre1", Mode::Gre);
    t.routes.push(route("10.2.0.0/24", None, None, None));
    t.neighbours.push(neigh("10.0.0.9", "203.0.113.9"));
    let stub = Stub::new();
    let script = rc_local(&t, stub.dir.path());
    let out = stub.run(&script, "start", Some("route"));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ip route replace 10.2.0.0/24 dev gre1: failed"),
        "{stderr}"
    );
    let calls = stub.take();
    assert_eq!(
        calls.last().unwrap()[1],
        "route",
        "nothing runs after the failure"
    );
    assert!(!calls.iter().any(|c| c[1] == "neigh"));

    let out = stub.run(&script, "restart", None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stub.take(), Vec::<Vec<String>>::new());
}

/// Golden outputs, hand-checked against iproute2's argument rules. Set
/// GRECFG_BLESS=1 to rewrite them (and review the diff).
#[test]
fn golden_outputs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/render");
    let env = environment(None).unwrap();
    let bless = std::env::var("GRECFG_BLESS").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut dirs: Vec<_> = fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    for dir in dirs {
        cases += 1;
        let t: Tunnel = serde_json::from_str(&fs::read_to_string(dir.join("tunnel.json")).unwrap()).unwrap();
        let (lowered, _) = iproute2::lower(&t, &Default::default()).unwrap();
        for target in [Target::Iproute2, Target::RcLocal, Target::Systemd] {
            for f in render(target.meta(), std::slice::from_ref(&lowered), &env).unwrap() {
                let path = dir.join(&f.name);
                if bless {
                    fs::write(&path, &f.contents).unwrap();
                    continue;
                }
                let want = fs::read_to_string(&path).unwrap_or_default();
                if want != f.contents {
                    let diff = similar::TextDiff::from_lines(&want, &f.contents)
                        .unified_diff()
                        .header(&path.display().to_string(), "rendered")
                        .to_string();
                    failures.push(diff);
                }
            }
        }
    }
    assert!(cases >= 3, "no golden cases in {}", root.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_template_directory_replaces_only_the_templates_it_holds() {
    let dir = tempdir();
    fs::write(
        dir.path().join("rc.local.j2"),
        "#!/bin/sh\n# mine\n{{ up[0]|shcmd }}\n",
    )
    .unwrap();
    fs::write(dir.path().join("unrelated.j2"), "{{ ignored }").unwrap();
    let t = of_mode("gre1", Mode::Gre);
    let custom = environment(Some(dir.path())).unwrap();
    let stock = environment(None).unwrap();
    let rc = render(Target::RcLocal.meta(), std::slice::from_ref(&t), &custom).unwrap();
    assert_eq!(
        rc[0].contents,
        "#!/bin/sh\n# mine\nip tunnel add name gre1 mode gre remote 198.51.100.1 local 192.0.2.1 ikey 1000 okey 2000\n"
    );
    for target in [Target::Iproute2, Target::Systemd] {
        assert_eq!(
            render(target.meta(), std::slice::from_ref(&t), &custom).unwrap(),
            render(target.meta(), std::slice::from_ref(&t), &stock).unwrap()
        );
    }
    // A broken replacement is an error naming the template.
    fs::write(dir.path().join("systemd.service.j2"), "{{ name|sh ").unwrap();
    let err = environment(Some(dir.path())).unwrap_err().to_string();
    assert!(err.contains("systemd.service.j2"), "{err}");
    // So is a variable the template does not get.
    fs::write(dir.path().join("systemd.service.j2"), "{{ nosuch|sh }}").unwrap();
    let env = environment(Some(dir.path())).unwrap();
    assert!(render(Target::Systemd.meta(), std::slice::from_ref(&t), &env).is_err());
}

#[test]
fn invalid_tunnels_are_refused() {
    let env = environment(None).unwrap();
    let t = of_mode("a b", Mode::Gre);
    assert!(render(Target::RcLocal.meta(), &[t], &env).is_err());
}
