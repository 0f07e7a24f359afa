//! `grecfg check`: mistakes in one tunnel, or in the two ends of one, as
//! findings with a stable id, a severity and the input line they concern.
//!
//! | id     | severity | finding |
//! |--------|----------|---------|
//! | GRE000 | error    | the reader refuses the input (e.g. `KEY=lichenhao`) |
//! | GRE001 | error    | invalid interface name (too long, `/`, `:`, whitespace) |
//! | GRE002 | error    | reserved interface name (`gre0`, `tunl0`, ...) |
//! | GRE003 | error    | key on a mode without keys |
//! | GRE004 | error    | fixed ttl with path-MTU discovery off |
//! | GRE005 | error    | address family does not fit the mode or the other address |
//! | GRE006 | warning  | no remote and no static neighbours: nobody is reachable |
//! | GRE007 | error    | the inner peer address is the outer remote |
//! | GRE008 | error    | the inner subnet contains the outer remote (recursive routing) |
//! | GRE009 | warning  | a route through the tunnel covers the outer remote |
//! | GRE010 | warning  | MTU above what the underlay carries unfragmented |
//! | GRE011 | warning  | private local, public remote: NAT in between |
//! | GRE012 | error    | another rule of the kernel or NetworkManager |
//! | GRE013 | warning  | what `--target FORMAT` cannot hold (error if it cannot be written) |
//! | GRE014 | warning  | a warning of the reader |
//! | GRE100 | error    | no tunnel on the other side matches this one |
//! | GRE101 | error    | the outer addresses do not point at each other |
//! | GRE102 | error    | the keys do not cross |
//! | GRE103 | error    | the modes differ |
//! | GRE104 | warning  | the MTUs differ |
//! | GRE105 | error    | the inner addresses are not in one subnet |
//! | GRE106 | error    | both ends use the same inner address |
//! | GRE107 | error    | an inner peer address is not the other end's address |

use ipnet::IpNet;
use serde::Serialize;

use crate::codec::{Parsed, WriteOptions};
use crate::convert::Input;
use crate::diag::{Diagnostic, Location, Problem, Severity};
use crate::format::{self, Format};
use crate::model::{Family, InnerAddress, Tunnel};
use crate::mtu;
use crate::peer::is_private;

/// One finding: a diagnostic with a stable id and, for two-sided findings,
/// where the other end says otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub id: &'static str,
    pub tunnel: Option<String>,
    pub diagnostic: Diagnostic,
    pub related: Vec<(String, Location)>,
}

impl Finding {
    fn new(id: &'static str, severity: Severity, tunnel: &Tunnel, message: impl Into<String>) -> Finding {
        Finding {
            id,
            tunnel: Some(tunnel.name.clone()),
            diagnostic: Diagnostic {
                severity,
                message: message.into(),
                location: None,
                hint: None,
            },
            related: Vec::new(),
        }
    }

    fn at(mut self, loc: Option<&Location>) -> Finding {
        self.diagnostic.location = loc.cloned();
        self
    }

    fn hint(mut self, hint: impl Into<String>) -> Finding {
        self.diagnostic.hint = Some(hint.into());
        self
    }

    fn related(mut self, label: impl Into<String>, loc: Option<&Location>) -> Finding {
        if let Some(l) = loc {
            self.related.push((label.into(), l.clone()));
        }
        self
    }

    pub fn severity(&self) -> Severity {
        self.diagnostic.severity
    }

    /// `file:line:col: error[GRE101]: message`, the line with a caret, the
    /// hint, then each related place.
    pub fn text(&self) -> String {
        let d = &self.diagnostic;
        let plain = d.to_string();
        let word = format!("{}: ", d.severity.word());
        let tagged = format!("{}[{}]: ", d.severity.word(), self.id);
        let at = location_prefix(d.location.as_ref()).len();
        let mut s = format!("{}{}{}", &plain[..at], tagged, &plain[at + word.len()..]);
        for (label, loc) in &self.related {
            s.push('\n');
            s.push_str(&Diagnostic::note(label.clone()).at(loc.clone()).to_string());
        }
        s
    }
}

/// What `Diagnostic`'s Display writes before the severity.
fn location_prefix(l: Option<&Location>) -> String {
    match l {
        Some(l) if l.line > 0 && l.column > 0 => format!("{}:{}:{}: ", l.file, l.line, l.column),
        Some(l) if l.line > 0 => format!("{}:{}: ", l.file, l.line),
        Some(l) => format!("{}: ", l.file),
        None => String::new(),
    }
}

/// What the check is asked to consider.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub underlay_mtu: u32,
    pub target: Option<Format>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            underlay_mtu: mtu::DEFAULT_UNDERLAY_MTU,
            target: None,
        }
    }
}

/// The tunnels of one side, and findings for what could not be read.
pub struct Side {
    pub tunnels: Vec<Parsed>,
    pub findings: Vec<Finding>,
}

/// Read every input of one side; a refused input is finding GRE000 (and
/// the reader's warnings GRE014) instead of a failure.
pub fn read_side(inputs: &[Input]) -> Side {
    let mut side = Side {
        tunnels: Vec::new(),
        findings: Vec::new(),
    };
    let reader_finding = |d: &Diagnostic| {
        let (id, msg) = if d.is_error() {
            ("GRE000", format!("refused: {}", d.message))
        } else {
            ("GRE014", d.message.clone())
        };
        let mut d = d.clone();
        d.message = msg;
        Finding {
            id,
            tunnel: None,
            diagnostic: d,
            related: Vec::new(),
        }
    };
    for input in inputs {
        match input.read() {
            Ok(parsed) => {
                for p in parsed {
                    for w in p.warnings.iter().filter(|w| w.severity >= Severity::Warning) {
                        let mut f = reader_finding(w);
                        f.tunnel = Some(p.tunnel.name.clone());
                        side.findings.push(f);
                    }
                    side.tunnels.push(p);
                }
            }
            Err(failure) => side.findings.extend(
                failure
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity >= Severity::Warning)
                    .map(reader_finding),
            ),
        }
    }
    side
}

/// Findings about one tunnel on its own.
pub fn check_one(p: &Parsed, opts: &CheckOptions) -> Vec<Finding> {
    let t = &p.tunnel;
    let at = |field: &str| p.origins.get(Some(field));
    let mut out = Vec::new();
    let problems = t.validate();
    for pr in &problems {
        let (id, sev) = classify(pr);
        let mut f = Finding::new(id, sev, t, pr.message.clone()).at(at(pr.field.as_deref().unwrap_or("")));
        f.diagnostic.hint = pr.hint.clone();
        out.push(f);
    }

    match t.remote {
        None if t.neighbours.is_empty() => out.push(
            Finding::new(
                "GRE006",
                Severity::Warning,
                t,
                format!(
                    "{} has no remote and no static neighbours: it reaches nobody unless neighbours are added elsewhere (ip neigh, NHRP)",
                    t.name
                ),
            )
            .at(p.origins.whole.as_ref())
            .hint("set the remote (the other end's outer address), or add `ip neigh add INNER lladdr OUTER dev NAME` entries for a multipoint tunnel"),
        ),
        None => {}
        Some(remote) => {
            for (i, a) in t.addresses.iter().enumerate() {
                let field = format!("addresses[{i}]");
                if a.peer.is_some_and(|p| p.addr() == remote) {
                    out.push(
                        Finding::new(
                            "GRE007",
                            Severity::Error,
                            t,
                            format!("the inner peer address {remote} is also the outer remote: packets to the remote would be sent into the tunnel itself"),
                        )
                        .at(at(&format!("{field}.peer")))
                        .related("the outer remote is set here", at("remote"))
                        .hint("the inner peer is the other end's address inside the tunnel; give the inner addresses a subnet of their own, apart from the outer addresses"),
                    );
                    continue;
                }
                let net = inner_network(a);
                if net.contains(&remote) {
                    out.push(
                        Finding::new(
                            "GRE008",
                            Severity::Error,
                            t,
                            format!("the inner subnet {net} contains the outer remote {remote}: the route to the remote would go through the tunnel (recursive routing)"),
                        )
                        .at(at(&field))
                        .related("the outer remote is set here", at("remote"))
                        .hint("give the tunnel's inner addresses a subnet of their own, apart from the underlay"),
                    );
                }
            }
            for (i, r) in t.routes.iter().enumerate() {
                if r.destination.contains(&remote) {
                    out.push(
                        Finding::new(
                            "GRE009",
                            Severity::Warning,
                            t,
                            format!("the route to {} through the tunnel covers the outer remote {remote}: unless a more specific route leads to the remote through the underlay, the tunnel routes into itself", r.destination),
                        )
                        .at(at(&format!("routes[{i}]")))
                        .hint(format!("add a host route to {remote} via the underlay's gateway, or narrow the route")),
                    );
                }
            }
            if let Some(local) = t.local {
                if is_private(&local) && !is_private(&remote) {
                    out.push(
                        Finding::new(
                            "GRE011",
                            Severity::Warning,
                            t,
                            format!("local {local} is private and remote {remote} public: this end is behind NAT"),
                        )
                        .at(at("local"))
                        .hint("the other end's remote must be this end's public address, not the private one; the NAT must forward GRE (IP protocol 47), which has no ports"),
                    );
                }
            }
        }
    }
    if let Some(pr) = mtu::check(t, opts.underlay_mtu) {
        let mut f = Finding::new("GRE010", Severity::Warning, t, pr.message).at(at("mtu"));
        f.diagnostic.hint = pr.hint;
        out.push(f);
    }
    if let (Some(target), true) = (opts.target, problems.is_empty()) {
        match format::lower(target, t, &WriteOptions::default()) {
            Ok((_, warnings)) => out.extend(
                warnings
                    .iter()
                    .map(|w| target_finding(p, target, w, Severity::Warning)),
            ),
            Err(errors) => out.extend(
                errors
                    .iter()
                    .map(|e| target_finding(p, target, e, Severity::Error)),
            ),
        }
    }
    out
}

fn target_finding(p: &Parsed, target: Format, pr: &Problem, sev: Severity) -> Finding {
    let mut f = Finding::new(
        "GRE013",
        sev,
        &p.tunnel,
        format!("{}: {}", target.name(), pr.message),
    )
    .at(p.origins.get(pr.field.as_deref()));
    f.diagnostic.hint = pr.hint.clone();
    f
}

/// The id and severity of a problem `Tunnel::validate` found.
fn classify(p: &Problem) -> (&'static str, Severity) {
    let field = p.field.as_deref().unwrap_or("");
    let base = field.split(['[', '.']).next().unwrap_or("");
    let id = match base {
        "name" if p.message.contains("reserved") => "GRE002",
        "name" => "GRE001",
        "input_key" | "output_key" => "GRE003",
        "ttl" => "GRE004",
        "local" | "remote" | "neighbours" => "GRE005",
        "addresses" | "routes" if p.message.contains("IPv") || p.message.contains("family") => "GRE005",
        _ => "GRE012",
    };
    (id, Severity::Error)
}

/// The subnet an inner address makes on-link: the peer's with a peer.
fn inner_network(a: &InnerAddress) -> IpNet {
    a.peer.unwrap_or(a.address).trunc()
}

/// Findings about two ends of one tunnel.
pub fn check_pair(a: &Parsed, b: &Parsed) -> Vec<Finding> {
    let (ta, tb) = (&a.tunnel, &b.tunnel);
    let at_a = |f: &str| a.origins.get(Some(f));
    let at_b = |f: &str| b.origins.get(Some(f));
    let mut out = Vec::new();

    if ta.mode != tb.mode {
        out.push(
            Finding::new(
                "GRE103",
                Severity::Error,
                ta,
                format!("mode {} here, but {} at the other end", ta.mode, tb.mode),
            )
            .at(at_a("mode"))
            .related(format!("the other end's mode {}", tb.mode), at_b("mode"))
            .hint("both ends must use the same mode"),
        );
    }

    // Outer addresses: this end's remote is the other end's local, unless
    // the other end is behind NAT (private local, public remote).
    let copied = ta.remote.is_some() && ta.local.is_some() && ta.local == tb.local && ta.remote == tb.remote;
    if copied {
        let (l, r) = (ta.local.unwrap(), ta.remote.unwrap());
        out.push(
            Finding::new(
                "GRE101",
                Severity::Error,
                tb,
                format!("local {l} and remote {r} are the same as at the other end: the two ends do not point at each other"),
            )
            .at(at_b("remote"))
            .related("the other end's addresses", at_a("remote"))
            .hint(format!("swap them at one end: local {r} remote {l}")),
        );
    }
    for (x, y, tx, px, py) in [(ta.remote, tb.local, ta, a, b), (tb.remote, ta.local, tb, b, a)] {
        if copied {
            break;
        }
        let (fx, fy) = ("remote", "local");
        let (Some(r), Some(l)) = (x, y) else { continue };
        if r == l {
            continue;
        }
        let natted = is_private(&l) && !is_private(&r);
        if natted {
            continue;
        }
        out.push(
            Finding::new(
                "GRE101",
                Severity::Error,
                tx,
                format!("{fx} {r} is not the other end's {fy} address {l}: the two ends do not point at each other"),
            )
            .at(px.origins.get(Some(fx)))
            .related(format!("the other end's {fy} address {l}"), py.origins.get(Some(fy)))
            .hint(format!("this end's remote must be the other end's local address: {fx} {l} here, or local {r} there")),
        );
    }

    // Keys cross: what one end sends with, the other receives with.
    for (send, recv, ts, ps, pr) in [
        (ta.output_key, tb.input_key, ta, a, b),
        (tb.output_key, ta.input_key, tb, b, a),
    ] {
        if send != recv {
            let show = |k: Option<u32>| k.map_or("no key".to_string(), |k| format!("key {k}"));
            out.push(
                Finding::new(
                    "GRE102",
                    Severity::Error,
                    ts,
                    format!(
                        "this end sends with {}, but the other end receives with {}: the other end drops every packet",
                        show(send),
                        show(recv)
                    ),
                )
                .at(ps.origins.get(Some("output_key")))
                .related("the other end's input key", pr.origins.get(Some("input_key")))
                .hint("one end's okey must be the other end's ikey (with `key K` on both ends, both are K)"),
            );
        }
    }

    if ta.mtu != tb.mtu {
        let show = |m: Option<u32>| m.map_or("the kernel's default".to_string(), |m| m.to_string());
        out.push(
            Finding::new(
                "GRE104",
                Severity::Warning,
                ta,
                format!("MTU {} here, {} at the other end", show(ta.mtu), show(tb.mtu)),
            )
            .at(at_a("mtu"))
            .related("the other end's MTU", at_b("mtu"))
            .hint("give both ends the same MTU (`grecfg mtu` computes it from the underlay)"),
        );
    }

    for fam in [Family::V4, Family::V6] {
        let first = |t: &Tunnel| {
            t.addresses
                .iter()
                .enumerate()
                .find(|(_, x)| Family::of(&x.address.addr()) == fam)
                .map(|(i, x)| (format!("addresses[{i}]"), x.clone()))
        };
        let (Some((fa, xa)), Some((fb, xb))) = (first(ta), first(tb)) else {
            continue;
        };
        let (aa, ab) = (xa.address.addr(), xb.address.addr());
        if aa == ab {
            out.push(
                Finding::new(
                    "GRE106",
                    Severity::Error,
                    tb,
                    format!("both ends use the inner address {aa}"),
                )
                .at(at_b(&fb))
                .related("the other end's inner address", at_a(&fa))
                .hint(match (xa.peer, xb.peer) {
                    (Some(p), Some(q)) if p.addr() == q.addr() => {
                        format!("swap them at one end: address {} peer {aa}", p.addr())
                    }
                    _ => "give each end its own address in the tunnel's subnet".to_string(),
                }),
            );
            continue;
        }
        let mut mismatched = false;
        for (x, y, tx, px, py, fx, fy) in [(&xa, &xb, ta, a, b, &fa, &fb), (&xb, &xa, tb, b, a, &fb, &fa)] {
            if let Some(p) = x.peer {
                if p.addr() != y.address.addr() {
                    mismatched = true;
                    out.push(
                        Finding::new(
                            "GRE107",
                            Severity::Error,
                            tx,
                            format!(
                                "the inner peer {} is not the other end's inner address {}",
                                p.addr(),
                                y.address.addr()
                            ),
                        )
                        .at(px.origins.get(Some(&format!("{fx}.peer"))))
                        .related("the other end's inner address", py.origins.get(Some(fy)))
                        .hint(format!("the peer must be {}", y.address.addr())),
                    );
                }
            }
        }
        if mismatched {
            continue;
        }
        for (x, y, tx, px, py, fx, fy) in [(&xa, &xb, ta, a, b, &fa, &fb), (&xb, &xa, tb, b, a, &fb, &fa)] {
            let net = inner_network(x);
            let other = y.address.addr();
            // NetworkManager writes `A peer B` as A/32 plus a device route
            // to B: a device route makes the other end on-link as well.
            let on_link_route = tx
                .routes
                .iter()
                .any(|r| r.gateway.is_none() && r.destination.contains(&other));
            if x.peer.is_none() && !net.contains(&other) && !on_link_route {
                out.push(
                    Finding::new(
                        "GRE105",
                        Severity::Error,
                        tx,
                        format!(
                            "the other end's inner address {} is not in this end's inner subnet {net}",
                            y.address.addr()
                        ),
                    )
                    .at(px.origins.get(Some(fx)))
                    .related("the other end's inner address", py.origins.get(Some(fy)))
                    .hint("put both inner addresses in one subnet (for example a /30), or name the other end with a peer address"),
                );
            }
        }
    }
    out
}

/// Pair the tunnels of two sides: one each, or by crossed outer addresses,
/// or by name. The unpaired are findings GRE100.
pub fn pair<'a>(a: &'a [Parsed], b: &'a [Parsed]) -> (Vec<(&'a Parsed, &'a Parsed)>, Vec<Finding>) {
    if a.len() == 1 && b.len() == 1 {
        return (vec![(&a[0], &b[0])], Vec::new());
    }
    let mut pairs = Vec::new();
    let mut used = vec![false; b.len()];
    let mut out = Vec::new();
    let crossed = |x: &Tunnel, y: &Tunnel| x.remote.is_some() && x.remote == y.local && y.remote == x.local;
    for pa in a {
        let found = (0..b.len())
            .find(|&j| !used[j] && crossed(&pa.tunnel, &b[j].tunnel))
            .or_else(|| (0..b.len()).find(|&j| !used[j] && b[j].tunnel.name == pa.tunnel.name));
        match found {
            Some(j) => {
                used[j] = true;
                pairs.push((pa, &b[j]));
            }
            None => out.push(unpaired(pa)),
        }
    }
    for (j, pb) in b.iter().enumerate() {
        if !used[j] {
            out.push(unpaired(pb));
        }
    }
    (pairs, out)
}

fn unpaired(p: &Parsed) -> Finding {
    Finding::new(
        "GRE100",
        Severity::Error,
        &p.tunnel,
        format!("no tunnel at the other end matches {}", p.tunnel.name),
    )
    .at(p.origins.whole.as_ref())
    .hint("the other end needs a tunnel whose local is this remote and whose remote is this local")
}

/// All findings for one side and, when given, the other end.
pub fn check(a: &[Input], b: Option<&[Input]>, opts: &CheckOptions) -> Vec<Finding> {
    let side_a = read_side(a);
    let mut out = side_a.findings;
    for p in &side_a.tunnels {
        out.extend(check_one(p, opts));
    }
    if let Some(b) = b {
        let side_b = read_side(b);
        out.extend(side_b.findings);
        for p in &side_b.tunnels {
            out.extend(check_one(p, opts));
        }
        if !side_a.tunnels.is_empty() && !side_b.tunnels.is_empty() {
            let (pairs, unpaired) = pair(&side_a.tunnels, &side_b.tunnels);
            out.extend(unpaired);
            for (x, y) in pairs {
                out.extend(check_pair(x, y));
            }
        }
    }
    out
}

/// Exit status of `grecfg check`: 1 when anything is a warning or error.
pub fn exit_code(findings: &[Finding]) -> u8 {
    u8::from(findings.iter().any(|f| f.severity() >= Severity::Warning))
}

/// The JSON document of `grecfg check --format json` (schema version 1).
#[derive(Debug, Serialize)]
pub struct JsonReport {
    pub version: u32,
    pub findings: Vec<JsonFinding>,
    pub summary: Summary,
}

#[derive(Debug, Serialize)]
pub struct JsonFinding {
    pub id: &'static str,
    pub severity: &'static str,
    pub tunnel: Option<String>,
    pub file: Option<String>,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
    pub related: Vec<JsonPlace>,
}

#[derive(Debug, Serialize)]
pub struct JsonPlace {
    pub message: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

pub fn json(findings: &[Finding]) -> String {
    let mut summary = Summary::default();
    for f in findings {
        match f.severity() {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Note => summary.notes += 1,
        }
    }
    let report = JsonReport {
        version: 1,
        findings: findings
            .iter()
            .map(|f| {
                let l = f.diagnostic.location.as_ref();
                JsonFinding {
                    id: f.id,
                    severity: f.severity().word(),
                    tunnel: f.tunnel.clone(),
                    file: l.map(|l| l.file.clone()),
                    line: l.map_or(0, |l| l.line),
                    column: l.map_or(0, |l| l.column),
                    message: f.diagnostic.message.clone(),
                    hint: f.diagnostic.hint.clone(),
                    related: f
                        .related
                        .iter()
                        .map(|(m, l)| JsonPlace {
                            message: m.clone(),
                            file: l.file.clone(),
                            line: l.line,
                            column: l.column,
                        })
                        .collect(),
                }
            })
            .collect(),
        summary,
    };
    serde_json::to_string_pretty(&report).expect("the report always serializes") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Source;
    use crate::format::NoCompanions;
    use serde_json::{json, Value};

    fn base() -> Value {
        json!({
            "name": "gre1",
            "mode": "gre",
            "local": "192.0.2.1",
            "remote": "198.51.100.1",
            "addresses": [{"address": "203.0.113.1/30"}]
        })
    }

    fn with(patch: Value) -> Value {
        let mut v = base();
        for (k, x) in patch.as_object().unwrap() {
            if x.is_null() {
                v.as_object_mut().unwrap().remove(k);
            } else {
                v[k] = x.clone();
            }
        }
        v
    }

    fn input(name: &str, format: Format, text: &str) -> Input {
        Input {
            source: Source::new(name, None, text),
            format,
            companions: Box::new(NoCompanions),
        }
    }

    fn model(v: &Value) -> Input {
        input("t.json", Format::Model, &serde_json::to_string_pretty(v).unwrap())
    }

    fn ids(a: &Value, b: Option<&Value>, opts: &CheckOptions) -> Vec<&'static str> {
        let a = [model(a)];
        let b = b.map(|b| [model(b)]);
        check(&a, b.as_ref().map(|b| b.as_slice()), opts)
            .iter()
            .map(|f| f.id)
            .collect()
    }

    fn one(v: Value) -> Vec<&'static str> {
        ids(&v, None, &CheckOptions::default())
    }

    /// Side B of `base()`, mirrored correctly.
    fn other() -> Value {
        json!({
            "name": "gre1",
            "mode": "gre",
            "local": "198.51.100.1",
            "remote": "192.0.2.1",
            "addresses": [{"address": "203.0.113.2/30"}]
        })
    }

    fn two(a: Value, b: Value) -> Vec<&'static str> {
        ids(&a, Some(&b), &CheckOptions::default())
    }

    #[test]
    fn a_good_pair_is_clean() {
        assert_eq!(one(base()), Vec::<&str>::new());
        assert_eq!(two(base(), other()), Vec::<&str>::new());
    }

    #[test]
    fn gre000_refused_input_is_a_finding_at_its_line() {
        let bad = "DEVICE=tun0\nTYPE=GRE\nPEER_OUTER_IPADDR=198.51.100.1\nKEY=lichenhao\n";
        let f = check(
            &[input("ifcfg-tun0", Format::Ifcfg, bad)],
            None,
            &CheckOptions::default(),
        );
        assert_eq!(f.iter().map(|f| f.id).collect::<Vec<_>>(), vec!["GRE000"]);
        let l = f[0].diagnostic.location.as_ref().unwrap();
        assert_eq!((l.line, l.column), (4, 5));
        let good = bad.replace("lichenhao", "1234");
        assert!(check(
            &[input("ifcfg-tun0", Format::Ifcfg, &good)],
            None,
            &CheckOptions::default()
        )
        .is_empty());
    }

    #[test]
    fn gre001_gre002_names() {
        assert_eq!(one(with(json!({"name": "a-very-long-name0"}))), vec!["GRE001"]);
        assert_eq!(one(with(json!({"name": "gre0"}))), vec!["GRE002"]);
        assert_eq!(one(with(json!({"name": "gre9"}))), Vec::<&str>::new());
    }

    #[test]
    fn gre003_keys_on_modes_without_keys() {
        assert_eq!(one(with(json!({"mode": "ipip", "input_key": 1}))), vec!["GRE003"]);
        assert_eq!(
            one(with(json!({"mode": "gre", "input_key": 1}))),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn gre004_ttl_without_pmtudisc() {
        let bad = with(json!({"ttl": 64, "path_mtu_discovery": false}));
        assert_eq!(one(bad), vec!["GRE004"]);
        assert_eq!(
            one(with(json!({"path_mtu_discovery": false}))),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn gre005_address_families() {
        assert_eq!(one(with(json!({"remote": "2001:db8::1"}))), vec!["GRE005"]);
        assert_eq!(
            one(with(
                json!({"mode": "ipip", "addresses": [{"address": "2001:db8::1/64"}]})
            )),
            vec!["GRE005"]
        );
        assert_eq!(
            one(with(
                json!({"mode": "ip6gre", "local": "2001:db8::1", "remote": "2001:db8:1::1"})
            )),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn gre006_multipoint_without_neighbours() {
        assert_eq!(one(with(json!({"remote": null}))), vec!["GRE006"]);
        let hub = with(json!({
            "remote": null,
            "neighbours": [{"inner": "203.0.113.2", "outer": "198.51.100.2"}]
        }));
        assert_eq!(one(hub), Vec::<&str>::new());
    }

    #[test]
    fn gre007_inner_peer_is_the_outer_remote() {
        let bad = with(json!({"addresses": [{"address": "203.0.113.1/32", "peer": "198.51.100.1/32"}]}));
        assert_eq!(one(bad), vec!["GRE007"]);
        let good = with(json!({"addresses": [{"address": "203.0.113.1/32", "peer": "203.0.113.2/32"}]}));
        assert_eq!(one(good), Vec::<&str>::new());
    }

    #[test]
    fn gre008_inner_subnet_holds_the_remote() {
        let bad = with(json!({"addresses": [{"address": "198.51.100.7/24"}]}));
        assert_eq!(one(bad), vec!["GRE008"]);
        let bad = with(json!({"addresses": [{"address": "198.51.100.7/32", "peer": "198.51.100.8/24"}]}));
        assert_eq!(one(bad), vec!["GRE008"]);
        assert_eq!(
            one(with(json!({"addresses": [{"address": "198.51.101.7/24"}]}))),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn gre009_route_covers_the_remote() {
        let bad = with(json!({"routes": [{"destination": "0.0.0.0/0"}]}));
        assert_eq!(one(bad), vec!["GRE009"]);
        assert_eq!(
            one(with(json!({"routes": [{"destination": "10.0.0.0/8"}]}))),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn gre010_mtu_above_the_underlay_with_the_proposed_value() {
        let f = check(
            &[model(&with(json!({"mtu": 1500})))],
            None,
            &CheckOptions::default(),
        );
        assert_eq!(f.iter().map(|f| f.id).collect::<Vec<_>>(), vec!["GRE010"]);
        assert!(f[0].diagnostic.hint.as_deref().unwrap().contains("1476"));
        assert_eq!(one(with(json!({"mtu": 1476}))), Vec::<&str>::new());
        let jumbo = CheckOptions {
            underlay_mtu: 9000,
            ..Default::default()
        };
        assert_eq!(ids(&with(json!({"mtu": 1500})), None, &jumbo), Vec::<&str>::new());
    }

    #[test]
    fn gre011_private_local_public_remote() {
        assert_eq!(one(with(json!({"local": "10.0.0.5"}))), vec!["GRE011"]);
        assert_eq!(
            one(with(json!({"local": "10.0.0.5", "remote": "10.0.1.5"}))),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn gre012_other_model_rules() {
        let bad = with(json!({"routes": [{"destination": "10.0.0.5/24"}]}));
        assert_eq!(one(bad), vec!["GRE012"]);
    }

    #[test]
    fn gre013_what_the_target_cannot_hold() {
        let nm = CheckOptions {
            target: Some(Format::Keyfile),
            ..Default::default()
        };
        let p2p = with(json!({"addresses": [{"address": "203.0.113.1/32", "peer": "203.0.113.2/32"}]}));
        assert_eq!(ids(&p2p, None, &nm), vec!["GRE013"]);
        assert_eq!(ids(&base(), None, &nm), Vec::<&str>::new());
    }

    #[test]
    fn gre014_reader_warnings() {
        let typo = "ip tunnel add gre1 mode gre remote 198.51.100.1 local 192.0.2.1\nIp link set gre1 up\n";
        let f = check(
            &[input("rc.local", Format::RcLocal, typo)],
            None,
            &CheckOptions::default(),
        );
        assert_eq!(f.iter().map(|f| f.id).collect::<Vec<_>>(), vec!["GRE014"]);
        let ok = typo.replace("Ip link", "ip link");
        assert!(check(
            &[input("rc.local", Format::RcLocal, &ok)],
            None,
            &CheckOptions::default()
        )
        .is_empty());
    }

    #[test]
    fn gre100_unpaired_tunnels() {
        let a = [model(&json!([
            base(),
            with(json!({"name": "gre2", "remote": "198.51.100.9"}))
        ]))];
        let b = [model(&other())];
        let f = check(&a, Some(&b), &CheckOptions::default());
        assert_eq!(f.iter().map(|f| f.id).collect::<Vec<_>>(), vec!["GRE100"]);
        assert_eq!(f[0].tunnel.as_deref(), Some("gre2"));
    }

    #[test]
    fn gre101_ends_that_do_not_point_at_each_other() {
        // The seed article's second machine: the first machine's commands copied.
        assert_eq!(
            two(
                base(),
                with(json!({"addresses": [{"address": "203.0.113.2/30"}]}))
            ),
            vec!["GRE101"]
        );
        let wrong_remote = {
            let mut b = other();
            b["remote"] = json!("192.0.2.99");
            b
        };
        assert_eq!(two(base(), wrong_remote), vec!["GRE101"]);
        // Behind NAT the other end's local is private: not a mismatch.
        let mut natted = other();
        natted["local"] = json!("10.0.0.5");
        assert_eq!(two(base(), natted), vec!["GRE011"]);
    }

    #[test]
    fn gre102_keys_must_cross() {
        let a = with(json!({"input_key": 1, "output_key": 2}));
        let mut b = other();
        b["input_key"] = json!(1);
        b["output_key"] = json!(2);
        assert_eq!(two(a.clone(), b.clone()), vec!["GRE102", "GRE102"]);
        b["input_key"] = json!(2);
        b["output_key"] = json!(1);
        assert_eq!(two(a, b), Vec::<&str>::new());
        let mut b = other();
        b["input_key"] = json!(5);
        b["output_key"] = json!(5);
        assert_eq!(two(base(), b), vec!["GRE102", "GRE102"]);
    }

    #[test]
    fn gre103_modes_differ() {
        let mut b = other();
        b["mode"] = json!("ipip");
        assert_eq!(two(base(), b), vec!["GRE103"]);
    }

    #[test]
    fn gre104_mtus_differ() {
        let mut b = other();
        b["mtu"] = json!(1400);
        assert_eq!(two(base(), b.clone()), vec!["GRE104"]);
        assert_eq!(two(with(json!({"mtu": 1400})), b), Vec::<&str>::new());
    }

    #[test]
    fn gre105_inner_addresses_in_one_subnet() {
        let mut b = other();
        b["addresses"] = json!([{"address": "203.0.113.6/30"}]);
        assert_eq!(two(base(), b), vec!["GRE105", "GRE105"]);
    }

    #[test]
    fn gre105_a_device_route_to_the_other_end_is_on_link() {
        // What NetworkManager holds for `ip addr add A peer B`.
        let mut a = with(json!({"addresses": [{"address": "203.0.113.1/32"}]}));
        let mut b = other();
        b["addresses"] = json!([{"address": "203.0.113.2/32"}]);
        assert_eq!(two(a.clone(), b.clone()), vec!["GRE105", "GRE105"]);
        a["routes"] = json!([{"destination": "203.0.113.2/32"}]);
        b["routes"] = json!([{"destination": "203.0.113.1/32"}]);
        assert_eq!(two(a.clone(), b.clone()), Vec::<&str>::new());
        // A route via a gateway does not make the gateway on-link.
        a["routes"] = json!([{"destination": "203.0.113.2/32", "gateway": "203.0.113.2"}]);
        assert_eq!(two(a, b), vec!["GRE105"]);
    }

    #[test]
    fn gre106_same_inner_address() {
        let mut b = other();
        b["addresses"] = json!([{"address": "203.0.113.1/30"}]);
        assert_eq!(two(base(), b), vec!["GRE106"]);
    }

    #[test]
    fn gre107_peer_is_not_the_other_address() {
        let a = with(json!({"addresses": [{"address": "203.0.113.1/32", "peer": "203.0.113.9/32"}]}));
        let mut b = other();
        b["addresses"] = json!([{"address": "203.0.113.2/32", "peer": "203.0.113.1/32"}]);
        assert_eq!(two(a, b.clone()), vec!["GRE107"]);
        let a = with(json!({"addresses": [{"address": "203.0.113.1/32", "peer": "203.0.113.2/32"}]}));
        assert_eq!(two(a, b), Vec::<&str>::new());
    }

    #[test]
    fn text_tags_the_severity_with_the_id_and_json_has_the_schema() {
        let ifcfg = "TYPE=GRE\nDEVICE=gre0\nPEER_OUTER_IPADDR=198.51.100.1\n";
        let f = check(
            &[input("ifcfg-gre0", Format::Ifcfg, ifcfg)],
            None,
            &CheckOptions::default(),
        );
        let text = f[0].text();
        assert!(text.starts_with("ifcfg-gre0:2:8: error[GRE002]: "), "{text}");
        assert!(text.contains(": error[GRE002]: interface name"), "{text}");
        let v: Value = serde_json::from_str(&json(&f)).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["findings"][0]["id"], "GRE002");
        assert_eq!(v["findings"][0]["severity"], "error");
        assert_eq!(v["findings"][0]["line"], 2);
        assert_eq!(v["findings"][0]["column"], 8);
        assert_eq!(v["findings"][0]["file"], "ifcfg-gre0");
        assert_eq!(v["summary"]["errors"], 1);
        let keys = |v: &Value| {
            let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        assert_eq!(keys(&v), ["findings", "summary", "version"]);
        assert_eq!(
            keys(&v["findings"][0]),
            ["column", "file", "hint", "id", "line", "message", "related", "severity", "tunnel"]
        );
        assert_eq!(keys(&v["summary"]), ["errors", "notes", "warnings"]);
        assert_eq!(exit_code(&f), 1);
        assert_eq!(exit_code(&[]), 0);
    }
}
