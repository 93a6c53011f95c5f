//! `icans batch` (docs/spec.md §5): regrade many records, one result per record,
//! in input order.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use clap::ValueEnum;

use icans::batch::{self, Options, Stats};
use icans::format::OutputFormat;

use super::exit;
use super::flags::{DelimiterFlag, GradingFlags, InFormat, inputs};

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
.csv, .tsv), else NDJSON. Blank NDJSON lines are skipped (line numbers still
count them). CSV columns are the record fields, with ICE items as
ice_orientation, ice_naming, ice_writing, ice_attention, ice_commands and
other_cause as `;`-separated names; an empty cell means not assessed.

Examples:
  # exit 65: record 7 misspells a field, on purpose (its error in its place)
  icans batch examples/records.ndjson -o graded.ndjson --invalid bad.ndjson
  # exit 65 likewise: row 6 has an ICE total of 11
  icans batch examples/records.csv --output-format csv -o graded.csv
  # a .tsv input is read with tabs; --delimiter sets the output's too
  icans batch examples/records.tsv --output-format csv --delimiter '\\t'
  cat examples/records.ndjson | icans batch --fail-at-grade 3 > graded.ndjson";

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
        (exit::ALERT, "a record reached --fail-at-grade (ICANS), or --fail-at-crs-grade (CRS)"),
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
    pub output: super::OutputFlag,

    /// Also write the error objects (CSV: error rows, after the header) of
    /// the records that could not be graded to FILE, in input order; they
    /// stay in their places in the output as well.
    #[arg(long, value_name = "FILE")]
    pub invalid: Option<PathBuf>,

    #[command(flatten)]
    pub delimiter: DelimiterFlag,

    #[command(flatten)]
    pub csv_raw: super::flags::CsvRawFlag,

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
    ) + &match s.icans_not_assessed {
        0 => String::new(),
        n => format!("; {n} with ICANS not assessed (no grade)"),
    } + &match s.problems {
        0 => String::new(),
        1 => "; 1 problem with an input (no record)".to_string(),
        n => format!("; {n} problems with the inputs (no records)"),
    }
}

/// The reason for exit 65, said on standard error whatever the output: the
/// first record refused (or problem of an input), and how many there are;
/// `copy` names the file of `--invalid`, when given: `Ok` written, `Err`
/// one that could not be created (never suggested again).
pub fn invalid_lines(s: &Stats, first: Option<&str>, copy: Option<Result<&str, &str>>) -> Vec<String> {
    let Some(first) = first else { return Vec::new() };
    let mut counts = Vec::new();
    match s.failed {
        0 => {}
        1 => counts.push("1 record not graded".to_string()),
        n => counts.push(format!("{n} records not graded")),
    }
    match s.problems {
        0 => {}
        1 => counts.push("1 problem with an input".to_string()),
        n => counts.push(format!("{n} problems with the inputs")),
    }
    let (each, them) = if s.failed + s.problems == 1 {
        ("its error is", "it")
    } else {
        ("each error is", "them")
    };
    let copied = match copy {
        Some(Ok(file)) => format!("and in {file}"),
        Some(Err(file)) => format!("(not in {file}: it could not be written)"),
        None => format!("(--invalid FILE writes {them} apart too)"),
    };
    vec![
        format!("icans: invalid: {}", icans::format::text::clean(first)),
        format!(
            "icans: {}; {each} in its place in the output {copied}",
            counts.join(" and ")
        ),
    ]
}

/// An output that could not be opened (a file, or standard output closed
/// by the caller), for a run that grades on for `--fail-at-grade`: every
/// write fails as the opening did (reported once, with the run's other
/// output failure).
struct Closed(std::io::ErrorKind, String);

impl std::io::Write for Closed {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::new(self.0, self.1.clone()))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The batch options the flags give.
fn options(args: &Args) -> anyhow::Result<Options> {
    let mut options = Options {
        output: match args.output_format {
            OutFormat::Ndjson => OutputFormat::Ndjson,
            OutFormat::Csv => OutputFormat::Csv,
        },
        read: icans::input::ReadOptions {
            max_record_bytes: args.max_record_bytes,
            delimiter: args.delimiter.delimiter,
            ..args.grading.read_options()?
        },
        protocol: std::sync::Arc::new(super::load_protocol(args.grading.protocol.as_deref())?),
        alert_at: args.grading.alert.fail_at_grade,
        crs_alert_at: args.grading.alert.fail_at_crs_grade,
        delimiter: args.delimiter.output(),
        ..Options::default()
    };
    if let Some(list) = &args.fields {
        options.fields =
            Some(icans::format::columns::ResultColumn::parse_list(list).map_err(super::UsageError)?);
    }
    if let Some(n) = args.threads {
        options.threads = usize::from(n);
    }
    Ok(options)
}

/// Runs `icans batch`.
pub fn run(args: &Args) -> anyhow::Result<u8> {
    args.csv_raw.apply();
    let options = options(args)?;
    let inputs = inputs(&args.files, args.input_format, args.delimiter.delimiter);
    let named = || super::read_paths(&args.files);
    args.output.not_an_input(named())?;
    let invalid_flag = super::OutputFlag {
        output: args.invalid.clone(),
    };
    invalid_flag.not_an_input(named())?;
    if let (Some(out), Some(bad)) = (args.output.file(), invalid_flag.file()) {
        if out == bad {
            return Err(
                super::UsageError("-o and --invalid name one file (allowed: two files)".into()).into(),
            );
        }
    }
    let terminal = std::io::stderr().is_terminal();
    let bar = Progress::new();
    let mut progress = |s: &Stats| bar.show(s);
    // An --invalid file that cannot be created does not stop the grading:
    // an alert is still reached (docs/spec.md §10, v4); else exit 74.
    let (mut invalid, invalid_failed) = match invalid_flag.file().map(|_| invalid_flag.open()).transpose() {
        Ok(sink) => (sink, false),
        Err(e) => {
            say!("icans: {}: {e}", invalid_flag.cannot_write());
            (None, true)
        }
    };
    let invalid = invalid.as_mut().map(|w| w as &mut dyn std::io::Write);
    let report = match args.output.open() {
        Ok(mut out) => batch::run_copying_invalid(&inputs, &mut out, invalid, &options, &mut progress),
        // Nothing can be written; with --fail-at-grade the records are
        // still graded for the alert.
        Err(e) if args.grading.alert.any() => {
            let mut closed = Closed(e.kind(), e.to_string());
            batch::run_copying_invalid(&inputs, &mut closed, invalid, &options, &mut progress)
        }
        Err(e) => return Ok(args.output.report(&e)),
    };
    bar.finish();
    if let Some(e) = &report.output_error {
        if report.in_invalid_copy {
            invalid_flag.report(e);
        } else {
            args.output.report(e);
        }
    }
    // Once per run, each mapped column the export lacks (docs/spec.md §10).
    for a in &report.absent_columns {
        say!("icans: {}", icans::format::text::clean(&a.to_string()));
    }
    super::report_failures(&report.input_failures);
    let name = invalid_flag.name();
    let copy = invalid_flag.file().map(|_| {
        if invalid_failed {
            Err(name.as_ref())
        } else {
            Ok(name.as_ref())
        }
    });
    for line in invalid_lines(&report.stats, report.first_invalid.as_deref(), copy) {
        say!("{line}");
    }
    if terminal || args.summary {
        say!("{}", summary_line(&report.stats));
    }
    let stats = report.stats;
    // An alert outranks a failure: a patient at the alerting grade must
    // page someone even when another record or file of the batch is bad, or
    // the output failed after the record was graded.
    let alert = stats.alerts(
        args.grading.alert.fail_at_grade,
        args.grading.alert.fail_at_crs_grade,
    );
    // A closed pipe on standard output ends the run quietly: the reader took
    // what it wanted (docs/spec.md §10, v4); only an alert outranks it.
    let closed = report.output_error.as_ref().is_some_and(|e| {
        !report.in_invalid_copy && args.output.file().is_none() && e.kind() == std::io::ErrorKind::BrokenPipe
    });
    Ok(if alert {
        exit::ALERT
    } else if closed {
        exit::OK
    } else if report.output_error.is_some() || !report.input_failures.is_empty() || invalid_failed {
        exit::IO
    } else if stats.failed > 0 || stats.problems > 0 {
        exit::INVALID
    } else {
        exit::OK
    })
}

/// The progress line on a terminal (never in a pipe or a file): shown only
/// once a run has taken a second, so that a small file prints none.
struct Progress {
    bar: indicatif::ProgressBar,
    started: std::time::Instant,
    shown: std::cell::Cell<bool>,
}

impl Progress {
    fn new() -> Self {
        let bar = indicatif::ProgressBar::hidden();
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
        Progress {
            bar,
            started: std::time::Instant::now(),
            shown: std::cell::Cell::new(false),
        }
    }

    /// The counts so far; the line appears after the first second.
    fn show(&self, s: &Stats) {
        // The message first: the line is never drawn without it.
        self.bar
            .set_message(format!("{} records ({} failed)", s.read, s.failed));
        self.bar.set_position(s.read);
        if !self.shown.get() && self.started.elapsed() >= std::time::Duration::from_secs(1) {
            self.shown.set(true);
            // indicatif draws only on a terminal; drawn now, with the
            // message already set.
            self.bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            self.bar.tick();
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
