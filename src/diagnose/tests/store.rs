//! Store causes 1–2.

use rstest::rstest;

use crate::account::StoreFormat;
use crate::catalogue::{CauseId, ids};
use crate::diagnose::testkit::*;
use crate::evidence::{StoreCheck, StoreProblem, WriteErrorKind, WriteTest};
use crate::finding::Confidence::{self, *};

fn with(f: impl FnOnce(&mut StoreCheck)) -> Rb {
    let mut c = healthy_store();
    f(&mut c);
    Rb::new().store(c)
}

fn space(free: u64, inodes: Option<u64>) -> Rb {
    with(|c| {
        let s = c.space.as_mut().unwrap();
        s.free_bytes = free;
        s.free_inodes = inodes;
    })
}

fn write_fails(kind: WriteErrorKind, text: &str) -> Rb {
    with(|c| {
        c.write_test = WriteTest::Failed {
            kind,
            path: "/home/alice/Mail/work/tmp/.mailfix-probe".into(),
            text: text.into(),
        }
    })
}

fn problem(p: StoreProblem) -> Rb {
    with(|c| c.problems.push(p))
}

fn mbox(p: StoreProblem) -> Rb {
    with(|c| {
        c.path = "/home/alice/mail/inbox".into();
        c.format = StoreFormat::Mbox;
        c.problems.push(p);
    })
}

#[rstest]
#[case::nearly_full(space(300 * 1024, Some(50_000)), ids::DISK_FULL, Likely, "only 300 KiB free where /home/alice/Mail/work lives", "Free at least 1.0 MiB")]
#[case::full(
    space(0, Some(50_000)),
    ids::DISK_FULL,
    Certain,
    "only 0 bytes free",
    "du -sh /home/alice/Mail/work/*"
)]
#[case::inodes(space(5 << 30, Some(3)), ids::DISK_FULL, Likely, "only 3 free inodes", "Free at least")]
#[case::enospc(
    write_fails(WriteErrorKind::NoSpace, "No space left on device (os error 28)"),
    ids::DISK_FULL,
    Certain,
    "No space left on device (os error 28)",
    "Free at least"
)]
#[case::edquot(
    write_fails(WriteErrorKind::Quota, "Disk quota exceeded (os error 122)"),
    ids::DISK_FULL,
    Certain,
    "Disk quota exceeded",
    "quota"
)]
#[case::efbig(
    write_fails(WriteErrorKind::TooLarge, "File too large (os error 27)"),
    ids::DISK_FULL,
    Likely,
    "File too large",
    "ulimit -f"
)]
#[case::no_new(problem(StoreProblem::MissingSubdir("new".into())), ids::FOLDER_DAMAGED, Certain, "/home/alice/Mail/work/new is missing", "mkdir -p /home/alice/Mail/work/new")]
#[case::unreadable(problem(StoreProblem::Unreadable { path: "/home/alice/Mail/work/cur/1700000000.M1P2.host:2,S".into(), text: "Permission denied (os error 13)".into() }), ids::FOLDER_DAMAGED, Certain, "could not be read: Permission denied", "chmod -R u+rwX")]
#[case::not_writable(problem(StoreProblem::NotWritable { path: "/home/alice/Mail/work/tmp".into() }), ids::FOLDER_DAMAGED, Certain, "/home/alice/Mail/work/tmp cannot be written by you", "chmod -R u+rwX")]
#[case::eacces(
    write_fails(WriteErrorKind::Permission, "Permission denied (os error 13)"),
    ids::FOLDER_DAMAGED,
    Certain,
    "Permission denied",
    "cp -a /home/alice/Mail/work /home/alice/Mail/work.backup"
)]
#[case::erofs(
    write_fails(WriteErrorKind::ReadOnly, "Read-only file system (os error 30)"),
    ids::FOLDER_DAMAGED,
    Likely,
    "Read-only file system",
    "read-only"
)]
#[case::missing(
    problem(StoreProblem::Missing),
    ids::FOLDER_DAMAGED,
    Likely,
    "does not exist",
    "mkdir -p /home/alice/Mail/work/cur"
)]
#[case::wrong_type(
    mbox(StoreProblem::WrongType),
    ids::FOLDER_DAMAGED,
    Certain,
    "is a folder, but an mbox must be a file",
    "format"
)]
#[case::mbox_start(mbox(StoreProblem::MboxBadStart { first_line: "Return-Path: <bob@example.net>".into() }), ids::FOLDER_DAMAGED, Certain, "`Return-Path: <bob@example.net>`", "cp -a /home/alice/mail/inbox /home/alice/mail/inbox.backup")]
fn store_causes(
    #[case] scene: Rb,
    #[case] cause: CauseId,
    #[case] confidence: Confidence,
    #[case] evidence: &str,
    #[case] fix: &str,
) {
    let d = scene.diagnose();
    let t = top(&d);
    assert_eq!(
        (t.service, t.cause, t.confidence),
        (ST, cause, confidence),
        "{d:#?}"
    );
    has_line(&t.evidence, evidence);
    has_line(&t.fix, fix);
}

#[test]
fn repairs_start_with_a_backup() {
    let d = problem(StoreProblem::MissingSubdir("tmp".into())).diagnose();
    let f = must(&d, ST, ids::FOLDER_DAMAGED);
    assert!(f.fix[0].starts_with("First make a backup"), "{:#?}", f.fix);
}

#[test]
fn several_problems_make_one_finding() {
    let d = with(|c| {
        c.problems.push(StoreProblem::MissingSubdir("cur".into()));
        c.problems.push(StoreProblem::MissingSubdir("tmp".into()));
    })
    .diagnose();
    assert_eq!(d.findings.len(), 1);
    has_line(&d.findings[0].evidence, "/cur is missing");
    has_line(&d.findings[0].evidence, "/tmp is missing");
}

#[test]
fn a_healthy_store_rules_both_out_with_figures() {
    let d = Rb::new().store(healthy_store()).diagnose();
    assert!(d.findings.is_empty());
    assert_eq!(
        ruled(&d, ST, ids::DISK_FULL).unwrap(),
        "20.0 GiB and 1000000 inodes free; a test file was written and removed"
    );
    assert_eq!(
        ruled(&d, ST, ids::FOLDER_DAMAGED).unwrap(),
        "cur, new and tmp are there; 42 entries read fine"
    );
}

#[test]
fn paths_with_spaces_are_quoted_in_commands() {
    let d = with(|c| {
        c.path = "/home/alice/My Mail".into();
        c.problems.push(StoreProblem::MissingSubdir("new".into()));
    })
    .diagnose();
    has_line(
        &must(&d, ST, ids::FOLDER_DAMAGED).fix,
        "mkdir -p '/home/alice/My Mail'/new",
    );
}
