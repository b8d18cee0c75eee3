//! `mailfix check --report FILE` and the wizard's export: a Markdown
//! report a provider's helpdesk can act on.
//!
//! For each account: the settings (where the password comes from, never
//! the password), every finding with its evidence and fix, the causes
//! ruled out, the notes, every step with its timing, and the transcript
//! of each configured server (recorded already redacted by the probes).
//! At the top: when, which mailfix, which system.
//!
//! ```
//! use mailfix::output::markdown::{self, ReportMeta};
//! # let report = mailfix::evidence::Report::new(
//! #     mailfix::account::Account { name: "work".into(), email: "a@example.org".into(),
//! #         incoming: None, outgoing: None, store: None }, "system");
//! # let diagnosis = mailfix::finding::Diagnosis::default();
//! let text = markdown::render(&report, &diagnosis, &ReportMeta::current());
//! assert!(text.starts_with("# mailfix report"));
//! ```
//!
//! Everything from servers, files and users is escaped (it cannot become
//! a link, HTML, a heading or a table column); control characters are
//! shown escaped. As a last guard, any literal password of the accounts
//! that still turned up in the text is replaced by `********`.

mod escape;
mod meta;
mod session;
mod settings;

use std::fmt::Write as _;

use crate::account::{Account, PasswordSource};
use crate::evidence::Report;
use crate::finding::{Diagnosis, Finding};
use crate::secret::MASK;

use super::{hedge, problem_count};

pub use escape::{code, text};
pub use meta::{ReportMeta, utc_timestamp};

use escape::row;

/// The report for one account, a whole Markdown document.
pub fn render(report: &Report, diagnosis: &Diagnosis, meta: &ReportMeta) -> String {
    render_all(&[(report, diagnosis)], meta)
}

/// One document with a section per account, in the order given.
pub fn render_all(items: &[(&Report, &Diagnosis)], meta: &ReportMeta) -> String {
    let mut out = String::from("# mailfix report\n\n");
    let _ = writeln!(out, "- Generated: {}", text(&meta.generated_at));
    let _ = writeln!(out, "- mailfix: {}", text(&meta.version));
    let _ = writeln!(out, "- System: {}", text(&meta.os));
    let verdicts: Vec<String> = items
        .iter()
        .map(|(r, d)| format!("{}: {}", text(&r.account.name), verdict(d)))
        .collect();
    let _ = writeln!(out, "- Accounts: {}", verdicts.join("; "));
    out.push_str(
        "\nThis report was made by mailfix for the helpdesk of the mail provider. \
         It holds no password: the settings only say where a password comes from, \
         and credentials in the transcripts are shown as `********`.\n",
    );
    for (report, diagnosis) in items {
        account_section(&mut out, report, diagnosis);
    }
    scrub(out, items.iter().map(|(r, _)| &r.account))
}

fn account_section(out: &mut String, report: &Report, diagnosis: &Diagnosis) {
    let account = &report.account;
    let _ = writeln!(out, "\n---\n\n## Account {}", text(&account.name));
    let _ = writeln!(
        out,
        "\n**Result:** {} {}",
        verdict(diagnosis),
        text(&crate::output::text::summary(report))
    );
    settings::settings(out, account, &report.resolver);
    findings(out, diagnosis);
    ruled_out(out, diagnosis);
    notes(out, report, diagnosis);
    steps(out, report);
    session::transcripts(out, report);
}

/// "no problem found" or "2 problems found".
fn verdict(diagnosis: &Diagnosis) -> String {
    if diagnosis.is_ok() {
        return "no problem found".into();
    }
    let n = problem_count(diagnosis);
    format!("{n} problem{} found", if n == 1 { "" } else { "s" })
}

fn findings(out: &mut String, diagnosis: &Diagnosis) {
    out.push_str("\n### Findings\n");
    if diagnosis.findings.is_empty() {
        out.push_str("\nNo catalogued cause applies.\n");
    }
    for (i, finding) in diagnosis.findings.iter().enumerate() {
        finding_block(out, i + 1, finding);
    }
}

fn finding_block(out: &mut String, n: usize, finding: &Finding) {
    let _ = writeln!(
        out,
        "\n#### {n}. {} · {}: {}{}\n",
        session::capitalised(finding.service.as_str()),
        text(&finding.cause.to_string()),
        text(finding.cause.title()),
        hedge(finding.confidence),
    );
    let _ = writeln!(out, "{}", text(&finding.title));
    list(out, "Evidence", &finding.evidence);
    list(out, "Fix", &finding.fix);
    if let Some(patch) = finding.patch.as_ref().filter(|p| !p.is_empty()) {
        let _ = writeln!(out, "\nSuggested change: {}", text(&patch.describe()));
    }
}

fn list(out: &mut String, label: &str, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{label}:\n");
    for line in lines {
        let _ = writeln!(out, "- {}", text(line));
    }
}

fn ruled_out(out: &mut String, diagnosis: &Diagnosis) {
    if diagnosis.ruled_out.is_empty() {
        return;
    }
    out.push_str("\n### Causes ruled out\n\n");
    for ruled in &diagnosis.ruled_out {
        let _ = writeln!(
            out,
            "- {} · {}: {}: {}",
            ruled.service,
            text(&ruled.cause.to_string()),
            text(ruled.cause.title()),
            text(&ruled.reason)
        );
    }
}

fn notes(out: &mut String, report: &Report, diagnosis: &Diagnosis) {
    // The engine's own remarks, unless diagnose already made notes of them.
    let engine: Vec<&String> = report
        .run_notes
        .iter()
        .filter(|r| !diagnosis.notes.iter().any(|n| n.text == **r))
        .collect();
    if diagnosis.notes.is_empty() && engine.is_empty() && !report.deadline_hit {
        return;
    }
    out.push_str("\n### Notes\n\n");
    for note in &diagnosis.notes {
        let kind = if note.problem { "Problem" } else { "Note" };
        let service = note.service.map(|s| format!(" ({s})")).unwrap_or_default();
        let _ = writeln!(out, "- {kind}{service}: {}", text(&note.text));
        for line in &note.evidence {
            let _ = writeln!(out, "  - {}", text(line));
        }
    }
    for remark in engine {
        let _ = writeln!(out, "- Note: {}", text(remark));
    }
    if report.deadline_hit {
        out.push_str("- Note: the overall deadline stopped probes that were still running.\n");
    }
}

fn steps(out: &mut String, report: &Report) {
    out.push_str("\n### Steps\n\n");
    if report.steps.is_empty() {
        out.push_str("No step was recorded.\n");
        return;
    }
    out.push_str(
        "Steps of the configured path are marked `configured`; the others probe \
         standard ports and published hosts to tell causes apart.\n\n",
    );
    out.push_str(&row(&[
        "Service", "Step", "Target", "Path", "Outcome", "Time", "Detail",
    ]
    .map(String::from)));
    out.push_str(&row(
        &["---", "---", "---", "---", "---", "---:", "---"].map(String::from)
    ));
    for step in &report.steps {
        out.push_str(&row(&[
            step.service.map_or("account", |s| s.as_str()).to_string(),
            step.kind.as_str().to_string(),
            text(&step.target),
            if step.primary {
                "configured"
            } else {
                "neighbour"
            }
            .to_string(),
            step.status.as_str().to_string(),
            step.ms
                .map_or_else(|| "n/a".into(), |ms| format!("{ms:.1} ms")),
            text(&step.detail),
        ]));
    }
}

/// The last guard: a literal password of any account that appears in
/// the text is masked. (Only literal ones are known here; the probes
/// redact every credential they send, whatever its source.)
fn scrub<'a>(mut out: String, accounts: impl Iterator<Item = &'a Account>) -> String {
    for account in accounts {
        for server in [&account.incoming, &account.outgoing].into_iter().flatten() {
            if let PasswordSource::Literal(secret) = &server.password {
                let secret = secret.expose();
                if secret.chars().count() >= 3 && out.contains(secret) {
                    out = out.replace(secret, MASK);
                }
            }
        }
    }
    out
}
