//! Login (at most one attempt), then the mailbox (incoming) or the relay
//! test (outgoing), then goodbye.

use super::LoginParams;
use super::run::Run;
use crate::account::{AuthMech, Protocol, Security, Service};
use crate::event::{StepKind, StepStatus};
use crate::evidence::{
    Depth, LoginOutcome, LoginSkip, MailboxOutcome, Phase, Reply, SessionEnd, Status, TlsOutcome,
};
use crate::probe::auth::{self, Framing};
use crate::probe::line::LineError;
use crate::probe::sasl::{self, Mechanism, Method, SaslClient, choose_method};
use crate::probe::wire::Wire;
use crate::probe::{imap, pop3, smtp};
use crate::secret::{Secret, has_forbidden_chars};

impl<'p> Run<'_, 'p> {
    pub(super) async fn login_phase(&mut self) -> Result<(), SessionEnd> {
        self.phase = Phase::Login;
        let outcome = self.login().await?;
        let accepted = matches!(outcome, LoginOutcome::Accepted { .. });
        let auth_none = outcome == LoginOutcome::Skipped(LoginSkip::AuthNone);
        self.session.login = Some(outcome);
        match self.params.service {
            Service::Incoming if accepted => {
                self.phase = Phase::Mailbox;
                self.mailbox().await?;
            }
            Service::Outgoing if accepted || auth_none => {
                self.phase = Phase::Relay;
                self.relay(accepted).await?;
            }
            _ => {}
        }
        let last_phase = self.phase;
        let closing = self.wire.closing_reply();
        self.phase = Phase::Logout;
        match self.goodbye().await {
            // The server announced the end (-ERR, 421, BYE) and went away
            // before our goodbye: it dropped the session.
            Err(LineError::Closed { .. } | LineError::Reset | LineError::NotConnected)
                if closing.is_some() =>
            {
                Err(SessionEnd::Closed {
                    phase: last_phase,
                    reply: closing,
                })
            }
            _ => Ok(()),
        }
    }

    /// Whether and how to log in; why not, if not.
    fn gate(&self) -> Result<(&'p LoginParams, &'p Secret, Method), LoginSkip> {
        let params = self.params;
        if params.depth != Depth::Full {
            return Err(LoginSkip::NotRequested);
        }
        let login = params.login.as_ref().ok_or(LoginSkip::NotRequested)?;
        let forbidden = [&login.username, &login.sender, &login.relay_rcpt]
            .iter()
            .any(|s| has_forbidden_chars(s))
            || login.password.as_ref().is_ok_and(Secret::has_line_breaks);
        if forbidden {
            return Err(LoginSkip::ForbiddenCharacters);
        }
        if login.auth == AuthMech::None {
            return Err(LoginSkip::AuthNone);
        }
        let secret = login.password.as_ref().map_err(Clone::clone)?;
        if !self.wire.encrypted() {
            if params.endpoint.security != Security::None {
                return Err(LoginSkip::TlsNotVerified);
            }
            if !login.allow_plaintext {
                return Err(LoginSkip::WouldBePlaintext);
            }
        }
        if self
            .session
            .tls_outcome()
            .is_some_and(TlsOutcome::pin_alarm)
        {
            return Err(LoginSkip::CertificateChanged);
        }
        let caps = self
            .session
            .effective_capabilities()
            .cloned()
            .unwrap_or_default();
        let method = choose_method(params.endpoint.protocol, login.auth, &caps)?;
        Ok((login, secret, method))
    }

    /// One login attempt at most.
    async fn login(&mut self) -> Result<LoginOutcome, SessionEnd> {
        let full = self.params.depth == Depth::Full;
        if full {
            self.begin(StepKind::Login);
        }
        let (login, secret, method) = match self.gate() {
            Ok(go) => go,
            Err(skip) => {
                let text = skip_text(&skip);
                if full {
                    self.done(StepStatus::Skipped, text.clone());
                    if skip != LoginSkip::AuthNone {
                        self.note(format!("no login: {text}"));
                    }
                }
                return Ok(LoginOutcome::Skipped(skip));
            }
        };
        let user = login.username.as_str();
        guard_forms(&mut self.wire, user, secret);
        let result = match method {
            Method::UserPass => pop3::user_pass(&mut self.wire, user, secret).await,
            Method::ImapLogin => imap::login(&mut self.wire, &mut self.tags, user, secret).await,
            Method::Sasl(mechanism) => {
                let mut client = SaslClient::new(mechanism, user, secret);
                let tag = self.tags.next_tag();
                let sasl_ir = self
                    .session
                    .effective_capabilities()
                    .is_some_and(|c| c.sasl_ir);
                let framing = match self.params.endpoint.protocol {
                    Protocol::Smtp => Framing::Smtp,
                    Protocol::Pop3 => Framing::Pop3,
                    Protocol::Imap => Framing::Imap { tag: &tag, sasl_ir },
                };
                auth::exchange(&mut self.wire, framing, &mut client, secret).await
            }
        };
        let reply = result.map_err(|e| self.fail(e))?;
        let mechanism = method.auth_mech();
        if accepted(&reply) {
            self.done(StepStatus::Ok, format!("accepted ({mechanism})"));
            Ok(LoginOutcome::Accepted { mechanism })
        } else {
            self.done(StepStatus::Failed, format!("rejected: {reply}"));
            Ok(LoginOutcome::Rejected { mechanism, reply })
        }
    }

    async fn mailbox(&mut self) -> Result<(), SessionEnd> {
        self.begin(StepKind::Mailbox);
        let result = match self.params.endpoint.protocol {
            Protocol::Imap => imap::examine(&mut self.wire, &mut self.tags).await,
            Protocol::Pop3 => pop3::stat(&mut self.wire).await,
            Protocol::Smtp => return Ok(()),
        };
        let outcome = result.map_err(|e| self.fail(e))?;
        match &outcome {
            MailboxOutcome::Opened { messages: Some(n) } => {
                self.done(StepStatus::Ok, format!("{n} messages"))
            }
            MailboxOutcome::Opened { messages: None } => self.done(StepStatus::Ok, "opened"),
            MailboxOutcome::Refused(reply) => self.done(StepStatus::Failed, reply.to_string()),
        }
        self.session.mailbox = Some(outcome);
        Ok(())
    }

    async fn relay(&mut self, authenticated: bool) -> Result<(), SessionEnd> {
        let Some(login) = self.params.login.as_ref() else {
            return Ok(());
        };
        self.begin(StepKind::Relay);
        let outcome = smtp::relay(
            &mut self.wire,
            &login.sender,
            &login.relay_rcpt,
            authenticated,
        )
        .await
        .map_err(|e| self.fail(e))?;
        let refused = match (&outcome.rcpt_to, outcome.mail_from.status.is_ok()) {
            (_, false) => Some(&outcome.mail_from),
            (Some(rcpt), true) if !rcpt.status.is_ok() => Some(rcpt),
            _ => None,
        };
        match refused {
            Some(reply) => self.done(StepStatus::Failed, format!("refused: {reply}")),
            None => self.done(
                StepStatus::Ok,
                "sender and outside recipient accepted (no DATA sent)",
            ),
        }
        self.session.relay = Some(outcome);
        Ok(())
    }

    /// QUIT / LOGOUT; whatever comes back is no finding of its own.
    pub(super) async fn goodbye(&mut self) -> Result<(), LineError> {
        match self.params.endpoint.protocol {
            Protocol::Pop3 => pop3::quit(&mut self.wire).await,
            Protocol::Imap => imap::logout(&mut self.wire, &mut self.tags).await,
            Protocol::Smtp => smtp::quit(&mut self.wire).await,
        }
    }
}

/// From the first credential byte on, mask every form of the secret in
/// what the server says: the password itself, base64 of it (AUTH LOGIN),
/// and the AUTH PLAIN and XOAUTH2 payloads. A server can decode one and
/// echo another.
fn guard_forms(wire: &mut Wire<'_>, user: &str, secret: &Secret) {
    let raw = secret.expose().as_bytes();
    wire.transcript.guard(raw);
    wire.transcript.guard(&sasl::encode(raw));
    for mechanism in [Mechanism::Plain, Mechanism::Xoauth2] {
        if let Some(payload) = SaslClient::new(mechanism, user, secret).initial_response() {
            wire.transcript.guard(&sasl::encode(&payload));
        }
    }
}

fn accepted(reply: &Reply) -> bool {
    match reply.status {
        Status::Smtp(code) => (200..300).contains(&code),
        Status::ImapOk | Status::Pop3Ok => true,
        _ => false,
    }
}

fn skip_text(skip: &LoginSkip) -> String {
    match skip {
        LoginSkip::NotRequested => "not requested".into(),
        LoginSkip::AuthNone => "no authentication configured".into(),
        LoginSkip::NoPassword => "no password configured".into(),
        LoginSkip::PasswordUnavailable(why) => format!("password unavailable: {why}"),
        LoginSkip::WouldBePlaintext => "the password would cross an unencrypted connection".into(),
        LoginSkip::TlsNotVerified => "TLS not verified".into(),
        LoginSkip::CertificateChanged => {
            "the certificate changed and another authority issued it".into()
        }
        LoginSkip::MechanismNotOffered { wanted, offered } => {
            format!("{wanted} not offered (offered: {})", offered.join(" "))
        }
        LoginSkip::NoCommonMechanism { offered } => {
            format!(
                "no mechanism mailfix speaks (offered: {})",
                offered.join(" ")
            )
        }
        LoginSkip::ServerDisallows => "the server allows no login here".into(),
        LoginSkip::ForbiddenCharacters => {
            "a user name, password or address holds CR, LF or NUL".into()
        }
        LoginSkip::SessionEnded => "the session ended first".into(),
    }
}
