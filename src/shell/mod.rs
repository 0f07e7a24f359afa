//! Shell words as NetworkManager's shvar.c and bash read them (nom).
//!
//! grecfg never runs a shell. It accepts what both readers of an ifcfg file
//! agree on (bash, which initscripts uses to source it, and NetworkManager's
//! `svUnescape` in `src/core/settings/plugins/ifcfg-rh/shvar.c`) and reports
//! everything else at its line and column instead of guessing: expansions,
//! command substitutions, operators, several words.
//!
//! Two layers: [`lex_word`] reads one shell word (quotes, escapes, `$NAME`)
//! and is meant to be reused for command lines (rc.local); [`parse_vars`]
//! reads a whole file of `NAME=value` lines.

mod quote;
mod script;
mod vars;
mod word;

#[cfg(test)]
mod differential;
#[cfg(test)]
mod tests;

pub(crate) use quote::{is_plain, sh_quote};
pub use script::{lex_script, Op, ScriptToken, ScriptTokens, ScriptWord, Unclosed};
pub(crate) use vars::{parse_vars, Assignment, Vars};
#[cfg(test)]
pub(crate) use word::lex_word;
#[cfg(test)]
pub(crate) use word::literal_word;
pub(crate) use word::{is_name, LexError, Piece};
