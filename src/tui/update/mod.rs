//! `update`: the only place the model changes. Pure: no I/O, no clock;
//! whatever needs the outside world is returned as an [`Effect`].

mod form;
mod screens;

use crossterm::event::KeyEventKind;

use crate::event::{EventBody, RunId};
use crate::plan::Scope;

use super::keys;
use super::model::{Flash, Model, Outcome, RunState, Screen};
use super::msg::{Effect, Msg};
use super::save::SaveError;
use super::strings as s;
use super::verdict;

pub fn update(model: &mut Model, msg: Msg) -> Option<Effect> {
    match msg {
        Msg::Key(key) => {
            if key.kind != KeyEventKind::Press {
                return None;
            }
            model.flash = None;
            if model.help {
                return help_key(model, key);
            }
            if model.screen == Screen::Form {
                return form::key(model, key);
            }
            let action = keys::action(model.screen, &key)?;
            screens::action(model, action)
        }
        Msg::Tick { run, elapsed_ms } => {
            if let Some(state) = model.run.as_mut().filter(|r| r.id == run) {
                state.elapsed_ms = elapsed_ms;
                state.spinner = state.spinner.wrapping_add(1);
            }
            if let Some(form) = model.form.as_mut().filter(|f| f.lookup.is_running()) {
                form.spinner = form.spinner.wrapping_add(1);
            }
            None
        }
        Msg::Probe(event) => {
            let state = model.run.as_mut().filter(|r| r.id == event.run)?;
            match event.body {
                EventBody::Step(step) => state.record_step(step),
                EventBody::Transcript { service, line } => state.record_line(service, line),
                EventBody::Observed(_) => {}
                EventBody::Finished { elapsed_ms, .. } => state.elapsed_ms = elapsed_ms,
            }
            None
        }
        Msg::Resize(width, height) => {
            model.size = (width, height);
            None
        }
        Msg::RunFinished {
            run,
            report,
            diagnosis,
        } => {
            finish_run(model, run, *report, *diagnosis);
            None
        }
        Msg::Saved {
            account,
            settings,
            result,
        } => {
            model.flash = Some(match result {
                Ok(path) => {
                    let mut text = s::saved(&path.display().to_string());
                    if let Some(entry) = model.accounts.get_mut(account) {
                        if typed_password(&entry.loaded, &settings) {
                            text.push(' ');
                            text.push_str(s::PASSWORD_NOT_SAVED);
                        }
                        entry.loaded = *settings;
                        entry.is_new = false;
                    }
                    info(text)
                }
                Err(SaveError::Unavailable) => info(s::SAVE_UNAVAILABLE.into()),
                Err(SaveError::Failed(reason)) => problem(s::save_failed(&reason)),
            });
            None
        }
        Msg::Discovered { id, result } => {
            if let Some(form) = model.form.as_mut() {
                form.finish_lookup(id, result.map(|found| *found));
            }
            None
        }
        Msg::Exported(result) => {
            model.flash = Some(match result {
                Ok(path) => info(s::exported(&path.display().to_string())),
                Err(reason) => problem(s::export_failed(&reason)),
            });
            None
        }
    }
}

/// A password was typed in the form since the settings were loaded: the
/// config writer keeps literal passwords out of the file, so say so.
fn typed_password(loaded: &crate::account::Account, saved: &crate::account::Account) -> bool {
    use crate::account::{PasswordSource, Service};
    [Service::Incoming, Service::Outgoing]
        .into_iter()
        .any(|svc| {
            let now = saved.server(svc).map(|s| &s.password);
            matches!(now, Some(PasswordSource::Literal(_)))
                && now != loaded.server(svc).map(|s| &s.password)
        })
}

/// With help open, keys only close it (or quit the program).
fn help_key(model: &mut Model, key: crossterm::event::KeyEvent) -> Option<Effect> {
    use crossterm::event::{KeyCode, KeyModifiers};
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return quit(model);
    }
    if matches!(
        key.code,
        KeyCode::Char('q') | KeyCode::Char('?') | KeyCode::Esc | KeyCode::F(1)
    ) {
        model.help = false;
    }
    None
}

pub(super) fn quit(model: &mut Model) -> Option<Effect> {
    model.quit = true;
    Some(Effect::Quit)
}

pub(super) fn info(text: String) -> Flash {
    Flash {
        text,
        problem: false,
    }
}

pub(super) fn problem(text: String) -> Flash {
    Flash {
        text,
        problem: true,
    }
}

/// Begin a run on account `index`; the runtime cancels any run in flight.
pub(super) fn start_run(model: &mut Model, index: usize, scope: Scope) -> Option<Effect> {
    let settings = model.accounts.get(index)?.account.clone();
    let id = RunId(model.next_run);
    model.next_run += 1;
    model.chosen = Some(index);
    model.run = Some(RunState::new(id, index, scope, settings.clone()));
    model.screen = Screen::Probing;
    Some(Effect::StartRun {
        run: id,
        account: index,
        settings: Box::new(settings),
        scope,
    })
}

fn finish_run(
    model: &mut Model,
    run: RunId,
    report: crate::evidence::Report,
    diagnosis: crate::finding::Diagnosis,
) {
    let Some(state) = model.run.take_if(|r| r.id == run) else {
        return;
    };
    let outcome = Outcome {
        run,
        account: state.account,
        scope: state.scope,
        report,
        diagnosis,
    };
    model.previous = match model.last.take() {
        Some(last) if last.account == outcome.account => Some(last),
        _ => None,
    };
    model.verdict = match &model.previous {
        // Checked again: the same screen shows what changed.
        Some(previous) if model.screen == Screen::Probing && previous.scope == outcome.scope => {
            verdict::reprobe_view(model.verdict, &outcome.diagnosis, &previous.diagnosis)
        }
        previous => verdict::initial_view(
            outcome.scope,
            &outcome.diagnosis,
            previous.as_ref().map(|p| &p.diagnosis),
        ),
    };
    // "Checking again…" is over.
    model.flash = None;
    model.last = Some(outcome);
    model.log_scroll = 0;
    if model.screen == Screen::Probing {
        model.screen = Screen::Verdict;
    }
}

/// `w`: hand the account's settings to the runtime to save.
pub(super) fn save(model: &mut Model, index: usize) -> Option<Effect> {
    let entry = model.accounts.get(index)?;
    if !entry.changed() {
        model.flash = Some(info(s::SAVE_NOTHING.into()));
        return None;
    }
    if !model.can_save {
        model.flash = Some(info(s::SAVE_DEMO.into()));
        return None;
    }
    Some(Effect::Save {
        account: index,
        original_name: entry.loaded.name.clone(),
        settings: Box::new(entry.account.clone()),
    })
}
