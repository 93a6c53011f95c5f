//! What a [`Criteria`] is made of: its fields, the finding trait its
//! tables are read through, and the lookups (docs/spec.md §2, §7).

use std::ops::RangeInclusive;

use super::instruments::Instrument;
use super::management::Management;

/// An instrument's totals to encephalopathy grades: (totals, grade) rows.
pub type Bands = &'static [(RangeInclusive<u8>, u8)];

/// The bands of each instrument that has its own (`Instrument::has_bands`),
/// by its wire name, in [`Instrument`]'s order.
pub type InstrumentBands = &'static [(&'static str, Bands)];

/// A domain's findings to grades: (wire name, grade) rows, in the order of
/// the finding's enum.
pub type Grades = &'static [(&'static str, u8)];

/// What a grading criteria states (docs/spec.md §2, §7). Built in this
/// module only, each instance listed in [`ALL_CRITERIA`](super::ALL_CRITERIA), whose every table
/// the build checks against the findings (`criteria/graded.rs`): a
/// table that misses or misorders a finding does not compile.
#[derive(Debug, Clone)]
pub struct Criteria {
    /// Its name, as every result names it (`criteria`: "ASTCT 2019").
    pub(crate) name: &'static str,
    /// The publication it is read from.
    pub(crate) citation: &'static str,
    /// The totals of each instrument with bands of its own to
    /// encephalopathy grade, in [`Instrument`]'s order (checked by the
    /// build: `criteria/mod.rs`); the others read on one of these
    /// (`InstrumentRow::reads_on`). A band's grade is
    /// [`Criteria::ice_band`](Self::ice_band)'s.
    pub(crate) bands: InstrumentBands,
    /// Encephalopathy grade of an unarousable patient unable to perform
    /// ICE or CAPD.
    pub(crate) unable_to_perform_grade: u8,
    /// The grade an ICE of 0 in an awake patient (global aphasia) is: an
    /// ICE not performed while awake cannot rule out less.
    pub(crate) ice_zero_awake_grade: u8,
    /// Level of consciousness.
    pub(crate) consciousness: Grades,
    /// Seizure.
    pub(crate) seizure: Grades,
    /// Motor findings.
    pub(crate) motor: Grades,
    /// Raised ICP / cerebral edema.
    pub(crate) edema: Grades,
    /// An ICE total recorded only as a band.
    pub(crate) ice_band: Grades,
    /// The CRS grade fever alone gives (the CRS table's fever row; fever
    /// itself is a temperature of at least `rules::FEVER_MIN_CELSIUS`).
    pub(crate) crs_fever_grade: u8,
    /// CRS hypotension.
    pub(crate) hypotension: Grades,
    /// CRS hypoxia.
    pub(crate) hypoxia: Grades,
    /// The management step proposed with these criteria: its action
    /// table, the thresholds its conditions read (docs/spec.md §3).
    pub(crate) management: &'static Management,
}

/// A finding a [`Criteria`] grades: its place in its enum and its table.
pub trait Graded: Copy + 'static {
    /// Every finding of the domain, in order.
    const ALL: &'static [Self];
    /// The contract's wire name.
    fn wire(self) -> &'static str;
    /// Its place in [`Graded::ALL`].
    fn index(self) -> usize;
    /// The domain's table in `c`.
    fn grades(c: &Criteria) -> Grades;
}

impl Criteria {
    /// Its name, as every result names it (`criteria`: "ASTCT 2019").
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The publication it is read from.
    pub const fn citation(&self) -> &'static str {
        self.citation
    }

    /// The CRS grade fever alone gives (docs/spec.md §7).
    pub const fn crs_fever_grade(&self) -> u8 {
        self.crs_fever_grade
    }

    /// The management step proposed with these criteria.
    pub const fn management(&self) -> &'static Management {
        self.management
    }

    /// The grade these criteria give a finding.
    pub fn grade<F: Graded>(&self, finding: F) -> u8 {
        // In bounds: every table of every criteria grades every finding
        // once, in order (checked by the build: `criteria/graded.rs`).
        F::grades(self)[finding.index()].1
    }

    /// The bands an instrument's totals are graded by: its own, or those
    /// of the instrument it reads on.
    pub fn bands(&self, instrument: Instrument) -> Bands {
        // In bounds: every criteria has one entry per instrument with
        // bands, in order (checked by the build: `criteria/mod.rs`).
        self.bands[instrument.bands_index()].1
    }

    /// The encephalopathy grade of a total on an instrument, or `None`
    /// outside its bands.
    pub fn total_grade(&self, instrument: Instrument, total: u8) -> Option<u8> {
        band(self.bands(instrument), total)
    }

    /// The encephalopathy grade of an ICE total (0-10), or `None` outside
    /// the bands.
    pub fn ice_grade(&self, total: u8) -> Option<u8> {
        self.total_grade(Instrument::Ice, total)
    }

    /// The encephalopathy grade of a CAPD total (0-32), or `None` outside
    /// the bands.
    pub fn capd_grade(&self, score: u8) -> Option<u8> {
        self.total_grade(Instrument::Capd, score)
    }
}

/// Looks a score up in a band table. Scores outside every band cannot
/// reach here: the record builder rejects them.
fn band(table: Bands, score: u8) -> Option<u8> {
    table.iter().find(|(r, _)| r.contains(&score)).map(|(_, g)| *g)
}

/// Whether two names are the same, byte for byte: `str` equality, which
/// the build's check of each table (`criteria/graded.rs`) needs in a
/// `const` context.
pub const fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
