//! Writing settings back: edits keep comments and layout, rendered configs
//! load back into the same accounts, writes are atomic and keep the mode.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use mailfix::account::{
    Account, AuthMech, PasswordSource, Protocol, Security, ServerSettings, Service, StoreFormat,
    StoreSettings,
};
use mailfix::config::{
    EditError, PathContext, RenderOptions, parse_str, render, save_account, update_account,
    update_server, write_atomic,
};
use mailfix::secret::Secret;

const ORIGINAL: &str = r#"# My mail settings
[[accounts]]
name = "work"   # the office
email = "alice@example.org"

[accounts.incoming]
protocol = "imap"
host = "mail.example.org"
port = 143            # was told to use this
security = "starttls"
password_command = "pass show work"

[[accounts]]
name = "home"
email = "bob@example.net"
incoming = { protocol = "pop3", host = "pop.example.net" }
"#;

fn ctx() -> PathContext {
    PathContext {
        base: PathBuf::from("/"),
        home: Some(PathBuf::from("/home/alice")),
    }
}

fn load(text: &str) -> Vec<Account> {
    parse_str(text, Path::new("c.toml"), &ctx()).unwrap()
}

#[test]
fn changing_the_port_keeps_everything_else() {
    let mut server = load(ORIGINAL)[0].incoming.clone().unwrap();
    server.port = 993;
    server.security = Security::Tls;
    let out = update_server(
        ORIGINAL,
        "work",
        Service::Incoming,
        &server,
        "alice@example.org",
    )
    .unwrap();
    assert!(
        out.contains("port = 993            # was told to use this"),
        "{out}"
    );
    assert!(out.contains("security = \"tls\""), "{out}");
    assert!(
        out.contains("# My mail settings") && out.contains("# the office"),
        "{out}"
    );
    assert!(
        out.contains("password_command = \"pass show work\""),
        "{out}"
    );
    // The other account is untouched, byte for byte.
    assert!(
        out.ends_with("incoming = { protocol = \"pop3\", host = \"pop.example.net\" }\n"),
        "{out}"
    );
    assert_eq!(load(&out)[0].incoming.as_ref().unwrap(), &server);
}

#[test]
fn an_unchanged_server_leaves_the_text_as_it_was() {
    let server = load(ORIGINAL)[0].incoming.clone().unwrap();
    let out = update_server(
        ORIGINAL,
        "work",
        Service::Incoming,
        &server,
        "alice@example.org",
    )
    .unwrap();
    assert_eq!(out, ORIGINAL);
}

#[test]
fn a_standard_port_is_not_written() {
    let mut server = load(ORIGINAL)[0].incoming.clone().unwrap();
    server.port = 993;
    server.port_explicit = false;
    server.security = Security::Tls;
    let out = update_server(
        ORIGINAL,
        "work",
        Service::Incoming,
        &server,
        "alice@example.org",
    )
    .unwrap();
    assert!(!out.contains("port ="), "{out}");
    let back = load(&out)[0].incoming.clone().unwrap();
    assert_eq!(
        (back.port, back.security, back.port_explicit),
        (993, Security::Tls, false)
    );
}

#[test]
fn a_missing_server_is_added_as_its_own_table() {
    let smtp = ServerSettings {
        relay_probe_rcpt: Some("probe@example.net".into()),
        ..ServerSettings::standard(Protocol::Smtp, "smtp.example.org", Security::Tls)
            .with_auth(AuthMech::Plain)
            .with_username("alice@example.org")
    };
    let out = update_server(
        ORIGINAL,
        "work",
        Service::Outgoing,
        &smtp,
        "alice@example.org",
    )
    .unwrap();
    assert!(out.contains("[accounts.outgoing]"), "{out}");
    let accounts = load(&out);
    assert_eq!(accounts[0].outgoing.as_ref(), Some(&smtp));
    assert_eq!(accounts[1].outgoing, None);
    // The new table belongs to the first account, before the second one starts.
    assert!(
        out.find("[accounts.outgoing]") < out.rfind("[[accounts]]"),
        "{out}"
    );
}

#[test]
fn inline_accounts_can_be_edited() {
    let mut home = load(ORIGINAL)[1].clone();
    let pop = home.incoming.as_mut().unwrap();
    pop.security = Security::Starttls;
    pop.port = Protocol::Pop3.default_port(Security::Starttls);
    home.store = Some(StoreSettings {
        path: "/home/alice/Mail/home".into(),
        format: StoreFormat::Maildir,
    });
    let out = update_account(ORIGINAL, "home", &home).unwrap();
    let back = &load(&out)[1];
    assert_eq!(back, &home, "{out}");
    assert!(out.contains("security = \"starttls\""), "{out}");
    assert!(
        out.ends_with("[accounts.store]\npath = \"/home/alice/Mail/home\"\nformat = \"maildir\"\n"),
        "{out}"
    );
}

#[test]
fn renaming_through_update_account() {
    let mut work = load(ORIGINAL)[0].clone();
    work.name = "office".into();
    let out = update_account(ORIGINAL, "work", &work).unwrap();
    assert!(out.contains("name = \"office\"   # the office"), "{out}");
}

#[test]
fn unknown_account_and_broken_text() {
    let server = load(ORIGINAL)[0].incoming.clone().unwrap();
    assert_eq!(
        update_server(ORIGINAL, "nope", Service::Incoming, &server, "a@b.c"),
        Err(EditError::NoSuchAccount("nope".into()))
    );
    assert!(matches!(
        update_server("[[accounts]\n", "work", Service::Incoming, &server, "a@b.c"),
        Err(EditError::Syntax(_))
    ));
}

fn sample_accounts(password: PasswordSource) -> Vec<Account> {
    let mut accounts = load(ORIGINAL);
    let incoming = accounts[0].incoming.as_mut().unwrap();
    incoming.password = password;
    incoming.username = "alice \"the admin\"".into();
    incoming.auth = AuthMech::CramMd5;
    incoming.allow_plaintext_auth = true;
    accounts[1].store = Some(StoreSettings {
        path: "/var/mail/bob".into(),
        format: StoreFormat::Mbox,
    });
    accounts
}

#[test]
fn rendered_configs_load_back_into_the_same_accounts() {
    for password in [
        PasswordSource::Unset,
        PasswordSource::Command("pass show 'work mail'".into()),
        PasswordSource::Env("WORK_PW".into()),
    ] {
        let accounts = sample_accounts(password);
        let text = render(&accounts, &RenderOptions::default());
        assert_eq!(load(&text), accounts, "{text}");
    }
}

#[test]
fn literal_passwords_are_written_only_when_asked() {
    let accounts = sample_accounts(PasswordSource::Literal(Secret::new("hunter2")));
    let text = render(&accounts, &RenderOptions::default());
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("# password_command = "), "{text}");
    assert_eq!(
        load(&text)[0].incoming.as_ref().unwrap().password,
        PasswordSource::Unset
    );

    let options = RenderOptions {
        include_passwords: true,
        header: vec!["written by a test".into()],
    };
    let text = render(&accounts, &options);
    assert!(text.starts_with("# written by a test\n"), "{text}");
    assert_eq!(load(&text), accounts);
}

#[test]
fn atomic_writes_keep_the_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, ORIGINAL).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    write_atomic(&path, "x = 1\n").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "x = 1\n");
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file is left"
    );

    let fresh = dir.path().join("new/sub/config.toml");
    write_atomic(&fresh, "y = 2\n").unwrap();
    assert_eq!(
        std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn save_account_refuses_a_change_that_would_break_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, ORIGINAL).unwrap();

    let mut work = load(ORIGINAL)[0].clone();
    work.incoming.as_mut().unwrap().port = 995;
    save_account(&path, "work", &work).unwrap();
    let saved = mailfix::config::load(&path).unwrap();
    assert_eq!(saved.accounts[0].incoming.as_ref().unwrap().port, 995);

    work.incoming.as_mut().unwrap().host = String::new();
    let err = save_account(&path, "work", &work).unwrap_err();
    assert!(matches!(err, EditError::Invalid(_)), "{err}");
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("host = \"mail.example.org\"")
    );
}

#[test]
fn group_readable_file_with_a_password_gets_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let text = "[[accounts]]\nname = \"w\"\nemail = \"a@b.c\"\n[accounts.outgoing]\nhost = \"h\"\npassword = \"hunter2\"\n";
    std::fs::write(&path, text).unwrap();
    for (mode, warned) in [(0o600, false), (0o640, true), (0o604, true)] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        let warnings = mailfix::config::load(&path).unwrap().warnings;
        assert_eq!(
            warnings.len(),
            usize::from(warned),
            "mode {mode:o}: {warnings:?}"
        );
        assert!(
            warnings
                .iter()
                .all(|w| !w.contains("hunter2") && w.contains("chmod 600"))
        );
    }
    std::fs::write(
        &path,
        text.replace("password = \"hunter2\"", "password_env = \"P\""),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(mailfix::config::load(&path).unwrap().warnings.is_empty());
}

#[test]
fn accounts_written_as_an_inline_array_can_be_edited() {
    let text = "accounts = [\n  { name = \"w\", email = \"a@example.org\", incoming = { protocol = \"imap\", host = \"h\" } },\n]\n";
    let mut account = load(text)[0].clone();
    account.incoming.as_mut().unwrap().host = "imap.example.org".into();
    account.outgoing = Some(
        ServerSettings::standard(Protocol::Smtp, "smtp.example.org", Security::Starttls)
            .with_username("a@example.org"),
    );
    let out = update_account(text, "w", &account).unwrap();
    assert!(out.starts_with("accounts = [\n"), "{out}");
    assert_eq!(load(&out)[0], account, "{out}");
}

#[test]
fn save_account_adds_a_new_account_and_creates_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mailfix/config.toml");
    let mut first = load(ORIGINAL)[0].clone();
    first.incoming.as_mut().unwrap().password = PasswordSource::Literal(Secret::new("typed-in"));
    save_account(&path, "work", &first).unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("typed-in"), "{text}");

    let second = load(ORIGINAL)[1].clone();
    save_account(&path, "home", &second).unwrap();
    let saved = mailfix::config::load(&path).unwrap().accounts;
    assert_eq!(saved.len(), 2);
    assert_eq!(saved[1], second);
    assert_eq!(saved[0].name, "work");
}

#[test]
fn render_account_puts_notes_above_the_block() {
    let account = load(ORIGINAL)[0].clone();
    let text = mailfix::config::render_account(
        &account,
        &["from msmtp ~/.msmtprc\nline two".into()],
        &RenderOptions::default(),
    );
    assert!(
        text.starts_with("# from msmtp ~/.msmtprc\n# line two\n[[accounts]]\n"),
        "{text}"
    );
    assert_eq!(load(&text), vec![account]);
}
