//! Working alternatives to the configured endpoint, and how findings
//! name them: the evidence line that shows one serves, and the fix line
//! with its settings patch.

use super::facts::{Facts, secure_ok};
use super::wording::quote;
use super::{Build, patch_to};
use crate::account::{AuthMech, Security};
use crate::evidence::{EndpointProbe, TlsOutcome};
use crate::finding::{Finding, SettingsPatch};

/// A line saying that a neighbour (or published host) serves the
/// protocol: "mail.example.org:993 greeted in IMAP over TLS (TLSv1.3): `* OK …`".
pub(crate) fn serves_line(p: &EndpointProbe) -> String {
    let greeting = p
        .session
        .as_ref()
        .and_then(|s| s.greeting.as_ref())
        .map(|g| format!(": {}", quote(&g.line)))
        .unwrap_or_default();
    let tls = p
        .session
        .as_ref()
        .and_then(|s| s.tls_outcome())
        .map(|t| match t {
            TlsOutcome::Verified { version, .. } => format!(" (TLS verified, {version})"),
            TlsOutcome::CertRejected { problem, .. } => {
                format!(" (but its certificate was not accepted: {problem})")
            }
            TlsOutcome::Failed(h) => format!(" ({h})"),
        })
        .unwrap_or_default();
    format!(
        "{} answered with {} on {}{tls}{greeting}",
        p.endpoint.target(),
        p.endpoint.protocol.label(),
        super::wording::port_mode(&p.endpoint)
    )
}

/// The fix line and patch for moving to a working endpoint.
pub(crate) fn move_to(f: &Facts, to: &EndpointProbe) -> (String, SettingsPatch) {
    let patch = patch_to(&f.want, &to.endpoint);
    let host = if to.endpoint.host != f.want.host {
        format!(" on {}", to.endpoint.host)
    } else {
        String::new()
    };
    (
        format!(
            "Use {}{host}, where the server answers in {} ({}).",
            super::wording::port_mode(&to.endpoint),
            to.endpoint.protocol.label(),
            patch.describe()
        ),
        patch,
    )
}

/// As [`move_to`], for a move made to log in there: an account set to
/// `auth = "none"` is switched to `auto` as well.
pub(crate) fn move_to_log_in(f: &Facts, to: &EndpointProbe) -> (String, SettingsPatch) {
    let (line, mut patch) = move_to(f, to);
    if f.server.auth == AuthMech::None {
        patch.auth = Some(AuthMech::Auto);
    }
    (line, patch)
}

/// `fnd` pointed at `alt`: the evidence that it serves, the fix line that
/// moves there, and its patch.
pub(crate) fn toward(f: &Facts, fnd: Finding, alt: &EndpointProbe) -> Finding {
    let (line, patch) = move_to(f, alt);
    fnd.ev(serves_line(alt)).fix(line).patch(Some(patch))
}

/// The best encrypted way in: a working implicit-TLS endpoint first (RFC
/// 8314), then a working STARTTLS one.
pub(crate) fn secure_alternative<'a>(f: &Facts<'a>) -> Option<&'a EndpointProbe> {
    f.alternative(|p| p.endpoint.security == Security::Tls && secure_ok(p))
        .or_else(|| f.alternative(|p| p.endpoint.security == Security::Starttls && secure_ok(p)))
}
