//! Rendering tunnels into scripts that are safe to run: a bare iproute2
//! command list, an rc.local-style script and a systemd unit.
//!
//! Templates live in `templates/` and are embedded in the binary; a
//! directory given by the user may replace any of them by name. The
//! commands come from `crate::formats::iproute2` as argument lists, and
//! templates print them only through the quoting filters registered here
//! (`sh`, `shcmd`, `systemd`, `systemd_escape`), so no template builds or
//! quotes a command by hand. Undefined variables are errors and nothing is
//! HTML-escaped.

use std::path::Path;

use minijinja::value::ValueKind;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior, Value};

use crate::diag::Problem;
use crate::shell::{is_plain, sh_quote};

/// The templates shipped with grecfg, by name.
pub(crate) const TEMPLATES: [(&str, &str); 3] = [
    ("iproute2.j2", include_str!("../templates/iproute2.j2")),
    ("rc.local.j2", include_str!("../templates/rc.local.j2")),
    (
        "systemd.service.j2",
        include_str!("../templates/systemd.service.j2"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("cannot read template {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("template {name}: {source:#}")]
    Template {
        name: String,
        #[source]
        source: Error,
    },
    #[error("tunnel {name:?} is not valid: {}", .problems.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("; "))]
    Invalid { name: String, problems: Vec<Problem> },
}

/// The environment with every template and filter. A file in
/// `template_dir` named like a shipped template replaces it; other files
/// there are ignored.
pub fn environment(template_dir: Option<&Path>) -> Result<Environment<'static>, RenderError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    env.add_filter("sh", sh_filter);
    env.add_filter("shcmd", shcmd_filter);
    env.add_filter("systemd", systemd_filter);
    env.add_filter("systemd_text", |v: &Value| -> Result<String, Error> {
        Ok(systemd_text(&word(v)?))
    });
    env.add_filter("comment", comment_filter);
    env.add_filter("systemd_escape", |v: &Value| -> Result<String, Error> {
        Ok(systemd_escape(&word(v)?))
    });
    add_templates(&mut env, &TEMPLATES, template_dir)?;
    Ok(env)
}

/// Add `templates` (file name, built-in source) to `env`; a file of the
/// same name in `template_dir` replaces the built-in one.
pub(crate) fn add_templates(
    env: &mut Environment<'static>,
    templates: &[(&'static str, &'static str)],
    template_dir: Option<&Path>,
) -> Result<(), RenderError> {
    for &(name, builtin) in templates {
        let source = match template_dir {
            Some(dir) => {
                let path = dir.join(name);
                match std::fs::read_to_string(&path) {
                    Ok(s) => s,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => builtin.to_string(),
                    Err(e) => {
                        return Err(RenderError::Io {
                            path: path.display().to_string(),
                            source: e,
                        })
                    }
                }
            }
            None => builtin.to_string(),
        };
        env.add_template_owned(name, source)
            .map_err(|source| RenderError::Template {
                name: name.into(),
                source,
            })?;
    }
    Ok(())
}

/// The systemd unit of tunnel `name`.
pub(crate) fn unit_name(name: &str) -> String {
    format!("grecfg-tunnel-{}.service", systemd_escape(name))
}

/// One scalar template value as text; lists, maps, none and undefined are
/// refused, so a template mistake is an error instead of a quoted
/// `["ip", ...]` or `none`.
fn word(v: &Value) -> Result<String, Error> {
    match v.kind() {
        ValueKind::String => Ok(v.as_str().unwrap_or_default().to_string()),
        ValueKind::Number | ValueKind::Bool => Ok(v.to_string()),
        k => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("a quoting filter needs a string or a number, not {k}"),
        )),
    }
}

fn argv(v: &Value) -> Result<Vec<String>, Error> {
    if v.kind() != ValueKind::Seq {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("a command must be a list of words, not {}", v.kind()),
        ));
    }
    v.try_iter()?.map(|w| word(&w)).collect()
}

fn sh_filter(v: &Value) -> Result<String, Error> {
    sh_word(&word(v)?)
}

/// [`sh_quote`] for templates: NUL cannot be in a shell word.
fn sh_word(s: &str) -> Result<String, Error> {
    sh_quote(s).ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "a shell word cannot contain NUL"))
}

fn shcmd_filter(v: &Value) -> Result<String, Error> {
    let words = argv(v)?;
    if words.is_empty() {
        return Err(Error::new(ErrorKind::InvalidOperation, "an empty command"));
    }
    Ok(words
        .iter()
        .map(|w| sh_word(w))
        .collect::<Result<Vec<_>, _>>()?
        .join(" "))
}

/// A command line (a list) or one word (a string), quoted for `Exec*=`.
fn systemd_filter(v: &Value) -> Result<String, Error> {
    if v.kind() == ValueKind::Seq {
        let words = argv(v)?;
        if words.is_empty() {
            return Err(Error::new(ErrorKind::InvalidOperation, "an empty command"));
        }
        words
            .iter()
            .map(|w| systemd_quote(w))
            .collect::<Result<Vec<_>, _>>()
            .map(|w| w.join(" "))
    } else {
        systemd_quote(&word(v)?)
    }
}

/// Quote one word of a systemd `Exec*=` command line (systemd.service(5),
/// "Command lines"): bare when plain, else in double quotes, with `%`
/// doubled (specifiers), `$` doubled (variable expansion), `\` and `"`
/// backslash-escaped and control characters as `\xNN` (systemd applies C
/// escapes). A lone `;` separates commands, so that word is written `\;`.
pub(crate) fn systemd_quote(s: &str) -> Result<String, Error> {
    if s.contains('\0') {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "a systemd word cannot contain NUL",
        ));
    }
    if s == ";" {
        return Ok(r"\;".into());
    }
    if !s.is_empty() && s.chars().all(is_plain) {
        return Ok(s.to_string());
    }
    let mut q = String::from("\"");
    for c in s.chars() {
        match c {
            '%' => q.push_str("%%"),
            '$' => q.push_str("$$"),
            '\\' => q.push_str(r"\\"),
            '"' => q.push_str("\\\""),
            c if (c as u32) < 0x20 || c == '\x7f' => q.push_str(&format!("\\x{:02x}", c as u32)),
            c => q.push(c),
        }
    }
    q.push('"');
    Ok(q)
}

/// Escape text for use in a unit name as `systemd-escape` does: `/`
/// becomes `-`; bytes other than `[A-Za-z0-9:_.]`, and a leading `.`,
/// become `\xNN`.
/// Text for a `#` comment line: control characters (a newline would end
/// the comment) and invisible ones are written as diagnostics show them.
pub(crate) fn comment_filter(v: &Value) -> Result<String, Error> {
    Ok(crate::diag::shown(&word(v)?).into_owned())
}

/// Text for a unit setting that is not a command line (`Description=`):
/// systemd expands specifiers (`%n`) there but not variables, and takes
/// quotes as they are, so only `%` is doubled; control characters, which
/// would end the line, are shown as escapes.
pub(crate) fn systemd_text(s: &str) -> String {
    crate::diag::shown(s).replace('%', "%%")
}

pub(crate) fn systemd_escape(s: &str) -> String {
    let mut out = String::new();
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'/' => out.push('-'),
            b'.' if i == 0 => out.push_str("\\x2e"),
            b if b.is_ascii_alphanumeric() || b":_.".contains(&b) => out.push(b as char),
            b => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    #[test]
    fn systemd_text_doubles_percent_only() {
        // `$` is not expanded in Description=, nor are quotes removed.
        assert_eq!(systemd_text("a$b\"c"), "a$b\"c");
        assert_eq!(systemd_text("50%"), "50%%");
        assert_eq!(systemd_text("a\nb"), "a\\nb");
    }

    #[test]
    fn systemd_quoting() {
        assert_eq!(systemd_quote("gre1").unwrap(), "gre1");
        assert_eq!(systemd_quote("a%b$c").unwrap(), "\"a%%b$$c\"");
        assert_eq!(systemd_quote(r#"a"b\"#).unwrap(), r#""a\"b\\""#);
        assert_eq!(systemd_quote("a'b").unwrap(), "\"a'b\"");
        assert_eq!(systemd_quote(";").unwrap(), r"\;");
        assert_eq!(systemd_quote("a\x01").unwrap(), "\"a\\x01\"");
    }

    #[test]
    fn unit_name_escaping_matches_systemd_escape() {
        // `systemd-escape 'gre-1'` prints gre\x2d1.
        assert_eq!(systemd_escape("gre-1"), r"gre\x2d1");
        assert_eq!(systemd_escape(".x"), r"\x2ex");
        assert_eq!(systemd_escape("a.b:c_d"), "a.b:c_d");
        assert_eq!(systemd_escape("é"), r"\xc3\xa9");
        assert_eq!(systemd_escape(r"a\b"), r"a\x5cb");
        assert_eq!(unit_name("gre1"), "grecfg-tunnel-gre1.service");
    }

    #[test]
    fn filters_refuse_non_words() {
        let mut env = environment(None).unwrap();
        env.add_template("t", "{{ x|sh }}").unwrap();
        let t = env.get_template("t").unwrap();
        assert!(t.render(context! { x => vec!["a"] }).is_err());
        assert!(t.render(context! {}).is_err());
        assert_eq!(t.render(context! { x => 5 }).unwrap(), "5");
    }
}
