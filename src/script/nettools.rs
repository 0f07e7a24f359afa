//! The net-tools commands: `route(8)` and `ifconfig(8)`.

use std::net::IpAddr;

use ipnet::IpNet;

use super::builder::{Builder, RouteSpec, RouteSyntax};
use super::cmd::{Arg, Span};
use crate::diag::{Diagnostic, Location};
use crate::model::{Family, InnerAddress};
use crate::values;

/// `route add|del ...`, the words after `route`.
pub(crate) fn route(bld: &mut Builder<'_>, c: Span, args: &[Arg], loc: Location) {
    if let Some(spec) = route_spec(bld, c, args, &loc) {
        bld.route(c, spec, loc);
    }
}

/// The route a `route(8)` command writes; `None` when it writes none (said
/// why) or one that is not read.
fn route_spec(bld: &mut Builder<'_>, c: Span, args: &[Arg], loc: &Location) -> Option<RouteSpec> {
    let Some(verb) = args.first() else {
        bld.note_cmd(c, None, "`route` only displays; ignored".into());
        return None;
    };
    let del = verb.text == "del";
    if verb.text != "add" && !del {
        bld.note_cmd(c, None, "`route` without add/del only displays; ignored".into());
        return None;
    }
    let mut target: Option<Arg> = None;
    let mut host = false;
    let mut netmask: Option<Arg> = None;
    let mut gw: Option<Arg> = None;
    let mut dev: Option<Arg> = None;
    let mut metric: Option<Arg> = None;
    let mut others = Vec::new();
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        match a.text.as_str() {
            "-net" => i += 1,
            "-host" => {
                host = true;
                i += 1
            }
            "netmask" => {
                netmask = args.get(i + 1).cloned();
                i += 2;
            }
            "gw" => {
                gw = args.get(i + 1).cloned();
                i += 2;
            }
            "dev" => {
                dev = args.get(i + 1).cloned();
                i += 2;
            }
            "metric" => {
                metric = args.get(i + 1).cloned();
                i += 2;
            }
            "mss" | "window" | "irtt" => {
                others.push(a.clone());
                i += 2;
            }
            "reject" | "mod" | "dyn" | "reinstate" => {
                others.push(a.clone());
                i += 1;
            }
            _ if target.is_none() => {
                target = Some(a.clone());
                i += 1;
            }
            _ if dev.is_none() => {
                // route(8): a last bare word is the device.
                dev = Some(a.clone());
                i += 1;
            }
            _ => {
                others.push(a.clone());
                i += 1;
            }
        }
    }
    let Some(target) = target else {
        bld.push(
            c.start,
            None,
            Diagnostic::error("`route` without a target").at(loc.clone()),
        );
        return None;
    };
    let gateway = bld.opt_value(gw.as_ref(), "gateway", None, values::parse_ip)?;
    let destination = if target.text == "default" {
        "0.0.0.0/0".parse::<IpNet>().expect("valid")
    } else {
        let base = match values::parse_ip_net(&target.text) {
            Ok(n) => n,
            Err(e) => {
                bld.value_error(&target, "route target", e, None);
                return None;
            }
        };
        let prefix = match (&netmask, host, target.text.contains('/')) {
            (Some(m), _, _) => match values::nettools_netmask_to_prefix(&m.text) {
                Ok(p) => p,
                Err(e) => {
                    bld.value_error(m, "netmask", e, None);
                    return None;
                }
            },
            (None, _, true) | (None, true, _) => base.prefix_len(),
            (None, false, false) => {
                // route(8) without netmask: the classful mask.
                let p = match base.addr() {
                    IpAddr::V4(a) if a.octets()[0] < 128 => 8,
                    IpAddr::V4(a) if a.octets()[0] < 192 => 16,
                    IpAddr::V4(_) => 24,
                    IpAddr::V6(_) => 128,
                };
                bld.warn_at(
                    &target,
                    None,
                    format!(
                        "-net {} without netmask: route(8) uses the classful /{p}",
                        target.text
                    ),
                    Some("give the netmask explicitly"),
                );
                p
            }
        };
        match IpNet::new(base.addr(), prefix) {
            Ok(n) => n,
            Err(_) => return None,
        }
    };
    Some(RouteSpec {
        syntax: RouteSyntax::NetTools,
        del,
        destination,
        gateway,
        dev,
        metric,
        table: None,
        others,
    })
}

pub(crate) fn ifconfig(bld: &mut Builder<'_>, c: Span, args: &[Arg], loc: Location) {
    let Some(dev) = args.first().filter(|a| !a.text.starts_with('-')) else {
        bld.note_cmd(c, None, "`ifconfig` only displays; ignored".into());
        return;
    };
    if args.len() == 1 {
        bld.note_cmd(c, None, "`ifconfig DEV` only displays; ignored".into());
        return;
    }
    let Some(t) = bld.tunnel_index(&dev.text) else {
        bld.note_cmd(
            c,
            None,
            format!("{} is not a tunnel this script creates; ignored", dev.text),
        );
        return;
    };
    let mut addr: Option<Arg> = None;
    let mut netmask: Option<Arg> = None;
    let mut peer: Option<Arg> = None;
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        match a.text.as_str() {
            "inet" => i += 1,
            "inet6" | "add" => i += 1,
            "netmask" => {
                netmask = args.get(i + 1).cloned();
                i += 2;
            }
            "pointopoint" | "-pointopoint" | "dstaddr" => {
                peer = args.get(i + 1).cloned();
                i += 2;
            }
            "mtu" => {
                if let Some(m) = args.get(i + 1).cloned() {
                    bld.set_mtu(t, &m);
                }
                i += 2;
            }
            "up" => i += 1,
            "down" => {
                let a = a.clone();
                bld.warn_at(
                    &a,
                    Some(t),
                    format!("{} is set down here; ignored", dev.text),
                    None,
                );
                i += 1;
            }
            "broadcast" | "txqueuelen" | "metric" | "hw" => {
                let a = a.clone();
                bld.warn_at(
                    &a,
                    Some(t),
                    format!("ifconfig `{}` is not read; ignored", a.text),
                    None,
                );
                i += 2;
            }
            _ if addr.is_none() => {
                addr = Some(a.clone());
                i += 1;
            }
            _ => {
                let a = a.clone();
                bld.warn_at(
                    &a,
                    Some(t),
                    format!("ifconfig `{}` is not read; ignored", a.text),
                    None,
                );
                i += 1;
            }
        }
    }
    let Some(addr) = addr else { return };
    let mut address = match values::parse_ip_net(&addr.text) {
        Ok(a) => a,
        Err(e) => return bld.value_error(&addr, "address", e, Some(t)),
    };
    if let Some(m) = &netmask {
        match values::nettools_netmask_to_prefix(&m.text) {
            Ok(p) => address = IpNet::new(address.addr(), p).unwrap_or(address),
            Err(e) => return bld.value_error(m, "netmask", e, Some(t)),
        }
    }
    let Some(peer) = bld.opt_value(peer.as_ref(), "pointopoint", Some(t), values::parse_ip_net) else {
        return;
    };
    let a = InnerAddress { address, peer };
    bld.index_address(t, &a);
    let b = &mut bld.tunnels[t];
    // ifconfig replaces the primary address.
    if let Some(i) = b
        .tunnel
        .addresses
        .iter()
        .position(|x| Family::of(&x.address.addr()) == Family::of(&address.addr()))
    {
        b.tunnel.addresses[i] = a;
        b.addresses[i] = loc;
        b.address_at.forget();
    } else {
        b.tunnel.addresses.push(a);
        b.addresses.push(loc);
    }
}
