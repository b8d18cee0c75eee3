//! himalaya: the v1 schema, the 0.x flat one, 1.0-beta and v2 — which one
//! a file uses is detected — and type errors with their line.

mod import_common;

use std::path::PathBuf;

use mailfix::account::{
    Account, AuthMech as A, PasswordSource, Protocol::Imap, Protocol::Smtp, Security as S,
    StoreFormat, StoreSettings,
};
use mailfix::import::Kind;
use rstest::rstest;

use import_common::*;

fn maildir(path: &str) -> Option<StoreSettings> {
    Some(StoreSettings {
        path: PathBuf::from(path),
        format: StoreFormat::Maildir,
    })
}

#[test]
fn v1_backend_tables() {
    let imported = parse_sample(Kind::Himalaya, "himalaya/config-v1.toml");
    assert_eq!(
        imported.sources[0].variant.as_deref(),
        Some("v1 (backend.type)")
    );
    assert_eq!(names(&imported), ["work", "local", "keyring", "oauth"]);
    let work = account(&imported, "work");
    assert!(work.is_default);
    assert_eq!(
        work.account,
        Account {
            name: "work".into(),
            email: "alice@work.example".into(),
            incoming: Some(server(
                Imap,
                "imap.work.example",
                993,
                S::Tls,
                A::Auto,
                "alice",
                cmd("pass show mail/work")
            )),
            outgoing: Some(server(
                Smtp,
                "smtp.work.example",
                587,
                S::Starttls,
                A::Auto,
                "alice",
                lit("pa55word")
            )),
            store: None,
        }
    );
    assert!(work.warnings.is_empty(), "{:?}", work.warnings);
    let text = read("himalaya/config-v1.toml");
    assert_eq!(
        work.origins[0].line,
        Some(line_with(&text, "[accounts.work]"))
    );

    let local = account(&imported, "local");
    assert_eq!(local.account.store, maildir("/home/alice/Mail/local"));
    assert!(warning_line(local, "sendmail").is_some());
}

#[test]
fn v1_inline_tables_keyring_pipelines_and_oauth() {
    let text = read("himalaya/config-v1.toml");
    let imported = parse_sample(Kind::Himalaya, "himalaya/config-v1.toml");
    let keyring = account(&imported, "keyring");
    assert_eq!(
        keyring.account.incoming,
        Some(server(
            Imap,
            "imap.keyring.example",
            143,
            S::None,
            A::Auto,
            "carol",
            PasswordSource::Unset
        ))
    );
    assert_eq!(
        warning_line(keyring, "keyring-imap"),
        Some(line_with(&text, "keyring-imap"))
    );
    // A list of commands is a pipeline; TLS is the default encryption.
    assert_eq!(
        keyring.account.outgoing,
        Some(server(
            Smtp,
            "smtp.keyring.example",
            465,
            S::Tls,
            A::Auto,
            "carol@keyring.example",
            cmd("gpg -d ~/.pw.gpg | head -1")
        ))
    );
    assert_eq!(
        warning_line(keyring, "frobnicate"),
        Some(line_with(&text, "frobnicate"))
    );

    let oauth = account(&imported, "oauth");
    let incoming = oauth.account.incoming.as_ref().unwrap();
    assert_eq!(
        (incoming.auth, &incoming.password),
        (A::Xoauth2, &cmd("oauth-token dave"))
    );
    assert!(warning_line(oauth, "OAuth 2.0").is_some());
}

#[test]
fn legacy_0x_flat_keys() {
    let imported = parse_sample(Kind::Himalaya, "himalaya/config-legacy.toml");
    assert_eq!(
        imported.sources[0].variant.as_deref(),
        Some("0.x (imap-host)")
    );
    // Global options (name, signature…) are not accounts.
    assert_eq!(names(&imported), ["gmail", "work", "offline"]);
    let gmail = account(&imported, "gmail");
    assert!(gmail.is_default);
    let text = read("himalaya/config-legacy.toml");
    assert_eq!(gmail.origins[0].line, Some(line_with(&text, "[gmail]")));
    assert_eq!(
        gmail.account.incoming,
        Some(server(
            Imap,
            "imap.gmail.example",
            993,
            S::Tls,
            A::Auto,
            "alice@gmail.example",
            cmd("pass show gmail")
        ))
    );
    assert_eq!(
        gmail.account.outgoing,
        Some(server(
            Smtp,
            "smtp.gmail.example",
            465,
            S::Tls,
            A::Auto,
            "alice@gmail.example",
            cmd("pass show gmail")
        ))
    );
    let work = account(&imported, "work");
    assert_eq!(
        work.account.incoming,
        Some(server(
            Imap,
            "mail.work.example",
            143,
            S::Starttls,
            A::Auto,
            "alice",
            cmd("pass show work")
        ))
    );
    assert_eq!(
        work.account.outgoing,
        Some(server(
            Smtp,
            "mail.work.example",
            587,
            S::Starttls,
            A::Auto,
            "alice",
            lit("pa55")
        ))
    );
    let text = read("himalaya/config-legacy.toml");
    assert_eq!(
        warning_line(work, "certificate verification"),
        Some(line_with(&text, "smtp-insecure"))
    );
    let offline = account(&imported, "offline");
    assert_eq!(offline.account.store, maildir("/home/alice/Mail/offline"));
    assert!(offline.account.incoming.is_none() && offline.account.outgoing.is_none());
}

#[test]
fn beta_string_backend_and_tables() {
    let imported = parse_sample(Kind::Himalaya, "himalaya/config-beta.toml");
    assert_eq!(
        imported.sources[0].variant.as_deref(),
        Some("1.0-beta (imap.host)")
    );
    assert_eq!(
        account(&imported, "personal").account,
        Account {
            name: "personal".into(),
            email: "alice@personal.example".into(),
            incoming: Some(server(
                Imap,
                "imap.personal.example",
                993,
                S::Tls,
                A::Auto,
                "alice@personal.example",
                cmd("pass show personal")
            )),
            outgoing: Some(server(
                Smtp,
                "smtp.personal.example",
                465,
                S::Tls,
                A::Auto,
                "alice@personal.example",
                lit("pa55")
            )),
            store: maildir("/home/alice/Mail/personal"),
        }
    );
}

#[test]
fn v2_server_urls_and_sasl() {
    let imported = parse_sample(Kind::Himalaya, "himalaya/config-v2.toml");
    assert_eq!(
        imported.sources[0].variant.as_deref(),
        Some("v2 (imap.server)")
    );
    assert_eq!(
        account(&imported, "example").account,
        Account {
            name: "example".into(),
            // v2 writes no `email`: it comes from the SASL user name.
            email: "alice@example.org".into(),
            incoming: Some(with_ca(
                server(
                    Imap,
                    "imap.example.org",
                    993,
                    S::Tls,
                    A::Plain,
                    "alice@example.org",
                    cmd("pass show 'example mail'")
                ),
                "/home/alice/certs/example.pem"
            )),
            outgoing: Some(server(
                Smtp,
                "smtp.example.org",
                587,
                S::Starttls,
                A::Login,
                "alice@example.org",
                lit("pa55")
            )),
            store: maildir("/home/alice/Mail/example"),
        }
    );
}

#[test]
fn mixed_schemas_are_all_named() {
    let imported = parse_text(
        Kind::Himalaya,
        "[accounts.a]\nemail = \"a@x.example\"\nbackend.type = \"imap\"\nbackend.host = \"h\"\n\
         [accounts.b]\nemail = \"b@x.example\"\nimap.server = \"imaps://h2\"\n",
    )
    .unwrap();
    assert_eq!(
        imported.sources[0].variant.as_deref(),
        Some("v1 (backend.type), v2 (imap.server)")
    );
    assert_eq!(names(&imported), ["a", "b"]);
}

#[rstest]
#[case("[accounts.a\n", 1, "not valid TOML")]
#[case("x = 1\ny = = 2\n", 2, "not valid TOML")]
#[case(
    "[accounts.a]\nbackend.type = \"imap\"\nbackend.host = \"h\"\nbackend.port = \"993\"\n",
    4,
    "port number"
)]
#[case(
    "[accounts.a]\nbackend.type = \"imap\"\nbackend.host = \"h\"\nbackend.port = 70000\n",
    4,
    "1-65535"
)]
#[case(
    "[accounts.a]\nbackend.type = \"imap\"\nbackend.host = \"h\"\n\nbackend.encryption = \"quantum\"\n",
    5,
    "tls, start-tls or none"
)]
#[case(
    "[accounts.a]\nbackend = { type = \"imap\", host = \"h\",\n  auth = { cmd = 42 } }\n",
    3,
    "command"
)]
#[case("[w]\nimap-host = \"h\"\nimap-ssl = \"yes\"\n", 3, "true or false")]
#[case("[accounts.a]\nimap.server = \"pop3://h\"\n", 2, "imap://")]
#[case("[accounts.a]\nemail = 7\nimap.server = \"h\"\n", 2, "a string")]
fn malformed_files_name_the_line(#[case] text: &str, #[case] line: usize, #[case] fragment: &str) {
    assert_syntax_error(Kind::Himalaya, text, line, fragment);
}
