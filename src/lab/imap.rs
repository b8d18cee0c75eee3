//! The lab's IMAP server (RFC 9051/3501 subset): greeting with
//! capabilities, CAPABILITY, STARTTLS, LOGIN, AUTHENTICATE (SASL-IR),
//! EXAMINE/SELECT of a read-only INBOX, LIST, NOOP, LOGOUT, and the RFC
//! 5530 response codes a real server uses when it says no.

use tokio_rustls::TlsAcceptor;

use super::conn::{Conn, End};
use super::dialogue::{Exit, TlsReplies, apply_cut, greet, starttls};
use super::imap_cmd::{Command, read_command};
use super::persona::{Persona, Stage};
use super::sasl::{self, SaslOutcome};

const BYE: &str = "* BYE Server shutting down.";

struct State<'a> {
    p: &'a Persona,
    acceptor: Option<&'a TlsAcceptor>,
    user: Option<String>,
    /// A login just succeeded; the next command meets the `AfterAuth` cut.
    fresh_login: bool,
}

impl State<'_> {
    fn can_starttls(&self, conn: &Conn) -> bool {
        !conn.is_tls() && self.p.starttls && self.acceptor.is_some()
    }

    fn capabilities(&self, conn: &Conn) -> String {
        let mut caps: Vec<String> = [
            "IMAP4rev1",
            "SASL-IR",
            "LOGIN-REFERRALS",
            "ID",
            "ENABLE",
            "IDLE",
            "LITERAL+",
        ]
        .iter()
        .map(|c| c.to_string())
        .collect();
        if self.user.is_some() {
            caps.extend(["NAMESPACE", "UNSELECT", "CHILDREN"].map(String::from));
            return caps.join(" ");
        }
        if self.can_starttls(conn) {
            caps.push("STARTTLS".into());
        }
        let login_ok = self.p.login_allowed(conn.is_tls());
        if !login_ok || !self.p.password_login() {
            caps.push("LOGINDISABLED".into());
        }
        if login_ok {
            caps.extend(self.p.mechanisms.iter().map(|m| format!("AUTH={m}")));
        }
        caps.join(" ")
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
        user: None,
        fresh_login: false,
    };
    let usual = format!(
        "* OK [CAPABILITY {}] {} IMAP4rev1 service ready.",
        s.capabilities(conn),
        p.host
    );
    if greeting && let Some(exit) = greet(p, conn, &usual, BYE).await? {
        return Ok(exit);
    }
    loop {
        let cmd = match read_command(conn).await? {
            Ok(cmd) => cmd,
            Err(bad) => {
                conn.send_line(&bad).await?;
                continue;
            }
        };
        if let Some(how) = p.cut_after_login(&mut s.fresh_login) {
            return apply_cut(conn, how, BYE).await;
        }
        if let Some(exit) = command(&mut s, conn, &cmd).await? {
            return Ok(exit);
        }
    }
}

/// Answer one command; `Some` ends the session.
async fn command(s: &mut State<'_>, conn: &mut Conn, cmd: &Command) -> Result<Option<Exit>, End> {
    let tag = cmd.tag.as_str();
    match cmd.name.as_str() {
        "CAPABILITY" => {
            let caps = s.capabilities(conn);
            conn.send_lines(&[
                format!("* CAPABILITY {caps}"),
                format!("{tag} OK Capability completed."),
            ])
            .await?;
        }
        "NOOP" | "CHECK" => conn.send_line(&format!("{tag} OK NOOP completed.")).await?,
        "LOGOUT" => {
            conn.send_lines(&[
                "* BYE Logging out".to_owned(),
                format!("{tag} OK Logout completed."),
            ])
            .await?;
            return Ok(Some(Exit::Close));
        }
        "ID" => {
            conn.send_lines(&[
                "* ID (\"name\" \"mailfix-lab\")".to_owned(),
                format!("{tag} OK ID completed."),
            ])
            .await?
        }
        "ENABLE" => {
            conn.send_lines(&["* ENABLED".to_owned(), format!("{tag} OK Enabled.")])
                .await?
        }
        "STARTTLS" => {
            let replies = TlsReplies {
                active: &format!("{tag} BAD TLS is already active."),
                refused: &format!("{tag} BAD Error in IMAP command STARTTLS: Unknown command."),
                go: &format!("{tag} OK Begin TLS negotiation now."),
            };
            let offered = s.user.is_none() && s.p.starttls;
            starttls(conn, s.acceptor, offered, replies).await?;
        }
        "LOGIN" => {
            if let Some(how) = s.p.cut_at(Stage::Auth) {
                return apply_cut(conn, how, BYE).await.map(Some);
            }
            login(s, conn, cmd).await?;
        }
        "AUTHENTICATE" => {
            if let Some(how) = s.p.cut_at(Stage::Auth) {
                return apply_cut(conn, how, BYE).await.map(Some);
            }
            authenticate(s, conn, cmd).await?;
        }
        "SELECT" | "EXAMINE" => {
            if s.user.is_none() {
                conn.send_line(&format!("{tag} BAD Please log in first."))
                    .await?;
                return Ok(None);
            }
            if let Some(how) = s.p.cut_at(Stage::Mailbox) {
                return apply_cut(
                    conn,
                    how,
                    "* BYE Internal error occurred. Refer to server log for more information.",
                )
                .await
                .map(Some);
            }
            mailbox(conn, cmd).await?;
        }
        "LIST" if s.user.is_some() => {
            conn.send_lines(&[
                "* LIST (\\HasNoChildren) \"/\" INBOX".to_owned(),
                format!("{tag} OK List completed."),
            ])
            .await?
        }
        "CLOSE" | "UNSELECT" if s.user.is_some() => {
            conn.send_line(&format!("{tag} OK Completed.")).await?
        }
        name => {
            conn.send_line(&format!(
                "{tag} BAD Error in IMAP command {name}: Unknown command."
            ))
            .await?
        }
    }
    Ok(None)
}

async fn login(s: &mut State<'_>, conn: &mut Conn, cmd: &Command) -> Result<(), End> {
    let tag = cmd.tag.as_str();
    let (Some(user), Some(pass)) = (cmd.arg(0), cmd.args.get(1)) else {
        return conn
            .send_line(&format!(
                "{tag} BAD Error in IMAP command LOGIN: Missing arguments."
            ))
            .await;
    };
    if s.user.is_some() {
        return conn
            .send_line(&format!("{tag} BAD Already logged in."))
            .await;
    }
    let tls = conn.is_tls();
    if !s.p.login_allowed(tls) {
        conn.record_login("LOGIN", &user, false);
        return conn
            .send_line(&format!(
                "{tag} NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections."
            ))
            .await;
    }
    if !s.p.password_login() {
        conn.record_login("LOGIN", &user, false);
        return conn
            .send_line(&format!(
                "{tag} NO [CANNOT] Password login is disabled on this server; use OAuth2."
            ))
            .await;
    }
    let valid =
        s.p.find_user(&user)
            .is_some_and(|u| u.password.as_bytes() == pass.as_slice());
    judge(s, conn, tag, "LOGIN", user, valid).await
}

async fn authenticate(s: &mut State<'_>, conn: &mut Conn, cmd: &Command) -> Result<(), End> {
    let tag = cmd.tag.as_str();
    let Some(mech) = cmd.arg(0).map(|m| m.to_ascii_uppercase()) else {
        return conn
            .send_line(&format!(
                "{tag} BAD Error in IMAP command AUTHENTICATE: Missing arguments."
            ))
            .await;
    };
    if s.user.is_some() {
        return conn
            .send_line(&format!("{tag} BAD Already logged in."))
            .await;
    }
    if !s.p.login_allowed(conn.is_tls()) {
        return conn
            .send_line(&format!(
                "{tag} NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections."
            ))
            .await;
    }
    if !s.p.offers(&mech) {
        return conn
            .send_line(&format!("{tag} NO Unsupported authentication mechanism."))
            .await;
    }
    let initial = cmd.arg(1);
    match sasl::exchange(conn, s.p, &mech, initial.as_deref(), "+ ").await {
        SaslOutcome::Valid { user } => judge(s, conn, tag, &mech, user, true).await,
        SaslOutcome::Invalid { user } => judge(s, conn, tag, &mech, user, false).await,
        SaslOutcome::Cancelled => {
            conn.send_line(&format!("{tag} BAD Authentication aborted by client."))
                .await
        }
        SaslOutcome::Malformed(why) => {
            conn.send_line(&format!("{tag} BAD Invalid authentication data: {why}."))
                .await
        }
        SaslOutcome::Unknown => {
            conn.send_line(&format!("{tag} NO Unsupported authentication mechanism."))
                .await
        }
        SaslOutcome::Gone(end) => Err(end),
    }
}

/// The answer to well-formed credentials, right (`valid`) or wrong.
async fn judge(
    s: &mut State<'_>,
    conn: &mut Conn,
    tag: &str,
    mechanism: &str,
    user: String,
    valid: bool,
) -> Result<(), End> {
    if let Some(lines) = s.p.rejection(tag) {
        conn.record_login(mechanism, &user, false);
        return conn.send_lines(&lines).await;
    }
    if !valid {
        conn.record_login(mechanism, &user, false);
        return conn
            .send_line(&format!(
                "{tag} NO [AUTHENTICATIONFAILED] Authentication failed."
            ))
            .await;
    }
    if s.p.faults.in_use {
        conn.record_login(mechanism, &user, false);
        return conn
            .send_line(&format!(
                "{tag} NO [INUSE] Mailbox is in use by another session."
            ))
            .await;
    }
    conn.record_login(mechanism, &user, true);
    s.user = Some(user);
    s.fresh_login = true;
    let caps = s.capabilities(conn);
    conn.send_line(&format!("{tag} OK [CAPABILITY {caps}] Logged in"))
        .await
}

async fn mailbox(conn: &mut Conn, cmd: &Command) -> Result<(), End> {
    let tag = cmd.tag.as_str();
    let name = cmd.arg(0).unwrap_or_default();
    if !name.eq_ignore_ascii_case("INBOX") {
        return conn
            .send_line(&format!(
                "{tag} NO [NONEXISTENT] Mailbox doesn't exist: {name}"
            ))
            .await;
    }
    let verb = if cmd.name == "EXAMINE" {
        "Examine"
    } else {
        "Select"
    };
    conn.send_lines(&[
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)".to_owned(),
        "* OK [PERMANENTFLAGS ()] Read-only mailbox.".to_owned(),
        "* 3 EXISTS".to_owned(),
        "* 0 RECENT".to_owned(),
        "* OK [UIDVALIDITY 1700000000] UIDs valid".to_owned(),
        "* OK [UIDNEXT 4] Predicted next UID".to_owned(),
        format!("{tag} OK [READ-ONLY] {verb} completed."),
    ])
    .await
}
