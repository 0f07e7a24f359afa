//! rc.local: a shell script that brings tunnels up. Read with the script
//! reader (variables, functions, `case` on the script's argument); written
//! as a `start|stop` script that deletes a device of the same name and
//! creates it anew, so running it twice leaves the same state.
//! The facts: docs/FORMATS.md §2.

use crate::codec::{OutputFile, Parsed, ReadContext, WriteContext};
use crate::diag::{Failure, Problem, Source};
use crate::format::Format;
use crate::model::Tunnel;
use crate::script::{self, Dialect};

pub fn read(src: &Source, _: &ReadContext) -> Result<Vec<Parsed>, Failure> {
    script::read(src, Dialect::RcLocal)
}

/// What iproute2 commands can hold.
pub fn lower(t: &Tunnel, cx: &WriteContext) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
    crate::formats::iproute2::lower(t, cx)
}

pub fn write(t: &Tunnel, cx: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>> {
    crate::render::write(Format::RcLocal, t, cx)
}
