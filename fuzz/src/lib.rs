//! What the fuzz targets share: [`check`] (also used by the regression
//! tests of their findings) and tunnels made from the fuzzer's bytes.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use arbitrary::{Result, Unstructured};
use grecfg::model::{
    check_ifname, Extra, Family, InnerAddress, Mode, Neighbour, Route, Tunnel, RESERVED_NAMES,
};
use ipnet::IpNet;

pub mod check;
pub mod words;
pub use check::*;

/// The tunnels of one input for the round trips: the model JSON reader's
/// when the input is model JSON, else one tunnel built from the bytes.
/// Only valid tunnels: writers take validated models.
pub fn tunnels(data: &[u8]) -> Vec<Tunnel> {
    match json_tunnels(data) {
        Some(tunnels) => tunnels,
        None => tunnel(&mut Unstructured::new(data))
            .into_iter()
            .filter(|t| t.validate().is_empty())
            .collect(),
    }
}

/// Characters that mean something to one of the formats: shell quoting
/// and operators, keyfile escapes and list separators, ifcfg's `=` and
/// `#`, blanks and controls, non-ASCII.
const CHARS: &[char] = &[
    'a', 'b', 'z', 'A', 'Z', '0', '1', '9', '_', '-', '.', '@', '+', '=', '#', '$', '\'', '"', '`', ';', '!',
    '*', '%', ',', '~', '\\', '/', ':', '[', ']', '{', '}', '(', ')', '<', '>', '|', '&', '?', '^', ' ',
    '\t', '\n', '\r', '\x0b', '\x0c', '\x01', '\x7f', '\u{a0}', 'é', '€', 'ä', '\u{feff}',
];

/// Words of the other formats than the scripts' keywords
/// ([`words::KEYWORDS`]): names and values nmcli and ifcfg files use.
const FORMAT_WORDS: &[&str] = &[
    "gre1", "t", "DEVICE", "yes", "no", "con", "connection", "ip-tunnel", "ifname", "id", "uuid", "ipv4",
    "ipv6", "manual", "none",
];

fn text(u: &mut Unstructured, max_chars: usize) -> Result<String> {
    if u.ratio(1, 4)? {
        let words = if u.arbitrary()? { words::KEYWORDS } else { FORMAT_WORDS };
        return Ok(u.choose(words)?.to_string());
    }
    let len = u.int_in_range(0..=max_chars)?;
    let mut s = String::new();
    for _ in 0..len {
        if u.ratio(7, 8)? {
            s.push(*u.choose(CHARS)?);
        } else {
            s.push(u.arbitrary()?);
        }
    }
    Ok(s)
}

/// A name the kernel takes for an interface; `gre1` when the bytes make
/// none.
fn ifname(u: &mut Unstructured) -> Result<String> {
    let s = text(u, 15)?;
    Ok(
        if check_ifname(&s).is_ok() && !RESERVED_NAMES.contains(&s.as_str()) {
            s
        } else {
            "gre1".to_string()
        },
    )
}

fn v4(u: &mut Unstructured) -> Result<Ipv4Addr> {
    Ok(match u.int_in_range(0..=4)? {
        0 => Ipv4Addr::UNSPECIFIED,
        1 => Ipv4Addr::new(192, 0, 2, u.arbitrary()?),
        2 => Ipv4Addr::BROADCAST,
        3 => Ipv4Addr::new(224, 0, 0, u.arbitrary()?),
        _ => Ipv4Addr::from(u.arbitrary::<u32>()?),
    })
}

fn v6(u: &mut Unstructured) -> Result<Ipv6Addr> {
    Ok(match u.int_in_range(0..=5)? {
        0 => Ipv6Addr::UNSPECIFIED,
        1 => Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, u.arbitrary()?, u.arbitrary()?),
        2 => v4(u)?.to_ipv6_mapped(),
        3 => Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, u.arbitrary()?),
        4 => Ipv6Addr::LOCALHOST,
        _ => Ipv6Addr::from(u.arbitrary::<u128>()?),
    })
}

fn addr(u: &mut Unstructured, f: Family) -> Result<IpAddr> {
    Ok(match f {
        Family::V4 => IpAddr::V4(v4(u)?),
        Family::V6 => IpAddr::V6(v6(u)?),
    })
}

fn family(u: &mut Unstructured) -> Result<Family> {
    Ok(if u.arbitrary()? { Family::V6 } else { Family::V4 })
}

fn net(u: &mut Unstructured, f: Family) -> Result<IpNet> {
    let a = addr(u, f)?;
    let max = if f == Family::V4 { 32 } else { 128 };
    Ok(IpNet::new(a, u.int_in_range(0..=max)?).expect("the prefix is in range"))
}

fn option<T>(u: &mut Unstructured, f: impl FnOnce(&mut Unstructured) -> Result<T>) -> Result<Option<T>> {
    Ok(if u.arbitrary()? { Some(f(u)?) } else { None })
}

fn extra(u: &mut Unstructured) -> Result<Extra> {
    const FORMATS: &[&str] = &["ifcfg", "keyfile", "ifcfg", "keyfile", "nmcli", "iproute2"];
    const KEYS: &[&str] = &[
        "X_A",
        "BOOTPROTO",
        "IPV6_AUTOCONF",
        "ZONE",
        "ipv4.dns",
        "ipv6.dns-search",
        "ipv4.route1_options",
        "ipv4.gateway",
        "ipv6.addr-gen-mode",
        "ethernet.mtu",
        "user.x-a",
        "proxy.method",
        "connection.interface-name",
        "ipv4.address3",
        ".nmmeta.nm-generated",
    ];
    let format = u.choose(FORMATS)?.to_string();
    let key = if u.ratio(3, 4)? {
        u.choose(KEYS)?.to_string()
    } else {
        text(u, 10)?
    };
    let value = text(u, 12)?;
    Ok(Extra { format, key, value })
}

/// A tunnel from the fuzzer's bytes, made valid where that is a matter of
/// dropping a field (as tests/roundtrip.rs's generator does); the caller
/// drops what is still invalid.
pub fn tunnel(u: &mut Unstructured) -> Result<Tunnel> {
    let mode = *u.choose(&Mode::ALL)?;
    let outer = mode.outer_family();
    let mut t = Tunnel::new(ifname(u)?, mode);
    t.local = option(u, |u| addr(u, outer))?;
    t.remote = option(u, |u| addr(u, outer))?;
    if mode.takes_key() {
        t.input_key = option(u, |u| u.arbitrary())?;
        t.output_key = if u.arbitrary()? {
            t.input_key
        } else {
            option(u, |u| u.arbitrary())?
        };
    }
    t.path_mtu_discovery = u.arbitrary()?;
    t.ttl = if t.path_mtu_discovery { u.arbitrary()? } else { 0 };
    t.tos = u.arbitrary()?;
    let min_mtu = if outer == Family::V6 { 1280 } else { 68 };
    t.mtu = option(u, |u| u.int_in_range(min_mtu..=65535))?;
    t.parent = option(u, ifname)?;
    if outer == Family::V6 {
        t.encapsulation_limit = u.arbitrary()?;
        t.flow_label = u.int_in_range(0..=(1 << 20) - 1)?;
    }
    if mode.is_ip6tnl() {
        t.flags = u.int_in_range(0..=grecfg::model::flags::ALL)?;
    }
    for _ in 0..u.int_in_range(0..=3)? {
        let f = match mode.inner_family() {
            Some(f) => f,
            None => family(u)?,
        };
        let address = net(u, f)?;
        let peer = option(u, |u| net(u, f))?;
        if t.addresses.iter().all(|a| a.address.addr() != address.addr()) {
            t.addresses.push(InnerAddress { address, peer });
        }
    }
    for _ in 0..u.int_in_range(0..=3)? {
        let f = family(u)?;
        t.routes.push(Route {
            destination: net(u, f)?.trunc(),
            gateway: option(u, |u| addr(u, f))?,
            metric: option(u, |u| u.arbitrary())?,
            table: option(u, |u| u.int_in_range(1..=u32::MAX))?,
        });
    }
    for _ in 0..u.int_in_range(0..=2)? {
        t.neighbours.push(Neighbour {
            inner: addr(u, Family::V4)?,
            outer: addr(u, outer)?,
        });
    }
    t.autoconnect = u.arbitrary()?;
    t.id = option(u, |u| text(u, 12))?.filter(|s| !s.is_empty() && !s.contains('\0'));
    t.uuid = option(u, |u| u.arbitrary::<u128>().map(uuid::Uuid::from_u128))?;
    t.zone = option(u, |u| text(u, 12))?.filter(|z| !z.is_empty() && !z.contains(['\n', '\0']));
    for _ in 0..u.int_in_range(0..=3)? {
        t.extras.push(extra(u)?);
    }
    Ok(t)
}
