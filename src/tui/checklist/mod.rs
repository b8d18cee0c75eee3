//! The live checklist of the probing screen, worked out from the steps
//! received so far: per service, the configured path's steps in order
//! (the host's A and AAAA questions as one row, steps that will not run
//! as one row per reason), the kinds still to come, and the neighbour
//! probes summed up per endpoint ("✓ :465 (TLS) answers"). Pure, so it is
//! tested apart from drawing.

mod neighbours;

use crate::account::{Account, Service};
use crate::catalogue::Category;
use crate::event::{Step, StepKind, StepStatus};
use crate::plan::{Scope, is_ip_literal, normalise_host};
use crate::probe::path_kinds;

pub use neighbours::Neighbour;
use neighbours::neighbours;

/// One block of the checklist.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// `None` for steps about the whole machine (the local network).
    pub service: Option<Service>,
    /// "IMAP mail.example.org:993 TLS".
    pub heading: String,
    /// The configured path, in the order its steps started.
    pub rows: Vec<Row>,
    /// Kinds expected on the configured path that have not started.
    pub pending: Vec<StepKind>,
    /// Neighbour probes, one per endpoint (target and security mode).
    pub neighbours: Vec<Neighbour>,
}

impl Block {
    /// Every step is over, none failed and nothing is to come: the block
    /// can shrink to its heading when the screen is short of lines.
    pub fn settled_fine(&self) -> bool {
        self.pending.is_empty()
            && !self.rows.is_empty()
            && self
                .rows
                .iter()
                .all(|r| matches!(r.status, StepStatus::Ok | StepStatus::Skipped))
            && self.rows.iter().any(|r| r.status == StepStatus::Ok)
            && self.neighbours.iter().all(|n| n.status.is_done())
    }

    /// The block with each run of rows that went fine merged into one
    /// ("✓ DNS, connect, TLS, greeting"), for a screen short of lines.
    /// Running, failed and skipped rows stay as they are.
    pub fn compacted(&self) -> Block {
        let mut rows: Vec<Row> = Vec::new();
        let mut merging = false;
        for row in &self.rows {
            if row.status == StepStatus::Ok {
                if merging && let Some(last) = rows.last_mut() {
                    last.text.clear();
                    if !last.label.split(", ").any(|l| l == row.label) {
                        last.label.push_str(", ");
                        last.label.push_str(&row.label);
                    }
                    last.ms = match (last.ms, row.ms) {
                        (Some(a), Some(b)) => Some(a + b),
                        (a, b) => a.or(b),
                    };
                    continue;
                }
                merging = true;
                rows.push(row.clone());
                continue;
            }
            merging = false;
            rows.push(row.clone());
        }
        Block {
            rows,
            ..self.clone()
        }
    }
}

/// One row of a block: a step, the host's DNS questions together, or the
/// steps skipped for one reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub status: StepStatus,
    /// "DNS", "connect"; for skipped steps "greeting, login, mailbox".
    pub label: String,
    /// What happened: "127.0.0.1: connected", "not reached: no connection".
    pub text: String,
    pub ms: Option<f64>,
}

/// What a step kind is called on screen.
pub fn kind_label(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Local => "network",
        StepKind::Dns => "DNS",
        StepKind::Connect => "connect",
        StepKind::Tls => "TLS",
        StepKind::Greeting => "greeting",
        StepKind::Capabilities => "abilities",
        StepKind::Starttls => "STARTTLS",
        StepKind::Login => "login",
        StepKind::Mailbox => "mailbox",
        StepKind::Relay => "relay",
        StepKind::Stability => "stability",
        StepKind::Store => "store",
    }
}

/// The kinds a full probe of `service` goes through, in order: the
/// engine's path after DNS, with DNS in front for a host name.
fn expected_kinds(account: &Account, service: Service, scope: Scope) -> Vec<StepKind> {
    if service == Service::Store {
        return if account.store.is_some() && scope.includes(Category::Store) {
            vec![StepKind::Store]
        } else {
            vec![]
        };
    }
    let Some(server) = account.server(service) else {
        return vec![];
    };
    let mut kinds = Vec::new();
    if !is_ip_literal(&normalise_host(&server.host)) {
        kinds.push(StepKind::Dns);
    }
    kinds.extend(path_kinds(service, server.security));
    kinds
}

/// The blocks of the checklist: the machine (if any step is about it),
/// then incoming, outgoing and store as the account has them.
pub fn blocks(account: &Account, scope: Scope, steps: &[Step]) -> Vec<Block> {
    let mut out = Vec::new();
    let local: Vec<&Step> = steps
        .iter()
        .filter(|s| s.service.is_none() && s.primary)
        .collect();
    if !local.is_empty() {
        out.push(Block {
            service: None,
            heading: String::new(),
            // The heading says it is about this computer; no target needed.
            rows: step_rows(&local, &local[0].target),
            pending: vec![],
            neighbours: vec![],
        });
    }
    for service in [Service::Incoming, Service::Outgoing, Service::Store] {
        let (heading, host, target) = match service {
            Service::Store => match &account.store {
                Some(store) => (
                    super::strings::store_summary(store),
                    String::new(),
                    store.path.display().to_string(),
                ),
                None => continue,
            },
            _ => match account.server(service) {
                Some(server) => (
                    server.summary(),
                    normalise_host(&server.host),
                    crate::account::host_port(&normalise_host(&server.host), server.port),
                ),
                None => continue,
            },
        };
        let mut rows = Vec::new();
        // The host's addresses, whichever service's probe asked first.
        let dns: Vec<&Step> = steps
            .iter()
            .filter(|s| s.kind == StepKind::Dns && s.primary && dns_host(&s.target) == host)
            .collect();
        if !host.is_empty()
            && !dns.is_empty()
            && let Some(row) = dns_row(&host, &dns)
        {
            rows.push(row);
        }
        let mine: Vec<&Step> = steps
            .iter()
            .filter(|s| s.service == Some(service) && s.primary && s.kind != StepKind::Dns)
            .collect();
        rows.extend(step_rows(&mine, &target));
        let pending = expected_kinds(account, service, scope)
            .into_iter()
            .filter(|k| match k {
                StepKind::Dns => dns.is_empty(),
                k => !mine.iter().any(|s| s.kind == *k),
            })
            .collect();
        let block = Block {
            service: Some(service),
            heading,
            rows,
            pending,
            neighbours: neighbours(steps, service, &host),
        };
        // A part of the account this run does not look at is left out.
        if !(block.rows.is_empty() && block.pending.is_empty() && block.neighbours.is_empty()) {
            out.push(block);
        }
    }
    out
}

/// The host of a DNS step's target: "mail.example.org A" → "mail.example.org".
fn dns_host(target: &str) -> String {
    let name = target.rsplit_once(' ').map_or(target, |(name, _)| name);
    normalise_host(name)
}

/// The host's A and AAAA questions as one row.
fn dns_row(host: &str, dns: &[&Step]) -> Option<Row> {
    let first = dns.first()?;
    let status = if dns.iter().any(|s| s.status == StepStatus::Running) {
        StepStatus::Running
    } else if dns.iter().any(|s| s.status == StepStatus::Ok) {
        StepStatus::Ok
    } else {
        first.status
    };
    let mut answers: Vec<&str> = Vec::new();
    for step in dns {
        if !step.detail.is_empty() && !answers.contains(&step.detail.as_str()) {
            answers.push(&step.detail);
        }
    }
    let text = if answers.is_empty() {
        host.to_owned()
    } else {
        format!("{host} → {}", answers.join("; "))
    };
    Some(Row {
        status,
        label: kind_label(StepKind::Dns).to_owned(),
        text,
        ms: dns.iter().filter_map(|s| s.ms).reduce(f64::max),
    })
}

/// Steps as rows; the target is named only where it is not the
/// configured one; skipped steps in a row with the same reason share one.
fn step_rows(steps: &[&Step], configured: &str) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for step in steps {
        if step.status == StepStatus::Skipped
            && let Some(last) = rows.last_mut()
            && last.status == StepStatus::Skipped
            && last.text == step.detail
        {
            last.label.push_str(", ");
            last.label.push_str(kind_label(step.kind));
            continue;
        }
        let text = if step.detail.is_empty() && step.status == StepStatus::Running {
            step.target.clone()
        } else if step.target.is_empty() || step.target == configured {
            step.detail.clone()
        } else if step.detail.is_empty() {
            step.target.clone()
        } else {
            format!("{}  {}", step.target, step.detail)
        };
        rows.push(Row {
            status: step.status,
            label: kind_label(step.kind).to_owned(),
            text,
            ms: step.ms,
        });
    }
    rows
}

#[cfg(test)]
mod tests;
