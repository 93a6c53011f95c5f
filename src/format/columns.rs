//! The result as a row (docs/spec.md §4): one table of result columns,
//! `TABLE`, from which the CSV header and rows, `--fields` and the
//! README's column table are written (a test keeps the README to it, and
//! `tests/fields.rs` ties each column to the nested result and its schema).
//! Each entry says the column's name, what it holds and how its value is
//! read from a result, once.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use crate::grading::criteria::instruments::totals_alone;
use crate::grading::{CrsDomain, Domain, Grading, Instrument, InstrumentRow, Scope};
use crate::input::Refused;

/// One column of a result row: an entry of `TABLE` (for one domain, when
/// the entry stands for each domain).
#[derive(Clone, Copy)]
pub struct ResultColumn {
    def: &'static Def,
    of: Of,
}

/// The domain a column is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Of {
    /// None: a column of the record.
    Record,
    /// An ICANS domain.
    Icans(Domain),
    /// A CRS domain.
    Crs(CrsDomain),
    /// An instrument given by its total alone.
    TotalAlone(Instrument),
}

impl PartialEq for ResultColumn {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.def, other.def) && self.of == other.of
    }
}

impl Eq for ResultColumn {}

impl fmt::Debug for ResultColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResultColumn({})", self.name())
    }
}

/// Separator of list cells (domains, action ids).
pub const LIST_SEPARATOR: &str = ";";

/// Separator of warnings in one cell.
pub const WARNING_SEPARATOR: &str = " | ";

/// One record's place in the input and its outcome, as the columns read it.
#[derive(Debug, Clone, Copy)]
pub enum Row<'a> {
    /// A graded record.
    Graded {
        /// Line where it starts.
        line: usize,
        /// Input file, when named.
        file: Option<&'a str>,
        /// The result.
        result: &'a Grading,
    },
    /// A record that could not be graded.
    Failed(&'a Refused),
}

/// A graded record as a column reads it.
struct Graded<'a> {
    line: usize,
    file: Option<&'a str>,
    r: &'a Grading,
}

/// How an entry's value is read from a graded record.
enum Read {
    /// A column of the record.
    Record(for<'a> fn(&Graded<'a>) -> Value<'a>),
    /// One column per ICANS domain, in [`Domain::ALL`] order.
    Icans(for<'a> fn(&'a Grading, Domain) -> Value<'a>),
    /// One column per CRS domain, in [`CrsDomain::ALL`] order.
    Crs(for<'a> fn(&'a Grading, CrsDomain) -> Value<'a>),
    /// One column per instrument given by its total alone
    /// (`criteria::Given::Total`), named by its key: the total echoed.
    TotalAlone,
}

/// An entry of [`TABLE`].
struct Def {
    /// Its name; for a domain's column, what follows `<domain>_`.
    name: &'static str,
    /// What it holds (the README's table).
    holds: &'static str,
    /// How its value is read.
    read: Read,
    /// What grading must work out for it (`grading::Scope`): a run grades
    /// only as far as its columns read.
    needs: Scope,
    /// Its cell in the row of a refused record; empty when `None`.
    refused: Option<fn(&Refused) -> String>,
}

const fn column(name: &'static str, holds: &'static str, read: Read) -> Def {
    Def {
        name,
        holds,
        read,
        needs: Scope::Grade,
        refused: None,
    }
}

/// A column that reads only the grade, the domains or what the record
/// echoes (`grading::Scope::GradeAlone`).
const fn grade_alone(def: Def) -> Def {
    Def {
        needs: Scope::GradeAlone,
        ..def
    }
}

/// A column that a refused record's row fills too.
const fn also_refused(def: Def, cell: fn(&Refused) -> String) -> Def {
    Def {
        refused: Some(cell),
        ..def
    }
}

/// A column of the management step.
const fn management(def: Def) -> Def {
    Def {
        needs: Scope::Full,
        ..def
    }
}

/// A column of what grading works out past the grade (the CRS, masked
/// domains, warnings).
const fn past_the_grade(def: Def) -> Def {
    Def {
        needs: Scope::WithoutManagement,
        ..def
    }
}

const ECHOED: &str = "echoed from the record";
const SCORE: &str = "the score used, or empty";
const DOMAINS: &str = "domain names, `;`-separated";

/// A count or grade, empty when there is none.
fn count<'a>(v: Option<u8>) -> Value<'a> {
    v.map_or(Value::Empty, |n| Value::Number(n.into()))
}

/// Domain names.
fn names(ds: &[Domain]) -> Value<'_> {
    Value::List(ds.iter().map(|d| d.as_str()).collect())
}

/// A CRS domain's result, when the CRS was graded from findings.
fn crs_domain(r: &Grading, d: CrsDomain) -> Option<&crate::grading::DomainResult> {
    r.crs
        .as_ref()
        .and_then(|c| c.domains.as_ref())
        .map(|ds| ds.get(d))
}

/// What the column of an instrument's echoed total holds: "echoed: the
/// CARTOX-10 total, read on the ICE bands".
fn total_alone_holds(row: &InstrumentRow) -> String {
    match row.label.map(|l| l.suffix.trim_start()).filter(|s| !s.is_empty()) {
        Some(how) => format!("echoed: the {} total, {how}", row.name),
        None => format!("echoed: the {} total", row.name),
    }
}

/// The result columns in row order (docs/spec.md §4): each column's name,
/// what it holds and how it is read, stated once. A group of domain
/// columns is written domain by domain (`encephalopathy_status`,
/// `encephalopathy_grade`, `consciousness_status`, ...); every other group
/// is one column.
static TABLE: &[&[Def]] = &[
    &[also_refused(
        grade_alone(column(
            "line",
            "input line where the record starts",
            Read::Record(|g| Value::Number(g.line as u64)),
        )),
        |e| opt(e.line),
    )],
    &[also_refused(
        grade_alone(column(
            "file",
            "input file, when named",
            Read::Record(|g| g.file.map_or(Value::Empty, Value::Text)),
        )),
        |e| opt(e.file.as_ref()),
    )],
    &[also_refused(
        grade_alone(column(
            "id",
            ECHOED,
            Read::Record(|g| g.r.id.as_ref().map_or(Value::Empty, Value::Id)),
        )),
        |e| opt(e.id.as_ref()),
    )],
    &[grade_alone(column(
        "patient_id",
        ECHOED,
        Read::Record(|g| g.r.patient_id.as_deref().map_or(Value::Empty, Value::Text)),
    ))],
    &[grade_alone(column(
        "day",
        ECHOED,
        Read::Record(|g| g.r.day.map_or(Value::Empty, |d| Value::Number(d.into()))),
    ))],
    &[grade_alone(column(
        "assessed_at",
        ECHOED,
        Read::Record(|g| g.r.assessed_at.as_deref().map_or(Value::Empty, Value::Text)),
    ))],
    &[grade_alone(column(
        "grade",
        "ICANS grade 0-5 (a lower bound when `complete` is false); empty when ICANS was not assessed",
        Read::Record(|g| count(g.r.grade)),
    ))],
    &[column(
        "complete",
        "`true` when no domain is left not assessed",
        Read::Record(|g| Value::Flag(g.r.complete)),
    )],
    &[column(
        "instrument",
        "`ice`, `capd` or empty",
        Read::Record(|g| g.r.instrument.map_or(Value::Empty, |i| Value::Word(i.as_str()))),
    )],
    &[column(
        "patient_group",
        "`adult` or `child` (a child: under 18; without an age, CAPD or under 40 kg)",
        Read::Record(|g| Value::Word(g.r.patient_group.as_str())),
    )],
    &[column("ice_total", SCORE, Read::Record(|g| count(g.r.ice_total)))],
    &[column("capd", SCORE, Read::Record(|g| count(g.r.capd)))],
    &[column("", "", Read::TotalAlone)],
    &[column(
        "ice_band",
        "echoed: the ICE band (`10`, `7-9`, `3-6`, `0-2`, `unable`)",
        Read::Record(|g| g.r.ice_band.map_or(Value::Empty, |b| Value::Word(b.as_str()))),
    )],
    &[
        grade_alone(column(
            "status",
            "`graded`, `not_assessed` or `excluded`",
            Read::Icans(|r, d| Value::Word(r.domains.get(d).status.as_str())),
        )),
        grade_alone(column(
            "grade",
            "the domain grade when graded, else empty",
            Read::Icans(|r, d| count(r.domains.get(d).grade)),
        )),
    ],
    &[column("drivers", DOMAINS, Read::Record(|g| names(&g.r.drivers)))],
    &[column(
        "unassessed",
        DOMAINS,
        Read::Record(|g| names(&g.r.unassessed)),
    )],
    &[column(
        "excluded",
        DOMAINS,
        Read::Record(|g| names(&g.r.excluded)),
    )],
    &[past_the_grade(column(
        "masked",
        "excluded domains whose finding would grade higher: ICANS cannot be ruled out",
        Read::Record(|g| names(&g.r.masked)),
    ))],
    &[past_the_grade(column(
        "crs_grade",
        "concurrent CRS grade 0-5, given or graded from findings; empty without CRS information",
        Read::Record(|g| count(g.r.crs.as_ref().map(|c| c.grade))),
    ))],
    &[past_the_grade(column(
        "crs_complete",
        "`true` when the CRS grade is not a lower bound",
        Read::Record(|g| g.r.crs.as_ref().map_or(Value::Empty, |c| Value::Flag(c.complete))),
    ))],
    &[past_the_grade(column(
        "crs_source",
        "`given` or `findings`",
        Read::Record(|g| {
            g.r.crs
                .as_ref()
                .map_or(Value::Empty, |c| Value::Word(c.source.as_str()))
        }),
    ))],
    &[
        past_the_grade(column(
            "status",
            "`graded`, `not_assessed` or `excluded` (CRS graded from findings)",
            Read::Crs(|r, d| crs_domain(r, d).map_or(Value::Empty, |x| Value::Word(x.status.as_str()))),
        )),
        past_the_grade(column(
            "grade",
            "the CRS domain grade when graded, else empty",
            Read::Crs(|r, d| count(crs_domain(r, d).and_then(|x| x.grade))),
        )),
    ],
    &[past_the_grade(column(
        "crs_drivers",
        "CRS domains at the CRS grade, `;`-separated",
        Read::Record(|g| {
            g.r.crs.as_ref().map_or(Value::Empty, |c| {
                Value::List(c.drivers.iter().map(|d| d.as_str()).collect())
            })
        }),
    ))],
    &[management(column(
        "actions",
        "management action ids, `;`-separated",
        Read::Record(|g| Value::List(g.r.management.actions.iter().map(|a| a.id.as_str()).collect())),
    ))],
    &[management(column(
        "reassess_hours",
        "hours to the next assessment (empty at a death, ICANS or CRS grade 5)",
        Read::Record(|g| count(g.r.management.reassess_hours)),
    ))],
    &[past_the_grade(column(
        "warnings",
        "warnings, separated by a space, a vertical bar and a space",
        Read::Record(|g| Value::Warnings(&g.r.warnings)),
    ))],
    &[grade_alone(column(
        "icans_version",
        "the icans version that graded it",
        Read::Record(|g| Value::Word(g.r.icans_version)),
    ))],
    &[grade_alone(column(
        "protocol",
        "`built-in` or the protocol file's name",
        Read::Record(|g| Value::Word(&g.r.protocol)),
    ))],
    &[grade_alone(column(
        "recorded_grade",
        "echoed: the grade recorded at the source (audit)",
        Read::Record(|g| count(g.r.recorded_grade)),
    ))],
    &[grade_alone(column(
        "recorded_scale",
        "echoed: its scale",
        Read::Record(|g| g.r.recorded_scale.as_deref().map_or(Value::Empty, Value::Word)),
    ))],
    &[grade_alone(column(
        "recorded_crs_grade",
        "echoed: the CRS grade recorded at the source (audit)",
        Read::Record(|g| count(g.r.recorded_crs_grade)),
    ))],
    &[grade_alone(column(
        "recorded_crs_scale",
        "echoed: its scale",
        Read::Record(|g| {
            g.r.recorded_crs_scale
                .as_deref()
                .map_or(Value::Empty, Value::Word)
        }),
    ))],
    &[grade_alone(column(
        "product",
        "echoed: the cell product",
        Read::Record(|g| g.r.product.as_deref().map_or(Value::Empty, Value::Text)),
    ))],
    &[grade_alone(column(
        "site",
        "echoed: the treating site",
        Read::Record(|g| g.r.site.as_deref().map_or(Value::Empty, Value::Text)),
    ))],
    &[also_refused(
        grade_alone(column(
            "error",
            "why the record could not be graded (every other cell but line, file and id empty)",
            Read::Record(|_| Value::Empty),
        )),
        |e| e.error.to_string(),
    )],
];

impl Def {
    /// The columns it stands for: one, or one per domain.
    fn columns(&'static self) -> Vec<ResultColumn> {
        let of: Vec<Of> = match self.read {
            Read::Record(_) => vec![Of::Record],
            Read::Icans(_) => Domain::ALL.iter().copied().map(Of::Icans).collect(),
            Read::Crs(_) => CrsDomain::ALL.iter().copied().map(Of::Crs).collect(),
            Read::TotalAlone => totals_alone()
                .map(|(row, _)| Of::TotalAlone(row.instrument))
                .collect(),
        };
        of.into_iter().map(|of| ResultColumn { def: self, of }).collect()
    }
}

impl ResultColumn {
    /// Whether the column shows the management step (so a run whose
    /// columns show none can grade without it, `grading::Scope`).
    pub fn shows_management(self) -> bool {
        self.def.needs == Scope::Full
    }

    /// What grading must work out for this column.
    pub fn needs(self) -> Scope {
        self.def.needs
    }

    /// The least grading that serves every one of `columns`.
    pub fn scope_for(columns: &[ResultColumn]) -> Scope {
        [
            Scope::GradeAlone,
            Scope::Grade,
            Scope::WithoutManagement,
            Scope::Full,
        ]
        .into_iter()
        .find(|scope| columns.iter().all(|c| scope.covers(c.needs())))
        .unwrap_or(Scope::Full)
    }

    /// Every column, in row order (`TABLE`).
    pub fn all() -> Vec<ResultColumn> {
        let mut v = Vec::new();
        for group in TABLE {
            let each: Vec<Vec<ResultColumn>> = group.iter().map(Def::columns).collect();
            // A group's columns domain by domain.
            for i in 0..each.first().map_or(0, Vec::len) {
                v.extend(each.iter().filter_map(|columns| columns.get(i)));
            }
        }
        v
    }

    /// The column of a name (`grade`, `seizure_grade`, ...), if any.
    pub fn from_name(name: &str) -> Option<ResultColumn> {
        ResultColumn::all().into_iter().find(|c| c.name() == name)
    }

    /// Columns from a `--fields a,b,...` list, in that order; an unknown
    /// name is refused with the one probably meant and the names allowed.
    pub fn parse_list(list: &str) -> Result<Vec<ResultColumn>, String> {
        let mut out = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match ResultColumn::from_name(name) {
                Some(c) => out.push(c),
                None => {
                    let names: Vec<String> = ResultColumn::all()
                        .iter()
                        .map(|c| c.name().into_owned())
                        .collect();
                    let hint = crate::grading::catalogue::closest(name, names.iter().map(String::as_str))
                        .map(|n| format!(" (did you mean `{n}`?)"))
                        .unwrap_or_default();
                    return Err(format!(
                        "--fields: unknown field {name:?}{hint} (allowed: {})",
                        names.join(", ")
                    ));
                }
            }
        }
        if out.is_empty() {
            return Err(
                "--fields: no field named (allowed: a comma-separated list of result columns)".into(),
            );
        }
        Ok(out)
    }

    /// The value of this column for one row, typed for JSON (numbers,
    /// booleans, arrays; null when empty): `--fields` in NDJSON. A record
    /// that could not be graded is written whole as its error object, so
    /// its row has no column values.
    pub fn json(self, row: &Row<'_>) -> serde_json::Value {
        match row {
            Row::Graded { line, file, result } => self.value(*line, *file, result).json(),
            Row::Failed(_) => serde_json::Value::Null,
        }
    }

    /// The column's name (CSV header).
    pub fn name(self) -> Cow<'static, str> {
        let domain = match self.of {
            Of::Record => return Cow::Borrowed(self.def.name),
            Of::Icans(d) => d.as_str(),
            Of::Crs(d) => d.as_str(),
            // Made only for an instrument given by a total alone.
            Of::TotalAlone(i) => return Cow::Borrowed(i.row().given.alone().unwrap_or_default()),
        };
        Cow::Owned(format!("{domain}_{}", self.def.name))
    }

    /// What the column holds, for the README's table.
    pub fn description(self) -> Cow<'static, str> {
        match self.of {
            Of::TotalAlone(i) => Cow::Owned(total_alone_holds(i.row())),
            _ => Cow::Borrowed(self.def.holds),
        }
    }

    /// The cell of this column for one row (CSV): a graded row's value as
    /// text; a failed row has only its place and the error.
    pub fn cell(self, row: &Row<'_>) -> String {
        match row {
            Row::Graded { line, file, result } => self.value(*line, *file, result).cell(),
            // What a refused record's cells hold is its own text (its id,
            // patient, file, the message): made safe for a spreadsheet.
            Row::Failed(e) => self
                .def
                .refused
                .map(|cell| super::cell::safe(&cell(e)).into_owned())
                .unwrap_or_default(),
        }
    }

    /// The column's value in a graded row, typed once: the CSV cell and the
    /// JSON value both come from it.
    fn value<'a>(self, line: usize, file: Option<&'a str>, r: &'a Grading) -> Value<'a> {
        match (&self.def.read, self.of) {
            (Read::Record(read), _) => read(&Graded { line, file, r }),
            (Read::Icans(read), Of::Icans(d)) => read(r, d),
            (Read::Crs(read), Of::Crs(d)) => read(r, d),
            (Read::TotalAlone, Of::TotalAlone(i)) => count(r.total_alone.of(i)),
            // A column is made only by `Def::columns`, with its own kind of domain.
            (Read::Icans(_) | Read::Crs(_) | Read::TotalAlone, _) => Value::Empty,
        }
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// A column's value in a graded row, typed: how CSV writes it (text) and
/// how `--fields` writes it in NDJSON (typed) both follow from the kind.
#[derive(Debug, Clone, PartialEq)]
enum Value<'a> {
    /// Nothing: an empty cell, null.
    Empty,
    /// A whole number.
    Number(u64),
    /// `true` or `false`.
    Flag(bool),
    /// Text echoed from the record or the run: always a JSON string.
    Text(&'a str),
    /// A name or label: a JSON string, null when it is empty.
    Word(&'a str),
    /// Names, `;`-separated in CSV, an array in JSON.
    List(Vec<&'a str>),
    /// The warnings, ` | `-separated in CSV, an array in JSON.
    Warnings(&'a [String]),
    /// The record's id as given (string or integer).
    Id(&'a crate::grading::RecordId),
}

impl Value<'_> {
    /// The CSV cell.
    fn cell(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Number(n) => n.to_string(),
            Value::Flag(b) => b.to_string(),
            // Text from a record (an id, a patient, a site) made safe to
            // open in a spreadsheet; the vocabulary's words need nothing.
            Value::Text(t) => super::cell::safe(t).into_owned(),
            Value::Word(t) => (*t).to_string(),
            Value::List(v) => v.join(LIST_SEPARATOR),
            Value::Warnings(w) => {
                let joined = w.join(WARNING_SEPARATOR);
                match super::cell::safe(&joined) {
                    Cow::Owned(safe) => safe,
                    Cow::Borrowed(_) => joined,
                }
            }
            Value::Id(id) => match id {
                crate::grading::RecordId::Text(t) => super::cell::safe(t).into_owned(),
                other => other.to_string(),
            },
        }
    }

    /// The JSON value.
    fn json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Empty => J::Null,
            Value::Number(n) => J::from(*n),
            Value::Flag(b) => J::Bool(*b),
            Value::Text(t) => J::String((*t).to_string()),
            Value::Word("") => J::Null,
            Value::Word(t) => J::String((*t).to_string()),
            Value::List(v) => J::Array(v.iter().map(|s| J::String((*s).to_string())).collect()),
            Value::Warnings(w) => J::Array(w.iter().cloned().map(J::String).collect()),
            Value::Id(id) => serde_json::to_value(id).unwrap_or(J::Null),
        }
    }
}

/// The README's table of result columns, generated from `TABLE`: a group
/// of domain columns is one line.
pub fn markdown_table() -> String {
    let mut out = String::from("| column | holds |\n|---|---|\n");
    for group in TABLE {
        let domains: Vec<&str> = match group.first().map(|d| &d.read) {
            Some(Read::Icans(_)) => Domain::ALL.iter().map(|d| d.as_str()).collect(),
            Some(Read::Crs(_)) => CrsDomain::ALL.iter().map(|d| d.as_str()).collect(),
            Some(Read::TotalAlone) => {
                for (row, key) in totals_alone() {
                    let _ = writeln!(out, "| `{key}` | {} |", total_alone_holds(row));
                }
                continue;
            }
            Some(Read::Record(_)) | None => {
                for def in *group {
                    let _ = writeln!(out, "| `{}` | {} |", def.name, def.holds);
                }
                continue;
            }
        };
        let names: Vec<String> = group.iter().map(|d| format!("`<domain>_{}`", d.name)).collect();
        let holds: Vec<&str> = group.iter().map(|d| d.holds).collect();
        let _ = writeln!(
            out,
            "| {} for each of {} | {} |",
            names.join(", "),
            domains.join(", "),
            holds.join("; ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_in_row_order() {
        let names: Vec<String> = ResultColumn::all()
            .iter()
            .map(|c| c.name().into_owned())
            .collect();
        assert_eq!(names.first().map(String::as_str), Some("line"));
        assert_eq!(names.last().map(String::as_str), Some("error"));
        assert!(names.contains(&"seizure_grade".to_string()));
        assert!(names.contains(&"cartox10".to_string()));
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert_eq!(
            names.len(),
            13 + totals_alone().count() + 2 * Domain::ALL.len() + 12 + 8 + 2 * CrsDomain::ALL.len()
        );
    }

    #[test]
    fn a_failed_row_has_only_its_place_and_the_error() {
        let e = Refused {
            line: Some(4),
            file: Some("f.csv".into()),
            id: None,
            patient_id: None,
            error: crate::grading::RecordError::Written(Box::new(crate::grading::WrittenError {
                message: "seizure: bad".into(),
                field: Some("seizure".into()),
            })),
        };
        let cells: Vec<String> = ResultColumn::all()
            .iter()
            .map(|c| c.cell(&Row::Failed(&e)))
            .collect();
        assert_eq!(cells[0], "4");
        assert_eq!(cells[1], "f.csv");
        assert_eq!(cells.last().map(String::as_str), Some("seizure: bad"));
        assert!(cells[2..cells.len() - 1].iter().all(String::is_empty));
    }
}
