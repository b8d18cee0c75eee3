//! The password field: a masked, zeroizing buffer.

use std::fmt;

use zeroize::Zeroizing;

use crate::secret::Secret;

/// Longest password the field takes (characters).
pub const MAX_PASSWORD: usize = 256;

/// A password being typed. Its buffer is allocated once at full size (so
/// typing never leaves copies behind in freed memory) and wiped on drop;
/// it never prints.
pub struct PasswordInput {
    value: Zeroizing<String>,
    chars: usize,
    /// The account already has a password source (kept when left empty).
    pub existing: bool,
}

impl PasswordInput {
    pub fn new(existing: bool) -> Self {
        PasswordInput {
            value: Zeroizing::new(String::with_capacity(MAX_PASSWORD * 4)),
            chars: 0,
            existing,
        }
    }

    pub fn push(&mut self, c: char) {
        if self.chars < MAX_PASSWORD && !c.is_control() {
            self.value.push(c);
            self.chars += 1;
        }
    }

    pub fn pop(&mut self) {
        if self.value.pop().is_some() {
            self.chars -= 1;
        }
    }

    pub fn clear(&mut self) {
        self.value.clear();
        self.chars = 0;
    }

    pub fn len(&self) -> usize {
        self.chars
    }

    pub fn is_empty(&self) -> bool {
        self.chars == 0
    }

    /// Move the typed password out into a [`Secret`].
    pub(super) fn take(&mut self) -> Secret {
        let mut taken = String::with_capacity(MAX_PASSWORD * 4);
        taken.push_str(&self.value);
        self.clear();
        Secret::new(taken)
    }
}

impl fmt::Debug for PasswordInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PasswordInput({})", crate::secret::MASK)
    }
}
