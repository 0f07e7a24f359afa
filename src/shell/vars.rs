//! Files of `NAME=value` lines (ifcfg, keys, route blocks).

use std::collections::{BTreeMap, HashMap};

use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::char;
use nom::combinator::opt;
use nom::sequence::terminated;
use nom::Parser;

use super::word::{is_name, lex_word, name, LexError, PResult};

/// One `NAME=value` line of a shell-variable file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Assignment {
    pub name: String,
    /// The value after quote removal.
    pub value: String,
    /// 1-based line number.
    pub line: usize,
    /// Byte offset of the name in the text.
    pub name_offset: usize,
    /// Byte offset and length of the value as written (quotes included).
    pub value_offset: usize,
    pub value_len: usize,
    /// Written as `export NAME=value`.
    pub exported: bool,
}

/// A shell-variable file: every assignment in file order, and what was
/// wrong or doubtful, with byte offsets into the text. Made by
/// [`parse_vars`] only, which also indexes the assignments by name.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vars {
    pub assignments: Vec<Assignment>,
    pub errors: Vec<LexError>,
    pub warnings: Vec<LexError>,
    /// The index in `assignments` of the effective (last) assignment of
    /// each name: a look-up is not a scan of the file (a route file of
    /// many `ADDRESSn` blocks was quadratic).
    last: HashMap<String, usize>,
}

impl Vars {
    /// The effective assignment of `name` (the last one wins, as in bash).
    pub(crate) fn get(&self, name: &str) -> Option<&Assignment> {
        self.last.get(name).map(|&i| &self.assignments[i])
    }

    /// The effective assignments, one per name, in the order of their
    /// effective (last) line.
    pub(crate) fn effective(&self) -> Vec<&Assignment> {
        let mut idx: Vec<usize> = self.last.values().copied().collect();
        idx.sort_unstable();
        idx.into_iter().map(|i| &self.assignments[i]).collect()
    }
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// `[blanks][export blanks]NAME=`
fn assignment_head(s: &str) -> PResult<'_, (bool, &str)> {
    let (s, _) = take_while(is_blank).parse(s)?;
    let (s, export) = opt(terminated(tag("export"), take_while1(is_blank))).parse(s)?;
    let (s, n) = name(s)?;
    let (s, _) = char('=').parse(s)?;
    Ok((s, (export.is_some(), n)))
}

/// Parse a file of shell variable assignments (ifcfg, keys, route blocks):
/// one `NAME=value` per physical line, comments, blank lines. All errors of
/// the file are collected, not just the first.
pub(crate) fn parse_vars(text: &str) -> Vars {
    let mut vars = Vars::default();
    let mut offset = 0;
    let mut crlf_warned = false;
    for (i, raw) in text.split('\n').enumerate() {
        let line_no = i + 1;
        let line_start = offset;
        offset += raw.len() + 1;
        let line = match raw.strip_suffix('\r') {
            Some(l) => {
                if !crlf_warned {
                    crlf_warned = true;
                    vars.warnings.push(LexError {
                        offset: line_start + l.len(),
                        len: 1,
                        message:
                            "CRLF line ending: NetworkManager ignores the \\r, but bash keeps it at the \
                                  end of the value"
                                .into(),
                        hint: Some("convert the file with dos2unix".into()),
                    });
                }
                l
            }
            None => raw,
        };
        match parse_line(line) {
            Ok(None) => {}
            Ok(Some((mut a, warning))) => {
                a.line = line_no;
                a.name_offset += line_start;
                a.value_offset += line_start;
                if let Some(w) = warning {
                    vars.warnings.push(w.shifted(line_start));
                }
                vars.assignments.push(a);
            }
            Err(LineOutcome::Error(e)) => vars.errors.push(e.shifted(line_start)),
            Err(LineOutcome::Warning(w)) => vars.warnings.push(w.shifted(line_start)),
        }
    }
    // Duplicates: the last one wins; say so at each later assignment.
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    let mut dup_warnings = Vec::new();
    for a in &vars.assignments {
        if let Some(&prev) = first.get(a.name.as_str()) {
            dup_warnings.push(LexError {
                offset: a.name_offset,
                len: a.name.len(),
                message: format!(
                    "{} is assigned on line {prev} and again on line {}; the last one wins",
                    a.name, a.line
                ),
                hint: Some("remove one of the two lines".into()),
            });
        }
        first.insert(&a.name, a.line);
    }
    vars.warnings.extend(dup_warnings);
    vars.warnings.sort_by_key(|w| w.offset);
    vars.last = vars
        .assignments
        .iter()
        .enumerate()
        .map(|(i, a)| (a.name.clone(), i))
        .collect();
    vars
}

enum LineOutcome {
    Error(LexError),
    Warning(LexError),
}

fn err(offset: usize, len: usize, message: impl Into<String>, hint: Option<String>) -> LineOutcome {
    LineOutcome::Error(LexError {
        offset,
        len,
        message: message.into(),
        hint,
    })
}

/// One line without its newline; offsets relative to the line.
fn parse_line(line: &str) -> Result<Option<(Assignment, Option<LexError>)>, LineOutcome> {
    let body_start = line.len() - line.trim_start_matches(is_blank).len();
    let body = &line[body_start..];
    if body.is_empty() || body.starts_with('#') {
        return Ok(None);
    }
    let Ok((after_eq, (exported, name))) = assignment_head(line) else {
        return Err(not_an_assignment(line, body_start));
    };
    let value_start = line.len() - after_eq.len();
    let name_offset = value_start - 1 - name.len();
    let (w, end) = lex_word(line, value_start).map_err(LineOutcome::Error)?;
    let value = w.literal().map_err(LineOutcome::Error)?;
    check_trailer(line, name, value_start, end)?;
    let warning = exported.then(|| LexError {
        offset: body_start,
        len: "export".len(),
        message: format!("`export {name}=...`: bash honours it, NetworkManager ignores the whole line"),
        hint: Some(format!("write {name}=... without export")),
    });
    Ok(Some((
        Assignment {
            name: name.to_string(),
            value,
            line: 0,
            name_offset,
            value_offset: value_start,
            value_len: end - value_start,
            exported,
        },
        warning,
    )))
}

/// After the value: blanks, at most one `;`, blanks, then a comment or the
/// end of the line (shvar.c's rule, which bash agrees with).
fn check_trailer(line: &str, name: &str, value_start: usize, end: usize) -> Result<(), LineOutcome> {
    let mut i = end;
    let bytes = line.as_bytes();
    let mut semicolon = false;
    let mut blank = false;
    loop {
        match bytes.get(i) {
            None => return Ok(()),
            Some(b' ' | b'\t') => {
                blank = true;
                i += 1;
            }
            Some(b';') if !semicolon => {
                semicolon = true;
                i += 1;
            }
            // A comment starts after a blank or a `;`: `a#b` is a word.
            Some(b'#') if blank || semicolon || i == value_start => return Ok(()),
            Some(&b) => {
                let rest = &line[i..];
                let c = rest.chars().next().expect("not at the end");
                if b == b';' {
                    return Err(err(
                        i,
                        1,
                        "a second `;`: only one assignment per line",
                        Some("put each assignment on its own line".into()),
                    ));
                }
                if "|&()<>".contains(c) {
                    return Err(err(
                        i,
                        1,
                        format!("unquoted `{c}`: bash would treat it as an operator"),
                        Some("quote the value if the character belongs to it".into()),
                    ));
                }
                return Err(more_words(line, name, value_start, end, i, semicolon));
            }
        }
    }
}

/// `A`, `A and B`, `A, B and C`.
fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// What bash does with the words after a value (at `at`, after a blank
/// or a `;`), and what NetworkManager does: shvar.c takes one assignment a
/// line, and a value followed by more than blanks, one `;` and a comment
/// is invalid to it, which it reads as the empty string
/// (`svUnescape_full`, `_svGetValue`).
fn more_words(
    line: &str,
    name: &str,
    value_start: usize,
    end: usize,
    at: usize,
    semicolon: bool,
) -> LineOutcome {
    let bytes = line.as_bytes();
    // The assignments that follow, as bash splits them, and the first
    // word that is not one (a command).
    let mut assigned: Vec<(&str, usize, usize)> = Vec::new();
    let mut command: Option<(usize, usize)> = None;
    let mut j = at;
    loop {
        while matches!(bytes.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        if j >= bytes.len() || bytes[j] == b'#' {
            break;
        }
        let word_end = |from: usize| match lex_word(line, from) {
            Ok((_, e)) if e > from => e,
            // A word grecfg cannot lex: up to the next blank.
            _ => line[from..].find(is_blank).map_or(line.len(), |k| from + k),
        };
        match assignment_head(&line[j..]) {
            Ok((_, (false, n))) => {
                let e = word_end(j + n.len() + 1).max(j + n.len() + 1);
                assigned.push((n, j, e));
                j = e;
            }
            _ => {
                let e = word_end(j).max(j + 1);
                command = Some((j, e));
                break;
            }
        }
    }
    let first = &line[value_start - 1 - name.len()..end];
    let nm = format!("NetworkManager's ifcfg-rh reader would read {name} as empty");
    match (command, assigned.first()) {
        // `A=1 B=2`, `A=1; B=2`: bash assigns them all.
        (None, Some(&(_, start, _))) => {
            let names: Vec<&str> = std::iter::once(name)
                .chain(assigned.iter().map(|a| a.0))
                .collect();
            let lines: Vec<String> = std::iter::once(first.to_string())
                .chain(assigned.iter().map(|&(_, s, e)| line[s..e].to_string()))
                .collect();
            let last = assigned.last().expect("one at least").2;
            let others = and_list(&names[1..]);
            err(
                start,
                last - start,
                format!(
                    "{} assignments on one line: bash assigns {} (initscripts sources the file), but NetworkManager's ifcfg-rh reader takes one a line: it reads {name} as empty and never sees {others}",
                    names.len(),
                    and_list(&names),
                ),
                Some(format!("put each assignment on its own line: {}", lines.join(", then "))),
            )
        }
        (Some((cs, ce)), _) => {
            let cmd = &line[cs..ce];
            let bash = if semicolon {
                format!("bash would assign {name} and then run `{cmd}` as a command")
            } else {
                let env: Vec<&str> = std::iter::once(name)
                    .chain(assigned.iter().map(|a| a.0))
                    .collect();
                format!(
                    "bash would run `{cmd}` as a command, with {} set in its environment only",
                    and_list(&env)
                )
            };
            let (off, len, hint) = if semicolon || !assigned.is_empty() {
                (
                    cs,
                    ce - cs,
                    "put each assignment on its own line, and no command in the file".to_string(),
                )
            } else {
                // A value with a blank. Show the quoted form as the fix.
                let whole = line[value_start..].trim_end_matches(is_blank);
                let whole = whole.split(" #").next().unwrap_or(whole);
                (
                    cs,
                    ce - cs,
                    format!("quote the value: {name}=\"{}\"", whole.replace('"', "\\\"")),
                )
            };
            let what = if semicolon {
                "more after `;`"
            } else {
                "unquoted blank"
            };
            err(
                off,
                len,
                format!("{what} in the value of {name}: {bash}; {nm}"),
                Some(hint),
            )
        }
        // Only an operator or something grecfg cannot split follows.
        (None, None) => err(
            at,
            line.len() - at,
            format!("more after the value of {name}: {nm}"),
            Some("put each assignment on its own line".into()),
        ),
    }
}

fn not_an_assignment(line: &str, start: usize) -> LineOutcome {
    let body = &line[start..];
    let first_len = body.find(is_blank).unwrap_or(body.len());
    let first = &body[..first_len];
    let rest = body[first_len..].trim_start_matches(is_blank);
    if first == "export" && is_name(rest) {
        return LineOutcome::Warning(LexError {
            offset: start,
            len: body.len(),
            message: format!("`export {rest}` assigns nothing; ignored"),
            hint: None,
        });
    }
    let hint = if is_name(first) && !rest.is_empty() {
        let value = rest.trim_start_matches('=').trim_start_matches(is_blank);
        Some(format!("write {first}={value}, without blanks around ="))
    } else if let Some((n, _)) = first.split_once('=') {
        (!is_name(n)).then(|| format!("{n:?} is not a variable name: letters, digits and _ only"))
    } else {
        None
    };
    err(start, first_len, "not an assignment: expected NAME=value", hint)
}
