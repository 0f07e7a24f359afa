//! `ip neighbour`: the static neighbours of a multipoint tunnel.

use std::net::IpAddr;

use super::matches;
use crate::diag::{Diagnostic, Location};
use crate::model::Neighbour;
use crate::script::builder::Builder;
use crate::script::cmd::{Arg, Span};
use crate::values;

pub(super) fn ip_neigh(bld: &mut Builder<'_>, c: Span, args: &[Arg], loc: Location) {
    let Some(verb) = args.first() else {
        bld.note_cmd(c, None, "`ip neighbour` only displays; ignored".into());
        return;
    };
    let v = verb.text.as_str();
    let del = matches(v, "delete");
    if !(matches(v, "add") || matches(v, "change") || matches(v, "replace") || del) {
        bld.note_cmd(
            c,
            None,
            format!("`ip neighbour {v}` does not configure a tunnel; ignored"),
        );
        return;
    }
    let mut inner: Option<Arg> = None;
    let mut lladdr: Option<Arg> = None;
    let mut dev: Option<Arg> = None;
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        match a.text.as_str() {
            "lladdr" => {
                lladdr = args.get(i + 1).cloned();
                i += 2;
            }
            "dev" => {
                dev = args.get(i + 1).cloned();
                i += 2;
            }
            "to" => {
                inner = args.get(i + 1).cloned();
                i += 2;
            }
            "nud" | "proxy" | "vni" | "port" | "protocol" => i += 2,
            "router" | "extern_learn" | "permanent" | "noarp" | "reachable" | "stale" => i += 1,
            _ => {
                if inner.is_none() {
                    inner = Some(a.clone());
                }
                i += 1;
            }
        }
    }
    let Some(t) = bld.dev_tunnel(c, dev.as_ref(), "`ip neighbour`") else {
        return;
    };
    let Some(inner) = inner else {
        bld.push(
            c.start,
            Some(t),
            Diagnostic::error("`ip neighbour` without an address").at(loc),
        );
        return;
    };
    let inner_ip = match values::parse_ip(&inner.text) {
        Ok(ip) => ip,
        Err(e) => return bld.value_error(&inner, "neighbour", e, Some(t)),
    };
    if del {
        let b = &mut bld.tunnels[t];
        if let Some(i) = b.neighbour_at.find(&b.tunnel.neighbours, |n| n.inner, inner_ip) {
            b.tunnel.neighbours.remove(i);
            b.neighbours.remove(i);
            b.neighbour_at.forget();
        }
        bld.note_cmd(c, Some(t), format!("the neighbour {inner_ip} is removed here"));
        return;
    }
    let Some(lladdr) = lladdr else {
        bld.push(
            c.start,
            Some(t),
            Diagnostic::error("`ip neighbour` without `lladdr`: the outer address is missing").at(loc),
        );
        return;
    };
    let outer = match lladdr_ip(&lladdr.text) {
        Some(ip) => ip,
        None => {
            bld.warn_at(
                &lladdr,
                Some(t),
                format!(
                    "lladdr {} is not an IP address: not a static neighbour of a multipoint tunnel; ignored",
                    lladdr.text
                ),
                None,
            );
            return;
        }
    };
    let b = &mut bld.tunnels[t];
    let n = Neighbour {
        inner: inner_ip,
        outer,
    };
    if let Some(i) = b.neighbour_at.find(&b.tunnel.neighbours, |n| n.inner, inner_ip) {
        b.tunnel.neighbours[i] = n;
        b.neighbours[i] = loc;
    } else {
        b.tunnel.neighbours.push(n);
        b.neighbours.push(loc);
        b.neighbour_at.pushed(inner_ip, b.tunnel.neighbours.len());
    }
}

/// The outer address a tunnel neighbour's `lladdr` gives: an IP address,
/// or as iproute2's `ll_addr_a2n` reads it for a tunnel device, colon-
/// separated hex bytes, 4 of them for IPv4 and 16 for IPv6 (how `ip
/// neigh` prints the link-layer address of an IPv6 tunnel).
fn lladdr_ip(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = values::parse_ip(s) {
        return Some(ip);
    }
    let bytes: Vec<u8> = s
        .split(':')
        .map(|b| {
            (1..=2)
                .contains(&b.len())
                .then(|| u8::from_str_radix(b, 16).ok())
                .flatten()
        })
        .collect::<Option<_>>()?;
    match bytes.len() {
        4 => Some(IpAddr::from(<[u8; 4]>::try_from(bytes).ok()?)),
        16 => Some(IpAddr::from(<[u8; 16]>::try_from(bytes).ok()?)),
        _ => None,
    }
}
