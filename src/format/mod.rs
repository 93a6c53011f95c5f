//! Output formats, each in its own module: results as JSON and CSV (the
//! result's columns, spreadsheet-safe cells), the human-readable text
//! card, the summary's and audit's reports, protocol files, the schemas
//! and the pictures (`plot`). Records are read by [`crate::input`].
//!
//! Results are written through one [`ResultWriter`] per output format
//! (as hyperfine's `export` module does): [`json::NdjsonWriter`] and
//! [`csv::CsvWriter`].

pub mod audit;
pub mod cell;
pub mod columns;
pub mod csv;
pub mod json;
pub mod plot;
pub mod protocol;
pub mod schema;
pub mod summary;
pub mod text;

pub mod output;
pub mod writer;

pub use output::OutputFormat;
pub use writer::ResultWriter;
