//! The `mailfix` command: parses the command line, then runs the wizard,
//! the demo, `check`, or one of the small helpers.
//!
//! Exit status (design.md): 0 no finding, 1 at least one finding, 2 a
//! usage or config error, told in one line on stderr, never a panic.

pub mod args;
mod check;
mod import;
mod launch;
pub mod outfile;
pub mod prompt;
mod targets;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

pub use args::{CheckArgs, Cli, Command, ImportArgs};

/// How a command ends: a status, and maybe one line for stderr.
#[derive(Debug)]
pub struct Exit {
    pub code: u8,
    pub message: Option<String>,
}

impl Exit {
    pub const OK: Exit = Exit {
        code: 0,
        message: None,
    };
    pub const FOUND: Exit = Exit {
        code: 1,
        message: None,
    };

    /// A usage or configuration error: status 2.
    pub fn usage(message: impl Into<String>) -> Exit {
        Exit {
            code: 2,
            message: Some(message.into()),
        }
    }
}

/// The whole program: parse, run, report. Never panics outward.
pub fn main() -> ExitCode {
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go to stdout with status 0; usage errors to
        // stderr with status 2 (clap's own convention, which is ours).
        Err(e) => e.exit(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return finish(Exit::usage(format!("mailfix: cannot start: {e}"))),
    };
    let exit =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runtime.block_on(run(cli))))
            // The hook has already said what went wrong, in one line.
            .unwrap_or(Exit {
                code: 2,
                message: None,
            });
    // Probes still winding down must not keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    finish(exit)
}

/// Run a parsed command line.
pub async fn run(cli: Cli) -> Exit {
    match &cli.command {
        None => launch::wizard(&cli).await,
        Some(Command::Demo) => launch::demo(&cli).await,
        Some(Command::Check(args)) => check::run(&cli, args).await,
        Some(Command::Import(args)) => import::run(args),
        Some(Command::Completions { shell }) => {
            let mut out = std::io::stdout().lock();
            clap_complete::generate(*shell, &mut Cli::command(), "mailfix", &mut out);
            flushed(out.flush())
        }
        Some(Command::Man) => {
            let mut out = std::io::stdout().lock();
            let rendered = clap_mangen::Man::new(Cli::command()).render(&mut out);
            flushed(rendered.and_then(|()| out.flush()))
        }
    }
}

fn flushed(result: std::io::Result<()>) -> Exit {
    match result {
        Ok(()) => Exit::OK,
        // A closed pipe (`| head`) is not worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::OK,
        Err(e) => Exit::usage(format!("mailfix: cannot write the output: {e}")),
    }
}

fn finish(exit: Exit) -> ExitCode {
    if let Some(message) = &exit.message {
        eprintln!("{message}");
    }
    ExitCode::from(exit.code)
}

/// A bug must still end in one line on stderr, not a stack trace.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what = what.split_whitespace().collect::<Vec<_>>().join(" ");
        eprintln!("mailfix: internal error{place}: {what} (please report this)");
    }));
}
