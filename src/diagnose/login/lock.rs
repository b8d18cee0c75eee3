//! Login cause 3: the mailbox is locked, or logins come too often.

use super::super::facts::Facts;
use super::super::replies::{self, AuthVerdict};
use super::super::wording::{self, quote};
use super::super::{Build, Out, finding};
use crate::catalogue::ids;
use crate::evidence::Reply;
use crate::finding::Confidence;

pub(super) fn mailbox_refused(f: &Facts, reply: &Reply, out: &mut Out) {
    let line = format!(
        "after a good login the server answered {} when mailfix opened the mailbox",
        wording::reply(reply)
    );
    match replies::lock(reply) {
        Some(AuthVerdict::Locked { explicit, delay }) => locked(f, line, explicit, delay, out),
        _ => out.note(
            Some(f.service),
            "Login worked, but the server would not open the mailbox. No known cause fits; the server's words may say why.",
            vec![line],
            true,
        ),
    }
}

/// Login cause 3, from any reply that speaks of a lock or too many sessions.
pub(in crate::diagnose) fn locked(
    f: &Facts,
    line: String,
    explicit: bool,
    delay: bool,
    out: &mut Out,
) {
    let confidence = if explicit {
        Confidence::Certain
    } else {
        Confidence::Likely
    };
    let mut fnd = finding(
        f.service,
        ids::MAILBOX_LOCKED,
        confidence,
        if delay {
            "The server allows a login only every so often"
        } else {
            "The mailbox is in use by another session"
        },
    )
    .ev(line);
    let wait = f
        .caps()
        .and_then(|c| {
            c.raw
                .iter()
                .find(|r| r.to_ascii_uppercase().starts_with("LOGIN-DELAY"))
        })
        .cloned();
    if let Some(w) = &wait {
        fnd = fnd.ev(format!("the server announced {}", quote(w)));
    }
    if delay {
        let secs = wait
            .and_then(|w| w.split_whitespace().nth(1).map(str::to_owned))
            .map(|n| format!(" (at least {n} seconds apart)"))
            .unwrap_or_default();
        fnd = fnd.fix(format!(
            "Let your mail programs check less often{secs}, then try again later."
        ));
    } else {
        fnd = fnd
            .fix("Close other mail programs that use this mailbox (a phone, another computer, a webmail sync), wait a minute and check again.")
            .fix("If nothing else is running and it persists, the server may hold a stale lock: ask its admin to clear it.");
    }
    out.add(fnd);
}
