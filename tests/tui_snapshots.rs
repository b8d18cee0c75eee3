//! Every screen and state at 80×24, drawn by `view` on a `TestBackend`.
//! Reports and diagnoses are hand-built literals (see `tui_fixtures`).

mod tui_fixtures;

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use rstest::rstest;

use mailfix::account::Service;
use mailfix::event::{EventBody, RunId};
use mailfix::finding::Diagnosis;
use mailfix::tui::{Model, Msg, update, view};

use tui_fixtures::*;

fn verdict(symptom: usize, diagnosis: Diagnosis) -> Model {
    let mut m = model();
    let run = start(&mut m, 0, symptom);
    send_steps(&mut m, run);
    finish(&mut m, run, diagnosis);
    m
}

#[test]
fn account_list() {
    assert_snapshot!(render(&model()));
}

#[test]
fn account_list_demo_with_warnings_and_notes() {
    let mut m = demo_model();
    feed(&mut m, [down()]);
    assert_snapshot!(render(&m));
}

#[test]
fn account_list_without_accounts() {
    let m = Model::new(vec![], vec![], false, true);
    assert_snapshot!(render(&m));
}

#[test]
fn account_list_on_start_from_address() {
    let mut m = model();
    feed(&mut m, [down(), down()]);
    assert_snapshot!(render(&m));
}

#[test]
fn symptom() {
    let mut m = model();
    feed(&mut m, [enter(), down()]);
    assert_snapshot!(render(&m));
}

#[test]
fn probing_mid_run() {
    let mut m = model();
    let run = start(&mut m, 0, 0);
    send_steps(&mut m, run);
    assert_snapshot!(render(&m));
}

/// A run with more steps than lines: the local block shrinks to its
/// heading, and what went fine merges into one row per run of steps.
#[test]
fn probing_a_long_run_compacts() {
    use mailfix::account::Service::{Incoming, Outgoing};
    use mailfix::event::StepKind::*;
    use mailfix::event::StepStatus::*;
    let mut m = model();
    let run = start(&mut m, 0, 0);
    let (imap, smtp) = ("mail.example.org:993", "mail.example.org:587");
    let (refused, store) = ("not run: the login was refused", "/home/alice/Mail/work");
    let steps = numbered([
        step(None, Local, "interfaces and routes", Ok, "eth0").took(1.0),
        step(Some(Incoming), Dns, "mail.example.org A", Ok, "203.0.113.7").took(3.0),
        step(Some(Incoming), Connect, imap, Ok, "203.0.113.7: connected").took(2.0),
        step(Some(Incoming), Stability, imap, Running, ""),
        step(Some(Incoming), Tls, imap, Ok, "TLSv1.3").took(4.0),
        step(Some(Incoming), Greeting, imap, Ok, "* OK ready").took(1.0),
        step(Some(Incoming), Capabilities, imap, Ok, "AUTH PLAIN").took(1.0),
        step(Some(Incoming), Login, imap, Ok, "accepted (plain)").took(2.0),
        step(Some(Incoming), Mailbox, imap, Ok, "3 messages").took(1.0),
        step(Some(Outgoing), Connect, smtp, Ok, "203.0.113.7: connected").took(2.0),
        step(Some(Outgoing), Stability, smtp, Running, ""),
        step(Some(Outgoing), Greeting, smtp, Ok, "220 ready").took(1.0),
        step(Some(Outgoing), Capabilities, smtp, Ok, "STARTTLS").took(1.0),
        step(Some(Outgoing), Starttls, smtp, Ok, "220 go ahead").took(30.0),
        step(Some(Outgoing), Tls, smtp, Ok, "TLSv1.3").took(3.0),
        step(Some(Outgoing), Login, smtp, Failed, "rejected: 535 5.7.8").took(2.0),
        step(Some(Outgoing), Relay, smtp, Skipped, refused),
        step(Some(Service::Store), Store, store, Ok, "writable").took(1.0),
    ]);
    for st in steps {
        update(&mut m, event(run, EventBody::Step(st)));
    }
    assert_snapshot!(render(&m));
}

#[test]
fn probing_just_started() {
    let mut m = model();
    start(&mut m, 1, 2);
    assert_snapshot!(render(&m));
}

#[rstest]
#[case::connect(1, connect_diagnosis())]
#[case::login(2, login_diagnosis())]
#[case::broken(3, broken_diagnosis())]
#[case::relay(4, relay_diagnosis())]
#[case::store(5, store_diagnosis())]
#[case::everything(0, everything_diagnosis())]
fn verdict_per_category(#[case] symptom: usize, #[case] diagnosis: Diagnosis) {
    let m = verdict(symptom, diagnosis);
    let name = format!("verdict_{}", m.verdict.category.as_str());
    let name = if symptom == 0 {
        "verdict_everything".to_owned()
    } else {
        name
    };
    assert_snapshot!(name, render(&m));
}

#[test]
fn verdict_ruled_out_cause_selected() {
    let mut m = verdict(1, connect_diagnosis());
    feed(&mut m, [key(KeyCode::Up), key(KeyCode::Up)]);
    assert_snapshot!(render(&m));
}

#[test]
fn verdict_category_not_checked() {
    let mut m = verdict(2, login_diagnosis());
    feed(
        &mut m,
        [
            key(KeyCode::Right),
            key(KeyCode::Right),
            key(KeyCode::Right),
        ],
    );
    assert_snapshot!(render(&m));
}

#[test]
fn verdict_after_fix_and_reprobe_shows_gone() {
    let mut m = verdict(1, connect_diagnosis());
    feed(&mut m, [ch('f')]);
    finish(&mut m, RunId(2), connect_fixed_diagnosis());
    let screen = render(&m);
    assert!(screen.contains("gone"), "{screen}");
    assert!(screen.contains("no problem found"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn probing_again_after_fix() {
    let mut m = verdict(1, connect_diagnosis());
    feed(&mut m, [ch('f')]);
    assert_snapshot!(render(&m));
}

#[test]
fn log_screen() {
    let mut m = verdict(2, login_diagnosis());
    feed(&mut m, [ch('l')]);
    assert_snapshot!(render(&m));
}

#[test]
fn form_edit() {
    let mut m = model();
    feed(&mut m, [ch('e'), down(), down(), down()]);
    assert_snapshot!(render(&m));
}

#[test]
fn form_with_an_error() {
    let mut m = model();
    feed(&mut m, [ch('e'), down(), down(), ctrl('u')]);
    type_text(&mut m, "99999");
    feed(&mut m, [enter()]);
    assert_snapshot!(render(&m));
}

#[test]
fn form_new_account() {
    let mut m = model();
    feed(&mut m, [down(), down(), enter()]);
    type_text(&mut m, "carol@example.com");
    feed(&mut m, [down()]);
    assert_snapshot!(render(&m));
}

#[test]
fn form_new_account_filled_from_dns() {
    let mut m = model();
    feed(&mut m, [ch('n')]);
    type_text(&mut m, "carol@example.com");
    feed(&mut m, [enter()]);
    update(
        &mut m,
        Msg::Discovered {
            id: 1,
            result: Ok(Box::new(discovery("carol@example.com", true))),
        },
    );
    assert_snapshot!(render(&m));
}

/// A taller, wider terminal: each ruled-out reason on a line of its own.
#[test]
fn verdict_connect_at_100x36() {
    let m = verdict(1, connect_diagnosis());
    assert_snapshot!(render_at(&m, 100, 36));
}

/// A short detail pane: the rule says how much is below, PgDn shows it,
/// and the one-key fix stays in view.
#[test]
fn verdict_long_details_scroll() {
    let mut d = connect_diagnosis();
    for i in 0..12 {
        d.findings[0]
            .evidence
            .push(format!("more evidence, line {i}"));
    }
    let mut m = verdict(1, d);
    let before = render(&m);
    assert!(before.contains("more: PgDn"), "{before}");
    assert!(before.contains("[f] port 465, security tls"), "{before}");
    feed(&mut m, [key(KeyCode::PageDown)]);
    let after = render(&m);
    assert!(after.contains("▲ PgUp"), "{after}");
    assert!(after.contains("more evidence, line 11"), "{after}");
    assert!(after.contains("[f] port 465, security tls"), "{after}");
    assert_snapshot!(after);
}

#[test]
fn help_over_the_verdict() {
    let mut m = verdict(1, connect_diagnosis());
    feed(&mut m, [ch('?')]);
    assert_snapshot!(render(&m));
}

#[test]
fn help_over_the_form() {
    let mut m = model();
    feed(&mut m, [ch('e'), key(KeyCode::F(1))]);
    assert_snapshot!(render(&m));
}

#[rstest]
#[case::narrow(79, 24)]
#[case::short(80, 23)]
#[case::tiny(40, 10)]
fn too_small(#[case] width: u16, #[case] height: u16) {
    let m = verdict(1, connect_diagnosis());
    let screen = render_at(&m, width, height);
    assert!(screen.contains("Please enlarge"), "{screen}");
    assert_snapshot!(format!("too_small_{width}x{height}"), screen);
}

#[test]
fn tiny_sizes_never_panic() {
    let m = verdict(0, everything_diagnosis());
    for (w, h) in [(0, 0), (1, 1), (80, 1), (1, 24), (200, 60)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal.draw(|frame| view(&m, frame)).unwrap();
    }
}

/// Colour is a second channel: with it off no cell has a colour, and
/// the glyphs are the same.
#[test]
fn no_color_draws_the_same_text_without_colour() {
    let mut coloured = verdict(1, connect_diagnosis());
    let mut plain = verdict(1, connect_diagnosis());
    plain.color = false;
    coloured.color = true;
    let cells = |m: &Model| {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal.draw(|frame| view(m, frame)).unwrap();
        terminal.backend().buffer().clone()
    };
    let (a, b) = (cells(&coloured), cells(&plain));
    assert!(a.content.iter().any(|c| c.fg != Color::Reset));
    assert!(
        b.content
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
    );
    let text = |buf: &ratatui::buffer::Buffer| -> String {
        buf.content.iter().map(|c| c.symbol().to_owned()).collect()
    };
    assert_eq!(text(&a), text(&b));
}

/// A server's words cannot smuggle terminal escapes onto the screen, even
/// if they got past the engine's escaping.
#[test]
fn control_characters_from_a_server_are_not_drawn() {
    use mailfix::account::Service;
    use mailfix::event::EventBody;
    use mailfix::evidence::Direction;
    use mailfix::tui::update;

    let mut m = model();
    let run = start(&mut m, 0, 0);
    update(
        &mut m,
        event(
            run,
            EventBody::Transcript {
                service: Service::Incoming,
                line: line(Direction::Server, "* OK \u{1b}]0;pwned\u{7}\u{1b}[2J", 5.0),
            },
        ),
    );
    let mut d = connect_diagnosis();
    d.findings[0].title = "bad \u{1b}[31m title".into();
    d.findings[0]
        .evidence
        .push("greeting \u{1b}[2J said".into());
    let probing = render(&m);
    finish(&mut m, run, d);
    let verdict = render(&m);
    // Shown, marked, never sent raw to the terminal.
    assert!(
        probing.contains("* OK \u{FFFD}]0;pwned\u{FFFD}\u{FFFD}[2J"),
        "{probing}"
    );
    assert!(verdict.contains("bad \u{FFFD}[31m title"), "{verdict}");
    assert!(verdict.contains("greeting \u{FFFD}[2J said"), "{verdict}");
    for screen in [probing, verdict] {
        assert!(
            !screen.chars().any(|c| c == '\u{1b}' || c == '\u{7}'),
            "{screen}"
        );
    }
}

/// A run that died still ends on a verdict that says so, not a spinner.
#[test]
fn a_run_that_died_says_so() {
    use mailfix::tui::runtime::failed_run;
    use mailfix::tui::{Msg, Screen, update};

    let mut m = model();
    let run = start(&mut m, 0, 0);
    let (report, diagnosis) = failed_run(work(), "task panicked");
    update(
        &mut m,
        Msg::RunFinished {
            run,
            report: Box::new(report),
            diagnosis: Box::new(diagnosis),
        },
    );
    assert_eq!(m.screen, Screen::Verdict);
    let screen = render(&m);
    assert!(
        screen.contains("✗ Problem: The check stopped unexpectedly (task panicked)"),
        "{screen}"
    );
    assert!(!m.last.as_ref().unwrap().diagnosis.is_ok());
}
