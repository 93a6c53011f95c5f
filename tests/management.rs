//! Every management rule of docs/spec.md §3: the action list per grade and
//! condition, the reassessment interval and the summary, against an oracle
//! written here from the contract's table.

mod common;

use common::{action_ids, graded};

/// A record of each grade 0-4 (used by the summary and interval tests).
fn base(grade: u8, _edema: bool) -> String {
    match grade {
        0 => r#""ice_total": 10, "consciousness": "alert", "edema": "none""#.to_string(),
        1 => r#""ice_total": 8, "edema": "none""#.to_string(),
        2 => r#""ice_total": 5, "edema": "none""#.to_string(),
        3 => r#""ice_total": 1, "edema": "none""#.to_string(),
        4 => r#""consciousness": "unarousable", "edema": "none""#.to_string(),
        _ => unreachable!(),
    }
}

/// The findings of one grid record and their domain grades, computed from
/// the oracle's tables (not the crate's).
struct Case {
    json: String,
    grades: [Option<u8>; 5],
    /// The seizure's grade when `other_cause` excludes it.
    excluded_seizure: Option<u8>,
    crs: bool,
    crs_grade: u8,
    hours: Option<f64>,
    refractory: bool,
}

/// Every combination of ICE, consciousness, seizure, motor and edema
/// findings, seizure excluded or not, CRS, hours and refractoriness.
fn grid() -> Vec<Case> {
    let o = common::oracle();
    let ice_grade = |t: u8| o["ice_total_grade"][usize::from(t)].as_u64().map(|g| g as u8);
    let finding = |d: &str, v: &str| o["findings"][d][v].as_u64().map(|g| g as u8);
    let mut cases = Vec::new();
    for ice in [None, Some(10u8), Some(8), Some(5), Some(1)] {
        for cons in [None, Some("alert"), Some("unarousable")] {
            for seizure in [
                None,
                Some("none"),
                Some("rapidly_resolving"),
                Some("prolonged_or_repetitive"),
            ] {
                for motor in [Some("none"), Some("deep_focal_weakness")] {
                    for edema in [None, Some("none"), Some("focal"), Some("diffuse")] {
                        for seizure_excluded in [false, true] {
                            for (crs, hours, refractory) in [
                                (None, None, false),
                                (Some(0u8), Some(30.0), true),
                                (Some(1), Some(24.0), false),
                                (Some(3), Some(24.5), true),
                            ] {
                                let mut fields = Vec::new();
                                let mut g = [None; 5];
                                if let Some(t) = ice {
                                    fields.push(format!(r#""ice_total": {t}"#));
                                    g[0] = ice_grade(t);
                                } else if cons == Some("unarousable") {
                                    g[0] = Some(4);
                                }
                                for (i, name, v) in [
                                    (1, "consciousness", cons),
                                    (2, "seizure", seizure),
                                    (3, "motor", motor),
                                    (4, "edema", edema),
                                ] {
                                    if let Some(v) = v {
                                        fields.push(format!(r#""{name}": "{v}""#));
                                        g[i] = finding(name, v);
                                    }
                                }
                                let mut excluded_seizure = None;
                                if seizure_excluded {
                                    fields.push(r#""other_cause": ["seizure"]"#.to_string());
                                    excluded_seizure = g[2].take();
                                }
                                if let Some(c) = crs {
                                    fields.push(format!(r#""crs_grade": {c}"#));
                                }
                                if let Some(h) = hours {
                                    fields.push(format!(r#""hours_since_onset": {h:?}"#));
                                }
                                fields.push(format!(r#""steroid_refractory": {refractory}"#));
                                cases.push(Case {
                                    json: format!("{{{}}}", fields.join(", ")),
                                    grades: g,
                                    excluded_seizure,
                                    crs: crs.unwrap_or(0) >= 1,
                                    crs_grade: crs.unwrap_or(0),
                                    hours,
                                    refractory,
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    cases
}

/// docs/spec.md §3 (v3), from the oracle file, for one case: the ids in
/// order, and which are given for the excluded seizure.
fn oracle(grade: u8, c: &Case) -> Vec<(String, bool)> {
    let mut excluded = [None; 5];
    excluded[2] = c.excluded_seizure;
    common::oracle_plan(
        grade,
        &common::Facts {
            graded: c.grades,
            excluded,
            crs: if c.crs { c.crs_grade } else { 0 },
            hours: c.hours,
            refractory: c.refractory,
            ..common::Facts::default()
        },
    )
}

#[test]
fn actions_follow_the_table_for_every_grade_and_condition() {
    let mut checked = 0;
    let mut per_grade = [0usize; 5];
    for c in grid() {
        let r = graded(&c.json);
        let grade = c.grades.iter().flatten().max().copied().unwrap_or(0);
        assert_eq!(r.grade, Some(grade), "{}", c.json);
        let expected = oracle(grade, &c);
        let ids: Vec<&str> = expected.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(action_ids(&r), ids, "{}", c.json);
        let suffix = common::oracle()["attributed_suffix"]
            .as_str()
            .expect("suffix")
            .to_string();
        for (a, (_, attributed)) in r.management.actions.iter().zip(&expected) {
            assert_eq!(a.text.contains(&suffix), *attributed, "{}: {}", c.json, a.text);
        }
        // An excluded emergency, or none: the urgent interval whenever one
        // is excluded.
        if c.excluded_seizure.is_some_and(|g| g >= 3) {
            assert_eq!(r.management.reassess_hours, Some(4), "{}", c.json);
        }
        // Tocilizumab never appears without concurrent CRS: at ICANS grade
        // 1-4 with CRS grade >= 1, and (the CRS step, contract v4) with CRS
        // grade >= 2 at any grade.
        assert_eq!(
            action_ids(&r).contains(&"tocilizumab"),
            c.crs && (grade >= 1 || c.crs_grade >= 2),
            "{}",
            c.json
        );
        // Status epilepticus: a benzodiazepine, then levetiracetam loading.
        let antiseizure = r
            .management
            .actions
            .iter()
            .find(|a| a.id.as_str() == "antiseizure_therapy");
        // Status epilepticus: a benzodiazepine for the active seizure first,
        // then levetiracetam loading; a seizure graded 3: levetiracetam
        // loading, a benzodiazepine if one recurs (contract §3 v3).
        if let Some(a) = antiseizure {
            let status = c.grades[2].or(c.excluded_seizure) == Some(4);
            let words = if status {
                "benzodiazepine for the active seizure, then levetiracetam loading, per the status epilepticus protocol"
            } else {
                "levetiracetam loading; a benzodiazepine if a seizure recurs, per the seizure protocol"
            };
            assert!(a.text.contains(words), "{}: {}", c.json, a.text);
        }
        per_grade[usize::from(grade)] += 1;
        checked += 1;
    }
    assert_eq!(checked, 5 * 3 * 4 * 2 * 4 * 2 * 4);
    assert!(per_grade.iter().all(|n| *n > 0), "{per_grade:?}");
}

#[test]
fn icp_monitoring_and_edema_therapy_need_the_edema_domain_graded_4() {
    for json in [
        r#"{"edema": "diffuse"}"#,
        r#"{"edema": "diffuse", "seizure": "none"}"#,
    ] {
        let ids = action_ids(&graded(json));
        assert!(
            ids.contains(&"icp_monitoring") && ids.contains(&"cerebral_edema_therapy"),
            "{json}"
        );
    }
    // Diffuse edema attributed to another cause is still treated (v3).
    let ids = action_ids(&graded(
        r#"{"edema": "diffuse", "consciousness": "unarousable", "other_cause": ["edema"]}"#,
    ));
    assert!(ids.contains(&"icp_monitoring") && ids.contains(&"cerebral_edema_therapy"));
    for json in [
        r#"{"seizure": "prolonged_or_repetitive"}"#,
        r#"{"seizure": "prolonged_or_repetitive", "edema": "none"}"#,
        r#"{"seizure": "prolonged_or_repetitive", "edema": "focal"}"#,
    ] {
        let r = graded(json);
        assert_eq!(r.grade, Some(4));
        let ids = action_ids(&r);
        assert!(
            !ids.contains(&"icp_monitoring") && !ids.contains(&"cerebral_edema_therapy"),
            "{json}"
        );
    }
}

#[test]
fn an_awake_adult_graded_4_by_motor_is_not_told_to_intubate() {
    let r = graded(
        r#"{"ice_total": 10, "consciousness": "alert", "seizure": "none", "motor": "deep_focal_weakness", "edema": "none"}"#,
    );
    assert_eq!(r.grade, Some(4));
    assert_eq!(
        action_ids(&r),
        [
            "methylprednisolone_pulse",
            "icu",
            "neurology_consult",
            "eeg",
            "mri_brain",
            "levetiracetam",
            "consider_additional_immunosuppression"
        ]
    );
}

#[test]
fn grade_5_has_no_actions_and_no_interval() {
    let r =
        graded(r#"{"died_of_icans": true, "crs_grade": 4, "steroid_refractory": true, "edema": "diffuse"}"#);
    assert!(r.management.actions.is_empty());
    assert_eq!(r.management.reassess_hours, None);
    assert_eq!(
        r.management.summary,
        "Death attributed to ICANS: no management step."
    );
    assert!(r.complete, "a death is never a lower bound");
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
    assert_eq!(
        text(
            r#"{"edema": "diffuse", "age_years": 40}"#,
            "methylprednisolone_pulse"
        ),
        "Pulse methylprednisolone 1-2 g IV daily for 3 days, then taper"
    );
    assert_eq!(
        text(r#"{"edema": "diffuse"}"#, "methylprednisolone_pulse"),
        "Pulse methylprednisolone 1-2 g IV daily for 3 days, then taper (if under 18: 30 mg/kg, at most 1 g)"
    );
    assert!(
        text(r#"{"ice_total": 1, "age_years": 40}"#, "dexamethasone")
            .ends_with("until improvement to grade 1, then taper")
    );
    // Contract v4: an adult dexamethasone dose with the age unknown.
    assert_eq!(
        text(r#"{"ice_total": 1}"#, "dexamethasone"),
        "High-dose corticosteroids: dexamethasone 10 mg IV q6h until improvement to grade 1, then taper (if under 18: weight-based dose)"
    );
    assert!(
        text(r#"{"ice_total": 1}"#, "methylprednisolone")
            .ends_with("until improvement to grade 1, then taper")
    );
    assert!(text(r#"{"ice_total": 5}"#, "levetiracetam").contains("IV or PO (IV if swallowing is impaired)"));
    assert_eq!(
        text(r#"{"ice_total": 5, "crs_grade": 2}"#, "consider_icu"),
        "Consider ICU transfer: ICANS with CRS grade >= 2"
    );
    assert!(text(r#"{"ice_total": 1}"#, "methylprednisolone").contains("methylprednisolone 1 mg/kg IV q12h"));
    assert_eq!(
        text(r#"{"ice_total": 1, "crs_grade": 1}"#, "tocilizumab"),
        "Tocilizumab 8 mg/kg (max 800 mg per dose; 12 mg/kg under 30 kg) IV over 1 h for the concurrent CRS (treats CRS; does not treat ICANS); may repeat at least 8 h after the previous dose if no improvement; at most 3 doses in 24 h and 4 in total, counting doses already given; caution with repeat doses in ICANS (consider adding corticosteroids)"
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
                    interval(r.grade.unwrap_or(0), crs, declining),
                    "{json}"
                );
            }
        }
    }
    // CAPD has no ICE trend: previous_ice_total does not make it "declining".
    let child = graded(r#"{"capd": 0, "previous_ice_total": 10, "age_years": 4}"#);
    assert_eq!(child.management.reassess_hours, Some(12));
    // CAPD worsening is urgent; a lower CAPD is not.
    for (capd, previous, hours) in [
        (9, 4, Some(4)),
        (4, 9, Some(8)),
        (4, 4, Some(8)),
        (0, 0, Some(12)),
    ] {
        let r = graded(&format!(
            r#"{{"capd": {capd}, "previous_capd": {previous}, "age_years": 4}}"#
        ));
        assert_eq!(r.management.reassess_hours, hours, "CAPD {previous} -> {capd}");
        assert_eq!(
            r.warnings
                .contains(&format!("CAPD worsening: {previous} -> {capd}")),
            capd > previous
        );
    }
    // Grade 0 because a worse finding is excluded: ICANS cannot be ruled
    // out, so the urgent interval.
    let sedated = graded(r#"{"consciousness": "awakens_to_voice", "other_cause": ["consciousness"]}"#);
    assert_eq!(sedated.grade, Some(0));
    assert_eq!(sedated.management.reassess_hours, Some(4));
    // Excluded but not above the grade: not masked.
    let mild = graded(
        r#"{"ice_total": 5, "consciousness": "awakens_spontaneously", "other_cause": ["consciousness"]}"#,
    );
    assert!(mild.masked.is_empty());
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
            // "No concurrent CRS" only with crs_grade 0 given (or graded 0
            // and complete); without CRS information "CRS not assessed"
            // (contract §3 v3).
            assert_eq!(
                says,
                grade >= 2 && crs == Some(0),
                "{json}: {}",
                r.management.summary
            );
            assert_eq!(
                r.management
                    .summary
                    .contains("CRS not assessed (tocilizumab only with concurrent CRS)."),
                // Contract v4: at every ICANS grade 0-4.
                crs.is_none(),
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
