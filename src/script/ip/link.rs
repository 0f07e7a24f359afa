//! `ip link`: tunnels made with `ip link add ... type KIND`, and what
//! `ip link set` and `ip link del` do to them.

use super::matches;
use super::tunnel::{tunnel_opt_words, tunnel_opts, OptSyntax};
use crate::diag::{Diagnostic, Location};
use crate::model::{Family, Mode};
use crate::script::builder::Builder;
use crate::script::cmd::{Arg, Span};

pub(super) fn ip_link(bld: &mut Builder<'_>, c: Span, args: &[Arg], fam: Option<Family>, loc: Location) {
    let Some(verb) = args.first() else {
        bld.note_cmd(c, None, "`ip link` lists links; ignored".into());
        return;
    };
    let v = verb.text.as_str();
    let rest = &args[1..];
    if matches(v, "add") {
        ip_link_add(bld, c, rest, fam, loc);
    } else if matches(v, "set") || matches(v, "change") {
        ip_link_set(bld, c, rest);
    } else if matches(v, "delete") {
        let name = match rest.first() {
            Some(d) if d.text == "dev" => rest.get(1),
            first => first,
        };
        match name {
            Some(n) => {
                let n = n.clone();
                bld.delete(c, &n)
            }
            None => bld.note_cmd(c, None, "`ip link del` without a device; ignored".into()),
        }
    } else {
        bld.note_cmd(
            c,
            None,
            format!("`ip link {v}` does not configure a tunnel; ignored"),
        );
    }
}

/// The link types of `ip link add` besides the tunnels grecfg reads
/// (iproute2's `ip link help`, and the kernel's rtnl_link_ops): not
/// tunnels of the model, noted as such.
const LINK_TYPES: &[&str] = &[
    "amt",
    "bareudp",
    "bond",
    "bond_slave",
    "bridge",
    "bridge_slave",
    "can",
    "dsa",
    "dummy",
    "erspan",
    "geneve",
    "gtp",
    "hsr",
    "ifb",
    "ip6erspan",
    "ipoib",
    "ipvlan",
    "ipvtap",
    "lowpan",
    "macsec",
    "macvlan",
    "macvtap",
    "netdevsim",
    "netkit",
    "nlmon",
    "rmnet",
    "team",
    "team_slave",
    "vcan",
    "veth",
    "virt_wifi",
    "vlan",
    "vrf",
    "vxcan",
    "vxlan",
    "wireguard",
    "wwan",
    "xfrm",
];

fn ip_link_add(bld: &mut Builder<'_>, c: Span, args: &[Arg], fam: Option<Family>, loc: Location) {
    // `type` is the first word in keyword position: a name or a value
    // that happens to be "type" (`ip link add name type type gre`) is not.
    let mut tp = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].text.as_str() {
            "type" => {
                tp = Some(i);
                break;
            }
            "name" | "dev" | "mtu" | "link" | "txqueuelen" | "txqlen" | "address" | "group"
            | "numtxqueues" | "numrxqueues" => i += 2,
            _ => i += 1,
        }
    }
    let Some(tp) = tp else {
        bld.note_cmd(c, None, "`ip link add` without a type; ignored".into());
        return;
    };
    let Some(kind) = args.get(tp + 1) else {
        bld.push(c.start, None, Diagnostic::error("`type` needs a value").at(loc));
        return;
    };
    let (mode, ip6) = match kind.text.as_str() {
        "gre" => (Some(Mode::Gre), false),
        "gretap" => (Some(Mode::Gretap), false),
        "ip6gre" => (Some(Mode::Ip6gre), true),
        "ip6gretap" => (Some(Mode::Ip6gretap), true),
        "ipip" => (Some(Mode::Ipip), false),
        "sit" => (Some(Mode::Sit), false),
        "vti" => (Some(Mode::Vti), false),
        "vti6" => (Some(Mode::Vti6), true),
        "ip6tnl" => (None, true),
        k if LINK_TYPES.contains(&k) => {
            bld.note_cmd(
                c,
                None,
                format!("`ip link add ... type {k}` is not a tunnel; ignored"),
            );
            return;
        }
        k => {
            let why = if k == "eoip" {
                super::EOIP
            } else {
                "ip would refuse it (Unknown device type)"
            };
            let kind = kind.clone();
            bld.warn_at(
                &kind,
                None,
                format!("`type {k}` is not a link type of Linux: {why}; not read as a tunnel"),
                Some("for an Ethernet tunnel between Linux ends, use type gretap"),
            );
            return;
        }
    };
    let _ = fam;
    let mut name: Option<Arg> = None;
    let mut mtu: Option<Arg> = None;
    let mut i = 0;
    while i < tp {
        let a = &args[i];
        match a.text.as_str() {
            "name" | "dev" => {
                name = args.get(i + 1).filter(|_| i + 1 < tp).cloned();
                i += 2;
            }
            "mtu" => {
                mtu = args.get(i + 1).filter(|_| i + 1 < tp).cloned();
                i += 2;
            }
            "up" | "down" => i += 1,
            "link" | "txqueuelen" | "txqlen" | "address" | "group" | "numtxqueues" | "numrxqueues" => {
                let a = a.clone();
                bld.warn_at(
                    &a,
                    None,
                    format!("`{}` is not read by grecfg; ignored", a.text),
                    None,
                );
                i += 2;
            }
            _ => {
                name = Some(a.clone());
                i += 1;
            }
        }
    }
    let Some(name) = name else {
        bld.push(
            c.start,
            None,
            Diagnostic::error("`ip link add` without a name").at(loc),
        );
        return;
    };
    let rest = &args[tp + 2..];
    let mut isatap = false;
    let Some((mut opts, ok)) = tunnel_opt_words(bld, rest, OptSyntax::Link, |this, a| {
        match a.text.as_str() {
            "isatap" if kind.text == "sit" => isatap = true,
            "external" => {
                this.push(
                    a.offset,
                    None,
                    Diagnostic::error("an `external` (collect-metadata) tunnel has no model equivalent")
                        .at(this.arg_loc(a))
                        .hint("such a tunnel is driven by eBPF or OVS, not by a profile"),
                );
                return false;
            }
            w => {
                this.push(
                    a.offset,
                    None,
                    Diagnostic::error(format!("`{w}` is not a {} option grecfg knows", kind.text))
                        .at(this.arg_loc(a))
                        .hint("ip would refuse an unknown option too; check the spelling"),
                );
                return false;
            }
        }
        true
    }) else {
        return;
    };
    // The last `mode` counts, as in ip; tunnel_opts skips `mode` anyway.
    let mode_arg = opts
        .iter()
        .rev()
        .find(|(k, _)| k.text == "mode")
        .and_then(|(_, v)| v.clone());
    opts.retain(|(k, _)| k.text != "mode");
    if !ok {
        return;
    }
    let mode = match (mode, &mode_arg) {
        (Some(Mode::Sit), _) if isatap => Mode::Isatap,
        (Some(m), None) => m,
        (Some(m), Some(a)) => {
            let ok = match m {
                Mode::Ipip => a.text == "ipip" || a.text == "ip4ip4",
                Mode::Sit => a.text == "ip6ip",
                _ => false,
            };
            if !ok {
                let a = a.clone();
                bld.push(
                    a.offset,
                    None,
                    Diagnostic::error(format!(
                        "mode {} of type {} cannot be expressed in the model",
                        a.text, kind.text
                    ))
                    .at(bld.arg_loc(&a)),
                );
                return;
            }
            m
        }
        (None, Some(a)) if matches!(a.text.as_str(), "ip6ip6" | "ipv6/ipv6") => Mode::Ip6ip6,
        (None, Some(a)) if matches!(a.text.as_str(), "ipip6" | "ip4ip6" | "ip/ipv6" | "ipv4/ipv6") => {
            Mode::Ipip6
        }
        (None, a) => {
            let at = a.clone().unwrap_or_else(|| kind.clone());
            bld.push(
                at.offset,
                None,
                Diagnostic::error("an ip6tnl tunnel without mode ip6ip6 or ipip6 carries any protocol")
                    .at(bld.arg_loc(&at))
                    .hint("the model (and NetworkManager) need `mode ip6ip6` or `mode ipip6`"),
            );
            return;
        }
    };
    let t = bld.create(&name, mode, loc, mode_arg.as_ref().or(Some(kind)));
    if ip6 && mode != Mode::Vti6 {
        let b = &mut bld.tunnels[t];
        b.tunnel.ttl = 64;
        b.tunnel.encapsulation_limit = 4;
    }
    if let Some(m) = mtu {
        bld.set_mtu(t, &m);
    }
    tunnel_opts(bld, t, &opts, ip6, true);
}

fn ip_link_set(bld: &mut Builder<'_>, c: Span, args: &[Arg]) {
    let mut dev: Option<Arg> = None;
    let mut i = 0;
    let mut changes: Vec<(Arg, Option<Arg>)> = Vec::new();
    while i < args.len() {
        let a = &args[i];
        match a.text.as_str() {
            "dev" => {
                dev = args.get(i + 1).cloned();
                i += 2;
            }
            "up" | "down" => {
                changes.push((a.clone(), None));
                i += 1;
            }
            "mtu" | "name" | "address" | "txqueuelen" | "txqlen" | "arp" | "multicast" | "master"
            | "alias" | "netns" | "group" | "allmulticast" | "promisc" => {
                changes.push((a.clone(), args.get(i + 1).cloned()));
                i += 2;
            }
            _ if dev.is_none() => {
                dev = Some(a.clone());
                i += 1;
            }
            _ => {
                changes.push((a.clone(), None));
                i += 1;
            }
        }
    }
    let Some(dev) = dev else {
        bld.note_cmd(c, None, "`ip link set` without a device; ignored".into());
        return;
    };
    let Some(t) = bld.tunnel_index(&dev.text) else {
        bld.note_cmd(
            c,
            None,
            format!("{} is not a tunnel this script creates; ignored", dev.text),
        );
        return;
    };
    for (k, v) in changes {
        match (k.text.as_str(), v) {
            ("up", _) => {}
            ("mtu", Some(v)) => bld.set_mtu(t, &v),
            ("master", Some(v)) => bld.bridge_port(t, &k, &v.text),
            ("down", _) => bld.warn_at(
                &k,
                Some(t),
                format!(
                    "{} is set down here; grecfg keeps it and profiles bring it up",
                    dev.text
                ),
                None,
            ),
            (w, _) => bld.warn_at(
                &k,
                Some(t),
                format!(
                    "`ip link set {} {w}` has no place in the tunnel model; ignored",
                    dev.text
                ),
                None,
            ),
        }
    }
}
