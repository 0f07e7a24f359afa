//! The shell-variable reader against bash, which initscripts uses to source
//! an ifcfg file: for each input of a table (this file's own constants,
//! nothing taken from elsewhere), bash sources it in an empty environment
//! and prints each variable, and the value grecfg reads must be the same;
//! or grecfg refuses the input, and for the refusals whose message says
//! what bash does, bash is checked to do it. Inputs that bash would run a
//! command for (`$(...)`, backticks, a command word) are never given to it.

use std::process::Command;

use super::parse_vars;

/// What bash sets each name to (`None`: unset), sourcing `text`.
fn bash_values(text: &str, names: &[&str]) -> Option<Vec<Option<String>>> {
    let dir = tempfile::tempdir().ok()?;
    let file = dir.path().join("ifcfg-x");
    std::fs::write(&file, text).ok()?;
    // Each value as `S<value>` or `U` for unset, NUL-terminated.
    let script = r#"f=$1; shift; . "$f" || exit 99
for n in "$@"; do
    if [ -n "${!n+set}" ]; then printf 'S%s\0' "${!n}"; else printf 'U\0'; fi
done"#;
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", script, "_"])
        .arg(&file)
        .args(names)
        .env_clear()
        // A UTF-8 locale, as on the systems that run initscripts: in the
        // C locale bash leaves `$'\u00e9'` unconverted.
        .env("LC_ALL", "C.UTF-8")
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "bash failed on {text:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fields: Vec<&[u8]> = out.stdout.split(|&b| b == 0).filter(|f| !f.is_empty()).collect();
    assert_eq!(fields.len(), names.len(), "{text:?}");
    Some(
        fields
            .iter()
            .map(|f| (f[0] == b'S').then(|| String::from_utf8(f[1..].to_vec()).expect("UTF-8")))
            .collect(),
    )
}

fn have_bash() -> bool {
    Command::new("bash")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Inputs both read alike: every name's value, as bash sets it.
const SAME: &[(&str, &[&str])] = &[
    ("A=plain\n", &["A"]),
    ("A=\n", &["A"]),
    ("A=''\nB=\"\"\n", &["A", "B"]),
    ("A='single $x `y` \\n'\n", &["A"]),
    ("A=\"double \\$ \\` \\\" \\\\ \\n \\a\"\n", &["A"]),
    ("A=$'tab\\there\\101\\x42\\u00e9\\'q'\n", &["A"]),
    ("A=a'b'\"c\"$'d'\\ e\n", &["A"]),
    ("A=a\\ b\\#c\n", &["A"]),
    ("A=x # a comment\n# B=y\n", &["A", "B"]),
    ("A=a#b\n", &["A"]),
    ("A=x   \nB=\"y\"\t\t\n", &["A", "B"]),
    ("A=x;\nB=y ; # c\n", &["A", "B"]),
    ("   A=indented\n\tB=tab\n", &["A", "B"]),
    ("A=1\nA=2\n", &["A"]),
    ("export A=1\n", &["A"]),
    ("A=é\nB=\"ü ß\"\n", &["A", "B"]),
    ("A=\"it's\"\nB='say \"hi\"'\n", &["A", "B"]),
    ("A=no-newline-at-end", &["A"]),
    ("\n\n# only comments\n\nA=after\n", &["A"]),
];

/// Inputs grecfg refuses, with words its message must hold, and, when bash
/// can be given the input safely, what bash sets.
#[allow(clippy::type_complexity)]
const REFUSED: &[(&str, &str, Option<&[(&str, Option<&str>)]>)] = &[
    (
        "NAME=\"my tunnel\"\tTYPE=GRE\n",
        "2 assignments on one line: bash assigns NAME and TYPE",
        Some(&[("NAME", Some("my tunnel")), ("TYPE", Some("GRE"))]),
    ),
    (
        "A=1 B=2\n",
        "bash assigns A and B",
        Some(&[("A", Some("1")), ("B", Some("2"))]),
    ),
    (
        "A=1; B=2 C='3 4'\n",
        "3 assignments on one line: bash assigns A, B and C",
        Some(&[("A", Some("1")), ("B", Some("2")), ("C", Some("3 4"))]),
    ),
    ("A=$HOME\n", "does not expand variables", None),
    ("A=\"x$B\"\n", "does not expand variables", None),
    ("A=${B:-x}\n", "parameter expansion", None),
    ("A=$(hostname)\n", "command substitution", None),
    ("A=`hostname`\n", "backticks", None),
    // bash would run `b`: it is not given to bash.
    (
        "A=a b\n",
        "bash would run `b` as a command, with A set in its environment only",
        None,
    ),
    ("A=a|b\n", "unquoted `|`", None),
    ("A='open\n", "unterminated single quote", None),
    ("A=\"open\n", "unterminated double quote", None),
    ("A=a\\\nB=b\n", "backslash at the end", None),
    ("A B\n", "not an assignment", None),
];

#[test]
fn values_match_bash() {
    if !have_bash() {
        eprintln!("values_match_bash: skipped: bash is not installed");
        return;
    }
    let mut failures = Vec::new();
    for &(text, names) in SAME {
        let v = parse_vars(text);
        if !v.errors.is_empty() {
            failures.push(format!("{text:?}: grecfg refuses it: {:?}", v.errors));
            continue;
        }
        let bash = bash_values(text, names).expect("bash runs");
        for (n, want) in names.iter().zip(bash) {
            let got = v.get(n).map(|a| a.value.clone());
            if got != want {
                failures.push(format!("{text:?}: {n}: bash {want:?}, grecfg {got:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn refusals_say_what_bash_does() {
    let bash = have_bash();
    if !bash {
        eprintln!("refusals_say_what_bash_does: bash is not installed; its side is skipped");
    }
    let mut failures = Vec::new();
    for &(text, want, bash_sets) in REFUSED {
        let v = parse_vars(text);
        match v.errors.first() {
            Some(e) if e.message.contains(want) => {}
            other => failures.push(format!("{text:?}: want an error with {want:?}, got {other:?}")),
        }
        if let (true, Some(sets)) = (bash, bash_sets) {
            let names: Vec<&str> = sets.iter().map(|s| s.0).collect();
            let got = bash_values(text, &names).expect("bash runs");
            for ((n, want), got) in sets.iter().zip(got) {
                if got.as_deref() != *want {
                    failures.push(format!(
                        "{text:?}: bash sets {n} to {got:?}, the message says {want:?}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// CRLF: bash keeps the `\r` in the value, NetworkManager takes it as a
/// blank; grecfg reads as NetworkManager does and warns.
#[test]
fn crlf_differs_from_bash_and_says_so() {
    let text = "A=x\r\nB='y z'\r\n";
    let v = parse_vars(text);
    assert!(v.errors.is_empty(), "{:?}", v.errors);
    assert_eq!(v.get("A").unwrap().value, "x");
    assert!(v.warnings[0].message.contains("bash keeps it"));
    if !have_bash() {
        eprintln!("crlf_differs_from_bash_and_says_so: bash is not installed; its side is skipped");
        return;
    }
    let b = bash_values(text, &["A", "B"]).unwrap();
    assert_eq!(b, [Some("x\r".to_string()), Some("y z\r".to_string())]);
}

/// A byte-order mark: bash takes `\u{feff}A=1` as a command word, so A is
/// not assigned (what the readers' error says; see
/// `diag::byte_order_mark`). The word names no command.
#[test]
fn bash_does_not_assign_after_a_byte_order_mark() {
    if !have_bash() {
        eprintln!("bash_does_not_assign_after_a_byte_order_mark: skipped: bash is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ifcfg-x");
    std::fs::write(&file, "\u{feff}A=1\nB=2\n").unwrap();
    let out = Command::new("bash")
        .args([
            "--norc",
            "--noprofile",
            "-c",
            r#". "$1" 2>/dev/null; printf '%s|%s' "${A-unset}" "${B-unset}""#,
            "_",
        ])
        .arg(&file)
        .env_clear()
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "unset|2");
}
