//! `grecfg convert`: inputs → model → output files, with every warning
//! pointing at the input line it concerns. Nothing here writes files.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::codec::{
    self, Companions, DirCompanions, NoCompanions, OutputFile, Parsed, ReadContext, Root, WriteOptions,
};
use crate::diag::{Diagnostic, Failure, Severity, Source};
use crate::format::{self, Format};
use crate::model::Tunnel;

pub(crate) use crate::diag::Fail;

/// One input text, its format and where its companion files are.
pub struct Input {
    pub source: Source,
    pub format: Format,
    pub companions: Box<dyn Companions>,
}

impl Input {
    /// Every tunnel the input holds, as its format's reader reads them.
    pub(crate) fn read(&self) -> Result<Vec<Parsed>, Failure> {
        let cx = ReadContext {
            companions: self.companions.as_ref(),
            root: &Root::SYSTEM,
        };
        format::read(self.format, &self.source, &cx)
    }
}

/// The inputs named on the command line, to be read one at a time as
/// they are converted: a directory's files are listed by name at once and
/// read when their turn comes, so memory holds one input at a time.
#[derive(Default)]
pub struct Inputs {
    pending: Vec<Pending>,
    /// What listing them found to say (an empty directory, ...).
    pub notes: Vec<Diagnostic>,
}

enum Pending {
    /// Read already (standard input).
    Read(Input),
    /// A file named on the command line: read in `format`, or the format
    /// its name and content tell.
    Named(PathBuf, Option<Format>),
    /// A file found in a directory (the `usize`-th name of its listing),
    /// by its name a file of `format`; one that is not a tunnel is skipped
    /// with a note.
    Found(Arc<Listing>, usize, Format),
}

/// A directory's file names, sorted: the inputs found in it point into it,
/// and their companions are looked up in it.
struct Listing {
    dir: PathBuf,
    names: Arc<[Box<OsStr>]>,
}

impl Listing {
    fn companions(&self) -> Box<dyn Companions> {
        Box::new(DirCompanions {
            dir: self.dir.clone(),
            listed: Some(self.names.clone()),
        })
    }
}

impl Inputs {
    /// How many inputs are listed (files, and standard input).
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Read every input now, with what listing and reading them found to
    /// say (for commands that need them all at once: check, activate).
    fn read_all(self) -> Result<(Vec<Input>, Vec<Diagnostic>), Fail> {
        let mut read = Conversion::default();
        let mut inputs = Vec::new();
        for i in 0..self.len() {
            if let Some(input) = self.open(i, &mut read)? {
                inputs.push(input.into_owned());
            }
        }
        let mut notes = self.notes;
        notes.extend(read.diagnostics);
        Ok((inputs, notes))
    }

    /// Read the `i`-th input: `Ok(None)` when it is skipped (with a note
    /// to `out`).
    fn open(&self, i: usize, out: &mut dyn Out) -> Result<Option<std::borrow::Cow<'_, Input>>, Fail> {
        use std::borrow::Cow;
        match &self.pending[i] {
            Pending::Read(input) => Ok(Some(Cow::Borrowed(input))),
            Pending::Named(path, from) => {
                let source = read_file(path)?;
                let format = resolve_format(*from, &source)?;
                Ok(Some(Cow::Owned(Input {
                    companions: companions_of(path),
                    source,
                    format,
                })))
            }
            Pending::Found(listing, i, format) => {
                let path = listing.dir.join(&*listing.names[*i]);
                let source = read_file(&path)?;
                if let Some(filter) = &format.meta().tunnels_only {
                    if !(filter.is_tunnel)(&source.text) {
                        out.diagnostic(
                            Diagnostic::note(format!("skipped: {}", filter.otherwise)).at(source.whole()),
                        );
                        return Ok(None);
                    }
                }
                Ok(Some(Cow::Owned(Input {
                    companions: listing.companions(),
                    source,
                    format: *format,
                })))
            }
        }
    }
}

impl Clone for Input {
    fn clone(&self) -> Input {
        let companions: Box<dyn Companions> = match &self.source.path {
            Some(p) => companions_of(p),
            None => Box::new(NoCompanions),
        };
        Input {
            source: self.source.clone(),
            format: self.format,
            companions,
        }
    }
}

/// List the inputs named on the command line. A directory yields the
/// tunnel files in it by name (see [`list_dir`]); standard input is read
/// now.
pub fn list_inputs(paths: &[PathBuf], from: Option<Format>) -> Result<Inputs, Fail> {
    let mut inputs = Inputs::default();
    for path in paths {
        if path.as_os_str() == "-" {
            let bytes = crate::codec::read_capped(std::io::stdin().lock())
                .map_err(|e| Fail::Io(Diagnostic::error(format!("cannot read standard input: {e}")).into()))?
                .ok_or_else(|| Fail::Input(crate::codec::too_big("standard input").into()))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                let src = Source::new(
                    "<stdin>",
                    None,
                    String::from_utf8_lossy(e.as_bytes()).into_owned(),
                );
                let off = e.utf8_error().valid_up_to();
                Fail::Input(Diagnostic::error("not valid UTF-8").at(src.loc_at(off, 1)).into())
            })?;
            let source = Source::new("<stdin>", None, text);
            let format = resolve_format(from, &source)?;
            inputs.pending.push(Pending::Read(Input {
                source,
                format,
                companions: Box::new(NoCompanions),
            }));
        } else if path.is_dir() {
            if let Some(f) = from.filter(|f| f.meta().names.is_empty() || !f.readable()) {
                return Err(Fail::Input(
                    Diagnostic::error(format!(
                        "{}: is a directory; grecfg reads no directory of {} files",
                        path.display(),
                        f.name()
                    ))
                    .into(),
                ));
            }
            let before = inputs.len();
            list_dir(path, from, &mut inputs)?;
            if inputs.len() == before {
                let what = from.map_or(String::new(), |f| format!(" {}", f.name()));
                inputs.notes.push(Diagnostic::warning(format!(
                    "{}: no tunnel{what} files found",
                    path.display()
                )));
            }
        } else {
            inputs.pending.push(Pending::Named(path.clone(), from));
        }
    }
    Ok(inputs)
}

/// Read the inputs named on the command line, all at once (see
/// [`list_inputs`]); the notes say what was skipped and why.
pub fn load_inputs(paths: &[PathBuf], from: Option<Format>) -> Result<(Vec<Input>, Vec<Diagnostic>), Fail> {
    list_inputs(paths, from)?.read_all()
}

/// Every tunnel input in `dir`, in file-name order, listed to be read
/// later: the files of `format` by its names (backups such as `*.rpmsave`
/// left out, as its consumer does), or of any format by name when `format`
/// is `None`. Files that are not tunnels (an `ifcfg-eth0`, an ethernet
/// profile) are skipped with a note naming them when read; companions are
/// read with their input.
fn list_dir(dir: &Path, format: Option<Format>, inputs: &mut Inputs) -> Result<(), Fail> {
    let fail =
        |e: std::io::Error| Fail::Io(Diagnostic::error(format!("cannot read {}: {e}", dir.display())).into());
    let mut entries: Vec<(Box<OsStr>, bool)> = Vec::new();
    for e in std::fs::read_dir(dir).map_err(fail)? {
        let e = e.map_err(fail)?;
        // The kind from the listing itself; a link is followed.
        let is_file = match e.file_type() {
            Ok(t) if t.is_symlink() => e.path().is_file(),
            Ok(t) => t.is_file(),
            Err(_) => false,
        };
        entries.push((e.file_name().into_boxed_os_str(), is_file));
    }
    entries.sort_unstable();
    let files: Vec<bool> = entries.iter().map(|e| e.1).collect();
    let listing = Arc::new(Listing {
        dir: dir.to_path_buf(),
        names: entries.into_iter().map(|e| e.0).collect(),
    });
    for (i, name) in listing.names.iter().enumerate() {
        let Some(base) = name.to_str() else {
            continue;
        };
        let Some(f) = format.or_else(|| Format::from_path(base)) else {
            continue;
        };
        if !f.is_input_name(base) || !files[i] {
            continue;
        }
        inputs.pending.push(Pending::Found(listing.clone(), i, f));
    }
    Ok(())
}

/// Every tunnel of `format` on the machine under `root`, from the
/// directories the format's consumer reads (`etc/sysconfig/network-scripts`
/// for ifcfg), in that order. A directory that is not there holds none.
pub fn discover(root: &Root, format: Format) -> Result<(Vec<Input>, Vec<Diagnostic>), Fail> {
    let mut listed = Inputs::default();
    for dir in format.meta().system_dirs {
        // The format's directories are the machine's (`/etc/...`), not
        // relative to the working directory.
        let dir = root.path(&Path::new("/").join(dir));
        if dir.is_dir() {
            list_dir(&dir, Some(format), &mut listed)?;
        }
    }
    listed.read_all()
}

fn companions_of(path: &Path) -> Box<dyn Companions> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Box::new(DirCompanions::new(dir))
}

fn read_file(path: &Path) -> Result<Source, Fail> {
    let bytes = crate::codec::read_file_capped(path)
        .map_err(|e| Fail::Io(Diagnostic::error(format!("cannot read {}: {e}", path.display())).into()))?
        .map_err(|d| Fail::Input(d.into()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let src = Source::new(
            path.display().to_string(),
            None,
            String::from_utf8_lossy(e.as_bytes()).into_owned(),
        );
        let off = e.utf8_error().valid_up_to();
        Fail::Input(Diagnostic::error("not valid UTF-8").at(src.loc_at(off, 1)).into())
    })?;
    Ok(Source::new(
        path.display().to_string(),
        Some(path.to_path_buf()),
        text,
    ))
}

fn resolve_format(from: Option<Format>, src: &Source) -> Result<Format, Fail> {
    if let Some(f) = from {
        return Ok(f);
    }
    let name = src.path.as_ref().and_then(|p| p.to_str());
    // A byte-order mark hides the content from the sniffers; the reader
    // of the format found without it says what is wrong.
    let text = src.text.strip_prefix('\u{feff}').unwrap_or(&src.text);
    let readable = || {
        Format::readable_formats()
            .map(Format::name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if name.and_then(Format::from_path).is_none() {
        if let Some(dialect) = crate::format::foreign_dialect(name, text) {
            return Err(Fail::Input(
                Diagnostic::error(format!("this is {dialect}, a dialect grecfg does not read"))
                    .at(src.whole())
                    .hint(format!(
                        "grecfg reads {}; name one with --from if this is one of them",
                        readable()
                    ))
                    .into(),
            ));
        }
    }
    Format::detect(name, text).ok_or_else(|| {
        Fail::Input(
            Diagnostic::error("cannot tell the format of this input")
                .at(src.whole())
                .hint(format!("name it with --from ({})", readable()))
                .into(),
        )
    })
}

/// Options of one conversion.
#[derive(Debug, Clone, Default)]
pub struct ConvertOptions {
    pub strict: bool,
    pub uuid: codec::UuidPolicy,
    pub template_dir: Option<PathBuf>,
    /// Options of the firewall, forwarding and keepalive targets.
    pub extras: crate::extras::ExtrasOptions,
}

/// One converted tunnel: the model after lowering and its files.
#[derive(Debug, Clone)]
pub struct Item {
    /// The format the files are in.
    pub format: Format,
    pub tunnel: Tunnel,
    pub files: Vec<OutputFile>,
}

/// The result of a conversion that succeeded.
#[derive(Debug, Clone, Default)]
pub struct Conversion {
    pub items: Vec<Item>,
    /// Warnings and notes, in input order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Conversion {
    pub fn files(&self) -> impl Iterator<Item = &OutputFile> {
        self.items.iter().flat_map(|i| i.files.iter())
    }

    /// Each tunnel's files, for planning where they go.
    pub fn outputs(&self) -> Vec<crate::write::Files<'_>> {
        self.items
            .iter()
            .map(|i| crate::write::Files {
                format: i.format,
                tunnel: &i.tunnel,
                files: &i.files,
            })
            .collect()
    }
}

/// Where a conversion's results go as they are produced: a
/// [`Conversion`] keeps them all; the command line stages each tunnel's
/// files as it comes and keeps a digest of the diagnostics.
pub trait Out {
    fn diagnostic(&mut self, d: Diagnostic);
    fn item(&mut self, item: Item);
    /// One more input was read (not skipped).
    fn input_read(&mut self) {}
    /// `done` of `total` inputs are read.
    fn progress(&mut self, _done: usize, _total: usize) {}
}

impl Out for Conversion {
    fn diagnostic(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    fn item(&mut self, item: Item) {
        self.items.push(item);
    }
}

/// Convert every input. Every input is read and checked before the first
/// error is returned, so the user sees all problems at once.
pub fn convert(inputs: &[Input], to: Format, opts: &ConvertOptions) -> Result<Conversion, Fail> {
    let mut out = Conversion::default();
    for input in inputs {
        each_tunnel(input, &mut out, &mut |input, p, out| {
            convert_one(p, &input.source, to, opts, out)
        });
    }
    finish(out, opts)
}

/// Convert every input listed, one at a time, each tunnel's result to
/// `out` as soon as it is converted. An input that cannot be read stops
/// the conversion (exit 3); one that cannot be read as its format adds its
/// errors and the next one is read.
pub fn stream(inputs: &Inputs, to: Format, opts: &ConvertOptions, out: &mut dyn Out) -> Result<(), Fail> {
    each_input(inputs, out, &mut |input, p, out| {
        convert_one(p, &input.source, to, opts, out)
    })
}

/// Hand each tunnel of each listed input to `f`, reading the inputs one at
/// a time.
pub(crate) fn each_input(
    inputs: &Inputs,
    out: &mut dyn Out,
    f: &mut dyn FnMut(&Input, Parsed, &mut dyn Out),
) -> Result<(), Fail> {
    for d in &inputs.notes {
        out.diagnostic(d.clone());
    }
    let total = inputs.len();
    for i in 0..total {
        if let Some(input) = inputs.open(i, out)? {
            out.input_read();
            each_tunnel(&input, out, f);
        }
        out.progress(i + 1, total);
    }
    Ok(())
}

/// Read one input and hand each tunnel read to `f`, in order; an input
/// that cannot be read adds its errors.
fn each_tunnel(input: &Input, out: &mut dyn Out, f: &mut dyn FnMut(&Input, Parsed, &mut dyn Out)) {
    match input.read() {
        Ok(parsed) => {
            for p in parsed {
                f(input, p, out);
            }
        }
        Err(failure) => {
            for d in failure.diagnostics {
                out.diagnostic(d);
            }
        }
    }
}

/// Apply `--strict` to one diagnostic: a warning becomes an error.
pub(crate) fn strict(mut d: Diagnostic) -> Diagnostic {
    if d.severity == Severity::Warning {
        d.severity = Severity::Error;
        d.message.push_str(" (--strict)");
    }
    d
}

/// Apply `--strict`, look for output files that collide, and fail when
/// any diagnostic is an error.
pub(crate) fn finish(mut out: Conversion, opts: &ConvertOptions) -> Result<Conversion, Fail> {
    let mut diagnostics = std::mem::take(&mut out.diagnostics);
    if opts.strict {
        diagnostics = diagnostics.into_iter().map(strict).collect();
    }
    check_collisions(&out.items, &mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Fail::Input(Failure::new(diagnostics)));
    }
    out.diagnostics = diagnostics;
    Ok(out)
}

/// Validate and write one tunnel a reader produced, handing its files and
/// diagnostics to `out`.
pub(crate) fn convert_one(p: Parsed, source: &Source, to: Format, opts: &ConvertOptions, out: &mut dyn Out) {
    let Parsed {
        tunnel,
        origins,
        warnings,
    } = p;
    for w in warnings {
        out.diagnostic(w);
    }
    let problems = tunnel.validate();
    if !problems.is_empty() {
        for p in &problems {
            out.diagnostic(origins.diagnose(Severity::Error, p));
        }
        return;
    }
    for p in tunnel.doubts() {
        out.diagnostic(origins.diagnose(Severity::Warning, &p));
    }
    if let Some(p) = crate::mtu::check(&tunnel, crate::mtu::DEFAULT_UNDERLAY_MTU) {
        out.diagnostic(origins.diagnose(Severity::Warning, &p));
    }
    let wopts = WriteOptions {
        uuid: opts.uuid,
        source_path: source.path.clone(),
        template_dir: opts.template_dir.clone(),
        extras: opts.extras.clone(),
    };
    match format::write(to, &tunnel, &wopts) {
        Ok(written) => {
            for w in &written.warnings {
                out.diagnostic(origins.diagnose(Severity::Warning, w));
            }
            out.item(Item {
                format: to,
                tunnel: written.tunnel,
                files: written.files,
            });
        }
        Err(errors) => {
            for e in &errors {
                let mut d = origins.diagnose(Severity::Error, e);
                d.message = format!("cannot write {} as {}: {}", tunnel.name, to.name(), d.message);
                out.diagnostic(d);
            }
        }
    }
}

fn check_collisions(items: &[Item], diagnostics: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::BTreeSet::new();
    for f in items.iter().flat_map(|i| &i.files) {
        if !seen.insert(f.name.as_str()) {
            diagnostics.push(
                Diagnostic::error(format!("two inputs would both be written to {}", f.name))
                    .hint("convert them separately, or give the tunnels different names"),
            );
        }
    }
}
