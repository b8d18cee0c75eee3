//! The local mail store: free space and inodes, the folder's layout, and
//! one small test write that is removed again.
//!
//! Everything here only reads, except the test write: one small file
//! (Maildir: in `tmp/`, where deliveries start; mbox: a hidden file beside
//! it), written, synced to disk and removed. The walk over the store's
//! entries is bounded, so a huge Maildir costs a bounded time.

mod fsops;
mod layout;

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::account::{StoreFormat, StoreSettings};
use crate::evidence::{Space, StoreCheck, StoreProblem, WriteTest};

use fsops::{describe, free_space, probe_name, test_write};
use layout::{Walk, maildir, mbox};

pub use fsops::write_error_kind;

/// At most this many entries are looked at.
pub const MAX_ENTRIES: u64 = 10_000;
/// At most this many problems are recorded (the first ones found).
pub(crate) const MAX_PROBLEMS: usize = 20;
/// The size of the test write: a small message's worth.
pub const TEST_WRITE_BYTES: usize = 4096;
/// How much of an mbox's first line is read and shown.
pub(crate) const FIRST_LINE_BYTES: usize = 1024;
pub(crate) const FIRST_LINE_SHOWN: usize = 80;

pub(crate) const MAILDIR_SUBDIRS: [&str; 3] = ["cur", "new", "tmp"];

/// Look at the store. `space_override` replaces the filesystem's free
/// space (the demo lab's simulated full disk); with it the test write is
/// not made, since the real disk would contradict the simulated one.
pub async fn check(settings: &StoreSettings, space_override: Option<Space>) -> StoreCheck {
    let owned = settings.clone();
    match tokio::task::spawn_blocking(move || check_blocking(&owned, space_override)).await {
        Ok(check) => check,
        Err(e) => StoreCheck {
            path: settings.path.clone(),
            format: settings.format,
            space: space_override,
            write_test: WriteTest::NotRun(format!("the store check stopped: {e}")),
            problems: Vec::new(),
            entries_checked: 0,
            simulated: space_override.is_some(),
        },
    }
}

/// The same, on the calling thread (it blocks on the filesystem).
fn check_blocking(settings: &StoreSettings, space_override: Option<Space>) -> StoreCheck {
    let path = settings.path.clone();
    let mut walk = Walk::default();
    let space = space_override.or_else(|| free_space(&path));

    // Where the test write goes, once the layout allows one.
    let target: Result<PathBuf, String> = match fs::metadata(&path) {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            walk.problem(StoreProblem::Missing);
            Err("the store does not exist".into())
        }
        Err(e) => {
            walk.problem(StoreProblem::Unreadable {
                path: path.clone(),
                text: describe(&e),
            });
            Err("the store cannot be reached".into())
        }
        Ok(meta) => match settings.format {
            StoreFormat::Maildir if !meta.is_dir() => {
                walk.problem(StoreProblem::WrongType);
                Err("a Maildir must be a folder, this is a file".into())
            }
            StoreFormat::Mbox if meta.is_dir() => {
                walk.problem(StoreProblem::WrongType);
                Err("an mbox must be a file, this is a folder".into())
            }
            StoreFormat::Maildir => {
                maildir(&path, &mut walk);
                let tmp = path.join("tmp");
                if tmp.is_dir() {
                    Ok(tmp.join(probe_name("")))
                } else {
                    Err("the Maildir has no tmp folder to write in".into())
                }
            }
            StoreFormat::Mbox => {
                mbox(&path, &mut walk);
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                let dir = path.parent().unwrap_or(Path::new("/"));
                Ok(dir.join(probe_name(name.as_deref().unwrap_or("mbox"))))
            }
        },
    };
    let write_test = match target {
        Err(reason) => WriteTest::NotRun(reason),
        // The real disk would contradict the simulated one.
        Ok(_) if space_override.is_some() => {
            WriteTest::NotRun("the free space is simulated, so no test write was made".into())
        }
        Ok(target) => test_write(&target),
    };
    StoreCheck {
        path,
        format: settings.format,
        space,
        write_test,
        problems: walk.problems,
        entries_checked: walk.entries,
        simulated: space_override.is_some(),
    }
}
