//! Certificate issuers that belong to TLS-inspecting firewalls, proxies and
//! antivirus products: a certificate from one of them means something on
//! this network or computer opens encrypted connections (connect cause 3).

/// Lower-case fragments of issuer names of known interception products.
const PRODUCTS: &[&str] = &[
    "fortinet",
    "fortigate",
    "zscaler",
    "palo alto",
    "paloalto",
    "sophos",
    "cisco umbrella",
    "blue coat",
    "bluecoat",
    "netskope",
    "forcepoint",
    "websense",
    "barracuda",
    "check point",
    "checkpoint",
    "mcafee web gateway",
    "smoothwall",
    "lightspeed",
    "securly",
    "goguardian",
    "contentkeeper",
    "iboss",
    "cyberoam",
    "watchguard",
    "sonicwall",
    "untangle",
    "kaspersky",
    "avast",
    "eset ssl filter",
    "bitdefender",
    "mitmproxy",
    "charles proxy",
    "portswigger",
    "fiddler",
    "ssl inspection",
    "tls inspection",
];

/// The product an issuer name points to, if it is a known interceptor.
pub fn product(issuer: &str) -> Option<&'static str> {
    let lower = issuer.to_ascii_lowercase();
    PRODUCTS.iter().copied().find(|p| lower.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("CN=FortiGate CA, O=Fortinet, C=US", Some("fortinet"))]
    #[case("CN=Zscaler Intermediate Root CA (zscalertwo.net)", Some("zscaler"))]
    #[case("CN=mitmproxy, O=mitmproxy", Some("mitmproxy"))]
    #[case("CN=R11, O=Let's Encrypt, C=US", None)]
    #[case("CN=mailfix lab CA", None)]
    fn issuers(#[case] issuer: &str, #[case] expected: Option<&str>) {
        assert_eq!(product(issuer), expected);
    }
}
