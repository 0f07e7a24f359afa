//! What a tunnel needs around it to work in practice: firewall rules that
//! admit its packets from the peer (firewalld, nftables, iptables), TCP
//! MSS clamping, masquerading and forwarding when asked, and a keepalive.
//!
//! Like [`crate::render`], every command is built here as an argument list
//! and every value is checked before a template sees it; templates only
//! quote (`sh`, `shcmd`, `systemd`, `nft`, `comment`).
//!
//! Design choices (documented for users in README.md and `render --help`):
//! - Rules admit the tunnel's own IP protocol (47 for GRE, 4 for IPv4
//!   payloads, 41 for IPv6 payloads, 50 for vti's ESP) from the peer's outer
//!   address to the local one, nothing wider. A multipoint tunnel admits
//!   its static neighbours; without any it is an error, not "from anywhere".
//! - MSS clamping is on the forward path: SYNs leaving through the tunnel
//!   are clamped to the route MTU (which follows path-MTU changes); SYNs
//!   coming out of it are clamped to the MSS of the tunnel MTU, when the
//!   tunnel has one, so the far side needs no clamping of its own.
//! - The keepalive is a systemd timer that runs one probe every interval.
//!   Marking the tunnel down withdraws its routes but leaves the device and
//!   its addresses up, so the probes keep going through the tunnel and the
//!   first answer restores the routes. Taking the link down instead would
//!   leave nothing to detect recovery with, and pinging the outer address
//!   only proves the underlay, not the tunnel.

use std::net::IpAddr;

use ipnet::IpNet;
use minijinja::value::ValueKind;
use minijinja::{Environment, Error, ErrorKind, Value};
use serde::Serialize;

use crate::codec::{OutputFile, WriteContext};
use crate::diag::Problem;
use crate::formats::iproute2;
use crate::model::{check_ifname, Family, Mode, Tunnel};
use crate::render::{self, RenderError};

pub use crate::codec::ExtrasOptions;

/// Why `name` cannot be the interface `--masquerade` names, if it cannot.
pub(crate) fn masquerade_name_problem(name: &str) -> Option<String> {
    check_ifname(name)
        .err()
        .map(|e| format!("interface name {name:?} {e}"))
        .or_else(|| xt_name_problem(name))
        .or_else(|| nft_string_problem(name))
}

/// The templates of the extra targets, by name.
pub(crate) const TEMPLATES: [(&str, &str); 7] = [
    ("firewalld.sh.j2", include_str!("../templates/firewalld.sh.j2")),
    ("nftables.nft.j2", include_str!("../templates/nftables.nft.j2")),
    ("iptables.sh.j2", include_str!("../templates/iptables.sh.j2")),
    ("sysctl.conf.j2", include_str!("../templates/sysctl.conf.j2")),
    ("keepalive.sh.j2", include_str!("../templates/keepalive.sh.j2")),
    (
        "keepalive.service.j2",
        include_str!("../templates/keepalive.service.j2"),
    ),
    (
        "keepalive.timer.j2",
        include_str!("../templates/keepalive.timer.j2"),
    ),
];

/// The files of tunnel `t` in `kind`: (template, file name, mode).
fn files(kind: Format, t: &Tunnel) -> Vec<(&'static str, String, u32)> {
    meta_of(kind)
        .outputs
        .iter()
        .map(|o| (o.template.expect("a template"), (o.name)(t), o.mode))
        .collect()
}

/// Where the keepalive service expects its probe script.
pub(crate) const KEEPALIVE_DIR: &str = "/usr/local/sbin";
/// Where the probe keeps its state (tmpfs: a reboot starts afresh).
pub(crate) const KEEPALIVE_STATE_DIR: &str = "/run/grecfg/keepalive";

/// The probe script's file name.
pub(crate) fn keepalive_script(name: &str) -> String {
    format!("grecfg-keepalive-{name}")
}

/// The keepalive unit of tunnel `name`, `suffix` being service or timer.
pub(crate) fn keepalive_unit(name: &str, suffix: &str) -> String {
    format!("grecfg-keepalive-{}.{suffix}", render::systemd_escape(name))
}

/// The IP protocol number of the tunnel's outer packets, and its meaning.
pub fn outer_protocol(mode: Mode) -> (u8, &'static str) {
    match mode {
        Mode::Gre | Mode::Gretap | Mode::Ip6gre | Mode::Ip6gretap => (47, "GRE"),
        // IPv4 inside IPv4 (ipip) or inside IPv6 (ipip6): IPPROTO_IPIP.
        Mode::Ipip | Mode::Ipip6 => (4, "IPv4 in IP"),
        // IPv6 inside IPv4 (sit, isatap) or inside IPv6 (ip6ip6): IPPROTO_IPV6.
        Mode::Sit | Mode::Isatap | Mode::Ip6ip6 => (41, "IPv6 in IP"),
        // vti carries IPsec: the outer packets are ESP.
        Mode::Vti | Mode::Vti6 => (50, "ESP"),
    }
}

use crate::format::meta::{Format, Meta, Output, Role};
/// The TCP MSS that fits a tunnel MTU: the MTU less the inner IP header
/// (20 or 40 bytes) and the TCP header (20). GRE over a 1500-byte
/// underlay: MTU 1476, MSS 1436. The one computation is `mtu::tcp_mss`.
///
/// The rules clamp SYNs coming out of the tunnel to this MSS only when the
/// tunnel has an explicit MTU. Without one the kernel gives the tunnel the
/// underlay's MTU less the overhead, and the underlay is not known here: a
/// fixed MSS from an assumed 1500-byte underlay would be too large on a
/// PPPoE underlay and needlessly small on a jumbo-frame one, so none is
/// guessed. SYNs going into the tunnel are clamped to the route MTU either way.
pub(crate) use crate::mtu::tcp_mss;

/// The metadata of `kind`, one of the formats written around a tunnel.
fn meta_of(kind: Format) -> &'static Meta {
    match kind {
        Format::Firewalld => &FIREWALLD,
        Format::Nftables => &NFTABLES,
        Format::Iptables => &IPTABLES,
        Format::Sysctl => &SYSCTL,
        Format::Keepalive => &KEEPALIVE,
        _ => panic!("{kind:?} is not written around a tunnel"),
    }
}

/// What the registry knows of the formats written around a tunnel.
pub(crate) const FIREWALLD: Meta = Meta {
    render_help: Some("firewall-cmd rules admitting the tunnel (`firewalld-NAME.sh`)"),
    ..Meta::new(
        "firewalld",
        "firewalld rules admitting the tunnel from its peer: a `firewall-cmd` script (written only)",
        Role::Around,
        lower,
        write_firewalld,
        &[Output::new(|t| format!("firewalld-{}.sh", t.name), 0o755).template("firewalld.sh.j2")],
    )
};

pub(crate) const NFTABLES: Meta = Meta {
    render_help: Some("An nft -f file with the tunnel's own table (`grecfg-NAME.nft`)"),
    ..Meta::new(
        "nftables",
        "nftables rules in a table of the tunnel's own: an `nft -f` file (written only)",
        Role::Around,
        lower,
        write_nftables,
        &[Output::new(|t| format!("grecfg-{}.nft", t.name), 0o644).template("nftables.nft.j2")],
    )
};

pub(crate) const IPTABLES: Meta = Meta {
    render_help: Some("iptables rules admitting the tunnel (`iptables-NAME.sh`)"),
    ..Meta::new(
        "iptables",
        "iptables rules admitting the tunnel from its peer: a script (written only)",
        Role::Around,
        lower,
        write_iptables,
        &[Output::new(|t| format!("iptables-{}.sh", t.name), 0o755).template("iptables.sh.j2")],
    )
};

pub(crate) const SYSCTL: Meta = Meta {
    render_help: Some("Forwarding on, for /etc/sysctl.d (`90-grecfg-NAME.conf`)"),
    ..Meta::new(
        "sysctl",
        "A sysctl.d file turning forwarding on (written only)",
        Role::Around,
        lower,
        write_sysctl,
        &[Output::new(|t| format!("90-grecfg-{}.conf", t.name), 0o644)
            .dir("etc/sysctl.d")
            .template("sysctl.conf.j2")],
    )
};

pub(crate) const KEEPALIVE: Meta = Meta {
    render_help: Some("A ping probe with its systemd service and timer (`grecfg-keepalive-NAME*`)"),
    ..Meta::new(
        "keepalive",
        "A keepalive: probe script, systemd service and timer (written only)",
        Role::Around,
        lower,
        write_keepalive,
        &[
            Output::new(|t| keepalive_script(&t.name), 0o755)
                .dir("usr/local/sbin")
                .template("keepalive.sh.j2"),
            Output::new(|t| keepalive_unit(&t.name, "service"), 0o644)
                .dir("etc/systemd/system")
                .template("keepalive.service.j2"),
            Output::new(|t| keepalive_unit(&t.name, "timer"), 0o644)
                .dir("etc/systemd/system")
                .template("keepalive.timer.j2"),
        ],
    )
};

fn inner_families(t: &Tunnel) -> Vec<Family> {
    match t.mode.inner_family() {
        Some(f) => vec![f],
        None => vec![Family::V4, Family::V6],
    }
}

fn family_name(f: Family) -> &'static str {
    match f {
        Family::V4 => "ipv4",
        Family::V6 => "ipv6",
    }
}

/// The outer addresses packets may come from: the remote, or the static
/// neighbours of a multipoint tunnel.
fn peers(t: &Tunnel) -> Result<Vec<IpAddr>, Problem> {
    if let Some(r) = t.remote {
        if !r.is_unspecified() {
            return Ok(vec![r]);
        }
    }
    let mut v: Vec<IpAddr> = Vec::new();
    for n in &t.neighbours {
        if !v.contains(&n.outer) {
            v.push(n.outer);
        }
    }
    if v.is_empty() {
        return Err(Problem::new(
            "remote",
            format!(
                "tunnel {} has no remote and no static neighbours: no peer to admit packets from",
                t.name
            ),
        )
        .hint("give the tunnel a remote, or write a rule for the peers by hand"));
    }
    Ok(v)
}

/// The inner networks traffic through the tunnel comes from: the
/// tunnel's own networks and the destinations of its routes (default
/// routes excepted: they would mean every source).
pub(crate) fn inner_networks(t: &Tunnel) -> Vec<IpNet> {
    let mut v: Vec<IpNet> = Vec::new();
    let mut push = |n: IpNet| {
        let n = n.trunc();
        if n.prefix_len() != 0 && !v.contains(&n) {
            v.push(n);
        }
    };
    for a in &t.addresses {
        match &a.peer {
            Some(p) => push(*p),
            None => push(a.address),
        }
    }
    for r in &t.routes {
        push(r.destination);
    }
    // A network inside another one listed needs no rule of its own.
    let all = v.clone();
    v.retain(|n| !all.iter().any(|m| m != n && m.contains(n)));
    v
}

/// The inner address the keepalive pings.
pub(crate) fn keepalive_peer(t: &Tunnel, opts: &ExtrasOptions) -> Result<IpAddr, Problem> {
    let own: Vec<IpAddr> = t.addresses.iter().map(|a| a.address.addr()).collect();
    let peer = match opts.keepalive_peer {
        Some(p) => p,
        None => t
            .addresses
            .iter()
            .find_map(|a| a.peer.map(|p| p.addr()))
            .or_else(|| t.addresses.iter().find_map(|a| other_host(&a.address)))
            .ok_or_else(|| {
                Problem::new(
                    "addresses",
                    format!(
                        "tunnel {} has no peer address to ping, and its prefix does not tell one",
                        t.name
                    ),
                )
                .hint("name the peer's inner address with --keepalive-peer")
            })?,
    };
    if own.contains(&peer) || peer.is_unspecified() || peer.is_multicast() {
        return Err(Problem::new(
            "addresses",
            format!("{peer} cannot be the keepalive peer of tunnel {}", t.name),
        )
        .hint("give the peer's inner address with --keepalive-peer"));
    }
    if let Some(f) = t.mode.inner_family() {
        if Family::of(&peer) != f {
            return Err(Problem::new(
                "addresses",
                format!(
                    "keepalive peer {peer} is {} but mode {} carries {} only",
                    Family::of(&peer).name(),
                    t.mode,
                    f.name()
                ),
            ));
        }
    }
    Ok(peer)
}

/// The other host of a point-to-point prefix (/30, /31, /127).
fn other_host(a: &IpNet) -> Option<IpAddr> {
    match a {
        IpNet::V4(n) => {
            let x = u32::from(n.addr());
            let net = u32::from(n.network());
            match n.prefix_len() {
                31 => Some(IpAddr::V4((x ^ 1).into())),
                30 if x == net + 1 => Some(IpAddr::V4((net + 2).into())),
                30 if x == net + 2 => Some(IpAddr::V4((net + 1).into())),
                _ => None,
            }
        }
        IpNet::V6(n) if n.prefix_len() == 127 => Some(IpAddr::V6((u128::from(n.addr()) ^ 1).into())),
        IpNet::V6(_) => None,
    }
}

/// Why `name` cannot stand as an iptables interface: a trailing `+` is a
/// wildcard there, and a lone `!` an inversion.
fn xt_name_problem(name: &str) -> Option<String> {
    (name.ends_with('+') || name == "!")
        .then(|| format!("interface name {name:?} would be a pattern to iptables ('+' at the end, or '!')"))
}

/// Why `s` cannot be an nft quoted string: nft has no escape for `"`,
/// treats `\` and a trailing `*` specially, and control characters would
/// not survive.
fn nft_string_problem(s: &str) -> Option<String> {
    (s.contains(['"', '\\']) || s.ends_with('*') || s.chars().any(char::is_control)).then(|| {
        format!("interface name {s:?} cannot be written in nftables (it holds '\"', '\\', a trailing '*' or a control character)")
    })
}

/// The name of the tunnel's own nftables table: `grecfg_` and the name,
/// every byte outside `[A-Za-z0-9.-]` written `_xx` (hex), so that two
/// names never share a table.
pub fn nft_table(name: &str) -> String {
    let mut s = String::from("grecfg_");
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' {
            s.push(b as char);
        } else {
            s.push_str(&format!("_{b:02x}"));
        }
    }
    s
}

/// One rule of an iptables-style script: how to ask whether it is there,
/// add it and remove it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Rule {
    pub what: String,
    pub check: Vec<String>,
    pub add: Vec<String>,
    pub del: Vec<String>,
}

/// An iptables rule, before it is spelled for iptables or for firewalld's
/// direct interface.
struct XtRule {
    what: String,
    family: Family,
    table: &'static str,
    chain: &'static str,
    /// Insert at the top (accept rules, to come before a final drop)
    /// rather than append.
    insert: bool,
    args: Vec<String>,
}

fn words(ws: &[&str]) -> Vec<String> {
    ws.iter().map(|s| s.to_string()).collect()
}

fn xt_comment(t: &Tunnel) -> Vec<String> {
    vec![
        "-m".into(),
        "comment".into(),
        "--comment".into(),
        format!("grecfg {}", t.name),
    ]
}

/// MSS clamping and masquerading, as iptables rules.
fn xt_forward_rules(t: &Tunnel, opts: &ExtrasOptions) -> Vec<XtRule> {
    let dev = t.name.as_str();
    let mut v = Vec::new();
    for f in inner_families(t) {
        let mut args = words(&["-o", dev, "-p", "tcp", "--tcp-flags", "SYN,RST", "SYN"]);
        args.extend(xt_comment(t));
        args.extend(words(&["-j", "TCPMSS", "--clamp-mss-to-pmtu"]));
        v.push(XtRule {
            what: format!(
                "clamp the MSS of {} SYNs into the tunnel to the path MTU",
                f.name()
            ),
            family: f,
            table: "mangle",
            chain: "FORWARD",
            insert: false,
            args,
        });
        if let Some(mtu) = t.mtu {
            let mss = tcp_mss(mtu, f).to_string();
            let mut args = words(&["-i", dev, "-p", "tcp", "--tcp-flags", "SYN,RST", "SYN"]);
            args.extend(xt_comment(t));
            args.extend(words(&["-j", "TCPMSS", "--set-mss", &mss]));
            v.push(XtRule {
                what: format!(
                    "clamp the MSS of {} SYNs out of the tunnel to {mss} (MTU {mtu})",
                    f.name()
                ),
                family: f,
                table: "mangle",
                chain: "FORWARD",
                insert: false,
                args,
            });
        }
    }
    if let Some(out) = &opts.masquerade {
        let nets = inner_networks(t);
        for f in [Family::V4, Family::V6] {
            let nets: Vec<_> = nets.iter().filter(|n| Family::of(&n.addr()) == f).collect();
            if nets.is_empty() {
                continue;
            }
            for n in &nets {
                let mut args = words(&["-s", &n.to_string(), "-o", out]);
                args.extend(xt_comment(t));
                args.extend(words(&["-j", "MASQUERADE"]));
                v.push(XtRule {
                    what: format!("masquerade {n} leaving through {out}"),
                    family: f,
                    table: "nat",
                    chain: "POSTROUTING",
                    insert: false,
                    args,
                });
            }
            let mut args = words(&["-i", dev, "-o", out]);
            args.extend(xt_comment(t));
            args.extend(words(&["-j", "ACCEPT"]));
            v.push(XtRule {
                what: format!("forward {} from the tunnel to {out}", f.name()),
                family: f,
                table: "filter",
                chain: "FORWARD",
                insert: true,
                args,
            });
            let mut args = words(&[
                "-i",
                out,
                "-o",
                dev,
                "-m",
                "conntrack",
                "--ctstate",
                "RELATED,ESTABLISHED",
            ]);
            args.extend(xt_comment(t));
            args.extend(words(&["-j", "ACCEPT"]));
            v.push(XtRule {
                what: format!("forward {} replies from {out} into the tunnel", f.name()),
                family: f,
                table: "filter",
                chain: "FORWARD",
                insert: true,
                args,
            });
        }
    }
    v
}

fn admit_what(t: &Tunnel, peer: &IpAddr) -> String {
    let (proto, meaning) = outer_protocol(t.mode);
    format!("admit IP protocol {proto} ({meaning}) from {peer}")
}

fn iptables_rules(t: &Tunnel, opts: &ExtrasOptions) -> Result<Vec<Rule>, Problem> {
    let (proto, _) = outer_protocol(t.mode);
    let outer = t.mode.outer_family();
    let mut xt = Vec::new();
    for p in peers(t)? {
        let mut args = words(&["-p", &proto.to_string(), "-s", &p.to_string()]);
        if let Some(l) = t.local.filter(|l| !l.is_unspecified()) {
            args.extend(["-d".into(), l.to_string()]);
        }
        args.extend(xt_comment(t));
        args.extend(words(&["-j", "ACCEPT"]));
        xt.push(XtRule {
            what: admit_what(t, &p),
            family: outer,
            table: "filter",
            chain: "INPUT",
            insert: true,
            args,
        });
    }
    xt.extend(xt_forward_rules(t, opts));
    Ok(xt
        .into_iter()
        .map(|r| {
            let tool = match r.family {
                Family::V4 => "iptables",
                Family::V6 => "ip6tables",
            };
            let cmd = |op: &str| {
                let mut c = words(&[tool, "-w", "-t", r.table, op, r.chain]);
                c.extend(r.args.iter().cloned());
                c
            };
            Rule {
                what: r.what.clone(),
                check: cmd("-C"),
                add: cmd(if r.insert { "-I" } else { "-A" }),
                del: cmd("-D"),
            }
        })
        .collect())
}

fn firewalld_rules(t: &Tunnel, opts: &ExtrasOptions) -> Result<Vec<Rule>, Problem> {
    let (proto, _) = outer_protocol(t.mode);
    let family = family_name(t.mode.outer_family());
    let mut base = words(&["firewall-cmd", "--permanent"]);
    if let Some(z) = &t.zone {
        base.push(format!("--zone={z}"));
    }
    let mut rules = Vec::new();
    for p in peers(t)? {
        let mut rich = format!(r#"rule family="{family}" source address="{p}""#);
        if let Some(l) = t.local.filter(|l| !l.is_unspecified()) {
            rich.push_str(&format!(r#" destination address="{l}""#));
        }
        rich.push_str(&format!(r#" protocol value="{proto}" accept"#));
        let cmd = |op: &str| {
            let mut c = base.clone();
            c.push(format!("--{op}-rich-rule={rich}"));
            c
        };
        rules.push(Rule {
            what: admit_what(t, &p),
            check: cmd("query"),
            add: cmd("add"),
            del: cmd("remove"),
        });
    }
    for r in xt_forward_rules(t, opts) {
        let cmd = |op: &str| {
            let mut c = words(&[
                "firewall-cmd",
                "--permanent",
                "--direct",
                op,
                family_name(r.family),
                r.table,
                r.chain,
                "0",
            ]);
            c.extend(r.args.iter().cloned());
            c
        };
        rules.push(Rule {
            what: r.what.clone(),
            check: cmd("--query-rule"),
            add: cmd("--add-rule"),
            del: cmd("--remove-rule"),
        });
    }
    Ok(rules)
}

/// Commands run once before the rules when masquerading: turn forwarding
/// on for the families masqueraded, and load the GRE conntrack and NAT
/// modules (on kernels where they are separate modules) so that GRE
/// packets crossing this host's NAT are tracked by their keys.
fn masquerade_setup(t: &Tunnel, opts: &ExtrasOptions) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let mut sysctl = Vec::new();
    let mut modules = Vec::new();
    if opts.masquerade.is_none() {
        return (sysctl, modules);
    }
    for key in forwarding_keys(t) {
        sysctl.push(words(&["sysctl", "-w", &format!("{key}=1")]));
    }
    if outer_protocol(t.mode).0 == 47 {
        for m in ["nf_conntrack_proto_gre", "nf_nat_proto_gre"] {
            modules.push(words(&["modprobe", m]));
        }
    }
    (sysctl, modules)
}

/// The sysctl keys that turn forwarding on for the tunnel's inner families.
fn forwarding_keys(t: &Tunnel) -> Vec<&'static str> {
    let nets = inner_networks(t);
    let mut fams: Vec<Family> = nets.iter().map(|n| Family::of(&n.addr())).collect();
    if fams.is_empty() {
        fams = inner_families(t);
    }
    let mut keys = Vec::new();
    if fams.contains(&Family::V4) {
        keys.push("net.ipv4.ip_forward");
    }
    if fams.contains(&Family::V6) {
        keys.push("net.ipv6.conf.all.forwarding");
    }
    keys
}

/// What the nftables template needs besides the names.
fn nft_context(t: &Tunnel, opts: &ExtrasOptions) -> Result<serde_json::Value, Problem> {
    let ipf = |f: Family| match f {
        Family::V4 => "ip",
        Family::V6 => "ip6",
    };
    let peers: Vec<String> = peers(t)?.iter().map(|p| p.to_string()).collect();
    let local = t.local.filter(|l| !l.is_unspecified()).map(|l| l.to_string());
    let mss_in: Vec<serde_json::Value> = match t.mtu {
        Some(mtu) => inner_families(t)
            .into_iter()
            .map(|f| serde_json::json!({"nfproto": family_name(f), "mss": tcp_mss(mtu, f)}))
            .collect(),
        None => Vec::new(),
    };
    let mut masq = Vec::new();
    if opts.masquerade.is_some() {
        let nets = inner_networks(t);
        for f in [Family::V4, Family::V6] {
            let nets: Vec<String> = nets
                .iter()
                .filter(|n| Family::of(&n.addr()) == f)
                .map(|n| n.to_string())
                .collect();
            if !nets.is_empty() {
                masq.push(serde_json::json!({"ip": ipf(f), "nets": nets}));
            }
        }
    }
    Ok(serde_json::json!({
        "table": nft_table(&t.name),
        "outer": ipf(t.mode.outer_family()),
        "peers": peers,
        "local": local,
        "mtu": t.mtu,
        "mss_in": mss_in,
        "masq": masq,
        "gre_modules": opts.masquerade.is_some() && outer_protocol(t.mode).0 == 47,
    }))
}

/// The route commands the keepalive withdraws and restores: the tunnel's
/// routes, except a host route to the pinged peer itself, which the
/// probes need.
fn keepalive_routes(t: &Tunnel, peer: &IpAddr) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let mut restore = Vec::new();
    let mut withdraw = Vec::new();
    let mut only_routes = t.clone();
    only_routes.routes.retain(|r| {
        !(r.destination.prefix_len() == r.destination.max_prefix_len() && r.destination.addr() == *peer)
    });
    for c in iproute2::up_commands(&only_routes) {
        if c.get(1).map(String::as_str) == Some("route") {
            let mut d = c.clone();
            d[2] = "del".into();
            withdraw.push(d);
            restore.push(c);
        }
    }
    (restore, withdraw)
}

/// Problems that stop `kind` from being written for `t`, beyond the
/// model's own validation.
pub(crate) fn check(kind: Format, t: &Tunnel, opts: &ExtrasOptions) -> Vec<Problem> {
    let mut p = Vec::new();
    let name_problem = match kind {
        Format::Nftables => nft_string_problem(&t.name),
        Format::Iptables | Format::Firewalld => xt_name_problem(&t.name),
        _ => None,
    };
    if let Some(msg) = name_problem {
        p.push(Problem::new("name", msg).hint("rename the tunnel"));
    }
    if let Some(out) = &opts.masquerade {
        if *out == t.name {
            p.push(Problem::general(format!(
                "--masquerade {out} names the tunnel itself; give the interface traffic leaves through"
            )));
        } else if matches!(kind, Format::Firewalld | Format::Iptables | Format::Nftables)
            && inner_networks(t).is_empty()
        {
            p.push(
                Problem::new(
                    "addresses",
                    format!("tunnel {} has no inner network to masquerade", t.name),
                )
                .hint("give the tunnel an address or a route"),
            );
        }
    }
    if let Some(z) = &t.zone {
        if kind == Format::Firewalld && !z.chars().all(|c| c.is_ascii_alphanumeric() || "_-/+".contains(c)) {
            p.push(Problem::new(
                "zone",
                format!("firewalld zone {z:?} is not a valid zone name"),
            ));
        }
    }
    p
}

/// The files of one validated tunnel in `kind`, one of the formats that go
/// around a tunnel (firewall, forwarding, keepalive).
pub(crate) fn write(kind: Format, t: &Tunnel, cx: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>> {
    let env = environment(cx.template_dir.as_deref()).map_err(|e| vec![Problem::general(e.to_string())])?;
    render(kind, std::slice::from_ref(t), &cx.extras, &env)
}

/// Rules and probes use the model as it is: nothing is dropped.
pub(crate) fn lower(t: &Tunnel, _: &WriteContext) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
    Ok((t.clone(), Vec::new()))
}

pub(crate) fn write_firewalld(t: &Tunnel, cx: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>> {
    write(Format::Firewalld, t, cx)
}
pub(crate) fn write_nftables(t: &Tunnel, cx: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>> {
    write(Format::Nftables, t, cx)
}
pub(crate) fn write_iptables(t: &Tunnel, cx: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>> {
    write(Format::Iptables, t, cx)
}
pub(crate) fn write_sysctl(t: &Tunnel, cx: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>> {
    write(Format::Sysctl, t, cx)
}
pub(crate) fn write_keepalive(t: &Tunnel, cx: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>> {
    write(Format::Keepalive, t, cx)
}

/// Render `kind` for every tunnel. The tunnels must be valid.
pub fn render(
    kind: Format,
    tunnels: &[Tunnel],
    opts: &ExtrasOptions,
    env: &Environment,
) -> Result<Vec<OutputFile>, Vec<Problem>> {
    assert!(
        meta_of(kind).role == Role::Around,
        "{} is not written around a tunnel",
        meta_of(kind).name
    );
    let mut out = Vec::new();
    for t in tunnels {
        let mut problems = t.validate();
        problems.extend(check(kind, t, opts));
        if !problems.is_empty() {
            return Err(problems);
        }
        let ctx = context(kind, t, opts).map_err(|p| vec![p])?;
        for (template, name, mode) in files(kind, t) {
            let tmpl = env
                .get_template(template)
                .map_err(|e| vec![Problem::general(template_error(template, e))])?;
            let contents = tmpl
                .render(&ctx)
                .map_err(|e| vec![Problem::general(template_error(template, e))])?;
            out.push(OutputFile { name, contents, mode });
        }
    }
    Ok(out)
}

fn template_error(name: &str, source: Error) -> String {
    RenderError::Template {
        name: name.into(),
        source,
    }
    .to_string()
}

/// Everything the templates get.
fn context(kind: Format, t: &Tunnel, opts: &ExtrasOptions) -> Result<Value, Problem> {
    let (proto, meaning) = outer_protocol(t.mode);
    let mut ctx = serde_json::json!({
        "name": t.name,
        "mode": t.mode.name(),
        "protocol": proto,
        "protocol_meaning": meaning,
        "masquerade": opts.masquerade,
        "unit": render::unit_name(&t.name),
        "zone": t.zone,
    });
    let m = ctx.as_object_mut().expect("an object");
    let mut put = |k: &str, v: serde_json::Value| {
        m.insert(k.into(), v);
    };
    match kind {
        Format::Firewalld | Format::Iptables => {
            let rules = if kind == Format::Firewalld {
                firewalld_rules(t, opts)?
            } else {
                iptables_rules(t, opts)?
            };
            let (sysctl, modules) = masquerade_setup(t, opts);
            put("rules", serde_json::to_value(rules).expect("serializable"));
            put("sysctl", serde_json::to_value(sysctl).expect("serializable"));
            put("modules", serde_json::to_value(modules).expect("serializable"));
            put("file_name", files(kind, t)[0].1.clone().into());
        }
        Format::Nftables => {
            if let serde_json::Value::Object(o) = nft_context(t, opts)? {
                for (k, v) in o {
                    put(&k, v);
                }
            }
            put("file_name", files(kind, t)[0].1.clone().into());
        }
        Format::Sysctl => {
            put(
                "keys",
                serde_json::to_value(forwarding_keys(t)).expect("serializable"),
            );
            put("file_name", files(kind, t)[0].1.clone().into());
        }
        Format::Keepalive => {
            let peer = keepalive_peer(t, opts)?;
            let (restore, withdraw) = keepalive_routes(t, &peer);
            let timeout = opts.keepalive_interval.saturating_sub(1).max(1);
            let fam = match Family::of(&peer) {
                Family::V4 => "-4",
                Family::V6 => "-6",
            };
            let ping = words(&[
                "ping",
                fam,
                "-n",
                "-q",
                "-c",
                "1",
                "-W",
                &timeout.to_string(),
                "-I",
                &t.name,
                &peer.to_string(),
            ]);
            let script = keepalive_script(&t.name);
            put("peer", peer.to_string().into());
            put("ping", serde_json::to_value(ping).expect("serializable"));
            put("restore", serde_json::to_value(restore).expect("serializable"));
            put("withdraw", serde_json::to_value(withdraw).expect("serializable"));
            put("interval", opts.keepalive_interval.into());
            put("misses", opts.keepalive_misses.into());
            put("state_dir", KEEPALIVE_STATE_DIR.into());
            put("script", script.clone().into());
            put("script_path", format!("{KEEPALIVE_DIR}/{script}").into());
            put("service", keepalive_unit(&t.name, "service").into());
            put("timer", keepalive_unit(&t.name, "timer").into());
        }
        _ => unreachable!("render takes the formats written around a tunnel only"),
    }
    Ok(Value::from(minijinja::value::Serde(ctx)))
}

/// The environment of [`crate::render`] with the extra templates and
/// filters. A file in `template_dir` named like a shipped template
/// replaces it.
pub fn environment(template_dir: Option<&std::path::Path>) -> Result<Environment<'static>, RenderError> {
    let mut env = render::environment(template_dir)?;
    env.add_filter("comment", crate::render::comment_filter);
    env.add_filter("nft", |v: &Value| -> Result<String, Error> {
        let s = scalar(v)?;
        match nft_string_problem(&s) {
            Some(msg) => Err(Error::new(ErrorKind::InvalidOperation, msg)),
            None => Ok(format!("\"{s}\"")),
        }
    });
    render::add_templates(&mut env, &TEMPLATES, template_dir)?;
    Ok(env)
}

fn scalar(v: &Value) -> Result<String, Error> {
    match v.kind() {
        ValueKind::String => Ok(v.as_str().unwrap_or_default().to_string()),
        ValueKind::Number | ValueKind::Bool => Ok(v.to_string()),
        k => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("a quoting filter needs a string or a number, not {k}"),
        )),
    }
}

#[cfg(test)]
mod tests;
