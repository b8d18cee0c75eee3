//! `f` on the demo: for every lab sample whose finding carries a settings
//! patch, the real wizard loop (runtime, engine, diagnose, view) checks
//! the sample, shows the cause with its `[f]` hint, applies the patch on
//! `f`, checks again and shows the cause gone. Where the lab's servers for
//! the patched settings are healthy the category reads "no problem
//! found"; two samples honestly cannot go green from the patch alone (see
//! `EXPECTED`). And "start from an e-mail address" on the demo: `n`, the
//! healthy sample's address, and the form fills from the lab's DNS.

use std::io;
use std::time::Duration;

use crossterm::event::{Event as CtEvent, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc::{UnboundedSender, unbounded};
use futures::future::join_all;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::timeout;

use mailfix::catalogue::{CauseId, ids};
use mailfix::lab::{Lab, Sample};
use mailfix::plan::Limits;
use mailfix::probe::ProbeOptions;
use mailfix::tui::model::AccountEntry;
use mailfix::tui::runtime::{Context, FrameInfo, drive};
use mailfix::tui::{Model, Screen};

/// What a sample shows, and what checking again after `f` shows: `None`
/// for nothing at all, or the cause that honestly takes its place.
const EXPECTED: &[(&str, CauseId, Option<CauseId>)] = &[
    ("wrong-address", ids::WRONG_ADDRESS, None),
    ("wrong-protocol", ids::WRONG_PROTOCOL, None),
    ("wrong-port", ids::WRONG_PORT, None),
    ("tls-mismatch", ids::TLS_MISMATCH, None),
    ("tls-required", ids::TLS_MISMATCH, None),
    ("outside-blocked", ids::OUTSIDE_BLOCKED, None),
    ("wrong-mechanism", ids::MECH_NOT_OFFERED, None),
    ("wrong-server", ids::WRONG_SERVER, None),
    ("relay-denied", ids::AUTH_REQUIRED, None),
    // The server takes OAuth2 tokens only: with XOAUTH2 the stored
    // password is sent as a token and refused. The user needs a token.
    (
        "oauth-only",
        ids::MECH_NOT_OFFERED,
        Some(ids::BAD_CREDENTIALS),
    ),
    // The domain's own server sends as the address, but it does not know
    // the internet provider's login: it needs the family account's.
    (
        "foreign-sender",
        ids::SENDER_NOT_ALLOWED,
        Some(ids::BAD_CREDENTIALS),
    ),
];

fn press(keys: &UnboundedSender<io::Result<CtEvent>>, code: KeyCode) {
    keys.unbounded_send(Ok(CtEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))))
        .unwrap();
}

/// The verdict frame after a run: a frame with a run in flight first,
/// then the verdict with none.
async fn verdict_frame(frames: &mut UnboundedReceiver<FrameInfo>) {
    timeout(Duration::from_secs(60), async {
        let mut ran = false;
        loop {
            let f = frames.recv().await.expect("the loop ended early");
            ran |= f.running;
            if ran && f.screen == Screen::Verdict && !f.running {
                return;
            }
        }
    })
    .await
    .expect("the verdict never came");
}

/// Run the wizard loop until the verdict of the run `keys` start, then
/// stop it (the input ends); the screen it drew last.
async fn until_verdict(
    terminal: &mut Terminal<TestBackend>,
    model: &mut Model,
    ctx: &Context,
    frames: &mut UnboundedReceiver<FrameInfo>,
    keys: &[KeyCode],
) -> String {
    let (tx, input) = unbounded();
    for key in keys {
        press(&tx, *key);
    }
    let script = async {
        verdict_frame(frames).await;
        drop(tx);
    };
    let (result, ()) = tokio::join!(drive(terminal, input, model, ctx), script);
    result.unwrap();
    terminal.backend().to_string()
}

/// The wizard's context on the lab with `sample`'s network, DNS and CA
/// (for its account and for accounts made in the wizard), and the frames
/// it draws.
fn lab_context(sample: &Sample) -> (Context, UnboundedReceiver<FrameInfo>) {
    let (frames_tx, frames) = tokio::sync::mpsc::unbounded_channel();
    let options = ProbeOptions {
        state_dir: None,
        ..sample.options.clone()
    };
    let ctx = Context {
        options: vec![options.clone()],
        fallback: options,
        config_path: None,
        limits: Limits::from_timeout(Duration::from_secs(2)),
        export_dir: std::env::temp_dir(),
        frames: Some(frames_tx),
    };
    (ctx, frames)
}

/// The row of cause `id` on the screen.
fn row(screen: &str, id: CauseId) -> String {
    let title = format!("{} {}", id.number, id.title());
    screen
        .lines()
        .find(|l| l.contains(&title))
        .unwrap_or_else(|| panic!("no row {title:?} on\n{screen}"))
        .to_owned()
}

async fn fix_and_check(
    sample: &Sample,
    shows: CauseId,
    after: Option<CauseId>,
) -> Result<(), String> {
    let name = &sample.account.name;
    let (ctx, mut frames) = lab_context(sample);
    let mut model = Model::new(
        vec![AccountEntry::new(
            sample.account.clone(),
            Some(sample.description.clone()),
        )],
        vec![],
        true,
        false,
    );
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();

    let before = until_verdict(
        &mut terminal,
        &mut model,
        &ctx,
        &mut frames,
        &[KeyCode::Enter, KeyCode::Enter],
    )
    .await;
    let applies = row(&before, shows);
    if !(applies.contains('▶') && applies.contains("●")) {
        return Err(format!(
            "{name}: {shows} is not selected and applying:\n{before}"
        ));
    }
    if !before.contains("[f] ") {
        return Err(format!("{name}: no [f] hint:\n{before}"));
    }

    let after_screen = until_verdict(
        &mut terminal,
        &mut model,
        &ctx,
        &mut frames,
        &[KeyCode::Char('f')],
    )
    .await;
    let gone = row(&after_screen, shows);
    if !gone.contains("✓ gone") {
        return Err(format!("{name}: {shows} is not gone:\n{after_screen}"));
    }
    if !(after_screen.contains("checked again: ") && after_screen.contains(" gone ✓")) {
        return Err(format!("{name}: no change summary:\n{after_screen}"));
    }
    let diagnosis = &model.last.as_ref().unwrap().diagnosis;
    let now: Vec<CauseId> = diagnosis.findings.iter().map(|f| f.cause).collect();
    match after {
        None => {
            if !now.is_empty() {
                return Err(format!("{name}: still finds {now:?}:\n{after_screen}"));
            }
            if !after_screen
                .lines()
                .next()
                .unwrap_or("")
                .contains("no problem found")
            {
                return Err(format!(
                    "{name}: the category is not clear:\n{after_screen}"
                ));
            }
        }
        Some(next) => {
            if now.first() != Some(&next) {
                return Err(format!("{name}: expected {next} next, found {now:?}"));
            }
            let said = if next.category == shows.category {
                row(&after_screen, next).contains("new")
            } else {
                after_screen.contains(&format!(
                    "Also found: {} {}",
                    next.category.label(),
                    next.number
                ))
            };
            if !said {
                return Err(format!(
                    "{name}: {next} is not shown as new:\n{after_screen}"
                ));
            }
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f_fixes_every_patchable_demo_sample() {
    let lab = Lab::start().await.expect("the lab starts");
    // Every sample whose finding has a patch is in the table.
    let patchable: Vec<&str> = lab
        .samples()
        .iter()
        .filter(|s| {
            s.shows.is_some_and(|c| {
                EXPECTED
                    .iter()
                    .any(|(name, cause, _)| *name == s.account.name && *cause == c)
            })
        })
        .map(|s| s.account.name.as_str())
        .collect();
    assert_eq!(patchable.len(), EXPECTED.len(), "{patchable:?}");

    let results = join_all(EXPECTED.iter().map(|(name, shows, after)| {
        let sample = lab.sample(name).expect("a lab sample");
        fix_and_check(sample, *shows, *after)
    }))
    .await;
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n_and_an_address_fill_the_form_from_the_lab() {
    let lab = Lab::start().await.expect("the lab starts");
    // New accounts are probed, and looked up, on the healthy sample's lab.
    let (ctx, mut frames) = lab_context(lab.sample("healthy").unwrap());
    let mut model = Model::new(vec![], vec![], true, false);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let (keys, input) = unbounded();
    press(&keys, KeyCode::Char('n'));
    for c in "alice@example.org".chars() {
        press(&keys, KeyCode::Char(c));
    }
    press(&keys, KeyCode::Enter);
    let script = async {
        // Frames come while the search runs (the spinner), then stop
        // once the form is filled.
        timeout(Duration::from_secs(30), async {
            let mut searching = false;
            loop {
                let f = frames.recv().await.expect("the loop ended early");
                searching |= f.running;
                if searching && !f.running && f.screen == Screen::Form {
                    return;
                }
            }
        })
        .await
        .expect("the search never ended");
        drop(keys);
    };
    let (result, ()) = tokio::join!(drive(&mut terminal, input, &mut model, &ctx), script);
    result.unwrap();
    let screen = terminal.backend().to_string();
    assert!(
        screen.contains("Filled in from what example.org publishes"),
        "{screen}"
    );
    let host_lines: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("server           mail.example.org  ✓ found, answers"))
        .collect();
    assert_eq!(host_lines.len(), 2, "{screen}");
    assert!(
        screen.contains("published in DNS as _imaps._tcp.example.org"),
        "{screen}"
    );
    assert!(screen.contains("security         ◂ TLS ▸"), "{screen}");
    assert!(lab.logins().is_empty(), "the search never logs in");
}
