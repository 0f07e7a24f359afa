//! Checks grecfg's NetworkManager output against the real NetworkManager.
//!
//! Every fixture directory `fixtures/CASE/` with a file `nmcli.args` (one
//! `nmcli connection add` argument per line; blank and `#` lines ignored)
//! and exactly one `expected/*.nmconnection` is a case:
//!
//! * `offline_agreement`: `nmcli --offline connection add type ip-tunnel
//!   ARGS... connection.uuid UUID` (UUID taken from the expected keyfile)
//!   must print the expected keyfile byte for byte. This ties every expected
//!   keyfile to what NetworkManager itself writes for the profile.
//! * `daemon_acceptance`: `grecfg convert fixtures/CASE/input/... --to nm`
//!   (plus the lines of `fixtures/CASE/args`, if present) must produce one
//!   keyfile that a running NetworkManager (`tests/nm/sandbox`, private and
//!   throwaway) loads, and every property named in `nmcli.args` must read
//!   back (`nmcli -g PROP connection show`) exactly as it does from the
//!   expected keyfile loaded into the same daemon. Comparing against the
//!   daemon's own reading of the expected keyfile, rather than against the
//!   literal argument, normalises values the way nmcli prints them (list
//!   separators, route spacing, `gre` for mode 2, ...) without a hand-kept
//!   mapping, and through `offline_agreement` that reference is exactly what
//!   the arguments mean to NetworkManager.
//!
//! Both tests report every failing case before failing. Without the tools
//! they need (nmcli; for the daemon also root, unshare, dbus-daemon and
//! NetworkManager) they print "skipped: WHY" and pass, unless `CI=true`.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::{missing_requirements, repo, skip, unified_diff};

/// Companions an ifcfg input brings along by itself: not passed to convert.
const COMPANION_PREFIXES: &[&str] = &["route-", "route6-", "keys-"];

/// nmcli's short option names for `connection add`, and the properties they set.
const NMCLI_ALIASES: &[(&str, &str)] = &[
    ("con-name", "connection.id"),
    ("ifname", "connection.interface-name"),
    ("autoconnect", "connection.autoconnect"),
    ("mode", "ip-tunnel.mode"),
    ("remote", "ip-tunnel.remote"),
    ("local", "ip-tunnel.local"),
    ("dev", "ip-tunnel.parent"),
    ("ip4", "ipv4.addresses"),
    ("gw4", "ipv4.gateway"),
    ("ip6", "ipv6.addresses"),
    ("gw6", "ipv6.gateway"),
];

struct Case {
    name: String,
    dir: PathBuf,
    /// The lines of nmcli.args.
    args: Vec<String>,
    expected: PathBuf,
}

/// The cases, and the problems of fixture directories that look like cases
/// but are malformed.
fn cases() -> (Vec<Case>, Vec<String>) {
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    let root = repo().join("fixtures");
    let mut dirs: Vec<PathBuf> = match fs::read_dir(&root) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            problems.push(format!("cannot read {}: {e}", root.display()));
            return (cases, problems);
        }
    };
    dirs.sort();
    for dir in dirs {
        let args_file = dir.join("nmcli.args");
        if !args_file.is_file() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let args = match read_arg_lines(&args_file) {
            Ok(a) => a,
            Err(e) => {
                problems.push(format!("{name}: {e}"));
                continue;
            }
        };
        let expected = files_with_suffix(&dir.join("expected"), ".nmconnection");
        if expected.len() != 1 {
            problems.push(format!(
                "{name}: has nmcli.args but {} expected/*.nmconnection files (need exactly one)",
                expected.len()
            ));
            continue;
        }
        cases.push(Case {
            name,
            dir,
            args,
            expected: expected.into_iter().next().unwrap(),
        });
    }
    if cases.is_empty() && problems.is_empty() {
        problems.push(format!("no fixture with nmcli.args under {}", root.display()));
    }
    (cases, problems)
}

/// One argument per line; blank lines and lines starting with `#` ignored.
/// Lines are taken literally (values may contain spaces), minus a CR.
fn read_arg_lines(path: &Path) -> Result<Vec<String>, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(str::to_owned)
        .collect())
}

fn files_with_suffix(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.to_string_lossy().ends_with(suffix))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The properties the arguments set, in order, without repetitions.
fn properties(args: &[String]) -> Result<Vec<String>, String> {
    if args.len() % 2 != 0 {
        return Err(format!(
            "nmcli.args has an odd number of arguments ({}): expected name/value pairs",
            args.len()
        ));
    }
    let mut props: Vec<String> = Vec::new();
    for pair in args.chunks(2) {
        let key = pair[0].trim();
        // `+prop value` appends to a list property; the property is the same.
        let key = key.strip_prefix('+').unwrap_or(key);
        if key.starts_with('-') {
            return Err(format!(
                "`{key}` (removing values) is not supported in nmcli.args"
            ));
        }
        let prop = NMCLI_ALIASES
            .iter()
            .find(|(alias, _)| *alias == key)
            .map_or(key, |(_, prop)| prop);
        if !prop.contains('.') {
            return Err(format!(
                "`{key}` is neither setting.property nor a known nmcli alias"
            ));
        }
        if !props.iter().any(|p| p == prop) {
            props.push(prop.to_owned());
        }
    }
    Ok(props)
}

/// The `uuid=` of the `[connection]` group of a keyfile.
fn keyfile_uuid(text: &str) -> Option<String> {
    let mut group = "";
    for line in text.lines() {
        let line = line.trim();
        if let Some(g) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            group = g;
        } else if group == "connection" {
            if let Some(v) = line.strip_prefix("uuid=") {
                return Some(v.trim().to_owned());
            }
        }
    }
    None
}

fn run(cmd: &mut Command) -> Result<Output, String> {
    cmd.stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))
}

fn describe_failure(what: &str, out: &Output) -> String {
    format!(
        "{what} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn finish(test: &str, ran: usize, failures: Vec<String>) {
    if !failures.is_empty() {
        panic!(
            "{test}: {} problem(s):\n\n{}",
            failures.len(),
            failures.join("\n\n")
        );
    }
    let _ = writeln!(std::io::stderr(), "{test}: {ran} case(s) passed");
}

#[test]
fn offline_agreement() {
    const TEST: &str = "offline_agreement";
    if let Some(why) = missing_requirements(false, &["nmcli"]) {
        return skip(TEST, &why);
    }
    let (cases, mut failures) = cases();
    for case in &cases {
        if let Err(e) = check_offline(case) {
            failures.push(format!("{}: {e}", case.name));
        }
    }
    finish(TEST, cases.len(), failures);
}

fn check_offline(case: &Case) -> Result<(), String> {
    let expected = fs::read(&case.expected).map_err(|e| format!("cannot read expected keyfile: {e}"))?;
    let expected_text = String::from_utf8_lossy(&expected);
    let uuid = keyfile_uuid(&expected_text)
        .ok_or_else(|| format!("{} has no uuid= in [connection]", case.expected.display()))?;
    let out = run(Command::new("nmcli")
        .args(["--offline", "connection", "add", "type", "ip-tunnel"])
        .args(&case.args)
        .args(["connection.uuid", &uuid]))?;
    if !out.status.success() {
        return Err(describe_failure("nmcli --offline connection add", &out));
    }
    if out.stdout != expected {
        let rel = case.expected.strip_prefix(repo()).unwrap_or(&case.expected);
        return Err(format!(
            "nmcli --offline writes a different keyfile than {}:\n{}",
            rel.display(),
            unified_diff(
                &expected_text,
                &String::from_utf8_lossy(&out.stdout),
                &rel.display().to_string(),
                "nmcli --offline"
            )
        ));
    }
    Ok(())
}

/// One keyfile to load in the sandbox: a job directory of
/// `tests/nm/load-and-query`.
struct Job {
    dir: PathBuf,
}

impl Job {
    fn create(dir: PathBuf, keyfile_name: &str, keyfile: &[u8], props: &[String]) -> Result<Job, String> {
        let write = |path: PathBuf, data: &[u8]| {
            fs::write(&path, data).map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        write(dir.join(keyfile_name), keyfile)?;
        write(dir.join("props"), (props.join("\n") + "\n").as_bytes())?;
        Ok(Job { dir })
    }

    fn out(&self, name: &str) -> Option<String> {
        fs::read_to_string(self.dir.join("out").join(name)).ok()
    }

    /// Whether NetworkManager loaded the keyfile; else what it said.
    fn loaded(&self) -> Result<(), String> {
        match self.out("uuid") {
            Some(_) => Ok(()),
            None => Err(self.out("load.log").unwrap_or_default().trim_end().to_owned()),
        }
    }

    /// How nmcli prints a property of the loaded profile.
    fn value(&self, prop: &str) -> Result<String, String> {
        match self.out(&format!("values/{prop}")) {
            Some(v) => Ok(v.strip_suffix('\n').unwrap_or(&v).to_owned()),
            None => Err(self
                .out(&format!("errors/{prop}"))
                .unwrap_or_else(|| "not queried".to_owned())
                .trim_end()
                .to_owned()),
        }
    }
}

struct DaemonCase<'a> {
    case: &'a Case,
    props: Vec<String>,
    reference: Job,
    /// The converted keyfile's job, or why there is none.
    produced: Result<Job, String>,
}

#[test]
fn daemon_acceptance() {
    const TEST: &str = "daemon_acceptance";
    if let Some(why) = missing_requirements(true, &["nmcli", "unshare", "dbus-daemon", "NetworkManager"]) {
        return skip(TEST, &why);
    }
    let (cases, mut failures) = cases();
    let work = tempfile::Builder::new()
        .prefix("nm-daemon-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a temporary directory");

    let mut prepared = Vec::new();
    for case in &cases {
        match prepare_daemon_case(case, work.path()) {
            Ok(p) => prepared.push(p),
            Err(e) => failures.push(format!("{}: {e}", case.name)),
        }
    }

    // All keyfiles of all cases in one NetworkManager session.
    let mut jobs: Vec<&Path> = Vec::new();
    for p in &prepared {
        jobs.push(&p.reference.dir);
        if let Ok(job) = &p.produced {
            jobs.push(&job.dir);
        }
    }
    if !jobs.is_empty() {
        let nm = repo().join("tests/nm");
        let out = run(Command::new("bash")
            .arg(nm.join("sandbox"))
            .arg("bash")
            .arg(nm.join("load-and-query"))
            .args(&jobs))
        .unwrap_or_else(|e| panic!("{TEST}: {e}"));
        if !out.status.success() {
            panic!(
                "{TEST}: {}",
                describe_failure("tests/nm/sandbox tests/nm/load-and-query", &out)
            );
        }
    }

    for p in &prepared {
        if let Err(e) = check_daemon_case(p) {
            failures.push(format!("{}: {e}", p.case.name));
        }
    }
    finish(TEST, cases.len(), failures);
}

/// Convert the case's input and set up the two jobs (expected, produced).
fn prepare_daemon_case<'a>(case: &'a Case, work: &Path) -> Result<DaemonCase<'a>, String> {
    let props = properties(&case.args)?;
    let dir = work.join(&case.name);
    let expected = fs::read(&case.expected).map_err(|e| format!("cannot read expected keyfile: {e}"))?;
    let reference = Job::create(
        dir.join("expected"),
        &case.expected.file_name().unwrap().to_string_lossy(),
        &expected,
        &props,
    )?;
    let produced = convert(case, &dir.join("convert"))
        .and_then(|(name, bytes)| Job::create(dir.join("produced"), &name, &bytes, &props));
    Ok(DaemonCase {
        case,
        props,
        reference,
        produced,
    })
}

/// `grecfg convert` the case's input; the one keyfile it writes.
fn convert(case: &Case, out_dir: &Path) -> Result<(String, Vec<u8>), String> {
    let input_dir = case.dir.join("input");
    let mut inputs: Vec<PathBuf> = fs::read_dir(&input_dir)
        .map_err(|e| format!("cannot read {}: {e}", input_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            p.is_file() && !COMPANION_PREFIXES.iter().any(|c| name.starts_with(c))
        })
        .collect();
    inputs.sort();
    if inputs.is_empty() {
        return Err(format!("no input files in {}", input_dir.display()));
    }
    let extra = match case.dir.join("args") {
        f if f.is_file() => read_arg_lines(&f)?,
        _ => Vec::new(),
    };
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_grecfg"));
    cmd.arg("convert")
        .args(&inputs)
        .args(["--to", "nm", "--output-dir"])
        .arg(out_dir)
        .args(&extra)
        .current_dir(repo());
    let out = run(&mut cmd)?;
    if !out.status.success() {
        return Err(describe_failure("grecfg convert", &out));
    }
    let files = files_with_suffix(out_dir, ".nmconnection");
    let [file] = files.as_slice() else {
        return Err(format!(
            "grecfg convert wrote {} .nmconnection files, expected one",
            files.len()
        ));
    };
    let mode = fs::metadata(file)
        .map_err(|e| e.to_string())?
        .permissions()
        .mode()
        & 0o7777;
    if mode != 0o600 {
        return Err(format!(
            "grecfg convert wrote {} with mode {mode:o}; NetworkManager ignores keyfiles not 0600",
            file.file_name().unwrap().to_string_lossy()
        ));
    }
    let bytes = fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    Ok((file.file_name().unwrap().to_string_lossy().into_owned(), bytes))
}

fn check_daemon_case(p: &DaemonCase) -> Result<(), String> {
    let rel = p.case.expected.strip_prefix(repo()).unwrap_or(&p.case.expected);
    p.reference
        .loaded()
        .map_err(|log| format!("NetworkManager rejects {}:\n{log}", rel.display()))?;
    let produced = p.produced.as_ref().map_err(Clone::clone)?;
    produced
        .loaded()
        .map_err(|log| format!("NetworkManager rejects the keyfile grecfg wrote:\n{log}"))?;
    let mut problems = Vec::new();
    for prop in &p.props {
        let want = p
            .reference
            .value(prop)
            .map_err(|e| format!("cannot read {prop} of {}: {e}", rel.display()))?;
        match produced.value(prop) {
            Ok(got) if got == want => {}
            Ok(got) => problems.push(format!(
                "  {prop}: expected `{want}`, grecfg's keyfile gives `{got}`"
            )),
            Err(e) => problems.push(format!("  {prop}: cannot read it from grecfg's keyfile: {e}")),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "NetworkManager reads grecfg's keyfile differently:\n{}",
            problems.join("\n")
        ))
    }
}

#[test]
fn property_names_from_arguments() {
    let args: Vec<String> = [
        "con-name",
        "t",
        "ifname",
        "t",
        "mode",
        "gre",
        "+ipv4.routes",
        "10.0.0.0/8",
        "ipv4.routes",
        "x",
        "dev",
        "eth0",
    ]
    .map(String::from)
    .to_vec();
    assert_eq!(
        properties(&args).unwrap(),
        [
            "connection.id",
            "connection.interface-name",
            "ip-tunnel.mode",
            "ipv4.routes",
            "ip-tunnel.parent"
        ]
    );
    assert!(properties(&args[..3]).is_err());
    assert!(properties(&["-ipv4.routes".into(), "x".into()]).is_err());
    assert!(properties(&["bogus".into(), "x".into()]).is_err());
}

#[test]
fn uuid_of_keyfile() {
    let text = "[connection]\nid=a\nuuid=1234\n[ipv4]\nuuid=nope\n";
    assert_eq!(keyfile_uuid(text).as_deref(), Some("1234"));
    assert_eq!(keyfile_uuid("[ipv4]\nuuid=x\n"), None);
}
