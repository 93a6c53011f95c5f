//! `icans completions SHELL` and `icans man`: shell completions and the man
//! page, generated from the command-line definition.

use anyhow::Context as _;

/// Print shell completions for bash, zsh, fish or PowerShell.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Print the man page (roff), e.g. `icans man > icans.1`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {}

/// Runs `icans completions`.
pub fn run(args: &Args, mut command: clap::Command) -> anyhow::Result<u8> {
    clap_complete::generate(args.shell, &mut command, "icans", &mut std::io::stdout().lock());
    Ok(super::exit::OK)
}

/// Runs `icans man`.
pub fn man(command: clap::Command) -> anyhow::Result<u8> {
    clap_mangen::Man::new(command)
        .render(&mut std::io::stdout().lock())
        .context("cannot write output")?;
    Ok(super::exit::OK)
}
