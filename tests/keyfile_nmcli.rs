//! The keyfile writer against the real NetworkManager: for each tunnel,
//! `nmcli --offline connection add` with the same properties must print
//! exactly what grecfg writes.

use std::process::Command;

use grecfg::format::{UuidPolicy, WriteOptions};
use grecfg::formats::keyfile;
use grecfg::model::{Extra, InnerAddress, Mode, Neighbour, Route, Tunnel};

struct Case {
    tunnel: Tunnel,
    /// nmcli arguments for what the model cannot say through fields
    /// (extras), appended after the generated ones.
    extra_args: Vec<&'static str>,
}

fn net(s: &str) -> ipnet::IpNet {
    s.parse().unwrap()
}

fn ip(s: &str) -> std::net::IpAddr {
    s.parse().unwrap()
}

fn addr(a: &str) -> InnerAddress {
    InnerAddress {
        address: net(a),
        peer: None,
    }
}

fn route(d: &str, gw: Option<&str>, metric: Option<u32>, table: Option<u32>) -> Route {
    Route {
        destination: net(d),
        gateway: gw.map(ip),
        metric,
        table,
    }
}

fn extra(key: &str, value: &str) -> Extra {
    Extra {
        format: "keyfile".into(),
        key: key.into(),
        value: value.into(),
    }
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();

    let mut t = Tunnel::new("gre_hk", Mode::Gre);
    t.local = Some(ip("172.31.34.149"));
    t.remote = Some(ip("172.31.37.44"));
    t.addresses.push(addr("10.10.10.1/30"));
    out.push(Case {
        tunnel: t,
        extra_args: vec![],
    });

    // Point-to-point peer outside the prefix, keys, ttl, mtu, parent.
    let mut t = Tunnel::new("gre1", Mode::Gre);
    t.id = Some("Office tunnel; #1 = \\main\\".into());
    t.local = Some(ip("192.0.2.1"));
    t.remote = Some(ip("198.51.100.7"));
    t.input_key = Some(0);
    t.output_key = Some(4294967295);
    t.ttl = 64;
    t.tos = 1;
    t.mtu = Some(1472);
    t.parent = Some("eth0".into());
    t.addresses.push(InnerAddress {
        address: net("10.0.0.1/32"),
        peer: Some(net("10.0.0.2/32")),
    });
    t.routes
        .push(route("10.2.0.0/16", Some("10.0.0.2"), Some(100), Some(200)));
    t.routes.push(route("10.3.0.0/16", None, Some(7), None));
    out.push(Case {
        tunnel: t,
        extra_args: vec![],
    });

    // A profile name over two lines: single quotes span the line break in
    // the nmcli command, and the keyfile escapes it as `\n`.
    let mut t = Tunnel::new("gre2", Mode::Gre);
    t.id = Some("line one\nline two".into());
    t.remote = Some(ip("198.51.100.9"));
    out.push(Case {
        tunnel: t,
        extra_args: vec![],
    });

    // Multipoint GRE with neighbours, not autoconnected, firewalld zone.
    let mut t = Tunnel::new("mgre0", Mode::Gre);
    t.local = Some(ip("192.0.2.1"));
    t.input_key = Some(1234);
    t.output_key = Some(1234);
    t.autoconnect = false;
    t.zone = Some(" trusted\tzone".into());
    t.addresses.push(addr("10.99.0.1/24"));
    t.neighbours.push(Neighbour {
        inner: ip("10.99.0.2"),
        outer: ip("198.51.100.2"),
    });
    out.push(Case {
        tunnel: t,
        extra_args: vec![],
    });

    // ip6gre with every IPv6-only option and both address families.
    let mut t = Tunnel::new("ip6gre1", Mode::Ip6gre);
    t.id = Some("ä/ö ünïcode".into());
    t.local = Some(ip("2001:db8::1"));
    t.remote = Some(ip("2001:db8::2"));
    t.encapsulation_limit = 3;
    t.flow_label = 0xabcde;
    t.path_mtu_discovery = false;
    t.mtu = Some(1400);
    t.addresses.push(addr("fd00::1/64"));
    t.addresses.push(addr("10.1.1.1/24"));
    t.routes.push(route("fd01::/64", Some("fd00::2"), None, None));
    t.routes.push(route("::/0", None, Some(10), Some(3)));
    t.routes.push(route("10.5.0.0/16", None, None, Some(254)));
    out.push(Case {
        tunnel: t,
        extra_args: vec![],
    });

    // ip6ip6 with tunnel flags, multipoint (remote ::).
    let mut t = Tunnel::new("ip6tnl1", Mode::Ip6ip6);
    t.local = Some(ip("2001:db8::10"));
    t.flags = 0x1 | 0x2 | 0x20;
    t.ttl = 255;
    t.addresses.push(addr("fd10::1/128"));
    t.addresses.push(addr("fd10::2/128"));
    out.push(Case {
        tunnel: t,
        extra_args: vec![],
    });

    // ipip6 (IPv4 over IPv6), no addresses at all.
    let mut t = Tunnel::new("ipip6x", Mode::Ipip6);
    t.remote = Some(ip("2001:db8::99"));
    t.flags = 0x4;
    out.push(Case {
        tunnel: t,
        extra_args: vec![],
    });

    // sit with extras NetworkManager knows: DNS, never-default, route
    // attributes, addr-gen-mode, proxy method.
    let mut t = Tunnel::new("sit1", Mode::Sit);
    t.local = Some(ip("192.0.2.5"));
    t.remote = Some(ip("203.0.113.9"));
    t.addresses.push(addr("2001:db8:5::1/64"));
    t.routes.push(route("2001:db8:6::/48", None, None, Some(5)));
    t.extras = vec![
        extra("ipv6.dns", "2001:db8::53;"),
        extra("ipv6.never-default", "true"),
        extra("ipv6.addr-gen-mode", "eui64"),
        extra("ipv6.route1_options", "mtu=1280,onlink=true"),
        extra("proxy.method", "1"),
        extra("connection.autoconnect-priority", "5"),
    ];
    out.push(Case {
        tunnel: t,
        extra_args: vec![
            "ipv6.dns",
            "2001:db8::53",
            "ipv6.never-default",
            "yes",
            "ipv6.addr-gen-mode",
            "eui64",
            "ipv6.routes",
            "2001:db8:6::/48 table=5 mtu=1280 onlink=true",
            "proxy.method",
            "auto",
            "connection.autoconnect-priority",
            "5",
        ],
    });

    // gretap with a gateway (written on address1), vti with a key,
    // ip6gretap, isatap, vti6: every remaining mode.
    let mut t = Tunnel::new("gretap1", Mode::Gretap);
    t.remote = Some(ip("198.51.100.1"));
    t.addresses.push(addr("10.7.0.1/24"));
    t.addresses.push(addr("10.7.1.1/24"));
    t.extras = vec![
        extra("ipv4.gateway", "10.7.0.254"),
        extra("ipv4.dns-search", "example.com;"),
    ];
    out.push(Case {
        tunnel: t,
        extra_args: vec!["ipv4.gateway", "10.7.0.254", "ipv4.dns-search", "example.com"],
    });

    // An explicit stable-privacy is not NetworkManager's `default`.
    let mut t = Tunnel::new("gre_sp", Mode::Gre);
    t.remote = Some(ip("192.0.2.60"));
    t.addresses.push(addr("2001:db8:6::1/64"));
    t.extras = vec![extra("ipv6.addr-gen-mode", "stable-privacy")];
    out.push(Case {
        tunnel: t,
        extra_args: vec!["ipv6.addr-gen-mode", "stable-privacy"],
    });

    // default-or-eui64 is the keyfile's absent addr-gen-mode: nmcli writes
    // no key, and the file without it reads back as this extra.
    let mut t = Tunnel::new("gre_de", Mode::Gre);
    t.remote = Some(ip("192.0.2.62"));
    t.addresses.push(addr("2001:db8:8::1/64"));
    t.extras = vec![extra("ipv6.addr-gen-mode", "default-or-eui64")];
    out.push(Case {
        tunnel: t,
        extra_args: vec!["ipv6.addr-gen-mode", "default-or-eui64"],
    });

    // NetworkManager drops the gateway of a never-default profile.
    let mut t = Tunnel::new("gre_nd", Mode::Gre);
    t.remote = Some(ip("192.0.2.61"));
    t.addresses.push(addr("198.51.100.9/24"));
    t.addresses.push(addr("2001:db8:7::1/64"));
    t.extras = vec![
        extra("ipv4.gateway", "198.51.100.254"),
        extra("ipv4.never-default", "true"),
        extra("ipv6.gateway", "2001:db8:7::fe"),
        extra("ipv6.never-default", "true"),
    ];
    out.push(Case {
        tunnel: t,
        extra_args: vec![
            "ipv4.gateway",
            "198.51.100.254",
            "ipv4.never-default",
            "yes",
            "ipv6.gateway",
            "2001:db8:7::fe",
            "ipv6.never-default",
            "yes",
        ],
    });

    let mut t = Tunnel::new("vti1", Mode::Vti);
    t.id = Some(".hidden~".into());
    t.local = Some(ip("192.0.2.1"));
    t.remote = Some(ip("192.0.2.2"));
    t.input_key = Some(10);
    t.output_key = Some(11);
    out.push(Case {
        tunnel: t,
        extra_args: vec![],
    });

    let mut t = Tunnel::new("l2gre6", Mode::Ip6gretap);
    t.id = Some("x.pem".into());
    t.remote = Some(ip("2001:db8::7"));
    t.tos = 0x10;
    t.addresses.push(addr("192.168.50.1/24"));
    out.push(Case {
        tunnel: t,
        extra_args: vec![],
    });

    for (name, mode, remote) in [
        ("isatap0x", Mode::Isatap, "192.0.2.44"),
        ("vti6a", Mode::Vti6, "2001:db8::44"),
        ("ipip9", Mode::Ipip, "192.0.2.45"),
    ] {
        let mut t = Tunnel::new(name, mode);
        t.remote = Some(ip(remote));
        out.push(Case {
            tunnel: t,
            extra_args: vec![],
        });
    }
    out
}

/// nmcli arguments for a lowered tunnel's fields.
fn nmcli_args(t: &Tunnel) -> Vec<String> {
    let mut a: Vec<String> = Vec::new();
    let mut kv = |k: &str, v: String| {
        a.push(k.to_string());
        a.push(v);
    };
    kv("con-name", t.profile_id().to_string());
    kv("ifname", t.name.clone());
    kv("connection.uuid", t.uuid.unwrap().to_string());
    kv("ip-tunnel.mode", t.mode.name().to_string());
    let any = if t.mode.outer_family() == grecfg::model::Family::V6 {
        "::"
    } else {
        "0.0.0.0"
    };
    kv(
        "ip-tunnel.remote",
        t.remote.map_or(any.to_string(), |r| r.to_string()),
    );
    if let Some(l) = t.local {
        kv("ip-tunnel.local", l.to_string());
    }
    if let Some(k) = t.input_key {
        kv("ip-tunnel.input-key", k.to_string());
    }
    if let Some(k) = t.output_key {
        kv("ip-tunnel.output-key", k.to_string());
    }
    kv("ip-tunnel.ttl", t.ttl.to_string());
    kv("ip-tunnel.tos", t.tos.to_string());
    kv(
        "ip-tunnel.path-mtu-discovery",
        if t.path_mtu_discovery { "yes" } else { "no" }.into(),
    );
    if let Some(m) = t.mtu {
        kv("ip-tunnel.mtu", m.to_string());
    }
    if let Some(p) = &t.parent {
        kv("ip-tunnel.parent", p.clone());
    }
    if t.mode.outer_family() == grecfg::model::Family::V6 {
        kv("ip-tunnel.encapsulation-limit", t.encapsulation_limit.to_string());
        kv("ip-tunnel.flow-label", t.flow_label.to_string());
    }
    if t.mode.is_ip6tnl() {
        kv("ip-tunnel.flags", t.flags.to_string());
    }
    kv(
        "connection.autoconnect",
        if t.autoconnect { "yes" } else { "no" }.into(),
    );
    if let Some(z) = &t.zone {
        kv("connection.zone", z.clone());
    }
    for (setting, v6) in [("ipv4", false), ("ipv6", true)] {
        let addrs: Vec<String> = t
            .addresses
            .iter()
            .filter(|x| x.address.addr().is_ipv6() == v6)
            .map(|x| x.address.to_string())
            .collect();
        kv(
            &format!("{setting}.method"),
            if addrs.is_empty() { "disabled" } else { "manual" }.into(),
        );
        if !addrs.is_empty() {
            kv(&format!("{setting}.addresses"), addrs.join(","));
        }
        let routes: Vec<String> = t
            .routes
            .iter()
            .filter(|r| r.destination.addr().is_ipv6() == v6)
            .map(|r| {
                let mut s = r.destination.to_string();
                if let Some(g) = r.gateway {
                    s.push_str(&format!(" {g}"));
                } else if r.metric.is_some() {
                    s.push_str(if v6 { " ::" } else { " 0.0.0.0" });
                }
                if let Some(m) = r.metric {
                    s.push_str(&format!(" {m}"));
                }
                if let Some(tb) = r.table {
                    s.push_str(&format!(" table={tb}"));
                }
                s
            })
            .collect();
        if !routes.is_empty() {
            kv(&format!("{setting}.routes"), routes.join(", "));
        }
    }
    a
}

#[test]
fn encode_matches_nmcli_offline_byte_for_byte() {
    let have_nmcli = Command::new("nmcli")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_nmcli {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("nmcli is required in CI to check the keyfile writer against NetworkManager");
        }
        eprintln!("skipped: nmcli not found; the keyfile writer is not checked against NetworkManager");
        return;
    }
    let opts = WriteOptions {
        uuid: UuidPolicy::Stable,
        ..WriteOptions::default()
    };
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 8);
    for case in cases {
        assert!(case.tunnel.validate().is_empty(), "{:?}", case.tunnel.validate());
        let (lowered, _) = keyfile::lower(&case.tunnel, &opts).expect("lowers");
        let ours = keyfile::encode(&lowered).remove(0);
        let mut args = nmcli_args(&lowered);
        // Later arguments override: extras' nmcli spelling goes last.
        let mut extra: Vec<String> = case.extra_args.iter().map(|s| s.to_string()).collect();
        if let Some(pos) = args.iter().position(|a| a == "ipv6.routes") {
            if extra.iter().any(|a| a == "ipv6.routes") {
                args.drain(pos..pos + 2);
            }
        }
        args.append(&mut extra);
        let out = Command::new("nmcli")
            .args(["--offline", "connection", "add", "type", "ip-tunnel"])
            .args(&args)
            .output()
            .expect("nmcli runs");
        let theirs = String::from_utf8(out.stdout).unwrap();
        if !out.status.success() {
            failures.push(format!(
                "{}: nmcli failed: {}\nargs: {args:?}",
                lowered.name,
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        if theirs != ours.contents {
            failures.push(format!(
                "{}: grecfg and nmcli differ\n--- grecfg\n{}--- nmcli\n{}",
                lowered.name, ours.contents, theirs
            ));
        }
        // The file reads back as the lowered tunnel.
        let src = grecfg::diag::Source::new(ours.name.clone(), None, ours.contents.clone());
        match keyfile::read_one(&src) {
            Ok(p) if p.tunnel == lowered => {}
            Ok(p) => failures.push(format!(
                "{}: read back differs:\n{:#?}\n{:#?}",
                lowered.name, p.tunnel, lowered
            )),
            Err(f) => failures.push(format!("{}: read back fails: {f}", lowered.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The nmcli encoding of the same dictionary: the command grecfg writes
/// for each tunnel, run by `sh` with `nmcli` standing for `nmcli
/// --offline`, must print exactly the keyfile grecfg writes.
#[test]
fn nmcli_command_matches_the_keyfile_byte_for_byte() {
    let have_nmcli = Command::new("nmcli")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_nmcli {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("nmcli is required in CI to check the nmcli writer against NetworkManager");
        }
        eprintln!("skipped: nmcli not found; the nmcli writer is not checked against NetworkManager");
        return;
    }
    let opts = WriteOptions::default();
    let mut failures = Vec::new();
    for case in cases() {
        let (lowered, warnings) = grecfg::nm::nmcli::lower(&case.tunnel, &opts).expect("lowers");
        assert!(
            warnings.iter().all(|w| !w.message.contains("nmcli argument")),
            "{warnings:?}"
        );
        let keyfile = keyfile::encode(&lowered).remove(0).contents;
        let script = grecfg::nm::nmcli::command_line(&lowered);
        let out = Command::new("sh")
            .arg("-c")
            .arg(r#"nmcli() { command nmcli --offline "$@"; }; eval "$1""#)
            .arg("sh")
            .arg(&script)
            .output()
            .expect("sh runs");
        let theirs = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || theirs != keyfile {
            failures.push(format!(
                "{}: nmcli --offline differs for\n{script}--- grecfg keyfile\n{keyfile}--- nmcli\n{theirs}{}",
                lowered.name,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
