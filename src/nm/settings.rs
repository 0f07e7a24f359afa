//! NetworkManager settings as one dictionary: setting name → property name
//! → typed value, the shape of D-Bus `a{sa{sv}}`. Keyfiles, nmcli arguments
//! and D-Bus are encodings of this one dictionary, so they cannot drift
//! apart (nmstate's design).
//!
//! The dictionary holds the properties grecfg understands as typed values
//! and everything else as [`Value::Opaque`]: text in the spelling of the
//! format it came from (today: a raw keyfile value), carried in the model as
//! an [`Extra`] of format `keyfile` whose key is `group.key` as the keyfile
//! spells it (`ipv4.dns`, `ethernet.mtu`, `ipv4.route2_options`).

use std::collections::BTreeMap;

use ipnet::IpNet;

use crate::model::{Extra, Family, InnerAddress, Mode, Route, Tunnel};
use crate::nm::catalogue::{self, Access, Read};

/// The `format` of extras that belong to NetworkManager profiles.
pub(crate) const EXTRA_FORMAT: &str = "keyfile";
/// The `format` of extras that hold a property in nmcli's spelling (one
/// grecfg does not translate into a keyfile value).
pub(crate) const EXTRA_FORMAT_NMCLI: &str = "nmcli";

pub(crate) use crate::nm::catalogue::{Default, Kind, NmRoute, Property, Value};

/// The property grecfg maps, if `setting.name` is one.
pub(crate) fn property(setting: &str, name: &str) -> Option<&'static Property> {
    catalogue::find(setting, name)?.model.as_ref()
}

/// Whether NetworkManager's keyfile writer writes `setting.name` as a
/// string list (`g_key_file_set_string_list`: each item followed by `;`):
/// the DNS lists and the string arrays.
pub(crate) fn is_string_list(setting: &str, name: &str) -> bool {
    catalogue::find(setting, name).is_some_and(|r| {
        r.spelling == Some(catalogue::Spelling::List) || r.dbus.is_some_and(|d| d.signature == "as")
    })
}

/// Whether `value` is the property's default, which NetworkManager omits.
pub(crate) fn is_default(setting: &str, name: &str, value: &Value) -> bool {
    match (property(setting, name).map(|p| p.default), value) {
        (Some(Default::U32(d)), Value::U32(v)) => d == *v,
        (Some(Default::Bool(d)), Value::Bool(v)) => d == *v,
        (_, Value::Addresses(a)) => a.is_empty(),
        (_, Value::Routes(r)) => r.is_empty(),
        _ => false,
    }
}

/// Where NetworkManager sorts a setting: its priority class, then its name
/// (`nm_meta_setting_types_by_priority`). Unknown settings come last.
pub(crate) fn setting_rank(setting: &str) -> (u8, &str) {
    const RANKS: &[(&str, u8)] = &[
        ("connection", 0),
        ("6lowpan", 1),
        ("802-11-olpc-mesh", 1),
        ("802-11-wireless", 1),
        ("802-3-ethernet", 1),
        ("adsl", 1),
        ("bond", 1),
        ("bridge", 1),
        ("cdma", 1),
        ("dummy", 1),
        ("generic", 1),
        ("gsm", 1),
        ("infiniband", 1),
        ("ip-tunnel", 1),
        ("macsec", 1),
        ("macvlan", 1),
        ("ovs-bridge", 1),
        ("ovs-dpdk", 1),
        ("ovs-interface", 1),
        ("ovs-patch", 1),
        ("ovs-port", 1),
        ("team", 1),
        ("tun", 1),
        ("veth", 1),
        ("vlan", 1),
        ("vpn", 1),
        ("vrf", 1),
        ("vxlan", 1),
        ("wifi-p2p", 1),
        ("wimax", 1),
        ("wireguard", 1),
        ("wpan", 1),
        ("bluetooth", 2),
        ("802-11-wireless-security", 3),
        ("802-1x", 3),
        ("dcb", 3),
        ("serial", 3),
        ("sriov", 3),
        ("bond-port", 4),
        ("bridge-port", 4),
        ("ethtool", 4),
        ("match", 4),
        ("ovs-external-ids", 4),
        ("ppp", 4),
        ("pppoe", 4),
        ("team-port", 4),
        ("hostname", 5),
        ("ipv4", 5),
        ("ipv6", 5),
        ("proxy", 5),
        ("tc", 5),
        ("user", 6),
    ];
    let prio = RANKS.iter().find(|(n, _)| *n == setting).map_or(7, |(_, p)| *p);
    (prio, setting)
}

/// Where NetworkManager sorts a property inside its setting: `connection`
/// starts with id, uuid, type; everything else by name.
pub(crate) fn property_rank<'a>(setting: &str, name: &'a str) -> (u8, &'a str) {
    let first = match (setting, name) {
        ("connection", "id") => 0,
        ("connection", "uuid") => 1,
        ("connection", "type") => 2,
        _ => 3,
    };
    (first, name)
}

/// Keyfile group aliases (`nm_keyfile_plugin_get_alias_for_setting_name`).
const ALIASES: [(&str, &str); 3] = [
    ("802-3-ethernet", "ethernet"),
    ("802-11-wireless", "wifi"),
    ("802-11-wireless-security", "wifi-security"),
];

/// The setting a keyfile group stands for.
pub(crate) fn setting_for_group(group: &str) -> &str {
    ALIASES
        .iter()
        .find(|(_, a)| *a == group)
        .map_or(group, |(s, _)| s)
}

/// The keyfile group NetworkManager writes for a setting.
pub(crate) fn group_for_setting(setting: &str) -> &str {
    ALIASES
        .iter()
        .find(|(s, _)| *s == setting)
        .map_or(setting, |(_, a)| a)
}

/// Split an extra's key `group.key` (the `.nmmeta` group starts with a
/// dot). `None` when there is no key part.
pub(crate) fn split_extra_key(key: &str) -> Option<(&str, &str)> {
    let from = usize::from(key.starts_with('.'));
    let dot = key[from..].find('.')? + from;
    let (g, k) = (&key[..dot], &key[dot + 1..]);
    (!g.is_empty() && !k.is_empty()).then_some((g, k))
}

/// `routeN_options` → N.
pub(crate) fn route_options_index(key: &str) -> Option<usize> {
    let n = key.strip_prefix("route")?.strip_suffix("_options")?;
    if n.starts_with('0') || n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// Properties whose value the model holds, so an extra must not set them.
/// Returns the model field (or a description) that owns the key.
pub(crate) fn owner_of_key(setting: &str, key: &str) -> Option<&'static str> {
    if let Some(p) = property(setting, key) {
        return Some(p.field.unwrap_or("the tunnel type and addresses"));
    }
    if setting == "ipv4" || setting == "ipv6" {
        let list = |base: &str| {
            key.strip_prefix(base)
                .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_digit()))
        };
        if list("addresses") || list("address") {
            return Some("addresses");
        }
        if list("routes") || list("route") {
            return Some("routes");
        }
    }
    None
}

/// `ipv6.addr-gen-mode` of a keyfile [ipv6] group without the key:
/// NetworkManager's keyfile plugin reads the absence as `default-or-eui64`
/// and writes that value by leaving the key out, while on D-Bus the
/// absence means `default` (nm-settings-dbus(5), `ipv6.addr-gen-mode`).
pub(crate) const ADDR_GEN_KEYFILE_DEFAULT: &str = "default-or-eui64";

/// The dictionary: setting name → property name → value.
#[derive(Debug, Clone, PartialEq, Eq, core::default::Default)]
pub(crate) struct Settings {
    pub settings: BTreeMap<String, BTreeMap<String, Value>>,
}

impl Settings {
    pub(crate) fn get(&self, setting: &str, name: &str) -> Option<&Value> {
        self.settings.get(setting)?.get(name)
    }

    pub(crate) fn set(&mut self, setting: &str, name: &str, value: Value) {
        self.settings
            .entry(setting.to_string())
            .or_default()
            .insert(name.to_string(), value);
    }

    /// Settings in NetworkManager's order, each with its properties in
    /// NetworkManager's order.
    pub(crate) fn ordered(&self) -> Vec<(&str, Vec<(&str, &Value)>)> {
        let mut groups: Vec<_> = self
            .settings
            .iter()
            .map(|(s, props)| {
                let mut p: Vec<_> = props.iter().map(|(k, v)| (k.as_str(), v)).collect();
                p.sort_by(|a, b| property_rank(s, a.0).cmp(&property_rank(s, b.0)));
                (s.as_str(), p)
            })
            .collect();
        groups.sort_by(|a, b| setting_rank(a.0).cmp(&setting_rank(b.0)));
        groups
    }
}

/// The dictionary for a tunnel already lowered onto what NetworkManager
/// holds (see `nm::lower`): defaults are left out, extras of
/// format `keyfile` become opaque properties.
pub(crate) fn from_tunnel(t: &Tunnel) -> Settings {
    let mut s = Settings::default();
    for r in catalogue::rows() {
        let Some(get) = r.model.and_then(|p| p.access).map(|a| a.get) else {
            continue;
        };
        if let Some(v) = get(t) {
            if !is_default(r.setting, r.name, &v) {
                s.set(r.setting, r.name, v);
            }
        }
    }

    for (setting, fam) in [("ipv4", Family::V4), ("ipv6", Family::V6)] {
        let addrs: Vec<IpNet> = t
            .addresses
            .iter()
            .filter(|a| Family::of(&a.address.addr()) == fam)
            .map(|a| a.address)
            .collect();
        let routes: Vec<NmRoute> = t
            .routes
            .iter()
            .filter(|r| Family::of(&r.destination.addr()) == fam)
            .map(|r| NmRoute {
                dest: r.destination,
                next_hop: r.gateway,
                metric: r.metric,
                table: r.table,
                options: BTreeMap::new(),
            })
            .collect();
        let method = if addrs.is_empty() { "disabled" } else { "manual" };
        s.set(setting, "method", Value::Str(method.into()));
        if !addrs.is_empty() {
            s.set(setting, "addresses", Value::Addresses(addrs));
        }
        if !routes.is_empty() {
            s.set(setting, "routes", Value::Routes(routes));
        }
    }
    s.set("ipv6", "addr-gen-mode", Value::Opaque("default".into()));
    s.settings.entry("proxy".into()).or_default();

    for e in t.extras.iter().filter(|e| e.format == EXTRA_FORMAT) {
        let Some((group, key)) = split_extra_key(&e.key) else {
            continue;
        };
        let setting = setting_for_group(group);
        if let Some(n) = route_options_index(key) {
            if let Some(Value::Routes(routes)) = s.settings.get_mut(setting).and_then(|p| p.get_mut("routes"))
            {
                if let Some(r) = routes.get_mut(n - 1) {
                    r.options = parse_route_options(&e.value).unwrap_or_default();
                }
            }
            continue;
        }
        s.set(setting, key, Value::Opaque(e.value.clone()));
    }
    s
}

/// Parse `name=value,name=value` (route attributes other than `table`).
pub(crate) fn parse_route_options(raw: &str) -> Option<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for part in raw.split(',').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=')?;
        if k.is_empty() || v.contains('=') {
            return None;
        }
        out.insert(k.to_string(), v.to_string());
    }
    Some(out)
}

/// `DEST/PREFIX[ GW[ METRIC]]` with `sep` between the fields (keyfile `,`,
/// nmcli a blank). NetworkManager writes the unspecified address as
/// gateway when only a metric is set, for old readers.
pub(crate) fn route_fields(r: &NmRoute, sep: char) -> String {
    let mut v = r.dest.to_string();
    if r.next_hop.is_some() || r.metric.is_some() {
        let gw = r.next_hop.map_or_else(
            || {
                if r.dest.addr().is_ipv6() {
                    "::".to_string()
                } else {
                    "0.0.0.0".to_string()
                }
            },
            |g| g.to_string(),
        );
        v.push(sep);
        v.push_str(&gw);
        if let Some(m) = r.metric {
            v.push(sep);
            v.push_str(&m.to_string());
        }
    }
    v
}

/// Render route attributes as NetworkManager does: sorted by name,
/// `name=value` joined by commas.
pub(crate) fn format_route_options(options: &BTreeMap<String, String>, table: Option<u32>) -> String {
    let mut all: Vec<(&str, String)> = options.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    if let Some(t) = table {
        all.push(("table", t.to_string()));
    }
    all.sort_by(|a, b| a.0.cmp(b.0));
    all.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Something the conversion to the model noticed, naming the property (and
/// list item) it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    pub setting: String,
    pub property: String,
    pub index: Option<usize>,
    pub error: bool,
    pub message: String,
    pub hint: Option<String>,
}

impl Finding {
    fn new(error: bool, setting: &str, property: &str, message: impl Into<String>) -> Finding {
        Finding {
            setting: setting.into(),
            property: property.into(),
            index: None,
            error,
            message: message.into(),
            hint: None,
        }
    }

    fn at(mut self, index: usize) -> Finding {
        self.index = Some(index);
        self
    }

    fn hint(mut self, hint: impl Into<String>) -> Finding {
        self.hint = Some(hint.into());
        self
    }
}

/// Where each model field came from: the field path and the property (and
/// list item) that set it.
pub(crate) type FieldSources = Vec<(String, PropertyRef)>;

/// A property, and the item of a list property: (setting, property, index).
pub(crate) type PropertyRef = (String, String, Option<usize>);

/// The model for a dictionary, with what was noticed on the way. `None`
/// when there were errors (all of them are in the findings).
pub(crate) fn to_tunnel(s: &Settings) -> (Option<Tunnel>, Vec<Finding>, FieldSources) {
    let mut f = Vec::new();
    let mut src: FieldSources = Vec::new();
    let mut note = |field: &str, setting: &str, prop: &str, idx: Option<usize>| {
        src.push((field.to_string(), (setting.to_string(), prop.to_string(), idx)));
    };
    let str_of = |setting: &str, name: &str| match s.get(setting, name) {
        Some(Value::Str(v)) => Some(v.clone()),
        _ => None,
    };
    let u32_of = |setting: &str, name: &str| match s.get(setting, name) {
        Some(Value::U32(v)) => Some(*v),
        _ => None,
    };

    match str_of("connection", "type") {
        Some(t) if t == "ip-tunnel" => {}
        Some(t) => f.push(
            Finding::new(
                true,
                "connection",
                "type",
                format!("connection type {t:?} is not a tunnel"),
            )
            .hint("grecfg converts profiles with type=ip-tunnel only"),
        ),
        None => f.push(
            Finding::new(true, "connection", "type", "connection.type is missing")
                .hint("a tunnel profile has type=ip-tunnel in [connection]"),
        ),
    }
    let name = str_of("connection", "interface-name");
    if name.is_none() {
        f.push(
            Finding::new(
                true,
                "connection",
                "interface-name",
                "connection.interface-name is missing",
            )
            .hint("NetworkManager cannot activate an ip-tunnel profile without interface-name"),
        );
    } else {
        note("name", "connection", "interface-name", None);
    }
    let mode = match u32_of("ip-tunnel", "mode") {
        Some(n) => match Mode::from_nm_number(n) {
            Some(m) => {
                note("mode", "ip-tunnel", "mode", None);
                Some(m)
            }
            None => {
                f.push(
                    Finding::new(
                        true,
                        "ip-tunnel",
                        "mode",
                        format!("tunnel mode {n} is not one of 1..11"),
                    )
                    .hint(mode_hint()),
                );
                None
            }
        },
        None => {
            f.push(Finding::new(true, "ip-tunnel", "mode", "ip-tunnel.mode is missing").hint(mode_hint()));
            None
        }
    };

    let mut t = Tunnel::new(name.clone().unwrap_or_default(), mode.unwrap_or(Mode::Gre));
    // The scalar properties, in the catalogue's order (which is the order
    // their findings are reported in).
    for r in catalogue::rows() {
        let Some(p) = r.model else { continue };
        let (
            Some(field),
            Some(Access {
                set: Some(set),
                missing,
                ..
            }),
        ) = (p.field, p.access)
        else {
            continue;
        };
        match s.get(r.setting, r.name).map_or(Read::Other, |v| set(&mut t, v)) {
            Read::Set => note(field, r.setting, r.name, None),
            Read::Bad(message, hint) => {
                let bad = Finding::new(true, r.setting, r.name, message);
                f.push(match hint {
                    Some(h) => bad.hint(h),
                    None => bad,
                });
            }
            Read::Other => {
                if let Some((message, hint)) = missing {
                    f.push(Finding::new(false, r.setting, r.name, message).hint(hint));
                }
            }
        }
    }

    for (setting, fam) in [("ipv4", Family::V4), ("ipv6", Family::V6)] {
        let addrs = match s.get(setting, "addresses") {
            Some(Value::Addresses(a)) => a.clone(),
            _ => Vec::new(),
        };
        let routes = match s.get(setting, "routes") {
            Some(Value::Routes(r)) => r.clone(),
            _ => Vec::new(),
        };
        for (i, a) in addrs.iter().enumerate() {
            if Family::of(&a.addr()) != fam {
                f.push(
                    Finding::new(
                        true,
                        setting,
                        "addresses",
                        format!("address {a} is not {}", fam.name()),
                    )
                    .at(i),
                );
                continue;
            }
            note(
                &format!("addresses[{}]", t.addresses.len()),
                setting,
                "addresses",
                Some(i),
            );
            t.addresses.push(InnerAddress {
                address: *a,
                peer: None,
            });
        }
        for (i, r) in routes.iter().enumerate() {
            let bad_gw = r.next_hop.is_some_and(|g| Family::of(&g) != fam);
            if Family::of(&r.dest.addr()) != fam || bad_gw {
                f.push(
                    Finding::new(
                        true,
                        setting,
                        "routes",
                        format!("route to {} is not {}", r.dest, fam.name()),
                    )
                    .at(i),
                );
                continue;
            }
            note(&format!("routes[{}]", t.routes.len()), setting, "routes", Some(i));
            t.routes.push(Route {
                destination: r.dest,
                gateway: r.next_hop.filter(|g| !g.is_unspecified()),
                metric: r.metric,
                table: r.table,
            });
        }
        let method = str_of(setting, "method");
        match method.as_deref() {
            Some("manual") if addrs.is_empty() => f.push(
                Finding::new(false, setting, "method", format!("{setting}.method=manual without addresses"))
                    .hint("NetworkManager rejects this profile; grecfg writes method=disabled"),
            ),
            Some("disabled") if !addrs.is_empty() => f.push(
                Finding::new(false, setting, "method", format!("{setting}.method=disabled with addresses"))
                    .hint("NetworkManager rejects this profile; grecfg keeps the addresses and writes method=manual"),
            ),
            Some("manual" | "disabled") => {}
            Some(other) => f.push(
                Finding::new(false, setting, "method", format!("{setting}.method={other} on a tunnel"))
                    .hint(format!(
                        "a tunnel gets no address from {other}; grecfg writes method={}",
                        if addrs.is_empty() { "disabled" } else { "manual" }
                    )),
            ),
            None => f.push(
                Finding::new(false, setting, "method", format!("{setting}.method is missing; NetworkManager assumes auto"))
                    .hint(format!(
                        "grecfg writes method={} explicitly",
                        if addrs.is_empty() { "disabled" } else { "manual" }
                    )),
            ),
        }
    }

    // Everything else is kept as extras, in NetworkManager's order.
    let mut extras: Vec<(Extra, PropertyRef)> = Vec::new();
    for (setting, props) in s.ordered() {
        let group = group_for_setting(setting);
        for (name, value) in props {
            let mut push = |key: String, value: String, idx: Option<usize>| {
                extras.push((
                    Extra {
                        format: EXTRA_FORMAT.into(),
                        key,
                        value,
                    },
                    (setting.to_string(), name.to_string(), idx),
                ));
            };
            match value {
                Value::Opaque(raw) => {
                    // Only `default` is what grecfg writes without being
                    // told; `stable-privacy` is kept.
                    let pure_default = setting == "ipv6" && name == "addr-gen-mode" && raw == "default";
                    if !pure_default {
                        push(format!("{group}.{name}"), raw.clone(), None);
                    }
                }
                Value::Routes(routes) if routes.iter().any(|r| !r.options.is_empty()) => {
                    for (i, r) in routes.iter().enumerate().filter(|(_, r)| !r.options.is_empty()) {
                        push(
                            format!("{group}.route{}_options", i + 1),
                            format_route_options(&r.options, None),
                            Some(i),
                        );
                    }
                }
                _ => {}
            }
        }
    }
    sort_extras_by(&mut extras, |e| &e.0);
    for (i, (e, (setting, prop, idx))) in extras.into_iter().enumerate() {
        t.extras.push(e);
        note(&format!("extras[{i}]"), &setting, &prop, idx);
    }

    if f.iter().any(|x| x.error) {
        (None, f, src)
    } else {
        (Some(t), f, src)
    }
}

fn mode_hint() -> String {
    let list: Vec<String> = Mode::ALL
        .iter()
        .map(|m| format!("{m} {}", m.nm_number()))
        .collect();
    format!("NetworkManager stores the mode as a number: {}", list.join(", "))
}

/// Sort extras into the order the keyfile writer produces them: by
/// setting rank, then property rank (route options at their route's place).
pub(crate) fn sort_extras_by<T>(items: &mut [T], extra: impl Fn(&T) -> &Extra) {
    items.sort_by_cached_key(|item| extra_rank(&extra(item).key));
}

/// The sort key of an extra's key.
pub(crate) fn extra_rank(key: &str) -> ((u8, String), (u8, String), usize) {
    let (group, prop) = split_extra_key(key).unwrap_or((key, ""));
    let setting = setting_for_group(group);
    let (sp, sn) = setting_rank(setting);
    let (pp, pn, idx) = match route_options_index(prop) {
        Some(n) => (3, "routes".to_string(), n),
        None => {
            let (p, n) = property_rank(setting, prop);
            (p, n.to_string(), 0)
        }
    };
    ((sp, sn.to_string()), (pp, pn), idx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_order_like_networkmanager() {
        let mut v = vec![
            "tc",
            "ipv6",
            "user",
            "ethtool",
            "802-3-ethernet",
            "ip-tunnel",
            "connection",
            "zzz",
            "proxy",
        ];
        v.sort_by_key(|s| setting_rank(s));
        assert_eq!(
            v,
            [
                "connection",
                "802-3-ethernet",
                "ip-tunnel",
                "ethtool",
                "ipv6",
                "proxy",
                "tc",
                "user",
                "zzz"
            ]
        );
    }

    #[test]
    fn extra_keys_split_at_the_setting() {
        assert_eq!(split_extra_key("ipv4.dns"), Some(("ipv4", "dns")));
        assert_eq!(
            split_extra_key("user.org.example.x"),
            Some(("user", "org.example.x"))
        );
        assert_eq!(
            split_extra_key(".nmmeta.nm-generated"),
            Some((".nmmeta", "nm-generated"))
        );
        assert_eq!(split_extra_key("nodot"), None);
        assert_eq!(split_extra_key("ipv4."), None);
    }

    #[test]
    fn route_option_keys() {
        assert_eq!(route_options_index("route12_options"), Some(12));
        assert_eq!(route_options_index("route0_options"), None);
        assert_eq!(route_options_index("route_options"), None);
        assert_eq!(route_options_index("route1"), None);
    }

    #[test]
    fn defaults_are_known() {
        assert!(is_default("ip-tunnel", "ttl", &Value::U32(0)));
        assert!(!is_default("ip-tunnel", "ttl", &Value::U32(64)));
        assert!(is_default("ip-tunnel", "path-mtu-discovery", &Value::Bool(true)));
        assert!(is_default("connection", "autoconnect", &Value::Bool(true)));
        assert!(!is_default("ip-tunnel", "input-key", &Value::Str("0".into())));
    }

    #[test]
    fn multipoint_is_written_as_any_and_read_back_as_none() {
        let mut t = Tunnel::new("gre1", Mode::Ip6gre);
        t.uuid = Some(uuid::Uuid::nil());
        let s = from_tunnel(&t);
        assert_eq!(s.get("ip-tunnel", "remote"), Some(&Value::Str("::".into())));
        let (back, findings, _) = to_tunnel(&s);
        assert!(findings.is_empty(), "{findings:?}");
        let back = back.unwrap();
        assert_eq!(back.remote, None);
        assert_eq!(back.id.as_deref(), Some("gre1"));
    }
}
