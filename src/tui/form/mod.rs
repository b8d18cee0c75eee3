//! The settings form (`e`, and "start from an e-mail address"): one field
//! per setting of the incoming and outgoing server. Text fields use
//! `tui-input`; the password field is our own masked, zeroizing buffer;
//! protocol, security and login method are choices changed with ←→.

mod fields;
mod input;
mod lookup;
mod password;

use tui_input::Input;

use crate::account::{Account, AuthMech, Protocol, Security, Service, email_domain};

use super::model::Screen;
use super::strings as s;

pub use fields::template;
use fields::{check, push_server_fields, share_password, write_field};
pub use lookup::Lookup;
pub use password::{MAX_PASSWORD, PasswordInput};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormTarget {
    Existing(usize),
    New,
}

/// One setting of a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Protocol,
    Host,
    Port,
    Security,
    Auth,
    User,
    Password,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldId {
    Email,
    Server(Service, Part),
}

impl FieldId {
    pub fn label(self) -> &'static str {
        match self {
            FieldId::Email => s::FIELD_EMAIL,
            FieldId::Server(_, part) => match part {
                Part::Protocol => s::FIELD_PROTOCOL,
                Part::Host => s::FIELD_HOST,
                Part::Port => s::FIELD_PORT,
                Part::Security => s::FIELD_SECURITY,
                Part::Auth => s::FIELD_AUTH,
                Part::User => s::FIELD_USER,
                Part::Password => s::FIELD_PASSWORD,
            },
        }
    }

    pub fn service(self) -> Option<Service> {
        match self {
            FieldId::Email => None,
            FieldId::Server(service, _) => Some(service),
        }
    }
}

#[derive(Debug)]
pub enum FieldValue {
    Text(Input),
    Password(PasswordInput),
    Protocol(Protocol),
    Security(Security),
    /// `none` is offered for outgoing servers only.
    Auth {
        mech: AuthMech,
        allow_none: bool,
    },
}

impl FieldValue {
    fn is_choice(&self) -> bool {
        matches!(
            self,
            FieldValue::Protocol(_) | FieldValue::Security(_) | FieldValue::Auth { .. }
        )
    }

    /// The choice as shown.
    pub fn choice_label(&self) -> Option<&'static str> {
        match self {
            FieldValue::Protocol(p) => Some(p.label()),
            FieldValue::Security(sec) => Some(sec.label()),
            FieldValue::Auth { mech, .. } => Some(mech.as_str()),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub struct Field {
    pub id: FieldId,
    pub value: FieldValue,
    pub error: Option<&'static str>,
}

impl Field {
    fn text(id: FieldId, value: &str) -> Field {
        Field {
            id,
            value: FieldValue::Text(Input::new(value.to_owned())),
            error: None,
        }
    }

    pub fn text_value(&self) -> Option<&str> {
        match &self.value {
            FieldValue::Text(input) => Some(input.value()),
            _ => None,
        }
    }
}

/// The form has a field in error (the first is `field`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid {
    pub field: usize,
}

#[derive(Debug)]
pub struct Form {
    pub target: FormTarget,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Where Esc and Enter lead.
    pub return_to: Screen,
    /// The settings the form started from.
    pub base: Account,
    /// The form-wide message ("please correct the marked field").
    pub error: Option<&'static str>,
    /// A new account's search for its servers.
    pub lookup: Lookup,
    /// Turns while the search runs.
    pub spinner: usize,
}

impl Form {
    /// The form over an existing account's settings.
    pub fn for_account(index: usize, account: &Account, return_to: Screen) -> Form {
        let mut fields = Vec::new();
        for service in [Service::Incoming, Service::Outgoing] {
            if let Some(server) = account.server(service) {
                push_server_fields(&mut fields, service, server);
            }
        }
        Form {
            target: FormTarget::Existing(index),
            fields,
            focus: 0,
            return_to,
            base: account.clone(),
            error: None,
            lookup: Lookup::Idle,
            spinner: 0,
        }
    }

    /// An empty form for a new account: the address first; the rest is
    /// filled with the usual settings once the address is known.
    pub fn new_account(return_to: Screen) -> Form {
        let base = template("");
        let mut fields = vec![Field::text(FieldId::Email, "")];
        for service in [Service::Incoming, Service::Outgoing] {
            if let Some(server) = base.server(service) {
                push_server_fields(&mut fields, service, server);
            }
        }
        Form {
            target: FormTarget::New,
            fields,
            focus: 0,
            return_to,
            base,
            error: None,
            lookup: Lookup::Idle,
            spinner: 0,
        }
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    pub fn next(&mut self) {
        if self.fields.is_empty() {
            return;
        }
        self.leave_field();
        self.focus = (self.focus + 1) % self.fields.len();
    }

    pub fn prev(&mut self) {
        if self.fields.is_empty() {
            return;
        }
        self.leave_field();
        self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
    }

    pub fn field(&self, id: FieldId) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    fn field_mut(&mut self, id: FieldId) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.id == id)
    }

    /// Leaving the address of a new account fills empty server names
    /// with its domain, the usual first guess; a check then shows the
    /// servers the domain really publishes.
    fn leave_field(&mut self) {
        if self.fields.get(self.focus).map(|f| f.id) != Some(FieldId::Email) {
            return;
        }
        let email = self
            .field(FieldId::Email)
            .and_then(Field::text_value)
            .unwrap_or_default()
            .to_owned();
        let Some(domain) = email_domain(&email) else {
            return;
        };
        for service in [Service::Incoming, Service::Outgoing] {
            if let Some(field) = self.field_mut(FieldId::Server(service, Part::Host))
                && let FieldValue::Text(input) = &mut field.value
                && input.value().trim().is_empty()
            {
                *input = Input::new(domain.clone());
            }
        }
    }

    /// Check every field and build the account. On error the fields say
    /// what is wrong and the focus moves to the first of them.
    pub fn apply(&mut self) -> Result<Account, Invalid> {
        self.leave_field();
        let mut account = self.base.clone();
        let mut first_error = None;
        for (i, field) in self.fields.iter_mut().enumerate() {
            field.error = check(field);
            if field.error.is_some() && first_error.is_none() {
                first_error = Some(i);
            }
        }
        if let Some(i) = first_error {
            self.focus = i;
            self.error = Some(s::ERR_FORM);
            return Err(Invalid { field: i });
        }
        self.error = None;
        if self.target == FormTarget::New {
            let email = self
                .field(FieldId::Email)
                .and_then(Field::text_value)
                .unwrap_or_default()
                .trim()
                .to_owned();
            account = template(&email);
        }
        for field in &mut self.fields {
            write_field(&mut account, field);
        }
        if self.target == FormTarget::New {
            share_password(&mut account);
        }
        for service in [Service::Incoming, Service::Outgoing] {
            let base = self.base.server(service).cloned();
            if let Some(server) = account.server_mut(service) {
                let default = server.protocol.default_port(server.security);
                let kept = base.is_some_and(|b| b.port_explicit && b.port == server.port);
                server.port_explicit = server.port != default || kept;
            }
        }
        Ok(account)
    }
}
