//! How records are read, and the checks that finish a record.

use super::refused::Refused;
use crate::grading::{Assessment, RecordBuilder, RecordError, RecordId};

/// The default longest record (docs/spec.md §10): 1 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 1 << 20;

/// How strictly records are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Ignore fields the contract does not know (`--allow-unknown-fields`),
    /// for exports that carry extra columns. Off by default: a misspelt
    /// finding would otherwise read as "not assessed".
    pub allow_unknown_fields: bool,
    /// A longer record (an NDJSON line, a JSON array element, a CSV line)
    /// is an error in its place, never held in memory
    /// (`--max-record-bytes`).
    pub max_record_bytes: usize,
    /// A site's map file (`--map`), applied to CSV columns and JSON keys
    /// before validation.
    pub map: Option<&'static super::map::SiteMap>,
    /// The byte between CSV cells (`--delimiter`); `None`: a comma, or a
    /// tab for TSV.
    pub delimiter: Option<u8>,
}

/// How one CSV (or TSV) input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvOptions {
    /// The byte between cells.
    pub delimiter: u8,
    /// The longest record, in bytes.
    pub max_record_bytes: usize,
    /// Unknown columns are ignored rather than an error in the header.
    pub allow_unknown_fields: bool,
    /// The site's map file.
    pub map: Option<&'static super::map::SiteMap>,
}

impl ReadOptions {
    /// How a CSV input is read: the delimiter given, else `default` (a tab
    /// for TSV, a comma otherwise).
    pub fn csv(&self, default: u8) -> CsvOptions {
        CsvOptions {
            delimiter: self.delimiter.unwrap_or(default),
            max_record_bytes: self.max_record_bytes,
            allow_unknown_fields: self.allow_unknown_fields,
            map: self.map,
        }
    }
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            allow_unknown_fields: false,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            map: None,
            delimiter: None,
        }
    }
}

/// A byte limit in words: "1 MiB", "64 KiB", "1000 bytes".
pub fn limit_words(limit: usize) -> String {
    if limit % (1 << 20) == 0 {
        format!("{} MiB", limit >> 20)
    } else if limit % 1024 == 0 {
        format!("{} KiB", limit >> 10)
    } else {
        format!("{limit} bytes")
    }
}

/// "record is 2000000 bytes, over the 1 MiB limit".
pub fn too_long(bytes: u64, limit: usize) -> String {
    let limit = limit_words(limit);
    format!(
        "record is {bytes} bytes, over the {limit} limit (allowed: records up to --max-record-bytes; the rest is still graded)"
    )
}

/// Checks a built record as a whole: the record, or the rejection with the
/// `id` and `patient_id` that were readable.
pub fn finish(b: RecordBuilder) -> Result<Assessment, Refused> {
    b.finish_labelled().map_err(labelled)
}

/// [`finish`] with the record left in the builder (batch work: no copy).
pub fn finish_in_place(b: &mut RecordBuilder) -> Result<&mut Assessment, Refused> {
    b.finish_in_place().map_err(labelled)
}

/// A refusal with the `id` and `patient_id` that were readable.
fn labelled((error, id, patient_id): (RecordError, Option<RecordId>, Option<String>)) -> Refused {
    Refused {
        id,
        patient_id,
        ..Refused::bare(error)
    }
}
