//! Writing ifcfg: what of a tunnel initscripts can hold (`lower`), and the
//! files themselves (`encode`), quoted as NetworkManager's shvar.c does.

use ipnet::IpNet;

use super::{is_written, FORMAT};
use crate::codec::OutputFile;
use crate::diag::{reset_with_warning, Problem};
use crate::model::{Family, InnerAddress, Mode, Route, Tunnel};
use crate::shell;
use crate::values;

fn is_ip6(mode: Mode) -> bool {
    mode.outer_family() == Family::V6
}

pub(crate) fn lower_tunnel(t: &Tunnel) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
    if !matches!(t.mode, Mode::Gre | Mode::Ip6gre | Mode::Ipip | Mode::Ipip6) {
        return Err(vec![Problem::new(
            "mode",
            format!("ifcfg tunnels cannot be of mode {}", t.mode),
        )
        .hint("initscripts knows only TYPE=GRE (gre), GRE6 (ip6gre), IPIP (ipip) and IPIP6 (ipip6); write a NetworkManager profile instead")]);
    }
    let mut t = t.clone();
    let mut w = Vec::new();

    for (i, n) in t.neighbours.iter().enumerate() {
        w.push(
            Problem::new(
                format!("neighbours[{i}]"),
                format!(
                    "static neighbour {} via {} is not carried over: initscripts has no neighbours",
                    n.inner, n.outer
                ),
            )
            .hint("add `ip neigh replace INNER lladdr OUTER dev NAME` to an ifup-local script"),
        );
    }
    t.neighbours.clear();

    // Addresses: one IPv4 (MY_INNER_IPADDR, with peer) first, then IPv6
    // ones (IPV6ADDR, IPV6ADDR_SECONDARIES, without peer).
    let mut v4 = None;
    let mut v6 = Vec::new();
    for (i, a) in t.addresses.iter().enumerate() {
        match Family::of(&a.address.addr()) {
            Family::V4 if v4.is_none() => {
                let mut a = a.clone();
                // initscripts drops a PEER_INNER_IPADDR that reads the same
                // as PEER_OUTER_IPADDR, and so does the reader.
                let remote = t.remote.map(|r| r.to_string());
                if a.peer.is_some_and(|p| Some(net_text(&p)) == remote) {
                    let p = a.peer.take().expect("checked");
                    w.push(Problem::new(
                        format!("addresses[{i}].peer"),
                        format!(
                            "the peer {p} of {} is not carried over: initscripts drops a PEER_INNER_IPADDR equal to PEER_OUTER_IPADDR",
                            a.address
                        ),
                    ));
                }
                v4 = Some(a);
            }
            Family::V4 => w.push(
                Problem::new(
                    format!("addresses[{i}]"),
                    format!("address {} is not carried over: ifcfg tunnels have one IPv4 address (MY_INNER_IPADDR)", a.address),
                )
                .hint("add it from an ifup-local script, or use a NetworkManager profile"),
            ),
            Family::V6 => {
                let mut a = a.clone();
                if let Some(p) = a.peer.take() {
                    w.push(Problem::new(
                        format!("addresses[{i}].peer"),
                        format!("the peer {p} of {} is not carried over: IPV6ADDR has no peer", a.address),
                    ));
                }
                v6.push(a);
            }
        }
    }
    t.addresses = v4.into_iter().chain(v6).collect();
    // route-NAME is read before route6-NAME.
    let (r4, r6): (Vec<Route>, Vec<Route>) = t
        .routes
        .iter()
        .cloned()
        .partition(|r| r.destination.addr().is_ipv4());
    t.routes = r4.into_iter().chain(r6).collect();

    if is_ip6(t.mode) {
        reset_with_warning(
            &mut w,
            "encapsulation_limit",
            &mut t.encapsulation_limit,
            4,
            |v| {
                format!("encapsulation limit {v} is not carried over: initscripts always uses ip -6 tunnel's default, 4")
            },
        );
        reset_with_warning(&mut w, "flow_label", &mut t.flow_label, 0, |v| {
            format!("flow label {v:#x} is not carried over: ifcfg has no key for it")
        });
        reset_with_warning(&mut w, "flags", &mut t.flags, 0, |v| {
            format!("tunnel flags {v:#x} are not carried over: ifcfg has no key for them")
        });
    }

    if t.symmetric_key().is_none() {
        for (field, key) in [("input_key", "IKEY"), ("output_key", "OKEY")] {
            w.push(
                Problem::new(
                    field,
                    format!("{key} is written, but initscripts reads only KEY and ignores it"),
                )
                .hint("grecfg reads it back; for ifup use the same key in both directions"),
            );
        }
    }
    if t.tos != 0 {
        w.push(Problem::new(
            "tos",
            "TOS is written, but initscripts ignores it (grecfg reads it back)",
        ));
    }
    if !t.path_mtu_discovery {
        w.push(Problem::new(
            "path_mtu_discovery",
            "PMTUDISC=no is written, but initscripts ignores it (grecfg reads it back)",
        ));
    }
    if t.parent.is_some() {
        w.push(Problem::new(
            "parent",
            "PHYSDEV is written, but ifup-tunnel ignores it (grecfg reads it back)",
        ));
    }

    // Extras: other formats' keys are lost; ifcfg ones are kept when they
    // read back as the same extra.
    let has_v4 = t.addresses.iter().any(|a| a.address.addr().is_ipv4());
    let has_v6 = t.addresses.iter().any(|a| a.address.addr().is_ipv6());
    let remote = t.remote.map(|r| r.to_string());
    let ipv6init_yes = t
        .extras
        .iter()
        .rev()
        .find(|e| e.format == FORMAT && e.key == "IPV6INIT")
        .is_some_and(|e| values::parse_bool(&e.value) == Ok(true));
    let n = t.extras.len();
    let mut kept = Vec::new();
    for (i, e) in t.extras.iter().enumerate() {
        let field = format!("extras[{i}]");
        if e.format != FORMAT {
            w.push(Problem::new(
                field,
                format!(
                    "{} {} (from {}) is not carried over to ifcfg",
                    e.key, e.value, e.format
                ),
            ));
            continue;
        }
        let later = t.extras[i + 1..n]
            .iter()
            .any(|l| l.format == FORMAT && l.key == e.key);
        let why: Option<String> = if !shell::is_name(&e.key) {
            Some(format!("{:?} is not a shell variable name", e.key))
        } else if later {
            Some(format!("{} is given again later; the last one wins", e.key))
        } else {
            match e.key.as_str() {
                "BOOTPROTO" if super::static_bootproto(&e.value) => {
                    // BOOTPROTO=none is written anyway: not a loss.
                    continue;
                }
                // Implied by TYPE, as the reader takes it.
                "DEVICETYPE" if e.value.eq_ignore_ascii_case("tunnel") => continue,
                "PEER_INNER_IPADDR"
                    if !has_v4 && !e.value.is_empty() && Some(&e.value) != remote.as_ref() =>
                {
                    None
                }
                "IPV6INIT" if !has_v6 => None,
                "IPV6ADDR" | "IPV6ADDR_SECONDARIES" if !has_v6 && !ipv6init_yes => None,
                k if is_written(k) => Some(format!("{k} is written from the tunnel's own settings")),
                _ => None,
            }
        };
        match why {
            Some(why) => w.push(Problem::new(
                field,
                format!("{}={} is not carried over: {why}", e.key, e.value),
            )),
            None => kept.push(e.clone()),
        }
    }
    // BOOTPROTO is written at its fixed place, so it reads back first.
    if let Some(i) = kept.iter().position(|e| e.key == "BOOTPROTO") {
        let b = kept.remove(i);
        kept.insert(0, b);
    }
    t.extras = kept;
    Ok((t, w))
}

/// The text of an address as ifcfg writes it: bare for a host prefix.
fn net_text(n: &IpNet) -> String {
    if n.prefix_len() == n.max_prefix_len() {
        n.addr().to_string()
    } else {
        n.to_string()
    }
}

/// Quote a value as NetworkManager's `svEscape` does (shvar.c): bare when
/// every character is safe, double quotes with `\" \\ \$ \`` escaped when
/// blanks, quotes, operators or non-ASCII appear, and `$'...'` when there
/// are control characters (a newline cannot be written otherwise).
pub(crate) fn escape(s: &str) -> String {
    let needs_escape = |c: char| matches!(c, '"' | '\\' | '$' | '`');
    let needs_quotes = |c: char| {
        matches!(
            c,
            ' ' | '\'' | '~' | '\t' | '|' | '&' | ';' | '(' | ')' | '<' | '>'
        ) || c as u32 >= 0o177
    };
    if s.chars().any(|c| (c as u32) < 0x20 && c != '\t') {
        return escape_ansi_c(s);
    }
    let mangle = s.chars().any(needs_escape);
    if !mangle && !s.chars().any(needs_quotes) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if needs_escape(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// shvar.c's `_escape_ansic`: C escapes, other control and non-ASCII bytes
/// as three-digit octal.
fn escape_ansi_c(s: &str) -> String {
    let mut out = String::from("$'");
    for b in s.bytes() {
        match b {
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x0b => out.push_str("\\v"),
            b'\\' | b'"' | b'\'' => {
                out.push('\\');
                out.push(b as char);
            }
            b if !(0x20..0o177).contains(&b) => out.push_str(&format!("\\{b:03o}")),
            b => out.push(b as char),
        }
    }
    out.push('\'');
    out
}

/// ifcfg key order (fixed, so output is deterministic): DEVICE, NAME, UUID,
/// TYPE, ONBOOT, BOOTPROTO, MY_OUTER_IPADDR, PEER_OUTER_IPADDR, KEY or
/// IKEY/OKEY, TTL, TOS, PMTUDISC, MTU, PHYSDEV, MY_INNER_IPADDR,
/// PEER_INNER_IPADDR, IPV6INIT, IPV6ADDR, IPV6ADDR_SECONDARIES, ZONE, then
/// the ifcfg extras in their order. BOOTPROTO takes the extra's value when
/// there is one, else `none`.
pub(crate) fn encode(t: &Tunnel) -> Vec<OutputFile> {
    let mut lines: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: String| lines.push((k.to_string(), v));
    put("DEVICE", t.name.clone());
    if let Some(id) = &t.id {
        put("NAME", id.clone());
    }
    if let Some(u) = &t.uuid {
        put("UUID", u.hyphenated().to_string());
    }
    let ty = match t.mode {
        Mode::Gre => "GRE",
        Mode::Ip6gre => "GRE6",
        Mode::Ipip => "IPIP",
        Mode::Ipip6 => "IPIP6",
        // `lower` refuses the other modes; keep the name for the record.
        other => other.name(),
    };
    put("TYPE", ty.to_string());
    put("ONBOOT", if t.autoconnect { "yes" } else { "no" }.to_string());
    let bootproto = t
        .extras
        .iter()
        .rev()
        .find(|e| e.format == FORMAT && e.key == "BOOTPROTO");
    put(
        "BOOTPROTO",
        bootproto.map_or("none".to_string(), |e| e.value.clone()),
    );
    if let Some(a) = t.local {
        put("MY_OUTER_IPADDR", a.to_string());
    }
    if let Some(a) = t.remote {
        put("PEER_OUTER_IPADDR", a.to_string());
    }
    match t.symmetric_key() {
        Some(Some(k)) => put("KEY", k.to_string()),
        Some(None) => {}
        None => {
            if let Some(k) = t.input_key {
                put("IKEY", k.to_string());
            }
            if let Some(k) = t.output_key {
                put("OKEY", k.to_string());
            }
        }
    }
    let ip6 = is_ip6(t.mode);
    if (ip6 && t.ttl != 64) || (!ip6 && t.ttl != 0) {
        put("TTL", t.ttl.to_string());
    }
    match t.tos {
        0 => {}
        1 => put("TOS", "inherit".to_string()),
        n => put("TOS", format!("0x{n:02x}")),
    }
    if !t.path_mtu_discovery {
        put("PMTUDISC", "no".to_string());
    }
    if let Some(m) = t.mtu {
        put("MTU", m.to_string());
    }
    if let Some(p) = &t.parent {
        put("PHYSDEV", p.clone());
    }
    let v4 = t.addresses.iter().find(|a| a.address.addr().is_ipv4());
    if let Some(a) = v4 {
        put("MY_INNER_IPADDR", net_text(&a.address));
        if let Some(p) = &a.peer {
            put("PEER_INNER_IPADDR", net_text(p));
        }
    }
    let v6: Vec<&InnerAddress> = t
        .addresses
        .iter()
        .filter(|a| a.address.addr().is_ipv6())
        .collect();
    if let Some((first, rest)) = v6.split_first() {
        put("IPV6INIT", "yes".to_string());
        put("IPV6ADDR", net_text(&first.address));
        if !rest.is_empty() {
            let list: Vec<String> = rest.iter().map(|a| net_text(&a.address)).collect();
            put("IPV6ADDR_SECONDARIES", list.join(" "));
        }
    }
    if let Some(z) = &t.zone {
        put("ZONE", z.clone());
    }
    for e in &t.extras {
        if e.format == FORMAT && e.key != "BOOTPROTO" {
            put(&e.key, e.value.clone());
        }
    }
    let mut contents = String::new();
    for (k, v) in &lines {
        contents.push_str(k);
        contents.push('=');
        contents.push_str(&escape(v));
        contents.push('\n');
    }
    let mut files = vec![OutputFile {
        name: format!("ifcfg-{}", t.name),
        contents,
        mode: 0o644,
    }];
    for (prefix, v6) in [("route", false), ("route6", true)] {
        let routes: Vec<&Route> = t
            .routes
            .iter()
            .filter(|r| r.destination.addr().is_ipv6() == v6)
            .collect();
        if routes.is_empty() {
            continue;
        }
        let mut contents = String::new();
        for r in routes {
            contents.push_str(&route_line(r, &t.name));
            contents.push('\n');
        }
        files.push(OutputFile {
            name: format!("{prefix}-{}", t.name),
            contents,
            mode: 0o644,
        });
    }
    files
}

/// One `ip route` argument line: `DEST [via GW] dev NAME [metric M] [table T]`.
fn route_line(r: &Route, dev: &str) -> String {
    let mut s = if r.destination.prefix_len() == 0 && r.destination.addr().is_unspecified() {
        "default".to_string()
    } else {
        r.destination.to_string()
    };
    if let Some(g) = r.gateway {
        s.push_str(&format!(" via {g}"));
    }
    s.push_str(&format!(" dev {dev}"));
    if let Some(m) = r.metric {
        s.push_str(&format!(" metric {m}"));
    }
    if let Some(t) = r.table {
        s.push_str(&format!(" table {t}"));
    }
    s
}
