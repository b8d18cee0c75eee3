//! The IMAP dialogue (RFC 9051 / RFC 3501): CAPABILITY, STARTTLS, LOGIN,
//! EXAMINE INBOX, LOGOUT. Response codes (RFC 5530) are kept in the
//! replies; referrals are reported, never followed.

use super::line::{Budget, LineError};
use super::transcript::Outgoing;
use super::wire::Wire;
use crate::evidence::{Capabilities, MailboxOutcome, Reply, Status};
use crate::proto::imap::{self as parse, Response, StatusResponse};
use crate::secret::Secret;
use tokio::time::Instant;
use zeroize::Zeroizing;

/// Command tags `a1`, `a2`, …
#[derive(Debug, Default)]
pub struct Tags(u32);

impl Tags {
    pub fn next_tag(&mut self) -> String {
        self.0 += 1;
        format!("a{}", self.0)
    }
}

/// The untagged responses and the tagged completion of one command.
#[derive(Debug, Clone)]
pub struct Completion {
    pub untagged: Vec<Response>,
    pub status: StatusResponse,
}

impl Completion {
    pub fn ok(&self) -> bool {
        self.status.reply.status == Status::ImapOk
    }
}

/// One logical response line: literals inside it are skipped (bounded)
/// and the line goes on after them.
pub async fn read_response(
    wire: &mut Wire<'_>,
    until: Instant,
    budget: &mut Budget,
    first: bool,
) -> Result<Response, LineError> {
    let mut line = if first {
        wire.read_line(until).await?
    } else {
        wire.read_more(until).await?
    };
    budget.take(line.len())?;
    while let Some(len) = parse::literal_at_end(&line) {
        wire.skip(len, until).await?;
        budget.take(usize::try_from(len).unwrap_or(usize::MAX))?;
        let more = wire.read_more(until).await?;
        budget.take(more.len())?;
        line.extend_from_slice(b" ");
        line.extend_from_slice(&more);
    }
    let response = parse::parse_line(&line)?;
    match &response {
        Response::Status(s) | Response::Tagged { status: s, .. } => wire.note_reply(&s.reply),
        _ => {}
    }
    Ok(response)
}

/// Read until the completion tagged `tag`. An untagged BYE ends the
/// dialogue unless `bye_expected` (LOGOUT).
pub async fn complete(
    wire: &mut Wire<'_>,
    tag: &str,
    bye_expected: bool,
) -> Result<Completion, LineError> {
    let until = wire.until();
    let mut budget = wire.budget();
    let mut untagged = Vec::new();
    let mut first = true;
    loop {
        let response = read_response(wire, until, &mut budget, first).await?;
        first = false;
        match response {
            Response::Tagged { tag: t, status } if t == tag => {
                return Ok(Completion { untagged, status });
            }
            Response::Tagged { tag: t, .. } => {
                return Err(LineError::Unexpected(format!(
                    "a reply tagged {t} while waiting for {tag}"
                )));
            }
            Response::Status(s) if s.reply.status == Status::ImapBye && !bye_expected => {
                return Err(LineError::Goodbye(Box::new(s.reply)));
            }
            Response::Continuation(_) => {
                return Err(LineError::Unexpected(
                    "a '+' continuation with no command waiting for one".into(),
                ));
            }
            other => untagged.push(other),
        }
    }
}

/// Send `tag text` and read to its completion.
pub async fn command(
    wire: &mut Wire<'_>,
    tags: &mut Tags,
    text: &str,
) -> Result<Completion, LineError> {
    let tag = tags.next_tag();
    wire.send(Outgoing::public(&format!("{tag} {text}")))
        .await?;
    complete(wire, &tag, false).await
}

/// `CAPABILITY`: from the untagged response or the `[CAPABILITY]` code.
pub async fn capability(wire: &mut Wire<'_>, tags: &mut Tags) -> Result<Capabilities, LineError> {
    let done = command(wire, tags, "CAPABILITY").await?;
    let mut words: Vec<String> = Vec::new();
    for response in &done.untagged {
        if let Response::Capability(list) = response {
            words.extend(list.iter().cloned());
        }
    }
    if let Some(args) = &done.status.code_args
        && words.is_empty()
        && done.status.reply.has_code("CAPABILITY")
    {
        words = args.split_ascii_whitespace().map(str::to_owned).collect();
    }
    Ok(parse::capabilities(&words))
}

pub async fn starttls(wire: &mut Wire<'_>, tags: &mut Tags) -> Result<Reply, LineError> {
    Ok(command(wire, tags, "STARTTLS").await?.status.reply)
}

/// `LOGIN user password`, as quoted strings, or as synchronizing
/// literals when either holds 8-bit characters.
pub async fn login(
    wire: &mut Wire<'_>,
    tags: &mut Tags,
    user: &str,
    secret: &Secret,
) -> Result<Reply, LineError> {
    let tag = tags.next_tag();
    let password = secret.expose();
    let user_arg = parse::quoted(user);
    let quoted_password = parse::quoted(password).map(Zeroizing::new);
    if let (Some(u), Some(p)) = (&user_arg, &quoted_password) {
        let out = Outgoing::with_secret(&format!("{tag} LOGIN {u} "), p.as_bytes())
            .scrubbing(password.as_bytes());
        wire.send(out).await?;
        return Ok(complete(wire, &tag, false).await?.status.reply);
    }
    let first = match &user_arg {
        Some(u) => format!("{tag} LOGIN {u} {{{}}}", password.len()),
        None => format!("{tag} LOGIN {{{}}}", user.len()),
    };
    wire.send(Outgoing::public(&first)).await?;
    if let Some(refused) = await_go_ahead(wire, &tag).await? {
        return Ok(refused);
    }
    if user_arg.is_none() {
        let line = format!("{user} {{{}}}", password.len());
        wire.send(Outgoing::public(&line)).await?;
        if let Some(refused) = await_go_ahead(wire, &tag).await? {
            return Ok(refused);
        }
    }
    wire.send(Outgoing::secret(password.as_bytes())).await?;
    Ok(complete(wire, &tag, false).await?.status.reply)
}

/// Wait for `+` after a synchronizing literal; the tagged reply if the
/// server refuses instead.
async fn await_go_ahead(wire: &mut Wire<'_>, tag: &str) -> Result<Option<Reply>, LineError> {
    let until = wire.until();
    let mut budget = wire.budget();
    loop {
        match read_response(wire, until, &mut budget, true).await? {
            Response::Continuation(_) => return Ok(None),
            Response::Tagged { tag: t, status } if t == tag => return Ok(Some(status.reply)),
            Response::Status(s) if s.reply.status == Status::ImapBye => {
                return Err(LineError::Goodbye(Box::new(s.reply)));
            }
            Response::Tagged { tag: t, .. } => {
                return Err(LineError::Unexpected(format!(
                    "a reply tagged {t} while waiting for {tag}"
                )));
            }
            _ => {}
        }
    }
}

/// `EXAMINE INBOX` (read-only: nothing changes in the mailbox).
pub async fn examine(wire: &mut Wire<'_>, tags: &mut Tags) -> Result<MailboxOutcome, LineError> {
    let done = command(wire, tags, "EXAMINE INBOX").await?;
    if !done.ok() {
        return Ok(MailboxOutcome::Refused(done.status.reply));
    }
    let messages = done.untagged.iter().find_map(|r| match r {
        Response::Exists(n) => Some(*n),
        _ => None,
    });
    Ok(MailboxOutcome::Opened { messages })
}

pub async fn logout(wire: &mut Wire<'_>, tags: &mut Tags) -> Result<(), LineError> {
    let tag = tags.next_tag();
    wire.send(Outgoing::public(&format!("{tag} LOGOUT")))
        .await?;
    complete(wire, &tag, true).await.map(|_| ())
}
