//! From an account to form fields and back: building the fields,
//! checking them, and writing them into the account.

use crate::account::{
    Account, AuthMech, PasswordSource, Protocol, Security, ServerSettings, Service, email_domain,
};
use crate::secret::has_forbidden_chars;

use super::super::strings as s;
use super::password::PasswordInput;
use super::{Field, FieldId, FieldValue, Part};

pub(super) fn push_server_fields(
    fields: &mut Vec<Field>,
    service: Service,
    server: &ServerSettings,
) {
    let id = |part| FieldId::Server(service, part);
    if service == Service::Incoming {
        fields.push(Field {
            id: id(Part::Protocol),
            value: FieldValue::Protocol(server.protocol),
            error: None,
        });
    }
    fields.push(Field::text(id(Part::Host), &server.host));
    fields.push(Field::text(id(Part::Port), &server.port.to_string()));
    fields.push(Field {
        id: id(Part::Security),
        value: FieldValue::Security(server.security),
        error: None,
    });
    fields.push(Field {
        id: id(Part::Auth),
        value: FieldValue::Auth {
            mech: server.auth,
            allow_none: service == Service::Outgoing,
        },
        error: None,
    });
    fields.push(Field::text(id(Part::User), &server.username));
    fields.push(Field {
        id: id(Part::Password),
        value: FieldValue::Password(PasswordInput::new(server.password.is_set())),
        error: None,
    });
}

pub(super) fn check(field: &Field) -> Option<&'static str> {
    let text = field.text_value().map(str::trim);
    match (field.id, text) {
        (FieldId::Email, Some(t)) => {
            (email_domain(t).is_none() || t.starts_with('@') || t.contains(char::is_whitespace))
                .then_some(s::ERR_EMAIL)
        }
        (FieldId::Server(_, Part::Host), Some(t)) => {
            if t.is_empty() {
                Some(s::ERR_EMPTY_HOST)
            } else if t.contains(char::is_whitespace) {
                Some(s::ERR_HOST_SPACES)
            } else {
                None
            }
        }
        (FieldId::Server(_, Part::Port), Some(t)) => match t.parse::<u16>() {
            Ok(p) if p > 0 => None,
            _ => Some(s::ERR_PORT),
        },
        (FieldId::Server(_, Part::User), Some(t)) => {
            has_forbidden_chars(t).then_some(s::ERR_LINE_BREAK)
        }
        _ => None,
    }
}

pub(super) fn write_field(account: &mut Account, field: &mut Field) {
    let FieldId::Server(service, part) = field.id else {
        return;
    };
    let email = account.email.clone();
    let Some(server) = account.server_mut(service) else {
        return;
    };
    match (part, &mut field.value) {
        (Part::Protocol, FieldValue::Protocol(p)) => server.protocol = *p,
        (Part::Host, FieldValue::Text(input)) => server.host = input.value().trim().to_owned(),
        (Part::Port, FieldValue::Text(input)) => {
            if let Ok(port) = input.value().trim().parse() {
                server.port = port;
            }
        }
        (Part::Security, FieldValue::Security(sec)) => server.security = *sec,
        (Part::Auth, FieldValue::Auth { mech, .. }) => server.auth = *mech,
        (Part::User, FieldValue::Text(input)) => {
            let user = input.value().trim();
            server.username = if user.is_empty() {
                email
            } else {
                user.to_owned()
            };
        }
        (Part::Password, FieldValue::Password(pw)) if !pw.is_empty() => {
            server.password = PasswordSource::Literal(pw.take());
        }
        _ => {}
    }
}

/// The usual settings for an address: IMAP over TLS and submission over
/// TLS on the domain itself, to be corrected by what a check finds.
pub fn template(email: &str) -> Account {
    let host = email_domain(email).unwrap_or_default();
    let server = |protocol: Protocol| ServerSettings {
        protocol,
        host: host.clone(),
        port: protocol.default_port(Security::Tls),
        port_explicit: false,
        security: Security::Tls,
        auth: AuthMech::Auto,
        username: email.to_owned(),
        password: PasswordSource::Unset,
        ca_file: None,
        allow_plaintext_auth: false,
        relay_probe_rcpt: None,
    };
    Account {
        name: email.to_owned(),
        email: email.to_owned(),
        incoming: Some(server(Protocol::Imap)),
        outgoing: Some(server(Protocol::Smtp)),
        store: None,
    }
}

/// A new account with one password typed: most providers use the same
/// for sending, so the outgoing server gets it too.
pub(super) fn share_password(account: &mut Account) {
    let (Some(incoming), Some(outgoing)) = (&account.incoming, &mut account.outgoing) else {
        return;
    };
    if matches!(outgoing.password, PasswordSource::Unset)
        && let PasswordSource::Literal(secret) = &incoming.password
        && outgoing.auth != AuthMech::None
    {
        outgoing.password = PasswordSource::Literal(secret.clone());
    }
}
