//! What the command-line tests share: a sandbox home for the real binary
//! (never the developer's own config, state or mail files), the sample
//! files, and a DNS server address on loopback that nothing answers.

#![allow(dead_code)]

use std::fs;
use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

/// A file of `tests/data/`.
pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// A loopback port with nothing behind it, neither UDP nor TCP: a DNS
/// server there fails at once, and no packet leaves the machine.
pub fn closed_port() -> u16 {
    loop {
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = udp.local_addr().unwrap().port();
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// `--dns-server 127.0.0.1:<closed> --timeout 1`: what every test that
/// probes passes, so that the only network is loopback.
pub fn offline_args() -> Vec<String> {
    vec![
        "--dns-server".into(),
        format!("127.0.0.1:{}", closed_port()),
        "--timeout".into(),
        "1".into(),
    ]
}

/// A home directory of its own, with `~/.config` and the certificate
/// files the sample configs name (`~/certs/*.pem`).
pub struct Sandbox {
    pub home: TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let home = tempfile::tempdir().unwrap();
        fs::create_dir_all(home.path().join(".config")).unwrap();
        let certs = home.path().join("certs");
        fs::create_dir_all(&certs).unwrap();
        for name in ["work-ca.pem", "example.pem", "me.pem"] {
            fs::copy(data("config/extra-ca.pem"), certs.join(name)).unwrap();
        }
        Sandbox { home }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.home.path().join(rel)
    }

    /// Put a sample file at `rel` in the home (a client's usual place).
    pub fn place(&self, sample: &str, rel: &str) -> PathBuf {
        let to = self.path(rel);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(data(sample), &to).unwrap();
        to
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let to = self.path(rel);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::write(&to, text).unwrap();
        to
    }

    /// The binary with this home, no colour, stdin closed.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_mailfix"));
        command
            .args(args)
            .current_dir(self.home.path())
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.path(".config"))
            .env("XDG_STATE_HOME", self.path(".local/state"))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("the binary runs")
    }

    /// `run` with [`offline_args`] added.
    pub fn run_offline(&self, args: &[&str]) -> Output {
        let offline = offline_args();
        let mut all: Vec<&str> = args.to_vec();
        all.extend(offline.iter().map(String::as_str));
        self.run(&all)
    }
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Status 2, nothing on stdout, one line on stderr, no panic; the line.
pub fn one_line_usage_error(out: &Output) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(out.stdout.is_empty(), "stdout: {}", stdout(out));
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// A check ran to its end: status 0 or 1, never a usage error.
pub fn assert_checked(out: &Output) {
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        stdout(out),
        stderr(out)
    );
    assert!(!stderr(out).contains("panicked"), "{}", stderr(out));
}

/// The `account` of every JSON line of `check --json`.
pub fn json_accounts(out: &Output) -> Vec<String> {
    stdout(out)
        .lines()
        .map(|line| {
            let value: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            value["account"].as_str().unwrap().to_string()
        })
        .collect()
}
