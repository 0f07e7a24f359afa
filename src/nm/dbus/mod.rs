//! NetworkManager over D-Bus: the settings dictionary of
//! [`crate::nm::settings`] encoded as `a{sa{sv}}`, and a small blocking
//! client for the calls `grecfg activate`, `deactivate` and `delete` make
//! (`org.freedesktop.NetworkManager`, `.Settings`, `.Settings.Connection`,
//! `.Connection.Active`, `.Device`).
//!
//! Property types come from NetworkManager's `nm-settings-dbus(5)`; a
//! property grecfg does not know the type of is an error, never a guess
//! (NetworkManager rejects a value of the wrong type anyway, and would
//! silently ignore an unknown property name).

mod activation;
mod checkpoint;
mod client;
mod encode;
mod pipeline;
mod states;

pub use activation::*;
pub use checkpoint::*;
pub use client::*;
pub(crate) use encode::*;
