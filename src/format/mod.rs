//! Output formats, each in its own module: results as JSON and CSV (the
//! result's columns, spreadsheet-safe cells), the human-readable text
//! card, protocol files and the schemas. The summary's and audit's reports
//! and the pictures live in their commands' folders (`summary/report.rs`,
//! `audit/report.rs`, `plot/draw/`), which write with the pieces here.
//! Records are read by [`crate::input`].
//!
//! Results are written through one [`ResultWriter`] per output format
//! (as hyperfine's `export` module does): [`json::NdjsonWriter`] and
//! [`csv::CsvWriter`].

pub mod cell;
pub mod columns;
pub mod csv;
pub mod json;
pub mod protocol;
pub mod schema;
pub mod text;

pub mod output;
pub mod writer;

pub use output::OutputFormat;
pub use writer::ResultWriter;
