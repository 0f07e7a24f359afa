//! Lowering a tunnel onto what a NetworkManager profile can hold, for every
//! encoding of the settings dictionary (keyfile, nmcli, D-Bus). Each step
//! is one of NetworkManager's rules; they run in a fixed order because a
//! later rule sees what an earlier one changed (peer addresses add routes,
//! route options follow their routes, gateways need an address).

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::codec::WriteOptions;
use crate::diag::Problem;
use crate::gkeyfile;
use crate::model::{Extra, Family, Route, Tunnel};
use crate::nm::settings::{
    self, format_route_options, group_for_setting, owner_of_key, parse_route_options, route_options_index,
    setting_for_group, split_extra_key, EXTRA_FORMAT, EXTRA_FORMAT_NMCLI,
};

/// A lowered tunnel.
pub(crate) struct Lowered {
    /// Its extras are the dictionary's opaque properties (format
    /// `keyfile`), in NetworkManager's order.
    pub tunnel: Tunnel,
    /// Extras of the encoding's own format, untouched, for the encoder to
    /// judge and write back itself.
    pub verbatim: Vec<Extra>,
    pub warnings: Vec<Problem>,
}

/// A route and the options (`routeN_options`) it carries along.
type RouteWithOptions = (Route, Option<String>);

/// Lower `t` for an encoding whose own extras (format `verbatim`, if it has
/// any) pass through as they are; every other extra is judged here.
pub(crate) fn lower(
    t: &Tunnel,
    opts: &WriteOptions,
    verbatim: Option<&str>,
) -> Result<Lowered, Vec<Problem>> {
    let mut t = t.clone();
    let mut w = Vec::new();
    no_vertical_tab(&t)?;
    profile_id(&mut t, &mut w);
    zone(&mut t, &mut w);
    uuid(&mut t, opts);
    multipoint_remote(&mut t, &mut w);
    let (dictionary, verbatim) = foreign_extras(&mut t, &mut w, verbatim);
    let never_default = never_default(&dictionary);
    let (route_opts, mut extras) = dictionary_extras(&t, dictionary, &never_default, &mut w);
    let mut routes: Vec<RouteWithOptions> = t.routes.drain(..).zip(route_opts).collect();
    peer_addresses(&mut t, &mut routes, &mut w);
    family_split(&mut t, &mut routes);
    let kept = route_gateways_and_duplicates(routes, &mut w);
    route_options(&kept, &mut extras);
    t.routes = kept.into_iter().map(|(r, _)| r).collect();
    neighbours(&mut t, &mut w);
    gateways(&t, &mut extras, &mut w);
    settings::sort_extras_by(&mut extras, |(_, e)| e);
    t.extras = extras.into_iter().map(|(_, e)| e).collect();
    Ok(Lowered {
        tunnel: t,
        verbatim,
        warnings: w,
    })
}

/// The kernel and NetworkManager refuse whitespace in interface names,
/// \v included (the model's check lets it through).
fn no_vertical_tab(t: &Tunnel) -> Result<(), Vec<Problem>> {
    let mut errors = Vec::new();
    for (field, v) in [("name", Some(&t.name)), ("parent", t.parent.as_ref())] {
        if v.is_some_and(|v| v.contains('\x0b')) {
            errors.push(Problem::new(
                field,
                format!("{field} {v:?} contains a vertical tab", v = v.unwrap()),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// GLib drops leading \v and \f on reading and has no escape for them;
/// a profile without a name is called after its interface.
fn profile_id(t: &mut Tunnel, w: &mut Vec<Problem>) {
    if let Some(id) = &t.id {
        if !gkeyfile::string_survives(id) {
            let fixed = id.trim_start_matches(['\x0b', '\x0c']).to_string();
            w.push(Problem::new(
                "id",
                format!("profile name {id:?} loses its leading control characters in a keyfile"),
            ));
            t.id = Some(if fixed.is_empty() { t.name.clone() } else { fixed });
        }
    }
    if t.id.is_none() {
        t.id = Some(t.name.clone());
    }
}

fn zone(t: &mut Tunnel, w: &mut Vec<Problem>) {
    if let Some(z) = &t.zone {
        if !gkeyfile::string_survives(z) {
            let fixed = z.trim_start_matches(['\x0b', '\x0c']).to_string();
            w.push(Problem::new(
                "zone",
                format!("zone {z:?} loses its leading control characters in a keyfile"),
            ));
            t.zone = (!fixed.is_empty()).then_some(fixed);
        }
    }
}

fn uuid(t: &mut Tunnel, opts: &WriteOptions) {
    if t.uuid.is_none() {
        t.uuid = Some(opts.make_uuid(t));
    }
}

/// The unspecified address is how NetworkManager spells "no remote"; the
/// model spells it None (multipoint). The warning says so.
fn multipoint_remote(t: &mut Tunnel, w: &mut Vec<Problem>) {
    if t.remote.is_some_and(|r| r.is_unspecified()) {
        t.remote = None;
    }
    if t.remote.is_none() {
        let any = match t.mode.outer_family() {
            Family::V4 => "0.0.0.0",
            Family::V6 => "::",
        };
        w.push(
            Problem::new(
                "remote",
                format!("NetworkManager requires a remote; the multipoint tunnel is written with remote={any}, which the kernel reads as any"),
            )
            .hint("give the peer's outer address if the tunnel has exactly one peer"),
        );
    }
}

/// Take the extras out of the tunnel: the dictionary's (with their index
/// among the extras judged here), the encoding's own (verbatim), and the
/// rest, which are not carried over.
fn foreign_extras(
    t: &mut Tunnel,
    w: &mut Vec<Problem>,
    verbatim: Option<&str>,
) -> (Vec<(usize, Extra)>, Vec<Extra>) {
    let mut dictionary = Vec::new();
    let mut own = Vec::new();
    let mut judged = 0;
    for e in std::mem::take(&mut t.extras) {
        if Some(e.format.as_str()) == verbatim {
            own.push(e);
            continue;
        }
        let i = judged;
        judged += 1;
        if e.format == EXTRA_FORMAT {
            dictionary.push((i, e));
        } else if e.format == EXTRA_FORMAT_NMCLI {
            w.push(Problem::new(
                format!("extras[{i}]"),
                format!(
                    "nmcli property {} {} is not carried over: grecfg does not translate it into a keyfile value",
                    e.key, e.value
                ),
            ));
        } else {
            w.push(Problem::new(
                format!("extras[{i}]"),
                format!(
                    "{} setting {}={} has no NetworkManager equivalent and is not carried over",
                    e.format, e.key, e.value
                ),
            ));
        }
    }
    (dictionary, own)
}

/// ipv4.never-default / ipv6.never-default as NetworkManager reads them
/// (the last one given wins).
fn never_default(extras: &[(usize, Extra)]) -> BTreeMap<String, bool> {
    let mut never_default = BTreeMap::new();
    for (_, e) in extras {
        if let Some((group, "never-default")) = split_extra_key(&e.key) {
            let v = matches!(
                gkeyfile::unescape(&e.value).as_deref().map(str::trim_end),
                Ok("true" | "1")
            );
            never_default.insert(setting_for_group(group).to_string(), v);
        }
    }
    never_default
}

/// The dictionary's extras a profile can hold, keyed as NetworkManager
/// names the group, and the route options they give each route.
fn dictionary_extras(
    t: &Tunnel,
    dictionary: Vec<(usize, Extra)>,
    never_default: &BTreeMap<String, bool>,
    w: &mut Vec<Problem>,
) -> (Vec<Option<String>>, Vec<(usize, Extra)>) {
    let mut route_opts: Vec<Option<String>> = vec![None; t.routes.len()];
    let mut extras: Vec<(usize, Extra)> = Vec::new();
    for (i, mut e) in dictionary {
        let field = format!("extras[{i}]");
        let drop = |why: String| {
            Problem::new(
                &field,
                format!("NetworkManager extra {}={} is dropped: {why}", e.key, e.value),
            )
        };
        let Some((group, key)) = split_extra_key(&e.key) else {
            w.push(drop("the key is not group.key".into()));
            continue;
        };
        let setting = setting_for_group(group);
        let (group, key) = (group_for_setting(setting).to_string(), key.to_string());
        if !gkeyfile::is_group_name(&group)
            || group.chars().skip(1).any(|c| c == '.')
            || !gkeyfile::is_key_name(&key)
        {
            w.push(drop("a keyfile cannot hold this group or key name".into()));
            continue;
        }
        if !gkeyfile::raw_survives(&e.value) {
            w.push(drop(
                "the value is not a valid keyfile value (line breaks, leading spaces or bad escapes)".into(),
            ));
            continue;
        }
        if let Some(owner) = owner_of_key(setting, &key) {
            w.push(drop(format!("grecfg writes this key from {owner}")));
            continue;
        }
        // `default` is what grecfg writes anyway; `stable-privacy` is a
        // choice of its own (`default` follows NetworkManager's global
        // configuration), kept as NetworkManager keeps it.
        if setting == "ipv6" && key == "addr-gen-mode" && e.value == "default" {
            continue;
        }
        if let Some(n) = route_options_index(&key) {
            let fam = if setting == "ipv6" { Family::V6 } else { Family::V4 };
            let target = (setting == "ipv4" || setting == "ipv6")
                .then(|| {
                    t.routes
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| Family::of(&r.destination.addr()) == fam)
                        .nth(n - 1)
                        .map(|(j, _)| j)
                })
                .flatten();
            let parsed = parse_route_options(&e.value).filter(|o| !o.is_empty() && !o.contains_key("table"));
            match (target, parsed) {
                (Some(j), Some(o)) => route_opts[j] = Some(format_route_options(&o, None)),
                (None, _) => w.push(drop(format!("there is no {} route {n}", fam.name()))),
                (_, None) => w.push(drop(
                    "route options must be name=value pairs other than table".into(),
                )),
            }
            continue;
        }
        if key == "gateway" && (setting == "ipv4" || setting == "ipv6") {
            let fam = if setting == "ipv6" { Family::V6 } else { Family::V4 };
            let ok = e.value.parse::<IpAddr>().is_ok_and(|g| Family::of(&g) == fam)
                && t.addresses.iter().any(|a| Family::of(&a.address.addr()) == fam);
            if !ok {
                w.push(drop(format!(
                    "a gateway needs an {} address on the tunnel and must be one itself",
                    fam.name()
                )));
                continue;
            }
            // NetworkManager clears the gateway of a profile that may never
            // have the default route (its normalization of ipv4 and ipv6),
            // so the file it would write has none.
            if never_default.get(setting).copied().unwrap_or(false) {
                w.push(drop(format!(
                    "{group}.never-default=true: NetworkManager drops the gateway of such a profile"
                )));
                continue;
            }
        }
        // A list is what NetworkManager holds; the file it writes spells
        // it with a `;` after each item, whatever the input did.
        if settings::is_string_list(setting, &key) {
            if let Some(items) = gkeyfile::list_items(&e.value) {
                e.value = gkeyfile::list_value(&items);
            }
        }
        e.key = format!("{group}.{key}");
        if let Some(pos) = extras.iter().position(|(_, x)| x.key == e.key) {
            w.push(Problem::new(
                format!("extras[{}]", extras[pos].0),
                format!(
                    "NetworkManager extra {} is given twice; the last value wins",
                    e.key
                ),
            ));
            extras.remove(pos);
        }
        extras.push((i, e));
    }
    (route_opts, extras)
}

/// Inner addresses: NetworkManager has no peer.
fn peer_addresses(t: &mut Tunnel, routes: &mut Vec<RouteWithOptions>, w: &mut Vec<Problem>) {
    for (i, a) in t.addresses.iter_mut().enumerate() {
        let Some(peer) = a.peer.take() else { continue };
        let local = a.address.addr();
        if peer.contains(&local) {
            let new = IpNet::new(local, peer.prefix_len()).expect("prefix of the same family");
            w.push(Problem::new(
                format!("addresses[{i}].peer"),
                format!("peer {peer} dropped: NetworkManager has no peer address; {new} gives the same on-link route"),
            ));
            a.address = new;
        } else {
            let host = if local.is_ipv4() { 32 } else { 128 };
            let new = IpNet::new(local, host).expect("host prefix");
            let route = Route {
                destination: peer.trunc(),
                gateway: None,
                metric: None,
                table: None,
            };
            w.push(Problem::new(
                format!("addresses[{i}].peer"),
                format!(
                    "peer {peer} dropped: NetworkManager has no peer address; written as {new} plus a device route to {}",
                    route.destination
                ),
            ));
            a.address = new;
            if !routes.iter().any(|(r, _)| *r == route) {
                routes.push((route, None));
            }
        }
    }
}

/// NetworkManager keeps IPv4 and IPv6 in separate settings.
fn family_split(t: &mut Tunnel, routes: &mut [RouteWithOptions]) {
    t.addresses.sort_by_key(|a| a.address.addr().is_ipv6());
    routes.sort_by_key(|(r, _)| r.destination.addr().is_ipv6());
}

/// An unspecified gateway is no gateway, and NetworkManager keeps one of
/// equal routes.
fn route_gateways_and_duplicates(
    routes: Vec<RouteWithOptions>,
    w: &mut Vec<Problem>,
) -> Vec<RouteWithOptions> {
    let mut kept: Vec<RouteWithOptions> = Vec::new();
    for (i, (mut r, o)) in routes.into_iter().enumerate() {
        if r.gateway.is_some_and(|g| g.is_unspecified()) {
            w.push(Problem::new(
                format!("routes[{i}]"),
                format!(
                    "gateway {} of the route to {} means no gateway",
                    r.gateway.unwrap_or(r.destination.addr()),
                    r.destination
                ),
            ));
            r.gateway = None;
        }
        if kept.iter().any(|(k, _)| *k == r) {
            w.push(Problem::new(
                format!("routes[{i}]"),
                format!(
                    "route to {} is given twice; NetworkManager keeps one",
                    r.destination
                ),
            ));
            continue;
        }
        kept.push((r, o));
    }
    kept
}

/// Route options become extras `ipvN.routeM_options` at their route's
/// final place in its family.
fn route_options(kept: &[RouteWithOptions], extras: &mut Vec<(usize, Extra)>) {
    let mut v4 = 0;
    let mut v6 = 0;
    for (r, o) in kept {
        let (setting, n) = if r.destination.addr().is_ipv6() {
            v6 += 1;
            ("ipv6", v6)
        } else {
            v4 += 1;
            ("ipv4", v4)
        };
        if let Some(o) = o {
            extras.push((
                usize::MAX,
                Extra {
                    format: EXTRA_FORMAT.into(),
                    key: format!("{setting}.route{n}_options"),
                    value: o.clone(),
                },
            ));
        }
    }
}

fn neighbours(t: &mut Tunnel, w: &mut Vec<Problem>) {
    if t.neighbours.is_empty() {
        return;
    }
    for (i, n) in t.neighbours.iter().enumerate() {
        w.push(
            Problem::new(
                format!("neighbours[{i}]"),
                format!(
                    "static neighbour {} via {} is lost: NetworkManager has no static neighbours",
                    n.inner, n.outer
                ),
            )
            .hint("add it from a dispatcher script: ip neigh replace INNER lladdr OUTER dev NAME"),
        );
    }
    t.neighbours.clear();
}

/// Gateways need an address of their family, which may have changed.
fn gateways(t: &Tunnel, extras: &mut Vec<(usize, Extra)>, w: &mut Vec<Problem>) {
    extras.retain(|(i, e)| {
        let fam = match e.key.as_str() {
            "ipv4.gateway" => Family::V4,
            "ipv6.gateway" => Family::V6,
            _ => return true,
        };
        let ok = t.addresses.iter().any(|a| Family::of(&a.address.addr()) == fam);
        if !ok {
            w.push(Problem::new(
                format!("extras[{i}]"),
                format!("{} dropped: no {} address", e.key, fam.name()),
            ));
        }
        ok
    });
}
