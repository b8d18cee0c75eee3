//! Screen 3: the live checklist and the transcript.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use ratatui::style::Style;
use unicode_width::UnicodeWidthStr;

use crate::event::StepStatus;

use super::super::checklist::{self, Block, Row};
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

    // The checklist gets what it needs, leaving the transcript at least
    // a few lines; when it needs more, blocks that went well shrink to
    // their heading, and then the newest lines stay in view.
    let min_transcript = 5u16;
    let room = area.height.saturating_sub(2 + min_transcript);
    let list = checklist_lines(&blocks, run.spinner, width, usize::from(room), theme);
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

/// The checklist in at most `room` lines if it can be done by shrinking
/// the blocks that went well (first ones first).
fn checklist_lines(
    blocks: &[Block],
    spinner: usize,
    width: usize,
    room: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut shrunk = vec![false; blocks.len()];
    let build = |blocks: &[Block], shrunk: &[bool]| -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        for (block, small) in blocks.iter().zip(shrunk) {
            block_lines(block, *small, spinner, width, theme, &mut lines);
        }
        lines
    };
    let mut lines = build(blocks, &shrunk);
    for i in 0..blocks.len() {
        if lines.len() <= room {
            return lines;
        }
        if blocks[i].settled_fine() {
            shrunk[i] = true;
            lines = build(blocks, &shrunk);
        }
    }
    // Still too long: what went fine in each block becomes one row.
    if lines.len() > room {
        let compact: Vec<Block> = blocks.iter().map(Block::compacted).collect();
        lines = build(&compact, &shrunk);
    }
    lines
}

fn block_lines(
    block: &Block,
    small: bool,
    spinner: usize,
    width: usize,
    theme: Theme,
    lines: &mut Vec<Line<'static>>,
) {
    let label = format!(" {:<9} ", s::service_label(block.service));
    let mut heading = vec![
        Span::styled(label.clone(), theme.title()),
        Span::raw(cut(&block.heading, width.saturating_sub(11))),
    ];
    if small {
        let used = label.width() + block.heading.width().min(width.saturating_sub(11));
        let summary = s::BLOCK_FINE;
        heading.push(Span::raw("  "));
        heading.push(Span::styled("✓ ", theme.ok()));
        heading.push(Span::styled(
            cut(summary, width.saturating_sub(used + 4)),
            theme.dim(),
        ));
        lines.push(Line::from(heading));
        return;
    }
    lines.push(Line::from(heading));
    for row in &block.rows {
        lines.push(row_line(row, spinner, width, theme));
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
    neighbour_lines(block, spinner, width, theme, lines);
}

/// "   ✓ DNS        mail.example.org → 203.0.113.7          12 ms"; steps
/// skipped for one reason: "   – greeting, login  not reached: …".
fn row_line(row: &Row, spinner: usize, width: usize, theme: Theme) -> Line<'static> {
    let glyph = status_glyph(row.status, spinner, theme);
    if row.status == StepStatus::Skipped {
        let text = format!(" {}  {}", row.label, row.text);
        return Line::from(vec![
            Span::raw("   "),
            glyph,
            Span::styled(cut(&text, width.saturating_sub(4)), theme.dim()),
        ]);
    }
    // A merged row of steps that went fine: their names are the text.
    if row.status == StepStatus::Ok && row.text.is_empty() && row.label.contains(',') {
        let ms = row.ms.map(s::millis).unwrap_or_default();
        let text_width = width.saturating_sub(3 + 2 + 9);
        return Line::from(vec![
            Span::raw("   "),
            glyph,
            Span::raw(" "),
            Span::raw(fit(&format!("{}: {}", row.label, s::ROWS_FINE), text_width)),
            Span::styled(format!("{ms:>9}"), theme.dim()),
        ]);
    }
    let text = if row.text.is_empty() {
        status_word(row.status).to_owned()
    } else {
        row.text.clone()
    };
    let ms = row.ms.map(s::millis).unwrap_or_default();
    let text_width = width.saturating_sub(3 + 2 + 11 + 9);
    let style = match row.status {
        StepStatus::Failed | StepStatus::TimedOut => theme.bad(),
        _ => Style::new(),
    };
    Line::from(vec![
        Span::raw("   "),
        glyph,
        Span::raw(format!(" {} ", fit(&row.label, 10))),
        Span::styled(fit(&text, text_width), style),
        Span::styled(format!("{ms:>9}"), theme.dim()),
    ])
}

/// "   also tried  ✓ :465 (TLS) answers   ✗ :25 (STARTTLS) no answer",
/// on two lines at most; what does not fit is counted.
fn neighbour_lines(
    block: &Block,
    spinner: usize,
    width: usize,
    theme: Theme,
    lines: &mut Vec<Line<'static>>,
) {
    if block.neighbours.is_empty() {
        return;
    }
    let lead = format!("   {}  ", s::NEIGHBOURS);
    let indent = " ".repeat(lead.width());
    let mut current = vec![Span::styled(lead.clone(), theme.dim())];
    let mut used = lead.width();
    let mut line_count = 1;
    for (i, n) in block.neighbours.iter().enumerate() {
        let text = format!(" {} {}   ", cut(&n.label, 40), cut(&n.word, 24));
        let w = 1 + text.width();
        // Room for "+N more" on the last line.
        let reserve = if line_count == 2 { 10 } else { 0 };
        if used + w + reserve > width {
            if line_count == 2 {
                let more = block.neighbours.len() - i;
                current.push(Span::styled(s::more_neighbours(more), theme.dim()));
                break;
            }
            lines.push(Line::from(std::mem::take(&mut current)));
            current.push(Span::raw(indent.clone()));
            used = indent.width();
            line_count += 1;
        }
        used += w;
        current.push(status_glyph(n.status, spinner, theme));
        current.push(Span::raw(text));
    }
    lines.push(Line::from(current));
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
