//! The local mail store: free space and inodes, the folder's layout, and
//! one small test write that is removed again.
//!
//! Everything here only reads, except the test write: one small file
//! (Maildir: in `tmp/`, where deliveries start; mbox: a hidden file beside
//! it), written, synced to disk and removed. The walk over the store's
//! entries is bounded, so a huge Maildir costs a bounded time.

use std::ffi::CString;
use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::account::{StoreFormat, StoreSettings};
use crate::evidence::{Space, StoreCheck, StoreProblem, WriteErrorKind, WriteTest};

/// At most this many entries are looked at.
pub const MAX_ENTRIES: u64 = 10_000;
/// At most this many problems are recorded (the first ones found).
const MAX_PROBLEMS: usize = 20;
/// The size of the test write: a small message's worth.
pub const TEST_WRITE_BYTES: usize = 4096;
/// How much of an mbox's first line is read and shown.
const FIRST_LINE_BYTES: usize = 1024;
const FIRST_LINE_SHOWN: usize = 80;

const MAILDIR_SUBDIRS: [&str; 3] = ["cur", "new", "tmp"];

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
pub fn check_blocking(settings: &StoreSettings, space_override: Option<Space>) -> StoreCheck {
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

#[derive(Default)]
struct Walk {
    problems: Vec<StoreProblem>,
    entries: u64,
}

impl Walk {
    fn problem(&mut self, problem: StoreProblem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(problem);
        }
    }

    fn budget_left(&self) -> bool {
        self.entries < MAX_ENTRIES
    }
}

fn maildir(root: &Path, walk: &mut Walk) {
    if let Err(e) = access(root, libc::R_OK | libc::X_OK) {
        walk.problem(StoreProblem::Unreadable {
            path: root.to_path_buf(),
            text: describe(&e),
        });
        return;
    }
    folder(root, "", walk);
    // Maildir++ subfolders (`.Sent`, `.Archive.2024`) have the same layout.
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        if !walk.budget_left() {
            break;
        }
        let name = entry.file_name();
        let bytes = name.as_bytes();
        if bytes.first() == Some(&b'.') && bytes != b"." && bytes != b".." && entry.path().is_dir()
        {
            let label = format!("{}/", name.to_string_lossy());
            folder(&entry.path(), &label, walk);
        }
    }
}

/// One Maildir folder: cur, new and tmp present, writable, entries readable.
fn folder(dir: &Path, label: &str, walk: &mut Walk) {
    for sub in MAILDIR_SUBDIRS {
        let path = dir.join(sub);
        if !path.is_dir() {
            walk.problem(StoreProblem::MissingSubdir(format!("{label}{sub}")));
            continue;
        }
        if access(&path, libc::W_OK | libc::X_OK).is_err() {
            walk.problem(StoreProblem::NotWritable { path: path.clone() });
        }
        entries(&path, walk);
    }
}

fn entries(dir: &Path, walk: &mut Walk) {
    let list = match fs::read_dir(dir) {
        Ok(list) => list,
        Err(e) => {
            walk.problem(StoreProblem::Unreadable {
                path: dir.to_path_buf(),
                text: describe(&e),
            });
            return;
        }
    };
    for entry in list {
        if !walk.budget_left() {
            return;
        }
        walk.entries += 1;
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                walk.problem(StoreProblem::Unreadable {
                    path: dir.to_path_buf(),
                    text: describe(&e),
                });
                continue;
            }
        };
        let path = entry.path();
        let readable = fs::metadata(&path).and_then(|meta| {
            if meta.is_dir() {
                access(&path, libc::R_OK | libc::X_OK)
            } else {
                access(&path, libc::R_OK)
            }
        });
        if let Err(e) = readable {
            walk.problem(StoreProblem::Unreadable {
                path,
                text: describe(&e),
            });
        }
    }
}

fn mbox(path: &Path, walk: &mut Walk) {
    walk.entries += 1;
    let mut first = Vec::with_capacity(FIRST_LINE_BYTES);
    let read = fs::File::open(path)
        .and_then(|file| file.take(FIRST_LINE_BYTES as u64).read_to_end(&mut first));
    match read {
        Err(e) => walk.problem(StoreProblem::Unreadable {
            path: path.to_path_buf(),
            text: describe(&e),
        }),
        Ok(_) => {
            let line = first.split(|b| *b == b'\n').next().unwrap_or_default();
            if !first.is_empty() && !line.starts_with(b"From ") {
                walk.problem(StoreProblem::MboxBadStart {
                    first_line: escape(line),
                });
            }
        }
    }
    if access(path, libc::W_OK).is_err() {
        walk.problem(StoreProblem::NotWritable {
            path: path.to_path_buf(),
        });
    }
}

/// Write, sync and remove one small file at `path`.
fn test_write(path: &Path) -> WriteTest {
    let failed = |e: &std::io::Error| WriteTest::Failed {
        kind: write_error_kind(e),
        path: path.to_path_buf(),
        text: describe(e),
    };
    let mut file = match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(file) => file,
        Err(e) => return failed(&e),
    };
    let body = [b'x'; TEST_WRITE_BYTES];
    let written = file.write_all(&body).and_then(|()| file.sync_all());
    drop(file);
    let removed = fs::remove_file(path);
    match (written, removed) {
        (Err(e), _) => failed(&e),
        (Ok(()), Err(e)) => WriteTest::Failed {
            kind: WriteErrorKind::Other,
            path: path.to_path_buf(),
            text: format!(
                "the test file was written but could not be removed: {}",
                describe(&e)
            ),
        },
        (Ok(()), Ok(())) => WriteTest::Ok,
    }
}

/// A name no mail program will take for a message: hidden, and unique to
/// this process and moment.
fn probe_name(beside: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let stem = if beside.is_empty() {
        String::new()
    } else {
        format!("{beside}.")
    };
    format!(".{stem}mailfix-write-test.{}.{nanos}", std::process::id())
}

/// statvfs of `path`, or of the nearest folder above it that exists.
// The field types differ between platforms; the conversions are not useless everywhere.
#[allow(clippy::useless_conversion)]
fn free_space(path: &Path) -> Option<Space> {
    let existing = path.ancestors().find(|p| p.exists())?;
    let c_path = CString::new(existing.as_os_str().as_bytes()).ok()?;
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: c_path is NUL-terminated; stat is written by the call and read
    // only when it returns 0.
    let stat = unsafe {
        if libc::statvfs(c_path.as_ptr(), stat.as_mut_ptr()) != 0 {
            return None;
        }
        stat.assume_init()
    };
    let block = u64::from(stat.f_frsize);
    let inodes = |n: libc::fsfilcnt_t| (stat.f_files > 0).then(|| u64::from(n));
    Some(Space {
        free_bytes: u64::from(stat.f_bavail).saturating_mul(block),
        total_bytes: u64::from(stat.f_blocks).saturating_mul(block),
        free_inodes: inodes(stat.f_favail),
        total_inodes: inodes(stat.f_files),
    })
}

/// access(2) for the real user: may this user read/write `path`?
fn access(path: &Path, mode: libc::c_int) -> std::io::Result<()> {
    let c_path = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| std::io::Error::new(ErrorKind::InvalidInput, "path holds a NUL byte"))?;
    // SAFETY: c_path is a valid NUL-terminated string for the whole call.
    if unsafe { libc::access(c_path.as_ptr(), mode) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// The errno of a failed write, in the evidence's terms.
pub fn write_error_kind(err: &std::io::Error) -> WriteErrorKind {
    match err.raw_os_error() {
        Some(libc::ENOSPC) => WriteErrorKind::NoSpace,
        Some(libc::EDQUOT) => WriteErrorKind::Quota,
        Some(libc::EACCES | libc::EPERM) => WriteErrorKind::Permission,
        Some(libc::EROFS) => WriteErrorKind::ReadOnly,
        Some(libc::EFBIG) => WriteErrorKind::TooLarge,
        _ => WriteErrorKind::Other,
    }
}

/// The OS's words for an error, without the "(os error N)" tail.
fn describe(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Bytes as printable text: ASCII as is, everything else as `\xNN`,
/// bounded in length.
fn escape(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        if out.len() >= FIRST_LINE_SHOWN {
            out.push('…');
            break;
        }
        match b {
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(libc::ENOSPC, WriteErrorKind::NoSpace)]
    #[case(libc::EDQUOT, WriteErrorKind::Quota)]
    #[case(libc::EACCES, WriteErrorKind::Permission)]
    #[case(libc::EPERM, WriteErrorKind::Permission)]
    #[case(libc::EROFS, WriteErrorKind::ReadOnly)]
    #[case(libc::EFBIG, WriteErrorKind::TooLarge)]
    #[case(libc::EIO, WriteErrorKind::Other)]
    fn errno_to_kind(#[case] errno: i32, #[case] kind: WriteErrorKind) {
        assert_eq!(
            write_error_kind(&std::io::Error::from_raw_os_error(errno)),
            kind
        );
    }

    #[rstest]
    #[case(b"Return-Path: <a@b>", "Return-Path: <a@b>")]
    #[case(b"\x00\x01bin\\", "\\x00\\x01bin\\\\")]
    #[case(b"caf\xc3\xa9\r", "caf\\xc3\\xa9\\x0d")]
    fn first_lines_are_escaped(#[case] bytes: &[u8], #[case] shown: &str) {
        assert_eq!(escape(bytes), shown);
    }

    #[test]
    fn long_first_lines_are_cut() {
        let shown = escape(&[b'a'; 500]);
        assert!(shown.chars().count() <= FIRST_LINE_SHOWN + 1 && shown.ends_with('…'));
    }
}
