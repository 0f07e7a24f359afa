//! initscripts `ifcfg-NAME` tunnel files (FORMATS.md §1), with their
//! companions `keys-NAME` (sourced after the main file) and `route-NAME` /
//! `route6-NAME`.
//!
//! The authority is initscripts' `network-scripts/ifup-tunnel`: it sources
//! the file with bash and runs `ip $proto tunnel add DEV mode M [local]
//! [remote] [key] [ttl]`, `ip link set DEV mtu N`, `ip addr add MY_INNER
//! [peer PEER_INNER]`, then `ifup-ipv6` and `ifup-routes`. Keys it does not
//! read but that circulate in the wild (`IKEY`, `OKEY`, `TOS`, `PMTUDISC`,
//! `PHYSDEV`) are grecfg extensions: read, written, and reported as ignored
//! by initscripts.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

use ipnet::IpNet;
use uuid::Uuid;

use super::values::{self, ValueError};
use crate::codec::{Companions, OutputFile, Parsed};
use crate::diag::{reset_with_warning, Diagnostic, Failure, Location, Origins, Problem, Source};
use crate::model::{Extra, Family, InnerAddress, Mode, Route, Tunnel};
use crate::shell::{self, LexError, Vars};

const FORMAT: &str = "ifcfg";

/// Keys whose value always lands in a model field (or is dropped as a
/// default): they can never be extras.
const MODEL_KEYS: [&str; 18] = [
    "DEVICE",
    "TYPE",
    "NAME",
    "UUID",
    "ONBOOT",
    "MY_OUTER_IPADDR",
    "PEER_OUTER_IPADDR",
    "KEY",
    "IKEY",
    "OKEY",
    "TTL",
    "TOS",
    "PMTUDISC",
    "MTU",
    "PHYSDEV",
    "MY_INNER_IPADDR",
    "ZONE",
    "PEER_INNER_IPADDR",
];

/// Whether an ifcfg text describes a tunnel (`TYPE=GRE|GRE6|IPIP|IPIP6|EXTERNAL`).
/// Lexical errors on other lines do not matter here.
pub fn is_tunnel(text: &str) -> bool {
    shell::parse_vars(text)
        .get("TYPE")
        .is_some_and(|a| matches!(a.value.as_str(), "GRE" | "GRE6" | "IPIP" | "IPIP6" | "EXTERNAL"))
}

/// A variable after `keys-NAME` has been applied, with where its value is.
struct Var {
    value: String,
    src: usize,
    offset: usize,
    len: usize,
}

/// Diagnostics of one read, in the order found.
#[derive(Default)]
struct Report {
    diags: Vec<Diagnostic>,
}

impl Report {
    fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn warn(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn lex(&mut self, src: &Source, vars: &Vars) {
        for e in &vars.errors {
            self.diags.push(lex_diag(Diagnostic::error(&e.message), src, e));
        }
        for w in &vars.warnings {
            self.diags.push(lex_diag(Diagnostic::warning(&w.message), src, w));
        }
    }

    fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// In reading order: file by file (as first mentioned), then line and
    /// column, whatever stage found them.
    fn sorted(mut self) -> Vec<Diagnostic> {
        let mut files: Vec<String> = Vec::new();
        for d in &self.diags {
            if let Some(l) = &d.location {
                if !files.contains(&l.file) {
                    files.push(l.file.clone());
                }
            }
        }
        self.diags.sort_by_key(|d| match &d.location {
            Some(l) => (
                files.iter().position(|f| *f == l.file).unwrap_or(0),
                l.line,
                l.column,
            ),
            None => (usize::MAX, 0, 0),
        });
        self.diags
    }
}

fn lex_diag(d: Diagnostic, src: &Source, e: &LexError) -> Diagnostic {
    let d = d.at(src.loc_at(e.offset, e.len));
    match &e.hint {
        Some(h) => d.hint(h),
        None => d,
    }
}

/// `KEY=lichenhao is not a GRE key` rather than repeating the value.
fn assignment_message(key: &str, value: &str, e: &ValueError) -> String {
    match e.message.strip_prefix(&format!("{value:?}")) {
        Some(rest) => format!("{key}={value}{rest}"),
        None => format!("{key}={value}: {}", e.message),
    }
}

fn value_diag(d: Diagnostic, e: ValueError) -> Diagnostic {
    match e.hint {
        Some(h) => d.hint(h),
        None => d,
    }
}

/// The name after `ifcfg-` in the input's file name, if any.
fn file_suffix(src: &Source) -> Option<String> {
    let base = src
        .path
        .as_deref()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .map(str::to_string)
        .unwrap_or_else(|| {
            Path::new(&src.name)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(&src.name)
                .to_string()
        });
    base.strip_prefix("ifcfg-")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The interpreted ifcfg variables: main file, then `keys-*` on top.
struct Env {
    sources: Vec<Source>,
    /// In order of first appearance of each name.
    vars: Vec<(String, Var)>,
}

impl Env {
    fn get(&self, name: &str) -> Option<&Var> {
        self.vars.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The value, treating an empty one as absent (initscripts tests with
    /// `-n` and `${X:+...}`).
    fn value(&self, name: &str) -> Option<&Var> {
        self.get(name).filter(|v| !v.value.is_empty())
    }

    fn loc(&self, v: &Var) -> Location {
        self.sources[v.src].loc_at(v.offset, v.len)
    }

    fn overlay(&mut self, src: usize, vars: &Vars) {
        for a in vars.effective() {
            let v = Var {
                value: a.value.clone(),
                src,
                offset: a.value_offset,
                len: a.value_len,
            };
            match self.vars.iter_mut().find(|(n, _)| *n == a.name) {
                Some((_, old)) => *old = v,
                None => self.vars.push((a.name.clone(), v)),
            }
        }
    }
}

pub fn read(src: &Source, companions: &dyn Companions) -> Result<Parsed, Failure> {
    let mut report = Report::default();
    let main = shell::parse_vars(&src.text);
    report.lex(src, &main);
    let lex_failed = !main.errors.is_empty();
    let mut env = Env {
        sources: vec![src.clone()],
        vars: Vec::new(),
    };
    env.overlay(0, &main);

    let suffix = file_suffix(src);
    let device = main
        .get("DEVICE")
        .map(|a| a.value.clone())
        .filter(|d| !d.is_empty());
    // `keys-NAME` is sourced after the main file, so its values win.
    let mut companion_names = Vec::new();
    for n in [suffix.as_deref(), device.as_deref()].into_iter().flatten() {
        if !companion_names.contains(&n.to_string()) {
            companion_names.push(n.to_string());
        }
    }
    for n in &companion_names {
        match companions.open(&format!("keys-{n}")) {
            Ok(Some(ksrc)) => {
                let kvars = shell::parse_vars(&ksrc.text);
                report.lex(&ksrc, &kvars);
                env.sources.push(ksrc);
                env.overlay(env.sources.len() - 1, &kvars);
            }
            Ok(None) => {}
            Err(d) => report.error(d),
        }
    }

    let mut origins = Origins::new(src.whole());
    let tunnel = interpret(
        &env,
        src,
        suffix.as_deref(),
        lex_failed,
        &mut origins,
        &mut report,
    );
    if let Some(mut t) = tunnel {
        let mut names = Vec::new();
        for n in [Some(t.name.as_str()), suffix.as_deref()].into_iter().flatten() {
            if !names.contains(&n.to_string()) {
                names.push(n.to_string());
            }
        }
        for n in names {
            for (file, family) in [
                (format!("route-{n}"), Family::V4),
                (format!("route6-{n}"), Family::V6),
            ] {
                match companions.open(&file) {
                    Ok(Some(rsrc)) => read_routes(&rsrc, family, &mut t, &mut origins, &mut report),
                    Ok(None) => {}
                    Err(d) => report.error(d),
                }
            }
        }
        if !report.has_errors() {
            return Ok(Parsed {
                tunnel: t,
                origins,
                warnings: report.sorted(),
            });
        }
    }
    Err(Failure::new(report.sorted()))
}

/// Turn the variables into a tunnel; `None` when an error prevents it (the
/// report then holds the error).
fn interpret(
    env: &Env,
    src: &Source,
    suffix: Option<&str>,
    lex_failed: bool,
    origins: &mut Origins,
    report: &mut Report,
) -> Option<Tunnel> {
    // Interface name: DEVICE wins over the file name, as in ifup.
    let name = match (env.value("DEVICE"), suffix) {
        (Some(d), s) => {
            if let Some(s) = s.filter(|s| *s != d.value) {
                report.warn(
                    Diagnostic::warning(format!(
                        "DEVICE={} differs from the file name suffix {s:?}; the interface is named after DEVICE",
                        d.value
                    ))
                    .at(env.loc(d)),
                );
            }
            origins.set("name", env.loc(d));
            Some(d.value.clone())
        }
        (None, Some(s)) => Some(s.to_string()),
        (None, None) => {
            if !lex_failed {
                report.error(
                    Diagnostic::error("no DEVICE= and the file name does not start with ifcfg-")
                        .at(src.whole())
                        .hint("add DEVICE=<interface name>"),
                );
            }
            None
        }
    };
    let mode = match env.value("TYPE") {
        None => {
            if !lex_failed {
                report.error(
                    Diagnostic::error("no TYPE=: this is not a tunnel ifcfg file")
                        .at(src.whole())
                        .hint("add TYPE=GRE, GRE6, IPIP or IPIP6"),
                );
            }
            None
        }
        Some(v) => {
            let loc = env.loc(v);
            let m = match v.value.as_str() {
                "GRE" => Some(Mode::Gre),
                "GRE6" => Some(Mode::Ip6gre),
                "IPIP" => Some(Mode::Ipip),
                "IPIP6" => Some(Mode::Ipip6),
                "EXTERNAL" => {
                    report.error(
                        Diagnostic::error(
                            "TYPE=EXTERNAL: ip6tnl external has no NetworkManager or model equivalent",
                        )
                        .at(loc.clone())
                        .hint("an external (collect-metadata) tunnel is driven by eBPF or OVS, not by a profile"),
                    );
                    None
                }
                other => {
                    let upper = other.to_ascii_uppercase();
                    let d = Diagnostic::error(format!("TYPE={other} is not a tunnel type")).at(loc.clone());
                    report.error(if ["GRE", "GRE6", "IPIP", "IPIP6"].contains(&upper.as_str()) {
                        d.hint(format!("TYPE is case-sensitive: write TYPE={upper}"))
                    } else {
                        d.hint("tunnel types are GRE, GRE6, IPIP and IPIP6")
                    });
                    None
                }
            };
            if m.is_some() {
                origins.set("mode", loc);
            }
            m
        }
    };
    let (name, mode) = (name?, mode?);
    let mut t = Tunnel::new(name, mode);
    let ip6 = mode.outer_family() == Family::V6;

    let mut parse =
        |key: &str, field: &str, origins: &mut Origins, f: &mut dyn FnMut(&str) -> Result<(), ValueError>| {
            if let Some(v) = env.value(key) {
                let loc = env.loc(v);
                match f(&v.value) {
                    Ok(()) if field.is_empty() => {}
                    Ok(()) => origins.set(field, loc),
                    Err(e) => report.error(value_diag(
                        Diagnostic::error(assignment_message(key, &v.value, &e)).at(loc),
                        e,
                    )),
                }
            }
        };
    parse("MY_OUTER_IPADDR", "local", origins, &mut |s| {
        t.local = Some(values::parse_ip(s)?);
        Ok(())
    });
    parse("PEER_OUTER_IPADDR", "remote", origins, &mut |s| {
        t.remote = Some(values::parse_ip(s)?);
        Ok(())
    });
    for (key, input, output) in [("KEY", true, true), ("IKEY", true, false), ("OKEY", false, true)] {
        let mut k = None;
        parse(key, "", origins, &mut |s| {
            k = Some(values::parse_key(s)?);
            Ok(())
        });
        if let (Some(k), Some(v)) = (k, env.value(key)) {
            if input {
                t.input_key = Some(k);
                origins.set("input_key", env.loc(v));
            }
            if output {
                t.output_key = Some(k);
                origins.set("output_key", env.loc(v));
            }
        }
    }
    // `ip -6 tunnel add` defaults to hop limit 64; the model says 0 = inherit.
    if ip6 {
        t.ttl = 64;
        t.encapsulation_limit = 4;
    }
    parse("TTL", "ttl", origins, &mut |s| {
        t.ttl = values::parse_ttl(s)?;
        Ok(())
    });
    let mut tos_raw = None;
    parse("TOS", "tos", origins, &mut |s| {
        t.tos = values::parse_tos(s)?;
        tos_raw = Some(s.to_string());
        Ok(())
    });
    parse("PMTUDISC", "path_mtu_discovery", origins, &mut |s| {
        t.path_mtu_discovery = values::parse_bool(s)?;
        Ok(())
    });
    parse("MTU", "mtu", origins, &mut |s| {
        t.mtu = Some(values::parse_u32(s, "mtu")?);
        Ok(())
    });
    parse("PHYSDEV", "parent", origins, &mut |s| {
        t.parent = Some(s.to_string());
        Ok(())
    });
    parse("ONBOOT", "autoconnect", origins, &mut |s| {
        t.autoconnect = values::parse_bool(s)?;
        Ok(())
    });
    parse("NAME", "id", origins, &mut |s| {
        t.id = Some(s.to_string());
        Ok(())
    });
    parse("UUID", "uuid", origins, &mut |s| {
        t.uuid = Some(Uuid::parse_str(s).map_err(|_| ValueError {
            message: "not a valid UUID".into(),
            hint: Some(
                "a UUID looks like 5fb8a8ce-1c6e-4a3b-9d4f-2e3c1a0b7d61; remove the line to get one".into(),
            ),
        })?);
        Ok(())
    });
    parse("ZONE", "zone", origins, &mut |s| {
        t.zone = Some(s.to_string());
        Ok(())
    });
    if let (Some(raw), Some(v)) = (tos_raw, env.value("TOS")) {
        if values::tos_is_bare_hex(&raw) {
            report.warn(
                Diagnostic::warning(format!(
                    "TOS={raw} is read as hexadecimal 0x{:02x}, as iproute2 does",
                    t.tos
                ))
                .at(env.loc(v))
                .hint(format!("write TOS=0x{:02x} to make that explicit", t.tos)),
            );
        }
    }

    let mut extras_from: Vec<&str> = Vec::new();

    // Inner addresses: `ip addr add MY_INNER [peer PEER_INNER]`.
    let my_inner = env.value("MY_INNER_IPADDR");
    let mut peer_inner = env.value("PEER_INNER_IPADDR");
    if let (Some(p), Some(r)) = (peer_inner, env.value("PEER_OUTER_IPADDR")) {
        if p.value == r.value {
            report.warn(
                Diagnostic::warning(
                    "PEER_INNER_IPADDR equals PEER_OUTER_IPADDR; initscripts drops it, so does grecfg",
                )
                .at(env.loc(p))
                .hint("a peer route to the outer address through the tunnel would loop"),
            );
            peer_inner = None;
        }
    }
    match (my_inner, peer_inner) {
        (Some(m), p) => {
            let address = match values::parse_ip_net(&m.value) {
                Ok(a) => Some(a),
                Err(e) => {
                    report.error(value_diag(
                        Diagnostic::error(assignment_message("MY_INNER_IPADDR", &m.value, &e)).at(env.loc(m)),
                        e,
                    ));
                    None
                }
            };
            let peer = p.and_then(|p| match values::parse_ip_net(&p.value) {
                Ok(a) => Some(a),
                Err(e) => {
                    report.error(value_diag(
                        Diagnostic::error(assignment_message("PEER_INNER_IPADDR", &p.value, &e))
                            .at(env.loc(p)),
                        e,
                    ));
                    None
                }
            });
            if let Some(address) = address {
                let i = t.addresses.len();
                origins.set(format!("addresses[{i}]"), env.loc(m));
                if let (Some(p), Some(_)) = (p, &peer) {
                    origins.set(format!("addresses[{i}].peer"), env.loc(p));
                }
                t.addresses.push(InnerAddress { address, peer });
            }
        }
        (None, Some(p)) => {
            report.warn(
                Diagnostic::warning("PEER_INNER_IPADDR without MY_INNER_IPADDR: initscripts cannot use it")
                    .at(env.loc(p))
                    .hint("set MY_INNER_IPADDR to the local inner address"),
            );
            extras_from.push("PEER_INNER_IPADDR");
        }
        (None, None) => {}
    }

    // IPv6 addresses (ifup-ipv6), only when IPV6INIT is yes.
    let ipv6init = env.value("IPV6INIT").map(|v| match values::parse_bool(&v.value) {
        Ok(b) => b,
        Err(_) => {
            report.warn(
                Diagnostic::warning(format!("IPV6INIT={} is not a yes/no value; taken as no", v.value))
                    .at(env.loc(v))
                    .hint("use yes or no"),
            );
            false
        }
    });
    let mut consumed_v6 = false;
    if ipv6init == Some(true) {
        let before = t.addresses.len();
        if let Some(v) = env.value("IPV6ADDR") {
            ipv6_addresses(env, "IPV6ADDR", v, &mut t, origins, report);
        }
        if let Some(v) = env.value("IPV6ADDR_SECONDARIES") {
            ipv6_addresses(env, "IPV6ADDR_SECONDARIES", v, &mut t, origins, report);
        }
        consumed_v6 = t.addresses.len() > before || env.value("IPV6ADDR").is_some();
    } else {
        for key in ["IPV6ADDR", "IPV6ADDR_SECONDARIES"] {
            if let Some(v) = env.value(key) {
                report.warn(
                    Diagnostic::warning(format!(
                        "{key} is set but IPV6INIT is not yes: initscripts ignores it"
                    ))
                    .at(env.loc(v))
                    .hint("set IPV6INIT=yes to use the address; grecfg keeps the line as it is"),
                );
            }
        }
    }

    // BOOTPROTO: none is what grecfg writes; anything else is kept.
    if let Some(v) = env.value("BOOTPROTO") {
        if matches!(v.value.as_str(), "dhcp" | "bootp" | "autoip" | "ibft" | "shared") {
            report.warn(
                Diagnostic::warning(format!(
                    "BOOTPROTO={} on a tunnel: ifup-tunnel never runs DHCP",
                    v.value
                ))
                .at(env.loc(v))
                .hint("use BOOTPROTO=none with MY_INNER_IPADDR"),
            );
        }
    }

    // Everything else is kept as an extra, in file order.
    for (key, v) in &env.vars {
        let key = key.as_str();
        let keep = if MODEL_KEYS.contains(&key) {
            extras_from.contains(&key)
        } else {
            match key {
                "IPV6INIT" => !consumed_v6,
                "IPV6ADDR" | "IPV6ADDR_SECONDARIES" => ipv6init != Some(true),
                "BOOTPROTO" => v.value != "none",
                _ => true,
            }
        };
        if keep {
            origins.set(format!("extras[{}]", t.extras.len()), env.loc(v));
            t.extras.push(Extra {
                format: FORMAT.into(),
                key: key.to_string(),
                value: v.value.clone(),
            });
        }
    }
    if report.has_errors() {
        return None;
    }
    Some(t)
}

/// Addresses from `IPV6ADDR` / `IPV6ADDR_SECONDARIES` (blank separated).
fn ipv6_addresses(env: &Env, key: &str, v: &Var, t: &mut Tunnel, origins: &mut Origins, report: &mut Report) {
    let whole = env.loc(v);
    let raw = env.sources[v.src]
        .text
        .get(v.offset..v.offset + v.len)
        .unwrap_or("");
    for item in v.value.split_ascii_whitespace() {
        // Point at the item itself when it appears verbatim in the line.
        let loc = match raw.find(item) {
            Some(i) => env.sources[v.src].loc_at(v.offset + i, item.len()),
            None => whole.clone(),
        };
        match values::parse_ip_net(item) {
            Ok(a) if a.addr().is_ipv6() => {
                origins.set(format!("addresses[{}]", t.addresses.len()), loc);
                t.addresses.push(InnerAddress {
                    address: a,
                    peer: None,
                });
            }
            Ok(_) => report.error(
                Diagnostic::error(format!("{key}: {item} is not an IPv6 address"))
                    .at(loc)
                    .hint("IPv4 inner addresses go in MY_INNER_IPADDR"),
            ),
            Err(e) => report.error(value_diag(
                Diagnostic::error(format!("{key}: {}", e.message)).at(loc),
                e,
            )),
        }
    }
}

/// Read one `route-NAME` (IPv4) or `route6-NAME` (IPv6) file. Like
/// initscripts' `ifup-routes`, a file with an `ADDRESSn=` line is in the
/// shell-variable block syntax, any other in `ip route` argument lines.
fn read_routes(src: &Source, family: Family, t: &mut Tunnel, origins: &mut Origins, report: &mut Report) {
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
fn words(line: &str) -> Vec<(usize, &str)> {
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
        let line_loc = src.loc_at(line_start + ws[0].0, line.trim_end().len() - ws[0].0);
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
    report.lex(src, &vars);
    let eff = vars.effective();
    let loc = |a: &shell::Assignment| src.loc_at(a.value_offset, a.value_len);
    let mut indices: Vec<u32> = Vec::new();
    for a in &eff {
        let (stem, n) = split_numbered(&a.name);
        match (stem, n) {
            ("ADDRESS", Some(n)) => indices.push(n),
            ("NETMASK" | "GATEWAY" | "METRIC" | "OPTIONS", Some(_)) => {}
            _ => report.warn(
                Diagnostic::warning(format!("{} is not a route key; ignored", a.name))
                    .at(src.loc_at(a.name_offset, a.name.len())),
            ),
        }
    }
    indices.sort_unstable();
    for (pos, &n) in indices.iter().enumerate() {
        let get = |stem: &str| vars.get(&format!("{stem}{n}")).filter(|a| !a.value.is_empty());
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
    (stem, digits.parse().ok())
}

/// Keys the writer produces from model fields; an extra must not shadow
/// them.
const WRITTEN_KEYS: [&str; 21] = [
    "DEVICE",
    "NAME",
    "UUID",
    "TYPE",
    "ONBOOT",
    "MY_OUTER_IPADDR",
    "PEER_OUTER_IPADDR",
    "KEY",
    "IKEY",
    "OKEY",
    "TTL",
    "TOS",
    "PMTUDISC",
    "MTU",
    "PHYSDEV",
    "MY_INNER_IPADDR",
    "PEER_INNER_IPADDR",
    "IPV6INIT",
    "IPV6ADDR",
    "IPV6ADDR_SECONDARIES",
    "ZONE",
];

fn is_ip6(mode: Mode) -> bool {
    mode.outer_family() == Family::V6
}

pub fn lower(t: &Tunnel) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
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
            Family::V4 if v4.is_none() => v4 = Some(a.clone()),
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
                "BOOTPROTO" if e.value == "none" => {
                    // Written anyway: not a loss.
                    continue;
                }
                "PEER_INNER_IPADDR"
                    if !has_v4 && !e.value.is_empty() && Some(&e.value) != remote.as_ref() =>
                {
                    None
                }
                "IPV6INIT" if !has_v6 => None,
                "IPV6ADDR" | "IPV6ADDR_SECONDARIES" if !has_v6 && !ipv6init_yes => None,
                k if WRITTEN_KEYS.contains(&k) => {
                    Some(format!("{k} is written from the tunnel's own settings"))
                }
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
pub fn escape(s: &str) -> String {
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
pub fn encode(t: &Tunnel) -> Vec<OutputFile> {
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

#[cfg(test)]
mod tests;
