//! Notes: what is worth telling but is no catalogued cause. The password
//! source failing, the deadline cutting the run, the engine's own
//! remarks, and, when no rule explains a failure, what was observed.

use super::Out;
use super::facts::{Conn, Facts, HostDns};
use super::wording::{self, quote};
use crate::account::{PasswordSource, Security};
use crate::catalogue::ids;
use crate::evidence::{
    HandshakeFailure, LoginOutcome, LoginSkip, MailboxOutcome, PinCheck, Report, Session,
    SessionEnd, TlsOutcome,
};

/// Notes about one configured service, after all its rules ran.
pub(super) fn service(f: &Facts, out: &mut Out) {
    let svc = Some(f.service);
    if let Some(s) = f.session() {
        match &s.login {
            Some(LoginOutcome::Skipped(LoginSkip::PasswordUnavailable(why))) => out.note(
                svc,
                format!(
                    "mailfix could not get the password for the {} server, so it did not try to log in. This is a problem of the password setting, not a wrong password.",
                    f.service
                ),
                vec![password_evidence(&f.server.password, why)],
                true,
            ),
            Some(LoginOutcome::Skipped(LoginSkip::NoPassword)) => out.note(
                svc,
                format!(
                    "The {} server has no password set (password, password_command or password_env), so the login was not checked.",
                    f.service
                ),
                Vec::new(),
                false,
            ),
            Some(LoginOutcome::Skipped(LoginSkip::ForbiddenCharacters)) => out.note(
                svc,
                "The user name or password holds a line break or another control character, which no server accepts; mailfix did not send it. Re-enter it (a password file may end in an extra line break).",
                Vec::new(),
                true,
            ),
            Some(LoginOutcome::Skipped(LoginSkip::WouldBePlaintext))
                if !out.has(f.service, ids::TLS_MISMATCH) =>
            {
                out.note(
                    svc,
                    "mailfix did not send your password, because the connection is not encrypted and the server offers no encrypted way in. Only if you accept that anyone on the way can read it, set allow_plaintext_auth = true.",
                    vec![format!("{} with {}", f.want.target(), wording::mode(f.want.security))],
                    true,
                )
            }
            Some(LoginOutcome::Accepted { .. }) if !s.is_encrypted() => out.note(
                svc,
                "Your password crossed the network unencrypted (the account allows it with allow_plaintext_auth). Anyone on the way could read it.",
                vec![format!("{} with {}", f.want.target(), wording::mode(f.want.security))],
                false,
            ),
            _ => {}
        }
        alert(f, s, out);
        if let Some(TlsOutcome::Failed(HandshakeFailure::Incompatible(why))) = s.tls_outcome() {
            out.note(
                svc,
                format!(
                    "The server {} only offers old TLS versions or settings that are no longer safe; mailfix, like current mail programs, does not use them. No setting on your side fixes this: the provider has to update the server.",
                    f.want.host
                ),
                vec![format!("{}: {why}", f.want.target())],
                true,
            );
        }
        if let Some(TlsOutcome::Verified {
            pin: PinCheck::Unavailable(why),
            ..
        }) = s.tls_outcome()
        {
            out.note(
                svc,
                "The certificate could not be compared with the last good check, because the saved fingerprints could not be read.",
                vec![why.clone()],
                false,
            );
        }
    }
    if !out.explained(f.service) {
        unexplained(f, out);
    }
}

/// An IMAP `[ALERT]` in the greeting is meant for the user's eyes
/// (RFC 9051 §7.1). Said before encryption, anyone on the path could
/// have written it: it is shown, marked as not verified.
fn alert(f: &Facts, s: &Session, out: &mut Out) {
    let Some(g) = &s.greeting else {
        return;
    };
    let Some(reply) = g.reply.as_ref().filter(|r| r.has_code("ALERT")) else {
        return;
    };
    let target = f.want.target();
    let (text, said) = if g.verified {
        (
            "The server greets with an alert for you to read.".to_owned(),
            format!("{target} said: {}", quote(&reply.text)),
        )
    } else {
        (
            "The server's greeting holds an alert, received before encryption: anyone on the network could have written it, so act on it only if your provider confirms it.".to_owned(),
            format!(
                "{target} said (not verified, received before encryption): {}",
                quote(&reply.text)
            ),
        )
    };
    out.note(Some(f.service), text, vec![said], false);
}

/// The password source's failure as evidence. The messages of a command or
/// variable already name it; the others get their source in front.
fn password_evidence(p: &PasswordSource, why: &str) -> String {
    match p {
        PasswordSource::Command(_) | PasswordSource::Env(_) => why.to_owned(),
        PasswordSource::Literal(_) | PasswordSource::Unset => format!("{}: {why}", source(p)),
    }
}

fn source(p: &PasswordSource) -> String {
    match p {
        PasswordSource::Command(cmd) => format!("the command {}", quote(cmd)),
        PasswordSource::Env(var) => format!("the environment variable {var}"),
        PasswordSource::Literal(_) => "the password in the config file".to_owned(),
        PasswordSource::Unset => "no password source".to_owned(),
    }
}

/// Something failed and no rule named a cause: say what was seen.
fn unexplained(f: &Facts, out: &mut Out) {
    let target = f.want.target();
    let mut seen = Vec::new();
    let Some(p) = f.configured else {
        if !matches!(f.dns, HostDns::Missing { .. } | HostDns::Failed(_)) {
            let text = if f.report.deadline_hit {
                format!("The check of {target} did not finish before the deadline.")
            } else {
                format!("{target} was not checked, so nothing is known about it.")
            };
            out.note(Some(f.service), text, Vec::new(), true);
        }
        return;
    };
    match f.conn() {
        Conn::Connected => {}
        Conn::NotTried => return,
        _ => seen.extend(wording::connects(p)),
    }
    if let Some(s) = &p.session {
        if let Some(TlsOutcome::Failed(h)) = s.tls_outcome() {
            seen.push(format!("{target}: {h}"));
        }
        if let Some(g) = &s.greeting
            && !(g.kind.is_welcome() && g.kind.protocol() == Some(f.want.protocol))
        {
            seen.push(format!(
                "{target} greeted with {}",
                if g.line.is_empty() {
                    "nothing".to_owned()
                } else {
                    quote(&g.line)
                }
            ));
        }
        if let Some(LoginOutcome::Rejected { mechanism, reply }) = &s.login {
            seen.push(format!(
                "the server answered {} to {}",
                wording::reply(reply),
                wording::login_verb(f.want.protocol, *mechanism)
            ));
        }
        if let Some(MailboxOutcome::Refused(reply)) = &s.mailbox {
            seen.push(format!(
                "the server answered {} when the mailbox was opened",
                wording::reply(reply)
            ));
        }
        match &s.end {
            SessionEnd::Completed | SessionEnd::Stopped { .. } => {}
            SessionEnd::Closed {
                phase,
                reply: Some(r),
            } => seen.push(format!(
                "during {phase} the server said {} and closed the connection",
                wording::reply(r)
            )),
            SessionEnd::Closed { phase, reply: None } => {
                seen.push(format!("during {phase} the server closed the connection"))
            }
            SessionEnd::Reset { phase } => {
                seen.push(format!("during {phase} the connection was reset"))
            }
            SessionEnd::TimedOut { phase } => {
                seen.push(format!("during {phase} the server stopped answering"))
            }
            SessionEnd::TlsTruncated { phase } => seen.push(format!(
                "during {phase} the encrypted connection was cut off"
            )),
            SessionEnd::Violation { phase, detail } => {
                seen.push(format!("during {phase}: {detail}"))
            }
        }
    }
    if seen.is_empty() {
        return;
    }
    let enc = if f.want.security == Security::None {
        " (unencrypted)"
    } else {
        ""
    };
    out.note(
        Some(f.service),
        format!(
            "Something went wrong with {} {target}{enc}, and no known cause fits what mailfix saw. `mailfix check --report FILE` writes a report (passwords hidden) you can send to your provider.",
            f.proto()
        ),
        seen,
        true,
    );
}

/// Notes about the run as a whole.
pub(super) fn run(report: &Report, out: &mut Out) {
    if report.deadline_hit {
        out.note(
            None,
            format!(
                "The check ran out of time after {}; probes still running were stopped, so some causes could not be checked.",
                wording::ms(report.elapsed_ms)
            ),
            Vec::new(),
            true,
        );
    }
    // The engine's own remarks (a ca_file it could not read, pins it could
    // not save) are not mail problems by themselves: whatever they broke
    // shows up as a finding or as an unchecked server.
    for n in &report.run_notes {
        out.note(None, n.clone(), Vec::new(), false);
    }
}
