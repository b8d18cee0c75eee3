//! `mailfix import`: another mail client's settings as a mailfix config,
//! printed or written to a new file. The source files are only read.

use std::io::Write;

use crate::config::RenderOptions;
use crate::import::{self, Detected, Env, Imported, RealFs};

use super::args::ImportArgs;
use super::outfile::{self, Overwrite};
use super::{Exit, flushed};

pub fn run(args: &ImportArgs) -> Exit {
    if let Some(path) = &args.output {
        // Before any reading: a name that cannot be written fails first.
        let overwrite = overwrite(args.force);
        if let Err(e) = outfile::precheck(path, overwrite) {
            return Exit::usage(format!("mailfix: {e}"));
        }
    }
    let imported = match &args.from {
        Some(kind) => match import::load(*kind, args.file.as_deref()) {
            Ok(imported) => imported,
            Err(e) => return Exit::usage(format!("mailfix: {e}")),
        },
        None => match everything(import::detect_all(&Env::from_process(), &RealFs)) {
            Ok(imported) => imported,
            Err(exit) => return exit,
        },
    };
    for warning in imported.all_warnings() {
        eprintln!("mailfix: warning: {warning}");
    }
    if imported.accounts.is_empty() {
        let files: Vec<String> = imported
            .sources
            .iter()
            .map(|s| s.file.display().to_string())
            .collect();
        return Exit::usage(format!(
            "mailfix: {} holds no account mailfix can check",
            files.join(", ")
        ));
    }
    let text = import::render(&imported, &RenderOptions::default());
    match &args.output {
        None => {
            let mut out = std::io::stdout().lock();
            flushed(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
        }
        Some(path) => match outfile::write(path, &text, overwrite(args.force)) {
            Ok(()) => {
                eprintln!(
                    "mailfix: wrote {} account{} to {}",
                    imported.accounts.len(),
                    if imported.accounts.len() == 1 {
                        ""
                    } else {
                        "s"
                    },
                    path.display()
                );
                Exit::OK
            }
            Err(e) => Exit::usage(format!("mailfix: {e}")),
        },
    }
}

fn overwrite(force: bool) -> Overwrite {
    if force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    }
}

/// Every client's files at their usual places. Files that exist but
/// cannot be read are warnings when something else was found, and the
/// error when nothing was.
fn everything(detected: Detected) -> Result<Imported, Exit> {
    let Detected { imported, errors } = detected;
    if imported.sources.is_empty() {
        return Err(match errors.first() {
            Some(e) => Exit::usage(format!("mailfix: {e}")),
            None => Exit::usage(
                "mailfix: no settings of msmtp, mbsync, aerc or himalaya found in their usual places; name a file with --from CLIENT FILE",
            ),
        });
    }
    for e in &errors {
        eprintln!("mailfix: warning: {e}");
    }
    Ok(imported)
}
