//! `grecfg migrate` and `grecfg status` against a real NetworkManager
//! (`tests/nm/sandbox`): `migration_in_networkmanager` runs this binary
//! again inside the sandbox, where `sandboxed_migration` (ignored in normal
//! runs) migrates a copy of `fixtures/tree-rhel-tunnels` whose keyfile
//! directory is NetworkManager's own (a bind mount), then:
//!
//! * every written keyfile loads (`nmcli connection load`) and NetworkManager
//!   reads it as the ifcfg file means it (each value taken from the ifcfg
//!   text here, not from grecfg's reader);
//! * `grecfg status` reports the profiles as not active and the devices as
//!   missing, at the keyfile's line, and exits 1;
//! * `--undo` puts the tree back byte for byte;
//! * `--activate`: on a kernel without GRE every activation fails, the
//!   checkpoint is rolled back, the tree is as before and NetworkManager has
//!   the profiles it had; with GRE the tunnels come up, the devices run as
//!   configured, and `status` is clean;
//! * without `--root`, `/`'s directories are used, not the working
//!   directory's;
//! * `grecfg generator`'s runtime profiles, written into NetworkManager's
//!   `/run` directory, are listed by NetworkManager from their files.
//!
//! Without root or the tools, the outer test prints "skipped: WHY" and
//! passes, unless `CI=true`, where it fails.

#![cfg(feature = "dbus")]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{missing_requirements, repo, skip, tree};

const GRECFG: &str = env!("CARGO_BIN_EXE_grecfg");
const INSIDE: &str = "GRECFG_MIGRATE_SANDBOXED";
const NM_DIR: &str = "/etc/NetworkManager/system-connections";

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {:?}: {e}", cmd.get_program()))
}

fn show(what: &str, o: &Output) -> String {
    format!(
        "{what}: {}\n--- stdout\n{}\n--- stderr\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn grecfg(args: &[&str]) -> Output {
    run(Command::new(GRECFG).args(args))
}

fn nmcli(args: &[&str]) -> String {
    let o = run(Command::new("nmcli").args(args));
    assert!(o.status.success(), "{}", show(&format!("nmcli {args:?}"), &o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The `KEY=value` of an ifcfg file, as initscripts' shell reads these
/// simple, unquoted lines.
fn ifcfg(path: &Path) -> BTreeMap<String, String> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn migration_in_networkmanager() {
    const TEST: &str = "migration_in_networkmanager";
    if let Some(why) = missing_requirements(
        true,
        &["nmcli", "unshare", "dbus-daemon", "NetworkManager", "ip", "mount"],
    ) {
        return skip(TEST, &why);
    }
    let me = std::env::current_exe().unwrap();
    let out = run(Command::new("bash")
        .arg(repo().join("tests/nm/sandbox"))
        .args([
            me.to_str().unwrap(),
            "--exact",
            "sandboxed_migration",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(INSIDE, "1"));
    let all = show("sandboxed migration", &out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("1 passed"), "{all}");
}

/// The profile of `uuid` as NetworkManager has it: `nmcli -g`'s values,
/// with its escaped colons (`2001\:db8\:\:1`) unescaped.
fn profile(uuid: &str, fields: &str) -> Vec<String> {
    nmcli(&["-g", fields, "connection", "show", "uuid", uuid])
        .lines()
        .map(|l| l.replace("\\:", ":"))
        .collect()
}

fn uuids() -> Vec<String> {
    let mut all: Vec<String> = nmcli(&["-g", "uuid", "connection", "show"])
        .lines()
        .map(str::to_string)
        .collect();
    all.sort();
    all
}

fn kernel_has_gre() -> bool {
    let ok =
        run(Command::new("ip").args(["link", "add", "grecfgprobe", "type", "gre", "remote", "192.0.2.9"]))
            .status
            .success();
    if ok {
        run(Command::new("ip").args(["link", "del", "grecfgprobe"]));
    }
    ok
}

#[test]
#[ignore = "run inside the NetworkManager sandbox by migration_in_networkmanager"]
fn sandboxed_migration() {
    assert!(
        std::env::var_os(INSIDE).is_some(),
        "run through migration_in_networkmanager"
    );
    let tmp = tempfile::Builder::new()
        .prefix("grecfg-migrate-")
        .tempdir_in("/tmp")
        .unwrap();
    let root = tmp.path();
    let fixture = repo().join("fixtures/tree-rhel-tunnels/root");
    common::copy_tree(&fixture, root);
    // The tree's keyfile directory is NetworkManager's (this mount
    // namespace is the sandbox's own).
    let keyfiles = root.join("etc/NetworkManager/system-connections");
    fs::create_dir_all(&keyfiles).unwrap();
    let o = run(Command::new("mount").args(["--bind", NM_DIR]).arg(&keyfiles));
    assert!(o.status.success(), "{}", show("mount --bind", &o));
    let before = tree(root);
    let profiles_before = uuids();
    let scripts = fixture.join("etc/sysconfig/network-scripts");
    let root_s = root.to_str().unwrap();

    // Without --root, / is migrated: not the tree under the working
    // directory (this /etc has no ifcfg files).
    let o = run(Command::new(GRECFG)
        .args(["migrate", "--dry-run"])
        .current_dir(root));
    assert!(
        o.status.success(),
        "{}",
        show("migrate --dry-run in the tree", &o)
    );
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("gre_hk")
            && !String::from_utf8_lossy(&o.stderr).contains("gre_hk"),
        "{}",
        show("migrate --dry-run without --root", &o)
    );

    // Migrated, every keyfile loads and means what its ifcfg file says.
    let o = grecfg(&["migrate", "--root", root_s]);
    assert!(o.status.success(), "{}", show("migrate", &o));
    for name in ["gre_hk", "gre-p2p", "gre2", "ip6gre1"] {
        let file = format!("{NM_DIR}/{name}.nmconnection");
        nmcli(&["connection", "load", &file]);
        let text = fs::read_to_string(&file).unwrap();
        let uuid = text
            .lines()
            .find_map(|l| l.strip_prefix("uuid="))
            .expect("a uuid")
            .to_string();
        let want = ifcfg(&scripts.join(format!("ifcfg-{name}")));
        let got = profile(
            &uuid,
            "connection.interface-name,connection.type,ip-tunnel.mode,ip-tunnel.local,ip-tunnel.remote,ipv4.method",
        );
        assert_eq!(
            got,
            vec![
                want["DEVICE"].clone(),
                "ip-tunnel".into(),
                // initscripts' TYPE: GRE over IPv4, GRE6 over IPv6.
                match want["TYPE"].as_str() {
                    "GRE" => "gre".into(),
                    "GRE6" => "ip6gre".into(),
                    t => panic!("{name}: TYPE={t}"),
                },
                want["MY_OUTER_IPADDR"].clone(),
                want["PEER_OUTER_IPADDR"].clone(),
                "manual".into(),
            ],
            "{name}"
        );
        let addr = profile(&uuid, "ipv4.addresses").join("");
        let mine = want["MY_INNER_IPADDR"].split('/').next().unwrap();
        assert!(addr.starts_with(mine), "{name}: ipv4.addresses {addr}");
        if let Some(ttl) = want.get("TTL") {
            assert_eq!(profile(&uuid, "ip-tunnel.ttl"), vec![ttl.clone()], "{name}");
        }
        if let Some(v6) = want.get("IPV6ADDR") {
            let got = profile(&uuid, "ipv6.addresses").join("");
            assert!(got.starts_with(v6.as_str()), "{name}: ipv6.addresses {got}");
        }
        if let Some(mtu) = want.get("MTU") {
            assert_eq!(profile(&uuid, "ip-tunnel.mtu"), vec![mtu.clone()], "{name}");
        }
        // The key of the keys- file, in ifup-tunnel's hexadecimal or decimal.
        let keys = scripts.join(format!("keys-{name}"));
        if keys.exists() {
            let k = &ifcfg(&keys)["KEY"];
            let k = match k.strip_prefix("0x") {
                Some(h) => u32::from_str_radix(h, 16).unwrap(),
                None => k.parse().unwrap(),
            };
            assert_eq!(
                profile(&uuid, "ip-tunnel.input-key,ip-tunnel.output-key"),
                vec![k.to_string(), k.to_string()],
                "{name}"
            );
        }
    }

    // status: loaded, not active, no device; at the keyfile's line.
    let file = format!("{NM_DIR}/gre_hk.nmconnection");
    let o = grecfg(&["status", &file]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{}", show("status", &o));
    assert!(
        out.contains(&format!("{file}:"))
            && out.contains("gre_hk: NetworkManager's profile gre_hk is not active"),
        "{}",
        show("status", &o)
    );
    let has_gre = kernel_has_gre();
    if !has_gre {
        assert!(out.contains("gre_hk: the kernel has no device gre_hk"), "{out}");
    }
    let o = grecfg(&["status", "--all", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", show("status --all", &o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["summary"]["tunnels"], 4, "{doc}");
    assert_eq!(doc["tunnels"][0]["profile"]["active"], false, "{doc}");

    // Undone: the tree is as before; the profiles go with their files.
    let o = grecfg(&["migrate", "--root", root_s, "--undo"]);
    assert!(o.status.success(), "{}", show("migrate --undo", &o));
    assert_eq!(tree(root), before);
    nmcli(&["connection", "reload"]);
    assert_eq!(uuids(), profiles_before);

    // --activate.
    let o = grecfg(&["migrate", "--root", root_s, "--activate", "--timeout", "20"]);
    if has_gre {
        assert!(o.status.success(), "{}", show("migrate --activate", &o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("every device runs as configured"),
            "{}",
            show("migrate --activate", &o)
        );
        let o = grecfg(&["status", &file]);
        assert!(o.status.success(), "{}", show("status after --activate", &o));
        let o = grecfg(&["migrate", "--root", root_s, "--undo"]);
        assert!(o.status.success(), "{}", show("migrate --undo", &o));
        for uuid in uuids() {
            if !profiles_before.contains(&uuid) {
                nmcli(&["connection", "delete", "uuid", &uuid]);
            }
        }
    } else {
        assert_eq!(
            o.status.code(),
            Some(4),
            "{}",
            show("migrate --activate without GRE", &o)
        );
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(
            e.contains("activation failed")
                && e.contains("gre_hk")
                && e.contains("rolled back to the checkpoint"),
            "{}",
            show("migrate --activate without GRE", &o)
        );
        // NetworkManager deleted the profiles the checkpoint did not have
        // (and their files); grecfg put the ifcfg files back.
        assert_eq!(uuids(), profiles_before);
        assert_eq!(tree(root), before);
        assert!(nmcli(&["-g", "all", "connection", "show"])
            .lines()
            .all(|l| !l.contains("gre_hk")));
    }
    // No checkpoint is left behind.
    let o = run(Command::new("busctl").args([
        "get-property",
        "org.freedesktop.NetworkManager",
        "/org/freedesktop/NetworkManager",
        "org.freedesktop.NetworkManager",
        "Checkpoints",
    ]));
    if o.status.success() {
        assert_eq!(
            String::from_utf8_lossy(&o.stdout).trim(),
            "ao 0",
            "{}",
            show("Checkpoints", &o)
        );
    }
    let o = run(Command::new("umount").arg(&keyfiles));
    assert!(o.status.success(), "{}", show("umount", &o));

    // The generator's runtime profiles, in NetworkManager's /run
    // directory: NetworkManager lists each, from its file there.
    let nm_run = "/run/NetworkManager/system-connections";
    fs::create_dir_all(nm_run).unwrap();
    let runtime = root.join("run/NetworkManager/system-connections");
    fs::create_dir_all(&runtime).unwrap();
    let o = run(Command::new("mount").args(["--bind", nm_run]).arg(&runtime));
    assert!(o.status.success(), "{}", show("mount --bind /run", &o));
    fs::create_dir_all(root.join("etc/grecfg")).unwrap();
    fs::write(root.join("etc/grecfg/ifcfg-generator.enable"), "").unwrap();
    let o = grecfg(&["generator", "--root", root_s, "/tmp/grecfg-gen-normal"]);
    assert!(o.status.success(), "{}", show("generator", &o));
    nmcli(&["connection", "reload"]);
    let listed = nmcli(&["-g", "NAME,FILENAME", "connection", "show"]);
    for name in ["gre_hk", "gre-p2p", "gre2", "ip6gre1"] {
        let want = format!("{name}:{nm_run}/{name}.nmconnection");
        assert!(
            listed.lines().any(|l| l.replace("\\:", ":") == want),
            "{want} not in\n{listed}"
        );
    }
    let o = run(Command::new("umount").arg(&runtime));
    assert!(o.status.success(), "{}", show("umount /run", &o));
}
