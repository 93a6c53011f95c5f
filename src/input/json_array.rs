//! JSON arrays of records: split into elements as they stream, so that
//! each element is read (and fails) on its own, with the line it starts on.

use std::io::{self, BufReader, Read};
use std::sync::Arc;

use super::chunk::{Chunk, Unreadable};

/// Splits a JSON array of records into its elements as it streams, so that
/// each element is read (and fails) on its own, with the line it starts on.
/// A file holding a single object is read as one record.
pub struct ArrayScanner<R> {
    reader: R,
    line: usize,
    started: bool,
    done: bool,
    max: usize,
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
    /// An element whose structure broke, starting on `line`: not kept;
    /// scanning resumed after it.
    Broken {
        /// The line the element starts on.
        line: usize,
        /// What broke, where, and where reading resumed.
        message: String,
    },
    /// An element longer than the limit, starting on `line`: counted, not
    /// kept.
    TooLong {
        /// The line the element starts on.
        line: usize,
        /// Its length in bytes.
        bytes: u64,
    },
    /// The array ended.
    End,
}

impl<R: io::BufRead> ArrayScanner<R> {
    /// A scanner over a whole input, with no limit on an element's length.
    pub fn new(reader: R) -> Self {
        Self::with_limit(reader, usize::MAX)
    }

    /// A scanner whose elements longer than `max` bytes are counted, not
    /// kept ([`Scanned::TooLong`]).
    pub fn with_limit(reader: R, max: usize) -> Self {
        ArrayScanner {
            reader,
            line: 1,
            started: false,
            done: false,
            max,
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
                    let limit = u64::try_from(self.max).unwrap_or(u64::MAX).saturating_add(1);
                    (&mut self.reader).take(limit).read_to_end(buf)?;
                    let kept = (buf.len() - start) as u64;
                    if kept > self.max as u64 {
                        buf.truncate(start);
                        let rest = io::copy(&mut self.reader, &mut io::sink())?;
                        return Ok(Scanned::TooLong {
                            line,
                            bytes: kept + rest,
                        });
                    }
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

    /// Copies one element up to the `,` or `]` that ends it at depth 0. An
    /// element whose structure breaks (a string not closed on its line, a
    /// bracket closed by the wrong one, a second value where a `,` should
    /// be) is [`Scanned::Broken`], and scanning resumes at the next line
    /// that begins an element (docs/robustness.md "Recovery").
    fn element(&mut self, buf: &mut Vec<u8>) -> io::Result<Scanned> {
        let line = self.line;
        let start = buf.len();
        let mut len = 0u64;
        let mut over = false;
        // The brackets open, innermost last (`{` or `[`).
        let mut open: Vec<u8> = Vec::new();
        // The element's value is whole (its outermost bracket closed).
        let mut whole = false;
        let mut in_string = false;
        let mut escaped = false;
        // Only whitespace and commas since the last line end.
        let mut line_begins = false;
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                // The next call reports the missing `]`.
                if over {
                    return Ok(Scanned::TooLong { line, bytes: len });
                }
                return Ok(Scanned::Element {
                    line,
                    range: start..buf.len(),
                });
            }
            let mut used = 0;
            let mut lines = 0;
            let mut end = None;
            let mut broken = None;
            for &b in chunk {
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                    } else if b == b'\n' {
                        broken = Some(Break::StringNotClosed);
                        break;
                    }
                } else if whole && !matches!(b, b',' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                    broken = Some(Break::NoComma);
                    break;
                } else {
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => {
                            if open.len() >= MAX_DEPTH {
                                broken = Some(Break::TooDeep);
                                break;
                            }
                            open.push(b);
                        }
                        b'}' | b']' if !open.is_empty() => {
                            let opener = if b == b'}' { b'{' } else { b'[' };
                            if open.pop() != Some(opener) {
                                broken = Some(Break::Mismatched(b));
                                break;
                            }
                            whole = open.is_empty();
                        }
                        b']' => {
                            end = Some(false);
                            break;
                        }
                        b',' if open.is_empty() => {
                            end = Some(true);
                            break;
                        }
                        _ => {}
                    }
                }
                if b == b'\n' {
                    lines += 1;
                    line_begins = true;
                } else if !matches!(b, b' ' | b'\t' | b'\r' | b',') {
                    line_begins = false;
                }
                used += 1;
            }
            len += used as u64;
            if !over {
                buf.extend_from_slice(&chunk[..used]);
                if len > self.max as u64 {
                    over = true;
                    buf.truncate(start);
                }
            }
            self.reader.consume(used);
            self.line += lines;
            if let Some(why) = broken {
                buf.truncate(start);
                let at = self.line;
                let resumed = self.resume(line_begins)?;
                return Ok(Scanned::Broken {
                    line,
                    message: why.message(at, resumed),
                });
            }
            if end == Some(true) {
                // The `,` is consumed; a `]` is left for the next call.
                self.reader.consume(1);
            }
            if end.is_some() {
                if over {
                    return Ok(Scanned::TooLong { line, bytes: len });
                }
                return Ok(Scanned::Element {
                    line,
                    range: start..buf.len(),
                });
            }
        }
    }

    /// Skips to the next line that begins an element (`{` after optional
    /// whitespace or commas), or to the end of the input (the array then
    /// ends with the broken element). `here`: the scanner stands at the
    /// byte that broke the element, which may itself begin such a line.
    /// Returns the line it resumed at.
    fn resume(&mut self, here: bool) -> io::Result<Option<usize>> {
        let mut begins = here;
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                self.done = true;
                return Ok(None);
            }
            let mut used = 0;
            let mut found = false;
            for &b in chunk {
                match b {
                    b'{' if begins => {
                        found = true;
                        break;
                    }
                    b'\n' => {
                        self.line += 1;
                        begins = true;
                    }
                    b' ' | b'\t' | b'\r' | b',' => {}
                    _ => begins = false,
                }
                used += 1;
            }
            self.reader.consume(used);
            if found {
                return Ok(Some(self.line));
            }
        }
    }
}

/// Brackets nested deeper than this break an element (serde_json reads no
/// deeper than 128).
const MAX_DEPTH: usize = 256;

/// How an element's structure broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Break {
    /// A line ended inside a string.
    StringNotClosed,
    /// A bracket closed by the wrong one (`}` or `]`).
    Mismatched(u8),
    /// A second value after a whole one, with no `,` between.
    NoComma,
    /// Brackets nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl Break {
    /// The message of an element broken on line `at`, reading resumed at
    /// `resumed` (or nothing left).
    fn message(self, at: usize, resumed: Option<usize>) -> String {
        let what = match self {
            Break::StringNotClosed => format!(
                "a string is not closed on line {at} (allowed: strings closed on their line, newlines written \\n)"
            ),
            Break::Mismatched(b) => format!(
                "`{}` on line {at} closes a bracket it does not match (allowed: each `{{` closed by `}}`, each `[` by `]`)",
                b as char
            ),
            Break::NoComma => {
                format!("a `,` is missing before line {at} (allowed: array elements separated by `,`)")
            }
            Break::TooDeep => format!("brackets nested deeper than {MAX_DEPTH} on line {at}"),
        };
        let after = match resumed {
            Some(r) => format!("; reading resumed at line {r}, the next line that begins an element"),
            None => "; no line after it begins an element, so this covers the rest of the input".to_string(),
        };
        format!("the array element is broken: {what}{after}")
    }
}

/// Cuts a JSON array of records into chunks of whole elements.
pub(super) fn read(
    r: &mut dyn Read,
    file: &Option<Arc<str>>,
    chunk_bytes: usize,
    max_record: usize,
    emit: &mut dyn FnMut(Chunk) -> bool,
) -> io::Result<()> {
    let mut scanner = ArrayScanner::with_limit(BufReader::with_capacity(64 * 1024, r), max_record);
    let mut buf = Vec::new();
    let mut items = Vec::new();
    loop {
        let (problem, end) = match scanner.next_into(&mut buf)? {
            Scanned::Element { line, range } => {
                items.push((line, Ok(range)));
                (None, false)
            }
            Scanned::TooLong { line, bytes } => {
                items.push((line, Err(Unreadable::TooLong(bytes))));
                (None, false)
            }
            Scanned::Broken { line, message } => {
                items.push((line, Err(Unreadable::Broken(message))));
                (None, false)
            }
            Scanned::Problem { line, message } => (Some((line, message)), true),
            Scanned::End => (None, true),
        };
        if (end || buf.len() >= chunk_bytes || items.len() >= super::chunk::CHUNK_RECORDS)
            && !items.is_empty()
        {
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

    /// Each element: its line and text, or its line and what is wrong.
    type Scan = Vec<Result<(usize, String), (usize, String)>>;

    fn scan(input: &str) -> Scan {
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
                Scanned::TooLong { line, bytes } => out.push(Err((line, format!("{bytes} bytes")))),
                Scanned::Broken { line, message } => out.push(Err((line, message))),
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
    fn elements_over_the_limit_are_counted_not_kept() {
        let mut s = ArrayScanner::with_limit(&b"[{\"a\": \"xxxxxxxxxxxx\"}, {\"b\": 1}]"[..], 10);
        let mut buf = Vec::new();
        assert_eq!(
            s.next_into(&mut buf).unwrap(),
            Scanned::TooLong { line: 1, bytes: 21 }
        );
        assert!(buf.is_empty(), "not kept");
        assert!(matches!(
            s.next_into(&mut buf).unwrap(),
            Scanned::Element { line: 1, .. }
        ));
        let mut one = ArrayScanner::with_limit(&b"{\"a\": \"xxxxxxxxxxxx\"}"[..], 10);
        assert_eq!(
            one.next_into(&mut Vec::new()).unwrap(),
            Scanned::TooLong { line: 1, bytes: 21 }
        );
    }

    fn lines(got: &Scan) -> Vec<usize> {
        got.iter()
            .map(|r| match r {
                Ok((l, _)) | Err((l, _)) => *l,
            })
            .collect()
    }

    #[test]
    fn a_missing_comma_costs_one_element_and_reading_resumes_at_the_next() {
        let got = scan("[{\"a\": 1}\n{\"b\": 2},\n{\"c\": 3}]\n");
        assert_eq!(lines(&got), [1, 2, 3], "{got:?}");
        let Err((_, why)) = &got[0] else { panic!("{got:?}") };
        assert!(why.contains("a `,` is missing before line 2"), "{why}");
        assert!(why.contains("reading resumed at line 2"), "{why}");
        assert_eq!(got[1], Ok((2, "{\"b\": 2}".to_string())));
        assert_eq!(got[2], Ok((3, "{\"c\": 3}".to_string())));
        // On one line: the rest of the line goes with it.
        let got = scan("[{\"a\": 1} {\"b\": 2},\n{\"c\": 3}]");
        assert_eq!(lines(&got), [1, 2], "{got:?}");
    }

    #[test]
    fn an_unclosed_string_or_bracket_costs_one_element() {
        let got = scan("[{\"a\": \"x},\n {\"b\": 2},\n {\"c\": 3}]");
        assert_eq!(lines(&got), [1, 2, 3], "{got:?}");
        assert!(
            matches!(&got[0], Err((1, m)) if m.contains("a string is not closed on line 1")),
            "{got:?}"
        );
        let got = scan("[{\"a\": [1, 2},\n{\"b\": 2}]");
        assert_eq!(lines(&got), [1, 2], "{got:?}");
        assert!(
            matches!(&got[0], Err((1, m)) if m.contains("closes a bracket it does not match")),
            "{got:?}"
        );
        // No line after it begins an element: one error covers the rest.
        let got = scan("[{\"a\": \"x\n 1, 2\n]");
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            matches!(&got[0], Err((1, m)) if m.contains("covers the rest of the input")),
            "{got:?}"
        );
    }

    #[test]
    fn pretty_printed_elements_are_whole() {
        let got = scan("[\n  {\n    \"a\": {\n      \"b\": [1, {\"c\": 2}]\n    }\n  },\n  {\"d\": 1}\n]\n");
        assert_eq!(lines(&got), [2, 7], "{got:?}");
        assert!(got.iter().all(Result::is_ok), "{got:?}");
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
