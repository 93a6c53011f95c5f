//! Input and output formats, each in its own module: JSON records and
//! results, CSV records and results, protocol files, and the
//! human-readable text card.

pub mod csv;
pub mod json;
pub mod protocol;
pub mod schema;
pub mod text;
