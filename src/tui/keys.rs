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

use Action as A;
use Key::{Char, Code, Ctrl};
use KeyCode as K;
use Screen::*;

const LISTS: &[Screen] = &[Account, Symptom, Verdict];
const SCROLLS: &[Screen] = &[Probing, Log];
const NOT_FORM: &[Screen] = &[Account, Symptom, Probing, Verdict, Log];
const ALL: &[Screen] = &[Account, Symptom, Probing, Verdict, Log, Form];

/// One row of [`BINDINGS`].
const fn bind(
    action: Action,
    keys: &'static [Key],
    screens: &'static [Screen],
    what: &'static str,
    long: &'static str,
    footer: Option<&'static str>,
) -> Binding {
    Binding {
        action,
        keys,
        screens,
        what,
        long,
        footer,
    }
}

/// Earlier rows win where two would take the same key on one screen.
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    //   action        keys                              screens                            footer word  help sentence       footer key
    bind(A::Up,        &[Code(K::Up), Char('k')],        LISTS,                             s::MOVE,     s::MOVE_LONG,       Some("↑↓")),
    bind(A::Down,      &[Code(K::Down), Char('j')],      LISTS,                             s::MOVE,     s::MOVE_LONG,       None),
    bind(A::Home,      &[Code(K::Home), Char('g')],      LISTS,                             s::MOVE,     s::HOME_LONG,       None),
    bind(A::End,       &[Code(K::End), Char('G')],       LISTS,                             s::MOVE,     s::END_LONG,        None),
    bind(A::Up,        &[Code(K::Up), Char('k')],        SCROLLS,                           s::SCROLL,   s::SCROLL_LONG,     Some("↑↓")),
    bind(A::Down,      &[Code(K::Down), Char('j')],      SCROLLS,                           s::SCROLL,   s::SCROLL_LONG,     None),
    bind(A::PageUp,    &[Code(K::PageUp)],               SCROLLS,                           s::SCROLL,   s::SCROLL_LONG,     None),
    bind(A::PageDown,  &[Code(K::PageDown)],             SCROLLS,                           s::SCROLL,   s::SCROLL_LONG,     None),
    bind(A::PageDown,  &[Code(K::PageDown), Char(' ')],  &[Verdict],                        s::DETAILS,  s::DETAILS_LONG,    None),
    bind(A::PageUp,    &[Code(K::PageUp)],               &[Verdict],                        s::DETAILS,  s::DETAILS_LONG,    None),
    bind(A::Left,      &[Code(K::Left)],                 &[Verdict],                        s::CATEGORY, s::CATEGORY_LONG,   Some("←→")),
    bind(A::Right,     &[Code(K::Right)],                &[Verdict],                        s::CATEGORY, s::CATEGORY_LONG,   None),
    bind(A::PrevField, &[Code(K::Up), Code(K::BackTab)], &[Form],                           s::FIELD,    s::FIELD_LONG,      Some("↑↓")),
    bind(A::NextField, &[Code(K::Down), Code(K::Tab)],   &[Form],                           s::FIELD,    s::FIELD_LONG,      None),
    bind(A::Left,      &[Code(K::Left)],                 &[Form],                           s::CHANGE,   s::CHANGE_LONG,     Some("←→")),
    bind(A::Right,     &[Code(K::Right)],                &[Form],                           s::CHANGE,   s::CHANGE_LONG,     None),
    bind(A::Enter,     &[Code(K::Enter)],                &[Account, Symptom],               s::NEXT,     s::NEXT_LONG,       Some("Enter")),
    bind(A::Enter,     &[Code(K::Enter)],                &[Form],                           s::APPLY,    s::APPLY_LONG,      Some("Enter")),
    bind(A::New,       &[Char('n')],                     &[Account],                        s::NEW,      s::NEW_LONG,        Some("n")),
    bind(A::Fix,       &[Char('f')],                     &[Verdict],                        s::FIX,      s::FIX_LONG,        Some("f")),
    bind(A::Edit,      &[Char('e')],                     &[Account, Symptom, Verdict],      s::EDIT,     s::EDIT_LONG,       Some("e")),
    bind(A::Reprobe,   &[Char('r')],                     &[Probing, Verdict, Log],          s::REPROBE,  s::REPROBE_LONG,    Some("r")),
    bind(A::Log,       &[Char('l')],                     &[Verdict, Log],                   s::LOG,      s::LOG_LONG,        Some("l")),
    bind(A::Export,    &[Char('x')],                     &[Verdict, Log],                   s::EXPORT,   s::EXPORT_LONG,     Some("x")),
    bind(A::Write,     &[Char('w')],                     &[Account, Verdict],               s::WRITE,    s::WRITE_LONG,      Some("w")),
    bind(A::Back,      &[Code(K::Esc)],                  &[Symptom, Probing, Verdict, Log], s::BACK,     s::BACK_LONG,       Some("Esc")),
    bind(A::Back,      &[Code(K::Esc)],                  &[Form],                           s::CANCEL,   s::CANCEL_LONG,     Some("Esc")),
    bind(A::Help,      &[Char('?'), Code(K::F(1))],      NOT_FORM,                          s::HELP,     s::HELP_LONG,       Some("?")),
    bind(A::Help,      &[Code(K::F(1))],                 &[Form],                           s::HELP,     s::HELP_LONG,       Some("F1")),
    bind(A::Quit,      &[Char('q')],                     NOT_FORM,                          s::QUIT,     s::QUIT_LONG,       Some("q")),
    bind(A::ForceQuit, &[Ctrl('c')],                     ALL,                               s::QUIT,     s::FORCE_QUIT_LONG, None),
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
