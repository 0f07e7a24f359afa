//! Shell words as NetworkManager's shvar.c and bash read them (nom).
//!
//! grecfg never runs a shell. It accepts what both readers of an ifcfg file
//! agree on (bash, which initscripts uses to source it, and NetworkManager's
//! `svUnescape` in `src/core/settings/plugins/ifcfg-rh/shvar.c`) and reports
//! everything else at its line and column instead of guessing: expansions,
//! command substitutions, operators, several words.
//!
//! Two layers: [`lex_word`] reads one shell word (quotes, escapes, `$NAME`)
//! and is meant to be reused for command lines (rc.local); [`parse_vars`]
//! reads a whole file of `NAME=value` lines.

use std::collections::BTreeMap;

use nom::bytes::complete::{tag, take_till, take_while, take_while1};
use nom::character::complete::{char, satisfy};
use nom::combinator::{opt, recognize};
use nom::error::{ErrorKind, ParseError};
use nom::sequence::{pair, terminated};
use nom::{IResult, Parser};

/// A problem at a byte range of the lexed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    /// Byte offset into the text given to the lexer.
    pub offset: usize,
    /// Length in bytes (0 is drawn as one caret).
    pub len: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl LexError {
    fn shifted(mut self, by: usize) -> LexError {
        self.offset += by;
        self
    }
}

/// The nom error: where the problem starts (a suffix of the input) and
/// what to say. Offsets are recovered from the suffix length.
#[derive(Debug)]
struct PErr<'a> {
    at: &'a str,
    len: usize,
    message: String,
    hint: Option<String>,
}

impl<'a> ParseError<&'a str> for PErr<'a> {
    fn from_error_kind(input: &'a str, kind: ErrorKind) -> Self {
        PErr {
            at: input,
            len: 1,
            message: format!("unexpected input ({kind:?})"),
            hint: None,
        }
    }

    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
}

type PResult<'a, T> = IResult<&'a str, T, PErr<'a>>;

fn fail<'a, T>(at: &'a str, len: usize, message: impl Into<String>, hint: Option<&str>) -> PResult<'a, T> {
    Err(nom::Err::Failure(PErr {
        at,
        len,
        message: message.into(),
        hint: hint.map(str::to_string),
    }))
}

fn to_lex_error(whole: &str, e: PErr<'_>) -> LexError {
    LexError {
        offset: whole.len() - e.at.len(),
        len: e.len,
        message: e.message,
        hint: e.hint,
    }
}

/// One piece of a word after quote removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal bytes (`$'\303'` can produce a partial UTF-8 sequence that a
    /// following piece completes, so text is kept as bytes until the end).
    Text(Vec<u8>),
    /// A parameter expansion `$NAME`, `${NAME}` or a special one (`$1`,
    /// `$?`): grecfg does not expand them, the caller decides what to say.
    Param { name: String, offset: usize, len: usize },
}

/// A shell word: its pieces and where it was in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub pieces: Vec<Piece>,
    pub offset: usize,
    pub len: usize,
}

impl Word {
    /// The word's literal text, or an error at the first expansion.
    pub fn literal(&self) -> Result<String, LexError> {
        let mut bytes = Vec::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => bytes.extend_from_slice(t),
                Piece::Param { name, offset, len } => {
                    return Err(LexError {
                        offset: *offset,
                        len: *len,
                        message: format!("shell variable ${name}: grecfg does not expand variables"),
                        hint: Some(
                            "write the value itself; bash would substitute it, NetworkManager would not"
                                .into(),
                        ),
                    });
                }
            }
        }
        String::from_utf8(bytes).map_err(|_| LexError {
            offset: self.offset,
            len: self.len,
            message: "the value is not valid UTF-8 after unescaping".into(),
            hint: None,
        })
    }
}

/// Characters that end an unquoted word (blanks and bash's operator
/// characters) or start a piece that needs its own rule.
fn is_special(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | ';' | '|' | '&' | '(' | ')' | '<' | '>' | '\'' | '"' | '$' | '`' | '\\'
    ) || is_odd_control(c)
}

/// Control characters that NetworkManager treats as whitespace but bash
/// keeps in the word: refused unquoted, so both read the same.
fn is_odd_control(c: char) -> bool {
    matches!(c, '\r' | '\x0b' | '\x0c')
}

/// Whether `c` ends an unquoted word.
pub fn ends_word(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | ';' | '|' | '&' | '(' | ')' | '<' | '>')
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `[A-Za-z_][A-Za-z0-9_]*`
fn name(s: &str) -> PResult<'_, &str> {
    recognize(pair(satisfy(is_name_start), take_while(is_name_char))).parse(s)
}

/// Whether `s` is a valid shell variable name.
pub fn is_name(s: &str) -> bool {
    matches!(name(s), Ok(("", _)))
}

/// `'...'`: everything literal up to the next `'`.
fn single_quoted(s: &str) -> PResult<'_, Vec<u8>> {
    let (rest, _) = char('\'').parse(s)?;
    let (rest, body) = take_till(|c| c == '\'' || c == '\n').parse(rest)?;
    match rest.chars().next() {
        Some('\'') => Ok((&rest[1..], body.as_bytes().to_vec())),
        _ => fail(
            s,
            1,
            "unterminated single quote",
            Some("values cannot span lines; close the quote"),
        ),
    }
}

/// `"..."`: `\$ \` \" \\` drop the backslash, other backslashes stay;
/// `$NAME`/`${NAME}` are parameters; command substitution is refused.
fn double_quoted(s: &str, base: usize, whole_len: usize) -> PResult<'_, Vec<Piece>> {
    let (mut rest, _) = char('"').parse(s)?;
    let mut pieces = Vec::new();
    let mut text = Vec::new();
    loop {
        let (r, run) = take_till(|c| matches!(c, '"' | '\\' | '$' | '`' | '\n')).parse(rest)?;
        text.extend_from_slice(run.as_bytes());
        rest = r;
        match rest.chars().next() {
            Some('"') => {
                rest = &rest[1..];
                break;
            }
            None | Some('\n') => {
                return fail(
                    s,
                    1,
                    "unterminated double quote",
                    Some("values cannot span lines; close the quote"),
                );
            }
            Some('\\') => match rest[1..].chars().next() {
                Some(c @ ('$' | '`' | '"' | '\\')) => {
                    text.push(c as u8);
                    rest = &rest[2..];
                }
                None | Some('\n') => {
                    return fail(
                        rest,
                        1,
                        "a backslash at the end of the line continues it in bash; grecfg does not support that",
                        Some("put the whole value on one line"),
                    );
                }
                Some(c) => {
                    text.push(b'\\');
                    let mut buf = [0; 4];
                    text.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    rest = &rest[1 + c.len_utf8()..];
                }
            },
            Some('`') => return backtick(rest),
            Some('$') => {
                let (r, piece) = dollar(rest, base, whole_len, true)?;
                rest = r;
                match piece {
                    Piece::Text(t) => text.extend(t),
                    p => {
                        if !text.is_empty() {
                            pieces.push(Piece::Text(std::mem::take(&mut text)));
                        }
                        pieces.push(p);
                    }
                }
            }
            Some(_) => unreachable!("take_till stops only at the matched characters"),
        }
    }
    if !text.is_empty() || pieces.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok((rest, pieces))
}

fn backtick(s: &str) -> PResult<'_, Vec<Piece>> {
    fail(
        s,
        1,
        "command substitution with backticks: grecfg never runs commands from a configuration file",
        Some("write the command's output itself"),
    )
}

/// `$...` outside single quotes. `in_double` tells whether we are inside
/// `"..."`, where NetworkManager refuses every `$`.
fn dollar(s: &str, base: usize, whole_len: usize, in_double: bool) -> PResult<'_, Piece> {
    let (rest, _) = char('$').parse(s)?;
    let offset = base + whole_len - s.len();
    match rest.chars().next() {
        Some('(') => fail(
            s,
            2,
            "command substitution $(...): grecfg never runs commands from a configuration file",
            Some("write the command's output itself"),
        ),
        Some('{') => {
            let inner = &rest[1..];
            let (after, n) = match name(inner) {
                Ok(ok) => ok,
                Err(_) => {
                    let len = inner.find('}').map_or(2, |i| i + 3);
                    return fail(
                        s,
                        len,
                        "parameter expansion ${...}: grecfg does not expand variables",
                        None,
                    );
                }
            };
            if let Some(after) = after.strip_prefix('}') {
                let len = s.len() - after.len();
                Ok((
                    after,
                    Piece::Param {
                        name: n.to_string(),
                        offset,
                        len,
                    },
                ))
            } else {
                let len = inner.find('}').map_or(2, |i| i + 3);
                fail(
                    s,
                    len,
                    "parameter expansion ${...}: grecfg does not expand variables",
                    None,
                )
            }
        }
        Some(c) if is_name_start(c) => {
            let (after, n) = name(rest)?;
            Ok((
                after,
                Piece::Param {
                    name: n.to_string(),
                    offset,
                    len: 1 + n.len(),
                },
            ))
        }
        Some(c) if c.is_ascii_digit() || "@*#?$!-".contains(c) => Ok((
            &rest[1..],
            Piece::Param {
                name: c.to_string(),
                offset,
                len: 2,
            },
        )),
        Some('\'') if !in_double => ansi_c_quoted(s),
        Some('"') if !in_double => fail(
            s,
            2,
            "locale-translated string $\"...\" is not supported",
            Some("drop the $ before the double quote"),
        ),
        _ if in_double => fail(
            s,
            1,
            "a lone $ inside double quotes: NetworkManager refuses it",
            Some("write \\$ for a literal dollar sign"),
        ),
        // bash and NetworkManager both keep a `$` that starts nothing.
        _ => Ok((rest, Piece::Text(b"$".to_vec()))),
    }
}

/// `$'...'` with the C escapes bash documents and shvar.c implements.
/// Unknown escapes keep their backslash (both do); `\cX` is bash-only and
/// refused.
fn ansi_c_quoted(s: &str) -> PResult<'_, Piece> {
    let (mut rest, _) = tag("$'").parse(s)?;
    let mut out: Vec<u8> = Vec::new();
    loop {
        let (r, run) = take_till(|c| c == '\'' || c == '\\' || c == '\n').parse(rest)?;
        out.extend_from_slice(run.as_bytes());
        rest = r;
        let mut chars = rest.chars();
        match chars.next() {
            Some('\'') => return Ok((&rest[1..], Piece::Text(out))),
            None | Some('\n') => {
                return fail(
                    s,
                    2,
                    "unterminated $'...' quote",
                    Some("values cannot span lines; close the quote"),
                );
            }
            Some(_) => {}
        }
        // A backslash escape.
        let esc = &rest[1..];
        let Some(c) = esc.chars().next() else {
            return fail(
                s,
                2,
                "unterminated $'...' quote",
                Some("values cannot span lines; close the quote"),
            );
        };
        let simple = match c {
            'a' => Some(0x07),
            'b' => Some(0x08),
            'e' | 'E' => Some(0x1b),
            'f' => Some(0x0c),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(0x0b),
            '\\' => Some(b'\\'),
            '\'' => Some(b'\''),
            '"' => Some(b'"'),
            '?' => Some(b'?'),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
            rest = &esc[1..];
            continue;
        }
        if c == '\n' {
            return fail(
                s,
                2,
                "unterminated $'...' quote",
                Some("values cannot span lines; close the quote"),
            );
        }
        if c.is_digit(8) {
            // Up to three octal digits; larger values are cut to a byte,
            // like bash and shvar.c do.
            let (r, digits) = take_while_m_n(esc, 3, |c| c.is_digit(8));
            let v = u32::from_str_radix(digits, 8).expect("octal digits");
            out.push(v as u8);
            rest = r;
            continue;
        }
        if matches!(c, 'x' | 'u' | 'U') {
            let max = match c {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let (r, digits) = take_while_m_n(&esc[1..], max, |c| c.is_ascii_hexdigit());
            if digits.is_empty() {
                // No digits: both keep the backslash and the letter.
                out.push(b'\\');
                out.push(c as u8);
                rest = &esc[1..];
                continue;
            }
            let v = u32::from_str_radix(digits, 16).expect("hex digits");
            if c == 'x' {
                out.push(v as u8);
            } else {
                let Some(ch) = char::from_u32(v) else {
                    let len = rest.len() - r.len();
                    return fail(
                        rest,
                        len,
                        format!("\\{c}{digits} is not a Unicode character"),
                        None,
                    );
                };
                let mut buf = [0; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
            rest = r;
            continue;
        }
        if c == 'c' {
            return fail(
                rest,
                2,
                "the \\c control-character escape is bash-only; NetworkManager reads it differently",
                Some("use an octal or \\x escape instead"),
            );
        }
        out.push(b'\\');
        let mut buf = [0; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        rest = &esc[c.len_utf8()..];
    }
}

/// Up to `max` leading characters of `s` satisfying `pred` (ASCII only).
fn take_while_m_n(s: &str, max: usize, pred: impl Fn(char) -> bool) -> (&str, &str) {
    let n = s.chars().take(max).take_while(|&c| pred(c)).count();
    (&s[n..], &s[..n])
}

/// One word starting at byte `start` of `text`. Returns the word and the
/// byte offset just after it; the word may be empty (when `text[start..]`
/// starts with a blank, an operator or the end). Offsets in the word and in
/// errors are relative to `text`.
pub fn lex_word(text: &str, start: usize) -> Result<(Word, usize), LexError> {
    let s = &text[start..];
    match word(s, start, s.len()) {
        Ok((rest, pieces)) => {
            let end = text.len() - rest.len();
            Ok((
                Word {
                    pieces,
                    offset: start,
                    len: end - start,
                },
                end,
            ))
        }
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(to_lex_error(s, e).shifted(start)),
        Err(nom::Err::Incomplete(_)) => unreachable!("complete parsers only"),
    }
}

/// The literal text of the word at `start` (see [`lex_word`]).
pub fn literal_word(text: &str, start: usize) -> Result<(String, usize), LexError> {
    let (w, end) = lex_word(text, start)?;
    Ok((w.literal()?, end))
}

/// The word parser proper. `base` and `whole_len` turn suffixes into
/// offsets relative to the caller's text (`base` is where `s` starts).
fn word(s: &str, base: usize, whole_len: usize) -> PResult<'_, Vec<Piece>> {
    let base = base - (whole_len - s.len());
    let mut rest = s;
    let mut pieces: Vec<Piece> = Vec::new();
    let push_text = |pieces: &mut Vec<Piece>, t: Vec<u8>| match pieces.last_mut() {
        Some(Piece::Text(prev)) => prev.extend(t),
        _ => pieces.push(Piece::Text(t)),
    };
    loop {
        if let Ok((r, run)) = take_while1::<_, _, PErr>(|c| !is_special(c)).parse(rest) {
            push_text(&mut pieces, run.as_bytes().to_vec());
            rest = r;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        match c {
            '\'' => {
                let (r, t) = single_quoted(rest)?;
                push_text(&mut pieces, t);
                rest = r;
            }
            '"' => {
                let (r, ps) = double_quoted(rest, base, whole_len)?;
                for p in ps {
                    match p {
                        Piece::Text(t) => push_text(&mut pieces, t),
                        p => pieces.push(p),
                    }
                }
                rest = r;
            }
            '$' => {
                let (r, p) = dollar(rest, base, whole_len, false)?;
                match p {
                    Piece::Text(t) => push_text(&mut pieces, t),
                    p => pieces.push(p),
                }
                rest = r;
            }
            '`' => {
                backtick(rest)?;
            }
            '\\' => match rest[1..].chars().next() {
                None | Some('\n') => {
                    return fail(
                        rest,
                        1,
                        "a backslash at the end of the line continues it in bash; grecfg does not support that",
                        Some("put the whole value on one line"),
                    );
                }
                Some(c) => {
                    let mut buf = [0; 4];
                    push_text(&mut pieces, c.encode_utf8(&mut buf).as_bytes().to_vec());
                    rest = &rest[1 + c.len_utf8()..];
                }
            },
            c if is_odd_control(c) => {
                return fail(
                    rest,
                    1,
                    format!("control character {c:?} in an unquoted value"),
                    Some("bash keeps it, NetworkManager treats it as a blank: quote the value as $'...'"),
                );
            }
            _ => break,
        }
    }
    Ok((rest, pieces))
}

/// One `NAME=value` line of a shell-variable file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
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
/// wrong or doubtful, with byte offsets into the text.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    pub assignments: Vec<Assignment>,
    pub errors: Vec<LexError>,
    pub warnings: Vec<LexError>,
}

impl Vars {
    /// The effective assignment of `name` (the last one wins, as in bash).
    pub fn get(&self, name: &str) -> Option<&Assignment> {
        self.assignments.iter().rev().find(|a| a.name == name)
    }

    /// The effective assignments, one per name, in the order of their
    /// effective (last) line.
    pub fn effective(&self) -> Vec<&Assignment> {
        let mut last: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, a) in self.assignments.iter().enumerate() {
            last.insert(&a.name, i);
        }
        let mut idx: Vec<usize> = last.into_values().collect();
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
pub fn parse_vars(text: &str) -> Vars {
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
                if semicolon {
                    return Err(err(
                        i,
                        rest.len(),
                        "more after `;`: only one assignment per line",
                        Some("put each assignment on its own line".into()),
                    ));
                }
                // A second word. Show the quoted form as the fix.
                let word_len = rest.find(is_blank).unwrap_or(rest.len());
                let whole = line[value_start..].trim_end_matches(is_blank);
                let whole = whole.split(" #").next().unwrap_or(whole);
                return Err(err(
                    i,
                    word_len,
                    format!(
                        "unquoted blank in the value of {name}: bash would run `{}` as a command",
                        &rest[..word_len]
                    ),
                    Some(format!(
                        "quote the value: {name}=\"{}\"",
                        whole.replace('"', "\\\"")
                    )),
                ));
            }
        }
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

// ---------------------------------------------------------------------------
// Whole scripts (rc.local, pasted `ip` commands): tokens for a small shell
// grammar. grecfg still runs nothing; it only needs the simple commands in
// source order, so the lexer yields words, control operators and newlines,
// drops comments and redirections, and joins `\`-newline continuations.
// ---------------------------------------------------------------------------

/// A control operator between simple commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `;`
    Semi,
    /// `;;`, which ends a branch of `case`
    CaseEnd,
    /// `;&` or `;;&`, which end a branch of `case` and go on with the next
    CaseFall,
    /// `&`
    Background,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `|` or `|&`
    Pipe,
    /// `(`
    Open,
    /// `)`
    Close,
}

/// One word of a script. Offsets are byte offsets into the original text
/// (before continuations were joined), also inside `pieces` and `error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptWord {
    /// The pieces, or why the word cannot be read (`$(...)`, backticks,
    /// `${x:-y}`, an unterminated quote...). A bad word is an error only
    /// where grecfg has to interpret it.
    pub pieces: Result<Vec<Piece>, LexError>,
    pub offset: usize,
    pub len: usize,
    /// The word as written (continuations removed).
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptToken {
    Word(ScriptWord),
    Op(Op, usize),
    /// End of a line (ends a command like `;`).
    Newline(usize),
}

/// A lexed script.
#[derive(Debug, Clone, Default)]
pub struct ScriptTokens {
    pub tokens: Vec<ScriptToken>,
    /// Offsets of a `\` followed only by blanks up to the end of its line:
    /// it escapes a blank, it does not continue the line.
    pub escaped_blanks: Vec<usize>,
    /// 1-based numbers of lines holding a comment.
    pub comment_lines: Vec<usize>,
    /// Offsets of dropped redirections, with their length.
    pub redirections: Vec<(usize, usize)>,
}

/// Joined text and the map back to original offsets.
struct Joined {
    text: String,
    /// (joined offset, bytes removed before it), increasing.
    shifts: Vec<(usize, usize)>,
}

impl Joined {
    fn orig(&self, j: usize) -> usize {
        let i = self.shifts.partition_point(|&(p, _)| p <= j);
        if i == 0 {
            j
        } else {
            j + self.shifts[i - 1].1
        }
    }
}

/// Remove `\`-newline continuations (outside single quotes and comments)
/// and the `\r` of CRLF line ends, remembering where bytes went.
fn join_lines(text: &str, escaped_blanks: &mut Vec<usize>, comment_lines: &mut Vec<usize>) -> Joined {
    #[derive(PartialEq)]
    enum St {
        Normal,
        Single,
        Double,
        Comment,
    }
    let b = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut shifts = Vec::new();
    let mut removed = 0;
    let mut st = St::Normal;
    let mut word_start = true;
    let mut line = 1;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\r' && b.get(i + 1) == Some(&b'\n') {
            removed += 1;
            shifts.push((out.len(), removed));
            i += 1;
            continue;
        }
        if c == b'\n' {
            line += 1;
            if st == St::Comment {
                st = St::Normal;
            }
            word_start = true;
            out.push(c);
            i += 1;
            continue;
        }
        match st {
            St::Comment => {
                out.push(c);
                i += 1;
            }
            St::Single => {
                if c == b'\'' {
                    st = St::Normal;
                }
                out.push(c);
                i += 1;
            }
            St::Double | St::Normal if c == b'\\' => {
                let nl = match (b.get(i + 1), b.get(i + 2)) {
                    (Some(b'\n'), _) => Some(2),
                    (Some(b'\r'), Some(b'\n')) => Some(3),
                    _ => None,
                };
                if let Some(n) = nl {
                    removed += n;
                    shifts.push((out.len(), removed));
                    line += 1;
                    i += n;
                    continue;
                }
                if st == St::Normal {
                    let blanks = b[i + 1..]
                        .iter()
                        .take_while(|&&x| x == b' ' || x == b'\t')
                        .count();
                    let after = b.get(i + 1 + blanks);
                    if blanks > 0 && matches!(after, None | Some(b'\n') | Some(b'\r')) {
                        escaped_blanks.push(i);
                    }
                }
                out.push(c);
                if let Some(&n) = b.get(i + 1) {
                    if n != b'\n' && n != b'\r' {
                        // Copy the escaped byte (a UTF-8 lead byte is
                        // copied with its continuation bytes below).
                        out.push(n);
                        i += 1;
                    }
                }
                i += 1;
                word_start = false;
            }
            St::Double => {
                if c == b'"' {
                    st = St::Normal;
                }
                out.push(c);
                i += 1;
            }
            St::Normal => {
                match c {
                    b'\'' => st = St::Single,
                    b'"' => st = St::Double,
                    b'#' if word_start => {
                        st = St::Comment;
                        if comment_lines.last() != Some(&line) {
                            comment_lines.push(line);
                        }
                    }
                    _ => {}
                }
                word_start = matches!(c, b' ' | b'\t' | b';' | b'|' | b'&' | b'(' | b')' | b'<' | b'>');
                out.push(c);
                i += 1;
            }
        }
    }
    // Only ASCII bytes were removed or split off, so this is still UTF-8;
    // fall back to a lossy copy rather than panic if that ever changes.
    let text = String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Joined { text, shifts }
}

/// The end of the word starting at `p`, as bash delimits it: quotes,
/// escapes, `$(...)`, `${...}` and backticks are skipped as units, even when
/// grecfg cannot read them.
fn raw_word_end(s: &str, p: usize) -> usize {
    let b = s.as_bytes();
    let mut i = p;
    let skip_to = |from: usize, close: u8| -> usize {
        let mut j = from;
        while j < b.len() {
            if b[j] == b'\\' && close != b'\'' {
                j += 2;
                continue;
            }
            if b[j] == close {
                return j + 1;
            }
            j += 1;
        }
        b.len()
    };
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\n' | b';' | b'|' | b'&' | b'(' | b')' | b'<' | b'>' => break,
            b'\'' => i = skip_to(i + 1, b'\''),
            b'"' => i = skip_to(i + 1, b'"'),
            b'`' => i = skip_to(i + 1, b'`'),
            b'\\' => i += 2,
            b'$' if b.get(i + 1) == Some(&b'(') => {
                let mut depth = 0usize;
                let mut j = i + 1;
                while j < b.len() {
                    match b[j] {
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                i = (j + 1).min(b.len());
            }
            b'$' if b.get(i + 1) == Some(&b'{') => i = skip_to(i + 2, b'}'),
            _ => i += 1,
        }
    }
    i.min(b.len())
}

fn operator(s: &str) -> PResult<'_, &str> {
    use nom::branch::alt;
    alt((
        tag("&&"),
        tag("||"),
        tag(";;&"),
        tag(";;"),
        tag(";&"),
        tag(";"),
        tag("|&"),
        tag("|"),
        tag("&>>"),
        tag("&>"),
        tag("&"),
        tag("("),
        tag(")"),
    ))
    .parse(s)
}

/// A redirection operator (after an optional file descriptor number).
fn redirection(s: &str) -> PResult<'_, &str> {
    use nom::branch::alt;
    use nom::character::complete::digit0;
    recognize(pair(
        digit0,
        alt((
            tag(">>"),
            tag(">&"),
            tag(">|"),
            tag(">"),
            tag("<<<"),
            tag("<<-"),
            tag("<<"),
            tag("<&"),
            tag("<>"),
            tag("<"),
        )),
    ))
    .parse(s)
}

/// Shift every offset of a word read from the joined text back to the
/// original text.
fn remap_pieces(pieces: Vec<Piece>, j: &Joined) -> Vec<Piece> {
    pieces
        .into_iter()
        .map(|p| match p {
            Piece::Param { name, offset, len } => {
                let o = j.orig(offset);
                let e = j.orig(offset + len - 1) + 1;
                Piece::Param {
                    name,
                    offset: o,
                    len: e - o,
                }
            }
            t => t,
        })
        .collect()
}

/// Lex a whole script into words and operators. Never fails: what cannot be
/// read is kept as a bad word, and the caller decides whether it matters.
pub fn lex_script(text: &str) -> ScriptTokens {
    let mut out = ScriptTokens::default();
    let joined = join_lines(text, &mut out.escaped_blanks, &mut out.comment_lines);
    let s = joined.text.as_str();
    let b = s.as_bytes();
    let mut p = 0;
    let mut pending_heredocs: Vec<(String, bool)> = Vec::new();
    while p < b.len() {
        match b[p] {
            b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c' => p += 1,
            b'\n' => {
                out.tokens.push(ScriptToken::Newline(joined.orig(p)));
                p += 1;
                // Here-document bodies are data, not commands.
                for (delim, strip) in std::mem::take(&mut pending_heredocs) {
                    while p < b.len() {
                        let end = s[p..].find('\n').map_or(b.len(), |i| p + i);
                        let line = &s[p..end];
                        let line = if strip {
                            line.trim_start_matches('\t')
                        } else {
                            line
                        };
                        p = (end + 1).min(b.len());
                        if line.trim_end_matches('\r') == delim {
                            break;
                        }
                    }
                }
            }
            b'#' => {
                p = s[p..].find('\n').map_or(b.len(), |i| p + i);
            }
            _ => {
                let rest = &s[p..];
                if let Ok((r, op)) = redirection(rest) {
                    let start = p;
                    p += rest.len() - r.len();
                    while p < b.len() && (b[p] == b' ' || b[p] == b'\t') {
                        p += 1;
                    }
                    let end = raw_word_end(s, p);
                    if op.ends_with("<<") || op.ends_with("<<-") {
                        let delim: String = s[p..end]
                            .chars()
                            .filter(|c| !matches!(c, '\'' | '"' | '\\'))
                            .collect();
                        pending_heredocs.push((delim, op.ends_with('-')));
                    }
                    p = end.max(p);
                    let o = joined.orig(start);
                    out.redirections
                        .push((o, joined.orig(p.max(start + 1) - 1) + 1 - o));
                    continue;
                }
                if let Ok((r, op)) = operator(rest) {
                    let o = joined.orig(p);
                    p += rest.len() - r.len();
                    let op = match op {
                        "&&" => Op::And,
                        "||" => Op::Or,
                        ";" => Op::Semi,
                        ";;" => Op::CaseEnd,
                        ";;&" | ";&" => Op::CaseFall,
                        "|" | "|&" => Op::Pipe,
                        "(" => Op::Open,
                        ")" => Op::Close,
                        "&>" | "&>>" => {
                            // `&>file`: a redirection of both outputs.
                            while p < b.len() && (b[p] == b' ' || b[p] == b'\t') {
                                p += 1;
                            }
                            p = raw_word_end(s, p).max(p);
                            out.redirections.push((o, joined.orig(p - 1) + 1 - o));
                            continue;
                        }
                        _ => Op::Background,
                    };
                    out.tokens.push(ScriptToken::Op(op, o));
                    continue;
                }
                let end = raw_word_end(s, p).max(p + 1).min(b.len());
                let end = (p + 1..=end)
                    .rev()
                    .find(|&e| s.is_char_boundary(e))
                    .unwrap_or(end);
                let pieces = match lex_word(s, p) {
                    Ok((w, e)) if e == end => Ok(remap_pieces(w.pieces, &joined)),
                    Ok((_, e)) => Err(LexError {
                        offset: e,
                        len: 1,
                        message: format!("cannot read the word {:?}", &s[p..end]),
                        hint: None,
                    }),
                    Err(e) => Err(e),
                }
                .map_err(|mut e| {
                    let o = joined.orig(e.offset.min(b.len().saturating_sub(1)));
                    let last = (e.offset + e.len.max(1)).min(b.len()).max(1) - 1;
                    e.len = (joined.orig(last) + 1).saturating_sub(o).max(1);
                    e.offset = o;
                    e
                });
                let o = joined.orig(p);
                let oe = joined.orig(end - 1) + 1;
                out.tokens.push(ScriptToken::Word(ScriptWord {
                    pieces,
                    offset: o,
                    len: oe - o,
                    raw: s[p..end].to_string(),
                }));
                p = end;
            }
        }
    }
    out
}

/// The characters no shell treats specially.
pub fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_./:@+,=-".contains(c)
}

/// Quote one word for a POSIX shell: bare when it holds only characters no
/// shell treats specially (`[A-Za-z0-9_./:@+,=-]`; a leading `-` is only
/// special to the program, which gets the word as it is), else in single
/// quotes, each `'` written `'\''`. Words never stand in command position
/// (commands start with a fixed program name), so `=` needs no quoting.
///
/// `None` when `s` holds NUL, which no shell word can.
pub fn sh_quote(s: &str) -> Option<String> {
    if s.contains('\0') {
        return None;
    }
    if !s.is_empty() && s.chars().all(is_plain) {
        return Some(s.to_string());
    }
    Some(format!("'{}'", s.replace('\'', r"'\''")))
}

#[cfg(test)]
mod tests {
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
        let cases: [(&str, (usize, usize), &str); 20] = [
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
            ("A=a; B=c", (1, 6), "more after `;`"),
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
}
