//! Round-trip properties over every valid tunnel model:
//! - `read(encode(lower(t))) == lower(t)` for ifcfg, NetworkManager
//!   keyfiles and the iproute2 and rc.local scripts grecfg renders
//!   (lowering maps the model onto what the format can hold, with
//!   warnings; what remains must survive the trip exactly);
//! - lowering is idempotent, and a second pass repeats no loss;
//! - the readers never panic, whatever bytes they are given.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use proptest::prelude::*;
use proptest::sample::select;

use grecfg::diag::Source;
use grecfg::format::{self, Format, WriteOptions};
use grecfg::formats::{ifcfg, keyfile};
use grecfg::model::{Extra, Family, InnerAddress, Mode, Neighbour, Route, Tunnel, RESERVED_NAMES};
use grecfg::script;
use grecfg::shell;

#[path = "../fuzz/src/words.rs"]
mod words;

// Its reader targets' helpers are not used here.
#[allow(dead_code)]
#[path = "../fuzz/src/check.rs"]
mod check;
use check::MapCompanions;

fn v4() -> impl Strategy<Value = Ipv4Addr> {
    any::<u32>().prop_map(Ipv4Addr::from)
}

fn v6() -> impl Strategy<Value = Ipv6Addr> {
    prop_oneof![
        any::<u128>().prop_map(Ipv6Addr::from),
        // Short forms (`2001:db8::1`) exercise the textual compression.
        (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, a, b)),
    ]
}

fn addr(f: Family) -> BoxedStrategy<IpAddr> {
    match f {
        Family::V4 => v4().prop_map(IpAddr::V4).boxed(),
        Family::V6 => v6().prop_map(IpAddr::V6).boxed(),
    }
}

fn net(f: Family) -> BoxedStrategy<IpNet> {
    match f {
        Family::V4 => (v4(), 0u8..=32)
            .prop_map(|(a, p)| IpNet::V4(Ipv4Net::new(a, p).unwrap()))
            .boxed(),
        Family::V6 => (v6(), 0u8..=128)
            .prop_map(|(a, p)| IpNet::V6(Ipv6Net::new(a, p).unwrap()))
            .boxed(),
    }
}

fn any_family() -> impl Strategy<Value = Family> {
    select(vec![Family::V4, Family::V6])
}

/// Interface names the kernel accepts, including awkward ones.
fn ifname() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_.@+=#$'\"`;!*%,~\\-\\\\é]{1,7}".prop_filter("kernel rules", |s| {
        grecfg::model::check_ifname(s).is_ok() && !RESERVED_NAMES.contains(&s.as_str())
    })
}

/// Interface names for the script round trips: the awkward names above,
/// words that `ip` and the rendered script use as keywords, and any
/// character the kernel allows (control characters, non-breaking spaces,
/// shell operators), up to its 15-byte limit.
fn script_ifname() -> impl Strategy<Value = String> {
    prop_oneof![
        ifname(),
        select(words::KEYWORDS.to_vec()).prop_map(String::from),
        "[^/:\t\n\x0b\x0c\r \x00]{1,15}",
    ]
    .prop_filter("kernel rules", |s| {
        grecfg::model::check_ifname(s).is_ok() && !RESERVED_NAMES.contains(&s.as_str())
    })
}

/// Valid models with any interface name the kernel accepts, for the
/// scripts, where every name passes through shell quoting and `ip`'s
/// keyword parsing, and routes in the main table given by number.
fn script_tunnel() -> impl Strategy<Value = Tunnel> {
    (
        valid_tunnel(),
        script_ifname(),
        proptest::option::of(script_ifname()),
        any::<bool>(),
    )
        .prop_map(|(mut t, name, parent, main_table)| {
            t.name = name;
            if t.parent.is_some() {
                t.parent = parent;
            }
            // The main table by number, which `ip route` does not print.
            if let (true, Some(r)) = (main_table, t.routes.first_mut()) {
                r.table = Some(254);
            }
            t
        })
        .prop_filter("valid models only", |t| t.validate().is_empty())
}

/// Free text as a profile name or zone: printable, with shell and keyfile
/// metacharacters.
fn text() -> impl Strategy<Value = String> {
    "[ a-zA-Z0-9_.=#;$'\"`\\\\/\\[\\]é-]{1,12}"
}

fn inner_address(mode: Mode) -> BoxedStrategy<InnerAddress> {
    let fam = match mode.inner_family() {
        Some(f) => Just(f).boxed(),
        None => any_family().boxed(),
    };
    fam.prop_flat_map(|f| (net(f), proptest::option::of(net(f))))
        .prop_map(|(address, peer)| InnerAddress { address, peer })
        .boxed()
}

fn route() -> impl Strategy<Value = Route> {
    any_family()
        .prop_flat_map(|f| {
            (
                net(f).prop_map(|n| n.trunc()),
                proptest::option::of(addr(f)),
                proptest::option::of(any::<u32>()),
                proptest::option::of(1u32..),
            )
        })
        .prop_map(|(destination, gateway, metric, table)| Route {
            destination,
            gateway,
            metric,
            table,
        })
}

fn extra() -> impl Strategy<Value = Extra> {
    prop_oneof![
        ("X_[A-Z0-9_]{1,6}", text()).prop_map(|(key, value)| Extra {
            format: "ifcfg".into(),
            key,
            value
        }),
        ("user\\.x-[a-z]{1,6}", text()).prop_map(|(key, value)| Extra {
            format: "keyfile".into(),
            key,
            value
        }),
    ]
}

prop_compose! {
    fn tunnel()(mode in select(Mode::ALL.to_vec()))(
        mode in Just(mode),
        name in ifname(),
        local in proptest::option::of(addr(mode.outer_family())),
        remote in proptest::option::of(addr(mode.outer_family())),
        keys in (proptest::option::of(any::<u32>()), proptest::option::of(any::<u32>())),
        ttl in any::<u8>(),
        tos in any::<u8>(),
        pmtu in any::<bool>(),
        mtu in proptest::option::of(1280u32..=65535),
        parent in proptest::option::of(ifname()),
        ip6 in (any::<u8>(), 0u32..(1 << 20), 0u32..=0x3f),
        addresses in proptest::collection::vec(inner_address(mode), 0..3),
        routes in proptest::collection::vec(route(), 0..3),
        neighbours in proptest::collection::vec((addr(Family::V4), addr(mode.outer_family())), 0..2),
        autoconnect in any::<bool>(),
        id in proptest::option::of(text()),
        uuid in proptest::option::of(any::<u128>().prop_map(uuid::Uuid::from_u128)),
        zone in proptest::option::of(text()),
        extras in proptest::collection::vec(extra(), 0..3),
    ) -> Tunnel {
        let mut t = Tunnel::new(name, mode);
        t.local = local;
        t.remote = remote;
        if mode.takes_key() {
            (t.input_key, t.output_key) = keys;
        }
        t.ttl = ttl;
        t.tos = tos;
        t.path_mtu_discovery = pmtu || ttl != 0;
        t.mtu = mtu;
        t.parent = parent;
        if mode.outer_family() == Family::V6 {
            (t.encapsulation_limit, t.flow_label) = (ip6.0, ip6.1);
        }
        if mode.is_ip6tnl() {
            t.flags = ip6.2;
        }
        let mut seen = std::collections::BTreeSet::new();
        t.addresses = addresses.into_iter().filter(|a| seen.insert(a.address.addr())).collect();
        t.routes = routes;
        t.neighbours = neighbours.into_iter().map(|(inner, outer)| Neighbour { inner, outer }).collect();
        t.autoconnect = autoconnect;
        t.id = id;
        t.uuid = uuid;
        t.zone = zone;
        t.extras = extras;
        t
    }
}

fn valid_tunnel() -> impl Strategy<Value = Tunnel> {
    tunnel().prop_filter("valid models only", |t| t.validate().is_empty())
}

/// The check the fuzz targets make (fuzz/src/check.rs): a failure panics,
/// which proptest takes as a failing case and shrinks.
fn check_round_trip(format: Format, t: &Tunnel) -> Result<(), TestCaseError> {
    check::check_round_trip(format, t);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn ifcfg_round_trip(t in valid_tunnel()) {
        check_round_trip(Format::Ifcfg, &t)?;
    }

    #[test]
    fn keyfile_round_trip(t in valid_tunnel()) {
        check_round_trip(Format::Keyfile, &t)?;
    }

    #[test]
    fn nmcli_round_trip(t in valid_tunnel()) {
        check_round_trip(Format::Nmcli, &t)?;
    }

    #[test]
    fn model_json_round_trip(t in valid_tunnel()) {
        check_round_trip(Format::Model, &t)?;
    }

    #[test]
    fn iproute2_round_trip(t in script_tunnel()) {
        check_round_trip(Format::Iproute2, &t)?;
    }

    #[test]
    fn rc_local_round_trip(t in script_tunnel()) {
        check_round_trip(Format::RcLocal, &t)?;
    }

    #[test]
    fn readers_never_panic_on_arbitrary_text(text in "\\PC*|[\\s\\S]{0,200}") {
        let src = Source::new("fuzz", None, text);
        let _ = format::read(
            Format::Ifcfg,
            &src,
            &format::ReadContext::new(&MapCompanions(BTreeMap::new())),
        );
        let _ = keyfile::read_one(&src);
        let _ = ifcfg::is_tunnel(&src.text);
        let _ = shell::lex_script(&src.text);
        let _ = script::read(&src, script::Dialect::RcLocal);
        let _ = script::read(&src, script::Dialect::Iproute2);
    }

    #[test]
    fn nmcli_reader_never_panics(words in prop::collection::vec("[-+a-z0-9./:, ]{0,12}|\\PC{0,6}", 0..12)) {
        let args: Vec<String> = words.iter().map(|w| format!("'{}'", w.replace('\'', ""))).collect();
        for head in ["nmcli c a type ip-tunnel ifname t mode gre remote 192.0.2.1", "nmcli con mod t", "nmcli"] {
            let text = format!("{head} {}\nnmcli con mod ip-tunnel-t {}\n", args.join(" "), args.join(" "));
            let src = Source::new("fuzz", None, text);
            let _ = format::read(
                Format::Nmcli,
                &src,
                &format::ReadContext::new(&MapCompanions(BTreeMap::new())),
            );
        }
    }

    #[test]
    fn readers_never_panic_on_mangled_output(t in valid_tunnel(), cut in any::<prop::sample::Index>(), junk in "[\\s\\S]{0,8}") {
        for format in [Format::Ifcfg, Format::Keyfile, Format::Iproute2, Format::RcLocal, Format::Nmcli] {
            let Ok(w) = format::write(format, &t, &WriteOptions::default()) else { continue };
            let mut text = w.files[0].contents.clone();
            let mut at = cut.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert_str(at, &junk);
            let src = Source::new("fuzz", None, text);
            let companions = MapCompanions(w.files[1..].iter().map(|f| (f.name.clone(), f.contents.clone())).collect());
            let _ = format::read(format, &src, &format::ReadContext::new(&companions));
        }
    }
}

#[test]
fn ifcfg_refuses_modes_initscripts_cannot_create() {
    for mode in [
        Mode::Sit,
        Mode::Isatap,
        Mode::Vti,
        Mode::Vti6,
        Mode::Ip6ip6,
        Mode::Gretap,
        Mode::Ip6gretap,
    ] {
        let t = Tunnel::new("t1", mode);
        let err =
            format::lower(Format::Ifcfg, &t, &Default::default()).expect_err("no ifcfg TYPE for this mode");
        assert_eq!(err[0].field.as_deref(), Some("mode"), "{mode}");
    }
}
