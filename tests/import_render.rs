//! The mailfix config printed by `mailfix import`: valid TOML with only
//! the keys design.md allows, and no literal password unless asked for.

mod import_common;

use mailfix::import::{Env, Kind, Pairing, RenderOptions, load_with, render};

use import_common::*;

const ACCOUNT_KEYS: &[&str] = &["name", "email", "incoming", "outgoing", "store"];
const SERVER_KEYS: &[&str] = &[
    "protocol",
    "host",
    "port",
    "security",
    "auth",
    "username",
    "password",
    "password_command",
    "password_env",
    "ca_file",
    "allow_plaintext_auth",
    "relay_probe_rcpt",
];
const STORE_KEYS: &[&str] = &["path", "format"];

fn paired() -> (tempfile::TempDir, mailfix::import::Imported) {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join(".msmtprc"), read("msmtp/msmtprc")).unwrap();
    std::fs::write(home.path().join(".mbsyncrc"), read("mbsync/mbsyncrc")).unwrap();
    let env = Env::with_home(home.path());
    let imported = load_with(
        Kind::Mbsync,
        None,
        &env,
        &mailfix::import::RealFs,
        Pairing::WithPartner,
    )
    .unwrap();
    (home, imported)
}

fn accounts(text: &str) -> Vec<toml::Table> {
    let doc: toml::Table = toml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_table().unwrap().clone())
        .collect()
}

#[test]
fn every_format_renders_to_valid_config_with_known_keys() {
    for (kind, rel) in [
        (Kind::Msmtp, "msmtp/msmtprc"),
        (Kind::Msmtp, "msmtp/msmtprc-old"),
        (Kind::Mbsync, "mbsync/mbsyncrc"),
        (Kind::Mbsync, "mbsync/mbsyncrc-old"),
        (Kind::Aerc, "aerc/accounts.conf"),
        (Kind::Himalaya, "himalaya/config-v1.toml"),
        (Kind::Himalaya, "himalaya/config-legacy.toml"),
        (Kind::Himalaya, "himalaya/config-beta.toml"),
        (Kind::Himalaya, "himalaya/config-v2.toml"),
    ] {
        let imported = parse_sample(kind, rel);
        let text = render(&imported, RenderOptions::default());
        let rendered = accounts(&text);
        assert_eq!(rendered.len(), imported.accounts.len(), "{rel}");
        for (table, item) in rendered.iter().zip(&imported.accounts) {
            assert_eq!(table["name"].as_str(), Some(item.account.name.as_str()));
            for (key, value) in table {
                assert!(ACCOUNT_KEYS.contains(&key.as_str()), "{rel}: {key}");
                let allowed = match key.as_str() {
                    "incoming" | "outgoing" => SERVER_KEYS,
                    "store" => STORE_KEYS,
                    _ => continue,
                };
                for sub in value.as_table().unwrap().keys() {
                    assert!(allowed.contains(&sub.as_str()), "{rel}: {key}.{sub}");
                }
            }
        }
    }
}

#[test]
fn paired_account_renders_both_servers_and_the_store() {
    let (home, imported) = paired();
    let text = render(&imported, RenderOptions::default());
    let work = accounts(&text)
        .into_iter()
        .find(|a| a["name"].as_str() == Some("work"))
        .unwrap();
    assert_eq!(work["email"].as_str(), Some("alice@work.example"));
    let incoming = work["incoming"].as_table().unwrap();
    assert_eq!(incoming["protocol"].as_str(), Some("imap"));
    assert_eq!(incoming["security"].as_str(), Some("tls"));
    assert_eq!(incoming["auth"].as_str(), Some("login"));
    assert_eq!(
        incoming["password_command"].as_str(),
        Some("pass show mail/work")
    );
    let ca = home.path().join("certs/work-ca.pem");
    assert_eq!(incoming["ca_file"].as_str(), ca.to_str());
    assert!(!incoming.contains_key("port"), "993 is the standard port");
    assert!(
        !incoming.contains_key("username"),
        "the login is the address"
    );
    let outgoing = work["outgoing"].as_table().unwrap();
    assert_eq!(outgoing["security"].as_str(), Some("starttls"));
    assert_eq!(outgoing["username"].as_str(), Some("alice"));
    assert_eq!(work["store"]["format"].as_str(), Some("maildir"));
    // Where it came from and what was lost are comments.
    assert!(text.contains("# from mbsync "));
    assert!(text.contains("# ! "));
}

#[test]
fn literal_passwords_are_copied_only_when_asked() {
    let imported = parse_sample(Kind::Msmtp, "msmtp/msmtprc");
    let text = render(&imported, RenderOptions::default());
    assert!(!text.contains("correct horse"), "{text}");
    assert!(text.contains("not copied"));
    let personal = |text: &str| {
        accounts(text)
            .into_iter()
            .find(|a| a["name"].as_str() == Some("personal"))
            .unwrap()
    };
    assert!(
        !personal(&text)["outgoing"]
            .as_table()
            .unwrap()
            .contains_key("password")
    );

    let text = render(
        &imported,
        RenderOptions {
            include_literal_passwords: true,
        },
    );
    assert_eq!(
        personal(&text)["outgoing"]["password"].as_str(),
        Some("correct horse \"battery\" staple")
    );
}

#[test]
fn a_missing_address_is_left_for_the_user() {
    let imported = parse_text(
        Kind::Mbsync,
        "IMAPAccount x\nHost h.example\nUser bob\nPassCmd \"p\"\n",
    )
    .unwrap();
    let text = render(&imported, RenderOptions::default());
    let table = &accounts(&text)[0];
    assert!(!table.contains_key("email"));
    assert!(text.contains("# email = "));
    assert_eq!(table["incoming"]["username"].as_str(), Some("bob"));
}
