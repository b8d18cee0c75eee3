use super::*;
use crate::account::Protocol;
use rstest::rstest;

fn typed(keys: &[Key]) -> (MaskedLine, Status, String) {
    let mut line = MaskedLine::new();
    let mut echo = String::new();
    let mut status = Status::Editing;
    for key in keys {
        let (s, e) = line.apply(*key);
        echo.push_str(&e);
        status = s;
        if s != Status::Editing {
            break;
        }
    }
    (line, status, echo)
}

fn chars(text: &str) -> Vec<Key> {
    text.chars().map(Key::Char).collect()
}

#[rstest]
#[case::plain(chars("hunter2"), "hunter2", "*******")]
#[case::backspace(
    [chars("hunx"), vec![Key::Backspace], chars("ter2")].concat(),
    "hunter2",
    "****\u{8} \u{8}****"
)]
#[case::backspace_on_empty(
    [vec![Key::Backspace], chars("ab")].concat(),
    "ab",
    "**"
)]
#[case::clear_line(
    [chars("wrong"), vec![Key::ClearLine], chars("ok")].concat(),
    "ok",
    "*****\u{8} \u{8}\u{8} \u{8}\u{8} \u{8}\u{8} \u{8}\u{8} \u{8}**"
)]
#[case::ignored_keys(
    [chars("a"), vec![Key::Ignore, Key::Char('\u{1b}')], chars("b")].concat(),
    "ab",
    "**"
)]
#[case::one_star_per_character(chars("pässwörd€"), "pässwörd€", "*********")]
fn editing(#[case] keys: Vec<Key>, #[case] want: &str, #[case] echo_before_enter: &str) {
    let keys = [keys, vec![Key::Enter]].concat();
    let (line, status, echo) = typed(&keys);
    assert_eq!(status, Status::Done);
    assert_eq!(echo, format!("{echo_before_enter}\r\n"));
    assert!(!echo.contains(want), "the password is never echoed");
    assert_eq!(line.finish().unwrap().expose(), want);
}

#[test]
fn enter_alone_gives_nothing() {
    let (line, status, _) = typed(&[Key::Enter]);
    assert_eq!(status, Status::Done);
    assert!(line.finish().is_none());
}

#[test]
fn abort_stops_and_keys_after_it_are_not_taken() {
    let keys = [
        chars("sec"),
        vec![Key::Abort],
        chars("ret"),
        vec![Key::Enter],
    ]
    .concat();
    let (line, status, echo) = typed(&keys);
    assert_eq!(status, Status::Aborted);
    assert_eq!(echo, "***^C\r\n");
    assert_eq!(line.len(), 3);
}

#[test]
fn the_buffer_is_bounded_and_never_reallocates() {
    let mut line = MaskedLine::new();
    let capacity = line.text.capacity();
    let mut bells = 0;
    for _ in 0..MAX_BYTES + 10 {
        let (_, echo) = line.apply(Key::Char('x'));
        bells += usize::from(echo == "\u{7}");
    }
    assert_eq!(line.len(), MAX_BYTES);
    assert_eq!(bells, 10);
    assert_eq!(line.text.capacity(), capacity);
}

fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

#[rstest]
#[case(press(KeyCode::Char('a'), KeyModifiers::NONE), true, Key::Char('a'))]
#[case(press(KeyCode::Char('A'), KeyModifiers::SHIFT), true, Key::Char('A'))]
#[case(press(KeyCode::Char('c'), KeyModifiers::CONTROL), false, Key::Abort)]
#[case(press(KeyCode::Char('d'), KeyModifiers::CONTROL), true, Key::Abort)]
#[case(press(KeyCode::Char('d'), KeyModifiers::CONTROL), false, Key::Ignore)]
#[case(
    press(KeyCode::Char('u'), KeyModifiers::CONTROL),
    false,
    Key::ClearLine
)]
#[case(
    press(KeyCode::Char('h'), KeyModifiers::CONTROL),
    false,
    Key::Backspace
)]
#[case(press(KeyCode::Char('@'), KeyModifiers::CONTROL | KeyModifiers::ALT), false, Key::Char('@'))]
#[case(press(KeyCode::Backspace, KeyModifiers::NONE), false, Key::Backspace)]
#[case(press(KeyCode::Enter, KeyModifiers::NONE), false, Key::Enter)]
#[case(press(KeyCode::Esc, KeyModifiers::NONE), false, Key::Abort)]
#[case(press(KeyCode::Left, KeyModifiers::NONE), false, Key::Ignore)]
fn keys(#[case] event: KeyEvent, #[case] empty: bool, #[case] want: Key) {
    assert_eq!(key_of(&event, empty), want);
}

#[test]
fn key_releases_are_ignored() {
    let mut event = press(KeyCode::Char('a'), KeyModifiers::NONE);
    event.kind = KeyEventKind::Release;
    assert_eq!(key_of(&event, true), Key::Ignore);
}

#[test]
fn pasted_text_stops_at_the_line_break() {
    let mut line = MaskedLine::new();
    let (status, echo) = paste(&mut line, "abc\ndef");
    assert_eq!(status, Status::Done);
    assert_eq!(echo, "***\r\n");
    assert_eq!(line.finish().unwrap().expose(), "abc");
}

fn server(protocol: Protocol, security: Security, auth: AuthMech) -> ServerSettings {
    ServerSettings::standard(protocol, "mail.example.org", security)
        .with_auth(auth)
        .with_username("alice@example.org")
}

#[rstest]
#[case::tls(Security::Tls, AuthMech::Auto, false, false, true)]
#[case::starttls(Security::Starttls, AuthMech::Plain, false, false, true)]
#[case::auth_none(Security::Tls, AuthMech::None, false, false, false)]
#[case::has_source(Security::Tls, AuthMech::Auto, true, false, false)]
#[case::plaintext_not_allowed(Security::None, AuthMech::Auto, false, false, false)]
#[case::plaintext_allowed(Security::None, AuthMech::Auto, false, true, true)]
fn who_wants_a_password(
    #[case] security: Security,
    #[case] auth: AuthMech,
    #[case] has_source: bool,
    #[case] allow_plaintext: bool,
    #[case] want: bool,
) {
    let mut s = server(Protocol::Imap, security, auth);
    if has_source {
        s.password = PasswordSource::Env("PW".into());
    }
    s.allow_plaintext_auth = allow_plaintext;
    assert_eq!(wants_password(&s), want);
}

#[test]
fn one_prompt_names_every_server_that_wants_it() {
    let mut account = Account {
        name: "work".into(),
        email: "alice@example.org".into(),
        incoming: Some(server(Protocol::Imap, Security::Tls, AuthMech::Auto)),
        outgoing: Some(server(Protocol::Smtp, Security::Starttls, AuthMech::Plain)),
        store: None,
    };
    assert_eq!(
        label(&account).unwrap(),
        "Password for alice@example.org (account work: IMAP mail.example.org:993 TLS, \
         SMTP mail.example.org:587 STARTTLS; Enter alone skips): "
    );
    account.outgoing.as_mut().unwrap().auth = AuthMech::None;
    account.incoming.as_mut().unwrap().password = PasswordSource::Command("pass".into());
    assert_eq!(label(&account), None, "nothing to ask");
}
