//! What flows from the probe engine to its consumers (TUI, plain text,
//! JSON): progress steps, transcript lines and finished observations, each
//! tagged with the run they belong to so a re-probe can drop stale ones.

use std::fmt;

use serde::Serialize;

use crate::account::Service;
use crate::evidence::{Observation, TranscriptLine};

/// Identifies one probe run. The TUI bumps it on every re-probe and drops
/// events that carry an older one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct RunId(pub u64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct StepId(pub u32);

/// The kind of a progress step; its JSON name is `as_str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StepKind {
    Local,
    Dns,
    Connect,
    Tls,
    Greeting,
    Capabilities,
    Starttls,
    Login,
    Mailbox,
    Relay,
    Stability,
    Store,
}

impl StepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Local => "local-network",
            StepKind::Dns => "dns",
            StepKind::Connect => "tcp-connect",
            StepKind::Tls => "tls",
            StepKind::Greeting => "greeting",
            StepKind::Capabilities => "capabilities",
            StepKind::Starttls => "starttls",
            StepKind::Login => "login",
            StepKind::Mailbox => "mailbox",
            StepKind::Relay => "relay",
            StepKind::Stability => "stability",
            StepKind::Store => "store",
        }
    }
}

impl fmt::Display for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepStatus {
    Running,
    Ok,
    Failed,
    TimedOut,
    Skipped,
}

impl StepStatus {
    /// The JSON `outcome` word.
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Running => "running",
            StepStatus::Ok => "ok",
            StepStatus::Failed => "failed",
            StepStatus::TimedOut => "timeout",
            StepStatus::Skipped => "skipped",
        }
    }

    pub fn is_done(self) -> bool {
        self != StepStatus::Running
    }
}

/// One line of the live checklist. Sent when it starts (`Running`) and
/// again, with the same id, when it ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: StepId,
    /// `None` for steps that serve the whole account (local network).
    pub service: Option<Service>,
    pub kind: StepKind,
    /// `mail.example.org:993`, `example.org MX`, `~/Mail/work`.
    pub target: String,
    /// Part of the configured path (shown in full); neighbour probes are
    /// not primary and are summarised.
    pub primary: bool,
    pub status: StepStatus,
    /// Short outcome for display: "refused", "TLSv1.3", "+OK Dovecot ready".
    pub detail: String,
    /// Duration, once done.
    pub ms: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EventBody {
    Step(Step),
    /// A transcript line of the configured endpoint's session, as it happens.
    Transcript {
        service: Service,
        line: TranscriptLine,
    },
    Observed(Observation),
    /// The run is over: every probe finished or the deadline hit.
    Finished {
        elapsed_ms: f64,
        deadline_hit: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub run: RunId,
    pub body: EventBody,
}
