//! The core's one error type: every fallible call returns a value, never panics on bad input.

use std::fmt;

/// What can go wrong in the core, worded for the person who chose the setting.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A setting is out of range: `(name of the setting, why)`.
    Invalid(&'static str, String),
    /// A name that is not one of the known choices: `(what kind of thing, the name)`.
    Unknown(&'static str, String),
}

/// `std::result::Result` with the core's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(name, why) => write!(f, "{name}: {why}"),
            Error::Unknown(kind, name) => write!(f, "unknown {kind} '{name}'"),
        }
    }
}

impl std::error::Error for Error {}

/// Whether `c` reorders or hides text around it: the bidirectional embeddings, overrides,
/// isolates and marks, and control characters.
fn hides_text(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        || c.is_control()
}

/// A piece of the user's text (a value, a column name, a note from a file) as a message
/// echoes it: without the characters that would reorder or hide the rest of the line
/// (`#seed=%E2%80%AEevil` would reverse it), and at most `most` characters, then an
/// ellipsis, so that no input can make a message long.
pub fn echo(text: &str, most: usize) -> String {
    let mut kept = text.chars().filter(|&c| !hides_text(c));
    let mut out: String = kept.by_ref().take(most).collect();
    if kept.next().is_some() {
        out.push('…');
    }
    out
}
