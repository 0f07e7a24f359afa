//! A oneshot systemd service running the tunnel's iproute2 commands:
//! written only (a unit says less than the configuration it came from).
//! The facts: docs/FORMATS.md §2.

use crate::codec::{OutputFile, WriteContext};
use crate::diag::Problem;
use crate::format::meta::{Meta, Output, Role};
use crate::model::Tunnel;

/// What the registry knows of this format.
pub(crate) const META: Meta = Meta {
    name: "systemd",
    aliases: &[],
    help: "A oneshot systemd service (written only)",
    render_help: Some("A oneshot systemd service (`grecfg-tunnel-NAME.service`)"),
    role: Role::Script,
    read: None,
    lower,
    write,
    names: &[],
    sniff: None,
    skipped_suffixes: &[],
    companions: &[],
    tunnels_only: None,
    system_dirs: &[],
    outputs: &[Output::new(|t| crate::render::unit_name(&t.name), 0o644)
        .dir("etc/systemd/system")
        .template("systemd.service.j2")],
    stdout_many: None,
};

/// What iproute2 commands can hold.
pub(crate) fn lower(t: &Tunnel, cx: &WriteContext) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
    crate::formats::iproute2::lower(t, cx)
}

pub(crate) fn write(t: &Tunnel, cx: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>> {
    crate::formats::iproute2::write_script(&META, t, cx)
}
