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

pub use astct_2019::ASTCT_2019;
pub use shape::{Bands, Criteria, Graded, Grades, same_name};

/// Every criteria the crate holds: the build checks each one's tables.
pub const ALL_CRITERIA: &[&Criteria] = &[&ASTCT_2019];
