//! Where each client keeps its settings, and finding them. The home and
//! config directories and the file reader are parameters, so tests run
//! against temporary directories or maps.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::{Ctx, ImportError, Imported, Kind, finish, pair, parse_raw};

/// The largest settings file mailfix reads.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// The directories the standard paths are relative to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    pub home: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME`; `~/.config` when unset.
    pub xdg_config_home: Option<PathBuf>,
}

impl Env {
    /// From `HOME` and `XDG_CONFIG_HOME` (empty or relative values are
    /// ignored, as the XDG specification says).
    pub fn from_process() -> Env {
        let absolute = |var: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
        };
        Env {
            home: absolute("HOME"),
            xdg_config_home: absolute("XDG_CONFIG_HOME"),
        }
    }

    /// Just a home; the config directory is `HOME/.config`.
    pub fn with_home(home: impl Into<PathBuf>) -> Env {
        Env {
            home: Some(home.into()),
            xdg_config_home: None,
        }
    }

    pub fn config_home(&self) -> Option<PathBuf> {
        self.xdg_config_home
            .clone()
            .or_else(|| self.home.as_ref().map(|h| h.join(".config")))
    }
}

/// Reads a settings file: `Ok(None)` when it does not exist.
pub trait ReadFs {
    fn read(&self, path: &Path) -> Result<Option<String>, ImportError>;
}

/// Any `Fn(&Path) -> Option<String>` is a file system (tests use maps).
impl<F: Fn(&Path) -> Option<String>> ReadFs for F {
    fn read(&self, path: &Path) -> Result<Option<String>, ImportError> {
        Ok(self(path))
    }
}

/// The real file system, read-only, at most `MAX_FILE_BYTES` (1 MiB) per
/// file.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealFs;

impl ReadFs for RealFs {
    fn read(&self, path: &Path) -> Result<Option<String>, ImportError> {
        let fail = |reason: String| ImportError::Read {
            path: path.to_path_buf(),
            reason,
        };
        let file = match File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(fail(e.to_string())),
        };
        let meta = file.metadata().map_err(|e| fail(e.to_string()))?;
        if !meta.is_file() {
            return Err(fail("it is not a regular file".into()));
        }
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| fail(e.to_string()))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(ImportError::TooLarge {
                path: path.to_path_buf(),
                limit: MAX_FILE_BYTES,
            });
        }
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| fail("it is not UTF-8 text".into()))
    }
}

/// Where `kind` looks for its settings, in the order it looks.
pub fn standard_paths(kind: Kind, env: &Env) -> Vec<PathBuf> {
    let home = env.home.as_deref();
    let config = env.config_home();
    let in_home = |rel: &str| home.map(|h| h.join(rel));
    let in_config = |rel: &str| config.as_ref().map(|c| c.join(rel));
    let candidates = match kind {
        Kind::Msmtp => vec![in_home(".msmtprc"), in_config("msmtp/config")],
        Kind::Mbsync => vec![in_config("isyncrc"), in_home(".mbsyncrc")],
        Kind::Aerc => vec![
            in_config("aerc/accounts.conf"),
            in_home("Library/Preferences/aerc/accounts.conf"),
        ],
        Kind::Himalaya => vec![
            in_config("himalaya/config.toml"),
            in_home(".config/himalaya/config.toml"),
            in_home(".himalayarc"),
        ],
    };
    let mut out: Vec<PathBuf> = Vec::new();
    for path in candidates.into_iter().flatten() {
        if !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// The first of `kind`'s standard files that exists, with its text.
pub(crate) fn find(
    kind: Kind,
    env: &Env,
    fs: &dyn ReadFs,
) -> Result<Option<(PathBuf, String)>, ImportError> {
    for path in standard_paths(kind, env) {
        if let Some(text) = fs.read(&path)? {
            return Ok(Some((path, text)));
        }
    }
    Ok(None)
}

/// Every account found at the standard paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detected {
    /// Accounts from all files (mbsync and msmtp paired), names unique.
    pub imported: Imported,
    /// Files that exist but could not be read or parsed.
    pub errors: Vec<ImportError>,
}

/// Look for every client's settings and read them all.
pub fn detect_all(env: &Env, fs: &dyn ReadFs) -> Detected {
    let mut errors = Vec::new();
    let mut read = |kind: Kind| -> Option<Imported> {
        let (path, text) = match find(kind, env, fs) {
            Ok(found) => found?,
            Err(e) => {
                errors.push(e);
                return None;
            }
        };
        let ctx = Ctx {
            file: &path,
            home: env.home.as_deref(),
        };
        parse_raw(kind, &text, &ctx)
            .map_err(|e| errors.push(e))
            .ok()
    };
    let mbsync = read(Kind::Mbsync);
    let msmtp = read(Kind::Msmtp);
    let aerc = read(Kind::Aerc);
    let himalaya = read(Kind::Himalaya);

    let mut all = match (mbsync, msmtp) {
        (Some(a), Some(b)) => pair::join(a, b, true),
        (a, b) => a.or(b).unwrap_or_default(),
    };
    for other in [aerc, himalaya].into_iter().flatten() {
        all.sources.extend(other.sources);
        all.warnings.extend(other.warnings);
        all.accounts.extend(other.accounts);
    }
    unique_names(&mut all);
    finish(&mut all);
    Detected {
        imported: all,
        errors,
    }
}

/// A second account called `work` becomes `work-aerc` (answering to
/// `work` too, after the first).
fn unique_names(imported: &mut Imported) {
    let mut seen: Vec<String> = Vec::new();
    for item in &mut imported.accounts {
        let name = item.account.name.clone();
        if seen.contains(&name) {
            let kind = item.origins.first().map_or("other", |o| o.kind.as_str());
            let mut new = format!("{name}-{kind}");
            let mut n = 2;
            while seen.contains(&new) {
                new = format!("{name}-{kind}{n}");
                n += 1;
            }
            item.aliases.push(name);
            item.account.name.clone_from(&new);
            seen.push(new);
        } else {
            seen.push(name);
        }
    }
}
