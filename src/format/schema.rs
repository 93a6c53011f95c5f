//! JSON Schema (2020-12) of the record (contract §1) and of the result
//! (contract §4), generated from the Rust types with schemars: the enums,
//! the ICE items and the whole result are the grader's own types, and tests
//! hold the record's field list to the validator's.

use schemars::{JsonSchema, Schema, generate::SchemaSettings};

use crate::grading::{Consciousness, Domain, Edema, Grading, IceItems, Motor, RecordId, Seizure};

/// The wire shape of an assessment record (contract §1), for its schema.
/// Every field may be absent or `null` (not assessed); at least one domain
/// must be assessed, which a schema cannot say and `icans` checks.
#[derive(JsonSchema)]
#[schemars(title = "icans assessment record", deny_unknown_fields)]
#[allow(dead_code)]
pub struct Record {
    /// Echoed unchanged in the result.
    id: Option<RecordId>,
    /// Links assessments of one patient in batch work.
    patient_id: Option<String>,
    /// Days since cell infusion (day 0 = infusion).
    day: Option<u32>,
    /// Time of assessment, RFC 3339.
    #[schemars(extend("format" = "date-time"))]
    assessed_at: Option<String>,
    /// Patient age in years; used for instrument warnings.
    #[schemars(range(min = 0.0))]
    age_years: Option<f64>,
    /// The five ICE items (all required).
    ice: Option<IceItems>,
    /// ICE total when only the total was recorded; must agree with `ice`.
    #[schemars(range(min = 0, max = 10))]
    ice_total: Option<u8>,
    /// CAPD total, for children under 12 or developmental delay; not with ICE.
    #[schemars(range(min = 0, max = 32))]
    capd: Option<u8>,
    /// Level of consciousness.
    consciousness: Option<Consciousness>,
    /// Seizure.
    seizure: Option<Seizure>,
    /// Motor findings (tremor and myoclonus recorded, never graded).
    motor: Option<Motor>,
    /// Raised ICP / cerebral edema.
    edema: Option<Edema>,
    /// Domains whose finding is attributable to another cause.
    other_cause: Option<Vec<Domain>>,
    /// Concurrent CRS grade (ASTCT); 0 or absent = no active CRS.
    #[schemars(range(min = 0, max = 4))]
    crs_grade: Option<u8>,
    /// The previous ICE total; a lower current total means ICE is declining.
    #[schemars(range(min = 0, max = 10))]
    previous_ice_total: Option<u8>,
    /// Hours since ICANS symptoms began.
    #[schemars(range(min = 0.0))]
    hours_since_onset: Option<f64>,
    /// ICANS not responding to corticosteroids.
    steroid_refractory: Option<bool>,
    /// Death attributed to ICANS (grade 5).
    died_of_icans: Option<bool>,
}

fn schema_for<T: JsonSchema>() -> Schema {
    SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>()
}

/// The JSON Schema of an assessment record.
pub fn record_schema() -> Schema {
    schema_for::<Record>()
}

/// The JSON Schema of a result.
pub fn result_schema() -> Schema {
    schema_for::<Grading>()
}
