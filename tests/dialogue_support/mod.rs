//! Shared by the `dialogue_*` tests: scripted servers, test certificates,
//! session parameters, and the checks every run gets (no secret in any
//! output, never DATA).
#![allow(dead_code, unused_imports)]

pub mod certs;
pub mod script;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use mailfix::account::{AuthMech, Protocol, Security, Service};
use mailfix::event::{StepKind, StepStatus};
use mailfix::evidence::{Depth, Endpoint, GreetingKind, LoginOutcome, Phase, Session, SessionEnd};
use mailfix::probe::session::{LoginParams, PinRecord, Progress, SessionParams, run_session};
use mailfix::probe::tls::TlsClient;
use mailfix::secret::Secret;
use tokio::net::TcpStream;
use tokio::time::Instant;

pub use certs::{Cert, HOST, pki};
pub use script::{Served, Step, expect, send, serve};

/// The test password and token: they must never show in any output.
pub const PASSWORD: &str = "Tr0ub4dor&3-hush";
pub const TOKEN: &str = "ya29.hush-hush-token";
pub const USER: &str = "alice@example.test";

/// Every form a secret could leak in.
pub fn secret_forms() -> Vec<String> {
    let mut forms = vec![PASSWORD.to_owned(), TOKEN.to_owned()];
    for raw in [
        format!("\0{USER}\0{PASSWORD}"),
        PASSWORD.to_owned(),
        format!("user={USER}\x01auth=Bearer {TOKEN}\x01\x01"),
    ] {
        forms.push(B64.encode(raw.as_bytes()));
    }
    forms
}

/// `text` with every form of the test secrets masked (for the test
/// server's own messages, which see what mailfix sent).
pub fn mask_secrets(text: &str) -> String {
    let mut out = text.to_owned();
    for form in secret_forms() {
        out = out.replace(&form, "<secret>");
    }
    out
}

pub struct Outcome {
    pub session: Session,
    pub served: Served,
    pub progress: Vec<Progress>,
}

impl Outcome {
    pub fn step(&self, kind: StepKind) -> Option<StepStatus> {
        self.progress.iter().rev().find_map(|p| match p {
            Progress::StepDone {
                kind: k, status, ..
            } if *k == kind => Some(*status),
            _ => None,
        })
    }

    pub fn greeting_kind(&self) -> GreetingKind {
        self.session.greeting.as_ref().expect("no greeting").kind
    }

    /// Assert the server said nothing and the session timed out waiting
    /// for its greeting.
    pub fn assert_silent_greeting(&self) {
        assert_eq!(self.greeting_kind(), GreetingKind::Silence);
        assert_eq!(
            self.session.end,
            SessionEnd::TimedOut {
                phase: Phase::Greeting
            }
        );
    }

    pub fn transcript(&self) -> String {
        self.session
            .transcript
            .iter()
            .map(|l| {
                format!(
                    "{} {}{}",
                    l.dir.prefix(),
                    if l.tls { "[tls] " } else { "" },
                    l.text
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

pub fn endpoint(protocol: Protocol, security: Security) -> Endpoint {
    Endpoint {
        protocol,
        host: HOST.to_owned(),
        port: protocol.default_port(security),
        security,
    }
}

pub fn look(protocol: Protocol, security: Security) -> SessionParams {
    SessionParams {
        service: if protocol == Protocol::Smtp {
            Service::Outgoing
        } else {
            Service::Incoming
        },
        endpoint: endpoint(protocol, security),
        depth: Depth::Look,
        login: None,
        pin: None,
        timeout: Duration::from_secs(3),
        deadline: Instant::now() + Duration::from_secs(20),
    }
}

pub fn full(protocol: Protocol, security: Security, auth: AuthMech) -> SessionParams {
    let mut p = look(protocol, security);
    p.depth = Depth::Full;
    p.login = Some(LoginParams {
        username: USER.to_owned(),
        password: Ok(Secret::new(if auth == AuthMech::Xoauth2 {
            TOKEN
        } else {
            PASSWORD
        })),
        auth,
        allow_plaintext: false,
        sender: USER.to_owned(),
        relay_rcpt: "probe@example.net".to_owned(),
    });
    p
}

pub fn pin_of(cert: Cert) -> PinRecord {
    let der = pki().der(cert);
    let summary = mailfix::probe::tls::cert::summarize(&der).unwrap();
    PinRecord {
        sha256: summary.sha256,
        issuer: summary.issuer,
    }
}

pub fn client() -> TlsClient {
    TlsClient::new(&pki().roots, None).unwrap()
}

/// Play `script` on a fresh server and run one session against it.
pub async fn run(script: Vec<Step>, params: SessionParams) -> Outcome {
    let (addr, server) = serve(script).await;
    let stream = TcpStream::connect(addr).await.unwrap();
    let progress = Arc::new(Mutex::new(Vec::new()));
    let sink = progress.clone();
    let tls = client();
    let task = tokio::spawn(async move {
        run_session(stream, addr, &params, &tls, move |p| {
            sink.lock().unwrap().push(p)
        })
        .await
    });
    let session = tokio::time::timeout(Duration::from_secs(40), task)
        .await
        .expect("the session hung")
        .expect("the session panicked");
    let served = server.await.unwrap();
    let progress = progress.lock().unwrap().clone();
    let outcome = Outcome {
        session,
        served,
        progress,
    };
    check_invariants(&outcome);
    eprintln!(
        "--- transcript ---\n{}\n--- end {:?}",
        outcome.transcript(),
        outcome.session.end
    );
    outcome
}

/// What must hold for every session, whatever the server did.
pub fn check_invariants(o: &Outcome) {
    let shown = format!("{:?}\n{:?}", o.session, o.progress);
    for form in secret_forms() {
        assert!(
            !shown.contains(&form),
            "a secret leaked into the output: {shown}"
        );
    }
    for line in &o.served.lines {
        assert!(
            !line.trim().eq_ignore_ascii_case("DATA"),
            "mailfix sent DATA"
        );
    }
    let started = o
        .progress
        .iter()
        .filter(|p| matches!(p, Progress::StepStarted(_)))
        .count();
    let done = o
        .progress
        .iter()
        .filter(|p| matches!(p, Progress::StepDone { .. }))
        .count();
    assert_eq!(started, done, "every step started is reported done");
    let lines = o
        .progress
        .iter()
        .filter(|p| matches!(p, Progress::Line(_)))
        .count();
    assert_eq!(
        lines,
        o.session.transcript.len(),
        "every transcript line is reported"
    );
}

/// The login outcome "accepted with `mechanism`".
pub fn accepted(mechanism: AuthMech) -> Option<LoginOutcome> {
    Some(LoginOutcome::Accepted { mechanism })
}

/// The lines mailfix sent, as the server read them.
pub fn sent(o: &Outcome) -> Vec<&str> {
    o.served.lines.iter().map(String::as_str).collect()
}

pub fn b64(raw: &str) -> String {
    B64.encode(raw.as_bytes())
}
