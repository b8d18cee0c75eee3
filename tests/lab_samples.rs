//! Each sample produces the evidence it was designed for, seen the way the
//! probe engine will see it: names asked of the lab DNS, connects routed by
//! the sample's simulated network, real TLS trusting the sample's roots.

mod lab_util;

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hickory_resolver::config::{NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::{Resolver, TokioResolver};
use lab_util::{Client, connect_outcome, routed, simulation, tls};
use mailfix::account::{PasswordSource, ServerSettings};
use mailfix::lab::{Lab, Sample};
use mailfix::probe::world::SimulatedNetwork;
use rustls::{CertificateError, Error as TlsError};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

const SHORT: Duration = Duration::from_millis(300);

struct Probe<'a> {
    sample: &'a Sample,
    sim: Arc<SimulatedNetwork>,
    dns: TokioResolver,
}

impl<'a> Probe<'a> {
    fn new(lab: &'a Lab, name: &str) -> Self {
        let sample = lab
            .sample(name)
            .unwrap_or_else(|| panic!("no sample {name}"));
        let addr = sample.options.dns_server.unwrap();
        let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
        for c in &mut ns.connections {
            c.port = addr.port();
        }
        let dns = Resolver::builder_with_config(
            ResolverConfig::from_name_servers(vec![ns]),
            TokioRuntimeProvider::default(),
        )
        .build()
        .unwrap();
        Probe {
            sample,
            sim: simulation(&sample.options.network),
            dns,
        }
    }

    fn incoming(&self) -> &ServerSettings {
        self.sample.account.incoming.as_ref().unwrap()
    }

    fn outgoing(&self) -> &ServerSettings {
        self.sample.account.outgoing.as_ref().unwrap()
    }

    fn password(server: &ServerSettings) -> String {
        match &server.password {
            PasswordSource::Literal(s) => s.expose().to_owned(),
            _ => panic!("literal password expected"),
        }
    }

    /// `a LOGIN user password` with the server's credentials.
    fn imap_login(server: &ServerSettings) -> String {
        format!("a LOGIN {} {}", server.username, Self::password(server))
    }

    /// `AUTH PLAIN` with the server's credentials as initial response.
    fn auth_plain(server: &ServerSettings) -> String {
        let pw = Self::password(server);
        let ir = B64.encode(format!("\0{}\0{pw}", server.username));
        format!("AUTH PLAIN {ir}")
    }

    async fn lookup(&self, name: &str, t: RecordType) -> Result<Vec<RData>, ResponseCode> {
        match self.dns.lookup(format!("{name}."), t).await {
            Ok(l) => Ok(l.answers().iter().map(|r| r.data.clone()).collect()),
            Err(NetError::Dns(DnsError::NoRecordsFound(nr))) => Err(nr.response_code),
            Err(e) => panic!("{name}: {e}"),
        }
    }

    /// Port and target of each SRV record of `name`.
    async fn srv(&self, name: &str) -> Vec<(u16, String)> {
        let answers = self.lookup(name, RecordType::SRV).await.unwrap();
        answers
            .iter()
            .filter_map(|r| match r {
                RData::SRV(s) => {
                    Some((s.port, s.target.to_ascii().trim_end_matches('.').to_owned()))
                }
                _ => None,
            })
            .collect()
    }

    async fn ip(&self, host: &str) -> IpAddr {
        match self.lookup(host, RecordType::A).await.unwrap().first() {
            Some(RData::A(a)) => IpAddr::V4(a.0),
            other => panic!("{host}: {other:?}"),
        }
    }

    async fn target(&self, host: &str, port: u16) -> SocketAddr {
        routed(&self.sim, self.ip(host).await, port)
    }

    async fn connect(&self, host: &str, port: u16) -> (&'static str, Option<TcpStream>) {
        connect_outcome(self.target(host, port).await, SHORT).await
    }

    async fn plain(&self, host: &str, port: u16) -> Client<TcpStream> {
        match self.connect(host, port).await {
            ("ok", Some(s)) => Client::new(s),
            (outcome, _) => panic!("{host}:{port} {outcome}"),
        }
    }

    /// The first line a server says over plain TCP.
    async fn plain_greeting(&self, host: &str, port: u16) -> String {
        self.plain(host, port).await.line().await
    }

    /// The first line a server says over TLS.
    async fn tls_greeting(&self, host: &str, port: u16) -> String {
        self.tls(host, port).await.unwrap().line().await
    }

    async fn tls(&self, host: &str, port: u16) -> Result<Client<TlsStream<TcpStream>>, TlsError> {
        let stream = self.plain(host, port).await.into_inner();
        match tls(stream, host, &self.sample.options.extra_roots[0]).await {
            Ok(s) => Ok(Client::new(s)),
            Err(e) => Err(*e.into_inner().unwrap().downcast::<TlsError>().unwrap()),
        }
    }

    async fn starttls_smtp(
        &self,
        host: &str,
        port: u16,
    ) -> (Client<TlsStream<TcpStream>>, Vec<String>) {
        let mut c = self.plain(host, port).await;
        assert!(c.line().await.starts_with("220 "));
        c.cmd("EHLO probe.example", "250 ").await;
        assert!(c.cmd("STARTTLS", "").await[0].starts_with("220 "));
        let mut c = Client::new(
            tls(c.into_inner(), host, &self.sample.options.extra_roots[0])
                .await
                .unwrap(),
        );
        let ehlo = c.cmd("EHLO probe.example", "250 ").await;
        (c, ehlo)
    }
}

/// The store of sample `name`.
fn store_path<'a>(lab: &'a Lab, name: &str) -> &'a Path {
    let sample = lab.sample(name).unwrap();
    &sample.account.store.as_ref().unwrap().path
}

#[tokio::test]
async fn healthy_logs_in_and_relays() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "healthy");
    let inc = p.incoming();
    let mut c = p.tls(&inc.host, inc.port).await.unwrap();
    assert!(c.line().await.starts_with("* OK"));
    assert!(c.cmd(&Probe::imap_login(inc), "a ").await[0].starts_with("a OK"));
    assert!(
        c.cmd("b EXAMINE INBOX", "b ")
            .await
            .contains(&"* 3 EXISTS".to_owned())
    );
    // IPv6 reaches the same server.
    let v6 = p.lookup(&inc.host, RecordType::AAAA).await.unwrap();
    assert_eq!(v6.len(), 1);
    assert_eq!(
        routed(&p.sim, "::1".parse().unwrap(), 993),
        p.target(&inc.host, 993).await
    );

    let out = p.outgoing();
    let (mut c, ehlo) = p.starttls_smtp(&out.host, out.port).await;
    assert!(ehlo.iter().any(|l| l.contains("AUTH PLAIN")));
    assert_eq!(
        c.cmd(&Probe::auth_plain(out), "").await[0],
        "235 2.7.0 Authentication successful"
    );
    assert_eq!(
        c.cmd(&format!("MAIL FROM:<{}>", p.sample.account.email), "")
            .await[0],
        "250 2.1.0 Ok"
    );
    let rcpt = out.relay_probe_rcpt.clone().unwrap();
    assert_eq!(
        c.cmd(&format!("RCPT TO:<{rcpt}>"), "").await[0],
        "250 2.1.5 Ok"
    );
    // Every published endpoint answers.
    for (label, port) in [
        ("_imaps._tcp", 993),
        ("_pop3s._tcp", 995),
        ("_submissions._tcp", 465),
    ] {
        let srv = p.srv(&format!("{label}.example.org")).await;
        assert_eq!(srv, [(port, "mail.example.org".to_owned())]);
        assert!(p.tls("mail.example.org", port).await.is_ok());
    }
    assert_eq!(p.connect("mail.example.org", 25).await.0, "ok");
}

#[tokio::test]
async fn no_network_is_unplugged_and_offline() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "no-network");
    assert!(p.sim.unplugged);
    assert!(p.sim.local_start.as_ref().unwrap().clearly_offline());
    assert!(p.sim.local_end.as_ref().unwrap().clearly_offline());
    let healthy = Probe::new(&lab, "healthy");
    assert!(!healthy.sim.unplugged);
    assert!(!healthy.sim.local_start.as_ref().unwrap().clearly_offline());
}

#[tokio::test]
async fn wrong_address_is_nxdomain_while_srv_names_a_host_that_answers() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "wrong-address");
    let inc = p.incoming();
    assert_eq!(
        p.lookup(&inc.host, RecordType::A).await,
        Err(ResponseCode::NXDomain)
    );
    let srv = p.srv("_imaps._tcp.wrong-address.example").await;
    assert_eq!(srv, [(993, "mail.wrong-address.example".to_owned())]);
    let mut c = p.tls(&srv[0].1, 993).await.unwrap();
    assert!(c.line().await.starts_with("* OK"));
}

#[tokio::test]
async fn firewalled_drops_every_mail_port() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "firewalled");
    let host = p.incoming().host.clone();
    for port in [993, 143, 995, 110, 587, 465, 25, 1143] {
        assert_eq!(p.connect(&host, port).await.0, "timeout", "{port}");
    }
    assert_eq!(p.sim.fallback, Some(lab.dropping_addr()));
}

#[tokio::test]
async fn intercepted_shows_the_inspection_ca_behind_a_proxy() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "intercepted");
    let err = p.tls(&p.incoming().host, 993).await.err().unwrap();
    assert_eq!(
        err,
        TlsError::InvalidCertificate(CertificateError::UnknownIssuer)
    );
    assert!(!p.sim.local_start.as_ref().unwrap().proxies.is_empty());
}

#[tokio::test]
async fn wrong_protocol_greets_imap_where_pop3_was_configured() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "wrong-protocol");
    let inc = p.incoming();
    assert_eq!((inc.protocol.as_str(), inc.port), ("pop3", 993));
    assert!(p.tls_greeting(&inc.host, 993).await.starts_with("* OK"));
    assert!(p.tls_greeting(&inc.host, 995).await.starts_with("+OK"));
}

#[tokio::test]
async fn wrong_port_is_refused_while_993_serves_imap() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "wrong-port");
    let inc = p.incoming();
    assert_eq!(p.connect(&inc.host, inc.port).await.0, "refused");
    assert!(p.tls_greeting(&inc.host, 993).await.starts_with("* OK"));
    assert!(p.plain_greeting(&inc.host, 143).await.contains("STARTTLS"));
}

#[tokio::test]
async fn tls_mismatch_gets_plain_text_where_a_server_hello_was_due() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "tls-mismatch");
    let inc = p.incoming();
    assert_eq!((inc.port, inc.security.as_str()), (143, "tls"));
    let err = p.tls(&inc.host, 143).await.err().unwrap();
    assert!(matches!(err, TlsError::InvalidMessage(_)), "{err:?}");
    assert!(p.plain_greeting(&inc.host, 143).await.contains("STARTTLS"));
}

#[tokio::test]
async fn tls_required_disables_login_before_starttls() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "tls-required");
    let inc = p.incoming();
    assert!(inc.allow_plaintext_auth);
    let greeting = p.plain_greeting(&inc.host, inc.port).await;
    assert!(
        greeting.contains("STARTTLS LOGINDISABLED") && !greeting.contains("AUTH="),
        "{greeting}"
    );
}

#[tokio::test]
async fn outside_blocked_drops_25_while_587_and_465_answer() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "outside-blocked");
    let out = p.outgoing();
    assert_eq!(out.port, 25);
    assert_eq!(p.connect(&out.host, 25).await.0, "timeout");
    assert!(p.plain_greeting(&out.host, 587).await.starts_with("220 "));
    assert!(p.tls_greeting(&out.host, 465).await.starts_with("220 "));
}

async fn imap_login(p: &Probe<'_>) -> Vec<String> {
    let inc = p.incoming();
    let mut c = p.tls(&inc.host, inc.port).await.unwrap();
    c.line().await;
    c.cmd(&Probe::imap_login(inc), "a ").await
}

#[tokio::test]
async fn bad_password_is_rejected() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "bad-password");
    assert_eq!(
        imap_login(&p).await,
        ["a NO [AUTHENTICATIONFAILED] Authentication failed."]
    );
}

#[tokio::test]
async fn app_password_gets_534() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "app-password");
    let out = p.outgoing();
    let mut c = p.tls(&out.host, out.port).await.unwrap();
    c.line().await;
    c.cmd("EHLO probe.example", "250 ").await;
    let reply = c.cmd(&Probe::auth_plain(out), "534 ").await;
    assert!(reply[0].starts_with("534-5.7.9"), "{reply:?}");
}

#[tokio::test]
async fn wrong_mechanism_is_not_offered() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "wrong-mechanism");
    let out = p.outgoing();
    assert_eq!(out.auth.as_str(), "cram-md5");
    let (mut c, ehlo) = p.starttls_smtp(&out.host, out.port).await;
    assert!(
        ehlo.contains(&"250-AUTH PLAIN LOGIN".to_owned()),
        "{ehlo:?}"
    );
    assert_eq!(
        c.cmd("AUTH CRAM-MD5", "").await,
        ["504 5.7.4 Unrecognized authentication type"]
    );
}

#[tokio::test]
async fn oauth_only_offers_no_password_mechanism() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "oauth-only");
    let inc = p.incoming();
    let greeting = p.tls_greeting(&inc.host, inc.port).await;
    assert!(
        greeting.contains("LOGINDISABLED AUTH=XOAUTH2 AUTH=OAUTHBEARER]"),
        "{greeting}"
    );
    assert!(!greeting.contains("AUTH=PLAIN"));
}

#[tokio::test]
async fn mailbox_locked_answers_in_use() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "mailbox-locked");
    let inc = p.incoming();
    let mut c = p.tls(&inc.host, inc.port).await.unwrap();
    c.line().await;
    c.cmd(&format!("USER {}", inc.username), "+OK").await;
    let reply = c.cmd(&format!("PASS {}", Probe::password(inc)), "").await;
    assert_eq!(
        reply,
        ["-ERR [IN-USE] Mailbox is locked by another POP3 session."]
    );
}

#[tokio::test]
async fn wrong_server_rejects_while_the_domain_publishes_another_host() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "wrong-server");
    let inc = p.incoming();
    let greeting = p.tls_greeting(&inc.host, 993).await;
    assert!(
        greeting.ends_with("imap.example.net IMAP4rev1 service ready."),
        "{greeting}"
    );
    assert_eq!(
        imap_login(&p).await,
        ["a NO [AUTHENTICATIONFAILED] Authentication failed."]
    );
    let srv = p.srv("_imaps._tcp.wrong-server.example").await;
    assert_eq!(srv, [(993, "mail.wrong-server.example".to_owned())]);
    let mx = p
        .lookup("wrong-server.example", RecordType::MX)
        .await
        .unwrap();
    assert!(
        matches!(&mx[0], RData::MX(m) if m.exchange.to_ascii() == "mail.wrong-server.example.")
    );
    assert!(p.tls_greeting(&srv[0].1, 993).await.starts_with("* OK"));
}

#[tokio::test]
async fn certificate_samples_fail_verification() {
    let lab = Lab::start().await.unwrap();
    for (name, want) in [
        ("wrong-cert", "name"),
        ("expired-cert", "expired"),
        ("self-signed", "issuer"),
    ] {
        let p = Probe::new(&lab, name);
        let TlsError::InvalidCertificate(e) = p.tls(&p.incoming().host, 993).await.err().unwrap()
        else {
            panic!("{name}");
        };
        let ok = match want {
            "name" => matches!(
                e,
                CertificateError::NotValidForNameContext { .. } | CertificateError::NotValidForName
            ),
            "expired" => matches!(
                e,
                CertificateError::ExpiredContext { .. } | CertificateError::Expired
            ),
            _ => e == CertificateError::UnknownIssuer,
        };
        assert!(ok, "{name}: {e:?}");
    }
}

#[tokio::test]
async fn link_down_stalls_at_login_and_ends_offline() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "link-down");
    let inc = p.incoming();
    let mut c = p.tls(&inc.host, inc.port).await.unwrap().wait(SHORT);
    c.try_line().await.unwrap();
    c.send(&Probe::imap_login(inc)).await;
    assert_eq!(
        c.try_line().await.unwrap_err().kind(),
        std::io::ErrorKind::TimedOut
    );
    assert!(!p.sim.local_start.as_ref().unwrap().clearly_offline());
    assert!(p.sim.local_end.as_ref().unwrap().clearly_offline());
}

#[tokio::test]
async fn lossy_answers_some_connects_and_loses_others() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "lossy");
    let inc = p.incoming();
    let mut outcomes = Vec::new();
    for _ in 0..6 {
        let stream = p.plain(&inc.host, inc.port).await.into_inner();
        let r = tokio::time::timeout(
            SHORT,
            tls(stream, &inc.host, &p.sample.options.extra_roots[0]),
        )
        .await;
        outcomes.push(match r {
            Ok(Ok(_)) => "ok",
            Ok(Err(_)) => "reset",
            Err(_) => "timeout",
        });
    }
    assert_eq!(outcomes, ["ok", "ok", "reset", "ok", "timeout", "reset"]);
}

#[tokio::test]
async fn dropped_says_bye_after_login() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "dropped");
    let inc = p.incoming();
    let mut c = p.tls(&inc.host, inc.port).await.unwrap();
    c.line().await;
    assert!(c.cmd(&Probe::imap_login(inc), "a ").await[0].starts_with("a OK"));
    c.send("b EXAMINE INBOX").await;
    assert!(c.line().await.starts_with("* BYE "));
    assert_eq!(c.try_line().await.unwrap(), None);
}

#[tokio::test]
async fn relay_denied_without_auth_while_auth_is_offered() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "relay-denied");
    let out = p.outgoing();
    assert_eq!(out.auth.as_str(), "none");
    let (mut c, ehlo) = p.starttls_smtp(&out.host, out.port).await;
    assert!(ehlo.iter().any(|l| l.contains("AUTH PLAIN")));
    assert_eq!(
        c.cmd(&format!("MAIL FROM:<{}>", p.sample.account.email), "")
            .await[0],
        "250 2.1.0 Ok"
    );
    let rcpt = out.relay_probe_rcpt.clone().unwrap();
    assert_eq!(
        c.cmd(&format!("RCPT TO:<{rcpt}>"), "").await,
        [format!("554 5.7.1 <{rcpt}>: Relay access denied")]
    );
}

#[tokio::test]
async fn foreign_sender_is_refused_and_its_domain_publishes_its_own_server() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "foreign-sender");
    let out = p.outgoing();
    let (mut c, _) = p.starttls_smtp(&out.host, out.port).await;
    let reply = c.cmd(&Probe::auth_plain(out), "").await;
    assert_eq!(reply, ["235 2.7.0 Authentication successful"]);
    let email = &p.sample.account.email;
    c.cmd(&format!("MAIL FROM:<{email}>"), "").await;
    let reply = c
        .cmd(
            &format!("RCPT TO:<{}>", out.relay_probe_rcpt.clone().unwrap()),
            "",
        )
        .await;
    assert_eq!(
        reply,
        [format!(
            "553 5.7.1 <{email}>: Sender address rejected: not owned by user zoe123"
        )]
    );
    let srv = p.srv("_submission._tcp.family.example").await;
    assert_eq!(srv, [(587, "smtp.family.example".to_owned())]);
    assert!(
        p.plain_greeting(&srv[0].1, 587)
            .await
            .starts_with("220 smtp.family.example")
    );
}

#[tokio::test]
async fn store_samples_are_full_or_damaged() {
    let lab = Lab::start().await.unwrap();
    let full = Probe::new(&lab, "disk-full");
    assert_eq!(full.sim.store_space.unwrap().free_bytes, 0);
    assert!(store_path(&lab, "disk-full").join("tmp").is_dir());

    let maildir = store_path(&lab, "damaged-maildir");
    assert!(
        maildir.join("cur").is_dir()
            && !maildir.join("new").exists()
            && !maildir.join("tmp").exists()
    );

    let first = std::fs::read_to_string(store_path(&lab, "bad-mbox")).unwrap();
    assert!(!first.starts_with("From "), "{first}");
    for name in ["disk-full", "damaged-maildir", "bad-mbox"] {
        let acc = &lab.sample(name).unwrap().account;
        assert!(
            acc.incoming.is_none() && acc.outgoing.is_none(),
            "{name}: store only"
        );
    }
}

#[tokio::test]
async fn no_sample_run_leaves_a_violation() {
    let lab = Lab::start().await.unwrap();
    let p = Probe::new(&lab, "healthy");
    let (mut c, _) = p.starttls_smtp("mail.example.org", 587).await;
    c.cmd("QUIT", "").await;
    assert!(lab.violations().is_empty(), "{:?}", lab.violations());
}
