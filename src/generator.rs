//! `grecfg generator`: a systemd generator (`systemd.generator(7)`) that
//! makes a machine's ifcfg tunnels come up at boot again on systems that
//! no longer read them (RHEL 9 and 10 ship no `ifup-tunnel`), without
//! migrating anything: every tunnel `ifcfg-*` under
//! `ROOT/etc/sysconfig/network-scripts` becomes a runtime profile in
//! `ROOT/run/NetworkManager/system-connections/` (0600), which
//! NetworkManager reads at start, as netplan's generator writes its
//! profiles there. They vanish with `/run` at shutdown, and with the
//! ifcfg file at the next run (every `systemctl daemon-reload`).
//!
//! A generator must never fail the boot: it always exits 0. A file it
//! cannot convert is skipped with a message naming its file and line (on
//! the kernel log, since the journal may not be up yet); the others
//! still load. A tunnel that already has a persistent profile in
//! `ROOT/etc/NetworkManager/system-connections` (same UUID or interface)
//! is left to that profile. With no tunnel it writes nothing.
//!
//! It is off unless the administrator turns it on, since it changes what
//! comes up at boot: `ROOT/etc/grecfg/ifcfg-generator.enable` exists, or
//! the kernel command line says `grecfg.ifcfg-generator=1`;
//! `grecfg.ifcfg-generator=0` turns it off for one boot (rescue).

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::codec::{OutputFile, Root};
use crate::convert::{self, ConvertOptions};
use crate::diag::Diagnostic;
use crate::format::Format;
use crate::write::{Action, Change, Transaction};

/// The switch, under the root.
pub const ENABLE_FILE: &str = "/etc/grecfg/ifcfg-generator.enable";
/// The kernel command line option that overrides it.
pub const CMDLINE_OPTION: &str = "grecfg.ifcfg-generator";
/// Where the runtime profiles go, under the root.
pub const RUNTIME_DIR: &str = "/run/NetworkManager/system-connections";
const PERSISTENT_DIR: &str = "/etc/NetworkManager/system-connections";
/// The names of the files the last run wrote, so that the next removes
/// those whose ifcfg file is gone.
const RECORD: &str = "/run/grecfg/ifcfg-generator.files";
const PREFIX: &str = "grecfg-ifcfg-generator";

/// Where messages go: the kernel log when systemd runs the generator
/// (the journal may not be up yet), else standard error (run by hand,
/// under another root, or when `/dev/kmsg` cannot be opened).
struct Log(Option<fs::File>);

impl Log {
    fn open(kmsg: bool) -> Log {
        Log(kmsg
            .then(|| fs::OpenOptions::new().write(true).open("/dev/kmsg").ok())
            .flatten())
    }

    /// One message; `level` is syslog's (3 error, 4 warning, 6 info).
    fn say(&mut self, level: u8, text: &str) {
        for line in text.lines() {
            match &mut self.0 {
                // One write a record: the kernel takes each as one line.
                Some(f) => {
                    let _ = f.write_all(format!("<{level}>{PREFIX}: {line}\n").as_bytes());
                }
                None => eprintln!("{PREFIX}: {line}"),
            }
        }
    }

    fn diagnostic(&mut self, d: &Diagnostic) {
        let level = match d.severity {
            crate::diag::Severity::Error => 3,
            crate::diag::Severity::Warning => 4,
            crate::diag::Severity::Note => 6,
        };
        // The message with its place, without the caret lines.
        let text = d.to_string();
        self.say(level, text.lines().next().unwrap_or_default());
    }
}

/// Whether the administrator turned the generator on (see the module).
pub fn enabled(root: &Root) -> bool {
    let cmdline = fs::read_to_string(root.path(Path::new("/proc/cmdline"))).unwrap_or_default();
    let option = cmdline.split_whitespace().rev().find_map(|w| {
        w.strip_prefix(CMDLINE_OPTION)
            .and_then(|rest| rest.strip_prefix('='))
            .map(|v| matches!(v, "1" | "yes" | "true" | "on"))
    });
    option.unwrap_or_else(|| root.path(Path::new(ENABLE_FILE)).exists())
}

/// Run the generator under `root`; `dirs` are systemd's output
/// directories (checked, not written: the profiles are NetworkManager's,
/// not units); `by_systemd`: log to the kernel log. Always succeeds; says
/// what it skipped.
pub fn run(root: &Root, dirs: &[PathBuf], by_systemd: bool) {
    if dirs.is_empty() || dirs.len() > 3 {
        eprintln!("{PREFIX}: usage: grecfg generator [--root DIR] NORMAL_DIR [EARLY_DIR LATE_DIR]");
        return;
    }
    let mut log = Log::open(by_systemd && root.is_system());
    let on = enabled(root);
    let runtime = root.path(Path::new(RUNTIME_DIR));
    let record = root.path(Path::new(RECORD));
    let before: Vec<String> = fs::read_to_string(&record)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    let mut files: Vec<OutputFile> = Vec::new();
    if on {
        generate(root, &mut log, &mut files);
    }
    // Nothing to write and nothing written before: no trace at all.
    if files.is_empty() && before.is_empty() {
        return;
    }
    let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
    let mut tx = Transaction::new(root);
    let mut changes: Vec<Change> = files
        .iter()
        .map(|f| Change {
            path: Path::new(RUNTIME_DIR).join(&f.name),
            action: Action::Replace(f),
        })
        .collect();
    // Those of the last run whose ifcfg file is gone go too.
    let gone: Vec<PathBuf> = before
        .iter()
        .filter(|n| !names.contains(n) && !n.contains('/'))
        .map(|n| Path::new(RUNTIME_DIR).join(n))
        .collect();
    changes.extend(crate::write::retire(gone));
    let list = OutputFile {
        name: String::new(),
        contents: names.iter().map(|n| format!("{n}\n")).collect(),
        mode: 0o644,
    };
    changes.push(Change {
        path: PathBuf::from(RECORD),
        action: Action::Replace(&list),
    });
    let result = changes
        .iter()
        .try_for_each(|c| tx.add(c))
        .and_then(|()| tx.commit());
    if let Err(f) = result {
        for d in &f.failure().diagnostics {
            log.diagnostic(d);
        }
        return;
    }
    if on {
        log.say(
            6,
            &format!(
                "{} runtime profile(s) in {} from the ifcfg tunnels",
                names.len(),
                runtime.display()
            ),
        );
    }
}

/// The runtime keyfiles of every tunnel ifcfg file that converts and has
/// no persistent profile; what is skipped is logged.
fn generate(root: &Root, log: &mut Log, files: &mut Vec<OutputFile>) {
    let inputs = match convert::discover(root, Format::Ifcfg) {
        Ok((inputs, _)) => inputs,
        Err(f) => {
            for d in &f.failure().diagnostics {
                log.diagnostic(d);
            }
            return;
        }
    };
    let persistent = crate::migrate::persistent_profiles(&root.path(Path::new(PERSISTENT_DIR)));
    for input in &inputs {
        let conv = match convert::convert(
            std::slice::from_ref(input),
            Format::Keyfile,
            &ConvertOptions::default(),
        ) {
            Ok(c) => c,
            Err(f) => {
                for d in f
                    .failure()
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == crate::diag::Severity::Error)
                {
                    log.diagnostic(d);
                }
                let file = input.source.path.as_deref().unwrap_or(Path::new("-"));
                log.say(3, &format!("skipped {}: it does not convert", file.display()));
                continue;
            }
        };
        for file in conv.items.into_iter().flat_map(|i| i.files) {
            let (ifname, uuid) = crate::migrate::keyfile_profile_keys(&file.contents);
            let owner = persistent
                .iter()
                .find(|(_, i, u)| (ifname.is_some() && *i == ifname) || (uuid.is_some() && *u == uuid));
            if let Some((other, _, _)) = owner {
                log.say(
                    6,
                    &format!(
                        "{}: left to the persistent profile {PERSISTENT_DIR}/{other}",
                        ifname.as_deref().unwrap_or(&file.name)
                    ),
                );
                continue;
            }
            files.push(file);
        }
    }
}
