//! The guideline as a value (issue 36): a [`Criteria`] states what grading
//! reads of a consensus (its name and citation, the encephalopathy bands of
//! each instrument, the grade of every finding of every domain), one file
//! per guideline version, so that the next version is one reviewed file,
//! diffable against the last. [`ASTCT_2019`] is the one instance; grading
//! takes it as a value ([`grade_with`](super::grade_with)).
//!
//! Not here yet: the thresholds of the management step and the doses
//! (`rules.rs`), the CRS rule (`crs.rs`) and the management table
//! (`actions.rs`), docs/architecture.md.

mod shape;

pub mod astct_2019;
pub mod instruments;

pub use astct_2019::ASTCT_2019;
pub use instruments::{CARTOX10_APPROXIMATION, INSTRUMENTS, Instrument, InstrumentRow};
pub use shape::{Bands, Criteria, Graded, Grades, InstrumentBands, same_name};

/// Every criteria the crate holds: the build checks each one's tables.
pub const ALL_CRITERIA: &[&Criteria] = &[&ASTCT_2019];

// The build fails unless every criteria has bands for every instrument,
// once, in the instruments' order (so that a band table is an index:
// `Criteria::bands`).
const _: () = {
    let mut k = 0;
    while k < ALL_CRITERIA.len() {
        let bands = ALL_CRITERIA[k].bands;
        assert!(
            bands.len() == Instrument::ALL.len(),
            "a criteria's bands must grade every instrument once"
        );
        let mut i = 0;
        while i < bands.len() {
            assert!(
                same_name(bands[i].0, Instrument::ALL[i].as_str()),
                "a criteria's bands must list the instruments in order"
            );
            assert!(!bands[i].1.is_empty(), "an instrument's bands cannot be empty");
            i += 1;
        }
        k += 1;
    }
};
