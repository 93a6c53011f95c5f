//! `icans map init FILE` and `icans map check MAP FILE...` (docs/spec.md §8).

use std::path::PathBuf;

use anyhow::Context as _;

use icans::input::ReadOptions;
use icans::input::map_tools::{self, SAMPLE_RECORDS};

use super::exit;

/// Examples and notes of `--help` (the exit statuses follow, from `exit`).
const MAP_HELP: &str = "\
Examples:
  icans map init examples/site-export.csv -o site.map.toml
  # exit 65 until every \"?\" in the starter is filled in:
  icans map check site.map.toml examples/site-export.csv \\
    --allow-unknown-fields
  # the shipped map is that starter filled in:
  icans map check examples/site-export.map.toml \\
    examples/site-export.csv --allow-unknown-fields
  icans batch examples/site-export.csv \\
    --map examples/site-export.map.toml --allow-unknown-fields";

/// `map init`'s examples.
const INIT_HELP: &str = "\
Examples:
  icans map init examples/site-export.csv -o site.map.toml
  icans map init examples/registry/export-raw.csv \\
    --dictionary examples/registry/dictionary.csv";

/// `map check`'s examples.
const CHECK_HELP: &str = "\
Examples:
  icans map check examples/site-export.map.toml \\
    examples/site-export.csv --allow-unknown-fields";

/// Site exports: write a starter map from an export, or check a map
/// against exports without grading.
#[derive(Debug, clap::Args)]
#[command(after_help = super::after_help(
    &format!("{}\n\n{MAP_HELP}", icans::input::map::FORMAT_HELP),
    &[
        (exit::OK, "done"),
        (exit::USAGE, "usage error or an invalid map"),
        (exit::INVALID, "see icans map init --help and icans map check --help"),
        (exit::IO, "a file could not be read, or the output not written"),
    ],
))]
pub struct Args {
    #[command(subcommand)]
    pub command: MapCommand,
}

/// `map` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum MapCommand {
    /// Print a starter map from an export's header (CSV) or keys (NDJSON, a
    /// JSON array) and the distinct values of its first 10,000 records.
    #[command(after_help = super::after_help(
        INIT_HELP,
        &[
            (exit::OK, "the starter map written"),
            (exit::USAGE, "usage error"),
            (exit::INVALID, "no record read, column names not UTF-8, or a dictionary that cannot be used"),
            (exit::IO, "a file could not be read, or the map not written"),
        ],
    ))]
    Init {
        /// The export (.csv, .json array, or NDJSON).
        file: PathBuf,
        /// A REDCap data dictionary (CSV): columns and coded values are
        /// matched by their labels too, and every code it lists is proposed.
        #[arg(long, value_name = "DICT.csv")]
        dictionary: Option<PathBuf>,
        /// Input format (default: from the file extension, else csv with
        /// --delimiter, else ndjson).
        #[arg(long, value_enum)]
        input_format: Option<super::flags::InFormat>,
        #[command(flatten)]
        output: super::OutputFlag,
        #[command(flatten)]
        delimiter: super::flags::DelimiterFlag,
    },
    /// Report, without grading, what a map leaves unmapped in exports, and
    /// whether batch with it would grade every record (each record read as
    /// batch reads it, through the same record builder).
    #[command(after_help = super::after_help(
        CHECK_HELP,
        &[
            (exit::OK, "batch with the map would grade every record"),
            (exit::USAGE, "usage error or an invalid map"),
            (exit::INVALID, "batch with the map would refuse a record, or an entry is still \"?\""),
            (exit::IO, "a file could not be read, or the report not written"),
        ],
    ))]
    Check {
        /// The map file.
        map: PathBuf,
        /// The exports.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Columns the map does not name are ignored (as batch does with it).
        #[arg(long)]
        allow_unknown_fields: bool,
        /// A mapped column the export lacks is not a reason to exit 65
        /// (batch warns of it and leaves its field not assessed).
        #[arg(long)]
        allow_missing_columns: bool,
        /// Input format (default: from the file extension, else csv with
        /// --delimiter, else ndjson).
        #[arg(long, value_enum)]
        input_format: Option<super::flags::InFormat>,
        #[command(flatten)]
        output: super::OutputFlag,
        #[command(flatten)]
        delimiter: super::flags::DelimiterFlag,
    },
}

/// The exports as `batch` reads them: the format from `--input-format`,
/// else the extension (CSV, a JSON array), else CSV with a `--delimiter`,
/// else NDJSON.
fn exports(
    files: &[PathBuf],
    format: Option<super::flags::InFormat>,
    delimiter: Option<u8>,
) -> Vec<icans::input::Input> {
    super::flags::inputs(files, format, delimiter)
}

/// Says which inputs could not be read; the exit status (74) when any.
fn unreadable(failures: &[icans::input::InputFailure]) -> Option<u8> {
    super::report_failures(failures);
    (!failures.is_empty()).then_some(exit::IO)
}

/// Runs `icans map`.
pub fn run(args: &Args) -> anyhow::Result<u8> {
    match &args.command {
        MapCommand::Init {
            file,
            dictionary,
            input_format,
            output,
            delimiter,
        } => init(file, dictionary.as_deref(), *input_format, output, *delimiter),
        MapCommand::Check {
            map,
            files,
            allow_unknown_fields,
            allow_missing_columns,
            input_format,
            output,
            delimiter,
        } => {
            output.not_an_input(files.iter().map(PathBuf::as_path).chain([map.as_path()]))?;
            let out = output.create()?;
            let map = super::flags::read_map(Some(map))?.context("a map")?;
            let mut text = map_tools::unfilled_report(map);
            let mut gradable = map.unfilled.is_empty();
            // Each export read as `batch --map` reads it, every record
            // through the record builder: the status is batch's.
            let read = ReadOptions {
                allow_unknown_fields: *allow_unknown_fields,
                map: Some(map),
                delimiter: delimiter.delimiter,
                ..ReadOptions::default()
            };
            for f in files {
                let reading = map_tools::read(
                    &exports(std::slice::from_ref(f), *input_format, delimiter.delimiter),
                    read,
                    0,
                    true,
                );
                if let Some(code) = unreadable(&reading.failures) {
                    return Ok(code);
                }
                let c = map_tools::check(map, &reading);
                // A mapped column the export lacks leaves its field not
                // assessed in every row: 65 unless allowed (the one case
                // where check is stricter than batch, which warns).
                gradable &= c.gradable() && (*allow_missing_columns || c.absent.is_empty());
                text.push_str(&format!("{} ({} records)\n", super::shown(f), c.records));
                text.push_str(&map_tools::report(&c, map, *allow_unknown_fields));
            }
            // Within the report width, as every report (audit, summary).
            let text = icans::format::text::fit_lines(&text, icans::format::text::REPORT_WIDTH);
            output.finish(out, |w| w.write_all(text.as_bytes()))?;
            Ok(if gradable { exit::OK } else { exit::INVALID })
        }
    }
}

/// `icans map init`: a starter map from the export's columns and values,
/// and the dictionary's labels (read after the export, its columns only).
fn init(
    file: &PathBuf,
    dictionary: Option<&std::path::Path>,
    input_format: Option<super::flags::InFormat>,
    output: &super::OutputFlag,
    delimiter: super::flags::DelimiterFlag,
) -> anyhow::Result<u8> {
    output.not_an_input([file.as_path()].into_iter().chain(dictionary))?;
    let out = output.create()?;
    let read = ReadOptions {
        allow_unknown_fields: true,
        delimiter: delimiter.delimiter,
        ..ReadOptions::default()
    };
    let reading = map_tools::read(
        &exports(std::slice::from_ref(file), input_format, delimiter.delimiter),
        read,
        SAMPLE_RECORDS,
        false,
    );
    if let Some(code) = unreadable(&reading.failures) {
        return Ok(code);
    }
    if reading.sample.columns.iter().any(|c| c.contains('\u{fffd}')) {
        say!(
            "icans: {}: the column names are not valid UTF-8 (allowed: a UTF-8 header; a map names columns exactly)",
            icans::format::text::clean(&file.display().to_string())
        );
        return Ok(exit::INVALID);
    }
    if reading.sample.columns.is_empty() {
        say!(
            "icans: {}: no record read (allowed: CSV with a header, NDJSON or a JSON array of record objects)",
            icans::format::text::clean(&file.display().to_string())
        );
        return Ok(exit::INVALID);
    }
    // The dictionary is read after the export, keeping only the
    // export's columns: memory bounded whatever its size.
    let columns: std::collections::HashSet<&str> =
        reading.sample.columns.iter().map(String::as_str).collect();
    let dictionary = match dictionary {
        None => None,
        Some(path) => {
            let shown = icans::format::text::clean(&path.display().to_string()).into_owned();
            let opened = match std::fs::File::open(path) {
                Ok(f) => f,
                Err(e) => {
                    say!("icans: cannot read {shown}: {e}");
                    return Ok(exit::IO);
                }
            };
            match map_tools::Dictionary::read_for(std::io::BufReader::new(opened), |c| columns.contains(c)) {
                Ok(d) => Some(d),
                Err(e) => {
                    say!("icans: {shown}: {e}");
                    return Ok(exit::INVALID);
                }
            }
        }
    };
    let starter = map_tools::starter(&reading.sample, &file.display().to_string(), dictionary.as_ref());
    output.finish(out, |w| w.write_all(starter.as_bytes()))?;
    Ok(exit::OK)
}
