//! `[long]` exports (contract v4 §8): one item per row (an EHR flowsheet:
//! patient, time, item name, value). Each run of adjacent rows with the
//! same key becomes one record, written as a JSON object of the key
//! columns and the items, and read by the map as a JSON export is: one
//! path for wide and long exports alike (docs/spec.md §8 `[long]`).

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::io;
use std::sync::Arc;

use super::chunk::{CHUNK_RECORDS, Chunk, Unreadable};
use super::map::LongSpec;

/// Keys remembered to find one met again after another, as 64-bit hashes:
/// under 2^20 * 7/8, so that their table stays at 2^20 slots (9 bytes
/// each, 9.4 MB; batch over 1M and 3M flowsheet records peaks at 22.6 MB).
/// Past these a key met again is no longer found, and its rows are a
/// second record of their own (never another's values).
pub const KEYS_REMEMBERED: usize = 900_000;

/// A row as the CSV reader cut it: its line, and its cells or why not.
pub type Row = (usize, Result<csv::ByteRecord, Unreadable>);

/// Where the key, item and value columns stand in the header.
struct Columns {
    key: Vec<(usize, bool)>,
    item: usize,
    value: usize,
    names: Vec<String>,
}

/// One record being gathered: its key, first line, cells and fault.
struct Group {
    key: Vec<String>,
    line: usize,
    cells: Vec<(String, String)>,
    fault: Option<String>,
}

/// Distinct item names kept to say, at the end, which mapped items were
/// never met.
const ITEMS_KEPT: usize = 10_000;

/// Reads the rows after `header` into records, `emit`ting chunks of them;
/// at the end, one empty chunk whose layout names the columns the map
/// names and the export never had (items never met: batch warns of each,
/// contract v4 §10).
pub(super) fn read(
    header: &csv::ByteRecord,
    map: &'static super::map::SiteMap,
    spec: &LongSpec,
    file: &Option<Arc<str>>,
    chunk_bytes: usize,
    next_row: &mut dyn FnMut() -> io::Result<Option<Row>>,
    emit: &mut dyn FnMut(Chunk) -> bool,
) -> io::Result<()> {
    let columns = match Columns::of(header, spec) {
        Ok(c) => c,
        Err(problem) => {
            emit(Chunk::Problem {
                file: file.clone(),
                line: 1,
                message: problem,
            });
            return Ok(());
        }
    };
    let mut out = Out {
        file: file.clone(),
        chunk_bytes,
        buf: Vec::new(),
        items: Vec::new(),
        emit,
    };
    let mut seen: HashSet<u64> = HashSet::new();
    let mut met: HashSet<String> = columns
        .key
        .iter()
        .map(|&(i, _)| columns.names[i].clone())
        .collect();
    let mut group: Option<Group> = None;
    while let Some((line, row)) = next_row()? {
        let row = match row {
            Ok(row) if row.len() == columns.names.len() => match columns.not_utf8(&row) {
                // A cell is never read with its bytes replaced: an id
                // would become another (the wide reader refuses it too).
                Some(why) => {
                    if !out.flush_group(group.take()) || !out.push(line, Err(Unreadable::Broken(why))) {
                        return Ok(());
                    }
                    continue;
                }
                None => row,
            },
            Ok(row) => {
                let why = format!(
                    "the row has {} cells where the header has {} (allowed: one cell per header column)",
                    row.len(),
                    columns.names.len()
                );
                if !out.flush_group(group.take()) || !out.push(line, Err(Unreadable::Broken(why))) {
                    return Ok(());
                }
                continue;
            }
            Err(e) => {
                if !out.flush_group(group.take()) || !out.push(line, Err(e)) {
                    return Ok(());
                }
                continue;
            }
        };
        let key = columns.key_of(&row);
        if met.len() < ITEMS_KEPT {
            met.insert(text(&row, columns.item).trim().to_string());
        }
        match group.as_mut() {
            Some(g) if g.key == key => g.add(&columns, &row, line),
            _ => {
                if !out.flush_group(group.take()) {
                    return Ok(());
                }
                let mut g = Group::new(&columns, &row, key, line);
                let hash = hash_of(&g.key);
                if seen.contains(&hash) {
                    g.fault.get_or_insert(format!(
                        "rows of record {} are not adjacent: the key was met before line {line} (allowed: the rows of one record together; sort the export by its key)",
                        g.key.join(", ")
                    ));
                } else if seen.len() < KEYS_REMEMBERED {
                    seen.insert(hash);
                }
                g.add(&columns, &row, line);
                group = Some(g);
            }
        }
    }
    if out.flush_group(group.take()) && out.send() {
        let names: csv::ByteRecord = met.iter().map(String::as_str).collect();
        let layout = super::layout::Layout::with_map(&names, true, Some(map));
        if !layout.absent_columns().is_empty() {
            emit_absent(out.emit, file, layout);
        }
    }
    Ok(())
}

/// The chunk that carries the mapped columns never met (no rows).
fn emit_absent(emit: &mut dyn FnMut(Chunk) -> bool, file: &Option<Arc<str>>, layout: super::layout::Layout) {
    emit(Chunk::Csv {
        file: file.clone(),
        layout: Arc::new(layout),
        rows: Vec::new(),
    });
}

fn hash_of(key: &[String]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

/// Cell `i` of a row checked to be UTF-8 ([`Columns::not_utf8`]).
fn text(row: &csv::ByteRecord, i: usize) -> String {
    std::str::from_utf8(row.get(i).unwrap_or_default())
        .unwrap_or_default()
        .to_string()
}

impl Columns {
    /// The header positions of the `[long]` columns; one the header lacks
    /// is a problem naming it.
    fn of(header: &csv::ByteRecord, spec: &LongSpec) -> Result<Columns, String> {
        let names: Vec<String> = header
            .iter()
            .map(|c| String::from_utf8_lossy(c).trim().to_string())
            .collect();
        let at = |name: &str, entry: &str| {
            names.iter().position(|n| n == name).ok_or_else(|| {
                format!(
                    "header: the map's [long] {entry} column {name:?} is not in the export (allowed: one of its columns: {})",
                    names.join(", ")
                )
            })
        };
        let key = spec
            .key
            .iter()
            .map(|(name, by_date)| at(name, "key").map(|i| (i, *by_date)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Columns {
            key,
            item: at(&spec.item, "item")?,
            value: at(&spec.value, "value")?,
            names,
        })
    }

    /// Why a row cannot be read, when a cell is not UTF-8: its column and
    /// where (as the wide reader says it).
    fn not_utf8(&self, row: &csv::ByteRecord) -> Option<String> {
        row.iter().zip(&self.names).find_map(|(cell, name)| {
            std::str::from_utf8(cell)
                .err()
                .map(|e| super::layout::not_utf8(name, e))
        })
    }

    /// A row's key: each key cell, or its date for a `date(COLUMN)` key.
    fn key_of(&self, row: &csv::ByteRecord) -> Vec<String> {
        self.key
            .iter()
            .map(|&(i, by_date)| {
                let cell = text(row, i);
                match by_date.then(|| super::map::parse_when(&cell, &[])).flatten() {
                    Some(when) => when.date().to_string(),
                    None => cell.trim().to_string(),
                }
            })
            .collect()
    }
}

impl Group {
    /// A record begun at `line`: its key columns, as the first row has them.
    fn new(columns: &Columns, row: &csv::ByteRecord, key: Vec<String>, line: usize) -> Group {
        let cells = columns
            .key
            .iter()
            .map(|&(i, _)| (columns.names[i].clone(), text(row, i)))
            .collect();
        Group {
            key,
            line,
            cells,
            fault: None,
        }
    }

    /// One row's item; the same item twice (or an item named as a key
    /// column) is a fault of the record.
    fn add(&mut self, columns: &Columns, row: &csv::ByteRecord, line: usize) {
        let item = text(row, columns.item).trim().to_string();
        if item.is_empty() {
            return;
        }
        if self.cells.iter().any(|(name, _)| *name == item) {
            self.fault.get_or_insert(format!(
                "item {item:?} is given twice in record {} (again at line {line}) (allowed: each item once a record)",
                self.key.join(", ")
            ));
            return;
        }
        self.cells.push((item, text(row, columns.value)));
    }
}

/// The chunk being filled, and where chunks go.
struct Out<'e> {
    file: Option<Arc<str>>,
    chunk_bytes: usize,
    buf: Vec<u8>,
    items: Vec<(usize, Result<std::ops::Range<usize>, Unreadable>)>,
    emit: &'e mut dyn FnMut(Chunk) -> bool,
}

impl Out<'_> {
    /// Writes a finished record (or its fault) in its place; false when
    /// the reader is to stop.
    fn flush_group(&mut self, group: Option<Group>) -> bool {
        let Some(g) = group else { return true };
        if let Some(fault) = g.fault {
            return self.push(g.line, Err(Unreadable::Broken(fault)));
        }
        let start = self.buf.len();
        self.buf.push(b'{');
        for (i, (name, value)) in g.cells.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            // Strings always serialize.
            let _ = serde_json::to_writer(&mut self.buf, name);
            self.buf.push(b':');
            let _ = serde_json::to_writer(&mut self.buf, value);
        }
        self.buf.push(b'}');
        let end = self.buf.len();
        self.push(g.line, Ok(start..end))
    }

    fn push(&mut self, line: usize, item: Result<std::ops::Range<usize>, Unreadable>) -> bool {
        self.items.push((line, item));
        if self.buf.len() >= self.chunk_bytes || self.items.len() >= CHUNK_RECORDS {
            return self.send();
        }
        true
    }

    fn send(&mut self) -> bool {
        if self.items.is_empty() {
            return true;
        }
        let chunk = Chunk::Json {
            file: self.file.clone(),
            buf: std::mem::take(&mut self.buf),
            items: std::mem::take(&mut self.items),
        };
        (self.emit)(chunk)
    }
}
