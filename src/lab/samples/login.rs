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
    let (host, domain, email) = ("mail.example.com", "example.com", "mia@example.com");
    bp.host(HostSpec::new(host).imap(imap_server(host, email, "Mia-s3cr3t-new")));
    bp.mx(domain, host)?;
    bp.srv_imap(domain, host)?;
    bp.sample(
        incoming(
            "bad-password",
            email,
            imap(host, 993, Security::Tls, email, "Mia-s3cr3t-old"),
        ),
        Some(ids::BAD_CREDENTIALS),
        "The password is an old one: the server rejects the login with [AUTHENTICATIONFAILED].",
        SimNet::default(),
    );
    Ok(())
}

/// Gmail-style: the account password is right, but the provider wants an
/// app password (`534-5.7.9`).
fn app_password(bp: &mut Blueprint) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "smtp.app-password.example",
        "app-password.example",
        "nora@app-password.example",
        "Nora-s3cr3t-12",
    );
    let mut persona = submission_server(host, domain, LabUser::new(email, pw));
    persona.faults.reject_login = Some(vec![
        "534-5.7.9 Application-specific password required. Learn more at".into(),
        "534 5.7.9  https://support.example.com/mail/?p=InvalidSecondFactor".into(),
    ]);
    bp.host(HostSpec::new(host).submission(persona));
    bp.mx(domain, host)?;
    bp.srv_submission(domain, host)?;
    bp.sample(
        outgoing(
            "app-password",
            email,
            smtp(host, 465, Security::Tls, AuthMech::Plain, email, pw),
        ),
        Some(ids::BAD_CREDENTIALS),
        "The provider turned on two-step sign-in and answers 534 5.7.9: an app password is needed.",
        SimNet::default(),
    );
    Ok(())
}

/// CRAM-MD5 configured; the server offers PLAIN and LOGIN only.
fn wrong_mechanism(bp: &mut Blueprint) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "smtp.wrong-mechanism.example",
        "wrong-mechanism.example",
        "olivia@wrong-mechanism.example",
        "Olivia-s3cr3t-13",
    );
    bp.host(HostSpec::new(host).submission(submission_server(
        host,
        domain,
        LabUser::new(email, pw),
    )));
    bp.mx(domain, host)?;
    bp.srv_submission(domain, host)?;
    bp.sample(
        outgoing(
            "wrong-mechanism",
            email,
            smtp(host, 587, Security::Starttls, AuthMech::CramMd5, email, pw),
        ),
        Some(ids::MECH_NOT_OFFERED),
        "Login is set to CRAM-MD5, but the server offers only PLAIN and LOGIN.",
        SimNet::default(),
    );
    Ok(())
}

/// The server takes OAuth2 tokens only: no password login at all.
fn oauth_only(bp: &mut Blueprint) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "imap.oauth-only.example",
        "oauth-only.example",
        "paul@oauth-only.example",
        "Paul-s3cr3t-14",
    );
    let persona = Persona::imap(host)
        .user(LabUser::new(email, "paul-oauth-access-token"))
        .mechanisms(&["XOAUTH2", "OAUTHBEARER"]);
    bp.host(HostSpec::new(host).imap(persona));
    bp.mx(domain, host)?;
    bp.srv_imap(domain, host)?;
    let mut settings = imap(host, 993, Security::Tls, email, pw);
    settings.auth = AuthMech::Plain;
    bp.sample(
        incoming("oauth-only", email, settings),
        Some(ids::MECH_NOT_OFFERED),
        "The server turned password login off and accepts only OAuth2 (XOAUTH2, OAUTHBEARER).",
        SimNet::default(),
    );
    Ok(())
}

/// Another client holds the POP3 maildrop.
fn mailbox_locked(bp: &mut Blueprint) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "pop.mailbox-locked.example",
        "mailbox-locked.example",
        "quinn@mailbox-locked.example",
        "Quinn-s3cr3t-15",
    );
    let mut persona = pop3_server(host, email, pw);
    persona.faults.in_use = true;
    bp.host(HostSpec::new(host).pop3(persona));
    bp.mx(domain, host)?;
    bp.srv("_pop3s._tcp", domain, 995, host)?;
    bp.sample(
        incoming(
            "mailbox-locked",
            email,
            pop3(host, 995, Security::Tls, email, pw),
        ),
        Some(ids::MAILBOX_LOCKED),
        "Another program is logged in to the same POP3 mailbox; the server answers [IN-USE].",
        SimNet::default(),
    );
    Ok(())
}

/// The password goes to another provider's server, which does not know
/// the user; the domain publishes its own server.
fn wrong_server(bp: &mut Blueprint) -> Result<(), LabError> {
    let (domain, email, pw) = (
        "wrong-server.example",
        "rita@wrong-server.example",
        "Rita-s3cr3t-16",
    );
    let (other, right) = ("imap.example.net", "mail.wrong-server.example");
    bp.host(HostSpec::new(other).imap(imap_server(
        other,
        "someone@example.net",
        "not-ritas-password",
    )));
    bp.host(HostSpec::new(right).imap(imap_server(right, email, pw)));
    bp.mx(domain, right)?;
    bp.srv_imap(domain, right)?;
    bp.mx("example.net", other)?;
    bp.sample(
        incoming("wrong-server", email, imap(other, 993, Security::Tls, email, pw)),
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
    bp.host(
        HostSpec::new(&host)
            .cert(cert)
            .imap(imap_server(&host, &email, &pw)),
    );
    bp.mx(&domain, &host)?;
    bp.srv_imap(&domain, &host)?;
    bp.sample(
        incoming(name, &email, imap(&host, 993, Security::Tls, &email, &pw)),
        Some(ids::SECURITY_ALARM),
        description,
        SimNet::default(),
    );
    Ok(())
}
