//! The inverse of the lexer: quoting a word for a POSIX shell.

/// The characters no shell treats specially.
pub(crate) fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_./:@+,=-".contains(c)
}

/// Quote one word for a POSIX shell: bare when it holds only characters no
/// shell treats specially (`[A-Za-z0-9_./:@+,=-]`; a leading `-` is only
/// special to the program, which gets the word as it is), else in single
/// quotes, each `'` written `'\''`. Words never stand in command position
/// (commands start with a fixed program name), so `=` needs no quoting.
///
/// `None` when `s` holds NUL, which no shell word can.
pub(crate) fn sh_quote(s: &str) -> Option<String> {
    if s.contains('\0') {
        return None;
    }
    if !s.is_empty() && s.chars().all(is_plain) {
        return Some(s.to_string());
    }
    Some(format!("'{}'", s.replace('\'', r"'\''")))
}
