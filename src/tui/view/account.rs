//! Screen 1: which account.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{ListItem, ListState, Paragraph, Wrap};

use crate::account::Account;

use super::super::model::Model;
use super::super::strings as s;
use super::super::theme::Theme;
use super::widgets::{app_header, choice_list, clean, fit, rule, setting, wrap};

const NAME_WIDTH: usize = 16;

pub fn draw(model: &Model, frame: &mut Frame, area: Rect, theme: Theme) {
    let warnings = model.warnings.len().min(3) as u16;
    let warn_height = warnings + u16::from(warnings > 0);
    let rows = model.accounts.len() as u16 + 1;
    let room = area.height.saturating_sub(2 + warn_height + 1 + 6);
    let [top, _, warn_area, list_area, rule_area, details_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(warn_height),
        Constraint::Length(rows.min(room).max(1)),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(rule(area.width, "", theme.dim())), rule_area);

    app_header(frame, top, s::ACCOUNT_TITLE, model.demo, theme);

    let warn_lines: Vec<Line> = model
        .warnings
        .iter()
        .take(3)
        .map(|w| {
            Line::from(vec![
                Span::styled(format!(" {} ", s::ACCOUNT_WARNING), theme.applies()),
                Span::raw(clean(w)),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(warn_lines), warn_area);

    let width = usize::from(list_area.width).saturating_sub(4);
    let mut items: Vec<ListItem> = model
        .accounts
        .iter()
        .map(|entry| {
            let what = match (&entry.note, model.demo) {
                (Some(note), true) => note.clone(),
                _ => summary(&entry.account),
            };
            let changed = if entry.changed() { "*" } else { " " };
            let text = format!("{}{changed} {}", fit(&entry.account.name, NAME_WIDTH), what);
            ListItem::new(Line::from(fit(&text, width)))
        })
        .collect();
    items.push(ListItem::new(Line::from(Span::styled(
        s::ACCOUNT_NEW,
        theme.accent(),
    ))));
    let mut state = ListState::default().with_selected(Some(model.account_cursor));
    frame.render_stateful_widget(choice_list(items, theme), list_area, &mut state);

    frame.render_widget(
        Paragraph::new(details(model, theme)).wrap(Wrap { trim: false }),
        details_area,
    );
}

/// "alice@example.org  IMAP mail.example.org:993 TLS"
fn summary(account: &Account) -> String {
    let server = account
        .incoming
        .as_ref()
        .or(account.outgoing.as_ref())
        .map(|s| s.summary())
        .unwrap_or_default();
    format!("{:<24} {server}", account.email)
}

/// The selected account's settings in full, and the demo's note.
fn details(model: &Model, theme: Theme) -> Vec<Line<'static>> {
    let Some(entry) = model.accounts.get(model.account_cursor) else {
        let text = if model.accounts.is_empty() {
            s::ACCOUNT_NONE
        } else {
            s::ACCOUNT_NEW_HINT
        };
        return wrap(text, 76)
            .into_iter()
            .map(|l| Line::from(format!(" {l}")))
            .collect();
    };
    let account = &entry.account;
    let mut title = vec![
        Span::styled(format!(" {}", clean(&account.name)), theme.title()),
        Span::raw(format!("  {}", clean(&account.email))),
    ];
    if entry.changed() {
        title.push(Span::styled(
            format!("  * {}", s::ACCOUNT_CHANGED),
            theme.applies(),
        ));
    }
    let mut lines = vec![Line::from(title)];
    for (label, server) in [
        (s::LABEL_INCOMING, &account.incoming),
        (s::LABEL_OUTGOING, &account.outgoing),
    ] {
        let summary = server.as_ref().map(|s| s.summary());
        lines.push(setting(
            label,
            summary.as_deref().unwrap_or(s::NOT_SET),
            theme,
        ));
    }
    if let Some(store) = &account.store {
        lines.push(setting(s::LABEL_STORE, &s::store_summary(store), theme));
    }
    if let Some(note) = &entry.note {
        lines.push(setting(s::LABEL_NOTE, note, theme));
    }
    lines
}
