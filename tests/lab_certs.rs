//! The lab's certificates are what they claim: read back with x509-parser,
//! and judged by a real rustls client that trusts only the lab CA.

mod lab_util;

use lab_util::{Client, tcp, tls};
use mailfix::lab::certs::{INTERCEPTION_CA_NAME, LAB_CA_NAME};
use mailfix::lab::{CertKind, LabCerts, ListenerSpec, Persona, server};
use rstest::rstest;
use rustls::{CertificateError, Error as TlsError};
use x509_parser::prelude::*;

const HOST: &str = "mail.example.org";

fn common_name(name: &X509Name<'_>) -> String {
    name.iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn dns_names(cert: &X509Certificate<'_>) -> Vec<String> {
    cert.subject_alternative_name()
        .ok()
        .flatten()
        .map(|san| {
            san.value
                .general_names
                .iter()
                .filter_map(|n| match n {
                    GeneralName::DNSName(d) => Some(d.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

#[rstest]
#[case::good(CertKind::Good, LAB_CA_NAME, &[HOST], 0)]
#[case::expired(CertKind::Expired, LAB_CA_NAME, &[HOST], -1)]
#[case::not_yet_valid(CertKind::NotYetValid, LAB_CA_NAME, &[HOST], 1)]
#[case::wrong_name(CertKind::WrongName(vec!["shared.hosting.example".into()]), LAB_CA_NAME, &["shared.hosting.example"], 0)]
#[case::self_signed(CertKind::SelfSigned, HOST, &[HOST], 0)]
#[case::intercepted(CertKind::Intercepted, INTERCEPTION_CA_NAME, &[HOST], 0)]
fn certificates_say_what_they_claim(
    #[case] kind: CertKind,
    #[case] issuer: &str,
    #[case] names: &[&str],
    #[case] when: i8,
) {
    let certs = LabCerts::generate().unwrap();
    let chain = certs.server_cert(&kind, HOST).unwrap().chain;
    let (_, leaf) = parse_x509_certificate(&chain[0]).unwrap();
    assert_eq!(common_name(leaf.issuer()), issuer);
    assert_eq!(dns_names(&leaf), names);
    let now = ASN1Time::now();
    let validity = leaf.validity();
    match when {
        -1 => assert!(validity.not_after < now, "expired"),
        1 => assert!(validity.not_before > now, "not yet valid"),
        _ => assert!(validity.is_valid(), "valid now"),
    }
    // Self-signed: issuer and subject are the same, and no CA follows.
    assert_eq!(
        kind == CertKind::SelfSigned,
        leaf.issuer() == leaf.subject()
    );
    assert_eq!(
        chain.len(),
        if kind == CertKind::SelfSigned { 1 } else { 2 }
    );
    assert!(!leaf.is_ca());
}

#[test]
fn the_authorities_are_cas() {
    let certs = LabCerts::generate().unwrap();
    for (der, name) in [
        (certs.ca(), LAB_CA_NAME),
        (certs.interception_ca(), INTERCEPTION_CA_NAME),
    ] {
        let (_, ca) = parse_x509_certificate(&der).unwrap();
        assert!(ca.is_ca());
        assert_eq!(common_name(ca.subject()), name);
        assert_eq!(ca.subject(), ca.issuer());
    }
    assert!(certs.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
}

/// Serve `kind` over implicit TLS and see what a rustls client trusting
/// the lab CA makes of it.
async fn handshake(kind: CertKind) -> Result<String, TlsError> {
    let certs = LabCerts::generate().unwrap();
    let config = certs.server_config(&kind, HOST).unwrap();
    let server =
        server::spawn(ListenerSpec::persona("t", Persona::imap(HOST)).implicit_tls(config))
            .await
            .unwrap();
    match tls(tcp(server.addr).await, HOST, &certs.ca()).await {
        Ok(stream) => Ok(Client::new(stream).line().await),
        Err(e) => {
            let inner = e.into_inner().expect("a rustls error inside");
            Err(inner
                .downcast::<TlsError>()
                .map(|b| *b)
                .expect("a rustls error"))
        }
    }
}

#[tokio::test]
async fn good_certificate_verifies_and_the_server_greets() {
    let greeting = handshake(CertKind::Good).await.unwrap();
    assert!(
        greeting.starts_with("* OK [CAPABILITY IMAP4rev1"),
        "{greeting}"
    );
}

#[rstest]
#[case::expired(CertKind::Expired)]
#[case::not_yet_valid(CertKind::NotYetValid)]
#[case::wrong_name(CertKind::WrongName(vec!["shared.hosting.example".into()]))]
#[case::self_signed(CertKind::SelfSigned)]
#[case::intercepted(CertKind::Intercepted)]
#[tokio::test]
async fn bad_certificates_fail_verification_for_their_reason(#[case] kind: CertKind) {
    let err = handshake(kind.clone()).await.expect_err("must not verify");
    let TlsError::InvalidCertificate(cert_err) = err else {
        panic!("{kind:?}: {err:?}");
    };
    let right = match kind {
        CertKind::Expired => matches!(
            cert_err,
            CertificateError::Expired | CertificateError::ExpiredContext { .. }
        ),
        CertKind::NotYetValid => {
            matches!(
                cert_err,
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. }
            )
        }
        CertKind::WrongName(_) => matches!(
            cert_err,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
        ),
        CertKind::SelfSigned | CertKind::Intercepted => cert_err == CertificateError::UnknownIssuer,
        CertKind::Good => false,
    };
    assert!(right, "{kind:?}: {cert_err:?}");
}
