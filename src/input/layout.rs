//! The columns of a CSV input, from its header row, and how one row becomes
//! a record through the record builder.

use crate::grading::{Assessment, RecordBuilder, RecordError, Value, catalogue};

use super::options::{ReadOptions, Rejected};

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
        // An object field (`ice`, `capd_items`) is given when any of its
        // item cells is not empty.
        let given = |field: catalogue::Field| {
            self.has_items
                && self.columns.iter().zip(&cells).any(|(c, t)| {
                    matches!(c, Column::Known(catalogue::Column::Item(f, _)) if *f == field)
                        && !t.trim().is_empty()
                })
        };
        let objects: Vec<catalogue::Field> = catalogue::Field::ALL
            .iter()
            .copied()
            .filter(|f| given(*f))
            .collect();
        for f in &objects {
            b.begin_object(*f);
        }
        for (column, text) in self.columns.iter().zip(&cells) {
            match column {
                Column::Known(catalogue::Column::Field(f)) => b.set(*f, Value::Text(text)),
                Column::Known(catalogue::Column::Item(f, item)) if objects.contains(f) => {
                    b.object_item(*f, item.key, Value::Text(text))
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
