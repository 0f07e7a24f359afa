//! The registry: the closed set of formats and what is known of each
//! without reading anything (its [`Meta`], with its three functions),
//! oxrdfio's way: a closed enum with const metadata and a plain `match`,
//! no trait objects.
//!
//! Adding a format is one file in `formats/` with the fixed signatures
//!
//! ```text
//! pub(crate) fn read(src: &Source, cx: &ReadContext) -> Result<Vec<Parsed>, Failure>
//! pub(crate) fn lower(t: &Tunnel, cx: &WriteContext) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>>
//! pub(crate) fn write(t: &Tunnel, cx: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>>
//! ```
//!
//! plus, here, a variant, its place in [`Format::ALL`], its [`Meta`] and its
//! arm in [`Format::meta`]. Detection,
//! the `--from`/`--to`/`--target` value lists and their help, the `--from`
//! hint, directory scanning, where files live under a root, and the test
//! suites' input lists all come from the metadata.

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Ifcfg,
    Keyfile,
    Model,
    Iproute2,
    RcLocal,
    Systemd,
    Nmcli,
    Firewalld,
    Nftables,
    Iptables,
    Sysctl,
    Keepalive,
}

/// What a format is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A tunnel's own configuration: read and written.
    Tunnel,
    /// Commands that bring a tunnel up (scripts, units), rendered from a
    /// template.
    Script,
    /// What a tunnel needs around it (firewall, forwarding, keepalive):
    /// written only, rendered from templates.
    Around,
}

/// How a file name says which format a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// The whole file name.
    Exact(&'static str),
    /// `ifcfg-*`.
    Prefix(&'static str),
    /// `*.nmconnection`.
    Suffix(&'static str),
}

impl Pattern {
    pub fn matches(self, base: &str) -> bool {
        match self {
            Pattern::Exact(s) => base == s,
            Pattern::Prefix(s) => base.starts_with(s),
            Pattern::Suffix(s) => base.ends_with(s),
        }
    }

    /// As the help text shows it: `ifcfg-*`, `*.ip`, `rc.local`.
    pub fn shown(self) -> String {
        match self {
            Pattern::Exact(s) => s.to_string(),
            Pattern::Prefix(s) => format!("{s}*"),
            Pattern::Suffix(s) => format!("*{s}"),
        }
    }
}

/// One kind of file a writer produces for each tunnel.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// The file name for a tunnel.
    pub name: fn(&Tunnel) -> String,
    /// Unix permission bits.
    pub mode: u32,
    /// Where it belongs on a machine, relative to the root; `None` when
    /// there is no one place (a script the user runs by hand).
    pub dir: Option<&'static str>,
    /// The template it is rendered from, for template formats.
    pub template: Option<&'static str>,
    /// Written only when the tunnel has something to put in it
    /// (`route-NAME` without routes is not written).
    pub optional: bool,
}

impl Output {
    const fn new(name: fn(&Tunnel) -> String, mode: u32) -> Output {
        Output {
            name,
            mode,
            dir: None,
            template: None,
            optional: false,
        }
    }
    const fn dir(mut self, dir: &'static str) -> Output {
        self.dir = Some(dir);
        self
    }
    const fn template(mut self, template: &'static str) -> Output {
        self.template = Some(template);
        self
    }
    const fn optional(mut self) -> Output {
        self.optional = true;
        self
    }
}

/// How to tell a tunnel from the other interfaces of a directory.
#[derive(Debug, Clone, Copy)]
pub struct TunnelFilter {
    pub is_tunnel: fn(&str) -> bool,
    /// What a file that is not a tunnel is, for the note that skips it.
    pub otherwise: &'static str,
}

/// A format's reader: every tunnel a text holds.
pub type ReadFn = fn(&Source, &ReadContext) -> Result<Vec<Parsed>, Failure>;
/// A format's lowering: the tunnel mapped onto what the format can hold,
/// with a warning for each thing changed or dropped; errors for what it
/// cannot hold at all.
pub type LowerFn = fn(&Tunnel, &WriteContext) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>>;
/// A format's writer: the files of one lowered tunnel.
pub type WriteFn = fn(&Tunnel, &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>>;

/// What is known of a format without reading anything, and its three
/// functions.
#[derive(Debug, Clone, Copy)]
pub struct Meta {
    /// Its name on the command line.
    pub name: &'static str,
    /// Other names `--from`/`--to` accept (not listed in the help).
    pub aliases: &'static [&'static str],
    /// One line for `--from`/`--to`'s list of values.
    pub help: &'static str,
    /// One line for `render --target`'s list, for the formats `render`
    /// writes.
    pub render_help: Option<&'static str>,
    pub role: Role,
    /// Its reader; `None` for the formats grecfg only writes.
    pub read: Option<ReadFn>,
    pub lower: LowerFn,
    pub write: WriteFn,
    /// File names it is known by, for detection.
    pub names: &'static [Pattern],
    /// File names in a directory of this format that are not inputs even
    /// though a pattern matches (initscripts' backup suffixes).
    pub skipped_suffixes: &'static [&'static str],
    /// Files that accompany an input, by prefix (`route-` for
    /// `route-NAME` beside `ifcfg-NAME`): read with it, never alone.
    pub companions: &'static [&'static str],
    /// Which files of its kind are tunnels, for scanning a directory that
    /// holds other interfaces too.
    pub tunnels_only: Option<TunnelFilter>,
    /// Where its files live on a machine, relative to the root, in the
    /// order the consumer reads them: what scanning a root looks at.
    pub system_dirs: &'static [&'static str],
    /// The files written for each tunnel.
    pub outputs: &'static [Output],
    /// How several tunnels go to standard output as one text, for a
    /// format with a way of its own (a JSON array); others print each
    /// file after a `# --- NAME ---` line.
    pub stdout_many: Option<fn(&[&Tunnel]) -> String>,
}

/// File names in a directory that initscripts ignores.
const INITSCRIPTS_SKIPPED: &[&str] = &[
    ".bak", "~", ".orig", ".rej", ".rpmnew", ".rpmsave", ".augnew", ".augtmp",
];

const IFCFG: Meta = Meta {
    name: "ifcfg",
    aliases: &[],
    help: "RHEL/Fedora initscripts `ifcfg-NAME` (with `route-NAME`, `route6-NAME`, `keys-NAME`)",
    render_help: None,
    role: Role::Tunnel,
    read: Some(formats::ifcfg::read),
    lower: formats::ifcfg::lower,
    write: formats::ifcfg::write,
    names: &[Pattern::Prefix("ifcfg-")],
    skipped_suffixes: INITSCRIPTS_SKIPPED,
    companions: &["route-", "route6-", "keys-"],
    tunnels_only: Some(TunnelFilter {
        is_tunnel: formats::ifcfg::is_tunnel,
        otherwise: "not a tunnel (TYPE is not GRE, GRE6, IPIP, IPIP6 or EXTERNAL)",
    }),
    system_dirs: &["etc/sysconfig/network-scripts"],
    outputs: &[
        Output::new(|t| format!("ifcfg-{}", t.name), 0o644).dir("etc/sysconfig/network-scripts"),
        Output::new(|t| format!("route-{}", t.name), 0o644)
            .dir("etc/sysconfig/network-scripts")
            .optional(),
        Output::new(|t| format!("route6-{}", t.name), 0o644)
            .dir("etc/sysconfig/network-scripts")
            .optional(),
    ],
    stdout_many: None,
};

const KEYFILE: Meta = Meta {
    name: "nm",
    aliases: &["keyfile"],
    help: "NetworkManager keyfile `NAME.nmconnection` (alias: keyfile)",
    render_help: None,
    role: Role::Tunnel,
    read: Some(keyfile_read),
    lower: formats::keyfile::lower,
    write: keyfile_write,
    names: &[Pattern::Suffix(".nmconnection")],
    skipped_suffixes: &[],
    companions: &[],
    tunnels_only: Some(TunnelFilter {
        is_tunnel: formats::keyfile::is_tunnel,
        otherwise: "not a tunnel (its [connection] type is not ip-tunnel)",
    }),
    // NetworkManager's keyfile plugin: persistent, runtime, vendor.
    system_dirs: &[
        "etc/NetworkManager/system-connections",
        "run/NetworkManager/system-connections",
        "usr/lib/NetworkManager/system-connections",
    ],
    outputs: &[
        Output::new(|t| formats::keyfile::file_name(t.profile_id()), 0o600)
            .dir("etc/NetworkManager/system-connections"),
    ],
    stdout_many: None,
};

const MODEL: Meta = Meta {
    name: "model",
    aliases: &[],
    help: "grecfg's tunnel model as JSON (the debugging view)",
    render_help: None,
    role: Role::Tunnel,
    read: Some(formats::model::read),
    lower: formats::model::lower,
    write: formats::model::write,
    names: &[Pattern::Suffix(".json")],
    skipped_suffixes: &[],
    companions: &[],
    tunnels_only: None,
    system_dirs: &[],
    outputs: &[Output::new(|t| format!("{}.json", t.name), 0o644)],
    stdout_many: Some(formats::model::stdout_many),
};

const IPROUTE2: Meta = Meta {
    name: "iproute2",
    aliases: &[],
    help: "iproute2 command lines (`NAME.ip`), as typed at a prompt",
    render_help: Some("iproute2 command lines (`NAME.ip`)"),
    role: Role::Script,
    read: Some(formats::iproute2::read),
    lower: formats::iproute2::lower,
    write: formats::iproute2::write,
    names: &[Pattern::Suffix(".ip")],
    skipped_suffixes: &[],
    companions: &[],
    tunnels_only: None,
    system_dirs: &[],
    outputs: &[Output::new(|t| format!("{}.ip", t.name), 0o644).template("iproute2.j2")],
    stdout_many: None,
};

const RC_LOCAL: Meta = Meta {
    name: "rc.local",
    aliases: &[],
    help: "A shell script (`rc.local-NAME`); written as a `start|stop` script",
    render_help: Some("A `start|stop` shell script (`rc.local-NAME`)"),
    role: Role::Script,
    read: Some(formats::rclocal::read),
    lower: formats::rclocal::lower,
    write: formats::rclocal::write,
    names: &[
        Pattern::Exact("rc.local"),
        Pattern::Prefix("rc.local-"),
        Pattern::Suffix(".sh"),
    ],
    skipped_suffixes: &[],
    companions: &[],
    tunnels_only: None,
    system_dirs: &["etc/rc.d"],
    outputs: &[Output::new(|t| format!("rc.local-{}", t.name), 0o755)
        .dir("etc/rc.d")
        .template("rc.local.j2")],
    stdout_many: None,
};

const SYSTEMD: Meta = Meta {
    name: "systemd",
    aliases: &[],
    help: "A oneshot systemd service (written only)",
    render_help: Some("A oneshot systemd service (`grecfg-tunnel-NAME.service`)"),
    role: Role::Script,
    read: None,
    lower: formats::systemd::lower,
    write: formats::systemd::write,
    names: &[],
    skipped_suffixes: &[],
    companions: &[],
    tunnels_only: None,
    system_dirs: &[],
    outputs: &[Output::new(|t| crate::render::unit_name(&t.name), 0o644)
        .dir("etc/systemd/system")
        .template("systemd.service.j2")],
    stdout_many: None,
};

const NMCLI: Meta = Meta {
    name: "nmcli",
    aliases: &[],
    help: "`nmcli connection add|modify` command lines (`NAME.nmcli`), mixed with iproute2 ones",
    render_help: None,
    role: Role::Tunnel,
    read: Some(formats::nmcli::read),
    lower: formats::nmcli::lower,
    write: formats::nmcli::write,
    names: &[Pattern::Suffix(".nmcli")],
    skipped_suffixes: &[],
    companions: &[],
    tunnels_only: None,
    system_dirs: &[],
    outputs: &[Output::new(|t| format!("{}.nmcli", t.name), 0o644)],
    stdout_many: None,
};

const FIREWALLD: Meta = Meta {
    name: "firewalld",
    aliases: &[],
    help: "firewalld rules admitting the tunnel from its peer: a `firewall-cmd` script (written only)",
    render_help: Some("firewall-cmd rules admitting the tunnel (`firewalld-NAME.sh`)"),
    role: Role::Around,
    read: None,
    lower: crate::extras::lower,
    write: crate::extras::write_firewalld,
    names: &[],
    skipped_suffixes: &[],
    companions: &[],
    tunnels_only: None,
    system_dirs: &[],
    outputs: &[Output::new(|t| format!("firewalld-{}.sh", t.name), 0o755).template("firewalld.sh.j2")],
    stdout_many: None,
};

const NFTABLES: Meta = Meta {
    name: "nftables",
    aliases: &[],
    help: "nftables rules in a table of the tunnel's own: an `nft -f` file (written only)",
    render_help: Some("An nft -f file with the tunnel's own table (`grecfg-NAME.nft`)"),
    role: Role::Around,
    read: None,
    lower: crate::extras::lower,
    write: crate::extras::write_nftables,
    names: &[],
    skipped_suffixes: &[],
    companions: &[],
    tunnels_only: None,
    system_dirs: &[],
    outputs: &[Output::new(|t| format!("grecfg-{}.nft", t.name), 0o644).template("nftables.nft.j2")],
    stdout_many: None,
};

const IPTABLES: Meta = Meta {
    name: "iptables",
    aliases: &[],
    help: "iptables rules admitting the tunnel from its peer: a script (written only)",
    render_help: Some("iptables rules admitting the tunnel (`iptables-NAME.sh`)"),
    role: Role::Around,
    read: None,
    lower: crate::extras::lower,
    write: crate::extras::write_iptables,
    names: &[],
    skipped_suffixes: &[],
    companions: &[],
    tunnels_only: None,
    system_dirs: &[],
    outputs: &[Output::new(|t| format!("iptables-{}.sh", t.name), 0o755).template("iptables.sh.j2")],
    stdout_many: None,
};

const SYSCTL: Meta = Meta {
    name: "sysctl",
    aliases: &[],
    help: "A sysctl.d file turning forwarding on (written only)",
    render_help: Some("Forwarding on, for /etc/sysctl.d (`90-grecfg-NAME.conf`)"),
    role: Role::Around,
    read: None,
    lower: crate::extras::lower,
    write: crate::extras::write_sysctl,
    names: &[],
    skipped_suffixes: &[],
    companions: &[],
    tunnels_only: None,
    system_dirs: &[],
    outputs: &[Output::new(|t| format!("90-grecfg-{}.conf", t.name), 0o644)
        .dir("etc/sysctl.d")
        .template("sysctl.conf.j2")],
    stdout_many: None,
};

const KEEPALIVE: Meta = Meta {
    name: "keepalive",
    aliases: &[],
    help: "A keepalive: probe script, systemd service and timer (written only)",
    render_help: Some("A ping probe with its systemd service and timer (`grecfg-keepalive-NAME*`)"),
    role: Role::Around,
    read: None,
    lower: crate::extras::lower,
    write: crate::extras::write_keepalive,
    names: &[],
    skipped_suffixes: &[],
    companions: &[],
    tunnels_only: None,
    system_dirs: &[],
    outputs: &[
        Output::new(|t| crate::extras::keepalive_script(&t.name), 0o755)
            .dir("usr/local/sbin")
            .template("keepalive.sh.j2"),
        Output::new(|t| crate::extras::keepalive_unit(&t.name, "service"), 0o644)
            .dir("etc/systemd/system")
            .template("keepalive.service.j2"),
        Output::new(|t| crate::extras::keepalive_unit(&t.name, "timer"), 0o644)
            .dir("etc/systemd/system")
            .template("keepalive.timer.j2"),
    ],
    stdout_many: None,
};

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 12] = [
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
            Format::Ifcfg => &IFCFG,
            Format::Keyfile => &KEYFILE,
            Format::Model => &MODEL,
            Format::Iproute2 => &IPROUTE2,
            Format::RcLocal => &RC_LOCAL,
            Format::Systemd => &SYSTEMD,
            Format::Nmcli => &NMCLI,
            Format::Firewalld => &FIREWALLD,
            Format::Nftables => &NFTABLES,
            Format::Iptables => &IPTABLES,
            Format::Sysctl => &SYSCTL,
            Format::Keepalive => &KEEPALIVE,
        }
    }

    pub const fn name(self) -> &'static str {
        self.meta().name
    }

    /// Whether grecfg reads this format (every format is written).
    pub const fn readable(self) -> bool {
        self.meta().read.is_some()
    }

    /// The formats grecfg reads, in `--help` order.
    pub fn readable_formats() -> impl Iterator<Item = Format> {
        Format::ALL.into_iter().filter(|f| f.readable())
    }

    /// The formats `render --target` writes: scripts and what goes around
    /// a tunnel.
    pub fn rendered_formats() -> impl Iterator<Item = Format> {
        Format::ALL.into_iter().filter(|f| f.meta().render_help.is_some())
    }

    /// The format whose name or alias is `name`.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
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
    pub fn is_input_name(self, base: &str) -> bool {
        let m = self.meta();
        m.names.iter().any(|p| p.matches(base)) && !m.skipped_suffixes.iter().any(|s| base.ends_with(s))
    }

    /// The file names grecfg detects formats by, as the help lists them.
    pub fn detected_names() -> String {
        Format::readable_formats()
            .flat_map(|f| f.meta().names.iter().map(|p| p.shown()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Guess the format of an input from its file name, then its content.
    pub fn detect(name: Option<&str>, text: &str) -> Option<Format> {
        if let Some(f) = name.and_then(Format::from_path) {
            return Some(f);
        }
        sniff(text)
    }
}

/// The format of a text by its content. The order matters: a shebang
/// makes a script whatever follows; nmcli lines start like iproute2 ones
/// (both may have `[root@host]#` prompts), and a keyfile group header
/// `[connection]` like a prompt.
fn sniff(text: &str) -> Option<Format> {
    if text.starts_with("#!") {
        return Some(Format::RcLocal);
    }
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))?;
    if crate::script::starts_with_nmcli(text) {
        Some(Format::Nmcli)
    } else if first.starts_with('{') {
        Some(Format::Model)
    } else if first.starts_with("ip ") || first.starts_with("[root@") {
        Some(Format::Iproute2)
    } else if first.starts_with('[') {
        Some(Format::Keyfile)
    } else if text.lines().any(|l| {
        let l = l.trim_start();
        let l = l.strip_prefix("export ").unwrap_or(l);
        ["TYPE=", "DEVICE=", "PEER_OUTER_IPADDR=", "MY_INNER_IPADDR="]
            .iter()
            .any(|k| l.starts_with(k))
    }) {
        Some(Format::Ifcfg)
    } else {
        None
    }
}

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &Format::ALL
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
        const RENDERED: [Rendered; 8] = [
            Rendered(Format::Iproute2),
            Rendered(Format::RcLocal),
            Rendered(Format::Systemd),
            Rendered(Format::Firewalld),
            Rendered(Format::Nftables),
            Rendered(Format::Iptables),
            Rendered(Format::Sysctl),
            Rendered(Format::Keepalive),
        ];
        &RENDERED
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let m = self.0.meta();
        Some(PossibleValue::new(m.name).help(m.render_help?))
    }
}

/// Read every tunnel an input holds.
pub fn read(format: Format, src: &Source, cx: &ReadContext) -> Result<Vec<Parsed>, Failure> {
    match format.meta().read {
        Some(read) => read(src, cx),
        None => Err(written_only(format, src)),
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

fn keyfile_read(src: &Source, _: &ReadContext) -> Result<Vec<Parsed>, Failure> {
    formats::keyfile::read(src).map(|p| vec![p])
}
fn keyfile_write(t: &Tunnel, _: &WriteContext) -> Result<Vec<OutputFile>, Vec<Problem>> {
    Ok(formats::keyfile::encode(t))
}

#[cfg(test)]
mod tests;
