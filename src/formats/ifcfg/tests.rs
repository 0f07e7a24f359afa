use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use proptest::prelude::*;

use super::write::escape;
use super::*;
use crate::diag::{Problem, Severity};
use crate::model::{flags, Neighbour, Route};

/// Companion files held in memory.
#[derive(Default)]
struct Files(BTreeMap<String, String>);

impl Files {
    fn with(mut self, name: &str, text: &str) -> Files {
        self.0.insert(name.to_string(), text.to_string());
        self
    }
}

impl Companions for Files {
    fn open(&self, file_name: &str) -> Result<Option<Source>, Diagnostic> {
        Ok(self
            .0
            .get(file_name)
            .map(|t| Source::new(file_name, None, t.clone())))
    }
}

fn src(name: &str, text: &str) -> Source {
    Source::new(name, None, text)
}

fn read_ok(name: &str, text: &str, files: &Files) -> Parsed {
    match read_one(&src(name, text), files) {
        Ok(p) => p,
        Err(f) => panic!("{f}"),
    }
}

fn read_err(name: &str, text: &str, files: &Files) -> Vec<Diagnostic> {
    match read_one(&src(name, text), files) {
        Ok(p) => panic!("expected an error, got {:?}", p.tunnel),
        Err(f) => f.diagnostics.into_iter().filter(|d| d.is_error()).collect(),
    }
}

fn pos(d: &Diagnostic) -> (String, usize, usize) {
    let l = d.location.as_ref().expect("located");
    (l.file.clone(), l.line, l.column)
}

fn net(s: &str) -> IpNet {
    s.parse().unwrap()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

const GRE_HK: &str = "DEVICE=gre_hk
TYPE=GRE
BOOTPROTO=none
ONBOOT=yes
PEER_OUTER_IPADDR=172.31.37.44
PEER_INNER_IPADDR=10.10.10.2/30
MY_OUTER_IPADDR=172.31.34.149
MY_INNER_IPADDR=10.10.10.1/30
";

const TUN0: &str = "DEVICE=tun0
ONBOOT=yes
TYPE=GRE
PEER_OUTER_IPADDR=100.0.2.100
PEER_INNER_IPADDR=172.16.0.2/30
MY_OUTER_IPADDR=100.0.1.100
MY_INNER_IPADDR=172.16.0.1
KEY=lichenhao
BOOTPROTO=none
";

#[test]
fn seed_gre_hk() {
    let p = read_ok(
        "/etc/sysconfig/network-scripts/ifcfg-gre_hk",
        GRE_HK,
        &Files::default(),
    );
    let mut want = Tunnel::new("gre_hk", Mode::Gre);
    want.local = Some(ip("172.31.34.149"));
    want.remote = Some(ip("172.31.37.44"));
    want.addresses.push(InnerAddress {
        address: net("10.10.10.1/30"),
        peer: Some(net("10.10.10.2/30")),
    });
    assert_eq!(p.tunnel, want);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    assert!(p.tunnel.validate().is_empty());
    let l = p.origins.get(Some("local")).unwrap();
    assert_eq!((l.line, l.column, l.len), (7, 17, 13));
    let l = p.origins.get(Some("addresses[0]")).unwrap();
    assert_eq!((l.line, l.column), (8, 17));
    // A warning about the peer points at PEER_INNER_IPADDR.
    let l = p.origins.get(Some("addresses[0].peer")).unwrap();
    assert_eq!((l.line, l.column), (6, 19));
    assert_eq!(p.origins.get(Some("mode")).unwrap().line, 2);
    assert_eq!(p.origins.get(Some("name")).unwrap().line, 1);
}

#[test]
fn seed_tun0_word_key_is_an_error_at_line_8_column_5() {
    let errors = read_err("ifcfg-tun0", TUN0, &Files::default());
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert_eq!(pos(e), ("ifcfg-tun0".to_string(), 8, 5));
    assert_eq!(e.location.as_ref().unwrap().len, 9);
    assert!(e.message.contains("lichenhao"), "{}", e.message);
    assert!(e.hint.as_deref().unwrap().contains("not a password"));
    let shown = e.to_string();
    assert!(shown.starts_with("ifcfg-tun0:8:5: error:"), "{shown}");
    assert!(
        shown.contains(" 8 | KEY=lichenhao\n   |     ^^^^^^^^^"),
        "{shown}"
    );
}

#[test]
fn seed_tun0_with_a_numeric_key() {
    let text = TUN0.replace("KEY=lichenhao", "KEY=0x4d2");
    let t = read_ok("ifcfg-tun0", &text, &Files::default()).tunnel;
    assert_eq!((t.input_key, t.output_key), (Some(1234), Some(1234)));
    assert_eq!(
        t.addresses,
        vec![InnerAddress {
            address: net("172.16.0.1/32"),
            peer: Some(net("172.16.0.2/30")),
        }]
    );
    assert!(
        t.extras.is_empty(),
        "BOOTPROTO=none is the default: {:?}",
        t.extras
    );
}

#[test]
fn every_error_of_the_file_is_reported() {
    let text = "DEVICE=gre1\nTYPE=GRE\nMY_OUTER_IPADDR=1.2.3\nKEY lichenhao\nTTL=300\nMTU=$MTU\n";
    let errors = read_err("ifcfg-gre1", text, &Files::default());
    let lines: Vec<usize> = errors.iter().map(|e| pos(e).1).collect();
    assert_eq!(lines, vec![3, 4, 5, 6], "{errors:?}");
}

#[test]
fn type_errors() {
    let e = read_err("ifcfg-t", "TYPE=EXTERNAL\n", &Files::default());
    assert_eq!(pos(&e[0]).1, 1);
    assert_eq!(pos(&e[0]).2, 6);
    assert!(e[0]
        .message
        .contains("ip6tnl external has no NetworkManager or model equivalent"));
    let e = read_err("ifcfg-t", "DEVICE=t\nTYPE=gre\n", &Files::default());
    assert_eq!(
        e[0].hint.as_deref(),
        Some("TYPE is case-sensitive: write TYPE=GRE")
    );
    let e = read_err("ifcfg-t", "DEVICE=t\nTYPE=Ethernet\n", &Files::default());
    assert!(e[0].message.contains("not a tunnel type"));
    let e = read_err("ifcfg-t", "DEVICE=t\n", &Files::default());
    assert!(e[0].message.contains("no TYPE"));
    let e = read_err("-", "TYPE=GRE\n", &Files::default());
    assert!(e[0].message.contains("no DEVICE"));
}

#[test]
fn device_name_from_file_or_device() {
    let t = read_ok("dir/ifcfg-gre9", "TYPE=IPIP\n", &Files::default()).tunnel;
    assert_eq!((t.name.as_str(), t.mode), ("gre9", Mode::Ipip));
    let p = read_ok("ifcfg-foo", "DEVICE=gre2\nTYPE=GRE\n", &Files::default());
    assert_eq!(p.tunnel.name, "gre2");
    assert_eq!(p.warnings.len(), 1);
    assert!(p.warnings[0].message.contains("differs from the file name"));
}

#[test]
fn keys_file_overrides_the_main_file() {
    let files = Files::default()
        .with("keys-gre1", "KEY=7\n")
        .with("keys-tun", "IKEY=9\n");
    let p = read_ok("ifcfg-gre1", "DEVICE=tun\nTYPE=GRE\nKEY=1\n", &files);
    assert_eq!((p.tunnel.input_key, p.tunnel.output_key), (Some(9), Some(7)));
    let o = p.origins.get(Some("output_key")).unwrap();
    assert_eq!((o.file.as_str(), o.line, o.column), ("keys-gre1", 1, 5));
    assert_eq!(p.origins.get(Some("input_key")).unwrap().file, "keys-tun");
    // Errors in a keys file point into it.
    let files = Files::default().with("keys-gre1", "\nKEY=secret\n");
    let e = read_err("ifcfg-gre1", "TYPE=GRE\n", &files);
    assert_eq!(pos(&e[0]), ("keys-gre1".to_string(), 2, 5));
}

#[test]
fn key_forms() {
    for (k, want) in [("1234", 1234), ("0x4d2", 1234), ("01", 1), ("1.2.3.4", 16909060)] {
        let t = read_ok("ifcfg-g", &format!("TYPE=GRE\nKEY={k}\n"), &Files::default()).tunnel;
        assert_eq!(t.input_key, Some(want), "{k}");
    }
}

#[test]
fn ip6_modes_record_the_ip6_tunnel_defaults() {
    let t = read_ok(
        "ifcfg-g6",
        "TYPE=GRE6\nMY_OUTER_IPADDR=2001:db8::1\n",
        &Files::default(),
    )
    .tunnel;
    assert_eq!((t.mode, t.ttl, t.encapsulation_limit), (Mode::Ip6gre, 64, 4));
    let t = read_ok("ifcfg-g6", "TYPE=IPIP6\nTTL=0\n", &Files::default()).tunnel;
    assert_eq!((t.mode, t.ttl, t.encapsulation_limit), (Mode::Ipip6, 0, 4));
    let t = read_ok(
        "ifcfg-g",
        "TYPE=GRE\nTTL=inherit\nTOS=0x10\nPMTUDISC=no\n",
        &Files::default(),
    )
    .tunnel;
    assert_eq!((t.ttl, t.tos, t.path_mtu_discovery), (0, 0x10, false));
}

#[test]
fn bare_tos_is_hex_with_a_warning() {
    let p = read_ok("ifcfg-g", "TYPE=GRE\nTOS=10\n", &Files::default());
    assert_eq!(p.tunnel.tos, 0x10);
    assert!(p.warnings[0].message.contains("hexadecimal"));
}

#[test]
fn model_fields_and_extras() {
    let text = "DEVICE=gre1\nNAME=\"My tunnel\"\nUUID=5fb8a8ce-1c6e-4a3b-9d4f-2e3c1a0b7d61\nTYPE=GRE\n\
                ONBOOT=no\nZONE=trusted\nMTU=1476\nPHYSDEV=eth0\nUSERCTL=no\nNM_CONTROLLED=no\nBOOTPROTO=static\n";
    let p = read_ok("ifcfg-gre1", text, &Files::default());
    let t = &p.tunnel;
    assert_eq!(t.id.as_deref(), Some("My tunnel"));
    assert_eq!(
        t.uuid.unwrap().to_string(),
        "5fb8a8ce-1c6e-4a3b-9d4f-2e3c1a0b7d61"
    );
    assert!(!t.autoconnect);
    assert_eq!(
        (t.zone.as_deref(), t.mtu, t.parent.as_deref()),
        (Some("trusted"), Some(1476), Some("eth0"))
    );
    let extras: Vec<(&str, &str)> = t
        .extras
        .iter()
        .map(|e| (e.key.as_str(), e.value.as_str()))
        .collect();
    // BOOTPROTO=static is what the model holds (a static address), as none.
    assert_eq!(extras, vec![("USERCTL", "no"), ("NM_CONTROLLED", "no")]);
    assert!(t.extras.iter().all(|e| e.format == "ifcfg"));
    assert_eq!(p.origins.get(Some("extras[1]")).unwrap().line, 10);
    let e = read_err("ifcfg-g", "TYPE=GRE\nUUID=nope\n", &Files::default());
    assert_eq!(pos(&e[0]).1, 2);
    let e = read_err("ifcfg-g", "TYPE=GRE\nONBOOT=maybe\n", &Files::default());
    assert_eq!(pos(&e[0]).1, 2);
}

#[test]
fn dhcp_on_a_tunnel_warns() {
    let p = read_ok("ifcfg-g", "TYPE=GRE\nBOOTPROTO=dhcp\n", &Files::default());
    assert_eq!(p.warnings.len(), 1);
    assert_eq!(p.tunnel.extras.len(), 1);
}

#[test]
fn peer_equal_to_remote_is_dropped_like_initscripts() {
    let text =
        "TYPE=GRE\nPEER_OUTER_IPADDR=192.0.2.2\nMY_INNER_IPADDR=10.0.0.1\nPEER_INNER_IPADDR=192.0.2.2\n";
    let p = read_ok("ifcfg-g", text, &Files::default());
    assert_eq!(p.tunnel.addresses[0].peer, None);
    assert_eq!(p.warnings.len(), 1);
    assert_eq!(p.warnings[0].location.as_ref().unwrap().line, 4);
}

#[test]
fn ipv6_addresses_only_with_ipv6init() {
    let text = "TYPE=GRE\nIPV6INIT=yes\nIPV6ADDR=2001:db8::1/64\nIPV6ADDR_SECONDARIES=\"2001:db8::2/64 2001:db8::3\"\n";
    let p = read_ok("ifcfg-g", text, &Files::default());
    let got: Vec<String> = p.tunnel.addresses.iter().map(|a| a.address.to_string()).collect();
    assert_eq!(got, vec!["2001:db8::1/64", "2001:db8::2/64", "2001:db8::3/128"]);
    assert!(p.tunnel.extras.is_empty());
    let l = p.origins.get(Some("addresses[2]")).unwrap();
    assert_eq!((l.line, l.column, l.len), (4, 38, 11));

    let p = read_ok(
        "ifcfg-g",
        "TYPE=GRE\nIPV6ADDR=2001:db8::1/64\n",
        &Files::default(),
    );
    assert!(p.tunnel.addresses.is_empty());
    assert_eq!(p.tunnel.extras[0].key, "IPV6ADDR");
    assert!(p.warnings[0].message.contains("IPV6INIT is not yes"));
}

#[test]
fn route_lines() {
    let files = Files::default()
        .with(
            "route-gre1",
            "# routes\n10.2.0.0/24 via 10.10.10.2 dev gre1 metric 100 table 5\n\n\
             default via 10.10.10.2 dev gre1\n192.168.7.0/24 dev gre1 proto static onlink\n10.9.0.0/16 dev eth0\n",
        )
        .with("route6-gre1", "2001:db8:1::/48 via 2001:db8::2 dev gre1 table main\n");
    let p = read_ok("ifcfg-gre1", "TYPE=GRE\n", &files);
    let r = &p.tunnel.routes;
    assert_eq!(r.len(), 5);
    assert_eq!(
        r[0],
        Route {
            destination: net("10.2.0.0/24"),
            gateway: Some(ip("10.10.10.2")),
            metric: Some(100),
            table: Some(5),
        }
    );
    assert_eq!(r[1].destination, net("0.0.0.0/0"));
    assert_eq!((r[2].destination, r[2].gateway), (net("192.168.7.0/24"), None));
    assert_eq!(r[4].table, Some(254));
    let o = p.origins.get(Some("routes[0]")).unwrap();
    assert_eq!((o.file.as_str(), o.line, o.column), ("route-gre1", 2, 1));
    assert_eq!(p.origins.get(Some("routes[4]")).unwrap().file, "route6-gre1");
    let msgs: Vec<(usize, usize, &str)> = p
        .warnings
        .iter()
        .map(|w| {
            let l = w.location.as_ref().unwrap();
            (l.line, l.column, w.message.as_str())
        })
        .collect();
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    assert_eq!((msgs[0].0, msgs[0].1), (5, 25));
    assert!(msgs[0].2.contains("`proto static` is not kept"));
    assert!(msgs[1].2.contains("`onlink` is not kept"));
    assert_eq!((msgs[2].0, msgs[2].1), (6, 17));
    assert!(msgs[2].2.contains("device eth0"));
}

#[test]
fn route_errors() {
    let files = Files::default().with(
        "route-g",
        "10.0.0.0/8 table vpn\n2001:db8::/32 dev g\nblackhole 10.1.0.0/16\n",
    );
    let e = read_err("ifcfg-g", "TYPE=GRE\n", &files);
    let at: Vec<(usize, usize)> = e.iter().map(|d| (pos(d).1, pos(d).2)).collect();
    assert_eq!(at, vec![(1, 18), (2, 1), (3, 1)], "{e:?}");
}

#[test]
fn route_blocks() {
    let files = Files::default().with(
        "route-g",
        "ADDRESS0=10.2.0.0\nNETMASK0=255.255.255.0\nGATEWAY0=10.10.10.2\nMETRIC0=5\n\
         ADDRESS1=192.168.0.0\nNETMASK1=255.255.0.0\nOPTIONS1=\"table 7\"\n",
    );
    let p = read_ok("ifcfg-g", "TYPE=GRE\n", &files);
    assert_eq!(
        p.tunnel.routes,
        vec![
            Route {
                destination: net("10.2.0.0/24"),
                gateway: Some(ip("10.10.10.2")),
                metric: Some(5),
                table: None,
            },
            Route {
                destination: net("192.168.0.0/16"),
                gateway: None,
                metric: None,
                table: Some(7),
            },
        ]
    );
    assert_eq!(p.origins.get(Some("routes[1]")).unwrap().line, 5);
    let files = Files::default().with("route-g", "ADDRESS0=10.2.0.0\nNETMASK0=255.0.255.0\n");
    let e = read_err("ifcfg-g", "TYPE=GRE\n", &files);
    assert_eq!(pos(&e[0]), ("route-g".to_string(), 2, 10));
}

#[test]
fn route_blocks_empty_or_zero_padded_index() {
    // initscripts stops at an empty ADDRESS0, so ADDRESS1 follows a gap.
    let files = Files::default().with("route-g", "ADDRESS0=\nADDRESS1=10.2.0.0\n");
    let p = read_ok("ifcfg-g", "TYPE=GRE\n", &files);
    assert_eq!(p.tunnel.routes.len(), 1);
    assert_eq!(p.tunnel.routes[0].destination, net("10.2.0.0/32"));
    assert!(
        p.warnings
            .iter()
            .any(|w| w.message.contains("ADDRESS1 follows a gap")),
        "{:?}",
        p.warnings
    );
    // It counts ADDRESS$routenum in decimal: ADDRESS01 is no route.
    let files = Files::default().with("route-g", "ADDRESS01=10.2.0.0\n");
    let p = read_ok("ifcfg-g", "TYPE=GRE\n", &files);
    assert!(p.tunnel.routes.is_empty());
    assert!(
        p.warnings
            .iter()
            .any(|w| w.message == "ADDRESS01 is not a route key; ignored"),
        "{:?}",
        p.warnings
    );
}

#[test]
fn is_tunnel_tolerates_other_errors() {
    assert!(is_tunnel("X=$(bad)\nTYPE=GRE\n"));
    assert!(is_tunnel("TYPE=EXTERNAL"));
    assert!(!is_tunnel("TYPE=Ethernet\n"));
    assert!(!is_tunnel("TYPE=gre\n"));
    assert!(!is_tunnel("DEVICE=eth0\n"));
}

#[test]
fn escape_like_svescape() {
    assert_eq!(escape("plain-1.2_x/y:z"), "plain-1.2_x/y:z");
    assert_eq!(escape(""), "");
    assert_eq!(escape("a b"), "\"a b\"");
    assert_eq!(escape("a\"b$c`d\\e"), "\"a\\\"b\\$c\\`d\\\\e\"");
    assert_eq!(escape("~x"), "\"~x\"");
    assert_eq!(escape("ü"), "\"ü\"");
    assert_eq!(escape("a\nb'c"), "$'a\\nb\\'c'");
    assert_eq!(escape("é\x01"), "$'\\303\\251\\001'");
    for s in [
        "a b",
        "x\"$`\\",
        "~",
        "tab\there",
        "nl\nx",
        "é\x7f\x01",
        "it's",
        "a#b",
        "#x",
        "\0",
    ] {
        let line = format!("A={}\n", escape(s));
        let v = shell::parse_vars(&line);
        assert!(v.errors.is_empty(), "{line:?}: {:?}", v.errors);
        assert_eq!(v.get("A").unwrap().value, s, "{line:?}");
    }
}

fn sample() -> Tunnel {
    let mut t = Tunnel::new("gre1", Mode::Gre);
    t.local = Some(ip("192.0.2.1"));
    t.remote = Some(ip("198.51.100.1"));
    t.input_key = Some(1234);
    t.output_key = Some(1234);
    t.ttl = 64;
    t.mtu = Some(1472);
    t.id = Some("Office \"HQ\" $1".into());
    t.uuid = Some("5fb8a8ce-1c6e-4a3b-9d4f-2e3c1a0b7d61".parse().unwrap());
    t.zone = Some("trusted".into());
    t.addresses = vec![
        InnerAddress {
            address: net("10.10.10.1/30"),
            peer: Some(net("10.10.10.2/30")),
        },
        InnerAddress {
            address: net("2001:db8::1/64"),
            peer: None,
        },
    ];
    t.routes = vec![Route {
        destination: net("10.2.0.0/24"),
        gateway: Some(ip("10.10.10.2")),
        metric: Some(100),
        table: None,
    }];
    t.extras = vec![
        Extra {
            format: "ifcfg".into(),
            key: "USERCTL".into(),
            value: "no".into(),
        },
        Extra {
            format: "ifcfg".into(),
            key: "BOOTPROTO".into(),
            value: "static".into(),
        },
    ];
    t
}

#[test]
fn canonical_output() {
    let (l, w) = lower_tunnel(&sample()).unwrap();
    assert!(w.is_empty(), "{w:?}");
    let files = encode(&l);
    let names: Vec<(&str, u32)> = files.iter().map(|f| (f.name.as_str(), f.mode)).collect();
    assert_eq!(names, vec![("ifcfg-gre1", 0o644), ("route-gre1", 0o644)]);
    assert_eq!(
        files[0].contents,
        "DEVICE=gre1\nNAME=\"Office \\\"HQ\\\" \\$1\"\nUUID=5fb8a8ce-1c6e-4a3b-9d4f-2e3c1a0b7d61\nTYPE=GRE\n\
         ONBOOT=yes\nBOOTPROTO=none\nMY_OUTER_IPADDR=192.0.2.1\nPEER_OUTER_IPADDR=198.51.100.1\nKEY=1234\n\
         TTL=64\nMTU=1472\nMY_INNER_IPADDR=10.10.10.1/30\nPEER_INNER_IPADDR=10.10.10.2/30\nIPV6INIT=yes\n\
         IPV6ADDR=2001:db8::1/64\nZONE=trusted\nUSERCTL=no\n"
    );
    assert_eq!(
        files[1].contents,
        "10.2.0.0/24 via 10.10.10.2 dev gre1 metric 100\n"
    );
}

fn round_trip(t: &Tunnel) -> (Tunnel, Vec<Problem>) {
    let (l, w) = lower_tunnel(t).unwrap_or_else(|e| panic!("{e:?}"));
    let files = encode(&l);
    let mut comp = Files::default();
    for f in &files[1..] {
        comp = comp.with(&f.name, &f.contents);
    }
    let back = read_one(
        &Source::new(&files[0].name, None, files[0].contents.clone()),
        &comp,
    )
    .unwrap_or_else(|f| panic!("{}\n--- file:\n{}", f, files[0].contents));
    assert_eq!(back.tunnel, l, "\n--- file:\n{}", files[0].contents);
    (l, w)
}

#[test]
fn write_read_round_trips() {
    round_trip(&sample());
    let mut t = Tunnel::new("g6", Mode::Ip6gre);
    t.remote = Some(ip("2001:db8::2"));
    t.input_key = Some(1);
    t.output_key = Some(2);
    t.ttl = 0;
    t.tos = 1;
    t.encapsulation_limit = 4;
    t.routes = vec![
        Route {
            destination: net("::/0"),
            gateway: None,
            metric: None,
            table: Some(9),
        },
        Route {
            destination: net("0.0.0.0/0"),
            gateway: Some(ip("10.0.0.1")),
            metric: None,
            table: None,
        },
    ];
    let (l, w) = round_trip(&t);
    assert_eq!(
        l.routes[0].destination,
        net("0.0.0.0/0"),
        "IPv4 routes come first"
    );
    let fields: Vec<&str> = w.iter().filter_map(|p| p.field.as_deref()).collect();
    assert_eq!(fields, vec!["input_key", "output_key", "tos"]);

    let mut t = Tunnel::new("ip6", Mode::Ipip6);
    t.ttl = 64;
    t.flags = flags::IGN_ENCAP_LIMIT;
    t.flow_label = 5;
    t.encapsulation_limit = 0;
    t.path_mtu_discovery = false;
    t.ttl = 0;
    t.parent = Some("eth0".into());
    let (l, w) = round_trip(&t);
    assert_eq!((l.flags, l.flow_label, l.encapsulation_limit), (0, 0, 4));
    let fields: Vec<&str> = w.iter().filter_map(|p| p.field.as_deref()).collect();
    assert_eq!(
        fields,
        vec![
            "encapsulation_limit",
            "flow_label",
            "flags",
            "path_mtu_discovery",
            "parent"
        ]
    );

    let mut t = Tunnel::new("we$ird'\"n~", Mode::Ipip);
    t.autoconnect = false;
    t.id = Some("line\nbreak\ttab é \\".into());
    t.zone = Some("zone with spaces".into());
    round_trip(&t);
}

#[test]
fn lower_reports_what_ifcfg_cannot_hold() {
    let mut t = sample();
    t.mode = Mode::Gretap;
    let e = lower_tunnel(&t).unwrap_err();
    assert_eq!(e[0].field.as_deref(), Some("mode"));
    assert!(e[0].hint.is_some());

    let mut t = sample();
    t.neighbours.push(Neighbour {
        inner: ip("10.0.0.2"),
        outer: ip("192.0.2.9"),
    });
    t.addresses.insert(
        0,
        InnerAddress {
            address: net("2001:db8::9/64"),
            peer: Some(net("2001:db8::a/128")),
        },
    );
    t.addresses.push(InnerAddress {
        address: net("10.20.0.1/24"),
        peer: None,
    });
    t.extras.push(Extra {
        format: "keyfile".into(),
        key: "ipv4.dns".into(),
        value: "1.1.1.1".into(),
    });
    t.extras.push(Extra {
        format: "ifcfg".into(),
        key: "DEVICE".into(),
        value: "other".into(),
    });
    t.extras.push(Extra {
        format: "ifcfg".into(),
        key: "USERCTL".into(),
        value: "yes".into(),
    });
    let (l, w) = round_trip(&t);
    let fields: Vec<&str> = w.iter().filter_map(|p| p.field.as_deref()).collect();
    assert_eq!(
        fields,
        vec![
            "neighbours[0]",
            "addresses[0].peer",
            "addresses[3]",
            "extras[0]",
            "extras[2]",
            "extras[3]"
        ]
    );
    let addrs: Vec<String> = l.addresses.iter().map(|a| a.address.to_string()).collect();
    assert_eq!(addrs, vec!["10.10.10.1/30", "2001:db8::9/64", "2001:db8::1/64"]);
    assert_eq!(l.extras.last().unwrap().value, "yes");
    // BOOTPROTO=static is a static address, which the model holds: no extra.
    assert_eq!(l.extras.len(), 1);
}

/// BOOTPROTO=static and DEVICETYPE=tunnel say what the model already holds
/// (initscripts run DHCP for dhcp and bootp only; the tunnel type implies
/// the device type): no extra, so nothing reported as lost on the way to
/// NetworkManager, and `--strict` passes.
#[test]
fn static_bootproto_and_tunnel_devicetype_are_no_loss() {
    let text = "DEVICE=gre1\nTYPE=GRE\nBOOTPROTO=STATIC\nDEVICETYPE=tunnel\n\
                MY_OUTER_IPADDR=192.0.2.1\nPEER_OUTER_IPADDR=198.51.100.1\nMY_INNER_IPADDR=10.0.0.1/30\n";
    let p = read_ok("ifcfg-gre1", text, &Files::default());
    assert!(p.tunnel.extras.is_empty(), "{:?}", p.tunnel.extras);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    // Another DEVICETYPE is kept, and dhcp still warned about.
    let p = read_ok(
        "ifcfg-gre1",
        "DEVICE=gre1\nTYPE=GRE\nDEVICETYPE=ovs\nBOOTPROTO=dhcp\n",
        &Files::default(),
    );
    let keys: Vec<&str> = p.tunnel.extras.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, vec!["DEVICETYPE", "BOOTPROTO"]);
}

#[test]
fn written_warnings_surface_as_warnings() {
    let d = Origins::new(src("x", "").whole()).diagnose(Severity::Warning, &Problem::new("tos", "m"));
    assert_eq!(d.severity, Severity::Warning);
}

fn arb_v4() -> impl Strategy<Value = IpAddr> {
    any::<u32>().prop_map(|n| IpAddr::V4(Ipv4Addr::from(n)))
}

fn arb_v6() -> impl Strategy<Value = IpAddr> {
    any::<u128>().prop_map(|n| IpAddr::V6(Ipv6Addr::from(n)))
}

fn arb_ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![arb_v4(), arb_v6()]
}

fn arb_net() -> impl Strategy<Value = IpNet> {
    (arb_ip(), any::<u8>()).prop_map(|(a, p)| {
        let max = if a.is_ipv4() { 32 } else { 128 };
        IpNet::new(a, p % (max + 1)).unwrap()
    })
}

fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 _.:/#=~-]{1,12}",
        "[ -~]{1,12}",
        any::<String>().prop_filter("non-empty", |s| !s.is_empty()),
    ]
}

fn arb_extra() -> impl Strategy<Value = Extra> {
    let key = prop_oneof![
        "[A-Z_][A-Z0-9_]{0,8}",
        Just("BOOTPROTO".to_string()),
        Just("IPV6INIT".to_string()),
        Just("IPV6ADDR".to_string()),
        Just("IPV6ADDR_SECONDARIES".to_string()),
        Just("PEER_INNER_IPADDR".to_string()),
        Just("DEVICE".to_string()),
        Just("KEY".to_string()),
        Just("bad-key".to_string()),
    ];
    let value = prop_oneof![
        Just("none".to_string()),
        Just("yes".to_string()),
        Just("".to_string()),
        Just("2001:db8::5/64".to_string()),
        arb_text(),
    ];
    (prop_oneof![Just("ifcfg"), Just("keyfile")], key, value).prop_map(|(f, key, value)| Extra {
        format: f.to_string(),
        key,
        value,
    })
}

prop_compose! {
    fn arb_tunnel()(
        name in r#"[a-zA-Z0-9_.#$'"~=é\\*!{}\[\];|&()<>`-]{1,7}"#,
        mode in prop::sample::select(vec![Mode::Gre, Mode::Ip6gre, Mode::Ipip, Mode::Ipip6, Mode::Gretap]),
        local in prop::option::of(arb_ip()),
        remote in prop::option::of(arb_ip()),
        keys in (prop::option::of(any::<u32>()), prop::option::of(any::<u32>()), any::<bool>()),
        ttl in any::<u8>(),
        tos in any::<u8>(),
        pmtu in any::<bool>(),
        mtu in prop::option::of(1280u32..9000),
        parent in prop::option::of("[a-z0-9]{1,8}"),
        ip6opts in (any::<u8>(), 0u32..(1 << 20), 0u32..=flags::ALL),
        addresses in prop::collection::vec((arb_net(), prop::option::of(arb_net())), 0..4),
        routes in prop::collection::vec((arb_net(), prop::option::of(arb_ip()), prop::option::of(any::<u32>()), prop::option::of(any::<u32>())), 0..4),
        neighbours in prop::collection::vec((arb_ip(), arb_ip()), 0..2),
        autoconnect in any::<bool>(),
        id in prop::option::of(arb_text()),
        uuid in prop::option::of(any::<u128>()),
        zone in prop::option::of(arb_text()),
        extras in prop::collection::vec(arb_extra(), 0..6),
    ) -> Tunnel {
        let mut t = Tunnel::new(name, mode);
        let fam = mode.outer_family();
        t.local = local.filter(|a| Family::of(a) == fam);
        t.remote = remote.filter(|a| Family::of(a) == fam);
        if mode.takes_key() {
            t.input_key = keys.0;
            t.output_key = if keys.2 { keys.0 } else { keys.1 };
        }
        t.path_mtu_discovery = pmtu;
        t.ttl = if pmtu { ttl } else { 0 };
        t.tos = tos;
        t.mtu = mtu;
        t.parent = parent;
        if fam == Family::V6 {
            t.encapsulation_limit = ip6opts.0;
            t.flow_label = ip6opts.1;
            if mode.is_ip6tnl() {
                t.flags = ip6opts.2;
            }
        }
        let inner = mode.inner_family();
        for (a, p) in addresses {
            let f = Family::of(&a.addr());
            if inner.is_some_and(|i| i != f) || t.addresses.iter().any(|x| x.address.addr() == a.addr()) {
                continue;
            }
            let peer = p.filter(|p| Family::of(&p.addr()) == f);
            t.addresses.push(InnerAddress { address: a, peer });
        }
        for (d, g, metric, table) in routes {
            let gateway = g.filter(|g| Family::of(g) == Family::of(&d.addr()));
            let table = table.filter(|t| *t != 0);
            t.routes.push(Route { destination: d.trunc(), gateway, metric, table });
        }
        for (inner, outer) in neighbours {
            if Family::of(&outer) == fam {
                t.neighbours.push(Neighbour { inner, outer });
            }
        }
        t.autoconnect = autoconnect;
        t.id = id;
        t.uuid = uuid.map(Uuid::from_u128);
        t.zone = zone.filter(|z| !z.contains(['\n', '\0']));
        t.extras = extras;
        t
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn read_encode_lower_is_identity(t in arb_tunnel()) {
        prop_assume!(t.validate().is_empty());
        match lower_tunnel(&t) {
            Err(e) => prop_assert_eq!(t.mode, Mode::Gretap, "{:?}", e),
            Ok(_) => {
                let (l, _) = round_trip(&t);
                // Lowering is idempotent.
                let (l2, w2) = lower_tunnel(&l).unwrap();
                prop_assert_eq!(&l2, &l);
                let lost: Vec<_> = w2.iter().filter(|p| p.message.contains("not carried over")).collect();
                prop_assert!(lost.is_empty(), "{:?}", lost);
            }
        }
    }
}
