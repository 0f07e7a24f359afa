//! Shell scripts that set tunnels up with `ip` (iproute2) and net-tools
//! commands: a bare list of commands as people paste them, or a whole
//! `rc.local`. FORMATS.md §2 has the command semantics.
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

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::codec::Parsed;
use crate::diag::{Diagnostic, Failure, Location, Origins, Severity, Source};
use crate::formats::iproute2;
use crate::formats::values::{self, ValueError};
use crate::model::{flags, Extra, Family, InnerAddress, Mode, Neighbour, Route, Tunnel};
use crate::nm::nmcli::{self, Nmcli, Outcome};
use syntax::{Arm, Item};

pub mod syntax;
use crate::shell::{self, LexError, Piece, ScriptWord};

/// How the input is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Commands as pasted from a terminal: interactive prompts
    /// (`[root@host ~]# `, `$ `) at the start of a line are dropped.
    Iproute2,
    /// A whole script (`/etc/rc.local`, `/etc/rc.d/rc.local`, `*.sh`).
    RcLocal,
}

/// Commands kept as extras: they matter to the tunnel but no other format
/// can carry them.
const EXTRA_COMMANDS: [&str; 6] = [
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

/// A word after expansion, with where it was written.
#[derive(Debug, Clone)]
struct Arg {
    text: String,
    offset: usize,
    len: usize,
    /// Only blanks, from a `\ ` at the end of a line.
    stray_blank: bool,
}

/// One simple command as written.
struct Command {
    words: Vec<ScriptWord>,
    start: usize,
    end: usize,
}

/// A variable assigned by the script.
struct Var {
    value: Result<String, (LexError, Location)>,
}

/// A tunnel being built, with where each field came from.
struct Building {
    tunnel: Tunnel,
    whole: Location,
    fields: BTreeMap<String, Location>,
    addresses: Vec<Location>,
    routes: Vec<Location>,
    neighbours: Vec<Location>,
    extras: Vec<Location>,
    deleted: bool,
    /// The nmcli profile this tunnel is, and how many of its addresses and
    /// routes come from the profile (the rest from `ip` commands).
    profile: Option<(usize, usize, usize)>,
}

impl Building {
    fn set(&mut self, field: &str, loc: Location) {
        self.fields.insert(field.to_string(), loc);
    }
}

/// A diagnostic, where it is (for ordering) and which tunnel it concerns.
struct Diag {
    offset: usize,
    tunnel: Option<usize>,
    d: Diagnostic,
}

/// A command kept as an extra, assigned to a tunnel at the end.
struct PendingExtra {
    key: String,
    value: String,
    words: Vec<String>,
    loc: Location,
    offset: usize,
}

struct Reader<'a> {
    src: &'a Source,
    vars: BTreeMap<String, Var>,
    tunnels: Vec<Building>,
    diags: Vec<Diag>,
    extras: Vec<PendingExtra>,
    escaped_blanks: Vec<usize>,
    comment_lines: Vec<usize>,
    /// Assignment errors already reported (by assignment offset).
    reported_vars: Vec<usize>,
    /// NetworkManager profiles made by `nmcli` commands.
    nm: Nmcli,
    /// Functions defined so far, by name.
    functions: BTreeMap<String, Function>,
    /// Functions being called, innermost last (a recursive call is not
    /// followed).
    calling: Vec<String>,
    /// Calls being read, wrappers included.
    call_depth: usize,
    /// In a function's body, the words of the call (`$1`, `$2`, ...);
    /// `None` at the top level, where they are the script's arguments.
    positional: Option<Vec<Result<String, LexError>>>,
    /// Deletions of a device the script had not created (yet): the note's
    /// index in `diags`, by name.
    early_deletes: Vec<(String, usize)>,
}

/// A shell function the script defines.
struct Function {
    name: ScriptWord,
    body: std::rc::Rc<Vec<Item>>,
    /// For a function that runs its arguments (`run() { "$@" || exit; }`):
    /// the words it puts before them. A call is read as that command.
    wrapper: Option<Vec<ScriptWord>>,
    called: bool,
}

/// Read every tunnel a script defines, in order of creation.
pub fn read(src: &Source, dialect: Dialect) -> Result<Vec<Parsed>, Failure> {
    let text = match dialect {
        Dialect::Iproute2 => strip_prompts(&src.text),
        Dialect::RcLocal => src.text.clone(),
    };
    let lexed = shell::lex_script(&text);
    let mut r = Reader {
        src,
        vars: BTreeMap::new(),
        tunnels: Vec::new(),
        diags: Vec::new(),
        extras: Vec::new(),
        escaped_blanks: lexed.escaped_blanks.clone(),
        comment_lines: lexed.comment_lines.clone(),
        reported_vars: Vec::new(),
        nm: Nmcli::default(),
        functions: BTreeMap::new(),
        calling: Vec::new(),
        call_depth: 0,
        positional: None,
        early_deletes: Vec::new(),
    };
    let items = syntax::parse(lexed.tokens);
    r.items(&items);
    r.finish()
}

/// Whether the first command of a text (after prompts, comments and
/// `sudo`) is `nmcli`.
pub fn starts_with_nmcli(text: &str) -> bool {
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

impl Command {
    fn new(words: Vec<ScriptWord>) -> Command {
        let start = words[0].offset;
        let end = words.last().map_or(start, |l| l.offset + l.len);
        Command { words, start, end }
    }
}

fn is_assignment(w: &ScriptWord) -> Option<(String, usize)> {
    let eq = w.raw.find('=')?;
    let name = &w.raw[..eq];
    shell::is_name(name).then(|| (name.to_string(), eq))
}

fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

fn edit_distance(a: &str, b: &str) -> usize {
    // Optimal string alignment: a swap of two neighbours (`rotue`) is one edit.
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// The known command `name` stands for, and whether it is a typo of it.
fn known_command(name: &str) -> Option<(&'static str, bool)> {
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
        if base.eq_ignore_ascii_case(k) || edit_distance(&base.to_ascii_lowercase(), k) == 1 {
            return Some((k, true));
        }
    }
    None
}

/// iproute2's `matches`: `word` is a non-empty prefix of `full`.
fn matches(word: &str, full: &str) -> bool {
    !word.is_empty() && full.starts_with(word)
}

/// The `ip` object a word selects, in iproute2's table order.
fn ip_object(word: &str) -> Option<&'static str> {
    const OBJECTS: [&str; 35] = [
        "address",
        "addrlabel",
        "maddress",
        "route",
        "rule",
        "neighbor",
        "neighbour",
        "ntable",
        "ntbl",
        "link",
        "l2tp",
        "fou",
        "ila",
        "macsec",
        "tunnel",
        "tunl",
        "tuntap",
        "tap",
        "token",
        "tcpmetrics",
        "tcp_metrics",
        "monitor",
        "xfrm",
        "mroute",
        "mrule",
        "netns",
        "netconf",
        "vrf",
        "sr",
        "nexthop",
        "mptcp",
        "ioam",
        "stats",
        "help",
        "neigh",
    ];
    OBJECTS
        .iter()
        .copied()
        .find(|o| matches(word, o))
        .map(|o| match o {
            "neighbour" | "neigh" => "neighbor",
            "tunl" => "tunnel",
            o => o,
        })
}

fn is_ipv6_mode(word: &str) -> bool {
    matches!(
        word,
        "ip6ip6"
            | "ipv6/ipv6"
            | "ipip6"
            | "ip4ip6"
            | "ip/ipv6"
            | "ipv4/ipv6"
            | "ip6gre"
            | "gre/ipv6"
            | "vti6"
            | "any"
            | "any/ipv6"
    )
}

/// The outer address a tunnel neighbour's `lladdr` gives: an IP address,
/// or as iproute2's `ll_addr_a2n` reads it for a tunnel device, colon-
/// separated hex bytes, 4 of them for IPv4 and 16 for IPv6 (how `ip
/// neigh` prints the link-layer address of an IPv6 tunnel).
fn lladdr_ip(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = values::parse_ip(s) {
        return Some(ip);
    }
    let bytes: Vec<u8> = s
        .split(':')
        .map(|b| {
            (1..=2)
                .contains(&b.len())
                .then(|| u8::from_str_radix(b, 16).ok())
                .flatten()
        })
        .collect::<Option<_>>()?;
    match bytes.len() {
        4 => Some(IpAddr::from(<[u8; 4]>::try_from(bytes).ok()?)),
        16 => Some(IpAddr::from(<[u8; 16]>::try_from(bytes).ok()?)),
        _ => None,
    }
}

/// What the `ip` options say about the address family.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fam {
    Any,
    V4,
    V6,
}

impl<'a> Reader<'a> {
    fn loc(&self, offset: usize, len: usize) -> Location {
        self.src.loc_at(offset, len)
    }

    /// The location of a command: its first line, from its first word.
    fn cmd_loc(&self, c: &Command) -> Location {
        let text = &self.src.text;
        let line_end = text[c.start..].find('\n').map_or(text.len(), |i| c.start + i);
        let end = c.end.min(line_end);
        let mut l = self.loc(c.start, end.saturating_sub(c.start).max(1));
        l.len = l.len.max(1);
        l
    }

    fn push(&mut self, offset: usize, tunnel: Option<usize>, d: Diagnostic) {
        self.diags.push(Diag { offset, tunnel, d });
    }

    fn arg_loc(&self, a: &Arg) -> Location {
        self.loc(a.offset, a.len)
    }

    fn command(&mut self, c: Command) {
        // Assignments before a command name apply to that command only.
        let first_cmd = c.words.iter().position(|w| is_assignment(w).is_none());
        let Some(first) = first_cmd else {
            for w in &c.words {
                self.assign(w);
            }
            return;
        };
        let mut words: Vec<ScriptWord> = c.words[first..].to_vec();
        // `export A=b`, `readonly A=b`, `local A=b`, `declare A=b`.
        if matches!(words[0].raw.as_str(), "export" | "readonly" | "local" | "declare") {
            for w in &words[1..] {
                if is_assignment(w).is_some() {
                    self.assign(w);
                }
            }
            return;
        }
        if self.call(&c, &words) {
            return;
        }
        // `sudo [-E] [-u user] cmd`
        if words[0].raw == "sudo" {
            let mut i = 1;
            while i < words.len() && words[i].raw.starts_with('-') {
                if matches!(words[i].raw.as_str(), "-u" | "-g") {
                    i += 1;
                }
                i += 1;
            }
            if i >= words.len() {
                self.ignored(&c, "sudo");
                return;
            }
            words.drain(..i);
        }
        let name = words[0].raw.clone();
        // The words of a wrapped call come from two places (the function's
        // prefix and the call): the command spans at least its first word.
        let cmd = Command {
            start: words[0].offset,
            end: c.end.max(words[0].offset + words[0].len),
            words,
        };
        if basename(&name) == "nmcli" {
            self.nmcli(&cmd);
            return;
        }
        match known_command(&name) {
            Some((known, typo)) => {
                if typo {
                    let w = &cmd.words[0];
                    self.push(
                        w.offset,
                        None,
                        Diagnostic::warning(format!("`{name}` is read as `{known}`"))
                            .at(self.loc(w.offset, w.len))
                            .hint(format!(
                                "a shell would fail here: `{name}` is not `{known}` (commands are case-sensitive); \
                                 fix the script"
                            )),
                    );
                }
                let Some(args) = self.expand(&cmd) else {
                    return;
                };
                let loc = self.cmd_loc(&cmd);
                match known {
                    "ip" => self.ip(&cmd, &args[1..], loc),
                    "route" => self.net_route(&cmd, &args[1..], loc),
                    _ => self.ifconfig(&cmd, &args[1..], loc),
                }
            }
            None => {
                let base = basename(&name).to_string();
                if EXTRA_COMMANDS.contains(&base.as_str()) {
                    // A wrapper's prefix is written elsewhere than the call.
                    let in_place = cmd
                        .words
                        .iter()
                        .all(|w| w.offset >= c.start && w.offset + w.len <= cmd.end);
                    let value = if in_place {
                        self.src.text[cmd.start..cmd.end].to_string()
                    } else {
                        cmd.words
                            .iter()
                            .map(|w| w.raw.as_str())
                            .collect::<Vec<_>>()
                            .join(" ")
                    };
                    let words = cmd.words.iter().map(|w| w.raw.clone()).collect();
                    let loc = self.cmd_loc(&cmd);
                    self.extras.push(PendingExtra {
                        key: base,
                        value,
                        words,
                        loc,
                        offset: cmd.start,
                    });
                } else {
                    self.ignored(&cmd, &base);
                }
            }
        }
    }

    /// Read the items of a script or of a body, in order.
    fn items(&mut self, items: &[Item]) {
        for it in items {
            match it {
                Item::Simple(words) => self.command(Command::new(words.clone())),
                Item::Function { name, body } => self.define(name, body),
                Item::Case {
                    keyword,
                    subject,
                    arms,
                } => self.case(keyword, subject.as_ref(), arms),
            }
        }
    }

    /// A function definition: nothing runs until it is called.
    fn define(&mut self, name: &ScriptWord, body: &[Item]) {
        // A function whose body runs `PREFIX "$@"` runs its arguments; what
        // else it does (report a failure, exit) is not read.
        let wrapper = syntax::flatten(body)
            .into_iter()
            .find(|w| syntax::runs_arguments(w))
            .map(|mut w| {
                w.pop();
                let skip = w
                    .iter()
                    .take_while(|x| {
                        is_assignment(x).is_some() || matches!(x.raw.as_str(), "command" | "exec")
                    })
                    .count();
                w.drain(..skip);
                w
            });
        self.functions.insert(
            name.raw.clone(),
            Function {
                name: name.clone(),
                body: std::rc::Rc::new(body.to_vec()),
                wrapper,
                called: false,
            },
        );
    }

    /// A call of a function the script defined (true), read as its body,
    /// or for a function that runs its arguments, as that command.
    fn call(&mut self, c: &Command, words: &[ScriptWord]) -> bool {
        let w = &words[0];
        if w.pieces.is_err() {
            return false;
        }
        let Some(f) = self.functions.get_mut(&w.raw) else {
            return false;
        };
        f.called = true;
        let (wrapper, body) = (f.wrapper.clone(), f.body.clone());
        let name = w.raw.clone();
        if self.call_depth >= 50 {
            self.note_cmd(
                c,
                None,
                format!("`{name}` is called through more than 50 functions; grecfg does not follow the call"),
            );
            return true;
        }
        if self.calling.contains(&name) {
            self.note_cmd(
                c,
                None,
                format!("`{name}` calls itself here; grecfg does not follow the call"),
            );
            return true;
        }
        // A wrapper's own words shrink with every call; only a prefix can
        // call the function again.
        let guard = wrapper.as_ref().is_none_or(|p| !p.is_empty());
        if guard {
            self.calling.push(name);
        }
        self.call_depth += 1;
        match wrapper {
            Some(mut ws) => {
                ws.extend(words[1..].iter().cloned());
                if !ws.is_empty() {
                    let start = words.get(1).map_or(w.offset, |a| a.offset);
                    self.command(Command {
                        words: ws,
                        start,
                        end: c.end,
                    });
                }
            }
            None => {
                let args = words[1..]
                    .iter()
                    .map(|a| match &a.pieces {
                        Ok(p) => self.expand_pieces(p, a),
                        Err(e) => Err(e.clone()),
                    })
                    .collect();
                let outer = self.positional.replace(args);
                self.items(&body);
                self.positional = outer;
            }
        }
        if guard {
            self.calling.pop();
        }
        self.call_depth -= 1;
        true
    }

    /// `case`: only the branch that runs is read. Its subject must be known
    /// without running the script: a word, a variable the script assigns,
    /// or the script's first argument, which with a default (`${1:-start}`)
    /// is what the script does when run without arguments.
    fn case(&mut self, keyword: &ScriptWord, subject: Option<&ScriptWord>, arms: &[Arm]) {
        let Some(subject) = subject else {
            return;
        };
        let first = self.positional.as_ref().map(|args| args.first().cloned());
        let (value, why) = match (syntax::first_argument_default(subject), first) {
            // In a function: the call's first word, or the default.
            (Some(default), Some(arg)) => match arg {
                Some(Ok(v)) if !v.is_empty() => {
                    let why = format!("the function's first argument is {v:?}");
                    (v, why)
                }
                Some(Err(e)) => {
                    self.push(
                        e.offset,
                        None,
                        Diagnostic::error(e.message.clone()).at(self.loc(e.offset, e.len)),
                    );
                    return;
                }
                _ => {
                    let why = format!("without arguments, {} is {default:?}", subject.raw);
                    (default, why)
                }
            },
            (Some(v), None) => {
                let why = format!("without arguments, {} is {v:?}", subject.raw);
                (v, why)
            }
            (None, _) => {
                let res = match &subject.pieces {
                    Ok(p) => self.expand_pieces(p, subject),
                    Err(e) => Err(e.clone()),
                };
                match res {
                    Ok(v) => {
                        let why = format!("{} is {v:?}", subject.raw);
                        (v, why)
                    }
                    Err(e) => {
                        let d = Diagnostic::error(format!(
                            "grecfg cannot tell which branch of this case runs: {}",
                            e.message
                        ))
                        .at(self.loc(e.offset, e.len))
                        .hint(
                            "case on a word, on a variable the script assigns, or on the script's first \
                             argument with a default: case \"${1:-start}\" in",
                        );
                        self.push(e.offset, None, d);
                        return;
                    }
                }
            }
        };
        let _ = keyword;
        let mut chosen = None;
        'arms: for (i, arm) in arms.iter().enumerate() {
            for p in &arm.patterns {
                let pattern = match syntax::compile_pattern(&p.raw) {
                    Some(c) => c,
                    None => {
                        let res = match &p.pieces {
                            Ok(pieces) => self.expand_pieces(pieces, p),
                            Err(e) => Err(e.clone()),
                        };
                        match res {
                            Ok(text) => text.chars().map(syntax::PatternChar::Literal).collect(),
                            Err(e) => {
                                let d = Diagnostic::error(format!(
                                    "grecfg cannot tell whether this case pattern matches: {}",
                                    e.message
                                ))
                                .at(self.loc(e.offset, e.len))
                                .hint("write the pattern itself");
                                self.push(e.offset, None, d);
                                return;
                            }
                        }
                    }
                };
                if syntax::pattern_matches(&pattern, &value) {
                    chosen = Some(i);
                    break 'arms;
                }
            }
        }
        let label = |a: &Arm| {
            let p: Vec<&str> = a.patterns.iter().map(|w| w.raw.as_str()).collect();
            format!("{})", p.join("|"))
        };
        let runs = match chosen {
            Some(c) => format!("the script runs the `{}` branch", label(&arms[c])),
            None => "the script runs no branch".to_string(),
        };
        for (i, arm) in arms.iter().enumerate() {
            if Some(i) == chosen {
                continue;
            }
            let (Some(first), Some(last)) = (arm.patterns.first(), arm.patterns.last()) else {
                continue;
            };
            let loc = self.loc(first.offset, last.offset + last.len - first.offset);
            self.push(
                first.offset,
                None,
                Diagnostic::note(format!(
                    "the `{}` branch is not read: {why}, so {runs}",
                    label(arm)
                ))
                .at(loc),
            );
        }
        let Some(c) = chosen else {
            return;
        };
        if let Some(at) = arms[c].fall_through {
            let len = if self.src.text[at..].starts_with(";;&") {
                3
            } else {
                2
            };
            self.push(
                at,
                None,
                Diagnostic::error(
                    "the branch goes on with the next one; grecfg does not follow a case fall-through",
                )
                .at(self.loc(at, len))
                .hint("end the branch with ;;"),
            );
        }
        self.items(&arms[c].body);
    }

    fn ignored(&mut self, c: &Command, name: &str) {
        let loc = self.cmd_loc(c);
        let line = loc.line;
        let first = c.words[0].raw.chars().next().unwrap_or(' ');
        let wrapped_comment = line > 1
            && self.comment_lines.contains(&(line - 1))
            && !first.is_ascii_alphanumeric()
            && !matches!(first, '/' | '.' | '_' | '$' | '"' | '\'');
        if c.words[0].raw.chars().all(char::is_whitespace) {
            self.push(
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
            self.push(
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
        let name = if name.is_empty() {
            c.words[0].raw.as_str()
        } else {
            name
        };
        self.push(
            c.start,
            None,
            Diagnostic::note(format!("`{name}` does not configure a tunnel; ignored")).at(loc),
        );
    }

    /// `NAME=value`: expand the value now, as the shell does; keep an error
    /// for later, when a command uses the variable.
    fn assign(&mut self, w: &ScriptWord) {
        let Some((name, eq)) = is_assignment(w) else {
            return;
        };
        let value = match &w.pieces {
            Err(e) => Err((e.clone(), self.loc(e.offset, e.len))),
            Ok(pieces) => {
                // The first piece starts with `NAME=`.
                let mut pieces = pieces.clone();
                if let Some(Piece::Text(t)) = pieces.first_mut() {
                    t.drain(..(eq + 1).min(t.len()));
                }
                self.expand_pieces(&pieces, w).map_err(|e| {
                    let l = self.loc(e.offset, e.len);
                    (e, l)
                })
            }
        };
        self.vars.insert(name, Var { value });
    }

    fn expand_pieces(&self, pieces: &[Piece], w: &ScriptWord) -> Result<String, LexError> {
        let mut bytes = Vec::new();
        for p in pieces {
            match p {
                Piece::Text(t) => bytes.extend_from_slice(t),
                Piece::Param { name, offset, len } => {
                    let err = |message: String, hint: &str| LexError {
                        offset: *offset,
                        len: *len,
                        message,
                        hint: Some(hint.to_string()),
                    };
                    // In a function's body, `$1`... are the call's words.
                    if let (Some(args), Ok(n)) = (&self.positional, name.parse::<usize>()) {
                        if n > 0 {
                            match args.get(n - 1) {
                                Some(Ok(v)) => bytes.extend_from_slice(v.as_bytes()),
                                Some(Err(e)) => return Err(e.clone()),
                                None => {}
                            }
                            continue;
                        }
                    }
                    if name == "#" {
                        if let Some(args) = &self.positional {
                            bytes.extend_from_slice(args.len().to_string().as_bytes());
                            continue;
                        }
                    }
                    if !shell::is_name(name) {
                        return Err(err(
                            format!("${name} is set when the script runs; grecfg cannot know its value"),
                            "write the value itself",
                        ));
                    }
                    match self.vars.get(name) {
                        Some(Var { value: Ok(v) }) => bytes.extend_from_slice(v.as_bytes()),
                        // Reported where the assignment is, once.
                        Some(Var { value: Err((e, _)) }) => return Err(e.clone()),
                        None => {
                            return Err(err(
                                format!("variable ${name} is not assigned in this script"),
                                "assign it before this line (NAME=value) or write the value itself",
                            ))
                        }
                    }
                }
            }
        }
        String::from_utf8(bytes).map_err(|_| LexError {
            offset: w.offset,
            len: w.len,
            message: "the word is not valid UTF-8 after unescaping".into(),
            hint: None,
        })
    }

    /// Expand every word of an interpreted command; `None` (with the
    /// errors reported) when one cannot be read.
    fn expand(&mut self, c: &Command) -> Option<Vec<Arg>> {
        let mut out = Vec::new();
        let mut failed = false;
        for w in &c.words {
            let res = match &w.pieces {
                Ok(p) => self.expand_pieces(p, w),
                Err(e) => Err(e.clone()),
            };
            match res {
                Ok(text) => {
                    let stray_blank = !text.is_empty()
                        && text.chars().all(|c| c == ' ' || c == '\t')
                        && self
                            .escaped_blanks
                            .iter()
                            .any(|&o| o >= w.offset && o < w.offset + w.len);
                    out.push(Arg {
                        text,
                        offset: w.offset,
                        len: w.len,
                        stray_blank,
                    });
                }
                Err(e) => {
                    failed = true;
                    self.word_error(w, e);
                }
            }
        }
        (!failed).then_some(out)
    }

    fn word_error(&mut self, w: &ScriptWord, e: LexError) {
        // `${interface name}`: a placeholder from documentation.
        if let Some(i) = w.raw.find("${") {
            if let Some(j) = w.raw[i..].find('}') {
                let inner = &w.raw[i + 2..i + j];
                if inner.contains([' ', '\t']) || !inner.is_ascii() {
                    let off = w.offset + i;
                    self.push(
                        off,
                        None,
                        Diagnostic::error(format!("`${{{inner}}}` is a placeholder, not a value"))
                            .at(self.loc(off, j + 1))
                            .hint("replace the placeholder with a value"),
                    );
                    return;
                }
            }
        }
        // Report an assignment's own error once, at the assignment.
        let d = Diagnostic::error(e.message.clone()).at(self.loc(e.offset, e.len));
        let d = match &e.hint {
            Some(h) => d.hint(h),
            None => d,
        };
        if !self.reported_vars.contains(&e.offset) {
            self.reported_vars.push(e.offset);
            self.push(e.offset, None, d);
        }
    }

    fn tunnel_index(&self, name: &str) -> Option<usize> {
        self.tunnels
            .iter()
            .rposition(|t| !t.deleted && t.tunnel.name == name)
    }

    /// The value of an optional argument: `Some(None)` when it is absent,
    /// None when it is given but bad (reported through `value_error`).
    fn opt_value<T>(
        &mut self,
        a: Option<&Arg>,
        what: &str,
        tunnel: Option<usize>,
        parse: impl FnOnce(&str) -> Result<T, ValueError>,
    ) -> Option<Option<T>> {
        let Some(a) = a else { return Some(None) };
        match parse(&a.text) {
            Ok(v) => Some(Some(v)),
            Err(e) => {
                self.value_error(a, what, e, tunnel);
                None
            }
        }
    }

    fn value_error(&mut self, a: &Arg, what: &str, e: ValueError, tunnel: Option<usize>) {
        let d = Diagnostic::error(match e.message.strip_prefix(&format!("{:?}", a.text)) {
            Some(rest) => format!("{what} {}{rest}", a.text),
            None => format!("{what}: {}", e.message),
        })
        .at(self.arg_loc(a));
        let d = match e.hint {
            Some(h) => d.hint(h),
            None => d,
        };
        self.push(a.offset, tunnel, d);
    }

    fn warn_at(&mut self, a: &Arg, tunnel: Option<usize>, msg: String, hint: Option<&str>) {
        let d = Diagnostic::warning(msg).at(self.arg_loc(a));
        let d = match hint {
            Some(h) => d.hint(h),
            None => d,
        };
        self.push(a.offset, tunnel, d);
    }

    fn note_cmd(&mut self, c: &Command, tunnel: Option<usize>, msg: String) {
        let loc = self.cmd_loc(c);
        self.push(c.start, tunnel, Diagnostic::note(msg).at(loc));
    }

    fn stray_blank(&mut self, a: &Arg) {
        let line = self.loc(a.offset, 1).line;
        self.push(
            a.offset,
            None,
            Diagnostic::warning(format!(
                "the backslash at the end of line {line} is followed by a blank, so it escapes the blank and \
                 does not continue the line"
            ))
            .at(self.loc(a.offset, a.len))
            .hint(format!(
                "a shell passes ' ' as one more argument here and runs line {} as a separate command; \
                 grecfg drops the ' ' and does not read line {} into this command. Delete the blank after \
                 the backslash",
                line + 1,
                line + 1
            )),
        );
    }

    // ----- ip --------------------------------------------------------------

    fn ip(&mut self, c: &Command, args: &[Arg], loc: Location) {
        let mut fam = Fam::Any;
        let mut i = 0;
        while i < args.len() && args[i].text.starts_with('-') && args[i].text.len() > 1 {
            let o = args[i].text.trim_start_matches('-');
            match o {
                "4" => fam = Fam::V4,
                "6" => fam = Fam::V6,
                "f" | "family" => {
                    i += 1;
                    match args.get(i).map(|a| a.text.as_str()) {
                        Some("inet") => fam = Fam::V4,
                        Some("inet6") => fam = Fam::V6,
                        _ => {}
                    }
                }
                _ if matches(o, "details") || matches(o, "stats") || matches(o, "statistics") => {}
                "o" | "oneline" | "c" | "color" | "br" | "brief" | "j" | "json" | "p" | "pretty" | "h"
                | "human" | "r" | "resolve" => {}
                _ => {
                    let a = args[i].clone();
                    self.warn_at(
                        &a,
                        None,
                        format!("ip option {} is not understood; ignored", a.text),
                        None,
                    );
                    if matches!(o, "n" | "netns" | "b" | "batch" | "rc" | "rcvbuf") {
                        i += 1;
                    }
                }
            }
            i += 1;
        }
        let Some(obj_arg) = args.get(i) else {
            self.note_cmd(
                c,
                None,
                "`ip` without an object only prints its usage; ignored".into(),
            );
            return;
        };
        let rest = &args[i + 1..];
        match ip_object(&obj_arg.text) {
            Some("tunnel") => self.ip_tunnel(c, rest, fam, loc),
            Some("link") => self.ip_link(c, rest, fam, loc),
            Some("address") => self.ip_addr(c, rest, loc),
            Some("route") => self.ip_route(c, rest, fam, loc),
            Some("neighbor") => self.ip_neigh(c, rest, loc),
            Some(o) => self.note_cmd(c, None, format!("`ip {o}` does not configure a tunnel; ignored")),
            None => {
                let a = obj_arg.clone();
                self.warn_at(
                    &a,
                    None,
                    format!(
                        "`ip {}` is not an ip object; ip would fail, grecfg ignores the command",
                        a.text
                    ),
                    None,
                );
            }
        }
    }

    fn ip_tunnel(&mut self, c: &Command, args: &[Arg], mut fam: Fam, loc: Location) {
        let Some(verb) = args.first() else {
            self.note_cmd(c, None, "`ip tunnel` lists tunnels; ignored".into());
            return;
        };
        let v = verb.text.as_str();
        let (verb, rest) = if matches(v, "add") {
            ("add", &args[1..])
        } else if matches(v, "change") {
            ("change", &args[1..])
        } else if matches(v, "delete") {
            ("del", &args[1..])
        } else if matches(v, "show") || matches(v, "list") || matches(v, "lst") {
            self.note_cmd(c, None, "`ip tunnel show` only displays; ignored".into());
            return;
        } else if matches(v, "prl") || matches(v, "6rd") || matches(v, "help") {
            self.note_cmd(c, None, format!("`ip tunnel {v}` is not read by grecfg; ignored"));
            return;
        } else {
            let a = verb.clone();
            self.warn_at(
                &a,
                None,
                format!("`ip tunnel {v}`: `{v}` is not an ip tunnel command; read as `ip tunnel add {v}`"),
                Some("ip would fail here (\"Command is unknown\"): write `ip tunnel add NAME ...`"),
            );
            ("add", args)
        };
        // Modern iproute2 switches to `ip -6 tunnel` for an IPv6 mode.
        if fam == Fam::Any {
            if let Some(p) = rest.iter().position(|a| a.text == "mode") {
                if rest.get(p + 1).is_some_and(|m| is_ipv6_mode(&m.text)) {
                    fam = Fam::V6;
                }
            }
        }
        let ip6 = fam == Fam::V6;
        let mut p = TunnelArgs::default();
        let Some((opts, ok)) =
            self.tunnel_opt_words(rest, OptSyntax::Tunnel, |this, a| this.tunnel_name(&mut p, a))
        else {
            return;
        };
        p.opts = opts;
        if !ok {
            return;
        }
        let Some(name) = p.name.clone() else {
            self.push(
                c.start,
                None,
                Diagnostic::error(format!("`ip tunnel {verb}` without a tunnel name")).at(loc),
            );
            return;
        };
        match verb {
            "del" => self.delete(c, &name),
            "change" => match self.tunnel_index(&name.text) {
                Some(t) => {
                    self.tunnel_opts(t, &p.opts, ip6, false);
                }
                None => self.note_cmd(
                    c,
                    None,
                    format!(
                        "`ip tunnel change {}` changes a tunnel this script does not create; ignored",
                        name.text
                    ),
                ),
            },
            _ => {
                let mode_arg = p
                    .opts
                    .iter()
                    .find(|(k, _)| k.text == "mode")
                    .and_then(|(_, v)| v.clone());
                let mode = match &mode_arg {
                    Some(m) => match tunnel_mode(&m.text, ip6) {
                        Ok(mode) => mode,
                        Err(msg) => {
                            self.push(
                                m.offset,
                                None,
                                Diagnostic::error(msg).at(self.arg_loc(m)).hint(if ip6 {
                                    "ip -6 tunnel modes: ip6ip6, ipip6, ip6gre, vti6"
                                } else {
                                    "ip tunnel modes: ipip, gre, sit, isatap, vti (ip -6 tunnel for IPv6 underlays)"
                                }),
                            );
                            return;
                        }
                    },
                    None if ip6 => Mode::Ip6ip6,
                    None => {
                        // iproute2 guesses the mode from the name's prefix.
                        let n = name.text.as_str();
                        let guess = [
                            ("gre", Mode::Gre),
                            ("ipip", Mode::Ipip),
                            ("sit", Mode::Sit),
                            ("isatap", Mode::Isatap),
                            ("vti", Mode::Vti),
                        ]
                        .into_iter()
                        .find(|(p, _)| n.starts_with(p))
                        .map(|(_, m)| m);
                        match guess {
                            Some(m) => {
                                self.warn_at(
                                    &name,
                                    None,
                                    format!("no mode: ip takes mode {m} from the name {n}"),
                                    Some("write the mode explicitly"),
                                );
                                m
                            }
                            None => {
                                self.push(
                                    c.start,
                                    None,
                                    Diagnostic::error(format!("`ip tunnel add {n}` without a mode"))
                                        .at(loc)
                                        .hint("ip cannot determine the tunnel mode either: add `mode gre` (or ipip, sit, vti)"),
                                );
                                return;
                            }
                        }
                    }
                };
                let t = self.create(&name, mode, loc, mode_arg.as_ref());
                if ip6 {
                    // ip -6 tunnel's defaults, explicit in the model.
                    let b = &mut self.tunnels[t];
                    b.tunnel.ttl = 64;
                    b.tunnel.encapsulation_limit = 4;
                }
                self.tunnel_opts(t, &p.opts, ip6, false);
            }
        }
    }

    /// Reads the options of a tunnel, shared by `ip tunnel add|change` and
    /// `ip link add NAME type KIND`: the `(word, value)` pairs in order, and
    /// whether every word was read. A word that is neither an option nor a
    /// flag goes to `other`, which reports it and returns false for an error;
    /// `name NAME` of `ip tunnel` gives `other` the NAME. None when an option
    /// lacks its value (reported here): the command is not read at all.
    ///
    /// The two syntaxes differ only in what `syntax` says; the values are
    /// checked later, by `tunnel_opts`.
    fn tunnel_opt_words(
        &mut self,
        rest: &[Arg],
        syntax: OptSyntax,
        mut other: impl FnMut(&mut Self, &Arg) -> bool,
    ) -> Option<(TunnelOpts, bool)> {
        let mut opts = Vec::new();
        let mut ok = true;
        let mut i = 0;
        while i < rest.len() {
            let a = &rest[i];
            if a.stray_blank {
                self.stray_blank(a);
                i += 1;
                continue;
            }
            let w = a.text.as_str();
            let takes_value = matches!(
                w,
                "mode"
                    | "key"
                    | "ikey"
                    | "okey"
                    | "remote"
                    | "local"
                    | "dev"
                    | "ttl"
                    | "hoplimit"
                    | "hlim"
                    | "tos"
                    | "tclass"
                    | "encaplimit"
                    | "flowlabel"
                    | "dscp"
            ) || matches(w, "dsfield")
                || (syntax == OptSyntax::Tunnel && matches!(w, "tc" | "fl" | "name"));
            if takes_value {
                let Some(val) = rest.get(i + 1) else {
                    self.push(
                        a.offset,
                        None,
                        Diagnostic::error(format!("`{w}` needs a value")).at(self.arg_loc(a)),
                    );
                    return None;
                };
                if w == "name" {
                    ok &= other(self, val);
                } else {
                    opts.push((a.clone(), Some(val.clone())));
                }
                i += 2;
                continue;
            }
            match w {
                "seq" | "iseq" | "oseq" | "csum" | "icsum" | "ocsum" | "pmtudisc" | "nopmtudisc" => {
                    opts.push((a.clone(), None))
                }
                _ => ok &= other(self, a),
            }
            i += 1;
        }
        Some((opts, ok))
    }

    /// A bare word of `ip tunnel`: the name, or a second name (an error, as
    /// in iproute2).
    fn tunnel_name(&mut self, p: &mut TunnelArgs, a: &Arg) -> bool {
        if a.stray_blank {
            self.stray_blank(a);
            return true;
        }
        if let Some(prev) = &p.name {
            let msg = format!(
                "`{}` is not an ip tunnel option; ip would take it as a second name after `{}` and fail",
                a.text, prev.text
            );
            self.push(
                a.offset,
                None,
                Diagnostic::error(msg)
                    .at(self.arg_loc(a))
                    .hint("options are mode, remote, local, key, ikey, okey, ttl, tos, [no]pmtudisc, dev"),
            );
            return false;
        }
        p.name = Some(a.clone());
        true
    }

    fn create(&mut self, name: &Arg, mode: Mode, loc: Location, mode_arg: Option<&Arg>) -> usize {
        if let Some(old) = self.tunnel_index(&name.text) {
            let l = self.tunnels[old].whole.line;
            self.warn_at(
                name,
                Some(old),
                format!(
                    "{} is created again (first on line {l}); ip would fail with \"File exists\"",
                    name.text
                ),
                Some("delete the first definition or give the tunnels different names"),
            );
            self.tunnels[old].deleted = true;
        }
        let mut b = Building {
            tunnel: Tunnel::new(name.text.clone(), mode),
            whole: loc.clone(),
            fields: BTreeMap::new(),
            addresses: Vec::new(),
            routes: Vec::new(),
            neighbours: Vec::new(),
            extras: Vec::new(),
            deleted: false,
            profile: None,
        };
        // `ip link del NAME` before `ip tunnel add NAME`: the script
        // starts afresh when run again; the deletion does not end anything.
        let line = loc.line;
        for (n, i) in std::mem::take(&mut self.early_deletes) {
            if n == name.text {
                self.diags[i].d.message = format!(
                    "deletes {n} before creating it on line {line}, so that running the script again \
                     starts afresh; ignored"
                );
            } else {
                self.early_deletes.push((n, i));
            }
        }
        b.set("name", self.arg_loc(name));
        b.set("mode", mode_arg.map_or(loc, |m| self.arg_loc(m)));
        self.tunnels.push(b);
        self.tunnels.len() - 1
    }

    fn delete(&mut self, c: &Command, name: &Arg) {
        match self.tunnel_index(&name.text) {
            Some(t) => {
                self.tunnels[t].deleted = true;
                let line = self.tunnels[t].whole.line;
                self.note_cmd(
                    c,
                    None,
                    format!(
                        "{} (created on line {line}) is deleted here; it is left out",
                        name.text
                    ),
                );
            }
            None => {
                self.note_cmd(
                    c,
                    None,
                    format!(
                        "deletes {}, which this script does not create; ignored",
                        name.text
                    ),
                );
                self.early_deletes.push((name.text.clone(), self.diags.len() - 1));
            }
        }
    }

    /// Apply `ip tunnel` / `ip link ... type` options to tunnel `t`.
    fn tunnel_opts(&mut self, t: usize, opts: &[(Arg, Option<Arg>)], ip6: bool, link: bool) {
        for (k, v) in opts {
            let key = k.text.as_str();
            let here = match v {
                Some(v) => self.loc(k.offset, v.offset + v.len - k.offset),
                None => self.arg_loc(k),
            };
            let val = v.as_ref();
            let field = |s: &str| s.to_string();
            macro_rules! parse {
                ($what:expr, $e:expr) => {
                    match $e {
                        Ok(x) => x,
                        Err(e) => {
                            self.value_error(val.unwrap(), $what, e, Some(t));
                            continue;
                        }
                    }
                };
            }
            match key {
                "mode" => {}
                "remote" | "local" => {
                    let a = val.unwrap();
                    let ip = if a.text == "any" {
                        None
                    } else {
                        Some(parse!(key, values::parse_ip(&a.text)))
                    };
                    let b = &mut self.tunnels[t];
                    if key == "remote" {
                        b.tunnel.remote = ip;
                    } else {
                        b.tunnel.local = ip;
                    }
                    b.set(key, here);
                }
                "key" | "ikey" | "okey" => {
                    let k = parse!(key, values::parse_key(&val.unwrap().text));
                    let b = &mut self.tunnels[t];
                    if key != "okey" {
                        b.tunnel.input_key = Some(k);
                        b.set("input_key", here.clone());
                    }
                    if key != "ikey" {
                        b.tunnel.output_key = Some(k);
                        b.set("output_key", here);
                    }
                }
                "ttl" | "hoplimit" | "hlim" => {
                    let v = parse!(key, values::parse_ttl(&val.unwrap().text));
                    let b = &mut self.tunnels[t];
                    b.tunnel.ttl = v;
                    b.set("ttl", here);
                }
                "tos" | "tclass" | "tc" | "dsfield" | "dscp" if key != "dscp" || val.is_some() => {
                    let a = val.unwrap();
                    if key == "dscp" {
                        if a.text == "inherit" {
                            self.tunnels[t].tunnel.flags |= flags::RCV_DSCP_COPY;
                            self.tunnels[t].set("flags", here);
                        } else {
                            self.value_error(
                                a,
                                "dscp",
                                ValueError {
                                    message: format!("{:?} is not inherit", a.text),
                                    hint: Some("ip accepts only `dscp inherit`".into()),
                                },
                                Some(t),
                            );
                        }
                        continue;
                    }
                    if ip6 && a.text == "inherit" {
                        self.tunnels[t].tunnel.flags |= flags::USE_ORIG_TCLASS;
                        self.tunnels[t].set("flags", here);
                        continue;
                    }
                    let v = parse!(key, values::parse_tos(&a.text));
                    if values::tos_is_bare_hex(&a.text) {
                        self.warn_at(
                            a,
                            Some(t),
                            format!(
                                "{key} {} is read as hexadecimal 0x{v:02x}, as iproute2 does",
                                a.text
                            ),
                            Some("write the value with 0x to make that explicit"),
                        );
                    }
                    let b = &mut self.tunnels[t];
                    b.tunnel.tos = v;
                    b.set("tos", here);
                }
                "encaplimit" => {
                    let a = val.unwrap();
                    let b = &mut self.tunnels[t];
                    if a.text == "none" {
                        b.tunnel.flags |= flags::IGN_ENCAP_LIMIT;
                        b.set("flags", here);
                    } else {
                        let v = parse!("encaplimit", values::parse_ttl(&a.text));
                        let b = &mut self.tunnels[t];
                        b.tunnel.encapsulation_limit = v;
                        b.set("encapsulation_limit", here);
                    }
                }
                "flowlabel" | "fl" => {
                    let a = val.unwrap();
                    if a.text == "inherit" {
                        self.tunnels[t].tunnel.flags |= flags::USE_ORIG_FLOWLABEL;
                        self.tunnels[t].set("flags", here);
                        continue;
                    }
                    let digits = a.text.trim_start_matches("0x").trim_start_matches("0X");
                    let v = parse!(
                        "flowlabel",
                        u32::from_str_radix(digits, 16)
                            .ok()
                            .filter(|v| *v <= 0xfffff)
                            .ok_or(ValueError {
                                message: format!(
                                    "{:?} is not a flow label (hexadecimal, at most 0xfffff)",
                                    a.text
                                ),
                                hint: None,
                            })
                    );
                    let b = &mut self.tunnels[t];
                    b.tunnel.flow_label = v;
                    b.set("flow_label", here);
                }
                "pmtudisc" | "nopmtudisc" => {
                    let b = &mut self.tunnels[t];
                    b.tunnel.path_mtu_discovery = key == "pmtudisc";
                    b.set("path_mtu_discovery", here);
                }
                "dev" => {
                    let b = &mut self.tunnels[t];
                    b.tunnel.parent = Some(val.unwrap().text.clone());
                    b.set("parent", here);
                }
                "seq" | "iseq" | "oseq" | "csum" | "icsum" | "ocsum" => {
                    let i = self.tunnels[t].tunnel.extras.len();
                    let b = &mut self.tunnels[t];
                    b.tunnel.extras.push(Extra {
                        format: "iproute2".into(),
                        key: key.into(),
                        value: String::new(),
                    });
                    b.extras.push(here);
                    let _ = i;
                    self.warn_at(
                        k,
                        Some(t),
                        format!("GRE {key} has no place in the tunnel model; kept for iproute2 output only"),
                        Some("NetworkManager cannot set GRE sequence numbers or checksums"),
                    );
                }
                _ => {
                    let _ = (field, link);
                }
            }
        }
    }

    fn ip_link(&mut self, c: &Command, args: &[Arg], fam: Fam, loc: Location) {
        let Some(verb) = args.first() else {
            self.note_cmd(c, None, "`ip link` lists links; ignored".into());
            return;
        };
        let v = verb.text.as_str();
        let rest = &args[1..];
        if matches(v, "add") {
            self.ip_link_add(c, rest, fam, loc);
        } else if matches(v, "set") || matches(v, "change") {
            self.ip_link_set(c, rest);
        } else if matches(v, "delete") {
            let name = match rest.first() {
                Some(d) if d.text == "dev" => rest.get(1),
                first => first,
            };
            match name {
                Some(n) => {
                    let n = n.clone();
                    self.delete(c, &n)
                }
                None => self.note_cmd(c, None, "`ip link del` without a device; ignored".into()),
            }
        } else {
            self.note_cmd(
                c,
                None,
                format!("`ip link {v}` does not configure a tunnel; ignored"),
            );
        }
    }

    fn ip_link_add(&mut self, c: &Command, args: &[Arg], fam: Fam, loc: Location) {
        // `type` is the first word in keyword position: a name or a value
        // that happens to be "type" (`ip link add name type type gre`) is not.
        let mut tp = None;
        let mut i = 0;
        while i < args.len() {
            match args[i].text.as_str() {
                "type" => {
                    tp = Some(i);
                    break;
                }
                "name" | "dev" | "mtu" | "link" | "txqueuelen" | "txqlen" | "address" | "group"
                | "numtxqueues" | "numrxqueues" => i += 2,
                _ => i += 1,
            }
        }
        let Some(tp) = tp else {
            self.note_cmd(c, None, "`ip link add` without a type; ignored".into());
            return;
        };
        let Some(kind) = args.get(tp + 1) else {
            self.push(c.start, None, Diagnostic::error("`type` needs a value").at(loc));
            return;
        };
        let (mode, ip6) = match kind.text.as_str() {
            "gre" => (Some(Mode::Gre), false),
            "gretap" => (Some(Mode::Gretap), false),
            "ip6gre" => (Some(Mode::Ip6gre), true),
            "ip6gretap" => (Some(Mode::Ip6gretap), true),
            "ipip" => (Some(Mode::Ipip), false),
            "sit" => (Some(Mode::Sit), false),
            "vti" => (Some(Mode::Vti), false),
            "vti6" => (Some(Mode::Vti6), true),
            "ip6tnl" => (None, true),
            k => {
                self.note_cmd(
                    c,
                    None,
                    format!("`ip link add ... type {k}` is not a tunnel; ignored"),
                );
                return;
            }
        };
        let _ = fam;
        let mut name: Option<Arg> = None;
        let mut mtu: Option<Arg> = None;
        let mut i = 0;
        while i < tp {
            let a = &args[i];
            match a.text.as_str() {
                "name" | "dev" => {
                    name = args.get(i + 1).filter(|_| i + 1 < tp).cloned();
                    i += 2;
                }
                "mtu" => {
                    mtu = args.get(i + 1).filter(|_| i + 1 < tp).cloned();
                    i += 2;
                }
                "up" | "down" => i += 1,
                "link" | "txqueuelen" | "txqlen" | "address" | "group" | "numtxqueues" | "numrxqueues" => {
                    let a = a.clone();
                    self.warn_at(
                        &a,
                        None,
                        format!("`{}` is not read by grecfg; ignored", a.text),
                        None,
                    );
                    i += 2;
                }
                _ => {
                    name = Some(a.clone());
                    i += 1;
                }
            }
        }
        let Some(name) = name else {
            self.push(
                c.start,
                None,
                Diagnostic::error("`ip link add` without a name").at(loc),
            );
            return;
        };
        let rest = &args[tp + 2..];
        let mut isatap = false;
        let Some((mut opts, ok)) = self.tunnel_opt_words(rest, OptSyntax::Link, |this, a| {
            match a.text.as_str() {
                "isatap" if kind.text == "sit" => isatap = true,
                "external" => {
                    this.push(
                        a.offset,
                        None,
                        Diagnostic::error("an `external` (collect-metadata) tunnel has no model equivalent")
                            .at(this.arg_loc(a))
                            .hint("such a tunnel is driven by eBPF or OVS, not by a profile"),
                    );
                    return false;
                }
                w => {
                    this.push(
                        a.offset,
                        None,
                        Diagnostic::error(format!("`{w}` is not a {} option grecfg knows", kind.text))
                            .at(this.arg_loc(a))
                            .hint("ip would refuse an unknown option too; check the spelling"),
                    );
                    return false;
                }
            }
            true
        }) else {
            return;
        };
        // The last `mode` counts, as in ip; tunnel_opts skips `mode` anyway.
        let mode_arg = opts
            .iter()
            .rev()
            .find(|(k, _)| k.text == "mode")
            .and_then(|(_, v)| v.clone());
        opts.retain(|(k, _)| k.text != "mode");
        if !ok {
            return;
        }
        let mode = match (mode, &mode_arg) {
            (Some(Mode::Sit), _) if isatap => Mode::Isatap,
            (Some(m), None) => m,
            (Some(m), Some(a)) => {
                let ok = match m {
                    Mode::Ipip => a.text == "ipip" || a.text == "ip4ip4",
                    Mode::Sit => a.text == "ip6ip",
                    _ => false,
                };
                if !ok {
                    let a = a.clone();
                    self.push(
                        a.offset,
                        None,
                        Diagnostic::error(format!(
                            "mode {} of type {} cannot be expressed in the model",
                            a.text, kind.text
                        ))
                        .at(self.arg_loc(&a)),
                    );
                    return;
                }
                m
            }
            (None, Some(a)) if matches!(a.text.as_str(), "ip6ip6" | "ipv6/ipv6") => Mode::Ip6ip6,
            (None, Some(a)) if matches!(a.text.as_str(), "ipip6" | "ip4ip6" | "ip/ipv6" | "ipv4/ipv6") => {
                Mode::Ipip6
            }
            (None, a) => {
                let at = a.clone().unwrap_or_else(|| kind.clone());
                self.push(
                    at.offset,
                    None,
                    Diagnostic::error("an ip6tnl tunnel without mode ip6ip6 or ipip6 carries any protocol")
                        .at(self.arg_loc(&at))
                        .hint("the model (and NetworkManager) need `mode ip6ip6` or `mode ipip6`"),
                );
                return;
            }
        };
        let t = self.create(&name, mode, loc, mode_arg.as_ref().or(Some(kind)));
        if ip6 && mode != Mode::Vti6 {
            let b = &mut self.tunnels[t];
            b.tunnel.ttl = 64;
            b.tunnel.encapsulation_limit = 4;
        }
        if let Some(m) = mtu {
            self.set_mtu(t, &m);
        }
        self.tunnel_opts(t, &opts, ip6, true);
    }

    fn set_mtu(&mut self, t: usize, a: &Arg) {
        match values::parse_u32(&a.text, "mtu") {
            Ok(v) => {
                let l = self.arg_loc(a);
                let b = &mut self.tunnels[t];
                b.tunnel.mtu = Some(v);
                b.set("mtu", l);
            }
            Err(e) => self.value_error(a, "mtu", e, Some(t)),
        }
    }

    fn ip_link_set(&mut self, c: &Command, args: &[Arg]) {
        let mut dev: Option<Arg> = None;
        let mut i = 0;
        let mut changes: Vec<(Arg, Option<Arg>)> = Vec::new();
        while i < args.len() {
            let a = &args[i];
            match a.text.as_str() {
                "dev" => {
                    dev = args.get(i + 1).cloned();
                    i += 2;
                }
                "up" | "down" => {
                    changes.push((a.clone(), None));
                    i += 1;
                }
                "mtu" | "name" | "address" | "txqueuelen" | "txqlen" | "arp" | "multicast" | "master"
                | "alias" | "netns" | "group" | "allmulticast" | "promisc" => {
                    changes.push((a.clone(), args.get(i + 1).cloned()));
                    i += 2;
                }
                _ if dev.is_none() => {
                    dev = Some(a.clone());
                    i += 1;
                }
                _ => {
                    changes.push((a.clone(), None));
                    i += 1;
                }
            }
        }
        let Some(dev) = dev else {
            self.note_cmd(c, None, "`ip link set` without a device; ignored".into());
            return;
        };
        let Some(t) = self.tunnel_index(&dev.text) else {
            self.note_cmd(
                c,
                None,
                format!("{} is not a tunnel this script creates; ignored", dev.text),
            );
            return;
        };
        for (k, v) in changes {
            match (k.text.as_str(), v) {
                ("up", _) => {}
                ("mtu", Some(v)) => self.set_mtu(t, &v),
                ("down", _) => self.warn_at(
                    &k,
                    Some(t),
                    format!(
                        "{} is set down here; grecfg keeps it and profiles bring it up",
                        dev.text
                    ),
                    None,
                ),
                (w, _) => self.warn_at(
                    &k,
                    Some(t),
                    format!(
                        "`ip link set {} {w}` has no place in the tunnel model; ignored",
                        dev.text
                    ),
                    None,
                ),
            }
        }
    }

    /// The tunnel named by `dev`, or a note that the command is about
    /// something else.
    fn dev_tunnel(&mut self, c: &Command, dev: Option<&Arg>, what: &str) -> Option<usize> {
        let Some(dev) = dev else {
            self.note_cmd(
                c,
                None,
                format!("{what} without `dev`; ip would refuse it, grecfg ignores it"),
            );
            return None;
        };
        let t = self.tunnel_index(&dev.text);
        if t.is_none() {
            self.note_cmd(
                c,
                None,
                format!("{} is not a tunnel this script creates; ignored", dev.text),
            );
        }
        t
    }

    fn ip_addr(&mut self, c: &Command, args: &[Arg], loc: Location) {
        let Some(verb) = args.first() else {
            self.note_cmd(c, None, "`ip address` only displays; ignored".into());
            return;
        };
        let v = verb.text.as_str();
        let del = matches(v, "delete");
        if !(matches(v, "add") || matches(v, "change") || matches(v, "replace") || del) {
            let what = if matches(v, "show") || matches(v, "list") || matches(v, "lst") {
                "only displays"
            } else {
                "does not configure a tunnel"
            };
            self.note_cmd(c, None, format!("`ip address {v}` {what}; ignored"));
            return;
        }
        let mut local: Option<Arg> = None;
        let mut peer: Option<Arg> = None;
        let mut dev: Option<Arg> = None;
        let mut others: Vec<Arg> = Vec::new();
        let mut i = 1;
        while i < args.len() {
            let a = &args[i];
            match a.text.as_str() {
                "peer" | "remote" => {
                    peer = args.get(i + 1).cloned();
                    i += 2;
                }
                "local" => {
                    local = args.get(i + 1).cloned();
                    i += 2;
                }
                "dev" => {
                    dev = args.get(i + 1).cloned();
                    i += 2;
                }
                "broadcast" | "brd" | "label" | "scope" | "anycast" | "valid_lft" | "preferred_lft"
                | "metric" | "priority" | "preference" | "proto" => {
                    others.push(a.clone());
                    i += 2;
                }
                _ if local.is_none() && !a.stray_blank => {
                    local = Some(a.clone());
                    i += 1;
                }
                _ => {
                    others.push(a.clone());
                    i += 1;
                }
            }
        }
        let Some(t) = self.dev_tunnel(c, dev.as_ref(), "`ip address`") else {
            return;
        };
        let Some(local) = local else {
            self.push(
                c.start,
                Some(t),
                Diagnostic::error("`ip address` without an address").at(loc),
            );
            return;
        };
        let address = match values::parse_ip_net(&local.text) {
            Ok(a) => a,
            Err(e) => return self.value_error(&local, "address", e, Some(t)),
        };
        let Some(peer) = self.opt_value(peer.as_ref(), "peer", Some(t), values::parse_ip_net) else {
            return;
        };
        if del {
            let b = &mut self.tunnels[t];
            if let Some(i) = b
                .tunnel
                .addresses
                .iter()
                .position(|x| x.address.addr() == address.addr())
            {
                b.tunnel.addresses.remove(i);
                b.addresses.remove(i);
                self.note_cmd(
                    c,
                    Some(t),
                    format!("address {} is removed again here", address.addr()),
                );
            } else {
                self.note_cmd(
                    c,
                    Some(t),
                    format!("address {} was not added by this script; ignored", address),
                );
            }
            return;
        }
        for o in others {
            if o.stray_blank {
                self.stray_blank(&o);
            } else {
                self.warn_at(
                    &o,
                    Some(t),
                    format!(
                        "`{}` of ip address has no place in the tunnel model; ignored",
                        o.text
                    ),
                    None,
                );
            }
        }
        let b = &mut self.tunnels[t];
        if let Some(i) = b
            .tunnel
            .addresses
            .iter()
            .position(|x| x.address.addr() == address.addr())
        {
            // `replace`/`change` (or a repeated add) updates the address.
            b.tunnel.addresses[i] = InnerAddress { address, peer };
            b.addresses[i] = loc;
        } else {
            b.tunnel.addresses.push(InnerAddress { address, peer });
            b.addresses.push(loc);
        }
    }

    fn ip_route(&mut self, c: &Command, args: &[Arg], fam: Fam, loc: Location) {
        let Some(verb) = args.first() else {
            self.note_cmd(c, None, "`ip route` only displays; ignored".into());
            return;
        };
        let v = verb.text.as_str();
        let del = matches(v, "delete");
        let adds = matches(v, "add")
            || matches(v, "change")
            || matches(v, "replace")
            || matches(v, "append")
            || matches(v, "prepend");
        if !(adds || del) {
            self.note_cmd(
                c,
                None,
                format!("`ip route {v}` does not configure a tunnel; ignored"),
            );
            return;
        }
        let mut dest: Option<Arg> = None;
        let mut via: Option<Arg> = None;
        let mut dev: Option<Arg> = None;
        let mut metric: Option<Arg> = None;
        let mut table: Option<Arg> = None;
        let mut others: Vec<Arg> = Vec::new();
        let mut i = 1;
        while i < args.len() {
            let a = &args[i];
            let w = a.text.as_str();
            match w {
                "via" | "gw" => {
                    let mut j = i + 1;
                    if matches!(args.get(j).map(|a| a.text.as_str()), Some("inet" | "inet6")) {
                        j += 1;
                    }
                    via = args.get(j).cloned();
                    i = j + 1;
                }
                "dev" | "oif" => {
                    dev = args.get(i + 1).cloned();
                    i += 2;
                }
                "metric" | "preference" | "priority" => {
                    metric = args.get(i + 1).cloned();
                    i += 2;
                }
                "table" => {
                    table = args.get(i + 1).cloned();
                    i += 2;
                }
                "to" => {
                    dest = args.get(i + 1).cloned();
                    i += 2;
                }
                "unicast" => i += 1,
                "onlink" | "pervasive" => {
                    others.push(a.clone());
                    i += 1;
                }
                "proto" | "protocol" | "scope" | "src" | "mtu" | "advmss" | "realm" | "realms"
                | "initcwnd" | "tos" | "dsfield" | "window" | "rtt" | "hoplimit" | "expires" | "from"
                | "nexthop" | "weight" => {
                    others.push(a.clone());
                    i += 2;
                }
                "blackhole" | "unreachable" | "prohibit" | "throw" | "local" | "broadcast" | "multicast"
                | "anycast" | "nat" => {
                    let a = a.clone();
                    self.note_cmd(
                        c,
                        None,
                        format!("a {} route does not go through a tunnel; ignored", a.text),
                    );
                    return;
                }
                _ if dest.is_none() && !a.stray_blank => {
                    dest = Some(a.clone());
                    i += 1;
                }
                _ => {
                    others.push(a.clone());
                    i += 1;
                }
            }
        }
        let Some(dest) = dest else {
            self.push(
                c.start,
                None,
                Diagnostic::error("`ip route` without a destination").at(loc),
            );
            return;
        };
        let Some(gateway) = self.opt_value(via.as_ref(), "gateway", None, values::parse_ip) else {
            return;
        };
        let destination = if dest.text == "default" || dest.text == "all" {
            let v6 = fam == Fam::V6 || gateway.is_some_and(|g| g.is_ipv6());
            if v6 {
                "::/0".parse().expect("valid")
            } else {
                "0.0.0.0/0".parse().expect("valid")
            }
        } else {
            match values::parse_ip_net(&dest.text) {
                Ok(n) => n,
                Err(e) => return self.value_error(&dest, "route destination", e, None),
            }
        };
        let t = match &dev {
            Some(_) => match self.dev_tunnel(c, dev.as_ref(), "`ip route`") {
                Some(t) => t,
                None => return,
            },
            None => match gateway.and_then(|g| self.tunnel_for_gateway(g)) {
                Some(t) => t,
                None => {
                    self.push(
                        c.start,
                        None,
                        Diagnostic::warning(match gateway {
                            Some(g) => format!(
                                "the route to {destination} via {g} does not belong to any tunnel of this script; ignored"
                            ),
                            None => format!("the route to {destination} names no device; ignored"),
                        })
                        .at(loc)
                        .hint("add `dev NAME` if the route should go through a tunnel"),
                    );
                    return;
                }
            },
        };
        let Some(metric) = self.opt_value(metric.as_ref(), "metric", Some(t), |s| {
            values::parse_u32(s, "metric")
        }) else {
            return;
        };
        let table = match &table {
            Some(tb) => match values::parse_table(&tb.text) {
                Ok(254) => None,
                Ok(v) => Some(v),
                Err(e) => return self.value_error(tb, "table", e, Some(t)),
            },
            None => None,
        };
        let route = Route {
            destination,
            gateway,
            metric,
            table,
        };
        self.add_route(c, t, route, del, &others, loc);
    }

    fn add_route(&mut self, c: &Command, t: usize, route: Route, del: bool, others: &[Arg], loc: Location) {
        if del {
            let b = &mut self.tunnels[t];
            if let Some(i) = b
                .tunnel
                .routes
                .iter()
                .position(|r| r.destination == route.destination)
            {
                b.tunnel.routes.remove(i);
                b.routes.remove(i);
                if let Some((_, _, nr)) = &mut b.profile {
                    if i < *nr {
                        *nr -= 1;
                    }
                }
                self.note_cmd(
                    c,
                    Some(t),
                    format!("the route to {} is removed again here", route.destination),
                );
            } else {
                self.note_cmd(
                    c,
                    Some(t),
                    "deletes a route this script does not add; ignored".into(),
                );
            }
            return;
        }
        for o in others {
            if o.stray_blank {
                self.stray_blank(o);
            } else {
                self.warn_at(
                    o,
                    Some(t),
                    format!(
                        "route option `{}` has no place in the tunnel model; ignored",
                        o.text
                    ),
                    None,
                );
            }
        }
        if self.tunnels[t].profile.is_some() {
            let name = self.tunnels[t].tunnel.name.clone();
            self.note_cmd(
                c,
                Some(t),
                format!(
                    "the route to {} is set with `ip` on {name}, whose NetworkManager profile does not hold it; \
                     grecfg adds it to the tunnel",
                    route.destination
                ),
            );
        }
        let b = &mut self.tunnels[t];
        b.tunnel.routes.push(route);
        b.routes.push(loc);
    }

    /// The tunnel whose inner subnet (or peer) holds `gw`.
    fn tunnel_for_gateway(&self, gw: IpAddr) -> Option<usize> {
        self.tunnels.iter().rposition(|b| {
            !b.deleted
                && b.tunnel.addresses.iter().any(|a| {
                    let subnet = match a.peer {
                        Some(p) => p.trunc().contains(&gw) || p.addr() == gw,
                        None => false,
                    };
                    subnet || a.address.trunc().contains(&gw)
                })
        })
    }

    fn ip_neigh(&mut self, c: &Command, args: &[Arg], loc: Location) {
        let Some(verb) = args.first() else {
            self.note_cmd(c, None, "`ip neighbour` only displays; ignored".into());
            return;
        };
        let v = verb.text.as_str();
        let del = matches(v, "delete");
        if !(matches(v, "add") || matches(v, "change") || matches(v, "replace") || del) {
            self.note_cmd(
                c,
                None,
                format!("`ip neighbour {v}` does not configure a tunnel; ignored"),
            );
            return;
        }
        let mut inner: Option<Arg> = None;
        let mut lladdr: Option<Arg> = None;
        let mut dev: Option<Arg> = None;
        let mut i = 1;
        while i < args.len() {
            let a = &args[i];
            match a.text.as_str() {
                "lladdr" => {
                    lladdr = args.get(i + 1).cloned();
                    i += 2;
                }
                "dev" => {
                    dev = args.get(i + 1).cloned();
                    i += 2;
                }
                "to" => {
                    inner = args.get(i + 1).cloned();
                    i += 2;
                }
                "nud" | "proxy" | "vni" | "port" | "protocol" => i += 2,
                "router" | "extern_learn" | "permanent" | "noarp" | "reachable" | "stale" => i += 1,
                _ => {
                    if inner.is_none() {
                        inner = Some(a.clone());
                    }
                    i += 1;
                }
            }
        }
        let Some(t) = self.dev_tunnel(c, dev.as_ref(), "`ip neighbour`") else {
            return;
        };
        let Some(inner) = inner else {
            self.push(
                c.start,
                Some(t),
                Diagnostic::error("`ip neighbour` without an address").at(loc),
            );
            return;
        };
        let inner_ip = match values::parse_ip(&inner.text) {
            Ok(ip) => ip,
            Err(e) => return self.value_error(&inner, "neighbour", e, Some(t)),
        };
        if del {
            let b = &mut self.tunnels[t];
            if let Some(i) = b.tunnel.neighbours.iter().position(|n| n.inner == inner_ip) {
                b.tunnel.neighbours.remove(i);
                b.neighbours.remove(i);
            }
            self.note_cmd(c, Some(t), format!("the neighbour {inner_ip} is removed here"));
            return;
        }
        let Some(lladdr) = lladdr else {
            self.push(
                c.start,
                Some(t),
                Diagnostic::error("`ip neighbour` without `lladdr`: the outer address is missing").at(loc),
            );
            return;
        };
        let outer = match lladdr_ip(&lladdr.text) {
            Some(ip) => ip,
            None => {
                self.warn_at(
                    &lladdr,
                    Some(t),
                    format!("lladdr {} is not an IP address: not a static neighbour of a multipoint tunnel; ignored", lladdr.text),
                    None,
                );
                return;
            }
        };
        let b = &mut self.tunnels[t];
        let n = Neighbour {
            inner: inner_ip,
            outer,
        };
        if let Some(i) = b.tunnel.neighbours.iter().position(|n| n.inner == inner_ip) {
            b.tunnel.neighbours[i] = n;
            b.neighbours[i] = loc;
        } else {
            b.tunnel.neighbours.push(n);
            b.neighbours.push(loc);
        }
    }

    // ----- net-tools -------------------------------------------------------

    fn net_route(&mut self, c: &Command, args: &[Arg], loc: Location) {
        let Some(verb) = args.first() else {
            self.note_cmd(c, None, "`route` only displays; ignored".into());
            return;
        };
        let del = verb.text == "del";
        if verb.text != "add" && !del {
            self.note_cmd(c, None, "`route` without add/del only displays; ignored".into());
            return;
        }
        let mut target: Option<Arg> = None;
        let mut host = false;
        let mut netmask: Option<Arg> = None;
        let mut gw: Option<Arg> = None;
        let mut dev: Option<Arg> = None;
        let mut metric: Option<Arg> = None;
        let mut others = Vec::new();
        let mut i = 1;
        while i < args.len() {
            let a = &args[i];
            match a.text.as_str() {
                "-net" => i += 1,
                "-host" => {
                    host = true;
                    i += 1
                }
                "netmask" => {
                    netmask = args.get(i + 1).cloned();
                    i += 2;
                }
                "gw" => {
                    gw = args.get(i + 1).cloned();
                    i += 2;
                }
                "dev" => {
                    dev = args.get(i + 1).cloned();
                    i += 2;
                }
                "metric" => {
                    metric = args.get(i + 1).cloned();
                    i += 2;
                }
                "mss" | "window" | "irtt" => {
                    others.push(a.clone());
                    i += 2;
                }
                "reject" | "mod" | "dyn" | "reinstate" => {
                    others.push(a.clone());
                    i += 1;
                }
                _ if target.is_none() => {
                    target = Some(a.clone());
                    i += 1;
                }
                _ if dev.is_none() => {
                    // route(8): a last bare word is the device.
                    dev = Some(a.clone());
                    i += 1;
                }
                _ => {
                    others.push(a.clone());
                    i += 1;
                }
            }
        }
        let Some(target) = target else {
            self.push(
                c.start,
                None,
                Diagnostic::error("`route` without a target").at(loc),
            );
            return;
        };
        let Some(gateway) = self.opt_value(gw.as_ref(), "gateway", None, values::parse_ip) else {
            return;
        };
        let destination = if target.text == "default" {
            "0.0.0.0/0".parse::<IpNet>().expect("valid")
        } else {
            let base = match values::parse_ip_net(&target.text) {
                Ok(n) => n,
                Err(e) => return self.value_error(&target, "route target", e, None),
            };
            let prefix = match (&netmask, host, target.text.contains('/')) {
                (Some(m), _, _) => match values::netmask_to_prefix(&m.text) {
                    Ok(p) => p,
                    Err(e) => return self.value_error(m, "netmask", e, None),
                },
                (None, _, true) | (None, true, _) => base.prefix_len(),
                (None, false, false) => {
                    // route(8) without netmask: the classful mask.
                    let p = match base.addr() {
                        IpAddr::V4(a) if a.octets()[0] < 128 => 8,
                        IpAddr::V4(a) if a.octets()[0] < 192 => 16,
                        IpAddr::V4(_) => 24,
                        IpAddr::V6(_) => 128,
                    };
                    self.warn_at(
                        &target,
                        None,
                        format!(
                            "-net {} without netmask: route(8) uses the classful /{p}",
                            target.text
                        ),
                        Some("give the netmask explicitly"),
                    );
                    p
                }
            };
            match IpNet::new(base.addr(), prefix) {
                Ok(n) => n,
                Err(_) => return,
            }
        };
        let t = match &dev {
            Some(_) => match self.dev_tunnel(c, dev.as_ref(), "`route`") {
                Some(t) => t,
                None => return,
            },
            None => match gateway.and_then(|g| self.tunnel_for_gateway(g)) {
                Some(t) => t,
                None => {
                    self.push(
                        c.start,
                        None,
                        Diagnostic::warning(format!(
                            "the route to {destination} does not belong to any tunnel of this script; ignored"
                        ))
                        .at(loc)
                        .hint("add `dev NAME` if the route should go through a tunnel"),
                    );
                    return;
                }
            },
        };
        let Some(metric) = self.opt_value(metric.as_ref(), "metric", Some(t), |s| {
            values::parse_u32(s, "metric")
        }) else {
            return;
        };
        let route = Route {
            destination,
            gateway,
            metric,
            table: None,
        };
        self.add_route(c, t, route, del, &others, loc);
    }

    fn ifconfig(&mut self, c: &Command, args: &[Arg], loc: Location) {
        let Some(dev) = args.first().filter(|a| !a.text.starts_with('-')) else {
            self.note_cmd(c, None, "`ifconfig` only displays; ignored".into());
            return;
        };
        if args.len() == 1 {
            self.note_cmd(c, None, "`ifconfig DEV` only displays; ignored".into());
            return;
        }
        let Some(t) = self.tunnel_index(&dev.text) else {
            self.note_cmd(
                c,
                None,
                format!("{} is not a tunnel this script creates; ignored", dev.text),
            );
            return;
        };
        let mut addr: Option<Arg> = None;
        let mut netmask: Option<Arg> = None;
        let mut peer: Option<Arg> = None;
        let mut i = 1;
        while i < args.len() {
            let a = &args[i];
            match a.text.as_str() {
                "inet" => i += 1,
                "inet6" | "add" => i += 1,
                "netmask" => {
                    netmask = args.get(i + 1).cloned();
                    i += 2;
                }
                "pointopoint" | "-pointopoint" | "dstaddr" => {
                    peer = args.get(i + 1).cloned();
                    i += 2;
                }
                "mtu" => {
                    if let Some(m) = args.get(i + 1).cloned() {
                        self.set_mtu(t, &m);
                    }
                    i += 2;
                }
                "up" => i += 1,
                "down" => {
                    let a = a.clone();
                    self.warn_at(
                        &a,
                        Some(t),
                        format!("{} is set down here; ignored", dev.text),
                        None,
                    );
                    i += 1;
                }
                "broadcast" | "txqueuelen" | "metric" | "hw" => {
                    let a = a.clone();
                    self.warn_at(
                        &a,
                        Some(t),
                        format!("ifconfig `{}` is not read; ignored", a.text),
                        None,
                    );
                    i += 2;
                }
                _ if addr.is_none() => {
                    addr = Some(a.clone());
                    i += 1;
                }
                _ => {
                    let a = a.clone();
                    self.warn_at(
                        &a,
                        Some(t),
                        format!("ifconfig `{}` is not read; ignored", a.text),
                        None,
                    );
                    i += 1;
                }
            }
        }
        let Some(addr) = addr else { return };
        let mut address = match values::parse_ip_net(&addr.text) {
            Ok(a) => a,
            Err(e) => return self.value_error(&addr, "address", e, Some(t)),
        };
        if let Some(m) = &netmask {
            match values::netmask_to_prefix(&m.text) {
                Ok(p) => address = IpNet::new(address.addr(), p).unwrap_or(address),
                Err(e) => return self.value_error(m, "netmask", e, Some(t)),
            }
        }
        let Some(peer) = self.opt_value(peer.as_ref(), "pointopoint", Some(t), values::parse_ip_net) else {
            return;
        };
        let b = &mut self.tunnels[t];
        let a = InnerAddress { address, peer };
        // ifconfig replaces the primary address.
        if let Some(i) = b
            .tunnel
            .addresses
            .iter()
            .position(|x| Family::of(&x.address.addr()) == Family::of(&address.addr()))
        {
            b.tunnel.addresses[i] = a;
            b.addresses[i] = loc;
        } else {
            b.tunnel.addresses.push(a);
            b.addresses.push(loc);
        }
    }

    // ----- result ------------------------------------------------------------

    // ----- nmcli -----------------------------------------------------------

    fn nmcli(&mut self, c: &Command) {
        let Some(args) = self.expand(c) else {
            return;
        };
        let words: Vec<nmcli::Word> = args
            .iter()
            .map(|a| nmcli::Word {
                text: a.text.clone(),
                offset: a.offset,
                len: a.len,
            })
            .collect();
        let loc = self.cmd_loc(c);
        let text = &self.src.text;
        let line_end = text[c.start..].find('\n').map_or(text.len(), |i| c.start + i);
        let whole = (c.start, c.end.min(line_end).saturating_sub(c.start).max(1));
        let mut msgs = Vec::new();
        let outcome = self.nm.command(&words, whole, &mut msgs);
        let tunnel = match outcome {
            Outcome::Added(p) | Outcome::Modified(p) => self.sync_profile(p, &loc),
            Outcome::Deleted(p) => {
                let t = self.profile_tunnel(p);
                if let Some(t) = t {
                    self.tunnels[t].deleted = true;
                    let line = self.tunnels[t].whole.line;
                    msgs.push(nmcli::Message {
                        severity: Severity::Note,
                        offset: whole.0,
                        len: whole.1,
                        message: format!(
                            "the profile created on line {line} is deleted here; it is left out"
                        ),
                        hint: None,
                    });
                }
                None
            }
            Outcome::Ignored | Outcome::Failed => None,
        };
        self.push_messages(msgs, tunnel);
    }

    fn push_messages(&mut self, msgs: Vec<nmcli::Message>, tunnel: Option<usize>) {
        for m in msgs {
            let mut d = Diagnostic {
                severity: m.severity,
                message: m.message,
                location: Some(self.loc(m.offset, m.len)),
                hint: None,
            };
            if let Some(h) = m.hint {
                d = d.hint(h);
            }
            self.push(m.offset, tunnel, d);
        }
    }

    fn profile_tunnel(&self, p: usize) -> Option<usize> {
        self.tunnels
            .iter()
            .rposition(|b| !b.deleted && b.profile.is_some_and(|(q, _, _)| q == p))
    }

    /// Make the tunnel of profile `p` what the profile now says, keeping
    /// what `ip` commands added to it since. Diagnostics of the conversion
    /// wait for the end, when the profile is final.
    fn sync_profile(&mut self, p: usize, loc: &Location) -> Option<usize> {
        let conv = nmcli::convert(&self.nm.profiles[p]);
        let tunnel = conv.tunnel?;
        let mut b = Building {
            whole: loc.clone(),
            fields: BTreeMap::new(),
            addresses: Vec::new(),
            routes: Vec::new(),
            neighbours: Vec::new(),
            extras: Vec::new(),
            deleted: false,
            profile: Some((p, tunnel.addresses.len(), tunnel.routes.len())),
            tunnel,
        };
        let mut lists: BTreeMap<(&str, usize), Location> = BTreeMap::new();
        for (field, (off, len)) in &conv.fields {
            let l = self.loc(*off, *len);
            let list = ["addresses", "routes", "extras"].into_iter().find_map(|k| {
                let i = field.strip_prefix(k)?.strip_prefix('[')?.strip_suffix(']')?;
                Some((k, i.parse::<usize>().ok()?))
            });
            match list {
                Some(key) => {
                    lists.insert(key, l);
                }
                None => b.set(field, l),
            }
        }
        let whole = b.whole.clone();
        let get = |k: &str, i: usize| lists.get(&(k, i)).cloned().unwrap_or_else(|| whole.clone());
        b.addresses = (0..b.tunnel.addresses.len())
            .map(|i| get("addresses", i))
            .collect();
        b.routes = (0..b.tunnel.routes.len()).map(|i| get("routes", i)).collect();
        b.extras = (0..b.tunnel.extras.len()).map(|i| get("extras", i)).collect();
        match self.profile_tunnel(p) {
            Some(t) => {
                let old = &mut self.tunnels[t];
                let (_, na, nr) = old.profile.expect("a profile's tunnel");
                b.whole = old.whole.clone();
                b.tunnel
                    .addresses
                    .extend(old.tunnel.addresses.drain(na.min(old.tunnel.addresses.len())..));
                b.addresses
                    .extend(old.addresses.drain(na.min(old.addresses.len())..));
                b.tunnel
                    .routes
                    .extend(old.tunnel.routes.drain(nr.min(old.tunnel.routes.len())..));
                b.routes.extend(old.routes.drain(nr.min(old.routes.len())..));
                b.tunnel.neighbours = std::mem::take(&mut old.tunnel.neighbours);
                b.neighbours = std::mem::take(&mut old.neighbours);
                *old = b;
                Some(t)
            }
            None => {
                if let Some(old) = self.tunnel_index(&b.tunnel.name) {
                    let line = self.tunnels[old].whole.line;
                    let d = Diagnostic::warning(format!(
                        "{} is created again (first on line {line}); the later definition is read",
                        b.tunnel.name
                    ))
                    .at(loc.clone())
                    .hint("delete the first definition or give the tunnels different names");
                    self.push(loc_offset(&self.src.text, loc), Some(old), d);
                    self.tunnels[old].deleted = true;
                }
                self.tunnels.push(b);
                Some(self.tunnels.len() - 1)
            }
        }
    }

    /// What the conversion of every final profile has to say.
    fn finish_profiles(&mut self) {
        for p in 0..self.nm.profiles.len() {
            let profile = &self.nm.profiles[p];
            if profile.deleted || !profile.is_tunnel() {
                continue;
            }
            let conv = nmcli::convert(profile);
            let t = self.profile_tunnel(p);
            if conv.tunnel.is_some() && t.is_none() {
                // Only reachable when a tunnel of the same name replaced it.
                continue;
            }
            self.push_messages(conv.messages, t);
        }
    }

    /// The tunnel whose kernel module `modprobe [-q|-v|-b] MODULE` loads
    /// (`ip tunnel add` and `ip link add` load it on demand).
    fn implied_module(&self, e: &PendingExtra, live: &[usize]) -> Option<usize> {
        if e.key != "modprobe" {
            return None;
        }
        let args: Vec<&String> = e.words[1..]
            .iter()
            .filter(|w| {
                !matches!(
                    w.as_str(),
                    "-q" | "--quiet" | "-v" | "--verbose" | "-b" | "--use-blacklist"
                )
            })
            .collect();
        let [module] = args.as_slice() else {
            return None;
        };
        // modprobe treats `-` and `_` in module names alike.
        let module = module.replace('-', "_");
        live.iter()
            .copied()
            .find(|&t| iproute2::kernel_module(self.tunnels[t].tunnel.mode) == module)
    }

    fn finish(mut self) -> Result<Vec<Parsed>, Failure> {
        self.finish_profiles();
        // Escaped blanks not seen by an interpreted command still deserve a word.
        let live: Vec<usize> = (0..self.tunnels.len())
            .filter(|&i| !self.tunnels[i].deleted)
            .collect();
        // A function never called runs nothing.
        let uncalled: Vec<ScriptWord> = self
            .functions
            .values()
            .filter(|f| !f.called)
            .map(|f| f.name.clone())
            .collect();
        for n in uncalled {
            self.push(
                n.offset,
                None,
                Diagnostic::note(format!(
                    "the function `{}` is never called; its commands are not read",
                    n.raw
                ))
                .at(self.loc(n.offset, n.len)),
            );
        }
        // Extras go to the tunnel they mention, else to the first one.
        let extras = std::mem::take(&mut self.extras);
        for e in extras {
            if let Some(t) = self.implied_module(&e, &live) {
                let name = self.tunnels[t].tunnel.name.clone();
                self.push(
                    e.offset,
                    Some(t),
                    Diagnostic::note(format!(
                        "`{}` is implied by the tunnel: the kernel loads the module when {name} is created",
                        e.words.join(" ")
                    ))
                    .at(e.loc),
                );
                continue;
            }
            let target = live
                .iter()
                .copied()
                .rev()
                .find(|&t| e.words.iter().any(|w| *w == self.tunnels[t].tunnel.name))
                .or(live.first().copied());
            let Some(t) = target else {
                self.push(
                    e.offset,
                    None,
                    Diagnostic::note(format!("`{}` ignored", e.key)).at(e.loc),
                );
                continue;
            };
            let name = self.tunnels[t].tunnel.name.clone();
            let b = &mut self.tunnels[t];
            b.tunnel.extras.push(Extra {
                format: "rc.local".into(),
                key: e.key.clone(),
                value: e.value.clone(),
            });
            b.extras.push(e.loc.clone());
            self.push(
                e.offset,
                Some(t),
                // A note: the target's lowering warns when the extra is not
                // carried over, so a warning here would say it twice.
                Diagnostic::note(format!(
                    "`{}` is kept with {name} as a script extra; other formats do not carry it",
                    e.key
                ))
                .at(e.loc)
                .hint("run it from the system's firewall, module or sysctl configuration instead"),
            );
        }
        let has_errors = self.diags.iter().any(|d| d.d.is_error());
        self.diags.sort_by_key(|d| d.offset);
        if live.is_empty() && !has_errors {
            let d = Diagnostic::error("this script defines no tunnel")
                .at(self.src.whole())
                .hint("grecfg reads `ip tunnel add`, `ip link add ... type gre|ipip|sit|...` and the commands that configure them");
            self.diags.push(Diag {
                offset: usize::MAX,
                tunnel: None,
                d,
            });
        }
        if has_errors || live.is_empty() {
            // Notes about ignored commands would bury the errors.
            return Err(Failure::new(
                self.diags
                    .into_iter()
                    .map(|d| d.d)
                    .filter(|d| d.severity != Severity::Note)
                    .collect(),
            ));
        }
        let first = live[0];
        let mut per: BTreeMap<usize, Vec<Diagnostic>> = BTreeMap::new();
        for d in self.diags {
            let t = d.tunnel.filter(|t| live.contains(t)).unwrap_or(first);
            per.entry(t).or_default().push(d.d);
        }
        let mut out = Vec::new();
        for t in live {
            let b = &self.tunnels[t];
            let mut o = Origins::new(b.whole.clone());
            for (f, l) in &b.fields {
                o.set(f.clone(), l.clone());
            }
            for (kind, locs) in [
                ("addresses", &b.addresses),
                ("routes", &b.routes),
                ("neighbours", &b.neighbours),
                ("extras", &b.extras),
            ] {
                for (i, l) in locs.iter().enumerate() {
                    o.set(format!("{kind}[{i}]"), l.clone());
                }
            }
            out.push(Parsed {
                tunnel: b.tunnel.clone(),
                origins: o,
                warnings: per.remove(&t).unwrap_or_default(),
            });
        }
        Ok(out)
    }
}

/// The byte offset of a location's line and column in `text`.
fn loc_offset(text: &str, loc: &Location) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(loc.line.saturating_sub(1))
        .map(str::len)
        .sum();
    let col: usize = text[line_start..]
        .chars()
        .take(loc.column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    line_start + col
}

/// Whose option syntax a tunnel's options follow. `ip tunnel` (iproute2's
/// ip/iptunnel.c, ip/ip6tunnel.c) also takes `name NAME`, `tc` and `fl`, and
/// a bare word there is the tunnel's name; `ip link add ... type KIND`
/// (ip/link_gre.c, link_gre6.c, link_iptnl.c, link_ip6tnl.c) has its own
/// words (`isatap`, `external`), left to the caller, and refuses others.
/// (link_gre6.c takes `fl` too; grecfg reads it only after `ip tunnel`.)
#[derive(Clone, Copy, PartialEq, Eq)]
enum OptSyntax {
    Tunnel,
    Link,
}

/// A tunnel's options as written: each word with its value, if it takes one.
type TunnelOpts = Vec<(Arg, Option<Arg>)>;

#[derive(Default)]
struct TunnelArgs {
    name: Option<Arg>,
    opts: TunnelOpts,
}

fn tunnel_mode(word: &str, ip6: bool) -> Result<Mode, String> {
    let m = if ip6 {
        match word {
            "ip6ip6" | "ipv6/ipv6" => Some(Mode::Ip6ip6),
            "ipip6" | "ip4ip6" | "ip/ipv6" | "ipv4/ipv6" => Some(Mode::Ipip6),
            "ip6gre" | "gre/ipv6" => Some(Mode::Ip6gre),
            "vti6" => Some(Mode::Vti6),
            "any" | "any/ipv6" => {
                return Err("mode any (any protocol over IPv6) cannot be expressed in the model".into())
            }
            _ => None,
        }
    } else {
        match word {
            "ipip" | "ip/ip" => Some(Mode::Ipip),
            "gre" | "gre/ip" => Some(Mode::Gre),
            "sit" | "ipv6/ip" => Some(Mode::Sit),
            "isatap" => Some(Mode::Isatap),
            "vti" => Some(Mode::Vti),
            _ => None,
        }
    };
    m.ok_or_else(|| match Mode::from_name(word) {
        Some(other) => format!(
            "mode {word} is not an `ip{} tunnel` mode (it is {other})",
            if ip6 { " -6" } else { "" }
        ),
        None => format!("unknown tunnel mode {word:?}"),
    })
}

#[cfg(test)]
mod tests;
