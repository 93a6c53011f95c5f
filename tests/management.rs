//! Every management rule of docs/spec.md §3: the action list per grade and
//! condition, the reassessment interval and the summary, against an oracle
//! written here from the contract's table.

mod common;

use common::{action_ids, graded};

/// A record of each grade 0-4; `edema` true puts a graded edema finding
/// above 0 in it (only possible from grade 3).
fn base(grade: u8, edema: bool) -> String {
    let edema = if edema { "focal" } else { "none" };
    match grade {
        0 => r#""ice_total": 10, "consciousness": "alert", "edema": "none""#.to_string(),
        1 => r#""ice_total": 8, "edema": "none""#.to_string(),
        2 => r#""ice_total": 5, "edema": "none""#.to_string(),
        3 => format!(r#""ice_total": 1, "edema": "{edema}""#),
        4 => format!(r#""consciousness": "unarousable", "edema": "{edema}""#),
        _ => unreachable!(),
    }
}

/// Contract §3 table, written out.
fn oracle(grade: u8, crs: Option<u8>, hours: Option<f64>, refractory: bool, edema: bool) -> Vec<String> {
    let crs = crs.unwrap_or(0) >= 1;
    common::oracle_actions(grade, |when| match when {
        "always" => true,
        "crs" => crs,
        "hours_over_24" => hours.is_some_and(|h| h > 24.0),
        "steroid_refractory" => refractory,
        "edema_graded" => edema,
        other => panic!("unknown oracle condition {other}"),
    })
}

#[test]
fn actions_follow_the_table_for_every_grade_and_condition() {
    let mut checked = 0;
    for grade in 0..=4u8 {
        for edema in [false, true] {
            if edema && grade < 3 {
                continue;
            }
            for crs in [None, Some(0), Some(1), Some(2), Some(3), Some(4)] {
                for hours in [None, Some(0.0), Some(24.0), Some(24.5), Some(72.0)] {
                    for refractory in [None, Some(false), Some(true)] {
                        let mut json = format!("{{{}", base(grade, edema));
                        if let Some(c) = crs {
                            json.push_str(&format!(r#", "crs_grade": {c}"#));
                        }
                        if let Some(h) = hours {
                            json.push_str(&format!(r#", "hours_since_onset": {h:?}"#));
                        }
                        if let Some(s) = refractory {
                            json.push_str(&format!(r#", "steroid_refractory": {s}"#));
                        }
                        json.push('}');
                        let r = graded(&json);
                        assert_eq!(r.grade, grade, "{json}");
                        let expected = oracle(grade, crs, hours, refractory == Some(true), edema);
                        assert_eq!(action_ids(&r), expected, "{json}");
                        // Tocilizumab never appears without concurrent CRS.
                        assert_eq!(
                            action_ids(&r).contains(&"tocilizumab"),
                            crs.unwrap_or(0) >= 1 && grade >= 1,
                            "{json}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 7 * 6 * 5 * 3);
}

#[test]
fn icp_monitoring_needs_the_edema_domain_graded_above_zero() {
    let diffuse = graded(r#"{"edema": "diffuse"}"#);
    assert!(action_ids(&diffuse).contains(&"icp_monitoring"));
    let excluded =
        graded(r#"{"edema": "diffuse", "consciousness": "unarousable", "other_cause": ["edema"]}"#);
    assert_eq!(excluded.grade, 4);
    assert!(!action_ids(&excluded).contains(&"icp_monitoring"));
    let unassessed = graded(r#"{"seizure": "prolonged_or_repetitive"}"#);
    assert!(!action_ids(&unassessed).contains(&"icp_monitoring"));
    let no_edema = graded(r#"{"seizure": "prolonged_or_repetitive", "edema": "none"}"#);
    assert!(!action_ids(&no_edema).contains(&"icp_monitoring"));
}

#[test]
fn grade_5_has_no_actions_and_no_interval() {
    let r =
        graded(r#"{"died_of_icans": true, "crs_grade": 4, "steroid_refractory": true, "edema": "diffuse"}"#);
    assert!(r.management.actions.is_empty());
    assert_eq!(r.management.reassess_hours, None);
    assert!(r.management.summary.contains("death attributed to ICANS"));
}

#[test]
fn doses_are_the_knowledge_pages() {
    let text = |json: &str, id: &str| -> String {
        let r = graded(json);
        r.management
            .actions
            .iter()
            .find(|a| a.id.as_str() == id)
            .map(|a| a.text.to_string())
            .unwrap_or_else(|| panic!("{id} missing for {json}"))
    };
    assert!(text(r#"{"ice_total": 5}"#, "dexamethasone").contains("dexamethasone 10 mg IV q6-12h"));
    assert!(text(r#"{"ice_total": 5}"#, "levetiracetam").contains("levetiracetam 500-750 mg BID"));
    assert!(text(r#"{"ice_total": 1}"#, "dexamethasone").contains("dexamethasone 10 mg IV q6h"));
    assert!(text(r#"{"ice_total": 1}"#, "methylprednisolone").contains("methylprednisolone 1 mg/kg IV q12h"));
    assert!(
        text(r#"{"edema": "diffuse"}"#, "methylprednisolone_pulse").contains("methylprednisolone 1-2 g IV")
    );
    assert!(text(r#"{"edema": "diffuse"}"#, "icu").contains("neuro-critical care"));
}

/// Contract §3 `reassess_hours`, written out.
fn interval(grade: u8, crs: Option<u8>, declining: bool) -> Option<u8> {
    let hours = &common::oracle()["reassess_hours"];
    let h = |key: &str| hours[key].as_u64().map(|h| h as u8);
    if grade == 5 {
        None
    } else if grade >= 2 || crs.unwrap_or(0) >= 1 || declining {
        h("urgent")
    } else if grade == 1 {
        h("grade_1")
    } else {
        h("grade_0")
    }
}

#[test]
fn reassessment_interval_follows_grade_crs_and_ice_trend() {
    for total in 0..=10u8 {
        for previous in std::iter::once(None).chain((0..=10).map(Some)) {
            for crs in [None, Some(0), Some(1), Some(3)] {
                let mut json = format!(r#"{{"ice_total": {total}"#);
                if let Some(p) = previous {
                    json.push_str(&format!(r#", "previous_ice_total": {p}"#));
                }
                if let Some(c) = crs {
                    json.push_str(&format!(r#", "crs_grade": {c}"#));
                }
                json.push('}');
                let r = graded(&json);
                let declining = previous.is_some_and(|p| total < p);
                assert_eq!(
                    r.management.reassess_hours,
                    interval(r.grade, crs, declining),
                    "{json}"
                );
            }
        }
    }
    // CAPD has no ICE trend: previous_ice_total does not make it "declining".
    let child = graded(r#"{"capd": 0, "previous_ice_total": 10, "age_years": 4}"#);
    assert_eq!(child.management.reassess_hours, Some(12));
    // Grade 0 by exclusion still follows grade 0's interval.
    let sedated = graded(r#"{"consciousness": "awakens_to_voice", "other_cause": ["consciousness"]}"#);
    assert_eq!(sedated.grade, 0);
    assert_eq!(sedated.management.reassess_hours, Some(12));
}

#[test]
fn summary_says_tocilizumab_is_not_for_icans_alone() {
    for grade in 0..=4u8 {
        for crs in [None, Some(0), Some(1)] {
            let mut json = format!("{{{}", base(grade, false));
            if let Some(c) = crs {
                json.push_str(&format!(r#", "crs_grade": {c}"#));
            }
            json.push('}');
            let r = graded(&json);
            let says = r
                .management
                .summary
                .contains("No concurrent CRS: tocilizumab is not indicated");
            assert_eq!(
                says,
                grade >= 2 && crs.unwrap_or(0) == 0,
                "{json}: {}",
                r.management.summary
            );
            if says {
                assert!(r.management.summary.contains("does not treat ICANS"));
                assert!(r.management.summary.contains("free IL-6"));
            }
        }
    }
}

#[test]
fn summary_names_the_crs_icans_overlap_from_crs_3_and_grade_3() {
    for grade in 0..=4u8 {
        for crs in 0..=4u8 {
            let json = format!(r#"{{{}, "crs_grade": {crs}}}"#, base(grade, false));
            let r = graded(&json);
            let overlap = r.management.summary.contains("CRS/ICANS overlap");
            assert_eq!(
                overlap,
                grade >= 3 && crs >= 3,
                "{json}: {}",
                r.management.summary
            );
            if overlap {
                assert!(
                    r.management
                        .summary
                        .contains("combined tocilizumab plus corticosteroid approach"),
                    "{}",
                    r.management.summary
                );
            }
        }
    }
}

#[test]
fn summary_of_an_incomplete_result_says_lower_bound() {
    let r = graded(r#"{"ice_total": 5}"#);
    assert!(!r.complete);
    assert!(
        r.management
            .summary
            .ends_with("Lower bound: consciousness, seizure, motor, edema not assessed."),
        "{}",
        r.management.summary
    );
    let complete = graded(
        r#"{"ice_total": 5, "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none"}"#,
    );
    assert!(!complete.management.summary.contains("Lower bound"));
}
