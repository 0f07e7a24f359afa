//! The handoff between the shell evaluator and the interpreters: a simple
//! command whose words know where they were written. A reader with command
//! lines but no shell (an ifupdown `up ip ...` hook, a systemd `ExecStart=`)
//! builds these from its own words and hands them to
//! [`dispatch::interpret`](super::dispatch::interpret).

use crate::diag::{Location, Source};

/// A word after expansion, with where it was written.
#[derive(Debug, Clone)]
pub(crate) struct Arg {
    pub(crate) text: String,
    pub(crate) offset: usize,
    pub(crate) len: usize,
    /// Only blanks, from a `\ ` at the end of a line.
    pub(crate) stray_blank: bool,
}

/// A word of a command: as written, and after expansion.
#[derive(Debug, Clone)]
pub(crate) struct Word {
    /// As written: what names the program, what an extra keeps.
    pub(crate) raw: String,
    pub(crate) offset: usize,
    pub(crate) len: usize,
    /// After expansion, or why it cannot be expanded. The error matters
    /// only where the command is interpreted, so it is reported there.
    pub(crate) text: Result<String, WordError>,
    /// Only blanks, from a `\ ` at the end of a line.
    pub(crate) stray_blank: bool,
}

/// Why a word cannot be expanded: an error at `len` bytes from `offset`,
/// made a diagnostic only where it is said (a word in a function's body
/// is expanded at every call).
#[derive(Debug, Clone)]
pub(crate) struct WordError {
    pub(crate) offset: usize,
    pub(crate) len: usize,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
    /// Said only once, however many commands use the word: an assignment's
    /// error, or one in a function's body, is one mistake.
    pub(crate) once: bool,
}

impl Word {
    /// A word that needs no expansion, `text.len()` bytes at `offset`.
    #[cfg_attr(not(test), allow(dead_code, reason = "for readers without a shell"))]
    pub(crate) fn literal(text: &str, offset: usize) -> Word {
        Word {
            raw: text.to_string(),
            offset,
            len: text.len(),
            text: Ok(text.to_string()),
            stray_blank: false,
        }
    }
}

/// A command's bytes in the source: from its first word to the end of its
/// last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Span {
    /// Where a diagnostic about the command points: its first line, from
    /// its first word.
    pub(crate) fn loc(self, src: &Source) -> Location {
        let (start, len) = self.first_line(&src.text);
        let mut l = src.loc_at(start, len);
        l.len = l.len.max(1);
        l
    }

    /// The command's bytes on its first line, at least one.
    pub(crate) fn first_line(self, text: &str) -> (usize, usize) {
        // Only up to the command's end: many commands on one long line
        // must not make this quadratic.
        let end = self.end.min(text.len()).max(self.start);
        let end = text[self.start..end].find('\n').map_or(end, |i| self.start + i);
        (self.start, end.saturating_sub(self.start).max(1))
    }
}

/// One simple command the script runs.
#[derive(Debug, Clone)]
pub(crate) struct Cmd {
    /// `NAME=value` words before the program name: they apply to this
    /// command only, and name nothing.
    pub(crate) assignments: Vec<Word>,
    /// The program name and its arguments.
    pub(crate) words: Vec<Word>,
    /// From the first word (an assignment included) to the end of the last.
    /// A wrapper function's prefix is written in its body, so not every
    /// word need lie inside.
    pub(crate) span: Span,
}

impl Cmd {
    /// A command of `words` as written in place, without assignments.
    #[cfg_attr(not(test), allow(dead_code, reason = "for readers without a shell"))]
    pub(crate) fn new(words: Vec<Word>) -> Cmd {
        let start = words.first().map_or(0, |w| w.offset);
        let end = words.last().map_or(start, |w| w.offset + w.len);
        Cmd {
            assignments: Vec::new(),
            words,
            span: Span { start, end },
        }
    }
}
