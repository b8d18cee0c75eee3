//! The implicit-TLS handshake on the configured port failed: plain text
//! came back (cause 6, or 4 when it is another protocol's greeting), or
//! the same port works with STARTTLS (6), or another port works (5).

use super::super::facts::{Facts, secure_ok, works};
use super::super::replies::greeting_protocol;
use super::super::wording::quote;
use super::super::{Build, Out, finding};
use super::{other_port, secure_alternative, serves_line, toward};
use crate::account::Security;
use crate::catalogue::ids;
use crate::evidence::HandshakeFailure;
use crate::finding::Confidence;

use super::greeting::wrong_protocol;

/// The implicit-TLS handshake on the configured port failed.
pub(super) fn handshake_failed(f: &Facts, h: &HandshakeFailure, out: &mut Out) {
    let port = f.want.port;
    let target = f.want.target();
    if let HandshakeFailure::PlaintextReply { preview } = h {
        match greeting_protocol(preview) {
            Some(q) if q != f.want.protocol => {
                return wrong_protocol(
                    f,
                    q,
                    preview,
                    false,
                    "answered the TLS handshake with the plain-text greeting",
                    out,
                );
            }
            _ => {}
        }
        let mut fnd = finding(
            f.service,
            ids::TLS_MISMATCH,
            Confidence::Certain,
            format!("Port {port} speaks plain text, not TLS from the start"),
        )
        .ev(format!(
            "{target} answered the TLS handshake with plain text: {}",
            quote(preview)
        ));
        fnd = plain_port_fix(f, fnd);
        out.add(fnd);
        return;
    }
    let starttls_here = f
        .other_mode()
        .filter(|o| o.endpoint.security != Security::Tls && o.serves_expected_protocol());
    if let Some(o) = starttls_here {
        let fnd = finding(
            f.service,
            ids::TLS_MISMATCH,
            Confidence::Certain,
            format!("Port {port} does not take TLS from the start"),
        )
        .ev(format!("{target}: {h}"))
        .ev(serves_line(o));
        out.add(plain_port_fix(f, fnd));
        return;
    }
    if let Some(alt) = f.alternative(|p| p.endpoint.port != port) {
        out.add(other_port(
            f,
            alt,
            Confidence::Likely,
            &format!("TLS fails on port {port}"),
            [format!("{target}: {h}")],
        ));
    }
}

/// Fix for a port that speaks plain text where TLS was configured:
/// implicit TLS elsewhere first (RFC 8314), else STARTTLS on this port.
fn plain_port_fix(f: &Facts, mut fnd: crate::finding::Finding) -> crate::finding::Finding {
    let tls_alt = f.alternative(|p| p.endpoint.security == Security::Tls && secure_ok(p));
    let here = f
        .other_mode()
        .filter(|o| o.endpoint.security == Security::Starttls && o.serves_expected_protocol());
    if let Some(alt) = tls_alt {
        fnd = toward(f, fnd, alt);
        if let Some(h) = here.filter(|h| works(h)) {
            fnd = fnd.fix(format!(
                "Or keep port {} and set security to STARTTLS ({}).",
                f.want.port,
                super::super::patch_to(&f.want, &h.endpoint).describe()
            ));
        }
    } else if let Some(h) = here.or_else(|| secure_alternative(f)) {
        fnd = toward(f, fnd, h);
    } else {
        fnd = fnd.fix(format!(
            "Ask your provider which port offers encryption for {}; mailfix will not send your password without it.",
            f.proto()
        ));
    }
    fnd
}
