//! `icans batch` (docs/spec.md §5): regrade many records, one result per record,
//! in input order.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use clap::ValueEnum;

use icans::batch::{self, Options, Stats};
use icans::format::OutputFormat;

use super::exit;
use super::flags::{GradingFlags, InFormat, inputs};

/// `--output-format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
    /// One JSON result per line.
    Ndjson,
    /// One flat CSV row per record.
    Csv,
}

/// Examples and notes of `--help` (the exit statuses follow, from `exit`).
const BATCH_HELP: &str = "\
Input format: --input-format, else the file extension (.ndjson/.jsonl, .json,
.csv), else NDJSON. Blank NDJSON lines are skipped (line numbers still count
them). CSV columns are the record fields, with ICE items as ice_orientation,
ice_naming, ice_writing, ice_attention, ice_commands and other_cause as
`;`-separated names; an empty cell means not assessed.

Examples:
  # exit 65: record 7 misspells a field, on purpose (an error object in its place)
  icans batch examples/records.ndjson
  # exit 65 likewise: row 6 has an ICE total of 11
  icans batch examples/records.csv --output-format csv > graded.csv
  cat export.ndjson | icans batch --fail-at-grade 3 > graded.ndjson";

/// Regrade many records: exactly one result per input record, in input order.
///
/// A record that fails yields an error object (or row) in its place, with its
/// line number, and the run goes on.
#[derive(Debug, clap::Args)]
#[command(after_help = super::after_help(
    BATCH_HELP,
    &[
        (exit::OK, "all graded"),
        (exit::USAGE, "usage error"),
        (exit::ALERT, "a record reached --fail-at-grade"),
        (exit::INVALID, "at least one record invalid (every valid record is still written)"),
        (exit::IO, "an input or output failure"),
    ],
))]
pub struct Args {
    /// Input files; none or `-` reads standard input.
    pub files: Vec<PathBuf>,

    /// Input format (default: from the file extension, else ndjson).
    #[arg(long, value_enum)]
    pub input_format: Option<InFormat>,

    /// Output format (`--format` is the same flag).
    #[arg(long, visible_alias = "format", value_enum, default_value_t = OutFormat::Ndjson)]
    pub output_format: OutFormat,

    #[command(flatten)]
    pub grading: GradingFlags,

    /// Print the counts on standard error at the end (always on a terminal).
    #[arg(long)]
    pub summary: bool,

    /// Worker threads (default: one per core; at most 64).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub threads: Option<u16>,

    /// Only these result fields, in this order (the CSV output's column
    /// names: id,grade,seizure_grade,actions,...), in NDJSON or CSV.
    #[arg(long, value_name = "A,B,...")]
    pub fields: Option<String>,

    /// Longest record (NDJSON line, JSON array element, CSV line) in bytes;
    /// a longer one is an error in its place, never held in memory.
    #[arg(long, value_name = "BYTES", default_value_t = icans::input::DEFAULT_MAX_RECORD_BYTES,
          value_parser = clap::value_parser!(usize))]
    pub max_record_bytes: usize,
}

/// The end-of-run counts, one line.
pub fn summary_line(s: &Stats) -> String {
    let grades: Vec<String> = s
        .by_grade
        .iter()
        .enumerate()
        .map(|(g, n)| format!("{g}: {n}"))
        .collect();
    format!(
        "icans batch: {} records read, {} graded, {} failed; by grade {}; {} incomplete (grade is a lower bound)",
        s.read,
        s.graded,
        s.failed,
        grades.join(", "),
        s.incomplete
    )
}

/// Standard output closed by the caller: every write fails.
struct Closed(std::io::ErrorKind);

impl std::io::Write for Closed {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::new(self.0, "standard output is closed"))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `icans batch`.
pub fn run(args: &Args) -> anyhow::Result<u8> {
    let mut options = Options {
        output: match args.output_format {
            OutFormat::Ndjson => OutputFormat::Ndjson,
            OutFormat::Csv => OutputFormat::Csv,
        },
        read: icans::input::ReadOptions {
            max_record_bytes: args.max_record_bytes,
            ..args.grading.read_options()?
        },
        protocol: std::sync::Arc::new(super::load_protocol(args.grading.protocol.as_deref())?),
        alert_at: args.grading.fail_at_grade,
        ..Options::default()
    };
    if let Some(list) = &args.fields {
        options.fields =
            Some(icans::format::columns::ResultColumn::parse_list(list).map_err(super::UsageError)?);
    }
    if let Some(n) = args.threads {
        options.threads = usize::from(n);
    }
    let inputs = inputs(&args.files, args.input_format);
    let terminal = std::io::stderr().is_terminal();
    // indicatif draws only on a terminal (never into a pipe or a file).
    let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    let style = indicatif::ProgressStyle::with_template("{msg}, {rate}")
        .map(|s| {
            s.with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0} records/s", state.per_sec());
                },
            )
        })
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
    bar.set_style(style);
    let mut progress = |s: &Stats| {
        bar.set_position(s.read);
        bar.set_message(format!("{} records ({} failed)", s.read, s.failed));
    };
    let report = match super::stdout_open() {
        Ok(()) => batch::run(&inputs, &mut std::io::stdout().lock(), &options, &mut progress),
        // Nothing can be written; with --fail-at-grade the records are
        // still graded for the alert.
        Err(e) if options.alert_at.is_some() => {
            batch::run(&inputs, &mut Closed(e.kind()), &options, &mut progress)
        }
        Err(e) => return Ok(super::report_write_error(&e)),
    };
    bar.finish_and_clear();
    if let Some(e) = &report.output_error {
        super::report_write_error(e);
    }
    for f in &report.input_failures {
        eprintln!("icans: cannot read {}: {}", f.name, f.error);
    }
    if terminal || args.summary {
        eprintln!("{}", summary_line(&report.stats));
    }
    let stats = report.stats;
    // An alert outranks a failure: a patient at the alerting grade must
    // page someone even when another record or file of the batch is bad, or
    // the output failed after the record was graded.
    let alert = args.grading.alerts(stats.highest_grade());
    Ok(if alert {
        exit::ALERT
    } else if report.output_error.is_some() || !report.input_failures.is_empty() {
        exit::IO
    } else if stats.failed > 0 {
        exit::INVALID
    } else {
        exit::OK
    })
}
