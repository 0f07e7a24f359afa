//! Writing: one `nmcli connection add` command per tunnel.

use std::collections::BTreeMap;

use crate::codec::{OutputFile, WriteOptions};
use crate::diag::Problem;
use crate::model::{Extra, Mode, Tunnel};
use crate::nm::settings::{
    self, format_route_options, route_fields, split_extra_key, NmRoute, Settings, Value, EXTRA_FORMAT_NMCLI,
};
use crate::shell::sh_quote;

use super::spelling::{extra_to_keyfile, extra_to_nmcli, list_change, read_text, resolve, Change};
use super::values;
use super::verify;

/// Lower a tunnel onto what a profile created by nmcli holds: the shared
/// lowering (`nm::lower`), then extras in keyfile spelling that grecfg cannot spell for
/// nmcli are dropped with a warning.
pub fn lower(t: &Tunnel, opts: &WriteOptions) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
    // nmcli extras first, read as the reader reads them back: those of
    // properties it translates become keyfile extras (and go through the
    // shared lowering as those do), those nmcli refuses are dropped.
    let (t, mut early) = translate_nmcli_extras(t);
    // Extras still in nmcli spelling are this encoding's own: they pass
    // through the shared lowering untouched.
    let crate::nm::Lowered {
        tunnel: mut lowered,
        verbatim: kept_nmcli,
        warnings: mut w,
    } = crate::nm::lower(&t, opts, Some(EXTRA_FORMAT_NMCLI))?;
    w.append(&mut early);
    lowered.extras.retain_mut(|e| {
        let Some((group, key)) = split_extra_key(&e.key) else {
            return false;
        };
        let setting = settings::setting_for_group(group);
        if settings::route_options_index(key).is_some() {
            // Each attribute as nmcli takes it, in the spelling
            // NetworkManager keeps (`onlink=1` is `onlink=true`).
            let taken = settings::parse_route_options(&e.value).and_then(|o| {
                o.iter()
                    .map(|(k, v)| Ok((k.clone(), values::route_attribute(group == "ipv6", k, v)?)))
                    .collect::<Result<BTreeMap<_, _>, String>>()
                    .ok()
            });
            if let Some(options) = taken {
                e.value = settings::format_route_options(&options, None);
                return true;
            }
            w.push(Problem::general(format!(
                "NetworkManager setting {}={} is not written: nmcli does not take these route attributes",
                e.key, e.value
            )));
            return false;
        }
        // Written only if nmcli's spelling reads back as the same value
        // (an empty one resets the property instead).
        // and the reader takes it, as nmcli would.
        if let Some(v) = extra_to_nmcli(setting, key, &e.value).filter(|v| !v.is_empty()) {
            if let Ok(read) = read_text(setting, key, &v) {
                if extra_to_keyfile(setting, key, &read).is_none_or(|back| back.as_ref() == Ok(&e.value)) {
                    return true;
                }
            }
        }
        w.push(Problem::general(format!(
            "NetworkManager setting {}={} is not written: grecfg cannot spell it as an nmcli argument",
            e.key, e.value
        )));
        false
    });
    lowered.extras.extend(kept_nmcli);
    // The reader takes a CR before a line break as part of the line break
    // (scripts saved with DOS line endings), also inside quotes.
    let mut crlf = |what: &str, v: &mut String| {
        if v.contains("\r\n") {
            // Every CR of a run before the line break: the text written
            // must read back as itself.
            while v.contains("\r\n") {
                *v = v.replace("\r\n", "\n");
            }
            w.push(Problem::general(format!(
                "{what}: carriage returns before a line break are written as the line break alone, \
                 as grecfg reads nmcli commands saved with DOS line endings"
            )));
        }
    };
    for (what, v) in [
        ("the profile name", lowered.id.as_mut()),
        ("the firewall zone", lowered.zone.as_mut()),
    ] {
        if let Some(v) = v {
            crlf(what, v);
        }
    }
    for e in &mut lowered.extras {
        crlf(&format!("setting {}", e.key), &mut e.value);
    }
    drop_refused(&mut lowered, &mut w);
    Ok((lowered, w))
}

/// Drop, with a warning each, the extras NetworkManager refuses in the
/// profile as a whole (the DNS of an extra under a method without DNS,
/// ...): it would refuse the command nmcli is given, and a keyfile
/// holding them would not load.
pub(crate) fn drop_refused(t: &mut Tunnel, w: &mut Vec<Problem>) {
    // Only extras are dropped: without any, the command is not read back
    // (that doubled the time of 10,000 conversions).
    if t.extras.is_empty() {
        return;
    }
    while let Some((name, why)) = refused(t) {
        let before = t.extras.len();
        t.extras.retain(|e| !extra_is(e, &name));
        if t.extras.len() == before {
            break;
        }
        w.push(Problem::general(format!(
            "NetworkManager setting {name} is not written: NetworkManager refuses it ({why})"
        )));
    }
}

/// The property NetworkManager's `verify()` names when nmcli writes the
/// profile `command_line(t)` creates, with its words: the command read
/// back by grecfg's reader of nmcli commands, which checks as it does.
fn refused(t: &Tunnel) -> Option<(String, String)> {
    let head = ["nmcli", "connection", "add"].map(String::from);
    let words: Vec<super::Word> = head
        .into_iter()
        .chain(argument_groups(t).into_iter().flatten())
        .map(|text| super::Word {
            text,
            offset: 0,
            len: 0,
        })
        .collect();
    let mut msgs = Vec::new();
    super::Nmcli::default().command(&words, (0, 0), &mut msgs);
    msgs.into_iter()
        .filter(|m| m.severity == crate::diag::Severity::Error)
        .find_map(|m| {
            let (name, why) = m.message.split_once(": ")?;
            name.contains('.').then(|| (name.to_string(), why.to_string()))
        })
}

/// The arguments of `nmcli connection add` for `t`, in groups (a line
/// each): `type ip-tunnel` first, as nmcli needs the type to resolve
/// aliases, and the nmcli extras last.
fn argument_groups(t: &Tunnel) -> Vec<Vec<String>> {
    let s = settings::from_tunnel(t);
    let mut groups = arguments(&s);
    let extra: Vec<String> = t
        .extras
        .iter()
        .filter(|e| e.format == EXTRA_FORMAT_NMCLI)
        .flat_map(|e| [e.key.clone(), e.value.clone()])
        .collect();
    if !extra.is_empty() {
        groups.push(extra);
    }
    if let Some(i) = groups
        .first()
        .and_then(|g| g.chunks(2).position(|kv| kv[0] == "type"))
    {
        let ty: Vec<String> = groups[0].drain(i * 2..i * 2 + 2).collect();
        groups[0].splice(0..0, ty);
    }
    groups
}

/// Whether `e` is an extra of the property `setting.prop`: in nmcli's
/// spelling (with its sign) or in the keyfile's (`GROUP.key`).
fn extra_is(e: &Extra, name: &str) -> bool {
    let Some((setting, prop)) = name.split_once('.') else {
        return false;
    };
    if e.format == EXTRA_FORMAT_NMCLI {
        return e.key.trim_start_matches(['+', '-']) == name;
    }
    e.format == settings::EXTRA_FORMAT
        && split_extra_key(&e.key)
            .is_some_and(|(g, k)| settings::setting_for_group(g) == setting && k == prop)
}

/// `t` with its nmcli extras as the reader reads them back: in keyfile
/// spelling where it translates them, with the property's full name where
/// it keeps them; those it refuses are dropped, with a warning each.
fn translate_nmcli_extras(t: &Tunnel) -> (Tunnel, Vec<Problem>) {
    let mut out = t.clone();
    out.extras.clear();
    let mut w = Vec::new();
    for e in &t.extras {
        if e.format != EXTRA_FORMAT_NMCLI {
            out.extras.push(e.clone());
            continue;
        }
        let sign = if e.key.starts_with(['+', '-']) {
            &e.key[..1]
        } else {
            ""
        };
        let why = if e.key.contains('\0') || e.value.contains('\0') {
            "it holds a NUL byte, which no command line can pass".to_string()
        } else {
            match resolve(&e.key[sign.len()..]) {
                Ok((s, p, _)) => match settings::owner_of_key(&s, &p) {
                    None => match translated(&s, &p, sign, &e.value).and_then(|kept| {
                        // What NetworkManager refuses to write in a profile.
                        if kept.is_none() && sign != "-" {
                            verify::verified(&s, &p, &e.value)
                                .map_err(|why| format!("NetworkManager refuses it ({s}.{p}: {why})"))?;
                        }
                        Ok(kept)
                    }) {
                        Ok(None) => {
                            // A value set again replaces the one before,
                            // as the reader keeps only the last.
                            if sign.is_empty() {
                                let full = format!("{s}.{p}");
                                out.extras
                                    .retain(|x| x.format != EXTRA_FORMAT_NMCLI || x.key != full);
                            }
                            out.extras.push(Extra {
                                format: EXTRA_FORMAT_NMCLI.into(),
                                key: format!("{sign}{s}.{p}"),
                                value: e.value.clone(),
                            });
                            continue;
                        }
                        Ok(Some(raw)) => {
                            let key = format!("{}.{p}", settings::group_for_setting(&s));
                            merge_keyfile_extra(&mut out.extras, key, sign, raw, &s, &p);
                            continue;
                        }
                        Err(why) => why,
                    },
                    Some(owner) => format!("grecfg writes it from {owner}"),
                },
                Err(e) => e,
            }
        };
        w.push(Problem::general(format!(
            "nmcli property {} {} is not written: {why}",
            crate::diag::shown(&e.key),
            crate::diag::shown(&e.value)
        )));
    }
    (out, w)
}

/// What the reader makes of an nmcli extra `SIGN SETTING.PROP VALUE` of a
/// property it does not map: `Some` keyfile spelling for the properties it
/// translates, `None` for those it keeps in nmcli's, or nmcli's refusal.
fn translated(setting: &str, prop: &str, sign: &str, value: &str) -> Result<Option<String>, String> {
    let canonical = if sign == "-" || value.is_empty() {
        value.to_string()
    } else {
        read_text(setting, prop, value)?
    };
    extra_to_keyfile(setting, prop, &canonical).transpose()
}

/// Apply a translated nmcli extra to the keyfile extras, as the reader
/// applies it to the profile: set, append to a list, remove from a list,
/// or reset (a removal with an empty value).
fn merge_keyfile_extra(
    extras: &mut Vec<Extra>,
    key: String,
    sign: &str,
    raw: String,
    setting: &str,
    prop: &str,
) {
    let at = extras
        .iter()
        .position(|e| e.format == settings::EXTRA_FORMAT && e.key == key);
    let old = at.map(|i| extras[i].value.clone()).unwrap_or_default();
    let new = match list_change(setting, prop, old.clone(), Change::of_sign(sign), raw.clone()) {
        Some(new) => new,
        // `-prop VALUE` on one value resets it only when VALUE is empty.
        None if raw.is_empty() => String::new(),
        None => old,
    };
    if let Some(i) = at {
        extras.remove(i);
    }
    if !new.is_empty() {
        extras.push(Extra {
            format: settings::EXTRA_FORMAT.into(),
            key,
            value: new,
        });
    }
}

/// `DEST [NEXT_HOP] [METRIC] [ATTR=VALUE ...]`, the route as nmcli spells it.
fn route_nmcli(r: &NmRoute) -> String {
    let mut v = route_fields(r, ' ');
    let o = format_route_options(&r.options, r.table);
    if !o.is_empty() {
        v.push(' ');
        v.push_str(&o.replace(',', " "));
    }
    v
}

/// The `nmcli connection add` arguments (after `add`) for a dictionary,
/// grouped by setting, in NetworkManager's order.
pub(crate) fn arguments(s: &Settings) -> Vec<Vec<String>> {
    let mut groups: Vec<Vec<String>> = Vec::new();
    for (setting, props) in s.ordered() {
        let mut g: Vec<String> = Vec::new();
        let mut kv = |k: &str, v: String| {
            g.push(k.to_string());
            g.push(v);
        };
        for (name, value) in props {
            let full = format!("{setting}.{name}");
            match (setting, name, value) {
                ("connection", "type", Value::Str(t)) => kv("type", t.clone()),
                ("connection", "id", Value::Str(v)) => kv("con-name", v.clone()),
                ("connection", "interface-name", Value::Str(v)) => kv("ifname", v.clone()),
                ("ip-tunnel", "mode", Value::U32(n)) => kv(
                    &full,
                    Mode::from_nm_number(*n).map_or_else(|| n.to_string(), |m| m.name().to_string()),
                ),
                (_, _, Value::Str(v)) => kv(&full, v.clone()),
                (_, _, Value::U32(v)) => kv(&full, v.to_string()),
                (_, _, Value::Bool(v)) => kv(&full, if *v { "yes" } else { "no" }.into()),
                (_, _, Value::Addresses(list)) => kv(
                    &full,
                    list.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", "),
                ),
                (_, _, Value::Routes(list)) => {
                    kv(&full, list.iter().map(route_nmcli).collect::<Vec<_>>().join(", "))
                }
                ("ipv6", "addr-gen-mode", Value::Opaque(v)) if v == "default" => {}
                (_, _, Value::Opaque(raw)) => {
                    if let Some(v) = extra_to_nmcli(setting, name, raw) {
                        kv(&full, v);
                    }
                }
            }
        }
        if !g.is_empty() {
            groups.push(g);
        }
    }
    groups
}

/// The command creating a lowered tunnel's profile, shell-quoted, one
/// setting per continuation line.
pub fn command_line(t: &Tunnel) -> String {
    let groups = argument_groups(t);
    // A shell word cannot hold NUL, and neither can a NetworkManager string.
    let quote = |w: &String| sh_quote(&w.replace('\0', "")).unwrap_or_default();
    let lines: Vec<String> = groups
        .iter()
        .map(|g| {
            g.chunks(2)
                .map(|kv| format!("{} {}", quote(&kv[0]), quote(&kv[1])))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    format!("nmcli connection add {}\n", lines.join(" \\\n    "))
}

pub(crate) fn encode(t: &Tunnel) -> Vec<OutputFile> {
    vec![OutputFile {
        name: format!("{}.nmcli", t.name),
        contents: command_line(t),
        mode: 0o644,
    }]
}
