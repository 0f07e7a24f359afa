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
    Activate(ActivateArgs),
    Deactivate(DeactivateArgs),
    Delete(DeleteArgs),
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

/// Render tunnels as scripts: iproute2 commands, an rc.local script or a systemd unit
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
into a rendered script.",
    after_help = EXIT_CODES
)]
pub struct RenderArgs {
    /// What to render
    #[arg(long, value_enum, value_name = "TARGET")]
    pub target: RenderTarget,

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
}

impl RenderTarget {
    pub fn format(self) -> Format {
        match self {
            RenderTarget::Iproute2 => Format::Iproute2,
            RenderTarget::RcLocal => Format::RcLocal,
            RenderTarget::Systemd => Format::Systemd,
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

pub const NM_EXIT_CODES: &str = "\
Exit status:
  0  success (with --dry-run: nothing was wrong)
  2  invalid input or usage; no profile of that name
  3  an input file could not be read
  4  NetworkManager refused the profile, or activation failed or timed out
     (NetworkManager's reason is printed)
  5  NetworkManager cannot be reached: no D-Bus system bus, NetworkManager not
     running, or grecfg built without the dbus feature
  6  not authorised: NetworkManager or the bus refused the caller (run as root,
     or allow it through polkit)";

/// Create or update a NetworkManager profile over D-Bus and bring it up
#[derive(Debug, Args)]
#[command(
    long_about = "Create or update a NetworkManager profile over D-Bus and bring it up.\n\n\
Each INPUT is read as for `grecfg convert --to nm` (same formats, same warnings) and sent to \
NetworkManager on the system bus. The profile is looked up by its UUID, then by its interface \
name: if it exists and differs, it is updated in place (Update2); if it is the same, it is left \
alone; otherwise it is added (AddConnection2). A profile is never duplicated. Profiles are saved \
to disk unless --in-memory is given.\n\n\
Then the profile is activated, unless --no-up, and grecfg waits up to --timeout seconds for it to \
come up. On success it prints the device and its addresses; on failure it prints \
NetworkManager's reason (for a GRE tunnel on a kernel without the ip_gre module: \"Operation not \
supported\") and exits with status 4.\n\n\
--dry-run prints the settings that would be sent and whether the profile would be added, updated \
or left alone, and changes nothing.",
    after_help = NM_EXIT_CODES
)]
pub struct ActivateArgs {
    /// Format of the inputs (detected when absent)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub from: Option<Format>,

    /// Keep the profile in NetworkManager's memory only: nothing is written to disk
    #[arg(long)]
    pub in_memory: bool,

    /// Add or update the profile but do not activate it (NetworkManager does not autoconnect it
    /// either until it is activated or NetworkManager restarts)
    #[arg(long)]
    pub no_up: bool,

    /// Seconds to wait for the activation to succeed or fail
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub timeout: u64,

    /// Print the settings and what would be done; change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Treat warnings (anything not carried over exactly) as errors
    #[arg(long)]
    pub strict: bool,

    /// How a profile without a UUID in the input gets one
    #[arg(long, value_enum, value_name = "POLICY", default_value_t = UuidPolicy::Stable)]
    pub uuid: UuidPolicy,

    /// Do not print warnings, notes and progress (errors are always printed)
    #[arg(short, long)]
    pub quiet: bool,

    /// Input files or directories; `-` for standard input
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
}

/// Deactivate NetworkManager profiles
#[derive(Debug, Args)]
#[command(
    long_about = "Deactivate NetworkManager profiles.\n\n\
Each NAME is a profile's UUID, its id, or the interface name of a tunnel profile. A profile that \
is not active is reported and left alone. The profiles are kept; `grecfg delete` removes them.",
    after_help = NM_EXIT_CODES
)]
pub struct DeactivateArgs {
    /// Do not print progress (errors are always printed)
    #[arg(short, long)]
    pub quiet: bool,

    /// Profile UUID, id or interface name
    #[arg(required = true, value_name = "NAME")]
    pub names: Vec<String>,
}

/// Delete NetworkManager profiles
#[derive(Debug, Args)]
#[command(
    long_about = "Delete NetworkManager profiles.\n\n\
Each NAME is a profile's UUID, its id, or the interface name of a tunnel profile; every profile \
it names is deleted (an active one is brought down first by NetworkManager), together with its \
file on disk.",
    after_help = NM_EXIT_CODES
)]
pub struct DeleteArgs {
    /// Do not print progress (errors are always printed)
    #[arg(short, long)]
    pub quiet: bool,

    /// Profile UUID, id or interface name
    #[arg(required = true, value_name = "NAME")]
    pub names: Vec<String>,
}
