//! `ip` (iproute2): its global options and the object they select. The
//! objects that configure a tunnel have a file each; docs/FORMATS.md §2 has the
//! command semantics.

mod addr;
mod link;
mod neigh;
mod route;
mod tunnel;

use addr::ip_addr;
use link::ip_link;
use neigh::ip_neigh;
use route::ip_route;
use tunnel::ip_tunnel;

use super::builder::Builder;
use super::cmd::{Arg, Span};
use crate::diag::Location;
use crate::model::Family;

/// `ip [OPTIONS] OBJECT ...`, the words after `ip`.
pub(crate) fn ip(bld: &mut Builder<'_>, c: Span, args: &[Arg], loc: Location) {
    // The address family the options ask for; `None` when they do not.
    let mut fam = None;
    let mut i = 0;
    while i < args.len() && args[i].text.starts_with('-') && args[i].text.len() > 1 {
        let o = args[i].text.trim_start_matches('-');
        match o {
            "4" => fam = Some(Family::V4),
            "6" => fam = Some(Family::V6),
            "f" | "family" => {
                i += 1;
                match args.get(i).map(|a| a.text.as_str()) {
                    Some("inet") => fam = Some(Family::V4),
                    Some("inet6") => fam = Some(Family::V6),
                    _ => {}
                }
            }
            _ if matches(o, "details") || matches(o, "stats") || matches(o, "statistics") => {}
            "o" | "oneline" | "c" | "color" | "br" | "brief" | "j" | "json" | "p" | "pretty" | "h"
            | "human" | "r" | "resolve" => {}
            _ => {
                let a = args[i].clone();
                bld.warn_at(
                    &a,
                    None,
                    format!("ip option {} is not understood; ignored", a.text),
                    None,
                );
                if matches!(o, "n" | "netns" | "b" | "batch" | "rc" | "rcvbuf") {
                    i += 1;
                }
            }
        }
        i += 1;
    }
    let Some(obj_arg) = args.get(i) else {
        bld.note_cmd(
            c,
            None,
            "`ip` without an object only prints its usage; ignored".into(),
        );
        return;
    };
    let rest = &args[i + 1..];
    match ip_object(&obj_arg.text) {
        Some("tunnel") => ip_tunnel(bld, c, rest, fam, loc),
        Some("link") => ip_link(bld, c, rest, fam, loc),
        Some("address") => ip_addr(bld, c, rest, loc),
        Some("route") => ip_route(bld, c, rest, fam, loc),
        Some("neighbor") => ip_neigh(bld, c, rest, loc),
        Some(o) => bld.note_cmd(c, None, format!("`ip {o}` does not configure a tunnel; ignored")),
        None => {
            let a = obj_arg.clone();
            bld.warn_at(
                &a,
                None,
                format!(
                    "`ip {}` is not an ip object; ip would fail, grecfg ignores the command",
                    a.text
                ),
                None,
            );
        }
    }
}

/// iproute2's `matches`: `word` is a non-empty prefix of `full`.
fn matches(word: &str, full: &str) -> bool {
    !word.is_empty() && full.starts_with(word)
}

/// The `ip` object a word selects, in iproute2's table order.
fn ip_object(word: &str) -> Option<&'static str> {
    const OBJECTS: [&str; 35] = [
        "address",
        "addrlabel",
        "maddress",
        "route",
        "rule",
        "neighbor",
        "neighbour",
        "ntable",
        "ntbl",
        "link",
        "l2tp",
        "fou",
        "ila",
        "macsec",
        "tunnel",
        "tunl",
        "tuntap",
        "tap",
        "token",
        "tcpmetrics",
        "tcp_metrics",
        "monitor",
        "xfrm",
        "mroute",
        "mrule",
        "netns",
        "netconf",
        "vrf",
        "sr",
        "nexthop",
        "mptcp",
        "ioam",
        "stats",
        "help",
        "neigh",
    ];
    OBJECTS
        .iter()
        .copied()
        .find(|o| matches(word, o))
        .map(|o| match o {
            "neighbour" | "neigh" => "neighbor",
            "tunl" => "tunnel",
            o => o,
        })
}

fn is_ipv6_mode(word: &str) -> bool {
    matches!(
        word,
        "ip6ip6"
            | "ipv6/ipv6"
            | "ipip6"
            | "ip4ip6"
            | "ip/ipv6"
            | "ipv4/ipv6"
            | "ip6gre"
            | "gre/ipv6"
            | "vti6"
            | "any"
            | "any/ipv6"
    )
}

/// What an `eoip` tunnel is, for the messages of both `ip link` and
/// `ip tunnel`.
pub(super) const EOIP: &str = "EoIP is MikroTik's Ethernet over IP, which neither the Linux kernel nor \
                               NetworkManager has (only an out-of-tree module)";
