//! "Start from an e-mail address": once the address is typed, the form
//! asks the runtime to look up what its domain publishes and what answers
//! (`probe::discover`), and fills the server fields with the proposal.
//! The search runs in the background; the form stays usable, and a result
//! for an address no longer in the field is dropped.

use tui_input::Input;

use crate::account::{Protocol, Service};
use crate::probe::discover::Discovery;

use super::{FieldId, FieldValue, Form, FormTarget, Part};

/// Where the search for the address's servers stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Lookup {
    #[default]
    Idle,
    Running {
        id: u64,
        email: String,
    },
    Done(Box<Discovery>),
    Failed {
        email: String,
        reason: String,
    },
}

impl Lookup {
    pub fn is_running(&self) -> bool {
        matches!(self, Lookup::Running { .. })
    }

    /// The address this state is about.
    fn email(&self) -> Option<&str> {
        match self {
            Lookup::Idle => None,
            Lookup::Running { email, .. } | Lookup::Failed { email, .. } => Some(email),
            Lookup::Done(found) => Some(&found.email),
        }
    }
}

impl Form {
    /// The address to look up: a new account's, when it is an address and
    /// not the one looked up (or being looked up) already.
    pub fn email_to_look_up(&self) -> Option<String> {
        if self.target != FormTarget::New {
            return None;
        }
        let field = self.field(FieldId::Email)?;
        if super::fields::check(field).is_some() {
            return None;
        }
        let email = field.text_value()?.trim().to_owned();
        (self.lookup.email() != Some(email.as_str())).then_some(email)
    }

    pub fn start_lookup(&mut self, id: u64, email: String) {
        self.lookup = Lookup::Running { id, email };
    }

    /// The search `id` ended; false when it is not the one the form waits
    /// for (an older address), and nothing changed.
    pub fn finish_lookup(&mut self, id: u64, result: Result<Discovery, String>) -> bool {
        let Lookup::Running { id: waiting, email } = &self.lookup else {
            return false;
        };
        if *waiting != id {
            return false;
        }
        self.lookup = match result {
            Ok(found) => {
                self.fill(&found);
                // Still right after the address: on to what only the
                // user knows, the password.
                if found.incoming.is_some() && self.focus == 1 {
                    let password = FieldId::Server(Service::Incoming, Part::Password);
                    if let Some(i) = self.fields.iter().position(|f| f.id == password) {
                        self.focus = i;
                    }
                }
                Lookup::Done(Box::new(found))
            }
            Err(reason) => Lookup::Failed {
                email: email.clone(),
                reason,
            },
        };
        true
    }

    /// Put the proposed protocol, server, port and security into the
    /// fields; login method, user and password stay as they are.
    fn fill(&mut self, found: &Discovery) {
        for service in [Service::Incoming, Service::Outgoing] {
            let Some(proposal) = found.proposal(service) else {
                continue;
            };
            let e = &proposal.endpoint;
            for field in self.fields.iter_mut() {
                let FieldId::Server(svc, part) = field.id else {
                    continue;
                };
                if svc != service {
                    continue;
                }
                match (part, &mut field.value) {
                    (Part::Protocol, FieldValue::Protocol(p)) if e.protocol != Protocol::Smtp => {
                        *p = e.protocol;
                    }
                    (Part::Host, FieldValue::Text(input)) => *input = Input::new(e.host.clone()),
                    (Part::Port, FieldValue::Text(input)) => {
                        *input = Input::new(e.port.to_string());
                    }
                    (Part::Security, FieldValue::Security(s)) => *s = e.security,
                    _ => continue,
                }
                field.error = None;
            }
        }
    }
}
