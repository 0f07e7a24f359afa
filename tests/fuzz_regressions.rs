//! What the fuzz targets (fuzz/) found, minimized: each input in
//! tests/fuzz-regressions/ crashed, hung or broke a round trip once, and
//! must now pass through the same code the target runs, in bounded time.
//!
//! A file is named `TARGET-WHAT`: for a reader target (`ifcfg`, `shell`,
//! ...) its bytes are read as that target reads them; for a round-trip
//! target (`roundtrip_ifcfg`, ...) it is model JSON whose tunnels must
//! survive the trip through that format. `fuzz/seed` adds them to the
//! targets' corpora.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

#[path = "../fuzz/src/check.rs"]
mod check;

/// Far more than any input here takes in a debug build: a reader that
/// needs it has gone exponential or quadratic again.
const LIMIT: Duration = Duration::from_secs(20);

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions")
}

/// The target a regression file is for, and its bytes.
fn case(file: &str) -> (String, Vec<u8>) {
    let data = std::fs::read(dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let target = file.split('-').next().unwrap().to_string();
    (target, data)
}

/// Run one file as its target does, within [`LIMIT`]; a panic inside is
/// the test's failure.
fn run(file: &str) {
    let (target, data) = case(file);
    let (done, wait) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        if let Some((_, format)) = check::ROUND_TRIPS.iter().find(|(t, _)| *t == target) {
            let tunnels = check::json_tunnels(&data).expect("a round-trip regression is model JSON");
            assert!(!tunnels.is_empty(), "no valid tunnel in the file");
            for t in &tunnels {
                check::check_round_trip(*format, t);
            }
        } else {
            assert!(check::READERS.contains(&target.as_str()), "no target {target}");
            check::read(&target, &data);
        }
        let _ = done.send(());
    });
    match wait.recv_timeout(LIMIT) {
        Ok(()) => worker.join().unwrap(),
        // The sender is gone without a word: the worker panicked.
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            std::panic::resume_unwind(worker.join().expect_err("the worker panicked"))
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{file}: not done after {LIMIT:?}"),
    }
}

/// The regression files and the tests below name the same cases.
#[test]
fn every_file_has_its_test() {
    let source = std::fs::read_to_string(file!()).unwrap();
    for e in std::fs::read_dir(dir()).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        assert!(
            source.contains(&format!("run(\"{name}\")")),
            "tests/fuzz-regressions/{name} has no test in {}",
            file!()
        );
    }
}

/// `route-NAME` with `ADDRESS0=` (empty): the route blocks took it as a
/// route and then found none.
#[test]
fn ifcfg_route_address_empty() {
    run("ifcfg-route-address-empty");
}

/// `ADDRESS01=`: read as index 1, then looked up as `ADDRESS1`.
#[test]
fn ifcfg_route_address_leading_zero() {
    run("ifcfg-route-address-leading-zero");
}
