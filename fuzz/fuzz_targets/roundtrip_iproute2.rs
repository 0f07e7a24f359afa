//! Round trip through the iproute2 writer and reader:
//! `read(write(lower(t))) == lower(t)` for tunnels from model JSON or
//! built from the bytes.
#![no_main]

use grecfg::format::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for t in grecfg_fuzz::tunnels(data) {
        grecfg_fuzz::check_round_trip(Format::Iproute2, &t);
    }
});
