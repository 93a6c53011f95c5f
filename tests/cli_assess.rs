//! `icans assess` as scripted sessions (answers piped, one per line), and
//! the bedside shortcuts of `icans grade`.

mod common;

use common::icans;

use serde_json::{Value, json};

/// Runs an assessment with the answers; returns (exit code, stdout, stderr).
fn assess(args: &[&str], answers: &[&str]) -> (Option<i32>, String, String) {
    let input: String = answers.iter().map(|a| format!("{a}\n")).collect();
    let out = icans()
        .arg("assess")
        .args(args)
        .write_stdin(input)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// An adult: year, month, city yes, hospital no (orientation 3); naming 2;
/// writing no; attention, commands yes: ICE 7.
const ADULT_ICE: [&str; 9] = ["54", "y", "y", "y", "n", "2", "n", "y", "y"];

#[test]
fn an_adult_assessment_grades_like_grade() {
    let mut answers = ADULT_ICE.to_vec();
    answers.extend(["voice", "1", "none", "1", "0", "none", "9"]);
    let (code, out, err) = assess(&["--format", "json"], &answers);
    assert_eq!(code, Some(0), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ice_total"], 7);
    assert_eq!(v["domains"]["encephalopathy"]["grade"], 1);
    assert_eq!(v["domains"]["consciousness"]["grade"], 2);
    assert_eq!(v["grade"], 2);
    assert_eq!(v["complete"], true);
    assert_eq!(v["drivers"], json!(["consciousness"]));
    assert_eq!(
        common::json_action_ids(&v),
        ["dexamethasone", "levetiracetam", "neurology_consult", "eeg"]
    );
    assert_eq!(v["management"]["reassess_hours"], 4);
    assert!(
        err.contains("(2/16) ICE orientation: does the patient name the current year? [y/n]"),
        "{err}"
    );
    assert!(err.contains("(16/16) Previous ICE total"), "{err}");
    assert!(!err.contains("Hours since"), "no follow-up at grade 2");
    for line in err.lines() {
        assert!(
            line.chars().count() <= 80,
            "question wider than 80 columns: {line}"
        );
    }
}

#[test]
fn the_card_is_the_same_as_grade_gives() {
    let mut answers = ADULT_ICE.to_vec();
    answers.extend(["3", "1", "1", "1", "0", "none", "7"]);
    let (code, out, _) = assess(&[], &answers);
    assert_eq!(code, Some(0));
    let graded = icans()
        .args([
            "grade",
            "--age",
            "54",
            "--orientation",
            "3",
            "--naming",
            "2",
            "--writing",
            "0",
            "--attention",
            "1",
        ])
        .args([
            "--commands",
            "1",
            "--consciousness",
            "voice",
            "--no-seizure-motor-edema",
            "--crs-grade",
            "0",
        ])
        .args(["--previous-ice-total", "7"])
        .output()
        .unwrap();
    assert_eq!(out, String::from_utf8_lossy(&graded.stdout));
    assert!(out.contains("ICANS grade 2\n"));
    assert!(out.contains("Criteria: ASTCT 2019"));
    assert!(out.contains("Decision support only"));
}

#[test]
fn a_child_takes_the_capd_path_and_emits_the_record() {
    let answers = ["12", "spontaneous", "brief", "none", "none", "2", "none", "y"];
    let (code, out, err) = assess(&["--child", "--emit-record"], &answers);
    assert_eq!(code, Some(0), "{err}");
    let record: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        record,
        json!({"capd": 12, "consciousness": "awakens_spontaneously", "seizure": "rapidly_resolving",
               "motor": "none", "edema": "none", "crs_grade": 2, "steroid_refractory": true})
    );
    assert!(err.contains("(1/7) CAPD total"), "{err}");
    assert!(
        err.contains("(8/8) Is ICANS not responding to corticosteroids?"),
        "grade 3 asks: {err}"
    );
    assert!(
        err.contains("ICANS grade 3"),
        "the card goes to stderr with --emit-record: {err}"
    );
    assert!(err.contains("Consider anakinra"));

    // The emitted record grades the same through grade and batch.
    let graded = icans()
        .args(["grade", "--format", "json"])
        .write_stdin(out.clone())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&graded.stdout).unwrap();
    assert_eq!(v["grade"], 3);
    assert_eq!(
        common::json_action_ids(&v),
        [
            "dexamethasone",
            "methylprednisolone",
            "antiseizure_therapy",
            "icu",
            "mri_brain",
            "consider_anakinra",
            "tocilizumab"
        ]
    );
    let batch = icans().arg("batch").write_stdin(out).output().unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&batch.stdout).unwrap(), v);
}

#[test]
fn an_age_under_12_switches_to_capd() {
    let (code, out, err) = assess(
        &["--format", "json"],
        &["8", "0", "alert", "none", "none", "none", "0", "none"],
    );
    assert_eq!(code, Some(0), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["instrument"], "capd");
    assert_eq!(v["grade"], 0);
    assert_eq!(v["complete"], true);
    assert!(v["warnings"].as_array().unwrap().is_empty());
}

#[test]
fn skips_leave_domains_not_assessed() {
    let answers = ["skip", "skip", "skip", "none", "skip", "skip", "skip", "none"];
    let (code, out, err) = assess(&["--format", "json"], &answers);
    assert_eq!(code, Some(0), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["grade"], 0);
    assert_eq!(v["complete"], false);
    assert_eq!(
        v["unassessed"],
        json!(["encephalopathy", "consciousness", "motor", "edema"])
    );
    assert_eq!(v["instrument"], Value::Null);
    assert!(err.contains("(2/16) ICE orientation"), "{err}");
    assert!(
        err.contains("(3/8) Level of consciousness"),
        "a skip stops the ICE screen: {err}"
    );

    let (code, _, err) = assess(&[], &["s", "s", "s", "s", "s", "s", "s", "none"]);
    assert_eq!(code, Some(65));
    assert!(
        err.contains("icans: invalid record: record: nothing assessed"),
        "{err}"
    );
}

#[test]
fn back_returns_to_the_previous_question() {
    // Year answered yes, then back, then no: orientation 3 -> 2 when the
    // other three are yes.
    let answers = [
        "54", "y", "back", "n", "y", "y", "y", "3", "y", "y", "y", "alert", "none", "none", "none", "0",
        "none", "10", "skip",
    ];
    let (code, out, err) = assess(&["--format", "json"], &answers);
    assert_eq!(code, Some(0), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ice_total"], 9);
    assert_eq!(v["grade"], 1);
    assert_eq!(
        err.matches("(2/16) ICE orientation: does the patient name the current year?")
            .count(),
        2,
        "{err}"
    );
    assert!(!common::json_action_ids(&v).contains(&"consider_corticosteroids".to_string()));
    // Grade 1 asks how long it has lasted: past 24 h, consider corticosteroids.
    let mut answers = answers.to_vec();
    answers.pop();
    answers.push("30");
    let (_, out, err) = assess(&["--format", "json"], &answers);
    assert!(err.contains("(17/17) Hours since ICANS symptoms began"), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        common::json_action_ids(&v),
        ["ice_monitoring", "supportive_care", "consider_corticosteroids"]
    );

    // Back from the first question stays on it; back across the age
    // question switches path when the age changes.
    let (code, out, _) = assess(
        &["--format", "json"],
        &[
            "back", "30", "back", "6", "10", "alert", "none", "none", "none", "0", "none", "n",
        ],
    );
    assert_eq!(code, Some(0));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["instrument"], "capd");
    assert_eq!(v["capd"], 10);
}

#[test]
fn invalid_answers_are_asked_again_with_a_hint() {
    let mut answers = vec![
        "fifty", "54", "maybe", "y", "y", "y", "y", "4", "3", "y", "y", "y",
    ];
    answers.extend([
        "7", "sleepy", "alert", "none", "none", "none", "5", "0", "sedation", "none", "11", "10",
    ]);
    let (code, out, err) = assess(&["--format", "json"], &answers);
    assert_eq!(code, Some(0), "{err}");
    for hint in [
        "\"fifty\"? Type a number >= 0 (or skip, back).",
        "\"maybe\"? Type y or n (or skip, back).",
        "\"4\"? Type a whole number 0-3 (or skip, back).",
        "\"7\"? Type an option number 1-5 or a name (or skip, back).",
        "\"sleepy\"? Type an option number 1-5 or a name (or skip, back).",
        "\"5\"? Type a whole number 0-4 (or skip, back).",
        "\"sedation\"? Type none, or domain names separated by commas (or skip, back).",
        "\"11\"? Type a whole number 0-10 (or skip, back).",
    ] {
        assert!(err.contains(hint), "missing hint {hint:?} in {err}");
    }
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ice_total"], 10);
    assert_eq!(v["grade"], 0);
    assert_eq!(v["complete"], true);
}

#[test]
fn other_cause_excludes_named_domains() {
    let mut answers = ADULT_ICE.to_vec();
    answers.extend([
        "tactile",
        "none",
        "none",
        "none",
        "0",
        "consciousness",
        "7",
        "skip",
    ]);
    let (code, out, _) = assess(&["--format", "json"], &answers);
    assert_eq!(code, Some(0));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["excluded"], json!(["consciousness"]));
    assert_eq!(v["grade"], 1);
}

#[test]
fn input_ending_midway_gives_no_grade() {
    for answers in [
        &ADULT_ICE[..4],
        &[][..],
        &["54", "y", "y", "y", "y", "3", "y", "y", "y", "alert"][..],
    ] {
        let (code, out, err) = assess(&[], answers);
        assert_eq!(code, Some(74), "{answers:?}");
        assert_eq!(out, "", "never a partial grade");
        assert!(
            err.contains("before the assessment was finished; no grade given"),
            "{err}"
        );
    }
    let (_, _, err) = assess(&["--age", "40"], &["y", "y"]);
    assert!(
        err.contains("icans assess: input ended at \"ICE orientation: city\""),
        "{err}"
    );
}

#[test]
fn grade_accepts_bedside_aliases() {
    let cases = [
        ("--consciousness", "voice", "consciousness", 2),
        ("--consciousness", "Tactile", "consciousness", 3),
        ("--consciousness", "spontaneous", "consciousness", 1),
        ("--consciousness", "coma", "consciousness", 4),
        ("--seizure", "brief", "seizure", 3),
        ("--seizure", "prolonged", "seizure", 4),
        ("--motor", "tremor", "motor", 0),
        ("--motor", "hemiparesis", "motor", 4),
        ("--edema", "focal", "edema", 3),
        ("--consciousness", "awakens to voice", "consciousness", 2),
    ];
    for (flag, value, domain, grade) in cases {
        let out = icans()
            .args(["grade", "--format", "json", flag, value])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{flag} {value}");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["domains"][domain]["grade"], grade, "{flag} {value}");
    }
    // JSON records stay strict: aliases are for people typing.
    let out = icans()
        .args(["grade"])
        .write_stdin(r#"{"consciousness": "voice"}"#)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
}

#[test]
fn one_flag_records_seizure_motor_and_edema_as_none() {
    let out = icans()
        .args([
            "grade",
            "--format",
            "json",
            "--ice-total",
            "9",
            "--consciousness",
            "alert",
        ])
        .arg("--no-seizure-motor-edema")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["complete"], true);
    for d in ["seizure", "motor", "edema"] {
        assert_eq!(
            v["domains"][d],
            json!({"status": "graded", "grade": 0, "finding": v["domains"][d]["finding"]})
        );
    }
    icans()
        .args(["grade", "--no-seizure-motor-edema", "--seizure", "brief"])
        .assert()
        .code(2);
}

#[test]
fn grade_help_has_worked_examples() {
    let out = icans().args(["grade", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("Examples:"));
    assert!(help.contains("icans grade --ice-total"));
    assert!(help.contains("voice"));
}
