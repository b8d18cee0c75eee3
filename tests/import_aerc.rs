//! aerc: every URL scheme variant, credentials in the URL and from
//! commands, local stores, the old smtp-starttls key, bad files.

mod import_common;

use std::path::PathBuf;

use mailfix::account::{
    Account, AuthMech as A, PasswordSource, Protocol::Imap, Protocol::Smtp, Security as S,
    StoreFormat, StoreSettings,
};
use mailfix::import::Kind;
use rstest::rstest;

use import_common::*;

fn sample() -> mailfix::import::Imported {
    parse_sample(Kind::Aerc, "aerc/accounts.conf")
}

#[test]
fn implicit_tls_with_credential_commands() {
    let imported = sample();
    assert_eq!(
        names(&imported),
        [
            "Work",
            "Home",
            "Lan",
            "Gmail",
            "Bearer",
            "Selfsigned",
            "Local",
            "Old"
        ]
    );
    assert_eq!(
        account(&imported, "Work").account,
        Account {
            name: "Work".into(),
            email: "alice@work.example".into(),
            incoming: Some(server(
                Imap,
                "imap.work.example",
                993,
                S::Tls,
                A::Auto,
                "alice@work.example",
                cmd("pass show mail/work")
            )),
            // smtps+plain; the inline ` # same password` is a comment.
            outgoing: Some(server(
                Smtp,
                "smtp.work.example",
                465,
                S::Tls,
                A::Plain,
                "alice@work.example",
                cmd("pass show mail/work")
            )),
            store: None,
        }
    );
}

#[rstest]
// name, service, (host, port, security, auth)
#[case("Home", Imap, ("mail.home.example", 1143, S::Starttls, A::Auto))]
#[case("Home", Smtp, ("mail.home.example", 2525, S::Starttls, A::Login))]
#[case("Lan", Imap, ("imap.lan.example", 143, S::None, A::Auto))]
#[case("Lan", Smtp, ("smtp.lan.example", 25, S::Starttls, A::None))]
#[case("Gmail", Imap, ("imap.gmail.example", 993, S::Tls, A::Xoauth2))]
#[case("Gmail", Smtp, ("smtp.gmail.example", 587, S::Starttls, A::Xoauth2))]
#[case("Bearer", Imap, ("imap.bearer.example", 993, S::Tls, A::Xoauth2))]
#[case("Bearer", Smtp, ("smtp.bearer.example", 465, S::Tls, A::Xoauth2))]
#[case("Selfsigned", Imap, ("imap.self.example", 10993, S::Tls, A::Auto))]
#[case("Selfsigned", Smtp, ("smtp.self.example", 587, S::Starttls, A::Plain))]
#[case("Old", Smtp, ("smtp.old.example", 587, S::None, A::Plain))]
fn scheme_variants(
    #[case] name: &str,
    #[case] protocol: mailfix::account::Protocol,
    #[case] expected: (&str, u16, S, A),
) {
    let imported = sample();
    let acc = &account(&imported, name).account;
    let s = if protocol == Imap {
        &acc.incoming
    } else {
        &acc.outgoing
    };
    let s = s
        .as_ref()
        .unwrap_or_else(|| panic!("{name} has no {protocol}"));
    assert_eq!(
        (s.host.as_str(), s.port, s.security, s.auth),
        expected,
        "{name} {protocol}"
    );
    assert_eq!(s.port_explicit, s.port != protocol.default_port(s.security));
}

#[test]
fn password_in_the_url_is_percent_decoded_and_wins() {
    let imported = sample();
    let home = &account(&imported, "Home").account;
    let incoming = home.incoming.as_ref().unwrap();
    assert_eq!(incoming.username, "alice");
    assert_eq!(incoming.password, lit("s3cr:t pw"));
    // No password and no outgoing-cred-cmd: aerc would ask; so will mailfix.
    assert_eq!(
        home.outgoing.as_ref().unwrap().password,
        PasswordSource::Unset
    );
}

#[test]
fn display_names_and_quotes_in_from() {
    let imported = sample();
    assert_eq!(
        account(&imported, "Gmail").account.email,
        "dave@gmail.example"
    );
    assert_eq!(account(&imported, "Lan").account.email, "carol@lan.example");
}

#[test]
fn warnings_for_what_aerc_does_that_mailfix_does_not() {
    let text = read("aerc/accounts.conf");
    let imported = sample();
    let line = |needle| line_with(&text, needle);
    let gmail = account(&imported, "Gmail");
    assert_eq!(
        warning_line(gmail, "refresh token"),
        Some(line("imaps+xoauth2"))
    );
    let bearer = account(&imported, "Bearer");
    assert_eq!(
        warning_line(bearer, "OAUTHBEARER"),
        Some(line("imaps+oauthbearer"))
    );
    let selfsigned = account(&imported, "Selfsigned");
    assert_eq!(
        warning_line(selfsigned, "certificate verification"),
        Some(line("imaps+insecure"))
    );
    assert_eq!(
        warning_line(selfsigned, "some-new-option"),
        Some(line("some-new-option"))
    );
    let old = account(&imported, "Old");
    assert_eq!(
        warning_line(old, "smtp-starttls"),
        Some(line("smtp-starttls"))
    );
    let lan = account(&imported, "Lan");
    assert!(
        warning_line(lan, "without encryption").is_none(),
        "no password, nothing to protect"
    );
    // Known keys that do not matter for a check stay quiet.
    assert!(
        imported
            .all_warnings()
            .all(|w| !w.message.contains("copy-to"))
    );
}

#[test]
fn local_sources_and_sendmail_commands() {
    let text = read("aerc/accounts.conf");
    let imported = sample();
    let local = account(&imported, "Local");
    assert_eq!(
        local.account.store,
        Some(StoreSettings {
            path: PathBuf::from("/home/alice/Mail/local"),
            format: StoreFormat::Maildir
        })
    );
    assert!(local.account.incoming.is_none() && local.account.outgoing.is_none());
    assert_eq!(
        warning_line(local, "--from msmtp"),
        Some(line_with(&text, "msmtpq"))
    );
    // A notmuch-only account has nothing to check: skipped, with a reason.
    assert!(imported.find("Notmuch").is_none());
    assert!(file_warning_line(&imported, "`notmuch` source").is_some());
}

#[test]
fn mbox_source() {
    let imported = parse_text(
        Kind::Aerc,
        "[m]\nsource = mbox:///var/mail/al\nfrom = al@x.example\n",
    )
    .unwrap();
    assert_eq!(
        account(&imported, "m").account.store,
        Some(StoreSettings {
            path: PathBuf::from("/var/mail/al"),
            format: StoreFormat::Mbox
        })
    );
}

#[rstest]
#[case("[Work\nsource = imaps://h\n", 1, "`]`")]
#[case("[W]\njust words\n", 2, "key = value")]
#[case("# c\n[W]\nsource = imaps://h:99999\n", 3, "port")]
#[case("[W]\nsource = imaps://u:%zz@h\n", 2, "%-escape")]
#[case("[W]\nsource = imap.example.org\n", 2, "not a URL")]
#[case("[W]\noutgoing = smtps://[::1\n", 2, "IPv6")]
fn malformed_files_name_the_line(#[case] text: &str, #[case] line: usize, #[case] fragment: &str) {
    assert_syntax_error(Kind::Aerc, text, line, fragment);
}

#[rstest]
#[case("outgoing", "smtp+plain://u@h.example", S::Starttls, A::Plain, 587)]
#[case("outgoing", "smtps+login://u@h.example", S::Tls, A::Login, 465)]
#[case("outgoing", "smtp+insecure://u@h.example", S::None, A::Plain, 587)]
#[case(
    "outgoing",
    "smtp+insecure+login://u@h.example:26",
    S::None,
    A::Login,
    26
)]
#[case("outgoing", "SMTPS://u@h.example", S::Tls, A::Plain, 465)]
#[case("source", "imaps+login://u@h.example", S::Tls, A::Login, 993)]
#[case("source", "imap://u@h.example", S::Starttls, A::Auto, 143)]
fn one_url_at_a_time(
    #[case] key: &str,
    #[case] url: &str,
    #[case] security: S,
    #[case] auth: A,
    #[case] port: u16,
) {
    let imported = parse_text(
        Kind::Aerc,
        &format!("[x]\n{key} = {url}\nfrom = u@h.example\n"),
    )
    .unwrap();
    let acc = &account(&imported, "x").account;
    let s = acc.incoming.as_ref().or(acc.outgoing.as_ref()).unwrap();
    assert_eq!(
        (s.security, s.auth, s.port, s.host.as_str()),
        (security, auth, port, "h.example")
    );
}
