//! The URLs aerc takes for `source` and `outgoing`:
//! `scheme[+modifier…]://[user[:password]@]host[:port][/path][?query]`,
//! with user and password percent-encoded.

use super::text::{parse_port, percent_decode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MailUrl {
    /// Lowercased, before the first `+`.
    pub scheme: String,
    /// Lowercased, after the `+`s.
    pub modifiers: Vec<String>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub host: String,
    pub port: Option<u16>,
    /// Everything after `scheme://` up to `?`, undecoded, for local stores.
    pub location: String,
    pub query: Option<String>,
}

/// Schemes naming a local path rather than a server.
pub(crate) const LOCAL_SCHEMES: &[&str] = &["maildir", "maildirpp", "mbox", "notmuch"];

pub(crate) fn parse(s: &str) -> Result<MailUrl, String> {
    let s = s.trim();
    let (scheme, rest) = s
        .split_once("://")
        .ok_or_else(|| format!("`{s}` is not a URL (scheme://…)"))?;
    let scheme = scheme.to_ascii_lowercase();
    let mut parts = scheme.split('+');
    let base = parts.next().unwrap_or_default().to_owned();
    if base.is_empty() || !base.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!("`{scheme}` is not a URL scheme"));
    }
    let modifiers = parts.map(str::to_owned).collect();

    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q.to_owned())),
        None => (rest, None),
    };
    if LOCAL_SCHEMES.contains(&base.as_str()) {
        return Ok(MailUrl {
            scheme: base,
            modifiers,
            user: None,
            password: None,
            host: String::new(),
            port: None,
            location: before_query.to_owned(),
            query,
        });
    }
    let authority_end = before_query.find('/').unwrap_or(before_query.len());
    let authority = &before_query[..authority_end];

    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (user, password) = match userinfo {
        None => (None, None),
        Some(info) => {
            let (user, password) = match info.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (info, None),
            };
            let decode = |v: &str, what: &str| {
                percent_decode(v).ok_or_else(|| format!("the {what} holds a broken %-escape"))
            };
            (
                Some(decode(user, "user name")?).filter(|u| !u.is_empty()),
                password.map(|p| decode(p, "password")).transpose()?,
            )
        }
    };
    let (host, port) = split_host_port(hostport)?;
    Ok(MailUrl {
        scheme: base,
        modifiers,
        user,
        password,
        host,
        port,
        location: before_query.to_owned(),
        query,
    })
}

fn split_host_port(s: &str) -> Result<(String, Option<u16>), String> {
    let port_of =
        |p: &str| parse_port(p).ok_or_else(|| format!("`{p}` is not a port number (1-65535)"));
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or("an IPv6 address is missing its `]`")?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(port_of(p)?),
            None if after.is_empty() => None,
            None => return Err(format!("unexpected `{after}` after the address")),
        };
        return Ok((host.to_owned(), port));
    }
    match s.rsplit_once(':') {
        Some((host, p)) => Ok((host.to_owned(), Some(port_of(p)?))),
        None => Ok((s.to_owned(), None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_url() {
        let u = parse("imaps+oauthbearer://alice%40example.org:p%40ss%3Aw@imap.example.org:1993?token_endpoint=x").unwrap();
        assert_eq!(u.scheme, "imaps");
        assert_eq!(u.modifiers, ["oauthbearer"]);
        assert_eq!(u.user.as_deref(), Some("alice@example.org"));
        assert_eq!(u.password.as_deref(), Some("p@ss:w"));
        assert_eq!(u.host, "imap.example.org");
        assert_eq!(u.port, Some(1993));
        assert_eq!(u.query.as_deref(), Some("token_endpoint=x"));
    }

    #[test]
    fn raw_at_sign_in_user_and_ipv6() {
        let u = parse("smtp://bob@example.org@[::1]:587").unwrap();
        assert_eq!(u.user.as_deref(), Some("bob@example.org"));
        assert_eq!(u.host, "::1");
        assert_eq!(u.port, Some(587));
        let u = parse("SMTPS+PLAIN://host.example").unwrap();
        assert_eq!(
            (u.scheme.as_str(), u.modifiers.as_slice()),
            ("smtps", &["plain".to_owned()][..])
        );
        assert_eq!(
            (u.host.as_str(), u.port, u.user),
            ("host.example", None, None)
        );
    }

    #[test]
    fn local_paths_keep_their_location() {
        let u = parse("maildir://~/Mail/work").unwrap();
        assert_eq!(u.location, "~/Mail/work");
        let u = parse("maildir:///home/al/Mail").unwrap();
        assert_eq!(u.location, "/home/al/Mail");
        let u = parse("maildir://Mail:2/x@y").unwrap();
        assert_eq!(u.location, "Mail:2/x@y");
    }

    #[test]
    fn broken_urls_are_errors() {
        assert!(parse("imap.example.org").is_err());
        assert!(parse("imaps://host:99999").is_err());
        assert!(parse("imaps://host:abc").is_err());
        assert!(parse("imaps://u:%zz@host").is_err());
        assert!(parse("imaps://[::1").is_err());
        assert!(parse("://host").is_err());
    }
}
