//! nmcli command lines as an encoding of the settings dictionary
//! (`nm::settings`), like keyfiles and D-Bus.
//!
//! Writing: one `nmcli connection add type ip-tunnel ...` command per
//! tunnel that creates exactly the profile the keyfile writer writes
//! (`tests/nmcli_commands.rs` runs it through `nmcli --offline`).
//!
//! Reading: `nmcli connection add|modify|delete` commands, as
//! `crate::script` hands them over (already split into words, nothing
//! executed), are applied to one dictionary per profile, following
//! nmcli 1.42's rules: object, verb, setting and property names may be
//! abbreviated to a unique prefix (aliases may not); `+prop` appends to a
//! list, `-prop ITEM` or `-prop INDEX` removes from it, `-prop ''` resets a
//! single value (any other `-prop VALUE` changes nothing); the
//! `connection add` aliases `con-name`, `ifname`, `autoconnect`, `master`,
//! `slave-type`, `mode`, `remote`, `local`, `dev`, `ip4`, `gw4`, `ip6`,
//! `gw6` (`ip4`/`ip6` append and make the method manual unless it is
//! given); only the settings every profile has may come before `type`; a
//! profile without `con-name` is called `ip-tunnel-IFNAME` (a port
//! `bridge-slave-IFNAME` and the like); `ipv4.method` and `ipv6.method`
//! default to `auto`; the profile made is then checked as NetworkManager
//! checks it when nmcli writes it (`read/written.rs`); routing rules
//! (`rules.rs`) and traffic control (`tc.rs`) as libnm reads them.
//! `tests/nmcli_commands.rs` checks these against `nmcli --offline`.

mod read;
mod rules;
mod spelling;
mod tc;
mod values;
mod verify;
mod write;

pub(crate) use read::*;
pub use write::*;
