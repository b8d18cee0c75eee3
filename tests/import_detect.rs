//! Finding files at the standard paths, pairing mbsync with msmtp, and
//! reading the real file system without touching it.

mod import_common;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use mailfix::account::{AuthMech as A, Protocol, Security as S};
use mailfix::import::{
    self, Env, ImportError, Kind, Pairing, ReadFs, RealFs, detect_all, load_with, standard_paths,
};

use import_common::*;

/// A home directory with the given files (relative path → sample file).
fn home_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, sample) in files {
        let path = dir.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, read(sample)).unwrap();
    }
    dir
}

#[test]
fn standard_paths_follow_each_client() {
    let env = Env {
        home: Some("/h".into()),
        xdg_config_home: Some("/x".into()),
    };
    let p = |kind| standard_paths(kind, &env);
    assert_eq!(
        p(Kind::Msmtp),
        [PathBuf::from("/h/.msmtprc"), "/x/msmtp/config".into()]
    );
    assert_eq!(
        p(Kind::Mbsync),
        [PathBuf::from("/x/isyncrc"), "/h/.mbsyncrc".into()]
    );
    assert_eq!(p(Kind::Aerc)[0], PathBuf::from("/x/aerc/accounts.conf"));
    assert_eq!(
        p(Kind::Himalaya),
        [
            PathBuf::from("/x/himalaya/config.toml"),
            "/h/.config/himalaya/config.toml".into(),
            "/h/.himalayarc".into()
        ]
    );
    // Without XDG_CONFIG_HOME the config directory is ~/.config, listed once.
    let env = Env::with_home("/h");
    assert_eq!(
        standard_paths(Kind::Himalaya, &env),
        [
            PathBuf::from("/h/.config/himalaya/config.toml"),
            "/h/.himalayarc".into()
        ]
    );
}

#[test]
fn detect_all_pairs_mbsync_with_msmtp_and_reads_the_rest() {
    let home = home_with(&[
        (".mbsyncrc", "mbsync/mbsyncrc"),
        (".config/msmtp/config", "msmtp/msmtprc"),
        (".config/aerc/accounts.conf", "aerc/accounts.conf"),
        (".himalayarc", "himalaya/config-legacy.toml"),
    ]);
    let env = Env::with_home(home.path());
    let detected = detect_all(&env, &RealFs);
    assert!(detected.errors.is_empty(), "{:?}", detected.errors);
    let imported = &detected.imported;
    let kinds: Vec<Kind> = imported.sources.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [Kind::Mbsync, Kind::Msmtp, Kind::Aerc, Kind::Himalaya]
    );

    let work = account(imported, "work");
    let incoming = work.account.incoming.as_ref().unwrap();
    let outgoing = work.account.outgoing.as_ref().unwrap();
    assert_eq!(
        (incoming.host.as_str(), incoming.security),
        ("imap.work.example", S::Tls)
    );
    assert_eq!(
        (outgoing.host.as_str(), outgoing.security),
        ("smtp.work.example", S::Starttls)
    );
    assert!(work.account.store.is_some());
    assert_eq!(
        work.origins.iter().map(|o| o.kind).collect::<Vec<_>>(),
        [Kind::Mbsync, Kind::Msmtp]
    );
    assert!(work.is_default, "msmtp's `account default : work`");
    assert!(work.aliases.contains(&"default".to_owned()));
    assert!(
        work.origin_summary().contains(".mbsyncrc")
            && work.origin_summary().contains("msmtp/config")
    );

    // msmtp accounts without an mbsync partner are kept; `home` (login
    // `alice` on home.example) does not pair with `work-tls` (login `alice`
    // on work.example).
    for name in [
        "work-tls", "personal", "lan", "cloud", "home", "Work", "gmail",
    ] {
        assert!(imported.find(name).is_some(), "{name}");
    }
    assert!(account(imported, "home").account.outgoing.is_none());
    // Names stay unique: himalaya's `work` becomes `work-himalaya`.
    let renamed = account(imported, "work-himalaya");
    assert_eq!(renamed.origins[0].kind, Kind::Himalaya);
    assert!(renamed.aliases.contains(&"work".to_owned()));
    assert_eq!(imported.find("work").unwrap().origins[0].kind, Kind::Mbsync);
}

#[test]
fn xdg_config_home_is_honoured() {
    let home = tempfile::tempdir().unwrap();
    let xdg = home_with(&[("aerc/accounts.conf", "aerc/accounts.conf")]);
    let env = Env {
        home: Some(home.path().to_path_buf()),
        xdg_config_home: Some(xdg.path().to_path_buf()),
    };
    let detected = detect_all(&env, &RealFs);
    assert_eq!(detected.imported.sources.len(), 1);
    assert_eq!(
        detected.imported.sources[0].file,
        xdg.path().join("aerc/accounts.conf")
    );
    // Nothing anywhere: nothing detected, no errors.
    let empty = detect_all(&Env::with_home(home.path()), &RealFs);
    assert!(empty.imported.accounts.is_empty() && empty.errors.is_empty());
}

#[test]
fn load_msmtp_picks_up_the_incoming_side_from_mbsync() {
    let home = home_with(&[
        (".msmtprc", "msmtp/msmtprc"),
        (".config/isyncrc", "mbsync/mbsyncrc"),
    ]);
    let env = Env::with_home(home.path());
    let imported = load_with(Kind::Msmtp, None, &env, &RealFs, Pairing::WithPartner).unwrap();
    // Only msmtp's accounts, in msmtp's order and names.
    assert_eq!(
        names(&imported),
        ["work", "work-tls", "personal", "lan", "cloud"]
    );
    let work = account(&imported, "work");
    assert_eq!(
        work.account.incoming.as_ref().unwrap().host,
        "imap.work.example"
    );
    assert_eq!(work.origins[1].kind, Kind::Mbsync);
    assert!(account(&imported, "personal").account.incoming.is_none());

    let alone = load_with(Kind::Msmtp, None, &env, &RealFs, Pairing::Off).unwrap();
    assert!(account(&alone, "work").account.incoming.is_none());
    assert_eq!(alone.sources.len(), 1);
}

#[test]
fn load_an_explicit_mbsync_file_and_pair_by_login() {
    let home = tempfile::tempdir().unwrap();
    fs::write(
        home.path().join(".msmtprc"),
        "account smtp-home\nhost smtp.home.example\nport 465\ntls on\ntls_starttls off\nauth on\n\
         user alice\nfrom alice@home.example\npasswordeval pass home\n",
    )
    .unwrap();
    let mbsyncrc = home.path().join("elsewhere.conf");
    fs::write(&mbsyncrc, "IMAPAccount home\nHost imap.home.example\nUser alice\nPassCmd \"pass home\"\nTLSType IMAPS\n").unwrap();
    let env = Env::with_home(home.path());
    let imported = load_with(
        Kind::Mbsync,
        Some(&mbsyncrc),
        &env,
        &RealFs,
        Pairing::WithPartner,
    )
    .unwrap();
    let home_acc = imported
        .find("smtp-home")
        .expect("answers to the msmtp name");
    assert_eq!(home_acc.account.name, "home");
    // The address comes from msmtp's `from`; the IMAP login stays `alice`.
    assert_eq!(home_acc.account.email, "alice@home.example");
    assert_eq!(
        home_acc.account.incoming.as_ref().unwrap().username,
        "alice"
    );
    let out = home_acc.account.outgoing.as_ref().unwrap();
    assert_eq!((out.port, out.security, out.auth), (465, S::Tls, A::Auto));
    assert!(
        home_acc
            .warnings
            .iter()
            .all(|w| !w.message.contains("no e-mail address"))
    );
}

#[test]
fn a_broken_partner_is_a_warning_not_a_failure() {
    let home = home_with(&[(".msmtprc", "msmtp/msmtprc")]);
    fs::write(home.path().join(".mbsyncrc"), "IMAPAccount\n").unwrap();
    let env = Env::with_home(home.path());
    let imported = load_with(Kind::Msmtp, None, &env, &RealFs, Pairing::WithPartner).unwrap();
    assert_eq!(imported.accounts.len(), 5);
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.message.contains("not paired with mbsync"))
    );
}

#[test]
fn nothing_found_names_where_it_looked() {
    let home = tempfile::tempdir().unwrap();
    let env = Env::with_home(home.path());
    match load_with(Kind::Aerc, None, &env, &RealFs, Pairing::WithPartner) {
        Err(ImportError::NotFound { kind, searched }) => {
            assert_eq!(kind, Kind::Aerc);
            assert_eq!(searched, standard_paths(Kind::Aerc, &env));
        }
        other => panic!("{other:?}"),
    }
    let missing = home.path().join("nope.conf");
    let err = load_with(Kind::Aerc, Some(&missing), &env, &RealFs, Pairing::Off).unwrap_err();
    assert!(err.to_string().contains("nope.conf"), "{err}");
}

#[test]
fn a_tilde_in_the_given_path_is_the_home() {
    let home = home_with(&[("mail/aerc.conf", "aerc/accounts.conf")]);
    let env = Env::with_home(home.path());
    let imported = load_with(
        Kind::Aerc,
        Some(Path::new("~/mail/aerc.conf")),
        &env,
        &RealFs,
        Pairing::Off,
    )
    .unwrap();
    assert_eq!(imported.sources[0].file, home.path().join("mail/aerc.conf"));
}

#[cfg(unix)]
#[test]
fn the_source_file_is_never_modified() {
    use std::os::unix::fs::PermissionsExt;
    let home = home_with(&[
        (".msmtprc", "msmtp/msmtprc"),
        (".mbsyncrc", "mbsync/mbsyncrc"),
    ]);
    let files = [home.path().join(".msmtprc"), home.path().join(".mbsyncrc")];
    for f in &files {
        fs::set_permissions(f, fs::Permissions::from_mode(0o400)).unwrap();
    }
    let before: Vec<_> = files
        .iter()
        .map(|f| {
            (
                fs::read(f).unwrap(),
                fs::metadata(f).unwrap().modified().unwrap(),
            )
        })
        .collect();
    let env = Env::with_home(home.path());
    load_with(Kind::Msmtp, None, &env, &RealFs, Pairing::WithPartner).unwrap();
    detect_all(&env, &RealFs);
    let after: Vec<_> = files
        .iter()
        .map(|f| {
            (
                fs::read(f).unwrap(),
                fs::metadata(f).unwrap().modified().unwrap(),
            )
        })
        .collect();
    assert_eq!(before, after);
    for f in &files {
        assert_eq!(fs::metadata(f).unwrap().permissions().mode() & 0o777, 0o400);
    }
}

#[test]
fn oversized_binary_and_directory_files_are_refused() {
    let home = tempfile::tempdir().unwrap();
    let big = home.path().join("big");
    fs::write(&big, vec![b'#'; 2 << 20]).unwrap();
    assert!(matches!(
        RealFs.read(&big),
        Err(ImportError::TooLarge { .. })
    ));
    let binary = home.path().join("bin");
    fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    assert!(matches!(
        RealFs.read(&binary),
        Err(ImportError::Read { .. })
    ));
    assert!(matches!(
        RealFs.read(home.path()),
        Err(ImportError::Read { .. })
    ));
    assert_eq!(RealFs.read(&home.path().join("absent")).unwrap(), None);
    // A broken file found by detection is reported, the others still read.
    fs::create_dir_all(home.path().join(".config/aerc")).unwrap();
    fs::write(home.path().join(".config/aerc/accounts.conf"), "[oops\n").unwrap();
    fs::write(home.path().join(".msmtprc"), read("msmtp/msmtprc")).unwrap();
    let detected = detect_all(&Env::with_home(home.path()), &RealFs);
    assert!(matches!(
        detected.errors.as_slice(),
        [ImportError::Syntax { line: 1, .. }]
    ));
    assert_eq!(detected.imported.accounts.len(), 5);
}

#[test]
fn any_closure_can_stand_in_for_the_file_system() {
    let files: HashMap<PathBuf, String> =
        [(PathBuf::from("/h/.mbsyncrc"), read("mbsync/mbsyncrc-old"))].into();
    let fs = |p: &Path| files.get(p).cloned();
    let detected = detect_all(&Env::with_home("/h"), &fs);
    assert_eq!(names(&detected.imported), ["old", "plain", "cramped"]);
    let old = &account(&detected.imported, "old").account;
    assert_eq!(old.incoming.as_ref().unwrap().protocol, Protocol::Imap);
    // The public `load` reads the real environment; with an explicit file
    // it needs nothing else.
    let path = data("aerc/accounts.conf");
    let imported = import::load(Kind::Aerc, Some(&path)).unwrap();
    assert_eq!(imported.accounts.len(), 8);
}
