//! The server side of SASL (RFC 4422) as the lab's servers speak it:
//! PLAIN, LOGIN, CRAM-MD5 (verified with HMAC-MD5), XOAUTH2 and
//! OAUTHBEARER. The challenge prefix is the protocol's: `+ ` for IMAP and
//! POP3, `334 ` for SMTP.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use md5::Md5;

use super::conn::{Conn, End};
use super::persona::Persona;

/// How one SASL exchange ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SaslOutcome {
    /// The credentials are right for `user`.
    Valid {
        user: String,
    },
    /// Well-formed, but wrong for `user`.
    Invalid {
        user: String,
    },
    /// The client sent `*`.
    Cancelled,
    /// The client's answer did not decode or parse.
    Malformed(String),
    /// A mechanism this server does not implement at all.
    Unknown,
    Gone(End),
}

/// The error a bearer-token server sends before failing (RFC 7628 §3.2.2).
const OAUTH_ERROR: &str =
    r#"{"status":"401","schemes":"bearer","scope":"https://mail.example.com/"}"#;

fn decode(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim();
    if text == "=" {
        return Ok(Vec::new());
    }
    B64.decode(text).map_err(|e| format!("not base64: {e}"))
}

enum Answer {
    Data(Vec<u8>),
    Cancel,
    Bad(String),
}

async fn challenge(conn: &mut Conn, prefix: &str, data: &[u8]) -> Result<Answer, End> {
    conn.send_line(&format!("{prefix}{}", B64.encode(data)))
        .await?;
    let line = conn.read_text().await?;
    if line.trim() == "*" {
        return Ok(Answer::Cancel);
    }
    Ok(match decode(&line) {
        Ok(bytes) => Answer::Data(bytes),
        Err(e) => Answer::Bad(e),
    })
}

fn check(persona: &Persona, user: &str, secret: &[u8]) -> SaslOutcome {
    let ok = persona
        .find_user(user)
        .is_some_and(|u| u.password.as_bytes() == secret);
    let user = user.to_owned();
    if ok {
        SaslOutcome::Valid { user }
    } else {
        SaslOutcome::Invalid { user }
    }
}

/// Run the exchange for `mech`. `initial` is the initial response sent
/// with the command (SASL-IR), still base64.
pub(crate) async fn exchange(
    conn: &mut Conn,
    persona: &Persona,
    mech: &str,
    initial: Option<&str>,
    prefix: &str,
) -> SaslOutcome {
    match run(conn, persona, mech, initial, prefix).await {
        Ok(outcome) => outcome,
        Err(end) => SaslOutcome::Gone(end),
    }
}

macro_rules! answer {
    ($conn:expr, $prefix:expr, $data:expr) => {
        match challenge($conn, $prefix, $data).await? {
            Answer::Data(bytes) => bytes,
            Answer::Cancel => return Ok(SaslOutcome::Cancelled),
            Answer::Bad(e) => return Ok(SaslOutcome::Malformed(e)),
        }
    };
}

async fn run(
    conn: &mut Conn,
    persona: &Persona,
    mech: &str,
    initial: Option<&str>,
    prefix: &str,
) -> Result<SaslOutcome, End> {
    if initial.is_some_and(|i| i.trim() == "*") {
        return Ok(SaslOutcome::Cancelled);
    }
    let initial = match initial.map(decode).transpose() {
        Ok(i) => i,
        Err(e) => return Ok(SaslOutcome::Malformed(e)),
    };
    match mech.to_ascii_uppercase().as_str() {
        "PLAIN" => {
            let data = match initial {
                Some(d) => d,
                None => answer!(conn, prefix, b""),
            };
            let parts: Vec<&[u8]> = data.split(|&b| b == 0).collect();
            let [_authzid, authcid, passwd] = parts.as_slice() else {
                return Ok(SaslOutcome::Malformed(
                    "PLAIN needs three NUL-separated fields".into(),
                ));
            };
            Ok(check(persona, &String::from_utf8_lossy(authcid), passwd))
        }
        "LOGIN" => {
            let user = match initial {
                Some(d) => d,
                None => answer!(conn, prefix, b"Username:"),
            };
            let pass = answer!(conn, prefix, b"Password:");
            Ok(check(persona, &String::from_utf8_lossy(&user), &pass))
        }
        "CRAM-MD5" => {
            let nonce = format!(
                "<{}.{}@{}>",
                std::process::id(),
                conn.peer.map(|p| p.port()).unwrap_or(0),
                persona.host
            );
            let reply = answer!(conn, prefix, nonce.as_bytes());
            let reply = String::from_utf8_lossy(&reply).into_owned();
            let Some((user, digest)) = reply.rsplit_once(' ') else {
                return Ok(SaslOutcome::Malformed(
                    "CRAM-MD5 needs 'user digest'".into(),
                ));
            };
            let ok = persona
                .find_user(user)
                .is_some_and(|u| cram_md5(&u.password, &nonce).eq_ignore_ascii_case(digest));
            let user = user.to_owned();
            Ok(if ok {
                SaslOutcome::Valid { user }
            } else {
                SaslOutcome::Invalid { user }
            })
        }
        "XOAUTH2" | "OAUTHBEARER" => {
            let data = match initial {
                Some(d) => d,
                None => answer!(conn, prefix, b""),
            };
            let Some((user, token)) = parse_bearer(&data) else {
                return Ok(SaslOutcome::Malformed("no user or bearer token".into()));
            };
            let outcome = check(persona, &user, token.as_bytes());
            if matches!(outcome, SaslOutcome::Invalid { .. }) {
                // The error comes as a challenge; the client answers with
                // an empty line (or `*`), then the failure follows.
                let _ = challenge(conn, prefix, OAUTH_ERROR.as_bytes()).await?;
            }
            Ok(outcome)
        }
        _ => Ok(SaslOutcome::Unknown),
    }
}

/// The hex HMAC-MD5 of `challenge` keyed with `password` (RFC 2195).
pub fn cram_md5(password: &str, challenge: &str) -> String {
    let Ok(mut mac) = Hmac::<Md5>::new_from_slice(password.as_bytes()) else {
        return String::new();
    };
    mac.update(challenge.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// User and token of an XOAUTH2 (`user=U^Aauth=Bearer T^A^A`) or
/// OAUTHBEARER (`n,a=U,^Aauth=Bearer T^A^A`) response.
fn parse_bearer(data: &[u8]) -> Option<(String, String)> {
    let text = String::from_utf8_lossy(data);
    let mut user = None;
    let mut token = None;
    for field in text.split('\x01') {
        if let Some(u) = field.strip_prefix("user=") {
            user = Some(u.to_owned());
        } else if let Some(t) = field.strip_prefix("auth=") {
            let t = t
                .strip_prefix("Bearer ")
                .or_else(|| t.strip_prefix("bearer "))?;
            token = Some(t.to_owned());
        } else if field.starts_with("n,") || field.starts_with("y,") {
            user = field
                .split(',')
                .find_map(|p| p.strip_prefix("a="))
                .map(str::to_owned);
        }
    }
    Some((user?, token?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cram_md5_matches_rfc_2195() {
        // The worked example of RFC 2195 section 2.
        assert_eq!(
            cram_md5(
                "tanstaaftanstaaf",
                "<1896.697170952@postoffice.reston.mci.net>"
            ),
            "b913a602c7eda7a495b4e6e7334d3890"
        );
    }

    #[test]
    fn bearer_responses_parse() {
        assert_eq!(
            parse_bearer(b"user=a@example.org\x01auth=Bearer tok\x01\x01"),
            Some(("a@example.org".into(), "tok".into()))
        );
        assert_eq!(
            parse_bearer(b"n,a=a@example.org,\x01host=x\x01auth=Bearer t2\x01\x01"),
            Some(("a@example.org".into(), "t2".into()))
        );
        assert_eq!(parse_bearer(b"user=a\x01\x01"), None);
    }
}
