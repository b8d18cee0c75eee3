//! The live checklist of the probing screen, worked out from the steps
//! received so far: per service, the configured path's steps in order
//! (the host's A and AAAA questions as one row, steps that will not run
//! as one row per reason), the kinds still to come, and the neighbour
//! probes summed up per endpoint ("✓ :465 (TLS) answers"). Pure, so it is
//! tested apart from drawing.

use crate::account::{Account, Security, Service};
use crate::catalogue::Category;
use crate::event::{Step, StepKind, StepStatus};
use crate::plan::{Scope, is_ip_literal, normalise_host};
use crate::probe::{path_kinds, split_mode};

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
}

impl Block {
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

/// A neighbour endpoint's latest state: "✓ :465 (TLS) answers".
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbour {
    /// ":465 (TLS)" on the configured host, "host:port (mode)" elsewhere.
    pub label: String,
    pub status: StepStatus,
    /// A word or two: "answers", "refused", "no answer".
    pub word: String,
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
                    format!("{} {}", store.format.as_str(), store.path.display()),
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

fn neighbours(steps: &[Step], service: Service, host: &str) -> Vec<Neighbour> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{AuthMech, PasswordSource, Protocol, ServerSettings};
    use crate::event::StepId;
    use crate::probe::mode_detail;

    fn server(protocol: Protocol, port: u16, security: Security) -> ServerSettings {
        ServerSettings {
            protocol,
            host: "mail.example.org".into(),
            port,
            port_explicit: false,
            security,
            auth: AuthMech::Auto,
            username: "a".into(),
            password: PasswordSource::Unset,
            ca_file: None,
            allow_plaintext_auth: false,
            relay_probe_rcpt: None,
        }
    }

    fn account() -> Account {
        Account {
            name: "work".into(),
            email: "a@example.org".into(),
            incoming: Some(server(Protocol::Imap, 993, Security::Tls)),
            outgoing: Some(server(Protocol::Smtp, 587, Security::Starttls)),
            store: None,
        }
    }

    fn step(
        id: u32,
        service: Service,
        kind: StepKind,
        target: &str,
        primary: bool,
        status: StepStatus,
        detail: &str,
    ) -> Step {
        Step {
            id: StepId(id),
            service: Some(service),
            kind,
            target: target.into(),
            primary,
            status,
            detail: detail.into(),
            ms: None,
        }
    }

    use Service::{Incoming, Outgoing};
    use StepKind::*;
    use StepStatus::*;

    #[test]
    fn pending_kinds_follow_the_configured_security() {
        let steps = vec![
            step(
                1,
                Incoming,
                Dns,
                "mail.example.org A",
                true,
                Ok,
                "192.0.2.7",
            ),
            step(
                2,
                Incoming,
                Connect,
                "mail.example.org:993",
                true,
                Running,
                "",
            ),
        ];
        let blocks = blocks(&account(), Scope::Everything, &steps);
        assert_eq!(
            blocks[0].pending,
            [Tls, Greeting, Capabilities, Login, Mailbox]
        );
        // The host's addresses count for outgoing too, which shares it.
        assert_eq!(
            blocks[1].pending,
            [Connect, Greeting, Capabilities, Starttls, Login, Relay]
        );
        assert_eq!(blocks[1].rows[0].text, "mail.example.org → 192.0.2.7");
    }

    #[test]
    fn a_and_aaaa_are_one_row_and_skipped_steps_share_one() {
        let why = "not reached: no connection";
        let steps = vec![
            step(
                1,
                Incoming,
                Dns,
                "mail.example.org A",
                true,
                Ok,
                "192.0.2.7",
            ),
            step(
                2,
                Incoming,
                Dns,
                "mail.example.org AAAA",
                true,
                Ok,
                "no AAAA record",
            ),
            step(
                3,
                Incoming,
                Connect,
                "mail.example.org:993",
                true,
                Failed,
                "192.0.2.7: refused (RST)",
            ),
            step(4, Incoming, Tls, "mail.example.org:993", true, Skipped, why),
            step(
                5,
                Incoming,
                Greeting,
                "mail.example.org:993",
                true,
                Skipped,
                why,
            ),
            step(
                6,
                Incoming,
                Login,
                "mail.example.org:993",
                true,
                Skipped,
                why,
            ),
        ];
        let block = &blocks(&account(), Scope::Only(Category::Connect), &steps)[0];
        let rows: Vec<(&str, &str, StepStatus)> = block
            .rows
            .iter()
            .map(|r| (r.label.as_str(), r.text.as_str(), r.status))
            .collect();
        assert_eq!(
            rows,
            [
                ("DNS", "mail.example.org → 192.0.2.7; no AAAA record", Ok),
                ("connect", "192.0.2.7: refused (RST)", Failed),
                ("TLS, greeting, login", why, Skipped),
            ]
        );
        assert_eq!(block.pending, [Capabilities, Mailbox]);
        assert!(!block.settled_fine());
    }

    #[test]
    fn neighbours_are_told_apart_by_port_and_mode() {
        let target = "mail.example.org:587";
        let steps = vec![
            step(
                1,
                Outgoing,
                Connect,
                target,
                true,
                Failed,
                "192.0.2.7: refused (RST)",
            ),
            step(
                2,
                Outgoing,
                Connect,
                target,
                false,
                Ok,
                &mode_detail(Security::Tls, "192.0.2.7: connected"),
            ),
            step(
                3,
                Outgoing,
                Greeting,
                target,
                false,
                Ok,
                &mode_detail(Security::Tls, "220 hi"),
            ),
            step(
                4,
                Outgoing,
                Connect,
                target,
                false,
                Failed,
                &mode_detail(Security::Starttls, "192.0.2.7: refused (RST)"),
            ),
            step(
                5,
                Outgoing,
                Connect,
                "mail.example.org:25",
                false,
                TimedOut,
                &mode_detail(Security::Starttls, "192.0.2.7: timed out"),
            ),
            step(
                6,
                Outgoing,
                Connect,
                "mx.example.net:465",
                false,
                Running,
                &mode_detail(Security::Tls, ""),
            ),
        ];
        let blocks = blocks(&account(), Scope::Everything, &steps);
        let out = blocks.iter().find(|b| b.service == Some(Outgoing)).unwrap();
        let seen: Vec<(&str, StepStatus, &str)> = out
            .neighbours
            .iter()
            .map(|n| (n.label.as_str(), n.status, n.word.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                (":587 (TLS)", Ok, "answers"),
                (":587 (STARTTLS)", Failed, "refused (RST)"),
                (":25 (STARTTLS)", TimedOut, "no answer"),
                ("mx.example.net:465 (TLS)", Running, ""),
            ]
        );
    }

    #[test]
    fn rows_that_went_fine_merge_when_lines_are_short() {
        let target = "mail.example.org:993";
        let steps = vec![
            step(
                1,
                Incoming,
                Dns,
                "mail.example.org A",
                true,
                Ok,
                "192.0.2.7",
            ),
            step(
                2,
                Incoming,
                Connect,
                target,
                true,
                Ok,
                "192.0.2.7: connected",
            ),
            step(3, Incoming, Connect, target, true, Ok, "[::1]: connected"),
            step(4, Incoming, Stability, target, true, Running, ""),
            step(5, Incoming, Tls, target, true, Ok, "TLSv1.3"),
            step(6, Incoming, Greeting, target, true, Failed, "silence"),
        ];
        let block = blocks(&account(), Scope::Only(Category::Connect), &steps)[0].compacted();
        let rows: Vec<(&str, StepStatus)> = block
            .rows
            .iter()
            .map(|r| (r.label.as_str(), r.status))
            .collect();
        assert_eq!(
            rows,
            [
                ("DNS, connect", Ok),
                ("stability", Running),
                ("TLS", Ok),
                ("greeting", Failed)
            ]
        );
    }

    #[test]
    fn a_block_that_went_well_can_shrink() {
        let target = "mail.example.org:993";
        let mut steps = vec![
            step(
                1,
                Incoming,
                Dns,
                "mail.example.org A",
                true,
                Ok,
                "192.0.2.7",
            ),
            step(
                2,
                Incoming,
                Connect,
                target,
                true,
                Ok,
                "192.0.2.7: connected",
            ),
            step(3, Incoming, Tls, target, true, Ok, "TLSv1.3"),
            step(4, Incoming, Greeting, target, true, Ok, "* OK"),
            step(5, Incoming, Capabilities, target, true, Ok, "AUTH PLAIN"),
            step(6, Incoming, Login, target, true, Skipped, "no password"),
        ];
        let fine = |steps: &[Step]| {
            blocks(&account(), Scope::Only(Category::Connect), steps)[0].settled_fine()
        };
        assert!(!fine(&steps), "the mailbox is still to come");
        steps.push(step(
            7,
            Incoming,
            Mailbox,
            target,
            true,
            Skipped,
            "not run: there was no login",
        ));
        assert!(fine(&steps));
        steps.push(step(
            8,
            Incoming,
            Connect,
            "mail.example.org:143",
            false,
            Running,
            "STARTTLS",
        ));
        assert!(!fine(&steps), "a neighbour is still running");
    }
}
