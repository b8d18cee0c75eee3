//! Screen 4: the verdict. Every numbered cause of the category with its
//! state and reason; the selected one's evidence and fix below (scrolled
//! with PgUp/PgDn when long); what changed since the last run on top;
//! other categories' findings and notes at the bottom.
//!
//! At 80×24 every cause is one row, its reason shortened; when the
//! terminal is tall enough and the reasons do not fit beside the titles,
//! each reason gets a line of its own under its cause.
//!
//! This file lays the screen out; `top` draws the lines above the list,
//! `rows` the list, `detail` the selected cause's pane and `bottom` the
//! foot.

mod bottom;
mod detail;
mod rows;
mod top;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::account::Service;
use crate::plan::normalise_host;

use super::super::changes::settings_changes;
use super::super::model::{Model, Outcome};
use super::super::strings as s;
use super::super::theme::Theme;
use super::super::verdict::{CauseRow, cause_rows};
use super::widgets::{cut, header, rule};
use bottom::bottom_lines;
use detail::{detail_lines, fix_hint};
use rows::{has_reason, row_lines, row_text};
use top::{compare_note, heading, tab_line};

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
