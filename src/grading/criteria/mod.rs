//! The guideline as a value (issue 36): a [`Criteria`] states what grading
//! reads of a consensus (its name and citation, the encephalopathy bands of
//! each instrument with bands of its own, the grade of every finding of
//! every domain, the CRS grade of fever, the management step it
//! proposes), one file per guideline version, so that the next version
//! is one reviewed file, diffable against the last. [`ASTCT_2019`] is the
//! one instance; grading takes it as a value
//! ([`grade_with`](super::grade_with)). The instruments themselves are one
//! row each ([`INSTRUMENTS`], `instruments.rs`; docs/architecture.md "How
//! to add").
//!
//! A criteria names the management step it proposes, a value too
//! ([`Management`], `management.rs`): its action table, the thresholds its
//! conditions read, its emergencies; [`CAR_T_MANAGEMENT`] (`car_t.rs`) is
//! the one instance. The shape of a row (`ActionRow`, `When`, `Dose`) is
//! `actions.rs`'s. Left in code, not in the value: the CRS rule's logic
//! (fever required unless masked, the highest domain: `crs.rs`) and the
//! record's own thresholds (`rules.rs`: instrument maxima, ages, weights,
//! fever), which the record builder reads before any criteria is chosen.

mod graded;
mod shape;

pub mod astct_2019;
pub mod car_t;
pub mod instruments;
pub mod management;

pub use super::actions::Thresholds;
pub use astct_2019::ASTCT_2019;
pub use car_t::CAR_T_MANAGEMENT;
pub use instruments::{CARTOX10_APPROXIMATION, INSTRUMENTS, Instrument, InstrumentRow};
pub use management::{ExcludedEmergency, Management};
pub use shape::{Bands, Criteria, Graded, Grades, InstrumentBands, same_name};

/// Every criteria the crate holds: the build checks each one's tables.
pub const ALL_CRITERIA: &[&Criteria] = &[&ASTCT_2019];

/// Every management step the crate holds: the protocol fills each one's
/// texts once (`protocol.rs`).
pub static ALL_MANAGEMENT: &[&Management] = &[&CAR_T_MANAGEMENT];

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

// The build fails unless every criteria's management step is one the
// protocol fills texts for (`ALL_MANAGEMENT`), and every management step
// has a name of its own (its `PartialEq`).
const _: () = {
    let mut k = 0;
    while k < ALL_CRITERIA.len() {
        let name = ALL_CRITERIA[k].management.name();
        let (mut i, mut found) = (0, false);
        while i < ALL_MANAGEMENT.len() {
            found |= same_name(ALL_MANAGEMENT[i].name(), name);
            i += 1;
        }
        assert!(
            found,
            "a criteria's management step must be listed in ALL_MANAGEMENT"
        );
        k += 1;
    }
    let mut i = 0;
    while i < ALL_MANAGEMENT.len() {
        let mut j = i + 1;
        while j < ALL_MANAGEMENT.len() {
            assert!(
                !same_name(ALL_MANAGEMENT[i].name(), ALL_MANAGEMENT[j].name()),
                "each management step has a name of its own"
            );
            j += 1;
        }
        i += 1;
    }
};
