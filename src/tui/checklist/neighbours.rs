//! The neighbour probes of a block, one line per endpoint: its latest
//! state and a word or two ("✓ :465 (TLS) answers").

use crate::account::{Security, Service};
use crate::event::{Step, StepKind, StepStatus};
use crate::plan::normalise_host;
use crate::probe::split_mode;

use super::kind_label;

/// A neighbour endpoint's latest state: "✓ :465 (TLS) answers".
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbour {
    /// ":465 (TLS)" on the configured host, "host:port (mode)" elsewhere.
    pub label: String,
    pub status: StepStatus,
    /// A word or two: "answers", "refused", "no answer".
    pub word: String,
}

pub(super) fn neighbours(steps: &[Step], service: Service, host: &str) -> Vec<Neighbour> {
    // Per endpoint: its latest state, and whether it greeted (once a
    // server greeted, it "answers", whatever a later step met).
    let mut out: Vec<(Neighbour, bool)> = Vec::new();
    for step in steps
        .iter()
        .filter(|s| s.service == Some(service) && !s.primary)
        .filter(|s| !matches!(s.kind, StepKind::Dns | StepKind::Local))
    {
        let (mode, rest) = split_mode(&step.detail);
        let label = neighbour_label(&step.target, mode, host);
        let greeted = step.kind == StepKind::Greeting && step.status == StepStatus::Ok;
        let now = Neighbour {
            label: label.clone(),
            status: step.status,
            word: neighbour_word(step.kind, step.status, rest),
        };
        match out.iter_mut().find(|(n, _)| n.label == label) {
            Some((existing, answered)) => {
                // A step still running does not hide one that ended.
                let newer =
                    step.status != StepStatus::Running || existing.status == StepStatus::Running;
                if greeted || (newer && !*answered) {
                    *existing = now;
                }
                *answered |= greeted;
            }
            None => out.push((now, greeted)),
        }
    }
    out.into_iter().map(|(n, _)| n).collect()
}

/// ":465 (TLS)" when `target` is on `host`, else "host:465 (TLS)".
fn neighbour_label(target: &str, mode: Option<Security>, host: &str) -> String {
    let place = match target.rsplit_once(':') {
        Some((h, port)) if normalise_host(h) == host => format!(":{port}"),
        _ => target.to_owned(),
    };
    match mode {
        Some(Security::None) => format!("{place} (plain)"),
        Some(mode) => format!("{place} ({})", mode.label()),
        None => place,
    }
}

/// A word or two for a neighbour's latest step.
fn neighbour_word(kind: StepKind, status: StepStatus, detail: &str) -> String {
    match (kind, status) {
        (_, StepStatus::Running) => String::new(),
        (_, StepStatus::TimedOut) => "no answer".into(),
        (_, StepStatus::Skipped) => "skipped".into(),
        (StepKind::Connect, StepStatus::Ok) => "connects".into(),
        (StepKind::Connect, _) => {
            // "127.0.0.1: refused (RST)" → "refused (RST)"
            let what = detail.split_once(": ").map_or(detail, |(_, w)| w);
            if what.is_empty() {
                "no connection".into()
            } else {
                what.to_owned()
            }
        }
        (StepKind::Tls, StepStatus::Ok) => "TLS works".into(),
        (StepKind::Tls, _) => "TLS fails".into(),
        (StepKind::Starttls, StepStatus::Failed) => "STARTTLS fails".into(),
        (StepKind::Greeting, StepStatus::Failed) => "no proper greeting".into(),
        (_, StepStatus::Ok) => "answers".into(),
        (kind, _) => format!("{} fails", kind_label(kind)),
    }
}
