//! The columns of a CSV input, from its header row, and how one row becomes
//! a record through the record builder.

use crate::grading::{Assessment, RecordBuilder, RecordError, Value, catalogue};

/// A column's name as the header has it.
fn column_name(c: &Column) -> String {
    match c {
        Column::Known(catalogue::Column::Field(f)) => f.name().to_string(),
        Column::Known(catalogue::Column::Item(_, i)) => i.column.to_string(),
        Column::Unknown(n) => n.clone(),
    }
}

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
    /// What is wrong with the header (unknown or repeated columns), if
    /// anything: reported once, at line 1.
    problem: Option<String>,
    allow_unknown: bool,
}

impl Layout {
    /// Reads the header row. Names are trimmed; a byte-order mark before the
    /// first is dropped. An unknown column (unless `allow_unknown`) or a
    /// column given twice makes the header invalid.
    pub fn from_header(header: &csv::ByteRecord, allow_unknown: bool) -> Layout {
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
        let mut problems = Vec::new();
        let allowed: Vec<String> = catalogue::Column::all().map(|(n, _)| n).collect();
        if !allow_unknown {
            for c in &columns {
                if let Column::Unknown(name) = c {
                    let hint = catalogue::closest(name, allowed.iter().map(String::as_str))
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    problems.push(format!("unknown column {name:?}{hint}"));
                }
            }
        }
        for (i, c) in columns.iter().enumerate() {
            if matches!(c, Column::Known(_)) && columns[..i].contains(c) {
                problems.push(format!("column {:?} given more than once", column_name(c)));
            }
        }
        let problem = (!problems.is_empty()).then(|| {
            format!(
                "header: {} (allowed: the CSV columns {}; or --allow-unknown-fields to ignore unknown columns)",
                problems.join("; "),
                allowed.join(", ")
            )
        });
        Layout {
            columns,
            has_items,
            problem,
            allow_unknown,
        }
    }

    /// What is wrong with the header, if anything.
    pub fn header_problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// Reads one data row into a record.
    pub fn read_row(&self, row: &csv::ByteRecord, options: ReadOptions) -> Result<Assessment, Rejected> {
        if self.problem.is_some() {
            return Err(Rejected::bare(RecordError::Malformed(
                "not graded: the header (line 1) is invalid".to_string(),
            )));
        }
        if row.len() != self.columns.len() {
            return Err(Rejected::bare(RecordError::Malformed(format!(
                "the row has {} cells, the header {} (allowed: one cell per header column)",
                row.len(),
                self.columns.len()
            ))));
        }
        let mut cells = Vec::with_capacity(row.len());
        for (column, raw) in self.columns.iter().zip(row.iter()) {
            if matches!(column, Column::Unknown(_)) && (options.allow_unknown_fields || self.allow_unknown) {
                // An ignored column is never read, whatever its bytes.
                cells.push("");
                continue;
            }
            match std::str::from_utf8(raw) {
                Ok(text) => cells.push(text),
                Err(e) => {
                    return Err(Rejected::bare(RecordError::Malformed(format!(
                        "column {}: invalid UTF-8 at byte {} (allowed: UTF-8 text)",
                        column_name(column),
                        e.valid_up_to()
                    ))));
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
                Column::Unknown(_) => {}
            }
        }
        super::options::finish(b)
    }
}
