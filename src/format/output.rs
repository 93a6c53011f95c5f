//! The output formats of `batch` and the writer of each.

use super::csv::CsvWriter;
use super::json::NdjsonWriter;
use super::writer::ResultWriter;

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
            OutputFormat::Ndjson => Box::new(NdjsonWriter::default()),
            OutputFormat::Csv => Box::new(CsvWriter::default()),
        }
    }
}
