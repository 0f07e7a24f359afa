//! The end of `convert`, `render` and `peer`: each tunnel's files go to
//! their destination as soon as they are converted (staged in a
//! [`Transaction`] for a directory, kept for standard output or one file),
//! the diagnostics to a [`Digest`], and at the end either everything is
//! put in place or nothing is, followed by the diagnostics, errors first,
//! and a summary line; or, with `--format json`, one JSON document.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::check::JsonFinding;
use crate::codec::Root;
use crate::convert::{Item, Out};
use crate::diag::{say, Diagnostic, Fail, Severity};
use crate::digest::{count, Digest};
use crate::exit::Exit;
use crate::format::Format;
use crate::write::{self, Destination, Files, Transaction};

/// Without `-v`, the files written are listed one a line up to this many;
/// beyond, the summary says how many.
const LISTED: usize = 10;

/// How the results are shown.
#[derive(Debug, Clone, Copy, Default)]
pub struct Show {
    pub quiet: bool,
    pub verbose: bool,
    pub json: bool,
    /// `--strict`: warnings are errors.
    pub strict: bool,
    /// `--diff`: compare with the destination, write nothing.
    pub diff: bool,
}

/// Takes a conversion's results as they come; [`Emit::finish`] ends it.
pub struct Emit {
    to: Format,
    dest: Destination,
    root: Root,
    show: Show,
    digest: Digest,
    /// Staging into a directory.
    tx: Option<Transaction>,
    /// For standard output or `-o FILE`: kept until the end.
    kept: Vec<Item>,
    diff: String,
    /// Where each file goes, to find two going to the same place.
    places: Places,
    /// An error was seen: nothing will be written.
    failed: bool,
    /// A file could not be read or written (exit 3 rather than 2).
    io_error: bool,
    tunnels: usize,
    inputs: usize,
    written: Vec<PathBuf>,
    written_count: usize,
    progress: Progress,
}

impl Emit {
    pub fn new(to: Format, dest: Destination, root: Root, show: Show) -> Emit {
        let digest = if show.json {
            Digest::keeping_all()
        } else {
            Digest::new()
        };
        Emit {
            to,
            dest,
            root,
            show,
            digest,
            tx: None,
            kept: Vec::new(),
            diff: String::new(),
            places: Places::default(),
            failed: false,
            io_error: false,
            tunnels: 0,
            inputs: 0,
            written: Vec::new(),
            written_count: 0,
            progress: Progress::new(show.quiet || show.json),
        }
    }

    /// An I/O failure: its diagnostics are errors, and nothing is written.
    fn io_failed(&mut self, fail: Fail) {
        if matches!(fail, Fail::Io(_)) {
            self.io_error = true;
        }
        for d in fail.failure().diagnostics.clone() {
            self.diagnostic(d);
        }
        self.abandon();
    }

    /// Nothing will be written: the staged files go now.
    fn abandon(&mut self) {
        self.failed = true;
        self.tx = None;
        self.kept.clear();
    }

    fn stage(&mut self, item: &Item) -> Result<(), Fail> {
        let files = [Files {
            format: item.format,
            tunnel: &item.tunnel,
            files: &item.files,
        }];
        let plan = write::plan(&files, &self.dest, &self.root)?;
        for change in &plan {
            let place = change.path.display().to_string();
            if !self.places.insert(&place) {
                self.diagnostic(collision(&change.path.display().to_string()));
                return Ok(());
            }
        }
        if self.show.diff {
            if let Some(d) = write::diff(&plan, &self.root)? {
                self.diff.push_str(&d);
            }
            return Ok(());
        }
        let tx = self.tx.get_or_insert_with(|| Transaction::new(&self.root));
        for change in &plan {
            tx.add(change)?;
            self.written_count += 1;
            if self.show.verbose || self.show.json || self.written.len() < LISTED {
                self.written.push(change.path.clone());
            }
        }
        Ok(())
    }

    /// End the conversion, whose own result is `result`: put everything in
    /// place or nothing, print what there is to say, and give the exit
    /// status.
    pub fn finish(mut self, result: Result<(), Fail>) -> Exit {
        if let Err(fail) = result {
            self.io_failed(fail);
        }
        if !self.failed {
            if let Err(fail) = self.put_in_place() {
                self.io_failed(fail);
            }
        }
        self.progress.clear();
        let summary = self.summary();
        let status = if self.failed {
            if self.io_error {
                Exit::Io
            } else {
                Exit::Input
            }
        } else if self.show.diff && !self.diff.is_empty() {
            Exit::Found
        } else {
            Exit::Ok
        };
        if self.show.json {
            let doc = self.document(&summary);
            if crate::diag::print_out(&doc).is_err() {
                return Exit::Io;
            }
            return status;
        }
        for line in self.digest.lines(self.show.quiet) {
            say(line);
        }
        if !self.failed && !self.show.quiet && (self.show.verbose || self.written_count <= LISTED) {
            for path in &self.written {
                say(format_args!(
                    "wrote {}",
                    crate::diag::shown(&path.to_string_lossy())
                ));
            }
        }
        if self.failed || !self.show.quiet {
            say(&summary);
        }
        if !self.failed {
            let text = if self.show.diff {
                std::mem::take(&mut self.diff)
            } else {
                self.stdout_text()
            };
            if !text.is_empty() && crate::diag::print_out(&text).is_err() {
                say(Diagnostic::error("cannot write standard output"));
                return Exit::Io;
            }
        }
        status
    }

    /// What standard output gets, for that destination.
    fn stdout_text(&self) -> String {
        if !matches!(self.dest, Destination::Stdout) {
            return String::new();
        }
        match self.to.meta().stdout_many {
            Some(join) if self.kept.len() > 1 => {
                join(&self.kept.iter().map(|i| &i.tunnel).collect::<Vec<_>>())
            }
            _ => write::to_stdout(&self.kept.iter().flat_map(|i| &i.files).collect::<Vec<_>>()),
        }
    }

    fn put_in_place(&mut self) -> Result<(), Fail> {
        match &self.dest {
            Destination::Stdout => Ok(()),
            Destination::File(_) => {
                let files: Vec<Files> = self
                    .kept
                    .iter()
                    .map(|i| Files {
                        format: i.format,
                        tunnel: &i.tunnel,
                        files: &i.files,
                    })
                    .collect();
                let plan = write::plan(&files, &self.dest, &self.root)?;
                if self.show.diff {
                    self.diff = write::diff(&plan, &self.root)?.unwrap_or_default();
                    return Ok(());
                }
                write::commit(&plan, &self.root)?;
                self.written_count = plan.len();
                self.written = plan.into_iter().map(|c| c.path).collect();
                Ok(())
            }
            Destination::Dir(_) | Destination::Installed => match self.tx.take() {
                Some(tx) => tx.commit(),
                None => Ok(()),
            },
        }
    }

    /// The closing line: what was done, or why nothing was.
    fn summary(&self) -> String {
        let d = &self.digest;
        if self.failed {
            let mut s = format!("nothing written: {}", count(d.errors(), "error", "errors"));
            let files = d.files_with_errors();
            if files > 0 && d.errors() > 1 {
                s.push_str(&format!(" in {}", count(files, "file", "files")));
            }
            s.push_str(&self.counts());
            return s;
        }
        let what = format!(
            "{} from {}",
            count(self.tunnels, "tunnel", "tunnels"),
            count(self.inputs, "file", "files")
        );
        let mut s = match (&self.dest, self.show.diff) {
            (_, true) if self.diff.is_empty() => format!("compared {what}: no differences"),
            (_, true) => format!("compared {what}: differences on standard output"),
            (Destination::Stdout, _) => format!("converted {what} to standard output"),
            (Destination::File(p) | Destination::Dir(p), _) => {
                format!("converted {what} into {}", p.display())
            }
            (Destination::Installed, _) => format!(
                "converted {what}: {} under {}",
                count(self.written_count, "file", "files"),
                self.root.path(std::path::Path::new("/")).display()
            ),
        };
        if let (Destination::Dir(_), false) = (&self.dest, self.show.diff) {
            if self.written_count != self.tunnels {
                s.push_str(&format!(
                    " ({} written)",
                    count(self.written_count, "file", "files")
                ));
            }
        }
        s.push_str(&self.counts());
        s
    }

    /// `; 4,949 warnings of 1 kind; 2 notes`.
    fn counts(&self) -> String {
        let d = &self.digest;
        let mut s = String::new();
        for (n, kinds, one, many) in [
            (d.warnings(), d.kinds(Severity::Warning), "warning", "warnings"),
            (d.notes(), d.kinds(Severity::Note), "note", "notes"),
        ] {
            if n > 0 {
                s.push_str(&format!("; {}", count(n, one, many)));
                if n > kinds {
                    s.push_str(&format!(" of {}", count(kinds, "kind", "kinds")));
                }
            }
        }
        s
    }

    /// The `--format json` document (schema: `docs/grecfg.schema.json`).
    fn document(&self, summary: &str) -> String {
        let findings = self.digest.all().into_iter().map(JsonFinding::of).collect();
        let to_stdout = matches!(self.dest, Destination::Stdout) && !self.failed && !self.show.diff;
        let doc = JsonDocument {
            version: 1,
            findings,
            summary: JsonSummary {
                errors: self.digest.errors(),
                warnings: self.digest.warnings(),
                notes: self.digest.notes(),
                tunnels: self.tunnels,
                inputs: self.inputs,
                written: if self.failed || self.show.diff {
                    0
                } else {
                    self.written_count
                },
                text: summary.to_string(),
            },
            written: if self.failed || self.show.diff {
                Vec::new()
            } else {
                self.written.iter().map(|p| p.display().to_string()).collect()
            },
            files: if to_stdout {
                self.kept
                    .iter()
                    .flat_map(|i| &i.files)
                    .map(|f| JsonFile {
                        name: f.name.clone(),
                        mode: f.mode,
                        contents: f.contents.clone(),
                    })
                    .collect()
            } else {
                Vec::new()
            },
            diff: (self.show.diff && !self.failed).then(|| self.diff.clone()),
        };
        serde_json::to_string_pretty(&doc).expect("the document always serializes") + "\n"
    }
}

/// The places files go to, to find two going to the same one: kept as
/// 128-bit digests (two keyed SipHashes), 16 bytes a file whatever its
/// path, rather than the paths themselves. Two different paths share a
/// digest with a chance of about 2^-64 among 10^10 files.
#[derive(Default)]
struct Places {
    keys: (std::hash::RandomState, std::hash::RandomState),
    seen: HashSet<u128>,
}

impl Places {
    /// Whether `place` is new.
    fn insert(&mut self, place: &str) -> bool {
        use std::hash::BuildHasher;
        let digest =
            (u128::from(self.keys.0.hash_one(place)) << 64) | u128::from(self.keys.1.hash_one(place));
        self.seen.insert(digest)
    }
}

fn collision(place: &str) -> Diagnostic {
    Diagnostic::error(format!("two inputs would both be written to {place}"))
        .hint("convert them separately, or give the tunnels different names")
}

impl Out for Emit {
    fn diagnostic(&mut self, d: Diagnostic) {
        let d = if self.show.strict {
            crate::convert::strict(d)
        } else {
            d
        };
        if d.is_error() && !self.failed {
            self.abandon();
        }
        self.digest.push(d);
    }

    fn item(&mut self, item: Item) {
        self.tunnels += 1;
        if self.failed {
            return;
        }
        match self.dest {
            Destination::Stdout | Destination::File(_) => {
                for f in &item.files {
                    if !self.places.insert(&f.name) {
                        self.diagnostic(collision(&f.name));
                        return;
                    }
                }
                self.kept.push(item);
            }
            Destination::Dir(_) | Destination::Installed => {
                if let Err(fail) = self.stage(&item) {
                    self.io_failed(fail);
                }
            }
        }
    }

    fn input_read(&mut self) {
        self.inputs += 1;
    }

    fn progress(&mut self, done: usize, total: usize) {
        self.progress.tick(done, total);
    }
}

/// A progress bar on a terminal, for work that takes more than a moment:
/// it appears after half a second, and never when standard error is not a
/// terminal.
struct Progress {
    start: Instant,
    bar: Option<indicatif::ProgressBar>,
    off: bool,
}

impl Progress {
    fn new(off: bool) -> Progress {
        use std::io::IsTerminal;
        Progress {
            start: Instant::now(),
            bar: None,
            off: off || !std::io::stderr().is_terminal(),
        }
    }

    fn tick(&mut self, done: usize, total: usize) {
        if self.off || done >= total {
            return;
        }
        match &self.bar {
            Some(bar) => bar.set_position(done as u64),
            None if self.start.elapsed() > Duration::from_millis(500) => {
                let bar = indicatif::ProgressBar::new(total as u64);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "grecfg: {bar:40} {human_pos}/{human_len} inputs, {eta} left",
                    )
                    .expect("a valid template"),
                );
                bar.set_position(done as u64);
                self.bar = Some(bar);
            }
            None => {}
        }
    }

    fn clear(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

#[derive(Serialize)]
struct JsonDocument {
    version: u32,
    findings: Vec<JsonFinding>,
    summary: JsonSummary,
    written: Vec<String>,
    files: Vec<JsonFile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<String>,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    notes: usize,
    tunnels: usize,
    inputs: usize,
    written: usize,
    text: String,
}

#[derive(Serialize)]
struct JsonFile {
    name: String,
    mode: u32,
    contents: String,
}
