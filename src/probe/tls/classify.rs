//! The one place that reads rustls's and the socket's errors: a failed
//! handshake becomes a [`TlsOutcome`] diagnosis can reason about.

use std::io;

use rustls::{AlertDescription, CertificateError, Error};
use rustls_pki_types::CertificateDer;

use super::cert::{rfc3339, summarize};
use crate::evidence::{CertProblem, CertSummary, HandshakeFailure, TlsOutcome};
use crate::proto::escape::escape_bounded;
use crate::proto::greeting::is_tls_record;

/// Classify a failed handshake. `seen` is the certificate the server
/// presented (if it got that far); `first` the first bytes it sent.
pub(super) fn classify(
    err: &io::Error,
    seen: Option<&CertificateDer<'_>>,
    first: &[u8],
    host: &str,
) -> TlsOutcome {
    let cert = seen.and_then(|der| summarize(der));
    if let Some(tls) = err.get_ref().and_then(|e| e.downcast_ref::<Error>()) {
        return from_rustls(tls, cert, first, host);
    }
    if let Some(preview) = plaintext(first) {
        return TlsOutcome::Failed(HandshakeFailure::PlaintextReply { preview });
    }
    TlsOutcome::Failed(match err.kind() {
        io::ErrorKind::UnexpectedEof | io::ErrorKind::WriteZero => HandshakeFailure::Closed,
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => HandshakeFailure::Reset,
        io::ErrorKind::TimedOut => HandshakeFailure::TimedOut,
        _ => HandshakeFailure::Other(err.to_string()),
    })
}

fn from_rustls(err: &Error, cert: Option<CertSummary>, first: &[u8], host: &str) -> TlsOutcome {
    match err {
        Error::InvalidCertificate(problem) => TlsOutcome::CertRejected {
            problem: cert_problem(problem, cert.as_ref(), host),
            cert,
        },
        Error::NoCertificatesPresented => TlsOutcome::CertRejected {
            problem: CertProblem::Other("the server presented no certificate".into()),
            cert: None,
        },
        Error::AlertReceived(AlertDescription::ProtocolVersion) => {
            TlsOutcome::Failed(HandshakeFailure::Incompatible(
                "the server refused TLS 1.2 and 1.3 (protocol_version alert)".into(),
            ))
        }
        Error::AlertReceived(alert) => TlsOutcome::Failed(HandshakeFailure::Alert {
            description: alert_name(*alert),
        }),
        Error::PeerIncompatible(why) => {
            TlsOutcome::Failed(HandshakeFailure::Incompatible(match why {
                rustls::PeerIncompatible::ServerDoesNotSupportTls12Or13 => {
                    "the server speaks only TLS versions older than 1.2".to_owned()
                }
                other => format!("no TLS parameters in common ({other:?})"),
            }))
        }
        other => TlsOutcome::Failed(match plaintext(first) {
            Some(preview) => HandshakeFailure::PlaintextReply { preview },
            None => HandshakeFailure::Other(other.to_string()),
        }),
    }
}

/// The server's first bytes, escaped, if they are not a TLS record.
fn plaintext(first: &[u8]) -> Option<String> {
    if first.is_empty() || is_tls_record(first) {
        return None;
    }
    Some(escape_bounded(first, 160))
}

fn alert_name(alert: AlertDescription) -> String {
    // Debug gives the RFC name in CamelCase ("HandshakeFailure"); make it
    // the RFC's snake_case ("handshake_failure").
    let camel = format!("{alert:?}");
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// webpki lists presented names in Debug form (`DnsName("a.example")`).
fn clean_name(debug: &str) -> String {
    let inner = debug
        .split_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .map(|s| s.trim_matches('"'))
        .unwrap_or(debug);
    escape_bounded(inner.as_bytes(), 255)
}

fn cert_problem(err: &CertificateError, cert: Option<&CertSummary>, host: &str) -> CertProblem {
    match err {
        CertificateError::Expired => CertProblem::Expired {
            not_after: cert.map(|c| c.not_after.clone()).unwrap_or_default(),
        },
        CertificateError::ExpiredContext { not_after, .. } => CertProblem::Expired {
            not_after: rfc3339(not_after.as_secs() as i64),
        },
        CertificateError::NotValidYet => CertProblem::NotYetValid {
            not_before: cert.map(|c| c.not_before.clone()).unwrap_or_default(),
        },
        CertificateError::NotValidYetContext { not_before, .. } => CertProblem::NotYetValid {
            not_before: rfc3339(not_before.as_secs() as i64),
        },
        CertificateError::NotValidForName => CertProblem::NameMismatch {
            expected: host.to_owned(),
            presented: cert.map(|c| c.names.clone()).unwrap_or_default(),
        },
        CertificateError::NotValidForNameContext { presented, .. } => CertProblem::NameMismatch {
            expected: host.to_owned(),
            presented: match cert {
                Some(c) => c.names.clone(),
                None => presented.iter().take(64).map(|n| clean_name(n)).collect(),
            },
        },
        CertificateError::UnknownIssuer => match cert {
            Some(c) if c.self_signed => CertProblem::SelfSigned {
                subject: c.subject.clone(),
            },
            Some(c) => CertProblem::UnknownIssuer {
                issuer: c.issuer.clone(),
            },
            None => CertProblem::UnknownIssuer {
                issuer: String::new(),
            },
        },
        CertificateError::Revoked => CertProblem::Revoked,
        other => CertProblem::Other(Error::InvalidCertificate(other.clone()).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alert_names() {
        assert_eq!(
            alert_name(AlertDescription::HandshakeFailure),
            "handshake_failure"
        );
        assert_eq!(
            alert_name(AlertDescription::UnrecognisedName),
            "unrecognised_name"
        );
    }

    #[test]
    fn plain_text_is_previewed_and_escaped() {
        let err = io::Error::new(io::ErrorKind::UnexpectedEof, "eof");
        let out = classify(&err, None, b"+OK Dovecot ready.\r\n", "h");
        assert_eq!(
            out,
            TlsOutcome::Failed(HandshakeFailure::PlaintextReply {
                preview: "+OK Dovecot ready.\\r\\n".into()
            })
        );
        let out = classify(&err, None, b"\x15\x03\x01\x00\x02\x02\x28", "h");
        assert_eq!(out, TlsOutcome::Failed(HandshakeFailure::Closed));
    }

    #[test]
    fn name_mismatch_keeps_both_sides() {
        let err = CertificateError::NotValidForNameContext {
            expected: rustls_pki_types::ServerName::try_from("mail.example.org").unwrap(),
            presented: vec!["DnsName(\"other.example.net\")".into()],
        };
        let p = cert_problem(&err, None, "mail.example.org");
        assert_eq!(
            p,
            CertProblem::NameMismatch {
                expected: "mail.example.org".into(),
                presented: vec!["other.example.net".into()]
            }
        );
    }
}
