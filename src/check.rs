//! `grecfg check`: mistakes in one tunnel, or in the two ends of one, as
//! findings with a stable id, a severity and the input line they concern.
//!
//! | id     | severity | finding |
//! |--------|----------|---------|
//! | GRE000 | error    | the reader refuses the input (`KEY=lichenhao`, `$VAR`, ...): reported, not fatal |
//! | GRE001 | error    | invalid interface name (over 15 bytes, `/`, `:`, whitespace) |
//! | GRE002 | error    | reserved interface name (`gre0`, `tunl0`, ...) |
//! | GRE003 | error    | key on a mode without keys |
//! | GRE004 | error    | fixed ttl with path-MTU discovery off |
//! | GRE005 | error    | address family does not fit the mode or the other address |
//! | GRE006 | warning  | no remote and no static neighbours |
//! | GRE007 | error    | the inner peer address is the outer remote |
//! | GRE008 | error    | the inner subnet contains the outer remote (recursive routing) |
//! | GRE009 | warning  | a route through the tunnel covers the outer remote |
//! | GRE010 | warning  | MTU above what the underlay (`--underlay-mtu`, default 1500) carries; proposes the MTU |
//! | GRE011 | warning  | private local, public remote: NAT, so the peer's remote must be this end's public address |
//! | GRE012 | error    | another kernel or NetworkManager rule |
//! | GRE013 | warning  | what `--target FORMAT` cannot hold exactly (error if it cannot be written at all) |
//! | GRE014 | warning  | a warning of the reader |
//! | GRE015 | warning  | an inner address of a family the mode does not carry (accepted; carries nothing) |
//! | GRE100 | error    | a tunnel with no counterpart (tunnels pair one to one, by crossed addresses, or by name) |
//! | GRE101 | error    | the outer addresses do not point at each other (a private local behind NAT is accepted) |
//! | GRE102 | error    | the keys do not cross |
//! | GRE103 | error    | the modes differ |
//! | GRE104 | warning  | the MTUs differ |
//! | GRE105 | error    | the inner addresses are not in one subnet |
//! | GRE106 | error    | both ends use the same inner address |
//! | GRE107 | error    | an inner peer address is not the other end's address |

use std::fmt;

use ipnet::IpNet;
use serde::Serialize;

use crate::codec::{Parsed, WriteOptions};
use crate::convert::Input;
use crate::diag::{Code, Diagnostic, Location, Problem, Severity};
use crate::exit::Exit;
use crate::format::{self, Format};
use crate::model::{Family, InnerAddress, Tunnel};
use crate::mtu;
use crate::peer::is_private;

/// The stable id of a finding, shown as `GREnnn`: 0 to 99 about one end,
/// 100 and up about two. An id never changes its meaning; the module doc
/// and README tables are tested against [`FindingId::summary`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingId {
    Refused = 0,
    InvalidName = 1,
    ReservedName = 2,
    KeyOnKeylessMode = 3,
    TtlWithoutPmtuDiscovery = 4,
    AddressFamily = 5,
    ReachesNobody = 6,
    PeerIsRemote = 7,
    SubnetHoldsRemote = 8,
    RouteCoversRemote = 9,
    MtuOverUnderlay = 10,
    BehindNat = 11,
    OtherRule = 12,
    TargetCannotHold = 13,
    ReaderWarning = 14,
    InnerFamily = 15,
    Unpaired = 100,
    OuterNotCrossed = 101,
    KeysNotCrossed = 102,
    ModesDiffer = 103,
    MtusDiffer = 104,
    InnerNotOneSubnet = 105,
    SameInnerAddress = 106,
    PeerNotOtherAddress = 107,
}

impl FindingId {
    pub const ALL: [FindingId; 24] = [
        FindingId::Refused,
        FindingId::InvalidName,
        FindingId::ReservedName,
        FindingId::KeyOnKeylessMode,
        FindingId::TtlWithoutPmtuDiscovery,
        FindingId::AddressFamily,
        FindingId::ReachesNobody,
        FindingId::PeerIsRemote,
        FindingId::SubnetHoldsRemote,
        FindingId::RouteCoversRemote,
        FindingId::MtuOverUnderlay,
        FindingId::BehindNat,
        FindingId::OtherRule,
        FindingId::TargetCannotHold,
        FindingId::ReaderWarning,
        FindingId::InnerFamily,
        FindingId::Unpaired,
        FindingId::OuterNotCrossed,
        FindingId::KeysNotCrossed,
        FindingId::ModesDiffer,
        FindingId::MtusDiffer,
        FindingId::InnerNotOneSubnet,
        FindingId::SameInnerAddress,
        FindingId::PeerNotOtherAddress,
    ];

    /// The number in `GREnnn`.
    pub(crate) const fn number(self) -> u32 {
        self as u32
    }

    /// Whether the finding concerns two ends (GRE100 and up).
    pub const fn is_pair(self) -> bool {
        self.number() >= 100
    }

    /// The severity the finding has; GRE013 is an error instead when the
    /// target cannot be written at all.
    pub(crate) const fn severity(self) -> Severity {
        use FindingId::*;
        match self {
            ReachesNobody | RouteCoversRemote | MtuOverUnderlay | BehindNat | TargetCannotHold
            | ReaderWarning | InnerFamily | MtusDiffer => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// What the finding is about, as the README's table says.
    pub const fn summary(self) -> &'static str {
        use FindingId::*;
        match self {
            Refused => "the reader refuses the input (`KEY=lichenhao`, `$VAR`, ...): reported, not fatal",
            InvalidName => "invalid interface name (over 15 bytes, `/`, `:`, whitespace)",
            ReservedName => "reserved interface name (`gre0`, `tunl0`, ...)",
            KeyOnKeylessMode => "key on a mode without keys",
            TtlWithoutPmtuDiscovery => "fixed ttl with path-MTU discovery off",
            AddressFamily => "address family does not fit the mode or the other address",
            ReachesNobody => "no remote and no static neighbours",
            PeerIsRemote => "the inner peer address is the outer remote",
            SubnetHoldsRemote => "the inner subnet contains the outer remote (recursive routing)",
            RouteCoversRemote => "a route through the tunnel covers the outer remote",
            MtuOverUnderlay => {
                "MTU above what the underlay (`--underlay-mtu`, default 1500) carries; proposes the MTU"
            }
            BehindNat => {
                "private local, public remote: NAT, so the peer's remote must be this end's public address"
            }
            OtherRule => "another kernel or NetworkManager rule",
            TargetCannotHold => {
                "what `--target FORMAT` cannot hold exactly (error if it cannot be written at all)"
            }
            ReaderWarning => "a warning of the reader",
            InnerFamily => "an inner address of a family the mode does not carry (accepted; carries nothing)",
            Unpaired => {
                "a tunnel with no counterpart (tunnels pair one to one, by crossed addresses, or by name)"
            }
            OuterNotCrossed => {
                "the outer addresses do not point at each other (a private local behind NAT is accepted)"
            }
            KeysNotCrossed => "the keys do not cross",
            ModesDiffer => "the modes differ",
            MtusDiffer => "the MTUs differ",
            InnerNotOneSubnet => "the inner addresses are not in one subnet",
            SameInnerAddress => "both ends use the same inner address",
            PeerNotOtherAddress => "an inner peer address is not the other end's address",
        }
    }
}

impl fmt::Display for FindingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GRE{:03}", self.number())
    }
}

impl Serialize for FindingId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One finding: a diagnostic with a stable id and, for two-sided findings,
/// where the other end says otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub id: FindingId,
    pub tunnel: Option<String>,
    pub diagnostic: Diagnostic,
    pub related: Vec<(String, Location)>,
}

impl Finding {
    /// A finding about `tunnel`, with the id's own severity.
    fn new(id: FindingId, tunnel: &Tunnel, message: impl Into<String>) -> Finding {
        Finding {
            id,
            tunnel: Some(tunnel.name.clone()),
            diagnostic: Diagnostic {
                severity: id.severity(),
                message: message.into(),
                location: None,
                hint: None,
            },
            related: Vec::new(),
        }
    }

    /// A finding that carries a model or writer problem: its message and hint,
    /// at the input line of its field.
    fn of_problem(id: FindingId, p: &Parsed, message: impl Into<String>, pr: &Problem) -> Finding {
        let mut f = Finding::new(id, &p.tunnel, message).at(p.origins.get(pr.field.as_deref()));
        f.diagnostic.hint = pr.hint.clone();
        f
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

    pub(crate) fn severity(&self) -> Severity {
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
pub(crate) struct Side {
    pub tunnels: Vec<Parsed>,
    pub findings: Vec<Finding>,
}

/// Read every input of one side; a refused input is finding GRE000 (and
/// the reader's warnings GRE014) instead of a failure.
pub(crate) fn read_side(inputs: &[Input]) -> Side {
    let mut side = Side {
        tunnels: Vec::new(),
        findings: Vec::new(),
    };
    let reader_finding = |d: &Diagnostic| {
        let (id, msg) = if d.is_error() {
            (FindingId::Refused, format!("refused: {}", d.message))
        } else {
            (FindingId::ReaderWarning, d.message.clone())
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
pub(crate) fn check_one(p: &Parsed, opts: &CheckOptions) -> Vec<Finding> {
    let t = &p.tunnel;
    let at = |field: &str| p.origins.get(Some(field));
    let mut out = Vec::new();
    let problems = t.validate();
    for pr in problems.iter().chain(&t.doubts()) {
        out.push(Finding::of_problem(classify(pr), p, pr.message.clone(), pr));
    }

    match t.remote {
        None if t.neighbours.is_empty() => out.push(
            Finding::new(
                FindingId::ReachesNobody,
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
                            FindingId::PeerIsRemote,
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
                            FindingId::SubnetHoldsRemote,
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
                            FindingId::RouteCoversRemote,
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
                            FindingId::BehindNat,
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
        out.push(Finding::of_problem(classify(&pr), p, pr.message.clone(), &pr));
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
    let mut f = Finding::of_problem(
        FindingId::TargetCannotHold,
        p,
        format!("{}: {}", target.name(), pr.message),
        pr,
    );
    f.diagnostic.severity = sev;
    f
}

/// The finding a problem of `Tunnel::validate` or `mtu::check` is filed
/// under, by its code: the wording is free to change.
fn classify(p: &Problem) -> FindingId {
    match p.code {
        Code::InvalidName => FindingId::InvalidName,
        Code::ReservedName => FindingId::ReservedName,
        Code::KeyOnKeylessMode => FindingId::KeyOnKeylessMode,
        Code::TtlWithoutPmtuDiscovery => FindingId::TtlWithoutPmtuDiscovery,
        Code::AddressFamily => FindingId::AddressFamily,
        Code::InnerFamily => FindingId::InnerFamily,
        Code::MtuOverUnderlay => FindingId::MtuOverUnderlay,
        Code::Other => FindingId::OtherRule,
    }
}

/// The subnet an inner address makes on-link: the peer's with a peer.
fn inner_network(a: &InnerAddress) -> IpNet {
    a.peer.unwrap_or(a.address).trunc()
}

/// One rule about two ends: the findings it has about `a` and `b`.
type PairRule = fn(&Parsed, &Parsed) -> Vec<Finding>;

/// The rules `check_pair` applies, in the order their findings are listed.
const PAIR_RULES: [PairRule; 5] = [
    modes_differ,
    outer_not_crossed,
    keys_not_crossed,
    mtus_differ,
    inner_addresses,
];

/// Findings about two ends of one tunnel.
pub(crate) fn check_pair(a: &Parsed, b: &Parsed) -> Vec<Finding> {
    PAIR_RULES.iter().flat_map(|rule| rule(a, b)).collect()
}

/// GRE103.
fn modes_differ(a: &Parsed, b: &Parsed) -> Vec<Finding> {
    let (ta, tb) = (&a.tunnel, &b.tunnel);
    if ta.mode == tb.mode {
        return Vec::new();
    }
    vec![Finding::new(
        FindingId::ModesDiffer,
        ta,
        format!("mode {} here, but {} at the other end", ta.mode, tb.mode),
    )
    .at(a.origins.get(Some("mode")))
    .related(
        format!("the other end's mode {}", tb.mode),
        b.origins.get(Some("mode")),
    )
    .hint("both ends must use the same mode")]
}

/// GRE101: this end's remote is the other end's local, unless the other
/// end is behind NAT (private local, public remote).
fn outer_not_crossed(a: &Parsed, b: &Parsed) -> Vec<Finding> {
    let (ta, tb) = (&a.tunnel, &b.tunnel);
    let copied = ta.remote.is_some() && ta.local.is_some() && ta.local == tb.local && ta.remote == tb.remote;
    if copied {
        let (l, r) = (ta.local.unwrap(), ta.remote.unwrap());
        return vec![Finding::new(
            FindingId::OuterNotCrossed,
            tb,
            format!("local {l} and remote {r} are the same as at the other end: the two ends do not point at each other"),
        )
        .at(b.origins.get(Some("remote")))
        .related("the other end's addresses", a.origins.get(Some("remote")))
        .hint(format!("swap them at one end: local {r} remote {l}"))];
    }
    let mut out = Vec::new();
    for (x, y, tx, px, py) in [(ta.remote, tb.local, ta, a, b), (tb.remote, ta.local, tb, b, a)] {
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
                FindingId::OuterNotCrossed,
                tx,
                format!("{fx} {r} is not the other end's {fy} address {l}: the two ends do not point at each other"),
            )
            .at(px.origins.get(Some(fx)))
            .related(format!("the other end's {fy} address {l}"), py.origins.get(Some(fy)))
            .hint(format!("this end's remote must be the other end's local address: {fx} {l} here, or local {r} there")),
        );
    }
    out
}

/// GRE102: what one end sends with, the other receives with.
fn keys_not_crossed(a: &Parsed, b: &Parsed) -> Vec<Finding> {
    let (ta, tb) = (&a.tunnel, &b.tunnel);
    let mut out = Vec::new();
    for (send, recv, ts, ps, pr) in [
        (ta.output_key, tb.input_key, ta, a, b),
        (tb.output_key, ta.input_key, tb, b, a),
    ] {
        if send != recv {
            let show = |k: Option<u32>| k.map_or("no key".to_string(), |k| format!("key {k}"));
            out.push(
                Finding::new(
                    FindingId::KeysNotCrossed,
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
    out
}

/// GRE104.
fn mtus_differ(a: &Parsed, b: &Parsed) -> Vec<Finding> {
    let (ta, tb) = (&a.tunnel, &b.tunnel);
    if ta.mtu == tb.mtu {
        return Vec::new();
    }
    let show = |m: Option<u32>| m.map_or("the kernel's default".to_string(), |m| m.to_string());
    vec![Finding::new(
        FindingId::MtusDiffer,
        ta,
        format!("MTU {} here, {} at the other end", show(ta.mtu), show(tb.mtu)),
    )
    .at(a.origins.get(Some("mtu")))
    .related("the other end's MTU", b.origins.get(Some("mtu")))
    .hint("give both ends the same MTU (`grecfg mtu` computes it from the underlay)")]
}

/// The first inner address of one family at one end, with its field.
struct Inner<'a> {
    end: &'a Parsed,
    field: String,
    address: InnerAddress,
}

/// GRE106, else GRE107, else GRE105, for the first inner address of each
/// family at both ends: IPv4 first, then IPv6.
fn inner_addresses(a: &Parsed, b: &Parsed) -> Vec<Finding> {
    let mut out = Vec::new();
    for fam in [Family::V4, Family::V6] {
        let (Some(xa), Some(xb)) = (first_inner(a, fam), first_inner(b, fam)) else {
            continue;
        };
        if let Some(f) = same_inner_address(&xa, &xb) {
            out.push(f);
            continue;
        }
        let mismatched = [peer_not_other_address(&xa, &xb), peer_not_other_address(&xb, &xa)];
        if mismatched.iter().any(Option::is_some) {
            out.extend(mismatched.into_iter().flatten());
            continue;
        }
        out.extend(inner_not_one_subnet(&xa, &xb));
        out.extend(inner_not_one_subnet(&xb, &xa));
    }
    out
}

fn first_inner(end: &Parsed, fam: Family) -> Option<Inner<'_>> {
    end.tunnel
        .addresses
        .iter()
        .enumerate()
        .find(|(_, x)| Family::of(&x.address.addr()) == fam)
        .map(|(i, x)| Inner {
            end,
            field: format!("addresses[{i}]"),
            address: x.clone(),
        })
}

/// GRE106, about `b`'s end.
fn same_inner_address(a: &Inner, b: &Inner) -> Option<Finding> {
    let (xa, xb) = (&a.address, &b.address);
    let aa = xa.address.addr();
    if aa != xb.address.addr() {
        return None;
    }
    Some(
        Finding::new(
            FindingId::SameInnerAddress,
            &b.end.tunnel,
            format!("both ends use the inner address {aa}"),
        )
        .at(b.end.origins.get(Some(&b.field)))
        .related("the other end's inner address", a.end.origins.get(Some(&a.field)))
        .hint(match (xa.peer, xb.peer) {
            (Some(p), Some(q)) if p.addr() == q.addr() => {
                format!("swap them at one end: address {} peer {aa}", p.addr())
            }
            _ => "give each end its own address in the tunnel's subnet".to_string(),
        }),
    )
}

/// GRE107, about `x`'s end.
fn peer_not_other_address(x: &Inner, y: &Inner) -> Option<Finding> {
    let p = x.address.peer?;
    let other = y.address.address.addr();
    if p.addr() == other {
        return None;
    }
    Some(
        Finding::new(
            FindingId::PeerNotOtherAddress,
            &x.end.tunnel,
            format!(
                "the inner peer {} is not the other end's inner address {other}",
                p.addr()
            ),
        )
        .at(x.end.origins.get(Some(&format!("{}.peer", x.field))))
        .related("the other end's inner address", y.end.origins.get(Some(&y.field)))
        .hint(format!("the peer must be {other}")),
    )
}

/// GRE105, about `x`'s end.
fn inner_not_one_subnet(x: &Inner, y: &Inner) -> Option<Finding> {
    let net = inner_network(&x.address);
    let other = y.address.address.addr();
    // NetworkManager writes `A peer B` as A/32 plus a device route to B: a
    // device route makes the other end on-link as well.
    let on_link_route = x
        .end
        .tunnel
        .routes
        .iter()
        .any(|r| r.gateway.is_none() && r.destination.contains(&other));
    if x.address.peer.is_some() || net.contains(&other) || on_link_route {
        return None;
    }
    Some(
        Finding::new(
            FindingId::InnerNotOneSubnet,
            &x.end.tunnel,
            format!("the other end's inner address {other} is not in this end's inner subnet {net}"),
        )
        .at(x.end.origins.get(Some(&x.field)))
        .related("the other end's inner address", y.end.origins.get(Some(&y.field)))
        .hint("put both inner addresses in one subnet (for example a /30), or name the other end with a peer address"),
    )
}

/// Pair the tunnels of two sides: one each, or by crossed outer addresses,
/// or by name. The unpaired are findings GRE100.
pub(crate) fn pair<'a>(a: &'a [Parsed], b: &'a [Parsed]) -> (Vec<(&'a Parsed, &'a Parsed)>, Vec<Finding>) {
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
        FindingId::Unpaired,
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

/// Exit status of `grecfg check`: findings when anything is a warning or
/// error.
pub fn exit_code(findings: &[Finding]) -> Exit {
    if findings.iter().any(|f| f.severity() >= Severity::Warning) {
        Exit::Found
    } else {
        Exit::Ok
    }
}

/// The JSON document of `grecfg check --format json` (schema version 1).
#[derive(Debug, Serialize)]
pub(crate) struct JsonReport {
    pub version: u32,
    pub findings: Vec<JsonFinding>,
    pub summary: Summary,
}

#[derive(Debug, Serialize)]
pub(crate) struct JsonFinding {
    /// check's id; none for convert's diagnostics.
    pub id: Option<FindingId>,
    pub severity: &'static str,
    pub tunnel: Option<String>,
    pub file: Option<String>,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
    pub related: Vec<JsonPlace>,
}

impl JsonFinding {
    /// `d` as a finding of no id, tunnel or related places.
    pub(crate) fn of(d: &crate::diag::Diagnostic) -> JsonFinding {
        let l = d.location.as_ref();
        JsonFinding {
            id: None,
            severity: d.severity.word(),
            tunnel: None,
            file: l.map(|l| l.file.clone()),
            line: l.map_or(0, |l| l.line),
            column: l.map_or(0, |l| l.column),
            message: d.message.clone(),
            hint: d.hint.clone(),
            related: Vec::new(),
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct JsonPlace {
    pub message: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Default, Serialize)]
pub(crate) struct Summary {
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
            .map(|f| JsonFinding {
                id: Some(f.id),
                severity: f.severity().word(),
                tunnel: f.tunnel.clone(),
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
                ..JsonFinding::of(&f.diagnostic)
            })
            .collect(),
        summary,
    };
    serde_json::to_string_pretty(&report).expect("the report always serializes") + "\n"
}

#[cfg(test)]
mod tests;
