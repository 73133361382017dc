//! The `orgscope` binary: parse the command line, set up logging and the
//! tokio runtime, then either open the desktop app or run one headless
//! subcommand. Errors are printed once, here, as one line.

use std::process::ExitCode;

use clap::Parser;
use orgscope::cli::{self, Cli, Command, Outcome, exit};
use orgscope::ui;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to
            // stderr (exit 2); keep its conventions.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    init_logging(&cli.log);
    match try_main(cli) {
        Ok(Outcome(code)) => ExitCode::from(code),
        Err(e) => {
            eprintln!("orgscope: {}", one_line(&e));
            ExitCode::from(exit::FATAL)
        }
    }
}

fn try_main(cli: Cli) -> anyhow::Result<Outcome> {
    // One runtime for the whole process, created here and handed down, so no
    // library code reaches for a global.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("orgscope-worker")
        .build()?;
    let handle = runtime.handle().clone();
    let outcome = match cli.command {
        None => {
            let start = if cli.demo {
                ui::Start::Demo
            } else {
                ui::Start::Welcome
            };
            ui::run(start, handle)?;
            Outcome(exit::OK)
        }
        Some(Command::Open { file }) => {
            ui::run(ui::Start::Open(file), handle)?;
            Outcome(exit::OK)
        }
        Some(Command::Collect(args)) => cli::collect::run(&args, &handle)?,
        Some(Command::PermissionSets(args)) => cli::collect::permission_sets(&args, &handle)?,
        Some(Command::List(args)) => cli::list::run(&args)?,
        Some(Command::Cost(args)) => cli::cost::run(&args)?,
        Some(Command::Access(args)) => cli::access::run(&args)?,
        Some(Command::Compliance(args)) => cli::compliance::run(&args)?,
        Some(Command::Diff(args)) => cli::diff::run(&args)?,
        Some(Command::Diagram(args)) => cli::diagram::run(&args)?,
        Some(Command::Demo(args)) => cli::demo::run(&args)?,
        Some(Command::Completions(args)) => cli::package::completions(&args)?,
        Some(Command::PackageFiles(args)) => cli::package::package_files(&args)?,
    };
    // Don't wait for stray background tasks (e.g. a cancelled collection).
    runtime.shutdown_background();
    Ok(outcome)
}

/// `error: cause: cause` on one line, the way a shell user reads it.
fn one_line(e: &anyhow::Error) -> String {
    e.chain()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(": ")
}

fn init_logging(log: &cli::LogArgs) {
    use tracing_subscriber::EnvFilter;
    let default = if log.quiet {
        "error"
    } else {
        match log.verbose {
            // aws-config warns once per link of its credential chain that
            // failed (kilobytes of IMDS detail for a missing profile); the
            // sign-in error says what happened and what to do, and `-vvv`
            // still shows the chain.
            0 => "warn,aws_config=error",
            1 => "orgscope=info",
            2 => "orgscope=debug",
            _ => "trace",
        }
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let ansi = std::env::var_os("NO_COLOR").is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .try_init();
}
