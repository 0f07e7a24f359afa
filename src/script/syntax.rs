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
//! dropped. What makes the shell refuse the script (`bash -n`, `sh -n`) is
//! a [`SyntaxError`]: a construct the end of the script leaves open (an
//! `if` without `fi`, a `{` without `}`...), a closing word that closes
//! nothing open, a function without a body. The parser still reads what it
//! can, so that fuzzing and the tests see the whole shape.

use std::rc::Rc;

use crate::shell::{Op, ScriptToken, ScriptWord};

/// One piece of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    /// A simple command: its words (redirections are already dropped).
    Simple(Vec<ScriptWord>),
    /// `NAME() BODY` or `function NAME BODY`. The body is shared: each
    /// time the definition runs (in a function called again) it defines
    /// the same function, without a copy.
    Function { name: ScriptWord, body: Rc<Vec<Item>> },
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

/// A construct the shell refuses: `bash -n` and `sh -n` reject the
/// script, so none of it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub offset: usize,
    pub len: usize,
    pub message: String,
    pub hint: String,
}

/// A parsed script: its items, and what makes the shell refuse it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Script {
    pub items: Vec<Item>,
    pub errors: Vec<SyntaxError>,
}

/// What ended a list of commands.
#[derive(Debug, Clone)]
enum End {
    /// One of the reserved words the list was waiting for (consumed).
    Word(ScriptWord),
    /// `)`, when the list was waiting for it (consumed).
    Paren,
    /// `;;`, `;&`, `;;&` or `esac` in a branch of `case` (not consumed).
    Arm,
    /// A closing word, `)` or `;;` that closes nothing the list waits for
    /// (not consumed; see [`Parser::settle`]): its offset, length and
    /// text.
    Stray(usize, usize, String),
    Eof,
    /// Nesting deeper than [`MAX_DEPTH`]: read flat, nothing consumed.
    Deep,
}

/// What a list of commands waits for.
#[derive(Clone, Copy)]
struct Until {
    words: &'static [&'static str],
    paren: bool,
    arm: bool,
}

const TOP: Until = Until {
    words: &[],
    paren: false,
    arm: false,
};

const fn words(words: &'static [&'static str]) -> Until {
    Until {
        words,
        paren: false,
        arm: false,
    }
}

/// Reserved words that close or continue a construct: at the start of a
/// command, each is a syntax error unless that construct is open.
const CLOSERS: [&str; 8] = ["then", "elif", "else", "fi", "do", "done", "esac", "}"];

struct Parser {
    toks: Vec<ScriptToken>,
    i: usize,
    /// Constructs open around the current token.
    depth: usize,
    /// Whether nesting went past [`MAX_DEPTH`]: then closing words are
    /// read flat and say nothing of the script's syntax.
    too_deep: bool,
    errors: Vec<SyntaxError>,
    /// What the lists being read wait for, innermost last.
    open: Vec<Until>,
}

/// Deeper nesting is read flat: no script needs it, and a hostile input
/// must not exhaust the stack.
const MAX_DEPTH: usize = 100;

/// Parse a whole script.
pub(crate) fn parse(tokens: Vec<ScriptToken>) -> Script {
    let mut p = Parser {
        toks: tokens,
        i: 0,
        depth: 0,
        too_deep: false,
        errors: Vec::new(),
        open: Vec::new(),
    };
    let mut items = Vec::new();
    while let End::Stray(at, len, text) = p.list(&mut items, TOP) {
        p.stray(at, len, &text, None);
        p.i += 1;
    }
    let errors = if p.too_deep { Vec::new() } else { p.errors };
    Script { items, errors }
}
/// Every simple command in source order, function bodies and all case
/// branches included: the shape the lexer tests look at.
pub(crate) fn flatten(items: &[Item]) -> Vec<&[ScriptWord]> {
    fn walk<'a>(items: &'a [Item], out: &mut Vec<&'a [ScriptWord]>) {
        for it in items {
            match it {
                Item::Simple(w) => out.push(w),
                Item::Function { body, .. } => walk(body, out),
                Item::Case { arms, .. } => {
                    for a in arms {
                        walk(&a.body, out);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(items, &mut out);
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

/// What a closing word (or `)`, `;;`) would close.
fn opener_of(closer: &str) -> &'static str {
    match closer {
        "then" | "elif" | "else" | "fi" => "`if`",
        "do" | "done" => "`while`, `until` or `for`",
        "}" => "`{`",
        ")" => "`(`",
        _ => "`case`",
    }
}

/// An opening word or `(`, for messages.
struct Opener {
    offset: usize,
    len: usize,
    text: String,
}

impl Opener {
    fn of(w: &ScriptWord) -> Opener {
        Opener {
            offset: w.offset,
            len: w.len,
            text: w.raw.clone(),
        }
    }
}

pub(crate) const UNCLOSED_HINT: &str =
    "the shell reads to the end of the file looking for it and refuses the whole script \
     (`bash -n`: syntax error: unexpected end of file), so none of it runs; close it where it ends";

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

    /// The word at the current token, taken out of the tokens (the parser
    /// never goes back), and the next token; `None` when it is no word.
    fn take_word(&mut self) -> Option<ScriptWord> {
        let Some(ScriptToken::Word(w)) = self.toks.get_mut(self.i) else {
            return None;
        };
        let offset = w.offset;
        let ScriptToken::Word(w) = std::mem::replace(&mut self.toks[self.i], ScriptToken::Newline(offset))
        else {
            unreachable!("a word was here");
        };
        self.i += 1;
        Some(w)
    }

    fn error(&mut self, offset: usize, len: usize, message: String, hint: String) {
        self.errors.push(SyntaxError {
            offset,
            len,
            message,
            hint,
        });
    }

    /// A construct the end of the script leaves open.
    fn unclosed(&mut self, o: &Opener, missing: &str) {
        self.error(
            o.offset,
            o.len,
            format!("this `{}` is never closed: {missing}", o.text),
            UNCLOSED_HINT.into(),
        );
    }

    /// `end` right after `after`, with no command between them.
    fn empty(&mut self, w: &ScriptWord, after: &str) {
        let end = w.raw.clone();
        self.error(
            w.offset,
            w.len,
            format!("unexpected `{end}`: no command between `{after}` and it"),
            format!(
                "the shell needs a command there (`:` does nothing) and refuses the whole script (`bash -n`: syntax error near unexpected token `{end}'), so none of it runs"
            ),
        );
    }

    /// An operator with no command before it (`&& x`, `; x`), or one that
    /// waits for a command the list ends without (`x &&`, `x |`).
    fn operator_error(&mut self, at: usize, text: &str, before: bool) {
        let message = if before {
            format!("unexpected `{text}`: no command before it")
        } else {
            format!("`{text}` is followed by no command")
        };
        self.error(
            at,
            text.len(),
            message,
            format!(
                "the shell refuses the whole script (`bash -n`: syntax error near `{text}'), so none of it runs"
            ),
        );
    }

    /// A closing word that closes nothing open, or not what is open.
    fn stray(&mut self, at: usize, len: usize, text: &str, waiting: Option<(&Opener, &str)>) {
        let message = match waiting {
            Some((o, wants)) => format!(
                "unexpected `{text}`: the `{}` before it is still open and waits for {wants}",
                o.text
            ),
            None => format!("unexpected `{text}`: no {} is open here", opener_of(text)),
        };
        self.error(
            at,
            len,
            message,
            format!(
                "the shell refuses the whole script (`bash -n`: syntax error near unexpected token `{text}'), so none of it runs"
            ),
        );
    }

    /// Wait for one of `until`'s words after `o`: the word, or `None` when
    /// the script ends first or something else closes (both reported).
    /// `after` is the word the list follows: the shell needs a command
    /// between it and the word that ends the list.
    #[allow(clippy::too_many_arguments)]
    fn expect(
        &mut self,
        out: &mut Vec<Item>,
        o: &Opener,
        until: Until,
        missing: &str,
        wants: &str,
        after: &str,
    ) -> Option<ScriptWord> {
        let before = out.len();
        match self.list(out, until) {
            End::Word(w) => {
                if out.len() == before {
                    self.empty(&w, after);
                }
                Some(w)
            }
            End::Eof => {
                self.unclosed(o, missing);
                None
            }
            End::Stray(at, len, text) => {
                self.stray(at, len, &text, Some((o, wants)));
                self.settle();
                None
            }
            End::Deep | End::Paren | End::Arm => None,
        }
    }

    /// Read commands into `out` until what `until` waits for, a stray
    /// closing word or the end.
    fn list(&mut self, out: &mut Vec<Item>, until: Until) -> End {
        if self.depth >= MAX_DEPTH {
            self.too_deep = true;
            return End::Deep;
        }
        self.depth += 1;
        self.open.push(until);
        let end = self.list_inner(out, until);
        self.open.pop();
        self.depth -= 1;
        end
    }

    /// After a stray closing token was reported: leave it for an enclosing
    /// list that waits for it (`}` in `{ if x; then y; }` closes the `{`),
    /// else skip it.
    fn settle(&mut self) {
        let awaited = match self.peek() {
            Some(ScriptToken::Word(w)) => self.open.iter().any(|u| {
                u.words.iter().any(|c| reserved(w, c).is_some()) || (u.arm && reserved(w, "esac").is_some())
            }),
            Some(ScriptToken::Op(Op::Close, _)) => self.open.iter().any(|u| u.paren),
            Some(ScriptToken::Op(Op::CaseEnd | Op::CaseFall, _)) => self.open.iter().any(|u| u.arm),
            _ => false,
        };
        if !awaited {
            self.i += 1;
        }
    }

    fn list_inner(&mut self, out: &mut Vec<Item>, until: Until) -> End {
        let mut words: Vec<ScriptWord> = Vec::new();
        let flush = |words: &mut Vec<ScriptWord>, out: &mut Vec<Item>| {
            if !words.is_empty() {
                out.push(Item::Simple(std::mem::take(words)));
            }
        };
        // Whether a command stands before the next operator, and the
        // `&&`, `||` or `|` still waiting for the command after it (which
        // may follow on a later line).
        let mut have = false;
        let mut pending: Option<(usize, &'static str)> = None;
        let end = loop {
            let Some(tok) = self.peek() else {
                break End::Eof;
            };
            match *tok {
                ScriptToken::Newline(_) => {
                    flush(&mut words, out);
                    self.i += 1;
                    if pending.is_none() {
                        have = false;
                    }
                }
                ScriptToken::Op(op @ (Op::Semi | Op::Background | Op::And | Op::Or | Op::Pipe), at) => {
                    flush(&mut words, out);
                    self.i += 1;
                    let text = match op {
                        Op::Semi => ";",
                        Op::Background => "&",
                        Op::And => "&&",
                        Op::Or => "||",
                        _ => "|",
                    };
                    if !have {
                        self.operator_error(at, text, true);
                    }
                    have = false;
                    pending = matches!(op, Op::And | Op::Or | Op::Pipe).then_some((at, text));
                }
                ScriptToken::Op(op, at) => match op {
                    Op::CaseEnd | Op::CaseFall if until.arm => {
                        flush(&mut words, out);
                        break End::Arm;
                    }
                    Op::CaseEnd | Op::CaseFall => {
                        flush(&mut words, out);
                        let text = if op == Op::CaseEnd { ";;" } else { ";&" };
                        break End::Stray(at, 2, text.into());
                    }
                    Op::Open => {
                        (have, pending) = (true, None);
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
                            self.subshell(at, out);
                        }
                    }
                    Op::Close => {
                        flush(&mut words, out);
                        if until.paren {
                            self.i += 1;
                            break End::Paren;
                        }
                        break End::Stray(at, 1, ")".into());
                    }
                    _ => unreachable!("the operators between commands are read above"),
                },
                ScriptToken::Word(ref w) => {
                    if !words.is_empty() || w.pieces.is_err() {
                        words.extend(self.take_word());
                        continue;
                    }
                    let ends_arm = until.arm && reserved(w, "esac").is_some();
                    let awaited = until.words.iter().any(|c| reserved(w, c).is_some());
                    let closer = CLOSERS.iter().any(|c| reserved(w, c).is_some());
                    if !(ends_arm || awaited || closer) {
                        (have, pending) = (true, None);
                    }
                    if ends_arm {
                        break End::Arm;
                    }
                    if awaited {
                        break End::Word(self.take_word().expect("a word"));
                    }
                    if closer {
                        break End::Stray(w.offset, w.len, w.raw.clone());
                    }
                    let w = self.take_word().expect("a word");
                    match w.raw.as_str() {
                        "{" => self.group(&w, out),
                        "if" => self.if_(&w, out),
                        "while" | "until" => self.loop_(&w, out),
                        "for" | "select" => self.for_(&w, out),
                        "case" => self.case(w, out),
                        "function" => match self.word() {
                            Some(name) if is_function_name(name) => {
                                let name = self.take_word().expect("a word");
                                if self.peek_op(self.i) == Some(Op::Open)
                                    && self.peek_op(self.i + 1) == Some(Op::Close)
                                {
                                    self.i += 2;
                                }
                                self.function(name, out);
                            }
                            _ => words.push(w),
                        },
                        // Its command simply follows.
                        "!" => {}
                        _ => words.push(w),
                    }
                }
            }
        };
        flush(&mut words, out);
        if let Some((at, text)) = pending {
            if !matches!(end, End::Deep) {
                self.operator_error(at, text, false);
            }
        }
        end
    }

    /// `{ ...; }` after its `{`.
    fn group(&mut self, w: &ScriptWord, out: &mut Vec<Item>) {
        let o = Opener::of(w);
        self.expect(out, &o, words(&["}"]), "`}` is missing", "`}`", "{");
    }

    /// `( ... )` after its `(`, at offset `at`.
    fn subshell(&mut self, at: usize, out: &mut Vec<Item>) {
        let o = Opener {
            offset: at,
            len: 1,
            text: "(".into(),
        };
        let until = Until {
            words: &[],
            paren: true,
            arm: false,
        };
        let before = out.len();
        match self.list(out, until) {
            End::Paren if out.len() == before => {
                if let Some(&ScriptToken::Op(Op::Close, at)) = self.toks.get(self.i - 1) {
                    self.operator_error(at, ")", true);
                }
            }
            End::Eof => self.unclosed(&o, "`)` is missing"),
            End::Stray(at, len, text) => {
                self.stray(at, len, &text, Some((&o, "`)`")));
                self.settle();
            }
            _ => {}
        }
    }

    /// `if ...; then ...; [elif ...; then ...;] [else ...;] fi` after `if`.
    fn if_(&mut self, w: &ScriptWord, out: &mut Vec<Item>) {
        let o = Opener::of(w);
        let then = |p: &mut Parser, out: &mut Vec<Item>, after: &str| {
            p.expect(
                out,
                &o,
                words(&["then"]),
                "`then` and `fi` are missing",
                "`then`",
                after,
            )
            .is_some()
        };
        if !then(self, out, "if") {
            return;
        }
        loop {
            match self.expect(
                out,
                &o,
                words(&["elif", "else", "fi"]),
                "`fi` is missing",
                "`fi`",
                "then",
            ) {
                Some(w) if w.raw == "elif" => {
                    if !then(self, out, "elif") {
                        return;
                    }
                }
                Some(w) if w.raw == "else" => {
                    self.expect(out, &o, words(&["fi"]), "`fi` is missing", "`fi`", "else");
                    return;
                }
                _ => return,
            }
        }
    }

    /// `while|until ...; do ...; done` after its first word.
    fn loop_(&mut self, w: &ScriptWord, out: &mut Vec<Item>) {
        let o = Opener::of(w);
        if self
            .expect(
                out,
                &o,
                words(&["do"]),
                "`do` and `done` are missing",
                "`do`",
                &w.raw,
            )
            .is_some()
        {
            self.expect(out, &o, words(&["done"]), "`done` is missing", "`done`", "do");
        }
    }

    /// `for NAME [in WORDS]; do ...; done` (and `select`, and bash's
    /// `for ((...))`) after `for`. The loop is not run: its variable is
    /// not assigned and its body is read once.
    fn for_(&mut self, w: &ScriptWord, out: &mut Vec<Item>) {
        let o = Opener::of(w);
        if self.word().is_some() {
            self.i += 1;
        }
        // `do` is reserved right after the name or after `;` or a newline.
        let mut reserved_here = true;
        loop {
            match self.peek() {
                None => {
                    self.unclosed(&o, "`do` and `done` are missing");
                    return;
                }
                Some(ScriptToken::Newline(_)) | Some(ScriptToken::Op(Op::Semi, _)) => reserved_here = true,
                Some(ScriptToken::Word(d)) if reserved_here && reserved(d, "do").is_some() => {
                    self.i += 1;
                    break;
                }
                Some(ScriptToken::Word(_)) => reserved_here = false,
                Some(ScriptToken::Op(..)) => {}
            }
            self.i += 1;
        }
        self.expect(out, &o, words(&["done"]), "`done` is missing", "`done`", "do");
    }

    /// The body of a function whose name (and `()`) was read.
    fn function(&mut self, name: ScriptWord, out: &mut Vec<Item>) {
        self.skip_newlines();
        let mut body = Vec::new();
        match self.peek() {
            Some(ScriptToken::Word(w))
                if w.pieces.is_ok()
                    && matches!(w.raw.as_str(), "{" | "if" | "case" | "while" | "until" | "for") =>
            {
                let w = self.take_word().expect("a word");
                match w.raw.as_str() {
                    "{" => self.group(&w, &mut body),
                    "if" => self.if_(&w, &mut body),
                    "case" => self.case(w, &mut body),
                    "for" => self.for_(&w, &mut body),
                    _ => self.loop_(&w, &mut body),
                }
            }
            Some(&ScriptToken::Op(Op::Open, at)) => {
                self.i += 1;
                self.subshell(at, &mut body);
            }
            // The shell refuses the script; what follows is read as
            // commands.
            _ => {
                self.error(
                    name.offset,
                    name.len,
                    format!("the function `{}` has no body", name.raw),
                    format!(
                        "a function's body is a compound command, such as `{}() {{ ...; }}`; the shell refuses the whole script (`bash -n`: syntax error), so none of it runs",
                        name.raw
                    ),
                );
                out.push(Item::Simple(vec![name]));
                return;
            }
        }
        out.push(Item::Function {
            name,
            body: Rc::new(body),
        });
    }

    /// `case` after its keyword.
    fn case(&mut self, keyword: ScriptWord, out: &mut Vec<Item>) {
        let o = Opener::of(&keyword);
        let subject = self.take_word();
        self.skip_newlines();
        if self.word().is_some_and(|w| reserved(w, "in").is_some()) {
            self.i += 1;
        } else {
            if self.peek().is_none() {
                self.unclosed(&o, "`in` and `esac` are missing");
            } else {
                self.error(
                    o.offset,
                    o.len,
                    "this `case` has no `in`: it is written `case WORD in PATTERN) ...;; esac`".into(),
                    "the shell refuses the whole script (`bash -n`: syntax error), so none of it runs".into(),
                );
            }
            out.push(Item::Case {
                keyword,
                subject,
                arms: Vec::new(),
            });
            return;
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
                None => {
                    self.unclosed(&o, "`esac` is missing");
                    break;
                }
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
            // Patterns are separated by `|`: `a b)` is not a pattern list.
            let mut want_word = true;
            while let Some(tok) = self.peek() {
                match tok {
                    ScriptToken::Word(_) if want_word => {
                        patterns.extend(self.take_word());
                        want_word = false;
                    }
                    ScriptToken::Op(Op::Pipe, _) if !want_word => {
                        want_word = true;
                        self.i += 1;
                    }
                    ScriptToken::Op(Op::Close, _) => {
                        self.i += 1;
                        closed = true;
                        break;
                    }
                    _ => break,
                }
            }
            if !closed {
                // Not a pattern list: the shell refuses the script. Read
                // the rest as commands.
                if self.peek().is_none() {
                    self.unclosed(&o, "`esac` is missing");
                } else {
                    let (at, len) = patterns.first().map_or((o.offset, o.len), |w| (w.offset, w.len));
                    self.error(
                        at,
                        len,
                        "a pattern of this `case` is not followed by `)`".into(),
                        "each branch is written `PATTERN) COMMANDS ;;`; the shell refuses the whole script (`bash -n`: syntax error), so none of it runs".into(),
                    );
                }
                if !patterns.is_empty() {
                    out.push(Item::Simple(patterns));
                }
                break;
            }
            let mut body = Vec::new();
            let mut fall_through = None;
            let until = Until {
                words: &[],
                paren: false,
                arm: true,
            };
            let end = self.list(&mut body, until);
            if let End::Arm = end {
                if let Some(&ScriptToken::Op(op, at)) = self.peek() {
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
            match end {
                End::Arm => {}
                End::Eof => {
                    self.unclosed(&o, "`esac` is missing");
                    break;
                }
                End::Stray(at, len, text) => {
                    self.stray(at, len, &text, Some((&o, "`;;` or `esac`")));
                    self.settle();
                    break;
                }
                _ => break,
            }
        }
        out.push(Item::Case {
            keyword,
            subject,
            arms,
        });
    }
}

#[cfg(test)]
mod tests;
