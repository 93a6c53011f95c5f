//! `icans plot course` and `icans plot incidence` (contract v4 §11): the
//! SVG parsed and its data points checked against `summary`'s figures (the
//! same days, grades, proportions and intervals) and against figures the
//! test works out itself from each record's grading; days not assessed
//! or masked never drawn as 0; every plot rasterised (resvg) and its ink
//! checked where the data says; the README's pictures are the current
//! build's; a screenshot in headless Chromium where it is installed.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::icans;
use proptest::prelude::*;
use serde_json::Value;

use icans::input::{Input, InputFormat, ReadOptions, Source};
use icans::plot::draw::{course as draw_course, incidence as draw_incidence};
use icans::summary::GroupBy;

const ICANS_BLUE: [u8; 3] = [0x00, 0x72, 0xB2];

/// Parses an SVG document and checks that it stands alone: an `svg` root
/// with a title and a text alternative first, no script, no reference
/// outside itself.
fn standalone(svg: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let kids: Vec<&str> = root
        .children()
        .filter(|n| n.is_element())
        .map(|n| n.tag_name().name())
        .collect();
    assert_eq!(&kids[..2], ["title", "desc"], "title and desc come first");
    for n in doc.descendants().filter(|n| n.is_element()) {
        assert_ne!(n.tag_name().name(), "script");
        assert_ne!(n.tag_name().name(), "image");
        assert_ne!(n.tag_name().name(), "foreignObject");
        for a in n.attributes() {
            assert!(!a.name().starts_with("on"), "an event handler: {}", a.name());
            assert_ne!(a.name(), "href", "a reference: {}", a.value());
            assert!(!a.value().contains("url("), "a reference: {}", a.value());
        }
    }
    assert!(
        !svg.replace("http://www.w3.org/2000/svg", "").contains("http"),
        "{svg}"
    );
    doc
}

/// The text of the first element named `name`.
fn text_of(doc: &roxmltree::Document<'_>, name: &str) -> String {
    doc.descendants()
        .find(|n| n.has_tag_name(name))
        .and_then(|n| n.text())
        .unwrap_or_default()
        .to_string()
}

/// Every element of `class`, with its attributes.
fn of_class<'a>(doc: &'a roxmltree::Document<'a>, class: &str) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.attribute("class") == Some(class))
        .collect()
}

fn attr<T: std::str::FromStr>(n: &roxmltree::Node<'_, '_>, name: &str) -> T {
    n.attribute(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} on {n:?}"))
}

/// A course as drawn: each day's ICANS cell as the summary's sparkline
/// writes it (`0`-`5`, `?` masked, `.` not assessed), its CRS grade, its
/// scores, temperature and marks.
#[derive(Debug, Default, PartialEq)]
struct Drawn {
    icans: BTreeMap<u32, char>,
    crs: BTreeMap<u32, u8>,
    ice: BTreeMap<u32, String>,
    capd: BTreeMap<u32, String>,
    temperature: BTreeMap<u32, String>,
    marks: BTreeMap<u32, BTreeSet<String>>,
}

fn drawn_course(svg: &str) -> Drawn {
    let doc = standalone(svg);
    let mut d = Drawn::default();
    for n in of_class(&doc, "icans-point") {
        let g: u8 = attr(&n, "data-grade");
        assert!(
            d.icans
                .insert(attr(&n, "data-day"), char::from(b'0' + g))
                .is_none()
        );
    }
    for (class, cell) in [("icans-masked", '?'), ("icans-not-assessed", '.')] {
        for n in of_class(&doc, class) {
            let day: u32 = attr(&n, "data-day");
            assert!(
                d.icans.insert(day, cell).is_none(),
                "day {day} drawn twice: never as 0 too"
            );
        }
    }
    for n in of_class(&doc, "crs-point") {
        d.crs.insert(attr(&n, "data-day"), attr(&n, "data-grade"));
    }
    for (class, map) in [
        ("ice-point", &mut d.ice),
        ("capd-point", &mut d.capd),
        ("temperature-point", &mut d.temperature),
    ] {
        for n in of_class(&doc, class) {
            map.insert(attr(&n, "data-day"), attr(&n, "data-value"));
        }
    }
    for n in of_class(&doc, "mark") {
        d.marks
            .entry(attr(&n, "data-day"))
            .or_default()
            .insert(attr(&n, "data-mark"));
    }
    d
}

/// The sparkline `summary` prints (in a pipe) for each patient.
fn sparklines(summary_text: &str) -> BTreeMap<String, String> {
    summary_text
        .split("\nGrades by day")
        .nth(1)
        .expect("a sparkline section")
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with("  ") && !l.trim().is_empty())
        .map(|l| {
            let mut parts = l.split_whitespace();
            (
                parts.next().unwrap().to_string(),
                parts.next().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn every_course_of_the_shipped_cohort_is_summary_s_course() {
    let text = common::stdout_of(&["summary", "examples/cohort.ndjson"]);
    let json: Value = serde_json::from_str(&common::stdout_of(&[
        "summary",
        "examples/cohort.ndjson",
        "--format",
        "json",
    ]))
    .unwrap();
    let lines = sparklines(&text);
    assert_eq!(lines.len(), 8);
    for course in json["per_patient"].as_array().unwrap() {
        let id = course["patient_id"].as_str().unwrap();
        let svg = common::stdout_of(&["plot", "course", "examples/cohort.ndjson", "--patient", id]);
        let drawn = drawn_course(&svg);
        let cells: String = drawn.icans.values().collect();
        assert_eq!(cells, lines[id], "{id}");
        let doc = standalone(&svg);
        let desc = text_of(&doc, "desc");
        let worst = format!(
            "Worst ICANS grade {} (first on day {})",
            course["worst_grade"], course["worst_grade_day"]
        );
        assert!(desc.contains(&worst), "{desc}\n{worst}");
        assert_eq!(
            text_of(&doc, "title"),
            format!("ICANS and CRS course of patient {id}")
        );
        assert!(
            desc.contains(&format!("{} assessments", course["assessments"])),
            "{desc}"
        );
    }
}

/// An NDJSON file of `records` in a temporary folder, as an input.
fn ndjson_input(dir: &Path, name: &str, records: &[String]) -> Input {
    let path = dir.join(name);
    std::fs::write(&path, records.join("\n") + "\n").unwrap();
    Input {
        source: Source::File(path),
        format: InputFormat::Ndjson,
    }
}

/// One generated assessment: its kind decides whether ICANS is graded,
/// masked or not assessed, with ICE or CAPD, a temperature or not.
#[derive(Debug, Clone)]
struct Gen {
    patient: u8,
    day: u32,
    kind: u8,
    ice: u8,
    consciousness: &'static str,
    crs: Crs,
    product: &'static str,
}

/// CRS as a record gives it: a grade, or a temperature it is graded from
/// (never both: the record would be refused), or nothing.
#[derive(Debug, Clone)]
enum Crs {
    None,
    Grade(u8),
    Temperature(f64),
}

fn gen_record() -> impl Strategy<Value = Gen> {
    (
        0u8..4,
        0u32..40,
        0u8..6,
        0u8..=10,
        prop::sample::select(vec![
            "alert",
            "awakens_spontaneously",
            "awakens_to_voice",
            "awakens_to_tactile",
            "unarousable",
        ]),
        prop_oneof![
            Just(Crs::None),
            (0u8..=4).prop_map(Crs::Grade),
            (360u16..=412).prop_map(|t| Crs::Temperature(f64::from(t) / 10.0)),
        ],
        prop::sample::select(vec!["axi-cel", "tisa-cel", ""]),
    )
        .prop_map(|(patient, day, kind, ice, consciousness, crs, product)| Gen {
            patient,
            day,
            kind,
            ice,
            consciousness,
            crs,
            product,
        })
}

impl Gen {
    fn json(&self, i: usize) -> String {
        let mut o = serde_json::json!({"id": i, "patient_id": format!("P{}", self.patient), "day": self.day});
        let m = o.as_object_mut().unwrap();
        match self.kind {
            // ICE with every domain.
            0 | 1 => {
                m.insert("ice_total".into(), self.ice.into());
                m.insert("consciousness".into(), self.consciousness.into());
                for f in ["seizure", "motor", "edema"] {
                    m.insert(f.into(), "none".into());
                }
            }
            // A child's CAPD.
            2 => {
                m.insert("age_years".into(), 6.into());
                m.insert("capd".into(), (u32::from(self.ice) * 3).into());
                m.insert("consciousness".into(), self.consciousness.into());
                for f in ["seizure", "motor", "edema"] {
                    m.insert(f.into(), "none".into());
                }
            }
            // Masked: consciousness and encephalopathy explained by
            // another cause.
            3 => {
                m.insert("ice_total".into(), 0.into());
                m.insert("consciousness".into(), "unarousable".into());
                m.insert(
                    "other_cause".into(),
                    serde_json::json!(["consciousness", "encephalopathy"]),
                );
                for f in ["seizure", "motor", "edema"] {
                    m.insert(f.into(), "none".into());
                }
            }
            // Too little assessed to rule ICANS out: the ICE alone.
            4 => {
                m.insert("ice_total".into(), 10.into());
            }
            // ICANS not assessed: CRS information alone.
            _ => {
                if let Crs::None = self.crs {
                    m.insert("crs_grade".into(), 0.into());
                }
            }
        }
        match self.crs {
            Crs::None => {}
            Crs::Grade(g) => {
                m.insert("crs_grade".into(), g.into());
            }
            Crs::Temperature(t) => {
                m.insert("temperature_c".into(), t.into());
            }
        }
        if !self.product.is_empty() {
            m.insert("product".into(), self.product.into());
        }
        o.to_string()
    }
}

/// The marks the test expects from a grading's action ids (its own list,
/// from the contract's management table: the orders of corticosteroid,
/// tocilizumab and ICU).
fn expected_marks(ids: &[&str]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for id in ids {
        let m = match *id {
            "dexamethasone" | "methylprednisolone" | "methylprednisolone_pulse" => "corticosteroid",
            "tocilizumab" => "tocilizumab",
            "icu" => "ICU",
            _ => continue,
        };
        out.insert(m.to_string());
    }
    out
}

/// What the test works out for one patient's days from each record's own
/// grading: the day's CRS grade, lowest ICE, highest CAPD and
/// temperature, and marks.
fn expected_days(records: &[String], patient: &str) -> Drawn {
    let mut d = Drawn::default();
    for r in records {
        let v: Value = serde_json::from_str(r).unwrap();
        if v["patient_id"] != patient {
            continue;
        }
        let day = v["day"].as_u64().unwrap() as u32;
        let g = common::graded(r);
        if let Some(c) = &g.crs {
            let e = d.crs.entry(day).or_insert(c.grade);
            *e = (*e).max(c.grade);
        }
        if let Some(ice) = g.ice_total {
            let e = d.ice.entry(day).or_insert(ice.to_string());
            *e = e.parse::<u8>().unwrap().min(ice).to_string();
        }
        if let Some(capd) = g.capd {
            let e = d.capd.entry(day).or_insert(capd.to_string());
            *e = e.parse::<u8>().unwrap().max(capd).to_string();
        }
        if let Some(t) = v["temperature_c"].as_f64() {
            let e = d.temperature.entry(day).or_insert(format!("{t:.1}"));
            *e = format!("{:.1}", e.parse::<f64>().unwrap().max(t));
        }
        let marks = expected_marks(&common::action_ids(&g));
        if !marks.is_empty() {
            d.marks.entry(day).or_default().extend(marks);
        }
    }
    for t in d.temperature.values_mut() {
        *t = t.trim_end_matches(".0").to_string();
    }
    d
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any course: the drawn ICANS cell of each day is the summary's
    /// sparkline cell (a masked or unassessed day never a point at 0), the
    /// other series are what each record's grading says.
    #[test]
    fn a_drawn_course_is_summary_s_and_the_records(gens in prop::collection::vec(gen_record(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let records: Vec<String> = gens.iter().enumerate().map(|(i, g)| g.json(i)).collect();
        let input = ndjson_input(dir.path(), "r.ndjson", &records);
        let s = icans::summary::from_inputs(std::slice::from_ref(&input), ReadOptions::default(), None).unwrap();
        let lines: BTreeMap<String, String> = s
            .courses
            .iter()
            .zip(s.sparklines.iter())
            .map(|(c, l)| (c.unwrap().patient_id, l.unwrap()))
            .collect();
        let patients: Vec<String> = lines.keys().cloned().collect();
        let read = icans::plot::courses(&[input], ReadOptions::default(), &patients).unwrap();
        for (p, plot) in patients.iter().zip(read.plots) {
            let plot = plot.unwrap();
            let svg = draw_course::svg(&plot);
            let drawn = drawn_course(&svg);
            let cells: String = drawn.icans.values().collect();
            prop_assert_eq!(&cells, &lines[p]);
            let want = expected_days(&records, p);
            prop_assert_eq!(&drawn.crs, &want.crs);
            prop_assert_eq!(&drawn.ice, &want.ice);
            prop_assert_eq!(&drawn.capd, &want.capd);
            prop_assert_eq!(&drawn.temperature, &want.temperature);
            prop_assert_eq!(&drawn.marks, &want.marks);
        }
    }

    /// Any cohort, by product or whole: each curve's final proportion and
    /// interval are the summary's, and its steps the test's own count of
    /// onsets by day (first day at grade >= 1, or >= 3).
    #[test]
    fn drawn_curves_are_summary_s_figures(gens in prop::collection::vec(gen_record(), 1..60), by_product: bool) {
        let dir = tempfile::tempdir().unwrap();
        let records: Vec<String> = gens.iter().enumerate().map(|(i, g)| g.json(i)).collect();
        let input = ndjson_input(dir.path(), "r.ndjson", &records);
        let by = by_product.then_some(GroupBy::Product);
        let s = icans::summary::from_inputs(std::slice::from_ref(&input), ReadOptions::default(), by).unwrap();
        let mut figures: BTreeMap<String, icans::summary::Cohort> = BTreeMap::new();
        match &s.by {
            Some(g) => {
                for x in g.groups.iter() {
                    let (k, c) = x.unwrap();
                    figures.insert(k, c);
                }
            }
            None => {
                figures.insert(String::new(), s.cohort.clone());
            }
        }
        let plot = icans::plot::incidence(&[input], ReadOptions::default(), by).unwrap();
        let mut svg = Vec::new();
        draw_incidence::write_svg(&mut svg, &plot).unwrap();
        let svg = String::from_utf8(svg).unwrap();
        let doc = standalone(&svg);
        let onsets = expected_onsets(&records, by_product);
        let mut seen = 0;
        for curve in of_class(&doc, "curve") {
            let group: String = attr(&curve, "data-group");
            let event: String = attr(&curve, "data-event");
            let c = &figures[&group];
            let inc = match event.as_str() {
                "icans_any" => &c.any_grade,
                "icans_grade3_plus" => &c.grade3_plus,
                "crs_any" => c.crs_any_grade.as_ref().unwrap(),
                _ => c.crs_grade3_plus.as_ref().unwrap(),
            };
            prop_assert_eq!(attr::<u64>(&curve, "data-n"), inc.n);
            prop_assert_eq!(attr::<u64>(&curve, "data-total"), inc.total);
            prop_assert_eq!(attr::<String>(&curve, "data-percent"), format!("{:.1}", inc.percent));
            prop_assert_eq!(attr::<String>(&curve, "data-ci-low"), format!("{:.1}", inc.ci95[0]));
            prop_assert_eq!(attr::<String>(&curve, "data-ci-high"), format!("{:.1}", inc.ci95[1]));
            let steps: String = attr(&curve, "data-steps");
            prop_assert_eq!(&steps, &onsets[&(group.clone(), event.clone())], "{} {}", group, event);
            seen += 1;
        }
        let drawable = figures.values().map(|c| u64::from(c.patients > 0) * 2 + u64::from(c.crs_patients > 0) * 2).sum::<u64>();
        prop_assert_eq!(seen, drawable);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any patient id and product, markup, control characters and the
    /// characters XML forbids included: each picture is still a valid,
    /// standalone document naming them.
    #[test]
    fn any_name_keeps_the_document_valid(id in "\\PC{0,12}|[<>&\"'\u{1}\u{1b}\u{fffe}\u{ffff}a]{1,8}", product in "\\PC{0,8}|[<&\u{0}\u{ffff}]{1,4}") {
        let dir = tempfile::tempdir().unwrap();
        let record = serde_json::json!({
            "patient_id": id, "product": product, "day": 1, "ice_total": 6,
            "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none"
        });
        let input = ndjson_input(dir.path(), "r.ndjson", &[record.to_string()]);
        let read = icans::plot::courses(std::slice::from_ref(&input), ReadOptions::default(), std::slice::from_ref(&id)).unwrap();
        let plot = read.plots.into_iter().next().unwrap().unwrap();
        let svg = draw_course::svg(&plot);
        let doc = standalone(&svg);
        prop_assert!(text_of(&doc, "title").starts_with("ICANS and CRS course of patient "));
        let mut page = Vec::new();
        draw_course::write_html(&mut page, &[plot]).unwrap();
        prop_assert!(!String::from_utf8(page).unwrap().contains("<script"));
        let plot = icans::plot::incidence(&[input], ReadOptions::default(), Some(GroupBy::Product)).unwrap();
        let mut svg = Vec::new();
        draw_incidence::write_svg(&mut svg, &plot).unwrap();
        let svg = String::from_utf8(svg).unwrap();
        let doc = standalone(&svg);
        prop_assert_eq!(of_class(&doc, "curve").len(), 2);
    }
}

/// The test's own onsets: per group and event, `day:cumulative` at each
/// day an onset falls on, from each record's grading (a patient's first
/// day at grade >= 1, or >= 3, over its records in day order).
fn expected_onsets(records: &[String], by_product: bool) -> BTreeMap<(String, String), String> {
    // (group, patient) -> (first day >= 1, first day >= 3) for ICANS, CRS.
    let mut first: BTreeMap<(String, String), [Option<u32>; 4]> = BTreeMap::new();
    for r in records {
        let v: Value = serde_json::from_str(r).unwrap();
        let group = if by_product {
            v["product"].as_str().unwrap_or_default().to_string()
        } else {
            String::new()
        };
        let patient = v["patient_id"].as_str().unwrap().to_string();
        let day = v["day"].as_u64().unwrap() as u32;
        let g = common::graded(r);
        let grades = [
            g.grade,
            g.grade,
            g.crs.as_ref().map(|c| c.grade),
            g.crs.as_ref().map(|c| c.grade),
        ];
        let e = first.entry((group, patient)).or_default();
        for (i, (grade, at_least)) in grades.iter().zip([1, 3, 1, 3]).enumerate() {
            if grade.is_some_and(|x| x >= at_least) {
                e[i] = Some(e[i].map_or(day, |d| d.min(day)));
            }
        }
    }
    let events = ["icans_any", "icans_grade3_plus", "crs_any", "crs_grade3_plus"];
    let mut by_day: BTreeMap<(String, String), BTreeMap<u32, u64>> = BTreeMap::new();
    for ((group, _), days) in &first {
        for (i, e) in events.iter().enumerate() {
            let counts = by_day.entry((group.clone(), e.to_string())).or_default();
            if let Some(d) = days[i] {
                *counts.entry(d).or_default() += 1;
            }
        }
    }
    by_day
        .into_iter()
        .map(|(k, counts)| {
            let mut n = 0;
            let steps: Vec<String> = counts
                .into_iter()
                .map(|(d, c)| {
                    n += c;
                    format!("{d}:{n}")
                })
                .collect();
            (k, steps.join(" "))
        })
        .collect()
}

#[test]
fn the_shipped_incidence_is_summary_s_table() {
    for (args, by) in [
        (vec!["examples/cohort.ndjson"], true),
        (vec!["examples/cohort.ndjson"], false),
        (
            vec![
                "examples/registry/export-raw.csv",
                "--map",
                "examples/registry/export-raw.map.toml",
            ],
            true,
        ),
    ] {
        let mut plot_args = vec!["plot", "incidence"];
        plot_args.extend(&args);
        let mut summary_args = vec!["summary"];
        summary_args.extend(&args);
        summary_args.extend(["--format", "json"]);
        if by {
            plot_args.extend(["--by", "product"]);
            summary_args.extend(["--by", "product"]);
        }
        let svg = common::stdout_of(&plot_args);
        let json: Value = serde_json::from_str(&common::stdout_of(&summary_args)).unwrap();
        let doc = standalone(&svg);
        let desc = text_of(&doc, "desc");
        let curves = of_class(&doc, "curve");
        assert!(!curves.is_empty());
        for curve in curves {
            let group: String = attr(&curve, "data-group");
            let figures = if by { &json["by"]["groups"][&group] } else { &json };
            let key = match attr::<String>(&curve, "data-event").as_str() {
                "icans_any" => "any_grade",
                "icans_grade3_plus" => "grade3_plus",
                "crs_any" => "crs_any_grade",
                _ => "crs_grade3_plus",
            };
            let f = &figures[key];
            assert_eq!(
                attr::<u64>(&curve, "data-n"),
                f["n"].as_u64().unwrap(),
                "{group} {key}"
            );
            let percent = format!("{:.1}", f["percent"].as_f64().unwrap());
            assert_eq!(attr::<String>(&curve, "data-percent"), percent);
            let (lo, hi) = (f["ci95"][0].as_f64().unwrap(), f["ci95"][1].as_f64().unwrap());
            assert_eq!(attr::<String>(&curve, "data-ci-low"), format!("{lo:.1}"));
            assert_eq!(attr::<String>(&curve, "data-ci-high"), format!("{hi:.1}"));
            let said = format!("({percent}%, 95% CI {lo:.1}-{hi:.1}%)");
            assert!(desc.contains(&said), "{desc}\n{said}");
            assert_eq!(
                attr::<u64>(&curve, "data-total"),
                f["total"].as_u64().unwrap(),
                "{group} {key}"
            );
        }
    }
}

#[test]
fn patients_without_day_are_left_out_of_the_curves_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.ndjson");
    std::fs::write(
        &path,
        concat!(
            r#"{"patient_id": "A", "day": 2, "ice_total": 5, "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none"}"#,
            "\n",
            r#"{"patient_id": "B", "day": 1, "ice_total": 10, "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none"}"#,
            "\n",
            r#"{"patient_id": "C", "assessed_at": "2026-01-01T08:00:00Z", "ice_total": 2, "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none"}"#,
            "\n",
        ),
    )
    .unwrap();
    let out = icans().args(["plot", "incidence"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let svg = String::from_utf8(out.stdout).unwrap();
    let doc = standalone(&svg);
    let any = of_class(&doc, "curve")
        .into_iter()
        .find(|c| c.attribute("data-event") == Some("icans_any"))
        .unwrap();
    // A (grade 2 on day 2) of A and B; C (no day) left out.
    assert_eq!(attr::<u64>(&any, "data-n"), 1);
    assert_eq!(attr::<u64>(&any, "data-total"), 2);
    assert_eq!(attr::<String>(&any, "data-steps"), "2:1");
    assert!(
        text_of(&doc, "desc").contains("1 patient(s) without day since infusion left out of the curves."),
        "{svg}"
    );
    // The course of C counts days from C's first assessment, and says so.
    let svg = common::stdout_of(&["plot", "course", path.to_str().unwrap(), "--patient", "C"]);
    assert!(svg.contains("Day since the first assessment (days; no day since infusion recorded)"));
}

#[test]
fn a_patient_not_found_or_nothing_to_draw_is_65_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("course.svg");
    let out = icans()
        .args([
            "plot",
            "course",
            "examples/cohort.ndjson",
            "--patient",
            "C-4",
            "-o",
        ])
        .arg(&out_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "icans: patient C-4 not found: no record has that patient_id (did you mean C-04?); nothing written\n"
    );
    assert!(!out_file.exists());

    let empty = dir.path().join("no-patients.ndjson");
    std::fs::write(&empty, "{\"ice_total\": 10}\n").unwrap();
    let out = icans().args(["plot", "incidence"]).arg(&empty).output().unwrap();
    assert_eq!(out.status.code(), Some(65));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("patient_id: missing"), "{err}");
    assert!(err.ends_with("icans: nothing to draw: no patient has an assessment with patient_id and day since infusion; nothing written\n"), "{err}");
    assert!(out.stdout.is_empty());

    // A patient whose records cannot be placed on a timeline is named as
    // such, never "not found"; each record is reported first.
    let dayless = dir.path().join("dayless.ndjson");
    std::fs::write(
        &dayless,
        "{\"patient_id\": \"Q\", \"ice_total\": 5, \"consciousness\": \"alert\"}\n",
    )
    .unwrap();
    let out = icans()
        .args(["plot", "course"])
        .arg(&dayless)
        .args(["--patient", "Q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("dayless.ndjson:1: day: missing, and no assessed_at either, for patient Q"),
        "{err}"
    );
    assert!(
        err.ends_with("icans: patient Q has no record with day or assessed_at to place it on a timeline (each is reported above); nothing written\n"),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    // Two patients in one SVG: a usage error, before anything is read.
    let out = icans()
        .args([
            "plot",
            "course",
            "/nonexistent",
            "--patient",
            "A",
            "--patient",
            "B",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format html for several"));

    // An input that cannot be read: 74, which outranks 65.
    let out = icans()
        .args(["plot", "course", "/nonexistent/x.ndjson", "--patient", "A"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(74));
    let out = icans()
        .args([
            "plot",
            "course",
            "examples/cohort.ndjson",
            "/nonexistent/x.ndjson",
            "--patient",
            "Z",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(74));
}

#[test]
fn an_invalid_record_is_reported_and_the_rest_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.ndjson");
    let good = std::fs::read_to_string("examples/cohort.ndjson").unwrap();
    std::fs::write(
        &path,
        format!("{good}{{\"patient_id\": \"C-04\", \"day\": 9, \"seizure\": \"maybe\"}}\n"),
    )
    .unwrap();
    let out = icans()
        .args(["plot", "course"])
        .arg(&path)
        .args(["--patient", "C-04"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("r.ndjson:31: seizure: unknown value \"maybe\""),
        "{err}"
    );
    let drawn = drawn_course(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(drawn.icans.keys().copied().collect::<Vec<_>>(), [1, 2, 3, 5, 8]);
}

#[test]
fn html_holds_every_plot_and_its_figures_offline() {
    let page = common::stdout_of(&[
        "plot",
        "course",
        "examples/cohort.ndjson",
        "--patient",
        "C-04",
        "--patient",
        "C-08",
        "--format",
        "html",
    ]);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(page.matches("<svg ").count(), 2);
    assert_eq!(page.matches("<table>").count(), 2);
    assert!(!page.contains("<script"));
    assert!(!page.replace("http://www.w3.org/2000/svg", "").contains("http"));
    // C-08's days: 3 grade 2, 4 grade 2, 5 grade 4.
    assert!(page.contains("<tr><td>5</td><td>grade 4</td>"), "{page}");
    assert!(page.contains("Decision support only"));
    for svg in page.split("<svg ").skip(1) {
        standalone(&format!("<svg {}", &svg[..svg.find("</svg>").unwrap() + 6]));
    }

    let page = common::stdout_of(&[
        "plot",
        "incidence",
        "examples/cohort.ndjson",
        "--by",
        "product",
        "--format",
        "html",
    ]);
    assert_eq!(page.matches("<svg ").count(), 1);
    let json: Value = serde_json::from_str(&common::stdout_of(&[
        "summary",
        "examples/cohort.ndjson",
        "--by",
        "product",
        "--format",
        "json",
    ]))
    .unwrap();
    let axi = &json["by"]["groups"]["axi-cel"]["any_grade"];
    let cell = format!(
        "<tr><td>axi-cel</td><td>any-grade ICANS</td><td>9</td><td>{}/{} {:.1}% ({:.1}-{:.1})</td><td>0</td></tr>",
        axi["n"],
        axi["total"],
        axi["percent"].as_f64().unwrap(),
        axi["ci95"][0].as_f64().unwrap(),
        axi["ci95"][1].as_f64().unwrap()
    );
    assert!(page.contains(&cell), "{page}\n{cell}");
}

/// Renders an SVG to pixels (resvg: no fonts, so the text is not drawn;
/// the lines, marks and bars are).
fn rasterise(svg: &str) -> resvg::tiny_skia::Pixmap {
    let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default()).unwrap();
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap
}

fn colour_at(p: &resvg::tiny_skia::Pixmap, x: f64, y: f64) -> [u8; 3] {
    let c = p.pixel(x.round() as u32, y.round() as u32).unwrap();
    [c.red(), c.green(), c.blue()]
}

fn near(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 24)
}

#[test]
fn ink_falls_where_the_data_says() {
    // A course with a day not assessed (day 2: CRS only) and a masked one
    // (day 3) between graded days.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.ndjson");
    let full = r#""seizure": "none", "motor": "none", "edema": "none""#;
    std::fs::write(
        &path,
        format!(
            "{{\"patient_id\": \"X\", \"day\": 1, \"ice_total\": 5, \"consciousness\": \"alert\", {full}}}\n\
             {{\"patient_id\": \"X\", \"day\": 2, \"crs_grade\": 2}}\n\
             {{\"patient_id\": \"X\", \"day\": 3, \"ice_total\": 0, \"consciousness\": \"unarousable\", \"other_cause\": [\"consciousness\", \"encephalopathy\"], {full}}}\n\
             {{\"patient_id\": \"X\", \"day\": 4, \"ice_total\": 10, \"consciousness\": \"alert\", {full}}}\n"
        ),
    )
    .unwrap();
    let svg = common::stdout_of(&["plot", "course", path.to_str().unwrap(), "--patient", "X"]);
    let doc = standalone(&svg);
    let pixels = rasterise(&svg);
    let points = of_class(&doc, "icans-point");
    assert_eq!(points.len(), 2, "days 1 and 4 only: {svg}");
    let mut zero_y = 0.0;
    for p in &points {
        let (x, y): (f64, f64) = (attr(p, "cx"), attr(p, "cy"));
        assert!(
            near(colour_at(&pixels, x, y), ICANS_BLUE),
            "day {}",
            attr::<u32>(p, "data-day")
        );
        if attr::<u8>(p, "data-grade") == 0 {
            zero_y = y;
        }
    }
    assert!(zero_y > 0.0);
    // Days 2 and 3: no ICANS ink anywhere in their column of the grades.
    let unknown = of_class(&doc, "icans-unknown");
    assert_eq!(unknown.len(), 2);
    for band in unknown {
        let (x, w, top, h): (f64, f64, f64, f64) = (
            attr(&band, "x"),
            attr(&band, "width"),
            attr(&band, "y"),
            attr(&band, "height"),
        );
        let centre = x + w / 2.0;
        for dx in [-2.0, 0.0, 2.0] {
            let mut y = top + 1.0;
            while y < top + h {
                assert!(
                    !near(colour_at(&pixels, centre + dx, y), ICANS_BLUE),
                    "ICANS ink on day {} at y {y}",
                    attr::<u32>(&band, "data-day")
                );
                y += 1.0;
            }
        }
    }

    // Incidence: each curve's end point in its group's colour.
    let svg = common::stdout_of(&["plot", "incidence", "examples/cohort.ndjson", "--by", "product"]);
    let doc = standalone(&svg);
    let pixels = rasterise(&svg);
    let palette = icans::plot::draw::PALETTE;
    let mut groups = BTreeSet::new();
    for curve in of_class(&doc, "curve") {
        groups.insert(attr::<String>(&curve, "data-group"));
        let colour = palette[groups.len() - 1];
        let rgb = [1, 3, 5].map(|i| u8::from_str_radix(&colour[i..i + 2], 16).unwrap());
        let end = curve
            .children()
            .find(|n| n.attribute("class") == Some("bar-point"))
            .unwrap();
        assert!(
            near(colour_at(&pixels, attr(&end, "cx"), attr(&end, "cy")), rgb),
            "{:?}",
            curve
        );
    }
    assert_eq!(groups.len(), 2);
}

/// The README's pictures, as the current build draws them.
const PICTURES: [(&str, &[&str]); 2] = [
    (
        "docs/pictures/course.svg",
        &["plot", "course", "examples/cohort.ndjson", "--patient", "C-04"],
    ),
    (
        "docs/pictures/incidence.svg",
        &[
            "plot",
            "incidence",
            "examples/registry/export-raw.csv",
            "--map",
            "examples/registry/export-raw.map.toml",
            "--by",
            "product",
        ],
    ),
];

#[test]
fn the_readme_pictures_are_the_current_build_s() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    for (path, args) in PICTURES {
        let now = common::stdout_of(args);
        assert!(readme.contains(&format!("]({path})")), "the README shows {path}");
        if std::env::var_os("UPDATE_README").is_some() {
            std::fs::create_dir_all("docs/pictures").unwrap();
            std::fs::write(path, &now).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == now,
            "{path} is stale: UPDATE_README=1 cargo test --test plot"
        );
    }
}

/// Headless Chromium draws each README picture: a screenshot with ink in
/// it (the browser's reading, beside resvg's).
#[test]
#[ignore = "needs_chromium: run by .ci/run where chromium is installed"]
fn needs_chromium_a_browser_shows_the_pictures() {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect("a Chromium");
    for (path, _) in PICTURES {
        let dir = tempfile::tempdir().unwrap();
        let shot = dir.path().join("shot.png");
        let url = format!("file://{}", std::fs::canonicalize(path).unwrap().display());
        let out = std::process::Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--window-size=1000,1000",
            ])
            .arg(format!(
                "--user-data-dir={}",
                dir.path().join("profile").display()
            ))
            .arg(format!("--screenshot={}", shot.display()))
            .arg(&url)
            .output()
            .unwrap();
        assert!(shot.exists(), "{path}: {}", String::from_utf8_lossy(&out.stderr));
        let png = resvg::tiny_skia::Pixmap::load_png(&shot).unwrap();
        let dark = png
            .pixels()
            .iter()
            .filter(|p| p.red() < 100 && p.green() < 100)
            .count();
        let blue = png
            .pixels()
            .iter()
            .filter(|p| near([p.red(), p.green(), p.blue()], ICANS_BLUE))
            .count();
        assert!(dark > 2000, "{path}: text and axes drawn ({dark} dark pixels)");
        assert!(blue > 200, "{path}: the first line drawn ({blue} blue pixels)");
    }
}

/// The plots read what `summary` reads: standard input, a JSON array, a
/// CSV export through a map; the same records draw the same picture.
#[test]
fn every_input_summary_reads_draws_the_same_picture() {
    let ndjson = std::fs::read_to_string("examples/cohort.ndjson").unwrap();
    let array = format!("[{}]", ndjson.trim_end().lines().collect::<Vec<_>>().join(",\n"));
    let dir = tempfile::tempdir().unwrap();
    let json_file = dir.path().join("cohort.json");
    std::fs::write(&json_file, &array).unwrap();
    for plot in [
        &["course", "--patient", "C-02"][..],
        &["incidence", "--by", "product"][..],
    ] {
        let from_file = common::stdout_of(&[&["plot"][..], plot, &["examples/cohort.ndjson"][..]].concat());
        let stdin = icans()
            .arg("plot")
            .args(plot)
            .write_stdin(ndjson.clone())
            .output()
            .unwrap();
        assert_eq!(stdin.status.code(), Some(0));
        assert_eq!(
            String::from_utf8(stdin.stdout).unwrap(),
            from_file,
            "{plot:?} from standard input"
        );
        let array = icans().arg("plot").args(plot).arg(&json_file).output().unwrap();
        assert_eq!(array.status.code(), Some(0));
        assert_eq!(
            String::from_utf8(array.stdout).unwrap(),
            from_file,
            "{plot:?} from a JSON array"
        );
    }
    // The registry export through its map, as `summary` reads it: the
    // same patients, and patient 101's course.
    let svg = common::stdout_of(&[
        "plot",
        "course",
        "examples/registry/export-raw.csv",
        "--map",
        "examples/registry/export-raw.map.toml",
        "--patient",
        "101",
    ]);
    let drawn = drawn_course(&svg);
    let text = common::stdout_of(&[
        "summary",
        "examples/registry/export-raw.csv",
        "--map",
        "examples/registry/export-raw.map.toml",
    ]);
    assert_eq!(drawn.icans.values().collect::<String>(), sparklines(&text)["101"]);
}
