#![allow(clippy::result_large_err)]

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use grecfg::cli::{Cli, Command, CommonArgs};
use grecfg::convert::{self, ConvertOptions, Fail};
use grecfg::diag::{Diagnostic, Severity};
use grecfg::format::Format;
use grecfg::write::{self, Destination};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Convert(args) => run_convert(args.to, args.common),
        Command::Render(args) => run_convert(args.target.format(), args.common),
        Command::Activate(args) => return nm_command(|| grecfg_activate(args)),
        Command::Deactivate(args) => return nm_command(|| grecfg_deactivate(args)),
        Command::Delete(args) => return nm_command(|| grecfg_delete(args)),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(fail) => {
            for d in &fail.failure().diagnostics {
                print_diag(d, false);
            }
            ExitCode::from(fail.exit_code() as u8)
        }
    }
}

/// The NetworkManager subcommands exist only with the `dbus` feature; the
/// command line is the same either way.
fn nm_command(run: impl FnOnce() -> Option<u8>) -> ExitCode {
    match run() {
        Some(code) => ExitCode::from(code),
        None => {
            eprintln!(
                "grecfg: error: this grecfg was built without the dbus feature: it cannot talk to NetworkManager"
            );
            eprintln!("  hint: rebuild with the default features, or use `grecfg convert --to nm` and nmcli");
            ExitCode::from(5)
        }
    }
}

#[cfg(feature = "dbus")]
fn grecfg_activate(args: grecfg::cli::ActivateArgs) -> Option<u8> {
    Some(grecfg::activate::run_activate(args))
}
#[cfg(feature = "dbus")]
fn grecfg_deactivate(args: grecfg::cli::DeactivateArgs) -> Option<u8> {
    Some(grecfg::activate::run_deactivate(args))
}
#[cfg(feature = "dbus")]
fn grecfg_delete(args: grecfg::cli::DeleteArgs) -> Option<u8> {
    Some(grecfg::activate::run_delete(args))
}
#[cfg(not(feature = "dbus"))]
fn grecfg_activate(_: grecfg::cli::ActivateArgs) -> Option<u8> {
    None
}
#[cfg(not(feature = "dbus"))]
fn grecfg_deactivate(_: grecfg::cli::DeactivateArgs) -> Option<u8> {
    None
}
#[cfg(not(feature = "dbus"))]
fn grecfg_delete(_: grecfg::cli::DeleteArgs) -> Option<u8> {
    None
}

fn print_diag(d: &Diagnostic, quiet: bool) {
    if quiet && d.severity != Severity::Error {
        return;
    }
    eprintln!("grecfg: {d}");
}

fn run_convert(to: Format, args: CommonArgs) -> Result<u8, Fail> {
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
    let (inputs, notes) = convert::load_inputs(&args.inputs, args.from)?;
    for n in &notes {
        print_diag(n, args.quiet);
    }
    if let Some(dir) = &args.template_dir {
        // A broken template is the user's input error: report it once, first.
        grecfg::render::environment(Some(dir))
            .map_err(|e| Fail::Input(Diagnostic::error(e.to_string()).into()))?;
    }
    let opts = ConvertOptions {
        strict: args.strict,
        uuid: args.uuid,
        template_dir: args.template_dir.clone(),
    };
    let conv = convert::convert(&inputs, to, &opts)?;
    for d in &conv.diagnostics {
        print_diag(d, args.quiet);
    }
    let files: Vec<_> = conv.files().collect();
    match &dest {
        Destination::Stdout => {
            let text = if to == Format::Model && conv.items.len() > 1 {
                let tunnels: Vec<_> = conv.items.iter().map(|i| &i.tunnel).collect();
                serde_json::to_string_pretty(&tunnels).expect("the model always serializes") + "\n"
            } else {
                write::to_stdout(&files)
            };
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|e| {
                    Fail::Io(Diagnostic::error(format!("cannot write standard output: {e}")).into())
                })?;
            Ok(0)
        }
        _ => {
            let plan = write::plan(&files, &dest)?;
            if args.diff {
                return match write::diff(&plan)? {
                    Some(d) => {
                        print!("{d}");
                        Ok(1)
                    }
                    None => Ok(0),
                };
            }
            write::commit(&plan)?;
            if !args.quiet {
                for (path, _) in &plan {
                    eprintln!("grecfg: wrote {}", path.display());
                }
            }
            Ok(0)
        }
    }
}
