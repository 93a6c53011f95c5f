//! CSV input (docs/spec.md §5): a header row of the catalogue's column
//! names (the ICE items as `ice_orientation`, ...; `other_cause` as
//! `;`-separated names); an empty cell means not assessed. Cells are
//! untyped text, read by each field's kind; an `id` stays a string.
//!
//! Line numbers are counted from the bytes (CRLF and blank lines alike),
//! and a line longer than the record limit is cut short as it is read, so
//! that memory stays bounded; its row becomes an error in its place.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Read};
use std::rc::Rc;
use std::sync::Arc;

use super::chunk::Chunk;
use super::layout::Layout;

/// What the counting reader saw, shared with the row loop.
#[derive(Debug, Default)]
struct Seen {
    /// Byte offsets of the newlines not yet matched to a row.
    newlines: VecDeque<u64>,
    /// Byte offsets of the carriage returns not yet passed.
    returns: VecDeque<u64>,
    /// Line numbers (1-based) that were over the limit, with their length.
    too_long: VecDeque<(usize, u64)>,
}

/// Passes the input through, counting newlines and cutting every line at
/// `max` bytes (the cut bytes are dropped, the line remembered).
struct Counting<'a> {
    inner: &'a mut dyn Read,
    seen: Rc<RefCell<Seen>>,
    offset: u64,
    line: usize,
    line_len: u64,
    max: u64,
}

impl Read for Counting<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            let n = self.inner.read(out)?;
            if n == 0 {
                self.end_line();
                return Ok(0);
            }
            let mut kept = 0;
            let mut seen = self.seen.borrow_mut();
            for i in 0..n {
                let b = out[i];
                if b == b'\n' {
                    if self.line_len > self.max {
                        seen.too_long.push_back((self.line, self.line_len));
                    }
                    seen.newlines.push_back(self.offset);
                    self.offset += 1;
                    self.line += 1;
                    self.line_len = 0;
                    out[kept] = b;
                    kept += 1;
                } else {
                    self.line_len += 1;
                    if self.line_len <= self.max {
                        if b == b'\r' {
                            seen.returns.push_back(self.offset);
                        }
                        self.offset += 1;
                        out[kept] = b;
                        kept += 1;
                    }
                }
            }
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

impl Counting<'_> {
    fn end_line(&mut self) {
        if self.line_len > self.max {
            self.seen
                .borrow_mut()
                .too_long
                .push_back((self.line, self.line_len));
            self.line_len = 0;
        }
    }
}

/// Turns byte offsets into line numbers, in order.
struct LineOf {
    seen: Rc<RefCell<Seen>>,
    line: usize,
}

impl LineOf {
    /// The line of a record whose position is `offset` (offsets never go
    /// back). The csv reader places a record just after the terminator of
    /// the one before, which may be the `\n` of a CRLF or blank lines: those
    /// line ends are passed over to the record's first byte.
    fn at(&mut self, mut offset: u64) -> usize {
        let mut seen = self.seen.borrow_mut();
        while seen.newlines.front().is_some_and(|&n| n < offset) {
            seen.newlines.pop_front();
            self.line += 1;
        }
        while seen.returns.front().is_some_and(|&r| r < offset) {
            seen.returns.pop_front();
        }
        loop {
            if seen.newlines.front() == Some(&offset) {
                seen.newlines.pop_front();
                self.line += 1;
            } else if seen.returns.front() == Some(&offset) {
                seen.returns.pop_front();
            } else {
                return self.line;
            }
            offset += 1;
        }
    }

    /// The longest over-long line among lines `from..to`, dropping those
    /// before `to`.
    fn too_long(&mut self, from: usize, to: usize) -> Option<u64> {
        let mut seen = self.seen.borrow_mut();
        let mut found = None;
        while let Some(&(line, len)) = seen.too_long.front() {
            if line >= to {
                break;
            }
            seen.too_long.pop_front();
            if line >= from {
                found = Some(found.map_or(len, |f: u64| f.max(len)));
            }
        }
        found
    }
}

/// Cuts CSV into chunks of rows; the header row gives the layout. A header
/// with an unknown or repeated column is one error at line 1, and every row
/// then points to it rather than being graded without that column.
pub(super) fn read(
    r: &mut dyn Read,
    file: &Option<Arc<str>>,
    chunk_bytes: usize,
    max_record: usize,
    allow_unknown: bool,
    map: Option<&'static super::map::SiteMap>,
    emit: &mut dyn FnMut(Chunk) -> bool,
) -> io::Result<()> {
    let seen = Rc::new(RefCell::new(Seen::default()));
    let counting = Counting {
        inner: r,
        seen: Rc::clone(&seen),
        offset: 0,
        line: 1,
        line_len: 0,
        max: max_record as u64,
    };
    let mut lines = LineOf { seen, line: 1 };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(counting);
    let layout = Layout::with_map(
        reader.byte_headers().map_err(io::Error::other)?,
        allow_unknown,
        map,
    );
    if let Some(problem) = layout.header_problem() {
        if !emit(Chunk::Problem {
            file: file.clone(),
            line: 1,
            message: problem.to_string(),
        }) {
            return Ok(());
        }
    }
    let layout = Arc::new(layout);
    let mut rows = Vec::new();
    let mut bytes = 0;
    loop {
        let mut row = csv::ByteRecord::new();
        let more = reader.read_byte_record(&mut row).map_err(io::Error::other)?;
        if more {
            let start = row.position().map_or(0, |p| p.byte());
            let line = lines.at(start);
            let end = lines_after(&mut lines, reader.position().byte(), line);
            bytes += row.as_slice().len() + row.len();
            match lines.too_long(line, end) {
                Some(len) => rows.push((line, Err(len))),
                None => rows.push((line, Ok(row))),
            }
        }
        if (!more || bytes >= chunk_bytes) && !rows.is_empty() {
            bytes = 0;
            let chunk = Chunk::Csv {
                file: file.clone(),
                layout: layout.clone(),
                rows: std::mem::take(&mut rows),
            };
            if !emit(chunk) {
                return Ok(());
            }
        }
        if !more {
            return Ok(());
        }
    }
}

/// The line after a row: the line of the next record's first byte (or one
/// past the row's own line at the end of the input).
fn lines_after(lines: &mut LineOf, next: u64, line: usize) -> usize {
    let seen = lines.seen.borrow();
    let mut after = lines.line;
    for &n in &seen.newlines {
        if n < next {
            after += 1;
        } else {
            break;
        }
    }
    after.max(line + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(input: &[u8], max: usize) -> Vec<(usize, Result<usize, u64>)> {
        let mut out = Vec::new();
        let mut r = input;
        read(&mut r, &None, 1 << 20, max, false, None, &mut |chunk| {
            match chunk {
                Chunk::Csv { rows, .. } => out.extend(rows.into_iter().map(|(l, r)| (l, r.map(|r| r.len())))),
                Chunk::Problem { line, .. } => out.push((line, Err(0))),
                _ => {}
            }
            true
        })
        .expect("reading from memory");
        out
    }

    #[test]
    fn line_numbers_come_from_the_bytes() {
        assert_eq!(
            rows_of(b"id,seizure\r\n1,bogus\r\n2,bogus\r\n", 100),
            [(2, Ok(2)), (3, Ok(2))]
        );
        assert_eq!(
            rows_of(b"id,seizure\n1,none\n\n2,none\n\n\n3,none\n", 100),
            [(2, Ok(2)), (4, Ok(2)), (7, Ok(2))]
        );
        assert_eq!(
            rows_of(b"id,seizure\n\"a\nb\",none\n2,none\n", 100),
            [(2, Ok(2)), (4, Ok(2))],
            "a quoted newline belongs to its row"
        );
    }

    #[test]
    fn a_line_over_the_limit_is_an_error_in_its_place() {
        let long = format!("2,{}\n", "x".repeat(50));
        let input = format!("id,seizure\n1,none\n{long}3,none\n");
        assert_eq!(
            rows_of(input.as_bytes(), 20),
            [(2, Ok(2)), (3, Err(52)), (4, Ok(2))]
        );
    }
}
