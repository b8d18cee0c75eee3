use super::*;
use crate::account::{AuthMech, Protocol, Security, Service};
use crate::evidence::{CertSummary, Depth, Endpoint, Reply, Session, Status};
use rstest::rstest;

fn cert(sha: &str, issuer: &str) -> CertSummary {
    CertSummary {
        subject: "CN=mail.example.org".into(),
        issuer: issuer.into(),
        names: vec!["mail.example.org".into()],
        not_before: "2026-01-01T00:00:00Z".into(),
        not_after: "2027-01-01T00:00:00Z".into(),
        self_signed: false,
        sha256: sha.into(),
    }
}

fn probe(role: Role, tls: Option<TlsOutcome>, login: Option<LoginOutcome>) -> EndpointProbe {
    let mut session = Session::new("192.0.2.1:993".parse().unwrap());
    session.tls = tls;
    session.login = login;
    EndpointProbe {
        service: Service::Incoming,
        role,
        endpoint: Endpoint {
            protocol: Protocol::Imap,
            host: "mail.example.org".into(),
            port: 993,
            security: Security::Tls,
        },
        depth: Depth::Full,
        connects: Vec::new(),
        session: Some(session),
    }
}

fn verified(sha: &str, issuer: &str, pin: PinCheck) -> Option<TlsOutcome> {
    Some(TlsOutcome::Verified {
        version: "TLSv1.3".into(),
        cipher: "TLS13_AES_128_GCM_SHA256".into(),
        cert: cert(sha, issuer),
        pin,
    })
}

fn accepted() -> Option<LoginOutcome> {
    Some(LoginOutcome::Accepted {
        mechanism: AuthMech::Plain,
    })
}

fn pins_with(sha: &str, issuer: &str) -> Pins {
    let mut pins = Pins {
        path: Some("/nonexistent/pins.toml".into()),
        entries: BTreeMap::new(),
    };
    pins.entries.insert(
        "mail.example.org:993".into(),
        PinEntry {
            sha256: sha.into(),
            issuer: issuer.into(),
            seen: "2026-01-01".into(),
        },
    );
    pins
}

#[test]
fn a_good_check_pins_the_certificate() {
    let mut pins = Pins::default();
    let p = probe(
        Role::Configured,
        verified("aa", "CN=CA", PinCheck::NotPinned),
        accepted(),
    );
    assert!(pins.update([&p], "2026-11-05"));
    assert_eq!(
        pins.get("mail.example.org:993"),
        Some(PinRecord {
            sha256: "aa".into(),
            issuer: "CN=CA".into()
        })
    );
    assert_eq!(
        pins.entry("mail.example.org:993").unwrap().seen,
        "2026-11-05"
    );
}

#[rstest]
#[case::no_login_configured(Some(LoginOutcome::Skipped(LoginSkip::NoPassword)), true)]
#[case::auth_none(Some(LoginOutcome::Skipped(LoginSkip::AuthNone)), true)]
#[case::rejected(Some(LoginOutcome::Rejected { mechanism: AuthMech::Plain, reply: Reply::new(Status::ImapNo, "bad") }), false)]
#[case::password_failed(Some(LoginOutcome::Skipped(LoginSkip::PasswordUnavailable("x".into()))), false)]
#[case::never_got_there(None, false)]
fn only_accepted_or_unconfigured_logins_pin(
    #[case] login: Option<LoginOutcome>,
    #[case] pinned: bool,
) {
    let mut pins = Pins::default();
    let p = probe(
        Role::Configured,
        verified("aa", "CN=CA", PinCheck::NotPinned),
        login,
    );
    assert_eq!(pins.update([&p], "2026-11-05"), pinned);
}

#[test]
fn unverified_tls_and_neighbours_never_pin() {
    let mut pins = Pins::default();
    let rejected = probe(
        Role::Configured,
        Some(TlsOutcome::CertRejected {
            problem: crate::evidence::CertProblem::Other("x".into()),
            cert: Some(cert("bb", "CN=Evil")),
        }),
        accepted(),
    );
    let neighbour = probe(
        Role::SameHost,
        verified("aa", "CN=CA", PinCheck::NotPinned),
        accepted(),
    );
    assert!(!pins.update([&rejected, &neighbour], "2026-11-05"));
    assert!(pins.get("mail.example.org:993").is_none());
}

#[test]
fn a_renewal_by_the_same_issuer_replaces_the_pin() {
    let mut pins = pins_with("aa", "CN=CA");
    let p = probe(
        Role::Configured,
        verified(
            "cc",
            "CN=CA",
            PinCheck::Changed {
                previous_sha256: "aa".into(),
                previous_issuer: "CN=CA".into(),
            },
        ),
        accepted(),
    );
    assert!(pins.update([&p], "2026-11-05"));
    assert_eq!(pins.get("mail.example.org:993").unwrap().sha256, "cc");
}

#[test]
fn a_certificate_from_another_issuer_keeps_the_old_pin() {
    let mut pins = pins_with("aa", "CN=CA");
    let p = probe(
        Role::Configured,
        verified(
            "dd",
            "CN=Other CA",
            PinCheck::Changed {
                previous_sha256: "aa".into(),
                previous_issuer: "CN=CA".into(),
            },
        ),
        accepted(),
    );
    assert!(!pins.update([&p], "2026-11-05"));
    assert_eq!(pins.get("mail.example.org:993").unwrap().sha256, "aa");
}

#[test]
fn pinning_off_reads_and_writes_nothing() {
    let (pins, note) = Pins::load(None);
    assert!(!pins.enabled());
    assert!(note.is_none());
    assert!(pins.save().is_ok());
}

#[test]
fn save_then_load_round_trips_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state/mailfix");
    let (mut pins, note) = Pins::load(Some(&state));
    assert!(note.is_none(), "a missing file is not worth a note");
    let p = probe(
        Role::Configured,
        verified("aa", "CN=CA", PinCheck::NotPinned),
        accepted(),
    );
    pins.update([&p], "2026-11-05");
    pins.save().unwrap();
    let names: Vec<String> = fs::read_dir(&state)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, [FILE_NAME], "no temporary file left behind");
    let (again, note) = Pins::load(Some(&state));
    assert!(note.is_none());
    assert_eq!(again, pins);
}

#[test]
fn a_corrupt_file_is_a_note_and_an_empty_set() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join(FILE_NAME),
        "[\"mail.example.org:993\"\nsha = 1",
    )
    .unwrap();
    let (pins, note) = Pins::load(Some(dir.path()));
    assert!(pins.enabled());
    assert!(pins.get("mail.example.org:993").is_none());
    assert!(note.unwrap().contains("damaged"));
}

#[rstest]
#[case(0, "1970-01-01")]
#[case(11_016, "2000-02-29")]
#[case(20_762, "2026-11-05")]
#[case(19_782, "2024-02-29")]
fn civil_dates(#[case] days: u64, #[case] expected: &str) {
    assert_eq!(date_of(days), expected);
}
