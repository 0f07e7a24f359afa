//! Whole scripts (rc.local, pasted `ip` commands): tokens for a small shell
//! grammar. grecfg still runs nothing; it only needs the simple commands in
//! source order, so the lexer yields words, control operators and newlines,
//! drops comments and redirections, and joins `\`-newline continuations.

use nom::bytes::complete::tag;
use nom::combinator::recognize;
use nom::sequence::pair;
use nom::Parser;

use super::word::{lex_word, LexError, PResult, Piece};

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
    /// A quote or substitution the end of the text leaves open.
    pub unclosed: Option<Unclosed>,
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

/// A quote or substitution that the end of the script leaves open: the
/// shell cannot run such a script (`bash -n`: unexpected EOF while looking
/// for the matching quote).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclosed {
    /// Byte offset of the opener in the original text.
    pub offset: usize,
    /// The opener as written: `'`, `"`, `` ` ``, `$(`, `${` or `$'`.
    pub opener: &'static str,
}

impl Unclosed {
    /// What is open and what would close it.
    pub fn message(&self) -> String {
        match self.opener {
            "'" => "this single quote is never closed: the closing `'` is missing".into(),
            "\"" => "this double quote is never closed: the closing `\"` is missing".into(),
            "`" => {
                "this backquote (command substitution) is never closed: the closing `` ` `` is missing".into()
            }
            "$(" => "this command substitution `$(` is never closed: `)` is missing".into(),
            "${" => "this parameter expansion `${` is never closed: `}` is missing".into(),
            _ => "this `$'...'` quote is never closed: the closing `'` is missing".into(),
        }
    }
}

/// What a scan of a word is inside.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Inside {
    Single,
    Double,
    Backquote,
    AnsiC,
    Brace,
    /// `$(`: a nested script; the `(` not yet closed in it.
    Subst(usize),
}

/// The end of the word starting at `p`, as bash delimits it: quotes,
/// escapes, `$(...)` (a nested script, with its own quotes and
/// parentheses), `${...}` and backticks are skipped as units, even when
/// grecfg cannot read them. A quote or substitution still open at the end
/// of the text is returned with the offset of its opener (in `s`), the
/// innermost when several are open.
fn raw_word_end(s: &str, p: usize) -> (usize, Option<(usize, &'static str)>) {
    let b = s.as_bytes();
    let mut stack: Vec<(Inside, usize)> = Vec::new();
    let mut i = p;
    let blank_or_op = |c: u8| {
        matches!(
            c,
            b' ' | b'\t' | b'\n' | b';' | b'|' | b'&' | b'(' | b')' | b'<' | b'>'
        )
    };
    while i < b.len() {
        let c = b[i];
        let top = stack.last().map(|&(k, _)| k);
        // Quotes that take their contents (nearly) literally.
        match top {
            Some(Inside::Single) => {
                if c == b'\'' {
                    stack.pop();
                }
                i += 1;
                continue;
            }
            Some(Inside::AnsiC) => {
                match c {
                    b'\\' => i += 1,
                    b'\'' => {
                        stack.pop();
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            Some(Inside::Backquote) => {
                match c {
                    b'\\' => i += 1,
                    b'`' => {
                        stack.pop();
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            _ => {}
        }
        match c {
            b'\\' => {
                i += 2;
                continue;
            }
            b'$' if b.get(i + 1) == Some(&b'(') => {
                stack.push((Inside::Subst(1), i));
                i += 2;
                continue;
            }
            b'$' if b.get(i + 1) == Some(&b'{') => {
                stack.push((Inside::Brace, i));
                i += 2;
                continue;
            }
            b'`' => {
                stack.push((Inside::Backquote, i));
                i += 1;
                continue;
            }
            _ => {}
        }
        match top {
            Some(Inside::Double) => {
                if c == b'"' {
                    stack.pop();
                }
            }
            Some(Inside::Brace) => match c {
                b'}' => {
                    stack.pop();
                }
                b'"' => stack.push((Inside::Double, i)),
                b'\'' if !stack.iter().any(|&(k, _)| k == Inside::Double) => stack.push((Inside::Single, i)),
                _ => {}
            },
            Some(Inside::Subst(depth)) => match c {
                b'(' => *stack.last_mut().map(|(k, _)| k).expect("top") = Inside::Subst(depth + 1),
                b')' => {
                    if depth == 1 {
                        stack.pop();
                    } else {
                        *stack.last_mut().map(|(k, _)| k).expect("top") = Inside::Subst(depth - 1);
                    }
                }
                b'\'' => stack.push((Inside::Single, i)),
                b'"' => stack.push((Inside::Double, i)),
                b'$' if b.get(i + 1) == Some(&b'\'') => {
                    stack.push((Inside::AnsiC, i));
                    i += 1;
                }
                // A comment in the nested script, up to the end of its line.
                b'#' if i > 0 && blank_or_op(b[i - 1]) => {
                    while i + 1 < b.len() && b[i + 1] != b'\n' {
                        i += 1;
                    }
                }
                _ => {}
            },
            None => match c {
                c if blank_or_op(c) => break,
                b'\'' => stack.push((Inside::Single, i)),
                b'"' => stack.push((Inside::Double, i)),
                b'$' if b.get(i + 1) == Some(&b'\'') => {
                    stack.push((Inside::AnsiC, i));
                    i += 1;
                }
                _ => {}
            },
            Some(Inside::Single | Inside::AnsiC | Inside::Backquote) => unreachable!("handled above"),
        }
        i += 1;
    }
    let open = stack.last().map(|&(k, at)| {
        let opener = match k {
            Inside::Single => "'",
            Inside::Double => "\"",
            Inside::Backquote => "`",
            Inside::AnsiC => "$'",
            Inside::Brace => "${",
            Inside::Subst(_) => "$(",
        };
        (at, opener)
    });
    (i.min(b.len()), open)
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

fn note_unclosed(out: &mut ScriptTokens, joined: &Joined, open: Option<(usize, &'static str)>) {
    if let (None, Some((at, opener))) = (&out.unclosed, open) {
        out.unclosed = Some(Unclosed {
            offset: joined.orig(at),
            opener,
        });
    }
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
                // Every redirection starts with a digit, `<` or `>`, every
                // operator with one of `&|;()`: most words are neither, and
                // each failed nom `tag` costs an error message.
                let first = b[p];
                let redirection = matches!(first, b'0'..=b'9' | b'<' | b'>')
                    .then(|| redirection(rest).ok())
                    .flatten();
                if let Some((r, op)) = redirection {
                    let start = p;
                    p += rest.len() - r.len();
                    while p < b.len() && (b[p] == b' ' || b[p] == b'\t') {
                        p += 1;
                    }
                    let (end, open) = raw_word_end(s, p);
                    note_unclosed(&mut out, &joined, open);
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
                let operator = matches!(first, b'&' | b'|' | b';' | b'(' | b')')
                    .then(|| operator(rest).ok())
                    .flatten();
                if let Some((r, op)) = operator {
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
                            let (end, open) = raw_word_end(s, p);
                            note_unclosed(&mut out, &joined, open);
                            p = end.max(p);
                            out.redirections.push((o, joined.orig(p - 1) + 1 - o));
                            continue;
                        }
                        _ => Op::Background,
                    };
                    out.tokens.push(ScriptToken::Op(op, o));
                    continue;
                }
                let (end, open) = raw_word_end(s, p);
                note_unclosed(&mut out, &joined, open);
                let end = end.max(p + 1).min(b.len());
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
                    // Whole characters: an error at the end of the text
                    // starts at its last character, not its last byte.
                    let floor = |mut i: usize| {
                        while i > 0 && !s.is_char_boundary(i) {
                            i -= 1;
                        }
                        i
                    };
                    let o = joined.orig(floor(e.offset.min(b.len().saturating_sub(1))));
                    let last = floor((e.offset + e.len.max(1)).min(b.len()).max(1) - 1);
                    let last_end = last + s[last..].chars().next().map_or(1, char::len_utf8);
                    e.len = (joined.orig(last_end - 1) + 1).saturating_sub(o).max(1);
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
