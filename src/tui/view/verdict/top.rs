//! The lines above the verdict's list: the heading, what changed since
//! the run before, and the category tabs.
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::account::Service;
use crate::catalogue::Category;
use crate::finding::Diagnosis;
use crate::plan::Scope;
use crate::tui::model::{Model, Outcome};
use crate::tui::strings as s;
use crate::tui::theme::Theme;
use crate::tui::verdict::{self as v, CategoryState, CauseRow, category_state};
use crate::tui::view::widgets::cut;

/// "Could not connect · outgoing SMTP", or "…: no problem found".
pub(super) fn heading(
    outcome: &Outcome,
    category: Category,
    rows: &[CauseRow],
    theme: Theme,
) -> Line<'static> {
    let mut services: Vec<Service> = rows.iter().flat_map(|r| r.services()).collect();
    services.sort();
    services.dedup();
    let names: Vec<String> = services
        .iter()
        .map(|svc| match outcome.settings().server(*svc) {
            Some(server) => format!("{svc} {}", server.protocol.label()),
            None => svc.to_string(),
        })
        .collect();
    let all_clear = outcome.scope == Scope::Everything && outcome.diagnosis.is_ok();
    if all_clear {
        return Line::from(vec![
            Span::styled(" ✓ ", theme.ok()),
            Span::styled(s::ALL_CLEAR, theme.title()),
            Span::styled(
                format!("  ({})", cut(&outcome.settings().name, 24)),
                theme.dim(),
            ),
        ]);
    }
    let mut spans = vec![Span::styled(
        format!(" {}", s::verdict_heading(category, &names.join(", "))),
        theme.title(),
    )];
    match category_state(category, &outcome.diagnosis) {
        CategoryState::Applies(_) => {}
        CategoryState::Clear => {
            spans.push(Span::styled(format!(": {}", s::NO_PROBLEM), theme.ok()))
        }
        CategoryState::NotChecked => spans.push(Span::styled(
            format!(": {}", s::NOT_CHECKED_CATEGORY),
            theme.dim(),
        )),
    }
    spans.push(Span::styled(
        format!("  ({})", cut(&outcome.settings().name, 24)),
        theme.dim(),
    ));
    Line::from(spans)
}

/// "checked again: 1 gone ✓" on the right after a re-probe.
pub(super) fn compare_note(
    previous: Option<&Outcome>,
    outcome: &Outcome,
    theme: Theme,
) -> Line<'static> {
    let Some(previous) = previous else {
        return Line::default();
    };
    let (gone, new) = v::finding_changes(&previous.diagnosis, &outcome.diagnosis);
    let style = if new > 0 { theme.applies() } else { theme.ok() };
    Line::from(Span::styled(
        format!("{} ", s::reprobe_summary(gone, new)),
        style,
    ))
}

/// " Connect ●1 │ Login ✓ │ Broken · │ …", the current one in brackets.
pub(super) fn tab_line(model: &Model, diagnosis: &Diagnosis, theme: Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (i, category) in Category::ALL.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" │ ", theme.dim()));
        }
        let (mark, style) = match category_state(*category, diagnosis) {
            CategoryState::Applies(n) => (format!("●{n}"), theme.applies()),
            CategoryState::Clear => ("✓".to_owned(), theme.ok()),
            CategoryState::NotChecked => ("·".to_owned(), theme.dim()),
        };
        let current = *category == model.verdict.category;
        let label = if current {
            format!("[{}", category.label())
        } else {
            category.label().to_owned()
        };
        let name_style = if current { theme.title() } else { Style::new() };
        spans.push(Span::styled(label, name_style));
        spans.push(Span::raw(" "));
        spans.push(Span::styled(mark, style));
        if current {
            spans.push(Span::styled("]", theme.title()));
        }
    }
    Line::from(spans)
}
