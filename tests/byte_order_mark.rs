//! A byte-order mark (U+FEFF, EF BB BF) at the start of an input is an
//! error that says so, in every reader: none of the programs that read
//! these files skips it (see `diag::byte_order_mark`).

use std::fs;
use std::process::Command;

mod common;
use common::tempdir;

const BOM: &str = "\u{feff}";

/// Each format: a file name, a valid text and words of what its consumer
/// does with the mark.
const INPUTS: &[(&str, &str, &str)] = &[
    (
        "ifcfg-gre1",
        "DEVICE=gre1\nTYPE=GRE\nPEER_OUTER_IPADDR=192.0.2.2\nMY_OUTER_IPADDR=192.0.2.1\n",
        "NetworkManager's ifcfg-rh reader takes as part of the first line",
    ),
    (
        "gre1.nmconnection",
        "[connection]\nid=gre1\ntype=ip-tunnel\ninterface-name=gre1\n\n[ip-tunnel]\nmode=2\nremote=192.0.2.2\nlocal=192.0.2.1\n\n[ipv4]\nmethod=disabled\n\n[ipv6]\nmethod=disabled\n",
        "GLib's GKeyFile) refuses",
    ),
    (
        "gre1.ip",
        "ip tunnel add gre1 mode gre remote 192.0.2.2 local 192.0.2.1\n",
        "the shell takes as part of the first word",
    ),
    (
        "rc.local",
        "#!/bin/sh\nip tunnel add gre1 mode gre remote 192.0.2.2 local 192.0.2.1\n",
        "a `#!` line is no longer one",
    ),
    (
        "gre1.nmcli",
        "nmcli connection add type ip-tunnel con-name gre1 ifname gre1 mode gre remote 192.0.2.2 local 192.0.2.1\n",
        "the shell takes as part of the first word",
    ),
    ("gre1.json", "{\"name\": \"gre1\"}\n", "JSON forbids (RFC 8259, section 8.1)"),
];

fn convert(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_grecfg"));
    cmd.current_dir(dir)
        .arg("convert")
        .args(args)
        .args(["--to", "nm", "--output-dir", "out"]);
    let out = match stdin {
        Some(text) => {
            use std::io::Write;
            cmd.stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            let mut child = cmd.spawn().unwrap();
            child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
            child.wait_with_output().unwrap()
        }
        None => cmd.output().unwrap(),
    };
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_reader_names_the_mark() {
    let mut failures = Vec::new();
    for &(name, text, consumer) in INPUTS {
        let dir = tempdir();
        fs::write(dir.path().join(name), format!("{BOM}{text}")).unwrap();
        let (status, stderr) = convert(dir.path(), &[name], None);
        let want = format!("{name}:1:1: error: the file starts with a byte-order mark (U+FEFF), which");
        if status != 2
            || !stderr.contains(&want)
            || !stderr.contains(consumer)
            || !stderr.contains("save it without one")
        {
            failures.push(format!("{name}: status {status}\n{stderr}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn without_the_mark_the_inputs_convert() {
    // The mark is the only problem of the inputs above (the model JSON
    // aside, which is not a whole model).
    for &(name, text, _) in INPUTS.iter().filter(|i| !i.0.ends_with(".json")) {
        let dir = tempdir();
        fs::write(dir.path().join(name), text).unwrap();
        let (status, stderr) = convert(dir.path(), &[name], None);
        assert_eq!(status, 0, "{name}: {stderr}");
    }
}

#[test]
fn a_companion_with_the_mark() {
    let dir = tempdir();
    fs::write(dir.path().join("ifcfg-gre1"), INPUTS[0].1).unwrap();
    fs::write(
        dir.path().join("route-gre1"),
        format!("{BOM}ADDRESS0=198.51.100.0\nNETMASK0=255.255.255.0\n"),
    )
    .unwrap();
    let (status, stderr) = convert(dir.path(), &["ifcfg-gre1"], None);
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains("route-gre1") && stderr.contains("byte-order mark (U+FEFF)"),
        "{stderr}"
    );
}

#[test]
fn standard_input_with_the_mark_is_still_recognised() {
    let dir = tempdir();
    let (status, stderr) = convert(dir.path(), &["-"], Some(&format!("{BOM}{}", INPUTS[1].1)));
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains("<stdin>:1:1") && stderr.contains("GKeyFile"),
        "{stderr}"
    );
}
