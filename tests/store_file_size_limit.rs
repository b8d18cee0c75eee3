//! A file-size limit (RLIMIT_FSIZE) makes the store's test write fail with
//! EFBIG. Its own test binary: the limit applies to the whole process.

use mailfix::account::{StoreFormat, StoreSettings};
use mailfix::evidence::{WriteErrorKind, WriteTest};
use mailfix::probe::store::{TEST_WRITE_BYTES, check};

#[tokio::test]
async fn a_file_size_limit_is_reported_as_too_large() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }
    let limit = libc::rlimit {
        rlim_cur: (TEST_WRITE_BYTES / 4) as libc::rlim_t,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: plain syscalls; SIGXFSZ is ignored so that the write fails
    // with EFBIG instead of ending the process.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &limit), 0);
    }
    let settings = StoreSettings {
        path: dir.path().to_path_buf(),
        format: StoreFormat::Maildir,
    };
    let got = check(&settings, None).await;
    // Lift the limit before anything else writes: it covers the whole
    // process, the test harness's own output included (a log file larger
    // than the limit would otherwise make the harness fail silently).
    let unlimited = libc::rlimit {
        rlim_cur: libc::RLIM_INFINITY,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: a plain syscall restoring the limit set above.
    unsafe {
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &unlimited), 0);
    }
    assert!(
        matches!(
            got.write_test,
            WriteTest::Failed {
                kind: WriteErrorKind::TooLarge,
                ..
            }
        ),
        "{:?}",
        got.write_test
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
        0
    );
}
