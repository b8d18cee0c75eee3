//! A certificate summarised for people: names, issuer, validity,
//! fingerprint. Works on any DER certificate, trusted or not.

use sha2::{Digest, Sha256};
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::evidence::CertSummary;
use crate::proto::escape::escape_bounded;

/// Most names listed from one certificate.
const MAX_NAMES: usize = 64;

/// Summarise a DER certificate; `None` when it does not parse.
pub fn summarize(der: &[u8]) -> Option<CertSummary> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let subject = escape_bounded(cert.subject().to_string().as_bytes(), 300);
    let issuer = escape_bounded(cert.issuer().to_string().as_bytes(), 300);
    let mut names: Vec<String> = match cert.subject_alternative_name() {
        Ok(Some(san)) => san
            .value
            .general_names
            .iter()
            .filter_map(|name| match name {
                GeneralName::DNSName(dns) => Some(escape_bounded(dns.as_bytes(), 255)),
                GeneralName::IPAddress(ip) => ip_text(ip),
                _ => None,
            })
            .take(MAX_NAMES)
            .collect(),
        _ => Vec::new(),
    };
    if names.is_empty() {
        names = cert
            .subject()
            .iter_common_name()
            .filter_map(|cn| cn.as_str().ok())
            .map(|cn| escape_bounded(cn.as_bytes(), 255))
            .take(MAX_NAMES)
            .collect();
    }
    let validity = cert.validity();
    Some(CertSummary {
        subject,
        issuer,
        names,
        not_before: rfc3339(validity.not_before.timestamp()),
        not_after: rfc3339(validity.not_after.timestamp()),
        self_signed: cert.subject().as_raw() == cert.issuer().as_raw(),
        sha256: sha256_hex(der),
    })
}

pub fn sha256_hex(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn ip_text(raw: &[u8]) -> Option<String> {
    match raw.len() {
        4 => Some(std::net::Ipv4Addr::from(<[u8; 4]>::try_from(raw).ok()?).to_string()),
        16 => Some(std::net::Ipv6Addr::from(<[u8; 16]>::try_from(raw).ok()?).to_string()),
        _ => None,
    }
}

/// Unix seconds as RFC 3339 UTC (`2025-03-01T12:00:00Z`).
pub fn rfc3339(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, date_time_ymd};

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_740_830_400), "2025-03-01T12:00:00Z");
        assert_eq!(rfc3339(-86_400), "1969-12-31T00:00:00Z");
    }

    #[test]
    fn summarises_rcgen_certificate() {
        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(vec!["mail.example.test".into(), "imap.example.test".into()])
                .unwrap();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "mail.example.test");
        params.distinguished_name = dn;
        params.not_before = date_time_ymd(2024, 1, 2);
        params.not_after = date_time_ymd(2030, 12, 31);
        let cert = params.self_signed(&key).unwrap();
        let s = summarize(cert.der()).unwrap();
        assert_eq!(s.names, ["mail.example.test", "imap.example.test"]);
        assert_eq!(s.subject, "CN=mail.example.test");
        assert!(s.self_signed);
        assert_eq!(s.not_before, "2024-01-02T00:00:00Z");
        assert_eq!(s.not_after, "2030-12-31T00:00:00Z");
        assert_eq!(s.sha256.len(), 64);
        assert!(summarize(b"not a certificate").is_none());
    }
}
