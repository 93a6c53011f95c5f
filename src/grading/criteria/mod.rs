//! The guideline as a value (issue 36): a [`Criteria`] states what grading
//! reads of a consensus (its name and citation, the encephalopathy bands of
//! each instrument with bands of its own, the grade of every finding of
//! every domain), one file per guideline version, so that the next version
//! is one reviewed file, diffable against the last. [`ASTCT_2019`] is the
//! one instance; grading takes it as a value
//! ([`grade_with`](super::grade_with)). The instruments themselves are one
//! row each ([`INSTRUMENTS`], `instruments.rs`; docs/architecture.md "How
//! to add").
//!
//! Not here yet: the thresholds of the management step and the doses
//! (`rules.rs`), the CRS rule (`crs.rs`) and the management table
//! (`actions.rs`), docs/architecture.md.

mod graded;
mod shape;

pub mod astct_2019;
pub mod instruments;

pub use astct_2019::ASTCT_2019;
pub use instruments::{CARTOX10_APPROXIMATION, INSTRUMENTS, Instrument, InstrumentRow};
pub use shape::{Bands, Criteria, Graded, Grades, InstrumentBands, same_name};

/// Every criteria the crate holds: the build checks each one's tables.
pub const ALL_CRITERIA: &[&Criteria] = &[&ASTCT_2019];

// The build fails unless every criteria has bands for every instrument
// with bands of its own, once, in the instruments' order (so that a band
// table is an index: `Criteria::bands`).
const _: () = {
    let mut k = 0;
    while k < ALL_CRITERIA.len() {
        let bands = ALL_CRITERIA[k].bands;
        let (mut i, mut at) = (0, 0);
        while i < Instrument::ALL.len() {
            if Instrument::ALL[i].has_bands() {
                assert!(
                    at < bands.len(),
                    "a criteria's bands must grade every instrument with bands"
                );
                assert!(
                    same_name(bands[at].0, Instrument::ALL[i].as_str()),
                    "a criteria's bands must list the instruments with bands, in order"
                );
                assert!(!bands[at].1.is_empty(), "an instrument's bands cannot be empty");
                at += 1;
            }
            i += 1;
        }
        assert!(
            at == bands.len(),
            "a criteria's bands name only instruments with bands"
        );
        k += 1;
    }
};
