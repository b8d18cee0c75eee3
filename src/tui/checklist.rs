//! The live checklist of the probing screen, worked out from the steps
//! received so far: per service, the configured path's steps in order,
//! the kinds still to come, and the neighbour probes summed up in a line.

use crate::account::{Account, Security, Service};
use crate::catalogue::Category;
use crate::event::{Step, StepKind, StepStatus};
use crate::plan::{Scope, is_ip_literal, normalise_host};

/// One block of the checklist.
#[derive(Debug, Clone, PartialEq)]
pub struct Block<'a> {
    /// `None` for steps about the whole machine (the local network).
    pub service: Option<Service>,
    /// "IMAP mail.example.org:993 TLS".
    pub heading: String,
    /// Steps of the configured path, in the order they started.
    pub steps: Vec<&'a Step>,
    /// Kinds expected on the configured path that have not started.
    pub pending: Vec<StepKind>,
    /// Neighbour probes, one per target.
    pub neighbours: Vec<Neighbour>,
}

/// A neighbour endpoint's latest state: "✓ :465 answers (TLS)".
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbour {
    /// ":465" on the configured host, "host:port" elsewhere.
    pub label: String,
    pub status: StepStatus,
    pub detail: String,
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

/// The kinds a full probe of `service` goes through, in order.
pub fn expected_kinds(account: &Account, service: Service, scope: Scope) -> Vec<StepKind> {
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
    kinds.push(StepKind::Connect);
    if server.security == Security::Tls {
        kinds.push(StepKind::Tls);
    }
    kinds.push(StepKind::Greeting);
    kinds.push(StepKind::Capabilities);
    if server.security == Security::Starttls {
        kinds.push(StepKind::Starttls);
    }
    kinds.push(StepKind::Login);
    kinds.push(match service {
        Service::Outgoing => StepKind::Relay,
        _ => StepKind::Mailbox,
    });
    kinds
}

/// The blocks of the checklist: the machine (if any step is about it),
/// then incoming, outgoing and store as the account has them.
pub fn blocks<'a>(account: &Account, scope: Scope, steps: &'a [Step]) -> Vec<Block<'a>> {
    let mut out = Vec::new();
    let local: Vec<&Step> = steps
        .iter()
        .filter(|s| s.service.is_none() && s.primary)
        .collect();
    if !local.is_empty() {
        out.push(Block {
            service: None,
            heading: String::new(),
            steps: local,
            pending: vec![],
            neighbours: vec![],
        });
    }
    for service in [Service::Incoming, Service::Outgoing, Service::Store] {
        let heading = match service {
            Service::Store => match &account.store {
                Some(store) => format!("{} {}", store.format.as_str(), store.path.display()),
                None => continue,
            },
            _ => match account.server(service) {
                Some(server) => server.summary(),
                None => continue,
            },
        };
        let mine: Vec<&Step> = steps
            .iter()
            .filter(|s| s.service == Some(service) && s.primary)
            .collect();
        let pending = expected_kinds(account, service, scope)
            .into_iter()
            .filter(|k| !mine.iter().any(|s| s.kind == *k))
            .collect();
        let host = account
            .server(service)
            .map(|s| normalise_host(&s.host))
            .unwrap_or_default();
        let block = Block {
            service: Some(service),
            heading,
            steps: mine,
            pending,
            neighbours: neighbours(steps, service, &host),
        };
        // A part of the account this run does not look at is left out.
        if !(block.steps.is_empty() && block.pending.is_empty() && block.neighbours.is_empty()) {
            out.push(block);
        }
    }
    out
}

fn neighbours(steps: &[Step], service: Service, host: &str) -> Vec<Neighbour> {
    let mut out: Vec<Neighbour> = Vec::new();
    for step in steps
        .iter()
        .filter(|s| s.service == Some(service) && !s.primary)
        .filter(|s| !matches!(s.kind, StepKind::Dns | StepKind::Local))
    {
        let label = short_target(&step.target, host);
        let detail = step.detail.clone();
        match out.iter_mut().find(|n| n.label == label) {
            // A later step of the same target tells more (greeting after connect),
            // unless it is still running and the earlier one had an answer.
            Some(existing) => {
                if step.status != StepStatus::Running || existing.status == StepStatus::Running {
                    existing.status = step.status;
                    existing.detail = detail;
                }
            }
            None => out.push(Neighbour {
                label,
                status: step.status,
                detail,
            }),
        }
    }
    out
}

/// ":465" when `target` is on `host`, else the target itself.
fn short_target(target: &str, host: &str) -> String {
    match target.rsplit_once(':') {
        Some((h, port)) if normalise_host(h) == host => format!(":{port}"),
        _ => target.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{AuthMech, PasswordSource, Protocol, ServerSettings};
    use crate::event::StepId;

    fn account() -> Account {
        Account {
            name: "work".into(),
            email: "a@example.org".into(),
            incoming: Some(ServerSettings {
                protocol: Protocol::Imap,
                host: "mail.example.org".into(),
                port: 993,
                port_explicit: false,
                security: Security::Tls,
                auth: AuthMech::Auto,
                username: "a".into(),
                password: PasswordSource::Unset,
                ca_file: None,
                allow_plaintext_auth: false,
                relay_probe_rcpt: None,
            }),
            outgoing: None,
            store: None,
        }
    }

    fn step(id: u32, kind: StepKind, target: &str, primary: bool, status: StepStatus) -> Step {
        Step {
            id: StepId(id),
            service: Some(Service::Incoming),
            kind,
            target: target.into(),
            primary,
            status,
            detail: String::new(),
            ms: None,
        }
    }

    #[test]
    fn pending_kinds_follow_the_configured_security() {
        let steps = vec![
            step(1, StepKind::Dns, "mail.example.org", true, StepStatus::Ok),
            step(
                2,
                StepKind::Connect,
                "mail.example.org:993",
                true,
                StepStatus::Running,
            ),
        ];
        let blocks = blocks(&account(), Scope::Everything, &steps);
        assert_eq!(blocks.len(), 1);
        assert_eq!(
            blocks[0].pending,
            [
                StepKind::Tls,
                StepKind::Greeting,
                StepKind::Capabilities,
                StepKind::Login,
                StepKind::Mailbox
            ]
        );
    }

    #[test]
    fn neighbours_are_summed_up_by_target() {
        let steps = vec![
            step(
                3,
                StepKind::Connect,
                "mail.example.org:143",
                false,
                StepStatus::Ok,
            ),
            step(
                4,
                StepKind::Greeting,
                "mail.example.org:143",
                false,
                StepStatus::Running,
            ),
            step(
                5,
                StepKind::Connect,
                "other.example.net:993",
                false,
                StepStatus::Failed,
            ),
        ];
        let blocks = blocks(&account(), Scope::Everything, &steps);
        let labels: Vec<(&str, StepStatus)> = blocks[0]
            .neighbours
            .iter()
            .map(|n| (n.label.as_str(), n.status))
            .collect();
        assert_eq!(
            labels,
            [
                (":143", StepStatus::Ok),
                ("other.example.net:993", StepStatus::Failed)
            ]
        );
    }
}
