//! The POP3 dialogue (RFC 1939, CAPA and RESP-CODES RFC 2449, STLS
//! RFC 2595, AUTH RFC 5034): CAPA, STLS, USER/PASS, STAT, QUIT.

use super::line::LineError;
use super::transcript::Outgoing;
use super::wire::Wire;
use crate::evidence::{Capabilities, MailboxOutcome, Reply};
use crate::proto::pop3 as parse;
use crate::secret::Secret;

/// One status line (`+OK` / `-ERR`), or a SASL continuation.
pub async fn read_line(wire: &mut Wire<'_>) -> Result<parse::Line, LineError> {
    let until = wire.until();
    let raw = wire.read_line(until).await?;
    let line = parse::parse_line(&raw)?;
    if let parse::Line::Reply(reply) = &line {
        wire.note_reply(reply);
    }
    Ok(line)
}

/// One status line; a continuation here breaks the protocol.
pub async fn read_reply(wire: &mut Wire<'_>) -> Result<Reply, LineError> {
    match read_line(wire).await? {
        parse::Line::Reply(reply) => Ok(reply),
        parse::Line::Continuation(_) => Err(LineError::Unexpected(
            "a '+ ' continuation where +OK or -ERR was due".into(),
        )),
    }
}

pub async fn command(wire: &mut Wire<'_>, out: Outgoing) -> Result<Reply, LineError> {
    wire.send(out).await?;
    read_reply(wire).await
}

/// The lines of a multi-line response up to the lone `.`, unstuffed.
async fn read_multiline(wire: &mut Wire<'_>) -> Result<Vec<Vec<u8>>, LineError> {
    let until = wire.until();
    let mut budget = wire.budget();
    let mut lines = Vec::new();
    loop {
        let raw = wire.read_more(until).await?;
        budget.take(raw.len())?;
        match parse::unstuff(&raw) {
            None => return Ok(lines),
            Some(line) => lines.push(line.to_vec()),
        }
    }
}

/// `CAPA`. A server without CAPA (`-ERR`) gets the RFC 1939 baseline:
/// USER/PASS, nothing else.
pub async fn capa(wire: &mut Wire<'_>) -> Result<Capabilities, LineError> {
    let reply = command(wire, Outgoing::public("CAPA")).await?;
    if !reply.status.is_ok() {
        return Ok(Capabilities {
            user_pass: true,
            ..Capabilities::default()
        });
    }
    Ok(parse::capa(&read_multiline(wire).await?))
}

pub async fn stls(wire: &mut Wire<'_>) -> Result<Reply, LineError> {
    command(wire, Outgoing::public("STLS")).await
}

/// USER then PASS. PASS is only sent when USER was accepted.
pub async fn user_pass(
    wire: &mut Wire<'_>,
    user: &str,
    secret: &Secret,
) -> Result<Reply, LineError> {
    let reply = command(wire, Outgoing::public(&format!("USER {user}"))).await?;
    if !reply.status.is_ok() {
        return Ok(reply);
    }
    let pass = Outgoing::with_secret("PASS ", secret.expose().as_bytes());
    command(wire, pass).await
}

/// `STAT`: how many messages the mailbox holds.
pub async fn stat(wire: &mut Wire<'_>) -> Result<MailboxOutcome, LineError> {
    let reply = command(wire, Outgoing::public("STAT")).await?;
    if !reply.status.is_ok() {
        return Ok(MailboxOutcome::Refused(reply));
    }
    Ok(MailboxOutcome::Opened {
        messages: parse::stat(&reply).map(|(n, _)| n),
    })
}

pub async fn quit(wire: &mut Wire<'_>) -> Result<(), LineError> {
    command(wire, Outgoing::public("QUIT")).await.map(|_| ())
}
