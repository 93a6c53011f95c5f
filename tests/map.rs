//! Site exports through map files (docs/spec.md §8): renames, coded values,
//! checkboxes, missing codes, booleans, values the map lacks, a JSON export,
//! `map init` on the shipped example and `map check`.

mod common;

use std::io::Write as _;

use common::icans;
use serde_json::{Value, json};

const EXPORT: &str = "examples/site-export.csv";
const MAP: &str = "examples/site-export.map.toml";
const FIELDS: &str = "id,patient_id,day,grade,complete,drivers,unassessed,masked,ice_total,patient_group,\
                      crs_grade,crs_drivers,recorded_grade,recorded_scale,error";

fn lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON result per line"))
        .collect()
}

/// `batch FILE --map MAP --fields FIELDS` plus `extra`: (exit, results).
fn batch(file: &str, map: &str, extra: &[&str]) -> (Option<i32>, Vec<Value>) {
    let out = icans()
        .args(["batch", file, "--map", map, "--fields", FIELDS])
        .args(extra)
        .output()
        .unwrap();
    (out.status.code(), lines(&out.stdout))
}

fn temp(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let p = path.display().to_string();
    (dir, p)
}

/// The shipped export, graded by hand from its rows and the shipped map.
fn expected() -> Vec<Value> {
    let row = |id: &str,
               pid: &str,
               day: u32,
               grade: u8,
               complete: bool,
               drivers: Value,
               unassessed: Value,
               masked: Value,
               ice: Value,
               group: &str,
               crs: u8,
               crs_drivers: Value,
               rec: u8,
               scale: &str| {
        json!({"id": id, "patient_id": pid, "day": day, "grade": grade, "complete": complete,
               "drivers": drivers, "unassessed": unassessed, "masked": masked, "ice_total": ice,
               "patient_group": group, "crs_grade": crs, "crs_drivers": crs_drivers,
               "recorded_grade": rec, "recorded_scale": scale, "error": null})
    };
    vec![
        // ICE 4+3+1+1+1 = 10, alert (code 1); 38.4 °C, no hypotension or hypoxia.
        row(
            "101-1",
            "101",
            1,
            0,
            true,
            json!([]),
            json!([]),
            json!([]),
            json!(10),
            "adult",
            1,
            json!(["fever"]),
            0,
            "CTCAE v5",
        ),
        // ICE 3+2+0+0+1 = 6 (grade 2), awakens to voice (code 3, grade 2);
        // one vasopressor (code 2) and low-flow oxygen (code 1): CRS 3.
        row(
            "101-2",
            "101",
            3,
            2,
            true,
            json!(["encephalopathy", "consciousness"]),
            json!([]),
            json!([]),
            json!(6),
            "adult",
            3,
            json!(["hypotension"]),
            2,
            "CTCAE v5",
        ),
        row(
            "101-3",
            "101",
            5,
            0,
            true,
            json!([]),
            json!([]),
            json!([]),
            json!(10),
            "adult",
            0,
            json!([]),
            1,
            "CTCAE v5",
        ),
        // ICE cells UNK (missing): not assessed; unarousable (code 5) under
        // sedation (oc___2 = consciousness): masked; temperature -99 missing.
        row(
            "102-1",
            "102",
            2,
            0,
            false,
            json!([]),
            json!(["encephalopathy"]),
            json!(["consciousness"]),
            Value::Null,
            "adult",
            0,
            json!([]),
            3,
            "CARTOX-10",
        ),
        // ICE 1+1+0+0+0 = 2 (grade 3), rapidly resolving seizure (3), focal
        // oedema (3); fluids only and high-flow oxygen: CRS 3 by hypoxia.
        row(
            "102-2",
            "102",
            4,
            3,
            true,
            json!(["encephalopathy", "seizure", "edema"]),
            json!([]),
            json!([]),
            json!(2),
            "adult",
            3,
            json!(["hypoxia"]),
            3,
            "CARTOX-10",
        ),
        // Age 7, no CAPD: encephalopathy not assessed.
        row(
            "103-1",
            "103",
            1,
            0,
            false,
            json!([]),
            json!(["encephalopathy"]),
            json!([]),
            Value::Null,
            "child",
            0,
            json!([]),
            0,
            "CTCAE v5",
        ),
        // Prolonged seizure, deep focal weakness, diffuse oedema (4);
        // several vasopressors, positive pressure: CRS 4.
        row(
            "104-1",
            "104",
            6,
            4,
            true,
            json!(["seizure", "motor", "edema"]),
            json!([]),
            json!([]),
            json!(3),
            "adult",
            4,
            json!(["hypotension", "hypoxia"]),
            4,
            "CTCAE v5",
        ),
    ]
}

#[test]
fn the_shipped_map_grades_every_row_of_the_shipped_export() {
    let (code, results) = batch(EXPORT, MAP, &["--allow-unknown-fields"]);
    assert_eq!(results, expected());
    assert_eq!(code, Some(0), "every row graded");
    let (code, _) = batch(EXPORT, MAP, &["--allow-unknown-fields", "--fail-at-grade", "4"]);
    assert_eq!(code, Some(3), "104-1 regrades to 4");
}

#[test]
fn without_allow_unknown_fields_the_unmapped_columns_are_named() {
    let out = icans()
        .args(["batch", EXPORT, "--map", MAP, "--fields", "id,error"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(65),
        "every row invalid, each in its place"
    );
    let r = lines(&out.stdout);
    assert_eq!(r.len(), 8, "the header's error, then each row's");
    let header = r[0]["error"].as_str().unwrap();
    assert!(
        header
            .contains("unknown column \"redcap_event_name\" (not in the map examples/site-export.map.toml)")
            && header.contains("unknown column \"comments\"")
            && header.contains("or --allow-unknown-fields"),
        "{header}"
    );
    assert_eq!(r[1]["line"], 2);
}

#[test]
fn a_value_the_map_lacks_names_the_column_the_field_the_value_and_the_map() {
    let (_d, path) = temp("bad.csv", "record_id,loc,sz\nx1,7,0\nx2,1,9\nx3,2,0\n");
    let (code, r) = batch(&path, MAP, &[]);
    assert_eq!(code, Some(65));
    assert_eq!(r.len(), 3, "nothing dropped");
    assert_eq!(r[0]["line"], 2);
    assert_eq!(r[0]["field"], "loc");
    assert_eq!(
        r[0]["error"],
        "loc: consciousness value \"7\" is not in the map examples/site-export.map.toml [values.consciousness] \
         (allowed: 1, 2, 3, 4, 5)"
    );
    assert_eq!(r[1]["line"], 3);
    assert_eq!(
        r[1]["error"],
        "sz: seizure value \"9\" is not in the map examples/site-export.map.toml [values.seizure] (allowed: 0, 1, 2)"
    );
    // The third row is graded: code 2 is awakens spontaneously, grade 1.
    assert_eq!(r[2]["grade"], 1);
    assert_eq!(r[2]["drivers"], json!(["consciousness"]));
}

#[test]
fn checkboxes_name_other_causes_and_a_bad_tick_is_an_error() {
    let (_d, path) = temp(
        "boxes.csv",
        "record_id,loc,oc___1,oc___2,sz\nb1,4,0,1,0\nb2,4,0,0,0\nb3,4,0,maybe,0\nb4,4,,UNK,0\nb5,2,1,0,1\n",
    );
    let (code, r) = batch(&path, MAP, &[]);
    assert_eq!(code, Some(65));
    // Ticked: consciousness masked (awakens to tactile, otherwise grade 3).
    assert_eq!(
        (r[0]["grade"].clone(), r[0]["masked"].clone()),
        (json!(0), json!(["consciousness"]))
    );
    assert_eq!(
        (r[1]["grade"].clone(), r[1]["drivers"].clone()),
        (json!(3), json!(["consciousness"]))
    );
    assert_eq!(r[2]["field"], "oc___2");
    assert_eq!(
        r[2]["error"],
        "oc___2: other_cause consciousness checkbox value \"maybe\" is neither checked nor unchecked in the map \
         examples/site-export.map.toml (allowed: 1, y, yes, true, checked / 0, n, no, false, unchecked)"
    );
    // Missing codes in checkbox cells: unticked.
    assert_eq!(r[3]["grade"], 3);
    // oc___1 = encephalopathy ticked does not touch the seizure (grade 1
    // from awakens spontaneously; the seizure is grade 3).
    assert_eq!(r[4]["grade"], 3);
    assert_eq!(r[4]["drivers"], json!(["seizure"]));
}

#[test]
fn missing_codes_are_not_assessed_and_booleans_use_the_map_spellings() {
    let (_m, map) = temp(
        "m.toml",
        r#"[columns]
id = "rid"
consciousness = "loc"
steroid_refractory = "refr"
hours_since_onset = "hrs"
crs_grade = "crs"
ice_orientation = "orient"
[values.consciousness]
"A" = "alert"
"T" = "awakens_to_tactile"
[missing]
values = ["", "n/a", "?"]
[booleans]
true = ["Oui"]
false = ["Non"]
"#,
    );
    let (_d, path) = temp(
        "b.csv",
        "rid,loc,refr,hrs,crs,orient\nr1,T,Oui,30,0,\nr2,T,Non,30,0,\nr3,n/a,Oui,30,0,\nr4,T,yes,30,0,\nr5,T,Non,30,0,9\n",
    );
    let out = icans()
        .args([
            "batch",
            &path,
            "--map",
            &map,
            "--fields",
            "id,grade,unassessed,actions,error",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    let r = lines(&out.stdout);
    assert_eq!(r.len(), 5);
    assert_eq!(r[0]["grade"], 3);
    // Oui is true: anakinra is considered; Non is false: it is not.
    assert!(
        r[0]["actions"]
            .as_array()
            .unwrap()
            .contains(&json!("consider_anakinra")),
        "{}",
        r[0]
    );
    assert!(
        !r[1]["actions"]
            .as_array()
            .unwrap()
            .contains(&json!("consider_anakinra")),
        "{}",
        r[1]
    );
    assert_eq!(r[0]["actions"], icans_one("awakens_to_tactile", true)["actions"]);
    assert_eq!(r[1]["actions"], icans_one("awakens_to_tactile", false)["actions"]);
    // n/a is a missing code: consciousness not assessed, so no ICANS
    // domain is: with the CRS grade alone, ICANS not assessed (contract v4).
    assert_eq!(r[2]["grade"], Value::Null, "{}", r[2]);
    assert_eq!(r[2]["error"], Value::Null, "{}", r[2]);
    assert_eq!(r[2]["unassessed"].as_array().map(Vec::len), Some(5), "{}", r[2]);
    // "yes" is not a spelling this map allows.
    assert_eq!(r[3]["field"], "refr");
    assert_eq!(
        r[3]["error"],
        format!(
            "refr: steroid_refractory value \"yes\" is neither true nor false in the map {map} (allowed: Oui / Non)"
        )
    );
    // A value out of range names the export's column and the record field.
    assert_eq!(r[4]["field"], "orient");
    let e = r[4]["error"].as_str().unwrap();
    assert!(e.starts_with("orient: ice.orientation "), "{e}");
    assert!(e.contains("9"), "{e}");
}

/// The same finding through the record's own names (no map).
fn icans_one(consciousness: &str, refractory: bool) -> Value {
    let rec = json!({"id": "x", "consciousness": consciousness, "steroid_refractory": refractory,
                     "hours_since_onset": 30, "crs_grade": 0});
    let out = icans()
        .args(["batch", "-", "--fields", "id,grade,actions,error"])
        .write_stdin(format!("{rec}\n"))
        .output()
        .unwrap();
    lines(&out.stdout).remove(0)
}

#[test]
fn a_json_export_through_the_map_grades_as_its_csv() {
    // The shipped CSV as NDJSON objects keyed by the export's columns, with
    // numbers as numbers and missing cells as null.
    let text = std::fs::read_to_string(EXPORT).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header = rows.headers().unwrap().clone();
    let mut ndjson = String::new();
    for row in rows.records() {
        let row = row.unwrap();
        let mut o = serde_json::Map::new();
        for (k, v) in header.iter().zip(row.iter()) {
            let value = if v.is_empty() {
                Value::Null
            } else if k != "record_id" && k != "subject" && v.parse::<f64>().is_ok() {
                serde_json::from_str(v).unwrap()
            } else {
                Value::String(v.into())
            };
            o.insert(k.into(), value);
        }
        ndjson.push_str(&Value::Object(o).to_string());
        ndjson.push('\n');
    }
    let (_d, path) = temp("export.ndjson", &ndjson);
    let (code, results) = batch(&path, MAP, &["--allow-unknown-fields"]);
    assert_eq!(results, expected());
    assert_eq!(code, Some(0));
    // One object through `grade --map` as well.
    let first = ndjson.lines().nth(1).unwrap();
    let out = icans()
        .args([
            "grade",
            "--map",
            MAP,
            "--allow-unknown-fields",
            "--format",
            "json",
        ])
        .write_stdin(first)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["id"].clone(), v["grade"].clone()), (json!("101-2"), json!(2)));
}

#[test]
fn summary_and_audit_take_the_map() {
    let out = icans()
        .args([
            "summary",
            EXPORT,
            "--map",
            MAP,
            "--allow-unknown-fields",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["assessments"], 7, "{v}");
    assert_eq!(v["patients"], 4);
    assert_eq!(
        v["worst_grade_counts"],
        json!({"0": 1, "1": 0, "2": 1, "3": 1, "4": 1, "5": 0})
    );
    let out = icans()
        .args([
            "audit",
            EXPORT,
            "--map",
            MAP,
            "--allow-unknown-fields",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let a: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(a["compared"], 7);
    assert_eq!(a["indeterminate"], 1, "102-1: lower bound 0 below recorded 3");
    assert_eq!(
        (a["agreement"]["n"].clone(), a["agreement"]["total"].clone()),
        (json!(5), json!(6))
    );
    assert_eq!(a["downgraded"], 1);
    assert_eq!(a["upgraded"], 0);
    assert_eq!(a["discordant"][0]["id"], "101-3");
}

/// `map init` on the shipped export, its `"?"` filled in from the shipped
/// map, grades the export exactly as the shipped map does.
#[test]
fn the_starter_map_once_filled_in_grades_the_example() {
    let out = icans().args(["map", "init", EXPORT]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let starter = String::from_utf8(out.stdout).unwrap();
    // Exact matches (a field's name, a synonym) are live; a match by
    // likeness alone is a comment with its confidence (contract v4 §8).
    for line in [
        "id = \"record_id\"",
        "consciousness = \"loc\"",
        "recorded_grade = \"icans_grade\"",
        "temperature_c = \"temp_max\"",
        "# ice_orientation = \"ice_orient\"   # confidence 0.93: check, or leave out",
        "# motor = \"motor_wk\"   # confidence 0.93: check, or leave out",
    ] {
        assert!(
            starter.lines().any(|l| l == line),
            "{line} missing from\n{starter}"
        );
    }
    assert!(starter.contains("# ? = \"comments\""), "{starter}");
    assert!(starter.contains("[values.consciousness]"), "{starter}");
    assert!(starter.contains("\"oc___2\" = \"?\""), "{starter}");
    // Before filling: map check lists the "?" and exits 65; grading refuses.
    let (_s, starter_path) = temp("starter.toml", &starter);
    let out = icans()
        .args(["map", "check", &starter_path, EXPORT, "--allow-unknown-fields"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("26 entries still \"?\""), "{report}");
    assert!(report.contains("values.consciousness.\"5\""), "{report}");
    let out = icans()
        .args(["batch", EXPORT, "--map", &starter_path, "--allow-unknown-fields"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("still \"?\""));

    // Fill each "?" with the shipped map's answer for the same table and
    // key, and take each commented line the shipped map has (its column
    // then out of [ignore]), as a person checking the starter would.
    let shipped: toml::Table = std::fs::read_to_string(MAP).unwrap().parse().unwrap();
    let mut table = String::new();
    let mut filled = String::new();
    let mut taken: Vec<String> = Vec::new();
    let lines: Vec<String> = starter
        .lines()
        .map(|line| {
            let Some((field, rest)) = line.strip_prefix("# ").and_then(|l| l.split_once(" = \"")) else {
                return line.to_string();
            };
            let column = rest.split('"').next().unwrap_or_default();
            if shipped["columns"].get(field).and_then(|v| v.as_str()) == Some(column) {
                taken.push(format!("\"{column}\""));
                return format!("{field} = \"{column}\"");
            }
            line.to_string()
        })
        .collect();
    let starter: String = lines
        .into_iter()
        .map(|line| match line.strip_prefix("columns = [") {
            Some(list) => {
                let kept: Vec<&str> = list
                    .trim_end_matches(']')
                    .split(", ")
                    .filter(|c| !taken.iter().any(|t| t == c))
                    .collect();
                format!("columns = [{}]", kept.join(", "))
            }
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(taken.len(), 6, "the five ICE items and motor: {taken:?}");
    for line in starter.lines() {
        if line.starts_with('[') {
            table = line
                .split(']')
                .next()
                .unwrap()
                .trim_start_matches('[')
                .to_string();
        }
        let out = match line.split_once(" = \"?\"") {
            Some((key, _)) => {
                let key: String = key.trim_matches('"').to_string();
                let mut v = &toml::Value::Table(shipped.clone());
                for part in table.split('.') {
                    v = &v[part];
                }
                format!("\"{key}\" = \"{}\"", v[key.as_str()].as_str().unwrap())
            }
            None => line.to_string(),
        };
        filled.push_str(&out);
        filled.push('\n');
    }
    let (_f, filled_path) = temp("filled.toml", &filled);
    let out = icans()
        .args(["map", "check", &filled_path, EXPORT, "--allow-unknown-fields"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let (code, results) = batch(EXPORT, &filled_path, &["--allow-unknown-fields"]);
    assert_eq!(results, expected());
    assert_eq!(code, Some(0));
}

#[test]
fn map_check_reports_unmapped_columns_unfed_fields_and_values_the_map_lacks() {
    let out = icans().args(["map", "check", MAP, EXPORT]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(65),
        "unmapped columns without --allow-unknown-fields"
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains(
            "Unmapped columns (2; unknown fields unless --allow-unknown-fields): redcap_event_name, comments"
        ),
        "{report}"
    );
    assert!(
        report.contains("Fields no column feeds: assessed_at, weight_kg"),
        "{report}"
    );
    let out = icans()
        .args(["map", "check", MAP, EXPORT, "--allow-unknown-fields"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("Every record can be graded as mapped (batch exits 0, or 3 at an alert).")
    );

    let (_d, path) = temp("new.csv", "record_id,loc,sz\na,1,0\nb,6,0\nc,6,0\nd,1,3\n");
    let out = icans().args(["map", "check", MAP, &path]).output().unwrap();
    assert_eq!(out.status.code(), Some(65));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains(
            "loc (consciousness): \"6\", 2 record(s), first at line 3: add it to [values.consciousness]"
        ),
        "{report}"
    );
    assert!(
        report.contains("sz (seizure): \"3\", 1 record(s), first at line 5"),
        "{report}"
    );
    assert!(
        report.contains("cannot be graded as mapped (exit 65)"),
        "{report}"
    );
}

#[test]
fn a_wrong_map_is_a_usage_error_naming_the_entry() {
    for (text, says) in [
        (
            "[columns]\nconciousness = \"loc\"\n",
            "columns.conciousness: not a record field (did you mean `consciousness`?)",
        ),
        (
            "[values.consciousness]\n\"1\" = \"awake\"\n",
            "\"awake\" is not a consciousness value",
        ),
        (
            "[checkboxes.other_cause]\n\"oc___1\" = \"sedation\"\n",
            "\"sedation\" is not a domain",
        ),
        ("[colums]\n", "colums: unknown table"),
        (
            "[columns]\nid = \"rid\"\nconsciousness = \"rid\"\n",
            "columns.id: column \"rid\" already feeds consciousness (allowed: one field per export column)",
        ),
        (
            "[columns]\nconsciousness = \"loc\"\n[checkboxes.other_cause]\n\"loc\" = \"seizure\"\n",
            "checkboxes.other_cause.loc: column \"loc\" already feeds consciousness in [columns]",
        ),
    ] {
        let (_d, map) = temp("w.toml", text);
        let out = icans().args(["batch", EXPORT, "--map", &map]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{text}: {err}");
    }
}

#[test]
fn an_export_map_tools_cannot_read_says_why() {
    let (_a, array) = temp("arr.json", "[{\"loc\": 1}, {\"loc\": 2}]\n");
    let (_b, binary) = temp("bin.csv", "\u{0}\u{1}ok\n\u{ff}");
    // A JSON array is read as batch reads it.
    let out = icans().args(["map", "init", array.as_str()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("consciousness = \"loc\""));
    let (_c, scalars) = temp("scalars.ndjson", "7\n\"x\"\n");
    for (args, code, says) in [
        (vec!["map", "init", scalars.as_str()], 65, "no record read"),
        (
            vec!["map", "init", "no-such-export.csv"],
            74,
            "cannot read no-such-export.csv",
        ),
    ] {
        let out = icans().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: no starter or report");
    }
    std::fs::write(&binary, b"\xff\xfe,\x00\n\x01,\x02\n").unwrap();
    let out = icans().args(["map", "init", &binary]).output().unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid UTF-8"));
}

/// `map check` sees every value of a coded column, however many distinct
/// ones there are (the starter samples only the first 30 of each column).
#[test]
fn map_check_sees_every_value_of_a_coded_column() {
    let mut csv = String::from("record_id,loc\n");
    for (i, code) in ["1", "2", "3", "4", "5"].iter().enumerate() {
        csv.push_str(&format!("r{i},{code}\n"));
    }
    for i in 1..=35 {
        csv.push_str(&format!("c{i},c{i:02}\n"));
    }
    let (_d, path) = temp("many.csv", &csv);
    let out = icans().args(["map", "check", MAP, &path]).output().unwrap();
    assert_eq!(out.status.code(), Some(65));
    let report = String::from_utf8_lossy(&out.stdout);
    for i in 1..=35 {
        let line = format!(
            "loc (consciousness): \"c{i:02}\", 1 record(s), first at line {}",
            i + 6
        );
        assert!(report.contains(&line), "{line} missing from\n{report}");
    }
    let out = icans().args(["map", "init", &path]).output().unwrap();
    let starter = String::from_utf8_lossy(&out.stdout);
    assert!(
        starter.contains(
            "# \"loc\" has more than 30 distinct values: the first 30 are listed; map check lists the others"
        ),
        "{starter}"
    );
    assert_eq!(
        starter.lines().filter(|l| l.starts_with("\"c")).count(),
        25,
        "{starter}"
    );
}

/// Memory stays bounded whatever the export: a coded column keeps only the
/// values the map lacks, the first 1,000 distinct ones listed and the rest
/// counted; the export then cannot be graded as mapped.
#[test]
fn map_check_lists_the_first_thousand_values_a_coded_column_lacks_and_counts_the_rest() {
    let mut csv = String::from("record_id,loc\n");
    for i in 0..3000 {
        // Every third row a code the map knows, the others all different.
        let cell = if i % 3 == 0 {
            "2".to_string()
        } else {
            format!("x{i}")
        };
        csv.push_str(&format!("r{i},{cell}\n"));
    }
    let (_d, path) = temp("huge.csv", &csv);
    let out = icans().args(["map", "check", MAP, &path]).output().unwrap();
    assert_eq!(out.status.code(), Some(65));
    let report = String::from_utf8_lossy(&out.stdout);
    let listed = report
        .lines()
        .filter(|l| l.contains("loc (consciousness): \"x"))
        .count();
    assert_eq!(listed, 1000, "{report}");
    // 2,000 lacking cells, 1,000 of them listed (the report's lines are
    // wrapped at 100 columns).
    let words = report.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(report.lines().all(|l| l.chars().count() <= 100), "{report}");
    assert!(
        words.contains(
            "loc: 1000 more record(s) with values not in the map, past the first 1000 distinct ones listed (is the column coded?)"
        ),
        "{report}"
    );
    assert!(
        report.contains("loc (consciousness): \"x1\", 1 record(s), first at line 3"),
        "{report}"
    );
    assert!(!report.contains("\"2\""), "a code the map knows is not listed");
    assert!(report.contains("The export cannot be graded as mapped (exit 65)."));
}

/// The defects: `map check` said "can be graded" (exit 0) when `batch` with
/// the map refused rows: a checkbox cell of `2`, a boolean holding `38.4`, a
/// semicolon-delimited or header-less export, a code equal to a missing
/// code. Over generated maps and exports, `map check` exits 0 exactly when
/// `batch --map` exits 0 or 3.
mod check_predicts_batch {
    use super::*;
    use proptest::prelude::*;

    /// A cell of each column: valid codes, codes the map may lack, missing
    /// codes, booleans and junk.
    fn cell() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "1", "2", "5", "0", "", "-99", "NA", "y", "38.4", "x;y", "café",
        ])
    }

    fn export() -> impl Strategy<Value = String> {
        (
            prop::sample::select(vec![",", ";"]),
            any::<bool>(),
            prop::collection::vec(prop::collection::vec(cell(), 5), 1..6),
        )
            .prop_map(|(sep, header, rows)| {
                let mut out = String::new();
                if header {
                    out.push_str(&["rid", "loc", "sz", "oc___2", "refractory"].join(sep));
                    out.push('\n');
                }
                for r in rows {
                    let cells: Vec<String> = r.iter().map(|c| format!("\"{c}\"")).collect();
                    out.push_str(&cells.join(sep));
                    out.push('\n');
                }
                out
            })
    }

    fn map() -> impl Strategy<Value = String> {
        (
            prop::sample::select(vec!["loc", "LOC", "lo\u{200b}c"]),
            prop::collection::vec(prop::sample::select(vec!["1", "2", "5", "0"]), 0..4),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(loc, codes, missing, checkbox)| {
                let mut m = format!("[columns]\nid = \"rid\"\nconsciousness = \"{loc}\"\nseizure = \"sz\"\nsteroid_refractory = \"refractory\"\n");
                m.push_str("[values.consciousness]\n");
                let mut seen = std::collections::BTreeSet::new();
                for (i, c) in codes.iter().enumerate() {
                    if seen.insert(*c) {
                        let v = ["alert", "awakens_to_voice", "unarousable", "awakens_spontaneously"][i % 4];
                        m.push_str(&format!("\"{c}\" = \"{v}\"\n"));
                    }
                }
                m.push_str("[values.seizure]\n\"0\" = \"none\"\n\"1\" = \"rapidly_resolving\"\n");
                if checkbox {
                    m.push_str("[checkboxes.other_cause]\n\"oc___2\" = \"consciousness\"\n");
                }
                if missing {
                    m.push_str("[missing]\nvalues = [\"\", \"NA\", \"-99\"]\n");
                }
                m
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn map_check_exits_0_exactly_when_batch_grades_every_record(
            export in export(),
            map in map(),
            allow_unknown in any::<bool>(),
        ) {
            let (_d, map_path) = temp("m.toml", &map);
            let (_e, export_path) = temp("e.csv", &export);
            let extra: &[&str] = if allow_unknown { &["--allow-unknown-fields"] } else { &[] };
            // With --allow-missing-columns check predicts batch exactly;
            // without it, a mapped column the export lacks is 65 as well
            // (the one case where check is stricter, contract v4 §10).
            let run_check = |more: &[&str]| {
                icans().args(["map", "check", &map_path, &export_path]).args(extra).args(more).output().unwrap()
            };
            let batch_run = icans()
                .args(["batch", &export_path, "--map", &map_path, "--fields", FIELDS])
                .args(extra)
                .output()
                .unwrap();
            let batch = batch_run.status.code();
            let batch_err = String::from_utf8_lossy(&batch_run.stderr).into_owned();
            let predicted = run_check(&["--allow-missing-columns"]).status.code();
            prop_assert_eq!(
                predicted == Some(0),
                matches!(batch, Some(0) | Some(3)),
                "check {:?}, batch {:?}\nmap:\n{}\nexport:\n{}", predicted, batch, map, export
            );
            let strict = run_check(&[]);
            let absent = batch_err.contains("is not in the export");
            prop_assert_eq!(
                strict.status.code() == Some(0),
                predicted == Some(0) && !absent,
                "strict check {:?}, batch said {}", strict.status.code(), batch_err
            );
        }
    }
}

/// The defect: with `--map` on NDJSON a repeated key silently won
/// (`{"loc":5,"sz":2,"sz":0,"loc":1}` graded 0, exit 0).
#[test]
fn a_repeated_key_under_a_map_is_an_error_as_without_one() {
    let (_m, map) = temp(
        "m.toml",
        "[columns]\nconsciousness = \"loc\"\nseizure = \"sz\"\n[values.consciousness]\n\"1\" = \"alert\"\n\"5\" = \"unarousable\"\n[values.seizure]\n\"0\" = \"none\"\n\"2\" = \"prolonged_or_repetitive\"\n",
    );
    for record in [
        "{\"loc\":5,\"sz\":2,\"sz\":0,\"loc\":1}",
        "{\"loc\":1,\"ice\":{\"naming\":3,\"naming\":2}}",
    ] {
        let (_e, export) = temp("e.ndjson", &format!("{record}\n"));
        let out = icans().args(["batch", &export, "--map", &map]).output().unwrap();
        assert_eq!(out.status.code(), Some(65), "{record}");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(
            v["error"]
                .as_str()
                .unwrap_or_default()
                .contains("given more than once"),
            "{v}"
        );
    }
}

/// The defects: a `[values.F]` code that is also a `[missing]` code was
/// read as missing (and `map check` exited 0); a spelling both true and
/// false, `[checkboxes.seizure]` and `[missing] value = [...]` were
/// accepted. Each is refused when the map is read, naming the entry.
#[test]
fn a_map_that_contradicts_itself_is_refused_naming_the_entry() {
    for (text, says) in [
        (
            "[values.seizure]\n\"-99\" = \"prolonged_or_repetitive\"\n[missing]\nvalues = [\"\", \"-99\"]\n",
            "values.seizure.\"-99\": \"-99\" is also a [missing] value",
        ),
        (
            "[booleans]\ntrue = [\"1\", \"Y\"]\nfalse = [\"0\", \"y\"]\n",
            "booleans: \"Y\" is both true and false",
        ),
        (
            "[checkboxes.seizure]\n\"a\" = \"none\"\n",
            "checkboxes.seizure: checkboxes name only other_cause domains",
        ),
        (
            "[missing]\nvalue = [\"-99\"]\n",
            "missing.value: unknown key (did you mean `values`?)",
        ),
        ("[booleans]\nyes = [\"1\"]\n", "booleans.yes: unknown key"),
    ] {
        let (_d, map) = temp("w.toml", text);
        for args in [
            vec!["batch", EXPORT, "--map", &map],
            vec!["map", "check", &map, EXPORT],
        ] {
            let out = icans().args(&args).output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{args:?} {text}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(says), "{text}: {err}");
        }
    }
}

/// The defect: with 200,000 codes every "value not in the map" error
/// listed every code (8.9 MB per error line).
#[test]
fn an_error_lists_a_bounded_number_of_codes() {
    let mut text = String::from("[columns]\nconsciousness = \"loc\"\n[values.consciousness]\n");
    for i in 0..5_000 {
        text.push_str(&format!("\"c{i}\" = \"alert\"\n"));
    }
    let (_m, map) = temp("big.toml", &text);
    let (_e, export) = temp("e.csv", "loc\nnope\n");
    let out = icans().args(["batch", &export, "--map", &map]).output().unwrap();
    assert_eq!(out.status.code(), Some(65));
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(line.len() < 1_000, "{} bytes", line.len());
    assert!(line.contains("and 4980 more"), "{line}");
}

/// `[ignore]` (contract v3): columns that feed nothing, without
/// `--allow-unknown-fields`; their bytes are never read.
#[test]
fn ignored_columns_feed_nothing_and_need_no_flag() {
    let (_m, map) = temp(
        "m.toml",
        "[columns]\nconsciousness = \"loc\"\n[values.consciousness]\n\"1\" = \"alert\"\n[ignore]\ncolumns = [\"redcap_event_name\", \"comments\"]\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("e.csv");
    std::fs::write(
        &export,
        b"loc,redcap_event_name,comments\n1,day_1_arm_1,caf\xe9\n",
    )
    .unwrap();
    let export = export.display().to_string();
    let out = icans()
        .args(["batch", &export, "--map", &map, "--fields", "grade"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{\"grade\":0}\n");
    let out = icans().args(["map", "check", &map, &export]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("Every column is mapped."), "{report}");
    assert!(!report.contains("Unmapped columns"), "{report}");
    // A column ignored and mapped at once says two things.
    let (_n, both) = temp(
        "b.toml",
        "[columns]\nconsciousness = \"loc\"\n[ignore]\ncolumns = [\"loc\"]\n",
    );
    let out = icans().args(["batch", &export, "--map", &both]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("ignore.columns: column \"loc\" also feeds consciousness in [columns]")
    );
}

/// `[dates]` (contract v3): `day` from a visit date and the infusion date
/// (ISO, date-times by their date, named formats), `assessed_at` from a
/// date-time with its zone; bad dates and visits before the infusion are
/// errors naming the column and the value.
#[test]
fn dates_become_the_day_since_infusion() {
    let (_m, map) = temp(
        "m.toml",
        "[columns]\nid = \"rid\"\nconsciousness = \"loc\"\n[values.consciousness]\n\"1\" = \"alert\"\n\
         [dates]\nday = [\"visit\", \"infused\"]\nassessed_at = [\"at\"]\nformats = [\"%d/%m/%Y\"]\n",
    );
    let rows = [
        ("a", "2024-03-02", "2024-03-01", "", Ok(1)),
        ("leap", "2024-03-01", "2024-02-28", "", Ok(2)),
        ("leap-day", "2024-02-29", "2024-02-29", "", Ok(0)),
        ("format", "04/03/2024", "01/03/2024", "", Ok(3)),
        ("datetime", "2024-03-05T23:30:00-05:00", "2024-03-01", "", Ok(4)),
        (
            "before",
            "2024-02-28",
            "2024-03-01",
            "",
            Err(
                "visit: \"2024-02-28\" is before the infusion date \"2024-03-01\" (infused): day would be -2",
            ),
        ),
        (
            "no-such-day",
            "2023-02-29",
            "2023-02-01",
            "",
            Err("visit: \"2023-02-29\" is not a date (for day)"),
        ),
        (
            "dst-gap",
            "2024-03-31",
            "2024-03-01",
            "2024-03-31T02:30:00",
            Err(
                "at: \"2024-03-31T02:30:00\" does not exist in local time (a daylight-saving change) (for assessed_at)",
            ),
        ),
        (
            "dst-twice",
            "2024-10-27",
            "2024-10-01",
            "2024-10-27T02:30:00",
            Err(
                "at: \"2024-10-27T02:30:00\" is ambiguous in local time (a daylight-saving change) (for assessed_at)",
            ),
        ),
    ];
    let mut text = String::from("rid,visit,infused,at,loc\n");
    for (id, visit, infused, at, _) in &rows {
        text.push_str(&format!("{id},{visit},{infused},{at},1\n"));
    }
    let (_e, export) = temp("e.csv", &text);
    // A date-time without a zone is read as local time: the machine's
    // zone, here set for the test.
    let out = icans()
        .args(["batch", &export, "--map", &map, "--fields", "id,day,error"])
        .env("TZ", "Europe/Berlin")
        .output()
        .unwrap();
    let got = lines(&out.stdout);
    assert_eq!(got.len(), rows.len());
    for ((id, _, _, _, want), v) in rows.iter().zip(&got) {
        match want {
            Ok(day) => assert_eq!(
                (v["id"].clone(), v["day"].clone()),
                (json!(id), json!(day)),
                "{v}"
            ),
            Err(says) => assert!(
                v["error"].as_str().unwrap_or_default().starts_with(says),
                "{id}: {v}"
            ),
        }
    }
    let (_t, timed) = temp(
        "t.csv",
        "rid,visit,infused,at,loc\nt,2024-03-02,2024-03-01,2024-03-02T08:00:00+01:00,1\n\
         u,2024-07-02,2024-07-01,2024-07-02T08:00:00,1\nv,2024-07-02,2024-07-01,02/07/2024,1\n",
    );
    let out = icans()
        .args([
            "batch",
            &timed,
            "--map",
            &map,
            "--fields",
            "day,assessed_at,error",
        ])
        .env("TZ", "America/New_York")
        .output()
        .unwrap();
    let got = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = got.lines().collect();
    assert_eq!(
        rows[0],
        "{\"day\":1,\"assessed_at\":\"2024-03-02T08:00:00+01:00\",\"error\":null}"
    );
    // Without a zone: local time, New York's summer offset here.
    assert_eq!(
        rows[1],
        "{\"day\":1,\"assessed_at\":\"2024-07-02T08:00:00-04:00\",\"error\":null}"
    );
    // A date alone is no date-time.
    assert!(
        rows[2].contains("02/07/2024") && rows[2].contains("is not a date-time (for assessed_at)"),
        "{got}"
    );
    for (text, says) in [
        ("[dates]\nday = [\"visit\"]\n", "dates.day: 1 column(s)"),
        ("[dates]\ndays = [\"a\", \"b\"]\n", "dates.days: unknown key"),
        (
            "[columns]\nday = \"visit\"\n[dates]\nday = [\"visit\", \"infused\"]\n",
            "dates: column \"visit\" also feeds day in [columns]",
        ),
    ] {
        let (_d, bad) = temp("bad.toml", text);
        let out = icans().args(["batch", &export, "--map", &bad]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{text}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The registry example (contract v3): a REDCap raw export and its data
/// dictionary become a map with nothing left to fill (every coded value
/// through its label, the checkboxes' domains, the dates, the columns that
/// feed nothing), which `map check` accepts without --allow-unknown-fields;
/// the grades are those worked out by hand from the rows. A label export
/// without the dictionary is matched by its labels, only the checkboxes'
/// domains (which no label says) left as "?".
#[test]
fn a_redcap_raw_export_and_its_dictionary_become_a_map() {
    let dir = tempfile::tempdir().unwrap();
    let out = icans()
        .args([
            "map",
            "init",
            "examples/registry/export-raw.csv",
            "--dictionary",
            "examples/registry/dictionary.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let starter = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!starter.lines().any(|l| l.contains("= \"?\"")), "{starter}");
    assert_eq!(
        starter,
        std::fs::read_to_string("examples/registry/export-raw.map.toml").unwrap(),
        "the shipped map is the starter as written"
    );
    let map = dir.path().join("raw.toml");
    std::fs::write(&map, &starter).unwrap();
    let map = map.display().to_string();
    let out = icans()
        .args(["map", "check", &map, "examples/registry/export-raw.csv"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let (code, results) = {
        let out = icans()
            .args([
                "batch",
                "examples/registry/export-raw.csv",
                "--map",
                &map,
                "--fields",
                "id,product,day,instrument,grade,masked,crs_grade,recorded_grade,recorded_crs_grade",
            ])
            .output()
            .unwrap();
        (out.status.code(), lines(&out.stdout))
    };
    assert_eq!(code, Some(0));
    // By hand: r1 CARTOX-10 8 -> 1; CRS fever + fluids -> 2. r2 CARTOX-10 4
    // and awakens to voice -> 2; CRS one vasopressor -> 3. r3 band 7-9 -> 1;
    // no fever -> CRS 0. r4 band unable, unarousable but attributed to
    // another cause: excluded, masked, grade 0; CRS high flow -> 3. r5
    // CARTOX-10 10 but a rapidly resolving seizure -> 3; CRS 0.
    let expected = [
        ("r1", "axi-cel", 1, "cartox10", 1, json!([]), 2, 1, 1),
        ("r2", "axi-cel", 3, "cartox10", 2, json!([]), 3, 2, 3),
        ("r3", "tisa-cel", 1, "ice_band", 1, json!([]), 0, 1, 0),
        (
            "r4",
            "tisa-cel",
            5,
            "ice_band",
            0,
            json!(["consciousness"]),
            3,
            3,
            2,
        ),
        ("r5", "axi-cel", 2, "cartox10", 3, json!([]), 0, 3, 0),
    ];
    assert_eq!(results.len(), expected.len());
    for (v, (id, product, day, instrument, grade, masked, crs, rec, rec_crs)) in results.iter().zip(expected)
    {
        assert_eq!(
            v,
            &json!({"id": id, "product": product, "day": day, "instrument": instrument, "grade": grade,
                    "masked": masked, "crs_grade": crs, "recorded_grade": rec, "recorded_crs_grade": rec_crs}),
        );
    }
    // The label export, without the dictionary.
    let out = icans()
        .args(["map", "init", "examples/registry/export-labels.csv"])
        .output()
        .unwrap();
    let starter = String::from_utf8_lossy(&out.stdout);
    assert!(
        starter.contains("\"Awakens to voice\" = \"awakens_to_voice\""),
        "{starter}"
    );
    assert!(starter.contains("\"Fluids only\" = \"fluids_only\""), "{starter}");
    assert!(starter.contains("\"Unable\" = \"unable\""), "{starter}");
    let unknown: Vec<&str> = starter.lines().filter(|l| l.ends_with("= \"?\"")).collect();
    assert_eq!(unknown, ["\"oc___1\" = \"?\"", "\"oc___2\" = \"?\""], "{starter}");
}

/// Contract v4 §10: a mapped column the export lacks. `batch --map` grades
/// every row with its field not assessed and warns on standard error, once
/// per run however many chunks ("column loc200b (consciousness) is not in
/// the export: left not assessed"); `map check` exits 65 for it unless
/// `--allow-missing-columns`.
#[test]
fn a_mapped_column_the_export_lacks_is_warned_and_checked() {
    let (_m, map) = temp(
        "m.toml",
        "[columns]\nid = \"rid\"\nconsciousness = \"loc200b\"\nice_total = \"ice\"\n[checkboxes.other_cause]\n\"oc___9\" = \"seizure\"\n",
    );
    let mut rows = String::from("rid,ice\n");
    for i in 0..1300 {
        rows.push_str(&format!("r{i},{}\n", i % 11));
    }
    let (_d, path) = temp("export.csv", &rows);
    let out = icans()
        .args([
            "batch",
            &path,
            "--map",
            &map,
            "--fields",
            "id,consciousness_status",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        "icans: column loc200b (consciousness) is not in the export: left not assessed\n\
         icans: column oc___9 (other_cause) is not in the export: never names seizure\n",
        "once each, for 1,300 rows in three chunks"
    );
    let results = lines(&out.stdout);
    assert_eq!(results.len(), 1300);
    assert!(
        results
            .iter()
            .all(|r| r["consciousness_status"] == "not_assessed")
    );
    let check = icans().args(["map", "check", &map, &path]).output().unwrap();
    assert_eq!(
        check.status.code(),
        Some(65),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("Mapped column \"loc200b\" is not in the export"),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let allowed = icans()
        .args(["map", "check", &map, &path, "--allow-missing-columns"])
        .output()
        .unwrap();
    assert_eq!(
        allowed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&allowed.stdout)
    );
}
