//! Flags shared by several commands: how records are read and graded
//! (`grade`, `batch`), and the record itself as flags (`grade`), derived
//! from the field catalogue: one flag per field, with its value name,
//! possible values (each with its ASTCT description) and help.

use std::ffi::OsStr;
use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Arg, ArgAction, ArgMatches, Command, FromArgMatches, ValueEnum};

use icans::grading::catalogue::{Choice, FREQUENCIES, Field, Item, Kind, Scoring};
use icans::grading::{Assessment, RecordBuilder, Value};
use icans::input::{Input, InputFormat, ReadOptions, Refused, Source};

/// `--input-format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InFormat {
    /// One JSON record per line.
    Ndjson,
    /// A JSON array of records.
    Json,
    /// CSV with a header row of field names.
    Csv,
    /// CSV with tabs between the cells (the default for a .tsv file).
    Tsv,
}

impl InFormat {
    /// The library's input format.
    pub fn format(self) -> InputFormat {
        match self {
            InFormat::Ndjson => InputFormat::Ndjson,
            InFormat::Json => InputFormat::Json,
            InFormat::Csv => InputFormat::Csv,
            InFormat::Tsv => InputFormat::Tsv,
        }
    }
}

/// The inputs of FILE... arguments: standard input when none (or `-`); the
/// format from `--input-format`, else the extension, else CSV when a
/// `--delimiter` is given (a `.txt` export cut by `|`: contract v4 §8),
/// else NDJSON.
pub fn inputs(files: &[PathBuf], given: Option<InFormat>, delimiter: Option<u8>) -> Vec<Input> {
    let given = given.map(InFormat::format);
    let otherwise = if delimiter.is_some() {
        InputFormat::Csv
    } else {
        InputFormat::Ndjson
    };
    if files.is_empty() {
        return vec![Input {
            source: Source::Stdin,
            format: given.unwrap_or(otherwise),
        }];
    }
    files
        .iter()
        .map(|p| Input {
            source: if p.as_os_str() == "-" {
                Source::Stdin
            } else {
                Source::File(p.clone())
            },
            format: given.or_else(|| InputFormat::from_path(p)).unwrap_or(otherwise),
        })
        .collect()
}

/// The record files `summary`, `audit` and `plot` read: first among
/// their flags.
#[derive(Debug, clap::Args)]
pub struct RecordFiles {
    /// Input files; none or `-` reads standard input.
    pub files: Vec<PathBuf>,

    /// Input format (default: from the file extension, else ndjson).
    #[arg(long, value_enum)]
    pub input_format: Option<InFormat>,
}

/// How `summary`, `audit` and `plot` read their records: the CSV
/// delimiter and raw cells, and the read flags (after the output flags).
#[derive(Debug, clap::Args)]
pub struct RecordReading {
    #[command(flatten)]
    pub delimiter: DelimiterFlag,

    #[command(flatten)]
    pub csv_raw: CsvRawFlag,

    #[command(flatten)]
    pub read: ReadFlags,
}

impl RecordReading {
    /// The inputs of `files`, once the output is known not to be one of
    /// them (CSV cells raw or not from here on).
    pub fn inputs(&self, files: &RecordFiles, output: &super::OutputFlag) -> anyhow::Result<Vec<Input>> {
        self.csv_raw.apply();
        let inputs = inputs(&files.files, files.input_format, self.delimiter.delimiter);
        output.not_an_input(super::read_paths(&files.files))?;
        Ok(inputs)
    }

    /// The read options, with the command's longest record.
    pub fn options(&self, max_record_bytes: usize) -> anyhow::Result<ReadOptions> {
        Ok(ReadOptions {
            max_record_bytes,
            delimiter: self.delimiter.delimiter,
            ..self.read.read_options()?
        })
    }
}

/// `--csv-raw`, on the commands that write CSV (docs/spec.md §10, v4).
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct CsvRawFlag {
    /// Write CSV text cells as they are. By default a cell that begins
    /// with =, +, -, @, a tab or a carriage return (and is not a number) is
    /// written after a ' so that a spreadsheet never runs it as a formula.
    #[arg(long)]
    pub csv_raw: bool,
}

impl CsvRawFlag {
    /// Sets how CSV text cells are written, before any output.
    pub fn apply(self) {
        icans::format::csv::set_raw(self.csv_raw);
    }
}

/// `--delimiter`, on the commands that read or write CSV.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct DelimiterFlag {
    /// The character between CSV cells, in and out: `,` by default (a tab
    /// for a .tsv input); `'\t'` or `tab` for TSV, `;` for exports from
    /// spreadsheets that write decimal commas.
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
}

impl DelimiterFlag {
    /// The delimiter of CSV output: the one given, else a comma.
    pub fn output(self) -> u8 {
        self.delimiter.unwrap_or(b',')
    }
}

/// A delimiter as typed: one ASCII character other than a quote or a line
/// end, or `\t` / `tab` for a tab (a shell passes `'\t'` as two
/// characters).
pub fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "\\t" | "tab" | "\t" => Ok(b'\t'),
        _ => match s.as_bytes() {
            [b] if b.is_ascii() && !matches!(b, b'"' | b'\n' | b'\r') && !b.is_ascii_alphanumeric() => Ok(*b),
            _ => Err(format!(
                "{s:?} is not a delimiter (allowed: one character such as , ; | or '\\t' for a tab; not a quote, letter, digit or line end)"
            )),
        },
    }
}

/// How records are read, for every command that reads them (`grade`,
/// `batch`, `summary`, `audit`).
#[derive(Debug, clap::Args)]
pub struct ReadFlags {
    /// Ignore record fields (CSV columns) the contract does not know, for
    /// exports with extra columns. Otherwise they are errors, since a
    /// misspelt finding would read as "not assessed".
    #[arg(long)]
    pub allow_unknown_fields: bool,

    /// A site's map file (TOML): export columns, coded values, checkboxes,
    /// missing codes and boolean spellings; `icans map init FILE` writes one
    /// to start from.
    #[arg(long, value_name = "MAP")]
    pub map: Option<PathBuf>,
}

impl ReadFlags {
    /// The record reading options these flags ask for.
    pub fn read_options(&self) -> anyhow::Result<ReadOptions> {
        Ok(ReadOptions {
            allow_unknown_fields: self.allow_unknown_fields,
            map: load_map(self.map.as_deref())?,
            ..ReadOptions::default()
        })
    }
}

/// The flags of the commands that show a management step and alert on a
/// grade (`grade`, `batch`): how records are read, the protocol, the alert.
#[derive(Debug, clap::Args)]
pub struct GradingFlags {
    #[command(flatten)]
    pub read: ReadFlags,

    /// Management protocol file (TOML) with the centre's action texts and
    /// intervals; `icans protocol` writes one to start from.
    #[arg(long, value_name = "FILE")]
    pub protocol: Option<PathBuf>,

    #[command(flatten)]
    pub alert: AlertFlags,
}

impl GradingFlags {
    /// The record reading options these flags ask for.
    pub fn read_options(&self) -> anyhow::Result<ReadOptions> {
        self.read.read_options()
    }
}

use icans::batch::reaches;

/// The alerts of the commands that grade (`grade`, `assess`, `batch`): exit
/// 3 at an ICANS grade or a CRS grade (docs/spec.md §5).
#[derive(Debug, clap::Args)]
pub struct AlertFlags {
    /// Exit 3 when a graded record reaches ICANS grade N or higher (for
    /// alerting from scripts; never a record whose ICANS was not assessed).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=5))]
    pub fail_at_grade: Option<u8>,

    /// Exit 3 when a graded record reaches CRS grade N or higher (beside
    /// --fail-at-grade, which is the ICANS grade).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=5))]
    pub fail_at_crs_grade: Option<u8>,
}

impl AlertFlags {
    /// Whether a result reaches `--fail-at-grade` (its ICANS grade; never
    /// when ICANS was not assessed) or `--fail-at-crs-grade` (its CRS
    /// grade).
    pub fn alerts(&self, result: &icans::grading::Grading) -> bool {
        let crs = result.crs.as_ref().map(|c| c.grade);
        reaches(self.fail_at_grade, result.grade) || reaches(self.fail_at_crs_grade, crs)
    }

    /// Whether either alert is asked for.
    pub fn any(&self) -> bool {
        self.fail_at_grade.is_some() || self.fail_at_crs_grade.is_some()
    }
}

/// Takes any text (the record builder judges it, so that a bad value is a
/// record error naming the field, exit 65), but tells help and completions
/// the possible values, each with its description and bedside aliases.
#[derive(Clone)]
struct Findings(&'static [Choice]);

impl TypedValueParser for Findings {
    type Value = String;

    fn parse_ref(&self, cmd: &Command, arg: Option<&Arg>, value: &OsStr) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.0.iter().map(|c| {
            let help = if c.aliases.is_empty() {
                c.description.to_string()
            } else {
                format!("{} (also: {})", c.description, c.aliases.join(", "))
            };
            PossibleValue::new(c.wire).help(help)
        })))
    }
}

/// What a record flag sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Field(Field),
    Item(Field, &'static Item),
}

/// The record flags of the catalogue, in catalogue order: `(id, target)`.
fn record_flags() -> Vec<(&'static str, Target)> {
    let mut flags = Vec::new();
    for &field in Field::ALL {
        let def = field.def();
        match def.kind {
            Kind::Items(items) => flags.extend(items.iter().map(|i| (i.flag, Target::Item(field, i)))),
            _ if def.flag.is_empty() => {}
            _ => flags.push((def.flag, Target::Field(field))),
        }
    }
    flags
}

/// The flag of one record field, from its catalogue entry.
fn flag_arg(id: &'static str, target: Target) -> Arg {
    let arg = Arg::new(id).long(id);
    let Target::Field(field) = target else {
        let Target::Item(_, item) = target else { return arg };
        return match item.scoring {
            Scoring::Points => arg
                .value_name(format!("0-{}", item.max))
                .allow_negative_numbers(true)
                .help(format!("{} (0-{})", item.help, item.max)),
            Scoring::Frequency { .. } => arg
                .value_name("ANSWER")
                .value_parser(Findings(FREQUENCIES))
                .help(format!("CAPD: {}", item.help)),
        };
    };
    let def = field.def();
    match def.kind {
        Kind::Boolean => arg.action(ArgAction::SetTrue).help(def.help),
        Kind::Choice(choices) => arg
            .value_name(def.unit)
            .value_parser(Findings(choices))
            .help(def.help),
        Kind::Domains(choices) => arg
            .value_name(def.unit)
            .action(ArgAction::Append)
            .value_parser(Findings(choices))
            .help(format!("{} (repeatable, or comma separated)", def.help)),
        Kind::Integer { min, max: Some(max) } if max < i64::from(u32::MAX) => arg
            .value_name(format!("{min}-{max}"))
            .allow_negative_numbers(true)
            .help(format!("{} ({min}-{max})", def.help)),
        Kind::Integer { .. } | Kind::Number { .. } => arg
            .value_name(def.unit)
            .allow_negative_numbers(true)
            .help(def.help),
        _ => arg.value_name(def.unit).help(def.help),
    }
}

const NO_SEIZURE_MOTOR_EDEMA: &str = "no-seizure-motor-edema";
const NO_FEVER: &str = "no-fever";

/// The record as command-line flags: one per catalogue field (the ICE
/// items one each), values kept as typed for the record builder.
#[derive(Debug, Default)]
pub struct RecordFlags {
    given: Vec<(Target, Vec<String>)>,
    no_seizure_motor_edema: bool,
    no_fever: bool,
}

impl clap::Args for RecordFlags {
    fn augment_args(cmd: Command) -> Command {
        let mut cmd = cmd.next_help_heading("Record flags (contract fields; absent = not assessed)");
        for (id, target) in record_flags() {
            cmd = cmd.arg(flag_arg(id, target));
        }
        let bulk = [Field::Seizure, Field::Motor, Field::Edema].map(|f| f.def().flag);
        cmd = cmd.arg(
            Arg::new(NO_FEVER)
                .long(NO_FEVER)
                .action(ArgAction::SetTrue)
                .conflicts_with(Field::Fever.def().flag)
                .help(concat!("No fever (below ", icans::fever_celsius!(), " C)")),
        );
        cmd.arg(
            Arg::new(NO_SEIZURE_MOTOR_EDEMA)
                .long(NO_SEIZURE_MOTOR_EDEMA)
                .action(ArgAction::SetTrue)
                .conflicts_with_all(bulk)
                .help("Record seizure, motor and edema as none (a normal neurological exam beyond ICE and consciousness)"),
        )
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

impl FromArgMatches for RecordFlags {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut given = Vec::new();
        for (id, target) in record_flags() {
            let values: Vec<String> = match target {
                Target::Field(f) if f.def().kind == Kind::Boolean => {
                    if m.get_flag(id) {
                        vec!["true".into()]
                    } else {
                        Vec::new()
                    }
                }
                _ => m
                    .get_many::<String>(id)
                    .map(|v| v.cloned().collect())
                    .unwrap_or_default(),
            };
            if !values.is_empty() {
                given.push((target, values));
            }
        }
        Ok(RecordFlags {
            given,
            no_seizure_motor_edema: m.get_flag(NO_SEIZURE_MOTOR_EDEMA),
            no_fever: m.get_flag(NO_FEVER),
        })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

/// A finding typed at the bedside (`voice`, `tactile`) given its wire
/// name; anything unrecognised goes on as typed, for the record builder to
/// reject with the allowed values.
fn bedside(choices: &[Choice], typed: &str) -> String {
    choices
        .iter()
        .find(|c| c.matches_bedside(typed))
        .map_or_else(|| typed.to_string(), |c| c.wire.to_string())
}

impl RecordFlags {
    /// Whether any record flag was given.
    pub fn any(&self) -> bool {
        !self.given.is_empty() || self.no_seizure_motor_edema || self.no_fever
    }

    /// Validates the flags as a record, through the same builder as JSON.
    pub fn to_record(&self) -> Result<Assessment, Refused> {
        let mut b = RecordBuilder::new();
        let mut begun: Vec<Field> = Vec::new();
        let set = |b: &mut RecordBuilder, field: Field, values: &[String]| match field.def().kind {
            Kind::Boolean => b.set(field, Value::Bool(true)),
            Kind::Choice(choices) => {
                let typed = values.first().map(String::as_str).unwrap_or_default();
                b.set(field, Value::Text(&bedside(choices, typed)));
            }
            Kind::Domains(_) => {
                b.begin_other_cause();
                for name in values.iter().flat_map(|v| v.split([',', ';'])) {
                    if !name.trim().is_empty() {
                        b.other_cause_item(Value::Text(name));
                    }
                }
            }
            _ => b.set(
                field,
                Value::Text(values.first().map(String::as_str).unwrap_or_default()),
            ),
        };
        for (target, values) in &self.given {
            match target {
                Target::Field(f) => set(&mut b, *f, values),
                Target::Item(field, item) => {
                    if !begun.contains(field) {
                        begun.push(*field);
                        b.begin_object(*field);
                    }
                    let typed = values.first().map(String::as_str).unwrap_or_default();
                    let typed = match item.scoring {
                        Scoring::Points => typed.to_string(),
                        Scoring::Frequency { .. } => typed.trim().to_ascii_lowercase(),
                    };
                    b.object_item(*field, item.key, Value::Text(&typed));
                }
            }
        }
        if self.no_fever {
            b.set(Field::Fever, Value::Bool(false));
        }
        if self.no_seizure_motor_edema {
            for f in [Field::Seizure, Field::Motor, Field::Edema] {
                set(&mut b, f, &["none".to_string()]);
            }
        }
        icans::input::finish(b).map_err(|mut rejected| {
            if let icans::grading::RecordError::Invalid(errors) = &mut rejected.error {
                for e in errors.iter_mut() {
                    name_flags(e);
                }
            }
            rejected
        })
    }
}

/// A record error told in the flags' words, from the error's structure
/// (never its text): the flag of the field or item (`ice.writing` ->
/// `--writing`), and the flags of missing items (`ice: missing writing` ->
/// `ICE flags: missing --writing`).
fn name_flags(e: &mut icans::grading::FieldError) {
    let Some(field) = e.about else {
        return;
    };
    let flag_of_item = |items: &[icans::grading::catalogue::Item], key: &str| {
        items
            .iter()
            .find(|i| i.key == key)
            .map(|i| format!("--{}", i.flag))
    };
    match (field.def().kind, e.item) {
        (Kind::Items(items), Some(item)) => {
            if let Some(flag) = flag_of_item(items, item) {
                e.field = flag;
            }
        }
        (Kind::Items(items), None) if !e.missing.is_empty() => {
            let flags: Vec<String> = e
                .missing
                .iter()
                .map(|k| flag_of_item(items, k).unwrap_or_else(|| k.to_string()))
                .collect();
            e.problem = format!("missing {}", flags.join(", "));
            let all: Vec<String> = items.iter().map(|i| format!("--{}", i.flag)).collect();
            e.allowed = format!("all of {}", all.join(", ")).into();
            e.field = match field {
                Field::Ice => "ICE flags".to_string(),
                _ => "CAPD flags".to_string(),
            };
        }
        (_, None) if !field.def().flag.is_empty() => e.field = format!("--{}", field.def().flag),
        _ => {}
    }
}

/// The map file of `--map`, read once for the whole run. An unreadable file
/// is an input failure (74); an invalid map a usage error (2).
pub fn load_map(
    path: Option<&std::path::Path>,
) -> anyhow::Result<Option<&'static icans::input::map::SiteMap>> {
    let map = read_map(path)?;
    if let Some(map) = map {
        map.ready().map_err(super::UsageError)?;
    }
    Ok(map)
}

/// Reads a map file, `"?"` entries and all (`map check` reports them).
pub fn read_map(
    path: Option<&std::path::Path>,
) -> anyhow::Result<Option<&'static icans::input::map::SiteMap>> {
    let Some(path) = path else { return Ok(None) };
    let bytes = super::read_small_file(path, "map")?;
    let text = String::from_utf8(bytes).map_err(|e| {
        super::UsageError(format!(
            "invalid map {}: not UTF-8 at byte {} (allowed: a UTF-8 TOML file)",
            super::shown(path),
            e.utf8_error().valid_up_to()
        ))
    })?;
    // The map's name, in every message that names it, with its control
    // characters escaped.
    let map = icans::input::map::SiteMap::parse(&text, &super::shown(path)).map_err(super::UsageError)?;
    // Local date-times are read in TZ: one that is no time zone would
    // silently become UTC and shift every assessed_at (docs/spec.md §10).
    if map.reads_local_time() {
        super::platform::time_zone_problem().map_or(Ok(()), |why| Err(super::UsageError(why)))?;
    }
    // One map for the whole run: kept for the life of the process.
    Ok(Some(Box::leak(Box::new(map))))
}

/// What `--by` groups records by, on every command that takes it
/// (`summary`, `audit`, `plot incidence`): one enum, each command taking
/// the values that mean something for it ([`By::only`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    /// The cell product (`product`).
    Product,
    /// The treating site (`site`).
    Site,
    /// The scale of the recorded grade.
    RecordedScale,
    /// The scale of the recorded CRS grade.
    RecordedCrsScale,
}

impl By {
    /// The values of `summary --by` and `plot incidence --by`.
    pub const COHORT: &'static [By] = &[By::Product, By::Site];
    /// The values of `audit --by`.
    pub const AUDIT: &'static [By] = &[By::Product, By::Site, By::RecordedScale, By::RecordedCrsScale];

    /// A parser of `--by` taking only `allowed`, each value with its help.
    pub fn only(allowed: &'static [By]) -> impl clap::builder::TypedValueParser<Value = By> {
        clap::builder::PossibleValuesParser::new(allowed.iter().filter_map(|b| b.to_possible_value()))
            .try_map(|name| By::from_str(&name, true))
    }

    /// The library's grouping.
    pub const fn group_by(self) -> icans::summary::GroupBy {
        match self {
            By::Product => icans::summary::GroupBy::Product,
            By::Site => icans::summary::GroupBy::Site,
            By::RecordedScale => icans::summary::GroupBy::RecordedScale,
            By::RecordedCrsScale => icans::summary::GroupBy::RecordedCrsScale,
        }
    }
}
