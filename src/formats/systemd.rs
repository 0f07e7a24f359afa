//! A oneshot systemd service running the tunnel's iproute2 commands:
//! written only (a unit says less than the configuration it came from).
//! The facts: docs/FORMATS.md §2.

use crate::codec::{OutputFile, WriteContext};
use crate::diag::Problem;
use crate::format::meta::{Meta, Output, Role};
use crate::model::Tunnel;

/// What the registry knows of this format.
pub(crate) const META: Meta = Meta {
    render_help: Some("A oneshot systemd service (`grecfg-tunnel-NAME.service`)"),
    ..Meta::new(
        "systemd",
        "A oneshot systemd service (written only)",
        Role::Script,
        lower,
        write,
        &[Output::new(|t| crate::render::unit_name(&t.name), 0o644)
            .dir("etc/systemd/system")
            .template("systemd.service.j2")],
    )
};

/// What iproute2 commands can hold.
pub(crate) fn lower(t: &Tunnel, cx: &WriteContext) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
    crate::formats::iproute2::lower(t, cx)
}

pub(crate) fn write(t: &Tunnel, cx: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>> {
    crate::formats::iproute2::write_script(&META, t, cx)
}
