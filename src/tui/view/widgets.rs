//! Small drawing helpers shared by the screens.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::event::StepStatus;

use super::super::theme::Theme;

pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// `text` cut to `width` columns (with "…" when cut), padded with spaces.
pub fn fit(text: &str, width: usize) -> String {
    let mut out = cut(text, width);
    let w = out.width();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}

/// `text` cut to at most `width` columns, with "…" when cut.
pub fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// A title line with something on the right (the demo marker, a timer).
pub fn header(frame: &mut Frame, area: Rect, left: Line<'_>, right: Line<'_>) {
    frame.render_widget(Paragraph::new(left), area);
    frame.render_widget(Paragraph::new(right).alignment(Alignment::Right), area);
}

/// A horizontal rule, with an optional title in it.
pub fn rule(width: u16, title: &str, style: Style) -> Line<'static> {
    let lead = "── ";
    let used = lead.width() + title.width();
    let rest = usize::from(width).saturating_sub(used);
    Line::from(vec![
        Span::styled(lead, style),
        Span::styled(title.to_owned(), style),
        Span::styled("─".repeat(rest), style),
    ])
}

/// The glyph and style of a step status; the spinner turns while running.
pub fn status_glyph(status: StepStatus, spinner: usize, theme: Theme) -> Span<'static> {
    match status {
        StepStatus::Running => Span::styled(SPINNER[spinner % SPINNER.len()], theme.running()),
        StepStatus::Ok => Span::styled("✓", theme.ok()),
        StepStatus::Failed | StepStatus::TimedOut => Span::styled("✗", theme.bad()),
        StepStatus::Skipped => Span::styled("–", theme.dim()),
    }
}

/// The word a status adds when the engine gave no detail.
pub fn status_word(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Running => "",
        StepStatus::Ok => "ok",
        StepStatus::Failed => "failed",
        StepStatus::TimedOut => "timed out",
        StepStatus::Skipped => "skipped",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_and_pads_by_columns() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("→→→", 2), "→…");
        assert_eq!(cut("", 0), "");
    }
}
