//! NetworkManager: the settings dictionary shared by its encodings.

#[cfg(feature = "dbus")]
pub mod dbus;
pub mod settings;
