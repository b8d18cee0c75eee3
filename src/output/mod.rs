//! What `mailfix check` prints: [`text`] for people, [`json`] for scripts
//! (the contract of design.md, one object per line per account), and
//! [`markdown`] for the report a helpdesk reads (`--report`).

pub mod json;
pub mod markdown;
mod style;
pub mod text;

use std::io::IsTerminal;

use crate::finding::{Confidence, Diagnosis};

pub use style::Palette;

/// Colour only on a terminal, and never when `NO_COLOR` is set to a
/// non-empty value (<https://no-color.org>).
pub fn color_wanted() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && std::io::stdout().is_terminal()
}

/// Text from servers and files made safe for a terminal: control
/// characters (escape sequences included) are shown escaped, never sent.
pub fn printable(text: &str) -> String {
    crate::proto::escape::escape_controls(text, usize::MAX)
}

/// What a finding's title gets after it: nothing when certain.
fn hedge(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::Certain => "",
        Confidence::Likely => " (likely)",
        Confidence::Possible => " (possible)",
    }
}

/// Findings and problem notes: what the verdict line counts.
fn problem_count(diagnosis: &Diagnosis) -> usize {
    diagnosis.findings.len() + diagnosis.notes.iter().filter(|n| n.problem).count()
}
