//! `icans protocol`: the built-in management protocol as a file to edit.

/// Print the built-in management protocol as a ready-to-edit TOML file, to
/// adapt and load with `--protocol FILE`.
#[derive(Debug, clap::Args)]
#[command(after_help = super::after_help(
    "Examples:
  icans protocol -o centre.toml
  icans grade examples/grade2-adult.json --protocol centre.toml",
    super::WRITES_A_FILE,
))]
pub struct Args {
    #[command(flatten)]
    pub output: super::OutputFlag,
}

/// Runs `icans protocol`.
pub fn run(args: &Args) -> anyhow::Result<u8> {
    args.output
        .write(icans::format::protocol::builtin_file().as_bytes())?;
    Ok(super::exit::OK)
}
