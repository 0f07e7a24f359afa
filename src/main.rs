#![allow(clippy::result_large_err)]

use std::process::ExitCode;

use grecfg::cli::{CheckArgs, CheckFormat, Cli, Command, CommonArgs, MtuArgs, PeerArgs, ReportFormat};
use grecfg::codec::Root;
use grecfg::convert;
use grecfg::diag::Fail;
use grecfg::diag::{Diagnostic, Severity};
use grecfg::emit::{Emit, Show};
use grecfg::exit::Exit;
use grecfg::format::Format;
use grecfg::write::Destination;

/// The name systemd runs the generator by (a link to grecfg).
const GENERATOR_NAME: &str = "grecfg-ifcfg-generator";

fn main() -> ExitCode {
    // As a systemd generator, grecfg is run by its link's name with the
    // output directories as its only arguments.
    let mut args = std::env::args_os();
    let argv0 = args.next().unwrap_or_default();
    if std::path::Path::new(&argv0).file_name() == Some(std::ffi::OsStr::new(GENERATOR_NAME)) {
        let dirs: Vec<std::path::PathBuf> = args.map(Into::into).collect();
        grecfg::generator::run(&Root::SYSTEM, &dirs, true);
        return ExitCode::SUCCESS;
    }
    let cli = Cli::parse_args();
    let result = match cli.command {
        Command::Convert(args) => run_convert(args.to, args.common, Default::default()),
        Command::Render(args) => run_convert(args.target.0, args.common, args.extras.options()),
        Command::Peer(args) => run_peer(args),
        // check has one status for every failure to run (2), 1 being its findings.
        Command::Check(args) => run_check(args).map_err(|f| Fail::Input(f.failure().clone())),
        Command::Mtu(args) => run_mtu(args),
        Command::Generator(args) => {
            grecfg::generator::run(&Root::new(&args.root), &args.dirs, false);
            Ok(Exit::Ok)
        }
        Command::Completions(args) => write_stdout(&args.shell.script()).map(|()| Exit::Ok),
        Command::Activate(args) => return nm_command(|| grecfg_activate(args)),
        Command::Deactivate(args) => return nm_command(|| grecfg_deactivate(args)),
        Command::Delete(args) => return nm_command(|| grecfg_delete(args)),
        Command::Migrate(args) => run_migrate(args),
        Command::Status(args) => Ok(grecfg::status::run(args)),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(fail) => {
            for d in &fail.failure().diagnostics {
                print_diag(d, false);
            }
            ExitCode::from(fail.exit_code())
        }
    }
}

fn run_migrate(args: grecfg::cli::MigrateArgs) -> Result<Exit, Fail> {
    let opts = grecfg::migrate::Options {
        root: args.root,
        dry_run: args.dry_run,
        diff: args.diff,
        backup_dir: args.backup_dir,
        keep_ifcfg: args.keep_ifcfg,
        activate: args.activate.then_some(grecfg::migrate::ActivateOptions {
            timeout: args.timeout,
            rollback_timeout: args.rollback_timeout,
        }),
        quiet: args.quiet,
        verbose: args.verbose,
    };
    let task = match args.undo.as_deref() {
        None if args.confirm => grecfg::migrate::Task::Confirm,
        None => grecfg::migrate::Task::Migrate,
        Some("last") => grecfg::migrate::Task::Undo(None),
        Some(id) => match id.parse() {
            Ok(id) => grecfg::migrate::Task::Undo(Some(id)),
            Err(_) => {
                return Err(Fail::Input(
                    Diagnostic::error(format!("--undo takes a migration's number, not {id}")).into(),
                ))
            }
        },
    };
    let json = args.format == ReportFormat::Json;
    Ok(grecfg::migrate::main(&opts, task, args.force, json))
}

/// The NetworkManager subcommands exist only with the `dbus` feature; the
/// command line is the same either way.
fn nm_command(run: impl FnOnce() -> Option<Exit>) -> ExitCode {
    match run() {
        Some(code) => ExitCode::from(code),
        None => {
            print_diag(
                &Diagnostic::error(
                    "this grecfg was built without the dbus feature: it cannot talk to NetworkManager",
                )
                .hint("rebuild with the default features, or use `grecfg convert --to nm` and nmcli"),
                false,
            );
            ExitCode::from(Exit::Unreachable)
        }
    }
}

#[cfg(feature = "dbus")]
fn grecfg_activate(args: grecfg::cli::ActivateArgs) -> Option<Exit> {
    Some(grecfg::activate::run_activate(args))
}
#[cfg(feature = "dbus")]
fn grecfg_deactivate(args: grecfg::cli::DeactivateArgs) -> Option<Exit> {
    Some(grecfg::activate::run_deactivate(args))
}
#[cfg(feature = "dbus")]
fn grecfg_delete(args: grecfg::cli::DeleteArgs) -> Option<Exit> {
    Some(grecfg::activate::run_delete(args))
}
#[cfg(not(feature = "dbus"))]
fn grecfg_activate(_: grecfg::cli::ActivateArgs) -> Option<Exit> {
    None
}
#[cfg(not(feature = "dbus"))]
fn grecfg_deactivate(_: grecfg::cli::DeactivateArgs) -> Option<Exit> {
    None
}
#[cfg(not(feature = "dbus"))]
fn grecfg_delete(_: grecfg::cli::DeleteArgs) -> Option<Exit> {
    None
}

fn print_diag(d: &Diagnostic, quiet: bool) {
    if quiet && d.severity != Severity::Error {
        return;
    }
    grecfg::diag::say(d);
}

fn destination(args: &CommonArgs) -> Result<Destination, Fail> {
    let dest = match (&args.output, &args.output_dir) {
        (Some(f), _) => Destination::File(f.clone()),
        (None, Some(d)) => Destination::Dir(d.clone()),
        (None, None) => Destination::Stdout,
    };
    if args.diff && matches!(dest, Destination::Stdout) {
        return Err(Fail::Input(
            Diagnostic::error(
                "--diff compares with what is at the destination: give -o FILE or --output-dir DIR",
            )
            .into(),
        ));
    }
    Ok(dest)
}

fn run_convert(to: Format, args: CommonArgs, extras: grecfg::extras::ExtrasOptions) -> Result<Exit, Fail> {
    let (mut out, inputs) = start(to, &args);
    let opts = args.convert_options(extras);
    let result = inputs.and_then(|inputs| convert::stream(&inputs, to, &opts, &mut out));
    Ok(out.finish(result))
}

/// What `convert`, `render` and `peer` start with: where the results go,
/// then the inputs listed, once the destination and the templates are
/// known to be right (a broken template is the user's input error,
/// reported once, first). An error goes to the report of the results.
fn start(to: Format, args: &CommonArgs) -> (Emit, Result<convert::Inputs, Fail>) {
    let dest = destination(args);
    let show = Show {
        quiet: args.quiet,
        verbose: args.verbose,
        json: args.format == ReportFormat::Json,
        strict: args.strict,
        diff: args.diff,
    };
    let out = Emit::new(
        to,
        dest.as_ref().map_or(Destination::Stdout, Clone::clone),
        Root::SYSTEM,
        show,
    );
    let inputs = dest
        .and_then(|_| match &args.template_dir {
            Some(dir) => grecfg::extras::environment(Some(dir))
                .map(drop)
                .map_err(|e| Fail::Input(Diagnostic::error(e.to_string()).into())),
            None => Ok(()),
        })
        .and_then(|()| convert::list_inputs(&args.inputs, args.from));
    (out, inputs)
}

fn run_peer(args: PeerArgs) -> Result<Exit, Fail> {
    let (mut out, inputs) = start(args.to, &args.common);
    let popts = grecfg::peer::PeerOptions {
        name: args.name.clone(),
        local_subnets: args.local_subnet.clone(),
        public_address: args.public_address,
        peer_local: args.peer_local,
        peer_addresses: args.peer_address.clone(),
    };
    let opts = args.common.convert_options(Default::default());
    let result = inputs.and_then(|inputs| grecfg::peer::stream(&inputs, args.to, &popts, &opts, &mut out));
    Ok(out.finish(result))
}

fn run_check(args: CheckArgs) -> Result<Exit, Fail> {
    if args.peer_input.as_deref() == Some(std::path::Path::new("-")) && args.input.as_os_str() == "-" {
        return Err(Fail::Input(
            Diagnostic::error("only one of INPUT and PEER_INPUT can be standard input").into(),
        ));
    }
    let (a, notes_a) = convert::load_inputs(std::slice::from_ref(&args.input), args.from)?;
    let b = match &args.peer_input {
        Some(p) => Some(convert::load_inputs(std::slice::from_ref(p), args.from)?),
        None => None,
    };
    for n in notes_a.iter().chain(b.iter().flat_map(|(_, n)| n)) {
        print_diag(n, false);
    }
    let opts = grecfg::check::CheckOptions {
        underlay_mtu: args.underlay_mtu,
        target: args.target,
    };
    let findings = grecfg::check::check(&a, b.as_ref().map(|(i, _)| i.as_slice()), &opts);
    let text = match args.format {
        CheckFormat::Json => grecfg::check::json(&findings),
        CheckFormat::Text => findings.iter().map(|f| f.text() + "\n").collect(),
    };
    write_stdout(&text)?;
    Ok(grecfg::check::exit_code(&findings))
}

fn run_mtu(args: MtuArgs) -> Result<Exit, Fail> {
    use grecfg::model::{Family, Mode};
    let mut mode = args.mode;
    if args.ipv6_underlay {
        mode = match mode {
            Mode::Gre => Mode::Ip6gre,
            Mode::Gretap => Mode::Ip6gretap,
            Mode::Ipip => Mode::Ipip6,
            Mode::Vti => Mode::Vti6,
            m if m.outer_family() == Family::V6 => m,
            m => {
                return Err(Fail::Input(
                    Diagnostic::error(format!("mode {m} has no IPv6-underlay variant")).into(),
                ))
            }
        };
    }
    if (args.key || args.csum || args.seq) && !mode.is_gre() {
        return Err(Fail::Input(
            Diagnostic::error(format!(
                "--key, --csum and --seq are GRE options; mode {mode} has none"
            ))
            .into(),
        ));
    }
    let encap = grecfg::mtu::Encap {
        mode,
        key: args.key,
        csum: args.csum,
        seq: args.seq,
        ignore_encap_limit: args.no_encap_limit,
    };
    let inner = if args.inner_ipv6 { Family::V6 } else { Family::V4 };
    let report = grecfg::mtu::Report::new(&encap, args.underlay_mtu, inner, args.bytes);
    let text = match args.format {
        CheckFormat::Json => serde_json::to_string_pretty(&report).expect("serializes") + "\n",
        CheckFormat::Text => report.text(),
    };
    write_stdout(&text)?;
    Ok(Exit::Ok)
}

fn write_stdout(text: &str) -> Result<(), Fail> {
    grecfg::diag::print_out(text)
        .map_err(|e| Fail::Io(Diagnostic::error(format!("cannot write standard output: {e}")).into()))
}
