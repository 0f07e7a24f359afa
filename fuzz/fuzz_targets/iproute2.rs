//! The iproute2 command-file reader (prompts, ip and net-tools commands).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| grecfg_fuzz::read("iproute2", data));
