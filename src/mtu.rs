//! Tunnel overhead arithmetic: what each encapsulation adds to a packet,
//! the MTU a tunnel device gets over an underlay, and the TCP MSS through
//! it.
//!
//! The header sizes are the kernel's: `gre_calc_hlen()` (a 4-byte GRE
//! header, plus 4 each for the checksum, key and sequence number options),
//! an IPv4 header of 20 bytes and an IPv6 header of 40; IPv6 tunnels
//! (`ip6gre`, `ip6tnl`) add the 8-byte encapsulation-limit destination
//! option unless the `ignore encapsulation limit` flag is set; gretap and
//! ip6gretap carry a 14-byte Ethernet header inside. The kernel sets a new
//! tunnel's MTU to the underlay device's MTU minus this overhead
//! (`ip_tunnel_bind_dev()`, `ip6gre_tnl_link_config_route()`).

use std::fmt::Write as _;

use serde::Serialize;

use crate::diag::{Code, Problem};
use crate::model::{flags, Family, Mode, Tunnel};

pub(crate) const IPV4_HEADER: u32 = 20;
pub(crate) const IPV6_HEADER: u32 = 40;
pub(crate) const GRE_BASE: u32 = 4;
pub(crate) const GRE_OPTION: u32 = 4;
pub(crate) const ENCAP_LIMIT_OPTION: u32 = 8;
pub(crate) const ETHERNET_HEADER: u32 = 14;
pub(crate) const TCP_HEADER: u32 = 20;
/// What `convert` and `check` assume when no underlay MTU is given: Ethernet.
pub(crate) const DEFAULT_UNDERLAY_MTU: u32 = 1500;

/// What decides a tunnel's overhead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Encap {
    pub mode: Mode,
    pub key: bool,
    pub csum: bool,
    pub seq: bool,
    /// IPv6 tunnels without the encapsulation-limit option.
    pub ignore_encap_limit: bool,
}

impl Encap {
    pub fn new(mode: Mode) -> Encap {
        Encap {
            mode,
            key: false,
            csum: false,
            seq: false,
            ignore_encap_limit: false,
        }
    }

    /// The encapsulation of a tunnel of the model. The model has no GRE
    /// checksum or sequence flags, so neither is counted.
    pub(crate) fn of(t: &Tunnel) -> Encap {
        Encap {
            mode: t.mode,
            key: t.mode.is_gre() && (t.input_key.is_some() || t.output_key.is_some()),
            csum: false,
            seq: false,
            ignore_encap_limit: t.flags & flags::IGN_ENCAP_LIMIT != 0,
        }
    }

    /// The headers one packet gets, outermost first, with their sizes.
    pub(crate) fn headers(&self) -> Vec<(&'static str, u32)> {
        let mut h = Vec::new();
        match self.mode.outer_family() {
            Family::V4 => h.push(("outer IPv4 header", IPV4_HEADER)),
            Family::V6 => {
                h.push(("outer IPv6 header", IPV6_HEADER));
                // vti6 is IPsec: no ip6tnl destination option.
                if self.mode != Mode::Vti6 && !self.ignore_encap_limit {
                    h.push(("IPv6 encapsulation limit option", ENCAP_LIMIT_OPTION));
                }
            }
        }
        if self.mode.is_gre() {
            h.push(("GRE header", GRE_BASE));
            if self.csum {
                h.push(("GRE checksum", GRE_OPTION));
            }
            if self.key {
                h.push(("GRE key", GRE_OPTION));
            }
            if self.seq {
                h.push(("GRE sequence number", GRE_OPTION));
            }
        }
        if self.mode.is_layer2() {
            h.push(("inner Ethernet header", ETHERNET_HEADER));
        }
        h
    }

    pub(crate) fn overhead(&self) -> u32 {
        self.headers().iter().map(|(_, n)| n).sum()
    }

    /// The MTU the kernel gives the tunnel over an underlay of `underlay`
    /// bytes (never below the IPv6 minimum for IPv6 tunnels, as the kernel
    /// clamps it).
    pub(crate) fn tunnel_mtu(&self, underlay: u32) -> u32 {
        let mtu = underlay.saturating_sub(self.overhead());
        if self.mode.outer_family() == Family::V6 {
            mtu.max(1280)
        } else {
            mtu.max(68)
        }
    }
}

impl Mode {
    /// Whether the mode encapsulates in GRE (and so takes GRE options).
    pub fn is_gre(self) -> bool {
        matches!(self, Mode::Gre | Mode::Gretap | Mode::Ip6gre | Mode::Ip6gretap)
    }
}

/// The TCP MSS through a link of `mtu` bytes for inner packets of `inner`.
pub(crate) fn tcp_mss(mtu: u32, inner: Family) -> u32 {
    let ip = match inner {
        Family::V4 => IPV4_HEADER,
        Family::V6 => IPV6_HEADER,
    };
    mtu.saturating_sub(ip + TCP_HEADER)
}

/// How many full-size TCP segments carry `bytes` of payload at `mss`.
pub(crate) fn packets(bytes: u64, mss: u32) -> u64 {
    if mss == 0 {
        return 0;
    }
    bytes.div_ceil(u64::from(mss))
}

/// The whole computation, as `grecfg mtu` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub mode: Mode,
    pub underlay_mtu: u32,
    pub headers: Vec<Header>,
    pub overhead: u32,
    pub tunnel_mtu: u32,
    pub inner_family: &'static str,
    pub tcp_mss: u32,
    /// The MSS over the underlay without the tunnel.
    pub underlay_tcp_mss: u32,
    pub payload_bytes: u64,
    pub packets_without_tunnel: u64,
    pub packets_through_tunnel: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Header {
    pub name: &'static str,
    pub bytes: u32,
}

impl Report {
    pub fn new(encap: &Encap, underlay_mtu: u32, inner: Family, payload_bytes: u64) -> Report {
        let tunnel_mtu = encap.tunnel_mtu(underlay_mtu);
        let tcp = tcp_mss(tunnel_mtu, inner);
        let plain = tcp_mss(underlay_mtu, inner);
        Report {
            mode: encap.mode,
            underlay_mtu,
            headers: encap
                .headers()
                .into_iter()
                .map(|(name, bytes)| Header { name, bytes })
                .collect(),
            overhead: encap.overhead(),
            tunnel_mtu,
            inner_family: inner.name(),
            tcp_mss: tcp,
            underlay_tcp_mss: plain,
            payload_bytes,
            packets_without_tunnel: packets(payload_bytes, plain),
            packets_through_tunnel: packets(payload_bytes, tcp),
        }
    }

    /// The table `grecfg mtu` prints.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let row = |s: &mut String, name: &str, n: String| {
            let _ = writeln!(s, "{name:<40}{n:>6}");
        };
        let _ = writeln!(s, "mode {}", self.mode);
        row(&mut s, "underlay MTU", self.underlay_mtu.to_string());
        for h in &self.headers {
            row(&mut s, &format!("  - {}", h.name), h.bytes.to_string());
        }
        row(&mut s, "  = overhead", self.overhead.to_string());
        row(&mut s, "tunnel MTU", self.tunnel_mtu.to_string());
        let ip = if self.inner_family == "IPv6" {
            IPV6_HEADER
        } else {
            IPV4_HEADER
        };
        row(
            &mut s,
            &format!("  - inner {} header", self.inner_family),
            ip.to_string(),
        );
        row(&mut s, "  - TCP header", TCP_HEADER.to_string());
        row(&mut s, "TCP MSS through the tunnel", self.tcp_mss.to_string());
        row(
            &mut s,
            "TCP MSS without the tunnel",
            self.underlay_tcp_mss.to_string(),
        );
        let _ = writeln!(
            s,
            "{} bytes of TCP payload: {} packets without the tunnel (MSS {}), {} through it (MSS {})",
            self.payload_bytes,
            self.packets_without_tunnel,
            self.underlay_tcp_mss,
            self.packets_through_tunnel,
            self.tcp_mss
        );
        s
    }
}

/// A tunnel MTU above what the underlay carries unfragmented, with the
/// value to use instead. The problem names the `mtu` field.
pub(crate) fn check(t: &Tunnel, underlay_mtu: u32) -> Option<Problem> {
    let mtu = t.mtu?;
    let encap = Encap::of(t);
    let fits = encap.tunnel_mtu(underlay_mtu);
    (mtu > fits).then(|| {
        Problem::new(
            "mtu",
            format!(
                "mtu {mtu} is more than {} over a {underlay_mtu}-byte underlay carries unfragmented ({underlay_mtu} - {} bytes of headers = {fits})",
                t.mode,
                encap.overhead()
            ),
        )
        .hint(format!(
            "set the MTU to {fits} (TCP MSS {}); for another underlay MTU see `grecfg mtu --underlay-mtu N`",
            tcp_mss(fits, Family::V4)
        ))
        .code(Code::MtuOverUnderlay)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mtu(mode: Mode, underlay: u32) -> u32 {
        Encap::new(mode).tunnel_mtu(underlay)
    }

    #[test]
    fn gre_over_ethernet_is_1476_with_mss_1436() {
        // Seed article: 20 (new IP) + 4 (GRE) + 20 (IP) + 20 (TCP) + 1436 = 1500.
        assert_eq!(mtu(Mode::Gre, 1500), 1476);
        assert_eq!(tcp_mss(1476, Family::V4), 1436);
        assert_eq!(tcp_mss(1500, Family::V4), 1460);
    }

    #[test]
    fn the_seeds_packet_counts() {
        // 150000 / 1460 = 102.7 -> 103; 150000 / 1436 = 104.5 -> 105.
        assert_eq!(packets(150_000, 1460), 103);
        assert_eq!(packets(150_000, 1436), 105);
        let r = Report::new(&Encap::new(Mode::Gre), 1500, Family::V4, 150_000);
        assert_eq!((r.packets_without_tunnel, r.packets_through_tunnel), (103, 105));
        assert_eq!(packets(2920, 1460), 2);
        assert_eq!(packets(0, 1460), 0);
    }

    #[test]
    fn gre_options_add_four_bytes_each() {
        let mut e = Encap::new(Mode::Gre);
        e.key = true;
        assert_eq!(e.tunnel_mtu(1500), 1472);
        e.csum = true;
        e.seq = true;
        // 20 + 4 + 4 + 4 + 4 = 36
        assert_eq!(e.overhead(), 36);
        assert_eq!(e.tunnel_mtu(1500), 1464);
    }

    #[test]
    fn other_modes_by_hand() {
        assert_eq!(mtu(Mode::Ipip, 1500), 1480);
        assert_eq!(mtu(Mode::Sit, 1500), 1480);
        // 20 + 4 + 14
        assert_eq!(mtu(Mode::Gretap, 1500), 1462);
        // 40 + 8 + 4
        assert_eq!(mtu(Mode::Ip6gre, 1500), 1448);
        // 40 + 8 + 4 + 14
        assert_eq!(mtu(Mode::Ip6gretap, 1500), 1434);
        // 40 + 8
        assert_eq!(mtu(Mode::Ip6ip6, 1500), 1452);
        assert_eq!(mtu(Mode::Ipip6, 1500), 1452);
        let mut e = Encap::new(Mode::Ip6gre);
        e.ignore_encap_limit = true;
        assert_eq!(e.tunnel_mtu(1500), 1456);
        // Jumbo underlay.
        assert_eq!(mtu(Mode::Gre, 9000), 8976);
        // The kernel never goes below the IPv6 minimum on an IPv6 underlay.
        assert_eq!(mtu(Mode::Ip6gre, 1300), 1280);
        assert_eq!(tcp_mss(1448, Family::V6), 1388);
    }

    #[test]
    fn keys_of_the_model_count() {
        let mut t = Tunnel::new("gre1", Mode::Gre);
        t.input_key = Some(1);
        assert_eq!(Encap::of(&t).tunnel_mtu(1500), 1472);
        t.mtu = Some(1476);
        let p = check(&t, 1500).expect("1476 is too much with a key");
        assert_eq!(p.field.as_deref(), Some("mtu"));
        assert!(p.hint.unwrap().contains("1472"), "proposes 1472");
        t.mtu = Some(1472);
        assert!(check(&t, 1500).is_none());
        t.mtu = None;
        assert!(check(&t, 1500).is_none());
    }
}
