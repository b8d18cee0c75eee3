//! The log screen: every step and the whole transcript, scrollable.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::logtext::{self, LogKind};
use super::super::model::Model;
use super::super::strings as s;
use super::super::theme::Theme;
use super::widgets::{cut, header, status_glyph};

pub fn draw(model: &Model, frame: &mut Frame, area: Rect, theme: Theme) {
    let Some(outcome) = model.outcome() else {
        return;
    };
    let [top, _, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    header(
        frame,
        top,
        Line::from(Span::styled(format!(" {}", s::LOG_TITLE), theme.title())),
        Line::from(Span::styled(
            format!("{} ", cut(&outcome.settings().name, 30)),
            theme.dim(),
        )),
    );
    let all = logtext::lines(outcome);
    let height = usize::from(body.height);
    let scroll = model.log_scroll.min(all.len().saturating_sub(height));
    let width = usize::from(body.width).saturating_sub(4);
    let lines: Vec<Line> = all
        .iter()
        .skip(scroll)
        .take(height)
        .map(|l| match l.kind {
            LogKind::Heading => Line::from(Span::styled(format!(" {}", l.text), theme.title())),
            LogKind::Step(status) => Line::from(vec![
                Span::raw(" "),
                status_glyph(status, 0, theme),
                Span::raw(format!(" {}", cut(&l.text, width))),
            ]),
            LogKind::Transcript => Line::from(Span::raw(format!(" {}", cut(&l.text, width)))),
            LogKind::Plain => Line::from(Span::styled(
                format!(" {}", cut(&l.text, width)),
                theme.dim(),
            )),
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
}
