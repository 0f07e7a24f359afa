//! Scripts the shell cannot run are errors, located at the construct that
//! is not closed, and the real shells agree: every broken script here is
//! refused by `bash -n` and by `dash -n` (`sh -n` where dash is missing),
//! and every valid one passes both and grecfg. `-n` only reads a script;
//! nothing here runs one, and the scripts are this file's own constants.

use std::fs;
use std::process::Command;

use grecfg::diag::Source;
use grecfg::script::{read, Dialect};

mod common;
use common::{in_path, skip, tempdir};

const GRE: &str = "ip tunnel add gre1 mode gre remote 192.0.2.2 local 192.0.2.1\n";

/// Broken scripts: the text, the line and column of the error and words
/// its message must hold. `<GRE>` stands for [`GRE`].
const BROKEN: &[(&str, usize, usize, &str)] = &[
    (
        "if true; then\n\t<GRE>",
        1,
        1,
        "this `if` is never closed: `fi` is missing",
    ),
    (
        "<GRE>if true\n",
        2,
        1,
        "this `if` is never closed: `then` and `fi` are missing",
    ),
    ("if a; then\n\tb\nelif c; then\n\t<GRE>", 1, 1, "`fi` is missing"),
    ("if a; then b; else\n<GRE>", 1, 1, "`fi` is missing"),
    (
        "while true; do\n\t<GRE>",
        1,
        1,
        "this `while` is never closed: `done` is missing",
    ),
    (
        "until false\n<GRE>",
        1,
        1,
        "this `until` is never closed: `do` and `done` are missing",
    ),
    (
        "for i in 1 2; do\n\t<GRE>",
        1,
        1,
        "this `for` is never closed: `done` is missing",
    ),
    (
        "for i in 1 2\n<GRE>",
        1,
        1,
        "this `for` is never closed: `do` and `done` are missing",
    ),
    (
        "<GRE>{ ip link set gre1 up\n",
        2,
        1,
        "this `{` is never closed: `}` is missing",
    ),
    // `}` after a word on its line is an argument, not the closing word.
    (
        "<GRE>{ ip link set gre1 up }\n",
        2,
        1,
        "this `{` is never closed: `}` is missing",
    ),
    ("( <GRE>", 1, 1, "this `(` is never closed: `)` is missing"),
    (
        "case x in\n\tx) <GRE>",
        1,
        1,
        "this `case` is never closed: `esac` is missing",
    ),
    (
        "case x in\n\tx) <GRE>;;\n",
        1,
        1,
        "this `case` is never closed: `esac` is missing",
    ),
    ("case x\n<GRE>", 1, 1, "this `case` has no `in`"),
    ("case x in\n\ta b) <GRE>;; esac\n", 2, 2, "not followed by `)`"),
    (
        "<GRE>echo 'it is\n",
        2,
        6,
        "this single quote is never closed: the closing `'` is missing",
    ),
    (
        "echo \"up\n<GRE>",
        1,
        6,
        "this double quote is never closed: the closing `\"` is missing",
    ),
    (
        "x=$(hostname\n<GRE>",
        1,
        3,
        "this command substitution `$(` is never closed: `)` is missing",
    ),
    (
        "x=`hostname\n<GRE>",
        1,
        3,
        "this backquote (command substitution) is never closed",
    ),
    (
        "echo ${x\n<GRE>",
        1,
        6,
        "this parameter expansion `${` is never closed: `}` is missing",
    ),
    ("echo $'a\n<GRE>", 1, 6, "this `$'...'` quote is never closed"),
    // Quotes inside a command substitution: the inner `"` closes, the
    // outer one is left open.
    (
        "echo \"$(echo \")\")\n<GRE>",
        1,
        6,
        "this double quote is never closed",
    ),
    ("<GRE>fi\n", 2, 1, "unexpected `fi`: no `if` is open here"),
    ("<GRE>done\n", 2, 1, "unexpected `done`"),
    ("<GRE>}\n", 2, 1, "unexpected `}`: no `{` is open here"),
    ("<GRE>)\n", 2, 1, "unexpected `)`: no `(` is open here"),
    ("<GRE>esac\n", 2, 1, "unexpected `esac`"),
    ("<GRE>then\n", 2, 1, "unexpected `then`"),
    ("<GRE>a ;;\n", 2, 3, "unexpected `;;`"),
    (
        "if x; fi\n<GRE>",
        1,
        7,
        "unexpected `fi`: the `if` before it is still open and waits for `then`",
    ),
    (
        "while x; fi\n<GRE>",
        1,
        10,
        "the `while` before it is still open and waits for `do`",
    ),
    (
        "{ if x; then y; }\n<GRE>",
        1,
        17,
        "the `if` before it is still open and waits for `fi`",
    ),
    // Operators with no command before them, or none after.
    ("&& <GRE>", 1, 1, "unexpected `&&`: no command before it"),
    ("; <GRE>", 1, 1, "unexpected `;`: no command before it"),
    ("<GRE>\n| cat\n", 3, 1, "unexpected `|`: no command before it"),
    (
        "<GRE>\necho up & ; echo\n",
        3,
        11,
        "unexpected `;`: no command before it",
    ),
    ("<GRE>echo up &&\n", 2, 9, "`&&` is followed by no command"),
    ("<GRE>echo up |\n\n", 2, 9, "`|` is followed by no command"),
    (
        "if true; then <GRE>echo ||\nfi\n",
        2,
        6,
        "`||` is followed by no command",
    ),
    (
        "case x in\n\tx) <GRE>echo && ;;\nesac\n",
        3,
        6,
        "`&&` is followed by no command",
    ),
    ("<GRE>( )\n", 2, 3, "unexpected `)`: no command before it"),
    // Empty bodies.
    (
        "<GRE>if true; then fi\n",
        2,
        15,
        "unexpected `fi`: no command between `then` and it",
    ),
    (
        "<GRE>if then :; fi\n",
        2,
        4,
        "unexpected `then`: no command between `if` and it",
    ),
    (
        "if true; then <GRE>else fi\n",
        2,
        6,
        "unexpected `fi`: no command between `else` and it",
    ),
    (
        "<GRE>{ }\n",
        2,
        3,
        "unexpected `}`: no command between `{` and it",
    ),
    (
        "<GRE>f() {\n}\n",
        3,
        1,
        "unexpected `}`: no command between `{` and it",
    ),
    (
        "<GRE>while :; do done\n",
        2,
        13,
        "unexpected `done`: no command between `do` and it",
    ),
    (
        "<GRE>for i in a; do\ndone\n",
        3,
        1,
        "unexpected `done`: no command between `do` and it",
    ),
];

/// Valid scripts: both shells and grecfg read them (each defines gre1).
const VALID: &[&str] = &[
    "<GRE>",
    "if [ -e /x ]; then\n\t<GRE>elif true; then :; else :; fi\n",
    "while false; do :; done\nuntil true; do :; done\nfor i in a b; do :; done\nfor i do :; done\n<GRE>",
    "{ <GRE>}\n( ip link set gre1 up )\n",
    "case \"${1:-start}\" in\n\tstart) <GRE>\t;;\n\tstop|halt) : ;;\n\t*) : ;;\nesac\n",
    "run() {\n\t\"$@\" || exit 1\n}\nrun <GRE>g() ( : )\ng\n",
    // Quotes that span lines, nested quotes and substitutions, quotes in
    // comments and here-documents.
    "echo 'a\nb'\necho \"$(echo \")\")\"\nx=$(echo \"a b\" | tr a b)\n# it's a comment\ncat <<EOF\nit's data\nEOF\n<GRE>",
    "echo ${x:-\"}\"} `echo \\\\`\n<GRE>",
    "echo fi done esac then } {\n<GRE>",
    "ip tunnel add gre1 \\\n  mode gre remote 192.0.2.2 local 192.0.2.1\n",
    // An operator's command may follow on a later line; `;` and `&` may
    // end a line; a branch of `case` may be empty.
    "true &&\n\n<GRE>true ||\n  false\necho a |\n  cat\necho b ;\necho c &\ncase x in\n\ty) ;;\nesac\n",
];

fn text(s: &str) -> String {
    s.replace("<GRE>", GRE)
}

/// Which shells to check with: bash and dash (or sh) when installed.
fn shells() -> Vec<&'static str> {
    let mut v = Vec::new();
    if in_path("bash") {
        v.push("bash");
    }
    if in_path("dash") {
        v.push("dash");
    } else if in_path("sh") {
        v.push("sh");
    }
    v
}

/// Whether `shell -n` accepts the script (it only reads it).
fn shell_accepts(shell: &str, script: &str) -> bool {
    let dir = tempdir();
    let path = dir.path().join("rc.local");
    fs::write(&path, script).unwrap();
    Command::new(shell)
        .arg("-n")
        .arg(&path)
        .env_clear()
        .output()
        .unwrap_or_else(|e| panic!("{shell}: {e}"))
        .status
        .success()
}

fn read_rc(script: &str) -> Result<Vec<grecfg::codec::Parsed>, grecfg::diag::Failure> {
    read(&Source::new("rc.local", None, script), Dialect::RcLocal)
}

#[test]
fn broken_scripts_are_errors_at_the_open_construct() {
    let mut failures = Vec::new();
    for &(case, line, column, want) in BROKEN {
        let script = text(case);
        match read_rc(&script) {
            Ok(_) => failures.push(format!("{script:?}: read without an error")),
            Err(f) => {
                let first = f.diagnostics.iter().find(|d| d.is_error());
                let got = first.map(|d| {
                    let l = d.location.as_ref().expect("located");
                    (l.line, l.column, d.message.clone())
                });
                match got {
                    Some((l, c, m)) if l == line && c == column && m.contains(want) => {}
                    other => failures.push(format!(
                        "{script:?}: want {line}:{column} {want:?}, got {other:?}"
                    )),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn valid_scripts_read() {
    for case in VALID {
        let script = text(case);
        let parsed = read_rc(&script).unwrap_or_else(|f| panic!("{script:?}: {f}"));
        assert!(parsed.iter().any(|p| p.tunnel.name == "gre1"), "{script:?}");
    }
}

#[test]
fn the_shells_agree() {
    let shells = shells();
    if shells.is_empty() {
        skip("the_shells_agree", "neither bash nor sh is installed");
        return;
    }
    let mut failures = Vec::new();
    for sh in &shells {
        for &(case, ..) in BROKEN {
            let script = text(case);
            if shell_accepts(sh, &script) {
                failures.push(format!("`{sh} -n` accepts {script:?}, which grecfg refuses"));
            }
        }
        for case in VALID {
            let script = text(case);
            if !shell_accepts(sh, &script) {
                failures.push(format!("`{sh} -n` refuses {script:?}, which grecfg reads"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A function whose body is a simple command: bash refuses it, dash takes
/// the command as the body. grecfg refuses it: what it means depends on the
/// shell.
#[test]
fn a_function_without_a_compound_body() {
    let script = text("f()\n@");
    let f = read_rc(&script).expect_err("an error");
    assert!(
        f.diagnostics[0].message.contains("the function `f` has no body"),
        "{f}"
    );
    if in_path("bash") {
        assert!(!shell_accepts("bash", &script));
    }
}

/// Every script among the fixtures is valid shell, to both shells and to
/// grecfg's parser.
#[test]
fn fixture_scripts_are_valid_shell() {
    let shells = shells();
    let mut failures = Vec::new();
    let mut seen = 0;
    for case in fs::read_dir(common::fixtures()).unwrap().flatten() {
        let Ok(inputs) = fs::read_dir(case.path().join("input")) else {
            continue;
        };
        for e in inputs.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !(name == "rc.local" || name.ends_with(".sh")) {
                continue;
            }
            seen += 1;
            let script = fs::read_to_string(e.path()).unwrap();
            for sh in &shells {
                if !shell_accepts(sh, &script) {
                    failures.push(format!("`{sh} -n` refuses {}", e.path().display()));
                }
            }
            if let Err(f) = read_rc(&script) {
                if f.diagnostics
                    .iter()
                    .any(|d| d.hint.as_deref().is_some_and(|h| h.contains("bash -n")))
                {
                    failures.push(format!("{}: {f}", e.path().display()));
                }
            }
        }
    }
    assert!(seen > 0, "no scripts among the fixtures");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
