//! Contract v4 §10: CSV (and TSV) outputs are safe to open in a
//! spreadsheet. A text cell that begins with `=`, `+`, `-`, `@`, a tab or a
//! carriage return is written after a `'` (OWASP, CSV injection), unless it
//! reads as a number; `--csv-raw` writes it as it is. Every CSV output:
//! `batch` (and its `--invalid` copy), `summary`, `audit`.

mod common;

use common::icans;

/// Records whose texts begin with each risky character, and one that reads
/// as a number.
const RECORDS: &str = concat!(
    r#"{"id": "=HYPERLINK(\"http://x\")", "day": 1, "patient_id": "+1-555", "ice_total": 5, "product": "-5", "site": "@cmd", "recorded_grade": 1}"#,
    "\n",
    r#"{"id": "\tcalc", "day": 2, "patient_id": "\rp", "ice_total": 9, "product": "+3.5", "site": "plain", "recorded_grade": 2}"#,
    "\n",
    r#"{"id": "=bad", "day": 3, "patient_id": "-x", "ice_totl": 5}"#,
    "\n",
);

fn run(args: &[&str]) -> String {
    let out = icans().args(args).write_stdin(RECORDS).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn cells(csv: &str, delimiter: u8) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// Every cell of every row: none begins with a risky character unless it is
/// a number.
fn assert_safe(rows: &[Vec<String>], what: &str) {
    for row in rows {
        for cell in row {
            let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
            assert!(
                !risky || cell.trim().parse::<f64>().is_ok(),
                "{what}: {cell:?} in {row:?}"
            );
        }
    }
}

#[test]
fn every_csv_output_is_safe_to_open_in_a_spreadsheet() {
    let batch = cells(
        &run(&[
            "batch",
            "--output-format",
            "csv",
            "--fields",
            "id,patient_id,product,site,grade,error",
        ]),
        b',',
    );
    assert_safe(&batch, "batch");
    assert_eq!(
        batch[1][..4],
        ["'=HYPERLINK(\"http://x\")", "'+1-555", "-5", "'@cmd"]
    );
    assert_eq!(batch[2][..4], ["'\tcalc", "'\rp", "+3.5", "plain"]);
    assert_eq!(batch[3][0], "'=bad", "the id of a refused record too");
    let tsv = cells(
        &run(&["batch", "--output-format", "csv", "--delimiter", "tab"]),
        b'\t',
    );
    assert_safe(&tsv, "batch TSV");
    let dir = tempfile::tempdir().unwrap();
    let invalid = dir.path().join("bad.csv");
    let _ = run(&[
        "batch",
        "--output-format",
        "csv",
        "--invalid",
        invalid.to_str().unwrap(),
    ]);
    let copy = std::fs::read_to_string(&invalid).unwrap();
    assert_safe(&cells(&copy, b','), "--invalid");
    assert!(copy.contains("'=bad"), "{copy}");
    for args in [
        &["summary", "--format", "csv"][..],
        &["summary", "--format", "csv", "--by", "site"],
        &["audit", "--format", "csv"],
        &["audit", "--format", "csv", "--by", "site"],
    ] {
        // Records of one patient each, with the risky texts as patients and sites.
        let out = icans()
            .args(args)
            .write_stdin(RECORDS.replace("\"ice_totl\"", "\"ice_total\""))
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let rows = cells(&text, b',');
        assert!(rows.len() > 1, "{args:?}: {text}");
        assert_safe(&rows, &format!("{args:?}"));
    }
}

#[test]
fn csv_raw_writes_the_cells_as_they_are() {
    let raw = cells(
        &run(&[
            "batch",
            "--output-format",
            "csv",
            "--fields",
            "id,patient_id,site",
            "--csv-raw",
        ]),
        b',',
    );
    assert_eq!(raw[1], ["=HYPERLINK(\"http://x\")", "+1-555", "@cmd"]);
    let out = icans()
        .args(["audit", "--format", "csv", "--csv-raw"])
        .write_stdin(RECORDS)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(",\"=HYPERLINK"),
        "audit --csv-raw"
    );
    // NDJSON is never touched: JSON is not opened as a spreadsheet.
    let ndjson = run(&["batch", "--fields", "id"]);
    assert!(ndjson.starts_with("{\"id\":\"=HYPERLINK"), "{ndjson}");
}
