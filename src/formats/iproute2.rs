//! The iproute2 commands that bring a tunnel up and down (docs/FORMATS.md §2),
//! as argument lists. Every rendered script (plain command list, rc.local,
//! systemd unit) takes its commands from here, so templates only quote
//! and never assemble a command themselves.
//!
//! Argument spellings follow iproute2's parsers: `ip/iptunnel.c` (`ip
//! tunnel`), `ip/ip6tunnel.c` (`ip -6 tunnel`), `ip/link_gre.c` and
//! `ip/link_gre6.c` (`ip link add ... type gretap|ip6gretap`):
//! - the new device is named with the `name` keyword, so that a name that
//!   happens to be a keyword (`remote`, `key`, `help`, ...) is still a name;
//!   every other command names it after `dev` for the same reason;
//! - keys are decimal (`tnl_parse_key` reads base 0, or a dotted quad);
//! - `tos` (`rtnl_dsfield_a2n`), `tclass` and `flowlabel` are read in base
//!   16, so they are written as `0x..`; tos 1 is `inherit`;
//! - `ip -6 tunnel` and `ip6gretap` default to hop limit 64 and
//!   encapsulation limit 4, unlike the model (0 and 0, NetworkManager's
//!   defaults), so both are always written; `hoplimit` takes no `inherit`
//!   there, 0 means inherit to the kernel;
//! - `ip neigh ... lladdr` reads a dotted quad as an IPv4 address but an
//!   IPv6 outer address only as 16 colon-separated hex bytes
//!   (`ll_addr_a2n`), which is how it is written.

use std::collections::HashMap;
use std::net::IpAddr;

use ipnet::IpNet;
use uuid::Uuid;

use crate::codec::{OutputFile, Parsed, ReadContext, WriteContext};
use crate::diag::{reset_with_warning, Failure, Problem, Source};
use minijinja::{context, Environment, Value};

use crate::format::meta::{Meta, Output, Pattern, Role, Sniff};
use crate::model::{check_ifname, flags, Family, Mode, Neighbour, Tunnel};
use crate::render::{environment, RenderError};
use crate::script::{self, Dialect};

/// What the registry knows of this format.
pub(crate) const META: Meta = Meta {
    render_help: Some("iproute2 command lines (`NAME.ip`)"),
    read: Some(read),
    names: &[Pattern::Suffix(".ip")],
    sniff: Some(Sniff {
        rank: 3,
        test: |_, first| first.starts_with("ip ") || first.starts_with("[root@"),
    }),
    ..Meta::new(
        "iproute2",
        "iproute2 command lines (`NAME.ip`), as typed at a prompt",
        Role::Script,
        lower,
        write,
        &[Output::new(|t| format!("{}.ip", t.name), 0o644).template("iproute2.j2")],
    )
};

/// `ip` command lines as typed at a prompt; prompts are skipped.
pub(crate) fn read(src: &Source, _: &ReadContext) -> Result<Vec<Parsed>, Failure> {
    script::read(src, Dialect::Iproute2)
}

/// The up commands, one per line.
pub(crate) fn write(t: &Tunnel, cx: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>> {
    write_script(&META, t, cx)
}

/// Render every tunnel into the files of `target`. The tunnels must be
/// valid and should have been lowered with [`lower`], whose
/// warnings say what the scripts leave out.
///
/// `meta` is a script format's (iproute2, rc.local, systemd), whose one
/// output is rendered from a template.
pub fn render(meta: &Meta, tunnels: &[Tunnel], env: &Environment) -> Result<Vec<OutputFile>, RenderError> {
    let out = &meta.outputs[0];
    let template = out
        .template
        .filter(|_| meta.role == Role::Script)
        .unwrap_or_else(|| panic!("{} is not a script format", meta.name));
    let tmpl = env
        .get_template(template)
        .map_err(|source| RenderError::Template {
            name: template.into(),
            source,
        })?;
    let mut files = Vec::new();
    for t in tunnels {
        let problems = t.validate();
        if !problems.is_empty() {
            return Err(RenderError::Invalid {
                name: t.name.clone(),
                problems,
            });
        }
        let ctx = context! {
            tunnel => Value::from(minijinja::value::Serde(t)),
            name => t.name.clone(),
            mode => t.mode.name(),
            module => kernel_module(t.mode),
            up => up_commands(t),
            down => down_commands(t),
            exists => exists_command(t),
            file_name => (out.name)(t),
        };
        let contents = tmpl.render(ctx).map_err(|source| RenderError::Template {
            name: template.into(),
            source,
        })?;
        files.push(OutputFile {
            name: (out.name)(t),
            contents,
            mode: out.mode,
        });
    }
    Ok(files)
}

/// The files of one validated, lowered tunnel in a script format, with
/// the templates of `cx.template_dir`.
pub(crate) fn write_script(
    meta: &Meta,
    t: &Tunnel,
    cx: &WriteContext,
) -> Result<Vec<OutputFile>, Vec<Problem>> {
    let fail = |e: RenderError| vec![Problem::general(e.to_string())];
    let env = environment(cx.template_dir.as_deref()).map_err(fail)?;
    render(meta, std::slice::from_ref(t), &env).map_err(fail)
}

/// The kernel module that implements `mode`, for `modprobe`.
pub fn kernel_module(mode: Mode) -> &'static str {
    match mode {
        Mode::Gre | Mode::Gretap => "ip_gre",
        Mode::Ip6gre | Mode::Ip6gretap => "ip6_gre",
        Mode::Ipip => "ipip",
        Mode::Sit | Mode::Isatap => "sit",
        Mode::Ip6ip6 | Mode::Ipip6 => "ip6_tunnel",
        Mode::Vti => "ip_vti",
        Mode::Vti6 => "ip6_vti",
    }
}

fn words(ws: &[&str]) -> Vec<String> {
    ws.iter().map(|s| s.to_string()).collect()
}

/// An address or network as `ip` reads it back: bare for a host prefix
/// (`ip` takes a bare address as /32 or /128), else `A/P`.
pub(crate) fn net_text(n: &IpNet) -> String {
    if n.prefix_len() == n.max_prefix_len() {
        n.addr().to_string()
    } else {
        n.to_string()
    }
}

/// A link-layer address of a tunnel neighbour: the outer address, as
/// `ll_addr_a2n` reads it.
pub(crate) fn lladdr_text(outer: &IpAddr) -> String {
    match outer {
        IpAddr::V4(a) => a.to_string(),
        IpAddr::V6(a) => a
            .octets()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    }
}

fn key_args(t: &Tunnel, c: &mut Vec<String>) {
    match t.symmetric_key() {
        Some(Some(k)) => c.extend(["key".into(), k.to_string()]),
        Some(None) => {}
        None => {
            if let Some(k) = t.input_key {
                c.extend(["ikey".into(), k.to_string()]);
            }
            if let Some(k) = t.output_key {
                c.extend(["okey".into(), k.to_string()]);
            }
        }
    }
}

fn endpoint_args(t: &Tunnel, c: &mut Vec<String>) {
    if let Some(r) = t.remote {
        c.extend(["remote".into(), r.to_string()]);
    }
    if let Some(l) = t.local {
        c.extend(["local".into(), l.to_string()]);
    }
}

/// `ttl`, `tos` and `nopmtudisc` of the IPv4 underlays (`ip tunnel`,
/// `ip link ... type gretap`).
fn ipv4_underlay_args(t: &Tunnel, c: &mut Vec<String>) {
    if t.ttl != 0 {
        c.extend(["ttl".into(), t.ttl.to_string()]);
    }
    match t.tos {
        0 => {}
        1 => c.extend(["tos".into(), "inherit".into()]),
        v => c.extend(["tos".into(), format!("0x{v:02x}")]),
    }
    if !t.path_mtu_discovery {
        c.push("nopmtudisc".into());
    }
}

/// `hoplimit`, `encaplimit`, `tclass`, `flowlabel` and `dscp` of the IPv6
/// underlays (`ip -6 tunnel`, `ip link ... type ip6gretap`).
fn ipv6_underlay_args(t: &Tunnel, c: &mut Vec<String>) {
    c.extend(["hoplimit".into(), t.ttl.to_string()]);
    if t.flags & flags::IGN_ENCAP_LIMIT != 0 {
        c.extend(["encaplimit".into(), "none".into()]);
    } else {
        c.extend(["encaplimit".into(), t.encapsulation_limit.to_string()]);
    }
    if t.flags & flags::USE_ORIG_TCLASS != 0 {
        c.extend(["tclass".into(), "inherit".into()]);
    } else if t.tos != 0 {
        c.extend(["tclass".into(), format!("0x{:02x}", t.tos)]);
    }
    if t.flags & flags::USE_ORIG_FLOWLABEL != 0 {
        c.extend(["flowlabel".into(), "inherit".into()]);
    } else if t.flow_label != 0 {
        c.extend(["flowlabel".into(), format!("0x{:05x}", t.flow_label)]);
    }
    if t.flags & flags::RCV_DSCP_COPY != 0 {
        c.extend(["dscp".into(), "inherit".into()]);
    }
}

/// The command that creates the device.
pub(crate) fn create_command(t: &Tunnel) -> Vec<String> {
    let mut c = match t.mode {
        Mode::Gretap | Mode::Ip6gretap => {
            words(&["ip", "link", "add", "name", &t.name, "type", t.mode.name()])
        }
        m if m.outer_family() == Family::V6 => {
            words(&["ip", "-6", "tunnel", "add", "name", &t.name, "mode", m.name()])
        }
        m => words(&["ip", "tunnel", "add", "name", &t.name, "mode", m.name()]),
    };
    endpoint_args(t, &mut c);
    key_args(t, &mut c);
    match t.mode.outer_family() {
        Family::V4 => ipv4_underlay_args(t, &mut c),
        Family::V6 => ipv6_underlay_args(t, &mut c),
    }
    if let Some(p) = &t.parent {
        c.extend(["dev".into(), p.clone()]);
    }
    c
}

/// The commands that bring the tunnel up, in order: create the device,
/// set its MTU, add its addresses, set it up, add routes and static
/// neighbours. Addresses, routes and neighbours use `replace`, so running
/// them again on a live device is harmless.
pub fn up_commands(t: &Tunnel) -> Vec<Vec<String>> {
    let mut cmds = vec![create_command(t)];
    let name = t.name.as_str();
    if let Some(mtu) = t.mtu {
        cmds.push(words(&[
            "ip",
            "link",
            "set",
            "dev",
            name,
            "mtu",
            &mtu.to_string(),
        ]));
    }
    for a in &t.addresses {
        let mut c = words(&["ip", "addr", "replace", &net_text(&a.address)]);
        if let Some(p) = &a.peer {
            c.extend(["peer".into(), net_text(p)]);
        }
        c.extend(["dev".into(), name.into()]);
        cmds.push(c);
    }
    cmds.push(words(&["ip", "link", "set", "dev", name, "up"]));
    for r in &t.routes {
        let mut c = words(&["ip", "route", "replace", &r.destination.to_string()]);
        if let Some(g) = r.gateway {
            c.extend(["via".into(), g.to_string()]);
        }
        c.extend(["dev".into(), name.into()]);
        if let Some(m) = r.metric {
            c.extend(["metric".into(), m.to_string()]);
        }
        if let Some(tb) = r.table {
            c.extend(["table".into(), tb.to_string()]);
        }
        cmds.push(c);
    }
    for n in &t.neighbours {
        cmds.push(words(&[
            "ip",
            "neigh",
            "replace",
            &n.inner.to_string(),
            "lladdr",
            &lladdr_text(&n.outer),
            "dev",
            name,
            "nud",
            "permanent",
        ]));
    }
    cmds
}

/// The commands that tear the tunnel down. Routes and neighbours through
/// the device go with it.
pub fn down_commands(t: &Tunnel) -> Vec<Vec<String>> {
    vec![words(&["ip", "link", "del", "dev", &t.name])]
}

/// The command that succeeds exactly when the device exists.
pub fn exists_command(t: &Tunnel) -> Vec<String> {
    words(&["ip", "link", "show", "dev", &t.name])
}

/// Map a tunnel onto what the commands express: parsing the rendered
/// commands gives back exactly the returned tunnel. What cannot be
/// expressed is dropped with a warning naming the field.
pub fn lower(t: &Tunnel, _: &WriteContext) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
    let mut t = t.clone();
    let mut w = Vec::new();

    if let Some(id) = t.id.take() {
        w.push(Problem::new(
            "id",
            format!("the profile name {id:?} is not carried over: a script has no profile name"),
        ));
    }
    if let Some(uuid) = t.uuid.take() {
        w.push(Problem::new(
            "uuid",
            format!("the UUID {uuid} is not carried over: a script has no connection UUID"),
        ));
    }
    if let Some(zone) = t.zone.take() {
        w.push(
            Problem::new(
                "zone",
                format!("the firewall zone {zone:?} is not carried over: the commands set no zone"),
            )
            .hint(format!(
                "run `firewall-cmd --permanent --zone=ZONE --add-interface={}` once",
                t.name
            )),
        );
    }
    if !t.autoconnect {
        w.push(Problem::new(
            "autoconnect",
            "autoconnect=no is not carried over: a script runs whenever it is run",
        ));
        t.autoconnect = true;
    }
    if let Some(p) = &t.parent {
        if check_ifname(p).is_err() && Uuid::parse_str(p).is_ok() {
            w.push(
                Problem::new(
                    "parent",
                    format!(
                        "the parent {p} is not carried over: it is a NetworkManager connection UUID, and `dev` takes an interface name"
                    ),
                )
                .hint("set the parent to the underlay's interface name"),
            );
            t.parent = None;
        }
    }
    if t.mode.outer_family() == Family::V6 {
        if !t.path_mtu_discovery {
            w.push(Problem::new(
                "path_mtu_discovery",
                format!(
                    "path-MTU discovery off is not carried over: mode {} over IPv6 has no nopmtudisc",
                    t.mode
                ),
            ));
            t.path_mtu_discovery = true;
        }
        for (bit, what) in [
            (flags::MIP6_DEV, "mip6-dev"),
            (flags::USE_ORIG_FWMARK, "use-orig-fwmark"),
        ] {
            if t.flags & bit != 0 {
                w.push(Problem::new(
                    "flags",
                    format!("the tunnel flag {what} is not carried over: `ip -6 tunnel` cannot set it"),
                ));
                t.flags &= !bit;
            }
        }
        if t.flags & flags::IGN_ENCAP_LIMIT != 0 {
            reset_with_warning(
                &mut w,
                "encapsulation_limit",
                &mut t.encapsulation_limit,
                4,
                |v| {
                    format!("encapsulation limit {v} is not carried over: with ign-encap-limit it is written as `encaplimit none`, which leaves ip's default 4")
                },
            );
        }
        if t.flags & flags::USE_ORIG_TCLASS != 0 {
            reset_with_warning(&mut w, "tos", &mut t.tos, 0, |v| {
                format!("traffic class {v:#04x} is not carried over: use-orig-tclass is written as `tclass inherit`")
            });
        }
        if t.flags & flags::USE_ORIG_FLOWLABEL != 0 {
            reset_with_warning(&mut w, "flow_label", &mut t.flow_label, 0, |v| {
                format!("flow label {v:#x} is not carried over: use-orig-flowlabel is written as `flowlabel inherit`")
            });
        }
    }
    // `ip neigh replace` keeps one neighbour for each inner address: where
    // it was first given, through the last outer address (as the reader
    // does).
    let mut at: HashMap<IpAddr, usize> = HashMap::new();
    let mut kept: Vec<Neighbour> = Vec::new();
    for (i, n) in t.neighbours.iter().enumerate() {
        match at.get(&n.inner) {
            Some(&k) => {
                w.push(Problem::new(
                    format!("neighbours[{i}]"),
                    format!(
                        "the neighbour {} is given again: `ip neigh replace` keeps one, through {} rather than {}",
                        n.inner, n.outer, kept[k].outer
                    ),
                ));
                kept[k].outer = n.outer;
            }
            None => {
                at.insert(n.inner, kept.len());
                kept.push(n.clone());
            }
        }
    }
    t.neighbours = kept;
    // Table 254 is the main table, where `ip route` puts a route without
    // `table`; the reader gives no table for both.
    for r in &mut t.routes {
        if r.table == Some(254) {
            r.table = None;
        }
    }
    // No extra is ever carried into a script: extras of other formats have
    // no command, and commands kept from an input script (firewall rules,
    // sysctls) are never copied into something that runs.
    for (i, e) in t.extras.iter().enumerate() {
        let why = if e.format == "iproute2" || e.format == "rc.local" {
            "commands from an input script are never copied into a rendered script".to_string()
        } else {
            "a script has no place for it".to_string()
        };
        w.push(
            Problem::new(
                format!("extras[{i}]"),
                format!(
                    "{} {} (from {}) is not carried over: {why}",
                    e.key, e.value, e.format
                ),
            )
            .hint("review it and add it by hand if it is still needed"),
        );
    }
    t.extras.clear();
    Ok((t, w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Extra, InnerAddress, Neighbour, Route};

    fn gre() -> Tunnel {
        let mut t = Tunnel::new("gre1", Mode::Gre);
        t.local = Some("192.0.2.1".parse().unwrap());
        t.remote = Some("198.51.100.1".parse().unwrap());
        t
    }

    fn line(c: &[String]) -> String {
        c.join(" ")
    }

    #[test]
    fn gre_with_everything() {
        let mut t = gre();
        t.input_key = Some(1);
        t.output_key = Some(2);
        t.ttl = 64;
        t.tos = 0x10;
        t.mtu = Some(1400);
        t.parent = Some("eth0".into());
        t.addresses.push(InnerAddress {
            address: "10.0.0.1/30".parse().unwrap(),
            peer: Some("10.0.0.2/32".parse().unwrap()),
        });
        t.routes.push(Route {
            destination: "10.2.0.0/24".parse().unwrap(),
            gateway: Some("10.0.0.2".parse().unwrap()),
            metric: Some(10),
            table: Some(100),
        });
        let cmds: Vec<String> = up_commands(&t).iter().map(|c| line(c)).collect();
        assert_eq!(
            cmds,
            [
                "ip tunnel add name gre1 mode gre remote 198.51.100.1 local 192.0.2.1 ikey 1 okey 2 ttl 64 tos 0x10 dev eth0",
                "ip link set dev gre1 mtu 1400",
                "ip addr replace 10.0.0.1/30 peer 10.0.0.2 dev gre1",
                "ip link set dev gre1 up",
                "ip route replace 10.2.0.0/24 via 10.0.0.2 dev gre1 metric 10 table 100",
            ]
        );
        assert_eq!(line(&down_commands(&t)[0]), "ip link del dev gre1");
    }

    #[test]
    fn symmetric_key_inherit_tos_and_nopmtudisc() {
        let mut t = gre();
        t.input_key = Some(4294967295);
        t.output_key = Some(4294967295);
        t.tos = 1;
        t.path_mtu_discovery = false;
        assert_eq!(
            line(&create_command(&t)),
            "ip tunnel add name gre1 mode gre remote 198.51.100.1 local 192.0.2.1 key 4294967295 tos inherit nopmtudisc"
        );
    }

    #[test]
    fn ipv6_underlays_always_state_hop_and_encapsulation_limits() {
        let mut t = Tunnel::new("t6", Mode::Ip6ip6);
        t.remote = Some("2001:db8::2".parse().unwrap());
        assert_eq!(
            line(&create_command(&t)),
            "ip -6 tunnel add name t6 mode ip6ip6 remote 2001:db8::2 hoplimit 0 encaplimit 0"
        );
        t.ttl = 64;
        t.encapsulation_limit = 4;
        t.tos = 0x2e;
        t.flow_label = 0xabcde;
        t.flags = flags::RCV_DSCP_COPY;
        assert_eq!(
            line(&create_command(&t)),
            "ip -6 tunnel add name t6 mode ip6ip6 remote 2001:db8::2 hoplimit 64 encaplimit 4 tclass 0x2e flowlabel 0xabcde dscp inherit"
        );
        t.flags = flags::IGN_ENCAP_LIMIT | flags::USE_ORIG_TCLASS | flags::USE_ORIG_FLOWLABEL;
        assert_eq!(
            line(&create_command(&t)),
            "ip -6 tunnel add name t6 mode ip6ip6 remote 2001:db8::2 hoplimit 64 encaplimit none tclass inherit flowlabel inherit"
        );
    }

    #[test]
    fn layer2_modes_use_ip_link() {
        let mut t = gre();
        t.mode = Mode::Gretap;
        t.input_key = Some(7);
        t.output_key = Some(7);
        assert_eq!(
            line(&create_command(&t)),
            "ip link add name gre1 type gretap remote 198.51.100.1 local 192.0.2.1 key 7"
        );
        let mut t = Tunnel::new("l2", Mode::Ip6gretap);
        t.local = Some("2001:db8::1".parse().unwrap());
        t.ttl = 64;
        t.encapsulation_limit = 4;
        assert_eq!(
            line(&create_command(&t)),
            "ip link add name l2 type ip6gretap local 2001:db8::1 hoplimit 64 encaplimit 4"
        );
    }

    #[test]
    fn neighbours_give_the_outer_address_as_ll_addr_a2n_reads_it() {
        let mut t = Tunnel::new("mgre", Mode::Gre);
        t.input_key = Some(42);
        t.output_key = Some(42);
        t.neighbours.push(Neighbour {
            inner: "10.0.0.2".parse().unwrap(),
            outer: "198.51.100.2".parse().unwrap(),
        });
        let cmds = up_commands(&t);
        assert_eq!(
            line(cmds.last().unwrap()),
            "ip neigh replace 10.0.0.2 lladdr 198.51.100.2 dev mgre nud permanent"
        );
        assert_eq!(
            lladdr_text(&"2001:db8::1".parse().unwrap()),
            "20:01:0d:b8:00:00:00:00:00:00:00:00:00:00:00:01"
        );
    }

    #[test]
    fn modules() {
        assert_eq!(kernel_module(Mode::Gretap), "ip_gre");
        assert_eq!(kernel_module(Mode::Ip6gretap), "ip6_gre");
        assert_eq!(kernel_module(Mode::Ipip6), "ip6_tunnel");
        assert_eq!(kernel_module(Mode::Isatap), "sit");
        assert_eq!(kernel_module(Mode::Vti6), "ip6_vti");
    }

    #[test]
    fn lower_drops_what_a_script_cannot_hold() {
        let mut t = gre();
        t.id = Some("Office".into());
        t.uuid = Some(Uuid::nil());
        t.zone = Some("trusted".into());
        t.autoconnect = false;
        t.parent = Some("0b1c1e6e-4f5d-4b7e-9a55-1f4f0d3b9a11".into());
        t.extras.push(Extra {
            format: "rc.local".into(),
            key: "iptables".into(),
            value: "-A INPUT -p gre -j ACCEPT".into(),
        });
        t.extras.push(Extra {
            format: "ifcfg".into(),
            key: "BOOTPROTO".into(),
            value: "none".into(),
        });
        let (l, w) = lower(&t, &WriteContext::default()).unwrap();
        assert_eq!(l, gre());
        let fields: Vec<_> = w.iter().map(|p| p.field.clone().unwrap()).collect();
        assert_eq!(
            fields,
            [
                "id",
                "uuid",
                "zone",
                "autoconnect",
                "parent",
                "extras[0]",
                "extras[1]"
            ]
        );
        assert!(w[5].message.contains("never copied"), "{}", w[5].message);
        // A lowered tunnel lowers to itself without warnings.
        assert_eq!(lower(&l, &WriteContext::default()).unwrap(), (l.clone(), vec![]));
    }

    #[test]
    fn the_main_table_is_no_table() {
        let mut t = gre();
        for table in [Some(254), Some(255), None] {
            t.routes.push(Route {
                destination: "10.2.0.0/24".parse().unwrap(),
                gateway: None,
                metric: None,
                table,
            });
        }
        let (l, w) = lower(&t, &WriteContext::default()).unwrap();
        let tables: Vec<_> = l.routes.iter().map(|r| r.table).collect();
        assert_eq!(tables, [None, Some(255), None]);
        assert!(w.is_empty());
    }

    #[test]
    fn lower_normalises_ip6_values_the_flags_override() {
        let mut t = Tunnel::new("t6", Mode::Ipip6);
        t.flags = flags::ALL;
        t.encapsulation_limit = 9;
        t.tos = 3;
        t.flow_label = 5;
        t.path_mtu_discovery = false;
        let (l, w) = lower(&t, &WriteContext::default()).unwrap();
        assert_eq!(
            l.flags,
            flags::IGN_ENCAP_LIMIT
                | flags::USE_ORIG_TCLASS
                | flags::USE_ORIG_FLOWLABEL
                | flags::RCV_DSCP_COPY
        );
        assert_eq!((l.encapsulation_limit, l.tos, l.flow_label), (4, 0, 0));
        assert!(l.path_mtu_discovery);
        assert_eq!(w.len(), 6);
        assert_eq!(lower(&l, &WriteContext::default()).unwrap().1, vec![]);
    }
}
