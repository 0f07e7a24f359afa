use super::*;

#[test]
fn shell_quoting() {
    assert_eq!(sh_quote("gre1").unwrap(), "gre1");
    assert_eq!(sh_quote("-x").unwrap(), "-x");
    assert_eq!(sh_quote("10.0.0.1/30").unwrap(), "10.0.0.1/30");
    assert_eq!(sh_quote("").unwrap(), "''");
    assert_eq!(sh_quote("a'b").unwrap(), r"'a'\''b'");
    assert_eq!(sh_quote("$(x)`y`").unwrap(), "'$(x)`y`'");
    assert_eq!(sh_quote("~x").unwrap(), "'~x'");
    assert!(sh_quote("a\0b").is_none());
}

fn value(line: &str) -> String {
    let v = parse_vars(line);
    assert!(v.errors.is_empty(), "{line:?}: {:?}", v.errors);
    assert_eq!(v.assignments.len(), 1, "{line:?}");
    v.assignments[0].value.clone()
}

/// (line, column 1-based in chars, message) of the single error.
fn error(text: &str) -> (usize, usize, String) {
    let v = parse_vars(text);
    assert_eq!(v.errors.len(), 1, "{text:?}: {:?}", v.errors);
    let e = &v.errors[0];
    let before = &text[..e.offset];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..].chars().count() + 1;
    (line, col, e.message.clone())
}

#[test]
fn quoting_styles() {
    assert_eq!(value("A=plain"), "plain");
    assert_eq!(value("A='single $x \\n \"q\"'"), "single $x \\n \"q\"");
    assert_eq!(value(r#"A="d \$ \` \" \\ \n \a""#), r#"d $ ` " \ \n \a"#);
    assert_eq!(value(r#"A=x"c"b"#), "xcb");
    assert_eq!(value(r#"A='a'"b"c$'\t'"#), "abc\t");
    assert_eq!(value(r"A=a\ b\$c\\"), "a b$c\\");
    assert_eq!(value("A="), "");
    assert_eq!(value("A=''"), "");
    assert_eq!(value("A=\"\""), "");
    assert_eq!(value("A=a=b"), "a=b");
    assert_eq!(value("A=$"), "$");
    assert_eq!(value("A=ü"), "ü");
}

#[test]
fn ansi_c_escapes() {
    assert_eq!(
        value(r#"A=$'\n\t\r\\\'\"\a\b\e\f\v'"#),
        "\n\t\r\\'\"\x07\x08\x1b\x0c\x0b"
    );
    assert_eq!(value(r"A=$'\x41\x4a2'"), "AJ2");
    assert_eq!(value(r"A=$'\101\0610'"), "A10");
    assert_eq!(value(r"A=$'\u00e9\U0001F600'"), "é😀");
    // UTF-8 assembled from octal bytes, as svEscape writes it.
    assert_eq!(value(r"A=$'\303\251'"), "é");
    assert_eq!(value(r"A=$'\q\x'"), "\\q\\x");
    assert_eq!(value(r"A=$'it''s'"), "its");
}

#[test]
fn comments_blanks_and_semicolons() {
    let v = parse_vars("# comment\n\n   \n  A=1 # trailing\nB=a#b\nC=x;\nD=y ; # c\nE='q'#r\n\tF=2\n");
    assert!(v.errors.is_empty(), "{:?}", v.errors);
    let got: Vec<(&str, &str, usize)> = v
        .assignments
        .iter()
        .map(|a| (a.name.as_str(), a.value.as_str(), a.line))
        .collect();
    assert_eq!(
        got,
        vec![
            ("A", "1", 4),
            ("B", "a#b", 5),
            ("C", "x", 6),
            ("D", "y", 7),
            ("E", "q#r", 8),
            ("F", "2", 9)
        ]
    );
    assert!(v.warnings.is_empty());
}

#[test]
fn value_span_covers_the_quoted_value() {
    let v = parse_vars("  NAME=\"a b\" # c\n");
    let a = &v.assignments[0];
    assert_eq!((a.name_offset, a.value_offset, a.value_len), (2, 7, 5));
}

#[test]
fn crlf_is_accepted_with_one_warning() {
    let v = parse_vars("A=1\r\nB='2'\r\n");
    assert!(v.errors.is_empty());
    assert_eq!(v.get("A").unwrap().value, "1");
    assert_eq!(v.get("B").unwrap().value, "2");
    assert_eq!(v.warnings.len(), 1);
    assert!(v.warnings[0].message.contains("CRLF"));
    assert_eq!(v.warnings[0].offset, 3);
}

#[test]
fn export_is_kept_with_a_warning() {
    let v = parse_vars("export KEY=5\nexport=1\n");
    assert!(v.errors.is_empty());
    let a = v.get("KEY").unwrap();
    assert!(a.exported);
    assert_eq!(a.value, "5");
    assert_eq!(v.get("export").unwrap().value, "1");
    assert_eq!(v.warnings.len(), 1);
    assert!(v.warnings[0].message.contains("export"));
}

#[test]
fn last_duplicate_wins_with_a_warning_naming_both_lines() {
    let v = parse_vars("A=1\nB=2\nA=3\n");
    assert_eq!(v.get("A").unwrap().value, "3");
    let eff: Vec<&str> = v.effective().iter().map(|a| a.name.as_str()).collect();
    assert_eq!(eff, vec!["B", "A"]);
    assert_eq!(v.warnings.len(), 1);
    assert!(v.warnings[0].message.contains("line 1 and again on line 3"));
    assert_eq!(v.warnings[0].offset, 8);
}

#[test]
fn every_error_class_at_its_column() {
    let cases: [(&str, (usize, usize), &str); 24] = [
        ("A=$HOME", (1, 3), "shell variable $HOME"),
        ("A=\"x${HOME}\"", (1, 5), "shell variable $HOME"),
        ("A=${HOME:-x}", (1, 3), "parameter expansion"),
        ("A=$(hostname)", (1, 3), "command substitution $("),
        ("A=`hostname`", (1, 3), "backticks"),
        ("A=\"a`b`\"", (1, 5), "backticks"),
        ("A=a|b", (1, 4), "unquoted `|`"),
        ("A=a&", (1, 4), "unquoted `&`"),
        ("A=(1 2)", (1, 3), "unquoted `(`"),
        ("A=a>b", (1, 4), "unquoted `>`"),
        (
            "A=a; B=c",
            (1, 6),
            "2 assignments on one line: bash assigns A and B",
        ),
        (
            "A=\"a b\"\tB=c",
            (1, 9),
            "NetworkManager's ifcfg-rh reader takes one a line: it reads A as empty and never sees B",
        ),
        (
            "A=a B=c C=d",
            (1, 5),
            "3 assignments on one line: bash assigns A, B and C",
        ),
        (
            "A=a; b",
            (1, 6),
            "more after `;` in the value of A: bash would assign A and then run `b`",
        ),
        (
            "A=a B=c d",
            (1, 9),
            "bash would run `d` as a command, with A and B set in its environment only",
        ),
        ("A=a;;", (1, 5), "a second `;`"),
        ("A=a b", (1, 5), "unquoted blank"),
        ("\nNAME=my tunnel", (2, 9), "unquoted blank"),
        ("A='abc", (1, 3), "unterminated single quote"),
        ("A=\"abc", (1, 3), "unterminated double quote"),
        ("A=$'abc", (1, 3), "unterminated $'"),
        ("A=abc\\", (1, 6), "backslash at the end"),
        ("A=\"abc\\", (1, 7), "backslash at the end"),
        ("x\nKEY lichenhao", (1, 1), "not an assignment"),
    ];
    for (text, (line, col), msg) in cases {
        let v = parse_vars(text);
        let e = &v.errors[0];
        let (l, c, m) = {
            let before = &text[..e.offset];
            let l = before.matches('\n').count() + 1;
            let c = before[before.rfind('\n').map_or(0, |i| i + 1)..].chars().count() + 1;
            (l, c, e.message.clone())
        };
        assert_eq!((l, c), (line, col), "{text:?}: {m}");
        assert!(m.contains(msg), "{text:?}: {m}");
    }
}

#[test]
fn all_errors_of_a_file_are_reported() {
    let v = parse_vars("A=$X\nB=ok\nC lichenhao\nD=\"open\n");
    let lines: Vec<usize> = v
        .errors
        .iter()
        .map(|e| {
            "A=$X\nB=ok\nC lichenhao\nD=\"open\n"[..e.offset]
                .matches('\n')
                .count()
                + 1
        })
        .collect();
    assert_eq!(lines, vec![1, 3, 4]);
    assert_eq!(v.get("B").unwrap().value, "ok");
}

#[test]
fn not_an_assignment_hints_the_fix() {
    let v = parse_vars("KEY lichenhao\n");
    assert_eq!(
        v.errors[0].hint.as_deref(),
        Some("write KEY=lichenhao, without blanks around =")
    );
    let v = parse_vars("KEY = 5\n");
    assert_eq!(
        v.errors[0].hint.as_deref(),
        Some("write KEY=5, without blanks around =")
    );
    let v = parse_vars("MY-KEY=5\n");
    assert!(v.errors[0]
        .hint
        .as_deref()
        .unwrap()
        .contains("not a variable name"));
    let (l, c, _) = error("  a.b=1");
    assert_eq!((l, c), (1, 3));
}

#[test]
fn column_counts_characters_not_bytes() {
    let (l, c, _) = error("NAME=\"ä\" $X");
    assert_eq!((l, c), (1, 10));
}

#[test]
fn odd_control_characters_are_refused_unquoted() {
    let (_, c, m) = error("A=a\x0bb");
    assert_eq!(c, 4);
    assert!(m.contains("control character"));
    assert_eq!(value("A=$'a\\rb'"), "a\rb");
}

#[test]
fn words_for_command_lines() {
    let text = "ip link set \"$DEV\" up";
    let (w, end) = lex_word(text, 0).unwrap();
    assert_eq!((w.literal().unwrap(), end), ("ip".to_string(), 2));
    let (w, end) = lex_word(text, 12).unwrap();
    assert_eq!(end, 18);
    assert_eq!(
        w.pieces,
        vec![Piece::Param {
            name: "DEV".into(),
            offset: 13,
            len: 4
        }]
    );
    let e = w.literal().unwrap_err();
    assert_eq!((e.offset, e.len), (13, 4));
    let (w, end) = literal_word("a'b c'd;e", 0).unwrap();
    assert_eq!((w.as_str(), end), ("ab cd", 7));
    assert!(is_name("_a1") && !is_name("1a") && !is_name("a-b") && !is_name(""));
}
