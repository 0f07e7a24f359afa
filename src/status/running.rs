//! A tunnel device as the running kernel has it, read from iproute2's JSON
//! (`ip -d -j link show dev DEV`, `ip -j addr show dev DEV`,
//! `ip -j route show table all dev DEV` for each family, `ip -j neigh show
//! dev DEV`), in the model's terms so that it compares with a configured
//! tunnel field by field.
//!
//! What iproute2 prints (`ip/link_gre.c`, `link_gre6.c`, `link_iptnl.c`,
//! `link_ip6tnl.c`, `ipaddress.c`, `iproute.c`, `ipneigh.c`; the same
//! members and types from 5.0 to 7.1): under `linkinfo.info_data`,
//! `local`/`remote` as addresses or `"any"`, `ikey` and `okey` as dotted
//! quads (only with the key flag), `ttl` always a number (0 is inherit),
//! `tos` a hexadecimal string, absent for 0 and `"0x1"` for inherit,
//! `pmtudisc` a boolean (absent on IPv6 underlays); IPv6 underlays carry
//! `encap_limit`, `tclass` and `flowlabel` as hexadecimal strings and
//! `ip6_tnl_f_*` booleans; `ip6tnl` and `ipip` carry `proto`; `sit` carries
//! `isatap`. Addresses are `addr_info` entries with `local`, `prefixlen`
//! and, for a point-to-point peer, `address`. Routes omit `protocol` for
//! `boot` and the prefix of a host route.

use std::net::IpAddr;
use std::process::{Command, Stdio};

use ipnet::IpNet;
use serde_json::Value;

use crate::model::{InnerAddress, Mode, Neighbour, Route};

/// A device of the running kernel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Device {
    /// `linkinfo.info_kind` (`gre`, `ip6tnl`, ...); `None` for a device
    /// that is not a tunnel.
    pub kind: Option<String>,
    /// The mode the kind (and `proto`, `isatap`) means.
    pub mode: Option<Mode>,
    pub up: bool,
    pub local: Option<IpAddr>,
    pub remote: Option<IpAddr>,
    pub input_key: Option<u32>,
    pub output_key: Option<u32>,
    /// 0 = inherit.
    pub ttl: u8,
    /// 0 = unset, 1 = inherit (the model's encoding).
    pub tos: u8,
    pub path_mtu_discovery: bool,
    pub mtu: Option<u32>,
    /// The underlay device (`link`), by name.
    pub parent: Option<String>,
    /// IPv6 underlays: `encap_limit` (`None` with
    /// `ip6_tnl_f_ign_encap_limit`), `flowlabel`, and the `ip6_tnl_f_*`
    /// flags as the model's [`crate::model::flags`].
    pub encapsulation_limit: Option<u8>,
    pub flow_label: u32,
    pub flags: u32,
    pub addresses: Vec<InnerAddress>,
    /// Routes through the device added by hand or by a network service
    /// (`proto` boot or static), not those the kernel derives from
    /// addresses.
    pub routes: Vec<Route>,
    /// Permanent neighbours.
    pub neighbours: Vec<Neighbour>,
}

/// An address or `"any"` (no address).
fn address(v: &Value) -> Option<IpAddr> {
    v.as_str().and_then(|s| s.parse().ok())
}

/// A GRE key as iproute2 prints it: a dotted quad, or a number.
fn key(v: &Value) -> Option<u32> {
    if let Some(n) = v.as_u64() {
        return u32::try_from(n).ok();
    }
    let s = v.as_str()?;
    if let Ok(a) = s.parse::<std::net::Ipv4Addr>() {
        return Some(u32::from(a));
    }
    s.parse().ok()
}

fn tos(v: Option<&Value>) -> u8 {
    match v {
        None => 0,
        Some(Value::String(s)) if s == "inherit" => 1,
        Some(Value::String(s)) => {
            let s = s.trim_start_matches("0x");
            u8::from_str_radix(s, 16).unwrap_or(0)
        }
        Some(v) => v.as_u64().and_then(|n| u8::try_from(n).ok()).unwrap_or(0),
    }
}

/// A hexadecimal string (`"0x%02x"`) as iproute2 prints tclass and
/// flowlabel.
fn hex(v: Option<&Value>) -> u32 {
    v.and_then(Value::as_str)
        .and_then(|s| u32::from_str_radix(s.trim_start_matches("0x"), 16).ok())
        .unwrap_or(0)
}

/// The `ip6_tnl_f_*` flags of `ip6gre` and `ip6tnl` devices
/// (`ip/link_gre6.c`, `ip/link_ip6tnl.c`), as the model's bits.
fn ip6_flags(data: &Value) -> u32 {
    use crate::model::flags::*;
    [
        ("ip6_tnl_f_ign_encap_limit", IGN_ENCAP_LIMIT),
        ("ip6_tnl_f_use_orig_tclass", USE_ORIG_TCLASS),
        ("ip6_tnl_f_use_orig_flowlabel", USE_ORIG_FLOWLABEL),
        ("ip6_tnl_f_mip6_dev", MIP6_DEV),
        ("ip6_tnl_f_rcv_dscp_copy", RCV_DSCP_COPY),
        ("ip6_tnl_f_use_orig_fwmark", USE_ORIG_FWMARK),
    ]
    .into_iter()
    .filter(|(name, _)| data.get(name).and_then(Value::as_bool) == Some(true))
    .fold(0, |all, (_, bit)| all | bit)
}

fn mode(kind: &str, data: &Value) -> Option<Mode> {
    let proto = data.get("proto").and_then(Value::as_str);
    Some(match kind {
        "gre" => Mode::Gre,
        "gretap" => Mode::Gretap,
        "ip6gre" => Mode::Ip6gre,
        "ip6gretap" => Mode::Ip6gretap,
        "vti" => Mode::Vti,
        "vti6" => Mode::Vti6,
        "ipip" => Mode::Ipip,
        "sit" if data.get("isatap").is_some() => Mode::Isatap,
        "sit" => Mode::Sit,
        "ip6tnl" => match proto {
            Some("ipip6") => Mode::Ipip6,
            Some("ip6ip6") => Mode::Ip6ip6,
            _ => return None,
        },
        _ => return None,
    })
}

/// The device from `ip -d -j link show dev DEV`'s output.
pub(crate) fn parse_link(json: &str) -> Result<Device, String> {
    let v: Value = serde_json::from_str(json).map_err(|e| format!("ip printed what is not JSON: {e}"))?;
    let link = v
        .as_array()
        .and_then(|a| a.first())
        .ok_or("ip printed no device")?;
    let info = link.get("linkinfo");
    let kind = info.and_then(|i| i.get("info_kind")).and_then(Value::as_str);
    let empty = Value::Null;
    let data = info.and_then(|i| i.get("info_data")).unwrap_or(&empty);
    let link_flags: Vec<&str> = link
        .get("flags")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let v6 = matches!(kind, Some("ip6gre" | "ip6gretap" | "ip6tnl"));
    let flags = if v6 { ip6_flags(data) } else { 0 };
    let tos = if v6 {
        // The traffic class: `tclass` as hexadecimal, or inherited.
        match flags & crate::model::flags::USE_ORIG_TCLASS {
            0 => hex(data.get("tclass")) as u8,
            _ => 0,
        }
    } else {
        // `tos` absent is 0; `"0x1"` is inherit, the model's 1 too.
        tos(data.get("tos"))
    };
    Ok(Device {
        kind: kind.map(str::to_string),
        mode: kind.and_then(|k| mode(k, data)),
        up: link_flags.contains(&"UP"),
        local: data.get("local").and_then(address),
        remote: data.get("remote").and_then(address),
        input_key: data.get("ikey").and_then(key),
        output_key: data.get("okey").and_then(key),
        ttl: data
            .get("ttl")
            .and_then(Value::as_u64)
            .and_then(|n| u8::try_from(n).ok())
            .unwrap_or(0),
        tos,
        path_mtu_discovery: data.get("pmtudisc").and_then(Value::as_bool).unwrap_or(true),
        mtu: link
            .get("mtu")
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok()),
        parent: data.get("link").and_then(Value::as_str).map(str::to_string),
        encapsulation_limit: data
            .get("encap_limit")
            .and_then(Value::as_u64)
            .and_then(|n| u8::try_from(n).ok()),
        flow_label: if v6 { hex(data.get("flowlabel")) } else { 0 },
        flags,
        ..Device::default()
    })
}

/// The addresses of `ip -j addr show dev DEV` (link-local IPv6 ones, which
/// the kernel makes itself, left out).
pub(crate) fn parse_addresses(json: &str) -> Result<Vec<InnerAddress>, String> {
    let v: Value = serde_json::from_str(json).map_err(|e| format!("ip printed what is not JSON: {e}"))?;
    let mut out = Vec::new();
    for link in v.as_array().into_iter().flatten() {
        for a in link
            .get("addr_info")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(local), Some(prefix)) = (
                a.get("local").and_then(address),
                a.get("prefixlen").and_then(Value::as_u64),
            ) else {
                continue;
            };
            if a.get("scope").and_then(Value::as_str) == Some("link") && local.is_ipv6() {
                continue;
            }
            let prefix = u8::try_from(prefix).unwrap_or(0);
            let peer = a
                .get("address")
                .and_then(address)
                .filter(|p| *p != local)
                .and_then(|p| IpNet::new(p, prefix).ok());
            let own = if peer.is_some() {
                IpNet::new(local, if local.is_ipv4() { 32 } else { 128 })
            } else {
                IpNet::new(local, prefix)
            };
            if let Ok(address) = own {
                out.push(InnerAddress { address, peer });
            }
        }
    }
    Ok(out)
}

/// `main` is table 254; iproute2 prints the table only when it is not.
fn table(v: Option<&Value>) -> Option<u32> {
    match v {
        None => None,
        Some(Value::String(s)) if s == "main" => None,
        Some(Value::String(s)) => s.parse().ok(),
        Some(v) => v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|&n| n != 254),
    }
}

/// The routes of `ip -j route show table all dev DEV` that a person or a
/// network service added (`proto` boot or static), in `family`'s notation
/// for a host route (`192.0.2.1` is `/32`).
pub(crate) fn parse_routes(json: &str, v6: bool) -> Result<Vec<Route>, String> {
    let v: Value = serde_json::from_str(json).map_err(|e| format!("ip printed what is not JSON: {e}"))?;
    let mut out = Vec::new();
    for r in v.as_array().into_iter().flatten() {
        let proto = r.get("protocol").and_then(Value::as_str).unwrap_or("boot");
        if !matches!(proto, "boot" | "static") {
            continue;
        }
        if r.get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t != "unicast")
        {
            continue;
        }
        let Some(dst) = r.get("dst").and_then(Value::as_str) else {
            continue;
        };
        let destination: Option<IpNet> = match dst {
            "default" if v6 => "::/0".parse().ok(),
            "default" => "0.0.0.0/0".parse().ok(),
            d => d
                .parse()
                .ok()
                .or_else(|| d.parse::<IpAddr>().ok().map(IpNet::from)),
        };
        let Some(destination) = destination else {
            continue;
        };
        out.push(Route {
            destination,
            gateway: r.get("gateway").and_then(address),
            metric: r
                .get("metric")
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok()),
            table: table(r.get("table")),
        });
    }
    Ok(out)
}

/// The permanent neighbours of `ip -j neigh show dev DEV`: the inner
/// address (`dst`) and the outer one (`lladdr`, which on a GRE device is
/// an IPv4 address).
pub(crate) fn parse_neighbours(json: &str) -> Result<Vec<Neighbour>, String> {
    let v: Value = serde_json::from_str(json).map_err(|e| format!("ip printed what is not JSON: {e}"))?;
    let mut out = Vec::new();
    for n in v.as_array().into_iter().flatten() {
        let permanent = n
            .get("state")
            .and_then(Value::as_array)
            .is_some_and(|s| s.iter().any(|s| s == "PERMANENT"));
        if let (true, Some(inner), Some(outer)) = (
            permanent,
            n.get("dst").and_then(address),
            n.get("lladdr").and_then(address),
        ) {
            out.push(Neighbour { inner, outer });
        }
    }
    Ok(out)
}

/// Run `ip ARGS...` (the device name is one argument, never a command)
/// and return what it printed.
fn ip(args: &[&str]) -> Result<String, String> {
    let out = Command::new("ip")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run ip: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    String::from_utf8(out.stdout).map_err(|_| "ip printed what is not UTF-8".into())
}

/// The device `name` of the running kernel, or `None` when there is none.
pub fn read(name: &str) -> Result<Option<Device>, String> {
    let link = match ip(&["-d", "-j", "link", "show", "dev", name]) {
        Ok(j) => j,
        Err(e) if e.contains("does not exist") || e.contains("Cannot find device") => return Ok(None),
        Err(e) => return Err(format!("ip -d -j link show dev {name}: {e}")),
    };
    let mut d = parse_link(&link)?;
    d.addresses = parse_addresses(&ip(&["-j", "addr", "show", "dev", name])?)?;
    for (family, v6) in [("-4", false), ("-6", true)] {
        let json = ip(&[family, "-j", "route", "show", "table", "all", "dev", name])?;
        d.routes.extend(parse_routes(&json, v6)?);
    }
    d.neighbours = parse_neighbours(&ip(&["-j", "neigh", "show", "dev", name])?)?;
    Ok(Some(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    /// `ip -d -j link show dev gre1` (iproute2 6.1) for `ip tunnel add gre1
    /// mode gre local 192.0.2.1 remote 198.51.100.1 ikey 1001 okey 2002
    /// ttl 64 tos inherit`, trimmed to the members read.
    fn a_gre_device_is_read_as_the_model_says_it() {
        let d = parse_link(
            r#"[{"ifindex":5,"ifname":"gre1","flags":["POINTOPOINT","NOARP","UP","LOWER_UP"],"mtu":1468,
            "link_type":"gre","address":"192.0.2.1","link_pointtopoint":true,"broadcast":"198.51.100.1",
            "linkinfo":{"info_kind":"gre","info_data":{"remote":"198.51.100.1","local":"192.0.2.1",
            "ttl":64,"tos":"0x1","pmtudisc":true,"ikey":"0.0.3.233","okey":"0.0.7.210"}}}]"#,
        )
        .unwrap();
        assert_eq!(d.mode, Some(Mode::Gre));
        assert!(d.up);
        assert_eq!(d.local, Some("192.0.2.1".parse().unwrap()));
        assert_eq!(d.remote, Some("198.51.100.1".parse().unwrap()));
        assert_eq!((d.input_key, d.output_key), (Some(1001), Some(2002)));
        assert_eq!(
            (d.ttl, d.tos, d.path_mtu_discovery, d.mtu),
            (64, 1, true, Some(1468))
        );
    }

    #[test]
    fn inherit_any_and_no_pmtudisc_are_the_models_defaults_and_flags() {
        let d = parse_link(
            r#"[{"ifname":"t","flags":[],"mtu":1480,"linkinfo":{"info_kind":"ipip","info_data":
            {"proto":"ipip","remote":"any","local":"any","pmtudisc":false,"tos":"0x10"}}}]"#,
        )
        .unwrap();
        assert_eq!(d.mode, Some(Mode::Ipip));
        assert_eq!((d.local, d.remote, d.ttl, d.tos), (None, None, 0, 0x10));
        assert!(!d.path_mtu_discovery && !d.up);
        let d =
            parse_link(r#"[{"ifname":"t","linkinfo":{"info_kind":"ip6tnl","info_data":{"proto":"ipip6"}}}]"#)
                .unwrap();
        assert_eq!(d.mode, Some(Mode::Ipip6));
        let d = parse_link(r#"[{"ifname":"t","linkinfo":{"info_kind":"sit","info_data":{"isatap":null}}}]"#)
            .unwrap();
        assert_eq!(d.mode, Some(Mode::Isatap));
        let d = parse_link(r#"[{"ifname":"eth0","flags":["UP"]}]"#).unwrap();
        assert_eq!((d.kind, d.mode), (None, None));
    }

    #[test]
    /// `ip_link_gre6.c`: hop limit as `ttl`, the traffic class and flow
    /// label as hexadecimal strings or inherited, no tos or pmtudisc.
    fn ipv6_underlays_carry_their_own_members() {
        use crate::model::flags::*;
        let d = parse_link(
            r#"[{"ifname":"t","flags":["UP"],"linkinfo":{"info_kind":"ip6gre","info_data":{
            "remote":"2001:db8::2","local":"2001:db8::1","ttl":64,"encap_limit":4,
            "tclass":"0x10","flowlabel":"0xabcde","ikey":"0.0.0.7","okey":"0.0.0.7"}}}]"#,
        )
        .unwrap();
        assert_eq!(d.mode, Some(Mode::Ip6gre));
        assert_eq!(
            (d.ttl, d.tos, d.flow_label, d.encapsulation_limit),
            (64, 0x10, 0xabcde, Some(4))
        );
        assert!(d.path_mtu_discovery);
        assert_eq!(d.flags, 0);
        let d = parse_link(
            r#"[{"ifname":"t","linkinfo":{"info_kind":"ip6tnl","info_data":{"proto":"ip6ip6",
            "ip6_tnl_f_ign_encap_limit":true,"ip6_tnl_f_use_orig_tclass":true,
            "ip6_tnl_f_use_orig_flowlabel":true,"ip6_tnl_f_rcv_dscp_copy":true}}}]"#,
        )
        .unwrap();
        assert_eq!(d.mode, Some(Mode::Ip6ip6));
        assert_eq!(
            d.flags,
            IGN_ENCAP_LIMIT | USE_ORIG_TCLASS | USE_ORIG_FLOWLABEL | RCV_DSCP_COPY
        );
        assert_eq!((d.tos, d.encapsulation_limit), (0, None));
    }

    #[test]
    fn a_peer_address_is_the_local_host_and_the_peers_prefix() {
        let a = parse_addresses(
            r#"[{"ifname":"gre1","addr_info":[
              {"family":"inet","local":"10.0.0.1","address":"10.0.0.2","prefixlen":30,"scope":"global"},
              {"family":"inet","local":"10.9.0.1","prefixlen":24,"scope":"global"},
              {"family":"inet6","local":"fe80::c000:201","prefixlen":64,"scope":"link"}]}]"#,
        )
        .unwrap();
        assert_eq!(
            a,
            vec![
                InnerAddress {
                    address: "10.0.0.1/32".parse().unwrap(),
                    peer: Some("10.0.0.2/30".parse().unwrap())
                },
                InnerAddress {
                    address: "10.9.0.1/24".parse().unwrap(),
                    peer: None
                },
            ]
        );
    }

    #[test]
    fn routes_of_people_and_services_count_the_kernels_do_not() {
        let r = parse_routes(
            r#"[{"dst":"10.1.0.0/24","gateway":"10.0.0.2","protocol":"static","metric":675,"flags":[]},
               {"dst":"10.0.0.2","protocol":"boot","scope":"link","table":"100","flags":[]},
               {"dst":"10.0.0.0/30","protocol":"kernel","scope":"link","prefsrc":"10.0.0.1","flags":[]},
               {"type":"local","dst":"10.0.0.1","table":"local","protocol":"kernel","flags":[]},
               {"dst":"default","protocol":"boot","flags":[]}]"#,
            false,
        )
        .unwrap();
        assert_eq!(r.len(), 3, "{r:?}");
        assert_eq!(r[0].gateway, Some("10.0.0.2".parse().unwrap()));
        assert_eq!((r[0].metric, r[0].table), (Some(675), None));
        assert_eq!(r[1].destination, "10.0.0.2/32".parse::<IpNet>().unwrap());
        assert_eq!(r[1].table, Some(100));
        assert_eq!(r[2].destination, "0.0.0.0/0".parse::<IpNet>().unwrap());
    }

    #[test]
    fn only_permanent_neighbours_are_configuration() {
        let n = parse_neighbours(
            r#"[{"dst":"10.0.0.2","lladdr":"198.51.100.2","state":["PERMANENT"]},
               {"dst":"10.0.0.3","lladdr":"198.51.100.3","state":["REACHABLE"]}]"#,
        )
        .unwrap();
        assert_eq!(
            n,
            vec![Neighbour {
                inner: "10.0.0.2".parse().unwrap(),
                outer: "198.51.100.2".parse().unwrap()
            }]
        );
    }
}
