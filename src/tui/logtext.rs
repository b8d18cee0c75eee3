//! The content of the log screen (`l`): every step of the last run,
//! neighbours included, then each endpoint's transcript. Pure, so
//! `update` can bound scrolling by the same lines `view` draws.

use crate::event::{StepKind, StepStatus};
use crate::evidence::Role;
use crate::probe::split_mode;

use super::checklist::kind_label;
use super::model::Outcome;
use super::strings as s;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    Heading,
    Step(StepStatus),
    Transcript,
    Plain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub kind: LogKind,
    pub text: String,
}

pub fn lines(outcome: &Outcome) -> Vec<LogLine> {
    let report = &outcome.report;
    let mut out = Vec::new();
    let line = |kind, text: String| LogLine { kind, text };
    out.push(line(LogKind::Heading, s::LOG_STEPS.to_owned()));
    if report.steps.is_empty() {
        out.push(line(LogKind::Plain, s::LOG_EMPTY.to_owned()));
    }
    for step in &report.steps {
        let ms = step.ms.map(s::millis).unwrap_or_default();
        // A neighbour's detail starts with its security mode: name it
        // with the target, "mail.example.org:465 TLS (also tried)".
        let (target, detail) = match split_mode(&step.detail) {
            (Some(mode), rest) if !step.primary => {
                (format!("{} {}", step.target, mode.label()), rest)
            }
            _ => (step.target.clone(), step.detail.as_str()),
        };
        // Neighbours are "also tried"; DNS questions about the domain
        // (MX, SRV) are part of every check and need no word.
        let role = if step.primary || step.kind == StepKind::Dns {
            ""
        } else {
            " (also tried)"
        };
        let who = match (step.service, step.kind) {
            (None, StepKind::Local) | (Some(_), _) => s::service_label(step.service),
            (None, _) => s::LABEL_ACCOUNT,
        };
        out.push(line(
            LogKind::Step(step.status),
            format!(
                "{who:<9} {:<10} {target}{role}  {detail}  {ms}",
                kind_label(step.kind),
            ),
        ));
    }
    out.push(line(LogKind::Plain, String::new()));
    out.push(line(LogKind::Heading, s::LOG_TRANSCRIPT.to_owned()));
    for probe in &report.endpoints {
        let Some(session) = &probe.session else {
            continue;
        };
        if session.transcript.is_empty() {
            continue;
        }
        let role = match probe.role {
            Role::Configured => "as configured",
            Role::SameHost => "other port",
            Role::Published(_) => "published",
        };
        out.push(line(
            LogKind::Plain,
            format!(
                "{} · {} ({role}) · {}",
                probe.service, probe.endpoint, session.addr
            ),
        ));
        for l in &session.transcript {
            out.push(line(
                LogKind::Transcript,
                format!("  {} {}", l.dir.prefix(), l.text),
            ));
        }
    }
    out
}
