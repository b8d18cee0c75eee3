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
use crate::output::{self, Palette};
use crate::plan::{Limits, Scope, plan};
use crate::probe;
use crate::tui::LaunchAccount;

use super::args::CheckArgs;
use super::targets::{self, from_config, from_lab};
use super::{Cli, Exit};

/// How long past its own deadline a run may take before it is given up.
const GRACE: Duration = Duration::from_secs(2);

pub async fn run(cli: &Cli, args: &CheckArgs) -> Exit {
    if args.report.is_some() {
        return Exit::usage(
            "mailfix: --report is not available yet in this version (it is planned); run `mailfix check` without it",
        );
    }
    if args.from.is_some() {
        return Exit::usage(
            "mailfix: --from is not available yet in this version (it is planned); put the account in mailfix's config",
        );
    }

    // The lab lives until every probe of it is done.
    let lab;
    let (all, source) = if args.demo {
        lab = match Lab::start().await {
            Ok(lab) => lab,
            Err(e) => return Exit::usage(format!("mailfix: {e}")),
        };
        let samples = from_lab(&lab);
        if samples.is_empty() {
            return Exit::usage("mailfix: the demo lab has no sample accounts in this build");
        }
        (samples, "the demo lab".to_string())
    } else {
        let loaded = match from_config(cli, false) {
            Ok(Some(loaded)) => loaded,
            Ok(None) => return Exit::usage("mailfix: no config file"),
            Err(exit) => return exit,
        };
        for warning in &loaded.warnings {
            eprintln!("mailfix: warning: {warning}");
        }
        (loaded.accounts, loaded.path.display().to_string())
    };
    let selected = match targets::select(all, &args.accounts, &source) {
        Ok(selected) => selected,
        Err(exit) => return exit,
    };

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
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                break;
            }
            return Exit::usage(format!("mailfix: cannot write the output: {e}"));
        }
    }
    if any_problem { Exit::FOUND } else { Exit::OK }
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
