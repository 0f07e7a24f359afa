//! The man pages in `man/` are generated from the clap definitions; this
//! test fails when they are stale. `GRECFG_BLESS=1 cargo test --test man`
//! regenerates them.

use std::path::Path;

use clap::CommandFactory;
use grecfg::cli::Cli;

fn render(cmd: clap::Command) -> String {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut buf)
        .expect("render man page");
    String::from_utf8(buf).expect("man page is UTF-8")
}

/// Every page: `grecfg.1` and one `grecfg-SUB.1` per subcommand.
fn pages() -> Vec<(String, String)> {
    let mut cmd = Cli::command();
    cmd.build();
    let mut pages = vec![("grecfg.1".to_string(), render(cmd.clone()))];
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        // clap names commands with 'static strings (no "string" feature).
        let name: &'static str = Box::leak(format!("grecfg-{}", sub.get_name()).into_boxed_str());
        let page = sub.clone().name(name).version(env!("CARGO_PKG_VERSION"));
        pages.push((format!("{name}.1"), render(page)));
    }
    pages
}

#[test]
fn man_pages_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let bless = std::env::var_os("GRECFG_BLESS").is_some();
    let mut stale = Vec::new();
    for (name, text) in pages() {
        let path = dir.join(&name);
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "stale man pages {stale:?}: run GRECFG_BLESS=1 cargo test --test man"
    );
}

#[test]
fn man_pages_document_exit_status_and_every_convert_option() {
    let pages = pages();
    let convert = &pages
        .iter()
        .find(|(n, _)| n == "grecfg-convert.1")
        .expect("convert page")
        .1;
    for opt in [
        "\\-\\-from",
        "\\-\\-to",
        "\\-\\-output\\-dir",
        "\\-\\-diff",
        "\\-\\-strict",
        "\\-\\-uuid",
    ] {
        assert!(convert.contains(opt), "grecfg-convert.1 lacks {opt}");
    }
    assert!(
        convert.contains("Exit status"),
        "grecfg-convert.1 lacks the exit status"
    );
}

#[test]
fn networkmanager_pages_document_their_options_and_exit_status() {
    let pages = pages();
    let page = |name: &str| {
        &pages
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .1
    };
    let activate = page("grecfg-activate.1");
    for opt in [
        "\\-\\-in\\-memory",
        "\\-\\-no\\-up",
        "\\-\\-timeout",
        "\\-\\-dry\\-run",
        "\\-\\-from",
        "\\-\\-uuid",
    ] {
        assert!(activate.contains(opt), "grecfg-activate.1 lacks {opt}");
    }
    for name in ["grecfg-activate.1", "grecfg-deactivate.1", "grecfg-delete.1"] {
        let p = page(name);
        assert!(p.contains("Exit status"), "{name} lacks the exit status");
        assert!(p.contains("not authorised"), "{name} lacks exit status 6");
    }
}
