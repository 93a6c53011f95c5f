//! The field catalogue: every record field (docs/spec.md §1) defined once,
//! with its kind, from which everything else about it is derived: the
//! validation and the `allowed` text of errors ([`RecordBuilder`]), the JSON
//! Schema, the command-line flags (name, value name, possible values,
//! help), the CSV column names and the `icans assess` questions.
//!
//! Adding a field is one entry in the `fields!` list below plus its use in
//! grading (where the validated value lands in [`Assessment`]). ripgrep's
//! `crates/core/flags/defs.rs` defines each flag once in the same way.
//!
//! [`RecordBuilder`]: super::RecordBuilder
//! [`Assessment`]: super::Assessment

use std::fmt::Write as _;

pub use super::domain::Choice;
use super::domain::{
    Consciousness, Edema, Hypotension, Hypoxia, IceBand, Motor, OTHER_CAUSE_CHOICES, Seizure,
};
use super::rules::{CAPD_MAX, ICE_MAX};
use crate::fever_celsius;

/// How an item of an object field is answered and scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scoring {
    /// Points 0 to `max` (the ICE items).
    Points,
    /// A frequency word (`never` ... `always`) scored 0-4, or 4-0 when
    /// `reversed` (the CAPD items).
    Frequency {
        /// `never` scores 4 and `always` 0.
        reversed: bool,
    },
}

/// One item of an object field (the five ICE items, the eight CAPD items).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// The key inside the object (`orientation`).
    pub key: &'static str,
    /// The highest score (the lowest is 0).
    pub max: u8,
    /// What the item asks, in the instrument's words.
    pub help: &'static str,
    /// The command-line flag (`--orientation`).
    pub flag: &'static str,
    /// The CSV column (`ice_orientation`).
    pub column: &'static str,
    /// How it is answered and scored.
    pub scoring: Scoring,
}

impl Item {
    /// The score of an answer: points as given, or a frequency word's score.
    pub fn score_of_word(&self, word: &str) -> Option<u8> {
        let Scoring::Frequency { reversed } = self.scoring else {
            return None;
        };
        let i = FREQUENCIES.iter().position(|c| c.wire == word)?;
        let i = u8::try_from(i).ok()?;
        Some(if reversed { self.max - i } else { i })
    }

    /// What the item allows, in the words of error messages.
    pub fn allowed(&self) -> String {
        match self.scoring {
            Scoring::Points => format!("an integer 0-{}", self.max),
            Scoring::Frequency { .. } => names(FREQUENCIES),
        }
    }
}

/// The CAPD answers, in order of score for the items that are not reversed.
pub const FREQUENCIES: &[Choice] = &[
    Choice {
        wire: "never",
        description: "never",
        aliases: &[],
    },
    Choice {
        wire: "rarely",
        description: "rarely",
        aliases: &[],
    },
    Choice {
        wire: "sometimes",
        description: "sometimes",
        aliases: &[],
    },
    Choice {
        wire: "often",
        description: "often",
        aliases: &[],
    },
    Choice {
        wire: "always",
        description: "always",
        aliases: &[],
    },
];

/// What a field holds, and so how it is read, checked and shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A string or an integer, echoed unchanged (`id`).
    Id,
    /// Free text, echoed.
    Text,
    /// An RFC 3339 date-time, echoed.
    Timestamp,
    /// A whole number in `min..=max`; `max: None` is unbounded above.
    Integer {
        /// Lowest allowed.
        min: i64,
        /// Highest allowed, if any.
        max: Option<i64>,
    },
    /// A number (integer or decimal) of at least `min` (above it, when
    /// `min_exclusive`), and at most `max`.
    Number {
        /// Lowest allowed.
        min: f64,
        /// `min` itself is not allowed.
        min_exclusive: bool,
        /// Highest allowed, if any.
        max: Option<f64>,
    },
    /// One of a list of values.
    Choice(&'static [Choice]),
    /// `true` or `false`.
    Boolean,
    /// A list of domain names.
    Domains(&'static [Choice]),
    /// An object of integer items, all required.
    Items(&'static [Item]),
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

/// One record field, as the catalogue defines it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldDef {
    /// The record key (JSON key, CSV column).
    pub name: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Said after the kind in `allowed` texts (`days since cell infusion`).
    pub note: &'static str,
    /// One line: what the field means (flag help, schema description).
    pub help: &'static str,
    /// The command-line flag, without `--`; empty for none (`ice` is
    /// given by its items' flags).
    pub flag: &'static str,
    /// The value name in flag help for unbounded numbers (`YEARS`).
    pub unit: &'static str,
    /// The `icans assess` question, when the field is asked; empty when not.
    pub question: &'static str,
}

macro_rules! fields {
    ($( $(#[$m:meta])* $variant:ident = $name:literal { $($key:ident : $value:expr),* $(,)? } ),+ $(,)?) => {
        /// The record fields (docs/spec.md §1), in the order the record,
        /// the schema and the flags list them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Field { $( $(#[$m])* $variant ),+ }

        impl Field {
            /// Every field, in catalogue order.
            pub const ALL: &'static [Field] = &[$(Field::$variant),+];

            /// The field's catalogue entry.
            pub const fn def(self) -> &'static FieldDef {
                match self {
                    $(Field::$variant => &FieldDef { name: $name, $($key: $value),* }),+
                }
            }

            /// Looks a field up by its record key.
            pub fn from_name(name: &str) -> Option<Field> {
                match name {
                    $($name => Some(Field::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

/// Defaults for the optional parts of an entry.
const NONE: &str = "";

fields! {
    /// `id`: echoed unchanged.
    Id = "id" { kind: Kind::Id, note: NONE, help: "Record id, echoed",
         flag: "id", unit: "ID", question: NONE },
    /// `patient_id`: links assessments of one patient.
    PatientId = "patient_id" { kind: Kind::Text, note: NONE, help: "Patient id, echoed; links assessments of one patient",
         flag: "patient-id", unit: "ID", question: NONE },
    /// `day`: days since infusion.
    Day = "day" { kind: Kind::Integer { min: 0, max: Some(u32::MAX as i64) }, note: "days since cell infusion",
         help: "Days since cell infusion (day 0 = infusion)", flag: "day", unit: "DAYS", question: NONE },
    /// `assessed_at`: time of assessment.
    AssessedAt = "assessed_at" { kind: Kind::Timestamp, note: NONE, help: "Time of assessment, RFC 3339",
         flag: "assessed-at", unit: "TIME", question: NONE },
    /// `age_years`: patient age.
    AgeYears = "age_years" { kind: Kind::Number { min: 0.0, min_exclusive: false, max: Some(120.0) }, note: NONE,
         help: "Patient age in years (instrument warnings; under 18 a child's doses)", flag: "age", unit: "YEARS",
         question: "Patient age in years (under 12: CAPD instead of ICE)" },
    /// `weight_kg`: for weight-based doses.
    WeightKg = "weight_kg" { kind: Kind::Number { min: 2.0, min_exclusive: false, max: Some(300.0) }, note: NONE,
         help: "Body weight in kg, for weight-based doses", flag: "weight", unit: "KG",
         question: "Body weight in kg, for weight-based doses" },
    /// `weight_confirmed`: the weight was checked (docs/spec.md §6, v4).
    WeightConfirmed = "weight_confirmed" { kind: Kind::Boolean, note: NONE,
         help: "The weight was checked: no plausibility warning, doses computed with it", flag: "weight-confirmed",
         unit: NONE, question: NONE },
    /// `ice`: the five ICE items.
    Ice = "ice" { kind: Kind::Items(&ICE_ITEMS), note: NONE,
         help: "The five ICE items (all required)", flag: NONE, unit: NONE, question: NONE },
    /// `ice_total`: ICE total when only the total was recorded.
    IceTotal = "ice_total" { kind: Kind::Integer { min: 0, max: Some(ICE_MAX as i64) }, note: NONE,
         help: "ICE total, when only the total was recorded", flag: "ice-total", unit: NONE, question: NONE },
    /// `capd`: CAPD total for children.
    Capd = "capd" { kind: Kind::Integer { min: 0, max: Some(CAPD_MAX as i64) }, note: NONE,
         help: "CAPD total, for children under 12 or developmental delay", flag: "capd", unit: NONE,
         question: "CAPD total (Cornell Assessment of Pediatric Delirium)" },
    /// `capd_items`: the eight CAPD answers.
    CapdItems = "capd_items" { kind: Kind::Items(&CAPD_ITEMS), note: NONE,
         help: "The eight CAPD answers (all required), scored by icans", flag: NONE, unit: NONE, question: NONE },
    /// `cartox10`: CARTOX-10 total (records before 2019), read on the ICE bands.
    Cartox10 = "cartox10" { kind: Kind::Integer { min: 0, max: Some(ICE_MAX as i64) }, note: "read on the ICE bands",
         help: "CARTOX-10 total (records before 2019), read on the ICE bands", flag: "cartox10", unit: NONE,
         question: NONE },
    /// `ice_band`: an ICE total recorded only as a band.
    IceBand = "ice_band" { kind: Kind::Choice(IceBand::CHOICES), note: NONE,
         help: "ICE (or CARTOX-10) total recorded only as a band (registry forms)", flag: "ice-band", unit: "BAND",
         question: NONE },
    /// `consciousness`: level of consciousness.
    Consciousness = "consciousness" { kind: Kind::Choice(Consciousness::CHOICES), note: NONE,
         help: "Level of consciousness (needing vigorous or repetitive tactile stimuli to arouse is unarousable)", flag: "consciousness", unit: "LEVEL", question: "Level of consciousness" },
    /// `seizure`.
    Seizure = "seizure" { kind: Kind::Choice(Seizure::CHOICES), note: NONE,
         help: "Seizures", flag: "seizure", unit: "SEIZURE", question: "Seizures" },
    /// `motor`.
    Motor = "motor" { kind: Kind::Choice(Motor::CHOICES), note: NONE,
         help: "Motor findings (tremor and myoclonus recorded, never graded)", flag: "motor", unit: "MOTOR",
         question: "Motor findings" },
    /// `edema`.
    Edema = "edema" { kind: Kind::Choice(Edema::CHOICES), note: NONE,
         help: "Raised ICP / cerebral edema", flag: "edema", unit: "EDEMA", question: "Raised ICP / cerebral edema" },
    /// `other_cause`: domains attributable to another cause.
    OtherCause = "other_cause" { kind: Kind::Domains(OTHER_CAUSE_CHOICES), note: NONE,
         help: "Domains whose finding is attributable to another cause (e.g. sedation), excluded from the grade",
         flag: "other-cause", unit: "DOMAIN",
         question: "Findings due to another cause (e.g. sedation), excluded from the grade" },
    /// `crs_grade`: concurrent CRS grade.
    CrsGrade = "crs_grade" { kind: Kind::Integer { min: 0, max: Some(4) }, note: "ASTCT CRS grade; 0 = no active CRS",
         help: "Concurrent CRS grade (ASTCT; 0 = no active CRS)", flag: "crs-grade", unit: NONE,
         question: "Concurrent CRS grade" },
    /// `temperature_c`: highest temperature.
    TemperatureC = "temperature_c" { kind: Kind::Number { min: 25.0, min_exclusive: false, max: Some(45.0) },
         note: concat!("degrees Celsius; >= ", fever_celsius!(), " is fever"),
         help: concat!("Highest temperature in degrees Celsius (>= ", fever_celsius!(), " is fever)"),
         flag: "temperature", unit: "CELSIUS",
         question: concat!("Highest temperature in degrees Celsius (>= ", fever_celsius!(), " is fever)") },
    /// `fever`: fever >= 38.0 C.
    Fever = "fever" { kind: Kind::Boolean, note: NONE,
         help: concat!("Fever >= ", fever_celsius!(), " C (must agree with temperature_c)"),
         flag: "fever", unit: NONE, question: NONE },
    /// `fever_masked`: antipyretic or anti-cytokine therapy already given.
    FeverMasked = "fever_masked" { kind: Kind::Boolean, note: NONE,
         help: "Antipyretic or anti-cytokine therapy (tocilizumab, corticosteroids) already given for CRS: fever no longer required",
         flag: "fever-masked", unit: NONE,
         question: "Tocilizumab or corticosteroids (or antipyretics) already given for CRS?" },
    /// `hypotension`: blood-pressure support.
    Hypotension = "hypotension" { kind: Kind::Choice(Hypotension::CHOICES), note: NONE,
         help: "Hypotension (CRS): blood-pressure support", flag: "hypotension", unit: "SUPPORT",
         question: "Hypotension (CRS): blood-pressure support" },
    /// `hypoxia`: oxygen support.
    Hypoxia = "hypoxia" { kind: Kind::Choice(Hypoxia::CHOICES), note: NONE,
         help: "Hypoxia (CRS): oxygen support", flag: "hypoxia", unit: "SUPPORT",
         question: "Hypoxia (CRS): oxygen support" },
    /// `died_of_crs`.
    DiedOfCrs = "died_of_crs" { kind: Kind::Boolean, note: NONE, help: "Death attributed to CRS (CRS grade 5)",
         flag: "died-of-crs", unit: NONE, question: NONE },
    /// `previous_ice_total`.
    PreviousIceTotal = "previous_ice_total" { kind: Kind::Integer { min: 0, max: Some(ICE_MAX as i64) }, note: NONE,
         help: "Previous ICE total; a lower total now means ICE is declining", flag: "previous-ice-total", unit: NONE,
         question: "Previous ICE total, for the trend" },
    /// `previous_capd`.
    PreviousCapd = "previous_capd" { kind: Kind::Integer { min: 0, max: Some(CAPD_MAX as i64) }, note: NONE,
         help: "Previous CAPD total; a higher total now means CAPD is worsening", flag: "previous-capd", unit: NONE,
         question: "Previous CAPD total, for the trend" },
    /// `hours_since_onset`.
    HoursSinceOnset = "hours_since_onset" { kind: Kind::Number { min: 0.0, min_exclusive: false, max: None }, note: NONE,
         help: "Hours since ICANS symptoms began", flag: "hours-since-onset", unit: "HOURS",
         question: "Hours since ICANS symptoms began" },
    /// `steroid_refractory`.
    SteroidRefractory = "steroid_refractory" { kind: Kind::Boolean, note: NONE,
         help: "ICANS refractory to corticosteroids (no improvement despite them)", flag: "steroid-refractory", unit: NONE,
         question: "Is the ICANS refractory to corticosteroids (no improvement despite them)?" },
    /// `recorded_grade`: the grade recorded at the source, for `icans audit`.
    RecordedGrade = "recorded_grade" { kind: Kind::Integer { min: 0, max: Some(5) }, note: "echoed, never used in grading",
         help: "The neurotoxicity grade recorded at the source, on any scale (audit)", flag: "recorded-grade", unit: NONE,
         question: NONE },
    /// `recorded_scale`: the scale of `recorded_grade`.
    RecordedScale = "recorded_scale" { kind: Kind::Text, note: NONE,
         help: "The scale of recorded_grade (ASTCT 2019, CTCAE v5, CARTOX-10, ...)", flag: "recorded-scale", unit: "SCALE",
         question: NONE },
    /// `died_of_icans`.
    DiedOfIcans = "died_of_icans" { kind: Kind::Boolean, note: NONE,
         help: "Death attributed to ICANS (grade 5)", flag: "died-of-icans", unit: NONE, question: NONE },
    /// `recorded_crs_grade`: the CRS grade recorded at the source.
    RecordedCrsGrade = "recorded_crs_grade" { kind: Kind::Integer { min: 0, max: Some(5) },
         note: "echoed, never used in grading",
         help: "The CRS grade recorded at the source, on any scale (audit)", flag: "recorded-crs-grade", unit: NONE,
         question: NONE },
    /// `recorded_crs_scale`: the scale of `recorded_crs_grade`.
    RecordedCrsScale = "recorded_crs_scale" { kind: Kind::Text, note: NONE,
         help: "The scale of recorded_crs_grade (ASTCT 2019, Lee 2014, Penn, MSKCC, CARTOX, CTCAE v5, ...)",
         flag: "recorded-crs-scale", unit: "SCALE", question: NONE },
    /// `product`: the cell product.
    Product = "product" { kind: Kind::Text, note: NONE,
         help: "The cell product (axi-cel, tisa-cel, ...), echoed", flag: "product", unit: "PRODUCT", question: NONE },
    /// `site`: the treating site.
    Site = "site" { kind: Kind::Text, note: NONE,
         help: "The treating site, echoed", flag: "site", unit: "SITE", question: NONE },
}

/// The ICE items (knowledge page "ICE Score Assessment"), in the screen's
/// order: orientation 4 points, naming 3, writing, attention and commands 1.
pub const ICE_ITEMS: [Item; 5] = [
    Item {
        key: "orientation",
        max: 4,
        help: "ICE orientation: year, month, city, hospital",
        flag: "orientation",
        column: "ice_orientation",
        scoring: Scoring::Points,
    },
    Item {
        key: "naming",
        max: 3,
        help: "ICE naming: three objects",
        flag: "naming",
        column: "ice_naming",
        scoring: Scoring::Points,
    },
    Item {
        key: "writing",
        max: 1,
        help: "ICE writing: a standard sentence",
        flag: "writing",
        column: "ice_writing",
        scoring: Scoring::Points,
    },
    Item {
        key: "attention",
        max: 1,
        help: "ICE attention: count back from 100 by 10",
        flag: "attention",
        column: "ice_attention",
        scoring: Scoring::Points,
    },
    Item {
        key: "commands",
        max: 1,
        help: "ICE commands: follows simple commands",
        flag: "commands",
        column: "ice_commands",
        scoring: Scoring::Points,
    },
];

/// The eight CAPD items (Cornell Assessment of Pediatric Delirium), each
/// answered never, rarely, sometimes, often or always. The first four are
/// reversed (never 4 ... always 0), the last four not (never 0 ... always 4):
/// a higher total is more delirium.
pub const CAPD_ITEMS: [Item; 8] = [
    Item {
        key: "eye_contact",
        max: 4,
        help: "Does the child make eye contact with the caregiver?",
        flag: "capd-eye-contact",
        column: "capd_eye_contact",
        scoring: Scoring::Frequency { reversed: true },
    },
    Item {
        key: "purposeful_actions",
        max: 4,
        help: "Are the child's actions purposeful?",
        flag: "capd-purposeful-actions",
        column: "capd_purposeful_actions",
        scoring: Scoring::Frequency { reversed: true },
    },
    Item {
        key: "aware_of_surroundings",
        max: 4,
        help: "Is the child aware of their surroundings?",
        flag: "capd-aware-of-surroundings",
        column: "capd_aware_of_surroundings",
        scoring: Scoring::Frequency { reversed: true },
    },
    Item {
        key: "communicates_needs",
        max: 4,
        help: "Does the child communicate needs and wants?",
        flag: "capd-communicates-needs",
        column: "capd_communicates_needs",
        scoring: Scoring::Frequency { reversed: true },
    },
    Item {
        key: "restless",
        max: 4,
        help: "Is the child restless?",
        flag: "capd-restless",
        column: "capd_restless",
        scoring: Scoring::Frequency { reversed: false },
    },
    Item {
        key: "inconsolable",
        max: 4,
        help: "Is the child inconsolable?",
        flag: "capd-inconsolable",
        column: "capd_inconsolable",
        scoring: Scoring::Frequency { reversed: false },
    },
    Item {
        key: "underactive",
        max: 4,
        help: "Is the child underactive: very little movement while awake?",
        flag: "capd-underactive",
        column: "capd_underactive",
        scoring: Scoring::Frequency { reversed: false },
    },
    Item {
        key: "slow_response",
        max: 4,
        help: "Does it take the child a long time to respond to interactions?",
        flag: "capd-slow-response",
        column: "capd_slow_response",
        scoring: Scoring::Frequency { reversed: false },
    },
];

impl Kind {
    /// What the kind allows, in the words of error messages.
    pub fn allowed(&self) -> String {
        match self {
            Kind::Id => "a string or an integer".into(),
            Kind::Text => "a string".into(),
            Kind::Timestamp => "an RFC 3339 date-time such as \"2026-03-04T08:30:00Z\"".into(),
            Kind::Integer { min, max: Some(max) } if *max < i64::from(u32::MAX) => {
                format!("an integer {min}-{max}")
            }
            Kind::Integer { min, .. } => format!("an integer >= {min}"),
            Kind::Number {
                min,
                min_exclusive,
                max,
            } => {
                let lower = if *min_exclusive { ">" } else { ">=" };
                match max {
                    Some(max) => format!("a number {lower} {min}, at most {max}"),
                    None => format!("a number {lower} {min}"),
                }
            }
            Kind::Choice(choices) => names(choices),
            Kind::Boolean => "true or false".into(),
            Kind::Domains(choices) => format!("an array of domain names: {}", names(choices)),
            Kind::Items(items) if items.iter().all(|i| i.scoring == Scoring::Points) => {
                let parts: Vec<String> = items.iter().map(|i| format!("{} 0-{}", i.key, i.max)).collect();
                format!("an object with {}", parts.join(", "))
            }
            Kind::Items(items) => {
                let keys: Vec<&str> = items.iter().map(|i| i.key).collect();
                format!("an object with {}, each {}", keys.join(", "), names(FREQUENCIES))
            }
        }
    }

    /// Whether a number is within a [`Kind::Number`]'s range (finite, at
    /// least or above `min`, at most `max`); false for any other kind.
    pub fn accepts_number(&self, x: f64) -> bool {
        match *self {
            Kind::Number {
                min,
                min_exclusive,
                max,
            } => {
                let above_min = if min_exclusive { x > min } else { x >= min };
                x.is_finite() && above_min && max.is_none_or(|m| x <= m)
            }
            _ => false,
        }
    }

    /// How the value is laid out in JSON.
    pub const fn shape(&self) -> Shape {
        match self {
            Kind::Items(_) => Shape::Object,
            Kind::Domains(_) => Shape::List,
            _ => Shape::Scalar,
        }
    }
}

/// Wire names, comma separated.
pub fn names(choices: &[Choice]) -> String {
    let names: Vec<&str> = choices.iter().map(|c| c.wire).collect();
    names.join(", ")
}

// Every field has a bit of its own in a set of fields (`Field::bit`).
const _: () = assert!(Field::ALL.len() <= 64);

impl Field {
    /// The record key.
    pub const fn name(self) -> &'static str {
        self.def().name
    }

    /// The field's bit in a set of fields held as a `u64` (the fields a
    /// record gave, the object fields a row gives).
    pub const fn bit(self) -> u64 {
        1u64 << (self as u32)
    }

    /// How the value is laid out in JSON.
    pub const fn shape(self) -> Shape {
        self.def().kind.shape()
    }

    /// What the field allows, in the words of error messages: the kind,
    /// then the note.
    pub fn allowed(self) -> String {
        let def = self.def();
        let mut s = def.kind.allowed();
        if !def.note.is_empty() {
            let _ = write!(s, " ({})", def.note);
        }
        s
    }

    /// The field closest to a misspelt key, when one is close enough to be
    /// what was meant (`siezure` -> `seizure`).
    pub fn suggest(name: &str) -> Option<&'static str> {
        // An export misspells the same key on every row: each thread keeps
        // the answers for the last few hundred keys (it is the same answer
        // every time, and computing it is most of an invalid record's cost).
        const KEPT: usize = 256;
        thread_local! {
            static SUGGESTED: std::cell::RefCell<std::collections::HashMap<Box<str>, Option<&'static str>>> =
                std::cell::RefCell::new(std::collections::HashMap::new());
        }
        if let Some(known) = SUGGESTED.with_borrow(|m| m.get(name).copied()) {
            return known;
        }
        let names = Field::ALL
            .iter()
            .map(|f| f.name())
            .chain(ICE_ITEMS.iter().map(|i| i.key))
            .chain(CAPD_ITEMS.iter().map(|i| i.key));
        let suggestion = closest(name, names);
        SUGGESTED.with_borrow_mut(|m| {
            if m.len() >= KEPT {
                m.clear();
            }
            m.insert(name.into(), suggestion);
        });
        suggestion
    }
}

/// The record's fields as a Markdown table (docs/spec.md §1 is kept to it
/// by a test): key, what it allows, meaning, flag.
pub fn markdown_table() -> String {
    let mut out = String::from("| field | allowed | meaning | flag |\n|---|---|---|---|\n");
    for &f in Field::ALL {
        let def = f.def();
        let flag = match def.kind {
            Kind::Items(items) => items
                .iter()
                .map(|i| format!("`--{}`", i.flag))
                .collect::<Vec<_>>()
                .join(" "),
            _ if def.flag.is_empty() => String::new(),
            _ => format!("`--{}`", def.flag),
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {flag} |",
            def.name,
            f.allowed(),
            def.help
        );
    }
    out
}

/// What one CSV column feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// A whole field.
    Field(Field),
    /// One item of an object field (`ice_naming`).
    Item(Field, &'static Item),
}

impl Column {
    /// Every CSV column name, in catalogue order (see [`Column::all`]).
    pub fn names() -> Vec<String> {
        Column::all().map(|(n, _)| n).collect()
    }

    /// Every CSV column name a record may have, in catalogue order: the
    /// field names, with object fields as one column per item
    /// (`ice_orientation`, ...).
    pub fn all() -> impl Iterator<Item = (String, Column)> {
        Field::ALL.iter().flat_map(|&f| match f.def().kind {
            Kind::Items(items) => items
                .iter()
                .map(|i| (i.column.to_string(), Column::Item(f, i)))
                .collect::<Vec<_>>(),
            _ => vec![(f.name().to_string(), Column::Field(f))],
        })
    }

    /// The column a CSV header name feeds, if any.
    pub fn from_csv(name: &str) -> Option<Column> {
        Column::all().find(|(n, _)| n == name).map(|(_, c)| c)
    }
}

/// A temperature given as `temperature_c` that is most likely degrees
/// Fahrenheit (95-113 F, which is 35-45 C): its value in degrees Celsius,
/// for a message that says so. Never used to convert a value unasked.
pub fn fahrenheit_as_celsius(x: f64) -> Option<f64> {
    (95.0..=113.0).contains(&x).then(|| (x - 32.0) * 5.0 / 9.0)
}

/// The candidate closest to `input`, when it is close enough to be a typo.
pub fn closest<'n>(input: &str, candidates: impl Iterator<Item = &'n str>) -> Option<&'n str> {
    let lower = input.to_ascii_lowercase();
    candidates
        .map(|c| (strsim::jaro_winkler(&lower, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The answers kept per thread are the answers worked out: asked again,
    /// and after the store has been emptied by many other keys.
    #[test]
    fn suggestions_kept_are_those_worked_out() {
        for round in 0..3 {
            assert_eq!(Field::suggest("siezure"), Some("seizure"), "round {round}");
            assert_eq!(
                Field::suggest("conciousness"),
                Some("consciousness"),
                "round {round}"
            );
            assert_eq!(Field::suggest("zzzz"), None, "round {round}");
            for i in 0..300 {
                assert_eq!(Field::suggest(&format!("unrelated key {i}")), None);
            }
        }
    }

    #[test]
    fn allowed_texts_are_derived_from_the_kind_and_note() {
        assert_eq!(Field::IceTotal.allowed(), "an integer 0-10");
        assert_eq!(Field::Day.allowed(), "an integer >= 0 (days since cell infusion)");
        assert_eq!(
            Field::CrsGrade.allowed(),
            "an integer 0-4 (ASTCT CRS grade; 0 = no active CRS)"
        );
        assert_eq!(Field::AgeYears.allowed(), "a number >= 0, at most 120");
        assert_eq!(Field::WeightKg.allowed(), "a number >= 2, at most 300");
        assert_eq!(
            Field::Ice.allowed(),
            "an object with orientation 0-4, naming 0-3, writing 0-1, attention 0-1, commands 0-1"
        );
        assert_eq!(
            Field::Consciousness.allowed(),
            "alert, awakens_spontaneously, awakens_to_voice, awakens_to_tactile, unarousable"
        );
        assert_eq!(
            Field::OtherCause.allowed(),
            "an array of domain names: encephalopathy, consciousness, seizure, motor, edema, fever, hypotension, hypoxia"
        );
    }

    #[test]
    fn every_field_has_a_unique_name_flag_and_csv_column() {
        let mut names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Field::ALL.len());
        let mut flags: Vec<&str> = Field::ALL
            .iter()
            .map(|f| f.def().flag)
            .filter(|f| !f.is_empty())
            .chain(ICE_ITEMS.iter().map(|i| i.flag))
            .collect();
        let n = flags.len();
        flags.sort_unstable();
        flags.dedup();
        assert_eq!(flags.len(), n);
        let columns = Column::names();
        assert!(columns.contains(&"ice_orientation".to_string()));
        assert!(!columns.contains(&"ice".to_string()));
        assert!(columns.contains(&"capd_eye_contact".to_string()));
        assert_eq!(
            columns.len(),
            Field::ALL.len() - 2 + ICE_ITEMS.len() + CAPD_ITEMS.len()
        );
    }

    #[test]
    fn bedside_aliases_match_in_any_case_and_spacing() {
        let voice = super::Consciousness::CHOICES[2];
        assert!(voice.matches_bedside("Voice"));
        assert!(voice.matches_bedside("awakens to voice"));
        assert!(voice.matches_bedside("awakens-to-voice"));
        assert!(!voice.matches_bedside("tactile"));
    }

    #[test]
    fn capd_answers_are_scored_with_the_first_four_reversed() {
        assert_eq!(CAPD_ITEMS[0].score_of_word("never"), Some(4));
        assert_eq!(CAPD_ITEMS[0].score_of_word("always"), Some(0));
        assert_eq!(CAPD_ITEMS[3].score_of_word("rarely"), Some(3));
        assert_eq!(CAPD_ITEMS[4].score_of_word("never"), Some(0));
        assert_eq!(CAPD_ITEMS[7].score_of_word("often"), Some(3));
        assert_eq!(CAPD_ITEMS[7].score_of_word("sometimes"), Some(2));
        assert_eq!(CAPD_ITEMS[7].score_of_word("maybe"), None);
        assert_eq!(ICE_ITEMS[0].score_of_word("never"), None);
    }

    #[test]
    fn misspelt_keys_are_matched_to_the_field_meant() {
        assert_eq!(Field::suggest("siezure"), Some("seizure"));
        assert_eq!(Field::suggest("orientaton"), Some("orientation"));
        assert_eq!(Field::suggest("zzz"), None);
    }
}
