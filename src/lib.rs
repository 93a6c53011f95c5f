//! `icans`: grade ICANS (immune effector cell-associated neurotoxicity
//! syndrome) by the ASTCT 2019 consensus and propose the management step.
//!
//! - [`grading`]: the pure grader, where every clinical rule lives.
//! - [`format`]: reading records and writing results (JSON, CSV, text card).
//! - [`batch`]: regrading many records in order, on every core.
//! - [`interview`]: the guided bedside assessment.
//!
//! Decision support only: every result names its criteria (ASTCT 2019) and
//! is to be confirmed by the treating team.

pub mod batch;
pub mod format;
pub mod grading;
pub mod interview;
