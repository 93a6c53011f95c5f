//! The fast NDJSON writer of batch writes exactly what serde_json writes for
//! the result type, for every shape of result (so the docs/spec.md §4 object has
//! one definition: the `Serialize` derive).

mod common;

use icans::format::json::write_result_line;
use icans::grading::grade;

#[test]
fn fast_writer_matches_serde_for_every_shape_of_result() {
    let ids = [
        r#""id": 7,"#,
        r#""id": -3,"#,
        r#""id": 18446744073709551615,"#,
        r#""id": "plain","#,
        r#""id": "quote\" back\\ slash\n tab\t ctrl\u0001 é ✓","#,
        "",
    ];
    let extras = [
        r#""patient_id": "P\"1", "day": 0, "assessed_at": "2026-01-01T00:00:00Z","#,
        r#""day": 4294967295,"#,
        r#""age_years": 8, "crs_grade": 3, "previous_ice_total": 10, "hours_since_onset": 30, "steroid_refractory": true,"#,
        r#""other_cause": ["seizure", "edema", "consciousness"],"#,
        "",
    ];
    let findings = [
        r#""ice_total": 4, "consciousness": "unarousable", "edema": "focal""#,
        r#""ice": {"orientation": 1, "naming": 0, "writing": 0, "attention": 1, "commands": 0}, "seizure": "rapidly_resolving""#,
        r#""capd": 12, "motor": "tremor_or_myoclonus""#,
        r#""consciousness": "unarousable", "seizure": "none", "motor": "none", "edema": "diffuse""#,
        r#""died_of_icans": true"#,
        r#""ice_total": 10, "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none""#,
    ];
    let mut checked = 0;
    for id in ids {
        for extra in extras {
            for finding in findings {
                let json = format!("{{{id} {extra} {finding}}}");
                let r = grade(&common::record(&json).unwrap_or_else(|e| panic!("{json}: {}", e.error)));
                let mut fast = Vec::new();
                write_result_line(&mut fast, &r);
                let mut serde = serde_json::to_vec(&r).unwrap();
                serde.push(b'\n');
                assert_eq!(
                    String::from_utf8_lossy(&fast),
                    String::from_utf8_lossy(&serde),
                    "{json}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 6 * 5 * 6);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 1000, ..Default::default() })]

    /// On records that fill every field (weights and doses, the CRS from
    /// findings, deaths, masked fevers, recorded grades, escapes), the fast
    /// writer writes serde's bytes.
    #[test]
    fn fast_writer_matches_serde_on_records_that_fill_every_field(json in common::any_record_json()) {
        if let Ok(a) = common::record(&json) {
            let r = grade(&a);
            let mut fast = Vec::new();
            write_result_line(&mut fast, &r);
            let mut serde = serde_json::to_vec(&r).expect("serialises");
            serde.push(b'\n');
            proptest::prop_assert_eq!(String::from_utf8_lossy(&fast), String::from_utf8_lossy(&serde), "{}", json);
        }
    }
}

/// The generator is not idle: most of what it writes is a valid record, and
/// the valid ones reach the fields the fast writer treats apart.
#[test]
fn the_generator_writes_mostly_valid_records_that_fill_the_fields() {
    use proptest::strategy::{Strategy, ValueTree};
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = common::any_record_json();
    let (mut valid, mut dosed, mut masked, mut recorded, mut older, mut registry) = (0, 0, 0, 0, 0, 0);
    for _ in 0..1000 {
        let json = strategy.new_tree(&mut runner).expect("a record").current();
        if let Ok(a) = common::record(&json) {
            valid += 1;
            let r = grade(&a);
            dosed += usize::from(r.management.actions.iter().any(|x| x.dose_mg.is_some()));
            masked += usize::from(
                r.crs
                    .as_ref()
                    .and_then(|c| c.domains.as_ref())
                    .is_some_and(|d| d.fever.masked),
            );
            recorded += usize::from(r.recorded_grade.is_some() && r.recorded_scale.is_some());
            older += usize::from(r.total_alone.0.is_some() || r.ice_band.is_some());
            registry +=
                usize::from(r.recorded_crs_grade.is_some() && r.product.is_some() && r.site.is_some());
        }
    }
    assert!(valid >= 500, "{valid} of 1000 valid");
    assert!(
        dosed >= 20 && masked >= 5 && recorded >= 50 && older >= 20 && registry >= 20,
        "dose_mg {dosed}, masked fever {masked}, recorded {recorded}, cartox10/ice_band {older}, recorded CRS/product/site {registry}"
    );
}
