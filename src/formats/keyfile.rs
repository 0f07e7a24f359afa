//! NetworkManager keyfiles (FORMATS.md §3): the `GKeyFile` syntax
//! (`gkeyfile`) around the settings dictionary (`nm::settings`).
//!
//! Output is byte-identical to what NetworkManager 1.42 writes itself
//! (`nmcli --offline connection add ...`), which `tests/keyfile_nmcli.rs`
//! checks against the real program.

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::codec::{OutputFile, Parsed, WriteOptions};
use crate::diag::{Diagnostic, Failure, Location, Origins, Problem, Source};
use crate::formats::gkeyfile::{self, Entry, Group};
use crate::model::{Mode, Tunnel};
use crate::nm::settings::{
    self, format_route_options, group_for_setting, parse_route_options, property, setting_for_group,
    split_extra_key, Kind, NmRoute, Settings, Value, ADDR_GEN_KEYFILE_DEFAULT,
};

/// Where each property of the dictionary was read: (setting, property,
/// list index) → location.
type Locations = BTreeMap<(String, String, Option<usize>), Location>;

pub fn read(src: &Source) -> Result<Parsed, Failure> {
    let (kf, syntax_warnings) = gkeyfile::parse(&src.text)
        .map_err(|issues| Failure::new(issues.iter().map(|i| issue_diag(src, i, true)).collect()))?;
    let mut warnings: Vec<Diagnostic> = syntax_warnings
        .iter()
        .map(|i| issue_diag(src, i, false))
        .collect();
    let mut errors = Vec::new();
    let mut locs = Locations::new();
    let mut s = Settings::default();
    let mut group_lines: BTreeMap<String, Location> = BTreeMap::new();
    let mut decode_failures: Vec<(String, String)> = Vec::new();
    for group in &kf.groups {
        let setting = setting_for_group(&group.name).to_string();
        let header = src.loc(group.line, 1, group.name.chars().count() + 2);
        if split_extra_key(&format!("{}.x", group.name)) != Some((group.name.as_str(), "x")) {
            warnings.push(
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
            warnings.push(
                Diagnostic::warning(format!("empty group [{}] is not kept", group.name)).at(header.clone()),
            );
        }
        // The setting exists even when all its properties are defaults.
        s.settings.entry(setting.clone()).or_default();
        let mut out = Decoded {
            s: &mut s,
            locs: &mut locs,
            errors: &mut errors,
            warnings: &mut warnings,
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
        if f.error {
            errors.push(d);
        } else {
            warnings.push(d);
        }
    }
    let Some(tunnel) = tunnel.filter(|_| errors.is_empty()) else {
        let mut all = errors;
        all.extend(warnings);
        all.sort_by_key(|d| !d.is_error());
        return Err(Failure::new(all));
    };
    let mut origins = Origins::new(src.whole());
    for (field, (setting, prop, idx)) in &sources {
        origins.set(field.clone(), find_loc(setting, prop, *idx));
    }
    if let Some(e) = tunnel.extras.iter().find(|e| e.key.ends_with(".gateway")) {
        let setting = e.key.split('.').next().unwrap_or("ipv4");
        warnings.push(
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
        warnings,
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
    errors: &'a mut Vec<Diagnostic>,
    warnings: &'a mut Vec<Diagnostic>,
    /// (setting, property) that had an error.
    failed: &'a mut Vec<(String, String)>,
}

fn decode_group(src: &Source, group: &Group, setting: &str, out: &mut Decoded) {
    let Decoded {
        s,
        locs,
        errors,
        warnings,
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
            match parse_ip_item(src, e, v6, false, warnings) {
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
                Err(d) => errors.push(d),
            }
        }
        if !addrs.is_empty() {
            s.set(setting, "addresses", Value::Addresses(addrs));
        }
        let mut routes = Vec::new();
        for (_, e) in &route_keys {
            match parse_ip_item(src, e, v6, true, warnings) {
                Ok((dest, gw, metric)) => {
                    let mut r = NmRoute {
                        dest,
                        next_hop: gw.filter(|g| !g.is_unspecified()),
                        metric,
                        table: None,
                        options: BTreeMap::new(),
                    };
                    if let Some(o) = group.get(&format!("{}_options", e.key)) {
                        decode_route_options(src, o, &mut r, errors);
                    }
                    locs.insert(
                        (setting.into(), "routes".into(), Some(routes.len())),
                        value_loc(src, e),
                    );
                    routes.push(r);
                }
                Err(d) => errors.push(d),
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
                errors.push(d);
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
    warnings: &mut Vec<Diagnostic>,
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
            warnings.push(
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

fn decode_route_options(src: &Source, e: &Entry, r: &mut NmRoute, errors: &mut Vec<Diagnostic>) {
    let loc = value_loc(src, e);
    // Options other than table are kept as written (raw), like any extra.
    let Some(opts) = parse_route_options(&e.raw) else {
        errors.push(
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
                _ => errors
                    .push(Diagnostic::error(format!("route table {v:?} is not a number")).at(loc.clone())),
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
/// (`nm::lower`); a keyfile has no extras of its own spelling.
pub fn lower(t: &Tunnel, opts: &WriteOptions) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
    crate::nm::lower(t, opts, None).map(|l| (l.tunnel, l.warnings))
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
                        entries.push((format!("route{}", i + 1), route_value(r)));
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

/// `D/P[,GW[,METRIC]]`; NetworkManager writes the unspecified address as
/// gateway when only a metric is set, for old readers.
fn route_value(r: &NmRoute) -> String {
    let mut v = r.dest.to_string();
    if r.next_hop.is_some() || r.metric.is_some() {
        let gw = r.next_hop.map_or_else(
            || {
                if r.dest.addr().is_ipv6() {
                    "::".to_string()
                } else {
                    "0.0.0.0".to_string()
                }
            },
            |g| g.to_string(),
        );
        v.push(',');
        v.push_str(&gw);
        if let Some(m) = r.metric {
            v.push(',');
            v.push_str(&m.to_string());
        }
    }
    v
}

/// The file name NetworkManager's keyfile plugin gives a profile
/// (`nms_keyfile_utils_escape_filename` with the `.nmconnection`
/// extension): `/` becomes `_`; a leading `.` and a trailing `~` become
/// `_`; names that look like temporary files (`.XXXXXX`) or certificates
/// (`.pem`, `.der`) get a `_` appended.
pub fn file_name(id: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;
    use crate::model::{Extra, InnerAddress, Neighbour, Route};

    const NM_GRE_HK: &str = "[connection]\nid=gre_hk\nuuid=4f94f00d-e36e-4f10-8a55-68f63d276d26\ntype=ip-tunnel\ninterface-name=gre_hk\n\n[ip-tunnel]\nlocal=172.31.34.149\nmode=2\nremote=172.31.37.44\n\n[ipv4]\naddress1=10.10.10.1/30\nmethod=manual\n\n[ipv6]\naddr-gen-mode=default\nmethod=disabled\n\n[proxy]\n";

    fn src(text: &str) -> Source {
        Source::new("t.nmconnection", None, text)
    }

    fn read_ok(text: &str) -> Parsed {
        match read(&src(text)) {
            Ok(p) => p,
            Err(f) => panic!("{f}"),
        }
    }

    fn read_err(text: &str) -> Failure {
        match read(&src(text)) {
            Ok(p) => panic!("read succeeded: {:?}", p.tunnel),
            Err(f) => f,
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    fn opts() -> WriteOptions {
        WriteOptions::default()
    }

    fn gre() -> Tunnel {
        let mut t = Tunnel::new("gre1", Mode::Gre);
        t.local = Some(ip("192.0.2.1"));
        t.remote = Some(ip("198.51.100.1"));
        t
    }

    fn fields(w: &[Problem]) -> Vec<&str> {
        w.iter().map(|p| p.field.as_deref().unwrap_or("")).collect()
    }

    #[test]
    fn reads_networkmanagers_own_output() {
        let p = read_ok(NM_GRE_HK);
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let t = &p.tunnel;
        assert_eq!(t.name, "gre_hk");
        assert_eq!(t.mode, Mode::Gre);
        assert_eq!(t.local, Some(ip("172.31.34.149")));
        assert_eq!(t.remote, Some(ip("172.31.37.44")));
        assert_eq!(
            t.addresses,
            vec![InnerAddress {
                address: net("10.10.10.1/30"),
                peer: None
            }]
        );
        assert_eq!(t.id.as_deref(), Some("gre_hk"));
        assert_eq!(
            t.uuid.unwrap().to_string(),
            "4f94f00d-e36e-4f10-8a55-68f63d276d26"
        );
        assert!(t.extras.is_empty(), "{:?}", t.extras);
        assert_eq!(p.origins.get(Some("remote")).unwrap().line, 10);
        assert_eq!(p.origins.get(Some("remote")).unwrap().column, 8);
        assert_eq!(p.origins.get(Some("addresses[0]")).unwrap().line, 13);
        // Written back unchanged.
        let (low, w) = lower(t, &opts()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(encode(&low)[0].contents, NM_GRE_HK);
    }

    #[test]
    fn mode_by_name_is_an_error_with_the_number() {
        let f = read_err(&NM_GRE_HK.replace("mode=2", "mode=gre"));
        let d = &f.diagnostics[0];
        let l = d.location.as_ref().unwrap();
        assert_eq!((l.line, l.column, l.len), (9, 6, 3));
        assert_eq!(
            d.hint.as_deref(),
            Some("NetworkManager stores the mode as a number: gre is 2")
        );
        let f = read_err(&NM_GRE_HK.replace("mode=2", "mode=12"));
        assert!(f.diagnostics[0].message.contains("1..11"), "{f}");
    }

    #[test]
    fn keys_must_be_decimal() {
        for bad in ["0x10", "1.2.3.4", "-1", "4294967296"] {
            let f = read_err(&NM_GRE_HK.replace("mode=2", &format!("mode=2\ninput-key={bad}")));
            let d = &f.diagnostics[0];
            assert_eq!(d.location.as_ref().unwrap().line, 10, "{bad}");
            assert!(d.hint.as_deref().unwrap().contains("decimal"), "{bad}: {d}");
        }
        let p = read_ok(&NM_GRE_HK.replace("mode=2", "input-key=0\nmode=2\noutput-key=4294967295"));
        assert_eq!(
            (p.tunnel.input_key, p.tunnel.output_key),
            (Some(0), Some(u32::MAX))
        );
    }

    #[test]
    fn wrong_type_and_missing_interface_name_are_errors() {
        let f = read_err(&NM_GRE_HK.replace("type=ip-tunnel", "type=ethernet"));
        assert!(f.diagnostics[0].message.contains("not a tunnel"), "{f}");
        assert_eq!(f.diagnostics[0].location.as_ref().unwrap().line, 4);
        let f = read_err(&NM_GRE_HK.replace("interface-name=gre_hk\n", ""));
        let d = &f.diagnostics[0];
        assert!(d.message.contains("interface-name"), "{f}");
        assert!(d.hint.as_deref().unwrap().contains("cannot activate"));
        assert_eq!(d.location.as_ref().unwrap().line, 1, "points at [connection]");
    }

    #[test]
    fn all_errors_are_collected() {
        let text = NM_GRE_HK
            .replace("mode=2", "mode=gre")
            .replace("local=172.31.34.149", "local=nowhere")
            .replace("address1=10.10.10.1/30", "address1=10.10.10.1/33");
        let f = read_err(&text);
        assert_eq!(f.diagnostics.iter().filter(|d| d.is_error()).count(), 3, "{f}");
        assert!(
            f.diagnostics.iter().all(|d| !d.message.contains("missing")),
            "{f}"
        );
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let f = read_err("[connection]\nid=a\\qb\n");
        let l = f.diagnostics[0].location.as_ref().unwrap();
        assert_eq!((l.line, l.column), (2, 5));
        let f = read_err("id=x\n[connection]\n");
        assert!(f.diagnostics[0].message.contains("outside any group"));
    }

    #[test]
    fn escaped_strings_are_decoded() {
        let p = read_ok(&NM_GRE_HK.replace("id=gre_hk", "id=\\sa\\\\b;c\\td"));
        assert_eq!(p.tunnel.id.as_deref(), Some(" a\\b;c\td"));
        let f = read_err(&NM_GRE_HK.replace("id=gre_hk", "id=a\\;b"));
        assert!(f.diagnostics[0].message.contains("\\;"), "{f}");
    }

    #[test]
    fn everything_without_a_field_becomes_an_extra() {
        let text = NM_GRE_HK
            .replace(
                "interface-name=gre_hk",
                "interface-name=gre_hk\npermissions=user:root:;",
            )
            .replace("method=manual", "dns=8.8.8.8;\nmethod=manual\nnever-default=true")
            .replace(
                "[proxy]\n",
                "[proxy]\nmethod=1\n\n[ethernet]\nmtu=1400\n\n[user]\norg.example.x=y\n",
            )
            .replace("addr-gen-mode=default", "addr-gen-mode=eui64");
        let p = read_ok(&text);
        let keys: Vec<_> = p
            .tunnel
            .extras
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("connection.permissions", "user:root:;"),
                ("ethernet.mtu", "1400"),
                ("ipv4.dns", "8.8.8.8;"),
                ("ipv4.never-default", "true"),
                ("ipv6.addr-gen-mode", "eui64"),
                ("proxy.method", "1"),
                ("user.org.example.x", "y"),
            ]
        );
        assert!(p.tunnel.extras.iter().all(|e| e.format == "keyfile"));
        assert_eq!(p.origins.get(Some("extras[2]")).unwrap().line, 15);
        // Written in NetworkManager's order and read back the same.
        let (low, w) = lower(&p.tunnel, &opts()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        let out = &encode(&low)[0].contents;
        assert!(out.contains("[ethernet]\nmtu=1400\n\n[ip-tunnel]"), "{out}");
        assert!(
            out.ends_with("[proxy]\nmethod=1\n\n[user]\norg.example.x=y\n"),
            "{out}"
        );
        assert_eq!(read_ok(out).tunnel, low);
    }

    #[test]
    fn stable_privacy_is_kept_and_default_is_not_an_extra() {
        // nmcli --offline ... ipv6.addr-gen-mode stable-privacy writes
        // addr-gen-mode=stable-privacy: it is not NetworkManager's `default`.
        let text = NM_GRE_HK.replace("addr-gen-mode=default", "addr-gen-mode=stable-privacy");
        let p = read_ok(&text);
        let keys: Vec<_> = p
            .tunnel
            .extras
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(keys, vec![("ipv6.addr-gen-mode", "stable-privacy")]);
        let (low, w) = lower(&p.tunnel, &opts()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        let out = &encode(&low)[0].contents;
        assert!(
            out.contains("[ipv6]\naddr-gen-mode=stable-privacy\nmethod=disabled\n"),
            "{out}"
        );
        assert_eq!(read_ok(out).tunnel, low);
        assert!(read_ok(NM_GRE_HK).tunnel.extras.is_empty());
    }

    #[test]
    fn missing_addr_gen_mode_stays_missing() {
        // NetworkManager reads an [ipv6] group without addr-gen-mode as
        // default-or-eui64, and nmcli --offline ... ipv6.addr-gen-mode
        // default-or-eui64 writes no key: the file must not gain `default`.
        let text = NM_GRE_HK.replace("addr-gen-mode=default\n", "");
        let p = read_ok(&text);
        let keys: Vec<_> = p
            .tunnel
            .extras
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(keys, vec![("ipv6.addr-gen-mode", "default-or-eui64")]);
        assert_eq!(p.origins.get(Some("extras[0]")).unwrap().line, 16);
        let (low, w) = lower(&p.tunnel, &opts()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        let out = &encode(&low)[0].contents;
        assert_eq!(out, &text);
        assert_eq!(read_ok(out).tunnel, low);
        // Other NetworkManager encodings keep the value.
        let cmd = crate::nm::nmcli::command_line(&low);
        assert!(cmd.contains("ipv6.addr-gen-mode default-or-eui64"), "{cmd}");
        // An explicit value is kept as it is, and no [ipv6] group adds none.
        let eui = read_ok(&NM_GRE_HK.replace("addr-gen-mode=default", "addr-gen-mode=eui64"));
        assert_eq!(eui.tunnel.extras[0].value, "eui64");
        let none = read_ok(&NM_GRE_HK.replace("[ipv6]\naddr-gen-mode=default\nmethod=disabled\n\n", ""));
        assert!(none.tunnel.extras.is_empty(), "{:?}", none.tunnel.extras);
    }

    #[test]
    fn gateway_of_a_never_default_profile_is_dropped_naming_its_line() {
        for (never, kept) in [("true", false), ("1", false), ("false", true)] {
            let text = NM_GRE_HK.replace(
                "method=manual",
                &format!("gateway=10.10.10.2\nmethod=manual\nnever-default={never}"),
            );
            let p = read_ok(&text);
            let (low, w) = lower(&p.tunnel, &opts()).unwrap();
            let out = &encode(&low)[0].contents;
            // NetworkManager writes the gateway after the first address.
            assert_eq!(out.contains("address1=10.10.10.1/30,10.10.10.2\n"), kept, "{out}");
            assert!(out.contains(&format!("never-default={never}")), "{out}");
            if kept {
                assert!(w.is_empty(), "{w:?}");
                continue;
            }
            assert_eq!(w.len(), 1, "{w:?}");
            let field = w[0].field.as_deref().unwrap();
            assert_eq!(p.origins.get(Some(field)).unwrap().line, 14, "{field}");
            assert!(
                w[0].message.contains("ipv4.gateway=10.10.10.2 is dropped")
                    && w[0].message.contains("ipv4.never-default=true"),
                "{}",
                w[0].message
            );
        }
        // Only the same family counts.
        let text = NM_GRE_HK
            .replace("method=manual", "gateway=10.10.10.2\nmethod=manual")
            .replace("method=disabled", "method=disabled\nnever-default=true");
        let (low, w) = lower(&read_ok(&text).tunnel, &opts()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert!(encode(&low)[0]
            .contents
            .contains("address1=10.10.10.1/30,10.10.10.2\n"));
    }

    #[test]
    fn routes_with_gateway_metric_table_and_options() {
        let text = NM_GRE_HK.replace(
            "method=manual",
            "method=manual\nroute1=10.2.0.0/24,10.10.10.2,100\nroute1_options=mtu=1400,table=5\nroute2=10.3.0.0/16\nroute3=10.4.0.0/16,0.0.0.0,7",
        );
        let p = read_ok(&text);
        let r = &p.tunnel.routes;
        assert_eq!(r.len(), 3);
        assert_eq!(
            r[0],
            Route {
                destination: net("10.2.0.0/24"),
                gateway: Some(ip("10.10.10.2")),
                metric: Some(100),
                table: Some(5)
            }
        );
        assert_eq!(
            r[2],
            Route {
                destination: net("10.4.0.0/16"),
                gateway: None,
                metric: Some(7),
                table: None
            }
        );
        assert_eq!(p.tunnel.extras[0].key, "ipv4.route1_options");
        assert_eq!(p.tunnel.extras[0].value, "mtu=1400");
        let (low, _) = lower(&p.tunnel, &opts()).unwrap();
        assert_eq!(encode(&low)[0].contents, text);
    }

    #[test]
    fn legacy_address_forms_and_gateway() {
        let text = NM_GRE_HK.replace(
            "address1=10.10.10.1/30",
            "addresses=10.10.10.1/30,10.10.10.2\naddress2=10.9.9.9;24",
        );
        let p = read_ok(&text);
        assert_eq!(p.tunnel.addresses.len(), 2);
        assert_eq!(p.tunnel.addresses[0].address, net("10.10.10.1/30"));
        assert_eq!(p.tunnel.addresses[1].address, net("10.9.9.9/24"));
        assert_eq!(p.tunnel.extras[0].key, "ipv4.gateway");
        assert_eq!(p.tunnel.extras[0].value, "10.10.10.2");
        assert!(
            p.warnings
                .iter()
                .any(|w| w.message.contains("gateway 10.10.10.2")),
            "{:?}",
            p.warnings
        );
        let (low, _) = lower(&p.tunnel, &opts()).unwrap();
        let out = &encode(&low)[0].contents;
        assert!(
            out.contains("address1=10.10.10.1/30,10.10.10.2\naddress2=10.9.9.9/24\n"),
            "{out}"
        );
    }

    #[test]
    fn remote_any_reads_as_multipoint() {
        let p = read_ok(&NM_GRE_HK.replace("remote=172.31.37.44", "remote=0.0.0.0"));
        assert_eq!(p.tunnel.remote, None);
    }

    #[test]
    fn methods_nm_would_not_use_on_a_tunnel_warn() {
        let p = read_ok(&NM_GRE_HK.replace("method=disabled", "method=auto"));
        let w: Vec<_> = p
            .warnings
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .collect();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].message.contains("ipv6.method=auto"));
        assert_eq!(w[0].location.as_ref().unwrap().line, 18);
    }

    #[test]
    fn duplicate_key_warns_and_last_wins() {
        let p = read_ok(&NM_GRE_HK.replace("mode=2", "mode=1\nmode=2"));
        assert_eq!(p.tunnel.mode, Mode::Gre);
        assert!(p.warnings.iter().any(|w| w.message.contains("last value wins")));
    }

    #[test]
    fn lower_peer_covered_by_its_prefix() {
        let mut t = gre();
        t.addresses.push(InnerAddress {
            address: net("10.10.10.1/32"),
            peer: Some(net("10.10.10.2/30")),
        });
        let (low, w) = lower(&t, &opts()).unwrap();
        assert_eq!(
            low.addresses,
            vec![InnerAddress {
                address: net("10.10.10.1/30"),
                peer: None
            }]
        );
        assert!(low.routes.is_empty());
        assert_eq!(fields(&w), vec!["addresses[0].peer"]);
        assert_eq!(
            w[0].message,
            "peer 10.10.10.2/30 dropped: NetworkManager has no peer address; 10.10.10.1/30 gives the same on-link route"
        );
    }

    #[test]
    fn lower_peer_elsewhere_becomes_host_address_and_device_route() {
        let mut t = gre();
        t.addresses.push(InnerAddress {
            address: net("10.0.0.1/24"),
            peer: Some(net("192.168.9.9/32")),
        });
        t.addresses.push(InnerAddress {
            address: net("fd00::1/64"),
            peer: Some(net("fd99::9/128")),
        });
        // An equal route already exists: not added twice.
        t.routes.push(Route {
            destination: net("fd99::9/128"),
            gateway: None,
            metric: None,
            table: None,
        });
        let (low, w) = lower(&t, &opts()).unwrap();
        assert_eq!(low.addresses[0].address, net("10.0.0.1/32"));
        assert_eq!(low.addresses[1].address, net("fd00::1/128"));
        let dests: Vec<_> = low.routes.iter().map(|r| r.destination.to_string()).collect();
        assert_eq!(dests, vec!["192.168.9.9/32", "fd99::9/128"]);
        assert!(low.routes.iter().all(|r| r.gateway.is_none()));
        assert_eq!(fields(&w), vec!["addresses[0].peer", "addresses[1].peer"]);
        assert!(
            w[0].message
                .contains("10.0.0.1/32 plus a device route to 192.168.9.9/32"),
            "{}",
            w[0].message
        );
    }

    #[test]
    fn lower_drops_neighbours_and_writes_any_remote() {
        let mut t = gre();
        t.remote = None;
        t.input_key = Some(7);
        t.output_key = Some(7);
        t.neighbours.push(Neighbour {
            inner: ip("10.0.0.2"),
            outer: ip("198.51.100.2"),
        });
        t.neighbours.push(Neighbour {
            inner: ip("10.0.0.3"),
            outer: ip("198.51.100.3"),
        });
        let (low, w) = lower(&t, &opts()).unwrap();
        assert!(low.neighbours.is_empty());
        assert_eq!(low.remote, None);
        assert_eq!(fields(&w), vec!["remote", "neighbours[0]", "neighbours[1]"]);
        let out = &encode(&low)[0].contents;
        assert!(out.contains("remote=0.0.0.0\n"), "{out}");
        let mut t6 = Tunnel::new("g6", Mode::Ip6gre);
        t6.local = Some(ip("2001:db8::1"));
        let (low6, _) = lower(&t6, &opts()).unwrap();
        assert!(encode(&low6)[0].contents.contains("remote=::\n"));
    }

    #[test]
    fn lower_handles_extras() {
        let mut t = gre();
        t.addresses.push(InnerAddress {
            address: net("10.0.0.1/24"),
            peer: None,
        });
        t.extras = vec![
            Extra {
                format: "ifcfg".into(),
                key: "BOOTPROTO".into(),
                value: "none".into(),
            },
            Extra {
                format: "keyfile".into(),
                key: "ipv4.dns".into(),
                value: "1.1.1.1;".into(),
            },
            Extra {
                format: "keyfile".into(),
                key: "connection.id".into(),
                value: "x".into(),
            },
            Extra {
                format: "keyfile".into(),
                key: "802-3-ethernet.mtu".into(),
                value: "1400".into(),
            },
            Extra {
                format: "keyfile".into(),
                key: "ipv4.route1_options".into(),
                value: "mtu=1".into(),
            },
            Extra {
                format: "keyfile".into(),
                key: "ipv4.dns".into(),
                value: "9.9.9.9;".into(),
            },
            Extra {
                format: "keyfile".into(),
                key: "ipv4.bad".into(),
                value: " lead".into(),
            },
            Extra {
                format: "keyfile".into(),
                key: "ipv6.gateway".into(),
                value: "fe80::1".into(),
            },
        ];
        let (low, w) = lower(&t, &opts()).unwrap();
        let kept: Vec<_> = low
            .extras
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(kept, vec![("ethernet.mtu", "1400"), ("ipv4.dns", "9.9.9.9;")]);
        assert_eq!(
            fields(&w),
            vec![
                "extras[0]",
                "extras[2]",
                "extras[4]",
                "extras[1]",
                "extras[6]",
                "extras[7]"
            ]
        );
        assert!(w[0].message.contains("BOOTPROTO"));
        assert!(w[1].message.contains("from id"), "{}", w[1].message);
    }

    #[test]
    fn lower_fills_uuid_and_id_and_fixes_unwritable_strings() {
        let mut t = gre();
        t.zone = Some("\x0c".into());
        let (low, w) = lower(&t, &opts()).unwrap();
        assert_eq!(low.id.as_deref(), Some("gre1"));
        assert_eq!(low.uuid, Some(opts().make_uuid(&t)));
        assert_eq!(low.zone, None);
        assert_eq!(fields(&w), vec!["zone"]);
        let mut t = gre();
        t.name = "a\x0bb".into();
        assert_eq!(fields(&lower(&t, &opts()).unwrap_err()), vec!["name"]);
    }

    #[test]
    fn lower_normalises_routes() {
        let mut t = gre();
        let r = |d: &str, g: Option<&str>| Route {
            destination: net(d),
            gateway: g.map(ip),
            metric: None,
            table: None,
        };
        t.routes = vec![
            r("fd00::/64", None),
            r("10.0.0.0/8", Some("0.0.0.0")),
            r("10.0.0.0/8", None),
        ];
        t.extras.push(Extra {
            format: "keyfile".into(),
            key: "ipv6.route1_options".into(),
            value: "mtu=1280".into(),
        });
        let (low, w) = lower(&t, &opts()).unwrap();
        assert_eq!(low.routes, vec![r("10.0.0.0/8", None), r("fd00::/64", None)]);
        assert_eq!(fields(&w), vec!["routes[0]", "routes[1]"]);
        // The options followed their route to its new place.
        assert_eq!(low.extras[0].key, "ipv6.route1_options");
    }

    #[test]
    fn file_names_follow_networkmanager() {
        assert_eq!(file_name("gre1"), "gre1.nmconnection");
        assert_eq!(file_name("a/b"), "a_b.nmconnection");
        assert_eq!(file_name(".hidden"), "_hidden.nmconnection");
        assert_eq!(file_name("backup~"), "backup_.nmconnection");
        assert_eq!(file_name("~"), "~.nmconnection");
        assert_eq!(file_name("cert.PEM"), "cert.PEM_.nmconnection");
        assert_eq!(file_name("tmp.AbC123"), "tmp.AbC123_.nmconnection");
        assert_eq!(file_name("tmp.AbC12"), "tmp.AbC12.nmconnection");
        let mut t = gre();
        t.id = Some("x/y".into());
        assert_eq!(encode(&t)[0].name, "x_y.nmconnection");
        assert_eq!(encode(&t)[0].mode, 0o600);
    }
}
