//! `icans protocol`: the built-in management protocol as a file to edit.

use std::io::Write as _;

use anyhow::Context as _;

/// Print the built-in management protocol as a ready-to-edit TOML file, to
/// adapt and load with `--protocol FILE`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `icans protocol`.
pub fn run(_: &Args) -> anyhow::Result<u8> {
    std::io::stdout()
        .lock()
        .write_all(icans::format::protocol::builtin_file().as_bytes())
        .context("cannot write output")?;
    Ok(super::exit::OK)
}
