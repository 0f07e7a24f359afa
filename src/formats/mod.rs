//! One module per format, each with its `META` and the registry's fixed
//! signatures (`read`, `lower`, `write`; see `crate::format`).

pub mod ifcfg;
pub mod iproute2;
pub mod keyfile;
pub(crate) mod model;
pub(crate) mod nmcli;
pub(crate) mod rclocal;
pub(crate) mod systemd;
