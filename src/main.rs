//! The `icans` binary: see `icans --help` and README.md. An ordinary
//! `main`; what must run before it (seeing a standard output the caller
//! closed) is in `cli::platform`.

use std::io::Write as _;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

#[macro_use]
mod cli;

/// Grade ICANS (immune effector cell-associated neurotoxicity syndrome) by the
/// ASTCT 2019 consensus and propose the management step.
///
/// Decision support only: confirm with the treating team and local protocol.
#[derive(Debug, Parser)]
#[command(name = "icans", version, propagate_version = true, after_help = cli::after_help(
    "Examples:
  icans grade examples/grade2-adult.json
  icans assess
  icans batch examples/records.ndjson -o graded.ndjson   # exit 65: record 7
  icans summary examples/cohort.ndjson
  icans plot course examples/cohort.ndjson --patient C-04 -o course.svg
  icans audit examples/audit.ndjson   # exit 65: one record is not regradable

Each command's --help (and man page: icans man --dir DIR) has its own
examples and exit statuses.",
    &[
        (cli::exit::OK, "all records graded"),
        (cli::exit::USAGE, "usage error"),
        (cli::exit::ALERT, "a graded record reached --fail-at-grade, or its CRS grade --fail-at-crs-grade (or audit's kappa fell below --fail-below-kappa); this outranks 74 and 65: an alert is never lost"),
        (cli::exit::INVALID, "at least one record invalid (every valid record is still written)"),
        (cli::exit::IO, "an input or output failure"),
    ],
))]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Grade(Box<cli::grade::Args>),
    Batch(cli::batch::Args),
    Assess(cli::assess::Args),
    Summary(cli::summary::Args),
    Audit(cli::audit::Args),
    Plot(cli::plot::Args),
    Map(cli::map::Args),
    Schema(cli::schema::Args),
    Protocol(cli::protocol::Args),
    Completions(cli::completions::Args),
    Man(cli::completions::ManArgs),
}

/// Help and version go to standard output; a write that fails there (a
/// full disk) is exit 74, never a silent 0; a closed pipe ends quietly.
fn parse() -> Result<Cli, u8> {
    match Cli::try_parse() {
        Ok(cli) => Ok(cli),
        Err(e) => match e.kind() {
            clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                // Styled on a terminal that takes colour, plain in a file,
                // a pipe, or with NO_COLOR.
                let mut out = std::io::stdout().lock();
                let rendered = e.render();
                let text = if icans::format::text::colour_for(&out) {
                    rendered.ansi().to_string()
                } else {
                    rendered.to_string()
                };
                match cli::stdout_open()
                    .and_then(|()| out.write_all(text.as_bytes()).and_then(|()| out.flush()))
                {
                    Ok(()) => Err(cli::exit::OK),
                    Err(err) => Err(cli::report_write_error(&err)),
                }
            }
            _ => {
                let _ = e.print();
                Err(u8::try_from(e.exit_code()).unwrap_or(cli::exit::USAGE))
            }
        },
    }
}

/// The process entry point: the command's exit status; a panic is 101.
fn main() -> ExitCode {
    cli::platform::cap_malloc_arenas();
    ExitCode::from(std::panic::catch_unwind(run).unwrap_or(101))
}

/// Parses the command line and runs the command; the exit status.
fn run() -> u8 {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let outcome = match cli.command {
        Command::Grade(args) => cli::grade::run(&args),
        Command::Batch(args) => cli::batch::run(&args),
        Command::Assess(args) => cli::assess::run(&args),
        Command::Summary(args) => cli::summary::run(&args),
        Command::Audit(args) => cli::audit::run(&args),
        Command::Plot(args) => cli::plot::run(&args),
        Command::Map(args) => cli::map::run(&args),
        Command::Schema(args) => cli::schema::run(&args),
        Command::Protocol(args) => cli::protocol::run(&args),
        Command::Completions(args) => cli::completions::run(&args, Cli::command()),
        Command::Man(args) => cli::completions::man(&args, Cli::command()),
    };
    let code = match outcome {
        Ok(code) => code,
        Err(e) if cli::is_broken_pipe(&e) => cli::exit::OK,
        Err(e) => {
            say!("icans: {e:#}");
            cli::exit_code_for(&e)
        }
    };
    // Every output has been dropped by now: renamed over its file.
    cli::after_outputs(code)
}
