//! The config file: defaults, every key of the design, and one-line
//! errors that name the file, the line and the key.

use std::path::{Path, PathBuf};

use mailfix::account::{AuthMech, PasswordSource, Protocol, Security, StoreFormat};
use mailfix::config::{ConfigError, PathContext, parse_str};
use mailfix::secret::Secret;
use rstest::rstest;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/config")
        .join(name)
}

fn ctx() -> PathContext {
    PathContext {
        base: data(""),
        home: Some(PathBuf::from("/home/alice")),
    }
}

fn parse(text: &str) -> Result<Vec<mailfix::account::Account>, ConfigError> {
    parse_str(text, Path::new("c.toml"), &ctx())
}

const HEAD: &str = "[[accounts]]\nname = \"w\"\nemail = \"a@example.org\"\n";

#[test]
fn full_sample_loads_with_every_key() {
    let path = data("full.toml");
    let accounts = mailfix::config::load(&path).unwrap().accounts;
    assert_eq!(accounts.len(), 2);

    let work = &accounts[0];
    assert_eq!(
        (work.name.as_str(), work.email.as_str()),
        ("work", "alice@example.org")
    );
    let inc = work.incoming.as_ref().unwrap();
    assert_eq!(inc.protocol, Protocol::Imap);
    assert_eq!(
        (inc.host.as_str(), inc.port, inc.port_explicit),
        ("mail.example.org", 993, true)
    );
    assert_eq!((inc.security, inc.auth), (Security::Tls, AuthMech::Auto));
    assert_eq!(inc.username, "alice");
    assert_eq!(
        inc.password,
        PasswordSource::Command("pass show mail/work".into())
    );
    assert_eq!(inc.ca_file.as_deref(), Some(data("extra-ca.pem").as_path()));
    assert!(!inc.allow_plaintext_auth);

    let out = work.outgoing.as_ref().unwrap();
    assert_eq!(out.protocol, Protocol::Smtp);
    assert_eq!(
        (out.port, out.security, out.auth),
        (587, Security::Starttls, AuthMech::Plain)
    );
    assert_eq!(
        out.password,
        PasswordSource::Env("WORK_SMTP_PASSWORD".into())
    );
    assert_eq!(out.relay_probe_rcpt.as_deref(), Some("probe@example.net"));
    assert_eq!(
        out.username, "alice@example.org",
        "the user name defaults to the e-mail"
    );

    let store = work.store.as_ref().unwrap();
    assert_eq!(store.format, StoreFormat::Maildir);
    assert!(store.path.ends_with("Mail/work") && !store.path.starts_with("~"));

    let home = &accounts[1];
    let pop = home.incoming.as_ref().unwrap();
    assert_eq!(
        (pop.protocol, pop.port, pop.port_explicit),
        (Protocol::Pop3, 110, false)
    );
    let smtp = home.outgoing.as_ref().unwrap();
    assert_eq!((smtp.port, smtp.auth), (465, AuthMech::None));
}

#[rstest]
#[case::imap_tls(
    "protocol = \"imap\"\nsecurity = \"tls\"",
    Protocol::Imap,
    993,
    Security::Tls
)]
#[case::imap_starttls(
    "protocol = \"imap\"\nsecurity = \"starttls\"",
    Protocol::Imap,
    143,
    Security::Starttls
)]
#[case::pop3_tls(
    "protocol = \"POP3\"\nsecurity = \"TLS\"",
    Protocol::Pop3,
    995,
    Security::Tls
)]
#[case::no_security_means_tls("protocol = \"imap\"", Protocol::Imap, 993, Security::Tls)]
#[case::port_143_means_starttls(
    "protocol = \"imap\"\nport = 143",
    Protocol::Imap,
    143,
    Security::Starttls
)]
#[case::odd_port_keeps_tls(
    "protocol = \"pop3\"\nport = 10995",
    Protocol::Pop3,
    10995,
    Security::Tls
)]
fn incoming_defaults(
    #[case] keys: &str,
    #[case] protocol: Protocol,
    #[case] port: u16,
    #[case] security: Security,
) {
    let text = format!("{HEAD}[accounts.incoming]\nhost = \"h\"\n{keys}\n");
    let server = parse(&text).unwrap().remove(0).incoming.unwrap();
    assert_eq!(
        (server.protocol, server.port, server.security),
        (protocol, port, security)
    );
    assert_eq!(server.auth, AuthMech::Auto);
    assert_eq!(server.username, "a@example.org");
    assert_eq!(server.password, PasswordSource::Unset);
}

#[test]
fn outgoing_defaults_to_submission() {
    let text = format!("{HEAD}[accounts.outgoing]\nhost = \"h\"\nsecurity = \"starttls\"\n");
    let server = parse(&text).unwrap().remove(0).outgoing.unwrap();
    assert_eq!(
        (server.protocol, server.port, server.port_explicit),
        (Protocol::Smtp, 587, false)
    );
}

#[test]
fn literal_password_and_inline_tables() {
    let text = "[[accounts]]\nname = \"w\"\nemail = \"a@example.org\"\n\
                incoming = { protocol = \"imap\", host = \"h\", password = \"p w\" }\n\
                store = { path = \"/var/mail/a\", format = \"mbox\" }\n";
    let account = parse(text).unwrap().remove(0);
    assert_eq!(
        account.incoming.unwrap().password,
        PasswordSource::Literal(Secret::new("p w"))
    );
    assert_eq!(account.store.unwrap().format, StoreFormat::Mbox);
}

#[test]
fn a_store_alone_is_an_account() {
    let text = format!("{HEAD}[accounts.store]\npath = \"~/Mail\"\nformat = \"maildir\"\n");
    let store = parse(&text).unwrap().remove(0).store.unwrap();
    assert_eq!(store.path, PathBuf::from("/home/alice/Mail"));
}

/// (text after the account head, line, key, words the message holds)
#[rstest]
#[case::unknown_key(
    "[accounts.incoming]\nprot = \"imap\"\nhost = \"h\"\n",
    5,
    "accounts[1].incoming.prot",
    "did you mean 'protocol'"
)]
#[case::unknown_account_key(
    "colour = \"red\"\n[accounts.incoming]\n",
    4,
    "accounts[1].colour",
    "unknown key"
)]
#[case::port_zero(
    "[accounts.incoming]\nprotocol = \"imap\"\nhost = \"h\"\nport = 0\n",
    7,
    "accounts[1].incoming.port",
    "between 1 and 65535"
)]
#[case::port_big(
    "[accounts.incoming]\nprotocol = \"imap\"\nhost = \"h\"\nport = 70000\n",
    7,
    "accounts[1].incoming.port",
    "between 1 and 65535"
)]
#[case::port_string(
    "[accounts.incoming]\nprotocol = \"imap\"\nhost = \"h\"\nport = \"993\"\n",
    7,
    "accounts[1].incoming.port",
    "expected an integer, found a string"
)]
#[case::bad_protocol(
    "[accounts.incoming]\nprotocol = \"jmap\"\nhost = \"h\"\n",
    5,
    "accounts[1].incoming.protocol",
    "imap, pop3"
)]
#[case::smtp_incoming(
    "[accounts.incoming]\nprotocol = \"smtp\"\nhost = \"h\"\n",
    5,
    "accounts[1].incoming.protocol",
    "imap or pop3"
)]
#[case::imap_outgoing(
    "[accounts.outgoing]\nprotocol = \"imap\"\nhost = \"h\"\n",
    5,
    "accounts[1].outgoing.protocol",
    "always speaks smtp"
)]
#[case::missing_protocol(
    "[accounts.incoming]\nhost = \"h\"\n",
    4,
    "accounts[1].incoming.protocol",
    "missing"
)]
#[case::missing_host(
    "[accounts.outgoing]\nport = 587\n",
    4,
    "accounts[1].outgoing.host",
    "missing"
)]
#[case::empty_host(
    "[accounts.outgoing]\nhost = \"  \"\n",
    5,
    "accounts[1].outgoing.host",
    "host name"
)]
#[case::auth_none_incoming(
    "[accounts.incoming]\nprotocol = \"imap\"\nhost = \"h\"\nauth = \"none\"\n",
    7,
    "accounts[1].incoming.auth",
    "only allowed for the outgoing"
)]
#[case::bad_auth(
    "[accounts.outgoing]\nhost = \"h\"\nauth = \"ntlm\"\n",
    6,
    "accounts[1].outgoing.auth",
    "cram-md5"
)]
#[case::bad_security(
    "[accounts.outgoing]\nhost = \"h\"\nsecurity = \"ssl\"\n",
    6,
    "accounts[1].outgoing.security",
    "tls, starttls, none"
)]
#[case::two_sources(
    "[accounts.incoming]\nprotocol = \"imap\"\nhost = \"h\"\npassword = \"x\"\npassword_env = \"P\"\n",
    8,
    "accounts[1].incoming.password_env",
    "'password' is already set on line 7"
)]
#[case::three_sources(
    "[accounts.outgoing]\nhost = \"h\"\npassword_command = \"c\"\npassword_env = \"P\"\npassword = \"x\"\n",
    7,
    "accounts[1].outgoing.password_env",
    "only one of"
)]
#[case::password_crlf(
    "[accounts.incoming]\nprotocol = \"imap\"\nhost = \"h\"\npassword = \"a\\r\\nb\"\n",
    7,
    "accounts[1].incoming.password",
    "line break"
)]
#[case::username_nul(
    "[accounts.incoming]\nprotocol = \"imap\"\nhost = \"h\"\nusername = \"a\\u0000b\"\n",
    7,
    "accounts[1].incoming.username",
    "NUL"
)]
#[case::empty_password(
    "[accounts.incoming]\nprotocol = \"imap\"\nhost = \"h\"\npassword = \"\"\n",
    7,
    "accounts[1].incoming.password",
    "empty"
)]
#[case::plaintext_not_bool(
    "[accounts.incoming]\nprotocol = \"imap\"\nhost = \"h\"\nallow_plaintext_auth = \"yes\"\n",
    7,
    "accounts[1].incoming.allow_plaintext_auth",
    "true or false"
)]
#[case::rcpt_on_incoming(
    "[accounts.incoming]\nprotocol = \"imap\"\nhost = \"h\"\nrelay_probe_rcpt = \"x@y.z\"\n",
    7,
    "accounts[1].incoming.relay_probe_rcpt",
    "only the outgoing"
)]
#[case::ca_missing(
    "[accounts.incoming]\nprotocol = \"imap\"\nhost = \"h\"\nca_file = \"no-such.pem\"\n",
    7,
    "accounts[1].incoming.ca_file",
    "no-such.pem"
)]
#[case::ca_dir(
    "[accounts.incoming]\nprotocol = \"imap\"\nhost = \"h\"\nca_file = \".\"\n",
    7,
    "accounts[1].incoming.ca_file",
    "not a regular file"
)]
#[case::nothing_to_check("", 1, "accounts[1]", "nothing to check")]
#[case::store_format(
    "[accounts.store]\npath = \"/m\"\nformat = \"mh\"\n",
    6,
    "accounts[1].store.format",
    "maildir, mbox"
)]
#[case::store_no_format(
    "[accounts.store]\npath = \"/m\"\n",
    4,
    "accounts[1].store.format",
    "missing"
)]
#[case::incoming_not_table("incoming = \"imap\"\n", 4, "accounts[1].incoming", "expected a table")]
fn errors_name_line_and_key(
    #[case] rest: &str,
    #[case] line: usize,
    #[case] key: &str,
    #[case] words: &str,
) {
    let text = format!("{HEAD}{rest}");
    let err = parse(&text).unwrap_err();
    let shown = err.to_string();
    assert!(!shown.contains('\n'), "one line: {shown}");
    match &err {
        ConfigError::Invalid {
            line: l,
            key: k,
            message,
            ..
        } => {
            assert_eq!((*l, k.as_str()), (line, key), "{shown}");
            assert!(message.contains(words), "{shown}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        shown.starts_with(&format!("c.toml:{line}: key '{key}': ")),
        "{shown}"
    );
}

#[rstest]
#[case::bad_email(
    "[[accounts]]\nname = \"w\"\nemail = \"alice\"\n",
    3,
    "accounts[1].email"
)]
#[case::email_crlf(
    "[[accounts]]\nname = \"w\"\nemail = \"a@b.c\\r\\nRCPT\"\n",
    3,
    "accounts[1].email"
)]
#[case::no_name("[[accounts]]\nemail = \"a@b.c\"\n", 1, "accounts[1].name")]
#[case::top_unknown("colour = 1\n[[accounts]]\n", 1, "colour")]
#[case::empty_file("", 1, "accounts")]
#[case::single_table("[accounts]\nname = \"w\"\n", 1, "accounts")]
#[case::syntax(
    "[[accounts]]\nname = \"w\"\n[accounts.incoming]\nhost = mail\n",
    4,
    "accounts[1].incoming.host"
)]
#[case::second_account(
    "[[accounts]]\nname = \"a\"\nemail = \"a@b.c\"\nstore = { path = \"/m\", format = \"mbox\" }\n[[accounts]]\nname = \"b\"\nemail = \"b@b.c\"\n[accounts.outgoing]\nhots = \"h\"\n",
    9,
    "accounts[2].outgoing.hots"
)]
#[case::duplicate_name(
    "[[accounts]]\nname = \"a\"\nemail = \"a@b.c\"\nstore = { path = \"/m\", format = \"mbox\" }\n[[accounts]]\nname = \"a\"\nemail = \"b@b.c\"\nstore = { path = \"/n\", format = \"mbox\" }\n",
    6,
    "accounts[2].name"
)]
fn account_level_errors(#[case] text: &str, #[case] line: usize, #[case] key: &str) {
    match parse(text).unwrap_err() {
        ConfigError::Invalid {
            line: l, key: k, ..
        } => assert_eq!((l, k.as_str()), (line, key)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn duplicate_names_say_where_the_first_one_is() {
    let text = "[[accounts]]\nname = \"a\"\nemail = \"a@b.c\"\nstore = { path = \"/m\", format = \"mbox\" }\n[[accounts]]\nname = \"a\"\nemail = \"b@b.c\"\nstore = { path = \"/n\", format = \"mbox\" }\n";
    let shown = parse(text).unwrap_err().to_string();
    assert!(shown.contains("already used on line 2"), "{shown}");
}

#[test]
fn a_missing_file_is_one_line_naming_it() {
    let path = data("does-not-exist.toml");
    let err = mailfix::config::load(&path).unwrap_err();
    assert!(matches!(err, ConfigError::Missing { .. }));
    let shown = err.to_string();
    assert!(
        shown.starts_with(&path.display().to_string()) && !shown.contains('\n'),
        "{shown}"
    );
}

#[test]
fn the_password_never_appears_in_errors_or_debug() {
    let text = format!(
        "{HEAD}[accounts.incoming]\nprotocol = \"imap\"\nhost = \"h\"\npassword = \"hunter2\"\nport = 0\n"
    );
    let shown = parse(&text).unwrap_err().to_string();
    assert!(!shown.contains("hunter2"), "{shown}");
    let ok = format!(
        "{HEAD}[accounts.incoming]\nprotocol = \"imap\"\nhost = \"h\"\npassword = \"hunter2\"\n"
    );
    assert!(!format!("{:?}", parse(&ok).unwrap()).contains("hunter2"));
}

#[test]
#[ignore = "prints the messages for a person to read"]
fn print_messages() {
    for name in [
        "unknown_key.toml",
        "two_password_sources.toml",
        "malformed.toml",
    ] {
        println!("{}", mailfix::config::load(&data(name)).unwrap_err());
    }
    for text in [
        "[accounts]\nname = \"w\"\n",
        "",
        "[[accounts]]\nname = \"w\"\nemail = \"x\"\n",
    ] {
        println!("{}", parse(text).unwrap_err());
    }
}

/// Every prefix of a real config, and a few damaged copies of it: never a
/// panic, and every error is one line with a line number inside the text.
#[test]
fn damaged_configs_never_panic() {
    let text = std::fs::read_to_string(data("full.toml")).unwrap();
    let mut variants: Vec<String> = (0..=text.len())
        .filter(|i| text.is_char_boundary(*i))
        .map(|i| text[..i].to_string())
        .collect();
    for (from, to) in [
        ("\"", ""),
        ("=", "=="),
        ("]", ""),
        ("\n", "\r"),
        ("a", "\u{0}"),
        ("9", "é"),
    ] {
        variants.push(text.replacen(from, to, 3));
    }
    for variant in variants {
        if let Err(err) = parse(&variant) {
            let shown = err.to_string();
            assert!(!shown.contains('\n'), "{shown}");
            if let ConfigError::Invalid { line, .. } = err {
                assert!(
                    line >= 1 && line <= variant.lines().count().max(1),
                    "{shown}"
                );
            }
        }
    }
}

#[test]
fn an_unknown_key_lists_what_its_server_table_takes() {
    let message = |table: &str, protocol: &str| {
        let text = format!(
            "{HEAD}[accounts.{table}]\nprotocol = \"{protocol}\"\nhost = \"h\"\ncolour = 1\n"
        );
        parse(&text).unwrap_err().to_string()
    };
    let incoming = message("incoming", "imap");
    assert!(
        incoming.ends_with(", ca_file, allow_plaintext_auth)"),
        "{incoming}"
    );
    let outgoing = message("outgoing", "smtp");
    assert!(
        outgoing.ends_with(", allow_plaintext_auth, relay_probe_rcpt)"),
        "{outgoing}"
    );
}
