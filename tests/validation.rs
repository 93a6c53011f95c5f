//! Contract §1-2: what a record may hold, the errors that name field, value
//! and what is allowed, and the warnings that leave a result graded.

mod common;

use common::{graded, record, rejected};
use icans::grading::{RecordError, RecordId};

/// Asserts that the record is rejected, with a message naming the field,
/// the value and what is allowed.
fn rejects(json: &str, field: &str, value: &str, allowed: &str) {
    let msg = rejected(json);
    assert!(
        msg.starts_with(&format!("{field}: ")),
        "{json}: field `{field}` not first in {msg:?}"
    );
    assert!(msg.contains(value), "{json}: value {value:?} not in {msg:?}");
    assert!(
        msg.contains(&format!("(allowed: {allowed}")),
        "{json}: allowed {allowed:?} not in {msg:?}"
    );
}

#[test]
fn out_of_range_scores_are_rejected() {
    let cases = [
        (
            r#"{"ice_total": 11}"#,
            "ice_total",
            "11 is out of range",
            "an integer 0-10",
        ),
        (
            r#"{"ice_total": -1}"#,
            "ice_total",
            "-1 is out of range",
            "an integer 0-10",
        ),
        (r#"{"capd": 33}"#, "capd", "33 is out of range", "an integer 0-32"),
        (
            r#"{"ice_total": 5, "crs_grade": 5}"#,
            "crs_grade",
            "5 is out of range",
            "an integer 0-4",
        ),
        (
            r#"{"ice_total": 5, "previous_ice_total": 11}"#,
            "previous_ice_total",
            "11",
            "an integer 0-10",
        ),
        (
            r#"{"ice_total": 5, "day": -1}"#,
            "day",
            "-1 is out of range",
            "an integer >= 0",
        ),
        (
            r#"{"ice_total": 5, "age_years": -0.5}"#,
            "age_years",
            "-0.5 is out of range",
            "a number >= 0",
        ),
        (
            r#"{"ice_total": 5, "hours_since_onset": -2}"#,
            "hours_since_onset",
            "-2",
            "a number >= 0",
        ),
        (
            r#"{"ice_total": 99999999999999999999999}"#,
            "ice_total",
            "not an integer",
            "an integer 0-10",
        ),
    ];
    for (json, field, value, allowed) in cases {
        rejects(json, field, value, allowed);
    }
}

#[test]
fn each_ice_item_has_its_own_range() {
    let maxima = [
        ("orientation", 4),
        ("naming", 3),
        ("writing", 1),
        ("attention", 1),
        ("commands", 1),
    ];
    for (key, max) in maxima {
        let mut items: Vec<String> = maxima.iter().map(|(k, _)| format!(r#""{k}": 0"#)).collect();
        let at = maxima.iter().position(|(k, _)| *k == key).unwrap();
        items[at] = format!(r#""{key}": {max}"#);
        assert_eq!(
            graded(&format!(r#"{{"ice": {{{}}}}}"#, items.join(","))).ice_total,
            Some(max)
        );
        items[at] = format!(r#""{key}": {}"#, max + 1);
        rejects(
            &format!(r#"{{"ice": {{{}}}}}"#, items.join(",")),
            &format!("ice.{key}"),
            &format!("{} is out of range", max + 1),
            &format!("an integer 0-{max}"),
        );
    }
}

#[test]
fn ice_needs_all_five_items() {
    rejects(
        r#"{"ice": {"orientation": 4, "naming": 3}}"#,
        "ice",
        "missing writing, attention, commands",
        "all five keys",
    );
    rejects(
        r#"{"ice": {}}"#,
        "ice",
        "missing orientation, naming, writing, attention, commands",
        "all five keys",
    );
    rejects(
        r#"{"ice": {"orientation": 4, "naming": 3, "writing": 1, "attention": 1, "command": 1}}"#,
        "ice.command",
        "unknown ICE item (did you mean `commands`?)",
        "orientation, naming, writing, attention, commands",
    );
}

#[test]
fn wrong_types_are_rejected() {
    let cases = [
        (
            r#"{"ice_total": "7"}"#,
            "ice_total",
            r#""7" is a string"#,
            "an integer 0-10",
        ),
        (
            r#"{"ice_total": 7.0}"#,
            "ice_total",
            "7.0 is not an integer",
            "an integer 0-10",
        ),
        (
            r#"{"ice_total": 7.5}"#,
            "ice_total",
            "7.5 is not an integer",
            "an integer 0-10",
        ),
        (
            r#"{"ice_total": true}"#,
            "ice_total",
            "true is a boolean",
            "an integer 0-10",
        ),
        (
            r#"{"ice_total": [7]}"#,
            "ice_total",
            "an array",
            "an integer 0-10",
        ),
        (
            r#"{"ice": 7}"#,
            "ice",
            "7 is an integer",
            "an object with orientation 0-4",
        ),
        (
            r#"{"seizure": 3}"#,
            "seizure",
            "3 is an integer",
            "none, rapidly_resolving, prolonged_or_repetitive",
        ),
        (
            r#"{"motor": {"x": 1}}"#,
            "motor",
            "an object",
            "none, tremor_or_myoclonus, deep_focal_weakness",
        ),
        (
            r#"{"ice_total": 5, "other_cause": "seizure"}"#,
            "other_cause",
            r#""seizure" is a string"#,
            "an array of domain names",
        ),
        (
            r#"{"ice_total": 5, "other_cause": [1]}"#,
            "other_cause",
            "1 is an integer",
            "an array of domain names",
        ),
        (
            r#"{"ice_total": 5, "steroid_refractory": "yes"}"#,
            "steroid_refractory",
            r#""yes" is a string"#,
            "true or false",
        ),
        (
            r#"{"ice_total": 5, "died_of_icans": 1}"#,
            "died_of_icans",
            "1 is an integer",
            "true or false",
        ),
        (
            r#"{"ice_total": 5, "id": 1.5}"#,
            "id",
            "1.5 is a decimal number",
            "a string or an integer",
        ),
        (
            r#"{"ice_total": 5, "id": {"a": 1}}"#,
            "id",
            "an object",
            "a string or an integer",
        ),
        (
            r#"{"ice_total": 5, "patient_id": 17}"#,
            "patient_id",
            "17 is an integer",
            "a string",
        ),
        (
            r#"{"ice_total": 5, "age_years": "40"}"#,
            "age_years",
            r#""40" is a string"#,
            "a number >= 0",
        ),
        (
            r#"{"ice_total": 5, "day": 2.5}"#,
            "day",
            "2.5 is not an integer",
            "an integer >= 0",
        ),
        (
            r#"{"ice_total": 5, "assessed_at": "yesterday"}"#,
            "assessed_at",
            r#""yesterday" is not an RFC 3339"#,
            "an RFC 3339 date-time",
        ),
        (
            r#"{"ice_total": 5, "assessed_at": 1700000000}"#,
            "assessed_at",
            "1700000000 is an integer",
            "an RFC 3339 date-time",
        ),
    ];
    for (json, field, value, allowed) in cases {
        rejects(json, field, value, allowed);
    }
}

#[test]
fn unknown_enum_values_are_rejected_with_the_value_meant() {
    rejects(
        r#"{"consciousness": "Alert"}"#,
        "consciousness",
        r#"unknown value "Alert" (did you mean `alert`?)"#,
        "alert, awakens_spontaneously, awakens_to_voice, awakens_to_tactile, unarousable",
    );
    rejects(
        r#"{"seizure": "prolonged"}"#,
        "seizure",
        r#"unknown value "prolonged""#,
        "none, rapidly_resolving, prolonged_or_repetitive",
    );
    rejects(
        r#"{"edema": "hemorrhage"}"#,
        "edema",
        r#"unknown value "hemorrhage""#,
        "none, focal, diffuse",
    );
    rejects(
        r#"{"ice_total": 5, "other_cause": ["sedation"]}"#,
        "other_cause",
        r#"unknown value "sedation""#,
        "an array of domain names: encephalopathy, consciousness, seizure, motor, edema, fever, hypotension, hypoxia",
    );
}

#[test]
fn unknown_fields_are_rejected_with_the_field_meant() {
    rejects(
        r#"{"siezure": "none", "ice_total": 5}"#,
        "siezure",
        "unknown field (did you mean `seizure`?)",
        "id, patient_id, day",
    );
    let msg = rejected(r#"{"ice_total": 5, "ward": "7B"}"#);
    assert!(msg.starts_with("ward: unknown field (allowed:"), "{msg}");
    assert!(msg.contains("--allow-unknown-fields"), "{msg}");

    let lenient = icans::input::ReadOptions {
        allow_unknown_fields: true,
        ..Default::default()
    };
    let r = icans::input::read_record(br#"{"ice_total": 5, "ward": {"x": [1]}}"#, lenient, 1);
    assert_eq!(
        r.map(|a| a.encephalopathy.and_then(|e| e.ice_total())),
        Ok(Some(5))
    );
}

#[test]
fn conflicting_fields_are_rejected() {
    rejects(
        r#"{"ice": {"orientation": 4, "naming": 3, "writing": 1, "attention": 1, "commands": 1}, "ice_total": 9}"#,
        "ice_total",
        "9 disagrees with the ice items, which add up to 10",
        "the sum of the ice items",
    );
    let agree = graded(
        r#"{"ice": {"orientation": 4, "naming": 3, "writing": 1, "attention": 1, "commands": 0}, "ice_total": 9}"#,
    );
    assert_eq!(agree.ice_total, Some(9));
    rejects(
        r#"{"ice_total": 9, "capd": 3}"#,
        "capd",
        "given together with ICE",
        "ICE (ice or ice_total) or CAPD, not both",
    );
    rejects(
        r#"{"ice": {"orientation": 4, "naming": 3, "writing": 1, "attention": 1, "commands": 1}, "capd": 0}"#,
        "capd",
        "0 given together with ICE",
        "ICE (ice or ice_total) or CAPD, not both",
    );
    rejects(
        r#"{"seizure": "none", "seizure": "prolonged_or_repetitive"}"#,
        "seizure",
        "given more than once",
        "each field at most once",
    );
}

#[test]
fn nothing_assessed_is_rejected() {
    for json in [
        "{}",
        r#"{"id": 3, "patient_id": "p", "day": 2}"#,
        r#"{"other_cause": ["seizure"]}"#,
        r#"{"died_of_icans": false}"#,
        r#"{"seizure": null, "ice": null}"#,
    ] {
        // The contract's instruments' keys, and those of any instrument
        // added since (its catalogue field after ice_band).
        let added: String = icans::grading::INSTRUMENTS[4..]
            .iter()
            .map(|r| format!(", {}", r.given.keys().0))
            .collect();
        rejects(
            json,
            "record",
            "nothing assessed",
            &format!(
                "at least one of ice, ice_total, capd, capd_items, cartox10, ice_band{added}, consciousness, seizure, motor, edema (or died_of_icans: true), or CRS information alone (crs_grade or the CRS findings)"
            ),
        );
    }
}

/// Contract v4 section 2: CRS information alone is a valid record whose
/// ICANS was not assessed: no grade (never 0), every domain not assessed,
/// not complete, the screening asked for now.
#[test]
fn crs_information_alone_is_icans_not_assessed() {
    for json in [
        r#"{"id": 3, "patient_id": "p", "day": 2, "crs_grade": 3}"#,
        r#"{"temperature_c": 39}"#,
        r#"{"hypotension": "none", "hypoxia": "none"}"#,
        r#"{"died_of_crs": false, "fever_masked": true}"#,
    ] {
        let r = graded(json);
        assert_eq!(r.grade, None, "{json}");
        assert!(!r.complete, "{json}");
        assert_eq!(r.unassessed.len(), 5, "{json}");
        assert!(r.drivers.is_empty(), "{json}");
        assert!(r.crs.is_some(), "{json}");
        let first = &r.management.actions[0];
        assert_eq!(
            (first.id.as_str(), first.text.as_ref()),
            ("ice_screening", "ICANS not assessed: do the ICE (or CAPD) now"),
            "{json}"
        );
        assert!(r.management.summary.starts_with("ICANS not assessed: "), "{json}");
        assert!(!r.management.summary.contains("No ICANS"), "{json}");
    }
}

#[test]
fn null_means_not_recorded() {
    let r = graded(r#"{"ice_total": 5, "seizure": null, "crs_grade": null, "id": null}"#);
    assert_eq!(r.id, None);
    assert!(r.unassessed.iter().any(|d| d.as_str() == "seizure"));
}

#[test]
fn every_problem_of_a_record_is_reported_at_once() {
    let msg = rejected(r#"{"ice_total": 12, "seizure": "x", "motor": "none"}"#);
    assert!(msg.starts_with("ice_total: 12 is out of range"), "{msg}");
    assert!(msg.contains("; seizure: unknown value \"x\""), "{msg}");
}

#[test]
fn malformed_and_non_object_input_is_rejected() {
    let err = |json: &str| record(json).map(|_| ()).map_err(|r| r.error);
    assert!(matches!(err(r#"{"ice_total": 5"#), Err(RecordError::Malformed(m)) if m.contains("EOF")));
    assert!(
        matches!(err(r#"{"ice_total": 5} x"#), Err(RecordError::Malformed(m)) if m.contains("trailing characters"))
    );
    assert!(matches!(err("[1, 2]"), Err(RecordError::NotARecord(m)) if m.contains("expected a JSON object")));
    assert!(matches!(err("42"), Err(RecordError::NotARecord(_))));
    assert!(matches!(err(""), Err(RecordError::Malformed(_))));
}

#[test]
fn ids_are_echoed_unchanged() {
    let r = graded(
        r#"{"id": "A-1", "patient_id": "P", "day": 4, "assessed_at": "2026-01-02T03:04:05Z", "ice_total": 10}"#,
    );
    assert_eq!(r.id, Some(RecordId::Text("A-1".into())));
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["id"], "A-1");
    assert_eq!(v["patient_id"], "P");
    assert_eq!(v["day"], 4);
    assert_eq!(v["assessed_at"], "2026-01-02T03:04:05Z");
    let n = serde_json::to_value(graded(r#"{"id": 18446744073709551615, "ice_total": 10}"#)).unwrap();
    assert_eq!(n["id"], serde_json::json!(18446744073709551615u64));
    let neg = serde_json::to_value(graded(r#"{"id": -7, "ice_total": 10}"#)).unwrap();
    assert_eq!(neg["id"], -7);
    let absent = serde_json::to_value(graded(r#"{"ice_total": 10}"#)).unwrap();
    for key in ["id", "patient_id", "day", "assessed_at"] {
        assert!(absent.get(key).is_none(), "{key} should be left out when absent");
    }
}

#[test]
fn unarousable_with_a_nonzero_ice_total_warns() {
    for total in 1..=10 {
        let r = graded(&format!(
            r#"{{"ice_total": {total}, "consciousness": "unarousable", "age_years": 50}}"#
        ));
        assert_eq!(r.grade, Some(4));
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        assert!(r.warnings[0].starts_with(&format!(
            "ICE total {total} recorded while consciousness is unarousable"
        )));
    }
    assert!(
        graded(r#"{"ice_total": 0, "consciousness": "unarousable", "age_years": 50}"#)
            .warnings
            .is_empty()
    );
    assert!(
        graded(r#"{"ice_total": 9, "consciousness": "awakens_to_tactile", "age_years": 50}"#)
            .warnings
            .is_empty()
    );
}

#[test]
fn instrument_and_age_warnings() {
    let ice_child = graded(r#"{"ice_total": 9, "age_years": 11.9, "weight_kg": 40}"#);
    assert_eq!(
        ice_child.warnings,
        ["ICE used at age 11.9 (under 12): CAPD is the instrument for children under 12"]
    );
    assert!(
        graded(r#"{"ice_total": 9, "age_years": 12, "weight_kg": 40}"#)
            .warnings
            .is_empty()
    );
    assert!(graded(r#"{"ice_total": 9}"#).warnings.is_empty());

    let capd_adult = graded(r#"{"capd": 3, "age_years": 12, "weight_kg": 40}"#);
    assert_eq!(capd_adult.warnings.len(), 1);
    assert!(capd_adult.warnings[0].starts_with("CAPD used at age 12 (12 or over)"));
    assert!(
        graded(r#"{"capd": 3, "age_years": 11.99, "weight_kg": 30}"#)
            .warnings
            .is_empty()
    );
    assert!(graded(r#"{"capd": 3, "weight_kg": 30}"#).warnings.is_empty());
    // Age without an instrument warns about nothing but a missing weight.
    assert!(
        graded(r#"{"seizure": "none", "age_years": 3, "weight_kg": 14}"#)
            .warnings
            .is_empty()
    );
    // A child without a weight is told that doses are per kg, when the
    // result shows a dose (contract §6 v3); without an age, which group's
    // doses are shown.
    for (json, warnings) in [
        (
            r#"{"capd": 9, "age_years": 5}"#,
            &["Child without weight_kg: weight-based doses are shown per kg; give weight_kg to compute them"]
                [..],
        ),
        (
            r#"{"ice_total": 5, "age_years": 17.9}"#,
            &["Child without weight_kg: weight-based doses are shown per kg; give weight_kg to compute them"],
        ),
        (
            r#"{"capd": 9}"#,
            &[
                "age not recorded: child doses shown",
                "Child without weight_kg: weight-based doses are shown per kg; give weight_kg to compute them",
            ],
        ),
        (
            r#"{"ice_total": 5}"#,
            &["age not recorded: adult doses shown; give age_years for a child"],
        ),
        (
            r#"{"ice_total": 5, "weight_kg": 39.9}"#,
            &["age not recorded: child doses shown"],
        ),
        (
            r#"{"ice_total": 5, "weight_kg": 40}"#,
            &["age not recorded: adult doses shown; give age_years for a child"],
        ),
        // No dose shown (grade 0 or 1): no patient-group warning.
        (r#"{"capd": 3}"#, &[]),
        (r#"{"seizure": "none", "age_years": 17.9}"#, &[]),
        (r#"{"ice_total": 8}"#, &[]),
    ] {
        assert_eq!(graded(json).warnings, warnings, "{json}");
    }
}

#[test]
fn warnings_combine() {
    let r = graded(
        r#"{"ice_total": 4, "consciousness": "unarousable", "age_years": 8, "other_cause": ["motor", "edema"]}"#,
    );
    assert_eq!(r.warnings.len(), 5, "{:?}", r.warnings);
    assert_eq!(r.warnings[0], "other_cause names motor, which was not assessed");
    assert_eq!(r.warnings[1], "other_cause names edema, which was not assessed");
}
