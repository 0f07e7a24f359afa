//! Value parsers shared by the formats that spell tunnel settings as text
//! (ifcfg now, iproute2 command lines later). Each follows the program that
//! consumes the value, named in its comment, so that grecfg accepts exactly
//! what that program accepts and says why it refuses the rest.

use std::net::{IpAddr, Ipv4Addr};

use ipnet::IpNet;

/// Why a value was refused; the caller attaches the location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ValueError {
    pub message: String,
    pub hint: Option<String>,
}

impl ValueError {
    fn new(message: impl Into<String>) -> ValueError {
        ValueError {
            message: message.into(),
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> ValueError {
        self.hint = Some(hint.into());
        self
    }
}

pub(crate) const KEY_HINT: &str =
    "a GRE key is a 32-bit number (decimal, 0x hex, octal or dotted quad), not a \
                            password; both ends must use the same number";

/// An unsigned number as C's `strtoul(s, &end, 0)` reads it when the whole
/// string must be consumed (iproute2's `get_unsigned`/`get_u8`): `0x`/`0X`
/// hex, a leading `0` octal, else decimal. Unlike `strtoul`, leading
/// whitespace and signs are refused: they only ever appear by mistake.
pub(crate) fn parse_c_unsigned(s: &str, max: u64, what: &str) -> Result<u64, ValueError> {
    let bad = || ValueError::new(format!("{what} {s:?} is not a number"));
    let (digits, radix) = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (h, 16)
    } else if s.len() > 1 && s.starts_with('0') {
        (&s[1..], 8)
    } else {
        (s, 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        let e = bad();
        return Err(if radix == 8 && digits.chars().all(|c| c.is_ascii_digit()) {
            e.hint("a leading 0 makes the number octal (digits 0-7); drop the 0 for decimal")
        } else {
            e
        });
    }
    match u64::from_str_radix(digits, radix) {
        Ok(v) if v <= max => Ok(v),
        _ => Err(ValueError::new(format!("{what} {s} is larger than {max}"))),
    }
}

/// A tunnel key as iproute2 reads it (`ip/ip_common.h` `tnl_parse_key`):
/// a string containing `.` is a dotted quad `a.b.c.d` = a<<24|b<<16|c<<8|d,
/// anything else a C base-0 unsigned number that fits in 32 bits.
pub(crate) fn parse_key(s: &str) -> Result<u32, ValueError> {
    if s.contains('.') {
        return s
            .parse::<Ipv4Addr>()
            .map(u32::from)
            .map_err(|_| ValueError::new(format!("key {s:?} is not a dotted quad")).hint(KEY_HINT));
    }
    parse_c_unsigned(s, u32::MAX as u64, "key")
        .map(|v| v as u32)
        .map_err(|e| {
            let hint = if s.chars().any(|c| c.is_ascii_alphabetic()) && !s.starts_with("0x") {
                KEY_HINT.to_string()
            } else {
                e.hint.unwrap_or_else(|| KEY_HINT.to_string())
            };
            ValueError::new(format!("{s:?} is not a GRE key")).hint(hint)
        })
}

/// A TTL / hop limit (`ip tunnel ... ttl N|inherit`, `get_u8(.., 0)`):
/// 0..255, `inherit` meaning 0.
pub(crate) fn parse_ttl(s: &str) -> Result<u8, ValueError> {
    if s == "inherit" {
        return Ok(0);
    }
    parse_c_unsigned(s, 255, "ttl")
        .map(|v| v as u8)
        .map_err(|e| e.hint("the ttl is 1..255, or 0 / inherit to copy it from the inner packet"))
}

/// A TOS / traffic class as iproute2 reads it (`lib/rt_names.c`
/// `rtnl_dsfield_a2n`): `inherit` = 1, otherwise `strtoul(s, .., 16)`, so a
/// bare `10` means 0x10. The iproute2 maintainers kept base 16 on purpose
/// (netdev, February 2022); see [`tos_is_bare_hex`] to warn about it.
pub(crate) fn parse_tos(s: &str) -> Result<u8, ValueError> {
    if s == "inherit" {
        return Ok(1);
    }
    let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).unwrap_or(s);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(ValueError::new(format!("tos {s:?} is not a number"))
            .hint("the tos is a hexadecimal byte such as 0x10, or inherit"));
    }
    match u64::from_str_radix(digits, 16) {
        Ok(v) if v <= 255 => Ok(v as u8),
        _ => Err(ValueError::new(format!("tos {s} is larger than 0xff"))),
    }
}

/// Whether a TOS value relies on iproute2's implicit base 16 (`10` = 0x10)
/// and may have been meant as decimal.
pub(crate) fn tos_is_bare_hex(s: &str) -> bool {
    !s.starts_with("0x") && !s.starts_with("0X") && s != "inherit" && s.bytes().any(|b| b != b'0')
}

/// A boolean as initscripts and NetworkManager's `svParseBoolean` read it,
/// plus `on`/`off`.
pub(crate) fn parse_bool(s: &str) -> Result<bool, ValueError> {
    const YES: [&str; 6] = ["yes", "true", "t", "y", "1", "on"];
    const NO: [&str; 6] = ["no", "false", "f", "n", "0", "off"];
    if YES.iter().any(|y| y.eq_ignore_ascii_case(s)) {
        Ok(true)
    } else if NO.iter().any(|n| n.eq_ignore_ascii_case(s)) {
        Ok(false)
    } else {
        Err(ValueError::new(format!("{s:?} is not a yes/no value")).hint("use yes or no"))
    }
}

/// An IPv4 or IPv6 address without prefix.
pub(crate) fn parse_ip(s: &str) -> Result<IpAddr, ValueError> {
    s.parse::<IpAddr>().map_err(|_| {
        let e = ValueError::new(format!("{s:?} is not an IP address"));
        if s.contains('/') {
            e.hint("give the address alone, without a /prefix")
        } else {
            e
        }
    })
}

/// An address with an optional `/prefix` (or `/netmask` for IPv4, as
/// iproute2's `get_prefix` accepts); a bare IPv4 address is /32, a bare
/// IPv6 address /128. Host bits are kept: `ip addr add 10.0.0.1/24` means
/// the address 10.0.0.1 on a /24.
pub(crate) fn parse_ip_net(s: &str) -> Result<IpNet, ValueError> {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let ip = addr
        .parse::<IpAddr>()
        .map_err(|_| ValueError::new(format!("{addr:?} is not an IP address")))?;
    let max = match ip {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    };
    let len = match prefix {
        None => max,
        Some(p) if ip.is_ipv4() && p.contains('.') => netmask_to_prefix(p)?,
        Some(p) => match p.parse::<u8>() {
            Ok(n) if n <= max && !p.starts_with('+') => n,
            _ => {
                return Err(ValueError::new(format!("prefix length /{p} is not 0..{max}")));
            }
        },
    };
    IpNet::new(ip, len).map_err(|_| ValueError::new(format!("prefix length /{len} is not 0..{max}")))
}

/// An IPv4 netmask (`255.255.255.0`) as a prefix length; the mask must be
/// contiguous ones followed by zeros, as `ipcalc` and iproute2 require.
pub(crate) fn netmask_to_prefix(s: &str) -> Result<u8, ValueError> {
    let mask = s
        .parse::<Ipv4Addr>()
        .map_err(|_| ValueError::new(format!("{s:?} is not a netmask")))?;
    let bits = u32::from(mask);
    if bits.leading_ones() + bits.trailing_zeros() != 32 {
        return Err(ValueError::new(format!("netmask {s} is not contiguous"))
            .hint("a netmask is ones followed by zeros, such as 255.255.255.0"));
    }
    Ok(bits.leading_ones() as u8)
}

/// An IPv4 address as `inet_aton(3)` reads it, which is how net-tools'
/// `ifconfig` and `route` read a netmask (`lib/inet.c`, `INET_resolve`):
/// one to four parts separated by dots, each decimal, hex (`0x`) or octal
/// (a leading `0`), the last filling the bytes left (`0xffffffff`,
/// `255.255.255.0`, `4294967040`).
pub(crate) fn inet_aton(s: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let mut values = Vec::with_capacity(4);
    for p in &parts {
        let (digits, radix) = if let Some(h) = p.strip_prefix("0x").or_else(|| p.strip_prefix("0X")) {
            (h, 16)
        } else if p.len() > 1 && p.starts_with('0') {
            (&p[1..], 8)
        } else {
            (*p, 10)
        };
        // Digits only: no sign, no `0x` alone.
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        let v = u64::from_str_radix(digits, radix).ok()?;
        values.push(v);
    }
    let (last, head) = values.split_last()?;
    let mut addr: u64 = 0;
    for (i, v) in head.iter().enumerate() {
        if *v > 255 {
            return None;
        }
        addr |= v << (24 - 8 * i);
    }
    let room = 32 - 8 * head.len();
    if room < 64 && *last >= 1u64 << room {
        return None;
    }
    Some(Ipv4Addr::from((addr | last) as u32))
}

/// A netmask as net-tools' `ifconfig` and `route` read it: any address
/// [`inet_aton`] takes, contiguous.
pub(crate) fn nettools_netmask_to_prefix(s: &str) -> Result<u8, ValueError> {
    match inet_aton(s) {
        Some(mask) => netmask_to_prefix(&mask.to_string()),
        None => Err(ValueError::new(format!("{s:?} is not a netmask"))
            .hint("net-tools reads a netmask as inet_aton(3) does: 255.255.255.0, 0xffffff00 or 4294967040")),
    }
}

/// A routing table as `ip route ... table T` reads it without consulting
/// `/etc/iproute2/rt_tables`: a number, or one of the names iproute2 builds
/// in (`lib/rt_names.c`: unspec 0, default 253, main 254, local 255).
pub(crate) fn parse_table(s: &str) -> Result<u32, ValueError> {
    match s {
        "unspec" => return Ok(0),
        "default" => return Ok(253),
        "main" => return Ok(254),
        "local" => return Ok(255),
        _ => {}
    }
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(
            ValueError::new(format!("routing table {s:?} is a name grecfg cannot resolve"))
                .hint("use the table's number from /etc/iproute2/rt_tables"),
        );
    }
    parse_c_unsigned(s, u32::MAX as u64, "table").map(|v| v as u32)
}

/// A plain unsigned 32-bit number in C base-0 form (MTU, metric).
pub(crate) fn parse_u32(s: &str, what: &str) -> Result<u32, ValueError> {
    parse_c_unsigned(s, u32::MAX as u64, what).map(|v| v as u32)
}

#[cfg(test)]
mod tests {
    /// As glibc's inet_aton(3) reads them (checked against `python3 -c
    /// "import socket; socket.inet_aton(...)"`, which calls it).
    #[test]
    fn inet_aton_reads_what_glibc_reads() {
        let ok = [
            ("0xffffffff", "255.255.255.255"),
            ("0xffffff00", "255.255.255.0"),
            ("4294967040", "255.255.255.0"),
            ("255.255.255.0", "255.255.255.0"),
            ("0377.0377.0377.0", "255.255.255.0"),
            ("255.16777215", "255.255.255.255"),
            ("255.255.65280", "255.255.255.0"),
        ];
        for (s, want) in ok {
            assert_eq!(inet_aton(s).map(|a| a.to_string()).as_deref(), Some(want), "{s}");
        }
        for s in [
            "",
            "0x",
            "08",
            "256.0.0.0",
            "1.2.3.4.5",
            "0x100000000",
            "1.2.3.256",
            "ff",
            "-1",
            "1..2",
        ] {
            assert_eq!(inet_aton(s), None, "{s}");
        }
        assert_eq!(nettools_netmask_to_prefix("0xffffffff"), Ok(32));
        assert_eq!(nettools_netmask_to_prefix("0xfffffffc"), Ok(30));
        assert!(nettools_netmask_to_prefix("0xff00ff00").is_err());
    }

    use super::*;

    #[test]
    fn keys_in_every_iproute2_form() {
        assert_eq!(parse_key("1234"), Ok(1234));
        assert_eq!(parse_key("0x4d2"), Ok(1234));
        assert_eq!(parse_key("0X4D2"), Ok(1234));
        assert_eq!(parse_key("01"), Ok(1));
        assert_eq!(parse_key("010"), Ok(8));
        assert_eq!(parse_key("0"), Ok(0));
        assert_eq!(parse_key("1.2.3.4"), Ok(16909060));
        assert_eq!(parse_key("255.255.255.255"), Ok(u32::MAX));
        assert_eq!(parse_key("4294967295"), Ok(u32::MAX));
        assert!(parse_key("4294967296").is_err());
        assert!(parse_key("0x").is_err());
        assert!(parse_key("09").is_err());
        assert!(parse_key("1.2.3").is_err());
        assert!(parse_key("-1").is_err());
        assert!(parse_key("").is_err());
    }

    #[test]
    fn a_word_is_not_a_key_and_the_hint_says_why() {
        let e = parse_key("lichenhao").unwrap_err();
        assert_eq!(e.message, "\"lichenhao\" is not a GRE key");
        assert_eq!(e.hint.as_deref(), Some(KEY_HINT));
        assert!(KEY_HINT.contains("not a password"));
        assert!(KEY_HINT.contains("both ends must use the same number"));
    }

    #[test]
    fn ttl_and_tos() {
        assert_eq!(parse_ttl("64"), Ok(64));
        assert_eq!(parse_ttl("inherit"), Ok(0));
        assert_eq!(parse_ttl("0xff"), Ok(255));
        assert!(parse_ttl("256").is_err());
        assert!(parse_ttl("abc").is_err());
        assert_eq!(parse_tos("inherit"), Ok(1));
        assert_eq!(parse_tos("0x10"), Ok(0x10));
        // iproute2 reads a bare tos in base 16.
        assert_eq!(parse_tos("10"), Ok(0x10));
        assert_eq!(parse_tos("ff"), Ok(255));
        assert!(parse_tos("0x100").is_err());
        assert!(parse_tos("ef!").is_err());
        assert!(tos_is_bare_hex("10"));
        assert!(!tos_is_bare_hex("0x10"));
        assert!(!tos_is_bare_hex("0"));
    }

    #[test]
    fn booleans_case_insensitive() {
        for y in ["yes", "YES", "true", "t", "Y", "1", "on", "On"] {
            assert_eq!(parse_bool(y), Ok(true), "{y}");
        }
        for n in ["no", "False", "f", "n", "0", "off", "OFF"] {
            assert_eq!(parse_bool(n), Ok(false), "{n}");
        }
        assert!(parse_bool("maybe").is_err());
        assert!(parse_bool("").is_err());
    }

    #[test]
    fn addresses_and_prefixes() {
        assert_eq!(parse_ip_net("10.0.0.1"), Ok("10.0.0.1/32".parse().unwrap()));
        assert_eq!(parse_ip_net("10.0.0.1/30"), Ok("10.0.0.1/30".parse().unwrap()));
        assert_eq!(
            parse_ip_net("10.0.0.1/255.255.255.0"),
            Ok("10.0.0.1/24".parse().unwrap())
        );
        assert_eq!(
            parse_ip_net("2001:db8::1"),
            Ok("2001:db8::1/128".parse().unwrap())
        );
        assert_eq!(
            parse_ip_net("2001:db8::1/64"),
            Ok("2001:db8::1/64".parse().unwrap())
        );
        assert!(parse_ip_net("10.0.0.1/33").is_err());
        assert!(parse_ip_net("10.0.0.256").is_err());
        assert!(parse_ip_net("10.0.0.1/").is_err());
        assert_eq!(parse_ip("192.0.2.1"), Ok("192.0.2.1".parse().unwrap()));
        assert!(parse_ip("192.0.2.1/24").unwrap_err().hint.is_some());
    }

    #[test]
    fn netmasks_must_be_contiguous() {
        assert_eq!(netmask_to_prefix("255.255.255.0"), Ok(24));
        assert_eq!(netmask_to_prefix("255.255.255.252"), Ok(30));
        assert_eq!(netmask_to_prefix("0.0.0.0"), Ok(0));
        assert_eq!(netmask_to_prefix("255.255.255.255"), Ok(32));
        assert!(netmask_to_prefix("255.0.255.0").is_err());
        assert!(netmask_to_prefix("24").is_err());
    }

    #[test]
    fn tables_by_number_or_builtin_name() {
        assert_eq!(parse_table("5"), Ok(5));
        assert_eq!(parse_table("main"), Ok(254));
        assert_eq!(parse_table("0x10"), Ok(16));
        assert!(parse_table("vpn").unwrap_err().hint.is_some());
    }
}
