//! What each action does on each screen (everything but the form).

use crate::catalogue::Category;

use super::super::cycle;
use super::super::form::Form;
use super::super::keys::Action;
use super::super::logtext;
use super::super::model::{Model, SYMPTOMS, Screen};
use super::super::msg::Effect;
use super::super::strings as s;
use super::super::verdict;
use super::{info, quit, save, start_run};

pub(super) fn action(model: &mut Model, action: Action) -> Option<Effect> {
    match action {
        Action::Quit | Action::ForceQuit => return quit(model),
        Action::Help => {
            model.help = true;
            return None;
        }
        _ => {}
    }
    match model.screen {
        Screen::Account => account(model, action),
        Screen::Symptom => symptom(model, action),
        Screen::Probing => probing(model, action),
        Screen::Verdict => verdict(model, action),
        Screen::Log => log(model, action),
        Screen::Form => None,
    }
}

fn step(cursor: &mut usize, len: usize, down: bool) {
    if len == 0 {
        *cursor = 0;
    } else if down {
        *cursor = (*cursor + 1).min(len - 1);
    } else {
        *cursor = cursor.saturating_sub(1);
    }
}

fn account(model: &mut Model, action: Action) -> Option<Effect> {
    // The last row is "start from an e-mail address".
    let rows = model.accounts.len() + 1;
    let on_new = model.account_cursor >= model.accounts.len();
    match action {
        // The list is long in the demo: it wraps around.
        Action::Up if model.account_cursor == 0 => model.account_cursor = rows - 1,
        Action::Down if model.account_cursor + 1 >= rows => model.account_cursor = 0,
        Action::Up | Action::Down => {
            step(&mut model.account_cursor, rows, action == Action::Down);
        }
        Action::Home => model.account_cursor = 0,
        Action::End => model.account_cursor = rows - 1,
        Action::New => {
            model.account_cursor = rows - 1;
            open_new_form(model);
        }
        Action::Enter if on_new => open_new_form(model),
        Action::Enter => {
            model.chosen = Some(model.account_cursor);
            model.symptom_cursor = 0;
            model.screen = Screen::Symptom;
        }
        Action::Edit if on_new => open_new_form(model),
        Action::Edit => open_form(model, model.account_cursor),
        Action::Write if !on_new => return save(model, model.account_cursor),
        _ => {}
    }
    None
}

fn open_new_form(model: &mut Model) {
    model.form = Some(Form::new_account(model.screen));
    model.screen = Screen::Form;
}

fn open_form(model: &mut Model, index: usize) {
    let Some(entry) = model.accounts.get(index) else {
        return;
    };
    let form = Form::for_account(index, &entry.account, model.screen);
    if form.fields.is_empty() {
        model.flash = Some(info(s::FORM_NO_SERVERS.into()));
        return;
    }
    model.form = Some(form);
    model.screen = Screen::Form;
}

fn symptom(model: &mut Model, action: Action) -> Option<Effect> {
    let chosen = model.chosen?;
    match action {
        Action::Up | Action::Down => {
            step(
                &mut model.symptom_cursor,
                SYMPTOMS.len(),
                action == Action::Down,
            );
        }
        Action::Home => model.symptom_cursor = 0,
        Action::End => model.symptom_cursor = SYMPTOMS.len() - 1,
        Action::Enter => {
            let scope = SYMPTOMS[model.symptom_cursor.min(SYMPTOMS.len() - 1)];
            return start_run(model, chosen, scope);
        }
        Action::Edit => open_form(model, chosen),
        Action::Back => model.screen = Screen::Account,
        _ => {}
    }
    None
}

fn probing(model: &mut Model, action: Action) -> Option<Effect> {
    let run = model.run.as_mut()?;
    let page = usize::from(model.size.1 / 2).max(1);
    let lines = run.transcript.len();
    match action {
        Action::Up => run.scroll = (run.scroll + 1).min(lines),
        Action::Down => run.scroll = run.scroll.saturating_sub(1),
        Action::PageUp => run.scroll = (run.scroll + page).min(lines),
        Action::PageDown => run.scroll = run.scroll.saturating_sub(page),
        Action::Reprobe => {
            let (account, scope) = (run.account, run.scope);
            return start_run(model, account, scope);
        }
        Action::Back => {
            let id = run.id;
            model.run = None;
            model.screen = Screen::Symptom;
            model.flash = Some(info(s::CANCELLED.into()));
            return Some(Effect::CancelRun(id));
        }
        _ => {}
    }
    None
}

fn verdict(model: &mut Model, action: Action) -> Option<Effect> {
    let outcome = model.last.as_ref()?;
    let rows = model.verdict.category.causes().count();
    if matches!(
        action,
        Action::Up | Action::Down | Action::Left | Action::Right | Action::Home | Action::End
    ) {
        model.verdict.scroll = 0;
    }
    let page = usize::from(model.size.1 / 3).max(1);
    match action {
        Action::Up | Action::Down => {
            step(&mut model.verdict.cursor, rows, action == Action::Down);
        }
        Action::Home => model.verdict.cursor = 0,
        Action::End => model.verdict.cursor = rows.saturating_sub(1),
        Action::PageDown => {
            let max = super::super::view::detail_overflow(model);
            model.verdict.scroll = (model.verdict.scroll + page).min(max);
        }
        Action::PageUp => {
            let max = super::super::view::detail_overflow(model);
            model.verdict.scroll = model.verdict.scroll.min(max).saturating_sub(page);
        }
        Action::Left | Action::Right => {
            let next = cycle(
                &Category::ALL,
                model.verdict.category,
                action == Action::Right,
            );
            model.verdict.category = next;
            model.verdict.cursor = verdict::top_row(next, &outcome.diagnosis);
        }
        Action::Fix => return fix(model),
        Action::Edit => open_form(model, outcome.account),
        Action::Reprobe => {
            let (account, scope) = (outcome.account, outcome.scope);
            return start_run(model, account, scope);
        }
        Action::Log => {
            model.log_scroll = 0;
            model.screen = Screen::Log;
        }
        Action::Export => return export(model),
        Action::Write => return save(model, outcome.account),
        Action::Back => model.screen = Screen::Symptom,
        _ => {}
    }
    None
}

/// `f`: apply the selected finding's settings patch and check again.
fn fix(model: &mut Model) -> Option<Effect> {
    let Some((service, patch)) = model.selected_patch() else {
        model.flash = Some(info(s::NO_FIX.into()));
        return None;
    };
    let patch = patch.clone();
    let outcome = model.last.as_ref()?;
    let (index, scope) = (outcome.account, outcome.scope);
    let entry = model.accounts.get_mut(index)?;
    if !patch.apply(&mut entry.account, service) {
        model.flash = Some(info(s::NO_FIX.into()));
        return None;
    }
    let effect = start_run(model, index, scope);
    model.flash = Some(info(s::fix_applied(&patch.describe())));
    effect
}

fn export(model: &mut Model) -> Option<Effect> {
    let Some(outcome) = model.last.as_ref() else {
        model.flash = Some(info(s::NO_REPORT_YET.into()));
        return None;
    };
    Some(Effect::Export {
        stem: outcome.settings().name.clone(),
        report: Box::new(outcome.report.clone()),
        diagnosis: Box::new(outcome.diagnosis.clone()),
    })
}

fn log(model: &mut Model, action: Action) -> Option<Effect> {
    let page = usize::from(model.size.1 / 2).max(1);
    // The log's body is the screen less title, gap, status and footer.
    let visible = usize::from(model.size.1.saturating_sub(4));
    let total = model.last.as_ref().map_or(0, |o| logtext::lines(o).len());
    let max = total.saturating_sub(visible);
    match action {
        Action::Up => model.log_scroll = model.log_scroll.saturating_sub(1),
        Action::Down => model.log_scroll = (model.log_scroll + 1).min(max),
        Action::PageUp => model.log_scroll = model.log_scroll.saturating_sub(page),
        Action::PageDown => model.log_scroll = (model.log_scroll + page).min(max),
        Action::Log | Action::Back => model.screen = Screen::Verdict,
        Action::Export => return export(model),
        Action::Reprobe => {
            let outcome = model.last.as_ref()?;
            let (account, scope) = (outcome.account, outcome.scope);
            return start_run(model, account, scope);
        }
        _ => {}
    }
    None
}
