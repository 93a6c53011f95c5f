//! `batch --fields a,b,...` (docs/spec.md §5): only those result fields, in
//! that order, typed in NDJSON and as CSV columns, each the same value as in
//! the full output; unknown names refused with did-you-mean.

mod common;

use common::icans;
use serde_json::Value;

const INPUT: &str = "examples/records.ndjson";

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = icans().arg("batch").arg(INPUT).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// Each picked row's cells are the full output's cells of the same names,
/// one picked row per full row.
fn assert_same_cells(picked: &str, full: &str, label: &str) {
    let (names, full_rows) = csv_rows(full);
    let (header, rows) = csv_rows(picked);
    assert_eq!(
        rows.len(),
        full_rows.len(),
        "{label}: one row per record, none dropped"
    );
    for (row, full_row) in rows.iter().zip(&full_rows) {
        for (name, cell) in header.iter().zip(row) {
            let at = names.iter().position(|n| n == name).unwrap();
            assert_eq!(cell, &full_row[at], "{label}: column {name}");
        }
    }
}

/// Every CSV column, asked for in reverse order, is the full CSV output's
/// column of that name, cell for cell, error rows included.
#[test]
fn every_column_in_any_order_is_the_full_outputs_column() {
    let (code, full, _) = run(&["--output-format", "csv"]);
    assert_eq!(code, Some(65), "the example has one misspelt record");
    let (names, _) = csv_rows(&full);
    let reversed: Vec<String> = names.iter().rev().cloned().collect();
    let (code, picked, _) = run(&["--output-format", "csv", "--fields", &reversed.join(",")]);
    assert_eq!(code, Some(65));
    assert_eq!(csv_rows(&picked).0, reversed);
    assert_same_cells(&picked, &full, INPUT);
}

/// Without a management column (`actions`, `reassess_hours`) the step is
/// not worked out (`grading::Scope`), and every other column is still the
/// full output's, cell for cell: nothing it shows depends on the step.
#[test]
fn columns_without_management_are_the_full_outputs_columns() {
    for input in [INPUT, "examples/cohort.ndjson", "examples/audit.ndjson"] {
        let batch = |args: &[&str]| {
            let out = icans().arg("batch").arg(input).args(args).output().unwrap();
            (out.status.code(), String::from_utf8(out.stdout).unwrap())
        };
        let (code, full) = batch(&["--output-format", "csv"]);
        let (names, _) = csv_rows(&full);
        let without: Vec<String> = names
            .iter()
            .filter(|n| !matches!(n.as_str(), "actions" | "reassess_hours"))
            .cloned()
            .collect();
        assert_eq!(without.len(), names.len() - 2, "{input}");
        let (picked_code, picked) = batch(&["--output-format", "csv", "--fields", &without.join(",")]);
        assert_eq!(picked_code, code, "{input}");
        assert_eq!(csv_rows(&picked).0, without);
        assert_same_cells(&picked, &full, input);
    }
}

/// In NDJSON the fields are typed, in the order asked, and equal to the
/// full result's values.
#[test]
fn ndjson_fields_are_typed_in_the_order_asked() {
    let (_, full, _) = run(&[]);
    let (code, picked, _) = run(&[
        "--fields",
        "grade,id,drivers,ice_total,complete,reassess_hours,seizure_grade,actions",
    ]);
    assert_eq!(code, Some(65));
    let full: Vec<Value> = full.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    for (line, f) in picked.lines().zip(&full) {
        if f.get("error").is_some() {
            // A failed record keeps its place and says why.
            let e: Value = serde_json::from_str(line).unwrap();
            assert_eq!(e["line"], f["line"]);
            assert_eq!(e["error"], f["error"]);
            continue;
        }
        let keys: Vec<&str> = line
            .trim_matches(|c| c == '{' || c == '}')
            .split(',')
            .filter_map(|kv| kv.strip_prefix('"').and_then(|k| k.split('"').next()))
            .filter(|k| {
                [
                    "grade",
                    "id",
                    "drivers",
                    "ice_total",
                    "complete",
                    "reassess_hours",
                    "seizure_grade",
                    "actions",
                ]
                .contains(k)
            })
            .collect();
        assert_eq!(
            keys,
            [
                "grade",
                "id",
                "drivers",
                "ice_total",
                "complete",
                "reassess_hours",
                "seizure_grade",
                "actions"
            ],
            "{line}"
        );
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["grade"], f["grade"]);
        assert!(v["grade"].is_u64());
        assert_eq!(v["id"], f["id"]);
        assert_eq!(v["drivers"], f["drivers"]);
        assert_eq!(v["ice_total"], f["ice_total"]);
        assert_eq!(v["complete"], f["complete"]);
        assert_eq!(v["reassess_hours"], f["management"]["reassess_hours"]);
        assert_eq!(v["seizure_grade"], f["domains"]["seizure"]["grade"]);
        let ids: Vec<Value> = f["management"]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].clone())
            .collect();
        assert_eq!(v["actions"], Value::Array(ids));
        assert_eq!(v.as_object().unwrap().len(), 8, "only the fields asked: {line}");
    }
}

#[test]
fn an_unknown_field_is_refused_with_the_one_meant() {
    let (code, out, err) = run(&["--fields", "id,grde"]);
    assert_eq!(code, Some(2));
    assert!(out.is_empty());
    assert!(
        err.contains("--fields: unknown field \"grde\" (did you mean `grade`?) (allowed: line, file, id,"),
        "{err}"
    );
}

/// Where each flat column's value stands in the nested result (docs/spec.md
/// §4), as a path of keys (`*` maps over an array); `None` for the columns
/// that are not the result's (the record's place, a refused record's error).
/// Written here, apart from `src/format/columns.rs`: a new column without a
/// path fails the test below.
fn nested_path(column: &str) -> Option<Vec<String>> {
    let keys = |p: &[&str]| Some(p.iter().map(|k| k.to_string()).collect());
    let crs_domains = ["fever", "hypotension", "hypoxia"];
    match column {
        "line" | "file" | "error" => None,
        "crs_grade" => keys(&["crs", "grade"]),
        "crs_complete" => keys(&["crs", "complete"]),
        "crs_source" => keys(&["crs", "source"]),
        "crs_drivers" => keys(&["crs", "drivers"]),
        "actions" => keys(&["management", "actions", "*", "id"]),
        "reassess_hours" => keys(&["management", "reassess_hours"]),
        "recorded_crs_grade" => keys(&["recorded_crs_grade"]),
        c => match c.rsplit_once('_') {
            Some((d, part @ ("status" | "grade"))) if crs_domains.contains(&d) => {
                keys(&["crs", "domains", d, part])
            }
            Some((d, part @ ("status" | "grade"))) if d != "recorded" => keys(&["domains", d, part]),
            _ => keys(&[c]),
        },
    }
}

/// The value at a path of the nested result (null where a key is absent).
fn at(v: &Value, path: &[String]) -> Value {
    match path.split_first() {
        None => v.clone(),
        Some((k, rest)) if k == "*" => match v {
            Value::Array(items) => Value::Array(items.iter().map(|i| at(i, rest)).collect()),
            _ => Value::Null,
        },
        Some((k, rest)) => v.get(k.as_str()).map_or(Value::Null, |x| at(x, rest)),
    }
}

/// Whether the result schema has a path: properties, through `$ref`,
/// `anyOf`/`oneOf` (nullable) and `items` (arrays).
fn schema_has(schema: &Value, node: &Value, path: &[String]) -> bool {
    let resolve = |n: &Value| -> Value {
        match n.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix("#/$defs/")
                .and_then(|name| schema["$defs"].get(name))
                .cloned()
                .unwrap_or(Value::Null),
            None => n.clone(),
        }
    };
    let node = resolve(node);
    let Some((k, rest)) = path.split_first() else {
        return true;
    };
    for alt in ["anyOf", "oneOf"] {
        if let Some(options) = node.get(alt).and_then(Value::as_array) {
            return options.iter().any(|o| schema_has(schema, o, path));
        }
    }
    if k == "*" {
        return node.get("items").is_some_and(|i| schema_has(schema, i, rest));
    }
    node.get("properties")
        .and_then(|p| p.get(k.as_str()))
        .is_some_and(|child| schema_has(schema, child, rest))
}

/// The flat columns (CSV, `--fields`) come from one table; each is the
/// value of the nested NDJSON result at its path, for every record of the
/// snapshot cases, and the result schema has that path.
#[test]
fn every_flat_column_is_a_value_of_the_nested_result_and_its_schema() {
    let columns: Vec<String> = icans::format::columns::ResultColumn::all()
        .iter()
        .map(|c| c.name().into_owned())
        .collect();
    let schema: Value = serde_json::from_str(&common::stdout_of(&["schema", "result"])).unwrap();
    let input = "tests/data/cases.ndjson";
    let full = common::stdout_of(&["batch", input]);
    let picked = common::stdout_of(&["batch", input, "--fields", &columns.join(",")]);
    let mut compared = 0;
    for (f, p) in full.lines().zip(picked.lines()) {
        let (f, p): (Value, Value) = (serde_json::from_str(f).unwrap(), serde_json::from_str(p).unwrap());
        if f.get("error").is_some() {
            continue;
        }
        for c in &columns {
            let Some(path) = nested_path(c) else { continue };
            assert_eq!(p[c.as_str()], at(&f, &path), "{c} of {f}");
            compared += 1;
        }
    }
    assert!(compared > 1000, "{compared}");
    for c in &columns {
        if let Some(path) = nested_path(c) {
            assert!(
                schema_has(&schema, &schema, &path),
                "the result schema has no {path:?} ({c})"
            );
        }
    }
}
