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
mod pattern;
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
    let (text, transcript) = match dialect {
        Dialect::Iproute2 => {
            let text = strip_prompts(&src.text);
            match root_prompts(&text) {
                Some((text, first)) => (text, Some(first)),
                None => (text, None),
            }
        }
        Dialect::RcLocal => (src.text.clone(), None),
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
    if let Some(first) = transcript {
        b.push(
            first,
            None,
            Diagnostic::note(
                "every command of this file follows a root prompt `# `, as articles write them: \
                 grecfg reads each `# COMMAND` line as that command and the other lines as their output",
            )
            .at(src.loc_at(first, 1)),
        );
    }
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

/// The commands a transcript holds when it writes each after a root
/// prompt `# ` (`# ip tunnel add gre1 ...`), as articles do: when no line
/// is a command without one, and some `# ` line is a command, those lines
/// are read as commands (the `# ` blanked) and every other line but a
/// comment as their output (blanked too), every offset kept. None when the
/// text is not such a transcript. With it, the offset of the first command.
fn root_prompts(text: &str) -> Option<(String, usize)> {
    let command = |line: &str| {
        let first = line.split([' ', '\t']).next().unwrap_or("");
        let base = first.rsplit('/').next().unwrap_or(first);
        matches!(base, "ip" | "ifconfig" | "route" | "nmcli" | "sudo")
            || dispatch::EXTRA_COMMANDS.contains(&base)
    };
    let mut first = None;
    let mut offset = 0;
    for line in text.split('\n') {
        let body = line.trim_start_matches([' ', '\t']);
        match body.strip_prefix("# ") {
            Some(rest) if command(rest.trim_start()) => {
                first.get_or_insert(offset + line.len() - body.len() + 2);
            }
            _ if !body.starts_with('#') && command(body) => return None,
            _ => {}
        }
        offset += line.len() + 1;
    }
    let first = first?;
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let body = &line[indent..];
        match body.strip_prefix("# ") {
            Some(rest) if command(rest.trim_start()) => {
                out.push_str(&line[..indent]);
                out.push_str("  ");
                out.push_str(rest);
            }
            _ if body.starts_with('#') || body.is_empty() => out.push_str(line),
            // Output: as many blanks as it has bytes.
            _ => out.extend(std::iter::repeat_n(' ', line.len())),
        }
    }
    Some((out, first))
}

#[cfg(test)]
mod tests;
