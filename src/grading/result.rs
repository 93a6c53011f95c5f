//! The grading result (docs/spec.md §4).

use std::borrow::Cow;

use arrayvec::ArrayVec;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::actions::ActionId;
use super::assessment::{EchoedText, RecordId};
use super::criteria::instruments::totals_alone;
use super::criteria::{Instrument, InstrumentRow};
use super::domain::{CrsDomain, CrsDomainList, Domain, DomainList, IceBand};

/// The criteria every result names (docs/spec.md §4 `criteria`).
pub const CRITERIA: &str = super::criteria::ASTCT_2019.name();

/// The version of `icans` that graded a result, for audit trails.
pub const ICANS_VERSION: &str = env!("CARGO_PKG_VERSION");

vocab! {
    /// A domain's status (docs/spec.md §4 `domains`).
    pub enum Status {
        /// Assessed and counted in the grade.
        Graded = "graded",
        /// Not recorded: the grade is a lower bound.
        NotAssessed = "not_assessed",
        /// Recorded, but attributable to another cause (`other_cause`), so not
        /// counted (ASTCT: the grade is the most severe event not attributable
        /// to any other cause).
        Excluded = "excluded",
    }
}

/// One domain of a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DomainResult {
    /// Graded, not assessed or excluded.
    pub status: Status,
    /// The domain grade; `None` unless graded.
    pub grade: Option<u8>,
    /// The finding behind it, in short words; absent when not assessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding: Option<Cow<'static, str>>,
    /// The CRS fever that `fever_masked` hides (docs/spec.md §7): status
    /// `excluded`, never "no fever"; written only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    #[schemars(default)]
    pub masked: bool,
}

impl DomainResult {
    /// A domain that was not recorded.
    pub const NOT_ASSESSED: DomainResult = DomainResult {
        status: Status::NotAssessed,
        grade: None,
        finding: None,
        masked: false,
    };

    /// A domain's result from its finding (grade and words), if recorded:
    /// graded, or excluded (no grade) when `other_cause` names it. The one
    /// rule for ICANS and CRS domains alike (docs/spec.md §2, §7).
    pub fn of(finding: Option<(u8, Cow<'static, str>)>, excluded: bool) -> DomainResult {
        match finding {
            None => DomainResult::NOT_ASSESSED,
            Some((g, label)) => DomainResult {
                status: if excluded {
                    Status::Excluded
                } else {
                    Status::Graded
                },
                grade: (!excluded).then_some(g),
                finding: Some(label),
                masked: false,
            },
        }
    }
}

/// The drivers (docs/spec.md §2, §7): the graded domains whose grade equals
/// the grade; none at 0 and 5. The one rule for ICANS and CRS.
pub fn drivers<D: Copy, const N: usize>(grade: u8, domains: [(D, &DomainResult); N]) -> ArrayVec<D, N> {
    let mut out = ArrayVec::new();
    if (1..=4).contains(&grade) {
        // At most N of N: the list cannot overflow.
        for (d, r) in domains {
            if r.grade == Some(grade) {
                out.push(d);
            }
        }
    }
    out
}

/// The five domains of a result, in contract order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domains(pub [DomainResult; 5]);

impl Domains {
    /// The result of one domain.
    pub fn get(&self, d: Domain) -> &DomainResult {
        &self.0[d.index()]
    }

    /// Each domain with its result, in contract order.
    pub fn iter(&self) -> impl Iterator<Item = (Domain, &DomainResult)> {
        Domain::ALL.into_iter().zip(self.0.iter())
    }

    /// Each domain with its result, in contract order, as an array.
    pub fn pairs(&self) -> [(Domain, &DomainResult); 5] {
        Domain::ALL.map(|d| (d, self.get(d)))
    }
}

impl schemars::JsonSchema for Domains {
    fn schema_name() -> Cow<'static, str> {
        "Domains".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let domain = generator.subschema_for::<DomainResult>().to_value();
        let properties: serde_json::Map<String, serde_json::Value> = Domain::ALL
            .iter()
            .map(|d| (d.as_str().to_string(), domain.clone()))
            .collect();
        let required: Vec<&str> = Domain::ALL.iter().map(|d| d.as_str()).collect();
        schemars::json_schema!({
            "description": "All five domains, each graded, not assessed or excluded.",
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false
        })
    }
}

impl Serialize for Domains {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(5))?;
        for (d, r) in self.iter() {
            m.serialize_entry(d.as_str(), r)?;
        }
        m.end()
    }
}

/// The total of an instrument given by its total alone (`criteria::Given::Total`),
/// echoed as given under its record key (`cartox10`: docs/spec.md §4);
/// nothing when none was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TotalAlone(pub Option<(Instrument, u8)>);

impl TotalAlone {
    /// Its key and total, when one was given.
    pub fn entry(self) -> Option<(&'static str, u8)> {
        let (instrument, total) = self.0?;
        instrument.row().given.alone().map(|key| (key, total))
    }

    /// The total given on `instrument`, if that was the one.
    pub fn of(self, instrument: Instrument) -> Option<u8> {
        self.0.filter(|(i, _)| *i == instrument).map(|(_, total)| total)
    }

    /// The result's description of an instrument's echoed total: "Echoed
    /// `cartox10`, the CARTOX-10 total read on the ICE bands."
    pub fn about(row: &InstrumentRow, key: &str) -> String {
        let suffix = row.label.map_or("", |l| l.suffix);
        format!("Echoed `{key}`, the {} total{suffix}.", row.name)
    }
}

impl Serialize for TotalAlone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let entry = self.entry();
        let mut m = s.serialize_map(Some(usize::from(entry.is_some())))?;
        if let Some((key, total)) = entry {
            m.serialize_entry(key, &total)?;
        }
        m.end()
    }
}

/// One optional property per instrument given by its total alone, as
/// `Option<u8>` is described.
impl schemars::JsonSchema for TotalAlone {
    fn schema_name() -> Cow<'static, str> {
        "TotalAlone".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut properties = serde_json::Map::new();
        for (row, key) in totals_alone() {
            let mut schema = generator.subschema_for::<Option<u8>>();
            schema.insert("description".into(), TotalAlone::about(row, key).into());
            properties.insert(key.into(), schema.into());
        }
        schemars::json_schema!({ "type": "object", "properties": properties })
    }
}

/// The graded result of one assessment (docs/spec.md §4).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(title = "icans result", deny_unknown_fields)]
pub struct Grading {
    /// Echoed `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<RecordId>,
    /// Echoed `patient_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient_id: Option<EchoedText>,
    /// Echoed `day`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day: Option<u32>,
    /// Echoed `assessed_at`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessed_at: Option<EchoedText>,
    /// ICANS grade, 0-5. A lower bound when `complete` is false; null when
    /// ICANS was not assessed (no ICANS domain recorded: docs/spec.md §2).
    #[schemars(schema_with = "grade_schema")]
    pub grade: Option<u8>,
    /// No domain left not assessed.
    pub complete: bool,
    /// `ice`, `capd`, `cartox10`, `ice_band` or null.
    pub instrument: Option<Instrument>,
    /// The ICE total used, or null.
    pub ice_total: Option<u8>,
    /// The CAPD total used, or null.
    pub capd: Option<u8>,
    /// Echoed under its key: the total of an instrument given by its
    /// total alone (`cartox10`, the CARTOX-10 total read on the ICE bands).
    #[serde(flatten)]
    pub total_alone: TotalAlone,
    /// Echoed `ice_band`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ice_band: Option<IceBand>,
    /// All five domains.
    pub domains: Domains,
    /// Graded domains whose grade equals the ICANS grade (empty at 0 and 5).
    #[schemars(with = "Vec<Domain>")]
    pub drivers: DomainList,
    /// Domains not assessed.
    #[schemars(with = "Vec<Domain>")]
    pub unassessed: DomainList,
    /// Domains excluded as attributable to another cause.
    #[schemars(with = "Vec<Domain>")]
    pub excluded: DomainList,
    /// Excluded domains whose finding would grade above the ICANS grade:
    /// ICANS cannot be ruled out.
    #[schemars(with = "Vec<Domain>")]
    pub masked: DomainList,
    /// Problems worth a second look; the result is still graded.
    pub warnings: Vec<String>,
    /// The management step.
    pub management: Management,
    /// Always "ASTCT 2019".
    pub criteria: &'static str,
    /// `adult` or `child`.
    pub patient_group: PatientGroup,
    /// The concurrent CRS: given, or graded from its findings; null when
    /// the record holds no CRS information.
    pub crs: Option<Crs>,
    /// Echoed `recorded_grade` (audit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_grade: Option<u8>,
    /// Echoed `recorded_scale`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_scale: Option<EchoedText>,
    /// Echoed `recorded_crs_grade` (audit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_crs_grade: Option<u8>,
    /// Echoed `recorded_crs_scale`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_crs_scale: Option<EchoedText>,
    /// Echoed `product`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<EchoedText>,
    /// Echoed `site`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<EchoedText>,
    /// How to reassess: the instrument, or a neurological examination while
    /// the patient is unarousable. Not part of the wire format.
    #[serde(skip)]
    #[schemars(skip)]
    pub reassess_by: Reassessment,
    /// ICANS cannot be ruled out: the ICE was not performed while awake
    /// (`ice_band` "unable") and the other domains are below grade 3
    /// (docs/spec.md §2, v4). Said in the warnings on the wire.
    #[serde(skip)]
    #[schemars(skip)]
    pub ice_unable_awake: bool,
    /// The age and weight the patient group and the doses rest on, for the
    /// card's first line (docs/spec.md §5, v4). Not part of the wire format
    /// (the record holds them).
    #[serde(skip)]
    #[schemars(skip)]
    pub basis: (Option<f64>, Option<f64>),
    /// The `icans` version that graded it.
    pub icans_version: &'static str,
    /// The management protocol used: the built-in one or a centre's.
    pub protocol: Cow<'static, str>,
}

/// The schema of `grade`: always present, 0-5 or null (a plain
/// `Option` would leave it out of `required`).
fn grade_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": ["integer", "null"],
        "minimum": 0,
        "maximum": 5
    })
}

/// What a result says when the ICE was not performed while awake
/// (docs/spec.md §2, v4): the card's headline and the summary.
pub const ICE_UNABLE_AWAKE: &str =
    "ICANS cannot be ruled out (ICE not performed while awake: global aphasia would be grade 3)";

/// How the next assessment is made (docs/spec.md §3 "Reassessment
/// wording"): an unarousable patient cannot do ICE or CAPD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reassessment {
    /// The instrument the texts name (ICE or CAPD).
    pub instrument: Instrument,
    /// Consciousness is unarousable (graded 4, or recorded so though
    /// attributed to another cause), or encephalopathy graded 4 for it.
    pub unarousable: bool,
    /// The ICE was not performed while awake: examine (docs/spec.md §2, v4).
    pub examine: bool,
}

impl Reassessment {
    /// "ICE", "CAPD", or "neurological examination; ICE once arousable".
    pub const fn words(self) -> &'static str {
        if self.examine && !self.unarousable {
            return "neurological examination";
        }
        let row = self.instrument.screening().row();
        if self.unarousable {
            row.reassess_unarousable
        } else {
            row.name
        }
    }
}

/// One management action of a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Action {
    /// The stable id.
    pub id: ActionId,
    /// What to do, with dose.
    pub text: Cow<'static, str>,
    /// The computed dose in mg, for a weight-based dose with `weight_kg`
    /// given (capped and rounded to 1 mg).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dose_mg: Option<u32>,
}

vocab! {
    /// Why an assessment does not rule ICANS out (docs/spec.md §5
    /// `summary`: a course is resolved only by an assessment that does).
    pub enum NotRuledOut {
        /// Grade 1 or more.
        IcansPresent = "icans_present",
        /// Grade 0, but an excluded domain's finding would grade higher.
        Masked = "masked",
        /// Grade 0, but encephalopathy or consciousness was not assessed.
        NotEnoughAssessed = "not_enough_assessed",
    }
}

impl NotRuledOut {
    /// The reason in a word, for tables.
    pub fn word(self) -> &'static str {
        match self {
            NotRuledOut::IcansPresent => "ICANS",
            NotRuledOut::Masked => "masked",
            NotRuledOut::NotEnoughAssessed => "unassessed",
        }
    }
}

/// The domains an assessment must have assessed to rule ICANS out: a
/// grade 0 without them says nothing of the brain's state.
pub const RULING_OUT_DOMAINS: [Domain; 2] = [Domain::Encephalopathy, Domain::Consciousness];

impl Grading {
    /// Whether this assessment rules ICANS out: grade 0, no excluded
    /// domain whose finding would grade higher, encephalopathy and
    /// consciousness assessed. `None` when it does; else why not.
    pub fn not_ruled_out(&self) -> Option<NotRuledOut> {
        if self.grade.is_some_and(|g| g >= 1) {
            Some(NotRuledOut::IcansPresent)
        } else if !self.masked.is_empty() {
            Some(NotRuledOut::Masked)
        } else if RULING_OUT_DOMAINS
            .iter()
            .any(|d| self.domains.get(*d).status == Status::NotAssessed)
        {
            Some(NotRuledOut::NotEnoughAssessed)
        } else {
            None
        }
    }
}

vocab! {
    /// Whose result it is (docs/spec.md §6): by the age when recorded (under
    /// 18 a child's); without it, a child's when assessed with CAPD or under
    /// 40 kg.
    pub enum PatientGroup {
        /// Adult doses apply.
        Adult = "adult",
        /// Never an adult absolute dose.
        Child = "child",
    }
}

/// The management step of a result (docs/spec.md §4 `management`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Management {
    /// One sentence a clinician reads first, built from the actions.
    pub summary: String,
    /// The actions, in table order.
    pub actions: Vec<Action>,
    /// Hours until the next assessment; `None` at grade 5.
    pub reassess_hours: Option<u8>,
}

impl Management {
    /// No management step: what a grading that does not work it out
    /// ([`Scope`](super::Scope) short of full) holds, never shown.
    pub const NONE: Management = Management {
        summary: String::new(),
        actions: Vec::new(),
        reassess_hours: None,
    };
}

vocab! {
    /// Where the CRS grade came from.
    pub enum CrsSource {
        /// `crs_grade` as given.
        Given = "given",
        /// Graded from the findings.
        Findings = "findings",
    }
}

/// The three CRS domains of a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CrsDomains {
    /// Fever.
    pub fever: DomainResult,
    /// Hypotension.
    pub hypotension: DomainResult,
    /// Hypoxia.
    pub hypoxia: DomainResult,
}

impl CrsDomains {
    /// One domain's result.
    pub fn get(&self, d: CrsDomain) -> &DomainResult {
        match d {
            CrsDomain::Fever => &self.fever,
            CrsDomain::Hypotension => &self.hypotension,
            CrsDomain::Hypoxia => &self.hypoxia,
        }
    }
}

/// The concurrent CRS of a result (docs/spec.md §4 `crs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Crs {
    /// CRS grade 0-5; a lower bound when `complete` is false.
    pub grade: u8,
    /// Hypotension and hypoxia assessed, and fever too unless masked.
    pub complete: bool,
    /// `given` or `findings`.
    pub source: CrsSource,
    /// The three domains, when graded from findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domains: Option<CrsDomains>,
    /// The graded domains at the CRS grade (fever drives grade 1); empty at
    /// 0 and 5.
    #[schemars(with = "Vec<CrsDomain>")]
    pub drivers: CrsDomainList,
    /// What the CRS means for management (docs/spec.md §3 "CRS words"). Not
    /// part of the wire format.
    #[serde(skip)]
    #[schemars(skip)]
    pub state: CrsState,
}

/// What the concurrent CRS means for the management step, beyond its grade
/// (docs/spec.md §3 "CRS words"). Decided here once; the plan, the summary
/// and the card read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CrsState {
    /// The record holds no CRS information: "CRS not assessed".
    #[default]
    NotAssessed,
    /// CRS grade 0 and complete, or `crs_grade` 0 given: "No concurrent CRS".
    Absent,
    /// CRS grade 0, incomplete: "CRS grade 0 or higher (lower bound)".
    LowerBound,
    /// CRS grade 0 only because fever is absent (or attributed to another
    /// cause) while hypotension or hypoxia is graded >= 2 and
    /// `fever_masked` is not recorded: the grade it would have with fever.
    NoFever {
        /// The CRS grade with fever (the organ grade).
        with_fever: u8,
    },
    /// The same with `fever_masked` recorded false (docs/spec.md §3, v4):
    /// no CRS by ASTCT, and the hypotension or hypoxia needs a cause.
    NoFeverNotMasked {
        /// The CRS grade with fever (the organ grade).
        with_fever: u8,
    },
    /// Fever not recorded and not masked while hypotension or hypoxia is
    /// graded >= 2: CRS cannot be ruled out.
    CannotBeRuledOut {
        /// The CRS grade with fever (the organ grade).
        with_fever: u8,
    },
    /// Concurrent CRS, grade 1-4.
    Active(u8),
    /// Death attributed to CRS (grade 5).
    Death,
}

impl CrsState {
    /// The state of a CRS result, or of none.
    pub fn of(crs: Option<&Crs>) -> CrsState {
        crs.map_or(CrsState::NotAssessed, |c| c.state)
    }

    /// The CRS grade that counts for management: 1-4 when active, 5 at
    /// death, otherwise 0.
    pub const fn grade(self) -> u8 {
        match self {
            CrsState::Active(g) => g,
            CrsState::Death => 5,
            _ => 0,
        }
    }

    /// The CRS line of the card and the words of the summary, when the state
    /// calls for words of its own (docs/spec.md §3 "CRS words"); `None` for
    /// an active CRS (its grade and drivers say it) and without CRS
    /// information.
    pub fn words(self) -> Option<String> {
        match self {
            CrsState::NotAssessed | CrsState::Active(_) | CrsState::Death => None,
            CrsState::Absent => Some("No concurrent CRS".into()),
            CrsState::LowerBound => Some("CRS grade 0 or higher (lower bound)".into()),
            CrsState::NoFever { with_fever } => Some(format!(
                "No CRS by ASTCT (no fever); if an antipyretic, tocilizumab or a corticosteroid was given, record fever_masked (CRS grade {with_fever})"
            )),
            CrsState::NoFeverNotMasked { .. } => Some(
                "No CRS by ASTCT (no fever, not masked): find the cause of the hypotension or hypoxia (sepsis, say)"
                    .into(),
            ),
            CrsState::CannotBeRuledOut { with_fever } => Some(format!(
                "CRS cannot be ruled out (fever not recorded; with fever, CRS grade {with_fever})"
            )),
        }
    }

    /// The CRS grade hypotension and hypoxia would give with fever, when
    /// the CRS grade is 0 only for want of a recorded fever (CRS cannot be
    /// ruled out, or none by ASTCT for want of fever).
    pub const fn without_fever(self) -> Option<u8> {
        match self {
            CrsState::NoFever { with_fever }
            | CrsState::NoFeverNotMasked { with_fever }
            | CrsState::CannotBeRuledOut { with_fever } => Some(with_fever),
            _ => None,
        }
    }

    /// Whether the state alone calls for the urgent reassessment: CRS that
    /// cannot be ruled out, or is 0 only for want of a recorded fever.
    pub const fn urgent(self) -> bool {
        self.without_fever().is_some() || matches!(self, CrsState::Active(_))
    }
}
