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
