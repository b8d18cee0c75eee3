//! Credentials that must never be printed.
//!
//! A [`Secret`] wipes its memory when dropped, prints as `********` through
//! both `Debug` and `Display`, and is not `Serialize`: the only way to its
//! bytes is [`Secret::expose`], which the SASL code calls right before it
//! writes to an encrypted (or explicitly allowed) connection.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

/// What every redacted credential looks like in output.
pub const MASK: &str = "********";

#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself. Only for the bytes that go to an authenticated
    /// server; never for display.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A CR, LF or NUL in a credential would let it inject protocol lines.
    pub fn has_line_breaks(&self) -> bool {
        has_forbidden_chars(&self.0)
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        // Constant-time is not needed: nothing here compares against an
        // attacker's guess. Equality is for config round-trips in tests.
        self.0 == other.0
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({MASK})")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// True if `s` holds CR, LF or NUL: characters no user name, password or
/// address may carry onto the wire.
pub fn has_forbidden_chars(s: &str) -> bool {
    s.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s}"), MASK);
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(!format!("{:#?}", Some(s.clone())).contains("hunter2"));
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn line_breaks_are_caught() {
        assert!(Secret::new("pw\r\nRCPT TO:<x>").has_line_breaks());
        assert!(Secret::new("a\0b").has_line_breaks());
        assert!(!Secret::new("plain pw").has_line_breaks());
    }
}
