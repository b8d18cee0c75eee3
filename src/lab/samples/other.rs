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
    let site = Site::new(
        "mail.link-down.example",
        "victor@link-down.example",
        "Victor-s3cr3t-20",
    );
    let persona = site.imap_server().cut(Stage::Auth, CutKind::Stall);
    bp.host(HostSpec::new(site.host).imap(persona));
    bp.publish_imap(&site)?;
    bp.sample(
        incoming("link-down", site.email, site.imap(993, Security::Tls)),
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
    let site = Site::new(
        "mail.lossy.example",
        "wendy@lossy.example",
        "Wendy-s3cr3t-21",
    );
    bp.host(
        HostSpec::new(site.host)
            .lossy_tls(993, site.imap_server(), LOSSY_PATTERN.to_vec())
            .plain(143, site.imap_server()),
    );
    bp.publish_imap(&site)?;
    bp.sample(
        incoming("lossy", site.email, site.imap(993, Security::Tls)),
        Some(ids::POOR_LINE),
        "The line loses connections: of repeated connects some are answered, some reset, some never answered.",
        SimNet::default(),
    );
    Ok(())
}

/// The server logs the user in, then says BYE and hangs up.
fn dropped(bp: &mut Blueprint) -> Result<(), LabError> {
    let site = Site::new(
        "mail.dropped.example",
        "xavier@dropped.example",
        "Xavier-s3cr3t-22",
    );
    let persona = site.imap_server().cut(Stage::Mailbox, CutKind::Goodbye);
    bp.host(HostSpec::new(site.host).imap(persona));
    bp.publish_imap(&site)?;
    bp.sample(
        incoming("dropped", site.email, site.imap(993, Security::Tls)),
        Some(ids::SERVER_DROPPED),
        "The server accepts the login, then answers the mailbox request with * BYE and closes.",
        SimNet::default(),
    );
    Ok(())
}

/// Sending without logging in: the server relays only for its users.
fn relay_denied(bp: &mut Blueprint) -> Result<(), LabError> {
    let site = Site::new(
        "smtp.relay-denied.example",
        "yara@relay-denied.example",
        "Yara-s3cr3t-23",
    );
    bp.host(
        HostSpec::new(site.host)
            .submission(site.submission_server())
            .plain(25, mx_server(site.host, site.domain())),
    );
    bp.publish_submission(&site)?;
    let settings = site.smtp(587, Security::Starttls, AuthMech::None);
    bp.sample(
        outgoing("relay-denied", site.email, settings),
        Some(ids::AUTH_REQUIRED),
        "Authentication is off for sending; the server offers AUTH but refuses to relay for strangers (554 5.7.1).",
        SimNet::default(),
    );
    Ok(())
}

/// Logged in at the internet provider, sending as an address of another
/// domain that publishes its own submission server.
fn foreign_sender(bp: &mut Blueprint) -> Result<(), LabError> {
    let own = Site::new(
        "smtp.family.example",
        "zoe@family.example",
        "Zoe-family-s3cr3t",
    );
    let isp = Site::new("smtp.isp.example", "zoe123@isp.example", "Zoe-s3cr3t-24");
    let isp_user = LabUser::new("zoe123", isp.pw).owning(isp.email);
    bp.host(HostSpec::new(isp.host).submission(submission_server(
        isp.host,
        isp.domain(),
        isp_user,
    )));
    bp.host(
        HostSpec::new(own.host)
            .submission(own.submission_server())
            .plain(25, mx_server(own.host, own.domain())),
    );
    bp.publish_submission(&own)?;
    bp.mx(isp.domain(), isp.host)?;
    let mut settings = isp.smtp(587, Security::Starttls, AuthMech::Plain);
    settings.username = "zoe123".into();
    bp.sample(
        outgoing("foreign-sender", own.email, settings),
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
