//! The lab's POP3 server (RFC 1939 with RFC 2449 CAPA and RESP-CODES,
//! RFC 2595 STLS, RFC 5034 AUTH): a read-only maildrop of two messages.

use tokio_rustls::TlsAcceptor;

use super::conn::{Conn, End};
use super::dialogue::{Exit, TlsReplies, apply_cut, greet, starttls};
use super::persona::{Persona, Stage};
use super::sasl::{self, SaslOutcome};

const GOODBYE: &str = "-ERR Server shutting down.";
const PLAINTEXT_REFUSED: &str =
    "-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.";

const MESSAGES: [&str; 2] = [
    "From: Lab Robot <robot@example.org>\r\nTo: you@example.org\r\nSubject: Welcome to the lab\r\n\r\nThis mailbox is read-only.\r\n",
    "From: Lab Robot <robot@example.org>\r\nTo: you@example.org\r\nSubject: Second message\r\n\r\n.A line that starts with a dot.\r\n",
];

struct State<'a> {
    p: &'a Persona,
    acceptor: Option<&'a TlsAcceptor>,
    pending_user: Option<String>,
    user: Option<String>,
    fresh_login: bool,
}

/// Serve one connection (`greeting` false when a script greeted already).
pub(super) async fn dialogue(
    p: &Persona,
    conn: &mut Conn,
    acceptor: Option<&TlsAcceptor>,
    greeting: bool,
) -> Result<Exit, End> {
    let mut s = State {
        p,
        acceptor,
        pending_user: None,
        user: None,
        fresh_login: false,
    };
    let usual = format!("+OK {} POP3 server ready.", p.host);
    if greeting && let Some(exit) = greet(p, conn, &usual, GOODBYE).await? {
        return Ok(exit);
    }
    loop {
        let line = conn.read_text().await?;
        let (verb, arg) = match line.split_once(' ') {
            Some((v, a)) => (v.to_ascii_uppercase(), a.to_owned()),
            None => (line.to_ascii_uppercase(), String::new()),
        };
        if let Some(how) = p.cut_after_login(&mut s.fresh_login) {
            return apply_cut(conn, how, GOODBYE).await;
        }
        if let Some(exit) = command(&mut s, conn, &verb, &arg).await? {
            return Ok(exit);
        }
    }
}

fn capa(s: &State<'_>, conn: &Conn) -> Vec<String> {
    let mut lines: Vec<String> = [
        "+OK",
        "CAPA",
        "TOP",
        "UIDL",
        "RESP-CODES",
        "AUTH-RESP-CODE",
        "PIPELINING",
    ]
    .map(String::from)
    .to_vec();
    let tls = conn.is_tls();
    if s.user.is_none() {
        if s.p.login_allowed(tls) {
            if s.p.password_login() {
                lines.push("USER".into());
            }
            if !s.p.mechanisms.is_empty() {
                lines.push(format!("SASL {}", s.p.mechanisms.join(" ")));
            }
        }
        if !tls && s.p.starttls && s.acceptor.is_some() {
            lines.push("STLS".into());
        }
    }
    lines.push(".".into());
    lines
}

async fn command(
    s: &mut State<'_>,
    conn: &mut Conn,
    verb: &str,
    arg: &str,
) -> Result<Option<Exit>, End> {
    let authed = s.user.is_some();
    match verb {
        "CAPA" => {
            let lines = capa(s, conn);
            conn.send_lines(&lines).await?
        }
        "QUIT" => {
            conn.send_line("+OK Logging out.").await?;
            return Ok(Some(Exit::Close));
        }
        "NOOP" if authed => conn.send_line("+OK").await?,
        "STLS" if !authed => {
            let replies = TlsReplies {
                active: "-ERR TLS is already active.",
                refused: "-ERR Unknown command: STLS",
                go: "+OK Begin TLS negotiation now.",
            };
            starttls(conn, s.acceptor, s.p.starttls, replies).await?;
        }
        "USER" if !authed => {
            if !s.p.login_allowed(conn.is_tls()) {
                conn.send_line(PLAINTEXT_REFUSED).await?;
            } else if !s.p.password_login() {
                conn.send_line("-ERR [AUTH] Password login is disabled; use OAuth2.")
                    .await?;
            } else {
                s.pending_user = Some(arg.to_owned());
                conn.send_line("+OK").await?;
            }
        }
        "PASS" if !authed => {
            if let Some(how) = s.p.cut_at(Stage::Auth) {
                return apply_cut(conn, how, GOODBYE).await.map(Some);
            }
            let Some(user) = s.pending_user.take() else {
                conn.send_line("-ERR No username given.").await?;
                return Ok(None);
            };
            let valid = s.p.find_user(&user).is_some_and(|u| u.password == arg);
            judge(s, conn, "USER/PASS", user, valid).await?;
        }
        "AUTH" if !authed => {
            if let Some(how) = s.p.cut_at(Stage::Auth) {
                return apply_cut(conn, how, GOODBYE).await.map(Some);
            }
            auth(s, conn, arg).await?;
        }
        "STAT" | "LIST" | "UIDL" if authed => {
            if let Some(how) = s.p.cut_at(Stage::Mailbox) {
                return apply_cut(conn, how, GOODBYE).await.map(Some);
            }
            listing(conn, verb).await?;
        }
        "RETR" | "TOP" if authed => retrieve(conn, verb, arg).await?,
        "DELE" if authed => {
            conn.send_line("-ERR [SYS/PERM] This lab mailbox is read-only.")
                .await?
        }
        "RSET" if authed => conn.send_line("+OK").await?,
        _ if !authed
            && [
                "STAT", "LIST", "UIDL", "RETR", "TOP", "DELE", "RSET", "NOOP",
            ]
            .contains(&verb) =>
        {
            conn.send_line("-ERR Log in first.").await?
        }
        _ => {
            conn.send_line(&format!("-ERR Unknown command: {}", verb.escape_default()))
                .await?
        }
    }
    Ok(None)
}

async fn auth(s: &mut State<'_>, conn: &mut Conn, arg: &str) -> Result<(), End> {
    let mut parts = arg.split_whitespace();
    let Some(mech) = parts.next().map(str::to_ascii_uppercase) else {
        let mut lines = vec!["+OK".to_owned()];
        lines.extend(s.p.mechanisms.iter().cloned());
        lines.push(".".into());
        return conn.send_lines(&lines).await;
    };
    if !s.p.login_allowed(conn.is_tls()) {
        return conn.send_line(PLAINTEXT_REFUSED).await;
    }
    if !s.p.offers(&mech) {
        return conn
            .send_line("-ERR Unsupported authentication mechanism.")
            .await;
    }
    let initial = parts.next();
    match sasl::exchange(conn, s.p, &mech, initial, "+ ").await {
        SaslOutcome::Valid { user } => judge(s, conn, &mech, user, true).await,
        SaslOutcome::Invalid { user } => judge(s, conn, &mech, user, false).await,
        SaslOutcome::Cancelled => {
            conn.send_line("-ERR Authentication aborted by client.")
                .await
        }
        SaslOutcome::Malformed(why) => {
            conn.send_line(&format!("-ERR Invalid authentication data: {why}."))
                .await
        }
        SaslOutcome::Unknown => {
            conn.send_line("-ERR Unsupported authentication mechanism.")
                .await
        }
        SaslOutcome::Gone(end) => Err(end),
    }
}

async fn judge(
    s: &mut State<'_>,
    conn: &mut Conn,
    mechanism: &str,
    user: String,
    valid: bool,
) -> Result<(), End> {
    let accepted = valid && s.p.faults.reject_login.is_none() && !s.p.faults.in_use;
    conn.record_login(mechanism, &user, accepted);
    if let Some(lines) = s.p.rejection("") {
        return conn.send_lines(&lines).await;
    }
    if !valid {
        return conn.send_line("-ERR [AUTH] Authentication failed.").await;
    }
    if s.p.faults.in_use {
        return conn
            .send_line("-ERR [IN-USE] Mailbox is locked by another POP3 session.")
            .await;
    }
    s.user = Some(user);
    s.fresh_login = true;
    conn.send_line("+OK Logged in.").await
}

async fn listing(conn: &mut Conn, verb: &str) -> Result<(), End> {
    let sizes: Vec<usize> = MESSAGES.iter().map(|m| m.len()).collect();
    let lines: Vec<String> = match verb {
        "STAT" => vec![format!(
            "+OK {} {}",
            sizes.len(),
            sizes.iter().sum::<usize>()
        )],
        "LIST" => std::iter::once(format!("+OK {} messages:", sizes.len()))
            .chain(
                sizes
                    .iter()
                    .enumerate()
                    .map(|(i, n)| format!("{} {n}", i + 1)),
            )
            .chain(std::iter::once(".".to_owned()))
            .collect(),
        _ => std::iter::once("+OK".to_owned())
            .chain((1..=sizes.len()).map(|i| format!("{i} lab{i:04}")))
            .chain(std::iter::once(".".to_owned()))
            .collect(),
    };
    conn.send_lines(&lines).await
}

async fn retrieve(conn: &mut Conn, verb: &str, arg: &str) -> Result<(), End> {
    let mut args = arg.split_whitespace().map(|n| n.parse::<usize>().ok());
    let number = args.next().flatten();
    // TOP n k: the headers, the blank line and k lines of the body.
    let body_lines = if verb == "TOP" {
        match args.next().flatten() {
            Some(k) => k,
            None => return conn.send_line("-ERR Syntax: TOP msg lines").await,
        }
    } else {
        usize::MAX
    };
    let Some(message) = number
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| MESSAGES.get(i))
    else {
        return conn
            .send_line("-ERR There's no message with that number.")
            .await;
    };
    let mut lines = vec![format!("+OK {} octets", message.len())];
    let (head, body) = message.split_once("\r\n\r\n").unwrap_or((message, ""));
    let text = head
        .split("\r\n")
        .chain(std::iter::once(""))
        .chain(body.trim_end_matches("\r\n").split("\r\n").take(body_lines));
    for line in text {
        // RFC 1939 byte-stuffing.
        lines.push(if line.starts_with('.') {
            format!(".{line}")
        } else {
            line.to_owned()
        });
    }
    lines.push(".".into());
    conn.send_lines(&lines).await
}
