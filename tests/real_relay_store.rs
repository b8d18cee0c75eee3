//! Against the real Postfix in a network namespace: the "we don't relay"
//! causes (causes.md, Relay 1 and 2); and a full filesystem for the local
//! store (Store 1). Each test has an independent witness confirm the staged
//! situation first. Needs root.

mod support;

use std::time::Duration;

use support::proc;
use support::store::FullDisk;
use support::{ALICE, Account, BOSS, OUTSIDE_RCPT, world};

/// Relay 1: without authentication the outside recipient is refused
/// (`554 5.7.1 Relay access denied`) while AUTH is offered after STARTTLS.
#[test]
fn unauthenticated_relay_refused_is_authentication_required() {
    let Some(w) = world() else { return };
    let case = w.case("relay_without_auth");
    let swaks = case.swaks(587, &["--tls", "--from", ALICE, "--to", OUTSIDE_RCPT]);
    case.witness_fails("swaks without AUTH is refused", &swaks, "554 5.7.1");
    case.witness_fails(
        "swaks without AUTH is refused",
        &swaks,
        "Relay access denied",
    );
    case.witness_fails("Postfix offers AUTH after STARTTLS", &swaks, "AUTH PLAIN");

    let account = Account::new("relay-no-auth").outgoing(w.smtp(587, "starttls").auth("none"));
    case.check(&account).expect_first("outgoing", "relay", 1);
    case.expect_no_smtp_data();
}

/// Relay 2: authenticated as alice, sending as boss@ is refused
/// (`553 5.7.1 … not owned by user`).
#[test]
fn sender_not_owned_by_login_is_sender_not_allowed() {
    let Some(w) = world() else { return };
    let case = w.case("sender_not_owned");
    let swaks = case.swaks_as_alice(BOSS);
    case.witness_fails(
        "swaks as alice sending from boss is refused",
        &swaks,
        "553 5.7.1",
    );
    case.witness_fails(
        "swaks as alice sending from boss is refused",
        &swaks,
        "not owned by user",
    );

    let account = Account::new("sender-not-owned")
        .email(BOSS)
        .outgoing(w.smtp(587, "starttls").user(ALICE));
    case.check(&account).expect_first("outgoing", "relay", 2);
    case.expect_no_smtp_data();
}

/// Store 1: the Maildir lives on a tiny tmpfs that is full; the account's
/// IMAP server is healthy.
#[test]
fn full_filesystem_under_the_store_is_disk_full() {
    let Some(w) = world() else { return };
    let case = w.case("disk_full");
    let disk = FullDisk::create(&case.path("full"), 256).unwrap_or_else(|e| case.fail(e));
    match disk.available() {
        Ok(0) => {}
        other => case.fail(format!(
            "harness: the tmpfs should have 0 bytes free, has {other:?}"
        )),
    }
    // The same mount, seen from inside the client namespace (mailfix's view).
    let mut stat = case.client.command("stat");
    stat.args(["-f", "-c", "%a"]).arg(&disk.maildir);
    let seen = proc::run(&mut stat, Duration::from_secs(10)).unwrap_or_else(|e| case.fail(e));
    case.witness_ok(
        "the full tmpfs is visible in the client namespace",
        &seen,
        "0",
    );
    if seen.stdout.trim() != "0" {
        case.fail(format!("harness: free blocks seen by the client: {seen:?}"));
    }

    let account = Account::new("disk-full")
        .incoming(w.imap(993, "tls"))
        .store(disk.maildir.clone(), "maildir");
    case.check(&account).expect_first("store", "store", 1);
    drop(disk);
}
