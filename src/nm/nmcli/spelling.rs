//! How nmcli names and spells properties: the settings and property names
//! it resolves by prefix, the extras grecfg translates between nmcli and
//! keyfile spelling, and nmcli's value syntax (booleans, flags, lists,
//! routes).

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::gkeyfile;
use crate::model::Mode;
use crate::nm::catalogue;
use crate::nm::settings::{Kind, NmRoute, Value};

use super::values::{self, FLAG_NAMES};

// ----- names: the settings nmcli allows, their properties from the catalogue

pub(crate) use crate::nm::catalogue::Spelling;

/// How grecfg translates an extra between nmcli and keyfile spelling, if
/// it can.
pub(crate) fn extra_spelling(setting: &str, name: &str) -> Option<Spelling> {
    catalogue::find(setting, name)?.spelling
}

/// The settings an ip-tunnel profile may have, with nmcli's aliases, in
/// the order nmcli lists them (NetworkManager 1.42, `nmcli connection
/// add`). Their properties are the catalogue's rows nmcli lists. Names are
/// matched exactly or by unique prefix.
const SETTINGS: &[(&str, Option<&str>)] = &[
    ("connection", None),
    ("ip-tunnel", None),
    ("802-3-ethernet", Some("ethernet")),
    ("ethtool", None),
    ("match", None),
    ("ipv4", None),
    ("ipv6", None),
    ("hostname", None),
    ("tc", None),
    ("proxy", None),
];

/// The properties nmcli lists for `setting`, in its order.
fn nmcli_properties(setting: &str) -> impl Iterator<Item = &'static str> + Clone + '_ {
    catalogue::rows()
        .iter()
        .filter(move |r| r.setting == setting && r.nmcli)
        .map(|r| r.name)
}

/// Exact match first, else the one name `word` is a prefix of.
pub(crate) fn unique_prefix<'a>(
    word: &str,
    names: impl Iterator<Item = &'a str> + Clone,
) -> Result<&'a str, Vec<&'a str>> {
    if let Some(n) = names.clone().find(|n| *n == word) {
        return Ok(n);
    }
    let hits: Vec<&str> = names
        .filter(|n| !word.is_empty() && n.starts_with(word))
        .collect();
    match hits.as_slice() {
        [one] => Ok(one),
        _ => Err(hits),
    }
}

/// Resolve `setting.property` as nmcli does. Unknown property names of
/// known settings are kept as written (`Ok` with `known == false`).
pub(crate) fn resolve(name: &str) -> Result<(String, String, bool), String> {
    let Some((s, p)) = name.split_once('.') else {
        return Err(format!("`{name}` is not setting.property"));
    };
    let all = SETTINGS.iter().flat_map(|(n, a)| std::iter::once(*n).chain(*a));
    let setting = match unique_prefix(s, all) {
        Ok(n) => SETTINGS
            .iter()
            .find(|(full, alias)| *full == n || *alias == Some(n))
            .expect("listed"),
        Err(hits) if hits.is_empty() => {
            let list: Vec<&str> = SETTINGS.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "invalid or not allowed setting '{s}' for an ip-tunnel profile: not among [{}]",
                list.join(", ")
            ));
        }
        Err(hits) => return Err(format!("setting '{s}' is ambiguous: {}", hits.join(", "))),
    };
    match unique_prefix(p, nmcli_properties(setting.0)) {
        Ok(prop) => Ok((setting.0.to_string(), prop.to_string(), true)),
        Err(hits) if hits.len() > 1 => Err(format!("property '{p}' is ambiguous: {}", hits.join(", "))),
        Err(_) => Ok((setting.0.to_string(), p.to_string(), false)),
    }
}

/// A keyfile-spelled extra in nmcli spelling, if grecfg knows how.
pub(crate) fn extra_to_nmcli(setting: &str, name: &str, raw: &str) -> Option<String> {
    let spelling = extra_spelling(setting, name)?;
    let text = gkeyfile::unescape(raw).ok()?;
    match spelling {
        Spelling::Plain => Some(text),
        Spelling::Str => Some(text),
        Spelling::Bool => match text.as_str() {
            "true" => Some("yes".into()),
            "false" => Some("no".into()),
            _ => None,
        },
        Spelling::Toggle => match text.as_str() {
            "true" => Some("on".into()),
            "false" => Some("off".into()),
            _ => None,
        },
        Spelling::List => {
            let items: Vec<&str> = raw.split(';').filter(|i| !i.is_empty()).collect();
            if items.iter().any(|i| i.contains([',', ' ', '\\'])) {
                return None;
            }
            Some(items.join(","))
        }
        Spelling::Enum(names) => names.iter().find(|(_, k)| *k == text).map(|(n, _)| n.to_string()),
    }
}

/// An nmcli value as the reader takes it (`nmcli` refuses what this
/// refuses): in its canonical spelling (`values::check`), DNS servers and
/// gateways addresses of the setting's family.
pub(crate) fn read_text(setting: &str, name: &str, text: &str) -> Result<String, String> {
    let v6 = setting == "ipv6";
    if name == "dns" && (setting == "ipv4" || v6) {
        if let Some(bad) = text
            .split([',', ' ', '\t'])
            .find(|i| !i.is_empty() && parse_ip(i, v6).is_err())
        {
            return Err(format!("invalid IP address: '{bad}'"));
        }
    }
    if name == "gateway" && (setting == "ipv4" || v6) && !text.is_empty() {
        parse_ip(text, v6)?;
    }
    if name == "routing-rules" && (setting == "ipv4" || v6) {
        super::rules::check(text, v6)?;
    }
    if setting == "tc" && (name == "qdiscs" || name == "tfilters") {
        super::tc::check(name, text)?;
    }
    if setting == "802-3-ethernet" {
        super::verify::wired(name, text)?;
    }
    if setting == "ipv4" && name == "dhcp-reject-servers" {
        super::verify::reject_servers(text)?;
    }
    values::check(setting, name, text)
}

/// An nmcli-spelled value in keyfile spelling, if grecfg knows how.
pub(crate) fn extra_to_keyfile(setting: &str, name: &str, text: &str) -> Option<Result<String, String>> {
    let spelling = extra_spelling(setting, name)?;
    Some(match spelling {
        Spelling::Plain => Ok(text.to_string()),
        Spelling::Str => Ok(gkeyfile::escape(text)),
        Spelling::Bool => parse_bool(text).map(|b| b.to_string()),
        // The canonical on, off or ignore (`values::check`).
        Spelling::Toggle => Ok(match text {
            "on" => "true",
            "off" => "false",
            _ => "",
        }
        .into()),
        Spelling::List => {
            let mut out = String::new();
            for item in text.split([',', ' ', '\t']).filter(|i| !i.is_empty()) {
                out.push_str(&gkeyfile::escape(item).replace(';', "\\;"));
                out.push(';');
            }
            Ok(out)
        }
        Spelling::Enum(names) => names
            .iter()
            .find(|(n, k)| *n == text || *k == text)
            .map(|(_, k)| k.to_string())
            .ok_or_else(|| {
                let list: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
                format!("invalid option '{text}', use one of [{}]", list.join(","))
            }),
    })
}

pub(crate) use super::values::parse_bool;

pub(crate) fn parse_u32(text: &str, max: u32) -> Result<u32, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("'{text}' is not a valid number"));
    }
    match text.parse::<u64>() {
        Ok(v) if v <= u64::from(max) => Ok(v as u32),
        _ => Err(format!("'{text}' is out of range [0, {max}]")),
    }
}

pub(crate) fn parse_flags(text: &str) -> Result<u32, String> {
    values::parse_flag_words(text, &FLAG_NAMES, &[])
}

pub(crate) fn parse_mode(text: &str) -> Result<u32, String> {
    if let Some(m) = Mode::ALL.iter().find(|m| m.name() == text) {
        return Ok(m.nm_number());
    }
    if let Ok(n) = parse_u32(text, 11) {
        if n >= 1 {
            return Ok(n);
        }
    }
    let names: Vec<&str> = Mode::ALL.iter().map(|m| m.name()).collect();
    Err(format!(
        "invalid option '{text}', use one of [{}]",
        names.join(",")
    ))
}

pub(crate) fn parse_ip(text: &str, v6: bool) -> Result<IpAddr, String> {
    match text.parse::<IpAddr>() {
        Ok(a) if a.is_ipv6() == v6 => Ok(a),
        _ => Err(format!("invalid IP address: '{text}'")),
    }
}

pub(crate) fn parse_net(text: &str, v6: bool) -> Result<IpNet, String> {
    let (a, p) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let addr = parse_ip(a.trim(), v6)?;
    let max = if v6 { 128 } else { 32 };
    let prefix = match p {
        None => max,
        Some(p) => match p.trim().parse::<u8>() {
            Ok(n) if n <= max && p.trim().bytes().all(|b| b.is_ascii_digit()) => n,
            _ => return Err(format!("invalid prefix '{p}'; <0-{max}> allowed")),
        },
    };
    IpNet::new(addr, prefix).map_err(|e| e.to_string())
}

/// How a `setting.property` argument changes the value: `prop`, `+prop`
/// or `-prop`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Change {
    Set,
    Append,
    Remove,
}

impl Change {
    /// The change a key's leading sign spells.
    pub(crate) fn of_sign(sign: &str) -> Change {
        match sign {
            "+" => Change::Append,
            "-" => Change::Remove,
            _ => Change::Set,
        }
    }
}

/// The keyfile spelling of a property grecfg keeps as an extra after a
/// change of it in keyfile spelling (`raw`), as nmcli applies it: a list
/// is appended to or has items removed, anything else is replaced. `None`
/// for a removal from a property with one value, which nmcli resets when
/// the value is empty and ignores otherwise; the caller says which.
pub(crate) fn list_change(
    setting: &str,
    prop: &str,
    old: String,
    change: Change,
    raw: String,
) -> Option<String> {
    let list = extra_spelling(setting, prop) == Some(Spelling::List);
    Some(match change {
        Change::Append if list => old + &raw,
        Change::Remove if list => {
            let gone: Vec<&str> = raw.split(';').collect();
            old.split(';')
                .filter(|i| !i.is_empty() && !gone.contains(i))
                .map(|i| format!("{i};"))
                .collect()
        }
        Change::Remove => return None,
        _ => raw,
    })
}

/// nmcli splits lists at `,`; `\,` is a literal comma.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.last_mut().expect("non-empty").push(n);
                }
            }
            ',' => out.push(String::new()),
            c => out.last_mut().expect("non-empty").push(c),
        }
    }
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

pub(crate) fn parse_addresses(text: &str, v6: bool) -> Result<Vec<IpNet>, String> {
    split_list(text).iter().map(|a| parse_net(a, v6)).collect()
}

/// `DEST[/PREFIX] [NEXT_HOP] [METRIC] [ATTR=VALUE ...]`
pub(crate) fn parse_route(text: &str, v6: bool) -> Result<NmRoute, String> {
    // nmcli splits on blanks and tabs only (`nm_strsplit_set(str, " \t")`).
    let mut words = text.split([' ', '\t']).filter(|w| !w.is_empty()).peekable();
    let dest = parse_net(words.next().ok_or("empty route")?, v6)?;
    // Kept as written, host bits included, as NetworkManager keeps it.
    let mut r = NmRoute {
        dest,
        next_hop: None,
        metric: None,
        table: None,
        options: BTreeMap::new(),
    };
    let mut positional = 0;
    for w in words {
        if let Some((k, v)) = w.split_once('=') {
            let v = values::route_attribute(v6, k, v)?;
            if k == "table" {
                r.table = Some(parse_u32(&v, u32::MAX)?);
            } else {
                r.options.insert(k.to_string(), v);
            }
            positional = 2;
            continue;
        }
        match positional {
            0 if w.parse::<IpAddr>().is_ok() => {
                let gw = parse_ip(w, v6)?;
                r.next_hop = (!gw.is_unspecified()).then_some(gw);
                positional = 1;
            }
            0 | 1 => {
                r.metric = Some(
                    parse_u32(w, u32::MAX).map_err(|_| format!("invalid route metric or next hop '{w}'"))?,
                );
                positional = 2;
            }
            _ => return Err(format!("unexpected '{w}' in route")),
        }
    }
    Ok(r)
}

pub(crate) fn parse_routes(text: &str, v6: bool) -> Result<Vec<NmRoute>, String> {
    split_list(text).iter().map(|r| parse_route(r, v6)).collect()
}

/// The typed value of a property grecfg maps, in nmcli spelling.
pub(crate) fn parse_value(setting: &str, name: &str, kind: Kind, text: &str) -> Result<Value, String> {
    let v6 = setting == "ipv6";
    Ok(match kind {
        Kind::Str if name == "method" => Value::Str(values::check(setting, name, text)?),
        Kind::Str | Kind::DecimalStr => Value::Str(text.to_string()),
        Kind::U32(_) if name == "mode" => Value::U32(parse_mode(text)?),
        Kind::U32(_) if name == "flags" => Value::U32(parse_flags(text)?),
        Kind::U32(max) => {
            let v = values::check(setting, name, text)?;
            Value::U32(parse_u32(&v, max)?)
        }
        Kind::Bool => Value::Bool(parse_bool(text)?),
        Kind::Addresses => Value::Addresses(parse_addresses(text, v6)?),
        Kind::Routes => Value::Routes(parse_routes(text, v6)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_by_unique_prefix() {
        assert_eq!(
            resolve("ip-tun.rem").unwrap(),
            ("ip-tunnel".into(), "remote".into(), true)
        );
        assert_eq!(resolve("ethernet.mtu").unwrap().0, "802-3-ethernet");
        assert!(resolve("ip_tunnel.remote").is_err());
        assert!(resolve("ipv4.dns-").is_err());
        assert_eq!(resolve("ipv4.dns").unwrap().1, "dns");
        assert_eq!(
            resolve("ipv4.frobnicate").unwrap(),
            ("ipv4".into(), "frobnicate".into(), false)
        );
    }

    #[test]
    fn routes_parse_like_nmcli() {
        let r = parse_route("10.3.0.0/16 7", false).unwrap();
        assert_eq!((r.next_hop, r.metric), (None, Some(7)));
        let r = parse_route("10.1.0.0/16 10.0.0.2 5 table=3 onlink=true", false).unwrap();
        assert_eq!(r.metric, Some(5));
        assert_eq!(r.table, Some(3));
        assert_eq!(r.options.get("onlink").map(String::as_str), Some("true"));
        assert!(parse_route("10.1.0.0/16 fd00::1", false).is_err());
    }

    #[test]
    fn extras_translate_both_ways() {
        assert_eq!(
            extra_to_keyfile("ipv4", "dns", "192.0.2.53, 192.0.2.54"),
            Some(Ok("192.0.2.53;192.0.2.54;".into()))
        );
        assert_eq!(
            extra_to_nmcli("ipv4", "dns", "192.0.2.53;192.0.2.54;"),
            Some("192.0.2.53,192.0.2.54".into())
        );
        assert_eq!(extra_to_keyfile("proxy", "method", "auto"), Some(Ok("1".into())));
        assert_eq!(extra_to_nmcli("proxy", "method", "1"), Some("auto".into()));
        assert_eq!(
            extra_to_nmcli("ipv4", "never-default", "true"),
            Some("yes".into())
        );
        assert_eq!(extra_to_nmcli("ipv4", "dhcp-timeout", "3"), None);
    }
}
