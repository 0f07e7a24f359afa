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
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use grecfg::diag::Source;
use grecfg::format::{self, Format, ReadContext};

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

/// `$'\' '` then a character of several bytes (here the replacement of an
/// invalid byte): the error of the unclosed ANSI-C quote was located at an
/// offset inside that character (a debug assertion in `Source::loc_at`).
/// Found by the long run of the nmcli target.
#[test]
fn nmcli_ansi_c_quote_error_before_a_wide_character() {
    run("nmcli-ansi-c-quote-error-before-a-wide-character");
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

/// A `${ }` placeholder after a `\`-newline inside the word: its offset in
/// the joined word was taken as an offset in the text, inside the `€`.
#[test]
fn iproute2_placeholder_after_continuation() {
    run("iproute2-placeholder-after-continuation");
}

/// A word whose quotes run to the end of the text, which ends in `é`: the
/// error was clamped to the text's last byte, inside the `é` (a debug
/// assertion in `Source::loc_at`). Found by the long run of the rclocal
/// target.
#[test]
fn rclocal_word_error_at_the_end_inside_a_character() {
    run("rclocal-word-error-at-the-end-inside-a-character");
}

/// 40 functions, each calling the one before twice: 2^40 calls.
#[test]
fn rclocal_exponential_functions() {
    run("rclocal-exponential-functions");
}

/// `A=$A$A` on every line doubles A (2^28 bytes here): the reader says
/// where it stops expanding instead of running out of memory.
#[test]
fn rclocal_variable_doubling() {
    run("rclocal-variable-doubling");
    let (_, data) = case("rclocal-variable-doubling");
    let src = Source::new("rc.local", None, String::from_utf8(data).unwrap());
    let err = format::read(Format::RcLocal, &src, &ReadContext::alone()).expect_err("A cannot be expanded");
    let d = &err.diagnostics[0];
    assert!(d.message.contains("grows past 64 KiB"), "{d}");
    assert_eq!(d.location.as_ref().map(|l| l.line), Some(19), "{d}");
}

/// An inner peer that reads as the outer remote: the ifcfg reader drops
/// it as initscripts does, so lowering for ifcfg must drop it too.
#[test]
fn roundtrip_ifcfg_inner_peer_is_remote() {
    run("roundtrip_ifcfg-inner-peer-is-remote.json");
}

/// Two neighbours of one inner address: `ip neigh replace` keeps the
/// second, so lowering for a script must too.
#[test]
fn roundtrip_iproute2_neighbour_given_twice() {
    run("roundtrip_iproute2-neighbour-given-twice.json");
}

/// A route line whose last word is followed by a vertical tab: the line
/// was measured without its trailing blanks, which `\v` is to
/// `trim_end` but not between words, and the length underflowed.
#[test]
fn ifcfg_route_line_ends_in_vertical_tab() {
    run("ifcfg-route-line-ends-in-vertical-tab");
}

/// A keyfile extra whose group starts with a character of two bytes: the
/// check for a dot after the first character cut inside it.
#[test]
fn roundtrip_keyfile_extra_group_not_ascii() {
    run("roundtrip_keyfile-extra-group-not-ascii.json");
}

/// A keyfile extra `ipv4.dns=t`: written as `ipv4.dns t`, which nmcli (and
/// so the reader) refuses. Lowering for nmcli now keeps only the extras
/// whose nmcli spelling reads back as the same value.
#[test]
fn roundtrip_nmcli_extra_not_an_address() {
    run("roundtrip_nmcli-extra-not-an-address.json");
}

/// A profile name with a line break is written in single quotes over two
/// lines, as POSIX quoting allows, which the script lexer refused ("values
/// cannot span lines"). Quotes in scripts now span lines, as in the shell.
#[test]
fn roundtrip_nmcli_profile_name_with_line_break() {
    run("roundtrip_nmcli-profile-name-with-line-break.json");
}

/// An extra already in nmcli spelling (`ipv4.dns 192.0.2.53`, format
/// nmcli) was written verbatim, and the reader translates it into a
/// keyfile extra (`ipv4.dns=192.0.2.53;`): the extra's format and value
/// changed on the trip; one nmcli refuses (`ipv4.dns t`) failed the read.
/// Lowering for nmcli now translates such extras as the reader does and
/// drops those nmcli refuses, with a warning.
#[test]
fn roundtrip_nmcli_nmcli_extra_read_as_keyfile() {
    run("roundtrip_nmcli-nmcli-extra-read-as-keyfile.json");
}

/// A keyfile extra `ipv6.dns-search=` (empty): written as an empty
/// argument, which resets the property instead of setting it.
#[test]
fn roundtrip_nmcli_extra_empty() {
    run("roundtrip_nmcli-extra-empty.json");
}

/// A keyfile extra `ipv4.dns=.Z;`: its list spelling survives the trip
/// between the spellings, but the reader checks each DNS server is an
/// address, as nmcli does. Lowering for nmcli now asks the reader's own
/// check (`spelling::read_text`) and drops what it refuses.
#[test]
fn roundtrip_nmcli_dns_extra_not_an_address() {
    run("roundtrip_nmcli-dns-extra-not-an-address.json");
}

/// An nmcli extra holding a NUL: the writer drops the NUL (no command line
/// can pass one), so the value changed on the trip. Lowering for nmcli now
/// drops such an extra, with a warning.
#[test]
fn roundtrip_nmcli_nmcli_extra_with_nul() {
    run("roundtrip_nmcli-nmcli-extra-with-nul.json");
}

/// An nmcli extra `ipv6.dns-search` whose translation into keyfile
/// spelling the shared lowering refuses (a form feed): translated after
/// the shared lowering, it was kept by the first lowering and dropped by
/// the second. nmcli extras are now translated before it.
#[test]
fn roundtrip_nmcli_nmcli_extra_translated_then_refused() {
    run("roundtrip_nmcli-nmcli-extra-translated-then-refused.json");
}

/// A profile name with a CR before a line break: the reader takes CR LF
/// as a line break (scripts saved with DOS line endings), inside quotes
/// too, so the CR was lost. Lowering for nmcli now writes the line break
/// alone, with a warning.
#[test]
fn roundtrip_nmcli_profile_name_with_crlf() {
    run("roundtrip_nmcli-profile-name-with-crlf.json");
}

/// Two CRs before a line break: the reader drops one, so replacing one
/// pair made a lowering that a second lowering changed again.
#[test]
fn roundtrip_nmcli_profile_name_with_crs_before_a_line_break() {
    run("roundtrip_nmcli-profile-name-with-crs-before-a-line-break.json");
}

/// The same nmcli property set twice: the reader keeps the last value,
/// as nmcli does; lowering now keeps only the last too.
#[test]
fn roundtrip_nmcli_nmcli_extra_set_twice() {
    run("roundtrip_nmcli-nmcli-extra-set-twice.json");
}

/// A keyfile extra `ipv4.route1_options` with an attribute nmcli does not
/// know (`\u{a0}=-<.11`, a name that is a no-break space, where the
/// reader split words as Rust's `split_whitespace` does, not as nmcli) or an empty value (`X=`): written
/// into `ipv4.routes`, where nmcli refuses it. Lowering for nmcli now
/// checks each attribute as nmcli does (`values::route_attribute`).
#[test]
fn roundtrip_nmcli_route_attribute_unknown() {
    run("roundtrip_nmcli-route-attribute-unknown.json");
}

#[test]
fn roundtrip_nmcli_route_attribute_empty() {
    run("roundtrip_nmcli-route-attribute-empty.json");
}

/// `cwnd=05,onlink=1`, which nmcli takes and NetworkManager keeps as
/// `cwnd=5,onlink=true`: lowered to that spelling, not lost.
#[test]
fn roundtrip_nmcli_route_attribute_spelled_otherwise() {
    run("roundtrip_nmcli-route-attribute-spelled-otherwise.json");
}

// Huge inputs: a reader must take time in proportion to its input. Each
// case is read at n and 8n lines; linear is 8 times as long, quadratic 64.

/// How much longer reading `make(8 n)` takes than reading `make(n)`.
fn growth(target: &str, make: fn(usize) -> String, n: usize) -> f64 {
    let time = |n: usize| {
        let data = make(n).into_bytes();
        let target = target.to_string();
        let (done, wait) = mpsc::channel();
        std::thread::spawn(move || {
            let start = std::time::Instant::now();
            check::read(&target, &data);
            let _ = done.send(start.elapsed());
        });
        wait.recv_timeout(LIMIT * 3)
            .unwrap_or_else(|_| panic!("{n} lines: not done after {:?}", LIMIT * 3))
    };
    // One measurement at a time, undisturbed by the others.
    static SERIAL: Mutex<()> = Mutex::new(());
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    time(n); // warm up the allocator
    let small = time(n).min(time(n)).as_secs_f64();
    let big = time(8 * n).min(time(8 * n)).as_secs_f64();
    big / small.max(1e-3)
}

fn assert_linear(target: &str, make: fn(usize) -> String, n: usize) {
    let g = growth(target, make, n);
    eprintln!("{target}, {n} lines and 8 times as many: {g:.1} times as long");
    assert!(g < 20.0, "8 times the input took {g:.1} times as long");
}

fn v4(i: usize) -> String {
    format!("10.{}.{}.{}", i >> 16 & 255, i >> 8 & 255, i & 255)
}

/// `ADDRESSn` looked up by a scan of the file for every route.
#[test]
fn ifcfg_many_route_blocks() {
    assert_linear(
        "ifcfg",
        |n| {
            let blocks: String = (0..n).map(|i| format!("ADDRESS{i}={}\n", v4(i))).collect();
            format!("DEVICE=gre1\nTYPE=GRE\n\0{blocks}")
        },
        2000,
    );
}

/// Every key looked up by a scan of the keys before it.
#[test]
fn ifcfg_many_keys() {
    assert_linear(
        "ifcfg",
        |n| {
            format!(
                "DEVICE=gre1\nTYPE=GRE\n{}",
                (0..n).map(|i| format!("X_K{i}=v\n")).collect::<String>()
            )
        },
        2000,
    );
}

/// `routeN_options` and repeated keys looked up by a scan of the group.
#[test]
fn keyfile_many_routes() {
    assert_linear(
        "keyfile",
        |n| {
            let routes: String = (0..n).map(|i| format!("route{}={}/32\n", i + 1, v4(i))).collect();
            format!("[connection]\nid=t\ntype=ip-tunnel\ninterface-name=t\n[ip-tunnel]\nmode=1\nremote=192.0.2.1\n[ipv4]\nmethod=manual\n{routes}")
        },
        2000,
    );
}

/// Groups looked up by a scan of the groups before them.
#[test]
fn keyfile_many_groups() {
    assert_linear(
        "keyfile",
        |n| {
            format!(
                "[connection]\nid=t\ntype=ip-tunnel\n{}",
                (0..n).map(|i| format!("[s{i}]\nk=v\n")).collect::<String>()
            )
        },
        2000,
    );
}

/// Many commands on one line: each located by a scan from the line's
/// start, and each quoting a copy of the whole line. (Blanks make the line
/// long without making the commands costlier to read.)
#[test]
fn iproute2_many_commands_on_one_line() {
    assert_linear(
        "iproute2",
        |n| {
            let cmd = format!("ip link set dev gre1 up{};", " ".repeat(2000));
            format!(
                "ip tunnel add gre1 mode gre remote 192.0.2.1; {}\n",
                cmd.repeat(n)
            )
        },
        500,
    );
}

/// A pipeline of many commands on one line, each of them ignored with a
/// note quoting the line.
#[test]
fn rclocal_long_pipeline() {
    assert_linear(
        "rclocal",
        |n| format!("{}true\n", format!("true{} | ", " ".repeat(2000)).repeat(n)),
        500,
    );
}

/// One nmcli argument of many addresses, each located over the whole
/// argument.
#[test]
fn nmcli_many_addresses_in_one_argument() {
    assert_linear(
        "nmcli",
        |n| {
            let addrs: Vec<String> = (0..n).map(|i| format!("{}/32", v4(i))).collect();
            format!(
                "nmcli c a type ip-tunnel ifname t mode gre remote 192.0.2.1 ipv4.addresses {}\n",
                addrs.join(",")
            )
        },
        1000,
    );
}

/// Every `ip` command found its tunnel by a scan of all tunnels: quadratic
/// in the number of tunnels (now an index by name in the script builder).
#[test]
fn iproute2_many_tunnels() {
    assert_linear(
        "iproute2",
        |n| {
            (0..n)
                .map(|i| format!("ip tunnel add t{i} mode gre remote 192.0.2.1\n"))
                .collect()
        },
        4000,
    );
}

/// Every address added to a tunnel was checked against the ones before it
/// by a scan (now `builder::Positions`).
#[test]
fn iproute2_many_addresses() {
    assert_linear(
        "iproute2",
        |n| {
            let addrs: String = (0..n)
                .map(|i| format!("ip addr add {}/32 dev gre1\n", v4(i)))
                .collect();
            format!("ip tunnel add gre1 mode gre remote 192.0.2.1\n{addrs}")
        },
        4000,
    );
}

/// Every neighbour added to a tunnel was checked against the ones before
/// it by a scan (now `builder::Positions`).
#[test]
fn iproute2_many_neighbours() {
    assert_linear(
        "iproute2",
        |n| {
            let neigh: String = (0..n)
                .map(|i| format!("ip neigh add {} lladdr 198.51.100.1 dev gre1\n", v4(i)))
                .collect();
            format!("ip tunnel add gre1 mode gre key 1\nip addr add 10.0.0.1/8 dev gre1\n{neigh}")
        },
        4000,
    );
}

/// Each `nmcli con mod` converted the whole profile again and located each
/// of its fields (`script::nmcli::sync_profile`): quadratic in the
/// profile's size over a script that grows it command by command. A run
/// of modifications is now converted once, when something else comes.
#[test]
fn nmcli_many_modifications() {
    assert_linear(
        "nmcli",
        |n| {
            let mods: String = (0..n)
                .map(|i| format!("nmcli con mod ip-tunnel-t +ipv4.addresses {}/32\n", v4(i)))
                .collect();
            format!("nmcli c a type ip-tunnel ifname t mode gre remote 192.0.2.1\n{mods}")
        },
        100,
    );
}
