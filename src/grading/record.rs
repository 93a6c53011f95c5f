//! Record validation (docs/spec.md §1 fields, §2 "Errors"). Every input
//! format (JSON, CSV, command-line flags, `assess`) feeds raw values through
//! one [`RecordBuilder`], which checks each against its kind in the field
//! catalogue (`catalogue.rs`): ranges, allowed values and the wording of
//! every error come from there.

use std::borrow::Cow;
use std::fmt;

use super::assessment::{Assessment, CapdAnswers, EchoedText, EncephalopathyScore, IceItems, RecordId};
use super::catalogue::{FREQUENCIES, Field, Item, Kind, Scoring, closest};
use super::criteria::instruments::Given;
use super::criteria::{INSTRUMENTS, Instrument, InstrumentRow, same_name};
use super::domain::{
    Choice, Consciousness, CrsDomain, Domain, Edema, Hypotension, Hypoxia, IceBand, Motor,
    OTHER_CAUSE_CHOICES, Seizure,
};

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
    /// Whether the value says nothing: JSON `null`, or untyped text of
    /// white space only (an empty cell, most cells of a wide export, is
    /// told at once). The field or item is then absent, not assessed.
    pub fn is_absent(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Text(t) => t.is_empty() || t.trim().is_empty(),
            _ => false,
        }
    }

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
    /// The catalogue field it is about, when it is one (not an unknown
    /// field, nor the record as a whole): so that a caller can name it in
    /// its own words (a flag) without reading the message.
    pub about: Option<Field>,
    /// The item of an object field it is about (`naming` of `ice`).
    pub item: Option<&'static str>,
    /// The items of an object field left out.
    pub missing: Vec<&'static str>,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A field name comes from the input: control characters are shown
        // escaped, never sent raw to a terminal.
        let field: String = self.field.chars().flat_map(char::escape_debug).collect();
        write!(f, "{field}: {} (allowed: {})", self.problem, self.allowed)
    }
}

/// Why a record could not be graded (docs/spec.md §2 "Errors").
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
    /// A refusal read back as it was written (from a temporary file of
    /// `audit` or `summary`): its message and first field, nothing more.
    #[error("{}", .0.message)]
    Written(Box<WrittenError>),
}

/// A refusal's reason as it was written: the message and its first field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenError {
    /// The message as written.
    pub message: String,
    /// The first field it named.
    pub field: Option<String>,
}

fn join(errors: &[FieldError]) -> String {
    let parts: Vec<String> = errors.iter().map(ToString::to_string).collect();
    parts.join("; ")
}

impl RecordError {
    /// Each problem on its own, as said one per line at the bedside (the
    /// message joins them with "; ").
    pub fn problems(&self) -> Vec<String> {
        match self {
            RecordError::Invalid(errors) => errors.iter().map(ToString::to_string).collect(),
            other => vec![other.to_string()],
        }
    }

    /// The first field named by the error, for scripts that key on it.
    pub fn field(&self) -> Option<&str> {
        match self {
            RecordError::Invalid(errors) => errors.first().map(|e| e.field.as_str()),
            RecordError::Written(w) => w.field.as_deref(),
            RecordError::Malformed(_) | RecordError::NotARecord(_) => None,
        }
    }
}

/// A value checked against its field's kind, before it lands in the record.
enum Checked {
    Id(RecordId),
    Text(EchoedText),
    Integer(i128),
    Number(f64),
    /// The position of the value in the field's choices.
    Choice(usize),
    Boolean(bool),
}

use super::rules::FEVER_MIN_CELSIUS;

/// Whether a record holds any CRS finding (docs/spec.md §7): then the CRS
/// grade is graded from them.
pub fn has_crs_findings(r: &Assessment) -> bool {
    r.temperature_c.is_some()
        || r.fever.is_some()
        || r.fever_masked.is_some()
        || r.hypotension.is_some()
        || r.hypoxia.is_some()
        || r.died_of_crs.is_some()
}

/// An object field (`ice`, `capd_items`) as its items arrive.
#[derive(Debug, Default, Clone, Copy)]
struct ObjectState {
    /// The object was given.
    given: bool,
    /// Valid answers by item position: points, or a frequency word's
    /// position in `FREQUENCIES`.
    answers: [Option<u8>; 8],
    /// Items given at all (valid or not), for the "missing" check.
    seen: [bool; 8],
}

impl ObjectState {
    /// All answers, when every item was answered validly.
    fn complete<const N: usize>(&self) -> Option<[u8; N]> {
        if !self.given {
            return None;
        }
        let mut out = [0u8; N];
        for (o, a) in out.iter_mut().zip(self.answers) {
            *o = a?;
        }
        Some(out)
    }
}

/// The items of an object field.
fn items_of(field: Field) -> &'static [Item] {
    match field.def().kind {
        Kind::Items(items) => items,
        _ => &[],
    }
}

/// The fields that assess a domain, in catalogue order: every
/// instrument's and the four findings'. A record needs at least one of
/// them (or `died_of_icans: true`).
fn assessing() -> impl Iterator<Item = Field> {
    Field::ALL.iter().copied().filter(|f| {
        INSTRUMENTS.iter().any(|row| row.given.has(f.name()))
            || Domain::ALL.iter().any(|d| d.as_str() == f.name())
    })
}

/// The instrument whose total alone each field gives (`Given::Total`),
/// by the field's place in the catalogue: worked out by the build, which
/// fails unless every instrument's key is a catalogue field.
const TOTAL_ALONE: [Option<Instrument>; Field::ALL.len()] = {
    let mut out = [None; Field::ALL.len()];
    let mut i = 0;
    while i < INSTRUMENTS.len() {
        let (first, second) = INSTRUMENTS[i].given.keys();
        let second_known = match second {
            Some(key) => field_of(key).is_some(),
            None => true,
        };
        assert!(
            field_of(first).is_some() && second_known,
            "every key an instrument is given in is a catalogue field"
        );
        if let (Some(key), Some(f)) = (INSTRUMENTS[i].given.alone(), field_of(first)) {
            // A total alone has one key: `first`.
            assert!(same_name(key, first));
            out[f] = Some(INSTRUMENTS[i].instrument);
        }
        i += 1;
    }
    out
};

/// The place in the catalogue of the field with this key (for the build).
const fn field_of(key: &str) -> Option<usize> {
    let mut f = 0;
    while f < Field::ALL.len() {
        if same_name(Field::ALL[f].def().name, key) {
            return Some(f);
        }
        f += 1;
    }
    None
}

/// "exactly one instrument: ICE (ice or ice_total), CAPD (capd or
/// capd_items), cartox10 or ice_band", from the instruments' rows.
fn one_instrument_allowed() -> String {
    let names: Vec<String> = INSTRUMENTS.iter().map(named).collect();
    match names.split_last() {
        Some((last, [])) => format!("exactly one instrument: {last}"),
        Some((last, rest)) => format!("exactly one instrument: {} or {last}", rest.join(", ")),
        None => "exactly one instrument".to_string(),
    }
}

/// An instrument as the errors name it: by its key, or by its name and
/// keys in catalogue order ("ICE (ice or ice_total)").
fn named(row: &InstrumentRow) -> String {
    match row.given.keys() {
        (only, None) => only.to_string(),
        (a, Some(b)) => {
            let (a, b) = match (Field::from_name(a), Field::from_name(b)) {
                (Some(fa), Some(fb)) if fb < fa => (b, a),
                _ => (a, b),
            };
            format!("{} ({a} or {b})", row.name)
        }
    }
}

/// Gathers raw field values, checks each against its kind in the field
/// catalogue as it comes, and on [`finish`](RecordBuilder::finish) checks
/// the record as a whole (docs/spec.md §1-2). Every problem is kept, so one
/// message lists all that is wrong.
#[derive(Debug, Default)]
pub struct RecordBuilder {
    record: Assessment,
    seen: u64,
    /// The `ice` object so far.
    ice: ObjectState,
    /// The `capd_items` object so far.
    capd_items: ObjectState,
    ice_total: Option<u8>,
    capd: Option<u8>,
    /// The totals of the instruments given by a total alone
    /// (`TOTAL_ALONE`), by instrument.
    totals: [Option<u8>; INSTRUMENTS.len()],
    ice_band: Option<IceBand>,
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

    /// The record's `patient_id` so far, for error reports of records that
    /// fail.
    pub fn patient_id(&self) -> Option<&str> {
        self.record.patient_id.as_deref()
    }

    #[cold]
    fn error(
        &mut self,
        field: impl Into<String>,
        value: Option<&Value<'_>>,
        problem: impl Into<String>,
        allowed: impl Into<Cow<'static, str>>,
    ) {
        let field = field.into();
        self.errors.push(FieldError {
            about: Field::from_name(&field),
            field,
            value: value.map(Value::show),
            problem: problem.into(),
            allowed: allowed.into(),
            item: None,
            missing: Vec::new(),
        });
    }

    /// Marks the last error as about an item of an object field.
    fn about_item(&mut self, field: Field, item: &'static str) {
        if let Some(e) = self.errors.last_mut() {
            e.about = Some(field);
            e.item = Some(item);
        }
    }

    /// Records a problem found before the value reached the record (a site
    /// map's translation): the field as the input names it, the value, and
    /// the message.
    pub fn reject(&mut self, field: &str, value: &str, problem: &str, allowed: String) {
        self.error(field, Some(&Value::Text(value)), problem, allowed);
    }

    /// Records a field name that is not in the contract, with the field
    /// probably meant. (Callers skip this under `--allow-unknown-fields`.)
    pub fn unknown_field(&mut self, name: &str) {
        let problem = match Field::suggest(name) {
            Some(s) => format!("unknown field (did you mean `{s}`?)"),
            None => "unknown field".to_string(),
        };
        // The same for every unknown field: made once.
        static ALLOWED: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let allowed = ALLOWED.get_or_init(|| {
            let known: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
            format!(
                "{}; or --allow-unknown-fields to ignore unknown fields",
                known.join(", ")
            )
        });
        self.error(name, None, problem, allowed.as_str());
    }

    /// Marks `field` as given; a second time is an error (a repeated key
    /// would otherwise silently override a finding).
    #[inline]
    fn first_time(&mut self, field: Field) -> bool {
        let bit = field.bit();
        if self.seen & bit != 0 {
            self.given_again(field);
            return false;
        }
        self.seen |= bit;
        true
    }

    /// The error of a field given twice, kept out of the way of the check
    /// every field makes ([`first_time`](Self::first_time)).
    #[cold]
    #[inline(never)]
    fn given_again(&mut self, field: Field) {
        self.error(
            field.name(),
            None,
            "given more than once",
            "each field at most once",
        );
    }

    /// Sets a field from a raw value. For `ice` and `other_cause` this takes
    /// only `null` (absent), untyped text for `other_cause` (`;`- or
    /// `,`-separated names), or reports the wrong type; their contents go
    /// through [`begin_ice`](Self::begin_ice)/[`ice_item`](Self::ice_item)
    /// and [`begin_other_cause`](Self::begin_other_cause)/[`other_cause_item`](Self::other_cause_item).
    pub fn set(&mut self, field: Field, value: Value<'_>) {
        if !self.first_time(field) {
            return;
        }
        if value.is_absent() {
            return;
        }
        let kind = field.def().kind;
        match kind {
            Kind::Items(_) | Kind::Domains(_) => self.set_whole(field, value),
            _ => {
                if let Some(checked) = self.check(field, kind, &value) {
                    self.store(field, checked);
                }
            }
        }
    }

    /// [`set`](Self::set) of an object or list field from one raw value,
    /// kept out of the scalar fields' path (which every record takes many
    /// times): `other_cause` as untyped text (`;`- or `,`-separated names),
    /// else the wrong type.
    #[inline(never)]
    fn set_whole(&mut self, field: Field, value: Value<'_>) {
        match (field.def().kind, value) {
            (Kind::Domains(_), Value::Text(t)) => {
                for name in t.split([';', ',']).map(str::trim).filter(|n| !n.is_empty()) {
                    self.other_cause_item(Value::Text(name));
                }
            }
            // Untyped text cannot carry an object: CSV has ice_* columns.
            (_, v) => self.wrong_type(field.name(), &v, field.allowed()),
        }
    }

    /// Checks a scalar value against its field's kind.
    fn check(&mut self, field: Field, kind: Kind, v: &Value<'_>) -> Option<Checked> {
        match kind {
            Kind::Id => self.record_id(v).map(Checked::Id),
            Kind::Text => self.text(field, v).map(|t| Checked::Text(EchoedText::from(t))),
            Kind::Timestamp => self.timestamp(field, v).map(Checked::Text),
            Kind::Integer { min, max } => {
                let hi = max.map_or(i128::MAX, i128::from);
                self.integer(|| field.name().into(), v, min.into(), hi, || field.allowed())
                    .map(Checked::Integer)
            }
            Kind::Number {
                min,
                min_exclusive,
                max,
            } => self
                .number(field, v, min, min_exclusive, max)
                .map(Checked::Number),
            Kind::Choice(choices) => {
                let s = self.text(field, v)?;
                let s = if matches!(v, Value::Text(_)) { s.trim() } else { s };
                match choices.iter().position(|c| c.wire == s) {
                    Some(i) => Some(Checked::Choice(i)),
                    None => {
                        self.unknown_choice(field, choices, s, v);
                        None
                    }
                }
            }
            Kind::Boolean => self.boolean(field, v).map(Checked::Boolean),
            Kind::Domains(_) | Kind::Items(_) => None,
        }
    }

    /// The error of a value that is not one of a choice field's: a bedside
    /// alias names the value meant. Kept out of the way of the path every
    /// valid value takes.
    #[cold]
    #[inline(never)]
    fn unknown_choice(&mut self, field: Field, choices: &[Choice], s: &str, v: &Value<'_>) {
        let problem = match choices.iter().find(|c| c.is_alias(s)) {
            Some(c) => format!(
                "unknown value {} (did you mean `{}`? records take the full names)",
                Value::Text(s).show(),
                c.wire
            ),
            None => unknown_value(s, choices.iter().map(|c| c.wire)),
        };
        self.error(field.name(), Some(v), problem, field.allowed());
    }

    /// Puts a checked value in its place in the record: the one place that
    /// knows which field feeds which part of the [`Assessment`].
    fn store(&mut self, field: Field, value: Checked) {
        let small = |n: i128| u8::try_from(n).ok();
        if let (Some(instrument), Checked::Integer(n)) = (TOTAL_ALONE[field as usize], &value) {
            self.totals[instrument as usize] = small(*n);
            return;
        }
        let r = &mut self.record;
        match (field, value) {
            (Field::Id, Checked::Id(id)) => r.id = Some(id),
            (Field::PatientId, Checked::Text(t)) => r.patient_id = Some(t),
            (Field::Day, Checked::Integer(n)) => r.day = u32::try_from(n).ok(),
            (Field::AssessedAt, Checked::Text(t)) => r.assessed_at = Some(t),
            (Field::AgeYears, Checked::Number(x)) => r.age_years = Some(x),
            (Field::WeightKg, Checked::Number(x)) => r.weight_kg = Some(x),
            (Field::WeightConfirmed, Checked::Boolean(b)) => r.weight_confirmed = Some(b),
            (Field::IceTotal, Checked::Integer(n)) => self.ice_total = small(n),
            (Field::Capd, Checked::Integer(n)) => self.capd = small(n),
            (Field::IceBand, Checked::Choice(i)) => self.ice_band = IceBand::ALL.get(i).copied(),
            (Field::Consciousness, Checked::Choice(i)) => {
                r.consciousness = Consciousness::ALL.get(i).copied()
            }
            (Field::Seizure, Checked::Choice(i)) => r.seizure = Seizure::ALL.get(i).copied(),
            (Field::Motor, Checked::Choice(i)) => r.motor = Motor::ALL.get(i).copied(),
            (Field::Edema, Checked::Choice(i)) => r.edema = Edema::ALL.get(i).copied(),
            (Field::CrsGrade, Checked::Integer(n)) => r.crs_grade = small(n),
            (Field::TemperatureC, Checked::Number(x)) => r.temperature_c = Some(x),
            (Field::Fever, Checked::Boolean(b)) => r.fever = Some(b),
            (Field::FeverMasked, Checked::Boolean(b)) => r.fever_masked = Some(b),
            (Field::Hypotension, Checked::Choice(i)) => r.hypotension = Hypotension::ALL.get(i).copied(),
            (Field::Hypoxia, Checked::Choice(i)) => r.hypoxia = Hypoxia::ALL.get(i).copied(),
            (Field::DiedOfCrs, Checked::Boolean(b)) => r.died_of_crs = Some(b),
            (Field::RecordedGrade, Checked::Integer(n)) => r.recorded_grade = small(n),
            (Field::RecordedScale, Checked::Text(t)) => r.recorded_scale = Some(t),
            (Field::RecordedCrsGrade, Checked::Integer(n)) => r.recorded_crs_grade = small(n),
            (Field::RecordedCrsScale, Checked::Text(t)) => r.recorded_crs_scale = Some(t),
            (Field::Product, Checked::Text(t)) => r.product = Some(t),
            (Field::Site, Checked::Text(t)) => r.site = Some(t),
            (Field::PreviousIceTotal, Checked::Integer(n)) => r.previous_ice_total = small(n),
            (Field::PreviousCapd, Checked::Integer(n)) => r.previous_capd = small(n),
            (Field::HoursSinceOnset, Checked::Number(x)) => r.hours_since_onset = Some(x),
            (Field::SteroidRefractory, Checked::Boolean(b)) => r.steroid_refractory = Some(b),
            (Field::DiedOfIcans, Checked::Boolean(b)) => r.died_of_icans = Some(b),
            (field, _) => self.error(
                field.name(),
                None,
                "internal error: the catalogue kind and the record disagree",
                field.allowed(),
            ),
        }
    }

    fn object(&mut self, field: Field) -> Option<&mut ObjectState> {
        match field {
            Field::Ice => Some(&mut self.ice),
            Field::CapdItems => Some(&mut self.capd_items),
            _ => None,
        }
    }

    /// Starts an object field (`ice`, `capd_items`): all its items must follow.
    pub fn begin_object(&mut self, field: Field) {
        if self.first_time(field) {
            if let Some(o) = self.object(field) {
                o.given = true;
            }
        }
    }

    /// Starts the `ice` object.
    pub fn begin_ice(&mut self) {
        self.begin_object(Field::Ice);
    }

    /// One ICE item of the `ice` object, by its key.
    pub fn ice_item(&mut self, key: &str, value: Value<'_>) {
        self.object_item(Field::Ice, key, value);
    }

    /// One item of an object field, by its key: points for the ICE items,
    /// a frequency word for the CAPD items.
    pub fn object_item(&mut self, field: Field, key: &str, value: Value<'_>) {
        let items = items_of(field);
        let Some(index) = items.iter().position(|i| i.key == key) else {
            let what = match field {
                Field::Ice => "ICE item",
                _ => "CAPD item",
            };
            let problem = match closest(key, items.iter().map(|i| i.key)) {
                Some(s) => format!("unknown {what} (did you mean `{s}`?)"),
                None => format!("unknown {what}"),
            };
            let keys: Vec<&str> = items.iter().map(|i| i.key).collect();
            self.error(format!("{}.{key}", field.name()), None, problem, keys.join(", "));
            return;
        };
        let item = &items[index];
        let name = || format!("{}.{}", field.name(), item.key);
        let Some(seen) = self.object(field).map(|o| o.seen[index]) else {
            return;
        };
        if seen {
            self.error(name(), None, "given more than once", "each item once");
            self.about_item(field, item.key);
            return;
        }
        if value.is_absent() {
            // Left to the completeness check in `finish`.
            return;
        }
        let errors = self.errors.len();
        let answer = match item.scoring {
            Scoring::Points => self
                .integer(name, &value, 0, item.max.into(), || item.allowed())
                .and_then(|n| u8::try_from(n).ok()),
            Scoring::Frequency { .. } => {
                let word = match &value {
                    Value::Str(s) => Some(s.as_ref()),
                    Value::Text(t) => Some(t.trim()),
                    _ => None,
                };
                match word.and_then(|w| FREQUENCIES.iter().position(|c| c.wire == w)) {
                    Some(i) => u8::try_from(i).ok(),
                    None => {
                        let problem = match word {
                            Some(w) => unknown_value(w, FREQUENCIES.iter().map(|c| c.wire)),
                            None => wrong_type(&value),
                        };
                        self.error(name(), Some(&value), problem, item.allowed());
                        None
                    }
                }
            }
        };
        if self.errors.len() > errors {
            self.about_item(field, item.key);
        }
        if let Some(o) = self.object(field) {
            o.seen[index] = true;
            o.answers[index] = answer;
        }
    }

    /// Reports the items missing from a given object field.
    fn missing_items(&mut self, field: Field) {
        let items = items_of(field);
        let Some(state) = self.object(field).map(|o| *o) else {
            return;
        };
        if !state.given {
            return;
        }
        let missing: Vec<&str> = items
            .iter()
            .zip(state.seen)
            .filter(|(_, seen)| !seen)
            .map(|(i, _)| i.key)
            .collect();
        if !missing.is_empty() {
            let alternative = match field {
                Field::Ice => " (or ice_total alone)",
                _ => " (or capd alone)",
            };
            self.error(
                field.name(),
                None,
                format!("missing {}", missing.join(", ")),
                format!(
                    "all {} keys: {}{alternative}",
                    match items.len() {
                        5 => "five".to_string(),
                        8 => "eight".to_string(),
                        n => n.to_string(),
                    },
                    field.def().kind.allowed().trim_start_matches("an object with ")
                ),
            );
            if let Some(e) = self.errors.last_mut() {
                e.missing = missing;
            }
        }
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
                self.wrong_type(Field::OtherCause.name(), &other, Field::OtherCause.allowed());
                return;
            }
        };
        match (Domain::from_wire(name), CrsDomain::from_wire(name)) {
            (Some(d), _) => self.record.other_cause.insert(d),
            (None, Some(d)) => self.record.crs_other_cause[d.index()] = true,
            (None, None) => {
                let problem = unknown_value(name, OTHER_CAUSE_CHOICES.iter().map(|c| c.wire));
                self.error(
                    Field::OtherCause.name(),
                    Some(&value),
                    problem,
                    Field::OtherCause.allowed(),
                );
            }
        }
    }

    /// Checks the record as a whole and returns it, or every problem found.
    pub fn finish(self) -> Result<Assessment, RecordError> {
        self.finish_labelled().map_err(|(error, _, _)| error)
    }

    /// [`RecordBuilder::finish`], a refusal keeping the record's `id` and
    /// `patient_id` (moved out, so that a record that is graded pays for no
    /// copy of them).
    #[allow(clippy::type_complexity)]
    pub fn finish_labelled(mut self) -> Result<Assessment, (RecordError, Option<RecordId>, Option<String>)> {
        self.finish_in_place()?;
        Ok(self.record)
    }

    /// [`RecordBuilder::finish_labelled`] with the record left where it was
    /// built: batch work reads one record after another into one builder
    /// ([`RecordBuilder::reset`]), and a record is large, so each move a
    /// copy (README, Performance). After a refusal the builder holds no
    /// record: reset it before the next.
    #[allow(clippy::type_complexity)]
    pub fn finish_in_place(
        &mut self,
    ) -> Result<&mut Assessment, (RecordError, Option<RecordId>, Option<String>)> {
        self.check_whole();
        if self.errors.is_empty() {
            Ok(&mut self.record)
        } else {
            Err((
                RecordError::Invalid(std::mem::take(&mut self.errors)),
                self.record.id.take(),
                self.record.patient_id.take().map(EchoedText::into_string),
            ))
        }
    }

    /// Empties the builder for the next record.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// The checks of the record as a whole (docs/spec.md §1-2), the
    /// instrument worked out and the CRS findings checked: every problem
    /// joins the field errors.
    fn check_whole(&mut self) {
        self.missing_items(Field::Ice);
        self.missing_items(Field::CapdItems);
        let items = self.ice.complete::<5>().map(IceItems::from_array);
        let answers = self.capd_items.complete::<8>().map(CapdAnswers);
        if let (Some(answers), Some(capd)) = (answers, self.capd) {
            if answers.total() != capd {
                self.error(
                    Field::Capd.name(),
                    Some(&Value::Int(capd.into())),
                    format!(
                        "{capd} disagrees with the capd_items, which score {}",
                        answers.total()
                    ),
                    "the score of the capd_items, or capd left out",
                );
            }
        }
        let capd = answers.map(|a| a.total()).or(self.capd);
        let capd_used = self.capd.is_some() || self.capd_items.given;
        if let (Some(items), Some(total)) = (items, self.ice_total) {
            if items.total() != total {
                self.error(
                    Field::IceTotal.name(),
                    Some(&Value::Int(total.into())),
                    format!(
                        "{total} disagrees with the ice items, which add up to {}",
                        items.total()
                    ),
                    "the sum of the ice items, or ice_total left out",
                );
            }
        }
        let ice_used = self.ice.given || self.ice_total.is_some();
        if ice_used && capd_used {
            let shown = capd.map_or_else(|| "capd_items".to_string(), |c| c.to_string());
            self.error(
                Field::Capd.name(),
                capd.map(|c| Value::Int(c.into())).as_ref(),
                format!("{shown} given together with ICE"),
                "ICE (ice or ice_total) or CAPD, not both: CAPD for children under 12 or developmental delay, ICE otherwise",
            );
        }
        // Exactly one instrument (docs/spec.md §2): a CARTOX-10 total or a
        // band beside another is an error naming both.
        let before = if ice_used {
            Some(Instrument::Ice)
        } else if capd_used {
            Some(Instrument::Capd)
        } else {
            None
        };
        self.one_instrument(before);
        self.record.capd_answers = answers;
        self.record.encephalopathy = match (items, self.ice_total, capd) {
            (Some(items), _, _) => Some(EncephalopathyScore::Ice {
                items: Some(items),
                total: items.total(),
            }),
            (None, Some(total), _) => Some(EncephalopathyScore::Ice { items: None, total }),
            (None, None, Some(score)) => Some(EncephalopathyScore::Capd(score)),
            (None, None, None) => INSTRUMENTS
                .iter()
                .find_map(|row| {
                    let total = self.totals[row.instrument as usize]?;
                    Some(EncephalopathyScore::Total {
                        instrument: row.instrument,
                        total,
                    })
                })
                .or(self.ice_band.map(EncephalopathyScore::IceBand)),
        };
        self.check_crs();
        self.check_something_assessed(ice_used || capd_used);
    }

    /// docs/spec.md §2: exactly one instrument. Each instrument given by a
    /// total alone or a band, in order, beside one named before (`before`:
    /// ICE or CAPD, when given) is an error naming both; only the first
    /// is said.
    fn one_instrument(&mut self, mut before: Option<Instrument>) {
        for row in &INSTRUMENTS {
            let (field, value, shown) = match row.given {
                Given::Items { .. } => continue,
                Given::Total(key) => match self.totals[row.instrument as usize] {
                    Some(n) => (key, Value::Int(n.into()), n.to_string()),
                    None => continue,
                },
                Given::Band(key) => match self.ice_band {
                    Some(b) => (
                        key,
                        Value::Str(Cow::Borrowed(b.as_str())),
                        format!("{:?}", b.as_str()),
                    ),
                    None => continue,
                },
            };
            if let Some(other) = before {
                self.error(
                    field,
                    Some(&value),
                    format!("{shown} given together with {}", named(other.row())),
                    one_instrument_allowed(),
                );
            }
            before.get_or_insert(row.instrument);
        }
    }

    /// docs/spec.md §2: a record assesses an ICANS domain (or records a
    /// death by ICANS), or holds CRS information alone (ICANS then not
    /// assessed, v4); with neither it is "nothing assessed".
    fn check_something_assessed(&mut self, score_used: bool) {
        let r = &self.record;
        let anything_assessed = score_used
            || self.totals.iter().any(Option::is_some)
            || self.ice_band.is_some()
            || r.consciousness.is_some()
            || r.seizure.is_some()
            || r.motor.is_some()
            || r.edema.is_some()
            || r.died_of_icans == Some(true)
            || has_crs_findings(r)
            || r.crs_grade.is_some();
        if !anything_assessed && self.errors.is_empty() {
            let names: Vec<&str> = assessing().map(Field::name).collect();
            self.error(
                "record",
                None,
                "nothing assessed",
                format!(
                    "at least one of {} (or {}: true), or CRS information alone ({} or the CRS findings): ICANS then not assessed",
                    names.join(", "),
                    Field::DiedOfIcans.name(),
                    Field::CrsGrade.name()
                ),
            );
        }
    }

    /// docs/spec.md §7: `crs_grade` or the CRS findings, not both; `fever`
    /// agreeing with `temperature_c`.
    fn check_crs(&mut self) {
        let (crs_grade, findings) = (self.record.crs_grade, has_crs_findings(&self.record));
        let (temperature, fever) = (self.record.temperature_c, self.record.fever);
        if let (Some(grade), true) = (crs_grade, findings) {
            self.error(
                Field::CrsGrade.name(),
                Some(&Value::Int(grade.into())),
                format!("{grade} given together with CRS findings"),
                "crs_grade, or the findings it is graded from (temperature_c, fever, fever_masked, hypotension, hypoxia, died_of_crs), not both",
            );
        }
        if let (Some(t), Some(fever)) = (temperature, fever) {
            if (t >= FEVER_MIN_CELSIUS) != fever {
                self.error(
                    Field::Fever.name(),
                    Some(&Value::Bool(fever)),
                    format!("{fever} disagrees with temperature_c {t} (fever is >= {FEVER_MIN_CELSIUS} C)"),
                    "the fever that temperature_c says, or fever left out",
                );
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn wrong_type(&mut self, field: &str, v: &Value<'_>, allowed: impl Into<Cow<'static, str>>) {
        self.error(field, Some(v), wrong_type(v), allowed);
    }

    /// An integer within `lo..=hi`, or the problem reported against
    /// `field` with what `allowed` says (both made only on error, so valid
    /// records allocate nothing here).
    fn integer(
        &mut self,
        field: impl FnOnce() -> String,
        v: &Value<'_>,
        lo: i128,
        hi: i128,
        allowed: impl FnOnce() -> String,
    ) -> Option<i128> {
        match integer_in(v, lo, hi) {
            Ok(n) => Some(n),
            Err(problem) => {
                self.error(field(), Some(v), problem, allowed());
                None
            }
        }
    }

    /// A finite number of at least `min`; integers and decimals alike.
    fn number(
        &mut self,
        field: Field,
        v: &Value<'_>,
        min: f64,
        min_exclusive: bool,
        max: Option<f64>,
    ) -> Option<f64> {
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
        if (Kind::Number {
            min,
            min_exclusive,
            max,
        })
        .accepts_number(x)
        {
            Some(x)
        } else {
            let shown = if matches!(v, Value::Text(_)) {
                x.to_string()
            } else {
                v.show()
            };
            let problem = match super::catalogue::fahrenheit_as_celsius(x) {
                Some(c) if field == Field::TemperatureC => {
                    format!("{shown} is out of range; it looks like degrees Fahrenheit ({c:.1} C)")
                }
                _ => format!("{shown} is out of range"),
            };
            self.error(field.name(), Some(v), problem, field.allowed());
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

    #[inline]
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

    fn timestamp(&mut self, field: Field, v: &Value<'_>) -> Option<EchoedText> {
        let t = self.text(field, v)?;
        match chrono::DateTime::parse_from_rfc3339(t.trim()) {
            // Echoed unchanged, as given.
            Ok(_) => Some(EchoedText::from(t)),
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
            Value::Str(s) => Some(RecordId::Text(EchoedText::from(s.as_ref()))),
            Value::Text(t) => Some(RecordId::Text(EchoedText::from(*t))),
            _ => {
                self.wrong_type(Field::Id.name(), v, Field::Id.allowed());
                None
            }
        }
    }
}

/// An integer within `lo..=hi`, or what is wrong with the value. JSON
/// strings and decimals are the wrong type; untyped text is read as an
/// integer.
#[inline]
fn integer_in(v: &Value<'_>, lo: i128, hi: i128) -> Result<i128, String> {
    // The common case, a JSON integer in range, without the call.
    match v {
        Value::Int(n) if (lo..=hi).contains(n) => Ok(*n),
        _ => integer_in_general(v, lo, hi),
    }
}

/// [`integer_in`] of any value: untyped text parsed, every problem said.
#[inline(never)]
fn integer_in_general(v: &Value<'_>, lo: i128, hi: i128) -> Result<i128, String> {
    let n = match v {
        Value::Int(n) => *n,
        Value::Text(t) => match t.trim().parse::<i128>() {
            Ok(n) => n,
            Err(_) if t.trim().parse::<f64>().is_ok() => {
                return Err(format!("{} is not an integer", v.show()));
            }
            Err(_) => return Err(format!("{} is not a number", v.show())),
        },
        Value::Float(_) => return Err(format!("{} is not an integer", v.show())),
        _ => return Err(wrong_type(v)),
    };
    if (lo..=hi).contains(&n) {
        Ok(n)
    } else {
        Err(format!("{n} is out of range"))
    }
}

/// "X is a string", "got an object": a value of the wrong type.
fn wrong_type(v: &Value<'_>) -> String {
    match v {
        Value::Object | Value::Array => format!("got {}", v.kind()),
        _ => format!("{} is {}", v.show(), v.kind()),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Absent: null and untyped text of white space only (Unicode white
    /// space too, as `trim` reads it). A JSON string is never absent, even
    /// empty: it is checked, and refused where a value is wanted.
    #[test]
    fn only_null_and_blank_untyped_text_are_absent() {
        for absent in [
            Value::Null,
            Value::Text(""),
            Value::Text(" \t "),
            Value::Text("\u{a0}"),
        ] {
            assert!(absent.is_absent(), "{absent:?}");
        }
        for present in [
            Value::Text(" x "),
            Value::Str(Cow::Borrowed("")),
            Value::Str(Cow::Borrowed(" ")),
            Value::Int(0),
            Value::Bool(false),
            Value::Object,
            Value::Array,
        ] {
            assert!(!present.is_absent(), "{present:?}");
        }
    }

    #[test]
    fn values_are_shown_short_and_quoted() {
        assert_eq!(Value::Text("voice").show(), "\"voice\"");
        assert_eq!(Value::Int(-3).show(), "-3");
        assert_eq!(Value::Float(7.0).show(), "7.0");
        assert_eq!(Value::Null.show(), "null");
        assert_eq!(Value::Object.show(), "an object");
        let long = "y".repeat(100);
        assert_eq!(
            Value::Str(Cow::Borrowed(&long)).show(),
            format!("\"{}\"...", "y".repeat(40))
        );
        assert_eq!(Value::Text("a\nb").show(), "\"a\\nb\"");
    }

    #[test]
    fn every_problem_of_a_record_is_listed() {
        let mut b = RecordBuilder::new();
        b.set(Field::IceTotal, Value::Int(11));
        b.set(Field::Seizure, Value::Str(Cow::Borrowed("brief")));
        b.set(Field::Seizure, Value::Str(Cow::Borrowed("none")));
        let Err(RecordError::Invalid(errors)) = b.finish() else {
            panic!("the record is invalid");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["ice_total", "seizure", "seizure"]);
        assert_eq!(
            errors[0].to_string(),
            "ice_total: 11 is out of range (allowed: an integer 0-10)"
        );
        assert_eq!(errors[2].problem, "given more than once");
    }
}
