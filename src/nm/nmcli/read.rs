//! Reading: `nmcli connection add|modify|delete` commands applied to one
//! dictionary per profile.

use std::collections::BTreeMap;

use crate::diag::Severity;
use crate::model::{Extra, Tunnel};
use crate::nm::settings::{self, property, Kind, Settings, Value, EXTRA_FORMAT_NMCLI};

use super::spelling::{extra_to_keyfile, list_change, parse_bool, parse_value, read_text, resolve, Change};
use super::values;

/// One argument of a command: its text after shell quote removal and
/// where it was written.
#[derive(Debug, Clone)]
pub(crate) struct Word {
    pub text: String,
    pub offset: usize,
    pub len: usize,
}

/// A message about a span of the input.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub severity: Severity,
    pub offset: usize,
    pub len: usize,
    pub message: String,
    pub hint: Option<String>,
}

/// A span of the input: (offset, length).
pub(crate) type Span = (usize, usize);

/// A profile the commands create.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub settings: Settings,
    /// Where each property was set: (setting, property) → the value word.
    pub locations: BTreeMap<(String, String), Span>,
    /// Properties kept in nmcli spelling, with where they were set.
    pub extras: Vec<(Extra, Span)>,
    /// The `connection add` command.
    pub whole: Span,
    pub deleted: bool,
    /// `ipv4.method`/`ipv6.method` given explicitly.
    explicit_method: [bool; 2],
}

impl Profile {
    pub(crate) fn is_tunnel(&self) -> bool {
        matches!(self.settings.get("connection", "type"), Some(Value::Str(t)) if t == "ip-tunnel")
    }

    pub(crate) fn id(&self) -> Option<&str> {
        match self.settings.get("connection", "id") {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        }
    }

    fn uuid(&self) -> Option<&str> {
        match self.settings.get("connection", "uuid") {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn interface_name(&self) -> Option<&str> {
        match self.settings.get("connection", "interface-name") {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        }
    }
}

/// What a command did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A profile was created (its index).
    Added(usize),
    /// A profile was changed.
    Modified(usize),
    /// A profile was deleted.
    Deleted(usize),
    /// Nothing that concerns a profile (a note says why).
    Ignored,
    /// The command is wrong (errors say why).
    Failed,
}

/// The profiles nmcli commands create, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Nmcli {
    pub profiles: Vec<Profile>,
}

/// nmcli's `matches`: `word` is a non-empty prefix of `full`.
fn matches(word: &str, full: &str) -> bool {
    !word.is_empty() && full.starts_with(word)
}

/// The `connection add` aliases of an ip-tunnel profile.
fn alias(word: &str) -> Option<&'static str> {
    Some(match word {
        "con-name" => "connection.id",
        "ifname" => "connection.interface-name",
        "autoconnect" => "connection.autoconnect",
        "master" => "connection.master",
        "slave-type" => "connection.slave-type",
        "mode" => "ip-tunnel.mode",
        "remote" => "ip-tunnel.remote",
        "local" => "ip-tunnel.local",
        "dev" => "ip-tunnel.parent",
        "ip4" => "ipv4.addresses",
        "gw4" => "ipv4.gateway",
        "ip6" => "ipv6.addresses",
        "gw6" => "ipv6.gateway",
        _ => return None,
    })
}

/// nmcli global options that take a value.
const OPTIONS_WITH_VALUE: [&str; 8] = ["-m", "--mode", "-f", "--fields", "-e", "--escape", "-w", "--wait"];

impl Nmcli {
    /// The live profile a `connection modify|delete` argument names:
    /// `id X`, `uuid X` or a bare id/uuid.
    fn find(&self, kind: Option<&str>, key: &str) -> Option<usize> {
        self.profiles.iter().rposition(|p| {
            !p.deleted
                && match kind {
                    Some("uuid") => p.uuid() == Some(key),
                    Some("id") => p.id() == Some(key),
                    _ => p.id() == Some(key) || p.uuid() == Some(key),
                }
        })
    }

    /// Apply one nmcli command. `words[0]` is the program name;
    /// `whole` is the command's span.
    pub(crate) fn command(&mut self, words: &[Word], whole: Span, msgs: &mut Vec<Message>) -> Outcome {
        let mut m = Msgs { out: msgs, whole };
        let mut i = 1;
        while i < words.len() && words[i].text.starts_with('-') {
            if OPTIONS_WITH_VALUE.contains(&words[i].text.as_str()) {
                i += 1;
            }
            i += 1;
        }
        let Some(object) = words.get(i) else {
            m.note_whole("`nmcli` without a command only prints the status; ignored");
            return Outcome::Ignored;
        };
        const OBJECTS: [&str; 7] = [
            "general",
            "networking",
            "radio",
            "connection",
            "device",
            "agent",
            "monitor",
        ];
        let Some(obj) = OBJECTS.iter().find(|o| matches(&object.text, o)) else {
            m.error(
                object,
                format!("`nmcli {}`: no such object", object.text),
                Some("the objects are connection, device, general, networking, radio, agent, monitor"),
            );
            return Outcome::Failed;
        };
        if *obj != "connection" {
            m.note_whole(&format!("`nmcli {obj}` does not configure a profile; ignored"));
            return Outcome::Ignored;
        }
        let Some(verb) = words.get(i + 1) else {
            m.note_whole("`nmcli connection` only lists profiles; ignored");
            return Outcome::Ignored;
        };
        const VERBS: [&str; 14] = [
            "show", "up", "down", "add", "modify", "clone", "edit", "delete", "monitor", "reload", "load",
            "import", "export", "migrate",
        ];
        let rest = &words[i + 2..];
        match VERBS.iter().find(|v| matches(&verb.text, v)) {
            Some(&"add") => {
                // Findings about the whole profile point at `nmcli ... add`.
                let head = (words[0].offset, verb.offset + verb.len - words[0].offset);
                self.add(rest, head, &mut m)
            }
            Some(&"modify") => self.modify(rest, &mut m),
            Some(&"delete") => self.delete(rest, &mut m),
            Some(v) => {
                m.note_whole(&format!(
                    "`nmcli connection {v}` does not change a profile's settings; ignored"
                ));
                Outcome::Ignored
            }
            None => {
                m.error(
                    verb,
                    format!("`nmcli connection {}`: no such command", verb.text),
                    None,
                );
                Outcome::Failed
            }
        }
    }

    fn add(&mut self, args: &[Word], head: Span, m: &mut Msgs) -> Outcome {
        // nmcli needs the type before it can resolve aliases.
        let ty = args
            .chunks(2)
            .find(|kv| kv[0].text == "type" || kv[0].text == "connection.type");
        let Some(ty) = ty.and_then(|kv| kv.get(1)) else {
            m.error_whole(
                "`nmcli connection add` needs `type ip-tunnel`",
                Some("add `type ip-tunnel`"),
            );
            return Outcome::Failed;
        };
        let mut p = Profile {
            settings: Settings::default(),
            locations: BTreeMap::new(),
            extras: Vec::new(),
            whole: head,
            deleted: false,
            explicit_method: [false, false],
        };
        if !matches(&ty.text, "ip-tunnel") {
            p.settings.set("connection", "type", Value::Str(ty.text.clone()));
            self.set_id_from(args, &mut p);
            m.note_whole(&format!(
                "`nmcli connection add type {}` is not a tunnel; ignored",
                ty.text
            ));
            self.profiles.push(p);
            return Outcome::Ignored;
        }
        p.settings
            .set("connection", "type", Value::Str("ip-tunnel".into()));
        p.locations
            .insert(("connection".into(), "type".into()), (ty.offset, ty.len));
        for s in ["ipv4", "ipv6"] {
            p.settings.set(s, "method", Value::Str("auto".into()));
        }
        p.settings
            .set("ipv6", "addr-gen-mode", Value::Opaque("default".into()));
        p.settings.settings.entry("proxy".into()).or_default();
        let ok = apply(&mut p, args, true, m);
        if p.id().is_none() {
            let id = default_id(&p);
            p.settings.set("connection", "id", Value::Str(id));
        }
        if !ok {
            return Outcome::Failed;
        }
        self.profiles.push(p);
        Outcome::Added(self.profiles.len() - 1)
    }

    fn set_id_from(&self, args: &[Word], p: &mut Profile) {
        for kv in args.chunks(2) {
            if let [k, v] = kv {
                if k.text == "con-name" || k.text == "connection.id" {
                    p.settings.set("connection", "id", Value::Str(v.text.clone()));
                }
            }
        }
    }

    /// `id X`, `uuid X`, `path X` or `X`: the profile and the rest.
    fn target<'w>(
        &self,
        args: &'w [Word],
        m: &mut Msgs,
        verb: &str,
    ) -> Option<(Option<usize>, &'w Word, &'w [Word])> {
        let (kind, i) = match args.first().map(|w| w.text.as_str()) {
            Some("id") => (Some("id"), 1),
            Some("uuid") => (Some("uuid"), 1),
            Some("path") => (Some("path"), 1),
            _ => (None, 0),
        };
        let Some(name) = args.get(i) else {
            m.error_whole(
                &format!("`nmcli connection {verb}` needs the profile's name"),
                None,
            );
            return None;
        };
        Some((self.find(kind, &name.text), name, &args[i + 1..]))
    }

    fn modify(&mut self, args: &[Word], m: &mut Msgs) -> Outcome {
        let mut args = args;
        while args.first().is_some_and(|a| a.text == "--temporary") {
            args = &args[1..];
        }
        let Some((idx, name, rest)) = self.target(args, m, "modify") else {
            return Outcome::Failed;
        };
        let Some(idx) = idx else {
            m.note_whole(&format!(
                "modifies {}, which this file does not create; ignored",
                name.text
            ));
            return Outcome::Ignored;
        };
        if !self.profiles[idx].is_tunnel() {
            m.note_whole(&format!("modifies {}, which is not a tunnel; ignored", name.text));
            return Outcome::Ignored;
        }
        let mut p = self.profiles[idx].clone();
        if rest.is_empty() {
            m.error_whole("`nmcli connection modify` needs properties to change", None);
            return Outcome::Failed;
        }
        if !apply(&mut p, rest, false, m) {
            return Outcome::Failed;
        }
        self.profiles[idx] = p;
        Outcome::Modified(idx)
    }

    fn delete(&mut self, args: &[Word], m: &mut Msgs) -> Outcome {
        let Some((idx, name, _)) = self.target(args, m, "delete") else {
            return Outcome::Failed;
        };
        match idx {
            Some(i) => {
                self.profiles[i].deleted = true;
                if self.profiles[i].is_tunnel() {
                    Outcome::Deleted(i)
                } else {
                    Outcome::Ignored
                }
            }
            None => {
                m.note_whole(&format!(
                    "deletes {}, which this file does not create; ignored",
                    name.text
                ));
                Outcome::Ignored
            }
        }
    }
}

struct Msgs<'a> {
    out: &'a mut Vec<Message>,
    whole: Span,
}

impl Msgs<'_> {
    fn push(&mut self, severity: Severity, span: Span, message: String, hint: Option<&str>) {
        self.out.push(Message {
            severity,
            offset: span.0,
            len: span.1,
            message,
            hint: hint.map(str::to_string),
        });
    }
    fn error(&mut self, w: &Word, message: String, hint: Option<&str>) {
        self.push(Severity::Error, (w.offset, w.len), message, hint);
    }
    fn warning(&mut self, w: &Word, message: String, hint: Option<&str>) {
        self.push(Severity::Warning, (w.offset, w.len), message, hint);
    }
    fn error_whole(&mut self, message: &str, hint: Option<&str>) {
        self.push(Severity::Error, self.whole, message.to_string(), hint);
    }
    fn note_whole(&mut self, message: &str) {
        self.push(Severity::Note, self.whole, message.to_string(), None);
    }
}

/// Apply `NAME VALUE` pairs to a profile. `false` when an error was reported.
fn apply(p: &mut Profile, args: &[Word], adding: bool, m: &mut Msgs) -> bool {
    let mut ok = true;
    let mut i = 0;
    // Before `type`, nmcli knows only the settings every profile has.
    let mut before_type = adding;
    while i < args.len() {
        let key = &args[i];
        let Some(value) = args.get(i + 1) else {
            m.error(
                key,
                format!("`{}` needs a value", key.text),
                Some("nmcli takes NAME VALUE pairs"),
            );
            return false;
        };
        i += 2;
        if key.text == "type" || key.text == "connection.type" {
            before_type = false;
        }
        if !apply_one(p, key, value, adding, before_type, m) {
            ok = false;
        }
    }
    ok && written::verify(p, m)
}

/// The name `connection add` gives a profile without `con-name`: the
/// type's, or for a port the kind of its controller's
/// (`get_name_alias_toplevel`), then `-IFNAME`.
fn default_id(p: &Profile) -> String {
    let slave_type = written::last_extras(p)
        .get("connection.slave-type")
        .and_then(|(v, _)| values::check("connection", "slave-type", v).ok());
    let kind = match slave_type.as_deref() {
        Some("bond") => "bond-slave",
        Some("bridge") => "bridge-slave",
        Some("ovs-bridge" | "ovs-port") => "ovs-slave",
        Some("team") => "team-slave",
        Some("vrf") => "vrf-slave",
        _ => "ip-tunnel",
    };
    match p.interface_name() {
        Some(n) => format!("{kind}-{n}"),
        None => kind.into(),
    }
}

fn apply_one(
    p: &mut Profile,
    key: &Word,
    value: &Word,
    adding: bool,
    before_type: bool,
    m: &mut Msgs,
) -> bool {
    let (change, name) = match key.text.as_bytes().first() {
        Some(b'+') => (Change::Append, &key.text[1..]),
        Some(b'-') => (Change::Remove, &key.text[1..]),
        _ => (Change::Set, key.text.as_str()),
    };
    if adding && change == Change::Set {
        if let Some(ok) = add_keyword(name, value, m) {
            return ok;
        }
    }
    let alias_of = if adding { alias(name) } else { None };
    let Some((setting, prop, known)) =
        resolve_key(p, key, alias_of.unwrap_or(name), alias_of, before_type, m)
    else {
        return false;
    };
    if setting == "connection" && prop == "type" {
        if !matches(&value.text, "ip-tunnel") {
            m.error(
                value,
                format!("the type of a profile cannot change to {}", value.text),
                None,
            );
            return false;
        }
        return true;
    }
    // `ip4`/`ip6` add to the addresses.
    let change = if change == Change::Set && alias_of.is_some_and(|a| a.ends_with(".addresses")) {
        Change::Append
    } else {
        change
    };
    let at = Arg {
        setting: &setting,
        prop: &prop,
        key,
        value,
    };
    // Properties grecfg maps to model fields.
    if let Some(pr) = property(&setting, &prop) {
        let list = matches!(pr.kind, Kind::Addresses | Kind::Routes);
        return match change {
            // `-prop ''` resets a single value, `-prop N` removes item N of a list.
            Change::Remove if !list => remove_single(p, &setting, &prop, key, value, m),
            Change::Remove => remove_mapped(p, &at, pr.kind, m),
            Change::Set if value.text.is_empty() => {
                p.settings.settings.get_mut(&setting).map(|s| s.remove(&prop));
                at.located(p);
                true
            }
            Change::Set | Change::Append => match parse_value(&setting, &prop, pr.kind, &value.text) {
                Ok(v) => {
                    let new = if change == Change::Set {
                        v
                    } else {
                        appended(p.settings.get(&setting, &prop).cloned(), v)
                    };
                    p.settings.set(&setting, &prop, new);
                    at.located(p);
                    true
                }
                Err(e) => at.bad(m, e),
            },
        };
    }
    // nmcli refuses a value it cannot read; grecfg keeps it in the
    // spelling nmcli reads it as (the full name, a decimal number).
    let canonical = if change == Change::Remove || value.text.is_empty() {
        value.text.clone()
    } else {
        match read_text(&setting, &prop, &value.text) {
            Ok(c) => c,
            Err(e) => return at.bad(m, e),
        }
    };
    // Properties grecfg translates into keyfile spelling.
    if let Some(res) = extra_to_keyfile(&setting, &prop, &canonical) {
        return match res {
            Ok(raw) => translated(p, &at, change, raw, m),
            Err(e) => at.bad(m, e),
        };
    }
    kept_as_nmcli(p, &at, known, change, m)
}

/// The words `connection add` takes besides properties: `type` (read
/// before the others), `save` and `--`. `None` for anything else.
fn add_keyword(name: &str, value: &Word, m: &mut Msgs) -> Option<bool> {
    match name {
        "type" | "--" => Some(true),
        "save" => {
            if parse_bool(&value.text) == Ok(false) {
                m.warning(
                    value,
                    "`save no` makes a profile that is lost at reboot; it is read as a saved one".into(),
                    None,
                );
            }
            Some(true)
        }
        _ => None,
    }
}

/// The setting and property an argument names, as nmcli resolves aliases
/// and prefixes, with the bookkeeping that naming does (the method an
/// `ip4`/`ip6` alias implies, whether the method was given).
fn resolve_key(
    p: &mut Profile,
    key: &Word,
    full: &str,
    alias_of: Option<&str>,
    before_type: bool,
    m: &mut Msgs,
) -> Option<(String, String, bool)> {
    let (setting, prop, known) = match resolve(full) {
        Ok(r) => r,
        Err(e) => {
            let hint = (!full.contains('.'))
                .then_some("properties are written setting.property (ipv4.addresses); the aliases are con-name, ifname, autoconnect, master, slave-type, mode, remote, local, dev, ip4, gw4, ip6, gw6");
            m.error(key, e, hint);
            return None;
        }
    };
    const GENERIC: [&str; 7] = ["connection", "match", "ipv4", "ipv6", "hostname", "tc", "proxy"];
    if before_type && !GENERIC.contains(&setting.as_str()) {
        m.warning(
            key,
            format!(
                "nmcli rejects `{}` before `type ip-tunnel`; read as meant",
                key.text
            ),
            Some("nmcli would fail here; move `type ip-tunnel` to the front of the arguments"),
        );
    }
    if alias_of == Some("ipv4.addresses") || alias_of == Some("ipv6.addresses") {
        let fam = usize::from(setting == "ipv6");
        if !p.explicit_method[fam] {
            p.settings.set(&setting, "method", Value::Str("manual".into()));
        }
    }
    if prop == "method" {
        p.explicit_method[usize::from(setting == "ipv6")] = true;
    }
    Some((setting, prop, known))
}

/// One resolved `NAME VALUE` pair.
struct Arg<'a> {
    setting: &'a str,
    prop: &'a str,
    key: &'a Word,
    value: &'a Word,
}

impl Arg<'_> {
    /// The property was set by this argument's value.
    fn located(&self, p: &mut Profile) {
        p.locations.insert(
            (self.setting.to_string(), self.prop.to_string()),
            (self.value.offset, self.value.len),
        );
    }

    /// nmcli's complaint about the value, with what it accepts.
    fn bad(&self, m: &mut Msgs, e: String) -> bool {
        let hint = values::accepted(self.setting, self.prop);
        m.error(
            self.value,
            format!("failed to modify {}.{}: {e}", self.setting, self.prop),
            hint.as_deref(),
        );
        false
    }
}

/// `+prop VALUE` on a mapped property: list items not there yet are added;
/// a single value is set.
fn appended(old: Option<Value>, new: Value) -> Value {
    match (old, new) {
        (Some(Value::Addresses(mut a)), Value::Addresses(b)) => {
            a.extend(b.into_iter().filter(|x| !a.contains(x)).collect::<Vec<_>>());
            Value::Addresses(a)
        }
        (Some(Value::Routes(mut a)), Value::Routes(b)) => {
            a.extend(b.into_iter().filter(|x| !a.contains(x)).collect::<Vec<_>>());
            Value::Routes(a)
        }
        (_, v) => v,
    }
}

/// `-prop INDEX` or `-prop ITEMS` on a mapped list property.
fn remove_mapped(p: &mut Profile, at: &Arg, kind: Kind, m: &mut Msgs) -> bool {
    let (setting, prop, value) = (at.setting, at.prop, at.value);
    if !value.text.is_empty() && value.text.bytes().all(|b| b.is_ascii_digit()) {
        let i: usize = value.text.parse().unwrap_or(usize::MAX);
        let removed = match p.settings.settings.get_mut(setting).and_then(|s| s.get_mut(prop)) {
            Some(Value::Addresses(a)) if i < a.len() => {
                a.remove(i);
                true
            }
            Some(Value::Routes(r)) if i < r.len() => {
                r.remove(i);
                true
            }
            _ => false,
        };
        if !removed {
            return at.bad(m, format!("index {i} is out of range"));
        }
        return true;
    }
    let gone = match parse_value(setting, prop, kind, &value.text) {
        Ok(v) => v,
        Err(e) => return at.bad(m, e),
    };
    let new = match (p.settings.get(setting, prop).cloned(), gone) {
        (Some(Value::Addresses(mut a)), Value::Addresses(b)) => {
            a.retain(|x| !b.contains(x));
            Value::Addresses(a)
        }
        (Some(Value::Routes(mut a)), Value::Routes(b)) => {
            a.retain(|x| !b.contains(x));
            Value::Routes(a)
        }
        (None, Value::Addresses(_)) => Value::Addresses(Vec::new()),
        (None, Value::Routes(_)) => Value::Routes(Vec::new()),
        (_, v) => v,
    };
    p.settings.set(setting, prop, new);
    at.located(p);
    true
}

/// A property grecfg keeps as an extra in keyfile spelling (`raw`).
fn translated(p: &mut Profile, at: &Arg, change: Change, raw: String, m: &mut Msgs) -> bool {
    let (s, pr, value) = (at.setting, at.prop, at.value);
    let old = match p.settings.get(s, pr) {
        Some(Value::Opaque(o)) => o.clone(),
        _ => String::new(),
    };
    let Some(new) = list_change(s, pr, old, change, raw) else {
        return remove_single(p, s, pr, at.key, value, m);
    };
    if new.is_empty() {
        p.settings.settings.get_mut(s).map(|x| x.remove(pr));
    } else {
        p.settings.set(s, pr, Value::Opaque(new));
    }
    at.located(p);
    true
}

/// Anything else is kept in nmcli's spelling.
fn kept_as_nmcli(p: &mut Profile, at: &Arg, known: bool, change: Change, m: &mut Msgs) -> bool {
    let (key, value) = (at.key, at.value);
    let key_name = format!("{}.{}", at.setting, at.prop);
    let msg = if known {
        format!(
            "{key_name} {} is kept as an nmcli extra: grecfg does not interpret it",
            value.text
        )
    } else {
        format!(
            "{key_name} is not a property NetworkManager 1.42 knows; {} is kept as an nmcli extra",
            value.text
        )
    };
    // A note for properties NetworkManager knows: the target's lowering
    // warns when it does not carry the extra over.
    let severity = if known { Severity::Note } else { Severity::Warning };
    m.push(
        severity,
        (key.offset, key.len),
        msg,
        Some("other formats do not carry it; `--to nmcli` writes it back"),
    );
    let spelled = match change {
        Change::Set => key_name.clone(),
        Change::Append => format!("+{key_name}"),
        Change::Remove => format!("-{key_name}"),
    };
    if change == Change::Set {
        p.extras.retain(|(e, _)| e.key != key_name);
    }
    p.extras.push((
        Extra {
            format: EXTRA_FORMAT_NMCLI.into(),
            key: spelled,
            value: value.text.clone(),
        },
        (key.offset, value.offset + value.len - key.offset),
    ));
    true
}

/// `-prop VALUE` on a property with one value: nmcli resets it when VALUE
/// is empty and changes nothing otherwise.
fn remove_single(p: &mut Profile, setting: &str, prop: &str, key: &Word, value: &Word, m: &mut Msgs) -> bool {
    if value.text.is_empty() {
        p.settings.settings.get_mut(setting).map(|s| s.remove(prop));
        p.locations
            .insert((setting.to_string(), prop.to_string()), (value.offset, value.len));
    } else {
        m.warning(
            key,
            format!(
                "`{} {}` changes nothing: {setting}.{prop} is not a list",
                key.text, value.text
            ),
            Some("nmcli resets a single value with an empty one (`-prop ''`) and ignores anything else"),
        );
    }
    true
}

/// Where each model field of a profile's tunnel came from, and what the
/// conversion noticed (as messages at the words that set the property).
pub(crate) struct Converted {
    pub tunnel: Option<Tunnel>,
    pub fields: Vec<(String, Span)>,
    pub messages: Vec<Message>,
}

/// The tunnel a profile describes (`settings::to_tunnel`), with its nmcli
/// extras appended.
pub(crate) fn convert(p: &Profile) -> Converted {
    let (tunnel, findings, sources) = settings::to_tunnel(&p.settings);
    let loc = |s: &str, pr: &str| {
        p.locations
            .get(&(s.to_string(), pr.to_string()))
            .copied()
            .unwrap_or(p.whole)
    };
    let messages = findings
        .iter()
        .map(|f| {
            let (offset, len) = loc(&f.setting, &f.property);
            let implicit = !p.locations.contains_key(&(f.setting.clone(), f.property.clone()));
            let message = if f.property == "method" && implicit {
                format!("{}.method is not given, so nmcli makes it auto", f.setting)
            } else {
                f.message.clone()
            };
            Message {
                severity: if f.error {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                offset,
                len,
                message,
                hint: f.hint.clone(),
            }
        })
        .collect();
    let mut fields: Vec<(String, Span)> = sources
        .iter()
        .map(|(f, (s, pr, _))| (f.clone(), loc(s, pr)))
        .collect();
    let tunnel = tunnel.map(|mut t| {
        for (e, span) in &p.extras {
            fields.push((format!("extras[{}]", t.extras.len()), *span));
            t.extras.push(e.clone());
        }
        t
    });
    Converted {
        tunnel,
        fields,
        messages,
    }
}

#[cfg(test)]
mod tests;
mod written;
