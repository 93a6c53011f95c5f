//! Batch regrading (docs/spec.md §5 `icans batch`): many records in, exactly
//! one result (or error object) per record out, in input order.
//!
//! A reader thread cuts the inputs into chunks of whole records (`input`),
//! worker threads read, grade and render each chunk, and the caller's
//! thread writes the rendered chunks back in sequence. Channels are
//! bounded, so memory stays flat however large the input; the output order
//! is exactly the input order whatever the number of threads.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use crate::format::OutputFormat;
use crate::grading::{self, Grading, Protocol};
use crate::input::{self, Chunk, Input, InputFailure, ReadOptions};

/// How a batch runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The management protocol (texts and intervals).
    pub protocol: Arc<Protocol>,
    /// Output format.
    pub output: OutputFormat,
    /// Record reading options.
    pub read: ReadOptions,
    /// Chunker threads (at least 1).
    pub threads: usize,
    /// Bytes of input per chunk handed to a worker.
    pub chunk_bytes: usize,
    /// Only these result fields, in this order (`--fields`).
    pub fields: Option<Vec<crate::format::columns::ResultColumn>>,
    /// The grade that raises the alert (`--fail-at-grade`). After an
    /// output failure, reading and grading go on (nothing more written)
    /// until a record reaches it or the input ends, so that the alert is
    /// never lost to a full disk or a closed pipe (docs/robustness.md).
    pub alert_at: Option<u8>,
    /// The CRS grade that raises the alert (`--fail-at-crs-grade`), kept as
    /// `alert_at` is. Records are then graded at least to their CRS.
    pub crs_alert_at: Option<u8>,
    /// The byte between CSV output cells (`--delimiter`).
    pub delimiter: u8,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            protocol: Arc::new(Protocol::BUILTIN),
            output: OutputFormat::Ndjson,
            read: ReadOptions::default(),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            chunk_bytes: input::CHUNK_BYTES,
            fields: None,
            alert_at: None,
            crs_alert_at: None,
            delimiter: b',',
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
    /// Graded records whose ICANS was not assessed (no grade: docs/spec.md
    /// §2), counted apart from `by_grade`.
    pub icans_not_assessed: u64,
    /// Graded records per CRS grade 0-5 (records with CRS information, in
    /// a grading that works the CRS out).
    pub by_crs_grade: [u64; 6],
    /// Graded records with a domain not assessed.
    pub incomplete: u64,
    /// Problems of an input that are no record (a CSV header that cannot be
    /// used, a JSON array not closed): each an error object at its line,
    /// counted apart from the records.
    pub problems: u64,
}

impl Stats {
    fn add(&mut self, o: &Stats) {
        self.read += o.read;
        self.graded += o.graded;
        self.failed += o.failed;
        self.incomplete += o.incomplete;
        self.problems += o.problems;
        self.icans_not_assessed += o.icans_not_assessed;
        for (a, b) in self.by_grade.iter_mut().zip(o.by_grade) {
            *a += b;
        }
        for (a, b) in self.by_crs_grade.iter_mut().zip(o.by_crs_grade) {
            *a += b;
        }
    }

    /// The highest ICANS grade among graded records (none for records whose
    /// ICANS was not assessed).
    pub fn highest_grade(&self) -> Option<u8> {
        (0..6u8).rev().find(|g| self.by_grade[usize::from(*g)] > 0)
    }

    /// The highest CRS grade among graded records.
    pub fn highest_crs_grade(&self) -> Option<u8> {
        (0..6u8).rev().find(|g| self.by_crs_grade[usize::from(*g)] > 0)
    }

    /// Whether a record reached an alert grade: the ICANS grade `icans`, or
    /// the CRS grade `crs`.
    pub fn alerts(&self, icans: Option<u8>, crs: Option<u8>) -> bool {
        let reached =
            |at: Option<u8>, highest: Option<u8>| matches!((at, highest), (Some(n), Some(g)) if g >= n);
        reached(icans, self.highest_grade()) || reached(crs, self.highest_crs_grade())
    }

    fn count(&mut self, r: &Grading) {
        self.read += 1;
        self.graded += 1;
        match r.grade {
            Some(g) => {
                self.by_grade[usize::from(g.min(5))] += 1;
                if !r.complete {
                    self.incomplete += 1;
                }
            }
            None => self.icans_not_assessed += 1,
        }
        if let Some(c) = &r.crs {
            self.by_crs_grade[usize::from(c.grade.min(5))] += 1;
        }
    }

    fn count_failed(&mut self) {
        self.read += 1;
        self.failed += 1;
    }
}

/// Whether a grade reaches an alert grade (`--fail-at-grade`,
/// `--fail-at-crs-grade`): both given and the grade at least the alert's;
/// never without a grade (ICANS not assessed).
pub fn reaches(at: Option<u8>, grade: Option<u8>) -> bool {
    matches!((at, grade), (Some(n), Some(g)) if g >= n)
}

/// What a finished run reports.
#[derive(Debug, Default)]
pub struct Report {
    /// Counts over every input.
    pub stats: Stats,
    /// Inputs that could not be read, in input order.
    pub input_failures: Vec<InputFailure>,
    /// The output failed (closed, full): the run stopped there.
    pub output_error: Option<io::Error>,
    /// The failure was the copy of the refused records' errors
    /// (`run_copying_invalid`), not the output itself.
    pub in_invalid_copy: bool,
    /// The first record refused (or problem of an input), as
    /// `file:line: message`: the reason said on standard error.
    pub first_invalid: Option<String>,
    /// The mapped columns a CSV export lacks (`--map`), each once, in the
    /// order met: warned on standard error (docs/spec.md §10, v4).
    pub absent_columns: Vec<crate::input::map::AbsentColumn>,
}

/// A rendered piece of work.
struct Done {
    out: Vec<u8>,
    /// The mapped columns the chunk's CSV header lacks.
    absent: Vec<crate::input::map::AbsentColumn>,
    /// The error objects (or rows) alone, when they are copied elsewhere.
    invalid: Vec<u8>,
    stats: Stats,
    failure: Option<InputFailure>,
    first_invalid: Option<String>,
}

/// Output bytes reserved per input byte (a result is about five times the
/// size of its record), and at most this much per chunk.
const OUTPUT_PER_INPUT: usize = 6;
const MAX_OUTPUT_RESERVE: usize = 1 << 20;

/// Most worker threads a run may ask for.
pub const MAX_THREADS: usize = 64;

/// Most chunks in flight at once (read, being graded, or waiting for an
/// earlier chunk to be written): this bounds memory when the output is slow
/// or a chunk takes long, whatever the input.
pub const MAX_CHUNKS_IN_FLIGHT: usize = 8;

/// Output buffers at most this large are handed back for the next chunk
/// (one per chunk in flight, so memory stays bounded as before); a larger
/// one, grown for an unusual chunk, is let go.
const MAX_REUSED_BUFFER: usize = 2 << 20;

/// A chunk to grade, with the buffer its output goes into.
type Job = (u64, Chunk, Vec<u8>);

/// Reads, grades and renders one chunk into `buf` (an earlier chunk's
/// buffer, emptied: reusing it spares allocating, touching and growing a
/// fresh one per chunk); with `copy_invalid`, the error objects are
/// rendered a second time, alone.
fn process(chunk: Chunk, buf: Vec<u8>, options: &Options, copy_invalid: bool) -> Done {
    let mut writer = options
        .output
        .writer(options.fields.as_deref(), options.delimiter);
    let mut invalid = copy_invalid.then(|| {
        options
            .output
            .writer(options.fields.as_deref(), options.delimiter)
    });
    let problem = matches!(chunk, Chunk::Problem { .. });
    let absent = match &chunk {
        Chunk::Csv { layout, .. } => layout.absent_columns().to_vec(),
        _ => Vec::new(),
    };
    let mut first_invalid = None;
    let input_bytes = match &chunk {
        Chunk::Json { buf, .. } => buf.len(),
        Chunk::Csv { rows, .. } => rows
            .iter()
            .map(|(_, r)| r.as_ref().map_or(0, |r| r.as_slice().len()))
            .sum(),
        Chunk::Problem { .. } | Chunk::Failed(_) => 0,
    };
    let room = input_bytes
        .saturating_mul(OUTPUT_PER_INPUT)
        .min(MAX_OUTPUT_RESERVE);
    // A new writer has written nothing: what it hands back is empty.
    let _ = writer.swap(buf, room);
    let mut stats = Stats::default();
    let mut written = Ok(());
    let scope = match &options.fields {
        Some(fields) => crate::format::columns::ResultColumn::scope_for(fields),
        None => grading::Scope::Full,
    };
    // The CRS alert reads the CRS, which the narrowest scopes leave out.
    let scope = match options.crs_alert_at {
        Some(_) if !scope.covers(grading::Scope::WithoutManagement) => grading::Scope::WithoutManagement,
        _ => scope,
    };
    let failure = input::each_record(chunk, options.read, &mut |r| {
        let step = match r.outcome {
            Ok(a) => {
                let result = grading::grade_scoped_taking(a, &grading::ASTCT_2019, &options.protocol, scope);
                stats.count(&result);
                writer.result(r.line, r.file, &result)
            }
            Err(rejected) => {
                if problem {
                    stats.problems += 1;
                } else {
                    stats.count_failed();
                }
                if first_invalid.is_none() {
                    first_invalid = Some(rejected.to_string());
                }
                match invalid.as_mut() {
                    Some(copy) => copy.error(&rejected).and_then(|()| writer.error(&rejected)),
                    None => writer.error(&rejected),
                }
            }
        };
        if written.is_ok() {
            written = step;
        }
    });
    // Writing into memory fails only on a bug; it is reported in the
    // output rather than hidden.
    let mut out = writer.swap(Vec::new(), 0).unwrap_or_default();
    if let Err(e) = written {
        let _ = writeln!(out, "internal error rendering a result: {e}");
    }
    let invalid = invalid
        .map(|mut w| w.swap(Vec::new(), 0).unwrap_or_default())
        .unwrap_or_default();
    Done {
        out,
        absent,
        invalid,
        stats,
        failure,
        first_invalid,
    }
}

fn worker(jobs: &Mutex<Receiver<Job>>, done: SyncSender<(u64, Done)>, options: &Options, copy_invalid: bool) {
    loop {
        let job = jobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .recv();
        let Ok((seq, work, buf)) = job else { return };
        if done
            .send((seq, process(work, buf, options, copy_invalid)))
            .is_err()
        {
            return;
        }
    }
}

/// Regrades every input into `out`. `progress` is called after each chunk
/// is written. An output failure (a closed pipe, a full disk) stops the
/// reading; the chunks already graded are still counted (so an alert is
/// never lost) and the failure is in the [`Report`], as are the inputs that
/// could not be read.
pub fn run(
    inputs: &[Input],
    out: &mut dyn Write,
    options: &Options,
    progress: &mut dyn FnMut(&Stats),
) -> Report {
    run_copying_invalid(inputs, out, None, options, progress)
}

/// [`run`], with the error objects (or CSV rows) of the records that could
/// not be graded written to `invalid` as well, in input order (`batch
/// --invalid FILE`), after the same header. A failure to write there is an
/// output failure like any other.
pub fn run_copying_invalid(
    inputs: &[Input],
    out: &mut dyn Write,
    mut invalid: Option<&mut dyn Write>,
    options: &Options,
    progress: &mut dyn FnMut(&Stats),
) -> Report {
    let copy_invalid = invalid.is_some();
    let threads = options.threads.clamp(1, MAX_THREADS);
    let window = (threads + 2).clamp(2, MAX_CHUNKS_IN_FLIGHT);
    let mut report = Report::default();
    let header = options
        .output
        .writer(options.fields.as_deref(), options.delimiter)
        .header();
    if let Err((e, in_copy)) = both(
        out,
        invalid.as_deref_mut(),
        |w| w.write_all(&header),
        |c| c.write_all(&header),
    ) {
        report.output_error = Some(e);
        report.in_invalid_copy = in_copy;
        if options.alert_at.is_none() && options.crs_alert_at.is_none() {
            return report;
        }
    }
    // Whether the run has nothing left to learn once the output failed:
    // without an alert grade, at once; with one, once a record reached it.
    let done_after_failure = |stats: &Stats| match (options.alert_at, options.crs_alert_at) {
        (None, None) => true,
        (icans, crs) => stats.alerts(icans, crs),
    };
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        let (work_tx, work_rx) = sync_channel::<Job>(threads);
        let (done_tx, done_rx) = sync_channel::<(u64, Done)>(window);
        // One token per chunk in flight: the reader takes one before
        // reading a chunk, the writer gives it back once the chunk is out.
        // The token is the output buffer, handed back emptied.
        let (token_tx, token_rx) = sync_channel::<Vec<u8>>(window);
        for _ in 0..window {
            let _ = token_tx.send(Vec::new());
        }
        let jobs = Arc::new(Mutex::new(work_rx));
        for _ in 0..threads {
            let jobs = Arc::clone(&jobs);
            let done = done_tx.clone();
            s.spawn(move || worker(&jobs, done, options, copy_invalid));
        }
        drop(done_tx);
        drop(jobs);
        let stop = &stop;
        s.spawn(move || {
            let mut seq = 0u64;
            input::read_inputs(inputs, options.chunk_bytes, options.read, &mut |chunk| {
                let Ok(buf) = token_rx.recv() else { return false };
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    return false;
                }
                let sent = work_tx.send((seq, chunk, buf)).is_ok();
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
                let buf = report.take(done, out, invalid.as_deref_mut());
                if report.output_error.is_some() && done_after_failure(&report.stats) {
                    stop.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                let _ = token_tx.send(buf);
                if report.output_error.is_none() {
                    progress(&report.stats);
                }
            }
        }
        drop(token_tx);
        if report.output_error.is_none() {
            if let Err((e, in_copy)) = both(out, invalid, |w| w.flush(), |c| c.flush()) {
                report.output_error = Some(e);
                report.in_invalid_copy = in_copy;
            }
        }
    });
    report
}

impl Report {
    /// Takes in a chunk's results, in input order: writes them (unless the
    /// output failed already) and counts them; returns the chunk's output
    /// buffer emptied, for the reader to fill again.
    fn take(&mut self, done: Done, out: &mut dyn Write, invalid: Option<&mut (dyn Write + '_)>) -> Vec<u8> {
        if self.output_error.is_none() {
            let written = both(
                out,
                invalid,
                |w| w.write_all(&done.out),
                |c| c.write_all(&done.invalid),
            );
            if let Err((e, in_copy)) = written {
                self.output_error = Some(e);
                self.in_invalid_copy = in_copy;
            }
        }
        self.stats.add(&done.stats);
        if self.first_invalid.is_none() {
            self.first_invalid = done.first_invalid;
        }
        for a in done.absent {
            if !self.absent_columns.contains(&a) {
                self.absent_columns.push(a);
            }
        }
        if let Some(f) = done.failure {
            self.input_failures.push(f);
        }
        let mut buf = done.out;
        buf.clear();
        if buf.capacity() > MAX_REUSED_BUFFER {
            buf = Vec::new();
        }
        buf
    }
}

/// Does `on_out` to the output, then `on_copy` to the copy of the refused
/// records' errors when there is one; a failure says which of the two.
fn both(
    out: &mut dyn Write,
    copy: Option<&mut (dyn Write + '_)>,
    on_out: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    on_copy: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), (io::Error, bool)> {
    on_out(out).map_err(|e| (e, false))?;
    match copy {
        Some(c) => on_copy(c).map_err(|e| (e, true)),
        None => Ok(()),
    }
}
