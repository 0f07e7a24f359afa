use super::*;
use crate::diag::Severity;
use crate::model::{Extra, InnerAddress, Neighbour, Route};

const NM_GRE_HK: &str = "[connection]\nid=gre_hk\nuuid=4f94f00d-e36e-4f10-8a55-68f63d276d26\ntype=ip-tunnel\ninterface-name=gre_hk\n\n[ip-tunnel]\nlocal=172.31.34.149\nmode=2\nremote=172.31.37.44\n\n[ipv4]\naddress1=10.10.10.1/30\nmethod=manual\n\n[ipv6]\naddr-gen-mode=default\nmethod=disabled\n\n[proxy]\n";

fn src(text: &str) -> Source {
    Source::new("t.nmconnection", None, text)
}

fn read_ok(text: &str) -> Parsed {
    match read_one(&src(text)) {
        Ok(p) => p,
        Err(f) => panic!("{f}"),
    }
}

fn read_err(text: &str) -> Failure {
    match read_one(&src(text)) {
        Ok(p) => panic!("read succeeded: {:?}", p.tunnel),
        Err(f) => f,
    }
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn net(s: &str) -> IpNet {
    s.parse().unwrap()
}

fn opts() -> WriteOptions {
    WriteOptions::default()
}

fn gre() -> Tunnel {
    let mut t = Tunnel::new("gre1", Mode::Gre);
    t.local = Some(ip("192.0.2.1"));
    t.remote = Some(ip("198.51.100.1"));
    t
}

fn fields(w: &[Problem]) -> Vec<&str> {
    w.iter().map(|p| p.field.as_deref().unwrap_or("")).collect()
}

#[test]
fn reads_networkmanagers_own_output() {
    let p = read_ok(NM_GRE_HK);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    let t = &p.tunnel;
    assert_eq!(t.name, "gre_hk");
    assert_eq!(t.mode, Mode::Gre);
    assert_eq!(t.local, Some(ip("172.31.34.149")));
    assert_eq!(t.remote, Some(ip("172.31.37.44")));
    assert_eq!(
        t.addresses,
        vec![InnerAddress {
            address: net("10.10.10.1/30"),
            peer: None
        }]
    );
    assert_eq!(t.id.as_deref(), Some("gre_hk"));
    assert_eq!(
        t.uuid.unwrap().to_string(),
        "4f94f00d-e36e-4f10-8a55-68f63d276d26"
    );
    assert!(t.extras.is_empty(), "{:?}", t.extras);
    assert_eq!(p.origins.get(Some("remote")).unwrap().line, 10);
    assert_eq!(p.origins.get(Some("remote")).unwrap().column, 8);
    assert_eq!(p.origins.get(Some("addresses[0]")).unwrap().line, 13);
    // Written back unchanged.
    let (low, w) = lower(t, &opts()).unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(encode(&low)[0].contents, NM_GRE_HK);
}

#[test]
fn mode_by_name_is_an_error_with_the_number() {
    let f = read_err(&NM_GRE_HK.replace("mode=2", "mode=gre"));
    let d = &f.diagnostics[0];
    let l = d.location.as_ref().unwrap();
    assert_eq!((l.line, l.column, l.len), (9, 6, 3));
    assert_eq!(
        d.hint.as_deref(),
        Some("NetworkManager stores the mode as a number: gre is 2")
    );
    let f = read_err(&NM_GRE_HK.replace("mode=2", "mode=12"));
    assert!(f.diagnostics[0].message.contains("1..11"), "{f}");
}

#[test]
fn keys_must_be_decimal() {
    for bad in ["0x10", "1.2.3.4", "-1", "4294967296"] {
        let f = read_err(&NM_GRE_HK.replace("mode=2", &format!("mode=2\ninput-key={bad}")));
        let d = &f.diagnostics[0];
        assert_eq!(d.location.as_ref().unwrap().line, 10, "{bad}");
        assert!(d.hint.as_deref().unwrap().contains("decimal"), "{bad}: {d}");
    }
    let p = read_ok(&NM_GRE_HK.replace("mode=2", "input-key=0\nmode=2\noutput-key=4294967295"));
    assert_eq!(
        (p.tunnel.input_key, p.tunnel.output_key),
        (Some(0), Some(u32::MAX))
    );
}

#[test]
fn wrong_type_and_missing_interface_name_are_errors() {
    let f = read_err(&NM_GRE_HK.replace("type=ip-tunnel", "type=ethernet"));
    assert!(f.diagnostics[0].message.contains("not a tunnel"), "{f}");
    assert_eq!(f.diagnostics[0].location.as_ref().unwrap().line, 4);
    let f = read_err(&NM_GRE_HK.replace("interface-name=gre_hk\n", ""));
    let d = &f.diagnostics[0];
    assert!(d.message.contains("interface-name"), "{f}");
    assert!(d.hint.as_deref().unwrap().contains("cannot activate"));
    assert_eq!(d.location.as_ref().unwrap().line, 1, "points at [connection]");
}

#[test]
fn all_errors_are_collected() {
    let text = NM_GRE_HK
        .replace("mode=2", "mode=gre")
        .replace("local=172.31.34.149", "local=nowhere")
        .replace("address1=10.10.10.1/30", "address1=10.10.10.1/33");
    let f = read_err(&text);
    assert_eq!(f.diagnostics.iter().filter(|d| d.is_error()).count(), 3, "{f}");
    assert!(
        f.diagnostics.iter().all(|d| !d.message.contains("missing")),
        "{f}"
    );
}

#[test]
fn syntax_errors_have_line_and_column() {
    let f = read_err("[connection]\nid=a\\qb\n");
    let l = f.diagnostics[0].location.as_ref().unwrap();
    assert_eq!((l.line, l.column), (2, 5));
    let f = read_err("id=x\n[connection]\n");
    assert!(f.diagnostics[0].message.contains("outside any group"));
}

#[test]
fn escaped_strings_are_decoded() {
    let p = read_ok(&NM_GRE_HK.replace("id=gre_hk", "id=\\sa\\\\b;c\\td"));
    assert_eq!(p.tunnel.id.as_deref(), Some(" a\\b;c\td"));
    let f = read_err(&NM_GRE_HK.replace("id=gre_hk", "id=a\\;b"));
    assert!(f.diagnostics[0].message.contains("\\;"), "{f}");
}

#[test]
fn everything_without_a_field_becomes_an_extra() {
    let text = NM_GRE_HK
        .replace(
            "interface-name=gre_hk",
            "interface-name=gre_hk\npermissions=user:root:;",
        )
        .replace("method=manual", "dns=8.8.8.8;\nmethod=manual\nnever-default=true")
        .replace(
            "[proxy]\n",
            "[proxy]\nmethod=1\n\n[ethernet]\nmtu=1400\n\n[user]\norg.example.x=y\n",
        )
        .replace("addr-gen-mode=default", "addr-gen-mode=eui64");
    let p = read_ok(&text);
    let keys: Vec<_> = p
        .tunnel
        .extras
        .iter()
        .map(|e| (e.key.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("connection.permissions", "user:root:;"),
            ("ethernet.mtu", "1400"),
            ("ipv4.dns", "8.8.8.8;"),
            ("ipv4.never-default", "true"),
            ("ipv6.addr-gen-mode", "eui64"),
            ("proxy.method", "1"),
            ("user.org.example.x", "y"),
        ]
    );
    assert!(p.tunnel.extras.iter().all(|e| e.format == "keyfile"));
    assert_eq!(p.origins.get(Some("extras[2]")).unwrap().line, 15);
    // Written in NetworkManager's order and read back the same.
    let (low, w) = lower(&p.tunnel, &opts()).unwrap();
    assert!(w.is_empty(), "{w:?}");
    let out = &encode(&low)[0].contents;
    assert!(out.contains("[ethernet]\nmtu=1400\n\n[ip-tunnel]"), "{out}");
    assert!(
        out.ends_with("[proxy]\nmethod=1\n\n[user]\norg.example.x=y\n"),
        "{out}"
    );
    assert_eq!(read_ok(out).tunnel, low);
}

#[test]
fn stable_privacy_is_kept_and_default_is_not_an_extra() {
    // nmcli --offline ... ipv6.addr-gen-mode stable-privacy writes
    // addr-gen-mode=stable-privacy: it is not NetworkManager's `default`.
    let text = NM_GRE_HK.replace("addr-gen-mode=default", "addr-gen-mode=stable-privacy");
    let p = read_ok(&text);
    let keys: Vec<_> = p
        .tunnel
        .extras
        .iter()
        .map(|e| (e.key.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(keys, vec![("ipv6.addr-gen-mode", "stable-privacy")]);
    let (low, w) = lower(&p.tunnel, &opts()).unwrap();
    assert!(w.is_empty(), "{w:?}");
    let out = &encode(&low)[0].contents;
    assert!(
        out.contains("[ipv6]\naddr-gen-mode=stable-privacy\nmethod=disabled\n"),
        "{out}"
    );
    assert_eq!(read_ok(out).tunnel, low);
    assert!(read_ok(NM_GRE_HK).tunnel.extras.is_empty());
}

#[test]
fn missing_addr_gen_mode_stays_missing() {
    // NetworkManager reads an [ipv6] group without addr-gen-mode as
    // default-or-eui64, and nmcli --offline ... ipv6.addr-gen-mode
    // default-or-eui64 writes no key: the file must not gain `default`.
    let text = NM_GRE_HK.replace("addr-gen-mode=default\n", "");
    let p = read_ok(&text);
    let keys: Vec<_> = p
        .tunnel
        .extras
        .iter()
        .map(|e| (e.key.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(keys, vec![("ipv6.addr-gen-mode", "default-or-eui64")]);
    assert_eq!(p.origins.get(Some("extras[0]")).unwrap().line, 16);
    let (low, w) = lower(&p.tunnel, &opts()).unwrap();
    assert!(w.is_empty(), "{w:?}");
    let out = &encode(&low)[0].contents;
    assert_eq!(out, &text);
    assert_eq!(read_ok(out).tunnel, low);
    // Other NetworkManager encodings keep the value.
    let cmd = crate::nm::nmcli::command_line(&low);
    assert!(cmd.contains("ipv6.addr-gen-mode default-or-eui64"), "{cmd}");
    // An explicit value is kept as it is, and no [ipv6] group adds none.
    let eui = read_ok(&NM_GRE_HK.replace("addr-gen-mode=default", "addr-gen-mode=eui64"));
    assert_eq!(eui.tunnel.extras[0].value, "eui64");
    let none = read_ok(&NM_GRE_HK.replace("[ipv6]\naddr-gen-mode=default\nmethod=disabled\n\n", ""));
    assert!(none.tunnel.extras.is_empty(), "{:?}", none.tunnel.extras);
}

#[test]
fn gateway_of_a_never_default_profile_is_dropped_naming_its_line() {
    for (never, kept) in [("true", false), ("1", false), ("false", true)] {
        let text = NM_GRE_HK.replace(
            "method=manual",
            &format!("gateway=10.10.10.2\nmethod=manual\nnever-default={never}"),
        );
        let p = read_ok(&text);
        let (low, w) = lower(&p.tunnel, &opts()).unwrap();
        let out = &encode(&low)[0].contents;
        // NetworkManager writes the gateway after the first address.
        assert_eq!(out.contains("address1=10.10.10.1/30,10.10.10.2\n"), kept, "{out}");
        assert!(out.contains(&format!("never-default={never}")), "{out}");
        if kept {
            assert!(w.is_empty(), "{w:?}");
            continue;
        }
        assert_eq!(w.len(), 1, "{w:?}");
        let field = w[0].field.as_deref().unwrap();
        assert_eq!(p.origins.get(Some(field)).unwrap().line, 14, "{field}");
        assert!(
            w[0].message.contains("ipv4.gateway=10.10.10.2 is dropped")
                && w[0].message.contains("ipv4.never-default=true"),
            "{}",
            w[0].message
        );
    }
    // Only the same family counts.
    let text = NM_GRE_HK
        .replace("method=manual", "gateway=10.10.10.2\nmethod=manual")
        .replace("method=disabled", "method=disabled\nnever-default=true");
    let (low, w) = lower(&read_ok(&text).tunnel, &opts()).unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert!(encode(&low)[0]
        .contents
        .contains("address1=10.10.10.1/30,10.10.10.2\n"));
}

#[test]
fn routes_with_gateway_metric_table_and_options() {
    let text = NM_GRE_HK.replace(
        "method=manual",
        "method=manual\nroute1=10.2.0.0/24,10.10.10.2,100\nroute1_options=mtu=1400,table=5\nroute2=10.3.0.0/16\nroute3=10.4.0.0/16,0.0.0.0,7",
    );
    let p = read_ok(&text);
    let r = &p.tunnel.routes;
    assert_eq!(r.len(), 3);
    assert_eq!(
        r[0],
        Route {
            destination: net("10.2.0.0/24"),
            gateway: Some(ip("10.10.10.2")),
            metric: Some(100),
            table: Some(5)
        }
    );
    assert_eq!(
        r[2],
        Route {
            destination: net("10.4.0.0/16"),
            gateway: None,
            metric: Some(7),
            table: None
        }
    );
    assert_eq!(p.tunnel.extras[0].key, "ipv4.route1_options");
    assert_eq!(p.tunnel.extras[0].value, "mtu=1400");
    let (low, _) = lower(&p.tunnel, &opts()).unwrap();
    assert_eq!(encode(&low)[0].contents, text);
}

#[test]
fn legacy_address_forms_and_gateway() {
    let text = NM_GRE_HK.replace(
        "address1=10.10.10.1/30",
        "addresses=10.10.10.1/30,10.10.10.2\naddress2=10.9.9.9;24",
    );
    let p = read_ok(&text);
    assert_eq!(p.tunnel.addresses.len(), 2);
    assert_eq!(p.tunnel.addresses[0].address, net("10.10.10.1/30"));
    assert_eq!(p.tunnel.addresses[1].address, net("10.9.9.9/24"));
    assert_eq!(p.tunnel.extras[0].key, "ipv4.gateway");
    assert_eq!(p.tunnel.extras[0].value, "10.10.10.2");
    assert!(
        p.warnings
            .iter()
            .any(|w| w.message.contains("gateway 10.10.10.2")),
        "{:?}",
        p.warnings
    );
    let (low, _) = lower(&p.tunnel, &opts()).unwrap();
    let out = &encode(&low)[0].contents;
    assert!(
        out.contains("address1=10.10.10.1/30,10.10.10.2\naddress2=10.9.9.9/24\n"),
        "{out}"
    );
}

#[test]
fn remote_any_reads_as_multipoint() {
    let p = read_ok(&NM_GRE_HK.replace("remote=172.31.37.44", "remote=0.0.0.0"));
    assert_eq!(p.tunnel.remote, None);
}

#[test]
fn methods_nm_would_not_use_on_a_tunnel_warn() {
    let p = read_ok(&NM_GRE_HK.replace("method=disabled", "method=auto"));
    let w: Vec<_> = p
        .warnings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].message.contains("ipv6.method=auto"));
    assert_eq!(w[0].location.as_ref().unwrap().line, 18);
}

#[test]
fn duplicate_key_warns_and_last_wins() {
    let p = read_ok(&NM_GRE_HK.replace("mode=2", "mode=1\nmode=2"));
    assert_eq!(p.tunnel.mode, Mode::Gre);
    assert!(p.warnings.iter().any(|w| w.message.contains("last value wins")));
}

#[test]
fn lower_peer_covered_by_its_prefix() {
    let mut t = gre();
    t.addresses.push(InnerAddress {
        address: net("10.10.10.1/32"),
        peer: Some(net("10.10.10.2/30")),
    });
    let (low, w) = lower(&t, &opts()).unwrap();
    assert_eq!(
        low.addresses,
        vec![InnerAddress {
            address: net("10.10.10.1/30"),
            peer: None
        }]
    );
    assert!(low.routes.is_empty());
    assert_eq!(fields(&w), vec!["addresses[0].peer"]);
    assert_eq!(
        w[0].message,
        "peer 10.10.10.2/30 dropped: NetworkManager has no peer address; 10.10.10.1/30 gives the same on-link route"
    );
}

#[test]
fn lower_peer_elsewhere_becomes_host_address_and_device_route() {
    let mut t = gre();
    t.addresses.push(InnerAddress {
        address: net("10.0.0.1/24"),
        peer: Some(net("192.168.9.9/32")),
    });
    t.addresses.push(InnerAddress {
        address: net("fd00::1/64"),
        peer: Some(net("fd99::9/128")),
    });
    // An equal route already exists: not added twice.
    t.routes.push(Route {
        destination: net("fd99::9/128"),
        gateway: None,
        metric: None,
        table: None,
    });
    let (low, w) = lower(&t, &opts()).unwrap();
    assert_eq!(low.addresses[0].address, net("10.0.0.1/32"));
    assert_eq!(low.addresses[1].address, net("fd00::1/128"));
    let dests: Vec<_> = low.routes.iter().map(|r| r.destination.to_string()).collect();
    assert_eq!(dests, vec!["192.168.9.9/32", "fd99::9/128"]);
    assert!(low.routes.iter().all(|r| r.gateway.is_none()));
    assert_eq!(fields(&w), vec!["addresses[0].peer", "addresses[1].peer"]);
    assert!(
        w[0].message
            .contains("10.0.0.1/32 plus a device route to 192.168.9.9/32"),
        "{}",
        w[0].message
    );
}

#[test]
fn lower_drops_neighbours_and_writes_any_remote() {
    let mut t = gre();
    t.remote = None;
    t.input_key = Some(7);
    t.output_key = Some(7);
    t.neighbours.push(Neighbour {
        inner: ip("10.0.0.2"),
        outer: ip("198.51.100.2"),
    });
    t.neighbours.push(Neighbour {
        inner: ip("10.0.0.3"),
        outer: ip("198.51.100.3"),
    });
    let (low, w) = lower(&t, &opts()).unwrap();
    assert!(low.neighbours.is_empty());
    assert_eq!(low.remote, None);
    assert_eq!(fields(&w), vec!["remote", "neighbours[0]", "neighbours[1]"]);
    let out = &encode(&low)[0].contents;
    assert!(out.contains("remote=0.0.0.0\n"), "{out}");
    let mut t6 = Tunnel::new("g6", Mode::Ip6gre);
    t6.local = Some(ip("2001:db8::1"));
    let (low6, _) = lower(&t6, &opts()).unwrap();
    assert!(encode(&low6)[0].contents.contains("remote=::\n"));
}

#[test]
fn lower_handles_extras() {
    let mut t = gre();
    t.addresses.push(InnerAddress {
        address: net("10.0.0.1/24"),
        peer: None,
    });
    t.extras = vec![
        Extra {
            format: "ifcfg".into(),
            key: "BOOTPROTO".into(),
            value: "none".into(),
        },
        Extra {
            format: "keyfile".into(),
            key: "ipv4.dns".into(),
            value: "1.1.1.1;".into(),
        },
        Extra {
            format: "keyfile".into(),
            key: "connection.id".into(),
            value: "x".into(),
        },
        Extra {
            format: "keyfile".into(),
            key: "802-3-ethernet.mtu".into(),
            value: "1400".into(),
        },
        Extra {
            format: "keyfile".into(),
            key: "ipv4.route1_options".into(),
            value: "mtu=1".into(),
        },
        Extra {
            format: "keyfile".into(),
            key: "ipv4.dns".into(),
            value: "9.9.9.9;".into(),
        },
        Extra {
            format: "keyfile".into(),
            key: "ipv4.bad".into(),
            value: " lead".into(),
        },
        Extra {
            format: "keyfile".into(),
            key: "ipv6.gateway".into(),
            value: "fe80::1".into(),
        },
    ];
    let (low, w) = lower(&t, &opts()).unwrap();
    let kept: Vec<_> = low
        .extras
        .iter()
        .map(|e| (e.key.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(kept, vec![("ethernet.mtu", "1400"), ("ipv4.dns", "9.9.9.9;")]);
    assert_eq!(
        fields(&w),
        vec![
            "extras[0]",
            "extras[2]",
            "extras[4]",
            "extras[1]",
            "extras[6]",
            "extras[7]"
        ]
    );
    assert!(w[0].message.contains("BOOTPROTO"));
    assert!(w[1].message.contains("from id"), "{}", w[1].message);
}

#[test]
fn lower_fills_uuid_and_id_and_fixes_unwritable_strings() {
    let mut t = gre();
    t.zone = Some("\x0c".into());
    let (low, w) = lower(&t, &opts()).unwrap();
    assert_eq!(low.id.as_deref(), Some("gre1"));
    assert_eq!(low.uuid, Some(opts().make_uuid(&t)));
    assert_eq!(low.zone, None);
    assert_eq!(fields(&w), vec!["zone"]);
    let mut t = gre();
    t.name = "a\x0bb".into();
    assert_eq!(fields(&lower(&t, &opts()).unwrap_err()), vec!["name"]);
}

#[test]
fn lower_normalises_routes() {
    let mut t = gre();
    let r = |d: &str, g: Option<&str>| Route {
        destination: net(d),
        gateway: g.map(ip),
        metric: None,
        table: None,
    };
    t.routes = vec![
        r("fd00::/64", None),
        r("10.0.0.0/8", Some("0.0.0.0")),
        r("10.0.0.0/8", None),
    ];
    t.extras.push(Extra {
        format: "keyfile".into(),
        key: "ipv6.route1_options".into(),
        value: "mtu=1280".into(),
    });
    let (low, w) = lower(&t, &opts()).unwrap();
    assert_eq!(low.routes, vec![r("10.0.0.0/8", None), r("fd00::/64", None)]);
    assert_eq!(fields(&w), vec!["routes[0]", "routes[1]"]);
    // The options followed their route to its new place.
    assert_eq!(low.extras[0].key, "ipv6.route1_options");
}

#[test]
fn file_names_follow_networkmanager() {
    assert_eq!(file_name("gre1"), "gre1.nmconnection");
    assert_eq!(file_name("a/b"), "a_b.nmconnection");
    assert_eq!(file_name(".hidden"), "_hidden.nmconnection");
    assert_eq!(file_name("backup~"), "backup_.nmconnection");
    assert_eq!(file_name("~"), "~.nmconnection");
    assert_eq!(file_name("cert.PEM"), "cert.PEM_.nmconnection");
    assert_eq!(file_name("tmp.AbC123"), "tmp.AbC123_.nmconnection");
    assert_eq!(file_name("tmp.AbC12"), "tmp.AbC12.nmconnection");
    let mut t = gre();
    t.id = Some("x/y".into());
    assert_eq!(encode(&t)[0].name, "x_y.nmconnection");
    assert_eq!(encode(&t)[0].mode, 0o600);
}

#[test]
fn string_lists_are_written_with_a_separator_after_each_item() {
    // NetworkManager reads `a.example` and `a.example;` as the same list
    // and writes it back with g_key_file_set_string_list: `a.example;`.
    let text = NM_GRE_HK.replace("method=manual", "dns-search=a.example\nmethod=manual");
    let p = read_ok(&text);
    let (low, w) = lower(&p.tunnel, &opts()).unwrap();
    assert!(w.is_empty(), "{w:?}");
    let out = &encode(&low)[0].contents;
    assert!(out.contains("\ndns-search=a.example;\n"), "{out}");
    assert_eq!(read_ok(out).tunnel, low);
    // Through nmcli and back: the same list, not a warning or a change.
    let (nm, w) = crate::nm::nmcli::lower(&p.tunnel, &opts()).unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(nm, low);
    let cmd = crate::nm::nmcli::command_line(&nm);
    assert!(cmd.contains("ipv4.dns-search a.example "), "{cmd}");
    let back = crate::format::read(
        crate::format::Format::Nmcli,
        &Source::new("t.nmcli", None, cmd.as_str()),
        &crate::format::ReadContext::alone(),
    )
    .unwrap();
    assert_eq!(back[0].tunnel, nm);
    // Escapes and empty items as GLib reads and writes them.
    assert_eq!(
        gkeyfile::list_items(r"a\;b;\sc;;d").unwrap(),
        ["a;b", " c", "", "d"]
    );
    assert_eq!(gkeyfile::list_value(&["a;b", " c", "", "d"]), r"a\;b;\sc;;d;");
}
