//! A chunk of one input: whole records with their lines, handed from the
//! reader to whoever grades them.

use std::io;
use std::sync::Arc;

use super::layout::Layout;
use super::options::too_long;
use super::refused::Refused;
use crate::grading::RecordError;

/// The most records a chunk holds, whatever their size. A result's size
/// does not follow its record's: a 16-byte record (`{"crs_grade":4}`) gives
/// a 3 KB result with the CRS step, so 128 KB of such records would be 25
/// MB of output held for one chunk. With this cap a chunk's output stays
/// under about 3 MB, and the chunks in flight within the 64 MiB bound
/// (docs/robustness.md); records of the usual size (200-300 bytes) fill
/// `CHUNK_BYTES` first.
pub const CHUNK_RECORDS: usize = 512;

/// An input that could not be read (exit 74); the other inputs still run.
#[derive(Debug)]
pub struct InputFailure {
    /// The input's name (`standard input` for stdin).
    pub name: String,
    /// The error.
    pub error: io::Error,
}

/// A record that could not be cut out of its input whole: an error in its
/// place, and the reader goes on (docs/robustness.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Longer than `--max-record-bytes`: its length, not kept.
    TooLong(u64),
    /// Its structure is broken (a quote or a bracket not closed); the
    /// reader resumed after it. Says what and where.
    Broken(String),
}

impl Unreadable {
    /// The refusal in its place (`limit`: `--max-record-bytes`).
    pub fn refused(self, limit: usize) -> Refused {
        Refused::bare(RecordError::Malformed(match self {
            Unreadable::TooLong(bytes) => too_long(bytes, limit),
            Unreadable::Broken(message) => message,
        }))
    }
}

/// A chunk of one input: whole records, or why the input stopped.
pub enum Chunk {
    /// JSON records (NDJSON lines or array elements) in one buffer.
    Json {
        /// The input file, when named.
        file: Option<Arc<str>>,
        /// The records' bytes.
        buf: Vec<u8>,
        /// Each record: its line and where its bytes are, or why it could
        /// not be cut out whole.
        items: Vec<(usize, Result<std::ops::Range<usize>, Unreadable>)>,
    },
    /// CSV rows with their layout.
    Csv {
        /// The input file, when named.
        file: Option<Arc<str>>,
        /// The columns, from the header row.
        layout: Arc<Layout>,
        /// Each row with its line, or why it could not be cut out whole.
        rows: Vec<(usize, Result<::csv::ByteRecord, Unreadable>)>,
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
