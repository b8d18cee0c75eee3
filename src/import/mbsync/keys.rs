//! The keywords each mbsync section takes, and those it takes outside any
//! section; anything else is reported.

use super::super::{Ctx, Imported};
use super::{Section, SectionKind};

const ACCOUNT_KEYS: &[&str] = &[
    "host",
    "port",
    "timeout",
    "user",
    "usercmd",
    "pass",
    "passcmd",
    "usekeychain",
    "tunnel",
    "authmechs",
    "authmech",
    "tlstype",
    "ssltype",
    "tlsversions",
    "sslversions",
    "systemcertificates",
    "certificatefile",
    "clientcertificate",
    "clientkey",
    "cipherstring",
    "pipelinedepth",
    "disableextension",
    "disableextensions",
    "requiressl",
    "useimaps",
    "usesslv2",
    "usesslv3",
    "usetlsv1",
    "usetlsv1.1",
    "usetlsv1.2",
    "usetlsv1.3",
    "requirecram",
];
const STORE_KEYS: &[&str] = &[
    "path",
    "mapinbox",
    "trash",
    "trashnewonly",
    "trashremotenew",
    "maxsize",
    "flatten",
];
const IMAP_STORE_KEYS: &[&str] = &["account", "usenamespace", "pathdelimiter", "subscribedonly"];
const MAILDIR_KEYS: &[&str] = &["inbox", "subfolders", "altmap", "infodelimiter"];
const CHANNEL_KEYS: &[&str] = &[
    "far", "near", "master", "slave", "pattern", "patterns", "maxsize",
];
/// How a channel syncs: in a `Channel`, or outside any section as the
/// default of every channel.
const SYNC_KEYS: &[&str] = &[
    "sync",
    "create",
    "remove",
    "expunge",
    "expungesolo",
    "copyarrivaldate",
    "syncstate",
    "maxmessages",
    "expireunread",
    "expiresidebar",
];
const GROUP_KEYS: &[&str] = &["channel", "channels"];
/// The other global options.
const GLOBAL_KEYS: &[&str] = &["fsync", "fielddelimiter", "bufferlimit"];

/// `lower` is an option mbsync takes outside any section (mailfix has no
/// use for any of them).
pub(super) fn is_global(lower: &str) -> bool {
    [SYNC_KEYS, GLOBAL_KEYS]
        .iter()
        .any(|keys| keys.contains(&lower))
}

pub(super) fn warn_unknown(section: &Section, ctx: &Ctx<'_>, imported: &mut Imported) {
    let allowed: &[&[&str]] = match section.kind {
        SectionKind::ImapAccount => &[ACCOUNT_KEYS],
        SectionKind::ImapStore => &[ACCOUNT_KEYS, STORE_KEYS, IMAP_STORE_KEYS],
        SectionKind::MaildirStore => &[STORE_KEYS, MAILDIR_KEYS],
        SectionKind::Channel => &[CHANNEL_KEYS, SYNC_KEYS],
        SectionKind::Group => &[GROUP_KEYS],
    };
    for d in &section.items {
        if !allowed.iter().any(|keys| keys.contains(&d.lower.as_str())) {
            imported.warn(
                ctx.file,
                Some(d.line),
                format!("`{}` is not an option of {}; skipped", d.key, section.name),
            );
        }
    }
}
