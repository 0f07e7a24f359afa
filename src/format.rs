//! The registry: the closed set of formats and what is known of each
//! without reading anything (its [`Meta`], with its three functions),
//! oxrdfio's way: a closed enum with const metadata and a plain `match`,
//! no trait objects.
//!
//! Adding a format is one file in `formats/` holding its `pub const META:
//! Meta` and the three functions with the fixed signatures
//!
//! ```text
//! fn read(src: &Source, cx: &ReadContext) -> Result<Vec<Parsed>, Failure>
//! fn lower(t: &Tunnel, cx: &WriteContext) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>>
//! fn write(t: &Tunnel, cx: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>>
//! ```
//!
//! plus its variant in [`meta::Format`], its place in [`Format::ALL`] and its
//! arm in [`Format::meta`]. Detection, the `--from`/`--to`/`--target` value
//! lists and their help, the `--from` hint, directory scanning, where files
//! live under a root, and the test suites' input lists all come from the
//! metadata (docs/ARCHITECTURE.md walks through it).

use std::path::Path;

use clap::builder::PossibleValue;
use clap::ValueEnum;

pub use crate::codec::{
    legacy_uuid, Companions, DirCompanions, NoCompanions, OutputFile, Parsed, ReadContext, UuidPolicy,
    WriteContext, WriteOptions, Written, UUID_NAMESPACE,
};
use crate::diag::{Diagnostic, Failure, Problem, Source};
use crate::formats;
use crate::model::Tunnel;
pub use meta::{Format, LowerFn, Meta, Output, Pattern, ReadFn, Role, Sniff, TunnelFilter, WriteFn};

impl Format {
    /// Every format, in the order `--help` lists them.
    pub(crate) const ALL: &[Format] = &[
        Format::Ifcfg,
        Format::Keyfile,
        Format::Model,
        Format::Iproute2,
        Format::RcLocal,
        Format::Systemd,
        Format::Nmcli,
        Format::Firewalld,
        Format::Nftables,
        Format::Iptables,
        Format::Sysctl,
        Format::Keepalive,
    ];

    pub const fn meta(self) -> &'static Meta {
        match self {
            Format::Ifcfg => &formats::ifcfg::META,
            Format::Keyfile => &formats::keyfile::META,
            Format::Model => &formats::model::META,
            Format::Iproute2 => &formats::iproute2::META,
            Format::RcLocal => &formats::rclocal::META,
            Format::Systemd => &formats::systemd::META,
            Format::Nmcli => &formats::nmcli::META,
            Format::Firewalld => &crate::extras::FIREWALLD,
            Format::Nftables => &crate::extras::NFTABLES,
            Format::Iptables => &crate::extras::IPTABLES,
            Format::Sysctl => &crate::extras::SYSCTL,
            Format::Keepalive => &crate::extras::KEEPALIVE,
        }
    }

    pub(crate) const fn name(self) -> &'static str {
        self.meta().name
    }

    /// Whether grecfg reads this format (every format is written).
    pub(crate) const fn readable(self) -> bool {
        self.meta().read.is_some()
    }

    /// The formats grecfg reads, in `--help` order.
    pub(crate) fn readable_formats() -> impl Iterator<Item = Format> {
        Format::ALL.iter().copied().filter(|f| f.readable())
    }

    /// The formats `render --target` writes: scripts and what goes around
    /// a tunnel.
    pub fn rendered_formats() -> impl Iterator<Item = Format> {
        Format::ALL
            .iter()
            .copied()
            .filter(|f| f.meta().render_help.is_some())
    }

    /// The format whose name or alias is `name`.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.name() == name || f.meta().aliases.contains(&name))
    }

    /// The format a file is in by its name alone (`/x/ifcfg-gre1`): whole
    /// names and prefixes first, then suffixes, so that `rc.local-gre1.ip`
    /// is an rc.local script.
    pub fn from_path(name: &str) -> Option<Format> {
        let base = Path::new(name)
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or(name);
        let by = |suffix: bool| {
            Format::readable_formats().find(|f| {
                f.meta()
                    .names
                    .iter()
                    .any(|p| matches!(p, Pattern::Suffix(_)) == suffix && p.matches(base))
            })
        };
        by(false).or_else(|| by(true))
    }

    /// Whether `base` is an input of this format when met in a directory:
    /// its name matches, and it is no backup or companion.
    pub(crate) fn is_input_name(self, base: &str) -> bool {
        let m = self.meta();
        m.names.iter().any(|p| p.matches(base)) && !m.skipped_suffixes.iter().any(|s| base.ends_with(s))
    }

    /// The file names grecfg detects formats by, as the help lists them.
    pub(crate) fn detected_names() -> String {
        Format::readable_formats()
            .flat_map(|f| f.meta().names.iter().map(|p| p.shown()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Guess the format of an input from its file name, then its content.
    pub(crate) fn detect(name: Option<&str>, text: &str) -> Option<Format> {
        if let Some(f) = name.and_then(Format::from_path) {
            return Some(f);
        }
        sniff(text)
    }
}

/// The dialect of an input grecfg does not read, by its name or content,
/// as error messages name it: a systemd-networkd unit (whose `[NetDev]`
/// would otherwise pass for a keyfile's group), netplan YAML, a Debian
/// interfaces file. Asked only when the name gives no readable format.
pub(crate) fn foreign_dialect(name: Option<&str>, text: &str) -> Option<&'static str> {
    let base = name.map(|n| n.rsplit('/').next().unwrap_or(n)).unwrap_or("");
    let lines = || {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))
    };
    let group = |g: &str| lines().any(|l| l.eq_ignore_ascii_case(g));
    if base.ends_with(".netdev") || group("[NetDev]") {
        return Some("a systemd-networkd .netdev file");
    }
    if base.ends_with(".network") || (group("[Match]") || group("[Network]")) && !group("[connection]") {
        return Some("a systemd-networkd .network file");
    }
    if base.ends_with(".yaml")
        || base.ends_with(".yml")
        || lines().next().is_some_and(|l| l.starts_with("network:"))
    {
        return Some("netplan YAML");
    }
    let iface = |l: &str| {
        let w: Vec<&str> = l.split_whitespace().collect();
        w.len() >= 4 && w[0] == "iface" && matches!(w[2], "inet" | "inet6")
    };
    if base == "interfaces" || lines().any(iface) {
        return Some("a Debian ifupdown interfaces file");
    }
    None
}

/// The format of a text by its content: each format's sniff, by rank. A
/// text with nothing but blanks and comments is no format's, unless a
/// shebang makes it a script.
fn sniff(text: &str) -> Option<Format> {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'));
    let mut sniffers: Vec<(Sniff, Format)> = Format::ALL
        .iter()
        .copied()
        .filter_map(|f| f.meta().sniff.map(|s| (s, f)))
        .collect();
    sniffers.sort_by_key(|(s, _)| s.rank);
    sniffers
        .into_iter()
        .find(|(s, _)| match first {
            Some(first) => (s.test)(text, first),
            None => s.rank == 0 && (s.test)(text, ""),
        })
        .map(|(_, f)| f)
}

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        Format::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let m = self.meta();
        Some(
            PossibleValue::new(m.name)
                .help(m.help)
                .aliases(m.aliases.iter().copied()),
        )
    }
}

/// A format `render --target` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rendered(pub Format);

impl ValueEnum for Rendered {
    fn value_variants<'a>() -> &'a [Self] {
        static RENDERED: std::sync::LazyLock<Vec<Rendered>> =
            std::sync::LazyLock::new(|| Format::rendered_formats().map(Rendered).collect());
        &RENDERED
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let m = self.0.meta();
        Some(PossibleValue::new(m.name).help(m.render_help?))
    }
}

/// Read every tunnel an input holds.
pub fn read(format: Format, src: &Source, cx: &ReadContext) -> Result<Vec<Parsed>, Failure> {
    if let Some(d) = crate::diag::byte_order_mark(src, bom_consumer(format)) {
        return Err(Failure::one(d));
    }
    match format.meta().read {
        Some(read) => read(src, cx),
        None => Err(written_only(format, src)),
    }
}

/// What the program that reads a file of `format` does with a byte-order
/// mark at its start.
fn bom_consumer(format: Format) -> &'static str {
    match format {
        Format::Ifcfg => {
            "NetworkManager's ifcfg-rh reader takes as part of the first line, so that line assigns nothing, \
             and bash (initscripts sources the file) runs as part of a command that is not found"
        }
        Format::Keyfile => {
            "NetworkManager's keyfile reader (GLib's GKeyFile) refuses: the first line is then neither a group, \
             a key nor a comment"
        }
        Format::Model => "JSON forbids (RFC 8259, section 8.1)",
        Format::Iproute2 | Format::RcLocal | Format::Nmcli => {
            "the shell takes as part of the first word, so the first command is not found (and a `#!` line \
             is no longer one)"
        }
        _ => "the program that reads this file takes as part of its first line",
    }
}

fn written_only(format: Format, src: &Source) -> Failure {
    let d = if format == Format::Systemd {
        Diagnostic::error("grecfg writes systemd units but does not read them")
            .hint("convert the script or profile the unit was made from")
    } else {
        Diagnostic::error(format!(
            "grecfg writes {} output but does not read it",
            format.name()
        ))
        .hint("convert the tunnel's own configuration instead")
    };
    Failure::one(d.at(src.whole()))
}

/// Map a tunnel onto what `format` can express: the result encodes and
/// reads back unchanged.
pub fn lower(format: Format, t: &Tunnel, cx: &WriteContext) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
    (format.meta().lower)(t, cx)
}

/// Write one validated tunnel. Errors name what the format cannot express
/// at all; warnings name what it expresses only approximately.
pub fn write(format: Format, t: &Tunnel, cx: &WriteContext) -> Result<Written, Vec<Problem>> {
    let (lowered, warnings) = lower(format, t, cx)?;
    let files = (format.meta().write)(&lowered, cx)?;
    Ok(Written {
        tunnel: lowered,
        files,
        warnings,
    })
}

pub(crate) mod meta;
#[cfg(test)]
mod tests;
