//! `icans`: grade ICANS (immune effector cell-associated neurotoxicity
//! syndrome) by the ASTCT 2019 consensus and propose the management step.
//!
//! - [`grading`]: the pure grader, where every clinical rule lives: an
//!   [`Assessment`](grading::Assessment) in, a [`Grading`](grading::Grading)
//!   out (grade, domains, drivers, completeness, warnings, management step).
//! - [`input`]: reading records (NDJSON, JSON arrays, CSV, site maps)
//!   into assessments, in order, with their places.
//! - [`format`](mod@format): writing results and reports (JSON, CSV,
//!   text card, protocol files, JSON Schemas).
//! - [`batch`]: regrading many records in order, on every core.
//! - [`interview`]: the guided bedside assessment.
//! - [`summary`]: patient courses and cohort incidence with exact intervals.
//! - [`plot`]: the figures of a patient's course and of a cohort's
//!   cumulative incidence, drawn by [`plot::draw`].
//! - [`audit`]: recorded grades against the regrade.
//! - [`spill`]: lists and sorts that move to disk, so memory stays bounded.
//!
//! Decision support only: every result names its criteria (ASTCT 2019) and
//! is to be confirmed by the treating team.
//!
//! # Example
//!
//! Read a record as `icans grade` does, grade it, and look at the result:
//!
//! ```
//! use icans::input::{read_record, ReadOptions};
//! use icans::grading::{grade, Domain, Status};
//!
//! let json = br#"{"id": "A-1", "ice_total": 5, "consciousness": "awakens_to_voice",
//!                 "seizure": "none", "motor": "none", "edema": "none"}"#;
//! let record = read_record(json, ReadOptions::default(), 1).expect("a valid record");
//! let result = grade(&record);
//!
//! // `grade` is an `Option`: `None` when no ICANS domain was assessed.
//! assert_eq!(result.grade, Some(2));
//! assert!(result.complete);
//! assert_eq!(result.drivers[..], [Domain::Encephalopathy, Domain::Consciousness]);
//! assert_eq!(result.domains.get(Domain::Seizure).status, Status::Graded);
//! let ids: Vec<&str> = result.management.actions.iter().map(|a| a.id.as_str()).collect();
//! assert_eq!(ids, ["dexamethasone", "levetiracetam", "neurology_consult", "eeg"]);
//! assert_eq!(result.management.reassess_hours, Some(4));
//! assert_eq!(result.criteria, "ASTCT 2019");
//! ```
//!
//! Invalid records are refused with every problem named:
//!
//! ```
//! use icans::input::{read_record, ReadOptions};
//!
//! let rejected = read_record(br#"{"siezure": "none"}"#, ReadOptions::default(), 1).unwrap_err();
//! assert_eq!(rejected.error.field(), Some("siezure"));
//! assert!(rejected.error.to_string().contains("did you mean `seizure`?"));
//! ```

#![deny(missing_docs)]

pub mod audit;
pub mod batch;
pub mod format;
pub mod grading;
pub mod input;
pub mod interview;
pub mod plot;
pub mod spill;
pub mod summary;
