//! The "login failed" samples (causes 1–5).

use super::*;
use crate::catalogue::ids;
use crate::lab::certs::CertKind;

pub(super) fn add(bp: &mut Blueprint) -> Result<(), LabError> {
    bad_password(bp)?;
    app_password(bp)?;
    wrong_mechanism(bp)?;
    oauth_only(bp)?;
    mailbox_locked(bp)?;
    wrong_server(bp)?;
    for (name, cert, what) in [
        (
            "wrong-cert",
            CertKind::WrongName(vec!["shared.hosting.example".into()]),
            "The server shows a certificate for shared.hosting.example, not for itself, so the password was kept back.",
        ),
        (
            "expired-cert",
            CertKind::Expired,
            "The server's certificate expired a month ago, so the password was kept back.",
        ),
        (
            "self-signed",
            CertKind::SelfSigned,
            "The server's certificate is signed by itself, so nothing vouches for it and the password was kept back.",
        ),
    ] {
        bad_certificate(bp, name, cert, what)?;
    }
    Ok(())
}

/// The server says no to a well-formed login with an offered mechanism.
fn bad_password(bp: &mut Blueprint) -> Result<(), LabError> {
    let site = Site::new("mail.example.com", "mia@example.com", "Mia-s3cr3t-new");
    bp.host(HostSpec::new(site.host).imap(site.imap_server()));
    bp.publish_imap(&site)?;
    let old = Site {
        pw: "Mia-s3cr3t-old",
        ..site
    };
    bp.sample(
        incoming("bad-password", site.email, old.imap(993, Security::Tls)),
        Some(ids::BAD_CREDENTIALS),
        "The password is an old one: the server rejects the login with [AUTHENTICATIONFAILED].",
        SimNet::default(),
    );
    Ok(())
}

/// Gmail-style: the account password is right, but the provider wants an
/// app password (`534-5.7.9`).
fn app_password(bp: &mut Blueprint) -> Result<(), LabError> {
    let site = Site::new(
        "smtp.app-password.example",
        "nora@app-password.example",
        "Nora-s3cr3t-12",
    );
    let mut persona = site.submission_server();
    persona.faults.reject_login = Some(vec![
        "534-5.7.9 Application-specific password required. Learn more at".into(),
        "534 5.7.9  https://support.example.com/mail/?p=InvalidSecondFactor".into(),
    ]);
    bp.host(HostSpec::new(site.host).submission(persona));
    bp.publish_submission(&site)?;
    let settings = site.smtp(465, Security::Tls, AuthMech::Plain);
    bp.sample(
        outgoing("app-password", site.email, settings),
        Some(ids::BAD_CREDENTIALS),
        "The provider turned on two-step sign-in and answers 534 5.7.9: an app password is needed.",
        SimNet::default(),
    );
    Ok(())
}

/// CRAM-MD5 configured; the server offers PLAIN and LOGIN only.
fn wrong_mechanism(bp: &mut Blueprint) -> Result<(), LabError> {
    let site = Site::new(
        "smtp.wrong-mechanism.example",
        "olivia@wrong-mechanism.example",
        "Olivia-s3cr3t-13",
    );
    bp.host(HostSpec::new(site.host).submission(site.submission_server()));
    bp.publish_submission(&site)?;
    let settings = site.smtp(587, Security::Starttls, AuthMech::CramMd5);
    bp.sample(
        outgoing("wrong-mechanism", site.email, settings),
        Some(ids::MECH_NOT_OFFERED),
        "Login is set to CRAM-MD5, but the server offers only PLAIN and LOGIN.",
        SimNet::default(),
    );
    Ok(())
}

/// The server takes OAuth2 tokens only: no password login at all.
fn oauth_only(bp: &mut Blueprint) -> Result<(), LabError> {
    let site = Site::new(
        "imap.oauth-only.example",
        "paul@oauth-only.example",
        "Paul-s3cr3t-14",
    );
    let persona = Persona::imap(site.host)
        .user(LabUser::new(site.email, "paul-oauth-access-token"))
        .mechanisms(&["XOAUTH2", "OAUTHBEARER"]);
    bp.host(HostSpec::new(site.host).imap(persona));
    bp.publish_imap(&site)?;
    let mut settings = site.imap(993, Security::Tls);
    settings.auth = AuthMech::Plain;
    bp.sample(
        incoming("oauth-only", site.email, settings),
        Some(ids::MECH_NOT_OFFERED),
        "The server turned password login off and accepts only OAuth2 (XOAUTH2, OAUTHBEARER).",
        SimNet::default(),
    );
    Ok(())
}

/// Another client holds the POP3 maildrop.
fn mailbox_locked(bp: &mut Blueprint) -> Result<(), LabError> {
    let site = Site::new(
        "pop.mailbox-locked.example",
        "quinn@mailbox-locked.example",
        "Quinn-s3cr3t-15",
    );
    let mut persona = site.pop3_server();
    persona.faults.in_use = true;
    bp.host(HostSpec::new(site.host).pop3(persona));
    bp.mx(site.domain(), site.host)?;
    bp.srv("_pop3s._tcp", site.domain(), 995, site.host)?;
    bp.sample(
        incoming("mailbox-locked", site.email, site.pop3(995, Security::Tls)),
        Some(ids::MAILBOX_LOCKED),
        "Another program is logged in to the same POP3 mailbox; the server answers [IN-USE].",
        SimNet::default(),
    );
    Ok(())
}

/// The password goes to another provider's server, which does not know
/// the user; the domain publishes its own server.
fn wrong_server(bp: &mut Blueprint) -> Result<(), LabError> {
    let site = Site::new(
        "mail.wrong-server.example",
        "rita@wrong-server.example",
        "Rita-s3cr3t-16",
    );
    let other = Site::new(
        "imap.example.net",
        "someone@example.net",
        "not-ritas-password",
    );
    bp.host(HostSpec::new(other.host).imap(other.imap_server()));
    bp.host(HostSpec::new(site.host).imap(site.imap_server()));
    bp.publish_imap(&site)?;
    bp.mx(other.domain(), other.host)?;
    let elsewhere = Site {
        host: other.host,
        ..site
    };
    bp.sample(
        incoming("wrong-server", site.email, elsewhere.imap(993, Security::Tls)),
        Some(ids::WRONG_SERVER),
        "The incoming server is imap.example.net, which does not know this address; wrong-server.example publishes mail.wrong-server.example.",
        SimNet::default(),
    );
    Ok(())
}

/// A certificate that must stop the password from being sent.
fn bad_certificate(
    bp: &mut Blueprint,
    name: &str,
    cert: CertKind,
    description: &str,
) -> Result<(), LabError> {
    let user = name.split('-').next().unwrap_or(name);
    let domain = format!("{name}.example");
    let host = format!("mail.{domain}");
    let email = format!("{user}@{domain}");
    let pw = format!("{user}-{PASSWORD_MARKER}-{}", name.len());
    let site = Site::new(&host, &email, &pw);
    bp.host(HostSpec::new(&host).cert(cert).imap(site.imap_server()));
    bp.publish_imap(&site)?;
    bp.sample(
        incoming(name, &email, site.imap(993, Security::Tls)),
        Some(ids::SECURITY_ALARM),
        description,
        SimNet::default(),
    );
    Ok(())
}
