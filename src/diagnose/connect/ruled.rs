//! Ruled-out reasons for the connect causes the evidence excludes. Each
//! names the observation: "port 993 answered in 12 ms", "DNS resolved
//! mail.example.org to 192.0.2.7, and port 465 answered".

use super::super::Out;
use super::super::facts::{Conn, Facts, HostDns, conn, connected_ms, secure_ok};
use super::super::wording::{list, ms, quote};
use crate::account::{Protocol, Security};
use crate::catalogue::ids;
use crate::evidence::TlsOutcome;

pub(super) fn rule_outs(f: &Facts, out: &mut Out) {
    let svc = f.service;
    let Some(p) = f.configured else {
        return;
    };
    // The probe of this host that answered: the configured one if it did.
    let Some(a) = f.host_probes().find(|q| conn(q) == Conn::Connected) else {
        return;
    };
    let state = f.conn();
    let port = f.want.port;
    let a_port = a.endpoint.port;
    let answered = format!(
        "port {a_port} answered in {}",
        ms(connected_ms(a).unwrap_or(0.0))
    );

    match &f.dns {
        HostDns::Resolved(addrs) => {
            let shown: Vec<String> = addrs.iter().take(3).map(ToString::to_string).collect();
            out.rule_out(
                svc,
                ids::WRONG_ADDRESS,
                format!(
                    "DNS resolved {} to {}, and {answered}",
                    f.want.host,
                    list(&shown)
                ),
            );
        }
        HostDns::IpLiteral => {
            out.rule_out(
                svc,
                ids::WRONG_ADDRESS,
                format!("{} {answered}", f.want.host),
            );
        }
        _ => {}
    }

    match state {
        Conn::Connected => out.rule_out(svc, ids::FIREWALL, answered.clone()),
        Conn::Refused => out.rule_out(
            svc,
            ids::FIREWALL,
            format!(
                "{answered}, and port {port} refused at once instead of being silently dropped"
            ),
        ),
        _ => {}
    }

    let port25 = f
        .host_probes()
        .find(|q| q.endpoint.port == 25 && conn(q) == Conn::Connected);
    let seven = match port25 {
        Some(q) if f.want.protocol == Protocol::Smtp => {
            format!("port 25 of {} answered", q.endpoint.host)
        }
        _ => format!(
            "{answered}, so this network lets connections to {} through",
            f.want.host
        ),
    };
    out.rule_out(svc, ids::OUTSIDE_BLOCKED, seven);

    match state {
        Conn::Connected => {
            if let Some(g) = p.session.as_ref().and_then(|s| s.greeting.as_ref())
                && g.kind.protocol() == Some(f.want.protocol)
            {
                out.rule_out(
                    svc,
                    ids::WRONG_PROTOCOL,
                    format!("port {port} greeted in {}: {}", f.proto(), quote(&g.line)),
                );
            }
        }
        Conn::Refused | Conn::TimedOut => out.rule_out(
            svc,
            ids::WRONG_PROTOCOL,
            format!("nothing answered on port {port}, so no other protocol is spoken there"),
        ),
        _ => {}
    }

    if p.serves_expected_protocol() {
        out.rule_out(
            svc,
            ids::WRONG_PORT,
            format!("port {port} serves {}", f.proto()),
        );
    }

    if state == Conn::Refused {
        out.rule_out(
            svc,
            ids::TLS_MISMATCH,
            format!("port {port} refused the connection before encryption could matter"),
        );
    } else if secure_ok(p) {
        let version = p
            .session
            .as_ref()
            .and_then(|s| s.tls_outcome())
            .and_then(|t| match t {
                TlsOutcome::Verified { version, .. } => Some(format!(" ({version})")),
                _ => None,
            })
            .unwrap_or_default();
        match f.want.security {
            Security::Tls => out.rule_out(
                svc,
                ids::TLS_MISMATCH,
                format!("the TLS handshake on port {port} succeeded{version}"),
            ),
            Security::Starttls => out.rule_out(
                svc,
                ids::TLS_MISMATCH,
                format!("STARTTLS on port {port} succeeded{version}"),
            ),
            Security::None => {}
        }
    }
}
