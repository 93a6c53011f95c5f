//! The repository's own docs state the tables the code holds: the record
//! fields (docs/spec.md §1), the action table (§3) and the CSV result
//! columns (§4 and the README) are generated from the code, and kept so.

use icans::format::columns;
use icans::grading::{ASTCT_2019, catalogue};

/// The text between `<!-- NAME: ... -->` and `<!-- /NAME -->`.
fn between(doc: &str, name: &str) -> String {
    let open = format!("<!-- {name}:");
    let start = doc.find(&open).unwrap_or_else(|| panic!("no {open} marker"));
    let body = &doc[start..];
    let body = &body[body.find("-->").map_or(0, |i| i + 4)..];
    let end = body
        .find(&format!("<!-- /{name} -->"))
        .unwrap_or_else(|| panic!("no end of {name}"));
    body[..end].to_string()
}

/// With `UPDATE_DOCS=1`, writes the generated blocks into `path` instead
/// of comparing them (review the diff; the test then compares as usual).
fn update(path: &str, blocks: &[(&str, String)]) {
    if std::env::var_os("UPDATE_DOCS").is_none() {
        return;
    }
    let mut doc = std::fs::read_to_string(path).expect("readable doc");
    for (name, table) in blocks {
        let old = between(&doc, name);
        let open = format!("<!-- {name}:");
        let start = doc.find(&open).expect("marker");
        let body_start = start + doc[start..].find("-->").expect("marker end") + 4;
        assert_eq!(&doc[body_start..body_start + old.len()], old);
        doc.replace_range(body_start..body_start + old.len(), table);
    }
    std::fs::write(path, doc).expect("writable doc");
}

#[test]
fn the_spec_states_the_catalogue_the_action_table_and_the_columns() {
    update(
        "docs/spec.md",
        &[
            ("fields", catalogue::markdown_table()),
            ("actions", ASTCT_2019.management().markdown_table()),
            ("columns", columns::markdown_table()),
        ],
    );
    let spec = std::fs::read_to_string("docs/spec.md").expect("docs/spec.md");
    assert_eq!(between(&spec, "fields"), catalogue::markdown_table());
    assert_eq!(
        between(&spec, "actions"),
        ASTCT_2019.management().markdown_table()
    );
    assert_eq!(between(&spec, "columns"), columns::markdown_table());
}

#[test]
fn the_readme_lists_the_fields_actions_and_csv_columns_of_the_current_build() {
    update(
        "README.md",
        &[
            ("columns", columns::markdown_table()),
            ("fields", catalogue::markdown_table()),
            ("actions", ASTCT_2019.management().markdown_table()),
        ],
    );
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    assert_eq!(between(&readme, "columns"), columns::markdown_table());
    assert_eq!(between(&readme, "fields"), catalogue::markdown_table());
    assert_eq!(
        between(&readme, "actions"),
        ASTCT_2019.management().markdown_table()
    );
}

#[test]
fn source_comments_cite_the_repository_spec_not_an_outside_contract() {
    let mut stack = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source readable");
                let outside = ["contract", " §"].concat();
                assert!(
                    !text.to_lowercase().contains(&outside),
                    "{} cites the outside contract",
                    path.display()
                );
            }
        }
    }
}
