//! Small drawing helpers shared by the screens.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{HighlightSpacing, List, ListItem, Paragraph};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::event::StepStatus;

use super::super::strings as s;
use super::super::theme::Theme;

pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// `text` safe to put on a terminal: control characters (ESC above all,
/// which could start an escape sequence a server chose) become `�`.
/// Servers' words reach the screen through transcripts, step details and
/// findings; the engine escapes them, and this is the second guard.
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// `text` cut to `width` columns (with "…" when cut), padded with spaces.
pub fn fit(text: &str, width: usize) -> String {
    let mut out = cut(text, width);
    let w = out.width();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}

/// `text` cut to at most `width` columns, with "…" when cut.
pub fn cut(text: &str, width: usize) -> String {
    let text = &clean(text);
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
/// The right part wins when both do not fit: the left one is cut short
/// of it, never drawn under it.
pub fn header(frame: &mut Frame, area: Rect, left: Line<'_>, right: Line<'_>) {
    let right_width = right.width() as u16;
    let gap = u16::from(right_width > 0);
    let left_area = Rect {
        width: area.width.saturating_sub(right_width + gap),
        ..area
    };
    frame.render_widget(Paragraph::new(left), left_area);
    frame.render_widget(Paragraph::new(right).alignment(Alignment::Right), area);
}

/// The title line of the account, symptom and form screens:
/// " mailfix  TITLE", with the demo marker on the right in the demo.
pub fn app_header(frame: &mut Frame, area: Rect, title: &str, demo: bool, theme: Theme) {
    let right = if demo {
        Line::from(Span::styled(format!("{} ", s::DEMO_MARKER), theme.accent()))
    } else {
        Line::default()
    };
    let left = Line::from(vec![
        Span::styled(format!(" {}  ", s::APP), theme.title()),
        Span::raw(clean(title)),
    ]);
    header(frame, area, left, right);
}

/// A list whose selected row is marked " ▶ " and drawn in reverse.
pub fn choice_list<'a>(items: Vec<ListItem<'a>>, theme: Theme) -> List<'a> {
    List::new(items)
        .highlight_symbol(" ▶ ")
        .highlight_spacing(HighlightSpacing::Always)
        .highlight_style(theme.selected())
}

/// "  incoming  IMAP mail.example.org:993 TLS": a setting under its label.
pub fn setting(label: &str, value: &str, theme: Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!(" {label:<9} "), theme.dim()),
        Span::raw(clean(value)),
    ])
}

/// A horizontal rule, with an optional title in it.
pub fn rule(width: u16, title: &str, style: Style) -> Line<'static> {
    let text = if title.is_empty() {
        "─".repeat(usize::from(width))
    } else {
        let head = format!("── {title} ");
        let rest = usize::from(width).saturating_sub(head.width());
        format!("{head}{}", "─".repeat(rest))
    };
    Line::from(Span::styled(text, style))
}

/// `text` broken into lines of at most `width` columns, at spaces where
/// possible (a word longer than a line is cut).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let text = &clean(text);
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let needed = if current.is_empty() {
            word.width()
        } else {
            current.width() + 1 + word.width()
        };
        if needed > width && !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
        while current.width() > width {
            let head = cut(&current, width + 1);
            let mut head: String = head.chars().take(head.chars().count() - 1).collect();
            if head.is_empty() {
                // A character wider than the line: give it a line of its own.
                head = current.chars().take(1).collect();
            }
            let rest = current[head.len()..].to_owned();
            lines.push(head);
            current = rest;
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
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

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(cut("a\x1b[2Jb", 20), "a\u{FFFD}[2Jb");
        assert_eq!(wrap("x\ry", 20), ["x\u{FFFD}y"]);
        assert!(!fit("\x07\x1b", 5).chars().any(char::is_control));
    }

    #[test]
    fn wrap_breaks_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("a →→ b", 4), ["a →→", "b"]);
    }
}
