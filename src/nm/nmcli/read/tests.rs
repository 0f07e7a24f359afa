//! Unit tests of the nmcli command reader.

use super::*;

fn words(s: &str) -> Vec<Word> {
    let mut off = 0;
    s.split(' ')
        .map(|w| {
            let x = Word {
                text: w.to_string(),
                offset: off,
                len: w.len(),
            };
            off += w.len() + 1;
            x
        })
        .collect()
}

fn run(cmds: &[&str]) -> (Nmcli, Vec<Message>) {
    let mut n = Nmcli::default();
    let mut msgs = Vec::new();
    for c in cmds {
        let w = words(c);
        n.command(&w, (0, c.len()), &mut msgs);
    }
    (n, msgs)
}

#[test]
fn add_modify_and_lists() {
    let (n, msgs) = run(&[
        "nmcli c a type ip-tunnel ifname t0 mode gre remote 192.0.2.2 ip4 10.0.0.1/30",
        "nmcli con mod ip-tunnel-t0 +ipv4.routes 10.9.0.0/16 +ipv4.addresses 10.0.1.1 -ipv4.addresses 10.0.0.1/30",
    ]);
    assert!(msgs.is_empty(), "{msgs:?}");
    let p = &n.profiles[0];
    assert_eq!(p.id(), Some("ip-tunnel-t0"));
    assert_eq!(
        p.settings.get("ipv4", "method"),
        Some(&Value::Str("manual".into()))
    );
    assert_eq!(
        p.settings.get("ipv4", "addresses"),
        Some(&Value::Addresses(vec!["10.0.1.1/32".parse().unwrap()]))
    );
    assert!(matches!(p.settings.get("ipv4", "routes"), Some(Value::Routes(r)) if r.len() == 1));
}

#[test]
fn type_specific_names_before_type_are_read_with_a_warning() {
    let (n, msgs) = run(&["nmcli c a con-name x mode gre type ip-tunnel ifname t0 remote 192.0.2.2"]);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert_eq!(msgs[0].severity, Severity::Warning);
    assert_eq!(msgs[0].offset, "nmcli c a con-name x ".len());
    assert_eq!(
        n.profiles[0].settings.get("ip-tunnel", "mode"),
        Some(&Value::U32(2))
    );
}

#[test]
fn minus_resets_single_values_only_when_empty() {
    let (n, msgs) = run(&[
        "nmcli c a type ip-tunnel ifname t0 mode gre remote 192.0.2.2 ip-tunnel.ttl 64 ip-tunnel.tos 4",
        "nmcli c m ip-tunnel-t0 -ip-tunnel.ttl 3",
    ]);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert_eq!(
        n.profiles[0].settings.get("ip-tunnel", "ttl"),
        Some(&Value::U32(64))
    );
    let mut n = n;
    let mut msgs = Vec::new();
    let w = vec![
        Word {
            text: "nmcli".into(),
            offset: 0,
            len: 5,
        },
        Word {
            text: "c".into(),
            offset: 6,
            len: 1,
        },
        Word {
            text: "m".into(),
            offset: 8,
            len: 1,
        },
        Word {
            text: "ip-tunnel-t0".into(),
            offset: 10,
            len: 12,
        },
        Word {
            text: "-ip-tunnel.tos".into(),
            offset: 23,
            len: 14,
        },
        Word {
            text: String::new(),
            offset: 38,
            len: 2,
        },
    ];
    assert_eq!(n.command(&w, (0, 40), &mut msgs), Outcome::Modified(0));
    assert!(msgs.is_empty(), "{msgs:?}");
    assert_eq!(n.profiles[0].settings.get("ip-tunnel", "tos"), None);
}

#[test]
fn bad_values_are_errors_at_the_value() {
    let (_, msgs) = run(&["nmcli connection add type ip-tunnel ifname t0 mode GRE remote 192.0.2.2"]);
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].severity, Severity::Error);
    assert_eq!(
        msgs[0].offset,
        "nmcli connection add type ip-tunnel ifname t0 mode ".len()
    );
}
#[test]
fn values_are_checked_as_nmcli_checks_them() {
    let head = "nmcli connection add type ip-tunnel ifname t0 mode gre remote 192.0.2.2 ";
    for (arg, why) in [
        (
            "ipv4.method sideways",
            "'sideways' not among [auto, link-local, manual, shared, disabled]",
        ),
        ("ipv6.method d", "'d' is ambiguous: dhcp, disabled"),
        ("ip-tunnel.ttl 256", "'256' is out of range [0, 255]"),
        ("connection.autoconnect maybe", "'maybe' is not valid"),
        ("ipv4.route-metric -2", "'-2' is out of range [-1, 4294967295]"),
        ("connection.mdns often", "invalid option 'often'"),
    ] {
        let (_, msgs) = run(&[&format!("{head}{arg}")]);
        let errors: Vec<_> = msgs.iter().filter(|m| m.severity == Severity::Error).collect();
        assert_eq!(errors.len(), 1, "{arg}: {msgs:?}");
        let value = arg.split_once(' ').unwrap().1;
        assert_eq!(errors[0].offset, head.len() + arg.len() - value.len(), "{arg}");
        assert_eq!(errors[0].len, value.len(), "{arg}");
        assert!(errors[0].message.contains(why), "{arg}: {}", errors[0].message);
        assert!(
            errors[0]
                .hint
                .as_deref()
                .is_some_and(|h| h.starts_with("nmcli accepts")),
            "{arg}"
        );
    }
    // What nmcli reads is kept in its full spelling.
    let (n, msgs) = run(&[&format!(
        "{head}ipv4.method st ipv4.addresses 10.0.0.1/30 ipv6.method dis connection.metered 0 ip-tunnel.ttl +64"
    )]);
    assert!(msgs.is_empty(), "{msgs:?}");
    let s = &n.profiles[0].settings;
    assert_eq!(s.get("ipv4", "method"), Some(&Value::Str("manual".into())));
    assert_eq!(s.get("ipv6", "method"), Some(&Value::Str("disabled".into())));
    assert_eq!(s.get("connection", "metered"), Some(&Value::Opaque("2".into())));
    assert_eq!(s.get("ip-tunnel", "ttl"), Some(&Value::U32(64)));
}

#[test]
fn a_nul_in_an_argument_is_an_error_at_it() {
    use crate::format::{self, Format, ReadContext};
    let text = "nmcli c a type ip-tunnel ifname t0 mode gre remote 192.0.2.2 con-name '3\0 0'\n";
    let src = crate::diag::Source::new("t.nmcli", None, text);
    let err = format::read(Format::Nmcli, &src, &ReadContext::alone()).expect_err("a NUL");
    let d = &err.diagnostics[0];
    assert_eq!(d.severity, Severity::Error, "{d}");
    assert!(d.message.contains("3\\x00 0"), "{d}");
    let at = d.location.as_ref().unwrap();
    assert_eq!((at.line, at.column), (1, text.find('\0').unwrap() + 1), "{d}");
}
