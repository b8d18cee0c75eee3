//! The few system calls of the store check: statvfs, access(2), the test
//! write, and errno classification.

use std::ffi::CString;
use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use crate::evidence::{Space, WriteErrorKind, WriteTest};

use super::TEST_WRITE_BYTES;

/// Write, sync and remove one small file at `path`.
pub(crate) fn test_write(path: &Path) -> WriteTest {
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
pub(crate) fn probe_name(beside: &str) -> String {
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
pub(crate) fn free_space(path: &Path) -> Option<Space> {
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
pub(crate) fn access(path: &Path, mode: libc::c_int) -> std::io::Result<()> {
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
pub(crate) fn describe(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
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
}
