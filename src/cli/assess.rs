//! `icans assess`: the guided bedside assessment, ending with the same card
//! as `icans grade`.

use std::io::{IsTerminal as _, Write as _};

use anyhow::Context as _;

use icans::format::{json, text};
use icans::grading;
use icans::interview::{self, InterviewError, Settings};

use super::exit;
use super::grade::Format;

/// Examples and notes of `--help` (the exit statuses follow, from `exit`).
const ASSESS_HELP: &str = "\
Examples:
  icans assess                              # at the bedside
  icans assess --emit-record > record.json  # keep the record (card on stderr)
  printf '%s\\n' 54 70 y y y y 3 y y y a a a a 37 a a n none 10 s s \\
    | icans assess
  icans assess --age 7 --weight 22 --patient-id P-3 --day 4 \\
    --emit-record >> course.ndjson

The questions come in one fixed order (the counter shows \"question k of N\"):
age, weight, the eight ICE items (or the eight CAPD questions under 12),
consciousness, seizures, motor, edema, temperature, hypotension, hypoxia,
whether fever is masked, other causes, the previous score, then always the
follow-ups: hours since onset and steroid-refractory (not asked when given
as --hours-since-onset and --steroid-refractory). The count depends on the
path only, never on the grade. A skipped ICE or CAPD item leaves
encephalopathy not assessed; the other questions are still asked.

Menus are lettered (a, b, c, ...): a single character is always an option
letter, and a bare number is refused (typed by habit it would be a grade,
not an option: 4 is not \"unarousable\"). Names and unambiguous beginnings
of two letters or more work too. The CAPD items show each option's points as
the paper form scores that item (items 1-4 never 4 ... always 0, items 5-8
never 0 ... always 4) and take those points (0-4) as answers.

From a pipe, an answer that does not fit its question is an error (asking
again would shift every later answer onto the wrong question).";

/// Guided assessment: the ICE screen item by item (or CAPD for a child),
/// then consciousness, seizures, motor findings, raised ICP / edema and
/// concurrent CRS; ends with the result card.
///
/// Questions go to standard error, answers come from standard input, one
/// per line (a terminal, or a pipe for scripts). Type `skip` to leave a
/// question not assessed and `back` to return to the previous one.
#[derive(Debug, clap::Args)]
#[command(after_help = super::after_help(
    ASSESS_HELP,
    &[
        (exit::OK, "graded"),
        (exit::USAGE, "usage error"),
        (exit::ALERT, "the grade reached --fail-at-grade, or the CRS grade --fail-at-crs-grade"),
        (exit::INVALID, "nothing assessed, an answer that does not fit (from a pipe), or answers left over after the last question (no grade)"),
        (exit::IO, "the answers ended before the last question (no grade is given from a partial assessment)"),
    ],
))]
pub struct Args {
    /// Children's path: CAPD instead of ICE, without asking the age.
    #[arg(long, conflicts_with = "age")]
    pub child: bool,

    /// The patient's age in years (not asked then; under 12 takes CAPD).
    #[arg(long, value_name = "YEARS", value_parser = parse_age)]
    pub age: Option<f64>,

    /// The patient's weight in kg (not asked then), for weight-based doses.
    #[arg(long, value_name = "KG", value_parser = parse_weight)]
    pub weight: Option<f64>,

    /// The weight was checked: no plausibility warning for the age, doses
    /// computed with it (a flag only, never asked).
    #[arg(long)]
    pub weight_confirmed: bool,

    /// Hours since ICANS symptoms began (not asked then).
    #[arg(long, value_name = "HOURS")]
    pub hours_since_onset: Option<String>,

    /// ICANS refractory to corticosteroids (not asked then); `false` to
    /// say it is not.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub steroid_refractory: Option<bool>,

    /// Patient id, put in the record (so that `--emit-record` feeds `icans summary`).
    #[arg(long, value_name = "ID")]
    pub patient_id: Option<String>,

    /// Days since cell infusion, put in the record.
    #[arg(long, value_name = "DAYS")]
    pub day: Option<String>,

    /// Time of assessment (RFC 3339), put in the record.
    #[arg(long, value_name = "TIME")]
    pub assessed_at: Option<String>,

    /// Output format of the result.
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = Format::Text)]
    pub format: Format,

    #[command(flatten)]
    pub output: super::OutputFlag,

    /// Management protocol file (TOML): the centre's action texts and intervals.
    #[arg(long, value_name = "FILE")]
    pub protocol: Option<std::path::PathBuf>,

    /// Print the assessment record as JSON on standard output (to save or
    /// feed to `icans batch`); the result then goes to standard error.
    #[arg(long)]
    pub emit_record: bool,

    #[command(flatten)]
    pub alert: super::flags::AlertFlags,
}

/// A number flag checked against its field's range in the catalogue.
fn number_of(field: icans::grading::Field, what: &str, s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if field.def().kind.accepts_number(x) => Ok(x),
        _ => Err(format!("{s:?} is not {what} (allowed: {})", field.allowed())),
    }
}

fn parse_weight(s: &str) -> Result<f64, String> {
    number_of(icans::grading::Field::WeightKg, "a weight", s)
}

fn parse_age(s: &str) -> Result<f64, String> {
    number_of(icans::grading::Field::AgeYears, "an age", s)
}

/// Runs `icans assess`.
pub fn run(args: &Args) -> anyhow::Result<u8> {
    // Opened before the first question: an output that cannot be written
    // is said before the patient is assessed, not after.
    let mut out = match args.output.open() {
        Ok(out) => out,
        Err(e) => return Ok(args.output.report(&e)),
    };
    let protocol = super::load_protocol(args.protocol.as_deref())?;
    use icans::grading::Field;
    let given: Vec<(Field, String)> = [
        (Field::PatientId, &args.patient_id),
        (Field::Day, &args.day),
        (Field::AssessedAt, &args.assessed_at),
        (Field::HoursSinceOnset, &args.hours_since_onset),
        (
            Field::SteroidRefractory,
            &args.steroid_refractory.map(|b| b.to_string()),
        ),
    ]
    .into_iter()
    .filter_map(|(f, v)| v.clone().map(|v| (f, v)))
    .chain(
        args.weight_confirmed
            .then(|| (Field::WeightConfirmed, "true".to_string())),
    )
    .collect();
    let settings = Settings {
        child: args.child,
        age: args.age,
        weight_kg: args.weight,
        given,
        strict_end: !std::io::stdin().is_terminal(),
    };
    let stdin = std::io::stdin();
    let record = match interview::run(stdin.lock(), std::io::stderr().lock(), settings) {
        Ok(record) => record,
        Err(InterviewError::Invalid(rejected)) => {
            say!("icans: invalid record: {}", rejected.error);
            return Ok(exit::INVALID);
        }
        Err(e @ InterviewError::Ended(_)) => {
            say!("icans assess: {e}");
            return Ok(exit::IO);
        }
        Err(
            e @ (InterviewError::LeftOver(..) | InterviewError::BadAnswer(..) | InterviewError::TooLong(_)),
        ) => {
            say!("icans assess: {e}");
            return Ok(exit::INVALID);
        }
        Err(InterviewError::Io(e)) => return Err(e).context("cannot run the assessment"),
    };
    let result = grading::grade_with(&record, &grading::ASTCT_2019, &protocol);
    // A blank line between the last question and the result.
    say!();

    // The record first, when asked for; a failure to write it still
    // leaves the alert its exit status (below).
    let emitted = match args.emit_record {
        true => json::write_line(&mut out, &record),
        false => Ok(()),
    };
    let to_stdout = !args.emit_record;
    let rendered = match args.format {
        Format::Json => serde_json::to_string_pretty(&result).context("cannot render the result")? + "\n",
        Format::Text => {
            let colour = if to_stdout {
                args.output.colour()
            } else {
                text::colour_for(&std::io::stderr())
            };
            text::card_styled(&result, colour)
        }
    };
    let alert = args.alert.alerts(&result);
    let written = emitted.and_then(|()| {
        if to_stdout {
            out.write_all(rendered.as_bytes()).and_then(|()| out.flush())
        } else {
            out.flush().map(|()| say_inline!("{rendered}"))
        }
    });
    // The grade was reached, whether or not the card could be written.
    args.output.exit_after(written, alert)
}
