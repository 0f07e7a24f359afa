//! NetworkManager: the settings dictionary shared by its encodings.

pub mod nmcli;
pub mod settings;
