//! `grecfg generator`, the systemd generator, on machine trees: off unless
//! turned on (a file or the kernel command line), the runtime profiles of
//! `fixtures/tree-rhel-tunnels` (the keyfiles NetworkManager checks, as
//! migrating writes them), a bad file among good ones, a persistent
//! profile that wins, profiles that go with their ifcfg files, and the
//! link systemd runs it by.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::tree;

const RUNTIME: &str = "run/NetworkManager/system-connections";
const SCRIPTS: &str = "etc/sysconfig/network-scripts";

fn case() -> std::path::PathBuf {
    common::fixtures().join("tree-rhel-tunnels")
}

fn copy_root(to: &Path) {
    common::copy_tree(&case().join("root"), to);
}

fn enable(root: &Path) {
    fs::create_dir_all(root.join("etc/grecfg")).unwrap();
    fs::write(root.join("etc/grecfg/ifcfg-generator.enable"), "").unwrap();
}

fn generator(root: &Path) -> Output {
    let out = root.join("unit-dirs");
    Command::new(env!("CARGO_BIN_EXE_grecfg"))
        .args(["generator", "--root"])
        .arg(root)
        .arg(out.join("normal"))
        .arg(out.join("early"))
        .arg(out.join("late"))
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The runtime profiles under `root`, by file name.
fn runtime(root: &Path) -> Vec<(String, Vec<u8>, u32)> {
    tree(&root.join(RUNTIME))
        .into_iter()
        .map(|(name, (bytes, mode))| (name, bytes, mode))
        .collect()
}

#[test]
fn off_unless_turned_on() {
    let tmp = common::tempdir();
    copy_root(tmp.path());
    let before = tree(tmp.path());
    let o = generator(tmp.path());
    assert!(o.status.success());
    assert_eq!(stderr(&o), "");
    assert_eq!(tree(tmp.path()), before, "nothing written");

    // The kernel command line turns it on for one boot, or off over the file.
    fs::create_dir_all(tmp.path().join("proc")).unwrap();
    fs::write(
        tmp.path().join("proc/cmdline"),
        "ro quiet grecfg.ifcfg-generator=1\n",
    )
    .unwrap();
    assert!(generator(tmp.path()).status.success());
    assert_eq!(runtime(tmp.path()).len(), 4);
    enable(tmp.path());
    fs::write(tmp.path().join("proc/cmdline"), "ro grecfg.ifcfg-generator=0\n").unwrap();
    assert!(generator(tmp.path()).status.success());
    assert_eq!(
        runtime(tmp.path()),
        Vec::new(),
        "turned off: the runtime profiles go"
    );
}

#[test]
fn the_runtime_profiles_are_the_keyfiles_and_go_with_their_files() {
    let tmp = common::tempdir();
    copy_root(tmp.path());
    enable(tmp.path());
    let o = generator(tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("4 runtime profile(s)"), "{}", stderr(&o));
    let expected = tree(&case().join("expected/etc/NetworkManager/system-connections"));
    let got = runtime(tmp.path());
    assert_eq!(got.len(), expected.len());
    for (name, bytes, mode) in &got {
        assert_eq!(
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&expected[name].0),
            "{name}"
        );
        assert_eq!(*mode, 0o600, "{name}");
    }
    // The ifcfg files are not touched.
    assert!(tmp.path().join(SCRIPTS).join("ifcfg-gre_hk").exists());

    // Again: the same; a file removed: its profile goes.
    assert!(generator(tmp.path()).status.success());
    assert_eq!(runtime(tmp.path()), got);
    fs::remove_file(tmp.path().join(SCRIPTS).join("ifcfg-gre2")).unwrap();
    assert!(generator(tmp.path()).status.success());
    let names: Vec<String> = runtime(tmp.path()).into_iter().map(|(n, _, _)| n).collect();
    assert_eq!(
        names,
        [
            "gre-p2p.nmconnection",
            "gre_hk.nmconnection",
            "ip6gre1.nmconnection"
        ]
    );
    assert!(!tree(tmp.path()).keys().any(|k| k.contains(".grecfg-")));
}

#[test]
fn no_tunnels_nothing_written() {
    let tmp = common::tempdir();
    fs::create_dir_all(tmp.path().join(SCRIPTS)).unwrap();
    fs::write(
        tmp.path().join(SCRIPTS).join("ifcfg-eth0"),
        "DEVICE=eth0\nTYPE=Ethernet\n",
    )
    .unwrap();
    enable(tmp.path());
    let before = tree(tmp.path());
    assert!(generator(tmp.path()).status.success());
    assert_eq!(tree(tmp.path()), before);
    assert!(!tmp.path().join("run").exists());
}

#[test]
fn a_bad_file_is_skipped_by_name_and_line_the_others_load() {
    let tmp = common::tempdir();
    copy_root(tmp.path());
    enable(tmp.path());
    fs::write(
        tmp.path().join(SCRIPTS).join("ifcfg-bad"),
        "DEVICE=bad\nTYPE=GRE\nPEER_OUTER_IPADDR=198.51.100.7\nKEY=lichenhao\n",
    )
    .unwrap();
    let o = generator(tmp.path());
    assert!(o.status.success(), "a generator never fails the boot");
    let err = stderr(&o);
    let bad = tmp.path().join(SCRIPTS).join("ifcfg-bad");
    assert!(err.contains(&format!("{}:4:5: error:", bad.display())), "{err}");
    assert!(
        err.contains("skipped") && err.contains("4 runtime profile(s)"),
        "{err}"
    );
    assert_eq!(runtime(tmp.path()).len(), 4);
}

#[test]
fn a_persistent_profile_wins() {
    let tmp = common::tempdir();
    copy_root(tmp.path());
    enable(tmp.path());
    let etc = tmp.path().join("etc/NetworkManager/system-connections");
    fs::create_dir_all(&etc).unwrap();
    // Another file name, the same interface.
    fs::write(
        etc.join("hk.nmconnection"),
        "[connection]\nid=hk\nuuid=0d0d0d0d-0000-4000-8000-000000000001\ntype=ip-tunnel\ninterface-name=gre_hk\n",
    )
    .unwrap();
    let o = generator(tmp.path());
    assert!(o.status.success());
    assert!(
        stderr(&o).contains(
            "gre_hk: left to the persistent profile /etc/NetworkManager/system-connections/hk.nmconnection"
        ),
        "{}",
        stderr(&o)
    );
    let names: Vec<String> = runtime(tmp.path()).into_iter().map(|(n, _, _)| n).collect();
    assert!(!names.contains(&"gre_hk.nmconnection".to_string()), "{names:?}");
    assert_eq!(names.len(), 3);
}

/// systemd runs `grecfg-ifcfg-generator` (a link to grecfg) with the
/// output directories only: no subcommand. Without them it says how.
#[test]
fn the_link_systemd_runs_is_the_generator() {
    let tmp = common::tempdir();
    let link = tmp.path().join("grecfg-ifcfg-generator");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_grecfg"), &link).unwrap();
    let o = Command::new(&link).output().unwrap();
    assert!(o.status.success());
    assert!(stderr(&o).contains("usage: grecfg generator"), "{}", stderr(&o));
}
