//! Batch regrading (contract §5 `icans batch`): many records in, exactly one
//! result (or error object) per record out, in input order.
//!
//! A reader thread cuts the inputs into chunks of whole records, worker
//! threads read, grade and render each chunk, and the caller's thread writes
//! the rendered chunks back in sequence. Channels are bounded, so memory
//! stays flat however large the input; the output order is exactly the
//! input order whatever the number of threads.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use crate::format::csv::{self as csv_format, Layout};
use crate::format::json::{self, ArrayScanner, ErrorObject, ReadOptions, Rejected, Scanned};
use crate::grading::{self, Assessment, Grading, Protocol};

/// Input formats of `batch` (contract §5 `--input-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// One JSON record per line (the default).
    Ndjson,
    /// A JSON array of records (or one record object).
    Json,
    /// CSV with a header row.
    Csv,
}

impl InputFormat {
    /// The format a file's extension names: `.csv`, `.json`, or `.ndjson`
    /// / `.jsonl`; `None` for anything else.
    pub fn from_path(path: &Path) -> Option<InputFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "ndjson" | "jsonl" => Some(InputFormat::Ndjson),
            "json" => Some(InputFormat::Json),
            "csv" => Some(InputFormat::Csv),
            _ => None,
        }
    }
}

/// Output formats of `batch` (contract §5 `--output-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// One JSON result (or error object) per line.
    Ndjson,
    /// One flat CSV row per record, after a header row.
    Csv,
}

/// Where records come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Standard input.
    Stdin,
    /// A file, opened when its turn comes.
    File(PathBuf),
}

/// One input and its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Where it is.
    pub source: Source,
    /// How to read it.
    pub format: InputFormat,
}

impl Input {
    fn name(&self) -> Option<Arc<str>> {
        match &self.source {
            Source::Stdin => None,
            Source::File(p) => Some(Arc::from(p.display().to_string())),
        }
    }
}

/// How a batch runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The management protocol (texts and intervals).
    pub protocol: Arc<Protocol>,
    /// Output format.
    pub output: OutputFormat,
    /// Record reading options.
    pub read: ReadOptions,
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Bytes of input per chunk handed to a worker.
    pub chunk_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            protocol: Arc::new(Protocol::BUILTIN),
            output: OutputFormat::Ndjson,
            read: ReadOptions::default(),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            chunk_bytes: 128 * 1024,
        }
    }
}

/// Counts of a run, for the summary line and the exit status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Records read (graded + failed).
    pub read: u64,
    /// Records graded.
    pub graded: u64,
    /// Records that could not be graded.
    pub failed: u64,
    /// Graded records per grade 0-5.
    pub by_grade: [u64; 6],
    /// Graded records with a domain not assessed.
    pub incomplete: u64,
}

impl Stats {
    fn add(&mut self, o: &Stats) {
        self.read += o.read;
        self.graded += o.graded;
        self.failed += o.failed;
        self.incomplete += o.incomplete;
        for (a, b) in self.by_grade.iter_mut().zip(o.by_grade) {
            *a += b;
        }
    }

    /// The highest grade among graded records.
    pub fn highest_grade(&self) -> Option<u8> {
        (0..6u8).rev().find(|g| self.by_grade[usize::from(*g)] > 0)
    }

    fn count(&mut self, r: &Grading) {
        self.read += 1;
        self.graded += 1;
        self.by_grade[usize::from(r.grade.min(5))] += 1;
        if !r.complete {
            self.incomplete += 1;
        }
    }

    fn count_failed(&mut self) {
        self.read += 1;
        self.failed += 1;
    }
}

/// An input that could not be read (exit 74); the other inputs still run.
#[derive(Debug)]
pub struct InputFailure {
    /// The input's name (`standard input` for stdin).
    pub name: String,
    /// The error.
    pub error: io::Error,
}

/// What a finished run reports.
#[derive(Debug, Default)]
pub struct Report {
    /// Counts over every input.
    pub stats: Stats,
    /// Inputs that could not be read, in input order.
    pub input_failures: Vec<InputFailure>,
}

/// A piece of work for a worker: whole records of one input.
enum Work {
    /// JSON records (NDJSON lines or array elements) in one buffer.
    Json {
        file: Option<Arc<str>>,
        buf: Vec<u8>,
        items: Vec<(usize, std::ops::Range<usize>)>,
    },
    /// CSV rows with their layout.
    Csv {
        file: Option<Arc<str>>,
        layout: Arc<Layout>,
        rows: Vec<(usize, csv::ByteRecord)>,
    },
    /// A structural problem of the input, reported as one error object.
    Problem {
        file: Option<Arc<str>>,
        line: usize,
        message: String,
    },
    /// An input that failed to open or read.
    Failed(InputFailure),
}

/// A rendered piece of work.
struct Done {
    out: Vec<u8>,
    stats: Stats,
    failure: Option<InputFailure>,
}

/// Renders results and error objects in the chosen output format.
struct Sink<'a> {
    buf: &'a mut Vec<u8>,
    csv: Option<csv::Writer<Vec<u8>>>,
    protocol: &'a Protocol,
}

impl<'a> Sink<'a> {
    fn new(options: &'a Options, buf: &'a mut Vec<u8>) -> Self {
        let csv = (options.output == OutputFormat::Csv).then(|| {
            csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new())
        });
        Sink {
            buf,
            csv,
            protocol: &options.protocol,
        }
    }

    fn record(
        &mut self,
        line: usize,
        file: Option<&str>,
        outcome: Result<Assessment, Rejected>,
        stats: &mut Stats,
    ) {
        // Writing into memory cannot fail but for allocation; a failure here
        // would be a bug, reported rather than hidden.
        let written = match outcome {
            Ok(a) => {
                let r = grading::grade_with(&a, self.protocol);
                stats.count(&r);
                match &mut self.csv {
                    Some(w) => csv_format::write_result(w, line, file, &r).map_err(io::Error::other),
                    None => {
                        json::write_result_line(self.buf, &r);
                        Ok(())
                    }
                }
            }
            Err(rejected) => {
                stats.count_failed();
                match &mut self.csv {
                    Some(w) => csv_format::write_error(w, line, file, &rejected).map_err(io::Error::other),
                    None => json::write_line(self.buf, &ErrorObject::new(Some(line), file, &rejected)),
                }
            }
        };
        if let Err(e) = written {
            let _ = writeln!(
                self.buf,
                "{{\"line\":{line},\"error\":\"internal error rendering the result: {e}\"}}"
            );
        }
    }

    fn finish(self) {
        if let Some(w) = self.csv {
            match w.into_inner() {
                Ok(bytes) => self.buf.extend_from_slice(&bytes),
                Err(e) => {
                    let _ = writeln!(self.buf, "internal error rendering CSV: {e}");
                }
            }
        }
    }
}

/// Output bytes reserved per input byte: a result is about five times the
/// size of its record.
const OUTPUT_PER_INPUT: usize = 6;

/// Reads every record of a piece of work, in order, handing each to `f`
/// with its line and file; an input failure is returned instead.
fn each_record(work: Work, read: ReadOptions, f: &mut dyn FnMut(RecordRead<'_>)) -> Option<InputFailure> {
    match work {
        Work::Json { file, buf, items } => {
            for (line, range) in items {
                let outcome = json::read_record(&buf[range], read, line);
                f(RecordRead {
                    line,
                    file: file.as_deref(),
                    outcome,
                });
            }
        }
        Work::Csv { file, layout, rows } => {
            for (line, row) in rows {
                let outcome = layout.read_row(&row, read);
                f(RecordRead {
                    line,
                    file: file.as_deref(),
                    outcome,
                });
            }
        }
        Work::Problem { file, line, message } => {
            let error = grading::RecordError::Malformed(message);
            f(RecordRead {
                line,
                file: file.as_deref(),
                outcome: Err(Rejected { id: None, error }),
            });
        }
        Work::Failed(failure) => return Some(failure),
    }
    None
}

fn process(work: Work, options: &Options) -> Done {
    let input_bytes = match &work {
        Work::Json { buf, .. } => buf.len(),
        Work::Csv { rows, .. } => rows.iter().map(|(_, r)| r.as_slice().len()).sum(),
        Work::Problem { .. } | Work::Failed(_) => 0,
    };
    let mut out = Vec::with_capacity(input_bytes * OUTPUT_PER_INPUT);
    let mut stats = Stats::default();
    let failure = {
        let mut sink = Sink::new(options, &mut out);
        let failure = each_record(work, options.read, &mut |r| {
            sink.record(r.line, r.file, r.outcome, &mut stats)
        });
        sink.finish();
        failure
    };
    Done { out, stats, failure }
}

/// One record read from the inputs, in input order: where it was and what
/// it holds (or why it could not be read).
#[derive(Debug)]
pub struct RecordRead<'a> {
    /// The line it starts on.
    pub line: usize,
    /// The file, when it came from a named file.
    pub file: Option<&'a str>,
    /// The record, or why it was refused.
    pub outcome: Result<Assessment, Rejected>,
}

/// Reads every record of the inputs in order, on this thread, handing each
/// to `f` (for work that needs every record, such as `icans summary`).
/// Inputs that cannot be read are returned, in input order.
pub fn for_each_record(
    inputs: &[Input],
    read: ReadOptions,
    f: &mut dyn FnMut(RecordRead<'_>),
) -> Vec<InputFailure> {
    let mut failures = Vec::new();
    read_inputs(inputs, Options::default().chunk_bytes, &mut |work| {
        let failure = each_record(work, read, f);
        failures.extend(failure);
        true
    });
    failures
}

/// Reads what is there, up to `want` more bytes, into `buf` (one read:
/// a file gives the whole amount, a pipe what has arrived, so records fed
/// one at a time are graded as they come); true at the end of the input.
fn read_some(r: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> io::Result<bool> {
    let start = buf.len();
    buf.resize(start + want, 0);
    let got = loop {
        match r.read(&mut buf[start..]) {
            Ok(n) => break n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                buf.truncate(start);
                return Err(e);
            }
        }
    };
    buf.truncate(start + got);
    Ok(got == 0)
}

/// Cuts NDJSON into chunks of whole lines. Blank lines are skipped (they
/// hold no record) but counted, so line numbers stay those of the file; a
/// trailing `\r` (CRLF) and a byte-order mark at the start are dropped.
fn read_ndjson(
    r: &mut dyn Read,
    file: &Option<Arc<str>>,
    chunk_bytes: usize,
    emit: &mut dyn FnMut(Work) -> bool,
) -> io::Result<()> {
    let mut line = 1usize;
    let mut carry: Vec<u8> = Vec::new();
    let mut at_start = true;
    loop {
        let mut buf = std::mem::take(&mut carry);
        let mut want = chunk_bytes;
        // The carry holds no newline (it is what followed the last one), so
        // read until some line ends, or the input does.
        let eof = loop {
            let from = buf.len();
            if read_some(r, &mut buf, want)? {
                break true;
            }
            if memchr::memchr(b'\n', &buf[from..]).is_some() {
                break false;
            }
            // A line longer than what was read: read more, in growing steps.
            want = buf.len().max(chunk_bytes);
        };
        let cut = if eof {
            buf.len()
        } else {
            memchr::memrchr(b'\n', &buf).map_or(buf.len(), |i| i + 1)
        };
        carry.extend_from_slice(&buf[cut..]);
        buf.truncate(cut);

        let mut items = Vec::new();
        let mut start = 0;
        while start < buf.len() {
            let end = memchr::memchr(b'\n', &buf[start..]).map_or(buf.len(), |i| start + i);
            let mut s = start;
            if at_start {
                at_start = false;
                if buf[s..end].starts_with(b"\xEF\xBB\xBF") {
                    s += 3;
                }
            }
            let mut e = end;
            if e > s && buf[e - 1] == b'\r' {
                e -= 1;
            }
            if !buf[s..e].iter().all(u8::is_ascii_whitespace) {
                items.push((line, s..e));
            }
            line += 1;
            start = end + 1;
        }
        if !items.is_empty()
            && !emit(Work::Json {
                file: file.clone(),
                buf,
                items,
            })
        {
            return Ok(());
        }
        if eof {
            return Ok(());
        }
    }
}

/// Cuts a JSON array of records into chunks of whole elements.
fn read_json_array(
    r: &mut dyn Read,
    file: &Option<Arc<str>>,
    chunk_bytes: usize,
    emit: &mut dyn FnMut(Work) -> bool,
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
            let work = Work::Json {
                file: file.clone(),
                buf: std::mem::take(&mut buf),
                items: std::mem::take(&mut items),
            };
            if !emit(work) {
                return Ok(());
            }
        }
        if let Some((line, message)) = problem {
            emit(Work::Problem {
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

/// Cuts CSV into chunks of rows; the header row gives the layout.
fn read_csv(
    r: &mut dyn Read,
    file: &Option<Arc<str>>,
    chunk_bytes: usize,
    emit: &mut dyn FnMut(Work) -> bool,
) -> io::Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(r);
    let layout = Arc::new(Layout::from_header(
        reader.byte_headers().map_err(io::Error::other)?,
    ));
    let mut rows = Vec::new();
    let mut bytes = 0;
    loop {
        let mut row = csv::ByteRecord::new();
        let more = reader.read_byte_record(&mut row).map_err(io::Error::other)?;
        if more {
            let line = row.position().map_or(0, |p| p.line() as usize);
            bytes += row.as_slice().len() + row.len();
            rows.push((line, row));
        }
        if (!more || bytes >= chunk_bytes) && !rows.is_empty() {
            bytes = 0;
            let work = Work::Csv {
                file: file.clone(),
                layout: layout.clone(),
                rows: std::mem::take(&mut rows),
            };
            if !emit(work) {
                return Ok(());
            }
        }
        if !more {
            return Ok(());
        }
    }
}

/// Reads every input in turn, handing chunks to `emit` until it says stop.
fn read_inputs(inputs: &[Input], chunk_bytes: usize, emit: &mut dyn FnMut(Work) -> bool) {
    for input in inputs {
        let name = input.name();
        let opened: io::Result<Box<dyn Read>> = match &input.source {
            Source::Stdin => Ok(Box::new(io::stdin().lock())),
            Source::File(p) => File::open(p).map(|f| Box::new(f) as Box<dyn Read>),
        };
        let result = opened.and_then(|mut r| match input.format {
            InputFormat::Ndjson => read_ndjson(&mut *r, &name, chunk_bytes, emit),
            InputFormat::Json => read_json_array(&mut *r, &name, chunk_bytes, emit),
            InputFormat::Csv => read_csv(&mut *r, &name, chunk_bytes, emit),
        });
        if let Err(error) = result {
            let name = name.map_or_else(|| "standard input".to_string(), |n| n.to_string());
            if !emit(Work::Failed(InputFailure { name, error })) {
                return;
            }
        }
    }
}

fn worker(jobs: &Mutex<Receiver<(u64, Work)>>, done: SyncSender<(u64, Done)>, options: &Options) {
    loop {
        let job = jobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .recv();
        let Ok((seq, work)) = job else { return };
        if done.send((seq, process(work, options))).is_err() {
            return;
        }
    }
}

/// Regrades every input into `out`. `progress` is called after each chunk
/// is written. An output failure (including a closed pipe) stops the run and
/// is returned as the error; input failures are reported in the [`Report`].
pub fn run(
    inputs: &[Input],
    out: &mut dyn Write,
    options: &Options,
    progress: &mut dyn FnMut(&Stats),
) -> io::Result<Report> {
    let threads = options.threads.max(1);
    let mut report = Report::default();
    if options.output == OutputFormat::Csv {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        w.write_record(csv_format::result_header())
            .map_err(io::Error::other)?;
        out.write_all(&w.into_inner().map_err(|e| io::Error::other(e.to_string()))?)?;
    }
    std::thread::scope(|s| -> io::Result<()> {
        let (work_tx, work_rx) = sync_channel::<(u64, Work)>(threads);
        let (done_tx, done_rx) = sync_channel::<(u64, Done)>(threads);
        let jobs = Arc::new(Mutex::new(work_rx));
        for _ in 0..threads {
            let jobs = Arc::clone(&jobs);
            let done = done_tx.clone();
            s.spawn(move || worker(&jobs, done, options));
        }
        drop(done_tx);
        drop(jobs);
        s.spawn(move || {
            let mut seq = 0u64;
            read_inputs(inputs, options.chunk_bytes, &mut |work| {
                let sent = work_tx.send((seq, work)).is_ok();
                seq += 1;
                sent
            });
        });

        let mut next = 0u64;
        let mut pending = BTreeMap::new();
        for (seq, done) in done_rx {
            pending.insert(seq, done);
            while let Some(done) = pending.remove(&next) {
                next += 1;
                out.write_all(&done.out)?;
                report.stats.add(&done.stats);
                if let Some(f) = done.failure {
                    report.input_failures.push(f);
                }
                progress(&report.stats);
            }
        }
        out.flush()
    })?;
    Ok(report)
}
