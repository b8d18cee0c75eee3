//! The real binary on bad input: every mistake ends with status 2 and one
//! line on stderr that names the file, the line and the key. Help,
//! version and completions work.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rstest::rstest;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/config")
        .join(name)
}

fn mailfix(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mailfix"))
        .args(args)
        .env("NO_COLOR", "1")
        // Never the developer's own config or state.
        .env("XDG_CONFIG_HOME", "/nonexistent/mailfix-test-config")
        .env("XDG_STATE_HOME", "/nonexistent/mailfix-test-state")
        .output()
        .expect("the binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Status 2, nothing on stdout, exactly one line on stderr, no panic.
fn one_line_usage_error(out: &Output) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    err
}

#[rstest]
#[case::unknown_key("unknown_key.toml", 6, "accounts[1].incoming.prot", "unknown key")]
#[case::duplicate_password_sources(
    "two_password_sources.toml",
    9,
    "accounts[1].incoming.password_command",
    "only one of"
)]
#[case::malformed("malformed.toml", 7, "accounts[1].incoming.host", "not valid TOML")]
fn broken_configs(#[case] file: &str, #[case] line: usize, #[case] key: &str, #[case] words: &str) {
    let path = data(file);
    let out = mailfix(&["check", "--config", path.to_str().unwrap()]);
    let err = one_line_usage_error(&out);
    assert!(
        err.starts_with(&format!("{}:{line}: key '{key}': ", path.display())),
        "{err}"
    );
    assert!(err.contains(words), "{err}");
    assert!(
        !err.contains("secret-in-file"),
        "the password never shows: {err}"
    );
}

#[test]
fn a_missing_config_file() {
    let out = mailfix(&["check", "--config", "/nonexistent/dir/config.toml"]);
    let err = one_line_usage_error(&out);
    assert!(
        err.contains("/nonexistent/dir/config.toml") && err.contains("no such config file"),
        "{err}"
    );
}

#[test]
fn the_default_config_file_missing_names_its_path() {
    let out = mailfix(&["check"]);
    let err = one_line_usage_error(&out);
    assert!(
        err.contains("/nonexistent/mailfix-test-config/mailfix/config.toml"),
        "{err}"
    );
}

#[test]
fn an_unknown_account_lists_the_known_ones() {
    let path = data("two_accounts.toml");
    let out = mailfix(&[
        "check",
        "--config",
        path.to_str().unwrap(),
        "work",
        "holiday",
    ]);
    let err = one_line_usage_error(&out);
    assert!(
        err.contains("'holiday'") && err.contains("known: work, home"),
        "{err}"
    );
}

#[rstest]
#[case::bad_flag(&["check", "--no-such-flag"])]
#[case::bad_timeout(&["check", "--timeout", "0"])]
#[case::bad_dns(&["--dns-server", "example.org", "check"])]
#[case::bad_shell(&["completions", "cmd.exe"])]
#[case::bad_client(&["check", "--from", "outlook", "x"])]
fn clap_usage_errors_exit_2(#[case] args: &[&str]) {
    let out = mailfix(args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("error:"), "{}", stderr(&out));
}

#[test]
fn the_wizard_without_a_terminal_says_what_to_use() {
    let err = one_line_usage_error(&mailfix(&[]));
    assert!(err.contains("mailfix check"), "{err}");
}

#[test]
fn help_has_examples_and_version_prints() {
    let out = mailfix(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for words in [
        "Examples:",
        "mailfix check --demo",
        "--dns-server",
        "config.toml",
    ] {
        assert!(help.contains(words), "{words}: {help}");
    }
    let out = mailfix(&["check", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("Exit status: 0") && help.contains("--json"),
        "{help}"
    );

    let out = mailfix(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("mailfix {}", env!("CARGO_PKG_VERSION"))
    );
}

#[rstest]
#[case("bash", "complete -F")]
#[case("zsh", "#compdef mailfix")]
#[case("fish", "complete -c mailfix")]
fn completions(#[case] shell: &str, #[case] marker: &str) {
    let out = mailfix(&["completions", shell]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let script = String::from_utf8_lossy(&out.stdout);
    assert!(script.contains(marker), "{script}");
    assert!(
        script.contains("dns-server") && script.contains("check"),
        "{shell}"
    );
}

#[test]
fn bash_accepts_its_completion_script() {
    let out = mailfix(&["completions", "bash"]);
    let script = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(script.path(), &out.stdout).unwrap();
    let checked = Command::new("bash")
        .arg("-n")
        .arg(script.path())
        .status()
        .unwrap();
    assert!(checked.success());
}

#[test]
fn the_hidden_man_page_renders() {
    let out = mailfix(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH mailfix"),
        "{page}"
    );
    assert!(page.contains("completions"));
}

#[test]
fn a_readable_config_with_a_password_warns_on_stderr() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[[accounts]]\nname = \"w\"\nemail = \"a@example.org\"\n[accounts.outgoing]\nhost = \"127.0.0.1\"\npassword = \"hunter2\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    // An unknown account stops before any probe; the warning comes first.
    let out = mailfix(&["check", "--config", path.to_str().unwrap(), "nope"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2));
    let first = err.lines().next().unwrap();
    assert!(
        first.starts_with("mailfix: warning: ") && first.contains("chmod 600"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
}
