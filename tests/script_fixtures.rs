//! The script reader on the seed fixtures: every `fixtures/<case>/input/`
//! file named `rc.local`, `*.sh`, `*.ip` or `*.nmcli` is read with
//! `script::read`, and the tunnels (one object, or an array when
//! the script defines several) are compared with the hand-written
//! `expected-model.json`. A case without one must fail, and its rendered
//! diagnostics must equal `expected-errors.txt`. Every case runs before the
//! test fails; differences are shown as unified diffs.

use std::fs;
use std::path::Path;

use grecfg::diag::Source;
use grecfg::script::{read, Dialect};
use similar::TextDiff;

fn diff(label: &str, want: &str, got: &str) -> String {
    TextDiff::from_lines(want, got)
        .unified_diff()
        .header(&format!("expected {label}"), &format!("actual {label}"))
        .to_string()
}

#[test]
fn seed_scripts_read_as_the_articles_mean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut cases = 0;
    let mut failures = Vec::new();
    let mut dirs: Vec<_> = fs::read_dir(&root).unwrap().flatten().map(|e| e.path()).collect();
    dirs.sort();
    for case in dirs {
        let Ok(entries) = fs::read_dir(case.join("input")) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let dialect = if name == "rc.local" || name.ends_with(".sh") {
                Dialect::RcLocal
            } else if name.ends_with(".ip") || name.ends_with(".nmcli") {
                Dialect::Iproute2
            } else {
                continue;
            };
            cases += 1;
            let label = format!("{}/input/{name}", case.file_name().unwrap().to_string_lossy());
            let text = fs::read_to_string(e.path()).unwrap();
            let src = Source::new(format!("input/{name}"), None, text);
            let result = read(&src, dialect);
            match (fs::read_to_string(case.join("expected-model.json")), result) {
                (Ok(want), Ok(parsed)) => {
                    let tunnels: Vec<_> = parsed
                        .iter()
                        .map(|p| serde_json::to_value(&p.tunnel).unwrap())
                        .collect();
                    let got = if tunnels.len() == 1 {
                        tunnels[0].clone()
                    } else {
                        serde_json::Value::Array(tunnels)
                    };
                    let want: serde_json::Value = serde_json::from_str(&want)
                        .unwrap_or_else(|e| panic!("{label}: expected-model.json: {e}"));
                    if want != got {
                        failures.push(format!(
                            "=== {label}\n{}",
                            diff(
                                "model",
                                &serde_json::to_string_pretty(&want).unwrap(),
                                &serde_json::to_string_pretty(&got).unwrap()
                            )
                        ));
                    }
                    if std::env::var_os("SCRIPT_FIXTURES_SHOW").is_some() {
                        for p in &parsed {
                            for w in &p.warnings {
                                eprintln!("{w}");
                            }
                        }
                    }
                }
                (Ok(_), Err(f)) => failures.push(format!("=== {label}: unexpected failure:\n{f}")),
                (Err(_), Ok(p)) => failures.push(format!(
                    "=== {label}: read {} tunnel(s), expected errors (no expected-model.json)",
                    p.len()
                )),
                (Err(_), Err(f)) => {
                    let want = fs::read_to_string(case.join("expected-errors.txt")).unwrap_or_default();
                    let got = format!("{f}\n");
                    if want != got {
                        failures.push(format!("=== {label}\n{}", diff("errors", &want, &got)));
                    }
                }
            }
        }
    }
    assert!(cases >= 13, "expected the seed script cases, found {cases}");
    assert!(
        failures.is_empty(),
        "{} of {cases} script cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
