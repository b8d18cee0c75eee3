//! `mailfix check --report FILE`: the Markdown report a helpdesk reads.
//!
//! The binary against a scripted IMAP server on 127.0.0.1 that knows the
//! account's password: the report has its sections and holds the
//! password in no form (plain, or base64 as SASL PLAIN and LOGIN send
//! it), nor does anything else the program prints. Then the renderer on
//! hand-built evidence: several accounts in one file, hostile server text
//! kept inert. Loopback only: the DNS server is a closed local port.

mod cli_support;

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use cli_support::*;
use mailfix::account::{
    Account, AuthMech, PasswordSource, Protocol, Security, ServerSettings, Service,
};
use mailfix::catalogue::ids;
use mailfix::event::{Step, StepId, StepKind, StepStatus};
use mailfix::evidence::{
    ConnectAttempt, ConnectOutcome, Depth, Direction, Endpoint, EndpointProbe, LoginOutcome,
    Report, Role, Session, SessionEnd, TranscriptLine,
};
use mailfix::finding::{Confidence, Diagnosis, Finding, Note, RuledOut};
use mailfix::output::markdown::{self, ReportMeta};
use mailfix::secret::Secret;

const USER: &str = "alice@example.test";
const PASSWORD: &str = "Kn0wn-S3cret!pw";

/// Every form the password could take on the wire.
fn password_forms() -> Vec<String> {
    vec![
        PASSWORD.to_string(),
        B64.encode(PASSWORD),
        B64.encode(format!("\0{USER}\0{PASSWORD}")),
        B64.encode(format!("{USER}\0{USER}\0{PASSWORD}")),
    ]
}

/// A small IMAP server: greets, offers LOGIN and AUTH=PLAIN/LOGIN without
/// TLS, accepts the known password, opens INBOX, says goodbye. Records
/// whether the password arrived (so the test knows a login happened).
fn scripted_imap() -> (u16, Arc<Mutex<bool>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(false));
    let flag = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let flag = flag.clone();
            std::thread::spawn(move || {
                let _ = serve(stream, &flag);
            });
        }
    });
    (port, seen)
}

fn serve(stream: TcpStream, seen: &Mutex<bool>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    let mut next = || -> std::io::Result<String> {
        let mut line = String::new();
        if lines.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(line.trim_end().to_string())
    };
    let caps = "IMAP4rev1 AUTH=PLAIN AUTH=LOGIN SASL-IR";
    write!(
        out,
        "* OK [CAPABILITY {caps}] scripted test server ready\r\n"
    )?;
    let got_password = |text: &str| {
        let decoded = B64
            .decode(text.trim())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        if text.contains(PASSWORD) || decoded.contains(PASSWORD) {
            *seen.lock().unwrap() = true;
            true
        } else {
            false
        }
    };
    loop {
        let line = next()?;
        let (tag, rest) = line.split_once(' ').unwrap_or((&line, ""));
        let upper = rest.to_ascii_uppercase();
        let reply = if upper.starts_with("CAPABILITY") {
            format!("* CAPABILITY {caps}\r\n{tag} OK done\r\n")
        } else if upper.starts_with("LOGIN") {
            if got_password(rest) {
                format!("{tag} OK logged in\r\n")
            } else {
                format!("{tag} NO [AUTHENTICATIONFAILED] wrong\r\n")
            }
        } else if upper.starts_with("AUTHENTICATE PLAIN") {
            let initial = rest.split_whitespace().nth(2).map(str::to_string);
            let response = match initial {
                Some(ir) => ir,
                None => {
                    write!(out, "+ \r\n")?;
                    next()?
                }
            };
            if got_password(&response) {
                format!("{tag} OK logged in\r\n")
            } else {
                format!("{tag} NO [AUTHENTICATIONFAILED] wrong\r\n")
            }
        } else if upper.starts_with("AUTHENTICATE LOGIN") {
            write!(out, "+ VXNlcm5hbWU6\r\n")?;
            next()?;
            write!(out, "+ UGFzc3dvcmQ6\r\n")?;
            if got_password(&next()?) {
                format!("{tag} OK logged in\r\n")
            } else {
                format!("{tag} NO [AUTHENTICATIONFAILED] wrong\r\n")
            }
        } else if upper.starts_with("EXAMINE") || upper.starts_with("SELECT") {
            format!("* 2 EXISTS\r\n* 0 RECENT\r\n{tag} OK [READ-ONLY] opened\r\n")
        } else if upper.starts_with("LOGOUT") {
            write!(out, "* BYE see you\r\n{tag} OK bye\r\n")?;
            return Ok(());
        } else if upper.starts_with("NOOP") {
            format!("{tag} OK\r\n")
        } else {
            format!("{tag} BAD not in this script\r\n")
        };
        out.write_all(reply.as_bytes())?;
    }
}

fn loopback_config(sandbox: &Sandbox, port: u16) -> std::path::PathBuf {
    sandbox.write(
        "config.toml",
        &format!(
            "[[accounts]]\nname = \"loop\"\nemail = \"{USER}\"\n\n\
             [accounts.incoming]\nprotocol = \"imap\"\nhost = \"127.0.0.1\"\nport = {port}\n\
             security = \"none\"\nallow_plaintext_auth = true\n\
             password_env = \"MAILFIX_REPORT_TEST_PW\"\n\n\
             [[accounts]]\nname = \"second\"\nemail = \"bob@example.test\"\n\n\
             [accounts.incoming]\nprotocol = \"pop3\"\nhost = \"127.0.0.1\"\nport = {closed}\n\
             security = \"tls\"\npassword_env = \"MAILFIX_REPORT_TEST_PW\"\n",
            closed = closed_port(),
        ),
    )
}

#[test]
fn a_report_of_a_real_run_has_its_sections_and_no_password() {
    let sandbox = Sandbox::new();
    let (port, seen) = scripted_imap();
    let config = loopback_config(&sandbox, port);
    let report = sandbox.path("report.md");
    let offline = offline_args();
    let mut command = sandbox.command(&[
        "check",
        "--config",
        config.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    command
        .args(&offline)
        .env("MAILFIX_REPORT_TEST_PW", PASSWORD);
    let out = command.output().unwrap();
    assert_checked(&out);
    assert!(
        stderr(&out).contains(&format!("report written to {}", report.display())),
        "{}",
        stderr(&out)
    );

    let text = fs::read_to_string(&report).unwrap();
    for section in [
        "# mailfix report\n",
        &format!("- mailfix: {}\n", env!("CARGO_PKG_VERSION")),
        "- System: ",
        "- Generated: ",
        "\n## Account loop\n",
        "\n## Account second\n",
        "### Settings",
        "### Findings",
        "### Steps",
        "### Transcripts",
        &format!("#### Incoming: IMAP 127.0.0.1:{port} no encryption"),
        "| Password | from the environment variable MAILFIX_REPORT_TEST_PW |",
    ] {
        assert!(text.contains(section), "no {section:?} in:\n{text}");
    }
    assert_eq!(text.matches("\n## Account ").count(), 2);
    // Every step is in the table with its time.
    assert!(text.contains("| tcp-connect |"), "{text}");
    assert!(text.contains(" ms |"), "{text}");

    let printed = format!("{}{}", stdout(&out), stderr(&out));
    for form in password_forms() {
        assert!(!text.contains(&form), "the report holds {form:?}:\n{text}");
        assert!(!printed.contains(&form), "printed {form:?}:\n{printed}");
    }
    // The server really received the password, so the absence above is
    // redaction at work, not a login never tried.
    assert!(
        *seen.lock().unwrap(),
        "no login reached the server:\n{text}"
    );
    assert!(text.contains("```text\n"), "{text}");
    assert!(
        text.contains("C: a2 AUTHENTICATE PLAIN ********") || text.contains(" LOGIN "),
        "{text}"
    );
}

#[test]
fn a_report_that_cannot_be_written_fails_before_probing() {
    let sandbox = Sandbox::new();
    let config = loopback_config(&sandbox, closed_port());
    let dir = sandbox.path("reports");
    fs::create_dir_all(&dir).unwrap();
    for (target, words) in [
        (dir.clone(), "is a directory"),
        (dir.join("missing/r.md"), "does not exist"),
    ] {
        let out = sandbox.run_offline(&[
            "check",
            "--config",
            config.to_str().unwrap(),
            "--report",
            target.to_str().unwrap(),
        ]);
        let err = one_line_usage_error(&out);
        assert!(err.contains("--report") && err.contains(words), "{err}");
    }
}

#[test]
fn an_existing_report_is_replaced_whole() {
    let sandbox = Sandbox::new();
    let config = loopback_config(&sandbox, closed_port());
    let report = sandbox.write("r.md", "old report\n");
    let out = sandbox.run_offline(&[
        "check",
        "--json",
        "--config",
        config.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
        "second",
    ]);
    assert_checked(&out);
    assert_eq!(json_accounts(&out), ["second"]);
    let text = fs::read_to_string(&report).unwrap();
    assert!(text.starts_with("# mailfix report\n"), "{text}");
    assert!(text.contains("## Account second") && !text.contains("## Account loop"));
}

// ---- the renderer on hand-built evidence ----

fn meta() -> ReportMeta {
    ReportMeta {
        version: "9.9.9".into(),
        os: "Testix 1; Linux 6.0; x86_64".into(),
        generated_at: markdown::utc_timestamp(1_700_000_000),
    }
}

fn server(
    protocol: Protocol,
    port: u16,
    security: Security,
    password: PasswordSource,
) -> ServerSettings {
    ServerSettings::new(protocol, "mail.example.org", port, security)
        .with_auth(AuthMech::Plain)
        .with_username("alice@example.org")
        .with_password(password)
}

fn hostile_report(password: PasswordSource) -> (Report, Diagnosis) {
    let account = Account {
        name: "work".into(),
        email: "alice@example.org".into(),
        incoming: Some(server(Protocol::Imap, 993, Security::Tls, password.clone())),
        outgoing: Some(server(Protocol::Smtp, 587, Security::Starttls, password)),
        store: None,
    };
    let mut report = Report::new(account, "127.0.0.1:5353");
    report.steps = vec![Step {
        id: StepId(1),
        service: Some(Service::Incoming),
        kind: StepKind::Connect,
        target: "mail.example.org:993".into(),
        primary: true,
        status: StepStatus::Ok,
        detail: "connected | <b>".into(),
        ms: Some(12.34),
    }];
    let line = |dir, text: &str, at_ms| TranscriptLine {
        dir,
        text: text.into(),
        tls: true,
        at_ms,
    };
    let mut session = Session::new("127.0.0.1:993".parse().unwrap());
    session.transcript = vec![
        line(Direction::Server, "* OK ```\n# not a heading", 1.0),
        line(Direction::Client, "a1 AUTHENTICATE PLAIN ********", 2.5),
        line(
            Direction::Server,
            "a1 NO [AUTHENTICATIONFAILED] <script>x</script>",
            30.0,
        ),
    ];
    session.login = Some(LoginOutcome::Rejected {
        mechanism: AuthMech::Plain,
        reply: mailfix::evidence::Reply::new(
            mailfix::evidence::Status::ImapNo,
            "[click](http://evil.example)",
        ),
    });
    session.end = SessionEnd::Completed;
    session.ms = 31.0;
    report.endpoints.push(EndpointProbe {
        service: Service::Incoming,
        role: Role::Configured,
        endpoint: Endpoint {
            protocol: Protocol::Imap,
            host: "mail.example.org".into(),
            port: 993,
            security: Security::Tls,
        },
        depth: Depth::Full,
        connects: vec![ConnectAttempt {
            addr: "127.0.0.1:993".parse().unwrap(),
            outcome: ConnectOutcome::Connected,
            ms: 0.4,
        }],
        session: Some(session),
    });
    report.elapsed_ms = 1234.0;
    let diagnosis = Diagnosis {
        findings: vec![Finding {
            service: Service::Incoming,
            cause: ids::WRONG_PORT,
            confidence: Confidence::Likely,
            title: "# Port 993 | closed".into(),
            evidence: vec!["- server said *hi*".into()],
            fix: vec!["1. Use port 143.".into()],
            patch: None,
        }],
        ruled_out: vec![RuledOut {
            service: Service::Incoming,
            cause: ids::FIREWALL,
            reason: "993 answered in 12 ms".into(),
        }],
        notes: vec![Note {
            service: None,
            text: "a note".into(),
            evidence: vec!["with evidence".into()],
            problem: true,
        }],
    };
    (report, diagnosis)
}

#[test]
fn server_text_stays_inert_and_sections_are_complete() {
    let (report, diagnosis) = hostile_report(PasswordSource::Command("pass show x".into()));
    let text = markdown::render(&report, &diagnosis, &meta());
    insta::assert_snapshot!(text);
    // Outside the transcript's code block, nothing from the server opens
    // a heading, a link, HTML or a table column; inside it, nothing
    // closes the block early.
    let (prose, block) = text.split_once("````text\n").unwrap();
    assert!(!prose.contains("<script>") && !prose.contains("<b>"));
    assert!(!prose.contains("[click]") && prose.contains("\\[click\\](http"));
    assert!(!prose.lines().any(|l| l.starts_with("# Port")));
    assert!(prose.contains("\n\\# Port 993 \\| closed\n"));
    assert!(prose.contains("| connected \\| \\<b\\> |"));
    assert_eq!(block.matches("````").count(), 1);
    assert!(block.trim_end().ends_with("````"));
    assert!(
        !text.contains("pass show x"),
        "the password command is not shown"
    );
}

#[test]
fn several_accounts_make_one_file_with_a_section_each() {
    let (first, d1) = hostile_report(PasswordSource::Unset);
    let (mut second, d2) = hostile_report(PasswordSource::Unset);
    second.account.name = "home".into();
    let text = markdown::render_all(&[(&first, &d1), (&second, &d2)], &meta());
    assert_eq!(text.matches("# mailfix report").count(), 1);
    let work = text.find("\n## Account work\n").unwrap();
    let home = text.find("\n## Account home\n").unwrap();
    assert!(work < home);
    assert!(text.contains("- Accounts: work: 2 problems found; home: 2 problems found"));
}

#[test]
fn a_literal_password_never_shows_even_if_a_transcript_leaked_it() {
    let secret = "Lit3ral-pw";
    let (mut report, diagnosis) = hostile_report(PasswordSource::Literal(Secret::new(secret)));
    // A redaction bug elsewhere must not reach the helpdesk.
    report.endpoints[0].session.as_mut().unwrap().transcript[1].text =
        format!("a1 LOGIN alice {secret}");
    let text = markdown::render(&report, &diagnosis, &meta());
    assert!(!text.contains(secret), "{text}");
    assert!(text.contains("| Password | given (not shown) | given (not shown) |"));
}
