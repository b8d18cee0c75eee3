//! The mailfix config printed by `mailfix import`: the config module
//! loads it back into the same accounts, and literal passwords appear only
//! when asked for.

mod import_common;

use std::path::{Path, PathBuf};

use mailfix::account::{Account, PasswordSource};
use mailfix::config::{self, PathContext, RenderOptions};
use mailfix::import::{Env, Imported, Kind, Pairing, RealFs, load_with, render};

use import_common::*;

const SAMPLES: &[(Kind, &str)] = &[
    (Kind::Msmtp, "msmtp/msmtprc"),
    (Kind::Msmtp, "msmtp/msmtprc-old"),
    (Kind::Mbsync, "mbsync/mbsyncrc"),
    (Kind::Mbsync, "mbsync/mbsyncrc-old"),
    (Kind::Aerc, "aerc/accounts.conf"),
    (Kind::Himalaya, "himalaya/config-v1.toml"),
    (Kind::Himalaya, "himalaya/config-legacy.toml"),
    (Kind::Himalaya, "himalaya/config-beta.toml"),
    (Kind::Himalaya, "himalaya/config-v2.toml"),
];

fn load_back(text: &str, dir: &Path) -> Vec<Account> {
    let paths = PathContext {
        base: dir.to_path_buf(),
        home: Some(PathBuf::from(HOME)),
    };
    config::parse_str(text, &dir.join("config.toml"), &paths)
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The accounts mailfix's own config can hold: with an address, and with
/// CA files that exist (the config checks they are readable).
fn loadable(mut imported: Imported, ca: &Path) -> Imported {
    imported.accounts.retain(|a| !a.account.email.is_empty());
    for item in &mut imported.accounts {
        for server in [&mut item.account.incoming, &mut item.account.outgoing]
            .into_iter()
            .flatten()
        {
            if server.ca_file.is_some() {
                server.ca_file = Some(ca.to_path_buf());
            }
        }
    }
    imported
}

#[test]
fn every_sample_loads_back_into_the_same_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, "-----BEGIN CERTIFICATE-----\n").unwrap();
    for (kind, rel) in SAMPLES {
        let imported = loadable(parse_sample(*kind, rel), &ca);
        let options = RenderOptions {
            include_passwords: true,
            header: Vec::new(),
        };
        let text = render(&imported, &options);
        let expected: Vec<Account> = imported
            .accounts
            .iter()
            .map(|a| a.account.clone())
            .collect();
        assert_eq!(load_back(&text, dir.path()), expected, "{rel}:\n{text}");

        // Without passwords: the same, minus the literal ones.
        let text = render(&imported, &RenderOptions::default());
        let mut expected = expected;
        for account in &mut expected {
            for server in [&mut account.incoming, &mut account.outgoing]
                .into_iter()
                .flatten()
            {
                if matches!(server.password, PasswordSource::Literal(_)) {
                    server.password = PasswordSource::Unset;
                }
            }
        }
        assert_eq!(load_back(&text, dir.path()), expected, "{rel}:\n{text}");
    }
}

#[test]
fn comments_say_where_it_came_from_and_what_was_lost() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join(".msmtprc"), read("msmtp/msmtprc")).unwrap();
    std::fs::write(home.path().join(".mbsyncrc"), read("mbsync/mbsyncrc")).unwrap();
    let env = Env::with_home(home.path());
    let imported = load_with(Kind::Mbsync, None, &env, &RealFs, Pairing::WithPartner).unwrap();
    let text = render(&imported, &RenderOptions::default());
    assert!(
        text.starts_with("# mailfix settings made by `mailfix import` from:\n"),
        "{text}"
    );
    assert!(text.contains(&format!(
        "#   mbsync {}",
        home.path().join(".mbsyncrc").display()
    )));
    assert!(text.contains(&format!(
        "#   msmtp {}",
        home.path().join(".msmtprc").display()
    )));
    assert!(text.contains("# from mbsync "));
    assert!(
        text.contains("# ! ") && text.contains("frobnicate"),
        "{text}"
    );
}

#[test]
fn literal_passwords_are_copied_only_when_asked() {
    let imported = parse_sample(Kind::Msmtp, "msmtp/msmtprc");
    let text = render(&imported, &RenderOptions::default());
    assert!(!text.contains("correct horse"), "{text}");
    let text = render(
        &imported,
        &RenderOptions {
            include_passwords: true,
            header: Vec::new(),
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let personal = load_back(&text, dir.path())
        .into_iter()
        .find(|a| a.name == "personal")
        .unwrap();
    assert_eq!(
        personal.outgoing.unwrap().password,
        lit("correct horse \"battery\" staple")
    );
}
