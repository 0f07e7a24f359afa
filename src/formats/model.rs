//! The model itself as JSON (docs/FORMATS.md §4): one tunnel object, or
//! an array of them. It holds everything, so lowering changes nothing.

use crate::codec::{OutputFile, Parsed, ReadContext, WriteContext};
use crate::diag::{Diagnostic, Failure, Origins, Problem, Source};
use crate::format::meta::{Meta, Output, Pattern, Role, Sniff};
use crate::model::Tunnel;

/// What the registry knows of this format.
pub(crate) const META: Meta = Meta {
    read: Some(read),
    names: &[Pattern::Suffix(".json")],
    sniff: Some(Sniff {
        rank: 2,
        test: |_, first| first.starts_with('{'),
    }),
    stdout_many: Some(stdout_many),
    ..Meta::new(
        "model",
        "grecfg's tunnel model as JSON (the debugging view)",
        Role::Tunnel,
        lower,
        write,
        &[Output::new(|t| format!("{}.json", t.name), 0o644)],
    )
};

pub(crate) fn read(src: &Source, _: &ReadContext) -> Result<Vec<Parsed>, Failure> {
    let parsed = if src.text.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<Tunnel>>(&src.text)
    } else {
        serde_json::from_str::<Tunnel>(&src.text).map(|t| vec![t])
    };
    match parsed {
        Ok(tunnels) => Ok(tunnels
            .into_iter()
            .map(|tunnel| Parsed {
                tunnel,
                origins: Origins::new(src.whole()),
                warnings: Vec::new(),
            })
            .collect()),
        Err(e) => {
            let loc = src.loc(e.line(), e.column().max(1), 1);
            // serde_json appends " at line L column C"; the location says it.
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            Err(Failure::one(
                Diagnostic::error(format!("invalid tunnel model: {msg}")).at(loc),
            ))
        }
    }
}

pub(crate) fn lower(t: &Tunnel, _: &WriteContext) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
    Ok((t.clone(), Vec::new()))
}

pub(crate) fn write(t: &Tunnel, _: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>> {
    let mut contents = serde_json::to_string_pretty(t).expect("the model always serializes");
    contents.push('\n');
    let out = &META.outputs[0];
    Ok(vec![OutputFile {
        name: (out.name)(t),
        contents,
        mode: out.mode,
    }])
}

/// Several tunnels on standard output: one JSON array, which [`read`]
/// reads back.
pub(crate) fn stdout_many(tunnels: &[&Tunnel]) -> String {
    serde_json::to_string_pretty(tunnels).expect("the model always serializes") + "\n"
}
