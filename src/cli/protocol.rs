//! `icans protocol`: the built-in management protocol as a file to edit.

/// Print the built-in management protocol as a ready-to-edit TOML file, to
/// adapt and load with `--protocol FILE`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `icans protocol`.
pub fn run(_: &Args) -> anyhow::Result<u8> {
    super::write_stdout(icans::format::protocol::builtin_file().as_bytes())?;
    Ok(super::exit::OK)
}
