//! The output formats of `batch` and the writer of each.

use super::columns::ResultColumn;
use super::csv::CsvWriter;
use super::json::{FieldsWriter, NdjsonWriter};
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
    /// A fresh writer of this format: every result field, or only `fields`
    /// in their order; CSV cells separated by `delimiter` (`--delimiter`).
    pub fn writer(self, fields: Option<&[ResultColumn]>, delimiter: u8) -> Box<dyn ResultWriter + Send> {
        match (self, fields) {
            (OutputFormat::Ndjson, None) => Box::new(NdjsonWriter::default()),
            (OutputFormat::Ndjson, Some(f)) => Box::new(FieldsWriter::new(f.to_vec())),
            (OutputFormat::Csv, None) => Box::new(CsvWriter::new(ResultColumn::all(), delimiter)),
            (OutputFormat::Csv, Some(f)) => Box::new(CsvWriter::new(f.to_vec(), delimiter)),
        }
    }
}
