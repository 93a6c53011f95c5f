//! A chunk of one input: whole records with their lines, handed from the
//! reader to whoever grades them.

use std::io;
use std::sync::Arc;

use super::layout::Layout;

/// An input that could not be read (exit 74); the other inputs still run.
#[derive(Debug)]
pub struct InputFailure {
    /// The input's name (`standard input` for stdin).
    pub name: String,
    /// The error.
    pub error: io::Error,
}

/// A chunk of one input: whole records, or why the input stopped.
pub enum Chunk {
    /// JSON records (NDJSON lines or array elements) in one buffer.
    Json {
        /// The input file, when named.
        file: Option<Arc<str>>,
        /// The records' bytes.
        buf: Vec<u8>,
        /// Each record: its line and where its bytes are, or its length
        /// when it was over the limit (and not kept).
        items: Vec<(usize, Result<std::ops::Range<usize>, u64>)>,
    },
    /// CSV rows with their layout.
    Csv {
        /// The input file, when named.
        file: Option<Arc<str>>,
        /// The columns, from the header row.
        layout: Arc<Layout>,
        /// Each row with its line, or its length when a line of it was over
        /// the limit (and not kept).
        rows: Vec<(usize, Result<::csv::ByteRecord, u64>)>,
    },
    /// A structural problem of the input, reported as one error object.
    Problem {
        /// The input file, when named.
        file: Option<Arc<str>>,
        /// Where.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// An input that failed to open or read.
    Failed(InputFailure),
}
