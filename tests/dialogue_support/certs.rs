//! Test certificates made with rcgen: two trusted CAs, one untrusted CA,
//! and leaves that are good, expired, not yet valid, for another name, or
//! self-signed.

use std::sync::{Arc, OnceLock};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    date_time_ymd,
};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

pub const HOST: &str = "mail.example.test";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cert {
    Good,
    /// Another valid certificate from the same CA (a renewal).
    Renewed,
    /// A valid certificate from the second trusted CA.
    OtherTrustedCa,
    Expired,
    NotYetValid,
    WrongName,
    SelfSigned,
    UntrustedCa,
}

pub struct Pki {
    pub roots: Vec<CertificateDer<'static>>,
    configs: Vec<(Cert, Arc<ServerConfig>, CertificateDer<'static>)>,
}

impl Pki {
    pub fn config(&self, cert: Cert) -> Arc<ServerConfig> {
        self.configs.iter().find(|c| c.0 == cert).unwrap().1.clone()
    }

    pub fn der(&self, cert: Cert) -> CertificateDer<'static> {
        self.configs.iter().find(|c| c.0 == cert).unwrap().2.clone()
    }
}

fn ca(name: &str) -> (CertificateDer<'static>, Issuer<'static, KeyPair>) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, name);
    params.distinguished_name = dn;
    let cert = params.self_signed(&key).unwrap();
    (cert.der().clone(), Issuer::new(params, key))
}

fn leaf(
    names: &[&str],
    not_before: (i32, u8, u8),
    not_after: (i32, u8, u8),
    issuer: Option<&Issuer<'static, KeyPair>>,
) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
    let key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, names[0]);
    params.distinguished_name = dn;
    params.not_before = date_time_ymd(not_before.0, not_before.1, not_before.2);
    params.not_after = date_time_ymd(not_after.0, not_after.1, not_after.2);
    let cert = match issuer {
        Some(issuer) => params.signed_by(&key, issuer).unwrap(),
        None => params.self_signed(&key).unwrap(),
    };
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    (cert.der().clone(), key)
}

fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Arc<ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap(),
    )
}

pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let (ca1, issuer1) = ca("mailfix test CA one");
        let (ca2, issuer2) = ca("mailfix test CA two");
        let (_, untrusted) = ca("somebody else's CA");
        let valid = ((2020, 1, 1), (2090, 1, 1));
        let specs: Vec<(Cert, (CertificateDer<'static>, PrivateKeyDer<'static>))> = vec![
            (Cert::Good, leaf(&[HOST], valid.0, valid.1, Some(&issuer1))),
            (
                Cert::Renewed,
                leaf(&[HOST], (2021, 1, 1), valid.1, Some(&issuer1)),
            ),
            (
                Cert::OtherTrustedCa,
                leaf(&[HOST], valid.0, valid.1, Some(&issuer2)),
            ),
            (
                Cert::Expired,
                leaf(&[HOST], (2019, 1, 1), (2020, 1, 1), Some(&issuer1)),
            ),
            (
                Cert::NotYetValid,
                leaf(&[HOST], (2090, 1, 1), (2095, 1, 1), Some(&issuer1)),
            ),
            (
                Cert::WrongName,
                leaf(&["other.example.net"], valid.0, valid.1, Some(&issuer1)),
            ),
            (Cert::SelfSigned, leaf(&[HOST], valid.0, valid.1, None)),
            (
                Cert::UntrustedCa,
                leaf(&[HOST], valid.0, valid.1, Some(&untrusted)),
            ),
        ];
        let configs = specs
            .into_iter()
            .map(|(kind, (der, key))| (kind, server_config(vec![der.clone()], key), der))
            .collect();
        Pki {
            roots: vec![ca1, ca2],
            configs,
        }
    })
}
