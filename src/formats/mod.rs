//! One module per format, each with the registry's fixed signatures
//! (`read`, `lower`, `write`; see `crate::format`), and the syntax
//! modules they share.

pub mod ifcfg;
pub mod iproute2;
pub mod keyfile;
pub mod model;
pub mod nmcli;
pub mod rclocal;
pub mod systemd;

pub mod gkeyfile;
pub mod values;
