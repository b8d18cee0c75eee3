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
use super::widgets::{clean, wrap};

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
            for finding in &row.findings {
                lines.push(Line::from(vec![
                    Span::styled(format!("   {}", clean(&finding.title)), theme.title()),
                    Span::styled(
                        format!(
                            "  ({}, {})",
                            finding.service,
                            s::confidence(finding.confidence)
                        ),
                        theme.dim(),
                    ),
                ]));
                for (i, e) in finding.evidence.iter().enumerate() {
                    let label = if i == 0 { s::EVIDENCE } else { "" };
                    labelled(&mut lines, label, e, width, plain, theme);
                }
                for (i, f) in finding.fix.iter().enumerate() {
                    let label = if i == 0 { s::FIX } else { "" };
                    labelled(&mut lines, label, f, width, plain, theme);
                }
                if let Some(patch) = finding.patch.as_ref().filter(|p| !p.is_empty()) {
                    let hint = s::fix_key_hint(&patch.describe());
                    labelled(&mut lines, "", &hint, width, theme.key(), theme);
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
