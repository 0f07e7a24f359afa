//! nmcli command lines: `nmcli connection add|modify|delete` as typed at a
//! prompt, mixed with the `ip` commands that finish what nmcli cannot say
//! (seed 004). Read with the script reader, whose nmcli interpreter follows
//! nmcli's own rules (`crate::nm::nmcli`); written as one copy-pasteable
//! `nmcli connection add` per tunnel.
//! The facts: docs/FORMATS.md §3.

use crate::codec::{OutputFile, Parsed, ReadContext, WriteContext};
use crate::diag::{Failure, Problem, Source};
use crate::format::meta::{Meta, Output, Pattern, Role, Sniff};
use crate::model::Tunnel;
use crate::script::{self, Dialect};

/// What the registry knows of this format.
pub(crate) const META: Meta = Meta {
    read: Some(read),
    names: &[Pattern::Suffix(".nmcli")],
    sniff: Some(Sniff {
        rank: 1,
        test: |text, _| crate::script::starts_with_nmcli(text),
    }),
    ..Meta::new(
        "nmcli",
        "`nmcli connection add|modify` command lines (`NAME.nmcli`), mixed with iproute2 ones",
        Role::Tunnel,
        lower,
        write,
        &[Output::new(|t| format!("{}.nmcli", t.name), 0o644)],
    )
};

pub(crate) fn read(src: &Source, _: &ReadContext) -> Result<Vec<Parsed>, Failure> {
    // The script reader runs the nmcli interpreter for nmcli lines and the
    // ip interpreter for the others, as in a typed session.
    script::read(src, Dialect::Iproute2)
}

/// NetworkManager's rules, as for keyfiles.
pub(crate) fn lower(t: &Tunnel, cx: &WriteContext) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
    crate::nm::nmcli::lower(t, cx)
}

pub(crate) fn write(t: &Tunnel, _: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>> {
    Ok(crate::nm::nmcli::encode(t))
}
