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
