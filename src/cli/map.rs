//! `icans map init FILE` and `icans map check MAP FILE...` (docs/spec.md §8).

use std::path::PathBuf;

use anyhow::Context as _;

use icans::input::map::SiteMap;
use icans::input::map_tools::{self, SAMPLE_RECORDS, Sample};

use super::exit;

/// Examples and notes of `--help` (the exit statuses follow, from `exit`).
const MAP_HELP: &str = "\
Examples:
  icans map init examples/site-export.csv > site.map.toml
  # exit 65 until every \"?\" in the starter is filled in:
  icans map check site.map.toml examples/site-export.csv --allow-unknown-fields
  # the shipped map is that starter filled in:
  icans map check examples/site-export.map.toml examples/site-export.csv --allow-unknown-fields
  icans batch examples/site-export.csv --map examples/site-export.map.toml --allow-unknown-fields";

/// Site exports: write a starter map from an export, or check a map
/// against exports without grading.
#[derive(Debug, clap::Args)]
#[command(after_help = super::after_help(
    MAP_HELP,
    &[
        (exit::OK, "done"),
        (exit::INVALID, "(check) the export cannot be graded as mapped, or an export is not CSV or NDJSON"),
        (exit::USAGE, "usage error or an invalid map"),
        (exit::IO, "a file could not be read"),
    ],
))]
pub struct Args {
    #[command(subcommand)]
    pub command: MapCommand,
}

/// `map` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum MapCommand {
    /// Print a starter map from an export's header (CSV) or keys (NDJSON)
    /// and the distinct values of its first 10,000 records.
    Init {
        /// The export (.csv, or NDJSON).
        file: PathBuf,
    },
    /// Report, without grading, what a map leaves unmapped in exports:
    /// unmapped columns, fields nothing feeds, values the map lacks.
    Check {
        /// The map file.
        map: PathBuf,
        /// The exports.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Columns the map does not name are ignored (as batch does with it).
        #[arg(long)]
        allow_unknown_fields: bool,
    },
}

/// An export's sample; `Err` is the exit status after saying why on
/// standard error (74 unreadable, 65 not CSV or NDJSON).
fn sample(path: &std::path::Path, limit: usize, map: Option<&SiteMap>) -> Result<Sample, u8> {
    let read = || -> std::io::Result<Sample> {
        let file = std::fs::File::open(path)?;
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
            map_tools::sample_csv(file, limit, map)
        } else {
            map_tools::sample_ndjson(std::io::BufReader::new(file), limit, map)
        }
    };
    read().map_err(|e| {
        let name = path.display().to_string();
        let shown = icans::format::text::clean(&name);
        if e.kind() == std::io::ErrorKind::InvalidData {
            eprintln!("icans: {shown}: {e}");
            exit::INVALID
        } else {
            eprintln!("icans: cannot read {shown}: {e}");
            exit::IO
        }
    })
}

/// Runs `icans map`.
pub fn run(args: &Args) -> anyhow::Result<u8> {
    match &args.command {
        MapCommand::Init { file } => {
            let s = match sample(file, SAMPLE_RECORDS, None) {
                Ok(s) => s,
                Err(code) => return Ok(code),
            };
            super::write_stdout(map_tools::starter(&s, &file.display().to_string()).as_bytes())?;
            Ok(exit::OK)
        }
        MapCommand::Check {
            map,
            files,
            allow_unknown_fields,
        } => {
            let map = super::flags::read_map(Some(map))?.context("a map")?;
            let mut text = map_tools::unfilled_report(map);
            let mut gradable = map.unfilled.is_empty();
            for f in files {
                let s = match sample(f, 0, Some(map)) {
                    Ok(s) => s,
                    Err(code) => return Ok(code),
                };
                let c = map_tools::check(map, &s);
                gradable &= c.gradable(*allow_unknown_fields);
                text.push_str(&format!("{} ({} records)\n", f.display(), s.records));
                text.push_str(&map_tools::report(&c, map, *allow_unknown_fields));
            }
            super::write_stdout(text.as_bytes())?;
            Ok(if gradable { exit::OK } else { exit::INVALID })
        }
    }
}
