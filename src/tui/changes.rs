//! What differs between two versions of an account's settings, in words:
//! "outgoing port 587 → 465". Shown after a fix or an edit, and above a
//! re-probe's verdict. Passwords are only ever said to have changed.

use crate::account::{Account, PasswordSource, ServerSettings, Service};

pub fn settings_changes(before: &Account, after: &Account) -> Vec<String> {
    let mut out = Vec::new();
    if before.email != after.email {
        out.push(format!("address {} → {}", before.email, after.email));
    }
    for service in [Service::Incoming, Service::Outgoing] {
        match (before.server(service), after.server(service)) {
            (Some(old), Some(new)) => server_changes(service, old, new, &mut out),
            (None, Some(new)) => out.push(format!("{service} added: {}", new.summary())),
            (Some(_), None) => out.push(format!("{service} removed")),
            (None, None) => {}
        }
    }
    out
}

fn server_changes(
    service: Service,
    old: &ServerSettings,
    new: &ServerSettings,
    out: &mut Vec<String>,
) {
    let mut push = |what: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{service} {what} {a} → {b}"));
        }
    };
    push(
        "protocol",
        old.protocol.label().into(),
        new.protocol.label().into(),
    );
    push("server", old.host.clone(), new.host.clone());
    push("port", old.port.to_string(), new.port.to_string());
    push(
        "security",
        old.security.label().into(),
        new.security.label().into(),
    );
    push(
        "login method",
        old.auth.as_str().into(),
        new.auth.as_str().into(),
    );
    push("user", old.username.clone(), new.username.clone());
    if old.password != new.password {
        out.push(format!(
            "{service} password {}",
            password_word(&new.password)
        ));
    }
}

fn password_word(source: &PasswordSource) -> &'static str {
    match source {
        PasswordSource::Unset => "removed",
        _ => "changed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{AuthMech, Protocol, Security};
    use crate::secret::Secret;

    fn account() -> Account {
        Account {
            name: "work".into(),
            email: "alice@example.org".into(),
            incoming: None,
            outgoing: Some(ServerSettings {
                protocol: Protocol::Smtp,
                host: "mail.example.org".into(),
                port: 587,
                port_explicit: true,
                security: Security::Starttls,
                auth: AuthMech::Plain,
                username: "alice".into(),
                password: PasswordSource::Literal(Secret::new("old-secret")),
                ca_file: None,
                allow_plaintext_auth: false,
                relay_probe_rcpt: None,
            }),
            store: None,
        }
    }

    #[test]
    fn port_and_security_changes_are_named() {
        let before = account();
        let mut after = account();
        let out = after.outgoing.as_mut().unwrap();
        out.port = 465;
        out.security = Security::Tls;
        assert_eq!(
            settings_changes(&before, &after),
            [
                "outgoing port 587 → 465",
                "outgoing security STARTTLS → TLS"
            ]
        );
    }

    #[test]
    fn passwords_are_never_spelt_out() {
        let before = account();
        let mut after = account();
        after.outgoing.as_mut().unwrap().password =
            PasswordSource::Literal(Secret::new("new-secret"));
        let said = settings_changes(&before, &after).join(" ");
        assert_eq!(said, "outgoing password changed");
        assert!(!said.contains("secret"));
    }
}
