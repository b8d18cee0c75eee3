//! The lab's certificates, made fresh at every start with rcgen: a lab CA
//! that the samples trust, good server certificates for the lab's hosts,
//! and the bad ones a real network hands out: expired, not yet valid, for
//! another name, self-signed, and one from an untrusted "interception" CA
//! such as a corporate TLS-inspecting proxy uses.
//!
//! This is the only lab module that touches rcgen; its errors become
//! [`LabError::Cert`] here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};

use super::{LabError, lock};

/// Subject common name of the CA every sample trusts.
pub const LAB_CA_NAME: &str = "mailfix lab CA";
/// Subject common name of the CA a TLS-inspecting middlebox would use.
/// Nothing trusts it.
pub const INTERCEPTION_CA_NAME: &str = "Corporate SSL Inspection CA";
/// Organisation of the interception CA.
pub const INTERCEPTION_CA_ORG: &str = "Example Corp IT Security";

/// Which certificate a lab server presents.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CertKind {
    /// Issued by the lab CA for the host, valid now.
    Good,
    /// Issued by the lab CA for the host, expired a month ago.
    Expired,
    /// Issued by the lab CA for the host, valid only from a month from now.
    NotYetValid,
    /// Issued by the lab CA, valid now, but for these names instead of the host.
    WrongName(Vec<String>),
    /// Signed by its own key, for the host.
    SelfSigned,
    /// Issued for the host by the untrusted interception CA.
    Intercepted,
}

/// A certificate chain and its private key, ready for a TLS server.
pub struct ServerCert {
    /// End-entity certificate first, then its issuer (if any).
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

struct Authority {
    cert: CertificateDer<'static>,
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

/// The lab's certificate authorities and a cache of the server
/// configurations made from them.
pub struct LabCerts {
    lab_ca: Authority,
    interception_ca: Authority,
    /// One key for every end-entity certificate: generating a key per
    /// host would only slow the start.
    leaf_key: KeyPair,
    configs: Mutex<HashMap<(CertKind, String), Arc<ServerConfig>>>,
}

fn cert_err(what: &str, e: impl std::fmt::Display) -> LabError {
    LabError::Cert(format!("{what}: {e}"))
}

fn authority(common_name: &str, org: &str, now: OffsetDateTime) -> Result<Authority, LabError> {
    let key = KeyPair::generate().map_err(|e| cert_err("CA key", e))?;
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    dn.push(DnType::OrganizationName, org);
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = now - Duration::days(1);
    params.not_after = now + Duration::days(3650);
    let cert = params
        .self_signed(&key)
        .map_err(|e| cert_err(common_name, e))?;
    Ok(Authority {
        pem: cert.pem(),
        cert: cert.der().clone(),
        issuer: Issuer::new(params, key),
    })
}

fn leaf_params(
    names: &[String],
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
) -> Result<CertificateParams, LabError> {
    let mut params = CertificateParams::new(names.to_vec()).map_err(|e| cert_err("names", e))?;
    let mut dn = DistinguishedName::new();
    if let Some(first) = names.first() {
        dn.push(DnType::CommonName, first.as_str());
    }
    params.distinguished_name = dn;
    params.not_before = not_before;
    params.not_after = not_after;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    Ok(params)
}

impl LabCerts {
    /// Make both authorities and the shared end-entity key.
    pub fn generate() -> Result<LabCerts, LabError> {
        let now = OffsetDateTime::now_utc();
        Ok(LabCerts {
            lab_ca: authority(LAB_CA_NAME, "mailfix lab", now)?,
            interception_ca: authority(INTERCEPTION_CA_NAME, INTERCEPTION_CA_ORG, now)?,
            leaf_key: KeyPair::generate().map_err(|e| cert_err("server key", e))?,
            configs: Mutex::new(HashMap::new()),
        })
    }

    /// The lab CA, for `ProbeOptions::extra_roots`.
    pub fn ca(&self) -> CertificateDer<'static> {
        self.lab_ca.cert.clone()
    }

    /// The lab CA as PEM, for an account's `ca_file`.
    pub fn ca_pem(&self) -> &str {
        &self.lab_ca.pem
    }

    /// The interception CA (trusted by nobody).
    pub fn interception_ca(&self) -> CertificateDer<'static> {
        self.interception_ca.cert.clone()
    }

    /// A certificate of `kind` for `host`, with its chain and key.
    pub fn server_cert(&self, kind: &CertKind, host: &str) -> Result<ServerCert, LabError> {
        let now = OffsetDateTime::now_utc();
        let host_names = vec![host.to_owned()];
        let (names, not_before, not_after, ca) = match kind {
            CertKind::Good => (
                host_names,
                now - Duration::days(1),
                now + Duration::days(90),
                Some(&self.lab_ca),
            ),
            CertKind::Expired => (
                host_names,
                now - Duration::days(400),
                now - Duration::days(30),
                Some(&self.lab_ca),
            ),
            CertKind::NotYetValid => (
                host_names,
                now + Duration::days(30),
                now + Duration::days(400),
                Some(&self.lab_ca),
            ),
            CertKind::WrongName(names) => (
                names.clone(),
                now - Duration::days(1),
                now + Duration::days(90),
                Some(&self.lab_ca),
            ),
            CertKind::SelfSigned => (
                host_names,
                now - Duration::days(1),
                now + Duration::days(365),
                None,
            ),
            CertKind::Intercepted => (
                host_names,
                now - Duration::days(1),
                now + Duration::days(30),
                Some(&self.interception_ca),
            ),
        };
        let params = leaf_params(&names, not_before, not_after)?;
        let chain = match ca {
            Some(ca) => {
                let cert = params
                    .signed_by(&self.leaf_key, &ca.issuer)
                    .map_err(|e| cert_err(host, e))?;
                vec![cert.der().clone(), ca.cert.clone()]
            }
            None => {
                let cert = params
                    .self_signed(&self.leaf_key)
                    .map_err(|e| cert_err(host, e))?;
                vec![cert.der().clone()]
            }
        };
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.leaf_key.serialize_der()));
        Ok(ServerCert { chain, key })
    }

    /// A rustls server configuration presenting a certificate of `kind`
    /// for `host`. Made once per kind and host, then shared.
    pub fn server_config(
        &self,
        kind: &CertKind,
        host: &str,
    ) -> Result<Arc<ServerConfig>, LabError> {
        let key = (kind.clone(), host.to_ascii_lowercase());
        if let Some(config) = lock(&self.configs).get(&key) {
            return Ok(config.clone());
        }
        let cert = self.server_cert(kind, host)?;
        let config = Arc::new(server_config(cert)?);
        lock(&self.configs).insert(key, config.clone());
        Ok(config)
    }
}

/// A rustls server configuration (ring provider, TLS 1.2 and 1.3) for
/// this certificate.
pub fn server_config(cert: ServerCert) -> Result<ServerConfig, LabError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| LabError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(cert.chain, cert.key)
        .map_err(|e| LabError::Tls(e.to_string()))
}
