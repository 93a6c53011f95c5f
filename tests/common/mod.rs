//! Helpers shared by the integration tests.
#![allow(dead_code)]

use icans::grading::{self, Assessment, Domain, Grading, Status};
use icans::input::{self, ReadOptions, Refused};

/// Reads a JSON record the way `icans grade` does.
pub fn record(json: &str) -> Result<Assessment, Refused> {
    input::read_record(json.as_bytes(), ReadOptions::default(), 1)
}

/// Grades a JSON record that must be valid.
pub fn graded(json: &str) -> Grading {
    match record(json) {
        Ok(a) => grading::grade(&a),
        Err(r) => panic!("record {json} was rejected: {}", r.error),
    }
}

/// The error message of a JSON record that must be invalid.
pub fn rejected(json: &str) -> String {
    match record(json) {
        Ok(a) => panic!("record {json} was accepted as {a:?}"),
        Err(r) => r.error.to_string(),
    }
}

/// (status, grade) of one domain.
pub fn domain(r: &Grading, d: Domain) -> (Status, Option<u8>) {
    let res = r.domains.get(d);
    (res.status, res.grade)
}

/// The action ids of a result, as strings.
pub fn action_ids(r: &Grading) -> Vec<&'static str> {
    r.management.actions.iter().map(|a| a.id.as_str()).collect()
}

/// Domain names as strings.
pub fn names(ds: &[Domain]) -> Vec<&'static str> {
    ds.iter().map(|d| d.as_str()).collect()
}

/// The action ids of a result in JSON form.
pub fn json_action_ids(v: &serde_json::Value) -> Vec<String> {
    v["management"]["actions"]
        .as_array()
        .expect("management.actions is an array")
        .iter()
        .map(|a| a["id"].as_str().expect("action id is a string").to_string())
        .collect()
}

/// The keys of a JSON object, sorted.
pub fn sorted_keys(v: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    keys.sort();
    keys
}

/// The `icans` binary, ready to be given arguments.
pub fn icans() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("icans").expect("the icans binary is built")
}

/// Standard output of `icans ARGS` (any exit status), as text.
pub fn stdout_of(args: &[&str]) -> String {
    let out = icans().args(args).output().expect("icans runs");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The clinical oracle tables (`tests/data/astct-2019.json`), written by hand
/// from the contract, independent of the crate's tables.
pub fn oracle() -> serde_json::Value {
    oracle_of(&icans::grading::ASTCT_2019)
}

/// The oracle file of a criteria: `tests/data/` keyed by its name ("ASTCT
/// 2019" -> `astct-2019.json`), written by hand, independent of the crate's
/// tables.
pub fn oracle_path(c: &icans::grading::Criteria) -> String {
    format!("tests/data/{}.json", c.name().to_lowercase().replace(' ', "-"))
}

/// The oracle of a criteria (`oracle_path`).
pub fn oracle_of(c: &icans::grading::Criteria) -> serde_json::Value {
    let path = oracle_path(c);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("the oracle is valid JSON")
}

/// The oracle's (value, grade) pairs of one domain's findings, in file order.
pub fn oracle_findings(domain: &str) -> Vec<(String, u8)> {
    oracle()["findings"][domain]
        .as_object()
        .expect("findings of the domain")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().expect("a grade") as u8))
        .collect()
}

/// The oracle's action ids at a grade, given which conditions hold.
pub fn oracle_actions(grade: u8, holds: impl Fn(&str) -> bool) -> Vec<String> {
    oracle()["actions"][grade.to_string()]
        .as_array()
        .expect("actions of the grade")
        .iter()
        .filter(|row| holds(row[1].as_str().expect("a condition")))
        .map(|row| row[0].as_str().expect("an id").to_string())
        .collect()
}

/// What the oracle's action conditions read, worked out by a test from
/// the record it wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts {
    /// Each domain's grade where graded (counted), in contract order.
    pub graded: [Option<u8>; 5],
    /// The grade of each finding that `other_cause` excludes.
    pub excluded: [Option<u8>; 5],
    /// The concurrent CRS grade when active (1-4), else 0.
    pub crs: u8,
    /// CRS cannot be ruled out (fever not recorded, an organ graded >= 2).
    pub crs_unruled: bool,
    /// Death attributed to CRS.
    pub crs_died: bool,
    /// The CRS grade hypotension and hypoxia would give with fever, when
    /// the CRS grade is 0 for want of a recorded fever (CRS cannot be
    /// ruled out, or none by ASTCT for want of fever); else 0.
    pub crs_without_fever: u8,
    /// No ICANS domain was assessed (contract v4 section 2).
    pub icans_not_assessed: bool,
    /// `hours_since_onset`.
    pub hours: Option<f64>,
    /// `steroid_refractory`.
    pub refractory: bool,
}

/// Whether one of the oracle's conditions holds.
pub fn oracle_holds(f: &Facts, when: &str) -> bool {
    let [enc, cons, seizure, _, edema] = f.graded;
    match when {
        "always" => true,
        "crs" => f.crs >= 1,
        "crs_2_or_more" => f.crs >= 2 || (f.crs_unruled && f.crs_without_fever >= 2),
        "crs_cannot_be_ruled_out" => f.crs_unruled,
        "hours_over_24" => f.hours.is_some_and(|h| h > 24.0),
        "steroid_refractory" => f.refractory,
        "seizure_graded_3_or_more" => seizure.is_some_and(|g| g >= 3),
        "seizure_not_graded_3_or_more" => seizure.is_none_or(|g| g < 3),
        "encephalopathy_consciousness_seizure_or_edema_graded_4" => {
            [enc, cons, seizure, edema].contains(&Some(4))
        }
        "edema_graded_4" => edema == Some(4),
        other => panic!("unknown oracle condition {other}"),
    }
}

/// The contract's management step (§3 v3) from the oracle file: the
/// action ids in order, each with whether it is given for a finding
/// attributed to another cause. None at death; the table's rows; the
/// excluded emergencies' actions not already there; anti-seizure therapy
/// in place of levetiracetam; the emergencies first.
pub fn oracle_plan(grade: u8, f: &Facts) -> Vec<(String, bool)> {
    if grade >= 5 || f.crs_died {
        return Vec::new();
    }
    let o = oracle();
    let mut rows: Vec<(String, bool)> = oracle_actions(grade, |w| oracle_holds(f, w))
        .into_iter()
        .map(|id| (id, false))
        .collect();
    for (i, domain) in [(2, "seizure"), (4, "edema")] {
        let Some(g) = f.excluded[i] else { continue };
        let Some(ids) = o["excluded_emergencies"][domain][g.to_string()].as_array() else {
            continue;
        };
        for id in ids.iter().filter_map(|v| v.as_str()) {
            if !rows.iter().any(|(r, _)| r == id) {
                rows.push((id.to_string(), true));
            }
        }
    }
    if rows.iter().any(|(id, _)| id == "antiseizure_therapy") {
        rows.retain(|(id, _)| id != "levetiracetam");
    }
    let order: Vec<&str> = o["emergency_order"]
        .as_array()
        .expect("emergency order")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    rows.sort_by_key(|(id, _)| order.iter().position(|e| e == id).unwrap_or(order.len()));
    oracle_crs_step(&o, grade, f, &mut rows);
    rows
}

/// The CRS step (contract v4 section 3) added after the ICANS step `rows`:
/// the oracle's CRS rows of the CRS grade (or grade 0 without a recorded
/// fever); one action per id; one corticosteroid, the stronger, in the
/// ICANS step's place; the CRS step's own in the oracle's order;
/// consider_icu gone when icu is shown.
fn oracle_crs_step(o: &serde_json::Value, grade: u8, f: &Facts, rows: &mut Vec<(String, bool)>) {
    let strength = |table: &str, g: u8, id: &str| {
        o["corticosteroid_strength"][table][g.to_string()][id]
            .as_u64()
            .unwrap_or(0)
    };
    let crs_holds = |when: &str| match when {
        "always" => true,
        "icans_0_or_not_assessed" => grade == 0,
        "shock_without_fever" => f.crs_without_fever >= 3,
        "organ_without_fever" => f.crs_without_fever >= 2,
        other => panic!("unknown oracle CRS condition {other}"),
    };
    let crs_rows: Vec<String> = o["crs_actions"][f.crs.to_string()]
        .as_array()
        .expect("CRS actions of the grade")
        .iter()
        .filter(|row| crs_holds(row[1].as_str().expect("a condition")))
        .map(|row| row[0].as_str().expect("an id").to_string())
        .collect();
    let mut own: Vec<String> = Vec::new();
    for id in crs_rows {
        let s = strength("crs", f.crs, &id);
        let icans_steroid = |(r, attributed): &(String, bool)| !attributed && strength("icans", grade, r) > 0;
        if s > 0 {
            let strongest = rows
                .iter()
                .filter(|r| icans_steroid(r))
                .map(|(r, _)| strength("icans", grade, r))
                .max();
            match strongest {
                None => own.push(id),
                Some(icans) if s > icans => {
                    let at = rows
                        .iter()
                        .position(&icans_steroid)
                        .expect("an ICANS corticosteroid");
                    rows[at] = (id, false);
                    let mut i = 0;
                    rows.retain(|r| {
                        i += 1;
                        i - 1 == at || !icans_steroid(r)
                    });
                }
                Some(_) => {}
            }
        } else if !rows.iter().any(|(r, _)| *r == id) {
            own.push(id);
        }
    }
    let order: Vec<&str> = o["crs_order"]
        .as_array()
        .expect("CRS order")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let rank = |id: &str| {
        let id = if ["dexamethasone", "methylprednisolone_pulse"].contains(&id) {
            "corticosteroid"
        } else {
            id
        };
        order.iter().position(|e| *e == id).unwrap_or(order.len())
    };
    own.sort_by_key(|id| rank(id));
    rows.extend(own.into_iter().map(|id| (id, false)));
    if rows.iter().any(|(id, _)| id == "icu") {
        rows.retain(|(id, _)| id != "consider_icu");
    }
}

/// Any record JSON that fills every field the contract has (docs/spec.md
/// §1), each present or not: ids and texts with characters JSON escapes,
/// age, weight, ICE items or total or CAPD total or items, the four
/// findings, every `other_cause` name, the CRS given or graded from every
/// finding (deaths included), the trends, the recorded grades. Most are
/// valid; fever and temperature, or ICE items and total, may disagree, as
/// exports do, so a test keeps what `record` accepts.
pub fn any_record_json() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    // The fields of records before 2019 and of registries (contract v3),
    // added to the record: an older instrument (alone or beside another, an
    // error naming both), the recorded CRS grade, product and site.
    let older = (
        prop_oneof![
            10 => Just(None),
            1 => (0..=10u8).prop_map(|t| Some(format!(r#""cartox10": {t}"#))),
            1 => proptest::sample::select(&["10", "7-9", "3-6", "0-2", "unable"][..])
                .prop_map(|b| Some(format!(r#""ice_band": "{b}""#))),
        ],
        proptest::option::of(0..=5u8),
        pick_text(&["Lee 2014", "Penn", "ASTCT 2019"]),
        pick_text(&["axi-cel", "tisa-cel", "liso-cel"]),
        pick_text(&["Site A", "Site B"]),
    );
    (base_record_json(), older).prop_map(|(base, (instrument, crs, scale, product, site))| {
        let mut extra: Vec<String> = Vec::new();
        extra.extend(instrument);
        extra.extend(crs.map(|g| format!(r#""recorded_crs_grade": {g}"#)));
        extra.extend(scale.map(|s| format!(r#""recorded_crs_scale": "{s}""#)));
        extra.extend(product.map(|p| format!(r#""product": "{p}""#)));
        extra.extend(site.map(|s| format!(r#""site": "{s}""#)));
        match (base.strip_suffix('}'), extra.is_empty()) {
            (Some(open), false) if open.trim_end().ends_with('{') => format!("{open}{}}}", extra.join(", ")),
            (Some(open), false) => format!("{open}, {}}}", extra.join(", ")),
            _ => base,
        }
    })
}

fn pick_text(v: &'static [&'static str]) -> impl proptest::strategy::Strategy<Value = Option<&'static str>> {
    proptest::option::of(proptest::sample::select(v))
}

/// A record filling the fields of contract versions 1 and 2.
fn base_record_json() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let text = || "[A-Za-z0-9 \"\\\\é✓\t-]{0,10}";
    let pick = |v: &'static [&'static str]| proptest::option::of(proptest::sample::select(v));
    let labels = (
        prop_oneof![
            Just(None),
            any::<i64>().prop_map(|n| Some(n.to_string())),
            text().prop_map(|t| Some(serde_json::to_string(&t).expect("string"))),
        ],
        proptest::option::of(text()),
        proptest::option::of(0..=400u32),
        pick(&["2026-03-09T08:30:00Z", "2026-03-09T08:30:00.5+01:00"]),
        proptest::option::of(0.0..=120.0f64),
        proptest::option::of(2.0..=300.0f64),
        (proptest::option::of(0..=5u8), proptest::option::of(text())),
    );
    let instrument = prop_oneof![
        Just(String::new()),
        (0..=10u8).prop_map(|t| format!(r#""ice_total": {t}"#)),
        (0..=4u8, 0..=3u8, 0..=1u8, 0..=1u8, 0..=1u8).prop_map(|(o, n, w, a, c)| format!(
            r#""ice": {{"orientation": {o}, "naming": {n}, "writing": {w}, "attention": {a}, "commands": {c}}}"#
        )),
        (0..=32u8).prop_map(|t| format!(r#""capd": {t}"#)),
        proptest::collection::vec(proptest::sample::select(&["never", "rarely", "sometimes", "often", "always"][..]), 8)
            .prop_map(|w| format!(
                r#""capd_items": {{"eye_contact": "{}", "purposeful_actions": "{}", "aware_of_surroundings": "{}", "communicates_needs": "{}", "restless": "{}", "inconsolable": "{}", "underactive": "{}", "slow_response": "{}"}}"#,
                w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]
            )),
    ];
    let findings = (
        pick(&[
            "alert",
            "awakens_spontaneously",
            "awakens_to_voice",
            "awakens_to_tactile",
            "unarousable",
        ]),
        pick(&["none", "rapidly_resolving", "prolonged_or_repetitive"]),
        pick(&["none", "tremor_or_myoclonus", "deep_focal_weakness"]),
        pick(&["none", "focal", "diffuse"]),
        proptest::sample::subsequence(
            &[
                "encephalopathy",
                "consciousness",
                "seizure",
                "motor",
                "edema",
                "fever",
                "hypotension",
                "hypoxia",
            ][..],
            0..4,
        ),
        proptest::option::of(any::<bool>()),
    );
    let crs = prop_oneof![
        Just(Vec::<String>::new()),
        (0..=4u8).prop_map(|g| vec![format!(r#""crs_grade": {g}"#)]),
        (
            prop_oneof![
                Just(None),
                (35.0..=41.0f64).prop_map(|t| Some(format!(r#""temperature_c": {t}"#))),
                any::<bool>().prop_map(|f| Some(format!(r#""fever": {f}"#))),
            ],
            proptest::option::of(any::<bool>()),
            pick(&["none", "fluids_only", "one_vasopressor", "multiple_vasopressors"]),
            pick(&["none", "low_flow", "high_flow", "positive_pressure"]),
            proptest::option::of(any::<bool>()),
        )
            .prop_map(|(fever, masked, ht, hx, died)| {
                let mut f: Vec<String> = fever.into_iter().collect();
                f.extend(masked.map(|m| format!(r#""fever_masked": {m}"#)));
                f.extend(ht.map(|h| format!(r#""hypotension": "{h}""#)));
                f.extend(hx.map(|h| format!(r#""hypoxia": "{h}""#)));
                f.extend(died.map(|d| format!(r#""died_of_crs": {d}"#)));
                f
            }),
    ];
    let course = (
        proptest::option::of(0..=10u8),
        proptest::option::of(0..=32u8),
        proptest::option::of(0.0..72.0f64),
        proptest::option::of(any::<bool>()),
    );
    (labels, instrument, findings, crs, course).prop_map(
        |(
            (id, patient, day, at, age, weight, (recorded, scale)),
            instrument,
            (cons, seizure, motor, edema, other, died),
            crs,
            (previous_ice, previous_capd, hours, refractory),
        )| {
            let mut f: Vec<String> = Vec::new();
            let quoted = |t: &str| serde_json::to_string(t).expect("string");
            f.extend(id.map(|i| format!(r#""id": {i}"#)));
            f.extend(patient.map(|p| format!(r#""patient_id": {}"#, quoted(&p))));
            f.extend(day.map(|d| format!(r#""day": {d}"#)));
            f.extend(at.map(|t| format!(r#""assessed_at": "{t}""#)));
            f.extend(age.map(|a| format!(r#""age_years": {a}"#)));
            f.extend(weight.map(|w| format!(r#""weight_kg": {w}"#)));
            if !instrument.is_empty() {
                f.push(instrument);
            }
            for (k, v) in [
                ("consciousness", cons),
                ("seizure", seizure),
                ("motor", motor),
                ("edema", edema),
            ] {
                f.extend(v.map(|v| format!(r#""{k}": "{v}""#)));
            }
            if !other.is_empty() {
                let names: Vec<String> = other.iter().map(|d| format!("\"{d}\"")).collect();
                f.push(format!(r#""other_cause": [{}]"#, names.join(", ")));
            }
            f.extend(crs);
            f.extend(died.map(|d| format!(r#""died_of_icans": {d}"#)));
            f.extend(previous_ice.map(|p| format!(r#""previous_ice_total": {p}"#)));
            f.extend(previous_capd.map(|p| format!(r#""previous_capd": {p}"#)));
            f.extend(hours.map(|h| format!(r#""hours_since_onset": {h}"#)));
            f.extend(refractory.map(|r| format!(r#""steroid_refractory": {r}"#)));
            f.extend(recorded.map(|g| format!(r#""recorded_grade": {g}"#)));
            f.extend(scale.map(|s| format!(r#""recorded_scale": {}"#, quoted(&s))));
            format!("{{{}}}", f.join(", "))
        },
    )
}

/// Copies `examples/` (its folders too) into `dir`, for examples that
/// write files beside their inputs.
pub fn copy_examples(dir: &std::path::Path) {
    let mut folders = vec![std::path::PathBuf::from("examples")];
    while let Some(folder) = folders.pop() {
        std::fs::create_dir_all(dir.join(&folder)).expect("a folder of examples/");
        for entry in std::fs::read_dir(&folder).expect("examples/") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                std::fs::copy(&path, dir.join(&path)).expect("copy");
            } else if path.is_dir() {
                folders.push(path);
            }
        }
    }
}

/// The subcommands a help text lists under `Commands:` (not `help`).
pub fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim() != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(String::from)
        .collect()
}

/// Every command at every depth, as its words (`[]`, `["map", "init"]`),
/// from the help texts' `Commands:` lists.
pub fn all_commands() -> Vec<Vec<String>> {
    let mut commands: Vec<Vec<String>> = vec![Vec::new()];
    let mut i = 0;
    while i < commands.len() {
        let mut args: Vec<&str> = commands[i].iter().map(String::as_str).collect();
        args.push("--help");
        let help = stdout_of(&args);
        for sub in subcommands(&help) {
            let mut p = commands[i].clone();
            p.push(sub);
            commands.push(p);
        }
        i += 1;
    }
    commands
}

/// The first adult absolute dose a text holds (contract v4 section 5: any
/// amount in mg, g or mL that is not per kg), if any. Per kg are a rate
/// ("8 mg/kg"), a dose computed from one ("240 mg (12 mg/kg ...)") and the
/// cap of one ("max 800 mg", "max 1 g a day").
pub fn adult_absolute_dose(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit() && (i == 0 || !(b[i - 1].is_ascii_alphanumeric()));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && (b[j].is_ascii_digit() || b[j] == b',' || b[j] == b'.' || b[j] == b'-') {
            j += 1;
        }
        let amount = text[i..j].trim_end_matches([',', '.', '-']);
        let rest = text[i + amount.len()..].trim_start_matches(' ');
        let unit = ["mg", "g", "mL"].into_iter().find(|u| {
            rest.strip_prefix(u)
                .is_some_and(|after| after.chars().next().is_none_or(|c| !c.is_ascii_alphanumeric()))
        });
        if let Some(unit) = unit {
            let after = &rest[unit.len()..];
            let per_kg = after.starts_with("/kg")
                || text[..i].ends_with("max ")
                || (after.starts_with(" (")
                    && after[2..].split(')').next().is_some_and(|p| p.contains("mg/kg")));
            if !per_kg {
                return Some(format!("{amount} {unit}"));
            }
        }
        i = j.max(i + 1);
    }
    None
}

/// The median weights by age of contract v4 §6 (kg; CDC 2000 and WHO,
/// boys and girls averaged), copied here from the contract, not from the
/// crate.
pub const MEDIAN_WEIGHTS: [(f64, f64); 22] = [
    (0.0, 3.4),
    (0.25, 6.1),
    (0.5, 7.6),
    (0.75, 8.6),
    (1.0, 9.6),
    (1.5, 10.9),
    (2.0, 12.3),
    (3.0, 14.3),
    (4.0, 16.3),
    (5.0, 18.4),
    (6.0, 20.7),
    (7.0, 23.1),
    (8.0, 25.8),
    (9.0, 28.8),
    (10.0, 32.3),
    (11.0, 36.4),
    (12.0, 40.9),
    (13.0, 45.6),
    (14.0, 50.3),
    (15.0, 54.4),
    (16.0, 57.8),
    (17.0, 60.4),
];

/// The oracle's median weight for an age under 18: linear between the
/// contract's points, the last held.
pub fn oracle_median_weight(age: f64) -> f64 {
    for pair in MEDIAN_WEIGHTS.windows(2) {
        let ((a0, w0), (a1, w1)) = (pair[0], pair[1]);
        if age >= a0 && age < a1 {
            return w0 + (w1 - w0) * (age - a0) / (a1 - a0);
        }
    }
    MEDIAN_WEIGHTS[MEDIAN_WEIGHTS.len() - 1].1
}

/// Contract v4 §6: a weight implausible for the age (under 18, below 0.6 or
/// above 1.5 times the median; from 18, below 30 or above 150 kg).
pub fn oracle_implausible(weight: f64, age: f64) -> bool {
    if age < 18.0 {
        let m = oracle_median_weight(age);
        weight < 0.6 * m || weight > 1.5 * m
    } else {
        !(30.0..=150.0).contains(&weight)
    }
}
