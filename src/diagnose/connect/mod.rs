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

use super::Out;
pub(super) use super::alt::{move_to, secure_alternative, serves_line};
use super::facts::{Conn, Facts};

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
