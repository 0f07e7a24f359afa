//! NetworkManager: the settings dictionary shared by its encodings.

pub(crate) mod catalogue;
#[cfg(feature = "dbus")]
pub mod dbus;
mod lower;
pub mod nmcli;
pub(crate) mod settings;

pub(crate) use lower::{lower, Lowered};
