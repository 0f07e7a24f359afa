//! What NetworkManager 1.42's `verify()` refuses of the profile an nmcli
//! command made, which nmcli says when it writes it (`Error writing
//! connection: SETTING.PROPERTY: ...`): so after all the command's
//! arguments, on the last value of each property. A stored profile is
//! valid (a command refused changes nothing), so only this command can
//! have made one invalid. Ported from `nm-setting-connection.c`,
//! `nm-setting-ip-config.c`, `nm-setting-ip4-config.c`,
//! `nm-setting-ip6-config.c` and `nm-setting-proxy.c`; the first
//! failure is reported, as nmcli reports one.

use std::collections::BTreeMap;

use crate::diag::Severity;
use crate::nm::settings::Value;

use super::super::{values, verify};
use super::{Msgs, Profile, Span};

/// The value each property kept as an nmcli extra has after the whole
/// command, with where it was given: `-prop VALUE` changes nothing on one
/// value unless VALUE is empty, which resets it.
pub(super) fn last_extras(p: &Profile) -> BTreeMap<&str, (&str, Span)> {
    let mut last = BTreeMap::new();
    for (e, span) in p.extras.iter().rev() {
        let name = e.key.trim_start_matches(['+', '-']);
        if e.key.starts_with('-') && !e.value.is_empty() {
            continue;
        }
        last.entry(name).or_insert((e.value.as_str(), *span));
    }
    last
}

/// Check the profile `p` as NetworkManager does when nmcli writes it;
/// `false` when it refuses (the error is in `m`). `ipv6.token` is then
/// stored as NetworkManager normalizes it.
pub(super) fn verify(p: &mut Profile, m: &mut Msgs) -> bool {
    let (refusal, token) = {
        let view = View {
            p,
            extras: last_extras(p),
            token: Default::default(),
        };
        (view.refusal(), view.token.take())
    };
    if let Some((span, message)) = refusal {
        m.push(
            Severity::Error,
            span,
            message,
            Some("nmcli refuses to write a profile with it (Error writing connection)"),
        );
        return false;
    }
    if let Some(token) = token {
        p.settings.set("ipv6", "token", Value::Opaque(token));
    }
    true
}

/// The profile's properties, mapped (`p.settings`) or kept as extras.
struct View<'a> {
    p: &'a Profile,
    extras: BTreeMap<&'a str, (&'a str, Span)>,
    /// A valid `ipv6.token` as NetworkManager normalizes it.
    token: std::cell::RefCell<Option<String>>,
}

impl View<'_> {
    /// Where `setting.prop` was given, for an error at it.
    fn at(&self, setting: &str, prop: &str) -> Span {
        let name = format!("{setting}.{prop}");
        self.extras
            .get(name.as_str())
            .map(|(_, s)| *s)
            .or_else(|| self.p.locations.get(&(setting.into(), prop.into())).copied())
            .unwrap_or(self.p.whole)
    }

    /// The text of an extra, when set and not empty.
    fn extra(&self, name: &str) -> Option<&str> {
        self.extras.get(name).map(|(v, _)| *v).filter(|v| !v.is_empty())
    }

    /// Whether a mapped property holds something.
    fn has(&self, setting: &str, prop: &str) -> bool {
        match self.p.settings.get(setting, prop) {
            None => false,
            Some(Value::Addresses(a)) => !a.is_empty(),
            Some(Value::Routes(r)) => !r.is_empty(),
            Some(Value::Str(s) | Value::Opaque(s)) => !s.is_empty(),
            Some(Value::U32(_) | Value::Bool(_)) => true,
        }
    }

    fn method(&self, setting: &str) -> String {
        match self.p.settings.get(setting, "method") {
            Some(Value::Str(s) | Value::Opaque(s)) => s.clone(),
            _ => "auto".into(),
        }
    }

    /// The first thing NetworkManager refuses, with where and its words.
    fn refusal(&self) -> Option<(Span, String)> {
        let no = |setting: &str, prop: &str, why: String| {
            Some((self.at(setting, prop), format!("{setting}.{prop}: {why}")))
        };
        // connection
        if let Some(why) = self.extra("connection.mptcp-flags").and_then(mptcp_flags) {
            return no("connection", "mptcp-flags", why);
        }
        if let Some(url) = self.extra("connection.mud-url") {
            if url != "none" && (url.len() > 255 || !https_url(url)) {
                let why = if url.len() > 255 {
                    "DHCP option cannot be longer than 255 characters"
                } else {
                    "MUD URL is not a valid URL"
                };
                return no("connection", "mud-url", why.into());
            }
        }
        match (
            self.extra("connection.master"),
            self.extra("connection.slave-type"),
        ) {
            (Some(_), None) => {
                return no(
                    "connection",
                    "slave-type",
                    "Cannot set 'master' without 'slave-type'".into(),
                );
            }
            (None, Some(_)) => {
                return no(
                    "connection",
                    "master",
                    "Slave connections need a valid 'master' property".into(),
                );
            }
            _ => {}
        }
        if let Some((prop, why)) = self.wake_on_lan() {
            return no("802-3-ethernet", prop, why.into());
        }
        // Free text, one property at a time (`verify::verified`).
        for (name, (value, _)) in &self.extras {
            if let Some((setting, prop)) = name.split_once('.') {
                if let Err(why) = verify::verified(setting, prop, value) {
                    return no(setting, prop, why);
                }
            }
        }
        self.ip("ipv4")
            .or_else(|| self.ip("ipv6"))
            .or_else(|| self.proxy())
    }

    /// `ipv4` or `ipv6`: the base class's checks, then the family's.
    fn ip(&self, s: &str) -> Option<(Span, String)> {
        let no = |prop: &str, why: String| Some((self.at(s, prop), format!("{s}.{prop}: {why}")));
        let method = self.method(s);
        let addresses = self.has(s, "addresses");
        if self.has(s, "gateway") && !addresses {
            return no(
                "gateway",
                "gateway cannot be set if there are no addresses configured".into(),
            );
        }
        if method == "manual" && !addresses {
            return no(
                "addresses",
                "this property cannot be empty for 'method=manual'".into(),
            );
        }
        // Methods without addresses of their own; shared allows them all.
        let bare: &[&str] = if s == "ipv4" {
            &["link-local", "disabled"]
        } else {
            &["ignore", "link-local", "disabled"]
        };
        if bare.contains(&method.as_str()) {
            for prop in ["dns", "dns-search", "addresses"] {
                if self.has(s, prop) {
                    return no(
                        prop,
                        format!("this property is not allowed for 'method={method}'"),
                    );
                }
            }
        }
        if s == "ipv4" && method == "shared" {
            for prop in ["dns", "dns-search"] {
                if self.has(s, prop) {
                    return no(prop, "this property is not allowed for 'method=shared'".into());
                }
            }
        }
        if let Some(why) = self.hostname_flags(s) {
            return no("dhcp-hostname-flags", why);
        }
        if s == "ipv4" {
            let link_local = self
                .extra("ipv4.link-local")
                .map(|ll| values::check(s, "link-local", ll));
            match (
                link_local.as_ref().and_then(|ll| ll.as_deref().ok()),
                method.as_str(),
            ) {
                (Some("enabled"), "disabled") => {
                    return no(
                        "link-local",
                        "cannot enable ipv4.link-local with ipv4.method=disabled".into(),
                    );
                }
                (Some("disabled"), "link-local") => {
                    return no(
                        "link-local",
                        "cannot disable ipv4.link-local with ipv4.method=link-local".into(),
                    );
                }
                _ => {}
            }
            let fqdn = self.extra("ipv4.dhcp-fqdn");
            if fqdn.is_some() && self.extra("ipv4.dhcp-hostname").is_some() {
                return no(
                    "dhcp-fqdn",
                    "property cannot be set when dhcp-hostname is also set".into(),
                );
            }
            if fqdn.is_none() && self.flags(s) & FQDN_MASK != 0 {
                return no("dhcp-hostname-flags", "FQDN flags requires a FQDN set".into());
            }
        }
        if s == "ipv6" {
            if let Some(Value::Opaque(token)) = self.p.settings.get("ipv6", "token") {
                match verify::token(&addr_gen_mode(self.p), token) {
                    Ok(normal) => *self.token.borrow_mut() = Some(normal),
                    Err(why) => return no("token", why),
                }
            }
        }
        None
    }

    /// The Ethernet setting's checks of Wake-on-LAN: `default` and
    /// `ignore` alone, a password only with `magic` (a new profile's mode
    /// is `default`).
    fn wake_on_lan(&self) -> Option<(&'static str, &'static str)> {
        let (default, magic, ignore) = (0x1, 0x40, 0x8000);
        let mode = match self.extra("802-3-ethernet.wake-on-lan") {
            Some(t) => values::check("802-3-ethernet", "wake-on-lan", t)
                .ok()?
                .parse()
                .ok()?,
            None => default,
        };
        if mode & (default | ignore) != 0 && !u32::is_power_of_two(mode) {
            return Some((
                "wake-on-lan",
                "Wake-on-LAN mode 'default' and 'ignore' are exclusive flags",
            ));
        }
        if self.extra("802-3-ethernet.wake-on-lan-password").is_some() && mode & magic == 0 {
            return Some((
                "wake-on-lan-password",
                "Wake-on-LAN password can only be used with magic packet mode",
            ));
        }
        None
    }

    /// `dhcp-hostname-flags` as a number (nmcli checked it as it set it).
    fn flags(&self, s: &str) -> u32 {
        self.extra(&format!("{s}.dhcp-hostname-flags"))
            .and_then(|t| values::parse_flag_words(t, values::DHCP_HOSTNAME_FLAGS, &[]).ok())
            .unwrap_or(0)
    }

    /// The base class's check of `dhcp-hostname-flags`
    /// (`_nm_utils_validate_dhcp_hostname_flags`).
    fn hostname_flags(&self, s: &str) -> Option<String> {
        let flags = self.flags(s);
        if flags == 0 {
            return None;
        }
        let send = self
            .extra(&format!("{s}.dhcp-send-hostname"))
            .is_none_or(|t| values::parse_bool(t).unwrap_or(true));
        if !send {
            return Some("the property cannot be set when 'dhcp-send-hostname' is disabled".into());
        }
        let (serv_update, encoded, no_update, clear) = (0x1, 0x2, 0x4, 0x8);
        if flags & !FQDN_MASK != 0 {
            return Some(format!("unknown flags 0x{:x}", flags & !FQDN_MASK));
        }
        if flags & (no_update | serv_update) == no_update | serv_update {
            return Some(
                "'fqdn-no-update' and 'fqdn-serv-update' flags cannot be set at the same time".into(),
            );
        }
        if flags & clear != 0 && flags & (serv_update | encoded | no_update) != 0 {
            return Some("'fqdn-clear-flags' flag is incompatible with other FQDN flags".into());
        }
        if s == "ipv6" && flags & encoded != 0 {
            return Some("DHCPv6 does not support the E (encoded) FQDN flag".into());
        }
        None
    }

    /// `proxy`: a PAC URL or script only with method auto.
    fn proxy(&self) -> Option<(Span, String)> {
        let auto = matches!(
            self.p.settings.get("proxy", "method"),
            Some(Value::Str(m) | Value::Opaque(m)) if m == "1" || m == "auto"
        );
        if auto {
            return None;
        }
        ["pac-url", "pac-script"]
            .into_iter()
            .find(|prop| self.extra(&format!("proxy.{prop}")).is_some())
            .map(|prop| {
                (
                    self.at("proxy", prop),
                    format!("proxy.{prop}: this property is not allowed for method none"),
                )
            })
    }
}

/// `ipv6.addr-gen-mode` in keyfile spelling; a new profile's is `default`.
fn addr_gen_mode(p: &Profile) -> String {
    match p.settings.get("ipv6", "addr-gen-mode") {
        Some(Value::Opaque(mode)) => mode.clone(),
        _ => "default".into(),
    }
}

/// `nm_sd_http_url_is_valid_https`: `https://`, something after it, and
/// only ASCII.
fn https_url(url: &str) -> bool {
    url.strip_prefix("https://")
        .is_some_and(|rest| !rest.is_empty() && rest.is_ascii())
}

/// The connection setting's check of `mptcp-flags` (nmcli checked the
/// words as it set them).
fn mptcp_flags(text: &str) -> Option<String> {
    let (disabled, signal, fullmesh) = (0x1, 0x10, 0x80);
    let flags: u32 = values::check("connection", "mptcp-flags", text)
        .ok()?
        .parse()
        .ok()?;
    if flags == 0 || flags == disabled {
        return None;
    }
    if flags & disabled != 0 {
        return Some("\"disabled\" flag cannot be combined with other MPTCP flags".into());
    }
    if flags & (signal | fullmesh) == signal | fullmesh {
        return Some("cannot set both \"signal\" and \"fullmesh\" MPTCP flags".into());
    }
    // nm_mptcp_flags_normalize() keeps only the flags it knows.
    if flags & !0xff != 0 {
        return Some(format!("value {flags} is not a valid combination of MPTCP flags"));
    }
    None
}

/// `NM_DHCP_HOSTNAME_FLAGS_FQDN_MASK`: every flag NetworkManager knows.
const FQDN_MASK: u32 = 0xf;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mud_urls_are_https_and_ascii() {
        assert!(https_url("https://a.example/x"));
        for bad in ["http://a.example", "https://", "ftp://x", "https://ä.example"] {
            assert!(!https_url(bad), "{bad}");
        }
    }
}
