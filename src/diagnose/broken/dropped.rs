//! Broken cause 3: the server ended the session after its greeting.

use super::super::facts::Facts;
use super::super::replies::{self, AuthVerdict};
use super::super::wording;
use super::super::{Build, Out, finding, login};
use crate::catalogue::ids;
use crate::evidence::{GreetingKind, LoginOutcome, Phase, SessionEnd, StarttlsOutcome};
use crate::finding::Confidence;

pub(super) fn check(f: &Facts, out: &mut Out) {
    let svc = f.service;
    let Some(p) = f.configured else {
        return;
    };
    let Some(s) = &p.session else {
        return;
    };
    let target = p.endpoint.target();
    let turned_away = matches!(
        s.greeting.as_ref().map(|g| g.kind),
        Some(GreetingKind::ImapBye | GreetingKind::SmtpRefused | GreetingKind::Pop3Refused)
    );
    if let Some(g) = s
        .greeting
        .as_ref()
        .filter(|g| turned_away && g.kind.protocol() == Some(f.want.protocol))
    {
        let line = format!(
            "{target} greeted with {} and did not go on",
            wording::quote(&g.line)
        );
        if let Some(AuthVerdict::Locked { explicit, delay }) =
            g.reply.as_ref().and_then(replies::lock)
        {
            return login::locked(f, line, explicit, delay, out);
        }
        if let Some(r) = g.reply.as_ref().filter(|r| r.has_code("REFERRAL")) {
            return login::referred(f, line, r.referral.as_deref(), out);
        }
        out.add(
            finding(svc, ids::SERVER_DROPPED, Confidence::Likely, "The server turned the connection away at once")
                .ev(line)
                .fix("Try again later. If it repeats, send the server's words to your provider: they usually say why.")
                .fix("Some servers turn away addresses on a block list; the provider can tell whether yours is one."),
        );
        return;
    }
    if !p.serves_expected_protocol() {
        return; // the greeting is a connect matter
    }
    let rejected_login = matches!(s.login, Some(LoginOutcome::Rejected { .. }));
    let refused_tls = matches!(
        s.starttls,
        Some(StarttlsOutcome::NotOffered | StarttlsOutcome::Refused(_))
    );
    let (confidence, title, line) = match &s.end {
        SessionEnd::Completed => {
            out.rule_out(
                svc,
                ids::SERVER_DROPPED,
                "the server kept the conversation going until mailfix said goodbye",
            );
            return;
        }
        SessionEnd::Closed { phase, reply } => {
            if (*phase == Phase::Login && rejected_login)
                || (*phase == Phase::Starttls && refused_tls)
            {
                return; // explained by the login or TLS finding
            }
            match reply {
                Some(r) => {
                    let line = format!(
                        "during {phase}, {target} said {} and closed the connection",
                        wording::reply(r)
                    );
                    if let Some(AuthVerdict::Locked { explicit, delay }) = replies::lock(r) {
                        return login::locked(f, line, explicit, delay, out);
                    }
                    if let Some(LoginOutcome::Rejected { reply: lr, .. }) = &s.login
                        && lr == r
                    {
                        return;
                    }
                    (
                        Confidence::Certain,
                        format!("The server ended the session during {phase}"),
                        line,
                    )
                }
                None => (
                    Confidence::Likely,
                    format!("The server closed the connection during {phase}"),
                    format!("during {phase}, {target} closed the connection without a word"),
                ),
            }
        }
        SessionEnd::Reset { phase } => (
            Confidence::Likely,
            format!("The connection was reset during {phase}"),
            format!("during {phase}, the connection to {target} was reset (RST)"),
        ),
        SessionEnd::TlsTruncated { phase } => (
            Confidence::Likely,
            format!("The encrypted connection was cut off during {phase}"),
            format!(
                "during {phase}, {target} closed the connection without ending encryption properly"
            ),
        ),
        SessionEnd::TimedOut { phase } => {
            if !out.has(svc, ids::LINK_DOWN) {
                stalled(f, *phase, out);
            }
            return;
        }
        SessionEnd::Violation { phase, detail } => {
            out.note(
                Some(svc),
                format!("The server broke the {} protocol during {phase}. No known cause fits; its admin should look at it.", f.proto()),
                vec![format!("{target}: {detail}")],
                true,
            );
            return;
        }
        SessionEnd::Stopped { .. } => return,
    };
    out.add(
        finding(svc, ids::SERVER_DROPPED, confidence, title)
            .ev(line)
            .fix("Try again in a few minutes.")
            .fix("If it happens again, tell the server's admin, with the time and the evidence above."),
    );
}

/// The server stopped answering mid-way: a lossy line or a stuck server.
fn stalled(f: &Facts, phase: Phase, out: &mut Out) {
    let target = f.want.target();
    let begun = f
        .session()
        .and_then(|s| s.greeting.as_ref())
        .map(|g| wording::quote(&g.line));
    let line = match (phase, begun) {
        (Phase::Greeting, Some(start)) => {
            format!(
                "{target} began its greeting ({start}) and stopped answering before it was complete"
            )
        }
        _ => format!("after the greeting, {target} stopped answering during {phase}"),
    };
    if !out.has(f.service, ids::POOR_LINE) {
        out.add(
            finding(
                f.service,
                ids::POOR_LINE,
                Confidence::Possible,
                "The line may be losing packets",
            )
            .ev(line.clone())
            .fix("Try again later; if it keeps happening, tell your line provider."),
        );
    }
    out.add(
        finding(
            f.service,
            ids::SERVER_DROPPED,
            Confidence::Possible,
            format!("The server may have stopped answering during {phase}"),
        )
        .ev(line)
        .fix("Try again in a few minutes; if it repeats, tell the server's admin."),
    );
}
