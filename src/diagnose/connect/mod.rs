//! Connect causes 1–7: could the configured server be reached, and does
//! it speak the configured protocol and security mode there?
//!
//! `offline` (1) runs first: without a network nothing else can be
//! judged. Then the configured probe's state picks the rules: no address
//! (`unanswered::unresolved`: 2), no connection (`unanswered::check`: 2, 3,
//! 5, 7), or a conversation (`greeting`: 4, 5, 6; `tls_required`: 6).

mod greeting;
mod handshake;
mod offline;
mod tls_required;
mod unanswered;

use super::Out;
pub(super) use super::alt::{move_to, secure_alternative, serves_line};
use super::facts::{Conn, Facts, HostDns, connected_ms, secure_ok};
use super::wording::{list, ms, quote};
use crate::account::{Protocol, Security};
use crate::catalogue::ids;
use crate::evidence::TlsOutcome;

pub(super) fn check(f: &Facts, out: &mut Out) {
    if offline::check(f, out) {
        return;
    }
    match f.conn() {
        Conn::NotTried => unanswered::unresolved(f, out),
        Conn::Connected => {
            greeting::check(f, out);
            tls_required::check(f, out);
        }
        other => unanswered::check(f, other, out),
    }
    rule_outs(f, out);
}

/// Ruled-out reasons for the connect causes the evidence excludes.
fn rule_outs(f: &Facts, out: &mut Out) {
    let svc = f.service;
    let Some(p) = f.configured else {
        return;
    };
    if f.conn() != Conn::Connected {
        return;
    }
    let port = f.want.port;
    let t = ms(connected_ms(p).unwrap_or(0.0));
    let answered = format!("port {port} answered in {t}");
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
        HostDns::IpLiteral => out.rule_out(
            svc,
            ids::WRONG_ADDRESS,
            format!("{} {answered}", f.want.host),
        ),
        _ => {}
    }
    out.rule_out(svc, ids::FIREWALL, answered.clone());
    let port25 = f
        .host_probes()
        .find(|q| q.endpoint.port == 25 && super::facts::conn(q) == Conn::Connected);
    let seven = match port25 {
        Some(q) if f.want.protocol == Protocol::Smtp => {
            format!("port 25 of {} answered", q.endpoint.host)
        }
        _ => format!("{answered}, so this network lets the connection through"),
    };
    out.rule_out(svc, ids::OUTSIDE_BLOCKED, seven);
    if let Some(g) = p.session.as_ref().and_then(|s| s.greeting.as_ref())
        && g.kind.protocol() == Some(f.want.protocol)
    {
        out.rule_out(
            svc,
            ids::WRONG_PROTOCOL,
            format!("port {port} greeted in {}: {}", f.proto(), quote(&g.line)),
        );
    }
    if p.serves_expected_protocol() {
        out.rule_out(
            svc,
            ids::WRONG_PORT,
            format!("port {port} serves {}", f.proto()),
        );
    }
    if secure_ok(p) {
        let version = p
            .session
            .as_ref()
            .and_then(|s| s.tls_outcome())
            .and_then(|t| match t {
                TlsOutcome::Verified { version, .. } => Some(version.clone()),
                _ => None,
            });
        let v = version.map(|v| format!(" ({v})")).unwrap_or_default();
        match f.want.security {
            Security::Tls => out.rule_out(
                svc,
                ids::TLS_MISMATCH,
                format!("the TLS handshake on port {port} succeeded{v}"),
            ),
            Security::Starttls => out.rule_out(
                svc,
                ids::TLS_MISMATCH,
                format!("STARTTLS on port {port} succeeded{v}"),
            ),
            Security::None => {}
        }
    }
}
