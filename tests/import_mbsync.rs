//! mbsync/isync: today's TLSType/Far/Near files and the older
//! SSLType/Master/Slave ones, stores, and bad files.

mod import_common;

use std::path::PathBuf;

use mailfix::account::{
    Account, AuthMech as A, Protocol::Imap, Security as S, StoreFormat, StoreSettings,
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
fn tlstype_account_store_and_channel() {
    let imported = parse_sample(Kind::Mbsync, "mbsync/mbsyncrc");
    assert_eq!(names(&imported), ["work", "home"]);
    assert_eq!(
        account(&imported, "work").account,
        Account {
            name: "work".into(),
            email: "alice@work.example".into(),
            incoming: Some(with_ca(
                server(
                    Imap,
                    "imap.work.example",
                    993,
                    S::Tls,
                    A::Login,
                    "alice@work.example",
                    cmd("pass show mail/work")
                ),
                "/home/alice/certs/work-ca.pem"
            )),
            outgoing: None,
            store: maildir("/home/alice/Mail/work/INBOX"),
        }
    );
}

#[test]
fn lowercase_keywords_plus_prefixed_passcmd_and_several_mechanisms() {
    let text = read("mbsync/mbsyncrc");
    let imported = parse_sample(Kind::Mbsync, "mbsync/mbsyncrc");
    let home = account(&imported, "home");
    assert_eq!(
        home.account.incoming,
        Some(server(
            Imap,
            "mail.home.example",
            143,
            S::Starttls,
            A::Auto,
            "alice",
            cmd("gpg -q --for-your-eyes-only -d ~/.mailpass.gpg")
        ))
    );
    // No `Inbox`: mbsync keeps INBOX in ~/Maildir, whatever `Path` says.
    assert_eq!(home.account.store, maildir("/home/alice/Maildir"));
    // `User alice` is no address: the account has none (pairing may add it).
    assert_eq!(home.account.email, "");
    assert!(warning_line(home, "no e-mail address").is_some());
    assert_eq!(
        warning_line(home, "several mechanisms"),
        Some(line_with(&text, "authmechs PLAIN LOGIN"))
    );
    assert_eq!(
        warning_line(home, "client certificates"),
        Some(line_with(&text, "ClientCertificate"))
    );
    assert_eq!(
        file_warning_line(&imported, "Frobnicate"),
        Some(line_with(&text, "Frobnicate"))
    );
    // Global options are mbsync's own business: no warning for them.
    assert!(
        imported
            .all_warnings()
            .all(|w| !w.message.contains("SyncState") && !w.message.contains("Expunge"))
    );
}

#[test]
fn old_ssltype_master_slave_and_inline_store() {
    let imported = parse_sample(Kind::Mbsync, "mbsync/mbsyncrc-old");
    assert_eq!(names(&imported), ["old", "plain", "cramped"]);
    assert_eq!(
        account(&imported, "old").account,
        Account {
            name: "old".into(),
            email: "bob@old.example".into(),
            incoming: Some(server(
                Imap,
                "imap.old.example",
                993,
                S::Tls,
                A::Auto,
                "bob@old.example",
                lit("s3cret with spaces")
            )),
            outgoing: None,
            store: maildir("/home/alice/Maildir/old/INBOX"),
        }
    );
    let plain = account(&imported, "plain");
    assert_eq!(
        plain.account.incoming,
        Some(server(
            Imap,
            "192.0.2.10",
            1143,
            S::None,
            A::Auto,
            "carol@plain.example",
            lit("pw")
        ))
    );
    // mailfix will not send that password in the clear unless told to.
    assert!(
        !plain
            .account
            .incoming
            .as_ref()
            .unwrap()
            .allow_plaintext_auth
    );
    assert!(warning_line(plain, "without encryption").is_some());

    let cramped = account(&imported, "cramped");
    let incoming = cramped.account.incoming.as_ref().unwrap();
    assert_eq!(
        (incoming.security, incoming.auth),
        (S::Starttls, A::CramMd5)
    );
    assert!(warning_line(cramped, "keychain").is_some());
}

#[test]
fn an_empty_line_ends_the_section() {
    let imported = parse_text(
        Kind::Mbsync,
        "IMAPAccount a\nHost h.example\n\nUser x@y.example\n",
    )
    .unwrap();
    assert_eq!(incoming(&imported, "a").username, "");
    assert_eq!(
        file_warning_line(&imported, "`User` outside any section"),
        Some(4)
    );
    // A comment line does not end it.
    let imported = parse_text(
        Kind::Mbsync,
        "IMAPAccount a\nHost h.example\n# note\nUser x@y.example\n",
    )
    .unwrap();
    assert_eq!(account(&imported, "a").account.email, "x@y.example");
}

#[test]
fn tlstype_wins_over_the_older_ssltype() {
    let imported = parse_text(
        Kind::Mbsync,
        "IMAPAccount a\nHost h\nSSLType IMAPS\nTLSType STARTTLS\n",
    )
    .unwrap();
    assert_eq!(incoming(&imported, "a").security, S::Starttls);
}

/// The store checked is the local INBOX, where new mail lands: `Inbox`,
/// else mbsync's default ~/Maildir. `Path` holds the other folders and is
/// no Maildir itself with `SubFolders Verbatim` or `Legacy`.
#[rstest]
#[case::inbox_inside_path(
    "Path ~/Mail/a/\nInbox ~/Mail/a/INBOX\nSubFolders Verbatim\n",
    "/home/alice/Mail/a/INBOX"
)]
#[case::inbox_elsewhere("Inbox /var/mail/a\nPath ~/Mail/a/\n", "/var/mail/a")]
#[case::path_only("Path ~/Mail/a/\n", "/home/alice/Maildir")]
#[case::neither("SubFolders Maildir++\n", "/home/alice/Maildir")]
fn the_store_is_the_local_inbox(#[case] store: &str, #[case] expected: &str) {
    let text = format!(
        "IMAPAccount a\nHost h.example\n\nIMAPStore a-remote\nAccount a\n\n\
         MaildirStore a-local\n{store}\nChannel a\nFar :a-remote:\nNear :a-local:\n"
    );
    let imported = parse_text(Kind::Mbsync, &text).unwrap();
    assert_eq!(account(&imported, "a").account.store, maildir(expected));
}

#[rstest]
#[case("IMAPAccount\n", 1, "needs a name")]
#[case("IMAPAccount a\nHost h\nPort abc\n", 3, "port")]
#[case("IMAPAccount a\nHost h\nPort 0\n", 3, "port")]
#[case("IMAPAccount a\nHost h\nTLSType maybe\n", 3, "None, STARTTLS or IMAPS")]
#[case("IMAPStore s\nAccount missing\n", 2, "no IMAPAccount named `missing`")]
#[case(
    "MaildirStore m\nPath ~/M\n\nChannel c\nFar :nowhere:\nNear :m:\n",
    5,
    "no store named `nowhere`"
)]
#[case("Channel c\nFar nocolon\n", 2, ":STORE:")]
#[case("Channel c\nMaster ::x\n", 2, ":STORE:")]
#[case("IMAPAccount a\nPass \"open\n", 2, "quote")]
#[case("IMAPAccount a\nHost h\nUseIMAPS perhaps\n", 3, "yes or no")]
fn malformed_files_name_the_line(#[case] text: &str, #[case] line: usize, #[case] fragment: &str) {
    assert_syntax_error(Kind::Mbsync, text, line, fragment);
}
