//! `icans grade` (contract §5): one record from flags, a JSON file or
//! standard input; the text card or the JSON result.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::ValueEnum;

use icans::format::json::{self, ErrorObject, ReadOptions, Rejected};
use icans::format::text;
use icans::grading::{self, Assessment, Consciousness, Edema, Field, Motor, RecordBuilder, Seizure, Value};

use super::{UsageError, exit};

/// Output format of `grade`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The result card for people.
    Text,
    /// The contract §4 result object.
    Json,
}

/// Grade one assessment record.
///
/// The record comes from FILE (JSON), from standard input when FILE is
/// absent or `-`, or from the flags below when any is given. An absent
/// domain means "not assessed", never normal: the grade is then a lower
/// bound.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  icans grade examples/grade2-adult.json
  icans grade --orientation 3 --naming 2 --writing 1 --attention 0 --commands 1 \\
      --consciousness awakens_to_voice --seizure none --motor none --edema none
  icans grade --ice-total 8 --consciousness alert --crs-grade 2 --format json
  echo '{\"ice_total\": 0, \"consciousness\": \"unarousable\"}' | icans grade -

Exit status: 0 graded; 2 usage error; 3 grade reached --fail-at-grade;
65 invalid record; 74 input or output failure.")]
pub struct Args {
    /// JSON record file; `-` or absent reads standard input.
    pub file: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    #[command(flatten)]
    pub grading: GradingFlags,

    #[command(flatten)]
    pub record: RecordFlags,
}

/// Flags shared by `grade` and `batch`: how records are read, the protocol,
/// and alerting.
#[derive(Debug, Default, clap::Args)]
pub struct GradingFlags {
    /// Ignore record fields (CSV columns) the contract does not know, for
    /// exports with extra columns. Otherwise they are errors, since a
    /// misspelt finding would read as "not assessed".
    #[arg(long)]
    pub allow_unknown_fields: bool,

    /// Management protocol file (TOML) with the centre's action texts and
    /// intervals; `icans protocol` writes one to start from.
    #[arg(long, value_name = "FILE")]
    pub protocol: Option<PathBuf>,

    /// Exit 3 when a graded record reaches grade N or higher (for alerting
    /// from scripts).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=5))]
    pub fail_at_grade: Option<u8>,
}

impl GradingFlags {
    /// The record reading options these flags ask for.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            allow_unknown_fields: self.allow_unknown_fields,
        }
    }

    /// Whether a grade reaches `--fail-at-grade`.
    pub fn alerts(&self, grade: Option<u8>) -> bool {
        matches!((self.fail_at_grade, grade), (Some(n), Some(g)) if g >= n)
    }
}

/// The record as bedside flags (contract §1 fields and values).
#[derive(Debug, Default, clap::Args)]
#[command(next_help_heading = "Record flags (contract fields; absent = not assessed)")]
pub struct RecordFlags {
    /// Record id, echoed.
    #[arg(long)]
    pub id: Option<String>,
    /// Patient id, echoed.
    #[arg(long)]
    pub patient_id: Option<String>,
    /// Days since cell infusion (day 0 = infusion).
    #[arg(long)]
    pub day: Option<String>,
    /// Time of assessment, RFC 3339.
    #[arg(long)]
    pub assessed_at: Option<String>,
    /// ICE orientation: year, month, city, hospital (0-4).
    #[arg(long, value_name = "0-4")]
    pub orientation: Option<String>,
    /// ICE naming: three objects (0-3).
    #[arg(long, value_name = "0-3")]
    pub naming: Option<String>,
    /// ICE writing: a standard sentence (0-1).
    #[arg(long, value_name = "0-1")]
    pub writing: Option<String>,
    /// ICE attention: count back from 100 by 10 (0-1).
    #[arg(long, value_name = "0-1")]
    pub attention: Option<String>,
    /// ICE commands: follows simple commands (0-1).
    #[arg(long, value_name = "0-1")]
    pub commands: Option<String>,
    /// ICE total, when only the total was recorded (0-10).
    #[arg(long, value_name = "0-10")]
    pub ice_total: Option<String>,
    /// CAPD total, for children under 12 or developmental delay (0-32).
    #[arg(long, value_name = "0-32")]
    pub capd: Option<String>,
    /// alert, awakens_spontaneously (spontaneous), awakens_to_voice (voice),
    /// awakens_to_tactile (tactile), unarousable (stupor, coma).
    #[arg(long, value_name = "LEVEL")]
    pub consciousness: Option<String>,
    /// none, rapidly_resolving (brief), prolonged_or_repetitive (prolonged,
    /// repetitive).
    #[arg(long, value_name = "SEIZURE")]
    pub seizure: Option<String>,
    /// none, tremor_or_myoclonus (tremor, myoclonus; never graded),
    /// deep_focal_weakness (weakness, hemiparesis, paraparesis).
    #[arg(long, value_name = "MOTOR")]
    pub motor: Option<String>,
    /// Raised ICP / cerebral edema: none, focal (local), diffuse.
    #[arg(long, value_name = "EDEMA")]
    pub edema: Option<String>,
    /// A domain attributable to another cause, excluded from the grade
    /// (repeatable): encephalopathy, consciousness, seizure, motor, edema.
    #[arg(long, value_name = "DOMAIN")]
    pub other_cause: Vec<String>,
    /// Concurrent CRS grade (ASTCT, 0-4; 0 = no active CRS).
    #[arg(long, value_name = "0-4")]
    pub crs_grade: Option<String>,
    /// Patient age in years (instrument warnings).
    #[arg(long, value_name = "YEARS")]
    pub age: Option<String>,
    /// Previous ICE total (0-10); a lower total now means ICE is declining.
    #[arg(long, value_name = "0-10")]
    pub previous_ice_total: Option<String>,
    /// Hours since ICANS symptoms began.
    #[arg(long, value_name = "HOURS")]
    pub hours_since_onset: Option<String>,
    /// ICANS is not responding to corticosteroids.
    #[arg(long)]
    pub steroid_refractory: bool,
    /// Death attributed to ICANS (grade 5).
    #[arg(long)]
    pub died_of_icans: bool,
    /// Record seizure, motor and edema as none (a normal neurological exam
    /// beyond ICE and consciousness).
    #[arg(long, conflicts_with_all = ["seizure", "motor", "edema"])]
    pub no_seizure_motor_edema: bool,
}

/// A finding flag's value: the contract name of a bedside alias, or the
/// text as typed.
fn bedside<T: Copy>(
    typed: Option<&str>,
    parse: fn(&str) -> Option<T>,
    name: fn(T) -> &'static str,
) -> Option<&str> {
    typed.map(|t| parse(t).map_or(t, name))
}

impl RecordFlags {
    /// The scalar flags with the contract field each one sets. Findings
    /// typed with a bedside alias (`voice`, `prolonged`) are given their
    /// contract name; anything unrecognised goes on as typed, for the
    /// record builder to reject with the allowed values.
    fn scalars(&self) -> [(Field, Option<&str>); 15] {
        let none_else = self.no_seizure_motor_edema.then_some("none");
        [
            (Field::Id, self.id.as_deref()),
            (Field::PatientId, self.patient_id.as_deref()),
            (Field::Day, self.day.as_deref()),
            (Field::AssessedAt, self.assessed_at.as_deref()),
            (Field::AgeYears, self.age.as_deref()),
            (Field::IceTotal, self.ice_total.as_deref()),
            (Field::Capd, self.capd.as_deref()),
            (
                Field::Consciousness,
                bedside(
                    self.consciousness.as_deref(),
                    Consciousness::from_bedside,
                    Consciousness::as_str,
                ),
            ),
            (
                Field::Seizure,
                bedside(self.seizure.as_deref(), Seizure::from_bedside, Seizure::as_str).or(none_else),
            ),
            (
                Field::Motor,
                bedside(self.motor.as_deref(), Motor::from_bedside, Motor::as_str).or(none_else),
            ),
            (
                Field::Edema,
                bedside(self.edema.as_deref(), Edema::from_bedside, Edema::as_str).or(none_else),
            ),
            (Field::CrsGrade, self.crs_grade.as_deref()),
            (Field::PreviousIceTotal, self.previous_ice_total.as_deref()),
            (Field::HoursSinceOnset, self.hours_since_onset.as_deref()),
            (
                Field::SteroidRefractory,
                self.steroid_refractory.then_some("true"),
            ),
        ]
    }

    /// The ICE item flags, in ICE order.
    fn ice_items(&self) -> [(&'static str, Option<&str>); 5] {
        [
            ("orientation", self.orientation.as_deref()),
            ("naming", self.naming.as_deref()),
            ("writing", self.writing.as_deref()),
            ("attention", self.attention.as_deref()),
            ("commands", self.commands.as_deref()),
        ]
    }

    /// Whether any record flag was given.
    pub fn any(&self) -> bool {
        self.scalars().iter().any(|(_, v)| v.is_some())
            || self.ice_items().iter().any(|(_, v)| v.is_some())
            || !self.other_cause.is_empty()
            || self.died_of_icans
            || self.no_seizure_motor_edema
    }

    /// Validates the flags as a record, through the same builder as JSON.
    pub fn to_record(&self) -> Result<Assessment, Rejected> {
        let mut b = RecordBuilder::new();
        for (field, value) in self.scalars() {
            if let Some(v) = value {
                b.set(field, Value::Text(v));
            }
        }
        if self.died_of_icans {
            b.set(Field::DiedOfIcans, Value::Bool(true));
        }
        let items = self.ice_items();
        if items.iter().any(|(_, v)| v.is_some()) {
            b.begin_ice();
            for (key, value) in items {
                if let Some(v) = value {
                    b.ice_item(key, Value::Text(v));
                }
            }
        }
        if !self.other_cause.is_empty() {
            b.begin_other_cause();
            for name in &self.other_cause {
                for part in name.split([',', ';']).filter(|p| !p.trim().is_empty()) {
                    b.other_cause_item(Value::Text(part));
                }
            }
        }
        let id = b.id().cloned();
        b.finish().map_err(|error| Rejected { id, error })
    }
}

const STDIN_HINT: &str = "\
icans grade: no record given. Give findings as flags, a JSON file, or pipe JSON in:
  icans grade --ice-total 8 --consciousness alert --seizure none --motor none --edema none
  icans grade examples/grade2-adult.json
  echo '{\"ice_total\": 5}' | icans grade -
See `icans grade --help`.";

/// Runs `icans grade`.
pub fn run(args: &Args) -> anyhow::Result<u8> {
    let record = if args.record.any() {
        if args.file.is_some() {
            return Err(UsageError("give the record as flags or as FILE, not both".into()).into());
        }
        args.record.to_record()
    } else {
        if args.file.is_none() && std::io::stdin().is_terminal() {
            eprintln!("{STDIN_HINT}");
            return Ok(exit::USAGE);
        }
        let bytes = super::read_input(args.file.as_deref())?;
        json::read_record(&bytes, args.grading.read_options(), 1)
    };

    let protocol = super::load_protocol(args.grading.protocol.as_deref())?;
    let mut out = std::io::stdout().lock();
    let result = match record {
        Ok(a) => grading::grade_with(&a, &protocol),
        Err(rejected) => {
            if args.format == Format::Json {
                json::write_line(&mut out, &ErrorObject::new(None, None, &rejected))
                    .context("cannot write output")?;
            }
            eprintln!("icans: invalid record: {}", rejected.error);
            return Ok(exit::INVALID);
        }
    };
    match args.format {
        Format::Json => json::write_pretty(&mut out, &result),
        Format::Text => {
            let colour = text::colour_for(std::io::stdout().is_terminal());
            out.write_all(text::card_styled(&result, colour).as_bytes())
        }
    }
    .and_then(|()| out.flush())
    .context("cannot write output")?;

    Ok(if args.grading.alerts(Some(result.grade)) {
        exit::ALERT
    } else {
        exit::OK
    })
}
