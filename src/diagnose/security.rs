//! Login cause 5, the security alarm: the server could not prove who it
//! is (certificate rejected, changed since the last good check, data
//! injected around STARTTLS), so no password went to it. Also connect 3
//! when the certificate comes from a TLS-inspecting product.

use super::alt::{move_to, secure_alternative};
use super::facts::Facts;
use super::wording::list;
use super::{Build, Out, finding, intercept};
use crate::catalogue::ids;
use crate::evidence::{
    CertProblem, CertSummary, LoginOutcome, LoginSkip, PinCheck, StarttlsOutcome, TlsOutcome,
};
use crate::finding::{Confidence, Finding};

pub(super) fn check(f: &Facts, out: &mut Out) {
    let Some(s) = f.session() else {
        return;
    };
    let svc = f.service;
    let host = &f.want.host;
    if let Some(StarttlsOutcome::InjectedData { bytes }) = &s.starttls {
        let mut fnd = finding(svc, ids::SECURITY_ALARM, Confidence::Likely, "Someone on the network tampered with the start of encryption")
            .ev(format!("{bytes} bytes arrived right after the STARTTLS go-ahead from {}, before encryption began; mailfix hung up", f.want.target()));
        if let Some(alt) =
            secure_alternative(f).filter(|a| a.endpoint.security == crate::account::Security::Tls)
        {
            let (line, patch) = move_to(f, alt);
            fnd = fnd.fix(line).patch(Some(patch));
        }
        out.add(alarm_fixes(fnd, host));
    }
    match s.tls_outcome() {
        Some(TlsOutcome::CertRejected { problem, cert }) => {
            cert_rejected(f, problem, cert.as_ref(), out);
        }
        Some(TlsOutcome::Verified { cert, pin, .. }) => {
            match pin {
                PinCheck::Changed {
                    previous_sha256,
                    previous_issuer,
                } => {
                    let withheld = matches!(
                        s.login,
                        Some(LoginOutcome::Skipped(LoginSkip::CertificateChanged))
                    );
                    pin_changed(f, cert, previous_sha256, previous_issuer, withheld, out);
                }
                PinCheck::Same => out.rule_out(
                    svc,
                    ids::SECURITY_ALARM,
                    format!("the certificate is valid for {host} (issued by {}) and is the one seen at the last good check", cert.issuer),
                ),
                PinCheck::NotPinned | PinCheck::Unavailable(_) => out.rule_out(
                    svc,
                    ids::SECURITY_ALARM,
                    format!("the certificate is valid for {host} (issued by {})", cert.issuer),
                ),
            }
            if let Some(product) = intercept::product(&cert.issuer) {
                out.note(
                    Some(svc),
                    format!("The certificate of {host} comes from {} ({product}), a product that inspects encrypted traffic. This computer trusts it, so mail works, but whoever runs it can read your mail and password.", cert.issuer),
                    vec![cert_line(cert)],
                    false,
                );
            }
        }
        _ => {}
    }
    if matches!(
        s.login,
        Some(LoginOutcome::Skipped(LoginSkip::CertificateChanged))
    ) && !out.has(svc, ids::SECURITY_ALARM)
    {
        out.add(alarm_fixes(
            finding(
                svc,
                ids::SECURITY_ALARM,
                Confidence::Likely,
                format!("The certificate of {host} changed since the last good check"),
            )
            .ev("mailfix did not send the password: the certificate is not the one seen at the last good check, and another authority issued it"),
            host,
        ));
    }
    // A handshake that failed outright (plain text where TLS was due, an
    // alert, a reset) says nothing about the server's identity: that is a
    // connect problem, found by the connect rules.
    if matches!(
        s.login,
        Some(LoginOutcome::Skipped(LoginSkip::TlsNotVerified))
    ) && !matches!(s.tls_outcome(), Some(TlsOutcome::Failed(_)))
        && !out.has(svc, ids::SECURITY_ALARM)
    {
        out.add(alarm_fixes(
            finding(svc, ids::SECURITY_ALARM, Confidence::Certain, format!("{host} could not prove its identity"))
                .ev("mailfix did not send the password because the encrypted connection could not be verified"),
            host,
        ));
    }
}

fn cert_line(cert: &CertSummary) -> String {
    let names = if cert.names.is_empty() {
        "no names".to_owned()
    } else {
        list(&cert.names.iter().take(4).cloned().collect::<Vec<_>>())
    };
    let fp: String = cert.sha256.chars().take(16).collect();
    format!(
        "the certificate names {names}, was issued by {}, is valid from {} to {}; SHA-256 {fp}…",
        cert.issuer, cert.not_before, cert.not_after
    )
}

/// The three things to do whenever identity is in doubt.
fn alarm_fixes(fnd: Finding, host: &str) -> Finding {
    fnd.fix(format!("Do not send your password to {host} until this is explained; mailfix did not send it."))
        .fix(format!("Tell the people who run {host} what mailfix saw (the evidence above)."))
        .fix("If a mail program has already sent your password there, change the password from a network you trust.")
}

fn cert_rejected(f: &Facts, problem: &CertProblem, cert: Option<&CertSummary>, out: &mut Out) {
    let svc = f.service;
    let host = &f.want.host;
    let title = match problem {
        CertProblem::Expired { .. } => format!("The certificate of {host} has expired"),
        CertProblem::NotYetValid { .. } => format!("The certificate of {host} is not valid yet"),
        CertProblem::NameMismatch { .. } => format!("The certificate does not belong to {host}"),
        CertProblem::UnknownIssuer { .. } => format!(
            "The certificate of {host} comes from an authority this computer does not trust"
        ),
        CertProblem::SelfSigned { .. } => format!("{host} signed its own certificate"),
        CertProblem::Revoked => format!("The certificate of {host} was revoked"),
        CertProblem::Other(_) => format!("The certificate of {host} was not accepted"),
    };
    let mut fnd = finding(svc, ids::SECURITY_ALARM, Confidence::Certain, title)
        .ev(format!("{}: {problem}", f.want.target()));
    if let Some(cert) = cert {
        fnd = fnd.ev(cert_line(cert));
    }
    let mut fnd = alarm_fixes(fnd, host);
    match problem {
        CertProblem::NameMismatch { presented, .. } => {
            if let Some(alt) = f.published_alternative().filter(|a| {
                presented
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(&a.endpoint.host))
            }) {
                let (line, patch) = move_to(f, alt);
                fnd = fnd
                    .fix(format!(
                        "{} names {} in DNS and the certificate is for it: {line}",
                        f.domain.as_deref().unwrap_or("Your domain"),
                        alt.endpoint.host
                    ))
                    .patch(Some(patch));
            } else if let Some(name) = presented.first() {
                fnd = fnd.fix(format!("If your provider's instructions name {name} as the server, use that name instead."));
            }
        }
        CertProblem::UnknownIssuer { .. } | CertProblem::SelfSigned { .. } => {
            fnd = fnd.fix("If the server uses its own certificate authority on purpose, get that CA certificate from its admin by a trusted route and set ca_file to it.");
        }
        CertProblem::Expired { .. } | CertProblem::NotYetValid { .. } => {
            fnd = fnd.fix("Check that this computer's date and time are right; if they are, the server's certificate needs renewing.");
        }
        CertProblem::Revoked | CertProblem::Other(_) => {}
    }
    out.add(fnd);

    let issuer = match problem {
        CertProblem::UnknownIssuer { issuer } => Some(issuer.as_str()),
        _ => cert.map(|c| c.issuer.as_str()),
    };
    if let Some(issuer) = issuer
        && let Some(product) = intercept::product(issuer)
    {
        // The issuer names an inspecting product and this computer does not
        // trust it: the certificate itself shows the interception, so this
        // is as certain as the alarm, and listed first as its cause.
        out.add(
            finding(svc, ids::FIREWALL, Confidence::Certain, "A security product on this network opens encrypted connections")
                .ev(format!("the certificate on {} was issued by {issuer} ({product}), not by a public authority", f.want.target()))
                .fix(format!("Ask whoever runs this network (or your antivirus settings) to stop inspecting connections to {host}."))
                .fix("Until then, check your mail from another network."),
        );
    }
}

/// The certificate verified but is not the pinned one: an alarm when
/// another authority issued it (`withheld`: the login was skipped for
/// that), else most likely a renewal.
fn pin_changed(
    f: &Facts,
    cert: &CertSummary,
    previous_sha256: &str,
    previous_issuer: &str,
    withheld: bool,
    out: &mut Out,
) {
    let host = &f.want.host;
    let prev: String = previous_sha256.chars().take(16).collect();
    let now: String = cert.sha256.chars().take(16).collect();
    let changed = format!(
        "the certificate of {} is not the one seen at the last good check (then SHA-256 {prev}…, now {now}…)",
        f.want.target()
    );
    if previous_issuer != cert.issuer {
        let why = if withheld {
            "mailfix did not send the password, because a different authority issued the new certificate".to_owned()
        } else {
            format!("the certificate seen at the last good check was issued by {previous_issuer}")
        };
        out.add(alarm_fixes(
            finding(
                f.service,
                ids::SECURITY_ALARM,
                Confidence::Likely,
                format!("The certificate of {host} changed, and another authority issued it"),
            )
            .ev(changed)
            .ev(cert_line(cert))
            .ev(why),
            host,
        ));
    } else {
        out.add(
            finding(f.service, ids::SECURITY_ALARM, Confidence::Possible, format!("The certificate of {host} changed since the last good check (same issuer: probably a routine renewal)"))
                .ev(changed)
                .ev(cert_line(cert))
                .fix("If your provider renewed its certificate, nothing needs doing: mailfix remembers the new one after this check.")
                .fix(format!("If you did not expect a change, ask the people who run {host} to confirm the new fingerprint.")),
        );
    }
}
