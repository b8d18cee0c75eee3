//! The Markdown report of `x`.

mod tui_fixtures;

use insta::assert_snapshot;

use mailfix::event::RunId;
use mailfix::evidence::Direction;
use mailfix::plan::Scope;
use mailfix::tui::model::Outcome;
use mailfix::tui::report::{Versions, markdown};

use tui_fixtures::*;

fn versions() -> Versions {
    Versions {
        mailfix: "0.1.0".into(),
        platform: "linux x86_64".into(),
    }
}

fn outcome() -> Outcome {
    Outcome {
        run: RunId(1),
        account: 0,
        scope: Scope::Everything,
        settings: work(),
        report: report(work()),
        diagnosis: everything_diagnosis(),
    }
}

#[test]
fn the_whole_report() {
    assert_snapshot!(markdown(&outcome(), &versions()));
}

#[test]
fn a_password_that_slipped_into_a_transcript_is_masked() {
    let mut o = outcome();
    let session = o.report.endpoints[0].session.as_mut().unwrap();
    session.transcript.push(line(
        Direction::Client,
        &format!("a2 LOGIN alice {PASSWORD}"),
        70.0,
    ));
    o.diagnosis.findings[0]
        .evidence
        .push(format!("the server echoed {PASSWORD}"));
    let text = markdown(&o, &versions());
    assert!(!text.contains(PASSWORD));
    assert!(text.contains("a2 LOGIN alice ********"));
}

#[test]
fn server_text_cannot_break_out_of_its_block_or_table() {
    let mut o = outcome();
    let session = o.report.endpoints[0].session.as_mut().unwrap();
    session
        .transcript
        .push(line(Direction::Server, "* OK ````` fenced | piped", 80.0));
    o.report.steps[0].detail = "a | b\nc".into();
    let text = markdown(&o, &versions());
    assert!(text.contains("``````text\n"), "{text}");
    assert!(text.contains("a \\| b c"), "{text}");
}
