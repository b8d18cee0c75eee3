//! IMAP responses (RFC 9051 / RFC 3501 §7), response codes (RFC 5530),
//! capabilities and literals.

use super::escape::escape;
use super::pop3::MAX_CAPS;
use super::{ParseError, excerpt, response_code};
use crate::evidence::{Capabilities, Reply, Status};

/// A status response (tagged or untagged) with the arguments of its code,
/// e.g. the list of `[CAPABILITY …]` or the URL of `[REFERRAL …]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusResponse {
    pub reply: Reply,
    pub code_args: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// `a1 OK …`
    Tagged { tag: String, status: StatusResponse },
    /// `* OK …`, `* NO …`, `* BYE …`, `* PREAUTH …`
    Status(StatusResponse),
    /// `* CAPABILITY …`
    Capability(Vec<String>),
    /// `* 23 EXISTS`
    Exists(u64),
    /// Any other untagged data (FLAGS, RECENT, …), escaped.
    Data(String),
    /// `+ …`: the server waits for more (SASL challenge, literal go-ahead).
    Continuation(Vec<u8>),
}

/// Parse one response line (literals already removed by the reader).
pub fn parse_line(line: &[u8]) -> Result<Response, ParseError> {
    if line == b"+" || line.starts_with(b"+ ") {
        let payload = line.get(2..).unwrap_or_default();
        return Ok(Response::Continuation(payload.to_vec()));
    }
    let err = || ParseError::Imap {
        line: excerpt(line),
    };
    let text = escape(line);
    let (tag, rest) = text.split_once(' ').ok_or_else(err)?;
    if tag == "*" {
        return Ok(untagged(rest));
    }
    if tag.is_empty() || !tag.bytes().all(is_tag_char) {
        return Err(err());
    }
    let status = status_response(rest).ok_or_else(err)?;
    Ok(Response::Tagged {
        tag: tag.to_owned(),
        status,
    })
}

fn is_tag_char(b: u8) -> bool {
    b.is_ascii_graphic() && !matches!(b, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b'+')
}

fn untagged(rest: &str) -> Response {
    if let Some(status) = status_response(rest) {
        return Response::Status(status);
    }
    let (first, tail) = rest.split_once(' ').unwrap_or((rest, ""));
    if first.eq_ignore_ascii_case("CAPABILITY") {
        return Response::Capability(words(tail));
    }
    if let (Ok(n), true) = (first.parse::<u64>(), tail.eq_ignore_ascii_case("EXISTS")) {
        return Response::Exists(n);
    }
    Response::Data(rest.to_owned())
}

fn words(text: &str) -> Vec<String> {
    text.split_ascii_whitespace()
        .take(MAX_CAPS)
        .map(str::to_owned)
        .collect()
}

fn status_response(rest: &str) -> Option<StatusResponse> {
    let (word, tail) = rest.split_once(' ').unwrap_or((rest, ""));
    let status = match word.to_ascii_uppercase().as_str() {
        "OK" => Status::ImapOk,
        "NO" => Status::ImapNo,
        "BAD" => Status::ImapBad,
        "BYE" => Status::ImapBye,
        "PREAUTH" => Status::ImapPreauth,
        _ => return None,
    };
    let (code, code_args, text) = response_code(tail.trim_start());
    let mut reply = Reply::new(status, text);
    if code.as_deref() == Some("REFERRAL") {
        reply.referral = code_args.as_deref().and_then(referral_server);
    }
    reply.code = code;
    Some(StatusResponse { reply, code_args })
}

/// The server of an IMAP URL (RFC 5092) in a `[REFERRAL]` code:
/// `imap://user;AUTH=*@host:port/…` gives `host:port`. Only a plain host
/// name, an IPv4 address or a bracketed IPv6 address is taken, so what a
/// finding quotes is a server name and nothing else.
pub fn referral_server(url: &str) -> Option<String> {
    let first = url.split_ascii_whitespace().next()?;
    let (scheme, rest) = first.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("imap") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let server = authority.rsplit_once('@').map_or(authority, |(_, s)| s);
    let (host, port) = match server.strip_prefix('[') {
        Some(v6) => {
            let (addr, tail) = v6.split_once(']')?;
            if addr.is_empty()
                || !addr
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
            {
                return None;
            }
            (&server[..addr.len() + 2], tail.strip_prefix(':'))
        }
        None => match server.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (server, None),
        },
    };
    let name_ok = |h: &str| {
        !h.is_empty()
            && h.len() <= 253
            && h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    };
    if !host.starts_with('[') && !name_ok(host) {
        return None;
    }
    match port {
        None | Some("") => Some(host.to_ascii_lowercase()),
        Some(p) => {
            let port: u16 = p.parse().ok()?;
            Some(format!("{}:{port}", host.to_ascii_lowercase()))
        }
    }
}

/// The size of a literal announced at the end of `line` (`{N}`, `{N+}`,
/// `~{N}`); `None` when the line does not end in one. Sizes too large for
/// u64 come back as `u64::MAX`.
pub fn literal_at_end(line: &[u8]) -> Option<u64> {
    let inner = line.strip_suffix(b"}")?;
    let open = inner.iter().rposition(|&b| b == b'{')?;
    let digits = &inner[open + 1..];
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        digits
            .iter()
            .try_fold(0u64, |acc, d| {
                acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
            })
            .unwrap_or(u64::MAX),
    )
}

/// Capabilities from the words of `* CAPABILITY` or `[CAPABILITY …]`.
pub fn capabilities<S: AsRef<str>>(words: &[S]) -> Capabilities {
    let mut caps = Capabilities::default();
    for word in words.iter().take(MAX_CAPS) {
        let word = word.as_ref();
        let upper = word.to_ascii_uppercase();
        match upper.as_str() {
            "STARTTLS" => caps.starttls = true,
            "LOGINDISABLED" => caps.login_disabled = true,
            "SASL-IR" => caps.sasl_ir = true,
            u if u.starts_with("AUTH=") => {
                super::smtp::push_mechs(&mut caps.auth, std::iter::once(&word[5..]))
            }
            _ => {}
        }
        caps.raw.push(word.to_owned());
    }
    caps
}

/// `s` as an IMAP quoted string, or `None` when it needs a literal
/// (8-bit characters, CR, LF or NUL).
pub fn quoted(s: &str) -> Option<String> {
    if !s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return None;
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn tagged(line: &str) -> (String, Reply, Option<String>) {
        match parse_line(line.as_bytes()).unwrap() {
            Response::Tagged { tag, status } => (tag, status.reply, status.code_args),
            other => panic!("not tagged: {other:?}"),
        }
    }

    #[rstest]
    #[case(
        "a3 NO [AUTHENTICATIONFAILED] Authentication failed.",
        Status::ImapNo,
        Some("AUTHENTICATIONFAILED"),
        "Authentication failed."
    )]
    #[case(
        "a3 NO [INUSE] Mailbox is locked",
        Status::ImapNo,
        Some("INUSE"),
        "Mailbox is locked"
    )]
    #[case(
        "a3 NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.",
        Status::ImapNo,
        Some("PRIVACYREQUIRED"),
        "Plaintext authentication disallowed on non-secure (SSL/TLS) connections."
    )]
    #[case(
        "a3 NO [CANNOT] Unsupported authentication mechanism.",
        Status::ImapNo,
        Some("CANNOT"),
        "Unsupported authentication mechanism."
    )]
    #[case(
        "a3 NO [UNAVAILABLE] Temporary authentication failure.",
        Status::ImapNo,
        Some("UNAVAILABLE"),
        "Temporary authentication failure."
    )]
    #[case(
        "a3 NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)",
        Status::ImapNo,
        Some("ALERT"),
        "Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)"
    )]
    #[case(
        "a3 NO [WEBALERT https://accounts.google.com/signin/continue?sarp=1] Web login required.",
        Status::ImapNo,
        Some("WEBALERT"),
        "Web login required."
    )]
    #[case(
        "a3 NO AUTHENTICATE failed.",
        Status::ImapNo,
        None,
        "AUTHENTICATE failed."
    )]
    #[case(
        "a2 BAD Error in IMAP command STARTTLS: TLS is already active.",
        Status::ImapBad,
        None,
        "Error in IMAP command STARTTLS: TLS is already active."
    )]
    #[case(
        "a4 OK [READ-ONLY] Examine completed (0.001 + 0.000 secs).",
        Status::ImapOk,
        Some("READ-ONLY"),
        "Examine completed (0.001 + 0.000 secs)."
    )]
    #[case("A0001 ok lower", Status::ImapOk, None, "lower")]
    #[case("a1 NO Login failed.", Status::ImapNo, None, "Login failed.")]
    #[case(
        "a1 NO Login failed: authentication failure",
        Status::ImapNo,
        None,
        "Login failed: authentication failure"
    )]
    #[case(
        "a1 NO [UNAVAILABLE] User's backend is down for maintenance",
        Status::ImapNo,
        Some("UNAVAILABLE"),
        "User's backend is down for maintenance"
    )]
    fn tagged_replies(
        #[case] line: &str,
        #[case] status: Status,
        #[case] code: Option<&str>,
        #[case] text: &str,
    ) {
        let (_, r, _) = tagged(line);
        assert_eq!(
            (r.status, r.code.as_deref(), r.text.as_str()),
            (status, code, text)
        );
    }

    #[test]
    fn dovecot_login_ok_carries_capabilities() {
        let (tag, r, args) = tagged(
            "a3 OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT] Logged in",
        );
        assert_eq!(tag, "a3");
        assert!(r.has_code("CAPABILITY"));
        let words: Vec<&str> = args.as_deref().unwrap().split(' ').collect();
        assert!(capabilities(&words).sasl_ir);
    }

    #[rstest]
    #[case::dovecot("imap://alice@imap2.example.org/", Some("imap2.example.org"))]
    #[case::auth_and_port(
        "imap://alice;AUTH=*@Mail.Example.ORG:1143/INBOX",
        Some("mail.example.org:1143")
    )]
    #[case::no_user("imap://imap2.example.org", Some("imap2.example.org"))]
    #[case::ipv6("imap://[2001:db8::1]:993/", Some("[2001:db8::1]:993"))]
    #[case::two_urls("imap://a.example/ imap://b.example/", Some("a.example"))]
    #[case::other_scheme("pop://alice@pop.example.org/", None)]
    #[case::no_scheme("imap2.example.org", None)]
    #[case::bad_port("imap://alice@imap2.example.org:99999/", None)]
    #[case::escape_in_host("imap://alice@evil\\x1b[31m.example/", None)]
    #[case::empty_host("imap://alice@/", None)]
    fn referral_server_is_the_host_and_port(#[case] url: &str, #[case] want: Option<&str>) {
        assert_eq!(referral_server(url).as_deref(), want);
    }

    #[test]
    fn referral_keeps_url() {
        let (_, r, args) =
            tagged("a3 NO [REFERRAL imap://alice@imap2.example.org/] Log in on the other server");
        assert!(r.has_code("REFERRAL"));
        assert_eq!(r.referral.as_deref(), Some("imap2.example.org"));
        assert_eq!(args.as_deref(), Some("imap://alice@imap2.example.org/"));
    }

    #[test]
    fn untagged_kinds() {
        assert!(matches!(
            parse_line(b"* BYE Server shutting down.").unwrap(),
            Response::Status(StatusResponse {
                reply: Reply {
                    status: Status::ImapBye,
                    ..
                },
                ..
            })
        ));
        assert_eq!(parse_line(b"* 172 EXISTS").unwrap(), Response::Exists(172));
        assert_eq!(
            parse_line(b"* FLAGS (\\Answered \\Flagged)").unwrap(),
            Response::Data("FLAGS (\\\\Answered \\\\Flagged)".into())
        );
        let Response::Capability(words) = parse_line(
            b"* CAPABILITY IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE STARTTLS LOGINDISABLED",
        )
        .unwrap() else {
            panic!()
        };
        let caps = capabilities(&words);
        assert!(caps.starttls && caps.login_disabled && caps.sasl_ir);
        assert!(caps.auth.is_empty());
        assert_eq!(parse_line(b"+ ").unwrap(), Response::Continuation(vec![]));
        assert_eq!(
            parse_line(b"+ UGFzc3dvcmQ6").unwrap(),
            Response::Continuation(b"UGFzc3dvcmQ6".to_vec())
        );
    }

    #[test]
    fn gmail_and_outlook_capabilities() {
        let gmail = "IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 XYZZY SASL-IR AUTH=XOAUTH2 AUTH=PLAIN AUTH=PLAIN-CLIENTTOKEN AUTH=OAUTHBEARER AUTH=XOAUTH";
        let caps = capabilities(&gmail.split(' ').collect::<Vec<_>>());
        assert_eq!(
            caps.auth,
            [
                "XOAUTH2",
                "PLAIN",
                "PLAIN-CLIENTTOKEN",
                "OAUTHBEARER",
                "XOAUTH"
            ]
        );
        let outlook = "IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+";
        let caps = capabilities(&outlook.split(' ').collect::<Vec<_>>());
        assert_eq!(caps.auth, ["PLAIN", "XOAUTH2"]);
        let cyrus = "IMAP4rev1 LITERAL+ ID ENABLE AUTH=PLAIN AUTH=LOGIN AUTH=DIGEST-MD5 AUTH=CRAM-MD5 SASL-IR COMPRESS=DEFLATE";
        assert!(capabilities(&cyrus.split(' ').collect::<Vec<_>>()).offers_mech("cram-md5"));
    }

    #[rstest]
    #[case(b"* 1 FETCH (BODY[] {42}", Some(42))]
    #[case(b"* OK [ALERT] {4294967295}", Some(4294967295))]
    #[case(b"a1 LOGIN {5+}", Some(5))]
    #[case(b"* 1 FETCH (BINARY[] ~{7}", Some(7))]
    #[case(b"* OK {99999999999999999999999}", Some(u64::MAX))]
    #[case(b"* OK no literal", None)]
    #[case(b"* OK {abc}", None)]
    #[case(b"* OK {}", None)]
    fn literals(#[case] line: &[u8], #[case] size: Option<u64>) {
        assert_eq!(literal_at_end(line), size);
    }

    #[rstest]
    #[case(b"")]
    #[case(b"no-space")]
    #[case(b"a1 MAYBE fine")]
    #[case(b"+OK pop3")]
    #[case(b"220 smtp")]
    fn not_imap(#[case] line: &[u8]) {
        assert!(parse_line(line).is_err());
    }

    #[test]
    fn quoting() {
        assert_eq!(
            quoted("alice@example.org").as_deref(),
            Some("\"alice@example.org\"")
        );
        assert_eq!(quoted("a\"b\\c").as_deref(), Some("\"a\\\"b\\\\c\""));
        assert_eq!(quoted("p\u{e4}ss"), None);
        assert_eq!(quoted("x\r\ny"), None);
    }
}
