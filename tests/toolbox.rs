//! Fits the toolbox: JSON Schemas, completions, man page, version in every
//! result, and institutional protocols.

mod common;

use common::icans;

use predicates::prelude::*;
use serde_json::Value;

use icans::format::protocol;
use icans::grading::catalogue::ICE_ITEMS;
use icans::grading::{self, Field, Protocol};

fn schema(which: &str) -> Value {
    let out = icans().args(["schema", which]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn validator(which: &str) -> jsonschema::Validator {
    let s = schema(which);
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&s)
        .unwrap()
}

/// Every record shipped in examples/ (JSON files, NDJSON lines).
fn example_records() -> Vec<Value> {
    let mut records = Vec::new();
    for entry in std::fs::read_dir("examples").unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => records.push(serde_json::from_str(&text).unwrap()),
            Some("ndjson") => records.extend(text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap())),
            _ => {}
        }
    }
    assert!(records.len() >= 10, "{}", records.len());
    records
}

#[test]
fn the_record_schema_names_every_field_and_only_those() {
    let s = schema("record");
    let properties = common::sorted_keys(&s["properties"]);
    let mut fields: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
    fields.sort();
    assert_eq!(properties, fields);
    assert_eq!(s["additionalProperties"], false);
    let ice = &s["properties"]["ice"];
    let items = common::sorted_keys(&ice["properties"]);
    let mut expected: Vec<&str> = ICE_ITEMS.iter().map(|i| i.key).collect();
    expected.sort();
    assert_eq!(items, expected);
    for item in ICE_ITEMS {
        assert_eq!(ice["properties"][item.key]["maximum"], item.max, "{}", item.key);
    }
}

#[test]
fn every_example_record_is_valid_against_the_schema_exactly_when_icans_accepts_it() {
    let v = validator("record");
    for record in example_records() {
        let accepted = common::record(&record.to_string()).is_ok();
        assert_eq!(v.is_valid(&record), accepted, "{record}");
    }
    for bad in [
        r#"{"ice_total": 11}"#,
        r#"{"siezure": "none"}"#,
        r#"{"seizure": "sometimes"}"#,
        r#"{"ice": {"orientation": 5, "naming": 3, "writing": 1, "attention": 1, "commands": 1}}"#,
        r#"{"ice": {"orientation": 4}}"#,
        r#"{"other_cause": ["sedation"]}"#,
        r#"{"assessed_at": "yesterday", "ice_total": 3}"#,
        r#"{"id": 1.5, "ice_total": 3}"#,
    ] {
        let value: Value = serde_json::from_str(bad).unwrap();
        assert!(!v.is_valid(&value), "schema accepts {bad}");
        assert!(common::record(bad).is_err(), "icans accepts {bad}");
    }
}

#[test]
fn real_results_are_valid_against_the_result_schema() {
    let v = validator("result");
    let out = icans()
        .args(["batch", "examples/records.ndjson", "examples/records.csv"])
        .output()
        .unwrap();
    let mut checked = 0;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let result: Value = serde_json::from_str(line).unwrap();
        if result.get("error").is_some() {
            continue;
        }
        let errors: Vec<String> = v.iter_errors(&result).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}: {line}");
        checked += 1;
    }
    assert_eq!(checked, 12);
    for json in [
        r#"{"died_of_icans": true}"#,
        r#"{"consciousness": "unarousable", "ice_total": 4, "age_years": 5}"#,
    ] {
        let r = serde_json::to_value(common::graded(json)).unwrap();
        assert!(v.is_valid(&r), "{r}");
    }
    let mut broken = serde_json::to_value(common::graded(r#"{"ice_total": 4}"#)).unwrap();
    broken["domains"].as_object_mut().unwrap().remove("motor");
    assert!(
        !v.is_valid(&broken),
        "a result without a domain must not validate"
    );
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = icans().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        for word in [
            "icans",
            "grade",
            "batch",
            "assess",
            "fail-at-grade",
            "protocol",
            "allow-unknown-fields",
        ] {
            assert!(text.contains(word), "{shell} completions lack {word}");
        }
    }
    icans().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn the_man_page() {
    let out = icans().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains(".TH icans 1"), "{}", &page[..200]);
    assert!(page.contains("ASTCT 2019"));
    assert!(page.contains("grade"));
}

#[test]
fn every_result_carries_the_version_and_the_protocol() {
    let out = icans()
        .args(["grade", "--format", "json", "--ice-total", "9"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["icans_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["criteria"], "ASTCT 2019");
    assert_eq!(v["protocol"], grading::BUILTIN_NAME);
    icans()
        .args(["grade", "--ice-total", "9"])
        .assert()
        .stdout(predicate::str::contains(format!(
            "icans {}, built-in management protocol.",
            env!("CARGO_PKG_VERSION")
        )));
}

#[test]
fn the_built_in_protocol_file_reads_back_as_the_built_in_protocol() {
    let file = protocol::builtin_file();
    let parsed = protocol::parse(&file).unwrap();
    assert_eq!(parsed.name(), "Centre protocol (edit me)");
    assert_eq!(parsed.intervals, grading::BUILTIN_INTERVALS);
    for json in [
        r#"{"ice_total": 10, "crs_grade": 1}"#,
        r#"{"ice_total": 8, "crs_grade": 1, "hours_since_onset": 30}"#,
        r#"{"ice_total": 4, "crs_grade": 2}"#,
        r#"{"ice_total": 1, "crs_grade": 2, "steroid_refractory": true}"#,
        r#"{"edema": "diffuse", "crs_grade": 4}"#,
    ] {
        let a = common::record(json).unwrap();
        let builtin = grading::grade(&a);
        let from_file = grading::grade_with(&a, &grading::ASTCT_2019, &parsed);
        assert_eq!(builtin.management, from_file.management, "{json}");
    }
    let out = icans().arg("protocol").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), file);
}

fn write_protocol(text: &str) -> tempfile::NamedTempFile {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), text).unwrap();
    f
}

#[test]
fn a_centre_protocol_changes_texts_and_intervals_but_not_rules() {
    let file = protocol::builtin_file()
        .replace(
            "name = \"Centre protocol (edit me)\"",
            "name = \"City Hospital CAR-T v3\"",
        )
        .replace(
            "Corticosteroids: dexamethasone 10 mg IV q6-12h until improvement to grade 1, then taper",
            "Dexamethasone 10 mg IV q6h (unit SOP 4.2)",
        )
        .replace("urgent = 4", "urgent = 2")
        .replace(
            "tocilizumab = \"Tocilizumab {dose} IV over 1 h for the concurrent CRS (treats CRS; does not treat ICANS); may repeat at least 8 h after the previous dose if no improvement; at most 3 doses in 24 h and 4 in total, counting doses already given; caution with repeat doses in ICANS (consider adding corticosteroids)\"",
            "tocilizumab = \"Tocilizumab 8 mg/kg IV for CRS\"",
        );
    let f = write_protocol(&file);
    let path = f.path().to_str().unwrap();
    let out = icans()
        .args([
            "grade",
            "--format",
            "json",
            "--ice-total",
            "5",
            "--age",
            "50",
            "--protocol",
            path,
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["protocol"], "City Hospital CAR-T v3");
    assert_eq!(
        v["management"]["actions"][0],
        serde_json::json!({"id": "dexamethasone", "text": "Dexamethasone 10 mg IV q6h (unit SOP 4.2)"})
    );
    assert_eq!(v["management"]["reassess_hours"], 2);
    let ids = common::json_action_ids(&v);
    assert_eq!(
        ids,
        ["dexamethasone", "levetiracetam", "neurology_consult", "eeg"],
        "tocilizumab only with CRS"
    );
    assert_eq!(v["grade"], 2);

    let with_crs = icans()
        .args([
            "grade",
            "--format",
            "json",
            "--ice-total",
            "5",
            "--crs-grade",
            "1",
            "--protocol",
            path,
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&with_crs.stdout).unwrap();
    assert_eq!(
        v["management"]["actions"][4]["text"],
        "Tocilizumab 8 mg/kg IV for CRS"
    );

    let batch = icans()
        .args(["batch", "examples/records.ndjson", "--protocol", path])
        .output()
        .unwrap();
    let first: Value =
        serde_json::from_str(String::from_utf8_lossy(&batch.stdout).lines().nth(2).unwrap()).unwrap();
    assert_eq!(first["protocol"], "City Hospital CAR-T v3");
    // The age is not recorded there: the adult dose says a child's is
    // weight-based (contract v4 §3).
    assert_eq!(
        first["management"]["actions"][0]["text"],
        "Dexamethasone 10 mg IV q6h (unit SOP 4.2) (if under 18: weight-based dose)"
    );

    icans()
        .args(["grade", "--ice-total", "5", "--protocol", path])
        .assert()
        .stdout(predicate::str::contains(
            "management protocol: City Hospital CAR-T v3.",
        ));
}

#[test]
fn bad_protocols_are_refused_naming_table_key_and_allowed() {
    let builtin = protocol::builtin_file();
    let cases: Vec<(String, &str)> = vec![
        (
            builtin.replace("[grade_2]", "[grade_two]"),
            "grade_two: unknown table or key",
        ),
        (
            builtin.replace("[grade_4]", "[grade_5]"),
            "grade_5: unknown table or key (grade 5 has no management actions)",
        ),
        (
            builtin.replace("[grade_2]", "[grde_2]"),
            "grde_2: unknown table or key (did you mean `grade_2`?)",
        ),
        (
            builtin.replacen("levetiracetam =", "levetiracetum =", 1),
            "grade_2.levetiracetum: not an action of grade 2 (did you mean `levetiracetam`?) (allowed: examine_now, dexamethasone, levetiracetam, neurology_consult, eeg, consider_icu, tocilizumab, confirm_crs)",
        ),
        (
            builtin.replacen("levetiracetam =", "consider_anakinra =", 1),
            "grade_2.consider_anakinra: not an action of grade 2",
        ),
        (
            builtin.replace("eeg = \"EEG monitoring\"", "eeg = 3"),
            "grade_2.eeg: 3 is not a string",
        ),
        (
            builtin.replace("eeg = \"EEG monitoring\"", "eeg = \" \""),
            "grade_2.eeg: empty text",
        ),
        (
            builtin.replace("urgent = 4", "urgent = 0"),
            "reassess_hours.urgent: 0 is out of range (allowed: whole hours 1-168)",
        ),
        (
            builtin.replace("urgent = 4", "urgent = 4.5"),
            "reassess_hours.urgent: 4.5 is not whole hours",
        ),
        (
            builtin.replace("urgent = 4", "urgent = \"4\""),
            "reassess_hours.urgent: \"4\" is not whole hours",
        ),
        (
            builtin.replace("grade_0 = 12", "grade_0 = 900"),
            "reassess_hours.grade_0: 900 is not whole hours (allowed: an integer 1-168)",
        ),
        (
            builtin.replace("urgent = 4", "urgent = 10"),
            "reassess_hours: urgent 10 h, grade_1 8 h, grade_0 12 h are out of order",
        ),
        (
            builtin.replace("urgent = 4", "urgnt = 4"),
            "reassess_hours.urgnt: unknown key (did you mean `urgent`?)",
        ),
        (
            builtin.replace("name = \"Centre protocol (edit me)\"\n", ""),
            "name: missing",
        ),
        (
            builtin.replace("name = \"Centre protocol (edit me)\"", "name = 3"),
            "name: 3 is not a string",
        ),
        (
            "name = \"x\"\n[grade_0]\n[grade_1]\n[grade_2]\n[grade_4]\n".to_string(),
            "grade_3: missing (allowed: a [grade_3] table for every grade 0-4",
        ),
        ("name = [".to_string(), "not valid TOML"),
        // {dose} where no per-kg dose fills it would print "{dose}"
        // (contract §3 v3): refused, naming the entry.
        (
            builtin.replacen(
                "Corticosteroids: dexamethasone 10 mg IV",
                "Corticosteroids: dexamethasone {dose} IV",
                1,
            ),
            "grade_2.dexamethasone: {dose} in the text of an action without a per-kg dose",
        ),
        (
            format!("{builtin}\n[child]\ndexamethasone = \"dexamethasone {{dose}}\"\n"),
            "child.dexamethasone: {dose} in the text of an action without a per-kg dose",
        ),
        (
            format!("{builtin}\n[child.grade_4]\nlevetiracetam = \"levetiracetam {{dose}}\"\n"),
            "child.grade_4.levetiracetam: {dose} in the text of an action without a per-kg dose",
        ),
        // The CRS step's tables (contract v4 §3), each checked the same way.
        (
            "name = \"x\"\n[grade_0]\n[grade_1]\n[grade_2]\n[grade_3]\n[grade_4]\n[crs.grade_2]\nicu = \"ICU\"\n"
                .to_string(),
            "crs.grade_2.icu: not an action of CRS grade 2 (allowed: crs_supportive_care, crs_fluids_oxygen, crs_monitoring, tocilizumab, consider_dexamethasone)",
        ),
        (
            "name = \"x\"\n[grade_0]\n[grade_1]\n[grade_2]\n[grade_3]\n[grade_4]\n[crs.grade_5]\n".to_string(),
            "crs.grade_5: unknown table (did you mean `grade_4`?) (allowed: grade_0, grade_1, grade_2, grade_3, grade_4)",
        ),
        (
            "name = \"x\"\n[grade_0]\n[grade_1]\n[grade_2]\n[grade_3]\n[grade_4]\n[crs.grade_3]\ndexamethasone = \"dex {dose}\"\n"
                .to_string(),
            "crs.grade_3.dexamethasone: {dose} in the text of an action without a per-kg dose",
        ),
        (
            "name = \"x\"\n[grade_0]\n[grade_1]\n[grade_2]\n[grade_3]\n[grade_4]\n[child.crs.grade_3]\ndexamethasone = \"\"\n"
                .to_string(),
            "child.crs.grade_3.dexamethasone: empty text",
        ),
    ];
    for (text, expected) in cases {
        let result = protocol::parse(&text);
        let Err(e) = result else {
            panic!("accepted a bad protocol, expected {expected:?}")
        };
        assert!(e.to_string().starts_with(expected), "{e}\n want: {expected}");
    }
    // An action left out keeps its built-in text.
    let partial = protocol::parse(
        "name = \"p\"\n[grade_0]\n[grade_1]\n[grade_2]\neeg = \"cEEG 24 h\"\n[grade_3]\n[grade_4]\n",
    )
    .unwrap();
    let r = grading::grade_with(
        &common::record(r#"{"ice_total": 4, "age_years": 50}"#).unwrap(),
        &grading::ASTCT_2019,
        &partial,
    );
    assert_eq!(
        r.management.actions[0].text,
        "Corticosteroids: dexamethasone 10 mg IV q6-12h until improvement to grade 1, then taper"
    );
    assert_eq!(r.management.actions[3].text, "cEEG 24 h");
    assert_ne!(partial, Protocol::BUILTIN);

    let f = write_protocol("name = \"x\"\n");
    let out = icans()
        .args([
            "grade",
            "--ice-total",
            "5",
            "--protocol",
            f.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("invalid protocol"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    icans()
        .args(["batch", "--protocol", "/no/such.toml"])
        .write_stdin("")
        .assert()
        .code(74)
        .stderr(predicate::str::contains("cannot read protocol /no/such.toml"));
}

/// Contract v4 §3: a protocol sets the CRS step's texts, `[crs.grade_N]` for
/// adults and `[child.crs.grade_N]` for children (an adult table never
/// serves a child); the corticosteroid both steps share takes the stronger's
/// text from its table with the joint ending; `icans protocol` writes every
/// CRS table, the child ones commented out, and reads back as the built-in.
#[test]
fn a_protocol_sets_the_crs_steps_texts() {
    let builtin = protocol::builtin_file();
    for table in [
        "[crs.grade_0]",
        "[crs.grade_1]",
        "[crs.grade_2]",
        "[crs.grade_3]",
        "[crs.grade_4]",
    ] {
        assert!(builtin.contains(&format!("\n{table}\n")), "{table}");
    }
    assert!(
        builtin.contains("\n# [child.crs.grade_4]\n"),
        "child CRS tables commented out"
    );
    assert!(!builtin.contains("\n[child.crs"), "no live child CRS table");
    let read_back = protocol::parse(&builtin).expect("the starter reads back");
    let crs3 = r#"{"age_years": 50, "weight_kg": 70, "temperature_c": 39, "hypotension": "one_vasopressor", "hypoxia": "none"}"#;
    let same = |json: &str| {
        let a = common::record(json).unwrap();
        assert_eq!(
            grading::grade_with(&a, &grading::ASTCT_2019, &read_back).management,
            grading::grade(&a).management,
            "{json}"
        );
    };
    same(crs3);
    let text = format!(
        "{builtin}\n[child.crs.grade_3]\ndexamethasone = \"Child CRS dexamethasone per unit SOP\"\n"
    )
    .replacen(
        "dexamethasone = \"Corticosteroids for CRS: dexamethasone 10 mg IV q6h, then rapid taper once improved; if refractory, manage as CRS grade 4; strongly consider antifungal prophylaxis while on corticosteroids\"",
        "dexamethasone = \"Dexamethasone 10 mg IV q6h per CRS SOP, then rapid taper once improved\"",
        1,
    );
    let centre = protocol::parse(&text).expect("a valid protocol");
    let dex = |json: &str| {
        let r = grading::grade_with(&common::record(json).unwrap(), &grading::ASTCT_2019, &centre);
        r.management
            .actions
            .iter()
            .find(|a| a.id.as_str() == "dexamethasone")
            .map(|a| a.text.to_string())
    };
    assert_eq!(
        dex(crs3).as_deref(),
        Some("Dexamethasone 10 mg IV q6h per CRS SOP, then rapid taper once improved")
    );
    let child = r#"{"age_years": 8, "weight_kg": 25, "temperature_c": 39, "hypotension": "one_vasopressor", "hypoxia": "none"}"#;
    assert_eq!(
        dex(child).as_deref(),
        Some("Child CRS dexamethasone per unit SOP")
    );
    // ICANS grade 1 persisting with CRS grade 3: the CRS text is the
    // stronger, its one-syndrome taper cut, the joint ending added.
    let both = r#"{"age_years": 50, "ice_total": 8, "hours_since_onset": 30, "temperature_c": 39, "hypotension": "one_vasopressor", "hypoxia": "none"}"#;
    assert_eq!(
        dex(both).as_deref(),
        Some(
            "Dexamethasone 10 mg IV q6h per CRS SOP; strongly consider antifungal prophylaxis while on corticosteroids (for ICANS grade 1 and CRS grade 3; continue until ICANS and CRS are both grade 1 or less, then taper)"
        )
    );
}
