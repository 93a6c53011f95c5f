//! JSON arrays of records: split into elements as they stream, so that
//! each element is read (and fails) on its own, with the line it starts on.

use std::io::{self, BufReader, Read};
use std::sync::Arc;

use super::chunk::Chunk;

/// Splits a JSON array of records into its elements as it streams, so that
/// each element is read (and fails) on its own, with the line it starts on.
/// A file holding a single object is read as one record.
pub struct ArrayScanner<R> {
    reader: R,
    line: usize,
    started: bool,
    done: bool,
}

/// What [`ArrayScanner::next_into`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scanned {
    /// An element, appended to the buffer at `range`, starting on `line`.
    Element {
        /// The line the element starts on.
        line: usize,
        /// Where its bytes are in the buffer.
        range: std::ops::Range<usize>,
    },
    /// The array itself is broken at `line`; scanning stops.
    Problem {
        /// Where.
        line: usize,
        /// What is wrong with the array (reported as malformed input).
        message: String,
    },
    /// The array ended.
    End,
}

impl<R: io::BufRead> ArrayScanner<R> {
    /// A scanner over a whole input.
    pub fn new(reader: R) -> Self {
        ArrayScanner {
            reader,
            line: 1,
            started: false,
            done: false,
        }
    }

    fn bump(&mut self, b: u8) {
        if b == b'\n' {
            self.line += 1;
        }
        self.reader.consume(1);
    }

    fn skip_space(&mut self) -> io::Result<Option<u8>> {
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(None);
            }
            let mut n = 0;
            let mut lines = 0;
            let mut rest = buf;
            if !self.started && rest.starts_with(b"\xEF\xBB\xBF") {
                n = 3;
                rest = &rest[3..];
            }
            for &b in rest {
                match b {
                    b' ' | b'\t' | b'\r' => n += 1,
                    b'\n' => {
                        n += 1;
                        lines += 1;
                    }
                    _ => {
                        self.reader.consume(n);
                        self.line += lines;
                        return Ok(Some(b));
                    }
                }
            }
            self.reader.consume(n);
            self.line += lines;
        }
    }

    /// Appends the next element to `buf` and says where it is.
    pub fn next_into(&mut self, buf: &mut Vec<u8>) -> io::Result<Scanned> {
        if self.done {
            return Ok(Scanned::End);
        }
        let first = self.skip_space()?;
        if !self.started {
            self.started = true;
            match first {
                None => {
                    self.done = true;
                    return Ok(Scanned::End);
                }
                Some(b'[') => self.bump(b'['),
                Some(b'{') => {
                    // A single record object: the whole input is the element.
                    self.done = true;
                    let line = self.line;
                    let start = buf.len();
                    self.reader.read_to_end(buf)?;
                    return Ok(Scanned::Element {
                        line,
                        range: start..buf.len(),
                    });
                }
                Some(_) => {
                    self.done = true;
                    return Ok(Scanned::Problem {
                        line: self.line,
                        message: "expected a JSON array of records (or one record object)".into(),
                    });
                }
            }
            return self.next_into(buf);
        }
        match first {
            None => {
                self.done = true;
                Ok(Scanned::Problem {
                    line: self.line,
                    message: "the JSON array is not closed (missing `]`)".into(),
                })
            }
            Some(b']') => {
                self.bump(b']');
                self.done = true;
                match self.skip_space()? {
                    None => Ok(Scanned::End),
                    Some(_) => Ok(Scanned::Problem {
                        line: self.line,
                        message: "unexpected data after the JSON array".into(),
                    }),
                }
            }
            Some(_) => self.element(buf),
        }
    }

    /// Copies one element up to the `,` or `]` that ends it at depth 0.
    fn element(&mut self, buf: &mut Vec<u8>) -> io::Result<Scanned> {
        let line = self.line;
        let start = buf.len();
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                // The next call reports the missing `]`.
                return Ok(Scanned::Element {
                    line,
                    range: start..buf.len(),
                });
            }
            let mut used = 0;
            let mut lines = 0;
            let mut end = None;
            for &b in chunk {
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                    }
                } else {
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' if depth > 0 => depth -= 1,
                        b']' => {
                            end = Some(false);
                            break;
                        }
                        b',' if depth == 0 => {
                            end = Some(true);
                            break;
                        }
                        _ => {}
                    }
                }
                if b == b'\n' {
                    lines += 1;
                }
                used += 1;
            }
            buf.extend_from_slice(&chunk[..used]);
            self.reader.consume(used);
            self.line += lines;
            match end {
                // The `,` is consumed; a `]` is left for the next call.
                Some(true) => {
                    self.reader.consume(1);
                    return Ok(Scanned::Element {
                        line,
                        range: start..buf.len(),
                    });
                }
                Some(false) => {
                    return Ok(Scanned::Element {
                        line,
                        range: start..buf.len(),
                    });
                }
                None => {}
            }
        }
    }
}

/// Cuts a JSON array of records into chunks of whole elements.
pub(super) fn read(
    r: &mut dyn Read,
    file: &Option<Arc<str>>,
    chunk_bytes: usize,
    emit: &mut dyn FnMut(Chunk) -> bool,
) -> io::Result<()> {
    let mut scanner = ArrayScanner::new(BufReader::with_capacity(64 * 1024, r));
    let mut buf = Vec::new();
    let mut items = Vec::new();
    loop {
        let (problem, end) = match scanner.next_into(&mut buf)? {
            Scanned::Element { line, range } => {
                items.push((line, range));
                (None, false)
            }
            Scanned::Problem { line, message } => (Some((line, message)), true),
            Scanned::End => (None, true),
        };
        if (end || buf.len() >= chunk_bytes) && !items.is_empty() {
            let chunk = Chunk::Json {
                file: file.clone(),
                buf: std::mem::take(&mut buf),
                items: std::mem::take(&mut items),
            };
            if !emit(chunk) {
                return Ok(());
            }
        }
        if let Some((line, message)) = problem {
            emit(Chunk::Problem {
                file: file.clone(),
                line,
                message,
            });
        }
        if end {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(input: &str) -> Vec<Result<(usize, String), (usize, String)>> {
        let mut s = ArrayScanner::new(input.as_bytes());
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            match s.next_into(&mut buf).expect("reading from memory") {
                Scanned::Element { line, range } => out.push(Ok((
                    line,
                    String::from_utf8_lossy(&buf[range]).trim().to_string(),
                ))),
                Scanned::Problem { line, message } => {
                    out.push(Err((line, message)));
                    return out;
                }
                Scanned::End => return out,
            }
        }
    }

    #[test]
    fn elements_come_with_the_line_they_start_on() {
        let got = scan("[\n {\"a\": [1, {\"b\": \"],\"}]},\n\n {\"c\": 2}\n]\n");
        assert_eq!(
            got,
            [
                Ok((2, "{\"a\": [1, {\"b\": \"],\"}]}".to_string())),
                Ok((4, "{\"c\": 2}".to_string()))
            ]
        );
    }

    #[test]
    fn a_single_object_is_one_element() {
        assert_eq!(scan("\u{feff}{\"x\": 1}"), [Ok((1, "{\"x\": 1}".to_string()))]);
    }

    #[test]
    fn broken_arrays_are_problems_with_their_line() {
        assert_eq!(
            scan("[{\"x\": 1},\n"),
            [
                Ok((1, "{\"x\": 1}".to_string())),
                Err((2, "the JSON array is not closed (missing `]`)".to_string()))
            ]
        );
        assert_eq!(
            scan("[]\nx"),
            [Err((2, "unexpected data after the JSON array".to_string()))]
        );
        assert_eq!(
            scan("7"),
            [Err((
                1,
                "expected a JSON array of records (or one record object)".to_string()
            ))]
        );
        assert_eq!(scan("  \n "), []);
    }
}
