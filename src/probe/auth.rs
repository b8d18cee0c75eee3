//! A SASL exchange over any of the three protocols: the command with its
//! optional initial response, then challenge and response until the
//! server's verdict. Every response is sent as a secret line.

use super::imap as imap_wire;
use super::line::LineError;
use super::pop3 as pop3_wire;
use super::sasl::{self, SaslClient};
use super::smtp as smtp_wire;
use super::transcript::Outgoing;
use super::wire::Wire;
use crate::evidence::{Reply, Status};
use crate::proto::imap::Response;
use crate::proto::pop3::Line;
use crate::secret::Secret;

/// Most challenges answered in one exchange.
const MAX_ROUNDS: usize = 4;
/// RFC 5034 §4: a POP3 AUTH command with its initial response stays
/// within 255 octets.
const POP3_MAX_COMMAND: usize = 255;

/// How the protocol frames SASL.
#[derive(Debug, Clone, Copy)]
pub enum Framing<'t> {
    Smtp,
    Pop3,
    /// `tag AUTHENTICATE …`; `sasl_ir` when the server offers SASL-IR.
    Imap {
        tag: &'t str,
        sasl_ir: bool,
    },
}

enum Step {
    Challenge(Vec<u8>),
    Done(Reply),
}

/// Run one SASL exchange; the server's final reply.
pub async fn exchange(
    wire: &mut Wire<'_>,
    framing: Framing<'_>,
    client: &mut SaslClient<'_>,
    secret: &Secret,
) -> Result<Reply, LineError> {
    let name = client.mechanism().name();
    let command = match framing {
        Framing::Smtp | Framing::Pop3 => format!("AUTH {name}"),
        Framing::Imap { tag, .. } => format!("{tag} AUTHENTICATE {name}"),
    };
    let initial = client.initial_response().map(|raw| sasl::encode(&raw));
    let send_initial = match (&initial, framing) {
        (None, _) => false,
        (Some(_), Framing::Smtp) => true,
        (Some(ir), Framing::Pop3) => command.len() + 1 + ir.len() + 2 <= POP3_MAX_COMMAND,
        (Some(_), Framing::Imap { sasl_ir, .. }) => sasl_ir,
    };
    let first = match (&initial, send_initial) {
        (Some(ir), true) if ir.is_empty() => Outgoing::public(&format!("{command} =")),
        (Some(ir), true) => {
            Outgoing::with_secret(&format!("{command} "), ir).scrubbing(secret.expose().as_bytes())
        }
        _ => Outgoing::public(&command),
    };
    wire.send(first).await?;
    let mut rounds = 0;
    loop {
        let challenge = match read_step(wire, framing).await? {
            Step::Done(reply) => return Ok(reply),
            Step::Challenge(challenge) => challenge,
        };
        rounds += 1;
        if rounds > MAX_ROUNDS {
            return Err(LineError::Unexpected(format!(
                "more than {MAX_ROUNDS} SASL challenges"
            )));
        }
        let answer = sasl::decode(&challenge).and_then(|c| client.respond(&c, send_initial));
        let out = match answer {
            Ok(resp) if resp.is_empty() => Outgoing::public(""),
            Ok(resp) => {
                Outgoing::secret(&sasl::encode(&resp)).scrubbing(secret.expose().as_bytes())
            }
            Err(e) => {
                let tls = wire.encrypted();
                wire.transcript.note(format!("{e}: cancelling"), tls);
                Outgoing::public("*")
            }
        };
        wire.send(out).await?;
    }
}

async fn read_step(wire: &mut Wire<'_>, framing: Framing<'_>) -> Result<Step, LineError> {
    match framing {
        Framing::Smtp => {
            let reply = smtp_wire::read_reply_open(wire).await?;
            if reply.reply.status == Status::Smtp(334) {
                let payload = reply.lines[0].get(4..).unwrap_or_default().to_vec();
                return Ok(Step::Challenge(payload));
            }
            Ok(Step::Done(reply.reply))
        }
        Framing::Pop3 => Ok(match pop3_wire::read_line(wire).await? {
            Line::Continuation(payload) => Step::Challenge(payload),
            Line::Reply(reply) => Step::Done(reply),
        }),
        Framing::Imap { tag, .. } => {
            let until = wire.until();
            let mut budget = wire.budget();
            loop {
                match imap_wire::read_response(wire, until, &mut budget, true).await? {
                    Response::Continuation(payload) => return Ok(Step::Challenge(payload)),
                    Response::Tagged { tag: t, status } if t == tag => {
                        return Ok(Step::Done(status.reply));
                    }
                    Response::Tagged { tag: t, .. } => {
                        return Err(LineError::Unexpected(format!(
                            "a reply tagged {t} while waiting for {tag}"
                        )));
                    }
                    Response::Status(s) if s.reply.status == Status::ImapBye => {
                        return Err(LineError::Goodbye(Box::new(s.reply)));
                    }
                    _ => {}
                }
            }
        }
    }
}
