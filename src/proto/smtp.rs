//! SMTP replies (RFC 5321 §4.2), enhanced status codes (RFC 3463) and
//! the EHLO keyword list (RFC 5321 §4.1.1.1, AUTH per RFC 4954).

use super::escape::{DISPLAY_MAX, escape};
use super::{ParseError, excerpt};
use crate::evidence::{Capabilities, Enhanced, Reply, Status};

/// One line of a (possibly multi-line) reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyLine<'a> {
    pub code: u16,
    /// `250 ` (or a bare `250`) ends the reply; `250-` continues it.
    pub last: bool,
    pub text: &'a [u8],
}

/// Parse one reply line (without its line ending). Any three digits are
/// kept as the code (`999` stays 999); anything else is an error.
pub fn parse_line(line: &[u8]) -> Result<ReplyLine<'_>, ParseError> {
    let digits = line.get(..3).filter(|d| d.iter().all(u8::is_ascii_digit));
    let Some(digits) = digits else {
        return Err(ParseError::SmtpCode {
            line: excerpt(line),
        });
    };
    let code = digits
        .iter()
        .fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'));
    match line.get(3) {
        None => Ok(ReplyLine {
            code,
            last: true,
            text: b"",
        }),
        Some(b' ') => Ok(ReplyLine {
            code,
            last: true,
            text: &line[4..],
        }),
        Some(b'-') => Ok(ReplyLine {
            code,
            last: false,
            text: &line[4..],
        }),
        Some(&other) => Err(ParseError::SmtpSeparator {
            code: excerpt(digits),
            sep: excerpt(&[other]),
        }),
    }
}

/// An RFC 3463 code at the start of `text` (`5.7.8 rest`), and the rest.
pub fn parse_enhanced(text: &str) -> Option<(Enhanced, &str)> {
    let (word, rest) = match text.split_once(' ') {
        Some((w, r)) => (w, r),
        None => (text, ""),
    };
    let mut parts = word.split('.');
    let class = parts.next()?;
    let subject = parts.next()?;
    let detail = parts.next()?;
    if parts.next().is_some() || !matches!(class, "2" | "4" | "5") {
        return None;
    }
    let number = |p: &str| -> Option<u16> {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok()
    };
    let enhanced = Enhanced::new(class.parse().ok()?, number(subject)?, number(detail)?);
    Some((enhanced, rest.trim_start()))
}

/// Build a [`Reply`] from every raw line of one reply. The code comes from
/// the first line; an enhanced code is taken from the first line and
/// stripped from every line that repeats it.
pub fn reply(lines: &[Vec<u8>]) -> Result<Reply, ParseError> {
    let first = lines.first().map(Vec::as_slice).unwrap_or_default();
    let head = parse_line(first)?;
    let mut texts = Vec::with_capacity(lines.len());
    let mut enhanced = None;
    for (i, raw) in lines.iter().enumerate() {
        let text = parse_line(raw).map(|l| l.text).unwrap_or(raw.as_slice());
        let shown = escape(text);
        let shown = match parse_enhanced(&shown) {
            Some((code, rest)) if i == 0 || Some(code) == enhanced => {
                enhanced = Some(code);
                rest.to_owned()
            }
            _ => shown,
        };
        texts.push(shown);
    }
    let mut text = texts.join(" ");
    if text.chars().count() > DISPLAY_MAX {
        text = text.chars().take(DISPLAY_MAX).collect::<String>() + "…";
    }
    let mut reply = Reply::new(Status::Smtp(head.code), text);
    reply.enhanced = enhanced;
    Ok(reply)
}

/// The capabilities of an EHLO reply (all its raw lines; the first one
/// is the server's name and greeting, not a keyword).
pub fn ehlo_capabilities(lines: &[Vec<u8>]) -> Capabilities {
    let mut caps = Capabilities::default();
    for raw in lines.iter().skip(1).take(super::pop3::MAX_CAPS) {
        let Ok(line) = parse_line(raw) else { continue };
        let text = escape(line.text);
        let mut words = text.split_ascii_whitespace();
        let Some(keyword) = words.next() else {
            continue;
        };
        let keyword_up = keyword.to_ascii_uppercase();
        caps.raw.push(text.clone());
        match keyword_up.as_str() {
            "STARTTLS" => caps.starttls = true,
            "AUTH" => push_mechs(&mut caps.auth, words),
            k if k.starts_with("AUTH=") => {
                push_mechs(&mut caps.auth, std::iter::once(&keyword[5..]).chain(words))
            }
            _ => {}
        }
    }
    caps
}

pub(crate) fn push_mechs<'a>(into: &mut Vec<String>, mechs: impl Iterator<Item = &'a str>) {
    for mech in mechs {
        let mech = mech.to_ascii_uppercase();
        if !mech.is_empty() && into.len() < 64 && !into.contains(&mech) {
            into.push(mech);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn lines(text: &str) -> Vec<Vec<u8>> {
        text.lines().map(|l| l.as_bytes().to_vec()).collect()
    }

    #[rstest]
    #[case("535 5.7.8 Error: authentication failed: authentication failure", 535, Some((5, 7, 8)), "Error: authentication failed: authentication failure")]
    #[case("535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [AM0PR02CA0001.eurprd02.prod.outlook.com]", 535, Some((5, 7, 139)), "Authentication unsuccessful, basic authentication is disabled. [AM0PR02CA0001.eurprd02.prod.outlook.com]")]
    #[case("530 5.7.0 Must issue a STARTTLS command first", 530, Some((5, 7, 0)), "Must issue a STARTTLS command first")]
    #[case("554 5.7.1 <x@example.net>: Relay access denied", 554, Some((5, 7, 1)), "<x@example.net>: Relay access denied")]
    #[case("553 5.7.1 <a@b>: Sender address rejected: not owned by user alice@example.org", 553, Some((5, 7, 1)), "<a@b>: Sender address rejected: not owned by user alice@example.org")]
    #[case("504 5.7.4 Unrecognized authentication type", 504, Some((5, 7, 4)), "Unrecognized authentication type")]
    #[case("421 4.3.2 Service shutting down", 421, Some((4, 3, 2)), "Service shutting down")]
    #[case("235 2.7.0 Authentication successful", 235, Some((2, 7, 0)), "Authentication successful")]
    #[case(
        "550 Requested action not taken: mailbox unavailable",
        550,
        None,
        "Requested action not taken: mailbox unavailable"
    )]
    #[case("250 OK", 250, None, "OK")]
    #[case(
        "535 Incorrect authentication data",
        535,
        None,
        "Incorrect authentication data"
    )]
    #[case("550 5.7.1 Client does not have permissions to send as this sender", 550, Some((5, 7, 1)), "Client does not have permissions to send as this sender")]
    #[case("454 4.7.0 TLS not available due to local problem", 454, Some((4, 7, 0)), "TLS not available due to local problem")]
    #[case("221", 221, None, "")]
    #[case("999 nonsense", 999, None, "nonsense")]
    #[case("220 mx.example \x1b[2J\0", 220, None, "mx.example \\x1b[2J\\0")]
    fn single_line(
        #[case] line: &str,
        #[case] code: u16,
        #[case] enh: Option<(u8, u16, u16)>,
        #[case] text: &str,
    ) {
        let r = reply(&lines(line)).unwrap();
        assert_eq!(r.status, Status::Smtp(code));
        assert_eq!(r.enhanced, enh.map(|(a, b, c)| Enhanced::new(a, b, c)));
        assert_eq!(r.text, text);
    }

    #[test]
    fn gmail_app_password() {
        let r = reply(&lines(
            "534-5.7.9 Application-specific password required. For more information, go to\n\
             534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor a1-20020a170906.12 - gsmtp",
        ))
        .unwrap();
        assert_eq!(r.status, Status::Smtp(534));
        assert_eq!(r.enhanced, Some(Enhanced::new(5, 7, 9)));
        assert!(
            r.text
                .starts_with("Application-specific password required.")
        );
        assert!(r.text.contains("support.google.com"));
        assert!(!r.text.contains("5.7.9"));
    }

    #[rstest]
    #[case(b"2x0 broken")]
    #[case(b"25")]
    #[case(b"")]
    #[case(b"250_x")]
    #[case(b"HTTP/1.1 400")]
    fn malformed(#[case] line: &[u8]) {
        assert!(parse_line(line).is_err());
    }

    #[test]
    fn continuation_flags() {
        assert!(!parse_line(b"250-PIPELINING").unwrap().last);
        assert!(parse_line(b"250 HELP").unwrap().last);
    }

    #[test]
    fn postfix_ehlo() {
        let caps = ehlo_capabilities(&lines(
            "250-mail.example.org\n250-PIPELINING\n250-SIZE 10240000\n250-VRFY\n250-ETRN\n\
             250-STARTTLS\n250-ENHANCEDSTATUSCODES\n250-8BITMIME\n250-DSN\n250-SMTPUTF8\n250 CHUNKING",
        ));
        assert!(caps.starttls);
        assert!(caps.auth.is_empty());
        assert_eq!(caps.raw.len(), 10);
    }

    #[test]
    fn gmail_ehlo_after_tls() {
        let caps = ehlo_capabilities(&lines(
            "250-smtp.gmail.com at your service, [192.0.2.1]\n250-SIZE 35882577\n250-8BITMIME\n\
             250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH\n\
             250-ENHANCEDSTATUSCODES\n250-PIPELINING\n250-CHUNKING\n250 SMTPUTF8",
        ));
        assert!(!caps.starttls);
        assert_eq!(
            caps.auth,
            [
                "LOGIN",
                "PLAIN",
                "XOAUTH2",
                "PLAIN-CLIENTTOKEN",
                "OAUTHBEARER",
                "XOAUTH"
            ]
        );
    }

    #[test]
    fn outlook_and_exim_ehlo() {
        let caps = ehlo_capabilities(&lines(
            "250-AM0PR02CA0001.outlook.office365.com Hello [192.0.2.1]\n250-SIZE 157286400\n\
             250-PIPELINING\n250-DSN\n250-ENHANCEDSTATUSCODES\n250-AUTH LOGIN XOAUTH2\n\
             250-8BITMIME\n250-BINARYMIME\n250-CHUNKING\n250 SMTPUTF8",
        ));
        assert_eq!(caps.auth, ["LOGIN", "XOAUTH2"]);
        let caps = ehlo_capabilities(&lines(
            "250-mx.example.net Hello localhost [127.0.0.1]\n250-SIZE 52428800\n250-8BITMIME\n\
             250-AUTH=PLAIN LOGIN\n250-AUTH PLAIN LOGIN CRAM-MD5\n250 HELP",
        ));
        assert_eq!(caps.auth, ["PLAIN", "LOGIN", "CRAM-MD5"]);
    }

    #[rstest]
    #[case("5.7.8 rest", Some(((5, 7, 8), "rest")))]
    #[case("4.4.2", Some(((4, 4, 2), "")))]
    #[case("3.1.1 x", None)]
    #[case("5.7 x", None)]
    #[case("5.7.1.2 x", None)]
    #[case("5.1234.1 x", None)]
    #[case("mail.example.org", None)]
    fn enhanced(#[case] text: &str, #[case] want: Option<((u8, u16, u16), &str)>) {
        let got = parse_enhanced(text).map(|(e, r)| ((e.class, e.subject, e.detail), r));
        assert_eq!(got, want);
    }
}
