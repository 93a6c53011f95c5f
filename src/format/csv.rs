//! CSV: records in (a header row naming the record fields) and results out
//! (one flat row per record).
//!
//! Input columns are the contract §1 field names, with the ICE items as
//! `ice_orientation`, `ice_naming`, `ice_writing`, `ice_attention` and
//! `ice_commands`, and `other_cause` as `;`-separated domain names. An empty
//! cell means not assessed. Cells are untyped text, read by each field's
//! type; an `id` is kept as a string.

use std::io;

use crate::grading::{Assessment, Domain, Grading, RecordBuilder, RecordError, Value, catalogue};

use super::json::{ReadOptions, Rejected};

/// What one input column holds: a catalogue column, or a name the
/// catalogue does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Known(catalogue::Column),
    Unknown(String),
}

/// The columns of a CSV input, read once from its header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    columns: Vec<Column>,
    has_items: bool,
}

impl Layout {
    /// Reads the header row. Names are trimmed; a byte-order mark before the
    /// first is dropped.
    pub fn from_header(header: &csv::ByteRecord) -> Layout {
        let columns: Vec<Column> = header
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                let raw = if i == 0 {
                    raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
                } else {
                    raw
                };
                let name = String::from_utf8_lossy(raw).trim().to_string();
                match catalogue::Column::from_csv(&name) {
                    Some(c) => Column::Known(c),
                    None => Column::Unknown(name),
                }
            })
            .collect();
        let has_items = columns
            .iter()
            .any(|c| matches!(c, Column::Known(catalogue::Column::Item(..))));
        Layout { columns, has_items }
    }

    /// Reads one data row into a record.
    pub fn read_row(&self, row: &csv::ByteRecord, options: ReadOptions) -> Result<Assessment, Rejected> {
        if row.len() != self.columns.len() {
            return Err(Rejected {
                id: None,
                error: RecordError::Malformed(format!(
                    "the row has {} cells, the header {} (allowed: one cell per header column)",
                    row.len(),
                    self.columns.len()
                )),
            });
        }
        let mut cells = Vec::with_capacity(row.len());
        for (column, raw) in self.columns.iter().zip(row.iter()) {
            match std::str::from_utf8(raw) {
                Ok(text) => cells.push(text),
                Err(e) => {
                    let name = match column {
                        Column::Known(catalogue::Column::Field(f)) => f.name().to_string(),
                        Column::Known(catalogue::Column::Item(f, i)) => format!("{}_{}", f.name(), i.key),
                        Column::Unknown(n) => n.clone(),
                    };
                    return Err(Rejected {
                        id: None,
                        error: RecordError::Malformed(format!(
                            "column {name}: invalid UTF-8 at byte {} (allowed: UTF-8 text)",
                            e.valid_up_to()
                        )),
                    });
                }
            }
        }
        let mut b = RecordBuilder::new();
        let items_given = self.has_items
            && self.columns.iter().zip(&cells).any(|(c, t)| {
                matches!(c, Column::Known(catalogue::Column::Item(..))) && !t.trim().is_empty()
            });
        if items_given {
            b.begin_ice();
        }
        for (column, text) in self.columns.iter().zip(&cells) {
            match column {
                Column::Known(catalogue::Column::Field(f)) => b.set(*f, Value::Text(text)),
                Column::Known(catalogue::Column::Item(_, item)) if items_given => {
                    b.ice_item(item.key, Value::Text(text))
                }
                Column::Known(catalogue::Column::Item(..)) => {}
                Column::Unknown(name) if !options.allow_unknown_fields => b.unknown_field(name),
                Column::Unknown(_) => {}
            }
        }
        let id = b.id().cloned();
        b.finish().map_err(|error| Rejected { id, error })
    }
}

/// How many columns a result row has: 11 leading, 2 per domain, 9 trailing.
pub const RESULT_COLUMNS: usize = 11 + 2 * 5 + 9;

/// The header of the CSV result rows.
pub fn result_header() -> Vec<String> {
    let mut h: Vec<String> = [
        "line",
        "file",
        "id",
        "patient_id",
        "day",
        "assessed_at",
        "grade",
        "complete",
        "instrument",
        "ice_total",
        "capd",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for d in Domain::ALL {
        h.push(format!("{d}_status"));
        h.push(format!("{d}_grade"));
    }
    for s in [
        "drivers",
        "unassessed",
        "excluded",
        "actions",
        "reassess_hours",
        "warnings",
        "icans_version",
        "protocol",
        "error",
    ] {
        h.push(s.to_string());
    }
    h
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn list(ds: &[Domain]) -> String {
    ds.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(";")
}

/// Writes one result row (fields as in [`result_header`]). Lists are
/// `;`-separated; warnings are separated by ` | `.
pub fn write_result<W: io::Write>(
    w: &mut csv::Writer<W>,
    line: usize,
    file: Option<&str>,
    r: &Grading,
) -> csv::Result<()> {
    let mut row: Vec<String> = vec![
        line.to_string(),
        file.unwrap_or_default().to_string(),
        opt(r.id.as_ref()),
        opt(r.patient_id.as_ref()),
        opt(r.day),
        opt(r.assessed_at.as_ref()),
        r.grade.to_string(),
        r.complete.to_string(),
        opt(r.instrument.map(|i| i.as_str())),
        opt(r.ice_total),
        opt(r.capd),
    ];
    for (_, d) in r.domains.iter() {
        row.push(d.status.as_str().to_string());
        row.push(opt(d.grade));
    }
    row.push(list(&r.drivers));
    row.push(list(&r.unassessed));
    row.push(list(&r.excluded));
    row.push(
        r.management
            .actions
            .iter()
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>()
            .join(";"),
    );
    row.push(opt(r.management.reassess_hours));
    row.push(r.warnings.join(" | "));
    row.push(r.icans_version.to_string());
    row.push(r.protocol.to_string());
    row.push(String::new());
    w.write_record(&row)
}

/// Writes the row of a record that could not be graded: line, file, id and
/// the error; every other cell empty.
pub fn write_error<W: io::Write>(
    w: &mut csv::Writer<W>,
    line: usize,
    file: Option<&str>,
    rejected: &Rejected,
) -> csv::Result<()> {
    let width = RESULT_COLUMNS;
    let mut row = vec![String::new(); width];
    row[0] = line.to_string();
    row[1] = file.unwrap_or_default().to_string();
    row[2] = opt(rejected.id.as_ref());
    row[width - 1] = rejected.error.to_string();
    w.write_record(&row)
}
