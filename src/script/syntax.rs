//! The compound commands of a script, from the tokens of
//! [`shell::lex_script`]: enough structure to know what runs when the
//! script runs, without running anything.
//!
//! Three constructs keep their shape, because what they contain does not
//! simply run in source order:
//! - a function definition (`NAME() { ...; }`, `function NAME { ...; }`):
//!   its body runs where the function is called, not where it is defined;
//! - `case WORD in PATTERN) ...;; esac`: only one branch runs;
//! - every other simple command.
//!
//! The contents of `{ ...; }`, `( ... )`, `if`/`then`/`elif`/`else`/`fi`
//! and `while`/`until`/`for ... do ... done` are read in source order (the
//! reader does not evaluate conditions or loop), as the reserved words are
//! dropped. The parser never fails: a stray closing word is skipped, and an
//! unterminated construct ends with the script, so that what can be read is
//! read and the reader decides what matters.

use crate::shell::{self, Op, ScriptToken, ScriptWord};

/// One piece of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    /// A simple command: its words (redirections are already dropped).
    Simple(Vec<ScriptWord>),
    /// `NAME() BODY` or `function NAME BODY`.
    Function { name: ScriptWord, body: Vec<Item> },
    /// `case SUBJECT in ... esac`.
    Case {
        keyword: ScriptWord,
        subject: Option<ScriptWord>,
        arms: Vec<Arm>,
    },
}

/// One branch of `case`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Arm {
    /// The patterns before `)`, in order (`a|b)` has two).
    pub patterns: Vec<ScriptWord>,
    pub body: Vec<Item>,
    /// Where a `;&` or `;;&` ends the branch: the shell goes on with the
    /// next branch (or tests it) instead of leaving the `case`.
    pub fall_through: Option<usize>,
}

/// Where a list of commands ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    Eof,
    /// `}`
    Brace,
    /// `)`
    Paren,
    /// `fi`
    Fi,
    /// `done`
    Done,
    /// `;;`, `;&`, `;;&` or `esac`, left for the `case` parser.
    Arm,
}

struct Parser {
    toks: Vec<ScriptToken>,
    i: usize,
    /// Constructs open around the current token.
    depth: usize,
}

/// Deeper nesting is read flat: no script needs it, and a hostile input
/// must not exhaust the stack.
const MAX_DEPTH: usize = 100;

/// Parse a whole script.
pub(crate) fn parse(tokens: Vec<ScriptToken>) -> Vec<Item> {
    let mut p = Parser {
        toks: tokens,
        i: 0,
        depth: 0,
    };
    let mut out = Vec::new();
    p.list(&mut out, Stop::Eof);
    out
}

/// Every simple command in source order, function bodies and all case
/// branches included: the shape the lexer tests look at.
pub(crate) fn flatten(items: &[Item]) -> Vec<Vec<ScriptWord>> {
    let mut out = Vec::new();
    for it in items {
        match it {
            Item::Simple(w) => out.push(w.clone()),
            Item::Function { body, .. } => out.extend(flatten(body)),
            Item::Case { arms, .. } => {
                for a in arms {
                    out.extend(flatten(&a.body));
                }
            }
        }
    }
    out
}

/// A word that the shell treats as a reserved word here: unquoted, at the
/// start of a command.
fn reserved<'a>(w: &'a ScriptWord, word: &str) -> Option<&'a str> {
    (w.pieces.is_ok() && w.raw == word).then_some(w.raw.as_str())
}

fn is_function_name(w: &ScriptWord) -> bool {
    // bash accepts more, but a name that needs quoting cannot be defined.
    w.pieces.is_ok()
        && !w.raw.is_empty()
        && !w.raw.contains('=')
        && w.raw
            .chars()
            .all(|c| c.is_alphanumeric() || "_-.:@+/".contains(c))
        && !matches!(
            w.raw.as_str(),
            "if" | "then"
                | "elif"
                | "else"
                | "fi"
                | "do"
                | "done"
                | "while"
                | "until"
                | "for"
                | "case"
                | "esac"
                | "in"
                | "function"
                | "{"
                | "}"
                | "!"
                | "select"
        )
}

impl Parser {
    fn peek(&self) -> Option<&ScriptToken> {
        self.toks.get(self.i)
    }

    fn peek_op(&self, at: usize) -> Option<Op> {
        match self.toks.get(at) {
            Some(ScriptToken::Op(op, _)) => Some(*op),
            _ => None,
        }
    }

    fn skip_newlines(&mut self) {
        while matches!(self.peek(), Some(ScriptToken::Newline(_))) {
            self.i += 1;
        }
    }

    fn word(&self) -> Option<&ScriptWord> {
        match self.peek() {
            Some(ScriptToken::Word(w)) => Some(w),
            _ => None,
        }
    }

    /// Read commands into `out` until `stop`; true when it was found (and,
    /// except for [`Stop::Arm`], consumed).
    fn list(&mut self, out: &mut Vec<Item>, stop: Stop) -> bool {
        if self.depth >= MAX_DEPTH {
            return false;
        }
        self.depth += 1;
        let found = self.list_inner(out, stop);
        self.depth -= 1;
        found
    }

    fn list_inner(&mut self, out: &mut Vec<Item>, stop: Stop) -> bool {
        let mut words: Vec<ScriptWord> = Vec::new();
        let flush = |words: &mut Vec<ScriptWord>, out: &mut Vec<Item>| {
            if !words.is_empty() {
                out.push(Item::Simple(std::mem::take(words)));
            }
        };
        while let Some(tok) = self.peek().cloned() {
            match tok {
                ScriptToken::Newline(_) => {
                    flush(&mut words, out);
                    self.i += 1;
                }
                ScriptToken::Op(op, _) => match op {
                    Op::CaseEnd | Op::CaseFall if stop == Stop::Arm => {
                        flush(&mut words, out);
                        return true;
                    }
                    Op::Open => {
                        if words.len() == 1
                            && self.peek_op(self.i + 1) == Some(Op::Close)
                            && is_function_name(&words[0])
                        {
                            let name = words.pop().expect("one word");
                            self.i += 2;
                            self.function(name, out);
                        } else {
                            flush(&mut words, out);
                            self.i += 1;
                            self.list(out, Stop::Paren);
                        }
                    }
                    Op::Close => {
                        flush(&mut words, out);
                        self.i += 1;
                        if stop == Stop::Paren {
                            return true;
                        }
                    }
                    _ => {
                        flush(&mut words, out);
                        self.i += 1;
                    }
                },
                ScriptToken::Word(w) => {
                    if !words.is_empty() || w.pieces.is_err() {
                        words.push(w);
                        self.i += 1;
                        continue;
                    }
                    let closer = match stop {
                        Stop::Brace => Some("}"),
                        Stop::Fi => Some("fi"),
                        Stop::Done => Some("done"),
                        Stop::Arm => Some("esac"),
                        Stop::Eof | Stop::Paren => None,
                    };
                    if closer.is_some_and(|c| reserved(&w, c).is_some()) {
                        if stop != Stop::Arm {
                            self.i += 1;
                        }
                        return true;
                    }
                    match w.raw.as_str() {
                        "{" => {
                            self.i += 1;
                            self.list(out, Stop::Brace);
                        }
                        "if" => {
                            self.i += 1;
                            self.list(out, Stop::Fi);
                        }
                        "do" => {
                            self.i += 1;
                            self.list(out, Stop::Done);
                        }
                        "case" => {
                            self.i += 1;
                            self.case(w, out);
                        }
                        "function" => {
                            self.i += 1;
                            match self.word().cloned() {
                                Some(name) if is_function_name(&name) => {
                                    self.i += 1;
                                    if self.peek_op(self.i) == Some(Op::Open)
                                        && self.peek_op(self.i + 1) == Some(Op::Close)
                                    {
                                        self.i += 2;
                                    }
                                    self.function(name, out);
                                }
                                _ => words.push(w),
                            }
                        }
                        // Reserved words whose commands simply follow, and
                        // closing words without an opening one.
                        "then" | "elif" | "else" | "!" | "while" | "until" | "fi" | "done" | "}" | "esac" => {
                            self.i += 1
                        }
                        _ => {
                            words.push(w);
                            self.i += 1;
                        }
                    }
                }
            }
        }
        flush(&mut words, out);
        false
    }

    /// The body of a function whose name (and `()`) was read.
    fn function(&mut self, name: ScriptWord, out: &mut Vec<Item>) {
        self.skip_newlines();
        let mut body = Vec::new();
        match self.peek().cloned() {
            Some(ScriptToken::Word(w)) if reserved(&w, "{").is_some() => {
                self.i += 1;
                self.list(&mut body, Stop::Brace);
            }
            Some(ScriptToken::Word(w)) if reserved(&w, "if").is_some() => {
                self.i += 1;
                self.list(&mut body, Stop::Fi);
            }
            Some(ScriptToken::Word(w)) if reserved(&w, "case").is_some() => {
                self.i += 1;
                self.case(w, &mut body);
            }
            Some(ScriptToken::Op(Op::Open, _)) => {
                self.i += 1;
                self.list(&mut body, Stop::Paren);
            }
            // A loop or something the shell would refuse as a body: the
            // name is not a function; what follows is read as commands.
            _ => {
                out.push(Item::Simple(vec![name]));
                return;
            }
        }
        out.push(Item::Function { name, body });
    }

    /// `case` after its keyword.
    fn case(&mut self, keyword: ScriptWord, out: &mut Vec<Item>) {
        let subject = self.word().cloned();
        if subject.is_some() {
            self.i += 1;
        }
        self.skip_newlines();
        if self.word().is_some_and(|w| reserved(w, "in").is_some()) {
            self.i += 1;
        }
        let mut arms = Vec::new();
        loop {
            // Separators before a pattern or `esac`.
            while matches!(
                self.peek(),
                Some(ScriptToken::Newline(_)) | Some(ScriptToken::Op(Op::Semi, _))
            ) {
                self.i += 1;
            }
            match self.peek() {
                None => break,
                Some(ScriptToken::Word(w)) if reserved(w, "esac").is_some() => {
                    self.i += 1;
                    break;
                }
                _ => {}
            }
            if self.peek_op(self.i) == Some(Op::Open) {
                self.i += 1;
            }
            let mut patterns = Vec::new();
            let mut closed = false;
            while let Some(tok) = self.peek().cloned() {
                match tok {
                    ScriptToken::Word(w) => {
                        patterns.push(w);
                        self.i += 1;
                    }
                    ScriptToken::Op(Op::Pipe, _) => self.i += 1,
                    ScriptToken::Op(Op::Close, _) => {
                        self.i += 1;
                        closed = true;
                        break;
                    }
                    _ => break,
                }
            }
            if !closed {
                // Not a pattern list: the shell would refuse the script.
                // Read the rest as commands.
                if !patterns.is_empty() {
                    out.push(Item::Simple(patterns));
                }
                break;
            }
            let mut body = Vec::new();
            let mut fall_through = None;
            if self.list(&mut body, Stop::Arm) {
                if let Some(ScriptToken::Op(op, at)) = self.peek().cloned() {
                    self.i += 1;
                    if op == Op::CaseFall {
                        fall_through = Some(at);
                    }
                }
            }
            arms.push(Arm {
                patterns,
                body,
                fall_through,
            });
        }
        out.push(Item::Case {
            keyword,
            subject,
            arms,
        });
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::lex_script;

    fn items(s: &str) -> Vec<Item> {
        parse(lex_script(s).tokens)
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
}
