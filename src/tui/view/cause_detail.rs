//! The verdict's lower pane: the selected cause's findings with evidence
//! and fix (and the one key that applies the fix), or why it was ruled
//! out, or that it went away since the last run.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::plan::Scope;

use super::super::model::Outcome;
use super::super::strings as s;
use super::super::theme::Theme;
use super::super::verdict::{CauseRow, RowState};
use unicode_width::UnicodeWidthStr;

use super::widgets::wrap;

/// Columns of the label before a detail line.
const LABEL: usize = 10;

/// "   evidence  text", the text wrapped under itself.
fn labelled(
    lines: &mut Vec<Line<'static>>,
    label: &str,
    text: &str,
    width: u16,
    style: Style,
    theme: Theme,
) {
    let room = usize::from(width).saturating_sub(3 + LABEL);
    for (i, part) in wrap(text, room).into_iter().enumerate() {
        let label = if i == 0 { label } else { "" };
        lines.push(Line::from(vec![
            Span::styled(format!("   {label:<w$}", w = LABEL), theme.dim()),
            Span::styled(part, style),
        ]));
    }
}

/// The one-key fix of the selected cause, "[f] port 993, security tls —
/// apply it and check again": drawn at the foot of the details, so it
/// stays in view however long the evidence is.
pub fn fix_hint(row: &CauseRow, width: u16, theme: Theme) -> Option<Line<'static>> {
    if row.state() != RowState::Applies {
        return None;
    }
    let patch = row
        .findings
        .iter()
        .find_map(|f| f.patch.as_ref().filter(|p| !p.is_empty()))?;
    let room = usize::from(width).saturating_sub(3 + LABEL);
    // The whole sentence when it fits, else the key and the change.
    let mut hint = s::fix_key_hint(&patch.describe());
    if hint.width() > room {
        hint = s::fix_key_short(&patch.describe());
    }
    Some(Line::from(vec![
        Span::raw(format!("   {:<w$}", "", w = LABEL)),
        Span::styled(super::widgets::cut(&hint, room), theme.key()),
    ]))
}

/// A finding's title in bold, wrapped under itself, and `aside` dim after
/// it (on a line of its own when it does not fit).
fn heading_lines(
    lines: &mut Vec<Line<'static>>,
    title: &str,
    aside: &str,
    width: u16,
    theme: Theme,
) {
    let room = usize::from(width).saturating_sub(4);
    let mut parts = wrap(title, room);
    let last = parts.pop().unwrap_or_default();
    for part in parts {
        lines.push(Line::from(Span::styled(
            format!("   {part}"),
            theme.title(),
        )));
    }
    if aside.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("   {last}"),
            theme.title(),
        )));
    } else if last.width() + 2 + aside.width() <= room {
        lines.push(Line::from(vec![
            Span::styled(format!("   {last}"), theme.title()),
            Span::styled(format!("  {aside}"), theme.dim()),
        ]));
    } else {
        lines.push(Line::from(Span::styled(
            format!("   {last}"),
            theme.title(),
        )));
        lines.push(Line::from(Span::styled(format!("   {aside}"), theme.dim())));
    }
}

/// The selected cause: its findings with evidence and fix, or why it was ruled out.
pub fn detail_lines(
    row: &CauseRow,
    outcome: &Outcome,
    width: u16,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let plain = Style::new();
    match row.state() {
        RowState::Applies => {
            // The row says the service and confidence of a lone finding.
            let several = row.findings.len() > 1;
            for finding in &row.findings {
                let aside = if several {
                    format!(
                        "({}, {})",
                        finding.service,
                        s::confidence(finding.confidence)
                    )
                } else {
                    String::new()
                };
                heading_lines(&mut lines, &finding.title, &aside, width, theme);
                for (i, e) in finding.evidence.iter().enumerate() {
                    let label = if i == 0 { s::EVIDENCE } else { "" };
                    labelled(&mut lines, label, e, width, plain, theme);
                }
                for (i, f) in finding.fix.iter().enumerate() {
                    let label = if i == 0 { s::FIX } else { "" };
                    labelled(&mut lines, label, f, width, plain, theme);
                }
            }
        }
        RowState::Gone => {
            for before in &row.before {
                labelled(&mut lines, s::WAS, &before.title, width, plain, theme);
            }
            let now = match row.ruled_out.first() {
                Some(r) => format!("✓ {} — {}", s::GONE, r.reason),
                None => format!("✓ {} — {}", s::GONE, s::NO_LONGER_SEEN),
            };
            labelled(&mut lines, "", &now, width, theme.ok(), theme);
            labelled(
                &mut lines,
                s::MEANING,
                row.cause.meaning,
                width,
                plain,
                theme,
            );
        }
        RowState::RuledOut => {
            for r in &row.ruled_out {
                let text = s::ruled_out_for(r.service, &r.reason);
                labelled(&mut lines, s::RULED_OUT, &text, width, plain, theme);
            }
            labelled(
                &mut lines,
                s::MEANING,
                row.cause.meaning,
                width,
                plain,
                theme,
            );
        }
        RowState::NotChecked => {
            labelled(&mut lines, s::NOT_CHECKED, "", width, plain, theme);
            labelled(
                &mut lines,
                s::MEANING,
                row.cause.meaning,
                width,
                plain,
                theme,
            );
            if outcome.scope != Scope::Everything {
                labelled(&mut lines, "", s::NOT_CHECKED_HINT, width, plain, theme);
            }
        }
    }
    lines
}
