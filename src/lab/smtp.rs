//! The lab's SMTP server (RFC 5321 with RFC 3207 STARTTLS, RFC 4954 AUTH
//! and RFC 3463 enhanced codes), Postfix-like in its replies. It takes
//! `MAIL FROM`/`RCPT TO` and judges relaying and sender ownership, but it
//! never takes a message: `DATA` or `BDAT` is recorded as a violation.

use tokio_rustls::TlsAcceptor;

use super::conn::{Conn, End};
use super::dialogue::{Exit, TlsReplies, apply_cut, greet, starttls};
use super::persona::{LabUser, Persona, Stage};
use super::record::Violation;
use super::sasl::{self, SaslOutcome};

const MUST_STARTTLS: &str = "530 5.7.0 Must issue a STARTTLS command first";

struct State<'a> {
    p: &'a Persona,
    acceptor: Option<&'a TlsAcceptor>,
    greeted: bool,
    user: Option<LabUser>,
    sender: Option<String>,
    fresh_login: bool,
}

impl State<'_> {
    fn goodbye(&self) -> String {
        format!(
            "421 4.3.2 {} Service shutting down, closing transmission channel",
            self.p.host
        )
    }

    fn can_starttls(&self, conn: &Conn) -> bool {
        !conn.is_tls() && self.p.starttls && self.acceptor.is_some()
    }

    fn ehlo_lines(&self, conn: &Conn) -> Vec<String> {
        let mut keywords = vec!["PIPELINING".to_owned(), "SIZE 10240000".to_owned()];
        if self.can_starttls(conn) {
            keywords.push("STARTTLS".into());
        }
        if self.p.login_allowed(conn.is_tls()) && !self.p.mechanisms.is_empty() {
            keywords.push(format!("AUTH {}", self.p.mechanisms.join(" ")));
        }
        keywords.extend(["ENHANCEDSTATUSCODES", "8BITMIME", "SMTPUTF8"].map(String::from));
        let mut lines = vec![format!("250-{}", self.p.host)];
        let last = keywords.len() - 1;
        for (i, k) in keywords.into_iter().enumerate() {
            lines.push(format!("250{}{k}", if i == last { ' ' } else { '-' }));
        }
        lines
    }
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
        greeted: false,
        user: None,
        sender: None,
        fresh_login: false,
    };
    let usual = format!("220 {} ESMTP ready", p.host);
    if greeting && let Some(exit) = greet(p, conn, &usual, &s.goodbye()).await? {
        return Ok(exit);
    }
    loop {
        let line = conn.read_text().await?;
        let verb = line
            .split([' ', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        if let Some(how) = p.cut_after_login(&mut s.fresh_login) {
            return apply_cut(conn, how, &s.goodbye()).await;
        }
        if let Some(exit) = command(&mut s, conn, &verb, &line).await? {
            return Ok(exit);
        }
    }
}

async fn command(
    s: &mut State<'_>,
    conn: &mut Conn,
    verb: &str,
    line: &str,
) -> Result<Option<Exit>, End> {
    let arg = line.split_once(' ').map(|(_, a)| a.trim()).unwrap_or("");
    match verb {
        "EHLO" | "HELO" if arg.is_empty() => {
            conn.send_line(&format!("501 5.5.4 Syntax: {verb} hostname"))
                .await?
        }
        "EHLO" => {
            s.greeted = true;
            s.sender = None;
            let lines = s.ehlo_lines(conn);
            conn.send_lines(&lines).await?
        }
        "HELO" => {
            s.greeted = true;
            s.sender = None;
            conn.send_line(&format!("250 {}", s.p.host)).await?
        }
        "STARTTLS" => {
            let replies = TlsReplies {
                active: "554 5.5.1 Error: TLS already active",
                refused: "502 5.5.1 Error: command not implemented",
                go: "220 2.0.0 Ready to start TLS",
            };
            if starttls(conn, s.acceptor, s.p.starttls, replies).await? {
                // RFC 3207 §4.2: forget everything learnt before TLS.
                s.greeted = false;
                s.sender = None;
            }
        }
        "AUTH" => {
            if let Some(how) = s.p.cut_at(Stage::Auth) {
                let bye = s.goodbye();
                return apply_cut(conn, how, &bye).await.map(Some);
            }
            auth(s, conn, arg).await?;
        }
        "MAIL" => {
            if let Some(how) = s.p.cut_at(Stage::Mail) {
                let bye = s.goodbye();
                return apply_cut(conn, how, &bye).await.map(Some);
            }
            let reply = mail(s, conn.is_tls(), line);
            conn.send_line(&reply).await?;
        }
        "RCPT" => {
            let reply = rcpt(s, line);
            conn.send_line(&reply).await?;
        }
        "DATA" | "BDAT" => {
            conn.log().violation(Violation::DataCommand {
                line: line.to_owned(),
            });
            conn.send_line("554 5.7.0 The mailfix lab never takes a message: DATA is refused")
                .await?
        }
        "RSET" => {
            s.sender = None;
            conn.send_line("250 2.0.0 Ok").await?
        }
        "NOOP" => conn.send_line("250 2.0.0 Ok").await?,
        "VRFY" => conn.send_line("252 2.0.0 Cannot VRFY user").await?,
        "QUIT" => {
            conn.send_line("221 2.0.0 Bye").await?;
            return Ok(Some(Exit::Close));
        }
        _ => {
            conn.send_line("502 5.5.2 Error: command not recognized")
                .await?
        }
    }
    Ok(None)
}

async fn auth(s: &mut State<'_>, conn: &mut Conn, arg: &str) -> Result<(), End> {
    let mut parts = arg.split_whitespace();
    let mech = parts.next().unwrap_or_default().to_ascii_uppercase();
    if !s.greeted {
        return conn
            .send_line("503 5.5.1 Error: send HELO/EHLO first")
            .await;
    }
    if s.user.is_some() {
        return conn
            .send_line("503 5.5.1 Error: already authenticated")
            .await;
    }
    if !s.p.login_allowed(conn.is_tls()) {
        return conn.send_line(MUST_STARTTLS).await;
    }
    if s.p.mechanisms.is_empty() {
        return conn
            .send_line("503 5.5.1 Error: authentication not enabled")
            .await;
    }
    if mech.is_empty() {
        return conn.send_line("501 5.5.4 Syntax: AUTH mechanism").await;
    }
    if !s.p.offers(&mech) {
        return conn
            .send_line("504 5.7.4 Unrecognized authentication type")
            .await;
    }
    let initial = parts.next();
    let (user, valid) = match sasl::exchange(conn, s.p, &mech, initial, "334 ").await {
        SaslOutcome::Valid { user } => (user, true),
        SaslOutcome::Invalid { user } => (user, false),
        SaslOutcome::Cancelled => return conn.send_line("501 5.7.0 Authentication aborted").await,
        SaslOutcome::Malformed(_) => {
            return conn.send_line("501 5.5.2 Cannot decode response").await;
        }
        SaslOutcome::Unknown => {
            return conn
                .send_line("504 5.7.4 Unrecognized authentication type")
                .await;
        }
        SaslOutcome::Gone(end) => return Err(end),
    };
    let accepted = valid && s.p.faults.reject_login.is_none();
    conn.record_login(&mech, &user, accepted);
    if let Some(lines) = s.p.rejection("") {
        return conn.send_lines(&lines).await;
    }
    if !valid {
        return conn
            .send_line("535 5.7.8 Error: authentication failed: authentication failure")
            .await;
    }
    s.user = s.p.find_user(&user).cloned();
    s.fresh_login = true;
    conn.send_line("235 2.7.0 Authentication successful").await
}

/// The address between `<` and `>` after `prefix` (`FROM:` / `TO:`).
fn path_arg(line: &str, prefix: &str) -> Option<String> {
    let upper = line.to_ascii_uppercase();
    let start = upper.find(prefix)? + prefix.len();
    let rest = line[start..].trim_start();
    let rest = rest.strip_prefix('<')?;
    let end = rest.find('>')?;
    Some(rest[..end].to_owned())
}

fn domain_of(address: &str) -> String {
    address
        .rsplit_once('@')
        .map(|(_, d)| d.to_ascii_lowercase())
        .unwrap_or_default()
}

fn mail(s: &mut State<'_>, tls: bool, line: &str) -> String {
    if !s.greeted {
        return "503 5.5.1 Error: send HELO/EHLO first".into();
    }
    if !s.p.login_allowed(tls) {
        return MUST_STARTTLS.into();
    }
    if s.sender.is_some() {
        return "503 5.5.1 Error: nested MAIL command".into();
    }
    match path_arg(line, "FROM:") {
        Some(sender) => {
            s.sender = Some(sender);
            "250 2.1.0 Ok".into()
        }
        None => "501 5.5.4 Syntax: MAIL FROM:<address>".into(),
    }
}

fn rcpt(s: &State<'_>, line: &str) -> String {
    let Some(sender) = &s.sender else {
        return "503 5.5.1 Error: need MAIL command".into();
    };
    let Some(rcpt) = path_arg(line, "TO:") else {
        return "501 5.5.4 Syntax: RCPT TO:<address>".into();
    };
    if let Some(user) = &s.user
        && s.p.faults.check_sender
        && !user.may_send_as(sender)
    {
        return format!(
            "553 5.7.1 <{sender}>: Sender address rejected: not owned by user {}",
            user.name
        );
    }
    let local =
        s.p.local_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(&domain_of(&rcpt)));
    if local || s.user.is_some() {
        "250 2.1.5 Ok".into()
    } else {
        format!("554 5.7.1 <{rcpt}>: Relay access denied")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_read_from_mail_and_rcpt() {
        assert_eq!(
            path_arg("MAIL FROM:<a@example.org> SIZE=10", "FROM:").as_deref(),
            Some("a@example.org")
        );
        assert_eq!(
            path_arg("rcpt to: <b@example.net>", "TO:").as_deref(),
            Some("b@example.net")
        );
        assert_eq!(path_arg("MAIL FROM:<>", "FROM:").as_deref(), Some(""));
        assert_eq!(path_arg("MAIL FROM:a@b", "FROM:"), None);
    }
}
