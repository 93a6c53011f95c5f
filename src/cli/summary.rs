//! `icans summary` (contract §5): per-patient course and cohort incidence
//! from regraded records.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::ValueEnum;
use serde::Serialize;

use icans::format::json::ErrorObject;
use icans::format::text::{self, DECISION_SUPPORT_NOTE};
use icans::grading::{self, CRITERIA, FieldError, ICANS_VERSION, RecordError};
use icans::input::{self, ReadOptions, RecordRead, Rejected};
use icans::summary::{
    self, AUTOIMMUNE_GRADE3_EVENTS, AUTOIMMUNE_PATIENTS, AUTOIMMUNE_STATED_CI95, COMPARATORS, Cohort,
    Comparator, Course, Incidence, Observation, PatientCourse, Spread,
};

use super::batch::{InFormat, inputs};
use super::exit;

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

/// Per-patient course and cohort incidence (any-grade and grade >= 3 ICANS
/// with exact Clopper-Pearson 95% intervals) from assessment records.
///
/// Records need `patient_id`, and `day` (days since infusion) or, for a
/// patient without any `day`, `assessed_at` (days are then counted from that
/// patient's first assessment). Records may come in any order.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  icans summary examples/records.ndjson
  icans summary export.csv --format json
  icans summary export.ndjson --compare        # beside the published comparators
  icans summary export.ndjson --format csv > courses.csv

Exit status: 0 all records used; 65 a record invalid or without patient_id or day
(reported, the rest summarised); 74 an input could not be read.")]
pub struct Args {
    /// Input files; none or `-` reads standard input.
    pub files: Vec<PathBuf>,

    /// Input format (default: from the file extension, else ndjson).
    #[arg(long, value_enum)]
    pub input_format: Option<InFormat>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,

    /// Ignore fields (columns) the contract does not know.
    #[arg(long)]
    pub allow_unknown_fields: bool,

    /// Show the cohort beside the comparators of the clinical page.
    #[arg(long)]
    pub compare: bool,
}

/// The grade >= 3 interval of the pooled autoimmune cohort, recomputed.
#[derive(Debug, Serialize)]
struct AutoimmuneCheck {
    stated_on_page: &'static str,
    exact: Vec<Incidence>,
}

#[derive(Debug, Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    cohort: &'a Cohort,
    per_patient: &'a [PatientCourse],
    errors: &'a [ErrorObject],
    #[serde(skip_serializing_if = "Option::is_none")]
    comparators: Option<&'a [Comparator]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    autoimmune_grade3_plus: Option<AutoimmuneCheck>,
    ci_method: &'static str,
    criteria: &'static str,
    icans_version: &'static str,
}

const CI_METHOD: &str = "exact Clopper-Pearson, two-sided 95%";

fn missing_patient(read: &RecordRead<'_>, id: Option<&grading::RecordId>) -> ErrorObject {
    let rejected = Rejected {
        id: id.cloned(),
        error: RecordError::Invalid(vec![FieldError {
            field: "patient_id".into(),
            value: None,
            problem: "missing".into(),
            allowed: "a string naming the patient (summary groups assessments by patient)".into(),
        }]),
    };
    ErrorObject::new(Some(read.line), read.file, &rejected)
}

/// Runs `icans summary`.
pub fn run(args: &Args) -> anyhow::Result<u8> {
    let inputs = inputs(&args.files, args.input_format);
    let read = ReadOptions {
        allow_unknown_fields: args.allow_unknown_fields,
    };
    let mut observations = Vec::new();
    // Problems keyed by their place in the input, to report in input order.
    let mut problems: Vec<(usize, ErrorObject)> = Vec::new();
    // Where each valid record was read: (place in the input, line, file, id).
    let mut places: Vec<(usize, usize, Option<String>, Option<grading::RecordId>)> = Vec::new();
    let mut order = 0usize;
    let failures = input::for_each_record(&inputs, read, &mut |r| {
        order += 1;
        match &r.outcome {
            Err(rejected) => problems.push((order, ErrorObject::new(Some(r.line), r.file, rejected))),
            Ok(a) => match &a.patient_id {
                None => problems.push((order, missing_patient(&r, a.id.as_ref()))),
                Some(patient) => {
                    let result = grading::grade(a);
                    let assessed_at = a
                        .assessed_at
                        .as_deref()
                        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                        .map(|t| t.timestamp());
                    places.push((order, r.line, r.file.map(String::from), a.id.clone()));
                    observations.push(Observation {
                        patient_id: patient.clone(),
                        day: a.day,
                        assessed_at,
                        grade: result.grade,
                        complete: result.complete,
                        order: places.len() - 1,
                    });
                }
            },
        }
    });
    let (cohort, courses, unplaced) = summary::summarize(observations);
    for u in unplaced {
        let (place, line, file, id) = places[u.order].clone();
        let field = u.error.split(':').next().map(String::from);
        problems.push((
            place,
            ErrorObject {
                line: Some(line),
                file,
                id,
                error: u.error,
                field,
            },
        ));
    }
    problems.sort_by_key(|(o, _)| *o);
    let problems: Vec<ErrorObject> = problems.into_iter().map(|(_, p)| p).collect();

    let rendered = match args.format {
        SummaryFormat::Json => {
            let report = Report {
                cohort: &cohort,
                per_patient: &courses,
                errors: &problems,
                comparators: args.compare.then_some(&COMPARATORS[..]),
                autoimmune_grade3_plus: args.compare.then(autoimmune_check),
                ci_method: CI_METHOD,
                criteria: CRITERIA,
                icans_version: ICANS_VERSION,
            };
            serde_json::to_string_pretty(&report).context("cannot render the summary")? + "\n"
        }
        SummaryFormat::Csv => courses_csv(&courses)?,
        SummaryFormat::Text => render_text(&cohort, &courses, &problems, args.compare),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(rendered.as_bytes())
        .and_then(|()| out.flush())
        .context("cannot write output")?;
    if args.format != SummaryFormat::Text {
        for p in &problems {
            eprintln!("icans: {p}");
        }
    }
    for f in &failures {
        eprintln!("icans: cannot read {}: {}", f.name, f.error);
    }
    Ok(if !failures.is_empty() {
        exit::IO
    } else if !problems.is_empty() {
        exit::INVALID
    } else {
        exit::OK
    })
}

fn autoimmune_check() -> AutoimmuneCheck {
    AutoimmuneCheck {
        stated_on_page: AUTOIMMUNE_STATED_CI95,
        exact: AUTOIMMUNE_GRADE3_EVENTS
            .iter()
            .map(|&n| Incidence::of(n, AUTOIMMUNE_PATIENTS))
            .collect(),
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn course_name(c: Course) -> &'static str {
    match c {
        Course::NoIcans => "no ICANS",
        Course::Resolved => "resolved",
        Course::Unresolved => "unresolved",
    }
}

fn incidence_row(out: &mut String, label: &str, i: &Incidence) {
    let _ = writeln!(
        out,
        "  {label:<18} {:>9} {:>7.1}%   {:.1}% - {:.1}%",
        format!("{}/{}", i.n, i.total),
        i.percent,
        i.ci95[0],
        i.ci95[1]
    );
}

fn onset_line(s: Option<Spread>) -> String {
    match s {
        None => "-".to_string(),
        Some(s) => format!(
            "median day {} (range {}-{}), {} patient(s)",
            s.median, s.min, s.max, s.n
        ),
    }
}

fn duration_line(s: Option<Spread>) -> String {
    match s {
        None => "- (no resolved patient)".to_string(),
        Some(s) => format!(
            "median {} days (range {}-{}), {} resolved patient(s)",
            s.median, s.min, s.max, s.n
        ),
    }
}

fn render_text(
    cohort: &Cohort,
    courses: &[PatientCourse],
    problems: &[ErrorObject],
    compare: bool,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "ICANS cohort summary ({CRITERIA}): {} patients, {} assessments",
        cohort.patients, cohort.assessments
    );
    out.push('\n');
    let _ = writeln!(out, "  {:<18} {:>9} {:>8}   95% CI (exact)", "", "n/N", "%");
    incidence_row(&mut out, "Any-grade ICANS", &cohort.any_grade);
    incidence_row(&mut out, "Grade >= 3 ICANS", &cohort.grade3_plus);
    out.push('\n');
    let counts: Vec<String> = cohort
        .worst_grade_counts
        .iter()
        .map(|(g, n)| format!("{g}: {n}"))
        .collect();
    let _ = writeln!(out, "  Worst grade        {}", counts.join("   "));
    let _ = writeln!(out, "  Onset              {}", onset_line(cohort.onset_day));
    let _ = writeln!(
        out,
        "  Duration           {}",
        duration_line(cohort.duration_days)
    );
    let _ = writeln!(
        out,
        "  Unresolved         {} patient(s) with ICANS at the last assessment",
        cohort.unresolved
    );
    if cohort.patients_with_incomplete_assessments > 0 {
        let _ = writeln!(
            out,
            "  Incomplete         {} patient(s): some grades are lower bounds",
            cohort.patients_with_incomplete_assessments
        );
    }
    let _ = writeln!(out, "  Intervals: {CI_METHOD}.");

    out.push_str("\nPer patient\n");
    let _ = writeln!(
        out,
        "  {:<12} {:>6} {:>11} {:>5} {:>5} {:>8}  {:<10} incomplete",
        "patient", "assmts", "worst (day)", "onset", "days", "resolved", "course"
    );
    for c in courses {
        let basis = if c.day_basis == summary::DayBasis::FirstAssessment {
            " *"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {:<12} {:>6} {:>11} {:>5} {:>5} {:>8}  {:<10} {}{basis}",
            c.patient_id,
            c.assessments,
            format!("{} ({})", c.worst_grade, c.worst_grade_day),
            opt(c.onset_day),
            c.days_with_icans,
            opt(c.resolution_day),
            course_name(c.course),
            if c.any_incomplete { "yes" } else { "no" },
        );
    }
    out.push_str("  (days: days with ICANS; onset and resolved: the day of the first grade >= 1\n  and of the first return to grade 0)\n");
    if courses
        .iter()
        .any(|c| c.day_basis == summary::DayBasis::FirstAssessment)
    {
        out.push_str(
            "  * no `day` recorded: days counted from the patient's first assessment (assessed_at)\n",
        );
    }

    if !problems.is_empty() {
        let _ = writeln!(out, "\nNot counted: {} record(s)", problems.len());
        for p in problems {
            text::wrapped(&mut out, &p.to_string(), "  ! ", "    ");
        }
    }

    if compare {
        out.push_str("\nBeside the comparators of the clinical page\n");
        let _ = writeln!(
            out,
            "  {:<22} {:<18} {:>9}   grade >= 3",
            "product", "indication", "any grade"
        );
        let _ = writeln!(
            out,
            "  {:<22} {:<18} {:>8.1}%   {:.1}%",
            "this cohort",
            format!("n = {}", cohort.patients),
            cohort.any_grade.percent,
            cohort.grade3_plus.percent
        );
        for c in COMPARATORS {
            let _ = writeln!(
                out,
                "  {:<22} {:<18} {:>9}   {}",
                c.short, c.indication, c.any_grade, c.grade3_plus
            );
        }
        let sources: Vec<String> = COMPARATORS
            .iter()
            .map(|c| format!("{} {}: {}", c.short, c.indication, c.source))
            .collect();
        text::wrapped(&mut out, &format!("Sources: {}.", sources.join("; ")), "  ", "  ");
        let check = autoimmune_check();
        let exact: Vec<String> = check
            .exact
            .iter()
            .map(|i| format!("{}/{}: {:.2}% - {:.2}%", i.n, i.total, i.ci95[0], i.ci95[1]))
            .collect();
        text::wrapped(
            &mut out,
            &format!(
                "Pooled autoimmune grade >= 3: the page states a 95% CI of {} for 0-1 events in {} patients; exact Clopper-Pearson gives {}.",
                check.stated_on_page,
                AUTOIMMUNE_PATIENTS,
                exact.join(" and ")
            ),
            "  ",
            "  ",
        );
        text::wrapped(
            &mut out,
            "Published rates come from different products, doses, diseases and grading eras: a guide, not a test.",
            "  ",
            "  ",
        );
    }

    out.push('\n');
    text::wrapped(&mut out, text::CRITERIA_LINE, "", "  ");
    text::wrapped(&mut out, DECISION_SUPPORT_NOTE, "", "  ");
    out
}

fn courses_csv(courses: &[PatientCourse]) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "patient_id",
        "assessments",
        "worst_grade",
        "worst_grade_day",
        "onset_day",
        "days_with_icans",
        "resolution_day",
        "course",
        "episodes",
        "any_incomplete",
        "day_basis",
    ])?;
    for c in courses {
        let course = serde_json::to_value(c.course)?;
        let basis = serde_json::to_value(c.day_basis)?;
        w.write_record([
            c.patient_id.clone(),
            c.assessments.to_string(),
            c.worst_grade.to_string(),
            c.worst_grade_day.to_string(),
            c.onset_day.map(|d| d.to_string()).unwrap_or_default(),
            c.days_with_icans.to_string(),
            c.resolution_day.map(|d| d.to_string()).unwrap_or_default(),
            course.as_str().unwrap_or_default().to_string(),
            c.episodes.to_string(),
            c.any_incomplete.to_string(),
            basis.as_str().unwrap_or_default().to_string(),
        ])?;
    }
    Ok(String::from_utf8(
        w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?,
    )?)
}
