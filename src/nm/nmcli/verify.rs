//! What NetworkManager 1.42 refuses of the free-text properties grecfg
//! keeps as they are written (nmcli extras): the user names of
//! `connection.permissions`, the Ethernet addresses and s390 words and the
//! DHCP servers to reject, which nmcli checks when it sets them, and the
//! IAID, DUID and FQDN of the DHCP settings, which the profile's `verify()`
//! checks when nmcli writes it (`Error writing connection: ...`).

/// nmcli's check of the items of `connection.permissions` as it sets them
/// (`_multilist_validate2_fcn_connection_permissions`): split at commas and
/// blanks, each `[user:]NAME` with NAME not empty, under 100 bytes and
/// without `:` (`nm_settings_connection_validate_permission_user`).
pub(crate) fn permissions(text: &str) -> Result<(), String> {
    for item in items(text) {
        let name = item.strip_prefix("user:").unwrap_or(item);
        if name.is_empty() || name.len() >= 100 || name.contains(':') {
            return Err(format!("invalid permission \"{item}\""));
        }
    }
    Ok(())
}

/// `nm_utils_hwaddr_aton(text, len)`: `len` bytes of one or two
/// hexadecimal digits each, separated by `:` or `-` (the same throughout).
pub(crate) fn hwaddr(text: &str, len: usize) -> bool {
    let b = text.as_bytes();
    let hex = |j: usize| b.get(j).is_some_and(u8::is_ascii_hexdigit);
    let (mut i, mut n, mut delimiter) = (0, 0, None);
    loop {
        if !hex(i) {
            return false;
        }
        i += if hex(i + 1) { 2 } else { 1 };
        n += 1;
        let Some(&d) = b.get(i) else {
            return n == len;
        };
        if n == len {
            return false;
        }
        match delimiter {
            Some(x) if x != d => return false,
            None if d == b':' || d == b'-' => delimiter = Some(d),
            None => return false,
            _ => {}
        }
        i += 1;
    }
}

/// The items of an nmcli multi-value list: split at commas and blanks.
fn items(text: &str) -> impl Iterator<Item = &str> {
    text.split([' ', '\n', '\t', '\r', '\x0c', ','])
        .filter(|i| !i.is_empty())
}

/// The s390 options NetworkManager 1.42 knows (`valid_s390_opts`).
const S390_OPTIONS: &[&str] = &[
    "bridge_role",
    "broadcast_mode",
    "buffer_count",
    "canonical_macaddr",
    "checksumming",
    "ctcprot",
    "fake_broadcast",
    "inter",
    "inter_jumbo",
    "ipato_add4",
    "ipato_add6",
    "ipato_enable",
    "ipato_invert4",
    "ipato_invert6",
    "isolation",
    "lancmd_timeout",
    "large_send",
    "layer2",
    "portname",
    "portno",
    "priority_queueing",
    "protocol",
    "route4",
    "route6",
    "rxip_add4",
    "rxip_add6",
    "sniffer",
    "total",
    "vipa_add4",
    "vipa_add6",
];

/// What nmcli says as it sets an Ethernet property holding addresses or
/// s390 words (`_pt_gobject_mac`, `_set_fcn_wired_s390_subchannels`, the
/// s390 options' and the blacklist's validators); `Ok` for the others.
pub(crate) fn wired(name: &str, text: &str) -> Result<(), String> {
    const SPECIAL: &[&str] = &["preserve", "permanent", "random", "stable"];
    match name {
        "mac-address" | "wake-on-lan-password" if !hwaddr(text, 6) => {
            Err(format!("'{text}' is not a valid Ethernet MAC"))
        }
        "cloned-mac-address" if !SPECIAL.contains(&text) && !hwaddr(text, 6) => {
            Err(format!("'{text}' is not a valid Ethernet MAC"))
        }
        "mac-address-blacklist" => match items(text).find(|i| !hwaddr(i, 6)) {
            Some(bad) => Err(format!("'{bad}' is not a valid MAC address")),
            None => Ok(()),
        },
        "s390-subchannels" if !(2..=3).contains(&items(text).count()) => Err(format!(
            "'{text}' is not valid; 2 or 3 strings should be provided"
        )),
        "s390-options" => {
            for item in items(text) {
                let key = item.split_once('=').map_or(item, |(k, _)| k);
                if !S390_OPTIONS.contains(&key) {
                    return Err(format!("'{key}' not among [{}]", S390_OPTIONS.join(", ")));
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// nmcli's check of `ipv4.dhcp-reject-servers`: IPv4 addresses, each
/// with a prefix length to 32 or none.
pub(crate) fn reject_servers(text: &str) -> Result<(), String> {
    for item in items(text) {
        let (addr, len) = item.split_once('/').unwrap_or((item, "32"));
        let ok = addr.parse::<std::net::Ipv4Addr>().is_ok()
            && len.bytes().all(|b| b.is_ascii_digit())
            && len.parse::<u8>().is_ok_and(|l| l <= 32);
        if !ok {
            return Err(format!("invalid IPv4 or subnet \"{item}\""));
        }
    }
    Ok(())
}

/// What the profile's `verify()` says of `setting.name` set to `text`, in
/// NetworkManager's words; `Ok` for the properties it does not check this
/// way and for an empty value, which resets the property.
pub(crate) fn verified(setting: &str, name: &str, text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Ok(());
    }
    match (setting, name) {
        ("ipv4" | "ipv6", "dhcp-iaid") if !iaid_valid(text) => Err(format!("'{text}' is not a valid IAID")),
        ("ipv6", "dhcp-duid") if !duid_valid(text) => Err("invalid DUID".into()),
        ("ipv4", "dhcp-fqdn") if !text.contains('.') => Err(format!("'{text}' is not a valid FQDN")),
        _ => Ok(()),
    }
}

/// What the IPv6 setting's `verify()` says of `ipv6.token` under
/// `ipv6.addr-gen-mode` (keyfile spelling; a new profile's is `default`):
/// a token only with `eui64`, and then an IPv6 address with only its low
/// 64 bits set. `Ok` holds the token as NetworkManager normalizes it
/// before writing (`inet_ntop`'s spelling).
pub(crate) fn token(addr_gen_mode: &str, text: &str) -> Result<String, String> {
    if addr_gen_mode != "eui64" {
        return Err("only makes sense with EUI64 address generation mode".into());
    }
    match text.parse::<std::net::Ipv6Addr>() {
        Ok(a) if a.segments()[..4] == [0; 4] && a.segments()[4..] != [0; 4] => Ok(inet_ntop6(a)),
        _ => Err("value is not a valid token".into()),
    }
}

/// glibc's `inet_ntop(AF_INET6, ...)`: the first longest run of two or
/// more zero groups as `::`, and the last 32 bits as a dotted quad when
/// the first 96 are zero with something in group 6 (`::0.1.0.2`) or the
/// address is IPv4-mapped. Rust's `Display` writes `::1:2` for the first.
fn inet_ntop6(a: std::net::Ipv6Addr) -> String {
    let w = a.segments();
    let (mut best, mut cur): ((usize, usize), (usize, usize)) = ((0, 0), (0, 0));
    for (i, &g) in w.iter().enumerate() {
        if g == 0 {
            if cur.1 == 0 {
                cur.0 = i;
            }
            cur.1 += 1;
            if cur.1 > best.1 {
                best = cur;
            }
        } else {
            cur.1 = 0;
        }
    }
    if best.1 < 2 {
        best.1 = 0;
    }
    let mut out = String::new();
    let mut i = 0;
    while i < 8 {
        if best.1 > 0 && i == best.0 {
            out.push_str(if i == 0 { "::" } else { ":" });
            i += best.1;
            continue;
        }
        if i == 6 && best.0 == 0 && (best.1 == 6 || (best.1 == 5 && w[5] == 0xffff)) {
            let o = a.octets();
            out.push_str(&format!("{}.{}.{}.{}", o[12], o[13], o[14], o[15]));
            break;
        }
        out.push_str(&format!("{:x}", w[i]));
        if i < 7 {
            out.push(':');
        }
        i += 1;
    }
    out
}

/// `_nm_utils_iaid_verify`: `mac`, `perm-mac`, `ifname`, `stable`, a number
/// up to 2^32-1 as C reads it (decimal, 0x hexadecimal, 0 octal), or four
/// bytes in hexadecimal (`0x` before them allowed, `:` between them).
fn iaid_valid(text: &str) -> bool {
    if matches!(text, "mac" | "perm-mac" | "ifname" | "stable") {
        return true;
    }
    if !text
        .chars()
        .all(|c| c.is_ascii_hexdigit() || c == 'x' || c == ':')
    {
        return false;
    }
    c_number(text).is_some_and(|v| v <= u64::from(u32::MAX))
        || hex_bytes(text, true, 4).is_some_and(|b| b.len() == 4)
}

/// `_nm_utils_dhcp_duid_valid`: one of the named DUIDs, or 3 to 130 bytes
/// in hexadecimal.
fn duid_valid(text: &str) -> bool {
    matches!(
        text,
        "lease" | "llt" | "ll" | "stable-llt" | "stable-ll" | "stable-uuid"
    ) || hex_bytes(text, false, 130).is_some_and(|b| b.len() > 2)
}

/// The whole of `text` as `strtoll` with base 0 reads it, for the digits
/// and `x` that [`iaid_valid`] lets through: `None` when something is left
/// over or it does not fit.
fn c_number(text: &str) -> Option<u64> {
    let (digits, radix) = if let Some(h) = text.strip_prefix("0x") {
        (h, 16)
    } else if text.len() > 1 && text.starts_with('0') {
        (&text[1..], 8)
    } else {
        (text, 10)
    };
    if digits.is_empty() {
        // `0x` alone: strtoll reads the 0 and leaves the x.
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// `nm_utils_hexstr2bin_full` with `:` as the delimiter it may find after
/// the first byte, neither the delimiter nor pairs of digits required (a
/// single digit is a byte when a delimiter follows it), and room for `max`
/// bytes.
fn hex_bytes(text: &str, allow_0x: bool, max: usize) -> Option<Vec<u8>> {
    let s = text.as_bytes();
    let mut i = if allow_0x && s.starts_with(b"0x") { 2 } else { 0 };
    let hex = |c: Option<&u8>| c.and_then(|c| (*c as char).to_digit(16));
    let mut out = Vec::new();
    // Whether a delimiter is looked for after each byte, and which.
    let mut delimited = true;
    let mut delimiter = None;
    loop {
        let hi = hex(s.get(i))?;
        let next = match hex(s.get(i + 1)) {
            Some(lo) => {
                out.push((hi * 16 + lo) as u8);
                let next = s.get(i + 2);
                if next.is_none() {
                    break;
                }
                i += 2;
                next
            }
            None => {
                // No leading zero ("aa:b:cc"): the digit is a byte.
                out.push(hi as u8);
                let next = s.get(i + 1);
                if next.is_none() {
                    if !delimited {
                        return None;
                    }
                    break;
                }
                i += 1;
                next
            }
        };
        if out.len() == max {
            return None;
        }
        if delimited {
            if next.copied() != delimiter {
                if delimiter.is_some() {
                    return None;
                }
                if next == Some(&b':') {
                    delimiter = Some(b':');
                } else {
                    delimited = false;
                    continue;
                }
            }
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hardware_addresses_are_read_as_libnm_reads_them() {
        for ok in [
            "02:00:00:00:00:01",
            "02-00-00-00-00-01",
            "2:0:0:0:0:1",
            "aA:bb:cc:dd:ee:ff",
        ] {
            assert!(hwaddr(ok, 6), "{ok}");
        }
        for bad in [
            "",
            "zz",
            "02:00:00:00:00",
            "02:00-00:00:00:01",
            "02:00:00:00:00:01:",
            "0200.0000.0001",
            "020000000001",
        ] {
            assert!(!hwaddr(bad, 6), "{bad}");
        }
        assert_eq!(wired("s390-subchannels", "a b"), Ok(()));
        assert!(wired("s390-subchannels", "a,b,c,d").is_err());
        assert_eq!(wired("s390-options", "layer2=1 portno=0"), Ok(()));
        assert!(reject_servers("192.0.2.0/24 192.0.2.1").is_ok());
        assert!(reject_servers("192.0.2.0/33").is_err());
    }

    #[test]
    fn permissions_are_user_names() {
        for ok in ["", "user:root", "root", "alice bob,user:carol", " , "] {
            assert_eq!(permissions(ok), Ok(()), "{ok:?}");
        }
        for bad in ["user:", "user:a:b", "a:", &"x".repeat(100)] {
            assert!(permissions(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            permissions("root user:"),
            Err("invalid permission \"user:\"".into())
        );
    }

    #[test]
    /// `nmcli --offline connection add ... ipv6.addr-gen-mode eui64
    /// ipv6.token T` (NetworkManager 1.42.4) writes `token=` as here, or
    /// fails with these words.
    fn tokens_need_eui64_and_are_written_as_inet_ntop_writes_them() {
        for (t, want) in [
            ("::1:2", "::0.1.0.2"),
            ("::0:1", "::1"),
            ("::1", "::1"),
            ("::a:b:c:d", "::a:b:c:d"),
            ("0:0:0:0:0:ffff:c000:201", "::ffff:192.0.2.1"),
            ("::1:0:0:2", "::1:0:0:2"),
            ("::1:0:2:0", "::1:0:2:0"),
        ] {
            assert_eq!(token("eui64", t).as_deref(), Ok(want), "{t}");
        }
        for t in ["1::1", "::", "abc", "::1%2"] {
            assert_eq!(token("eui64", t), Err("value is not a valid token".into()), "{t}");
        }
        for mode in ["default", "stable-privacy", "default-or-eui64"] {
            assert_eq!(
                token(mode, "::1"),
                Err("only makes sense with EUI64 address generation mode".into())
            );
        }
    }

    #[test]
    fn iaids_duids_and_fqdns_are_checked_as_networkmanager_checks_them() {
        // The values were run through `nmcli --offline connection add` of
        // NetworkManager 1.42 (tests/nmcli_commands.rs checks a few of
        // them the same way).
        for ok in [
            "mac",
            "stable",
            "0",
            "4294967295",
            "0x1f",
            "017",
            "ffffffff",
            "0x1:2:3:4",
            "01:02:03:04",
            "a:b:c:d",
        ] {
            assert!(iaid_valid(ok), "{ok:?}");
        }
        for bad in [
            "x",
            "4294967296",
            "0x",
            "08",
            "ab",
            "1:2:3",
            "1:2:3:4:5",
            "01020304:",
            "MAC",
        ] {
            assert!(!iaid_valid(bad), "{bad:?}");
        }
        for ok in ["ll", "stable-uuid", "00:01:02", "000102", "0:1:2", "aa:bb:cc:dd"] {
            assert!(duid_valid(ok), "{ok:?}");
        }
        for bad in ["x", "00:01", "0001", "0:1:", "00-01-02", "001", &"00".repeat(131)] {
            assert!(!duid_valid(bad), "{bad:?}");
        }
        assert!(duid_valid(&"00".repeat(130)));
        assert_eq!(
            verified("ipv4", "dhcp-fqdn", "host"),
            Err("'host' is not a valid FQDN".into())
        );
        assert_eq!(verified("ipv4", "dhcp-fqdn", "host.example"), Ok(()));
        assert_eq!(verified("ipv4", "dhcp-iaid", ""), Ok(()));
        assert_eq!(verified("ipv6", "dhcp-duid", "x"), Err("invalid DUID".into()));
    }
}
