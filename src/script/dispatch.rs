//! One command to the interpreter of its program: `ip`, `route`,
//! `ifconfig` and `nmcli` (also when misspelt, as a shell would not read
//! them), the firewall, module and sysctl commands kept as extras, and
//! everything else noted as ignored.

use super::builder::{expand, Builder, PendingExtra};
use super::cmd::{Cmd, Span, Word};
use super::eval::Sink;
use super::{ip, nettools, nmcli};
use crate::codec::Parsed;
use crate::diag::{Diagnostic, Failure};

/// Commands kept as extras: they matter to the tunnel but no other format
/// can carry them.
pub(super) const EXTRA_COMMANDS: [&str; 6] = [
    "modprobe",
    "sysctl",
    "iptables",
    "ip6tables",
    "nft",
    "firewall-cmd",
];

/// Real commands one edit away from `ip`/`route`: never typos.
const NOT_TYPOS: [&str; 12] = [
    "cp", "id", "if", "in", "up", "op", "sp", "ipa", "tip", "rout", "routef", "iq",
];

impl Sink for Builder<'_> {
    fn command(&mut self, cmd: &Cmd) {
        interpret(self, cmd);
    }

    fn report(&mut self, offset: usize, d: Diagnostic) {
        self.push(offset, None, d);
    }
}

/// Interpret one command.
pub(crate) fn interpret(b: &mut Builder<'_>, cmd: &Cmd) {
    let Some(first) = cmd.words.first() else {
        return;
    };
    let mut words = &cmd.words[..];
    // `sudo [-E] [-u user] cmd`
    if first.raw == "sudo" {
        let mut i = 1;
        while i < words.len() && words[i].raw.starts_with('-') {
            if matches!(words[i].raw.as_str(), "-u" | "-g") {
                i += 1;
            }
            i += 1;
        }
        if i >= words.len() {
            let written = cmd.assignments.first().unwrap_or(first);
            ignored(b, cmd.span, &written.raw, "sudo");
            return;
        }
        words = &words[i..];
    }
    let name = words[0].raw.as_str();
    // The words of a wrapped call come from two places (the function's
    // prefix and the call): the command spans at least its first word.
    let c = Span {
        start: words[0].offset,
        end: cmd.span.end.max(words[0].offset + words[0].len),
    };
    if basename(name) == "nmcli" {
        nmcli::nmcli(b, c, words);
        return;
    }
    nmcli::sync(b);
    match known_command(name) {
        Some((known, typo)) => {
            if typo {
                let w = &words[0];
                b.push(
                    w.offset,
                    None,
                    Diagnostic::warning(format!("`{name}` is read as `{known}`"))
                        .at(b.loc(w.offset, w.len))
                        .hint(format!(
                            "a shell would fail here: `{name}` is not `{known}` (commands are case-sensitive); \
                             fix the script"
                        )),
                );
            }
            let Some(args) = expand(b, words) else {
                return;
            };
            let loc = b.cmd_loc(c);
            match known {
                "ip" => ip::ip(b, c, &args[1..], loc),
                "route" => nettools::route(b, c, &args[1..], loc),
                _ => nettools::ifconfig(b, c, &args[1..], loc),
            }
        }
        None => {
            let base = basename(name).to_string();
            if EXTRA_COMMANDS.contains(&base.as_str()) {
                // A wrapper's prefix is written elsewhere than the call.
                let in_place = words
                    .iter()
                    .all(|w| w.offset >= cmd.span.start && w.offset + w.len <= c.end);
                let value = if in_place {
                    b.src.text[c.start..c.end].to_string()
                } else {
                    words.iter().map(|w| w.raw.as_str()).collect::<Vec<_>>().join(" ")
                };
                let words = words.iter().map(|w| w.raw.clone()).collect();
                let loc = b.cmd_loc(c);
                b.extras.push(PendingExtra {
                    key: base,
                    value,
                    words,
                    loc,
                    offset: c.start,
                });
            } else if base == "brctl" && words.get(1).is_some_and(|w| w.raw == "addif") {
                brctl_addif(b, c, words);
            } else {
                ignored(b, c, &words[0].raw, &base);
            }
        }
    }
}

/// `brctl addif BRIDGE DEV...`: a tunnel among the ports loses its bridge,
/// said as for `ip link set DEV master BRIDGE`.
fn brctl_addif(b: &mut Builder<'_>, c: Span, words: &[Word]) {
    let Some(args) = expand(b, words) else {
        return;
    };
    let Some(bridge) = args.get(2) else {
        return ignored(b, c, &words[0].raw, "brctl");
    };
    let mut any = false;
    for dev in &args[3..] {
        if let Some(t) = b.tunnel_index(&dev.text) {
            b.bridge_port(t, dev, &bridge.text);
            any = true;
        }
    }
    if !any {
        ignored(b, c, &words[0].raw, "brctl");
    }
}

/// A command that configures no tunnel, written at `c` with `first_word` as
/// its first word: noted, unless it looks like a slip a shell would fail on.
fn ignored(b: &mut Builder<'_>, c: Span, first_word: &str, name: &str) {
    // A command run again (in a function called again) is noted once.
    if !b.ignored.insert(c.start) {
        return;
    }
    let loc = b.cmd_loc(c);
    let line = loc.line;
    let first = first_word.chars().next().unwrap_or(' ');
    let wrapped_comment = line > 1
        && b.comment_lines.binary_search(&(line - 1)).is_ok()
        && !first.is_ascii_alphanumeric()
        && !matches!(first, '/' | '.' | '_' | '$' | '"' | '\'');
    if first_word.chars().all(char::is_whitespace) {
        b.push(
            c.start,
            None,
            Diagnostic::warning(format!(
                "line {line} holds only a non-breaking or other unusual blank"
            ))
            .at(loc)
            .hint("a shell would try to run it as a command and fail; delete the line"),
        );
        return;
    }
    if wrapped_comment {
        b.push(
            c.start,
            None,
            Diagnostic::warning(format!(
                "line {line} looks like the rest of the comment on line {}, but it is not commented out",
                line - 1
            ))
            .at(loc)
            .hint("a shell would try to run it as a command and fail; start the line with #"),
        );
        return;
    }
    let name = if name.is_empty() { first_word } else { name };
    b.push(
        c.start,
        None,
        Diagnostic::note(format!("`{name}` does not configure a tunnel; ignored")).at(loc),
    );
}

fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// Whether `a` is one edit from `b` (optimal string alignment: a
/// character added, dropped or changed, or two neighbours swapped, as in
/// `rotue`), counted in characters and without allocating: every command
/// of a script that is not a tunnel's is checked.
fn one_edit(a: &str, b: &str) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la == lb {
        let mut diff = a.chars().zip(b.chars()).enumerate().filter(|(_, (x, y))| x != y);
        return match (diff.next(), diff.next(), diff.next()) {
            (Some(_), None, _) => true,
            (Some((i, (x1, y1))), Some((j, (x2, y2))), None) => j == i + 1 && x1 == y2 && x2 == y1,
            _ => false,
        };
    }
    let (long, short) = if la == lb + 1 {
        (a, b)
    } else if lb == la + 1 {
        (b, a)
    } else {
        return false;
    };
    let same = long
        .chars()
        .zip(short.chars())
        .take_while(|(x, y)| x == y)
        .count();
    long.chars().skip(same + 1).eq(short.chars().skip(same))
}

/// The known command `name` stands for, and whether it is a typo of it.
pub(super) fn known_command(name: &str) -> Option<(&'static str, bool)> {
    let base = basename(name);
    for k in ["ip", "route", "ifconfig"] {
        if base == k {
            return Some((k, false));
        }
    }
    if NOT_TYPOS.contains(&base) || base.len() > 10 {
        return None;
    }
    for k in ["ip", "route", "ifconfig"] {
        if base.eq_ignore_ascii_case(k) || one_edit(&base.to_ascii_lowercase(), k) {
            return Some((k, true));
        }
    }
    None
}

/// Every tunnel the commands built, once the last command is read: nmcli
/// profiles still open become tunnels, then the builder finishes.
pub(crate) fn finish(mut b: Builder<'_>) -> Result<Vec<Parsed>, Failure> {
    super::nmcli::finish_profiles(&mut b);
    b.finish()
}
