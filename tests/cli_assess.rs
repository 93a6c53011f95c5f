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

/// An adult aged 54, 70 kg: year, month, city yes, hospital no
/// (orientation 3); naming 2; writing no; attention, commands yes: ICE 7.
const ADULT_ICE: [&str; 10] = ["54", "70", "y", "y", "y", "n", "2", "n", "y", "y"];

/// A child's eight CAPD answers scoring 12: the first four reversed.
const CAPD_12: [&str; 8] = [
    "sometimes",
    "sometimes",
    "often",
    "often",
    "sometimes",
    "rarely",
    "sometimes",
    "rarely",
];

#[test]
fn an_adult_assessment_grades_like_grade() {
    let mut answers = ADULT_ICE.to_vec();
    answers.extend([
        "voice", "a", "none", "a", "37.2", "a", "a", "n", "none", "9", "skip", "skip",
    ]);
    let (code, out, err) = assess(&["--format", "json"], &answers);
    assert_eq!(code, Some(0), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ice_total"], 7);
    assert_eq!(v["domains"]["encephalopathy"]["grade"], 1);
    assert_eq!(v["domains"]["consciousness"]["grade"], 2);
    assert_eq!(v["grade"], 2);
    assert_eq!(v["complete"], true);
    assert_eq!(v["patient_group"], "adult");
    assert_eq!(v["drivers"], json!(["consciousness"]));
    assert_eq!(
        common::json_action_ids(&v),
        ["dexamethasone", "levetiracetam", "neurology_consult", "eeg"]
    );
    assert_eq!(v["management"]["reassess_hours"], 4);
    assert!(
        err.contains("(question 3 of 22)\nICE orientation: does the patient name the current year? [y/n]"),
        "{err}"
    );
    assert!(err.contains("(question 20 of 22)\nPrevious ICE total"), "{err}");
    // The follow-ups, always, last (contract v4 §5): the count is the path's.
    assert!(
        err.contains("(question 21 of 22)\nHours since ICANS symptoms began"),
        "{err}"
    );
    assert!(
        err.contains("(question 22 of 22)\nIs the ICANS refractory"),
        "{err}"
    );
    // Menus are lettered, never numbered.
    assert!(err.contains("  e unarousable, or needs vigorous"), "{err}");
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
    answers.extend([
        "c", "a", "a", "a", "37.2", "a", "a", "n", "none", "7", "skip", "skip",
    ]);
    let (code, out, _) = assess(&[], &answers);
    assert_eq!(code, Some(0));
    let graded = icans()
        .args(["grade", "--age", "54", "--weight", "70"])
        .args([
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
        ])
        .args([
            "--temperature",
            "37.2",
            "--hypotension",
            "none",
            "--hypoxia",
            "none",
        ])
        .args(["--previous-ice-total", "7"])
        .output()
        .unwrap();
    assert_eq!(out, String::from_utf8_lossy(&graded.stdout));
    assert!(out.contains("ICANS grade 2\n"));
    assert!(out.contains("Criteria: ASTCT 2019"));
    assert!(out.contains("Decision support only"));
    assert!(
        out.ends_with("ICANS grade 2, CRS grade 0 - reassess (ICE) in 4 h\n"),
        "{out}"
    );
}

#[test]
fn a_child_takes_the_capd_path_in_the_capds_words_and_emits_the_record() {
    let mut answers = vec!["22"];
    answers.extend(CAPD_12);
    answers.extend([
        "spontaneous",
        "brief",
        "none",
        "none",
        "38.5",
        "b",
        "a",
        "n",
        "none",
        "skip",
        "skip",
        "y",
    ]);
    let (code, out, err) = assess(
        &["--child", "--emit-record", "--patient-id", "P-3", "--day", "4"],
        &answers,
    );
    assert_eq!(code, Some(0), "{err}");
    let record: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        record,
        json!({"patient_id": "P-3", "day": 4, "weight_kg": 22.0,
               "capd_items": {"eye_contact": "sometimes", "purposeful_actions": "sometimes",
                   "aware_of_surroundings": "often", "communicates_needs": "often",
                   "restless": "sometimes", "inconsolable": "rarely", "underactive": "sometimes",
                   "slow_response": "rarely"},
               "consciousness": "awakens_spontaneously", "seizure": "rapidly_resolving",
               "motor": "none", "edema": "none", "temperature_c": 38.5, "fever_masked": false,
               "hypotension": "fluids_only", "hypoxia": "none", "steroid_refractory": true})
    );
    assert!(
        err.contains("(question 2 of 21)\nCAPD: Does the child make eye contact with the caregiver?"),
        "{err}"
    );
    assert!(
        err.contains("a never (4)  b rarely (3)  c sometimes (2)  d often (1)  e always (0)"),
        "{err}"
    );
    assert!(err.contains("(question 19 of 21)\nPrevious CAPD total"), "{err}");
    assert!(
        err.contains("(question 21 of 21)\nIs the ICANS refractory to corticosteroids (no improvement despite them)? [y/n]"),
        "{err}"
    );
    assert!(
        err.contains("ICANS grade 3"),
        "the card goes to stderr with --emit-record: {err}"
    );
    assert!(err.contains("Consider anakinra"));
    assert!(err.contains("Reassess (CAPD) in 4 h."), "{err}");

    // The emitted record grades the same through grade and batch, and feeds
    // summary (patient_id and day).
    let graded = icans()
        .args(["grade", "--format", "json"])
        .write_stdin(out.clone())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&graded.stdout).unwrap();
    assert_eq!(v["grade"], 3);
    assert_eq!(v["capd"], 12);
    assert_eq!(v["patient_group"], "child");
    let actions = v["management"]["actions"].as_array().unwrap();
    let tocilizumab = actions.iter().find(|a| a["id"] == "tocilizumab").unwrap();
    // The CRS step follows the ICANS step (contract v4 §3).
    assert_eq!(actions.last().unwrap()["id"], "crs_supportive_care");
    assert_eq!(tocilizumab["dose_mg"], 264, "12 mg/kg under 30 kg");
    let batch = icans().arg("batch").write_stdin(out.clone()).output().unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&batch.stdout).unwrap(), v);
    let summary = icans()
        .args(["summary", "--format", "json"])
        .write_stdin(out)
        .output()
        .unwrap();
    assert_eq!(summary.status.code(), Some(0));
}

#[test]
fn an_age_under_12_switches_to_capd() {
    let mut answers = vec!["8", "25"];
    answers.extend([
        "always", "always", "always", "always", "never", "never", "never", "never",
    ]);
    answers.extend([
        "alert", "none", "none", "none", "skip", "skip", "skip", "skip", "none", "0", "skip", "skip",
    ]);
    let (code, out, err) = assess(&["--format", "json"], &answers);
    assert_eq!(code, Some(0), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["instrument"], "capd");
    assert_eq!(v["capd"], 0);
    assert_eq!(v["grade"], 0);
    assert_eq!(v["complete"], true);
    assert!(v["warnings"].as_array().unwrap().is_empty());
    assert!(err.contains("(question 20 of 22)\nPrevious CAPD total"), "{err}");
}

#[test]
fn a_skipped_ice_item_leaves_ice_not_assessed_and_every_other_question_asked() {
    // The issue's script, with weight: a skipped month no longer moves the
    // later answers onto other questions.
    let answers = [
        "54", "70", "y", "skip", "y", "y", "3", "y", "y", "y", "a", "a", "a", "a", "37", "a", "a", "n",
        "none", "10", "skip", "skip",
    ];
    let (code, out, err) = assess(&["--emit-record"], &answers);
    assert_eq!(code, Some(0), "{err}");
    let record: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        record,
        json!({"age_years": 54.0, "weight_kg": 70.0, "consciousness": "alert", "seizure": "none",
               "motor": "none", "edema": "none", "temperature_c": 37.0, "fever_masked": false,
               "hypotension": "none", "hypoxia": "none", "previous_ice_total": 10})
    );
    assert!(
        err.contains("(question 11 of 22)\nLevel of consciousness"),
        "{err}"
    );
    assert!(err.contains("Lower bound: encephalopathy not assessed."), "{err}");

    let (code, _, err) = assess(&["--age", "40", "--weight", "80"], &["skip"; 20]);
    assert_eq!(code, Some(65));
    assert!(
        err.contains("icans: invalid record: record: nothing assessed"),
        "{err}"
    );
}

#[test]
fn answers_left_over_or_not_fitting_give_no_grade() {
    let mut answers = ADULT_ICE.to_vec();
    answers.extend([
        "voice", "a", "a", "a", "37", "a", "a", "n", "none", "10", "skip", "skip", "extra",
    ]);
    let (code, out, err) = assess(&["--emit-record"], &answers);
    assert_eq!(code, Some(65));
    assert_eq!(out, "", "no record, no grade");
    assert!(
        err.contains("1 answer(s) left over after the last question (first: \"extra\")"),
        "{err}"
    );
    // The issue's original script: "y" does not fit the weight question.
    let (code, out, err) = assess(
        &["--emit-record"],
        &[
            "54", "y", "skip", "y", "y", "3", "y", "y", "y", "1", "1", "1", "1", "0", "none", "10",
        ],
    );
    assert_eq!(code, Some(65));
    assert_eq!(out, "");
    assert!(
        err.contains("answer \"y\" does not fit \"Body weight in kg, for weight-based doses\""),
        "{err}"
    );
}

#[test]
fn back_returns_to_the_previous_question() {
    // Year answered yes, then back, then no: orientation 3 when the other
    // three are yes.
    let answers = [
        "54", "70", "y", "back", "n", "y", "y", "y", "3", "y", "y", "y", "alert", "none", "none", "none",
        "37", "a", "a", "n", "none", "10", "skip", "skip",
    ];
    let (code, out, err) = assess(&["--format", "json"], &answers);
    assert_eq!(code, Some(0), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ice_total"], 9);
    assert_eq!(v["grade"], 1);
    assert_eq!(
        err.matches("(question 3 of 22)\nICE orientation: does the patient name the current year?")
            .count(),
        2,
        "{err}"
    );
    assert!(!common::json_action_ids(&v).contains(&"consider_corticosteroids".to_string()));
    // Grade 1 asks how long it has lasted: past 24 h, consider corticosteroids.
    let mut answers = answers.to_vec();
    answers.truncate(answers.len() - 2);
    answers.extend(["30", "skip"]);
    let (_, out, err) = assess(&["--format", "json"], &answers);
    assert!(
        err.contains("(question 21 of 22)\nHours since ICANS symptoms began"),
        "{err}"
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        common::json_action_ids(&v),
        ["ice_monitoring", "supportive_care", "consider_corticosteroids"]
    );

    // Back from the first question stays on it; back across the age
    // question switches path when the age changes.
    let mut answers = vec!["back", "30", "back", "6", "20"];
    answers.extend(CAPD_12);
    answers.extend([
        "alert", "none", "none", "none", "37", "a", "a", "n", "none", "10", "skip", "skip",
    ]);
    let (code, out, err) = assess(&["--format", "json"], &answers);
    assert_eq!(code, Some(0), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["instrument"], "capd");
    assert_eq!(v["capd"], 12);
    assert!(
        v["warnings"]
            .as_array()
            .unwrap()
            .contains(&json!("CAPD worsening: 10 -> 12"))
    );
}

#[test]
fn on_a_terminal_an_answer_that_does_not_fit_is_asked_again_with_a_hint() {
    use icans::interview::{Settings, run};
    let mut answers: Vec<&str> = vec![
        "fifty", "54", "0", "70", "maybe", "y", "y", "y", "y", "4", "3", "y", "y", "y",
    ];
    answers.extend([
        "7", "sleepy", "alert", "none", "none", "none", "5", "37", "a", "a", "n", "sedation", "none", "11",
        "10", "skip", "skip",
    ]);
    let input: String = answers.iter().map(|a| format!("{a}\n")).collect();
    let mut prompts = Vec::new();
    let record = run(input.as_bytes(), &mut prompts, Settings::default()).expect("a record");
    let err = String::from_utf8_lossy(&prompts);
    for hint in [
        "\"fifty\"? Type a number >= 0, at most 120 (or skip, back).",
        "\"0\"? Type a number >= 2, at most 300 (or skip, back).",
        "\"maybe\"? Type y or n (or skip, back).",
        "\"4\"? Type a whole number 0-3 (or skip, back).",
        "\"7\"? Type the option's letter or name (a number here would be a grade, not an option).",
        "\"sleepy\"? Type an option letter a-e or a name (or skip, back).",
        "\"5\"? Type a number >= 25, at most 45 (or skip, back).",
        "\"sedation\"? Type none, or domain names separated by commas (or skip, back).",
        "\"11\"? Type a whole number 0-10 (or skip, back).",
    ] {
        assert!(err.contains(hint), "missing hint {hint:?} in {err}");
    }
    let r = icans::grading::grade(&record);
    assert_eq!(r.ice_total, Some(10));
    assert_eq!(r.grade, Some(0));
    assert!(r.complete);
}

#[test]
fn other_cause_excludes_named_domains() {
    let mut answers = ADULT_ICE.to_vec();
    answers.extend([
        "tactile",
        "none",
        "none",
        "none",
        "37",
        "a",
        "a",
        "n",
        "consciousness",
        "7",
        "skip",
        "skip",
    ]);
    let (code, out, err) = assess(&["--format", "json"], &answers);
    assert_eq!(code, Some(0), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["excluded"], json!(["consciousness"]));
    assert_eq!(v["grade"], 1);
    assert_eq!(
        v["masked"],
        json!(["consciousness"]),
        "tactile (3) excluded, above grade 1"
    );
}

#[test]
fn input_ending_midway_gives_no_grade() {
    for answers in [
        &ADULT_ICE[..4],
        &[][..],
        &["54", "70", "y", "y", "y", "y", "3", "y", "y", "y", "alert"][..],
    ] {
        let (code, out, err) = assess(&[], answers);
        assert_eq!(code, Some(74), "{answers:?}");
        assert_eq!(out, "", "never a partial grade");
        assert!(
            err.contains("before the assessment was finished; no grade given"),
            "{err}"
        );
    }
    let (_, _, err) = assess(&["--age", "40", "--weight", "70"], &["y", "y"]);
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
        ("--seizure", "prolonged_or_repetitive", "seizure", 4),
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
    // Aliases that would loosen the ASTCT wording are not taken.
    for (flag, value) in [
        ("--motor", "weakness"),
        ("--seizure", "prolonged"),
        ("--seizure", "repetitive"),
        ("--consciousness", "awake"),
    ] {
        let out = icans().args(["grade", flag, value]).output().unwrap();
        assert_eq!(out.status.code(), Some(65), "{flag} {value}");
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

/// Contract v4 §3: `--fail-at-crs-grade` on `assess` as on `grade`: exit 3
/// when the CRS grade reaches it, the card shown all the same;
/// `--fail-at-grade` stays the ICANS grade.
#[test]
fn assess_alerts_on_the_crs_grade_and_the_icans_grade() {
    let mut answers = ADULT_ICE.to_vec();
    // Awakens to voice (ICANS 2); fever with one vasopressor (CRS 3).
    answers.extend([
        "voice",
        "none",
        "none",
        "none",
        "39.2",
        "one_vasopressor",
        "none",
        "n",
        "none",
        "skip",
        "skip",
        "skip",
    ]);
    for (flags, code) in [
        (&[][..], 0),
        (&["--fail-at-crs-grade", "3"][..], 3),
        (&["--fail-at-crs-grade", "4"][..], 0),
        (&["--fail-at-grade", "3"][..], 0),
        (&["--fail-at-grade", "2"][..], 3),
    ] {
        let (got, out, err) = assess(flags, &answers);
        assert_eq!(got, Some(code), "{flags:?}: {err}");
        assert!(out.contains("Concurrent CRS grade 3"), "{out}");
        assert!(out.contains("CRS steps below: ASCO 2021"), "{out}");
        assert!(
            out.trim_end()
                .ends_with("ICANS grade 2, CRS grade 3 - reassess (ICE) in 4 h"),
            "{out}"
        );
    }
}

/// Contract v4 §5-6: `--weight-confirmed` is a flag of `assess` (never a
/// question): it goes into the record, and a weight implausible for the age
/// is then neither warned nor kept from the doses.
#[test]
fn weight_confirmed_is_a_flag_that_reaches_the_record() {
    let mut answers = vec!["44"];
    answers.extend(CAPD_12);
    answers.extend([
        "spontaneous",
        "brief",
        "none",
        "none",
        "38.5",
        "b",
        "a",
        "n",
        "none",
        "skip",
        "skip",
        "y",
    ]);
    let warned = assess(&["--age", "6", "--emit-record"], &answers);
    assert_eq!(warned.0, Some(0), "{}", warned.2);
    assert!(
        warned
            .2
            .contains("weight 44 kg at age 6: check (if entered in pounds: 20 kg)"),
        "{}",
        warned.2
    );
    let (code, out, err) = assess(&["--age", "6", "--emit-record", "--weight-confirmed"], &answers);
    assert_eq!(code, Some(0), "{err}");
    let record: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(record["weight_confirmed"], true);
    assert_eq!(record["weight_kg"], 44.0);
    assert!(!err.contains(": check"), "{err}");
}

/// Contract v4 §5, "answers that cannot be misread": at every menu a bare
/// number is refused with its reason (typed by habit it is a grade: 4 is not
/// "unarousable"), and a single character is always an option letter
/// (`b` at a menu is option b, not `back`).
#[test]
fn a_number_at_any_menu_is_refused_with_its_reason() {
    // The menus of the ICE path after ADULT_ICE: consciousness, seizure,
    // motor, edema, (temperature), hypotension, hypoxia.
    let menus = [0usize, 1, 2, 3, 5, 6];
    let good = [
        "alert", "none", "none", "none", "37", "none", "none", "n", "none", "10", "skip", "skip",
    ];
    for at in menus {
        for number in ["0", "1", "4", "4.0"] {
            let mut answers = ADULT_ICE.to_vec();
            answers.extend(&good[..at]);
            answers.push(number);
            let (code, out, err) = assess(&[], &answers);
            assert_eq!(code, Some(65), "menu {at}, {number}: {err}");
            assert_eq!(out, "");
            assert!(
                err.contains(
                    "Type the option's letter or name (a number here would be a grade, not an option)."
                ),
                "menu {at}, {number}: {err}"
            );
        }
    }
    // Letters: b at the consciousness menu is awakens_spontaneously.
    let mut answers = ADULT_ICE.to_vec();
    answers.extend([
        "b", "a", "a", "a", "37", "a", "a", "n", "none", "10", "skip", "skip",
    ]);
    let (code, out, err) = assess(&["--emit-record"], &answers);
    assert_eq!(code, Some(0), "{err}");
    let record: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(record["consciousness"], "awakens_spontaneously");
    // A letter past the menu's end is refused, not wrapped round.
    let mut answers = ADULT_ICE.to_vec();
    answers.push("f");
    let (code, _, err) = assess(&[], &answers);
    assert_eq!(code, Some(65), "{err}");
    assert!(err.contains("Type an option letter a-e or a name"), "{err}");
}

/// Contract v4 §5: the CAPD items take the points of the paper form (items
/// 1-4 never 4 ... always 0, items 5-8 never 0 ... always 4): every point on
/// every item reads back as the same score, and the issue's `3 3 3 3 1 1 1 1`
/// as a 6-year-old's is CAPD 16 (grade 3); a 0 copied from paper is taken.
#[test]
fn capd_points_read_as_the_paper_form_scores_them() {
    let rest = [
        "alert", "none", "none", "none", "37", "none", "none", "n", "none", "skip", "skip", "skip",
    ];
    for item in 0..8 {
        for points in 0..=4u8 {
            let mut answers: Vec<String> = vec!["20".to_string()];
            for i in 0..8 {
                // The other items at 0 points.
                answers.push(if i == item {
                    points.to_string()
                } else {
                    "0".to_string()
                });
            }
            answers.extend(rest.iter().map(|s| s.to_string()));
            let refs: Vec<&str> = answers.iter().map(String::as_str).collect();
            let (code, out, err) = assess(&["--age", "6", "--format", "json"], &refs);
            assert_eq!(code, Some(0), "item {item}, {points}: {err}");
            let v: Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v["capd"], points, "item {item}, {points}");
        }
    }
    let mut answers = vec!["20", "3", "3", "3", "3", "1", "1", "1", "1"];
    answers.extend(rest);
    let (code, out, err) = assess(&["--age", "6", "--format", "json"], &answers);
    assert_eq!(code, Some(0), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!((v["capd"].clone(), v["grade"].clone()), (json!(16), json!(3)));
    // Letters still name the frequencies: a is never (4 points on item 1).
    let mut answers = vec!["20", "a", "e", "e", "e", "a", "a", "a", "a"];
    answers.extend(rest);
    let (_, out, _) = assess(&["--age", "6", "--format", "json"], &answers);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["capd"], 4);
}

/// Contract v4 §5: the question count is fixed per path, so the same
/// number of answers completes `assess` at every grade; the follow-ups given
/// as flags are not asked.
#[test]
fn the_same_number_of_answers_completes_assess_at_every_grade() {
    for (consciousness, grade) in [("a", 0), ("b", 1), ("c", 2), ("d", 3), ("e", 4)] {
        let mut answers = vec!["54", "70", "y", "y", "y", "y", "3", "y", "y", "y"];
        answers.extend([
            consciousness,
            "a",
            "a",
            "a",
            "37",
            "a",
            "a",
            "n",
            "none",
            "10",
            "skip",
            "skip",
        ]);
        let (code, out, err) = assess(&["--format", "json"], &answers);
        assert_eq!(code, Some(0), "{consciousness}: {err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["grade"], grade, "{consciousness}");
        assert!(err.contains("(question 22 of 22)"), "{err}");
    }
    // The CAPD path likewise: 21 questions with --child, at every grade.
    let capd_cases: [([&str; 8], &str, u8); 5] = [
        (["0"; 8], "a", 0),
        (["1", "0", "0", "0", "0", "0", "0", "0"], "a", 1),
        (["1", "0", "0", "0", "0", "0", "0", "0"], "c", 2),
        (["4", "4", "1", "0", "0", "0", "0", "0"], "a", 3),
        (["0"; 8], "e", 4),
    ];
    for (items, consciousness, grade) in capd_cases {
        let mut answers = vec!["20"];
        answers.extend(items);
        answers.extend([
            consciousness,
            "a",
            "a",
            "a",
            "37",
            "a",
            "a",
            "n",
            "none",
            "skip",
            "skip",
            "skip",
        ]);
        let (code, out, err) = assess(&["--child", "--format", "json"], &answers);
        assert_eq!(code, Some(0), "{items:?} {consciousness}: {err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["grade"], grade, "{items:?} {consciousness}");
        assert!(err.contains("(question 21 of 21)"), "{err}");
    }
    let mut answers = ADULT_ICE.to_vec();
    answers.extend(["d", "a", "a", "a", "37", "a", "a", "n", "none", "10"]);
    let (code, out, err) = assess(
        &[
            "--format",
            "json",
            "--hours-since-onset",
            "30",
            "--steroid-refractory",
        ],
        &answers,
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("(question 20 of 20)"), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(
        common::json_action_ids(&v).contains(&"consider_anakinra".to_string()),
        "{v}"
    );
}
