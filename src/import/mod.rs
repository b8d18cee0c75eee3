//! Reading other mail clients' settings into mailfix accounts.
//!
//! Four formats are understood: msmtp (`~/.msmtprc`), mbsync/isync
//! (`~/.mbsyncrc`), aerc (`accounts.conf`) and himalaya (`config.toml`, every
//! schema it has had). The source files are only ever read, never written.
//!
//! Each parser is a pure function over the file's text. What it cannot carry
//! over (an unknown directive, a client certificate, a keyring entry…) becomes
//! a [`Warning`] naming the file and line; only text that cannot be understood
//! at all is an [`ImportError`], again with file and line.
//!
//! Entry points:
//! - [`load`] / [`load_with`]: one client's file (given, or found at its
//!   standard path), with msmtp and mbsync accounts paired by address.
//! - [`parse`]: one file's text, no file system, no pairing.
//! - [`detect_all`]: every client's file at its standard path (for the wizard
//!   when mailfix has no config of its own).
//! - [`render`]: the accounts as a mailfix config file.

mod aerc;
mod detect;
mod draft;
mod error;
mod himalaya;
mod mbsync;
mod model;
mod msmtp;
mod pair;
mod render;
mod text;
mod url;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::account::{AuthMech, PasswordSource, Security};

pub use detect::{Detected, Env, ReadFs, RealFs, detect_all, standard_paths};
pub use error::ImportError;
pub use model::{Imported, ImportedAccount, Origin, Source, Warning};
pub use render::render;

/// The mail clients whose settings mailfix can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Kind {
    Msmtp,
    #[value(alias = "isync")]
    Mbsync,
    Aerc,
    Himalaya,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Msmtp, Kind::Mbsync, Kind::Aerc, Kind::Himalaya];

    /// The name used on the command line (`--from msmtp`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Msmtp => "msmtp",
            Kind::Mbsync => "mbsync",
            Kind::Aerc => "aerc",
            Kind::Himalaya => "himalaya",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = ImportError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "msmtp" => Ok(Kind::Msmtp),
            "mbsync" | "isync" => Ok(Kind::Mbsync),
            "aerc" => Ok(Kind::Aerc),
            "himalaya" => Ok(Kind::Himalaya),
            _ => Err(ImportError::UnknownKind(s.to_owned())),
        }
    }
}

/// What a parser needs besides the text: the file's name (for messages)
/// and the home directory (to expand `~`).
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub file: &'a Path,
    pub home: Option<&'a Path>,
}

/// Whether [`load_with`] pairs mbsync accounts with msmtp accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pairing {
    /// Reading msmtp also reads mbsync's file at its standard path (and the
    /// other way round) and joins the accounts with the same address.
    WithPartner,
    /// Only the one file.
    Off,
}

/// Parse one file's text. Pure: no file system, no pairing.
pub fn parse(kind: Kind, text: &str, ctx: &Ctx<'_>) -> Result<Imported, ImportError> {
    let mut imported = parse_raw(kind, text, ctx)?;
    finish(&mut imported);
    Ok(imported)
}

/// Read `kind`'s settings from `file`, or from the first of its standard
/// paths that exists, pairing msmtp with mbsync. Reads the real file system
/// and environment (`HOME`, `XDG_CONFIG_HOME`).
pub fn load(kind: Kind, file: Option<&Path>) -> Result<Imported, ImportError> {
    load_with(
        kind,
        file,
        &Env::from_process(),
        &RealFs,
        Pairing::WithPartner,
    )
}

/// [`load`] with the home, the config directory and the file reader given.
pub fn load_with(
    kind: Kind,
    file: Option<&Path>,
    env: &Env,
    fs: &dyn ReadFs,
    pairing: Pairing,
) -> Result<Imported, ImportError> {
    let (path, text) = match file {
        Some(path) => {
            let path = expand_user_path(path, env);
            let text = fs.read(&path)?.ok_or_else(|| ImportError::Read {
                path: path.clone(),
                reason: "no such file".into(),
            })?;
            (path, text)
        }
        None => detect::find(kind, env, fs)?.ok_or_else(|| ImportError::NotFound {
            kind,
            searched: standard_paths(kind, env),
        })?,
    };
    let ctx = Ctx {
        file: &path,
        home: env.home.as_deref(),
    };
    let mut imported = parse_raw(kind, &text, &ctx)?;
    if pairing == Pairing::WithPartner {
        imported = pair::with_partner(kind, imported, env, fs);
    }
    finish(&mut imported);
    Ok(imported)
}

/// `~/x` on the command line usually arrives expanded by the shell; expand
/// it here for the cases where it does not (quoted, or from a config).
fn expand_user_path(path: &Path, env: &Env) -> PathBuf {
    match path.to_str() {
        Some(s) => text::expand_tilde(s, env.home.as_deref()),
        None => path.to_path_buf(),
    }
}

fn parse_raw(kind: Kind, text: &str, ctx: &Ctx<'_>) -> Result<Imported, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match kind {
        Kind::Msmtp => msmtp::parse(text, ctx),
        Kind::Mbsync => mbsync::parse(text, ctx),
        Kind::Aerc => aerc::parse(text, ctx),
        Kind::Himalaya => himalaya::parse(text, ctx),
    }
}

/// The last step for every account, after pairing: user names default to
/// the address, and the warnings that only make sense on the finished
/// account.
pub(crate) fn finish(imported: &mut Imported) {
    for item in &mut imported.accounts {
        let file = item
            .origins
            .first()
            .map(|o| o.file.clone())
            .unwrap_or_default();
        let line = item.origins.first().and_then(|o| o.line);
        let name = item.account.name.clone();
        let email = item.account.email.clone();
        let mut notes = Vec::new();
        if email.is_empty() {
            notes.push(
                "no e-mail address found; add `email = \"…\"` to the mailfix config".to_owned(),
            );
        }
        for server in [&mut item.account.incoming, &mut item.account.outgoing]
            .into_iter()
            .flatten()
        {
            if server.username.is_empty() {
                server.username = email.clone();
            }
            let logs_in = !matches!(server.auth, AuthMech::None);
            if server.security == Security::None && logs_in && server.password.is_set() {
                notes.push(format!(
                    "{} {} is used without encryption; mailfix will not send the password \
                     over it unless you set allow_plaintext_auth = true",
                    server.protocol.label(),
                    server.target()
                ));
            }
            if logs_in
                && matches!(server.password, PasswordSource::Unset)
                && !server.username.is_empty()
            {
                notes.push(format!(
                    "no password source for {} {}; set password_command or password_env \
                     (or mailfix will ask)",
                    server.protocol.label(),
                    server.target()
                ));
            }
        }
        for message in notes {
            item.warnings
                .push(Warning::about(&file, line, &name, message));
        }
    }
}
