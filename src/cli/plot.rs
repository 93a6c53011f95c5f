//! `icans plot course` and `icans plot incidence` (docs/spec.md §11):
//! pictures of a patient's course and of a cohort's cumulative incidence,
//! from the records `summary` reads.

use anyhow::Context as _;
use clap::ValueEnum;

use icans::input::{InputFailure, ReadOptions};
use icans::plot;
use icans::plot::draw::{course as draw_course, incidence as draw_incidence};

use super::exit;
use super::flags::{By, RecordFiles, RecordReading};

/// `--format` values of `plot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlotFormat {
    /// One standalone SVG picture.
    Svg,
    /// One offline HTML page: the pictures and their figures as tables.
    Html,
}

/// Examples of `plot --help`.
const PLOT_HELP: &str = "\
Examples:
  icans plot course examples/cohort.ndjson --patient C-04 -o course.svg
  icans plot incidence examples/cohort.ndjson --by product -o incidence.svg
  icans plot incidence examples/registry/export-raw.csv \\
    --map examples/registry/export-raw.map.toml --by product --format html \\
    -o incidence.html";

/// The exit statuses of both plots.
const PLOT_STATUSES: &[(u8, &str)] = &[
    (exit::OK, "drawn, every record used"),
    (exit::USAGE, "usage error"),
    (
        exit::INVALID,
        "a patient not found or nothing to draw (nothing written), or a record invalid or without patient_id or day (reported, the rest drawn)",
    ),
    (exit::IO, "an input could not be read, or the output not written"),
];

/// Pictures of a patient's course or of a cohort's cumulative incidence
/// (SVG, or one offline HTML page), from the records `summary` reads.
#[derive(Debug, clap::Args)]
#[command(after_help = super::after_help(PLOT_HELP, PLOT_STATUSES))]
pub struct Args {
    #[command(subcommand)]
    pub command: PlotCommand,
}

/// `plot` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum PlotCommand {
    /// One patient's course by day: ICANS and CRS grades as steps, the ICE
    /// or CAPD score and the highest temperature on their own scales, the
    /// corticosteroid, tocilizumab and ICU steps proposed, and the days
    /// ICANS was not assessed or masked (never drawn as 0).
    #[command(after_help = super::after_help(
        "Examples:
  icans plot course examples/cohort.ndjson --patient C-04 -o course.svg
  icans plot course examples/cohort.ndjson --patient C-04 --patient C-08 \\
    --format html -o courses.html",
        PLOT_STATUSES,
    ))]
    Course(CourseArgs),
    /// The crude cumulative incidence of any-grade and grade >= 3 ICANS
    /// (and CRS when recorded) by day since infusion, one line per group,
    /// with the exact 95% interval of each final proportion.
    #[command(after_help = super::after_help(
        "Examples:
  icans plot incidence examples/cohort.ndjson -o incidence.svg
  icans plot incidence examples/registry/export-raw.csv \\
    --map examples/registry/export-raw.map.toml --by product -o incidence.svg",
        PLOT_STATUSES,
    ))]
    Incidence(IncidenceArgs),
}

/// What both plots read and write.
#[derive(Debug, clap::Args)]
pub struct Common {
    #[command(flatten)]
    pub files: RecordFiles,

    /// Output format.
    #[arg(long, value_enum, default_value_t = PlotFormat::Svg)]
    pub format: PlotFormat,

    #[command(flatten)]
    pub output: super::OutputFlag,

    #[command(flatten)]
    pub reading: RecordReading,

    /// Longest record (NDJSON line, JSON array element, CSV line) in bytes;
    /// a longer one is reported, never held in memory.
    #[arg(long, value_name = "BYTES", default_value_t = icans::input::DEFAULT_MAX_RECORD_BYTES)]
    pub max_record_bytes: usize,
}

/// `plot course`'s arguments.
#[derive(Debug, clap::Args)]
pub struct CourseArgs {
    #[command(flatten)]
    pub common: Common,

    /// The patient (`patient_id`); repeat it with `--format html` for
    /// several courses on one page.
    #[arg(long, value_name = "ID", required = true)]
    pub patient: Vec<String>,
}

/// `plot incidence`'s arguments.
#[derive(Debug, clap::Args)]
pub struct IncidenceArgs {
    #[command(flatten)]
    pub common: Common,

    /// One line per product or site (records without the field form the
    /// group "(none)"); without it, one line for all patients.
    #[arg(long, value_name = "FIELD", value_parser = By::only(By::COHORT))]
    pub by: Option<By>,
}

/// Runs `icans plot`.
pub fn run(args: &Args) -> anyhow::Result<u8> {
    match &args.command {
        PlotCommand::Course(a) => course(a),
        PlotCommand::Incidence(a) => incidence(a),
    }
}

impl Common {
    /// The read options, once the output is known not to be an input.
    fn prepare(&self) -> anyhow::Result<(Vec<icans::input::Input>, ReadOptions)> {
        let inputs = self.reading.inputs(&self.files, &self.output)?;
        Ok((inputs, self.reading.options(self.max_record_bytes)?))
    }
}

/// The status once drawn: 74 an input failed, 65 a record not counted.
fn drawn_status(
    failures: &[InputFailure],
    problems: &icans::spill::Listed<icans::input::Refused>,
) -> anyhow::Result<u8> {
    super::report_each(problems)?;
    super::report_failures(failures);
    Ok(if !failures.is_empty() {
        exit::IO
    } else if !problems.is_empty() {
        exit::INVALID
    } else {
        exit::OK
    })
}

/// The status when nothing was drawn: 65, or 74 when an input failed
/// (which outranks it: docs/spec.md §5).
fn not_drawn(
    failures: &[InputFailure],
    problems: &icans::spill::Listed<icans::input::Refused>,
    why: &[String],
) -> anyhow::Result<u8> {
    let status = drawn_status(failures, problems)?;
    for line in why {
        say!("icans: {line}");
    }
    Ok(match status {
        exit::IO => exit::IO,
        _ => exit::INVALID,
    })
}

/// `icans plot course`.
fn course(args: &CourseArgs) -> anyhow::Result<u8> {
    let c = &args.common;
    if c.format == PlotFormat::Svg && args.patient.len() > 1 {
        return Err(super::UsageError(
            "an SVG holds one patient's course: give --patient once, or --format html for several".into(),
        )
        .into());
    }
    let (inputs, read) = c.prepare()?;
    let read_courses =
        plot::courses(&inputs, read, &args.patient).with_context(|| super::spill_context("plot"))?;
    if let Some(code) = super::all_inputs_failed(&read_courses.failures, inputs.len()) {
        return Ok(code);
    }
    let mut plots = Vec::new();
    let mut missing = Vec::new();
    for (want, found) in args.patient.iter().zip(read_courses.plots) {
        match found {
            Ok(p) => plots.push(p),
            Err(plot::NotDrawn::NotFound(near)) => {
                let hint = near.map_or(String::new(), |n| {
                    format!(" (did you mean {}?)", icans::format::text::clean(&n))
                });
                missing.push(format!(
                    "patient {} not found: no record has that patient_id{hint}; nothing written",
                    icans::format::text::clean(want)
                ));
            }
            Err(plot::NotDrawn::NoDay) => missing.push(format!(
                "patient {} has no record with day or assessed_at to place it on a timeline (each is reported above); nothing written",
                icans::format::text::clean(want)
            )),
            Err(plot::NotDrawn::TooManyDays) => missing.push(format!(
                "patient {} has more than {} assessed days, more than plot course draws; nothing written",
                icans::format::text::clean(want),
                plot::MOST_DAYS
            )),
        }
    }
    if !missing.is_empty() {
        return not_drawn(&read_courses.failures, &read_courses.problems, &missing);
    }
    let out = c.output.create()?;
    c.output.finish(out, |out| match c.format {
        PlotFormat::Svg => draw_course::write_svg(out, &plots[0]),
        PlotFormat::Html => draw_course::write_html(out, &plots),
    })?;
    drawn_status(&read_courses.failures, &read_courses.problems)
}

/// `icans plot incidence`.
fn incidence(args: &IncidenceArgs) -> anyhow::Result<u8> {
    let c = &args.common;
    let (inputs, read) = c.prepare()?;
    let by = args.by.map(By::group_by);
    let p = plot::incidence(&inputs, read, by).with_context(|| super::spill_context("plot"))?;
    if let Some(code) = super::all_inputs_failed(&p.failures, inputs.len()) {
        return Ok(code);
    }
    if !p.drawable().context("cannot read back a temporary file")? {
        let why = "nothing to draw: no patient has an assessment with patient_id and day since infusion; nothing written";
        return not_drawn(&p.failures, &p.problems, &[why.to_string()]);
    }
    let out = c.output.create()?;
    c.output.finish(out, |out| match c.format {
        PlotFormat::Svg => draw_incidence::write_svg(out, &p),
        PlotFormat::Html => draw_incidence::write_html(out, &p),
    })?;
    drawn_status(&p.failures, &p.problems)
}
