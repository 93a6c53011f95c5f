//! `icans grade` end to end: flags, file, stdin, both formats, exit codes
//! and error messages (docs/spec.md §5).

mod common;

use common::icans;

use predicates::prelude::*;
use serde_json::{Value, json};

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

fn grade_json(args: &[&str]) -> Value {
    let out = icans()
        .arg("grade")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_of(&out.stdout)
}

#[test]
fn grades_the_shipped_example_as_a_card() {
    icans()
        .args(["grade", "examples/grade2-adult.json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("ICANS grade 2\n"))
        .stdout(predicate::str::contains(
            "Driven by: encephalopathy, consciousness",
        ))
        .stdout(predicate::str::contains("* encephalopathy  ICE 6/10"))
        .stdout(predicate::str::contains(
            "tremor or myoclonus (not graded by ASTCT)",
        ))
        .stdout(predicate::str::contains(
            "- Corticosteroids: dexamethasone 10 mg IV q6-12h",
        ))
        .stdout(predicate::str::contains(
            "- Seizure prophylaxis: levetiracetam 500-750 mg BID",
        ))
        .stdout(predicate::str::contains(
            "- Tocilizumab 8 mg/kg (max 800 mg per dose; 12 mg/kg under 30 kg)",
        ))
        .stdout(predicate::str::contains("Reassess (ICE) in 4 h."))
        .stdout(predicate::str::contains("Criteria: ASTCT 2019"))
        .stdout(predicate::str::contains("Decision support only"))
        .stdout(predicate::str::contains("or higher").not());
}

#[test]
fn json_from_a_file_is_the_contract_result() {
    let v = grade_json(&["examples/grade2-adult.json"]);
    assert_eq!(v["id"], "A-017-d5");
    assert_eq!(v["patient_id"], "A-017");
    assert_eq!(v["day"], 5);
    assert_eq!(v["assessed_at"], "2026-03-09T08:30:00+01:00");
    assert_eq!(v["grade"], 2);
    assert_eq!(v["complete"], true);
    assert_eq!(v["instrument"], "ice");
    assert_eq!(v["ice_total"], 6);
    assert_eq!(v["capd"], Value::Null);
    assert_eq!(v["domains"]["encephalopathy"]["status"], "graded");
    assert_eq!(v["domains"]["encephalopathy"]["grade"], 2);
    assert_eq!(v["domains"]["consciousness"]["grade"], 2);
    assert_eq!(v["domains"]["seizure"]["grade"], 0);
    assert_eq!(v["domains"]["motor"]["grade"], 0);
    assert_eq!(v["domains"]["edema"]["grade"], 0);
    assert_eq!(v["drivers"], json!(["encephalopathy", "consciousness"]));
    assert_eq!(v["unassessed"], json!([]));
    assert_eq!(v["excluded"], json!([]));
    assert_eq!(v["warnings"], json!(["ICE declining: 9 -> 6"]));
    assert_eq!(v["patient_group"], "adult");
    let ids = common::json_action_ids(&v);
    assert_eq!(
        ids,
        [
            "dexamethasone",
            "levetiracetam",
            "neurology_consult",
            "eeg",
            "tocilizumab",
            "crs_supportive_care"
        ]
    );
    assert_eq!(v["management"]["reassess_hours"], 4);
    assert_eq!(v["criteria"], "ASTCT 2019");
}

#[test]
fn json_output_is_exactly_the_library_result() {
    for file in [
        "examples/grade2-adult.json",
        "examples/child-capd.json",
        "examples/sedated-incomplete.json",
    ] {
        let text = std::fs::read_to_string(file).unwrap();
        let expected = serde_json::to_value(common::graded(&text)).unwrap();
        assert_eq!(grade_json(&[file]), expected, "{file}");
    }
}

#[test]
fn reads_standard_input_when_no_file_or_dash() {
    let input =
        r#"{"ice_total": 0, "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none"}"#;
    for args in [
        vec!["grade", "--format", "json"],
        vec!["grade", "-", "--format", "json"],
    ] {
        let out = icans().args(&args).write_stdin(input).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let v = json_of(&out.stdout);
        assert_eq!(v["grade"], 3);
        assert_eq!(v["drivers"], json!(["encephalopathy"]));
        assert_eq!(v["complete"], true);
    }
}

#[test]
fn grades_from_bedside_flags() {
    let v = grade_json(&[
        "--orientation",
        "3",
        "--naming",
        "2",
        "--writing",
        "1",
        "--attention",
        "0",
        "--commands",
        "1",
        "--consciousness",
        "awakens_to_voice",
        "--seizure",
        "none",
        "--motor",
        "none",
        "--edema",
        "none",
    ]);
    assert_eq!(v["ice_total"], 7);
    assert_eq!(v["domains"]["encephalopathy"]["grade"], 1);
    assert_eq!(v["grade"], 2);
    assert_eq!(v["drivers"], json!(["consciousness"]));
    assert_eq!(v["complete"], true);

    let v = grade_json(&[
        "--ice-total",
        "8",
        "--crs-grade",
        "2",
        "--hours-since-onset",
        "30",
        "--age",
        "40",
        "--previous-ice-total",
        "8",
    ]);
    assert_eq!(v["grade"], 1);
    assert_eq!(v["complete"], false);
    let ids = common::json_action_ids(&v);
    assert_eq!(
        ids,
        [
            "ice_monitoring",
            "supportive_care",
            "consider_corticosteroids",
            "tocilizumab",
            "crs_fluids_oxygen",
            "crs_monitoring",
            "crs_supportive_care"
        ]
    );
    assert_eq!(v["management"]["reassess_hours"], 4);

    let v = grade_json(&[
        "--seizure",
        "rapidly_resolving",
        "--other-cause",
        "seizure",
        "--consciousness",
        "awakens_spontaneously",
    ]);
    assert_eq!(v["grade"], 1);
    assert_eq!(v["excluded"], json!(["seizure"]));
    assert_eq!(v["domains"]["seizure"]["status"], "excluded");
    assert_eq!(v["domains"]["seizure"]["grade"], Value::Null);

    let v = grade_json(&["--ice-total", "1", "--steroid-refractory"]);
    assert!(
        v["management"]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == "consider_anakinra")
    );

    let v = grade_json(&["--died-of-icans"]);
    assert_eq!(v["grade"], 5);
    assert_eq!(v["management"]["reassess_hours"], Value::Null);

    let v = grade_json(&[
        "--capd",
        "10",
        "--age",
        "6",
        "--id",
        "c1",
        "--patient-id",
        "p1",
        "--day",
        "3",
    ]);
    assert_eq!(v["grade"], 3);
    assert_eq!(v["instrument"], "capd");
    assert_eq!(v["id"], "c1");
    assert_eq!(v["patient_id"], "p1");
    assert_eq!(v["day"], 3);
}

#[test]
fn an_incomplete_card_reads_as_a_lower_bound() {
    icans()
        .args(["grade", "--ice-total", "5"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("ICANS grade 2 or higher"))
        .stdout(predicate::str::contains(
            "  Lower bound: consciousness, seizure, motor, edema not assessed.\n",
        ))
        .stdout(predicate::str::contains("  consciousness   not assessed"));
}

#[test]
fn invalid_records_exit_65_naming_the_field() {
    icans()
        .args([
            "grade",
            "--orientation",
            "5",
            "--naming",
            "3",
            "--writing",
            "1",
            "--attention",
            "1",
            "--commands",
            "1",
        ])
        .assert()
        .code(65)
        .stdout("")
        .stderr(predicate::str::contains(
            "--orientation: 5 is out of range (allowed: an integer 0-4)",
        ));
    icans()
        .args(["grade", "--orientation", "3"])
        .assert()
        .code(65)
        .stderr(predicate::str::contains(
            "ICE flags: missing --naming, --writing, --attention, --commands",
        ));
    icans()
        .args(["grade", "--seizure", "sometimes"])
        .assert()
        .code(65)
        .stderr(predicate::str::contains("seizure: unknown value \"sometimes\""));
    icans()
        .arg("grade")
        .write_stdin(r#"{"siezure": "none", "ice_total": 9}"#)
        .assert()
        .code(65)
        .stderr(predicate::str::contains(
            "siezure: unknown field (did you mean `seizure`?)",
        ));
    icans()
        .arg("grade")
        .write_stdin(r#"{"ice_total": 9"#)
        .assert()
        .code(65)
        .stderr(predicate::str::contains("malformed input"));
    icans().arg("grade").write_stdin("").assert().code(65);
}

#[test]
fn invalid_record_in_json_mode_also_writes_the_error_object() {
    let out = icans()
        .args(["grade", "--format", "json"])
        .write_stdin(r#"{"id": 9, "capd": 40}"#)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    let v = json_of(&out.stdout);
    assert_eq!(v["id"], 9);
    assert_eq!(v["field"], "capd");
    assert_eq!(v["error"], "capd: 40 is out of range (allowed: an integer 0-32)");
}

#[test]
fn unknown_fields_can_be_allowed() {
    icans()
        .args(["grade", "--allow-unknown-fields", "--format", "json"])
        .write_stdin(r#"{"ward": "7B", "ice_total": 10}"#)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"grade\": 0"));
}

#[test]
fn input_failures_exit_74() {
    icans()
        .args(["grade", "no/such/file.json"])
        .assert()
        .code(74)
        .stderr(predicate::str::contains("cannot read no/such/file.json"));
    icans()
        .args(["grade", "examples"])
        .assert()
        .code(74)
        .stderr(predicate::str::contains("cannot read examples"));
}

#[test]
fn usage_errors_exit_2() {
    icans().args(["grade", "--no-such-flag"]).assert().code(2);
    icans()
        .args(["grade", "examples/child-capd.json", "--seizure", "none"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not both"));
    icans()
        .args(["grade", "--format", "xml", "--ice-total", "3"])
        .assert()
        .code(2);
    icans()
        .args(["grade", "--fail-at-grade", "6", "--ice-total", "3"])
        .assert()
        .code(2);
}

#[test]
fn fail_at_grade_exits_3_from_that_grade() {
    for (threshold, code) in [(1, 3), (2, 3), (3, 0)] {
        icans()
            .args([
                "grade",
                "--ice-total",
                "5",
                "--fail-at-grade",
                &threshold.to_string(),
            ])
            .assert()
            .code(code)
            .stdout(predicate::str::contains("ICANS grade 2"));
    }
}

#[test]
fn every_grade_has_its_headline() {
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "--ice-total",
                "10",
                "--consciousness",
                "alert",
                "--seizure",
                "none",
                "--motor",
                "none",
                "--edema",
                "none",
            ],
            "ICANS grade 0 (no ICANS)\n",
        ),
        (
            &["--ice-total", "10"],
            "ICANS grade 0 or higher (no ICANS in the domains assessed)\n",
        ),
        (
            &[
                "--ice-total",
                "8",
                "--consciousness",
                "alert",
                "--seizure",
                "none",
                "--motor",
                "none",
                "--edema",
                "none",
            ],
            "ICANS grade 1\n",
        ),
        (
            &["--consciousness", "awakens_to_voice"],
            "ICANS grade 2 or higher\n",
        ),
        (&["--edema", "focal"], "ICANS grade 3 or higher\n"),
        (
            &[
                "--seizure",
                "prolonged_or_repetitive",
                "--ice-total",
                "3",
                "--consciousness",
                "alert",
                "--motor",
                "none",
                "--edema",
                "none",
            ],
            "ICANS grade 4\n",
        ),
    ];
    for (args, headline) in cases {
        icans()
            .arg("grade")
            .args(args)
            .assert()
            .code(0)
            .stdout(predicate::str::contains(headline));
    }
    icans()
        .args(["grade", "--died-of-icans"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "ICANS grade 5 (death attributed to ICANS)\n",
        ))
        .stdout(predicate::str::contains("or higher").not());
}

/// The issue's "Done when" for contract v4 §2-3, word for word: CRS findings
/// alone are "ICANS not assessed" with the grade-3 CRS step (ICU,
/// tocilizumab with its dose, dexamethasone 10 mg IV q6h with antifungal
/// prophylaxis) and both grades on the last line; `--fail-at-crs-grade 3`
/// exits 3, `--fail-at-grade` never fires without an ICANS grade.
#[test]
fn crs_findings_alone_get_the_crs_step_and_its_alert() {
    let args = [
        "grade",
        "--temperature",
        "39.2",
        "--hypotension",
        "one_vasopressor",
    ];
    let run = |more: &[&str]| icans().args(args).args(more).output().unwrap();
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(0));
    let card = String::from_utf8_lossy(&out.stdout);
    assert!(
        card.starts_with("adult (age not recorded, weight not recorded)\nICANS not assessed\n"),
        "{card}"
    );
    for shown in [
        "  CRS steps below: ASCO 2021",
        "  - ICANS not assessed: do the ICE (or CAPD) now\n",
        "  - ICU for CRS: vasopressors as needed, hemodynamic monitoring,",
        "  - Tocilizumab 8 mg/kg (max 800 mg per dose; 12 mg/kg under 30 kg) IV over 1",
        "  - Corticosteroids for CRS: dexamethasone 10 mg IV q6h, then rapid taper once",
        "antifungal prophylaxis while on corticosteroids",
    ] {
        assert!(card.contains(shown), "{shown:?} not in\n{card}");
    }
    assert!(!card.contains("icans proposes only tocilizumab"), "{card}");
    assert!(!card.contains("No ICANS"), "{card}");
    assert!(
        card.trim_end()
            .ends_with("ICANS not assessed, CRS grade 3 or higher - reassess (ICE) in 4 h"),
        "{card}"
    );
    let v = json_of(&run(&["--format", "json"]).stdout);
    assert_eq!(v["grade"], Value::Null);
    assert_eq!(v["complete"], false);
    assert_eq!(v["crs"]["grade"], 3);
    assert_eq!(
        common::json_action_ids(&v),
        [
            "ice_screening",
            "icu",
            "tocilizumab",
            "dexamethasone",
            "crs_fluids_oxygen",
            "crs_monitoring",
            "crs_supportive_care"
        ]
    );
    assert_eq!(v["management"]["reassess_hours"], 4);
    for (more, code) in [
        (&["--fail-at-crs-grade", "3"][..], 3),
        (&["--fail-at-crs-grade", "4"][..], 0),
        (&["--fail-at-grade", "0"][..], 0),
        (&["--fail-at-grade", "0", "--fail-at-crs-grade", "1"][..], 3),
    ] {
        assert_eq!(run(more).status.code(), Some(code), "{more:?}");
    }
    // CRS grade 4 at ICANS grade 0: alert on the CRS grade alone.
    let crs4 = icans()
        .args([
            "grade",
            "--ice-total",
            "10",
            "--consciousness",
            "alert",
            "--temperature",
            "39",
        ])
        .args([
            "--hypotension",
            "multiple_vasopressors",
            "--fail-at-crs-grade",
            "4",
        ])
        .output()
        .unwrap();
    assert_eq!(crs4.status.code(), Some(3));
    let card = String::from_utf8_lossy(&crs4.stdout);
    assert!(
        card.contains("Methylprednisolone for CRS: 500 mg IV q12h for 3 days"),
        "{card}"
    );
}

/// The issue's child "Done when": a 6-year-old of 20 kg with CAPD 0, fever
/// and two vasopressors gets the child pulse (600 mg), and no adult
/// absolute dose (contract v4 §5 defines one).
#[test]
fn a_child_with_crs_grade_4_gets_the_child_pulse_and_no_adult_dose() {
    let v = grade_json(&[
        "--age",
        "6",
        "--weight",
        "20",
        "--capd",
        "0",
        "--temperature",
        "39",
        "--hypotension",
        "multiple_vasopressors",
    ]);
    assert_eq!(
        (v["grade"].clone(), v["crs"]["grade"].clone()),
        (json!(0), json!(4))
    );
    assert_eq!(v["patient_group"], "child");
    let actions = v["management"]["actions"].as_array().unwrap();
    let pulse = actions
        .iter()
        .find(|a| a["id"] == "methylprednisolone_pulse")
        .unwrap();
    assert_eq!(pulse["dose_mg"], 600);
    assert!(
        pulse["text"].as_str().unwrap().starts_with(
            "Pulse methylprednisolone 600 mg (30 mg/kg, max 1 g a day) IV daily for 3 days, then taper"
        ),
        "{pulse}"
    );
    let toci = actions.iter().find(|a| a["id"] == "tocilizumab").unwrap();
    assert_eq!(toci["dose_mg"], 240);
    for a in actions {
        let text = a["text"].as_str().unwrap();
        assert_eq!(common::adult_absolute_dose(text), None, "{text}");
    }
}
