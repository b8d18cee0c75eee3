//! Broken causes 1–3: the local link went down during the check (1), the
//! line loses some connections (2), the server ended the session (3).

use super::facts::{Conn, Facts, snapshot_informative};
use super::replies::{self, AuthVerdict};
use super::wording::{self, list};
use super::{Build, Out, finding, login};
use crate::catalogue::ids;
use crate::evidence::{
    AttemptOutcome, ConnectOutcome, GreetingKind, LocalNet, LoginOutcome, Phase, SessionEnd,
    StarttlsOutcome,
};
use crate::finding::Confidence;

pub(super) fn check(f: &Facts, out: &mut Out) {
    link_down(f, out);
    poor_line(f, out);
    dropped(f, out);
}

/// What changed between two snapshots, as evidence lines.
fn lost(start: &LocalNet, end: &LocalNet) -> Vec<String> {
    let sim = if end.simulated {
        " (simulated by the demo lab)"
    } else {
        ""
    };
    let mut out = Vec::new();
    for was in start.usable_interfaces() {
        let now = end.interfaces.iter().find(|i| i.name == was.name);
        let what = match now {
            None => "disappeared",
            Some(i) if !i.up => "went down",
            Some(i) if i.carrier == Some(false) => "lost its carrier (cable or signal)",
            Some(i) if i.addrs.is_empty() => "lost its address",
            Some(_) => continue,
        };
        out.push(format!(
            "{} was up at the start of the check and {what} by its end{sim}",
            was.name
        ));
    }
    for (family, a, b) in [
        ("IPv4", start.default_route_v4, end.default_route_v4),
        ("IPv6", start.default_route_v6, end.default_route_v6),
    ] {
        if a == Some(true) && b == Some(false) {
            out.push(format!("the {family} default route was there at the start of the check and gone at its end{sim}"));
        }
    }
    out
}

fn link_down(f: &Facts, out: &mut Out) {
    let svc = f.service;
    let (Some(start), Some(end)) = (f.local_start(), f.local_end()) else {
        return;
    };
    if !snapshot_informative(start) || !snapshot_informative(end) {
        return;
    }
    let took_part = f.conn() != Conn::NotTried;
    if !end.clearly_offline() {
        if took_part && !start.clearly_offline() {
            out.rule_out(
                svc,
                ids::LINK_DOWN,
                format!(
                    "the network link was still up at the end of the check ({})",
                    wording::online(end)
                ),
            );
        }
        return;
    }
    if start.clearly_offline() {
        return; // offline all along: connect cause 1
    }
    let mut failures = Vec::new();
    let mut no_route = false;
    if let Some(p) = f.configured {
        for a in &p.connects {
            if !a.outcome.is_connected() {
                no_route |= matches!(
                    a.outcome,
                    ConnectOutcome::NetUnreachable | ConnectOutcome::NoSourceAddress
                );
                failures.push(wording::connect(&p.endpoint, a));
            }
        }
        if let Some(s) = &p.session
            && let Some(phase) = s.end.phase()
            && !matches!(
                s.end,
                SessionEnd::Stopped { .. } | SessionEnd::Violation { .. }
            )
        {
            failures.push(format!(
                "the session with {} broke off during {phase}",
                p.endpoint.target()
            ));
        }
    }
    if let Some(st) = f.stability
        && st.successes() < st.attempts.len()
    {
        failures.push(format!(
            "{} of {} quick connects to {} failed",
            st.attempts.len() - st.successes(),
            st.attempts.len(),
            st.endpoint.target()
        ));
    }
    if failures.is_empty() {
        return;
    }
    let confidence = if no_route {
        Confidence::Certain
    } else {
        Confidence::Likely
    };
    out.add(
        finding(svc, ids::LINK_DOWN, confidence, "This computer's network link went down during the check")
            .evs(lost(start, end))
            .evs(failures.into_iter().take(4))
            .fix("Check the cable, the Wi-Fi or the modem: a loose plug, an adapter gone to sleep, a router restarting.")
            .fix("Check again once the link is back; the account settings are not the problem."),
    );
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

fn poor_line(f: &Facts, out: &mut Out) {
    let svc = f.service;
    let Some(st) = f.stability else {
        return;
    };
    let n = st.attempts.len();
    if n < 2 {
        return;
    }
    let ok = st.successes();
    let mut rtts: Vec<f64> = st
        .attempts
        .iter()
        .filter(|a| a.outcome == AttemptOutcome::Ok && a.ms.is_finite())
        .map(|a| a.ms)
        .collect();
    rtts.sort_by(f64::total_cmp);
    let spread = (!rtts.is_empty()).then(|| {
        format!(
            "time to the greeting: fastest {}, median {}, slowest {}",
            wording::ms(rtts[0]),
            wording::ms(median(&rtts)),
            wording::ms(rtts[rtts.len() - 1])
        )
    });
    let target = st.endpoint.target();
    if ok > 0 && ok < n {
        let lost = n - ok;
        let mut kinds = Vec::new();
        for (label, want) in [
            ("timed out", AttemptOutcome::TimedOut),
            ("were reset", AttemptOutcome::Reset),
            ("were refused", AttemptOutcome::Refused),
            ("closed without a greeting", AttemptOutcome::Closed),
        ] {
            let c = st.attempts.iter().filter(|a| a.outcome == want).count();
            if c > 0 {
                kinds.push(format!("{c} {label}"));
            }
        }
        let other = st
            .attempts
            .iter()
            .filter(|a| matches!(a.outcome, AttemptOutcome::Other(_)))
            .count();
        if other > 0 {
            kinds.push(format!("{other} failed otherwise"));
        }
        let pct = (lost as f64 * 100.0 / n as f64).round();
        let mut fnd = finding(
            svc,
            ids::POOR_LINE,
            Confidence::Likely,
            format!(
                "The line to {} loses connections: {lost} of {n} attempts failed",
                st.endpoint.host
            ),
        )
        .ev(format!(
            "{ok} of {n} quick connects to {target} got through ({pct:.0}% lost): {}",
            list(&kinds)
        ));
        if let Some(s) = spread {
            fnd = fnd.ev(s);
        }
        out.add(
            fnd.fix("Try again later. If it keeps happening, tell your line provider (or the server's admin) about the losses, with these figures.")
                .fix("On Wi-Fi, move closer to the router or try a cable."),
        );
    } else if ok == n && n >= 3 {
        let (min, med, max) = (rtts[0], median(&rtts), rtts[rtts.len() - 1]);
        if max > 1000.0 && max > 5.0 * med {
            out.add(
                finding(svc, ids::POOR_LINE, Confidence::Possible, format!("The time to reach {} swings widely", st.endpoint.host))
                    .ev(format!("{n} of {n} quick connects to {target} got through"))
                    .evs(spread)
                    .fix("If mail is slow or times out now and then, tell your line provider about these figures."),
            );
        } else {
            out.rule_out(
                svc,
                ids::POOR_LINE,
                format!(
                    "{n} of {n} quick connects succeeded ({}–{})",
                    wording::ms(min),
                    wording::ms(max)
                ),
            );
        }
    }
}

fn dropped(f: &Facts, out: &mut Out) {
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
    let line = format!(
        "after the greeting, {} stopped answering during {phase}",
        f.want.target()
    );
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
