//! What the fuzz targets and the regression tests of their findings
//! (tests/fuzz_regressions.rs, which includes this file) share:
//! companions held in memory, the split of one input into an ifcfg file
//! and its companions, the round-trip check. Nothing here needs more than
//! grecfg and std.

use std::collections::BTreeMap;

use grecfg::diag::{Diagnostic, Source};
use grecfg::format::{self, Companions, Format, OutputFile, ReadContext, WriteOptions};
use grecfg::model::Tunnel;

/// Companion files held in memory, by file name.
pub struct MapCompanions(pub BTreeMap<String, String>);

impl Companions for MapCompanions {
    fn open(&self, file_name: &str) -> Result<Option<Source>, Diagnostic> {
        Ok(self
            .0
            .get(file_name)
            .map(|t| Source::new(file_name, None, t.clone())))
    }
}

/// Companions by kind: whatever interface a `route-`, `route6-` or
/// `keys-` file is asked for, the one text of that kind, so that the
/// fuzzer need not guess the names the reader looks for.
pub struct KindCompanions {
    pub route: Option<String>,
    pub route6: Option<String>,
    pub keys: Option<String>,
}

impl Companions for KindCompanions {
    fn open(&self, file_name: &str) -> Result<Option<Source>, Diagnostic> {
        // `route6-` first: `route-` is not its prefix, but keep the order
        // obvious.
        let text = if file_name.starts_with("route6-") {
            &self.route6
        } else if file_name.starts_with("route-") {
            &self.route
        } else if file_name.starts_with("keys-") {
            &self.keys
        } else {
            &None
        };
        Ok(text.as_ref().map(|t| Source::new(file_name, None, t.clone())))
    }
}

/// The byte that separates the parts of an ifcfg input: the main file,
/// then `route-`, `route6-` and `keys-` companions, each present when
/// its part is there (an empty part is an empty file).
pub const SEPARATOR: u8 = 0;

/// An ifcfg input: the main file and its companions.
pub fn split_ifcfg(data: &[u8]) -> (String, KindCompanions) {
    let mut parts = data
        .split(|b| *b == SEPARATOR)
        .map(|p| String::from_utf8_lossy(p).into_owned());
    let main = parts.next().unwrap_or_default();
    let companions = KindCompanions {
        route: parts.next(),
        route6: parts.next(),
        keys: parts.next(),
    };
    (main, companions)
}

/// The reader targets, by name.
pub const READERS: &[&str] = &[
    "ifcfg", "keyfile", "nmcli", "iproute2", "rclocal", "shell", "model", "ip_json",
];

/// What reader target `target` does with one input: read it, nothing
/// else (no writing, so that a target runs thousands of inputs a second).
/// Text is the input's UTF-8, invalid bytes replaced, as every file
/// reaches the readers as UTF-8.
pub fn read(target: &str, data: &[u8]) {
    let text = || String::from_utf8_lossy(data).into_owned();
    match target {
        "ifcfg" => {
            let (main, companions) = split_ifcfg(data);
            let src = Source::new("ifcfg-gre1", None, main);
            let _ = format::read(Format::Ifcfg, &src, &ReadContext::new(&companions));
        }
        "keyfile" => read_text(Format::Keyfile, "fuzz.nmconnection", text()),
        "nmcli" => read_text(Format::Nmcli, "fuzz.nmcli", text()),
        "iproute2" => read_text(Format::Iproute2, "fuzz.ip", text()),
        "rclocal" => read_text(Format::RcLocal, "rc.local", text()),
        "model" => read_text(Format::Model, "fuzz.json", text()),
        "shell" => grecfg::fuzzing::shell(&text()),
        "ip_json" => grecfg::fuzzing::ip_json(&text()),
        _ => panic!("no reader target {target}"),
    }
}

/// Read `text` as `format`, named as a file of that format is, with no
/// companions.
fn read_text(format: Format, name: &str, text: String) {
    let src = Source::new(name, None, text);
    let _ = format::read(format, &src, &ReadContext::alone());
}

/// The round-trip targets, by name, and the format each goes through.
pub const ROUND_TRIPS: &[(&str, Format)] = &[
    ("roundtrip_keyfile", Format::Keyfile),
    ("roundtrip_ifcfg", Format::Ifcfg),
    ("roundtrip_nmcli", Format::Nmcli),
    ("roundtrip_iproute2", Format::Iproute2),
    ("roundtrip_rclocal", Format::RcLocal),
    ("roundtrip_model", Format::Model),
];

/// The check of tests/roundtrip.rs: lowering for `format` gives a valid
/// model, lowering again changes nothing and repeats no loss, and what the
/// writer writes reads back as exactly the lowered tunnel. A tunnel the
/// format cannot hold at all (`lower` refuses it) is skipped.
pub fn check_round_trip(format: Format, t: &Tunnel) {
    let opts = WriteOptions::default();
    let Ok((lowered, first)) = format::lower(format, t, &opts) else {
        return;
    };
    let problems = lowered.validate();
    assert!(
        problems.is_empty(),
        "lowering made an invalid model: {problems:?}\n{lowered:#?}"
    );
    let (again, second) = format::lower(format, &lowered, &opts).expect("a lowered model lowers again");
    assert_eq!(again, lowered, "lowering is not idempotent");
    for w in &second {
        assert!(first.contains(w), "the second lowering warned anew: {w:?}");
    }
    let files = format::write(format, &lowered, &opts)
        .expect("a lowered model is written")
        .files;
    let written = || {
        files
            .iter()
            .map(|f| format!("--- {}\n{}", f.name, f.contents))
            .collect::<String>()
    };
    match read_back(format, &files) {
        Ok(back) => assert!(
            back == lowered,
            "read back differs:\n{}--- lowered:\n{lowered:?}\n{}",
            differences(&lowered, &back),
            written()
        ),
        Err(e) => panic!("{e}\n{}", written()),
    }
}

/// Read a writer's files back: the first is the input, the others its
/// companions.
pub fn read_back(format: Format, files: &[OutputFile]) -> Result<Tunnel, String> {
    let (main, rest) = files.split_first().expect("a writer produces a file");
    let src = Source::new(main.name.clone(), None, main.contents.clone());
    let companions = MapCompanions(
        rest.iter()
            .map(|f| (f.name.clone(), f.contents.clone()))
            .collect(),
    );
    let parsed = format::read(format, &src, &ReadContext::new(&companions)).map_err(|f| f.to_string())?;
    match parsed.as_slice() {
        [one] => Ok(one.tunnel.clone()),
        more => Err(format!("{} tunnels read back", more.len())),
    }
}

/// The valid tunnels of a model JSON input; `None` when it is not one.
pub fn json_tunnels(data: &[u8]) -> Option<Vec<Tunnel>> {
    let text = std::str::from_utf8(data).ok()?;
    let src = Source::new("fuzz.json", None, text);
    let parsed = format::read(Format::Model, &src, &ReadContext::alone()).ok()?;
    Some(
        parsed
            .into_iter()
            .map(|p| p.tunnel)
            .filter(|t| t.validate().is_empty())
            .collect(),
    )
}

/// The fields in which the tunnel read back differs from the one written.
fn differences(written: &Tunnel, back: &Tunnel) -> String {
    // Every field, so that a new one is not forgotten here.
    let Tunnel {
        name: _,
        mode: _,
        local: _,
        remote: _,
        input_key: _,
        output_key: _,
        ttl: _,
        tos: _,
        path_mtu_discovery: _,
        mtu: _,
        parent: _,
        encapsulation_limit: _,
        flow_label: _,
        flags: _,
        addresses: _,
        routes: _,
        neighbours: _,
        autoconnect: _,
        id: _,
        uuid: _,
        zone: _,
        extras: _,
    } = written;
    let mut out = String::new();
    macro_rules! fields {
        ($($f:ident),*) => {$(
            if written.$f != back.$f {
                out += &format!(
                    "  {}: {:?} written, {:?} read back\n",
                    stringify!($f),
                    written.$f,
                    back.$f
                );
            }
        )*};
    }
    fields!(
        name,
        mode,
        local,
        remote,
        input_key,
        output_key,
        ttl,
        tos,
        path_mtu_discovery,
        mtu,
        parent,
        encapsulation_limit,
        flow_label,
        flags,
        addresses,
        routes,
        neighbours,
        autoconnect,
        id,
        uuid,
        zone,
        extras
    );
    out
}
