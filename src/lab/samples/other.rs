//! The "connection broken", "won't relay" and "could not store" samples.

use std::path::Path;

use super::*;
use crate::catalogue::ids;
use crate::lab::persona::{CutKind, Stage};
use crate::lab::server::Fate;
use crate::lab::stores;

/// Which connections of the lossy sample's port 993 get through, over and
/// over: the first two always do (the full probe, and the look at the
/// same port in the other security mode, usually come first), then of
/// every six, three are served, two reset and one never answered.
const LOSSY_PATTERN: [Fate; 6] = [
    Fate::Serve,
    Fate::Serve,
    Fate::Reset,
    Fate::Serve,
    Fate::Stall,
    Fate::Reset,
];

pub(super) fn add(bp: &mut Blueprint, store_root: &Path) -> Result<(), LabError> {
    link_down(bp)?;
    lossy(bp)?;
    dropped(bp)?;
    relay_denied(bp)?;
    foreign_sender(bp)?;
    stores(bp, store_root)
}

/// The session stalls at login and, by the end, the Wi-Fi has gone.
fn link_down(bp: &mut Blueprint) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "mail.link-down.example",
        "link-down.example",
        "victor@link-down.example",
        "Victor-s3cr3t-20",
    );
    bp.host(
        HostSpec::new(host).imap(imap_server(host, email, pw).cut(Stage::Auth, CutKind::Stall)),
    );
    bp.mx(domain, host)?;
    bp.srv_imap(domain, host)?;
    bp.sample(
        incoming("link-down", email, imap(host, 993, Security::Tls, email, pw)),
        Some(ids::LINK_DOWN),
        "The Wi-Fi dropped in the middle of the session: the login got no answer and the link is gone.",
        SimNet {
            local_end: localnet::offline(),
            ..SimNet::default()
        },
    );
    Ok(())
}

/// Some connections get through, others are reset or never answered.
fn lossy(bp: &mut Blueprint) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "mail.lossy.example",
        "lossy.example",
        "wendy@lossy.example",
        "Wendy-s3cr3t-21",
    );
    let persona = imap_server(host, email, pw);
    bp.host(
        HostSpec::new(host)
            .lossy_tls(993, persona.clone(), LOSSY_PATTERN.to_vec())
            .plain(143, persona),
    );
    bp.mx(domain, host)?;
    bp.srv_imap(domain, host)?;
    bp.sample(
        incoming("lossy", email, imap(host, 993, Security::Tls, email, pw)),
        Some(ids::POOR_LINE),
        "The line loses connections: of repeated connects some are answered, some reset, some never answered.",
        SimNet::default(),
    );
    Ok(())
}

/// The server logs the user in, then says BYE and hangs up.
fn dropped(bp: &mut Blueprint) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "mail.dropped.example",
        "dropped.example",
        "xavier@dropped.example",
        "Xavier-s3cr3t-22",
    );
    bp.host(
        HostSpec::new(host)
            .imap(imap_server(host, email, pw).cut(Stage::Mailbox, CutKind::Goodbye)),
    );
    bp.mx(domain, host)?;
    bp.srv_imap(domain, host)?;
    bp.sample(
        incoming("dropped", email, imap(host, 993, Security::Tls, email, pw)),
        Some(ids::SERVER_DROPPED),
        "The server accepts the login, then answers the mailbox request with * BYE and closes.",
        SimNet::default(),
    );
    Ok(())
}

/// Sending without logging in: the server relays only for its users.
fn relay_denied(bp: &mut Blueprint) -> Result<(), LabError> {
    let (host, domain, email, pw) = (
        "smtp.relay-denied.example",
        "relay-denied.example",
        "yara@relay-denied.example",
        "Yara-s3cr3t-23",
    );
    bp.host(
        HostSpec::new(host)
            .submission(submission_server(host, domain, LabUser::new(email, pw)))
            .plain(25, mx_server(host, domain)),
    );
    bp.mx(domain, host)?;
    bp.srv_submission(domain, host)?;
    bp.sample(
        outgoing("relay-denied", email, smtp(host, 587, Security::Starttls, AuthMech::None, email, pw)),
        Some(ids::AUTH_REQUIRED),
        "Authentication is off for sending; the server offers AUTH but refuses to relay for strangers (554 5.7.1).",
        SimNet::default(),
    );
    Ok(())
}

/// Logged in at the internet provider, sending as an address of another
/// domain that publishes its own submission server.
fn foreign_sender(bp: &mut Blueprint) -> Result<(), LabError> {
    let (domain, email, pw) = ("family.example", "zoe@family.example", "Zoe-s3cr3t-24");
    let (isp, own) = ("smtp.isp.example", "smtp.family.example");
    let isp_user = LabUser::new("zoe123", pw).owning("zoe123@isp.example");
    bp.host(HostSpec::new(isp).submission(submission_server(isp, "isp.example", isp_user)));
    bp.host(
        HostSpec::new(own)
            .submission(submission_server(
                own,
                domain,
                LabUser::new(email, "Zoe-family-s3cr3t"),
            ))
            .plain(25, mx_server(own, domain)),
    );
    bp.mx(domain, own)?;
    bp.srv_submission(domain, own)?;
    bp.mx("isp.example", isp)?;
    bp.sample(
        outgoing("foreign-sender", email, smtp(isp, 587, Security::Starttls, AuthMech::Plain, "zoe123", pw)),
        Some(ids::SENDER_NOT_ALLOWED),
        "The provider's server logs zoe123 in but will not send as zoe@family.example (553 5.7.1); family.example has its own server.",
        SimNet::default(),
    );
    Ok(())
}

fn stores(bp: &mut Blueprint, root: &Path) -> Result<(), LabError> {
    bp.sample(
        store(
            "disk-full",
            "walt@example.org",
            &stores::maildir(root, "disk-full")?,
            StoreFormat::Maildir,
        ),
        Some(ids::DISK_FULL),
        "The disk that holds the mail has no free space left (simulated).",
        SimNet {
            store_space: Some(Space {
                free_bytes: 0,
                total_bytes: 64 << 30,
                free_inodes: Some(2_113_024),
                total_inodes: Some(4_194_304),
            }),
            ..SimNet::default()
        },
    );
    bp.sample(
        store(
            "damaged-maildir",
            "walt@example.org",
            &stores::damaged_maildir(root, "damaged-maildir")?,
            StoreFormat::Maildir,
        ),
        Some(ids::FOLDER_DAMAGED),
        "The Maildir lost its new and tmp folders; only cur is left.",
        SimNet::default(),
    );
    bp.sample(
        store(
            "bad-mbox",
            "walt@example.org",
            &stores::bad_mbox(root, "bad-mbox")?,
            StoreFormat::Mbox,
        ),
        Some(ids::FOLDER_DAMAGED),
        "The mbox file does not begin with a \"From \" line, so its messages cannot be told apart.",
        SimNet::default(),
    );
    Ok(())
}
