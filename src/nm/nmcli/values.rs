//! What nmcli accepts as a property's value, property by property, as
//! NetworkManager's nmcli parses it (`src/libnmc-setting/nm-meta-setting-desc.c`,
//! the setters `_set_fcn_gobject_*`, with the ranges of libnm-core's
//! GParamSpecs): booleans and ternaries in nmcli's words, integers with
//! their range and named values, GEnum nicks or numbers, fixed lists of
//! strings matched by unique prefix. A value is given back in a canonical
//! spelling (the full name, a decimal number) that grecfg stores.

use crate::model::Mode;

use super::verify;

/// The names of `ip-tunnel.flags` (`NMIPTunnelFlags`).
pub(crate) const FLAG_NAMES: [(&str, u32); 7] = [
    ("none", 0),
    ("ip6-ign-encap-limit", 0x1),
    ("ip6-use-orig-tclass", 0x2),
    ("ip6-use-orig-flowlabel", 0x4),
    ("ip6-mip6-dev", 0x8),
    ("ip6-rcv-dscp-copy", 0x10),
    ("ip6-use-orig-fwmark", 0x20),
];

/// How nmcli reads one property's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// Any text (or checked where the value is interpreted).
    Text,
    /// `nmc_string_to_bool`.
    Bool,
    /// `nmc_string_to_ternary`: a boolean, `unknown`/`default`, or -1..1.
    Ternary,
    /// `_set_fcn_gobject_int`: an integer in the GParamSpec's range, in
    /// `base`, or one of the named values.
    Int {
        min: i64,
        max: i64,
        base: u32,
        nicks: &'static [(&'static str, i64)],
    },
    /// `_set_fcn_gobject_mtu`: `auto` or 0..4294967295.
    Mtu,
    /// `_set_fcn_gobject_enum` on a GEnum: a nick or one of its numbers.
    Enum(&'static [(&'static str, i64)]),
    /// `ipv4.method`/`ipv6.method` (`_set_fcn_ip_config_method`): one of
    /// the names or a unique prefix, `static` for manual.
    Method(&'static [&'static str]),
    /// `connection.metered` (`_set_fcn_connection_metered`): a ternary
    /// spelled yes, no or unknown.
    Metered,
    /// `connection.permissions`: user names ([`verify::permissions`]).
    Permissions,
    /// `_set_fcn_gobject_string` with `values_static`: one of the words
    /// (`nmc_string_is_valid`: any case, or a unique prefix), stored as it
    /// is listed.
    OneOf(&'static [&'static str]),
    /// `_set_fcn_gobject_enum` on GFlags: a number (decimal or 0x
    /// hexadecimal) or flag names separated by commas or blanks, stored as
    /// the number; or one of nmcli's own names for a value (`value_infos`),
    /// as the whole text.
    Flags(&'static [(&'static str, u32)], &'static [(&'static str, u32)]),
    /// `_set_fcn_ethtool`: an offload feature or pause setting (`toggle`:
    /// a ternary, `ignore` for the default) or a number to 4294967295.
    Ethtool { toggle: bool },
}

/// `NMDhcpHostnameFlags`, as nmcli lists them.
pub(crate) const DHCP_HOSTNAME_FLAGS: &[(&str, u32)] = &[
    ("none", 0),
    ("fqdn-serv-update", 0x1),
    ("fqdn-encoded", 0x2),
    ("fqdn-no-update", 0x4),
    ("fqdn-clear-flags", 0x8),
];

/// `NMMptcpFlags`, as nmcli lists them.
pub(crate) const MPTCP_FLAGS: &[(&str, u32)] = &[
    ("none", 0),
    ("disabled", 0x1),
    ("enabled", 0x2),
    ("also-without-sysctl", 0x4),
    ("also-without-default-route", 0x8),
    ("signal", 0x10),
    ("subflow", 0x20),
    ("backup", 0x40),
    ("fullmesh", 0x80),
];

/// `NMSettingWiredWakeOnLan`, as nmcli lists them, and its own names of 0.
pub(crate) const WAKE_ON_LAN: &[(&str, u32)] = &[
    ("phy", 0x2),
    ("unicast", 0x4),
    ("multicast", 0x8),
    ("broadcast", 0x10),
    ("arp", 0x20),
    ("magic", 0x40),
    ("default", 0x1),
    ("ignore", 0x8000),
];
const WAKE_ON_LAN_OFF: &[(&str, u32)] = &[("none", 0), ("disable", 0), ("disabled", 0)];

const I32: (i64, i64) = (i32::MIN as i64, i32::MAX as i64);
const U32MAX: i64 = u32::MAX as i64;

const fn int(min: i64, max: i64) -> Check {
    Check::Int {
        min,
        max,
        base: 10,
        nicks: &[],
    }
}

const fn int_nicks(min: i64, max: i64, nicks: &'static [(&'static str, i64)]) -> Check {
    Check::Int {
        min,
        max,
        base: 10,
        nicks,
    }
}

/// `_ptd_gobject_int_timeout`.
const TIMEOUT: Check = int_nicks(0, I32.1, &[("default", 0), ("infinity", I32.1)]);
const RESOLVE: &[(&str, i64)] = &[("default", -1), ("no", 0), ("resolve", 1), ("yes", 2)];

const IPV4_METHODS: &[&str] = &["auto", "link-local", "manual", "shared", "disabled"];
const IPV6_METHODS: &[&str] = &[
    "ignore",
    "auto",
    "dhcp",
    "link-local",
    "manual",
    "shared",
    "disabled",
];

/// How nmcli reads `setting.name`; `Text` for what it takes as it is
/// (strings, lists grecfg checks where it reads them, and the properties
/// whose syntax grecfg does not know).
pub(crate) fn check_of(setting: &str, name: &str) -> Check {
    let ip = setting == "ipv4" || setting == "ipv6";
    match (setting, name) {
        ("connection", "autoconnect" | "read-only") => Check::Bool,
        ("connection", "autoconnect-priority") => int(-999, 999),
        ("connection", "autoconnect-retries") => int_nicks(-1, I32.1, &[("default", -1), ("forever", 0)]),
        ("connection", "multi-connect") => Check::Enum(&[
            ("default", 0),
            ("single", 1),
            ("manual-multiple", 2),
            ("multiple", 3),
        ]),
        ("connection", "auth-retries" | "wait-device-timeout" | "wait-activation-delay") => int(-1, I32.1),
        ("connection", "gateway-ping-timeout") => int(0, 600),
        ("connection", "metered") => Check::Metered,
        ("connection", "permissions") => Check::Permissions,
        ("connection", "lldp") => {
            Check::Enum(&[("default", -1), ("disable", 0), ("enable-rx", 1), ("enable", 1)])
        }
        ("connection", "mdns" | "llmnr") => Check::Enum(RESOLVE),
        ("connection", "dns-over-tls") => {
            Check::Enum(&[("default", -1), ("no", 0), ("opportunistic", 1), ("yes", 2)])
        }
        ("ip-tunnel", "ttl" | "tos" | "encapsulation-limit") => int(0, 255),
        ("ip-tunnel", "flow-label") => int(0, (1 << 20) - 1),
        ("ip-tunnel", "fwmark") => Check::Int {
            min: 0,
            max: U32MAX,
            base: 16,
            nicks: &[],
        },
        ("ip-tunnel" | "802-3-ethernet", "mtu") | ("ipv6", "mtu") => Check::Mtu,
        ("ip-tunnel", "path-mtu-discovery") => Check::Bool,
        ("802-3-ethernet", "speed") => int(0, U32MAX),
        ("802-3-ethernet", "auto-negotiate") => Check::Bool,
        ("hostname", "priority") => int(I32.0, I32.1),
        ("hostname", "from-dhcp" | "from-dns-lookup" | "only-from-default") => Check::Ternary,
        ("proxy", "method") => Check::Enum(&[("none", 0), ("auto", 1)]),
        (_, "dhcp-hostname-flags") if ip => Check::Flags(DHCP_HOSTNAME_FLAGS, &[]),
        ("connection", "mptcp-flags") => Check::Flags(MPTCP_FLAGS, &[("default", 0)]),
        ("connection", "slave-type") => {
            Check::OneOf(&["bond", "bridge", "ovs-bridge", "ovs-port", "team", "vrf"])
        }
        ("802-3-ethernet", "duplex") => Check::OneOf(&["half", "full"]),
        ("802-3-ethernet", "wake-on-lan") => Check::Flags(WAKE_ON_LAN, WAKE_ON_LAN_OFF),
        ("802-3-ethernet", "accept-all-mac-addresses") => Check::Ternary,
        ("802-3-ethernet", "s390-nettype") => Check::OneOf(&["qeth", "lcs", "ctc"]),
        ("proxy", "browser-only") => Check::Bool,
        ("ethtool", n) => Check::Ethtool {
            toggle: n.starts_with("feature-") || n.starts_with("pause-"),
        },
        ("ipv4", "method") => Check::Method(IPV4_METHODS),
        ("ipv6", "method") => Check::Method(IPV6_METHODS),
        ("ipv4", "link-local") => Check::Enum(&[
            ("default", 0),
            ("auto", 1),
            ("disabled", 2),
            ("enabled", 3),
            ("fallback", 4),
        ]),
        ("ipv6", "ip6-privacy") => Check::Enum(&[
            ("default", -1),
            ("unknown", -1),
            ("disabled", 0),
            ("enabled-prefer-public-addr", 1),
            ("enabled-prefer-temp-addr", 2),
        ]),
        ("ipv6", "addr-gen-mode") => Check::Enum(&[
            ("eui64", 0),
            ("stable-privacy", 1),
            ("default-or-eui64", 2),
            ("default", 3),
        ]),
        ("ipv6", "ra-timeout") => TIMEOUT,
        (_, "dns-priority") if ip => int(I32.0, I32.1),
        (_, "route-metric") if ip => int(-1, U32MAX),
        (_, "route-table") if ip => int_nicks(0, U32MAX, &[("unspec", 0), ("main", 254)]),
        (_, "replace-local-rule" | "auto-route-ext-gw") if ip => Check::Ternary,
        (
            _,
            "ignore-auto-routes" | "ignore-auto-dns" | "dhcp-send-hostname" | "never-default" | "may-fail",
        ) if ip => Check::Bool,
        (_, "dhcp-timeout") if ip => TIMEOUT,
        (_, "required-timeout") if ip => int_nicks(-1, I32.1, &[("default", -1), ("infinity", I32.1)]),
        (_, "dad-timeout") if ip => int_nicks(-1, 30000, &[("default", -1), ("off", 0)]),
        _ => Check::Text,
    }
}

/// The value in its canonical spelling, or nmcli's complaint.
pub(crate) fn check(setting: &str, name: &str, text: &str) -> Result<String, String> {
    match check_of(setting, name) {
        Check::Text => Ok(text.to_string()),
        Check::Bool => parse_bool(text).map(|b| if b { "yes" } else { "no" }.to_string()),
        Check::Ternary => parse_ternary(text).map(|t| ternary_name(t).to_string()),
        Check::Metered => parse_ternary(text).map(|t| {
            match t {
                Some(true) => "yes",
                Some(false) => "no",
                None => "unknown",
            }
            .to_string()
        }),
        Check::Int {
            min,
            max,
            base,
            nicks,
        } => parse_int(text, min, max, base, nicks).map(|v| v.to_string()),
        Check::Mtu => parse_mtu(text).map(|v| v.to_string()),
        Check::Enum(nicks) => parse_enum(text, nicks).map(str::to_string),
        Check::Method(names) => parse_method(text, names).map(str::to_string),
        Check::Permissions => verify::permissions(text).map(|()| text.to_string()),
        Check::OneOf(words) => string_is_valid(text, words).map(str::to_string),
        Check::Flags(names, nicks) => parse_flag_words(text, names, nicks).map(|v| v.to_string()),
        Check::Ethtool { toggle: true } => match parse_ternary_words(text, &["unknown", "default", "ignore"])
        {
            Ok(t) => Ok(match t {
                Some(true) => "on",
                Some(false) => "off",
                None => "ignore",
            }
            .into()),
            Err(_) => Err(format!("'{text}' is not valid; use 'on', 'off', or 'ignore'")),
        },
        Check::Ethtool { toggle: false } => ascii_int(text, 10, 0, U32MAX)
            .map(|v| v.to_string())
            .ok_or_else(|| format!("'{text}' is out of range [0, {U32MAX}]")),
    }
}

/// What nmcli accepts for `setting.name`, for a hint; `None` for text.
pub(crate) fn accepted(setting: &str, name: &str) -> Option<String> {
    match (setting, name) {
        ("ip-tunnel", "mode") => {
            let m: Vec<String> = Mode::ALL
                .iter()
                .map(|m| format!("{} ({})", m.name(), m.nm_number()))
                .collect();
            return Some(format!("nmcli accepts {} (the name or the number)", m.join(", ")));
        }
        ("ip-tunnel", "flags") => {
            let f: Vec<&str> = FLAG_NAMES.iter().map(|(n, _)| *n).collect();
            return Some(format!(
                "nmcli accepts a number, 0x and a hexadecimal one, or a combination of {}",
                f.join(", ")
            ));
        }
        _ => {}
    }
    Some(match check_of(setting, name) {
        Check::Text => return None,
        Check::Bool => "nmcli accepts yes, no, true, false, on, off (or a unique prefix), 1 or 0".into(),
        Check::Ternary => {
            "nmcli accepts yes, no, true, false, on, off (or a unique prefix), unknown or default, or -1, 0, 1"
                .into()
        }
        Check::Metered => "nmcli accepts yes, no, true, false, on, off (or a unique prefix) or unknown".into(),
        Check::Int {
            min,
            max,
            base,
            nicks,
        } => {
            let radix = if base == 16 { " in hexadecimal" } else { "" };
            let mut s = format!("nmcli accepts a number{radix} from {min} to {max}");
            if !nicks.is_empty() {
                let n: Vec<String> = nicks.iter().map(|(n, v)| format!("{n} ({v})")).collect();
                s.push_str(&format!(", or {}", n.join(", ")));
            }
            s
        }
        Check::Mtu => "nmcli accepts auto or a number from 0 to 4294967295".into(),
        Check::Enum(nicks) => {
            let n: Vec<String> = nicks.iter().map(|(n, v)| format!("{n} ({v})")).collect();
            format!("nmcli accepts {} (the name or the number)", n.join(", "))
        }
        Check::Method(names) => format!(
            "nmcli accepts {} (or a unique prefix), and static for manual",
            names.join(", ")
        ),
        Check::Permissions => {
            "nmcli accepts user names, each [user:]NAME without `:`, separated by commas or blanks".into()
        }
        Check::OneOf(words) => format!("nmcli accepts {} (or a unique prefix)", words.join(", ")),
        Check::Ethtool { toggle: true } => "nmcli accepts on, off or ignore (or yes, no, true, false)".into(),
        Check::Ethtool { toggle: false } => "nmcli accepts a number from 0 to 4294967295".into(),
        Check::Flags(names, _) => {
            let n: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
            format!("nmcli accepts a number or a combination of {}", n.join(", "))
        }
    })
}

/// `nm_str_skip_leading_spaces` and the trailing blanks nmcli allows.
fn strip(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b')
}

/// `nmc_string_is_valid`: `text` is one of `allowed` (case-insensitive)
/// or a prefix of exactly one.
pub(crate) fn string_is_valid<'a>(text: &str, allowed: &[&'a str]) -> Result<&'a str, String> {
    let lower = text.to_ascii_lowercase();
    if !lower.is_empty() {
        if let Some(exact) = allowed.iter().find(|a| **a == lower) {
            return Ok(exact);
        }
        let hits: Vec<&str> = allowed
            .iter()
            .copied()
            .filter(|a| a.starts_with(&lower))
            .collect();
        match hits.as_slice() {
            [one] => return Ok(one),
            [] => {}
            more => return Err(format!("'{text}' is ambiguous: {}", more.join(", "))),
        }
    }
    Err(format!("'{text}' not among [{}]", allowed.join(", ")))
}

/// GFlags as nmcli sets them (`_nm_utils_enum_from_str_full`): the
/// text split at blanks and commas, each word a number (decimal, or `0x`
/// and hexadecimal), one of nmcli's own `nicks` or one of `names`, all of
/// them together; else nmcli's complaint, which lists `names`.
pub(crate) fn parse_flag_words(
    text: &str,
    names: &[(&str, u32)],
    nicks: &[(&str, u32)],
) -> Result<u32, String> {
    let word = |w: &str| -> Option<u32> {
        let number = match w.strip_prefix("0x") {
            Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                u32::from_str_radix(hex, 16).ok()
            }
            _ if w.bytes().all(|b| b.is_ascii_digit()) => w.parse().ok(),
            _ => None,
        };
        number.or_else(|| nicks.iter().chain(names).find(|(n, _)| *n == w).map(|(_, v)| *v))
    };
    text.split([' ', '\t', ',', '\n', '\r'])
        .filter(|w| !w.is_empty())
        .try_fold(0, |v, w| word(w).map(|bit| v | bit))
        .ok_or_else(|| {
            let all: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
            format!(
                "invalid option '{text}', use a combination of [{}]",
                all.join(",")
            )
        })
}

/// nmcli's boolean words (`nmc_string_to_bool`).
pub(crate) fn parse_bool(text: &str) -> Result<bool, String> {
    let s = strip(text);
    if s == "o" {
        return Err(format!("'{s}' is ambiguous (on, off)"));
    }
    if string_is_valid(s, &["true", "yes", "on"]).is_ok() {
        return Ok(true);
    }
    if string_is_valid(s, &["false", "no", "off"]).is_ok() {
        return Ok(false);
    }
    match c_integer(s, 0) {
        Some(0) => Ok(false),
        Some(1) => Ok(true),
        _ => Err(format!(
            "'{s}' is not valid; use [true, yes, on] or [false, no, off]"
        )),
    }
}

/// `nmc_string_to_ternary`: `None` is the default.
fn parse_ternary(text: &str) -> Result<Option<bool>, String> {
    parse_ternary_words(text, &["unknown", "default"])
}

/// `nmc_string_to_ternary_full`, `default` being any of `defaults`.
fn parse_ternary_words(text: &str, defaults: &[&str]) -> Result<Option<bool>, String> {
    let s = strip(text);
    if s == "o" {
        return Err(format!("'{s}' is ambiguous (on, off)"));
    }
    if string_is_valid(s, &["true", "yes", "on"]).is_ok() {
        return Ok(Some(true));
    }
    if string_is_valid(s, &["false", "no", "off"]).is_ok() {
        return Ok(Some(false));
    }
    if string_is_valid(s, defaults).is_ok() {
        return Ok(None);
    }
    match c_integer(s, 0) {
        Some(-1) => Ok(None),
        Some(0) => Ok(Some(false)),
        Some(1) => Ok(Some(true)),
        _ => Err(format!(
            "'{s}' is not valid; use [true, yes, on], [false, no, off] or [unknown]"
        )),
    }
}

fn ternary_name(t: Option<bool>) -> &'static str {
    match t {
        Some(true) => "yes",
        Some(false) => "no",
        None => "default",
    }
}

/// `g_ascii_strtoll` on a whole (already stripped) string: an optional
/// sign, then digits of `base` (0: `0x` hexadecimal, `0` octal, else
/// decimal; 16 allows a `0x`). `None` when it is not a number or overflows.
fn c_integer(s: &str, base: u32) -> Option<i128> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let hex = rest
        .strip_prefix("0x")
        .or_else(|| rest.strip_prefix("0X"))
        .filter(|h| !h.is_empty());
    let (digits, radix) = match (base, hex) {
        (0 | 16, Some(h)) => (h, 16),
        (0, None) if rest.len() > 1 && rest.starts_with('0') => (&rest[1..], 8),
        (0, None) => (rest, 10),
        (b, _) => (rest, b),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i128::from_str_radix(digits, radix).ok()?;
    (v <= i128::from(u64::MAX)).then_some(if neg { -v } else { v })
}

/// `_nm_utils_ascii_str_to_int64(text, base, min, max, -1)`: blanks
/// around, then a number of `base` (`c_integer`) within min..=max.
pub(crate) fn ascii_int(text: &str, base: u32, min: i64, max: i64) -> Option<i64> {
    let v = c_integer(strip(text), base)?;
    (i128::from(min)..=i128::from(max))
        .contains(&v)
        .then_some(v as i64)
}

/// `_set_fcn_gobject_int`: a named value, else a number in range.
pub(crate) fn parse_int(
    text: &str,
    min: i64,
    max: i64,
    base: u32,
    nicks: &[(&str, i64)],
) -> Result<i64, String> {
    let s = strip(text);
    if let Some((_, v)) = nicks.iter().find(|(n, _)| *n == s) {
        return Ok(*v);
    }
    if s.is_empty() {
        return Err(format!("'{text}' is not a valid number"));
    }
    match c_integer(s, base) {
        None if s
            .trim_start_matches(['-', '+'])
            .chars()
            .all(|c| c.is_digit(base.max(10))) =>
        {
            Err(format!("'{text}' is out of range [{min}, {max}]"))
        }
        None => Err(format!("'{text}' is not a valid number")),
        // A negative number given to an unsigned property (min 0) wraps in
        // g_ascii_strtoull and is out of range there too.
        Some(v) if v < i128::from(min) || v > i128::from(max) => {
            Err(format!("'{text}' is out of range [{min}, {max}]"))
        }
        Some(v) => Ok(v as i64),
    }
}

/// `_set_fcn_gobject_mtu`.
pub(crate) fn parse_mtu(text: &str) -> Result<u32, String> {
    if text == "auto" {
        return Ok(0);
    }
    match c_integer(strip(text), 10) {
        Some(v) if (0..=i128::from(u32::MAX)).contains(&v) => Ok(v as u32),
        _ => Err(format!("'{text}' is out of range [0, {}]", u32::MAX)),
    }
}

/// `_nm_utils_enum_from_str_full` on a GEnum: a number (decimal or
/// `0x`) or a nick, exactly; the nick of the value is returned.
fn parse_enum(text: &str, nicks: &'static [(&'static str, i64)]) -> Result<&'static str, String> {
    let s = strip(text);
    let by_number = || {
        let v = c_integer(s, if s.contains(['x', 'X']) { 16 } else { 10 })?;
        nicks.iter().find(|(_, n)| i128::from(*n) == v)
    };
    match nicks.iter().find(|(n, _)| *n == s).or_else(by_number) {
        // The first nick of the value is its name.
        Some((_, v)) => Ok(nicks.iter().find(|(_, n)| n == v).expect("listed").0),
        None => {
            let mut names: Vec<&str> = Vec::new();
            for (n, v) in nicks {
                if !names.iter().any(|m| nicks.iter().any(|(k, w)| k == m && w == v)) {
                    names.push(n);
                }
            }
            Err(format!("invalid option '{s}', use one of [{}]", names.join(",")))
        }
    }
}

/// `_set_fcn_ip_config_method`.
fn parse_method(text: &str, names: &'static [&'static str]) -> Result<&'static str, String> {
    if text.len() > 1 && "static".starts_with(text) {
        return Ok("manual");
    }
    string_is_valid(text, names)
}

/// The type of a route attribute's value (`ip_route_attribute_spec` of
/// libnm-core's nm-setting-ip-config.c).
#[derive(Clone, Copy)]
enum AttrType {
    U32,
    U8,
    Bool,
    /// An address of the route's family (`src`).
    Addr,
    /// An IPv6 address with an optional prefix (`from`).
    Prefix,
    /// `type`: a name or number of a route type NetworkManager handles.
    RouteType,
    /// `weight`: 0..256, of IPv4 routes only.
    Weight,
}

/// The route attributes nmcli takes, with their type and the families
/// they are valid for (v4, v6), as nmcli 1.42 checks them
/// (`nm_utils_parse_variant_attributes` without unknown names, then
/// `nm_ip_route_attribute_validate`). `table` is the model's own.
const ROUTE_ATTRIBUTES: &[(&str, AttrType, bool, bool)] = &[
    ("advmss", AttrType::U32, true, true),
    ("cwnd", AttrType::U32, true, true),
    ("from", AttrType::Prefix, false, true),
    ("initcwnd", AttrType::U32, true, true),
    ("initrwnd", AttrType::U32, true, true),
    ("lock-advmss", AttrType::Bool, true, true),
    ("lock-cwnd", AttrType::Bool, true, true),
    ("lock-initcwnd", AttrType::Bool, true, true),
    ("lock-initrwnd", AttrType::Bool, true, true),
    ("lock-mtu", AttrType::Bool, true, true),
    ("lock-window", AttrType::Bool, true, true),
    ("mtu", AttrType::U32, true, true),
    ("onlink", AttrType::Bool, true, true),
    ("quickack", AttrType::Bool, true, true),
    ("rto_min", AttrType::U32, true, true),
    ("scope", AttrType::U8, true, false),
    ("src", AttrType::Addr, true, true),
    ("table", AttrType::U32, true, true),
    ("tos", AttrType::U8, true, false),
    ("type", AttrType::RouteType, true, true),
    ("weight", AttrType::Weight, true, false),
    ("window", AttrType::U32, true, true),
];

/// The route types NetworkManager configures, by name and by number
/// (`RTN_*`).
const ROUTE_TYPES: &[(&str, u8)] = &[
    ("unicast", 1),
    ("local", 2),
    ("blackhole", 6),
    ("unreachable", 7),
    ("prohibit", 8),
    ("throw", 9),
];

/// One `NAME=VALUE` attribute of a route as nmcli reads it, with nmcli's
/// message when it refuses it; the value comes back as NetworkManager
/// stores it (a boolean as `true`/`false`, a number in decimal).
pub(crate) fn route_attribute(v6: bool, name: &str, value: &str) -> Result<String, String> {
    let option = format!("invalid option '{name}={value}'");
    let Some(&(_, ty, v4_ok, v6_ok)) = ROUTE_ATTRIBUTES.iter().find(|a| a.0 == name) else {
        return Err(format!("{option}: unknown attribute '{name}'"));
    };
    let uint = |max: u32, what: &str| match c_integer(value, 10) {
        Some(v) if (0..=i128::from(max)).contains(&v) => Ok(v.to_string()),
        _ => Err(format!(
            "{option}: invalid {what} value '{value}' for attribute '{name}'"
        )),
    };
    let canonical = match ty {
        AttrType::U32 | AttrType::Weight => uint(u32::MAX, "uint32")?,
        AttrType::U8 => uint(u8::MAX.into(), "uint8")?,
        AttrType::Bool => {
            let s = value.to_ascii_lowercase();
            if ["true", "yes", "on", "1"].contains(&s.as_str()) {
                "true".to_string()
            } else if ["false", "no", "off", "0"].contains(&s.as_str()) {
                "false".to_string()
            } else {
                return Err(format!(
                    "{option}: invalid boolean value '{value}' for attribute '{name}'"
                ));
            }
        }
        AttrType::Addr | AttrType::Prefix | AttrType::RouteType => value.to_string(),
    };
    let family = if v6 { "IPv6" } else { "IPv4" };
    if !(if v6 { v6_ok } else { v4_ok }) {
        return Err(format!("{name}: attribute is not valid for a {family} route"));
    }
    let not_address = || format!("{name}: '{value}' is not a valid {family} address");
    match ty {
        AttrType::Addr => {
            let ok = value.parse::<std::net::IpAddr>().is_ok_and(|a| a.is_ipv6() == v6);
            ok.then_some(()).ok_or_else(not_address)?;
        }
        AttrType::Prefix => {
            let (addr, prefix) = value.split_once('/').unwrap_or((value, "128"));
            let ok = addr.parse::<std::net::Ipv6Addr>().is_ok()
                && prefix.parse::<u8>().is_ok_and(|p| p <= 128)
                && prefix.bytes().all(|b| b.is_ascii_digit());
            ok.then_some(()).ok_or_else(not_address)?;
        }
        AttrType::RouteType => {
            let known = ROUTE_TYPES
                .iter()
                .any(|(n, v)| *n == value || v.to_string() == value);
            if !known {
                return Err(format!("{name}: {value} is not a valid route type"));
            }
        }
        AttrType::Weight if canonical.parse::<u32>().is_ok_and(|w| w > 256) => {
            return Err(format!("{name}: route weight cannot be larger than 256"));
        }
        _ => {}
    }
    Ok(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nm::catalogue;

    #[test]
    fn methods_like_nmcli() {
        assert_eq!(check("ipv4", "method", "man").as_deref(), Ok("manual"));
        assert_eq!(check("ipv4", "method", "st").as_deref(), Ok("manual"));
        assert_eq!(check("ipv6", "method", "DIS").as_deref(), Ok("disabled"));
        assert_eq!(check("ipv6", "method", "ignore").as_deref(), Ok("ignore"));
        assert_eq!(
            check("ipv4", "method", "sideways"),
            Err("'sideways' not among [auto, link-local, manual, shared, disabled]".into())
        );
        assert!(check("ipv4", "method", "ignore").is_err());
        assert!(check("ipv6", "method", "d").unwrap_err().contains("ambiguous"));
        assert_eq!(check("ipv6", "method", "s").as_deref(), Ok("shared"));
    }

    #[test]
    fn integers_like_nmcli() {
        assert_eq!(check("ip-tunnel", "ttl", " 64 ").as_deref(), Ok("64"));
        assert_eq!(check("ip-tunnel", "ttl", "+7").as_deref(), Ok("7"));
        assert_eq!(
            check("ip-tunnel", "ttl", "256"),
            Err("'256' is out of range [0, 255]".into())
        );
        assert_eq!(
            check("ip-tunnel", "ttl", "-1"),
            Err("'-1' is out of range [0, 255]".into())
        );
        assert_eq!(
            check("ip-tunnel", "ttl", "0x10"),
            Err("'0x10' is not a valid number".into())
        );
        assert_eq!(check("ip-tunnel", "fwmark", "0x10").as_deref(), Ok("16"));
        assert_eq!(check("ip-tunnel", "fwmark", "ff").as_deref(), Ok("255"));
        assert!(check("ip-tunnel", "flow-label", "1048576").is_err());
        assert_eq!(
            check("ip-tunnel", "flow-label", "1048575").as_deref(),
            Ok("1048575")
        );
        assert_eq!(check("ipv4", "route-metric", "-1").as_deref(), Ok("-1"));
        assert!(check("ipv4", "route-metric", "-2").is_err());
        assert_eq!(check("ipv4", "route-table", "main").as_deref(), Ok("254"));
        assert_eq!(
            check("connection", "autoconnect-retries", "forever").as_deref(),
            Ok("0")
        );
        assert!(check("connection", "autoconnect-priority", "1000").is_err());
        assert_eq!(check("ipv6", "mtu", "auto").as_deref(), Ok("0"));
        assert!(check("ipv6", "mtu", "-1").is_err());
        assert!(check("ipv4", "dns-priority", "99999999999").is_err());
    }

    #[test]
    fn booleans_ternaries_and_enums_like_nmcli() {
        for t in ["yes", "y", "TRUE", "on", "1", " t ", "0x1"] {
            assert_eq!(parse_bool(t), Ok(true), "{t}");
        }
        for f in ["no", "N", "false", "off", "0", "of"] {
            assert_eq!(parse_bool(f), Ok(false), "{f}");
        }
        assert!(parse_bool("o").unwrap_err().contains("ambiguous"));
        assert!(parse_bool("2").is_err());
        assert!(parse_bool("maybe").is_err());
        assert_eq!(check("connection", "metered", "true").as_deref(), Ok("yes"));
        assert_eq!(check("connection", "metered", "0").as_deref(), Ok("no"));
        assert_eq!(check("connection", "metered", "unk").as_deref(), Ok("unknown"));
        assert!(check("connection", "metered", "2").is_err());
        assert_eq!(
            check("ipv6", "addr-gen-mode", "1").as_deref(),
            Ok("stable-privacy")
        );
        assert_eq!(check("connection", "lldp", "enable").as_deref(), Ok("enable-rx"));
        assert_eq!(
            check("connection", "mdns", "maybe"),
            Err("invalid option 'maybe', use one of [default,no,resolve,yes]".into())
        );
        assert_eq!(check("proxy", "method", "1").as_deref(), Ok("auto"));
    }

    /// Every property nmcli lists is read by a rule; those taken as text
    /// are named here, so a new row must decide.
    #[test]
    fn every_listed_property_has_a_rule() {
        const TEXT: &[&str] = &[
            "connection.id",
            "connection.uuid",
            "connection.stable-id",
            "connection.type",
            "connection.interface-name",
            "connection.timestamp",
            "connection.zone",
            "connection.master",
            "connection.autoconnect-slaves",
            "connection.secondaries",
            "connection.mud-url",
            "ip-tunnel.mode",
            "ip-tunnel.parent",
            "ip-tunnel.local",
            "ip-tunnel.remote",
            "ip-tunnel.input-key",
            "ip-tunnel.output-key",
            "ip-tunnel.flags",
            "802-3-ethernet.port",
            "802-3-ethernet.mac-address",
            "802-3-ethernet.cloned-mac-address",
            "802-3-ethernet.generate-mac-address-mask",
            "802-3-ethernet.mac-address-blacklist",
            "802-3-ethernet.s390-subchannels",
            "802-3-ethernet.s390-options",
            "802-3-ethernet.wake-on-lan-password",
            "match.interface-name",
            "match.kernel-command-line",
            "match.driver",
            "match.path",
            "tc.qdiscs",
            "tc.tfilters",
            "proxy.pac-url",
            "proxy.pac-script",
            "dns",
            "dns-search",
            "dns-options",
            "addresses",
            "gateway",
            "routes",
            "routing-rules",
            "dhcp-client-id",
            "dhcp-duid",
            "dhcp-iaid",
            "dhcp-hostname",
            "dhcp-fqdn",
            "dhcp-vendor-class-identifier",
            "dhcp-reject-servers",
            "token",
        ];
        let undecided: Vec<String> = catalogue::rows()
            .iter()
            .filter(|r| r.nmcli)
            .filter(|r| {
                let full = format!("{}.{}", r.setting, r.name);
                let text = TEXT.contains(&full.as_str())
                    || (matches!(r.setting, "ipv4" | "ipv6") && TEXT.contains(&r.name));
                (check_of(r.setting, r.name) == Check::Text) != text
            })
            .map(|r| format!("{}.{}", r.setting, r.name))
            .collect();
        assert!(undecided.is_empty(), "a rule, or listed as text: {undecided:?}");
    }
}
