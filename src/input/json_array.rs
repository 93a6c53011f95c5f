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
    /// The line of an element that followed the last with no `,` between:
    /// reported before it ([`Scanned::Between`]).
    missing_comma: Option<usize>,
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
    /// A fault between two elements (`}` then `{` with no `,`): both
    /// elements are read, and this error stands between them, on `line`
    /// (where the second begins).
    Between {
        /// The line the second element starts on.
        line: usize,
        /// What is missing.
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
            missing_comma: None,
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
        if let Some(line) = self.missing_comma.take() {
            return Ok(Scanned::Between {
                line,
                message: format!(
                    "a `,` is missing before the array element on line {line} (allowed: elements separated by `,`); the elements before and after it are both read"
                ),
            });
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

    /// Copies one element up to the `,` or `]` that ends it at depth 0 (the
    /// array's own element boundary). An element whose structure breaks (a
    /// string not closed on its line, a bracket closed by the wrong one, a
    /// second value where a `,` should be) is [`Scanned::Broken`]: its
    /// brackets are still counted, leniently, to the `,` or `]` at depth 0
    /// that ends it, so that reading never resumes inside it. A `{` right
    /// after a whole element ends it: two elements with a `,` missing
    /// between them (docs/robustness.md "Recovery"; contract v4 §10).
    fn element(&mut self, buf: &mut Vec<u8>) -> io::Result<Scanned> {
        let line = self.line;
        let start = buf.len();
        let mut s = ElementScan::default();
        // The element's bytes seen, and whether they went over the limit.
        let mut len = 0u64;
        let mut over = false;
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                self.line = line + s.lines;
                return Ok(self.input_ended(&s, line, len, over, buf, start));
            }
            let (mut used, mut kept) = (0, 0);
            let mut ended = None;
            while used < chunk.len() {
                match s.step(chunk[used], len + used as u64) {
                    Step::Go => {}
                    Step::End(how) => {
                        ended = Some(how);
                        break;
                    }
                    Step::LineEndInString => {
                        // The string's text is read again as structure: its
                        // closing quote is the likeliest byte lost.
                        over = keep(buf, start, &chunk[kept..used], over, self.max);
                        kept = used;
                        let tail = if over {
                            &[][..]
                        } else {
                            buf.get(start + s.string_at..).unwrap_or(&[])
                        };
                        if s.replay(tail) {
                            used += 1;
                            ended = Some(Ends::LineEnd);
                            break;
                        }
                    }
                }
                used += 1;
            }
            len += used as u64;
            over = keep(buf, start, &chunk[kept..used], over, self.max);
            self.reader.consume(used);
            let Some(how) = ended else { continue };
            self.line = line + s.lines;
            match how {
                Ends::Comma => self.reader.consume(1),
                Ends::NextElement => self.missing_comma = Some(self.line),
                Ends::Array | Ends::LineEnd => {}
            }
            if let Some((why, at)) = s.broken {
                buf.truncate(start);
                return Ok(Scanned::Broken {
                    line,
                    message: why.message(line + at, Some((how, self.line))),
                });
            }
            return Ok(self.whole_element(line, len, over, buf, start));
        }
    }

    /// What an element that reached the end of the input is: broken (its end
    /// never found: it covers the rest), over the limit, or whole (the next
    /// call reports the missing `]`).
    fn input_ended(
        &mut self,
        s: &ElementScan,
        line: usize,
        len: u64,
        over: bool,
        buf: &mut Vec<u8>,
        start: usize,
    ) -> Scanned {
        match s.broken {
            Some((why, at)) => {
                self.done = true;
                buf.truncate(start);
                Scanned::Broken {
                    line,
                    message: why.message(line + at, None),
                }
            }
            None => self.whole_element(line, len, over, buf, start),
        }
    }

    /// An element read whole: kept, or counted when over the limit.
    fn whole_element(&self, line: usize, len: u64, over: bool, buf: &mut Vec<u8>, start: usize) -> Scanned {
        if over {
            buf.truncate(start);
            return Scanned::TooLong { line, bytes: len };
        }
        Scanned::Element {
            line,
            range: start..buf.len(),
        }
    }
}

/// Appends `bytes` of the element begun at `start` to `buf` unless it is
/// already over `max`; returns whether it is over (its bytes then dropped).
fn keep(buf: &mut Vec<u8>, start: usize, bytes: &[u8], over: bool, max: usize) -> bool {
    if over {
        return true;
    }
    buf.extend_from_slice(bytes);
    if buf.len() - start > max {
        buf.truncate(start);
        return true;
    }
    false
}

/// Brackets nested deeper than this break an element (serde_json reads no
/// deeper than 128).
const MAX_DEPTH: usize = 256;

/// What one byte did to the element being scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Nothing that ends it.
    Go,
    /// The element ends before this byte.
    End(Ends),
    /// A line ended inside a string (the string is taken as closed).
    LineEndInString,
}

/// How an element ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ends {
    /// At a `,` at depth 0 (consumed).
    Comma,
    /// At the array's `]` (left for the next call).
    Array,
    /// At a `{` right after the whole element: a `,` is missing (the `{`
    /// begins the next element).
    NextElement,
    /// At a line end: a string not closed on its line, read again as
    /// structure, ended with a `,` at depth 0.
    LineEnd,
}

/// Where the scan of one element stands: its open brackets, whether it is
/// in a string, and the first fault in its structure, after which the scan
/// goes on leniently (a line end closes a string, a closer pops to its
/// opener) until the element's own end.
#[derive(Debug, Default)]
struct ElementScan {
    /// The brackets open, innermost last (`{` or `[`).
    open: Vec<u8>,
    /// Brackets opened past [`MAX_DEPTH`] once broken, counted only.
    deeper: usize,
    /// The element's value is whole (its outermost bracket closed).
    whole: bool,
    in_string: bool,
    escaped: bool,
    /// Where the current string's text begins, from the element's start.
    string_at: usize,
    /// Line ends seen in the element.
    lines: usize,
    /// The first fault and its line (from the element's first), if any.
    broken: Option<(Break, usize)>,
}

impl ElementScan {
    fn depth(&self) -> usize {
        self.open.len() + self.deeper
    }

    /// Reads one byte at offset `at` of the element.
    #[inline]
    fn step(&mut self, b: u8, at: u64) -> Step {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            } else if b == b'\n' {
                self.in_string = false;
                self.fault(Break::StringNotClosed);
                self.lines += 1;
                return Step::LineEndInString;
            }
            return Step::Go;
        }
        match b {
            b'\n' => self.lines += 1,
            b' ' | b'\t' | b'\r' => {}
            b',' | b']' if self.depth() == 0 => {
                return Step::End(if b == b',' { Ends::Comma } else { Ends::Array });
            }
            _ if self.whole => return self.after_whole(b, at),
            b'"' => {
                self.in_string = true;
                self.string_at = usize::try_from(at).unwrap_or(usize::MAX).saturating_add(1);
            }
            b'{' | b'[' => self.open(b),
            b'}' | b']' => self.close(b),
            _ => {}
        }
        Step::Go
    }

    /// A byte after the element's value was whole: a `{` begins the next
    /// element (a `,` missing); anything else breaks the element, and once
    /// broken it is read as part of it.
    fn after_whole(&mut self, b: u8, at: u64) -> Step {
        if self.broken.is_none() {
            if b == b'{' {
                return Step::End(Ends::NextElement);
            }
            self.fault(Break::NoComma);
        }
        if b == b'}' {
            return Step::Go;
        }
        self.whole = false;
        self.step(b, at)
    }

    fn open(&mut self, b: u8) {
        if self.depth() < MAX_DEPTH {
            self.open.push(b);
            return;
        }
        self.fault(Break::TooDeep);
        self.deeper += 1;
    }

    /// A `}` or `]` inside the element. The wrong one breaks it; once
    /// broken, a closer pops to its own opener, or else the innermost.
    fn close(&mut self, b: u8) {
        let opener = if b == b'}' { b'{' } else { b'[' };
        if self.deeper > 0 {
            self.deeper -= 1;
        } else if self.open.last() == Some(&opener) {
            self.open.pop();
        } else if self.open.is_empty() {
            // A stray `}` before any value: the element is refused whole.
            return;
        } else {
            self.fault(Break::Mismatched(b));
            let to = self
                .open
                .iter()
                .rposition(|&o| o == opener)
                .unwrap_or(self.open.len() - 1);
            self.open.truncate(to);
        }
        self.whole = self.depth() == 0;
    }

    /// Reads the text of a string not closed on its line again as
    /// structure (brackets only: it holds no quote). Returns whether it
    /// ends the element: a `,` at depth 0 with nothing after it.
    fn replay(&mut self, tail: &[u8]) -> bool {
        for (i, &b) in tail.iter().enumerate() {
            match b {
                b'{' | b'[' => {
                    self.whole = false;
                    self.open(b);
                }
                b'}' | b']' if self.depth() > 0 => self.close(b),
                b',' if self.depth() == 0 => {
                    return tail[i + 1..].iter().all(|c| matches!(c, b' ' | b'\t' | b'\r'));
                }
                _ => {}
            }
        }
        false
    }

    fn fault(&mut self, why: Break) {
        if self.broken.is_none() {
            self.broken = Some((why, self.lines));
        }
    }
}

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
    /// The message of an element broken on line `at` that ended as `end`
    /// says (how, and on which line), or never (it covers the rest).
    fn message(self, at: usize, end: Option<(Ends, usize)>) -> String {
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
        let after = match end {
            Some((Ends::Array, r)) => {
                format!("; its brackets, counted on, end at the array's `]` on line {r}")
            }
            Some((_, r)) => format!("; its brackets, counted on, end on line {r}, where reading resumed"),
            None => {
                "; its brackets, counted on, never close, so this covers the rest of the input".to_string()
            }
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
            Scanned::Broken { line, message } | Scanned::Between { line, message } => {
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
                Scanned::Broken { line, message } | Scanned::Between { line, message } => {
                    out.push(Err((line, message)))
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
    fn a_missing_comma_between_whole_elements_is_one_error_between_them() {
        let got = scan("[{\"a\": 1}\n{\"b\": 2},\n{\"c\": 3}]\n");
        assert_eq!(lines(&got), [1, 2, 2, 3], "{got:?}");
        assert_eq!(got[0], Ok((1, "{\"a\": 1}".to_string())));
        let Err((_, why)) = &got[1] else { panic!("{got:?}") };
        assert!(
            why.contains("a `,` is missing before the array element on line 2"),
            "{why}"
        );
        assert_eq!(got[2], Ok((2, "{\"b\": 2}".to_string())));
        assert_eq!(got[3], Ok((3, "{\"c\": 3}".to_string())));
        // On one line (the issue's `[{r1} {r2}, {r3}]`): nothing lost.
        let got = scan("[{\"a\": 1} {\"b\": 2}, {\"c\": 3}]");
        assert_eq!(lines(&got), [1, 1, 1, 1], "{got:?}");
        assert!(
            got[1].is_err() && got[0].is_ok() && got[2].is_ok() && got[3].is_ok(),
            "{got:?}"
        );
        // A value other than an object after a whole one breaks it.
        let got = scan("[{\"a\": 1} 7,\n{\"c\": 3}]");
        assert_eq!(lines(&got), [1, 2], "{got:?}");
        assert!(
            matches!(&got[0], Err((1, m)) if m.contains("a `,` is missing before line 1")),
            "{got:?}"
        );
    }

    #[test]
    fn a_broken_element_is_read_to_its_own_end_never_resumed_inside() {
        // A nested object on its own line after an unclosed string is part
        // of the broken element, never a record (issue 33).
        let got = scan(
            "[\n{\"id\": \"1\", \"note\": \"x,\n  \"extra\":\n  {\"consciousness\": \"unarousable\"}},\n{\"id\": \"2\"}\n]\n",
        );
        assert_eq!(lines(&got), [2, 5], "{got:?}");
        assert!(
            matches!(&got[0], Err((2, m)) if m.contains("not closed on line 2") && m.contains("end on line 4, where reading resumed")),
            "{got:?}"
        );
        assert_eq!(got[1], Ok((5, "{\"id\": \"2\"}".to_string())));
        // Pretty-printed: the nested `{` begins a line, deeper than the element.
        let got = scan(
            "[\n  {\n    \"id\": \"1\",\n    \"note\": \"x,\n    \"sub\": {\n      \"seizure\": \"yes\"\n    }\n  },\n  {\"id\": \"2\"}\n]",
        );
        assert_eq!(lines(&got), [2, 9], "{got:?}");
        assert!(got[0].is_err() && got[1].is_ok(), "{got:?}");
        // A mismatched bracket pops to its own opener.
        let got = scan("[{\"a\": {\"b\": [1}, \"c\": 2},\n{\"d\": 3}]");
        assert_eq!(lines(&got), [1, 2], "{got:?}");
        assert!(got[0].is_err() && got[1].is_ok(), "{got:?}");
        // Its end at the array's `]`.
        let got = scan("[{\"a\": 1},\n{\"b\": \"x\n}]");
        assert_eq!(lines(&got), [1, 2], "{got:?}");
        assert!(
            matches!(&got[1], Err((2, m)) if m.contains("end at the array's `]` on line 3")),
            "{got:?}"
        );
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
