//! The suite's password and every form it could leak in. All of them are
//! listed in `tests/data/test-secrets.txt`, which `scripts/check-secrets`
//! greps the whole test log for.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use super::USER;

/// The password of every case's account.
pub const PASSWORD: &str = "Hostile-s3cr3t-9fq2";

/// The password, the AUTH PLAIN payload and the AUTH LOGIN password
/// (base64), as they would appear on the wire or in a leak.
pub fn forms() -> Vec<String> {
    vec![
        PASSWORD.to_owned(),
        B64.encode(format!("\0{USER}\0{PASSWORD}")),
        B64.encode(PASSWORD),
    ]
}

/// `text` with every form of the secret replaced by a marker: for the
/// messages of failing asserts, which may show what mailfix sent.
pub fn mask(text: &str) -> String {
    let mut out = text.to_owned();
    for form in forms() {
        out = out.replace(&form, "<secret>");
    }
    out
}

/// `{user}`, `{pass}`, `{plain}` (the AUTH PLAIN payload) and `{login}`
/// (the password in base64) filled in.
pub fn fill(template: &str) -> String {
    template
        .replace("{user}", USER)
        .replace("{pass}", PASSWORD)
        .replace("{plain}", &B64.encode(format!("\0{USER}\0{PASSWORD}")))
        .replace("{login}", &B64.encode(PASSWORD))
}

/// `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// The lines of the audit list, without comments and blank lines.
pub fn audit_list() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/test-secrets.txt");
    let text = std::fs::read_to_string(path).expect("tests/data/test-secrets.txt is readable");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}
