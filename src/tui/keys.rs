//! The one table of key bindings. `update` resolves keys through it, and
//! the footer and the help screen are drawn from it, so what the screen
//! promises is what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::model::Screen;
use super::strings::keys as s;

/// What a key asks for. The same action can mean slightly different
/// things on different screens (`Back` cancels a running check).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Enter,
    Back,
    Quit,
    ForceQuit,
    Help,
    Edit,
    Fix,
    Reprobe,
    Write,
    Export,
    Log,
    NextField,
    PrevField,
    /// A new account from an e-mail address.
    New,
    Home,
    End,
}

/// A key as written in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A printable character (Shift allowed, e.g. `?`).
    Char(char),
    /// Control plus a letter.
    Ctrl(char),
    Code(KeyCode),
}

impl Key {
    fn matches(self, event: &KeyEvent) -> bool {
        let plain = event.modifiers - KeyModifiers::SHIFT;
        match self {
            Key::Char(c) => event.code == KeyCode::Char(c) && plain.is_empty(),
            Key::Ctrl(c) => {
                event.modifiers.contains(KeyModifiers::CONTROL)
                    && matches!(event.code, KeyCode::Char(k) if k.eq_ignore_ascii_case(&c))
            }
            Key::Code(code) => event.code == code && plain.is_empty(),
        }
    }

    /// How the key is written on screen.
    pub fn label(self) -> String {
        match self {
            Key::Char(' ') => "Space".to_owned(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Code(code) => match code {
                KeyCode::Up => "↑".to_owned(),
                KeyCode::Down => "↓".to_owned(),
                KeyCode::Left => "←".to_owned(),
                KeyCode::Right => "→".to_owned(),
                KeyCode::Enter => "Enter".to_owned(),
                KeyCode::Esc => "Esc".to_owned(),
                KeyCode::Tab => "Tab".to_owned(),
                KeyCode::BackTab => "Shift-Tab".to_owned(),
                KeyCode::PageUp => "PgUp".to_owned(),
                KeyCode::PageDown => "PgDn".to_owned(),
                KeyCode::F(n) => format!("F{n}"),
                other => format!("{other:?}"),
            },
        }
    }
}

/// One row of the table.
#[derive(Debug)]
pub struct Binding {
    pub action: Action,
    pub keys: &'static [Key],
    /// The screens it works on.
    pub screens: &'static [Screen],
    /// The short word of the footer.
    pub what: &'static str,
    /// The sentence of the help screen.
    pub long: &'static str,
    /// The key label in the footer; `None` keeps it out of the footer.
    pub footer: Option<&'static str>,
}

use KeyCode as K;
use Screen::*;

const LISTS: &[Screen] = &[Account, Symptom, Verdict];
const SCROLLS: &[Screen] = &[Probing, Log];
const NOT_FORM: &[Screen] = &[Account, Symptom, Probing, Verdict, Log];
const ALL: &[Screen] = &[Account, Symptom, Probing, Verdict, Log, Form];

pub static BINDINGS: &[Binding] = &[
    Binding {
        action: Action::Up,
        keys: &[Key::Code(K::Up), Key::Char('k')],
        screens: LISTS,
        what: s::MOVE,
        long: s::MOVE_LONG,
        footer: Some("↑↓"),
    },
    Binding {
        action: Action::Down,
        keys: &[Key::Code(K::Down), Key::Char('j')],
        screens: LISTS,
        what: s::MOVE,
        long: s::MOVE_LONG,
        footer: None,
    },
    Binding {
        action: Action::Home,
        keys: &[Key::Code(K::Home), Key::Char('g')],
        screens: LISTS,
        what: s::MOVE,
        long: s::HOME_LONG,
        footer: None,
    },
    Binding {
        action: Action::End,
        keys: &[Key::Code(K::End), Key::Char('G')],
        screens: LISTS,
        what: s::MOVE,
        long: s::END_LONG,
        footer: None,
    },
    Binding {
        action: Action::Up,
        keys: &[Key::Code(K::Up), Key::Char('k')],
        screens: SCROLLS,
        what: s::SCROLL,
        long: s::SCROLL_LONG,
        footer: Some("↑↓"),
    },
    Binding {
        action: Action::Down,
        keys: &[Key::Code(K::Down), Key::Char('j')],
        screens: SCROLLS,
        what: s::SCROLL,
        long: s::SCROLL_LONG,
        footer: None,
    },
    Binding {
        action: Action::PageUp,
        keys: &[Key::Code(K::PageUp)],
        screens: SCROLLS,
        what: s::SCROLL,
        long: s::SCROLL_LONG,
        footer: None,
    },
    Binding {
        action: Action::PageDown,
        keys: &[Key::Code(K::PageDown)],
        screens: SCROLLS,
        what: s::SCROLL,
        long: s::SCROLL_LONG,
        footer: None,
    },
    Binding {
        action: Action::PageDown,
        keys: &[Key::Code(K::PageDown), Key::Char(' ')],
        screens: &[Verdict],
        what: s::DETAILS,
        long: s::DETAILS_LONG,
        footer: None,
    },
    Binding {
        action: Action::PageUp,
        keys: &[Key::Code(K::PageUp)],
        screens: &[Verdict],
        what: s::DETAILS,
        long: s::DETAILS_LONG,
        footer: None,
    },
    Binding {
        action: Action::Left,
        keys: &[Key::Code(K::Left)],
        screens: &[Verdict],
        what: s::CATEGORY,
        long: s::CATEGORY_LONG,
        footer: Some("←→"),
    },
    Binding {
        action: Action::Right,
        keys: &[Key::Code(K::Right)],
        screens: &[Verdict],
        what: s::CATEGORY,
        long: s::CATEGORY_LONG,
        footer: None,
    },
    Binding {
        action: Action::PrevField,
        keys: &[Key::Code(K::Up), Key::Code(K::BackTab)],
        screens: &[Form],
        what: s::FIELD,
        long: s::FIELD_LONG,
        footer: Some("↑↓"),
    },
    Binding {
        action: Action::NextField,
        keys: &[Key::Code(K::Down), Key::Code(K::Tab)],
        screens: &[Form],
        what: s::FIELD,
        long: s::FIELD_LONG,
        footer: None,
    },
    Binding {
        action: Action::Left,
        keys: &[Key::Code(K::Left)],
        screens: &[Form],
        what: s::CHANGE,
        long: s::CHANGE_LONG,
        footer: Some("←→"),
    },
    Binding {
        action: Action::Right,
        keys: &[Key::Code(K::Right)],
        screens: &[Form],
        what: s::CHANGE,
        long: s::CHANGE_LONG,
        footer: None,
    },
    Binding {
        action: Action::Enter,
        keys: &[Key::Code(K::Enter)],
        screens: &[Account, Symptom],
        what: s::NEXT,
        long: s::NEXT_LONG,
        footer: Some("Enter"),
    },
    Binding {
        action: Action::Enter,
        keys: &[Key::Code(K::Enter)],
        screens: &[Form],
        what: s::APPLY,
        long: s::APPLY_LONG,
        footer: Some("Enter"),
    },
    Binding {
        action: Action::New,
        keys: &[Key::Char('n')],
        screens: &[Account],
        what: s::NEW,
        long: s::NEW_LONG,
        footer: Some("n"),
    },
    Binding {
        action: Action::Fix,
        keys: &[Key::Char('f')],
        screens: &[Verdict],
        what: s::FIX,
        long: s::FIX_LONG,
        footer: Some("f"),
    },
    Binding {
        action: Action::Edit,
        keys: &[Key::Char('e')],
        screens: &[Account, Symptom, Verdict],
        what: s::EDIT,
        long: s::EDIT_LONG,
        footer: Some("e"),
    },
    Binding {
        action: Action::Reprobe,
        keys: &[Key::Char('r')],
        screens: &[Probing, Verdict, Log],
        what: s::REPROBE,
        long: s::REPROBE_LONG,
        footer: Some("r"),
    },
    Binding {
        action: Action::Log,
        keys: &[Key::Char('l')],
        screens: &[Verdict, Log],
        what: s::LOG,
        long: s::LOG_LONG,
        footer: Some("l"),
    },
    Binding {
        action: Action::Export,
        keys: &[Key::Char('x')],
        screens: &[Verdict, Log],
        what: s::EXPORT,
        long: s::EXPORT_LONG,
        footer: Some("x"),
    },
    Binding {
        action: Action::Write,
        keys: &[Key::Char('w')],
        screens: &[Account, Verdict],
        what: s::WRITE,
        long: s::WRITE_LONG,
        footer: Some("w"),
    },
    Binding {
        action: Action::Back,
        keys: &[Key::Code(K::Esc)],
        screens: &[Symptom, Probing, Verdict, Log],
        what: s::BACK,
        long: s::BACK_LONG,
        footer: Some("Esc"),
    },
    Binding {
        action: Action::Back,
        keys: &[Key::Code(K::Esc)],
        screens: &[Form],
        what: s::CANCEL,
        long: s::CANCEL_LONG,
        footer: Some("Esc"),
    },
    Binding {
        action: Action::Help,
        keys: &[Key::Char('?'), Key::Code(K::F(1))],
        screens: NOT_FORM,
        what: s::HELP,
        long: s::HELP_LONG,
        footer: Some("?"),
    },
    Binding {
        action: Action::Help,
        keys: &[Key::Code(K::F(1))],
        screens: &[Form],
        what: s::HELP,
        long: s::HELP_LONG,
        footer: Some("F1"),
    },
    Binding {
        action: Action::Quit,
        keys: &[Key::Char('q')],
        screens: NOT_FORM,
        what: s::QUIT,
        long: s::QUIT_LONG,
        footer: Some("q"),
    },
    Binding {
        action: Action::ForceQuit,
        keys: &[Key::Ctrl('c')],
        screens: ALL,
        what: s::QUIT,
        long: s::FORCE_QUIT_LONG,
        footer: None,
    },
];

/// The action `event` asks for on `screen`, if any. Only presses count:
/// repeats and releases (which some terminals report) are ignored, so a
/// key never acts twice.
pub fn action(screen: Screen, event: &KeyEvent) -> Option<Action> {
    if event.kind != KeyEventKind::Press {
        return None;
    }
    bindings_for(screen)
        .find(|b| b.keys.iter().any(|k| k.matches(event)))
        .map(|b| b.action)
}

/// The bindings that work on `screen`, in table order.
pub fn bindings_for(screen: Screen) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.screens.contains(&screen))
}

/// All keys of a binding, as shown in help: "↑ k".
pub fn keys_label(binding: &Binding) -> String {
    binding
        .keys
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventState;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn question_mark_with_shift_is_help() {
        let ev = press(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(action(Screen::Account, &ev), Some(Action::Help));
    }

    #[test]
    fn releases_and_repeats_do_nothing() {
        for kind in [KeyEventKind::Release, KeyEventKind::Repeat] {
            let ev = KeyEvent {
                code: KeyCode::Char('q'),
                modifiers: KeyModifiers::NONE,
                kind,
                state: KeyEventState::NONE,
            };
            assert_eq!(action(Screen::Account, &ev), None);
        }
    }

    #[test]
    fn letters_are_not_shortcuts_in_the_form() {
        for c in ['q', 'e', 'f', 'r', 'w', 'x', 'l', 'j', 'k', '?'] {
            let ev = press(KeyCode::Char(c), KeyModifiers::NONE);
            assert_eq!(action(Screen::Form, &ev), None, "{c}");
        }
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action(Screen::Form, &ctrl_c), Some(Action::ForceQuit));
    }

    #[test]
    fn control_letters_are_not_plain_letters() {
        let ev = press(KeyCode::Char('q'), KeyModifiers::CONTROL);
        assert_eq!(action(Screen::Verdict, &ev), None);
    }

    #[test]
    fn every_screen_can_be_left() {
        for screen in [
            Screen::Account,
            Screen::Symptom,
            Screen::Probing,
            Screen::Verdict,
            Screen::Log,
            Screen::Form,
        ] {
            assert!(
                bindings_for(screen).any(|b| b.action == Action::ForceQuit),
                "{screen:?}"
            );
            assert!(
                bindings_for(screen).any(|b| b.action == Action::Help),
                "{screen:?}"
            );
        }
    }
}
