//! The foot of the verdict: findings of the other categories, notes,
//! and a word when the deadline cut the run short.
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::catalogue::Category;
use crate::plan::Scope;
use crate::tui::model::Outcome;
use crate::tui::strings as s;
use crate::tui::theme::Theme;
use crate::tui::verdict::also_found;
use crate::tui::view::widgets::{clean, cut};

/// "Also found", notes, and a word when the deadline cut the run short.
pub(super) fn bottom_lines(
    outcome: &Outcome,
    category: Category,
    theme: Theme,
    width: u16,
) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let mut lines = Vec::new();
    let others = also_found(category, &outcome.diagnosis);
    if !others.is_empty() {
        let mut list: Vec<String> = Vec::new();
        for f in &others {
            let item = s::also_found_item(
                f.cause.category.label(),
                f.cause.number,
                f.cause.title(),
                f.service,
            );
            if !list.contains(&item) {
                list.push(item);
            }
        }
        let lead = format!(" {} ", s::ALSO_FOUND);
        lines.push(Line::from(vec![
            Span::styled(lead.clone(), theme.applies()),
            Span::raw(cut(
                &format!("{}  (←→)", list.join("; ")),
                width.saturating_sub(lead.width()),
            )),
        ]));
    } else if outcome.scope == Scope::Everything {
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", s::ALSO_FOUND), theme.dim()),
            Span::raw(s::ALSO_FOUND_NONE),
        ]));
    }
    for note in &outcome.diagnosis.notes {
        let (lead, style) = if note.problem {
            (format!(" ✗ {} ", s::PROBLEM), theme.bad())
        } else {
            (format!(" {} ", s::NOTE), theme.dim())
        };
        lines.push(Line::from(vec![
            Span::styled(lead.clone(), style),
            Span::raw(cut(&clean(&note.text), width.saturating_sub(lead.width()))),
        ]));
    }
    for note in &outcome.report.run_notes {
        if outcome.diagnosis.notes.iter().any(|n| n.text == *note) {
            continue;
        }
        lines.push(Line::from(Span::raw(cut(
            &format!(" {} {note}", s::NOTE),
            width,
        ))));
    }
    if outcome.report.deadline_hit {
        lines.push(Line::from(Span::styled(
            cut(&format!(" {} {}", s::NOTE, s::DEADLINE_HIT), width),
            theme.applies(),
        )));
    }
    if outcome.diagnosis.findings.is_empty() && outcome.diagnosis.notes.iter().any(|n| n.problem) {
        lines.push(Line::from(Span::raw(cut(
            &format!(" {}", s::UNCATALOGUED_HINT),
            width,
        ))));
    }
    lines
}
