//! The `icans` binary: see `icans --help` and README.md.
//!
//! The entry point is our own C `main` (`no_main`), so that a standard
//! output closed by the caller (`icans batch f >&-`) is seen before anything
//! reopens it: the Rust runtime's own start-up would put /dev/null there,
//! indistinguishable from a /dev/null the caller chose, and every result
//! would be lost with exit 0. It then does what that start-up does: closed
//! standard streams get /dev/null (so no file opened later lands on fd 0-2),
//! and SIGPIPE is ignored (a closed pipe is a write error, exit 74).

#![no_main]

use std::io::Write as _;

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
    Audit(cli::audit::Args),
    Map(cli::map::Args),
    Schema(cli::schema::Args),
    Protocol(cli::protocol::Args),
    Completions(cli::completions::Args),
    Man(cli::completions::ManArgs),
}

/// Help and version go to standard output; a write that fails there (a
/// closed pipe, a full disk) is exit 74, never a silent 0.
fn parse() -> Result<Cli, u8> {
    match Cli::try_parse() {
        Ok(cli) => Ok(cli),
        Err(e) => match e.kind() {
            clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                let text = e.render().ansi().to_string();
                let mut out = std::io::stdout().lock();
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

/// The process entry point (see the module docs).
#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    // SAFETY: fcntl(F_GETFD) only queries a descriptor; open and signal are
    // called with valid constant arguments, before any thread is started.
    unsafe {
        let closed = |fd: libc::c_int| libc::fcntl(fd, libc::F_GETFD) == -1;
        cli::set_stdout_closed(closed(1));
        for fd in 0..3 {
            if closed(fd) {
                // The lowest free descriptor, so `fd` itself.
                libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            }
        }
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    let code = std::panic::catch_unwind(run).unwrap_or(101);
    libc::c_int::from(code)
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
        Command::Map(args) => cli::map::run(&args),
        Command::Schema(args) => cli::schema::run(&args),
        Command::Protocol(args) => cli::protocol::run(&args),
        Command::Completions(args) => cli::completions::run(&args, Cli::command()),
        Command::Man(args) => cli::completions::man(&args, Cli::command()),
    };
    match outcome {
        Ok(code) => code,
        Err(e) if cli::is_broken_pipe(&e) => cli::exit::IO,
        Err(e) => {
            eprintln!("icans: {e:#}");
            cli::exit_code_for(&e)
        }
    }
}
