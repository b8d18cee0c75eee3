//! `mailfix check --from CLIENT ACCOUNT` through the real binary: the
//! account is read straight from the other client's file (given with
//! `--file`, or at its usual place) and checked like a configured one;
//! an unknown name is one line listing the known ones. Loopback only:
//! the DNS server is a closed local port.

mod cli_support;

use cli_support::*;
use rstest::rstest;

#[rstest]
#[case::msmtp("msmtp", "msmtp/msmtprc", "personal")]
#[case::mbsync("mbsync", "mbsync/mbsyncrc-old", "old")]
#[case::isync_alias("isync", "mbsync/mbsyncrc", "work")]
#[case::aerc("aerc", "aerc/accounts.conf", "Work")]
#[case::himalaya("himalaya", "himalaya/config-legacy.toml", "gmail")]
fn an_account_is_checked_from_the_given_file(
    #[case] kind: &str,
    #[case] sample: &str,
    #[case] account: &str,
) {
    let sandbox = Sandbox::new();
    let file = data(&format!("import/{sample}"));
    let out = sandbox.run_offline(&[
        "check",
        "--json",
        "--from",
        kind,
        "--file",
        file.to_str().unwrap(),
        account,
    ]);
    assert_checked(&out);
    assert_eq!(json_accounts(&out), [account]);
}

#[test]
fn the_usual_place_is_read_as_design_md_shows() {
    let sandbox = Sandbox::new();
    sandbox.place("import/msmtp/msmtprc", ".msmtprc");
    let out = sandbox.run_offline(&["check", "--from", "msmtp", "work"]);
    assert_checked(&out);
    let text = stdout(&out);
    assert!(text.starts_with("work <alice@work.example>"), "{text}");
    assert!(
        text.contains("SMTP smtp.work.example:587 STARTTLS"),
        "{text}"
    );
}

#[test]
fn mbsync_is_paired_with_msmtp_of_the_same_address() {
    let sandbox = Sandbox::new();
    sandbox.place("import/mbsync/mbsyncrc", ".mbsyncrc");
    sandbox.place("import/msmtp/msmtprc", ".msmtprc");
    let out = sandbox.run_offline(&["check", "--from", "mbsync", "work"]);
    assert_checked(&out);
    let text = stdout(&out);
    assert!(
        text.contains("incoming  IMAP imap.work.example:993 TLS"),
        "{text}"
    );
    assert!(
        text.contains("outgoing  SMTP smtp.work.example:587 STARTTLS"),
        "{text}"
    );
}

#[test]
fn an_account_is_found_by_its_address_too() {
    let sandbox = Sandbox::new();
    let file = data("import/msmtp/msmtprc");
    let out = sandbox.run_offline(&[
        "check",
        "--json",
        "--from",
        "msmtp",
        "--file",
        file.to_str().unwrap(),
        "alice@home.example",
    ]);
    assert_checked(&out);
    assert_eq!(json_accounts(&out), ["personal"]);
}

#[test]
fn without_a_name_every_account_of_the_file_is_checked() {
    let sandbox = Sandbox::new();
    let file = data("import/himalaya/config-legacy.toml");
    let out = sandbox.run_offline(&[
        "check",
        "--json",
        "--from",
        "himalaya",
        "--file",
        file.to_str().unwrap(),
    ]);
    assert_checked(&out);
    assert_eq!(json_accounts(&out), ["gmail", "work", "offline"]);
}

#[test]
fn an_unknown_account_lists_the_known_ones() {
    let sandbox = Sandbox::new();
    let file = data("import/msmtp/msmtprc");
    let out = sandbox.run_offline(&[
        "check",
        "--from",
        "msmtp",
        "--file",
        file.to_str().unwrap(),
        "holiday",
    ]);
    let err = one_line_usage_error(&out);
    assert!(err.contains("`holiday`"), "{err}");
    assert!(
        err.contains("work, work-tls, personal, lan, cloud"),
        "{err}"
    );
}

#[test]
fn no_file_at_the_usual_place_names_where_it_looked() {
    let sandbox = Sandbox::new();
    let err = one_line_usage_error(&sandbox.run_offline(&["check", "--from", "aerc", "Work"]));
    assert!(err.contains("aerc/accounts.conf"), "{err}");
}

#[test]
fn config_and_from_do_not_mix() {
    let sandbox = Sandbox::new();
    let err = one_line_usage_error(
        &sandbox.run_offline(&["check", "--from", "msmtp", "--config", "x.toml", "work"]),
    );
    assert!(err.contains("--file"), "{err}");
}

#[test]
fn file_needs_from() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["check", "--file", "x.conf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--from"), "{}", stderr(&out));
}
