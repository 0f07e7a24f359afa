//! What is known of a format without reading anything: the closed set of
//! formats and the shape of their metadata. A leaf (it names codec, diag
//! and model types only), so that every format module can state its own
//! metadata and the registry in `format.rs` can gather them without the
//! two importing each other.

use crate::codec::{OutputFile, Parsed, ReadContext, WriteContext};
use crate::diag::{Failure, Problem, Source};
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

impl Meta {
    /// A format that reads nothing and has no file names, no companions
    /// and no place on a machine to read from: every format's metadata
    /// starts from this and says what it adds.
    pub const fn new(
        name: &'static str,
        help: &'static str,
        role: Role,
        lower: LowerFn,
        write: WriteFn,
        outputs: &'static [Output],
    ) -> Meta {
        Meta {
            name,
            aliases: &[],
            help,
            render_help: None,
            role,
            read: None,
            lower,
            write,
            names: &[],
            sniff: None,
            skipped_suffixes: &[],
            companions: &[],
            tunnels_only: None,
            system_dirs: &[],
            outputs,
            stdout_many: None,
        }
    }
}

impl Output {
    pub const fn new(name: fn(&Tunnel) -> String, mode: u32) -> Output {
        Output {
            name,
            mode,
            dir: None,
            template: None,
            optional: false,
        }
    }
    pub const fn dir(mut self, dir: &'static str) -> Output {
        self.dir = Some(dir);
        self
    }
    pub const fn template(mut self, template: &'static str) -> Output {
        self.template = Some(template);
        self
    }
    pub const fn optional(mut self) -> Output {
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

/// How a text without a telling file name shows it is in a format.
#[derive(Debug, Clone, Copy)]
pub struct Sniff {
    /// Lower ranks are asked first: a shebang makes a script whatever
    /// follows, nmcli lines look like iproute2 ones (both may follow
    /// `[root@host]#` prompts), a keyfile's `[connection]` like a prompt.
    pub rank: u8,
    /// Whether `text`, whose first line that is neither blank nor a
    /// comment is `first` (trimmed), is in the format.
    pub test: fn(text: &str, first: &str) -> bool,
}

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
    /// How its content shows it, for a text without a telling name.
    pub sniff: Option<Sniff>,
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
