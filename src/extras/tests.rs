use super::*;
use crate::model::InnerAddress;

#[test]
fn protocols_per_mode() {
    assert_eq!(outer_protocol(Mode::Gre).0, 47);
    assert_eq!(outer_protocol(Mode::Ip6gretap).0, 47);
    assert_eq!(outer_protocol(Mode::Ipip).0, 4);
    assert_eq!(outer_protocol(Mode::Ipip6).0, 4);
    assert_eq!(outer_protocol(Mode::Sit).0, 41);
    assert_eq!(outer_protocol(Mode::Ip6ip6).0, 41);
    assert_eq!(outer_protocol(Mode::Vti6).0, 50);
}

#[test]
fn mss_of_gre_over_1500_is_1436() {
    assert_eq!(tcp_mss(1476, Family::V4), 1436);
    assert_eq!(tcp_mss(1476, Family::V6), 1416);
    assert_eq!(tcp_mss(10, Family::V4), 0);
}

#[test]
fn nft_tables_never_collide() {
    assert_eq!(nft_table("gre1"), "grecfg_gre1");
    assert_eq!(nft_table("br-tun.1"), "grecfg_br-tun.1");
    assert_eq!(nft_table("a_b"), "grecfg_a_5fb");
    assert_eq!(nft_table("a b"), "grecfg_a_20b");
    assert_ne!(nft_table("a_20b"), nft_table("a b"));
}

#[test]
fn keepalive_peer_from_peer_or_prefix() {
    let mut t = Tunnel::new("gre1", Mode::Gre);
    let opts = ExtrasOptions::default();
    t.addresses.push(InnerAddress {
        address: "10.0.0.1/30".parse().unwrap(),
        peer: None,
    });
    assert_eq!(keepalive_peer(&t, &opts).unwrap().to_string(), "10.0.0.2");
    t.addresses[0].address = "10.0.0.2/30".parse().unwrap();
    assert_eq!(keepalive_peer(&t, &opts).unwrap().to_string(), "10.0.0.1");
    t.addresses[0].address = "10.0.0.3/30".parse().unwrap();
    assert!(keepalive_peer(&t, &opts).is_err());
    t.addresses[0].address = "10.0.0.4/31".parse().unwrap();
    assert_eq!(keepalive_peer(&t, &opts).unwrap().to_string(), "10.0.0.5");
    t.addresses[0].address = "2001:db8::1/127".parse().unwrap();
    assert_eq!(keepalive_peer(&t, &opts).unwrap().to_string(), "2001:db8::");
    t.addresses[0].address = "10.0.0.1/24".parse().unwrap();
    assert!(keepalive_peer(&t, &opts).is_err());
    t.addresses[0].peer = Some("10.9.9.9/32".parse().unwrap());
    assert_eq!(keepalive_peer(&t, &opts).unwrap().to_string(), "10.9.9.9");
    let opts = ExtrasOptions {
        keepalive_peer: Some("10.0.0.1".parse().unwrap()),
        ..ExtrasOptions::default()
    };
    assert!(keepalive_peer(&t, &opts).is_err(), "its own address");
    t.mode = Mode::Ipip;
    let opts = ExtrasOptions {
        keepalive_peer: Some("2001:db8::9".parse().unwrap()),
        ..ExtrasOptions::default()
    };
    assert!(keepalive_peer(&t, &opts).is_err(), "wrong family for ipip");
}

#[test]
fn interface_names_for_rules() {
    assert!(masquerade_name_problem("eth0").is_none());
    assert!(masquerade_name_problem("ppp+").is_some());
    assert!(masquerade_name_problem("a\"b").is_some());
    assert!(masquerade_name_problem("a*").is_some());
    assert!(masquerade_name_problem("a b").is_some());
}
