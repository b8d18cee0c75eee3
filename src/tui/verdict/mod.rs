//! What the verdict screen lists, worked out from a [`Diagnosis`]: every
//! cause of a category with its state (applies, gone since the last run,
//! ruled out, not checked), ranked by how `diagnose` ordered the findings.
//! Pure, so it is tested apart from drawing.

use crate::account::Service;
use crate::catalogue::{Category, Cause, CauseId};
use crate::finding::{Confidence, Diagnosis, Finding, RuledOut};
use crate::plan::Scope;

use super::model::VerdictView;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    /// At least one finding names this cause.
    Applies,
    /// It applied in the previous run and does not now.
    Gone,
    /// The evidence excludes it.
    RuledOut,
    /// Nothing in this run speaks to it.
    NotChecked,
}

/// One numbered cause of the category on screen.
#[derive(Debug, Clone)]
pub struct CauseRow<'a> {
    pub cause: &'static Cause,
    /// The findings naming it, most likely first.
    pub findings: Vec<&'a Finding>,
    /// 1 for the category's most likely cause.
    pub rank: Option<usize>,
    pub ruled_out: Vec<&'a RuledOut>,
    /// The findings naming it in the run compared with.
    pub before: Vec<&'a Finding>,
    /// There is a previous run to compare with.
    pub compared: bool,
}

impl CauseRow<'_> {
    pub fn state(&self) -> RowState {
        if !self.findings.is_empty() {
            RowState::Applies
        } else if !self.before.is_empty() {
            RowState::Gone
        } else if !self.ruled_out.is_empty() {
            RowState::RuledOut
        } else {
            RowState::NotChecked
        }
    }

    /// Applies now and did not in the run compared with.
    pub fn is_new(&self) -> bool {
        self.compared && !self.findings.is_empty() && self.before.is_empty()
    }

    pub fn confidence(&self) -> Option<Confidence> {
        self.findings.iter().map(|f| f.confidence).min()
    }

    /// The services the findings are about, "incoming, outgoing".
    pub fn services(&self) -> Vec<Service> {
        let mut services: Vec<Service> = self.findings.iter().map(|f| f.service).collect();
        services.dedup();
        services
    }
}

/// Every cause of `category`, in catalogue order (so rows keep their
/// place across re-probes), with what this run and the one before say.
pub fn cause_rows<'a>(
    category: Category,
    diagnosis: &'a Diagnosis,
    previous: Option<&'a Diagnosis>,
) -> Vec<CauseRow<'a>> {
    let ranking = ranking(category, diagnosis);
    category
        .causes()
        .map(|cause| CauseRow {
            cause,
            findings: diagnosis
                .findings
                .iter()
                .filter(|f| f.cause == cause.id)
                .collect(),
            rank: ranking.iter().position(|id| *id == cause.id).map(|i| i + 1),
            ruled_out: diagnosis
                .ruled_out
                .iter()
                .filter(|r| r.cause == cause.id)
                .collect(),
            before: previous
                .map(|p| p.findings.iter().filter(|f| f.cause == cause.id).collect())
                .unwrap_or_default(),
            compared: previous.is_some(),
        })
        .collect()
}

/// The category's causes in the order of their first finding.
fn ranking(category: Category, diagnosis: &Diagnosis) -> Vec<CauseId> {
    let mut order = Vec::new();
    for finding in diagnosis.findings_in(category) {
        if !order.contains(&finding.cause) {
            order.push(finding.cause);
        }
    }
    order
}

/// How a category came out, for the category tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryState {
    /// This many causes apply.
    Applies(usize),
    /// Checked, and no cause applies.
    Clear,
    NotChecked,
}

pub fn category_state(category: Category, diagnosis: &Diagnosis) -> CategoryState {
    let applying = applying(category, diagnosis);
    if applying > 0 {
        CategoryState::Applies(applying)
    } else if diagnosis.ruled_out_in(category).next().is_some() {
        CategoryState::Clear
    } else {
        CategoryState::NotChecked
    }
}

/// Where the verdict opens: on the category asked about (or, after
/// "check everything", the one of the most likely finding, else the one
/// where a finding of the previous run went away), with the cursor on its
/// most likely cause, else on a cause that went away.
pub fn initial_view(
    scope: Scope,
    diagnosis: &Diagnosis,
    previous: Option<&Diagnosis>,
) -> VerdictView {
    let category = match scope {
        Scope::Only(category) => category,
        Scope::Everything => diagnosis
            .findings
            .first()
            .or_else(|| previous.and_then(|p| p.findings.first()))
            .map(Finding::category)
            .unwrap_or(Category::Connect),
    };
    let gone = || {
        let rows = cause_rows(category, diagnosis, previous);
        rows.iter().position(|r| r.state() == RowState::Gone)
    };
    let cursor = if diagnosis.findings_in(category).next().is_some() {
        top_row(category, diagnosis)
    } else {
        gone().unwrap_or(0)
    };
    VerdictView {
        category,
        cursor,
        scroll: 0,
    }
}

/// Where the verdict opens after a re-probe of the same account: on the
/// category the user was looking at, the cursor on the cause they were
/// on if it went away (the point of the fix), else on the category's
/// most likely cause, else where it was.
pub fn reprobe_view(
    before: VerdictView,
    diagnosis: &Diagnosis,
    previous: &Diagnosis,
) -> VerdictView {
    let category = before.category;
    let rows = cause_rows(category, diagnosis, Some(previous));
    let cursor = match rows.get(before.cursor).map(CauseRow::state) {
        Some(RowState::Gone) => before.cursor,
        _ if diagnosis.findings_in(category).next().is_some() => top_row(category, diagnosis),
        _ => before.cursor.min(rows.len().saturating_sub(1)),
    };
    VerdictView {
        category,
        cursor,
        scroll: 0,
    }
}

/// The row of the category's most likely cause, or the first row.
pub fn top_row(category: Category, diagnosis: &Diagnosis) -> usize {
    ranking(category, diagnosis)
        .first()
        .and_then(|top| category.causes().position(|c| c.id == *top))
        .unwrap_or(0)
}

/// How many (service, cause) findings disappeared and appeared between two runs.
pub fn finding_changes(before: &Diagnosis, now: &Diagnosis) -> (usize, usize) {
    let key = |f: &Finding| (f.service, f.cause);
    let old: Vec<_> = before.findings.iter().map(key).collect();
    let new: Vec<_> = now.findings.iter().map(key).collect();
    let gone = dedup(old.iter().filter(|k| !new.contains(k)).collect());
    let appeared = dedup(new.iter().filter(|k| !old.contains(k)).collect());
    (gone, appeared)
}

fn dedup<T: PartialEq>(items: Vec<T>) -> usize {
    let mut seen: Vec<T> = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen.len()
}

/// A ruled-out reason made short for its row (the detail pane shows it
/// whole): the account's own servers are named by port or as "the
/// server", since the heading already says which they are.
pub fn short_reason(reason: &str, hosts: &[String]) -> String {
    let mut text = reason.to_owned();
    for host in hosts.iter().filter(|h| !h.is_empty()) {
        let with_port = format!("{host}:");
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(&with_port) {
            let after = &rest[at + with_port.len()..];
            let digits = after.chars().take_while(char::is_ascii_digit).count();
            out.push_str(&rest[..at]);
            if digits > 0 {
                out.push_str("port ");
                out.push_str(&after[..digits]);
                rest = &after[digits..];
            } else {
                out.push_str(&with_port);
                rest = after;
            }
        }
        out.push_str(rest);
        text = out.replace(host.as_str(), "the server");
    }
    text
}

/// How many causes of `category` apply.
pub fn applying(category: Category, diagnosis: &Diagnosis) -> usize {
    ranking(category, diagnosis).len()
}

/// The findings outside `category`, most likely first.
pub fn also_found(category: Category, diagnosis: &Diagnosis) -> Vec<&Finding> {
    diagnosis
        .findings
        .iter()
        .filter(|f| f.category() != category)
        .collect()
}

#[cfg(test)]
mod tests;
