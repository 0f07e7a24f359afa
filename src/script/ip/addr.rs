//! `ip address`: a tunnel's inner addresses.

use super::matches;
use crate::diag::{Diagnostic, Location};
use crate::model::InnerAddress;
use crate::script::builder::Builder;
use crate::script::cmd::{Arg, Span};
use crate::values;

pub(super) fn ip_addr(bld: &mut Builder<'_>, c: Span, args: &[Arg], loc: Location) {
    let Some(verb) = args.first() else {
        bld.note_cmd(c, None, "`ip address` only displays; ignored".into());
        return;
    };
    let v = verb.text.as_str();
    let del = matches(v, "delete");
    if !(matches(v, "add") || matches(v, "change") || matches(v, "replace") || del) {
        let what = if matches(v, "show") || matches(v, "list") || matches(v, "lst") {
            "only displays"
        } else {
            "does not configure a tunnel"
        };
        bld.note_cmd(c, None, format!("`ip address {v}` {what}; ignored"));
        return;
    }
    let mut local: Option<Arg> = None;
    let mut peer: Option<Arg> = None;
    let mut dev: Option<Arg> = None;
    let mut others: Vec<Arg> = Vec::new();
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        match a.text.as_str() {
            "peer" | "remote" => {
                peer = args.get(i + 1).cloned();
                i += 2;
            }
            "local" => {
                local = args.get(i + 1).cloned();
                i += 2;
            }
            "dev" => {
                dev = args.get(i + 1).cloned();
                i += 2;
            }
            "broadcast" | "brd" | "label" | "scope" | "anycast" | "valid_lft" | "preferred_lft"
            | "metric" | "priority" | "preference" | "proto" => {
                others.push(a.clone());
                i += 2;
            }
            _ if local.is_none() && !a.stray_blank => {
                local = Some(a.clone());
                i += 1;
            }
            _ => {
                others.push(a.clone());
                i += 1;
            }
        }
    }
    let Some(t) = bld.dev_tunnel(c, dev.as_ref(), "`ip address`") else {
        return;
    };
    let Some(local) = local else {
        bld.push(
            c.start,
            Some(t),
            Diagnostic::error("`ip address` without an address").at(loc),
        );
        return;
    };
    let address = match values::parse_ip_net(&local.text) {
        Ok(a) => a,
        Err(e) => return bld.value_error(&local, "address", e, Some(t)),
    };
    let Some(peer) = bld.opt_value(peer.as_ref(), "peer", Some(t), values::parse_ip_net) else {
        return;
    };
    if del {
        let b = &mut bld.tunnels[t];
        if let Some(i) = b
            .address_at
            .find(&b.tunnel.addresses, |x| x.address.addr(), address.addr())
        {
            b.tunnel.addresses.remove(i);
            b.addresses.remove(i);
            b.address_at.forget();
            bld.note_cmd(
                c,
                Some(t),
                format!("address {} is removed again here", address.addr()),
            );
        } else {
            bld.note_cmd(
                c,
                Some(t),
                format!("address {} was not added by this script; ignored", address),
            );
        }
        return;
    }
    for o in others {
        if o.stray_blank {
            bld.stray_blank(&o);
        } else {
            bld.warn_at(
                &o,
                Some(t),
                format!(
                    "`{}` of ip address has no place in the tunnel model; ignored",
                    o.text
                ),
                None,
            );
        }
    }
    let a = InnerAddress { address, peer };
    bld.index_address(t, &a);
    let b = &mut bld.tunnels[t];
    if let Some(i) = b
        .address_at
        .find(&b.tunnel.addresses, |x| x.address.addr(), address.addr())
    {
        // `replace`/`change` (or a repeated add) updates the address.
        b.tunnel.addresses[i] = a;
        b.addresses[i] = loc;
    } else {
        b.tunnel.addresses.push(a);
        b.addresses.push(loc);
        b.address_at.pushed(address.addr(), b.tunnel.addresses.len());
    }
}
