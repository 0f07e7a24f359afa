//! NetworkManager keyfiles (docs/FORMATS.md §3): the `GKeyFile` syntax
//! (`gkeyfile`) around the settings dictionary (`nm::settings`).
//!
//! Output is byte-identical to what NetworkManager 1.42 writes itself
//! (`nmcli --offline connection add ...`), which `tests/keyfile_nmcli.rs`
//! checks against the real program.

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::codec::{OutputFile, Parsed, ReadContext, WriteContext, WriteOptions};
use crate::diag::{Diagnostic, Failure, Location, Origins, Problem, Report, Source};
use crate::format::meta::{Meta, Output, Pattern, Role, Sniff, TunnelFilter};
use crate::gkeyfile::{self, Entry, Group};
use crate::model::{Mode, Tunnel};
use crate::nm::settings::{
    self, format_route_options, group_for_setting, parse_route_options, property, route_fields,
    setting_for_group, split_extra_key, Kind, NmRoute, Settings, Value, ADDR_GEN_KEYFILE_DEFAULT,
};

/// What the registry knows of this format.
pub(crate) const META: Meta = Meta {
    aliases: &["keyfile"],
    read: Some(read),
    names: &[Pattern::Suffix(".nmconnection")],
    sniff: Some(Sniff {
        rank: 4,
        test: |_, first| first.starts_with('['),
    }),
    tunnels_only: Some(TunnelFilter {
        is_tunnel,
        otherwise: "not a tunnel (its [connection] type is not ip-tunnel)",
    }),
    // NetworkManager's keyfile plugin: persistent, runtime, vendor.,
    system_dirs: &[
        "etc/NetworkManager/system-connections",
        "run/NetworkManager/system-connections",
        "usr/lib/NetworkManager/system-connections",
    ],
    ..Meta::new(
        "nm",
        "NetworkManager keyfile `NAME.nmconnection` (alias: keyfile)",
        Role::Tunnel,
        lower,
        write,
        &[Output::new(|t| file_name(t.profile_id()), 0o600).dir("etc/NetworkManager/system-connections")],
    )
};

/// Where each property of the dictionary was read: (setting, property,
/// list index) → location.
type Locations = BTreeMap<(String, String, Option<usize>), Location>;

/// Every tunnel a keyfile holds: one profile.
pub(crate) fn read(src: &Source, _: &ReadContext) -> Result<Vec<Parsed>, Failure> {
    read_one(src).map(|p| vec![p])
}

pub fn read_one(src: &Source) -> Result<Parsed, Failure> {
    let (kf, syntax_warnings) = gkeyfile::parse(&src.text)
        .map_err(|issues| Failure::new(issues.iter().map(|i| issue_diag(src, i, true)).collect()))?;
    let mut report = Report::default();
    for i in &syntax_warnings {
        report.warn(issue_diag(src, i, false));
    }
    let mut locs = Locations::new();
    let mut s = Settings::default();
    let mut group_lines: BTreeMap<String, Location> = BTreeMap::new();
    let mut decode_failures: Vec<(String, String)> = Vec::new();
    for group in &kf.groups {
        let setting = setting_for_group(&group.name).to_string();
        let header = src.loc(group.line, 1, group.name.chars().count() + 2);
        if split_extra_key(&format!("{}.x", group.name)) != Some((group.name.as_str(), "x")) {
            report.warn(
                Diagnostic::warning(format!(
                    "group [{}] is dropped: grecfg cannot keep a group whose name contains '.'",
                    group.name
                ))
                .at(header.clone()),
            );
            continue;
        }
        group_lines.insert(setting.clone(), header.clone());
        if group.entries.is_empty() && setting != "proxy" {
            report.warn(
                Diagnostic::warning(format!("empty group [{}] is not kept", group.name)).at(header.clone()),
            );
        }
        // The setting exists even when all its properties are defaults.
        s.settings.entry(setting.clone()).or_default();
        let mut out = Decoded {
            s: &mut s,
            locs: &mut locs,
            report: &mut report,
            failed: &mut decode_failures,
        };
        decode_group(src, group, &setting, &mut out);
    }
    // Properties that failed to decode are absent from the dictionary; the
    // conversion would call them missing, which says less than the error
    // already reported.
    let failed = decode_failures;
    // NetworkManager's keyfile reader takes an [ipv6] group without
    // addr-gen-mode as `default-or-eui64` (not the D-Bus and nmcli
    // `default`), so that old profiles keep their addresses.
    if let Some(ipv6) = s.settings.get_mut("ipv6") {
        if !ipv6.contains_key("addr-gen-mode") && !failed.contains(&("ipv6".into(), "addr-gen-mode".into())) {
            ipv6.insert(
                "addr-gen-mode".into(),
                Value::Opaque(ADDR_GEN_KEYFILE_DEFAULT.into()),
            );
        }
    }

    let (tunnel, findings, sources) = settings::to_tunnel(&s);
    let find_loc = |setting: &str, prop: &str, idx: Option<usize>| -> Location {
        locs.get(&(setting.to_string(), prop.to_string(), idx))
            .or_else(|| locs.get(&(setting.to_string(), prop.to_string(), None)))
            .or_else(|| group_lines.get(setting))
            .cloned()
            .unwrap_or_else(|| src.whole())
    };
    for f in findings
        .iter()
        .filter(|f| !failed.contains(&(f.setting.clone(), f.property.clone())))
    {
        let mut d = if f.error {
            Diagnostic::error(f.message.clone())
        } else {
            Diagnostic::warning(f.message.clone())
        };
        d = d.at(find_loc(&f.setting, &f.property, f.index));
        if let Some(h) = &f.hint {
            d = d.hint(h.clone());
        }
        report.push(d);
    }
    let Some(tunnel) = tunnel.filter(|_| !report.has_errors()) else {
        return Err(Failure::new(report.errors_first()));
    };
    let mut origins = Origins::new(src.whole());
    for (field, (setting, prop, idx)) in &sources {
        origins.set(field.clone(), find_loc(setting, prop, *idx));
    }
    if let Some(e) = tunnel.extras.iter().find(|e| e.key.ends_with(".gateway")) {
        let setting = e.key.split('.').next().unwrap_or("ipv4");
        report.warn(
            Diagnostic::warning(format!(
                "gateway {} is kept for NetworkManager only: the tunnel model has no default gateway, other formats will not carry it",
                e.value
            ))
            .at(find_loc(setting, "gateway", None))
            .hint("a route through the tunnel (route1=0.0.0.0/0) says the same for every format"),
        );
    }
    Ok(Parsed {
        tunnel,
        origins,
        warnings: report.in_order(),
    })
}

fn issue_diag(src: &Source, i: &gkeyfile::Issue, error: bool) -> Diagnostic {
    let d = if error {
        Diagnostic::error(i.message.clone())
    } else {
        Diagnostic::warning(i.message.clone())
    };
    let d = d.at(src.loc(i.line, i.column, i.len));
    match &i.hint {
        Some(h) => d.hint(h.clone()),
        None => d,
    }
}

fn value_loc(src: &Source, e: &Entry) -> Location {
    src.loc(e.line, e.value_column, e.value_len())
}

/// Where decoding puts what it finds.
struct Decoded<'a> {
    s: &'a mut Settings,
    locs: &'a mut Locations,
    report: &'a mut Report,
    /// (setting, property) that had an error.
    failed: &'a mut Vec<(String, String)>,
}

fn decode_group(src: &Source, group: &Group, setting: &str, out: &mut Decoded) {
    let Decoded {
        s,
        locs,
        report,
        failed,
    } = out;
    let is_ip = setting == "ipv4" || setting == "ipv6";
    let v6 = setting == "ipv6";
    // NetworkManager reads address, address0, address1, ... addresses,
    // addresses1, ... ordered by index, then the plain form first.
    let mut addr_keys = Vec::new();
    let mut route_keys = Vec::new();
    for e in &group.entries {
        if !is_ip {
            break;
        }
        if let Some(i) = list_index(&e.key, "address")
            .map(|i| (i, 0))
            .or_else(|| list_index(&e.key, "addresses").map(|i| (i, 1)))
        {
            addr_keys.push((i, e));
        } else if let Some(i) = list_index(&e.key, "route")
            .map(|i| (i, 0))
            .or_else(|| list_index(&e.key, "routes").map(|i| (i, 1)))
        {
            route_keys.push((i, e));
        }
    }
    addr_keys.sort_by_key(|(i, _)| *i);
    route_keys.sort_by_key(|(i, _)| *i);

    let mut gateway: Option<(String, Location)> = None;
    if is_ip {
        let mut addrs = Vec::new();
        for (_, e) in &addr_keys {
            match parse_ip_item(src, e, v6, false, report) {
                Ok((net, gw, _)) => {
                    locs.insert(
                        (setting.into(), "addresses".into(), Some(addrs.len())),
                        value_loc(src, e),
                    );
                    addrs.push(net);
                    if let (Some(gw), None) = (gw, &gateway) {
                        gateway = Some((gw.to_string(), value_loc(src, e)));
                    }
                }
                Err(d) => report.error(d),
            }
        }
        if !addrs.is_empty() {
            s.set(setting, "addresses", Value::Addresses(addrs));
        }
        let mut routes = Vec::new();
        for (_, e) in &route_keys {
            match parse_ip_item(src, e, v6, true, report) {
                Ok((dest, gw, metric)) => {
                    let mut r = NmRoute {
                        dest,
                        next_hop: gw.filter(|g| !g.is_unspecified()),
                        metric,
                        table: None,
                        options: BTreeMap::new(),
                    };
                    if let Some(o) = group.get(&format!("{}_options", e.key)) {
                        decode_route_options(src, o, &mut r, report);
                    }
                    locs.insert(
                        (setting.into(), "routes".into(), Some(routes.len())),
                        value_loc(src, e),
                    );
                    routes.push(r);
                }
                Err(d) => report.error(d),
            }
        }
        if !routes.is_empty() {
            s.set(setting, "routes", Value::Routes(routes));
        }
    }

    for e in &group.entries {
        let loc = value_loc(src, e);
        if is_ip {
            let base = e.key.strip_suffix("_options").unwrap_or(&e.key);
            if list_index(base, "address").is_some()
                || list_index(base, "addresses").is_some()
                || list_index(base, "route").is_some()
                || list_index(base, "routes").is_some()
            {
                continue;
            }
            if e.key == "gateway" {
                gateway = Some((e.raw.clone(), loc));
                continue;
            }
        }
        locs.insert((setting.into(), e.key.clone(), None), loc.clone());
        let Some(p) = property(setting, &e.key) else {
            s.set(setting, &e.key, Value::Opaque(e.raw.clone()));
            continue;
        };
        match decode_value(&e.raw, p.kind, setting, &e.key) {
            Ok(v) => s.set(setting, &e.key, v),
            Err((msg, hint)) => {
                failed.push((setting.to_string(), e.key.clone()));
                let mut d = Diagnostic::error(msg).at(loc);
                if let Some(h) = hint {
                    d = d.hint(h);
                }
                report.error(d);
            }
        }
    }
    if let Some((gw, loc)) = gateway {
        locs.insert((setting.into(), "gateway".into(), None), loc);
        s.set(setting, "gateway", Value::Opaque(gw));
    }
}

/// `base`, `base0`, `base1`, ... → Some(-1), Some(0), Some(1) as
/// NetworkManager matches list keys (no leading zeros).
fn list_index(key: &str, base: &str) -> Option<i64> {
    let rest = key.strip_prefix(base)?;
    if rest.is_empty() {
        return Some(-1);
    }
    if rest == "0" {
        return Some(0);
    }
    if rest.starts_with('0') || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    rest.parse::<i32>().ok().map(i64::from)
}

/// `A/P[,GW]` (addresses) or `D/P[,GW[,METRIC]]` (routes). NetworkManager
/// accepts `/`, `,` and `;` interchangeably between fields.
fn parse_ip_item(
    src: &Source,
    e: &Entry,
    v6: bool,
    route: bool,
    report: &mut Report,
) -> Result<(IpNet, Option<IpAddr>, Option<u32>), Diagnostic> {
    let loc = value_loc(src, e);
    let what = if route { "route" } else { "address" };
    let bad = |msg: String| Diagnostic::error(msg).at(loc.clone());
    let value =
        gkeyfile::unescape(&e.raw).map_err(|_| bad(format!("invalid escape in {what} {:?}", e.raw)))?;
    let mut fields: Vec<&str> = value.split(['/', ',', ';']).collect();
    if fields.len() > 1 && fields.last() == Some(&"") {
        fields.pop();
    }
    let mut it = fields.into_iter().peekable();
    let addr_s = it.next().unwrap_or("");
    let addr: IpAddr = addr_s
        .parse()
        .map_err(|_| bad(format!("{what} {addr_s:?} is not an IP address")))?;
    if matches!(addr, IpAddr::V6(_)) != v6 {
        return Err(bad(format!(
            "{what} {addr} is not {}",
            if v6 { "IPv6" } else { "IPv4" }
        )));
    }
    let max = if v6 { 128 } else { 32 };
    let plen = match it.peek() {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            let p = it.next().unwrap_or_default();
            match p.parse::<u8>() {
                Ok(n) if n <= max => n,
                _ => return Err(bad(format!("prefix length {p} is outside 0..={max}"))),
            }
        }
        _ => {
            let d = match (route, v6) {
                (true, true) => 128,
                (false, true) => 64,
                _ => 24,
            };
            report.warn(
                Diagnostic::warning(format!(
                    "{what} {addr} has no prefix length; NetworkManager assumes /{d}"
                ))
                .at(loc.clone()),
            );
            d
        }
    };
    let net = IpNet::new(addr, plen).map_err(|_| bad(format!("invalid prefix length {plen}")))?;
    let gw = match it.next() {
        None | Some("") => None,
        Some(g) => {
            let ga: IpAddr = g
                .parse()
                .map_err(|_| bad(format!("gateway {g:?} is not an IP address")))?;
            if matches!(ga, IpAddr::V6(_)) != v6 {
                return Err(bad(format!(
                    "gateway {ga} is not {}",
                    if v6 { "IPv6" } else { "IPv4" }
                )));
            }
            Some(ga)
        }
    };
    let metric = if route {
        match it.next() {
            None => None,
            Some(m) => Some(
                m.parse::<u32>()
                    .ok()
                    .filter(|_| m.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| bad(format!("metric {m:?} is not a number")))?,
            ),
        }
    } else {
        None
    };
    if let Some(rest) = it.next() {
        return Err(bad(format!("unexpected {rest:?} at the end of {what} {value:?}")));
    }
    Ok((net, gw, metric))
}

fn decode_route_options(src: &Source, e: &Entry, r: &mut NmRoute, report: &mut Report) {
    let loc = value_loc(src, e);
    // Options other than table are kept as written (raw), like any extra.
    let Some(opts) = parse_route_options(&e.raw) else {
        report.error(
            Diagnostic::error(format!("route options {:?} are not name=value pairs", e.raw))
                .at(loc)
                .hint("write them as table=100,mtu=1400"),
        );
        return;
    };
    for (k, v) in opts {
        if k == "table" {
            match v.parse::<u32>() {
                // table=0 is NetworkManager's "unspecified": the profile's
                // route-table, by default main, which the model spells None.
                Ok(n) if v.bytes().all(|b| b.is_ascii_digit()) => r.table = (n != 0).then_some(n),
                _ => report
                    .error(Diagnostic::error(format!("route table {v:?} is not a number")).at(loc.clone())),
            }
        } else {
            r.options.insert(k, v);
        }
    }
}

fn decode_value(raw: &str, kind: Kind, setting: &str, key: &str) -> Result<Value, (String, Option<String>)> {
    let s = gkeyfile::unescape(raw).map_err(|_| {
        (
            format!("{setting}.{key}: \\; is only valid inside lists"),
            Some("write a literal ; without the backslash".to_string()),
        )
    })?;
    match kind {
        Kind::Str | Kind::DecimalStr => Ok(Value::Str(s)),
        Kind::Bool => match s.trim_end() {
            "true" | "1" => Ok(Value::Bool(true)),
            "false" | "0" => Ok(Value::Bool(false)),
            other => Err((
                format!("{setting}.{key}={other} is not a boolean"),
                Some("NetworkManager writes true or false".into()),
            )),
        },
        Kind::U32(max) => {
            let t = s.trim_end();
            match t.parse::<u32>() {
                Ok(n) if n <= max && t.bytes().all(|b| b.is_ascii_digit()) => Ok(Value::U32(n)),
                Ok(n) => Err((format!("{setting}.{key}={n} is outside 0..={max}"), None)),
                Err(_) => {
                    let hint = match (setting, key, Mode::from_name(t)) {
                        ("ip-tunnel", "mode", Some(m)) => format!(
                            "NetworkManager stores the mode as a number: {} is {}",
                            m.name(),
                            m.nm_number()
                        ),
                        _ => "NetworkManager writes a decimal number here".to_string(),
                    };
                    Err((format!("{setting}.{key}={t} is not a number"), Some(hint)))
                }
            }
        }
        Kind::Addresses | Kind::Routes => Ok(Value::Opaque(raw.to_string())),
    }
}

/// Lower a tunnel onto what a keyfile holds: NetworkManager's rules
/// (`nm::lower`), without the extras NetworkManager would refuse in the
/// profile as a whole; a keyfile has no extras of its own spelling.
pub fn lower(t: &Tunnel, opts: &WriteOptions) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
    let mut l = crate::nm::lower(t, opts, None)?;
    crate::nm::nmcli::drop_refused(&mut l.tunnel, &mut l.warnings);
    Ok((l.tunnel, l.warnings))
}

/// The keyfile NetworkManager would write for the profile.
pub(crate) fn write(t: &Tunnel, _: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>> {
    Ok(encode(t))
}

pub fn encode(t: &Tunnel) -> Vec<OutputFile> {
    let s = settings::from_tunnel(t);
    let mut groups = Vec::new();
    for (setting, props) in s.ordered() {
        let gateway = match s.get(setting, "gateway") {
            Some(Value::Opaque(g)) => Some(g.as_str()),
            _ => None,
        };
        let mut entries = Vec::new();
        for (name, value) in props {
            match value {
                Value::Str(v) => entries.push((name.to_string(), gkeyfile::escape(v))),
                Value::U32(v) => entries.push((name.to_string(), v.to_string())),
                Value::Bool(v) => entries.push((name.to_string(), v.to_string())),
                Value::Opaque(_) if name == "gateway" && (setting == "ipv4" || setting == "ipv6") => {}
                // The keyfile spells `default-or-eui64` by leaving the key out.
                Value::Opaque(raw)
                    if setting == "ipv6" && name == "addr-gen-mode" && raw == ADDR_GEN_KEYFILE_DEFAULT => {}
                Value::Opaque(raw) => entries.push((name.to_string(), raw.clone())),
                Value::Addresses(list) => {
                    for (i, a) in list.iter().enumerate() {
                        let mut v = a.to_string();
                        if let (0, Some(g)) = (i, gateway) {
                            v.push(',');
                            v.push_str(g);
                        }
                        entries.push((format!("address{}", i + 1), v));
                    }
                }
                Value::Routes(list) => {
                    for (i, r) in list.iter().enumerate() {
                        entries.push((format!("route{}", i + 1), route_fields(r, ',')));
                        let o = format_route_options(&r.options, r.table);
                        if !o.is_empty() {
                            entries.push((format!("route{}_options", i + 1), o));
                        }
                    }
                }
            }
        }
        groups.push((group_for_setting(setting).to_string(), entries));
    }
    vec![OutputFile {
        name: file_name(t.profile_id()),
        contents: gkeyfile::write(&groups),
        mode: 0o600,
    }]
}

/// The file name NetworkManager's keyfile plugin gives a profile
/// (`nms_keyfile_utils_escape_filename` with the `.nmconnection`
/// extension): `/` becomes `_`; a leading `.` and a trailing `~` become
/// `_`; names that look like temporary files (`.XXXXXX`) or certificates
/// (`.pem`, `.der`) get a `_` appended.
pub(crate) fn file_name(id: &str) -> String {
    let mut s: String = id.chars().map(|c| if c == '/' { '_' } else { c }).collect();
    if s.starts_with('.') {
        s.replace_range(..1, "_");
    }
    if s.len() > 1 && s.ends_with('~') {
        s.pop();
        s.push('_');
    }
    let mkstemp = s.rfind('.').is_some_and(|p| {
        let tail = &s[p + 1..];
        tail.len() == 6 && tail.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    let lower = s.to_ascii_lowercase();
    let cert = |tag: &str| lower.len() > tag.len() && lower.ends_with(tag);
    if mkstemp || cert(".pem") || cert(".der") {
        s.push('_');
    }
    s.push_str(".nmconnection");
    s
}

/// Whether a keyfile is an ip-tunnel profile, for scanning a directory
/// that holds NetworkManager's other profiles too. A file that does not
/// parse is read (and its errors reported) rather than skipped.
pub(crate) fn is_tunnel(text: &str) -> bool {
    match gkeyfile::parse(text) {
        Ok((kf, _)) => kf
            .group("connection")
            .and_then(|g| g.get("type"))
            .is_none_or(|e| e.raw.trim_end() == "ip-tunnel"),
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests;
