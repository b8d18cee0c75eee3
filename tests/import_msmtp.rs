//! msmtp: defaults, inheritance, quoting, the old 1.2 form, bad files.

mod import_common;

use mailfix::account::{Account, AuthMech as A, Protocol::Smtp, Security as S};
use mailfix::import::{ImportError, Kind};
use rstest::rstest;

use import_common::*;

const CA: &str = "/etc/ssl/certs/ca-certificates.crt";

#[test]
fn sample_accounts_with_defaults_and_inheritance() {
    let imported = parse_sample(Kind::Msmtp, "msmtp/msmtprc");
    assert_eq!(
        names(&imported),
        ["work", "work-tls", "personal", "lan", "cloud"]
    );

    let work = server(
        Smtp,
        "smtp.work.example",
        587,
        S::Starttls,
        A::Auto,
        "alice",
        cmd("pass show mail/work"),
    );
    assert_eq!(
        account(&imported, "work").account,
        Account {
            name: "work".into(),
            email: "alice@work.example".into(),
            incoming: None,
            outgoing: Some(with_ca(work.clone(), CA)),
            store: None,
        }
    );
    // Inherits host, user, passwordeval, from; overrides port and TLS mode.
    let tls = server(
        Smtp,
        "smtp.work.example",
        465,
        S::Tls,
        A::Auto,
        "alice",
        cmd("pass show mail/work"),
    );
    assert_eq!(
        account(&imported, "work-tls").account.outgoing,
        Some(with_ca(tls, CA))
    );
    assert_eq!(
        account(&imported, "work-tls").account.email,
        "alice@work.example"
    );

    // `from` with a display name, quoted password with escapes, `system` trust.
    let personal = account(&imported, "personal");
    assert_eq!(personal.account.email, "alice@home.example");
    assert_eq!(
        personal.account.outgoing,
        Some(server(
            Smtp,
            "mail.home.example",
            465,
            S::Tls,
            A::Plain,
            "alice@home.example",
            lit("correct horse \"battery\" staple")
        ))
    );

    // No TLS: msmtp's own default port 25, no login, no CA file.
    let lan = account(&imported, "lan").account.outgoing.clone().unwrap();
    assert_eq!(
        (lan.port, lan.port_explicit, lan.security, lan.auth),
        (25, true, S::None, A::None)
    );
    assert_eq!(lan.ca_file, None);

    let cloud = account(&imported, "cloud");
    assert_eq!(
        cloud.account.outgoing,
        Some(with_ca(
            server(
                Smtp,
                "smtp.cloud.example",
                25,
                S::Starttls,
                A::Xoauth2,
                "alice@cloud.example",
                cmd("oauth2-token --account cloud")
            ),
            CA
        ))
    );
}

#[test]
fn default_account_is_an_alias() {
    let text = read("msmtp/msmtprc");
    let imported = parse_sample(Kind::Msmtp, "msmtp/msmtprc");
    let work = account(&imported, "work");
    assert!(work.is_default);
    assert_eq!(work.aliases, ["default"]);
    assert_eq!(imported.find("default").unwrap().account.name, "work");
    assert_eq!(imported.default_account().unwrap().account.name, "work");
    assert_eq!(
        work.origins[0].line,
        Some(line_with(&text, "account        work"))
    );
    match imported.select("nope") {
        Err(ImportError::NoSuchAccount { available, .. }) => {
            assert_eq!(available, ["work", "work-tls", "personal", "lan", "cloud"])
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn what_cannot_be_carried_is_warned_with_its_line() {
    let text = read("msmtp/msmtprc");
    let imported = parse_sample(Kind::Msmtp, "msmtp/msmtprc");
    assert_eq!(
        file_warning_line(&imported, "frobnicate"),
        Some(line_with(&text, "frobnicate"))
    );
    let cloud = account(&imported, "cloud");
    assert_eq!(
        warning_line(cloud, "certificate verification"),
        Some(line_with(&text, "tls_certcheck  off"))
    );
    // dsn_notify and logfile do not matter for a check: no warning.
    assert!(
        imported
            .all_warnings()
            .all(|w| !w.message.contains("dsn") && !w.message.contains("logfile"))
    );
    // Warnings name the file.
    assert!(
        imported
            .all_warnings()
            .all(|w| w.file == data("msmtp/msmtprc"))
    );
}

#[test]
fn msmtp_1_2_file_without_account_line() {
    let imported = parse_sample(Kind::Msmtp, "msmtp/msmtprc-old");
    assert_eq!(names(&imported), ["default"]);
    let item = account(&imported, "default");
    assert!(item.is_default);
    assert_eq!(
        item.account.outgoing,
        Some(server(
            Smtp,
            "smtp.old.example",
            465,
            S::Tls,
            A::Login,
            "olduser@old.example",
            lit("hunter2")
        ))
    );
    assert!(warning_line(item, "certificate verification").is_some());
}

#[test]
fn several_parents_and_changing_defaults() {
    let imported = parse_text(
        Kind::Msmtp,
        "account a\nhost h1\nport 2525\naccount b\nuser u@x.example\n\
         account c : a, b\nfrom c@x.example\n\
         defaults\ntls on\naccount d\nhost h2\n",
    )
    .unwrap();
    let c = account(&imported, "c").account.outgoing.clone().unwrap();
    assert_eq!(
        (c.host.as_str(), c.port, c.username.as_str(), c.security),
        ("h1", 2525, "u@x.example", S::None)
    );
    // `a` was defined before `defaults` turned TLS on.
    assert_eq!(outgoing(&imported, "a").security, S::None);
    assert_eq!(outgoing(&imported, "d").security, S::Starttls);
    // `b` has no host: skipped, and said so.
    assert!(imported.find("b").is_none());
    assert!(file_warning_line(&imported, "no `host`").is_some());
}

#[test]
fn credentials_without_auth_mean_no_login() {
    let imported = parse_text(
        Kind::Msmtp,
        "account a\nhost h\nuser u@x.example\npassword pw\n",
    )
    .unwrap();
    let a = account(&imported, "a");
    assert_eq!(a.account.outgoing.as_ref().unwrap().auth, A::None);
    assert_eq!(warning_line(a, "`auth` is not set"), Some(3));
}

#[rstest]
#[case("account work\nhost h\nport 99999\n", 3, "port")]
#[case("account work\nhost h\nport smtp\n", 3, "port")]
#[case("account a : b\n", 1, "`b`")]
#[case("account\n", 1, "needs a name")]
#[case(" account a\naccount a\n", 2, "twice")]
#[case("defaults x\n", 1, "no argument")]
#[case("account a\ntls maybe\n", 2, "on or off")]
#[case("account a\nauth magic\n", 2, "authentication method")]
#[case("account a,b\n", 1, "must not hold")]
#[case("account a\nprotocol uucp\n", 2, "smtp or lmtp")]
#[case("account a : x,\n", 1, "missing")]
#[case("account a\nhost\n", 2, "server name")]
fn malformed_files_name_the_line(#[case] text: &str, #[case] line: usize, #[case] fragment: &str) {
    assert_syntax_error(Kind::Msmtp, text, line, fragment);
    let shown = parse_text(Kind::Msmtp, text).unwrap_err().to_string();
    assert!(shown.starts_with(&format!("test.conf:{line}: ")), "{shown}");
}
