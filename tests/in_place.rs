//! Differential test of the in-place fast path (issue 23): batch reads
//! every record of a chunk into one record builder, reset between records,
//! and lends the record to the grader; a record read alone gets a builder
//! of its own. For any mix of valid records (every field filled) and
//! faulty ones (every kind of fault: unknown and duplicate fields, wrong
//! types, out-of-range numbers, unknown choices, broken JSON, non-objects,
//! bad UTF-8, wrong ICE items, bad CSV cells), each record's output read in
//! one chunk after the others is byte for byte its output read alone, in
//! NDJSON and CSV, in full and with a `--fields` list graded no further
//! than the grade. Nothing a record leaves in the builder reaches the next.

mod common;

use proptest::prelude::*;

use icans::batch::{self, Options};
use icans::format::OutputFormat;
use icans::format::columns::ResultColumn;
use icans::grading::catalogue::Field;
use icans::input::{Input, InputFormat, ReadOptions, Source};

/// Runs batch over `bytes` written to `path` (the same path for every run,
/// so the file named in error objects is the same) in one chunk.
fn batch_output(path: &std::path::Path, bytes: &[u8], format: InputFormat, output: &Output) -> Vec<u8> {
    std::fs::write(path, bytes).expect("writes the input");
    let options = Options {
        output: output.format,
        fields: output.fields.clone(),
        read: ReadOptions::default(),
        threads: 1,
        chunk_bytes: 1 << 20,
        ..Options::default()
    };
    let inputs = [Input {
        source: Source::File(path.to_path_buf()),
        format,
    }];
    let mut out = Vec::new();
    let report = batch::run(&inputs, &mut out, &options, &mut |_| {});
    assert!(report.output_error.is_none());
    assert!(report.input_failures.is_empty(), "{:?}", report.input_failures);
    out
}

#[derive(Debug, Clone)]
struct Output {
    format: OutputFormat,
    fields: Option<Vec<ResultColumn>>,
}

fn outputs() -> Vec<Output> {
    let list = |l: &str| Some(ResultColumn::parse_list(l).expect("a valid list"));
    vec![
        Output {
            format: OutputFormat::Ndjson,
            fields: None,
        },
        Output {
            format: OutputFormat::Csv,
            fields: None,
        },
        // The GradeAlone scope (nothing graded past the grade).
        Output {
            format: OutputFormat::Ndjson,
            fields: list("line,id,grade,patient_id,day,product,site,error"),
        },
    ]
}

/// Every output line of each record read in one chunk equals its output
/// read alone, after as many blank lines as records before it (so its line
/// number is the same). `header` is written before every input (CSV).
fn assert_same_in_place_and_alone(records: &[Vec<u8>], header: &[u8], format: InputFormat) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join(match format {
        InputFormat::Csv => "records.csv",
        _ => "records.ndjson",
    });
    let skip = usize::from(!header.is_empty());
    for output in outputs() {
        let mut all = header.to_vec();
        for r in records {
            all.extend_from_slice(r);
            all.push(b'\n');
        }
        let together = batch_output(&path, &all, format, &output);
        let mut alone = Vec::new();
        for (i, r) in records.iter().enumerate() {
            let mut one = header.to_vec();
            one.extend(std::iter::repeat_n(b'\n', i));
            one.extend_from_slice(r);
            one.push(b'\n');
            let out = batch_output(&path, &one, format, &output);
            // A CSV output's header is written once, before the rows.
            let header_lines = if output.format == OutputFormat::Csv && i > 0 {
                1
            } else {
                0
            };
            let mut lines = out.split_inclusive(|&b| b == b'\n').skip(header_lines);
            alone.extend(lines.by_ref().flatten());
        }
        let (together, alone) = (
            String::from_utf8_lossy(&together),
            String::from_utf8_lossy(&alone),
        );
        for (n, (t, a)) in together.lines().zip(alone.lines()).enumerate() {
            assert_eq!(
                t,
                a,
                "{output:?}, output line {} of {} records{}",
                n + 1,
                records.len(),
                if skip == 1 { " (CSV input)" } else { "" }
            );
        }
        assert_eq!(together.lines().count(), alone.lines().count(), "{output:?}");
    }
}

/// Values that are wrong for most fields and right for some.
const VALUES: &[&str] = &[
    r#""x""#,
    "true",
    "[]",
    "{}",
    "1.5",
    "-1",
    "1e400",
    "null",
    "99999999999999999999",
    r#""sleepy""#,
    r#"["seizure", "nausea"]"#,
    r#"{"orientation": 4}"#,
    r#"{"orientation": 4, "naming": 3, "writing": 1, "attention": 1, "commands": 1, "extra": 0}"#,
    r#""2026-13-40T99:00:00Z""#,
    "7",
    r#""alert""#,
];

/// A valid record, or that record with one fault.
fn ndjson_record() -> impl Strategy<Value = Vec<u8>> {
    let faulty = |json: String, kind: usize, field: usize, value: usize, at: usize| -> Vec<u8> {
        let open = json.find('{').map_or(0, |i| i + 1);
        let insert = |s: &str| format!("{}{s}{}", &json[..open], &json[open..]).into_bytes();
        match kind {
            // A field with a value wrong for it (or a second time).
            0..=2 => insert(&format!(r#""{}": {}, "#, Field::ALL[field].name(), VALUES[value])),
            // An unknown field.
            3 => insert(r#""siezure": "none", "#),
            // Cut short.
            4 => json.as_bytes()[..at % json.len().max(1)].to_vec(),
            // Not an object.
            5 => VALUES[value].as_bytes().to_vec(),
            // Bytes that are not UTF-8 inside a string.
            6 => {
                let mut b = insert(r#""product": "ax"#);
                let cut = open + r#""product": "ax"#.len();
                b.splice(cut..cut, [0xFF, 0xFE, b'"', b',', b' ']);
                b
            }
            // Something after the object.
            _ => format!("{json} x").into_bytes(),
        }
    };
    prop_oneof![
        2 => common::any_record_json().prop_map(String::into_bytes),
        3 => (
            common::any_record_json(),
            0..8usize,
            0..Field::ALL.len(),
            0..VALUES.len(),
            any::<usize>()
        )
            .prop_map(move |(json, kind, field, value, at)| faulty(json, kind, field, value, at)),
    ]
}

/// CSV columns and, for each, cells right and wrong for it.
const CSV_COLUMNS: &[(&str, &[&str])] = &[
    ("id", &["1", "x-7", "", "-3"]),
    ("patient_id", &["P-1", "", "\"A, B\""]),
    ("day", &["0", "3", "-1", "x", ""]),
    ("age_years", &["8", "54", "", "200", "abc"]),
    ("weight_kg", &["20.5", "70", "", "0", "-4"]),
    ("ice_orientation", &["4", "", "5", "x"]),
    ("ice_naming", &["3", "", "2"]),
    ("ice_writing", &["1", "", "0"]),
    ("ice_attention", &["1", "", "0"]),
    ("ice_commands", &["1", "", "0", "2"]),
    ("ice_total", &["", "10", "4", "11"]),
    ("capd", &["", "12", "40"]),
    (
        "consciousness",
        &["alert", "awakens_to_voice", "unarousable", "", "sleepy"],
    ),
    ("seizure", &["none", "rapidly_resolving", "", "never"]),
    ("motor", &["none", "deep_focal_weakness", ""]),
    ("edema", &["none", "focal", "diffuse", "", "some"]),
    ("other_cause", &["", "consciousness", "seizure;edema", "nausea"]),
    ("crs_grade", &["", "0", "3", "5"]),
    ("temperature_c", &["", "38.4", "hot"]),
    ("hypotension", &["", "none", "one_vasopressor", "lots"]),
    ("hypoxia", &["", "low_flow", "high_flow", "mask"]),
    ("steroid_refractory", &["", "true", "false", "maybe"]),
    ("product", &["", "axi-cel", "tisa-cel"]),
    ("site", &["", "Site A"]),
];

fn csv_row() -> impl Strategy<Value = Vec<u8>> {
    let cells: Vec<_> = CSV_COLUMNS
        .iter()
        .map(|(_, values)| {
            // Mostly the first (right) cell, so that many rows are valid.
            prop_oneof![12 => Just(values[0]), 1 => proptest::sample::select(*values)]
        })
        .collect();
    prop_oneof![
        8 => cells.prop_map(|cells| cells.join(",").into_bytes()),
        // Too few cells and too many. (A quote left open is not here: it
        // takes the rows after it into its cell, so read alone it is a
        // different input.)
        1 => Just(b"1,P-1,3".to_vec()),
        1 => Just(vec![b','; CSV_COLUMNS.len() + 2]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// NDJSON: valid and faulty records, in any order.
    #[test]
    fn ndjson_in_place_equals_alone(records in proptest::collection::vec(ndjson_record(), 1..12)) {
        assert_same_in_place_and_alone(&records, b"", InputFormat::Ndjson);
    }

    /// CSV: rows valid and faulty, cell by cell, in any order.
    #[test]
    fn csv_in_place_equals_alone(rows in proptest::collection::vec(csv_row(), 1..12)) {
        let header: Vec<u8> = CSV_COLUMNS.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(",").into_bytes();
        let mut header = header;
        header.push(b'\n');
        assert_same_in_place_and_alone(&rows, &header, InputFormat::Csv);
    }
}

/// The generators are not idle: they write valid and invalid records, and
/// the faulty ones reach many different errors.
#[test]
fn the_generators_write_valid_records_and_many_kinds_of_fault() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::BTreeSet;
    let mut runner = TestRunner::deterministic();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("records.ndjson");
    let full = &outputs()[0];
    let (mut valid, mut invalid, mut errors) = (0, 0, BTreeSet::new());
    for _ in 0..400 {
        let record = ndjson_record().new_tree(&mut runner).expect("a record").current();
        let line = [record.as_slice(), b"\n"].concat();
        let out = batch_output(&path, &line, InputFormat::Ndjson, full);
        let v: serde_json::Value = serde_json::from_slice(&out).expect("one JSON line");
        match v.get("error").and_then(|e| e.as_str()) {
            Some(e) => {
                invalid += 1;
                // The kind of error: its words with the values left out.
                let words: String = e
                    .split(':')
                    .nth(1)
                    .unwrap_or(e)
                    .chars()
                    .filter(|c| c.is_alphabetic() || *c == ' ')
                    .collect();
                errors.insert(words.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
            }
            None => valid += 1,
        }
    }
    assert!(valid >= 80, "{valid} valid of 400");
    assert!(invalid >= 150, "{invalid} invalid of 400");
    assert!(errors.len() >= 20, "{} kinds of error: {errors:?}", errors.len());
    let path = dir.path().join("records.csv");
    let header: String = CSV_COLUMNS.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(",");
    let (mut valid, mut invalid) = (0, 0);
    for _ in 0..200 {
        let row = csv_row().new_tree(&mut runner).expect("a row").current();
        let mut input = format!("{header}\n").into_bytes();
        input.extend_from_slice(&row);
        input.push(b'\n');
        let out = batch_output(&path, &input, InputFormat::Csv, full);
        let v: serde_json::Value = serde_json::from_slice(&out).expect("one JSON line");
        if v.get("error").is_some() {
            invalid += 1;
        } else {
            valid += 1;
        }
    }
    assert!(
        valid >= 20 && invalid >= 20,
        "CSV: {valid} valid, {invalid} invalid of 200"
    );
}
