//! The result writer trait: one implementation per output format (as
//! hyperfine's `export` module has one exporter per format).

use std::io;

use crate::grading::Grading;

use crate::input::Refused;

/// Writes results and error objects, in order, into its own buffer.
pub trait ResultWriter {
    /// What goes before the first record (the CSV header row); empty for
    /// NDJSON.
    fn header(&self) -> Vec<u8>;
    /// One graded record.
    fn result(&mut self, line: usize, file: Option<&str>, result: &Grading) -> io::Result<()>;
    /// One record that could not be graded, in its place.
    fn error(&mut self, error: &Refused) -> io::Result<()>;
    /// Hands in the buffer to write into from now on and takes out what
    /// was written so far. `buf` is an earlier chunk's, emptied, reused so
    /// that its memory is not allocated and touched afresh; `room` is about
    /// how many bytes of input the next writes render, for the format to
    /// reserve what it writes for them (a hint; `Vec::new()` and 0 when
    /// only taking out).
    fn swap(&mut self, buf: Vec<u8>, room: usize) -> io::Result<Vec<u8>>;
}
