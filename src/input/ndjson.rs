//! NDJSON input: one record per line, cut into chunks of whole lines.
//!
//! Memory stays bounded whatever the input: a line longer than the record
//! limit is counted, not kept, and becomes an error in its place; a chunk
//! holds at most `chunk_bytes` of whole lines plus one partial line.

use std::io::{self, Read};
use std::sync::Arc;

use super::chunk::{CHUNK_RECORDS, Chunk, Unreadable};

/// Bytes asked of the input per read.
const READ_BYTES: usize = 64 * 1024;

/// The most room a chunk's buffer hands on to the next (a chunk is about
/// `CHUNK_BYTES` and one read more).
const MAX_CARRIED_BYTES: usize = 1 << 20;

/// Cuts NDJSON into chunks of whole lines. Blank lines are skipped (they
/// hold no record) but counted, so line numbers stay those of the file; a
/// trailing `\r` (CRLF) and a byte-order mark at the start are dropped. A
/// chunk is handed on when it is full, or when a read brought less than
/// asked (a pipe fed one record at a time: graded as it arrives).
pub(super) fn read(
    r: &mut dyn Read,
    file: &Option<Arc<str>>,
    chunk_bytes: usize,
    max_record: usize,
    emit: &mut dyn FnMut(Chunk) -> bool,
) -> io::Result<()> {
    let mut lines = Lines {
        buf: Vec::new(),
        items: Vec::new(),
        room: (0, 0),
        line_start: 0,
        line: 1,
        skipping: None,
        at_start: true,
        max_record,
    };
    let mut block = vec![0u8; READ_BYTES];
    loop {
        let n = loop {
            match r.read(&mut block) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        if n == 0 {
            lines.end_line();
            if !lines.items.is_empty() {
                emit(lines.take_chunk(file));
            }
            return Ok(());
        }
        // A block of tiny records is cut into chunks of at most
        // CHUNK_RECORDS as it is fed (their results are what is held).
        let mut data = &block[..n];
        loop {
            data = &data[lines.feed(data, CHUNK_RECORDS)..];
            if data.is_empty() {
                break;
            }
            if !emit(lines.take_chunk(file)) {
                return Ok(());
            }
        }
        let short = n < block.len();
        if !lines.items.is_empty()
            && (lines.line_start >= chunk_bytes || short)
            && !emit(lines.take_chunk(file))
        {
            return Ok(());
        }
    }
}

/// The lines read so far and not yet handed on.
struct Lines {
    /// Complete lines (without their `\n`), then the current partial line.
    buf: Vec<u8>,
    items: Vec<(usize, Result<std::ops::Range<usize>, Unreadable>)>,
    /// The room (bytes, items) the last chunk took, reserved at the next
    /// feed: after the chunk was handed on, so that a reader that grades a
    /// chunk before reading on (`summary`, `audit`) never holds two.
    room: (usize, usize),
    /// Where the current partial line starts in `buf`.
    line_start: usize,
    /// The current line's number.
    line: usize,
    /// The length so far of a line over the limit, being skipped.
    skipping: Option<u64>,
    at_start: bool,
    max_record: usize,
}

impl Lines {
    /// Feeds bytes of the input; stops after the line that makes `cap`
    /// records, and returns how many bytes it took (all of `data`
    /// otherwise).
    fn feed(&mut self, mut data: &[u8], cap: usize) -> usize {
        let given = data.len();
        let (bytes, items) = std::mem::take(&mut self.room);
        self.buf.reserve(bytes.saturating_sub(self.buf.len()));
        self.items.reserve(items);
        while !data.is_empty() && self.items.len() < cap {
            let (part, newline) = match memchr::memchr(b'\n', data) {
                Some(i) => (&data[..i], true),
                None => (data, false),
            };
            match &mut self.skipping {
                Some(count) => *count += part.len() as u64,
                None => {
                    self.buf.extend_from_slice(part);
                    let len = self.buf.len() - self.line_start;
                    if len > self.max_record {
                        self.skipping = Some(len as u64);
                        self.buf.truncate(self.line_start);
                    }
                }
            }
            if newline {
                self.end_line();
                self.line += 1;
                data = &data[part.len() + 1..];
            } else {
                data = &[];
            }
        }
        given - data.len()
    }

    /// Closes the current line: a record, an over-long record, or blank.
    fn end_line(&mut self) {
        if let Some(count) = self.skipping.take() {
            self.items.push((self.line, Err(Unreadable::TooLong(count))));
            self.at_start = false;
            return;
        }
        let mut s = self.line_start;
        let mut e = self.buf.len();
        if self.at_start && e > s {
            self.at_start = false;
            if self.buf[s..e].starts_with(b"\xEF\xBB\xBF") {
                s += 3;
            }
        }
        if e > s && self.buf[e - 1] == b'\r' {
            e -= 1;
        }
        if !self.buf[s..e].iter().all(u8::is_ascii_whitespace) {
            self.items.push((self.line, Ok(s..e)));
        }
        self.line_start = self.buf.len();
    }

    /// The complete lines as a chunk; the partial line stays.
    fn take_chunk(&mut self, file: &Option<Arc<str>>) -> Chunk {
        // The next chunk's buffers start with the room this one's took (up
        // to a bound: not the room of one huge record for every chunk
        // after it), rather than growing from nothing by doubling, a copy
        // at each step (1% of a batch's instructions, and more memory).
        self.room = (
            self.buf.capacity().min(MAX_CARRIED_BYTES),
            self.items.capacity().min(MAX_CARRIED_BYTES / 64),
        );
        let partial = self.buf[self.line_start..].to_vec();
        self.buf.truncate(self.line_start);
        let buf = std::mem::replace(&mut self.buf, partial);
        self.line_start = 0;
        let items = std::mem::take(&mut self.items);
        Chunk::Json {
            file: file.clone(),
            buf,
            items,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(input: &[u8], max: usize) -> Vec<(usize, Result<String, Unreadable>)> {
        let mut out = Vec::new();
        let mut r = input;
        read(&mut r, &None, 16, max, &mut |chunk| {
            if let Chunk::Json { buf, items, .. } = chunk {
                for (line, item) in items {
                    out.push((
                        line,
                        item.map(|range| String::from_utf8_lossy(&buf[range]).into_owned()),
                    ));
                }
            }
            true
        })
        .expect("reading from memory");
        out
    }

    #[test]
    fn lines_are_numbered_from_the_bytes_with_blank_lines_and_crlf() {
        let got = lines_of(b"\xEF\xBB\xBF{\"a\":1}\r\n\n  \n{\"b\":2}\n{\"c\":3}", 1000);
        assert_eq!(
            got,
            [
                (1, Ok("{\"a\":1}".to_string())),
                (4, Ok("{\"b\":2}".to_string())),
                (5, Ok("{\"c\":3}".to_string()))
            ]
        );
    }

    /// A block of tiny records is cut into chunks of at most
    /// CHUNK_RECORDS, every record kept, in order.
    #[test]
    fn a_chunk_holds_at_most_chunk_records() {
        let input = "{}\n".repeat(CHUNK_RECORDS * 5 + 3);
        let mut sizes = Vec::new();
        let mut lines = Vec::new();
        let mut r = input.as_bytes();
        read(&mut r, &None, 1 << 20, 1000, &mut |chunk| {
            if let Chunk::Json { items, .. } = chunk {
                sizes.push(items.len());
                lines.extend(items.into_iter().map(|(line, _)| line));
            }
            true
        })
        .expect("reading from memory");
        assert!(sizes.iter().all(|n| *n <= CHUNK_RECORDS), "{sizes:?}");
        assert_eq!(lines, (1..=CHUNK_RECORDS * 5 + 3).collect::<Vec<_>>());
    }

    #[test]
    fn a_line_over_the_limit_is_counted_not_kept() {
        let long = format!("{{\"x\":\"{}\"}}", "y".repeat(100));
        let input = format!("{{\"a\":1}}\n{long}\n{{\"b\":2}}\n{long}");
        let got = lines_of(input.as_bytes(), 50);
        assert_eq!(
            got,
            [
                (1, Ok("{\"a\":1}".to_string())),
                (2, Err(Unreadable::TooLong(long.len() as u64))),
                (3, Ok("{\"b\":2}".to_string())),
                (4, Err(Unreadable::TooLong(long.len() as u64)))
            ]
        );
    }
}
