//! Store causes 1–2 from the store check: no room for one more message
//! (1), or a mail folder in a shape that cannot take one (2).

use super::wording::{self, shell};
use super::{Build, Out, finding};
use crate::account::{Service, StoreFormat};
use crate::catalogue::ids;
use crate::evidence::{StoreCheck, StoreProblem, WriteErrorKind, WriteTest};
use crate::finding::{Confidence, Finding};

/// Below this much free space one more message may not fit.
const MIN_FREE_BYTES: u64 = 1024 * 1024;
/// A Maildir message takes an inode in tmp and then in new or cur.
const MIN_FREE_INODES: u64 = 10;

const SVC: Service = Service::Store;

pub(super) fn check(c: &StoreCheck, out: &mut Out) {
    let sim = if c.simulated {
        " (simulated by the demo lab)"
    } else {
        ""
    };
    full(c, sim, out);
    damaged(c, out);
    if let WriteTest::NotRun(why) = &c.write_test {
        out.note(
            Some(SVC),
            format!("The test write in the mail folder was not made: {why}."),
            Vec::new(),
            false,
        );
    }
}

fn full(c: &StoreCheck, sim: &str, out: &mut Out) {
    let where_ = shell(&c.path);
    let mut evidence = Vec::new();
    let mut confidence = None::<Confidence>;
    let stronger = |c: Confidence, cur: &mut Option<Confidence>| {
        *cur = Some(cur.map_or(c, |x| x.min(c)));
    };
    if let Some(space) = c.space {
        if space.free_bytes < MIN_FREE_BYTES {
            evidence.push(format!(
                "only {} free where {where_} lives{sim}",
                wording::bytes(space.free_bytes)
            ));
            stronger(
                if space.free_bytes == 0 {
                    Confidence::Certain
                } else {
                    Confidence::Likely
                },
                &mut confidence,
            );
        }
        if let Some(inodes) = space.free_inodes.filter(|n| *n < MIN_FREE_INODES) {
            evidence.push(format!(
                "only {inodes} free inodes (file slots) where {where_} lives{sim}"
            ));
            stronger(
                if inodes == 0 {
                    Confidence::Certain
                } else {
                    Confidence::Likely
                },
                &mut confidence,
            );
        }
    }
    let mut size_limit = false;
    if let WriteTest::Failed { kind, path, text } = &c.write_test {
        let line = format!("writing a small test file {} failed: {text}", shell(path));
        match kind {
            WriteErrorKind::NoSpace | WriteErrorKind::Quota => {
                evidence.push(line);
                stronger(Confidence::Certain, &mut confidence);
            }
            WriteErrorKind::TooLarge => {
                evidence.push(line);
                size_limit = true;
                stronger(Confidence::Likely, &mut confidence);
            }
            _ => {}
        }
    }
    let Some(confidence) = confidence else {
        if let Some(space) = c.space {
            let inodes = space
                .free_inodes
                .map(|n| format!(" and {n} inodes"))
                .unwrap_or_default();
            let write = if c.write_test == WriteTest::Ok {
                "; a test file was written and removed"
            } else {
                ""
            };
            out.rule_out(
                SVC,
                ids::DISK_FULL,
                format!("{}{inodes} free{write}", wording::bytes(space.free_bytes)),
            );
        } else if c.write_test == WriteTest::Ok {
            out.rule_out(SVC, ids::DISK_FULL, "a test file was written and removed");
        }
        return;
    };
    let mut fnd = finding(
        SVC,
        ids::DISK_FULL,
        confidence,
        format!("There is no room left for mail in {where_}"),
    )
    .evs(evidence);
    if size_limit {
        fnd = fnd.fix("A limit on file size stops the write: raise it (ulimit -f in the shell that starts your mail program, or ask the admin).");
    }
    out.add(
        fnd.fix(format!(
            "Free at least {} where {where_} lives (more if you receive large attachments: 25 MiB per message is common), or ask the admin to raise your quota.",
            wording::bytes(MIN_FREE_BYTES)
        ))
        .fix(format!("To see what takes the room: du -sh {where_}/* | sort -h")),
    );
}

fn damaged(c: &StoreCheck, out: &mut Out) {
    let path = shell(&c.path);
    let backup = format!(
        "First make a backup: cp -a {path} {}",
        shell(&with_suffix(&c.path))
    );
    let mut found: Vec<Finding> = Vec::new();
    for p in &c.problems {
        let (confidence, title, line, repair) = match p {
            StoreProblem::Missing => (
                Confidence::Likely,
                format!("The mail folder {path} does not exist"),
                format!("{path} does not exist"),
                match c.format {
                    StoreFormat::Maildir => format!("Create it: mkdir -p {path}/cur {path}/new {path}/tmp (or correct the path in the settings)."),
                    StoreFormat::Mbox => format!("Create it: touch {path} (or correct the path in the settings)."),
                },
            ),
            StoreProblem::WrongType => (
                Confidence::Certain,
                format!("{path} is not a {}", kind(c.format)),
                match c.format {
                    StoreFormat::Maildir => format!("{path} is a file, but a Maildir must be a folder"),
                    StoreFormat::Mbox => format!("{path} is a folder, but an mbox must be a file"),
                },
                "Check the format setting: a folder with cur, new and tmp is a Maildir; one big file is an mbox.".to_owned(),
            ),
            StoreProblem::MissingSubdir(sub) => (
                Confidence::Certain,
                format!("The Maildir {path} is missing its {sub} folder"),
                format!("{path}/{sub} is missing: a Maildir needs cur, new and tmp"),
                format!("Recreate it (nothing is lost): mkdir -p {path}/{sub}"),
            ),
            StoreProblem::Unreadable { path: p, text } => (
                Confidence::Certain,
                format!("Part of the mail folder {path} cannot be read"),
                format!("{} could not be read: {text}", shell(p)),
                format!("Give yourself access again: chmod -R u+rwX {path} (if another user owns it: sudo chown -R $USER {path})."),
            ),
            StoreProblem::NotWritable { path: p } => (
                Confidence::Certain,
                format!("You cannot write to the mail folder {path}"),
                format!("{} cannot be written by you", shell(p)),
                format!("Give yourself write access: chmod -R u+rwX {path} (if another user owns it: sudo chown -R $USER {path})."),
            ),
            StoreProblem::MboxBadStart { first_line } => (
                Confidence::Certain,
                format!("The mbox file {path} does not start like an mbox"),
                format!("the first line of {path} is {}, not a line starting with \"From \"", wording::quote(first_line)),
                "If the file is really an mbox with a damaged start, add a first line such as \"From MAILER-DAEMON Thu Jan  1 00:00:00 1970\" with a text editor; if it is something else, point the settings at the right file.".to_owned(),
            ),
        };
        found.push(
            finding(SVC, ids::FOLDER_DAMAGED, confidence, title)
                .ev(line)
                .fix(backup.clone())
                .fix(repair),
        );
    }
    if let WriteTest::Failed {
        kind: k @ (WriteErrorKind::Permission | WriteErrorKind::ReadOnly),
        path: p,
        text,
    } = &c.write_test
    {
        let (confidence, repair) = match k {
            WriteErrorKind::ReadOnly => (Confidence::Likely, "The disk holding the folder is mounted read-only: check it (it may need a file system check) and mount it read-write.".to_owned()),
            _ => (Confidence::Certain, format!("Give yourself write access: chmod -R u+rwX {path}")),
        };
        found.push(
            finding(
                SVC,
                ids::FOLDER_DAMAGED,
                confidence,
                format!("A test file could not be written in {path}"),
            )
            .ev(format!(
                "writing a small test file {} failed: {text}",
                shell(p)
            ))
            .fix(backup.clone())
            .fix(repair),
        );
    }
    if found.is_empty() {
        if c.problems.is_empty() && c.entries_checked > 0 {
            let what = match c.format {
                StoreFormat::Maildir => "cur, new and tmp are there",
                StoreFormat::Mbox => "the mbox starts with a \"From \" line",
            };
            out.rule_out(
                SVC,
                ids::FOLDER_DAMAGED,
                format!("{what}; {} entries read fine", c.entries_checked),
            );
        }
        return;
    }
    // One finding for the cause: the strongest problem leads, the others
    // add their evidence and repairs.
    found.sort_by_key(|f| f.confidence);
    let mut it = found.into_iter();
    let Some(mut first) = it.next() else {
        return;
    };
    for more in it {
        first.evidence.extend(more.evidence);
        for fix in more.fix {
            if !first.fix.contains(&fix) {
                first.fix.push(fix);
            }
        }
    }
    out.add(first);
}

fn kind(format: StoreFormat) -> &'static str {
    match format {
        StoreFormat::Maildir => "Maildir folder",
        StoreFormat::Mbox => "mbox file",
    }
}

fn with_suffix(path: &std::path::Path) -> std::path::PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".backup");
    std::path::PathBuf::from(s)
}
