//! Endpoint probes as a probe would have recorded them.

use std::net::{IpAddr, SocketAddr};

use super::{EMAIL, HOST, IP, hello, smtp_r, verified};
use crate::account::{AuthMech, Protocol, Security, Service};
use crate::evidence::{
    Capabilities, ConnectAttempt, ConnectOutcome, Depth, Endpoint, EndpointProbe, Greeting,
    GreetingKind, LoginOutcome, LoginSkip, MailboxOutcome, Publisher, RelayOutcome, Reply, Role,
    Session, SessionEnd, StarttlsOutcome, Status, TlsOutcome,
};

// ---- endpoints ----------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct Ep(pub EndpointProbe);

fn ep(
    service: Service,
    role: Role,
    protocol: Protocol,
    host: &str,
    port: u16,
    security: Security,
) -> Ep {
    let depth = if role == Role::Configured {
        Depth::Full
    } else {
        Depth::Look
    };
    Ep(EndpointProbe {
        service,
        role,
        endpoint: Endpoint {
            protocol,
            host: host.into(),
            port,
            security,
        },
        depth,
        connects: Vec::new(),
        session: None,
    })
}

/// The configured endpoint on [`HOST`].
pub fn cfg(service: Service, protocol: Protocol, port: u16, security: Security) -> Ep {
    ep(service, Role::Configured, protocol, HOST, port, security)
}

/// A same-host neighbour on [`HOST`].
pub fn nb(service: Service, protocol: Protocol, port: u16, security: Security) -> Ep {
    ep(service, Role::SameHost, protocol, HOST, port, security)
}

/// An endpoint on a host the domain publishes.
pub fn publ(
    service: Service,
    publisher: Publisher,
    protocol: Protocol,
    host: &str,
    port: u16,
    security: Security,
) -> Ep {
    ep(
        service,
        Role::Published(publisher),
        protocol,
        host,
        port,
        security,
    )
}

fn kind_of(line: &str) -> (GreetingKind, Option<Reply>) {
    let upper = line.to_ascii_uppercase();
    let rest = |n: usize| line.get(n..).unwrap_or("").trim().to_owned();
    if line.is_empty() {
        (GreetingKind::Silence, None)
    } else if upper.starts_with("+OK") {
        (
            GreetingKind::Pop3,
            Some(Reply::new(Status::Pop3Ok, rest(3))),
        )
    } else if upper.starts_with("-ERR") {
        (
            GreetingKind::Pop3Refused,
            Some(Reply::new(Status::Pop3Err, rest(4))),
        )
    } else if upper.starts_with("* OK") {
        (
            GreetingKind::Imap,
            Some(Reply::new(Status::ImapOk, rest(4))),
        )
    } else if upper.starts_with("* PREAUTH") {
        (
            GreetingKind::ImapPreauth,
            Some(Reply::new(Status::ImapPreauth, rest(9))),
        )
    } else if upper.starts_with("* BYE") {
        (
            GreetingKind::ImapBye,
            Some(Reply::new(Status::ImapBye, rest(5))),
        )
    } else if let Some(code) = line.get(..3).and_then(|c| c.parse::<u16>().ok()) {
        let kind = if code == 220 {
            GreetingKind::Smtp
        } else {
            GreetingKind::SmtpRefused
        };
        (kind, Some(Reply::new(Status::Smtp(code), rest(4))))
    } else {
        (GreetingKind::Unrecognised, None)
    }
}

impl Ep {
    fn addr(&self) -> SocketAddr {
        SocketAddr::new(IP.parse().unwrap(), self.0.endpoint.port)
    }

    pub fn connect_at(mut self, ip: &str, outcome: ConnectOutcome, ms: f64) -> Self {
        let ip: IpAddr = ip.parse().unwrap();
        self.0.connects.push(ConnectAttempt {
            addr: SocketAddr::new(ip, self.0.endpoint.port),
            outcome,
            ms,
        });
        self
    }

    pub fn connect(self, outcome: ConnectOutcome) -> Self {
        let ms = match outcome {
            ConnectOutcome::TimedOut => 5000.0,
            _ => 2.0,
        };
        self.connect_at(IP, outcome, ms)
    }

    pub fn refused(self) -> Self {
        self.connect(ConnectOutcome::Refused)
    }

    pub fn timeout(self) -> Self {
        self.connect(ConnectOutcome::TimedOut)
    }

    /// The session, connecting first if nothing connected yet.
    fn sess(&mut self) -> &mut Session {
        if !self.0.connected() {
            let addr = self.addr();
            self.0.connects.push(ConnectAttempt {
                addr,
                outcome: ConnectOutcome::Connected,
                ms: 12.0,
            });
        }
        let addr = self.addr();
        self.0.session.get_or_insert_with(|| Session::new(addr))
    }

    pub fn tls(mut self, outcome: TlsOutcome) -> Self {
        self.sess().tls = Some(outcome);
        self
    }

    /// The greeting; on an implicit-TLS endpoint a verified handshake first.
    pub fn greet(mut self, line: &str) -> Self {
        let host = self.0.endpoint.host.clone();
        let tls = self.0.endpoint.security == Security::Tls;
        let s = self.sess();
        if tls && s.tls.is_none() {
            s.tls = Some(verified(&host));
        }
        let (kind, reply) = kind_of(line);
        s.greeting = Some(Greeting {
            kind,
            line: line.into(),
            reply,
            verified: tls,
            ms: if kind == GreetingKind::Silence {
                5000.0
            } else {
                3.0
            },
        });
        self
    }

    pub fn greet_kind(mut self, kind: GreetingKind, line: &str) -> Self {
        self.sess().greeting = Some(Greeting {
            kind,
            line: line.into(),
            reply: None,
            verified: false,
            ms: 3.0,
        });
        self
    }

    pub fn caps(mut self, auth: &[&str], starttls: bool) -> Self {
        let verified = self.0.endpoint.security == Security::Tls;
        self.sess().capabilities = Some(Capabilities {
            raw: auth
                .iter()
                .map(|a| format!("AUTH={a}"))
                .chain(starttls.then(|| "STARTTLS".to_owned()))
                .collect(),
            auth: auth.iter().map(|a| a.to_string()).collect(),
            starttls,
            user_pass: false,
            verified,
            ..Capabilities::default()
        });
        self
    }

    pub fn caps_with(mut self, f: impl FnOnce(&mut Capabilities)) -> Self {
        let s = self.sess();
        let mut c = s
            .capabilities_after_tls
            .take()
            .or_else(|| s.capabilities.clone())
            .unwrap_or_default();
        f(&mut c);
        if s.starttls.is_some() {
            s.capabilities_after_tls = Some(c);
        } else {
            s.capabilities = Some(c);
        }
        self
    }

    pub fn starttls(mut self, outcome: StarttlsOutcome) -> Self {
        self.sess().starttls = Some(outcome);
        self
    }

    /// STARTTLS offered, done and verified; PLAIN and LOGIN offered after.
    pub fn starttls_ok(self) -> Self {
        let host = self.0.endpoint.host.clone();
        let mut e = self.starttls(StarttlsOutcome::Handshake(verified(&host)));
        e.sess().capabilities_after_tls = Some(Capabilities {
            raw: vec!["AUTH=PLAIN".into(), "AUTH=LOGIN".into()],
            auth: vec!["PLAIN".into(), "LOGIN".into()],
            verified: true,
            ..Capabilities::default()
        });
        e
    }

    pub fn login(mut self, outcome: LoginOutcome) -> Self {
        self.sess().login = Some(outcome);
        self
    }

    pub fn rejected(self, mechanism: AuthMech, reply: Reply) -> Self {
        self.login(LoginOutcome::Rejected { mechanism, reply })
    }

    pub fn skipped(self, skip: LoginSkip) -> Self {
        self.login(LoginOutcome::Skipped(skip))
    }

    pub fn mailbox(mut self, outcome: MailboxOutcome) -> Self {
        self.sess().mailbox = Some(outcome);
        self
    }

    pub fn relay(mut self, authenticated: bool, mail_from: Reply, rcpt_to: Option<Reply>) -> Self {
        self.sess().relay = Some(RelayOutcome {
            authenticated,
            sender: EMAIL.into(),
            recipient: "probe@example.net".into(),
            mail_from,
            rcpt_to,
        });
        self
    }

    pub fn end(mut self, end: SessionEnd) -> Self {
        self.sess().end = end;
        self
    }

    /// Everything as a working server shows it, to the probe's depth.
    pub fn healthy(self) -> Self {
        let protocol = self.0.endpoint.protocol;
        let security = self.0.endpoint.security;
        let full = self.0.depth == Depth::Full;
        let mut e = self.greet(hello(protocol));
        e = match security {
            Security::Starttls => e.caps(&[], true).starttls_ok(),
            Security::Tls | Security::None => e.caps(&["PLAIN", "LOGIN"], false),
        };
        if full {
            e = e.login(LoginOutcome::Accepted {
                mechanism: AuthMech::Plain,
            });
            e = match protocol {
                Protocol::Smtp => e.relay(
                    true,
                    smtp_r(250, (2, 1, 0), "Ok"),
                    Some(smtp_r(250, (2, 1, 5), "Ok")),
                ),
                Protocol::Imap | Protocol::Pop3 => {
                    e.mailbox(MailboxOutcome::Opened { messages: Some(3) })
                }
            };
        }
        e.end(SessionEnd::Completed)
    }
}
