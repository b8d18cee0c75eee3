//! Certificate pins: the certificate each configured server showed at the
//! last good check, in `<state dir>/pins.toml` (`$XDG_STATE_HOME/mailfix`).
//!
//! Read before the sessions (a session compares what it sees with the
//! pin), written after the run for configured endpoints whose TLS verified
//! and whose login was accepted (or not tried because none is configured).
//! A certificate from another issuer than the pinned one never replaces
//! the pin: that is the alarm, not the new normal. A missing or unreadable
//! file is a note, never a failure.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::session::PinRecord;
use crate::evidence::{EndpointProbe, LoginOutcome, LoginSkip, PinCheck, Role, TlsOutcome};

pub const FILE_NAME: &str = "pins.toml";

#[derive(Debug, Error)]
pub enum PinError {
    #[error("could not create {path}: {reason}")]
    CreateDir { path: PathBuf, reason: String },
    #[error("could not write {path}: {reason}")]
    Write { path: PathBuf, reason: String },
    #[error("could not encode the pins: {0}")]
    Encode(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinEntry {
    pub sha256: String,
    pub issuer: String,
    /// The day this certificate was last seen at a good check (YYYY-MM-DD).
    pub seen: String,
}

/// The pins of one state directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pins {
    path: Option<PathBuf>,
    entries: BTreeMap<String, PinEntry>,
}

/// `$XDG_STATE_HOME/mailfix` (`~/.local/state/mailfix`), if a home is known.
pub fn default_state_dir() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    etcetera::choose_base_strategy()
        .ok()?
        .state_dir()
        .map(|d| d.join("mailfix"))
}

impl Pins {
    /// No pinning at all (`state_dir` is `None`).
    pub fn off() -> Pins {
        Pins::default()
    }

    /// Read the pins of `state_dir`. A missing file is an empty set; an
    /// unreadable or corrupt one too, with a note saying so.
    pub fn load(state_dir: Option<&Path>) -> (Pins, Option<String>) {
        let Some(dir) = state_dir else {
            return (Pins::off(), None);
        };
        let path = dir.join(FILE_NAME);
        let mut pins = Pins {
            path: Some(path.clone()),
            entries: BTreeMap::new(),
        };
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (pins, None),
            Err(e) => {
                let note = format!(
                    "Certificate pins in {} could not be read ({e}); no pin was compared.",
                    path.display()
                );
                return (pins, Some(note));
            }
        };
        match toml::from_str::<BTreeMap<String, PinEntry>>(&text) {
            Ok(entries) => {
                pins.entries = entries;
                (pins, None)
            }
            Err(e) => {
                let note = format!(
                    "Certificate pins in {} are damaged and were ignored; they will be rewritten ({}).",
                    path.display(),
                    first_line(&e.to_string())
                );
                (pins, Some(note))
            }
        }
    }

    pub fn enabled(&self) -> bool {
        self.path.is_some()
    }

    /// The pin of `host:port` (as `account::host_port` writes it).
    pub fn get(&self, target: &str) -> Option<PinRecord> {
        self.entries.get(target).map(|e| PinRecord {
            sha256: e.sha256.clone(),
            issuer: e.issuer.clone(),
        })
    }

    pub fn entry(&self, target: &str) -> Option<&PinEntry> {
        self.entries.get(target)
    }

    /// Take in what the run saw; true when anything changed.
    pub fn update<'a>(
        &mut self,
        probes: impl IntoIterator<Item = &'a EndpointProbe>,
        today: &str,
    ) -> bool {
        let mut changed = false;
        for probe in probes {
            let Some(new) = pin_worthy(probe) else {
                continue;
            };
            let target = probe.endpoint.target();
            if let Some(old) = self.entries.get(&target)
                && !old.sha256.eq_ignore_ascii_case(&new.sha256)
                && old.issuer != new.issuer
            {
                // Another authority: keep the old pin, the alarm stays.
                continue;
            }
            let entry = PinEntry {
                sha256: new.sha256,
                issuer: new.issuer,
                seen: today.to_owned(),
            };
            if self.entries.get(&target) != Some(&entry) {
                self.entries.insert(target, entry);
                changed = true;
            }
        }
        changed
    }

    /// Write the pins atomically: a temporary file beside, then rename.
    pub fn save(&self) -> Result<(), PinError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(|e| PinError::CreateDir {
            path: dir.to_owned(),
            reason: e.to_string(),
        })?;
        let text = toml::to_string(&self.entries).map_err(|e| PinError::Encode(e.to_string()))?;
        let tmp = dir.join(format!(".{FILE_NAME}.{}.tmp", std::process::id()));
        let write_err = |e: std::io::Error| PinError::Write {
            path: path.clone(),
            reason: e.to_string(),
        };
        let written = (|| {
            let mut file = fs::File::create(&tmp)?;
            file.write_all(b"# Certificates mailfix saw at the last good check of each server.\n")?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            fs::rename(&tmp, path)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        written.map_err(write_err)
    }
}

/// The certificate of a configured endpoint worth pinning: TLS verified,
/// and the login accepted or not tried because none is configured.
fn pin_worthy(probe: &EndpointProbe) -> Option<PinRecord> {
    if probe.role != Role::Configured {
        return None;
    }
    let session = probe.session.as_ref()?;
    let TlsOutcome::Verified { cert, pin, .. } = session.tls_outcome()? else {
        return None;
    };
    let login_ok = matches!(
        session.login,
        Some(LoginOutcome::Accepted { .. })
            | Some(LoginOutcome::Skipped(LoginSkip::NoPassword))
            | Some(LoginOutcome::Skipped(LoginSkip::AuthNone))
    );
    if !login_ok || matches!(pin, PinCheck::Unavailable(_)) {
        return None;
    }
    Some(PinRecord {
        sha256: cert.sha256.clone(),
        issuer: cert.issuer.clone(),
    })
}

/// Today's date (UTC) as YYYY-MM-DD.
pub fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    date_of(secs / 86_400)
}

/// The civil date of a day count since 1970-01-01 (H. Hinnant's algorithm).
pub fn date_of(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim()
}

#[cfg(test)]
mod tests;
