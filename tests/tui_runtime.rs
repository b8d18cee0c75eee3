//! The real runtime loop on a `TestBackend`, with scripted terminal
//! events: keys drive a probe run through the engine to the verdict, idle
//! draws nothing, resizes redraw, `x` writes a report file.
//!
//! The account points at a loopback port nobody listens on, and DNS at a
//! loopback port nobody answers, so whatever the engine does stays on
//! 127.0.0.1.

mod tui_fixtures;

use std::io;
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::time::Duration;

use crossterm::event::{
    Event as CtEvent, KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers, MouseEvent,
    MouseEventKind,
};
use futures::channel::mpsc::{UnboundedSender, unbounded};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::timeout;

use mailfix::account::{Protocol, Security};
use mailfix::plan::Limits;
use mailfix::probe::ProbeOptions;
use mailfix::tui::model::AccountEntry;
use mailfix::tui::runtime::{Context, FrameInfo, drive};
use mailfix::tui::{Model, Screen};

use tui_fixtures::*;

fn closed_tcp_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn silent_dns() -> SocketAddr {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

fn loopback_model() -> Model {
    let mut account = work();
    account.name = "loopback".into();
    account.email = "alice@example.invalid".into();
    account.incoming = Some(server(
        Protocol::Imap,
        "127.0.0.1",
        closed_tcp_port(),
        Security::Tls,
    ));
    account.outgoing = None;
    account.store = None;
    Model::new(vec![AccountEntry::new(account, None)], vec![], false, false)
}

fn context(export_dir: &std::path::Path) -> (Context, UnboundedReceiver<FrameInfo>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let options = ProbeOptions {
        dns_server: Some(silent_dns()),
        ..ProbeOptions::default()
    };
    let ctx = Context {
        options: vec![options.clone()],
        fallback: options,
        config_path: None,
        limits: Limits::from_timeout(Duration::from_secs(1)),
        export_dir: export_dir.to_owned(),
        frames: Some(tx),
    };
    (ctx, rx)
}

fn press(keys: &UnboundedSender<io::Result<CtEvent>>, code: KeyCode) {
    keys.unbounded_send(Ok(CtEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))))
        .unwrap();
}

/// The next frame that satisfies `pred`.
async fn wait_for(
    frames: &mut UnboundedReceiver<FrameInfo>,
    pred: impl Fn(&FrameInfo) -> bool,
) -> FrameInfo {
    timeout(Duration::from_secs(30), async {
        loop {
            let frame = frames.recv().await.expect("the loop ended early");
            if pred(&frame) {
                return frame;
            }
        }
    })
    .await
    .expect("the screen never came")
}

/// No frame within `quiet`.
async fn stays_quiet(frames: &mut UnboundedReceiver<FrameInfo>, quiet: Duration) -> bool {
    timeout(quiet, frames.recv()).await.is_err()
}

#[tokio::test]
async fn keys_run_a_check_to_the_verdict_then_export_and_quit() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, mut frames) = context(dir.path());
    let mut model = loopback_model();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let (keys, input) = unbounded();

    let script = async {
        wait_for(&mut frames, |f| f.screen == Screen::Account).await;
        press(&keys, KeyCode::Enter);
        wait_for(&mut frames, |f| f.screen == Screen::Symptom).await;
        press(&keys, KeyCode::Enter);
        wait_for(&mut frames, |f| f.screen == Screen::Verdict && !f.running).await;

        // Idle: nothing to draw, so nothing is drawn.
        assert!(stays_quiet(&mut frames, Duration::from_millis(400)).await);

        // Noise that is not a key press draws nothing either.
        keys.unbounded_send(Ok(CtEvent::Mouse(MouseEvent {
            kind: MouseEventKind::Moved,
            column: 3,
            row: 4,
            modifiers: KeyModifiers::NONE,
        })))
        .unwrap();
        keys.unbounded_send(Ok(CtEvent::Key(KeyEvent {
            code: KeyCode::Char('q'),
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Release,
            state: KeyEventState::NONE,
        })))
        .unwrap();
        assert!(stays_quiet(&mut frames, Duration::from_millis(200)).await);

        // A resize redraws.
        keys.unbounded_send(Ok(CtEvent::Resize(80, 24))).unwrap();
        wait_for(&mut frames, |_| true).await;

        // x: one frame for the key, one when the file is written.
        press(&keys, KeyCode::Char('x'));
        wait_for(&mut frames, |_| true).await;
        wait_for(&mut frames, |_| true).await;
        press(&keys, KeyCode::Char('q'));
    };

    let (result, ()) = tokio::join!(drive(&mut terminal, input, &mut model, &ctx), script);
    let stats = result.unwrap();
    assert!(model.quit);
    assert!(model.last.is_some(), "the run finished with a report");
    assert!(stats.frames >= 5, "{stats:?}");

    let written: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    assert!(written[0].ends_with("mailfix-report-loopback.md"));
    let text = std::fs::read_to_string(&written[0]).unwrap();
    // The helpdesk report of `output::markdown`, as `check --report` writes it.
    assert!(
        text.starts_with("# mailfix report\n\n- Generated: "),
        "{text}"
    );
    assert!(text.contains("## Account loopback"), "{text}");
    assert!(text.contains("### Steps"), "{text}");
    assert!(!text.contains(PASSWORD));
}

#[tokio::test]
async fn ctrl_c_ends_the_loop_and_the_end_of_input_too() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _frames) = context(dir.path());
    let mut model = loopback_model();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let (keys, input) = unbounded();
    keys.unbounded_send(Ok(CtEvent::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    ))))
    .unwrap();
    drive(&mut terminal, input, &mut model, &ctx).await.unwrap();
    assert!(model.quit);

    let mut model = loopback_model();
    let (keys, input) = unbounded::<io::Result<CtEvent>>();
    drop(keys);
    drive(&mut terminal, input, &mut model, &ctx).await.unwrap();
    assert!(!model.quit);
}

#[tokio::test]
async fn a_terminal_error_is_returned_not_swallowed() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _frames) = context(dir.path());
    let mut model = loopback_model();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let (keys, input) = unbounded();
    keys.unbounded_send(Err(io::Error::other("tty gone")))
        .unwrap();
    let err = drive(&mut terminal, input, &mut model, &ctx)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("tty gone"));
}

/// `w` writes through the config module: the changed port lands in the
/// file, the user's comment stays, the password stays out.
#[tokio::test]
async fn w_saves_the_changed_settings_into_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let original = "\
# my mail
[[accounts]]
name = \"work\"   # the office
email = \"alice@example.org\"

[accounts.outgoing]
host = \"mail.example.org\"
port = 587
security = \"starttls\"
password_command = \"pass show mail\"
";
    std::fs::write(&path, original).unwrap();
    let loaded = mailfix::config::load(&path).unwrap();
    let account = loaded.accounts[0].clone();

    let (mut ctx, mut frames) = context(dir.path());
    ctx.config_path = Some(path.clone());
    let mut model = Model::new(vec![AccountEntry::new(account, None)], vec![], false, true);
    let outgoing = model.accounts[0].account.outgoing.as_mut().unwrap();
    outgoing.port = 465;
    outgoing.security = Security::Tls;

    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let (keys, input) = unbounded();
    let script = async {
        wait_for(&mut frames, |_| true).await;
        press(&keys, KeyCode::Char('w'));
        wait_for(&mut frames, |_| true).await;
        wait_for(&mut frames, |_| true).await;
        press(&keys, KeyCode::Char('q'));
    };
    let (result, ()) = tokio::join!(drive(&mut terminal, input, &mut model, &ctx), script);
    result.unwrap();

    assert!(!model.accounts[0].changed(), "{:?}", model.flash);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("# my mail") && text.contains("# the office"),
        "{text}"
    );
    assert!(text.contains("port = 465"), "{text}");
    assert!(text.contains("security = \"tls\""), "{text}");
    assert!(
        text.contains("password_command = \"pass show mail\""),
        "{text}"
    );
    let again = mailfix::config::load(&path).unwrap();
    assert_eq!(again.accounts[0].outgoing.as_ref().unwrap().port, 465);
}
