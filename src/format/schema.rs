//! JSON Schema (2020-12) of the record (docs/spec.md §1) and of the result
//! (§4). The record's schema is derived from the field catalogue, field by
//! field from its kind; the result's is generated from the result type
//! itself with schemars.

use schemars::{Schema, generate::SchemaSettings};
use serde_json::{Map, Value, json};

use crate::grading::Grading;
use crate::grading::catalogue::{Choice, FREQUENCIES, Field, FieldDef, Kind, Scoring};

/// The schema of one field, from its kind. Every field may be `null`
/// (absent: not assessed).
fn field_schema(def: &FieldDef) -> Value {
    let nullable = |t: &str| json!([t, "null"]);
    let enumerated = |choices: &[Choice]| -> Value {
        let one_of: Vec<Value> = choices
            .iter()
            .map(|c| json!({ "const": c.wire, "description": c.description }))
            .collect();
        json!({ "oneOf": one_of })
    };
    let mut s = match def.kind {
        Kind::Id => json!({ "type": ["string", "integer", "null"] }),
        Kind::Text => json!({ "type": nullable("string") }),
        Kind::Timestamp => json!({ "type": nullable("string"), "format": "date-time" }),
        Kind::Integer { min, max } => {
            let mut s = json!({ "type": nullable("integer"), "minimum": min });
            if let Some(max) = max {
                s["maximum"] = json!(max);
            }
            s
        }
        Kind::Number {
            min,
            min_exclusive,
            max,
        } => {
            let mut s = json!({ "type": nullable("number") });
            s[if min_exclusive {
                "exclusiveMinimum"
            } else {
                "minimum"
            }] = json!(min);
            if let Some(max) = max {
                s["maximum"] = json!(max);
            }
            s
        }
        Kind::Choice(choices) => {
            let mut any = enumerated(choices);
            if let Some(list) = any["oneOf"].as_array_mut() {
                list.push(json!({ "type": "null" }));
            }
            any
        }
        Kind::Boolean => json!({ "type": nullable("boolean") }),
        Kind::Domains(choices) => json!({ "type": nullable("array"), "items": enumerated(choices) }),
        Kind::Items(items) => {
            let properties: Map<String, Value> = items
                .iter()
                .map(|i| {
                    let item = match i.scoring {
                        Scoring::Points => {
                            json!({ "type": "integer", "minimum": 0, "maximum": i.max, "description": i.help })
                        }
                        Scoring::Frequency { .. } => {
                            let words: Vec<&str> = FREQUENCIES.iter().map(|c| c.wire).collect();
                            json!({ "enum": words, "description": i.help })
                        }
                    };
                    (i.key.to_string(), item)
                })
                .collect();
            let required: Vec<&str> = items.iter().map(|i| i.key).collect();
            json!({
                "type": nullable("object"),
                "properties": properties,
                "required": required,
                "additionalProperties": false
            })
        }
    };
    s["description"] = json!(def.help);
    s
}

/// The JSON Schema of an assessment record, from the field catalogue.
/// At least one domain must be assessed, which a schema cannot say and
/// `icans` checks.
pub fn record_schema() -> Schema {
    let properties: Map<String, Value> = Field::ALL
        .iter()
        .map(|f| (f.name().to_string(), field_schema(f.def())))
        .collect();
    let value = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "icans assessment record",
        "description": "One ICANS assessment (docs/spec.md §1). Every field may be absent or null (not assessed); at least one domain must be assessed.",
        "type": "object",
        "properties": properties,
        "additionalProperties": false
    });
    // An object always makes a schema.
    Schema::try_from(value).unwrap_or_default()
}

/// The JSON Schema of a result.
pub fn result_schema() -> Schema {
    SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<Grading>()
}
