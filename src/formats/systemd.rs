//! A oneshot systemd service running the tunnel's iproute2 commands:
//! written only (a unit says less than the configuration it came from).
//! The facts: docs/FORMATS.md §2.

use crate::codec::{OutputFile, WriteContext};
use crate::diag::Problem;
use crate::format::Format;
use crate::model::Tunnel;

/// What iproute2 commands can hold.
pub fn lower(t: &Tunnel, cx: &WriteContext) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
    crate::formats::iproute2::lower(t, cx)
}

pub fn write(t: &Tunnel, cx: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>> {
    crate::render::write(Format::Systemd, t, cx)
}
