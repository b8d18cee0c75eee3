//! What an import produces: accounts with their origins and warnings.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::account::Account;

use super::{ImportError, Kind};

/// Something in a source file that mailfix could not carry over, or that
/// changes what the check will see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub file: PathBuf,
    pub line: Option<usize>,
    /// The account it concerns, if it concerns one.
    pub account: Option<String>,
    pub message: String,
}

impl Warning {
    /// A warning about account `account`, at `line` of `file`.
    pub(crate) fn about(
        file: &Path,
        line: impl Into<Option<usize>>,
        account: &str,
        message: impl Into<String>,
    ) -> Self {
        Warning {
            file: file.to_path_buf(),
            line: line.into(),
            account: Some(account.to_owned()),
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if let Some(account) = &self.account {
            write!(f, "account {account}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Where (part of) an imported account was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub kind: Kind,
    pub file: PathBuf,
    /// The line where the account starts.
    pub line: Option<usize>,
    /// The account's name in that file.
    pub name: String,
}

/// One account read from another client, with what could not be carried over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedAccount {
    pub account: Account,
    /// One entry per file it came from (two when an mbsync account was
    /// paired with an msmtp account).
    pub origins: Vec<Origin>,
    /// Other names it answers to (the msmtp name of a paired account,
    /// msmtp's `account default : NAME`).
    pub aliases: Vec<String>,
    /// The source marks it as the default account.
    pub is_default: bool,
    pub warnings: Vec<Warning>,
}

impl ImportedAccount {
    /// `account` as a `kind` file wrote it at `line` of `file`, under the
    /// same name; each note (its line, what it says) becomes a warning
    /// about it.
    pub(crate) fn read<L: Into<Option<usize>>>(
        kind: Kind,
        file: &Path,
        line: usize,
        account: Account,
        notes: Vec<(L, String)>,
    ) -> Self {
        let warnings = notes
            .into_iter()
            .map(|(at, message)| Warning::about(file, at, &account.name, message))
            .collect();
        ImportedAccount {
            origins: vec![Origin {
                kind,
                file: file.to_path_buf(),
                line: Some(line),
                name: account.name.clone(),
            }],
            account,
            aliases: Vec::new(),
            is_default: false,
            warnings,
        }
    }

    /// True if `name` is its name, one of its aliases, or its address.
    pub fn answers_to(&self, name: &str) -> bool {
        self.account.name == name
            || self.aliases.iter().any(|a| a == name)
            || (!self.account.email.is_empty() && self.account.email.eq_ignore_ascii_case(name))
    }

    /// "msmtp ~/.msmtprc + mbsync ~/.mbsyncrc": where it came from, for lists.
    pub fn origin_summary(&self) -> String {
        self.origins
            .iter()
            .map(|o| format!("{} {}", o.kind, o.file.display()))
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

/// A file that was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub kind: Kind,
    pub file: PathBuf,
    /// Which schema of the format it is, when the format has several
    /// (himalaya: "v1", "0.x" …).
    pub variant: Option<String>,
}

/// The result of reading one or more files.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Imported {
    pub sources: Vec<Source>,
    pub accounts: Vec<ImportedAccount>,
    /// Warnings about the files rather than one account.
    pub warnings: Vec<Warning>,
}

impl Imported {
    /// What reading `file`, a `kind` file, starts from: the file as the
    /// one source, nothing found yet.
    pub(crate) fn from_file(kind: Kind, file: &Path) -> Self {
        Imported {
            sources: vec![Source {
                kind,
                file: file.to_path_buf(),
                variant: None,
            }],
            ..Imported::default()
        }
    }

    /// The account called `name` (or with that alias or address).
    pub fn find(&self, name: &str) -> Option<&ImportedAccount> {
        self.accounts
            .iter()
            .find(|a| a.account.name == name)
            .or_else(|| self.accounts.iter().find(|a| a.answers_to(name)))
    }

    /// Like [`find`](Self::find), with an error that lists what there is.
    pub fn select(&self, name: &str) -> Result<&ImportedAccount, ImportError> {
        self.find(name).ok_or_else(|| ImportError::NoSuchAccount {
            name: name.to_owned(),
            files: self.sources.iter().map(|s| s.file.clone()).collect(),
            available: self
                .accounts
                .iter()
                .map(|a| a.account.name.clone())
                .collect(),
        })
    }

    /// The account the source marks as default, else the only one.
    pub fn default_account(&self) -> Option<&ImportedAccount> {
        self.accounts
            .iter()
            .find(|a| a.is_default)
            .or(match self.accounts.as_slice() {
                [only] => Some(only),
                _ => None,
            })
    }

    /// File-level warnings, then every account's.
    pub fn all_warnings(&self) -> impl Iterator<Item = &Warning> {
        self.warnings
            .iter()
            .chain(self.accounts.iter().flat_map(|a| a.warnings.iter()))
    }

    pub(crate) fn warn(&mut self, file: &Path, line: Option<usize>, message: impl Into<String>) {
        self.warnings.push(Warning {
            file: file.to_path_buf(),
            line,
            account: None,
            message: message.into(),
        });
    }
}
