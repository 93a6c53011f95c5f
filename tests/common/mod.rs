//! Helpers shared by the integration tests.
#![allow(dead_code)]

use icans::format::json::{self, ReadOptions, Rejected};
use icans::grading::{self, Assessment, Domain, Grading, Status};

/// Reads a JSON record the way `icans grade` does.
pub fn record(json: &str) -> Result<Assessment, Rejected> {
    json::read_record(json.as_bytes(), ReadOptions::default(), 1)
}

/// Grades a JSON record that must be valid.
pub fn graded(json: &str) -> Grading {
    match record(json) {
        Ok(a) => grading::grade(&a),
        Err(r) => panic!("record {json} was rejected: {}", r.error),
    }
}

/// The error message of a JSON record that must be invalid.
pub fn rejected(json: &str) -> String {
    match record(json) {
        Ok(a) => panic!("record {json} was accepted as {a:?}"),
        Err(r) => r.error.to_string(),
    }
}

/// (status, grade) of one domain.
pub fn domain(r: &Grading, d: Domain) -> (Status, Option<u8>) {
    let res = r.domains.get(d);
    (res.status, res.grade)
}

/// The action ids of a result, as strings.
pub fn action_ids(r: &Grading) -> Vec<&'static str> {
    r.management.actions.iter().map(|a| a.id.as_str()).collect()
}

/// Domain names as strings.
pub fn names(ds: &[Domain]) -> Vec<&'static str> {
    ds.iter().map(|d| d.as_str()).collect()
}
