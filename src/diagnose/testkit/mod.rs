//! Builders for literal [`Report`]s, so tests state evidence the way a
//! probe would have seen it: `cfg(...).refused()`, `nb(...).greet("* OK …")`.

mod ep;

pub use ep::*;

use std::path::PathBuf;

use crate::account::{
    Account, PasswordSource, Protocol, Security, ServerSettings, Service, StoreFormat,
};
use crate::catalogue::CauseId;
use crate::evidence::{
    Attempt, AttemptOutcome, CertSummary, DnsAnswer, DnsLookup, DnsOutcome, Enhanced, Interface,
    LocalNet, PinCheck, Publisher, RecordKind, Reply, Report, Role, Space, StabilityProbe, Status,
    StoreCheck, StoreProblem, TlsOutcome, WriteTest,
};
use crate::finding::{Confidence, Diagnosis, Finding};
use crate::secret::Secret;

// Shorthands for the tables.
pub const IN: Service = Service::Incoming;
pub const OUT: Service = Service::Outgoing;
pub const ST: Service = Service::Store;
pub const IMAP: Protocol = Protocol::Imap;
pub const POP3: Protocol = Protocol::Pop3;
pub const SMTP: Protocol = Protocol::Smtp;

pub const HOST: &str = "mail.example.org";
pub const IP: &str = "192.0.2.7";
pub const EMAIL: &str = "alice@example.org";

pub const IMAP_HELLO: &str = "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN] Dovecot (Debian) ready.";
pub const POP3_HELLO: &str = "+OK Dovecot (Debian) ready.";
pub const SMTP_HELLO: &str = "220 mail.example.org ESMTP Postfix (Debian/GNU)";

pub fn hello(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Imap => IMAP_HELLO,
        Protocol::Pop3 => POP3_HELLO,
        Protocol::Smtp => SMTP_HELLO,
    }
}

pub fn settings(protocol: Protocol, host: &str, port: u16, security: Security) -> ServerSettings {
    ServerSettings::new(protocol, host, port, security)
        .with_username(EMAIL)
        .with_password(PasswordSource::Literal(Secret::new("correct horse")))
}

// ---- replies -------------------------------------------------------------

pub fn smtp_r(code: u16, e: (u8, u16, u16), text: &str) -> Reply {
    Reply::new(Status::Smtp(code), text).with_enhanced(Enhanced::new(e.0, e.1, e.2))
}

pub fn imap_r(status: Status, code: Option<&str>, text: &str) -> Reply {
    let r = Reply::new(status, text);
    match code {
        Some(c) => r.with_code(c),
        None => r,
    }
}

pub fn pop_r(ok: bool, code: Option<&str>, text: &str) -> Reply {
    let r = Reply::new(if ok { Status::Pop3Ok } else { Status::Pop3Err }, text);
    match code {
        Some(c) => r.with_code(c),
        None => r,
    }
}

// ---- TLS -------------------------------------------------------------------

pub fn cert(host: &str, issuer: &str) -> CertSummary {
    CertSummary {
        subject: format!("CN={host}"),
        issuer: issuer.into(),
        names: vec![host.into()],
        not_before: "2026-01-01T00:00:00Z".into(),
        not_after: "2026-12-31T23:59:59Z".into(),
        self_signed: false,
        sha256: "3f5a0c1e9b7d24681357924680acebdf0123456789abcdef0123456789abcdef".into(),
    }
}

pub fn verified(host: &str) -> TlsOutcome {
    TlsOutcome::Verified {
        version: "TLSv1.3".into(),
        cipher: "TLS13_AES_256_GCM_SHA384".into(),
        cert: cert(host, "CN=R11, O=Let's Encrypt, C=US"),
        pin: PinCheck::NotPinned,
    }
}

// ---- local network ----------------------------------------------------------

pub fn online() -> LocalNet {
    LocalNet {
        interfaces: vec![
            Interface {
                name: "lo".into(),
                up: true,
                carrier: Some(true),
                loopback: true,
                addrs: vec!["127.0.0.1".parse().unwrap()],
            },
            Interface {
                name: "eth0".into(),
                up: true,
                carrier: Some(true),
                loopback: false,
                addrs: vec!["192.0.2.100".parse().unwrap()],
            },
        ],
        default_route_v4: Some(true),
        default_route_v6: Some(false),
        proxies: Vec::new(),
        simulated: false,
    }
}

/// eth0 without carrier and no default route: the cable is out.
pub fn unplugged() -> LocalNet {
    let mut net = online();
    net.interfaces[1].carrier = Some(false);
    net.interfaces[1].addrs.clear();
    net.default_route_v4 = Some(false);
    net
}

/// A fresh network namespace: loopback only, no routes out.
pub fn loopback_only() -> LocalNet {
    let mut net = online();
    net.interfaces.truncate(1);
    net.default_route_v4 = Some(false);
    net
}

/// Interfaces up, but no default route in either family.
pub fn no_route() -> LocalNet {
    let mut net = online();
    net.default_route_v4 = Some(false);
    net
}

// ---- reports ------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct Rb(pub Report);

impl Rb {
    pub fn new() -> Self {
        Rb(Report::new(
            Account {
                name: "work".into(),
                email: EMAIL.into(),
                incoming: None,
                outgoing: None,
                store: None,
            },
            "system (10.0.0.1)",
        ))
    }

    pub fn incoming(mut self, protocol: Protocol, port: u16, security: Security) -> Self {
        self.0.account.incoming = Some(settings(protocol, HOST, port, security));
        self
    }

    pub fn outgoing(mut self, port: u16, security: Security) -> Self {
        self.0.account.outgoing = Some(settings(Protocol::Smtp, HOST, port, security));
        self
    }

    pub fn server(mut self, service: Service, f: impl FnOnce(&mut ServerSettings)) -> Self {
        if let Some(s) = self.0.account.server_mut(service) {
            f(s);
        }
        self
    }

    pub fn resolver(mut self, resolver: &str) -> Self {
        self.0.resolver = resolver.into();
        self
    }

    pub fn dns(mut self, name: &str, kind: RecordKind, outcome: DnsOutcome) -> Self {
        self.0.dns.retain(|l| !(l.name == name && l.kind == kind));
        self.0.dns.push(DnsLookup {
            name: name.into(),
            kind,
            outcome,
            ms: 4.0,
        });
        self
    }

    /// The same outcome for `host`'s A and AAAA questions.
    pub fn addr_dns(self, host: &str, outcome: DnsOutcome) -> Self {
        self.dns(host, RecordKind::A, outcome.clone())
            .dns(host, RecordKind::Aaaa, outcome)
    }

    pub fn resolves(self, host: &str, ip: &str) -> Self {
        self.dns(
            host,
            RecordKind::A,
            DnsOutcome::Found(vec![DnsAnswer::Addr(ip.parse().unwrap())]),
        )
        .dns(host, RecordKind::Aaaa, DnsOutcome::NoRecords)
    }

    pub fn srv(self, name: &str, port: u16, target: &str) -> Self {
        self.dns(
            name,
            RecordKind::Srv,
            DnsOutcome::Found(vec![DnsAnswer::Srv {
                priority: 0,
                weight: 1,
                port,
                target: format!("{target}."),
            }]),
        )
    }

    /// The SRV record `label.example.org` naming `host:port`, and a
    /// healthy probe of that published endpoint.
    pub fn srv_serving(
        self,
        label: &str,
        protocol: Protocol,
        host: &str,
        port: u16,
        security: Security,
    ) -> Self {
        let service = match protocol {
            Protocol::Smtp => Service::Outgoing,
            Protocol::Imap | Protocol::Pop3 => Service::Incoming,
        };
        self.srv(&format!("{label}.example.org"), port, host)
            .ep(publ(
                service,
                Publisher::Srv(label.into()),
                protocol,
                host,
                port,
                security,
            )
            .healthy())
    }

    pub fn mx(self, domain: &str, host: &str) -> Self {
        self.dns(
            domain,
            RecordKind::Mx,
            DnsOutcome::Found(vec![DnsAnswer::Mx {
                preference: 10,
                exchange: format!("{host}."),
            }]),
        )
    }

    pub fn local(mut self, start: Option<LocalNet>, end: Option<LocalNet>) -> Self {
        self.0.local_start = start;
        self.0.local_end = end;
        self
    }

    /// Add an endpoint probe, replacing one for the same place (or the
    /// configured one of the same service).
    pub fn ep(mut self, e: Ep) -> Self {
        let p = e.0;
        self.0.endpoints.retain(|q| {
            !(q.service == p.service
                && q.role == p.role
                && (q.endpoint == p.endpoint || p.role == Role::Configured))
        });
        self.0.endpoints.push(p);
        self
    }

    pub fn without(mut self, service: Service, port: u16, security: Security) -> Self {
        self.0.endpoints.retain(|q| {
            !(q.service == service && q.endpoint.port == port && q.endpoint.security == security)
        });
        self
    }

    pub fn stability(mut self, service: Service, attempts: &[(AttemptOutcome, f64)]) -> Self {
        let endpoint = self
            .0
            .configured(service)
            .map(|p| p.endpoint.clone())
            .expect("configured endpoint first");
        self.0.stability.retain(|s| s.service != service);
        self.0.stability.push(StabilityProbe {
            service,
            endpoint,
            attempts: attempts
                .iter()
                .map(|(outcome, ms)| Attempt {
                    outcome: outcome.clone(),
                    ms: *ms,
                })
                .collect(),
        });
        self
    }

    pub fn store(mut self, check: StoreCheck) -> Self {
        self.0.account.store = Some(crate::account::StoreSettings {
            path: check.path.clone(),
            format: check.format,
        });
        self.0.store = Some(check);
        self
    }

    /// Take the other report's servers and probes too.
    pub fn merge(mut self, other: Rb) -> Self {
        let o = other.0;
        if o.account.incoming.is_some() {
            self.0.account.incoming = o.account.incoming;
        }
        if o.account.outgoing.is_some() {
            self.0.account.outgoing = o.account.outgoing;
        }
        for l in o.dns {
            if !self
                .0
                .dns
                .iter()
                .any(|x| x.name == l.name && x.kind == l.kind)
            {
                self.0.dns.push(l);
            }
        }
        self.0.endpoints.extend(o.endpoints);
        self.0.stability.extend(o.stability);
        self
    }

    pub fn edit(mut self, f: impl FnOnce(&mut Report)) -> Self {
        f(&mut self.0);
        self
    }

    pub fn diagnose(self) -> Diagnosis {
        super::diagnose(&self.0)
    }
}

pub fn ok_stability() -> Vec<(AttemptOutcome, f64)> {
    [11.0, 12.0, 12.5, 13.0, 14.0]
        .into_iter()
        .map(|ms| (AttemptOutcome::Ok, ms))
        .collect()
}

/// IMAP on 993 with TLS, everything fine; 143 offers STARTTLS; 993 in
/// plain text waits silently for a TLS hello.
pub fn healthy_imap() -> Rb {
    Rb::new()
        .incoming(Protocol::Imap, 993, Security::Tls)
        .resolves(HOST, IP)
        .mx("example.org", HOST)
        .local(Some(online()), Some(online()))
        .ep(cfg(Service::Incoming, Protocol::Imap, 993, Security::Tls).healthy())
        .ep(nb(Service::Incoming, Protocol::Imap, 143, Security::Starttls).healthy())
        .ep(nb(Service::Incoming, Protocol::Imap, 993, Security::Starttls).greet(""))
        .stability(Service::Incoming, &ok_stability())
}

/// POP3 on 995 with TLS, everything fine.
pub fn healthy_pop3() -> Rb {
    Rb::new()
        .incoming(Protocol::Pop3, 995, Security::Tls)
        .resolves(HOST, IP)
        .mx("example.org", HOST)
        .local(Some(online()), Some(online()))
        .ep(cfg(Service::Incoming, Protocol::Pop3, 995, Security::Tls).healthy())
        .ep(nb(Service::Incoming, Protocol::Pop3, 110, Security::Starttls).healthy())
        .ep(nb(Service::Incoming, Protocol::Pop3, 995, Security::Starttls).greet(""))
        .stability(Service::Incoming, &ok_stability())
}

/// SMTP submission on 587 with STARTTLS, everything fine; 465 (TLS) and
/// 25 answer too; 587 with TLS from the start gets plain text.
pub fn healthy_smtp() -> Rb {
    Rb::new()
        .outgoing(587, Security::Starttls)
        .resolves(HOST, IP)
        .mx("example.org", HOST)
        .local(Some(online()), Some(online()))
        .ep(cfg(Service::Outgoing, Protocol::Smtp, 587, Security::Starttls).healthy())
        .ep(nb(Service::Outgoing, Protocol::Smtp, 465, Security::Tls).healthy())
        .ep(nb(Service::Outgoing, Protocol::Smtp, 25, Security::Starttls).healthy())
        .ep(
            nb(Service::Outgoing, Protocol::Smtp, 587, Security::Tls).tls(TlsOutcome::Failed(
                crate::evidence::HandshakeFailure::PlaintextReply {
                    preview: SMTP_HELLO.into(),
                },
            )),
        )
        .stability(Service::Outgoing, &ok_stability())
}

/// A Maildir with plenty of room and nothing wrong.
pub fn healthy_store() -> StoreCheck {
    StoreCheck {
        path: PathBuf::from("/home/alice/Mail/work"),
        format: StoreFormat::Maildir,
        space: Some(Space {
            free_bytes: 20 * 1024 * 1024 * 1024,
            total_bytes: 100 * 1024 * 1024 * 1024,
            free_inodes: Some(1_000_000),
            total_inodes: Some(6_000_000),
        }),
        write_test: WriteTest::Ok,
        problems: Vec::<StoreProblem>::new(),
        entries_checked: 42,
        simulated: false,
    }
}

// ---- looking at results ---------------------------------------------------------

pub fn get(d: &Diagnosis, service: Service, cause: CauseId) -> Option<&Finding> {
    d.findings
        .iter()
        .find(|f| f.service == service && f.cause == cause)
}

/// The finding, or a panic that shows the whole diagnosis.
pub fn must(d: &Diagnosis, service: Service, cause: CauseId) -> Finding {
    get(d, service, cause)
        .cloned()
        .unwrap_or_else(|| panic!("no {cause} for {service} in {d:#?}"))
}

pub fn ruled(d: &Diagnosis, service: Service, cause: CauseId) -> Option<String> {
    d.ruled_out
        .iter()
        .find(|r| r.service == service && r.cause == cause)
        .map(|r| r.reason.clone())
}

/// Assert `cause` is ruled out for `service` with a reason holding `needle`.
pub fn ruled_with(d: &Diagnosis, service: Service, cause: CauseId, needle: &str) {
    let reason = ruled(d, service, cause)
        .unwrap_or_else(|| panic!("{cause} not ruled out for {service}: {d:#?}"));
    assert!(
        reason.contains(needle),
        "{cause}: {reason:?} lacks {needle:?}"
    );
}

/// Assert the top finding is `cause` for `service` at `confidence`, with
/// an evidence line holding `evidence` and the patch described as
/// `patch`; returns it.
pub fn assert_top(
    d: &Diagnosis,
    service: Service,
    cause: CauseId,
    confidence: Confidence,
    evidence: &str,
    patch: Option<&str>,
) -> Finding {
    let t = top(d);
    assert_eq!(
        (t.service, t.cause, t.confidence),
        (service, cause, confidence),
        "{d:#?}"
    );
    has_line(&t.evidence, evidence);
    assert_eq!(
        t.patch.as_ref().map(|p| p.describe()).as_deref(),
        patch,
        "{t:#?}"
    );
    t
}

pub fn top(d: &Diagnosis) -> Finding {
    d.findings
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("no finding in {d:#?}"))
}

/// Assert `needle` appears in one of `lines`.
pub fn has_line(lines: &[String], needle: &str) {
    assert!(
        lines.iter().any(|l| l.contains(needle)),
        "no line contains {needle:?}: {lines:#?}"
    );
}

pub fn conf(d: &Diagnosis, service: Service, cause: CauseId) -> Option<Confidence> {
    get(d, service, cause).map(|f| f.confidence)
}
