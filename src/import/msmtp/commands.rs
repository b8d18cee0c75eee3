//! The commands msmtp knows, and the checks msmtp itself makes on their
//! arguments.

use super::super::text::parse_port;

/// Every command msmtp knows. Anything else is reported and skipped.
pub(super) const KNOWN: &[&str] = &[
    "host",
    "port",
    "timeout",
    "connect_timeout",
    "protocol",
    "domain",
    "auto_from",
    "from",
    "from_full_name",
    "maildomain",
    "auth",
    "user",
    "password",
    "passwordeval",
    "ntlmdomain",
    "tls",
    "tls_starttls",
    "tls_key_file",
    "tls_cert_file",
    "tls_trust_file",
    "tls_crl_file",
    "tls_fingerprint",
    "tls_certcheck",
    "tls_min_dh_prime_bits",
    "tls_priorities",
    "tls_host_override",
    "tls_force_sslv3",
    "dsn_return",
    "dsn_notify",
    "keepbcc",
    "remove_bcc_headers",
    "undisclosed_recipients",
    "logfile",
    "logfile_time_format",
    "syslog",
    "aliases",
    "proxy_host",
    "proxy_port",
    "socket",
    "source_ip",
    "add_missing_from_header",
    "add_missing_date_header",
    "set_from_header",
    "set_date_header",
    "set_msgid_header",
    "allow_from_override",
    "tls_nocertcheck",
    "tls_nostarttls",
];

const AUTH_METHODS: &[&str] = &[
    "on",
    "off",
    "plain",
    "login",
    "cram-md5",
    "scram-sha-1",
    "scram-sha-1-plus",
    "scram-sha-256",
    "scram-sha-256-plus",
    "gssapi",
    "external",
    "digest-md5",
    "ntlm",
    "oauthbearer",
    "xoauth2",
];

/// Check the values msmtp itself checks, and fold the msmtp 1.2 spellings
/// into today's.
pub(super) fn normalise(key: &'static str, arg: String) -> Result<(&'static str, String), String> {
    let lower = arg.to_ascii_lowercase();
    let on_off = |key: &'static str| -> Result<(&'static str, String), String> {
        match lower.as_str() {
            "" | "on" => Ok((key, "on".into())),
            "off" => Ok((key, "off".into())),
            _ => Err(format!("`{key}` takes on or off, not `{arg}`")),
        }
    };
    match key {
        "port" => match parse_port(&arg) {
            Some(_) => Ok((key, arg.trim().to_owned())),
            None => Err(format!("`port {arg}` is not a port number (1-65535)")),
        },
        "host" if arg.is_empty() => Err("`host` needs a server name".into()),
        "tls" | "tls_starttls" | "tls_certcheck" => on_off(key),
        "tls_nocertcheck" => Ok(("tls_certcheck", "off".into())),
        "tls_nostarttls" => Ok(("tls_starttls", "off".into())),
        "auth" => {
            if lower.is_empty() || AUTH_METHODS.contains(&lower.as_str()) {
                Ok((key, if lower.is_empty() { "on".into() } else { lower }))
            } else {
                Err(format!(
                    "`auth {arg}` is not an authentication method msmtp knows"
                ))
            }
        }
        "protocol" => match lower.as_str() {
            "smtp" | "lmtp" => Ok((key, lower)),
            _ => Err(format!("`protocol` takes smtp or lmtp, not `{arg}`")),
        },
        _ => Ok((key, arg)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_spellings_fold_into_new_ones() {
        assert_eq!(
            normalise("tls_nostarttls", String::new()),
            Ok(("tls_starttls", "off".into()))
        );
        assert_eq!(normalise("tls", String::new()), Ok(("tls", "on".into())));
        assert_eq!(
            normalise("auth", "CRAM-MD5".into()),
            Ok(("auth", "cram-md5".into()))
        );
        assert!(normalise("tls", "maybe".into()).is_err());
        assert!(normalise("port", "smtp".into()).is_err());
    }
}
