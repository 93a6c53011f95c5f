//! The summary rendered (docs/spec.md §5 `icans summary`): text tables for
//! people, one JSON object, or the per-patient courses as CSV.

use std::fmt::Write as _;
use std::io::{self, Write as _};

use serde::Serialize;

use crate::format::csv::io_error;
use crate::format::text::{self, DECISION_SUPPORT_NOTE, PIECE_BYTES, drain};
use crate::grading::{CRITERIA, ICANS_VERSION};
use crate::input::Refused;
use crate::spill::Listed;
use crate::summary::{
    self, AUTOIMMUNE_GRADE3_EVENTS, AUTOIMMUNE_PATIENTS, AUTOIMMUNE_STATED_CI95, COMPARATORS, Comparator,
    Course, Incidence, PatientCourse, Spread, Summary,
};

/// The grade >= 3 interval of the pooled autoimmune cohort, recomputed.
#[derive(Debug, Serialize)]
struct AutoimmuneCheck {
    stated_on_page: &'static str,
    exact: Vec<Incidence>,
}

#[derive(Debug, Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    cohort: &'a summary::Cohort,
    per_patient: &'a Listed<PatientCourse>,
    errors: &'a Listed<Refused>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comparators: Option<&'a [Comparator]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    autoimmune_grade3_plus: Option<AutoimmuneCheck>,
    /// The figures per group (`--by`), null without.
    by: Option<&'a summary::Grouping>,
    ci_method: &'static str,
    criteria: &'static str,
    icans_version: &'static str,
}

/// How the intervals are computed, as every output says.
pub const CI_METHOD: &str = "exact Clopper-Pearson, two-sided 95%";

/// Writes the summary as one JSON object (pretty), with the comparators
/// when `compare`; the lists are read as they are written.
pub fn write_json(w: &mut dyn io::Write, s: &Summary, compare: bool) -> io::Result<()> {
    let report = Report {
        cohort: &s.cohort,
        per_patient: &s.courses,
        errors: &s.problems,
        comparators: compare.then_some(&COMPARATORS[..]),
        autoimmune_grade3_plus: compare.then(autoimmune_check),
        by: s.by.as_ref(),
        ci_method: CI_METHOD,
        criteria: CRITERIA,
        icans_version: ICANS_VERSION,
    };
    let mut w = io::BufWriter::with_capacity(PIECE_BYTES, w);
    serde_json::to_writer_pretty(&mut w, &report)?;
    w.write_all(b"\n")?;
    w.flush()
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

/// The course in words, with why it is unresolved.
fn course_words(c: &PatientCourse) -> String {
    match (c.course, c.unresolved_because) {
        (Course::NotAssessed, _) => "ICANS not assessed".into(),
        (Course::NoIcans, _) => "no ICANS".into(),
        (Course::Resolved, _) => "resolved".into(),
        (Course::Unresolved, Some(why)) => format!("unresolved: {}", why.word()),
        (Course::Unresolved, None) => "unresolved".into(),
    }
}

/// "1 day", "0.5 days", "3 days".
fn days(n: f64) -> String {
    if n == 1.0 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// "1 patient", "2 patients".
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn incidence_row(out: &mut String, label: &str, i: &Incidence) {
    if i.total == 0 {
        let _ = writeln!(out, "  {label:<18} {:>9} {:>8}   - (no patients)", "0/0", "-");
        return;
    }
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
        Some(s) if s.min == s.max => format!("day {}, {}", s.min, plural(s.n, "patient")),
        Some(s) => format!(
            "median day {} (range {}-{}), {}",
            s.median,
            s.min,
            s.max,
            plural(s.n, "patient")
        ),
    }
}

fn duration_line(s: Option<Spread>) -> String {
    match s {
        None => "- (no resolved patient)".to_string(),
        Some(s) => spread_words(
            s.n,
            s.median,
            (i64::from(s.min), i64::from(s.max)),
            "-",
            "resolved patient",
        ),
    }
}

/// A spread of days in words: "4 days, 1 patient" when every value is the
/// same, else "median 4 days (range 2-7), 3 patients"; `to` joins the range
/// ("-", or " to " where a value may be negative).
fn spread_words(n: usize, median: f64, (min, max): (i64, i64), to: &str, noun: &str) -> String {
    if min == max {
        format!("{}, {}", days(min as f64), plural(n, noun))
    } else {
        format!(
            "median {} (range {min}{to}{max}), {}",
            days(median),
            plural(n, noun)
        )
    }
}

/// "n/N  p% (low-high)", or "-" without patients.
pub(crate) fn incidence_cell(i: &Incidence) -> String {
    if i.total == 0 {
        return "-".to_string();
    }
    format!(
        "{}/{} {:.1}% ({:.1}-{:.1})",
        i.n, i.total, i.percent, i.ci95[0], i.ci95[1]
    )
}

/// The figures per group as the clinical page's incidence table: group,
/// patients, any-grade and grade >= 3 ICANS with exact intervals.
fn group_table(out: &mut String, by: &summary::Grouping, w: &mut dyn io::Write) -> io::Result<()> {
    let _ = writeln!(out, "\nBy {} (each group as its records alone)", by.field);
    let _ = writeln!(
        out,
        "  {:<18} {:>8}  {:<27} grade >= 3 ICANS (95% CI)",
        by.field, "patients", "any-grade ICANS (95% CI)"
    );
    for group in by.groups.iter() {
        let (group, c) = group?;
        let name = if group.is_empty() {
            "(none)".to_string()
        } else {
            text::clean(&group).into_owned()
        };
        let line = format!(
            "  {:<18} {:>8}  {:<27} {}",
            name,
            c.patients,
            incidence_cell(&c.any_grade),
            incidence_cell(&c.grade3_plus)
        );
        let _ = writeln!(out, "{}", line.trim_end());
        drain(out, w, false)?;
    }
    Ok(())
}

/// The cohort line and its incidence table: ICANS over the patients with a
/// record that assessed ICANS, CRS over those with CRS information
/// (docs/spec.md §2, v4).
fn incidence_table(out: &mut String, cohort: &crate::summary::Cohort) {
    let _ = write!(
        out,
        "ICANS cohort summary ({CRITERIA}): {}, {}",
        plural(cohort.patients as usize, "patient"),
        plural(cohort.assessments as usize, "assessment")
    );
    if cohort.crs_any_grade.is_some() {
        let _ = write!(
            out,
            "; CRS information for {}",
            plural(cohort.crs_patients as usize, "patient")
        );
    }
    out.push_str("\n\n");
    let _ = writeln!(out, "  {:<18} {:>9} {:>8}   95% CI (exact)", "", "n/N", "%");
    incidence_row(out, "Any-grade ICANS", &cohort.any_grade);
    incidence_row(out, "Grade >= 3 ICANS", &cohort.grade3_plus);
    if let (Some(any), Some(severe)) = (&cohort.crs_any_grade, &cohort.crs_grade3_plus) {
        incidence_row(out, "Any-grade CRS", any);
        incidence_row(out, "Grade >= 3 CRS", severe);
    }
    out.push('\n');
}

/// The per-patient table's notes: what each column means, and the day
/// basis of patients without `day`.
fn course_notes(out: &mut String, first_assessment_basis: bool) {
    out.push_str(
        "  (days: days with ICANS; onset: the day of the first grade >= 1; resolved: the\n  first day of the final run of assessments that rule ICANS out (grade 0, nothing\n  masked, encephalopathy and consciousness assessed); eps: episodes, separate\n  runs of ICANS; CRS (day): worst CRS grade and the day of the first CRS grade\n  >= 1; partial: some grades are lower bounds; unresolved: what the last\n  assessment shows: ICANS, masked (an excluded finding would grade higher) or\n  unassessed (encephalopathy or consciousness not assessed))\n",
    );
    if first_assessment_basis {
        out.push_str(
            "  * no `day` recorded: days counted from the patient's first assessment (assessed_at)\n",
        );
    }
}

/// Each patient's ICANS grades by day as one line (contract v4 §11), in
/// block characters on a terminal, digits in a pipe or a file.
fn sparklines(out: &mut String, w: &mut dyn io::Write, s: &Summary, terminal: bool) -> io::Result<()> {
    out.push_str(if terminal {
        "\nGrades by day (ICANS, each assessed day: ▁▂▃▄▅▆ grades 0-5, · not assessed,\n  ? masked; past 60 days the worst of each of 60 equal parts)\n"
    } else {
        "\nGrades by day (ICANS, each assessed day: 0-5, . not assessed, ? masked; past\n  60 days the worst of each of 60 equal parts)\n"
    });
    for (c, line) in s.courses.iter().zip(s.sparklines.iter()) {
        let (c, line) = (c?, line?);
        let line = if terminal {
            summary::Sparkline::glyphs(&line)
        } else {
            line
        };
        let _ = writeln!(out, "  {:<12} {line}", text::clean(&c.patient_id));
        drain(out, w, false)?;
    }
    Ok(())
}

/// Writes the summary as text tables, with the comparators when
/// `compare`; the lists are read as they are written.
pub fn write_text(w: &mut dyn io::Write, s: &Summary, compare: bool, terminal: bool) -> io::Result<()> {
    let mut out = String::new();
    incidence_table(&mut out, &s.cohort);
    cohort_lines(&mut out, &s.cohort);
    if let Some(by) = &s.by {
        group_table(&mut out, by, w)?;
    }
    course_table(&mut out, w, &s.courses)?;
    sparklines(&mut out, w, s, terminal)?;
    problem_list(&mut out, w, &s.problems)?;
    if compare {
        comparators(&mut out, &s.cohort);
    }

    out.push('\n');
    text::wrapped(&mut out, text::CRITERIA_LINE, "", "  ");
    text::wrapped(&mut out, DECISION_SUPPORT_NOTE, "", "  ");
    drain(&mut out, w, true)
}

/// The cohort's lines under its incidence table: worst grades, onset,
/// duration, CRS to ICANS, unresolved and incomplete courses.
fn cohort_lines(out: &mut String, cohort: &summary::Cohort) {
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
    if cohort.crs_any_grade.is_some() {
        let line = match cohort.crs_to_icans_days {
            None => "- (no patient with both)".to_string(),
            Some(s) => spread_words(s.n, s.median, (s.min, s.max), " to ", "patient"),
        };
        let _ = writeln!(out, "  CRS to ICANS       {line}");
    }
    let _ = writeln!(
        out,
        "  Unresolved         {} whose last assessment does not rule ICANS out",
        plural(cohort.unresolved as usize, "patient")
    );
    if cohort.patients_with_incomplete_assessments > 0 {
        let _ = writeln!(
            out,
            "  Incomplete         {}: some grades are lower bounds",
            plural(cohort.patients_with_incomplete_assessments as usize, "patient")
        );
    }
    let _ = writeln!(out, "  Intervals: {CI_METHOD}.");
}

/// The per-patient table and its notes.
fn course_table(
    out: &mut String,
    w: &mut dyn io::Write,
    courses: &Listed<summary::PatientCourse>,
) -> io::Result<()> {
    out.push_str("\nPer patient\n");
    let _ = writeln!(
        out,
        "  {:<12} {:>6} {:>11} {:>5} {:>4} {:>8} {:>3} {:>9} {:<7} course",
        "patient", "assmts", "worst (day)", "onset", "days", "resolved", "eps", "CRS (day)", "partial"
    );
    let mut first_assessment_basis = false;
    for c in courses.iter() {
        let c = c?;
        let basis = if c.day_basis == summary::DayBasis::FirstAssessment {
            first_assessment_basis = true;
            " *"
        } else {
            ""
        };
        let crs = match (c.crs_worst_grade, c.crs_onset_day) {
            (None, _) => "-".to_string(),
            (Some(g), None) => g.to_string(),
            (Some(g), Some(d)) => format!("{g} ({d})"),
        };
        let _ = writeln!(
            out,
            "  {:<12} {:>6} {:>11} {:>5} {:>4} {:>8} {:>3} {:>9} {:<7} {}{basis}",
            text::clean(&c.patient_id),
            c.assessments,
            match (c.worst_grade, c.worst_grade_day) {
                (Some(g), Some(d)) => format!("{g} ({d})"),
                _ => "-".to_string(),
            },
            opt(c.onset_day),
            c.days_with_icans,
            opt(c.resolution_day),
            c.episodes,
            crs,
            if c.any_incomplete { "yes" } else { "no" },
            course_words(&c),
        );
        drain(out, w, false)?;
    }
    course_notes(out, first_assessment_basis);
    Ok(())
}

/// The records not counted, each wrapped.
fn problem_list(out: &mut String, w: &mut dyn io::Write, problems: &Listed<Refused>) -> io::Result<()> {
    if !problems.is_empty() {
        let _ = writeln!(out, "\nNot counted: {} record(s)", problems.len());
        for p in problems.iter() {
            text::wrapped(out, &text::clean(&p?.to_string()), "  ! ", "    ");
            drain(out, w, false)?;
        }
    }
    Ok(())
}

/// The cohort beside the comparators of the clinical page (`--compare`).
fn comparators(out: &mut String, cohort: &summary::Cohort) {
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
    text::wrapped(out, &format!("Sources: {}.", sources.join("; ")), "  ", "  ");
    let check = autoimmune_check();
    let exact: Vec<String> = check
        .exact
        .iter()
        .map(|i| format!("{}/{}: {:.2}% - {:.2}%", i.n, i.total, i.ci95[0], i.ci95[1]))
        .collect();
    text::wrapped(
        out,
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
        out,
        "Published rates come from different products, doses, diseases and grading eras: a guide, not a test.",
        "  ",
        "  ",
    );
}

/// One patient's course as a CSV row; the header is its field names.
#[derive(Debug, Default, serde::Serialize)]
struct CourseRow {
    patient_id: String,
    assessments: usize,
    worst_grade: Option<u8>,
    worst_grade_day: Option<u32>,
    onset_day: Option<u32>,
    days_with_icans: usize,
    resolution_day: Option<u32>,
    course: Option<crate::summary::Course>,
    episodes: usize,
    any_incomplete: bool,
    day_basis: Option<crate::summary::DayBasis>,
    unresolved_because: Option<crate::grading::NotRuledOut>,
    crs_worst_grade: Option<u8>,
    crs_onset_day: Option<u32>,
    crs_to_icans_days: Option<i64>,
}

/// Writes the per-patient courses as CSV.
pub fn write_courses_csv(
    w: &mut dyn io::Write,
    courses: &Listed<PatientCourse>,
    delimiter: u8,
) -> io::Result<()> {
    let mut w = crate::format::csv::serde_rows::<CourseRow, _>(w, delimiter)?;
    for c in courses.iter() {
        let c = c?;
        w.serialize(CourseRow {
            patient_id: crate::format::csv::safe(&c.patient_id).into_owned(),
            assessments: c.assessments,
            worst_grade: c.worst_grade,
            worst_grade_day: c.worst_grade_day,
            onset_day: c.onset_day,
            days_with_icans: c.days_with_icans,
            resolution_day: c.resolution_day,
            course: Some(c.course),
            episodes: c.episodes,
            any_incomplete: c.any_incomplete,
            day_basis: Some(c.day_basis),
            unresolved_because: c.unresolved_because,
            crs_worst_grade: c.crs_worst_grade,
            crs_onset_day: c.crs_onset_day,
            crs_to_icans_days: c.crs_to_icans_days,
        })
        .map_err(io_error)?;
    }
    w.flush()
}

/// One group's figures as a CSV row (`summary --by ... --format csv`): the
/// group, then the figures of the page's incidence table, CRS when known.
#[derive(Debug, Default, serde::Serialize)]
struct GroupRow<'a> {
    group: &'a str,
    patients: u64,
    assessments: u64,
    any_grade_n: u64,
    any_grade_percent: f64,
    any_grade_ci_low: f64,
    any_grade_ci_high: f64,
    grade3_plus_n: u64,
    grade3_plus_percent: f64,
    grade3_plus_ci_low: f64,
    grade3_plus_ci_high: f64,
    crs_any_grade_n: Option<u64>,
    crs_grade3_plus_n: Option<u64>,
}

/// Writes the figures per group as CSV, one row per group.
pub fn write_groups_csv(w: &mut dyn io::Write, by: &summary::Grouping, delimiter: u8) -> io::Result<()> {
    let mut w = crate::format::csv::serde_rows::<GroupRow<'_>, _>(w, delimiter)?;
    for group in by.groups.iter() {
        let (group, c) = group?;
        w.serialize(GroupRow {
            group: &crate::format::csv::safe(&group),
            patients: c.patients,
            assessments: c.assessments,
            any_grade_n: c.any_grade.n,
            any_grade_percent: c.any_grade.percent,
            any_grade_ci_low: c.any_grade.ci95[0],
            any_grade_ci_high: c.any_grade.ci95[1],
            grade3_plus_n: c.grade3_plus.n,
            grade3_plus_percent: c.grade3_plus.percent,
            grade3_plus_ci_low: c.grade3_plus.ci95[0],
            grade3_plus_ci_high: c.grade3_plus.ci95[1],
            crs_any_grade_n: c.crs_any_grade.map(|i| i.n),
            crs_grade3_plus_n: c.crs_grade3_plus.map(|i| i.n),
        })
        .map_err(io_error)?;
    }
    w.flush()
}
