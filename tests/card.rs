//! The text card (shared by `grade` and `assess`): content for every grade,
//! incomplete and excluded cases, width, and colour only where wanted.

mod common;

use icans::format::text::{self, card, card_styled};

const GRADES: [(&str, u8, &str); 7] = [
    (
        r#"{"ice_total": 10, "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none"}"#,
        0,
        "ICANS grade 0 (no ICANS)",
    ),
    (
        r#"{"ice_total": 8, "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none"}"#,
        1,
        "ICANS grade 1",
    ),
    (
        r#"{"ice_total": 5, "consciousness": "awakens_to_voice", "seizure": "none", "motor": "none", "edema": "none"}"#,
        2,
        "ICANS grade 2",
    ),
    (
        r#"{"ice_total": 2, "consciousness": "alert", "seizure": "rapidly_resolving", "motor": "none", "edema": "focal", "crs_grade": 3}"#,
        3,
        "ICANS grade 3",
    ),
    (
        r#"{"consciousness": "unarousable", "seizure": "none", "motor": "deep_focal_weakness", "edema": "diffuse"}"#,
        4,
        "ICANS grade 4",
    ),
    (
        r#"{"died_of_icans": true, "ice_total": 0, "consciousness": "unarousable", "seizure": "none", "motor": "none", "edema": "diffuse"}"#,
        5,
        "ICANS grade 5 (death attributed to ICANS)",
    ),
    (
        r#"{"died_of_icans": true}"#,
        5,
        "ICANS grade 5 (death attributed to ICANS)",
    ),
];

/// The card with its wrapped lines joined, for phrases that may wrap.
fn flat(c: &str) -> String {
    c.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_grade_reads_correctly() {
    for (json, grade, headline) in GRADES {
        let r = common::graded(json);
        assert_eq!(r.grade, Some(grade));
        let c = card(&r);
        // The first line names the patient group and its basis (contract
        // v4 §5); the headline follows.
        assert_eq!(
            c.lines().next(),
            Some("adult (age not recorded, weight not recorded)"),
            "{c}"
        );
        assert_eq!(c.lines().nth(1), Some(headline), "{c}");
        assert!(flat(&c).contains(&flat(text::CRITERIA_LINE)), "{c}");
        assert!(flat(&c).contains(text::DECISION_SUPPORT_NOTE), "{c}");
        assert!(
            !c.contains("or higher"),
            "grade 5 and complete cards are not lower bounds: {c}"
        );
        for a in &r.management.actions {
            assert!(
                flat(&c).contains(&flat(&a.text)),
                "{} missing from {c}",
                a.id.as_str()
            );
        }
        // Unarousable: a neurological examination until ICE can be done.
        let by = if json.contains("unarousable") {
            "neurological examination; ICE once arousable"
        } else {
            "ICE"
        };
        match r.management.reassess_hours {
            Some(h) => assert!(flat(&c).contains(&format!("Reassess ({by}) in {h} h.")), "{c}"),
            None => assert!(!c.contains("Reassess"), "{c}"),
        }
        for line in c.lines() {
            assert!(line.chars().count() <= 80, "wider than 80 columns: {line:?}");
        }
        for d in &r.drivers {
            assert!(
                c.lines().any(|l| l.starts_with(&format!("* {:<16}", d.as_str()))),
                "driver {d} unmarked: {c}"
            );
        }
    }
}

#[test]
fn specific_lines_of_the_cards() {
    let c = card(&common::graded(GRADES[3].0));
    assert!(c.contains("  Driven by: encephalopathy, seizure, edema\n"), "{c}");
    assert!(c.contains("* encephalopathy  ICE 2/10"), "{c}");
    assert!(c.contains("  consciousness   alert"), "{c}");
    assert!(
        flat(&c).contains("CRS/ICANS overlap (CRS grade 3, ICANS grade 3)"),
        "{c}"
    );
    let c = card(&common::graded(GRADES[4].0));
    assert!(
        c.contains("* encephalopathy  unable to perform ICE/CAPD: unarousable"),
        "{c}"
    );
    assert!(c.contains("  - ICP monitoring (cerebral edema)"), "{c}");
    assert!(
        flat(&c).contains("CRS not assessed (tocilizumab only with concurrent CRS)."),
        "{c}"
    );
}

#[test]
fn incomplete_and_excluded_cases() {
    let c = card(&common::graded(
        r#"{"ice_total": 5, "seizure": "rapidly_resolving", "other_cause": ["seizure"]}"#,
    ));
    // The excluded seizure (grade 3) is above the grade: ICANS cannot be
    // ruled out.
    assert!(
        c.starts_with(
            "adult (age not recorded, weight not recorded)\nICANS grade 2 or higher - ICANS cannot be ruled out\n  Lower bound: consciousness, motor, edema not assessed.\n"
        ),
        "{c}"
    );
    assert!(
        c.contains("  seizure         excluded: rapidly resolving seizure"),
        "{c}"
    );
    assert!(c.contains("  motor           not assessed"), "{c}");
    assert!(
        c.contains("  Excluded as attributable to another cause: seizure.\n"),
        "{c}"
    );
    let zero = card(&common::graded(r#"{"ice_total": 10}"#));
    assert!(
        zero.contains("\nICANS grade 0 or higher (no ICANS in the domains assessed)\n"),
        "{zero}"
    );
    // Contract v4 §2: an incomplete grade 0 is never "No ICANS" in any text.
    assert!(
        flat(&zero).contains(
            "No ICANS in the domains assessed; not assessed: consciousness, seizure, motor, edema; continue ICE screening."
        ),
        "{zero}"
    );
    assert!(!zero.contains("No ICANS:"), "{zero}");
    // A death is complete, and has no management step (contract §3 v3).
    let dead = card(&common::graded(r#"{"died_of_icans": true}"#));
    assert!(
        !dead.contains("Not assessed") && !dead.contains("Lower bound"),
        "{dead}"
    );
    assert!(
        dead.contains("Management\n  Death attributed to ICANS: no management step.\n\n"),
        "{dead}"
    );
    let warned = card(&common::graded(
        r#"{"ice_total": 6, "consciousness": "unarousable", "age_years": 9}"#,
    ));
    assert!(
        warned.contains("Warnings\n  ! ICE total 6 recorded while consciousness is unarousable"),
        "{warned}"
    );
    assert!(warned.contains("  ! ICE used at age 9 (under 12)"), "{warned}");
    let labelled = card(&common::graded(
        r#"{"id": 3, "patient_id": "P-1", "day": 4, "ice_total": 9}"#,
    ));
    assert!(
        labelled.starts_with(
            "record 3 | patient P-1 | day 4 | adult (age not recorded, weight not recorded)\nICANS grade 1 or higher\n"
        ),
        "{labelled}"
    );
}

#[test]
fn colour_by_severity_only_when_asked() {
    let expected = [
        "\x1b[32m",
        "\x1b[33m",
        "\x1b[1m\x1b[33m",
        "\x1b[31m",
        "\x1b[1m\x1b[31m",
        "\x1b[1m\x1b[35m",
    ];
    for ((json, grade, headline), code) in GRADES.iter().take(6).zip(expected) {
        let r = common::graded(json);
        let coloured = card_styled(&r, true);
        assert!(
            coloured.starts_with(&format!(
                "adult (age not recorded, weight not recorded)\n{code}{headline}\x1b[0m\n"
            )),
            "grade {grade}: {coloured:?}"
        );
        let plain = card_styled(&r, false);
        assert!(!plain.contains('\x1b'), "{plain:?}");
        assert_eq!(plain, card(&r));
    }
}

/// On a real terminal (a pty from `script`, where available) the card is
/// coloured, unless NO_COLOR is set.
#[test]
#[ignore = "needs a pty from script(1) (.ci/run runs it where there is one)"]
fn needs_pty_colour_on_a_real_terminal() {
    let bin = assert_cmd::cargo::cargo_bin("icans");
    let run = |no_color: bool, term: &str| {
        let mut cmd = std::process::Command::new("/usr/bin/script");
        cmd.args([
            "-qec",
            &format!("{} grade --ice-total 5", bin.display()),
            "/dev/null",
        ]);
        cmd.env("TERM", term);
        cmd.env_remove("CLICOLOR_FORCE").env_remove("CLICOLOR");
        if no_color {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned()
    };
    let coloured = run(false, "xterm");
    assert!(!coloured.is_empty(), "script(1) gave no terminal output");
    assert!(
        coloured.contains("\x1b[1m\x1b[33mICANS grade 2 or higher\x1b[0m"),
        "{coloured:?}"
    );
    assert!(!run(true, "xterm").contains('\x1b'), "NO_COLOR");
    assert!(!run(false, "dumb").contains('\x1b'), "TERM=dumb");
}

/// `icans grade` with no record and a terminal on standard input prints a
/// short usage hint instead of waiting silently.
#[test]
#[ignore = "needs a pty from script(1) (.ci/run runs it where there is one)"]
fn needs_pty_grade_on_a_terminal_without_input_prints_a_hint() {
    let bin = assert_cmd::cargo::cargo_bin("icans");
    let out = std::process::Command::new("/usr/bin/script")
        .args(["-qec", &format!("{} grade", bin.display()), "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(!shown.is_empty(), "script(1) gave no terminal output");
    assert!(shown.contains("icans grade: no record given."), "{shown}");
    assert_eq!(out.status.code(), Some(2));
}
