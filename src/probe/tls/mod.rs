//! TLS via rustls: the client configuration (system roots, the account's
//! `ca_file`, the lab's CA), the handshake, and the classification of what
//! went wrong.
//!
//! Every handshake gets its own verifier that notes the certificate the
//! server presented, so a rejected certificate is still described
//! (`cert`), and its own recording of the first bytes, so a plain-text
//! answer where a ServerHello was due is shown (`classify`).

pub mod cert;
mod classify;
mod record;
mod verify;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, RootCertStore};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use thiserror::Error;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::{Instant, timeout_at};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

pub use record::Recording;

use crate::evidence::{CertSummary, HandshakeFailure, TlsOutcome};

/// Largest `ca_file` read.
const MAX_CA_FILE: u64 = 8 << 20;

#[derive(Debug, Error)]
pub enum TlsError {
    #[error("could not read the CA file {path}: {reason}")]
    CaFile { path: PathBuf, reason: String },
}

/// A finished, verified handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Established {
    /// `TLSv1.3`, `TLSv1.2`.
    pub version: String,
    /// `TLS13_AES_256_GCM_SHA384`.
    pub cipher: String,
    pub cert: CertSummary,
}

/// A TLS stream over `IO` as the handshake leaves it.
pub type Stream<IO> = TlsStream<Recording<IO>>;

/// A rustls client configuration ready to run handshakes.
#[derive(Clone)]
pub struct TlsClient {
    provider: Arc<CryptoProvider>,
    /// `None` when no trust anchor could be loaded at all.
    verifier: Option<Arc<WebPkiServerVerifier>>,
    roots: usize,
    notes: Arc<Vec<String>>,
}

impl TlsClient {
    /// System roots, plus `extra_roots` (the lab's CA), plus the PEM
    /// certificates of the account's `ca_file`. System roots that fail to
    /// load are tolerated (see [`TlsClient::notes`]); a `ca_file` that
    /// cannot be read or holds no certificate is an error.
    pub fn new(
        extra_roots: &[CertificateDer<'static>],
        ca_file: Option<&Path>,
    ) -> Result<Self, TlsError> {
        let mut notes = Vec::new();
        let mut store = RootCertStore::empty();
        let (system, system_errors) = native_roots();
        let (_, ignored) = store.add_parsable_certificates(system.iter().cloned());
        if ignored > 0 {
            notes.push(format!(
                "{ignored} system root certificates could not be used"
            ));
        }
        notes.extend(system_errors.iter().cloned());
        store.add_parsable_certificates(extra_roots.iter().cloned());
        if let Some(path) = ca_file {
            for cert in read_ca_file(path)? {
                store.add(cert).map_err(|e| TlsError::CaFile {
                    path: path.to_owned(),
                    reason: e.to_string(),
                })?;
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let roots = store.len();
        let verifier = if roots == 0 {
            notes.push("no trusted root certificates: every certificate will be rejected".into());
            None
        } else {
            WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
                .build()
                .map_err(|e| notes.push(format!("certificate verifier: {e}")))
                .ok()
        };
        Ok(TlsClient {
            provider,
            verifier,
            roots,
            notes: Arc::new(notes),
        })
    }

    /// How many trust anchors this client has.
    pub fn root_count(&self) -> usize {
        self.roots
    }

    /// Problems met while loading the system roots (not fatal).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Run a TLS 1.2/1.3 handshake for `host` over `io`, finished by
    /// `until`. On failure, the outcome says why.
    pub async fn handshake<IO>(
        &self,
        io: IO,
        host: &str,
        until: Instant,
    ) -> Result<(Stream<IO>, Established), TlsOutcome>
    where
        IO: AsyncRead + AsyncWrite + Unpin,
    {
        let host = host.trim_matches(['[', ']']);
        let Ok(name) = ServerName::try_from(host.to_owned()) else {
            return Err(TlsOutcome::Failed(HandshakeFailure::Other(format!(
                "\"{host}\" is not a valid server name"
            ))));
        };
        let seen: verify::Seen = Arc::new(Mutex::new(None));
        let config = match self.config(seen.clone()) {
            Ok(config) => config,
            Err(e) => return Err(TlsOutcome::Failed(HandshakeFailure::Other(e.to_string()))),
        };
        let connect = TlsConnector::from(Arc::new(config))
            .connect(name, Recording::new(io))
            .into_fallible();
        match timeout_at(until, connect).await {
            Err(_) => Err(TlsOutcome::Failed(HandshakeFailure::TimedOut)),
            Ok(Err((err, io))) => {
                let seen = seen.lock().ok().and_then(|s| s.clone());
                Err(classify::classify(
                    &err,
                    seen.as_ref(),
                    io.first_bytes(),
                    host,
                ))
            }
            Ok(Ok(mut stream)) => {
                stream.get_mut().0.stop();
                let conn = stream.get_ref().1;
                let version = match conn.protocol_version() {
                    Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_owned(),
                    Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_owned(),
                    Some(other) => format!("{other:?}"),
                    None => String::new(),
                };
                let cipher = conn
                    .negotiated_cipher_suite()
                    .map(|s| format!("{:?}", s.suite()))
                    .unwrap_or_default();
                let cert = conn
                    .peer_certificates()
                    .and_then(|certs| certs.first())
                    .and_then(|der| cert::summarize(der));
                match cert {
                    Some(cert) => Ok((
                        stream,
                        Established {
                            version,
                            cipher,
                            cert,
                        },
                    )),
                    None => Err(TlsOutcome::Failed(HandshakeFailure::Other(
                        "the verified certificate could not be read".into(),
                    ))),
                }
            }
        }
    }

    fn config(&self, seen: verify::Seen) -> Result<ClientConfig, rustls::Error> {
        let verifier = verify::Capturing {
            inner: self.verifier.clone(),
            algorithms: self.provider.signature_verification_algorithms,
            seen,
        };
        Ok(ClientConfig::builder_with_provider(self.provider.clone())
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth())
    }
}

/// The system's trust anchors, loaded once per process.
fn native_roots() -> &'static (Vec<CertificateDer<'static>>, Vec<String>) {
    static ROOTS: OnceLock<(Vec<CertificateDer<'static>>, Vec<String>)> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let loaded = rustls_native_certs::load_native_certs();
        let errors = loaded
            .errors
            .iter()
            .take(5)
            .map(|e| format!("system root certificates: {e}"))
            .collect();
        (loaded.certs, errors)
    })
}

fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let fail = |reason: String| TlsError::CaFile {
        path: path.to_owned(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if meta.len() > MAX_CA_FILE {
        return Err(fail(format!("larger than {} MiB", MAX_CA_FILE >> 20)));
    }
    let pem = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(format!("not PEM: {e}")))?;
    if certs.is_empty() {
        return Err(fail("it holds no PEM certificate".into()));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ca_file_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.pem");
        let err = TlsClient::new(&[], Some(&missing)).err().unwrap();
        assert!(err.to_string().contains("nope.pem"), "{err}");
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "hello\n").unwrap();
        let err = TlsClient::new(&[], Some(&empty)).err().unwrap();
        assert!(err.to_string().contains("no PEM certificate"), "{err}");
    }

    #[test]
    fn ca_file_adds_a_root() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = params.self_signed(&key).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, ca.pem()).unwrap();
        let base = TlsClient::new(&[], None).unwrap().root_count();
        let with = TlsClient::new(&[], Some(&path)).unwrap().root_count();
        assert_eq!(with, base + 1);
    }
}
