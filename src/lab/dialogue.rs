//! What the lab's POP3, IMAP and SMTP dialogues share: how a session
//! starts (the greeting and the faults around it), how STARTTLS is
//! answered, how a cut ends it, and how the connection is closed after.

use tokio_rustls::TlsAcceptor;

use super::conn::{Conn, End, HOLD_MAX};
use super::persona::{CutKind, Persona, Stage};
use crate::account::Protocol;

/// How a dialogue wants its connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Exit {
    Close,
    Reset,
    Stall,
    /// The connection already failed.
    Gone(End),
}

/// Run `persona` on `conn` (already in TLS for an implicit-TLS port).
/// `greet` is false when a script already greeted.
pub(crate) async fn serve(
    persona: &Persona,
    mut conn: Conn,
    acceptor: Option<&TlsAcceptor>,
    greet: bool,
) {
    conn.drip = persona.faults.drip;
    let ended = match persona.protocol {
        Protocol::Imap => super::imap::dialogue(persona, &mut conn, acceptor, greet).await,
        Protocol::Pop3 => super::pop3::dialogue(persona, &mut conn, acceptor, greet).await,
        Protocol::Smtp => super::smtp::dialogue(persona, &mut conn, acceptor, greet).await,
    };
    finish(conn, ended.unwrap_or_else(Exit::Gone)).await;
}

pub(crate) async fn finish(conn: Conn, exit: Exit) {
    match exit {
        Exit::Close => conn.close().await,
        Exit::Reset => conn.reset(),
        Exit::Stall => conn.hold(HOLD_MAX).await,
        Exit::Gone(end) => conn.log().end(&end.as_str()),
    }
}

/// Strike a cut: for [`CutKind::Goodbye`] send `farewell` and close,
/// otherwise stop as the cut says.
pub(crate) async fn apply_cut(conn: &mut Conn, how: CutKind, farewell: &str) -> Result<Exit, End> {
    match how {
        CutKind::Close => Ok(Exit::Close),
        CutKind::Reset => Ok(Exit::Reset),
        CutKind::Stall => Ok(Exit::Stall),
        CutKind::Goodbye => {
            conn.send_line(farewell).await?;
            Ok(Exit::Close)
        }
    }
}

/// Strike the cut at `stage`, if the persona has one there: `Some` ends
/// the session.
async fn cut(
    p: &Persona,
    conn: &mut Conn,
    stage: Stage,
    farewell: &str,
) -> Result<Option<Exit>, End> {
    match p.cut_at(stage) {
        Some(how) => apply_cut(conn, how, farewell).await.map(Some),
        None => Ok(None),
    }
}

/// The greeting, with what the faults do to it: a cut instead of it or
/// right after it, a delay, another line instead of `usual`. `Some` ends
/// the session.
pub(crate) async fn greet(
    p: &Persona,
    conn: &mut Conn,
    usual: &str,
    farewell: &str,
) -> Result<Option<Exit>, End> {
    if let Some(exit) = cut(p, conn, Stage::Greeting, farewell).await? {
        return Ok(Some(exit));
    }
    if let Some(delay) = p.faults.greeting_delay {
        tokio::time::sleep(delay).await;
    }
    conn.send_line(p.faults.greeting.as_deref().unwrap_or(usual))
        .await?;
    cut(p, conn, Stage::AfterGreeting, farewell).await
}

/// The replies to STARTTLS (STLS in POP3).
pub(crate) struct TlsReplies<'a> {
    /// The connection is in TLS already.
    pub active: &'a str,
    /// TLS is not on offer here.
    pub refused: &'a str,
    /// Go ahead: the handshake follows.
    pub go: &'a str,
}

/// Answer STARTTLS: `go` and the handshake when TLS is `offered` (and the
/// listener has a certificate), else the reply that says why not. True
/// when the connection is now in TLS.
pub(crate) async fn starttls(
    conn: &mut Conn,
    acceptor: Option<&TlsAcceptor>,
    offered: bool,
    replies: TlsReplies<'_>,
) -> Result<bool, End> {
    if conn.is_tls() {
        conn.send_line(replies.active).await?;
        return Ok(false);
    }
    let Some(acceptor) = acceptor.filter(|_| offered) else {
        conn.send_line(replies.refused).await?;
        return Ok(false);
    };
    conn.send_line(replies.go).await?;
    conn.start_tls(acceptor).await?;
    Ok(true)
}

/// Replace `{tag}` in a scripted reply line.
pub(crate) fn with_tag(line: &str, tag: &str) -> String {
    line.replace("{tag}", tag)
}
