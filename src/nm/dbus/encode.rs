//! The pure half: the dictionary as `a{sa{sv}}`, typed by
//! `nm-settings-dbus(5)`, and the comparison with what NetworkManager holds.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use zbus::zvariant::{OwnedValue, Value};

use crate::gkeyfile;
use crate::nm::catalogue;
use crate::nm::settings::{NmRoute, Settings, Value as SValue};

/// `a{sa{sv}}`: setting name → property name → value.
pub(crate) type Dict = BTreeMap<String, BTreeMap<String, OwnedValue>>;

/// The D-Bus signature NetworkManager gives `setting.property`.
pub(crate) fn signature_of(setting: &str, property: &str) -> Option<&'static str> {
    Some(catalogue::find(setting, property)?.dbus?.signature)
}

/// Why a property cannot be sent over D-Bus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EncodeError {
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
pub(crate) fn encode(s: &Settings) -> Result<Dict, Vec<EncodeError>> {
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
    let default = catalogue::find(setting, name)
        .and_then(|r| r.dbus)
        .map(|d| d.default);
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
pub(crate) fn differences(ours: &Dict, theirs: &Dict) -> Vec<String> {
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
pub(crate) fn describe(dict: &Dict) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{InnerAddress, Mode, Route, Tunnel};
    use crate::nm::settings::{from_tunnel, Kind};

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
        for (p, kind) in catalogue::rows().iter().filter_map(|r| Some((r, r.model?.kind))) {
            let want = match kind {
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
}
