//! Patient courses and cohort incidence from graded assessments (`icans
//! summary`): per patient the worst grade, onset, days with ICANS and
//! resolution; per cohort any-grade and grade >= 3 incidence with exact
//! (Clopper-Pearson) 95% intervals, the distribution of worst grades, and
//! onset and duration. Assessments in, summary out: the assessments are
//! sorted by patient and timeline and read course by course, the lists on
//! disk past their memory budget (`crate::spill`, docs/spec.md §10).

pub mod report;

use std::collections::BTreeMap;
use std::io;

use serde::{Deserialize, Serialize};
use statrs::distribution::{Beta, ContinuousCDF};

use crate::grading::{self, FieldError, NotRuledOut, RecordError};
use crate::input::{self, Input, InputFailure, ReadOptions, RecordRead, Refused};
use crate::spill::{ByKey, Listed, Lister, Sorter};

/// One graded assessment of a patient, as the summary needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The patient (shared by all of that patient's observations).
    pub patient_id: std::sync::Arc<str>,
    /// Days since infusion, when recorded.
    pub day: Option<u32>,
    /// Seconds since the Unix epoch of `assessed_at`, when recorded.
    pub assessed_at: Option<i64>,
    /// The ICANS grade; `None` when ICANS was not assessed (the observation
    /// then counts for CRS only: docs/spec.md §2, v4).
    pub grade: Option<u8>,
    /// Whether the assessment was complete.
    pub complete: bool,
    /// Its place in the input (0, 1, 2, ...), to report in input order.
    pub order: usize,
    /// The concurrent CRS grade, when the record held CRS information.
    pub crs_grade: Option<u8>,
    /// Why the assessment does not rule ICANS out (`Grading::not_ruled_out`),
    /// or `None` when it does.
    pub not_ruled_out: Option<NotRuledOut>,
}

/// How a patient's days are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayBasis {
    /// `day`: days since cell infusion.
    Day,
    /// `assessed_at`: whole days since the patient's first assessment (no
    /// `day` recorded for that patient).
    FirstAssessment,
}

/// Where a patient's ICANS stands at the last assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Course {
    /// No assessment at grade 1 or more.
    NoIcans,
    /// The last assessment rules ICANS out: grade 0, nothing masked,
    /// encephalopathy and consciousness assessed.
    Resolved,
    /// The last assessment does not rule ICANS out (`unresolved_because`
    /// says why).
    Unresolved,
    /// No record of the patient assessed ICANS (CRS information only): no
    /// ICANS course, never "no ICANS".
    NotAssessed,
}

/// One patient's course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatientCourse {
    /// The patient.
    pub patient_id: String,
    /// Number of assessments (records of the patient placed on the
    /// timeline, ICANS assessed or not).
    pub assessments: usize,
    /// Worst grade; `None` when no record of the patient assessed ICANS
    /// (never shown as 0).
    pub worst_grade: Option<u8>,
    /// Day the worst grade was first reached.
    pub worst_grade_day: Option<u32>,
    /// First day at grade >= 1.
    pub onset_day: Option<u32>,
    /// Distinct days with an assessment at grade >= 1.
    pub days_with_icans: usize,
    /// The first day of the final run of assessments that rule ICANS out
    /// (grade 0, nothing masked, encephalopathy and consciousness
    /// assessed), when the course is resolved.
    pub resolution_day: Option<u32>,
    /// No ICANS, resolved or unresolved.
    pub course: Course,
    /// Why the course is unresolved at the last assessment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unresolved_because: Option<NotRuledOut>,
    /// Separate runs of grade >= 1, each ended by an assessment that rules
    /// ICANS out (2 or more: recurrence, as in biphasic ICANS).
    pub episodes: usize,
    /// Whether any assessment left a domain not assessed (grades are then
    /// lower bounds).
    pub any_incomplete: bool,
    /// How days are counted for this patient.
    pub day_basis: DayBasis,
    /// Worst concurrent CRS grade, when any assessment held CRS information.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crs_worst_grade: Option<u8>,
    /// First day at CRS grade >= 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crs_onset_day: Option<u32>,
    /// Days from CRS onset to ICANS onset (negative when ICANS came first),
    /// for a patient with both.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crs_to_icans_days: Option<i64>,
}

/// n of N with percent and exact 95% interval (percent, 0-100).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Incidence {
    /// Patients with the event.
    pub n: u64,
    /// Patients.
    pub total: u64,
    /// n / N, in percent.
    pub percent: f64,
    /// Exact Clopper-Pearson 95% interval, in percent.
    pub ci95: [f64; 2],
}

/// Median and range of a set of days.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// How many values.
    pub n: usize,
    /// Median.
    pub median: f64,
    /// Smallest.
    pub min: u32,
    /// Largest.
    pub max: u32,
}

/// The cohort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cohort {
    /// Patients with at least one record that assesses ICANS: the ICANS
    /// denominators (docs/spec.md §2, v4).
    pub patients: u64,
    /// Patients with CRS information in at least one record: the CRS
    /// denominators.
    pub crs_patients: u64,
    /// Graded assessments counted (ICANS assessed or not).
    pub assessments: u64,
    /// Patients with ICANS of any grade.
    pub any_grade: Incidence,
    /// Patients with grade 3 or more.
    pub grade3_plus: Incidence,
    /// Patients by worst grade, "0" to "5".
    pub worst_grade_counts: BTreeMap<String, u64>,
    /// Onset day of the patients with ICANS.
    pub onset_day: Option<Spread>,
    /// Days from onset to resolution, of the resolved patients.
    pub duration_days: Option<Spread>,
    /// Patients with ICANS not resolved by their last assessment.
    pub unresolved: u64,
    /// Patients with any incomplete assessment.
    pub patients_with_incomplete_assessments: u64,
    /// Patients with CRS of any grade (when records carry CRS information).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crs_any_grade: Option<Incidence>,
    /// Patients with CRS grade 3 or more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crs_grade3_plus: Option<Incidence>,
    /// Days from CRS onset to ICANS onset, over the patients with both
    /// (the clinical page: ICANS typically follows CRS by 1-5 days).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crs_to_icans_days: Option<SignedSpread>,
}

/// Median and range of day differences that may be negative.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SignedSpread {
    /// How many values.
    pub n: usize,
    /// Median.
    pub median: f64,
    /// Smallest.
    pub min: i64,
    /// Largest.
    pub max: i64,
}

/// An observation that cannot be placed in a course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unplaced {
    /// The observation's place in the input.
    pub order: usize,
    /// Why, naming the field and what is allowed.
    pub error: FieldError,
}

/// The exact (Clopper-Pearson) two-sided 95% interval of `n` events in
/// `total` trials, as proportions: the Beta quantiles
/// `Beta(n, total-n+1)` at 2.5% and `Beta(n+1, total-n)` at 97.5%, with the
/// ends 0 at n = 0 and 1 at n = total. `None` when `total` is 0 or n > total.
pub fn clopper_pearson(n: u64, total: u64) -> Option<(f64, f64)> {
    const ALPHA: f64 = 0.05;
    if total == 0 || n > total {
        return None;
    }
    let (k, t) = (n as f64, total as f64);
    let low = if n == 0 {
        0.0
    } else {
        Beta::new(k, t - k + 1.0).ok()?.inverse_cdf(ALPHA / 2.0)
    };
    let high = if n == total {
        1.0
    } else {
        Beta::new(k + 1.0, t - k).ok()?.inverse_cdf(1.0 - ALPHA / 2.0)
    };
    Some((low, high))
}

impl Incidence {
    /// n of total, with percent and exact interval; 0 of 0 gives zeros and
    /// the whole range.
    pub fn of(n: u64, total: u64) -> Incidence {
        let (low, high) = clopper_pearson(n, total).unwrap_or((0.0, 1.0));
        Incidence {
            n,
            total,
            percent: if total == 0 {
                0.0
            } else {
                100.0 * n as f64 / total as f64
            },
            ci95: [100.0 * low, 100.0 * high],
        }
    }
}

/// The median and range of `n` values read in order, when there are any.
fn median_range<T: Copy + Into<i64>>(
    n: u64,
    sorted: impl Iterator<Item = io::Result<T>>,
) -> io::Result<Option<(usize, f64, T, T)>> {
    let (mut min, mut max) = (None, None);
    let (mut low, mut high) = (0i64, 0i64);
    for (i, v) in (0u64..).zip(sorted) {
        let v = v?;
        min.get_or_insert(v);
        max = Some(v);
        if i == n.saturating_sub(1) / 2 {
            low = v.into();
        }
        if i == n / 2 {
            high = v.into();
        }
    }
    // The middle value, or the mean of the middle two (one value when n is
    // odd: the mean of it with itself).
    let median = (low as f64 + high as f64) / 2.0;
    Ok(min
        .zip(max)
        .map(|(min, max)| (usize::try_from(n).unwrap_or(usize::MAX), median, min, max)))
}

const SECONDS_PER_DAY: i64 = 86_400;

/// One assessment as a course needs it, in the order courses are read:
/// by patient; then the assessments with `day` (by day, time of
/// assessment, input order), then those without (by time, input order).
/// Sorted on disk past the memory budget (docs/spec.md §10), written as
/// an array of its fields (read back as the struct: serde reads a struct
/// from an array of its fields in order).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Entry {
    pub(crate) patient_id: String,
    dayless: bool,
    day: Option<u32>,
    assessed_at: Option<i64>,
    order: usize,
    pub(crate) grade: Option<u8>,
    complete: bool,
    pub(crate) crs_grade: Option<u8>,
    pub(crate) not_ruled_out: Option<NotRuledOut>,
    /// Where a record without `day` was read (the only ones that may not
    /// be placed on a timeline), to report it.
    place: Option<Place>,
}

impl Serialize for Entry {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (
            &self.patient_id,
            self.dayless,
            self.day,
            self.assessed_at,
            self.order,
            self.grade,
            self.complete,
            self.crs_grade,
            self.not_ruled_out,
            &self.place,
        )
            .serialize(s)
    }
}

impl Entry {
    pub(crate) fn key(&self) -> (&str, bool, Option<u32>, Option<i64>, usize) {
        (
            &self.patient_id,
            self.dayless,
            self.day,
            self.assessed_at,
            self.order,
        )
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.patient_id.len()
            + self
                .place
                .as_ref()
                .map_or(0, |p| p.file.as_ref().map_or(0, String::len) + 24)
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl From<&Observation> for Entry {
    fn from(o: &Observation) -> Self {
        Entry {
            patient_id: o.patient_id.to_string(),
            dayless: o.day.is_none(),
            day: o.day,
            assessed_at: o.assessed_at,
            order: o.order,
            grade: o.grade,
            complete: o.complete,
            crs_grade: o.crs_grade,
            not_ruled_out: o.not_ruled_out,
            place: None,
        }
    }
}

/// A patient's course as folded: the summary's figures and sparkline, and
/// what the incidence curves need beside them (`crate::plot`).
pub(crate) struct Folded {
    /// The course as `summary` reports it.
    pub course: PatientCourse,
    /// ICANS grades by day ([`Sparkline`], in digits).
    pub sparkline: String,
    /// First day at ICANS grade >= 3.
    pub severe_onset_day: Option<u32>,
    /// First day at CRS grade >= 3.
    pub crs_severe_onset_day: Option<u32>,
    /// The last day an assessment was placed on.
    pub last_day: Option<u32>,
}

/// One patient's course, built assessment by assessment in timeline order.
pub(crate) struct CourseFold {
    pub(crate) patient_id: String,
    basis: DayBasis,
    /// The first time of assessment (the day basis of `assessed_at`).
    first_time: Option<i64>,
    assessments: usize,
    worst_grade: Option<u8>,
    worst_grade_day: Option<u32>,
    onset_day: Option<u32>,
    /// First day at grade >= 3.
    severe_onset_day: Option<u32>,
    /// The first day of the current run of assessments that rule ICANS
    /// out, if the last one does.
    clear_since: Option<u32>,
    /// Why the last assessment does not rule ICANS out.
    not_clear: Option<NotRuledOut>,
    days_with_icans: usize,
    last_icans_day: Option<u32>,
    episodes: usize,
    any_incomplete: bool,
    with_crs: bool,
    crs_worst_grade: u8,
    crs_onset_day: Option<u32>,
    crs_severe_onset_day: Option<u32>,
    /// Each assessed day's cell of the sparkline, in day order, as a rank
    /// ([`Sparkline`]); the day it stands for.
    days: Vec<u8>,
    last_day: Option<u32>,
}

/// A course's ICANS grades by day as one line (contract v4 §11): a cell per
/// assessed day, or past 60 days the worst of each of 60 equal bins. A
/// cell is ranked so that the worst of a day (or a bin) wins: not assessed,
/// then grade 0, then masked (an excluded finding would grade higher),
/// then grades 1-5; written `.`, `0`, `?`, `1`-`5`, and on a terminal
/// `·`, `▁`, `?`, `▂`-`▆`.
pub struct Sparkline;

impl Sparkline {
    /// The most cells a sparkline has.
    pub const WIDTH: usize = 60;
    const NOT_ASSESSED: u8 = 0;
    const MASKED: u8 = 2;

    /// An assessment's rank: its grade, masked, or not assessed (never 0).
    pub(crate) fn rank(grade: Option<u8>, not_ruled_out: Option<NotRuledOut>) -> u8 {
        match (grade, not_ruled_out) {
            (Some(g), _) if g >= 1 => 2 + g,
            (Some(_), Some(NotRuledOut::Masked)) => Self::MASKED,
            (Some(_), Some(NotRuledOut::NotEnoughAssessed)) | (None, _) => Self::NOT_ASSESSED,
            (Some(_), _) => 1,
        }
    }

    /// The line of `days` (ranks in day order), in digits (a pipe, a file).
    fn line(days: &[u8]) -> String {
        let n = days.len();
        let cells: Vec<u8> = if n <= Self::WIDTH {
            days.to_vec()
        } else {
            (0..Self::WIDTH)
                .map(|i| {
                    days[i * n / Self::WIDTH..(i + 1) * n / Self::WIDTH]
                        .iter()
                        .copied()
                        .max()
                        .unwrap_or(0)
                })
                .collect()
        };
        cells.into_iter().map(Self::cell).collect()
    }

    /// A rank's cell in digits: `.`, `0`, `?`, `1`-`5`.
    pub(crate) fn cell(rank: u8) -> char {
        match rank {
            Self::NOT_ASSESSED => '.',
            1 => '0',
            Self::MASKED => '?',
            g => char::from(b'0' + (g - 2).min(5)),
        }
    }

    /// A line in digits as a terminal shows it: block characters.
    pub fn glyphs(line: &str) -> String {
        line.chars()
            .map(|c| match c {
                '.' => '·',
                '0' => '▁',
                '1' => '▂',
                '2' => '▃',
                '3' => '▄',
                '4' => '▅',
                '5' => '▆',
                other => other,
            })
            .collect()
    }
}

impl CourseFold {
    /// A patient's course, from their first entry: days since infusion
    /// when any assessment has `day` (those sort first), else days since
    /// the first assessment.
    pub(crate) fn new(first: &Entry) -> Self {
        CourseFold {
            patient_id: first.patient_id.clone(),
            basis: if first.dayless {
                DayBasis::FirstAssessment
            } else {
                DayBasis::Day
            },
            first_time: None,
            assessments: 0,
            worst_grade: None,
            worst_grade_day: None,
            onset_day: None,
            severe_onset_day: None,
            clear_since: None,
            not_clear: None,
            days_with_icans: 0,
            last_icans_day: None,
            episodes: 0,
            any_incomplete: false,
            with_crs: false,
            crs_worst_grade: 0,
            crs_onset_day: None,
            crs_severe_onset_day: None,
            days: Vec::new(),
            last_day: None,
        }
    }

    /// Adds the next entry of the timeline and returns the day it was
    /// placed on, or why it cannot be placed.
    pub(crate) fn add(&mut self, e: &Entry) -> Result<u32, FieldError> {
        let day = match (self.basis, e.day, e.assessed_at) {
            (DayBasis::Day, Some(d), _) => d,
            (DayBasis::Day, None, _) => {
                return Err(day_missing(
                    format!(
                        "missing for patient {}, whose other assessments have it",
                        self.patient_id
                    ),
                    "day on every assessment of a patient, or assessed_at on every one",
                ));
            }
            (DayBasis::FirstAssessment, _, Some(t)) => {
                let t0 = *self.first_time.get_or_insert(t);
                u32::try_from((t - t0).div_euclid(SECONDS_PER_DAY)).unwrap_or(u32::MAX)
            }
            (DayBasis::FirstAssessment, _, None) => {
                return Err(day_missing(
                    format!(
                        "missing, and no assessed_at either, for patient {}",
                        self.patient_id
                    ),
                    "day since infusion, or assessed_at",
                ));
            }
        };
        self.assessments += 1;
        let rank = Sparkline::rank(e.grade, e.not_ruled_out);
        match self.days.last_mut() {
            Some(last) if self.last_day == Some(day) => *last = (*last).max(rank),
            _ => self.days.push(rank),
        }
        self.last_day = Some(day);
        if let Some(g) = e.grade {
            self.add_icans(g, day, e);
        }
        if let Some(g) = e.crs_grade {
            self.with_crs = true;
            self.crs_worst_grade = self.crs_worst_grade.max(g);
            if g >= 1 {
                self.crs_onset_day.get_or_insert(day);
            }
            if g >= 3 {
                self.crs_severe_onset_day.get_or_insert(day);
            }
        }
        Ok(day)
    }

    /// Adds an entry's ICANS grade `grade` on `day` (an entry whose ICANS
    /// was not assessed adds none: it is never 0).
    fn add_icans(&mut self, grade: u8, day: u32, e: &Entry) {
        if self.worst_grade.is_none_or(|w| grade > w) {
            self.worst_grade = Some(grade);
            self.worst_grade_day = Some(day);
        }
        if grade >= 3 {
            self.severe_onset_day.get_or_insert(day);
        }
        if grade >= 1 {
            self.onset_day.get_or_insert(day);
            if self.last_icans_day != Some(day) {
                self.days_with_icans += 1;
                self.last_icans_day = Some(day);
            }
            // A new episode: the first, or one after ICANS was ruled out.
            if self.episodes == 0 || self.clear_since.is_some() {
                self.episodes += 1;
            }
        }
        self.not_clear = e.not_ruled_out;
        self.clear_since = match self.not_clear {
            Some(_) => None,
            None => Some(self.clear_since.unwrap_or(day)),
        };
        self.any_incomplete |= !e.complete;
    }

    /// The course, when any assessment was placed, with its sparkline.
    pub(crate) fn finish(self) -> Option<Folded> {
        if self.assessments == 0 {
            return None;
        }
        let sparkline = Sparkline::line(&self.days);
        let (severe_onset_day, crs_severe_onset_day, last_day) =
            (self.severe_onset_day, self.crs_severe_onset_day, self.last_day);
        let crs_to_icans_days = match (self.crs_onset_day, self.onset_day) {
            (Some(c), Some(i)) => Some(i64::from(i) - i64::from(c)),
            _ => None,
        };
        Some(Folded {
            course: PatientCourse {
                patient_id: self.patient_id,
                assessments: self.assessments,
                worst_grade: self.worst_grade,
                worst_grade_day: self.worst_grade_day,
                onset_day: self.onset_day,
                days_with_icans: self.days_with_icans,
                resolution_day: self.onset_day.and(self.clear_since),
                course: match (self.onset_day, self.not_clear) {
                    _ if self.worst_grade.is_none() => Course::NotAssessed,
                    (None, _) => Course::NoIcans,
                    (Some(_), None) => Course::Resolved,
                    (Some(_), Some(_)) => Course::Unresolved,
                },
                unresolved_because: self.onset_day.and(self.not_clear),
                episodes: self.episodes,
                any_incomplete: self.any_incomplete,
                day_basis: self.basis,
                crs_worst_grade: self.with_crs.then_some(self.crs_worst_grade),
                crs_onset_day: self.crs_onset_day,
                crs_to_icans_days,
            },
            sparkline,
            severe_onset_day,
            crs_severe_onset_day,
            last_day,
        })
    }
}

/// Reads the entries (sorted) into courses, one per patient in patient
/// order, and hands each entry that cannot be placed to `unplaced`.
pub(crate) fn fold_courses(
    entries: impl Iterator<Item = io::Result<Entry>>,
    course: &mut dyn FnMut(Folded) -> io::Result<()>,
    unplaced: &mut dyn FnMut(&Entry, FieldError) -> io::Result<()>,
) -> io::Result<()> {
    let mut fold: Option<CourseFold> = None;
    for e in entries {
        let e = e?;
        if fold.as_ref().is_none_or(|f| f.patient_id != e.patient_id) {
            if let Some(folded) = fold.take().and_then(CourseFold::finish) {
                course(folded)?;
            }
            fold = Some(CourseFold::new(&e));
        }
        if let Some(Err(why)) = fold.as_mut().map(|f| f.add(&e)) {
            unplaced(&e, why)?;
        }
    }
    if let Some(folded) = fold.and_then(CourseFold::finish) {
        course(folded)?;
    }
    Ok(())
}

/// The cohort's counts, course by course; the days whose median is asked
/// are sorted on disk past the memory budget.
#[derive(Default)]
struct CohortTally {
    patients: u64,
    crs_patients: u64,
    assessments: u64,
    any_grade: u64,
    grade3_plus: u64,
    worst_grade_counts: [u64; 6],
    onset_days: Sorter<u32>,
    durations: Sorter<u32>,
    unresolved: u64,
    incomplete: u64,
    with_crs: bool,
    crs_any_grade: u64,
    crs_grade3_plus: u64,
    crs_to_icans_days: Sorter<i64>,
}

impl CohortTally {
    fn add(&mut self, c: &PatientCourse) -> io::Result<()> {
        self.assessments += c.assessments as u64;
        // A patient counts for ICANS only with a record that assessed it
        // (docs/spec.md §2, v4), for CRS only with CRS information.
        if let Some(worst) = c.worst_grade {
            self.patients += 1;
            self.any_grade += u64::from(worst >= 1);
            self.grade3_plus += u64::from(worst >= 3);
            self.worst_grade_counts[usize::from(worst.min(5))] += 1;
            if let Some(d) = c.onset_day {
                self.onset_days.push(d, 0)?;
            }
            if let (Some(onset), Some(resolved)) = (c.onset_day, c.resolution_day) {
                self.durations.push(resolved.saturating_sub(onset), 0)?;
            }
            self.unresolved += u64::from(c.course == Course::Unresolved);
            self.incomplete += u64::from(c.any_incomplete);
        }
        if let Some(g) = c.crs_worst_grade {
            self.crs_patients += 1;
            self.with_crs = true;
            self.crs_any_grade += u64::from(g >= 1);
            self.crs_grade3_plus += u64::from(g >= 3);
        }
        if let Some(d) = c.crs_to_icans_days {
            self.crs_to_icans_days.push(d, 0)?;
        }
        Ok(())
    }

    fn finish(self) -> io::Result<Cohort> {
        let spread = |s: Sorter<u32>| -> io::Result<Option<Spread>> {
            let n = s.len();
            Ok(median_range(n, s.finish()?)?.map(|(n, median, min, max)| Spread { n, median, min, max }))
        };
        let total = self.patients;
        let crs_to_icans_days = if self.with_crs {
            let n = self.crs_to_icans_days.len();
            median_range(n, self.crs_to_icans_days.finish()?)?.map(|(n, median, min, max)| SignedSpread {
                n,
                median,
                min,
                max,
            })
        } else {
            None
        };
        let crs_total = self.crs_patients;
        Ok(Cohort {
            patients: total,
            crs_patients: crs_total,
            assessments: self.assessments,
            any_grade: Incidence::of(self.any_grade, total),
            grade3_plus: Incidence::of(self.grade3_plus, total),
            worst_grade_counts: (0..=5u8)
                .map(|g| (g.to_string(), self.worst_grade_counts[usize::from(g)]))
                .collect(),
            onset_day: spread(self.onset_days)?,
            duration_days: spread(self.durations)?,
            unresolved: self.unresolved,
            patients_with_incomplete_assessments: self.incomplete,
            // CRS incidence over the patients with CRS information, when
            // any record carries it.
            crs_any_grade: self
                .with_crs
                .then(|| Incidence::of(self.crs_any_grade, crs_total)),
            crs_grade3_plus: self
                .with_crs
                .then(|| Incidence::of(self.crs_grade3_plus, crs_total)),
            crs_to_icans_days,
        })
    }
}

/// Courses per patient (ordered by patient id) and the cohort; the
/// observations that could not be placed on a patient's timeline are
/// returned too, in input order. The courses are held in memory
/// ([`from_inputs`] keeps them on disk past the budget); fails only when a
/// temporary file for the days of a large cohort cannot be written.
pub fn summarize(observations: Vec<Observation>) -> io::Result<(Cohort, Vec<PatientCourse>, Vec<Unplaced>)> {
    let mut entries: Vec<Entry> = observations.iter().map(Entry::from).collect();
    entries.sort();
    let mut tally = CohortTally::default();
    let mut courses = Vec::new();
    let mut unplaced = Vec::new();
    fold_courses(
        entries.into_iter().map(Ok),
        &mut |f| {
            tally.add(&f.course)?;
            courses.push(f.course);
            Ok(())
        },
        &mut |e, error| {
            unplaced.push(Unplaced {
                order: e.order,
                error,
            });
            Ok(())
        },
    )?;
    unplaced.sort_by_key(|u| u.order);
    Ok((tally.finish()?, courses, unplaced))
}

/// A published comparator from the clinical knowledge page (incidence
/// tables), shown beside a cohort by `icans summary --compare`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Comparator {
    /// Product.
    pub product: &'static str,
    /// Short name for tables.
    pub short: &'static str,
    /// Indication.
    pub indication: &'static str,
    /// Any-grade ICANS, as the page gives it.
    pub any_grade: &'static str,
    /// Grade >= 3 ICANS, as the page gives it.
    pub grade3_plus: &'static str,
    /// Source trial or cohorts.
    pub source: &'static str,
}

/// The comparators of the knowledge page ("Incidence Rates"), as written there.
pub const COMPARATORS: [Comparator; 7] = [
    Comparator {
        product: "Axicabtagene ciloleucel (axi-cel)",
        short: "axi-cel",
        indication: "DLBCL",
        any_grade: "64%",
        grade3_plus: "28%",
        source: "ZUMA-1 (Neelapu 2017)",
    },
    Comparator {
        product: "Tisagenlecleucel (tisa-cel)",
        short: "tisa-cel",
        indication: "DLBCL",
        any_grade: "21%",
        grade3_plus: "12%",
        source: "JULIET (Schuster 2019)",
    },
    Comparator {
        product: "Lisocabtagene maraleucel (liso-cel)",
        short: "liso-cel",
        indication: "DLBCL",
        any_grade: "30%",
        grade3_plus: "10%",
        source: "TRANSCEND (Abramson 2020)",
    },
    Comparator {
        product: "Tisagenlecleucel (tisa-cel)",
        short: "tisa-cel",
        indication: "r/r ALL",
        any_grade: "40%",
        grade3_plus: "13%",
        source: "ELIANA (Maude 2018)",
    },
    Comparator {
        product: "Idecabtagene vicleucel (ide-cel)",
        short: "ide-cel",
        indication: "r/r MM",
        any_grade: "18%",
        grade3_plus: "4% (3% grade 3)",
        source: "KarMMa (Munshi 2021)",
    },
    Comparator {
        product: "Ciltacabtagene autoleucel (cilta-cel)",
        short: "cilta-cel",
        indication: "r/r MM",
        any_grade: "21%",
        grade3_plus: "9-10%",
        source: "CARTITUDE-1 (Berdeja 2021)",
    },
    Comparator {
        product: "CD19 CAR-T, ~1 x 10^6 cells/kg (pooled)",
        short: "CD19 CAR-T (pooled)",
        indication: "SLE / autoimmune",
        any_grade: "~3%",
        grade3_plus: "<2% (0-1/47 patients)",
        source: "Mackensen 2022, Muller 2024, Taubmann 2024",
    },
];

/// The pooled autoimmune cohort's patients and grade >= 3 events as the
/// page gives them (0 to 1 events in 47 patients), and the interval the page
/// states for them (0.2%-5.8%), which `--compare` recomputes exactly.
pub const AUTOIMMUNE_PATIENTS: u64 = 47;
/// See [`AUTOIMMUNE_PATIENTS`].
pub const AUTOIMMUNE_GRADE3_EVENTS: [u64; 2] = [0, 1];
/// See [`AUTOIMMUNE_PATIENTS`].
pub const AUTOIMMUNE_STATED_CI95: &str = "0.2% - 5.8%";

/// What a summary run read: the cohort and courses, the records not
/// counted (invalid, or without `patient_id` or `day`) in input order, and
/// the inputs that could not be read. The lists move to temporary files
/// past their memory budget (docs/spec.md §10).
#[derive(Debug)]
pub struct Summary {
    /// Cohort figures.
    pub cohort: Cohort,
    /// One course per patient, in patient order.
    pub courses: Listed<PatientCourse>,
    /// Each course's ICANS grades by day ([`Sparkline`], in digits), in
    /// the same order.
    pub sparklines: Listed<String>,
    /// Records not counted, in input order.
    pub problems: Listed<Refused>,
    /// Inputs that could not be read.
    pub failures: Vec<InputFailure>,
    /// The figures per group, with `--by`.
    pub by: Option<Grouping>,
}

/// Why an assessment cannot be placed on its patient's timeline: its day.
fn day_missing(problem: String, allowed: &'static str) -> FieldError {
    FieldError {
        field: "day".into(),
        value: None,
        problem,
        allowed: allowed.into(),
        about: Some(grading::Field::Day),
        item: None,
        missing: Vec::new(),
    }
}

/// The refusal of a record without `patient_id`.
fn missing_patient(read: &RecordRead<'_>, id: Option<&grading::RecordId>) -> Refused {
    let refused = Refused {
        id: id.cloned(),
        ..Refused::bare(RecordError::Invalid(vec![FieldError {
            field: "patient_id".into(),
            value: None,
            problem: "missing".into(),
            allowed: "a string naming the patient (summary groups assessments by patient)".into(),
            about: Some(grading::Field::PatientId),
            item: None,
            missing: Vec::new(),
        }]))
    };
    refused.at(read.line, read.file)
}

/// Where a record was read: its place among all records, line, file, id.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Place {
    input: usize,
    line: usize,
    file: Option<String>,
    id: Option<grading::RecordId>,
}

/// The records not counted, by their place in the input.
pub(crate) type Problems = Sorter<ByKey<usize, Refused>>;

/// A group's entries, in order (`for_each_group`).
pub(crate) type Members<'a> = &'a mut dyn Iterator<Item = io::Result<Entry>>;

/// Reads and regrades (without management) every record of the inputs,
/// hands each record with a patient to `each` as its [`Entry`] (with the
/// record and its grading), and keeps the records not counted (invalid,
/// or without `patient_id`) by their place in the input: the one reading
/// of `summary` and `plot` (docs/spec.md §5). Fails when `each` fails.
pub(crate) fn read_entries(
    inputs: &[Input],
    read: ReadOptions,
    each: &mut dyn FnMut(Entry, &grading::Assessment, &grading::Grading) -> io::Result<()>,
) -> io::Result<(Problems, Vec<InputFailure>)> {
    let mut problems: Sorter<ByKey<usize, Refused>> = Sorter::new();
    let mut count = 0usize;
    let mut order = 0usize;
    let mut spill: io::Result<()> = Ok(());
    let failures = input::for_each_record(inputs, read, &mut |r| {
        order += 1;
        if spill.is_err() {
            return;
        }
        spill = match &r.outcome {
            Err(rejected) => problem(&mut problems, order, rejected.clone()),
            Ok(a) => match &a.patient_id {
                None => problem(&mut problems, order, missing_patient(&r, a.id.as_ref())),
                Some(patient) => {
                    let result = grading::grade_scoped(
                        a,
                        &grading::ASTCT_2019,
                        &grading::Protocol::BUILTIN,
                        grading::Scope::WithoutManagement,
                    );
                    let entry = Entry {
                        patient_id: patient.to_string(),
                        dayless: a.day.is_none(),
                        day: a.day,
                        assessed_at: a
                            .assessed_at
                            .as_deref()
                            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                            .map(|t| t.timestamp()),
                        order: count,
                        grade: result.grade,
                        complete: result.complete,
                        crs_grade: result.crs.as_ref().map(|c| c.grade),
                        not_ruled_out: result.not_ruled_out(),
                        place: a.day.is_none().then(|| Place {
                            input: order,
                            line: r.line,
                            file: r.file.map(String::from),
                            id: a.id.clone(),
                        }),
                    };
                    count += 1;
                    each(entry, a, &result)
                }
            },
        };
    });
    spill?;
    Ok((problems, failures))
}

/// Regrades every record of the inputs and summarises the cohort
/// (docs/spec.md §5 `icans summary`): the assessments are sorted by
/// patient and timeline (on disk past the budget) and read course by
/// course. Fails only when a temporary file cannot be written or read back.
pub fn from_inputs(inputs: &[Input], read: ReadOptions, by: Option<GroupBy>) -> io::Result<Summary> {
    let mut entries: Sorter<Entry> = Sorter::new();
    // With `--by`, the entries again, sorted by group first, to fold each
    // group's courses and cohort as if its records were alone.
    let mut grouped: Sorter<Grouped> = Sorter::new();
    let (mut problems, failures) = read_entries(inputs, read, &mut |entry, a, _| {
        let bytes = entry.heap_bytes();
        match by {
            Some(by) => {
                let copy = Grouped(by.value(a).to_string(), entry.clone());
                entries.push(entry, bytes)?;
                grouped.push(copy, bytes + 24)
            }
            None => entries.push(entry, bytes),
        }
    })?;
    let by = match by {
        Some(by) => Some(Grouping {
            field: by.field(),
            groups: group_cohorts(grouped.finish()?)?,
        }),
        None => None,
    };
    let mut tally = CohortTally::default();
    let mut courses = Lister::new();
    let mut sparklines = Lister::new();
    fold_courses(
        entries.finish()?,
        &mut |f| {
            tally.add(&f.course)?;
            let bytes = f.course.patient_id.len();
            sparklines.push(f.sparkline.clone(), f.sparkline.len())?;
            courses.push(f.course, bytes)
        },
        &mut |e, error| unplaced_problem(&mut problems, e, error),
    )?;
    Ok(Summary {
        cohort: tally.finish()?,
        courses: courses.finish()?,
        sparklines: sparklines.finish()?,
        problems: in_input_order(problems)?,
        failures,
        by,
    })
}

/// Reports an entry that cannot be placed on its patient's timeline, at
/// its place in the input (only a record without `day` may not be).
pub(crate) fn unplaced_problem(
    problems: &mut Sorter<ByKey<usize, Refused>>,
    e: &Entry,
    error: FieldError,
) -> io::Result<()> {
    let Some(place) = &e.place else {
        return Ok(());
    };
    let p = Refused {
        line: Some(place.line),
        file: place.file.clone(),
        id: place.id.clone(),
        patient_id: Some(e.patient_id.clone()),
        error: RecordError::Invalid(vec![error]),
    };
    problem(problems, place.input, p)
}

/// The records not counted, in input order, listed (on disk past the
/// budget).
pub(crate) fn in_input_order(problems: Sorter<ByKey<usize, Refused>>) -> io::Result<Listed<Refused>> {
    let mut listed = Lister::new();
    for p in problems.finish()? {
        let p = p?.1;
        let bytes = p.heap_bytes();
        listed.push(p, bytes)?;
    }
    listed.finish()
}

/// What `--by` groups records by (contract v3 §9): a record field, its
/// value the group; a record without it joins the group `""`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// The cell product.
    Product,
    /// The treating site.
    Site,
    /// The scale of the recorded grade (audit).
    RecordedScale,
    /// The scale of the recorded CRS grade (audit).
    RecordedCrsScale,
}

impl GroupBy {
    /// The field's name (JSON `by.field`, the text's heading).
    pub const fn field(self) -> &'static str {
        match self {
            GroupBy::Product => "product",
            GroupBy::Site => "site",
            GroupBy::RecordedScale => "recorded_scale",
            GroupBy::RecordedCrsScale => "recorded_crs_scale",
        }
    }

    /// A record's group.
    pub fn value(self, a: &grading::Assessment) -> &str {
        match self {
            GroupBy::Product => a.product.as_deref(),
            GroupBy::Site => a.site.as_deref(),
            GroupBy::RecordedScale => a.recorded_scale.as_deref(),
            GroupBy::RecordedCrsScale => a.recorded_crs_scale.as_deref(),
        }
        .unwrap_or_default()
    }
}

/// The figures per group (`--by`): each group's cohort exactly as the
/// summary of that group's records alone.
#[derive(Debug)]
pub struct Grouping {
    /// The field grouped by.
    pub field: &'static str,
    /// Each group's value and cohort, in the order of the values (on disk
    /// past the memory budget: any number of groups, contract v4 §10).
    pub groups: Listed<(String, Cohort)>,
}

impl Serialize for Grouping {
    /// `{"field": "product", "groups": {VALUE: figures, ...}}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeMap, SerializeStruct};
        struct Groups<'a>(&'a Listed<(String, Cohort)>);
        impl Serialize for Groups<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(usize::try_from(self.0.len()).ok())?;
                for group in self.0.iter() {
                    let (k, v) = group.map_err(S::Error::custom)?;
                    m.serialize_entry(&k, &v)?;
                }
                m.end()
            }
        }
        let mut o = s.serialize_struct("Grouping", 2)?;
        o.serialize_field("field", self.field)?;
        o.serialize_field("groups", &Groups(&self.groups))?;
        o.end()
    }
}

/// An entry with its group, sorted by group, then as entries sort.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Grouped(pub(crate) String, pub(crate) Entry);

impl PartialEq for Grouped {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for Grouped {}
impl PartialOrd for Grouped {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Grouped {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (&self.0, self.1.key()).cmp(&(&other.0, other.1.key()))
    }
}

/// Each group's cohort, from the entries sorted by group: one group at a
/// time, so memory holds one group's tally whatever the number of groups,
/// and the cohorts move to disk past the budget.
fn group_cohorts(sorted: impl Iterator<Item = io::Result<Grouped>>) -> io::Result<Listed<(String, Cohort)>> {
    let mut out = Lister::new();
    for_each_group(sorted, &mut |group, members| {
        let mut tally = CohortTally::default();
        // An entry that cannot be placed is reported once, by the summary
        // of all records.
        fold_courses(members, &mut |f| tally.add(&f.course), &mut |_, _| Ok(()))?;
        let cohort = tally.finish()?;
        let bytes = group.len() + cohort.worst_grade_counts.len() * 48 + std::mem::size_of::<Cohort>();
        out.push((group, cohort), bytes)
    })?;
    out.finish()
}

/// Hands each group's value and entries to `each`, from the entries sorted
/// by group, one group at a time (`summary --by`, `plot incidence`).
pub(crate) fn for_each_group(
    sorted: impl Iterator<Item = io::Result<Grouped>>,
    each: &mut dyn FnMut(String, Members<'_>) -> io::Result<()>,
) -> io::Result<()> {
    let mut sorted = sorted.peekable();
    loop {
        let group = match sorted.peek() {
            None => return Ok(()),
            Some(Ok(g)) => g.0.clone(),
            Some(Err(_)) => {
                return match sorted.next() {
                    Some(Err(e)) => Err(e),
                    _ => Ok(()),
                };
            }
        };
        let key = group.clone();
        let mut members = std::iter::from_fn(|| match sorted.peek() {
            Some(Ok(g)) if g.0 == key => sorted.next().map(|r| r.map(|g| g.1)),
            Some(Err(_)) => sorted.next().map(|r| r.map(|g| g.1)),
            _ => None,
        });
        each(group, &mut members)?;
    }
}

/// Adds a record not counted, at its place in the input.
fn problem(problems: &mut Sorter<ByKey<usize, Refused>>, at: usize, e: Refused) -> io::Result<()> {
    let bytes = e.heap_bytes();
    problems.push(ByKey(at, e), bytes)
}
