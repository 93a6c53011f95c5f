//! Records scored before 2019 and as registries hold them (docs/spec.md §2,
//! contract v3): a CARTOX-10 total read on the ICE bands, an ICE total
//! recorded only as a band; exactly one instrument per record; the
//! recorded CRS grade, product and site echoed in every output.

mod common;

use common::{action_ids, graded, icans, rejected};
use icans::grading::{CARTOX10_APPROXIMATION, Domain, Instrument, Status};
use serde_json::Value;

/// Every CARTOX-10 total, by the ICE bands written out by hand (10: 0;
/// 7-9: 1; 3-6: 2; 0-2: 3), in an alert patient with every other domain 0.
#[test]
fn every_cartox10_total_is_graded_on_the_ice_bands() {
    let expected = [3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 0];
    for (total, grade) in expected.iter().enumerate() {
        let r = graded(&format!(
            r#"{{"cartox10": {total}, "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none"}}"#
        ));
        assert_eq!(r.grade, Some(*grade), "CARTOX-10 {total}");
        assert_eq!(r.domains.get(Domain::Encephalopathy).grade, Some(*grade));
        assert_eq!(r.instrument, Some(Instrument::Cartox10));
        assert_eq!(r.ice_total, None, "ice_total stays null");
        assert_eq!(r.total_alone.of(Instrument::Cartox10), Some(total as u8));
        assert!(r.complete);
        assert_eq!(
            r.domains.get(Domain::Encephalopathy).finding.as_deref(),
            Some(format!("CARTOX-10 {total}/10 read on the ICE bands").as_str())
        );
        assert!(
            r.warnings.iter().any(|w| w == CARTOX10_APPROXIMATION),
            "{:?}",
            r.warnings
        );
    }
}

/// Every band (CIBMTR form 4100), and `unable` in each state of
/// consciousness.
#[test]
fn every_ice_band_is_graded_by_its_band() {
    for (band, grade) in [("10", 0), ("7-9", 1), ("3-6", 2), ("0-2", 3)] {
        let r = graded(&format!(
            r#"{{"ice_band": "{band}", "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none"}}"#
        ));
        assert_eq!(r.grade, Some(grade), "band {band}");
        assert_eq!(r.domains.get(Domain::Encephalopathy).grade, Some(grade));
        assert_eq!(r.instrument, Some(Instrument::IceBand));
        assert_eq!(r.ice_total, None);
        assert_eq!(r.ice_band.map(|b| b.as_str()), Some(band));
        assert!(
            !r.warnings.iter().any(|w| w.contains("ICE not done")),
            "{:?}",
            r.warnings
        );
    }
    // unable and unarousable: grade 4 through both domains.
    let r = graded(r#"{"ice_band": "unable", "consciousness": "unarousable"}"#);
    assert_eq!(r.grade, Some(4));
    assert_eq!(r.domains.get(Domain::Encephalopathy).grade, Some(4));
    assert_eq!(r.domains.get(Domain::Consciousness).grade, Some(4));
    // unable while alert: encephalopathy not assessed, with the warning.
    let r = graded(
        r#"{"ice_band": "unable", "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none"}"#,
    );
    assert_eq!(r.grade, Some(0));
    assert!(!r.complete);
    assert_eq!(r.domains.get(Domain::Encephalopathy).status, Status::NotAssessed);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.starts_with("ICE not done, reason not recorded")),
        "{:?}",
        r.warnings
    );
    // unable, unarousable by sedation (excluded): not assessed either.
    let r =
        graded(r#"{"ice_band": "unable", "consciousness": "unarousable", "other_cause": ["consciousness"]}"#);
    assert_eq!(r.domains.get(Domain::Encephalopathy).status, Status::NotAssessed);
    assert_eq!(r.domains.get(Domain::Consciousness).status, Status::Excluded);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.starts_with("ICE not done, reason not recorded")),
        "{:?}",
        r.warnings
    );
    // Not a band.
    assert!(rejected(r#"{"ice_band": "4-6"}"#).starts_with("ice_band: unknown value \"4-6\""));
    assert!(
        rejected(r#"{"cartox10": 11}"#).starts_with("cartox10: 11 is out of range (allowed: an integer 0-10")
    );
}

/// Exactly one instrument: two is an error naming both.
#[test]
fn two_instruments_are_an_error_naming_both() {
    for (record, says) in [
        (
            r#"{"cartox10": 8, "ice_total": 8}"#,
            "cartox10: 8 given together with ICE (ice or ice_total)",
        ),
        (
            r#"{"ice_band": "7-9", "capd": 4}"#,
            "ice_band: \"7-9\" given together with CAPD (capd or capd_items)",
        ),
        (
            r#"{"cartox10": 8, "ice_band": "7-9"}"#,
            "ice_band: \"7-9\" given together with cartox10",
        ),
        (
            r#"{"ice": {"orientation": 4, "naming": 3, "writing": 1, "attention": 1, "commands": 1}, "ice_band": "10"}"#,
            "ice_band: \"10\" given together with ICE (ice or ice_total)",
        ),
    ] {
        let e = rejected(record);
        assert!(e.contains(says), "{record}: {e}");
        assert!(e.contains("exactly one instrument"), "{record}: {e}");
    }
}

/// The rules that speak of the ICE total apply to both: the trend, the
/// unarousable warning, the age warning, the reassessment's words.
#[test]
fn the_ice_total_rules_apply_to_cartox10_and_bands() {
    // A band declines only when its top is below the previous ICE total.
    let r = graded(r#"{"ice_band": "3-6", "previous_ice_total": 8, "consciousness": "alert"}"#);
    assert!(
        r.warnings.iter().any(|w| w == "ICE declining: 8 -> band 3-6"),
        "{:?}",
        r.warnings
    );
    assert_eq!(r.management.reassess_hours, Some(4));
    let r = graded(r#"{"ice_band": "7-9", "previous_ice_total": 9, "consciousness": "alert"}"#);
    assert!(
        !r.warnings.iter().any(|w| w.contains("declining")),
        "{:?}",
        r.warnings
    );
    let r = graded(r#"{"cartox10": 6, "previous_ice_total": 8, "consciousness": "alert"}"#);
    assert!(
        r.warnings
            .iter()
            .any(|w| w == "ICE declining: 8 -> 6 (CARTOX-10)"),
        "{:?}",
        r.warnings
    );
    // Unarousable beside a score that needs an awake patient.
    let r = graded(r#"{"cartox10": 5, "consciousness": "unarousable"}"#);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.starts_with("CARTOX-10 total 5 recorded while consciousness is unarousable"))
    );
    let r = graded(r#"{"ice_band": "3-6", "consciousness": "unarousable"}"#);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.starts_with("ICE band 3-6 recorded while consciousness is unarousable"))
    );
    let r = graded(r#"{"ice_band": "0-2", "consciousness": "unarousable"}"#);
    assert!(
        !r.warnings
            .iter()
            .any(|w| w.contains("recorded while consciousness is unarousable"))
    );
    // Under 12: CAPD is the instrument.
    let r = graded(r#"{"cartox10": 9, "age_years": 9}"#);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.starts_with("CARTOX-10 used at age 9 (under 12)")),
        "{:?}",
        r.warnings
    );
    let r = graded(r#"{"ice_band": "10", "age_years": 9}"#);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.starts_with("ICE used at age 9 (under 12)")),
        "{:?}",
        r.warnings
    );
    // The texts name ICE, the instrument to reassess with.
    let r = graded(r#"{"cartox10": 8, "consciousness": "alert"}"#);
    assert_eq!(r.reassess_by.words(), "ICE");
    assert!(
        r.management.actions.iter().any(|a| a.text.contains("ICE")),
        "{:?}",
        r.management.actions
    );
}

const ECHOED: &str = r#"{"id": "e1", "ice_band": "7-9", "recorded_crs_grade": 2, "recorded_crs_scale": "Lee 2014", "product": "axi-cel", "site": "Site A"}"#;

/// Echoed in every output: NDJSON (the fast writer and serde alike), the
/// pretty JSON, CSV, --fields and the card.
#[test]
fn the_recorded_crs_grade_product_and_site_are_echoed_in_every_output() {
    let ndjson = icans()
        .args(["batch"])
        .write_stdin(format!("{ECHOED}\n"))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&ndjson.stdout).unwrap();
    for (key, want) in [
        ("ice_band", Value::from("7-9")),
        ("recorded_crs_grade", Value::from(2)),
        ("recorded_crs_scale", Value::from("Lee 2014")),
        ("product", Value::from("axi-cel")),
        ("site", Value::from("Site A")),
        ("instrument", Value::from("ice_band")),
        ("ice_total", Value::Null),
        ("grade", Value::from(1)),
    ] {
        assert_eq!(v[key], want, "{key}: {v}");
    }
    let grade = icans()
        .args(["grade", "--format", "json"])
        .write_stdin(ECHOED)
        .output()
        .unwrap();
    let pretty: Value = serde_json::from_slice(&grade.stdout).unwrap();
    assert_eq!(pretty, v, "serde and the fast writer agree");
    let csv = icans()
        .args(["batch", "--output-format", "csv"])
        .write_stdin(format!("{ECHOED}\n"))
        .output()
        .unwrap();
    let mut rows = csv::Reader::from_reader(&csv.stdout[..]);
    let header = rows.headers().unwrap().clone();
    let row = rows.records().next().unwrap().unwrap();
    let cell = |name: &str| {
        row.get(header.iter().position(|h| h == name).unwrap())
            .unwrap()
            .to_string()
    };
    assert_eq!(cell("ice_band"), "7-9");
    assert_eq!(cell("cartox10"), "");
    assert_eq!(cell("recorded_crs_grade"), "2");
    assert_eq!(cell("recorded_crs_scale"), "Lee 2014");
    assert_eq!(cell("product"), "axi-cel");
    assert_eq!(cell("site"), "Site A");
    let fields = icans()
        .args([
            "batch",
            "--fields",
            "id,cartox10,ice_band,product,site,recorded_crs_grade",
        ])
        .write_stdin(format!("{ECHOED}\n"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&fields.stdout),
        "{\"id\":\"e1\",\"cartox10\":null,\"ice_band\":\"7-9\",\"product\":\"axi-cel\",\"site\":\"Site A\",\"recorded_crs_grade\":2}\n"
    );
    let card = icans().args(["grade"]).write_stdin(ECHOED).output().unwrap();
    let card = String::from_utf8_lossy(&card.stdout);
    assert!(
        card.starts_with(
            "record e1 | product axi-cel | site Site A | adult (age not recorded, weight not recorded)\n"
        ),
        "{card}"
    );
    // Flags give them too.
    let out = icans()
        .args([
            "grade",
            "--cartox10",
            "8",
            "--product",
            "tisa-cel",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["cartox10"].clone(), v["product"].clone(), v["grade"].clone()),
        (Value::from(8), Value::from("tisa-cel"), Value::from(1))
    );
}

/// Contract v4 §2, "ICE not performed while awake": `ice_band` "unable"
/// without an unarousable patient (awake, excluded or not recorded) cannot
/// rule ICANS out while the other domains are below grade 3: the headline
/// and summary say so, `examine_now` comes first after any emergency, the
/// reassessment is in 4 h by neurological examination; alone, the grade is
/// null yet the card says "cannot be ruled out", never "not assessed".
#[test]
fn an_ice_not_performed_while_awake_cannot_rule_icans_out() {
    const WORDS: &str =
        "ICANS cannot be ruled out (ICE not performed while awake: global aphasia would be grade 3)";
    let cases: [(&str, Option<u8>, &[&str]); 8] = [
        (
            r#""consciousness": "alert""#,
            Some(0),
            &["examine_now", "ice_screening"],
        ),
        (
            r#""consciousness": "awakens_spontaneously""#,
            Some(1),
            &["examine_now", "ice_monitoring", "supportive_care"],
        ),
        (
            r#""consciousness": "awakens_to_voice""#,
            Some(2),
            &[
                "examine_now",
                "dexamethasone",
                "levetiracetam",
                "neurology_consult",
                "eeg",
            ],
        ),
        ("", None, &["examine_now", "ice_screening"]),
        (
            r#""consciousness": "unarousable", "other_cause": ["consciousness"]"#,
            Some(0),
            &["examine_now", "ice_screening"],
        ),
        (
            r#""seizure": "prolonged_or_repetitive", "other_cause": ["seizure"]"#,
            Some(0),
            &[
                "antiseizure_therapy",
                "airway_protection",
                "examine_now",
                "ice_screening",
                "icu",
            ],
        ),
        // Grade 3 or 4 from the other domains, or the v3 rule: not this rule.
        (r#""consciousness": "awakens_to_tactile""#, Some(3), &[]),
        (r#""consciousness": "unarousable""#, Some(4), &[]),
    ];
    for (more, grade, ids) in cases {
        let json = if more.is_empty() {
            r#"{"age_years": 63, "ice_band": "unable"}"#.to_string()
        } else {
            format!(r#"{{"age_years": 63, "ice_band": "unable", {more}}}"#)
        };
        let r = graded(&json);
        assert_eq!(r.grade, grade, "{json}");
        let card = icans::format::text::card(&r);
        let headline = card.lines().nth(1).unwrap_or_default();
        let rule = !ids.is_empty();
        assert_eq!(r.ice_unable_awake, rule, "{json}");
        if !rule {
            assert!(!action_ids(&r).contains(&"examine_now"), "{json}");
            assert!(!card.contains(WORDS), "{json}");
            continue;
        }
        assert_eq!(action_ids(&r), ids, "{json}");
        assert!(headline.ends_with(WORDS), "{json}: {headline}");
        assert!(!card.contains("ICANS not assessed"), "{json}: {card}");
        assert!(
            r.management.summary.contains(WORDS),
            "{json}: {}",
            r.management.summary
        );
        assert_eq!(r.management.reassess_hours, Some(4), "{json}");
        let examine = &r
            .management
            .actions
            .iter()
            .find(|a| a.id.as_str() == "examine_now")
            .unwrap()
            .text;
        assert_eq!(
            examine,
            "Examine now: if unable to speak or follow commands, record ice_total 0 (grade 3) and treat; if unarousable, grade 4"
        );
        if !more.contains("\"unarousable\"") {
            assert!(
                card.contains("Reassess (neurological examination) in 4 h."),
                "{json}: {card}"
            );
        }
    }
}

/// The ICE bands are stated once (issue 36): each band's totals are a row
/// of the ICE table, its name says them, and its grade is the grade every
/// total in it gets as an ICE total.
#[test]
fn each_ice_band_is_a_row_of_the_ice_table() {
    use icans::grading::criteria::astct_2019::ICE_GRADES;
    use icans::grading::{ASTCT_2019, IceBand};
    let mut rows = Vec::new();
    for band in IceBand::ALL.iter().copied().filter(|b| *b != IceBand::Unable) {
        let (bottom, top) = (band.bottom().unwrap(), band.top().unwrap());
        let name = if bottom == top {
            top.to_string()
        } else {
            format!("{bottom}-{top}")
        };
        assert_eq!(band.as_str(), name);
        for total in bottom..=top {
            assert_eq!(
                ASTCT_2019.ice_grade(total),
                Some(ASTCT_2019.grade(band)),
                "band {name}, ICE {total}"
            );
        }
        rows.push((bottom..=top, ASTCT_2019.grade(band)));
    }
    assert_eq!(
        rows,
        ICE_GRADES.to_vec(),
        "the bands are the ICE table's rows, in order"
    );
    assert_eq!((IceBand::Unable.top(), IceBand::Unable.bottom()), (None, None));
}
