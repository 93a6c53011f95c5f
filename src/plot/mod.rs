//! The figures `icans plot` draws (contract v4 §11, docs/spec.md §11): one
//! patient's course by day, and the crude cumulative incidence of ICANS
//! (and CRS) by day since infusion, per group. Read, graded and folded by
//! the same code as `summary` (`summary::read_entries`,
//! `summary::CourseFold`), so that a picture shows exactly the figures
//! `summary` prints; drawing them is [`draw`]'s.

pub mod draw;

use std::collections::BTreeMap;
use std::io;

use serde::{Deserialize, Serialize};

use crate::grading::{self, ActionId};
use crate::input::{Input, InputFailure, ReadOptions, Refused};
use crate::spill::{Listed, Lister, Sorter};
use crate::summary::{
    self, CourseFold, Entry, Folded, GroupBy, Grouped, Incidence, PatientCourse, Sparkline,
};

/// A management step `plot course` marks on the day it is proposed: the
/// orders of the ICANS and CRS steps (docs/spec.md §3), never the
/// "consider" rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    /// Dexamethasone or methylprednisolone (pulse included).
    Corticosteroid,
    /// Tocilizumab.
    Tocilizumab,
    /// ICU admission.
    Icu,
}

impl Mark {
    /// Each mark, in the order drawn, with the action ids that set it.
    pub const TABLE: [(Mark, &'static [ActionId]); 3] = [
        (
            Mark::Corticosteroid,
            &[
                ActionId::Dexamethasone,
                ActionId::Methylprednisolone,
                ActionId::MethylprednisolonePulse,
            ],
        ),
        (Mark::Tocilizumab, &[ActionId::Tocilizumab]),
        (Mark::Icu, &[ActionId::Icu]),
    ];

    /// Its name in a legend and a text alternative.
    pub const fn label(self) -> &'static str {
        match self {
            Mark::Corticosteroid => "corticosteroid",
            Mark::Tocilizumab => "tocilizumab",
            Mark::Icu => "ICU",
        }
    }

    /// The letters drawn on its day (meaning never carried by colour alone).
    pub const fn letter(self) -> &'static str {
        match self {
            Mark::Corticosteroid => "S",
            Mark::Tocilizumab => "T",
            Mark::Icu => "ICU",
        }
    }

    /// Its bit in [`CourseDay::marks`].
    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A day's ICANS as drawn: graded, masked (grade 0 with an excluded
/// finding, which would grade higher) or not assessed; the worst of the
/// day's assessments as the summary's sparkline ranks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayIcans {
    /// A grade (0-5).
    Graded(u8),
    /// Grade 0 with a finding masked: never drawn as 0.
    Masked,
    /// ICANS not assessed (or too little of it to rule ICANS out): never
    /// drawn as 0.
    NotAssessed,
}

impl DayIcans {
    /// The day's ICANS from its sparkline cell (`0`-`5`, `?`, `.`).
    fn of_cell(cell: char) -> DayIcans {
        match cell.to_digit(10) {
            Some(g) => DayIcans::Graded(g as u8),
            None if cell == '?' => DayIcans::Masked,
            None => DayIcans::NotAssessed,
        }
    }
}

/// One assessed day of a patient's course.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseDay {
    /// Day since infusion (or since the first assessment: the course's
    /// `day_basis`).
    pub day: u32,
    /// The day's ICANS.
    pub icans: DayIcans,
    /// The day's worst CRS grade, when an assessment held CRS information.
    pub crs_grade: Option<u8>,
    /// The day's lowest ICE score (lower is worse).
    pub ice_total: Option<u8>,
    /// The day's highest CAPD score (higher is worse).
    pub capd: Option<u8>,
    /// The day's highest temperature, degrees Celsius.
    pub temperature_c: Option<f64>,
    /// The steps proposed on the day ([`Mark`] bits).
    marks: u8,
}

impl CourseDay {
    /// The steps proposed on the day, in [`Mark::TABLE`] order.
    pub fn marks(&self) -> impl Iterator<Item = Mark> + '_ {
        Mark::TABLE
            .iter()
            .map(|(m, _)| *m)
            .filter(|m| self.marks & m.bit() != 0)
    }
}

/// One patient's course as `plot course` draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct CoursePlot {
    /// The course as `summary` reports it.
    pub course: PatientCourse,
    /// The assessed days, in day order.
    pub days: Vec<CourseDay>,
}

/// What an assessment adds to its day beside its grades.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
struct Extra {
    ice_total: Option<u8>,
    capd: Option<u8>,
    temperature_c: Option<f64>,
    marks: u8,
}

impl Extra {
    /// The scores, temperature and marked steps of an assessment, graded
    /// with its management step.
    fn of(a: &grading::Assessment) -> Extra {
        let full = grading::grade(a);
        let marks = Mark::TABLE
            .iter()
            .filter(|(_, ids)| full.management.actions.iter().any(|x| ids.contains(&x.id)))
            .fold(0, |bits, (m, _)| bits | m.bit());
        Extra {
            ice_total: full.ice_total,
            capd: full.capd,
            temperature_c: a.temperature_c,
            marks,
        }
    }
}

/// An entry of a requested patient with what it adds to its day, sorted
/// as entries sort.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Drawn(Entry, Extra);

impl PartialEq for Drawn {
    fn eq(&self, other: &Self) -> bool {
        self.0.key() == other.0.key()
    }
}
impl Eq for Drawn {}
impl PartialOrd for Drawn {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Drawn {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.key().cmp(&other.0.key())
    }
}

/// What `plot course` read: for each requested patient (in the order
/// asked) the course, or `None` with the nearest patient id met; the
/// records not counted and the inputs that could not be read.
#[derive(Debug)]
pub struct Courses {
    /// Each requested patient's course, or why it is not drawn.
    pub plots: Vec<Result<CoursePlot, NotDrawn>>,
    /// Records not counted (invalid, without `patient_id`, or a requested
    /// patient's record that cannot be placed on the timeline), in input
    /// order.
    pub problems: Listed<Refused>,
    /// Inputs that could not be read.
    pub failures: Vec<InputFailure>,
}

/// Why a requested patient's course is not drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotDrawn {
    /// No record has that `patient_id`; the closest id met, if any is
    /// close (Jaro-Winkler 0.8 or more).
    NotFound(Option<String>),
    /// The course has more than [`MOST_DAYS`] assessed days.
    TooManyDays,
    /// The patient has records, but none can be placed on a timeline (no
    /// `day`, and no `assessed_at` either): each is reported.
    NoDay,
}

/// The most assessed days `plot course` draws (27 years of daily
/// assessments): past it the course is refused, never cut short, so that
/// a picture and its memory stay bounded whatever the input.
pub const MOST_DAYS: usize = 10_000;

/// A requested patient's course being built from their sorted entries.
struct Building {
    fold: CourseFold,
    days: DaysSoFar,
    too_many: bool,
}

impl Building {
    fn add(&mut self, e: &Entry, extra: Extra, problems: &mut summary::Problems) -> io::Result<()> {
        match self.fold.add(e) {
            Ok(day) if self.days.len() < MOST_DAYS || self.days.contains_key(&day) => {
                add_to_day(&mut self.days, day, e, extra);
                Ok(())
            }
            Ok(_) => {
                self.too_many = true;
                Ok(())
            }
            Err(why) => summary::unplaced_problem(problems, e, why),
        }
    }

    fn finish(self, built: &mut BTreeMap<String, Result<CoursePlot, NotDrawn>>) {
        let id = self.fold.patient_id.clone();
        let plot = match self.too_many {
            true => Err(NotDrawn::TooManyDays),
            false => finish(self.fold, self.days).ok_or(NotDrawn::NoDay),
        };
        built.insert(id, plot);
    }
}

/// The nearest patient id met to each requested one (for "did you mean"),
/// kept as the records go by.
struct Nearest(Vec<Option<(f64, String)>>);

impl Nearest {
    fn see(&mut self, requested: &[String], id: &str) {
        for (want, best) in requested.iter().zip(self.0.iter_mut()) {
            let score = strsim::jaro_winkler(want, id);
            if score >= 0.8 && best.as_ref().is_none_or(|(s, _)| score > *s) {
                *best = Some((score, id.to_string()));
            }
        }
    }
}

/// Reads the inputs as `summary` does and builds the course of each of
/// `patients` (docs/spec.md §11). Fails only when a temporary file cannot
/// be written or read back.
pub fn courses(inputs: &[Input], read: ReadOptions, patients: &[String]) -> io::Result<Courses> {
    let mut drawn: Sorter<Drawn> = Sorter::new();
    let mut nearest = Nearest(vec![None; patients.len()]);
    let mut last_seen = String::new();
    let (mut problems, failures) = summary::read_entries(inputs, read, &mut |entry, a, _| {
        if !patients.contains(&entry.patient_id) {
            if entry.patient_id != last_seen {
                nearest.see(patients, &entry.patient_id);
                last_seen.clone_from(&entry.patient_id);
            }
            return Ok(());
        }
        let bytes = entry.heap_bytes();
        drawn.push(Drawn(entry, Extra::of(a)), bytes)
    })?;
    let mut built = BTreeMap::new();
    let mut building: Option<Building> = None;
    for d in drawn.finish()? {
        let Drawn(e, extra) = d?;
        if building
            .as_ref()
            .is_none_or(|b| b.fold.patient_id != e.patient_id)
        {
            if let Some(b) = building.take() {
                b.finish(&mut built);
            }
            building = Some(Building {
                fold: CourseFold::new(&e),
                days: BTreeMap::new(),
                too_many: false,
            });
        }
        if let Some(b) = building.as_mut() {
            b.add(&e, extra, &mut problems)?;
        }
    }
    if let Some(b) = building {
        b.finish(&mut built);
    }
    let plots = patients
        .iter()
        .zip(nearest.0)
        .map(|(p, near)| {
            built
                .remove(p)
                .unwrap_or(Err(NotDrawn::NotFound(near.map(|(_, id)| id))))
        })
        .collect();
    Ok(Courses {
        plots,
        problems: summary::in_input_order(problems)?,
        failures,
    })
}

/// A course's days so far: each day's worst ICANS rank and what it shows.
type DaysSoFar = BTreeMap<u32, (u8, CourseDay)>;

/// Adds an assessment placed on `day` to that day: the worst ICANS (as
/// the sparkline ranks it) and CRS grades, the worst scores, the highest
/// temperature, every step proposed.
fn add_to_day(days: &mut DaysSoFar, day: u32, e: &Entry, x: Extra) {
    let rank = Sparkline::rank(e.grade, e.not_ruled_out);
    let (worst, d) = days.entry(day).or_insert_with(|| {
        (
            rank,
            CourseDay {
                day,
                icans: DayIcans::NotAssessed,
                crs_grade: None,
                ice_total: None,
                capd: None,
                temperature_c: None,
                marks: 0,
            },
        )
    });
    *worst = (*worst).max(rank);
    d.crs_grade = d.crs_grade.max(e.crs_grade);
    d.ice_total = match (d.ice_total, x.ice_total) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    d.capd = d.capd.max(x.capd);
    d.temperature_c = match (d.temperature_c, x.temperature_c) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    d.marks |= x.marks;
}

/// The course and its days, the day's ICANS read from the same sparkline
/// cell as `summary` shows (one cell per day up to its width; the ranks
/// themselves past it).
fn finish(fold: CourseFold, days: DaysSoFar) -> Option<CoursePlot> {
    let Folded { course, .. } = fold.finish()?;
    let days = days
        .into_values()
        .map(|(rank, mut d)| {
            d.icans = DayIcans::of_cell(Sparkline::cell(rank));
            d
        })
        .collect();
    Some(CoursePlot { course, days })
}

/// An event whose crude cumulative incidence is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// ICANS of any grade (first assessed day at grade >= 1).
    IcansAny,
    /// ICANS grade >= 3.
    IcansSevere,
    /// CRS of any grade.
    CrsAny,
    /// CRS grade >= 3.
    CrsSevere,
}

impl Event {
    /// Every event, in the order drawn.
    pub const ALL: [Event; 4] = [
        Event::IcansAny,
        Event::IcansSevere,
        Event::CrsAny,
        Event::CrsSevere,
    ];

    /// Its name in a legend, a table and a text alternative.
    pub const fn label(self) -> &'static str {
        match self {
            Event::IcansAny => "any-grade ICANS",
            Event::IcansSevere => "grade >= 3 ICANS",
            Event::CrsAny => "any-grade CRS",
            Event::CrsSevere => "grade >= 3 CRS",
        }
    }

    /// Its name in data attributes (`data-event`).
    pub const fn key(self) -> &'static str {
        match self {
            Event::IcansAny => "icans_any",
            Event::IcansSevere => "icans_grade3_plus",
            Event::CrsAny => "crs_any",
            Event::CrsSevere => "crs_grade3_plus",
        }
    }

    const fn is_crs(self) -> bool {
        matches!(self, Event::CrsAny | Event::CrsSevere)
    }
}

/// One event's curve in a group: the patients with onset on each day
/// (cumulated), and the final proportion with its exact interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    /// The event.
    pub event: Event,
    /// `(day, patients with onset on or before it)` at each day an onset
    /// falls on, in day order.
    pub steps: Vec<(u32, u64)>,
    /// The final proportion: n of the patients counted, with its exact
    /// (Clopper-Pearson) 95% interval, as `summary` computes it.
    pub incidence: Incidence,
}

/// One group's curves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupCurves {
    /// The group's value (`""` for the records without it, or the whole
    /// cohort without `--by`).
    pub group: String,
    /// The last day any of the group's patients was assessed on (where
    /// the curves end).
    pub last_day: u32,
    /// Patients left out of the curves: no `day` recorded (their days
    /// count from their first assessment, not from infusion).
    pub without_day: u64,
    /// The curves: ICANS over the patients with ICANS assessed, CRS over
    /// those with CRS information (only when any has it).
    pub curves: Vec<Curve>,
}

/// What `plot incidence` read.
#[derive(Debug)]
pub struct IncidencePlot {
    /// The field grouped by, with `--by`.
    pub by: Option<&'static str>,
    /// Each group's curves, in the order of the values (on disk past the
    /// memory budget).
    pub groups: Listed<GroupCurves>,
    /// Records not counted, in input order.
    pub problems: Listed<Refused>,
    /// Inputs that could not be read.
    pub failures: Vec<InputFailure>,
}

impl IncidencePlot {
    /// Whether any group has a curve over at least one patient.
    pub fn drawable(&self) -> io::Result<bool> {
        for g in self.groups.iter() {
            if g?.curves.iter().any(|c| c.incidence.total > 0) {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Onsets of each event in one group, patient by patient.
#[derive(Default)]
struct CurveTally {
    last_day: u32,
    without_day: u64,
    totals: [u64; 4],
    onsets: [BTreeMap<u32, u64>; 4],
}

impl CurveTally {
    fn add(&mut self, f: &Folded) {
        let c = &f.course;
        if c.day_basis != summary::DayBasis::Day {
            self.without_day += 1;
            return;
        }
        self.last_day = self.last_day.max(f.last_day.unwrap_or(0));
        let onsets = [
            c.worst_grade.map(|_| c.onset_day),
            c.worst_grade.map(|_| f.severe_onset_day),
            c.crs_worst_grade.map(|_| c.crs_onset_day),
            c.crs_worst_grade.map(|_| f.crs_severe_onset_day),
        ];
        for (i, onset) in onsets.into_iter().enumerate() {
            let Some(onset) = onset else { continue };
            self.totals[i] += 1;
            if let Some(day) = onset {
                *self.onsets[i].entry(day).or_default() += 1;
            }
        }
    }

    fn finish(self, group: String) -> GroupCurves {
        // CRS curves when any patient counted had CRS information.
        let with_crs = self.totals[Event::CrsAny as usize] > 0;
        let curves = Event::ALL
            .iter()
            .zip(self.totals)
            .zip(self.onsets)
            .filter(|((e, _), _)| !e.is_crs() || with_crs)
            .map(|((event, total), onsets)| {
                let mut n = 0;
                let steps = onsets
                    .into_iter()
                    .map(|(day, k)| {
                        n += k;
                        (day, n)
                    })
                    .collect();
                Curve {
                    event: *event,
                    steps,
                    incidence: Incidence::of(n, total),
                }
            })
            .collect();
        GroupCurves {
            group,
            last_day: self.last_day,
            without_day: self.without_day,
            curves,
        }
    }
}

/// Reads the inputs as `summary` does and builds each group's curves (one
/// group, the whole cohort, without `by`); one group at a time in memory
/// (docs/spec.md §11). Fails only when a temporary file cannot be written
/// or read back.
pub fn incidence(inputs: &[Input], read: ReadOptions, by: Option<GroupBy>) -> io::Result<IncidencePlot> {
    // Without `by`, the entries sorted as `summary` sorts them (one group);
    // with it, by group first. (Sorting every entry with the group "" in
    // front cost 1.6 times summary's CPU time on 100,000 patients.)
    let mut whole: Sorter<Entry> = Sorter::new();
    let mut grouped: Sorter<Grouped> = Sorter::new();
    let (mut problems, failures) = summary::read_entries(inputs, read, &mut |entry, a, _| {
        let bytes = entry.heap_bytes();
        match by {
            None => whole.push(entry, bytes),
            Some(by) => {
                let group = by.value(a).to_string();
                grouped.push(Grouped(group, entry), bytes + 24)
            }
        }
    })?;
    let mut groups = Lister::new();
    let mut each = |group: String, members: summary::Members<'_>| {
        let mut tally = CurveTally::default();
        summary::fold_courses(
            members,
            &mut |f| {
                tally.add(&f);
                Ok(())
            },
            &mut |e, why| summary::unplaced_problem(&mut problems, e, why),
        )?;
        let curves = tally.finish(group);
        let bytes = curves.group.len()
            + curves
                .curves
                .iter()
                .map(|c| c.steps.len() * 16 + 64)
                .sum::<usize>();
        groups.push(curves, bytes)
    };
    match by {
        None => each(String::new(), &mut whole.finish()?)?,
        Some(_) => summary::for_each_group(grouped.finish()?, &mut each)?,
    }
    Ok(IncidencePlot {
        by: by.map(GroupBy::field),
        groups: groups.finish()?,
        problems: summary::in_input_order(problems)?,
        failures,
    })
}
