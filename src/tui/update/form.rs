//! Keys on the settings form. Only the form's command keys (arrows, Tab,
//! Enter, Esc, F1, Ctrl-C) are looked up in the key table; every other
//! key is text for the focused field, so typing "q" types a q.

use crossterm::event::KeyEvent;

use super::super::form::{FieldId, FormTarget, Lookup};
use super::super::keys::{self, Action};
use super::super::model::{AccountEntry, Model, Screen};
use super::super::msg::Effect;
use super::super::strings as s;
use super::{info, quit, start_run};

pub(super) fn key(model: &mut Model, key: KeyEvent) -> Option<Effect> {
    let Some(form) = model.form.as_mut() else {
        model.screen = Screen::Account;
        return None;
    };
    let on_email = form.focused().map(|f| f.id) == Some(FieldId::Email);
    match keys::action(Screen::Form, &key) {
        Some(Action::ForceQuit) => return quit(model),
        Some(Action::Help) => model.help = true,
        Some(Action::NextField) => form.next(),
        Some(Action::PrevField) => form.prev(),
        Some(Action::Left) => form.left_right(key, false),
        Some(Action::Right) => form.left_right(key, true),
        Some(Action::Back) => {
            let searching = match &form.lookup {
                Lookup::Running { id, .. } => Some(*id),
                _ => None,
            };
            model.screen = form.return_to;
            model.form = None;
            return searching.map(Effect::CancelDiscover);
        }
        // Enter on a new account's address looks its servers up first.
        Some(Action::Enter) if on_email && form.email_to_look_up().is_some() => form.next(),
        Some(Action::Enter) => return apply(model),
        _ => form.type_key(key),
    }
    // Leaving the address starts the search for its servers.
    if on_email { look_up(model) } else { None }
}

/// Ask the runtime to look up the servers of the new account's address,
/// if it is one and was not looked up yet.
fn look_up(model: &mut Model) -> Option<Effect> {
    let form = model.form.as_mut()?;
    if form.focused().map(|f| f.id) == Some(FieldId::Email) {
        return None;
    }
    let email = form.email_to_look_up()?;
    let id = model.next_lookup;
    model.next_lookup += 1;
    form.start_lookup(id, email.clone());
    Some(Effect::Discover { id, email })
}

/// Enter: take the settings. After a check, check again right away (the
/// user came to fix something); otherwise go back where the form was
/// opened from.
fn apply(model: &mut Model) -> Option<Effect> {
    let form = model.form.as_mut()?;
    let Ok(account) = form.apply() else {
        return None;
    };
    let (target, return_to) = (form.target, form.return_to);
    model.form = None;
    let index = match target {
        FormTarget::Existing(index) => {
            let entry = model.accounts.get_mut(index)?;
            entry.account = account;
            index
        }
        FormTarget::New => {
            let mut entry = AccountEntry::new(account, None);
            entry.is_new = true;
            model.accounts.push(entry);
            model.accounts.len() - 1
        }
    };
    match return_to {
        Screen::Verdict | Screen::Log => {
            let scope = model.last.as_ref().map(|o| o.scope).unwrap_or_default();
            start_run(model, index, scope)
        }
        _ => {
            if target == FormTarget::New {
                // Straight on to the symptom question for the new account.
                model.account_cursor = index;
                model.chosen = Some(index);
                model.symptom_cursor = 0;
                model.screen = Screen::Symptom;
            } else {
                model.screen = return_to;
                model.flash = Some(info(s::EDIT_APPLIED.into()));
            }
            None
        }
    }
}
