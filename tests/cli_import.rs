//! `mailfix import` through the real binary: every sample of every format
//! becomes a config that `mailfix check --config` takes and checks (on
//! loopback only: the DNS server is a closed local port), with no
//! password of the source copied; without `--from` the usual places of
//! every client are read; `-o` never replaces a file without `--force`.

mod cli_support;

use std::fs;
use std::net::IpAddr;

use cli_support::*;
use mailfix::config::{self, PathContext};
use rstest::rstest;

/// The names of the accounts in `text` that are safe to probe here: no
/// server given as an IP address outside loopback (the mbsync sample has
/// a TEST-NET address; names only ever reach the closed DNS port).
fn loopback_safe_accounts(text: &str, sandbox: &Sandbox) -> Vec<String> {
    let file = sandbox.path("check.toml");
    let paths = PathContext {
        base: sandbox.home.path().to_path_buf(),
        home: Some(sandbox.home.path().to_path_buf()),
    };
    let accounts = config::parse_str(text, &file, &paths).expect("the output is a valid config");
    accounts
        .into_iter()
        .filter(|a| {
            [&a.incoming, &a.outgoing].into_iter().flatten().all(|s| {
                match s.host.trim_matches(['[', ']']).parse::<IpAddr>() {
                    Ok(ip) => ip.is_loopback(),
                    Err(_) => true,
                }
            })
        })
        .map(|a| a.name)
        .collect()
}

/// An account whose source names no address (mbsync's `User alice`)
/// is imported with `email = ""` and a warning saying to add one; the
/// config then refuses to load until the user does. Do as the warning
/// says, once per warning.
fn fill_in_addresses(text: &str, warnings: &str) -> String {
    let told = warnings.matches("no e-mail address found").count();
    assert_eq!(text.matches("email = \"\"\n").count(), told, "{warnings}");
    text.replace("email = \"\"\n", "email = \"filled-in@example.test\"\n")
}

#[rstest]
#[case::msmtp("msmtp", "msmtp/msmtprc", &["work", "work-tls", "personal", "lan", "cloud"], &["correct horse"])]
#[case::msmtp_old("msmtp", "msmtp/msmtprc-old", &["default"], &["hunter2"])]
#[case::mbsync("mbsync", "mbsync/mbsyncrc", &["work", "home"], &[])]
#[case::mbsync_old_ssltype("mbsync", "mbsync/mbsyncrc-old", &["old", "plain", "cramped"], &["s3cret with spaces"])]
#[case::aerc("aerc", "aerc/accounts.conf", &["Work", "Home", "Lan", "Gmail", "Bearer", "Selfsigned", "Local", "Old"], &["s3cr:t pw", "s3cr%3At"])]
#[case::himalaya_v1("himalaya", "himalaya/config-v1.toml", &["work", "local", "keyring", "oauth"], &["pa55word"])]
#[case::himalaya_v2("himalaya", "himalaya/config-v2.toml", &["example"], &["pa55"])]
#[case::himalaya_beta("himalaya", "himalaya/config-beta.toml", &["personal"], &["pa55"])]
#[case::himalaya_legacy("himalaya", "himalaya/config-legacy.toml", &["gmail", "work", "offline"], &["pa55"])]
fn each_sample_becomes_a_config_that_check_takes(
    #[case] kind: &str,
    #[case] sample: &str,
    #[case] names: &[&str],
    #[case] secrets: &[&str],
) {
    let sandbox = Sandbox::new();
    let file = data(&format!("import/{sample}"));
    let before = fs::read(&file).unwrap();
    let out = sandbox.run(&["import", "--from", kind, file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for name in names {
        assert!(
            text.contains(&format!("name = \"{name}\"")),
            "{name} missing:\n{text}"
        );
    }
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "a source password was copied:\n{text}"
        );
        assert!(!stderr(&out).contains(secret), "{}", stderr(&out));
    }
    assert_eq!(
        fs::read(&file).unwrap(),
        before,
        "the source is never changed"
    );

    let text = fill_in_addresses(&text, &stderr(&out));
    let config = sandbox.write("check.toml", &text);
    let safe = loopback_safe_accounts(&text, &sandbox);
    assert!(!safe.is_empty());
    let mut args = vec!["check", "--json", "--config", config.to_str().unwrap()];
    args.extend(safe.iter().map(String::as_str));
    let checked = sandbox.run_offline(&args);
    assert_checked(&checked);
    assert_eq!(json_accounts(&checked), safe);
}

#[test]
fn without_from_every_clients_usual_files_are_read() {
    let sandbox = Sandbox::new();
    sandbox.place("import/msmtp/msmtprc", ".msmtprc");
    sandbox.place("import/mbsync/mbsyncrc", ".mbsyncrc");
    sandbox.place("import/aerc/accounts.conf", ".config/aerc/accounts.conf");
    sandbox.place(
        "import/himalaya/config-v2.toml",
        ".config/himalaya/config.toml",
    );
    let out = sandbox.run(&["import"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for source in [
        ".msmtprc",
        ".mbsyncrc",
        "aerc/accounts.conf",
        "himalaya/config.toml",
    ] {
        assert!(text.contains(source), "{source} not read:\n{text}");
    }
    // One name per account even when two clients use the same one.
    let text = fill_in_addresses(&text, &stderr(&out));
    let config = sandbox.write("all.toml", &text);
    let names = loopback_safe_accounts(&text, &sandbox);
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    // mbsync's "work" has msmtp's "work" (same address) as its outgoing side.
    let paired = config::parse_str(
        &text,
        &config,
        &PathContext {
            base: sandbox.home.path().to_path_buf(),
            home: Some(sandbox.home.path().to_path_buf()),
        },
    )
    .unwrap()
    .into_iter()
    .find(|a| a.email == "alice@work.example" && a.incoming.is_some() && a.outgoing.is_some());
    assert!(paired.is_some(), "no paired account:\n{text}");
    // What could not be carried over is told on stderr, file and line.
    let err = stderr(&out);
    assert!(err.contains(".msmtprc:47: unknown msmtp command"), "{err}");
    assert!(
        err.lines().all(|l| l.starts_with("mailfix: warning: ")),
        "{err}"
    );
}

#[test]
fn nothing_found_is_one_line_naming_the_way_out() {
    let sandbox = Sandbox::new();
    let err = one_line_usage_error(&sandbox.run(&["import"]));
    assert!(err.contains("--from"), "{err}");
}

#[test]
fn a_missing_file_is_named() {
    let sandbox = Sandbox::new();
    let err = one_line_usage_error(&sandbox.run(&["import", "--from", "aerc", "nope.conf"]));
    assert!(err.contains("nope.conf"), "{err}");
    let err = one_line_usage_error(&sandbox.run(&["import", "--from", "msmtp"]));
    assert!(
        err.contains(".msmtprc"),
        "the usual places are listed: {err}"
    );
}

#[test]
fn a_file_needs_from() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["import", "some.conf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--from"), "{}", stderr(&out));
}

#[test]
fn output_is_written_once_and_replaced_only_with_force() {
    let sandbox = Sandbox::new();
    let sample = data("import/msmtp/msmtprc");
    let target = sandbox.path("out/config.toml");
    fs::create_dir_all(target.parent().unwrap()).unwrap();
    let args = |extra: &[&'static str]| {
        let mut args = vec![
            "import".to_string(),
            "--from".into(),
            "msmtp".into(),
            sample.to_str().unwrap().into(),
            "-o".into(),
            target.to_str().unwrap().into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let run = |extra: &[&'static str]| {
        let args = args(extra);
        sandbox.run(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };

    let out = run(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let written = fs::read_to_string(&target).unwrap();
    assert!(written.contains("name = \"work\""));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        fs::metadata(&target).unwrap().permissions().mode() & 0o777,
        0o600
    );

    fs::write(&target, "# mine\n").unwrap();
    let err = one_line_usage_error(&run(&[]));
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), "# mine\n");

    let out = run(&["--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&target).unwrap(), written);
}

#[test]
fn output_onto_a_directory_is_refused() {
    let sandbox = Sandbox::new();
    let sample = data("import/aerc/accounts.conf");
    let dir = sandbox.path("somedir");
    fs::create_dir_all(&dir).unwrap();
    for force in [false, true] {
        let mut args = vec![
            "import",
            "--from",
            "aerc",
            sample.to_str().unwrap(),
            "-o",
            dir.to_str().unwrap(),
        ];
        if force {
            args.push("--force");
        }
        let err = one_line_usage_error(&sandbox.run(&args));
        assert!(err.contains("is a directory"), "{err}");
    }
}
