//! Diagnostics: where in which input something is wrong, and how to say it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::exit::Exit;

/// Why a command failed, which decides the exit status.
#[derive(Debug)]
pub enum Fail {
    /// Bad input or usage (exit 2).
    Input(Failure),
    /// A file could not be read or written (exit 3).
    Io(Failure),
}

impl Fail {
    pub fn exit_code(&self) -> Exit {
        match self {
            Fail::Input(_) => Exit::Input,
            Fail::Io(_) => Exit::Io,
        }
    }

    pub fn failure(&self) -> &Failure {
        match self {
            Fail::Input(f) | Fail::Io(f) => f,
        }
    }
}

/// What kind of rule a [`Problem`] breaks, for callers that decide by kind
/// rather than by wording: `check` maps codes to finding ids, so a message
/// can be reworded without changing what it is filed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Code {
    /// A problem no caller tells apart from the others.
    #[default]
    Other,
    /// The interface name breaks the kernel's rule (`dev_valid_name`).
    InvalidName,
    /// The interface name is the fallback device of a tunnel module.
    ReservedName,
    /// A key on a mode that has no keys.
    KeyOnKeylessMode,
    /// A fixed ttl with path-MTU discovery off.
    TtlWithoutPmtuDiscovery,
    /// An address of another family than the mode, or than the address it
    /// goes with, carries.
    AddressFamily,
    /// An inner address of a family the mode does not carry (an IPv4
    /// address on sit): the kernel and NetworkManager accept it, and it
    /// carries nothing. A warning, from [`crate::model::Tunnel::doubts`].
    InnerFamily,
    /// An MTU above what the underlay carries unfragmented.
    MtuOverUnderlay,
}

/// One line on standard error, after `grecfg: `. A closed or broken
/// standard error (`2>&1 | head -n1`) is no reason to stop, let alone to
/// panic: the line is dropped.
pub fn say(line: impl fmt::Display) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "grecfg: {line}");
}

/// Text on standard output, flushed. A closed pipe (`| head -c1`) is an
/// error for the caller to turn into its exit status, never a panic.
pub fn print_out(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// A problem found in the model, naming the field it concerns (`name`,
/// `input_key`, `addresses[0]`, ...) so that the caller can point at the
/// input line the field came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Option<String>,
    pub message: String,
    pub hint: Option<String>,
    pub code: Code,
}

impl Problem {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            field: Some(field.into()),
            message: message.into(),
            hint: None,
            code: Code::Other,
        }
    }

    pub fn general(message: impl Into<String>) -> Problem {
        Problem {
            field: None,
            message: message.into(),
            hint: None,
            code: Code::Other,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Problem {
        self.hint = Some(hint.into());
        self
    }

    pub fn code(mut self, code: Code) -> Problem {
        self.code = code;
        self
    }
}

/// Put `value` back to `default` when it differs, with a warning on
/// `field` that `message` words from the value dropped: what a writer does
/// with a value its format cannot hold.
pub fn reset_with_warning<T: PartialEq>(
    w: &mut Vec<Problem>,
    field: &str,
    value: &mut T,
    default: T,
    message: impl FnOnce(&T) -> String,
) {
    if *value != default {
        w.push(Problem::new(field, message(value)));
        *value = default;
    }
}

/// One input text and the name it is shown under (`-` is `<stdin>`).
#[derive(Debug, Clone)]
pub struct Source {
    /// What diagnostics call the input: the path as the user gave it.
    pub name: String,
    /// Where it was read from, if a file (used to find companion files).
    pub path: Option<PathBuf>,
    pub text: String,
    /// Where each line starts, made on the first location asked for, so
    /// that a location costs a binary search rather than a scan of the
    /// text (which made readers quadratic in their input).
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// Whether each line is ASCII, made the first time a column far into
    /// a line is asked for: on an ASCII line the column is the byte
    /// offset, and many locations on one long line stay linear.
    ascii_lines: std::sync::OnceLock<Vec<bool>>,
}

impl Source {
    pub fn new(name: impl Into<String>, path: Option<PathBuf>, text: impl Into<String>) -> Source {
        Source {
            name: name.into(),
            path,
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
            ascii_lines: std::sync::OnceLock::new(),
        }
    }

    fn ascii_lines(&self) -> &[bool] {
        self.ascii_lines.get_or_init(|| {
            let starts = self.line_starts();
            starts
                .iter()
                .enumerate()
                .map(|(i, &s)| {
                    let end = starts.get(i + 1).map_or(self.text.len(), |&e| e);
                    self.text[s..end].is_ascii()
                })
                .collect()
        })
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The text of 1-based line `line` (line 0 is line 1), without its end.
    fn line_text(&self, line: usize) -> &str {
        let starts = self.line_starts();
        let i = line.saturating_sub(1);
        let Some(&start) = starts.get(i) else {
            return "";
        };
        let end = starts.get(i + 1).map_or(self.text.len(), |&next| next - 1);
        &self.text[start..end]
    }

    /// A location at 1-based `line`, 1-based `column` (in characters),
    /// spanning `len` characters (at least one caret is drawn). A line
    /// longer than [`MAX_QUOTED_LINE`] bytes is not quoted: every
    /// diagnostic on it would hold a copy.
    pub fn loc(&self, line: usize, column: usize, len: usize) -> Location {
        let text = self.line_text(line).trim_end_matches('\r');
        Location {
            file: self.name.clone(),
            line,
            column,
            len,
            line_text: (text.len() <= MAX_QUOTED_LINE).then(|| text.to_string()),
        }
    }

    /// A location from a byte offset into `text`.
    pub fn loc_at(&self, offset: usize, len_bytes: usize) -> Location {
        let mut offset = offset.min(self.text.len());
        // An offset inside a character is a reader's mistake: caught where
        // debug assertions are on (tests, fuzzing), the character's start
        // elsewhere, since a diagnostic must not bring grecfg down.
        debug_assert!(
            self.text.is_char_boundary(offset),
            "offset {offset} is inside a character of {}",
            self.name
        );
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset);
        let line_start = starts[line - 1];
        let prefix = &self.text[line_start..offset];
        let column = if prefix.len() > 256 && self.ascii_lines()[line - 1] {
            prefix.len() + 1
        } else {
            prefix.chars().count() + 1
        };
        let end = (offset + len_bytes).min(self.text.len());
        let len = match self.text.get(offset..end) {
            None => 1,
            Some(s) if s.len() > 256 => {
                let last = starts.partition_point(|&s| s <= end);
                if self.ascii_lines()[line - 1..last].iter().all(|&a| a) {
                    s.len()
                } else {
                    s.chars().count()
                }
            }
            Some(s) => s.chars().count(),
        };
        self.loc(line, column, len)
    }

    /// A location naming the file only.
    pub fn whole(&self) -> Location {
        Location {
            file: self.name.clone(),
            line: 0,
            column: 0,
            len: 0,
            line_text: None,
        }
    }
}

/// The longest line a diagnostic quotes, in bytes.
pub const MAX_QUOTED_LINE: usize = 1024;

/// A place in an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    /// 1-based; 0 when the diagnostic concerns the whole file.
    pub line: usize,
    /// 1-based, in characters; 0 when the whole line is meant.
    pub column: usize,
    pub len: usize,
    pub line_text: Option<String>,
}

/// Which input line each model field came from, as recorded by a reader.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    map: BTreeMap<String, Location>,
    /// Where the tunnel as a whole is defined (the file, or the command
    /// that created it).
    pub whole: Option<Location>,
}

impl Origins {
    pub fn new(whole: Location) -> Origins {
        Origins {
            map: BTreeMap::new(),
            whole: Some(whole),
        }
    }

    pub fn set(&mut self, field: impl Into<String>, loc: Location) {
        self.map.insert(field.into(), loc);
    }

    /// The location of `field`, falling back to its parent
    /// (`addresses[0].peer` → `addresses[0]` → `addresses`) and then to the
    /// whole input.
    pub fn get(&self, field: Option<&str>) -> Option<&Location> {
        let mut f = field;
        while let Some(name) = f {
            if let Some(l) = self.map.get(name) {
                return Some(l);
            }
            f = name.rfind(['.', '[']).map(|i| &name[..i]);
        }
        self.whole.as_ref()
    }

    /// Turn a model problem into a diagnostic pointing at the input.
    pub fn diagnose(&self, severity: Severity, problem: &Problem) -> Diagnostic {
        Diagnostic {
            severity,
            message: problem.message.clone(),
            location: self.get(problem.field.as_deref()).cloned(),
            hint: problem.hint.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn word(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A message for the user, optionally at a place in an input, with a hint
/// when the fix is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            hint: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            message: message.into(),
            location: None,
            hint: None,
        }
    }

    pub fn note(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Note,
            message: message.into(),
            location: None,
            hint: None,
        }
    }

    pub fn at(mut self, loc: Location) -> Diagnostic {
        self.location = Some(loc);
        self
    }

    pub fn at_opt(mut self, loc: Option<Location>) -> Diagnostic {
        self.location = loc;
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Renders as
/// ```text
/// ifcfg-tun0:8:5: error: KEY=lichenhao is not a GRE key
///     8 | KEY=lichenhao
///       |     ^^^^^^^^^
///   hint: a GRE key is a 32-bit number ...
/// ```
/// Input text in it (the line, values quoted in the message, the file
/// name) is shown through [`shown`]: control characters and bidi
/// controls as escapes, the carets under what they stand for.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(l) if l.line > 0 && l.column > 0 => {
                write!(f, "{}:{}:{}: ", shown(&l.file), l.line, l.column)?
            }
            Some(l) if l.line > 0 => write!(f, "{}:{}: ", shown(&l.file), l.line)?,
            Some(l) => write!(f, "{}: ", shown(&l.file))?,
            None => {}
        }
        write!(f, "{}: {}", self.severity.word(), shown(&self.message))?;
        if let Some(l) = &self.location {
            if let (true, Some(text)) = (l.line > 0, &l.line_text) {
                let num = l.line.to_string();
                let pad = " ".repeat(num.len());
                // Each character as shown, and how many it takes: tabs
                // would misplace the caret, so they show as one space.
                let chars: Vec<(char, Option<String>)> = text
                    .chars()
                    .map(|c| if c == '\t' { (' ', None) } else { (c, escape(c)) })
                    .collect();
                let line: String = chars
                    .iter()
                    .map(|(c, e)| e.clone().unwrap_or_else(|| c.to_string()))
                    .collect();
                write!(f, "\n {num} | {line}")?;
                if l.column > 0 {
                    // The cells each character takes on a terminal: two for
                    // a wide one (隧道), none for a combining mark, an
                    // escape's length. A caret past the end of the line
                    // stands for one character.
                    let width = |i: usize| {
                        chars.get(i).map_or(1, |(c, e)| match e {
                            Some(e) => e.len(),
                            None => unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0),
                        })
                    };
                    let before: usize = (0..l.column - 1).map(width).sum();
                    let under: usize = (l.column - 1..l.column - 1 + l.len.max(1)).map(width).sum();
                    write!(f, "\n {pad} | {}{}", " ".repeat(before), "^".repeat(under.max(1)))?;
                }
            }
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {}", shown(h))?;
        }
        Ok(())
    }
}

/// How a character of input is shown in a diagnostic when not as itself:
/// a control character (C0, DEL, C1) or one that is invisible and can
/// reorder or hide text on the terminal (bidi controls, zero-width space,
/// line and paragraph separators, byte order mark). A file could
/// otherwise clear the screen or move the cursor (ESC, CR), or make a line
/// read differently from what it holds. The line under a message shows a
/// tab as a space instead, to keep the carets in place.
fn escape(c: char) -> Option<String> {
    match c {
        '\t' => Some("\\t".into()),
        '\n' => Some("\\n".into()),
        '\r' => Some("\\r".into()),
        '\0'..='\x1f' | '\x7f' => Some(format!("\\x{:02x}", c as u32)),
        '\u{80}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200b}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{feff}' => Some(format!("\\u{{{:x}}}", c as u32)),
        _ => None,
    }
}

/// `text` as a diagnostic shows it: see [`escape`]. For any other line
/// on standard error that echoes input (a path, a name).
pub(crate) fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| escape(c).is_some()) {
        return text.into();
    }
    text.chars()
        .map(|c| escape(c).unwrap_or_else(|| c.to_string()))
        .collect::<String>()
        .into()
}

/// Errors (and the warnings found before them) that stop a conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub diagnostics: Vec<Diagnostic>,
}

impl Failure {
    pub fn new(diagnostics: Vec<Diagnostic>) -> Failure {
        Failure { diagnostics }
    }

    pub fn one(d: Diagnostic) -> Failure {
        Failure { diagnostics: vec![d] }
    }
}

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Failure {
        Failure::one(d)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

/// The diagnostics a reader collects while it reads: errors and warnings
/// (and notes) in the order pushed, each optionally with the byte offset it
/// was found at and the tunnel it concerns (by its index in the reader's
/// output).
///
/// What it offers a reader:
/// - `error`, `warn` and `push` take a [`Diagnostic`] already located
///   (through [`Source::loc`], [`Source::loc_at`] or [`Origins`]);
///   `push_at` locates one at a byte offset into a [`Source`], as lexers
///   report;
/// - `push_for` and `push_at_for` also attribute a diagnostic to a tunnel,
///   for the readers that yield several (script, nmcli);
/// - `reword` changes what an earlier diagnostic says, when a later line
///   tells more (`len` gives the index the next one gets);
/// - `has_errors` says whether the read must fail;
/// - `sorted` puts them in reading order (file by file as each file is
///   first mentioned, then line and column, unlocated ones last), whatever
///   stage of the reader found them; `by_offset` orders them by the offset
///   they were pushed with; `errors_first` and `in_order` keep the order
///   pushed; `per_tunnel` shares them out among the tunnels read;
/// - `finish` turns the read into `Ok((value, warnings))` or the
///   [`Failure`] that holds everything.
#[derive(Debug, Clone, Default)]
pub(crate) struct Report {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    /// The byte offset it was found at, for [`Report::by_offset`].
    offset: Option<usize>,
    tunnel: Option<usize>,
    d: Diagnostic,
}

impl Report {
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.entries.push(Entry {
            offset: None,
            tunnel: None,
            d,
        });
    }

    pub(crate) fn error(&mut self, d: Diagnostic) {
        self.push(d);
    }

    pub(crate) fn warn(&mut self, d: Diagnostic) {
        self.push(d);
    }

    /// `d` at `len` bytes from byte `offset` of `src`.
    pub(crate) fn push_at(&mut self, src: &Source, offset: usize, len: usize, d: Diagnostic) {
        self.push_at_for(None, src, offset, len, d);
    }

    /// `d` at `len` bytes from byte `offset` of `src`, concerning the
    /// reader's `tunnel`-th tunnel (`None`: no tunnel in particular).
    pub(crate) fn push_at_for(
        &mut self,
        tunnel: Option<usize>,
        src: &Source,
        offset: usize,
        len: usize,
        d: Diagnostic,
    ) {
        self.push_for(tunnel, offset, d.at(src.loc_at(offset, len)));
    }

    /// `d`, already located, found at byte `offset` of the input and
    /// concerning the reader's `tunnel`-th tunnel (`None`: no tunnel in
    /// particular).
    pub(crate) fn push_for(&mut self, tunnel: Option<usize>, offset: usize, d: Diagnostic) {
        self.entries.push(Entry {
            offset: Some(offset),
            tunnel,
            d,
        });
    }

    /// How many were pushed: the index of the next one.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Say `message` instead in the `i`-th diagnostic pushed.
    pub(crate) fn reword(&mut self, i: usize, message: String) {
        self.entries[i].d.message = message;
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.entries.iter().any(|e| e.d.is_error())
    }

    /// In the order pushed.
    pub(crate) fn in_order(self) -> Vec<Diagnostic> {
        self.entries.into_iter().map(|e| e.d).collect()
    }

    /// The errors, then the rest, each in the order pushed.
    pub(crate) fn errors_first(self) -> Vec<Diagnostic> {
        let mut diags = self.in_order();
        diags.sort_by_key(|d| !d.is_error());
        diags
    }

    fn sort_by_offset(&mut self) {
        self.entries.sort_by_key(|e| e.offset.unwrap_or(usize::MAX));
    }

    /// By the offset they were found at; those pushed without one last.
    /// Equal offsets keep the order pushed.
    pub(crate) fn by_offset(mut self) -> Vec<Diagnostic> {
        self.sort_by_offset();
        self.in_order()
    }

    /// The diagnostics of each of the tunnels `live` (indices, in the
    /// reader's order), by offset as [`Report::by_offset`]: those of no
    /// tunnel in `live` go with the first.
    pub(crate) fn per_tunnel(mut self, live: &[usize]) -> Vec<Vec<Diagnostic>> {
        self.sort_by_offset();
        let mut per = vec![Vec::new(); live.len()];
        let place: std::collections::HashMap<usize, usize> =
            live.iter().enumerate().rev().map(|(i, &t)| (t, i)).collect();
        for e in self.entries {
            let i = e.tunnel.and_then(|t| place.get(&t).copied()).unwrap_or(0);
            if let Some(share) = per.get_mut(i) {
                share.push(e.d);
            }
        }
        per
    }

    /// In reading order: file by file (as first mentioned), then line and
    /// column, whatever stage found them; unlocated ones last. Equal places
    /// keep the order pushed.
    pub(crate) fn sorted(self) -> Vec<Diagnostic> {
        let mut diags = self.in_order();
        let mut files: Vec<String> = Vec::new();
        for d in &diags {
            if let Some(l) = &d.location {
                if !files.contains(&l.file) {
                    files.push(l.file.clone());
                }
            }
        }
        diags.sort_by_key(|d| match &d.location {
            Some(l) => (
                files.iter().position(|f| *f == l.file).unwrap_or(0),
                l.line,
                l.column,
            ),
            None => (usize::MAX, 0, 0),
        });
        diags
    }

    /// `value` with the warnings in reading order, or, when an error was
    /// pushed or there is no value, the failure holding them all.
    pub(crate) fn finish<T>(self, value: Option<T>) -> Result<(T, Vec<Diagnostic>), Failure> {
        match value {
            Some(v) if !self.has_errors() => Ok((v, self.sorted())),
            _ => Err(Failure::new(self.sorted())),
        }
    }
}

/// An error for a text that starts with a byte-order mark (U+FEFF, the
/// bytes EF BB BF); `consumer` says what the program that reads the file
/// does with it. No reader of grecfg's formats skips the mark: bash and
/// dash take it as part of the first word, NetworkManager's ifcfg-rh reader
/// as part of the first line (which then assigns nothing), GLib's key-file
/// parser refuses the line, JSON forbids the mark (RFC 8259, 8.1). So
/// grecfg refuses it too, and says so.
pub fn byte_order_mark(src: &Source, consumer: &str) -> Option<Diagnostic> {
    src.text.starts_with('\u{feff}').then(|| {
        Diagnostic::error(format!(
            "the file starts with a byte-order mark (U+FEFF), which {consumer}; save it without one"
        ))
        .at(src.loc_at(0, '\u{feff}'.len_utf8()))
        .hint("remove the first three bytes (EF BB BF), for example with sed -i '1s/^\\xEF\\xBB\\xBF//' FILE, or save the file as UTF-8 without BOM")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A wide character takes two cells on a terminal, a combining mark
    /// none: the caret stands under the text it points at.
    #[test]
    fn carets_are_placed_by_display_width() {
        // `# 隧道 KEY`: KEY is the 6th character, after 7 cells.
        let src = Source::new("f", None, "# 隧道 KEY=x\ne\u{301}\u{301} K\n");
        let d = Diagnostic::error("bad").at(src.loc(1, 6, 3));
        assert_eq!(
            d.to_string().lines().nth(2).unwrap(),
            format!("   | {}^^^", " ".repeat(7))
        );
        // `é` written as e and two combining accents: one cell.
        let d = Diagnostic::error("bad").at(src.loc(2, 5, 1));
        assert_eq!(d.to_string().lines().nth(2).unwrap(), "   |   ^");
        // A caret under a combining mark alone is still drawn.
        let d = Diagnostic::error("bad").at(src.loc(2, 2, 1));
        assert_eq!(d.to_string().lines().nth(2).unwrap(), "   |  ^");
    }

    #[test]
    fn renders_location_caret_and_hint() {
        let src = Source::new("ifcfg-tun0", None, "DEVICE=tun0\nKEY=lichenhao\n");
        let d = Diagnostic::error("not a GRE key")
            .at(src.loc(2, 5, 9))
            .hint("use a number");
        assert_eq!(
            d.to_string(),
            "ifcfg-tun0:2:5: error: not a GRE key\n 2 | KEY=lichenhao\n   |     ^^^^^^^^^\n  hint: use a number"
        );
    }

    /// Control characters and bidi controls from the input show as
    /// escapes, in the line, the message, the hint and the file name, and
    /// the carets stand under what they stand for; printable text,
    /// Chinese included, shows as itself.
    #[test]
    fn control_characters_show_as_escapes_under_their_carets() {
        let line = "KEY=\u{1b}[2J\u{1b}]0;x\u{7}\tab\rc\u{9b}1m\u{202e}fed\u{2066}\u{7f}隧道 \u{0}";
        let src = Source::new("ifcfg-\u{1b}[31m", None, format!("DEVICE=t\n{line}\n"));
        let shown = "KEY=\\x1b[2J\\x1b]0;x\\x07 ab\\rc\\u{9b}1m\\u{202e}fed\\u{2066}\\x7f隧道 \\x00";
        // The caret spans `\rc`, then `隧道`.
        let at = |needle: &str| line[..line.find(needle).unwrap()].chars().count() + 1;
        let d = Diagnostic::error("KEY=\u{1b}[2J\r is not a GRE key\nforged: line")
            .at(src.loc(2, at("\rc"), 2))
            .hint("not \u{202e}this\u{202c}, \tthat");
        let first = d.clone();
        assert_eq!(
            d.to_string(),
            format!(
                "ifcfg-\\x1b[31m:2:{}: error: KEY=\\x1b[2J\\r is not a GRE key\\nforged: line\n 2 | {shown}\n   | {}^^^\n  \
                 hint: not \\u{{202e}}this\\u{{202c}}, \\tthat",
                at("\rc"),
                " ".repeat(shown.find("\\rc").unwrap())
            )
        );
        let d = Diagnostic::warning("隧道").at(src.loc(2, at("隧道"), 2));
        let carets = d.to_string().lines().nth(2).unwrap().to_string();
        let before = shown[..shown.find("隧道").unwrap()].chars().count();
        // Two wide characters: four cells.
        assert_eq!(carets, format!("   | {}^^^^", " ".repeat(before)));
        // Nothing in it a terminal would act on, but the newlines between its lines.
        for d in [&first, &d] {
            assert!(!d.to_string().contains(|c: char| c.is_control() && c != '\n'));
        }
        // Printable text as it is.
        let d = Diagnostic::note("隧道 gre1 的密钥").at(Source::new("f", None, "名称=隧道\n").loc(1, 4, 2));
        assert_eq!(
            d.to_string(),
            "f:1:4: note: 隧道 gre1 的密钥\n 1 | 名称=隧道\n   |      ^^^^"
        );
    }

    /// The scan the line index replaces, as the reference it must agree with.
    fn scanned(src: &Source, offset: usize, len_bytes: usize) -> Location {
        let offset = offset.min(src.text.len());
        let before = &src.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = src.text[line_start..offset].chars().count() + 1;
        let end = (offset + len_bytes).min(src.text.len());
        let len = src.text.get(offset..end).map_or(1, |s| s.chars().count());
        let text = src
            .text
            .split('\n')
            .nth(line - 1)
            .unwrap_or("")
            .trim_end_matches('\r')
            .to_string();
        Location {
            file: src.name.clone(),
            line,
            column,
            len,
            line_text: Some(text),
        }
    }

    #[test]
    fn the_line_index_finds_what_a_scan_finds() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "DEVICE=gre1\r\nKEY=1\r\n",
            "x=ä\n\n\ny=日本\nz",
            "\n\nlast line without end",
        ] {
            let src = Source::new("f", None, text);
            for offset in (0..=text.len() + 2).filter(|&o| o >= text.len() || text.is_char_boundary(o)) {
                for len in [0, 1, 3] {
                    assert_eq!(
                        src.loc_at(offset, len),
                        scanned(&src, offset, len),
                        "{text:?} at {offset}+{len}"
                    );
                }
            }
            for line in 0..6 {
                let want = text
                    .split('\n')
                    .nth(line.max(1) - 1)
                    .unwrap_or("")
                    .trim_end_matches('\r');
                assert_eq!(
                    src.loc(line, 1, 1).line_text.as_deref(),
                    Some(want),
                    "{text:?} line {line}"
                );
            }
        }
    }

    #[test]
    fn long_lines_have_columns_but_are_not_quoted() {
        let ascii = format!("x\n{}\n", "ip link set dev gre1 up; ".repeat(100));
        let wide = format!("x\n{}\n", "ä; ".repeat(600));
        let mixed = format!("{}\n{}\n{}", "a".repeat(300), "ä".repeat(300), "b".repeat(300));
        for text in [ascii, wide, mixed] {
            let src = Source::new("f", None, text.as_str());
            for offset in (0..text.len()).filter(|&o| text.is_char_boundary(o)) {
                for len in [2, 300, 700, 5000] {
                    let (got, want) = (src.loc_at(offset, len), scanned(&src, offset, len));
                    assert_eq!(
                        (got.line, got.column, got.len),
                        (want.line, want.column, want.len),
                        "at {offset}+{len}"
                    );
                    let quoted = want.line_text.filter(|t| t.len() <= MAX_QUOTED_LINE);
                    assert_eq!(got.line_text, quoted, "at {offset}+{len}");
                }
            }
        }
    }

    #[test]
    fn byte_offsets_become_character_columns() {
        let src = Source::new("f", None, "a=1\nNAME=\"ä\" $X\n");
        let off = src.text.find('$').unwrap();
        let l = src.loc_at(off, 2);
        assert_eq!((l.line, l.column, l.len), (2, 10, 2));
    }

    #[test]
    fn a_report_sorts_into_reading_order_and_fails_on_errors() {
        let a = Source::new("a", None, "x\ny\n");
        let b = Source::new("b", None, "z\n");
        let mut r = Report::default();
        r.warn(Diagnostic::warning("unlocated"));
        r.push_at(&b, 0, 1, Diagnostic::warning("b1"));
        r.push_at(&a, 2, 1, Diagnostic::warning("a2"));
        r.push_for(Some(0), 0, Diagnostic::warning("a1").at(a.loc(1, 1, 1)));
        assert!(!r.has_errors());
        let order: Vec<String> = r.clone().sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(order, ["b1", "a1", "a2", "unlocated"]);
        assert_eq!(r.clone().finish(Some(1)).unwrap().1.len(), 4);
        r.error(Diagnostic::error("bad"));
        assert_eq!(r.finish(Some(1)).unwrap_err().diagnostics.len(), 5);
    }

    #[test]
    fn a_report_shares_out_by_offset_among_tunnels() {
        let src = Source::new("s", None, "ab\ncd\n");
        let mut r = Report::default();
        r.push_for(Some(2), 3, Diagnostic::warning("t2"));
        r.push_at_for(Some(0), &src, 1, 1, Diagnostic::warning("t0"));
        r.push(Diagnostic::note("unplaced"));
        r.push_for(Some(1), 0, Diagnostic::warning("gone"));
        r.reword(3, "of a deleted tunnel".into());
        let names = |v: &Vec<Diagnostic>| v.iter().map(|d| d.message.clone()).collect::<Vec<_>>();
        let per = r.clone().per_tunnel(&[0, 2]);
        assert_eq!(names(&per[0]), ["of a deleted tunnel", "t0", "unplaced"]);
        assert_eq!(names(&per[1]), ["t2"]);
        assert_eq!(
            per[0][1].location.as_ref().map(|l| (l.line, l.column)),
            Some((1, 2))
        );
        assert_eq!(
            names(&r.clone().by_offset()),
            ["of a deleted tunnel", "t0", "t2", "unplaced"]
        );
        r.error(Diagnostic::error("bad"));
        assert_eq!(
            names(&r.errors_first()),
            ["bad", "t2", "t0", "unplaced", "of a deleted tunnel"]
        );
    }

    #[test]
    fn origins_fall_back_to_parent_then_whole() {
        let src = Source::new("f", None, "x\ny\n");
        let mut o = Origins::new(src.whole());
        o.set("addresses[0]", src.loc(2, 1, 1));
        assert_eq!(o.get(Some("addresses[0].peer")).unwrap().line, 2);
        assert_eq!(o.get(Some("ttl")).unwrap().line, 0);
    }
}
