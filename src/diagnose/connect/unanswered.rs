//! The configured server could not be reached: its name did not resolve
//! (cause 2), or no connection came up (causes 2, 3, 5, 7).

use super::super::facts::{Conn, Facts, HostDns, conn};
use super::super::wording::{self, list};
use super::super::{Build, Out, finding, intercept};
use super::{move_to, move_to_log_in, other_port, serves_line};
use crate::account::Protocol;
use crate::catalogue::ids;
use crate::evidence::EndpointProbe;
use crate::finding::Confidence;

/// The host did not resolve: nothing was connected to.
pub(super) fn unresolved(f: &Facts, out: &mut Out) {
    let resolver = &f.report.resolver;
    match &f.dns {
        HostDns::Missing { lookup, nx } => {
            let host = &f.want.host;
            let title = if *nx {
                format!("The server name {host} does not exist")
            } else {
                format!("The server name {host} has no address")
            };
            let mut fnd = finding(f.service, ids::WRONG_ADDRESS, Confidence::Certain, title)
                .ev(wording::dns(lookup, resolver));
            if !nx {
                for kind in [crate::evidence::RecordKind::A, crate::evidence::RecordKind::Aaaa] {
                    if let Some(l) = f.report.lookup(host, kind)
                        && !std::ptr::eq(l, *lookup)
                    {
                        fnd = fnd.ev(wording::dns(l, resolver));
                    }
                }
            }
            out.add(with_published(f, fnd, "Check the spelling of the server name against your provider's instructions."));
        }
        HostDns::Failed(lookup) => out.note(
            Some(f.service),
            format!(
                "DNS could not answer for {}, so mailfix could not find the server. This is a problem of the DNS service, not of the account; try again later or check the DNS settings of this network.",
                f.want.host
            ),
            vec![wording::dns(lookup, resolver)],
            true,
        ),
        HostDns::Resolved(_) | HostDns::IpLiteral | HostDns::NotAsked => {}
    }
}

/// Add the host the domain publishes (if one answers) as the first fix,
/// with its patch; `otherwise` is the fix when there is none.
fn with_published(
    f: &Facts,
    mut fnd: crate::finding::Finding,
    otherwise: &str,
) -> crate::finding::Finding {
    if let Some(alt) = f.published_alternative() {
        let record = f.published_by(&alt.endpoint.host);
        let (line, patch) = move_to(f, alt);
        fnd = fnd
            .ev(format!(
                "{record} names {}, and {}",
                alt.endpoint.host,
                serves_line(alt)
            ))
            .fix(line)
            .patch(Some(patch))
            .fix(otherwise);
    } else {
        if !f.published_hosts.is_empty() {
            let hosts: Vec<String> = f.published_hosts.iter().map(|p| p.host.clone()).collect();
            fnd = fnd.ev(format!(
                "{} publishes {} in DNS, but none of them answered for {}",
                f.domain.as_deref().unwrap_or("your domain"),
                list(&hosts),
                f.proto()
            ));
        }
        fnd = fnd.fix(otherwise);
    }
    fnd
}

/// The configured endpoint resolved but no connection came up.
pub(super) fn check(f: &Facts, state: Conn, out: &mut Out) {
    let Some(p) = f.configured else {
        return;
    };
    let svc = f.service;
    let port = f.want.port;
    let cfg = wording::connects(p);

    // 7: port 25 dropped while the submission ports of the same host connect.
    if f.want.protocol == Protocol::Smtp && port == 25 && state == Conn::TimedOut {
        let subs: Vec<&EndpointProbe> = f
            .same_host
            .iter()
            .copied()
            .filter(|q| matches!(q.endpoint.port, 465 | 587) && conn(q) == Conn::Connected)
            .collect();
        if !subs.is_empty() {
            let alt = f.alternative(|q| matches!(q.endpoint.port, 465 | 587));
            let sub_lines: Vec<String> = subs
                .iter()
                .map(|q| match alt {
                    Some(a) if std::ptr::eq(*q, a) => serves_line(q),
                    _ => wording::connects(q).join("; "),
                })
                .collect();
            let (fix, patch) = match alt {
                Some(a) => {
                    let (line, patch) = move_to_log_in(f, a);
                    (line, Some(patch))
                }
                None => (
                    "Send through port 587 (STARTTLS) or 465 (TLS) with your user name and password.".to_owned(),
                    None,
                ),
            };
            out.add(
                finding(svc, ids::OUTSIDE_BLOCKED, Confidence::Likely, "Port 25 is blocked on this network; the ports for mail programs answer")
                    .evs(cfg.clone())
                    .evs(sub_lines.clone())
                    .fix(fix.clone())
                    .patch(patch.clone())
                    .fix("Port 25 is for servers handing mail to each other; many networks block it for home and mobile users. Mail programs send through 587 or 465 with a login."),
            );
            out.add(
                finding(
                    svc,
                    ids::WRONG_PORT,
                    Confidence::Possible,
                    format!("Port 25 may not be open on {}", f.want.host),
                )
                .evs(cfg)
                .evs(sub_lines)
                .fix(fix)
                .patch(patch),
            );
            return;
        }
    }

    // 5: another standard port of the same host serves the protocol.
    if let Some(alt) = f.alternative(|q| q.endpoint.port != port) {
        let (confidence, what) = match state {
            Conn::Refused => (Confidence::Certain, "closed"),
            Conn::TimedOut => (Confidence::Likely, "silent"),
            _ => (Confidence::Likely, "unreachable"),
        };
        let moved = other_port(
            f,
            alt,
            confidence,
            &format!("Port {port} is {what}"),
            cfg.clone(),
        );
        let patch = moved.patch.clone();
        out.add(moved);
        if state == Conn::TimedOut {
            out.add(
                finding(
                    svc,
                    ids::FIREWALL,
                    Confidence::Possible,
                    format!("A firewall may drop port {port} only"),
                )
                .evs(cfg)
                .fix(format!(
                    "If you must use port {port}, ask whoever runs this network to let {} through.",
                    f.want.target()
                ))
                .patch(patch),
            );
        }
        return;
    }

    // Nothing on this host serves the protocol.
    let probes: Vec<&EndpointProbe> = f
        .host_probes()
        .filter(|q| conn(q) != Conn::NotTried)
        .collect();
    let all = |c: Conn| probes.iter().all(|q| conn(q) == c);
    let mut lines: Vec<String> = Vec::new();
    for line in probes
        .iter()
        .filter_map(|q| q.connects.first().map(|a| wording::connect(&q.endpoint, a)))
    {
        if !lines.contains(&line) && lines.len() < 6 {
            lines.push(line);
        }
    }
    if let HostDns::Resolved(_) = f.dns
        && let Some(l) = f
            .report
            .lookup(&f.want.host, crate::evidence::RecordKind::A)
            .or_else(|| {
                f.report
                    .lookup(&f.want.host, crate::evidence::RecordKind::Aaaa)
            })
    {
        lines.insert(0, wording::dns(l, &f.report.resolver));
    }
    let ports: Vec<String> = probes
        .iter()
        .map(|q| q.endpoint.port)
        .collect::<std::collections::BTreeSet<u16>>()
        .into_iter()
        .map(|p| p.to_string())
        .collect();
    let has_published = f.published_alternative().is_some();

    if all(Conn::Refused) {
        let fnd = finding(
            svc,
            ids::WRONG_ADDRESS,
            Confidence::Likely,
            format!(
                "No mail service runs on {}: every mail port refused",
                f.want.host
            ),
        )
        .evs(lines);
        out.add(with_published(f, fnd, &nothing_serves(f)));
        out.rule_out(
            svc,
            ids::WRONG_PORT,
            format!(
                "no standard {} port of {} answers either (ports {} refused)",
                f.proto(),
                f.want.host,
                list(&ports)
            ),
        );
    } else if all(Conn::TimedOut) {
        let (c3, c2) = if has_published {
            (Confidence::Possible, Confidence::Likely)
        } else {
            (Confidence::Likely, Confidence::Possible)
        };
        let mut targets: Vec<String> = Vec::new();
        for t in probes.iter().map(|q| q.endpoint.target()) {
            if !targets.contains(&t) {
                targets.push(t);
            }
        }
        out.add(
            finding(
                svc,
                ids::FIREWALL,
                c3,
                format!(
                    "Something on the network drops every connection to {}",
                    f.want.host
                ),
            )
            .evs(lines.clone())
            .evs(proxy_and_interception(f))
            .fix(format!(
                "Ask whoever runs this network to allow outgoing TCP connections to {}.",
                list(&targets)
            ))
            .fix("To confirm, try the check once from another network, such as a phone's hotspot."),
        );
        let fnd = finding(
            svc,
            ids::WRONG_ADDRESS,
            c2,
            format!(
                "{} may be switched off or not be your mail server",
                f.want.host
            ),
        )
        .evs(lines);
        out.add(with_published(
            f,
            fnd,
            "Check the server name with your provider's instructions.",
        ));
        out.rule_out(
            svc,
            ids::WRONG_PORT,
            format!(
                "no other standard {} port of {} answered either",
                f.proto(),
                f.want.host
            ),
        );
    } else if all(Conn::HostUnreachable) {
        out.add(
            finding(
                svc,
                ids::WRONG_ADDRESS,
                Confidence::Possible,
                format!(
                    "{} cannot be reached: it may be switched off or the wrong address",
                    f.want.host
                ),
            )
            .evs(lines.clone())
            .fix("Check the server name with your provider's instructions."),
        );
        out.add(
            finding(
                svc,
                ids::FIREWALL,
                Confidence::Possible,
                format!(
                    "A router or firewall reports {} as unreachable",
                    f.want.host
                ),
            )
            .evs(lines)
            .fix("Ask whoever runs this network whether mail connections are blocked."),
        );
    } else if has_published {
        let fnd = finding(
            svc,
            ids::WRONG_ADDRESS,
            Confidence::Possible,
            format!(
                "{} does not serve {}, but your domain names another server",
                f.want.host,
                f.proto()
            ),
        )
        .evs(lines);
        out.add(with_published(
            f,
            fnd,
            "Check the server name with your provider's instructions.",
        ));
    }
}

/// Proxy variables and interception certificates: signs of a network that
/// only lets some traffic through.
fn proxy_and_interception(f: &Facts) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(net) = f.local_start() {
        for p in net.proxies.iter().take(3) {
            out.push(format!(
                "the proxy variable {}={} is set: this network may allow only traffic through a web proxy, which mail does not use",
                p.name, p.value
            ));
        }
    }
    for q in f.all_probes() {
        let Some(cert) = q
            .session
            .as_ref()
            .and_then(|s| s.tls_outcome())
            .and_then(|t| t.cert())
        else {
            continue;
        };
        if let Some(product) = intercept::product(&cert.issuer) {
            out.push(format!(
                "the certificate on {} was issued by {} ({product}): a product that opens encrypted connections on the way",
                q.endpoint.target(),
                cert.issuer
            ));
            break;
        }
    }
    out
}

/// The fix when the host answers but nothing on it serves the protocol.
fn nothing_serves(f: &Facts) -> String {
    if f.dns == HostDns::IpLiteral {
        format!(
            "Check the server address: nothing on {} serves {}. If it is right, the service may be down; ask your provider.",
            f.want.host,
            f.proto()
        )
    } else {
        format!(
            "Check the server name: {} exists, but nothing on it serves {}. If the name is right, the service may be down; ask your provider.",
            f.want.host,
            f.proto()
        )
    }
}
