//! GLib `GKeyFile` syntax, the container of NetworkManager keyfiles.
//!
//! Hand-written rather than built on an INI crate: `serde_ini` and friends
//! know neither GLib's escapes (`\s`, `\n`, `\t`, `\r`, `\\`, and `\;` inside
//! lists) nor its whitespace rules, and they cannot report where in the file
//! a key was, which every diagnostic needs.
//!
//! What GLib does, and this module mirrors (`gkeyfile.c`):
//! - lines end at `\n`; one `\r` before it is dropped;
//! - leading whitespace of a line is ignored; `#` lines and blank lines are
//!   comments;
//! - `[name]` starts a group (whitespace after `]` is allowed); a group seen
//!   twice is the same group;
//! - `key = value`: whitespace before `=` and after it is dropped, trailing
//!   whitespace of the value is kept; a key seen twice in a group keeps the
//!   last value;
//! - a key before the first group is an error.

use std::collections::HashMap;
use std::fmt;

/// A syntax problem at a place in the text (1-based line, 1-based column in
/// characters, length in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issue {
    pub line: usize,
    pub column: usize,
    pub len: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Issue {
    fn new(line: usize, column: usize, len: usize, message: impl Into<String>) -> Issue {
        Issue {
            line,
            column,
            len,
            message: message.into(),
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Issue {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// One `key=value` line. `raw` is the value as written (escapes not
/// decoded), like GLib's `g_key_file_get_value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub key: String,
    pub raw: String,
    pub line: usize,
    /// Column of the key's first character.
    pub key_column: usize,
    /// Column of the value's first character (one past `=` and the
    /// whitespace after it when the value is empty).
    pub value_column: usize,
}

impl Entry {
    /// Length of the value in characters (at least 1, for a caret).
    pub(crate) fn value_len(&self) -> usize {
        self.raw.chars().count().max(1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Group {
    pub name: String,
    /// Line of the (first) header.
    pub line: usize,
    pub entries: Vec<Entry>,
    /// Where each key is in `entries`.
    index: HashMap<String, usize>,
}

impl Group {
    pub(crate) fn get(&self, key: &str) -> Option<&Entry> {
        self.index.get(key).map(|&i| &self.entries[i])
    }
}

/// A parsed key file: groups in file order, keys in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct KeyFile {
    pub groups: Vec<Group>,
}

impl KeyFile {
    pub(crate) fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }
}

/// `g_ascii_isspace`: unlike `char::is_ascii_whitespace` it includes `\v`.
pub(crate) fn is_glib_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// Parse `text`. Warnings (duplicate keys) come back with the result;
/// errors stop nothing: every line is checked and all errors returned.
pub(crate) fn parse(text: &str) -> Result<(KeyFile, Vec<Issue>), Vec<Issue>> {
    let mut kf = KeyFile::default();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut current: Option<usize> = None;
    // Where each group is in `kf.groups` (and each key in its group's
    // `index`): a file of many keys is read in linear time.
    let mut group_at: HashMap<String, usize> = HashMap::new();
    for (i, line) in text.split('\n').enumerate() {
        let lineno = i + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim_start_matches(is_glib_space);
        // Columns count characters from the start of the physical line.
        let indent = line.chars().count() - trimmed.chars().count();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(name) = group_header(trimmed) {
            if !is_group_name(name) {
                errors.push(
                    Issue::new(
                        lineno,
                        indent + 2,
                        name.chars().count(),
                        format!("invalid group name {name:?}"),
                    )
                    .hint("group names cannot contain '[', ']' or control characters, and cannot be empty"),
                );
                current = None;
                continue;
            }
            current = Some(match group_at.get(name).copied() {
                Some(pos) => {
                    // GLib merges a repeated group into the first one.
                    warnings.push(Issue::new(
                        lineno,
                        indent + 1,
                        trimmed.chars().count(),
                        format!("group [{name}] appears a second time; its keys are merged into the first"),
                    ));
                    pos
                }
                None => {
                    kf.groups.push(Group {
                        name: name.to_string(),
                        line: lineno,
                        entries: Vec::new(),
                        index: HashMap::new(),
                    });
                    group_at.insert(name.to_string(), kf.groups.len() - 1);
                    kf.groups.len() - 1
                }
            });
            continue;
        }
        let Some(eq) = trimmed.find('=').filter(|&p| p > 0) else {
            errors.push(
                Issue::new(
                    lineno,
                    indent + 1,
                    trimmed.chars().count(),
                    "this line is not a key=value pair, a [group] or a # comment",
                )
                .hint("keyfile lines look like key=value, [group] or # comment"),
            );
            continue;
        };
        let key = trimmed[..eq].trim_end_matches(is_glib_space);
        let after = &trimmed[eq + 1..];
        let raw = after.trim_start_matches(is_glib_space);
        let key_column = indent + 1;
        let value_column =
            indent + trimmed[..eq + 1].chars().count() + after.chars().count() - raw.chars().count() + 1;
        let Some(gi) = current else {
            errors.push(
                Issue::new(
                    lineno,
                    key_column,
                    key.chars().count(),
                    format!("key {key:?} is outside any group"),
                )
                .hint("a keyfile starts with a group header such as [connection]"),
            );
            continue;
        };
        if !is_key_name(key) {
            errors.push(Issue::new(
                lineno,
                key_column,
                key.chars().count().max(1),
                format!("invalid key name {key:?}"),
            ));
            continue;
        }
        if let Err((off, msg)) = check_escapes(raw) {
            let col = value_column + raw[..off].chars().count();
            errors.push(Issue::new(lineno, col, 2, msg).hint(
                "valid escapes are \\s \\n \\t \\r \\\\ (and \\; inside lists); write a backslash as \\\\",
            ));
            continue;
        }
        let entry = Entry {
            key: key.to_string(),
            raw: raw.to_string(),
            line: lineno,
            key_column,
            value_column,
        };
        let group = &mut kf.groups[gi];
        if let Some(old) = group.index.get(key).map(|&e| &mut group.entries[e]) {
            warnings.push(Issue::new(
                lineno,
                key_column,
                key.chars().count(),
                format!(
                    "key {key:?} in [{}] is set again (first on line {}); the last value wins",
                    group.name, old.line
                ),
            ));
            *old = entry;
        } else {
            group.index.insert(key.to_string(), group.entries.len());
            group.entries.push(entry);
        }
    }
    if errors.is_empty() {
        Ok((kf, warnings))
    } else {
        Err(errors)
    }
}

/// The name inside `[...]` if `line` (without leading whitespace) is a group
/// header as GLib recognises one.
fn group_header(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('[')?;
    let close = rest.find(']')?;
    let tail = &rest[close + 1..];
    tail.chars()
        .all(|c| c == ' ' || c == '\t')
        .then(|| &rest[..close])
}

/// `g_key_file_is_group_name`.
pub(crate) fn is_group_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c == '[' || c == ']' || c.is_ascii_control())
}

/// `g_key_file_is_key_name`, without the `[locale]` suffix (NetworkManager
/// never writes one), plus what survives a write/read cycle: no leading or
/// trailing whitespace, no line breaks, no `#` at the start.
pub(crate) fn is_key_name(key: &str) -> bool {
    let (Some(first), Some(last)) = (key.chars().next(), key.chars().last()) else {
        return false;
    };
    !is_glib_space(first)
        && !is_glib_space(last)
        && first != '#'
        && !key.contains(['=', '[', ']', '\n', '\r', '\0'])
}

/// Check every backslash sequence of a raw value; `Err((byte offset,
/// message))` at the first bad one.
pub(crate) fn check_escapes(raw: &str) -> Result<(), (usize, String)> {
    let mut chars = raw.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some((_, 's' | 'n' | 't' | 'r' | '\\' | ';')) => {}
                Some((_, other)) => return Err((i, format!("invalid escape sequence \\{other}"))),
                None => return Err((i, "escape character \\ at the end of the line".to_string())),
            }
        }
    }
    Ok(())
}

/// Decode a raw value as a string (`g_key_file_get_string`). `\;` is only
/// valid inside lists: `Err(byte offset)` points at it.
pub(crate) fn unescape(raw: &str) -> Result<String, usize> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, 's')) => out.push(' '),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((_, 'r')) => out.push('\r'),
            Some((_, '\\')) => out.push('\\'),
            _ => return Err(i),
        }
    }
    Ok(out)
}

/// Encode a string as `g_key_file_set_string` does: spaces and tabs as
/// `\s` and `\t` only while they lead the value (newline and CR escapes
/// do not end the leading run), newline and CR as `\n` and `\r`
/// everywhere, backslash as `\\`. Everything else (`;`, `#`, `=`, inner
/// spaces and tabs) is written as it is.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    let mut leading = true;
    for c in s.chars() {
        match c {
            ' ' if leading => out.push_str("\\s"),
            '\t' if leading => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\\' => {
                out.push_str("\\\\");
                leading = false;
            }
            c => {
                out.push(c);
                leading = false;
            }
        }
    }
    out
}

/// Decode a raw value as a list (`g_key_file_get_string_list`): each
/// item ends at an unescaped `;`, and an empty piece after the last `;`
/// is no item. `None` for a bad escape.
pub(crate) fn list_items(raw: &str) -> Option<Vec<String>> {
    let mut items = Vec::new();
    let mut item = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            ';' => items.push(std::mem::take(&mut item)),
            '\\' => item.push(match chars.next()? {
                's' => ' ',
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '\\' => '\\',
                ';' => ';',
                _ => return None,
            }),
            c => item.push(c),
        }
    }
    if !item.is_empty() {
        items.push(item);
    }
    Some(items)
}

/// Encode a list as `g_key_file_set_string_list` does: each item escaped
/// as a string, its `;` as `\;`, and followed by `;`.
pub(crate) fn list_value<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::new();
    for i in items {
        out.push_str(&escape(i.as_ref()).replace(';', "\\;"));
        out.push(';');
    }
    out
}

/// Whether a string survives `escape` and a read back unchanged: GLib
/// drops leading whitespace it has no escape for (`\v`, `\f`).
pub(crate) fn string_survives(s: &str) -> bool {
    !s.starts_with(['\x0b', '\x0c']) && !s.contains('\0')
}

/// Whether a raw value can be written as it is and read back unchanged.
pub(crate) fn raw_survives(raw: &str) -> bool {
    !raw.starts_with(is_glib_space) && !raw.contains(['\n', '\r', '\0']) && check_escapes(raw).is_ok()
}

/// Render groups of `(key, raw value)` pairs as `g_key_file_to_data` does:
/// a blank line between groups, none at the end.
pub(crate) fn write(groups: &[(String, Vec<(String, String)>)]) -> String {
    let mut out = String::new();
    for (i, (name, entries)) in groups.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push('[');
        out.push_str(name);
        out.push_str("]\n");
        for (k, v) in entries {
            out.push_str(k);
            out.push('=');
            out.push_str(v);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'a>(kf: &'a KeyFile, g: &str, k: &str) -> &'a Entry {
        kf.group(g).unwrap().get(k).unwrap()
    }

    #[test]
    fn whitespace_around_equals_is_trimmed_like_glib() {
        let (kf, w) = parse("[a]\n  key \t=  value with trailing  \r\n").unwrap();
        assert!(w.is_empty());
        let e = entry(&kf, "a", "key");
        assert_eq!(e.raw, "value with trailing  ");
        assert_eq!((e.line, e.key_column, e.value_column), (2, 3, 11));
    }

    #[test]
    fn comments_blank_lines_and_header_whitespace() {
        let (kf, _) = parse("# top\n\n[a]  \n   # indented comment\nk=v\n").unwrap();
        assert_eq!(kf.groups.len(), 1);
        assert_eq!(entry(&kf, "a", "k").raw, "v");
    }

    #[test]
    fn escapes_decode() {
        assert_eq!(unescape(r"\sa\tb\nc\rd\\e").unwrap(), " a\tb\nc\rd\\e");
        assert_eq!(unescape(r"a\;b"), Err(1));
        assert_eq!(unescape(r"x\q"), Err(1));
    }

    #[test]
    fn escapes_encode_like_set_string() {
        assert_eq!(escape(" a b\t;#=\\\n\r"), "\\sa b\t;#=\\\\\\n\\r");
        assert_eq!(escape(" \t\n x\ty "), r"\s\t\n\sx".to_string() + "\ty ");
        assert_eq!(escape("a "), "a ");
        for s in [" lead", "in ner", "\\\\", "tab\there", "ä;ö", "=#"] {
            assert_eq!(unescape(&escape(s)).unwrap(), s);
        }
    }

    #[test]
    fn invalid_escape_is_an_error_at_its_column() {
        let errs = parse("[a]\nk= ab\\xcd\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!((errs[0].line, errs[0].column), (2, 6));
        assert!(errs[0].message.contains("\\x"), "{}", errs[0].message);
        let errs = parse("[a]\nk=ab\\\n").unwrap_err();
        assert_eq!((errs[0].line, errs[0].column), (2, 5));
        // `\;` belongs to lists and is accepted here.
        assert!(parse("[a]\nk=a\\;b;\n").is_ok());
    }

    #[test]
    fn key_outside_group_and_garbage_lines_are_errors() {
        let errs = parse("k=v\n[a]\nnot a pair\n[b\n").unwrap_err();
        let at: Vec<_> = errs.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(at, vec![(1, 1), (3, 1), (4, 1)]);
        assert!(errs[0].message.contains("outside any group"));
    }

    #[test]
    fn bad_key_and_group_names() {
        let errs = parse("[a]b]\n").unwrap_err();
        assert_eq!(errs[0].line, 1);
        let errs = parse("[a]\nk[x=v\n=v\n").unwrap_err();
        assert_eq!(errs.len(), 2);
    }

    #[test]
    fn duplicate_key_last_wins_with_warning_and_groups_merge() {
        let (kf, w) = parse("[a]\nk=1\n[b]\nx=1\n[a]\nk=2\nj=3\n").unwrap();
        assert_eq!(kf.groups.len(), 2);
        let a = kf.group("a").unwrap();
        assert_eq!(a.get("k").unwrap().raw, "2");
        assert_eq!(a.get("k").unwrap().line, 6);
        assert_eq!(a.get("j").unwrap().raw, "3");
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[1].message.contains("last value wins"));
    }

    #[test]
    fn write_separates_groups_with_one_blank_line() {
        let out = write(&[("a".into(), vec![("k".into(), "v".into())]), ("b".into(), vec![])]);
        assert_eq!(out, "[a]\nk=v\n\n[b]\n");
        let (kf, _) = parse(&out).unwrap();
        assert_eq!(kf.groups.len(), 2);
    }

    #[test]
    fn survival_rules() {
        assert!(!string_survives("\x0bx"));
        assert!(string_survives(" x"));
        assert!(!raw_survives(" x"));
        assert!(!raw_survives("a\\q"));
        assert!(raw_survives("a;b\\;c;"));
    }
}
