//! NetworkManager over D-Bus: the settings dictionary of
//! [`crate::nm::settings`] encoded as `a{sa{sv}}`, and a small blocking
//! client for the calls `grecfg activate`, `deactivate` and `delete` make
//! (`org.freedesktop.NetworkManager`, `.Settings`, `.Settings.Connection`,
//! `.Connection.Active`, `.Device`).
//!
//! Property types come from NetworkManager's `nm-settings-dbus(5)`; a
//! property grecfg does not know the type of is an error, never a guess
//! (NetworkManager rejects a value of the wrong type anyway, and would
//! silently ignore an unknown property name).

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

use crate::formats::gkeyfile;
use crate::nm::settings::{NmRoute, Settings, Value as SValue};

/// `a{sa{sv}}`: setting name → property name → value.
pub type Dict = BTreeMap<String, BTreeMap<String, OwnedValue>>;

/// D-Bus signatures and defaults of NetworkManager's properties, from
/// `nm-settings-dbus(5)` of NetworkManager 1.42 (the settings a tunnel
/// profile can carry). The default is the man page's "Default Value"
/// column: GetSettings leaves out a property at its default.
pub const PROPERTY_TYPES: &[(&str, &str, &str, &str)] = &[
    ("connection", "auth-retries", "i", "-1"),
    ("connection", "autoconnect", "b", "TRUE"),
    ("connection", "autoconnect-priority", "i", "0"),
    ("connection", "autoconnect-retries", "i", "-1"),
    ("connection", "autoconnect-slaves", "i", ""),
    ("connection", "dns-over-tls", "i", "-1"),
    ("connection", "gateway-ping-timeout", "u", "0"),
    ("connection", "id", "s", ""),
    ("connection", "interface-name", "s", ""),
    ("connection", "lldp", "i", "-1"),
    ("connection", "llmnr", "i", "-1"),
    ("connection", "master", "s", ""),
    ("connection", "mdns", "i", "-1"),
    ("connection", "metered", "i", ""),
    ("connection", "mptcp-flags", "u", "0"),
    ("connection", "mud-url", "s", ""),
    ("connection", "multi-connect", "i", "0"),
    ("connection", "permissions", "as", ""),
    ("connection", "read-only", "b", "FALSE"),
    ("connection", "secondaries", "as", ""),
    ("connection", "slave-type", "s", ""),
    ("connection", "stable-id", "s", ""),
    ("connection", "timestamp", "t", "0"),
    ("connection", "type", "s", ""),
    ("connection", "uuid", "s", ""),
    ("connection", "wait-activation-delay", "i", "-1"),
    ("connection", "wait-device-timeout", "i", "-1"),
    ("connection", "zone", "s", ""),
    ("ip-tunnel", "encapsulation-limit", "u", "0"),
    ("ip-tunnel", "flags", "u", "0"),
    ("ip-tunnel", "flow-label", "u", "0"),
    ("ip-tunnel", "fwmark", "u", "0"),
    ("ip-tunnel", "input-key", "s", ""),
    ("ip-tunnel", "local", "s", ""),
    ("ip-tunnel", "mode", "u", "0"),
    ("ip-tunnel", "mtu", "u", "0"),
    ("ip-tunnel", "output-key", "s", ""),
    ("ip-tunnel", "parent", "s", ""),
    ("ip-tunnel", "path-mtu-discovery", "b", "TRUE"),
    ("ip-tunnel", "remote", "s", ""),
    ("ip-tunnel", "tos", "u", "0"),
    ("ip-tunnel", "ttl", "u", "0"),
    ("ipv4", "address-data", "aa{sv}", ""),
    ("ipv4", "addresses", "aau", ""),
    ("ipv4", "auto-route-ext-gw", "i", ""),
    ("ipv4", "dad-timeout", "i", "-1"),
    ("ipv4", "dhcp-client-id", "s", ""),
    ("ipv4", "dhcp-fqdn", "s", ""),
    ("ipv4", "dhcp-hostname", "s", ""),
    ("ipv4", "dhcp-hostname-flags", "u", "0"),
    ("ipv4", "dhcp-iaid", "s", ""),
    ("ipv4", "dhcp-reject-servers", "as", ""),
    ("ipv4", "dhcp-send-hostname", "b", "TRUE"),
    ("ipv4", "dhcp-timeout", "i", "0"),
    ("ipv4", "dhcp-vendor-class-identifier", "s", ""),
    ("ipv4", "dns", "au", ""),
    ("ipv4", "dns-data", "as", ""),
    ("ipv4", "dns-options", "as", ""),
    ("ipv4", "dns-priority", "i", "0"),
    ("ipv4", "dns-search", "as", ""),
    ("ipv4", "gateway", "s", ""),
    ("ipv4", "ignore-auto-dns", "b", "FALSE"),
    ("ipv4", "ignore-auto-routes", "b", "FALSE"),
    ("ipv4", "link-local", "i", "0"),
    ("ipv4", "may-fail", "b", "TRUE"),
    ("ipv4", "method", "s", ""),
    ("ipv4", "never-default", "b", "FALSE"),
    ("ipv4", "replace-local-rule", "i", ""),
    ("ipv4", "required-timeout", "i", "-1"),
    ("ipv4", "route-data", "aa{sv}", ""),
    ("ipv4", "route-metric", "x", "-1"),
    ("ipv4", "route-table", "u", "0"),
    ("ipv4", "routes", "aau", ""),
    ("ipv4", "routing-rules", "aa{sv}", ""),
    ("ipv6", "addr-gen-mode", "i", "3"),
    ("ipv6", "address-data", "aa{sv}", ""),
    ("ipv6", "addresses", "a(ayuay)", ""),
    ("ipv6", "auto-route-ext-gw", "i", ""),
    ("ipv6", "dad-timeout", "i", "-1"),
    ("ipv6", "dhcp-duid", "s", ""),
    ("ipv6", "dhcp-hostname", "s", ""),
    ("ipv6", "dhcp-hostname-flags", "u", "0"),
    ("ipv6", "dhcp-iaid", "s", ""),
    ("ipv6", "dhcp-reject-servers", "as", ""),
    ("ipv6", "dhcp-send-hostname", "b", "TRUE"),
    ("ipv6", "dhcp-timeout", "i", "0"),
    ("ipv6", "dns", "aay", ""),
    ("ipv6", "dns-data", "as", ""),
    ("ipv6", "dns-options", "as", ""),
    ("ipv6", "dns-priority", "i", "0"),
    ("ipv6", "dns-search", "as", ""),
    ("ipv6", "gateway", "s", ""),
    ("ipv6", "ignore-auto-dns", "b", "FALSE"),
    ("ipv6", "ignore-auto-routes", "b", "FALSE"),
    ("ipv6", "ip6-privacy", "i", ""),
    ("ipv6", "may-fail", "b", "TRUE"),
    ("ipv6", "method", "s", ""),
    ("ipv6", "mtu", "u", "0"),
    ("ipv6", "never-default", "b", "FALSE"),
    ("ipv6", "ra-timeout", "i", "0"),
    ("ipv6", "replace-local-rule", "i", ""),
    ("ipv6", "required-timeout", "i", "-1"),
    ("ipv6", "route-data", "aa{sv}", ""),
    ("ipv6", "route-metric", "x", "-1"),
    ("ipv6", "route-table", "u", "0"),
    ("ipv6", "routes", "a(ayuayu)", ""),
    ("ipv6", "routing-rules", "aa{sv}", ""),
    ("ipv6", "token", "s", ""),
    ("proxy", "browser-only", "b", "FALSE"),
    ("proxy", "method", "i", "0"),
    ("proxy", "pac-script", "s", ""),
    ("proxy", "pac-url", "s", ""),
    ("match", "driver", "as", ""),
    ("match", "interface-name", "as", ""),
    ("match", "kernel-command-line", "as", ""),
    ("match", "path", "as", ""),
    ("hostname", "from-dhcp", "i", ""),
    ("hostname", "from-dns-lookup", "i", ""),
    ("hostname", "only-from-default", "i", ""),
    ("hostname", "priority", "i", "0"),
    ("802-3-ethernet", "accept-all-mac-addresses", "i", ""),
    ("802-3-ethernet", "assigned-mac-address", "s", ""),
    ("802-3-ethernet", "auto-negotiate", "b", "FALSE"),
    ("802-3-ethernet", "cloned-mac-address", "ay", ""),
    ("802-3-ethernet", "duplex", "s", ""),
    ("802-3-ethernet", "generate-mac-address-mask", "s", ""),
    ("802-3-ethernet", "mac-address", "ay", ""),
    ("802-3-ethernet", "mac-address-blacklist", "as", ""),
    ("802-3-ethernet", "mtu", "u", "0"),
    ("802-3-ethernet", "port", "s", ""),
    ("802-3-ethernet", "s390-nettype", "s", ""),
    ("802-3-ethernet", "s390-options", "a{ss}", "{}"),
    ("802-3-ethernet", "s390-subchannels", "as", ""),
    ("802-3-ethernet", "speed", "u", "0"),
    ("802-3-ethernet", "wake-on-lan", "u", "1"),
    ("802-3-ethernet", "wake-on-lan-password", "s", ""),
    ("user", "data", "a{ss}", "{}"),
];

/// The D-Bus signature NetworkManager gives `setting.property`.
pub fn signature_of(setting: &str, property: &str) -> Option<&'static str> {
    PROPERTY_TYPES
        .iter()
        .find(|(s, p, _, _)| *s == setting && *p == property)
        .map(|(_, _, sig, _)| *sig)
}

/// Why a property cannot be sent over D-Bus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError {
    /// `setting.property` as NetworkManager names it.
    pub property: String,
    pub message: String,
}

impl std::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.property, self.message)
    }
}

/// Route attributes and their D-Bus types (`nm_ip_route_get_variant_attribute_spec`).
const ROUTE_ATTRIBUTES: &[(&str, char)] = &[
    ("advmss", 'u'),
    ("cwnd", 'u'),
    ("from", 's'),
    ("initcwnd", 'u'),
    ("initrwnd", 'u'),
    ("lock-advmss", 'b'),
    ("lock-cwnd", 'b'),
    ("lock-initcwnd", 'b'),
    ("lock-initrwnd", 'b'),
    ("lock-mtu", 'b'),
    ("lock-window", 'b'),
    ("mtu", 'u'),
    ("onlink", 'b'),
    ("quickack", 'b'),
    ("rto_min", 'u'),
    ("scope", 'y'),
    ("src", 's'),
    ("table", 'u'),
    ("tos", 'y'),
    ("type", 's'),
    ("weight", 'u'),
    ("window", 'u'),
];

/// `ipv6.addr-gen-mode` as the keyfile spells it → its D-Bus number
/// (`NMSettingIP6ConfigAddrGenMode`).
const ADDR_GEN_MODES: &[(&str, i32)] = &[
    ("eui64", 0),
    ("stable-privacy", 1),
    ("default-or-eui64", 2),
    ("default", 3),
];

fn owned(v: Value<'_>) -> OwnedValue {
    v.try_to_owned()
        .expect("values without file descriptors always convert")
}

/// Encode the dictionary as NetworkManager's `a{sa{sv}}`. Every property
/// that cannot be encoded is reported; nothing is guessed.
pub fn encode(s: &Settings) -> Result<Dict, Vec<EncodeError>> {
    let mut out = Dict::new();
    let mut errors = Vec::new();
    for (setting, props) in s.ordered() {
        let entry = out.entry(setting.to_string()).or_default();
        for (name, value) in props {
            if setting == "user" {
                // The keyfile's [user] keys are the entries of user.data.
                match value {
                    SValue::Opaque(raw) | SValue::Str(raw) => {
                        let v = unescape(raw).map_err(|m| err("user.data", m));
                        match v {
                            Ok(v) => {
                                let data = entry
                                    .entry("data".into())
                                    .or_insert_with(|| owned(Value::from(HashMap::<String, String>::new())));
                                let mut map: HashMap<String, String> =
                                    HashMap::try_from(data.try_clone().expect("no fds")).unwrap_or_default();
                                map.insert(name.to_string(), v);
                                *data = owned(Value::from(map));
                            }
                            Err(e) => errors.push(e),
                        }
                    }
                    _ => errors.push(err("user.data", "is not text".into())),
                }
                continue;
            }
            match encode_one(setting, name, value) {
                Ok(Some((key, v))) => {
                    entry.insert(key, owned(v));
                }
                Ok(None) => {}
                Err(e) => errors.push(e),
            }
        }
        if setting.starts_with('.') {
            // `.nmmeta` is keyfile bookkeeping, not a setting.
            out.remove(setting);
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn err(property: impl Into<String>, message: String) -> EncodeError {
    EncodeError {
        property: property.into(),
        message,
    }
}

fn unescape(raw: &str) -> Result<String, String> {
    gkeyfile::unescape(raw).map_err(|at| format!("invalid escape at byte {at} of {raw:?}"))
}

/// One property: the D-Bus property name (address lists travel as
/// `address-data`, routes as `route-data`) and its value; `None` for what
/// D-Bus leaves out.
fn encode_one(
    setting: &str,
    name: &str,
    value: &SValue,
) -> Result<Option<(String, Value<'static>)>, EncodeError> {
    let full = format!("{setting}.{name}");
    if setting.starts_with('.') {
        return Ok(None);
    }
    match value {
        SValue::Addresses(list) => {
            let data: Vec<HashMap<String, Value<'static>>> = list
                .iter()
                .map(|a| {
                    HashMap::from([
                        ("address".to_string(), Value::from(a.addr().to_string())),
                        ("prefix".to_string(), Value::from(u32::from(a.prefix_len()))),
                    ])
                })
                .collect();
            return Ok(Some(("address-data".into(), Value::from(data))));
        }
        SValue::Routes(list) => {
            let data = list
                .iter()
                .map(|r| route_data(r).map_err(|m| err(&full, m)))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Some(("route-data".into(), Value::from(data))));
        }
        _ => {}
    }
    if setting == "ipv6" && name == "addr-gen-mode" {
        let raw = match value {
            SValue::Opaque(r) | SValue::Str(r) => r.as_str(),
            _ => return Err(err(full, "is not text".into())),
        };
        let n = match ADDR_GEN_MODES.iter().find(|(nick, _)| *nick == raw) {
            Some((_, n)) => *n,
            None => raw
                .parse::<i32>()
                .map_err(|_| err(&full, format!("{raw:?} is not an address generation mode")))?,
        };
        // On D-Bus an absent addr-gen-mode means "default" (3).
        return Ok((n != 3).then(|| (name.to_string(), Value::from(n))));
    }
    if setting == "802-3-ethernet" && name == "cloned-mac-address" {
        if let SValue::Opaque(raw) = value {
            if parse_mac(raw).is_none() {
                // preserve, permanent, random, stable: a string property.
                return Ok(Some((
                    "assigned-mac-address".into(),
                    Value::from(unescape(raw).map_err(|m| err(&full, m))?),
                )));
            }
        }
    }
    let sig = if setting == "ethtool" {
        if name.starts_with("feature-") || name.starts_with("pause-") {
            Some("b")
        } else if name.starts_with("ring-") || name.starts_with("coalesce-") {
            Some("u")
        } else {
            None
        }
    } else {
        signature_of(setting, name)
    };
    let Some(sig) = sig else {
        return Err(err(
            full,
            "grecfg does not know this property's D-Bus type".into(),
        ));
    };
    let v = match value {
        SValue::Str(v) => typed(sig, TextValue::Plain(v)),
        SValue::U32(v) => match sig {
            "u" => Ok(Value::from(*v)),
            "i" => i32::try_from(*v).map(Value::from).map_err(|e| e.to_string()),
            "x" => Ok(Value::from(i64::from(*v))),
            "t" => Ok(Value::from(u64::from(*v))),
            _ => Err(format!("a number cannot be sent as D-Bus type {sig}")),
        },
        SValue::Bool(b) if sig == "b" => Ok(Value::from(*b)),
        SValue::Bool(_) => Err(format!("a boolean cannot be sent as D-Bus type {sig}")),
        SValue::Opaque(raw) => typed(sig, TextValue::Keyfile(raw)),
        SValue::Addresses(_) | SValue::Routes(_) => unreachable!("handled above"),
    }
    .map_err(|m| err(&full, m))?;
    Ok(Some((name.to_string(), v)))
}

enum TextValue<'a> {
    /// Already a plain string.
    Plain(&'a str),
    /// A raw keyfile value (escaped; lists separated by `;`).
    Keyfile(&'a str),
}

/// A text value as D-Bus type `sig`.
fn typed(sig: &str, text: TextValue<'_>) -> Result<Value<'static>, String> {
    let (raw, keyfile) = match text {
        TextValue::Plain(s) => (s, false),
        TextValue::Keyfile(s) => (s, true),
    };
    let scalar = || -> Result<String, String> {
        if keyfile {
            unescape(raw)
        } else {
            Ok(raw.to_string())
        }
    };
    let num = |s: &str| -> Result<i128, String> {
        s.trim()
            .parse::<i128>()
            .map_err(|_| format!("{s:?} is not a number"))
    };
    let range = |what: &str, e: std::num::TryFromIntError| format!("out of range for {what}: {e}");
    Ok(match sig {
        "s" => Value::from(scalar()?),
        "b" => match scalar()?.trim() {
            "true" | "1" | "yes" => Value::from(true),
            "false" | "0" | "no" => Value::from(false),
            other => return Err(format!("{other:?} is not a boolean")),
        },
        "y" => Value::from(u8::try_from(num(&scalar()?)?).map_err(|e| range("a byte", e))?),
        "i" => Value::from(i32::try_from(num(&scalar()?)?).map_err(|e| range("int32", e))?),
        "u" => Value::from(u32::try_from(num(&scalar()?)?).map_err(|e| range("uint32", e))?),
        "x" => Value::from(i64::try_from(num(&scalar()?)?).map_err(|e| range("int64", e))?),
        "t" => Value::from(u64::try_from(num(&scalar()?)?).map_err(|e| range("uint64", e))?),
        "as" => Value::from(list(raw, keyfile)?),
        "au" => {
            // ipv4.dns: addresses as in_addr_t (network byte order in memory).
            let mut out = Vec::new();
            for item in list(raw, keyfile)? {
                let a: std::net::Ipv4Addr = item
                    .trim()
                    .parse()
                    .map_err(|_| format!("{item:?} is not an IPv4 address"))?;
                out.push(u32::from_ne_bytes(a.octets()));
            }
            Value::from(out)
        }
        "aay" => {
            // ipv6.dns: addresses as 16 bytes each.
            let mut out: Vec<Vec<u8>> = Vec::new();
            for item in list(raw, keyfile)? {
                let a: std::net::Ipv6Addr = item
                    .trim()
                    .parse()
                    .map_err(|_| format!("{item:?} is not an IPv6 address"))?;
                out.push(a.octets().to_vec());
            }
            Value::from(out)
        }
        "ay" => {
            let s = scalar()?;
            Value::from(parse_mac(&s).ok_or_else(|| format!("{s:?} is not a hardware address"))?)
        }
        other => return Err(format!("grecfg cannot send values of D-Bus type {other}")),
    })
}

/// A keyfile string list (`a;b;`, `\;` escapes a separator; `,` is
/// accepted as NetworkManager accepts it), or one plain string.
fn list(raw: &str, keyfile: bool) -> Result<Vec<String>, String> {
    if !keyfile {
        return Ok(vec![raw.to_string()]);
    }
    let mut items = Vec::new();
    let mut cur = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cur.push('\\');
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            ';' | ',' => items.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    items.push(cur);
    items
        .into_iter()
        .map(|i| i.trim().to_string())
        .filter(|i| !i.is_empty())
        .map(|i| unescape(&i.replace("\\;", ";").replace("\\,", ",")))
        .collect()
}

fn parse_mac(s: &str) -> Option<Vec<u8>> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() < 6 {
        return None;
    }
    parts
        .iter()
        .map(|p| (p.len() == 2).then(|| u8::from_str_radix(p, 16).ok()).flatten())
        .collect()
}

fn route_data(r: &NmRoute) -> Result<HashMap<String, Value<'static>>, String> {
    let mut m: HashMap<String, Value<'static>> = HashMap::new();
    let dest = r.dest.trunc();
    m.insert("dest".into(), Value::from(dest.addr().to_string()));
    m.insert("prefix".into(), Value::from(u32::from(dest.prefix_len())));
    if let Some(gw) = r.next_hop.filter(|g: &IpAddr| !g.is_unspecified()) {
        m.insert("next-hop".into(), Value::from(gw.to_string()));
    }
    if let Some(metric) = r.metric {
        m.insert("metric".into(), Value::from(metric));
    }
    if let Some(t) = r.table {
        m.insert("table".into(), Value::from(t));
    }
    for (k, v) in &r.options {
        let Some((_, sig)) = ROUTE_ATTRIBUTES.iter().find(|(n, _)| n == k) else {
            return Err(format!("route attribute {k} is unknown to grecfg"));
        };
        let mut buf = [0u8; 4];
        let value = typed(sig.encode_utf8(&mut buf), TextValue::Plain(v))
            .map_err(|e| format!("route attribute {k}: {e}"))?;
        m.insert(k.clone(), value);
    }
    Ok(m)
}

/// Properties NetworkManager reports besides the ones it was given, which
/// say nothing new: the legacy forms of address-data, route-data and dns,
/// and the time of the last activation.
const DERIVED: &[(&str, &str)] = &[
    ("connection", "timestamp"),
    ("ipv4", "addresses"),
    ("ipv4", "routes"),
    ("ipv4", "dns-data"),
    ("ipv6", "addresses"),
    ("ipv6", "routes"),
    ("ipv6", "dns-data"),
];

/// Whether `v` is what NetworkManager means when it leaves the property out.
fn is_default(setting: &str, name: &str, v: &Value<'_>) -> bool {
    let default = PROPERTY_TYPES
        .iter()
        .find(|(s, p, _, _)| *s == setting && *p == name)
        .map(|(_, _, _, d)| *d);
    match v {
        Value::Str(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Dict(d) => d.iter().next().is_none(),
        Value::Bool(b) => default == Some(if *b { "TRUE" } else { "FALSE" }),
        Value::U8(n) => default == Some(n.to_string().as_str()),
        Value::U32(n) => default == Some(n.to_string().as_str()),
        Value::I32(n) => default == Some(n.to_string().as_str()),
        Value::I64(n) => default == Some(n.to_string().as_str()),
        Value::U64(n) => default == Some(n.to_string().as_str()),
        _ => false,
    }
}

/// The properties in which a profile NetworkManager holds (`theirs`, from
/// GetSettings) differs from `ours`, as `setting.property`. Empty when
/// updating would change nothing.
pub fn differences(ours: &Dict, theirs: &Dict) -> Vec<String> {
    let mut diff = Vec::new();
    let empty = BTreeMap::new();
    for (setting, props) in ours {
        let their = theirs.get(setting).unwrap_or(&empty);
        for (name, v) in props {
            let same = match their.get(name) {
                Some(t) => **t == **v,
                None => is_default(setting, name, v),
            };
            if !same {
                diff.push(format!("{setting}.{name}"));
            }
        }
    }
    for (setting, props) in theirs {
        let our = ours.get(setting).unwrap_or(&empty);
        for (name, t) in props {
            if our.contains_key(name) || DERIVED.contains(&(setting.as_str(), name.as_str())) {
                continue;
            }
            if !is_default(setting, name, t) {
                diff.push(format!("{setting}.{name}"));
            }
        }
    }
    diff
}

/// The dictionary as text, one `setting.property = value` per line in
/// NetworkManager's order, values in GVariant text notation.
pub fn describe(dict: &Dict) -> String {
    let mut settings: Vec<&String> = dict.keys().collect();
    settings.sort_by_key(|s| crate::nm::settings::setting_rank(s));
    let mut out = String::new();
    for s in settings {
        let mut props: Vec<(&String, &OwnedValue)> = dict[s].iter().collect();
        props.sort_by(|a, b| {
            crate::nm::settings::property_rank(s, a.0).cmp(&crate::nm::settings::property_rank(s, b.0))
        });
        if props.is_empty() {
            out.push_str(&format!("{s} = {{}}\n"));
        }
        for (p, v) in props {
            out.push_str(&format!("{s}.{p} = {}\n", **v));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// The client.

pub const NM_BUS_NAME: &str = "org.freedesktop.NetworkManager";
const NM_PATH: &str = "/org/freedesktop/NetworkManager";
const SETTINGS_PATH: &str = "/org/freedesktop/NetworkManager/Settings";
const IFACE_NM: &str = "org.freedesktop.NetworkManager";
const IFACE_SETTINGS: &str = "org.freedesktop.NetworkManager.Settings";
const IFACE_CONNECTION: &str = "org.freedesktop.NetworkManager.Settings.Connection";
const IFACE_ACTIVE: &str = "org.freedesktop.NetworkManager.Connection.Active";
const IFACE_DEVICE: &str = "org.freedesktop.NetworkManager.Device";
const IFACE_IP4: &str = "org.freedesktop.NetworkManager.IP4Config";
const IFACE_IP6: &str = "org.freedesktop.NetworkManager.IP6Config";

/// `NMSettingsAddConnection2Flags` / `NMSettingsUpdate2Flags`.
pub const FLAG_TO_DISK: u32 = 0x1;
pub const FLAG_IN_MEMORY: u32 = 0x2;
pub const FLAG_BLOCK_AUTOCONNECT: u32 = 0x20;

/// What went wrong talking to NetworkManager; decides the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// No system bus to connect to.
    NoBus,
    /// The bus is there, NetworkManager is not on it.
    NotRunning,
    /// NetworkManager (or the bus) refused the caller.
    NotAuthorized,
    /// NetworkManager refused the request or the activation failed.
    Failed,
}

#[derive(Debug, Clone)]
pub struct NmError {
    pub kind: ErrorKind,
    pub message: String,
    /// The D-Bus error name, when the error came as a D-Bus error.
    pub name: Option<String>,
}

impl std::fmt::Display for NmError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl NmError {
    pub fn failed(message: impl Into<String>) -> NmError {
        NmError {
            kind: ErrorKind::Failed,
            message: message.into(),
            name: None,
        }
    }

    fn from_zbus(what: &str, e: zbus::Error) -> NmError {
        if let zbus::Error::MethodError(name, text, _) = &e {
            let name = name.as_str().to_string();
            let text = text.clone().unwrap_or_default();
            let kind = classify(&name);
            let message = match kind {
                ErrorKind::NotRunning => {
                    "NetworkManager is not running (it is not on the system bus)".to_string()
                }
                ErrorKind::NotAuthorized => format!("{what}: not authorised: {text}"),
                _ => format!("{what}: {text}"),
            };
            return NmError {
                kind,
                message,
                name: Some(name),
            };
        }
        NmError::failed(format!("{what}: {e}"))
    }
}

fn classify(name: &str) -> ErrorKind {
    match name {
        "org.freedesktop.DBus.Error.ServiceUnknown" | "org.freedesktop.DBus.Error.NameHasNoOwner" => {
            ErrorKind::NotRunning
        }
        "org.freedesktop.DBus.Error.AccessDenied"
        | "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired" => ErrorKind::NotAuthorized,
        n if n.ends_with(".PermissionDenied") => ErrorKind::NotAuthorized,
        _ => ErrorKind::Failed,
    }
}

/// The address of the system bus, as zbus finds it.
pub fn system_bus_address() -> String {
    std::env::var("DBUS_SYSTEM_BUS_ADDRESS")
        .unwrap_or_else(|_| "unix:path=/var/run/dbus/system_bus_socket".to_string())
}

/// A profile NetworkManager holds.
#[derive(Debug, Clone)]
pub struct Profile {
    pub path: OwnedObjectPath,
    pub settings: Dict,
}

impl Profile {
    pub fn string(&self, setting: &str, name: &str) -> Option<String> {
        let v = self.settings.get(setting)?.get(name)?;
        match &**v {
            Value::Str(s) => Some(s.to_string()),
            _ => None,
        }
    }

    pub fn uuid(&self) -> String {
        self.string("connection", "uuid").unwrap_or_default()
    }

    pub fn id(&self) -> String {
        self.string("connection", "id").unwrap_or_default()
    }
}

/// Where a profile lives and whether it is saved.
#[derive(Debug, Clone, Default)]
pub struct Storage {
    pub filename: String,
    pub unsaved: bool,
}

/// An activation's end.
#[derive(Debug, Clone)]
pub enum Outcome {
    Activated,
    /// The reason in words.
    Failed(String),
    /// Still activating when the time was up; the state in words.
    TimedOut(String),
}

/// A device and its addresses after activation.
#[derive(Debug, Clone, Default)]
pub struct DeviceInfo {
    pub interface: String,
    pub addresses: Vec<String>,
}

/// An active connection.
#[derive(Debug, Clone)]
pub struct Active {
    pub path: OwnedObjectPath,
    pub connection: OwnedObjectPath,
    pub state: u32,
}

pub struct Nm {
    conn: zbus::blocking::Connection,
}

impl Nm {
    /// Connect to the system bus and check that NetworkManager is on it.
    pub fn connect() -> Result<Nm, NmError> {
        let conn = zbus::blocking::Connection::system().map_err(|e| NmError {
            kind: ErrorKind::NoBus,
            message: format!(
                "cannot connect to the D-Bus system bus at {}: {e}",
                system_bus_address()
            ),
            name: None,
        })?;
        let nm = Nm { conn };
        let has: bool = nm
            .proxy(
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus",
                "org.freedesktop.DBus",
            )?
            .call("NameHasOwner", &(NM_BUS_NAME,))
            .map_err(|e| NmError::from_zbus("asking the bus for NetworkManager", e))?;
        if !has {
            return Err(NmError {
                kind: ErrorKind::NotRunning,
                message: "NetworkManager is not running (it is not on the system bus)".into(),
                name: None,
            });
        }
        Ok(nm)
    }

    fn proxy<'a>(
        &'a self,
        path: &'a str,
        dest: &'a str,
        iface: &'a str,
    ) -> Result<zbus::blocking::Proxy<'a>, NmError> {
        zbus::blocking::proxy::Builder::<zbus::blocking::Proxy<'a>>::new(&self.conn)
            .destination(dest)
            .and_then(|b| b.path(path))
            .and_then(|b| b.interface(iface))
            .map(|b| b.cache_properties(zbus::proxy::CacheProperties::No))
            .and_then(|b| b.build())
            .map_err(|e| NmError::failed(format!("D-Bus: {e}")))
    }

    fn nm<'a>(&'a self, path: &'a str, iface: &'a str) -> Result<zbus::blocking::Proxy<'a>, NmError> {
        self.proxy(path, NM_BUS_NAME, iface)
    }

    fn property<T>(&self, path: &str, iface: &str, name: &str) -> Result<T, NmError>
    where
        T: TryFrom<OwnedValue>,
        T::Error: Into<zbus::Error>,
    {
        self.nm(path, iface)?
            .get_property::<T>(name)
            .map_err(|e| NmError::from_zbus(&format!("reading {name} of {path}"), e))
    }

    /// NetworkManager's version.
    pub fn version(&self) -> Result<String, NmError> {
        self.property::<String>(NM_PATH, IFACE_NM, "Version")
    }

    /// The profile with this UUID.
    pub fn by_uuid(&self, uuid: &str) -> Result<Option<OwnedObjectPath>, NmError> {
        let r: Result<OwnedObjectPath, zbus::Error> = self
            .nm(SETTINGS_PATH, IFACE_SETTINGS)?
            .call("GetConnectionByUuid", &(uuid,));
        match r {
            Ok(p) => Ok(Some(p)),
            Err(zbus::Error::MethodError(name, _, _))
                if name.as_str() == "org.freedesktop.NetworkManager.Settings.InvalidConnection" =>
            {
                Ok(None)
            }
            Err(e) => Err(NmError::from_zbus("looking up the profile by UUID", e)),
        }
    }

    /// Every profile with its settings.
    pub fn profiles(&self) -> Result<Vec<Profile>, NmError> {
        let paths: Vec<OwnedObjectPath> = self
            .nm(SETTINGS_PATH, IFACE_SETTINGS)?
            .call("ListConnections", &())
            .map_err(|e| NmError::from_zbus("listing profiles", e))?;
        let mut out = Vec::new();
        for path in paths {
            match self.settings(&path) {
                Ok(settings) => out.push(Profile { path, settings }),
                // Deleted meanwhile.
                Err(e) if e.name.as_deref() == Some("org.freedesktop.DBus.Error.UnknownMethod") => {}
                Err(e) if e.name.as_deref() == Some("org.freedesktop.DBus.Error.UnknownObject") => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    pub fn profile(&self, path: &OwnedObjectPath) -> Result<Profile, NmError> {
        Ok(Profile {
            path: path.clone(),
            settings: self.settings(path)?,
        })
    }

    pub fn settings(&self, path: &OwnedObjectPath) -> Result<Dict, NmError> {
        self.nm(path.as_str(), IFACE_CONNECTION)?
            .call("GetSettings", &())
            .map_err(|e| NmError::from_zbus("reading the profile", e))
    }

    pub fn storage(&self, path: &OwnedObjectPath) -> Result<Storage, NmError> {
        Ok(Storage {
            filename: self.property(path.as_str(), IFACE_CONNECTION, "Filename")?,
            unsaved: self.property(path.as_str(), IFACE_CONNECTION, "Unsaved")?,
        })
    }

    /// AddConnection2: the new profile's path.
    pub fn add(&self, dict: &Dict, flags: u32) -> Result<OwnedObjectPath, NmError> {
        let args: HashMap<String, OwnedValue> = HashMap::new();
        let (path, _): (OwnedObjectPath, HashMap<String, OwnedValue>) = self
            .nm(SETTINGS_PATH, IFACE_SETTINGS)?
            .call("AddConnection2", &(dict, flags, args))
            .map_err(|e| NmError::from_zbus("NetworkManager refused the profile", e))?;
        Ok(path)
    }

    /// Update2: replace the profile's settings.
    pub fn update(&self, path: &OwnedObjectPath, dict: &Dict, flags: u32) -> Result<(), NmError> {
        let args: HashMap<String, OwnedValue> = HashMap::new();
        let _: HashMap<String, OwnedValue> = self
            .nm(path.as_str(), IFACE_CONNECTION)?
            .call("Update2", &(dict, flags, args))
            .map_err(|e| NmError::from_zbus("NetworkManager refused the update", e))?;
        Ok(())
    }

    pub fn delete(&self, path: &OwnedObjectPath) -> Result<(), NmError> {
        self.nm(path.as_str(), IFACE_CONNECTION)?
            .call::<_, _, ()>("Delete", &())
            .map_err(|e| NmError::from_zbus("deleting the profile", e))
    }

    pub fn active_connections(&self) -> Result<Vec<Active>, NmError> {
        let paths: Vec<OwnedObjectPath> = self.property(NM_PATH, IFACE_NM, "ActiveConnections")?;
        let mut out = Vec::new();
        for path in paths {
            let connection = self.property::<OwnedObjectPath>(path.as_str(), IFACE_ACTIVE, "Connection");
            let state = self.property::<u32>(path.as_str(), IFACE_ACTIVE, "State");
            if let (Ok(connection), Ok(state)) = (connection, state) {
                out.push(Active {
                    path,
                    connection,
                    state,
                });
            }
        }
        Ok(out)
    }

    pub fn deactivate(&self, active: &OwnedObjectPath) -> Result<(), NmError> {
        let root = zbus::zvariant::ObjectPath::try_from(active.as_str()).expect("a valid path");
        self.nm(NM_PATH, IFACE_NM)?
            .call::<_, _, ()>("DeactivateConnection", &(root,))
            .map_err(|e| NmError::from_zbus("deactivating", e))
    }

    /// Activate the profile and wait up to `timeout` for the outcome.
    pub fn activate(
        &self,
        profile: &OwnedObjectPath,
        timeout: Duration,
    ) -> Result<(Outcome, Option<DeviceInfo>), NmError> {
        // Listen before asking, so that no state change is missed: the
        // active connection's StateChanged (state, reason) and the
        // devices' StateChanged (new, old, reason).
        let rule = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .sender(NM_BUS_NAME)
            .and_then(|b| b.member("StateChanged"))
            .map(|b| b.build())
            .map_err(|e| NmError::failed(format!("D-Bus match rule: {e}")))?;
        let signals = zbus::blocking::MessageIterator::for_match_rule(rule, &self.conn, Some(256))
            .map_err(|e| NmError::from_zbus("subscribing to state changes", e))?;
        let (tx, rx) = std::sync::mpsc::channel::<Change>();
        std::thread::spawn(move || {
            for msg in signals {
                let Ok(msg) = msg else { break };
                let header = msg.header();
                let (Some(path), Some(iface)) = (header.path(), header.interface()) else {
                    continue;
                };
                let path = path.to_string();
                let change = match iface.as_str() {
                    IFACE_ACTIVE => msg
                        .body()
                        .deserialize::<(u32, u32)>()
                        .ok()
                        .map(|(state, reason)| Change::Active { path, state, reason }),
                    IFACE_DEVICE => msg
                        .body()
                        .deserialize::<(u32, u32, u32)>()
                        .ok()
                        .map(|(state, _, reason)| Change::Device { path, state, reason }),
                    _ => None,
                };
                if let Some(c) = change {
                    if tx.send(c).is_err() {
                        break;
                    }
                }
            }
        });

        let root = zbus::zvariant::ObjectPath::try_from("/").expect("a valid path");
        let active: OwnedObjectPath = self
            .nm(NM_PATH, IFACE_NM)?
            .call("ActivateConnection", &(profile, &root, &root))
            .map_err(|e| NmError::from_zbus("activation failed", e))?;
        let deadline = Instant::now() + timeout;
        let mut seen = Seen::default();
        let mut device: Option<OwnedObjectPath> = None;
        loop {
            while let Ok(c) = rx.try_recv() {
                seen.note(&active, c);
            }
            if device.is_none() {
                if let Ok(devs) =
                    self.property::<Vec<OwnedObjectPath>>(active.as_str(), IFACE_ACTIVE, "Devices")
                {
                    device = devs.into_iter().next();
                }
            }
            // None: the active connection is gone, it ended.
            let state = self.property::<u32>(active.as_str(), IFACE_ACTIVE, "State").ok();
            let state = state.or(seen.active.map(|l| l.0)).unwrap_or(4);
            match state {
                2 => {
                    let info = device.as_ref().and_then(|d| self.device_info(d).ok());
                    return Ok((Outcome::Activated, info));
                }
                3 | 4 => {
                    // Let the last signals arrive, for their reasons.
                    let until = Instant::now() + Duration::from_millis(300);
                    while let Ok(c) = rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
                        seen.note(&active, c);
                    }
                    return Ok((Outcome::Failed(self.failure_reason(&seen, device.as_ref())), None));
                }
                _ => {}
            }
            let now = Instant::now();
            if now >= deadline {
                let words = active_state_text(state);
                return Ok((
                    Outcome::TimedOut(format!(
                        "still {words} after {} s{}",
                        timeout.as_secs(),
                        device
                            .as_ref()
                            .and_then(|d| self.device_state(d))
                            .map(|(s, _)| format!("; device {}", device_state_text(s)))
                            .unwrap_or_default()
                    )),
                    None,
                ));
            }
            if let Ok(c) = rx.recv_timeout((deadline - now).min(Duration::from_millis(200))) {
                seen.note(&active, c);
            }
        }
    }

    fn device_state(&self, device: &OwnedObjectPath) -> Option<(u32, u32)> {
        self.property::<(u32, u32)>(device.as_str(), IFACE_DEVICE, "StateReason")
            .ok()
    }

    fn failure_reason(&self, seen: &Seen, device: Option<&OwnedObjectPath>) -> String {
        let mut words = match seen.active {
            Some((_, r)) => active_reason_text(r).to_string(),
            None => "the activation ended".to_string(),
        };
        // Why the device failed, if it did; else what it says now.
        let failed = device.and_then(|d| seen.device_failures.get(d.as_str()).copied());
        match failed {
            Some(reason) => words.push_str(&format!("; device failed: {}", device_reason_text(reason))),
            None => {
                if let Some((state, reason)) = device.and_then(|d| self.device_state(d)) {
                    if reason != 0 {
                        words.push_str(&format!(
                            "; device {}: {}",
                            device_state_text(state),
                            device_reason_text(reason)
                        ));
                    }
                }
            }
        }
        words
    }

    /// The interface name and addresses of a device.
    pub fn device_info(&self, device: &OwnedObjectPath) -> Result<DeviceInfo, NmError> {
        let interface: String = self.property(device.as_str(), IFACE_DEVICE, "Interface")?;
        let mut addresses = Vec::new();
        for (prop, iface) in [("Ip4Config", IFACE_IP4), ("Ip6Config", IFACE_IP6)] {
            let Ok(cfg) = self.property::<OwnedObjectPath>(device.as_str(), IFACE_DEVICE, prop) else {
                continue;
            };
            if cfg.as_str() == "/" {
                continue;
            }
            let data: Vec<HashMap<String, OwnedValue>> = self
                .property(cfg.as_str(), iface, "AddressData")
                .unwrap_or_default();
            for a in data {
                let addr = a
                    .get("address")
                    .and_then(|v| String::try_from(v.try_clone().ok()?).ok());
                let prefix = a.get("prefix").and_then(|v| u32::try_from(&*v.clone()).ok());
                if let (Some(addr), Some(prefix)) = (addr, prefix) {
                    addresses.push(format!("{addr}/{prefix}"));
                }
            }
        }
        Ok(DeviceInfo { interface, addresses })
    }
}

/// A state change NetworkManager signalled.
enum Change {
    Active { path: String, state: u32, reason: u32 },
    Device { path: String, state: u32, reason: u32 },
}

/// What the signals said so far about one activation.
#[derive(Default)]
struct Seen {
    /// The active connection's last (state, reason).
    active: Option<(u32, u32)>,
    /// Device path → the reason of its last change to "failed".
    device_failures: HashMap<String, u32>,
}

impl Seen {
    fn note(&mut self, active: &OwnedObjectPath, c: Change) {
        match c {
            Change::Active { path, state, reason } if path == active.as_str() => {
                self.active = Some((state, reason));
            }
            Change::Device {
                path,
                state: 120,
                reason,
            } => {
                self.device_failures.insert(path, reason);
            }
            _ => {}
        }
    }
}

/// `NMActiveConnectionState` in words.
pub fn active_state_text(state: u32) -> &'static str {
    match state {
        1 => "activating",
        2 => "activated",
        3 => "deactivating",
        4 => "deactivated",
        _ => "in an unknown state",
    }
}

/// `NMActiveConnectionStateReason` in words (libnm's descriptions).
pub fn active_reason_text(reason: u32) -> &'static str {
    match reason {
        0 => "the reason is unknown",
        1 => "no reason was given",
        2 => "the user disconnected it",
        3 => "the device it was using was disconnected",
        4 => "the service providing the VPN connection was stopped",
        5 => "the IP configuration was invalid",
        6 => "the connection attempt to the VPN service timed out",
        7 => "a timeout occurred while starting the VPN service",
        8 => "starting the VPN service failed",
        9 => "necessary secrets were not provided",
        10 => "authentication to the server failed",
        11 => "the profile was deleted",
        12 => "the controller connection of this profile failed to activate",
        13 => "the software device could not be created",
        14 => "the device it depended on disappeared",
        _ => "an unknown reason",
    }
}

/// `NMDeviceState` in words.
pub fn device_state_text(state: u32) -> &'static str {
    match state {
        10 => "unmanaged",
        20 => "unavailable",
        30 => "disconnected",
        40 => "preparing",
        50 => "configuring",
        60 => "needs authentication",
        70 => "configuring IP",
        80 => "checking IP",
        90 => "waiting for secondaries",
        100 => "activated",
        110 => "deactivating",
        120 => "failed",
        _ => "unknown",
    }
}

/// `NMDeviceStateReason` in words (libnm's descriptions).
pub fn device_reason_text(reason: u32) -> &'static str {
    const TEXT: [&str; 68] = [
        "no reason given",
        "unknown error",
        "device is now managed",
        "device is now unmanaged",
        "the device could not be readied for configuration",
        "IP configuration could not be reserved (no available address, timeout, etc.)",
        "the IP configuration is no longer valid",
        "secrets were required, but not provided",
        "802.1X supplicant disconnected",
        "802.1X supplicant configuration failed",
        "802.1X supplicant failed",
        "802.1X supplicant took too long to authenticate",
        "PPP service failed to start",
        "PPP service disconnected",
        "PPP failed",
        "DHCP client failed to start",
        "DHCP client error",
        "DHCP client failed",
        "shared connection service failed to start",
        "shared connection service failed",
        "AutoIP service failed to start",
        "AutoIP service error",
        "AutoIP service failed",
        "the line is busy",
        "no dial tone",
        "no carrier could be established",
        "the dialing request timed out",
        "the dialing attempt failed",
        "modem initialization failed",
        "failed to select the specified APN",
        "not searching for networks",
        "network registration denied",
        "network registration timed out",
        "failed to register with the requested network",
        "PIN check failed",
        "necessary firmware for the device may be missing",
        "the device was removed",
        "NetworkManager went to sleep",
        "the device's active connection disappeared",
        "device disconnected by user or client",
        "carrier/link changed",
        "the device's existing connection was assumed",
        "the supplicant is now available",
        "the modem could not be found",
        "the Bluetooth connection failed or timed out",
        "GSM modem's SIM card not inserted",
        "GSM modem's SIM PIN required",
        "GSM modem's SIM PUK required",
        "GSM modem's SIM wrong",
        "InfiniBand device does not support connected mode",
        "a dependency of the connection failed",
        "problem with the RFC 2684 Ethernet over ADSL bridge",
        "ModemManager not running",
        "the Wi-Fi network could not be found",
        "a secondary connection of the base connection failed",
        "DCB or FCoE setup failed",
        "teamd control failed",
        "modem failed or no longer available",
        "modem now ready and available",
        "SIM PIN was incorrect",
        "new connection activation was enqueued",
        "the device's parent changed",
        "the device parent's management changed",
        "problem communicating with Open vSwitch database",
        "a duplicate IP address was detected",
        "the selected IP method is not supported",
        "configuration of SR-IOV parameters failed",
        "the Wi-Fi P2P peer could not be found",
    ];
    TEXT.get(reason as usize).copied().unwrap_or("unknown reason")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{InnerAddress, Mode, Route, Tunnel};
    use crate::nm::settings::{from_tunnel, Kind, PROPERTIES};

    fn sig(d: &Dict, setting: &str, name: &str) -> String {
        d[setting][name].value_signature().to_string()
    }

    fn tunnel() -> Tunnel {
        let mut t = Tunnel::new("gre1", Mode::Gre);
        t.uuid = Some(uuid::Uuid::nil());
        t.local = Some("192.0.2.1".parse().unwrap());
        t.remote = Some("192.0.2.2".parse().unwrap());
        t.input_key = Some(1234);
        t.output_key = Some(1234);
        t.ttl = 64;
        t.tos = 16;
        t.path_mtu_discovery = false;
        t.autoconnect = false;
        t.addresses.push(InnerAddress {
            address: "10.0.0.1/30".parse().unwrap(),
            peer: None,
        });
        t.routes.push(Route {
            destination: "198.51.100.0/24".parse().unwrap(),
            gateway: Some("10.0.0.2".parse().unwrap()),
            metric: Some(100),
            table: None,
        });
        t
    }

    #[test]
    fn property_types_follow_networkmanager() {
        let d = encode(&from_tunnel(&tunnel())).unwrap();
        for (setting, name, want) in [
            ("connection", "id", "s"),
            ("connection", "uuid", "s"),
            ("connection", "type", "s"),
            ("connection", "interface-name", "s"),
            ("connection", "autoconnect", "b"),
            ("ip-tunnel", "mode", "u"),
            ("ip-tunnel", "ttl", "u"),
            ("ip-tunnel", "tos", "u"),
            ("ip-tunnel", "input-key", "s"),
            ("ip-tunnel", "output-key", "s"),
            ("ip-tunnel", "local", "s"),
            ("ip-tunnel", "remote", "s"),
            ("ip-tunnel", "path-mtu-discovery", "b"),
            ("ipv4", "method", "s"),
            ("ipv4", "address-data", "aa{sv}"),
            ("ipv4", "route-data", "aa{sv}"),
            ("ipv6", "method", "s"),
        ] {
            assert_eq!(sig(&d, setting, name), want, "{setting}.{name}");
        }
        // The legacy forms are never sent; "default" addr-gen-mode is D-Bus's absence.
        assert!(!d["ipv4"].contains_key("addresses") && !d["ipv4"].contains_key("routes"));
        assert!(!d["ipv6"].contains_key("addr-gen-mode"));
        assert!(d["proxy"].is_empty());
        let addr = describe(&d);
        assert!(
            addr.contains(r#"ipv4.address-data = [{"address": <"10.0.0.1">, "prefix": <uint32 30>}]"#),
            "{addr}"
        );
        assert!(addr.contains(r#""next-hop": <"10.0.0.2">"#) && addr.contains(r#""metric": <uint32 100>"#));
    }

    #[test]
    fn every_mapped_property_has_its_documented_type() {
        for p in PROPERTIES {
            let want = match p.kind {
                Kind::Str | Kind::DecimalStr => "s",
                Kind::U32(_) => "u",
                Kind::Bool => "b",
                Kind::Addresses => "aau",
                Kind::Routes => "aau",
            };
            let got = signature_of(p.setting, p.name).unwrap_or("missing");
            let want = if p.setting == "ipv6" && want == "aau" {
                if p.name == "addresses" {
                    "a(ayuay)"
                } else {
                    "a(ayuayu)"
                }
            } else {
                want
            };
            assert_eq!(got, want, "{}.{}", p.setting, p.name);
        }
    }

    fn opaque(setting: &str, name: &str, raw: &str) -> Result<Value<'static>, EncodeError> {
        let mut s = Settings::default();
        s.set(setting, name, SValue::Opaque(raw.into()));
        let d = encode(&s).map_err(|mut e| e.remove(0))?;
        let (k, v) = d[setting].iter().next().expect("one property");
        assert!(k == name || k == "data" || k == "assigned-mac-address", "{k}");
        Ok(Value::from(v.try_clone().unwrap()))
    }

    #[test]
    fn keyfile_values_get_their_dbus_types() {
        // in_addr_t: the address's bytes in memory order.
        let dns = opaque("ipv4", "dns", "192.0.2.53;198.51.100.53;").unwrap();
        assert_eq!(dns.value_signature().to_string(), "au");
        assert_eq!(
            dns,
            Value::from(vec![
                u32::from_ne_bytes([192, 0, 2, 53]),
                u32::from_ne_bytes([198, 51, 100, 53])
            ])
        );
        let dns6 = opaque("ipv6", "dns", "2001:db8::53;").unwrap();
        assert_eq!(dns6.value_signature().to_string(), "aay");
        assert_eq!(
            opaque("ipv4", "dns-search", "a.example;b.example;").unwrap(),
            Value::from(vec!["a.example".to_string(), "b.example".to_string()])
        );
        assert_eq!(opaque("ipv4", "may-fail", "false").unwrap(), Value::from(false));
        assert_eq!(
            opaque("ipv4", "route-metric", "200").unwrap(),
            Value::from(200i64)
        );
        assert_eq!(
            opaque("connection", "autoconnect-priority", "-5").unwrap(),
            Value::from(-5i32)
        );
        assert_eq!(
            opaque("ipv4", "gateway", "10.0.0.2").unwrap(),
            Value::from("10.0.0.2")
        );
        assert_eq!(
            opaque("ipv6", "addr-gen-mode", "stable-privacy").unwrap(),
            Value::from(1i32)
        );
        // A keyfile's absent addr-gen-mode is default-or-eui64; on D-Bus the
        // absence would mean default, so it is sent.
        assert_eq!(
            opaque("ipv6", "addr-gen-mode", "default-or-eui64").unwrap(),
            Value::from(2i32)
        );
        assert_eq!(opaque("connection", "zone", "a\\sb").unwrap(), Value::from("a b"));
        let user = opaque("user", "org.example.note", "hello world").unwrap();
        assert_eq!(user.value_signature().to_string(), "a{ss}");
        assert_eq!(
            opaque("802-3-ethernet", "cloned-mac-address", "00:11:22:33:44:55").unwrap(),
            Value::from(vec![0u8, 0x11, 0x22, 0x33, 0x44, 0x55])
        );
        assert_eq!(
            opaque("802-3-ethernet", "cloned-mac-address", "random").unwrap(),
            Value::from("random")
        );
    }

    #[test]
    fn what_cannot_be_typed_is_an_error() {
        let e = opaque("ipv4", "no-such-property", "1").unwrap_err();
        assert_eq!(e.property, "ipv4.no-such-property");
        assert!(e.message.contains("D-Bus type"), "{e}");
        assert!(opaque("ipv4", "may-fail", "maybe").is_err());
        assert!(
            opaque("ip-tunnel", "ttl", "300").is_ok(),
            "uint32 holds it; NetworkManager checks the range"
        );
        assert!(opaque("ipv4", "dns", "not-an-address;").is_err());
        assert!(opaque("tc", "qdiscs", "x").is_err());
        let mut s = from_tunnel(&tunnel());
        if let Some(SValue::Routes(r)) = s.settings.get_mut("ipv4").and_then(|p| p.get_mut("routes")) {
            r[0].options.insert("bogus".into(), "1".into());
        }
        let errors = encode(&s).unwrap_err();
        assert!(errors[0].message.contains("bogus"), "{errors:?}");
    }

    #[test]
    fn route_attributes_are_typed() {
        let mut s = from_tunnel(&tunnel());
        if let Some(SValue::Routes(r)) = s.settings.get_mut("ipv4").and_then(|p| p.get_mut("routes")) {
            r[0].options.insert("mtu".into(), "1400".into());
            r[0].options.insert("onlink".into(), "true".into());
            r[0].options.insert("tos".into(), "16".into());
            r[0].table = Some(100);
        }
        let d = describe(&encode(&s).unwrap());
        for want in [
            r#""mtu": <uint32 1400>"#,
            r#""onlink": <true>"#,
            r#""tos": <byte 0x10>"#,
            r#""table": <uint32 100>"#,
        ] {
            assert!(d.contains(want), "{want} in {d}");
        }
    }

    #[test]
    fn differences_ignore_what_networkmanager_adds() {
        let ours = encode(&from_tunnel(&tunnel())).unwrap();
        let mut theirs = ours.clone();
        // What GetSettings adds: legacy forms, empty lists, the timestamp,
        // properties at their documented defaults.
        let ipv4 = theirs.get_mut("ipv4").unwrap();
        ipv4.insert(
            "addresses".into(),
            owned(Value::from(vec![vec![16777226u32, 30, 0]])),
        );
        ipv4.insert("dns-search".into(), owned(Value::from(Vec::<String>::new())));
        theirs
            .get_mut("connection")
            .unwrap()
            .insert("timestamp".into(), owned(Value::from(1700000000u64)));
        theirs
            .get_mut("connection")
            .unwrap()
            .insert("permissions".into(), owned(Value::from(Vec::<String>::new())));
        theirs
            .get_mut("ip-tunnel")
            .unwrap()
            .insert("encapsulation-limit".into(), owned(Value::from(0u32)));
        assert_eq!(differences(&ours, &theirs), Vec::<String>::new());

        // A value of ours at its default may be absent on their side.
        let mut ours2 = ours.clone();
        ours2
            .get_mut("ip-tunnel")
            .unwrap()
            .insert("flags".into(), owned(Value::from(0u32)));
        assert_eq!(differences(&ours2, &theirs), Vec::<String>::new());

        // Real changes are named.
        let mut changed = theirs.clone();
        changed
            .get_mut("ip-tunnel")
            .unwrap()
            .insert("ttl".into(), owned(Value::from(1u32)));
        changed
            .get_mut("ipv4")
            .unwrap()
            .insert("never-default".into(), owned(Value::from(true)));
        changed.get_mut("ipv4").unwrap().remove("route-data");
        assert_eq!(
            differences(&ours, &changed),
            ["ip-tunnel.ttl", "ipv4.route-data", "ipv4.never-default"]
        );
    }

    #[test]
    fn reasons_in_words() {
        assert_eq!(active_reason_text(13), "the software device could not be created");
        assert_eq!(
            device_reason_text(4),
            "the device could not be readied for configuration"
        );
        assert_eq!(device_reason_text(67), "the Wi-Fi P2P peer could not be found");
        assert_eq!(device_reason_text(999), "unknown reason");
        assert_eq!(device_state_text(120), "failed");
    }
}
