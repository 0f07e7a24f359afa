//! Round trip: for every valid tunnel, reading back what the keyfile writer
//! wrote gives the tunnel as lowered onto a keyfile.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use grecfg::diag::Source;
use grecfg::format::WriteOptions;
use grecfg::formats::keyfile;
use grecfg::model::{Extra, Family, InnerAddress, Mode, Neighbour, Route, Tunnel};
use ipnet::IpNet;
use proptest::prelude::*;

fn v4() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<u32>().prop_map(|n| IpAddr::V4(Ipv4Addr::from(n))),
        Just(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        (0u32..4).prop_map(|n| IpAddr::V4(Ipv4Addr::new(10, 0, 0, n as u8))),
    ]
}

fn v6() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<u128>().prop_map(|n| IpAddr::V6(Ipv6Addr::from(n))),
        Just(IpAddr::V6(Ipv6Addr::UNSPECIFIED)),
        (0u16..4).prop_map(|n| IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, n))),
    ]
}

fn ip(fam: Family) -> BoxedStrategy<IpAddr> {
    match fam {
        Family::V4 => v4().boxed(),
        Family::V6 => v6().boxed(),
    }
}

fn net_of(fam: Family) -> BoxedStrategy<IpNet> {
    let max: u8 = if fam == Family::V4 { 32 } else { 128 };
    (ip(fam), 0..=max)
        .prop_map(|(a, p)| IpNet::new(a, p).unwrap())
        .boxed()
}

fn any_net() -> BoxedStrategy<IpNet> {
    prop_oneof![net_of(Family::V4), net_of(Family::V6)].boxed()
}

/// Strings with everything GKeyFile escapes or treats specially.
fn weird() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{1,12}",
        "[ \t;=#\\\\\\[\\]a-zäö€\n\r\x01\x0b\x0c]{1,10}",
        Just(" leading".to_string()),
        Just("\\s not an escape".to_string()),
        Just("trailing  ".to_string()),
    ]
}

fn ifname() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z][a-z0-9_.-]{0,14}", "[!-~&&[^/:]]{1,15}", "[äöü€-]{1,5}"]
}

fn route() -> impl Strategy<Value = Route> {
    any_net().prop_flat_map(|dest| {
        let fam = Family::of(&dest.addr());
        (
            Just(dest.trunc()),
            proptest::option::of(ip(fam)),
            proptest::option::of(any::<u32>()),
            proptest::option::of(1u32..),
        )
            .prop_map(|(destination, gateway, metric, table)| Route {
                destination,
                gateway,
                metric,
                table,
            })
    })
}

fn address() -> impl Strategy<Value = InnerAddress> {
    any_net().prop_flat_map(|address| {
        let fam = Family::of(&address.addr());
        (Just(address), proptest::option::of(net_of(fam)))
            .prop_map(|(address, peer)| InnerAddress { address, peer })
    })
}

fn extra() -> impl Strategy<Value = Extra> {
    let key = prop_oneof![
        Just("ipv4.dns".to_string()),
        Just("ipv6.dns-search".to_string()),
        Just("ipv4.route1_options".to_string()),
        Just("ipv6.route2_options".to_string()),
        Just("ipv4.gateway".to_string()),
        Just("ipv6.addr-gen-mode".to_string()),
        Just("ethernet.mtu".to_string()),
        Just("802-3-ethernet.cloned-mac-address".to_string()),
        Just("user.org.example.key".to_string()),
        Just("proxy.method".to_string()),
        Just("connection.interface-name".to_string()),
        Just("ipv4.address3".to_string()),
        Just(".nmmeta.nm-generated".to_string()),
        "[a-z.\\[=# -]{1,10}",
    ];
    let value = prop_oneof![
        Just("mtu=1400".to_string()),
        Just("10.0.0.1".to_string()),
        Just("eui64".to_string()),
        Just("default".to_string()),
        Just("a;b\\;c;".to_string()),
        weird(),
    ];
    let format = prop_oneof![3 => Just("keyfile".to_string()), 1 => Just("ifcfg".to_string())];
    (format, key, value).prop_map(|(format, key, value)| Extra { format, key, value })
}

prop_compose! {
    fn tunnel()(
        mode in proptest::sample::select(Mode::ALL.to_vec()),
        name in ifname(),
        seed in any::<u64>(),
    )(
        local in proptest::option::of(ip(mode.outer_family())),
        remote in proptest::option::of(ip(mode.outer_family())),
        input_key in proptest::option::of(any::<u32>()),
        output_key in proptest::option::of(any::<u32>()),
        ttl in any::<u8>(),
        tos in any::<u8>(),
        pmtud in any::<bool>(),
        mtu in proptest::option::of(1280u32..=65535),
        parent in proptest::option::of(prop_oneof![ifname(), Just("5fc1c5c8-2a5e-4b36-a1d0-5b0cfbc3a7a7".to_string())]),
        encap in any::<u8>(),
        flow in 0u32..(1 << 20),
        flags in 0u32..=0x3f,
        addresses in proptest::collection::vec(address(), 0..4),
        routes in proptest::collection::vec(route(), 0..4),
        neighbours in proptest::collection::vec((v4(), ip(mode.outer_family())), 0..2),
        autoconnect in any::<bool>(),
        id in proptest::option::of(weird()),
        uuid in proptest::option::of(any::<u128>()),
        zone in proptest::option::of(weird()),
        extras in proptest::collection::vec(extra(), 0..5),
        mode in Just(mode),
        name in Just(name),
        _seed in Just(seed),
    ) -> Tunnel {
        let mut t = Tunnel::new(name, mode);
        t.local = local;
        t.remote = remote;
        if mode.takes_key() {
            t.input_key = input_key;
            t.output_key = output_key;
        }
        t.path_mtu_discovery = pmtud;
        t.ttl = if pmtud { ttl } else { 0 };
        t.tos = tos;
        t.mtu = mtu;
        t.parent = parent;
        if mode.outer_family() == Family::V6 {
            t.encapsulation_limit = encap;
            t.flow_label = flow;
        }
        if mode.is_ip6tnl() {
            t.flags = flags;
        }
        let inner = mode.inner_family();
        let mut seen = Vec::new();
        for a in addresses {
            let fam = Family::of(&a.address.addr());
            if inner.is_some_and(|f| f != fam) || seen.contains(&a.address.addr()) {
                continue;
            }
            seen.push(a.address.addr());
            t.addresses.push(a);
        }
        t.routes = routes;
        t.neighbours = neighbours.into_iter().map(|(inner, outer)| Neighbour { inner, outer }).collect();
        t.autoconnect = autoconnect;
        t.id = id.filter(|s| !s.contains('\0'));
        t.uuid = uuid.map(uuid::Uuid::from_u128);
        t.zone = zone.filter(|z| !z.contains(['\n', '\0']));
        t.extras = extras;
        t
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn read_encode_lower_is_identity(t in tunnel()) {
        prop_assume!(t.validate().is_empty());
        let (low, _) = match keyfile::lower(&t, &WriteOptions::default()) {
            Ok(x) => x,
            // Only interface names the kernel refuses (\v) are errors.
            Err(p) => {
                prop_assert!(t.name.contains('\x0b') || t.parent.as_deref().is_some_and(|p| p.contains('\x0b')), "{p:?}");
                return Ok(());
            }
        };
        prop_assert!(low.validate().is_empty(), "lowered tunnel is invalid: {:?}", low.validate());
        let files = keyfile::encode(&low);
        prop_assert_eq!(files.len(), 1);
        let src = Source::new(files[0].name.clone(), None, files[0].contents.clone());
        let back = match keyfile::read_one(&src) {
            Ok(p) => p,
            Err(f) => return Err(TestCaseError::fail(format!("{f}\n--- file\n{}", files[0].contents))),
        };
        prop_assert_eq!(&back.tunnel, &low, "file:\n{}", files[0].contents);
        // Lowering is idempotent: nothing left to change or warn about.
        let (again, w) = keyfile::lower(&low, &WriteOptions::default()).unwrap();
        prop_assert_eq!(&again, &low);
        prop_assert!(w.iter().all(|p| p.field.as_deref() == Some("remote")), "{:?}", w);
    }
}
