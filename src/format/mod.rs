//! Input and output formats, each in its own module: JSON records and
//! results, CSV records and results, the result's columns, protocol files,
//! the schemas, the human-readable text card and the pictures (`plot`).
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
