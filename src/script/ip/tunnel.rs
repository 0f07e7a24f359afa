//! `ip tunnel`, and the tunnel options it shares with `ip link add ...
//! type KIND`.

use super::{is_ipv6_mode, matches};
use crate::diag::{Diagnostic, Location};
use crate::model::{flags, Extra, Family, Mode};
use crate::script::builder::Builder;
use crate::script::cmd::{Arg, Span};
use crate::values::{self, ValueError};

pub(super) fn ip_tunnel(
    bld: &mut Builder<'_>,
    c: Span,
    args: &[Arg],
    mut fam: Option<Family>,
    loc: Location,
) {
    let Some(verb) = args.first() else {
        bld.note_cmd(c, None, "`ip tunnel` lists tunnels; ignored".into());
        return;
    };
    let v = verb.text.as_str();
    let (verb, rest) = if matches(v, "add") {
        ("add", &args[1..])
    } else if matches(v, "change") {
        ("change", &args[1..])
    } else if matches(v, "delete") {
        ("del", &args[1..])
    } else if matches(v, "show") || matches(v, "list") || matches(v, "lst") {
        bld.note_cmd(c, None, "`ip tunnel show` only displays; ignored".into());
        return;
    } else if matches(v, "prl") || matches(v, "6rd") || matches(v, "help") {
        bld.note_cmd(c, None, format!("`ip tunnel {v}` is not read by grecfg; ignored"));
        return;
    } else {
        let a = verb.clone();
        bld.warn_at(
            &a,
            None,
            format!("`ip tunnel {v}`: `{v}` is not an ip tunnel command; read as `ip tunnel add {v}`"),
            Some("ip would fail here (\"Command is unknown\"): write `ip tunnel add NAME ...`"),
        );
        ("add", args)
    };
    // Modern iproute2 switches to `ip -6 tunnel` for an IPv6 mode.
    if fam.is_none() {
        if let Some(p) = rest.iter().position(|a| a.text == "mode") {
            if rest.get(p + 1).is_some_and(|m| is_ipv6_mode(&m.text)) {
                fam = Some(Family::V6);
            }
        }
    }
    let ip6 = fam == Some(Family::V6);
    let mut p = TunnelArgs::default();
    let Some((opts, ok)) = tunnel_opt_words(bld, rest, OptSyntax::Tunnel, |this, a| {
        tunnel_name(this, &mut p, a)
    }) else {
        return;
    };
    p.opts = opts;
    if !ok {
        return;
    }
    let Some(name) = p.name.clone() else {
        bld.push(
            c.start,
            None,
            Diagnostic::error(format!("`ip tunnel {verb}` without a tunnel name")).at(loc),
        );
        return;
    };
    match verb {
        "del" => bld.delete(c, &name),
        "change" => match bld.tunnel_index(&name.text) {
            Some(t) => {
                tunnel_opts(bld, t, &p.opts, ip6, false);
            }
            None => bld.note_cmd(
                c,
                None,
                format!(
                    "`ip tunnel change {}` changes a tunnel this script does not create; ignored",
                    name.text
                ),
            ),
        },
        _ => {
            let mode_arg = p
                .opts
                .iter()
                .find(|(k, _)| k.text == "mode")
                .and_then(|(_, v)| v.clone());
            let mode = match &mode_arg {
                Some(m) => match tunnel_mode(&m.text, ip6) {
                    Ok(mode) => mode,
                    Err(msg) => {
                        bld.push(
                            m.offset,
                            None,
                            Diagnostic::error(msg).at(bld.arg_loc(m)).hint(if ip6 {
                                "ip -6 tunnel modes: ip6ip6, ipip6, ip6gre, vti6"
                            } else {
                                "ip tunnel modes: ipip, gre, sit, isatap, vti (ip -6 tunnel for IPv6 underlays)"
                            }),
                        );
                        return;
                    }
                },
                None if ip6 => Mode::Ip6ip6,
                None => {
                    // iproute2 guesses the mode from the name's prefix.
                    let n = name.text.as_str();
                    let guess = [
                        ("gre", Mode::Gre),
                        ("ipip", Mode::Ipip),
                        ("sit", Mode::Sit),
                        ("isatap", Mode::Isatap),
                        ("vti", Mode::Vti),
                    ]
                    .into_iter()
                    .find(|(p, _)| n.starts_with(p))
                    .map(|(_, m)| m);
                    match guess {
                        Some(m) => {
                            bld.warn_at(
                                &name,
                                None,
                                format!("no mode: ip takes mode {m} from the name {n}"),
                                Some("write the mode explicitly"),
                            );
                            m
                        }
                        None => {
                            bld.push(
                                c.start,
                                None,
                                Diagnostic::error(format!("`ip tunnel add {n}` without a mode"))
                                    .at(loc)
                                    .hint("ip cannot determine the tunnel mode either: add `mode gre` (or ipip, sit, vti)"),
                            );
                            return;
                        }
                    }
                }
            };
            let t = bld.create(&name, mode, loc, mode_arg.as_ref());
            if ip6 {
                // ip -6 tunnel's defaults, explicit in the model.
                let b = &mut bld.tunnels[t];
                b.tunnel.ttl = 64;
                b.tunnel.encapsulation_limit = 4;
            }
            tunnel_opts(bld, t, &p.opts, ip6, false);
        }
    }
}

/// Reads the options of a tunnel, shared by `ip tunnel add|change` and
/// `ip link add NAME type KIND`: the `(word, value)` pairs in order, and
/// whether every word was read. A word that is neither an option nor a
/// flag goes to `other`, which reports it and returns false for an error;
/// `name NAME` of `ip tunnel` gives `other` the NAME. None when an option
/// lacks its value (reported here): the command is not read at all.
///
/// The two syntaxes differ only in what `syntax` says; the values are
/// checked later, by `tunnel_opts`.
pub(super) fn tunnel_opt_words(
    bld: &mut Builder<'_>,
    rest: &[Arg],
    syntax: OptSyntax,
    mut other: impl FnMut(&mut Builder<'_>, &Arg) -> bool,
) -> Option<(TunnelOpts, bool)> {
    let mut opts = Vec::new();
    let mut ok = true;
    let mut i = 0;
    while i < rest.len() {
        let a = &rest[i];
        if a.stray_blank {
            bld.stray_blank(a);
            i += 1;
            continue;
        }
        let w = a.text.as_str();
        if let Some(n) = encap_words(&rest[i..]) {
            let kind = rest.get(i + 1).map_or("", |v| v.text.as_str());
            if !(w == "encap" && kind == "none" && n == 2) {
                let shown: Vec<&str> = rest[i..i + n].iter().map(|a| a.text.as_str()).collect();
                bld.push(
                    a.offset,
                    None,
                    Diagnostic::error(format!(
                        "`{}`: FOU/GUE encapsulation cannot be held: NetworkManager's ip-tunnel setting \
                         and the tunnel model have no UDP encapsulation",
                        shown.join(" ")
                    ))
                    .at(bld.arg_loc(a))
                    .hint("grecfg cannot convert such a tunnel: keep its commands as they are, or drop the encap options"),
                );
                ok = false;
            }
            i += n;
            continue;
        }
        let takes_value = matches!(
            w,
            "mode"
                | "key"
                | "ikey"
                | "okey"
                | "remote"
                | "local"
                | "dev"
                | "ttl"
                | "hoplimit"
                | "hlim"
                | "tos"
                | "tclass"
                | "encaplimit"
                | "flowlabel"
                | "dscp"
        ) || matches(w, "dsfield")
            || (syntax == OptSyntax::Tunnel && matches!(w, "tc" | "fl" | "name"));
        if takes_value {
            let Some(val) = rest.get(i + 1) else {
                bld.push(
                    a.offset,
                    None,
                    Diagnostic::error(format!("`{w}` needs a value")).at(bld.arg_loc(a)),
                );
                return None;
            };
            if w == "name" {
                ok &= other(bld, val);
            } else {
                opts.push((a.clone(), Some(val.clone())));
            }
            i += 2;
            continue;
        }
        match w {
            "seq" | "iseq" | "oseq" | "csum" | "icsum" | "ocsum" | "pmtudisc" | "nopmtudisc" => {
                opts.push((a.clone(), None))
            }
            _ => ok &= other(bld, a),
        }
        i += 1;
    }
    Some((opts, ok))
}

/// How many words from `rest[0]` are FOU/GUE encapsulation options of
/// `ip link` (iproute2's `ip/link_gre.c`, `link_iptnl.c`: `encap TYPE`,
/// `encap-sport PORT|auto`, `encap-dport PORT` and the checksum flags),
/// when the first one is.
fn encap_words(rest: &[Arg]) -> Option<usize> {
    let valued = |w: &str| matches!(w, "encap" | "encap-sport" | "encap-dport");
    let flag = |w: &str| {
        matches!(
            w,
            "encap-csum"
                | "noencap-csum"
                | "encap-udp6-csum"
                | "noencap-udp6-csum"
                | "encap-remcsum"
                | "noencap-remcsum"
        )
    };
    let mut n = 0;
    while let Some(a) = rest.get(n) {
        if valued(&a.text) {
            n += if n + 1 < rest.len() { 2 } else { 1 };
        } else if flag(&a.text) {
            n += 1;
        } else {
            break;
        }
    }
    (n > 0).then_some(n)
}

/// A bare word of `ip tunnel`: the name, or a second name (an error, as
/// in iproute2).
fn tunnel_name(bld: &mut Builder<'_>, p: &mut TunnelArgs, a: &Arg) -> bool {
    if a.stray_blank {
        bld.stray_blank(a);
        return true;
    }
    if let Some(prev) = &p.name {
        let msg = format!(
            "`{}` is not an ip tunnel option; ip would take it as a second name after `{}` and fail",
            a.text, prev.text
        );
        bld.push(
            a.offset,
            None,
            Diagnostic::error(msg)
                .at(bld.arg_loc(a))
                .hint("options are mode, remote, local, key, ikey, okey, ttl, tos, [no]pmtudisc, dev"),
        );
        return false;
    }
    p.name = Some(a.clone());
    true
}

/// Apply `ip tunnel` / `ip link ... type` options to tunnel `t`.
pub(super) fn tunnel_opts(
    bld: &mut Builder<'_>,
    t: usize,
    opts: &[(Arg, Option<Arg>)],
    ip6: bool,
    link: bool,
) {
    for (k, v) in opts {
        let key = k.text.as_str();
        let here = match v {
            Some(v) => bld.loc(k.offset, v.offset + v.len - k.offset),
            None => bld.arg_loc(k),
        };
        let val = v.as_ref();
        let field = |s: &str| s.to_string();
        macro_rules! parse {
            ($what:expr, $e:expr) => {
                match $e {
                    Ok(x) => x,
                    Err(e) => {
                        bld.value_error(val.unwrap(), $what, e, Some(t));
                        continue;
                    }
                }
            };
        }
        match key {
            "mode" => {}
            "remote" | "local" => {
                let a = val.unwrap();
                let ip = if a.text == "any" {
                    None
                } else {
                    Some(parse!(key, values::parse_ip(&a.text)))
                };
                let b = &mut bld.tunnels[t];
                if key == "remote" {
                    b.tunnel.remote = ip;
                } else {
                    b.tunnel.local = ip;
                }
                b.set(key, here);
            }
            "key" | "ikey" | "okey" => {
                let k = parse!(key, values::parse_key(&val.unwrap().text));
                let b = &mut bld.tunnels[t];
                if key != "okey" {
                    b.tunnel.input_key = Some(k);
                    b.set("input_key", here.clone());
                }
                if key != "ikey" {
                    b.tunnel.output_key = Some(k);
                    b.set("output_key", here);
                }
            }
            "ttl" | "hoplimit" | "hlim" => {
                let v = parse!(key, values::parse_ttl(&val.unwrap().text));
                let b = &mut bld.tunnels[t];
                b.tunnel.ttl = v;
                b.set("ttl", here);
            }
            "tos" | "tclass" | "tc" | "dsfield" | "dscp" if key != "dscp" || val.is_some() => {
                let a = val.unwrap();
                if key == "dscp" {
                    if a.text == "inherit" {
                        bld.tunnels[t].tunnel.flags |= flags::RCV_DSCP_COPY;
                        bld.tunnels[t].set("flags", here);
                    } else {
                        bld.value_error(
                            a,
                            "dscp",
                            ValueError {
                                message: format!("{:?} is not inherit", a.text),
                                hint: Some("ip accepts only `dscp inherit`".into()),
                            },
                            Some(t),
                        );
                    }
                    continue;
                }
                if ip6 && a.text == "inherit" {
                    bld.tunnels[t].tunnel.flags |= flags::USE_ORIG_TCLASS;
                    bld.tunnels[t].set("flags", here);
                    continue;
                }
                let v = parse!(key, values::parse_tos(&a.text));
                if values::tos_is_bare_hex(&a.text) {
                    bld.warn_at(
                        a,
                        Some(t),
                        format!(
                            "{key} {} is read as hexadecimal 0x{v:02x}, as iproute2 does",
                            a.text
                        ),
                        Some("write the value with 0x to make that explicit"),
                    );
                }
                let b = &mut bld.tunnels[t];
                b.tunnel.tos = v;
                b.set("tos", here);
            }
            "encaplimit" => {
                let a = val.unwrap();
                let b = &mut bld.tunnels[t];
                if a.text == "none" {
                    b.tunnel.flags |= flags::IGN_ENCAP_LIMIT;
                    b.set("flags", here);
                } else {
                    let v = parse!("encaplimit", values::parse_ttl(&a.text));
                    let b = &mut bld.tunnels[t];
                    b.tunnel.encapsulation_limit = v;
                    b.set("encapsulation_limit", here);
                }
            }
            "flowlabel" | "fl" => {
                let a = val.unwrap();
                if a.text == "inherit" {
                    bld.tunnels[t].tunnel.flags |= flags::USE_ORIG_FLOWLABEL;
                    bld.tunnels[t].set("flags", here);
                    continue;
                }
                let digits = a.text.trim_start_matches("0x").trim_start_matches("0X");
                let v = parse!(
                    "flowlabel",
                    u32::from_str_radix(digits, 16)
                        .ok()
                        .filter(|v| *v <= 0xfffff)
                        .ok_or(ValueError {
                            message: format!(
                                "{:?} is not a flow label (hexadecimal, at most 0xfffff)",
                                a.text
                            ),
                            hint: None,
                        })
                );
                let b = &mut bld.tunnels[t];
                b.tunnel.flow_label = v;
                b.set("flow_label", here);
            }
            "pmtudisc" | "nopmtudisc" => {
                let b = &mut bld.tunnels[t];
                b.tunnel.path_mtu_discovery = key == "pmtudisc";
                b.set("path_mtu_discovery", here);
            }
            "dev" => {
                let b = &mut bld.tunnels[t];
                b.tunnel.parent = Some(val.unwrap().text.clone());
                b.set("parent", here);
            }
            "seq" | "iseq" | "oseq" | "csum" | "icsum" | "ocsum" => {
                let i = bld.tunnels[t].tunnel.extras.len();
                let b = &mut bld.tunnels[t];
                b.tunnel.extras.push(Extra {
                    format: "iproute2".into(),
                    key: key.into(),
                    value: String::new(),
                });
                b.extras.push(here);
                let _ = i;
                bld.warn_at(
                    k,
                    Some(t),
                    format!("GRE {key} has no place in the tunnel model; kept for iproute2 output only"),
                    Some("NetworkManager cannot set GRE sequence numbers or checksums"),
                );
            }
            _ => {
                let _ = (field, link);
            }
        }
    }
}

/// Whose option syntax a tunnel's options follow. `ip tunnel` (iproute2's
/// ip/iptunnel.c, ip/ip6tunnel.c) also takes `name NAME`, `tc` and `fl`, and
/// a bare word there is the tunnel's name; `ip link add ... type KIND`
/// (ip/link_gre.c, link_gre6.c, link_iptnl.c, link_ip6tnl.c) has its own
/// words (`isatap`, `external`), left to the caller, and refuses others.
/// (link_gre6.c takes `fl` too; grecfg reads it only after `ip tunnel`.)
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum OptSyntax {
    Tunnel,
    Link,
}

/// A tunnel's options as written: each word with its value, if it takes one.
type TunnelOpts = Vec<(Arg, Option<Arg>)>;

#[derive(Default)]
struct TunnelArgs {
    name: Option<Arg>,
    opts: TunnelOpts,
}

fn tunnel_mode(word: &str, ip6: bool) -> Result<Mode, String> {
    let m = if ip6 {
        match word {
            "ip6ip6" | "ipv6/ipv6" => Some(Mode::Ip6ip6),
            "ipip6" | "ip4ip6" | "ip/ipv6" | "ipv4/ipv6" => Some(Mode::Ipip6),
            "ip6gre" | "gre/ipv6" => Some(Mode::Ip6gre),
            "vti6" => Some(Mode::Vti6),
            "any" | "any/ipv6" => {
                return Err("mode any (any protocol over IPv6) cannot be expressed in the model".into())
            }
            _ => None,
        }
    } else {
        match word {
            "ipip" | "ip/ip" => Some(Mode::Ipip),
            "gre" | "gre/ip" => Some(Mode::Gre),
            "sit" | "ipv6/ip" => Some(Mode::Sit),
            "isatap" => Some(Mode::Isatap),
            "vti" => Some(Mode::Vti),
            _ => None,
        }
    };
    m.ok_or_else(|| match Mode::from_name(word) {
        Some(other) => format!(
            "mode {word} is not an `ip{} tunnel` mode (it is {other})",
            if ip6 { " -6" } else { "" }
        ),
        None if word == "eoip" => format!("unknown tunnel mode {word:?}: {}", super::EOIP),
        None => format!("unknown tunnel mode {word:?}"),
    })
}
