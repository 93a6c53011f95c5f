//! The refused record as written in place of its result (docs/spec.md §4):
//! beside `Rejected`, what a reader makes of a record it cannot grade.

use std::fmt;

use serde::Serialize;

use super::options::Rejected;
use crate::grading::RecordId;

/// The object written in place of a result for a record that could not be
/// graded (docs/spec.md §4): `{"line", "id", "patient_id", "error"}` (each
/// when readable), plus `file` for a named input file and `field`, the first
/// field the message names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ErrorObject {
    /// The input line where the record starts (batch work).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The input file, when the record came from a named file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The record's id, when readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<RecordId>,
    /// The record's patient_id, when readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient_id: Option<String>,
    /// The message: field, value, what is allowed.
    pub error: String,
    /// The first field the message names, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ErrorObject {
    /// The error object of a rejected record.
    pub fn new(line: Option<usize>, file: Option<&str>, rejected: &Rejected) -> Self {
        ErrorObject {
            line,
            file: file.map(String::from),
            id: rejected.id.clone(),
            patient_id: rejected.patient_id.clone(),
            error: rejected.error.to_string(),
            field: rejected.error.field().map(String::from),
        }
    }
}

impl fmt::Display for ErrorObject {
    /// `file:line: message`, as compilers write it (`line N: message` for
    /// standard input).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}:{line}: {}", self.error),
            (None, Some(line)) => write!(f, "line {line}: {}", self.error),
            (_, None) => f.write_str(&self.error),
        }
    }
}
