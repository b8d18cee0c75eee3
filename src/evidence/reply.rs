//! A server reply, reduced to what diagnosis reads from it, for all three
//! protocols. The protocol parsers (`probe::pop3`, `imap`, `smtp`) build
//! these from the raw lines; `diagnose` interprets them.

use std::fmt;

/// The status part of a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// SMTP reply code, e.g. 535. Codes outside 200..=599 are kept as sent.
    Smtp(u16),
    /// IMAP tagged or untagged status.
    ImapOk,
    ImapNo,
    ImapBad,
    ImapBye,
    ImapPreauth,
    /// POP3 `+OK` / `-ERR`.
    Pop3Ok,
    Pop3Err,
}

impl Status {
    /// Positive completion in its protocol's terms.
    pub fn is_ok(self) -> bool {
        match self {
            Status::Smtp(code) => (200..400).contains(&code),
            Status::ImapOk | Status::ImapPreauth | Status::Pop3Ok => true,
            Status::ImapNo | Status::ImapBad | Status::ImapBye | Status::Pop3Err => false,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Smtp(code) => write!(f, "{code}"),
            Status::ImapOk => f.write_str("OK"),
            Status::ImapNo => f.write_str("NO"),
            Status::ImapBad => f.write_str("BAD"),
            Status::ImapBye => f.write_str("BYE"),
            Status::ImapPreauth => f.write_str("PREAUTH"),
            Status::Pop3Ok => f.write_str("+OK"),
            Status::Pop3Err => f.write_str("-ERR"),
        }
    }
}

/// An RFC 3463 enhanced status code, `class.subject.detail` (5.7.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Enhanced {
    pub class: u8,
    pub subject: u16,
    pub detail: u16,
}

impl Enhanced {
    pub const fn new(class: u8, subject: u16, detail: u16) -> Self {
        Enhanced {
            class,
            subject,
            detail,
        }
    }
}

impl fmt::Display for Enhanced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// One complete reply (all lines of a multi-line SMTP reply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: Status,
    /// IMAP response code or POP3 RESP-CODE (RFC 2449), upper-cased and
    /// without brackets or arguments: `AUTHENTICATIONFAILED`, `IN-USE`,
    /// `ALERT`, `WEBALERT`, `PRIVACYREQUIRED`, `SYS/TEMP`.
    pub code: Option<String>,
    /// SMTP enhanced status code (RFC 3463), when the server sent one.
    pub enhanced: Option<Enhanced>,
    /// The human-readable text, already escaped for display, lines joined
    /// with a space.
    pub text: String,
    /// The server an IMAP `[REFERRAL imap://…]` names (RFC 2221): host,
    /// and `:port` when the URL gives one. The server's claim, never
    /// followed.
    pub referral: Option<String>,
}

impl Reply {
    pub fn new(status: Status, text: impl Into<String>) -> Self {
        Reply {
            status,
            code: None,
            enhanced: None,
            text: text.into(),
            referral: None,
        }
    }

    pub fn with_code(mut self, code: &str) -> Self {
        self.code = Some(code.to_ascii_uppercase());
        self
    }

    pub fn with_referral(mut self, server: &str) -> Self {
        self.code = Some("REFERRAL".into());
        self.referral = Some(server.into());
        self
    }

    pub fn with_enhanced(mut self, enhanced: Enhanced) -> Self {
        self.enhanced = Some(enhanced);
        self
    }

    pub fn smtp_code(&self) -> Option<u16> {
        match self.status {
            Status::Smtp(code) => Some(code),
            _ => None,
        }
    }

    pub fn has_code(&self, code: &str) -> bool {
        self.code
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case(code))
    }

    /// Case-insensitive search in the human text.
    pub fn text_contains(&self, needle: &str) -> bool {
        self.text
            .to_ascii_lowercase()
            .contains(&needle.to_ascii_lowercase())
    }
}

impl fmt::Display for Reply {
    /// The reply as the server put it, roughly: `535 5.7.8 Bad credentials`,
    /// `NO [AUTHENTICATIONFAILED] Authentication failed.`, `-ERR [IN-USE] …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        if let Some(enhanced) = self.enhanced {
            write!(f, " {enhanced}")?;
        }
        if let Some(code) = &self.code {
            write!(f, " [{code}]")?;
        }
        if !self.text.is_empty() {
            write!(f, " {}", self.text)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_the_wire() {
        let r = Reply::new(Status::Smtp(535), "Authentication credentials invalid")
            .with_enhanced(Enhanced::new(5, 7, 8));
        assert_eq!(
            r.to_string(),
            "535 5.7.8 Authentication credentials invalid"
        );
        let r =
            Reply::new(Status::ImapNo, "Authentication failed.").with_code("authenticationfailed");
        assert_eq!(
            r.to_string(),
            "NO [AUTHENTICATIONFAILED] Authentication failed."
        );
        assert!(r.has_code("AuthenticationFailed"));
    }

    #[test]
    fn smtp_ok_range() {
        assert!(Status::Smtp(250).is_ok());
        assert!(Status::Smtp(354).is_ok());
        assert!(!Status::Smtp(421).is_ok());
        assert!(!Status::Smtp(999).is_ok());
    }
}
