//! The phases before login: implicit TLS, greeting, capabilities,
//! STARTTLS (done the strict way) and the TLS handshake.

use super::check_pin;
use super::run::Run;
use crate::account::{Protocol, Security};
use crate::event::{StepKind, StepStatus};
use crate::evidence::{
    Capabilities, Greeting, GreetingKind, HandshakeFailure, LoginSkip, Phase, Reply, SessionEnd,
    StarttlsOutcome, Status, TlsOutcome,
};
use crate::probe::line::LineError;
use crate::probe::{imap, pop3, smtp};
use crate::proto::escape::{escape, escape_bounded};
use crate::proto::greeting::{fingerprint, is_tls_record};
use crate::proto::{imap as imap_parse, pop3 as pop3_parse, smtp as smtp_parse};

impl Run<'_, '_> {
    /// Everything from the first byte to the goodbye.
    pub async fn converse(&mut self) -> Result<(), SessionEnd> {
        let security = self.params.endpoint.security;
        if security == Security::Tls {
            self.phase = Phase::TlsHandshake;
            let result = self.handshake().await;
            let (outcome, end) = match result {
                Ok(outcome) => (outcome, None),
                Err((outcome, end)) => (outcome, Some(end)),
            };
            self.session.tls = Some(outcome);
            if let Some(end) = end {
                return Err(end);
            }
        }
        self.phase = Phase::Greeting;
        self.greeting().await?;
        let preauth =
            self.session.greeting.as_ref().map(|g| g.kind) == Some(GreetingKind::ImapPreauth);
        if security == Security::Starttls && preauth {
            self.phase = Phase::Starttls;
            self.session.starttls = Some(StarttlsOutcome::Preauth);
            self.skip_login(LoginSkip::WouldBePlaintext);
            self.note("PREAUTH greeting: the session is already logged in without encryption, STARTTLS is impossible");
            return Err(SessionEnd::Stopped {
                phase: Phase::Starttls,
                reason: "the server logged the session in before STARTTLS (PREAUTH)".into(),
            });
        }
        self.phase = Phase::Capabilities;
        let caps = self.capabilities().await?;
        self.session.capabilities = Some(caps);
        if security == Security::Starttls {
            self.phase = Phase::Starttls;
            self.starttls().await?;
            self.phase = Phase::Capabilities;
            let caps = self.capabilities().await?;
            self.session.capabilities_after_tls = Some(caps);
        }
        self.login_phase().await
    }

    /// The TLS handshake (implicit or after STARTTLS). The outcome is
    /// returned either way; with an end when the session cannot go on.
    async fn handshake(&mut self) -> Result<TlsOutcome, (TlsOutcome, SessionEnd)> {
        self.begin(StepKind::Tls);
        let host = self.params.endpoint.host.clone();
        match self.wire.start_tls(self.tls, &host).await {
            Ok(est) => {
                let (pin, alarm) = check_pin(self.params.pin.as_ref(), &est.cert);
                self.pin_alarm = alarm;
                self.note(format!(
                    "TLS {} {}; certificate for {} from {} verified",
                    est.version,
                    est.cipher,
                    est.cert.names.join(", "),
                    est.cert.issuer
                ));
                if alarm {
                    self.note("the certificate differs from the one pinned at the last good check, and another authority issued it");
                }
                self.done(StepStatus::Ok, est.version.clone());
                Ok(TlsOutcome::Verified {
                    version: est.version,
                    cipher: est.cipher,
                    cert: est.cert,
                    pin,
                })
            }
            Err(outcome) => {
                let phase = Phase::TlsHandshake;
                let (end, status) = match &outcome {
                    TlsOutcome::CertRejected { problem, .. } => (
                        SessionEnd::Stopped {
                            phase,
                            reason: format!("{problem}: no further byte sent"),
                        },
                        StepStatus::Failed,
                    ),
                    TlsOutcome::Failed(HandshakeFailure::Closed) => (
                        SessionEnd::Closed { phase, reply: None },
                        StepStatus::Failed,
                    ),
                    TlsOutcome::Failed(HandshakeFailure::Reset) => {
                        (SessionEnd::Reset { phase }, StepStatus::Failed)
                    }
                    TlsOutcome::Failed(HandshakeFailure::TimedOut) => {
                        (SessionEnd::TimedOut { phase }, StepStatus::TimedOut)
                    }
                    TlsOutcome::Failed(failure) => (
                        SessionEnd::Stopped {
                            phase,
                            reason: failure.to_string(),
                        },
                        StepStatus::Failed,
                    ),
                    TlsOutcome::Verified { .. } => (SessionEnd::Completed, StepStatus::Ok),
                };
                let detail = match &outcome {
                    TlsOutcome::CertRejected { problem, .. } => problem.to_string(),
                    TlsOutcome::Failed(f) => f.to_string(),
                    TlsOutcome::Verified { .. } => String::new(),
                };
                self.done(status, detail);
                self.skip_login(LoginSkip::TlsNotVerified);
                Err((outcome, end))
            }
        }
    }

    async fn greeting(&mut self) -> Result<(), SessionEnd> {
        self.begin(StepKind::Greeting);
        let until = self.wire.until();
        let verified = self.wire.encrypted();
        let protocol = self.params.endpoint.protocol;
        let peeked = self.wire.peek(until).await.map(is_tls_record);
        let silent = |kind: GreetingKind, ms: f64| Greeting {
            kind,
            line: String::new(),
            reply: None,
            verified,
            ms,
        };
        match peeked {
            Ok(false) => {}
            Ok(true) => {
                let bytes = self.wire.take_buffered(64);
                self.session.greeting = Some(Greeting {
                    line: escape_bounded(&bytes, 120),
                    ..silent(GreetingKind::TlsRecord, self.elapsed_ms())
                });
                self.done(StepStatus::Failed, "TLS bytes instead of a greeting");
                return Err(SessionEnd::Stopped {
                    phase: Phase::Greeting,
                    reason: "the server speaks TLS from the first byte on this port".into(),
                });
            }
            Err(e) => {
                let kind = match e {
                    LineError::TimedOut => GreetingKind::Silence,
                    _ => GreetingKind::Closed,
                };
                self.session.greeting = Some(silent(kind, self.elapsed_ms()));
                return Err(self.fail(e));
            }
        }
        let first = match self.wire.read_line(until).await {
            Ok(line) => line,
            Err(e) => {
                // Part of a greeting came: keep what there is.
                let partial = self.wire.pending();
                let kind = match partial.len() {
                    0 => GreetingKind::Silence,
                    _ => fingerprint(partial),
                };
                let line = escape_bounded(partial, 200);
                self.session.greeting = Some(Greeting {
                    line,
                    ..silent(kind, self.elapsed_ms())
                });
                return Err(self.fail(e));
            }
        };
        let kind = match first.is_empty() {
            true => GreetingKind::Unrecognised,
            false => fingerprint(&first),
        };
        let mut lines = vec![first];
        if matches!(kind, GreetingKind::Smtp | GreetingKind::SmtpRefused) {
            let mut budget = self.wire.budget();
            while smtp_parse::parse_line(&lines[lines.len() - 1]).is_ok_and(|l| !l.last) {
                let more = self.wire.read_more(until).await.map_err(|e| self.fail(e))?;
                budget.take(more.len()).map_err(|e| self.fail(e))?;
                lines.push(more);
            }
        }
        let reply = parse_greeting(kind, &lines);
        if let Some(reply) = &reply {
            self.wire.note_reply(reply);
        }
        let line = escape(&lines[0]);
        self.session.greeting = Some(Greeting {
            kind,
            line: line.clone(),
            reply: reply.clone(),
            verified,
            ms: self.elapsed_ms(),
        });
        if kind.is_welcome() && kind.protocol() == Some(protocol) {
            self.done(StepStatus::Ok, line);
            return Ok(());
        }
        self.done(StepStatus::Failed, line);
        if kind.protocol() == Some(protocol) {
            if protocol == Protocol::Smtp {
                let _ = smtp::quit(&mut self.wire).await;
            }
            return Err(SessionEnd::Closed {
                phase: Phase::Greeting,
                reply,
            });
        }
        Err(SessionEnd::Stopped {
            phase: Phase::Greeting,
            reason: format!("the server does not greet in {}", protocol.label()),
        })
    }

    /// Ask what the server can do (POP3 CAPA, IMAP CAPABILITY, SMTP EHLO).
    async fn capabilities(&mut self) -> Result<Capabilities, SessionEnd> {
        self.begin(StepKind::Capabilities);
        let result = match self.params.endpoint.protocol {
            Protocol::Pop3 => pop3::capa(&mut self.wire).await,
            Protocol::Imap => imap::capability(&mut self.wire, &mut self.tags).await,
            Protocol::Smtp => smtp::ehlo(&mut self.wire).await,
        };
        let mut caps = result.map_err(|e| self.fail(e))?;
        caps.verified = self.wire.encrypted();
        self.done(StepStatus::Ok, summary(&caps));
        Ok(caps)
    }

    /// STARTTLS / STLS, strictly: required, nothing pipelined accepted,
    /// nothing learnt before carried over.
    async fn starttls(&mut self) -> Result<(), SessionEnd> {
        self.begin(StepKind::Starttls);
        let phase = Phase::Starttls;
        let offered = self
            .session
            .capabilities
            .as_ref()
            .is_some_and(|c| c.starttls);
        if !offered {
            self.session.starttls = Some(StarttlsOutcome::NotOffered);
            self.done(StepStatus::Failed, "not offered");
            return Err(self
                .refuse_plaintext("the server does not offer STARTTLS")
                .await);
        }
        let protocol = self.params.endpoint.protocol;
        let reply = match protocol {
            Protocol::Pop3 => pop3::stls(&mut self.wire).await,
            Protocol::Imap => imap::starttls(&mut self.wire, &mut self.tags).await,
            Protocol::Smtp => smtp::starttls(&mut self.wire).await,
        }
        .map_err(|e| self.fail(e))?;
        if !go_ahead(protocol, &reply) {
            self.session.starttls = Some(StarttlsOutcome::Refused(reply.clone()));
            self.done(StepStatus::Failed, format!("refused: {reply}"));
            return Err(self
                .refuse_plaintext(&format!("STARTTLS refused: {reply}"))
                .await);
        }
        let pending = self.wire.unread_after_goahead().await;
        if pending > 0 {
            self.wire.take_buffered(256);
            self.note(format!(
                "{pending} bytes arrived after the STARTTLS go-ahead and before TLS: \
                 a sign of command injection; connection dropped"
            ));
            self.wire.abandon();
            self.session.starttls = Some(StarttlsOutcome::InjectedData { bytes: pending });
            self.done(StepStatus::Failed, "data injected before the TLS handshake");
            self.skip_login(LoginSkip::WouldBePlaintext);
            return Err(SessionEnd::Stopped {
                phase,
                reason: "data arrived between the STARTTLS go-ahead and the TLS handshake".into(),
            });
        }
        self.done(
            StepStatus::Ok,
            escape_bounded(reply.to_string().as_bytes(), 80),
        );
        self.phase = Phase::TlsHandshake;
        let (outcome, end) = match self.handshake().await {
            Ok(outcome) => (outcome, None),
            Err((outcome, end)) => (outcome, Some(end)),
        };
        self.session.starttls = Some(StarttlsOutcome::Handshake(outcome));
        match end {
            Some(end) => Err(end),
            None => Ok(()),
        }
    }

    /// Security `starttls` is required: say goodbye in plain text and stop.
    async fn refuse_plaintext(&mut self, reason: &str) -> SessionEnd {
        self.skip_login(LoginSkip::WouldBePlaintext);
        let _ = self.goodbye().await;
        SessionEnd::Stopped {
            phase: Phase::Starttls,
            reason: reason.to_owned(),
        }
    }
}

fn go_ahead(protocol: Protocol, reply: &Reply) -> bool {
    match protocol {
        Protocol::Smtp => reply.status == Status::Smtp(220),
        Protocol::Imap => reply.status == Status::ImapOk,
        Protocol::Pop3 => reply.status == Status::Pop3Ok,
    }
}

fn parse_greeting(kind: GreetingKind, lines: &[Vec<u8>]) -> Option<Reply> {
    match kind.protocol()? {
        Protocol::Pop3 => pop3_parse::reply(&lines[0]).ok(),
        Protocol::Smtp => smtp_parse::reply(lines).ok(),
        Protocol::Imap => match imap_parse::parse_line(&lines[0]).ok()? {
            imap_parse::Response::Status(s) => Some(s.reply),
            _ => None,
        },
    }
}

/// "STARTTLS, AUTH PLAIN LOGIN" for the checklist.
fn summary(caps: &Capabilities) -> String {
    let mut parts = Vec::new();
    if caps.starttls {
        parts.push("STARTTLS".to_owned());
    }
    if caps.login_disabled {
        parts.push("LOGINDISABLED".to_owned());
    }
    if caps.auth.is_empty() {
        parts.push("no AUTH".to_owned());
    } else {
        parts.push(format!("AUTH {}", caps.auth.join(" ")));
    }
    escape_bounded(parts.join(", ").as_bytes(), 120)
}
