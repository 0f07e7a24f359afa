//! What the evaluator asks of the words of a parsed script: the value of
//! `$1` when the script runs without arguments, `case` patterns as a shell
//! matches them, and whether a command runs a function's arguments.

use crate::shell::{self, ScriptWord};

/// The value `$1` has when the script runs without arguments, if `word`
/// is the script's first argument: `$1`, `${1}` (empty), `${1:-D}`,
/// `${1-D}` (`D`), each bare or in double quotes, `D` a literal word.
pub(crate) fn first_argument_default(word: &ScriptWord) -> Option<String> {
    let raw = word.raw.as_str();
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    if inner == "$1" || inner == "${1}" {
        return Some(String::new());
    }
    let body = inner.strip_prefix("${1")?.strip_suffix('}')?;
    let default = body.strip_prefix(":-").or_else(|| body.strip_prefix('-'))?;
    let plain = default
        .chars()
        .all(|c| !c.is_whitespace() && !"$`\\\"'{}()<>|&;*?[]".contains(c));
    plain.then(|| default.to_string())
}

/// A `case` pattern as a shell matches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PatternChar {
    Literal(char),
    /// `*`
    Any,
    /// `?`
    One,
    /// `[...]`: ranges, negated or not.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// Compile the raw text of a pattern word without expansions: quoted
/// characters and backslash escapes are literal, unquoted `*`, `?` and
/// `[...]` are glob syntax. `None` for a word holding `$` or a backtick.
pub(crate) fn compile_pattern(raw: &str) -> Option<Vec<PatternChar>> {
    if raw.contains(['$', '`']) {
        return None;
    }
    // Literal or special, with quoting removed.
    let mut chars: Vec<(char, bool)> = Vec::new();
    let mut it = raw.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = it.next() {
        match (quote, c) {
            (None, '\'') | (None, '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => match it.peek() {
                Some(&n @ ('"' | '\\')) => {
                    it.next();
                    chars.push((n, false));
                }
                _ => chars.push(('\\', false)),
            },
            (Some(_), c) => chars.push((c, false)),
            (None, '\\') => {
                if let Some(n) = it.next() {
                    chars.push((n, false));
                }
            }
            (None, c) => chars.push((c, true)),
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (c, special) = chars[i];
        i += 1;
        if !special {
            out.push(PatternChar::Literal(c));
            continue;
        }
        match c {
            '*' => out.push(PatternChar::Any),
            '?' => out.push(PatternChar::One),
            '[' => {
                // A class up to the next `]` (a `]` right after `[` or
                // `[!` is a member); without one, `[` is literal.
                let mut j = i;
                let negated = matches!(chars.get(j), Some(('!' | '^', _)));
                if negated {
                    j += 1;
                }
                let first = j;
                let mut ranges = Vec::new();
                let mut end = None;
                while j < chars.len() {
                    let (m, _) = chars[j];
                    if m == ']' && j > first {
                        end = Some(j);
                        break;
                    }
                    if chars.get(j + 1).map(|x| x.0) == Some('-')
                        && chars.get(j + 2).is_some_and(|x| x.0 != ']')
                    {
                        ranges.push((m, chars[j + 2].0));
                        j += 3;
                    } else {
                        ranges.push((m, m));
                        j += 1;
                    }
                }
                match end {
                    Some(e) => {
                        out.push(PatternChar::Class { negated, ranges });
                        i = e + 1;
                    }
                    None => out.push(PatternChar::Literal('[')),
                }
            }
            c => out.push(PatternChar::Literal(c)),
        }
    }
    Some(out)
}

/// Whether `text` matches the whole compiled pattern.
pub(crate) fn pattern_matches(p: &[PatternChar], text: &str) -> bool {
    let t: Vec<char> = text.chars().collect();
    // Iterative glob matching with one backtrack point per `*`.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        let one = match p.get(pi) {
            Some(PatternChar::Literal(c)) => *c == t[ti],
            Some(PatternChar::One) => true,
            Some(PatternChar::Class { negated, ranges }) => {
                ranges.iter().any(|&(a, b)| a <= t[ti] && t[ti] <= b) != *negated
            }
            Some(PatternChar::Any) => {
                star = Some((pi, ti));
                pi += 1;
                continue;
            }
            None => false,
        };
        if one {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi.min(p.len())..].iter().all(|c| *c == PatternChar::Any)
}

/// Whether the simple command `words` runs the function's arguments:
/// its last word is `"$@"` (or `$@`). The words before it are the prefix
/// the function puts before its arguments (none for `run() { "$@"; }`).
pub(crate) fn runs_arguments(words: &[ScriptWord]) -> bool {
    words.last().is_some_and(|w| {
        matches!(&w.pieces, Ok(p) if matches!(p.as_slice(), [shell::Piece::Param { name, .. }] if name == "@"))
    })
}
