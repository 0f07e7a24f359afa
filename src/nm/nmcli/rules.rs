//! `ipv4.routing-rules` and `ipv6.routing-rules` as nmcli reads them
//! (`_objlist_set_fcn_ip_config_routing_rules`): the value split into
//! rules at commas, each rule read by `nm_ip_routing_rule_from_string`
//! with the setting's address family and checked by
//! `nm_ip_routing_rule_validate` (libnm-core, NetworkManager 1.42). nmcli
//! refuses the whole value when one rule fails, in the words returned here.

use std::net::IpAddr;

use super::values::ascii_int;

/// `NM_ASCII_SPACES`.
const SPACES: &[u8] = b" \n\t\r\x0c";

/// `nm_utils_escaped_tokens_split(text, delimiters)`: split at the
/// delimiters not escaped by a backslash, drop empty tokens, strip each of
/// blanks (but an escaped trailing one), and remove the backslash before a
/// delimiter, a blank or a backslash.
pub(crate) fn escaped_tokens(text: &str, delimiters: &[u8]) -> Vec<String> {
    let b = text.as_bytes();
    let mut raw: Vec<&[u8]> = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if delimiters.contains(&c) => {
                raw.push(&b[start..i]);
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    raw.push(&b[start.min(b.len())..]);
    let is_space = |c: u8| c.is_ascii_whitespace() || c == b'\x0b';
    let unescape: Vec<u8> = delimiters.iter().chain(SPACES).chain(b"\\").copied().collect();
    raw.into_iter()
        .filter_map(|t| {
            let lead = t.iter().position(|&c| !is_space(c)).unwrap_or(t.len());
            let mut t = &t[lead..];
            while let [rest @ .., last] = t {
                let escapes = rest.iter().rev().take_while(|&&c| c == b'\\').count();
                if rest.is_empty() || !is_space(*last) || escapes % 2 == 1 {
                    break;
                }
                t = rest;
            }
            if t.is_empty() {
                return None;
            }
            let mut out = Vec::with_capacity(t.len());
            let mut j = 0;
            while j < t.len() {
                if t[j] == b'\\' && t.get(j + 1).is_some_and(|c| unescape.contains(c)) {
                    j += 1;
                }
                out.push(t[j]);
                j += 1;
            }
            // Only ASCII bytes were removed: still UTF-8.
            Some(String::from_utf8_lossy(&out).into_owned())
        })
        .collect()
}

/// nmcli's check of a `routing-rules` value: every rule, split at commas.
pub(crate) fn check(text: &str, v6: bool) -> Result<(), String> {
    for rule in escaped_tokens(text, b",") {
        from_string(&rule, v6)?;
    }
    Ok(())
}

/// The actions of `nm_net_aux_rtnl_rtntype_a2n` (iproute2's names of
/// route types, which are also the rule actions), else a number to 255.
fn action(word: &str) -> Option<i64> {
    const NAMES: &[(&str, i64)] = &[
        ("anycast", 4),
        ("blackhole", 6),
        ("brd", 3),
        ("broadcast", 3),
        ("local", 2),
        ("multicast", 5),
        ("nat", 10),
        ("prohibit", 8),
        ("throw", 9),
        ("unicast", 1),
        ("unreachable", 7),
        ("xresolve", 11),
    ];
    match NAMES.iter().find(|(n, _)| *n == word) {
        Some((_, v)) => Some(*v),
        None => ascii_int(word, 0, 0, 255),
    }
}

/// `FR_ACT_TO_TBL`.
const TO_TABLE: i64 = 1;

/// What a rule says, as far as its validation needs.
#[derive(Default)]
struct Rule {
    priority: Option<i64>,
    table: Option<i64>,
    action: Option<i64>,
    suppress: Option<i64>,
    from: Option<String>,
    to: Option<String>,
    iif: Option<String>,
    oif: Option<String>,
    sport: Option<(i64, i64)>,
    dport: Option<(i64, i64)>,
}

/// `_rr_xport_range_parse`: `PORT` or `START-END`, each to 65535.
fn port_range(text: &str) -> Option<(i64, i64)> {
    let (a, b) = text.split_once('-').unwrap_or((text, text));
    Some((ascii_int(a, 10, 0, 0xFFFF)?, ascii_int(b, 10, 0, 0xFFFF)?))
}

/// `nm_ip_routing_rule_from_string` with the family of the setting and
/// `NM_IP_ROUTING_RULE_AS_STRING_FLAGS_VALIDATE`.
fn from_string(text: &str, v6: bool) -> Result<(), String> {
    let words = escaped_tokens(text, SPACES);
    if words.is_empty() {
        return Err("empty text does not describe a rule".into());
    }
    let mut r = Rule::default();
    let mut uid_range = false;
    let mut tos = false;
    let mut ipproto = false;
    let mut fwmark = false;
    let mut it = words.iter();
    while let Some(key) = it.next() {
        let key = key.as_str();
        if key == "not" {
            continue;
        }
        let takes_value = matches!(
            key,
            "from"
                | "to"
                | "priority"
                | "order"
                | "pref"
                | "preference"
                | "table"
                | "lookup"
                | "tos"
                | "dsfield"
                | "ipproto"
                | "sport"
                | "dport"
                | "fwmark"
                | "iif"
                | "dev"
                | "oif"
                | "suppress_prefixlength"
                | "sup_pl"
                | "uidrange"
                | "type"
        );
        if !takes_value {
            if r.action.is_none() {
                if let Some(a) = action(key) {
                    r.action = Some(a);
                    continue;
                }
            }
            return Err(format!("unsupported key \"{key}\""));
        }
        let Some(value) = it.next() else {
            return Err(format!("missing argument for \"{key}\""));
        };
        let value = value.as_str();
        let duplicate = || format!("duplicate key \"{key}\"");
        let invalid = || format!("invalid value for \"{key}\"");
        let once = |seen: bool| if seen { Err(duplicate()) } else { Ok(()) };
        match key {
            "from" => {
                once(r.from.is_some())?;
                r.from = Some(value.into());
            }
            "to" => {
                once(r.to.is_some())?;
                r.to = Some(value.into());
            }
            "priority" | "order" | "pref" | "preference" => {
                once(r.priority.is_some())?;
                r.priority = Some(ascii_int(value, 0, 0, u32::MAX.into()).ok_or_else(invalid)?);
            }
            "table" | "lookup" => {
                once(r.table.is_some())?;
                let t = match ascii_int(value, 0, 0, u32::MAX.into()) {
                    Some(t) => t,
                    None => match value {
                        "main" => 254,
                        "local" => 255,
                        "default" => 253,
                        _ => return Err(invalid()),
                    },
                };
                r.table = Some(t);
            }
            "tos" | "dsfield" => {
                once(tos)?;
                ascii_int(value, 16, 0, 255).ok_or_else(invalid)?;
                tos = true;
            }
            "ipproto" => {
                once(ipproto)?;
                ascii_int(value, 10, 0, 255).ok_or_else(invalid)?;
                ipproto = true;
            }
            "sport" => {
                once(r.sport.is_some())?;
                r.sport = Some(port_range(value).ok_or_else(invalid)?);
            }
            "dport" => {
                once(r.dport.is_some())?;
                r.dport = Some(port_range(value).ok_or_else(invalid)?);
            }
            "fwmark" => {
                once(fwmark)?;
                let (mark, mask) = match value.split_once('/') {
                    Some((m, k)) => (m, Some(k)),
                    None => (value, None),
                };
                ascii_int(mark, 0, 0, u32::MAX.into()).ok_or_else(invalid)?;
                if let Some(k) = mask {
                    ascii_int(k, 0, 0, u32::MAX.into()).ok_or_else(invalid)?;
                }
                fwmark = true;
            }
            "iif" | "dev" => {
                once(r.iif.is_some())?;
                r.iif = Some(value.into());
            }
            "oif" => {
                once(r.oif.is_some())?;
                r.oif = Some(value.into());
            }
            "suppress_prefixlength" | "sup_pl" => {
                once(r.suppress.is_some())?;
                r.suppress = Some(ascii_int(value, 0, 0, i32::MAX.into()).ok_or_else(invalid)?);
            }
            "uidrange" => {
                once(uid_range)?;
                let (a, b) = value.split_once('-').unwrap_or((value, value));
                let start = ascii_int(a, 0, 0, u32::MAX.into()).ok_or_else(invalid)?;
                let end = ascii_int(b, 0, 0, u32::MAX.into()).ok_or_else(invalid)?;
                if end < start {
                    return Err(invalid());
                }
                uid_range = true;
            }
            _ => {
                once(r.action.is_some())?;
                r.action = Some(action(value).ok_or_else(invalid)?);
            }
        }
    }
    let from = prefix(r.from.as_deref(), v6).map_err(|()| "invalid \"from\" part".to_string())?;
    let to = prefix(r.to.as_deref(), v6).map_err(|()| "invalid \"to\" part".to_string())?;
    validate(&r, from, to, v6).map_err(|e| format!("rule is invalid: {e}"))
}

/// A `from`/`to` part: `None` for none (or `all`), else whether an
/// address was set and its prefix length (the full length when not
/// given). `Err` when it does not parse in the family.
fn prefix(text: Option<&str>, v6: bool) -> Result<Option<(bool, i64)>, ()> {
    let Some(text) = text.filter(|t| *t != "all") else {
        return Ok(None);
    };
    let (addr, len) = match text.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (text, None),
    };
    let max = if v6 { 128 } else { 32 };
    let a: IpAddr = addr.parse().map_err(|_| ())?;
    if a.is_ipv6() != v6 {
        return Err(());
    }
    let len = match len {
        Some(l) => ascii_int(l, 10, 0, max).ok_or(())?,
        None => max,
    };
    // nm_ip_routing_rule_set_from_bin() only for a length or an address.
    Ok(Some((len > 0 || !a.is_unspecified(), len)))
}

/// `nm_ip_routing_rule_validate`, in its order.
fn validate(
    r: &Rule,
    from: Option<(bool, i64)>,
    to: Option<(bool, i64)>,
    v6: bool,
) -> Result<(), &'static str> {
    if r.priority.is_none() {
        return Err("missing priority");
    }
    let action = r.action.unwrap_or(TO_TABLE);
    // A new rule's table is main; another action than to-table clears it.
    let table = r.table.unwrap_or(if action == TO_TABLE { 254 } else { 0 });
    match action {
        TO_TABLE if table == 0 => return Err("missing table"),
        TO_TABLE | 6..=8 => {}
        _ => return Err("invalid action type"),
    }
    for (part, zero) in [
        (from, "has from/src but the prefix-length is zero"),
        (to, "has to/dst but the prefix-length is zero"),
    ] {
        if let Some((true, 0)) = part {
            return Err(zero);
        }
    }
    for (name, err) in [(&r.iif, "invalid iifname"), (&r.oif, "invalid oifname")] {
        if name
            .as_deref()
            .is_some_and(|n| crate::model::check_ifname(n).is_err())
        {
            return Err(err);
        }
    }
    let port_ok = |p: Option<(i64, i64)>| match p {
        None | Some((0, 0)) => true,
        Some((0, _)) => false,
        Some((s, e)) => s <= e && e < 0xFFFF,
    };
    if !port_ok(r.sport) {
        return Err("invalid source port range");
    }
    if !port_ok(r.dport) {
        return Err("invalid destination port range");
    }
    if let Some(s) = r.suppress {
        if s > if v6 { 128 } else { 32 } {
            return Err("suppress_prefixlength out of range");
        }
        if action != TO_TABLE {
            return Err("suppress_prefixlength is only allowed with the to-table action");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_as_networkmanager_splits_them() {
        assert_eq!(escaped_tokens(" a , b\\,c ,, ", b","), ["a", "b,c"]);
        assert_eq!(escaped_tokens("a\\ ", b","), ["a "]);
        assert_eq!(escaped_tokens("x\\\\ ", b","), ["x\\"]);
        assert_eq!(escaped_tokens("\\n", b","), ["\\n"]);
        assert!(escaped_tokens(" ,", b",").is_empty());
    }

    #[test]
    fn rules_are_read_and_checked_as_networkmanager_does() {
        // tests/nmcli_commands.rs runs many more through nmcli itself.
        let ok = [
            "pref 10 blackhole",
            "priority 1 fwmark 0x10/0xff table 7 not",
            "priority 1 uidrange 1000-2000 table 7 iif gre1 oif eth0",
        ];
        for rule in ok {
            assert_eq!(from_string(rule, false), Ok(()), "{rule}");
        }
        assert_eq!(check("priority 1 table 7, priority 2 prohibit", false), Ok(()));
        assert_eq!(from_string("priority 1 from 2001:db8::/32 table 7", true), Ok(()));
        let bad = [
            ("", "empty text does not describe a rule"),
            ("from 192.0.2.0/24 table 100", "rule is invalid: missing priority"),
            ("priority 5 table 0", "rule is invalid: missing table"),
            ("priority 5 throw", "rule is invalid: invalid action type"),
            ("priority 5 from 2001:db8::/32 table 7", "invalid \"from\" part"),
            ("priority 5 to 192.0.2.0/33 table 7", "invalid \"to\" part"),
            (
                "priority 5 from 192.0.2.1/0 table 7",
                "rule is invalid: has from/src but the prefix-length is zero",
            ),
            ("priority 5 table 7 frob", "unsupported key \"frob\""),
            ("priority 5 table", "missing argument for \"table\""),
            ("priority 5 priority 6 table 7", "duplicate key \"priority\""),
            (
                "priority 5 table 7 blackhole prohibit",
                "unsupported key \"prohibit\"",
            ),
            ("priority x table 7", "invalid value for \"priority\""),
            ("priority 1 table 7 tos 100", "invalid value for \"tos\""),
            (
                "priority 1 table 7 uidrange 5-4",
                "invalid value for \"uidrange\"",
            ),
            ("priority 1 table 7 iif a/b", "rule is invalid: invalid iifname"),
            (
                "priority 1 table 7 sport 0-5",
                "rule is invalid: invalid source port range",
            ),
            (
                "priority 1 table 7 dport 6-5",
                "rule is invalid: invalid destination port range",
            ),
            (
                "priority 1 table 7 sup_pl 33",
                "rule is invalid: suppress_prefixlength out of range",
            ),
            (
                "priority 1 blackhole sup_pl 3",
                "rule is invalid: suppress_prefixlength is only allowed with the to-table action",
            ),
        ];
        for (rule, want) in bad {
            assert_eq!(from_string(rule, false), Err(want.to_string()), "{rule}");
        }
        assert_eq!(check("priority 1 table 7,priority 2", false), Ok(()));
        assert_eq!(from_string("priority 5 from 192.0.2.0/24", false), Ok(()));
    }
}
