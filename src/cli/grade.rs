//! `icans grade` (docs/spec.md §5): one record from flags, a JSON file or
//! standard input; the text card or the JSON result.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::ValueEnum;

use icans::format::json;
use icans::format::text;
use icans::grading;
use icans::input;

use super::flags::{GradingFlags, RecordFlags};
use super::{UsageError, exit};

/// Output format of `grade`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The result card for people.
    Text,
    /// The docs/spec.md §4 result object.
    Json,
}

/// Examples and notes of `--help` (the exit statuses follow, from `exit`).
const GRADE_HELP: &str = "\
Examples:
  icans grade examples/grade2-adult.json
  icans grade --orientation 3 --naming 2 --writing 1 --attention 0 \\
    --commands 1 --consciousness awakens_to_voice \\
    --seizure none --motor none --edema none
  icans grade --ice-total 8 --consciousness alert --crs-grade 2 --format json
  icans grade --temperature 39.2 --hypotension one_vasopressor \\
    --fail-at-crs-grade 3
  echo '{\"ice_total\": 0, \"consciousness\": \"unarousable\"}' | icans grade -";

/// Grade one assessment record.
///
/// The record comes from FILE (JSON), from standard input when FILE is
/// absent or `-`, or from the flags below when any is given. An absent
/// domain means "not assessed", never normal: the grade is then a lower
/// bound.
#[derive(Debug, clap::Args)]
#[command(after_help = super::after_help(
    GRADE_HELP,
    &[
        (exit::OK, "graded"),
        (exit::USAGE, "usage error"),
        (exit::ALERT, "the ICANS grade reached --fail-at-grade, or the CRS grade --fail-at-crs-grade"),
        (exit::INVALID, "invalid record"),
        (exit::IO, "input or output failure"),
    ],
))]
pub struct Args {
    /// JSON record file; `-` or absent reads standard input.
    pub file: Option<PathBuf>,

    /// Output format.
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = Format::Text)]
    pub format: Format,

    #[command(flatten)]
    pub output: super::OutputFlag,

    #[command(flatten)]
    pub grading: GradingFlags,

    #[command(flatten)]
    pub record: RecordFlags,
}

/// A file that is CSV (by its name, or a first line of comma-separated
/// names), given to `grade` by mistake.
fn looks_like_csv(file: Option<&std::path::Path>, bytes: &[u8]) -> bool {
    let by_name = file
        .and_then(|f| f.extension())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("tsv"));
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let by_content = !first.contains(&b'{') && first.contains(&b',');
    let many_lines = bytes.iter().filter(|b| **b == b'\n').count() > 1 && bytes.first() == Some(&b'{');
    by_name || by_content || many_lines
}

const STDIN_HINT: &str = "\
icans grade: no record given. Give findings as flags, a JSON file, or pipe JSON in:
  icans grade --ice-total 8 --consciousness alert --seizure none --motor none --edema none
  icans grade examples/grade2-adult.json
  echo '{\"ice_total\": 5}' | icans grade -
See `icans grade --help`.";

/// Runs `icans grade`.
pub fn run(args: &Args) -> anyhow::Result<u8> {
    if args.record.any() && args.file.is_some() {
        return Err(UsageError("give the record as flags or as FILE, not both".into()).into());
    }
    if !args.record.any() && args.file.is_none() && std::io::stdin().is_terminal() {
        say!("{STDIN_HINT}");
        return Ok(exit::USAGE);
    }
    args.output
        .not_an_input(Some(args.file.as_deref().unwrap_or(std::path::Path::new("-"))))?;
    // Opened before the record is read, and the file replaced when the
    // command ends (empty after an invalid record): an invalid record never
    // leaves an earlier card in the file as if it were this one's.
    let sink = args.output.open();
    let record = if args.record.any() {
        args.record.to_record()
    } else {
        let limit = input::DEFAULT_MAX_RECORD_BYTES;
        let bytes = super::read_input(args.file.as_deref(), limit)?;
        let mut record = match &bytes {
            Ok(bytes) => input::read_record(bytes, args.grading.read_options()?, 1),
            // Not held in memory (icans grade < /dev/zero).
            Err(len) => Err(input::Refused::bare(icans::grading::RecordError::Malformed(
                match len {
                    Some(n) => input::too_long(*n, limit),
                    None => format!(
                        "record is over the {} limit (allowed: one record; icans batch reads a file of records)",
                        input::limit_words(limit)
                    ),
                },
            ))),
        };
        let bytes = bytes.unwrap_or_default();
        if let Err(rejected) = &mut record {
            if let icans::grading::RecordError::Malformed(message) = &mut rejected.error {
                if looks_like_csv(args.file.as_deref(), &bytes) {
                    message.push_str(
                        "; icans grade reads one JSON record: give CSV (or NDJSON) to `icans batch FILE`",
                    );
                }
            }
        }
        record
    };
    let protocol = super::load_protocol(args.grading.protocol.as_deref())?;
    let result = match record {
        Ok(a) => grading::grade_with(&a, &grading::ASTCT_2019, &protocol),
        Err(rejected) => {
            // JSON's output is the error object; text has none (the
            // problems go to standard error, with a file that cannot be
            // written).
            let unwritten = match args.format {
                Format::Json => {
                    let mut out = sink.with_context(|| args.output.cannot_write())?;
                    json::write_line(&mut out, &rejected)
                        .and_then(|()| out.flush())
                        .with_context(|| args.output.cannot_write())?;
                    None
                }
                Format::Text => sink.err(),
            };
            let place = match args.file.as_deref().filter(|f| *f != std::path::Path::new("-")) {
                Some(file) => format!(" in {}", super::shown(file)),
                None => String::new(),
            };
            // One line per problem, each whole.
            for problem in rejected.error.problems() {
                say!("icans: invalid record{place}: {problem}");
            }
            if let Some(e) = unwritten {
                args.output.report(&e);
            }
            return Ok(exit::INVALID);
        }
    };
    let alert = args.grading.alert.alerts(&result);
    let written = sink.and_then(|mut out| {
        match args.format {
            Format::Json => json::write_pretty(&mut out, &result),
            Format::Text => out.write_all(text::card_styled(&result, args.output.colour()).as_bytes()),
        }
        .and_then(|()| out.flush())
    });
    // The grade was reached, whether or not the card could be written.
    args.output.exit_after(written, alert)
}
