//! Pure parsers of what mail servers send: reply lines of SMTP, IMAP and
//! POP3, capability lists, the greeting fingerprint, and the escaping that
//! makes any server text (and local text: config keys, a password
//! command's stderr) safe to display.
//!
//! Nothing here does I/O or allocates more than the input it is given; the
//! bounded reading lives in `probe::line`.

pub mod escape;
pub mod greeting;
pub mod imap;
pub mod pop3;
pub mod smtp;

use thiserror::Error;

/// A reply line that does not follow its protocol's grammar. `line` is
/// the offending line, escaped and shortened for display.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    #[error("not an SMTP reply (no three-digit code): \"{line}\"")]
    SmtpCode { line: String },
    #[error("SMTP reply code {code} followed by '{sep}' instead of a space or '-'")]
    SmtpSeparator { code: String, sep: String },
    #[error("not a POP3 reply (neither +OK nor -ERR): \"{line}\"")]
    Pop3Status { line: String },
    #[error("not an IMAP response: \"{line}\"")]
    Imap { line: String },
    #[error("IMAP literal size is not a number: \"{line}\"")]
    Literal { line: String },
}

/// Shortened, escaped copy of a line for error messages.
pub(crate) fn excerpt(line: &[u8]) -> String {
    escape::escape_bounded(line, 120)
}

/// Split `[CODE args] rest` at the start of `text` (after the status word).
/// Returns (code upper-cased, args, rest). A `[` without `]` is not a code.
pub(crate) fn response_code(text: &str) -> (Option<String>, Option<String>, &str) {
    let Some(inner_start) = text.strip_prefix('[') else {
        return (None, None, text);
    };
    let Some(close) = inner_start.find(']') else {
        return (None, None, text);
    };
    let inner = &inner_start[..close];
    let rest = inner_start[close + 1..].trim_start();
    let (atom, args) = match inner.split_once(' ') {
        Some((atom, args)) => (atom, Some(args.trim().to_owned())),
        None => (inner, None),
    };
    if atom.is_empty() || !atom.bytes().all(|b| b.is_ascii_graphic()) {
        return (None, None, text);
    }
    (Some(atom.to_ascii_uppercase()), args, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_split_off() {
        assert_eq!(
            response_code("[IN-USE] Mailbox locked"),
            (Some("IN-USE".into()), None, "Mailbox locked")
        );
        assert_eq!(
            response_code("[REFERRAL imap://u@other.example/] go there"),
            (
                Some("REFERRAL".into()),
                Some("imap://u@other.example/".into()),
                "go there"
            )
        );
        assert_eq!(
            response_code("[unterminated"),
            (None, None, "[unterminated")
        );
        assert_eq!(response_code("plain"), (None, None, "plain"));
    }
}
