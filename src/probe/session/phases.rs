//! The conversation up to login: implicit TLS, greeting, capabilities,
//! STARTTLS (in `secure`), capabilities again.

use super::run::Run;
use crate::account::{Protocol, Security};
use crate::event::{StepKind, StepStatus};
use crate::evidence::{
    Capabilities, Greeting, GreetingKind, LoginSkip, Phase, Reply, SessionEnd, StarttlsOutcome,
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
