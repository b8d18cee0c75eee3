//! TLS via rustls: the client configuration (system roots, the account's
//! `ca_file`, the lab's CA) and the classification of what went wrong.

use rustls_pki_types::CertificateDer;

/// A rustls client configuration ready to hand out connectors.
#[derive(Clone)]
pub struct TlsClient {}

impl TlsClient {
    pub fn new(extra_roots: &[CertificateDer<'static>]) -> Self {
        let _ = extra_roots;
        TlsClient {}
    }
}
