//! Keys typed into the form's fields: text (tui-input), the masked
//! password, and the choices that ←→ or Space change (a standard port
//! follows a change of protocol or security).

use crossterm::event::{Event as CtEvent, KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

use crate::account::{AuthMech, Protocol, Security, Service};

use super::super::cycle;
use super::{Field, FieldId, FieldValue, Form, Part};

/// Longest text a text field takes (characters; the password field has
/// its own limit, `MAX_PASSWORD`).
const MAX_TEXT: usize = 255;

const INCOMING_AUTH: [AuthMech; 5] = [
    AuthMech::Auto,
    AuthMech::Plain,
    AuthMech::Login,
    AuthMech::CramMd5,
    AuthMech::Xoauth2,
];
const OUTGOING_AUTH: [AuthMech; 6] = [
    AuthMech::Auto,
    AuthMech::Plain,
    AuthMech::Login,
    AuthMech::CramMd5,
    AuthMech::Xoauth2,
    AuthMech::None,
];
const SECURITIES: [Security; 3] = [Security::Tls, Security::Starttls, Security::None];
const PROTOCOLS: [Protocol; 2] = [Protocol::Imap, Protocol::Pop3];

impl Form {
    /// ←/→: change a choice, or move the cursor in a text field.
    pub fn left_right(&mut self, key: KeyEvent, forward: bool) {
        if self
            .fields
            .get(self.focus)
            .is_some_and(|f| f.value.is_choice())
        {
            self.cycle_focused(forward);
        } else {
            self.type_key(key);
        }
    }

    /// A key that is not a form command: text for text fields, ignored by
    /// choices except Space, which changes them.
    pub fn type_key(&mut self, key: KeyEvent) {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        match &mut field.value {
            FieldValue::Text(input) => {
                if let Some(request) = to_input_request(&CtEvent::Key(key)) {
                    let before = input.value().chars().count();
                    let grows = matches!(request, tui_input::InputRequest::InsertChar(_));
                    if !(grows && before >= MAX_TEXT) {
                        input.handle(request);
                        field.error = None;
                    }
                }
            }
            FieldValue::Password(pw) => match key.code {
                KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => pw.clear(),
                KeyCode::Char(c)
                    if !key
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                {
                    pw.push(c);
                    field.error = None;
                }
                KeyCode::Backspace => pw.pop(),
                _ => {}
            },
            _ => {
                if key.code == KeyCode::Char(' ') {
                    self.cycle_focused(true);
                }
            }
        }
    }

    fn cycle_focused(&mut self, forward: bool) {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        let FieldId::Server(service, _) = field.id else {
            return;
        };
        let before = self.endpoint_of(service);
        let field = &mut self.fields[self.focus];
        match &mut field.value {
            FieldValue::Protocol(p) => *p = cycle(&PROTOCOLS, *p, forward),
            FieldValue::Security(sec) => *sec = cycle(&SECURITIES, *sec, forward),
            FieldValue::Auth { mech, allow_none } => {
                let options: &[AuthMech] = if *allow_none {
                    &OUTGOING_AUTH
                } else {
                    &INCOMING_AUTH
                };
                *mech = cycle(options, *mech, forward);
            }
            _ => return,
        }
        // A port that was the standard one follows protocol and security.
        let after = self.endpoint_of(service);
        if let (Some((p0, s0)), Some((p1, s1))) = (before, after) {
            let old_default = p0.default_port(s0).to_string();
            let new_default = p1.default_port(s1).to_string();
            if let Some(port) = self.field_mut(FieldId::Server(service, Part::Port))
                && let FieldValue::Text(input) = &mut port.value
                && input.value() == old_default
            {
                *input = Input::new(new_default);
            }
        }
    }

    fn endpoint_of(&self, service: Service) -> Option<(Protocol, Security)> {
        let protocol = match self.field(FieldId::Server(service, Part::Protocol)) {
            Some(Field {
                value: FieldValue::Protocol(p),
                ..
            }) => *p,
            _ => self.base.server(service)?.protocol,
        };
        let security = match self.field(FieldId::Server(service, Part::Security))?.value {
            FieldValue::Security(sec) => sec,
            _ => return None,
        };
        Some((protocol, security))
    }
}
