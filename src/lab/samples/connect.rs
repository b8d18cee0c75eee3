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
    let site = Site::new("mail.example.org", "alice@example.org", "Alice-s3cr3t-17");
    let (host, domain) = (site.host, site.domain());
    let mechs = ["PLAIN", "LOGIN", "CRAM-MD5"];
    bp.host(
        HostSpec::new(host)
            .ipv6()
            .imap(site.imap_server().mechanisms(&mechs))
            .pop3(site.pop3_server().mechanisms(&mechs))
            .submission(site.submission_server().mechanisms(&mechs))
            .plain(25, mx_server(host, domain)),
    );
    bp.publish_imap(&site)?;
    bp.srv("_pop3s._tcp", domain, 995, host)?;
    bp.srv("_pop3._tcp", domain, 110, host)?;
    bp.srv_submission(domain, host)?;
    let mut acc = incoming("healthy", site.email, site.imap(993, Security::Tls));
    acc.outgoing = Some(site.smtp(587, Security::Starttls, AuthMech::Plain));
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
    let site = Site::new(
        "mail.offline.example",
        "dan@offline.example",
        "Dan-s3cr3t-2",
    );
    bp.host(HostSpec::new(site.host).imap(site.imap_server()));
    bp.mx(site.domain(), site.host)?;
    bp.sample(
        incoming("no-network", site.email, site.imap(993, Security::Tls)),
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
    let site = Site::new(
        "mail.wrong-address.example",
        "erin@wrong-address.example",
        "Erin-s3cr3t-3",
    );
    bp.host(HostSpec::new(site.host).imap(site.imap_server()));
    bp.publish_imap(&site)?;
    let typo = Site {
        host: "imap.wrong-address.example",
        ..site
    };
    bp.sample(
        incoming("wrong-address", site.email, typo.imap(993, Security::Tls)),
        Some(ids::WRONG_ADDRESS),
        "The incoming server name does not exist; the domain publishes mail.wrong-address.example instead.",
        SimNet::default(),
    );
    Ok(())
}

/// Every mail port of a host that resolves swallows the connect.
fn firewalled(bp: &mut Blueprint) -> Result<(), LabError> {
    let site = Site::new(
        "mail.firewalled.example",
        "frank@firewalled.example",
        "Frank-s3cr3t-4",
    );
    let mut spec = HostSpec::new(site.host);
    for port in [993, 143, 995, 110, 465, 587, 25] {
        spec = spec.drop(port);
    }
    bp.host(spec);
    bp.publish_imap(&site)?;
    bp.sample(
        incoming("firewalled", site.email, site.imap(993, Security::Tls)),
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
    let site = Site::new(
        "mail.intercepted.example",
        "grace@intercepted.example",
        "Grace-s3cr3t-5",
    );
    bp.host(
        HostSpec::new(site.host)
            .cert(CertKind::Intercepted)
            .imap(site.imap_server()),
    );
    bp.mx(site.domain(), site.host)?;
    bp.sample(
        incoming("intercepted", site.email, site.imap(993, Security::Tls)),
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
    let site = Site::new(
        "mail.wrong-protocol.example",
        "henry@wrong-protocol.example",
        "Henry-s3cr3t-6",
    );
    bp.host(
        HostSpec::new(site.host)
            .imap(site.imap_server())
            .pop3(site.pop3_server()),
    );
    bp.mx(site.domain(), site.host)?;
    bp.srv("_pop3s._tcp", site.domain(), 995, site.host)?;
    bp.srv_imap(site.domain(), site.host)?;
    bp.sample(
        incoming("wrong-protocol", site.email, site.pop3(993, Security::Tls)),
        Some(ids::WRONG_PROTOCOL),
        "POP3 is set up on port 993, where the server speaks IMAP; POP3 is on port 995.",
        SimNet::default(),
    );
    Ok(())
}

/// Port 1143 is closed, IMAP answers on 993 and 143.
fn wrong_port(bp: &mut Blueprint) -> Result<(), LabError> {
    let site = Site::new(
        "mail.wrong-port.example",
        "ivy@wrong-port.example",
        "Ivy-s3cr3t-7",
    );
    bp.host(HostSpec::new(site.host).imap(site.imap_server()));
    bp.publish_imap(&site)?;
    bp.sample(
        incoming("wrong-port", site.email, site.imap(1143, Security::Tls)),
        Some(ids::WRONG_PORT),
        "Port 1143 is closed on the server; IMAP over TLS answers on the standard port 993.",
        SimNet::default(),
    );
    Ok(())
}

/// TLS spoken to the plaintext port 143: a `* OK` greeting comes back
/// where a ServerHello was due.
fn tls_mismatch(bp: &mut Blueprint) -> Result<(), LabError> {
    let site = Site::new(
        "mail.tls-mismatch.example",
        "jack@tls-mismatch.example",
        "Jack-s3cr3t-8",
    );
    bp.host(HostSpec::new(site.host).imap(site.imap_server()));
    bp.publish_imap(&site)?;
    bp.sample(
        incoming("tls-mismatch", site.email, site.imap(143, Security::Tls)),
        Some(ids::TLS_MISMATCH),
        "TLS is set up on port 143, which starts in plain text (STARTTLS); TLS from the start is on port 993.",
        SimNet::default(),
    );
    Ok(())
}

/// No encryption configured; the server disables login until STARTTLS.
fn tls_required(bp: &mut Blueprint) -> Result<(), LabError> {
    let site = Site::new(
        "mail.tls-required.example",
        "kate@tls-required.example",
        "Kate-s3cr3t-9",
    );
    let mut persona = site.imap_server();
    persona.faults.tls_required = true;
    bp.host(HostSpec::new(site.host).imap(persona));
    bp.publish_imap(&site)?;
    let mut settings = site.imap(143, Security::None);
    settings.allow_plaintext_auth = true;
    bp.sample(
        incoming("tls-required", site.email, settings),
        Some(ids::TLS_MISMATCH),
        "The account uses no encryption, but the server refuses to log anyone in before STARTTLS (LOGINDISABLED).",
        SimNet::default(),
    );
    Ok(())
}

/// The network drops port 25 to outside servers; 587 and 465 answer.
fn outside_blocked(bp: &mut Blueprint) -> Result<(), LabError> {
    let site = Site::new(
        "smtp.outside-blocked.example",
        "liam@outside-blocked.example",
        "Liam-s3cr3t-10",
    );
    bp.host(
        HostSpec::new(site.host)
            .submission(site.submission_server())
            .drop(25),
    );
    bp.publish_submission(&site)?;
    let settings = site.smtp(25, Security::Starttls, AuthMech::Plain);
    bp.sample(
        outgoing("outside-blocked", site.email, settings),
        Some(ids::OUTSIDE_BLOCKED),
        "Sending uses port 25, which this network blocks towards outside servers; submission on 587 and 465 works.",
        SimNet::default(),
    );
    Ok(())
}
