//! SASL client mechanisms (PLAIN RFC 4616, LOGIN, CRAM-MD5 RFC 2195,
//! XOAUTH2) and the choice of how to log in. Pure: no I/O, every
//! response is returned as zeroizing bytes for the dialogue to send.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use md5::Md5;
use thiserror::Error;
use zeroize::Zeroizing;

use crate::account::{AuthMech, Protocol};
use crate::evidence::{Capabilities, LoginSkip};
use crate::secret::Secret;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SaslError {
    #[error("the server's challenge is not valid base64")]
    BadBase64,
    #[error("the server sent a challenge {mechanism} does not expect (step {step})")]
    UnexpectedChallenge { mechanism: &'static str, step: u8 },
}

/// A SASL mechanism mailfix speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    Plain,
    Login,
    CramMd5,
    Xoauth2,
}

impl Mechanism {
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Plain => "PLAIN",
            Mechanism::Login => "LOGIN",
            Mechanism::CramMd5 => "CRAM-MD5",
            Mechanism::Xoauth2 => "XOAUTH2",
        }
    }

    pub fn auth_mech(self) -> AuthMech {
        match self {
            Mechanism::Plain => AuthMech::Plain,
            Mechanism::Login => AuthMech::Login,
            Mechanism::CramMd5 => AuthMech::CramMd5,
            Mechanism::Xoauth2 => AuthMech::Xoauth2,
        }
    }

    fn from_auth_mech(mech: AuthMech) -> Option<Mechanism> {
        match mech {
            AuthMech::Plain => Some(Mechanism::Plain),
            AuthMech::Login => Some(Mechanism::Login),
            AuthMech::CramMd5 => Some(Mechanism::CramMd5),
            AuthMech::Xoauth2 => Some(Mechanism::Xoauth2),
            AuthMech::Auto | AuthMech::None => None,
        }
    }
}

/// How a session logs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Sasl(Mechanism),
    /// POP3 `USER` / `PASS`.
    UserPass,
    /// IMAP `LOGIN user password`.
    ImapLogin,
}

impl Method {
    /// The mechanism reported for this method.
    pub fn auth_mech(self) -> AuthMech {
        match self {
            Method::Sasl(m) => m.auth_mech(),
            Method::UserPass | Method::ImapLogin => AuthMech::Login,
        }
    }
}

/// Strongest first; XOAUTH2 is never chosen by `auto` (it needs a token,
/// not a password).
const AUTO_ORDER: [Mechanism; 3] = [Mechanism::CramMd5, Mechanism::Plain, Mechanism::Login];

/// Decide how to log in from what the server offers (after TLS).
///
/// A configured `plain` or `login` falls back to the protocol's own
/// password command (IMAP LOGIN, POP3 USER/PASS) when the SASL mechanism
/// is not listed; `auto` prefers SASL, then that command.
pub fn choose_method(
    protocol: Protocol,
    wanted: AuthMech,
    caps: &Capabilities,
) -> Result<Method, LoginSkip> {
    let fallback = match protocol {
        Protocol::Imap if !caps.login_disabled => Some(Method::ImapLogin),
        Protocol::Pop3 if caps.user_pass => Some(Method::UserPass),
        _ => None,
    };
    let offered = caps.auth.clone();
    match wanted {
        AuthMech::None => Err(LoginSkip::AuthNone),
        AuthMech::Auto => AUTO_ORDER
            .iter()
            .find(|m| caps.offers_mech(m.name()))
            .map(|m| Method::Sasl(*m))
            .or(fallback)
            .ok_or(if offered.is_empty() {
                LoginSkip::ServerDisallows
            } else {
                LoginSkip::NoCommonMechanism { offered }
            }),
        explicit => {
            let mech = Mechanism::from_auth_mech(explicit).ok_or(LoginSkip::AuthNone)?;
            if caps.offers_mech(mech.name()) {
                return Ok(Method::Sasl(mech));
            }
            match (mech, fallback) {
                (Mechanism::Plain | Mechanism::Login, Some(f)) => Ok(f),
                (_, _) if offered.is_empty() && fallback.is_none() => {
                    Err(LoginSkip::ServerDisallows)
                }
                _ => Err(LoginSkip::MechanismNotOffered {
                    wanted: explicit,
                    offered,
                }),
            }
        }
    }
}

/// One SASL exchange on the client side.
pub struct SaslClient<'a> {
    mechanism: Mechanism,
    user: &'a str,
    secret: &'a Secret,
    step: u8,
}

impl<'a> SaslClient<'a> {
    pub fn new(mechanism: Mechanism, user: &'a str, secret: &'a Secret) -> Self {
        SaslClient {
            mechanism,
            user,
            secret,
            step: 0,
        }
    }

    pub fn mechanism(&self) -> Mechanism {
        self.mechanism
    }

    /// The initial response (raw, not base64) for mechanisms that have
    /// one: PLAIN and XOAUTH2.
    pub fn initial_response(&self) -> Option<Zeroizing<Vec<u8>>> {
        match self.mechanism {
            Mechanism::Plain => Some(plain(self.user, self.secret)),
            Mechanism::Xoauth2 => Some(xoauth2(self.user, self.secret)),
            Mechanism::Login | Mechanism::CramMd5 => None,
        }
    }

    /// Answer the server's challenge (already base64-decoded).
    /// `sent_initial` says whether the initial response went with the
    /// command.
    pub fn respond(
        &mut self,
        challenge: &[u8],
        sent_initial: bool,
    ) -> Result<Zeroizing<Vec<u8>>, SaslError> {
        self.step += 1;
        let step = self.step;
        let unexpected = || SaslError::UnexpectedChallenge {
            mechanism: self.mechanism.name(),
            step,
        };
        match (self.mechanism, step) {
            (Mechanism::Plain, 1) if !sent_initial => Ok(plain(self.user, self.secret)),
            (Mechanism::Xoauth2, 1) if !sent_initial => Ok(xoauth2(self.user, self.secret)),
            // XOAUTH2 failure: the server sends an error as a challenge
            // and waits for an empty response before its final reply.
            (Mechanism::Xoauth2, _) => Ok(Zeroizing::new(Vec::new())),
            (Mechanism::Login, 1) => Ok(Zeroizing::new(self.user.as_bytes().to_vec())),
            (Mechanism::Login, 2) => Ok(Zeroizing::new(self.secret.expose().as_bytes().to_vec())),
            (Mechanism::CramMd5, 1) => Ok(Zeroizing::new(
                cram_md5(self.user, self.secret, challenge).into_bytes(),
            )),
            _ => Err(unexpected()),
        }
    }
}

fn plain(user: &str, secret: &Secret) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::new());
    out.push(0);
    out.extend_from_slice(user.as_bytes());
    out.push(0);
    out.extend_from_slice(secret.expose().as_bytes());
    out
}

fn xoauth2(user: &str, token: &Secret) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(format!("user={user}\x01auth=Bearer {}\x01\x01", token.expose()).into_bytes())
}

/// `user SP hex(HMAC-MD5(password, challenge))` (RFC 2195).
pub fn cram_md5(user: &str, secret: &Secret, challenge: &[u8]) -> String {
    let mut mac = <Hmac<Md5> as Mac>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(challenge);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{user} {hex}")
}

pub fn encode(bytes: &[u8]) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(B64.encode(bytes).into_bytes())
}

/// Decode a challenge; an empty one (or `=`) is empty.
pub fn decode(text: &[u8]) -> Result<Vec<u8>, SaslError> {
    let text = text.trim_ascii();
    if text.is_empty() || text == b"=" {
        return Ok(Vec::new());
    }
    B64.decode(text).map_err(|_| SaslError::BadBase64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn rfc2195_vector() {
        let secret = Secret::new("tanstaaftanstaaf");
        let challenge =
            decode(b"PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+").unwrap();
        assert_eq!(challenge, b"<1896.697170952@postoffice.reston.mci.net>");
        let mut c = SaslClient::new(Mechanism::CramMd5, "tim", &secret);
        assert!(c.initial_response().is_none());
        let resp = c.respond(&challenge, false).unwrap();
        assert_eq!(&resp[..], b"tim b913a602c7eda7a495b4e6e7334d3890");
        assert_eq!(
            &encode(&resp)[..],
            b"dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"
        );
        assert!(c.respond(b"again", false).is_err());
    }

    #[test]
    fn plain_rfc4616_form() {
        let secret = Secret::new("tanstaaftanstaaf");
        let c = SaslClient::new(Mechanism::Plain, "tim", &secret);
        assert_eq!(
            &c.initial_response().unwrap()[..],
            b"\0tim\0tanstaaftanstaaf"
        );
        assert_eq!(
            &encode(b"\0tim\0tanstaaftanstaaf")[..],
            b"AHRpbQB0YW5zdGFhZnRhbnN0YWFm"
        );
    }

    #[test]
    fn login_steps() {
        let secret = Secret::new("pw");
        let mut c = SaslClient::new(Mechanism::Login, "alice", &secret);
        assert_eq!(&c.respond(b"Username:", false).unwrap()[..], b"alice");
        assert_eq!(&c.respond(b"Password:", false).unwrap()[..], b"pw");
        assert!(c.respond(b"More?", false).is_err());
    }

    #[test]
    fn xoauth2_and_its_error_step() {
        let token = Secret::new("ya29.token");
        let mut c = SaslClient::new(Mechanism::Xoauth2, "someuser@example.com", &token);
        assert_eq!(
            &c.initial_response().unwrap()[..],
            b"user=someuser@example.com\x01auth=Bearer ya29.token\x01\x01"
        );
        let err = decode(b"eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==").unwrap();
        assert!(err.starts_with(b"{\"status\":\"400\""));
        assert!(c.respond(&err, true).unwrap().is_empty());
    }

    fn caps(auth: &[&str], login_disabled: bool, user_pass: bool) -> Capabilities {
        Capabilities {
            auth: auth.iter().map(|s| s.to_string()).collect(),
            login_disabled,
            user_pass,
            ..Capabilities::default()
        }
    }

    #[rstest]
    #[case(Protocol::Smtp, AuthMech::Auto, &["LOGIN", "PLAIN", "CRAM-MD5"], Ok(Method::Sasl(Mechanism::CramMd5)))]
    #[case(Protocol::Smtp, AuthMech::Auto, &["LOGIN", "PLAIN", "XOAUTH2"], Ok(Method::Sasl(Mechanism::Plain)))]
    #[case(Protocol::Smtp, AuthMech::Auto, &["XOAUTH2", "OAUTHBEARER"], Err(LoginSkip::NoCommonMechanism { offered: vec!["XOAUTH2".into(), "OAUTHBEARER".into()] }))]
    #[case(Protocol::Smtp, AuthMech::Auto, &[], Err(LoginSkip::ServerDisallows))]
    #[case(Protocol::Smtp, AuthMech::CramMd5, &["PLAIN", "LOGIN"], Err(LoginSkip::MechanismNotOffered { wanted: AuthMech::CramMd5, offered: vec!["PLAIN".into(), "LOGIN".into()] }))]
    #[case(Protocol::Smtp, AuthMech::Plain, &["LOGIN"], Err(LoginSkip::MechanismNotOffered { wanted: AuthMech::Plain, offered: vec!["LOGIN".into()] }))]
    #[case(Protocol::Smtp, AuthMech::Xoauth2, &["XOAUTH2"], Ok(Method::Sasl(Mechanism::Xoauth2)))]
    #[case(Protocol::Imap, AuthMech::Auto, &[], Ok(Method::ImapLogin))]
    #[case(Protocol::Imap, AuthMech::Plain, &["CRAM-MD5"], Ok(Method::ImapLogin))]
    #[case(Protocol::Imap, AuthMech::CramMd5, &["PLAIN"], Err(LoginSkip::MechanismNotOffered { wanted: AuthMech::CramMd5, offered: vec!["PLAIN".into()] }))]
    #[case(Protocol::Pop3, AuthMech::Auto, &[], Ok(Method::UserPass))]
    #[case(Protocol::Pop3, AuthMech::Login, &["PLAIN"], Ok(Method::UserPass))]
    fn method_choice(
        #[case] protocol: Protocol,
        #[case] wanted: AuthMech,
        #[case] auth: &[&str],
        #[case] want: Result<Method, LoginSkip>,
    ) {
        let user_pass = protocol == Protocol::Pop3;
        assert_eq!(
            choose_method(protocol, wanted, &caps(auth, false, user_pass)),
            want
        );
    }

    #[test]
    fn imap_logindisabled_without_sasl() {
        assert_eq!(
            choose_method(Protocol::Imap, AuthMech::Auto, &caps(&[], true, false)),
            Err(LoginSkip::ServerDisallows)
        );
        assert_eq!(
            choose_method(Protocol::Imap, AuthMech::Login, &caps(&[], true, false)),
            Err(LoginSkip::ServerDisallows)
        );
    }
}
