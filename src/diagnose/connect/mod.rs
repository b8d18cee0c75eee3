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
mod ruled;
mod tls_required;
mod unanswered;

pub(super) use super::alt::{move_to, move_to_log_in, secure_alternative, serves_line, toward};
use super::facts::{Conn, Facts};
use super::{Build, Out, finding, wording};
use crate::catalogue::ids;
use crate::evidence::EndpointProbe;
use crate::finding::{Confidence, Finding};

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
    ruled::rule_outs(f, out);
}

/// Cause 5: the configured port fails as `problem` says ("Port 993 does
/// not greet") while `alt`, another port, serves the protocol.
pub(super) fn other_port(
    f: &Facts,
    alt: &EndpointProbe,
    confidence: Confidence,
    problem: &str,
    evidence: impl IntoIterator<Item = String>,
) -> Finding {
    let fnd = finding(
        f.service,
        ids::WRONG_PORT,
        confidence,
        format!(
            "{problem}; {} serves {}",
            wording::port_mode(&alt.endpoint),
            f.proto()
        ),
    )
    .evs(evidence);
    toward(f, fnd, alt)
}
