//! `icans summary` (docs/spec.md §5): per-patient course and cohort incidence
//! from regraded records.

use anyhow::Context as _;
use clap::ValueEnum;

use icans::summary;
use icans::summary::report as format_summary;

use super::exit;
use super::flags::{By, RecordFiles, RecordReading};

/// `--format` values of `summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    /// Tables for people.
    Text,
    /// The cohort, the per-patient courses and the errors as one JSON object.
    Json,
    /// The per-patient table as CSV.
    Csv,
}

/// Examples and notes of `--help` (the exit statuses follow, from `exit`).
const SUMMARY_HELP: &str = "\
Examples:
  icans summary examples/cohort.ndjson
  icans summary export.csv --format json
  icans summary export.ndjson --compare     # beside the published comparators
  icans summary export.ndjson --format csv > courses.csv";

/// Per-patient course and cohort incidence (any-grade and grade >= 3 ICANS
/// with exact Clopper-Pearson 95% intervals) from assessment records.
///
/// Records need `patient_id`, and `day` (days since infusion) or, for a
/// patient without any `day`, `assessed_at` (days are then counted from that
/// patient's first assessment). Records may come in any order.
#[derive(Debug, clap::Args)]
#[command(after_help = super::after_help(
    SUMMARY_HELP,
    &[
        (exit::OK, "all records used"),
        (exit::INVALID, "a record invalid or without patient_id or day (reported, the rest summarised)"),
        (exit::IO, "an input could not be read"),
    ],
))]
pub struct Args {
    #[command(flatten)]
    pub files: RecordFiles,

    /// Output format.
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,

    #[command(flatten)]
    pub output: super::OutputFlag,

    #[command(flatten)]
    pub reading: RecordReading,

    /// Longest record (NDJSON line, JSON array element, CSV line) in bytes;
    /// a longer one is reported, never held in memory.
    #[arg(long, value_name = "BYTES", default_value_t = icans::input::DEFAULT_MAX_RECORD_BYTES)]
    pub max_record_bytes: usize,

    /// Show the cohort beside the comparators of the clinical page.
    #[arg(long)]
    pub compare: bool,

    /// The figures per product or site as well (the page's incidence table):
    /// each group's exactly as the summary of its records alone; records
    /// without the field form the group "".
    #[arg(long, value_name = "FIELD", value_parser = By::only(By::COHORT))]
    pub by: Option<By>,
}

/// Runs `icans summary`.
pub fn run(args: &Args) -> anyhow::Result<u8> {
    let inputs = args.reading.inputs(&args.files, &args.output)?;
    let out = args.output.create()?;
    let read = args.reading.options(args.max_record_bytes)?;
    let by = args.by.map(By::group_by);
    let s = summary::from_inputs(&inputs, read, by).with_context(|| super::spill_context("summary"))?;
    // Nothing could be read: no report of an empty cohort.
    if let Some(code) = super::all_inputs_failed(&s.failures, inputs.len()) {
        return Ok(code);
    }
    // A terminal shows the sparklines in block characters; a pipe or a
    // file in digits (contract v4 §11).
    let terminal = args.output.file().is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout());
    args.output.finish(out, |out| match args.format {
        SummaryFormat::Json => format_summary::write_json(out, &s, args.compare),
        SummaryFormat::Csv => match &s.by {
            // With --by, the table per group (the text's incidence table).
            Some(by) => format_summary::write_groups_csv(out, by, args.reading.delimiter.output()),
            None => format_summary::write_courses_csv(out, &s.courses, args.reading.delimiter.output()),
        },
        SummaryFormat::Text => format_summary::write_text(out, &s, args.compare, terminal),
    })?;
    if args.format != SummaryFormat::Text {
        super::report_each(&s.problems)?;
    } else {
        super::report_first(&s.problems, "not counted")?;
    }
    super::report_failures(&s.failures);
    Ok(if !s.failures.is_empty() {
        exit::IO
    } else if !s.problems.is_empty() {
        exit::INVALID
    } else {
        exit::OK
    })
}
