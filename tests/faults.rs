//! Faults and hostile input (docs/robustness.md): closed pipes, full disks,
//! oversized and endless records, a stalled reader, absurd flags. Each case
//! is the reproducer of a reported failure, and runs in seconds.

mod common;

use std::io::{Read as _, Write as _};
use std::process::{Command as Process, Stdio};

use common::icans;
use serde_json::Value;

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("icans")
}

/// Runs icans with standard output on /dev/full.
fn to_full(args: &[&str], stdin: &str) -> (Option<i32>, String) {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let mut child = Process::new(bin())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(full)
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut input = child.stdin.take().expect("stdin");
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    let out = child.wait_with_output().expect("ends");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Standard error on a full disk: every message is lost, but the exit
/// status is the one the run earns (never a panic, 101).
#[test]
#[ignore = "needs /dev/full (.ci/run runs it where there is one)"]
fn needs_dev_full_a_full_stderr_changes_no_exit_status() {
    let answers = "54\n70\ny\ny\ny\nn\n2\nn\ny\ny\nvoice\n1\n1\n1\n37\n1\n1\nn\nnone\n10\n";
    let cases: &[(&[&str], &str, i32)] = &[
        (&["batch", "examples/records.ndjson"], "", 65),
        (&["batch", "examples/records.ndjson", "--summary"], "", 65),
        (&["batch", "examples/cohort.ndjson", "--summary"], "", 0),
        (&["grade", "--ice-total", "12"], "", 65),
        (&["grade", "-"], "{\"ice_total\": 12}", 65),
        (&["summary", "examples/cohort.ndjson", "missing.ndjson"], "", 74),
        (&["audit", "examples/audit.ndjson"], "", 65),
        (&["map", "init", "missing.csv"], "", 74),
        (&["batch", "--bogus"], "", 2),
        // The questions cannot be shown: an input or output failure.
        (&["assess"], answers, 74),
    ];
    for (args, stdin, code) in cases {
        let mut child = Process::new(bin())
            .args(*args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .expect("/dev/full"),
            )
            .spawn()
            .expect("icans runs");
        let mut input = child.stdin.take().expect("stdin");
        let _ = input.write_all(stdin.as_bytes());
        drop(input);
        let status = child.wait().expect("ends");
        assert_eq!(status.code(), Some(*code), "{args:?}");
    }
}

#[test]
#[ignore = "needs /dev/full (.ci/run runs it where there is one)"]
fn needs_dev_full_every_command_reports_a_full_disk_with_74() {
    for args in [
        &["completions", "bash"][..],
        &["completions", "zsh"],
        &["man"],
        &["man", "grade"],
        &["schema", "record"],
        &["protocol"],
        &["--help"],
        &["--version"],
        &["grade", "--help"],
        &["grade", "--ice-total", "5"],
        &["summary", "examples/cohort.ndjson"],
        &["audit", "examples/audit.ndjson"],
        &["audit", "examples/audit.ndjson", "--format", "csv"],
        &["map", "init", "examples/site-export.csv"],
    ] {
        let (code, err) = to_full(args, "");
        assert_eq!(code, Some(74), "{args:?}: {err}");
        assert!(err.contains("No space left on device"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn a_closed_pipe_is_0_and_quiet_never_a_panic() {
    // The reader is gone before icans writes: `(sleep .3; icans ...) | true`.
    for args in [
        "completions zsh",
        "completions bash",
        "man",
        "protocol",
        "schema result",
        "--help",
        "batch examples/cohort.ndjson",
        "audit examples/audit.ndjson --format csv",
        "audit examples/audit.ndjson --format json",
        "audit examples/audit.ndjson",
        "map init examples/site-export.csv",
        "map check examples/site-export.map.toml examples/site-export.csv --allow-unknown-fields",
    ] {
        let out = Process::new("sh")
            .arg("-c")
            .arg(format!(
                "(sleep 0.3; {} {args}; echo \"exit $?\" >&2) | true",
                bin().display()
            ))
            .output()
            .expect("sh runs");
        let err = String::from_utf8_lossy(&out.stderr);
        // Contract v4 §10: quietly, exit 0 (3 only with an alert).
        assert_eq!(err.trim(), "exit 0", "{args}: quiet, 0");
    }
}

#[test]
#[ignore = "needs /dev/full (.ci/run runs it where there is one)"]
fn needs_dev_full_an_alert_survives_a_failed_or_closed_output() {
    let records = "{\"id\": 1, \"consciousness\": \"unarousable\"}\n{\"id\": 2, \"ice_total\": 10}\n";
    let (code, _) = to_full(&["batch", "--fail-at-grade", "3"], records);
    assert_eq!(code, Some(3), "3 outranks 74");
    let mut child = Process::new(bin())
        .args(["batch", "--fail-at-grade", "3"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("runs");
    drop(child.stdout.take());
    let mut input = child.stdin.take().expect("stdin");
    let _ = input.write_all(records.as_bytes());
    drop(input);
    assert_eq!(child.wait().expect("ends").code(), Some(3), "| head -0");
}

/// The defect: `batch --output-format csv --fail-at-grade 3 > /dev/full`
/// and `grade --fail-at-grade 3 > /dev/full` exited 74, losing the alert
/// (the CSV header's write failed before any record was graded).
#[test]
#[ignore = "needs /dev/full (.ci/run runs it where there is one)"]
fn needs_dev_full_an_alert_survives_a_failed_output_in_every_format() {
    // The grade-4 record comes last, chunks after a failure at the first
    // write.
    let mut records = String::new();
    for i in 0..20_000 {
        records.push_str(&format!("{{\"id\": {i}, \"ice_total\": 10}}\n"));
    }
    records.push_str("{\"id\": \"last\", \"consciousness\": \"unarousable\"}\n");
    for args in [
        &["batch", "--fail-at-grade", "3"][..],
        &["batch", "--fail-at-grade", "3", "--output-format", "csv"],
        &["batch", "--fail-at-grade", "3", "--fields", "id,grade"],
        &[
            "batch",
            "--fail-at-grade",
            "3",
            "--fields",
            "id,grade",
            "--output-format",
            "csv",
        ],
    ] {
        let (code, err) = to_full(args, &records);
        assert_eq!(code, Some(3), "{args:?}: {err}");
        assert!(err.contains("No space left on device"), "{args:?}: {err}");
        // Without --fail-at-grade, the failure is the status.
        let (code, _) = to_full(&args[..1], &records);
        assert_eq!(code, Some(74), "{args:?} without the alert");
    }
    let unarousable = "{\"consciousness\": \"unarousable\"}";
    for format in ["text", "json"] {
        let (code, err) = to_full(
            &["grade", "--fail-at-grade", "3", "--format", format],
            unarousable,
        );
        assert_eq!(code, Some(3), "grade --format {format}: {err}");
        assert!(err.contains("No space left on device"), "{err}");
        let (code, _) = to_full(&["grade", "--format", format], unarousable);
        assert_eq!(code, Some(74), "grade --format {format} without the alert");
    }
    for format in ["text", "json", "csv"] {
        let args = [
            "audit",
            "examples/audit.ndjson",
            "--format",
            format,
            "--fail-below-kappa",
            "1.01",
        ];
        let (code, err) = to_full(&args, "");
        assert_eq!(code, Some(3), "{args:?}: {err}");
    }
}

#[test]
fn an_alert_survives_a_closed_stdout() {
    let run = |args: &str| {
        Process::new("sh")
            .arg("-c")
            .arg(format!("{} {args} >&-", bin().display()))
            .output()
            .expect("sh runs")
            .status
            .code()
    };
    assert_eq!(
        run("batch examples/records.csv --fail-at-grade 3 --allow-unknown-fields"),
        Some(3)
    );
    assert_eq!(
        run("batch examples/records.csv --fail-at-grade 3 --allow-unknown-fields --output-format csv"),
        Some(3)
    );
    assert_eq!(
        run("grade --consciousness unarousable --fail-at-grade 3"),
        Some(3)
    );
    assert_eq!(run("grade --consciousness unarousable"), Some(74));
}

#[test]
fn absurd_thread_counts_are_refused() {
    let out = icans()
        .args(["batch", "--threads", "20000"])
        .write_stdin("{\"seizure\":\"none\"}\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("20000 is not in 1..=64"));
}

fn batch_lines(args: &[&str], input: &[u8]) -> Vec<Value> {
    let out = icans()
        .arg("batch")
        .args(args)
        .write_stdin(input.to_vec())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect()
}

#[test]
fn an_oversized_record_is_an_error_in_its_place_in_every_input_format() {
    let long = format!("{{\"id\": \"{}\", \"ice_total\": 5}}", "x".repeat(3 << 20));
    let ndjson = format!("{{\"id\": 1, \"ice_total\": 8}}\n{long}\n{{\"id\": 3, \"ice_total\": 2}}\n");
    let out = batch_lines(&[], ndjson.as_bytes());
    assert_eq!(out.len(), 3);
    assert_eq!(out[0]["grade"], 1);
    assert_eq!(out[1]["line"], 2);
    let message = format!(
        "malformed input: record is {} bytes, over the 1 MiB limit",
        long.len()
    );
    assert!(
        out[1]["error"].as_str().unwrap().starts_with(&message),
        "{}",
        out[1]["error"]
    );
    assert_eq!(out[2]["grade"], 3);

    let array = format!("[{{\"id\": 1, \"ice_total\": 8}},\n{long},\n{{\"id\": 3, \"ice_total\": 2}}]");
    let out = batch_lines(
        &["--input-format", "json", "--max-record-bytes", "65536"],
        array.as_bytes(),
    );
    assert_eq!(out.len(), 3);
    assert!(
        out[1]["error"]
            .as_str()
            .unwrap()
            .contains("over the 64 KiB limit"),
        "{}",
        out[1]["error"]
    );
    assert_eq!(out[2]["grade"], 3);

    let csv = format!("id,ice_total\n1,8\n{},5\n3,2\n", "x".repeat(3 << 20));
    let out = batch_lines(&["--input-format", "csv"], csv.as_bytes());
    assert_eq!(out.len(), 3);
    assert_eq!(out[1]["line"], 3);
    assert!(out[1]["error"].as_str().unwrap().contains("over the 1 MiB limit"));
    assert_eq!(out[2]["grade"], 3);
}

/// Peak resident memory of a running child, in KiB, from /proc (the tests
/// that read it need it, and fail without it); 0 once the child has ended.
fn peak_kib(pid: u32) -> u64 {
    assert!(
        std::path::Path::new("/proc/self/status").exists(),
        "needs /proc (the test is #[ignore]d where there is none)"
    );
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

#[test]
#[ignore = "needs /proc to read peak memory (.ci/run runs it where there is one)"]
fn needs_proc_endless_lines_and_a_stalled_reader_keep_memory_bounded() {
    // 64 MB of zeros without a newline (as `< /dev/zero`), then a record.
    let mut child = Process::new(bin())
        .arg("batch")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("runs");
    let pid = child.id();
    let mut input = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || {
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            if input.write_all(&zeros).is_err() {
                return;
            }
        }
        let _ = input.write_all(b"\n{\"ice_total\": 8}\n");
    });
    let mut peak = 0;
    let mut out = String::new();
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let _ = stdout.read_to_string(&mut out);
        out
    });
    while !feeder.is_finished() {
        peak = peak.max(peak_kib(pid));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = feeder.join();
    let out = reader.join().expect("output");
    let _ = child.wait();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].contains("record is 67108864 bytes, over the 1 MiB limit"),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains("\"grade\":1"));
    assert!(peak > 0, "no reading of the peak memory was taken");
    assert!(peak < 64 * 1024, "peak RSS {peak} KiB");

    // 30,000 records and nobody reading the output for a while.
    let records: String = (0..30_000)
        .map(|i| format!("{{\"id\": {i}, \"ice_total\": {}}}\n", i % 11))
        .collect();
    let mut child = Process::new(bin())
        .args(["batch", "--threads", "4"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("runs");
    let pid = child.id();
    let mut input = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(records.as_bytes());
    });
    let mut stalled_peak = 0;
    for _ in 0..40 {
        stalled_peak = stalled_peak.max(peak_kib(pid));
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("reads");
    let _ = feeder.join();
    assert_eq!(child.wait().expect("ends").code(), Some(0));
    let ids: Vec<i64> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("JSON")["id"]
                .as_i64()
                .expect("id")
        })
        .collect();
    assert_eq!(ids, (0..30_000).collect::<Vec<i64>>(), "every result, in order");
    assert!(stalled_peak > 0, "no reading of the peak memory was taken");
    assert!(
        stalled_peak < 64 * 1024,
        "peak RSS with a stalled reader {stalled_peak} KiB"
    );
}

#[test]
fn csv_line_numbers_come_from_the_bytes() {
    let out = batch_lines(
        &["--input-format", "csv"],
        b"id,seizure\r\n1,bogus\r\n2,bogus\r\n",
    );
    let lines: Vec<i64> = out.iter().map(|v| v["line"].as_i64().unwrap()).collect();
    assert_eq!(lines, [2, 3]);
    let out = batch_lines(
        &["--input-format", "csv"],
        b"id,seizure\n1,bogus\n\n2,bogus\n\n\n3,bogus\n",
    );
    let lines: Vec<i64> = out.iter().map(|v| v["line"].as_i64().unwrap()).collect();
    assert_eq!(lines, [2, 4, 7]);
    let out = batch_lines(
        &["--input-format", "csv"],
        b"id,ice_orientation,ice_orientation\n1,,\n",
    );
    assert!(
        out[0]["error"]
            .as_str()
            .unwrap()
            .contains("column \"ice_orientation\" given more than once")
    );
    let out = batch_lines(
        &["--input-format", "csv", "--allow-unknown-fields"],
        b"id,ice_total,ward\n1,5,\xff\xfe\n",
    );
    assert_eq!(out[0]["grade"], 2, "an ignored column is never read");
}

#[test]
fn a_protocol_cannot_claim_to_be_the_built_in_one() {
    let file = icans::format::protocol::builtin_file().replace("Centre protocol (edit me)", "BUILT-IN");
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(file.as_bytes()).unwrap();
    let out = icans()
        .args(["grade", "--ice-total", "5", "--protocol"])
        .arg(f.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is reserved for the built-in protocol"));
}

#[test]
fn control_characters_never_reach_the_terminal_raw() {
    let out = icans()
        .arg("grade")
        .write_stdin(
            r#"{"patient_id":"p\nICANS grade 0\u001b[2J", "ice_total":0, "consciousness":"unarousable"}"#,
        )
        .output()
        .unwrap();
    let card = String::from_utf8_lossy(&out.stdout);
    assert!(
        card.starts_with(
            "patient p\\nICANS grade 0\\u{1b}[2J | adult (age not recorded, weight not recorded)\nICANS grade 4"
        ),
        "{card}"
    );
    assert!(!card.contains('\u{1b}'));
}

#[test]
fn small_inconsistencies_are_settled() {
    let v: Value = serde_json::from_slice(
        &icans()
            .args(["grade", "--format", "json"])
            .write_stdin(r#"{"ice_total": -0}"#)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(v["ice_total"], 0, "JSON -0 reads as 0, as CSV and flags do");
    let v: Value = serde_json::from_slice(
        &icans()
            .args(["grade", "--format", "json"])
            .write_stdin(r#"{"ice_total": 5, "assessed_at": " 2026-01-01T00:00:00Z"}"#)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(v["assessed_at"], " 2026-01-01T00:00:00Z", "echoed unchanged");
    let out = icans().args(["grade", "--age", "-3"]).output().unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--age: -3 is out of range"));
    let out = icans().args(["grade", "examples/records.csv"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("give CSV (or NDJSON) to `icans batch FILE`"));
    let out = icans()
        .args(["batch", "--format", "csv", "examples/records.ndjson"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("line,file,id"));
    let out = icans().args(["summary", "examples"]).output().unwrap();
    assert_eq!(out.status.code(), Some(74));
    assert_eq!(out.stdout, b"", "no empty report before the failure");
}

/// The lines of a help text's section (`Examples:`, `Exit status:`).
fn help_section(help: &str, heading: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with(heading))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(String::from)
        .collect()
}

/// A roff page's `.nf` section, as text.
fn page_section(page: &str, title: &str) -> Vec<String> {
    page.lines()
        .skip_while(|l| *l != format!(".SH \"{title}\""))
        .skip(2)
        .take_while(|l| *l != ".fi")
        .map(|l| l.replace("\\-", "-").replace("\\e", "\\").replace("\\&", ""))
        .collect()
}

#[test]
fn man_pages_exist_for_every_subcommand_with_their_own_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let out = icans().arg("man").arg("--dir").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    // Every command at every depth, from the help texts.
    let commands = common::all_commands();
    assert!(commands.len() >= 13, "{commands:?}");
    let mut names: Vec<String> = commands
        .iter()
        .map(|p| {
            std::iter::once("icans".to_string())
                .chain(p.iter().cloned())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect();
    names.sort();
    let mut written: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    // Beside the command pages, the map file format's (contract v4 §8).
    let format_page = written.iter().position(|n| n == "icans-map.5");
    assert!(format_page.is_some(), "icans-map.5 among {written:?}");
    written.retain(|n| n != "icans-map.5");
    let mut written: Vec<String> = written
        .iter()
        .map(|n| n.trim_end_matches(".1").to_string())
        .collect();
    written.sort();
    assert_eq!(
        written, names,
        "a page per command, map init and map check included"
    );
    for (path, name) in commands.iter().zip(commands.iter().map(|p| {
        std::iter::once("icans".to_string())
            .chain(p.iter().cloned())
            .collect::<Vec<_>>()
            .join("-")
    })) {
        let page = std::fs::read_to_string(dir.path().join(format!("{name}.1"))).unwrap();
        // Every page it refers to exists.
        for reference in page.split("icans").skip(1) {
            let Some(end) = reference.find("(1)") else {
                continue;
            };
            let named = format!("icans{}", &reference[..end]).replace("\\-", "-");
            if named.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                assert!(
                    names.contains(&named),
                    "{name}.1 refers to {named}(1), which is not written"
                );
            }
        }
        // Its exit status and examples are its own --help's, line for line.
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help =
            String::from_utf8(icans().args(&args).env("COLUMNS", "200").output().unwrap().stdout).unwrap();
        let statuses = help_section(&help, "Exit status");
        assert!(
            statuses.iter().any(|l| l.trim_start().starts_with("0 ")),
            "{name}: {statuses:?}"
        );
        assert_eq!(page_section(&page, "EXIT STATUS"), statuses, "{name}");
        let examples = help_section(&help, "Examples:");
        assert!(!examples.is_empty(), "{name} has no examples");
        assert_eq!(page_section(&page, "EXAMPLES"), examples, "{name}");
    }
    // Each command says its own statuses: grade's are not batch's.
    let grade = std::fs::read_to_string(dir.path().join("icans-grade.1")).unwrap();
    let batch = std::fs::read_to_string(dir.path().join("icans-batch.1")).unwrap();
    assert_ne!(
        page_section(&grade, "EXIT STATUS"),
        page_section(&batch, "EXIT STATUS")
    );
    // `icans man map init` prints the same page as --dir writes.
    let one = icans().args(["man", "map", "init"]).output().unwrap();
    assert_eq!(one.status.code(), Some(0));
    assert_eq!(
        one.stdout,
        std::fs::read(dir.path().join("icans-map-init.1")).unwrap()
    );
    let bad = icans().args(["man", "map", "nope"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("map-init"),
        "the pages are listed"
    );
}

/// Every line of every after-help (examples, exit statuses) fits 80
/// columns: a terminal of 80 shows them as written, so an example copied
/// from it is the whole command (clap would wrap a longer one, leaving a
/// continuation `\\` alone on its line).
#[test]
fn help_examples_are_not_wrapped_at_80_columns() {
    let commands = common::all_commands();
    for path in &commands {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let at = |columns: &str| {
            let out = icans().args(&args).env("COLUMNS", columns).output().unwrap();
            let text = String::from_utf8(out.stdout).unwrap();
            let mut tail: Vec<String> = help_section(&text, "Examples:");
            tail.extend(help_section(&text, "Exit status"));
            tail
        };
        let narrow = at("80");
        assert_eq!(narrow, at("1000"), "{path:?}: wrapped at 80 columns");
        for line in &narrow {
            assert!(line.chars().count() <= 80, "{path:?}: {line}");
            assert_ne!(line.trim(), "\\", "{path:?}: a lone continuation");
        }
    }
}

#[test]
fn a_closed_stdout_is_an_output_failure_but_dev_null_is_not() {
    let run = |redirect: &str, args: &str| {
        let out = Process::new("sh")
            .arg("-c")
            .arg(format!("{} {args} {redirect}", bin().display()))
            .output()
            .expect("sh runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    for args in [
        "batch examples/records.csv",
        "grade examples/grade2-adult.json",
        "--version",
        "schema record",
        "audit examples/audit.ndjson --format csv",
        "map init examples/site-export.csv",
    ] {
        let (code, err) = run(">&-", args);
        assert_eq!(code, Some(74), "{args}: {err}");
        assert!(err.contains("standard output is closed"), "{args}: {err}");
        let (code, _) = run(">/dev/null", args);
        assert_ne!(code, Some(74), "{args} into /dev/null");
        let (code, _) = run("1<>/dev/null", args);
        assert_ne!(code, Some(74), "{args} into /dev/null opened read-write");
    }
}

/// The defects: `icans grade < /dev/zero` and `icans assess < /dev/zero`
/// grew to gigabytes. Each now stops at its limit: grade at the record
/// limit (1 MiB), assess at an answer's (4 KiB); exit 65, nothing held.
#[test]
#[cfg(unix)]
fn endless_input_to_grade_and_assess_is_refused_at_the_limit() {
    for (args, says) in [
        (&["grade"][..], "record is over the 1 MiB limit"),
        (
            &["grade", "--format", "json"][..],
            "record is over the 1 MiB limit",
        ),
        (&["assess"][..], "an answer of more than 4096 bytes"),
    ] {
        let zero = std::fs::File::open("/dev/zero").expect("/dev/zero");
        let out = Process::new(bin()).args(args).stdin(zero).output().expect("runs");
        assert_eq!(out.status.code(), Some(65), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    // A file over the limit names its size.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    std::fs::write(&big, vec![b' '; 3 << 20]).unwrap();
    let out = Process::new(bin()).arg("grade").arg(&big).output().expect("runs");
    assert_eq!(out.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&out.stderr).contains("record is 3145728 bytes, over the 1 MiB limit"));
}

/// The defect: `map check` on a 100 MB cell peaked at 331 MB (the cell was
/// read whole). It reads as batch does: the record over the limit is a
/// refusal in its place, not held.
#[test]
fn map_check_refuses_an_oversized_record_as_batch_does() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("cell.csv");
    let mut text = String::from("loc,comments\n1,");
    text.push_str(&"x".repeat(3 << 20));
    text.push_str("\n1,ok\n");
    std::fs::write(&export, text).unwrap();
    let out = Process::new(bin())
        .args(["map", "check", "examples/site-export.map.toml"])
        .arg(&export)
        .arg("--allow-unknown-fields")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(65));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("(2 records)"), "{report}");
    assert!(
        report.contains("refused by the record builder, as batch refuses them: 1 of 2"),
        "{report}"
    );
    assert!(report.contains("over the 1 MiB limit"), "{report}");
}

/// Peak RSS (KiB) of `icans ARGS`, sampled from /proc while it runs.
fn peak_of(args: &[&str]) -> (u64, Option<i32>) {
    let mut child = Process::new(bin())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("runs");
    let pid = child.id();
    let mut peak = 0;
    loop {
        peak = peak.max(peak_kib(pid));
        if let Some(status) = child.try_wait().expect("waits") {
            return (peak, status.code());
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// The defects: `batch --threads 16` and more peaked at 66-88 MB (glibc's
/// per-thread arenas, now capped in src/cli/platform.rs), and `map init` on
/// 100,000 columns took 70 s (its time is benches/memory.sh's). Both
/// within 64 MiB.
#[test]
#[ignore = "needs /proc to read peak memory (.ci/run runs it where there is one)"]
fn needs_proc_every_thread_count_and_a_wide_export_stay_within_64_mib() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("r.ndjson");
    let mut text = String::new();
    for i in 0..100_000 {
        text.push_str(&format!(
            "{{\"id\":{i},\"patient_id\":\"P{}\",\"day\":{},\"ice_total\":{},\"consciousness\":\"alert\",\"seizure\":\"none\",\"motor\":\"none\",\"edema\":\"none\",\"temperature_c\":38.{},\"hypotension\":\"none\",\"hypoxia\":\"low_flow\"}}\n",
            i / 8,
            i % 8,
            i % 11,
            i % 10
        ));
    }
    std::fs::write(&records, text).unwrap();
    let path = records.display().to_string();
    for threads in ["1", "16", "64"] {
        let (peak, code) = peak_of(&["batch", &path, "--threads", threads]);
        assert_eq!(code, Some(0));
        assert!(
            peak > 0 && peak < 64 * 1024,
            "--threads {threads}: peak RSS {peak} KiB"
        );
    }
    // Tiny records with large results (a 16-byte record, a 3 KB result
    // with the CRS step): each chunk holds at most CHUNK_RECORDS, so the
    // output held for the chunks in flight stays bounded in every input
    // format (it was 175 MB at 16 threads for 128 KB chunks of them).
    let tiny = [
        ("tiny.ndjson", "{\"crs_grade\":4}\n".repeat(60_000)),
        ("tiny.csv", format!("crs_grade\n{}", "4\n".repeat(60_000))),
        (
            "tiny.json",
            format!("[{}{{\"crs_grade\":4}}]", "{\"crs_grade\":4},".repeat(59_999)),
        ),
    ];
    for (name, text) in tiny {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        for threads in ["1", "16", "64"] {
            let (peak, code) = peak_of(&["batch", &file.display().to_string(), "--threads", threads]);
            assert_eq!(code, Some(0), "{name}");
            assert!(
                peak > 0 && peak < 64 * 1024,
                "{name} --threads {threads}: peak RSS {peak} KiB"
            );
        }
    }
    let wide = dir.path().join("wide.csv");
    let mut text: String = (0..100_000)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    text.push('\n');
    for r in 0..20 {
        text.push_str(
            &(0..100_000)
                .map(|i| ((i * r) % 7).to_string())
                .collect::<Vec<_>>()
                .join(","),
        );
        text.push('\n');
    }
    std::fs::write(&wide, text).unwrap();
    let (peak, code) = peak_of(&["map", "init", &wide.display().to_string()]);
    assert_eq!(code, Some(0));
    assert!(
        peak > 0 && peak < 64 * 1024,
        "map init, 100k columns: peak RSS {peak} KiB"
    );
}

/// Contract v4 §10 (issue 33): `summary --by` held every group's figures
/// (317 MB for 300,000 groups, 80 MB for the 70,000 here); the groups now
/// move to disk past the budget, as patients do. `audit --by` likewise (its
/// groups were a spilled map already: one format checks it).
#[test]
#[ignore = "needs /proc to read peak memory (.ci/run runs it where there is one)"]
fn needs_proc_any_number_of_groups_stays_within_64_mib() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("groups.ndjson");
    let mut text = String::new();
    for i in 0..70_000 {
        text.push_str(&format!(
            "{{\"id\":{i},\"patient_id\":\"P{i}\",\"day\":1,\"product\":\"PRODUCT-{i:07}\",\"ice_total\":{},\"consciousness\":\"alert\",\"recorded_grade\":{},\"recorded_scale\":\"astct\"}}\n",
            10 - i % 11,
            i % 3
        ));
    }
    std::fs::write(&records, text).unwrap();
    let path = records.display().to_string();
    let runs = [
        ("summary", "text"),
        ("summary", "json"),
        ("summary", "csv"),
        ("audit", "text"),
    ];
    for (command, format) in runs {
        let (peak, code) = peak_of(&[command, &path, "--by", "product", "--format", format]);
        assert_eq!(code, Some(0), "{command} {format}");
        assert!(
            peak > 0 && peak < 64 * 1024,
            "{command} --by product --format {format}, 70,000 groups: peak RSS {peak} KiB"
        );
    }
}

/// Contract v4 §11: the pictures are bounded as `summary` is: `plot
/// incidence` on 70,000 groups (a line each, the curves on disk past the
/// budget, the SVG written as they are read back), and `plot course` on a
/// patient of 10,000 assessed days (the most it draws; one more day is
/// refused, exit 65, nothing written).
#[test]
#[ignore = "needs /proc to read peak memory (.ci/run runs it where there is one)"]
fn needs_proc_pictures_stay_within_64_mib() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("groups.ndjson");
    let mut text = String::new();
    for i in 0..70_000 {
        text.push_str(&format!(
            "{{\"id\":{i},\"patient_id\":\"P{i}\",\"day\":{},\"product\":\"PRODUCT-{i:07}\",\"ice_total\":{},\"consciousness\":\"alert\",\"crs_grade\":{}}}\n",
            i % 30,
            10 - i % 11,
            i % 5
        ));
    }
    std::fs::write(&records, text).unwrap();
    let path = records.display().to_string();
    for format in ["svg", "html"] {
        let (peak, code) = peak_of(&["plot", "incidence", &path, "--by", "product", "--format", format]);
        assert_eq!(code, Some(0), "plot incidence {format}");
        assert!(
            peak > 0 && peak < 64 * 1024,
            "plot incidence --by product --format {format}, 70,000 groups: peak RSS {peak} KiB"
        );
    }
    for (days, want) in [(10_000, 0), (10_001, 65)] {
        let long = dir.path().join("long.ndjson");
        let mut text = String::new();
        for day in 0..days {
            text.push_str(&format!(
                "{{\"patient_id\":\"L\",\"day\":{day},\"ice_total\":{},\"consciousness\":\"alert\",\"seizure\":\"none\",\"motor\":\"none\",\"edema\":\"none\",\"temperature_c\":38.5}}\n",
                10 - day % 11
            ));
        }
        std::fs::write(&long, text).unwrap();
        let long = long.display().to_string();
        let (peak, code) = peak_of(&["plot", "course", &long, "--patient", "L"]);
        assert_eq!(code, Some(want), "{days} days");
        assert!(
            peak > 0 && peak < 64 * 1024,
            "plot course, {days} days: peak RSS {peak} KiB"
        );
    }
}

/// Contract v4 §10: every text printed to a terminal, file names included,
/// has its control characters escaped: a file name never writes to the
/// terminal raw ("invalid: FILE:LINE", "cannot read FILE", the map's and the
/// protocol's names).
#[test]
fn file_names_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let name = "x\u{1b}[2J\rfake.ndjson";
    let path = dir.path().join(name);
    std::fs::write(&path, "{\"ice_totl\": 5}\n").unwrap();
    let missing = dir.path().join("gone\u{1b}[31m.ndjson");
    let map = dir.path().join("m\u{1b}]0;t\u{7}.toml");
    std::fs::write(&map, "[columns]\nnot_a_field = \"x\"\n").unwrap();
    let protocol = dir.path().join("p\u{1b}[1m.toml");
    std::fs::write(&protocol, "name = 3\n").unwrap();
    let p = |x: &std::path::Path| x.to_str().unwrap().to_string();
    for (args, code) in [
        (vec!["batch".to_string(), p(&path)], 65),
        (vec!["batch".to_string(), p(&missing)], 74),
        (vec!["summary".to_string(), p(&missing)], 74),
        (vec!["audit".to_string(), p(&missing)], 74),
        (vec!["batch".to_string(), p(&path), "--map".into(), p(&map)], 2),
        (
            vec![
                "grade".to_string(),
                "--ice-total".into(),
                "5".into(),
                "--protocol".into(),
                p(&protocol),
            ],
            2,
        ),
        (vec!["grade".to_string(), p(&path)], 65),
    ] {
        let out = Process::new(bin()).args(&args).output().expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(!err.is_empty(), "{args:?}");
        for raw in ['\u{1b}', '\r', '\u{7}'] {
            assert!(!err.contains(raw), "{args:?}: raw {raw:?} in {err:?}");
        }
    }
}

/// Contract v4 §10: an output that is the same file as any input (device
/// and inode: hard links, symbolic links and standard input included) is
/// refused with exit 2 before anything is read, on batch (-o and --invalid),
/// summary and audit; the input is left whole. /dev/null as both is no
/// regular file: written directly.
#[cfg(unix)]
#[test]
fn an_output_that_is_an_input_by_any_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.ndjson");
    let original = std::fs::read("examples/records.ndjson").unwrap();
    std::fs::write(&input, &original).unwrap();
    let hard = dir.path().join("hard.ndjson");
    std::fs::hard_link(&input, &hard).unwrap();
    let soft = dir.path().join("soft.ndjson");
    std::os::unix::fs::symlink(&input, &soft).unwrap();
    let (i, h, s) = (
        input.to_str().unwrap(),
        hard.to_str().unwrap(),
        soft.to_str().unwrap(),
    );
    let stdin = || Stdio::from(std::fs::File::open(&input).unwrap());
    for (args, from_stdin) in [
        (vec!["batch", i, "-o", h], false),
        (vec!["batch", i, "-o", s], false),
        (vec!["batch", i, "--invalid", h], false),
        (vec!["batch", "-", "-o", i], true),
        (vec!["batch", "-o", h], true),
        (vec!["summary", "-o", i], true),
        (vec!["summary", i, "-o", h], false),
        (vec!["audit", "-o", s], true),
        (vec!["audit", i, "-o", h], false),
    ] {
        let mut cmd = Process::new(bin());
        cmd.args(&args);
        if from_stdin {
            cmd.stdin(stdin());
        }
        let out = cmd.output().expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("the output file is also an input"),
            "{args:?}: {err}"
        );
        assert_eq!(
            std::fs::read(&input).unwrap(),
            original,
            "{args:?}: the input is whole"
        );
    }
    let out = Process::new(bin())
        .args(["batch", "-", "-o", "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Contract v4 §10: `-o FILE` is written to a temporary file beside it and
/// renamed over FILE when the command ends (after exit 65 too), keeping an
/// existing FILE's permissions; a killed run leaves FILE as it was; a
/// symbolic link's target is replaced; /dev/null is written directly.
#[cfg(unix)]
#[test]
fn dash_o_replaces_the_file_only_when_the_command_ends() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.ndjson");
    std::fs::write(&out, "earlier run\n").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    // A run killed while it waits for more input: the file is as it was.
    let mut child = Process::new(bin())
        .args(["batch", "-", "-o", out.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("runs");
    let mut stdin = child.stdin.take().expect("stdin");
    for i in 0..2000 {
        writeln!(stdin, "{{\"id\": {i}, \"ice_total\": 5}}").unwrap();
    }
    stdin.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    child.kill().unwrap();
    let _ = child.wait();
    drop(stdin);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "earlier run\n",
        "a killed run"
    );
    // A run that ends (exit 65: one record refused) replaces it, keeping
    // its permissions.
    let run = Process::new(bin())
        .args(["batch", "examples/records.ndjson", "-o", out.to_str().unwrap()])
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(65));
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().count(), 8, "{written}");
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // A symbolic link: its target replaced, the link kept.
    let link = dir.path().join("link.ndjson");
    std::os::unix::fs::symlink(&out, &link).unwrap();
    let run = Process::new(bin())
        .args([
            "grade",
            "--ice-total",
            "5",
            "--format",
            "json",
            "-o",
            link.to_str().unwrap(),
        ])
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(0));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(&out).unwrap().contains("\"grade\": 2"));
    // No temporary file is left behind by runs that end.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".icans-"))
        .collect();
    assert!(left.len() <= 1, "only the killed run's: {left:?}");
    // A new file: the permissions any created file gets here (umask).
    let fresh = dir.path().join("fresh.ndjson");
    let reference = dir.path().join("reference");
    std::fs::File::create(&reference).unwrap();
    let run = Process::new(bin())
        .args(["grade", "--ice-total", "5", "-o", fresh.to_str().unwrap()])
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(0));
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&fresh), mode(&reference));
    let run = Process::new(bin())
        .args(["batch", "examples/records.ndjson", "-o", "/dev/null"])
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(65));
}

/// Contract v4 §10: an `--invalid` file that cannot be created does not
/// stop the grading: an alert is still exit 3; else exit 74, every record
/// still written to the output.
#[test]
fn an_invalid_file_that_cannot_be_created_does_not_stop_grading() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("no-such-dir").join("invalid.ndjson");
    let run = |alert: bool| {
        let mut cmd = Process::new(bin());
        cmd.args([
            "batch",
            "examples/records.ndjson",
            "--invalid",
            bad.to_str().unwrap(),
        ]);
        if alert {
            cmd.args(["--fail-at-grade", "3"]);
        }
        cmd.output().expect("runs")
    };
    let out = run(true);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 8);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert!(
        !stderr.contains(".icans-"),
        "the temporary name is not shown: {stderr}"
    );
    assert!(
        stderr.contains("in its place in the output (not in ")
            && stderr.contains(": it could not be written)"),
        "the file that failed is not suggested again: {stderr}"
    );
    assert!(!stderr.contains("--invalid FILE writes"), "{stderr}");
    let out = run(false);
    assert_eq!(out.status.code(), Some(74));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 8);
}

/// Contract v4 §10: a map that reads local date-times (`[dates]
/// assessed_at`) refuses a TZ that is no time zone (exit 2, naming it) in
/// `batch` and `map check` alike, rather than reading it as UTC; TZ names
/// a file of at most 1 MiB (TZ=/dev/zero ends at once); a map without
/// local date-times ignores TZ.
#[cfg(unix)]
#[test]
fn a_time_zone_that_is_none_is_refused_by_maps_that_read_local_times() {
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("tz.map.toml");
    std::fs::write(
        &map,
        "[columns]\nid = \"id\"\nice_total = \"ice\"\n\n[dates]\nassessed_at = [\"when\"]\n",
    )
    .unwrap();
    let plain = dir.path().join("plain.map.toml");
    std::fs::write(&plain, "[columns]\nid = \"id\"\nice_total = \"ice\"\n").unwrap();
    let csv = dir.path().join("export.csv");
    std::fs::write(&csv, "id,ice,when\n1,5,2024-03-01 10:00\n").unwrap();
    let batch = |tz: &str, map: &std::path::Path| {
        Process::new(bin())
            .env("TZ", tz)
            .args([
                "batch",
                csv.to_str().unwrap(),
                "--allow-unknown-fields",
                "--fields",
                "id,assessed_at",
            ])
            .args(["--map", map.to_str().unwrap()])
            .output()
            .expect("runs")
    };
    for (tz, offset) in [
        ("JST-9", "+09:00"),
        ("<+0330>-3:30", "+03:30"),
        ("CET-1CEST,M3.5.0,M10.5.0/3", "+01:00"),
        ("UTC", "+00:00"),
    ] {
        let out = batch(tz, &map);
        assert_eq!(
            out.status.code(),
            Some(0),
            "TZ={tz}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("{{\"id\":\"1\",\"assessed_at\":\"2024-03-01T10:00:00{offset}\"}}\n"),
            "TZ={tz}"
        );
    }
    for (tz, why) in [
        (
            "Nowhere/Bogus",
            "is neither a zone name here nor a POSIX TZ string",
        ),
        ("CET-1CEST", "is neither a zone name here nor a POSIX TZ string"),
        ("/dev/zero", "names no regular file"),
        ("/etc/passwd", "names a file that is no time zone (TZif) file"),
    ] {
        let out = batch(tz, &map);
        assert_eq!(out.status.code(), Some(2), "TZ={tz}");
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with(&format!("icans: TZ={tz}: {why} (allowed: ")),
            "{stderr}"
        );
        let check = Process::new(bin())
            .env("TZ", tz)
            .args(["map", "check", map.to_str().unwrap(), csv.to_str().unwrap()])
            .output()
            .expect("runs");
        assert_eq!(check.status.code(), Some(2), "map check, TZ={tz}");
        // A map without local date-times: TZ is not read.
        let out = batch(tz, &plain);
        assert_eq!(out.status.code(), Some(0), "TZ={tz}, no [dates]");
    }
}

/// Every command stays within 64 MiB whatever its input (contract v4 §10):
/// a map or protocol file was read whole (`--map /dev/zero` grew without
/// end; an 8 MiB map peaked at 212 MB). They are read to 1 MiB, no more:
/// a longer one is a usage error (2) naming it and the limit.
#[test]
fn a_map_or_protocol_over_1_mib_is_refused_without_being_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    let mut text = String::from("[columns]\nseizure = \"sz\"\n\n[values.seizure]\n");
    let mut i = 0;
    while text.len() <= 1 << 20 {
        text.push_str(&format!("\"c{i}\" = \"none\"\n"));
        i += 1;
    }
    std::fs::write(&big, &text).unwrap();
    let csv = dir.path().join("e.csv");
    std::fs::write(&csv, "sz\nc1\n").unwrap();
    let (big, csv) = (big.display().to_string(), csv.display().to_string());
    let mut runs = vec![
        (vec!["batch", "--map", &big, &csv], format!("invalid map {big}")),
        (vec!["map", "check", &big, &csv], format!("invalid map {big}")),
        (
            vec!["grade", "--protocol", &big, "--seizure", "none"],
            format!("invalid protocol {big}"),
        ),
    ];
    if std::path::Path::new("/dev/zero").exists() {
        runs.push((
            vec!["batch", "--map", "/dev/zero", &csv],
            "invalid map /dev/zero".into(),
        ));
        runs.push((
            vec!["grade", "--protocol", "/dev/zero", "--seizure", "none"],
            "invalid protocol /dev/zero".into(),
        ));
    }
    for (args, named) in runs {
        let out = Process::new(bin())
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("icans: {named}: over the 1 MiB limit (allowed: a TOML file of at most 1 MiB)\n"),
            "{args:?}"
        );
    }
    // Just under the limit is read (the same map, shorter).
    let small = dir.path().join("small.toml");
    std::fs::write(&small, &text[..text[..1 << 20].rfind('\n').unwrap() + 1]).unwrap();
    let out = Process::new(bin())
        .args(["batch", "--map", &small.display().to_string(), &csv])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Contract v4 §10 (issue 34): `map init --dictionary` held the whole
/// dictionary (a 68 MB one took 182 MB here) and searched each code's
/// label code by code (60,000 choices in one cell: 8.4 s). The dictionary
/// is now read after the export, keeping only the export's columns, and
/// its labels looked up by hash (benches/memory.sh has the times).
#[test]
#[ignore = "needs /proc to read peak memory (.ci/run runs it where there is one)"]
fn needs_proc_a_large_dictionary_stays_within_64_mib() {
    let dir = tempfile::tempdir().unwrap();
    let dict = dir.path().join("dictionary.csv");
    let mut text = String::from(
        "Variable / Field Name,Form Name,Section Header,Field Type,Field Label,\"Choices, Calculations, OR Slider Labels\"\n\
         sz,f,,radio,Seizure,\"0, None | 1, Clinical seizure that resolves rapidly\"\n",
    );
    for v in 0..1000 {
        let choices: Vec<String> = (0..600)
            .map(|i| format!("{i}, A fairly long choice label number {i} of variable {v}"))
            .collect();
        text.push_str(&format!(
            "v{v},f,,dropdown,Variable {v},\"{}\"\n",
            choices.join(" | ")
        ));
    }
    std::fs::write(&dict, text).unwrap();
    let export = dir.path().join("export.csv");
    std::fs::write(&export, "sz\n1\n").unwrap();
    let (peak, code) = peak_of(&[
        "map",
        "init",
        &export.display().to_string(),
        "--dictionary",
        &dict.display().to_string(),
    ]);
    assert_eq!(code, Some(0));
    assert!(
        peak > 0 && peak < 64 * 1024,
        "map init --dictionary, 36 MB: peak RSS {peak} KiB"
    );
}
