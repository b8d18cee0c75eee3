//! Colours and emphasis. Colour is only ever a second channel: every
//! state also has a glyph (✓ ✗ ● ·) and a word. With `NO_COLOR` set (to
//! anything non-empty, per no-color.org) no colour is used at all; bold
//! and reverse video stay, as they are not colour.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn new(color: bool) -> Self {
        Theme { color }
    }

    /// Colour unless the environment's `NO_COLOR` is set and not empty.
    pub fn color_from_env() -> bool {
        std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn ok(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn bad(self) -> Style {
        self.fg(Color::Red)
    }

    /// A cause that applies.
    pub fn applies(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn running(self) -> Style {
        self.fg(Color::Cyan)
    }

    /// Secondary text: timings, hints, pending steps.
    pub fn dim(self) -> Style {
        self.fg(Color::DarkGray)
    }

    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The selected row: reverse video reads without colour too.
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn accent(self) -> Style {
        self.fg(Color::Magenta)
    }
}
