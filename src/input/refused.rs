//! The refused record (docs/spec.md §4): a record that could not be graded,
//! where it was and what is wrong, written in place of its result.

use std::fmt;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::grading::{RecordError, RecordId};

/// A record that could not be graded: where it was read, its `id` and
/// `patient_id` when they were readable, and why (docs/spec.md §4).
///
/// It is written in place of its result as the error object
/// `{"line", "file", "id", "patient_id", "error", "field"}` (each but
/// `error` only when known), `field` being the first field the message
/// names. Read back (from a temporary file of `audit` or `summary`), its
/// reason is the message as it was written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "Written")]
pub struct Refused {
    /// The input line where the record starts (batch work).
    pub line: Option<usize>,
    /// The input file, when the record came from a named file.
    pub file: Option<String>,
    /// The record's `id`, when it could be read.
    pub id: Option<RecordId>,
    /// The record's `patient_id`, when it could be read.
    pub patient_id: Option<String>,
    /// What is wrong: field, value, what is allowed.
    pub error: RecordError,
}

impl Refused {
    /// A refusal with nothing readable but the problem.
    pub fn bare(error: RecordError) -> Refused {
        Refused {
            line: None,
            file: None,
            id: None,
            patient_id: None,
            error,
        }
    }

    /// The same refusal, placed at a line of a file.
    pub fn at(mut self, line: usize, file: Option<&str>) -> Refused {
        self.line = Some(line);
        self.file = file.map(String::from);
        self
    }

    /// Roughly the heap bytes it holds (for the memory budgets of `audit`
    /// and `summary`): its texts, the message as it will be written.
    pub fn heap_bytes(&self) -> usize {
        let id = match &self.id {
            Some(RecordId::Text(t)) => t.len(),
            _ => 0,
        };
        id + self.file.as_ref().map_or(0, String::len)
            + self.patient_id.as_ref().map_or(0, String::len)
            + self.error.to_string().len()
    }

    /// The first field the message names, for scripts that key on it.
    pub fn field(&self) -> Option<&str> {
        self.error.field()
    }
}

impl Serialize for Refused {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let field = self.field();
        let known = [
            self.line.is_some(),
            self.file.is_some(),
            self.id.is_some(),
            self.patient_id.is_some(),
            field.is_some(),
        ];
        let mut o = s.serialize_struct("Refused", 1 + known.iter().filter(|k| **k).count())?;
        if let Some(line) = self.line {
            o.serialize_field("line", &line)?;
        }
        if let Some(file) = &self.file {
            o.serialize_field("file", file)?;
        }
        if let Some(id) = &self.id {
            o.serialize_field("id", id)?;
        }
        if let Some(patient_id) = &self.patient_id {
            o.serialize_field("patient_id", patient_id)?;
        }
        o.serialize_field("error", &format_args!("{}", self.error))?;
        if let Some(field) = field {
            o.serialize_field("field", field)?;
        }
        o.end()
    }
}

/// A refused record as written, read back.
#[derive(Deserialize)]
struct Written {
    line: Option<usize>,
    file: Option<String>,
    id: Option<RecordId>,
    patient_id: Option<String>,
    error: String,
    field: Option<String>,
}

impl From<Written> for Refused {
    fn from(w: Written) -> Refused {
        Refused {
            line: w.line,
            file: w.file,
            id: w.id,
            patient_id: w.patient_id,
            error: RecordError::Written(Box::new(crate::grading::WrittenError {
                message: w.error,
                field: w.field,
            })),
        }
    }
}

impl fmt::Display for Refused {
    /// `file:line: message`, as compilers write it (`line N: message` for
    /// standard input).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}:{line}: {}", self.error),
            (None, Some(line)) => write!(f, "line {line}: {}", self.error),
            (_, None) => write!(f, "{}", self.error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::{Field, FieldError};

    fn invalid(field: &str, about: Field) -> FieldError {
        FieldError {
            field: field.into(),
            value: Some("\"x\"".into()),
            problem: "not a choice".into(),
            allowed: "none, focal".into(),
            about: Some(about),
            item: None,
            missing: Vec::new(),
        }
    }

    #[test]
    fn the_error_object_names_what_is_known_and_reads_back_as_written() {
        let refused = Refused {
            id: Some(RecordId::Text("r1".into())),
            patient_id: Some("P1".into()),
            ..Refused::bare(RecordError::Invalid(vec![
                invalid("seizure", Field::Seizure),
                invalid("motor", Field::Motor),
            ]))
        }
        .at(7, Some("a.ndjson"));
        let written = serde_json::to_string(&refused).unwrap();
        assert_eq!(
            written,
            r#"{"line":7,"file":"a.ndjson","id":"r1","patient_id":"P1","error":"seizure: not a choice (allowed: none, focal); motor: not a choice (allowed: none, focal)","field":"seizure"}"#
        );
        assert_eq!(
            refused.to_string(),
            "a.ndjson:7: seizure: not a choice (allowed: none, focal); motor: not a choice (allowed: none, focal)"
        );
        let back: Refused = serde_json::from_str(&written).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), written);
        assert_eq!(back.to_string(), refused.to_string());
        assert_eq!(back.field(), Some("seizure"));
    }

    #[test]
    fn a_refusal_is_no_larger_than_the_record_it_stands_in_for() {
        // Why clippy.toml raises large-error-threshold.
        let refused = std::mem::size_of::<Refused>();
        let record = std::mem::size_of::<crate::grading::Assessment>();
        assert!(refused <= record, "Refused {refused} bytes, Assessment {record}");
    }

    #[test]
    fn a_bare_refusal_writes_only_its_error() {
        let refused = Refused::bare(RecordError::Malformed("EOF while parsing".into()));
        let written = serde_json::to_string(&refused).unwrap();
        assert_eq!(written, r#"{"error":"malformed input: EOF while parsing"}"#);
        assert_eq!(refused.to_string(), "malformed input: EOF while parsing");
        let back: Refused = serde_json::from_str(&written).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), written);
        assert_eq!(back.field(), None);
        assert_eq!(
            refused.clone().at(3, None).to_string(),
            "line 3: malformed input: EOF while parsing"
        );
    }
}
