//! The rc.local script reader (the shell evaluator and its interpreters).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| grecfg_fuzz::read("rclocal", data));
