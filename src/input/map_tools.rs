//! `icans map init` and `icans map check` (docs/spec.md §8): a starter map
//! from an export's columns and values, and a report of what a map leaves
//! unmapped, without grading.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, BufRead, Read};

use crate::grading::catalogue::{self, Choice, Column, Field, Kind};

use super::map::{Mapped, SiteMap};

/// Records read to propose a map.
pub const SAMPLE_RECORDS: usize = 10_000;

/// Distinct values kept per column (more: the column is free text or a
/// measurement, not coded), except for the columns a map codes, whose every
/// value `map check` must see.
const MAX_DISTINCT: usize = 30;

/// Codes that often mean "not recorded" in exports.
const MISSING_CODES: [&str; 8] = ["", "NA", "N/A", "na", "UNK", "unknown", "-99", "-9"];

/// How many distinct values a coded column may have that the map lacks
/// before the rest are only counted (memory stays bounded whatever the
/// export; a column with more is hardly coded).
pub const MAX_LACKING: usize = 1_000;

/// An export's columns, in order, with the distinct values of each and the
/// first line each value was seen on.
#[derive(Debug, Default)]
pub struct Sample {
    /// Column names in order.
    pub columns: Vec<String>,
    /// Column -> value -> (count, first line). With a map, a column it
    /// codes keeps only the values the map lacks.
    pub values: BTreeMap<String, BTreeMap<String, (u64, usize)>>,
    /// Columns with more distinct values than are kept (never a column the
    /// map codes).
    pub many: Vec<String>,
    /// Coded column -> cells whose value the map lacks, beyond the first
    /// [`MAX_LACKING`] distinct ones kept.
    pub lacking_beyond: BTreeMap<String, u64>,
    /// Records read.
    pub records: usize,
}

/// What a map says of a cell's column: not coded, or coded with the value
/// in the map (or a missing code) or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Free,
    Known,
    Lacking,
}

/// The coding of a cell whose column has `codes` (its coded values, when the
/// map codes it; looked up once per column).
fn coding(map: Option<&SiteMap>, codes: Option<&BTreeMap<String, String>>, value: &str) -> Coding {
    match (map, codes) {
        (Some(m), Some(codes)) if m.is_missing(value) || codes.contains_key(value) => Coding::Known,
        (Some(_), Some(_)) => Coding::Lacking,
        _ => Coding::Free,
    }
}

impl Sample {
    /// One cell, as its column's coding says.
    fn add(&mut self, column: &str, value: &str, line: usize, coding: Coding) {
        if !self.columns.iter().any(|c| c == column) {
            self.columns.push(column.to_string());
        }
        if coding == Coding::Known {
            return;
        }
        let values = self.values.entry(column.to_string()).or_default();
        if let Some(e) = values.get_mut(value) {
            e.0 += 1;
        } else if coding == Coding::Lacking && values.len() < MAX_LACKING {
            values.insert(value.to_string(), (1, line));
        } else if coding == Coding::Lacking {
            *self.lacking_beyond.entry(column.to_string()).or_default() += 1;
        } else if values.len() < MAX_DISTINCT {
            values.insert(value.to_string(), (1, line));
        } else if !self.many.iter().any(|c| c == column) {
            self.many.push(column.to_string());
        }
    }
}

/// Reads up to `limit` records (0: all) of a CSV export; with a map, every
/// distinct value of the columns it codes.
pub fn sample_csv(r: impl Read, limit: usize, map: Option<&SiteMap>) -> io::Result<Sample> {
    // A read failure stays what it is; a CSV that does not parse is data
    // the export got wrong.
    use super::csv_io_error as problem;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(r);
    let header: Vec<String> = reader
        .headers()
        .map_err(problem)?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let codes: Vec<_> = header.iter().map(|h| map.and_then(|m| m.codes_of(h))).collect();
    let mut s = Sample {
        columns: header.clone(),
        ..Sample::default()
    };
    for row in reader.records() {
        let row = row.map_err(problem)?;
        let line = row.position().map_or(0, |p| p.line() as usize);
        for ((name, cell), codes) in header.iter().zip(row.iter()).zip(&codes) {
            let cell = cell.trim();
            s.add(name, cell, line, coding(map, *codes, cell));
        }
        s.records += 1;
        if limit > 0 && s.records >= limit {
            break;
        }
    }
    Ok(s)
}

/// Reads up to `limit` records (0: all) of an NDJSON export (one object per
/// line; objects nested one level are flattened to `key_item`); with a map,
/// every distinct value of the keys it codes.
pub fn sample_ndjson(r: impl BufRead, limit: usize, map: Option<&SiteMap>) -> io::Result<Sample> {
    let mut s = Sample::default();
    // Each key's coded values, looked up once.
    let mut codes: BTreeMap<String, Option<&BTreeMap<String, String>>> = BTreeMap::new();
    for (i, line) in r.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let Ok(serde_json::Value::Object(o)) = serde_json::from_str::<serde_json::Value>(&line) else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "line {}: not a JSON object on one line (allowed: NDJSON, one record object per line, or CSV \
                     with a header; a JSON array converts with `jq -c '.[]'`)",
                    i + 1
                ),
            ));
        };
        for (key, text) in super::map::json_cells(&o) {
            let key_codes = match codes.get(&key) {
                Some(c) => *c,
                None => {
                    let c = map.and_then(|m| m.codes_of(&key));
                    if codes.len() >= 4096 {
                        codes.clear();
                    }
                    codes.insert(key.clone(), c);
                    c
                }
            };
            s.add(&key, &text, i + 1, coding(map, key_codes, &text));
        }
        s.records += 1;
        if limit > 0 && s.records >= limit {
            break;
        }
    }
    Ok(s)
}

/// Names exports commonly give the record fields (matched with confidence
/// 0.95).
const SYNONYMS: &[(&str, &[&str])] = &[
    ("id", &["record_id", "record", "assessment_id", "visit_id"]),
    (
        "patient_id",
        &["subject", "subject_id", "patient", "pt_id", "mrn", "study_id"],
    ),
    (
        "day",
        &[
            "study_day",
            "day_post_infusion",
            "dpi",
            "days_since_infusion",
            "post_infusion_day",
        ],
    ),
    ("age_years", &["age", "age_yrs"]),
    ("weight_kg", &["weight", "wt", "wt_kg"]),
    ("consciousness", &["loc", "level_of_consciousness", "conscious"]),
    ("seizure", &["sz", "seizures"]),
    ("edema", &["cerebral_edema", "icp", "raised_icp"]),
    (
        "temperature_c",
        &["temp", "temp_max", "tmax", "temperature", "max_temp"],
    ),
    ("hypotension", &["bp_support", "pressors", "vasopressors", "bp"]),
    ("hypoxia", &["o2_support", "oxygen", "o2"]),
    ("recorded_grade", &["icans_grade", "neurotox_grade", "grade"]),
    ("recorded_scale", &["grading_scale", "scale", "grade_scale"]),
    ("ice_total", &["ice", "ice_score"]),
    ("capd", &["capd_total", "capd_score"]),
];

/// The record column an export column most likely feeds, with a confidence
/// 0-1: its own name, a known synonym, or the closest name.
fn guess(column: &str) -> Option<(String, f64)> {
    let lower = column.to_ascii_lowercase().replace([' ', '-', '.'], "_");
    let names = Column::names();
    if names.contains(&lower) {
        return Some((lower, 1.0));
    }
    if let Some((field, _)) = SYNONYMS.iter().find(|(_, names)| names.contains(&lower.as_str())) {
        return Some((field.to_string(), 0.95));
    }
    names
        .iter()
        .map(|n| (n.clone(), strsim::jaro_winkler(&lower, n)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .filter(|(_, score)| *score >= 0.8)
}

/// The record value a coded export value most likely stands for, if any.
fn propose(choices: &[Choice], value: &str) -> Option<&'static str> {
    choices.iter().find(|c| c.matches_bedside(value)).map(|c| c.wire)
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A starter map: confident column matches filled in, the others
/// commented with their confidence; a `[values]` table for every coded
/// column with each value seen and a proposed record value or `"?"`.
pub fn starter(sample: &Sample, file: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# icans map for {file}: a starter from its columns and the distinct values of\n\
         # {} record(s). Check every line; fill in each \"?\"; then\n\
         #   icans map check THIS_MAP {file}\n\
         # Columns not listed are unknown fields (use --allow-unknown-fields for free\n\
         # text and other columns that feed nothing).\n\n[columns]                 # record field = export column",
        sample.records
    );
    let mut mapped: Vec<(String, String)> = Vec::new();
    let mut checkboxes = Vec::new();
    let mut used: Vec<String> = Vec::new();
    for column in &sample.columns {
        let values = sample.values.get(column);
        let binary = values.is_some_and(|v| v.keys().all(|k| ["0", "1", ""].contains(&k.as_str())));
        if column.contains("___") && binary {
            checkboxes.push(column.clone());
            continue;
        }
        match guess(column) {
            Some((record, confidence)) if confidence >= 0.9 && !used.contains(&record) => {
                used.push(record.clone());
                if record != *column {
                    let _ = writeln!(out, "{record} = {}", quoted(column));
                }
                mapped.push((record, column.clone()));
            }
            Some((record, confidence)) => {
                let _ = writeln!(
                    out,
                    "# {record} = {}   # confidence {confidence:.2}: check, or leave out",
                    quoted(column)
                );
            }
            None => {
                let _ = writeln!(out, "# ? = {}   # no field matched", quoted(column));
            }
        }
    }
    for (record, column) in &mapped {
        let Some(field) = Field::from_name(record) else {
            continue;
        };
        let (Kind::Choice(choices), Some(values)) = (field.def().kind, sample.values.get(column)) else {
            continue;
        };
        let _ = writeln!(
            out,
            "\n[values.{record}]   # export value = record value ({})",
            field.allowed()
        );
        if sample.many.contains(column) {
            let _ = writeln!(
                out,
                "# {column:?} has more than {MAX_DISTINCT} distinct values: the first {MAX_DISTINCT} are listed; \
                 map check lists the others"
            );
        }
        for value in values.keys().filter(|v| !MISSING_CODES.contains(&v.as_str())) {
            let proposal = propose(choices, value).unwrap_or("?");
            let _ = writeln!(out, "{} = {}", quoted(value), quoted(proposal));
        }
    }
    if !checkboxes.is_empty() {
        let domains = catalogue::names(crate::grading::OTHER_CAUSE_CHOICES);
        let _ = writeln!(
            out,
            "\n[checkboxes.other_cause]  # export column = domain ({domains})"
        );
        for c in &checkboxes {
            let _ = writeln!(out, "{} = \"?\"", quoted(c));
        }
    }
    let seen_missing: Vec<&str> = MISSING_CODES
        .iter()
        .copied()
        .filter(|m| sample.values.values().any(|v| v.contains_key(*m)))
        .collect();
    let mut missing: Vec<String> = vec![String::new()];
    missing.extend(
        seen_missing
            .iter()
            .filter(|m| !m.is_empty())
            .map(|m| m.to_string()),
    );
    let list: Vec<String> = missing.iter().map(|m| quoted(m)).collect();
    let _ = writeln!(
        out,
        "\n[missing]                 # cells that mean \"not assessed\"\nvalues = [{}]",
        list.join(", ")
    );
    let spellings = |list: &[&str]| list.iter().map(|s| quoted(s)).collect::<Vec<_>>().join(", ");
    let _ = writeln!(
        out,
        "\n[booleans]\ntrue = [{}]\nfalse = [{}]",
        spellings(&super::map::DEFAULT_TRUE),
        spellings(&super::map::DEFAULT_FALSE)
    );
    out
}

/// What `icans map check` found.
#[derive(Debug, Default)]
pub struct Check {
    /// Export columns the map does not name and that are no record column.
    pub unmapped: Vec<String>,
    /// Record fields no column feeds.
    pub unfed: Vec<String>,
    /// (column, record column, value, count, first line) the map lacks.
    pub missing_values: Vec<(String, String, String, u64, usize)>,
    /// (column, cells) the map lacks beyond the first [`MAX_LACKING`]
    /// distinct values of a column.
    pub missing_beyond: Vec<(String, u64)>,
}

impl Check {
    /// Whether the export can be graded as mapped (unknown columns allowed
    /// or not).
    pub fn gradable(&self, allow_unknown: bool) -> bool {
        self.missing_values.is_empty()
            && self.missing_beyond.is_empty()
            && (allow_unknown || self.unmapped.is_empty())
    }
}

/// Checks a map against an export's sample.
pub fn check(map: &SiteMap, sample: &Sample) -> Check {
    let mut c = Check::default();
    let mut fed: Vec<String> = Vec::new();
    for column in &sample.columns {
        match map.column(column) {
            None => c.unmapped.push(column.clone()),
            Some(Mapped::Checkbox(_)) => fed.push("other_cause".into()),
            Some(Mapped::Record(record)) => {
                fed.push(record.clone());
                let Some(codes) = map.values.get(&record) else {
                    continue;
                };
                for (value, (count, line)) in sample.values.get(column).into_iter().flatten() {
                    if !map.is_missing(value) && !codes.contains_key(value) {
                        c.missing_values
                            .push((column.clone(), record.clone(), value.clone(), *count, *line));
                    }
                }
            }
        }
    }
    c.missing_beyond = sample
        .lacking_beyond
        .iter()
        .map(|(k, n)| (k.clone(), *n))
        .collect();
    for (name, col) in Column::all() {
        let field = match col {
            Column::Field(f) | Column::Item(f, _) => f,
        };
        let fed_field = fed.contains(&name)
            || (matches!(col, Column::Item(..)) && fed.iter().any(|f| f.starts_with(field.name())));
        if !fed_field && !c.unfed.contains(&field.name().to_string()) && !matches!(col, Column::Item(..)) {
            c.unfed.push(field.name().to_string());
        }
    }
    c
}

/// The map's entries still `"?"`, as text (empty when none is left).
pub fn unfilled_report(map: &SiteMap) -> String {
    let mut out = String::new();
    if !map.unfilled.is_empty() {
        let _ = writeln!(
            out,
            "{}: {} (fill in the record value):",
            map.file,
            map.unfilled_count()
        );
        for u in &map.unfilled {
            let _ = writeln!(out, "  {u}");
        }
    }
    out
}

/// The check as text.
pub fn report(c: &Check, map: &SiteMap, allow_unknown: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "icans map check: {}", map.file);
    if c.unmapped.is_empty() {
        out.push_str("  Every column is mapped.\n");
    } else {
        let _ = writeln!(
            out,
            "  Unmapped columns ({}; unknown fields{}): {}",
            c.unmapped.len(),
            if allow_unknown {
                ", ignored with --allow-unknown-fields"
            } else {
                " unless --allow-unknown-fields"
            },
            c.unmapped.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "  Fields no column feeds: {}",
        if c.unfed.is_empty() {
            "none".into()
        } else {
            c.unfed.join(", ")
        }
    );
    if c.missing_values.is_empty() {
        out.push_str("  Every coded value is in the map.\n");
    } else {
        out.push_str("  Values not in the map:\n");
        for (column, record, value, count, line) in &c.missing_values {
            let _ = writeln!(
                out,
                "    {column} ({record}): {value:?}, {count} record(s), first at line {line}: add it to [values.{record}]"
            );
        }
        for (column, cells) in &c.missing_beyond {
            let _ = writeln!(
                out,
                "    {column}: {cells} more record(s) with values not in the map, past the first {MAX_LACKING} distinct ones listed (is the column coded?)"
            );
        }
    }
    let _ = writeln!(
        out,
        "  {}",
        if c.gradable(allow_unknown) {
            "The export can be graded as mapped."
        } else {
            "The export cannot be graded as mapped (exit 65)."
        }
    );
    out
}
