//! Maps for the forms registries use (contract v4 §8, issue 34): codes
//! that mean "not assessed" for one column, gates, one item per row, units.
//! Each table is checked through `batch` and `map check` alike (one code
//! path: `map check` never says "fine" when `batch` refuses).

mod common;

use common::icans;
use serde_json::Value;

/// Writes `files` (name, text) into a new directory.
fn files(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// `icans ARGS` run in `dir`: exit status, stdout, stderr.
fn run(dir: &tempfile::TempDir, args: &[&str]) -> (Option<i32>, String, String) {
    let out = icans().current_dir(dir.path()).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `batch e.csv --map m.toml --fields FIELDS`: exit status and results.
fn batch(dir: &tempfile::TempDir, fields: &str) -> (Option<i32>, Vec<Value>) {
    let (code, out, _) = run(dir, &["batch", "e.csv", "--map", "m.toml", "--fields", fields]);
    let results = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    (code, results)
}

/// `"not_assessed"` in `[values.F]`: that code leaves the field not
/// assessed for that column only; a table holding only such codes recodes
/// nothing else; a coded field's table still lists every code.
#[test]
fn a_code_may_mean_not_assessed_for_its_column_only() {
    let dir = files(&[
        (
            "m.toml",
            "[columns]\nid = \"id\"\nconsciousness = \"loc\"\nice_total = \"ice\"\n\n\
             [values.consciousness]\n\"1\" = \"alert\"\n\"4\" = \"unarousable\"\n\"9\" = \"not_assessed\"\n\n\
             [values.ice_total]\n\"-1\" = \"not_assessed\"\n",
        ),
        ("e.csv", "id,loc,ice\n1,9,8\n2,1,-1\n3,4,9\n4,7,3\n"),
    ]);
    let (code, out) = batch(&dir, "id,grade,unassessed,ice_total,error");
    assert_eq!(code, Some(65));
    let want = [
        r#"{"id":"1","grade":1,"unassessed":["consciousness","seizure","motor","edema"],"ice_total":8,"error":null}"#,
        r#"{"id":"2","grade":0,"unassessed":["encephalopathy","seizure","motor","edema"],"ice_total":null,"error":null}"#,
        r#"{"id":"3","grade":4,"unassessed":["seizure","motor","edema"],"ice_total":9,"error":null}"#,
    ];
    for (got, want) in out.iter().zip(want) {
        assert_eq!(got, &serde_json::from_str::<Value>(want).unwrap());
    }
    assert_eq!(
        out[3]["error"],
        "loc: consciousness value \"7\" is not in the map m.toml [values.consciousness] (allowed: 1, 4, 9)"
    );
    // map check says the same: "7" lacks, the ICE cells do not.
    let (code, report, _) = run(&dir, &["map", "check", "m.toml", "e.csv"]);
    assert_eq!(code, Some(65));
    assert!(
        report.contains("  Values not in the map:\n    loc (consciousness): \"7\", 1 record(s), first at line 5: add it to [values.consciousness]\n  Records refused"),
        "{report}"
    );
    // "not_assessed" is offered where a coded value is wrong.
    std::fs::write(
        dir.path().join("m.toml"),
        "[values.consciousness]\n\"1\" = \"awake\"\n",
    )
    .unwrap();
    let (code, _, err) = run(&dir, &["batch", "e.csv", "--map", "m.toml"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("or not_assessed)"), "{err}");
}
