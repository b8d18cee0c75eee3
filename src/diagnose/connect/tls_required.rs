//! Connect cause 6 at login time: the server (or mailfix's own rule) wants
//! encryption before a password, and the session is not encrypted.

use super::super::facts::Facts;
use super::super::replies::{self, RelayVerdict};
use super::super::wording;
use super::super::{Build, Out, finding};
use super::{secure_alternative, toward};
use crate::account::Security;
use crate::catalogue::ids;
use crate::evidence::{LoginOutcome, LoginSkip};
use crate::finding::{Confidence, SettingsPatch};

pub(super) fn check(f: &Facts, out: &mut Out) {
    let Some(s) = f.session() else {
        return;
    };
    if s.is_encrypted() || out.has(f.service, ids::TLS_MISMATCH) {
        return;
    }
    // With TLS configured (implicit or STARTTLS), an unencrypted session is
    // one whose TLS or STARTTLS failed or was tampered with: that outcome
    // is the evidence (`greeting::starttls`, `security`), and "turn on
    // encryption" would propose the settings already in place.
    if f.want.security != Security::None {
        return;
    }
    let caps = s.effective_capabilities();
    let starttls_offered = caps.is_some_and(|c| c.starttls);
    let alternative = secure_alternative(f);
    let mut certain = Vec::new();
    let mut likely = Vec::new();

    if caps.is_some_and(|c| c.login_disabled) {
        certain.push(
            "the server announced LOGINDISABLED: it takes no password before encryption".to_owned(),
        );
    }
    match &s.login {
        Some(LoginOutcome::Rejected { mechanism, reply }) if replies::tls_required(reply) => {
            certain.push(format!(
                "the server answered {} to {}",
                wording::reply(reply),
                wording::login_verb(f.want.protocol, *mechanism)
            ));
        }
        Some(LoginOutcome::Skipped(
            LoginSkip::ServerDisallows
            | LoginSkip::MechanismNotOffered { .. }
            | LoginSkip::NoCommonMechanism { .. },
        )) if starttls_offered && caps.is_some_and(|c| c.auth.is_empty() && !c.user_pass) => {
            certain.push(
                "before encryption the server offers no way to log in, but it offers STARTTLS"
                    .to_owned(),
            );
        }
        Some(LoginOutcome::Skipped(LoginSkip::WouldBePlaintext))
            if starttls_offered || alternative.is_some() =>
        {
            likely.push("mailfix did not send your password: the connection is not encrypted and allow_plaintext_auth is off".to_owned());
            if starttls_offered {
                likely.push(format!("port {} offers STARTTLS", f.want.port));
            }
        }
        _ => {}
    }
    if let Some(r) = &s.relay {
        for (cmd, reply) in [
            ("MAIL FROM", Some(&r.mail_from)),
            ("RCPT TO", r.rcpt_to.as_ref()),
        ] {
            if let Some(reply) = reply
                && replies::relay(reply) == RelayVerdict::TlsRequired
            {
                certain.push(format!(
                    "the server answered {} to {cmd}",
                    wording::reply(reply)
                ));
            }
        }
    }
    let confidence = if !certain.is_empty() {
        Confidence::Certain
    } else if !likely.is_empty() {
        Confidence::Likely
    } else {
        return;
    };
    let mut fnd = finding(
        f.service,
        ids::TLS_MISMATCH,
        confidence,
        if confidence == Confidence::Certain {
            "The server wants encryption before your password"
        } else {
            "The connection is not encrypted, so no password was sent"
        },
    )
    .evs(certain)
    .evs(likely);
    match alternative {
        Some(alt) => {
            fnd = toward(f, fnd, alt);
        }
        None if starttls_offered => {
            let patch = SettingsPatch {
                port: Some(f.want.port),
                security: Some(Security::Starttls),
                ..SettingsPatch::default()
            };
            fnd = fnd
                .fix(format!(
                    "Turn on STARTTLS for port {} ({}).",
                    f.want.port,
                    patch.describe()
                ))
                .patch(Some(patch));
        }
        None => {
            fnd = fnd.fix(format!(
                "Ask your provider which port of {} offers encryption.",
                f.want.host
            ));
        }
    }
    out.add(fnd.fix("mailfix never sends a password unencrypted unless the account allows it."));
}
