//! The store probe on real folders: healthy and broken Maildirs, good and
//! bad mboxes, a read-only store, and a small filesystem that is full.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use mailfix::account::{StoreFormat, StoreSettings};
use mailfix::evidence::{Space, StoreProblem, WriteErrorKind, WriteTest};
use mailfix::probe::store::{MAX_ENTRIES, check};

fn maildir(root: &Path, messages: usize) {
    for sub in ["cur", "new", "tmp"] {
        fs::create_dir_all(root.join(sub)).unwrap();
    }
    for i in 0..messages {
        fs::write(
            root.join("cur").join(format!("{i}.mailfix:2,S")),
            "Subject: hi\n\nbody\n",
        )
        .unwrap();
    }
}

fn settings(path: &Path, format: StoreFormat) -> StoreSettings {
    StoreSettings {
        path: path.to_path_buf(),
        format,
    }
}

fn is_root() -> bool {
    unsafe { libc::geteuid() == 0 }
}

/// A skip that CI (MAILFIX_REQUIRE_REAL_SERVERS=1) turns into a failure.
fn skip(why: &str) {
    let message = format!("SKIPPED: {why}");
    if std::env::var("MAILFIX_REQUIRE_REAL_SERVERS").as_deref() == Ok("1") {
        panic!("{message} (MAILFIX_REQUIRE_REAL_SERVERS=1 forbids skipping)");
    }
    eprintln!("\n!!!!!!!! {message} !!!!!!!!\n");
}

fn leftovers(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("mailfix-write-test"))
        .collect()
}

#[tokio::test]
async fn a_healthy_maildir() {
    let dir = tempfile::tempdir().unwrap();
    maildir(dir.path(), 3);
    let got = check(&settings(dir.path(), StoreFormat::Maildir), None).await;
    assert_eq!(got.problems, vec![]);
    assert_eq!(got.write_test, WriteTest::Ok);
    assert_eq!(got.entries_checked, 3);
    assert!(!got.simulated);
    let space = got.space.expect("statvfs answers");
    assert!(
        space.total_bytes >= space.free_bytes && space.total_bytes > 0,
        "{space:?}"
    );
    assert!(
        leftovers(&dir.path().join("tmp")).is_empty(),
        "the test file is removed"
    );
}

#[tokio::test]
async fn a_maildir_without_new_and_with_a_broken_subfolder() {
    let dir = tempfile::tempdir().unwrap();
    maildir(dir.path(), 1);
    fs::remove_dir(dir.path().join("new")).unwrap();
    maildir(&dir.path().join(".Sent"), 0);
    fs::remove_dir(dir.path().join(".Sent/cur")).unwrap();
    let got = check(&settings(dir.path(), StoreFormat::Maildir), None).await;
    assert!(
        got.problems
            .contains(&StoreProblem::MissingSubdir("new".into())),
        "{:?}",
        got.problems
    );
    assert!(
        got.problems
            .contains(&StoreProblem::MissingSubdir(".Sent/cur".into())),
        "{:?}",
        got.problems
    );
    assert_eq!(got.problems.len(), 2, "{:?}", got.problems);
    assert_eq!(
        got.write_test,
        WriteTest::Ok,
        "tmp is still there to write in"
    );
}

#[tokio::test]
async fn a_maildir_without_tmp_gets_no_test_write() {
    let dir = tempfile::tempdir().unwrap();
    maildir(dir.path(), 0);
    fs::remove_dir(dir.path().join("tmp")).unwrap();
    let got = check(&settings(dir.path(), StoreFormat::Maildir), None).await;
    assert_eq!(
        got.problems,
        vec![StoreProblem::MissingSubdir("tmp".into())]
    );
    assert!(
        matches!(got.write_test, WriteTest::NotRun(_)),
        "{:?}",
        got.write_test
    );
}

#[tokio::test]
async fn a_dangling_entry_is_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    maildir(dir.path(), 1);
    let broken = dir.path().join("cur/2.gone:2,");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &broken).unwrap();
    let got = check(&settings(dir.path(), StoreFormat::Maildir), None).await;
    match &got.problems[..] {
        [StoreProblem::Unreadable { path, text }] => {
            assert_eq!(path, &broken);
            assert!(text.contains("No such file"), "{text}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn unreadable_and_unwritable_entries_for_a_normal_user() {
    if is_root() {
        // Root reads and writes through any mode bits: run this very test
        // again as `nobody`, in a child process.
        let status = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "unreadable_and_unwritable_entries_for_a_normal_user",
                "--nocapture",
            ])
            .env("TMPDIR", "/tmp")
            .status();
        match status {
            Ok(status) => assert!(status.success(), "the test failed as nobody"),
            Err(e) => skip(&format!(
                "cannot drop root to test mode bits (setpriv: {e})"
            )),
        }
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    maildir(dir.path(), 1);
    let secret = dir.path().join("cur/0.mailfix:2,S");
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(dir.path().join("tmp"), fs::Permissions::from_mode(0o555)).unwrap();
    let got = check(&settings(dir.path(), StoreFormat::Maildir), None).await;
    fs::set_permissions(dir.path().join("tmp"), fs::Permissions::from_mode(0o755)).unwrap();
    assert!(
        got.problems
            .iter()
            .any(|p| matches!(p, StoreProblem::Unreadable { path, .. } if *path == secret))
    );
    assert!(got.problems.contains(&StoreProblem::NotWritable {
        path: dir.path().join("tmp")
    }));
    assert!(matches!(
        got.write_test,
        WriteTest::Failed {
            kind: WriteErrorKind::Permission,
            ..
        }
    ));
}

#[tokio::test]
async fn the_walk_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    maildir(dir.path(), 0);
    for i in 0..(MAX_ENTRIES + 50) {
        fs::File::create(dir.path().join(format!("new/{i}"))).unwrap();
    }
    let got = check(&settings(dir.path(), StoreFormat::Maildir), None).await;
    assert_eq!(got.entries_checked, MAX_ENTRIES);
}

#[tokio::test]
async fn wrong_types_and_missing_stores() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("inbox");
    fs::write(&file, "From a@b Mon Jan  1 00:00:00 2024\n\nhi\n").unwrap();
    let got = check(&settings(&file, StoreFormat::Maildir), None).await;
    assert_eq!(got.problems, vec![StoreProblem::WrongType]);
    let got = check(&settings(dir.path(), StoreFormat::Mbox), None).await;
    assert_eq!(got.problems, vec![StoreProblem::WrongType]);
    let got = check(
        &settings(&dir.path().join("nope"), StoreFormat::Maildir),
        None,
    )
    .await;
    assert_eq!(got.problems, vec![StoreProblem::Missing]);
    assert!(matches!(got.write_test, WriteTest::NotRun(_)));
    assert!(
        got.space.is_some(),
        "space is read where the store would be"
    );
}

#[tokio::test]
async fn mboxes_good_empty_and_bad() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good");
    fs::write(
        &good,
        "From alice@example.org Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n",
    )
    .unwrap();
    let got = check(&settings(&good, StoreFormat::Mbox), None).await;
    assert_eq!(
        (got.problems.clone(), got.write_test.clone()),
        (vec![], WriteTest::Ok)
    );
    assert!(leftovers(dir.path()).is_empty());

    let empty = dir.path().join("empty");
    fs::write(&empty, "").unwrap();
    assert_eq!(
        check(&settings(&empty, StoreFormat::Mbox), None)
            .await
            .problems,
        vec![]
    );

    let bad = dir.path().join("bad");
    fs::write(&bad, b"Return-Path: <a@b>\x1b[2J\r\nFrom a@b\n").unwrap();
    let got = check(&settings(&bad, StoreFormat::Mbox), None).await;
    assert_eq!(
        got.problems,
        vec![StoreProblem::MboxBadStart {
            first_line: "Return-Path: <a@b>\\x1b[2J\\x0d".into()
        }]
    );
    assert_eq!(
        fs::read(&bad).unwrap(),
        b"Return-Path: <a@b>\x1b[2J\r\nFrom a@b\n",
        "only read"
    );
}

#[tokio::test]
async fn simulated_space_replaces_statvfs_and_skips_the_write() {
    let dir = tempfile::tempdir().unwrap();
    maildir(dir.path(), 0);
    let full = Space {
        free_bytes: 0,
        total_bytes: 1 << 30,
        free_inodes: Some(0),
        total_inodes: Some(1000),
    };
    let got = check(&settings(dir.path(), StoreFormat::Maildir), Some(full)).await;
    assert_eq!(got.space, Some(full));
    assert!(got.simulated);
    assert!(matches!(got.write_test, WriteTest::NotRun(_)));
}

/// A tmpfs the test mounts, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(options: &str) -> Option<Tmpfs> {
        if !is_root() {
            skip("mounting a small tmpfs needs root");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "mailfix-test"])
            .arg(dir.path())
            .status();
        match status {
            Ok(s) if s.success() => Some(Tmpfs { dir }),
            other => {
                skip(&format!("mount -t tmpfs failed: {other:?}"));
                None
            }
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount(&self, options: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(self.path())
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

#[tokio::test]
async fn a_full_filesystem() {
    let Some(fs_) = Tmpfs::mount("size=256k,nr_inodes=64") else {
        return;
    };
    let root = fs_.path().join("Mail");
    maildir(&root, 2);
    // Fill it up.
    let mut filler = fs::File::create(fs_.path().join("filler")).unwrap();
    let chunk = vec![0u8; 4096];
    while std::io::Write::write_all(&mut filler, &chunk).is_ok() {}
    drop(filler);

    let got = check(&settings(&root, StoreFormat::Maildir), None).await;
    let space = got.space.unwrap();
    assert!(space.free_bytes < 4096, "{space:?}");
    assert_eq!(space.total_bytes, 256 * 1024);
    assert_eq!(space.total_inodes, Some(64));
    match &got.write_test {
        WriteTest::Failed { kind, path, .. } => {
            assert_eq!(*kind, WriteErrorKind::NoSpace);
            assert!(path.starts_with(root.join("tmp")));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        leftovers(&root.join("tmp")).is_empty(),
        "a failed write leaves nothing"
    );
    assert_eq!(got.problems, vec![], "the layout itself is fine");
}

#[tokio::test]
async fn read_only_store() {
    let Some(fs_) = Tmpfs::mount("size=256k") else {
        return;
    };
    let root = fs_.path().join("Mail");
    maildir(&root, 1);
    let mbox = fs_.path().join("inbox");
    fs::write(&mbox, "From a@b Mon Jan  1 00:00:00 2024\n\nhi\n").unwrap();
    fs_.remount("ro");

    let got = check(&settings(&root, StoreFormat::Maildir), None).await;
    assert!(
        matches!(
            got.write_test,
            WriteTest::Failed {
                kind: WriteErrorKind::ReadOnly,
                ..
            }
        ),
        "{:?}",
        got.write_test
    );
    assert_eq!(
        got.problems.len(),
        3,
        "cur, new and tmp are not writable: {:?}",
        got.problems
    );
    assert!(
        got.problems
            .iter()
            .all(|p| matches!(p, StoreProblem::NotWritable { .. }))
    );

    let got = check(&settings(&mbox, StoreFormat::Mbox), None).await;
    assert_eq!(
        got.problems,
        vec![StoreProblem::NotWritable { path: mbox.clone() }]
    );
    assert!(matches!(
        got.write_test,
        WriteTest::Failed {
            kind: WriteErrorKind::ReadOnly,
            ..
        }
    ));
}
