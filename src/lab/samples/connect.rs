//! The healthy sample and the "could not connect" samples (causes 1–7).

use std::path::Path;

use super::*;
use crate::catalogue::ids;
use crate::lab::certs::CertKind;
use crate::lab::stores;

pub(super) fn add(bp: &mut Blueprint, store_root: &Path) -> Result<(), LabError> {
    healthy(bp, store_root)?;
    no_network(bp)?;
    wrong_address(bp)?;
    firewalled(bp)?;
    intercepted(bp)?;
    wrong_protocol(bp)?;
    wrong_port(bp)?;
    tls_mismatch(bp)?;
    tls_required(bp)?;
    outside_blocked(bp)
}

/// Everything works: IMAP, submission and a sound Maildir.
fn healthy(bp: &mut Blueprint, store_root: &Path) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "mail.example.org",
        "example.org",
        "alice@example.org",
        "Alice-s3cr3t-17",
    );
    let user = LabUser::new(email, pw);
    let mechs = ["PLAIN", "LOGIN", "CRAM-MD5"];
    bp.host(
        HostSpec::new(host)
            .ipv6()
            .imap(Persona::imap(host).user(user.clone()).mechanisms(&mechs))
            .pop3(Persona::pop3(host).user(user.clone()).mechanisms(&mechs))
            .submission(submission_server(host, domain, user).mechanisms(&mechs))
            .plain(25, mx_server(host, domain)),
    );
    bp.mx(domain, host)?;
    bp.srv_imap(domain, host)?;
    bp.srv("_pop3s._tcp", domain, 995, host)?;
    bp.srv("_pop3._tcp", domain, 110, host)?;
    bp.srv_submission(domain, host)?;
    let mut acc = incoming("healthy", email, imap(host, 993, Security::Tls, email, pw));
    acc.outgoing = Some(smtp(
        host,
        587,
        Security::Starttls,
        AuthMech::Plain,
        email,
        pw,
    ));
    acc.store = store_at(
        &stores::maildir(store_root, "healthy")?,
        StoreFormat::Maildir,
    );
    bp.sample(
        acc,
        None,
        "Nothing is wrong: mail comes in, goes out and is stored.",
        SimNet::default(),
    );
    Ok(())
}

/// The Wi-Fi is off: no interface with a carrier, no default route.
fn no_network(bp: &mut Blueprint) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "mail.offline.example",
        "offline.example",
        "dan@offline.example",
        "Dan-s3cr3t-2",
    );
    bp.host(HostSpec::new(host).imap(imap_server(host, email, pw)));
    bp.mx(domain, host)?;
    bp.sample(
        incoming("no-network", email, imap(host, 993, Security::Tls, email, pw)),
        Some(ids::NO_NETWORK),
        "The computer is offline: Wi-Fi has no carrier and there is no default route, so nothing can be reached.",
        SimNet {
            unplugged: true,
            local_start: localnet::offline(),
            local_end: localnet::offline(),
            ..SimNet::default()
        },
    );
    Ok(())
}

/// A typo in the host name: it does not exist, while the domain's SRV
/// record names the host that does answer.
fn wrong_address(bp: &mut Blueprint) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "mail.wrong-address.example",
        "wrong-address.example",
        "erin@wrong-address.example",
        "Erin-s3cr3t-3",
    );
    bp.host(HostSpec::new(host).imap(imap_server(host, email, pw)));
    bp.mx(domain, host)?;
    bp.srv_imap(domain, host)?;
    bp.sample(
        incoming("wrong-address", email, imap("imap.wrong-address.example", 993, Security::Tls, email, pw)),
        Some(ids::WRONG_ADDRESS),
        "The incoming server name does not exist; the domain publishes mail.wrong-address.example instead.",
        SimNet::default(),
    );
    Ok(())
}

/// Every mail port of a host that resolves swallows the connect.
fn firewalled(bp: &mut Blueprint) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "mail.firewalled.example",
        "firewalled.example",
        "frank@firewalled.example",
        "Frank-s3cr3t-4",
    );
    let mut spec = HostSpec::new(host);
    for port in [993, 143, 995, 110, 465, 587, 25] {
        spec = spec.drop(port);
    }
    bp.host(spec);
    bp.mx(domain, host)?;
    bp.srv_imap(domain, host)?;
    bp.sample(
        incoming("firewalled", email, imap(host, 993, Security::Tls, email, pw)),
        Some(ids::FIREWALL),
        "Something on the way silently drops every connection to the mail ports of a server that exists.",
        SimNet {
            firewalled: true,
            ..SimNet::default()
        },
    );
    Ok(())
}

/// A TLS-inspecting proxy re-signs the server's certificate with its own CA.
fn intercepted(bp: &mut Blueprint) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "mail.intercepted.example",
        "intercepted.example",
        "grace@intercepted.example",
        "Grace-s3cr3t-5",
    );
    bp.host(
        HostSpec::new(host)
            .cert(CertKind::Intercepted)
            .imap(imap_server(host, email, pw)),
    );
    bp.mx(domain, host)?;
    bp.sample(
        incoming("intercepted", email, imap(host, 993, Security::Tls, email, pw)),
        Some(ids::FIREWALL),
        "A company proxy intercepts TLS: the certificate comes from \"Corporate SSL Inspection CA\", not from the server.",
        SimNet {
            local_start: localnet::behind_proxy(),
            local_end: localnet::behind_proxy(),
            ..SimNet::default()
        },
    );
    Ok(())
}

/// POP3 configured on the IMAP port: the greeting is `* OK`, not `+OK`.
fn wrong_protocol(bp: &mut Blueprint) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "mail.wrong-protocol.example",
        "wrong-protocol.example",
        "henry@wrong-protocol.example",
        "Henry-s3cr3t-6",
    );
    bp.host(
        HostSpec::new(host)
            .imap(imap_server(host, email, pw))
            .pop3(pop3_server(host, email, pw)),
    );
    bp.mx(domain, host)?;
    bp.srv("_pop3s._tcp", domain, 995, host)?;
    bp.srv_imap(domain, host)?;
    bp.sample(
        incoming(
            "wrong-protocol",
            email,
            pop3(host, 993, Security::Tls, email, pw),
        ),
        Some(ids::WRONG_PROTOCOL),
        "POP3 is set up on port 993, where the server speaks IMAP; POP3 is on port 995.",
        SimNet::default(),
    );
    Ok(())
}

/// Port 1143 is closed, IMAP answers on 993 and 143.
fn wrong_port(bp: &mut Blueprint) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "mail.wrong-port.example",
        "wrong-port.example",
        "ivy@wrong-port.example",
        "Ivy-s3cr3t-7",
    );
    bp.host(HostSpec::new(host).imap(imap_server(host, email, pw)));
    bp.mx(domain, host)?;
    bp.srv_imap(domain, host)?;
    bp.sample(
        incoming(
            "wrong-port",
            email,
            imap(host, 1143, Security::Tls, email, pw),
        ),
        Some(ids::WRONG_PORT),
        "Port 1143 is closed on the server; IMAP over TLS answers on the standard port 993.",
        SimNet::default(),
    );
    Ok(())
}

/// TLS spoken to the plaintext port 143: a `* OK` greeting comes back
/// where a ServerHello was due.
fn tls_mismatch(bp: &mut Blueprint) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "mail.tls-mismatch.example",
        "tls-mismatch.example",
        "jack@tls-mismatch.example",
        "Jack-s3cr3t-8",
    );
    bp.host(HostSpec::new(host).imap(imap_server(host, email, pw)));
    bp.mx(domain, host)?;
    bp.srv_imap(domain, host)?;
    bp.sample(
        incoming("tls-mismatch", email, imap(host, 143, Security::Tls, email, pw)),
        Some(ids::TLS_MISMATCH),
        "TLS is set up on port 143, which starts in plain text (STARTTLS); TLS from the start is on port 993.",
        SimNet::default(),
    );
    Ok(())
}

/// No encryption configured; the server disables login until STARTTLS.
fn tls_required(bp: &mut Blueprint) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "mail.tls-required.example",
        "tls-required.example",
        "kate@tls-required.example",
        "Kate-s3cr3t-9",
    );
    let mut persona = imap_server(host, email, pw);
    persona.faults.tls_required = true;
    bp.host(HostSpec::new(host).imap(persona));
    bp.mx(domain, host)?;
    bp.srv_imap(domain, host)?;
    let mut settings = imap(host, 143, Security::None, email, pw);
    settings.allow_plaintext_auth = true;
    bp.sample(
        incoming("tls-required", email, settings),
        Some(ids::TLS_MISMATCH),
        "The account uses no encryption, but the server refuses to log anyone in before STARTTLS (LOGINDISABLED).",
        SimNet::default(),
    );
    Ok(())
}

/// The network drops port 25 to outside servers; 587 and 465 answer.
fn outside_blocked(bp: &mut Blueprint) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "smtp.outside-blocked.example",
        "outside-blocked.example",
        "liam@outside-blocked.example",
        "Liam-s3cr3t-10",
    );
    bp.host(
        HostSpec::new(host)
            .submission(submission_server(host, domain, LabUser::new(email, pw)))
            .drop(25),
    );
    bp.mx(domain, host)?;
    bp.srv_submission(domain, host)?;
    bp.sample(
        outgoing("outside-blocked", email, smtp(host, 25, Security::Starttls, AuthMech::Plain, email, pw)),
        Some(ids::OUTSIDE_BLOCKED),
        "Sending uses port 25, which this network blocks towards outside servers; submission on 587 and 465 works.",
        SimNet::default(),
    );
    Ok(())
}
