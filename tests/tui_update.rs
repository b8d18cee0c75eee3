//! `update` driven by key sequences, as a user would press them.

mod tui_fixtures;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use rstest::rstest;

use mailfix::account::Protocol;
use mailfix::account::{PasswordSource, Security, Service};
use mailfix::catalogue::Category;
use mailfix::event::{EventBody, RunId};
use mailfix::plan::Scope;
use mailfix::tui::form::{FieldId, FormTarget, Lookup, Part};
use mailfix::tui::save::SaveError;
use mailfix::tui::verdict::{RowState, cause_rows};
use mailfix::tui::{Effect, Msg, Screen, update};

use tui_fixtures::*;

#[test]
fn account_symptom_probing_verdict_form_and_reprobe() {
    let mut m = model();
    assert_eq!(m.screen, Screen::Account);

    assert!(feed(&mut m, [enter()]).is_empty());
    assert_eq!(m.screen, Screen::Symptom);
    assert_eq!(m.chosen, Some(0));

    let effects = feed(&mut m, [down(), enter()]);
    assert_eq!(
        effects,
        [Effect::StartRun {
            run: RunId(1),
            account: 0,
            settings: Box::new(work()),
            scope: Scope::Only(Category::Connect),
        }]
    );
    assert_eq!(m.screen, Screen::Probing);

    send_steps(&mut m, RunId(1));
    let run = m.run.as_ref().unwrap();
    assert_eq!(run.steps.len(), mid_run_steps().len());
    assert_eq!(run.transcript.len(), 3);
    assert_eq!(run.elapsed_ms, 2100.0);

    finish(&mut m, RunId(1), connect_diagnosis());
    assert_eq!(m.screen, Screen::Verdict);
    assert!(m.run.is_none());
    assert_eq!(m.verdict.category, Category::Connect);
    assert_eq!(m.verdict.cursor, 4, "the cursor rests on cause 5");

    // Edit the outgoing port by hand: e, down to the field, replace, Enter.
    feed(&mut m, [ch('e')]);
    assert_eq!(m.screen, Screen::Form);
    down_to(&mut m, FieldId::Server(Service::Outgoing, Part::Port));
    feed(&mut m, [ctrl('u')]);
    type_text(&mut m, "465");
    let effects = feed(&mut m, [enter()]);
    assert_eq!(effects.len(), 1);
    let Effect::StartRun { run, settings, .. } = &effects[0] else {
        panic!("{effects:?}");
    };
    assert_eq!(*run, RunId(2));
    assert_eq!(settings.outgoing.as_ref().unwrap().port, 465);
    assert_eq!(m.screen, Screen::Probing);
    assert!(m.accounts[0].changed());

    finish(&mut m, RunId(2), connect_fixed_diagnosis());
    assert_eq!(m.screen, Screen::Verdict);
    let before = m
        .compared_with()
        .expect("the first run is kept for comparison");
    let rows = cause_rows(
        Category::Connect,
        &m.last.as_ref().unwrap().diagnosis,
        Some(&before.diagnosis),
    );
    assert_eq!(rows[4].state(), RowState::Gone);
}

#[test]
fn f_applies_the_patch_and_checks_again() {
    let mut m = model();
    let run = start(&mut m, 0, 1);
    finish(&mut m, run, connect_diagnosis());
    assert!(m.available(mailfix::tui::keys::Action::Fix));

    let effects = feed(&mut m, [ch('f')]);
    let Effect::StartRun {
        run: second,
        settings,
        scope,
        ..
    } = &effects[0]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(*second, RunId(2));
    assert_eq!(*scope, Scope::Only(Category::Connect));
    let out = settings.outgoing.as_ref().unwrap();
    assert_eq!((out.port, out.security), (465, Security::Tls));
    assert_eq!(m.accounts[0].account.outgoing.as_ref().unwrap().port, 465);
    assert!(m.flash.as_ref().unwrap().text.contains("port 465"));
}

#[test]
fn f_without_a_patch_explains_and_does_nothing() {
    let mut m = model();
    let run = start(&mut m, 0, 2);
    finish(&mut m, run, login_diagnosis());
    assert!(feed(&mut m, [ch('f')]).is_empty());
    assert_eq!(m.screen, Screen::Verdict);
    assert!(m.flash.is_some());
}

#[test]
fn events_of_an_older_run_are_dropped() {
    let mut m = model();
    let first = start(&mut m, 0, 0);
    let effects = feed(&mut m, [ch('r')]);
    let second = started(&effects[0]);
    assert_ne!(first, second);

    send_steps(&mut m, first);
    let run = m.run.as_ref().unwrap();
    assert!(run.steps.is_empty() && run.transcript.is_empty());
    assert_eq!(run.elapsed_ms, 0.0);

    finish(&mut m, first, connect_diagnosis());
    assert_eq!(
        m.screen,
        Screen::Probing,
        "a stale report does not end the run"
    );
    assert!(m.last.is_none());

    send_steps(&mut m, second);
    assert_eq!(m.run.as_ref().unwrap().steps.len(), mid_run_steps().len());
    finish(&mut m, second, login_diagnosis());
    assert_eq!(m.screen, Screen::Verdict);
    assert_eq!(m.last.as_ref().unwrap().run, second);
}

#[test]
fn esc_while_probing_cancels_the_run() {
    let mut m = model();
    let run = start(&mut m, 1, 0);
    assert_eq!(feed(&mut m, [esc()]), [Effect::CancelRun(run)]);
    assert_eq!(m.screen, Screen::Symptom);
    assert!(m.run.is_none());
    // Its late report changes nothing.
    finish(&mut m, run, connect_diagnosis());
    assert_eq!(m.screen, Screen::Symptom);
    assert!(m.last.is_none());
}

#[test]
fn typing_q_in_a_text_field_is_text() {
    let mut m = model();
    feed(&mut m, [ch('e'), down()]);
    let host = FieldId::Server(Service::Incoming, Part::Host);
    assert_eq!(m.form.as_ref().unwrap().focused().unwrap().id, host);

    let effects = type_text(&mut m, "q?erwxljk");
    assert!(effects.is_empty());
    assert!(!m.quit && !m.help);
    assert_eq!(m.screen, Screen::Form);
    let form = m.form.as_ref().unwrap();
    assert_eq!(
        form.field(host).unwrap().text_value(),
        Some("mail.example.orgq?erwxljk")
    );
}

#[test]
fn the_password_field_masks_and_keeps_what_was_typed() {
    let mut m = model();
    feed(&mut m, [ch('e')]);
    down_to(&mut m, FieldId::Server(Service::Incoming, Part::Password));
    type_text(&mut m, "s3cret-q");
    let screen = render(&m);
    assert!(!screen.contains("s3cret"), "{screen}");
    assert!(screen.contains("********"), "{screen}");
    assert!(!format!("{:?}", m.form.as_ref().unwrap()).contains("s3cret"));

    feed(&mut m, [enter()]);
    assert_eq!(m.screen, Screen::Account);
    let PasswordSource::Literal(secret) =
        &m.accounts[0].account.incoming.as_ref().unwrap().password
    else {
        panic!("a typed password is a literal");
    };
    assert_eq!(secret.expose(), "s3cret-q");
}

#[test]
fn an_empty_password_field_keeps_the_password_source() {
    let mut m = model();
    feed(&mut m, [ch('e'), enter()]);
    assert_eq!(m.accounts[0].account, work());
    assert!(!m.accounts[0].changed());
}

#[test]
fn choices_cycle_and_the_standard_port_follows() {
    let mut m = model();
    // Incoming: protocol, host, port, security …
    feed(&mut m, [ch('e'), down(), down(), down()]);
    feed(&mut m, [key(KeyCode::Right)]);
    let form = m.form.as_ref().unwrap();
    let port = form
        .field(FieldId::Server(Service::Incoming, Part::Port))
        .unwrap();
    assert_eq!(
        port.text_value(),
        Some("143"),
        "993 was standard for TLS; STARTTLS takes 143"
    );
    // Letters do nothing on a choice; Space changes it.
    feed(&mut m, [ch('x'), ch(' ')]);
    let form = m.form.as_ref().unwrap();
    let port = form
        .field(FieldId::Server(Service::Incoming, Part::Port))
        .unwrap();
    assert_eq!(port.text_value(), Some("143"));
    feed(&mut m, [enter()]);
    let incoming = m.accounts[0].account.incoming.clone().unwrap();
    assert_eq!(incoming.security, Security::None);
    assert_eq!(incoming.port, 143);
    assert!(!incoming.port_explicit);
}

#[test]
fn a_bad_port_keeps_the_form_open() {
    let mut m = model();
    feed(&mut m, [ch('e'), down(), down(), ctrl('u')]);
    type_text(&mut m, "99999");
    assert!(feed(&mut m, [enter()]).is_empty());
    assert_eq!(m.screen, Screen::Form);
    let form = m.form.as_ref().unwrap();
    assert!(form.error.is_some());
    assert_eq!(
        form.focused().unwrap().id,
        FieldId::Server(Service::Incoming, Part::Port)
    );
    assert!(form.focused().unwrap().error.is_some());
    // Esc leaves without changes.
    feed(&mut m, [esc()]);
    assert_eq!(m.screen, Screen::Account);
    assert_eq!(m.accounts[0].account, work());
}

#[test]
fn starting_from_an_email_address() {
    let mut m = model();
    feed(&mut m, [down(), down(), enter()]);
    assert_eq!(m.screen, Screen::Form);
    assert_eq!(m.form.as_ref().unwrap().target, FormTarget::New);
    type_text(&mut m, "carol@example.com");
    // Leaving the address looks its servers up; until they come, the
    // domain itself is the guess.
    let effects = feed(&mut m, [down()]);
    assert_eq!(
        effects,
        [Effect::Discover {
            id: 1,
            email: "carol@example.com".into()
        }]
    );
    let form = m.form.as_ref().unwrap();
    assert_eq!(
        form.field(FieldId::Server(Service::Outgoing, Part::Host))
            .unwrap()
            .text_value(),
        Some("example.com")
    );
    assert!(feed(&mut m, [enter()]).is_empty());
    assert_eq!(m.screen, Screen::Symptom);
    assert_eq!(m.accounts.len(), 3);
    let entry = &m.accounts[2];
    assert!(entry.is_new);
    assert_eq!(entry.account.email, "carol@example.com");
    assert_eq!(entry.account.incoming.as_ref().unwrap().host, "example.com");
    assert_eq!(
        entry.account.incoming.as_ref().unwrap().username,
        "carol@example.com"
    );
    // And on to a check of it.
    let effects = feed(&mut m, [enter()]);
    assert!(matches!(&effects[0], Effect::StartRun { account: 2, .. }));
}

#[test]
fn n_and_an_address_fill_the_form_from_what_the_domain_publishes() {
    let mut m = model();
    feed(&mut m, [ch('n')]);
    assert_eq!(m.screen, Screen::Form);
    type_text(&mut m, "carol@example.com");
    // Enter on the address looks it up (it does not apply the form).
    let effects = feed(&mut m, [enter()]);
    assert_eq!(
        effects,
        [Effect::Discover {
            id: 1,
            email: "carol@example.com".into()
        }]
    );
    assert_eq!(m.screen, Screen::Form);
    assert!(m.busy(), "the spinner turns while it looks");
    update(
        &mut m,
        Msg::Tick {
            run: RunId(0),
            elapsed_ms: 0.0,
        },
    );
    assert_eq!(m.form.as_ref().unwrap().spinner, 1);

    // A result for another search is dropped.
    update(
        &mut m,
        Msg::Discovered {
            id: 7,
            result: Ok(Box::new(discovery("carol@example.com", true))),
        },
    );
    assert!(matches!(
        m.form.as_ref().unwrap().lookup,
        Lookup::Running { id: 1, .. }
    ));

    update(
        &mut m,
        Msg::Discovered {
            id: 1,
            result: Ok(Box::new(discovery("carol@example.com", true))),
        },
    );
    assert!(!m.busy());
    let form = m.form.as_ref().unwrap();
    let text = |service, part| {
        form.field(FieldId::Server(service, part))
            .and_then(|f| f.text_value())
            .map(str::to_owned)
    };
    assert_eq!(
        text(Service::Incoming, Part::Host).as_deref(),
        Some("pop.example.com")
    );
    assert_eq!(text(Service::Incoming, Part::Port).as_deref(), Some("995"));
    assert_eq!(
        text(Service::Outgoing, Part::Host).as_deref(),
        Some("smtp.example.com")
    );
    assert_eq!(text(Service::Outgoing, Part::Port).as_deref(), Some("587"));
    // On to the password, which only the user knows.
    assert_eq!(
        form.focused().map(|f| f.id),
        Some(FieldId::Server(Service::Incoming, Part::Password))
    );
    // The address was looked up: leaving it again does not repeat that.
    assert_eq!(form.email_to_look_up(), None);
    let to_email = vec![key(KeyCode::Up); 7];
    assert!(feed(&mut m, to_email).is_empty());
    assert_eq!(
        m.form.as_ref().unwrap().focused().map(|f| f.id),
        Some(FieldId::Email)
    );
    assert!(feed(&mut m, vec![down(); 7]).is_empty());

    type_text(&mut m, "pw-of-carol");
    feed(&mut m, [enter()]);
    assert_eq!(m.screen, Screen::Symptom);
    let account = &m.accounts[2].account;
    let incoming = account.incoming.as_ref().unwrap();
    assert_eq!(
        (
            incoming.protocol,
            incoming.host.as_str(),
            incoming.port,
            incoming.security
        ),
        (Protocol::Pop3, "pop.example.com", 995, Security::Tls)
    );
    let outgoing = account.outgoing.as_ref().unwrap();
    assert_eq!(
        (outgoing.port, outgoing.security),
        (587, Security::Starttls)
    );
    // One password typed: the outgoing server gets it too.
    assert_eq!(outgoing.password, incoming.password);
    assert!(matches!(outgoing.password, PasswordSource::Literal(_)));
}

#[test]
fn leaving_the_form_while_it_looks_cancels_the_search() {
    let mut m = model();
    feed(&mut m, [ch('n')]);
    type_text(&mut m, "carol@example.com");
    feed(&mut m, [enter()]);
    assert_eq!(feed(&mut m, [esc()]), [Effect::CancelDiscover(1)]);
    assert!(m.form.is_none() && !m.busy());
    // Its late answer changes nothing.
    update(
        &mut m,
        Msg::Discovered {
            id: 1,
            result: Err("cancelled".into()),
        },
    );
    assert_eq!(m.screen, Screen::Account);
    // An address that is not one is not looked up.
    feed(&mut m, [ch('n')]);
    type_text(&mut m, "carol");
    assert!(feed(&mut m, [down()]).is_empty());
}

#[test]
fn ctrl_c_quits_from_anywhere() {
    for prefix in [vec![], vec![ch('e')], vec![ch('?')], vec![enter(), enter()]] {
        let mut m = model();
        feed(&mut m, prefix);
        assert_eq!(feed(&mut m, [ctrl('c')]), [Effect::Quit]);
        assert!(m.quit);
    }
}

#[test]
fn q_inside_help_only_closes_help() {
    let mut m = model();
    feed(&mut m, [enter(), ch('?')]);
    assert!(m.help);
    assert!(feed(&mut m, [ch('q')]).is_empty());
    assert!(!m.help && !m.quit);
    assert_eq!(m.screen, Screen::Symptom);
    assert_eq!(feed(&mut m, [ch('q')]), [Effect::Quit]);
}

#[test]
fn only_presses_count() {
    let mut m = model();
    for kind in [KeyEventKind::Release, KeyEventKind::Repeat] {
        let msg = Msg::Key(KeyEvent {
            code: KeyCode::Enter,
            modifiers: KeyModifiers::NONE,
            kind,
            state: KeyEventState::NONE,
        });
        assert!(update(&mut m, msg).is_none());
    }
    assert_eq!(m.screen, Screen::Account);
}

#[test]
fn saving_in_the_demo_says_there_is_no_file() {
    let mut m = demo_model();
    let run = start(&mut m, 0, 1);
    finish(&mut m, run, connect_diagnosis());
    feed(&mut m, [ch('f')]);
    finish(&mut m, RunId(2), connect_fixed_diagnosis());
    assert!(feed(&mut m, [ch('w')]).is_empty());
    assert!(m.flash.as_ref().unwrap().text.contains("demo"));
}

#[test]
fn saving_goes_through_the_boundary() {
    let mut m = model();
    let run = start(&mut m, 0, 1);
    finish(&mut m, run, connect_diagnosis());
    assert!(feed(&mut m, [ch('w')]).is_empty(), "nothing changed yet");
    feed(&mut m, [ch('f')]);
    finish(&mut m, RunId(2), connect_fixed_diagnosis());
    let effects = feed(&mut m, [ch('w')]);
    let [
        Effect::Save {
            account,
            original_name,
            settings,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!((*account, original_name.as_str()), (0, "work"));
    assert_eq!(settings.outgoing.as_ref().unwrap().port, 465);

    update(&mut m, saved(settings, Err(SaveError::Unavailable)));
    assert!(m.flash.as_ref().unwrap().text.contains("no config file"));
    assert!(m.accounts[0].changed());

    update(
        &mut m,
        saved(
            settings,
            Ok("/home/alice/.config/mailfix/config.toml".into()),
        ),
    );
    assert!(!m.accounts[0].changed());
    assert!(!m.flash.as_ref().unwrap().text.contains("password"));
}

#[test]
fn a_failed_save_is_a_problem_and_keeps_the_change() {
    let mut m = model();
    m.accounts[0].account.outgoing.as_mut().unwrap().port = 465;
    let effects = feed(&mut m, [ch('w')]);
    let [Effect::Save { settings, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    update(
        &mut m,
        saved(
            settings,
            Err(SaveError::Failed("config.toml: permission denied".into())),
        ),
    );
    let flash = m.flash.as_ref().unwrap();
    assert!(flash.problem && flash.text.contains("permission denied"));
    assert!(m.accounts[0].changed());
}

#[test]
fn saving_a_typed_password_says_it_stays_out_of_the_file() {
    let mut m = model();
    feed(&mut m, [ch('e')]);
    down_to(&mut m, FieldId::Server(Service::Incoming, Part::Password));
    type_text(&mut m, "new-password");
    feed(&mut m, [enter()]);
    let effects = feed(&mut m, [ch('w')]);
    let [Effect::Save { settings, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    update(&mut m, saved(settings, Ok("config.toml".into())));
    let flash = m.flash.as_ref().unwrap();
    assert!(flash.text.contains("password is not written"), "{flash:?}");
    assert!(!flash.text.contains("new-password"));
}

#[test]
fn x_hands_the_finished_run_to_the_report_writer() {
    let mut m = model();
    let run = start(&mut m, 0, 0);
    finish(&mut m, run, everything_diagnosis());
    let effects = feed(&mut m, [ch('x')]);
    let [
        Effect::Export {
            stem,
            report,
            diagnosis,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(stem, "work");
    let last = m.last.as_ref().unwrap();
    assert_eq!(**report, last.report);
    assert_eq!(**diagnosis, everything_diagnosis());
}

#[test]
fn ticks_only_move_the_current_run() {
    let mut m = model();
    let run = start(&mut m, 0, 0);
    update(
        &mut m,
        Msg::Tick {
            run: RunId(99),
            elapsed_ms: 5000.0,
        },
    );
    assert_eq!(m.run.as_ref().unwrap().elapsed_ms, 0.0);
    update(
        &mut m,
        Msg::Tick {
            run,
            elapsed_ms: 300.0,
        },
    );
    let state = m.run.as_ref().unwrap();
    assert_eq!((state.elapsed_ms, state.spinner), (300.0, 1));
    update(
        &mut m,
        event(
            run,
            EventBody::Finished {
                elapsed_ms: 410.0,
                deadline_hit: false,
            },
        ),
    );
    assert_eq!(m.run.as_ref().unwrap().elapsed_ms, 410.0);
}

#[rstest]
#[case::everything(0, Category::Connect, 4)]
#[case::connect(1, Category::Connect, 4)]
#[case::login(2, Category::Login, 0)]
#[case::relay(4, Category::Relay, 0)]
fn the_verdict_opens_on_the_asked_category(
    #[case] symptom: usize,
    #[case] category: Category,
    #[case] cursor: usize,
) {
    let mut m = model();
    let run = start(&mut m, 0, symptom);
    finish(&mut m, run, everything_diagnosis());
    assert_eq!((m.verdict.category, m.verdict.cursor), (category, cursor));
}

#[test]
fn arrows_walk_the_categories_and_causes() {
    let mut m = model();
    let run = start(&mut m, 0, 0);
    finish(&mut m, run, everything_diagnosis());
    feed(&mut m, [key(KeyCode::Right)]);
    assert_eq!(m.verdict.category, Category::Login);
    assert_eq!(m.verdict.cursor, 0, "on Login's top finding");
    feed(&mut m, [key(KeyCode::Left), key(KeyCode::Left)]);
    assert_eq!(m.verdict.category, Category::Store, "wraps around");
    feed(&mut m, std::iter::repeat_n(ch('j'), 9));
    assert_eq!(m.verdict.cursor, 1, "stops at the last cause");
    feed(&mut m, [ch('k'), ch('k')]);
    assert_eq!(m.verdict.cursor, 0);
    // l opens the log, Esc comes back, Esc again goes to the symptoms.
    feed(&mut m, [ch('l')]);
    assert_eq!(m.screen, Screen::Log);
    feed(&mut m, [esc(), esc()]);
    assert_eq!(m.screen, Screen::Symptom);
}
