//! What the local mail store showed.

use std::path::PathBuf;

use crate::account::StoreFormat;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Space {
    pub free_bytes: u64,
    pub total_bytes: u64,
    /// `None` on filesystems without inode counts (e.g. btrfs reports 0).
    pub free_inodes: Option<u64>,
    pub total_inodes: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteErrorKind {
    /// ENOSPC
    NoSpace,
    /// EDQUOT
    Quota,
    /// EACCES / EPERM
    Permission,
    /// EROFS
    ReadOnly,
    /// EFBIG (a file-size limit)
    TooLarge,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteTest {
    /// A small file was written, synced and removed.
    Ok,
    Failed {
        kind: WriteErrorKind,
        path: PathBuf,
        text: String,
    },
    NotRun(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreProblem {
    /// The configured path does not exist.
    Missing,
    /// A Maildir path that is a file, or an mbox path that is a directory.
    WrongType,
    /// A Maildir without `cur`, `new` or `tmp`.
    MissingSubdir(String),
    /// An entry that could not be read, with the OS's words.
    Unreadable { path: PathBuf, text: String },
    /// An entry the user cannot write.
    NotWritable { path: PathBuf },
    /// An mbox whose first line is not `From ` (escaped, bounded).
    MboxBadStart { first_line: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoreCheck {
    pub path: PathBuf,
    pub format: StoreFormat,
    pub space: Option<Space>,
    pub write_test: WriteTest,
    pub problems: Vec<StoreProblem>,
    /// Entries looked at (bounded).
    pub entries_checked: u64,
    pub simulated: bool,
}
