//! CSV input (docs/spec.md §5): a header row of the catalogue's column
//! names (the ICE items as `ice_orientation`, ...; `other_cause` as
//! `;`-separated names); an empty cell means not assessed. Cells are
//! untyped text, read by each field's kind; an `id` stays a string.

use std::io::{self, Read};
use std::sync::Arc;

use super::chunk::Chunk;
use super::layout::Layout;

/// Cuts CSV into chunks of rows; the header row gives the layout.
pub(super) fn read(
    r: &mut dyn Read,
    file: &Option<Arc<str>>,
    chunk_bytes: usize,
    emit: &mut dyn FnMut(Chunk) -> bool,
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
            let work = Chunk::Csv {
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
