//! Shell scripts that set tunnels up with `ip` (iproute2) and net-tools
//! commands: a bare list of commands as people paste them, or a whole
//! `rc.local`. docs/FORMATS.md §2 has the command semantics.
//!
//! grecfg never runs anything. It reads the simple commands in source order
//! (also inside `if`, `{ ...; }`, `( ... )`, `&&`/`||` lists and pipelines),
//! a function's body where the function is called (a call of a function
//! that runs `"$@"` as the command it wraps), of a `case` the branch that
//! runs (see [`syntax`]), expands the variables the script itself
//! assigns, and interprets `ip`,
//! `route` and `ifconfig`. Firewall, module and sysctl commands are kept as
//! extras; everything else is listed as ignored. What a shell would do
//! differently from what the author meant (a typo such as `Ip`, a blank
//! after a continuation backslash) is read as meant and reported.
//!
//! Two layers meet in a [`cmd::Cmd`]: the shell evaluator ([`eval`]) turns
//! the script into simple commands with expanded words, and
//! [`dispatch::interpret`] hands each to the interpreter of its program
//! ([`ip`], [`nettools`], [`nmcli`]), which change what the
//! [`builder::Builder`] holds.

pub(crate) mod builder;
pub(crate) mod cmd;
pub(crate) mod dispatch;
mod eval;
mod ip;
mod nettools;
mod nmcli;
pub(crate) mod syntax;

use crate::codec::Parsed;
use crate::diag::{Diagnostic, Failure, Source};
use crate::shell::{self, ScriptTokens};
use builder::Builder;
use eval::Evaluator;

/// How the input is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Commands as pasted from a terminal: interactive prompts
    /// (`[root@host ~]# `, `$ `) at the start of a line are dropped.
    Iproute2,
    /// A whole script (`/etc/rc.local`, `/etc/rc.d/rc.local`, `*.sh`).
    RcLocal,
}

/// Read every tunnel a script defines, in order of creation.
pub fn read(src: &Source, dialect: Dialect) -> Result<Vec<Parsed>, Failure> {
    let text = match dialect {
        Dialect::Iproute2 => strip_prompts(&src.text),
        Dialect::RcLocal => src.text.clone(),
    };
    let ScriptTokens {
        tokens,
        escaped_blanks,
        comment_lines,
        unclosed,
        ..
    } = shell::lex_script(&text);
    let script = syntax::parse(tokens);
    // A script the shell refuses runs nothing: only its syntax is said.
    let mut errors: Vec<(usize, Diagnostic)> = script
        .errors
        .iter()
        .map(|e| {
            (
                e.offset,
                Diagnostic::error(e.message.clone())
                    .at(src.loc_at(e.offset, e.len))
                    .hint(e.hint.clone()),
            )
        })
        .collect();
    if let Some(u) = unclosed {
        errors.push((
            u.offset,
            Diagnostic::error(u.message())
                .at(src.loc_at(u.offset, u.opener.len()))
                .hint(syntax::UNCLOSED_HINT),
        ));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|(o, _)| *o);
        return Err(Failure::new(errors.into_iter().map(|(_, d)| d).collect()));
    }
    let mut b = Builder::new(src, comment_lines);
    Evaluator::new(src, escaped_blanks, &mut b).run(&script.items);
    dispatch::finish(b)
}

/// Whether the first command of a text (after prompts, comments and
/// `sudo`) is `nmcli`.
pub(crate) fn starts_with_nmcli(text: &str) -> bool {
    let text = strip_prompts(text);
    let Some(first) = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
    else {
        return false;
    };
    let first = first.strip_prefix("sudo ").map_or(first, str::trim_start);
    first == "nmcli" || first.starts_with("nmcli ") || first.starts_with("nmcli\t")
}

/// Blank out interactive prompts (`[user@host dir]# `, `$ `) at line
/// starts, keeping every byte offset.
fn strip_prompts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let body = &line[indent..];
        let prompt = if body.starts_with('[') {
            body.find(']').and_then(|e| {
                {
                    let after = &body[e + 1..];
                    (after.starts_with('#') || after.starts_with('$')) && body[..e].contains('@')
                }
                .then_some(e + 2)
            })
        } else if body.starts_with("$ ") || body == "$" {
            Some(1)
        } else {
            None
        };
        match prompt {
            Some(n) => {
                out.push_str(&line[..indent]);
                out.extend(std::iter::repeat_n(' ', n));
                out.push_str(&body[n..]);
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests;
