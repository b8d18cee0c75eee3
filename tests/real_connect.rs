//! Against real Dovecot, Postfix and dnsmasq in network namespaces: healthy
//! accounts, and every "could not connect" cause (causes.md, Connect 1–7).
//!
//! Each test first has an independent witness (curl, swaks, openssl or a raw
//! socket) confirm that the staged server or fault is what the test claims,
//! then runs `mailfix check --json` and checks exit code and first finding.
//! Needs root; see tests/support/mod.rs for the topology.

mod support;

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::Duration;

use support::netns::MAIL_PORTS;
use support::{
    ALICE, Account, DNS_IP, MAIL_HOST, MAIL_IP, MISSING_HOST, PASSWORD, dns, wire, world,
};

fn mail(port: u16) -> SocketAddr {
    SocketAddr::from((MAIL_IP, port))
}

/// The finding names `needle` in its fix or evidence.
fn mentions(finding: &serde_json::Value, needle: &str) -> bool {
    ["fix", "evidence"].iter().any(|key| {
        finding[key].as_array().is_some_and(|items| {
            items
                .iter()
                .any(|i| i.as_str().is_some_and(|s| s.contains(needle)))
        })
    })
}

#[test]
fn healthy_imap_account_has_no_finding() {
    let Some(w) = world() else { return };
    let case = w.case("healthy_imap");
    let imaps = case.curl_login(&format!("imaps://{MAIL_HOST}/"), ALICE, PASSWORD);
    case.witness_ok("curl logs in over IMAPS (993)", &imaps, "INBOX");
    let starttls = case.curl(&[
        "--ssl-reqd",
        "-u",
        &format!("{ALICE}:{PASSWORD}"),
        &format!("imap://{MAIL_HOST}/"),
    ]);
    case.witness_ok("curl logs in over IMAP+STARTTLS (143)", &starttls, "INBOX");

    let account = Account::new("healthy-imap").incoming(w.imap(993, "tls"));
    case.check(&account).expect_healthy();
}

#[test]
fn healthy_pop3_account_has_no_finding() {
    let Some(w) = world() else { return };
    let case = w.case("healthy_pop3");
    let pop3s = case.curl_login(&format!("pop3s://{MAIL_HOST}/"), ALICE, PASSWORD);
    case.witness_ok("curl logs in over POP3S (995)", &pop3s, "+OK Logged in");

    let account = Account::new("healthy-pop3").incoming(w.pop3(995, "tls"));
    case.check(&account).expect_healthy();
}

#[test]
fn healthy_smtp_account_has_no_finding_and_sends_no_data() {
    let Some(w) = world() else { return };
    let case = w.case("healthy_smtp");
    let swaks = case.swaks_as_alice(ALICE);
    case.witness_ok(
        "swaks: authenticated relay on 587 is accepted",
        &swaks,
        "250 2.1.5",
    );

    let account = Account::new("healthy-smtp").outgoing(w.smtp(587, "starttls"));
    case.check(&account).expect_healthy();
    case.expect_no_smtp_data();
}

/// Connect 4: port 110 answers `+OK` (POP3) where IMAP was configured.
#[test]
fn pop3_port_configured_as_imap_is_wrong_protocol() {
    let Some(w) = world() else { return };
    let case = w.case("wrong_protocol");
    let greeting = case.greeting(mail(110));
    if !greeting.starts_with("+OK") {
        case.fail(format!(
            "harness: port 110 should greet with +OK, got {greeting:?}"
        ));
    }

    let account = Account::new("wrong-protocol").incoming(w.imap(110, "starttls"));
    case.check(&account).expect_first("incoming", "connect", 4);
}

/// Connect 5: nothing listens on the configured port; 993 works.
#[test]
fn closed_port_while_993_works_is_wrong_port() {
    let Some(w) = world() else { return };
    let case = w.case("wrong_port");
    match wire::connect(&case.client.name, mail(1993), Duration::from_secs(2)) {
        Err(e) if e.kind() == ErrorKind::ConnectionRefused => {}
        other => case.fail(format!("harness: port 1993 should refuse, got {other:?}")),
    }
    let imaps = case.curl_login(&format!("imaps://{MAIL_HOST}/"), ALICE, PASSWORD);
    case.witness_ok("curl logs in over IMAPS (993)", &imaps, "INBOX");

    let account = Account::new("wrong-port").incoming(w.imap(1993, "tls"));
    let check = case.check(&account);
    check.expect_first("incoming", "connect", 5);
    if !mentions(check.first(), "993") {
        check.fail("the wrong-port finding should name the working port 993");
    }
}

/// Connect 6: TLS spoken to the plaintext port 143.
#[test]
fn tls_on_plaintext_port_is_tls_mismatch() {
    let Some(w) = world() else { return };
    let case = w.case("tls_on_plaintext_port");
    let greeting = case.greeting(mail(143));
    if !greeting.starts_with("* OK") {
        case.fail(format!(
            "harness: port 143 should greet in plaintext, got {greeting:?}"
        ));
    }

    let account = Account::new("tls-on-143").incoming(w.imap(143, "tls"));
    case.check(&account).expect_first("incoming", "connect", 6);
}

/// Connect 6: plaintext (STARTTLS or none) spoken to the implicit-TLS port 993.
#[test]
fn starttls_on_implicit_tls_port_is_tls_mismatch() {
    plaintext_on_993("starttls");
}

#[test]
fn no_encryption_on_implicit_tls_port_is_tls_mismatch() {
    plaintext_on_993("none");
}

fn plaintext_on_993(security: &'static str) {
    let Some(w) = world() else { return };
    let case = w.case(&format!("{security}_on_993"));
    let greeting = case.greeting(mail(993));
    if !greeting.is_empty() {
        case.fail(format!(
            "harness: 993 should stay silent to plaintext, got {greeting:?}"
        ));
    }
    let tls = case.s_client(MAIL_HOST, 993);
    case.witness_ok("openssl s_client: TLS on 993", &tls, "Verification: OK");

    let account = Account::new(&format!("{security}-on-993")).incoming(w.imap(993, security));
    case.check(&account).expect_first("incoming", "connect", 6);
}

/// Connect 6: no encryption (plaintext login allowed by the account) against
/// a server that refuses to log in before STARTTLS (LOGINDISABLED).
#[test]
fn plaintext_login_refused_before_starttls_is_tls_required() {
    let Some(w) = world() else { return };
    let case = w.case("starttls_required");
    let caps = wire::talk(
        &case.client.name,
        mail(143),
        &[("a1 CAPABILITY\r\n", "a1 ")],
        Duration::from_secs(3),
    )
    .unwrap_or_else(|e| case.fail(format!("harness: IMAP CAPABILITY on 143: {e}")));
    if !caps.contains("LOGINDISABLED") || !caps.contains("STARTTLS") {
        case.fail(format!(
            "harness: 143 should offer STARTTLS and refuse LOGIN, got {caps:?}"
        ));
    }

    let account =
        Account::new("starttls-required").incoming(w.imap(143, "none").allow_plaintext_auth());
    case.check(&account).expect_first("incoming", "connect", 6);
}

/// Connect 1: the client namespace has no interface but loopback, no route.
#[test]
fn no_route_at_all_is_no_network() {
    let Some(w) = world() else { return };
    let case = w.unlinked_case("no_route");
    match wire::connect(&case.client.name, mail(993), Duration::from_secs(2)) {
        Err(e) if e.raw_os_error() == Some(libc::ENETUNREACH) => {}
        other => case.fail(format!("harness: expected ENETUNREACH, got {other:?}")),
    }

    let account = Account::new("no-route").incoming(w.imap(993, "tls"));
    case.check(&account).expect_first("incoming", "connect", 1);
}

/// Connect 2: the test's DNS server answers NXDOMAIN for the host; the
/// domain's SRV/MX records name mail.mailfix.test.
#[test]
fn nxdomain_host_is_wrong_server_address() {
    let Some(w) = world() else { return };
    let case = w.case("nxdomain");
    let server = SocketAddr::from((DNS_IP, 53));
    let answers = support::netns::in_netns(&case.client.name, move || {
        (
            dns::query(server, MISSING_HOST, dns::TYPE_A),
            dns::query(server, MAIL_HOST, dns::TYPE_A),
            dns::query(server, "_imaps._tcp.mailfix.test", dns::TYPE_SRV),
        )
    })
    .unwrap_or_else(|e| case.fail(format!("harness: cannot enter namespace: {e}")));
    match answers {
        (Ok(missing), Ok(mail), Ok(srv))
            if missing.rcode == dns::RCODE_NXDOMAIN
                && mail.v4 == [MAIL_IP]
                && srv.rcode == 0
                && srv.answers == 1 => {}
        other => case.fail(format!("harness: dnsmasq answers are off: {other:?}")),
    }

    let account = Account::new("nxdomain").incoming(w.imap(993, "tls").host(MISSING_HOST));
    let check = case.check(&account);
    check.expect_first("incoming", "connect", 2);
    if !mentions(check.first(), MAIL_HOST) {
        check.fail("the finding should offer the host the domain publishes (mail.mailfix.test)");
    }
}

/// Connect 3: every mail port silently dropped on the way; DNS still answers.
#[test]
fn every_mail_port_dropped_is_firewall() {
    let Some(w) = world() else { return };
    let case = w.case("firewall");
    case.client
        .drop_tcp_to(&MAIL_PORTS)
        .unwrap_or_else(|e| case.fail(e));
    for port in [993, 143] {
        match wire::connect(&case.client.name, mail(port), Duration::from_secs(1)) {
            Err(e) if e.kind() == ErrorKind::TimedOut => {}
            other => case.fail(format!("harness: {port} should time out, got {other:?}")),
        }
    }

    let account = Account::new("firewall").incoming(w.imap(993, "tls"));
    case.check(&account).expect_first("incoming", "connect", 3);
}

/// Connect 7: port 25 silently dropped while submission (587) answers.
#[test]
fn port_25_dropped_while_587_answers_is_provider_block() {
    let Some(w) = world() else { return };
    let case = w.case("port25_blocked");
    case.client
        .drop_tcp_to(&[25])
        .unwrap_or_else(|e| case.fail(e));
    match wire::connect(&case.client.name, mail(25), Duration::from_secs(1)) {
        Err(e) if e.kind() == ErrorKind::TimedOut => {}
        other => case.fail(format!("harness: 25 should time out, got {other:?}")),
    }
    let greeting = case.greeting(mail(587));
    if !greeting.starts_with("220 ") {
        case.fail(format!(
            "harness: 587 should greet with 220, got {greeting:?}"
        ));
    }

    let account = Account::new("port25-blocked").outgoing(w.smtp(25, "starttls"));
    let check = case.check(&account);
    check.expect_first("outgoing", "connect", 7);
    if !(mentions(check.first(), "587") || mentions(check.first(), "465")) {
        check.fail("the finding should point to submission (587 or 465)");
    }
    case.expect_no_smtp_data();
}
