//! `grecfg peer`: the configuration of the other end of a tunnel.
//!
//! A point-to-point tunnel is one link seen from two machines, so the other
//! end is mostly this end turned around:
//! - `local` and `remote` are swapped (`--public-address` replaces this
//!   end's local address when the peer reaches it through NAT, and
//!   `--peer-local` the peer's own address when the peer is behind NAT);
//! - the keys cross: what this end sends with (`output_key`) the peer
//!   receives with (`input_key`), and the other way round;
//! - inner addresses are swapped: `ADDRESS peer PEER` becomes
//!   `PEER peer ADDRESS`, each keeping the prefix length it had in its
//!   place. An address without a peer is mirrored when its subnet has
//!   exactly one other host (IPv4 /30 and /31, IPv6 /127); otherwise
//!   `--peer-address` must say what the peer uses. NetworkManager's form of
//!   `A peer B` (A/32 plus a device route to B/32) counts as `A peer B`;
//! - routes: this end's routes lead to the peer's networks, which the peer
//!   reaches directly, so they are not mirrored. The peer gets a route to
//!   each `--local-subnet` (this end's networks behind the tunnel); the
//!   tunnel's own inner subnet needs none, because the mirrored address
//!   (its prefix, or its peer) already makes it on-link. The new routes go
//!   via this end's inner address when this end's routes use the peer's
//!   inner address as gateway, and are device routes otherwise, so both
//!   ends are written in the same style;
//! - mode, ttl, tos, path-MTU discovery, MTU and the IPv6 options stay;
//! - what belongs to this machine is dropped with a note: the underlay
//!   device (`parent`), the UUID, static neighbours and script extras
//!   (`modprobe`, firewall rules, ...).
//!
//! A multipoint tunnel (no remote) has no single other end and is refused.

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::codec::Parsed;
use crate::convert::{self, Conversion, ConvertOptions, Input, Inputs, Out};
use crate::diag::{Diagnostic, Fail, Location, Origins, Severity};
use crate::format::Format;
use crate::model::{Family, InnerAddress, Route, Tunnel};

/// What the user tells `grecfg peer` beyond the input.
#[derive(Debug, Clone, Default)]
pub struct PeerOptions {
    /// The peer's interface name (default: this end's).
    pub name: Option<String>,
    /// This end's networks the peer routes through the tunnel.
    pub local_subnets: Vec<IpNet>,
    /// This end's address as the peer reaches it (default: `local`).
    pub public_address: Option<IpAddr>,
    /// The peer's own local address (default: this end's `remote`), for a
    /// peer behind NAT.
    pub peer_local: Option<IpAddr>,
    /// The peer's inner addresses, replacing the derived ones.
    pub peer_addresses: Vec<IpNet>,
}

/// Fields whose origin carries over unchanged.
const SAME_FIELDS: [&str; 13] = [
    "name",
    "mode",
    "ttl",
    "tos",
    "path_mtu_discovery",
    "mtu",
    "encapsulation_limit",
    "flow_label",
    "flags",
    "autoconnect",
    "id",
    "zone",
    "routes",
];

/// The other end of the tunnel `p` describes: its tunnel, where each of
/// its fields came from in this end's input, and (as warnings) what was
/// dropped or assumed on the way. Errors are diagnostics at the input line
/// that makes mirroring impossible.
pub(crate) fn mirror(p: &Parsed, opts: &PeerOptions) -> Result<Parsed, Vec<Diagnostic>> {
    let t = &p.tunnel;
    let at = |field: &str| p.origins.get(Some(field)).cloned();
    let mut errors = Vec::new();
    let mut notes = Vec::new();

    let Some(remote) = t.remote else {
        return Err(vec![Diagnostic::error(format!(
            "{} is a multipoint tunnel (no remote): it has no single other end to mirror",
            t.name
        ))
        .at_opt(p.origins.whole.clone())
        .hint(
            "write each spoke as a point-to-point tunnel whose remote is this hub's address, or add the remote",
        )]);
    };
    let peer_remote = match (opts.public_address, t.local) {
        (Some(a), _) => Some(a),
        (None, Some(l)) => Some(l),
        (None, None) => {
            errors.push(
                Diagnostic::error(format!(
                    "{} has no local address, so the peer's remote is unknown",
                    t.name
                ))
                .at_opt(p.origins.whole.clone())
                .hint("give this end's address with --public-address ADDRESS, or set the local address in the input"),
            );
            None
        }
    };
    if let (Some(a), Some(l)) = (opts.public_address, t.local) {
        if a != l {
            notes.push(
                Diagnostic::note(format!(
                    "the peer's remote is {a} (--public-address), not this end's local address {l}"
                ))
                .at_opt(at("local")),
            );
        }
    } else if let (None, Some(l)) = (opts.public_address, t.local) {
        if is_private(&l) && !is_private(&remote) {
            notes.push(
                Diagnostic::warning(format!(
                    "local {l} is a private address and remote {remote} a public one: this end is probably behind NAT, and the peer must use its public address as remote"
                ))
                .at_opt(at("local"))
                .hint("give this end's public address with --public-address ADDRESS"),
            );
        }
    }

    let mut peer = Tunnel::new(opts.name.clone().unwrap_or_else(|| t.name.clone()), t.mode);
    peer.local = Some(opts.peer_local.unwrap_or(remote));
    peer.remote = peer_remote;
    peer.input_key = t.output_key;
    peer.output_key = t.input_key;
    peer.ttl = t.ttl;
    peer.tos = t.tos;
    peer.path_mtu_discovery = t.path_mtu_discovery;
    peer.mtu = t.mtu;
    peer.encapsulation_limit = t.encapsulation_limit;
    peer.flow_label = t.flow_label;
    peer.flags = t.flags;
    peer.autoconnect = t.autoconnect;
    peer.zone = t.zone.clone();
    peer.id = if opts.name.is_some() { None } else { t.id.clone() };

    let mut origins = Origins::new(p.origins.whole.clone().unwrap_or_else(|| Location {
        file: String::new(),
        line: 0,
        column: 0,
        len: 0,
        line_text: None,
    }));
    for f in SAME_FIELDS {
        copy(&p.origins, f, &mut origins, f);
    }
    copy(&p.origins, "remote", &mut origins, "local");
    copy(&p.origins, "local", &mut origins, "remote");
    copy(&p.origins, "output_key", &mut origins, "input_key");
    copy(&p.origins, "input_key", &mut origins, "output_key");

    // Inner addresses, with the peer NetworkManager's form implies.
    let (addresses, implied_routes) = implied_peers(t);
    if opts.peer_addresses.is_empty() {
        for (i, a) in addresses.iter().enumerate() {
            let field = format!("addresses[{i}]");
            copy(&p.origins, &field, &mut origins, &field);
            match mirror_address(a) {
                Ok(m) => peer.addresses.push(m),
                Err(msg) => errors.push(
                    Diagnostic::error(msg)
                        .at_opt(at(&field))
                        .hint("give the peer's inner address with --peer-address ADDRESS/PREFIX, or write this end's address with its peer (`ip addr add ADDRESS peer PEER`, PEER_INNER_IPADDR=)"),
                ),
            }
        }
    } else {
        for a in &opts.peer_addresses {
            let mine = t
                .addresses
                .iter()
                .find(|m| Family::of(&m.address.addr()) == Family::of(&a.addr()));
            peer.addresses.push(InnerAddress {
                address: *a,
                peer: mine
                    .filter(|m| !m.address.contains(&a.addr()))
                    .map(|m| host(m.address.addr())),
            });
        }
    }

    // Routes: this end's are the way to the peer's networks.
    let own_routes: Vec<(usize, &Route)> = t
        .routes
        .iter()
        .enumerate()
        .filter(|(i, _)| !implied_routes.contains(i))
        .collect();
    for &(i, r) in &own_routes {
        notes.push(
            Diagnostic::note(format!(
                "route to {} leads to the peer's side; the peer has no route to it",
                r.destination
            ))
            .at_opt(at(&format!("routes[{i}]"))),
        );
    }
    let via_gateway = own_routes.iter().any(|(_, r)| {
        r.gateway
            .is_some_and(|g| addresses.iter().any(|a| a.peer.is_some_and(|p| p.addr() == g)))
    });
    for net in &opts.local_subnets {
        let gateway = if via_gateway {
            t.addresses
                .iter()
                .map(|a| a.address.addr())
                .find(|a| Family::of(a) == Family::of(&net.addr()))
        } else {
            None
        };
        peer.routes.push(Route {
            destination: *net,
            gateway,
            metric: None,
            table: None,
        });
    }
    if opts.local_subnets.is_empty() && !own_routes.is_empty() {
        notes.push(
            Diagnostic::warning(format!(
                "the peer gets no route back to this end's networks (this end routes {} through the tunnel)",
                own_routes
                    .iter()
                    .map(|(_, r)| r.destination.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .at_opt(at("routes"))
            .hint("name this end's networks behind the tunnel with --local-subnet CIDR"),
        );
    }

    // What belongs to this machine.
    let whole = p.origins.whole.clone();
    if let Some(parent) = &t.parent {
        notes.push(
            Diagnostic::note(format!(
                "underlay device {parent} is this machine's; the peer gets none"
            ))
            .at_opt(at("parent")),
        );
    }
    if t.uuid.is_some() {
        notes.push(
            Diagnostic::note(
                "the UUID belongs to this machine's profile; the peer's profile gets one as --uuid says",
            )
            .at_opt(at("uuid")),
        );
    }
    if !t.neighbours.is_empty() {
        notes.push(
            Diagnostic::note(
                "static neighbours are not mirrored: the peer reaches this end through its remote",
            )
            .at_opt(at("neighbours")),
        );
    }
    for (i, e) in t.extras.iter().enumerate() {
        notes.push(
            Diagnostic::note(format!(
                "{} setting {}={} is this machine's and is not mirrored",
                e.format, e.key, e.value
            ))
            .at_opt(at(&format!("extras[{i}]")).or_else(|| whole.clone())),
        );
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Parsed {
        tunnel: peer,
        origins,
        warnings: notes,
    })
}

/// `grecfg peer`: read every input, mirror each tunnel and write the
/// mirrors as `convert` writes tunnels. The input's reader warnings are kept
/// (its notes concern this end only).
pub fn convert(
    inputs: &[Input],
    to: Format,
    popts: &PeerOptions,
    opts: &ConvertOptions,
) -> Result<Conversion, Fail> {
    let mut out = Conversion::default();
    let mut count = 0;
    for input in inputs {
        if let Ok(parsed) = input.read().map_err(|f| out.diagnostics.extend(f.diagnostics)) {
            for p in parsed {
                count += 1;
                mirror_one(input, p, to, popts, opts, &mut out);
            }
        }
    }
    check_count(count, popts, &mut out);
    convert::finish(out, opts)
}

/// `grecfg peer` on inputs read one at a time, each mirror to `out` as
/// soon as it is written.
pub fn stream(
    inputs: &Inputs,
    to: Format,
    popts: &PeerOptions,
    opts: &ConvertOptions,
    out: &mut dyn Out,
) -> Result<(), Fail> {
    let mut count = 0;
    convert::each_input(inputs, out, &mut |input, p, out| {
        count += 1;
        mirror_one(input, p, to, popts, opts, out);
    })?;
    check_count(count, popts, out);
    Ok(())
}

fn mirror_one(
    input: &Input,
    p: Parsed,
    to: Format,
    popts: &PeerOptions,
    opts: &ConvertOptions,
    out: &mut dyn Out,
) {
    for w in p.warnings.iter().filter(|w| w.severity >= Severity::Warning) {
        out.diagnostic(w.clone());
    }
    match mirror(&p, popts) {
        Ok(m) => convert::convert_one(m, &input.source, to, opts, out),
        Err(errors) => {
            for e in errors {
                out.diagnostic(e);
            }
        }
    }
}

fn check_count(count: usize, popts: &PeerOptions, out: &mut dyn Out) {
    if popts.name.is_some() && count > 1 {
        out.diagnostic(
            Diagnostic::error(format!("--name names one tunnel, but the inputs hold {count}"))
                .hint("mirror the tunnels one at a time"),
        );
    }
}

/// The addresses of `t` with the peer NetworkManager's form implies: it
/// writes `ip addr add A peer B` as A/32 plus a device route to B/32. A host
/// address without a peer, with exactly one device route to another single
/// host of its family, is read back as `A peer B`. Returns the addresses and
/// the indexes of the routes so taken.
fn implied_peers(t: &Tunnel) -> (Vec<InnerAddress>, Vec<usize>) {
    let mut taken = Vec::new();
    let addresses = t
        .addresses
        .iter()
        .map(|a| {
            let is_host = |n: &IpNet| n.prefix_len() == n.max_prefix_len();
            if a.peer.is_some() || !is_host(&a.address) {
                return a.clone();
            }
            let candidates: Vec<usize> = t
                .routes
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    r.gateway.is_none()
                        && r.table.is_none()
                        && is_host(&r.destination)
                        && Family::of(&r.destination.addr()) == Family::of(&a.address.addr())
                        && r.destination.addr() != a.address.addr()
                })
                .map(|(i, _)| i)
                .collect();
            match candidates[..] {
                [i] => {
                    taken.push(i);
                    InnerAddress {
                        address: a.address,
                        peer: Some(t.routes[i].destination),
                    }
                }
                _ => a.clone(),
            }
        })
        .collect();
    (addresses, taken)
}

fn copy(from: &Origins, field: &str, to: &mut Origins, as_field: &str) {
    if let Some(l) = from.get(Some(field)) {
        if Some(l) != from.whole.as_ref() {
            to.set(as_field, l.clone());
        }
    }
}

/// The single-host network of an address.
fn host(a: IpAddr) -> IpNet {
    IpNet::from(a)
}

/// `ADDRESS peer PEER` → `PEER peer ADDRESS`, or the other host of a
/// two-host subnet.
fn mirror_address(a: &InnerAddress) -> Result<InnerAddress, String> {
    if let Some(p) = &a.peer {
        let address = IpNet::new(p.addr(), a.address.prefix_len()).expect("same family, same prefix");
        let peer = IpNet::new(a.address.addr(), p.prefix_len()).expect("same family, same prefix");
        return Ok(InnerAddress {
            address,
            peer: Some(peer),
        });
    }
    let other = other_host(&a.address).ok_or_else(|| {
        format!(
            "cannot tell the peer's inner address: {} has no peer and its subnet has more than one other host",
            a.address
        )
    })?;
    Ok(InnerAddress {
        address: IpNet::new(other, a.address.prefix_len()).expect("same prefix"),
        peer: None,
    })
}

/// The one other usable host of a /30, /31 (IPv4) or /127 (IPv6) subnet.
pub(crate) fn other_host(net: &IpNet) -> Option<IpAddr> {
    match net {
        IpNet::V4(n) => {
            let a = u32::from(n.addr());
            let base = u32::from(n.network());
            match n.prefix_len() {
                31 => Some(IpAddr::V4((a ^ 1).into())),
                30 => match a - base {
                    1 => Some(IpAddr::V4((base + 2).into())),
                    2 => Some(IpAddr::V4((base + 1).into())),
                    _ => None,
                },
                _ => None,
            }
        }
        IpNet::V6(n) if n.prefix_len() == 127 => Some(IpAddr::V6((u128::from(n.addr()) ^ 1).into())),
        IpNet::V6(_) => None,
    }
}

/// RFC 1918, shared address space (RFC 6598), link-local and unique-local
/// addresses: those a NAT usually stands in front of.
pub(crate) fn is_private(a: &IpAddr) -> bool {
    match a {
        IpAddr::V4(v4) => {
            let cgnat: Ipv4Net = "100.64.0.0/10".parse().expect("valid");
            v4.is_private() || v4.is_link_local() || cgnat.contains(v4)
        }
        IpAddr::V6(v6) => {
            let ula: Ipv6Net = "fc00::/7".parse().expect("valid");
            let ll: Ipv6Net = "fe80::/10".parse().expect("valid");
            ula.contains(v6) || ll.contains(v6)
        }
    }
}

/// A `--local-subnet` value: a network, not an address in one.
pub(crate) fn parse_subnet(s: &str) -> Result<IpNet, String> {
    let net: IpNet = s
        .parse()
        .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{s:?} is not a CIDR network such as 192.0.2.0/24"))?;
    if net.trunc() != net {
        return Err(format!("{net} has host bits set; the network is {}", net.trunc()));
    }
    Ok(net)
}

/// A `--peer-address` value: an address with its prefix length.
pub(crate) fn parse_address(s: &str) -> Result<IpNet, String> {
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{s:?} is not an address such as 192.0.2.2/30"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Source;
    use crate::model::Mode;

    fn parsed(t: Tunnel) -> Parsed {
        let src = Source::new("in", None, "");
        Parsed {
            tunnel: t,
            origins: Origins::new(src.whole()),
            warnings: Vec::new(),
        }
    }

    fn side_a() -> Tunnel {
        let mut t = Tunnel::new("gre1", Mode::Gre);
        t.local = Some("192.0.2.1".parse().unwrap());
        t.remote = Some("198.51.100.1".parse().unwrap());
        t.input_key = Some(1);
        t.output_key = Some(2);
        t.ttl = 64;
        t.mtu = Some(1400);
        t.addresses.push(InnerAddress {
            address: "203.0.113.1/32".parse().unwrap(),
            peer: Some("203.0.113.2/30".parse().unwrap()),
        });
        t
    }

    #[test]
    fn swaps_ends_crosses_keys_and_inner_addresses() {
        let b = mirror(&parsed(side_a()), &PeerOptions::default()).unwrap().tunnel;
        assert_eq!(b.local, Some("198.51.100.1".parse().unwrap()));
        assert_eq!(b.remote, Some("192.0.2.1".parse().unwrap()));
        assert_eq!((b.input_key, b.output_key), (Some(2), Some(1)));
        assert_eq!((b.ttl, b.mtu, b.mode), (64, Some(1400), Mode::Gre));
        assert_eq!(
            b.addresses,
            vec![InnerAddress {
                address: "203.0.113.2/32".parse().unwrap(),
                peer: Some("203.0.113.1/30".parse().unwrap()),
            }]
        );
        // Mirroring twice gives this end back.
        let a = mirror(&parsed(b), &PeerOptions::default()).unwrap().tunnel;
        assert_eq!(a, side_a());
    }

    #[test]
    fn two_host_subnets_mirror_without_a_peer() {
        let other = |s: &str| other_host(&s.parse().unwrap()).map(|a| a.to_string());
        assert_eq!(other("10.10.10.1/30").as_deref(), Some("10.10.10.2"));
        assert_eq!(other("10.10.10.6/30").as_deref(), Some("10.10.10.5"));
        assert_eq!(other("10.10.10.4/30"), None);
        assert_eq!(other("10.10.10.7/30"), None);
        assert_eq!(other("192.0.2.0/31").as_deref(), Some("192.0.2.1"));
        assert_eq!(other("2001:db8::1/127").as_deref(), Some("2001:db8::"));
        assert_eq!(other("192.0.2.1/24"), None);
    }

    #[test]
    fn routes_go_back_to_the_local_subnets_in_the_same_style() {
        let mut a = side_a();
        a.routes.push(Route {
            destination: "198.18.1.0/24".parse().unwrap(),
            gateway: Some("203.0.113.2".parse().unwrap()),
            metric: None,
            table: None,
        });
        let opts = PeerOptions {
            local_subnets: vec!["198.18.0.0/24".parse().unwrap()],
            ..Default::default()
        };
        let b = mirror(&parsed(a.clone()), &opts).unwrap().tunnel;
        assert_eq!(
            b.routes,
            vec![Route {
                destination: "198.18.0.0/24".parse().unwrap(),
                gateway: Some("203.0.113.1".parse().unwrap()),
                metric: None,
                table: None,
            }]
        );
        a.routes[0].gateway = None;
        let b = mirror(&parsed(a), &opts).unwrap().tunnel;
        assert_eq!(b.routes[0].gateway, None);
    }

    #[test]
    fn multipoint_and_unknown_addresses_are_refused() {
        let mut t = side_a();
        t.remote = None;
        let e = mirror(&parsed(t), &PeerOptions::default()).unwrap_err();
        assert!(e[0].message.contains("multipoint"), "{}", e[0]);
        let mut t = side_a();
        t.addresses[0] = InnerAddress {
            address: "203.0.113.1/24".parse().unwrap(),
            peer: None,
        };
        let e = mirror(&parsed(t.clone()), &PeerOptions::default()).unwrap_err();
        assert!(e[0].message.contains("cannot tell"), "{}", e[0]);
        let opts = PeerOptions {
            peer_addresses: vec!["203.0.113.9/24".parse().unwrap()],
            ..Default::default()
        };
        let b = mirror(&parsed(t), &opts).unwrap().tunnel;
        assert_eq!(b.addresses[0].address.to_string(), "203.0.113.9/24");
        assert_eq!(b.addresses[0].peer, None);
    }

    #[test]
    fn without_a_local_address_the_public_address_is_needed() {
        let mut t = side_a();
        t.local = None;
        let e = mirror(&parsed(t.clone()), &PeerOptions::default()).unwrap_err();
        assert!(e[0].message.contains("no local address"), "{}", e[0]);
        let opts = PeerOptions {
            public_address: Some("203.0.113.10".parse().unwrap()),
            ..Default::default()
        };
        let b = mirror(&parsed(t.clone()), &opts).unwrap().tunnel;
        assert_eq!(b.remote, Some("203.0.113.10".parse().unwrap()));
        assert_eq!(b.local, t.remote);
        let opts = PeerOptions {
            public_address: Some("203.0.113.10".parse().unwrap()),
            peer_local: Some("10.1.0.7".parse().unwrap()),
            ..Default::default()
        };
        let b = mirror(&parsed(t), &opts).unwrap().tunnel;
        assert_eq!(b.local, Some("10.1.0.7".parse().unwrap()));
    }

    #[test]
    fn this_machines_things_stay_behind() {
        let mut t = side_a();
        t.parent = Some("eth0".into());
        t.uuid = Some(uuid::Uuid::nil());
        t.extras.push(crate::model::Extra {
            format: "rc.local".into(),
            key: "modprobe".into(),
            value: "modprobe ip_gre".into(),
        });
        let p = mirror(&parsed(t), &PeerOptions::default()).unwrap();
        assert_eq!((p.tunnel.parent, p.tunnel.uuid), (None, None));
        assert!(p.tunnel.extras.is_empty());
        assert_eq!(p.warnings.len(), 3, "{:?}", p.warnings);
    }

    #[test]
    fn networkmanagers_host_address_and_device_route_is_a_peer() {
        let mut a = side_a();
        a.addresses[0] = InnerAddress {
            address: "203.0.113.1/32".parse().unwrap(),
            peer: None,
        };
        let route = |d: &str, gw: Option<&str>| Route {
            destination: d.parse().unwrap(),
            gateway: gw.map(|g| g.parse().unwrap()),
            metric: None,
            table: None,
        };
        a.routes = vec![
            route("198.18.1.0/24", Some("203.0.113.2")),
            route("203.0.113.2/32", None),
        ];
        let opts = PeerOptions {
            local_subnets: vec!["198.18.0.0/24".parse().unwrap()],
            ..Default::default()
        };
        let p = mirror(&parsed(a.clone()), &opts).unwrap();
        assert_eq!(
            p.tunnel.addresses,
            vec![InnerAddress {
                address: "203.0.113.2/32".parse().unwrap(),
                peer: Some("203.0.113.1/32".parse().unwrap()),
            }]
        );
        assert_eq!(p.tunnel.routes, vec![route("198.18.0.0/24", Some("203.0.113.1"))]);
        // Only the route to the peer's network is reported as left behind.
        assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
        // Two host routes: no telling which is the peer.
        a.routes.push(route("203.0.113.9/32", None));
        assert!(mirror(&parsed(a), &opts).is_err());
    }

    #[test]
    fn nat_and_subnet_arguments() {
        assert!(is_private(&"10.0.0.1".parse().unwrap()));
        assert!(is_private(&"100.64.0.1".parse().unwrap()));
        assert!(!is_private(&"100.0.1.100".parse().unwrap()));
        assert!(is_private(&"fd00::1".parse().unwrap()));
        assert!(!is_private(&"2001:db8::1".parse().unwrap()));
        assert_eq!(parse_subnet("10.2.1.0/24").unwrap().to_string(), "10.2.1.0/24");
        assert!(parse_subnet("10.2.1.5/24").unwrap_err().contains("10.2.1.0/24"));
        assert!(parse_subnet("nope").is_err());
    }
}
