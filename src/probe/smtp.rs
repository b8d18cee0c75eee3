//! The SMTP dialogue (RFC 5321, STARTTLS RFC 3207, AUTH RFC 4954):
//! EHLO (HELO fallback), STARTTLS, AUTH, and the relay test MAIL FROM /
//! RCPT TO / RSET. There is no DATA here, on purpose: no message is ever
//! sent.

use super::line::LineError;
use super::transcript::Outgoing;
use super::wire::Wire;
use crate::evidence::{Capabilities, RelayOutcome, Reply, Status};
use crate::proto::smtp as parse;

/// The name mailfix gives in EHLO/HELO (as msmtp does by default).
const EHLO_NAME: &str = "localhost";

/// A complete reply and its raw lines.
#[derive(Debug, Clone)]
pub struct SmtpReply {
    pub lines: Vec<Vec<u8>>,
    pub reply: Reply,
}

impl SmtpReply {
    pub fn code(&self) -> u16 {
        self.reply.smtp_code().unwrap_or(0)
    }

    fn positive(&self) -> bool {
        (200..300).contains(&self.code())
    }
}

/// Read one reply, all its lines, within one timeout and the reply caps.
pub async fn read_reply(wire: &mut Wire<'_>) -> Result<SmtpReply, LineError> {
    let until = wire.until();
    let mut budget = wire.budget();
    let mut lines = Vec::new();
    let mut line = wire.read_line(until).await?;
    loop {
        budget.take(line.len())?;
        let last = parse::parse_line(&line)?.last;
        lines.push(line);
        if last {
            break;
        }
        line = wire.read_more(until).await?;
    }
    let reply = parse::reply(&lines)?;
    wire.note_reply(&reply);
    Ok(SmtpReply { lines, reply })
}

/// Read a reply; a `421` (the server is closing) ends the dialogue.
pub async fn read_reply_open(wire: &mut Wire<'_>) -> Result<SmtpReply, LineError> {
    let reply = read_reply(wire).await?;
    if reply.reply.status == Status::Smtp(421) {
        return Err(LineError::Goodbye(Box::new(reply.reply)));
    }
    Ok(reply)
}

/// Send one command and read its reply.
pub async fn command(wire: &mut Wire<'_>, out: Outgoing) -> Result<SmtpReply, LineError> {
    wire.send(out).await?;
    read_reply_open(wire).await
}

/// EHLO, or HELO when EHLO is not understood (no capabilities then).
pub async fn ehlo(wire: &mut Wire<'_>) -> Result<Capabilities, LineError> {
    let reply = command(wire, Outgoing::public(&format!("EHLO {EHLO_NAME}"))).await?;
    if reply.positive() {
        return Ok(parse::ehlo_capabilities(&reply.lines));
    }
    let helo = command(wire, Outgoing::public(&format!("HELO {EHLO_NAME}"))).await?;
    if helo.positive() {
        return Ok(Capabilities::default());
    }
    Err(LineError::Unexpected(format!(
        "EHLO and HELO both refused: {}",
        helo.reply
    )))
}

/// `STARTTLS`; the reply says whether to go ahead (220).
pub async fn starttls(wire: &mut Wire<'_>) -> Result<Reply, LineError> {
    Ok(command(wire, Outgoing::public("STARTTLS")).await?.reply)
}

/// The relay test: MAIL FROM, RCPT TO (only when MAIL FROM was accepted),
/// then RSET. Never DATA.
pub async fn relay(
    wire: &mut Wire<'_>,
    sender: &str,
    recipient: &str,
    authenticated: bool,
) -> Result<RelayOutcome, LineError> {
    let mail = command(wire, Outgoing::public(&format!("MAIL FROM:<{sender}>"))).await?;
    let rcpt = if mail.positive() {
        Some(command(wire, Outgoing::public(&format!("RCPT TO:<{recipient}>"))).await?)
    } else {
        None
    };
    command(wire, Outgoing::public("RSET")).await?;
    Ok(RelayOutcome {
        authenticated,
        sender: sender.to_owned(),
        recipient: recipient.to_owned(),
        mail_from: mail.reply,
        rcpt_to: rcpt.map(|r| r.reply),
    })
}

/// `QUIT` and its reply (221), whatever it is.
pub async fn quit(wire: &mut Wire<'_>) -> Result<(), LineError> {
    wire.send(Outgoing::public("QUIT")).await?;
    read_reply(wire).await.map(|_| ())
}
