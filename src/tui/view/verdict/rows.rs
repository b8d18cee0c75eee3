//! One row per cause of the category: its number, title and state, and
//! what it says beside them (or, on two lines, under them).
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::finding::Diagnosis;
use crate::tui::strings as s;
use crate::tui::theme::Theme;
use crate::tui::verdict::{CauseRow, RowState, applying, short_reason};
use crate::tui::view::widgets::{cut, fit};

use super::Plan;

/// Ruled out or gone: the row has a reason to show.
pub(super) fn has_reason(row: &CauseRow) -> bool {
    matches!(row.state(), RowState::RuledOut | RowState::Gone) && !row.ruled_out.is_empty()
}

/// What a row says beside its title: "#1 likely · incoming",
/// "ruled out: port 993 answered", "gone — port 993 serves IMAP".
pub(super) fn row_text(row: &CauseRow, diagnosis: &Diagnosis, hosts: &[String]) -> String {
    match row.state() {
        RowState::Applies => {
            let word = row.confidence().map(s::confidence).unwrap_or(s::APPLIES);
            let services: Vec<String> = row.services().iter().map(|s| s.to_string()).collect();
            let mut text = match row.rank {
                Some(rank) if applying(row.cause.id.category, diagnosis) > 1 => {
                    format!("#{rank} {word} · {}", services.join(", "))
                }
                _ => format!("{word} · {}", services.join(", ")),
            };
            if row.is_new() {
                text.push_str(&format!(" · {}", s::NEW));
            }
            text
        }
        RowState::Gone => match row.ruled_out.first() {
            Some(r) => format!("{} — {}", s::GONE, short_reason(&r.reason, hosts)),
            None => s::GONE.to_owned(),
        },
        RowState::RuledOut => ruled_out_text(row, hosts),
        RowState::NotChecked => s::NOT_CHECKED.to_owned(),
    }
}

/// A cause's row (and, on two lines, its reason under it).
pub(super) fn row_lines(
    plan: &Plan,
    row: &CauseRow,
    text: &str,
    selected: bool,
    theme: Theme,
    lines: &mut Vec<Line<'static>>,
) {
    let (two_line, title_width) = (plan.two_line, plan.title_width);
    let marker = if selected { " ▶" } else { "  " };
    let title = format!("{} {}", row.cause.id.number, row.cause.title);
    let (glyph, style) = match row.state() {
        RowState::Applies => ("●", theme.applies()),
        RowState::Gone | RowState::RuledOut => ("✓", theme.ok()),
        RowState::NotChecked => ("·", theme.dim()),
    };
    let width = usize::from(plan.width);
    let row_style = if selected {
        theme.selected()
    } else {
        Style::new()
    };
    // On two lines, the state's word stays beside the title and the
    // reason goes below it, under the title.
    let below = two_line && has_reason(row);
    let (beside, reason) = match (below, row.state()) {
        (true, RowState::RuledOut) => (
            s::RULED_OUT.to_owned(),
            text.split_once(": ").map(|(_, r)| r.to_owned()),
        ),
        (true, _) => match text.split_once(" — ") {
            Some((head, reason)) => (head.to_owned(), Some(reason.to_owned())),
            None => (text.to_owned(), None),
        },
        _ => (text.to_owned(), None),
    };
    let rest = width.saturating_sub(2 + 1 + title_width + 3);
    lines.push(
        Line::from(vec![
            Span::raw(marker),
            Span::raw(" "),
            Span::raw(fit(&title, title_width)),
            Span::styled(format!(" {glyph} "), style),
            Span::styled(cut(&beside, rest), style),
        ])
        .style(row_style),
    );
    if below {
        let reason = reason.unwrap_or_default();
        lines.push(Line::from(vec![
            Span::raw("       "),
            Span::styled(cut(&reason, width.saturating_sub(8)), theme.dim()),
        ]));
    }
}

fn ruled_out_text(row: &CauseRow, hosts: &[String]) -> String {
    match row.ruled_out.as_slice() {
        [one] => format!("{}: {}", s::RULED_OUT, short_reason(&one.reason, hosts)),
        // The first reason stands for all; the details list each.
        many => format!(
            "{} ({}): {}",
            s::RULED_OUT,
            many.len(),
            short_reason(&many[0].reason, hosts)
        ),
    }
}
