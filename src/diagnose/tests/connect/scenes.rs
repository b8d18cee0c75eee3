//! The scenes of the connect table: reports as the probes would have
//! built them for each cause.

use crate::account::{AuthMech, Protocol, Security};
use crate::diagnose::testkit::*;
use crate::evidence::{
    ConnectOutcome, DnsOutcome, GreetingKind, HandshakeFailure, LoginSkip, ProxyVar,
    StarttlsOutcome, TlsOutcome,
};

pub(super) fn imap_base(port: u16, security: Security) -> Rb {
    Rb::new()
        .incoming(IMAP, port, security)
        .resolves(HOST, IP)
        .local(Some(online()), Some(online()))
}

/// The cable is out: DNS cannot reach its server, no probe connects.
pub(super) fn unplugged_dns() -> Rb {
    Rb::new()
        .incoming(IMAP, 993, Security::Tls)
        .local(Some(unplugged()), Some(unplugged()))
        .addr_dns(HOST, DnsOutcome::Unreachable("network unreachable".into()))
        .ep(cfg(IN, IMAP, 993, Security::Tls))
}

/// No default route; the configured IP literal fails with ENETUNREACH.
pub(super) fn no_route_literal() -> Rb {
    Rb::new()
        .incoming(IMAP, 993, Security::Tls)
        .server(IN, |s| s.host = IP.into())
        .local(Some(no_route()), Some(no_route()))
        .ep(cfg(IN, IMAP, 993, Security::Tls).connect(ConnectOutcome::NetUnreachable))
        .edit(|r| r.endpoints[0].endpoint.host = IP.into())
}

/// The Wi-Fi has no carrier and connects time out.
pub(super) fn no_carrier_timeouts() -> Rb {
    imap_base(993, Security::Tls)
        .local(Some(unplugged()), Some(unplugged()))
        .ep(cfg(IN, IMAP, 993, Security::Tls).timeout())
        .ep(nb(IN, IMAP, 143, Security::Starttls).timeout())
}

/// Nothing known about the local network; every connect is ENETUNREACH.
pub(super) fn unknown_local_netunreach() -> Rb {
    imap_base(993, Security::Tls)
        .local(None, None)
        .ep(cfg(IN, IMAP, 993, Security::Tls).connect(ConnectOutcome::NetUnreachable))
}

pub(super) fn nxdomain() -> Rb {
    Rb::new()
        .incoming(IMAP, 993, Security::Tls)
        .local(Some(online()), Some(online()))
        .addr_dns(HOST, DnsOutcome::NxDomain)
        .ep(cfg(IN, IMAP, 993, Security::Tls))
}

/// NXDOMAIN, but the domain's SRV record names a server that answers.
pub(super) fn nxdomain_with_srv() -> Rb {
    nxdomain().srv_serving("_imaps._tcp", IMAP, "imap.provider.net", 993, Security::Tls)
}

pub(super) fn no_address() -> Rb {
    nxdomain().addr_dns(HOST, DnsOutcome::NoRecords)
}

pub(super) fn all_refused() -> Rb {
    imap_base(993, Security::Tls)
        .ep(cfg(IN, IMAP, 993, Security::Tls).refused())
        .ep(nb(IN, IMAP, 143, Security::Starttls).refused())
        .ep(nb(IN, IMAP, 993, Security::Starttls).refused())
}

pub(super) fn all_dropped() -> Rb {
    imap_base(993, Security::Tls)
        .ep(cfg(IN, IMAP, 993, Security::Tls).timeout())
        .ep(nb(IN, IMAP, 143, Security::Starttls).timeout())
        .ep(nb(IN, IMAP, 993, Security::Starttls).timeout())
}

pub(super) fn all_dropped_behind_proxy() -> Rb {
    let mut net = online();
    net.proxies.push(ProxyVar {
        name: "https_proxy".into(),
        value: "http://proxy.corp.example:3128".into(),
    });
    all_dropped().local(Some(net.clone()), Some(net))
}

/// A test's network namespace: only loopback, no routes, the host is
/// 127.0.0.1 and every mail port drops (iptables DROP).
pub(super) fn loopback_dropped() -> Rb {
    all_dropped()
        .resolves(HOST, "127.0.0.1")
        .local(Some(loopback_only()), Some(loopback_only()))
        .edit(|r| {
            for p in &mut r.endpoints {
                for a in &mut p.connects {
                    a.addr.set_ip("127.0.0.1".parse().unwrap());
                }
            }
        })
}

/// IMAP configured on the POP3 port.
pub(super) fn pop3_port_as_imap() -> Rb {
    imap_base(110, Security::Starttls)
        .ep(cfg(IN, IMAP, 110, Security::Starttls).greet(POP3_HELLO))
        .ep(nb(IN, IMAP, 993, Security::Tls).healthy())
        .ep(nb(IN, IMAP, 143, Security::Starttls).healthy())
        .ep(nb(IN, IMAP, 110, Security::Tls).tls(TlsOutcome::Failed(
            HandshakeFailure::PlaintextReply {
                preview: POP3_HELLO.into(),
            },
        )))
}

/// IMAP with TLS configured on the POP3 plaintext port: the handshake
/// catches the POP3 greeting.
pub(super) fn pop3_port_as_imaps() -> Rb {
    imap_base(110, Security::Tls)
        .ep(cfg(IN, IMAP, 110, Security::Tls).tls(TlsOutcome::Failed(
            HandshakeFailure::PlaintextReply {
                preview: POP3_HELLO.into(),
            },
        )))
        .ep(nb(IN, IMAP, 993, Security::Tls).healthy())
}

/// SMTP configured as incoming IMAP.
pub(super) fn smtp_port_as_imap() -> Rb {
    imap_base(25, Security::Starttls).ep(cfg(IN, IMAP, 25, Security::Starttls).greet(SMTP_HELLO))
}

pub(super) fn submission_refused() -> Rb {
    healthy_smtp().ep(cfg(OUT, Protocol::Smtp, 587, Security::Starttls).refused())
}

pub(super) fn submission_dropped() -> Rb {
    healthy_smtp().ep(cfg(OUT, Protocol::Smtp, 587, Security::Starttls).timeout())
}

/// IMAP with TLS configured on 143, which greets in plain text. The
/// dialogue skips the login as it does for every unverified TLS.
pub(super) fn tls_to_plain_port() -> Rb {
    imap_base(143, Security::Tls)
        .ep(cfg(IN, IMAP, 143, Security::Tls)
            .tls(TlsOutcome::Failed(HandshakeFailure::PlaintextReply {
                preview: IMAP_HELLO.into(),
            }))
            .skipped(LoginSkip::TlsNotVerified))
        .ep(nb(IN, IMAP, 993, Security::Tls).healthy())
        .ep(nb(IN, IMAP, 143, Security::Starttls).healthy())
}

/// STARTTLS configured on 993: TLS record bytes come back.
pub(super) fn plain_to_tls_port() -> Rb {
    imap_base(993, Security::Starttls)
        .ep(cfg(IN, IMAP, 993, Security::Starttls).greet_kind(
            GreetingKind::TlsRecord,
            "\\x15\\x03\\x03\\x00\\x02\\x02\\x32",
        ))
        .ep(nb(IN, IMAP, 993, Security::Tls).healthy())
        .ep(nb(IN, IMAP, 143, Security::Starttls).healthy())
}

/// STARTTLS configured on 993: silence, while 993 with TLS greets.
pub(super) fn silent_tls_port() -> Rb {
    imap_base(993, Security::Starttls)
        .ep(cfg(IN, IMAP, 993, Security::Starttls).greet(""))
        .ep(nb(IN, IMAP, 993, Security::Tls).healthy())
}

/// No encryption configured; Dovecot announces LOGINDISABLED.
pub(super) fn login_disabled() -> Rb {
    imap_base(143, Security::None)
        .ep(cfg(IN, IMAP, 143, Security::None)
            .greet(IMAP_HELLO)
            .caps(&[], true)
            .caps_with(|c| c.login_disabled = true)
            .skipped(LoginSkip::ServerDisallows))
        .ep(nb(IN, IMAP, 993, Security::Tls).healthy())
        .ep(nb(IN, IMAP, 143, Security::Starttls).healthy())
}

/// Plaintext allowed by the account, but Dovecot's POP3 refuses it.
pub(super) fn pop3_plaintext_disallowed() -> Rb {
    Rb::new()
        .incoming(Protocol::Pop3, 110, Security::None)
        .server(IN, |s| s.allow_plaintext_auth = true)
        .resolves(HOST, IP)
        .local(Some(online()), Some(online()))
        .ep(cfg(IN, Protocol::Pop3, 110, Security::None)
            .greet(POP3_HELLO)
            .caps(&["PLAIN"], true)
            .rejected(
                AuthMech::Login,
                pop_r(
                    false,
                    None,
                    "Plaintext authentication disallowed on non-secure (SSL/TLS) connections.",
                ),
            ))
        .ep(nb(IN, Protocol::Pop3, 110, Security::Starttls).healthy())
}

/// Port 25 without encryption: MAIL FROM gets 530 5.7.0.
pub(super) fn smtp_starttls_first() -> Rb {
    Rb::new()
        .outgoing(25, Security::None)
        .server(OUT, |s| s.auth = AuthMech::None)
        .resolves(HOST, IP)
        .local(Some(online()), Some(online()))
        .ep(cfg(OUT, Protocol::Smtp, 25, Security::None)
            .greet(SMTP_HELLO)
            .caps(&[], true)
            .skipped(LoginSkip::AuthNone)
            .relay(
                false,
                smtp_r(530, (5, 7, 0), "Must issue a STARTTLS command first"),
                None,
            ))
        .ep(nb(OUT, Protocol::Smtp, 587, Security::Starttls).healthy())
}

/// Postfix with smtpd_tls_auth_only: no AUTH in EHLO before STARTTLS.
pub(super) fn smtp_auth_only_after_tls() -> Rb {
    healthy_smtp()
        .outgoing(587, Security::None)
        .ep(cfg(OUT, Protocol::Smtp, 587, Security::None)
            .greet(SMTP_HELLO)
            .caps(&[], true)
            .skipped(LoginSkip::MechanismNotOffered {
                wanted: AuthMech::Plain,
                offered: vec![],
            }))
}

pub(super) fn starttls_missing() -> Rb {
    imap_base(143, Security::Starttls)
        .ep(cfg(IN, IMAP, 143, Security::Starttls)
            .greet(IMAP_HELLO)
            .caps(&["PLAIN"], false)
            .starttls(StarttlsOutcome::NotOffered))
        .ep(nb(IN, IMAP, 993, Security::Tls).healthy())
}

/// Port 25 dropped by the network; 587 and 465 answer.
pub(super) fn port25_blocked() -> Rb {
    healthy_smtp()
        .outgoing(25, Security::Starttls)
        .server(OUT, |s| s.auth = AuthMech::None)
        .without(OUT, 25, Security::Starttls)
        .without(OUT, 587, Security::Tls)
        .ep(cfg(OUT, Protocol::Smtp, 25, Security::Starttls).timeout())
        .ep(nb(OUT, Protocol::Smtp, 587, Security::Starttls).healthy())
}
