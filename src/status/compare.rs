//! A configured tunnel against its running device: every difference, by
//! the model's field, so that it points at the configuration's line.

use std::fmt::Display;

use crate::model::{flags, InnerAddress, Route, Tunnel};

use super::running::Device;

/// One way the running device is not what the configuration says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The model's field (`ttl`, `addresses[1]`), for the input's line.
    pub field: String,
    /// What the configuration says, in words (`64`, `inherit`, `absent`).
    pub configured: String,
    /// What the kernel has.
    pub running: String,
}

fn differ(out: &mut Vec<Difference>, field: &str, configured: impl Display, running: impl Display) {
    out.push(Difference {
        field: field.into(),
        configured: configured.to_string(),
        running: running.to_string(),
    });
}

fn opt<T: Display>(v: &Option<T>, none: &str) -> String {
    v.as_ref().map_or_else(|| none.to_string(), ToString::to_string)
}

fn ttl(v: u8) -> String {
    match v {
        0 => "inherit".into(),
        n => n.to_string(),
    }
}

fn tos(v: u8) -> String {
    match v {
        0 => "0 (unset)".into(),
        1 => "inherit".into(),
        n => format!("0x{n:02x}"),
    }
}

fn key(v: Option<u32>) -> String {
    v.map_or_else(|| "none".into(), |k| k.to_string())
}

/// An address as `ip addr` shows it: `A/P`, or `A peer P/N`.
fn shown(a: &InnerAddress) -> String {
    match a.peer {
        Some(p) => format!("{} peer {p}", a.address.addr()),
        None => a.address.to_string(),
    }
}

/// Whether two addresses are the same on the device: with a peer, the
/// local address and the peer (the kernel keeps the peer's prefix only).
fn same_address(a: &InnerAddress, b: &InnerAddress) -> bool {
    match (a.peer, b.peer) {
        (Some(p), Some(q)) => a.address.addr() == b.address.addr() && p == q,
        (None, None) => a.address == b.address,
        _ => false,
    }
}

/// Whether the running route `r` is the configured route `c`: a metric or
/// table the configuration leaves open is the service's to choose.
fn same_route(c: &Route, r: &Route) -> bool {
    c.destination.trunc() == r.destination.trunc()
        && c.gateway == r.gateway
        && c.metric.is_none_or(|m| Some(m) == r.metric)
        && c.table.is_none_or(|t| Some(t) == r.table.or(Some(254)))
}

fn route(r: &Route) -> String {
    let mut s = r.destination.to_string();
    if let Some(g) = r.gateway {
        s += &format!(" via {g}");
    }
    if let Some(m) = r.metric {
        s += &format!(" metric {m}");
    }
    if let Some(t) = r.table {
        s += &format!(" table {t}");
    }
    s
}

/// Every difference between the tunnel `t` as configured and the device
/// `d` the kernel has under its name.
pub fn compare(t: &Tunnel, d: &Device) -> Vec<Difference> {
    let mut out = Vec::new();
    match d.mode {
        Some(m) if m == t.mode => {}
        Some(m) => differ(&mut out, "mode", t.mode, m),
        None => differ(
            &mut out,
            "mode",
            t.mode,
            format!(
                "a {} device, not a tunnel of grecfg's modes",
                d.kind.as_deref().unwrap_or("plain")
            ),
        ),
    }
    if !d.up {
        differ(&mut out, "name", "up", "the device is down");
    }
    if t.local != d.local {
        differ(&mut out, "local", opt(&t.local, "any"), opt(&d.local, "any"));
    }
    if t.remote != d.remote {
        differ(&mut out, "remote", opt(&t.remote, "any"), opt(&d.remote, "any"));
    }
    if t.mode.takes_key() {
        if t.input_key != d.input_key {
            differ(&mut out, "input_key", key(t.input_key), key(d.input_key));
        }
        if t.output_key != d.output_key {
            differ(&mut out, "output_key", key(t.output_key), key(d.output_key));
        }
    }
    if t.ttl != d.ttl {
        differ(&mut out, "ttl", ttl(t.ttl), ttl(d.ttl));
    }
    let v6 = t.mode.outer_family() == crate::model::Family::V6 && t.mode != crate::model::Mode::Vti6;
    let inherit_class = v6 && t.flags & flags::USE_ORIG_TCLASS != 0;
    if t.tos != d.tos && !inherit_class {
        differ(&mut out, "tos", tos(t.tos), tos(d.tos));
    }
    if v6 {
        let shown = |f: u32| format!("0x{f:x}");
        let mask = flags::ALL & !flags::USE_ORIG_FWMARK;
        if t.flags & mask != d.flags & mask {
            differ(&mut out, "flags", shown(t.flags & mask), shown(d.flags & mask));
        }
        if t.flags & flags::IGN_ENCAP_LIMIT == 0
            && d.flags & flags::IGN_ENCAP_LIMIT == 0
            && Some(t.encapsulation_limit) != d.encapsulation_limit
        {
            differ(
                &mut out,
                "encapsulation_limit",
                t.encapsulation_limit,
                opt(&d.encapsulation_limit, "none"),
            );
        }
        if t.flags & flags::USE_ORIG_FLOWLABEL == 0 && t.flow_label != d.flow_label {
            differ(
                &mut out,
                "flow_label",
                format!("0x{:05x}", t.flow_label),
                format!("0x{:05x}", d.flow_label),
            );
        }
    }
    if t.path_mtu_discovery != d.path_mtu_discovery {
        let word = |b: bool| if b { "on" } else { "off" };
        differ(
            &mut out,
            "path_mtu_discovery",
            word(t.path_mtu_discovery),
            word(d.path_mtu_discovery),
        );
    }
    if let Some(mtu) = t.mtu {
        if Some(mtu) != d.mtu {
            differ(&mut out, "mtu", mtu, opt(&d.mtu, "none"));
        }
    }
    // A NetworkManager parent is a profile's UUID: not a device name.
    if let Some(p) = t.parent.as_ref().filter(|p| p.parse::<uuid::Uuid>().is_err()) {
        if Some(p) != d.parent.as_ref() {
            differ(&mut out, "parent", p, opt(&d.parent, "none"));
        }
    }
    for (i, a) in t.addresses.iter().enumerate() {
        if !d.addresses.iter().any(|b| same_address(a, b)) {
            differ(&mut out, &format!("addresses[{i}]"), shown(a), "absent");
        }
    }
    for b in &d.addresses {
        if !t.addresses.iter().any(|a| same_address(a, b)) {
            differ(&mut out, "addresses", "absent", shown(b));
        }
    }
    for (i, r) in t.routes.iter().enumerate() {
        if !d.routes.iter().any(|x| same_route(r, x)) {
            differ(&mut out, &format!("routes[{i}]"), route(r), "absent");
        }
    }
    for x in &d.routes {
        if !t.routes.iter().any(|r| same_route(r, x)) {
            differ(&mut out, "routes", "absent", route(x));
        }
    }
    for (i, n) in t.neighbours.iter().enumerate() {
        if !d.neighbours.contains(n) {
            differ(
                &mut out,
                &format!("neighbours[{i}]"),
                format!("{} lladdr {}", n.inner, n.outer),
                "absent",
            );
        }
    }
    for n in &d.neighbours {
        if !t.neighbours.contains(n) {
            differ(
                &mut out,
                "neighbours",
                "absent",
                format!("{} lladdr {}", n.inner, n.outer),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Mode, Neighbour};

    fn tunnel() -> Tunnel {
        let mut t = Tunnel::new("gre1", Mode::Gre);
        t.local = Some("192.0.2.1".parse().unwrap());
        t.remote = Some("198.51.100.1".parse().unwrap());
        t.input_key = Some(1001);
        t.output_key = Some(2002);
        t.ttl = 64;
        t.addresses.push(InnerAddress {
            address: "10.0.0.1/30".parse().unwrap(),
            peer: Some("10.0.0.2/30".parse().unwrap()),
        });
        t.routes.push(Route {
            destination: "10.1.0.0/24".parse().unwrap(),
            gateway: Some("10.0.0.2".parse().unwrap()),
            metric: None,
            table: None,
        });
        t
    }

    /// The device the kernel makes of [`tunnel`].
    fn device() -> Device {
        let t = tunnel();
        Device {
            kind: Some("gre".into()),
            mode: Some(Mode::Gre),
            up: true,
            local: t.local,
            remote: t.remote,
            input_key: t.input_key,
            output_key: t.output_key,
            ttl: 64,
            tos: 0,
            path_mtu_discovery: true,
            mtu: Some(1468),
            parent: None,
            encapsulation_limit: None,
            flow_label: 0,
            flags: 0,
            addresses: vec![InnerAddress {
                address: "10.0.0.1/32".parse().unwrap(),
                peer: Some("10.0.0.2/30".parse().unwrap()),
            }],
            routes: vec![Route {
                metric: Some(675),
                ..t.routes[0].clone()
            }],
            neighbours: Vec::new(),
        }
    }

    #[test]
    fn a_device_as_configured_has_no_difference() {
        assert_eq!(compare(&tunnel(), &device()), Vec::new());
    }

    #[test]
    fn each_difference_names_its_field_and_both_values() {
        let mut d = device();
        d.ttl = 9;
        d.output_key = None;
        d.up = false;
        d.neighbours.push(Neighbour {
            inner: "10.0.0.9".parse().unwrap(),
            outer: "203.0.113.9".parse().unwrap(),
        });
        d.routes.clear();
        let got = compare(&tunnel(), &d);
        let fields: Vec<(&str, &str, &str)> = got
            .iter()
            .map(|x| (x.field.as_str(), x.configured.as_str(), x.running.as_str()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("name", "up", "the device is down"),
                ("output_key", "2002", "none"),
                ("ttl", "64", "9"),
                ("routes[0]", "10.1.0.0/24 via 10.0.0.2", "absent"),
                ("neighbours", "absent", "10.0.0.9 lladdr 203.0.113.9"),
            ]
        );
    }

    #[test]
    fn a_configured_mtu_metric_or_table_is_compared_an_open_one_is_not() {
        let mut t = tunnel();
        t.mtu = Some(1400);
        t.routes[0].metric = Some(10);
        let got = compare(&t, &device());
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!((got[0].field.as_str(), got[0].running.as_str()), ("mtu", "1468"));
        assert_eq!(got[1].field, "routes[0]");
        assert_eq!(got[2].field, "routes");
    }
}
