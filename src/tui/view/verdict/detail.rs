//! The verdict's lower pane: the selected cause's findings with evidence
//! and fix (and the one key that applies the fix), or why it was ruled
//! out, or that it went away since the last run.
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::plan::Scope;
use crate::tui::model::Outcome;
use crate::tui::strings as s;
use crate::tui::theme::Theme;
use crate::tui::verdict::{CauseRow, RowState};
use crate::tui::view::widgets::{cut, wrap};

/// Columns of the label before a detail line.
const LABEL: usize = 10;

/// The lines of the details pane as they are written.
struct Pane {
    lines: Vec<Line<'static>>,
    width: u16,
    theme: Theme,
}

impl Pane {
    /// "   evidence  text", the text wrapped under itself.
    fn labelled(&mut self, label: &str, text: &str, style: Style) {
        let room = usize::from(self.width).saturating_sub(3 + LABEL);
        for (i, part) in wrap(text, room).into_iter().enumerate() {
            let label = if i == 0 { label } else { "" };
            self.lines.push(Line::from(vec![
                Span::styled(format!("   {label:<w$}", w = LABEL), self.theme.dim()),
                Span::styled(part, style),
            ]));
        }
    }

    /// [`labelled`](Self::labelled) in the plain style.
    fn plain(&mut self, label: &str, text: &str) {
        self.labelled(label, text, Style::new());
    }

    /// Each of `texts` on lines of its own, `label` before the first.
    fn list(&mut self, label: &str, texts: &[String]) {
        for (i, text) in texts.iter().enumerate() {
            self.plain(if i == 0 { label } else { "" }, text);
        }
    }

    /// Bold text, indented like a heading.
    fn title(&mut self, text: &str) {
        let line = Line::from(Span::styled(format!("   {text}"), self.theme.title()));
        self.lines.push(line);
    }

    /// A finding's title in bold, wrapped under itself, and `aside` dim
    /// after it (on a line of its own when it does not fit).
    fn heading(&mut self, title: &str, aside: &str) {
        let room = usize::from(self.width).saturating_sub(4);
        let mut parts = wrap(title, room);
        let last = parts.pop().unwrap_or_default();
        for part in parts {
            self.title(&part);
        }
        let dim = self.theme.dim();
        if aside.is_empty() {
            self.title(&last);
        } else if last.width() + 2 + aside.width() <= room {
            self.lines.push(Line::from(vec![
                Span::styled(format!("   {last}"), self.theme.title()),
                Span::styled(format!("  {aside}"), dim),
            ]));
        } else {
            self.title(&last);
            self.lines
                .push(Line::from(Span::styled(format!("   {aside}"), dim)));
        }
    }
}

/// The one-key fix of the selected cause, "[f] port 993, security tls —
/// apply it and check again": drawn at the foot of the details, so it
/// stays in view however long the evidence is.
pub(super) fn fix_hint(row: &CauseRow, width: u16, theme: Theme) -> Option<Line<'static>> {
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
        Span::styled(cut(&hint, room), theme.key()),
    ]))
}

/// The selected cause: its findings with evidence and fix, or why it was ruled out.
pub(super) fn detail_lines(
    row: &CauseRow,
    outcome: &Outcome,
    width: u16,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut pane = Pane {
        lines: Vec::new(),
        width,
        theme,
    };
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
                pane.heading(&finding.title, &aside);
                pane.list(s::EVIDENCE, &finding.evidence);
                pane.list(s::FIX, &finding.fix);
            }
        }
        RowState::Gone => {
            for before in &row.before {
                pane.plain(s::WAS, &before.title);
            }
            let why = row
                .ruled_out
                .first()
                .map_or(s::NO_LONGER_SEEN, |r| r.reason.as_str());
            pane.labelled("", &format!("✓ {} — {why}", s::GONE), theme.ok());
            pane.plain(s::MEANING, row.cause.meaning);
        }
        RowState::RuledOut => {
            for r in &row.ruled_out {
                pane.plain(s::RULED_OUT, &s::ruled_out_for(r.service, &r.reason));
            }
            pane.plain(s::MEANING, row.cause.meaning);
        }
        RowState::NotChecked => {
            pane.plain(s::NOT_CHECKED, "");
            pane.plain(s::MEANING, row.cause.meaning);
            if outcome.scope != Scope::Everything {
                pane.plain("", s::NOT_CHECKED_HINT);
            }
        }
    }
    pane.lines
}
