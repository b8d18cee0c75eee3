//! Screen 2: what goes wrong.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{ListItem, ListState, Paragraph};

use crate::plan::Scope;

use super::super::model::{Model, SYMPTOMS};
use super::super::strings as s;
use super::super::theme::Theme;
use super::widgets::{app_header, choice_list, setting};

pub fn draw(model: &Model, frame: &mut Frame, area: Rect, theme: Theme) {
    let Some(entry) = model.chosen_entry() else {
        return;
    };
    let [top, _, list_area, _, settings_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(SYMPTOMS.len() as u16),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area);
    let title = s::symptom_title(&entry.account.name);
    app_header(frame, top, &title, model.demo, theme);

    let items: Vec<ListItem> = SYMPTOMS
        .iter()
        .map(|scope| match scope {
            Scope::Everything => ListItem::new(Line::from(vec![
                Span::raw(s::CHECK_EVERYTHING),
                Span::styled(format!("   {}", s::CHECK_EVERYTHING_HINT), theme.dim()),
            ])),
            Scope::Only(category) => ListItem::new(Line::from(s::symptom(*category))),
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(model.symptom_cursor));
    frame.render_stateful_widget(choice_list(items, theme), list_area, &mut state);

    let account = &entry.account;
    let mut lines = Vec::new();
    for (label, server) in [
        (s::LABEL_INCOMING, &account.incoming),
        (s::LABEL_OUTGOING, &account.outgoing),
    ] {
        if let Some(server) = server {
            lines.push(setting(label, &server.summary(), theme));
        }
    }
    if let Some(store) = &account.store {
        lines.push(setting(s::LABEL_STORE, &s::store_summary(store), theme));
    }
    if entry.changed() {
        lines.push(Line::from(Span::styled(
            format!(" * {}", s::ACCOUNT_CHANGED),
            theme.applies(),
        )));
    }
    frame.render_widget(Paragraph::new(lines), settings_area);
}
