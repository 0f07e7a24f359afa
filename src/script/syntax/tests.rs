//! The parser on small scripts.

use super::*;
use crate::script::pattern::{compile_pattern, first_argument_default, pattern_matches};
use crate::shell::{self, lex_script};

fn items(s: &str) -> Vec<Item> {
    parse(lex_script(s).tokens).items
}

fn raw(words: &[ScriptWord]) -> Vec<&str> {
    words.iter().map(|w| w.raw.as_str()).collect()
}

#[test]
fn functions_keep_their_bodies() {
    let it = items("run() {\n\t\"$@\" || {\n\t\tprintf x >&2\n\t\texit 1\n\t}\n}\nrun ip link\nfunction f { a; }\nfunction g() ( b )\n");
    let Item::Function { name, body } = &it[0] else {
        panic!("{it:?}")
    };
    assert_eq!(name.raw, "run");
    assert_eq!(
        flatten(body).iter().map(|w| raw(w)).collect::<Vec<_>>(),
        [vec!["\"$@\""], vec!["printf", "x"], vec!["exit", "1"]]
    );
    let Item::Simple(w) = &it[1] else { panic!() };
    assert_eq!(raw(w), ["run", "ip", "link"]);
    assert!(matches!(&it[2], Item::Function { name, .. } if name.raw == "f"));
    assert!(matches!(&it[3], Item::Function { name, .. } if name.raw == "g"));
    assert_eq!(it.len(), 4);
}

#[test]
fn case_branches_and_their_terminators() {
    let it = items("case \"${1:-start}\" in\nstart)\n\ta\n\t;;\n(stop|halt) b; c ;&\n*) d ;;& esac\ne\n");
    let Item::Case { subject, arms, .. } = &it[0] else {
        panic!("{it:?}")
    };
    assert_eq!(
        first_argument_default(subject.as_ref().unwrap()).as_deref(),
        Some("start")
    );
    let pats: Vec<Vec<&str>> = arms.iter().map(|a| raw(&a.patterns)).collect();
    assert_eq!(pats, [vec!["start"], vec!["stop", "halt"], vec!["*"]]);
    assert_eq!(flatten(&arms[1].body).len(), 2);
    assert_eq!(
        arms.iter().map(|a| a.fall_through.is_some()).collect::<Vec<_>>(),
        [false, true, true]
    );
    assert!(matches!(&it[1], Item::Simple(w) if raw(w) == ["e"]));
    // A case inside a subshell and an if.
    let it = items("( if x; then case $a in y) z;; esac; fi )\nw\n");
    assert_eq!(it.len(), 3);
}

#[test]
fn deep_nesting_does_not_exhaust_the_stack() {
    let deep = format!(
        "{}ip link\n{}",
        "{ ( if x; then case a in a) ".repeat(1000),
        "esac; fi ) }".repeat(1000)
    );
    let it = items(&deep);
    assert!(!flatten(&it).is_empty());
    let _ = items(&"f() { ".repeat(2000));
}

#[test]
fn first_argument_forms() {
    let w = |s: &str| match &lex_script(s).tokens[0] {
        ScriptToken::Word(w) => w.clone(),
        t => panic!("{t:?}"),
    };
    for (s, want) in [
        ("$1", Some("")),
        ("\"$1\"", Some("")),
        ("${1}", Some("")),
        ("${1:-start}", Some("start")),
        ("\"${1-up}\"", Some("up")),
        ("${1:-$x}", None),
        ("$2", None),
        ("${1:+x}", None),
    ] {
        assert_eq!(first_argument_default(&w(s)).as_deref(), want, "{s}");
    }
}

#[test]
fn patterns_match_as_the_shell_does() {
    let m = |p: &str, t: &str| pattern_matches(&compile_pattern(p).unwrap(), t);
    assert!(m("start", "start") && !m("start", "star"));
    assert!(m("*", "") && m("*", "anything") && m("st*", "start") && m("*t", "start"));
    assert!(m("s?art", "start") && !m("s?art", "sart"));
    assert!(m("[Ss]tart", "Start") && m("[!a-r]tart", "start") && !m("[!s]tart", "start"));
    assert!(m("'*'", "*") && !m("'*'", "x") && m("\\*", "*") && m("\"s*\"", "s*"));
    assert!(m("[", "[") && m("*a*b", "xxaxb"));
    assert!(compile_pattern("$x").is_none());
}

#[test]
fn substitutions_nest_with_their_quotes() {
    let t = lex_script("x=$(echo \")\" 'a)') \"$(echo \"b c\")\" ${y:-\"}\"} `a \\` b`\n");
    let raws: Vec<&str> = t
        .tokens
        .iter()
        .filter_map(|t| match t {
            ScriptToken::Word(w) => Some(w.raw.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        raws,
        [
            "x=$(echo \")\" 'a)')",
            "\"$(echo \"b c\")\"",
            "${y:-\"}\"}",
            "`a \\` b`"
        ]
    );
    assert_eq!(t.unclosed, None);
    for (s, offset, opener) in [
        ("echo 'a\nb", 5, "'"),
        ("a \"$(b", 3, "$("),
        ("a \"$(b)", 2, "\""),
        ("a `b", 2, "`"),
        ("a ${b", 2, "${"),
        ("a $'b\\'", 2, "$'"),
        ("a \\\n 'b", 5, "'"),
        ("a > 'b", 4, "'"),
    ] {
        assert_eq!(
            lex_script(s).unclosed,
            Some(shell::Unclosed { offset, opener }),
            "{s:?}"
        );
    }
    // Here-document bodies are data.
    assert_eq!(lex_script("cat <<E\nit's\nE\n").unclosed, None);
}

#[test]
fn a_stray_closer_is_left_to_the_construct_it_closes() {
    let errors = |s: &str| -> Vec<String> {
        parse(lex_script(s).tokens)
            .errors
            .into_iter()
            .map(|e| e.message)
            .collect()
    };
    assert_eq!(
        errors("{ if x; then y; }\n"),
        ["unexpected `}`: the `if` before it is still open and waits for `fi`"]
    );
    assert_eq!(
        errors("( while x; do y; )\n"),
        ["unexpected `)`: the `while` before it is still open and waits for `done`"]
    );
    assert_eq!(
        errors("case a in a) if x; then y;; esac\n"),
        ["unexpected `;;`: the `if` before it is still open and waits for `fi`"]
    );
    assert_eq!(errors("if x; fi\n").len(), 1);
    // Too deep to parse: nothing is said of the syntax.
    assert!(errors(&"{ ".repeat(200)).is_empty());
    assert!(errors("f() { a; }\nfor ((i = 0; i < 3; i++)); do f; done\n").is_empty());
}
