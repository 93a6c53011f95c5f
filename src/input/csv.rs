//! CSV input (docs/spec.md §5): a header row of the catalogue's column
//! names (the ICE items as `ice_orientation`, ...; `other_cause` as
//! `;`-separated names); an empty cell means not assessed. Cells are
//! untyped text, read by each field's kind; an `id` stays a string.
//!
//! The input is read line by line (a line longer than the record limit is
//! counted, not kept) and each line is handed to the CSV parser
//! (`csv_core`, the `csv` crate's own), so that every record's line is
//! known from the bytes, and a record that cannot be cut out whole costs no
//! other (docs/robustness.md "Recovery"): a quoted cell still open at the
//! end of the input, or past `--max-record-bytes`, ends its record as an
//! error in its place, and reading resumes at the line after the one where
//! that record began.

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::Arc;

use csv_core::ReadRecordResult;

use super::chunk::{Chunk, Unreadable};
use super::layout::Layout;
use super::options::limit_words;

/// One line of the input, with its number (1-based).
#[derive(Debug)]
enum Line {
    /// Its bytes, with the `\n` that ends it (none at the end of the input).
    Kept { no: usize, bytes: Vec<u8> },
    /// A line over the limit: its length without the `\n`, its bytes not
    /// kept.
    Cut { no: usize, len: u64 },
}

impl Line {
    fn no(&self) -> usize {
        match self {
            Line::Kept { no, .. } | Line::Cut { no, .. } => *no,
        }
    }
}

/// The lines of an input, each cut at the limit, with lines given back to
/// be read again (after a record that could not be cut out whole).
struct Lines<R> {
    inner: R,
    next_no: usize,
    max: u64,
    again: VecDeque<Line>,
}

impl<R: BufRead> Lines<R> {
    fn next(&mut self) -> io::Result<Option<Line>> {
        if let Some(line) = self.again.pop_front() {
            return Ok(Some(line));
        }
        let no = self.next_no;
        let mut bytes = Vec::new();
        let mut len = 0u64;
        let mut any = false;
        // A line ends at `\n`, `\r\n`, or a lone `\r` (old Mac exports):
        // after a `\r` that ended a buffer, a `\n` may begin the next.
        let mut after_cr = false;
        loop {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            if after_cr {
                if buf[0] == b'\n' {
                    if len <= self.max {
                        bytes.push(b'\n');
                    }
                    self.inner.consume(1);
                }
                break;
            }
            any = true;
            let (take, ended) = match memchr::memchr2(b'\n', b'\r', buf) {
                Some(i) if buf[i] == b'\n' => (i + 1, true),
                Some(i) => match buf.get(i + 1) {
                    Some(b'\n') => (i + 2, true),
                    Some(_) => (i + 1, true),
                    None => {
                        after_cr = true;
                        (i + 1, false)
                    }
                },
                None => (buf.len(), false),
            };
            // The length without the final `\n` (a `\r` counts).
            len += (take - usize::from(ended && buf[take - 1] == b'\n')) as u64;
            if len <= self.max {
                bytes.extend_from_slice(&buf[..take]);
            } else if !bytes.is_empty() {
                bytes = Vec::new();
            }
            self.inner.consume(take);
            if ended {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.next_no += 1;
        Ok(Some(if len > self.max {
            Line::Cut { no, len }
        } else {
            Line::Kept { no, bytes }
        }))
    }

    /// Gives lines back, to be read before the rest of the input.
    fn give_back(&mut self, lines: impl DoubleEndedIterator<Item = Line>) {
        for line in lines.rev() {
            self.again.push_front(line);
        }
    }
}

/// One record cut out of the input, with the line it starts on.
type Cut = (usize, Result<csv::ByteRecord, Unreadable>);

/// Cuts records out of lines with the CSV parser.
struct Records<R> {
    lines: Lines<R>,
    parser: csv_core::Reader,
    max: usize,
    /// The rest of the line the last record ended in (after a lone `\r`,
    /// which ends a record too), with its number.
    rest: Option<(usize, Vec<u8>)>,
    fields: Vec<u8>,
    ends: Vec<usize>,
    /// The layout, once the header is read: a record over several lines
    /// with another number of cells, or with a line end in a record field's
    /// cell, was most likely cut out wrong (a quote not closed where it
    /// should be), and is given up, so that the lines it took are read
    /// again rather than lost.
    layout: Option<Arc<Layout>>,
    /// The cell delimiter, for reading a line alone.
    delimiter: u8,
    /// The last line of the last record given up: up to it, each line is
    /// read alone, strictly (docs/spec.md §10, v4): one that opens a
    /// quoted cell it does not close is an error in its place, never
    /// joined to the lines after it.
    strict_until: usize,
}

/// Why a record over several lines is given up.
enum GiveUp {
    /// Its quoted cell is open at the end of the input.
    EndOfInput,
    /// Its quoted cell is still open past the limit.
    Limit(usize),
    /// It closed on line `last`: with this many cells, not the header's.
    Cells {
        last: usize,
        cells: usize,
        header: usize,
    },
    /// It closed on line `last`, with a line end in this column's cell.
    LineEnd { last: usize, column: String },
    /// It closed on line `last`, and a quoted cell of it closes with text
    /// after its closing quote, on line `at`: the quotes paired up wrong.
    TextAfterQuote { last: usize, at: usize },
    /// It closed on line `last`, and line `row`, read alone, is a whole
    /// row whose quotes balance (docs/spec.md §10, v4: the one accepted
    /// loss of a valid record).
    WholeRow { last: usize, row: usize },
}

/// How the parser left a piece of input.
enum Fed {
    /// A record ended after `used` bytes.
    Record { used: usize },
    /// The piece was used up inside a record.
    Open,
}

impl<R: BufRead> Records<R> {
    fn new(inner: R, max: usize, delimiter: u8) -> Self {
        Records {
            lines: Lines {
                inner,
                next_no: 1,
                max: max as u64,
                again: VecDeque::new(),
            },
            parser: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            max,
            rest: None,
            fields: vec![0; 1024],
            ends: vec![0; 64],
            layout: None,
            delimiter,
            strict_until: 0,
        }
    }

    /// Feeds bytes to the parser, into the record begun so far
    /// (`self.fields[..*out]`, `self.ends[..*nends]`).
    fn feed(&mut self, mut input: &[u8], out: &mut usize, nends: &mut usize) -> Fed {
        let mut used = 0;
        loop {
            let (res, nin, nout, nend) =
                self.parser
                    .read_record(input, &mut self.fields[*out..], &mut self.ends[*nends..]);
            input = &input[nin..];
            used += nin;
            *out += nout;
            *nends += nend;
            match res {
                ReadRecordResult::InputEmpty => return Fed::Open,
                ReadRecordResult::OutputFull => self.fields.resize(self.fields.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::Record => return Fed::Record { used },
                ReadRecordResult::End => return Fed::Open,
            }
        }
    }

    /// The record parsed so far.
    fn record(&self, nends: usize) -> csv::ByteRecord {
        let bytes = nends.checked_sub(1).map_or(0, |last| self.ends[last]);
        let mut r = csv::ByteRecord::with_capacity(bytes, nends);
        let mut start = 0;
        for &end in &self.ends[..nends] {
            r.push_field(&self.fields[start..end]);
            start = end;
        }
        r
    }

    /// The next record, or `None` at the end of the input.
    fn next(&mut self) -> io::Result<Option<Cut>> {
        // The first piece of the record: the rest of the last line, or the
        // next line that holds more than line ends (blank lines are no
        // records).
        let (no, first) = loop {
            let (no, bytes) = match self.rest.take() {
                Some(rest) => rest,
                None => match self.lines.next()? {
                    None => return Ok(None),
                    Some(Line::Cut { no, len }) => return Ok(Some((no, Err(Unreadable::TooLong(len))))),
                    Some(Line::Kept { no, bytes }) => (no, bytes),
                },
            };
            if !bytes.iter().all(|&b| b == b'\n' || b == b'\r') {
                break (no, bytes);
            }
        };
        let (mut out, mut nends) = (0, 0);
        let mut size = first.len();
        let strict = no <= self.strict_until;
        match self.feed(&first, &mut out, &mut nends) {
            Fed::Record { used } => {
                self.keep_rest(no, &first, used);
                // A line read alone after a record was given up must be a
                // row by itself, strictly (a record on one line elsewhere
                // is read as the CSV reader reads it: its values are its
                // own).
                if let Some(why) = strict
                    .then(|| strict_fault(&first[..used], self.delimiter))
                    .flatten()
                {
                    return Ok(Some((no, Err(Unreadable::Broken(why.alone(no))))));
                }
                return Ok(Some((no, Ok(self.record(nends)))));
            }
            // (A last line without a line end goes on: the end of the
            // input ends it, or gives it up alone.)
            Fed::Open if strict && matches!(first.last(), Some(b'\n' | b'\r')) => {
                self.parser.reset();
                let next = no + 1;
                return Ok(Some((
                    no,
                    Err(Unreadable::Broken(format!(
                        "line {no}, read alone after the record it was part of was given up, opens a quoted cell it does not close (allowed: a whole row on one line here; reading resumed at line {next})"
                    ))),
                )));
            }
            Fed::Open => {}
        }
        // A quoted cell is open across the line end: the record goes on,
        // its lines kept until it ends, to be read again if it never does.
        let mut taken: Vec<Line> = Vec::new();
        // Where a quoted cell first closes with text after it.
        let mut quoting = Quoting::default();
        let mut after_quote = quoting.text_after_quote(&first, self.delimiter).then_some(no);
        loop {
            let Some(line) = self.lines.next()? else {
                // The end of the input: a record whose last line has no
                // line end is whole if a line end would end it; if not, a
                // quoted cell is still open.
                return Ok(Some(match self.feed(b"\n", &mut out, &mut nends) {
                    Fed::Record { .. } => self.ended(no, taken, nends, None, after_quote),
                    Fed::Open => self.give_up(no, taken, GiveUp::EndOfInput),
                }));
            };
            let fed = match &line {
                Line::Kept { bytes, no: at } if size + bytes.len() <= self.max + 1 => {
                    size += bytes.len();
                    let fed = self.feed(bytes, &mut out, &mut nends);
                    let read = match fed {
                        Fed::Record { used } => &bytes[..used],
                        Fed::Open => &bytes[..],
                    };
                    if after_quote.is_none() && quoting.text_after_quote(read, self.delimiter) {
                        after_quote = Some(*at);
                    }
                    Some(fed)
                }
                // Over the limit, inside quotes.
                Line::Kept { .. } | Line::Cut { .. } => None,
            };
            taken.push(line);
            match fed {
                None => return Ok(Some(self.give_up(no, taken, GiveUp::Limit(self.max)))),
                Some(Fed::Open) => {}
                Some(Fed::Record { used }) => {
                    return Ok(Some(self.ended(no, taken, nends, Some(used), after_quote)));
                }
            }
        }
    }

    /// A record over several lines, from line `no` to the last line taken,
    /// ended (after `used` bytes of that line; `None` at the end of the
    /// input). Given up when it cannot be right: another number of cells
    /// than the header, or a line end in a record field's cell.
    fn ended(
        &mut self,
        no: usize,
        taken: Vec<Line>,
        nends: usize,
        used: Option<usize>,
        after_quote: Option<usize>,
    ) -> Cut {
        let last = taken.last().map_or(no, Line::no);
        if let Some(at) = after_quote {
            return self.give_up(no, taken, GiveUp::TextAfterQuote { last, at });
        }
        let record = self.record(nends);
        // A record on one line (the last one without a line end included)
        // is a row: a wrong number of cells is the layout's message, never
        // a quoting one (docs/spec.md §10, v4).
        let wrong = self.layout.as_ref().filter(|_| last != no).and_then(|layout| {
            if layout.width() != record.len() {
                return Some(GiveUp::Cells {
                    last,
                    cells: record.len(),
                    header: layout.width(),
                });
            }
            if let Some(column) = layout.line_end_in_a_field(&record) {
                return Some(GiveUp::LineEnd {
                    last,
                    column: column.to_string(),
                });
            }
            // A line end inside quotes in a column not read (unknown,
            // [ignore]) followed by a line that is a whole row by itself: a
            // quote left open has most likely swallowed that row.
            let row = taken.iter().find_map(|line| match line {
                Line::Kept { no, bytes } => whole_row(bytes, self.delimiter, layout.width()).then_some(*no),
                Line::Cut { .. } => None,
            })?;
            Some(GiveUp::WholeRow { last, row })
        });
        if let Some(why) = wrong {
            return self.give_up(no, taken, why);
        }
        if let (Some(used), Some(Line::Kept { bytes, .. })) = (used, taken.last()) {
            if used < bytes.len() {
                self.rest = Some((last, bytes[used..].to_vec()));
            }
        }
        (no, Ok(record))
    }

    /// Keeps what follows a record in its line (after a lone `\r`).
    fn keep_rest(&mut self, no: usize, bytes: &[u8], used: usize) {
        if used < bytes.len() {
            self.rest = Some((no, bytes[used..].to_vec()));
        }
    }

    /// A record over several lines that cannot be right (its quoted cell
    /// never closed, by the end of the input or within the limit, or it has
    /// another number of cells than the header): an error in its place;
    /// the lines after the one it began on are read again.
    fn give_up(&mut self, no: usize, taken: Vec<Line>, why: GiveUp) -> Cut {
        self.parser.reset();
        self.rest = None;
        self.strict_until = self.strict_until.max(taken.last().map_or(no, Line::no));
        self.lines.give_back(taken.into_iter());
        let next = no + 1;
        let message = match why {
            GiveUp::EndOfInput => format!(
                "a quoted cell of the record on line {no} is not closed by the end of the input (allowed: a closing `\"` for every opening one; reading resumed at line {next})"
            ),
            GiveUp::Limit(limit) => format!(
                "a quoted cell of the record on line {no} is still open after {} (allowed: a closing `\"` for every opening one, records up to --max-record-bytes; reading resumed at line {next})",
                limit_words(limit)
            ),
            GiveUp::Cells { last, cells, header } => format!(
                "the record on line {no} runs to line {last} inside quotes and has {cells} cells where the header has {header}: a quoted cell is probably not closed (allowed: a closing `\"` for every opening one; reading resumed at line {next})"
            ),
            GiveUp::WholeRow { last, row } => format!(
                "the record on line {no} runs to line {last} inside quotes: a line end inside quotes is followed by a whole row (line {row}), so a quoted cell is probably not closed (allowed: a closing `\"` for every opening one; reading resumed at line {next})"
            ),
            GiveUp::TextAfterQuote { last, at } => format!(
                "the record on line {no} runs to line {last} inside quotes, and a quoted cell closes with text after its closing quote on line {at}: a quoted cell is probably not closed where it should be (allowed: a closing `\"` right before a delimiter or the line end; reading resumed at line {next})"
            ),
            GiveUp::LineEnd { last, column } => format!(
                "the record on line {no} runs to line {last} inside quotes, with a line end in column {}: a quoted cell is probably not closed (allowed: a closing `\"` for every opening one, line ends only in columns that are not read; reading resumed at line {next})",
                column.escape_debug()
            ),
        };
        (no, Err(Unreadable::Broken(message)))
    }
}

/// Where the quoting of a record stands, byte by byte (RFC 4180: a quoted
/// cell is in quotes from its first byte to its last, `""` a quote inside).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Quoting {
    /// At the start of a cell.
    #[default]
    CellStart,
    /// In a cell that is not quoted.
    Unquoted,
    /// In a quoted cell.
    Quoted,
    /// After a quote in a quoted cell: its end, or the first of `""`.
    QuoteInQuoted,
}

/// A quote where RFC 4180 allows none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteFault {
    /// Text after the closing quote of a cell (`"a"b`): in a record over
    /// several lines, the quotes paired up wrong, so its cells are not the
    /// row's (contract v4 §10).
    TextAfterClosingQuote,
    /// A quote inside a cell that is not quoted (`b"`): in a line read
    /// alone after a record was given up, likeliest the tail of a cell cut
    /// in two (elsewhere it is text: `5'11"`).
    QuoteInUnquotedCell,
}

impl Quoting {
    /// Reads `bytes`; the first fault met, if any, and where.
    fn read(&mut self, bytes: &[u8], delimiter: u8) -> Option<(QuoteFault, usize)> {
        for (i, &b) in bytes.iter().enumerate() {
            *self = match (*self, b) {
                (Quoting::Quoted, b'"') => Quoting::QuoteInQuoted,
                (Quoting::Quoted, _) => Quoting::Quoted,
                (Quoting::QuoteInQuoted, b'"') => Quoting::Quoted,
                (_, b'\n' | b'\r') => Quoting::CellStart,
                (_, d) if d == delimiter => Quoting::CellStart,
                (Quoting::CellStart, b'"') => Quoting::Quoted,
                (Quoting::QuoteInQuoted, _) => return Some((QuoteFault::TextAfterClosingQuote, i)),
                (Quoting::Unquoted, b'"') => return Some((QuoteFault::QuoteInUnquotedCell, i)),
                _ => Quoting::Unquoted,
            };
        }
        None
    }

    /// Reads `bytes` of a record over several lines: whether a quoted cell
    /// closes in them with text after its closing quote.
    fn text_after_quote(&mut self, bytes: &[u8], delimiter: u8) -> bool {
        // A quote in an unquoted cell is text here: read on past it.
        let mut rest = bytes;
        while !rest.is_empty() {
            match self.read(rest, delimiter) {
                None => return false,
                Some((QuoteFault::TextAfterClosingQuote, _)) => return true,
                Some((QuoteFault::QuoteInUnquotedCell, at)) => rest = rest.get(at + 1..).unwrap_or_default(),
            }
        }
        false
    }
}

/// The quoting fault of a line read alone after the record it was part of
/// was given up: text after a closing quote, or a quote in a cell that is
/// not quoted (the tail of a cell cut in two: `b"`).
fn strict_fault(line: &[u8], delimiter: u8) -> Option<QuoteFault> {
    Quoting::default().read(line, delimiter).map(|(fault, _)| fault)
}

impl QuoteFault {
    /// The message of line `no`, read alone, with this fault.
    fn alone(self, no: usize) -> String {
        let what = match self {
            QuoteFault::TextAfterClosingQuote => {
                "a quoted cell that closes with text after its closing quote"
            }
            QuoteFault::QuoteInUnquotedCell => "a quote inside a cell that is not quoted",
        };
        let next = no + 1;
        format!(
            "line {no}, read alone after the record it was part of was given up, has {what} (allowed: a whole row on one line here, each quoted cell in quotes from its first character to its last; reading resumed at line {next})"
        )
    }
}

/// Whether `line`, read alone, is a whole row: its quotes balance and it
/// has `width` cells.
fn whole_row(line: &[u8], delimiter: u8, width: usize) -> bool {
    if line.iter().filter(|&&b| b == b'"').count() % 2 != 0 {
        return false;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(line);
    let mut row = csv::ByteRecord::new();
    matches!(reader.read_byte_record(&mut row), Ok(true)) && row.len() == width
}

/// Cuts CSV into chunks of rows; the header row gives the layout. A header
/// with an unknown or repeated column, or one that cannot be read (over the
/// record limit, a quote never closed), is one error at line 1, and every
/// row then points to it rather than being graded without that column.
pub(super) fn read(
    r: &mut dyn Read,
    file: &Option<Arc<str>>,
    chunk_bytes: usize,
    options: super::options::CsvOptions,
    emit: &mut dyn FnMut(Chunk) -> bool,
) -> io::Result<()> {
    let max_record = options.max_record_bytes;
    let mut records = Records::new(
        BufReader::with_capacity(64 * 1024, r),
        max_record,
        options.delimiter,
    );
    let first = records.next()?;
    // An export of one item per row (`[long]`): its rows become records
    // of their own columns (contract v4 §8).
    if let (Some((_, Ok(header))), Some(map)) = (&first, options.map) {
        if let Some(long) = &map.long {
            return super::long::read(header, map, long, file, chunk_bytes, &mut || records.next(), emit);
        }
    }
    let layout = match first {
        Some((_, Ok(header))) => Layout::with_map(&header, options.allow_unknown_fields, options.map),
        Some((_, Err(Unreadable::TooLong(len)))) => Layout::unreadable(format!(
            "header: the header row is {len} bytes, over the {} limit (allowed: a header up to --max-record-bytes; give a larger --max-record-bytes)",
            limit_words(max_record)
        )),
        Some((_, Err(Unreadable::Broken(why)))) => Layout::unreadable(format!("header: {why}")),
        None => Layout::with_map(&csv::ByteRecord::new(), options.allow_unknown_fields, options.map),
    };
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
    // With a broken header every row is refused anyway, as it was cut.
    if layout.header_problem().is_none() {
        records.layout = Some(layout.clone());
    }
    let mut rows = Vec::new();
    let mut bytes = 0;
    // A header without rows still says which mapped columns it lacks: one
    // empty chunk carries its layout (docs/spec.md §10, v4).
    let mut emitted = false;
    loop {
        let next = records.next()?;
        let more = next.is_some();
        if let Some((line, row)) = next {
            bytes += row.as_ref().map_or(0, |r| r.as_slice().len() + r.len());
            rows.push((line, row));
        }
        let headed_only = !more && !emitted && !layout.absent_columns().is_empty();
        if (!more || bytes >= chunk_bytes || rows.len() >= super::chunk::CHUNK_RECORDS)
            && (!rows.is_empty() || headed_only)
        {
            emitted = true;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(input: &[u8], max: usize) -> Vec<(usize, Result<usize, Unreadable>)> {
        rows_with(input, max, false)
    }

    fn rows_with(input: &[u8], max: usize, allow_unknown: bool) -> Vec<(usize, Result<usize, Unreadable>)> {
        let mut out = Vec::new();
        let mut r = input;
        let options = crate::input::options::CsvOptions {
            delimiter: b',',
            max_record_bytes: max,
            allow_unknown_fields: allow_unknown,
            map: None,
        };
        read(&mut r, &None, 1 << 20, options, &mut |chunk| {
            match chunk {
                Chunk::Csv { rows, .. } => out.extend(rows.into_iter().map(|(l, r)| (l, r.map(|r| r.len())))),
                Chunk::Problem { line, .. } => out.push((line, Err(Unreadable::TooLong(0)))),
                _ => {}
            }
            true
        })
        .expect("reading from memory");
        out
    }

    /// A reader that gives one byte per read, so that every `\r` ends a
    /// buffer and the `\n` after it, if any, begins the next.
    struct OneByte<'a>(&'a [u8]);

    impl Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((b, rest)), Some(out)) => {
                    *out = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn lone_cr_crlf_and_lf_each_end_one_line_across_buffer_ends() {
        let input = b"id,note,seizure\r1,,bogus\r\n2,,bogus\n\r3,,bogus\r\r\n4,\"a\rb\",none\r5,,bogus";
        // The `\r` inside quotes (in a column not read) ends line 7 too:
        // record 4 runs to line 8.
        let expected = [(2, Ok(3)), (3, Ok(3)), (5, Ok(3)), (7, Ok(3)), (9, Ok(3))];
        assert_eq!(rows_with(input, 100, true), expected);
        let mut lines = Vec::new();
        let mut r = OneByte(input);
        let options = crate::input::options::CsvOptions {
            delimiter: b',',
            max_record_bytes: 100,
            allow_unknown_fields: true,
            map: None,
        };
        read(&mut r, &None, 1 << 20, options, &mut |chunk| {
            if let Chunk::Csv { rows, .. } = chunk {
                lines.extend(rows.into_iter().map(|(l, r)| (l, r.map(|r| r.len()))));
            }
            true
        })
        .expect("reading from memory");
        assert_eq!(lines, expected, "one byte at a time");
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
            rows_with(b"id,note,seizure\n1,\"a\nb\",none\n2,,none\n", 100, true),
            [(2, Ok(3)), (4, Ok(3))],
            "a quoted newline in a column that is not read belongs to its row"
        );
    }

    fn broken(rows: &[(usize, Result<usize, Unreadable>)]) -> Vec<(usize, String)> {
        rows.iter()
            .filter_map(|(line, r)| match r {
                Err(Unreadable::Broken(m)) => Some((*line, m.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn an_unterminated_quote_costs_only_its_own_row() {
        let rows = rows_of(b"id,seizure\n1,\"none\n2,none\n3,none\n", 100);
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[1..], [(3, Ok(2)), (4, Ok(2))]);
        let why = broken(&rows);
        assert_eq!(why.len(), 1);
        assert_eq!(why[0].0, 2);
        assert!(
            why[0].1.contains("not closed by the end of the input"),
            "{}",
            why[0].1
        );
        assert!(why[0].1.contains("reading resumed at line 3"), "{}", why[0].1);
        // Without a line end at the end of the input, likewise.
        let rows = rows_of(b"id,seizure\n1,none\n2,\"none", 100);
        assert_eq!(rows[0], (2, Ok(2)));
        assert_eq!(broken(&rows).len(), 1);
        // A whole last record without a line end is a record.
        assert_eq!(rows_of(b"id,seizure\n1,\"none\"", 100), [(2, Ok(2))]);
    }

    #[test]
    fn a_quote_open_past_the_limit_costs_only_its_own_row() {
        let mut input = b"id,seizure\n1,\"none\n".to_vec();
        for i in 2..40 {
            input.extend_from_slice(format!("{i},none\n").as_bytes());
        }
        let rows = rows_of(&input, 50);
        assert_eq!(rows.len(), 39, "{rows:?}");
        let why = broken(&rows);
        assert_eq!(why.len(), 1);
        assert!(why[0].1.contains("still open after 50 bytes"), "{}", why[0].1);
        assert!(rows[1..].iter().all(|(_, r)| *r == Ok(2)));
        assert_eq!(
            rows.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
            (2..41).collect::<Vec<_>>()
        );
    }

    #[test]
    fn an_oversized_line_whose_quote_closes_on_it_costs_no_later_row() {
        let long = format!("2,\"{}\"\n", "x".repeat(60));
        let input = format!("id,seizure\n1,none\n{long}3,none\n4,none\n");
        assert_eq!(
            rows_of(input.as_bytes(), 20),
            [
                (2, Ok(2)),
                (3, Err(Unreadable::TooLong(64))),
                (4, Ok(2)),
                (5, Ok(2))
            ]
        );
    }

    #[test]
    fn two_stray_quotes_do_not_swallow_the_rows_between() {
        // The quotes pair up into one "record" over lines 2-4 whose quoted
        // cell closes with text after it (`"none..3,"none`): given up, and
        // lines 3 and 4 read again.
        let rows = rows_of(b"id,seizure\n1,\"none\n2,none\n3,\"none\n4,none\n", 100);
        assert_eq!(rows.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [2, 3, 4, 5]);
        assert_eq!(rows[1], (3, Ok(2)));
        assert_eq!(rows[3], (5, Ok(2)));
        let why = broken(&rows);
        assert_eq!(why.len(), 2, "{rows:?}");
        assert!(
            why[0]
                .1
                .contains("a quoted cell closes with text after its closing quote on line 4"),
            "{}",
            why[0].1
        );
        // Closed right before a delimiter, with a line end in a read column:
        // given up for that.
        let rows = rows_of(b"id,seizure\n1,\"no\nne\"\n3,none\n", 100);
        assert!(
            broken(&rows)[0].1.contains("with a line end in column seizure"),
            "{rows:?}"
        );
        // Line 4, read again, opens a quote: an error alone, never joined
        // to line 5 (docs/spec.md §10, v4).
        assert!(
            why[1].1.starts_with(
                "line 4, read alone after the record it was part of was given up, opens a quoted cell"
            ),
            "{}",
            why[1].1
        );
        // Another number of cells than the header: given up likewise.
        let rows = rows_of(b"id,seizure\n\"1,none\n2,none\n3\",x,none\n4,none\n", 100);
        assert_eq!(rows.len(), 4, "{rows:?}");
        assert!(
            broken(&rows)[0].1.contains("has 3 cells where the header has 2"),
            "{rows:?}"
        );
    }

    #[test]
    fn a_line_over_the_limit_is_an_error_in_its_place() {
        let long = format!("2,{}\n", "x".repeat(50));
        let input = format!("id,seizure\n1,none\n{long}3,none\n");
        assert_eq!(
            rows_of(input.as_bytes(), 20),
            [(2, Ok(2)), (3, Err(Unreadable::TooLong(52))), (4, Ok(2))]
        );
    }
}
