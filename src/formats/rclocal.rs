//! rc.local: a shell script that brings tunnels up. Read with the script
//! reader (variables, functions, `case` on the script's argument); written
//! as a `start|stop` script that deletes a device of the same name and
//! creates it anew, so running it twice leaves the same state.
//! The facts: docs/FORMATS.md §2.

use crate::codec::{OutputFile, Parsed, ReadContext, WriteContext};
use crate::diag::{Failure, Problem, Source};
use crate::format::meta::{Meta, Output, Pattern, Role, Sniff};
use crate::model::Tunnel;
use crate::script::{self, Dialect};

/// What the registry knows of this format.
pub(crate) const META: Meta = Meta {
    render_help: Some("A `start|stop` shell script (`rc.local-NAME`)"),
    read: Some(read),
    names: &[
        Pattern::Exact("rc.local"),
        Pattern::Prefix("rc.local-"),
        Pattern::Suffix(".sh"),
    ],
    sniff: Some(Sniff {
        rank: 0,
        test: |text, _| text.starts_with("#!"),
    }),
    system_dirs: &["etc/rc.d"],
    ..Meta::new(
        "rc.local",
        "A shell script (`rc.local-NAME`); written as a `start|stop` script",
        Role::Script,
        lower,
        write,
        &[Output::new(|t| format!("rc.local-{}", t.name), 0o755)
            .dir("etc/rc.d")
            .template("rc.local.j2")],
    )
};

pub(crate) fn read(src: &Source, _: &ReadContext) -> Result<Vec<Parsed>, Failure> {
    script::read(src, Dialect::RcLocal)
}

/// What iproute2 commands can hold.
pub(crate) fn lower(t: &Tunnel, cx: &WriteContext) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
    crate::formats::iproute2::lower(t, cx)
}

pub(crate) fn write(t: &Tunnel, cx: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>> {
    crate::formats::iproute2::write_script(&META, t, cx)
}
