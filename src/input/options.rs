//! How records are read, and what a refused record carries.

use crate::grading::{RecordError, RecordId};

/// How strictly records are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Ignore fields the contract does not know (`--allow-unknown-fields`),
    /// for exports that carry extra columns. Off by default: a misspelt
    /// finding would otherwise read as "not assessed".
    pub allow_unknown_fields: bool,
}

/// A record that could not be graded, with its `id` when that was readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The record's `id`, when it could be read.
    pub id: Option<RecordId>,
    /// What is wrong.
    pub error: RecordError,
}
