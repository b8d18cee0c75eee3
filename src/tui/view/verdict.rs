//! Screen 4: the verdict. Every numbered cause of the category with its
//! state and reason; the selected one's evidence and fix below (scrolled
//! with PgUp/PgDn when long); what changed since the last run on top;
//! other categories' findings and notes at the bottom.
//!
//! At 80×24 every cause is one row, its reason shortened; when the
//! terminal is tall enough and the reasons do not fit beside the titles,
//! each reason gets a line of its own under its cause.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::account::Service;
use crate::catalogue::Category;
use crate::finding::Diagnosis;
use crate::plan::{Scope, normalise_host};

use super::super::changes::settings_changes;
use super::super::model::{Model, Outcome};
use super::super::strings as s;
use super::super::theme::Theme;
use super::super::verdict::{
    self as v, CategoryState, CauseRow, RowState, also_found, applying, category_state, cause_rows,
    short_reason,
};
use super::cause_detail::{detail_lines, fix_hint};
use super::widgets::{clean, cut, fit, header, rule};

/// Lines of details the layout keeps at the least.
const MIN_DETAIL: u16 = 4;

/// Where everything goes, worked out from the model alone (so `update`
/// can clamp the detail scroll with the same numbers `view` draws with).
struct Plan<'a> {
    outcome: &'a Outcome,
    previous: Option<&'a Outcome>,
    rows: Vec<CauseRow<'a>>,
    /// What each row says beside its title.
    texts: Vec<String>,
    changed: Vec<String>,
    bottom: Vec<Line<'static>>,
    /// Reasons on a line of their own under each cause.
    two_line: bool,
    list_height: u16,
    title_width: usize,
    width: u16,
    /// The selected cause's details, and how many lines they get.
    detail: Vec<Line<'static>>,
    detail_height: u16,
    /// Its one-key fix, on the line under the details.
    hint: Option<Line<'static>>,
}

fn plan(model: &Model, area: Rect, theme: Theme) -> Option<Plan<'_>> {
    let outcome = model.outcome()?;
    let previous = model.compared_with();
    let category = model.verdict.category;
    let rows = cause_rows(category, &outcome.diagnosis, previous.map(|p| &p.diagnosis));
    let changed: Vec<String> = previous
        .map(|p| settings_changes(p.settings(), outcome.settings()))
        .unwrap_or_default();
    let bottom = bottom_lines(outcome, category, theme, area.width);
    let title_width = rows
        .iter()
        .map(|r| r.cause.title.width() + 2)
        .max()
        .unwrap_or(0);
    let hosts = hosts(outcome);
    let texts: Vec<String> = rows
        .iter()
        .map(|r| row_text(r, &outcome.diagnosis, &hosts))
        .collect();
    let beside = usize::from(area.width).saturating_sub(2 + 1 + title_width + 3);
    let longest = texts.iter().map(|t| t.width()).max().unwrap_or(0);
    let fixed = 1 + 1 + u16::from(!changed.is_empty()) + 1 + 1 + bottom.len().min(4) as u16;
    let rows_height = rows.len() as u16;
    let with_reason = rows.iter().filter(|r| has_reason(r)).count() as u16;
    let two_line =
        longest > beside && area.height >= fixed + rows_height + with_reason + MIN_DETAIL + 4;
    let list_height = rows_height + if two_line { with_reason } else { 0 };
    let selected = rows.get(model.verdict.cursor);
    let hint = selected.and_then(|row| fix_hint(row, area.width, theme));
    let detail_height = area
        .height
        .saturating_sub(fixed + list_height + u16::from(hint.is_some()))
        .max(1);
    let detail = selected
        .map(|row| detail_lines(row, outcome, area.width, theme))
        .unwrap_or_default();
    Some(Plan {
        outcome,
        previous,
        rows,
        texts,
        changed,
        bottom,
        two_line,
        list_height,
        title_width,
        width: area.width,
        detail,
        detail_height,
        hint,
    })
}

/// Ruled out or gone: the row has a reason to show.
fn has_reason(row: &CauseRow) -> bool {
    matches!(row.state(), RowState::RuledOut | RowState::Gone) && !row.ruled_out.is_empty()
}

/// How far the selected cause's details can scroll in the model's
/// terminal size (0 when they fit).
pub fn detail_overflow(model: &Model) -> usize {
    let (width, height) = model.size;
    // The body: the screen less the status line and the footer.
    let area = Rect::new(0, 0, width, height.saturating_sub(2));
    plan(model, area, Theme::new(false)).map_or(0, |p| {
        p.detail.len().saturating_sub(usize::from(p.detail_height))
    })
}

pub fn draw(model: &Model, frame: &mut Frame, area: Rect, theme: Theme) {
    let Some(plan) = plan(model, area, theme) else {
        return;
    };
    let outcome = plan.outcome;
    let category = model.verdict.category;
    let list_height = plan.list_height;
    let [
        top,
        tabs,
        changes_area,
        rule1,
        list_area,
        rule2,
        detail_area,
        hint_area,
        bottom_area,
    ] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(u16::from(!plan.changed.is_empty())),
        Constraint::Length(1),
        Constraint::Length(list_height),
        Constraint::Length(1),
        Constraint::Length(plan.detail_height),
        Constraint::Length(u16::from(plan.hint.is_some())),
        Constraint::Length(plan.bottom.len().min(4) as u16),
    ])
    .areas(area);

    header(
        frame,
        top,
        heading(outcome, category, &plan.rows, theme),
        compare_note(plan.previous, outcome, theme),
    );
    frame.render_widget(
        Paragraph::new(tab_line(model, &outcome.diagnosis, theme)),
        tabs,
    );
    if !plan.changed.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(
                cut(
                    &format!(" {}", s::changed_settings(&plan.changed.join("; "))),
                    usize::from(area.width),
                ),
                theme.dim(),
            ))),
            changes_area,
        );
    }
    frame.render_widget(Paragraph::new(rule(area.width, "", theme.dim())), rule1);
    let mut lines: Vec<Line> = Vec::new();
    for (i, (row, text)) in plan.rows.iter().zip(&plan.texts).enumerate() {
        let selected = i == model.verdict.cursor;
        row_lines(&plan, row, text, selected, theme, &mut lines);
    }
    frame.render_widget(Paragraph::new(lines), list_area);

    // The rule under the list says when the details go on below.
    let hidden = plan
        .detail
        .len()
        .saturating_sub(usize::from(plan.detail_height));
    let scroll = model.verdict.scroll.min(hidden);
    let below = hidden - scroll;
    let note = match (scroll > 0, below > 0) {
        (_, true) => s::detail_more(below),
        (true, false) => s::DETAIL_TOP.to_owned(),
        (false, false) => String::new(),
    };
    frame.render_widget(Paragraph::new(rule(area.width, "", theme.dim())), rule2);
    if !note.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(format!(" {note} "), theme.key())))
                .alignment(ratatui::layout::Alignment::Right),
            rule2,
        );
    }
    // The details, and under them the one-key fix: right after them when
    // they fit, else on the last line, always in view.
    let mut shown: Vec<Line> = plan
        .detail
        .into_iter()
        .skip(scroll)
        .take(usize::from(plan.detail_height))
        .collect();
    shown.extend(plan.hint);
    let pane = Rect {
        height: detail_area.height + hint_area.height,
        ..detail_area
    };
    frame.render_widget(Paragraph::new(shown), pane);
    frame.render_widget(Paragraph::new(plan.bottom), bottom_area);
}

/// The account's server names, lowercased.
fn hosts(outcome: &Outcome) -> Vec<String> {
    [Service::Incoming, Service::Outgoing]
        .into_iter()
        .filter_map(|svc| outcome.settings().server(svc))
        .map(|server| normalise_host(&server.host))
        .collect()
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

/// What a row says beside its title: "#1 likely · incoming",
/// "ruled out: port 993 answered", "gone — port 993 serves IMAP".
fn row_text(row: &CauseRow, diagnosis: &Diagnosis, hosts: &[String]) -> String {
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
fn row_lines(
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
