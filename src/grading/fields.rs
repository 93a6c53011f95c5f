//! Record validation (contract §1 fields, §2 "Errors"). Every input format
//! (JSON, CSV, command-line flags) feeds raw values through one
//! [`RecordBuilder`], so the ranges, the allowed values and the wording of
//! every error are stated once, here.

use std::borrow::Cow;
use std::fmt;

use super::assessment::{Assessment, EncephalopathyScore, IceItems, RecordId};
use super::domain::{Consciousness, Domain, Edema, Motor, Seizure};

/// A raw value as an input format read it, before validation.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// JSON `null`: the field is treated as absent (not assessed).
    Null,
    /// A JSON boolean.
    Bool(bool),
    /// A JSON integer.
    Int(i128),
    /// A JSON number with a fraction or exponent.
    Float(f64),
    /// A JSON string.
    Str(Cow<'a, str>),
    /// Untyped text (a CSV cell or a command-line flag), read by the field's
    /// type. Empty text means absent (not assessed).
    Text(&'a str),
    /// A JSON object where the field wants something else.
    Object,
    /// A JSON array where the field wants something else.
    Array,
}

impl Value<'_> {
    /// A short rendering for error messages (long values are cut).
    fn show(&self) -> String {
        fn cut(s: &str) -> String {
            const MAX: usize = 40;
            if s.chars().count() <= MAX {
                format!("{s:?}")
            } else {
                let head: String = s.chars().take(MAX).collect();
                format!("{head:?}...")
            }
        }
        match self {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Float(f) => format!("{f:?}"),
            Value::Str(s) => cut(s),
            Value::Text(s) => cut(s),
            Value::Object => "an object".into(),
            Value::Array => "an array".into(),
        }
    }

    /// What kind of value this is, for "wrong type" messages.
    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a decimal number",
            Value::Str(_) | Value::Text(_) => "a string",
            Value::Object => "an object",
            Value::Array => "an array",
        }
    }
}

/// How a field's value is laid out in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A single value.
    Scalar,
    /// An object of named items (`ice`).
    Object,
    /// An array of items (`other_cause`).
    List,
}

macro_rules! fields {
    ($( $(#[$m:meta])* $variant:ident = ($name:literal, $shape:ident, $allowed:literal) ),+ $(,)?) => {
        /// The record fields of contract §1.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Field { $( $(#[$m])* $variant ),+ }

        impl Field {
            /// Every field, in the contract's order.
            pub const ALL: &'static [Field] = &[$(Field::$variant),+];

            /// The contract's field name.
            pub const fn name(self) -> &'static str {
                match self { $(Field::$variant => $name),+ }
            }

            /// How the value is laid out in JSON.
            pub const fn shape(self) -> Shape {
                match self { $(Field::$variant => Shape::$shape),+ }
            }

            /// What the field allows, in the words of error messages.
            pub const fn allowed(self) -> &'static str {
                match self { $(Field::$variant => $allowed),+ }
            }

            /// Looks a field up by its contract name.
            pub fn from_name(name: &str) -> Option<Field> {
                match name { $($name => Some(Field::$variant),)+ _ => None }
            }
        }
    };
}

fields! {
    /// `id`: echoed unchanged.
    Id = ("id", Scalar, "a string or an integer"),
    /// `patient_id`: links assessments of one patient.
    PatientId = ("patient_id", Scalar, "a string"),
    /// `day`: days since infusion.
    Day = ("day", Scalar, "an integer >= 0 (days since cell infusion)"),
    /// `assessed_at`: time of assessment.
    AssessedAt = ("assessed_at", Scalar, "an RFC 3339 date-time such as \"2026-03-04T08:30:00Z\""),
    /// `age_years`: patient age.
    AgeYears = ("age_years", Scalar, "a number >= 0"),
    /// `ice`: the five ICE items.
    Ice = ("ice", Object, "an object with orientation 0-4, naming 0-3, writing 0-1, attention 0-1, commands 0-1"),
    /// `ice_total`: ICE total when only the total was recorded.
    IceTotal = ("ice_total", Scalar, "an integer 0-10"),
    /// `capd`: CAPD total for children.
    Capd = ("capd", Scalar, "an integer 0-32"),
    /// `consciousness`: level of consciousness.
    Consciousness = ("consciousness", Scalar, "alert, awakens_spontaneously, awakens_to_voice, awakens_to_tactile, unarousable"),
    /// `seizure`.
    Seizure = ("seizure", Scalar, "none, rapidly_resolving, prolonged_or_repetitive"),
    /// `motor`.
    Motor = ("motor", Scalar, "none, tremor_or_myoclonus, deep_focal_weakness"),
    /// `edema`.
    Edema = ("edema", Scalar, "none, focal, diffuse"),
    /// `other_cause`: domains attributable to another cause.
    OtherCause = ("other_cause", List, "an array of domain names: encephalopathy, consciousness, seizure, motor, edema"),
    /// `crs_grade`: concurrent CRS grade.
    CrsGrade = ("crs_grade", Scalar, "an integer 0-4 (ASTCT CRS grade; 0 = no active CRS)"),
    /// `previous_ice_total`.
    PreviousIceTotal = ("previous_ice_total", Scalar, "an integer 0-10"),
    /// `hours_since_onset`.
    HoursSinceOnset = ("hours_since_onset", Scalar, "a number >= 0"),
    /// `steroid_refractory`.
    SteroidRefractory = ("steroid_refractory", Scalar, "true or false"),
    /// `died_of_icans`.
    DiedOfIcans = ("died_of_icans", Scalar, "true or false"),
}

impl Field {
    /// The field name closest to a misspelt one, when one is close enough
    /// to be what was meant (`siezure` -> `seizure`).
    pub fn suggest(name: &str) -> Option<&'static str> {
        let names = Field::ALL
            .iter()
            .map(|f| f.name())
            .chain(IceItems::ITEMS.iter().map(|(k, _)| *k));
        closest(name, names)
    }
}

/// The candidate closest to `input`, when it is close enough to be a typo.
fn closest<'n>(input: &str, candidates: impl Iterator<Item = &'n str>) -> Option<&'n str> {
    let lower = input.to_ascii_lowercase();
    candidates
        .map(|c| (strsim::jaro_winkler(&lower, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// How errors name the ICE items, in [`IceItems::ITEMS`] order.
const ICE_ITEM_FIELDS: [&str; 5] = [
    "ice.orientation",
    "ice.naming",
    "ice.writing",
    "ice.attention",
    "ice.commands",
];

/// What each ICE item allows, in [`IceItems::ITEMS`] order.
const ICE_ITEM_ALLOWED: [&str; 5] = [
    "an integer 0-4",
    "an integer 0-3",
    "an integer 0-1",
    "an integer 0-1",
    "an integer 0-1",
];

/// One problem with one field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as named in the input (`ice.naming` for an ICE item,
    /// `record` for problems of the record as a whole).
    pub field: String,
    /// The offending value, rendered short, when there is one.
    pub value: Option<String>,
    /// What is wrong.
    pub problem: String,
    /// What is allowed instead.
    pub allowed: Cow<'static, str>,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (allowed: {})", self.field, self.problem, self.allowed)
    }
}

/// Why a record could not be graded (contract §2 "Errors").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The input is not well-formed (broken JSON, a truncated line, bad bytes).
    #[error("malformed input: {0}")]
    Malformed(String),
    /// The input is well-formed but not one record object.
    #[error("record: {0}")]
    NotARecord(String),
    /// One or more fields are invalid; each names field, value and what is allowed.
    #[error("{}", join(.0))]
    Invalid(Vec<FieldError>),
}

fn join(errors: &[FieldError]) -> String {
    let parts: Vec<String> = errors.iter().map(ToString::to_string).collect();
    parts.join("; ")
}

impl RecordError {
    /// The first field named by the error, for scripts that key on it.
    pub fn field(&self) -> Option<&str> {
        match self {
            RecordError::Invalid(errors) => errors.first().map(|e| e.field.as_str()),
            RecordError::Malformed(_) | RecordError::NotARecord(_) => None,
        }
    }
}

/// Gathers raw field values, checks each against contract §1 as it comes,
/// and on [`finish`](RecordBuilder::finish) checks the record as a whole.
/// Every problem is kept, so one message lists all that is wrong.
#[derive(Debug, Default)]
pub struct RecordBuilder {
    record: Assessment,
    seen: u32,
    ice_given: bool,
    /// Valid ICE item scores, by [`IceItems::ITEMS`] position.
    ice_items: [Option<u8>; 5],
    /// ICE items given at all (valid or not), for the "missing" check.
    ice_seen: [bool; 5],
    ice_total: Option<u8>,
    capd: Option<u8>,
    errors: Vec<FieldError>,
}

impl RecordBuilder {
    /// An empty record.
    pub fn new() -> Self {
        Self::default()
    }

    /// The record's `id` so far, for error reports of records that fail.
    pub fn id(&self) -> Option<&RecordId> {
        self.record.id.as_ref()
    }

    fn error(
        &mut self,
        field: impl Into<String>,
        value: Option<&Value<'_>>,
        problem: impl Into<String>,
        allowed: impl Into<Cow<'static, str>>,
    ) {
        self.errors.push(FieldError {
            field: field.into(),
            value: value.map(Value::show),
            problem: problem.into(),
            allowed: allowed.into(),
        });
    }

    /// Records a field name that is not in the contract, with the field
    /// probably meant. (Callers skip this under `--allow-unknown-fields`.)
    pub fn unknown_field(&mut self, name: &str) {
        let problem = match Field::suggest(name) {
            Some(s) => format!("unknown field (did you mean `{s}`?)"),
            None => "unknown field".to_string(),
        };
        let known: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        let allowed = format!(
            "{}; or --allow-unknown-fields to ignore unknown fields",
            known.join(", ")
        );
        self.error(name, None, problem, allowed);
    }

    /// Marks `field` as given; a second time is an error (a repeated key
    /// would otherwise silently override a finding).
    fn first_time(&mut self, field: Field) -> bool {
        let bit = 1u32 << (field as u32);
        if self.seen & bit != 0 {
            self.error(
                field.name(),
                None,
                "given more than once",
                "each field at most once",
            );
            return false;
        }
        self.seen |= bit;
        true
    }

    /// Sets a field from a raw value. For `ice` and `other_cause` this takes
    /// only `null` (absent) or reports the wrong type; their contents go
    /// through [`begin_ice`](Self::begin_ice)/[`ice_item`](Self::ice_item)
    /// and [`begin_other_cause`](Self::begin_other_cause)/[`other_cause_item`](Self::other_cause_item).
    pub fn set(&mut self, field: Field, value: Value<'_>) {
        if !self.first_time(field) {
            return;
        }
        let value = match value {
            Value::Null => return,
            Value::Text(t) if t.trim().is_empty() => return,
            v => v,
        };
        let v = &value;
        match field {
            Field::Id => self.record.id = self.record_id(v),
            Field::PatientId => self.record.patient_id = self.string(field, v),
            Field::Day => {
                self.record.day = self
                    .integer(field.name(), v, 0, u32::MAX.into(), field.allowed().into())
                    .map(|n| n as u32)
            }
            Field::AssessedAt => self.record.assessed_at = self.timestamp(field, v),
            Field::AgeYears => self.record.age_years = self.non_negative(field, v),
            Field::IceTotal => self.ice_total = self.small(field, v, 10),
            Field::Capd => self.capd = self.small(field, v, 32),
            Field::Consciousness => {
                self.record.consciousness = self.choice(
                    field,
                    v,
                    Consciousness::from_wire,
                    Consciousness::ALL.iter().map(|c| c.as_str()),
                )
            }
            Field::Seizure => {
                self.record.seizure = self.choice(
                    field,
                    v,
                    Seizure::from_wire,
                    Seizure::ALL.iter().map(|c| c.as_str()),
                )
            }
            Field::Motor => {
                self.record.motor =
                    self.choice(field, v, Motor::from_wire, Motor::ALL.iter().map(|c| c.as_str()))
            }
            Field::Edema => {
                self.record.edema =
                    self.choice(field, v, Edema::from_wire, Edema::ALL.iter().map(|c| c.as_str()))
            }
            Field::CrsGrade => self.record.crs_grade = self.small(field, v, 4),
            Field::PreviousIceTotal => self.record.previous_ice_total = self.small(field, v, 10),
            Field::HoursSinceOnset => self.record.hours_since_onset = self.non_negative(field, v),
            Field::SteroidRefractory => self.record.steroid_refractory = self.boolean(field, v),
            Field::DiedOfIcans => self.record.died_of_icans = self.boolean(field, v),
            // Untyped text cannot carry an object: CSV has ice_* columns.
            Field::Ice => self.wrong_type(field.name(), v, field.allowed()),
            Field::OtherCause => match v {
                // A CSV cell or flag: `;`- or `,`-separated domain names.
                Value::Text(t) => {
                    for name in t.split([';', ',']).map(str::trim).filter(|n| !n.is_empty()) {
                        self.other_cause_item(Value::Text(name));
                    }
                }
                _ => self.wrong_type(field.name(), v, field.allowed()),
            },
        }
    }

    /// Starts the `ice` object: all five items must follow.
    pub fn begin_ice(&mut self) {
        if self.first_time(Field::Ice) {
            self.ice_given = true;
        }
    }

    /// One ICE item of the `ice` object, by its key.
    pub fn ice_item(&mut self, key: &str, value: Value<'_>) {
        let Some(index) = IceItems::ITEMS.iter().position(|(k, _)| *k == key) else {
            let problem = match closest(key, IceItems::ITEMS.iter().map(|(k, _)| *k)) {
                Some(s) => format!("unknown ICE item (did you mean `{s}`?)"),
                None => "unknown ICE item".to_string(),
            };
            self.error(
                format!("ice.{key}"),
                None,
                problem,
                "orientation, naming, writing, attention, commands",
            );
            return;
        };
        let max = IceItems::ITEMS[index].1;
        let field = ICE_ITEM_FIELDS[index];
        if self.ice_seen[index] {
            self.error(field, None, "given more than once", "each ICE item once");
            return;
        }
        if matches!(value, Value::Null) || matches!(value, Value::Text(t) if t.trim().is_empty()) {
            // Left to the completeness check in `finish`.
            return;
        }
        self.ice_seen[index] = true;
        self.ice_items[index] = self
            .integer(field, &value, 0, max.into(), ICE_ITEM_ALLOWED[index].into())
            .map(|n| n as u8);
    }

    /// Starts the `other_cause` list.
    pub fn begin_other_cause(&mut self) {
        self.first_time(Field::OtherCause);
    }

    /// One domain name of the `other_cause` list.
    pub fn other_cause_item(&mut self, value: Value<'_>) {
        let name = match &value {
            Value::Str(s) => s.as_ref(),
            Value::Text(t) => t.trim(),
            other => {
                let other = other.clone();
                self.wrong_type("other_cause", &other, Field::OtherCause.allowed());
                return;
            }
        };
        match Domain::from_wire(name) {
            Some(d) => self.record.other_cause.insert(d),
            None => {
                let problem = unknown_value(name, Domain::ALL.iter().map(|d| d.as_str()));
                self.error("other_cause", Some(&value), problem, Domain::ALLOWED);
            }
        }
    }

    /// Checks the record as a whole and returns it, or every problem found.
    pub fn finish(mut self) -> Result<Assessment, RecordError> {
        if self.ice_given {
            let missing: Vec<&str> = IceItems::ITEMS
                .iter()
                .zip(self.ice_seen)
                .filter(|(_, seen)| !seen)
                .map(|((k, _), _)| *k)
                .collect();
            if !missing.is_empty() {
                self.error(
                    "ice",
                    None,
                    format!("missing {}", missing.join(", ")),
                    "all five keys: orientation 0-4, naming 0-3, writing 0-1, attention 0-1, commands 0-1 (or ice_total alone)",
                );
            }
        }
        let items = match self.ice_items {
            [Some(o), Some(n), Some(w), Some(a), Some(c)] if self.ice_given => {
                Some(IceItems::from_array([o, n, w, a, c]))
            }
            _ => None,
        };
        if let (Some(items), Some(total)) = (items, self.ice_total) {
            if items.total() != total {
                self.error(
                    "ice_total",
                    Some(&Value::Int(total.into())),
                    format!(
                        "{total} disagrees with the ice items, which add up to {}",
                        items.total()
                    ),
                    "the sum of the ice items, or ice_total left out",
                );
            }
        }
        let ice_used = self.ice_given || self.ice_total.is_some();
        if let (true, Some(capd)) = (ice_used, self.capd) {
            self.error(
                "capd",
                Some(&Value::Int(capd.into())),
                format!("{capd} given together with ICE"),
                "ICE (ice or ice_total) or CAPD, not both: CAPD for children under 12 or developmental delay, ICE otherwise",
            );
        }
        self.record.encephalopathy = match (items, self.ice_total, self.capd) {
            (Some(items), _, _) => Some(EncephalopathyScore::Ice {
                items: Some(items),
                total: items.total(),
            }),
            (None, Some(total), _) => Some(EncephalopathyScore::Ice { items: None, total }),
            (None, None, Some(score)) => Some(EncephalopathyScore::Capd(score)),
            (None, None, None) => None,
        };
        let r = &self.record;
        let anything_assessed = ice_used
            || self.capd.is_some()
            || r.consciousness.is_some()
            || r.seizure.is_some()
            || r.motor.is_some()
            || r.edema.is_some()
            || r.died_of_icans == Some(true);
        if !anything_assessed && self.errors.is_empty() {
            self.error(
                "record",
                None,
                "nothing assessed",
                "at least one of ice, ice_total, capd, consciousness, seizure, motor, edema (or died_of_icans: true)",
            );
        }
        if self.errors.is_empty() {
            Ok(self.record)
        } else {
            Err(RecordError::Invalid(self.errors))
        }
    }

    fn wrong_type(&mut self, field: &str, v: &Value<'_>, allowed: impl Into<Cow<'static, str>>) {
        let problem = match v {
            Value::Object | Value::Array => format!("got {}", v.kind()),
            _ => format!("{} is {}", v.show(), v.kind()),
        };
        self.error(field, Some(v), problem, allowed);
    }

    /// An integer within `lo..=hi`. JSON strings and decimals are the wrong
    /// type; untyped text is read as an integer.
    fn integer(
        &mut self,
        field: &str,
        v: &Value<'_>,
        lo: i128,
        hi: i128,
        allowed: Cow<'static, str>,
    ) -> Option<i128> {
        let n = match v {
            Value::Int(n) => *n,
            Value::Text(t) => match t.trim().parse::<i128>() {
                Ok(n) => n,
                Err(_) => {
                    let problem = if t.trim().parse::<f64>().is_ok() {
                        format!("{} is not an integer", v.show())
                    } else {
                        format!("{} is not a number", v.show())
                    };
                    self.error(field, Some(v), problem, allowed);
                    return None;
                }
            },
            Value::Float(_) => {
                self.error(field, Some(v), format!("{} is not an integer", v.show()), allowed);
                return None;
            }
            _ => {
                self.wrong_type(field, v, allowed);
                return None;
            }
        };
        if (lo..=hi).contains(&n) {
            Some(n)
        } else {
            self.error(field, Some(v), format!("{n} is out of range"), allowed);
            None
        }
    }

    fn small(&mut self, field: Field, v: &Value<'_>, max: u8) -> Option<u8> {
        self.integer(field.name(), v, 0, max.into(), field.allowed().into())
            .map(|n| n as u8)
    }

    fn non_negative(&mut self, field: Field, v: &Value<'_>) -> Option<f64> {
        let x = match v {
            Value::Int(n) => *n as f64,
            Value::Float(f) => *f,
            Value::Text(t) => match t.trim().parse::<f64>() {
                Ok(x) => x,
                Err(_) => {
                    self.error(
                        field.name(),
                        Some(v),
                        format!("{} is not a number", v.show()),
                        field.allowed(),
                    );
                    return None;
                }
            },
            _ => {
                self.wrong_type(field.name(), v, field.allowed());
                return None;
            }
        };
        if x.is_finite() && x >= 0.0 {
            Some(x)
        } else {
            let shown = if matches!(v, Value::Text(_)) {
                x.to_string()
            } else {
                v.show()
            };
            self.error(
                field.name(),
                Some(v),
                format!("{shown} is out of range"),
                field.allowed(),
            );
            None
        }
    }

    fn boolean(&mut self, field: Field, v: &Value<'_>) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(*b),
            Value::Text(t) if t.trim().eq_ignore_ascii_case("true") => Some(true),
            Value::Text(t) if t.trim().eq_ignore_ascii_case("false") => Some(false),
            _ => {
                self.wrong_type(field.name(), v, field.allowed());
                None
            }
        }
    }

    fn text<'v>(&mut self, field: Field, v: &'v Value<'_>) -> Option<&'v str> {
        match v {
            Value::Str(s) => Some(s.as_ref()),
            Value::Text(t) => Some(t),
            _ => {
                self.wrong_type(field.name(), v, field.allowed());
                None
            }
        }
    }

    fn string(&mut self, field: Field, v: &Value<'_>) -> Option<String> {
        self.text(field, v).map(str::to_owned)
    }

    fn timestamp(&mut self, field: Field, v: &Value<'_>) -> Option<String> {
        let t = self.text(field, v)?;
        match chrono::DateTime::parse_from_rfc3339(t.trim()) {
            Ok(_) => Some(t.trim().to_owned()),
            Err(e) => {
                self.error(
                    field.name(),
                    Some(v),
                    format!("{} is not an RFC 3339 date-time ({e})", v.show()),
                    field.allowed(),
                );
                None
            }
        }
    }

    fn record_id(&mut self, v: &Value<'_>) -> Option<RecordId> {
        match v {
            Value::Int(n) => Some(RecordId::Int(*n)),
            Value::Str(s) => Some(RecordId::Text(s.to_string())),
            Value::Text(t) => Some(RecordId::Text(t.to_string())),
            _ => {
                self.wrong_type(Field::Id.name(), v, Field::Id.allowed());
                None
            }
        }
    }

    fn choice<'n, T>(
        &mut self,
        field: Field,
        v: &Value<'_>,
        parse: impl Fn(&str) -> Option<T>,
        names: impl Iterator<Item = &'n str> + Clone,
    ) -> Option<T> {
        let s = self.text(field, v)?;
        let s = if matches!(v, Value::Text(_)) { s.trim() } else { s };
        match parse(s) {
            Some(t) => Some(t),
            None => {
                let problem = unknown_value(s, names);
                self.error(field.name(), Some(v), problem, field.allowed());
                None
            }
        }
    }
}

/// "unknown value", with the allowed value probably meant.
fn unknown_value<'n>(s: &str, names: impl Iterator<Item = &'n str>) -> String {
    let shown = Value::Text(s).show();
    match closest(s, names) {
        Some(c) => format!("unknown value {shown} (did you mean `{c}`?)"),
        None => format!("unknown value {shown}"),
    }
}
