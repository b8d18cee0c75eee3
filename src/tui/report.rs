//! The Markdown report of `x`: findings, causes ruled out, notes, every
//! step and the redacted transcript, with versions, for the user to send
//! to their provider or helpdesk. Pure: the runtime writes the file.

use std::fmt::Write as _;

use crate::account::{Account, PasswordSource, ServerSettings};
use crate::evidence::{EndpointProbe, Role};
use crate::secret::MASK;

use super::model::Outcome;
use super::strings as s;

/// What built the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versions {
    pub mailfix: String,
    pub platform: String,
}

impl Versions {
    pub fn current() -> Self {
        Versions {
            mailfix: env!("CARGO_PKG_VERSION").to_owned(),
            platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        }
    }
}

pub fn markdown(outcome: &Outcome, versions: &Versions) -> String {
    let mut out = String::new();
    let account = &outcome.settings;
    let report = &outcome.report;
    let diagnosis = &outcome.diagnosis;

    let _ = writeln!(out, "# mailfix report: {}\n", inline(&account.name));
    let _ = writeln!(
        out,
        "Made by mailfix {} on {}. Passwords are never included: they show as `{MASK}`.\n",
        versions.mailfix, versions.platform
    );
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| address | {} |", cell(&account.email));
    let _ = writeln!(out, "| checked | {} |", cell(s::scope_label(outcome.scope)));
    let took = if report.deadline_hit {
        format!("{} (time limit reached)", s::seconds(report.elapsed_ms))
    } else {
        s::seconds(report.elapsed_ms)
    };
    let _ = writeln!(out, "| took | {} |", cell(&took));
    let _ = writeln!(out, "| DNS server | {} |\n", cell(&report.resolver));

    section(&mut out, "Settings");
    settings(&mut out, account);

    section(&mut out, "Verdict");
    if diagnosis.findings.is_empty() {
        let _ = writeln!(out, "No numbered cause applies.");
    }
    for (i, finding) in diagnosis.findings.iter().enumerate() {
        let _ = writeln!(
            out,
            "### {}. {} — {} ({}, {})\n",
            i + 1,
            finding.cause,
            finding.cause.title(),
            finding.service,
            finding.confidence.as_str()
        );
        let _ = writeln!(out, "{}\n", inline(&finding.title));
        list(&mut out, "Evidence", &finding.evidence);
        list(&mut out, "Fix", &finding.fix);
    }

    if !diagnosis.ruled_out.is_empty() {
        section(&mut out, "Ruled out");
        for r in &diagnosis.ruled_out {
            let _ = writeln!(
                out,
                "- {} — {} ({}): {}",
                r.cause,
                r.cause.title(),
                r.service,
                inline(&r.reason)
            );
        }
    }

    if !diagnosis.notes.is_empty() || !report.run_notes.is_empty() {
        section(&mut out, "Notes");
        for note in &diagnosis.notes {
            let service = note.service.map(|s| format!(" ({s})")).unwrap_or_default();
            let _ = writeln!(out, "- {}{service}", inline(&note.text));
            for e in &note.evidence {
                let _ = writeln!(out, "  - {}", inline(e));
            }
        }
        for note in &report.run_notes {
            let _ = writeln!(out, "- {}", inline(note));
        }
    }

    section(&mut out, "Steps");
    if report.steps.is_empty() {
        out.push_str("No steps were recorded.\n");
    } else {
        out.push_str("| service | step | target | outcome | time | detail |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for step in &report.steps {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                s::service_label(step.service),
                step.kind,
                cell(&step.target),
                step.status.as_str(),
                step.ms.map(s::millis).unwrap_or_default(),
                cell(&step.detail)
            );
        }
    }

    section(&mut out, "Transcript (passwords hidden)");
    let mut any = false;
    for probe in &report.endpoints {
        any |= transcript(&mut out, probe);
    }
    if !any {
        out.push_str("No conversation was recorded.\n");
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    scrub(out, account)
}

/// A `## title` with exactly one blank line before and after it.
fn section(out: &mut String, title: &str) {
    while out.ends_with("\n\n") {
        out.pop();
    }
    let _ = write!(out, "\n## {title}\n\n");
}

fn settings(out: &mut String, account: &Account) {
    let server = |out: &mut String, label: &str, server: &ServerSettings| {
        let _ = writeln!(
            out,
            "- {label}: {}, login method {}, user {}, password {}",
            inline(&server.summary()),
            server.auth,
            inline(&server.username),
            password_kind(&server.password)
        );
    };
    if let Some(incoming) = &account.incoming {
        server(out, s::LABEL_INCOMING, incoming);
    }
    if let Some(outgoing) = &account.outgoing {
        server(out, s::LABEL_OUTGOING, outgoing);
    }
    if let Some(store) = &account.store {
        let _ = writeln!(
            out,
            "- {}: {} {}",
            s::LABEL_STORE,
            store.format.as_str(),
            inline(&store.path.display().to_string())
        );
    }
}

fn password_kind(source: &PasswordSource) -> &'static str {
    match source {
        PasswordSource::Unset => "not set",
        PasswordSource::Literal(_) => "in the config file",
        PasswordSource::Command(_) => "from a command",
        PasswordSource::Env(_) => "from an environment variable",
    }
}

fn list(out: &mut String, heading: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "{heading}:\n");
    for item in items {
        let _ = writeln!(out, "- {}", inline(item));
    }
    out.push('\n');
}

/// One endpoint's conversation as a fenced block; false when there was none.
fn transcript(out: &mut String, probe: &EndpointProbe) -> bool {
    let Some(session) = &probe.session else {
        return false;
    };
    if session.transcript.is_empty() {
        return false;
    }
    let role = match &probe.role {
        Role::Configured => "as configured",
        Role::SameHost => "same server, other port",
        Role::Published(_) => "published by the domain",
    };
    let _ = writeln!(
        out,
        "### {} — {} ({role}), address {}\n",
        probe.service,
        inline(&probe.endpoint.to_string()),
        session.addr
    );
    let body: Vec<String> = session
        .transcript
        .iter()
        .map(|l| format!("{} {}", l.dir.prefix(), l.text))
        .collect();
    let fence = fence_for(&body);
    let _ = writeln!(out, "{fence}text");
    for line in body {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{fence}\n");
    true
}

/// A backtick fence longer than any run of backticks inside the block.
fn fence_for(lines: &[String]) -> String {
    let longest = lines
        .iter()
        .map(|l| l.split(|c| c != '`').map(str::len).max().unwrap_or(0))
        .max()
        .unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// Text on one line of Markdown: no line breaks.
fn inline(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

/// Text inside a table cell.
fn cell(text: &str) -> String {
    inline(text).replace('|', "\\|")
}

/// A second guard behind the engine's redaction: a literal password from
/// the settings never survives into the file, wherever it came from.
/// Very short passwords are left to the engine's redaction, since
/// replacing every occurrence of one or two letters would garble the
/// report.
fn scrub(mut text: String, account: &Account) -> String {
    for server in [&account.incoming, &account.outgoing].into_iter().flatten() {
        if let PasswordSource::Literal(secret) = &server.password {
            let pw = secret.expose();
            if pw.chars().count() >= 4 {
                text = text.replace(pw, MASK);
            }
        }
    }
    text
}
