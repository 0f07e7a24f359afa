//! nmcli command lines as an encoding of the settings dictionary
//! (`nm::settings`), like keyfiles and D-Bus.
//!
//! Writing: one `nmcli connection add type ip-tunnel ...` command per
//! tunnel that creates exactly the profile the keyfile writer writes
//! (`tests/nmcli_commands.rs` runs it through `nmcli --offline`).
//!
//! Reading: `nmcli connection add|modify|delete` commands, as
//! `formats::script` hands them over (already split into words, nothing
//! executed), are applied to one dictionary per profile, following
//! nmcli 1.42's rules: object, verb, setting and property names may be
//! abbreviated to a unique prefix (aliases may not); `+prop` appends to a
//! list, `-prop ITEM` or `-prop INDEX` removes from it, `-prop ''` resets a
//! single value (any other `-prop VALUE` changes nothing); the
//! `connection add` aliases `con-name`, `ifname`, `autoconnect`, `mode`,
//! `remote`, `local`, `dev`, `ip4`, `gw4`, `ip6`, `gw6` (`ip4`/`ip6` append
//! and make the method manual unless it is given); only the settings every
//! profile has may come before `type`; a profile without `con-name` is
//! called `ip-tunnel-IFNAME`; `ipv4.method` and `ipv6.method` default to
//! `auto`. `tests/nmcli_commands.rs` checks these against `nmcli --offline`.

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::codec::{OutputFile, WriteOptions};
use crate::diag::{Problem, Severity};
use crate::formats::gkeyfile;
use crate::formats::keyfile;
use crate::model::{Extra, Mode, Tunnel};
use crate::nm::settings::{
    self, format_route_options, property, split_extra_key, Kind, NmRoute, Settings, Value, EXTRA_FORMAT_NMCLI,
};
use crate::shell::sh_quote;

// ----- properties grecfg translates between nmcli and keyfile ------------

/// How a property grecfg does not map to a model field is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spelling {
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
}

/// Properties of an ip-tunnel profile that grecfg keeps as extras and can
/// translate exactly between nmcli and keyfile spelling.
const EXTRAS: &[(&str, &str, Spelling)] = &[
    ("connection", "autoconnect-priority", Spelling::Plain),
    ("connection", "autoconnect-retries", Spelling::Plain),
    ("connection", "stable-id", Spelling::Str),
    (
        "connection",
        "metered",
        Spelling::Enum(&[("yes", "1"), ("no", "2"), ("unknown", "0")]),
    ),
    ("proxy", "method", Spelling::Enum(&[("none", "0"), ("auto", "1")])),
    ("ipv4", "dns", Spelling::List),
    ("ipv4", "dns-search", Spelling::List),
    ("ipv4", "dns-options", Spelling::List),
    ("ipv4", "dns-priority", Spelling::Plain),
    ("ipv4", "gateway", Spelling::Plain),
    ("ipv4", "route-metric", Spelling::Plain),
    ("ipv4", "route-table", Spelling::Plain),
    ("ipv4", "never-default", Spelling::Bool),
    ("ipv4", "ignore-auto-dns", Spelling::Bool),
    ("ipv4", "ignore-auto-routes", Spelling::Bool),
    ("ipv4", "may-fail", Spelling::Bool),
    ("ipv6", "dns", Spelling::List),
    ("ipv6", "dns-search", Spelling::List),
    ("ipv6", "dns-options", Spelling::List),
    ("ipv6", "dns-priority", Spelling::Plain),
    ("ipv6", "gateway", Spelling::Plain),
    ("ipv6", "route-metric", Spelling::Plain),
    ("ipv6", "route-table", Spelling::Plain),
    ("ipv6", "never-default", Spelling::Bool),
    ("ipv6", "ignore-auto-dns", Spelling::Bool),
    ("ipv6", "ignore-auto-routes", Spelling::Bool),
    ("ipv6", "may-fail", Spelling::Bool),
    ("ipv6", "mtu", Spelling::Plain),
    (
        "ipv6",
        "addr-gen-mode",
        Spelling::Enum(&[
            ("eui64", "eui64"),
            ("stable-privacy", "stable-privacy"),
            ("default-or-eui64", "default-or-eui64"),
            ("default", "default"),
        ]),
    ),
];

fn extra_spelling(setting: &str, name: &str) -> Option<Spelling> {
    EXTRAS
        .iter()
        .find(|(s, n, _)| *s == setting && *n == name)
        .map(|(_, _, k)| *k)
}

/// The settings an ip-tunnel profile may have, with nmcli's aliases, and
/// their properties (NetworkManager 1.42, as `nmcli connection add` lists
/// them). Names are matched exactly or by unique prefix.
const SETTINGS: &[(&str, Option<&str>, &[&str])] = &[
    (
        "connection",
        None,
        &[
            "id",
            "uuid",
            "stable-id",
            "type",
            "interface-name",
            "autoconnect",
            "autoconnect-priority",
            "autoconnect-retries",
            "multi-connect",
            "auth-retries",
            "timestamp",
            "read-only",
            "permissions",
            "zone",
            "master",
            "slave-type",
            "autoconnect-slaves",
            "secondaries",
            "gateway-ping-timeout",
            "metered",
            "lldp",
            "mdns",
            "llmnr",
            "dns-over-tls",
            "mptcp-flags",
            "mud-url",
            "wait-device-timeout",
            "wait-activation-delay",
        ],
    ),
    (
        "ip-tunnel",
        None,
        &[
            "mode",
            "parent",
            "local",
            "remote",
            "ttl",
            "tos",
            "path-mtu-discovery",
            "input-key",
            "output-key",
            "encapsulation-limit",
            "flow-label",
            "fwmark",
            "mtu",
            "flags",
        ],
    ),
    (
        "802-3-ethernet",
        Some("ethernet"),
        &[
            "port",
            "speed",
            "duplex",
            "auto-negotiate",
            "mac-address",
            "cloned-mac-address",
            "generate-mac-address-mask",
            "mac-address-blacklist",
            "mtu",
            "s390-subchannels",
            "s390-nettype",
            "s390-options",
            "wake-on-lan",
            "wake-on-lan-password",
            "accept-all-mac-addresses",
        ],
    ),
    ("ethtool", None, &[]),
    (
        "match",
        None,
        &["interface-name", "kernel-command-line", "driver", "path"],
    ),
    (
        "ipv4",
        None,
        &[
            "method",
            "dns",
            "dns-search",
            "dns-options",
            "dns-priority",
            "addresses",
            "gateway",
            "routes",
            "route-metric",
            "route-table",
            "routing-rules",
            "replace-local-rule",
            "ignore-auto-routes",
            "ignore-auto-dns",
            "dhcp-client-id",
            "dhcp-iaid",
            "dhcp-timeout",
            "dhcp-send-hostname",
            "dhcp-hostname",
            "dhcp-fqdn",
            "dhcp-hostname-flags",
            "never-default",
            "may-fail",
            "required-timeout",
            "dad-timeout",
            "dhcp-vendor-class-identifier",
            "link-local",
            "dhcp-reject-servers",
            "auto-route-ext-gw",
        ],
    ),
    (
        "ipv6",
        None,
        &[
            "method",
            "dns",
            "dns-search",
            "dns-options",
            "dns-priority",
            "addresses",
            "gateway",
            "routes",
            "route-metric",
            "route-table",
            "routing-rules",
            "replace-local-rule",
            "ignore-auto-routes",
            "ignore-auto-dns",
            "never-default",
            "may-fail",
            "required-timeout",
            "ip6-privacy",
            "addr-gen-mode",
            "ra-timeout",
            "mtu",
            "dhcp-duid",
            "dhcp-iaid",
            "dhcp-timeout",
            "dhcp-send-hostname",
            "dhcp-hostname",
            "dhcp-hostname-flags",
            "auto-route-ext-gw",
            "token",
        ],
    ),
    (
        "hostname",
        None,
        &["priority", "from-dhcp", "from-dns-lookup", "only-from-default"],
    ),
    ("tc", None, &["qdiscs", "tfilters"]),
    (
        "proxy",
        None,
        &["method", "browser-only", "pac-url", "pac-script"],
    ),
];

/// Exact match first, else the one name `word` is a prefix of.
fn unique_prefix<'a>(
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
fn resolve(name: &str) -> Result<(String, String, bool), String> {
    let Some((s, p)) = name.split_once('.') else {
        return Err(format!("`{name}` is not setting.property"));
    };
    let all = SETTINGS
        .iter()
        .flat_map(|(n, a, _)| std::iter::once(*n).chain(*a));
    let setting = match unique_prefix(s, all) {
        Ok(n) => SETTINGS
            .iter()
            .find(|(full, alias, _)| *full == n || *alias == Some(n))
            .expect("listed"),
        Err(hits) if hits.is_empty() => {
            let list: Vec<&str> = SETTINGS.iter().map(|(n, _, _)| *n).collect();
            return Err(format!(
                "invalid or not allowed setting '{s}' for an ip-tunnel profile: not among [{}]",
                list.join(", ")
            ));
        }
        Err(hits) => return Err(format!("setting '{s}' is ambiguous: {}", hits.join(", "))),
    };
    match unique_prefix(p, setting.2.iter().copied()) {
        Ok(prop) => Ok((setting.0.to_string(), prop.to_string(), true)),
        Err(hits) if hits.len() > 1 => Err(format!("property '{p}' is ambiguous: {}", hits.join(", "))),
        Err(_) => Ok((setting.0.to_string(), p.to_string(), false)),
    }
}

// ----- writing -------------------------------------------------------------

/// Lower a tunnel onto what a profile created by nmcli holds: the keyfile
/// lowering, then extras in keyfile spelling that grecfg cannot spell for
/// nmcli are dropped with a warning.
pub fn lower(t: &Tunnel, opts: &WriteOptions) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
    // Extras already in nmcli spelling pass through the keyfile lowering,
    // which would drop them as foreign.
    let mut t = t.clone();
    let mut nmcli_extras = Vec::new();
    t.extras.retain(|e| {
        if e.format == EXTRA_FORMAT_NMCLI {
            nmcli_extras.push(e.clone());
            false
        } else {
            true
        }
    });
    let (mut lowered, mut w) = keyfile::lower(&t, opts)?;
    lowered.extras.retain(|e| {
        let Some((group, key)) = split_extra_key(&e.key) else {
            return false;
        };
        let setting = settings::setting_for_group(group);
        if settings::route_options_index(key).is_some() || extra_to_nmcli(setting, key, &e.value).is_some() {
            return true;
        }
        w.push(Problem::general(format!(
            "NetworkManager setting {}={} is not written: grecfg cannot spell it as an nmcli argument",
            e.key, e.value
        )));
        false
    });
    for e in nmcli_extras {
        let sign = if e.key.starts_with(['+', '-']) {
            &e.key[..1]
        } else {
            ""
        };
        let why = match resolve(&e.key[sign.len()..]) {
            Ok((s, p, _)) => match settings::owner_of_key(&s, &p) {
                None => {
                    lowered.extras.push(Extra {
                        format: EXTRA_FORMAT_NMCLI.into(),
                        key: format!("{sign}{s}.{p}"),
                        value: e.value,
                    });
                    continue;
                }
                Some(owner) => format!("grecfg writes it from {owner}"),
            },
            Err(e) => e,
        };
        w.push(Problem::general(format!(
            "nmcli property {} {} is not written: {why}",
            e.key, e.value
        )));
    }
    Ok((lowered, w))
}

/// A keyfile-spelled extra in nmcli spelling, if grecfg knows how.
fn extra_to_nmcli(setting: &str, name: &str, raw: &str) -> Option<String> {
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

/// An nmcli-spelled value in keyfile spelling, if grecfg knows how.
fn extra_to_keyfile(setting: &str, name: &str, text: &str) -> Option<Result<String, String>> {
    let spelling = extra_spelling(setting, name)?;
    Some(match spelling {
        Spelling::Plain => Ok(text.to_string()),
        Spelling::Str => Ok(gkeyfile::escape(text)),
        Spelling::Bool => parse_bool(text).map(|b| b.to_string()),
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

fn route_nmcli(r: &NmRoute) -> String {
    let mut v = r.dest.to_string();
    if r.next_hop.is_some() || r.metric.is_some() {
        let gw = r.next_hop.map_or_else(
            || {
                if r.dest.addr().is_ipv6() {
                    "::".into()
                } else {
                    "0.0.0.0".into()
                }
            },
            |g| g.to_string(),
        );
        v.push(' ');
        v.push_str(&gw);
    }
    if let Some(m) = r.metric {
        v.push_str(&format!(" {m}"));
    }
    let o = format_route_options(&r.options, r.table);
    if !o.is_empty() {
        v.push(' ');
        v.push_str(&o.replace(',', " "));
    }
    v
}

/// The `nmcli connection add` arguments (after `add`) for a dictionary,
/// grouped by setting, in NetworkManager's order.
pub fn arguments(s: &Settings) -> Vec<Vec<String>> {
    let mut groups: Vec<Vec<String>> = Vec::new();
    for (setting, props) in s.ordered() {
        let mut g: Vec<String> = Vec::new();
        let mut kv = |k: &str, v: String| {
            g.push(k.to_string());
            g.push(v);
        };
        for (name, value) in props {
            let full = format!("{setting}.{name}");
            match (setting, name, value) {
                ("connection", "type", Value::Str(t)) => kv("type", t.clone()),
                ("connection", "id", Value::Str(v)) => kv("con-name", v.clone()),
                ("connection", "interface-name", Value::Str(v)) => kv("ifname", v.clone()),
                ("ip-tunnel", "mode", Value::U32(n)) => kv(
                    &full,
                    Mode::from_nm_number(*n).map_or_else(|| n.to_string(), |m| m.name().to_string()),
                ),
                (_, _, Value::Str(v)) => kv(&full, v.clone()),
                (_, _, Value::U32(v)) => kv(&full, v.to_string()),
                (_, _, Value::Bool(v)) => kv(&full, if *v { "yes" } else { "no" }.into()),
                (_, _, Value::Addresses(list)) => kv(
                    &full,
                    list.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", "),
                ),
                (_, _, Value::Routes(list)) => {
                    kv(&full, list.iter().map(route_nmcli).collect::<Vec<_>>().join(", "))
                }
                ("ipv6", "addr-gen-mode", Value::Opaque(v)) if v == "default" => {}
                (_, _, Value::Opaque(raw)) => {
                    if let Some(v) = extra_to_nmcli(setting, name, raw) {
                        kv(&full, v);
                    }
                }
            }
        }
        if !g.is_empty() {
            groups.push(g);
        }
    }
    groups
}

/// The command creating a lowered tunnel's profile, shell-quoted, one
/// setting per continuation line.
pub fn command_line(t: &Tunnel) -> String {
    let s = settings::from_tunnel(t);
    let mut groups = arguments(&s);
    let extra: Vec<String> = t
        .extras
        .iter()
        .filter(|e| e.format == EXTRA_FORMAT_NMCLI)
        .flat_map(|e| [e.key.clone(), e.value.clone()])
        .collect();
    if !extra.is_empty() {
        groups.push(extra);
    }
    // `type ip-tunnel` first: nmcli needs the type to resolve aliases.
    if let Some(i) = groups
        .first()
        .and_then(|g| g.chunks(2).position(|kv| kv[0] == "type"))
    {
        let ty: Vec<String> = groups[0].drain(i * 2..i * 2 + 2).collect();
        groups[0].splice(0..0, ty);
    }
    // A shell word cannot hold NUL, and neither can a NetworkManager string.
    let quote = |w: &String| sh_quote(&w.replace('\0', "")).unwrap_or_default();
    let lines: Vec<String> = groups
        .iter()
        .map(|g| {
            g.chunks(2)
                .map(|kv| format!("{} {}", quote(&kv[0]), quote(&kv[1])))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    format!("nmcli connection add {}\n", lines.join(" \\\n    "))
}

pub fn encode(t: &Tunnel) -> Vec<OutputFile> {
    vec![OutputFile {
        name: format!("{}.nmcli", t.name),
        contents: command_line(t),
        mode: 0o644,
    }]
}

// ----- reading -------------------------------------------------------------

/// One argument of a command: its text after shell quote removal and
/// where it was written.
#[derive(Debug, Clone)]
pub struct Word {
    pub text: String,
    pub offset: usize,
    pub len: usize,
}

/// A message about a span of the input.
#[derive(Debug, Clone)]
pub struct Message {
    pub severity: Severity,
    pub offset: usize,
    pub len: usize,
    pub message: String,
    pub hint: Option<String>,
}

/// A span of the input: (offset, length).
pub type Span = (usize, usize);

/// A profile the commands create.
#[derive(Debug, Clone)]
pub struct Profile {
    pub settings: Settings,
    /// Where each property was set: (setting, property) → the value word.
    pub locations: BTreeMap<(String, String), Span>,
    /// Properties kept in nmcli spelling, with where they were set.
    pub extras: Vec<(Extra, Span)>,
    /// The `connection add` command.
    pub whole: Span,
    pub deleted: bool,
    /// `ipv4.method`/`ipv6.method` given explicitly.
    explicit_method: [bool; 2],
}

impl Profile {
    pub fn is_tunnel(&self) -> bool {
        matches!(self.settings.get("connection", "type"), Some(Value::Str(t)) if t == "ip-tunnel")
    }

    pub fn id(&self) -> Option<&str> {
        match self.settings.get("connection", "id") {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        }
    }

    fn uuid(&self) -> Option<&str> {
        match self.settings.get("connection", "uuid") {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        }
    }

    pub fn interface_name(&self) -> Option<&str> {
        match self.settings.get("connection", "interface-name") {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        }
    }
}

/// What a command did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A profile was created (its index).
    Added(usize),
    /// A profile was changed.
    Modified(usize),
    /// A profile was deleted.
    Deleted(usize),
    /// Nothing that concerns a profile (a note says why).
    Ignored,
    /// The command is wrong (errors say why).
    Failed,
}

/// The profiles nmcli commands create, in order.
#[derive(Debug, Clone, Default)]
pub struct Nmcli {
    pub profiles: Vec<Profile>,
}

/// nmcli's `matches`: `word` is a non-empty prefix of `full`.
fn matches(word: &str, full: &str) -> bool {
    !word.is_empty() && full.starts_with(word)
}

/// nmcli's boolean words (`nmc_string_to_bool`), case-insensitive.
fn parse_bool(text: &str) -> Result<bool, String> {
    let l = text.to_ascii_lowercase();
    if l == "1"
        || (!l.is_empty()
            && ["true", "yes", "on"]
                .iter()
                .any(|w| w.starts_with(&l) && !"off".starts_with(&l)))
    {
        return Ok(true);
    }
    if l == "0"
        || (!l.is_empty()
            && ["false", "no", "off"]
                .iter()
                .any(|w| w.starts_with(&l) && l != "o"))
    {
        return Ok(false);
    }
    Err(format!("'{text}' is not a valid boolean value"))
}

fn parse_u32(text: &str, max: u32) -> Result<u32, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("'{text}' is not a valid number"));
    }
    match text.parse::<u64>() {
        Ok(v) if v <= u64::from(max) => Ok(v as u32),
        _ => Err(format!("'{text}' is out of range [0, {max}]")),
    }
}

const FLAG_NAMES: [(&str, u32); 6] = [
    ("ip6-ign-encap-limit", 0x1),
    ("ip6-use-orig-tclass", 0x2),
    ("ip6-use-orig-flowlabel", 0x4),
    ("ip6-mip6-dev", 0x8),
    ("ip6-rcv-dscp-copy", 0x10),
    ("ip6-use-orig-fwmark", 0x20),
];

fn parse_flags(text: &str) -> Result<u32, String> {
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return u32::from_str_radix(hex, 16).map_err(|_| format!("'{text}' is not a valid number"));
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return parse_u32(text, u32::MAX);
    }
    let mut v = 0;
    for part in text.split([',', ' ', '\t']).filter(|p| !p.is_empty()) {
        match FLAG_NAMES.iter().find(|(n, _)| *n == part) {
            Some((_, b)) => v |= b,
            None => {
                let names: Vec<&str> = FLAG_NAMES.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "invalid option '{part}', use one of [{}]",
                    names.join(",")
                ));
            }
        }
    }
    Ok(v)
}

fn parse_mode(text: &str) -> Result<u32, String> {
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

fn parse_ip(text: &str, v6: bool) -> Result<IpAddr, String> {
    match text.parse::<IpAddr>() {
        Ok(a) if a.is_ipv6() == v6 => Ok(a),
        _ => Err(format!("invalid IP address: '{text}'")),
    }
}

fn parse_net(text: &str, v6: bool) -> Result<IpNet, String> {
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

/// nmcli splits lists at `,`; `\,` is a literal comma.
fn split_list(text: &str) -> Vec<String> {
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

fn parse_addresses(text: &str, v6: bool) -> Result<Vec<IpNet>, String> {
    split_list(text).iter().map(|a| parse_net(a, v6)).collect()
}

/// `DEST[/PREFIX] [NEXT_HOP] [METRIC] [ATTR=VALUE ...]`
fn parse_route(text: &str, v6: bool) -> Result<NmRoute, String> {
    let mut words = text.split_whitespace().peekable();
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
            if k == "table" {
                r.table = Some(parse_u32(v, u32::MAX)?);
            } else if k.is_empty() || v.is_empty() {
                return Err(format!("invalid route attribute '{w}'"));
            } else {
                r.options.insert(k.to_string(), v.to_string());
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

fn parse_routes(text: &str, v6: bool) -> Result<Vec<NmRoute>, String> {
    split_list(text).iter().map(|r| parse_route(r, v6)).collect()
}

/// The typed value of a property grecfg maps, in nmcli spelling.
fn parse_value(setting: &str, name: &str, kind: Kind, text: &str) -> Result<Value, String> {
    let v6 = setting == "ipv6";
    Ok(match kind {
        Kind::Str | Kind::DecimalStr => Value::Str(text.to_string()),
        Kind::U32(_) if name == "mode" => Value::U32(parse_mode(text)?),
        Kind::U32(_) if name == "flags" => Value::U32(parse_flags(text)?),
        Kind::U32(max) => Value::U32(parse_u32(text, max)?),
        Kind::Bool => Value::Bool(parse_bool(text)?),
        Kind::Addresses => Value::Addresses(parse_addresses(text, v6)?),
        Kind::Routes => Value::Routes(parse_routes(text, v6)?),
    })
}

/// How a `setting.property` argument changes the value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    Set,
    Append,
    Remove,
}

/// The `connection add` aliases of an ip-tunnel profile.
fn alias(word: &str) -> Option<&'static str> {
    Some(match word {
        "con-name" => "connection.id",
        "ifname" => "connection.interface-name",
        "autoconnect" => "connection.autoconnect",
        "mode" => "ip-tunnel.mode",
        "remote" => "ip-tunnel.remote",
        "local" => "ip-tunnel.local",
        "dev" => "ip-tunnel.parent",
        "ip4" => "ipv4.addresses",
        "gw4" => "ipv4.gateway",
        "ip6" => "ipv6.addresses",
        "gw6" => "ipv6.gateway",
        _ => return None,
    })
}

/// nmcli global options that take a value.
const OPTIONS_WITH_VALUE: [&str; 8] = ["-m", "--mode", "-f", "--fields", "-e", "--escape", "-w", "--wait"];

impl Nmcli {
    /// The live profile a `connection modify|delete` argument names:
    /// `id X`, `uuid X` or a bare id/uuid.
    fn find(&self, kind: Option<&str>, key: &str) -> Option<usize> {
        self.profiles.iter().rposition(|p| {
            !p.deleted
                && match kind {
                    Some("uuid") => p.uuid() == Some(key),
                    Some("id") => p.id() == Some(key),
                    _ => p.id() == Some(key) || p.uuid() == Some(key),
                }
        })
    }

    /// Apply one nmcli command. `words[0]` is the program name;
    /// `whole` is the command's span.
    pub fn command(&mut self, words: &[Word], whole: Span, msgs: &mut Vec<Message>) -> Outcome {
        let mut m = Msgs { out: msgs, whole };
        let mut i = 1;
        while i < words.len() && words[i].text.starts_with('-') {
            if OPTIONS_WITH_VALUE.contains(&words[i].text.as_str()) {
                i += 1;
            }
            i += 1;
        }
        let Some(object) = words.get(i) else {
            m.note_whole("`nmcli` without a command only prints the status; ignored");
            return Outcome::Ignored;
        };
        const OBJECTS: [&str; 7] = [
            "general",
            "networking",
            "radio",
            "connection",
            "device",
            "agent",
            "monitor",
        ];
        let Some(obj) = OBJECTS.iter().find(|o| matches(&object.text, o)) else {
            m.error(
                object,
                format!("`nmcli {}`: no such object", object.text),
                Some("the objects are connection, device, general, networking, radio, agent, monitor"),
            );
            return Outcome::Failed;
        };
        if *obj != "connection" {
            m.note_whole(&format!("`nmcli {obj}` does not configure a profile; ignored"));
            return Outcome::Ignored;
        }
        let Some(verb) = words.get(i + 1) else {
            m.note_whole("`nmcli connection` only lists profiles; ignored");
            return Outcome::Ignored;
        };
        const VERBS: [&str; 14] = [
            "show", "up", "down", "add", "modify", "clone", "edit", "delete", "monitor", "reload", "load",
            "import", "export", "migrate",
        ];
        let rest = &words[i + 2..];
        match VERBS.iter().find(|v| matches(&verb.text, v)) {
            Some(&"add") => {
                // Findings about the whole profile point at `nmcli ... add`.
                let head = (words[0].offset, verb.offset + verb.len - words[0].offset);
                self.add(rest, head, &mut m)
            }
            Some(&"modify") => self.modify(rest, &mut m),
            Some(&"delete") => self.delete(rest, &mut m),
            Some(v) => {
                m.note_whole(&format!(
                    "`nmcli connection {v}` does not change a profile's settings; ignored"
                ));
                Outcome::Ignored
            }
            None => {
                m.error(
                    verb,
                    format!("`nmcli connection {}`: no such command", verb.text),
                    None,
                );
                Outcome::Failed
            }
        }
    }

    fn add(&mut self, args: &[Word], head: Span, m: &mut Msgs) -> Outcome {
        // nmcli needs the type before it can resolve aliases.
        let ty = args
            .chunks(2)
            .find(|kv| kv[0].text == "type" || kv[0].text == "connection.type");
        let Some(ty) = ty.and_then(|kv| kv.get(1)) else {
            m.error_whole(
                "`nmcli connection add` needs `type ip-tunnel`",
                Some("add `type ip-tunnel`"),
            );
            return Outcome::Failed;
        };
        let mut p = Profile {
            settings: Settings::default(),
            locations: BTreeMap::new(),
            extras: Vec::new(),
            whole: head,
            deleted: false,
            explicit_method: [false, false],
        };
        if !matches(&ty.text, "ip-tunnel") {
            p.settings.set("connection", "type", Value::Str(ty.text.clone()));
            self.set_id_from(args, &mut p);
            m.note_whole(&format!(
                "`nmcli connection add type {}` is not a tunnel; ignored",
                ty.text
            ));
            self.profiles.push(p);
            return Outcome::Ignored;
        }
        p.settings
            .set("connection", "type", Value::Str("ip-tunnel".into()));
        p.locations
            .insert(("connection".into(), "type".into()), (ty.offset, ty.len));
        for s in ["ipv4", "ipv6"] {
            p.settings.set(s, "method", Value::Str("auto".into()));
        }
        p.settings
            .set("ipv6", "addr-gen-mode", Value::Opaque("default".into()));
        p.settings.settings.entry("proxy".into()).or_default();
        let ok = apply(&mut p, args, true, m);
        if p.id().is_none() {
            let id = match p.interface_name() {
                Some(n) => format!("ip-tunnel-{n}"),
                None => "ip-tunnel".into(),
            };
            p.settings.set("connection", "id", Value::Str(id));
        }
        if !ok {
            return Outcome::Failed;
        }
        self.profiles.push(p);
        Outcome::Added(self.profiles.len() - 1)
    }

    fn set_id_from(&self, args: &[Word], p: &mut Profile) {
        for kv in args.chunks(2) {
            if let [k, v] = kv {
                if k.text == "con-name" || k.text == "connection.id" {
                    p.settings.set("connection", "id", Value::Str(v.text.clone()));
                }
            }
        }
    }

    /// `id X`, `uuid X`, `path X` or `X`: the profile and the rest.
    fn target<'w>(
        &self,
        args: &'w [Word],
        m: &mut Msgs,
        verb: &str,
    ) -> Option<(Option<usize>, &'w Word, &'w [Word])> {
        let (kind, i) = match args.first().map(|w| w.text.as_str()) {
            Some("id") => (Some("id"), 1),
            Some("uuid") => (Some("uuid"), 1),
            Some("path") => (Some("path"), 1),
            _ => (None, 0),
        };
        let Some(name) = args.get(i) else {
            m.error_whole(
                &format!("`nmcli connection {verb}` needs the profile's name"),
                None,
            );
            return None;
        };
        Some((self.find(kind, &name.text), name, &args[i + 1..]))
    }

    fn modify(&mut self, args: &[Word], m: &mut Msgs) -> Outcome {
        let mut args = args;
        while args.first().is_some_and(|a| a.text == "--temporary") {
            args = &args[1..];
        }
        let Some((idx, name, rest)) = self.target(args, m, "modify") else {
            return Outcome::Failed;
        };
        let Some(idx) = idx else {
            m.note_whole(&format!(
                "modifies {}, which this file does not create; ignored",
                name.text
            ));
            return Outcome::Ignored;
        };
        if !self.profiles[idx].is_tunnel() {
            m.note_whole(&format!("modifies {}, which is not a tunnel; ignored", name.text));
            return Outcome::Ignored;
        }
        let mut p = self.profiles[idx].clone();
        if rest.is_empty() {
            m.error_whole("`nmcli connection modify` needs properties to change", None);
            return Outcome::Failed;
        }
        if !apply(&mut p, rest, false, m) {
            return Outcome::Failed;
        }
        self.profiles[idx] = p;
        Outcome::Modified(idx)
    }

    fn delete(&mut self, args: &[Word], m: &mut Msgs) -> Outcome {
        let Some((idx, name, _)) = self.target(args, m, "delete") else {
            return Outcome::Failed;
        };
        match idx {
            Some(i) => {
                self.profiles[i].deleted = true;
                if self.profiles[i].is_tunnel() {
                    Outcome::Deleted(i)
                } else {
                    Outcome::Ignored
                }
            }
            None => {
                m.note_whole(&format!(
                    "deletes {}, which this file does not create; ignored",
                    name.text
                ));
                Outcome::Ignored
            }
        }
    }
}

struct Msgs<'a> {
    out: &'a mut Vec<Message>,
    whole: Span,
}

impl Msgs<'_> {
    fn push(&mut self, severity: Severity, span: Span, message: String, hint: Option<&str>) {
        self.out.push(Message {
            severity,
            offset: span.0,
            len: span.1,
            message,
            hint: hint.map(str::to_string),
        });
    }
    fn error(&mut self, w: &Word, message: String, hint: Option<&str>) {
        self.push(Severity::Error, (w.offset, w.len), message, hint);
    }
    fn warning(&mut self, w: &Word, message: String, hint: Option<&str>) {
        self.push(Severity::Warning, (w.offset, w.len), message, hint);
    }
    fn error_whole(&mut self, message: &str, hint: Option<&str>) {
        self.push(Severity::Error, self.whole, message.to_string(), hint);
    }
    fn note_whole(&mut self, message: &str) {
        self.push(Severity::Note, self.whole, message.to_string(), None);
    }
}

/// Apply `NAME VALUE` pairs to a profile. `false` when an error was reported.
fn apply(p: &mut Profile, args: &[Word], adding: bool, m: &mut Msgs) -> bool {
    let mut ok = true;
    let mut i = 0;
    // Before `type`, nmcli knows only the settings every profile has.
    let mut before_type = adding;
    while i < args.len() {
        let key = &args[i];
        let Some(value) = args.get(i + 1) else {
            m.error(
                key,
                format!("`{}` needs a value", key.text),
                Some("nmcli takes NAME VALUE pairs"),
            );
            return false;
        };
        i += 2;
        if key.text == "type" || key.text == "connection.type" {
            before_type = false;
        }
        if !apply_one(p, key, value, adding, before_type, m) {
            ok = false;
        }
    }
    ok
}

fn apply_one(
    p: &mut Profile,
    key: &Word,
    value: &Word,
    adding: bool,
    before_type: bool,
    m: &mut Msgs,
) -> bool {
    let (change, name) = match key.text.as_bytes().first() {
        Some(b'+') => (Change::Append, &key.text[1..]),
        Some(b'-') => (Change::Remove, &key.text[1..]),
        _ => (Change::Set, key.text.as_str()),
    };
    if adding && change == Change::Set {
        match name {
            "type" => return true,
            "save" => {
                if parse_bool(&value.text) == Ok(false) {
                    m.warning(
                        value,
                        "`save no` makes a profile that is lost at reboot; it is read as a saved one".into(),
                        None,
                    );
                }
                return true;
            }
            "--" => return true,
            _ => {}
        }
    }
    let alias_of = if adding { alias(name) } else { None };
    let full = alias_of.unwrap_or(name);
    let (setting, prop, known) = match resolve(full) {
        Ok(r) => r,
        Err(e) => {
            let hint = (!full.contains('.'))
                .then_some("properties are written setting.property (ipv4.addresses); the aliases are con-name, ifname, autoconnect, mode, remote, local, dev, ip4, gw4, ip6, gw6");
            m.error(key, e, hint);
            return false;
        }
    };
    const GENERIC: [&str; 7] = ["connection", "match", "ipv4", "ipv6", "hostname", "tc", "proxy"];
    if before_type && !GENERIC.contains(&setting.as_str()) {
        m.warning(
            key,
            format!(
                "nmcli rejects `{}` before `type ip-tunnel`; read as meant",
                key.text
            ),
            Some("nmcli would fail here; move `type ip-tunnel` to the front of the arguments"),
        );
    }
    let loc = (value.offset, value.len);
    if alias_of == Some("ipv4.addresses") || alias_of == Some("ipv6.addresses") {
        let fam = usize::from(setting == "ipv6");
        if !p.explicit_method[fam] {
            p.settings.set(&setting, "method", Value::Str("manual".into()));
        }
    }
    if prop == "method" {
        p.explicit_method[usize::from(setting == "ipv6")] = true;
    }
    if setting == "connection" && prop == "type" {
        if !matches(&value.text, "ip-tunnel") {
            m.error(
                value,
                format!("the type of a profile cannot change to {}", value.text),
                None,
            );
            return false;
        }
        return true;
    }
    let bad = |m: &mut Msgs, e: String| {
        m.error(value, format!("failed to modify {setting}.{prop}: {e}"), None);
        false
    };
    // `ip4`/`ip6` add to the addresses.
    let change = if change == Change::Set && alias_of.is_some_and(|a| a.ends_with(".addresses")) {
        Change::Append
    } else {
        change
    };
    // Properties grecfg maps to model fields.
    if let Some(pr) = property(&setting, &prop) {
        let list = matches!(pr.kind, Kind::Addresses | Kind::Routes);
        // `-prop ''` resets a single value, `-prop N` removes item N of a list.
        if change == Change::Remove && !list {
            return remove_single(p, &setting, &prop, key, value, m);
        }
        if change == Change::Remove
            && !value.text.is_empty()
            && value.text.bytes().all(|b| b.is_ascii_digit())
        {
            let i: usize = value.text.parse().unwrap_or(usize::MAX);
            let removed = match p
                .settings
                .settings
                .get_mut(&setting)
                .and_then(|s| s.get_mut(&prop))
            {
                Some(Value::Addresses(a)) if i < a.len() => {
                    a.remove(i);
                    true
                }
                Some(Value::Routes(r)) if i < r.len() => {
                    r.remove(i);
                    true
                }
                _ => false,
            };
            if !removed {
                return bad(m, format!("index {i} is out of range"));
            }
            return true;
        }
        if value.text.is_empty() && change == Change::Set {
            p.settings.settings.get_mut(&setting).map(|s| s.remove(&prop));
            p.locations.insert((setting.clone(), prop.clone()), loc);
            return true;
        }
        let parsed = match parse_value(&setting, &prop, pr.kind, &value.text) {
            Ok(v) => v,
            Err(e) => return bad(m, e),
        };
        let old = p.settings.get(&setting, &prop).cloned();
        let new = match (change, old, parsed) {
            (Change::Set, _, v) => v,
            (Change::Append, Some(Value::Addresses(mut a)), Value::Addresses(b)) => {
                a.extend(b.into_iter().filter(|x| !a.contains(x)).collect::<Vec<_>>());
                Value::Addresses(a)
            }
            (Change::Append, Some(Value::Routes(mut a)), Value::Routes(b)) => {
                a.extend(b.into_iter().filter(|x| !a.contains(x)).collect::<Vec<_>>());
                Value::Routes(a)
            }
            (Change::Append, None, v @ (Value::Addresses(_) | Value::Routes(_))) => v,
            (Change::Remove, Some(Value::Addresses(mut a)), Value::Addresses(b)) => {
                a.retain(|x| !b.contains(x));
                Value::Addresses(a)
            }
            (Change::Remove, Some(Value::Routes(mut a)), Value::Routes(b)) => {
                a.retain(|x| !b.contains(x));
                Value::Routes(a)
            }
            (Change::Remove, None, Value::Addresses(_)) => Value::Addresses(Vec::new()),
            (Change::Remove, None, Value::Routes(_)) => Value::Routes(Vec::new()),
            (_, _, v) => v,
        };
        p.settings.set(&setting, &prop, new);
        p.locations.insert((setting.clone(), prop.clone()), loc);
        return true;
    }
    // Properties grecfg translates into keyfile spelling.
    if let Some(res) = extra_to_keyfile(&setting, &prop, &value.text) {
        let raw = match res {
            Ok(r) => r,
            Err(e) => return bad(m, e),
        };
        let (s, pr) = (setting.as_str(), prop.as_str());
        if pr == "dns" {
            if let Some(bad_ip) = value
                .text
                .split([',', ' ', '\t'])
                .find(|i| !i.is_empty() && parse_ip(i, s == "ipv6").is_err())
            {
                return bad(m, format!("invalid IP address: '{bad_ip}'"));
            }
        }
        if (pr == "gateway") && parse_ip(&value.text, s == "ipv6").is_err() && !value.text.is_empty() {
            return bad(m, format!("invalid IP address: '{}'", value.text));
        }
        let old = match p.settings.get(s, pr) {
            Some(Value::Opaque(o)) => o.clone(),
            _ => String::new(),
        };
        let list = extra_spelling(s, pr) == Some(Spelling::List);
        let new = match change {
            Change::Append if list => old + &raw,
            Change::Remove if list => {
                let gone: Vec<&str> = raw.split(';').collect();
                old.split(';')
                    .filter(|i| !i.is_empty() && !gone.contains(i))
                    .map(|i| format!("{i};"))
                    .collect()
            }
            Change::Remove => return remove_single(p, &setting, &prop, key, value, m),
            _ => raw,
        };
        if new.is_empty() {
            p.settings.settings.get_mut(s).map(|x| x.remove(pr));
        } else {
            p.settings.set(s, pr, Value::Opaque(new));
        }
        p.locations.insert((setting.clone(), prop.clone()), loc);
        return true;
    }
    // Anything else is kept in nmcli's spelling.
    let key_name = format!("{setting}.{prop}");
    let msg = if known {
        format!(
            "{key_name} {} is kept as an nmcli extra: grecfg does not interpret it",
            value.text
        )
    } else {
        format!(
            "{key_name} is not a property NetworkManager 1.42 knows; {} is kept as an nmcli extra",
            value.text
        )
    };
    // A note for properties NetworkManager knows: the target's lowering
    // warns when it does not carry the extra over.
    let severity = if known { Severity::Note } else { Severity::Warning };
    m.push(
        severity,
        (key.offset, key.len),
        msg,
        Some("other formats do not carry it; `--to nmcli` writes it back"),
    );
    let spelled = match change {
        Change::Set => key_name.clone(),
        Change::Append => format!("+{key_name}"),
        Change::Remove => format!("-{key_name}"),
    };
    if change == Change::Set {
        p.extras.retain(|(e, _)| e.key != key_name);
    }
    p.extras.push((
        Extra {
            format: EXTRA_FORMAT_NMCLI.into(),
            key: spelled,
            value: value.text.clone(),
        },
        (key.offset, value.offset + value.len - key.offset),
    ));
    true
}

/// `-prop VALUE` on a property with one value: nmcli resets it when VALUE
/// is empty and changes nothing otherwise.
fn remove_single(p: &mut Profile, setting: &str, prop: &str, key: &Word, value: &Word, m: &mut Msgs) -> bool {
    if value.text.is_empty() {
        p.settings.settings.get_mut(setting).map(|s| s.remove(prop));
        p.locations
            .insert((setting.to_string(), prop.to_string()), (value.offset, value.len));
    } else {
        m.warning(
            key,
            format!(
                "`{} {}` changes nothing: {setting}.{prop} is not a list",
                key.text, value.text
            ),
            Some("nmcli resets a single value with an empty one (`-prop ''`) and ignores anything else"),
        );
    }
    true
}

/// Where each model field of a profile's tunnel came from, and what the
/// conversion noticed (as messages at the words that set the property).
pub struct Converted {
    pub tunnel: Option<Tunnel>,
    pub fields: Vec<(String, Span)>,
    pub messages: Vec<Message>,
}

/// The tunnel a profile describes (`settings::to_tunnel`), with its nmcli
/// extras appended.
pub fn convert(p: &Profile) -> Converted {
    let (tunnel, findings, sources) = settings::to_tunnel(&p.settings);
    let loc = |s: &str, pr: &str| {
        p.locations
            .get(&(s.to_string(), pr.to_string()))
            .copied()
            .unwrap_or(p.whole)
    };
    let messages = findings
        .iter()
        .map(|f| {
            let (offset, len) = loc(&f.setting, &f.property);
            let implicit = !p.locations.contains_key(&(f.setting.clone(), f.property.clone()));
            let message = if f.property == "method" && implicit {
                format!("{}.method is not given, so nmcli makes it auto", f.setting)
            } else {
                f.message.clone()
            };
            Message {
                severity: if f.error {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                offset,
                len,
                message,
                hint: f.hint.clone(),
            }
        })
        .collect();
    let mut fields: Vec<(String, Span)> = sources
        .iter()
        .map(|(f, (s, pr, _))| (f.clone(), loc(s, pr)))
        .collect();
    let tunnel = tunnel.map(|mut t| {
        for (e, span) in &p.extras {
            fields.push((format!("extras[{}]", t.extras.len()), *span));
            t.extras.push(e.clone());
        }
        t
    });
    Converted {
        tunnel,
        fields,
        messages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<Word> {
        let mut off = 0;
        s.split(' ')
            .map(|w| {
                let x = Word {
                    text: w.to_string(),
                    offset: off,
                    len: w.len(),
                };
                off += w.len() + 1;
                x
            })
            .collect()
    }

    fn run(cmds: &[&str]) -> (Nmcli, Vec<Message>) {
        let mut n = Nmcli::default();
        let mut msgs = Vec::new();
        for c in cmds {
            let w = words(c);
            n.command(&w, (0, c.len()), &mut msgs);
        }
        (n, msgs)
    }

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
    fn booleans_like_nmcli() {
        for t in ["yes", "y", "TRUE", "on", "1"] {
            assert_eq!(parse_bool(t), Ok(true), "{t}");
        }
        for f in ["no", "N", "false", "off", "0"] {
            assert_eq!(parse_bool(f), Ok(false), "{f}");
        }
        assert!(parse_bool("o").is_err());
        assert!(parse_bool("maybe").is_err());
    }

    #[test]
    fn add_modify_and_lists() {
        let (n, msgs) = run(&[
            "nmcli c a type ip-tunnel ifname t0 mode gre remote 192.0.2.2 ip4 10.0.0.1/30",
            "nmcli con mod ip-tunnel-t0 +ipv4.routes 10.9.0.0/16 +ipv4.addresses 10.0.1.1 -ipv4.addresses 10.0.0.1/30",
        ]);
        assert!(msgs.is_empty(), "{msgs:?}");
        let p = &n.profiles[0];
        assert_eq!(p.id(), Some("ip-tunnel-t0"));
        assert_eq!(
            p.settings.get("ipv4", "method"),
            Some(&Value::Str("manual".into()))
        );
        assert_eq!(
            p.settings.get("ipv4", "addresses"),
            Some(&Value::Addresses(vec!["10.0.1.1/32".parse().unwrap()]))
        );
        assert!(matches!(p.settings.get("ipv4", "routes"), Some(Value::Routes(r)) if r.len() == 1));
    }

    #[test]
    fn type_specific_names_before_type_are_read_with_a_warning() {
        let (n, msgs) = run(&["nmcli c a con-name x mode gre type ip-tunnel ifname t0 remote 192.0.2.2"]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert_eq!(msgs[0].severity, Severity::Warning);
        assert_eq!(msgs[0].offset, "nmcli c a con-name x ".len());
        assert_eq!(
            n.profiles[0].settings.get("ip-tunnel", "mode"),
            Some(&Value::U32(2))
        );
    }

    #[test]
    fn minus_resets_single_values_only_when_empty() {
        let (n, msgs) = run(&[
            "nmcli c a type ip-tunnel ifname t0 mode gre remote 192.0.2.2 ip-tunnel.ttl 64 ip-tunnel.tos 4",
            "nmcli c m ip-tunnel-t0 -ip-tunnel.ttl 3",
        ]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert_eq!(
            n.profiles[0].settings.get("ip-tunnel", "ttl"),
            Some(&Value::U32(64))
        );
        let mut n = n;
        let mut msgs = Vec::new();
        let w = vec![
            Word {
                text: "nmcli".into(),
                offset: 0,
                len: 5,
            },
            Word {
                text: "c".into(),
                offset: 6,
                len: 1,
            },
            Word {
                text: "m".into(),
                offset: 8,
                len: 1,
            },
            Word {
                text: "ip-tunnel-t0".into(),
                offset: 10,
                len: 12,
            },
            Word {
                text: "-ip-tunnel.tos".into(),
                offset: 23,
                len: 14,
            },
            Word {
                text: String::new(),
                offset: 38,
                len: 2,
            },
        ];
        assert_eq!(n.command(&w, (0, 40), &mut msgs), Outcome::Modified(0));
        assert!(msgs.is_empty(), "{msgs:?}");
        assert_eq!(n.profiles[0].settings.get("ip-tunnel", "tos"), None);
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
    fn bad_values_are_errors_at_the_value() {
        let (_, msgs) = run(&["nmcli connection add type ip-tunnel ifname t0 mode GRE remote 192.0.2.2"]);
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].severity, Severity::Error);
        assert_eq!(
            msgs[0].offset,
            "nmcli connection add type ip-tunnel ifname t0 mode ".len()
        );
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
