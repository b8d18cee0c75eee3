//! Against the real Dovecot in a network namespace: the "login failed"
//! causes (causes.md, Login 1, 2, 3 and 5). Each test has an independent
//! witness confirm the staged situation first. Needs root.

mod support;

use std::time::Duration;

use support::world::Log;
use support::{
    ALICE, Account, BOB, MAIL_HOST, PASSWORD, WRONG_PASSWORD, WRONGCERT_HOST, WRONGCERT_IP, world,
};

/// Login 1: a well-formed login with an offered mechanism is rejected.
#[test]
fn wrong_password_is_rejected_credentials() {
    let Some(w) = world() else { return };
    let case = w.case("wrong_password");
    let right = case.curl_login(&format!("imaps://{MAIL_HOST}/"), ALICE, PASSWORD);
    case.witness_ok("curl logs in with the right password", &right, "INBOX");

    let account =
        Account::new("wrong-password").incoming(w.imap(993, "tls").password(WRONG_PASSWORD));
    case.check(&account).expect_first("incoming", "login", 1);
}

/// Login 2: the account asks for CRAM-MD5; Dovecot offers PLAIN and LOGIN only.
#[test]
fn cram_md5_not_offered_is_mechanism_missing() {
    let Some(w) = world() else { return };
    let case = w.case("mechanism_not_offered");
    let imaps = case.curl_login(&format!("imaps://{MAIL_HOST}/"), ALICE, PASSWORD);
    case.witness_ok("curl logs in over IMAPS", &imaps, "AUTH=PLAIN");
    if imaps.stderr.contains("AUTH=CRAM-MD5") {
        case.fail(format!(
            "harness: Dovecot should not offer CRAM-MD5\n{}",
            imaps.describe()
        ));
    }

    let account = Account::new("no-cram-md5").incoming(w.imap(993, "tls").auth("cram-md5"));
    case.check(&account).expect_first("incoming", "login", 2);
}

/// Login 3: another POP3 session of the same user (from the same address)
/// holds the mailbox; Dovecot answers `-ERR [IN-USE]`.
#[test]
fn held_pop3_session_is_mailbox_locked() {
    let Some(w) = world() else { return };
    let case = w.case("pop3_locked");
    let held = case.hold_pop3_session(BOB);
    let second = case.curl_login(&format!("pop3s://{MAIL_HOST}/"), BOB, PASSWORD);
    case.witness_fails("a second POP3 login of bob is refused", &second, "[IN-USE]");

    let account = Account::new("pop3-locked")
        .email(BOB)
        .incoming(w.pop3(995, "tls").user(BOB));
    case.check(&account).expect_first("incoming", "login", 3);
    drop(held);
}

/// Login 4 from the config: the account `club` (an address at
/// club.mailfix.test) was set up with the server of the account `home`
/// (mail.mailfix.test, named in home's own domain). Dovecot does not know
/// the club address and refuses it.
#[test]
fn server_copied_from_another_account_is_wrong_server() {
    let Some(w) = world() else { return };
    let case = w.case("copied_server");
    let club_user = "carol@club.mailfix.test";
    let stranger = case.curl_login(&format!("imaps://{MAIL_HOST}/"), club_user, PASSWORD);
    case.witness_fails(
        "Dovecot refuses the club address",
        &stranger,
        "AUTHENTICATIONFAILED",
    );
    let home_user = case.curl_login(&format!("imaps://{MAIL_HOST}/"), ALICE, PASSWORD);
    case.witness_ok("Dovecot knows the home address", &home_user, "INBOX");

    let home = Account::new("home").incoming(w.imap(993, "tls"));
    let club = Account::new("club")
        .email(club_user)
        .incoming(w.imap(993, "tls").user(club_user));
    let check = case.check_among(&club, &[&home]);
    check.expect_first("incoming", "login", 4);
    let evidence = check.first()["evidence"].to_string();
    if !evidence.contains("your account `home`") {
        check.fail("the finding does not name the account whose server this is");
    }
}

/// Login 5: the server presents a certificate for another name (signed by
/// the trusted test CA). mailfix must not send the password there.
#[test]
fn certificate_for_another_name_is_security_alarm_and_no_password_is_sent() {
    let Some(w) = world() else { return };
    let case = w.case("wrong_certificate");
    let wrong = case.s_client(WRONGCERT_HOST, 993);
    case.witness_fails(
        "openssl rejects the certificate of wrongcert",
        &wrong,
        "hostname mismatch",
    );
    let right = case.s_client(MAIL_HOST, 993);
    case.witness_ok(
        "openssl accepts the certificate of mail",
        &right,
        "Verification: OK",
    );
    let lip = format!("lip={WRONGCERT_IP}");
    let count = |lines: &[String]| lines.iter().filter(|l| l.contains(&lip)).count();
    // The rejected handshake above is logged too: count it before mailfix runs.
    let before = count(&case.wait_log(Log::Dovecot, Duration::from_secs(3), |l| count(l) >= 1));

    let account =
        Account::new("wrong-certificate").incoming(w.imap(993, "tls").host(WRONGCERT_HOST));
    let check = case.check(&account);
    check.expect_first("incoming", "login", 5);

    // Dovecot logs each connection of this client; mailfix's must be there,
    // and none of them may carry a login attempt.
    let after = case.wait_log(Log::Dovecot, Duration::from_secs(3), |l| count(l) > before);
    if count(&after) <= before {
        check.fail("Dovecot logged no connection from mailfix to wrongcert.mailfix.test");
    }
    let attempts = case.dovecot_login_attempts();
    if !attempts.is_empty() {
        check.fail(format!(
            "mailfix sent credentials despite the certificate alarm:\n{attempts:#?}"
        ));
    }
}
