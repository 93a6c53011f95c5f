//! `icans audit` (docs/spec.md §9) on a hand-checked dataset
//! (examples/audit.ndjson): 8 records, 6 with a recorded grade and valid, one
//! of them an incomplete regrade below its recorded grade (indeterminate),
//! one without a recorded grade, one invalid.

mod common;

use common::icans;
use serde_json::{Value, json};

fn audit(args: &[&str]) -> (Option<i32>, Value) {
    let out = icans()
        .args(["audit", "examples/audit.ndjson", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).expect("JSON"),
    )
}

#[test]
fn the_figures_are_those_worked_out_by_hand() {
    let (code, v) = audit(&[]);
    assert_eq!(code, Some(65), "one invalid record");
    assert_eq!(v["compared"], 6);
    assert_eq!(v["indeterminate"], 1);
    assert_eq!(v["without_recorded_grade"], 1);
    assert_eq!(v["invalid"].as_array().unwrap().len(), 1);
    assert_eq!(v["invalid"][0]["line"], 8);
    // Determinate: ids 1, 2, 3, 4, 6; agreeing: 1, 3, 6.
    assert_eq!(v["agreement"]["n"], 3);
    assert_eq!(v["agreement"]["total"], 5);
    assert_eq!(v["agreement"]["percent"], 60.0);
    let ci = v["agreement"]["ci95"].as_array().unwrap();
    // Exact Clopper-Pearson 3/5: 14.663% - 94.726%.
    assert!(
        (ci[0].as_f64().unwrap() - 14.6633).abs() < 1e-3 && (ci[1].as_f64().unwrap() - 94.7255).abs() < 1e-3
    );
    assert_eq!(v["upgraded"], 1);
    assert_eq!(v["downgraded"], 1);
    assert_eq!(v["crossed_grade3"], json!({"up": 1, "down": 0}));
    let mut table = vec![vec![0; 6]; 6];
    table[0][0] = 1;
    table[2][1] = 1;
    table[2][2] = 1;
    table[2][3] = 1;
    table[4][4] = 1;
    assert_eq!(v["table"], json!(table));
    // Quadratic-weighted kappa of that table, and its asymptotic SE, as
    // statsmodels' cohens_kappa(table, wt="quadratic") gives them.
    assert_eq!(v["kappa"]["weights"], "quadratic");
    assert!((v["kappa"]["value"].as_f64().unwrap() - 0.8888888888888888).abs() < 1e-6);
    assert!((v["kappa"]["se"].as_f64().unwrap() - 0.09876543209876368).abs() < 1e-6);
    let kci = v["kappa"]["ci95"].as_array().unwrap();
    assert!((kci[0].as_f64().unwrap() - (0.8888888888888888 - 1.96 * 0.09876543209876368)).abs() < 1e-6);
    let discordant = v["discordant"].as_array().unwrap();
    assert_eq!(discordant.len(), 2);
    assert_eq!(discordant[0]["line"], 2);
    assert_eq!(discordant[0]["recorded"], 2);
    assert_eq!(discordant[0]["regraded"], 1);
    assert_eq!(discordant[0]["patient_id"], "P1");
    assert_eq!(discordant[1]["drivers"], json!(["seizure"]));
    assert_eq!(v["indeterminate_records"][0]["id"], 5);
    assert_eq!(v["patients"]["compared"], 4);
    assert_eq!(v["by_scale"]["CARTOX-10"]["compared"], 2);
    assert_eq!(v["by_scale"]["CTCAE v5"]["agreement"]["n"], 2);
}

#[test]
fn fail_below_kappa_alerts_and_text_and_csv_read() {
    let (code, _) = audit(&["--fail-below-kappa", "0.95"]);
    assert_eq!(code, Some(3));
    let (code, _) = audit(&["--fail-below-kappa", "0.5"]);
    assert_eq!(code, Some(65), "kappa above: the invalid record decides");
    let text = icans().args(["audit", "examples/audit.ndjson"]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Exact agreement    3/5  60.0%"), "{text}");
    assert!(text.contains("Weighted kappa     0.889"), "{text}");
    assert!(text.contains("Recorded grade (rows) by regraded ASTCT 2019 grade (columns)"));
    let csv = icans()
        .args(["audit", "examples/audit.ndjson", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8_lossy(&csv.stdout);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "line,file,id,patient_id,recorded_scale,recorded,regraded,complete,status,drivers,kind,group"
    );
    assert_eq!(lines.len(), 7);
    assert!(
        lines[5].ends_with(",3,1,false,indeterminate,encephalopathy,icans,"),
        "{}",
        lines[5]
    );
}

/// `audit` takes only the flags it uses: no protocol (it shows no
/// management step) and no `--fail-at-grade` (its alert is
/// `--fail-below-kappa`).
#[test]
fn audit_refuses_flags_it_would_ignore() {
    for extra in [&["--fail-at-grade", "3"][..], &["--protocol", "centre.toml"]] {
        let mut args = vec!["audit", "examples/audit.ndjson"];
        args.extend(extra);
        let out = common::icans().args(&args).output().expect("icans runs");
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("unexpected argument '{}'", extra[0])),
            "{err}"
        );
    }
}

/// Presence agreement (contract v3): over every pair of recorded and
/// regraded grades 0-4, in varying numbers, the 2x2 table and n/N counted
/// here by hand from the pairs, apart from the crate.
#[test]
fn presence_agreement_is_counted_from_the_pairs() {
    // The regrade is set by consciousness alone, every other domain 0.
    let levels = [
        "alert",
        "awakens_spontaneously",
        "awakens_to_voice",
        "awakens_to_tactile",
        "unarousable",
    ];
    let mut records = String::new();
    let mut two = [[0u64; 2]; 2];
    let mut n = 0;
    for recorded in 0..5u8 {
        for (regraded, level) in levels.iter().enumerate() {
            for _ in 0..=((recorded as usize + 2 * regraded) % 3) {
                records.push_str(&format!(
                    "{{\"recorded_grade\": {recorded}, \"ice_total\": 10, \"consciousness\": \"{level}\", \"seizure\": \"none\", \"motor\": \"none\", \"edema\": \"none\"}}\n"
                ));
                two[usize::from(recorded >= 1)][usize::from(regraded >= 1)] += 1;
                n += 1;
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pairs.ndjson");
    std::fs::write(&path, records).unwrap();
    let out = icans()
        .args(["audit", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["compared"], n);
    assert_eq!(v["presence"]["table"], json!(two));
    assert_eq!(v["presence"]["n"], two[0][0] + two[1][1]);
    assert_eq!(v["presence"]["total"], n);
    let (low, high) = icans::summary::clopper_pearson(two[0][0] + two[1][1], n).unwrap();
    assert_eq!(v["presence"]["ci95"], json!([100.0 * low, 100.0 * high]));
}

/// `audit --by` (contract v3): every group's figures are exactly those of
/// the audit of that group's records alone (the group "" included), for
/// each field it groups by.
#[test]
fn each_groups_figures_equal_the_audit_of_its_records_alone() {
    let levels = [
        "alert",
        "awakens_spontaneously",
        "awakens_to_voice",
        "awakens_to_tactile",
        "unarousable",
    ];
    let mut all = Vec::new();
    for i in 0..120usize {
        let mut r = json!({
            "patient_id": format!("P{}", i / 4),
            "recorded_grade": (i * 7) % 5,
            "consciousness": levels[(i * 3) % 5],
            "ice_total": 10,
            "seizure": "none", "motor": "none",
        });
        if i % 9 != 0 {
            r["edema"] = json!("none");
        }
        for (field, values) in [
            ("product", ["axi-cel", "tisa-cel", ""]),
            ("site", ["A", "B", "C"]),
            ("recorded_scale", ["CTCAE v5", "Lee 2014", ""]),
        ] {
            let v = values[(i / (1 + field.len() % 3)) % 3];
            if !v.is_empty() {
                r[field] = json!(v);
            }
        }
        all.push(r);
    }
    let run = |args: &[&str], records: &[&Value]| -> Value {
        let input: String = records.iter().map(|r| format!("{r}\n")).collect();
        let out = icans()
            .args(["audit", "--format", "json"])
            .args(args)
            .write_stdin(input)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).expect("JSON")
    };
    let whole: Vec<&Value> = all.iter().collect();
    for (flag, field) in [
        ("product", "product"),
        ("site", "site"),
        ("recorded-scale", "recorded_scale"),
    ] {
        let v = run(&["--by", flag], &whole);
        assert_eq!(v["by"]["field"], field);
        let groups = v["by"]["groups"].as_object().expect("groups");
        assert!(groups.len() >= 2, "{field}: {groups:?}");
        for (value, figures) in groups {
            let subset: Vec<&Value> = all
                .iter()
                .filter(|r| r.get(field).and_then(Value::as_str).unwrap_or("") == value)
                .collect();
            let alone = run(&[], &subset);
            for key in figures.as_object().expect("figures").keys() {
                assert_eq!(figures[key], alone[key], "--by {field}, group {value:?}, {key}");
            }
        }
    }
    assert_eq!(run(&[], &whole)["by"], Value::Null);
}

/// The CRS audit (contract v3): recorded CRS grades against the CRS graded
/// from findings; a given CRS grade or no CRS finding is not regradable;
/// a regrade of 0 only because fever is absent (hypotension or hypoxia
/// graded 2 or more, fever_masked not recorded) below the recorded grade is
/// indeterminate. Every figure below is worked out by hand.
#[test]
fn the_crs_audit_compares_recorded_crs_grades_with_the_findings() {
    let records = [
        // CRS 2 (fever, fluids only): agrees with 2.
        r#"{"id": 1, "recorded_crs_grade": 2, "recorded_crs_scale": "Lee 2014", "temperature_c": 38.6, "hypotension": "fluids_only", "hypoxia": "none"}"#,
        // CRS 3 (one vasopressor): agrees with 3.
        r#"{"id": 2, "recorded_crs_grade": 3, "temperature_c": 39.0, "hypotension": "one_vasopressor", "hypoxia": "low_flow"}"#,
        // Given, not regradable.
        r#"{"id": 3, "recorded_crs_grade": 2, "crs_grade": 2, "consciousness": "alert"}"#,
        // No CRS finding, not regradable.
        r#"{"id": 4, "recorded_crs_grade": 1, "consciousness": "alert"}"#,
        // 0 only for want of fever, below the recorded 3: indeterminate.
        r#"{"id": 5, "recorded_crs_grade": 3, "temperature_c": 37.0, "hypotension": "one_vasopressor", "hypoxia": "none"}"#,
        // CRS 3 (high-flow oxygen) against a recorded 1: upgraded, discordant.
        r#"{"id": 6, "recorded_crs_grade": 1, "temperature_c": 38.5, "hypotension": "none", "hypoxia": "high_flow"}"#,
    ];
    let input: String = records.iter().map(|r| format!("{r}\n")).collect();
    let out = icans()
        .args(["audit", "--format", "json"])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let crs = &v["crs"];
    assert_eq!(crs["compared"], 4);
    assert_eq!(crs["indeterminate"], 1);
    assert_eq!(crs["not_regradable"], 2);
    assert_eq!(
        (crs["agreement"]["n"].clone(), crs["agreement"]["total"].clone()),
        (json!(2), json!(3))
    );
    assert_eq!(crs["upgraded"], 1);
    assert_eq!(crs["downgraded"], 0);
    assert_eq!(crs["crossed_grade3"], json!({"up": 1, "down": 0}));
    assert_eq!(crs["table"][1][3], 1);
    assert_eq!(crs["presence"]["table"], json!([[0, 0], [0, 3]]));
    let discordant = crs["discordant"].as_array().expect("list");
    assert_eq!(discordant.len(), 1);
    assert_eq!(discordant[0]["id"], 6);
    assert_eq!(discordant[0]["drivers"], json!(["hypoxia"]));
    // No recorded ICANS grade anywhere: the ICANS figures compare nothing.
    assert_eq!(v["compared"], 0);
    // Without recorded_crs_grade, crs is null.
    let out = icans()
        .args(["audit", "examples/audit.ndjson", "--format", "json"])
        .output()
        .unwrap();
    let plain: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(plain["crs"], Value::Null);
    // CSV: a kind column.
    let out = icans()
        .args(["audit", "--format", "csv"])
        .write_stdin(input)
        .output()
        .unwrap();
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(
        csv.starts_with(
            "line,file,id,patient_id,recorded_scale,recorded,regraded,complete,status,drivers,kind,group\n"
        ),
        "{csv}"
    );
    assert!(csv.contains("\n6,,6,,,1,3,true,upgraded,hypoxia,crs,\n"), "{csv}");
    assert!(csv.contains("\n5,,5,,,3,0,false,indeterminate,,crs,\n"), "{csv}");
}

/// With `--by`, every CSV row names its group (contract v3: "CSV a group
/// column").
#[test]
fn the_csv_rows_name_their_group() {
    let out = icans()
        .args([
            "audit",
            "examples/registry/export-raw.csv",
            "--map",
            "examples/registry/export-raw.map.toml",
            "--by",
            "product",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    let csv = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].ends_with(",kind,group"), "{csv}");
    assert_eq!(rows.len(), 11, "5 ICANS and 5 CRS rows: {csv}");
    assert!(
        rows[1].starts_with("2,examples/registry/export-raw.csv,r1,101,CARTOX-10,1,1,true,agree,"),
        "{csv}"
    );
    assert!(rows[1].ends_with(",icans,axi-cel"), "{csv}");
    assert!(
        rows.iter().filter(|r| r.ends_with(",tisa-cel")).count() == 4,
        "{csv}"
    );
}

/// Contract v4 §2: a record with a recorded ICANS grade but no ICANS domain
/// assessed cannot be regraded: counted as `not_regradable`, never compared
/// as grade 0; its CRS is still audited.
#[test]
fn a_record_whose_icans_was_not_assessed_is_not_regradable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.ndjson");
    std::fs::write(
        &path,
        "{\"id\": 1, \"recorded_grade\": 2, \"ice_total\": 5, \"consciousness\": \"awakens_to_voice\", \"seizure\": \"none\", \"motor\": \"none\", \"edema\": \"none\"}\n\
         {\"id\": 2, \"recorded_grade\": 3, \"recorded_crs_grade\": 2, \"temperature_c\": 39, \"hypotension\": \"fluids_only\", \"hypoxia\": \"none\"}\n",
    )
    .unwrap();
    let out = icans()
        .args(["audit", path.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["compared"], 1);
    assert_eq!(v["not_regradable"], 1);
    assert_eq!(
        v["table"][3],
        json!([0, 0, 0, 0, 0, 0]),
        "never compared as grade 0"
    );
    assert_eq!(v["crs"]["compared"], 1);
    let text = icans().args(["audit", path.to_str().unwrap()]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("1 not regradable (ICANS not assessed)"),
        "{}",
        String::from_utf8_lossy(&text.stdout)
    );
}

/// Contract v4 §9 (issue 34): records none of which carries a recorded
/// grade printed an empty 6x6 table and exited 0. Now it says so, on
/// standard error and in the text, and exits 65, in every format; one
/// recorded grade (ICANS or CRS) is enough to audit.
#[test]
fn nothing_to_compare_is_said_and_exits_65() {
    let message = "icans: nothing to compare: no record has recorded_grade (or recorded_crs_grade)\n";
    for format in ["text", "json", "csv"] {
        let out = icans()
            .args(["audit", "examples/cohort.ndjson", "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(65), "{format}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), message, "{format}");
        let text = String::from_utf8_lossy(&out.stdout);
        if format == "text" {
            assert!(
                text.contains(
                    "\n  Nothing to compare: no record has recorded_grade (or recorded_crs_grade).\n"
                ),
                "{text}"
            );
            assert!(
                !text.contains("Recorded grade (rows)"),
                "no table of zeros: {text}"
            );
        }
    }
    for record in [
        r#"{"id":1,"seizure":"none","recorded_grade":0}"#,
        r#"{"id":1,"temperature_c":38.5,"hypotension":"none","recorded_crs_grade":1}"#,
    ] {
        let out = icans().args(["audit", "-"]).write_stdin(record).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{record}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
