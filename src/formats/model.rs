//! The model itself as JSON: one tunnel object, or an array of them.

use crate::codec::{OutputFile, Parsed};
use crate::diag::{Diagnostic, Failure, Origins, Source};
use crate::model::Tunnel;

pub fn read(src: &Source) -> Result<Vec<Parsed>, Failure> {
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

pub fn encode(t: &Tunnel) -> Vec<OutputFile> {
    let mut contents = serde_json::to_string_pretty(t).expect("the model always serializes");
    contents.push('\n');
    vec![OutputFile {
        name: format!("{}.json", t.name),
        contents,
        mode: 0o644,
    }]
}
