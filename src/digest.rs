//! Diagnostics a person can read at scale: identical ones collapse into
//! one with a count and the first few places, errors come first, and the
//! memory they take does not grow with the number of tunnels that repeat a
//! warning.
//!
//! Two diagnostics are the same kind when they have the same severity
//! and say the same thing but for their numbers, addresses and names
//! with digits (`peer 10.0.0.2/30 dropped` and `peer 10.0.1.2/30
//! dropped` are one kind): the words that hold a digit are masked in the
//! key. A kind seen up to [`SHOWN`] times is shown in full each time;
//! beyond, its first is shown in full and one line says how many more
//! there are and where the first few are.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::diag::{Diagnostic, Location, Severity};

/// A kind seen this many times or fewer is shown in full every time.
pub const SHOWN: usize = 3;
/// How many places of the ones not shown the collapsed line names.
const NAMED: usize = 3;

/// Diagnostics grouped by kind, in the order each kind was first seen.
#[derive(Debug, Default)]
pub struct Digest {
    groups: Vec<Group>,
    index: HashMap<String, usize>,
    /// Every diagnostic as it came, when asked to keep them all (`--format json`).
    all: Option<Vec<Diagnostic>>,
    errors: usize,
    warnings: usize,
    notes: usize,
    /// The inputs that have an error, counted once each.
    error_files: std::collections::HashSet<String>,
}

#[derive(Debug)]
struct Group {
    severity: Severity,
    /// The first few, in full.
    shown: Vec<Diagnostic>,
    /// The places of the next few, as `file:line`.
    named: Vec<String>,
    /// How many of this kind there are in all.
    count: usize,
}

impl Digest {
    pub fn new() -> Digest {
        Digest::default()
    }

    /// A digest that also keeps every diagnostic, for a document that
    /// lists them all.
    pub fn keeping_all() -> Digest {
        Digest {
            all: Some(Vec::new()),
            ..Digest::default()
        }
    }

    pub fn push(&mut self, d: Diagnostic) {
        match d.severity {
            Severity::Error => {
                self.errors += 1;
                let file = d.location.as_ref().map_or(String::new(), |l| l.file.clone());
                self.error_files.insert(file);
            }
            Severity::Warning => self.warnings += 1,
            Severity::Note => self.notes += 1,
        }
        let key = kind(&d);
        let i = *self.index.entry(key).or_insert_with(|| {
            self.groups.push(Group {
                severity: d.severity,
                shown: Vec::new(),
                named: Vec::new(),
                count: 0,
            });
            self.groups.len() - 1
        });
        let g = &mut self.groups[i];
        g.count += 1;
        if g.shown.len() < SHOWN {
            g.shown.push(d.clone());
        } else if g.named.len() < NAMED {
            g.named.push(place(d.location.as_ref()));
        }
        if let Some(all) = &mut self.all {
            all.push(d);
        }
    }

    pub fn errors(&self) -> usize {
        self.errors
    }

    pub fn warnings(&self) -> usize {
        self.warnings
    }

    pub fn notes(&self) -> usize {
        self.notes
    }

    /// How many inputs have an error (errors about no input in particular
    /// count as one).
    pub fn files_with_errors(&self) -> usize {
        self.error_files.len()
    }

    /// How many kinds of `severity` there are.
    pub fn kinds(&self, severity: Severity) -> usize {
        self.groups.iter().filter(|g| g.severity == severity).count()
    }

    /// Every diagnostic kept (see [`Digest::keeping_all`]), errors first,
    /// then warnings, then notes, each in the order they came.
    pub fn all(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.all.iter().flatten().collect();
        v.sort_by_key(|d| std::cmp::Reverse(d.severity));
        v
    }

    /// What to print, one entry a line of standard error (after `grecfg: `):
    /// errors, then warnings, then notes (all dropped but the errors when
    /// `quiet`); within each, kinds in the order first seen.
    pub fn lines(&self, quiet: bool) -> Vec<String> {
        let mut out = Vec::new();
        for severity in [Severity::Error, Severity::Warning, Severity::Note] {
            if quiet && severity != Severity::Error {
                continue;
            }
            for g in self.groups.iter().filter(|g| g.severity == severity) {
                let full = if g.count > SHOWN { 1 } else { g.shown.len() };
                out.extend(g.shown[..full].iter().map(Diagnostic::to_string));
                if g.count > SHOWN {
                    out.push(more_line(g, full));
                }
            }
        }
        out
    }
}

/// `warning: 4,948 more like it: a:6, b:6, c:6 and 4,945 more`.
fn more_line(g: &Group, full: usize) -> String {
    let more = g.count - full;
    let mut places: Vec<String> = g.shown[full..]
        .iter()
        .map(|d| place(d.location.as_ref()))
        .chain(g.named.iter().cloned())
        .filter(|p| !p.is_empty())
        .take(NAMED)
        .collect();
    places.dedup();
    let mut s = format!("{}: {} more like it", g.severity.word(), thousands(more));
    if !places.is_empty() {
        let _ = write!(s, ": {}", places.join(", "));
        if more > places.len() {
            let _ = write!(s, " and {} more", thousands(more - places.len()));
        }
    }
    s
}

/// Where a diagnostic is, shortly: `file:line`, `file`, or nothing.
fn place(l: Option<&Location>) -> String {
    match l {
        Some(l) if l.line > 0 => format!("{}:{}", crate::diag::shown(&l.file), l.line),
        Some(l) => crate::diag::shown(&l.file).into_owned(),
        None => String::new(),
    }
}

/// The kind of a diagnostic: its severity, message and hint with every
/// word that holds a digit masked.
fn kind(d: &Diagnostic) -> String {
    let mut key = String::from(d.severity.word());
    for text in [Some(d.message.as_str()), d.hint.as_deref()] {
        key.push('\u{1f}');
        for word in text.unwrap_or("").split(' ') {
            if word.bytes().any(|b| b.is_ascii_digit()) {
                key.push('#');
            } else {
                key.push_str(word);
            }
            key.push(' ');
        }
    }
    key
}

/// `4948` as `4,948`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut s = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            s.push(',');
        }
        s.push(c);
    }
    s
}

/// `1 tunnel`, `4,949 tunnels`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Source;

    fn peer_warning(i: usize) -> Diagnostic {
        let src = Source::new(
            format!("ifcfg-tun{i}"),
            None,
            "x\nPEER_INNER_IPADDR=10.0.0.2/30\n",
        );
        Diagnostic::warning(format!(
            "peer 10.0.{i}.2/30 dropped: NetworkManager has no peer address"
        ))
        .at(src.loc(2, 19, 11))
    }

    #[test]
    fn numbers_with_separators() {
        let cases = [
            (0, "0"),
            (7, "7"),
            (999, "999"),
            (1000, "1,000"),
            (4948, "4,948"),
            (1234567, "1,234,567"),
        ];
        for (n, s) in cases {
            assert_eq!(thousands(n), s);
        }
        assert_eq!(count(1, "tunnel", "tunnels"), "1 tunnel");
        assert_eq!(count(4949, "tunnel", "tunnels"), "4,949 tunnels");
    }

    #[test]
    fn a_few_of_a_kind_are_shown_in_full() {
        let mut d = Digest::new();
        for i in 0..SHOWN {
            d.push(peer_warning(i));
        }
        let lines = d.lines(false);
        assert_eq!(lines.len(), SHOWN);
        assert!(lines[2].starts_with("ifcfg-tun2:2:19: warning: peer 10.0.2.2/30 dropped"));
    }

    #[test]
    fn many_of_a_kind_collapse_errors_first() {
        let mut d = Digest::new();
        for i in 0..5000 {
            d.push(peer_warning(i));
            if i == 4000 {
                d.push(Diagnostic::error("KEY=x is not a GRE key"));
            }
        }
        d.push(Diagnostic::note("skipped: not a tunnel"));
        let lines = d.lines(false);
        assert_eq!(lines[0], "error: KEY=x is not a GRE key");
        assert!(
            lines[1].starts_with("ifcfg-tun0:2:19: warning: peer 10.0.0.2/30 dropped"),
            "{}",
            lines[1]
        );
        assert_eq!(
            lines[2],
            "warning: 4,999 more like it: ifcfg-tun1:2, ifcfg-tun2:2, ifcfg-tun3:2 and 4,996 more"
        );
        assert_eq!(lines[3], "note: skipped: not a tunnel");
        assert_eq!(lines.len(), 4);
        assert_eq!((d.errors(), d.warnings(), d.notes()), (1, 5000, 1));
        assert_eq!(d.kinds(Severity::Warning), 1);
        assert_eq!(d.lines(true), ["error: KEY=x is not a GRE key"]);
    }

    #[test]
    fn different_words_are_different_kinds() {
        let mut d = Digest::new();
        for i in 0..10 {
            d.push(Diagnostic::warning(format!("ttl {i} dropped")));
            d.push(Diagnostic::warning("tos dropped"));
        }
        assert_eq!(d.kinds(Severity::Warning), 2);
        // Unlocated: the collapsed line has only the count.
        assert_eq!(d.lines(false)[1], "warning: 9 more like it");
    }

    #[test]
    fn errors_are_counted_by_file() {
        let mut d = Digest::keeping_all();
        let a = Source::new("a", None, "x\n");
        let b = Source::new("b", None, "x\n");
        d.push(Diagnostic::warning("w"));
        d.push(Diagnostic::error("e1").at(a.loc(1, 1, 1)));
        d.push(Diagnostic::error("e2").at(a.loc(1, 1, 1)));
        d.push(Diagnostic::error("e3").at(b.whole()));
        assert_eq!(d.files_with_errors(), 2);
        let all: Vec<&str> = d.all().iter().map(|d| d.message.as_str()).collect();
        assert_eq!(all, ["e1", "e2", "e3", "w"]);
    }
}
