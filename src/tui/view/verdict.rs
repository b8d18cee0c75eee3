//! Screen 4: the verdict. Every numbered cause of the category with its
//! state and reason; the selected one's evidence and fix below; what
//! changed since the last run on top; other categories' findings and
//! notes at the bottom.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::account::Service;
use crate::catalogue::Category;
use crate::finding::Diagnosis;
use crate::plan::Scope;

use super::super::changes::settings_changes;
use super::super::model::{Model, Outcome};
use super::super::strings as s;
use super::super::theme::Theme;
use super::super::verdict::{
    self as v, CategoryState, CauseRow, RowState, also_found, category_state, cause_rows,
};
use super::cause_detail::detail_lines;
use super::widgets::{clean, cut, fit, header, rule};

pub fn draw(model: &Model, frame: &mut Frame, area: Rect, theme: Theme) {
    let Some(outcome) = model.outcome() else {
        return;
    };
    let previous = model.compared_with();
    let category = model.verdict.category;
    let rows = cause_rows(category, &outcome.diagnosis, previous.map(|p| &p.diagnosis));
    let bottom = bottom_lines(outcome, category, theme, area.width);
    let changed: Vec<String> = previous
        .map(|p| settings_changes(&p.settings, &outcome.settings))
        .unwrap_or_default();

    let [
        top,
        tabs,
        changes_area,
        rule1,
        list_area,
        rule2,
        detail_area,
        bottom_area,
    ] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(u16::from(!changed.is_empty())),
        Constraint::Length(1),
        Constraint::Length(rows.len() as u16),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(bottom.len().min(4) as u16),
    ])
    .areas(area);

    header(
        frame,
        top,
        heading(outcome, category, &rows, theme),
        compare_note(previous, outcome, theme),
    );
    frame.render_widget(
        Paragraph::new(tab_line(model, &outcome.diagnosis, theme)),
        tabs,
    );
    if !changed.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(
                cut(
                    &format!(" {}", s::changed_settings(&changed.join("; "))),
                    usize::from(area.width),
                ),
                theme.dim(),
            ))),
            changes_area,
        );
    }
    frame.render_widget(Paragraph::new(rule(area.width, "", theme.dim())), rule1);
    let title_width = rows
        .iter()
        .map(|r| r.cause.title.chars().count() + 2)
        .max()
        .unwrap_or(0);
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row_line(
                row,
                i == model.verdict.cursor,
                title_width,
                area.width,
                theme,
            )
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list_area);
    frame.render_widget(Paragraph::new(rule(area.width, "", theme.dim())), rule2);
    if let Some(row) = rows.get(model.verdict.cursor) {
        frame.render_widget(
            Paragraph::new(detail_lines(row, outcome, detail_area.width, theme))
                .wrap(Wrap { trim: false }),
            detail_area,
        );
    }
    frame.render_widget(Paragraph::new(bottom), bottom_area);
}

/// "Could not connect · outgoing SMTP", or "…: no problem found".
fn heading(
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
        .map(|svc| match outcome.settings.server(*svc) {
            Some(server) => format!("{svc} {}", server.protocol.label()),
            None => svc.to_string(),
        })
        .collect();
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
        format!("  ({})", clean(&outcome.settings.name)),
        theme.dim(),
    ));
    Line::from(spans)
}

/// "checked again: 1 gone ✓" on the right after a re-probe.
fn compare_note(previous: Option<&Outcome>, outcome: &Outcome, theme: Theme) -> Line<'static> {
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
fn tab_line(model: &Model, diagnosis: &Diagnosis, theme: Theme) -> Line<'static> {
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

fn row_line(
    row: &CauseRow,
    selected: bool,
    title_width: usize,
    width: u16,
    theme: Theme,
) -> Line<'static> {
    let marker = if selected { " ▶" } else { "  " };
    let title = format!("{} {}", row.cause.id.number, row.cause.title);
    let (glyph, state_style, text) = match row.state() {
        RowState::Applies => {
            let word = row.confidence().map(s::confidence).unwrap_or(s::APPLIES);
            let services: Vec<String> = row.services().iter().map(|s| s.to_string()).collect();
            let mut text = format!("{word} · {}", services.join(", "));
            if row.is_new() {
                text.push_str(&format!(" · {}", s::NEW));
            }
            ("●", theme.applies(), text)
        }
        RowState::Gone => {
            let reason = row
                .ruled_out
                .first()
                .map(|r| format!(" — {}", r.reason))
                .unwrap_or_default();
            ("✓", theme.ok(), format!("{}{reason}", s::GONE))
        }
        RowState::RuledOut => ("✓", theme.ok(), ruled_out_text(row)),
        RowState::NotChecked => ("·", theme.dim(), s::NOT_CHECKED.to_owned()),
    };
    let rest = usize::from(width).saturating_sub(2 + 1 + title_width + 3);
    let mut line = Line::from(vec![
        Span::raw(marker),
        Span::raw(" "),
        Span::raw(fit(&title, title_width)),
        Span::styled(format!(" {glyph} "), state_style),
        Span::styled(cut(&text, rest), state_style),
    ]);
    if selected {
        line = line.style(theme.selected());
    }
    line
}

fn ruled_out_text(row: &CauseRow) -> String {
    match row.ruled_out.as_slice() {
        [one] => format!("{}: {}", s::RULED_OUT, one.reason),
        many => {
            let reasons: Vec<String> = many
                .iter()
                .map(|r| s::ruled_out_for(r.service, &r.reason))
                .collect();
            format!("{}: {}", s::RULED_OUT, reasons.join("; "))
        }
    }
}

/// "Also found", notes, and a word when the deadline cut the run short.
fn bottom_lines(
    outcome: &Outcome,
    category: Category,
    theme: Theme,
    width: u16,
) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let mut lines = Vec::new();
    let others = also_found(category, &outcome.diagnosis);
    if !others.is_empty() {
        let list: Vec<String> = others
            .iter()
            .map(|f| format!("{} {} ({})", f.cause, f.cause.title(), f.service))
            .collect();
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", s::ALSO_FOUND), theme.applies()),
            Span::raw(cut(
                &format!("{}  ←→", list.join("; ")),
                width.saturating_sub(14),
            )),
        ]));
    } else if outcome.scope == Scope::Everything {
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", s::ALSO_FOUND), theme.dim()),
            Span::raw(s::ALSO_FOUND_NONE),
        ]));
    }
    for note in &outcome.diagnosis.notes {
        let glyph = if note.problem { "✗" } else { "·" };
        lines.push(Line::from(Span::raw(cut(
            &format!(" {} {glyph} {}", s::NOTE, note.text),
            width,
        ))));
    }
    for note in &outcome.report.run_notes {
        lines.push(Line::from(Span::raw(cut(
            &format!(" {} · {note}", s::NOTE),
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
