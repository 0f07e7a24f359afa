//! `tc.qdiscs` and `tc.tfilters` as nmcli reads them
//! (`_objlist_set_fcn_tc_config_qdiscs`, `..._tfilters`): the value split
//! at commas, each item read by `nm_utils_tc_qdisc_from_str` or
//! `nm_utils_tc_tfilter_from_str` (libnm-core's `nm-utils.c`,
//! NetworkManager 1.42) with its attributes read by
//! `nm_utils_parse_variant_attributes`. nmcli refuses the whole value when
//! one item fails, in the words returned here.

use super::values::ascii_int;

/// nmcli's reminder after every refusal.
const SYNTAX: &str = "The valid syntax is: '[root | parent <handle>] [handle <handle>] <kind>'";

#[derive(Clone, Copy, PartialEq)]
enum Ty {
    Bool,
    Str,
    U32,
    I32,
    U64,
    Bytes,
}

/// `NMVariantAttributeSpec`.
struct Spec {
    name: &'static str,
    ty: Ty,
    no_value: bool,
    consumes_rest: bool,
}

const fn attr(name: &'static str, ty: Ty) -> Spec {
    Spec {
        name,
        ty,
        no_value: false,
        consumes_rest: false,
    }
}

const fn word(name: &'static str, ty: Ty) -> Spec {
    Spec {
        name,
        ty,
        no_value: true,
        consumes_rest: false,
    }
}

/// The attribute that takes the rest of the text.
const REST: Spec = Spec {
    name: "",
    ty: Ty::Str,
    no_value: true,
    consumes_rest: true,
};

const OBJECT: &[Spec] = &[
    word("root", Ty::Bool),
    attr("parent", Ty::Str),
    attr("handle", Ty::Str),
    word("kind", Ty::Str),
    REST,
];
const SFQ: &[Spec] = &[
    attr("quantum", Ty::U32),
    attr("perturb", Ty::I32),
    attr("limit", Ty::U32),
    attr("divisor", Ty::U32),
    attr("flows", Ty::U32),
    attr("depth", Ty::U32),
];
const TBF: &[Spec] = &[
    attr("rate", Ty::U64),
    attr("burst", Ty::U32),
    attr("limit", Ty::U32),
    attr("latency", Ty::U32),
];
const FQ_CODEL: &[Spec] = &[
    attr("limit", Ty::U32),
    attr("flows", Ty::U32),
    attr("target", Ty::U32),
    attr("interval", Ty::U32),
    attr("quantum", Ty::U32),
    attr("ce_threshold", Ty::U32),
    attr("memory_limit", Ty::U32),
    word("ecn", Ty::Bool),
];
const TFILTER: &[Spec] = &[word("action", Ty::Bool), REST];
const ACTION: &[Spec] = &[word("kind", Ty::Str), REST];
const SIMPLE: &[Spec] = &[attr("sdata", Ty::Bytes)];
const MIRRED: &[Spec] = &[
    word("egress", Ty::Bool),
    word("ingress", Ty::Bool),
    word("mirror", Ty::Bool),
    word("redirect", Ty::Bool),
    attr("dev", Ty::Str),
];

/// `attribute_unescape(b + start, b + end)`: a backslash takes the next
/// byte as it is, even the one at `end` when the backslash is the last
/// (so `sfq\ x` names `sfq `).
fn unescape(b: &[u8], start: usize, end: usize) -> String {
    let mut out = Vec::with_capacity(end - start);
    let mut i = start;
    while i < end {
        if b[i] == b'\\' {
            i += 1;
            if i == b.len() {
                break;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `nm_utils_parse_variant_attributes(text, ' ', ' ', FALSE, specs)`: the
/// attributes found, by name, in their text.
fn attributes(text: &str, specs: &[Spec]) -> Result<Vec<(&'static str, String)>, String> {
    const UNTERMINATED: &str = "unterminated escape sequence";
    let b = text.as_bytes();
    let mut found: Vec<(&'static str, String)> = Vec::new();
    let mut start: Option<usize> = None;
    let mut ptr = 0;
    loop {
        let st = *start.get_or_insert(ptr);
        if b.get(ptr) == Some(&b'\\') {
            ptr += 1;
            if ptr == b.len() {
                return Err(UNTERMINATED.into());
            }
        } else if ptr == b.len() || b[ptr] == b' ' {
            if ptr == st {
                start = None;
            } else {
                let mut sep = st;
                while sep != ptr {
                    if b[sep] == b'\\' {
                        sep += 1;
                        if sep == b.len() {
                            return Err(UNTERMINATED.into());
                        }
                    }
                    if b[sep] == b' ' {
                        break;
                    }
                    sep += 1;
                }
                let name = unescape(b, st, sep);
                let spec = specs.iter().find(|s| {
                    !found.iter().any(|(n, _)| *n == s.name)
                        && (name == s.name || (s.no_value && s.ty == Ty::Str))
                });
                let Some(spec) = spec else {
                    return Err(format!("unknown attribute '{name}'"));
                };
                let mut value = if spec.consumes_rest {
                    ptr = b.len();
                    Some(text[st..].to_string())
                } else if spec.no_value {
                    Some(name)
                } else if sep == b.len() {
                    return Err(format!("missing key-value separator ' ' after '{name}'"));
                } else if ptr == sep {
                    // The separators are alike: the value is the next word.
                    None
                } else {
                    Some(unescape(b, sep + 1, ptr))
                };
                if let Some(v) = value.take() {
                    check_type(spec, &v)?;
                    found.push((spec.name, v));
                    start = None;
                }
            }
        }
        if ptr >= b.len() {
            return Ok(found);
        }
        ptr += 1;
    }
}

/// The value of an attribute of type `spec.ty`, as the parser reads it.
fn check_type(spec: &Spec, v: &str) -> Result<(), String> {
    let (ok, what) = match spec.ty {
        Ty::U32 => (ascii_int(v, 10, 0, u32::MAX.into()).is_some(), "uint32"),
        Ty::I32 => (
            ascii_int(v, 10, i32::MIN.into(), i32::MAX.into()).is_some(),
            "int32",
        ),
        Ty::U64 => (uint64(v), "uint64"),
        Ty::Bool => (
            spec.no_value
                || matches!(
                    v.trim(),
                    "true" | "yes" | "on" | "1" | "false" | "no" | "off" | "0"
                ),
            "boolean",
        ),
        Ty::Str | Ty::Bytes => (true, ""),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid {what} value '{v}' for attribute '{}'",
            spec.name
        ))
    }
}

/// `_nm_utils_ascii_str_to_uint64(v, 10, 0, G_MAXUINT64, ...)`: blanks
/// around a decimal number, with a `+`, or a `-` before zero only.
fn uint64(v: &str) -> bool {
    let s = v.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b');
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let n = match digits.bytes().all(|b| b.is_ascii_digit()) {
        true => digits.parse::<u64>().ok(),
        false => None,
    };
    n.is_some_and(|n| n == 0 || !s.starts_with('-'))
}

/// `_nm_utils_parse_tc_handle`: `MAJOR[:MINOR]` in hexadecimal (as
/// `strtoll` reads them, blanks around), the major 1..ffff, the minor to
/// ffff; `(major, minor)`.
fn handle(text: &str) -> Result<(u32, u32), String> {
    let fail = || format!("'{text}' is not a valid handle.");
    let b = text.as_bytes();
    let space = |c: u8| c.is_ascii_whitespace() || c == b'\x0b';
    if !b.iter().all(|&c| c.is_ascii_hexdigit() || c == b':' || space(c)) {
        return Err(fail());
    }
    let skip = |mut i: usize| {
        while i < b.len() && space(b[i]) {
            i += 1;
        }
        i
    };
    // strtoll(.., 16): the number and where it ends (where it began when
    // there are no digits).
    let number = |i: usize| -> (Option<u64>, usize) {
        let d = skip(i);
        let mut j = d;
        while j < b.len() && b[j].is_ascii_hexdigit() {
            j += 1;
        }
        if j == d {
            return (None, i);
        }
        (Some(u64::from_str_radix(&text[d..j], 16).unwrap_or(u64::MAX)), j)
    };
    let (Some(maj), end) = number(0) else {
        return Err(fail());
    };
    let mut end = skip(end);
    let mut min = 0;
    if b.get(end) == Some(&b':') {
        let (m, e) = number(end + 1);
        min = m.unwrap_or(0);
        end = skip(e);
    }
    if end != b.len() || !(1..=0xffff).contains(&maj) || min > 0xffff {
        return Err(fail());
    }
    Ok((maj as u32, min as u32))
}

/// What `_tc_read_common_opts` gives back that is checked later.
struct Common {
    kind: Option<String>,
    rest: Option<String>,
}

/// `_tc_read_common_opts`.
fn common(text: &str) -> Result<Common, String> {
    let found = attributes(text, OBJECT)?;
    let get = |n: &str| found.iter().find(|(k, _)| *k == n).map(|(_, v)| v.as_str());
    let mut parent = get("root").is_some();
    if let Some(p) = get("parent") {
        if parent {
            return Err(format!("'{p}' unexpected: parent already specified."));
        }
        handle(p)?;
        parent = true;
    }
    if let Some(h) = get("handle") {
        if handle(h)?.1 != 0 {
            return Err(format!("invalid handle: '{h}'"));
        }
    }
    let kind = get("kind").map(str::to_string);
    if kind.as_deref().is_some_and(|k| k == "ingress" || k == "clsact") {
        parent = true;
    }
    if !parent {
        return Err("parent not specified.".into());
    }
    Ok(Common {
        kind,
        rest: get("").map(str::to_string),
    })
}

/// `nm_tc_qdisc_new` and the like: a kind, one word.
fn kind_ok(kind: Option<&str>) -> Result<(), String> {
    match kind {
        None | Some("") => Err("kind is missing".into()),
        Some(k) if k.contains([' ', '\t']) => Err(format!("'{k}' is not a valid kind")),
        _ => Ok(()),
    }
}

/// `nm_utils_tc_qdisc_from_str`. The options of a kind it has no
/// attributes for are ignored, as NetworkManager ignores them.
fn qdisc(text: &str) -> Result<(), String> {
    let c = common(text)?;
    if let Some(rest) = &c.rest {
        let specs = match c.kind.as_deref() {
            Some("fq_codel") => Some(FQ_CODEL),
            Some("sfq") => Some(SFQ),
            Some("tbf") => Some(TBF),
            _ => None,
        };
        if let Some(specs) = specs {
            attributes(rest, specs)?;
        }
    }
    kind_ok(c.kind.as_deref())
}

/// `nm_utils_tc_action_from_str`.
fn action(text: &str) -> Result<(), String> {
    let found = attributes(text, ACTION)?;
    let get = |n: &str| found.iter().find(|(k, _)| *k == n).map(|(_, v)| v.as_str());
    let Some(kind) = get("kind") else {
        return Err("action name missing.".into());
    };
    let specs = match kind {
        "simple" => Some(SIMPLE),
        "mirred" => Some(MIRRED),
        _ => None,
    };
    kind_ok(Some(kind))?;
    if let Some(rest) = get("") {
        let Some(specs) = specs else {
            return Err(format!("unsupported action option: '{rest}'."));
        };
        attributes(rest, specs)?;
    }
    Ok(())
}

/// `nm_utils_tc_tfilter_from_str`.
fn tfilter(text: &str) -> Result<(), String> {
    let c = common(text)?;
    if let Some(rest) = &c.rest {
        let found = attributes(rest, TFILTER)?;
        if !found.iter().any(|(k, _)| *k == "action") {
            return Err(format!("unsupported tfilter option: '{rest}'."));
        }
        let opts = found
            .iter()
            .find(|(k, _)| k.is_empty())
            .map_or("", |(_, v)| v.as_str());
        action(opts).map_err(|e| format!("invalid action: {e}"))?;
    }
    kind_ok(c.kind.as_deref())
}

/// The items of a `tc` value: split at commas, blanks stripped, empty
/// ones dropped (`VALUE_STRSPLIT_MODE_OBJLIST`, no escapes).
fn items(text: &str) -> impl Iterator<Item = &str> {
    text.split(',')
        .map(|i| i.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b'))
        .filter(|i| !i.is_empty())
}

/// nmcli's check of `tc.qdiscs` or `tc.tfilters` (`name`).
pub(crate) fn check(name: &str, text: &str) -> Result<(), String> {
    let read = if name == "qdiscs" { qdisc } else { tfilter };
    for item in items(text) {
        read(item).map_err(|e| format!("{e}. {SYNTAX}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qdiscs_and_filters_are_read_as_networkmanager_reads_them() {
        for ok in [
            "root pfifo limit 5",
            "root fq_codel limit 5 ecn",
            "parent 1: handle 2: sfq perturb -3",
            "root tbf rate 18446744073709551615 burst 5",
            "ingress",
            "handle ffff: ingress",
        ] {
            assert_eq!(qdisc(ok), Ok(()), "{ok}");
        }
        for (bad, want) in [
            ("root fq_codel foo 5", "unknown attribute 'foo'"),
            ("handle 1:1 root sfq", "invalid handle: '1:1'"),
            ("parent 0x1: sfq", "'0x1:' is not a valid handle."),
            ("parent 10000: sfq", "'10000:' is not a valid handle."),
            ("parent 0: sfq", "'0:' is not a valid handle."),
            ("sfq", "parent not specified."),
            ("root", "kind is missing"),
            ("root parent 1: sfq", "'1:' unexpected: parent already specified."),
            ("root sfq limit", "missing key-value separator ' ' after 'limit'"),
            (
                "root sfq limit x",
                "invalid uint32 value 'x' for attribute 'limit'",
            ),
            ("root sfq\\", "unterminated escape sequence"),
            ("root sfq\\ x", "'sfq ' is not a valid kind"),
            (
                "root tbf rate -1",
                "invalid uint64 value '-1' for attribute 'rate'",
            ),
        ] {
            assert_eq!(qdisc(bad), Err(want.to_string()), "{bad}");
        }
        for ok in [
            "parent ffff: matchall action simple sdata Hello",
            "root u32 action mirred egress redirect dev eth0",
            "parent 1: u32",
        ] {
            assert_eq!(tfilter(ok), Ok(()), "{ok}");
        }
        for (bad, want) in [
            // nmcli 1.42 crashes on this one (a NULL action text).
            ("root u32 action", "invalid action: action name missing."),
            ("root u32 foo", "unsupported tfilter option: 'foo'."),
            (
                "root u32 action drop x",
                "invalid action: unsupported action option: 'x'.",
            ),
            (
                "root u32 action mirred dev",
                "invalid action: missing key-value separator ' ' after 'dev'",
            ),
        ] {
            assert_eq!(tfilter(bad), Err(want.to_string()), "{bad}");
        }
        assert_eq!(check("qdiscs", " root sfq ,, ingress"), Ok(()));
        assert!(check("qdiscs", "root sfq, sfq").unwrap_err().ends_with(SYNTAX));
    }
}
