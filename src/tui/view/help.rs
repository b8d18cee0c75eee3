//! The help overlay (`?`): the current screen's keys, from the key table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::super::keys::{self, Binding};
use super::super::model::Model;
use super::super::strings as s;
use super::super::theme::Theme;

pub fn draw(model: &Model, frame: &mut Frame, area: Rect, theme: Theme) {
    let mut seen: Vec<&str> = Vec::new();
    let bindings: Vec<&Binding> = keys::bindings_for(model.screen)
        .filter(|b| {
            // Up and Down share a sentence; list it once with both keys.
            if seen.contains(&b.long) {
                false
            } else {
                seen.push(b.long);
                true
            }
        })
        .collect();
    let mut lines = vec![Line::from(Span::raw(s::HELP_ABOUT)), Line::default()];
    let rows: Vec<(String, &str)> = bindings
        .iter()
        .map(|binding| {
            let all_keys: Vec<String> = keys::bindings_for(model.screen)
                .filter(|b| b.long == binding.long)
                .map(keys::keys_label)
                .collect();
            (all_keys.join(" "), binding.long)
        })
        .collect();
    let key_width = rows.iter().map(|(k, _)| k.width()).max().unwrap_or(0) + 2;
    for (keys, long) in rows {
        lines.push(Line::from(vec![
            Span::styled(format!("{keys:<key_width$}"), theme.key()),
            Span::raw(long),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(s::HELP_LEGEND, theme.dim())));
    lines.push(Line::from(Span::styled(s::HELP_FOOTER, theme.dim())));

    let width = area.width.saturating_sub(6).min(74);
    let inner = usize::from(width.saturating_sub(4)).max(1);
    let wrapped: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let height = (wrapped as u16 + 2).min(area.height.saturating_sub(2));
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(s::HELP_TITLE)
                .padding(Padding::horizontal(1)),
        ),
        rect,
    );
}
