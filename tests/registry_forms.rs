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

/// A CIBMTR-shaped form: "Neurotoxicity in the period?" and "Cerebral
/// edema?" gates with the severities beside them.
const GATED_MAP: &str = r#"[columns]
id = "id"
consciousness = "loc"
seizure = "sz"
edema = "edema_grade"

[values.consciousness]
"1" = "alert"
"4" = "unarousable"

[values.seizure]
"0" = "none"
"2" = "prolonged_or_repetitive"

[values.edema]
"1" = "focal"
"2" = "diffuse"

[when.neurotox]
"0" = { consciousness = "alert", seizure = "none", motor = "none", edema = "none", ice_band = "10" }
"1" = {}

[when.cerebral_edema]
"0" = { edema = "none" }
"1" = {}
"9" = { edema = "focal" }
"#;

/// Gates (contract v4 §8): a code sets fields only where the field's own
/// column is empty or absent; `{}` sets nothing; an empty gate cell sets
/// nothing; an unlisted code, or two gates setting one field two ways, is
/// an error for that record naming the column(s); `map check` lists the
/// unlisted code and counts gated fields as fed.
#[test]
fn gates_set_fields_only_where_their_own_column_is_empty() {
    let dir = files(&[
        ("m.toml", GATED_MAP),
        (
            "e.csv",
            "id,neurotox,loc,sz,cerebral_edema,edema_grade\n\
             1,0,,,0,\n\
             2,1,4,0,1,2\n\
             3,1,1,,0,\n\
             4,0,4,,,\n\
             5,7,1,0,0,\n\
             6,0,,,1,2\n\
             7,0,,,9,\n\
             8,,1,0,,\n",
        ),
    ]);
    let (code, out) = batch(&dir, "id,grade,complete,unassessed,drivers,error");
    assert_eq!(code, Some(65));
    let row = |i: usize| {
        (
            out[i]["grade"].clone(),
            out[i]["complete"].clone(),
            out[i]["unassessed"].clone(),
        )
    };
    let v = |s: &str| serde_json::from_str::<Value>(s).unwrap();
    // "No neurotoxicity", "no edema": every domain gated, grade 0, complete.
    assert_eq!(row(0), (v("0"), v("true"), v("[]")));
    // Gates saying "yes" set nothing: the severities grade.
    assert_eq!(row(1), (v("4"), v("false"), v(r#"["motor"]"#)));
    assert_eq!(
        row(2),
        (v("0"), v("false"), v(r#"["encephalopathy","seizure","motor"]"#))
    );
    // The field's own column wins over its gate.
    assert_eq!(row(3), (v("4"), v("true"), v("[]")));
    assert_eq!(row(5), (v("4"), v("true"), v("[]")));
    // An unlisted gate code.
    assert_eq!(
        out[4]["error"],
        "neurotox: gate value \"7\" is not in the map m.toml [when.neurotox] (allowed: 0, 1)"
    );
    assert_eq!(out[4]["field"], "neurotox");
    // Two gates disagreeing on edema.
    assert_eq!(
        out[6]["error"],
        "cerebral_edema: gates disagree: cerebral_edema sets edema to \"focal\", neurotox sets it to \"none\" (allowed: gates that agree on every field they set for one record)"
    );
    // An empty gate cell sets nothing.
    assert_eq!(
        row(7),
        (v("0"), v("false"), v(r#"["encephalopathy","motor","edema"]"#))
    );
    let (code, report, _) = run(&dir, &["map", "check", "m.toml", "e.csv"]);
    assert_eq!(code, Some(65));
    assert!(
        report.contains(
            "    neurotox (gate): \"7\", 1 record(s), first at line 6: add it to [when.neurotox]\n"
        ),
        "{report}"
    );
    assert!(
        report.contains("Records refused by the record builder, as batch refuses them: 2 of 8"),
        "{report}"
    );
    assert!(
        !report.contains(" motor,") && !report.contains(" ice_band,"),
        "gated fields are fed: {report}"
    );
    // The same rows as JSON through the same map: the same results.
    let json: String = [
        r#"{"id":"1","neurotox":0,"cerebral_edema":0}"#,
        r#"{"id":"4","neurotox":0,"loc":4}"#,
    ]
    .join("\n");
    std::fs::write(dir.path().join("e.ndjson"), json).unwrap();
    let (code, out, _) = run(
        &dir,
        &[
            "batch",
            "e.ndjson",
            "--map",
            "m.toml",
            "--fields",
            "id,grade,complete",
        ],
    );
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        "{\"id\":\"1\",\"grade\":0,\"complete\":true}\n{\"id\":\"4\",\"grade\":4,\"complete\":true}\n"
    );
}

/// A gate table is read whole when the map is: a field a gate cannot set,
/// a value the field does not allow, a column also mapped elsewhere.
#[test]
fn a_gate_table_that_cannot_be_right_refuses_the_map() {
    for (table, want) in [
        (
            "[when.g]\n\"0\" = { conscious = \"alert\" }\n",
            "map m.toml: when.g.\"0\".conscious: not a record field a gate can set",
        ),
        (
            "[when.g]\n\"0\" = { seizure = \"no\" }\n",
            "map m.toml: when.g.\"0\".seizure: \"no\" is not a seizure value (allowed: none, rapidly_resolving, prolonged_or_repetitive)",
        ),
        (
            "[when.g]\n\"0\" = { other_cause = \"seizure\" }\n",
            "not a record field a gate can set",
        ),
        (
            "[columns]\nseizure = \"g\"\n[when.g]\n\"0\" = {}\n",
            "map m.toml: when.g: column \"g\" is also in [columns], [checkboxes], [dates] or [ignore] (allowed: each export column in one place)",
        ),
        (
            "[when.g]\n\"0\" = \"none\"\n",
            "map m.toml: when.g.\"0\": not a table",
        ),
    ] {
        let dir = files(&[("m.toml", table), ("e.csv", "g\n0\n")]);
        for command in [
            vec!["batch", "e.csv", "--map", "m.toml"],
            vec!["map", "check", "m.toml", "e.csv"],
        ] {
            let (code, _, err) = run(&dir, &command);
            assert_eq!(code, Some(2), "{table} {command:?}");
            assert!(err.contains(want), "{table}: {err}");
        }
    }
}

/// `[units] temperature_c = "fahrenheit"`: converted to Celsius, rounded to
/// 0.1; a Celsius value left in a Fahrenheit column is out of range, an
/// error naming the column (never guessed); an unknown unit refuses the map.
#[test]
fn fahrenheit_temperatures_are_converted_never_guessed() {
    let dir = files(&[
        (
            "m.toml",
            "[columns]\nid = \"id\"\ntemperature_c = \"temp_f\"\nhypotension = \"hypo\"\n\n[units]\ntemperature_c = \"fahrenheit\"\n",
        ),
        (
            "e.csv",
            "id,temp_f,hypo\n1,101.3,none\n2,100.3,none\n3,38.2,none\n",
        ),
    ]);
    let (code, out) = batch(&dir, "id,crs_grade,crs_drivers,error");
    assert_eq!(code, Some(65));
    // 101.3 F = 38.5 C (fever); 100.3 F = 37.9 C (no fever).
    assert_eq!(
        (&out[0]["crs_grade"], &out[0]["crs_drivers"]),
        (&Value::from(1), &serde_json::json!(["fever"]))
    );
    assert_eq!(
        (&out[1]["crs_grade"], &out[1]["crs_drivers"]),
        (&Value::from(0), &serde_json::json!([]))
    );
    assert_eq!(
        out[2]["error"],
        "temp_f: temperature_c 3.4 is out of range (allowed: a number >= 25, at most 45 (degrees Celsius; >= 38.0 is fever))"
    );
    // Without [units], the same Fahrenheit column is out of range.
    std::fs::write(
        dir.path().join("m.toml"),
        "[columns]\nid = \"id\"\ntemperature_c = \"temp_f\"\nhypotension = \"hypo\"\n",
    )
    .unwrap();
    let (_, out) = batch(&dir, "id,error");
    assert_eq!(
        out[0]["error"],
        "temp_f: temperature_c 101.3 is out of range; it looks like degrees Fahrenheit (38.5 C) (allowed: a number >= 25, at most 45 (degrees Celsius; >= 38.0 is fever))"
    );
    std::fs::write(dir.path().join("m.toml"), "[units]\ntemperature_c = \"kelvin\"\n").unwrap();
    let (code, _, err) = run(&dir, &["batch", "e.csv", "--map", "m.toml"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "icans: map m.toml: units.temperature_c: \"kelvin\" is not a unit (allowed: fahrenheit, celsius)\n"
    );
}

/// Contract v4 §8: a pipe-delimited `.txt` export with `--delimiter '|'` is
/// CSV for `map init`, `map check` and `batch` alike (it was read as
/// NDJSON); `--input-format` names it outright; `map check` names at most
/// 20 unmapped columns and counts the rest.
#[test]
fn a_delimited_txt_export_is_csv_and_map_check_names_twenty_columns() {
    let map = "[columns]\nid = \"id\"\nconsciousness = \"loc\"\n[values.consciousness]\n\"1\" = \"alert\"\n\"4\" = \"unarousable\"\n";
    let wide: String =
        (0..30).map(|i| format!("c{i}|")).collect::<String>() + "loc\n" + &"x|".repeat(30) + "4\n";
    let dir = files(&[
        ("m.toml", map),
        ("e.txt", "id|loc\n1|1\n2|4\n"),
        ("wide.txt", &wide),
    ]);
    let (code, starter, _) = run(&dir, &["map", "init", "e.txt", "--delimiter", "|"]);
    assert_eq!(code, Some(0));
    assert!(
        starter.contains(
            "\n[columns]                 # record field = export column\nid = \"id\"\nconsciousness = \"loc\"\n"
        ),
        "{starter}"
    );
    let (code, starter2, _) = run(
        &dir,
        &[
            "map",
            "init",
            "e.txt",
            "--delimiter",
            "|",
            "--input-format",
            "csv",
        ],
    );
    assert_eq!((code, &starter2), (Some(0), &starter));
    let (code, report, _) = run(&dir, &["map", "check", "m.toml", "e.txt", "--delimiter", "|"]);
    assert_eq!(code, Some(0), "{report}");
    let (code, out, _) = run(
        &dir,
        &[
            "batch",
            "e.txt",
            "--map",
            "m.toml",
            "--delimiter",
            "|",
            "--fields",
            "id,grade",
        ],
    );
    assert_eq!(
        (code, out.as_str()),
        (
            Some(0),
            "{\"id\":\"1\",\"grade\":0}\n{\"id\":\"2\",\"grade\":4}\n"
        )
    );
    // Without --delimiter a .txt is NDJSON, as before.
    let (code, _, err) = run(&dir, &["batch", "e.txt", "--map", "m.toml"]);
    assert_eq!(code, Some(65), "{err}");
    let (code, report, _) = run(&dir, &["map", "check", "m.toml", "wide.txt", "--delimiter", "|"]);
    assert_eq!(code, Some(65));
    let names: Vec<String> = (0..20).map(|i| format!("c{i}")).collect();
    let unmapped = format!(
        "  Unmapped columns (30; unknown fields unless --allow-unknown-fields): {}, and 10 more",
        names.join(", ")
    );
    let flat = report.replace("\n    ", " ");
    assert!(flat.contains(&unmapped), "{report}");
}

/// A REDCap dictionary shaped like CIBMTR form 4100's neurotoxicity items.
const FORM_DICTIONARY: &str = "Variable / Field Name,Form Name,Section Header,Field Type,Field Label,\"Choices, Calculations, OR Slider Labels\"\n\
usubjid,f,,text,Subject,\n\
site,f,,text,Site,\n\
crs_gr,f,,dropdown,CRS grade recorded,\"1, Grade 1 | 2, Grade 2 | 3, Grade 3 | 4, Grade 4\"\n\
aetoxgr,f,,dropdown,Toxicity grade,\"1, 1 | 2, 2 | 3, 3 | 4, 4 | 5, 5\"\n\
loc,f,,radio,Level of consciousness,\"1, Alert | 2, Awakens spontaneously | 3, Awakens to voice | 4, Awakens only to tactile stimulus | 5, Unarousable, or requires vigorous or repetitive tactile stimuli\"\n\
sz,f,,radio,Seizure,\"0, None | 1, Clinical seizure that resolves rapidly | 2, Prolonged or repetitive seizures\"\n\
motor_find,f,,radio,Motor findings,\"0, None | 1, Tremor or myoclonus | 2, Deep focal motor weakness (hemiparesis, paraparesis)\"\n\
cerebral_edema,f,,yesno,Cerebral edema,\n\
edema_grade,f,,radio,Cerebral edema grade,\"1, Focal/local edema on imaging | 2, Diffuse cerebral edema\"\n\
hypotension_not_crs,f,,yesno,Hypotension not due to CRS,\n\
o2,f,,radio,Oxygen,\"0, None (room air) | 1, Low-flow | 2, High-flow\"\n";

/// `map init` precision (contract v4 §8): live lines only for exact
/// matches (a field's name or a catalogue synonym); a recorded grade is
/// `recorded_crs_grade`, never `crs_grade`; a grade of either syndrome, a
/// severity matched by likeness, and a yes/no column are never live; a
/// negating column never proposed; every coded value of a label proposed;
/// every export column placed.
#[test]
fn the_starter_writes_no_live_line_a_person_would_change() {
    let header =
        "usubjid,site,crs_gr,aetoxgr,loc,sz,motor_find,cerebral_edema,edema_grade,hypotension_not_crs,o2";
    let dir = files(&[
        ("dictionary.csv", FORM_DICTIONARY),
        (
            "e.csv",
            &format!("{header}\nP1,A,2,2,5,1,2,1,1,0,0\nP2,B,,,1,0,0,0,,1,1\n"),
        ),
    ]);
    let (code, starter, err) = run(&dir, &["map", "init", "e.csv", "--dictionary", "dictionary.csv"]);
    assert_eq!(code, Some(0), "{err}");
    let live: Vec<&str> = starter
        .lines()
        .skip_while(|l| !l.starts_with("[columns]"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with('#'))
        .collect();
    assert_eq!(
        live,
        [
            "patient_id = \"usubjid\"",
            "site = \"site\"",
            "recorded_crs_grade = \"crs_gr\"",
            "consciousness = \"loc\"",
            "seizure = \"sz\"",
            "motor = \"motor_find\"",
            "hypoxia = \"o2\"",
        ],
        "{starter}"
    );
    for line in [
        "# recorded_grade = \"aetoxgr\"   # a grade that may be either syndrome's",
        "# edema = \"cerebral_edema\"   # a yes/no column: a gate below, to check",
        "# ? = \"hypotension_not_crs\"   # its name or label negates (not, no, other than): never proposed",
        "# [when.\"cerebral_edema\"]   # a yes/no column beside edema",
        "# \"0\" = { edema = \"none\" }",
        "# \"1\" = {}",
        "\"5\" = \"unarousable\"   # Unarousable, or requires vigorous or repetitive tactile stimuli",
        "\"1\" = \"rapidly_resolving\"   # Clinical seizure that resolves rapidly",
        "\"2\" = \"prolonged_or_repetitive\"   # Prolonged or repetitive seizures",
        "\"1\" = \"tremor_or_myoclonus\"   # Tremor or myoclonus",
        "\"2\" = \"deep_focal_weakness\"   # Deep focal motor weakness (hemiparesis, paraparesis)",
        "\"0\" = \"none\"   # None (room air)",
    ] {
        assert!(starter.contains(line), "{line}\n{starter}");
    }
    assert!(
        !starter.lines().any(|l| l.starts_with("crs_grade = ")),
        "{starter}"
    );
    assert!(
        !starter.lines().any(|l| l.starts_with("recorded_grade = ")),
        "{starter}"
    );
    // Every export column is placed: a live line, or [ignore].
    let ignore = starter
        .lines()
        .find(|l| l.starts_with("columns = ["))
        .unwrap_or_default();
    for column in header.split(',') {
        let placed = live.iter().any(|l| l.ends_with(&format!("\"{column}\"")))
            || ignore.contains(&format!("\"{column}\""));
        assert!(placed, "{column} not placed:\n{starter}");
    }
}

/// `[dates]` (contract v4 §8): a formats list that reads one cell two ways
/// refuses the map, naming the cell and both formats (ISO counts as the
/// first); date-times are instants: the visit's date is taken in the
/// infusion's UTC offset.
#[test]
fn dates_read_one_way_and_date_times_as_instants() {
    let dir = files(&[
        (
            "m.toml",
            "[columns]\nid = \"id\"\nseizure = \"sz\"\n[dates]\nday = [\"visit\", \"infusion\"]\n",
        ),
        (
            "e.csv",
            "id,sz,visit,infusion\n\
             1,none,2026-03-02T02:00:00+09:00,2026-03-01T10:00:00-08:00\n\
             2,none,2026-03-02,2026-03-01T10:00:00-08:00\n\
             3,none,2026-03-03T08:00:00+09:00,2026-03-01T10:00:00-08:00\n",
        ),
    ]);
    let (code, out) = batch(&dir, "id,day,error");
    assert_eq!(code, Some(0));
    // 02:00 at +09:00 is 09:00 the day before at -08:00: day 0 (it was 1).
    let days: Vec<&Value> = out.iter().map(|r| &r["day"]).collect();
    assert_eq!(days, [&Value::from(0), &Value::from(1), &Value::from(1)]);
    for (formats, want) in [
        (
            r#"["%d/%m/%Y", "%m/%d/%Y"]"#,
            "icans: map m.toml: dates.formats: \"01/02/2026\" reads one way by %d/%m/%Y and another by %m/%d/%Y (allowed: formats that read every cell one way; keep the one the export uses)\n",
        ),
        (
            r#"["%Y-%d-%m"]"#,
            "icans: map m.toml: dates.formats: \"2026-02-01\" reads one way by ISO and another by %Y-%d-%m (allowed: formats that read every cell one way; keep the one the export uses)\n",
        ),
    ] {
        std::fs::write(
            dir.path().join("m.toml"),
            format!("[dates]\nday = [\"visit\", \"infusion\"]\nformats = {formats}\n"),
        )
        .unwrap();
        for command in [
            vec!["batch", "e.csv", "--map", "m.toml"],
            vec!["map", "check", "m.toml", "e.csv"],
        ] {
            let (code, _, err) = run(&dir, &command);
            assert_eq!((code, err.as_str()), (Some(2), want), "{command:?}");
        }
    }
    // One format, or two that cannot be confused, are read.
    std::fs::write(
        dir.path().join("m.toml"),
        "[columns]\nid = \"id\"\nseizure = \"sz\"\n[dates]\nday = [\"visit\", \"infusion\"]\nformats = [\"%d/%m/%Y\", \"%d %b %Y\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("e.csv"),
        "id,sz,visit,infusion\n1,none,03/04/2026,01 Apr 2026\n",
    )
    .unwrap();
    let (code, out) = batch(&dir, "id,day");
    assert_eq!((code, &out[0]["day"]), (Some(0), &Value::from(2)));
}

/// Contract v4 §8: `icans map --help` (and `icans help map`) documents the
/// map format whole, with an example of each table, and the example is a
/// map `batch` reads; `icans man --dir` writes it as `icans-map.5`.
#[test]
fn map_help_shows_every_table_and_its_example_is_a_valid_map() {
    let dir = files(&[("e.csv", "record_id,loc\n1,1\n")]);
    let (code, help, _) = run(&dir, &["map", "--help"]);
    assert_eq!(code, Some(0));
    let (_, help_map, _) = run(&dir, &["help", "map"]);
    assert_eq!(help, help_map);
    for table in [
        "[columns]",
        "[values.",
        "\"not_assessed\"",
        "[checkboxes.other_cause]",
        "[missing]",
        "[booleans]",
        "[ignore]",
        "[dates]",
        "[when.",
        "[units]",
        "[long]",
    ] {
        assert!(help.contains(table), "{table} missing from\n{help}");
    }
    let example: String = help
        .lines()
        .skip_while(|l| !l.starts_with("[columns]"))
        .take_while(|l| !l.starts_with('`') && !l.starts_with("One item per row"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.path().join("m.toml"), &example).unwrap();
    let out = icans()
        .current_dir(dir.path())
        .env("TZ", "UTC")
        .args(["batch", "e.csv", "--map", "m.toml", "--fields", "id,grade"])
        .output()
        .unwrap();
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned()
        ),
        (Some(0), "{\"id\":\"1\",\"grade\":0}\n".to_string()),
        "{}\n{example}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The [long] example is a map too, on an export of one item per row.
    let long: String = help
        .lines()
        .skip_while(|l| !l.starts_with("[long]"))
        .take_while(|l| !l.starts_with('`'))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(
        dir.path().join("long.toml"),
        format!("{long}[columns]\npatient_id = \"PAT_ID\"\nseizure = \"SZ\"\n[ignore]\ncolumns = [\"RECORDED_TIME\"]\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("f.csv"),
        "PAT_ID,RECORDED_TIME,FLO_MEAS_NAME,MEAS_VALUE\nP1,2026-03-01T08:00,SZ,none\n",
    )
    .unwrap();
    let (code, out, err) = run(
        &dir,
        &[
            "batch",
            "f.csv",
            "--map",
            "long.toml",
            "--fields",
            "patient_id,grade",
        ],
    );
    assert_eq!(
        (code, out.as_str()),
        (Some(0), "{\"patient_id\":\"P1\",\"grade\":0}\n"),
        "{err}"
    );
    let (code, _, _) = run(&dir, &["man", "--dir", "man"]);
    assert_eq!(code, Some(0));
    let page = std::fs::read_to_string(dir.path().join("man/icans-map.5")).unwrap();
    assert!(page.starts_with(".TH ICANS-MAP 5"), "{page}");
    assert!(page.contains("[when.neurotox]"), "{page}");
}

/// A flowsheet map: one item per row, keyed by patient and the date of the
/// recorded time.
const LONG_MAP: &str = r#"[long]
key = ["PAT_ID", "date(RECORDED_TIME)"]
item = "FLO_MEAS_NAME"
value = "MEAS_VALUE"

[columns]
patient_id = "PAT_ID"
consciousness = "LOC"
seizure = "SEIZURE"
ice_total = "ICE SCORE"

[values.consciousness]
"Alert" = "alert"
"Unarousable" = "unarousable"

[values.seizure]
"None" = "none"
"Prolonged" = "prolonged_or_repetitive"

[ignore]
columns = ["RECORDED_TIME"]
"#;

/// `[long]` (contract v4 §8): adjacent rows of one key are one record (a
/// key column taken by its date); the same item twice, and a key met
/// again after another, are errors for that record; `map check` refuses
/// them as batch does; a `[long]` column the export lacks is named.
#[test]
fn one_item_per_row_makes_one_record_per_key() {
    let dir = files(&[
        ("m.toml", LONG_MAP),
        (
            "e.csv",
            "PAT_ID,RECORDED_TIME,FLO_MEAS_NAME,MEAS_VALUE\n\
             P1,2026-03-01T08:00,LOC,Alert\n\
             P1,2026-03-01T08:05,ICE SCORE,8\n\
             P1,2026-03-01T08:10,SEIZURE,None\n\
             P1,2026-03-02T09:00,LOC,Unarousable\n\
             P1,2026-03-02T09:01,LOC,Alert\n\
             P2,2026-03-01T10:00,SEIZURE,Prolonged\n\
             P1,2026-03-01T12:00,LOC,Alert\n",
        ),
    ]);
    let (code, out) = batch(&dir, "line,patient_id,grade,ice_total,error");
    assert_eq!(code, Some(65));
    let want = [
        r#"{"line":2,"patient_id":"P1","grade":1,"ice_total":8,"error":null}"#,
        r#"{"line":5,"file":"e.csv","error":"malformed input: item \"LOC\" is given twice in record P1, 2026-03-02 (again at line 6) (allowed: each item once a record)"}"#,
        r#"{"line":7,"patient_id":"P2","grade":4,"ice_total":null,"error":null}"#,
        r#"{"line":8,"file":"e.csv","error":"malformed input: rows of record P1, 2026-03-01 are not adjacent: the key was met before line 8 (allowed: the rows of one record together; sort the export by its key)"}"#,
    ];
    let want: Vec<Value> = want.iter().map(|w| serde_json::from_str(w).unwrap()).collect();
    assert_eq!(out, want);
    let (code, report, _) = run(&dir, &["map", "check", "m.toml", "e.csv"]);
    assert_eq!(code, Some(65));
    assert!(
        report.contains("Records refused by the record builder, as batch refuses them: 2 of 4"),
        "{report}"
    );
    std::fs::write(
        dir.path().join("e.csv"),
        "PAT_ID,TIME,FLO_MEAS_NAME,MEAS_VALUE\nP1,x,LOC,Alert\n",
    )
    .unwrap();
    let (code, out, _) = run(&dir, &["batch", "e.csv", "--map", "m.toml"]);
    assert_eq!(code, Some(65));
    assert!(
        out.contains("header: the map's [long] key column \\\"RECORDED_TIME\\\" is not in the export"),
        "{out}"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    /// Contract v4 §8: a wide export and the same data as one item per row
    /// (its items in any order within a record) give identical results
    /// apart from line numbers.
    #[test]
    fn wide_and_long_exports_grade_alike(
        records in proptest::collection::vec(
            (
                proptest::option::of(0u8..=10),
                proptest::option::of(proptest::sample::select(vec!["Alert", "Unarousable"])),
                proptest::option::of(proptest::sample::select(vec!["None", "Prolonged"])),
                proptest::prelude::any::<u64>(),
            ),
            1..12,
        ),
    ) {
        let mut wide = String::from("PAT_ID,RECORDED_TIME,ICE SCORE,LOC,SEIZURE\n");
        let mut long = String::from("PAT_ID,RECORDED_TIME,FLO_MEAS_NAME,MEAS_VALUE\n");
        for (i, (ice, loc, sz, order)) in records.iter().enumerate() {
            let (ice, loc, sz) = (ice.map(|v| v.to_string()).unwrap_or_default(), loc.unwrap_or(""), sz.unwrap_or(""));
            let time = format!("2026-03-01T{:02}:00", i % 24);
            wide.push_str(&format!("P{i},{time},{ice},{loc},{sz}\n"));
            let mut items = [("ICE SCORE", ice.as_str()), ("LOC", loc), ("SEIZURE", sz)];
            items.rotate_left((*order % 3) as usize);
            if order % 2 == 0 {
                items.reverse();
            }
            for (name, value) in items.iter().filter(|(_, v)| !v.is_empty()) {
                long.push_str(&format!("P{i},{time},{name},{value}\n"));
            }
            if items.iter().all(|(_, v)| v.is_empty()) {
                long.push_str(&format!("P{i},{time},LOC,\n"));
            }
        }
        let wide_map = LONG_MAP.split("[columns]").nth(1).map(|rest| format!("[columns]{rest}")).unwrap_or_default();
        let dir = files(&[("wide.toml", &wide_map), ("long.toml", LONG_MAP), ("wide.csv", &wide), ("long.csv", &long)]);
        let fields = "patient_id,grade,complete,unassessed,ice_total,drivers,error";
        let (wc, wout, _) = run(&dir, &["batch", "wide.csv", "--map", "wide.toml", "--fields", fields]);
        let (lc, lout, _) = run(&dir, &["batch", "long.csv", "--map", "long.toml", "--fields", fields]);
        proptest::prop_assert_eq!(wc, lc);
        // Apart from where each record was read (its line, its file).
        let placeless = |out: &str| -> Vec<Value> {
            out.lines()
                .map(|l| {
                    let mut v: Value = serde_json::from_str(l).unwrap_or_default();
                    if let Some(o) = v.as_object_mut() {
                        o.remove("line");
                        o.remove("file");
                    }
                    v
                })
                .collect()
        };
        proptest::prop_assert_eq!(placeless(&wout), placeless(&lout), "{}\n{}", wide, long);
        proptest::prop_assert_eq!(placeless(&wout).len(), records.len());
    }
}

/// Issue 34's "Done when": the CIBMTR-shaped form's starter is the golden
/// file a person accepts; the form and the same data as a flowsheet grade
/// identically through their maps, and as the records a person makes of
/// each row.
#[test]
fn the_shipped_form_and_flowsheet_grade_as_hand_made_records() {
    let starter = icans()
        .args([
            "map",
            "init",
            "examples/registry/form4100.csv",
            "--dictionary",
            "examples/registry/form4100-dictionary.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(starter.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&starter.stdout),
        std::fs::read_to_string("examples/registry/form4100.starter.toml").unwrap(),
        "the golden starter is the current build's"
    );
    let fields = "patient_id,day,grade,complete,drivers,unassessed,masked,error";
    let graded = |args: &[&str]| -> Vec<Value> {
        let out = icans()
            .arg("batch")
            .args(args)
            .args(["--fields", fields])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let form = graded(&[
        "examples/registry/form4100.csv",
        "--map",
        "examples/registry/form4100.map.toml",
    ]);
    let flowsheet = graded(&[
        "examples/registry/flowsheet.csv",
        "--map",
        "examples/registry/flowsheet.map.toml",
    ]);
    // What a person writes of each row, by hand.
    let by_hand = [
        r#"{"patient_id":"P-101","day":1,"consciousness":"alert","seizure":"none","motor":"none","edema":"none","ice_band":"10"}"#,
        r#"{"patient_id":"P-101","day":3,"ice_band":"3-6","consciousness":"awakens_to_voice","seizure":"none","motor":"none","edema":"none"}"#,
        r#"{"patient_id":"P-102","day":2,"ice_band":"0-2","consciousness":"awakens_to_tactile","seizure":"rapidly_resolving","motor":"none","edema":"focal"}"#,
        r#"{"patient_id":"P-102","day":5,"consciousness":"alert","seizure":"none","motor":"none","edema":"none","ice_band":"10"}"#,
        r#"{"patient_id":"P-103","day":4,"ice_band":"unable","consciousness":"unarousable","seizure":"prolonged_or_repetitive","motor":"deep_focal_weakness","edema":"diffuse"}"#,
    ];
    let dir = files(&[("hand.ndjson", &(by_hand.join("\n") + "\n"))]);
    let hand = graded(&[&dir.path().join("hand.ndjson").display().to_string()]);
    assert_eq!(form, hand);
    assert_eq!(flowsheet, hand);
    let grades: Vec<&Value> = hand.iter().map(|r| &r["grade"]).collect();
    assert_eq!(
        grades,
        [
            &Value::from(0),
            &Value::from(2),
            &Value::from(3),
            &Value::from(0),
            &Value::from(4)
        ]
    );
}

/// `map init` on a flowsheet proposes a commented `[long]` table (the
/// patient and time columns as the key); REDCap's repeating-instrument
/// columns are placed under `[ignore]` (contract v4 §8).
#[test]
fn map_init_proposes_long_and_places_redcap_repeat_columns() {
    let out = icans()
        .args(["map", "init", "examples/registry/flowsheet.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let starter = String::from_utf8_lossy(&out.stdout);
    assert!(
        starter.contains(
            "\n# [long]   # one item per row? check, then uncomment: each run of rows with one key is one record\n# key = [\"PAT_ID\", \"RECORDED_TIME\"]\n# item = \"FLO_MEAS_NAME\"\n# value = \"MEAS_VALUE\"\n"
        ),
        "{starter}"
    );
    assert!(starter.contains("\npatient_id = \"PAT_ID\"\n"), "{starter}");
    // Its items, placed as columns would be, commented with the table.
    for line in [
        "# Its items, as lines for [columns] above (move each you take there):",
        "# consciousness = \"LEVEL OF CONSCIOUSNESS\"   # an item: take it with [long]",
        "# day = \"DAY POST INFUSION\"   # an item: take it with [long]",
        "# seizure = \"SEIZURE\"   # an item: take it with [long]",
        "# ? = \"NEUROTOXICITY\"   # an item no field matched",
    ] {
        assert!(starter.lines().any(|l| l == line), "{line}\n{starter}");
    }
    let dir = files(&[(
        "e.csv",
        "record_id,redcap_repeat_instrument,redcap_repeat_instance,loc\n1,neuro,1,alert\n1,neuro,2,alert\n",
    )]);
    let (code, starter, _) = run(&dir, &["map", "init", "e.csv"]);
    assert_eq!(code, Some(0));
    assert!(
        starter.contains("columns = [\"redcap_repeat_instrument\", \"redcap_repeat_instance\"]"),
        "{starter}"
    );
}

/// Contract v4 §8, §10: a mapped item never met in a `[long]` export is
/// warned at the end by batch (once each), as a wide export's absent
/// column is; `map check` exits 65 for it unless --allow-missing-columns.
#[test]
fn a_mapped_item_never_met_is_warned() {
    let dir = files(&[
        ("m.toml", LONG_MAP),
        (
            "e.csv",
            "PAT_ID,RECORDED_TIME,FLO_MEAS_NAME,MEAS_VALUE\nP1,2026-03-01T08:00,SEIZURE,None\nP2,2026-03-01T08:00,SEIZURE,None\n",
        ),
    ]);
    let (code, out, err) = run(
        &dir,
        &[
            "batch",
            "e.csv",
            "--map",
            "m.toml",
            "--fields",
            "patient_id,grade",
        ],
    );
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        "{\"patient_id\":\"P1\",\"grade\":0}\n{\"patient_id\":\"P2\",\"grade\":0}\n"
    );
    assert_eq!(
        err,
        "icans: column ICE SCORE (ice_total) is not in the export: left not assessed\nicans: column LOC (consciousness) is not in the export: left not assessed\n"
    );
    let (code, _, _) = run(&dir, &["map", "check", "m.toml", "e.csv"]);
    assert_eq!(code, Some(65));
    let (code, _, _) = run(
        &dir,
        &["map", "check", "m.toml", "e.csv", "--allow-missing-columns"],
    );
    assert_eq!(code, Some(0));
}

/// A `[long]` cell that is not UTF-8 was read with its bytes replaced: a
/// record under the made-up patient id "P\u{fffd}1". It is now an error
/// in its place naming the column, as the wide reader's is; the next
/// record is graded.
#[test]
fn a_long_cell_that_is_not_utf8_is_refused_never_replaced() {
    let dir = files(&[("m.toml", LONG_MAP)]);
    std::fs::write(
        dir.path().join("e.csv"),
        b"PAT_ID,RECORDED_TIME,FLO_MEAS_NAME,MEAS_VALUE\nP\xff1,2026-03-01T08:00,SEIZURE,None\nP2,2026-03-01T08:00,SEIZURE,None\n",
    )
    .unwrap();
    let (code, out) = batch(&dir, "line,patient_id,grade,error");
    assert_eq!(code, Some(65));
    assert_eq!(
        out,
        [
            serde_json::json!({"line": 2, "file": "e.csv", "error": "malformed input: column PAT_ID: invalid UTF-8 at byte 1 (allowed: UTF-8 text)"}),
            serde_json::json!({"line": 3, "patient_id": "P2", "grade": 0, "error": null}),
        ]
    );
}
