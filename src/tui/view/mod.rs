//! `view`: draws the model. Pure: reads the model, writes the frame,
//! nothing else.

mod account;
mod form;
mod help;
mod log;
mod probing;
mod symptom;
mod verdict;
pub(crate) mod widgets;

pub(crate) use verdict::detail_overflow;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::keys::{self, Action};
use super::model::{Model, Screen};
use super::strings as s;
use super::theme::Theme;

/// The smallest terminal the wizard draws in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub fn view(model: &Model, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme::new(model.color);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return;
    }
    let [body, status, footer_area] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    match model.screen {
        Screen::Account => account::draw(model, frame, body, theme),
        Screen::Symptom => symptom::draw(model, frame, body, theme),
        Screen::Probing => probing::draw(model, frame, body, theme),
        Screen::Verdict => verdict::draw(model, frame, body, theme),
        Screen::Log => log::draw(model, frame, body, theme),
        Screen::Form => form::draw(model, frame, body, theme),
    }
    if let Some(flash) = &model.flash {
        let (glyph, style) = if flash.problem {
            ("✗ ", theme.bad())
        } else {
            ("✓ ", theme.ok())
        };
        let line = Line::from(vec![
            Span::raw(" "),
            Span::styled(glyph, style),
            Span::raw(widgets::cut(
                &flash.text,
                usize::from(area.width).saturating_sub(4),
            )),
        ]);
        frame.render_widget(Paragraph::new(line), status);
    }
    frame.render_widget(
        Paragraph::new(footer(model, area.width, theme)),
        footer_area,
    );
    if model.help {
        help::draw(model, frame, area, theme);
    }
}

fn too_small(frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = s::too_small(area.width, area.height)
        .into_iter()
        .map(Line::from)
        .collect();
    let top = area.height.saturating_sub(lines.len() as u16) / 2;
    let rect = Rect {
        y: area.y + top,
        height: area.height - top,
        ..area
    };
    frame.render_widget(Paragraph::new(lines).alignment(Alignment::Center), rect);
}

fn is_movement(action: Action) -> bool {
    matches!(
        action,
        Action::Up
            | Action::Down
            | Action::Left
            | Action::Right
            | Action::PageUp
            | Action::PageDown
            | Action::PrevField
            | Action::NextField
    )
}

/// The key hints of the current screen, from the key table, leaving out
/// what would do nothing now; movement hints go first when space is short.
fn footer(model: &Model, width: u16, theme: Theme) -> Line<'static> {
    let mut items: Vec<(Action, &'static str, &'static str)> = keys::bindings_for(model.screen)
        .filter_map(|b| b.footer.map(|label| (b.action, label, b.what)))
        .filter(|(action, _, _)| model.available(*action))
        .collect();
    let len = |items: &[(Action, &str, &str)]| {
        items
            .iter()
            .map(|(_, k, w)| k.width() + 1 + w.width() + 2)
            .sum::<usize>()
            + 1
    };
    while len(&items) > usize::from(width) {
        match items.iter().position(|(a, _, _)| is_movement(*a)) {
            Some(i) => {
                items.remove(i);
            }
            None => {
                items.pop();
            }
        }
    }
    let mut spans = vec![Span::raw(" ")];
    for (_, key, what) in items {
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    Line::from(spans)
}
