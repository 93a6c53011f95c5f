//! CSV out: one flat row per record, the columns of `columns.rs`.

use std::io;

use crate::grading::Grading;

use super::columns::{ResultColumn, Row};
use super::writer::ResultWriter;
use crate::input::Refused;
pub use crate::input::csv_io_error as io_error;

pub use super::cell::{safe, set_raw};

/// A CSV writer of rows of type `T` (`#[derive(Serialize)]`), its header
/// written at once from the row type's field names, as csv derives them
/// (so an output without rows still has its header, and the names are
/// written only as the fields of `T`); cells separated by `delimiter`.
pub fn serde_rows<T: serde::Serialize + Default, W: io::Write>(
    out: W,
    delimiter: u8,
) -> io::Result<csv::Writer<W>> {
    let mut probe = csv::Writer::from_writer(Vec::new());
    probe.serialize(T::default()).map_err(io_error)?;
    let bytes = probe.into_inner().map_err(|e| io::Error::other(e.to_string()))?;
    let mut header = csv::ByteRecord::new();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice())
        .read_byte_record(&mut header)
        .map_err(io_error)?;
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_writer(out);
    w.write_byte_record(&header).map_err(io_error)?;
    Ok(w)
}

/// Writes results as CSV rows, one per record, with the columns of
/// [`ResultColumn::all`] (or those asked for).
pub struct CsvWriter {
    columns: Vec<ResultColumn>,
    delimiter: u8,
    writer: csv::Writer<Vec<u8>>,
}

fn new_writer(delimiter: u8) -> csv::Writer<Vec<u8>> {
    writer_into(delimiter, Vec::new())
}

fn writer_into(delimiter: u8, buf: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_writer(buf)
}

impl Default for CsvWriter {
    fn default() -> Self {
        CsvWriter::new(ResultColumn::all(), b',')
    }
}

impl CsvWriter {
    /// A writer of these columns, in this order (`--fields`), cells
    /// separated by `delimiter`.
    pub fn new(columns: Vec<ResultColumn>, delimiter: u8) -> Self {
        CsvWriter {
            columns,
            delimiter,
            writer: new_writer(delimiter),
        }
    }

    /// A writer of only these columns, in this order (`--fields`).
    pub fn with_columns(columns: Vec<ResultColumn>) -> Self {
        CsvWriter::new(columns, b',')
    }

    fn row(&mut self, row: &Row<'_>) -> io::Result<()> {
        let cells: Vec<String> = self.columns.iter().map(|c| c.cell(row)).collect();
        self.writer.write_record(&cells).map_err(io::Error::other)
    }
}

impl ResultWriter for CsvWriter {
    fn header(&self) -> Vec<u8> {
        let mut w = new_writer(self.delimiter);
        let names: Vec<String> = self.columns.iter().map(|c| c.name().into_owned()).collect();
        // Writing into memory cannot fail.
        let _ = w.write_record(&names);
        w.into_inner().unwrap_or_default()
    }

    fn result(&mut self, line: usize, file: Option<&str>, result: &Grading) -> io::Result<()> {
        self.row(&Row::Graded { line, file, result })
    }

    fn error(&mut self, error: &Refused) -> io::Result<()> {
        self.row(&Row::Failed(error))
    }

    fn swap(&mut self, mut buf: Vec<u8>, _room: usize) -> io::Result<Vec<u8>> {
        buf.clear();
        std::mem::replace(&mut self.writer, writer_into(self.delimiter, buf))
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))
    }
}
