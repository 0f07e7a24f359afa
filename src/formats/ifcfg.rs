//! initscripts `ifcfg-NAME` tunnel files (docs/FORMATS.md §1), with their
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

use std::collections::HashMap;
use std::path::Path;

use uuid::Uuid;

use crate::codec::{Companions, OutputFile, Parsed, ReadContext, WriteContext};
use crate::diag::{Diagnostic, Failure, Location, Origins, Problem, Report, Source};
use crate::model::{Extra, Family, InnerAddress, Mode, Tunnel};
use crate::shell::{self, Vars};
use crate::values::{self, ValueError};

mod routes;
mod write;

use crate::format::meta::{Meta, Output, Pattern, Role, Sniff, TunnelFilter};
pub(crate) use write::{encode, lower_tunnel};

/// File names in a directory that initscripts ignores.
const INITSCRIPTS_SKIPPED: &[&str] = &[
    ".bak", "~", ".orig", ".rej", ".rpmnew", ".rpmsave", ".augnew", ".augtmp",
];

/// Whether a text without a telling name reads like an ifcfg file: it sets
/// one of the keys every tunnel file has.
fn looks_like_ifcfg(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        let l = l.strip_prefix("export ").unwrap_or(l);
        ["TYPE=", "DEVICE=", "PEER_OUTER_IPADDR=", "MY_INNER_IPADDR="]
            .iter()
            .any(|k| l.starts_with(k))
    })
}

/// What the registry knows of ifcfg files.
pub(crate) const META: Meta = Meta {
    read: Some(read),
    names: &[Pattern::Prefix("ifcfg-")],
    sniff: Some(Sniff {
        rank: 5,
        test: |text, _| looks_like_ifcfg(text),
    }),
    skipped_suffixes: INITSCRIPTS_SKIPPED,
    companions: &["route-", "route6-", "keys-"],
    tunnels_only: Some(TunnelFilter {
        is_tunnel,
        otherwise: "not a tunnel (TYPE is not GRE, GRE6, IPIP, IPIP6 or EXTERNAL)",
    }),
    system_dirs: &["etc/sysconfig/network-scripts"],
    ..Meta::new(
        "ifcfg",
        "RHEL/Fedora initscripts `ifcfg-NAME` (with `route-NAME`, `route6-NAME`, `keys-NAME`)",
        Role::Tunnel,
        lower,
        write,
        &[
            Output::new(|t| format!("ifcfg-{}", t.name), 0o644).dir("etc/sysconfig/network-scripts"),
            Output::new(|t| format!("route-{}", t.name), 0o644)
                .dir("etc/sysconfig/network-scripts")
                .optional(),
            Output::new(|t| format!("route6-{}", t.name), 0o644)
                .dir("etc/sysconfig/network-scripts")
                .optional(),
        ],
    )
};

const FORMAT: &str = "ifcfg";

/// A key of the main file that grecfg interprets.
struct Key {
    name: &'static str,
    /// Its value always lands in a model field (or is dropped as a
    /// default): it can never be an extra.
    read_into_field: bool,
    /// `encode` writes it from model fields: an extra must not shadow it.
    written: bool,
}

const fn key(name: &'static str, read_into_field: bool, written: bool) -> Key {
    Key {
        name,
        read_into_field,
        written,
    }
}

/// The keys in the order `encode` writes them.
const KEYS: [Key; 21] = [
    key("DEVICE", true, true),
    key("NAME", true, true),
    key("UUID", true, true),
    key("TYPE", true, true),
    key("ONBOOT", true, true),
    key("MY_OUTER_IPADDR", true, true),
    key("PEER_OUTER_IPADDR", true, true),
    key("KEY", true, true),
    key("IKEY", true, true),
    key("OKEY", true, true),
    key("TTL", true, true),
    key("TOS", true, true),
    key("PMTUDISC", true, true),
    key("MTU", true, true),
    key("PHYSDEV", true, true),
    key("MY_INNER_IPADDR", true, true),
    key("PEER_INNER_IPADDR", true, true),
    // Read only with IPV6INIT=yes, so sometimes extras.
    key("IPV6INIT", false, true),
    key("IPV6ADDR", false, true),
    key("IPV6ADDR_SECONDARIES", false, true),
    key("ZONE", true, true),
];

fn reads_into_field(name: &str) -> bool {
    KEYS.iter().any(|k| k.read_into_field && k.name == name)
}

fn is_written(name: &str) -> bool {
    KEYS.iter().any(|k| k.written && k.name == name)
}

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

/// The shell lexer's errors and warnings about `src`.
fn lex(report: &mut Report, src: &Source, vars: &Vars) {
    for (e, d) in vars
        .errors
        .iter()
        .map(|e| (e, Diagnostic::error(&e.message)))
        .chain(vars.warnings.iter().map(|w| (w, Diagnostic::warning(&w.message))))
    {
        let d = match &e.hint {
            Some(h) => d.hint(h),
            None => d,
        };
        report.push_at(src, e.offset, e.len, d);
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
    /// Where each name is in `vars`.
    index: HashMap<String, usize>,
}

impl Env {
    fn get(&self, name: &str) -> Option<&Var> {
        self.index.get(name).map(|&i| &self.vars[i].1)
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
            match self.index.get(&a.name) {
                Some(&i) => self.vars[i].1 = v,
                None => {
                    self.index.insert(a.name.clone(), self.vars.len());
                    self.vars.push((a.name.clone(), v));
                }
            }
        }
    }
}

/// Every tunnel an input holds: one, with its companions.
pub(crate) fn read(src: &Source, cx: &ReadContext) -> Result<Vec<Parsed>, Failure> {
    read_one(src, cx.companions).map(|p| vec![p])
}

/// What an ifcfg file can hold.
pub(crate) fn lower(t: &Tunnel, _: &WriteContext) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
    lower_tunnel(t)
}

/// `ifcfg-NAME`, with `route-NAME` and `route6-NAME` when there are routes.
pub(crate) fn write(t: &Tunnel, _: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>> {
    Ok(encode(t))
}

pub(crate) fn read_one(src: &Source, companions: &dyn Companions) -> Result<Parsed, Failure> {
    let mut report = Report::default();
    let main = shell::parse_vars(&src.text);
    lex(&mut report, src, &main);
    let lex_failed = !main.errors.is_empty();
    let mut env = Env {
        sources: vec![src.clone()],
        vars: Vec::new(),
        index: HashMap::new(),
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
                lex(&mut report, &ksrc, &kvars);
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
    let tunnel = tunnel.map(|mut t| {
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
                    Ok(Some(rsrc)) => routes::read_routes(&rsrc, family, &mut t, &mut origins, &mut report),
                    Ok(None) => {}
                    Err(d) => report.error(d),
                }
            }
        }
        t
    });
    let (tunnel, warnings) = report.finish(tunnel)?;
    Ok(Parsed {
        tunnel,
        origins,
        warnings,
    })
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
    let name = interface_name(env, src, suffix, lex_failed, origins, report);
    let mode = mode(env, src, lex_failed, origins, report);
    let (name, mode) = (name?, mode?);
    let mut t = Tunnel::new(name, mode);
    settings(env, &mut t, origins, report);
    let mut extras_from: Vec<&str> = Vec::new();
    if !inner_address(env, &mut t, origins, report) {
        extras_from.push("PEER_INNER_IPADDR");
    }
    let v6 = ipv6(env, &mut t, origins, report);
    warn_bootproto(env, report);
    keep_extras(env, &mut t, origins, &extras_from, &v6);
    if report.has_errors() {
        return None;
    }
    Some(t)
}

/// The interface name: DEVICE wins over the file name, as in ifup.
fn interface_name(
    env: &Env,
    src: &Source,
    suffix: Option<&str>,
    lex_failed: bool,
    origins: &mut Origins,
    report: &mut Report,
) -> Option<String> {
    match (env.value("DEVICE"), suffix) {
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
    }
}

/// The mode from TYPE.
fn mode(
    env: &Env,
    src: &Source,
    lex_failed: bool,
    origins: &mut Origins,
    report: &mut Report,
) -> Option<Mode> {
    match env.value("TYPE") {
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
    }
}

/// The outer addresses, keys and the other one-value settings.
fn settings(env: &Env, t: &mut Tunnel, origins: &mut Origins, report: &mut Report) {
    let ip6 = t.mode.outer_family() == Family::V6;

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
}

/// The inner address: `ip addr add MY_INNER [peer PEER_INNER]`. `false`
/// when PEER_INNER_IPADDR has no use and is to be kept as an extra.
fn inner_address(env: &Env, t: &mut Tunnel, origins: &mut Origins, report: &mut Report) -> bool {
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
            return false;
        }
        (None, None) => {}
    }
    true
}

/// What IPV6INIT said and whether the IPv6 keys were read into the model.
struct Ipv6 {
    init: Option<bool>,
    consumed: bool,
}

/// IPv6 addresses (ifup-ipv6), only when IPV6INIT is yes.
fn ipv6(env: &Env, t: &mut Tunnel, origins: &mut Origins, report: &mut Report) -> Ipv6 {
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
            ipv6_addresses(env, "IPV6ADDR", v, t, origins, report);
        }
        if let Some(v) = env.value("IPV6ADDR_SECONDARIES") {
            ipv6_addresses(env, "IPV6ADDR_SECONDARIES", v, t, origins, report);
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
    Ipv6 {
        init: ipv6init,
        consumed: consumed_v6,
    }
}

/// BOOTPROTO: none is what grecfg writes; anything else is kept.
fn warn_bootproto(env: &Env, report: &mut Report) {
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
}

/// A BOOTPROTO that means a static address, what the tunnel model holds:
/// NetworkManager's ifcfg-rh reader takes `none` and `static` alike, in any
/// case.
fn static_bootproto(v: &str) -> bool {
    v.eq_ignore_ascii_case("none") || v.eq_ignore_ascii_case("static")
}

/// Everything else is kept as an extra, in file order.
fn keep_extras(env: &Env, t: &mut Tunnel, origins: &mut Origins, extras_from: &[&str], v6: &Ipv6) {
    let (ipv6init, consumed_v6) = (v6.init, v6.consumed);
    for (key, v) in &env.vars {
        let key = key.as_str();
        let keep = if reads_into_field(key) {
            extras_from.contains(&key)
        } else {
            match key {
                "IPV6INIT" => !consumed_v6,
                "IPV6ADDR" | "IPV6ADDR_SECONDARIES" => ipv6init != Some(true),
                // initscripts run DHCP for dhcp and bootp only, every other
                // value is a static address (`network-functions`); `static`
                // and `none` say the same, and the tunnel type implies
                // DEVICETYPE=tunnel (ifup picks ifup-tunnel from it).
                "BOOTPROTO" => !static_bootproto(&v.value),
                "DEVICETYPE" => !v.value.eq_ignore_ascii_case("tunnel"),
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

#[cfg(test)]
mod tests;
