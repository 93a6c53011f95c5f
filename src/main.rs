//! The `icans` binary: see `icans --help` and README.md.

use std::io::Write as _;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

mod cli;

/// Grade ICANS (immune effector cell-associated neurotoxicity syndrome) by the
/// ASTCT 2019 consensus and propose the management step.
///
/// Decision support only: confirm with the treating team and local protocol.
#[derive(Debug, Parser)]
#[command(name = "icans", version, propagate_version = true)]
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
    Schema(cli::schema::Args),
    Protocol(cli::protocol::Args),
    Completions(cli::completions::Args),
    Man(cli::completions::ManArgs),
}

/// Help and version go to standard output; a write that fails there (a
/// closed pipe, a full disk) is exit 74, never a silent 0.
fn parse() -> Result<Cli, ExitCode> {
    match Cli::try_parse() {
        Ok(cli) => Ok(cli),
        Err(e) => match e.kind() {
            clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                let text = e.render().ansi().to_string();
                let mut out = std::io::stdout().lock();
                match cli::stdout_open()
                    .and_then(|()| out.write_all(text.as_bytes()).and_then(|()| out.flush()))
                {
                    Ok(()) => Err(ExitCode::from(cli::exit::OK)),
                    Err(err) => Err(ExitCode::from(cli::report_write_error(&err))),
                }
            }
            _ => {
                let _ = e.print();
                Err(ExitCode::from(
                    u8::try_from(e.exit_code()).unwrap_or(cli::exit::USAGE),
                ))
            }
        },
    }
}

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let outcome = match cli.command {
        Command::Grade(args) => cli::grade::run(&args),
        Command::Batch(args) => cli::batch::run(&args),
        Command::Assess(args) => cli::assess::run(&args),
        Command::Summary(args) => cli::summary::run(&args),
        Command::Schema(args) => cli::schema::run(&args),
        Command::Protocol(args) => cli::protocol::run(&args),
        Command::Completions(args) => cli::completions::run(&args, Cli::command()),
        Command::Man(args) => cli::completions::man(&args, Cli::command()),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) if cli::is_broken_pipe(&e) => ExitCode::from(cli::exit::IO),
        Err(e) => {
            eprintln!("icans: {e:#}");
            ExitCode::from(cli::exit_code_for(&e))
        }
    }
}
