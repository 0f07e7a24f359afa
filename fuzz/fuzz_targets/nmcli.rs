//! The nmcli command reader (nmcli lines mixed with ip ones).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| grecfg_fuzz::read("nmcli", data));
