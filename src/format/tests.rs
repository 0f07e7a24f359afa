use super::*;
use crate::model::{InnerAddress, Mode, Route};

#[test]
fn detects_formats_by_name_then_content() {
    assert_eq!(Format::detect(Some("/x/ifcfg-gre1"), ""), Some(Format::Ifcfg));
    assert_eq!(Format::detect(Some("a.nmconnection"), ""), Some(Format::Keyfile));
    assert_eq!(
        Format::detect(None, "# c\n[connection]\nid=x\n"),
        Some(Format::Keyfile)
    );
    assert_eq!(Format::detect(None, "  {\"name\":\"x\"}"), Some(Format::Model));
    assert_eq!(
        Format::detect(None, "DEVICE=gre1\nTYPE=GRE\n"),
        Some(Format::Ifcfg)
    );
    assert_eq!(Format::detect(None, "hello\n"), None);
    assert_eq!(Format::detect(Some("t.nmcli"), ""), Some(Format::Nmcli));
    assert_eq!(
        Format::detect(
            None,
            "# c\n[root@a ~]# nmcli c a type ip-tunnel\nip route add 10.0.0.0/8 dev t\n"
        ),
        Some(Format::Nmcli)
    );
    assert_eq!(
        Format::detect(None, "ip link set x up\nnmcli c up x\n"),
        Some(Format::Iproute2)
    );
}

#[test]
fn whole_names_and_prefixes_win_over_suffixes() {
    assert_eq!(Format::from_path("rc.local-gre1.ip"), Some(Format::RcLocal));
    assert_eq!(Format::from_path("ifcfg-x.json"), Some(Format::Ifcfg));
    assert_eq!(Format::from_path("up.sh"), Some(Format::RcLocal));
    assert_eq!(Format::from_path("route-gre1"), None, "a companion is no input");
    // Written-only formats are never detected.
    assert_eq!(Format::from_path("grecfg-tunnel-gre1.service"), None);
}

#[test]
fn every_name_and_alias_names_its_format() {
    for &f in Format::ALL {
        assert_eq!(Format::from_name(f.name()), Some(f));
        for a in f.meta().aliases {
            assert_eq!(Format::from_name(a), Some(f));
        }
        let v = f.to_possible_value().expect("listed");
        assert!(v.matches(f.name(), false));
    }
    assert_eq!(Format::from_name("keyfile"), Some(Format::Keyfile));
    let names: std::collections::BTreeSet<_> = Format::ALL.iter().map(|f| f.name()).collect();
    assert_eq!(names.len(), Format::ALL.len(), "names are unique");
}

#[test]
fn initscripts_backups_are_not_inputs() {
    assert!(Format::Ifcfg.is_input_name("ifcfg-gre1"));
    for name in [
        "ifcfg-gre1.bak",
        "ifcfg-gre1~",
        "ifcfg-gre1.rpmsave",
        "ifcfg-gre1.rpmnew",
    ] {
        assert!(!Format::Ifcfg.is_input_name(name), "{name}");
    }
    assert!(!Format::Ifcfg.is_input_name("route-gre1"));
}

#[test]
fn render_targets_are_the_script_and_around_formats() {
    let rendered: Vec<Format> = Format::rendered_formats().collect();
    let by_role: Vec<Format> = Format::ALL
        .iter()
        .copied()
        .filter(|f| f.meta().role != Role::Tunnel)
        .collect();
    assert_eq!(rendered, by_role);
    let listed: Vec<Format> = Rendered::value_variants().iter().map(|r| r.0).collect();
    assert_eq!(listed, rendered);
}

/// A tunnel that every writer can write: both families inside, routes in
/// both families, so that every optional output is written.
fn everything() -> Tunnel {
    let mut t = Tunnel::new("gre7", Mode::Gre);
    t.local = Some("192.0.2.1".parse().unwrap());
    t.remote = Some("198.51.100.2".parse().unwrap());
    t.addresses.push(InnerAddress {
        address: "10.0.0.1/30".parse().unwrap(),
        peer: None,
    });
    t.addresses.push(InnerAddress {
        address: "2001:db8::1/64".parse().unwrap(),
        peer: None,
    });
    for dest in ["10.9.0.0/24", "2001:db8:9::/48"] {
        t.routes.push(Route {
            destination: dest.parse().unwrap(),
            gateway: None,
            metric: None,
            table: None,
        });
    }
    t
}

/// The metadata says what every writer writes: the same names, modes and
/// templates, so help texts, scanning and install paths cannot drift
/// from the writers.
#[test]
fn writers_write_what_the_metadata_says() {
    let t = everything();
    assert!(t.validate().is_empty(), "{:?}", t.validate());
    for &f in Format::ALL {
        let written = write(f, &t, &WriteContext::default())
            .unwrap_or_else(|e| panic!("{} cannot write the tunnel: {e:?}", f.name()));
        let expected: Vec<(String, u32)> = f
            .meta()
            .outputs
            .iter()
            .map(|o| ((o.name)(&written.tunnel), o.mode))
            .collect();
        let got: Vec<(String, u32)> = written.files.iter().map(|o| (o.name.clone(), o.mode)).collect();
        assert_eq!(got, expected, "{}", f.name());
        for o in f.meta().outputs {
            assert_eq!(
                o.template.is_some(),
                f.meta().role != Role::Tunnel,
                "{}: templates are what scripts and extras are rendered from",
                f.name()
            );
        }
    }
}

#[test]
fn readers_and_writers_agree_on_what_is_read() {
    for &f in Format::ALL {
        let src = Source::new("x", None, "");
        let refused = matches!(read(f, &src, &ReadContext::alone()),
            Err(e) if e.diagnostics.iter().any(|d| d.message.contains("does not read")));
        assert_eq!(refused, !f.readable(), "{}", f.name());
        assert_eq!(
            f.meta().names.is_empty(),
            !f.readable(),
            "{}: detected by name iff read",
            f.name()
        );
    }
}

#[test]
fn all_lists_every_format_once_in_declaration_order() {
    for (i, f) in Format::ALL.iter().enumerate() {
        assert_eq!(*f as usize, i, "{}", f.name());
    }
}

#[test]
fn sniffers_have_ranks_of_their_own_and_only_readers_sniff() {
    let mut ranks = std::collections::BTreeSet::new();
    for &f in Format::ALL {
        if let Some(s) = f.meta().sniff {
            assert!(f.readable(), "{} is written only but sniffs", f.name());
            assert!(ranks.insert(s.rank), "{}: rank {} taken", f.name(), s.rank);
        }
    }
    // Only comments: no format, unless a shebang says script.
    assert_eq!(Format::detect(None, "# DEVICE=gre1\n\n"), None);
    assert_eq!(Format::detect(None, "#!/bin/sh\n"), Some(Format::RcLocal));
    assert_eq!(
        Format::detect(None, "#!/bin/sh\nDEVICE=gre1\nip tunnel add gre1 mode gre\n"),
        Some(Format::RcLocal)
    );
}
