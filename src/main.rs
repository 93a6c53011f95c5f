//! The `icans` binary: see `icans --help` and README.md.

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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Grade(args) => cli::grade::run(&args),
        Command::Batch(args) => cli::batch::run(&args),
        Command::Assess(args) => cli::assess::run(&args),
        Command::Summary(args) => cli::summary::run(&args),
        Command::Schema(args) => cli::schema::run(&args),
        Command::Protocol(args) => cli::protocol::run(&args),
        Command::Completions(args) => cli::completions::run(&args, Cli::command()),
        Command::Man(_) => cli::completions::man(Cli::command()),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) if cli::is_broken_pipe(&e) => ExitCode::from(cli::exit::OK),
        Err(e) => {
            eprintln!("icans: {e:#}");
            ExitCode::from(cli::exit_code_for(&e))
        }
    }
}
