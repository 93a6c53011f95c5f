//! `icans`: grade ICANS (immune effector cell-associated neurotoxicity
//! syndrome) by the ASTCT 2019 consensus and propose the management step.
//!
//! - [`grading`]: the pure grader, where every clinical rule lives.
//! - [`format`]: reading records and writing results (JSON, text card).
//!
//! Decision support only: every result names its criteria (ASTCT 2019) and
//! is to be confirmed by the treating team.

pub mod format;
pub mod grading;
