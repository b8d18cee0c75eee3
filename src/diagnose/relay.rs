//! Relay causes 1–2 from the relay probe (MAIL FROM, RCPT TO, RSET; never
//! DATA): login needed to relay (1), sender not allowed here (2).

use super::alt::{move_to, move_to_log_in, serves_line};
use super::facts::Facts;
use super::replies::{self, RelayVerdict};
use super::wording::{self, list};
use super::{Build, Out, finding};
use crate::account::AuthMech;
use crate::catalogue::ids;
use crate::evidence::{LoginOutcome, LoginSkip, RelayOutcome, Reply, Session};
use crate::finding::{Confidence, SettingsPatch};

pub(super) fn check(f: &Facts, out: &mut Out) {
    let Some(s) = f.session() else {
        return;
    };
    let Some(r) = &s.relay else {
        return;
    };
    let svc = f.service;
    let from = format!(
        "the server answered {} to MAIL FROM:<{}>",
        wording::reply(&r.mail_from),
        r.sender
    );
    let refusal: Option<(&Reply, RelayVerdict, String)> = match replies::relay(&r.mail_from) {
        RelayVerdict::Accepted => r.rcpt_to.as_ref().and_then(|rcpt| {
            let v = replies::relay(rcpt);
            (v != RelayVerdict::Accepted).then(|| {
                (
                    rcpt,
                    v,
                    format!(
                        "the server answered {} to RCPT TO:<{}>",
                        wording::reply(rcpt),
                        r.recipient
                    ),
                )
            })
        }),
        v => Some((&r.mail_from, v, from.clone())),
    };
    let Some((reply, verdict, line)) = refusal else {
        let how = if r.authenticated {
            "logged in, the server"
        } else {
            "without a login, the server"
        };
        out.rule_out(
            svc,
            ids::AUTH_REQUIRED,
            format!(
                "{how} accepted mail from {} to {} (no message was sent)",
                r.sender, r.recipient
            ),
        );
        out.rule_out(
            svc,
            ids::SENDER_NOT_ALLOWED,
            format!("the server accepts {} as the sender", r.sender),
        );
        return;
    };
    match (r.authenticated, verdict) {
        (false, RelayVerdict::RelayDenied | RelayVerdict::AuthRequired | RelayVerdict::SenderRefused) => {
            auth_required(f, s, r, line, out);
        }
        (true, RelayVerdict::SenderRefused | RelayVerdict::RelayDenied | RelayVerdict::AuthRequired) => {
            out.rule_out(svc, ids::AUTH_REQUIRED, "mailfix was logged in when the server refused");
            let confidence = if verdict == RelayVerdict::SenderRefused { Confidence::Certain } else { Confidence::Likely };
            sender_refused(f, r, line, confidence, out);
        }
        // Connect cause 6 (`connect::tls_required`).
        (_, RelayVerdict::TlsRequired) => {}
        (_, RelayVerdict::RecipientUnknown) => out.note(
            Some(svc),
            format!("The test recipient {} was refused as unknown, so the relay test says nothing about your sending; set relay_probe_rcpt to an address that exists.", r.recipient),
            vec![line],
            false,
        ),
        (_, RelayVerdict::Temporary) => out.note(
            Some(svc),
            "The server put the test message off for now (a temporary refusal, such as greylisting). Sending may work when tried again later.",
            vec![line],
            true,
        ),
        (_, RelayVerdict::Other | RelayVerdict::Accepted) => out.note(
            Some(svc),
            format!("The server refused the relay test with {}. No known cause fits; its words may say why.", wording::reply(reply)),
            vec![line],
            true,
        ),
    }
}

fn auth_required(f: &Facts, s: &Session, r: &RelayOutcome, line: String, out: &mut Out) {
    let svc = f.service;
    let offered = s
        .effective_capabilities()
        .map(|c| c.auth.clone())
        .unwrap_or_default();
    let why_not = match &s.login {
        Some(LoginOutcome::Skipped(LoginSkip::AuthNone)) | None
            if f.server.auth == AuthMech::None =>
        {
            "the account sets auth = none, so mailfix did not log in".to_owned()
        }
        Some(LoginOutcome::Skipped(skip)) => {
            format!("mailfix did not log in ({})", skip_words(skip))
        }
        _ => "mailfix was not logged in".to_owned(),
    };
    let auth_patch = (f.server.auth == AuthMech::None).then(|| SettingsPatch {
        auth: Some(AuthMech::Auto),
        ..SettingsPatch::default()
    });
    let turn_on = match &s.login {
        _ if f.server.auth == AuthMech::None => {
            "Turn on authentication for the outgoing server (auth auto), with your user name and password."
        }
        Some(LoginOutcome::Skipped(LoginSkip::NoPassword)) => {
            "Give the outgoing server a password (password, password_command or password_env) so the login can happen."
        }
        Some(LoginOutcome::Skipped(LoginSkip::PasswordUnavailable(_))) => {
            "Fix the password setting of the outgoing server (see the note) so the login can happen."
        }
        _ => "Once the login works (see the other findings), the server will relay your mail.",
    }
    .to_owned();
    let base = |c: Confidence, title: String| {
        finding(svc, ids::AUTH_REQUIRED, c, title)
            .ev(line.clone())
            .ev(why_not.clone())
            .ev(format!("no message was sent: mailfix stops before DATA, after MAIL FROM:<{}> and RCPT TO:<{}>", r.sender, r.recipient))
    };
    if !offered.is_empty() {
        out.add(
            base(
                Confidence::Certain,
                "The server relays mail only after you log in".to_owned(),
            )
            .ev(format!("the server offers login ({})", list(&offered)))
            .fix(turn_on)
            .patch(auth_patch),
        );
        return;
    }
    let alt = f.alternative(|p| {
        p.session
            .as_ref()
            .and_then(Session::effective_capabilities)
            .is_some_and(|c| !c.auth.is_empty())
    });
    match alt {
        Some(alt) => {
            let (fix, patch) = move_to_log_in(f, alt);
            out.add(
                base(
                    Confidence::Likely,
                    format!(
                        "The server relays only after a login, which {} offers",
                        wording::port_mode(&alt.endpoint)
                    ),
                )
                .ev(format!("port {} offers no login", f.want.port))
                .ev(serves_line(alt))
                .fix(format!(
                    "{fix} Log in there with your user name and password."
                ))
                .patch(Some(patch)),
            );
        }
        None => out.add(
            base(
                Confidence::Possible,
                "The server does not relay for you and offers no login here".to_owned(),
            )
            .fix(
                "Ask your provider which outgoing server and port to use, and how to log in there.",
            ),
        ),
    }
}

fn skip_words(skip: &LoginSkip) -> &'static str {
    match skip {
        LoginSkip::NoPassword => "no password is set",
        LoginSkip::PasswordUnavailable(_) => "the password could not be read",
        LoginSkip::WouldBePlaintext => "the connection was not encrypted",
        LoginSkip::TlsNotVerified | LoginSkip::CertificateChanged => {
            "the server's identity was in doubt"
        }
        LoginSkip::MechanismNotOffered { .. } | LoginSkip::NoCommonMechanism { .. } => {
            "no usable login method"
        }
        LoginSkip::ServerDisallows => "the server offers no login here",
        LoginSkip::ForbiddenCharacters => "the credentials hold forbidden characters",
        LoginSkip::SessionEnded => "the session ended",
        LoginSkip::AuthNone | LoginSkip::NotRequested => "no login was asked for",
    }
}

fn sender_refused(
    f: &Facts,
    r: &RelayOutcome,
    line: String,
    confidence: Confidence,
    out: &mut Out,
) {
    let domain = crate::account::email_domain(&r.sender);
    let mut fnd = finding(
        f.service,
        ids::SENDER_NOT_ALLOWED,
        confidence,
        format!("This server will not send mail from {}", r.sender),
    )
    .ev(line)
    .ev(format!(
        "mailfix was logged in as {}",
        wording::quote(&f.server.username)
    ));
    let other_submission = f
        .published
        .iter()
        .copied()
        .filter(|p| {
            p.endpoint.host != f.want.host && p.serves_expected_protocol() && f.srv_publishes(p)
        })
        .min_by_key(|p| !super::facts::works(p));
    if let Some(alt) = other_submission {
        let (fix, patch) = move_to(f, alt);
        fnd = fnd
            .ev(format!(
                "{} names {} as its server for sending",
                domain.as_deref().unwrap_or("your domain"),
                alt.endpoint.host
            ))
            .ev(serves_line(alt))
            .fix(format!(
                "Send mail from {} through its own server. {fix}",
                r.sender
            ))
            .patch(Some(patch));
    }
    out.add(fnd.fix(format!(
        "Or send from an address this login may use, or ask the provider to allow {} for {}.",
        r.sender, f.server.username
    )));
}
