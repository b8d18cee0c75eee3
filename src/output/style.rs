//! ANSI colours as a second channel: every line already says what it
//! means in words and symbols (✓ ✗ !), colour only underlines it.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub enabled: bool,
}

impl Palette {
    pub const PLAIN: Palette = Palette { enabled: false };
    pub const COLOR: Palette = Palette { enabled: true };

    fn paint(self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn heading(self, text: &str) -> String {
        self.paint("1", text)
    }
    pub fn bad(self, text: &str) -> String {
        self.paint("1;31", text)
    }
    pub fn good(self, text: &str) -> String {
        self.paint("1;32", text)
    }
    pub fn warn(self, text: &str) -> String {
        self.paint("33", text)
    }
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
    pub fn label(self, text: &str) -> String {
        self.paint("36", text)
    }
}
