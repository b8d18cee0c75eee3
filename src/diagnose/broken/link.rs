//! Broken cause 1: the local link went down while the check ran.

use super::super::facts::{Conn, Facts, snapshot_informative};
use super::super::wording;
use super::super::{Build, Out, finding};
use crate::catalogue::ids;
use crate::evidence::{ConnectOutcome, LocalNet, SessionEnd};
use crate::finding::Confidence;

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

pub(super) fn check(f: &Facts, out: &mut Out) {
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
