//! Input readers (docs/spec.md §5): NDJSON, JSON arrays and CSV, each in
//! its own module, cut into chunks of whole records with their line
//! numbers. `batch` grades the chunks in parallel; `summary` reads every
//! record in order through [`for_each_record`].

mod chunk;
mod csv;
mod json;
mod json_array;
mod layout;
mod long;
pub mod map;
pub mod map_tools;
mod ndjson;
mod options;
mod refused;

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::grading::{self, Assessment, RecordBuilder};

pub use self::chunk::{Chunk, InputFailure, Unreadable};
pub use self::json::read_record;
pub use self::json_array::{ArrayScanner, Scanned};
pub use self::layout::Layout;
pub use self::options::{CsvOptions, DEFAULT_MAX_RECORD_BYTES, ReadOptions, finish, limit_words, too_long};
pub use self::refused::Refused;

/// Input formats of `batch` (docs/spec.md §5 `--input-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// One JSON record per line (the default).
    Ndjson,
    /// A JSON array of records (or one record object).
    Json,
    /// CSV with a header row.
    Csv,
    /// CSV with tabs between the cells (TSV), a header row likewise.
    Tsv,
}

impl InputFormat {
    /// The format a file's extension names: `.csv`, `.tsv`, `.json`, or
    /// `.ndjson` / `.jsonl`; `None` for anything else.
    pub fn from_path(path: &Path) -> Option<InputFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "ndjson" | "jsonl" => Some(InputFormat::Ndjson),
            "json" => Some(InputFormat::Json),
            "csv" => Some(InputFormat::Csv),
            "tsv" => Some(InputFormat::Tsv),
            _ => None,
        }
    }
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

/// Default bytes of input per chunk.
pub const CHUNK_BYTES: usize = 128 * 1024;

/// The most records a chunk holds (`chunk::CHUNK_RECORDS`).
pub use chunk::CHUNK_RECORDS;

/// One record read from the inputs, in input order: where it was and what
/// it holds (or why it could not be read).
#[derive(Debug)]
pub struct RecordRead<'a> {
    /// The line it starts on.
    pub line: usize,
    /// The file, when it came from a named file.
    pub file: Option<&'a str>,
    /// The record, or the refusal (placed at this line and file). The
    /// record is lent where it was built, for the next record's builder
    /// (take what is kept).
    pub outcome: Result<&'a mut Assessment, Refused>,
}

/// Reads every record of a chunk, in order, handing each to `f` with its
/// line and file; an input failure is returned instead.
pub fn each_record(
    chunk: Chunk,
    read: ReadOptions,
    f: &mut dyn FnMut(RecordRead<'_>),
) -> Option<InputFailure> {
    // One builder for the chunk: each record is built in it and lent from
    // it, not moved (a record is large, and each move a copy).
    let mut builder = RecordBuilder::new();
    match chunk {
        Chunk::Json { file, buf, items } => {
            for (line, item) in items {
                builder.reset();
                let outcome = match item {
                    Ok(range) => json::read_record_into(&buf[range], read, line, &mut builder),
                    Err(why) => Err(why.refused(read.max_record_bytes)),
                }
                .map_err(|r| r.at(line, file.as_deref()));
                f(RecordRead {
                    line,
                    file: file.as_deref(),
                    outcome,
                });
            }
        }
        Chunk::Csv { file, layout, rows } => {
            for (line, row) in rows {
                builder.reset();
                let outcome = match row {
                    Ok(row) => layout.read_row_into(&row, read, &mut builder),
                    Err(why) => Err(why.refused(read.max_record_bytes)),
                }
                .map_err(|r| r.at(line, file.as_deref()));
                f(RecordRead {
                    line,
                    file: file.as_deref(),
                    outcome,
                });
            }
        }
        Chunk::Problem { file, line, message } => {
            let error = grading::RecordError::Malformed(message);
            f(RecordRead {
                line,
                file: file.as_deref(),
                outcome: Err(Refused::bare(error).at(line, file.as_deref())),
            });
        }
        Chunk::Failed(failure) => return Some(failure),
    }
    None
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
    read_inputs(inputs, CHUNK_BYTES, read, &mut |chunk| {
        let failure = each_record(chunk, read, f);
        failures.extend(failure);
        true
    });
    failures
}

/// Reads every input in turn, handing chunks to `emit` until it says stop.
pub fn read_inputs(
    inputs: &[Input],
    chunk_bytes: usize,
    read: ReadOptions,
    emit: &mut dyn FnMut(Chunk) -> bool,
) {
    let max = read.max_record_bytes;
    for input in inputs {
        let name = input.name();
        let opened: io::Result<Box<dyn Read>> = match &input.source {
            Source::Stdin => Ok(Box::new(io::stdin().lock())),
            Source::File(p) => File::open(p).map(|f| Box::new(f) as Box<dyn Read>),
        };
        let result = opened.and_then(|mut r| match input.format {
            InputFormat::Ndjson => ndjson::read(&mut *r, &name, chunk_bytes, max, emit),
            InputFormat::Json => json_array::read(&mut *r, &name, chunk_bytes, max, emit),
            InputFormat::Csv => csv::read(&mut *r, &name, chunk_bytes, read.csv(b','), emit),
            InputFormat::Tsv => csv::read(&mut *r, &name, chunk_bytes, read.csv(b'\t'), emit),
        });
        if let Err(error) = result {
            let name = name.map_or_else(|| "standard input".to_string(), |n| n.to_string());
            if !emit(Chunk::Failed(InputFailure { name, error })) {
                return;
            }
        }
    }
}

/// A CSV error as the io::Error it is: a read or write failure stays what
/// it was (so a closed pipe stays a closed pipe); CSV that does not parse
/// is invalid data.
pub fn csv_io_error(e: ::csv::Error) -> std::io::Error {
    if !e.is_io_error() {
        return std::io::Error::new(std::io::ErrorKind::InvalidData, e);
    }
    match e.into_kind() {
        ::csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    }
}
