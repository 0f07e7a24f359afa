//! Command-line definition (clap derive). The man pages in `man/` are
//! generated from this file; `tests/man.rs` fails when they are stale.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::codec::{ExtrasOptions, UuidPolicy};
use crate::convert::ConvertOptions;
use crate::format::{Format, Rendered};

pub const EXIT_CODES: &str = "\
Exit status:
  0  success (with --diff: no differences)
  1  --diff found differences
  2  invalid input or usage: syntax errors, values the target cannot hold,
     warnings under --strict
  3  input or output error: a file could not be read or written";

/// The top level's summary: each subcommand's help has its own table.
const TOP_EXIT_CODES: &str = "\
Exit status (convert, render, peer):
  0  success (with --diff: no differences)
  1  --diff found differences
  2  invalid input or usage: syntax errors, values the target cannot hold,
     warnings under --strict
  3  input or output error: a file could not be read or written
check (1: findings), mtu, migrate, and activate, deactivate, delete (4 to 6:
NetworkManager's answers) have their own: see their --help.";

#[derive(Debug, Parser)]
#[command(
    name = "grecfg",
    version,
    about = "Convert Linux GRE/IP tunnel configurations between formats",
    long_about = "grecfg reads a GRE/IP tunnel in one configuration dialect (initscripts ifcfg \
files, NetworkManager keyfiles, nmcli commands, rc.local scripts and iproute2 commands) into one \
tunnel model and writes it in another, reporting everything that cannot be carried over. It \
writes the other end of a tunnel, checks two ends against each other, renders the firewall rules \
and keepalive a tunnel needs, and brings tunnels up through NetworkManager. It never executes \
anything taken from its input.",
    after_help = TOP_EXIT_CODES,
    propagate_version = true
)]
pub struct Cli {
    /// Print errors only: no warnings, notes, progress or summary (check and mtu print their report all the same)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more: every file written, however many
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The command line, with the global `-q` and `-v` given to the
    /// subcommand, wherever they were written.
    pub fn parse_args() -> Cli {
        use clap::Parser;
        let mut cli = Cli::parse();
        let (quiet, verbose) = (cli.quiet, cli.verbose);
        match &mut cli.command {
            Command::Convert(a) => (a.common.quiet, a.common.verbose) = (quiet, verbose),
            Command::Render(a) => (a.common.quiet, a.common.verbose) = (quiet, verbose),
            Command::Peer(a) => (a.common.quiet, a.common.verbose) = (quiet, verbose),
            Command::Activate(a) => a.quiet = quiet,
            Command::Deactivate(a) => a.quiet = quiet,
            Command::Delete(a) => a.quiet = quiet,
            Command::Migrate(a) => (a.quiet, a.verbose) = (quiet, verbose),
            Command::Status(a) => a.quiet = quiet,
            Command::Check(_) | Command::Mtu(_) | Command::Completions(_) | Command::Generator(_) => {}
        }
        cli
    }
}

/// Each subcommand's arguments are built only when it is the one run
/// (clap's `defer`): a third of a one-file conversion's instructions were
/// clap building every subcommand's arguments.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Convert tunnel configurations from one format to another
    Convert(ConvertArgs),
    /// Render tunnels as scripts, units, firewall rules and keepalives
    Render(RenderArgs),
    /// Write the configuration of the other end of a tunnel
    Peer(PeerArgs),
    /// Find mistakes in a tunnel, or in the two ends of one
    Check(CheckArgs),
    /// Show a tunnel's header overhead, MTU and TCP MSS
    Mtu(MtuArgs),
    /// Create or update a NetworkManager profile over D-Bus and bring it up
    Activate(ActivateArgs),
    /// Deactivate NetworkManager profiles
    Deactivate(DeactivateArgs),
    /// Delete NetworkManager profiles
    Delete(DeleteArgs),
    /// Move a machine's ifcfg tunnels to NetworkManager keyfiles, with a backup to undo it
    #[command(long_about = MIGRATE_ABOUT, after_help = MIGRATE_EXIT_CODES)]
    Migrate(MigrateArgs),
    /// Compare tunnels' configuration with the running system: NetworkManager and the kernel
    #[command(long_about = STATUS_ABOUT, after_help = STATUS_EXIT_CODES)]
    Status(StatusArgs),
    /// Print the shell completion script for bash, zsh or fish
    #[command(long_about = COMPLETIONS_ABOUT, after_help = COMPLETIONS_EXIT_CODES)]
    Completions(CompletionsArgs),
    /// The systemd generator: ifcfg tunnels as NetworkManager runtime profiles at boot
    #[command(long_about = GENERATOR_ABOUT, after_help = GENERATOR_EXIT_CODES)]
    Generator(GeneratorArgs),
}

const GENERATOR_ABOUT: &str =
    "The systemd generator: ifcfg tunnels as NetworkManager runtime profiles at boot.\n\n\
Installed as /usr/lib/systemd/system-generators/grecfg-ifcfg-generator (a link to grecfg that systemd \
runs with its three output directories), it converts every tunnel ifcfg-* file of \
ROOT/etc/sysconfig/network-scripts into ROOT/run/NetworkManager/system-connections/NAME.nmconnection \
(0600), which NetworkManager reads when it starts: the tunnels come up at boot on a system without \
ifup-tunnel, without migrating them, and vanish when their files do (at the next boot or \
`systemctl daemon-reload`). A file that does not convert is skipped with a message on the kernel log \
naming its file and line; a tunnel with a persistent profile in \
ROOT/etc/NetworkManager/system-connections (same UUID or interface) is left to it; with no tunnel \
nothing is written.\n\n\
It does nothing unless turned on: create /etc/grecfg/ifcfg-generator.enable, or boot with \
grecfg.ifcfg-generator=1 on the kernel command line; grecfg.ifcfg-generator=0 turns it off for one \
boot. `grecfg migrate` is the lasting way out; this keeps a machine running until then.";

const GENERATOR_EXIT_CODES: &str = "\
Exit status:
  0  success, always: a generator must not fail the boot (what it skipped is on the kernel log)";

// The arguments of `grecfg generator`; its help is on `Command::Generator`.
#[derive(Debug, Args)]
pub struct GeneratorArgs {
    /// The machine's files are under DIR (`/` is this machine)
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,

    /// systemd's normal, early and late output directories (checked, not written)
    #[arg(value_name = "DIR", num_args = 1..=3, required = true)]
    pub dirs: Vec<PathBuf>,
}

const COMPLETIONS_ABOUT: &str = "Print the shell completion script for bash, zsh or fish.\n\n\
The packages install the same scripts (completions/ in the source tree) where each shell looks for \
them: /usr/share/bash-completion/completions/grecfg, /usr/share/zsh/vendor-completions/_grecfg, \
/usr/share/fish/vendor_completions.d/grecfg.fish. To try one without installing it: \
`source <(grecfg completions bash)`.";

const COMPLETIONS_EXIT_CODES: &str = "\
Exit status:
  0  success
  2  invalid usage (a shell grecfg has no completions for)";

/// The shells grecfg completes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    pub const ALL: [Shell; 3] = [Shell::Bash, Shell::Zsh, Shell::Fish];

    /// The file the script is kept in (`completions/`) and installed as.
    pub fn file_name(self) -> &'static str {
        match self {
            Shell::Bash => "grecfg.bash",
            Shell::Zsh => "_grecfg",
            Shell::Fish => "grecfg.fish",
        }
    }

    /// The completion script for this shell, from the CLI definition.
    pub fn script(self) -> String {
        use clap::CommandFactory;
        let mut cmd = Cli::command();
        let mut out = Vec::new();
        match self {
            Shell::Bash => clap_complete::generate(clap_complete::Shell::Bash, &mut cmd, "grecfg", &mut out),
            Shell::Zsh => clap_complete::generate(clap_complete::Shell::Zsh, &mut cmd, "grecfg", &mut out),
            Shell::Fish => clap_complete::generate(clap_complete::Shell::Fish, &mut cmd, "grecfg", &mut out),
        }
        String::from_utf8(out).expect("completions are UTF-8")
    }
}

// The arguments of `grecfg completions`; its help is on `Command::Completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

const STATUS_ABOUT: &str = "Compare tunnels' configuration with the running system, as `ifquery --check` \
and `netplan status --diff` do.\n\n\
For each tunnel of the inputs (or, with --all, each tunnel profile NetworkManager has on disk): the \
NetworkManager profile and whether it is active (when NetworkManager runs), and the kernel device \
(`ip -d -j link show`, `ip -j addr`, `ip -j route`, `ip -j neigh`): mode, local, remote, keys, ttl, \
tos, path-MTU discovery, MTU, parent device, addresses, routes and permanent neighbours. Each \
difference is reported at the configuration's line with the running value.";

const STATUS_EXIT_CODES: &str = "\
Exit status:
  0  success: every tunnel runs as configured
  1  found differences
  2  invalid input, or the check could not run (no `ip`; NetworkManager cannot be reached for a
     NetworkManager input or --all)";

const MIGRATE_ABOUT: &str =
    "Move a machine's ifcfg tunnels to NetworkManager keyfiles, with a backup to undo it.\n\n\
Every tunnel ifcfg-* file of ROOT/etc/sysconfig/network-scripts is read with its route-, route6- and keys- \
files and converted; an error in any of them changes nothing. The keyfiles are written into \
ROOT/etc/NetworkManager/system-connections (mode 0600) and the migrated files moved into \
ROOT/var/lib/grecfg/migrations/ID/files, with a manifest of what was moved and written and the SHA-256 \
of each, as `nmcli connection migrate` removes the files it migrates (it skips tunnels). No tunnel \
ifcfg file is left where the RHEL upgrade tool looks for them. Other ifcfg files are left alone and named: \
`nmcli connection migrate` is their tool.\n\n\
The backup is made and synced before anything changes, and the keyfiles and removals are one write \
transaction; a run killed at any point is completed or reversed by the next `grecfg migrate` under \
the same root. A keyfile already there with the same contents is left alone (a second run has \
nothing to do); one that differs, or another profile for the same interface or UUID, stops the run \
before anything changes. One migration runs at a time under a root (ROOT/run/lock/grecfg-migrate.lock). \
--undo puts the last migration (or ID) back: the ifcfg files byte for byte, the keyfiles it wrote \
removed, refusing when one was changed since unless --force.\n\n\
--activate then loads the keyfiles into the running NetworkManager and brings each up under a \
NetworkManager checkpoint of every device: if an activation fails, or a device does not run as \
configured afterwards (see `grecfg status`), NetworkManager rolls back, the migration is undone and \
grecfg says what failed. With --rollback-timeout SECS the checkpoint is kept after success and \
NetworkManager rolls back by itself unless `grecfg migrate --confirm` comes within SECS seconds: a \
migration that cuts the machine off the network undoes itself (the files are put back by the next \
grecfg migrate, --confirm or --undo).";

const MIGRATE_EXIT_CODES: &str = "\
Exit status:
  0  success (with --diff: no differences)
  1  --diff found differences
  2  invalid input: an ifcfg file grecfg cannot convert, a keyfile in the way, a changed file for --undo
  3  a file could not be read or written, or another migration holds the lock
  4  with --activate: NetworkManager refused the profile, or an activation failed or timed out
     (the migration is rolled back)
  5  with --activate or --confirm: NetworkManager cannot be reached
  6  with --activate or --confirm: NetworkManager or the bus refused the caller (not authorised)";

/// `convert --help`: the file names come from the registry.
fn convert_about() -> String {
    format!(
        "Convert tunnel configurations from one format to another.\n\n\
Each INPUT is read in the format given by --from, or detected from its name ({}) and content; a file whose first command is \
nmcli is read as nmcli commands (mixed with ip commands). An ifcfg file brings its companions from \
the same directory: route-NAME, route6-NAME and keys-NAME. A directory INPUT converts every tunnel \
file in it of the --from format or, without --from, of any format its name says (ifcfg-* files \
that are not tunnels and backups such as *.rpmsave are skipped, as initscripts does). `-` reads \
standard input.\n\n\
The result goes to standard output unless -o or --output-dir is given; several files on \
standard output are separated by `# --- NAME ---` lines. Files are written all or nothing, \
NetworkManager keyfiles with mode 0600, rc.local scripts with mode 0755: each is staged beside its \
place, all are synced at once and then renamed into place; a run killed before the renames leaves \
nothing changed, one killed during them is finished by the next grecfg writing into the same \
directory. A FIFO or device given as the destination is written into, never replaced.\n\n\
Whatever the target format cannot hold exactly is a warning on standard error naming the input \
key and line; --strict turns warnings into errors. Nothing is written when there is an error. \
Errors are printed first, then warnings, then notes; a kind of diagnostic seen more than three \
times (the same words but for numbers, addresses and names) is shown once in full and then \
counted, with the first places it was seen. Up to ten files written are listed (all with -v), and \
a summary line ends the run (\"converted 4,949 tunnels from 4,949 files into OUT; 4,949 warnings \
of 1 kind\", or \"nothing written: 6 errors in 6 files\"). On a terminal a progress bar shows \
after half a second. With --format json, one JSON document goes to standard output instead: every \
diagnostic, the summary, the paths written, and the files themselves when they would have gone to \
standard output.\n\n\
Without a UUID in the input, NetworkManager profiles get a UUID derived from the interface name \
(--uuid stable), so converting the same input again gives the same file.",
        Format::detected_names()
    )
}

// The arguments of `grecfg convert`; its one-line help is on `Command::Convert`.
#[derive(Debug, Args)]
#[command(
    long_about = convert_about(),
    after_help = EXIT_CODES
)]
pub struct ConvertArgs {
    /// Format to write
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub to: Format,

    #[command(flatten)]
    pub common: CommonArgs,
}

// The arguments of `grecfg render`; its one-line help is on `Command::Render`.
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
    pub target: Rendered,

    #[command(flatten)]
    pub extras: ExtrasArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

// What `convert` and `render` share (flattened: a doc comment here would
// become their one-line help).
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

    /// `-q` (global): warnings, notes and the summary are not printed.
    #[arg(skip)]
    pub quiet: bool,

    /// `-v` (global): every file written is listed.
    #[arg(skip)]
    pub verbose: bool,

    /// How diagnostics and the summary are reported
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,

    /// Input files or directories; `-` for standard input
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
}

// The arguments of `grecfg peer`; its one-line help is on `Command::Peer`.
#[derive(Debug, Args)]
#[command(
    long_about = "Write the configuration of the other end of a tunnel.\n\n\
INPUT is read as by `grecfg convert` (any format, --from, `-`). The other end is this end turned \
around: local and remote swapped (--public-address and --peer-local when NAT is in between), input and output keys crossed, the inner address and its peer \
swapped, and the same mode, ttl, tos, path-MTU discovery and MTU. An inner address without a peer \
is mirrored when its subnet has one other host (IPv4 /30 and /31, IPv6 /127); otherwise give \
--peer-address.\n\n\
Routes: this end's routes lead to the peer's networks and are not mirrored. The peer gets a route \
to each --local-subnet (this end's networks behind the tunnel), via this end's inner address when \
this end's routes use a gateway, else as device routes. The tunnel's own inner subnet needs no \
route: the mirrored address makes it on-link.\n\n\
What belongs to this machine (underlay device, UUID, neighbours, script extras such as modprobe or \
firewall rules) is dropped with a note. A multipoint tunnel (no remote) has no single other end \
and is an error. The result is written like `grecfg convert --to FORMAT` writes.",
    after_help = EXIT_CODES
)]
pub struct PeerArgs {
    /// Format to write
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub to: Format,

    /// The peer's interface (and profile) name; default: this end's
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// This end's network behind the tunnel, routed by the peer through it (repeatable)
    #[arg(long, value_name = "CIDR", value_parser = crate::peer::parse_subnet)]
    pub local_subnet: Vec<ipnet::IpNet>,

    /// This end's address as the peer reaches it (behind NAT); default: the local address
    #[arg(long, value_name = "ADDRESS")]
    pub public_address: Option<std::net::IpAddr>,

    /// The peer's own address, when it is not this end's remote (the peer is behind NAT)
    #[arg(long, value_name = "ADDRESS")]
    pub peer_local: Option<std::net::IpAddr>,

    /// The peer's inner address, when it cannot be derived (repeatable)
    #[arg(long, value_name = "ADDRESS/PREFIX", value_parser = crate::peer::parse_address)]
    pub peer_address: Vec<ipnet::IpNet>,

    #[command(flatten)]
    pub common: CommonArgs,
}

pub const CHECK_EXIT_CODES: &str = "\
Exit status:
  0  no findings (notes only)
  1  findings: at least one error or warning
  2  the check could not run: usage, an unreadable file, an unknown format";

// The arguments of `grecfg check`; its one-line help is on `Command::Check`.
#[derive(Debug, Args)]
#[command(
    long_about = "Find mistakes in a tunnel configuration, or in the two ends of one.\n\n\
INPUT (and PEER_INPUT, the other end) are read as by `grecfg convert` (any format, --from, `-`). \
Each finding has a stable id (GRE000...), a severity (error, warning, note), the input line it \
concerns as file:line:col, what is wrong and the fix. An input a reader refuses is finding GRE000 \
at the refused line. With PEER_INPUT the two ends must mirror each other: local and remote \
crossed, keys crossed, the same mode and MTU, inner addresses in one subnet.\n\n\
One end: GRE000 the reader refuses the input; GRE001 invalid interface name; GRE002 reserved \
interface name; GRE003 key on a mode without keys; GRE004 fixed ttl with path-MTU discovery off; \
GRE005 address family does not fit the mode; GRE006 no remote and no static neighbours; GRE007 \
inner peer address is the outer remote; GRE008 inner subnet contains the outer remote (recursive \
routing); GRE009 a route through the tunnel covers the outer remote; GRE010 MTU above what the \
underlay carries (with the MTU to use); GRE011 private local and public remote (NAT); GRE012 \
another kernel or NetworkManager rule; GRE013 what --target cannot hold; GRE014 a warning of the \
reader; GRE015 an inner address of a family the mode does not carry. Two ends: GRE100 no matching tunnel; GRE101 the outer addresses do not point at each \
other; GRE102 the keys do not cross; GRE103 the modes differ; GRE104 the MTUs differ; GRE105 \
inner addresses not in one subnet; GRE106 the same inner address at both ends; GRE107 an inner \
peer address is not the other end's address.\n\n\
Findings go to standard output, as text or, with --format json, as one JSON object (schema \
version 1): `version` (1); `findings`, each with `id`, `severity` (error, warning, note), `tunnel` \
(the interface name, or null), `file` (or null), `line` and `column` (0 when unknown), `message`, \
`hint` (or null) and `related` (places at the other end, each with `message`, `file`, `line`, \
`column`); `summary` with the numbers of `errors`, `warnings` and `notes`. Fields may be added \
within a version; an id never changes its meaning.",
    after_help = CHECK_EXIT_CODES
)]
pub struct CheckArgs {
    /// Format of the inputs (detected when absent)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub from: Option<Format>,

    /// How to print the findings
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,

    /// MTU of the underlay the tunnel runs over
    #[arg(long, value_name = "N", default_value_t = crate::mtu::DEFAULT_UNDERLAY_MTU,
          value_parser = clap::value_parser!(u32).range(68..=65535))]
    pub underlay_mtu: u32,

    /// Also report what FORMAT cannot hold exactly (GRE013), e.g. peer addresses for nm
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub target: Option<Format>,

    /// The tunnel to check; `-` for standard input
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,

    /// The other end of the same tunnel
    #[arg(value_name = "PEER_INPUT")]
    pub peer_input: Option<PathBuf>,
}

/// Output of `grecfg check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// file:line:col: severity[ID]: message, the line, a caret and the hint
    Text,
    /// One JSON document (schema version 1)
    Json,
}

/// How `convert`, `render` and `peer` report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Diagnostics on standard error, errors first, repeated ones collapsed, and a summary line
    Text,
    /// One JSON document on standard output with every diagnostic, the summary, and the
    /// files when they would go to standard output (schema docs/grecfg.schema.json)
    Json,
}

// The arguments of `grecfg mtu`; its one-line help is on `Command::Mtu`.
#[derive(Debug, Args)]
#[command(
    long_about = "Show what a tunnel adds to every packet, the MTU the tunnel device gets \
over an underlay and the TCP MSS through it, with the number of packets a transfer needs with and \
without the tunnel.\n\n\
The header sizes are the kernel's: outer IPv4 20 bytes, IPv6 40; GRE 4, plus 4 each for the \
checksum, key and sequence number; the IPv6 encapsulation-limit option 8 (ip6gre, ip6ip6, \
ipip6); gretap and ip6gretap carry a 14-byte Ethernet header. IPsec overhead of vti and vti6 is \
not counted. The default, GRE over a 1500-byte Ethernet, gives MTU 1476 and MSS 1436.",
    after_help = "Exit status:\n  0  success\n  2  invalid usage, such as --key with a mode that is not GRE"
)]
pub struct MtuArgs {
    /// MTU of the underlay
    #[arg(long, value_name = "N", default_value_t = crate::mtu::DEFAULT_UNDERLAY_MTU,
          value_parser = clap::value_parser!(u32).range(68..=65535))]
    pub underlay_mtu: u32,

    /// Tunnel mode (gre, gretap, ipip, sit, ip6gre, ...)
    #[arg(long, value_name = "MODE", default_value = "gre", value_parser = parse_mode)]
    pub mode: crate::model::Mode,

    /// GRE key option (ikey/okey/key)
    #[arg(long)]
    pub key: bool,

    /// GRE checksum option (icsum/ocsum/csum)
    #[arg(long)]
    pub csum: bool,

    /// GRE sequence number option (iseq/oseq/seq)
    #[arg(long)]
    pub seq: bool,

    /// Run over IPv6: gre becomes ip6gre, gretap ip6gretap, ipip ipip6
    #[arg(long)]
    pub ipv6_underlay: bool,

    /// No IPv6 encapsulation-limit option (`encaplimit none`)
    #[arg(long)]
    pub no_encap_limit: bool,

    /// Inner packets are IPv6 (for the TCP MSS)
    #[arg(long)]
    pub inner_ipv6: bool,

    /// Payload of the transfer to count packets for
    #[arg(long, value_name = "BYTES", default_value_t = 150000)]
    pub bytes: u64,

    /// How to print the result
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

fn parse_mode(s: &str) -> Result<crate::model::Mode, String> {
    crate::model::Mode::from_name(s).ok_or_else(|| {
        let names: Vec<_> = crate::model::Mode::ALL.iter().map(|m| m.name()).collect();
        format!("unknown mode {s:?}; one of {}", names.join(", "))
    })
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

// The arguments of `grecfg activate`; its one-line help is on `Command::Activate`.
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
With many INPUTs, NetworkManager's profiles are read once for all of them, the profiles are \
added or updated together and brought up together, and --timeout is for all of them at once; \
each tunnel is reported on its own line, in the order of the inputs.\n\n\
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

    /// `-q` (global): warnings, notes and progress are not printed.
    #[arg(skip)]
    pub quiet: bool,

    /// Input files or directories; `-` for standard input
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
}

// The arguments of `grecfg deactivate`; its one-line help is on `Command::Deactivate`.
#[derive(Debug, Args)]
#[command(
    long_about = "Deactivate NetworkManager profiles.\n\n\
Each NAME is a profile's UUID, its id, or the interface name of a tunnel profile. A profile that \
is not active is reported and left alone. The profiles are kept; `grecfg delete` removes them.",
    after_help = NM_EXIT_CODES
)]
pub struct DeactivateArgs {
    /// `-q` (global): progress is not printed.
    #[arg(skip)]
    pub quiet: bool,

    /// Profile UUID, id or interface name
    #[arg(required = true, value_name = "NAME")]
    pub names: Vec<String>,
}

// The arguments of `grecfg migrate`; its help is on `Command::Migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The machine's files are under DIR (`/` is this machine)
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,

    /// Print the plan (what is written, moved, left alone) and change nothing
    #[arg(long, conflicts_with_all = ["diff", "undo"])]
    pub dry_run: bool,

    /// Print unified diffs of every file the migration would change, and change nothing
    #[arg(long, conflicts_with = "undo")]
    pub diff: bool,

    /// Keep the migrations' backups and manifests in DIR, under the root (default var/lib/grecfg/migrations)
    #[arg(long, value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,

    /// Write the keyfiles but leave the ifcfg files in place
    #[arg(long, conflicts_with = "undo")]
    pub keep_ifcfg: bool,

    /// Undo the last migration, or migration ID
    #[arg(long, value_name = "ID", num_args = 0..=1, default_missing_value = "last")]
    pub undo: Option<String>,

    /// With --undo: remove keyfiles and replace ifcfg files changed since the migration
    #[arg(long, requires = "undo")]
    pub force: bool,

    /// Load the keyfiles into the running NetworkManager and bring them up under a checkpoint;
    /// roll everything back if one fails
    #[arg(long, conflicts_with_all = ["undo", "dry_run", "diff", "keep_ifcfg"])]
    pub activate: bool,

    /// With --activate: keep the checkpoint after success; NetworkManager rolls back after SECS
    /// seconds unless `grecfg migrate --confirm` comes first
    #[arg(long, value_name = "SECS", requires = "activate", value_parser = clap::value_parser!(u32).range(1..))]
    pub rollback_timeout: Option<u32>,

    /// Seconds to wait for each activation to succeed or fail
    #[arg(long, value_name = "SECS", default_value_t = 60, requires = "activate")]
    pub timeout: u64,

    /// Keep a migration activated with --rollback-timeout: destroy its checkpoint
    #[arg(long, conflicts_with_all = ["undo", "dry_run", "diff", "keep_ifcfg", "activate"])]
    pub confirm: bool,

    /// How to print what was done: text on standard error, or one JSON document on standard output
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,

    /// `-q`, `-v` (global).
    #[arg(skip)]
    pub quiet: bool,
    #[arg(skip)]
    pub verbose: bool,
}

// The arguments of `grecfg status`; its help is on `Command::Status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Format of the inputs (detected when absent)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub from: Option<Format>,

    /// Every tunnel profile NetworkManager has on disk, instead of inputs
    #[arg(long, conflicts_with = "inputs")]
    pub all: bool,

    /// How to print the findings: text on standard output, or one JSON document
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,

    /// `-q` (global): only differences are printed.
    #[arg(skip)]
    pub quiet: bool,

    /// Input files or directories
    #[arg(required_unless_present = "all", value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
}

// The arguments of `grecfg delete`; its one-line help is on `Command::Delete`.
#[derive(Debug, Args)]
#[command(
    long_about = "Delete NetworkManager profiles.\n\n\
Each NAME is a profile's UUID, its id, or the interface name of a tunnel profile; every profile \
it names is deleted (an active one is brought down first by NetworkManager), together with its \
file on disk.",
    after_help = NM_EXIT_CODES
)]
pub struct DeleteArgs {
    /// `-q` (global): progress is not printed.
    #[arg(skip)]
    pub quiet: bool,

    /// Profile UUID, id or interface name
    #[arg(required = true, value_name = "NAME")]
    pub names: Vec<String>,
}

impl CommonArgs {
    /// The conversion these arguments ask for, resolved once (ripgrep's
    /// low and high arguments).
    pub fn convert_options(&self, extras: ExtrasOptions) -> ConvertOptions {
        ConvertOptions {
            strict: self.strict,
            uuid: self.uuid,
            template_dir: self.template_dir.clone(),
            extras,
        }
    }
}

impl ActivateArgs {
    /// The conversion to NetworkManager's settings these arguments ask for.
    pub fn convert_options(&self) -> ConvertOptions {
        ConvertOptions {
            strict: self.strict,
            uuid: self.uuid,
            ..ConvertOptions::default()
        }
    }
}

// The options of the extra targets as `render` spells them (flattened: a
// doc comment here would become its one-line help).
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct ExtrasArgs {
    /// firewalld, nftables, iptables: masquerade traffic from the tunnel's
    /// inner networks leaving through IFACE, and admit forwarding between
    /// the tunnel and IFACE
    #[arg(long, value_name = "IFACE", value_parser = parse_ifname)]
    pub masquerade: Option<String>,

    /// keepalive: seconds between two pings of the peer
    #[arg(long, value_name = "SECONDS", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub keepalive_interval: u32,

    /// keepalive: unanswered pings in a row that mark the tunnel down
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub keepalive_misses: u32,

    /// keepalive: the inner address to ping (default: the peer of the
    /// tunnel's address, or the other host of its /30, /31 or /127)
    #[arg(long, value_name = "ADDRESS")]
    pub keepalive_peer: Option<IpAddr>,
}

impl ExtrasArgs {
    pub fn options(&self) -> ExtrasOptions {
        ExtrasOptions {
            masquerade: self.masquerade.clone(),
            keepalive_interval: self.keepalive_interval,
            keepalive_misses: self.keepalive_misses,
            keepalive_peer: self.keepalive_peer,
        }
    }
}

fn parse_ifname(s: &str) -> Result<String, String> {
    match crate::extras::masquerade_name_problem(s) {
        Some(p) => Err(p),
        None => Ok(s.to_string()),
    }
}
