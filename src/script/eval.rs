//! The shell evaluator: walks the compound commands of a script (see
//! [`syntax`](super::syntax)) as a shell would run them, and hands each
//! simple command to a [`Sink`] with its words expanded. It reads the
//! script's own variables, calls of the functions it defines (a wrapper
//! that runs `"$@"` as the command it wraps), the branch of a `case` that
//! runs, and `export`-style assignments. It knows nothing of tunnels.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use super::cmd::{Cmd, Span, Word, WordError};
use super::pattern;
use super::syntax::{self, Arm, Item};
use crate::diag::{Diagnostic, Location, Source};
use crate::shell::{self, LexError, Piece, ScriptWord};

/// Where the evaluator sends what it finds.
pub(crate) trait Sink {
    /// A simple command the script runs.
    fn command(&mut self, cmd: &Cmd);
    /// What the evaluator itself has to say (about a call, a `case`, a
    /// function), at a byte offset.
    fn report(&mut self, offset: usize, d: Diagnostic);
}

/// One simple command as written: the script's words, or those a
/// wrapper function puts together.
struct Command<'w> {
    words: Cow<'w, [ScriptWord]>,
    start: usize,
    end: usize,
}

/// A variable assigned by the script: its value, or why it has none
/// grecfg can know (said where a command uses it).
struct Var {
    value: Result<String, LexError>,
}

/// A shell function the script defines.
struct Function {
    name: ScriptWord,
    body: Rc<Vec<Item>>,
    /// For a function that runs its arguments (`run() { "$@" || exit; }`):
    /// the words it puts before them. A call is read as that command.
    wrapper: Option<Rc<[ScriptWord]>>,
    called: bool,
}

/// Commands the evaluator reads in a script, calls of its functions
/// included, before it stops following calls: [`MIN_COMMANDS`] and
/// [`COMMANDS_PER_BYTE`] for each byte of the script. Functions that each
/// call the one before twice would otherwise take 2^n calls; with the
/// budget, the work stays linear in the script's size. A script that sets
/// up tunnels through a function reads a few commands for each call of
/// ten or more bytes, far below two a byte.
const MIN_COMMANDS: usize = 1_000;
const COMMANDS_PER_BYTE: usize = 2;

fn command_budget(src: &Source) -> usize {
    MIN_COMMANDS.saturating_add(src.text.len().saturating_mul(COMMANDS_PER_BYTE))
}

/// Bytes a word may grow to when its variables are expanded: far more
/// than any name, address or list in a tunnel's commands.
const MAX_WORD: usize = 64 * 1024;

/// The state of the shell while it reads the script.
pub(crate) struct Evaluator<'a> {
    src: &'a Source,
    out: &'a mut dyn Sink,
    vars: BTreeMap<String, Var>,
    /// Offsets of a `\` escaping a blank at the end of a line.
    escaped_blanks: Vec<usize>,
    /// Functions defined so far, by name.
    functions: BTreeMap<String, Function>,
    /// The wrapper prefix of each function body seen (by the address of
    /// the body, which the parse tree keeps): a definition that runs
    /// again is not searched again.
    wrappers: HashMap<*const Vec<Item>, Option<Rc<[ScriptWord]>>>,
    /// Functions being called, innermost last (a recursive call is not
    /// followed).
    calling: Vec<String>,
    /// Calls being read, wrappers included.
    call_depth: usize,
    /// Commands read so far, in calls too: calls are not followed past
    /// `budget` ([`command_budget`]).
    commands_read: usize,
    budget: usize,
    /// Whether a call was left unfollowed for that (said once).
    over_budget: bool,
    /// In a function's body, the words of the call (`$1`, `$2`, ...);
    /// `None` at the top level, where they are the script's arguments.
    positional: Option<Vec<Result<String, LexError>>>,
}

impl<'w> Command<'w> {
    fn new(words: &'w [ScriptWord]) -> Command<'w> {
        let start = words[0].offset;
        let end = words.last().map_or(start, |l| l.offset + l.len);
        Command {
            words: Cow::Borrowed(words),
            start,
            end,
        }
    }
}

fn is_assignment(w: &ScriptWord) -> Option<(&str, usize)> {
    let eq = w.raw.find('=')?;
    let name = &w.raw[..eq];
    shell::is_name(name).then_some((name, eq))
}

impl<'a> Evaluator<'a> {
    pub(crate) fn new(src: &'a Source, escaped_blanks: Vec<usize>, out: &'a mut dyn Sink) -> Evaluator<'a> {
        Evaluator {
            src,
            out,
            vars: BTreeMap::new(),
            escaped_blanks,
            functions: BTreeMap::new(),
            wrappers: HashMap::new(),
            calling: Vec::new(),
            call_depth: 0,
            commands_read: 0,
            budget: command_budget(src),
            over_budget: false,
            positional: None,
        }
    }

    /// Read a whole script.
    pub(crate) fn run(mut self, items: &[Item]) {
        self.items(items);
        // A function never called runs nothing.
        let uncalled: Vec<ScriptWord> = self
            .functions
            .values()
            .filter(|f| !f.called)
            .map(|f| f.name.clone())
            .collect();
        for n in uncalled {
            self.push(
                n.offset,
                Diagnostic::note(format!(
                    "the function `{}` is never called; its commands are not read",
                    n.raw
                ))
                .at(self.loc(n.offset, n.len)),
            );
        }
    }

    fn loc(&self, offset: usize, len: usize) -> Location {
        self.src.loc_at(offset, len)
    }

    fn push(&mut self, offset: usize, d: Diagnostic) {
        self.out.report(offset, d);
    }

    fn note_cmd(&mut self, c: &Command<'_>, msg: String) {
        let loc = Span {
            start: c.start,
            end: c.end,
        }
        .loc(self.src);
        self.push(c.start, Diagnostic::note(msg).at(loc));
    }

    fn command(&mut self, c: Command<'_>) {
        self.commands_read += 1;
        // Assignments before a command name apply to that command only.
        let first_cmd = c.words.iter().position(|w| is_assignment(w).is_none());
        let Some(first) = first_cmd else {
            for w in c.words.iter() {
                self.assign(w);
            }
            return;
        };
        let words = &c.words[first..];
        // `export A=b`, `readonly A=b`, `local A=b`, `declare A=b`.
        if matches!(words[0].raw.as_str(), "export" | "readonly" | "local" | "declare") {
            for w in &words[1..] {
                if is_assignment(w).is_some() {
                    self.assign(w);
                }
            }
            return;
        }
        if self.call(&c, words) {
            return;
        }
        let cmd = Cmd {
            assignments: c.words[..first].iter().map(|w| self.word(w)).collect(),
            words: words.iter().map(|w| self.word(w)).collect(),
            span: Span {
                start: c.start,
                end: c.end,
            },
        };
        self.out.command(&cmd);
    }

    /// Read the items of a script or of a body, in order.
    fn items(&mut self, items: &[Item]) {
        for it in items {
            match it {
                Item::Simple(words) => self.command(Command::new(words)),
                Item::Function { name, body } => self.define(name, body),
                Item::Case {
                    keyword,
                    subject,
                    arms,
                } => self.case(keyword, subject.as_ref(), arms),
            }
        }
    }

    /// A function definition: nothing runs until it is called.
    fn define(&mut self, name: &ScriptWord, body: &Rc<Vec<Item>>) {
        // A function whose body runs `PREFIX "$@"` runs its arguments; what
        // else it does (report a failure, exit) is not read.
        let wrapper = self
            .wrappers
            .entry(Rc::as_ptr(body))
            .or_insert_with(|| {
                syntax::flatten(body)
                    .into_iter()
                    .find(|w| pattern::runs_arguments(w))
                    .map(|w| {
                        let w = &w[..w.len() - 1];
                        let skip = w
                            .iter()
                            .take_while(|x| {
                                is_assignment(x).is_some() || matches!(x.raw.as_str(), "command" | "exec")
                            })
                            .count();
                        Rc::from(&w[skip..])
                    })
            })
            .clone();
        self.functions.insert(
            name.raw.clone(),
            Function {
                name: name.clone(),
                body: Rc::clone(body),
                wrapper,
                called: false,
            },
        );
    }

    /// A call of a function the script defined (true), read as its body,
    /// or for a function that runs its arguments, as that command.
    fn call(&mut self, c: &Command<'_>, words: &[ScriptWord]) -> bool {
        let w = &words[0];
        if w.pieces.is_err() {
            return false;
        }
        let Some(f) = self.functions.get_mut(&w.raw) else {
            return false;
        };
        f.called = true;
        let (wrapper, body) = (f.wrapper.clone(), f.body.clone());
        let name = w.raw.clone();
        if self.call_depth >= 50 {
            self.note_cmd(
                c,
                format!("`{name}` is called through more than 50 functions; grecfg does not follow the call"),
            );
            return true;
        }
        if self.commands_read >= self.budget {
            if !self.over_budget {
                self.over_budget = true;
                self.note_cmd(
                    c,
                    format!(
                        "grecfg has read {} commands of this script, calls of its functions included ({MIN_COMMANDS} and {COMMANDS_PER_BYTE} for each of its bytes), and follows no further call (`{name}` here and every one after it)",
                        crate::digest::thousands(self.budget)
                    ),
                );
            }
            return true;
        }
        if self.calling.contains(&name) {
            self.note_cmd(
                c,
                format!("`{name}` calls itself here; grecfg does not follow the call"),
            );
            return true;
        }
        // A wrapper's own words shrink with every call; only a prefix can
        // call the function again.
        let guard = wrapper.as_ref().is_none_or(|p| !p.is_empty());
        if guard {
            self.calling.push(name);
        }
        self.call_depth += 1;
        match wrapper {
            Some(prefix) => {
                let ws: Vec<ScriptWord> = prefix.iter().chain(&words[1..]).cloned().collect();
                if !ws.is_empty() {
                    let start = words.get(1).map_or(w.offset, |a| a.offset);
                    self.command(Command {
                        words: Cow::Owned(ws),
                        start,
                        end: c.end,
                    });
                }
            }
            None => {
                let args = words[1..]
                    .iter()
                    .map(|a| match &a.pieces {
                        Ok(p) => self.expand_pieces(p, a),
                        Err(e) => Err(e.clone()),
                    })
                    .collect();
                let outer = self.positional.replace(args);
                self.items(&body);
                self.positional = outer;
            }
        }
        if guard {
            self.calling.pop();
        }
        self.call_depth -= 1;
        true
    }

    /// `case`: only the branch that runs is read. Its subject must be known
    /// without running the script: a word, a variable the script assigns,
    /// or the script's first argument, which with a default (`${1:-start}`)
    /// is what the script does when run without arguments.
    fn case(&mut self, keyword: &ScriptWord, subject: Option<&ScriptWord>, arms: &[Arm]) {
        let Some(subject) = subject else {
            return;
        };
        let first = self.positional.as_ref().map(|args| args.first().cloned());
        let (value, why) = match (pattern::first_argument_default(subject), first) {
            // In a function: the call's first word, or the default.
            (Some(default), Some(arg)) => match arg {
                Some(Ok(v)) if !v.is_empty() => {
                    let why = format!("the function's first argument is {v:?}");
                    (v, why)
                }
                Some(Err(e)) => {
                    self.push(
                        e.offset,
                        Diagnostic::error(e.message.clone()).at(self.loc(e.offset, e.len)),
                    );
                    return;
                }
                _ => {
                    let why = format!("without arguments, {} is {default:?}", subject.raw);
                    (default, why)
                }
            },
            (Some(v), None) => {
                let why = format!("without arguments, {} is {v:?}", subject.raw);
                (v, why)
            }
            (None, _) => {
                let res = match &subject.pieces {
                    Ok(p) => self.expand_pieces(p, subject),
                    Err(e) => Err(e.clone()),
                };
                match res {
                    Ok(v) => {
                        let why = format!("{} is {v:?}", subject.raw);
                        (v, why)
                    }
                    Err(e) => {
                        let d = Diagnostic::error(format!(
                            "grecfg cannot tell which branch of this case runs: {}",
                            e.message
                        ))
                        .at(self.loc(e.offset, e.len))
                        .hint(
                            "case on a word, on a variable the script assigns, or on the script's first \
                             argument with a default: case \"${1:-start}\" in",
                        );
                        self.push(e.offset, d);
                        return;
                    }
                }
            }
        };
        let _ = keyword;
        let mut chosen = None;
        'arms: for (i, arm) in arms.iter().enumerate() {
            for p in &arm.patterns {
                let pattern = match pattern::compile_pattern(&p.raw) {
                    Some(c) => c,
                    None => {
                        let res = match &p.pieces {
                            Ok(pieces) => self.expand_pieces(pieces, p),
                            Err(e) => Err(e.clone()),
                        };
                        match res {
                            Ok(text) => text.chars().map(pattern::PatternChar::Literal).collect(),
                            Err(e) => {
                                let d = Diagnostic::error(format!(
                                    "grecfg cannot tell whether this case pattern matches: {}",
                                    e.message
                                ))
                                .at(self.loc(e.offset, e.len))
                                .hint("write the pattern itself");
                                self.push(e.offset, d);
                                return;
                            }
                        }
                    }
                };
                if pattern::pattern_matches(&pattern, &value) {
                    chosen = Some(i);
                    break 'arms;
                }
            }
        }
        let label = |a: &Arm| {
            let p: Vec<&str> = a.patterns.iter().map(|w| w.raw.as_str()).collect();
            format!("{})", p.join("|"))
        };
        let runs = match chosen {
            Some(c) => format!("the script runs the `{}` branch", label(&arms[c])),
            None => "the script runs no branch".to_string(),
        };
        for (i, arm) in arms.iter().enumerate() {
            if Some(i) == chosen {
                continue;
            }
            let (Some(first), Some(last)) = (arm.patterns.first(), arm.patterns.last()) else {
                continue;
            };
            let loc = self.loc(first.offset, last.offset + last.len - first.offset);
            self.push(
                first.offset,
                Diagnostic::note(format!(
                    "the `{}` branch is not read: {why}, so {runs}",
                    label(arm)
                ))
                .at(loc),
            );
        }
        let Some(c) = chosen else {
            return;
        };
        if let Some(at) = arms[c].fall_through {
            let len = if self.src.text[at..].starts_with(";;&") {
                3
            } else {
                2
            };
            self.push(
                at,
                Diagnostic::error(
                    "the branch goes on with the next one; grecfg does not follow a case fall-through",
                )
                .at(self.loc(at, len))
                .hint("end the branch with ;;"),
            );
        }
        self.items(&arms[c].body);
    }

    /// `NAME=value`: expand the value now, as the shell does; keep an error
    /// for later, when a command uses the variable.
    fn assign(&mut self, w: &ScriptWord) {
        let Some((name, eq)) = is_assignment(w) else {
            return;
        };
        let value = match &w.pieces {
            Err(e) => Err(e.clone()),
            Ok(pieces) => {
                // The first piece starts with `NAME=`.
                let mut pieces = pieces.clone();
                if let Some(Piece::Text(t)) = pieces.first_mut() {
                    t.drain(..(eq + 1).min(t.len()));
                }
                self.expand_pieces(&pieces, w)
            }
        };
        self.vars.insert(name.to_string(), Var { value });
    }

    fn expand_pieces(&self, pieces: &[Piece], w: &ScriptWord) -> Result<String, LexError> {
        let mut bytes = Vec::new();
        for p in pieces {
            // `A=$A$A` doubles A on every line.
            if bytes.len() > MAX_WORD {
                return Err(LexError {
                    offset: w.offset,
                    len: w.len,
                    message: format!(
                        "the word grows past {} KiB when expanded; grecfg does not expand it",
                        MAX_WORD / 1024
                    ),
                    hint: None,
                });
            }
            match p {
                Piece::Text(t) => bytes.extend_from_slice(t),
                Piece::Param { name, offset, len } => {
                    let err = |message: String, hint: &str| LexError {
                        offset: *offset,
                        len: *len,
                        message,
                        hint: Some(hint.to_string()),
                    };
                    // In a function's body, `$1`... are the call's words.
                    if let (Some(args), Ok(n)) = (&self.positional, name.parse::<usize>()) {
                        if n > 0 {
                            match args.get(n - 1) {
                                Some(Ok(v)) => bytes.extend_from_slice(v.as_bytes()),
                                Some(Err(e)) => return Err(e.clone()),
                                None => {}
                            }
                            continue;
                        }
                    }
                    if name == "#" {
                        if let Some(args) = &self.positional {
                            bytes.extend_from_slice(args.len().to_string().as_bytes());
                            continue;
                        }
                    }
                    if !shell::is_name(name) {
                        return Err(err(
                            format!("${name} is set when the script runs; grecfg cannot know its value"),
                            "write the value itself",
                        ));
                    }
                    match self.vars.get(name) {
                        Some(Var { value: Ok(v) }) => bytes.extend_from_slice(v.as_bytes()),
                        // Reported where the assignment is, once.
                        Some(Var { value: Err(e) }) => return Err(e.clone()),
                        None => {
                            return Err(err(
                                format!("variable ${name} is not assigned in this script"),
                                "assign it before this line (NAME=value) or write the value itself",
                            ))
                        }
                    }
                }
            }
        }
        String::from_utf8(bytes).map_err(|_| LexError {
            offset: w.offset,
            len: w.len,
            message: "the word is not valid UTF-8 after unescaping".into(),
            hint: None,
        })
    }

    /// A word of a command as the shell leaves it: expanded, or why it
    /// cannot be.
    fn word(&self, w: &ScriptWord) -> Word {
        let res = match &w.pieces {
            Ok(p) => self.expand_pieces(p, w),
            Err(e) => Err(e.clone()),
        };
        let stray_blank = res.as_ref().is_ok_and(|text| {
            !text.is_empty()
                && text.chars().all(|c| c == ' ' || c == '\t')
                && self
                    .escaped_blanks
                    .iter()
                    .any(|&o| o >= w.offset && o < w.offset + w.len)
        });
        Word {
            raw: w.raw.clone(),
            offset: w.offset,
            len: w.len,
            text: res.map_err(|e| self.word_error(w, e)),
            stray_blank,
        }
    }

    fn word_error(&self, w: &ScriptWord, e: LexError) -> WordError {
        // `${interface name}`: a placeholder from documentation.
        if let Some(i) = w.raw.find("${") {
            if let Some(j) = w.raw[i..].find('}') {
                let inner = &w.raw[i + 2..i + j];
                if inner.contains([' ', '\t']) || !inner.is_ascii() {
                    // Offsets into `raw` are offsets into the text only
                    // when no continuation was joined inside the word.
                    let (off, len) = if w.raw.len() == w.len {
                        (w.offset + i, j + 1)
                    } else {
                        (w.offset, w.len)
                    };
                    return WordError {
                        offset: off,
                        len,
                        message: format!("`${{{inner}}}` is a placeholder, not a value"),
                        hint: Some("replace the placeholder with a value".into()),
                        once: false,
                    };
                }
            }
        }
        // Report an assignment's own error once, at the assignment.
        WordError {
            offset: e.offset,
            len: e.len,
            message: e.message,
            hint: e.hint,
            once: true,
        }
    }
}
