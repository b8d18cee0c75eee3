//! What a full-depth session needs to log in: the password (resolved once,
//! bounded by the plan's timeout), the sender and the relay test's outside
//! recipient.

use std::time::Duration;

use crate::account::{Account, AuthMech, email_domain};
use crate::evidence::{Depth, LoginSkip};
use crate::password::{self, PasswordError};
use crate::plan::EndpointSpec;
use crate::probe::session::LoginParams;
use crate::secret::Secret;

/// Reserved example domains (RFC 2606) for the relay test's recipient.
const RELAY_DOMAINS: [&str; 3] = ["example.net", "example.com", "example.org"];

/// Login parameters for `spec`: `None` below `Depth::Full`.
pub(crate) async fn params(
    account: &Account,
    spec: &EndpointSpec,
    timeout: Duration,
) -> Option<LoginParams> {
    if spec.depth != Depth::Full {
        return None;
    }
    let server = account.server(spec.service)?;
    let password = if server.auth == AuthMech::None {
        Err(LoginSkip::AuthNone)
    } else {
        resolve(&server.password, timeout).await
    };
    Some(LoginParams {
        username: server.username.clone(),
        password,
        auth: server.auth,
        allow_plaintext: server.allow_plaintext_auth,
        sender: account.email.clone(),
        relay_rcpt: server
            .relay_probe_rcpt
            .clone()
            .unwrap_or_else(|| default_relay_rcpt(&account.email)),
    })
}

async fn resolve(
    source: &crate::account::PasswordSource,
    timeout: Duration,
) -> Result<Secret, LoginSkip> {
    // The resolver bounds its command itself; this is the backstop.
    let bound = timeout + Duration::from_millis(500);
    match tokio::time::timeout(bound, password::resolve(source, timeout)).await {
        Ok(Ok(secret)) => Ok(secret),
        Ok(Err(err)) => Err(skip_for(&err)),
        Err(_) => Err(LoginSkip::PasswordUnavailable(format!(
            "the password source gave no answer within {} s",
            bound.as_secs()
        ))),
    }
}

/// Why no password: none configured, or the source failed (and how).
fn skip_for(err: &PasswordError) -> LoginSkip {
    match err {
        PasswordError::Unset => LoginSkip::NoPassword,
        PasswordError::ForbiddenCharacters => LoginSkip::ForbiddenCharacters,
        other => LoginSkip::PasswordUnavailable(other.to_string()),
    }
}

/// An outside address for the relay test, in a reserved example domain
/// that is not the account's own (nor a parent of it).
fn default_relay_rcpt(email: &str) -> String {
    let own = email_domain(email).unwrap_or_default();
    let domain = RELAY_DOMAINS
        .iter()
        .find(|d| own != **d && !own.ends_with(&format!(".{d}")))
        .unwrap_or(&RELAY_DOMAINS[0]);
    format!("mailfix-relay-test@{domain}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{PasswordSource, Protocol, Security, ServerSettings, Service};
    use crate::evidence::{Endpoint, Role};
    use rstest::rstest;

    #[rstest]
    #[case::elsewhere("alice@corp.test", "mailfix-relay-test@example.net")]
    #[case::own_is_example_net("alice@Example.NET", "mailfix-relay-test@example.com")]
    #[case::sub_of_example_net("bob@mail.example.net", "mailfix-relay-test@example.com")]
    #[case::no_domain("nobody", "mailfix-relay-test@example.net")]
    fn relay_recipient_is_outside_the_account(#[case] email: &str, #[case] expected: &str) {
        assert_eq!(default_relay_rcpt(email), expected);
    }

    #[rstest]
    #[case::unset(PasswordError::Unset, LoginSkip::NoPassword)]
    #[case::forbidden(PasswordError::ForbiddenCharacters, LoginSkip::ForbiddenCharacters)]
    #[case::env(
        PasswordError::EnvUnset { name: "MAILPW".into() },
        LoginSkip::PasswordUnavailable("environment variable MAILPW is not set".into())
    )]
    fn password_errors_become_skips(#[case] err: PasswordError, #[case] expected: LoginSkip) {
        assert_eq!(skip_for(&err), expected);
    }

    fn account(auth: AuthMech, password: PasswordSource) -> Account {
        Account {
            name: "t".into(),
            email: "alice@example.org".into(),
            incoming: None,
            outgoing: Some(
                ServerSettings::standard(Protocol::Smtp, "smtp.example.org", Security::Starttls)
                    .with_auth(auth)
                    .with_username("alice")
                    .with_password(password),
            ),
            store: None,
        }
    }

    fn spec(depth: Depth) -> EndpointSpec {
        EndpointSpec {
            service: Service::Outgoing,
            role: Role::Configured,
            endpoint: Endpoint {
                protocol: Protocol::Smtp,
                host: "smtp.example.org".into(),
                port: 587,
                security: Security::Starttls,
            },
            depth,
            trigger: crate::plan::Trigger::Always,
        }
    }

    #[tokio::test]
    async fn full_depth_gets_credentials_and_relay_addresses() {
        let acc = account(AuthMech::Plain, PasswordSource::Literal(Secret::new("pw")));
        let p = params(&acc, &spec(Depth::Full), Duration::from_secs(1))
            .await
            .unwrap();
        assert_eq!(p.username, "alice");
        assert_eq!(p.password.unwrap().expose(), "pw");
        assert_eq!(p.sender, "alice@example.org");
        assert_eq!(p.relay_rcpt, "mailfix-relay-test@example.net");
    }

    #[tokio::test]
    async fn looking_needs_no_login_and_auth_none_needs_no_password() {
        let acc = account(AuthMech::None, PasswordSource::Unset);
        assert!(
            params(&acc, &spec(Depth::Look), Duration::from_secs(1))
                .await
                .is_none()
        );
        let p = params(&acc, &spec(Depth::Full), Duration::from_secs(1))
            .await
            .unwrap();
        assert_eq!(p.password.unwrap_err(), LoginSkip::AuthNone);
    }
}
