//! Screen 3: the live checklist and the transcript.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use ratatui::style::Style;
use unicode_width::UnicodeWidthStr;

use crate::event::{Step, StepKind, StepStatus};

use super::super::checklist::{self, Block};
use super::super::model::{Model, RunState};
use super::super::strings as s;
use super::super::theme::Theme;
use super::widgets::{SPINNER, cut, fit, header, rule, status_glyph, status_word};

pub fn draw(model: &Model, frame: &mut Frame, area: Rect, theme: Theme) {
    let Some(run) = &model.run else {
        return;
    };
    let blocks = checklist::blocks(&run.settings, run.scope, &run.steps);
    let width = usize::from(area.width);
    let list = checklist_lines(&blocks, run, width, theme);

    // The checklist gets what it needs, leaving the transcript at least
    // a few lines; when it needs more, its newest lines stay in view.
    let min_transcript = 5u16;
    let room = area.height.saturating_sub(2 + min_transcript);
    let list_height = (list.len() as u16).min(room);
    let [top, _, list_area, transcript_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(list_height),
        Constraint::Min(min_transcript),
    ])
    .areas(area);

    let spinner = SPINNER[run.spinner % SPINNER.len()];
    header(
        frame,
        top,
        Line::from(vec![
            Span::styled(
                format!(" {}", cut(&s::probing_title(&run.settings.name), 50)),
                theme.title(),
            ),
            Span::styled(format!("  · {}", s::scope_label(run.scope)), theme.dim()),
        ]),
        Line::from(vec![
            Span::styled(spinner, theme.running()),
            Span::raw(format!(" {} ", s::seconds(run.elapsed_ms))),
        ]),
    );
    let skip = list.len().saturating_sub(usize::from(list_height));
    frame.render_widget(
        Paragraph::new(list.into_iter().skip(skip).collect::<Vec<_>>()),
        list_area,
    );
    draw_transcript(run, frame, transcript_area, theme);
}

fn checklist_lines(
    blocks: &[Block],
    run: &RunState,
    width: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for block in blocks {
        lines.push(Line::from(vec![
            Span::styled(
                format!(" {:<9} ", s::service_label(block.service)),
                theme.title(),
            ),
            Span::raw(cut(&block.heading, width.saturating_sub(11))),
        ]));
        for step in &block.steps {
            lines.push(step_line(step, run.spinner, width, theme));
        }
        if !block.pending.is_empty() {
            let pending: Vec<String> = block
                .pending
                .iter()
                .map(|k| format!("· {}", checklist::kind_label(*k)))
                .collect();
            lines.push(Line::from(Span::styled(
                cut(&format!("   {}", pending.join("  ")), width),
                theme.dim(),
            )));
        }
        if !block.neighbours.is_empty() {
            lines.push(neighbour_line(block, run.spinner, width, theme));
        }
    }
    lines
}

/// "   ✓ DNS        mail.example.org → 203.0.113.7          12 ms"
fn step_line(step: &Step, spinner: usize, width: usize, theme: Theme) -> Line<'static> {
    let detail = if step.detail.is_empty() {
        status_word(step.status).to_owned()
    } else {
        step.detail.clone()
    };
    let joint = if step.kind == StepKind::Dns {
        " → "
    } else {
        "  "
    };
    let what = format!("{}{joint}{detail}", step.target);
    let ms = step.ms.map(s::millis).unwrap_or_default();
    let text_width = width.saturating_sub(3 + 2 + 11 + 9);
    let style = match step.status {
        StepStatus::Failed | StepStatus::TimedOut => theme.bad(),
        _ => Style::new(),
    };
    Line::from(vec![
        Span::raw("   "),
        status_glyph(step.status, spinner, theme),
        Span::raw(format!(" {} ", fit(checklist::kind_label(step.kind), 10))),
        Span::styled(fit(&what, text_width), style),
        Span::styled(format!("{ms:>9}"), theme.dim()),
    ])
}

/// "   also tried  ✓ :465 answers (TLS)   ✗ :25 no answer"
fn neighbour_line(block: &Block, spinner: usize, width: usize, theme: Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(format!("   {}  ", s::NEIGHBOURS), theme.dim())];
    let mut used = 5 + s::NEIGHBOURS.width();
    for n in &block.neighbours {
        let detail = if n.detail.is_empty() {
            status_word(n.status).to_owned()
        } else {
            n.detail.clone()
        };
        let text = format!(" {} {}   ", cut(&n.label, 40), cut(&detail, 24));
        let w = 1 + text.width();
        if used + w > width {
            break;
        }
        used += w;
        spans.push(status_glyph(n.status, spinner, theme));
        spans.push(Span::raw(text));
    }
    Line::from(spans)
}

fn draw_transcript(run: &RunState, frame: &mut Frame, area: Rect, theme: Theme) {
    let mut lines = vec![rule(area.width, s::TRANSCRIPT_HEADING, theme.dim())];
    let height = usize::from(area.height.saturating_sub(1));
    if run.transcript.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(" {}", s::TRANSCRIPT_EMPTY),
            theme.dim(),
        )));
    }
    let end = run.transcript.len().saturating_sub(run.scroll);
    let start = end.saturating_sub(height);
    for (service, line) in &run.transcript[start..end] {
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", s::service_tag(*service)), theme.dim()),
            Span::styled(format!("{} ", line.dir.prefix()), theme.dim()),
            Span::raw(cut(&line.text, usize::from(area.width).saturating_sub(8))),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
