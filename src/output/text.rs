//! `mailfix check` for people: per account a heading with its servers,
//! each finding as "Connect · cause 5 — Wrong port number" with the
//! evidence and the fix, the causes ruled out in brief, notes, or a clear
//! "no problem found".

use std::fmt::Write as _;

use crate::account::{Account, Service};
use crate::event::StepStatus;
use crate::evidence::Report;
use crate::finding::{Diagnosis, Finding, Note, RuledOut};

use super::{Palette, hedge, printable, problem_count};

/// The whole text block for one account, ending with a newline.
pub fn render(report: &Report, diagnosis: &Diagnosis, palette: Palette) -> String {
    let mut out = String::new();
    heading(&mut out, &report.account, palette);

    for finding in &diagnosis.findings {
        finding_block(&mut out, finding, palette);
    }
    if !diagnosis.ruled_out.is_empty() {
        let _ = writeln!(out, "\n  {}", palette.dim("Ruled out:"));
        for ruled in &diagnosis.ruled_out {
            ruled_out_line(&mut out, ruled, palette);
        }
    }
    if !diagnosis.notes.is_empty() {
        let _ = writeln!(out, "\n  {}", palette.heading("Notes:"));
        for note in &diagnosis.notes {
            note_block(&mut out, note, palette);
        }
    }

    out.push('\n');
    let summary = summary(report);
    if diagnosis.is_ok() {
        let _ = writeln!(out, "  {} {summary}", palette.good("✓ No problem found."));
    } else {
        let problems = problem_count(diagnosis);
        let word = if problems == 1 { "problem" } else { "problems" };
        let _ = writeln!(
            out,
            "  {} {summary}",
            palette.bad(&format!("✗ {problems} {word} found."))
        );
    }
    out
}

fn heading(out: &mut String, account: &Account, palette: Palette) {
    let _ = writeln!(
        out,
        "{} {}",
        palette.heading(&printable(&account.name)),
        palette.dim(&format!("<{}>", printable(&account.email)))
    );
    for service in [Service::Incoming, Service::Outgoing] {
        if let Some(server) = account.server(service) {
            let _ = writeln!(
                out,
                "  {:<9} {}",
                service.as_str(),
                printable(&server.summary())
            );
        }
    }
    if let Some(store) = &account.store {
        let _ = writeln!(
            out,
            "  {:<9} {} {}",
            "store",
            store.format.as_str(),
            printable(&store.path.to_string_lossy())
        );
    }
}

fn finding_block(out: &mut String, finding: &Finding, palette: Palette) {
    let _ = writeln!(
        out,
        "\n  {} {} · {} — {}{}",
        palette.bad("✗"),
        finding.service,
        palette.heading(&finding.cause.to_string()),
        palette.heading(finding.cause.title()),
        hedge(finding.confidence)
    );
    let _ = writeln!(out, "    {}", printable(&finding.title));
    labelled(out, "evidence", &finding.evidence, palette);
    labelled(out, "fix", &finding.fix, palette);
}

/// "    evidence  first line" then the others aligned under it.
fn labelled(out: &mut String, label: &str, lines: &[String], palette: Palette) {
    for (i, line) in lines.iter().enumerate() {
        let shown = if i == 0 { label } else { "" };
        let _ = writeln!(
            out,
            "    {} {}",
            palette.label(&format!("{shown:<9}")),
            printable(line)
        );
    }
}

fn ruled_out_line(out: &mut String, ruled: &RuledOut, palette: Palette) {
    let _ = writeln!(
        out,
        "    {}",
        palette.dim(&format!(
            "{} · {} — {}: {}",
            ruled.service,
            ruled.cause,
            ruled.cause.title(),
            printable(&ruled.reason)
        ))
    );
}

fn note_block(out: &mut String, note: &Note, palette: Palette) {
    let mark = if note.problem {
        palette.warn("!")
    } else {
        palette.dim("i")
    };
    let service = note.service.map(|s| format!("{s}: ")).unwrap_or_default();
    let _ = writeln!(out, "    {mark} {service}{}", printable(&note.text));
    for line in &note.evidence {
        let _ = writeln!(out, "        {}", printable(line));
    }
}

/// "(9 checks, 2 failed, 1.2 s)": the steps of the configured path;
/// neighbour probes that find a port closed are not failures.
pub(crate) fn summary(report: &Report) -> String {
    let primary: Vec<_> = report.steps.iter().filter(|s| s.primary).collect();
    let failed = primary
        .iter()
        .filter(|s| matches!(s.status, StepStatus::Failed | StepStatus::TimedOut))
        .count();
    let mut parts = vec![format!(
        "{} {}",
        primary.len(),
        if primary.len() == 1 {
            "check"
        } else {
            "checks"
        }
    )];
    if failed > 0 {
        parts.push(format!("{failed} failed"));
    }
    parts.push(format!("{:.1} s", report.elapsed_ms / 1000.0));
    if report.deadline_hit {
        parts.push("cut short by the overall deadline".into());
    }
    format!("({})", parts.join(", "))
}
