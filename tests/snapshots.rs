//! Snapshot tests (insta): the card, the JSON result, the batch NDJSON and
//! CSV outputs, the protocol file, the summary and the schemas, for every
//! record of `tests/data/cases.ndjson` (every grade, every instrument,
//! children, exclusions, warnings, invalid records). A change to any output
//! shows here as a reviewed diff; `cargo insta review` accepts it.

mod common;

use common::{icans, stdout_of};

const CASES: &str = "tests/data/cases.ndjson";

/// Each valid case, graded by `icans grade` (stdin), in one text.
fn graded_each(format: &str) -> String {
    let cases = std::fs::read_to_string(CASES).expect("cases file");
    let mut out = String::new();
    for line in cases.lines() {
        let run = icans()
            .args(["grade", "--format", format, "-"])
            .write_stdin(line)
            .output()
            .expect("runs");
        out.push_str(&format!(
            "==> {line}\n(exit {})\n",
            run.status.code().unwrap_or(-1)
        ));
        out.push_str(&String::from_utf8_lossy(&run.stdout));
        out.push_str(&String::from_utf8_lossy(&run.stderr));
        out.push('\n');
    }
    out
}

#[test]
fn cards() {
    insta::assert_snapshot!(graded_each("text"));
}

#[test]
fn json_results() {
    insta::assert_snapshot!(graded_each("json"));
}

#[test]
fn batch_ndjson() {
    insta::assert_snapshot!(stdout_of(&["batch", CASES]));
}

#[test]
fn batch_csv() {
    insta::assert_snapshot!(stdout_of(&["batch", CASES, "--output-format", "csv"]));
}

#[test]
fn batch_csv_input() {
    insta::assert_snapshot!(stdout_of(&["batch", "examples/records.csv"]));
}

#[test]
fn protocol_file() {
    insta::assert_snapshot!(stdout_of(&["protocol"]));
}

#[test]
fn summary_text_and_json() {
    insta::assert_snapshot!(stdout_of(&["summary", "examples/cohort.ndjson"]));
    insta::assert_snapshot!(stdout_of(&[
        "summary",
        "examples/cohort.ndjson",
        "--format",
        "json"
    ]));
}

#[test]
fn schemas() {
    insta::assert_snapshot!(stdout_of(&["schema", "record"]));
    insta::assert_snapshot!(stdout_of(&["schema", "result"]));
}

/// Flag-path records: valid, aliases and every kind of bad value.
#[test]
fn flag_records() {
    let runs: &[&[&str]] = &[
        &[
            "--orientation",
            "3",
            "--naming",
            "2",
            "--writing",
            "1",
            "--attention",
            "0",
            "--commands",
            "1",
            "--consciousness",
            "voice",
            "--seizure",
            "none",
            "--motor",
            "none",
            "--edema",
            "none",
            "--format",
            "json",
        ],
        &[
            "--ice-total",
            "8",
            "--no-seizure-motor-edema",
            "--consciousness",
            "alert",
            "--crs-grade",
            "2",
            "--age",
            "40",
            "--previous-ice-total",
            "10",
            "--hours-since-onset",
            "30",
            "--id",
            "x",
            "--patient-id",
            "p",
            "--day",
            "3",
            "--assessed-at",
            "2026-01-01T00:00:00Z",
            "--format",
            "json",
        ],
        &[
            "--capd",
            "12",
            "--consciousness",
            "tactile",
            "--seizure",
            "brief",
            "--other-cause",
            "seizure,motor",
            "--format",
            "json",
        ],
        &[
            "--ice-total",
            "2",
            "--seizure",
            "prolonged_or_repetitive",
            "--steroid-refractory",
            "--motor",
            "hemiparesis",
            "--edema",
            "local",
            "--format",
            "json",
        ],
        &["--seizure", "prolonged", "--motor", "weakness"],
        &[
            "--age",
            "6",
            "--weight",
            "21.4",
            "--capd-eye-contact",
            "never",
            "--capd-purposeful-actions",
            "rarely",
            "--capd-aware-of-surroundings",
            "Sometimes",
            "--capd-communicates-needs",
            "often",
            "--capd-restless",
            "always",
            "--capd-inconsolable",
            "never",
            "--capd-underactive",
            "often",
            "--capd-slow-response",
            "rarely",
            "--previous-capd",
            "10",
            "--consciousness",
            "voice",
            "--crs-grade",
            "1",
            "--format",
            "json",
        ],
        &["--capd-eye-contact", "seldom", "--weight", "0"],
        &["--died-of-icans", "--format", "json"],
        &[
            "--orientation",
            "5",
            "--naming",
            "x",
            "--writing",
            "1.5",
            "--consciousness",
            "sleepy",
            "--day",
            "-1",
            "--age",
            "abc",
            "--crs-grade",
            "9",
            "--other-cause",
            "brain",
            "--assessed-at",
            "yesterday",
        ],
        &["--orientation", "3"],
        &["--ice-total", "3", "--capd", "4"],
    ];
    let mut out = String::new();
    for args in runs {
        let run = icans().arg("grade").args(*args).output().expect("runs");
        out.push_str(&format!(
            "==> grade {}\n(exit {})\n",
            args.join(" "),
            run.status.code().unwrap_or(-1)
        ));
        out.push_str(&String::from_utf8_lossy(&run.stdout));
        out.push_str(&String::from_utf8_lossy(&run.stderr));
        out.push('\n');
    }
    insta::assert_snapshot!(out);
}

#[test]
fn help_texts() {
    insta::assert_snapshot!(stdout_of(&["grade", "--help"]));
    insta::assert_snapshot!(stdout_of(&["batch", "--help"]));
}

/// A piped bedside interview, ICE path and CAPD path.
#[test]
fn assess_piped() {
    let mut out = String::new();
    for (args, input) in [
        (
            vec!["assess"],
            "54\n70\ny\ny\ny\ny\n3\ny\ny\ny\n1\n1\n1\n1\n37.5\n1\n1\nn\nnone\n10\n",
        ),
        (
            vec!["assess", "--child"],
            "18\nsometimes\n3\nrarely\n2\nalways\n1\nnever\n5\n2\n1\n1\n1\n38.2\n2\n1\nn\nnone\nskip\nn\n",
        ),
        (
            vec!["assess", "--emit-record", "--age", "60", "--weight", "82"],
            "n\nn\ny\ny\n1\nn\nn\ny\n3\n1\n1\n1\n39\n3\n2\nn\nnone\n8\n",
        ),
        (
            vec!["assess", "--age", "40", "--weight", "80"],
            "y\nskip\ny\ny\n3\ny\ny\ny\n1\n1\n1\n1\nskip\nskip\nskip\nskip\nnone\n10\nleft over\n",
        ),
    ] {
        let run = icans().args(&args).write_stdin(input).output().expect("runs");
        out.push_str(&format!(
            "==> {}\n(exit {})\n",
            args.join(" "),
            run.status.code().unwrap_or(-1)
        ));
        out.push_str(&String::from_utf8_lossy(&run.stdout));
        out.push_str("--- stderr\n");
        out.push_str(&String::from_utf8_lossy(&run.stderr));
        out.push('\n');
    }
    insta::assert_snapshot!(out);
}
