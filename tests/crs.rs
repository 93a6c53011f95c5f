//! CRS grading (docs/spec.md §7) against an oracle written here from the
//! contract's table and rules: every fever state, masking, hypotension,
//! hypoxia, exclusion and death; the interaction with ICANS management; and
//! flags, CSV and JSON giving the same CRS.

mod common;

use common::{action_ids, graded, icans, rejected};
use icans::grading::{CrsState, Status};
use serde_json::Value;

/// Every `hypotension` value, and absent.
const HYPOTENSIONS: [Option<&str>; 5] = [
    None,
    Some("none"),
    Some("fluids_only"),
    Some("one_vasopressor"),
    Some("multiple_vasopressors"),
];

/// Every `hypoxia` value, and absent.
const HYPOXIAS: [Option<&str>; 5] = [
    None,
    Some("none"),
    Some("low_flow"),
    Some("high_flow"),
    Some("positive_pressure"),
];

/// The contract's CRS table: hypotension and hypoxia grades.
fn organ_grade(value: &str) -> u8 {
    match value {
        "none" => 0,
        "fluids_only" | "low_flow" => 2,
        "one_vasopressor" | "high_flow" => 3,
        "multiple_vasopressors" | "positive_pressure" => 4,
        other => panic!("not a CRS finding: {other}"),
    }
}

/// Fever as recorded: absent, by the boolean, or by temperature.
#[derive(Clone, Copy, Debug)]
enum FeverInput {
    Absent,
    Flag(bool),
    Temperature(f64),
}

struct Expected {
    grade: u8,
    complete: bool,
    drivers: Vec<&'static str>,
    warned: bool,
    /// What the CRS state means for management (docs/spec.md §3 "CRS words").
    state: CrsState,
    /// The fever hidden by fever_masked: excluded, `masked: true`.
    fever_masked_shown: bool,
}

/// The oracle, written from the contract §7 bullets.
fn oracle(
    fever: FeverInput,
    masked: Option<bool>,
    hypotension: Option<&str>,
    hypoxia: Option<&str>,
    excluded: Option<&str>,
    died: bool,
) -> Expected {
    let fever_value = match fever {
        FeverInput::Absent => None,
        FeverInput::Flag(f) => Some(f),
        FeverInput::Temperature(t) => Some(t >= 38.0),
    };
    let fever_excluded = excluded == Some("fever");
    let fever_present = fever_value == Some(true) && !fever_excluded;
    let hypo = |v: Option<&str>, name: &str| v.filter(|_| excluded != Some(name)).map(organ_grade);
    let (ht, hx) = (hypo(hypotension, "hypotension"), hypo(hypoxia, "hypoxia"));
    let organ = ht.unwrap_or(0).max(hx.unwrap_or(0));
    let masked_given = masked;
    let masked = masked == Some(true);
    let grade = if died {
        5
    } else if fever_present {
        organ.max(1)
    } else if masked {
        organ
    } else {
        0
    };
    // A death is complete (contract §3 v3).
    let complete = died || (hypotension.is_some() && hypoxia.is_some() && (masked || fever_value.is_some()));
    let mut drivers = Vec::new();
    if (1..=4).contains(&grade) {
        if fever_present && grade == 1 {
            drivers.push("fever");
        }
        if ht == Some(grade) {
            drivers.push("hypotension");
        }
        if hx == Some(grade) {
            drivers.push("hypoxia");
        }
    }
    Expected {
        grade,
        complete,
        drivers,
        warned: !died && !fever_present && !masked && organ >= 2,
        state: match grade {
            5 => CrsState::Death,
            1..=4 => CrsState::Active(grade),
            // Fever not recorded and not masked, an organ graded >= 2.
            _ if fever_value.is_none() && !masked && organ >= 2 => {
                CrsState::CannotBeRuledOut { with_fever: organ }
            }
            // Fever recorded absent or excluded, fever_masked not recorded.
            _ if organ >= 2 && !masked && masked_given.is_none() => CrsState::NoFever { with_fever: organ },
            // The same with fever_masked recorded false (contract v4 §3).
            _ if organ >= 2 && !masked => CrsState::NoFeverNotMasked { with_fever: organ },
            _ if complete => CrsState::Absent,
            _ => CrsState::LowerBound,
        },
        fever_masked_shown: masked && !fever_present,
    }
}

#[test]
fn every_combination_follows_the_rules() {
    let fevers = [
        FeverInput::Absent,
        FeverInput::Flag(false),
        FeverInput::Flag(true),
        FeverInput::Temperature(37.9),
        FeverInput::Temperature(38.0),
    ];
    let mut checked = 0;
    for fever in fevers {
        for masked in [None, Some(false), Some(true)] {
            for hypotension in HYPOTENSIONS {
                for hypoxia in HYPOXIAS {
                    for excluded in [None, Some("fever"), Some("hypotension"), Some("hypoxia")] {
                        for died in [false, true] {
                            let mut fields = vec![r#""ice_total": 10"#.to_string()];
                            match fever {
                                FeverInput::Absent => {}
                                FeverInput::Flag(f) => fields.push(format!(r#""fever": {f}"#)),
                                FeverInput::Temperature(t) => {
                                    fields.push(format!(r#""temperature_c": {t:?}"#))
                                }
                            }
                            if let Some(m) = masked {
                                fields.push(format!(r#""fever_masked": {m}"#));
                            }
                            if let Some(h) = hypotension {
                                fields.push(format!(r#""hypotension": "{h}""#));
                            }
                            if let Some(h) = hypoxia {
                                fields.push(format!(r#""hypoxia": "{h}""#));
                            }
                            if let Some(e) = excluded {
                                fields.push(format!(r#""other_cause": ["{e}"]"#));
                            }
                            if died {
                                fields.push(r#""died_of_crs": true"#.to_string());
                            }
                            let json = format!("{{{}}}", fields.join(", "));
                            let has_findings = !matches!(fever, FeverInput::Absent)
                                || masked.is_some()
                                || hypotension.is_some()
                                || hypoxia.is_some()
                                || died;
                            let r = graded(&json);
                            let Some(crs) = &r.crs else {
                                assert!(!has_findings, "{json}");
                                continue;
                            };
                            let e = oracle(fever, masked, hypotension, hypoxia, excluded, died);
                            assert_eq!(crs.grade, e.grade, "{json}");
                            assert_eq!(crs.complete, e.complete, "{json}");
                            let drivers: Vec<&str> = crs.drivers.iter().map(|d| d.as_str()).collect();
                            assert_eq!(drivers, e.drivers, "{json}");
                            assert_eq!(
                                r.warnings.iter().any(|w| w.starts_with("CRS:")),
                                e.warned,
                                "{json}: {:?}",
                                r.warnings
                            );
                            assert_eq!(crs.state, e.state, "{json}");
                            let fever = &crs.domains.as_ref().expect("from findings").fever;
                            assert_eq!(fever.masked, e.fever_masked_shown, "{json}");
                            if e.fever_masked_shown {
                                assert_eq!((fever.status, fever.grade), (Status::Excluded, None), "{json}");
                            }
                            // The CRS feeds the ICANS management step: no step
                            // at death; urgent with CRS, or CRS that cannot be
                            // ruled out or is 0 only for want of fever; confirm
                            // CRS exactly when it cannot be ruled out.
                            assert_eq!(r.grade, Some(0));
                            let urgent = matches!(
                                e.state,
                                CrsState::Active(_)
                                    | CrsState::CannotBeRuledOut { .. }
                                    | CrsState::NoFever { .. }
                                    | CrsState::NoFeverNotMasked { .. }
                            );
                            let hours = match e.state {
                                CrsState::Death => None,
                                _ if urgent => Some(4),
                                _ => Some(12),
                            };
                            assert_eq!(r.management.reassess_hours, hours, "{json}");
                            // The ICANS grade-0 step, then the CRS step of
                            // contract v4 (tests/data/astct-2019.json).
                            let facts = common::Facts {
                                graded: [Some(0), None, None, None, None],
                                crs: match e.state {
                                    CrsState::Active(g) => g,
                                    _ => 0,
                                },
                                crs_unruled: matches!(e.state, CrsState::CannotBeRuledOut { .. }),
                                crs_died: e.state == CrsState::Death,
                                crs_without_fever: e.state.without_fever().unwrap_or(0),
                                ..common::Facts::default()
                            };
                            let expected: Vec<String> = common::oracle_plan(0, &facts)
                                .into_iter()
                                .map(|(id, _)| id)
                                .collect();
                            assert_eq!(action_ids(&r), expected, "{json}");
                            // No word contradicts what the record says of masking.
                            if masked.is_some() {
                                assert!(
                                    !r.warnings.iter().any(|w| w.contains("fever_masked not given")),
                                    "{json}: {:?}",
                                    r.warnings
                                );
                            }
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 2500, "{checked}");
}

#[test]
fn the_issue_example_grades_crs_3_by_hypotension_with_tocilizumab() {
    let out = icans()
        .args([
            "grade",
            "--ice-total",
            "5",
            "--consciousness",
            "voice",
            "--temperature",
            "39.1",
        ])
        .args([
            "--hypotension",
            "one_vasopressor",
            "--hypoxia",
            "low_flow",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["grade"], 2);
    assert_eq!(v["crs"]["grade"], 3);
    assert_eq!(v["crs"]["source"], "findings");
    assert_eq!(v["crs"]["drivers"], serde_json::json!(["hypotension"]));
    assert_eq!(v["crs"]["domains"]["fever"]["grade"], 1);
    assert_eq!(v["crs"]["domains"]["hypoxia"]["grade"], 2);
    assert!(common::json_action_ids(&v).contains(&"tocilizumab".to_string()));
    let card = icans()
        .args([
            "grade",
            "--ice-total",
            "5",
            "--consciousness",
            "voice",
            "--temperature",
            "39.1",
        ])
        .args(["--hypotension", "one_vasopressor", "--hypoxia", "low_flow"])
        .output()
        .unwrap();
    let card = String::from_utf8_lossy(&card.stdout);
    assert!(
        card.contains("Concurrent CRS grade 3 (driven by hypotension)."),
        "{card}"
    );
    assert!(card.contains("CRS steps below: ASCO 2021"), "{card}");
    assert!(!card.contains("icans proposes only tocilizumab"), "{card}");
    assert!(
        card.contains("- Tocilizumab 8 mg/kg (max 800 mg per dose; 12 mg/kg under 30 kg)"),
        "{card}"
    );
}

#[test]
fn crs_from_findings_drives_tocilizumab_the_overlap_and_the_interval() {
    // No fever, not masked: CRS 0 whatever the organ support, so no
    // tocilizumab; masked: the organ grade counts.
    let unmasked = graded(
        r#"{"ice_total": 1, "fever": false, "hypotension": "multiple_vasopressors", "hypoxia": "none"}"#,
    );
    assert_eq!(unmasked.crs.as_ref().map(|c| c.grade), Some(0));
    assert!(!action_ids(&unmasked).contains(&"tocilizumab"));
    let masked = graded(
        r#"{"ice_total": 1, "fever": false, "fever_masked": true, "hypotension": "multiple_vasopressors", "hypoxia": "none"}"#,
    );
    assert_eq!(masked.crs.as_ref().map(|c| c.grade), Some(4));
    assert!(action_ids(&masked).contains(&"tocilizumab"));
    assert!(
        masked
            .management
            .summary
            .contains("CRS/ICANS overlap (CRS grade 4, ICANS grade 3)")
    );
    let grade1 = graded(
        r#"{"ice_total": 10, "consciousness": "alert", "temperature_c": 38.4, "hypotension": "none", "hypoxia": "none"}"#,
    );
    assert_eq!(grade1.crs.as_ref().map(|c| c.grade), Some(1));
    assert_eq!(grade1.management.reassess_hours, Some(4), "active CRS: urgent");
    let given = graded(r#"{"ice_total": 8, "crs_grade": 2}"#);
    let crs = given.crs.as_ref().expect("given");
    assert_eq!((crs.grade, crs.complete), (2, true));
    assert!(
        serde_json::to_value(&given).unwrap()["crs"]
            .get("domains")
            .is_none()
    );
    assert!(graded(r#"{"ice_total": 8}"#).crs.is_none());
}

#[test]
fn crs_errors_name_the_field_value_and_what_is_allowed() {
    for (json, expected) in [
        (
            r#"{"ice_total": 8, "crs_grade": 2, "hypoxia": "none"}"#,
            "crs_grade: 2 given together with CRS findings",
        ),
        (
            r#"{"ice_total": 8, "temperature_c": 37.5, "fever": true}"#,
            "fever: true disagrees with temperature_c 37.5",
        ),
        (
            r#"{"ice_total": 8, "temperature_c": 46}"#,
            "temperature_c: 46 is out of range (allowed: a number >= 25, at most 45",
        ),
        (
            r#"{"ice_total": 8, "hypotension": "pressors"}"#,
            "hypotension: unknown value \"pressors\"",
        ),
        (
            r#"{"ice_total": 8, "hypoxia": "low flow"}"#,
            "hypoxia: unknown value \"low flow\" (did you mean `low_flow`?)",
        ),
        (
            r#"{"ice_total": 8, "other_cause": ["fevers"]}"#,
            "other_cause: unknown value \"fevers\" (did you mean `fever`?)",
        ),
    ] {
        let e = rejected(json);
        assert!(e.contains(expected), "{json}: {e}");
    }
    // CRS findings alone are an assessment.
    assert_eq!(
        graded(r#"{"hypoxia": "high_flow", "fever": true}"#)
            .crs
            .as_ref()
            .map(|c| c.grade),
        Some(3)
    );
}

#[test]
fn flags_csv_and_json_give_the_same_crs() {
    let json = r#"{"id": "x", "ice_total": 6, "temperature_c": 38.6, "fever_masked": true, "hypotension": "fluids_only", "hypoxia": "high_flow", "other_cause": ["hypoxia"]}"#;
    let from_json: Value = serde_json::from_slice(
        &icans()
            .args(["grade", "--format", "json"])
            .write_stdin(json)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let from_flags: Value = serde_json::from_slice(
        &icans()
            .args([
                "grade",
                "--format",
                "json",
                "--id",
                "x",
                "--ice-total",
                "6",
                "--temperature",
                "38.6",
            ])
            .args([
                "--fever-masked",
                "--hypotension",
                "fluids_only",
                "--hypoxia",
                "high_flow",
                "--other-cause",
                "hypoxia",
            ])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let csv = "id,ice_total,temperature_c,fever_masked,hypotension,hypoxia,other_cause\nx,6,38.6,true,fluids_only,high_flow,hypoxia\n";
    let from_csv: Value = serde_json::from_slice(
        &icans()
            .args(["batch", "--input-format", "csv"])
            .write_stdin(csv)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(from_json["crs"], from_flags["crs"]);
    assert_eq!(from_json["crs"], from_csv["crs"]);
    assert_eq!(from_json["crs"]["grade"], 2);
    assert_eq!(from_json["crs"]["domains"]["hypoxia"]["status"], "excluded");
    let no_fever: Value = serde_json::from_slice(
        &icans()
            .args([
                "grade",
                "--format",
                "json",
                "--ice-total",
                "6",
                "--no-fever",
                "--hypotension",
                "none",
            ])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(no_fever["crs"]["domains"]["fever"]["grade"], 0);
}

#[test]
fn summary_reports_crs_incidence_onset_and_the_days_to_icans() {
    let records = [
        r#"{"patient_id": "a", "day": 1, "ice_total": 10, "fever": true, "hypotension": "none", "hypoxia": "none"}"#,
        r#"{"patient_id": "a", "day": 3, "ice_total": 5, "fever": true, "hypotension": "one_vasopressor", "hypoxia": "none"}"#,
        r#"{"patient_id": "b", "day": 2, "ice_total": 10, "fever": false}"#,
        r#"{"patient_id": "c", "day": 2, "ice_total": 8, "crs_grade": 1}"#,
        r#"{"patient_id": "c", "day": 4, "ice_total": 6}"#,
    ]
    .join("\n");
    let out = icans()
        .args(["summary", "--format", "json"])
        .write_stdin(records)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["crs_any_grade"]["n"], 2);
    assert_eq!(v["crs_any_grade"]["total"], 3);
    assert_eq!(v["crs_grade3_plus"]["n"], 1);
    // Exact Clopper-Pearson for 2/3 and 1/3 (computed independently:
    // Beta quantiles, as scipy.stats.beta.ppf gives them).
    let ci = |k: &str| -> Vec<f64> {
        v[k]["ci95"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let close = |a: f64, b: f64| (a - b).abs() < 1e-3;
    let any = ci("crs_any_grade");
    assert!(close(any[0], 9.4299) && close(any[1], 99.1596), "{any:?}");
    let severe = ci("crs_grade3_plus");
    assert!(
        close(severe[0], 0.8403) && close(severe[1], 90.5700),
        "{severe:?}"
    );
    let courses = v["per_patient"].as_array().unwrap();
    let a = courses.iter().find(|c| c["patient_id"] == "a").unwrap();
    assert_eq!(a["crs_onset_day"], 1);
    assert_eq!(a["crs_worst_grade"], 3);
    assert_eq!(a["crs_to_icans_days"], 2);
    let c = courses.iter().find(|c| c["patient_id"] == "c").unwrap();
    assert_eq!(c["crs_to_icans_days"], 0, "CRS and ICANS on the same day");
    assert_eq!(v["crs_to_icans_days"]["median"], 1.0);
    assert_eq!(v["crs_to_icans_days"]["min"], 0);
    assert_eq!(v["crs_to_icans_days"]["max"], 2);
}

/// JSON, CSV, flags and the bedside interview give the same CRS for every
/// combination of temperature, masking, hypotension and hypoxia.
#[test]
fn json_csv_flags_and_assess_agree_on_every_combination() {
    let temperatures = [None, Some("37.5"), Some("38.5")];
    let maskings = [None, Some(true)];
    let mut combos = Vec::new();
    for t in temperatures {
        for m in maskings {
            for ht in HYPOTENSIONS {
                for hx in HYPOXIAS {
                    combos.push((t, m, ht, hx));
                }
            }
        }
    }
    let ndjson: String = combos
        .iter()
        .map(|(t, m, ht, hx)| {
            let mut f = vec![r#""ice_total": 10, "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none""#.to_string()];
            if let Some(t) = t {
                f.push(format!(r#""temperature_c": {t}"#));
            }
            if let Some(m) = m {
                f.push(format!(r#""fever_masked": {m}"#));
            }
            if let Some(h) = ht {
                f.push(format!(r#""hypotension": "{h}""#));
            }
            if let Some(h) = hx {
                f.push(format!(r#""hypoxia": "{h}""#));
            }
            format!("{{{}}}\n", f.join(", "))
        })
        .collect();
    let csv: String = std::iter::once(
        "ice_total,consciousness,seizure,motor,edema,temperature_c,fever_masked,hypotension,hypoxia\n"
            .to_string(),
    )
    .chain(combos.iter().map(|(t, m, ht, hx)| {
        format!(
            "10,alert,none,none,none,{},{},{},{}\n",
            t.unwrap_or(""),
            m.map_or(String::new(), |m| m.to_string()),
            ht.unwrap_or(""),
            hx.unwrap_or("")
        )
    }))
    .collect();
    let results = |args: &[&str], input: String| -> Vec<Value> {
        let out = icans()
            .arg("batch")
            .args(args)
            .write_stdin(input)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let from_json = results(&[], ndjson);
    let from_csv = results(&["--input-format", "csv"], csv);
    assert_eq!(from_json.len(), combos.len());
    for (i, (t, m, ht, hx)) in combos.iter().enumerate() {
        let json_crs = &from_json[i]["crs"];
        assert_eq!(json_crs, &from_csv[i]["crs"], "CSV, combination {i}");
        let mut flags: Vec<String> = [
            "grade",
            "--format",
            "json",
            "--ice-total",
            "10",
            "--consciousness",
            "alert",
            "--no-seizure-motor-edema",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if let Some(t) = t {
            flags.extend(["--temperature".into(), t.to_string()]);
        }
        if m.is_some() {
            flags.push("--fever-masked".into());
        }
        if let Some(h) = ht {
            flags.extend(["--hypotension".into(), h.to_string()]);
        }
        if let Some(h) = hx {
            flags.extend(["--hypoxia".into(), h.to_string()]);
        }
        let from_flags: Value =
            serde_json::from_slice(&icans().args(&flags).output().unwrap().stdout).unwrap();
        assert_eq!(json_crs, &from_flags["crs"], "flags {flags:?}");
        // The interview: age, weight, the ICE screen all yes, then the
        // findings; a CRS question left unanswered is skipped.
        let mut answers: Vec<String> = [
            "40", "70", "y", "y", "y", "y", "3", "y", "y", "y", "alert", "none", "none", "none",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        answers.push(t.map_or("skip".into(), String::from));
        answers.push(ht.map_or("skip".into(), String::from));
        answers.push(hx.map_or("skip".into(), String::from));
        answers.push(if m.is_some() { "y".into() } else { "skip".into() });
        answers.extend(["none", "10", "skip", "skip"].map(String::from));
        let input: String = answers.iter().map(|a| format!("{a}\n")).collect();
        let out = icans()
            .args(["assess", "--format", "json"])
            .write_stdin(input)
            .output()
            .unwrap();
        let from_assess: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
        assert_eq!(json_crs, &from_assess["crs"], "assess, combination {i}");
        assert_eq!(from_json[i]["grade"], from_assess["grade"]);
    }
}
