//! The store's layout: Maildir folders (and Maildir++ subfolders) with a
//! bounded walk over their entries, or an mbox's first line. Only reads.

use std::fs;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::evidence::StoreProblem;

use super::fsops::{access, describe};
use super::{FIRST_LINE_BYTES, FIRST_LINE_SHOWN, MAILDIR_SUBDIRS, MAX_ENTRIES, MAX_PROBLEMS};

#[derive(Default)]
pub(crate) struct Walk {
    pub problems: Vec<StoreProblem>,
    pub entries: u64,
}

impl Walk {
    pub fn problem(&mut self, problem: StoreProblem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(problem);
        }
    }

    fn budget_left(&self) -> bool {
        self.entries < MAX_ENTRIES
    }
}

pub(crate) fn maildir(root: &Path, walk: &mut Walk) {
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

pub(crate) fn mbox(path: &Path, walk: &mut Walk) {
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
