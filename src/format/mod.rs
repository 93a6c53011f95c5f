//! Input and output formats, each in its own module: JSON records and
//! results, CSV records and results, the result's columns, protocol files,
//! the schemas and the human-readable text card.
//!
//! Results are written through one [`ResultWriter`] per output format
//! (as hyperfine's `export` module does): [`json::NdjsonWriter`] and
//! [`csv::CsvWriter`].

pub mod columns;
pub mod csv;
pub mod json;
pub mod protocol;
pub mod schema;
pub mod summary;
pub mod text;

use std::io;

use crate::grading::Grading;

use json::ErrorObject;

/// Output formats of `batch` (docs/spec.md §5 `--output-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// One JSON result (or error object) per line.
    Ndjson,
    /// One flat CSV row per record, after a header row.
    Csv,
}

impl OutputFormat {
    /// A fresh writer of this format.
    pub fn writer(self) -> Box<dyn ResultWriter + Send> {
        match self {
            OutputFormat::Ndjson => Box::new(json::NdjsonWriter::default()),
            OutputFormat::Csv => Box::new(csv::CsvWriter::default()),
        }
    }
}

/// Writes results and error objects, in order, into its own buffer.
pub trait ResultWriter {
    /// What goes before the first record (the CSV header row); empty for
    /// NDJSON.
    fn header(&self) -> Vec<u8>;
    /// One graded record.
    fn result(&mut self, line: usize, file: Option<&str>, result: &Grading) -> io::Result<()>;
    /// One record that could not be graded, in its place.
    fn error(&mut self, error: &ErrorObject) -> io::Result<()>;
    /// Takes out what was written so far.
    fn take(&mut self) -> io::Result<Vec<u8>>;
}
