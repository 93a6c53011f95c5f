//! Site exports (docs/spec.md §8): a map file (TOML) says how one site's
//! export becomes records: columns to fields, coded values per field,
//! checkbox columns for `other_cause`, missing-value codes and boolean
//! spellings. It is applied to CSV columns and JSON keys alike, before
//! validation; errors name the export's column, the record field, the value
//! and the map file.
//!
//! ```toml
//! [columns]              # record field (or CSV column name) = export column
//! id = "record_id"
//! consciousness = "loc"
//! [values.consciousness] # export value = record value
//! "1" = "alert"
//! [checkboxes.other_cause]
//! "oc___1" = "consciousness"
//! [missing]
//! values = ["", "NA", "UNK", "-99"]
//! [booleans]
//! true = ["1", "y", "yes", "true", "checked"]
//! false = ["0", "n", "no", "false", "unchecked"]
//! ```

use std::collections::BTreeMap;

use crate::grading::catalogue::{self, Column, Field, Kind};

/// One site's map file, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteMap {
    /// The map file, as errors name it.
    pub file: String,
    /// Export column -> the record column it feeds (a CSV column name of
    /// the catalogue: `consciousness`, `ice_orientation`, ...).
    pub columns: BTreeMap<String, String>,
    /// Record field -> (export value -> record value).
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// Export checkbox column -> the `other_cause` domain it names.
    pub checkboxes: BTreeMap<String, String>,
    /// Cells that mean "not assessed".
    pub missing: Vec<String>,
    /// Spellings of true.
    pub truthy: Vec<String>,
    /// Spellings of false.
    pub falsy: Vec<String>,
    /// Export columns that feed nothing (`[ignore]`).
    pub ignore: std::collections::BTreeSet<String>,
    /// Date columns (`[dates]`): export column -> what it gives.
    pub dates: BTreeMap<String, DateRole>,
    /// Date formats beside ISO (`[dates] formats`).
    pub date_formats: Vec<String>,
    /// Gates (`[when.COLUMN]`): export column -> its code -> the record
    /// fields that code sets, with their values (contract v4 §8).
    pub gates: BTreeMap<String, BTreeMap<String, Vec<(Field, String)>>>,
    /// Each gate's codes, for `map check` and the sampler (code -> what it
    /// sets, in words).
    pub gate_codes: BTreeMap<String, BTreeMap<String, String>>,
    /// `[units] temperature_c = "fahrenheit"`: the export's temperatures
    /// are in Fahrenheit, converted to Celsius (rounded to 0.1).
    pub fahrenheit: bool,
    /// `[long]`: an export of one item per row (contract v4 §8).
    pub long: Option<LongSpec>,
    /// Entries still `"?"` (a starter map not yet filled in), as
    /// `values.FIELD."CODE"` or `checkboxes.other_cause."COLUMN"`: `map check`
    /// lists them; grading refuses the map until none is left.
    pub unfilled: Vec<String>,
}

/// The map file format, whole, with an example of each table: `icans map
/// --help` and the man page `icans-map(5)` print it (contract v4 §8; the
/// rules in full: docs/spec.md §8).
pub const FORMAT_HELP: &str = r#"Map file: TOML; every table optional. It turns one site's export (CSV
columns or JSON keys) into records before validation; every error names
the export's column.

[columns]            # record field = export column
id = "record_id"
consciousness = "loc"

[values.consciousness]   # export value = record value; every code listed
"1" = "alert"
"5" = "unarousable"
"9" = "not_assessed"     # this column's code for "not assessed"

[checkboxes.other_cause] # export column = domain a ticked cell names
"oc___2" = "consciousness"

[missing]                # cells that mean "not assessed", any column
values = ["", "NA", "UNK"]

[booleans]               # spellings of true and false
true = ["1", "yes"]
false = ["0", "no"]

[ignore]                 # columns that feed nothing
columns = ["redcap_event_name", "comments"]

[dates]                  # day from two dates; assessed_at from one
day = ["visit_date", "infusion_date"]
assessed_at = ["visit_time"]
formats = ["%d/%m/%Y"]   # beside ISO; formats that read a cell two ways
                         # refuse the map

[when.neurotox]          # a gate: its code sets fields where their own
"0" = { consciousness = "alert", seizure = "none", motor = "none", edema = "none", ice_band = "10" }
"1" = {}                 # column is empty; every code listed

[units]                  # the export's units
temperature_c = "fahrenheit"

One item per row (a flowsheet): adjacent rows of one key are one record
whose columns are the item names and the key columns ([columns] then names
items):

[long]
key = ["PAT_ID", "date(RECORDED_TIME)"]
item = "FLO_MEAS_NAME"
value = "MEAS_VALUE"

`icans map init FILE` writes a starter (live lines only for exact
matches); `icans map check MAP FILE` reports what batch would do with it.
Rules in full: docs/spec.md section 8."#;

/// The record value of a `[values.F]` code that leaves the field not
/// assessed, for that column only (contract v4 §8).
pub const NOT_ASSESSED: &str = "not_assessed";

/// A cell as a boolean by the spellings `truthy` and `falsy` (any case).
fn truth_of<T: AsRef<str>>(cell: &str, truthy: &[T], falsy: &[T]) -> Option<bool> {
    let c = cell.trim();
    if truthy.iter().any(|t| t.as_ref().eq_ignore_ascii_case(c)) {
        Some(true)
    } else if falsy.iter().any(|f| f.as_ref().eq_ignore_ascii_case(c)) {
        Some(false)
    } else {
        None
    }
}

/// A cell as a boolean by the default spellings ([`DEFAULT_TRUE`],
/// [`DEFAULT_FALSE`]), as a map without `[booleans]` reads it.
pub fn default_truth(cell: &str) -> Option<bool> {
    truth_of(cell, &DEFAULT_TRUE, &DEFAULT_FALSE)
}

/// Whether a `[values.F]` table lists every code its column may hold (a
/// cell it lacks is an error): unless it only marks codes not assessed,
/// when the other cells read as they are (contract v4 §8).
fn lists_every_code(codes: &BTreeMap<String, String>) -> bool {
    codes.values().any(|v| v != NOT_ASSESSED)
}

/// Boolean spellings when a map gives none (`[booleans]`), matched without
/// regard to case.
pub const DEFAULT_TRUE: [&str; 5] = ["1", "y", "yes", "true", "checked"];
/// See [`DEFAULT_TRUE`].
pub const DEFAULT_FALSE: [&str; 5] = ["0", "n", "no", "false", "unchecked"];

/// What an export column becomes under a map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mapped {
    /// A record column (field or item) of the catalogue, by its CSV name.
    Record(String),
    /// A checkbox naming an `other_cause` domain when checked.
    Checkbox(String),
    /// A column that feeds nothing (`[ignore]`).
    Ignored,
    /// A date column of `[dates]`.
    Date(DateRole),
    /// A gate column of `[when]`: its codes set fields.
    Gate,
}

/// What a `[dates]` column gives (docs/spec.md §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateRole {
    /// The visit's date: `day` counts to it.
    Visit,
    /// The infusion's date: `day` counts from it.
    Infusion,
    /// The time of assessment (`assessed_at`), a date-time with its zone.
    AssessedAt,
}

impl DateRole {
    /// The record field it feeds.
    pub const fn field(self) -> &'static str {
        match self {
            DateRole::Visit | DateRole::Infusion => "day",
            DateRole::AssessedAt => "assessed_at",
        }
    }
}

/// How `[dates]` reads a date cell: ISO dates and date-times, or one of the
/// `formats` (chrono's `strftime` syntax). A date-time counts by its date.
pub fn parse_date(cell: &str, formats: &[String]) -> Option<chrono::NaiveDate> {
    parse_when(cell, formats).map(When::date)
}

/// A `[dates]` cell as read: a date, or a date-time with its UTC offset, or
/// one without a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// A date alone.
    Date(chrono::NaiveDate),
    /// A date-time with its offset: an instant.
    Instant(chrono::DateTime<chrono::FixedOffset>),
    /// A date-time without a zone: by its date as written.
    Local(chrono::NaiveDateTime),
}

impl When {
    /// Its date, as written.
    pub fn date(self) -> chrono::NaiveDate {
        match self {
            When::Date(d) => d,
            When::Instant(t) => t.date_naive(),
            When::Local(t) => t.date(),
        }
    }

    /// Its date in the offset of `infusion` when both are instants
    /// (contract v4 §8: the visit's date in the infusion's UTC offset),
    /// else its date as written.
    pub fn date_beside(self, infusion: When) -> chrono::NaiveDate {
        match (self, infusion) {
            (When::Instant(t), When::Instant(i)) => t.with_timezone(i.offset()).date_naive(),
            _ => self.date(),
        }
    }
}

/// How `[dates]` reads a cell: ISO dates and date-times, or one of the
/// `formats` (chrono's `strftime` syntax).
pub fn parse_when(cell: &str, formats: &[String]) -> Option<When> {
    let c = cell.trim();
    if let Ok(d) = chrono::NaiveDate::parse_from_str(c, "%Y-%m-%d") {
        return Some(When::Date(d));
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(c) {
        return Some(When::Instant(t));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(c, f) {
            return Some(When::Local(t));
        }
    }
    formats.iter().find_map(|f| {
        chrono::NaiveDate::parse_from_str(c, f)
            .ok()
            .map(When::Date)
            .or_else(|| chrono::DateTime::parse_from_str(c, f).ok().map(When::Instant))
            .or_else(|| chrono::NaiveDateTime::parse_from_str(c, f).ok().map(When::Local))
    })
}

/// Two ways of reading one cell among the `[dates]` formats (ISO first):
/// a sample date written by one format and read back by another as another
/// date (`%d/%m/%Y` and `%m/%d/%Y` on 03/04/2026). `None` when every
/// cell reads one way (contract v4 §8: an ambiguous list refuses the map).
fn ambiguous_formats(formats: &[String]) -> Option<(String, String, String)> {
    use std::fmt::Write as _;
    let offset = chrono::FixedOffset::east_opt(0)?;
    for (i, a) in formats.iter().enumerate() {
        for month in 1..=12 {
            for day in 1..=12 {
                let Some(when) = chrono::NaiveDate::from_ymd_opt(2026, month, day)
                    .and_then(|d| d.and_hms_opt(10, 30, 0))
                    .map(|t| t.and_utc().with_timezone(&offset))
                else {
                    continue;
                };
                let mut cell = String::new();
                if write!(cell, "{}", when.format(a)).is_err() {
                    continue;
                }
                // Read by ISO and by every format before this one.
                let earlier = std::iter::once(None).chain(formats[..i].iter().map(Some));
                for b in earlier {
                    let read = match b {
                        None => parse_when(&cell, &[]),
                        Some(b) => parse_when(&cell, std::slice::from_ref(b)),
                    };
                    if read.is_some_and(|r| r.date() != when.date_naive()) {
                        let other = b.cloned().unwrap_or_else(|| "ISO".to_string());
                        return Some((other, a.clone(), cell));
                    }
                }
            }
        }
    }
    None
}

/// A date-time as `assessed_at` needs it (RFC 3339), from an ISO
/// date-time or one of the `formats`; one without a zone is read as local
/// time (contract v3 §8: the machine's time zone). `Err` says why not: not
/// a date-time, or a local time that a daylight-saving change makes
/// ambiguous or skips.
pub fn parse_date_time(cell: &str, formats: &[String]) -> Result<String, &'static str> {
    use chrono::TimeZone as _;
    let c = cell.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(c) {
        return Ok(t.to_rfc3339());
    }
    if let Some(t) = formats
        .iter()
        .find_map(|f| chrono::DateTime::parse_from_str(c, f).ok())
    {
        return Ok(t.to_rfc3339());
    }
    let iso = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ];
    let naive = iso
        .iter()
        .copied()
        .chain(formats.iter().map(String::as_str))
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(c, f).ok());
    match naive.map(|n| chrono::Local.from_local_datetime(&n)) {
        Some(chrono::LocalResult::Single(t)) => Ok(t.fixed_offset().to_rfc3339()),
        Some(chrono::LocalResult::Ambiguous(..)) => {
            Err("is ambiguous in local time (a daylight-saving change)")
        }
        Some(chrono::LocalResult::None) => Err("does not exist in local time (a daylight-saving change)"),
        None => Err("is not a date-time"),
    }
}

/// `[long]` (contract v4 §8): the export holds one item per row; each run
/// of adjacent rows with the same key is one record whose columns are the
/// item names and the key columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongSpec {
    /// The key columns, each taken whole or by its date (`date(COLUMN)`).
    pub key: Vec<(String, bool)>,
    /// The column naming the item.
    pub item: String,
    /// The column holding its value.
    pub value: String,
}

impl LongSpec {
    fn read(long: &toml::Value) -> Result<LongSpec, String> {
        only_keys(long, "long", &["key", "item", "value"])?;
        let key = long
            .get("key")
            .map(|k| strings(k, "long.key"))
            .transpose()?
            .unwrap_or_default();
        if key.is_empty() {
            return Err(
                "long.key: missing (allowed: key = [\"KEY COLUMN\", \"date(TIME COLUMN)\", ...])".into(),
            );
        }
        let column = |name: &str| {
            long.get(name)
                .and_then(text_of)
                .ok_or_else(|| format!("long.{name}: missing (allowed: {name} = \"EXPORT COLUMN\")"))
        };
        let key = key
            .into_iter()
            .map(
                |k| match k.strip_prefix("date(").and_then(|r| r.strip_suffix(')')) {
                    Some(c) => (c.to_string(), true),
                    None => (k, false),
                },
            )
            .collect();
        Ok(LongSpec {
            key,
            item: column("item")?,
            value: column("value")?,
        })
    }
}

/// `[units]`: whether the export's temperatures are in Fahrenheit.
fn fahrenheit(units: &toml::Value) -> Result<bool, String> {
    only_keys(units, "units", &["temperature_c"])?;
    match units.get("temperature_c").and_then(text_of).as_deref() {
        Some("fahrenheit") => Ok(true),
        Some("celsius") | None => Ok(false),
        Some(other) => Err(format!(
            "units.temperature_c: {other:?} is not a unit (allowed: fahrenheit, celsius)"
        )),
    }
}

/// A Fahrenheit cell in Celsius, rounded to 0.1 (`[units]`); a cell that
/// is no number stays as it is, for the record builder to refuse by name.
fn celsius_of(cell: &str) -> String {
    match cell.trim().parse::<f64>() {
        Ok(f) if f.is_finite() => {
            let tenths = ((f - 32.0) * 50.0 / 9.0).round();
            format!("{:.1}", tenths / 10.0)
        }
        _ => cell.to_string(),
    }
}

/// Whether a map may give `value` to field `f`: one of a coded field's
/// own values (other fields' values are checked with the record).
fn is_value_of(f: Field, value: &str) -> bool {
    match f.def().kind {
        Kind::Choice(choices) => choices.iter().any(|c| c.wire == value),
        _ => true,
    }
}

/// One field a gate code sets: a record field (not an item of an object
/// field) and a value it allows (a coded field's own values).
fn gate_value(column: &str, code: &str, name: &str, value: &toml::Value) -> Result<(Field, String), String> {
    let at = format!("when.{column}.{code:?}.{name}");
    let Some(f) =
        Field::from_name(name).filter(|f| !matches!(f.def().kind, Kind::Items(_) | Kind::Domains(_)))
    else {
        return Err(format!(
            "{at}: not a record field a gate can set (allowed: a field with one value, such as consciousness, seizure, motor, edema, ice_band, hypotension)"
        ));
    };
    let Some(value) = text_of(value) else {
        return Err(format!("{at}: not a value (allowed: a string)"));
    };
    if !is_value_of(f, &value) {
        return Err(format!(
            "{at}: {value:?} is not a {name} value (allowed: {})",
            f.allowed()
        ));
    }
    Ok((f, value))
}

fn strings(v: &toml::Value, what: &str) -> Result<Vec<String>, String> {
    match v {
        toml::Value::Array(a) => a
            .iter()
            .map(|x| match x {
                toml::Value::String(s) => Ok(s.clone()),
                toml::Value::Integer(n) => Ok(n.to_string()),
                other => Err(format!(
                    "{what}: {other} is not a string (allowed: a list of strings)"
                )),
            })
            .collect(),
        other => Err(format!(
            "{what}: {other} is not a list (allowed: a list of strings)"
        )),
    }
}

/// Refuses a table with a key it does not know (`[missing] value = ...`).
fn only_keys(v: &toml::Value, table: &str, allowed: &[&str]) -> Result<(), String> {
    let toml::Value::Table(t) = v else {
        return Err(format!("{table}: not a table (allowed: {})", allowed.join(", ")));
    };
    match t.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => {
            let hint = catalogue::closest(k, allowed.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            Err(format!(
                "{table}.{k}: unknown key{hint} (allowed: {})",
                allowed.join(", ")
            ))
        }
        None => Ok(()),
    }
}

/// A text cut to at most `max` bytes, on a character boundary.
pub(crate) fn cut(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Codes listed in a message: the first ones, then how many more (a map
/// with 200,000 codes would otherwise make each error line megabytes long).
const CODES_LISTED: usize = 20;

/// The first [`CODES_LISTED`] of `total` codes, `, `-separated, then
/// "and N more".
pub(super) fn first_of<'a>(codes: impl Iterator<Item = &'a str>, total: usize) -> String {
    let shown: Vec<String> = codes
        .take(CODES_LISTED)
        .map(|c| {
            let shown = cut(c, 40);
            if shown.len() < c.len() {
                format!("{shown}...")
            } else {
                c.to_string()
            }
        })
        .collect();
    let mut out = shown.join(", ");
    if total > shown.len() {
        out.push_str(&format!(
            " and {} more (icans map check lists what is missing)",
            total - shown.len()
        ));
    }
    out
}

fn text_of(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(n) => Some(n.to_string()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A JSON record as a map sees it: its keys as the export's columns and its
/// values as the cells, as text (null empty, numbers and booleans as
/// written, a list `;`-joined), an object's members as `KEY_MEMBER` columns,
/// in the order written and every key kept, a repeated one too (so that it
/// is refused as a repeated column, as without a map). `None` when the
/// JSON is not an object.
pub fn json_cells(bytes: &[u8]) -> serde_json::Result<Option<Vec<(String, String)>>> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let top = serde::Deserialize::deserialize(&mut de).map(|Top(cells)| cells)?;
    de.end()?;
    Ok(top)
}

/// A value's cell text.
fn cell_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.iter().map(cell_text).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

/// The record object, read into cells; anything else is `None`.
struct Top(Option<Vec<(String, String)>>);

/// A member of the record object: an object's members in order, or any
/// other value.
enum Member {
    Object(Vec<(String, serde_json::Value)>),
    Other(serde_json::Value),
}

impl<'de> serde::Deserialize<'de> for Top {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Top;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Top, A::Error> {
                let mut cells = Vec::new();
                while let Some(key) = m.next_key::<String>()? {
                    match m.next_value::<Member>()? {
                        Member::Object(members) => {
                            for (member, v) in members {
                                cells.push((format!("{key}_{member}"), cell_text(&v)));
                            }
                        }
                        Member::Other(v) => cells.push((key, cell_text(&v))),
                    }
                }
                Ok(Top(Some(cells)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut s: A) -> Result<Top, A::Error> {
                while s.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Top(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_unit<E>(self) -> Result<Top, E> {
                Ok(Top(None))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> serde::Deserialize<'de> for Member {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Member;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Member, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = m.next_entry::<String, serde_json::Value>()? {
                    members.push(entry);
                }
                Ok(Member::Object(members))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut s: A) -> Result<Member, A::Error> {
                let mut items = Vec::new();
                while let Some(v) = s.next_element::<serde_json::Value>()? {
                    items.push(v);
                }
                Ok(Member::Other(serde_json::Value::Array(items)))
            }
            fn visit_bool<E>(self, b: bool) -> Result<Member, E> {
                Ok(Member::Other(b.into()))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Member, E> {
                Ok(Member::Other(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Member, E> {
                Ok(Member::Other(n.into()))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Member, E> {
                Ok(Member::Other(n.into()))
            }
            fn visit_str<E>(self, s: &str) -> Result<Member, E> {
                Ok(Member::Other(s.into()))
            }
            fn visit_string<E>(self, s: String) -> Result<Member, E> {
                Ok(Member::Other(s.into()))
            }
            fn visit_unit<E>(self) -> Result<Member, E> {
                Ok(Member::Other(serde_json::Value::Null))
            }
        }
        d.deserialize_any(V)
    }
}

/// A mapped column an export lacks (docs/spec.md §10, v4).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AbsentColumn {
    /// The export's column, as the map names it.
    pub column: String,
    /// The record field it feeds.
    pub field: String,
    /// What its absence leaves: "left not assessed", "never names seizure".
    pub leaves: String,
}

impl std::fmt::Display for AbsentColumn {
    /// "column loc200b (consciousness) is not in the export: left not
    /// assessed".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "column {} ({}) is not in the export: {}",
            self.column, self.field, self.leaves
        )
    }
}

impl SiteMap {
    /// Whether the map reads date-times in local time (`[dates]
    /// assessed_at`): then the machine's time zone must be one.
    pub fn reads_local_time(&self) -> bool {
        self.dates.values().any(|r| matches!(r, DateRole::AssessedAt))
    }

    /// The mapped columns an export lacks, given whether it has a column:
    /// each with the record field it feeds and what its absence leaves
    /// ("left not assessed", "never names seizure"), in the map's order.
    /// The one rule `map check` and `batch --map` both apply (docs/spec.md
    /// §10, v4).
    pub fn absent_columns(&self, present: impl Fn(&str) -> bool) -> Vec<AbsentColumn> {
        let left = || "left not assessed".to_string();
        let fed_by = self
            .columns
            .iter()
            .map(|(e, r)| (e, r.clone(), left()))
            .chain(
                self.checkboxes
                    .iter()
                    .map(|(e, d)| (e, "other_cause".to_string(), format!("never names {d}"))),
            )
            .chain(
                self.dates
                    .iter()
                    .map(|(e, role)| (e, role.field().to_string(), left())),
            );
        fed_by
            .filter(|(export, _, _)| !present(export))
            .map(|(export, field, leaves)| AbsentColumn {
                column: export.clone(),
                field,
                leaves,
            })
            .collect()
    }

    /// Reads a map file. Unknown tables, fields, domains and values that are
    /// not the field's are refused, naming the table, the key and what is
    /// allowed.
    pub fn parse(text: &str, file: &str) -> Result<SiteMap, String> {
        let err = |m: String| format!("map {file}: {m}");
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| err(format!("not valid TOML:\n{}", e.to_string().trim_end())))?;
        let known = [
            "columns",
            "values",
            "checkboxes",
            "missing",
            "booleans",
            "ignore",
            "dates",
            "when",
            "units",
            "long",
        ];
        for key in table.keys() {
            if !known.contains(&key.as_str()) {
                return Err(err(format!(
                    "{key}: unknown table (allowed: {})",
                    known.join(", ")
                )));
            }
        }
        let mut map = SiteMap {
            file: file.to_string(),
            columns: BTreeMap::new(),
            values: BTreeMap::new(),
            checkboxes: BTreeMap::new(),
            missing: vec![String::new()],
            truthy: DEFAULT_TRUE.map(String::from).to_vec(),
            falsy: DEFAULT_FALSE.map(String::from).to_vec(),
            ignore: std::collections::BTreeSet::new(),
            dates: BTreeMap::new(),
            date_formats: Vec::new(),
            gates: BTreeMap::new(),
            gate_codes: BTreeMap::new(),
            fahrenheit: false,
            long: None,
            unfilled: Vec::new(),
        };
        if let Some(columns) = table.get("columns") {
            map.read_columns(columns).map_err(err)?;
        }
        if let Some(values) = table.get("values") {
            map.read_values(values).map_err(err)?;
        }
        if let Some(boxes) = table.get("checkboxes") {
            map.read_checkboxes(boxes).map_err(err)?;
        }
        map.read_plain_tables(&table).map_err(err)?;
        if let Some(dates) = table.get("dates") {
            map.read_dates(dates).map_err(err)?;
        }
        if let Some(when) = table.get("when") {
            map.read_gates(when).map_err(err)?;
        }
        if let Some(units) = table.get("units") {
            map.fahrenheit = fahrenheit(units).map_err(err)?;
        }
        if let Some(long) = table.get("long") {
            map.long = Some(LongSpec::read(long).map_err(err)?);
        }
        map.contradiction().map_err(err)?;
        Ok(map)
    }

    /// `[columns]`: record field = export column, one field per column.
    fn read_columns(&mut self, columns: &toml::Value) -> Result<(), String> {
        let record = Column::names();
        let toml::Value::Table(columns) = columns else {
            return Err("columns: not a table (allowed: record field = \"export column\")".into());
        };
        for (field, export) in columns {
            if !record.contains(field) {
                let hint = catalogue::closest(field, record.iter().map(String::as_str))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "columns.{field}: not a record field{hint} (allowed: {})",
                    record.join(", ")
                ));
            }
            let Some(export) = text_of(export) else {
                return Err(format!("columns.{field}: not a column name (allowed: a string)"));
            };
            if let Some(other) = self.columns.get(&export) {
                return Err(format!(
                    "columns.{field}: column {export:?} already feeds {other} (allowed: one field per export column)"
                ));
            }
            self.columns.insert(export, field.clone());
        }
        Ok(())
    }

    /// `[values.FIELD]`: export value = record value (or "?", not yet
    /// filled in, or "not_assessed").
    fn read_values(&mut self, values: &toml::Value) -> Result<(), String> {
        let toml::Value::Table(values) = values else {
            return Err("values: not a table (allowed: [values.FIELD] tables)".into());
        };
        for (field, codes) in values {
            let Some(f) = Field::from_name(field) else {
                return Err(format!(
                    "values.{field}: not a record field (allowed: fields with coded values)"
                ));
            };
            let toml::Value::Table(codes) = codes else {
                return Err(format!(
                    "values.{field}: not a table (allowed: \"export value\" = \"record value\")"
                ));
            };
            let mut out = BTreeMap::new();
            for (code, value) in codes {
                let Some(value) = text_of(value) else {
                    return Err(format!("values.{field}.{code}: not a value (allowed: a string)"));
                };
                if value == "?" {
                    self.unfilled
                        .push(format!("values.{field}.{code:?} (allowed: {})", f.allowed()));
                    continue;
                }
                if value != NOT_ASSESSED && !is_value_of(f, &value) {
                    return Err(format!(
                        "values.{field}.{code:?}: {value:?} is not a {field} value (allowed: {}, or {NOT_ASSESSED})",
                        f.allowed()
                    ));
                }
                out.insert(code.clone(), value);
            }
            self.values.insert(field.clone(), out);
        }
        Ok(())
    }

    /// `[checkboxes.other_cause]`: export column = the domain it ticks.
    fn read_checkboxes(&mut self, boxes: &toml::Value) -> Result<(), String> {
        let toml::Value::Table(boxes) = boxes else {
            return Err("checkboxes: not a table (allowed: a [checkboxes.other_cause] table)".into());
        };
        if let Some(other) = boxes.keys().find(|k| *k != "other_cause") {
            return Err(format!(
                "checkboxes.{other}: checkboxes name only other_cause domains (allowed: a [checkboxes.other_cause] table; \
                 a field's coded values go in [values.{other}])"
            ));
        }
        let Some(toml::Value::Table(oc)) = boxes.get("other_cause") else {
            return Err(
                "checkboxes.other_cause: not a table (allowed: \"export column\" = \"domain\")".into(),
            );
        };
        for (column, domain) in oc {
            let Some(domain) = text_of(domain) else {
                return Err(format!("checkboxes.other_cause.{column}: not a domain name"));
            };
            let domains = format!(
                "one domain: {}",
                catalogue::names(crate::grading::OTHER_CAUSE_CHOICES)
            );
            if domain == "?" {
                self.unfilled
                    .push(format!("checkboxes.other_cause.{column:?} (allowed: {domains})"));
                continue;
            }
            if !crate::grading::OTHER_CAUSE_CHOICES
                .iter()
                .any(|c| c.wire == domain)
            {
                return Err(format!(
                    "checkboxes.other_cause.{column}: {domain:?} is not a domain (allowed: {domains})"
                ));
            }
            if let Some(field) = self.columns.get(column) {
                return Err(format!(
                    "checkboxes.other_cause.{column}: column {column:?} already feeds {field} in [columns] \
                     (allowed: a column is a field or a checkbox, not both)"
                ));
            }
            self.checkboxes.insert(column.clone(), domain);
        }
        Ok(())
    }

    /// `[missing]`, `[booleans]` and `[ignore]`: lists of strings.
    fn read_plain_tables(&mut self, table: &toml::Table) -> Result<(), String> {
        if let Some(missing) = table.get("missing") {
            only_keys(missing, "missing", &["values"])?;
            let values = missing
                .get("values")
                .ok_or_else(|| "missing: allowed: values = [...]".to_string())?;
            self.missing = strings(values, "missing.values")?;
        }
        if let Some(b) = table.get("booleans") {
            only_keys(b, "booleans", &["true", "false"])?;
            if let Some(t) = b.get("true") {
                self.truthy = strings(t, "booleans.true")?;
            }
            if let Some(f) = b.get("false") {
                self.falsy = strings(f, "booleans.false")?;
            }
        }
        if let Some(ignore) = table.get("ignore") {
            only_keys(ignore, "ignore", &["columns"])?;
            if let Some(columns) = ignore.get("columns") {
                self.ignore = strings(columns, "ignore.columns")?.into_iter().collect();
            }
        }
        Ok(())
    }

    /// `[dates]`: the visit and infusion columns of `day`, the date-time
    /// column of `assessed_at`, the formats beside ISO.
    fn read_dates(&mut self, dates: &toml::Value) -> Result<(), String> {
        only_keys(dates, "dates", &["day", "assessed_at", "formats"])?;
        if let Some(day) = dates.get("day") {
            let columns = strings(day, "dates.day")?;
            let [visit, infusion] = columns.as_slice() else {
                return Err(format!(
                    "dates.day: {} column(s) (allowed: [\"visit date column\", \"infusion date column\"])",
                    columns.len()
                ));
            };
            self.dates.insert(visit.clone(), DateRole::Visit);
            self.dates.insert(infusion.clone(), DateRole::Infusion);
        }
        if let Some(at) = dates.get("assessed_at") {
            let columns = strings(at, "dates.assessed_at")?;
            let [column] = columns.as_slice() else {
                return Err(format!(
                    "dates.assessed_at: {} column(s) (allowed: [\"date-time column\"])",
                    columns.len()
                ));
            };
            self.dates.insert(column.clone(), DateRole::AssessedAt);
        }
        if let Some(formats) = dates.get("formats") {
            self.date_formats = strings(formats, "dates.formats")?;
            if let Some((a, b, cell)) = ambiguous_formats(&self.date_formats) {
                return Err(format!(
                    "dates.formats: {cell:?} reads one way by {a} and another by {b} (allowed: formats that read every cell one way; keep the one the export uses)"
                ));
            }
        }
        Ok(())
    }

    /// `[when.COLUMN]` tables: each code of a gate column, with the record
    /// fields it sets (`{}` none), each value one the field allows.
    fn read_gates(&mut self, when: &toml::Value) -> Result<(), String> {
        let toml::Value::Table(when) = when else {
            return Err("when: not a table (allowed: [when.COLUMN] tables)".into());
        };
        for (column, codes) in when {
            let toml::Value::Table(codes) = codes else {
                return Err(format!(
                    "when.{column}: not a table (allowed: \"code\" = {{ field = \"value\", ... }})"
                ));
            };
            let mut table = BTreeMap::new();
            let mut words = BTreeMap::new();
            for (code, sets) in codes {
                let toml::Value::Table(sets) = sets else {
                    return Err(format!(
                        "when.{column}.{code:?}: not a table (allowed: {{ field = \"value\", ... }}, or {{}} to set nothing)"
                    ));
                };
                let mut fields = Vec::new();
                for (name, value) in sets {
                    fields.push(gate_value(column, code, name, value)?);
                }
                let said: Vec<String> = fields.iter().map(|(f, v)| format!("{}={v}", f.name())).collect();
                words.insert(code.clone(), said.join(", "));
                table.insert(code.clone(), fields);
            }
            self.gates.insert(column.clone(), table);
            self.gate_codes.insert(column.clone(), words);
        }
        Ok(())
    }

    /// An entry that says two things: a coded value that is also a missing
    /// code (the cell would read as missing, the code never used), or a
    /// spelling both true and false.
    fn contradiction(&self) -> Result<(), String> {
        for column in self.gates.keys() {
            if self.columns.contains_key(column)
                || self.checkboxes.contains_key(column)
                || self.dates.contains_key(column)
                || self.ignore.contains(column)
            {
                return Err(format!(
                    "when.{column}: column {column:?} is also in [columns], [checkboxes], [dates] or [ignore] (allowed: each export column in one place)"
                ));
            }
        }
        for column in self.ignore.iter().chain(self.dates.keys()) {
            let ignored = self.ignore.contains(column);
            let other = if let Some(field) = self.columns.get(column) {
                Some(format!("feeds {field} in [columns]"))
            } else if self.checkboxes.contains_key(column) {
                Some("is a checkbox".to_string())
            } else if ignored && self.dates.contains_key(column) {
                Some("is a date in [dates]".to_string())
            } else {
                None
            };
            if let Some(other) = other {
                let table = if ignored { "ignore.columns" } else { "dates" };
                return Err(format!(
                    "{table}: column {column:?} also {other} (allowed: each export column in one place)"
                ));
            }
        }
        for (field, codes) in &self.values {
            if let Some(code) = codes.keys().find(|c| self.is_missing(c)) {
                return Err(format!(
                    "values.{field}.{code:?}: {code:?} is also a [missing] value (allowed: a code is a value or missing, not both)"
                ));
            }
        }
        if let Some(both) = self
            .truthy
            .iter()
            .find(|t| self.falsy.iter().any(|f| f.trim().eq_ignore_ascii_case(t.trim())))
        {
            return Err(format!(
                "booleans: {both:?} is both true and false (allowed: each spelling in one list)"
            ));
        }
        Ok(())
    }

    /// Refuses a map that still has `"?"` entries: grading with it would
    /// leave those codes unknown.
    pub fn ready(&self) -> Result<(), String> {
        match self.unfilled.first() {
            None => Ok(()),
            Some(first) => Err(format!(
                "map {}: {}, first {first}; fill in the record value (icans map check lists them all)",
                self.file,
                self.unfilled_count()
            )),
        }
    }

    /// "N entries still "?"", as `ready` and `map check` say it.
    pub fn unfilled_count(&self) -> String {
        let n = self.unfilled.len();
        format!("{n} entr{} still \"?\"", if n == 1 { "y" } else { "ies" })
    }

    /// What an export column (or JSON key) becomes: through `[columns]` or
    /// `[checkboxes]`, else itself when it is a record column.
    pub fn column(&self, export: &str) -> Option<Mapped> {
        if let Some(record) = self.columns.get(export) {
            return Some(Mapped::Record(record.clone()));
        }
        if let Some(domain) = self.checkboxes.get(export) {
            return Some(Mapped::Checkbox(domain.clone()));
        }
        if let Some(role) = self.dates.get(export) {
            return Some(Mapped::Date(*role));
        }
        if self.ignore.contains(export) {
            return Some(Mapped::Ignored);
        }
        if self.gates.contains_key(export) {
            return Some(Mapped::Gate);
        }
        Column::from_csv(export).map(|_| Mapped::Record(export.to_string()))
    }

    /// Whether an export column (or JSON key) feeds a field whose values
    /// the map codes (`[values.FIELD]`).
    pub fn codes(&self, export: &str) -> bool {
        self.codes_of(export).is_some()
    }

    /// The coded values (`[values.FIELD]`) of the field an export column
    /// (or JSON key) feeds, when the map codes it: every cell must then be
    /// one of them (a table that only marks codes not assessed codes
    /// nothing else: `None`).
    pub fn codes_of(&self, export: &str) -> Option<&BTreeMap<String, String>> {
        match self.column(export)? {
            Mapped::Record(r) => self.values.get(&r).filter(|codes| lists_every_code(codes)),
            Mapped::Gate => self.gate_codes.get(export),
            Mapped::Checkbox(_) | Mapped::Ignored | Mapped::Date(_) => None,
        }
    }

    /// Whether a cell means "not assessed".
    pub fn is_missing(&self, cell: &str) -> bool {
        let c = cell.trim();
        self.missing.iter().any(|m| m.trim() == c)
    }

    /// A checkbox cell: `Some(true)` checked, `Some(false)` not, `None` not
    /// a spelling the map knows.
    pub fn truth(&self, cell: &str) -> Option<bool> {
        truth_of(cell, &self.truthy, &self.falsy)
    }

    /// A cell of an export column feeding `record` (a record column name),
    /// translated: a coded value through `[values]`, a boolean spelling to
    /// `true`/`false`, a missing code to empty. `Err` is (problem, allowed):
    /// the problem names the field, the value and the map file; the caller
    /// names the export column.
    pub fn translate(&self, record: &str, cell: &str) -> Result<String, (String, String)> {
        if self.is_missing(cell) {
            return Ok(String::new());
        }
        let field = Column::from_csv(record).map(|c| match c {
            Column::Field(f) | Column::Item(f, _) => f,
        });
        if let Some(codes) = self.values.get(record) {
            return match codes.get(cell.trim()) {
                Some(v) if v == NOT_ASSESSED => Ok(String::new()),
                Some(v) => Ok(v.clone()),
                // A table that only marks codes not assessed recodes
                // nothing else: the other cells read as they are.
                None if !lists_every_code(codes) => self.translate_plain(field, record, cell),
                None => Err((
                    format!(
                        "{record} value {:?} is not in the map {} [values.{record}]",
                        cell.trim(),
                        self.file
                    ),
                    first_of(codes.keys().map(String::as_str), codes.len()),
                )),
            };
        }
        self.translate_plain(field, record, cell)
    }

    /// A cell of a column whose field has no `[values]` codes: a boolean
    /// spelling to `true`/`false`, anything else as it is.
    fn translate_plain(
        &self,
        field: Option<Field>,
        record: &str,
        cell: &str,
    ) -> Result<String, (String, String)> {
        if self.fahrenheit && field == Some(Field::TemperatureC) {
            return Ok(celsius_of(cell));
        }
        if field.is_some_and(|f| f.def().kind == Kind::Boolean) {
            return match self.truth(cell) {
                Some(b) => Ok(b.to_string()),
                None => Err((
                    format!(
                        "{record} value {:?} is neither true nor false in the map {}",
                        cell.trim(),
                        self.file
                    ),
                    format!("{} / {}", self.truthy.join(", "), self.falsy.join(", ")),
                )),
            };
        }
        Ok(cell.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAP: &str = r#"
[columns]
id = "record_id"
consciousness = "loc"
ice_orientation = "ice_orient"
steroid_refractory = "refractory"
[values.consciousness]
"1" = "alert"
"5" = "unarousable"
[checkboxes.other_cause]
"oc___2" = "consciousness"
[missing]
values = ["", "UNK", "-99"]
"#;

    #[test]
    fn columns_values_checkboxes_missing_and_booleans() {
        let m = SiteMap::parse(MAP, "site.toml").expect("a valid map");
        assert_eq!(m.column("loc"), Some(Mapped::Record("consciousness".into())));
        assert_eq!(
            m.column("ice_orient"),
            Some(Mapped::Record("ice_orientation".into()))
        );
        assert_eq!(m.column("seizure"), Some(Mapped::Record("seizure".into())));
        assert_eq!(m.column("oc___2"), Some(Mapped::Checkbox("consciousness".into())));
        assert_eq!(m.column("comments"), None);
        assert_eq!(m.translate("consciousness", "5").unwrap(), "unarousable");
        assert_eq!(m.translate("consciousness", "UNK").unwrap(), "");
        assert_eq!(m.translate("steroid_refractory", "Yes").unwrap(), "true");
        let e = m.translate("consciousness", "3").unwrap_err();
        assert_eq!(
            e,
            (
                "consciousness value \"3\" is not in the map site.toml [values.consciousness]".to_string(),
                "1, 5".to_string()
            )
        );
        assert_eq!(m.truth("checked"), Some(true));
        assert_eq!(m.truth("0"), Some(false));
    }

    #[test]
    fn a_map_with_a_wrong_field_value_or_a_question_mark_is_refused() {
        let e = SiteMap::parse("[columns]\nconciousness = \"loc\"\n", "m.toml").unwrap_err();
        assert!(
            e.contains("columns.conciousness: not a record field (did you mean `consciousness`?)"),
            "{e}"
        );
        let e = SiteMap::parse("[values.consciousness]\n\"1\" = \"awake\"\n", "m.toml").unwrap_err();
        assert!(e.contains("\"awake\" is not a consciousness value"), "{e}");
        let m = SiteMap::parse("[values.seizure]\n\"1\" = \"?\"\n\"0\" = \"none\"\n", "m.toml").unwrap();
        assert_eq!(
            m.unfilled,
            ["values.seizure.\"1\" (allowed: none, rapidly_resolving, prolonged_or_repetitive)"]
        );
        assert_eq!(
            m.ready().unwrap_err(),
            "map m.toml: 1 entry still \"?\", first values.seizure.\"1\" (allowed: none, rapidly_resolving, \
             prolonged_or_repetitive); fill in the record value (icans map check lists them all)"
        );
    }
}
