//! One shell word: quotes, escapes and `$NAME`, with offsets into the text.

use nom::bytes::complete::{tag, take_till, take_while, take_while1};
use nom::character::complete::{char, satisfy};
use nom::combinator::recognize;
use nom::error::{ErrorKind, ParseError};
use nom::sequence::pair;
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
    pub(super) fn shifted(mut self, by: usize) -> LexError {
        self.offset += by;
        self
    }
}

/// The nom error: where the problem starts (a suffix of the input) and
/// what to say. Offsets are recovered from the suffix length.
#[derive(Debug)]
pub(super) struct PErr<'a> {
    at: &'a str,
    len: usize,
    /// `Err(kind)` for nom's own errors, said only when one reaches the
    /// user: most are alternatives tried and dropped, so they cost nothing.
    message: Result<String, ErrorKind>,
    hint: Option<String>,
}

impl<'a> ParseError<&'a str> for PErr<'a> {
    fn from_error_kind(input: &'a str, kind: ErrorKind) -> Self {
        PErr {
            at: input,
            len: 1,
            message: Err(kind),
            hint: None,
        }
    }

    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
}

pub(super) type PResult<'a, T> = IResult<&'a str, T, PErr<'a>>;

fn fail<'a, T>(at: &'a str, len: usize, message: impl Into<String>, hint: Option<&str>) -> PResult<'a, T> {
    Err(nom::Err::Failure(PErr {
        at,
        len,
        message: Ok(message.into()),
        hint: hint.map(str::to_string),
    }))
}

fn to_lex_error(whole: &str, e: PErr<'_>) -> LexError {
    LexError {
        offset: whole.len() - e.at.len(),
        len: e.len,
        message: e
            .message
            .unwrap_or_else(|kind| format!("unexpected input ({kind:?})")),
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
pub(crate) struct Word {
    pub pieces: Vec<Piece>,
    pub offset: usize,
    pub len: usize,
}

impl Word {
    /// The word's literal text, or an error at the first expansion.
    pub(crate) fn literal(&self) -> Result<String, LexError> {
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

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `[A-Za-z_][A-Za-z0-9_]*`
pub(super) fn name(s: &str) -> PResult<'_, &str> {
    recognize(pair(satisfy(is_name_start), take_while(is_name_char))).parse(s)
}

/// Whether `s` is a valid shell variable name.
pub(crate) fn is_name(s: &str) -> bool {
    matches!(name(s), Ok(("", _)))
}

/// `'...'`: everything literal up to the next `'`.
fn single_quoted(s: &str) -> PResult<'_, Vec<u8>> {
    let (rest, _) = char('\'').parse(s)?;
    let (rest, body) = take_till(|c| c == '\'').parse(rest)?;
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
        let (r, run) = take_till(|c| matches!(c, '"' | '\\' | '$' | '`')).parse(rest)?;
        text.extend_from_slice(run.as_bytes());
        rest = r;
        match rest.chars().next() {
            Some('"') => {
                rest = &rest[1..];
                break;
            }
            None => {
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
        let (r, run) = take_till(|c| c == '\'' || c == '\\').parse(rest)?;
        out.extend_from_slice(run.as_bytes());
        rest = r;
        let mut chars = rest.chars();
        match chars.next() {
            Some('\'') => return Ok((&rest[1..], Piece::Text(out))),
            None => {
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
pub(crate) fn lex_word(text: &str, start: usize) -> Result<(Word, usize), LexError> {
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
#[cfg(test)]
pub(crate) fn literal_word(text: &str, start: usize) -> Result<(String, usize), LexError> {
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
