//! `nmcli` commands: the words go to the state machine of
//! [`crate::nm::nmcli`], and the profiles it makes become tunnels that
//! later `ip` commands can add to.

use std::collections::BTreeMap;

use super::builder::{expand, loc_offset, Builder, Building};
use super::cmd::{Span, Word};
use crate::diag::{Diagnostic, Location, Severity};
use crate::nm::nmcli::{self, Outcome};

pub(crate) fn nmcli(bld: &mut Builder<'_>, c: Span, words: &[Word]) {
    let Some(args) = expand(bld, words) else {
        return;
    };
    // No shell can pass a NUL in an argument (the C string ends there),
    // so no nmcli ever saw this command.
    if let Some(a) = args.iter().find(|a| a.text.contains('\0')) {
        let at = bld
            .src
            .text
            .get(a.offset..a.offset + a.len)
            .and_then(|t| t.find('\0'))
            .map_or((a.offset, a.len), |i| (a.offset + i, 1));
        let d = Diagnostic::error(format!(
            "argument `{}` holds a NUL byte, which no command line can pass",
            crate::diag::shown(&a.text)
        ))
        .hint("a NUL ends an argument where it stands; remove it");
        bld.diags.push_at_for(None, bld.src, at.0, at.1, d);
        return;
    }
    let words: Vec<nmcli::Word> = args
        .iter()
        .map(|a| nmcli::Word {
            text: a.text.clone(),
            offset: a.offset,
            len: a.len,
        })
        .collect();
    let loc = bld.cmd_loc(c);
    let whole = c.first_line(&bld.src.text);
    let mut msgs = Vec::new();
    let outcome = bld.nm.command(&words, whole, &mut msgs);
    let tunnel = match outcome {
        // A profile that has its tunnel: made again when something else
        // comes, once for a run of modifications.
        Outcome::Modified(p) if profile_tunnel(bld, p).is_some() => {
            if bld.unsynced != Some(p) {
                sync(bld);
                bld.unsynced = Some(p);
            }
            profile_tunnel(bld, p)
        }
        Outcome::Added(p) | Outcome::Modified(p) => {
            sync(bld);
            sync_profile(bld, p, &loc)
        }
        Outcome::Deleted(p) => {
            sync(bld);
            let t = profile_tunnel(bld, p);
            if let Some(t) = t {
                bld.tunnels[t].deleted = true;
                let line = bld.tunnels[t].whole.line;
                msgs.push(nmcli::Message {
                    severity: Severity::Note,
                    offset: whole.0,
                    len: whole.1,
                    message: format!("the profile created on line {line} is deleted here; it is left out"),
                    hint: None,
                });
            }
            None
        }
        Outcome::Ignored | Outcome::Failed => None,
    };
    push_messages(bld, msgs, tunnel);
}

/// The state machine's messages, located in the script: the one place
/// they become diagnostics.
fn push_messages(bld: &mut Builder<'_>, msgs: Vec<nmcli::Message>, tunnel: Option<usize>) {
    for m in msgs {
        let d = Diagnostic {
            severity: m.severity,
            message: m.message,
            location: None,
            hint: m.hint,
        };
        bld.diags.push_at_for(tunnel, bld.src, m.offset, m.len, d);
    }
}

fn profile_tunnel(bld: &Builder<'_>, p: usize) -> Option<usize> {
    bld.tunnels
        .iter()
        .rposition(|b| !b.deleted && b.profile.is_some_and(|(q, _, _)| q == p))
}

/// Make the tunnel of the profile modified last what the profile now
/// says, before anything else reads or changes the tunnels.
pub(crate) fn sync(bld: &mut Builder<'_>) {
    if let Some(p) = bld.unsynced.take() {
        let loc = bld.tunnels[profile_tunnel(bld, p).expect("an unsynced profile has its tunnel")]
            .whole
            .clone();
        sync_profile(bld, p, &loc);
    }
}

/// Make the tunnel of profile `p` what the profile now says, keeping
/// what `ip` commands added to it since. Diagnostics of the conversion
/// wait for the end, when the profile is final.
fn sync_profile(bld: &mut Builder<'_>, p: usize, loc: &Location) -> Option<usize> {
    let conv = nmcli::convert(&bld.nm.profiles[p]);
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
        address_at: Default::default(),
        neighbour_at: Default::default(),
    };
    let mut lists: BTreeMap<(&str, usize), Location> = BTreeMap::new();
    for (field, (off, len)) in &conv.fields {
        let l = bld.loc(*off, *len);
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
    match profile_tunnel(bld, p) {
        Some(t) => {
            let old = &mut bld.tunnels[t];
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
            bld.reindex(t);
            Some(t)
        }
        None => {
            if let Some(old) = bld.tunnel_index(&b.tunnel.name) {
                let line = bld.tunnels[old].whole.line;
                let d = Diagnostic::warning(format!(
                    "{} is created again (first on line {line}); the later definition is read",
                    b.tunnel.name
                ))
                .at(loc.clone())
                .hint("delete the first definition or give the tunnels different names");
                bld.push(loc_offset(&bld.src.text, loc), Some(old), d);
                bld.tunnels[old].deleted = true;
            }
            Some(bld.add_tunnel(b))
        }
    }
}

/// What the conversion of every final profile has to say.
pub(crate) fn finish_profiles(bld: &mut Builder<'_>) {
    sync(bld);
    for p in 0..bld.nm.profiles.len() {
        let profile = &bld.nm.profiles[p];
        if profile.deleted || !profile.is_tunnel() {
            continue;
        }
        let conv = nmcli::convert(profile);
        let t = profile_tunnel(bld, p);
        if conv.tunnel.is_some() && t.is_none() {
            // Only reachable when a tunnel of the same name replaced it.
            continue;
        }
        push_messages(bld, conv.messages, t);
    }
}
