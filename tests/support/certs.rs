//! Test certificates: one CA, a server certificate for the mail host, and
//! one for another name (the "certificate for another name" case). mailfix
//! trusts the CA through the account's `ca_file`.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
};

pub struct Certs {
    /// PEM of the test CA: the `ca_file` of the test accounts.
    pub ca_file: PathBuf,
}

/// Writes `ca.crt`, `mail.crt`/`mail.key` (for `mail_names`) and
/// `elsewhere.crt`/`elsewhere.key` (for `other_name` only) into `dir`.
pub fn write(dir: &Path, mail_names: &[&str], other_name: &str) -> Result<Certs, String> {
    let err = |e: rcgen::Error| format!("certificate generation: {e}");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca_params.distinguished_name = name("mailfix real-server test CA");
    let ca =
        CertifiedIssuer::self_signed(ca_params, KeyPair::generate().map_err(err)?).map_err(err)?;
    let ca_file = dir.join("ca.crt");
    write_file(&ca_file, &ca.pem(), 0o644)?;

    for (stem, names) in [
        ("mail", mail_names.to_vec()),
        ("elsewhere", vec![other_name]),
    ] {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let mut params = CertificateParams::new(names.clone()).map_err(err)?;
        params.distinguished_name = name(&names[0]);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let key = KeyPair::generate().map_err(err)?;
        let cert = params.signed_by(&key, &ca).map_err(err)?;
        write_file(&dir.join(format!("{stem}.crt")), &cert.pem(), 0o644)?;
        write_file(
            &dir.join(format!("{stem}.key")),
            &key.serialize_pem(),
            0o600,
        )?;
    }
    Ok(Certs { ca_file })
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    dn
}

fn write_file(path: &Path, text: &str, mode: u32) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(|e| format!("{}: {e}", path.display()))
}
