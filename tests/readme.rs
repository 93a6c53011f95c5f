//! The README's examples are real output: each shown run is run again here.

use assert_cmd::Command;

fn output(args: &[&str]) -> String {
    let out = Command::cargo_bin("icans").unwrap().args(args).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_readme_shows_real_output() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let card = output(&[
        "grade",
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
        "awakens_to_voice",
        "--seizure",
        "none",
        "--motor",
        "none",
        "--edema",
        "none",
    ]);
    assert!(
        readme.contains(&format!("```\n{card}```")),
        "README card is stale:\n{card}"
    );
    let summary = output(&["summary", "examples/cohort.ndjson"]);
    assert!(
        readme.contains(&format!("```\n{summary}```")),
        "README summary is stale:\n{summary}"
    );
}

#[test]
fn the_readme_first_screen_has_the_set_up_commands() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let first_screen: String = readme.lines().take(25).collect::<Vec<_>>().join("\n");
    assert!(first_screen.contains("cargo run --release -- grade examples/grade2-adult.json"));
    assert!(first_screen.contains("cargo test"));
    assert!(std::path::Path::new("examples/grade2-adult.json").exists());
}
