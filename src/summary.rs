//! Patient courses and cohort incidence from graded assessments (`icans
//! summary`): per patient the worst grade, onset, days with ICANS and
//! resolution; per cohort any-grade and grade >= 3 incidence with exact
//! (Clopper-Pearson) 95% intervals, the distribution of worst grades, and
//! onset and duration. Pure: observations in, summary out.

use std::collections::BTreeMap;

use serde::Serialize;
use statrs::distribution::{Beta, ContinuousCDF};

use crate::format::json::ErrorObject;
use crate::grading::{self, FieldError, RecordError};
use crate::input::{self, Input, InputFailure, ReadOptions, RecordRead, Rejected};

/// One graded assessment of a patient, as the summary needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The patient (shared by all of that patient's observations).
    pub patient_id: std::sync::Arc<str>,
    /// Days since infusion, when recorded.
    pub day: Option<u32>,
    /// Seconds since the Unix epoch of `assessed_at`, when recorded.
    pub assessed_at: Option<i64>,
    /// The ICANS grade.
    pub grade: u8,
    /// Whether the assessment was complete.
    pub complete: bool,
    /// Its place in the input (0, 1, 2, ...), to report in input order.
    pub order: usize,
    /// The concurrent CRS grade, when the record held CRS information.
    pub crs_grade: Option<u8>,
}

/// How a patient's days are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayBasis {
    /// `day`: days since cell infusion.
    Day,
    /// `assessed_at`: whole days since the patient's first assessment (no
    /// `day` recorded for that patient).
    FirstAssessment,
}

/// Where a patient's ICANS stands at the last assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Course {
    /// No assessment at grade 1 or more.
    NoIcans,
    /// Back to grade 0 after the onset.
    Resolved,
    /// Not back to grade 0 by the last assessment.
    Unresolved,
}

/// One patient's course.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatientCourse {
    /// The patient.
    pub patient_id: String,
    /// Number of assessments.
    pub assessments: usize,
    /// Worst grade.
    pub worst_grade: u8,
    /// Day the worst grade was first reached.
    pub worst_grade_day: u32,
    /// First day at grade >= 1.
    pub onset_day: Option<u32>,
    /// Distinct days with an assessment at grade >= 1.
    pub days_with_icans: usize,
    /// First day back at grade 0 after the onset.
    pub resolution_day: Option<u32>,
    /// No ICANS, resolved or unresolved.
    pub course: Course,
    /// Separate runs of grade >= 1 (2 or more: recurrence, as in biphasic ICANS).
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cohort {
    /// Patients.
    pub patients: u64,
    /// Graded assessments counted.
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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

/// The median and range of signed values, when there are any.
fn signed_spread(mut v: Vec<i64>) -> Option<SignedSpread> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    };
    Some(SignedSpread {
        n,
        median,
        min: v[0],
        max: v[n - 1],
    })
}

/// An observation that cannot be placed in a course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unplaced {
    /// The observation's place in the input.
    pub order: usize,
    /// Why, naming the field and what is allowed.
    pub error: String,
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

fn spread(mut values: Vec<u32>) -> Option<Spread> {
    values.sort_unstable();
    let n = values.len();
    let (&min, &max) = (values.first()?, values.last()?);
    let median = if n % 2 == 1 {
        f64::from(values[n / 2])
    } else {
        (f64::from(values[n / 2 - 1]) + f64::from(values[n / 2])) / 2.0
    };
    Some(Spread { n, median, min, max })
}

const SECONDS_PER_DAY: i64 = 86_400;

/// One patient's course from their observations (any order).
fn course(
    patient_id: String,
    mut obs: Vec<Observation>,
    unplaced: &mut Vec<Unplaced>,
) -> Option<PatientCourse> {
    let basis = if obs.iter().any(|o| o.day.is_some()) {
        DayBasis::Day
    } else {
        DayBasis::FirstAssessment
    };
    let (placed, missing): (Vec<_>, Vec<_>) = obs.drain(..).partition(|o| match basis {
        DayBasis::Day => o.day.is_some(),
        DayBasis::FirstAssessment => o.assessed_at.is_some(),
    });
    for o in missing {
        let error = match basis {
            DayBasis::Day => format!(
                "day: missing for patient {patient_id}, whose other assessments have it (allowed: day on every assessment of a patient, or assessed_at on every one)"
            ),
            DayBasis::FirstAssessment => format!(
                "day: missing, and no assessed_at either, for patient {patient_id} (allowed: day since infusion, or assessed_at)"
            ),
        };
        unplaced.push(Unplaced {
            order: o.order,
            error,
        });
    }
    let first_time = placed.iter().filter_map(|o| o.assessed_at).min();
    let mut timeline: Vec<(u32, Option<i64>, usize, &Observation)> = placed
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let day = match (basis, o.day, o.assessed_at, first_time) {
                (DayBasis::Day, Some(d), _, _) => d,
                (_, _, Some(t), Some(t0)) => {
                    u32::try_from((t - t0).div_euclid(SECONDS_PER_DAY)).unwrap_or(u32::MAX)
                }
                _ => 0,
            };
            (day, o.assessed_at, i, o)
        })
        .collect();
    // Same day: by time of assessment when known, else in input order.
    timeline.sort_by_key(|&(day, at, i, _)| (day, at, i));
    let first = timeline.first()?;

    let worst_grade = timeline.iter().map(|t| t.3.grade).max().unwrap_or(0);
    let worst_grade_day = timeline
        .iter()
        .find(|t| t.3.grade == worst_grade)
        .map_or(first.0, |t| t.0);
    let onset = timeline.iter().position(|t| t.3.grade >= 1);
    let onset_day = onset.map(|i| timeline[i].0);
    let resolution_day = onset
        .and_then(|i| timeline[i..].iter().find(|t| t.3.grade == 0))
        .map(|t| t.0);
    let mut icans_days: Vec<u32> = timeline.iter().filter(|t| t.3.grade >= 1).map(|t| t.0).collect();
    icans_days.dedup();
    let episodes = timeline
        .iter()
        .zip(std::iter::once(0).chain(timeline.iter().map(|t| t.3.grade)))
        .filter(|(t, previous)| t.3.grade >= 1 && *previous == 0)
        .count();
    let with_crs = timeline.iter().any(|t| t.3.crs_grade.is_some());
    let crs_worst_grade = with_crs.then(|| timeline.iter().filter_map(|t| t.3.crs_grade).max().unwrap_or(0));
    let crs_onset_day = timeline
        .iter()
        .find(|t| t.3.crs_grade.is_some_and(|g| g >= 1))
        .map(|t| t.0);
    let crs_to_icans_days = match (crs_onset_day, onset_day) {
        (Some(c), Some(i)) => Some(i64::from(i) - i64::from(c)),
        _ => None,
    };
    let course = match (onset_day, resolution_day) {
        (None, _) => Course::NoIcans,
        (Some(_), Some(_)) => Course::Resolved,
        (Some(_), None) => Course::Unresolved,
    };
    Some(PatientCourse {
        patient_id,
        assessments: timeline.len(),
        worst_grade,
        worst_grade_day,
        onset_day,
        days_with_icans: icans_days.len(),
        resolution_day,
        course,
        episodes,
        any_incomplete: timeline.iter().any(|t| !t.3.complete),
        day_basis: basis,
        crs_worst_grade,
        crs_onset_day,
        crs_to_icans_days,
    })
}

/// Courses per patient (ordered by patient id) and the cohort; the
/// observations that could not be placed on a patient's timeline are
/// returned too, in input order.
pub fn summarize(observations: Vec<Observation>) -> (Cohort, Vec<PatientCourse>, Vec<Unplaced>) {
    let mut by_patient: BTreeMap<std::sync::Arc<str>, Vec<Observation>> = BTreeMap::new();
    for o in observations {
        by_patient.entry(o.patient_id.clone()).or_default().push(o);
    }
    summarize_grouped(by_patient)
}

/// [`summarize`], with the observations already grouped by patient.
fn summarize_grouped(
    by_patient: BTreeMap<std::sync::Arc<str>, Vec<Observation>>,
) -> (Cohort, Vec<PatientCourse>, Vec<Unplaced>) {
    let mut unplaced = Vec::new();
    let courses: Vec<PatientCourse> = by_patient
        .into_iter()
        .filter_map(|(id, obs)| course(id.to_string(), obs, &mut unplaced))
        .collect();
    unplaced.sort_by_key(|u| u.order);

    let total = courses.len() as u64;
    let count = |f: &dyn Fn(&PatientCourse) -> bool| courses.iter().filter(|c| f(c)).count() as u64;
    let worst_grade_counts = (0..=5u8)
        .map(|g| (g.to_string(), count(&|c: &PatientCourse| c.worst_grade == g)))
        .collect();
    let durations = courses
        .iter()
        .filter_map(|c| Some(c.resolution_day?.saturating_sub(c.onset_day?)))
        .collect();
    let cohort = Cohort {
        patients: total,
        assessments: courses.iter().map(|c| c.assessments as u64).sum(),
        any_grade: Incidence::of(count(&|c| c.worst_grade >= 1), total),
        grade3_plus: Incidence::of(count(&|c| c.worst_grade >= 3), total),
        worst_grade_counts,
        onset_day: spread(courses.iter().filter_map(|c| c.onset_day).collect()),
        duration_days: spread(durations),
        unresolved: count(&|c| c.course == Course::Unresolved),
        patients_with_incomplete_assessments: count(&|c| c.any_incomplete),
        crs_any_grade: None,
        crs_grade3_plus: None,
        crs_to_icans_days: None,
    };
    // CRS incidence over all patients, when any record carries CRS.
    let cohort = if courses.iter().any(|c| c.crs_worst_grade.is_some()) {
        let crs = |min: u8| Incidence::of(count(&|c| c.crs_worst_grade.is_some_and(|g| g >= min)), total);
        Cohort {
            crs_any_grade: Some(crs(1)),
            crs_grade3_plus: Some(crs(3)),
            crs_to_icans_days: signed_spread(courses.iter().filter_map(|c| c.crs_to_icans_days).collect()),
            ..cohort
        }
    } else {
        cohort
    };
    (cohort, courses, unplaced)
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
/// the inputs that could not be read.
#[derive(Debug)]
pub struct Summary {
    /// Cohort figures.
    pub cohort: Cohort,
    /// One course per patient.
    pub courses: Vec<PatientCourse>,
    /// Records not counted, in input order.
    pub problems: Vec<ErrorObject>,
    /// Inputs that could not be read.
    pub failures: Vec<InputFailure>,
}

/// The error object of a record without `patient_id`.
fn missing_patient(read: &RecordRead<'_>, id: Option<&grading::RecordId>) -> ErrorObject {
    let rejected = Rejected {
        id: id.cloned(),
        patient_id: None,
        error: RecordError::Invalid(vec![FieldError {
            field: "patient_id".into(),
            value: None,
            problem: "missing".into(),
            allowed: "a string naming the patient (summary groups assessments by patient)".into(),
        }]),
    };
    ErrorObject::new(Some(read.line), read.file, &rejected)
}

/// Where a record was read: its place in the input, line, file and id.
type Place = (usize, usize, Option<String>, Option<grading::RecordId>);

/// Regrades every record of the inputs and summarises the cohort
/// (docs/spec.md §5 `icans summary`).
pub fn from_inputs(inputs: &[Input], read: ReadOptions) -> Summary {
    // The observations, grouped by patient as they are read (no second copy).
    let mut by_patient: BTreeMap<std::sync::Arc<str>, Vec<Observation>> = BTreeMap::new();
    let mut count = 0usize;
    // Problems keyed by their place in the input, to report in input order.
    let mut problems: Vec<(usize, ErrorObject)> = Vec::new();
    // Where each record without `day` was read (the only ones that may not
    // be placed in a course), by observation: (place, line, file, id).
    let mut places: std::collections::HashMap<usize, Place> = std::collections::HashMap::new();
    // Each patient id once, shared by that patient's observations.
    let mut patients: std::collections::HashSet<std::sync::Arc<str>> = std::collections::HashSet::new();
    let mut order = 0usize;
    let failures = input::for_each_record(inputs, read, &mut |r| {
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
                    let patient_id = match patients.get(patient.as_str()) {
                        Some(p) => p.clone(),
                        None => {
                            let p: std::sync::Arc<str> = patient.as_str().into();
                            patients.insert(p.clone());
                            p
                        }
                    };
                    let index = count;
                    count += 1;
                    if a.day.is_none() {
                        places.insert(index, (order, r.line, r.file.map(String::from), a.id.clone()));
                    }
                    by_patient
                        .entry(patient_id.clone())
                        .or_default()
                        .push(Observation {
                            patient_id,
                            day: a.day,
                            assessed_at,
                            grade: result.grade,
                            complete: result.complete,
                            order: index,
                            crs_grade: result.crs.as_ref().map(|c| c.grade),
                        });
                }
            },
        }
    });
    let patient_of: std::collections::HashMap<usize, std::sync::Arc<str>> = by_patient
        .values()
        .flatten()
        .filter(|o| places.contains_key(&o.order))
        .map(|o| (o.order, o.patient_id.clone()))
        .collect();
    let (cohort, courses, unplaced) = summarize_grouped(by_patient);
    for u in unplaced {
        let Some((place, line, file, id)) = places.remove(&u.order) else {
            continue;
        };
        let patient = patient_of
            .get(&u.order)
            .map(|p| p.to_string())
            .unwrap_or_default();
        let field = u.error.split(':').next().map(String::from);
        problems.push((
            place,
            ErrorObject {
                line: Some(line),
                file,
                id,
                patient_id: Some(patient),
                error: u.error,
                field,
            },
        ));
    }
    problems.sort_by_key(|(o, _)| *o);
    let problems: Vec<ErrorObject> = problems.into_iter().map(|(_, p)| p).collect();

    Summary {
        cohort,
        courses,
        problems,
        failures,
    }
}
