//! `grecfg convert`: inputs → model → output files, with every warning
//! pointing at the input line it concerns. Nothing here writes files.

use std::io::Read;
use std::path::{Path, PathBuf};

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

/// Read the inputs named on the command line. A directory yields the
/// tunnel files in it (see [`scan_dir`]); the notes say what was skipped
/// and why.
pub fn load_inputs(paths: &[PathBuf], from: Option<Format>) -> Result<(Vec<Input>, Vec<Diagnostic>), Fail> {
    let mut inputs = Vec::new();
    let mut notes = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| {
                Fail::Io(Diagnostic::error(format!("cannot read standard input: {e}")).into())
            })?;
            let source = Source::new("<stdin>", None, text);
            let format = resolve_format(from, &source)?;
            inputs.push(Input {
                source,
                format,
                companions: Box::new(NoCompanions),
            });
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
            scan_dir(path, from, &mut inputs, &mut notes)?;
            if inputs.len() == before {
                let what = from.map_or(String::new(), |f| format!(" {}", f.name()));
                notes.push(Diagnostic::warning(format!(
                    "{}: no tunnel{what} files found",
                    path.display()
                )));
            }
        } else {
            let source = read_file(path)?;
            let format = resolve_format(from, &source)?;
            inputs.push(Input {
                companions: companions_of(path),
                source,
                format,
            });
        }
    }
    Ok((inputs, notes))
}

/// Every tunnel input in `dir`, in file-name order: the files of `format`
/// by its names (backups such as `*.rpmsave` left out, as its consumer
/// does), or of any format by name when `format` is `None`. Files that
/// are not tunnels (an `ifcfg-eth0`, an ethernet profile) are skipped
/// with a note naming them; companions are read with their input.
pub(crate) fn scan_dir(
    dir: &Path,
    format: Option<Format>,
    inputs: &mut Vec<Input>,
    notes: &mut Vec<Diagnostic>,
) -> Result<(), Fail> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Fail::Io(Diagnostic::error(format!("cannot read {}: {e}", dir.display())).into()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    names.sort();
    for file in names {
        let Some(base) = file.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(f) = format.or_else(|| Format::from_path(base)) else {
            continue;
        };
        if !f.is_input_name(base) || !file.is_file() {
            continue;
        }
        let source = read_file(&file)?;
        if let Some(filter) = &f.meta().tunnels_only {
            if !(filter.is_tunnel)(&source.text) {
                notes.push(Diagnostic::note(format!("skipped: {}", filter.otherwise)).at(source.whole()));
                continue;
            }
        }
        inputs.push(Input {
            companions: companions_of(&file),
            source,
            format: f,
        });
    }
    Ok(())
}

/// Every tunnel of `format` on the machine under `root`, from the
/// directories the format's consumer reads (`etc/sysconfig/network-scripts`
/// for ifcfg), in that order. A directory that is not there holds none.
pub fn discover(root: &Root, format: Format) -> Result<(Vec<Input>, Vec<Diagnostic>), Fail> {
    let mut inputs = Vec::new();
    let mut notes = Vec::new();
    for dir in format.meta().system_dirs {
        let dir = root.path(Path::new(dir));
        if dir.is_dir() {
            scan_dir(&dir, Some(format), &mut inputs, &mut notes)?;
        }
    }
    Ok((inputs, notes))
}

fn companions_of(path: &Path) -> Box<dyn Companions> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Box::new(DirCompanions {
        dir: dir.to_path_buf(),
    })
}

fn read_file(path: &Path) -> Result<Source, Fail> {
    let bytes = std::fs::read(path)
        .map_err(|e| Fail::Io(Diagnostic::error(format!("cannot read {}: {e}", path.display())).into()))?;
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
    Format::detect(name, &src.text).ok_or_else(|| {
        Fail::Input(
            Diagnostic::error("cannot tell the format of this input")
                .at(src.whole())
                .hint(format!(
                    "name it with --from ({})",
                    Format::readable_formats()
                        .map(Format::name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
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

/// Convert every input. Every input is read and checked before the first
/// error is returned, so the user sees all problems at once.
pub fn convert(inputs: &[Input], to: Format, opts: &ConvertOptions) -> Result<Conversion, Fail> {
    let mut out = Conversion::default();
    each_parsed(inputs, &mut out, |input, p, out| {
        convert_one(p, &input.source, to, opts, out)
    });
    finish(out, opts)
}

/// Read every input and hand each tunnel read to `f`, in order. An input
/// that cannot be read adds its errors and the next one is read, so the
/// user sees all problems at once.
pub(crate) fn each_parsed(
    inputs: &[Input],
    out: &mut Conversion,
    mut f: impl FnMut(&Input, Parsed, &mut Conversion),
) {
    for input in inputs {
        match input.read() {
            Ok(parsed) => {
                for p in parsed {
                    f(input, p, out);
                }
            }
            Err(failure) => out.diagnostics.extend(failure.diagnostics),
        }
    }
}

/// Apply `--strict`, look for output files that collide, and fail when
/// any diagnostic is an error.
pub(crate) fn finish(mut out: Conversion, opts: &ConvertOptions) -> Result<Conversion, Fail> {
    let mut diagnostics = std::mem::take(&mut out.diagnostics);
    if opts.strict {
        for d in &mut diagnostics {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
                d.message.push_str(" (--strict)");
            }
        }
    }
    check_collisions(&out.items, &mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Fail::Input(Failure::new(diagnostics)));
    }
    out.diagnostics = diagnostics;
    Ok(out)
}

/// Validate and write one tunnel a reader produced, adding its files and
/// diagnostics to `out`.
pub(crate) fn convert_one(
    p: Parsed,
    source: &Source,
    to: Format,
    opts: &ConvertOptions,
    out: &mut Conversion,
) {
    let Parsed {
        tunnel,
        origins,
        warnings,
    } = p;
    out.diagnostics.extend(warnings);
    let problems = tunnel.validate();
    if !problems.is_empty() {
        out.diagnostics
            .extend(problems.iter().map(|p| origins.diagnose(Severity::Error, p)));
        return;
    }
    if let Some(p) = crate::mtu::check(&tunnel, crate::mtu::DEFAULT_UNDERLAY_MTU) {
        out.diagnostics.push(origins.diagnose(Severity::Warning, &p));
    }
    let wopts = WriteOptions {
        uuid: opts.uuid,
        source_path: source.path.clone(),
        template_dir: opts.template_dir.clone(),
        extras: opts.extras.clone(),
    };
    match format::write(to, &tunnel, &wopts) {
        Ok(written) => {
            out.diagnostics.extend(
                written
                    .warnings
                    .iter()
                    .map(|w| origins.diagnose(Severity::Warning, w)),
            );
            out.items.push(Item {
                format: to,
                tunnel: written.tunnel,
                files: written.files,
            });
        }
        Err(errors) => {
            out.diagnostics.extend(errors.iter().map(|e| {
                let mut d = origins.diagnose(Severity::Error, e);
                d.message = format!("cannot write {} as {}: {}", tunnel.name, to.name(), d.message);
                d
            }));
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
