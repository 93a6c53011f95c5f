//! Audit (docs/spec.md §9): recorded grades (`recorded_grade`, on any scale)
//! against the ASTCT 2019 regrade. Exact agreement with its Clopper-Pearson
//! interval, quadratic-weighted Cohen's kappa with its asymptotic 95%
//! interval (Fleiss, Cohen and Everitt 1969), the cross-table, up- and
//! downgrades, grade-3 crossings, every discordant record; the same per
//! patient and per recorded scale. An incomplete regrade (a lower bound)
//! below the recorded grade is indeterminate, counted apart.

pub mod report;

use std::io;

use serde::{Deserialize, Serialize};

use crate::grading::{self, Domain, Protocol, RecordId};
use crate::input::Refused;
use crate::input::{self, Input, InputFailure, ReadOptions};
use crate::spill::{Combine, Listed, Lister, SpillMap};
use crate::summary::{GroupBy, Incidence};

/// The grades compared, 0-5.
const GRADES: usize = 6;

/// The grade from which a reclassification is clinically decisive.
pub const DECISIVE_GRADE: u8 = 3;

/// One record with a recorded grade, regraded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Compared {
    /// Input line.
    pub line: usize,
    /// Input file, when named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Echoed id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<RecordId>,
    /// Echoed patient_id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient_id: Option<String>,
    /// The scale of the recorded grade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_scale: Option<String>,
    /// The grade recorded at the source.
    pub recorded: u8,
    /// The ASTCT 2019 regrade.
    pub regraded: u8,
    /// The regrade is complete (not a lower bound); written only when it
    /// is not.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub complete: bool,
    /// The domains that drove the regrade (ICANS domains, or CRS domains in
    /// the CRS audit).
    pub drivers: Vec<Driver>,
}

/// A domain that drove a regrade: ICANS's or, in the CRS audit, CRS's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Driver {
    /// An ICANS domain.
    Icans(Domain),
    /// A CRS domain.
    Crs(grading::CrsDomain),
}

impl Driver {
    /// Its name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Driver::Icans(d) => d.as_str(),
            Driver::Crs(d) => d.as_str(),
        }
    }
}

/// Which grade a compared record's row is about (the CSV `kind` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditKind {
    /// The ICANS grade (`recorded_grade`).
    Icans,
    /// The CRS grade (`recorded_crs_grade`).
    Crs,
}

impl AuditKind {
    /// `icans` or `crs`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditKind::Icans => "icans",
            AuditKind::Crs => "crs",
        }
    }
}

/// The CRS audit (contract v3 §9): recorded CRS grades against the CRS
/// graded from its findings.
#[derive(Debug, Serialize)]
pub struct CrsAudit {
    /// The figures over the regradable records.
    #[serde(flatten)]
    pub figures: Figures,
    /// Every discordant (determinate) record.
    pub discordant: Listed<Compared>,
    /// Records with a recorded CRS grade whose CRS cannot be regraded: the
    /// grade was given (`crs_grade`), or no CRS finding was recorded.
    pub not_regradable: u64,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

impl Compared {
    /// Roughly the heap bytes it holds (for the memory budget).
    fn heap_bytes(&self) -> usize {
        let id = match &self.id {
            Some(RecordId::Text(t)) => t.len(),
            _ => 0,
        };
        id + self.file.as_ref().map_or(0, String::len)
            + self.patient_id.as_ref().map_or(0, String::len)
            + self.recorded_scale.as_ref().map_or(0, String::len)
            + self.drivers.len()
    }

    /// A lower-bound regrade below the recorded grade: neither agreement
    /// nor disagreement can be told.
    pub fn indeterminate(&self) -> bool {
        self.grades().indeterminate()
    }

    fn grades(&self) -> Grades {
        Grades {
            recorded: self.recorded,
            regraded: self.regraded,
            incomplete: !self.complete,
        }
    }
}

/// A recorded grade against its regrade: what the figures count. For a
/// patient, the worst of each, incomplete when any regrade is.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
struct Grades {
    recorded: u8,
    regraded: u8,
    incomplete: bool,
}

impl Grades {
    fn indeterminate(self) -> bool {
        self.incomplete && self.regraded < self.recorded
    }
}

/// A patient's grades read in two parts: the worst of both.
impl Combine for Grades {
    fn combine(&mut self, other: Self) {
        self.recorded = self.recorded.max(other.recorded);
        self.regraded = self.regraded.max(other.regraded);
        self.incomplete |= other.incomplete;
    }
}

/// Quadratic-weighted Cohen's kappa with its asymptotic 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Kappa {
    /// Always "quadratic".
    pub weights: &'static str,
    /// Kappa; null when it is undefined (no records, or one grade only).
    pub value: Option<f64>,
    /// `value` +- 1.96 asymptotic standard errors.
    pub ci95: Option<[f64; 2]>,
    /// The asymptotic standard error.
    pub se: Option<f64>,
}

/// Counts reclassified across grade 3, both ways.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crossed {
    /// Recorded below 3, regraded 3 or more.
    pub up: u64,
    /// Recorded 3 or more, regraded below 3.
    pub down: u64,
}

/// The figures of one set of compared records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// Records (or patients) compared, indeterminate included.
    pub compared: u64,
    /// Incomplete regrades below the recorded grade, counted apart.
    pub indeterminate: u64,
    /// Exact agreement over the determinate ones.
    pub agreement: Incidence,
    /// Presence agreement (ICANS recorded and regraded, or neither) over
    /// the determinate ones, with its 2x2 table (contract v3, docs/spec.md
    /// §9).
    pub presence: Presence,
    /// Quadratic-weighted kappa over the determinate ones.
    pub kappa: Kappa,
    /// Recorded grade (rows 0-5) by regraded grade (columns 0-5).
    pub table: [[u64; GRADES]; GRADES],
    /// Regraded above the recorded grade.
    pub upgraded: u64,
    /// Regraded below the recorded grade.
    pub downgraded: u64,
    /// Reclassified across grade 3.
    pub crossed_grade3: Crossed,
}

/// Presence agreement: records whose recorded and regraded grades agree on
/// whether there is ICANS at all (grade >= 1), as regrading studies report
/// beside exact agreement (Pennisi et al., Blood Adv 2020).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Presence {
    /// n of N, percent and exact interval.
    #[serde(flatten)]
    pub agreement: Incidence,
    /// Recorded absent / present (rows) by regraded absent / present
    /// (columns).
    pub table: [[u64; 2]; 2],
}

impl Presence {
    /// From the grade table (recorded rows by regraded columns, 0-5).
    fn of(table: &[[u64; GRADES]; GRADES]) -> Presence {
        let mut two = [[0u64; 2]; 2];
        for (r, row) in table.iter().enumerate() {
            for (g, n) in row.iter().enumerate() {
                two[usize::from(r >= 1)][usize::from(g >= 1)] += n;
            }
        }
        let total: u64 = two.iter().flatten().sum();
        Presence {
            agreement: Incidence::of(two[0][0] + two[1][1], total),
            table: two,
        }
    }
}

/// The whole audit (docs/spec.md §9).
#[derive(Debug, Serialize)]
pub struct Audit {
    /// The figures over records.
    #[serde(flatten)]
    pub figures: Figures,
    /// The CRS audit, when records carry `recorded_crs_grade`; else null.
    pub crs: Option<CrsAudit>,
    /// Valid records without a recorded grade.
    pub without_recorded_grade: u64,
    /// Records with a recorded grade whose ICANS cannot be regraded: no
    /// ICANS domain was assessed (docs/spec.md §2, v4).
    pub not_regradable: u64,
    /// Records that could not be graded.
    pub invalid: Listed<Refused>,
    /// Every discordant (determinate) record.
    pub discordant: Listed<Compared>,
    /// Every indeterminate record.
    pub indeterminate_records: Listed<Compared>,
    /// The same per patient (worst recorded against worst regraded), when
    /// records carry patient_id.
    pub patients: Option<Figures>,
    /// The same per recorded scale, when records carry one, in the order
    /// of the scales' names.
    #[serde(serialize_with = "scale_figures")]
    pub by_scale: Listed<(String, Tally)>,
    /// The figures per group (`--by`), each exactly those of the group's
    /// records alone; null without `--by`.
    #[serde(serialize_with = "group_figures")]
    pub by: Option<(&'static str, Listed<(String, Tally)>)>,
    /// Inputs that could not be read.
    #[serde(skip)]
    pub failures: Vec<InputFailure>,
}

/// What `audit` says, on standard error and in its text, when no record
/// carries a recorded grade (contract v4 §9): exit 65.
pub const NOTHING_TO_COMPARE: &str =
    "nothing to compare: no record has recorded_grade (or recorded_crs_grade)";

impl Audit {
    /// Whether no record carried a recorded grade, ICANS or CRS (invalid
    /// records aside): the audit then has nothing to say.
    pub fn nothing_to_compare(&self) -> bool {
        self.figures.compared == 0
            && self.figures.indeterminate == 0
            && self.not_regradable == 0
            && self.crs.is_none()
    }
}

/// Quadratic weight of a pair of grades: 1 - (i - j)^2 / (k - 1)^2.
fn weight(i: usize, j: usize) -> f64 {
    let d = i as f64 - j as f64;
    1.0 - d * d / ((GRADES - 1) as f64).powi(2)
}

/// Quadratic-weighted kappa of a table of counts, with the asymptotic
/// standard error of Fleiss, Cohen and Everitt (1969).
#[allow(clippy::needless_range_loop)] // i and j are grades: the formula reads best indexed
pub fn weighted_kappa(table: &[[u64; GRADES]; GRADES]) -> Kappa {
    let n: u64 = table.iter().flatten().sum();
    let undefined = Kappa {
        weights: "quadratic",
        value: None,
        ci95: None,
        se: None,
    };
    if n == 0 {
        return undefined;
    }
    let nf = n as f64;
    let p = |i: usize, j: usize| table[i][j] as f64 / nf;
    let row: Vec<f64> = (0..GRADES).map(|i| (0..GRADES).map(|j| p(i, j)).sum()).collect();
    let col: Vec<f64> = (0..GRADES).map(|j| (0..GRADES).map(|i| p(i, j)).sum()).collect();
    let mut po = 0.0;
    let mut pe = 0.0;
    for i in 0..GRADES {
        for j in 0..GRADES {
            po += weight(i, j) * p(i, j);
            pe += weight(i, j) * row[i] * col[j];
        }
    }
    if (1.0 - pe).abs() < 1e-12 {
        return undefined;
    }
    let kappa = (po - pe) / (1.0 - pe);
    // w-bar_i. = sum_j p_.j w_ij ; w-bar_.j = sum_i p_i. w_ij
    let wi: Vec<f64> = (0..GRADES)
        .map(|i| (0..GRADES).map(|j| col[j] * weight(i, j)).sum())
        .collect();
    let wj: Vec<f64> = (0..GRADES)
        .map(|j| (0..GRADES).map(|i| row[i] * weight(i, j)).sum())
        .collect();
    let mut sum = 0.0;
    for i in 0..GRADES {
        for j in 0..GRADES {
            let t = weight(i, j) - (wi[i] + wj[j]) * (1.0 - kappa);
            sum += p(i, j) * t * t;
        }
    }
    let variance = (sum - (kappa - pe * (1.0 - kappa)).powi(2)) / (nf * (1.0 - pe).powi(2));
    let se = variance.max(0.0).sqrt();
    Kappa {
        weights: "quadratic",
        value: Some(kappa),
        ci95: Some([kappa - 1.96 * se, kappa + 1.96 * se]),
        se: Some(se),
    }
}

/// `by_scale` written as an object of figures by scale.
fn scale_figures<S: serde::Serializer>(scales: &Listed<(String, Tally)>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::{Error as _, SerializeMap as _};
    let mut map = s.serialize_map(usize::try_from(scales.len()).ok())?;
    for entry in scales.iter() {
        let (scale, tally) = entry.map_err(S::Error::custom)?;
        map.serialize_entry(&scale, &tally.figures())?;
    }
    map.end()
}

/// `by` written as `{"field": ..., "groups": {VALUE: figures}}`, or null.
fn group_figures<S: serde::Serializer>(
    by: &Option<(&'static str, Listed<(String, Tally)>)>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct as _;
    struct Groups<'a>(&'a Listed<(String, Tally)>);
    impl Serialize for Groups<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            scale_figures(self.0, s)
        }
    }
    match by {
        None => s.serialize_none(),
        Some((field, groups)) => {
            let mut o = s.serialize_struct("By", 2)?;
            o.serialize_field("field", field)?;
            o.serialize_field("groups", &Groups(groups))?;
            o.end()
        }
    }
}

/// Running counts of compared records, from which [`Figures`] follow:
/// the audit keeps these, not the records (docs/spec.md §10).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Tally {
    compared: u64,
    indeterminate: u64,
    table: [[u64; GRADES]; GRADES],
    up: u64,
    down: u64,
    crossed: Crossed,
}

impl Tally {
    fn add(&mut self, c: Grades) {
        self.compared += 1;
        if c.indeterminate() {
            self.indeterminate += 1;
            return;
        }
        let (r, g) = (usize::from(c.recorded.min(5)), usize::from(c.regraded.min(5)));
        self.table[r][g] += 1;
        if c.regraded > c.recorded {
            self.up += 1;
        }
        if c.regraded < c.recorded {
            self.down += 1;
        }
        if c.recorded < DECISIVE_GRADE && c.regraded >= DECISIVE_GRADE {
            self.crossed.up += 1;
        }
        if c.recorded >= DECISIVE_GRADE && c.regraded < DECISIVE_GRADE {
            self.crossed.down += 1;
        }
    }

    /// The figures these counts give.
    pub fn figures(&self) -> Figures {
        let determinate = self.compared - self.indeterminate;
        let agree: u64 = (0..GRADES).map(|i| self.table[i][i]).sum();
        Figures {
            compared: self.compared,
            indeterminate: self.indeterminate,
            agreement: Incidence::of(agree, determinate),
            presence: Presence::of(&self.table),
            kappa: weighted_kappa(&self.table),
            table: self.table,
            upgraded: self.up,
            downgraded: self.down,
            crossed_grade3: self.crossed,
        }
    }
}

/// A scale's counts read in two parts: added.
impl Combine for Tally {
    fn combine(&mut self, other: Self) {
        self.compared += other.compared;
        self.indeterminate += other.indeterminate;
        for (row, more) in self.table.iter_mut().zip(other.table) {
            for (cell, n) in row.iter_mut().zip(more) {
                *cell += n;
            }
        }
        self.up += other.up;
        self.down += other.down;
        self.crossed.up += other.crossed.up;
        self.crossed.down += other.crossed.down;
    }
}

/// Regrades every record of the inputs and audits the recorded grades.
/// Memory holds the counts; the records listed in the output (discordant,
/// indeterminate, invalid) and the entries per patient and per scale move
/// to temporary files past their budget (docs/spec.md §10). Each compared
/// record goes to `each` as it is read (the CSV output, which lists nothing
/// else: then `keep_lists` is false and the discordant and indeterminate
/// lists stay empty), with its kind and its group (`--by`, else empty). Fails only when a temporary file cannot be written
/// or read back.
pub fn from_inputs(
    inputs: &[Input],
    read: ReadOptions,
    protocol: &Protocol,
    keep_lists: bool,
    by: Option<GroupBy>,
    each: &mut dyn FnMut(&Compared, AuditKind, &str),
) -> io::Result<Audit> {
    let mut t = AuditTally {
        keep_lists,
        by,
        ..AuditTally::default()
    };
    // The first failure to write a temporary file; the rest of the run is
    // read for nothing then, and the audit fails.
    let mut spill: io::Result<()> = Ok(());
    let failures = input::for_each_record(inputs, read, &mut |r| {
        if spill.is_err() {
            return;
        }
        spill = match &r.outcome {
            Err(rejected) => {
                let bytes = rejected.heap_bytes();
                t.invalid.push(rejected.clone(), bytes)
            }
            Ok(a) if a.recorded_grade.is_none() && a.recorded_crs_grade.is_none() => {
                t.without += 1;
                Ok(())
            }
            Ok(a) => {
                let g = grading::grade_scoped(
                    a,
                    &grading::ASTCT_2019,
                    protocol,
                    grading::Scope::WithoutManagement,
                );
                // A recorded grade (on its scale) against a regrade (grade,
                // complete, drivers), at this record's place.
                let compared =
                    |scale: Option<String>, recorded: u8, (regraded, complete, drivers)| Compared {
                        line: r.line,
                        file: r.file.map(String::from),
                        id: a.id.clone(),
                        patient_id: a.patient_id.as_deref().map(String::from),
                        recorded_scale: scale,
                        recorded,
                        regraded,
                        complete,
                        drivers,
                    };
                let icans = match (a.recorded_grade, g.grade) {
                    (None, _) => {
                        t.without += 1;
                        Ok(())
                    }
                    (Some(_), None) => {
                        t.not_regradable += 1;
                        Ok(())
                    }
                    (Some(recorded), Some(regraded)) => {
                        let drivers = g.drivers.iter().copied().map(Driver::Icans).collect();
                        let c = compared(
                            a.recorded_scale.as_deref().map(String::from),
                            recorded,
                            (regraded, g.complete, drivers),
                        );
                        each(&c, AuditKind::Icans, by.map_or("", |b| b.value(a)));
                        t.add_icans(c, a)
                    }
                };
                let crs = match (a.recorded_crs_grade, crs_regrade(a, &g)) {
                    (None, _) => Ok(()),
                    (Some(_), None) => {
                        t.crs_seen = true;
                        t.crs_not_regradable += 1;
                        Ok(())
                    }
                    (Some(recorded), Some(regrade)) => {
                        let c = compared(
                            a.recorded_crs_scale.as_deref().map(String::from),
                            recorded,
                            regrade,
                        );
                        each(&c, AuditKind::Crs, by.map_or("", |b| b.value(a)));
                        t.add_crs(c)
                    }
                };
                icans.and(crs)
            }
        };
    });
    spill?;
    t.finish(failures)
}

/// What an audit keeps as the records go by: the counts, the maps per
/// group, scale and patient, and the lists (on disk past their budget).
#[derive(Default)]
struct AuditTally {
    keep_lists: bool,
    by: Option<GroupBy>,
    crs_all: Tally,
    crs_discordant: Lister<Compared>,
    crs_seen: bool,
    crs_not_regradable: u64,
    groups: SpillMap<Tally>,
    invalid: Lister<Refused>,
    without: u64,
    not_regradable: u64,
    all: Tally,
    scales: SpillMap<Tally>,
    patients: SpillMap<Grades>,
    discordant: Lister<Compared>,
    indeterminate_records: Lister<Compared>,
}

impl AuditTally {
    /// A recorded ICANS grade against its regrade.
    fn add_icans(&mut self, c: Compared, a: &grading::Assessment) -> io::Result<()> {
        self.all.add(c.grades());
        if let Some(by) = self.by {
            self.groups.update(by.value(a), |t| t.add(c.grades()))?;
        }
        compare(&c, &mut self.scales, &mut self.patients)?;
        let bytes = c.heap_bytes();
        if self.keep_lists && c.indeterminate() {
            self.indeterminate_records.push(c, bytes)
        } else if self.keep_lists && c.recorded != c.regraded {
            self.discordant.push(c, bytes)
        } else {
            Ok(())
        }
    }

    /// A recorded CRS grade against its regrade.
    fn add_crs(&mut self, c: Compared) -> io::Result<()> {
        self.crs_seen = true;
        self.crs_all.add(c.grades());
        let bytes = c.heap_bytes();
        if self.keep_lists && !c.indeterminate() && c.recorded != c.regraded {
            self.crs_discordant.push(c, bytes)
        } else {
            Ok(())
        }
    }

    fn finish(self, failures: Vec<InputFailure>) -> io::Result<Audit> {
        let patients = per_patient(self.patients)?;
        let by_scale = listed(self.scales)?;
        let by = match self.by {
            None => None,
            Some(by) => Some((by.field(), listed(self.groups)?)),
        };
        let crs = if self.crs_seen {
            Some(CrsAudit {
                figures: self.crs_all.figures(),
                discordant: self.crs_discordant.finish()?,
                not_regradable: self.crs_not_regradable,
            })
        } else {
            None
        };
        Ok(Audit {
            figures: self.all.figures(),
            crs,
            by,
            without_recorded_grade: self.without,
            not_regradable: self.not_regradable,
            invalid: self.invalid.finish()?,
            discordant: self.discordant.finish()?,
            indeterminate_records: self.indeterminate_records.finish()?,
            patients,
            by_scale,
            failures,
        })
    }
}

/// The figures per patient (worst recorded against worst regraded), when
/// records carry `patient_id`.
fn per_patient(patients: SpillMap<Grades>) -> io::Result<Option<Figures>> {
    if patients.is_empty() {
        return Ok(None);
    }
    let mut t = Tally::default();
    for entry in patients.finish()? {
        t.add(entry?.1);
    }
    Ok(Some(t.figures()))
}

/// The tallies of a map (per scale, per group) as a list, in the order of
/// their keys, spilled past the memory budget as the map was.
fn listed(map: SpillMap<Tally>) -> io::Result<Listed<(String, Tally)>> {
    let mut out = Lister::new();
    for entry in map.finish()? {
        let (key, tally) = entry?;
        let bytes = key.len();
        out.push((key, tally), bytes)?;
    }
    out.finish()
}

/// The CRS regrade of a record, when it can be regraded: graded from its
/// findings (a given `crs_grade`, or no finding, cannot be). Complete is
/// false (so that a regrade below the recorded grade is indeterminate, as
/// for ICANS) when the CRS grade is a lower bound, or 0 only because fever
/// is absent while hypotension or hypoxia is graded 2 or more and
/// `fever_masked` is not recorded (contract v3 §9).
fn crs_regrade(a: &grading::Assessment, g: &grading::Grading) -> Option<(u8, bool, Vec<Driver>)> {
    let c = g
        .crs
        .as_ref()
        .filter(|c| c.source == grading::CrsSource::Findings)?;
    let domains = c.domains.as_ref()?;
    let severe_without_fever = c.grade == 0
        && a.fever_masked.is_none()
        && [grading::CrsDomain::Hypotension, grading::CrsDomain::Hypoxia]
            .iter()
            .any(|d| domains.get(*d).grade.is_some_and(|x| x >= 2));
    let drivers = c.drivers.iter().copied().map(Driver::Crs).collect();
    Some((c.grade, c.complete && !severe_without_fever, drivers))
}

/// Counts a compared record for its scale and its patient.
fn compare(c: &Compared, scales: &mut SpillMap<Tally>, patients: &mut SpillMap<Grades>) -> io::Result<()> {
    if let Some(scale) = &c.recorded_scale {
        scales.update(scale, |t| t.add(c.grades()))?;
    }
    if let Some(p) = &c.patient_id {
        patients.update(p, |w| w.combine(c.grades()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_agreement_is_kappa_1_with_no_spread() {
        let mut t = [[0u64; GRADES]; GRADES];
        t[0][0] = 5;
        t[2][2] = 3;
        t[4][4] = 2;
        let k = weighted_kappa(&t);
        assert!((k.value.unwrap() - 1.0).abs() < 1e-12);
        assert!(k.se.unwrap() < 1e-9);
    }

    /// Checked against statsmodels (`cohens_kappa(table, wt="quadratic")`,
    /// an independent implementation): kappa and its asymptotic standard
    /// error to 1e-6.
    #[test]
    fn kappa_and_its_interval_match_an_independent_implementation() {
        let t = [
            [10, 2, 0, 0, 0, 0],
            [1, 8, 3, 0, 0, 0],
            [0, 2, 6, 2, 0, 0],
            [0, 0, 1, 4, 1, 0],
            [0, 0, 0, 1, 3, 0],
            [0, 0, 0, 0, 0, 1],
        ];
        let k = weighted_kappa(&t);
        assert!((k.value.unwrap() - 0.9214448771317308).abs() < 1e-6, "{k:?}");
        assert!((k.se.unwrap() - 0.02453232886904924).abs() < 1e-6, "{k:?}");
        let ci = k.ci95.unwrap();
        assert!(
            (ci[0] - 0.8733623960915021).abs() < 1e-4 && (ci[1] - 0.9695273581719596).abs() < 1e-4,
            "{ci:?}"
        );
        let t2 = [
            [3, 1, 0, 0, 0, 0],
            [0, 2, 1, 0, 0, 0],
            [0, 0, 0, 1, 0, 0],
            [0, 0, 0, 1, 0, 0],
            [0; GRADES],
            [0; GRADES],
        ];
        let k = weighted_kappa(&t2);
        assert!((k.value.unwrap() - 0.8601036269430051).abs() < 1e-6, "{k:?}");
        assert!((k.se.unwrap() - 0.07832274925147627).abs() < 1e-6, "{k:?}");
    }

    #[test]
    fn one_grade_only_leaves_kappa_undefined() {
        let mut t = [[0u64; GRADES]; GRADES];
        t[1][1] = 4;
        assert_eq!(weighted_kappa(&t).value, None);
        assert_eq!(weighted_kappa(&[[0; GRADES]; GRADES]).value, None);
    }
}
