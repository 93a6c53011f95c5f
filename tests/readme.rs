//! The README's examples are real output: each shown run is run again here.

mod common;

use assert_cmd::Command;

fn output(args: &[&str]) -> String {
    let out = Command::cargo_bin("icans").unwrap().args(args).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// Each ```sh block of one `icans` command followed by a plain ``` block:
/// (the command, where the output block's body starts and ends in the
/// README).
fn shown_outputs(readme: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(i) = readme[rest..].find("```sh\n") {
        let start = rest + i + "```sh\n".len();
        let Some(end) = readme[start..].find("```\n") else {
            break;
        };
        let body = &readme[start..start + end];
        rest = start + end + 4;
        // One command, its `\` continuations joined.
        let joined = body.replace("\\\n", " ");
        let lines: Vec<&str> = joined.lines().collect();
        let command = match lines.as_slice() {
            [one] if one.starts_with("icans ") => one.split(" # ").next().unwrap_or(one).trim().to_string(),
            _ => continue,
        };
        let after = &readme[rest..];
        if let Some(block) = after.strip_prefix("\n```\n") {
            let body_start = rest + "\n```\n".len();
            if let Some(len) = block.find("```\n") {
                out.push((command, body_start..body_start + len));
            }
        }
    }
    out
}

/// Held by each test that may rewrite README.md (`UPDATE_README=1`), so
/// that one does not write back what it read before the other's change.
static README_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// What `icans ARGS` prints (stdout), run in the repository.
fn run_shown(command: &str) -> String {
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    output(&args)
}

/// Every output block the README shows after a one-command ```sh block is
/// the current build's output of that command (with `UPDATE_README=1` the
/// blocks are rewritten from the build; review the diff).
#[test]
fn the_readme_shows_real_output() {
    let _one_writer = README_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let mut readme = std::fs::read_to_string("README.md").unwrap();
    let shown = shown_outputs(&readme);
    assert!(shown.len() >= 7, "only {} shown outputs found", shown.len());
    if std::env::var_os("UPDATE_README").is_some() {
        for (command, range) in shown.iter().rev() {
            readme.replace_range(range.clone(), &run_shown(command));
        }
        std::fs::write("README.md", &readme).unwrap();
    }
    let mut stale = Vec::new();
    for (command, range) in shown_outputs(&readme) {
        let now = run_shown(&command);
        if readme[range] != now {
            stale.push(format!("`{command}` now prints:\n{now}"));
        }
    }
    assert!(
        stale.is_empty(),
        "README outputs are stale:\n{}",
        stale.join("\n")
    );
    // The cards the safety rules are shown with (README, children, other
    // causes, CRS) are among them.
    let commands: Vec<String> = shown_outputs(&readme).into_iter().map(|(c, _)| c).collect();
    for example in [
        "icans grade examples/child-status-epilepticus.json",
        "icans grade examples/sedated-masked.json",
        "icans grade examples/excluded-status-epilepticus.json",
        "icans grade examples/fever-not-recorded.json",
        "icans summary examples/cohort.ndjson",
    ] {
        assert!(
            commands.iter().any(|c| c == example),
            "README shows no output of `{example}`"
        );
    }
}

#[test]
fn the_readme_first_screen_has_the_set_up_commands() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let first_screen: String = readme.lines().take(25).collect::<Vec<_>>().join("\n");
    assert!(first_screen.contains("cargo run --release -- grade examples/grade2-adult.json"));
    assert!(first_screen.contains("cargo test"));
    assert!(std::path::Path::new("examples/grade2-adult.json").exists());
}

/// The ASTCT table as a document shows it: for each finding row, the values
/// named in each grade's cell.
fn table_row(doc: &str, domain: &str) -> Vec<Vec<String>> {
    let line = doc
        .lines()
        .find(|l| l.starts_with(&format!("| {domain} |")))
        .unwrap_or_else(|| panic!("no `{domain}` row"));
    line.trim_matches('|')
        .split('|')
        .skip(1)
        .map(|cell| {
            cell.split(',')
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect()
        })
        .collect()
}

/// The grading table the README and docs/spec.md show is the oracle's
/// (tests/data/astct-2019.json), cell by cell.
#[test]
fn the_readme_and_spec_grading_tables_match_the_oracle() {
    let oracle = common::oracle();
    for path in ["README.md", "docs/spec.md"] {
        let doc = std::fs::read_to_string(path).unwrap();
        for domain in ["consciousness", "seizure", "motor", "edema"] {
            let row = table_row(&doc, domain);
            for (value, grade) in common::oracle_findings(domain) {
                assert!(
                    row[usize::from(grade)].contains(&value),
                    "{path}: {domain} {value} at grade {grade}"
                );
            }
            let shown: usize = row.iter().map(Vec::len).sum();
            assert_eq!(shown, common::oracle_findings(domain).len(), "{path}: {domain}");
        }
        let ice = table_row(&doc, "encephalopathy, ICE total");
        let grades = oracle["ice_total_grade"].as_array().unwrap();
        for (grade, cell) in ice.iter().enumerate().take(4) {
            let (lo, hi) = match cell[0].split_once('-') {
                Some((a, b)) => (a.parse::<usize>().unwrap(), b.parse::<usize>().unwrap()),
                None => (cell[0].parse().unwrap(), cell[0].parse().unwrap()),
            };
            for (total, g) in grades.iter().enumerate().take(hi + 1).skip(lo) {
                assert_eq!(g.as_u64(), Some(grade as u64), "{path}: ICE {total}");
            }
        }
    }
}

/// The site-export walk-through: each shown output is the current build's
/// (with `UPDATE_README=1`, a stale block is rewritten: the block that
/// begins with the output's first line; review the diff).
#[test]
fn the_readme_walk_through_from_map_init_to_audit_is_real() {
    let _one_writer = README_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let readme = std::cell::RefCell::new(std::fs::read_to_string("README.md").unwrap());
    let update = std::env::var_os("UPDATE_README").is_some();
    let shown = |out: &str, what: &str| {
        let block = format!("```\n{out}```");
        if update && !readme.borrow().contains(&block) {
            let first = format!("```\n{}\n", out.lines().next().unwrap_or_default());
            let mut text = readme.borrow_mut();
            let starts: Vec<usize> = text.match_indices(&first).map(|(at, _)| at).collect();
            assert_eq!(starts.len(), 1, "README {what}: no one block begins {first:?}");
            let end = text[starts[0] + first.len()..]
                .find("```")
                .map(|e| starts[0] + first.len() + e + 3);
            let end = end.unwrap_or_else(|| panic!("README {what}: the block does not end"));
            text.replace_range(starts[0]..end, &block);
            std::fs::write("README.md", text.as_str()).unwrap();
        }
        assert!(readme.borrow().contains(&block), "README {what} is stale:\n{out}");
    };
    let mapped = [
        "examples/site-export.csv",
        "--map",
        "examples/site-export.map.toml",
        "--allow-unknown-fields",
    ];
    let mut audit = vec!["audit"];
    audit.extend(mapped);
    shown(&output(&audit), "audit");
    let mut fields = vec!["batch"];
    fields.extend(mapped);
    fields.extend([
        "--fields",
        "id,grade,drivers,masked,crs_grade,recorded_grade",
        "--output-format",
        "csv",
    ]);
    shown(&output(&fields), "--fields output");
    shown(
        &output(&[
            "map",
            "check",
            "examples/site-export.map.toml",
            "examples/site-export.csv",
            "--allow-unknown-fields",
        ]),
        "map check",
    );
    // Step 1 and the first lines of step 2, in a scratch directory.
    let dir = tempfile::tempdir().unwrap();
    let starter = dir.path().join("site.map.toml");
    std::fs::write(&starter, output(&["map", "init", "examples/site-export.csv"])).unwrap();
    let check = output(&[
        "map",
        "check",
        starter.to_str().unwrap(),
        "examples/site-export.csv",
        "--allow-unknown-fields",
    ]);
    let head: String = check
        .lines()
        .take(3)
        .map(|l| format!("{}\n", l.replace(starter.to_str().unwrap(), "site.map.toml")))
        .collect();
    shown(&format!("{head}  ...\n"), "map check of the starter");
}
