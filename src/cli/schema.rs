//! `icans schema record|result`: the JSON Schemas, generated from the types.

use anyhow::Context as _;
use clap::ValueEnum;

use icans::format::schema;

/// Which schema to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Which {
    /// The assessment record (input).
    Record,
    /// The grading result (output).
    Result,
}

/// Print the JSON Schema (2020-12) of the record or of the result.
#[derive(Debug, clap::Args)]
#[command(after_help = super::after_help(
    "Examples:
  icans schema record -o record.schema.json
  icans schema result > result.schema.json",
    super::WRITES_A_FILE,
))]
pub struct Args {
    /// record or result.
    #[arg(value_enum)]
    pub which: Which,

    #[command(flatten)]
    pub output: super::OutputFlag,
}

/// Runs `icans schema`.
pub fn run(args: &Args) -> anyhow::Result<u8> {
    let schema = match args.which {
        Which::Record => schema::record_schema(),
        Which::Result => schema::result_schema(),
    };
    let mut text = serde_json::to_string_pretty(&schema).context("cannot render the schema")?;
    text.push('\n');
    args.output.write(text.as_bytes())?;
    Ok(super::exit::OK)
}
