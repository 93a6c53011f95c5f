//! Every shell example the README and the help texts show is run here, so
//! that none can go stale: the examples are extracted from README.md's
//! ```sh blocks and from the `Examples:` section of every command's
//! `--help` (not from a hand-kept list), and each runs with `bash` in a
//! scratch directory holding `examples/` and the few input files the
//! examples name (`record.json`, `export.csv`, ...), with the built `icans`
//! first on PATH.
//!
//! A command passes when it exits with 0, or with the exit status its
//! comment names ("Exit 65 until done", "# exit 3"), or 3 where it asks for
//! an alert (`--fail-at-grade`, `--fail-below-kappa`), and nothing panics.
//! An interactive `icans assess` (no answers piped in) is run with no input
//! and must ask its first question and stop with exit 74, never a usage
//! error. The toolchain's own commands (`cargo test`, the benchmarks, CI)
//! are not product examples and are listed as skipped, with why.

use std::path::Path;
use std::process::{Command, Stdio};

mod common;

/// One example: where it was shown, the command line (continuations
/// joined), and the comment words that go with it.
#[derive(Debug, Clone)]
struct Example {
    source: String,
    command: String,
    comment: String,
}

/// Strips ANSI styles (help written to a pipe may carry them).
fn plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The code and the comment of a shell line (`#` outside quotes).
fn split_comment(line: &str) -> (String, String) {
    let (mut single, mut double) = (false, false);
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && prev.is_whitespace() => {
                return (line[..i].trim_end().to_string(), line[i + 1..].trim().to_string());
            }
            _ => {}
        }
        prev = c;
    }
    (line.trim_end().to_string(), String::new())
}

/// Commands from shell lines: `\` continuations joined, comment-only lines
/// kept as the comment of the next command.
fn commands(source: &str, lines: &[&str]) -> Vec<Example> {
    let mut out = Vec::new();
    let mut paragraph_comment = String::new();
    let mut pending = String::new();
    for raw in lines {
        let line = raw.trim();
        if line.is_empty() {
            paragraph_comment.clear();
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            paragraph_comment.push_str(c.trim());
            paragraph_comment.push(' ');
            continue;
        }
        if let Some(head) = line.strip_suffix('\\') {
            pending.push_str(head.trim_end());
            pending.push(' ');
            continue;
        }
        let full = format!("{pending}{line}");
        pending.clear();
        let (command, comment) = split_comment(&full);
        out.push(Example {
            source: source.to_string(),
            command,
            comment: format!("{paragraph_comment}{comment}"),
        });
        paragraph_comment.clear();
    }
    out
}

/// Every command of the README's ```sh blocks.
fn readme_examples() -> Vec<Example> {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    let mut out = Vec::new();
    let mut block: Option<(usize, Vec<&str>)> = None;
    for (n, line) in readme.lines().enumerate() {
        let fence = line.trim_start();
        match &mut block {
            None if fence == "```sh" => block = Some((n + 1, Vec::new())),
            Some((start, lines)) if fence.starts_with("```") => {
                out.extend(commands(&format!("README.md:{start}"), lines));
                block = None;
            }
            Some((_, lines)) => lines.push(line),
            None => {}
        }
    }
    out
}

/// The help text of `icans ARGS --help`, without styles.
fn help(args: &[&str]) -> String {
    let mut all: Vec<&str> = args.to_vec();
    all.push("--help");
    plain(&common::stdout_of(&all))
}

/// Every command of every help text's `Examples:` section, each command's
/// examples in order (a later one may read what an earlier one wrote).
fn help_examples() -> Vec<(String, Vec<Example>)> {
    let mut out = Vec::new();
    let mut queue: Vec<Vec<String>> = vec![Vec::new()];
    while let Some(path) = queue.pop() {
        let args: Vec<&str> = path.iter().map(String::as_str).collect();
        let text = help(&args);
        for sub in common::subcommands(&text) {
            let mut p = path.clone();
            p.push(sub);
            queue.push(p);
        }
        let name = format!("icans {} --help", path.join(" "));
        let lines: Vec<&str> = text
            .lines()
            .skip_while(|l| l.trim() != "Examples:")
            .skip(1)
            .take_while(|l| !l.trim().is_empty())
            .collect();
        out.push((name.clone(), commands(&name, &lines)));
    }
    out
}

/// Why an example is not run, when it is the toolchain's rather than the
/// product's.
fn skipped(command: &str) -> Option<&'static str> {
    [
        ("cargo test", "runs this test suite itself"),
        (
            "cargo run --release --example",
            "a benchmark tool (README, Performance)",
        ),
        (
            "target/release/",
            "the benchmark, on a release build of 1M records",
        ),
        ("python3 benches/", "the benchmark's Python baseline"),
        ("bash benches/", "the benchmark runner (benches/compare.py)"),
        ("bash .ci/run", "CI itself"),
        (
            "rustup target add",
            "installs a toolchain target (.ci/run adds it)",
        ),
        (
            "cargo build --release --locked --target",
            "the static build, which .ci/run makes and runs (tests/platform.rs)",
        ),
        (
            "cargo build --release --locked",
            "the release build the benchmark times (README, Performance)",
        ),
    ]
    .iter()
    .find(|(prefix, _)| command.starts_with(prefix))
    .map(|(_, why)| *why)
}

/// A scratch directory with `examples/`, the input files the examples
/// name, and a `bin/` for PATH: `icans`, and stand-ins for the commands an
/// example pipes into (`page-the-team`, `notify-team`, `man`), which
/// record that they ran.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let d = dir.path();
    // examples/ and its folders (examples/registry/).
    common::copy_examples(d);
    let cohort = std::fs::read_to_string("examples/cohort.ndjson").expect("cohort");
    let lines: Vec<&str> = cohort.lines().collect();
    let half = lines.len() / 2;
    let files = [
        (
            "record.json",
            std::fs::read_to_string("examples/grade2-adult.json").expect("record"),
        ),
        ("export.ndjson", cohort.clone()),
        ("day1.ndjson", lines[..half].join("\n") + "\n"),
        ("day2.ndjson", lines[half..].join("\n") + "\n"),
        ("export.json", format!("[\n{}\n]\n", lines.join(",\n"))),
        (
            "export.csv",
            "id,patient_id,day,ice_total,consciousness,seizure,motor,edema,recorded_grade\n\
             1,P-1,1,10,alert,none,none,none,0\n\
             2,P-1,2,6,awakens_to_voice,none,none,none,2\n\
             3,P-2,1,8,alert,none,none,none,1\n"
                .to_string(),
        ),
    ];
    for (name, text) in files {
        std::fs::write(d.join(name), text).expect("fixture");
    }
    let bin = d.join("bin");
    std::fs::create_dir(&bin).expect("bin/");
    let icans = assert_cmd::cargo::cargo_bin("icans");
    let script = |name: &str, body: String| {
        let path = bin.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("script");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
    };
    script("icans", format!("exec '{}' \"$@\"", icans.display()));
    for stand_in in ["page-the-team", "notify-team"] {
        script(stand_in, format!("echo {stand_in} >> ran.log"));
    }
    script("man", "test -s \"$1\" && echo man >> ran.log".to_string());
    dir
}

/// What an example may exit with.
fn allowed_exits(e: &Example) -> Vec<i32> {
    let mut allowed = vec![0];
    let words = e.comment.to_ascii_lowercase();
    if !e.command.contains("||") {
        if let Some(rest) = words.split("exit ").nth(1) {
            let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = n.parse() {
                allowed = vec![n];
            }
        }
        if ["--fail-at-grade", "--fail-at-crs-grade", "--fail-below-kappa"]
            .iter()
            .any(|f| e.command.contains(f))
        {
            allowed.push(3);
        }
    }
    allowed
}

/// An `icans assess` that waits for a person at the keyboard.
fn interactive(command: &str) -> bool {
    let run = command.replace("cargo run --release -- ", "icans ");
    run.starts_with("icans assess") && !run.contains('<')
}

/// Runs one example in `dir`; the problem, if any.
fn run(e: &Example, dir: &Path) -> Option<String> {
    let command = e.command.replace("cargo run --release -- ", "icans ");
    let path = format!(
        "{}:{}",
        dir.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let interactive = interactive(&command);
    let out = Command::new("bash")
        .args(["-o", "pipefail", "-c", &command])
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", dir)
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
    let code = out.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    if stderr.contains("panicked") || stdout.contains("panicked") {
        return Some(format!("panicked:\n{stderr}"));
    }
    if interactive {
        // No answers: it asks the first question, then stops (exit 74).
        return (code != 74 || !stderr.contains("(question 1 of"))
            .then(|| format!("interactive run: exit {code}, expected 74 after asking\n{stderr}"));
    }
    let allowed = allowed_exits(e);
    (!allowed.contains(&code)).then(|| format!("exit {code}, expected one of {allowed:?}\n{stderr}"))
}

#[test]
fn every_shell_example_of_the_readme_and_the_help_texts_runs() {
    let mut groups: Vec<(String, Vec<Example>)> = vec![("README.md".into(), readme_examples())];
    groups.extend(help_examples());
    let mut failures = Vec::new();
    let (mut ran, mut skips) = (0, Vec::new());
    for (name, examples) in &groups {
        // Each README or help text in its own directory, its examples in
        // order (step 2 reads what step 1 wrote).
        let dir = scratch();
        for e in examples {
            if let Some(why) = skipped(&e.command) {
                skips.push(format!("{}: {} ({why})", e.source, e.command));
                continue;
            }
            ran += 1;
            if let Some(problem) = run(e, dir.path()) {
                failures.push(format!("{name}: `{}`: {problem}", e.command));
            }
        }
    }
    eprintln!(
        "ran {ran} examples; skipped {}:\n  {}",
        skips.len(),
        skips.join("\n  ")
    );
    assert!(
        failures.is_empty(),
        "{} failing examples:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    // The extraction itself is checked: the README's sections and every
    // command's help text have examples.
    assert!(ran >= 40, "only {ran} examples found");
    for (name, examples) in &groups {
        let product = ["grade", "batch", "assess", "summary", "audit", "map"];
        if product.iter().any(|p| name == &format!("icans {p} --help")) {
            assert!(!examples.is_empty(), "{name} shows no examples");
        }
    }
}

#[test]
fn the_extraction_joins_continuations_and_reads_comments() {
    let lines = [
        "# 2. check. Exit 65 until done.",
        "icans map check a.toml b.csv \\",
        "  --allow-unknown-fields   # trailing",
        "",
        "echo '# not a comment' | icans grade -  # exit 3 from grade 3",
    ];
    let got = commands("t", &lines);
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0].command,
        "icans map check a.toml b.csv --allow-unknown-fields"
    );
    assert_eq!(allowed_exits(&got[0]), [65]);
    assert_eq!(got[1].command, "echo '# not a comment' | icans grade -");
    assert_eq!(allowed_exits(&got[1]), [3]);
    assert!(interactive("cargo run --release -- assess"));
    assert!(!interactive("icans assess < answers.txt"));
    assert_eq!(plain("\x1b[1mgrade\x1b[0m x"), "grade x");
}
