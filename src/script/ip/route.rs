//! `ip route`: routes through a tunnel.

use super::matches;
use crate::diag::{Diagnostic, Location};
use crate::model::Family;
use crate::script::builder::{Builder, RouteSpec, RouteSyntax};
use crate::script::cmd::{Arg, Span};
use crate::values;

pub(super) fn ip_route(bld: &mut Builder<'_>, c: Span, args: &[Arg], fam: Option<Family>, loc: Location) {
    if let Some(spec) = route_spec(bld, c, args, fam, &loc) {
        bld.route(c, spec, loc);
    }
}

/// The route an `ip route` command writes; `None` when it writes none
/// (said why) or one that is not read.
fn route_spec(
    bld: &mut Builder<'_>,
    c: Span,
    args: &[Arg],
    fam: Option<Family>,
    loc: &Location,
) -> Option<RouteSpec> {
    let Some(verb) = args.first() else {
        bld.note_cmd(c, None, "`ip route` only displays; ignored".into());
        return None;
    };
    let v = verb.text.as_str();
    let del = matches(v, "delete");
    let adds = matches(v, "add")
        || matches(v, "change")
        || matches(v, "replace")
        || matches(v, "append")
        || matches(v, "prepend");
    if !(adds || del) {
        bld.note_cmd(
            c,
            None,
            format!("`ip route {v}` does not configure a tunnel; ignored"),
        );
        return None;
    }
    let mut dest: Option<Arg> = None;
    let mut via: Option<Arg> = None;
    let mut dev: Option<Arg> = None;
    let mut metric: Option<Arg> = None;
    let mut table: Option<Arg> = None;
    let mut others: Vec<Arg> = Vec::new();
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        let w = a.text.as_str();
        match w {
            "via" | "gw" => {
                let mut j = i + 1;
                if matches!(args.get(j).map(|a| a.text.as_str()), Some("inet" | "inet6")) {
                    j += 1;
                }
                via = args.get(j).cloned();
                i = j + 1;
            }
            "dev" | "oif" => {
                dev = args.get(i + 1).cloned();
                i += 2;
            }
            "metric" | "preference" | "priority" => {
                metric = args.get(i + 1).cloned();
                i += 2;
            }
            "table" => {
                table = args.get(i + 1).cloned();
                i += 2;
            }
            "to" => {
                dest = args.get(i + 1).cloned();
                i += 2;
            }
            "unicast" => i += 1,
            "onlink" | "pervasive" => {
                others.push(a.clone());
                i += 1;
            }
            "proto" | "protocol" | "scope" | "src" | "mtu" | "advmss" | "realm" | "realms" | "initcwnd"
            | "tos" | "dsfield" | "window" | "rtt" | "hoplimit" | "expires" | "from" | "nexthop"
            | "weight" => {
                others.push(a.clone());
                i += 2;
            }
            "blackhole" | "unreachable" | "prohibit" | "throw" | "local" | "broadcast" | "multicast"
            | "anycast" | "nat" => {
                let a = a.clone();
                bld.note_cmd(
                    c,
                    None,
                    format!("a {} route does not go through a tunnel; ignored", a.text),
                );
                return None;
            }
            _ if dest.is_none() && !a.stray_blank => {
                dest = Some(a.clone());
                i += 1;
            }
            _ => {
                others.push(a.clone());
                i += 1;
            }
        }
    }
    let Some(dest) = dest else {
        bld.push(
            c.start,
            None,
            Diagnostic::error("`ip route` without a destination").at(loc.clone()),
        );
        return None;
    };
    let gateway = bld.opt_value(via.as_ref(), "gateway", None, values::parse_ip)?;
    let destination = if dest.text == "default" || dest.text == "all" {
        let v6 = fam == Some(Family::V6) || gateway.is_some_and(|g| g.is_ipv6());
        if v6 {
            "::/0".parse().expect("valid")
        } else {
            "0.0.0.0/0".parse().expect("valid")
        }
    } else {
        match values::parse_ip_net(&dest.text) {
            Ok(n) => n,
            Err(e) => {
                bld.value_error(&dest, "route destination", e, None);
                return None;
            }
        }
    };
    Some(RouteSpec {
        syntax: RouteSyntax::Ip,
        del,
        destination,
        gateway,
        dev,
        metric,
        table,
        others,
    })
}
