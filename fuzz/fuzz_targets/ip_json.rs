//! The readers of iproute2's JSON (`ip -d -j link`, `ip -j addr`, `route`,
//! `neigh`) that `grecfg status` compares configuration with.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| grecfg_fuzz::read("ip_json", data));
