//! The result as a row: the one list of result columns (docs/spec.md §4)
//! from which the CSV header and rows are written and the README's column
//! table is generated (a test keeps the README to it). Each column says
//! what it holds and how its cell is written from a result or an error.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::grading::{CrsDomain, Domain, Grading};

use crate::input::Refused;

/// One column of a result row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultColumn {
    /// Input line where the record starts.
    Line,
    /// Input file, when named.
    File,
    /// Echoed `id`.
    Id,
    /// Echoed `patient_id`.
    PatientId,
    /// Echoed `day`.
    Day,
    /// Echoed `assessed_at`.
    AssessedAt,
    /// ICANS grade 0-5.
    Grade,
    /// No domain left not assessed.
    Complete,
    /// `ice`, `capd` or empty.
    Instrument,
    /// `adult` or `child`.
    PatientGroup,
    /// ICE total used.
    IceTotal,
    /// CAPD total used.
    Capd,
    /// A domain's status.
    DomainStatus(Domain),
    /// A domain's grade.
    DomainGrade(Domain),
    /// Driving domains.
    Drivers,
    /// Domains not assessed.
    Unassessed,
    /// Domains excluded.
    Excluded,
    /// Concurrent CRS grade.
    CrsGrade,
    /// Whether the CRS grade is complete.
    CrsComplete,
    /// `given` or `findings`.
    CrsSource,
    /// A CRS domain's status.
    CrsStatus(CrsDomain),
    /// A CRS domain's grade.
    CrsDomainGrade(CrsDomain),
    /// CRS driving domains.
    CrsDrivers,
    /// Excluded domains that would grade higher.
    Masked,
    /// Management action ids.
    Actions,
    /// Hours to reassessment.
    ReassessHours,
    /// Warnings.
    Warnings,
    /// The grading version.
    IcansVersion,
    /// The management protocol.
    Protocol,
    /// Echoed `recorded_grade`.
    RecordedGrade,
    /// Echoed `recorded_scale`.
    RecordedScale,
    /// Why the record could not be graded.
    Error,
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

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

impl ResultColumn {
    /// Whether the column shows the management step (so a run whose
    /// columns show none can grade without it, `grading::Scope`).
    pub fn shows_management(self) -> bool {
        use ResultColumn as C;
        match self {
            C::Actions | C::ReassessHours => true,
            C::Line
            | C::File
            | C::Id
            | C::PatientId
            | C::Day
            | C::AssessedAt
            | C::Grade
            | C::Complete
            | C::Instrument
            | C::PatientGroup
            | C::IceTotal
            | C::Capd
            | C::DomainStatus(_)
            | C::DomainGrade(_)
            | C::Drivers
            | C::Unassessed
            | C::Excluded
            | C::CrsGrade
            | C::CrsComplete
            | C::CrsSource
            | C::CrsStatus(_)
            | C::CrsDomainGrade(_)
            | C::CrsDrivers
            | C::Masked
            | C::Warnings
            | C::IcansVersion
            | C::Protocol
            | C::RecordedGrade
            | C::RecordedScale
            | C::Error => false,
        }
    }

    /// Every column, in row order.
    pub fn all() -> Vec<ResultColumn> {
        use ResultColumn as C;
        let mut v = vec![
            C::Line,
            C::File,
            C::Id,
            C::PatientId,
            C::Day,
            C::AssessedAt,
            C::Grade,
            C::Complete,
            C::Instrument,
            C::PatientGroup,
            C::IceTotal,
            C::Capd,
        ];
        for d in Domain::ALL {
            v.push(C::DomainStatus(d));
            v.push(C::DomainGrade(d));
        }
        v.extend([
            C::Drivers,
            C::Unassessed,
            C::Excluded,
            C::Masked,
            C::CrsGrade,
            C::CrsComplete,
            C::CrsSource,
        ]);
        for d in CrsDomain::ALL {
            v.push(C::CrsStatus(d));
            v.push(C::CrsDomainGrade(d));
        }
        v.extend([
            C::CrsDrivers,
            C::Actions,
            C::ReassessHours,
            C::Warnings,
            C::IcansVersion,
            C::Protocol,
            C::RecordedGrade,
            C::RecordedScale,
            C::Error,
        ]);
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
        use ResultColumn as C;
        Cow::Borrowed(match self {
            C::Line => "line",
            C::File => "file",
            C::Id => "id",
            C::PatientId => "patient_id",
            C::Day => "day",
            C::AssessedAt => "assessed_at",
            C::Grade => "grade",
            C::Complete => "complete",
            C::Instrument => "instrument",
            C::PatientGroup => "patient_group",
            C::IceTotal => "ice_total",
            C::Capd => "capd",
            C::DomainStatus(d) => return Cow::Owned(format!("{d}_status")),
            C::DomainGrade(d) => return Cow::Owned(format!("{d}_grade")),
            C::Drivers => "drivers",
            C::Unassessed => "unassessed",
            C::Excluded => "excluded",
            C::Masked => "masked",
            C::CrsGrade => "crs_grade",
            C::CrsComplete => "crs_complete",
            C::CrsSource => "crs_source",
            C::CrsStatus(d) => return Cow::Owned(format!("{d}_status")),
            C::CrsDomainGrade(d) => return Cow::Owned(format!("{d}_grade")),
            C::CrsDrivers => "crs_drivers",
            C::Actions => "actions",
            C::ReassessHours => "reassess_hours",
            C::Warnings => "warnings",
            C::IcansVersion => "icans_version",
            C::Protocol => "protocol",
            C::RecordedGrade => "recorded_grade",
            C::RecordedScale => "recorded_scale",
            C::Error => "error",
        })
    }

    /// What the column holds, for the README's table.
    pub fn description(self) -> &'static str {
        use ResultColumn as C;
        match self {
            C::Line => "input line where the record starts",
            C::File => "input file, when named",
            C::Id | C::PatientId | C::Day | C::AssessedAt => "echoed from the record",
            C::Grade => "ICANS grade 0-5 (a lower bound when `complete` is false)",
            C::Complete => "`true` when no domain is left not assessed",
            C::Instrument => "`ice`, `capd` or empty",
            C::PatientGroup => "`adult` or `child` (a child: under 18; without an age, CAPD or under 40 kg)",
            C::IceTotal | C::Capd => "the score used, or empty",
            C::DomainStatus(_) => "`graded`, `not_assessed` or `excluded`",
            C::DomainGrade(_) => "the domain grade when graded, else empty",
            C::Drivers | C::Unassessed | C::Excluded => "domain names, `;`-separated",
            C::Masked => "excluded domains whose finding would grade higher: ICANS cannot be ruled out",
            C::CrsGrade => {
                "concurrent CRS grade 0-5, given or graded from findings; empty without CRS information"
            }
            C::CrsComplete => "`true` when the CRS grade is not a lower bound",
            C::CrsSource => "`given` or `findings`",
            C::CrsStatus(_) => "`graded`, `not_assessed` or `excluded` (CRS graded from findings)",
            C::CrsDomainGrade(_) => "the CRS domain grade when graded, else empty",
            C::CrsDrivers => "CRS domains at the CRS grade, `;`-separated",
            C::Actions => "management action ids, `;`-separated",
            C::ReassessHours => "hours to the next assessment (empty at a death, ICANS or CRS grade 5)",
            C::Warnings => "warnings, separated by a space, a vertical bar and a space",
            C::IcansVersion => "the icans version that graded it",
            C::Protocol => "`built-in` or the protocol file's name",
            C::RecordedGrade => "echoed: the grade recorded at the source (audit)",
            C::RecordedScale => "echoed: its scale",
            C::Error => "why the record could not be graded (every other cell but line, file and id empty)",
        }
    }

    /// The cell of this column for one row (CSV): a graded row's value as
    /// text; a failed row has only its place and the error.
    pub fn cell(self, row: &Row<'_>) -> String {
        use ResultColumn as C;
        match row {
            Row::Graded { line, file, result } => self.value(*line, *file, result).cell(),
            Row::Failed(e) => match self {
                C::Line => opt(e.line),
                C::File => opt(e.file.as_ref()),
                C::Id => opt(e.id.as_ref()),
                C::Error => e.error.to_string(),
                _ => String::new(),
            },
        }
    }

    /// The column's value in a graded row, typed once: the CSV cell and the
    /// JSON value both come from it.
    fn value<'a>(self, line: usize, file: Option<&'a str>, r: &'a Grading) -> Value<'a> {
        use ResultColumn as C;
        let count = |v: Option<u8>| v.map_or(Value::Empty, |n| Value::Number(n.into()));
        let names = |ds: &'a [Domain]| Value::List(ds.iter().map(|d| d.as_str()).collect());
        let crs_domain = |d: CrsDomain| {
            r.crs
                .as_ref()
                .and_then(|c| c.domains.as_ref())
                .map(|ds| ds.get(d))
        };
        match self {
            C::Line => Value::Number(line as u64),
            C::File => file.map_or(Value::Empty, Value::Text),
            C::Id => r.id.as_ref().map_or(Value::Empty, Value::Id),
            C::PatientId => r.patient_id.as_deref().map_or(Value::Empty, Value::Text),
            C::Day => r.day.map_or(Value::Empty, |d| Value::Number(d.into())),
            C::AssessedAt => r.assessed_at.as_deref().map_or(Value::Empty, Value::Text),
            C::Grade => Value::Number(r.grade.into()),
            C::Complete => Value::Flag(r.complete),
            C::Instrument => r.instrument.map_or(Value::Empty, |i| Value::Word(i.as_str())),
            C::PatientGroup => Value::Word(r.patient_group.as_str()),
            C::IceTotal => count(r.ice_total),
            C::Capd => count(r.capd),
            C::DomainStatus(d) => Value::Word(r.domains.get(d).status.as_str()),
            C::DomainGrade(d) => count(r.domains.get(d).grade),
            C::Drivers => names(&r.drivers),
            C::Unassessed => names(&r.unassessed),
            C::Excluded => names(&r.excluded),
            C::Masked => names(&r.masked),
            C::CrsGrade => count(r.crs.as_ref().map(|c| c.grade)),
            C::CrsComplete => r.crs.as_ref().map_or(Value::Empty, |c| Value::Flag(c.complete)),
            C::CrsSource => r
                .crs
                .as_ref()
                .map_or(Value::Empty, |c| Value::Word(c.source.as_str())),
            C::CrsStatus(d) => crs_domain(d).map_or(Value::Empty, |x| Value::Word(x.status.as_str())),
            C::CrsDomainGrade(d) => count(crs_domain(d).and_then(|x| x.grade)),
            C::CrsDrivers => r.crs.as_ref().map_or(Value::Empty, |c| {
                Value::List(c.drivers.iter().map(|d| d.as_str()).collect())
            }),
            C::Actions => Value::List(r.management.actions.iter().map(|a| a.id.as_str()).collect()),
            C::ReassessHours => count(r.management.reassess_hours),
            C::Warnings => Value::Warnings(&r.warnings),
            C::IcansVersion => Value::Word(r.icans_version),
            C::Protocol => Value::Word(&r.protocol),
            C::RecordedGrade => count(r.recorded_grade),
            C::RecordedScale => r.recorded_scale.as_deref().map_or(Value::Empty, Value::Word),
            C::Error => Value::Empty,
        }
    }
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
            Value::Text(t) | Value::Word(t) => (*t).to_string(),
            Value::List(v) => v.join(LIST_SEPARATOR),
            Value::Warnings(w) => w.join(WARNING_SEPARATOR),
            Value::Id(id) => id.to_string(),
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

/// The README's table of result columns, generated from [`ResultColumn::all`].
pub fn markdown_table() -> String {
    let mut out = String::from("| column | holds |\n|---|---|\n");
    let mut last_domain_row = false;
    for c in ResultColumn::all() {
        match c {
            ResultColumn::CrsStatus(_) | ResultColumn::CrsDomainGrade(_) => {
                if c == ResultColumn::CrsStatus(CrsDomain::Fever) {
                    let _ = writeln!(
                        out,
                        "| `<domain>_status`, `<domain>_grade` for each of fever, hypotension, hypoxia | {}; {} |",
                        c.description(),
                        ResultColumn::CrsDomainGrade(CrsDomain::Fever).description()
                    );
                }
            }
            ResultColumn::DomainStatus(_) | ResultColumn::DomainGrade(_) => {
                if !last_domain_row {
                    last_domain_row = true;
                    let names: Vec<&str> = Domain::ALL.iter().map(|d| d.as_str()).collect();
                    let _ = writeln!(
                        out,
                        "| `<domain>_status`, `<domain>_grade` for each of {} | {}; {} |",
                        names.join(", "),
                        ResultColumn::DomainStatus(Domain::Encephalopathy).description(),
                        ResultColumn::DomainGrade(Domain::Encephalopathy).description()
                    );
                }
            }
            _ => {
                let _ = writeln!(out, "| `{}` | {} |", c.name(), c.description());
            }
        }
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
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert_eq!(
            names.len(),
            12 + 2 * Domain::ALL.len() + 12 + 4 + 2 * CrsDomain::ALL.len()
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
