//! The columns of a CSV input, from its header row, and how one row becomes
//! a record through the record builder.

use crate::grading::{Assessment, RecordBuilder, RecordError, Value, catalogue};

/// A column's name as the header has it.
fn column_name(c: &Column) -> &str {
    match c {
        Column::Known(catalogue::Column::Field(f)) => f.name(),
        Column::Known(catalogue::Column::Item(_, i)) => i.column,
        Column::Unknown(n) | Column::Ignored(n) => n,
        Column::Mapped { export, .. }
        | Column::Checkbox { export, .. }
        | Column::Date { export, .. }
        | Column::Gate { export } => export,
    }
}

use super::map::{DateRole, Mapped, SiteMap};

/// Why a cell is refused when it is not UTF-8, naming its column: never
/// read with its bytes replaced (an id would become another).
pub(super) fn not_utf8(column: &str, e: std::str::Utf8Error) -> String {
    format!(
        "column {column}: invalid UTF-8 at byte {} (allowed: UTF-8 text)",
        e.valid_up_to()
    )
}

/// `[dates]` (docs/spec.md §8): `day` as the calendar days from the
/// infusion's date to the visit's, `assessed_at` from a date-time with its
/// zone; a cell that does not parse, or a visit before the infusion, is an
/// error naming the column and the value.
fn read_dates(b: &mut RecordBuilder, m: &SiteMap, dated: &[(DateRole, &str, &str)]) {
    let formats = if m.date_formats.is_empty() {
        String::new()
    } else {
        format!(", or {}", m.date_formats.join(", "))
    };
    let allowed = || format!("ISO dates (2026-03-09) or date-times{formats}");
    let date = |role: DateRole, b: &mut RecordBuilder| {
        let (_, export, cell) = dated.iter().find(|(r, ..)| *r == role)?;
        match super::map::parse_when(cell, &m.date_formats) {
            Some(d) => Some((d, *export, *cell)),
            None => {
                b.reject(
                    export,
                    cell,
                    &format!("{:?} is not a date (for {})", cell.trim(), role.field()),
                    allowed(),
                );
                None
            }
        }
    };
    let visit = date(DateRole::Visit, b);
    let infusion = date(DateRole::Infusion, b);
    if let (Some((v, visit_column, visit_cell)), Some((i, infusion_column, infusion_cell))) =
        (visit, infusion)
    {
        // Date-times compared as instants: the visit's date in the
        // infusion's UTC offset (contract v4 §8).
        let days = (v.date_beside(i) - i.date()).num_days();
        if days < 0 {
            b.reject(
                visit_column,
                visit_cell,
                &format!(
                    "{:?} is before the infusion date {:?} ({infusion_column}): day would be {days}",
                    visit_cell.trim(),
                    infusion_cell.trim()
                ),
                "a visit on or after the infusion (day 0)".to_string(),
            );
        } else {
            b.set(catalogue::Field::Day, Value::Text(&days.to_string()));
        }
    }
    if let Some((_, export, cell)) = dated.iter().find(|(r, ..)| *r == DateRole::AssessedAt) {
        match super::map::parse_date_time(cell, &m.date_formats) {
            Ok(t) => b.set(catalogue::Field::AssessedAt, Value::Text(&t)),
            Err(why) => b.reject(
                export,
                cell,
                &format!("{:?} {why} (for assessed_at)", cell.trim()),
                format!("RFC 3339 date-times (2026-03-09T08:30:00+01:00), or without a zone, read as local time{formats}"),
            ),
        }
    }
}
use super::options::ReadOptions;
use super::refused::Refused;

/// What one input column holds: a catalogue column, or a name the
/// catalogue does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Known(catalogue::Column),
    Unknown(String),
    /// Through a map file: the export's column feeding a record column.
    Mapped {
        export: String,
        record: String,
        column: catalogue::Column,
    },
    /// Through a map file: a checkbox naming an `other_cause` domain.
    Checkbox {
        export: String,
        domain: String,
    },
    /// Through a map file: a column that feeds nothing (`[ignore]`).
    Ignored(String),
    /// Through a map file: a date column (`[dates]`).
    Date {
        export: String,
        role: DateRole,
    },
    /// Through a map file: a gate column (`[when]`), whose code sets fields.
    Gate {
        export: String,
    },
}

impl Column {
    /// The catalogue column it feeds, if any.
    fn known(&self) -> Option<catalogue::Column> {
        match self {
            Column::Known(c) | Column::Mapped { column: c, .. } => Some(*c),
            _ => None,
        }
    }
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
    map: Option<&'static SiteMap>,
    /// The mapped columns the header lacks, with what that leaves (a CSV
    /// export read through a map): `batch` warns of each, once
    /// (docs/spec.md §10, v4).
    absent: Vec<super::map::AbsentColumn>,
}

impl Layout {
    /// The mapped columns the header lacks (CSV through a map), with what
    /// that leaves.
    pub fn absent_columns(&self) -> &[super::map::AbsentColumn] {
        &self.absent
    }

    /// Reads the header row. Names are trimmed; a byte-order mark before the
    /// first is dropped. An unknown column (unless `allow_unknown`) or a
    /// column given twice makes the header invalid.
    pub fn from_header(header: &csv::ByteRecord, allow_unknown: bool) -> Layout {
        Self::with_map(header, allow_unknown, None)
    }

    /// Reads the header row through a site's map file (or none).
    pub fn with_map(header: &csv::ByteRecord, allow_unknown: bool, map: Option<&'static SiteMap>) -> Layout {
        let mut layout = Self::names_with_map(header, allow_unknown, map);
        // A header that was read (not an empty input) lacking mapped columns.
        if let (Some(m), false) = (map, header.is_empty()) {
            let names = layout.names();
            layout.absent = m.absent_columns(|c| names.iter().any(|n| n == c));
        }
        layout
    }

    fn names_with_map(
        header: &csv::ByteRecord,
        allow_unknown: bool,
        map: Option<&'static SiteMap>,
    ) -> Layout {
        let names: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                let raw = if i == 0 {
                    raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
                } else {
                    raw
                };
                String::from_utf8_lossy(raw).trim().to_string()
            })
            .collect();
        Self::from_names(&names, allow_unknown, map)
    }

    /// The layout of a list of column names (CSV header, or the keys of a
    /// JSON record read through a map).
    pub fn from_names(names: &[String], allow_unknown: bool, map: Option<&'static SiteMap>) -> Layout {
        let columns: Vec<Column> = names
            .iter()
            .map(|name| match map.and_then(|m| m.column(name)) {
                Some(Mapped::Record(record)) => match catalogue::Column::from_csv(&record) {
                    Some(column) if record == *name => Column::Known(column),
                    Some(column) => Column::Mapped {
                        export: name.clone(),
                        record,
                        column,
                    },
                    None => Column::Unknown(name.clone()),
                },
                Some(Mapped::Checkbox(domain)) => Column::Checkbox {
                    export: name.clone(),
                    domain,
                },
                Some(Mapped::Ignored) => Column::Ignored(name.clone()),
                Some(Mapped::Date(role)) => Column::Date {
                    export: name.clone(),
                    role,
                },
                Some(Mapped::Gate) => Column::Gate { export: name.clone() },
                None => match catalogue::Column::from_csv(name) {
                    Some(c) => Column::Known(c),
                    None => Column::Unknown(name.clone()),
                },
            })
            .collect();
        let has_items = columns
            .iter()
            .any(|c| matches!(c.known(), Some(catalogue::Column::Item(..))));
        let mut problems = Vec::new();
        let allowed = catalogue::Column::names();
        let in_map = map
            .map(|m| format!(" (not in the map {})", m.file))
            .unwrap_or_default();
        if !allow_unknown {
            for c in &columns {
                if let Column::Unknown(name) = c {
                    let hint = catalogue::closest(name, allowed.iter().map(String::as_str))
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    problems.push(format!("unknown column {name:?}{in_map}{hint}"));
                }
            }
        }
        for (i, c) in columns.iter().enumerate() {
            let repeated = match c {
                Column::Checkbox { export, .. } | Column::Date { export, .. } | Column::Gate { export } => {
                    columns[..i].iter().any(|o| column_name(o) == export)
                }
                _ => c
                    .known()
                    .is_some_and(|k| columns[..i].iter().any(|o| o.known() == Some(k))),
            };
            if repeated {
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
            map,
            absent: Vec::new(),
        }
    }

    /// The layout of a header row that could not be read: no columns, and
    /// every row refused, pointing to line 1.
    pub fn unreadable(problem: String) -> Layout {
        Layout {
            columns: Vec::new(),
            has_items: false,
            problem: Some(problem),
            allow_unknown: false,
            map: None,
            absent: Vec::new(),
        }
    }

    /// The columns' names, as the header has them.
    pub fn names(&self) -> Vec<String> {
        self.columns.iter().map(|c| column_name(c).to_string()).collect()
    }

    /// The number of columns.
    pub fn width(&self) -> usize {
        self.columns.len()
    }

    /// The first column feeding the record (neither unknown nor ignored)
    /// whose cell holds a line end. No record value does, so a record read
    /// over several lines with one was most likely cut out wrong, by a
    /// quote that is not closed where it should be.
    pub fn line_end_in_a_field(&self, row: &csv::ByteRecord) -> Option<&str> {
        self.columns
            .iter()
            .zip(row.iter())
            .find(|(c, cell)| {
                !matches!(c, Column::Unknown(_) | Column::Ignored(_))
                    && cell.iter().any(|&b| b == b'\n' || b == b'\r')
            })
            .map(|(c, _)| column_name(c))
    }

    /// What is wrong with the header, if anything.
    pub fn header_problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// Reads one data row into a record.
    pub fn read_row(&self, row: &csv::ByteRecord, options: ReadOptions) -> Result<Assessment, Refused> {
        let mut b = RecordBuilder::new();
        self.read_row_into(row, options, &mut b).map(std::mem::take)
    }

    /// [`read_row`](Self::read_row) into `b`, an empty builder, where the
    /// record then stays (batch work: a record is large, and each move a
    /// copy).
    pub fn read_row_into<'b>(
        &self,
        row: &csv::ByteRecord,
        options: ReadOptions,
        b: &'b mut RecordBuilder,
    ) -> Result<&'b mut Assessment, Refused> {
        if self.problem.is_some() {
            return Err(Refused::bare(RecordError::Malformed(
                "not graded: the header (line 1) is invalid".to_string(),
            )));
        }
        if row.len() != self.columns.len() {
            return Err(Refused::bare(RecordError::Malformed(format!(
                "the row has {} cells where the header has {} (allowed: one cell per header column)",
                row.len(),
                self.columns.len()
            ))));
        }
        let mut cells = Vec::with_capacity(row.len());
        // UTF-8 checked once for the row; a cell is then its slice of the
        // row, when its ends fall between characters (they always do in
        // text that is UTF-8 cell by cell). A cell that is not is checked
        // alone, for the message.
        let whole = std::str::from_utf8(row.as_slice()).ok();
        for (i, (column, raw)) in self.columns.iter().zip(row.iter()).enumerate() {
            let ignored = match column {
                Column::Unknown(_) => options.allow_unknown_fields || self.allow_unknown,
                Column::Ignored(_) => true,
                _ => false,
            };
            if ignored {
                // An ignored column is never read, whatever its bytes.
                cells.push("");
                continue;
            }
            let cell = whole.zip(row.range(i)).and_then(|(whole, at)| whole.get(at));
            match cell.map_or_else(|| std::str::from_utf8(raw), Ok) {
                Ok(text) => cells.push(text),
                Err(e) => {
                    return Err(Refused::bare(RecordError::Malformed(not_utf8(
                        column_name(column),
                        e,
                    ))));
                }
            }
        }
        self.fill_cells(b, &cells);
        self.finish(b)
    }

    /// Checks the record built from a row as a whole: through a map, a
    /// field's error then names the export's column.
    pub fn finish<'b>(&self, b: &'b mut RecordBuilder) -> Result<&'b mut Assessment, Refused> {
        super::options::finish_in_place(b).map_err(|r| self.name_export_columns(r))
    }

    /// Hands one row's cells (in column order) to `b`, through the map when
    /// there is one; [`finish`](Self::finish) then checks the record.
    pub fn fill_cells(&self, b: &mut RecordBuilder, cells: &[&str]) {
        let Some(map) = self.map else {
            // Without a map every cell is read as it is.
            self.read_texts(b, cells);
            return;
        };
        // Through a map: each cell translated (coded values, booleans,
        // missing codes); a value the map lacks is an error naming the
        // export's column, the field, the value and the map file.
        let mut translated: Vec<std::borrow::Cow<'_, str>> = Vec::with_capacity(cells.len());
        let mut checked: Vec<&str> = Vec::new();
        // `[dates]` cells: (role, export column, cell), read after the loop.
        let mut dated: Vec<(DateRole, &str, &str)> = Vec::new();
        // `[when]` cells: (gate column, cell), applied after the loop.
        let mut gated: Vec<(&str, &str)> = Vec::new();
        for (column, cell) in self.columns.iter().zip(cells) {
            let text = match (column, self.map) {
                (Column::Mapped { .. } | Column::Known(_), Some(m)) => {
                    let record = match column {
                        Column::Mapped { record, .. } => record.as_str(),
                        _ => column_name(column),
                    };
                    match m.translate(record, cell) {
                        Ok(t) => std::borrow::Cow::Owned(t),
                        Err((problem, allowed)) => {
                            b.reject(column_name(column), cell, &problem, allowed);
                            std::borrow::Cow::Borrowed("")
                        }
                    }
                }
                (Column::Checkbox { export, domain }, Some(m)) => {
                    if !m.is_missing(cell) {
                        match m.truth(cell) {
                            Some(true) => checked.push(domain),
                            Some(false) => {}
                            None => b.reject(
                                export,
                                cell,
                                &format!(
                                    "other_cause {domain} checkbox value {:?} is neither checked nor unchecked in the map {}",
                                    cell.trim(),
                                    m.file,
                                ),
                                format!("{} / {}", m.truthy.join(", "), m.falsy.join(", ")),
                            ),
                        }
                    }
                    std::borrow::Cow::Borrowed("")
                }
                (Column::Date { export, role }, Some(m)) => {
                    if !m.is_missing(cell) {
                        dated.push((*role, export, cell));
                    }
                    std::borrow::Cow::Borrowed("")
                }
                (Column::Gate { export }, Some(m)) => {
                    if !m.is_missing(cell) {
                        gated.push((export, cell));
                    }
                    std::borrow::Cow::Borrowed("")
                }
                _ => std::borrow::Cow::Borrowed(*cell),
            };
            translated.push(text);
        }
        let unfilled = self.apply_gates(b, map, &gated, &mut translated);
        read_dates(b, map, &dated);
        self.read_texts(b, &translated);
        for (field, value) in unfilled {
            b.set(field, Value::Text(value));
        }
        if !checked.is_empty() {
            b.begin_other_cause();
            for d in checked {
                b.other_cause_item(Value::Text(d));
            }
        }
    }

    /// `[when]` gates (contract v4 §8): each gate cell's code sets fields,
    /// only where the field's own column is empty for this record (its
    /// cell put in `translated`) or absent (returned, set after the row).
    /// A code the gate does not list, or two gates setting one field to
    /// different values, is an error naming the column(s).
    fn apply_gates<'m>(
        &self,
        b: &mut RecordBuilder,
        map: &'m SiteMap,
        gated: &[(&str, &str)],
        translated: &mut [std::borrow::Cow<'_, str>],
    ) -> Vec<(catalogue::Field, &'m str)> {
        let mut set: Vec<(catalogue::Field, &'m str, &str)> = Vec::new();
        for &(gate, cell) in gated {
            let Some(codes) = map.gates.get(gate) else {
                continue;
            };
            let Some(fields) = codes.get(cell.trim()) else {
                b.reject(
                    gate,
                    cell,
                    &format!(
                        "gate value {:?} is not in the map {} [when.{gate}]",
                        cell.trim(),
                        map.file
                    ),
                    super::map::first_of(codes.keys().map(String::as_str), codes.len()),
                );
                continue;
            };
            for (field, value) in fields {
                match set.iter().find(|(f, ..)| f == field) {
                    Some((_, v, _)) if v == value => {}
                    Some((_, v, other)) => b.reject(
                        gate,
                        cell,
                        &format!(
                            "gates disagree: {gate} sets {} to {value:?}, {other} sets it to {v:?}",
                            field.name()
                        ),
                        "gates that agree on every field they set for one record".to_string(),
                    ),
                    None => set.push((*field, value, gate)),
                }
            }
        }
        let mut absent = Vec::new();
        for (field, value, _) in set {
            let own = catalogue::Column::Field(field);
            match self.columns.iter().position(|c| c.known() == Some(own)) {
                Some(i) if translated[i].trim().is_empty() => {
                    translated[i] = std::borrow::Cow::Owned(value.to_string())
                }
                Some(_) => {}
                None => absent.push((field, value)),
            }
        }
        absent
    }

    /// Hands each cell's text (as read, or as its map translated it) to the
    /// builder: its field, or an item of `ice` or `capd_items`.
    fn read_texts<T: AsRef<str>>(&self, b: &mut RecordBuilder, texts: &[T]) {
        // An object field (`ice`, `capd_items`) is given when any of its
        // item cells is not empty: one pass over the cells, each object
        // field a bit (field by field over every cell was 30,000
        // instructions a row, most of the time of a CSV batch).
        let mut given = 0u64;
        if self.has_items {
            for (column, text) in self.columns.iter().zip(texts) {
                if let Some(catalogue::Column::Item(f, _)) = column.known() {
                    if !Value::Text(text.as_ref()).is_absent() {
                        given |= f.bit();
                    }
                }
            }
        }
        let is_given = |f: catalogue::Field| given & f.bit() != 0;
        for f in catalogue::Field::ALL.iter().copied().filter(|f| is_given(*f)) {
            b.begin_object(f);
        }
        for (column, text) in self.columns.iter().zip(texts) {
            match column.known() {
                Some(catalogue::Column::Field(f)) => b.set(f, Value::Text(text.as_ref())),
                Some(catalogue::Column::Item(f, item)) if is_given(f) => {
                    b.object_item(f, item.key, Value::Text(text.as_ref()))
                }
                _ => {}
            }
        }
    }

    /// Through a map, a field's error names the export's column, with the
    /// record field it feeds in the message (docs/spec.md §8).
    fn name_export_columns(&self, mut r: Refused) -> Refused {
        if self.map.is_none() {
            return r;
        }
        if let RecordError::Invalid(errors) = &mut r.error {
            for e in errors.iter_mut() {
                let feeds = e.field.replace('.', "_");
                let export = self.columns.iter().find_map(|c| match c {
                    // A mapped column's export name differs from its field's.
                    Column::Mapped { export, record, .. } if *record == feeds => Some(export),
                    _ => None,
                });
                if let Some(export) = export {
                    e.problem = format!("{} {}", e.field, e.problem);
                    e.field = export.clone();
                }
            }
        }
        r
    }
}
