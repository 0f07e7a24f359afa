//! The ifcfg reader with its companions: the input is the main file, then
//! the `route-`, `route6-` and `keys-` companions, each after a NUL byte.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| grecfg_fuzz::read("ifcfg", data));
