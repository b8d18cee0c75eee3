//! The secrets audit itself: the list `scripts/check-secrets` greps test
//! logs for covers every password and token constant of the suites, and
//! the script finds a secret in plain text and inside base64 (and only
//! then).

mod hostile_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hostile_support::secrets::{PASSWORD, audit_list};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string of every `const …PASSWORD…: &str = "…"` / `…TOKEN…` and of
/// `PASSWORD_MARKER`, at least 6 characters long (shorter ones would
/// match ordinary text).
fn declared_secrets() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for dir in ["tests", "fuzz/src", "src/lab"] {
        sources(&root().join(dir), &mut files);
    }
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines() {
            let line = line.trim();
            let Some((name, value)) = line.split_once(": &str = \"") else {
                continue;
            };
            let name = name.rsplit(' ').next().unwrap_or_default();
            let is_secret = name.contains("PASSWORD") || name.contains("TOKEN");
            let not_a_secret = ["_KEEP", "_NONE", "_FILE"]
                .iter()
                .any(|x| name.ends_with(x));
            if !is_secret || not_a_secret {
                continue;
            }
            let Some(value) = value.strip_suffix("\";") else {
                continue;
            };
            if value.len() >= 6 {
                found.push((file.clone(), value.to_owned()));
            }
        }
    }
    found
}

#[test]
fn the_audit_list_covers_every_declared_test_secret() {
    let list = audit_list();
    let declared = declared_secrets();
    assert!(
        declared.iter().any(|(_, s)| s == PASSWORD),
        "the scan found no secret at all: {declared:?}"
    );
    let missing: Vec<String> = declared
        .iter()
        .filter(|(_, s)| !list.iter().any(|l| s.contains(l.as_str())))
        .map(|(f, _)| f.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "secrets declared in these files are not in tests/data/test-secrets.txt: {missing:?}"
    );
}

fn check(log: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.log");
    std::fs::write(&path, log).unwrap();
    let out = Command::new("bash")
        .arg(root().join("scripts/check-secrets"))
        .arg(&path)
        .output()
        .expect("bash runs scripts/check-secrets");
    let said =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    (out.status.success(), said)
}

#[test]
fn check_secrets_finds_plain_and_base64_secrets_and_passes_clean_logs() {
    let clean = "running 3 tests\ntest a ... ok\nAUTH PLAIN ********\nAAAAAAAAAAAAAAAA\n";
    let (ok, said) = check(clean);
    assert!(ok, "{said}");

    let (ok, said) = check(&format!("{clean}a line with {PASSWORD} in it\n"));
    assert!(!ok && said.contains("at line 5"), "{said}");
    assert!(
        !said.contains(PASSWORD),
        "the script shows the secret: {said}"
    );

    let plain = B64.encode(format!("\0alice@hostile.test\0{PASSWORD}"));
    let (ok, said) = check(&format!("{clean}C: AUTH PLAIN {plain}\n"));
    assert!(!ok && said.contains("base64"), "{said}");

    let login = B64.encode(PASSWORD);
    let (ok, said) = check(&format!("{clean}S: 334 UGFzc3dvcmQ6\nC: {login}\n"));
    assert!(!ok, "{said}");

    let xoauth2 =
        B64.encode("user=paul@oauth-only.example\x01auth=Bearer paul-oauth-access-token\x01\x01");
    let (ok, said) = check(&format!("{clean}{xoauth2}\n"));
    assert!(!ok, "{said}");
}
