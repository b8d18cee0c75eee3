//! Broken causes 1–3: the local link went down during the check (1), the
//! line loses some connections (2), the server ended the session (3).

mod dropped;
mod line;
mod link;

use super::Out;
use super::facts::Facts;

pub(super) fn check(f: &Facts, out: &mut Out) {
    link::check(f, out);
    line::check(f, out);
    dropped::check(f, out);
}
