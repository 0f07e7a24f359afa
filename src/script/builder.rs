//! What a script builds: the tunnels, with where each of their fields was
//! written, the commands kept as extras, and the diagnostics, each with the
//! tunnel it concerns. The interpreters change it through the helpers here;
//! [`Builder::finish`] makes the reader's result of it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::IpAddr;

use ipnet::IpNet;

use super::cmd::{Arg, Span, Word, WordError};
use crate::codec::Parsed;
use crate::diag::{Diagnostic, Failure, Location, Origins, Report, Severity, Source};
use crate::formats::iproute2;
use crate::model::{Extra, InnerAddress, Mode, Route, Tunnel};
use crate::nm::nmcli::Nmcli;
use crate::values::{self, ValueError};

/// The format of the commands a script keeps as extras (firewall, module
/// and sysctl commands): scripts write them back, other formats drop them.
pub(crate) const EXTRA_FORMAT: &str = "rc.local";

/// A tunnel being built, with where each field came from.
pub(crate) struct Building {
    pub(crate) tunnel: Tunnel,
    pub(crate) whole: Location,
    pub(crate) fields: BTreeMap<String, Location>,
    pub(crate) addresses: Vec<Location>,
    pub(crate) routes: Vec<Location>,
    pub(crate) neighbours: Vec<Location>,
    pub(crate) extras: Vec<Location>,
    pub(crate) deleted: bool,
    /// The nmcli profile this tunnel is, and how many of its addresses and
    /// routes come from the profile (the rest from `ip` commands).
    pub(crate) profile: Option<(usize, usize, usize)>,
    /// Where each inner address is in `tunnel.addresses`.
    pub(crate) address_at: Positions,
    /// Where each neighbour's inner address is in `tunnel.neighbours`.
    pub(crate) neighbour_at: Positions,
}

/// Where each address is in one of a tunnel's lists, for the commands that
/// replace or remove an entry by its address, so that a script adding
/// thousands of them is not quadratic. Made on first use, and made again
/// when the list's length says it changed other than through
/// [`Positions::pushed`]; a change that keeps the length and moves an
/// address calls [`Positions::forget`].
#[derive(Default)]
pub(crate) struct Positions {
    at: HashMap<IpAddr, usize>,
    /// The length of the list `at` describes.
    len: Option<usize>,
}

impl Positions {
    /// The first entry of `list` whose address (`key`) is `addr`.
    pub(crate) fn find<T>(&mut self, list: &[T], key: impl Fn(&T) -> IpAddr, addr: IpAddr) -> Option<usize> {
        if self.len != Some(list.len()) {
            self.at.clear();
            for (i, x) in list.iter().enumerate() {
                self.at.entry(key(x)).or_insert(i);
            }
            self.len = Some(list.len());
        }
        self.at.get(&addr).copied()
    }

    /// `addr` was pushed onto the list, which is now `len` long.
    pub(crate) fn pushed(&mut self, addr: IpAddr, len: usize) {
        if self.len == Some(len - 1) {
            self.at.entry(addr).or_insert(len - 1);
            self.len = Some(len);
        }
    }

    pub(crate) fn forget(&mut self) {
        self.len = None;
    }
}

impl Building {
    pub(crate) fn set(&mut self, field: &str, loc: Location) {
        self.fields.insert(field.to_string(), loc);
    }
}

/// A command kept as an extra, assigned to a tunnel at the end.
pub(crate) struct PendingExtra {
    pub(crate) key: String,
    pub(crate) value: String,
    pub(crate) words: Vec<String>,
    pub(crate) loc: Location,
    pub(crate) offset: usize,
}

/// Which command wrote a route: they differ in their words and in how
/// they say that a route belongs to no tunnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RouteSyntax {
    /// `ip route`
    Ip,
    /// net-tools' `route(8)`
    NetTools,
}

/// A route as a command writes it, read as far as it can be without the
/// tunnels: the destination and the gateway are known, the device, metric
/// and table still words.
pub(crate) struct RouteSpec {
    pub(crate) syntax: RouteSyntax,
    /// `del`: the route is removed again.
    pub(crate) del: bool,
    pub(crate) destination: IpNet,
    pub(crate) gateway: Option<IpAddr>,
    pub(crate) dev: Option<Arg>,
    pub(crate) metric: Option<Arg>,
    pub(crate) table: Option<Arg>,
    /// Words the model has no place for.
    pub(crate) others: Vec<Arg>,
}

/// A script being read: what its commands have built so far.
pub(crate) struct Builder<'a> {
    pub(crate) src: &'a Source,
    /// 1-based numbers of lines holding a comment, increasing: a command
    /// after one may be the comment's wrapped rest.
    pub(crate) comment_lines: Vec<usize>,
    pub(crate) tunnels: Vec<Building>,
    /// The diagnostics, each at the offset it was found at (they are
    /// reported in source order) and with the tunnel it concerns (each
    /// tunnel's go with it).
    pub(crate) diags: Report,
    /// Offsets of the word errors said once (see [`WordError::once`]).
    said_once: HashSet<usize>,
    /// What was said where, about which tunnel: a function called again
    /// runs the same commands, and what is said of them is said once
    /// ([`Builder::push`]).
    said: HashSet<(usize, Option<usize>, Severity, String)>,
    /// Where commands that configure no tunnel start, noted once each
    /// (`dispatch::ignored`).
    pub(crate) ignored: HashSet<usize>,
    pub(crate) extras: Vec<PendingExtra>,
    /// NetworkManager profiles made by `nmcli` commands.
    pub(crate) nm: Nmcli,
    /// A profile modified since its tunnel was last made from it: made
    /// again only when something else comes (see `script::nmcli::sync`),
    /// so that a run of `nmcli con mod` converts it once, not once each.
    pub(crate) unsynced: Option<usize>,
    /// Deletions of a device the script had not created (yet): the notes'
    /// indices in `diags`, by name.
    early_deletes: HashMap<String, Vec<usize>>,
    /// The indices of the tunnels by name, so that finding the tunnel a
    /// command names is a look-up, not a scan of every tunnel (which made
    /// a script of many tunnels quadratic). An index can be stale (its
    /// tunnel deleted or renamed since): [`Builder::tunnel_index`] checks.
    by_name: HashMap<String, Vec<usize>>,
    /// The indices of the tunnels by the networks their addresses and
    /// peers are in and by their peers' own addresses, for
    /// [`Builder::tunnel_for_gateway`]; stale entries as in `by_name`.
    by_network: HashMap<IpNet, Vec<usize>>,
}

impl<'a> Builder<'a> {
    pub(crate) fn new(src: &'a Source, comment_lines: Vec<usize>) -> Builder<'a> {
        Builder {
            src,
            comment_lines,
            tunnels: Vec::new(),
            diags: Report::default(),
            said_once: HashSet::new(),
            said: HashSet::new(),
            ignored: HashSet::new(),
            extras: Vec::new(),
            nm: Nmcli::default(),
            unsynced: None,
            early_deletes: HashMap::new(),
            by_name: HashMap::new(),
            by_network: HashMap::new(),
        }
    }

    pub(crate) fn loc(&self, offset: usize, len: usize) -> Location {
        self.src.loc_at(offset, len)
    }

    /// The location of a command: its first line, from its first word.
    pub(crate) fn cmd_loc(&self, c: Span) -> Location {
        c.loc(self.src)
    }

    /// Say `d` at `offset`, of `tunnel`, unless it was said there already.
    pub(crate) fn push(&mut self, offset: usize, tunnel: Option<usize>, d: Diagnostic) {
        if self.said.insert((offset, tunnel, d.severity, d.message.clone())) {
            self.diags.push_for(tunnel, offset, d);
        }
    }

    /// Why a word of an interpreted command cannot be read.
    pub(crate) fn word_error(&mut self, e: &WordError) {
        if e.once && !self.said_once.insert(e.offset) {
            return;
        }
        let d = Diagnostic::error(e.message.clone()).at(self.loc(e.offset, e.len));
        let d = match &e.hint {
            Some(h) => d.hint(h),
            None => d,
        };
        self.push(e.offset, None, d);
    }

    pub(crate) fn arg_loc(&self, a: &Arg) -> Location {
        self.loc(a.offset, a.len)
    }

    /// The last tunnel created under `name` and not deleted since.
    pub(crate) fn tunnel_index(&self, name: &str) -> Option<usize> {
        let found = self.by_name.get(name).and_then(|ts| {
            ts.iter()
                .copied()
                .filter(|&t| !self.tunnels[t].deleted && self.tunnels[t].tunnel.name == name)
                .max()
        });
        // The scan the index replaces: every tunnel added or renamed must
        // have gone through `add_tunnel` or `index_name`.
        #[cfg(test)]
        assert_eq!(
            found,
            self.tunnels
                .iter()
                .rposition(|t| !t.deleted && t.tunnel.name == name),
            "the name index misses {name}"
        );
        found
    }

    /// Add a tunnel; its index.
    pub(crate) fn add_tunnel(&mut self, b: Building) -> usize {
        let t = self.tunnels.len();
        self.tunnels.push(b);
        self.reindex(t);
        t
    }

    /// Record the name and the addresses tunnel `t` has now: when it is
    /// added, and when a profile's new version replaces it. Indices of that
    /// name whose tunnel is gone are dropped, so that a name created and
    /// deleted again and again keeps a short list.
    pub(crate) fn reindex(&mut self, t: usize) {
        let tunnels = &self.tunnels;
        let name = &tunnels[t].tunnel.name;
        let ts = self.by_name.entry(name.clone()).or_default();
        ts.retain(|&i| i != t && !tunnels[i].deleted && tunnels[i].tunnel.name == *name);
        ts.push(t);
        for a in self.tunnels[t].tunnel.addresses.clone() {
            self.index_address(t, &a);
        }
    }

    /// Record that tunnel `t` now has the address `a`: after an address is
    /// added or changed.
    pub(crate) fn index_address(&mut self, t: usize, a: &InnerAddress) {
        let keys = [
            Some(a.address.trunc()),
            a.peer.map(|p| p.trunc()),
            a.peer.map(|p| IpNet::from(p.addr())),
        ];
        for k in keys.into_iter().flatten() {
            let ts = self.by_network.entry(k).or_default();
            if ts.last() != Some(&t) {
                ts.push(t);
            }
        }
    }

    /// The value of an optional argument: `Some(None)` when it is absent,
    /// None when it is given but bad (reported through `value_error`).
    pub(crate) fn opt_value<T>(
        &mut self,
        a: Option<&Arg>,
        what: &str,
        tunnel: Option<usize>,
        parse: impl FnOnce(&str) -> Result<T, ValueError>,
    ) -> Option<Option<T>> {
        let Some(a) = a else { return Some(None) };
        match parse(&a.text) {
            Ok(v) => Some(Some(v)),
            Err(e) => {
                self.value_error(a, what, e, tunnel);
                None
            }
        }
    }

    pub(crate) fn value_error(&mut self, a: &Arg, what: &str, e: ValueError, tunnel: Option<usize>) {
        let d = Diagnostic::error(match e.message.strip_prefix(&format!("{:?}", a.text)) {
            Some(rest) => format!("{what} {}{rest}", a.text),
            None => format!("{what}: {}", e.message),
        })
        .at(self.arg_loc(a));
        let d = match e.hint {
            Some(h) => d.hint(h),
            None => d,
        };
        self.push(a.offset, tunnel, d);
    }

    pub(crate) fn warn_at(&mut self, a: &Arg, tunnel: Option<usize>, msg: String, hint: Option<&str>) {
        let d = Diagnostic::warning(msg).at(self.arg_loc(a));
        let d = match hint {
            Some(h) => d.hint(h),
            None => d,
        };
        self.push(a.offset, tunnel, d);
    }

    /// Tunnel `t` is made a port of `controller` (`ip link set DEV master
    /// C`, `brctl addif C DEV`), at `at`: the model holds no controller
    /// device, so the membership is lost, said alike for both.
    pub(crate) fn bridge_port(&mut self, t: usize, at: &Arg, controller: &str) {
        let name = self.tunnels[t].tunnel.name.clone();
        self.warn_at(
            at,
            Some(t),
            format!(
                "{name} is made a port of {controller} here; the tunnel model holds no controller \
                 (bridge, bond, VRF), so the membership is not carried over"
            ),
            Some(
                "add it to the profile written: nmcli connection modify PROFILE connection.master CONTROLLER \
                 connection.slave-type bridge (or bond, vrf)",
            ),
        );
    }

    pub(crate) fn note_cmd(&mut self, c: Span, tunnel: Option<usize>, msg: String) {
        let loc = self.cmd_loc(c);
        self.push(c.start, tunnel, Diagnostic::note(msg).at(loc));
    }

    pub(crate) fn stray_blank(&mut self, a: &Arg) {
        let line = self.loc(a.offset, 1).line;
        self.push(
            a.offset,
            None,
            Diagnostic::warning(format!(
                "the backslash at the end of line {line} is followed by a blank, so it escapes the blank and \
                 does not continue the line"
            ))
            .at(self.loc(a.offset, a.len))
            .hint(format!(
                "a shell passes ' ' as one more argument here and runs line {} as a separate command; \
                 grecfg drops the ' ' and does not read line {} into this command. Delete the blank after \
                 the backslash",
                line + 1,
                line + 1
            )),
        );
    }

    pub(crate) fn create(&mut self, name: &Arg, mode: Mode, loc: Location, mode_arg: Option<&Arg>) -> usize {
        if let Some(old) = self.tunnel_index(&name.text) {
            let l = self.tunnels[old].whole.line;
            self.warn_at(
                name,
                Some(old),
                format!(
                    "{} is created again (first on line {l}); ip would fail with \"File exists\"",
                    name.text
                ),
                Some("delete the first definition or give the tunnels different names"),
            );
            self.tunnels[old].deleted = true;
        }
        let mut b = Building {
            tunnel: Tunnel::new(name.text.clone(), mode),
            whole: loc.clone(),
            fields: BTreeMap::new(),
            addresses: Vec::new(),
            routes: Vec::new(),
            neighbours: Vec::new(),
            extras: Vec::new(),
            deleted: false,
            profile: None,
            address_at: Positions::default(),
            neighbour_at: Positions::default(),
        };
        // `ip link del NAME` before `ip tunnel add NAME`: the script
        // starts afresh when run again; the deletion does not end anything.
        let line = loc.line;
        let n = &name.text;
        for i in self.early_deletes.remove(n).unwrap_or_default() {
            self.diags.reword(
                i,
                format!(
                    "deletes {n} before creating it on line {line}, so that running the script again \
                     starts afresh; ignored"
                ),
            );
        }
        b.set("name", self.arg_loc(name));
        b.set("mode", mode_arg.map_or(loc, |m| self.arg_loc(m)));
        self.add_tunnel(b)
    }

    pub(crate) fn delete(&mut self, c: Span, name: &Arg) {
        match self.tunnel_index(&name.text) {
            Some(t) => {
                self.tunnels[t].deleted = true;
                let line = self.tunnels[t].whole.line;
                self.note_cmd(
                    c,
                    None,
                    format!(
                        "{} (created on line {line}) is deleted here; it is left out",
                        name.text
                    ),
                );
            }
            None => {
                let before = self.diags.len();
                self.note_cmd(
                    c,
                    None,
                    format!(
                        "deletes {}, which this script does not create; ignored",
                        name.text
                    ),
                );
                // Not when it was said there before (a function called again).
                if self.diags.len() > before {
                    self.early_deletes
                        .entry(name.text.clone())
                        .or_default()
                        .push(self.diags.len() - 1);
                }
            }
        }
    }

    pub(crate) fn set_mtu(&mut self, t: usize, a: &Arg) {
        match values::parse_u32(&a.text, "mtu") {
            Ok(v) => {
                let l = self.arg_loc(a);
                let b = &mut self.tunnels[t];
                b.tunnel.mtu = Some(v);
                b.set("mtu", l);
            }
            Err(e) => self.value_error(a, "mtu", e, Some(t)),
        }
    }

    /// The tunnel named by `dev`, or a note that the command is about
    /// something else.
    pub(crate) fn dev_tunnel(&mut self, c: Span, dev: Option<&Arg>, what: &str) -> Option<usize> {
        let Some(dev) = dev else {
            self.note_cmd(
                c,
                None,
                format!("{what} without `dev`; ip would refuse it, grecfg ignores it"),
            );
            return None;
        };
        let t = self.tunnel_index(&dev.text);
        if t.is_none() {
            self.note_cmd(
                c,
                None,
                format!("{} is not a tunnel this script creates; ignored", dev.text),
            );
        }
        t
    }

    /// Add (or delete) a route of the tunnel its `dev` names or, without one,
    /// of the tunnel whose inner subnet holds its gateway.
    pub(crate) fn route(&mut self, c: Span, spec: RouteSpec, loc: Location) {
        let RouteSpec {
            syntax,
            del,
            destination,
            gateway,
            dev,
            metric,
            table,
            others,
        } = spec;
        let command = match syntax {
            RouteSyntax::Ip => "`ip route`",
            RouteSyntax::NetTools => "`route`",
        };
        let t = match &dev {
            Some(_) => match self.dev_tunnel(c, dev.as_ref(), command) {
                Some(t) => t,
                None => return,
            },
            None => match gateway.and_then(|g| self.tunnel_for_gateway(g)) {
                Some(t) => t,
                None => {
                    let message = match (syntax, gateway) {
                        (RouteSyntax::Ip, Some(g)) => format!(
                            "the route to {destination} via {g} does not belong to any tunnel of this script; ignored"
                        ),
                        (RouteSyntax::Ip, None) => format!("the route to {destination} names no device; ignored"),
                        (RouteSyntax::NetTools, _) => format!(
                            "the route to {destination} does not belong to any tunnel of this script; ignored"
                        ),
                    };
                    self.push(
                        c.start,
                        None,
                        Diagnostic::warning(message)
                            .at(loc)
                            .hint("add `dev NAME` if the route should go through a tunnel"),
                    );
                    return;
                }
            },
        };
        let Some(metric) = self.opt_value(metric.as_ref(), "metric", Some(t), |s| {
            values::parse_u32(s, "metric")
        }) else {
            return;
        };
        let table = match &table {
            Some(tb) => match values::parse_table(&tb.text) {
                Ok(254) => None,
                Ok(v) => Some(v),
                Err(e) => return self.value_error(tb, "table", e, Some(t)),
            },
            None => None,
        };
        let route = Route {
            destination,
            gateway,
            metric,
            table,
        };
        self.add_route(c, t, route, del, &others, loc);
    }

    fn add_route(&mut self, c: Span, t: usize, route: Route, del: bool, others: &[Arg], loc: Location) {
        if del {
            let b = &mut self.tunnels[t];
            if let Some(i) = b
                .tunnel
                .routes
                .iter()
                .position(|r| r.destination == route.destination)
            {
                b.tunnel.routes.remove(i);
                b.routes.remove(i);
                if let Some((_, _, nr)) = &mut b.profile {
                    if i < *nr {
                        *nr -= 1;
                    }
                }
                self.note_cmd(
                    c,
                    Some(t),
                    format!("the route to {} is removed again here", route.destination),
                );
            } else {
                self.note_cmd(
                    c,
                    Some(t),
                    "deletes a route this script does not add; ignored".into(),
                );
            }
            return;
        }
        for o in others {
            if o.stray_blank {
                self.stray_blank(o);
            } else {
                self.warn_at(
                    o,
                    Some(t),
                    format!(
                        "route option `{}` has no place in the tunnel model; ignored",
                        o.text
                    ),
                    None,
                );
            }
        }
        if self.tunnels[t].profile.is_some() {
            let name = self.tunnels[t].tunnel.name.clone();
            self.note_cmd(
                c,
                Some(t),
                format!(
                    "the route to {} is set with `ip` on {name}, whose NetworkManager profile does not hold it; \
                     grecfg adds it to the tunnel",
                    route.destination
                ),
            );
        }
        let b = &mut self.tunnels[t];
        b.tunnel.routes.push(route);
        b.routes.push(loc);
    }

    /// The last tunnel whose inner subnet (or peer) holds `gw`.
    pub(crate) fn tunnel_for_gateway(&self, gw: IpAddr) -> Option<usize> {
        let holds = |b: &Building| {
            !b.deleted
                && b.tunnel.addresses.iter().any(|a| {
                    let subnet = match a.peer {
                        Some(p) => p.trunc().contains(&gw) || p.addr() == gw,
                        None => false,
                    };
                    subnet || a.address.trunc().contains(&gw)
                })
        };
        // Every network that holds `gw`: one per prefix length.
        let longest = if gw.is_ipv4() { 32 } else { 128 };
        let found = (0..=longest)
            .filter_map(|len| IpNet::new(gw, len).ok())
            .filter_map(|n| self.by_network.get(&n.trunc()))
            .flatten()
            .copied()
            .filter(|&t| holds(&self.tunnels[t]))
            .max();
        // The scan the index replaces: every address added or changed must
        // have gone through `index_address` or `reindex`.
        #[cfg(test)]
        assert_eq!(
            found,
            self.tunnels.iter().rposition(holds),
            "the network index misses {gw}"
        );
        found
    }

    /// The tunnel whose kernel module `modprobe [-q|-v|-b] MODULE` loads
    /// (`ip tunnel add` and `ip link add` load it on demand).
    fn implied_module(&self, e: &PendingExtra, live: &[usize]) -> Option<usize> {
        if e.key != "modprobe" {
            return None;
        }
        let args: Vec<&String> = e.words[1..]
            .iter()
            .filter(|w| {
                !matches!(
                    w.as_str(),
                    "-q" | "--quiet" | "-v" | "--verbose" | "-b" | "--use-blacklist"
                )
            })
            .collect();
        let [module] = args.as_slice() else {
            return None;
        };
        // modprobe treats `-` and `_` in module names alike.
        let module = module.replace('-', "_");
        live.iter()
            .copied()
            .find(|&t| iproute2::kernel_module(self.tunnels[t].tunnel.mode) == module)
    }

    /// Every tunnel the commands built and is still there, in order of
    /// creation, with its diagnostics; or the errors.
    pub(crate) fn finish(mut self) -> Result<Vec<Parsed>, Failure> {
        // Escaped blanks not seen by an interpreted command still deserve a word.
        let live: Vec<usize> = (0..self.tunnels.len())
            .filter(|&i| !self.tunnels[i].deleted)
            .collect();
        // Extras go to the tunnel they mention, else to the first one.
        let extras = std::mem::take(&mut self.extras);
        for e in extras {
            if let Some(t) = self.implied_module(&e, &live) {
                let name = self.tunnels[t].tunnel.name.clone();
                self.push(
                    e.offset,
                    Some(t),
                    Diagnostic::note(format!(
                        "`{}` is implied by the tunnel: the kernel loads the module when {name} is created",
                        e.words.join(" ")
                    ))
                    .at(e.loc),
                );
                continue;
            }
            let target = live
                .iter()
                .copied()
                .rev()
                .find(|&t| e.words.iter().any(|w| *w == self.tunnels[t].tunnel.name))
                .or(live.first().copied());
            let Some(t) = target else {
                self.push(
                    e.offset,
                    None,
                    Diagnostic::note(format!("`{}` ignored", e.key)).at(e.loc),
                );
                continue;
            };
            let name = self.tunnels[t].tunnel.name.clone();
            let b = &mut self.tunnels[t];
            b.tunnel.extras.push(Extra {
                format: EXTRA_FORMAT.into(),
                key: e.key.clone(),
                value: e.value.clone(),
            });
            b.extras.push(e.loc.clone());
            self.push(
                e.offset,
                Some(t),
                // A note: the target's lowering warns when the extra is not
                // carried over, so a warning here would say it twice.
                Diagnostic::note(format!(
                    "`{}` is kept with {name} as a script extra; other formats do not carry it",
                    e.key
                ))
                .at(e.loc)
                .hint("run it from the system's firewall, module or sysctl configuration instead"),
            );
        }
        let diags = std::mem::take(&mut self.diags);
        let has_errors = diags.has_errors();
        if has_errors || live.is_empty() {
            let mut diags = diags.by_offset();
            if !has_errors {
                diags.push(
                    Diagnostic::error("this script defines no tunnel")
                        .at(self.src.whole())
                        .hint("grecfg reads `ip tunnel add`, `ip link add ... type gre|ipip|sit|...` and the commands that configure them"),
                );
            }
            // Notes about ignored commands would bury the errors.
            return Err(Failure::new(
                diags
                    .into_iter()
                    .filter(|d| d.severity != Severity::Note)
                    .collect(),
            ));
        }
        let per = diags.per_tunnel(&live);
        let mut out = Vec::new();
        for (t, warnings) in live.into_iter().zip(per) {
            let b = &self.tunnels[t];
            let mut o = Origins::new(b.whole.clone());
            for (f, l) in &b.fields {
                o.set(f.clone(), l.clone());
            }
            for (kind, locs) in [
                ("addresses", &b.addresses),
                ("routes", &b.routes),
                ("neighbours", &b.neighbours),
                ("extras", &b.extras),
            ] {
                for (i, l) in locs.iter().enumerate() {
                    o.set(format!("{kind}[{i}]"), l.clone());
                }
            }
            out.push(Parsed {
                tunnel: b.tunnel.clone(),
                origins: o,
                warnings,
            });
        }
        Ok(out)
    }
}

/// The byte offset of a location's line and column in `text`.
pub(crate) fn loc_offset(text: &str, loc: &Location) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(loc.line.saturating_sub(1))
        .map(str::len)
        .sum();
    let col: usize = text[line_start..]
        .chars()
        .take(loc.column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    line_start + col
}

/// The words of an interpreted command after expansion; `None` (with the
/// errors reported) when one cannot be read.
pub(crate) fn expand(b: &mut Builder<'_>, words: &[Word]) -> Option<Vec<Arg>> {
    let mut out = Vec::new();
    let mut failed = false;
    for w in words {
        match &w.text {
            Ok(text) => out.push(Arg {
                text: text.clone(),
                offset: w.offset,
                len: w.len,
                stray_blank: w.stray_blank,
            }),
            Err(e) => {
                failed = true;
                b.word_error(e);
            }
        }
    }
    (!failed).then_some(out)
}
