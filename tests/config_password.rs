//! Password sources: literal, environment, and a real `sh -c` command that
//! fails, hangs, prints nothing or prints two lines.

use std::time::Duration;

use mailfix::account::PasswordSource;
use mailfix::password::{PasswordError, resolve};
use mailfix::secret::Secret;

const SHORT: Duration = Duration::from_secs(5);

fn cmd(c: &str) -> PasswordSource {
    PasswordSource::Command(c.to_string())
}

#[tokio::test]
async fn first_line_of_a_command() {
    let got = resolve(&cmd("printf 'first line\\nsecond line\\n'"), SHORT)
        .await
        .unwrap();
    assert_eq!(got.expose(), "first line");
    let got = resolve(&cmd("printf 'no newline'"), SHORT).await.unwrap();
    assert_eq!(got.expose(), "no newline");
}

#[tokio::test]
async fn a_failing_command_says_why_without_a_wrong_password() {
    let err = resolve(
        &cmd("echo 'gpg: decryption failed: No secret key' >&2; exit 2"),
        SHORT,
    )
    .await
    .unwrap_err();
    match &err {
        PasswordError::CommandFailed { reason, .. } => {
            assert!(reason.contains("exit status 2"), "{err}");
            assert!(reason.contains("No secret key"), "{err}");
        }
        other => panic!("{other:?}"),
    }
    let err = resolve(&cmd("definitely-not-a-command-mailfix"), SHORT)
        .await
        .unwrap_err();
    assert!(matches!(err, PasswordError::CommandFailed { .. }), "{err}");
}

#[tokio::test]
async fn a_hanging_command_is_killed_at_the_timeout() {
    let marker = tempfile::tempdir().unwrap();
    let flag = marker.path().join("still-running");
    // The shell starts a child that would touch a file after 3 s; the
    // timeout must kill the whole group, the child included. Were the
    // group left alive, resolve would wait for its output pipe to close:
    // the guard (far below the 30 s sleep) catches that hang.
    let command = format!("(sleep 3; touch '{}') & sleep 30", flag.display());
    let err = tokio::time::timeout(
        Duration::from_secs(20),
        resolve(&cmd(&command), Duration::from_millis(300)),
    )
    .await
    .expect("resolve waited for the command after its timeout")
    .unwrap_err();
    assert!(
        matches!(err, PasswordError::CommandTimedOut { secs: 1, .. }),
        "{err:?}"
    );
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert!(
        !flag.exists(),
        "the command's own child survived the timeout"
    );
}

#[tokio::test]
async fn a_command_that_reads_stdin_gets_eof() {
    // stdin is closed (null): `cat` ends at once instead of waiting.
    let err = resolve(&cmd("cat"), SHORT).await.unwrap_err();
    assert!(matches!(err, PasswordError::CommandEmpty { .. }), "{err:?}");
}

#[tokio::test]
async fn a_command_that_prints_nothing() {
    for c in ["true", "echo", "printf '\\n\\nlater\\n'"] {
        let err = resolve(&cmd(c), SHORT).await.unwrap_err();
        assert!(
            matches!(err, PasswordError::CommandEmpty { .. }),
            "{c}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_flood_of_output_is_bounded() {
    let got = resolve(&cmd("echo token; head -c 10000000 /dev/zero"), SHORT)
        .await
        .unwrap();
    assert_eq!(got.expose(), "token");
}

#[tokio::test]
async fn carriage_return_and_nul_are_refused() {
    for c in ["printf 'a\\rb\\n'", "printf 'a\\000b\\n'"] {
        let err = resolve(&cmd(c), SHORT).await.unwrap_err();
        assert_eq!(err, PasswordError::ForbiddenCharacters, "{c}");
    }
}

#[tokio::test]
async fn environment_and_literal_sources() {
    // Names unique to this test: the process environment is shared.
    unsafe {
        std::env::set_var("MAILFIX_TEST_PW_SET", "from env");
        std::env::set_var("MAILFIX_TEST_PW_EMPTY", "");
        std::env::set_var("MAILFIX_TEST_PW_CRLF", "a\r\nb");
    }
    let env = |n: &str| PasswordSource::Env(n.to_string());
    assert_eq!(
        resolve(&env("MAILFIX_TEST_PW_SET"), SHORT)
            .await
            .unwrap()
            .expose(),
        "from env"
    );
    assert!(matches!(
        resolve(&env("MAILFIX_TEST_PW_UNSET"), SHORT).await,
        Err(PasswordError::EnvUnset { .. })
    ));
    assert!(matches!(
        resolve(&env("MAILFIX_TEST_PW_EMPTY"), SHORT).await,
        Err(PasswordError::EnvEmpty { .. })
    ));
    assert_eq!(
        resolve(&env("MAILFIX_TEST_PW_CRLF"), SHORT).await,
        Err(PasswordError::ForbiddenCharacters)
    );
    let literal = PasswordSource::Literal(Secret::new("lit"));
    assert_eq!(resolve(&literal, SHORT).await.unwrap().expose(), "lit");
    assert_eq!(
        resolve(&PasswordSource::Unset, SHORT).await,
        Err(PasswordError::Unset)
    );
}

#[tokio::test]
async fn messages_never_hold_the_output() {
    let err = resolve(&cmd("printf 'hun%s\\n' ter2; exit 1"), SHORT)
        .await
        .unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
}
