//! `icans map init` and `icans map check` (docs/spec.md §8): a starter map
//! from an export's columns and values, and a report of what a map leaves
//! unmapped, without grading.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use crate::grading::catalogue::{self, Choice, Column, Field, Kind};

use super::Input;
use super::chunk::{Chunk, InputFailure};
use super::map::{Mapped, SiteMap};
use super::options::ReadOptions;
use super::refused::Refused;

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

/// Distinct values kept over all columns; past it, new values are only
/// counted (memory stays bounded whatever the export).
const MAX_KEPT: usize = 50_000;

/// Columns sampled, in order; an export with more (a wide pivot) has the
/// rest read by the record builder but not sampled, and the report says so.
pub const MAX_COLUMNS: usize = 10_000;

/// The longest value kept as a code; a longer one is free text (a coded
/// value the map lacks is kept cut to this length, to name it).
const MAX_VALUE_BYTES: usize = 64;

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
    pub many: std::collections::BTreeSet<String>,
    /// Coded column -> cells whose value the map lacks, beyond the first
    /// [`MAX_LACKING`] distinct ones kept.
    pub lacking_beyond: BTreeMap<String, u64>,
    /// Records read.
    pub records: usize,
    /// Columns past [`MAX_COLUMNS`], not sampled.
    pub columns_beyond: bool,
    /// Distinct values kept, over all columns.
    kept: usize,
    /// The columns seen, for their order.
    seen: std::collections::HashSet<String>,
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
        if !self.seen.contains(column) {
            self.seen.insert(column.to_string());
            self.columns.push(column.to_string());
        }
        if coding == Coding::Known {
            return;
        }
        let full = self.kept >= MAX_KEPT;
        let key = super::map::cut(value, MAX_VALUE_BYTES);
        let values = self.values.entry(column.to_string()).or_default();
        if let Some(e) = values.get_mut(key) {
            e.0 += 1;
        } else if coding == Coding::Lacking && values.len() < MAX_LACKING && !full {
            values.insert(key.to_string(), (1, line));
            self.kept += 1;
        } else if coding == Coding::Lacking {
            *self.lacking_beyond.entry(column.to_string()).or_default() += 1;
        } else if values.len() < MAX_DISTINCT && value.len() <= MAX_VALUE_BYTES && !full {
            values.insert(value.to_string(), (1, line));
            self.kept += 1;
        } else if !self.many.contains(column) {
            self.many.insert(column.to_string());
        }
    }

    /// The cells of one record, `(column, cell)`, as the map codes them.
    fn add_record<'a>(
        &mut self,
        cells: impl Iterator<Item = (&'a str, std::borrow::Cow<'a, str>)>,
        line: usize,
        map: Option<&SiteMap>,
        codes: &mut BTreeMap<String, Option<BTreeMap<String, String>>>,
    ) {
        for (i, (column, cell)) in cells.enumerate() {
            if i >= MAX_COLUMNS {
                self.columns_beyond = true;
                break;
            }
            let cell = cell.trim();
            if !codes.contains_key(column) {
                if codes.len() >= 4096 {
                    codes.clear();
                }
                codes.insert(column.to_string(), map.and_then(|m| m.codes_of(column)).cloned());
            }
            let column_codes = codes.get(column).and_then(Option::as_ref);
            let how = coding(map, column_codes, cell);
            self.add(column, cell, line, how);
        }
        self.records += 1;
    }
}

/// What a map tool read of its inputs, through the readers and the record
/// builder `batch` uses (docs/spec.md §8): the sample of columns and values,
/// and how the record builder took each record.
#[derive(Debug, Default)]
pub struct Reading {
    /// The columns and values seen.
    pub sample: Sample,
    /// Records the record builder refused, as `batch` refuses them.
    pub refused: u64,
    /// The first of them.
    pub first_refused: Vec<Refused>,
    /// Records passed through the record builder (refused or not).
    pub judged: u64,
    /// Inputs that could not be read.
    pub failures: Vec<InputFailure>,
}

/// Refusals kept to show.
const REFUSALS_SHOWN: usize = 5;

/// Reads the inputs as `batch` would (`read`: the map, unknown fields, the
/// record limit), sampling up to `limit` records (0: all) and, when
/// `judge`, passing each record through the record builder. Memory stays
/// bounded: records are read a chunk at a time, values kept are capped.
pub fn read(inputs: &[Input], read: ReadOptions, limit: usize, judge: bool) -> Reading {
    let mut r = Reading::default();
    let map = read.map;
    let mut codes = BTreeMap::new();
    super::read_inputs(inputs, super::CHUNK_BYTES, read, &mut |chunk| {
        match &chunk {
            Chunk::Csv { layout, rows, .. } => {
                let names = layout.names();
                for (line, row) in rows {
                    if let Ok(row) = row {
                        let cells = names
                            .iter()
                            .map(String::as_str)
                            .zip(row.iter().map(String::from_utf8_lossy));
                        r.sample.add_record(cells, *line, map, &mut codes);
                    }
                    if limit > 0 && r.sample.records >= limit {
                        break;
                    }
                }
            }
            Chunk::Json { buf, items, .. } => {
                for (line, item) in items {
                    if let Ok(range) = item {
                        let bytes = &buf[range.clone()];
                        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                        if let Ok(Some(cells)) = super::map::json_cells(bytes) {
                            let cells = cells
                                .iter()
                                .map(|(k, v)| (k.as_str(), std::borrow::Cow::Borrowed(v.as_str())));
                            r.sample.add_record(cells, *line, map, &mut codes);
                        }
                    }
                    if limit > 0 && r.sample.records >= limit {
                        break;
                    }
                }
            }
            Chunk::Problem { .. } | Chunk::Failed(_) => {}
        }
        if judge {
            let failure = super::each_record(chunk, read, &mut |record| {
                r.judged += 1;
                if let Err(refused) = record.outcome {
                    r.refused += 1;
                    if r.first_refused.len() < REFUSALS_SHOWN {
                        r.first_refused.push(refused);
                    }
                }
            });
            r.failures.extend(failure);
        } else if let Chunk::Failed(f) = chunk {
            r.failures.push(f);
        }
        limit == 0 || r.sample.records < limit
    });
    r
}

/// Whether a dictionary's choices are a yes/no (or true/false) pair.
fn yes_no_choices(choices: &[(String, String)]) -> bool {
    let mut labels: Vec<String> = choices.iter().map(|(_, l)| l.to_lowercase()).collect();
    labels.sort();
    labels == ["no", "yes"] || labels == ["false", "true"]
}

/// Whether a cell is a yes/no word (not a digit: 0/1 may be codes).
fn yes_no_word(cell: &str) -> bool {
    ["y", "yes", "n", "no", "true", "false"]
        .iter()
        .any(|w| w.eq_ignore_ascii_case(cell.trim()))
}

/// Whether a record column is a field with coded values (a choice).
fn coded(record: &str) -> bool {
    Field::from_name(record)
        .is_some_and(|f| matches!(f.def().kind, crate::grading::catalogue::Kind::Choice(_)))
}

/// Where `map init` places an export column (contract v4 §8, docs/spec.md
/// §8 "map init"): a live line only for an exact match; likeness, and a
/// grade that may be either syndrome's, commented out with why; never a
/// column whose name or label negates.
#[derive(Debug, Clone, PartialEq)]
enum Placement {
    /// An exact match (a field's name, or a synonym in the catalogue).
    Live(String),
    /// A guess: the field and why it is only a guess.
    Commented(String, String),
    /// Never proposed: why.
    Never(&'static str),
    /// No field.
    Nothing,
}

/// Words that make a grade column a recorded one (the site's own grade).
const RECORDED_WORDS: &[&str] = &[
    "recorded",
    "reported",
    "documented",
    "ctcae",
    "cartox",
    "astct",
    "asbmt",
    "penn",
    "mskcc",
    "cibmtr",
];
/// Words of a grade column.
const GRADE_WORDS: &[&str] = &["grade", "gr", "grd"];
/// Words of a grade column that names no syndrome (CDISC `AETOXGR`).
const EITHER_SYNDROME_WORDS: &[&str] = &[
    "grade", "gr", "grd", "toxicity", "tox", "ae", "aetoxgr", "adverse", "event", "max", "worst", "highest",
];

/// The record column a name or label equals: a record column's own name,
/// or a synonym of a field in the catalogue.
fn exact_field(plain: &str) -> Option<String> {
    let as_name = plain.replace(' ', "_");
    if Column::names().contains(&as_name) {
        return Some(as_name);
    }
    crate::grading::synonyms::FIELD_SYNONYMS
        .iter()
        .find(|(_, names)| names.contains(&plain))
        .map(|(f, _)| f.name().to_string())
}

/// A grade column's placement by its words, if it is one: a recorded
/// grade (its own words, or a scale's name) is `recorded_grade` or
/// `recorded_crs_grade` by its syndrome, never `crs_grade`; a grade naming
/// no syndrome is never live.
fn grade_column(words: &[&str]) -> Option<Placement> {
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    if !has(GRADE_WORDS) && !words.contains(&"aetoxgr") {
        return None;
    }
    let crs = has(&["crs", "cytokine"]);
    let icans = has(&[
        "icans",
        "neurotox",
        "neurotoxicity",
        "neurologic",
        "neurological",
        "encephalopathy",
    ]);
    if has(RECORDED_WORDS) {
        return Some(match (crs, icans) {
            (true, false) => Placement::Live("recorded_crs_grade".into()),
            (false, true) => Placement::Live("recorded_grade".into()),
            _ => Placement::Commented(
                "recorded_grade".into(),
                "a recorded grade of either syndrome: recorded_grade or recorded_crs_grade?".into(),
            ),
        });
    }
    if words.iter().all(|w| EITHER_SYNDROME_WORDS.contains(w)) {
        return Some(Placement::Commented(
            "recorded_grade".into(),
            "a grade that may be either syndrome's: recorded_grade, recorded_crs_grade, or leave out".into(),
        ));
    }
    None
}

/// Where an export column goes, by its name and its dictionary label.
fn place(column: &str, label: Option<&str>) -> Placement {
    let texts: Vec<String> = [Some(column), label]
        .into_iter()
        .flatten()
        .map(plain_words)
        .collect();
    let words: Vec<&str> = texts
        .iter()
        .flat_map(|t| t.split(' '))
        .filter(|w| !w.is_empty())
        .collect();
    if words.iter().any(|w| matches!(*w, "not" | "no")) || texts.iter().any(|t| t.contains("other than")) {
        return Placement::Never("its name or label negates (not, no, other than): never proposed");
    }
    if let Some(p) = grade_column(&words) {
        return p;
    }
    if let Some(record) = texts.iter().find_map(|t| exact_field(t)) {
        return Placement::Live(record);
    }
    let lower = column.to_ascii_lowercase().replace([' ', '-', '.'], "_");
    Column::names()
        .iter()
        .map(|n| (n.clone(), strsim::jaro_winkler(&lower, n)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .filter(|(_, score)| *score >= 0.8)
        .map_or(Placement::Nothing, |(record, score)| {
            Placement::Commented(record, format!("confidence {score:.2}: check, or leave out"))
        })
}

/// The record value a coded export value most likely stands for, if any.
fn propose(field: Option<Field>, choices: &[Choice], value: &str) -> Option<&'static str> {
    if let Some(p) = propose_label(field, choices, value) {
        return Some(p);
    }
    choices.iter().find(|c| c.matches_bedside(value)).map(|c| c.wire)
}

/// A label as values are compared: plain words, with the words "only",
/// "requires" and "on neuroimaging" set aside (contract v4 §8).
fn compared(s: &str) -> String {
    let mut text = format!(" {} ", plain_words(s));
    for w in crate::grading::synonyms::SET_ASIDE {
        let w = format!(" {w} ");
        while text.contains(&w) {
            text = text.replace(&w, " ");
        }
    }
    text.trim().to_string()
}

/// Text as labels are compared: lower case, every run of characters other
/// than letters and digits one space.
fn plain_words(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The record value a label names (docs/spec.md §8 "labels"): the one
/// value whose name, alias or definition equals the label, ignoring case,
/// spacing and punctuation ("Awakens to voice" is `awakens_to_voice`,
/// "Awakens only to tactile stimulus" `awakens_to_tactile`). No value, or
/// more than one, proposes nothing: a wrong proposal is worse than none.
fn propose_label(field: Option<Field>, choices: &[Choice], label: &str) -> Option<&'static str> {
    let wanted = compared(label);
    if wanted.is_empty() {
        return None;
    }
    let synonyms = |c: &Choice| -> Vec<&'static str> {
        crate::grading::synonyms::VALUE_SYNONYMS
            .iter()
            .filter(|(f, wire, _)| Some(*f) == field && *wire == c.wire)
            .flat_map(|(_, _, labels)| labels.iter().copied())
            .collect()
    };
    let mut found = choices.iter().filter(|c| {
        compared(c.wire) == wanted
            || compared(c.description) == wanted
            || c.aliases.iter().any(|a| compared(a) == wanted)
            || synonyms(c).iter().any(|l| compared(l) == wanted)
    });
    match (found.next(), found.next()) {
        (Some(c), None) => Some(c.wire),
        _ => None,
    }
}

/// A REDCap data dictionary, as `map init --dictionary` reads it: each
/// export column with its label and coded choices; a checkbox field
/// expanded to its `name___code` columns.
#[derive(Debug, Default)]
pub struct Dictionary {
    /// Export column -> (its label, its choices as (code, label)).
    pub columns: BTreeMap<String, (String, Vec<(String, String)>)>,
}

/// The dictionary columns `map init --dictionary` reads (REDCap's names).
pub const DICTIONARY_COLUMNS: [&str; 4] = [
    "Variable / Field Name",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
];

impl Dictionary {
    /// Reads a REDCap data dictionary (CSV, its standard columns; the
    /// four of [`DICTIONARY_COLUMNS`] are needed). `Err` names what is
    /// wrong.
    pub fn read(r: impl std::io::Read) -> Result<Dictionary, String> {
        Self::read_for(r, |_| true)
    }

    /// [`read`](Self::read), keeping only the export columns `wanted`
    /// says (those of the export a starter is for): every line is still
    /// checked (a variable or code defined twice), but memory holds only
    /// what the starter uses, whatever the dictionary's size.
    pub fn read_for(r: impl std::io::Read, wanted: impl Fn(&str) -> bool) -> Result<Dictionary, String> {
        let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(r);
        let header: Vec<String> = csv
            .headers()
            .map_err(|e| format!("not a CSV data dictionary: {e}"))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_lowercase())
            .collect();
        let mut at = [0usize; 4];
        for (i, name) in DICTIONARY_COLUMNS.iter().enumerate() {
            at[i] = header
                .iter()
                .position(|h| *h == name.to_lowercase())
                .ok_or_else(|| {
                    format!(
                        "column {name:?} missing (allowed: a REDCap data dictionary with the columns {})",
                        DICTIONARY_COLUMNS.map(|c| format!("{c:?}")).join(", ")
                    )
                })?;
        }
        let mut d = Dictionary::default();
        // The line each export column was defined on: one defined twice is
        // an error naming both lines (docs/spec.md §10, v4).
        let mut defined: HashMap<String, u64> = HashMap::new();
        // Each record's line, counted from the records: the header's line
        // ends, then each record's (the csv crate's positions count a line
        // end late or early depending on quotes: measured). REDCap writes
        // no blank lines; one would not be counted.
        let line_ends = |r: &csv::StringRecord| r.iter().map(|c| c.matches('\n').count() as u64).sum::<u64>();
        let mut next_line = 2 + csv.headers().map_or(0, line_ends);
        for (row, record) in csv.records().enumerate() {
            let record = record.map_err(|e| format!("row {}: {e}", row + 2))?;
            let line = next_line;
            next_line += 1 + line_ends(&record);
            let cell = |i: usize| record.get(at[i]).unwrap_or_default().trim().to_string();
            let (name, kind, label, choices) = (cell(0), cell(1).to_lowercase(), cell(2), cell(3));
            if name.is_empty() {
                continue;
            }
            let choices = match kind.as_str() {
                "radio" | "dropdown" | "checkbox" => parse_choices(&choices)
                    .map_err(|code| format!("line {line}: {name}: the code {code:?} is defined twice in its choices (allowed: each code once)"))?,
                "yesno" => vec![("1".into(), "Yes".into()), ("0".into(), "No".into())],
                "truefalse" => vec![("1".into(), "True".into()), ("0".into(), "False".into())],
                _ => Vec::new(),
            };
            let mut define = |column: String, entry: (String, Vec<(String, String)>)| {
                if let Some(first) = defined.insert(column.clone(), line) {
                    return Err(format!(
                        "{column} is defined twice, on line {first} and line {line} (allowed: each variable once)"
                    ));
                }
                if wanted(&column) {
                    d.columns.insert(column, entry);
                }
                Ok(())
            };
            if kind == "checkbox" {
                for (code, choice) in choices {
                    let column = format!("{name}___{}", code.to_lowercase().replace('-', "_"));
                    let checked = vec![("1".into(), "Checked".into()), ("0".into(), "Unchecked".into())];
                    define(column, (choice, checked))?;
                }
            } else {
                define(name, (label, choices))?;
            }
        }
        Ok(d)
    }
}

/// REDCap choices: `1, Alert | 2, Awakens to voice` (a label may hold
/// commas: only the first separates the code).
/// `Err` gives a code defined twice.
fn parse_choices(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut seen = std::collections::HashSet::new();
    text.split('|')
        .filter_map(|choice| {
            let (code, label) = choice.split_once(',')?;
            let code = code.trim();
            (!code.is_empty()).then(|| (code.to_string(), label.trim().to_string()))
        })
        .map(|(code, label)| match seen.insert(code.clone()) {
            true => Ok((code, label)),
            false => Err(code),
        })
        .collect()
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A coded column's codes for its `[values]` table: every value seen, then
/// every code the dictionary lists; with each code's label, looked up by
/// hash (a choices list of 60,000 codes took 8.4 s searched code by code:
/// contract v4 §10, time linear in the dictionary).
fn codes_and_labels<'d>(
    sample: &Sample,
    column: &str,
    dictionary: Option<&'d Dictionary>,
) -> (Vec<String>, HashMap<&'d str, &'d str>) {
    let mut codes: Vec<String> = sample
        .values
        .get(column)
        .map(|v| v.keys().cloned().collect())
        .unwrap_or_default();
    let mut labels = HashMap::new();
    if let Some((_, listed)) = dictionary.and_then(|d| d.columns.get(column)) {
        let mut seen: std::collections::HashSet<String> = codes.iter().cloned().collect();
        for (code, label) in listed {
            labels.insert(code.as_str(), label.as_str());
            if seen.insert(code.clone()) {
                codes.push(code.clone());
            }
        }
    }
    (codes, labels)
}

/// Where [`column_line`] put a column.
enum Placed {
    /// A live `[columns]` line feeding this record column.
    Mapped(String),
    /// A yes/no column beside this coded field: a gate to check.
    Gate(String),
    /// A commented line proposing this field by likeness: the column goes
    /// to `[ignore]`, and the field's `[values]` table is written to fill
    /// in should a person take the line.
    Maybe(String),
    /// A commented line, or none: the column goes to `[ignore]`.
    Unmatched,
}

/// Writes a column's `[columns]` line as its placement says: live only for
/// an exact match not yet fed by another column and not a yes/no column
/// beside a coded field (then a gate, below); else commented with why.
fn column_line(
    out: &mut String,
    column: &str,
    placement: Placement,
    yes_no: bool,
    used: &mut Vec<String>,
) -> Placed {
    let (record, why) = match placement {
        Placement::Live(record) if used.contains(&record) => {
            (record, "another column feeds it: check".to_string())
        }
        Placement::Live(record) if yes_no && coded(&record) => {
            let _ = writeln!(
                out,
                "# {record} = {}   # a yes/no column: a gate below, to check",
                quoted(column)
            );
            return Placed::Gate(record);
        }
        Placement::Live(record) => {
            used.push(record.clone());
            let _ = writeln!(out, "{record} = {}", quoted(column));
            return Placed::Mapped(record);
        }
        Placement::Commented(record, why) if coded(&record) && !used.contains(&record) => {
            let _ = writeln!(out, "# {record} = {}   # {why}", quoted(column));
            return Placed::Maybe(record);
        }
        Placement::Commented(record, why) => (record, why),
        Placement::Never(why) => ("?".to_string(), why.to_string()),
        Placement::Nothing => ("?".to_string(), "no field matched".to_string()),
    };
    let _ = writeln!(out, "# {record} = {}   # {why}", quoted(column));
    Placed::Unmatched
}

/// Column names of an export of one item per row (an EHR flowsheet).
const ITEM_COLUMNS: &[&str] = &[
    "flo_meas_name",
    "meas_name",
    "item",
    "item_name",
    "measure",
    "parameter",
];
const VALUE_COLUMNS: &[&str] = &["meas_value", "value", "item_value", "result"];

/// A commented `[long]` table when the export looks like one item per row
/// (an item-name column and a value column): the key proposed from the
/// patient column and the time columns, to check (contract v4 §8).
fn long_proposal(out: &mut String, sample: &Sample) {
    let columns = &sample.columns;
    let find = |names: &[&str]| {
        columns
            .iter()
            .find(|c| names.contains(&plain_words(c).replace(' ', "_").as_str()))
    };
    let (Some(item), Some(value)) = (find(ITEM_COLUMNS), find(VALUE_COLUMNS)) else {
        return;
    };
    let key: Vec<String> = columns
        .iter()
        .filter(|c| {
            let p = plain_words(c);
            matches!(place(c, None), Placement::Live(ref r) if r == "patient_id")
                || p.split(' ').any(|w| matches!(w, "time" | "date" | "datetime"))
        })
        .map(|c| quoted(c))
        .collect();
    let _ = writeln!(
        out,
        "\n# [long]   # one item per row? check, then uncomment: each run of rows with one key is one record\n# key = [{}]\n# item = {}\n# value = {}",
        key.join(", "),
        quoted(item),
        quoted(value)
    );
    // The item names are the records' columns: each placed as a column
    // would be, commented with the [long] table they go with (their codes
    // are the person's to list: the value column mixes every item's).
    let items = sample
        .values
        .get(item.as_str())
        .into_iter()
        .flat_map(|v| v.keys());
    let _ = writeln!(
        out,
        "# Its items, as lines for [columns] above (move each you take there):"
    );
    for name in items.filter(|n| !n.is_empty()) {
        let why = match place(name, None) {
            Placement::Live(record) => Some((record, "an item: take it with [long]".to_string())),
            Placement::Commented(record, why) => Some((record, why)),
            Placement::Never(_) | Placement::Nothing => None,
        };
        match why {
            Some((record, why)) => {
                let _ = writeln!(out, "# {record} = {}   # {why}", quoted(name));
            }
            None => {
                let _ = writeln!(out, "# ? = {}   # an item no field matched", quoted(name));
            }
        }
    }
    if sample.many.contains(item.as_str()) {
        let _ = writeln!(
            out,
            "# (more than {MAX_DISTINCT} item names: the first {MAX_DISTINCT} are listed)"
        );
    }
}

/// The gates proposed for yes/no columns beside a coded field, commented
/// out to check (contract v4 §8): a "no" code sets the field to `none`
/// where its own column is empty; a "yes" code sets nothing.
fn gate_proposals(
    out: &mut String,
    gates: &[(String, String)],
    sample: &Sample,
    dictionary: Option<&Dictionary>,
) {
    for (column, record) in gates {
        let mut codes: Vec<(String, Option<bool>)> = Vec::new();
        let listed = dictionary
            .and_then(|d| d.columns.get(column))
            .map(|(_, c)| c.as_slice())
            .unwrap_or_default();
        for (code, label) in listed {
            codes.push((
                code.clone(),
                match label.to_lowercase().as_str() {
                    "no" | "false" => Some(false),
                    "yes" | "true" => Some(true),
                    _ => None,
                },
            ));
        }
        for code in sample.values.get(column).into_iter().flat_map(|v| v.keys()) {
            if !code.is_empty() && !codes.iter().any(|(c, _)| c == code) {
                codes.push((code.clone(), super::map::default_truth(code)));
            }
        }
        let _ = writeln!(
            out,
            "\n# [when.{}]   # a yes/no column beside {record}: check, then uncomment (and take it out of [ignore])",
            quoted(column)
        );
        for (code, truth) in codes {
            let sets = match truth {
                Some(false) => format!("{{ {record} = \"none\" }}"),
                Some(true) => "{}".to_string(),
                None => "\"?\"".to_string(),
            };
            let _ = writeln!(out, "# {} = {sets}", quoted(&code));
        }
    }
}

/// A starter map: confident column matches filled in, the others
/// commented with their confidence; a `[values]` table for every coded
/// column with each value seen and a proposed record value or `"?"`.
pub fn starter(sample: &Sample, file: &str, dictionary: Option<&Dictionary>) -> String {
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
    if sample.columns_beyond {
        let _ = writeln!(
            out,
            "# Only the first {MAX_COLUMNS} columns are sampled; map the others by hand."
        );
    }
    let mut c = sort_columns(&mut out, sample, dictionary);
    let dates = date_pair(&mut c);
    value_tables(&mut out, sample, dictionary, c.mapped.iter().chain(&c.maybe));
    gate_proposals(&mut out, &c.gates, sample, dictionary);
    long_proposal(&mut out, sample);
    checkbox_table(&mut out, &c.checkboxes, dictionary);
    dates_and_ignored(&mut out, dates.as_ref(), &c.unmatched);
    missing_and_booleans(&mut out, sample);
    out
}

/// The sampled columns as `starter` sorts them: each placed on its
/// `[columns]` line (written), a gate, a checkbox, a date or unmatched.
#[derive(Default)]
struct Columns {
    mapped: Vec<(String, String)>,
    checkboxes: Vec<String>,
    gates: Vec<(String, String)>,
    maybe: Vec<(String, String)>,
    unmatched: Vec<String>,
    visit_dates: Vec<String>,
    infusion_dates: Vec<String>,
}

/// Writes each sampled column's `[columns]` line and sorts the columns.
fn sort_columns(out: &mut String, sample: &Sample, dictionary: Option<&Dictionary>) -> Columns {
    let mut c = Columns::default();
    let mut used: Vec<String> = Vec::new();
    for column in &sample.columns {
        let values = sample.values.get(column);
        // A checkbox column: `name___code` holding 0/1 or the boolean
        // spellings (a label export's Checked/Unchecked).
        let spelling = |k: &str| k.is_empty() || super::map::default_truth(k).is_some();
        let binary = values.is_some_and(|v| v.keys().all(|k| spelling(k)));
        if column.contains("___") && binary {
            c.checkboxes.push(column.clone());
            continue;
        }
        // Dates: a visit (or assessment) date and the infusion date become
        // `day` through `[dates]`.
        let lower = column.to_lowercase();
        if lower.contains("date") && !matches!(place(column, None), Placement::Live(_)) {
            if lower.contains("infus") {
                c.infusion_dates.push(column.clone());
                continue;
            }
            if lower.contains("visit") || lower.contains("assess") {
                c.visit_dates.push(column.clone());
                continue;
            }
        }
        let label = dictionary.and_then(|d| d.columns.get(column));
        // A yes/no column: by the dictionary's choices when it has the
        // column, else by values that are all yes/no words (0/1 alone may
        // be a severity's codes).
        let yes_no = match label {
            Some((_, choices)) => yes_no_choices(choices),
            None => values.is_some_and(|v| {
                !v.is_empty()
                    && v.keys().all(|k| k.is_empty() || yes_no_word(k))
                    && v.keys().any(|k| !k.is_empty())
            }),
        };
        let placement = place(column, label.map(|(l, _)| l.as_str()));
        match column_line(out, column, placement, yes_no, &mut used) {
            Placed::Mapped(record) => c.mapped.push((record, column.clone())),
            Placed::Gate(record) => {
                c.gates.push((column.clone(), record));
                c.unmatched.push(column.clone());
            }
            Placed::Maybe(record) => {
                c.maybe.push((record, column.clone()));
                c.unmatched.push(column.clone());
            }
            Placed::Unmatched => c.unmatched.push(column.clone()),
        }
    }
    c
}

/// The visit and infusion date columns when there is one of each; else
/// they join the unmatched columns.
fn date_pair(c: &mut Columns) -> Option<(String, String)> {
    match (c.visit_dates.as_slice(), c.infusion_dates.as_slice()) {
        ([visit], [infusion]) => Some((visit.clone(), infusion.clone())),
        _ => {
            c.unmatched
                .extend(c.visit_dates.iter().chain(&c.infusion_dates).cloned());
            None
        }
    }
}

/// A `[values.FIELD]` table for each mapped column of a coded field.
fn value_tables<'a>(
    out: &mut String,
    sample: &Sample,
    dictionary: Option<&Dictionary>,
    columns: impl Iterator<Item = &'a (String, String)>,
) {
    for (record, column) in columns {
        let Some(field) = Field::from_name(record) else {
            continue;
        };
        let Kind::Choice(choices) = field.def().kind else {
            // A text field (product, a scale) coded in the dictionary: each
            // code becomes its label.
            let listed = dictionary.and_then(|d| d.columns.get(column)).map(|(_, l)| l);
            if let (Kind::Text, Some(listed)) = (field.def().kind, listed.filter(|l| !l.is_empty())) {
                let _ = writeln!(
                    out,
                    "\n[values.{record}]   # export value = its label in the dictionary"
                );
                for (code, label) in listed {
                    let _ = writeln!(out, "{} = {}", quoted(code), quoted(label));
                }
            }
            continue;
        };
        let (codes, labels) = codes_and_labels(sample, column, dictionary);
        if codes.is_empty() {
            continue;
        }
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
        for value in codes.iter().filter(|v| !MISSING_CODES.contains(&v.as_str())) {
            let by_label = labels.get(value.as_str()).copied();
            let proposal = by_label
                .and_then(|label| propose(Some(field), choices, label))
                .or_else(|| propose(Some(field), choices, value))
                .unwrap_or("?");
            match by_label {
                Some(label) => {
                    let _ = writeln!(
                        out,
                        "{} = {}   # {}",
                        quoted(value),
                        quoted(proposal),
                        label.replace('\n', " ")
                    );
                }
                None => {
                    let _ = writeln!(out, "{} = {}", quoted(value), quoted(proposal));
                }
            }
        }
    }
}

/// The `[checkboxes.other_cause]` table, each domain proposed from the
/// checkbox's label.
fn checkbox_table(out: &mut String, checkboxes: &[String], dictionary: Option<&Dictionary>) {
    if !checkboxes.is_empty() {
        let domains = catalogue::names(crate::grading::OTHER_CAUSE_CHOICES);
        let _ = writeln!(
            out,
            "\n[checkboxes.other_cause]  # export column = domain ({domains})"
        );
        for c in checkboxes {
            // The domain the checkbox's label names, when it names one.
            let domain = dictionary
                .and_then(|d| d.columns.get(c))
                .and_then(|(label, _)| propose(None, crate::grading::OTHER_CAUSE_CHOICES, label))
                .unwrap_or("?");
            let _ = writeln!(out, "{} = {}", quoted(c), quoted(domain));
        }
    }
}

/// The `[dates]` table and the `[ignore]` list.
fn dates_and_ignored(out: &mut String, dates: Option<&(String, String)>, unmatched: &[String]) {
    if let Some((visit, infusion)) = dates {
        let _ = writeln!(
            out,
            "\n[dates]                   # day = calendar days from the infusion to the visit\nday = [{}, {}]",
            quoted(visit),
            quoted(infusion)
        );
    }
    if !unmatched.is_empty() {
        let list: Vec<String> = unmatched.iter().map(|c| quoted(c)).collect();
        let _ = writeln!(
            out,
            "\n[ignore]                  # columns no field matched for sure: check that each feeds nothing\n# (a column mapped above, by a line you uncomment, comes out of this list)\ncolumns = [{}]",
            list.join(", ")
        );
    }
}

/// The `[missing]` codes seen and the `[booleans]` spellings.
fn missing_and_booleans(out: &mut String, sample: &Sample) {
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
    /// (export column, what follows, the export's column most like it):
    /// named by the map, absent from the export (a field then left not
    /// assessed).
    pub absent: Vec<(String, String, Option<String>)>,
    /// No column of the export feeds the record.
    pub nothing_mapped: bool,
    /// Records the record builder refused, as `batch` would.
    pub refused: u64,
    /// The first of them.
    pub first_refused: Vec<Refused>,
    /// Records read.
    pub records: u64,
    /// The export has more columns than are sampled.
    pub columns_beyond: bool,
}

impl Check {
    /// Whether `batch` with the map would grade every record (exit 0, or 3
    /// at an alert): no record refused by the record builder.
    pub fn gradable(&self) -> bool {
        self.refused == 0
    }
}

/// The most unmapped columns `map check` names; the rest are counted
/// (contract v4 §8: a wide export's report stays readable).
const UNMAPPED_NAMED: usize = 20;

/// The first [`UNMAPPED_NAMED`] names, then how many more.
fn first_listed(names: &[String]) -> String {
    let shown = names
        .iter()
        .take(UNMAPPED_NAMED)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    match names.len().checked_sub(UNMAPPED_NAMED) {
        Some(more) if more > 0 => format!("{shown}, and {more} more"),
        _ => shown,
    }
}

/// The values an export holds that its map lacks, one line each: a
/// gate's codes are its own table (`[when.COLUMN]`), a field's
/// `[values.FIELD]`.
fn lacking_values(out: &mut String, missing: &[(String, String, String, u64, usize)]) {
    for (column, record, value, count, line) in missing {
        let (feeds, table) = match record.strip_prefix("when.") {
            Some(_) => ("gate".to_string(), record.clone()),
            None => (record.clone(), format!("values.{record}")),
        };
        let _ = writeln!(
            out,
            "    {column} ({feeds}): {value:?}, {count} record(s), first at line {line}: add it to [{table}]"
        );
    }
}

/// Checks a map against what was read of an export.
pub fn check(map: &SiteMap, reading: &Reading) -> Check {
    let sample = &reading.sample;
    let mut c = Check {
        refused: reading.refused,
        first_refused: reading.first_refused.clone(),
        records: reading.judged,
        columns_beyond: sample.columns_beyond,
        ..Check::default()
    };
    let mut fed: Vec<String> = Vec::new();
    for column in &sample.columns {
        match map.column(column) {
            None => c.unmapped.push(column.clone()),
            Some(Mapped::Checkbox(_)) => fed.push("other_cause".into()),
            Some(Mapped::Ignored) => {}
            Some(Mapped::Gate) => {
                let gate = map
                    .gates
                    .get(column)
                    .into_iter()
                    .flat_map(|g| g.values().flatten());
                fed.extend(gate.map(|(f, _)| f.name().to_string()));
                let codes = map.codes_of(column);
                for (value, (count, line)) in sample.values.get(column).into_iter().flatten() {
                    if !map.is_missing(value) && !codes.is_some_and(|c| c.contains_key(value)) {
                        let table = format!("when.{column}");
                        c.missing_values
                            .push((column.clone(), table, value.clone(), *count, *line));
                    }
                }
            }
            Some(Mapped::Date(role)) => fed.push(role.field().into()),
            Some(Mapped::Record(record)) => {
                fed.push(record.clone());
                let Some(codes) = map.codes_of(column) else {
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
    c.nothing_mapped = fed.is_empty();
    let present: std::collections::HashSet<&str> = sample.columns.iter().map(String::as_str).collect();
    for absent in map.absent_columns(|c| present.contains(c)) {
        let like = most_like(&absent.column, &sample.columns);
        let record = match absent.leaves.as_str() {
            "left not assessed" => format!("{} is left not assessed", absent.field),
            leaves => format!("{} {leaves}", absent.field),
        };
        c.absent.push((absent.column, record, like));
    }
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

/// The export's column a map's column name most likely meant: the same
/// but for case, spaces or invisible characters, else the closest.
fn most_like(name: &str, columns: &[String]) -> Option<String> {
    let plain = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '\u{200b}'..='\u{200f}' | '\u{feff}' | '\u{2060}'))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let wanted = plain(name);
    columns
        .iter()
        .find(|c| plain(c) == wanted)
        .cloned()
        .or_else(|| catalogue::closest(name, columns.iter().map(String::as_str)).map(String::from))
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
    if c.columns_beyond {
        let _ = writeln!(
            out,
            "  Only the first {MAX_COLUMNS} columns are sampled (the record builder reads them all)."
        );
    }
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
            first_listed(&c.unmapped)
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
        lacking_values(&mut out, &c.missing_values);
        for (column, cells) in &c.missing_beyond {
            let _ = writeln!(
                out,
                "    {column}: {cells} more record(s) with values not in the map, past the first {MAX_LACKING} distinct ones listed (is the column coded?)"
            );
        }
    }
    if c.nothing_mapped {
        out.push_str("  Nothing is mapped: no column of the export feeds a record field (is it CSV with a header, comma-separated?).\n");
    }
    for (export, record, like) in &c.absent {
        let hint = like
            .as_ref()
            .map(|s| format!(" (the export has {s:?})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  Mapped column {export:?} is not in the export{hint}: {record}"
        );
    }
    if c.refused > 0 {
        let _ = writeln!(
            out,
            "  Records refused by the record builder, as batch refuses them: {} of {}",
            c.refused, c.records
        );
        for r in &c.first_refused {
            let shown: String = r
                .to_string()
                .chars()
                .flat_map(|ch| {
                    let escaped: Vec<char> = if ch.is_control() {
                        ch.escape_debug().collect()
                    } else {
                        vec![ch]
                    };
                    escaped
                })
                .collect();
            let _ = writeln!(out, "    {shown}");
        }
    }
    let _ = writeln!(
        out,
        "  {}",
        if c.gradable() {
            "Every record can be graded as mapped (batch exits 0, or 3 at an alert)."
        } else {
            "The export cannot be graded as mapped (exit 65)."
        }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::Consciousness;

    const DICT: &str = "\u{feff}Variable / Field Name,Form Name,Section Header,Field Type,Field Label,\"Choices, Calculations, OR Slider Labels\",Field Note\n\
        loc,f,,radio,Level of consciousness,\"1, Alert | 2, Awakens, but only to voice | 3,Unarousable\",\n\
        oc,f,,checkbox,Other cause,\"1, Encephalopathy | -99, Not known\",\n\
        temp,f,,text,Temperature,,\n\
        ok,f,,yesno,Steroid refractory,,\n";

    /// Contract v4 §10: a variable defined twice names both lines (line
    /// ends inside a label included); a code twice in one choices list
    /// names its line.
    #[test]
    fn a_dictionary_defining_a_variable_or_a_code_twice_is_an_error() {
        let head =
            "Variable / Field Name,Field Type,Field Label,\"Choices, Calculations, OR Slider Labels\"\n";
        let read = |body: &str| Dictionary::read(format!("{head}{body}").as_bytes()).map(|_| ());
        assert_eq!(
            read("a,text,A,\nb,text,B,\na,text,A again,\n"),
            Err("a is defined twice, on line 2 and line 4 (allowed: each variable once)".into())
        );
        assert_eq!(
            read("a,text,\"two\nlines\",\nb,text,B,\nc,text,\"x\ny\nz\",\nb,text,B,\n"),
            Err("b is defined twice, on line 4 and line 8 (allowed: each variable once)".into())
        );
        // A checkbox's column is a variable too.
        assert_eq!(
            read("oc,checkbox,Other,\"1, Infection\"\noc___1,text,X,\n"),
            Err("oc___1 is defined twice, on line 2 and line 3 (allowed: each variable once)".into())
        );
        assert_eq!(
            read("a,text,A,\nloc,radio,LOC,\"1, Alert | 2, Voice | 1, Unarousable\"\n"),
            Err(
                "line 3: loc: the code \"1\" is defined twice in its choices (allowed: each code once)"
                    .into()
            )
        );
        assert_eq!(read("a,text,A,\nloc,radio,LOC,\"1, Alert | 2, Voice\"\n"), Ok(()));
    }

    #[test]
    fn a_redcap_dictionary_is_read_with_its_choices_and_checkboxes() {
        let d = Dictionary::read(DICT.as_bytes()).expect("a dictionary");
        let (label, choices) = &d.columns["loc"];
        assert_eq!(label, "Level of consciousness");
        assert_eq!(
            choices,
            &[
                ("1".to_string(), "Alert".to_string()),
                ("2".to_string(), "Awakens, but only to voice".to_string()),
                ("3".to_string(), "Unarousable".to_string())
            ]
        );
        // A checkbox field is its name___code columns, labelled by choice.
        assert_eq!(d.columns["oc___1"].0, "Encephalopathy");
        assert_eq!(d.columns["oc____99"].0, "Not known");
        assert!(!d.columns.contains_key("oc"));
        assert_eq!(d.columns["temp"].1, []);
        assert_eq!(d.columns["ok"].1.len(), 2);
        assert!(
            d.columns["loc"]
                .1
                .contains(&("3".to_string(), "Unarousable".to_string()))
        );
        let e = Dictionary::read("Variable / Field Name,Field Type,Field Label\nx,text,X\n".as_bytes())
            .unwrap_err();
        assert!(
            e.starts_with("column \"Choices, Calculations, OR Slider Labels\" missing"),
            "{e}"
        );
    }

    #[test]
    fn a_label_is_proposed_only_when_it_names_one_value() {
        let c = Consciousness::CHOICES;
        assert_eq!(
            propose_label(None, c, "Awakens to voice"),
            Some("awakens_to_voice")
        );
        assert_eq!(
            propose_label(None, c, "awakens only to TACTILE stimulus."),
            Some("awakens_to_tactile")
        );
        assert_eq!(
            propose_label(None, c, "Awakens, but only to voice"),
            None,
            "close is not equal"
        );
        assert_eq!(propose_label(None, c, ""), None);
        // Two values named by one label: no proposal.
        const TWO: &[Choice] = &[
            Choice {
                wire: "low",
                description: "low flow",
                aliases: &[],
            },
            Choice {
                wire: "low_flow",
                description: "nasal cannula",
                aliases: &[],
            },
        ];
        assert_eq!(propose_label(None, TWO, "Low flow"), None);
        assert_eq!(propose_label(None, TWO, "nasal cannula"), Some("low_flow"));
    }
}
