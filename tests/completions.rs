//! The shell completions in `completions/` are generated from the CLI
//! definition (`clap_complete`); this test fails when they are stale
//! (`GRECFG_BLESS=1 cargo test --test completions` regenerates them),
//! when `grecfg completions SHELL` prints something else, when a script
//! is not valid for its shell, and when bash does not complete with it.

mod common;

use std::path::PathBuf;
use std::process::Command;

use grecfg::cli::Shell;

fn committed(shell: Shell) -> PathBuf {
    common::repo().join("completions").join(shell.file_name())
}

#[test]
fn completions_are_current_and_printed_by_the_subcommand() {
    let bless = std::env::var_os("GRECFG_BLESS").is_some();
    let mut stale = Vec::new();
    for shell in Shell::ALL {
        let want = shell.script();
        let path = committed(shell);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &want).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
            stale.push(path.display().to_string());
        }
        let name = format!("{shell:?}").to_lowercase();
        let o = Command::new(env!("CARGO_BIN_EXE_grecfg"))
            .args(["completions", &name])
            .output()
            .unwrap();
        assert!(o.status.success(), "grecfg completions {name}");
        assert_eq!(
            String::from_utf8(o.stdout).unwrap(),
            want,
            "grecfg completions {name}"
        );
    }
    assert!(
        stale.is_empty(),
        "stale: {stale:?}; run GRECFG_BLESS=1 cargo test --test completions"
    );
}

/// What bash completes for the words `line` (the last one being typed),
/// with the committed script loaded.
fn bash_completes(line: &[&str]) -> Vec<String> {
    let script = format!(
        "source {}\n\
         complete -p grecfg >/dev/null || exit 9\n\
         COMP_WORDS=({})\n\
         COMP_CWORD={}\n\
         COMP_LINE=\"${{COMP_WORDS[*]}}\"\n\
         COMP_POINT=${{#COMP_LINE}}\n\
         _grecfg grecfg \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        committed(Shell::Bash).display(),
        line.iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        line.len() - 1
    );
    let o = Command::new("bash")
        .args(["--norc", "-c", &script])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_subcommands_options_and_their_values() {
    let o = Command::new("bash")
        .args(["-n"])
        .arg(committed(Shell::Bash))
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(bash_completes(&["grecfg", "mig"]), ["migrate"]);
    let subs = bash_completes(&["grecfg", ""]);
    for s in [
        "convert",
        "render",
        "activate",
        "migrate",
        "status",
        "completions",
    ] {
        assert!(subs.iter().any(|c| c == s), "{s} not in {subs:?}");
    }
    assert!(bash_completes(&["grecfg", "migrate", "--roll"]).contains(&"--rollback-timeout".to_string()));
    let to = bash_completes(&["grecfg", "convert", "--to", ""]);
    assert!(
        to.iter().any(|c| c == "nm") && to.iter().any(|c| c == "ifcfg"),
        "{to:?}"
    );
    assert_eq!(bash_completes(&["grecfg", "completions", "z"]), ["zsh"]);
}

/// `zsh -n` and `fish -n` where those shells are installed.
#[test]
fn zsh_and_fish_read_their_scripts() {
    for (shell, file) in [("zsh", Shell::Zsh), ("fish", Shell::Fish)] {
        if !common::in_path(shell) {
            assert!(!common::ci(), "{shell} is needed in CI");
            eprintln!("skipped: {shell} is not installed");
            continue;
        }
        let o = Command::new(shell)
            .arg("-n")
            .arg(committed(file))
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{shell} -n: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
