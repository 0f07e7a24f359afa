use super::*;
use crate::diag::Source;
use crate::format::NoCompanions;
use serde_json::{json, Value};

fn base() -> Value {
    json!({
        "name": "gre1",
        "mode": "gre",
        "local": "192.0.2.1",
        "remote": "198.51.100.1",
        "addresses": [{"address": "203.0.113.1/30"}]
    })
}

fn with(patch: Value) -> Value {
    let mut v = base();
    for (k, x) in patch.as_object().unwrap() {
        if x.is_null() {
            v.as_object_mut().unwrap().remove(k);
        } else {
            v[k] = x.clone();
        }
    }
    v
}

fn input(name: &str, format: Format, text: &str) -> Input {
    Input {
        source: Source::new(name, None, text),
        format,
        companions: Box::new(NoCompanions),
    }
}

fn model(v: &Value) -> Input {
    input("t.json", Format::Model, &serde_json::to_string_pretty(v).unwrap())
}

fn ids(a: &Value, b: Option<&Value>, opts: &CheckOptions) -> Vec<String> {
    let a = [model(a)];
    let b = b.map(|b| [model(b)]);
    check(&a, b.as_ref().map(|b| b.as_slice()), opts)
        .iter()
        .map(|f| f.id.to_string())
        .collect()
}

fn one(v: Value) -> Vec<String> {
    ids(&v, None, &CheckOptions::default())
}

/// Side B of `base()`, mirrored correctly.
fn other() -> Value {
    json!({
        "name": "gre1",
        "mode": "gre",
        "local": "198.51.100.1",
        "remote": "192.0.2.1",
        "addresses": [{"address": "203.0.113.2/30"}]
    })
}

fn two(a: Value, b: Value) -> Vec<String> {
    ids(&a, Some(&b), &CheckOptions::default())
}

#[test]
fn a_good_pair_is_clean() {
    assert_eq!(one(base()), Vec::<&str>::new());
    assert_eq!(two(base(), other()), Vec::<&str>::new());
}

#[test]
fn gre000_refused_input_is_a_finding_at_its_line() {
    let bad = "DEVICE=tun0\nTYPE=GRE\nPEER_OUTER_IPADDR=198.51.100.1\nKEY=lichenhao\n";
    let f = check(
        &[input("ifcfg-tun0", Format::Ifcfg, bad)],
        None,
        &CheckOptions::default(),
    );
    assert_eq!(
        f.iter().map(|f| f.id.to_string()).collect::<Vec<_>>(),
        vec!["GRE000"]
    );
    let l = f[0].diagnostic.location.as_ref().unwrap();
    assert_eq!((l.line, l.column), (4, 5));
    let good = bad.replace("lichenhao", "1234");
    assert!(check(
        &[input("ifcfg-tun0", Format::Ifcfg, &good)],
        None,
        &CheckOptions::default()
    )
    .is_empty());
}

#[test]
fn gre001_gre002_names() {
    assert_eq!(one(with(json!({"name": "a-very-long-name0"}))), vec!["GRE001"]);
    assert_eq!(one(with(json!({"name": "gre0"}))), vec!["GRE002"]);
    assert_eq!(one(with(json!({"name": "gre9"}))), Vec::<&str>::new());
}

#[test]
fn gre003_keys_on_modes_without_keys() {
    assert_eq!(one(with(json!({"mode": "ipip", "input_key": 1}))), vec!["GRE003"]);
    assert_eq!(
        one(with(json!({"mode": "gre", "input_key": 1}))),
        Vec::<&str>::new()
    );
}

#[test]
fn gre004_ttl_without_pmtudisc() {
    let bad = with(json!({"ttl": 64, "path_mtu_discovery": false}));
    assert_eq!(one(bad), vec!["GRE004"]);
    assert_eq!(
        one(with(json!({"path_mtu_discovery": false}))),
        Vec::<&str>::new()
    );
}

#[test]
fn gre005_address_families() {
    assert_eq!(one(with(json!({"remote": "2001:db8::1"}))), vec!["GRE005"]);
    // An inner address of a family the mode does not carry is accepted
    // by the kernel and NetworkManager: a warning of its own.
    assert_eq!(
        one(with(
            json!({"mode": "ipip", "addresses": [{"address": "2001:db8::1/64"}]})
        )),
        vec!["GRE015"]
    );
    assert_eq!(
        one(with(
            json!({"mode": "ip6gre", "local": "2001:db8::1", "remote": "2001:db8:1::1"})
        )),
        Vec::<&str>::new()
    );
}

#[test]
fn gre006_multipoint_without_neighbours() {
    assert_eq!(one(with(json!({"remote": null}))), vec!["GRE006"]);
    let hub = with(json!({
        "remote": null,
        "neighbours": [{"inner": "203.0.113.2", "outer": "198.51.100.2"}]
    }));
    assert_eq!(one(hub), Vec::<&str>::new());
}

#[test]
fn gre007_inner_peer_is_the_outer_remote() {
    let bad = with(json!({"addresses": [{"address": "203.0.113.1/32", "peer": "198.51.100.1/32"}]}));
    assert_eq!(one(bad), vec!["GRE007"]);
    let good = with(json!({"addresses": [{"address": "203.0.113.1/32", "peer": "203.0.113.2/32"}]}));
    assert_eq!(one(good), Vec::<&str>::new());
}

#[test]
fn gre008_inner_subnet_holds_the_remote() {
    let bad = with(json!({"addresses": [{"address": "198.51.100.7/24"}]}));
    assert_eq!(one(bad), vec!["GRE008"]);
    let bad = with(json!({"addresses": [{"address": "198.51.100.7/32", "peer": "198.51.100.8/24"}]}));
    assert_eq!(one(bad), vec!["GRE008"]);
    assert_eq!(
        one(with(json!({"addresses": [{"address": "198.51.101.7/24"}]}))),
        Vec::<&str>::new()
    );
}

#[test]
fn gre009_route_covers_the_remote() {
    let bad = with(json!({"routes": [{"destination": "0.0.0.0/0"}]}));
    assert_eq!(one(bad), vec!["GRE009"]);
    assert_eq!(
        one(with(json!({"routes": [{"destination": "10.0.0.0/8"}]}))),
        Vec::<&str>::new()
    );
}

#[test]
fn gre010_mtu_above_the_underlay_with_the_proposed_value() {
    let f = check(
        &[model(&with(json!({"mtu": 1500})))],
        None,
        &CheckOptions::default(),
    );
    assert_eq!(
        f.iter().map(|f| f.id.to_string()).collect::<Vec<_>>(),
        vec!["GRE010"]
    );
    assert!(f[0].diagnostic.hint.as_deref().unwrap().contains("1476"));
    assert_eq!(one(with(json!({"mtu": 1476}))), Vec::<&str>::new());
    let jumbo = CheckOptions {
        underlay_mtu: 9000,
        ..Default::default()
    };
    assert_eq!(ids(&with(json!({"mtu": 1500})), None, &jumbo), Vec::<&str>::new());
}

#[test]
fn gre011_private_local_public_remote() {
    assert_eq!(one(with(json!({"local": "10.0.0.5"}))), vec!["GRE011"]);
    assert_eq!(
        one(with(json!({"local": "10.0.0.5", "remote": "10.0.1.5"}))),
        Vec::<&str>::new()
    );
}

#[test]
fn gre012_other_model_rules() {
    let bad = with(json!({"routes": [{"destination": "10.0.0.5/24"}]}));
    assert_eq!(one(bad), vec!["GRE012"]);
}

#[test]
fn gre013_what_the_target_cannot_hold() {
    let nm = CheckOptions {
        target: Some(Format::Keyfile),
        ..Default::default()
    };
    let p2p = with(json!({"addresses": [{"address": "203.0.113.1/32", "peer": "203.0.113.2/32"}]}));
    assert_eq!(ids(&p2p, None, &nm), vec!["GRE013"]);
    assert_eq!(ids(&base(), None, &nm), Vec::<&str>::new());
}

#[test]
fn gre014_reader_warnings() {
    let typo = "ip tunnel add gre1 mode gre remote 198.51.100.1 local 192.0.2.1\nIp link set gre1 up\n";
    let f = check(
        &[input("rc.local", Format::RcLocal, typo)],
        None,
        &CheckOptions::default(),
    );
    assert_eq!(
        f.iter().map(|f| f.id.to_string()).collect::<Vec<_>>(),
        vec!["GRE014"]
    );
    let ok = typo.replace("Ip link", "ip link");
    assert!(check(
        &[input("rc.local", Format::RcLocal, &ok)],
        None,
        &CheckOptions::default()
    )
    .is_empty());
}

#[test]
fn gre100_unpaired_tunnels() {
    let a = [model(&json!([
        base(),
        with(json!({"name": "gre2", "remote": "198.51.100.9"}))
    ]))];
    let b = [model(&other())];
    let f = check(&a, Some(&b), &CheckOptions::default());
    assert_eq!(
        f.iter().map(|f| f.id.to_string()).collect::<Vec<_>>(),
        vec!["GRE100"]
    );
    assert_eq!(f[0].tunnel.as_deref(), Some("gre2"));
}

#[test]
fn gre101_ends_that_do_not_point_at_each_other() {
    // The seed article's second machine: the first machine's commands copied.
    assert_eq!(
        two(
            base(),
            with(json!({"addresses": [{"address": "203.0.113.2/30"}]}))
        ),
        vec!["GRE101"]
    );
    let wrong_remote = {
        let mut b = other();
        b["remote"] = json!("192.0.2.99");
        b
    };
    assert_eq!(two(base(), wrong_remote), vec!["GRE101"]);
    // Behind NAT the other end's local is private: not a mismatch.
    let mut natted = other();
    natted["local"] = json!("10.0.0.5");
    assert_eq!(two(base(), natted), vec!["GRE011"]);
}

#[test]
fn gre102_keys_must_cross() {
    let a = with(json!({"input_key": 1, "output_key": 2}));
    let mut b = other();
    b["input_key"] = json!(1);
    b["output_key"] = json!(2);
    assert_eq!(two(a.clone(), b.clone()), vec!["GRE102", "GRE102"]);
    b["input_key"] = json!(2);
    b["output_key"] = json!(1);
    assert_eq!(two(a, b), Vec::<&str>::new());
    let mut b = other();
    b["input_key"] = json!(5);
    b["output_key"] = json!(5);
    assert_eq!(two(base(), b), vec!["GRE102", "GRE102"]);
}

#[test]
fn gre103_modes_differ() {
    let mut b = other();
    b["mode"] = json!("ipip");
    assert_eq!(two(base(), b), vec!["GRE103"]);
}

#[test]
fn gre104_mtus_differ() {
    let mut b = other();
    b["mtu"] = json!(1400);
    assert_eq!(two(base(), b.clone()), vec!["GRE104"]);
    assert_eq!(two(with(json!({"mtu": 1400})), b), Vec::<&str>::new());
}

#[test]
fn gre105_inner_addresses_in_one_subnet() {
    let mut b = other();
    b["addresses"] = json!([{"address": "203.0.113.6/30"}]);
    assert_eq!(two(base(), b), vec!["GRE105", "GRE105"]);
}

#[test]
fn gre105_a_device_route_to_the_other_end_is_on_link() {
    // What NetworkManager holds for `ip addr add A peer B`.
    let mut a = with(json!({"addresses": [{"address": "203.0.113.1/32"}]}));
    let mut b = other();
    b["addresses"] = json!([{"address": "203.0.113.2/32"}]);
    assert_eq!(two(a.clone(), b.clone()), vec!["GRE105", "GRE105"]);
    a["routes"] = json!([{"destination": "203.0.113.2/32"}]);
    b["routes"] = json!([{"destination": "203.0.113.1/32"}]);
    assert_eq!(two(a.clone(), b.clone()), Vec::<&str>::new());
    // A route via a gateway does not make the gateway on-link.
    a["routes"] = json!([{"destination": "203.0.113.2/32", "gateway": "203.0.113.2"}]);
    assert_eq!(two(a, b), vec!["GRE105"]);
}

#[test]
fn gre106_same_inner_address() {
    let mut b = other();
    b["addresses"] = json!([{"address": "203.0.113.1/30"}]);
    assert_eq!(two(base(), b), vec!["GRE106"]);
}

#[test]
fn gre107_peer_is_not_the_other_address() {
    let a = with(json!({"addresses": [{"address": "203.0.113.1/32", "peer": "203.0.113.9/32"}]}));
    let mut b = other();
    b["addresses"] = json!([{"address": "203.0.113.2/32", "peer": "203.0.113.1/32"}]);
    assert_eq!(two(a, b.clone()), vec!["GRE107"]);
    let a = with(json!({"addresses": [{"address": "203.0.113.1/32", "peer": "203.0.113.2/32"}]}));
    assert_eq!(two(a, b), Vec::<&str>::new());
}

#[test]
fn text_tags_the_severity_with_the_id_and_json_has_the_schema() {
    let ifcfg = "TYPE=GRE\nDEVICE=gre0\nPEER_OUTER_IPADDR=198.51.100.1\n";
    let f = check(
        &[input("ifcfg-gre0", Format::Ifcfg, ifcfg)],
        None,
        &CheckOptions::default(),
    );
    let text = f[0].text();
    assert!(text.starts_with("ifcfg-gre0:2:8: error[GRE002]: "), "{text}");
    assert!(text.contains(": error[GRE002]: interface name"), "{text}");
    let v: Value = serde_json::from_str(&json(&f)).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["findings"][0]["id"], "GRE002");
    assert_eq!(v["findings"][0]["severity"], "error");
    assert_eq!(v["findings"][0]["line"], 2);
    assert_eq!(v["findings"][0]["column"], 8);
    assert_eq!(v["findings"][0]["file"], "ifcfg-gre0");
    assert_eq!(v["summary"]["errors"], 1);
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&v), ["findings", "summary", "version"]);
    assert_eq!(
        keys(&v["findings"][0]),
        ["column", "file", "hint", "id", "line", "message", "related", "severity", "tunnel"]
    );
    assert_eq!(keys(&v["summary"]), ["errors", "notes", "warnings"]);
    assert_eq!(exit_code(&f), Exit::Found);
    assert_eq!(exit_code(&[]), Exit::Ok);
}

#[test]
fn a_finding_id_comes_from_the_problem_code_not_its_wording() {
    let reworded = Problem::new("name", "reserved words aside, this name is bad").code(Code::InvalidName);
    assert_eq!(classify(&reworded), FindingId::InvalidName);
    let reworded = Problem::new("addresses[0]", "wrong kind of address").code(Code::AddressFamily);
    assert_eq!(classify(&reworded), FindingId::AddressFamily);
    let uncoded = Problem::new("addresses[0]", "an IPv6 address of another family");
    assert_eq!(classify(&uncoded), FindingId::OtherRule);
    let mtu = Problem::new("mtu", "too big").code(Code::MtuOverUnderlay);
    assert_eq!(classify(&mtu), FindingId::MtuOverUnderlay);
    assert_eq!(classify(&mtu).severity(), Severity::Warning);
}

#[test]
fn ids_show_as_gre_and_three_digits() {
    assert_eq!(FindingId::Refused.to_string(), "GRE000");
    assert_eq!(FindingId::OtherRule.to_string(), "GRE012");
    assert_eq!(FindingId::PeerNotOtherAddress.to_string(), "GRE107");
    for id in FindingId::ALL {
        assert_eq!(id.is_pair(), id.number() >= 100, "{id}");
    }
}

/// The `| GREnnn | severity | summary |` rows of a Markdown table.
fn table_rows(text: &str, prefix: &str) -> Vec<(String, String, String)> {
    text.lines()
        .filter_map(|l| l.strip_prefix(prefix))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim().trim_matches('|').split(" | ").map(str::trim).collect();
            match cells.as_slice() {
                [id, sev, summary] if id.starts_with("GRE") => {
                    Some((id.to_string(), sev.to_string(), summary.to_string()))
                }
                _ => None,
            }
        })
        .collect()
}

fn enum_rows() -> Vec<(String, String, String)> {
    FindingId::ALL
        .iter()
        .map(|id| {
            (
                id.to_string(),
                id.severity().word().to_string(),
                id.summary().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_readme_table_lists_every_finding_id() {
    let readme = include_str!("../../README.md");
    assert_eq!(table_rows(readme, ""), enum_rows());
}

#[test]
fn the_module_doc_table_lists_every_finding_id() {
    let source = include_str!("../check.rs");
    assert_eq!(table_rows(source, "//!"), enum_rows());
}
