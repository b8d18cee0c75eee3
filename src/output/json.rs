//! `mailfix check --json`: one object per account, on one line, exactly
//! the contract of design.md (`account`, `ok`, `findings`, `ruled_out`,
//! `steps`), plus a few fields scripts may find useful (`confidence`,
//! `cause_title`, `notes`, `elapsed_ms`, `deadline_hit`). Contract fields
//! are never renamed or dropped.

use serde::Serialize;

use crate::account::Service;
use crate::catalogue::Category;
use crate::evidence::Report;
use crate::finding::{Confidence, Diagnosis, SettingsPatch};

#[derive(Debug, Serialize)]
pub struct AccountJson<'a> {
    pub account: &'a str,
    pub ok: bool,
    pub findings: Vec<FindingJson<'a>>,
    pub ruled_out: Vec<RuledOutJson<'a>>,
    pub steps: Vec<StepJson<'a>>,
    pub notes: Vec<NoteJson<'a>>,
    pub elapsed_ms: f64,
    pub deadline_hit: bool,
}

#[derive(Debug, Serialize)]
pub struct FindingJson<'a> {
    pub service: Service,
    pub category: Category,
    pub cause: u8,
    pub title: &'a str,
    pub evidence: &'a [String],
    pub fix: &'a [String],
    pub confidence: Confidence,
    pub cause_title: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patch: Option<&'a SettingsPatch>,
}

#[derive(Debug, Serialize)]
pub struct RuledOutJson<'a> {
    pub service: Service,
    pub category: Category,
    pub cause: u8,
    pub reason: &'a str,
    pub cause_title: &'static str,
}

#[derive(Debug, Serialize)]
pub struct StepJson<'a> {
    pub service: Service,
    pub step: &'static str,
    pub target: &'a str,
    pub outcome: &'static str,
    /// Always a number, as the contract shows: a step that was skipped,
    /// or still running when the run ended, reads 0 (its `outcome` says which).
    pub ms: f64,
    pub detail: &'a str,
}

#[derive(Debug, Serialize)]
pub struct NoteJson<'a> {
    pub service: Option<Service>,
    pub text: &'a str,
    pub evidence: &'a [String],
    pub problem: bool,
}

/// The JSON value for one account, borrowing from its report and diagnosis.
fn account_json<'a>(report: &'a Report, diagnosis: &'a Diagnosis) -> AccountJson<'a> {
    AccountJson {
        account: &report.account.name,
        ok: diagnosis.is_ok(),
        findings: diagnosis
            .findings
            .iter()
            .map(|f| FindingJson {
                service: f.service,
                category: f.cause.category,
                cause: f.cause.number,
                title: &f.title,
                evidence: &f.evidence,
                fix: &f.fix,
                confidence: f.confidence,
                cause_title: f.cause.title(),
                patch: f.patch.as_ref().filter(|p| !p.is_empty()),
            })
            .collect(),
        ruled_out: diagnosis
            .ruled_out
            .iter()
            .map(|r| RuledOutJson {
                service: r.service,
                category: r.cause.category,
                cause: r.cause.number,
                reason: &r.reason,
                cause_title: r.cause.title(),
            })
            .collect(),
        steps: report
            .steps
            .iter()
            .filter_map(|s| {
                Some(StepJson {
                    service: s.service?,
                    step: s.kind.as_str(),
                    target: &s.target,
                    outcome: s.status.as_str(),
                    ms: s.ms.map_or(0.0, |ms| (ms * 10.0).round() / 10.0),
                    detail: &s.detail,
                })
            })
            .collect(),
        notes: diagnosis
            .notes
            .iter()
            .map(|n| NoteJson {
                service: n.service,
                text: &n.text,
                evidence: &n.evidence,
                problem: n.problem,
            })
            .collect(),
        elapsed_ms: (report.elapsed_ms * 10.0).round() / 10.0,
        deadline_hit: report.deadline_hit,
    }
}

/// One line of JSON (no trailing newline).
pub fn line(report: &Report, diagnosis: &Diagnosis) -> String {
    serde_json::to_string(&account_json(report, diagnosis)).unwrap_or_else(|e| {
        serde_json::json!({ "account": report.account.name, "error": e.to_string() }).to_string()
    })
}
