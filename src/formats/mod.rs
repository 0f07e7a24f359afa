//! One module per format, each with the registry's fixed signatures
//! (`read`, `lower`, `write`; see `crate::format`), and the syntax
//! modules they share.

pub mod ifcfg;
pub mod iproute2;
pub mod keyfile;
pub(crate) mod model;
pub(crate) mod nmcli;
pub(crate) mod rclocal;
pub(crate) mod systemd;

pub(crate) mod gkeyfile;
pub(crate) mod values;
