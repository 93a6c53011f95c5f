//! A validated assessment record (docs/spec.md §1). Values here are already in
//! range; build one with [`RecordBuilder`](super::RecordBuilder) from raw
//! input, or directly in Rust.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::catalogue::{CAPD_ITEMS, FREQUENCIES, Scoring};
use super::criteria::Instrument;
use super::criteria::instruments::Given;
use super::domain::{
    Consciousness, CrsDomain, DomainSet, Edema, Hypotension, Hypoxia, IceBand, Motor, Seizure,
};

/// Text echoed from a record (a text id, `patient_id`, `assessed_at`, the
/// recorded scales, `product`, `site`): kept inline up to 24 bytes, so the
/// common record allocates nothing for it (README, Performance); it reads
/// as a `&str` and is written as a JSON string.
pub type EchoedText = compact_str::CompactString;

/// The record's `id`: a string or an integer, echoed unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RecordId {
    /// An integer id.
    Int(i128),
    /// A string id.
    Text(EchoedText),
}

impl Serialize for RecordId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            RecordId::Int(n) => {
                // serde_json writes i64/u64 natively; wider values only exist
                // when the input had them, and i128 keeps them exact.
                if let Ok(v) = i64::try_from(*n) {
                    s.serialize_i64(v)
                } else if let Ok(v) = u64::try_from(*n) {
                    s.serialize_u64(v)
                } else {
                    s.serialize_i128(*n)
                }
            }
            RecordId::Text(t) => s.serialize_str(t),
        }
    }
}

/// Read back as written: a JSON string or integer, integers beyond 64 bits
/// exact (the raw number is parsed, not a float). Only JSON is read back:
/// the lists `summary` and `audit` keep on disk (`crate::spill`).
impl<'de> Deserialize<'de> for RecordId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        let text = raw.get();
        if text.starts_with('"') {
            serde_json::from_str(text)
                .map(RecordId::Text)
                .map_err(D::Error::custom)
        } else {
            text.parse()
                .map(RecordId::Int)
                .map_err(|_| D::Error::custom(format!("id {text}: not a string or an integer")))
        }
    }
}

impl schemars::JsonSchema for RecordId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RecordId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "The record's id, echoed unchanged: a string or an integer.",
            "type": ["string", "integer"]
        })
    }
}

impl std::fmt::Display for RecordId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordId::Int(n) => write!(f, "{n}"),
            RecordId::Text(t) => f.write_str(t),
        }
    }
}

/// The five ICE items (docs/spec.md §1 `ice`; knowledge page "ICE Score
/// Assessment"). Each is within its maximum once validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct IceItems {
    /// Orientation to year, month, city, hospital: 0-4.
    pub orientation: u8,
    /// Names three objects: 0-3.
    pub naming: u8,
    /// Writes a standard sentence: 0-1.
    pub writing: u8,
    /// Counts backwards from 100 by 10: 0-1.
    pub attention: u8,
    /// Follows simple commands: 0-1.
    pub commands: u8,
}

impl IceItems {
    /// The ICE total (0-10).
    pub const fn total(&self) -> u8 {
        self.orientation + self.naming + self.writing + self.attention + self.commands
    }

    /// Builds the items from scores in the catalogue's `ICE_ITEMS` order.
    pub const fn from_array(v: [u8; 5]) -> IceItems {
        IceItems {
            orientation: v[0],
            naming: v[1],
            writing: v[2],
            attention: v[3],
            commands: v[4],
        }
    }
}

/// The eight CAPD answers as given (each the position of its word in
/// `never, rarely, sometimes, often, always`), in the catalogue's
/// `CAPD_ITEMS` order. Scored by [`CapdAnswers::total`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CapdAnswers(pub [u8; 8]);

impl CapdAnswers {
    /// The CAPD total (0-32): each answer scored by its item, the first
    /// four reversed.
    pub fn total(&self) -> u8 {
        CAPD_ITEMS
            .iter()
            .zip(self.0)
            .map(|(item, answer)| match item.scoring {
                Scoring::Frequency { reversed: true } => item.max.saturating_sub(answer),
                _ => answer,
            })
            .sum()
    }
}

impl Serialize for CapdAnswers {
    /// Writes the answers back as the record's `capd_items` object.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(CAPD_ITEMS.len()))?;
        for (item, answer) in CAPD_ITEMS.iter().zip(self.0) {
            let word = FREQUENCIES.get(usize::from(answer)).map_or("", |c| c.wire);
            m.serialize_entry(item.key, word)?;
        }
        m.end()
    }
}

/// How encephalopathy was measured: ICE (items, or only the total) or CAPD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EncephalopathyScore {
    /// ICE, with the item scores when they were recorded.
    Ice {
        /// The five items, when recorded (`ice`).
        items: Option<IceItems>,
        /// The ICE total, 0-10.
        total: u8,
    },
    /// CAPD total, 0-32.
    Capd(u8),
    /// The total of an instrument given by its total alone
    /// (`criteria::Given::Total`: CARTOX-10, 0-10, read on the ICE bands).
    /// ICE and CAPD have their own variants.
    Total {
        /// The instrument.
        instrument: Instrument,
        /// Its total, 0 to its maximum.
        total: u8,
    },
    /// An ICE total recorded only as a band.
    IceBand(IceBand),
}

impl EncephalopathyScore {
    /// The instrument used.
    pub const fn instrument(self) -> Instrument {
        match self {
            EncephalopathyScore::Ice { .. } => Instrument::Ice,
            EncephalopathyScore::Capd(_) => Instrument::Capd,
            EncephalopathyScore::Total { instrument, .. } => instrument,
            EncephalopathyScore::IceBand(_) => Instrument::IceBand,
        }
    }

    /// What was read: a total, or a band (docs/spec.md §2). Grading walks
    /// the instrument's row (`criteria::INSTRUMENTS`) over it.
    pub const fn reading(self) -> Reading {
        match self {
            EncephalopathyScore::Ice { total, .. } => Reading::Total(total),
            EncephalopathyScore::Capd(total) | EncephalopathyScore::Total { total, .. } => {
                Reading::Total(total)
            }
            EncephalopathyScore::IceBand(band) => Reading::Band(band),
        }
    }

    /// The total of an instrument given by its total alone (echoed in
    /// the result under its key), when that was recorded.
    pub const fn total_alone(self) -> Option<(Instrument, u8)> {
        match self {
            EncephalopathyScore::Total { instrument, total } => Some((instrument, total)),
            _ => None,
        }
    }

    /// The CARTOX-10 total, when that was recorded.
    pub const fn cartox10(self) -> Option<u8> {
        match self {
            EncephalopathyScore::Total {
                instrument: Instrument::Cartox10,
                total,
            } => Some(total),
            _ => None,
        }
    }

    /// The ICE band, when only that was recorded.
    pub const fn ice_band(self) -> Option<IceBand> {
        match self {
            EncephalopathyScore::IceBand(b) => Some(b),
            _ => None,
        }
    }

    /// The ICE total, when ICE was used.
    pub const fn ice_total(self) -> Option<u8> {
        match self {
            EncephalopathyScore::Ice { total, .. }
            | EncephalopathyScore::Total {
                instrument: Instrument::Ice,
                total,
            } => Some(total),
            _ => None,
        }
    }

    /// The CAPD total, when CAPD was used.
    pub const fn capd(self) -> Option<u8> {
        match self {
            EncephalopathyScore::Capd(s)
            | EncephalopathyScore::Total {
                instrument: Instrument::Capd,
                total: s,
            } => Some(s),
            _ => None,
        }
    }
}

/// What an instrument read: a total, or an ICE band (which may be
/// "unable").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reading {
    /// A total, 0 to the instrument's maximum.
    Total(u8),
    /// An ICE total recorded only as a band.
    Band(IceBand),
}

impl Reading {
    /// The lowest total it can be; `None` for "unable".
    pub const fn lowest(self) -> Option<u8> {
        match self {
            Reading::Total(t) => Some(t),
            Reading::Band(band) => band.bottom(),
        }
    }

    /// The highest total it can be; `None` for "unable".
    pub const fn highest(self) -> Option<u8> {
        match self {
            Reading::Total(t) => Some(t),
            Reading::Band(band) => band.top(),
        }
    }

    /// Whether the instrument could not be performed.
    pub const fn unable(self) -> bool {
        matches!(self, Reading::Band(IceBand::Unable))
    }
}

/// One validated assessment (docs/spec.md §1). `None` means not recorded: an
/// absent domain is *not assessed*, never normal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Assessment {
    /// Echoed unchanged.
    pub id: Option<RecordId>,
    /// Links assessments of one patient.
    pub patient_id: Option<EchoedText>,
    /// Days since cell infusion (day 0 = infusion).
    pub day: Option<u32>,
    /// Time of assessment, RFC 3339, echoed as given.
    pub assessed_at: Option<EchoedText>,
    /// Patient age, for instrument warnings and the patient group.
    pub age_years: Option<f64>,
    /// Body weight in kg, for weight-based doses.
    pub weight_kg: Option<f64>,
    /// The weight was checked: no plausibility warning (docs/spec.md §6).
    pub weight_confirmed: Option<bool>,
    /// ICE or CAPD.
    pub encephalopathy: Option<EncephalopathyScore>,
    /// The eight CAPD answers, when they were recorded (their total is the
    /// CAPD score in `encephalopathy`).
    pub capd_answers: Option<CapdAnswers>,
    /// Level of consciousness.
    pub consciousness: Option<Consciousness>,
    /// Seizure finding.
    pub seizure: Option<Seizure>,
    /// Motor finding.
    pub motor: Option<Motor>,
    /// Raised ICP / cerebral edema finding.
    pub edema: Option<Edema>,
    /// Domains whose finding is attributable to another cause.
    pub other_cause: DomainSet,
    /// CRS domains attributable to another cause (`other_cause`), in
    /// [`CrsDomain::ALL`] order.
    pub crs_other_cause: [bool; 3],
    /// Concurrent CRS grade (ASTCT), 0-4, when given; `None` or 0 means no
    /// active CRS. Not together with the CRS findings below.
    pub crs_grade: Option<u8>,
    /// Highest temperature, degrees Celsius.
    pub temperature_c: Option<f64>,
    /// Fever >= 38.0 C (agrees with `temperature_c` when both are given).
    pub fever: Option<bool>,
    /// Antipyretic or anti-cytokine therapy already given for CRS.
    pub fever_masked: Option<bool>,
    /// Blood-pressure support.
    pub hypotension: Option<Hypotension>,
    /// Oxygen support.
    pub hypoxia: Option<Hypoxia>,
    /// Death attributed to CRS.
    pub died_of_crs: Option<bool>,
    /// The previous ICE total, to tell whether ICE is declining.
    pub previous_ice_total: Option<u8>,
    /// The previous CAPD total, to tell whether CAPD is worsening.
    pub previous_capd: Option<u8>,
    /// Hours since ICANS symptoms began.
    pub hours_since_onset: Option<f64>,
    /// ICANS not responding to corticosteroids.
    pub steroid_refractory: Option<bool>,
    /// Death attributed to ICANS.
    pub died_of_icans: Option<bool>,
    /// The grade recorded at the source (echoed; audit only).
    pub recorded_grade: Option<u8>,
    /// The scale of `recorded_grade` (echoed).
    pub recorded_scale: Option<EchoedText>,
    /// The CRS grade recorded at the source, any scale (echoed; never used
    /// in grading).
    pub recorded_crs_grade: Option<u8>,
    /// The scale of `recorded_crs_grade` (echoed).
    pub recorded_crs_scale: Option<EchoedText>,
    /// The cell product (echoed).
    pub product: Option<EchoedText>,
    /// The treating site (echoed).
    pub site: Option<EchoedText>,
}

impl Serialize for Assessment {
    /// Writes the record back in the docs/spec.md §1 format (absent fields left
    /// out), so a record built at the bedside can be saved and re-graded.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        macro_rules! opt {
            ($key:literal, $v:expr) => {
                if let Some(v) = &$v {
                    m.serialize_entry($key, v)?;
                }
            };
        }
        opt!("id", self.id);
        opt!("patient_id", self.patient_id);
        opt!("day", self.day);
        opt!("assessed_at", self.assessed_at);
        opt!("age_years", self.age_years);
        opt!("weight_kg", self.weight_kg);
        opt!("weight_confirmed", self.weight_confirmed);
        match self.encephalopathy {
            Some(EncephalopathyScore::Ice {
                items: Some(items), ..
            }) => m.serialize_entry("ice", &items)?,
            Some(EncephalopathyScore::Ice { items: None, total }) => {
                m.serialize_entry("ice_total", &total)?
            }
            Some(EncephalopathyScore::Capd(score)) => match &self.capd_answers {
                Some(answers) => m.serialize_entry("capd_items", answers)?,
                None => m.serialize_entry("capd", &score)?,
            },
            Some(EncephalopathyScore::Total { instrument, total }) => {
                let key = match instrument.row().given {
                    Given::Items { total, .. } => total,
                    Given::Total(key) | Given::Band(key) => key,
                };
                m.serialize_entry(key, &total)?
            }
            Some(EncephalopathyScore::IceBand(band)) => m.serialize_entry("ice_band", &band)?,
            None => {}
        }
        opt!("consciousness", self.consciousness);
        opt!("seizure", self.seizure);
        opt!("motor", self.motor);
        opt!("edema", self.edema);
        let causes: Vec<&str> = self
            .other_cause
            .iter()
            .map(|d| d.as_str())
            .chain(
                CrsDomain::ALL
                    .iter()
                    .filter(|d| self.crs_other_cause[d.index()])
                    .map(|d| d.as_str()),
            )
            .collect();
        if !causes.is_empty() {
            m.serialize_entry("other_cause", &causes)?;
        }
        opt!("crs_grade", self.crs_grade);
        opt!("temperature_c", self.temperature_c);
        opt!("fever", self.fever);
        opt!("fever_masked", self.fever_masked);
        opt!("hypotension", self.hypotension);
        opt!("hypoxia", self.hypoxia);
        opt!("died_of_crs", self.died_of_crs);
        opt!("previous_ice_total", self.previous_ice_total);
        opt!("previous_capd", self.previous_capd);
        opt!("hours_since_onset", self.hours_since_onset);
        opt!("steroid_refractory", self.steroid_refractory);
        opt!("died_of_icans", self.died_of_icans);
        opt!("recorded_grade", self.recorded_grade);
        opt!("recorded_scale", self.recorded_scale);
        opt!("recorded_crs_grade", self.recorded_crs_grade);
        opt!("recorded_crs_scale", self.recorded_crs_scale);
        opt!("product", self.product);
        opt!("site", self.site);
        m.end()
    }
}
