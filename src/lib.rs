//! grecfg: one model of a Linux GRE/IP tunnel, read from and written to the
//! many dialects tunnels are configured in.

// Errors carry a rendered source line and hints for the user; they are
// built once per failed run, so their size does not matter.
#![allow(clippy::result_large_err)]

#[cfg(feature = "dbus")]
pub mod activate;
#[cfg(test)]
mod architecture;
pub mod check;
pub mod cli;
pub mod codec;
pub mod convert;
pub mod diag;
pub mod digest;
pub mod emit;
pub mod exit;
pub mod extras;
pub mod format;
pub mod formats;
#[doc(hidden)]
pub mod fuzzing;
pub mod generator;
pub(crate) mod gkeyfile;
pub mod migrate;
pub mod model;
pub mod mtu;
pub mod nm;
pub mod peer;
pub mod render;
pub mod script;
pub mod shell;
pub mod status;
pub(crate) mod values;
pub mod write;
