//! One catalogue of the NetworkManager properties grecfg knows, read by
//! every encoding of the settings dictionary: the keyfile and nmcli
//! decoders take the kind, the D-Bus encoder the signature and default,
//! nmcli its property names and the spelling of translated extras, and
//! `settings::to_tunnel`/`from_tunnel` the model field with its accessors.
//! Facts come from NetworkManager 1.42: `nm-settings-dbus(5)` for
//! signatures and defaults, `nmcli connection add` for the names nmcli
//! lists for an ip-tunnel profile.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use ipnet::IpNet;

use crate::model::{Family, Tunnel};

/// One property value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Str(String),
    U32(u32),
    Bool(bool),
    /// `ipv4.addresses` / `ipv6.addresses`.
    Addresses(Vec<IpNet>),
    /// `ipv4.routes` / `ipv6.routes`.
    Routes(Vec<NmRoute>),
    /// A property grecfg does not interpret, as its source format spelled it.
    Opaque(String),
}

/// A route as NetworkManager holds it (`NMIPRoute`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NmRoute {
    pub dest: IpNet,
    pub next_hop: Option<IpAddr>,
    pub metric: Option<u32>,
    pub table: Option<u32>,
    /// Attributes other than `table` (`mtu`, `onlink`, ...), name → raw
    /// value, sorted by name as NetworkManager writes them.
    pub options: BTreeMap<String, String>,
}

/// What a property holds; decoders parse into this type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Str,
    /// Unsigned integer with an inclusive maximum.
    U32(u32),
    Bool,
    /// A 32-bit number NetworkManager stores as a decimal string (GRE keys).
    DecimalStr,
    Addresses,
    Routes,
}

/// A property's default: the value NetworkManager omits when writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Default {
    /// Unset (no default value to compare with).
    Unset,
    U32(u32),
    Bool(bool),
}

/// How a property grecfg does not map to a model field is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spelling {
    /// Same text in both (numbers, names).
    Plain,
    /// nmcli `yes|no|true|false|on|off|1|0`, keyfile `true|false`.
    Bool,
    /// A string list: nmcli separates by `,` or blanks, keyfile ends each
    /// item with `;`.
    List,
    /// An enum that nmcli names and the keyfile numbers.
    Enum(&'static [(&'static str, &'static str)]),
    /// A string (keyfile-escaped).
    Str,
    /// nmcli `on|off|ignore` (an ethtool feature or pause setting), keyfile
    /// `true|false` or nothing for `ignore`.
    Toggle,
}

/// A property's D-Bus type and the man page's "Default Value" column
/// (GetSettings leaves out a property at its default).
// Only the D-Bus encoder reads these; the column stays without it.
#[cfg_attr(not(feature = "dbus"), allow(dead_code))]
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dbus {
    pub signature: &'static str,
    pub default: &'static str,
}

/// A property grecfg maps to the model.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Property {
    pub kind: Kind,
    /// The value NetworkManager omits when writing.
    pub default: Default,
    /// The model field it fills (as the validator names fields); `None`
    /// for properties grecfg derives (type, method).
    pub field: Option<&'static str>,
    /// How the dictionary and the tunnel exchange the value, for the
    /// scalar properties.
    pub(crate) access: Option<Access>,
}

/// The getter and setter of a scalar property.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Access {
    /// The value the tunnel gives the property; `None`: left out.
    pub get: fn(&Tunnel) -> Option<Value>,
    /// Fill the tunnel from the value; `None` for properties
    /// `settings::to_tunnel` reads first by rules of its own.
    pub set: Option<fn(&mut Tunnel, &Value) -> Read>,
    /// The warning and hint when the property is absent.
    pub missing: Option<(&'static str, &'static str)>,
}

/// What a setter made of a value.
pub(crate) enum Read {
    /// The value is not of the property's kind: nothing read.
    Other,
    Set,
    /// An error and its hint.
    Bad(String, Option<&'static str>),
}

/// One property of one setting.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    pub setting: &'static str,
    pub name: &'static str,
    pub dbus: Option<Dbus>,
    /// Listed by `nmcli connection add` for an ip-tunnel profile.
    pub nmcli: bool,
    /// For extras grecfg translates between nmcli and keyfile spelling.
    pub spelling: Option<Spelling>,
    pub model: Option<Property>,
}

const fn row(setting: &'static str, name: &'static str) -> Row {
    Row {
        setting,
        name,
        dbus: None,
        nmcli: false,
        spelling: None,
        model: None,
    }
}

impl Row {
    const fn dbus(mut self, signature: &'static str, default: &'static str) -> Row {
        self.dbus = Some(Dbus { signature, default });
        self
    }

    const fn nmcli(mut self) -> Row {
        self.nmcli = true;
        self
    }

    const fn spelled(mut self, s: Spelling) -> Row {
        self.spelling = Some(s);
        self
    }

    const fn mapped(mut self, kind: Kind, default: Default, field: &'static str) -> Row {
        self.model = Some(Property {
            kind,
            default,
            field: Some(field),
            access: None,
        });
        self
    }

    const fn managed(mut self, kind: Kind) -> Row {
        self.model = Some(Property {
            kind,
            default: Default::Unset,
            field: None,
            access: None,
        });
        self
    }

    const fn access(mut self, a: Access) -> Row {
        if let Some(p) = &mut self.model {
            p.access = Some(a);
        }
        self
    }
}

/// A property of both `ipv4` and `ipv6`, with what differs per family.
#[derive(Clone, Copy)]
struct IpRow {
    row: Row,
    /// (D-Bus, listed by nmcli) for ipv4 and ipv6; `None`: the family has
    /// no such property.
    family: [Option<(Dbus, bool)>; 2],
}

const fn ip(name: &'static str) -> IpRow {
    IpRow {
        row: row("", name),
        family: [None, None],
    }
}

impl IpRow {
    const fn fam(mut self, i: usize, signature: &'static str, default: &'static str, nmcli: bool) -> IpRow {
        self.family[i] = Some((Dbus { signature, default }, nmcli));
        self
    }
    const fn v4(self, sig: &'static str, default: &'static str) -> IpRow {
        self.fam(0, sig, default, true)
    }
    const fn v6(self, sig: &'static str, default: &'static str) -> IpRow {
        self.fam(1, sig, default, true)
    }
    const fn v6_dbus(self, sig: &'static str, default: &'static str) -> IpRow {
        self.fam(1, sig, default, false)
    }
    const fn both(self, sig: &'static str, default: &'static str) -> IpRow {
        self.v4(sig, default).v6(sig, default)
    }
    const fn both_dbus(self, sig: &'static str, default: &'static str) -> IpRow {
        self.fam(0, sig, default, false).fam(1, sig, default, false)
    }
    const fn spelled(mut self, s: Spelling) -> IpRow {
        self.row = self.row.spelled(s);
        self
    }
    const fn mapped(mut self, kind: Kind, default: Default, field: &'static str) -> IpRow {
        self.row = self.row.mapped(kind, default, field);
        self
    }
    const fn managed(mut self, kind: Kind) -> IpRow {
        self.row = self.row.managed(kind);
        self
    }
}

/// The properties of every setting but ipv4 and ipv6, each setting's in
/// the order nmcli lists them (which decides how an ambiguous prefix is
/// reported), then the ones only D-Bus has.
const ROWS: &[Row] = &[
    row("connection", "id")
        .dbus("s", "")
        .nmcli()
        .mapped(Kind::Str, Default::Unset, "id")
        .access(ID),
    row("connection", "uuid")
        .dbus("s", "")
        .nmcli()
        .mapped(Kind::Str, Default::Unset, "uuid")
        .access(UUID),
    row("connection", "stable-id")
        .dbus("s", "")
        .nmcli()
        .spelled(Spelling::Str),
    row("connection", "type")
        .dbus("s", "")
        .nmcli()
        .managed(Kind::Str)
        .access(TYPE),
    row("connection", "interface-name")
        .dbus("s", "")
        .nmcli()
        .mapped(Kind::Str, Default::Unset, "name")
        .access(INTERFACE_NAME),
    row("connection", "autoconnect")
        .dbus("b", "TRUE")
        .nmcli()
        .mapped(Kind::Bool, Default::Bool(true), "autoconnect")
        .access(AUTOCONNECT),
    row("connection", "autoconnect-priority")
        .dbus("i", "0")
        .nmcli()
        .spelled(Spelling::Plain),
    row("connection", "autoconnect-retries")
        .dbus("i", "-1")
        .nmcli()
        .spelled(Spelling::Plain),
    row("connection", "multi-connect").dbus("i", "0").nmcli(),
    row("connection", "auth-retries").dbus("i", "-1").nmcli(),
    row("connection", "timestamp").dbus("t", "0").nmcli(),
    row("connection", "read-only").dbus("b", "FALSE").nmcli(),
    row("connection", "permissions").dbus("as", "").nmcli(),
    row("connection", "zone")
        .dbus("s", "")
        .nmcli()
        .mapped(Kind::Str, Default::Unset, "zone")
        .access(ZONE),
    row("connection", "master").dbus("s", "").nmcli(),
    row("connection", "slave-type").dbus("s", "").nmcli(),
    row("connection", "autoconnect-slaves").dbus("i", "").nmcli(),
    row("connection", "secondaries").dbus("as", "").nmcli(),
    row("connection", "gateway-ping-timeout").dbus("u", "0").nmcli(),
    row("connection", "metered")
        .dbus("i", "")
        .nmcli()
        .spelled(Spelling::Enum(&[("yes", "1"), ("no", "2"), ("unknown", "0")])),
    row("connection", "lldp").dbus("i", "-1").nmcli(),
    row("connection", "mdns").dbus("i", "-1").nmcli(),
    row("connection", "llmnr").dbus("i", "-1").nmcli(),
    row("connection", "dns-over-tls").dbus("i", "-1").nmcli(),
    row("connection", "mptcp-flags").dbus("u", "0").nmcli(),
    row("connection", "mud-url").dbus("s", "").nmcli(),
    row("connection", "wait-device-timeout").dbus("i", "-1").nmcli(),
    row("connection", "wait-activation-delay").dbus("i", "-1").nmcli(),
    row("ip-tunnel", "mode")
        .dbus("u", "0")
        .nmcli()
        .mapped(Kind::U32(u32::MAX), Default::Unset, "mode")
        .access(MODE),
    row("ip-tunnel", "parent")
        .dbus("s", "")
        .nmcli()
        .mapped(Kind::Str, Default::Unset, "parent")
        .access(PARENT),
    row("ip-tunnel", "local")
        .dbus("s", "")
        .nmcli()
        .mapped(Kind::Str, Default::Unset, "local")
        .access(LOCAL),
    row("ip-tunnel", "remote")
        .dbus("s", "")
        .nmcli()
        .mapped(Kind::Str, Default::Unset, "remote")
        .access(REMOTE),
    row("ip-tunnel", "ttl")
        .dbus("u", "0")
        .nmcli()
        .mapped(Kind::U32(255), Default::U32(0), "ttl")
        .access(TTL),
    row("ip-tunnel", "tos")
        .dbus("u", "0")
        .nmcli()
        .mapped(Kind::U32(255), Default::U32(0), "tos")
        .access(TOS),
    row("ip-tunnel", "path-mtu-discovery")
        .dbus("b", "TRUE")
        .nmcli()
        .mapped(Kind::Bool, Default::Bool(true), "path_mtu_discovery")
        .access(PMTUD),
    row("ip-tunnel", "input-key")
        .dbus("s", "")
        .nmcli()
        .mapped(Kind::DecimalStr, Default::Unset, "input_key")
        .access(INPUT_KEY),
    row("ip-tunnel", "output-key")
        .dbus("s", "")
        .nmcli()
        .mapped(Kind::DecimalStr, Default::Unset, "output_key")
        .access(OUTPUT_KEY),
    row("ip-tunnel", "encapsulation-limit")
        .dbus("u", "0")
        .nmcli()
        .mapped(Kind::U32(255), Default::U32(0), "encapsulation_limit")
        .access(ENCAP_LIMIT),
    row("ip-tunnel", "flow-label")
        .dbus("u", "0")
        .nmcli()
        .mapped(Kind::U32((1 << 20) - 1), Default::U32(0), "flow_label")
        .access(FLOW_LABEL),
    row("ip-tunnel", "fwmark").dbus("u", "0").nmcli(),
    row("ip-tunnel", "mtu")
        .dbus("u", "0")
        .nmcli()
        .mapped(Kind::U32(u32::MAX), Default::U32(0), "mtu")
        .access(MTU),
    row("ip-tunnel", "flags")
        .dbus("u", "0")
        .nmcli()
        .mapped(Kind::U32(u32::MAX), Default::U32(0), "flags")
        .access(FLAGS),
    row("802-3-ethernet", "port").dbus("s", "").nmcli(),
    row("802-3-ethernet", "speed").dbus("u", "0").nmcli(),
    row("802-3-ethernet", "duplex").dbus("s", "").nmcli(),
    row("802-3-ethernet", "auto-negotiate").dbus("b", "FALSE").nmcli(),
    row("802-3-ethernet", "mac-address").dbus("ay", "").nmcli(),
    row("802-3-ethernet", "cloned-mac-address").dbus("ay", "").nmcli(),
    row("802-3-ethernet", "generate-mac-address-mask")
        .dbus("s", "")
        .nmcli(),
    row("802-3-ethernet", "mac-address-blacklist")
        .dbus("as", "")
        .nmcli(),
    row("802-3-ethernet", "mtu").dbus("u", "0").nmcli(),
    row("802-3-ethernet", "s390-subchannels").dbus("as", "").nmcli(),
    row("802-3-ethernet", "s390-nettype").dbus("s", "").nmcli(),
    row("802-3-ethernet", "s390-options").dbus("a{ss}", "{}").nmcli(),
    row("802-3-ethernet", "wake-on-lan").dbus("u", "1").nmcli(),
    row("802-3-ethernet", "wake-on-lan-password")
        .dbus("s", "")
        .nmcli(),
    row("802-3-ethernet", "accept-all-mac-addresses")
        .dbus("i", "")
        .nmcli(),
    row("802-3-ethernet", "assigned-mac-address").dbus("s", ""),
    row("match", "interface-name").dbus("as", "").nmcli(),
    row("match", "kernel-command-line").dbus("as", "").nmcli(),
    row("match", "driver").dbus("as", "").nmcli(),
    row("match", "path").dbus("as", "").nmcli(),
    row("hostname", "priority").dbus("i", "0").nmcli(),
    row("hostname", "from-dhcp").dbus("i", "").nmcli(),
    row("hostname", "from-dns-lookup").dbus("i", "").nmcli(),
    row("hostname", "only-from-default").dbus("i", "").nmcli(),
    row("tc", "qdiscs").nmcli(),
    row("tc", "tfilters").nmcli(),
    row("proxy", "method")
        .dbus("i", "0")
        .nmcli()
        .spelled(Spelling::Enum(&[("none", "0"), ("auto", "1")])),
    row("proxy", "browser-only").dbus("b", "FALSE").nmcli(),
    row("proxy", "pac-url").dbus("s", "").nmcli(),
    row("proxy", "pac-script").dbus("s", "").nmcli(),
    row("user", "data").dbus("a{ss}", "{}"),
];

/// ipv4 and ipv6 (REVIEW D4: one list for both families). The order keeps
/// nmcli's order among the names of each family that share a prefix.
const IP_ROWS: &[IpRow] = &[
    ip("method").both("s", "").managed(Kind::Str),
    ip("dns").v4("au", "").v6("aay", "").spelled(Spelling::List),
    ip("dns-search").both("as", "").spelled(Spelling::List),
    ip("dns-options").both("as", "").spelled(Spelling::List),
    ip("dns-priority").both("i", "0").spelled(Spelling::Plain),
    ip("addresses")
        .v4("aau", "")
        .v6("a(ayuay)", "")
        .mapped(Kind::Addresses, Default::Unset, "addresses"),
    ip("gateway").both("s", "").spelled(Spelling::Plain),
    ip("routes")
        .v4("aau", "")
        .v6("a(ayuayu)", "")
        .mapped(Kind::Routes, Default::Unset, "routes"),
    ip("route-metric").both("x", "-1").spelled(Spelling::Plain),
    ip("route-table").both("u", "0").spelled(Spelling::Plain),
    ip("routing-rules").both("aa{sv}", ""),
    ip("replace-local-rule").both("i", ""),
    ip("ignore-auto-routes")
        .both("b", "FALSE")
        .spelled(Spelling::Bool),
    ip("ignore-auto-dns").both("b", "FALSE").spelled(Spelling::Bool),
    ip("dhcp-client-id").v4("s", ""),
    ip("dhcp-duid").v6("s", ""),
    ip("dhcp-iaid").both("s", ""),
    ip("dhcp-timeout").both("i", "0"),
    ip("dhcp-send-hostname").both("b", "TRUE"),
    ip("dhcp-hostname").both("s", ""),
    ip("dhcp-fqdn").v4("s", ""),
    ip("dhcp-hostname-flags").both("u", "0"),
    ip("never-default").both("b", "FALSE").spelled(Spelling::Bool),
    ip("may-fail").both("b", "TRUE").spelled(Spelling::Bool),
    ip("required-timeout").both("i", "-1"),
    ip("ip6-privacy").v6("i", ""),
    ip("addr-gen-mode").v6("i", "3").spelled(Spelling::Enum(&[
        ("eui64", "eui64"),
        ("stable-privacy", "stable-privacy"),
        ("default-or-eui64", "default-or-eui64"),
        ("default", "default"),
    ])),
    ip("ra-timeout").v6("i", "0"),
    ip("mtu").v6("u", "0").spelled(Spelling::Plain),
    ip("dad-timeout").v4("i", "-1").v6_dbus("i", "-1"),
    ip("dhcp-vendor-class-identifier").v4("s", ""),
    ip("link-local").v4("i", "0"),
    ip("dhcp-reject-servers").v4("as", "").v6_dbus("as", ""),
    ip("auto-route-ext-gw").both("i", ""),
    ip("token").v6("s", "").spelled(Spelling::Plain),
    ip("address-data").both_dbus("aa{sv}", ""),
    ip("dns-data").both_dbus("as", ""),
    ip("route-data").both_dbus("aa{sv}", ""),
];

/// The properties of the `ethtool` setting nmcli 1.42 lists, in its order:
/// offload features and pause frames are on/off/ignore, coalescing and
/// ring sizes numbers (`nm-ethtool-utils-base.h`).
const ETHTOOL: &[&str] = &[
    "feature-esp-hw-offload",
    "feature-esp-tx-csum-hw-offload",
    "feature-fcoe-mtu",
    "feature-gro",
    "feature-gso",
    "feature-highdma",
    "feature-hw-tc-offload",
    "feature-l2-fwd-offload",
    "feature-loopback",
    "feature-lro",
    "feature-macsec-hw-offload",
    "feature-ntuple",
    "feature-rx",
    "feature-rxhash",
    "feature-rxvlan",
    "feature-rx-all",
    "feature-rx-fcs",
    "feature-rx-gro-hw",
    "feature-rx-gro-list",
    "feature-rx-udp-gro-forwarding",
    "feature-rx-udp_tunnel-port-offload",
    "feature-rx-vlan-filter",
    "feature-rx-vlan-stag-filter",
    "feature-rx-vlan-stag-hw-parse",
    "feature-sg",
    "feature-tls-hw-record",
    "feature-tls-hw-rx-offload",
    "feature-tls-hw-tx-offload",
    "feature-tso",
    "feature-tx",
    "feature-txvlan",
    "feature-tx-checksum-fcoe-crc",
    "feature-tx-checksum-ipv4",
    "feature-tx-checksum-ipv6",
    "feature-tx-checksum-ip-generic",
    "feature-tx-checksum-sctp",
    "feature-tx-esp-segmentation",
    "feature-tx-fcoe-segmentation",
    "feature-tx-gre-csum-segmentation",
    "feature-tx-gre-segmentation",
    "feature-tx-gso-list",
    "feature-tx-gso-partial",
    "feature-tx-gso-robust",
    "feature-tx-ipxip4-segmentation",
    "feature-tx-ipxip6-segmentation",
    "feature-tx-nocache-copy",
    "feature-tx-scatter-gather",
    "feature-tx-scatter-gather-fraglist",
    "feature-tx-sctp-segmentation",
    "feature-tx-tcp6-segmentation",
    "feature-tx-tcp-ecn-segmentation",
    "feature-tx-tcp-mangleid-segmentation",
    "feature-tx-tcp-segmentation",
    "feature-tx-tunnel-remcsum-segmentation",
    "feature-tx-udp-segmentation",
    "feature-tx-udp_tnl-csum-segmentation",
    "feature-tx-udp_tnl-segmentation",
    "feature-tx-vlan-stag-hw-insert",
    "coalesce-adaptive-rx",
    "coalesce-adaptive-tx",
    "coalesce-pkt-rate-high",
    "coalesce-pkt-rate-low",
    "coalesce-rx-frames",
    "coalesce-rx-frames-irq",
    "coalesce-rx-frames-high",
    "coalesce-rx-frames-low",
    "coalesce-rx-usecs",
    "coalesce-rx-usecs-irq",
    "coalesce-rx-usecs-high",
    "coalesce-rx-usecs-low",
    "coalesce-sample-interval",
    "coalesce-stats-block-usecs",
    "coalesce-tx-frames",
    "coalesce-tx-frames-irq",
    "coalesce-tx-frames-high",
    "coalesce-tx-frames-low",
    "coalesce-tx-usecs",
    "coalesce-tx-usecs-irq",
    "coalesce-tx-usecs-high",
    "coalesce-tx-usecs-low",
    "pause-autoneg",
    "pause-rx",
    "pause-tx",
    "ring-rx",
    "ring-rx-jumbo",
    "ring-rx-mini",
    "ring-tx",
];

static CATALOGUE: LazyLock<Vec<Row>> = LazyLock::new(|| {
    let mut all = ROWS.to_vec();
    all.extend(ETHTOOL.iter().map(|name| {
        let toggle = name.starts_with("feature-") || name.starts_with("pause-");
        row("ethtool", name)
            .nmcli()
            .spelled(if toggle { Spelling::Toggle } else { Spelling::Plain })
    }));
    for (i, setting) in ["ipv4", "ipv6"].into_iter().enumerate() {
        for r in IP_ROWS {
            if let Some((dbus, nmcli)) = r.family[i] {
                all.push(Row {
                    setting,
                    dbus: Some(dbus),
                    nmcli,
                    ..r.row
                });
            }
        }
    }
    all
});

/// Every property in the catalogue.
pub(crate) fn rows() -> &'static [Row] {
    &CATALOGUE
}

/// The row of `setting.name`.
pub(crate) fn find(setting: &str, name: &str) -> Option<&'static Row> {
    rows().iter().find(|r| r.setting == setting && r.name == name)
}

// ----- accessors of the scalar properties ---------------------------------

const fn get_only(get: fn(&Tunnel) -> Option<Value>) -> Access {
    Access {
        get,
        set: None,
        missing: None,
    }
}

const fn both_ways(get: fn(&Tunnel) -> Option<Value>, set: fn(&mut Tunnel, &Value) -> Read) -> Access {
    Access {
        get,
        set: Some(set),
        missing: None,
    }
}

fn str_value(s: impl ToString) -> Option<Value> {
    Some(Value::Str(s.to_string()))
}

/// `f` on a string value; any other value is not read.
fn with_str(v: &Value, f: impl FnOnce(&str) -> Read) -> Read {
    match v {
        Value::Str(s) => f(s),
        _ => Read::Other,
    }
}

fn with_u32(v: &Value, f: impl FnOnce(u32)) -> Read {
    match v {
        Value::U32(n) => {
            f(*n);
            Read::Set
        }
        _ => Read::Other,
    }
}

fn with_bool(v: &Value, f: impl FnOnce(bool)) -> Read {
    match v {
        Value::Bool(b) => {
            f(*b);
            Read::Set
        }
        _ => Read::Other,
    }
}

fn small(v: u32) -> u8 {
    u8::try_from(v).unwrap_or(u8::MAX)
}

fn ip_addr(text: &str, what: &str, set: impl FnOnce(IpAddr)) -> Read {
    match text.parse::<IpAddr>() {
        Ok(a) => {
            set(a);
            Read::Set
        }
        Err(_) => Read::Bad(format!("{what} {text:?} is not an IP address"), None),
    }
}

fn gre_key(text: &str, name: &str, set: impl FnOnce(u32)) -> Read {
    match text.parse::<u32>() {
        Ok(v) if text.bytes().all(|b| b.is_ascii_digit()) => {
            set(v);
            Read::Set
        }
        _ => Read::Bad(
            format!("{name} {text:?} is not a decimal number"),
            Some("NetworkManager stores GRE keys as decimal numbers 0..4294967295 (no dotted quads, no hex)"),
        ),
    }
}

const ID: Access = both_ways(
    |t| str_value(t.profile_id()),
    |t, v| {
        with_str(v, |s| {
            t.id = Some(s.to_string());
            Read::Set
        })
    },
);
const UUID: Access = both_ways(
    |t| t.uuid.and_then(str_value),
    |t, v| {
        with_str(v, |u| match uuid::Uuid::parse_str(u) {
            Ok(u) => {
                t.uuid = Some(u);
                Read::Set
            }
            Err(_) => Read::Bad(format!("{u:?} is not a UUID"), None),
        })
    },
);
const TYPE: Access = get_only(|_| str_value("ip-tunnel"));
const INTERFACE_NAME: Access = get_only(|t| str_value(&t.name));
const AUTOCONNECT: Access = both_ways(
    |t| Some(Value::Bool(t.autoconnect)),
    |t, v| with_bool(v, |b| t.autoconnect = b),
);
const ZONE: Access = both_ways(
    |t| t.zone.as_ref().and_then(str_value),
    |t, v| {
        with_str(v, |z| {
            t.zone = Some(z.to_string());
            Read::Set
        })
    },
);
const MODE: Access = get_only(|t| Some(Value::U32(t.mode.nm_number())));
const PARENT: Access = both_ways(
    |t| t.parent.as_ref().and_then(str_value),
    |t, v| {
        with_str(v, |p| {
            t.parent = Some(p.to_string());
            Read::Set
        })
    },
);
const LOCAL: Access = both_ways(
    |t| t.local.and_then(str_value),
    |t, v| with_str(v, |l| ip_addr(l, "local", |a| t.local = Some(a))),
);
const REMOTE: Access = Access {
    get: |t| {
        str_value(t.remote.unwrap_or(match t.mode.outer_family() {
            Family::V4 => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            Family::V6 => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        }))
    },
    // NetworkManager requires a remote; the kernel reads the unspecified
    // address as "any": a multipoint tunnel.
    set: Some(set_remote),
    missing: Some((
        "ip-tunnel.remote is missing; NetworkManager requires it",
        "grecfg reads the tunnel as multipoint and writes remote=0.0.0.0 (any)",
    )),
};
fn set_remote(t: &mut Tunnel, v: &Value) -> Read {
    with_str(v, |r| {
        ip_addr(r, "remote", |a| t.remote = (!a.is_unspecified()).then_some(a))
    })
}

const INPUT_KEY: Access = both_ways(
    |t| t.input_key.and_then(str_value),
    |t, v| with_str(v, |k| gre_key(k, "input-key", |n| t.input_key = Some(n))),
);
const OUTPUT_KEY: Access = both_ways(
    |t| t.output_key.and_then(str_value),
    |t, v| with_str(v, |k| gre_key(k, "output-key", |n| t.output_key = Some(n))),
);
const TTL: Access = both_ways(
    |t| Some(Value::U32(u32::from(t.ttl))),
    |t, v| with_u32(v, |n| t.ttl = small(n)),
);
const TOS: Access = both_ways(
    |t| Some(Value::U32(u32::from(t.tos))),
    |t, v| with_u32(v, |n| t.tos = small(n)),
);
const ENCAP_LIMIT: Access = both_ways(
    |t| Some(Value::U32(u32::from(t.encapsulation_limit))),
    |t, v| with_u32(v, |n| t.encapsulation_limit = small(n)),
);
const FLOW_LABEL: Access = both_ways(
    |t| Some(Value::U32(t.flow_label)),
    |t, v| with_u32(v, |n| t.flow_label = n),
);
const FLAGS: Access = both_ways(|t| Some(Value::U32(t.flags)), |t, v| with_u32(v, |n| t.flags = n));
const MTU: Access = both_ways(
    |t| Some(Value::U32(t.mtu.unwrap_or(0))),
    |t, v| with_u32(v, |n| t.mtu = (n != 0).then_some(n)),
);
const PMTUD: Access = both_ways(
    |t| Some(Value::Bool(t.path_mtu_discovery)),
    |t, v| with_bool(v, |b| t.path_mtu_discovery = b),
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_property_is_listed_once() {
        let mut seen = std::collections::BTreeSet::new();
        for r in rows() {
            assert!(seen.insert((r.setting, r.name)), "{}.{} twice", r.setting, r.name);
        }
    }
}
