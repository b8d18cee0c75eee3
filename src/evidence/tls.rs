//! What the TLS handshake and the server's certificate showed.

use std::fmt;

/// The server's end-entity certificate, as presented (valid or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSummary {
    pub subject: String,
    pub issuer: String,
    /// DNS names (subjectAltName, else the CN).
    pub names: Vec<String>,
    /// RFC 3339.
    pub not_before: String,
    pub not_after: String,
    pub self_signed: bool,
    /// SHA-256 of the DER certificate, lowercase hex.
    pub sha256: String,
}

/// Why a certificate was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertProblem {
    Expired {
        not_after: String,
    },
    NotYetValid {
        not_before: String,
    },
    NameMismatch {
        expected: String,
        presented: Vec<String>,
    },
    UnknownIssuer {
        issuer: String,
    },
    SelfSigned {
        subject: String,
    },
    Revoked,
    Other(String),
}

impl fmt::Display for CertProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertProblem::Expired { not_after } => write!(f, "certificate expired on {not_after}"),
            CertProblem::NotYetValid { not_before } => {
                write!(f, "certificate not valid before {not_before}")
            }
            CertProblem::NameMismatch {
                expected,
                presented,
            } => write!(
                f,
                "certificate is for {} but the server is {expected}",
                if presented.is_empty() {
                    "no name".to_owned()
                } else {
                    presented.join(", ")
                }
            ),
            CertProblem::UnknownIssuer { issuer } => {
                write!(f, "certificate issued by an untrusted authority ({issuer})")
            }
            CertProblem::SelfSigned { subject } => write!(f, "self-signed certificate ({subject})"),
            CertProblem::Revoked => f.write_str("certificate revoked"),
            CertProblem::Other(text) => write!(f, "certificate rejected: {text}"),
        }
    }
}

/// Why a handshake failed before any certificate could be judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakeFailure {
    /// The server sent plain text where a TLS ServerHello was due: the port
    /// speaks plaintext (or expects STARTTLS). `preview` is escaped.
    PlaintextReply {
        preview: String,
    },
    /// The server sent a TLS alert.
    Alert {
        description: String,
    },
    /// The server only speaks what we refuse (e.g. TLS 1.0).
    Incompatible(String),
    /// The connection closed before the handshake finished.
    Closed,
    Reset,
    TimedOut,
    Other(String),
}

impl fmt::Display for HandshakeFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandshakeFailure::PlaintextReply { preview } => {
                write!(f, "plain text instead of TLS: \"{preview}\"")
            }
            HandshakeFailure::Alert { description } => write!(f, "TLS alert: {description}"),
            HandshakeFailure::Incompatible(what) => write!(f, "incompatible TLS: {what}"),
            HandshakeFailure::Closed => f.write_str("closed during the TLS handshake"),
            HandshakeFailure::Reset => f.write_str("reset during the TLS handshake"),
            HandshakeFailure::TimedOut => f.write_str("no answer to the TLS handshake"),
            HandshakeFailure::Other(text) => write!(f, "TLS handshake failed: {text}"),
        }
    }
}

/// The certificate compared with the one pinned at the last good check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinCheck {
    /// Nothing pinned for this host and port yet.
    NotPinned,
    Same,
    Changed {
        previous_sha256: String,
        /// Who issued the pinned certificate: the same issuer is a routine
        /// renewal, another one the alarm (see [`TlsOutcome::pin_alarm`]).
        previous_issuer: String,
    },
    /// Pins could not be read (state directory unreadable); not an alarm.
    Unavailable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsOutcome {
    /// Handshake done and the certificate verified for the host.
    Verified {
        version: String,
        cipher: String,
        cert: CertSummary,
        pin: PinCheck,
    },
    CertRejected {
        problem: CertProblem,
        cert: Option<CertSummary>,
    },
    Failed(HandshakeFailure),
}

impl TlsOutcome {
    pub fn is_verified(&self) -> bool {
        matches!(self, TlsOutcome::Verified { .. })
    }

    /// The certificate verified, but it is not the one pinned at the last
    /// good check and another authority issued it: the identity alarm (a
    /// renewal by the same issuer is none).
    pub fn pin_alarm(&self) -> bool {
        matches!(
            self,
            TlsOutcome::Verified {
                cert,
                pin: PinCheck::Changed { previous_issuer, .. },
                ..
            } if *previous_issuer != cert.issuer
        )
    }

    pub fn cert(&self) -> Option<&CertSummary> {
        match self {
            TlsOutcome::Verified { cert, .. } => Some(cert),
            TlsOutcome::CertRejected { cert, .. } => cert.as_ref(),
            TlsOutcome::Failed(_) => None,
        }
    }
}
