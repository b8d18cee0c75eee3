//! What can stop an import. Everything that merely cannot be carried over is
//! a [`Warning`](super::Warning) instead.

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::Kind;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// Text the parser cannot make sense of.
    #[error("{}:{line}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("cannot read {}: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    #[error("{} is larger than {limit} bytes, too large for a mail client's settings", path.display())]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("no {kind} settings found (looked for {})", list_paths(searched))]
    NotFound { kind: Kind, searched: Vec<PathBuf> },
    #[error("unknown mail client `{0}`: choose msmtp, mbsync, aerc or himalaya")]
    UnknownKind(String),
    #[error(
        "{}: no account named `{name}`{}",
        list_paths(files),
        list_names(available)
    )]
    NoSuchAccount {
        name: String,
        files: Vec<PathBuf>,
        available: Vec<String>,
    },
}

impl ImportError {
    pub(crate) fn syntax(path: &Path, line: usize, message: impl Into<String>) -> Self {
        ImportError::Syntax {
            path: path.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

fn list_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "(no file)".into();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn list_names(names: &[String]) -> String {
    if names.is_empty() {
        " (it holds no account mailfix can use)".into()
    } else {
        format!(" (it has: {})", names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_file_and_line() {
        let e = ImportError::syntax(
            Path::new("/h/.msmtprc"),
            7,
            "port 99999 is not a port number",
        );
        assert_eq!(
            e.to_string(),
            "/h/.msmtprc:7: port 99999 is not a port number"
        );
        let e = ImportError::NoSuchAccount {
            name: "work".into(),
            files: vec![PathBuf::from("/h/.msmtprc")],
            available: vec!["home".into(), "old".into()],
        };
        assert_eq!(
            e.to_string(),
            "/h/.msmtprc: no account named `work` (it has: home, old)"
        );
    }
}
