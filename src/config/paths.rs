//! Where mailfix keeps its files, and how paths in the config are read.

use std::path::{Path, PathBuf};

use etcetera::base_strategy::{BaseStrategy, Xdg};

use super::error::ConfigError;

/// `$XDG_CONFIG_HOME/mailfix/config.toml` (`~/.config/mailfix/config.toml`).
pub fn default_path() -> Result<PathBuf, ConfigError> {
    let xdg = Xdg::new().map_err(|e| ConfigError::NoConfigDir {
        reason: e.to_string(),
    })?;
    Ok(xdg.config_dir().join("mailfix").join("config.toml"))
}

/// `$XDG_STATE_HOME/mailfix` (`~/.local/state/mailfix`): certificate pins.
/// `None` when there is no home directory.
pub fn state_dir() -> Option<PathBuf> {
    let xdg = Xdg::new().ok()?;
    Some(
        xdg.state_dir()
            .unwrap_or_else(|| xdg.home_dir().join(".local/state"))
            .join("mailfix"),
    )
}

/// Expand a leading `~` or `~/` to the home directory, and make a relative
/// path relative to `base` (the directory of the config file).
/// `~user` is not expanded; it is taken as a relative name like any other.
pub fn expand(raw: &str, base: &Path, home: Option<&Path>) -> Result<PathBuf, String> {
    let expanded = if raw == "~" || raw.starts_with("~/") {
        let home = home.ok_or("`~` cannot be expanded: no home directory is known")?;
        home.join(raw.trim_start_matches('~').trim_start_matches('/'))
    } else {
        PathBuf::from(raw)
    };
    Ok(if expanded.is_relative() {
        base.join(expanded)
    } else {
        expanded
    })
}

/// The home directory, if one is known.
pub fn home() -> Option<PathBuf> {
    etcetera::home_dir().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("~/Mail/work", "/home/a/Mail/work")]
    #[case("~", "/home/a")]
    #[case("/var/mail/a", "/var/mail/a")]
    #[case("Mail", "/etc/mailfix/Mail")]
    #[case("~bob/Mail", "/etc/mailfix/~bob/Mail")]
    fn paths_are_expanded(#[case] raw: &str, #[case] want: &str) {
        let got = expand(raw, Path::new("/etc/mailfix"), Some(Path::new("/home/a"))).unwrap();
        assert_eq!(got, PathBuf::from(want));
    }

    #[test]
    fn tilde_without_home_is_an_error() {
        assert!(expand("~/x", Path::new("/"), None).is_err());
    }
}
