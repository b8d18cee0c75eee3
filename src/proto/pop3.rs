//! POP3 replies (RFC 1939), RESP-CODES and CAPA (RFC 2449), SASL
//! continuations (RFC 5034).

use super::escape::escape;
use super::{ParseError, excerpt, response_code};
use crate::evidence::{Capabilities, Reply, Status};

/// Most capability entries kept from one list.
pub const MAX_CAPS: usize = 256;

/// What one POP3 line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Reply(Reply),
    /// `+ base64` (or a bare `+`): a SASL challenge, payload as sent.
    Continuation(Vec<u8>),
}

/// Parse a status line or SASL continuation.
pub fn parse_line(line: &[u8]) -> Result<Line, ParseError> {
    if line == b"+" || line.starts_with(b"+ ") {
        return Ok(Line::Continuation(
            trim(line.get(2..).unwrap_or_default()).to_vec(),
        ));
    }
    reply(line).map(Line::Reply)
}

/// Parse a `+OK …` / `-ERR …` line, with an RFC 2449 `[RESP-CODE]`.
pub fn reply(line: &[u8]) -> Result<Reply, ParseError> {
    let (status, rest) = if has_word(line, b"+OK") {
        (Status::Pop3Ok, &line[3..])
    } else if has_word(line, b"-ERR") {
        (Status::Pop3Err, &line[4..])
    } else {
        return Err(ParseError::Pop3Status {
            line: excerpt(line),
        });
    };
    let text = escape(trim(rest));
    let (code, _args, text) = response_code(&text);
    let mut reply = Reply::new(status, text);
    reply.code = code;
    Ok(reply)
}

fn has_word(line: &[u8], word: &[u8]) -> bool {
    line.len() >= word.len()
        && line[..word.len()].eq_ignore_ascii_case(word)
        && line.get(word.len()).is_none_or(|&b| b == b' ')
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != b' ').unwrap_or(bytes.len());
    &bytes[start..]
}

/// Remove dot-stuffing from one line of a multi-line response; `None` for
/// the terminating `.`.
pub fn unstuff(line: &[u8]) -> Option<&[u8]> {
    match line {
        b"." => None,
        [b'.', rest @ ..] => Some(rest),
        other => Some(other),
    }
}

/// The capabilities of a CAPA list (the lines between `+OK` and `.`).
pub fn capa(lines: &[Vec<u8>]) -> Capabilities {
    let mut caps = Capabilities::default();
    for raw in lines.iter().take(MAX_CAPS) {
        let text = escape(raw);
        let mut words = text.split_ascii_whitespace();
        let Some(keyword) = words.next() else {
            continue;
        };
        match keyword.to_ascii_uppercase().as_str() {
            "STLS" => caps.starttls = true,
            "USER" => caps.user_pass = true,
            "SASL" => super::smtp::push_mechs(&mut caps.auth, words),
            _ => {}
        }
        caps.raw.push(text);
    }
    caps
}

/// `+OK 2 320` → (messages, octets).
pub fn stat(reply: &Reply) -> Option<(u64, u64)> {
    let mut words = reply.text.split_ascii_whitespace();
    let count = words.next()?.parse().ok()?;
    let size = words.next()?.parse().ok()?;
    Some((count, size))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(
        b"+OK Dovecot (Debian) ready.",
        Status::Pop3Ok,
        None,
        "Dovecot (Debian) ready."
    )]
    #[case(
        b"-ERR [IN-USE] Mailbox is locked by another POP3 session.",
        Status::Pop3Err,
        Some("IN-USE"),
        "Mailbox is locked by another POP3 session."
    )]
    #[case(
        b"-ERR [AUTH] Authentication failed.",
        Status::Pop3Err,
        Some("AUTH"),
        "Authentication failed."
    )]
    #[case(
        b"-ERR [LOGIN-DELAY] Logged in too recently",
        Status::Pop3Err,
        Some("LOGIN-DELAY"),
        "Logged in too recently"
    )]
    #[case(
        b"-ERR [SYS/TEMP] Temporary system failure, try again later",
        Status::Pop3Err,
        Some("SYS/TEMP"),
        "Temporary system failure, try again later"
    )]
    #[case(
        b"-ERR Plaintext authentication disallowed on non-secure (SSL/TLS) connections.",
        Status::Pop3Err,
        None,
        "Plaintext authentication disallowed on non-secure (SSL/TLS) connections."
    )]
    #[case(b"-ERR [SYS/PERM] Your account is not enabled for POP access. Please visit your Gmail settings page and enable your account for POP access.", Status::Pop3Err, Some("SYS/PERM"), "Your account is not enabled for POP access. Please visit your Gmail settings page and enable your account for POP access.")]
    #[case(
        b"-ERR Logon failure: unknown user name or bad password.",
        Status::Pop3Err,
        None,
        "Logon failure: unknown user name or bad password."
    )]
    #[case(b"-ERR Login failed.", Status::Pop3Err, None, "Login failed.")]
    #[case(
        b"-ERR [AUTH] Invalid credentials",
        Status::Pop3Err,
        Some("AUTH"),
        "Invalid credentials"
    )]
    #[case(b"+OK", Status::Pop3Ok, None, "")]
    #[case(b"-ERR", Status::Pop3Err, None, "")]
    #[case(
        b"+OK Hello there. <1896.697170952@dbc.mtview.ca.us>",
        Status::Pop3Ok,
        None,
        "Hello there. <1896.697170952@dbc.mtview.ca.us>"
    )]
    #[case(b"+ok lower case", Status::Pop3Ok, None, "lower case")]
    fn replies(
        #[case] line: &[u8],
        #[case] status: Status,
        #[case] code: Option<&str>,
        #[case] text: &str,
    ) {
        let r = reply(line).unwrap();
        assert_eq!(
            (r.status, r.code.as_deref(), r.text.as_str()),
            (status, code, text)
        );
    }

    #[rstest]
    #[case(b"+OKAY")]
    #[case(b"* OK imap")]
    #[case(b"220 smtp")]
    #[case(b"")]
    fn not_pop3(#[case] line: &[u8]) {
        assert!(reply(line).is_err());
    }

    #[test]
    fn continuations() {
        assert_eq!(
            parse_line(b"+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+").unwrap(),
            Line::Continuation(
                b"PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+".to_vec()
            )
        );
        assert_eq!(parse_line(b"+").unwrap(), Line::Continuation(vec![]));
        assert!(matches!(
            parse_line(b"+OK Logged in.").unwrap(),
            Line::Reply(_)
        ));
    }

    #[test]
    fn dovecot_capa() {
        let lines: Vec<Vec<u8>> = [
            "CAPA",
            "TOP",
            "UIDL",
            "RESP-CODES",
            "PIPELINING",
            "AUTH-RESP-CODE",
            "STLS",
            "USER",
            "SASL PLAIN LOGIN",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        let caps = capa(&lines);
        assert!(caps.starttls && caps.user_pass);
        assert_eq!(caps.auth, ["PLAIN", "LOGIN"]);
        assert_eq!(caps.raw.len(), 9);
    }

    #[test]
    fn gmail_capa_without_user() {
        let lines: Vec<Vec<u8>> = [
            "USER",
            "RESP-CODES",
            "EXPIRE 0",
            "LOGIN-DELAY 300",
            "TOP",
            "UIDL",
            "X-GOOGLE-RICO",
            "SASL PLAIN XOAUTH2 OAUTHBEARER",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        let caps = capa(&lines);
        assert!(!caps.starttls);
        assert_eq!(caps.auth, ["PLAIN", "XOAUTH2", "OAUTHBEARER"]);
    }

    #[test]
    fn stat_and_unstuff() {
        assert_eq!(stat(&reply(b"+OK 2 320").unwrap()), Some((2, 320)));
        assert_eq!(stat(&reply(b"+OK").unwrap()), None);
        assert_eq!(unstuff(b"."), None);
        assert_eq!(unstuff(b"..x"), Some(&b".x"[..]));
        assert_eq!(unstuff(b"TOP"), Some(&b"TOP"[..]));
    }
}
