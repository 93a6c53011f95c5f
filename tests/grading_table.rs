//! Every cell of the ASTCT 2019 grading table (docs/spec.md §2), checked against
//! an oracle written here from the contract's table, independent of the
//! crate's own tables.

mod common;

use common::{domain, graded, names, rejected};
use icans::grading::{Domain, Status};

/// The oracle's grade of each ICE total 0..=10.
fn ice_oracle() -> Vec<u8> {
    common::oracle()["ice_total_grade"]
        .as_array()
        .expect("ICE grades")
        .iter()
        .map(|g| g.as_u64().expect("a grade") as u8)
        .collect()
}

/// The oracle's CAPD band of a score.
fn capd_oracle(score: u8) -> u8 {
    common::oracle()["capd_bands"]
        .as_array()
        .expect("CAPD bands")
        .iter()
        .find(|b| {
            (b["from"].as_u64().unwrap_or(99)..=b["to"].as_u64().unwrap_or(0)).contains(&u64::from(score))
        })
        .and_then(|b| b["grade"].as_u64())
        .unwrap_or_else(|| panic!("no CAPD band for {score}")) as u8
}

#[test]
fn every_ice_total_gets_its_band() {
    for (total, expected) in ice_oracle().into_iter().enumerate() {
        let r = graded(&format!(r#"{{"ice_total": {total}}}"#));
        assert_eq!(
            domain(&r, Domain::Encephalopathy),
            (Status::Graded, Some(expected)),
            "ICE {total}"
        );
        assert_eq!(r.grade, Some(expected), "ICE {total}");
        assert_eq!(r.ice_total, Some(total as u8));
        assert_eq!(r.capd, None);
        assert_eq!(serde_json::to_value(r.instrument).unwrap(), "ice");
    }
}

#[test]
fn every_capd_total_gets_its_band() {
    for score in 0..=32u8 {
        let r = graded(&format!(
            r#"{{"capd": {score}, "age_years": 6, "weight_kg": 20}}"#
        ));
        let expected = capd_oracle(score);
        assert_eq!(
            domain(&r, Domain::Encephalopathy),
            (Status::Graded, Some(expected)),
            "CAPD {score}"
        );
        assert_eq!(r.grade, Some(expected));
        assert_eq!(r.capd, Some(score));
        assert_eq!(r.ice_total, None);
        assert_eq!(serde_json::to_value(r.instrument).unwrap(), "capd");
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }
}

#[test]
fn every_finding_gets_its_domain_grade() {
    let tables = [
        ("consciousness", Domain::Consciousness),
        ("seizure", Domain::Seizure),
        ("motor", Domain::Motor),
        ("edema", Domain::Edema),
    ];
    for (field, d) in tables {
        let table = common::oracle_findings(field);
        assert!(!table.is_empty(), "{field}");
        for (value, expected) in table {
            let value = value.as_str();
            let r = graded(&format!(r#"{{"{field}": "{value}"}}"#));
            assert_eq!(domain(&r, d), (Status::Graded, Some(expected)), "{field}={value}");
            assert_eq!(r.grade, Some(expected), "{field}={value}");
            let drivers: Vec<&str> = if (1..=4).contains(&expected) {
                let mut v = vec![field];
                // An unarousable patient with no ICE also has encephalopathy 4.
                if value == "unarousable" {
                    v.insert(0, "encephalopathy");
                }
                v
            } else {
                vec![]
            };
            assert_eq!(names(&r.drivers), drivers, "{field}={value}");
        }
    }
}

/// Oracle for one record of the grid: per-domain (status, grade).
fn oracle(
    ice_grades: &[u8],
    ice: Option<u8>,
    cons: Option<(&str, u8)>,
    others: [Option<(&str, u8)>; 3],
    excluded: [bool; 5],
) -> [(Status, Option<u8>); 5] {
    let enc = match ice {
        Some(t) => Some(ice_grades[t as usize]),
        None if cons.map(|c| c.0) == Some("unarousable") && !excluded[1] => Some(4),
        None => None,
    };
    let findings = [
        enc,
        cons.map(|c| c.1),
        others[0].map(|c| c.1),
        others[1].map(|c| c.1),
        others[2].map(|c| c.1),
    ];
    let mut out = [(Status::NotAssessed, None); 5];
    for i in 0..5 {
        out[i] = match (findings[i], excluded[i]) {
            (None, _) => (Status::NotAssessed, None),
            (Some(_), true) => (Status::Excluded, None),
            (Some(g), false) => (Status::Graded, Some(g)),
        };
    }
    out
}

fn options(table: &[(String, u8)]) -> Vec<Option<(&str, u8)>> {
    std::iter::once(None)
        .chain(table.iter().map(|(v, g)| Some((v.as_str(), *g))))
        .collect()
}

/// Every combination of findings (and, for a subset of ICE values, every
/// `other_cause` set) against the oracle: the grade is the highest graded
/// domain, the drivers are the graded domains at that grade, completeness
/// and the unassessed/excluded lists follow the statuses.
fn check_grid(ice_values: &[Option<u8>], exclusion_sets: &[[bool; 5]]) -> usize {
    let mut checked = 0;
    let ice_grades = ice_oracle();
    let [cons_t, seizure_t, motor_t, edema_t] =
        ["consciousness", "seizure", "motor", "edema"].map(common::oracle_findings);
    for &ice in ice_values {
        for cons in options(&cons_t) {
            for seizure in options(&seizure_t) {
                for motor in options(&motor_t) {
                    for edema in options(&edema_t) {
                        for excluded in exclusion_sets {
                            let mut fields = Vec::new();
                            if let Some(t) = ice {
                                fields.push(format!(r#""ice_total": {t}"#));
                            }
                            for (name, v) in [
                                ("consciousness", cons),
                                ("seizure", seizure),
                                ("motor", motor),
                                ("edema", edema),
                            ] {
                                if let Some((value, _)) = v {
                                    fields.push(format!(r#""{name}": "{value}""#));
                                }
                            }
                            let ex: Vec<String> = Domain::ALL
                                .iter()
                                .zip(excluded)
                                .filter(|(_, e)| **e)
                                .map(|(d, _)| format!("\"{d}\""))
                                .collect();
                            if !ex.is_empty() {
                                fields.push(format!(r#""other_cause": [{}]"#, ex.join(",")));
                            }
                            let json = format!("{{{}}}", fields.join(","));
                            if ice.is_none()
                                && cons.is_none()
                                && seizure.is_none()
                                && motor.is_none()
                                && edema.is_none()
                            {
                                assert!(rejected(&json).contains("nothing assessed"), "{json}");
                                continue;
                            }
                            let expected = oracle(&ice_grades, ice, cons, [seizure, motor, edema], *excluded);
                            let r = graded(&json);
                            let got: Vec<_> = Domain::ALL.iter().map(|d| domain(&r, *d)).collect();
                            assert_eq!(got, expected.to_vec(), "{json}");
                            let grade = expected.iter().filter_map(|e| e.1).max().unwrap_or(0);
                            assert_eq!(r.grade, Some(grade), "{json}");
                            let drivers: Vec<Domain> = if grade == 0 {
                                vec![]
                            } else {
                                Domain::ALL
                                    .iter()
                                    .zip(&expected)
                                    .filter(|(_, e)| e.1 == Some(grade))
                                    .map(|(d, _)| *d)
                                    .collect()
                            };
                            assert_eq!(r.drivers[..], drivers[..], "{json}");
                            let unassessed: Vec<Domain> = Domain::ALL
                                .iter()
                                .zip(&expected)
                                .filter(|(_, e)| e.0 == Status::NotAssessed)
                                .map(|(d, _)| *d)
                                .collect();
                            assert_eq!(r.unassessed[..], unassessed[..], "{json}");
                            assert_eq!(r.complete, unassessed.is_empty(), "{json}");
                            let excl: Vec<Domain> = Domain::ALL
                                .iter()
                                .zip(&expected)
                                .filter(|(_, e)| e.0 == Status::Excluded)
                                .map(|(d, _)| *d)
                                .collect();
                            assert_eq!(r.excluded[..], excl[..], "{json}");
                            assert_eq!(r.criteria, "ASTCT 2019");
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    checked
}

#[test]
fn every_combination_of_findings_grades_as_the_table_says() {
    let ice: Vec<Option<u8>> = std::iter::once(None).chain((0..=10).map(Some)).collect();
    let checked = check_grid(&ice, &[[false; 5]]);
    assert_eq!(checked, 12 * 6 * 4 * 4 * 4 - 1);
}

#[test]
fn every_exclusion_set_removes_its_domains_from_the_grade() {
    let sets: Vec<[bool; 5]> = (0..32u8)
        .map(|m| std::array::from_fn(|i| m & (1 << i) != 0))
        .collect();
    let checked = check_grid(&[None, Some(0), Some(2), Some(5), Some(9), Some(10)], &sets);
    assert!(checked > 70_000, "{checked}");
}

#[test]
fn ice_zero_awake_is_grade_3_and_unarousable_is_grade_4_through_consciousness() {
    let awake = graded(
        r#"{"ice_total": 0, "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none"}"#,
    );
    assert_eq!(awake.grade, Some(3));
    assert_eq!(names(&awake.drivers), ["encephalopathy"]);
    assert!(awake.complete);

    let unarousable = graded(
        r#"{"ice_total": 0, "consciousness": "unarousable", "seizure": "none", "motor": "none", "edema": "none", "age_years": 50}"#,
    );
    assert_eq!(unarousable.grade, Some(4));
    assert_eq!(
        domain(&unarousable, Domain::Encephalopathy),
        (Status::Graded, Some(3))
    );
    assert_eq!(
        domain(&unarousable, Domain::Consciousness),
        (Status::Graded, Some(4))
    );
    assert_eq!(names(&unarousable.drivers), ["consciousness"]);
    assert!(
        unarousable.warnings.is_empty(),
        "ICE 0 while unarousable is consistent: {:?}",
        unarousable.warnings
    );
}

#[test]
fn unable_to_perform_ice_is_encephalopathy_4_unless_consciousness_is_excluded() {
    let r = graded(r#"{"consciousness": "unarousable"}"#);
    assert_eq!(domain(&r, Domain::Encephalopathy), (Status::Graded, Some(4)));
    assert_eq!(
        r.domains.get(Domain::Encephalopathy).finding.as_deref(),
        Some("unable to perform ICE/CAPD: unarousable")
    );
    assert_eq!(r.instrument, None);
    assert_eq!(r.ice_total, None);
    assert_eq!(names(&r.drivers), ["encephalopathy", "consciousness"]);
    assert_eq!(names(&r.unassessed), ["seizure", "motor", "edema"]);

    let sedated = graded(r#"{"consciousness": "unarousable", "other_cause": ["consciousness"]}"#);
    assert_eq!(
        domain(&sedated, Domain::Encephalopathy),
        (Status::NotAssessed, None)
    );
    assert_eq!(domain(&sedated, Domain::Consciousness), (Status::Excluded, None));
    assert_eq!(sedated.grade, Some(0));
    assert!(sedated.drivers.is_empty());
    assert_eq!(names(&sedated.excluded), ["consciousness"]);

    // A recorded CAPD is graded by its band, not by "unable to perform".
    let child = graded(r#"{"capd": 4, "consciousness": "unarousable", "age_years": 5}"#);
    assert_eq!(domain(&child, Domain::Encephalopathy), (Status::Graded, Some(1)));
    assert_eq!(child.grade, Some(4));
    assert_eq!(names(&child.drivers), ["consciousness"]);
}

#[test]
fn tremor_and_myoclonus_are_recorded_but_never_graded() {
    let r = graded(
        r#"{"motor": "tremor_or_myoclonus", "ice_total": 10, "consciousness": "alert", "seizure": "none", "edema": "none"}"#,
    );
    assert_eq!(r.grade, Some(0));
    assert_eq!(domain(&r, Domain::Motor), (Status::Graded, Some(0)));
    assert!(r.complete);
    assert!(r.drivers.is_empty());
}

#[test]
fn died_of_icans_is_grade_5_whatever_the_domains_say() {
    for json in [
        r#"{"died_of_icans": true}"#,
        r#"{"died_of_icans": true, "ice_total": 10, "consciousness": "alert"}"#,
        r#"{"died_of_icans": true, "edema": "diffuse", "crs_grade": 4}"#,
    ] {
        let r = graded(json);
        assert_eq!(r.grade, Some(5), "{json}");
        assert!(r.drivers.is_empty(), "{json}");
        assert!(r.management.actions.is_empty(), "{json}");
        assert_eq!(r.management.reassess_hours, None, "{json}");
    }
    let alive = graded(r#"{"died_of_icans": false, "ice_total": 10}"#);
    assert_eq!(alive.grade, Some(0));
    assert!(rejected(r#"{"died_of_icans": false}"#).contains("nothing assessed"));
}

#[test]
fn all_domains_at_zero_is_complete_grade_0() {
    let r = graded(
        r#"{"ice": {"orientation": 4, "naming": 3, "writing": 1, "attention": 1, "commands": 1}, "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none"}"#,
    );
    assert_eq!(r.grade, Some(0));
    assert!(r.complete);
    assert!(r.drivers.is_empty());
    assert!(r.unassessed.is_empty());
    assert_eq!(r.ice_total, Some(10));
    assert!(r.management.summary.starts_with("No ICANS"));
}

#[test]
fn other_cause_for_a_domain_not_assessed_warns_and_leaves_it_not_assessed() {
    let r = graded(r#"{"ice_total": 8, "other_cause": ["seizure"]}"#);
    assert_eq!(domain(&r, Domain::Seizure), (Status::NotAssessed, None));
    assert_eq!(r.warnings, ["other_cause names seizure, which was not assessed"]);
    assert!(r.excluded.is_empty());
    assert_eq!(r.grade, Some(1));
}

/// An assessment built in Rust, bypassing validation, with a score no
/// instrument has is not graded silently: the result warns.
#[test]
fn unvalidated_scores_are_not_graded_silently() {
    use icans::grading::{Assessment, EncephalopathyScore, IceItems, grade};
    let r = grade(&Assessment {
        encephalopathy: Some(EncephalopathyScore::Ice {
            items: None,
            total: 11,
        }),
        ..Assessment::default()
    });
    assert_eq!(domain(&r, Domain::Encephalopathy), (Status::NotAssessed, None));
    assert!(!r.complete);
    assert_eq!(
        r.warnings,
        ["ICE total 11 is outside 0-10: encephalopathy not graded (build records with RecordBuilder)"]
    );
    let r = grade(&Assessment {
        encephalopathy: Some(EncephalopathyScore::Capd(40)),
        weight_kg: Some(20.0),
        ..Assessment::default()
    });
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].starts_with("CAPD 40 is outside 0-32"));
    let items = IceItems::from_array([4, 3, 1, 1, 1]);
    let r = grade(&Assessment {
        encephalopathy: Some(EncephalopathyScore::Ice {
            items: Some(items),
            total: 6,
        }),
        ..Assessment::default()
    });
    assert_eq!(r.grade, Some(2), "the total is what is graded");
    assert!(r.warnings[0].starts_with("ICE items add up to 10, not the ICE total 6"));
}

/// Issue 36: every criteria the crate holds grades every ICE total and
/// every CAPD total (and nothing past them), and every finding of every domain
/// (the build checks the finding tables' order; this reads each grade
/// through the criteria, as grading does).
#[test]
fn every_criteria_grades_every_total_and_every_finding() {
    use icans::grading::criteria::ALL_CRITERIA;
    use icans::grading::rules::{CAPD_MAX, ICE_MAX};
    use icans::grading::{Consciousness, Edema, Hypotension, Hypoxia, IceBand, Motor, Seizure};
    assert!(!ALL_CRITERIA.is_empty());
    for c in ALL_CRITERIA {
        for total in 0..=ICE_MAX {
            assert!(c.ice_grade(total).is_some(), "{}: ICE {total}", c.name());
        }
        assert_eq!(
            c.ice_grade(ICE_MAX + 1),
            None,
            "{}: no band past ICE {ICE_MAX}",
            c.name()
        );
        for score in 0..=CAPD_MAX {
            assert!(c.capd_grade(score).is_some(), "{}: CAPD {score}", c.name());
        }
        assert_eq!(c.capd_grade(CAPD_MAX + 1), None);
        let grades: Vec<u8> = Consciousness::ALL
            .iter()
            .map(|f| c.grade(*f))
            .chain(Seizure::ALL.iter().map(|f| c.grade(*f)))
            .chain(Motor::ALL.iter().map(|f| c.grade(*f)))
            .chain(Edema::ALL.iter().map(|f| c.grade(*f)))
            .chain(IceBand::ALL.iter().map(|f| c.grade(*f)))
            .chain(Hypotension::ALL.iter().map(|f| c.grade(*f)))
            .chain(Hypoxia::ALL.iter().map(|f| c.grade(*f)))
            .collect();
        assert_eq!(grades.len(), 5 + 3 + 3 + 3 + 5 + 4 + 4);
        assert!(
            grades.iter().all(|g| *g <= 4),
            "{}: a finding grades 0-4",
            c.name()
        );
    }
    // ASTCT 2019's cells, read through the criteria, are the oracle's.
    let astct = icans::grading::ASTCT_2019;
    for (domain, grade_of) in [
        (
            "consciousness",
            &(|w: &str| Consciousness::from_wire(w).map(|f| astct.grade(f))) as &dyn Fn(&str) -> Option<u8>,
        ),
        ("seizure", &|w: &str| {
            Seizure::from_wire(w).map(|f| astct.grade(f))
        }),
        ("motor", &|w: &str| Motor::from_wire(w).map(|f| astct.grade(f))),
        ("edema", &|w: &str| Edema::from_wire(w).map(|f| astct.grade(f))),
    ] {
        for (value, grade) in common::oracle_findings(domain) {
            assert_eq!(grade_of(&value), Some(grade), "{domain} {value}");
        }
    }
    // The CRS table's cells (docs/spec.md §7): fever's grade, each
    // hypotension and hypoxia finding's.
    let crs = &common::oracle_of(&astct)["crs"];
    assert_eq!(serde_json::json!(astct.crs_fever_grade()), crs["fever_grade"]);
    for f in Hypotension::ALL.iter().copied() {
        assert_eq!(
            serde_json::json!(astct.grade(f)),
            crs["hypotension"][f.as_str()],
            "hypotension {f}"
        );
    }
    for f in Hypoxia::ALL.iter().copied() {
        assert_eq!(
            serde_json::json!(astct.grade(f)),
            crs["hypoxia"][f.as_str()],
            "hypoxia {f}"
        );
    }
    assert_eq!(
        crs["hypotension"].as_object().map(|o| o.len()),
        Some(Hypotension::ALL.len())
    );
    assert_eq!(
        crs["hypoxia"].as_object().map(|o| o.len()),
        Some(Hypoxia::ALL.len())
    );
}

/// Issue 36: each criteria the crate holds has its own oracle file, keyed
/// by its name, that says which criteria it is.
#[test]
fn each_criteria_has_its_oracle() {
    for c in icans::grading::criteria::ALL_CRITERIA {
        let oracle = common::oracle_of(c);
        assert_eq!(oracle["criteria"], c.name(), "{}", common::oracle_path(c));
        assert!(oracle["ice_total_grade"].is_array(), "{}", common::oracle_path(c));
    }
}

/// Issue 36: every instrument of the crate has its cases in the oracle
/// (`instruments`, keyed by its wire name) and meets each: every reading's
/// grade and finding, the unarousable check, the trend, the ages, its
/// note, the instrument the texts name and the patient group without an
/// age. A new instrument is its row, its catalogue field and these cases.
#[test]
fn every_instrument_meets_its_oracle_cases() {
    use icans::grading::{Instrument, PatientGroup};
    use serde_json::{Value, json};
    let o = common::oracle();
    let with = |key: &str, value: &Value, more: Value| {
        let mut record = more;
        record[key] = value.clone();
        graded(&record.to_string())
    };
    let alert = || json!({"consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none"});
    // The warnings of a record that say what `marker` marks.
    let said = |r: &icans::grading::Grading, marker: &str| -> Vec<String> {
        r.warnings
            .iter()
            .filter(|w| w.contains(marker))
            .cloned()
            .collect()
    };
    let expected = |w: &Value| -> Vec<String> { w.as_str().map(str::to_string).into_iter().collect() };
    // Every note the oracle's instruments say of themselves.
    let notes: Vec<String> = o["instruments"]
        .as_object()
        .expect("instruments")
        .values()
        .filter_map(|c| c["note"].as_str().map(str::to_string))
        .collect();
    assert!(!notes.is_empty(), "CARTOX-10's note is in the oracle");
    for instrument in Instrument::ALL {
        let wire = instrument.as_str();
        let cases = &o["instruments"][wire];
        assert!(
            cases.is_object(),
            "the oracle has no cases for the instrument {wire}"
        );
        let key = cases["key"].as_str().expect("the record key");
        let readings = cases["readings"].as_array().expect("readings");
        assert!(!readings.is_empty(), "{wire}: no readings");
        for case in readings {
            let r = with(key, &case["value"], alert());
            let d = r.domains.get(Domain::Encephalopathy);
            assert_eq!(d.grade.map(u64::from), case["grade"].as_u64(), "{wire} {case}");
            assert_eq!(r.grade.map(u64::from), case["grade"].as_u64(), "{wire} {case}");
            assert_eq!(d.finding.as_deref(), case["finding"].as_str(), "{wire} {case}");
            assert_eq!(r.instrument, Some(instrument), "{wire} {case}");
            // Its own note, and no other instrument's.
            let note: Vec<String> = r.warnings.iter().filter(|w| notes.contains(w)).cloned().collect();
            assert_eq!(note, expected(&cases["note"]), "{wire} {case}");
            let words = if cases["screening"] == "CAPD" {
                "CAPD"
            } else {
                "ICE"
            };
            assert_eq!(r.reassess_by.words(), words, "{wire} {case}");
            let group = if cases["child_without_age"] == true {
                PatientGroup::Child
            } else {
                PatientGroup::Adult
            };
            assert_eq!(r.patient_group, group, "{wire} {case}");
        }
        for case in cases["unarousable"].as_array().expect("unarousable cases") {
            let r = with(key, &case["value"], json!({"consciousness": "unarousable"}));
            let w = said(&r, "recorded while consciousness is unarousable");
            assert_eq!(w, expected(&case["warning"]), "{wire} {case}");
        }
        for case in cases["trend"].as_array().expect("trend cases") {
            let r = with(key, &case["value"], case["previous"].clone());
            let w: Vec<String> = said(&r, " -> ");
            assert_eq!(w, expected(&case["warning"]), "{wire} {case}");
        }
        for case in cases["ages"].as_array().expect("age cases") {
            let r = with(
                key,
                &readings[0]["value"],
                json!({"age_years": case["age"], "consciousness": "alert"}),
            );
            let w = said(&r, " used at age ");
            assert_eq!(w, expected(&case["warning"]), "{wire} {case}");
        }
    }
}
