//! Children and weight-based doses (docs/spec.md §6), the CAPD path, and the
//! masked-finding rule (§2), against the oracle file (tests/data/astct-2019.json).

mod common;

use common::{action_ids, graded, rejected};
use icans::grading::{Grading, PatientGroup};

/// A record at each grade 1-4 with concurrent CRS, so that every dosed
/// action appears somewhere.
const GRADES: [&str; 4] = [
    r#""consciousness": "awakens_spontaneously""#,
    r#""consciousness": "awakens_to_voice""#,
    r#""consciousness": "awakens_to_tactile""#,
    r#""consciousness": "unarousable", "seizure": "prolonged_or_repetitive", "edema": "diffuse""#,
];

fn text<'a>(r: &'a Grading, id: &str) -> Option<&'a str> {
    r.management
        .actions
        .iter()
        .find(|a| a.id.as_str() == id)
        .map(|a| a.text.as_ref())
}

fn dose(r: &Grading, id: &str) -> Option<u32> {
    r.management
        .actions
        .iter()
        .find(|a| a.id.as_str() == id)
        .and_then(|a| a.dose_mg)
}

/// The oracle's tocilizumab dose for a weight: 8 mg/kg, at most 800 mg;
/// 12 mg/kg under 30 kg; rounded to 1 mg.
fn tocilizumab_mg(w: f64) -> u32 {
    let t = &common::oracle()["tocilizumab"];
    let f = |k: &str| t[k].as_f64().expect("a number");
    let rate = if w < f("small_under_kg") {
        f("small_mg_per_kg")
    } else {
        f("mg_per_kg")
    };
    (rate * w).min(f("max_mg")).round() as u32
}

#[test]
fn every_grade_for_adults_and_children_with_and_without_weight() {
    let oracle = common::oracle();
    let adult_doses: Vec<&str> = oracle["child"]["adult_absolute_doses"]
        .as_array()
        .expect("list")
        .iter()
        .map(|v| v.as_str().expect("text"))
        .collect();
    let paediatric = oracle["child"]["paediatric_text"].as_str().expect("text");
    let mut checked = 0;
    for (g, finding) in GRADES.iter().enumerate() {
        let grade = g as u8 + 1;
        for (who, extra, age, capd) in [
            ("adult", r#""age_years": 40"#, Some(40.0), false),
            ("age unknown", r#""ice_total": 10"#, None, false),
            ("child by age", r#""age_years": 15"#, Some(15.0), false),
            ("CAPD, age unknown", r#""capd": 0"#, None, true),
            (
                "adult assessed with CAPD",
                r#""capd": 0, "age_years": 30"#,
                Some(30.0),
                true,
            ),
        ] {
            for weight in [None, Some(12.5), Some(29.9), Some(30.0), Some(70.0), Some(120.0)] {
                let w = weight
                    .map(|w| format!(r#", "weight_kg": {w:?}"#))
                    .unwrap_or_default();
                let json = format!(r#"{{{finding}, {extra}, "crs_grade": 2{w}}}"#);
                let r = graded(&json);
                assert_eq!(r.grade, Some(grade), "{json}");
                // docs/spec.md §6 (v3): the age decides when recorded; without
                // it CAPD or a weight under 40 kg makes a child.
                let child = match age {
                    Some(a) => a < 18.0,
                    None => capd || weight.is_some_and(|w| w < 40.0),
                };
                let group = if child {
                    PatientGroup::Child
                } else {
                    PatientGroup::Adult
                };
                assert_eq!(r.patient_group, group, "{who}: {json}");
                // A weight implausible for the age: warned, no computed dose.
                let implausible = age
                    .zip(weight)
                    .is_some_and(|(a, w)| common::oracle_implausible(w, a));
                assert_eq!(
                    r.warnings
                        .iter()
                        .any(|x| x.contains(": check (if entered in pounds: ")),
                    implausible,
                    "{json}: {:?}",
                    r.warnings
                );
                let weight = weight.filter(|_| !implausible);
                let warned = r
                    .warnings
                    .iter()
                    .any(|w| w.contains("weight-based doses are shown per kg"));
                assert_eq!(warned, child && weight.is_none() && !implausible, "{json}");
                let age_warning = match (age, child) {
                    (Some(_), _) => None,
                    (None, true) => Some("age not recorded: child doses shown"),
                    (None, false) => Some("age not recorded: adult doses shown; give age_years for a child"),
                };
                assert_eq!(
                    r.warnings
                        .iter()
                        .find(|w| w.starts_with("age not recorded"))
                        .map(String::as_str),
                    age_warning,
                    "{json}"
                );
                // Tocilizumab: per kg, computed with the weight.
                assert_eq!(dose(&r, "tocilizumab"), weight.map(tocilizumab_mg), "{json}");
                let toci = text(&r, "tocilizumab").expect("tocilizumab with CRS");
                match weight {
                    None => assert!(
                        toci.contains("8 mg/kg (max 800 mg per dose; 12 mg/kg under 30 kg)"),
                        "{toci}"
                    ),
                    Some(w) => assert!(toci.contains(&format!("{} mg (", tocilizumab_mg(w))), "{toci}"),
                }
                if group == PatientGroup::Child {
                    for a in &r.management.actions {
                        for adult in &adult_doses {
                            assert!(!a.text.contains(adult), "{who}: {} in {json}", a.text);
                        }
                    }
                    for id in ["dexamethasone", "levetiracetam"] {
                        if let Some(t) = text(&r, id) {
                            assert!(
                                t.contains(paediatric) && t.contains("the adult dose does not apply"),
                                "{t}"
                            );
                        }
                    }
                }
                if grade == 3 {
                    let expected = weight.map(|w| w.round() as u32);
                    assert_eq!(dose(&r, "methylprednisolone"), expected, "{json}");
                }
                if grade == 4 {
                    let pulse = text(&r, "methylprednisolone_pulse").expect("pulse at grade 4");
                    match group {
                        PatientGroup::Adult if age.is_some() => {
                            // One corticosteroid for ICANS 4 and CRS 2 (contract
                            // v4 §3): the pulse, tapered only when both are
                            // grade 1 or less, keeping consider_dexamethasone's
                            // words; with an implausible weight (§6 v4) the
                            // child alternative and the check beside it.
                            let warned_weight = if implausible {
                                " (if the weight is right: 30 mg/kg, at most 1 g) (confirm the weight before dosing)"
                            } else {
                                ""
                            };
                            assert_eq!(
                                pulse,
                                format!(
                                    "Pulse methylprednisolone 1-2 g IV daily for 3 days{warned_weight}; no improvement 24 h after tocilizumab: manage as CRS grade 3; strongly consider antifungal prophylaxis while on corticosteroids (for ICANS grade 4 and CRS grade 2; continue until ICANS and CRS are both grade 1 or less, then taper)"
                                )
                            );
                            assert_eq!(dose(&r, "methylprednisolone_pulse"), None);
                        }
                        PatientGroup::Adult => {
                            assert_eq!(
                                pulse,
                                "Pulse methylprednisolone 1-2 g IV daily for 3 days (if under 18: 30 mg/kg, at most 1 g); no improvement 24 h after tocilizumab: manage as CRS grade 3; strongly consider antifungal prophylaxis while on corticosteroids (for ICANS grade 4 and CRS grade 2; continue until ICANS and CRS are both grade 1 or less, then taper)"
                            );
                            assert_eq!(dose(&r, "methylprednisolone_pulse"), None);
                        }
                        PatientGroup::Child => {
                            let expected = weight.map(|w| (30.0 * w).min(1000.0).round() as u32);
                            assert_eq!(dose(&r, "methylprednisolone_pulse"), expected, "{json}");
                            assert!(pulse.contains("IV daily for 3 days"), "{pulse}");
                            if weight.is_none() {
                                assert!(pulse.contains("30 mg/kg (max 1 g a day)"), "{pulse}");
                            }
                        }
                    }
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 4 * 5 * 6);
}

#[test]
fn the_safety_examples_of_issue_11_give_the_safe_answer() {
    // A 3-year-old on the CAPD path, unarousable with status epilepticus.
    let r = graded(
        r#"{"age_years": 3, "capd": 20, "consciousness": "unarousable", "seizure": "prolonged_or_repetitive"}"#,
    );
    assert_eq!(r.grade, Some(4));
    assert_eq!(r.patient_group, PatientGroup::Child);
    let ids = action_ids(&r);
    assert!(ids.contains(&"antiseizure_therapy"), "{ids:?}");
    assert!(text(&r, "antiseizure_therapy").is_some_and(|t| t.contains("benzodiazepine")));
    assert!(
        text(&r, "methylprednisolone_pulse").is_some_and(|t| t.contains("30 mg/kg") && !t.contains("1-2 g"))
    );
    assert!(r.management.actions.iter().all(|a| !a.text.contains("ICE")));
    assert!(
        icans::format::text::card(&r)
            .contains("Reassess (neurological examination; CAPD once arousable) in 4 h.")
    );
    // A 5-year-old with CAPD 9.
    let r = graded(r#"{"age_years": 5, "capd": 9}"#);
    assert_eq!(r.grade, Some(3));
    assert!(text(&r, "dexamethasone").is_some_and(|t| !t.contains("10 mg")));
    // An awake adult with ICE 10 and hemiparesis.
    let r = graded(r#"{"ice_total": 10, "consciousness": "alert", "motor": "deep_focal_weakness"}"#);
    assert!(!action_ids(&r).contains(&"airway_protection"));
    // A sedated patient with ICE 0 and unarousable, both attributed to sedation.
    let r = graded(
        r#"{"ice_total": 0, "consciousness": "unarousable", "other_cause": ["consciousness", "encephalopathy"], "seizure": "none", "motor": "none", "edema": "none"}"#,
    );
    assert_eq!(r.grade, Some(0));
    assert_eq!(common::names(&r.masked), ["encephalopathy", "consciousness"]);
    assert_eq!(r.management.reassess_hours, Some(4));
    assert!(
        r.management.summary.starts_with("ICANS cannot be ruled out"),
        "{}",
        r.management.summary
    );
    assert!(!icans::format::text::card(&r).contains("no ICANS"));
}

#[test]
fn masked_findings_follow_the_rule_for_every_exclusion() {
    let o = common::oracle();
    let findings = [
        ("consciousness", "unarousable"),
        ("consciousness", "awakens_to_voice"),
        ("seizure", "rapidly_resolving"),
        ("motor", "deep_focal_weakness"),
        ("edema", "focal"),
    ];
    for rest in [
        r#""ice_total": 10"#,
        r#""ice_total": 8"#,
        r#""ice_total": 5"#,
        r#""ice_total": 1"#,
    ] {
        for (domain, value) in findings {
            for excluded in [false, true] {
                let oc = if excluded {
                    format!(r#", "other_cause": ["{domain}"]"#)
                } else {
                    String::new()
                };
                let json = format!(r#"{{{rest}, "{domain}": "{value}"{oc}}}"#);
                let r = graded(&json);
                let finding = o["findings"][domain][value].as_u64().expect("grade") as u8;
                let masked = excluded && Some(finding) > r.grade;
                assert_eq!(r.masked.is_empty(), !masked, "{json}");
                assert_eq!(
                    r.management.summary.contains("ICANS cannot be ruled out"),
                    masked,
                    "{json}"
                );
                assert_eq!(
                    r.warnings
                        .iter()
                        .any(|w| w.starts_with(&format!("ICANS cannot be ruled out: {domain}"))),
                    masked,
                    "{json}"
                );
                if masked {
                    assert_eq!(r.management.reassess_hours, Some(4), "{json}");
                    assert!(icans::format::text::headline(&r).ends_with("ICANS cannot be ruled out"));
                }
            }
        }
    }
}

#[test]
fn capd_items_are_scored_by_the_tool_with_the_first_four_reversed() {
    let keys = [
        "eye_contact",
        "purposeful_actions",
        "aware_of_surroundings",
        "communicates_needs",
        "restless",
        "inconsolable",
        "underactive",
        "slow_response",
    ];
    let words = ["never", "rarely", "sometimes", "often", "always"];
    // Each item with each answer, the others at their lowest score.
    for i in 0..keys.len() {
        for (w, word) in words.iter().enumerate() {
            let items: Vec<String> = keys
                .iter()
                .enumerate()
                .map(|(j, k)| {
                    let answer = if j == i {
                        *word
                    } else if j < 4 {
                        "always"
                    } else {
                        "never"
                    };
                    format!(r#""{k}": "{answer}""#)
                })
                .collect();
            let json = format!(r#"{{"capd_items": {{{}}}, "age_years": 6}}"#, items.join(", "));
            let r = graded(&json);
            let expected = if i < 4 { 4 - w as u8 } else { w as u8 };
            assert_eq!(r.capd, Some(expected), "{json}");
        }
    }
    let all = |a: &str, b: &str| {
        let items: Vec<String> = keys
            .iter()
            .enumerate()
            .map(|(j, k)| format!(r#""{k}": "{}""#, if j < 4 { a } else { b }))
            .collect();
        format!("{{{}}}", items.join(", "))
    };
    assert_eq!(
        graded(&format!(r#"{{"capd_items": {}}}"#, all("never", "always"))).capd,
        Some(32)
    );
    assert_eq!(
        graded(&format!(r#"{{"capd_items": {}}}"#, all("always", "never"))).capd,
        Some(0)
    );
    assert_eq!(
        graded(&format!(
            r#"{{"capd_items": {}, "capd": 32}}"#,
            all("never", "always")
        ))
        .capd,
        Some(32)
    );
    let e = rejected(&format!(
        r#"{{"capd_items": {}, "capd": 31}}"#,
        all("never", "always")
    ));
    assert!(
        e.contains("capd: 31 disagrees with the capd_items, which score 32"),
        "{e}"
    );
    let e = rejected(r#"{"capd_items": {"eye_contact": "seldom"}}"#);
    assert!(
        e.contains("capd_items.eye_contact: unknown value \"seldom\""),
        "{e}"
    );
    assert!(e.contains("capd_items: missing purposeful_actions"), "{e}");
    let e = rejected(&format!(
        r#"{{"capd_items": {}, "ice_total": 9}}"#,
        all("never", "never")
    ));
    assert!(e.contains("given together with ICE"), "{e}");
}

#[test]
fn every_text_of_a_capd_result_says_capd() {
    for json in [
        r#"{"capd": 0, "previous_capd": 3}"#,
        r#"{"capd": 4}"#,
        r#"{"capd": 4, "previous_capd": 2}"#,
        r#"{"capd": 12, "crs_grade": 1}"#,
        r#"{"age_years": 7, "consciousness": "alert"}"#,
    ] {
        let r = graded(json);
        let card = icans::format::text::card(&r);
        for line in card.lines().filter(|l| !l.contains("ICANS")) {
            assert!(!line.contains("ICE"), "{json}: {line}");
        }
        assert!(card.contains("CAPD"), "{json}");
    }
}

#[test]
fn ice_and_capd_trends_are_named() {
    let r = graded(r#"{"ice_total": 6, "previous_ice_total": 8}"#);
    assert!(r.warnings.contains(&"ICE declining: 8 -> 6".to_string()));
    assert!(icans::format::text::card(&r).contains("ICE declining: 8 -> 6"));
    let r = graded(r#"{"capd": 9, "previous_capd": 4}"#);
    assert!(r.warnings.contains(&"CAPD worsening: 4 -> 9".to_string()));
}

#[test]
fn scores_graded_while_consciousness_is_excluded_are_flagged() {
    for (json, warned) in [
        (
            r#"{"ice_total": 5, "consciousness": "awakens_to_voice", "other_cause": ["consciousness"]}"#,
            true,
        ),
        (
            r#"{"capd": 12, "consciousness": "awakens_to_voice", "other_cause": ["consciousness"]}"#,
            true,
        ),
        (
            r#"{"ice_total": 5, "consciousness": "awakens_to_voice", "other_cause": ["consciousness", "encephalopathy"]}"#,
            false,
        ),
        (r#"{"ice_total": 5, "consciousness": "awakens_to_voice"}"#, false),
    ] {
        let r = graded(json);
        assert_eq!(
            r.warnings
                .iter()
                .any(|w| w.contains("graded while consciousness is excluded")),
            warned,
            "{json}"
        );
    }
    let r = graded(r#"{"capd": 0, "consciousness": "unarousable"}"#);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.starts_with("CAPD 0 recorded while consciousness is unarousable"))
    );
}

#[test]
fn weight_and_age_are_checked() {
    // docs/spec.md §1 (v3): weight 2-300 kg, age 0-120 years.
    for bad in ["0", "0.2", "1.99", "-3", "301", "\"70\""] {
        let e = rejected(&format!(r#"{{"ice_total": 5, "weight_kg": {bad}}}"#));
        assert!(e.starts_with("weight_kg: "), "{e}");
        assert!(e.contains("(allowed: a number >= 2, at most 300)"), "{e}");
    }
    for ok in ["2", "300"] {
        assert_eq!(
            graded(&format!(r#"{{"ice_total": 5, "weight_kg": {ok}}}"#)).grade,
            Some(2)
        );
    }
    for bad in ["120.5", "250", "-1"] {
        let e = rejected(&format!(r#"{{"ice_total": 5, "age_years": {bad}}}"#));
        assert!(e.starts_with("age_years: "), "{e}");
        assert!(e.contains("(allowed: a number >= 0, at most 120)"), "{e}");
    }
    for ok in ["0", "120"] {
        assert_eq!(
            graded(&format!(r#"{{"ice_total": 5, "age_years": {ok}}}"#)).grade,
            Some(2)
        );
    }
}

/// Contract v4 §6: weight plausibility at every age 0-120 in steps, from
/// the contract's medians (tests/common): just inside and just outside each
/// bound (0.6 and 1.5 times the median under 18; 30 and 150 kg from 18),
/// and the pounds slip of a median child (2.2 times the median). A warned
/// weight gives the warning with the pounds figure and no computed dose;
/// `weight_confirmed` takes both back.
#[test]
fn weight_bounds_at_every_age() {
    let ages = (0..72)
        .map(|q| f64::from(q) * 0.25)
        .chain((18..=120).map(f64::from));
    let mut checked = 0;
    for age in ages {
        let cases: Vec<(f64, bool)> = if age < 18.0 {
            let m = common::oracle_median_weight(age);
            vec![
                (0.6 * m * 0.99, true),
                (0.6 * m * 1.01, false),
                (1.5 * m * 0.99, false),
                (1.5 * m * 1.01, true),
                (2.2 * m, true),
            ]
        } else {
            vec![(29.9, true), (30.0, false), (150.0, false), (150.1, true)]
        };
        for (weight, warned) in cases {
            let w = (weight * 1000.0).round() / 1000.0;
            assert_eq!(
                common::oracle_implausible(w, age),
                warned,
                "the oracle at {age}, {w}"
            );
            let json =
                format!(r#"{{"age_years": {age:?}, "weight_kg": {w:?}, "ice_total": 9, "crs_grade": 2}}"#);
            let r = graded(&json);
            let pounds = (w / 2.2 * 10.0).round() / 10.0;
            let warning = format!("weight {w} kg at age {age}: check (if entered in pounds: {pounds} kg)");
            assert_eq!(r.warnings.contains(&warning), warned, "{json}: {:?}", r.warnings);
            let toci = dose(&r, "tocilizumab");
            assert_eq!(toci.is_none(), warned, "{json}");
            let toci_text = text(&r, "tocilizumab").expect("tocilizumab with CRS");
            assert_eq!(
                toci_text.ends_with("(confirm the weight before dosing)"),
                warned,
                "{toci_text}"
            );
            // Confirmed: no warning, the dose computed with the weight.
            let confirmed = graded(&json.replace('}', r#", "weight_confirmed": true}"#));
            assert!(
                !confirmed.warnings.iter().any(|x| x.contains(": check")),
                "{json}"
            );
            assert_eq!(dose(&confirmed, "tocilizumab"), Some(tocilizumab_mg(w)), "{json}");
            checked += 1;
        }
    }
    assert_eq!(checked, 72 * 5 + 103 * 4);
}
