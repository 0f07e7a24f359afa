//! Command-line definition (clap derive). The man pages in `man/` are
//! generated from this file; `tests/man.rs` fails when they are stale.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::format::{Format, UuidPolicy};

pub const EXIT_CODES: &str = "\
Exit status:
  0  success (with --diff: no differences)
  1  --diff found differences
  2  invalid input or usage: syntax errors, values the target cannot hold,
     warnings under --strict
  3  input or output error: a file could not be read or written";

#[derive(Debug, Parser)]
#[command(
    name = "grecfg",
    version,
    about = "Convert Linux GRE/IP tunnel configurations between formats",
    long_about = "grecfg reads a GRE/IP tunnel in one configuration dialect (initscripts ifcfg \
files, NetworkManager keyfiles, ...) into one tunnel model and writes it in another, reporting \
everything that cannot be carried over. It never executes anything taken from its input.",
    after_help = EXIT_CODES,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Convert(ConvertArgs),
    Render(RenderArgs),
}

/// Convert tunnel configurations from one format to another
#[derive(Debug, Args)]
#[command(
    long_about = "Convert tunnel configurations from one format to another.\n\n\
Each INPUT is read in the format given by --from, or detected from its name (ifcfg-*, \
*.nmconnection, *.json, rc.local, *.sh, *.ip) and content. An ifcfg file brings its companions from \
the same directory: route-NAME, route6-NAME and keys-NAME. A directory INPUT converts every tunnel \
ifcfg-* file in it. `-` reads standard input.\n\n\
The result goes to standard output unless -o or --output-dir is given; several files on \
standard output are separated by `# --- NAME ---` lines. Files are written atomically, \
NetworkManager keyfiles with mode 0600, rc.local scripts with mode 0755.\n\n\
Whatever the target format cannot hold exactly is a warning on standard error naming the input \
key and line; --strict turns warnings into errors. Nothing is written when there is an error.\n\n\
Without a UUID in the input, NetworkManager profiles get a UUID derived from the interface name \
(--uuid stable), so converting the same input again gives the same file.",
    after_help = EXIT_CODES
)]
pub struct ConvertArgs {
    /// Format to write
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub to: Format,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// Render tunnels as scripts, units, firewall rules and keepalives
#[derive(Debug, Args)]
#[command(
    long_about = "Render tunnels as scripts: iproute2 commands, an rc.local script or a systemd unit. \
`grecfg render --target T` is `grecfg convert --to T` for the script targets.\n\n\
The rc.local script (rc.local-NAME) takes `start` (the default) or `stop`: start loads the kernel \
module, deletes a device of the same name and creates the tunnel anew, so running it twice leaves \
the same state; stop deletes the tunnel and succeeds when it is already gone. It stops at the \
first failing command and names it. The systemd unit (grecfg-tunnel-NAME.service) is a oneshot \
service that brings the tunnel up on start and deletes it on stop.\n\n\
Every value is quoted for the shell or for systemd by the templates' filters; the templates \
(iproute2.j2, rc.local.j2, systemd.service.j2) can be replaced with --template-dir. Commands \
found in an input script besides the tunnel's own (firewall rules, sysctl, ...) are never copied \
into a rendered script.\n\nWhat a tunnel needs around it: firewalld (firewalld-NAME.sh), iptables (iptables-NAME.sh) and \
nftables (grecfg-NAME.nft) admit the tunnel's IP protocol (47 for GRE, 4 for ipip and ipip6, 41 for \
sit, isatap and ip6ip6, 50 for vti) from the peer's outer address to the local one only, and clamp \
the TCP MSS of forwarded SYNs on the tunnel (to the route MTU into it, and to the MSS of the \
tunnel's MTU out of it when the tunnel has an MTU). With --masquerade IFACE they also masquerade \
the tunnel's inner networks leaving through IFACE, admit forwarding between the two and turn \
forwarding on. The scripts take start (add each rule unless it is there) or stop (remove them); \
the nftables file replaces a table of the tunnel's own each time it is loaded. sysctl \
(90-grecfg-NAME.conf) is a sysctl.d file turning forwarding on.\n\nkeepalive writes a probe script (grecfg-keepalive-NAME, for /usr/local/sbin) with a systemd \
service and timer. Every --keepalive-interval seconds it pings the peer's inner address through \
the tunnel; after --keepalive-misses unanswered pings in a row it withdraws the tunnel's routes, \
keeping the device and its addresses up so that the pings go on, and restores the routes at the \
first answer. State is kept in /run/grecfg/keepalive.",
    after_help = EXIT_CODES
)]
pub struct RenderArgs {
    /// What to render
    #[arg(long, value_enum, value_name = "TARGET")]
    pub target: RenderTarget,

    #[command(flatten)]
    pub extras: crate::extras::ExtrasOptions,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// The script formats, as `render --target` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RenderTarget {
    /// iproute2 command lines (`NAME.ip`)
    Iproute2,
    /// A `start|stop` shell script (`rc.local-NAME`)
    #[value(name = "rc.local")]
    RcLocal,
    /// A oneshot systemd service (`grecfg-tunnel-NAME.service`)
    Systemd,
    /// firewall-cmd rules admitting the tunnel (`firewalld-NAME.sh`)
    Firewalld,
    /// An nft -f file with the tunnel's own table (`grecfg-NAME.nft`)
    Nftables,
    /// iptables rules admitting the tunnel (`iptables-NAME.sh`)
    Iptables,
    /// Forwarding on, for /etc/sysctl.d (`90-grecfg-NAME.conf`)
    Sysctl,
    /// A ping probe with its systemd service and timer (`grecfg-keepalive-NAME*`)
    Keepalive,
}

impl RenderTarget {
    pub fn format(self) -> Format {
        match self {
            RenderTarget::Iproute2 => Format::Iproute2,
            RenderTarget::RcLocal => Format::RcLocal,
            RenderTarget::Systemd => Format::Systemd,
            RenderTarget::Firewalld => Format::Firewalld,
            RenderTarget::Nftables => Format::Nftables,
            RenderTarget::Iptables => Format::Iptables,
            RenderTarget::Sysctl => Format::Sysctl,
            RenderTarget::Keepalive => Format::Keepalive,
        }
    }
}

/// What `convert` and `render` share.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Format of the inputs (detected when absent)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub from: Option<Format>,

    /// Write the result to FILE (one output file only)
    #[arg(short = 'o', long, value_name = "FILE", conflicts_with = "output_dir")]
    pub output: Option<PathBuf>,

    /// Write the result files into DIR (created if missing)
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,

    /// Show a unified diff against what is at the destination; write nothing
    #[arg(long)]
    pub diff: bool,

    /// Treat warnings (anything not carried over exactly) as errors
    #[arg(long)]
    pub strict: bool,

    /// How a NetworkManager profile without a UUID in the input gets one
    #[arg(long, value_enum, value_name = "POLICY", default_value_t = UuidPolicy::Stable)]
    pub uuid: UuidPolicy,

    /// Use the templates in DIR instead of the shipped ones with the same file name
    #[arg(long, value_name = "DIR")]
    pub template_dir: Option<PathBuf>,

    /// Do not print warnings and notes (errors are always printed)
    #[arg(short, long)]
    pub quiet: bool,

    /// Input files or directories; `-` for standard input
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
}
