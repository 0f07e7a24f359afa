//! The one tunnel model every reader produces and every writer consumes.
//!
//! Field semantics follow NetworkManager's `ip-tunnel` setting where the two
//! worlds overlap (ttl 0 = inherit, path-MTU discovery on by default, numeric
//! keys), because NetworkManager is the strictest consumer; readers of other
//! formats translate their defaults into these terms (for example the ifcfg
//! reader records the `ip -6` hop limit default of 64 explicitly).

use std::collections::BTreeSet;
use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::diag::{Code, Problem};

/// Every tunnel mode NetworkManager knows, with its numeric value in keyfiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Ipip,
    Gre,
    Sit,
    Isatap,
    Vti,
    Ip6ip6,
    Ipip6,
    Ip6gre,
    Vti6,
    Gretap,
    Ip6gretap,
}

/// Address family of an outer (underlay) or inner address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn of(addr: &IpAddr) -> Family {
        match addr {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(_) => Family::V6,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
}

impl Mode {
    pub const ALL: [Mode; 11] = [
        Mode::Ipip,
        Mode::Gre,
        Mode::Sit,
        Mode::Isatap,
        Mode::Vti,
        Mode::Ip6ip6,
        Mode::Ipip6,
        Mode::Ip6gre,
        Mode::Vti6,
        Mode::Gretap,
        Mode::Ip6gretap,
    ];

    /// The number NetworkManager stores in `ip-tunnel.mode`.
    pub fn nm_number(self) -> u32 {
        match self {
            Mode::Ipip => 1,
            Mode::Gre => 2,
            Mode::Sit => 3,
            Mode::Isatap => 4,
            Mode::Vti => 5,
            Mode::Ip6ip6 => 6,
            Mode::Ipip6 => 7,
            Mode::Ip6gre => 8,
            Mode::Vti6 => 9,
            Mode::Gretap => 10,
            Mode::Ip6gretap => 11,
        }
    }

    pub fn from_nm_number(n: u32) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.nm_number() == n)
    }

    /// The canonical name, as nmcli and `ip tunnel` spell it.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Ipip => "ipip",
            Mode::Gre => "gre",
            Mode::Sit => "sit",
            Mode::Isatap => "isatap",
            Mode::Vti => "vti",
            Mode::Ip6ip6 => "ip6ip6",
            Mode::Ipip6 => "ipip6",
            Mode::Ip6gre => "ip6gre",
            Mode::Vti6 => "vti6",
            Mode::Gretap => "gretap",
            Mode::Ip6gretap => "ip6gretap",
        }
    }

    /// Accepts the canonical names and iproute2's aliases (`gre/ip`,
    /// `ipv6/ip`, `ip4ip6`, ...), case-insensitively.
    pub fn from_name(s: &str) -> Option<Mode> {
        let s = s.to_ascii_lowercase();
        let m = match s.as_str() {
            "ipip" | "ip/ip" => Mode::Ipip,
            "gre" | "gre/ip" => Mode::Gre,
            "sit" | "ipv6/ip" => Mode::Sit,
            "isatap" => Mode::Isatap,
            "vti" => Mode::Vti,
            "ip6ip6" | "ipv6/ipv6" => Mode::Ip6ip6,
            "ipip6" | "ip4ip6" | "ip/ipv6" | "ipv4/ipv6" => Mode::Ipip6,
            "ip6gre" | "gre/ipv6" => Mode::Ip6gre,
            "vti6" => Mode::Vti6,
            "gretap" => Mode::Gretap,
            "ip6gretap" => Mode::Ip6gretap,
            _ => return None,
        };
        Some(m)
    }

    /// Family of the outer (underlay) addresses `local` and `remote`.
    pub fn outer_family(self) -> Family {
        match self {
            Mode::Ip6ip6 | Mode::Ipip6 | Mode::Ip6gre | Mode::Vti6 | Mode::Ip6gretap => Family::V6,
            _ => Family::V4,
        }
    }

    /// Whether the kernel and NetworkManager accept input/output keys.
    pub fn takes_key(self) -> bool {
        matches!(
            self,
            Mode::Gre | Mode::Gretap | Mode::Ip6gre | Mode::Ip6gretap | Mode::Vti | Mode::Vti6
        )
    }

    /// Whether the tunnel carries Ethernet frames (a layer-2 device).
    pub fn is_layer2(self) -> bool {
        matches!(self, Mode::Gretap | Mode::Ip6gretap)
    }

    /// Whether the mode is one of the `ip6tnl` modes NetworkManager allows
    /// the tunnel `flags` on.
    pub fn is_ip6tnl(self) -> bool {
        matches!(self, Mode::Ipip6 | Mode::Ip6ip6)
    }

    /// Inner address families the device can carry, or `None` when any.
    pub fn inner_family(self) -> Option<Family> {
        match self {
            Mode::Ipip | Mode::Ipip6 => Some(Family::V4),
            Mode::Sit | Mode::Isatap | Mode::Ip6ip6 => Some(Family::V6),
            _ => None,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An address on the tunnel device, optionally point-to-point (`ip addr add
/// ADDRESS peer PEER`). With a peer the kernel uses the peer's prefix; the
/// prefix on `address` is kept only so the input can be written back as it
/// was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InnerAddress {
    pub address: IpNet,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<IpNet>,
}

/// A route through the tunnel device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    pub destination: IpNet,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<IpAddr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<u32>,
}

/// A static neighbour of a multipoint tunnel: the inner address reached
/// through the outer (underlay) address (`ip neigh add INNER lladdr OUTER`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Neighbour {
    pub inner: IpAddr,
    pub outer: IpAddr,
}

/// An input key no model field holds. Kept so that nothing is dropped
/// silently: written back by the format it came from, reported by others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extra {
    /// The format the key came from (`ifcfg`, `keyfile`, ...).
    pub format: String,
    /// The key as the format spells it (`BOOTPROTO`, `ipv4.dns`, ...).
    pub key: String,
    pub value: String,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_zero_u8(v: &u8) -> bool {
    *v == 0
}

fn is_zero_u32(v: &u32) -> bool {
    *v == 0
}

/// One tunnel, whatever format it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tunnel {
    /// Kernel interface name (`DEVICE=`, `connection.interface-name`).
    pub name: String,
    pub mode: Mode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<IpAddr>,
    /// `None` for a multipoint tunnel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote: Option<IpAddr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_key: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_key: Option<u32>,
    /// TTL (hop limit for IPv6 underlays); 0 = inherit.
    #[serde(default, skip_serializing_if = "is_zero_u8")]
    pub ttl: u8,
    /// TOS / traffic class; 0 = unset, 1 = inherit (as iproute2 encodes it).
    #[serde(default, skip_serializing_if = "is_zero_u8")]
    pub tos: u8,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub path_mtu_discovery: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtu: Option<u32>,
    /// Underlay device (ifname) or, for NetworkManager, a connection UUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// IPv6 underlays only (NetworkManager's `encapsulation-limit`).
    #[serde(default, skip_serializing_if = "is_zero_u8")]
    pub encapsulation_limit: u8,
    /// IPv6 underlays only, 20 bits.
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub flow_label: u32,
    /// `ip6tnl` flags (NetworkManager `ip-tunnel.flags`), ipip6/ip6ip6 only.
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub flags: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<InnerAddress>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub neighbours: Vec<Neighbour>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub autoconnect: bool,
    /// Profile name (`NAME=`, `connection.id`); defaults to `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<Uuid>,
    /// firewalld zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extras: Vec<Extra>,
}

/// Bits of NetworkManager's `ip-tunnel.flags`.
pub mod flags {
    pub const IGN_ENCAP_LIMIT: u32 = 0x1;
    pub const USE_ORIG_TCLASS: u32 = 0x2;
    pub const USE_ORIG_FLOWLABEL: u32 = 0x4;
    pub const MIP6_DEV: u32 = 0x8;
    pub const RCV_DSCP_COPY: u32 = 0x10;
    pub const USE_ORIG_FWMARK: u32 = 0x20;
    pub const ALL: u32 = 0x3f;
}

/// Device names the kernel creates itself as fallback devices of the tunnel
/// modules; initscripts refuses them and creating one fails.
pub const RESERVED_NAMES: [&str; 9] = [
    "gre0", "gretap0", "erspan0", "ip6gre0", "tunl0", "ip6tnl0", "sit0", "ip_vti0", "ip6_vti0",
];

impl Tunnel {
    /// A tunnel with every optional field at its default.
    pub fn new(name: impl Into<String>, mode: Mode) -> Tunnel {
        Tunnel {
            name: name.into(),
            mode,
            local: None,
            remote: None,
            input_key: None,
            output_key: None,
            ttl: 0,
            tos: 0,
            path_mtu_discovery: true,
            mtu: None,
            parent: None,
            encapsulation_limit: 0,
            flow_label: 0,
            flags: 0,
            addresses: Vec::new(),
            routes: Vec::new(),
            neighbours: Vec::new(),
            autoconnect: true,
            id: None,
            uuid: None,
            zone: None,
            extras: Vec::new(),
        }
    }

    /// The profile name: `id` when set, else the interface name.
    pub fn profile_id(&self) -> &str {
        self.id.as_deref().unwrap_or(&self.name)
    }

    /// Both keys equal (or both absent): expressible as one `key`.
    pub fn symmetric_key(&self) -> Option<Option<u32>> {
        (self.input_key == self.output_key).then_some(self.input_key)
    }

    /// What the kernel and NetworkManager accept but does nothing: an inner
    /// address of a family the mode does not carry (IPv4 on sit, IPv6 on
    /// ipip). Warnings, each naming the model field it concerns.
    pub fn doubts(&self) -> Vec<Problem> {
        let Some(want) = self.mode.inner_family() else {
            return Vec::new();
        };
        self.addresses
            .iter()
            .enumerate()
            .filter(|(_, a)| Family::of(&a.address.addr()) != want)
            .map(|(i, a)| {
                Problem::new(
                    format!("addresses[{i}]"),
                    format!(
                        "mode {} carries {} only: the address {} is kept, and no packet of its family goes through the tunnel",
                        self.mode,
                        want.name(),
                        a.address
                    ),
                )
                .hint(format!(
                    "drop the address, or use a mode that carries {} (gre carries both)",
                    Family::of(&a.address.addr()).name()
                ))
                .code(Code::InnerFamily)
            })
            .collect()
    }

    /// Check the kernel's and NetworkManager's rules. Returns every problem
    /// found, each naming the model field it concerns.
    pub fn validate(&self) -> Vec<Problem> {
        let mut p = Vec::new();
        if let Err(msg) = check_ifname(&self.name) {
            p.push(
                Problem::new("name", format!("interface name {:?} {msg}", self.name)).code(Code::InvalidName),
            );
        } else if RESERVED_NAMES.contains(&self.name.as_str()) {
            p.push(
                Problem::new(
                    "name",
                    format!(
                        "interface name {:?} is reserved: the kernel creates it as the fallback device of the tunnel module",
                        self.name
                    ),
                )
                .hint("choose another name, for example gre1")
                .code(Code::ReservedName),
            );
        }
        let family = self.mode.outer_family();
        for (field, addr) in [("local", &self.local), ("remote", &self.remote)] {
            if let Some(a) = addr {
                if Family::of(a) != family {
                    p.push(
                        Problem::new(
                            field,
                            format!(
                                "{field} address {a} is {} but mode {} runs over {}",
                                Family::of(a).name(),
                                self.mode,
                                family.name()
                            ),
                        )
                        .hint(match family {
                            Family::V4 => "use an IPv4 address, or an IPv6 mode such as ip6gre",
                            Family::V6 => "use an IPv6 address, or an IPv4 mode such as gre",
                        })
                        .code(Code::AddressFamily),
                    );
                }
            }
        }
        if (self.input_key.is_some() || self.output_key.is_some()) && !self.mode.takes_key() {
            let field = if self.input_key.is_some() {
                "input_key"
            } else {
                "output_key"
            };
            p.push(
                Problem::new(field, format!("mode {} takes no key", self.mode))
                    .hint("keys exist only for gre, gretap, ip6gre, ip6gretap, vti and vti6")
                    .code(Code::KeyOnKeylessMode),
            );
        }
        if !self.path_mtu_discovery && self.ttl != 0 {
            p.push(
                Problem::new(
                    "ttl",
                    format!(
                        "a fixed ttl ({}) needs path-MTU discovery, which is off",
                        self.ttl
                    ),
                )
                .hint("remove the ttl (inherit) or turn path-MTU discovery on")
                .code(Code::TtlWithoutPmtuDiscovery),
            );
        }
        if let Some(mtu) = self.mtu {
            let min = if family == Family::V6 { 1280 } else { 68 };
            if !(min..=65535).contains(&mtu) {
                p.push(Problem::new("mtu", format!("mtu {mtu} is outside {min}..=65535")));
            }
        }
        if let Some(parent) = &self.parent {
            if check_ifname(parent).is_err() && Uuid::parse_str(parent).is_err() {
                p.push(Problem::new(
                    "parent",
                    format!("parent {parent:?} is neither an interface name nor a UUID"),
                ));
            }
        }
        if family == Family::V4 {
            for (field, set) in [
                ("encapsulation_limit", self.encapsulation_limit != 0),
                ("flow_label", self.flow_label != 0),
            ] {
                if set {
                    p.push(Problem::new(
                        field,
                        format!(
                            "{field} applies only to tunnels over IPv6, not mode {}",
                            self.mode
                        ),
                    ));
                }
            }
        }
        if self.flow_label >= 1 << 20 {
            p.push(Problem::new(
                "flow_label",
                format!("flow label {:#x} does not fit in 20 bits", self.flow_label),
            ));
        }
        if self.flags != 0 && !self.mode.is_ip6tnl() {
            p.push(
                Problem::new(
                    "flags",
                    format!("tunnel flags are not allowed for mode {}", self.mode),
                )
                .hint("NetworkManager accepts flags only for ipip6 and ip6ip6"),
            );
        } else if self.flags & !flags::ALL != 0 {
            p.push(Problem::new(
                "flags",
                format!("unknown tunnel flags {:#x}", self.flags & !flags::ALL),
            ));
        }
        for (i, a) in self.addresses.iter().enumerate() {
            let field = format!("addresses[{i}]");
            let fam = Family::of(&a.address.addr());
            if let Some(peer) = &a.peer {
                if Family::of(&peer.addr()) != fam {
                    p.push(
                        Problem::new(
                            &field,
                            format!("peer {peer} and address {} differ in family", a.address),
                        )
                        .code(Code::AddressFamily),
                    );
                }
            }
        }
        for (i, r) in self.routes.iter().enumerate() {
            if r.destination.trunc() != r.destination {
                p.push(
                    Problem::new(
                        format!("routes[{i}]"),
                        format!("route destination {} has host bits set", r.destination),
                    )
                    .hint(format!("the network is {}", r.destination.trunc())),
                );
            }
            if r.table == Some(0) {
                p.push(
                    Problem::new(format!("routes[{i}]"), "route table 0 is not a table")
                        .hint("leave the table out for the main table"),
                );
            }
            if let Some(gw) = &r.gateway {
                if Family::of(gw) != Family::of(&r.destination.addr()) {
                    p.push(
                        Problem::new(
                            format!("routes[{i}]"),
                            format!("gateway {gw} and destination {} differ in family", r.destination),
                        )
                        .code(Code::AddressFamily),
                    );
                }
            }
        }
        for (i, n) in self.neighbours.iter().enumerate() {
            if Family::of(&n.outer) != family {
                p.push(
                    Problem::new(
                        format!("neighbours[{i}]"),
                        format!(
                            "neighbour {} is reached through {}, which is not {} like the underlay of mode {}",
                            n.inner,
                            n.outer,
                            family.name(),
                            self.mode
                        ),
                    )
                    .code(Code::AddressFamily),
                );
            }
        }
        let mut seen = BTreeSet::new();
        for (i, a) in self.addresses.iter().enumerate() {
            if !seen.insert(a.address.addr()) {
                p.push(Problem::new(
                    format!("addresses[{i}]"),
                    format!("address {} is given twice", a.address.addr()),
                ));
            }
        }
        if let Some(zone) = &self.zone {
            if zone.is_empty() || zone.contains(['\n', '\0']) {
                p.push(Problem::new("zone", format!("zone {zone:?} is not a valid name")));
            }
        }
        if let Some(id) = &self.id {
            if id.is_empty() || id.contains('\0') {
                p.push(Problem::new("id", "the profile name must not be empty"));
            }
        }
        p
    }
}

/// The kernel's rule for interface names (`dev_valid_name`).
pub fn check_ifname(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("is empty");
    }
    if name.len() > 15 {
        return Err("is longer than 15 bytes");
    }
    if name == "." || name == ".." {
        return Err("is not allowed");
    }
    if name
        .bytes()
        // The kernel's isspace() includes \v, which is_ascii_whitespace() does not.
        .any(|b| {
            matches!(
                b,
                b'/' | b':' | b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' | 0
            )
        })
    {
        return Err("contains '/', ':', whitespace or NUL");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gre() -> Tunnel {
        let mut t = Tunnel::new("gre1", Mode::Gre);
        t.local = Some("192.0.2.1".parse().unwrap());
        t.remote = Some("198.51.100.1".parse().unwrap());
        t
    }

    fn fields(t: &Tunnel) -> Vec<String> {
        t.validate()
            .into_iter()
            .map(|p| p.field.unwrap_or_default())
            .collect()
    }

    #[test]
    fn nm_numbers_round_trip_and_match_networkmanager() {
        for m in Mode::ALL {
            assert_eq!(Mode::from_nm_number(m.nm_number()), Some(m));
            assert_eq!(Mode::from_name(m.name()), Some(m));
        }
        assert_eq!(Mode::Gre.nm_number(), 2);
        assert_eq!(Mode::Ip6gretap.nm_number(), 11);
        assert_eq!(Mode::from_nm_number(0), None);
        assert_eq!(Mode::from_name("gre/ipv6"), Some(Mode::Ip6gre));
    }

    #[test]
    fn valid_tunnel_has_no_problems() {
        assert!(gre().validate().is_empty());
    }

    #[test]
    fn names_are_checked_like_the_kernel() {
        for bad in [
            "",
            "0123456789abcdef",
            "a/b",
            "a:b",
            "a b",
            "a\x0bb",
            ".",
            "..",
            "gre0",
            "tunl0",
        ] {
            let mut t = gre();
            t.name = bad.into();
            assert_eq!(fields(&t), vec!["name"], "{bad:?}");
        }
        let mut t = gre();
        t.name = "0123456789abcde".into();
        assert!(t.validate().is_empty());
    }

    #[test]
    fn keys_only_on_gre_and_vti() {
        let mut t = gre();
        t.input_key = Some(1);
        assert!(t.validate().is_empty());
        t.mode = Mode::Ipip;
        assert_eq!(fields(&t), vec!["input_key"]);
    }

    #[test]
    fn ttl_needs_pmtudisc() {
        let mut t = gre();
        t.ttl = 64;
        t.path_mtu_discovery = false;
        assert_eq!(fields(&t), vec!["ttl"]);
        t.ttl = 0;
        assert!(t.validate().is_empty());
    }

    #[test]
    fn outer_family_must_match_mode() {
        let mut t = gre();
        t.mode = Mode::Ip6gre;
        assert_eq!(fields(&t), vec!["local", "remote"]);
    }

    #[test]
    fn inner_family_per_mode() {
        let mut t = gre();
        t.mode = Mode::Ipip;
        t.addresses.push(InnerAddress {
            address: "2001:db8::1/64".parse().unwrap(),
            peer: None,
        });
        // Accepted, with a doubt.
        assert!(t.validate().is_empty());
        let doubts: Vec<_> = t.doubts().into_iter().filter_map(|p| p.field).collect();
        assert_eq!(doubts, vec!["addresses[0]"]);
        t.mode = Mode::Gre;
        assert!(t.validate().is_empty() && t.doubts().is_empty());
    }

    #[test]
    fn route_destinations_are_networks() {
        let mut t = gre();
        t.routes.push(Route {
            destination: "10.0.0.5/24".parse().unwrap(),
            gateway: None,
            metric: None,
            table: None,
        });
        t.routes.push(Route {
            destination: "10.0.1.0/24".parse().unwrap(),
            gateway: None,
            metric: None,
            table: Some(0),
        });
        assert_eq!(fields(&t), vec!["routes[0]", "routes[1]"]);
    }

    #[test]
    fn ip6_options_only_over_ipv6() {
        let mut t = gre();
        t.encapsulation_limit = 4;
        t.flags = flags::IGN_ENCAP_LIMIT;
        assert_eq!(fields(&t), vec!["encapsulation_limit", "flags"]);
    }

    #[test]
    fn json_omits_defaults_and_rejects_unknown_fields() {
        let json = serde_json::to_string(&gre()).unwrap();
        assert_eq!(
            json,
            r#"{"name":"gre1","mode":"gre","local":"192.0.2.1","remote":"198.51.100.1"}"#
        );
        let back: Tunnel = serde_json::from_str(&json).unwrap();
        assert_eq!(back, gre());
        assert!(serde_json::from_str::<Tunnel>(r#"{"name":"x","mode":"gre","bogus":1}"#).is_err());
    }
}
