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
    /// Room for about `bytes` of output, to spare growing the buffer;
    /// a hint only.
    fn reserve(&mut self, bytes: usize) {
        let _ = bytes;
    }
    /// Writes from now on into `buf`, emptied: a buffer an earlier chunk
    /// was written into, reused so that its memory is not allocated and
    /// touched afresh. A hint only (the default lets it go).
    fn write_into(&mut self, buf: Vec<u8>) {
        drop(buf);
    }
    /// Takes out what was written so far.
    fn take(&mut self) -> io::Result<Vec<u8>>;
}
