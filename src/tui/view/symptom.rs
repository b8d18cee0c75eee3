//! Screen 2: what goes wrong.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

use crate::plan::Scope;

use super::super::model::{Model, SYMPTOMS};
use super::super::strings as s;
use super::super::theme::Theme;
use super::widgets::{clean, header};

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
    let right = if model.demo {
        Line::from(Span::styled(format!("{} ", s::DEMO_MARKER), theme.accent()))
    } else {
        Line::default()
    };
    header(
        frame,
        top,
        Line::from(vec![
            Span::styled(format!(" {}  ", s::APP), theme.title()),
            Span::raw(clean(&s::symptom_title(&entry.account.name))),
        ]),
        right,
    );

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
    let list = List::new(items)
        .highlight_symbol(" ▶ ")
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always)
        .highlight_style(theme.selected());
    let mut state = ListState::default().with_selected(Some(model.symptom_cursor));
    frame.render_stateful_widget(list, list_area, &mut state);

    let account = &entry.account;
    let label = |text: &str| Span::styled(format!(" {text:<9} "), theme.dim());
    let mut lines = Vec::new();
    for (name, server) in [
        (s::LABEL_INCOMING, &account.incoming),
        (s::LABEL_OUTGOING, &account.outgoing),
    ] {
        if let Some(server) = server {
            lines.push(Line::from(vec![
                label(name),
                Span::raw(clean(&server.summary())),
            ]));
        }
    }
    if let Some(store) = &account.store {
        lines.push(Line::from(vec![
            label(s::LABEL_STORE),
            Span::raw(clean(&format!(
                "{} {}",
                store.format.as_str(),
                store.path.display()
            ))),
        ]));
    }
    if entry.changed() {
        lines.push(Line::from(Span::styled(
            format!(" * {}", s::ACCOUNT_CHANGED),
            theme.applies(),
        )));
    }
    frame.render_widget(Paragraph::new(lines), settings_area);
}
