//! `mailfix check`: probe every selected account at once, diagnose, and
//! print the results in the config's order as they become ready.

use std::io::Write;
use std::time::Duration;

use futures::StreamExt;
use futures::stream::FuturesOrdered;
use tokio_util::sync::CancellationToken;

use crate::diagnose::diagnose;
use crate::event::RunId;
use crate::evidence::Report;
use crate::finding::{Diagnosis, Note};
use crate::lab::Lab;
use crate::output::markdown::ReportMeta;
use crate::output::{self, Palette};
use crate::plan::{Limits, Scope, plan};
use crate::probe;
use crate::tui::LaunchAccount;

use super::args::CheckArgs;
use super::outfile::{self, Overwrite};
use super::prompt::{self, PromptError};
use super::targets::{self, from_config, from_lab};
use super::{Cli, Exit};

/// How long past its own deadline a run may take before it is given up.
const GRACE: Duration = Duration::from_secs(2);

pub async fn run(cli: &Cli, args: &CheckArgs) -> Exit {
    // A report that cannot be written fails now, not after the probes.
    if let Some(path) = &args.report
        && let Err(e) = outfile::precheck(path, Overwrite::Replace)
    {
        return Exit::usage(format!("mailfix: --report: {e}"));
    }
    if args.from.is_some() && cli.config.is_some() {
        return Exit::usage(
            "mailfix: --config names mailfix's own config; with --from, name the other client's file with --file",
        );
    }

    // The lab lives until every probe of it is done.
    let lab;
    let (mut selected, warnings) = if args.demo {
        lab = match Lab::start().await {
            Ok(lab) => lab,
            Err(e) => return Exit::usage(format!("mailfix: {e}")),
        };
        let samples = from_lab(&lab);
        if samples.is_empty() {
            return Exit::usage("mailfix: the demo lab has no sample accounts in this build");
        }
        match targets::select(samples, &args.accounts, "the demo lab") {
            Ok(selected) => (selected, Vec::new()),
            Err(exit) => return exit,
        }
    } else if let Some(kind) = args.from {
        match targets::from_import(cli, kind, args.file.as_deref(), &args.accounts) {
            Ok(found) => found,
            Err(exit) => return exit,
        }
    } else {
        let loaded = match from_config(cli, false) {
            Ok(Some(loaded)) => loaded,
            Ok(None) => return Exit::usage("mailfix: no config file"),
            Err(exit) => return exit,
        };
        // The file's warnings come first, even before an unknown name.
        for warning in &loaded.warnings {
            eprintln!("mailfix: warning: {warning}");
        }
        let source = loaded.path.display().to_string();
        match targets::select(loaded.accounts, &args.accounts, &source) {
            Ok(selected) => (selected, Vec::new()),
            Err(exit) => return exit,
        }
    };
    for warning in &warnings {
        eprintln!("mailfix: warning: {warning}");
    }
    if !args.demo
        && prompt::interactive()
        && let Err(exit) = ask_passwords(&mut selected).await
    {
        return exit;
    }

    let cancel = CancellationToken::new();
    watch_interrupts(cancel.clone());
    let limits = Limits::from_timeout(cli.timeout);
    let mut runs: FuturesOrdered<_> = selected
        .into_iter()
        .enumerate()
        .map(|(i, target)| {
            let cancel = cancel.clone();
            let account = target.account.clone();
            let task = tokio::spawn(check_one(target, limits, RunId(i as u64), cancel));
            async move { (account, task.await) }
        })
        .collect();

    let palette = Palette {
        enabled: !args.json && output::color_wanted(),
    };
    let mut any_problem = false;
    let mut first = true;
    let mut stdout = std::io::stdout();
    let mut stdout_open = true;
    let mut done: Vec<(Report, Diagnosis)> = Vec::new();
    while let Some((account, joined)) = runs.next().await {
        let (report, diagnosis) = match joined {
            Ok(done) => done,
            // The panic hook has said what went wrong; go on with the
            // other accounts and count this one as not ok.
            Err(e) => gave_up(
                Report::new(account, "unknown"),
                format!("the check stopped unexpectedly: {e}"),
            ),
        };
        any_problem |= !diagnosis.is_ok();
        if stdout_open {
            let block = if args.json {
                format!("{}\n", output::json::line(&report, &diagnosis))
            } else {
                let sep = if first { "" } else { "\n" };
                format!(
                    "{sep}{}",
                    output::text::render(&report, &diagnosis, palette)
                )
            };
            first = false;
            if let Err(e) = stdout
                .write_all(block.as_bytes())
                .and_then(|()| stdout.flush())
            {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Exit::usage(format!("mailfix: cannot write the output: {e}"));
                }
                stdout_open = false;
                if args.report.is_none() {
                    break;
                }
            }
        }
        if args.report.is_some() {
            done.push((report, diagnosis));
        }
    }
    if let Some(path) = &args.report {
        let items: Vec<(&Report, &Diagnosis)> = done.iter().map(|(r, d)| (r, d)).collect();
        let text = output::markdown::render_all(&items, &ReportMeta::current());
        match outfile::write(path, &text, Overwrite::Replace) {
            Ok(()) => eprintln!("mailfix: report written to {}", path.display()),
            Err(e) => return Exit::usage(format!("mailfix: --report: {e}")),
        }
    }
    if any_problem { Exit::FOUND } else { Exit::OK }
}

/// On a terminal: ask once per account that needs a password and has no
/// source for one. Ctrl-C at the prompt ends the command (status 2); a
/// terminal that cannot be used ends the asking, not the check.
async fn ask_passwords(selected: &mut [LaunchAccount]) -> Result<(), Exit> {
    for target in selected.iter_mut() {
        if prompt::label(&target.account).is_none() {
            continue;
        }
        let mut account = target.account.clone();
        let asked =
            tokio::task::spawn_blocking(move || prompt::fill(&mut account).map(|()| account)).await;
        match asked {
            Ok(Ok(account)) => target.account = account,
            Ok(Err(PromptError::Aborted)) => {
                return Err(Exit::usage("mailfix: interrupted at the password prompt"));
            }
            Ok(Err(e)) => {
                eprintln!("mailfix: warning: {e}; checking without asking");
                return Ok(());
            }
            Err(e) => {
                eprintln!(
                    "mailfix: warning: the password prompt failed ({e}); checking without asking"
                );
                return Ok(());
            }
        }
    }
    Ok(())
}

/// Plan, probe and diagnose one account. The engine keeps its own
/// deadline; this adds a last bound in case it does not.
async fn check_one(
    target: LaunchAccount,
    limits: Limits,
    run: RunId,
    cancel: CancellationToken,
) -> (Report, Diagnosis) {
    let plan = plan(&target.account, Scope::Everything, limits);
    // Nobody listens to progress here; the engine is fine with that.
    let (events, _) = tokio::sync::mpsc::unbounded_channel();
    let bound = limits.deadline + limits.timeout + GRACE;
    match tokio::time::timeout(bound, probe::run(plan, target.options, run, events, cancel)).await {
        Ok(report) => {
            let diagnosis = diagnose(&report);
            (report, diagnosis)
        }
        Err(_) => {
            let mut report = Report::new(target.account, "unknown");
            report.deadline_hit = true;
            report.elapsed_ms = bound.as_secs_f64() * 1000.0;
            gave_up(
                report,
                format!(
                    "the check did not end within {:.0} s and was stopped",
                    bound.as_secs_f64()
                ),
            )
        }
    }
}

/// A run that produced no report of its own: what is known, with the
/// reason as a problem note so that the account does not read as healthy.
fn gave_up(mut report: Report, why: String) -> (Report, Diagnosis) {
    report.run_notes.push(why.clone());
    let mut diagnosis = diagnose(&report);
    if diagnosis.is_ok() {
        diagnosis.notes.push(Note {
            service: None,
            text: why,
            evidence: Vec::new(),
            problem: true,
        });
    }
    (report, diagnosis)
}

/// The first Ctrl-C ends the probes early (results so far are printed);
/// a second one ends the program at once.
fn watch_interrupts(cancel: CancellationToken) {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("mailfix: interrupted, finishing up (Ctrl-C again to quit at once)");
            cancel.cancel();
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
}
