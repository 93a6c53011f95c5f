//! Protocol files (TOML): a centre's action texts and reassessment
//! intervals, read into a [`Protocol`], and the built-in protocol written
//! out as a ready-to-edit file (`icans protocol`).
//!
//! ```toml
//! name = "City Hospital CAR-T unit, v3"
//!
//! [reassess_hours]
//! urgent = 4
//! grade_0 = 12
//! grade_1 = 8
//!
//! [grade_0]
//! ice_screening = "ICE every 12 h to day 14"
//! # ... [grade_1] to [grade_4], each present (ids inside may be left out)
//! ```

use std::fmt::Write as _;

use crate::grading::actions::{self, Step};
use crate::grading::{ASTCT_2019, BUILTIN_INTERVALS, Intervals, ManagementStep, Protocol, ProtocolError};

/// The management step protocol files are read and written for: the one
/// ASTCT 2019 proposes ([`Protocol::new`] checks the texts against it).
const MANAGEMENT: &ManagementStep = ASTCT_2019.management();

/// The grade tables a protocol file must have.
const GRADE_TABLES: [&str; 5] = ["grade_0", "grade_1", "grade_2", "grade_3", "grade_4"];

/// The top-level keys a protocol file may have.
const TOP_KEYS: [&str; 9] = [
    "name",
    "reassess_hours",
    "child",
    "crs",
    "grade_0",
    "grade_1",
    "grade_2",
    "grade_3",
    "grade_4",
];

/// The interval keys of `[reassess_hours]`.
const INTERVAL_KEYS: [&str; 3] = ["urgent", "grade_0", "grade_1"];

fn did_you_mean(key: &str, known: &[&str]) -> String {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(key, k), *k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

fn err(msg: String) -> ProtocolError {
    ProtocolError(msg)
}

/// Reads a protocol file. Every grade table `[grade_0]` to `[grade_4]` must
/// be there (an action left out of one keeps its built-in text);
/// `[reassess_hours]` may give any of `urgent`, `grade_0`, `grade_1`.
/// Unknown tables, keys and action ids, wrong types and bad values are
/// refused, each naming the table, the key and what is allowed.
pub fn parse(text: &str) -> Result<Protocol, ProtocolError> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| err(format!("not valid TOML:\n{}", e.to_string().trim_end())))?;
    for key in table.keys() {
        if !TOP_KEYS.contains(&key.as_str()) {
            let hint = if key == "grade_5" {
                " (grade 5 has no management actions)".to_string()
            } else {
                did_you_mean(key, &TOP_KEYS)
            };
            return Err(err(format!(
                "{key}: unknown table or key{hint} (allowed: {})",
                TOP_KEYS.join(", ")
            )));
        }
    }
    let name = match table.get("name") {
        Some(toml::Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(err(format!(
                "name: {} is not a string (allowed: a name shown in every result)",
                other
            )));
        }
        None => return Err(err("name: missing (allowed: a name shown in every result)".into())),
    };

    let mut intervals = BUILTIN_INTERVALS;
    match table.get("reassess_hours") {
        None => {}
        Some(toml::Value::Table(t)) => {
            for (key, value) in t {
                let hours = match value {
                    toml::Value::Integer(n) => u8::try_from(*n).ok(),
                    _ => None,
                }
                .ok_or_else(|| {
                    err(format!(
                        "reassess_hours.{key}: {value} is not whole hours (allowed: an integer 1-168)"
                    ))
                })?;
                match key.as_str() {
                    "urgent" => intervals.urgent = hours,
                    "grade_0" => intervals.grade_0 = hours,
                    "grade_1" => intervals.grade_1 = hours,
                    _ => {
                        return Err(err(format!(
                            "reassess_hours.{key}: unknown key{} (allowed: {})",
                            did_you_mean(key, &INTERVAL_KEYS),
                            INTERVAL_KEYS.join(", ")
                        )));
                    }
                }
            }
        }
        Some(other) => {
            return Err(err(format!(
                "reassess_hours: {other} is not a table (allowed: a [reassess_hours] table with urgent, grade_0, grade_1)"
            )));
        }
    }

    let mut texts = Vec::new();
    for (grade, table_name) in (0u8..).zip(GRADE_TABLES) {
        let table_actions = match table.get(table_name) {
            Some(toml::Value::Table(t)) => t,
            Some(other) => {
                return Err(err(format!(
                    "{table_name}: {other} is not a table (allowed: a [{table_name}] table)"
                )));
            }
            None => {
                return Err(err(format!(
                    "{table_name}: missing (allowed: a [{table_name}] table for every grade 0-4; `icans protocol` writes a complete file)"
                )));
            }
        };
        for (key, text) in action_texts(table_name, Step::Icans, grade, table_actions)? {
            texts.push((grade, key, text));
        }
    }
    let crs_texts = match table.get("crs") {
        None => Vec::new(),
        Some(value) => crs_tables("crs", value)?,
    };
    let (child_texts, child_crs_texts) = child_tables(table.get("child"))?;
    Protocol::new(name, texts, child_texts, intervals)?.with_crs_texts(crs_texts, child_crs_texts)
}

/// The children's tables (`[child]`, `[child.grade_N]`, `[child.crs.grade_N]`):
/// the texts for every grade or one ICANS grade, and the CRS step's.
fn child_tables(child: Option<&toml::Value>) -> Result<(ChildTexts, CrsTexts), ProtocolError> {
    let mut child_texts = Vec::new();
    let mut child_crs_texts = Vec::new();
    match child {
        None => {}
        Some(toml::Value::Table(child)) => {
            for (key, value) in child {
                if key == "crs" {
                    child_crs_texts = crs_tables("child.crs", value)?;
                } else if let Some(grade) = GRADE_TABLES.iter().position(|t| t == key) {
                    let grade = grade as u8;
                    let toml::Value::Table(t) = value else {
                        return Err(err(format!(
                            "child.{key}: {value} is not a table (allowed: a [child.{key}] table of action texts)"
                        )));
                    };
                    for (k, text) in action_texts(&format!("child.{key}"), Step::Icans, grade, t)? {
                        child_texts.push((Some(grade), k, text));
                    }
                } else {
                    let toml::Value::String(text) = value else {
                        return Err(err(format!(
                            "child.{key}: {value} is not a string (allowed: the action's text for children)"
                        )));
                    };
                    child_texts.push((None, key.clone(), text.clone()));
                }
            }
        }
        Some(other) => {
            return Err(err(format!(
                "child: {other} is not a table (allowed: a [child] table of action texts for children)"
            )));
        }
    }
    Ok((child_texts, child_crs_texts))
}

/// Children's texts: for one ICANS grade or (`None`) every grade, the
/// action key, the text.
type ChildTexts = Vec<(Option<u8>, String, String)>;

/// The CRS step's texts: CRS grade, action key, text.
type CrsTexts = Vec<(u8, String, String)>;

/// The CRS step's texts (`[crs.grade_N]`, `[child.crs.grade_N]`): a table
/// of CRS grade tables, each optional (docs/spec.md §3, v4).
fn crs_tables(name: &str, value: &toml::Value) -> Result<CrsTexts, ProtocolError> {
    let toml::Value::Table(grades) = value else {
        return Err(err(format!(
            "{name}: {value} is not a table (allowed: [{name}.grade_0] to [{name}.grade_4] tables of CRS action texts)"
        )));
    };
    let mut out = Vec::new();
    for (key, value) in grades {
        let Some(grade) = GRADE_TABLES.iter().position(|t| t == key) else {
            return Err(err(format!(
                "{name}.{key}: unknown table{} (allowed: {})",
                did_you_mean(key, &GRADE_TABLES),
                GRADE_TABLES.join(", ")
            )));
        };
        let grade = grade as u8;
        let toml::Value::Table(t) = value else {
            return Err(err(format!(
                "{name}.{key}: {value} is not a table (allowed: a [{name}.{key}] table of action texts)"
            )));
        };
        for (k, text) in action_texts(&format!("{name}.{key}"), Step::Crs, grade, t)? {
            out.push((grade, k, text));
        }
    }
    Ok(out)
}

/// The texts of one grade table: each key an action of that grade of the
/// step.
fn action_texts(
    table_name: &str,
    step: Step,
    grade: u8,
    table: &toml::Table,
) -> Result<Vec<(String, String)>, ProtocolError> {
    let mut out = Vec::new();
    let what = match step {
        Step::Icans => "grade",
        Step::Crs => "CRS grade",
    };
    for (key, value) in table {
        if MANAGEMENT.find_key(step, grade, key).is_none() {
            let known: Vec<&str> = MANAGEMENT.rows(step, grade).map(|r| r.key).collect();
            return Err(err(format!(
                "{table_name}.{key}: not an action of {what} {grade}{} (allowed: {})",
                did_you_mean(key, &known),
                MANAGEMENT.names(step, grade)
            )));
        }
        let toml::Value::String(text) = value else {
            return Err(err(format!(
                "{table_name}.{key}: {value} is not a string (allowed: the action's text, with dose)"
            )));
        };
        out.push((key.clone(), text.clone()));
    }
    Ok(out)
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A step's grade tables (`[grade_N]`, `[crs.grade_N]`), every built-in
/// text live, each condition as a comment.
fn adult_tables(out: &mut String, step: Step, table: &str) {
    for grade in 0..=actions::MAX_ACTION_GRADE {
        let _ = write!(out, "\n[{table}{grade}]\n");
        for row in MANAGEMENT.rows(step, grade) {
            if let Some(c) = MANAGEMENT.describe(row.when) {
                let _ = writeln!(out, "# {c}");
            }
            let _ = writeln!(out, "{} = {}", row.key, quoted(row.text));
        }
    }
}

/// A step's children's tables, where a child's text differs, commented
/// out so that they never shadow a `[child]` table a centre adds.
fn child_tables_commented(out: &mut String, step: Step, table: &str) {
    for grade in 0..=actions::MAX_ACTION_GRADE {
        let mut rows = MANAGEMENT
            .rows(step, grade)
            .filter(|r| !r.child_text.is_empty())
            .peekable();
        if rows.peek().is_none() {
            continue;
        }
        let _ = write!(out, "\n# [{table}{grade}]\n");
        for row in rows {
            let _ = writeln!(out, "# {} = {}", row.key, quoted(row.child_text));
        }
    }
}

/// The built-in protocol as a protocol file, with comments, ready to edit.
pub fn builtin_file() -> String {
    let i: Intervals = BUILTIN_INTERVALS;
    let mut out = String::new();
    let _ = write!(
        out,
        "# icans management protocol: the built-in texts and intervals, ready to edit.\n\
         # Load with `icans grade --protocol FILE` (also batch and assess).\n\
         # You may change the name, every action's text (with its dose) and the\n\
         # reassessment intervals. Action ids, and which actions apply at which grade\n\
         # and when, are fixed (tocilizumab, for one, only with concurrent CRS).\n\
         # Every [grade_N] table must stay; an action left out keeps its built-in text.\n\
         # In a text, {{dose}} is the weight-based dose (per kg, or computed with\n\
         # weight_kg), only in the actions that have one (methylprednisolone,\n\
         # tocilizumab, confirm_crs; a child's methylprednisolone_pulse): elsewhere it\n\
         # refuses the file. {{instrument}} is ICE or CAPD, {{trend}} is \"ICE declining\"\n\
         # or \"CAPD worsening\".\n\
         # Children (under 18; without an age, CAPD or under 40 kg) never see the\n\
         # [grade_N] texts: they get the [child.grade_N] text, else a [child] text set\n\
         # for every grade, else the built-in text, which holds no adult absolute dose.\n\
         \n\
         name = \"Centre protocol (edit me)\"\n\
         \n\
         [reassess_hours]\n\
         # grade >= 2, concurrent CRS, ICE declining or CAPD worsening, or findings\n\
         # attributed to another cause that would grade higher\n\
         urgent = {}\n\
         # otherwise, at grade 0 and at grade 1 (urgent <= grade_1 <= grade_0)\n\
         grade_0 = {}\n\
         grade_1 = {}\n",
        i.urgent, i.grade_0, i.grade_1
    );
    adult_tables(&mut out, Step::Icans, "grade_");
    out.push_str(
        "\n# The CRS step (ASCO 2021), added at every ICANS grade by the CRS grade:\n\
         # [crs.grade_N] for CRS grade N (grade 0: hypotension or hypoxia without a\n\
         # recorded fever). These tables may be left out; an action left out keeps\n\
         # its built-in text. Where both steps give a corticosteroid, one is shown\n\
         # (the stronger): its text's taper on one syndrome's improvement (\"until\n\
         # improvement to grade 1, then taper\", \"then rapid taper once improved\",\n\
         # \"until CRS grade 1\", \"then taper\") is cut and the joint ending added.\n",
    );
    adult_tables(&mut out, Step::Crs, "crs.grade_");
    out.push_str(
        "\n# Children's built-in texts where they differ from the adults' (no adult\n\
         # absolute dose), commented out: uncomment a table and a text to change it,\n\
         # or add a [child] table whose texts serve every grade. A [child.grade_N]\n\
         # text wins over a [child] text, which wins over the built-in one.\n",
    );
    child_tables_commented(&mut out, Step::Icans, "child.grade_");
    child_tables_commented(&mut out, Step::Crs, "child.crs.grade_");
    out
}
