//! The two syntaxes of `route-NAME` and `route6-NAME`: `ip route`
//! argument lines, and `ADDRESSn=` shell-variable blocks.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::{assignment_message, lex, value_diag};
use crate::diag::{Diagnostic, Location, Origins, Report, Source};
use crate::model::{Family, Route, Tunnel};
use crate::shell;
use crate::values::{self, ValueError};

/// Read one `route-NAME` (IPv4) or `route6-NAME` (IPv6) file. Like
/// initscripts' `ifup-routes`, a file with an `ADDRESSn=` line is in the
/// shell-variable block syntax, any other in `ip route` argument lines.
pub(super) fn read_routes(
    src: &Source,
    family: Family,
    t: &mut Tunnel,
    origins: &mut Origins,
    report: &mut Report,
) {
    let blocks = src.text.lines().any(|l| {
        let l = l.trim_start();
        l.strip_prefix("ADDRESS")
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()) && r.contains('='))
    });
    if blocks {
        read_route_blocks(src, family, t, origins, report);
    } else {
        read_route_lines(src, family, t, origins, report);
    }
}

fn any_net(family: Family) -> IpNet {
    match family {
        Family::V4 => IpNet::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0).expect("prefix 0"),
        Family::V6 => IpNet::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), 0).expect("prefix 0"),
    }
}

fn file_kind(family: Family) -> (&'static str, &'static str) {
    match family {
        Family::V4 => ("route-", "route6-"),
        Family::V6 => ("route6-", "route-"),
    }
}

/// `ip route` words that take one argument and that the model has no
/// field for; they are reported and skipped with their argument.
const ROUTE_OPTIONS_WITH_ARG: [&str; 28] = [
    "src",
    "proto",
    "protocol",
    "scope",
    "mtu",
    "advmss",
    "hoplimit",
    "realm",
    "realms",
    "rtt",
    "rttvar",
    "reordering",
    "window",
    "cwnd",
    "initcwnd",
    "initrwnd",
    "ssthresh",
    "features",
    "quickack",
    "congctl",
    "rto_min",
    "pref",
    "expires",
    "nhid",
    "tos",
    "dsfield",
    "from",
    "fastopen_no_cookie",
];

const ROUTE_TYPES: [&str; 10] = [
    "local",
    "broadcast",
    "anycast",
    "multicast",
    "blackhole",
    "unreachable",
    "prohibit",
    "throw",
    "nat",
    "xresolve",
];

/// Words of a line with their byte offsets (as `read` and word splitting
/// see an `ip route` line in initscripts).
pub(super) fn words(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        if c.is_ascii_whitespace() {
            if let Some(s) = start.take() {
                out.push((s, &line[s..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, &line[s..]));
    }
    out
}

fn read_route_lines(
    src: &Source,
    family: Family,
    t: &mut Tunnel,
    origins: &mut Origins,
    report: &mut Report,
) {
    let mut offset = 0;
    for raw in src.text.split('\n') {
        let line_start = offset;
        offset += raw.len() + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        // Like ifup-routes, only whole lines are comments; a `#` later in
        // the line reaches `ip route` (it may be a device name).
        let ws = words(line);
        if ws.first().is_some_and(|(_, w)| w.starts_with('#')) {
            continue;
        }
        if ws.is_empty() {
            continue;
        }
        let at = |(o, w): (usize, &str)| src.loc_at(line_start + o, w.len());
        // From the first word to the end of the last (blanks that end the
        // line are not all of the words' separators).
        let (last, w) = ws[ws.len() - 1];
        let line_loc = src.loc_at(line_start + ws[0].0, last + w.len() - ws[0].0);
        let mut it = ws.iter().copied().peekable();
        if let Some(&(_, w)) = it.peek() {
            if w == "unicast" {
                it.next();
            } else if ROUTE_TYPES.contains(&w) {
                report.error(
                    Diagnostic::error(format!("a {w} route cannot be expressed in the tunnel model"))
                        .at(at(*it.peek().expect("peeked")))
                        .hint("only unicast routes through the tunnel are carried over"),
                );
                continue;
            }
        }
        if it.peek().is_some_and(|&(_, w)| w == "to") {
            it.next();
        }
        let Some(dest_word) = it.next() else {
            report.error(Diagnostic::error("a route without destination").at(line_loc));
            continue;
        };
        let destination = match dest_word.1 {
            "default" | "all" | "any" => any_net(family),
            w => match values::parse_ip_net(w) {
                Ok(n) => n,
                Err(e) => {
                    report.error(value_diag(
                        Diagnostic::error(format!("route destination: {}", e.message)).at(at(dest_word)),
                        e,
                    ));
                    continue;
                }
            },
        };
        if Family::of(&destination.addr()) != family {
            let (this, other) = file_kind(family);
            report.error(
                Diagnostic::error(format!(
                    "{} route in a {this}NAME file: initscripts runs ip -{} route add, which refuses it",
                    Family::of(&destination.addr()).name(),
                    if family == Family::V4 { 4 } else { 6 }
                ))
                .at(at(dest_word))
                .hint(format!("move the line to {other}{}", t.name)),
            );
            continue;
        }
        let mut route = Route {
            destination,
            gateway: None,
            metric: None,
            table: None,
        };
        let mut ok = true;
        while let Some(word) = it.next() {
            let (_, w) = word;
            let mut arg = |what: &str, report: &mut Report| -> Option<(usize, &str)> {
                let a = it.next();
                if a.is_none() {
                    report.error(Diagnostic::error(format!("`{w}` needs {what}")).at(at(word)));
                }
                a
            };
            match w {
                "via" => {
                    let mut a = arg("an address", report);
                    if a.is_some_and(|(_, x)| x == "inet" || x == "inet6") {
                        a = arg("an address", report);
                    }
                    let Some(a) = a else {
                        ok = false;
                        break;
                    };
                    match values::parse_ip(a.1) {
                        Ok(g) => route.gateway = Some(g),
                        Err(e) => {
                            report.error(value_diag(
                                Diagnostic::error(format!("route gateway: {}", e.message)).at(at(a)),
                                e,
                            ));
                            ok = false;
                        }
                    }
                }
                "dev" | "oif" => {
                    let Some(a) = arg("a device name", report) else {
                        ok = false;
                        break;
                    };
                    if a.1 != t.name {
                        report.warn(
                            Diagnostic::warning(format!(
                                "the route names device {}, but this file belongs to {}; grecfg attaches it to {}",
                                a.1, t.name, t.name
                            ))
                            .at(at(a)),
                        );
                    }
                }
                "metric" | "preference" | "priority" => {
                    let Some(a) = arg("a number", report) else {
                        ok = false;
                        break;
                    };
                    match values::parse_u32(a.1, "metric") {
                        Ok(m) => route.metric = Some(m),
                        Err(e) => {
                            report.error(value_diag(Diagnostic::error(e.message.clone()).at(at(a)), e));
                            ok = false;
                        }
                    }
                }
                "table" => {
                    let Some(a) = arg("a table", report) else {
                        ok = false;
                        break;
                    };
                    match values::parse_table(a.1) {
                        Ok(n) => route.table = Some(n),
                        Err(e) => {
                            report.error(value_diag(Diagnostic::error(e.message.clone()).at(at(a)), e));
                            ok = false;
                        }
                    }
                }
                "nexthop" | "encap" => {
                    report.error(
                        Diagnostic::error(format!("`{w}` routes cannot be expressed in the tunnel model"))
                            .at(at(word))
                            .hint("give each route its own line with one via"),
                    );
                    ok = false;
                    break;
                }
                _ if w.starts_with('#') => {
                    report.warn(
                        Diagnostic::warning(
                            "a comment after a route: initscripts passes it to ip route, which fails",
                        )
                        .at(src.loc_at(line_start + word.0, line.trim_end().len() - word.0))
                        .hint("put comments on their own line"),
                    );
                    break;
                }
                _ => {
                    let (o, _) = word;
                    let mut end = o + w.len();
                    if ROUTE_OPTIONS_WITH_ARG.contains(&w) {
                        if let Some((ao, a)) = it.next() {
                            end = ao + a.len();
                        }
                    }
                    let text = &line[o..end];
                    report.warn(
                        Diagnostic::warning(format!(
                            "`{text}` is not kept: the tunnel model has no such route option"
                        ))
                        .at(src.loc_at(line_start + o, end - o)),
                    );
                }
            }
        }
        if ok {
            warn_host_bits(&route, line_loc.clone(), report);
            origins.set(format!("routes[{}]", t.routes.len()), line_loc);
            t.routes.push(route);
        }
    }
}

fn warn_host_bits(route: &Route, loc: Location, report: &mut Report) {
    let d = route.destination;
    if d.addr() != d.network() {
        report.warn(
            Diagnostic::warning(format!(
                "route destination {d} has host bits set; ip route refuses it"
            ))
            .at(loc)
            .hint(format!("write {}", d.trunc())),
        );
    }
}

/// `ADDRESSn=`, `NETMASKn=`, `GATEWAYn=`, `METRICn=`, `OPTIONSn=` blocks.
fn read_route_blocks(
    src: &Source,
    family: Family,
    t: &mut Tunnel,
    origins: &mut Origins,
    report: &mut Report,
) {
    let vars = shell::parse_vars(&src.text);
    lex(report, src, &vars);
    let eff = vars.effective();
    let loc = |a: &shell::Assignment| src.loc_at(a.value_offset, a.value_len);
    let mut indices: Vec<u32> = Vec::new();
    for a in &eff {
        let (stem, n) = split_numbered(&a.name);
        match (stem, n) {
            // An empty ADDRESSn is no route (initscripts stops at it, as at
            // an unset one; a gap after it is warned about below).
            ("ADDRESS", Some(n)) if !a.value.is_empty() => indices.push(n),
            ("ADDRESS", Some(_)) => {}
            ("NETMASK" | "GATEWAY" | "METRIC" | "OPTIONS", Some(_)) => {}
            _ => report.warn(
                Diagnostic::warning(format!("{} is not a route key; ignored", a.name))
                    .at(src.loc_at(a.name_offset, a.name.len())),
            ),
        }
    }
    indices.sort_unstable();
    let by_name: HashMap<&str, &shell::Assignment> = eff.iter().map(|a| (a.name.as_str(), *a)).collect();
    for (pos, &n) in indices.iter().enumerate() {
        let get = |stem: &str| {
            by_name
                .get(format!("{stem}{n}").as_str())
                .copied()
                .filter(|a| !a.value.is_empty())
        };
        let addr = get("ADDRESS").expect("indexed from ADDRESSn");
        if pos as u32 != n && (pos == 0 || indices[pos - 1] + 1 != n) {
            report.warn(
                Diagnostic::warning(format!(
                    "ADDRESS{n} follows a gap in the numbering: initscripts stops at the first missing ADDRESSn"
                ))
                .at(src.loc_at(addr.name_offset, addr.name.len()))
                .hint("number the routes 0, 1, 2, ... without gaps"),
            );
        }
        let mut ok = true;
        let err = |report: &mut Report, a: &shell::Assignment, e: ValueError| {
            report.error(value_diag(
                Diagnostic::error(assignment_message(&a.name, &a.value, &e)).at(loc(a)),
                e,
            ));
        };
        let ip = match values::parse_ip(&addr.value) {
            Ok(ip) => Some(ip),
            Err(e) => {
                err(report, addr, e);
                ok = false;
                None
            }
        };
        let prefix = match get("NETMASK") {
            // Without a netmask NetworkManager assumes a host route.
            None => Some(if ip.is_some_and(|i| i.is_ipv6()) { 128 } else { 32 }),
            Some(m) => match values::netmask_to_prefix(&m.value) {
                Ok(p) => Some(p),
                Err(e) => {
                    err(report, m, e);
                    ok = false;
                    None
                }
            },
        };
        let gateway = get("GATEWAY").and_then(|g| match values::parse_ip(&g.value) {
            Ok(g) => Some(g),
            Err(e) => {
                err(report, g, e);
                ok = false;
                None
            }
        });
        let metric = get("METRIC").and_then(|m| match values::parse_u32(&m.value, "metric") {
            Ok(m) => Some(m),
            Err(e) => {
                err(report, m, e);
                ok = false;
                None
            }
        });
        let mut table = None;
        if let Some(o) = get("OPTIONS") {
            let ws = words(&o.value);
            let mut i = 0;
            while i < ws.len() {
                let w = ws[i].1;
                let next = ws.get(i + 1).map(|x| x.1);
                match (w, next) {
                    ("table", Some(v)) => match values::parse_table(v) {
                        Ok(n) => table = Some(n),
                        Err(e) => {
                            err(report, o, e);
                            ok = false;
                        }
                    },
                    _ => {
                        let takes = ROUTE_OPTIONS_WITH_ARG.contains(&w) || w == "metric";
                        let shown = if takes {
                            format!("{w} {}", next.unwrap_or(""))
                        } else {
                            w.to_string()
                        };
                        report.warn(
                            Diagnostic::warning(format!(
                                "`{}` is not kept: the tunnel model has no such route option",
                                shown.trim_end()
                            ))
                            .at(loc(o)),
                        );
                        if !takes {
                            i += 1;
                            continue;
                        }
                    }
                }
                i += 2;
            }
        }
        let (Some(ip), Some(prefix), true) = (ip, prefix, ok) else {
            continue;
        };
        let Ok(destination) = IpNet::new(ip, prefix) else {
            continue;
        };
        if Family::of(&ip) != family {
            report.error(
                Diagnostic::error(format!("{} route in this file", Family::of(&ip).name())).at(loc(addr)),
            );
            continue;
        }
        let route = Route {
            destination,
            gateway,
            metric,
            table,
        };
        warn_host_bits(&route, loc(addr), report);
        origins.set(format!("routes[{}]", t.routes.len()), loc(addr));
        t.routes.push(route);
    }
}

/// `ADDRESS12` → ("ADDRESS", Some(12)).
fn split_numbered(key: &str) -> (&str, Option<u32>) {
    let stem = key.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &key[stem.len()..];
    // initscripts reads `ADDRESS$routenum`, counting from 0 in decimal:
    // `ADDRESS01` is no route key.
    if digits.len() > 1 && digits.starts_with('0') {
        return (key, None);
    }
    (stem, digits.parse().ok())
}
