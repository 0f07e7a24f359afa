//! The shell layer alone: the variable-file parser, the script lexer and
//! the script parser, without evaluation.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| grecfg_fuzz::read("shell", data));
