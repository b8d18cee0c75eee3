//! Connect cause 1: no network at all. Only when the connects or DNS
//! really fail (no route, resolver unreachable, or timeouts) *and* the
//! local snapshot shows no way out. A machine without a default route
//! whose servers answer (the lab, the tests on loopback) is online enough.

use super::super::facts::{Conn, Facts, conn, connected_ms, snapshot_informative};
use super::super::wording;
use super::super::{Build, Out, finding};
use crate::catalogue::ids;
use crate::evidence::{ConnectOutcome, DnsOutcome, LocalNet, RecordKind};
use crate::finding::Confidence;

/// Returns true when no network is Certain or Likely: nothing else about
/// connecting can be judged then.
pub(super) fn check(f: &Facts, out: &mut Out) -> bool {
    let svc = f.service;
    if let Some(p) = f.all_probes().find(|p| conn(p) == Conn::Connected) {
        out.rule_out(
            svc,
            ids::NO_NETWORK,
            format!(
                "{} accepted a connection in {}",
                p.endpoint.target(),
                wording::ms(connected_ms(p).unwrap_or(0.0))
            ),
        );
        return false;
    }

    // Connects to loopback need no network: they say nothing here.
    let mut unreachable = Vec::new();
    let mut silent = Vec::new();
    let mut answered = None;
    for p in f.host_probes() {
        for a in p.connects.iter().filter(|a| !a.addr.ip().is_loopback()) {
            let line = wording::connect(&p.endpoint, a);
            match a.outcome {
                ConnectOutcome::NetUnreachable
                | ConnectOutcome::HostUnreachable
                | ConnectOutcome::NoSourceAddress => unreachable.push(line),
                ConnectOutcome::TimedOut => silent.push(line),
                ConnectOutcome::Refused | ConnectOutcome::Reset => {
                    answered.get_or_insert(line);
                }
                ConnectOutcome::Connected | ConnectOutcome::Other { .. } => {}
            }
        }
    }
    // "No route" to the resolver is strong evidence wherever it is. A
    // resolver on this machine (a caching stub) otherwise fails in its own
    // ways when the machine is offline (SERVFAIL, silence): weak evidence;
    // one that refuses is simply not running.
    let local_resolver = resolver_is_loopback(&f.report.resolver);
    for kind in [RecordKind::A, RecordKind::Aaaa] {
        if let Some(l) = f.report.lookup(&f.want.host, kind) {
            let line = wording::dns(l, &f.report.resolver);
            match &l.outcome {
                DnsOutcome::Unreachable(why) if no_route_words(why) => unreachable.push(line),
                DnsOutcome::Unreachable(_) if !local_resolver => silent.push(line),
                DnsOutcome::TimedOut => silent.push(line),
                DnsOutcome::ServerError(_) if local_resolver => silent.push(line),
                _ => {}
            }
        }
    }
    if let Some(line) = answered {
        out.rule_out(svc, ids::NO_NETWORK, format!("packets get through: {line}"));
        return false;
    }
    if unreachable.is_empty() && silent.is_empty() {
        // A DNS server elsewhere answered about the host: the network works.
        let answered = [RecordKind::A, RecordKind::Aaaa]
            .into_iter()
            .filter_map(|k| f.report.lookup(&f.want.host, k))
            .find(|l| {
                matches!(
                    l.outcome,
                    DnsOutcome::Found(_) | DnsOutcome::NxDomain | DnsOutcome::NoRecords
                )
            });
        if let Some(l) = answered.filter(|_| !local_resolver) {
            out.rule_out(
                svc,
                ids::NO_NETWORK,
                format!(
                    "the name server answered about {} (asked {})",
                    l.name, f.report.resolver
                ),
            );
        }
        return false;
    }

    // The state at the start speaks for "no network"; a link lost during
    // the check (online at the start, offline at the end) is broken 1.
    let start = f.local_start().filter(|n| snapshot_informative(n));
    let end = f.local_end().filter(|n| snapshot_informative(n));
    let offline: Option<(&LocalNet, &str)> = match (start, end) {
        (Some(s), _) if s.clearly_offline() => Some((s, "At the start of the check")),
        (None, Some(e)) if e.clearly_offline() => Some((e, "At the end of the check")),
        _ => None,
    };
    // A connect that times out was sent somewhere: with no route at all it
    // would have failed at once. Timeouts count only when the interface
    // itself is unusable (down, no carrier).
    let no_interface =
        |n: &LocalNet| !n.interfaces.is_empty() && n.usable_interfaces().next().is_none();
    let confidence = match offline {
        Some(_) if !unreachable.is_empty() => Confidence::Certain,
        Some((net, _)) if no_interface(net) => Confidence::Likely,
        None if start.is_none()
            && end.is_none()
            && !unreachable.is_empty()
            && silent.is_empty() =>
        {
            Confidence::Possible
        }
        _ => {
            if let Some(s) = start.filter(|s| !s.clearly_offline())
                && unreachable.is_empty()
            {
                out.rule_out(svc, ids::NO_NETWORK, wording::online(s));
            }
            return false;
        }
    };

    let mut evidence = Vec::new();
    match offline {
        Some((net, when)) => evidence.extend(wording::offline(net, when)),
        None => evidence.push(
            "mailfix could not read this computer's network interfaces and routes".to_owned(),
        ),
    }
    evidence.extend(unreachable.into_iter().take(4));
    evidence.extend(silent.into_iter().take(3));

    let title = if confidence == Confidence::Possible {
        "This computer may have no network connection"
    } else {
        "This computer is not connected to any network"
    };
    out.add(
        finding(svc, ids::NO_NETWORK, confidence, title)
            .evs(evidence)
            .fix("Check the cable or the Wi-Fi, and that the modem or router is switched on; then check again.")
            .fix("Nothing is wrong with the account settings: leave them as they are."),
    );
    confidence != Confidence::Possible
}

/// The OS's words for ENETUNREACH / EHOSTUNREACH.
fn no_route_words(why: &str) -> bool {
    let w = why.to_ascii_lowercase();
    w.contains("unreachable") || w.contains("no route")
}

/// True when every address named in the resolver description is loopback
/// ("127.0.0.1:5353", "system (127.0.0.53)").
fn resolver_is_loopback(resolver: &str) -> bool {
    let addrs: Vec<std::net::IpAddr> = resolver
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ','))
        .filter_map(|t| {
            t.parse::<std::net::SocketAddr>()
                .map(|s| s.ip())
                .or_else(|_| t.parse::<std::net::IpAddr>())
                .ok()
        })
        .collect();
    !addrs.is_empty() && addrs.iter().all(std::net::IpAddr::is_loopback)
}

#[cfg(test)]
mod tests {
    use super::resolver_is_loopback;
    use rstest::rstest;

    #[rstest]
    #[case("127.0.0.1:5353", true)]
    #[case("system (127.0.0.53)", true)]
    #[case("[::1]:53", true)]
    #[case("system (10.0.0.1)", false)]
    #[case("system (127.0.0.53, 192.0.2.1)", false)]
    #[case("system", false)]
    fn loopback_resolvers(#[case] text: &str, #[case] expected: bool) {
        assert_eq!(resolver_is_loopback(text), expected);
    }
}
