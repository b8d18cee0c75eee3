//! The conversation with each configured server, for the report: where
//! it connected, how TLS and the login went, how it ended, and the
//! transcript (already redacted by the probe that recorded it).

use std::fmt::Write as _;

use crate::account::Service;
use crate::evidence::{
    EndpointProbe, LoginOutcome, LoginSkip, PinCheck, Report, Session, SessionEnd, StarttlsOutcome,
    TlsOutcome,
};

use super::escape::{code, fenced, text};

/// `### Transcripts` with one part per configured server.
pub fn transcripts(out: &mut String, report: &Report) {
    let probes: Vec<&EndpointProbe> = [Service::Incoming, Service::Outgoing]
        .into_iter()
        .filter_map(|s| report.configured(s))
        .collect();
    out.push_str("\n### Transcripts\n\n");
    if probes.is_empty() {
        out.push_str("No configured server was probed.\n");
        return;
    }
    out.push_str(
        "`C:` sent by mailfix, `S:` from the server, `--` mailfix's remarks; \
         `tls` marks lines inside the verified TLS session. \
         Credentials are shown as `********`.\n",
    );
    for probe in probes {
        endpoint(out, probe);
    }
}

fn endpoint(out: &mut String, probe: &EndpointProbe) {
    let _ = writeln!(
        out,
        "\n#### {}: {}\n",
        capitalised(probe.service.as_str()),
        text(&probe.endpoint.to_string())
    );
    if probe.connects.is_empty() {
        out.push_str("- No address to connect to (the name did not resolve).\n");
    }
    for attempt in &probe.connects {
        let _ = writeln!(
            out,
            "- Connect to {}: {} ({:.1} ms)",
            code(&attempt.addr.to_string()),
            text(&attempt.outcome.to_string()),
            attempt.ms
        );
    }
    let Some(session) = &probe.session else {
        return;
    };
    if let Some(tls) = &session.tls {
        let _ = writeln!(out, "- TLS: {}", tls_line(tls));
    }
    match &session.starttls {
        None => {}
        Some(StarttlsOutcome::Handshake(tls)) => {
            let _ = writeln!(out, "- STARTTLS: {}", tls_line(tls));
        }
        Some(other) => {
            let _ = writeln!(out, "- STARTTLS: {}", text(&starttls_line(other)));
        }
    }
    if let Some(login) = &session.login {
        let _ = writeln!(out, "- Login: {}", text(&login_line(login)));
    }
    let _ = writeln!(
        out,
        "- Ended: {} after {:.1} ms",
        text(&end_line(&session.end)),
        session.ms
    );
    transcript_block(out, session);
}

fn transcript_block(out: &mut String, session: &Session) {
    if session.transcript.is_empty() {
        out.push_str("\nNo transcript was recorded.\n");
        return;
    }
    let lines: Vec<String> = session
        .transcript
        .iter()
        .map(|l| {
            format!(
                "{:>9.1} ms {} {} {}",
                l.at_ms,
                if l.tls { "tls" } else { "   " },
                l.dir.prefix(),
                l.text
            )
        })
        .collect();
    out.push('\n');
    out.push_str(&fenced("text", &lines));
}

fn tls_line(tls: &TlsOutcome) -> String {
    match tls {
        TlsOutcome::Verified {
            version,
            cipher,
            cert,
            pin,
        } => {
            let pin = match pin {
                PinCheck::NotPinned => "not seen before".to_string(),
                PinCheck::Same => "same certificate as at the last good check".to_string(),
                PinCheck::Changed {
                    previous_sha256, ..
                } => format!(
                    "a different certificate than at the last good check (was SHA-256 {previous_sha256})"
                ),
                PinCheck::Unavailable(why) => format!("pins unavailable: {why}"),
            };
            format!(
                "verified, {} {}; certificate for {} issued by {}, valid {} to {}, SHA-256 {}; {}",
                text(version),
                text(cipher),
                text(&cert.names.join(", ")),
                text(&cert.issuer),
                text(&cert.not_before),
                text(&cert.not_after),
                code(&cert.sha256),
                text(&pin)
            )
        }
        TlsOutcome::CertRejected { problem, cert } => {
            let mut line = format!("certificate not accepted: {}", text(&problem.to_string()));
            if let Some(cert) = cert {
                let _ = write!(
                    line,
                    " (subject {}, issuer {}, valid {} to {}, SHA-256 {})",
                    text(&cert.subject),
                    text(&cert.issuer),
                    text(&cert.not_before),
                    text(&cert.not_after),
                    code(&cert.sha256)
                );
            }
            line
        }
        TlsOutcome::Failed(failure) => text(&failure.to_string()),
    }
}

fn starttls_line(outcome: &StarttlsOutcome) -> String {
    match outcome {
        StarttlsOutcome::NotOffered => "not offered by the server".into(),
        StarttlsOutcome::Refused(reply) => format!("refused: {reply}"),
        StarttlsOutcome::Preauth => {
            "impossible: the server logged in before encryption (PREAUTH)".into()
        }
        StarttlsOutcome::InjectedData { bytes } => {
            format!("{bytes} bytes arrived before the TLS handshake; the connection was dropped")
        }
        // Shown with the TLS details by the caller.
        StarttlsOutcome::Handshake(_) => "handshake".into(),
    }
}

fn login_line(login: &LoginOutcome) -> String {
    match login {
        LoginOutcome::Accepted { mechanism } => format!("accepted ({mechanism})"),
        LoginOutcome::Rejected { mechanism, reply } => {
            format!("rejected ({mechanism}): {reply}")
        }
        LoginOutcome::Skipped(skip) => format!("not tried: {}", skip_reason(skip)),
    }
}

fn skip_reason(skip: &LoginSkip) -> String {
    match skip {
        LoginSkip::NotRequested => "this probe only looks".into(),
        LoginSkip::AuthNone => "the account logs in with no authentication".into(),
        LoginSkip::NoPassword => "no password is set".into(),
        LoginSkip::PasswordUnavailable(why) => format!("the password was unavailable ({why})"),
        LoginSkip::WouldBePlaintext => {
            "the connection is not encrypted and plaintext login is not allowed".into()
        }
        LoginSkip::TlsNotVerified => "TLS did not verify".into(),
        LoginSkip::CertificateChanged => "the certificate changed since the last good check".into(),
        LoginSkip::MechanismNotOffered { wanted, offered } => format!(
            "{wanted} is not offered (offered: {})",
            list_or_none(offered)
        ),
        LoginSkip::NoCommonMechanism { offered } => format!(
            "no mechanism in common (offered: {})",
            list_or_none(offered)
        ),
        LoginSkip::ServerDisallows => "the server does not allow login here".into(),
        LoginSkip::ForbiddenCharacters => {
            "the user name or password holds a line break or NUL".into()
        }
        LoginSkip::SessionEnded => "the session ended first".into(),
    }
}

fn end_line(end: &SessionEnd) -> String {
    match end {
        SessionEnd::Completed => "completed".into(),
        SessionEnd::Closed { phase, reply } => match reply {
            Some(reply) => format!("closed by the server during {phase}: {reply}"),
            None => format!("closed by the server during {phase}"),
        },
        SessionEnd::Reset { phase } => format!("connection reset during {phase}"),
        SessionEnd::TimedOut { phase } => format!("no answer in time during {phase}"),
        SessionEnd::TlsTruncated { phase } => {
            format!("TLS cut off without close_notify during {phase}")
        }
        SessionEnd::Violation { phase, detail } => {
            format!("protocol violation during {phase}: {detail}")
        }
        SessionEnd::Stopped { phase, reason } => {
            format!("stopped by mailfix during {phase}: {reason}")
        }
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

pub(super) fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
