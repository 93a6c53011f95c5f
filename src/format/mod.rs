//! Input and output formats, each in its own module: JSON records and
//! results, and the human-readable text card.

pub mod csv;
pub mod json;
pub mod text;
