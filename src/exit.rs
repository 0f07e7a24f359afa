//! Exit statuses, one list for every subcommand. The `--help` tables in
//! `cli.rs` say what each number means for that subcommand; a test there
//! keeps them to these numbers.

use std::process::ExitCode;

/// How a run of grecfg ended. A run that has several outcomes (one per
/// tunnel) exits with the greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Exit {
    /// Success: nothing to report.
    Ok = 0,
    /// `--diff` found differences; `check` found an error or warning.
    Found = 1,
    /// Invalid input or usage (for `check`: the check could not run).
    Input = 2,
    /// A file could not be read or written.
    Io = 3,
    /// NetworkManager refused the profile, or activation failed or timed out.
    Refused = 4,
    /// NetworkManager cannot be reached: no system bus, NetworkManager not
    /// running, or grecfg built without the `dbus` feature.
    Unreachable = 5,
    /// NetworkManager or the bus refused the caller.
    Unauthorized = 6,
}

impl Exit {
    pub const ALL: [Exit; 7] = [
        Exit::Ok,
        Exit::Found,
        Exit::Input,
        Exit::Io,
        Exit::Refused,
        Exit::Unreachable,
        Exit::Unauthorized,
    ];

    /// The number the process exits with.
    pub const fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e.code())
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::cli::Cli;

    /// Words that name the outcome in every help table that lists it.
    fn words(e: Exit) -> &'static [&'static str] {
        match e {
            Exit::Ok => &["success", "no findings"],
            Exit::Found => &["found differences", "findings:"],
            Exit::Input => &["invalid input", "invalid usage", "could not run"],
            Exit::Io => &["could not be read"],
            Exit::Refused => &["refused the profile"],
            Exit::Unreachable => &["cannot be reached"],
            Exit::Unauthorized => &["not authorised"],
        }
    }

    /// The `  N  meaning` rows of an exit-status table, continuation lines
    /// joined.
    fn rows(help: &str) -> Vec<(u8, String)> {
        let mut out: Vec<(u8, String)> = Vec::new();
        for line in help.lines() {
            let row = line
                .strip_prefix("  ")
                .and_then(|l| l.split_once("  "))
                .and_then(|(n, text)| Some((n.parse().ok()?, text.to_string())));
            match (row, out.last_mut()) {
                (Some(r), _) => out.push(r),
                (None, Some((_, text))) if line.starts_with("     ") => {
                    text.push(' ');
                    text.push_str(line.trim());
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn every_help_table_lists_the_enums_numbers_and_meanings() {
        use Exit::*;
        let convert = [Ok, Found, Input, Io];
        let nm = [Ok, Input, Io, Refused, Unreachable, Unauthorized];
        let expected: [(Option<&str>, &[Exit]); 13] = [
            (None, &convert),
            (Some("convert"), &convert),
            (Some("render"), &convert),
            (Some("peer"), &convert),
            (Some("check"), &[Ok, Found, Input]),
            (Some("mtu"), &[Ok, Input]),
            (Some("activate"), &nm),
            (Some("deactivate"), &nm),
            (Some("delete"), &nm),
            (
                Some("migrate"),
                &[Ok, Found, Input, Io, Refused, Unreachable, Unauthorized],
            ),
            (Some("status"), &[Ok, Found, Input]),
            (Some("completions"), &[Ok, Input]),
            (Some("generator"), &[Ok]),
        ];
        let mut top = Cli::command();
        // The subcommands' arguments and texts are built on demand.
        top.build();
        for (sub, exits) in expected {
            let cmd = match sub {
                Some(s) => top.find_subcommand(s).expect("a subcommand"),
                None => &top,
            };
            let help = cmd.get_after_help().expect("an exit-status table").to_string();
            let rows = rows(&help);
            let numbers: Vec<u8> = rows.iter().map(|(n, _)| *n).collect();
            let want: Vec<u8> = exits.iter().map(|e| e.code()).collect();
            assert_eq!(numbers, want, "{sub:?}: {help}");
            for ((_, text), e) in rows.iter().zip(exits) {
                assert!(
                    words(*e).iter().any(|w| text.contains(w)),
                    "{sub:?}: {e:?} is not {text:?}"
                );
            }
        }
    }

    #[test]
    fn codes_are_distinct_and_ordered() {
        for (i, e) in Exit::ALL.iter().enumerate() {
            assert_eq!(usize::from(e.code()), i);
        }
    }
}
