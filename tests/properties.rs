//! Property tests over generated records (issue "nothing lost, nothing
//! crashes"): the grading invariants, round trips, batch's one-output-per-
//! line guarantee, and that no input bytes make a reader panic.

mod common;

use std::io::Write as _;

use proptest::prelude::*;

use icans::batch::{self, Options};
use icans::format::OutputFormat;
use icans::grading::{
    Assessment, Consciousness, Domain, DomainSet, Edema, EncephalopathyScore, Hypotension, Hypoxia, IceBand,
    IceItems, Instrument, Motor, RecordId, Seizure, Status, grade,
};
use icans::input::{self as json, ArrayScanner, Input, InputFormat, ReadOptions, Scanned, Source};

fn ice_items() -> impl Strategy<Value = IceItems> {
    (0..=4u8, 0..=3u8, 0..=1u8, 0..=1u8, 0..=1u8)
        .prop_map(|(o, n, w, a, c)| IceItems::from_array([o, n, w, a, c]))
}

fn encephalopathy() -> impl Strategy<Value = Option<EncephalopathyScore>> {
    prop_oneof![
        Just(None),
        ice_items().prop_map(|i| Some(EncephalopathyScore::Ice {
            items: Some(i),
            total: i.total()
        })),
        (0..=10u8).prop_map(|t| Some(EncephalopathyScore::Ice {
            items: None,
            total: t
        })),
        (0..=32u8).prop_map(|s| Some(EncephalopathyScore::Capd(s))),
        (0..=10u8).prop_map(|t| Some(EncephalopathyScore::Total {
            instrument: Instrument::Cartox10,
            total: t
        })),
        proptest::sample::select(IceBand::ALL).prop_map(|b| Some(EncephalopathyScore::IceBand(b))),
    ]
}

fn pick<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = Option<T>> {
    proptest::option::of(proptest::sample::select(all))
}

fn domain_set() -> impl Strategy<Value = DomainSet> {
    (0..32u8).prop_map(|m| {
        Domain::ALL
            .into_iter()
            .filter(|d| m & (1 << d.index()) != 0)
            .collect()
    })
}

fn record_id() -> impl Strategy<Value = Option<RecordId>> {
    prop_oneof![
        Just(None),
        any::<i64>().prop_map(|n| Some(RecordId::Int(n.into()))),
        // Past i64 too (the JSON reader takes up to u64): the writer takes
        // another path there.
        any::<u64>().prop_map(|n| Some(RecordId::Int(n.into()))),
        any::<String>().prop_map(|s| Some(RecordId::Text(s.into()))),
    ]
}

/// Any assessment the contract allows (not necessarily with a domain
/// assessed: the grader must cope with that too).
fn assessment() -> impl Strategy<Value = Assessment> {
    let labels = (
        record_id(),
        proptest::option::of("[A-Za-z0-9\"\\\\ é-]{0,12}"),
        proptest::option::of(0..=400u32),
        proptest::option::of(proptest::sample::select(
            &["2026-03-09T08:30:00Z", "2026-03-09T08:30:00.5+01:00"][..],
        )),
        proptest::option::of(0.0..95.0f64),
    );
    let findings = (
        encephalopathy(),
        pick(Consciousness::ALL),
        pick(Seizure::ALL),
        pick(Motor::ALL),
        pick(Edema::ALL),
        domain_set(),
    );
    let context = (
        proptest::option::of(0..=4u8),
        proptest::option::of(0..=10u8),
        proptest::option::of(0.0..200.0f64),
        proptest::option::of(any::<bool>()),
        proptest::option::of(any::<bool>()),
    );
    // Weight, the CRS findings (given CRS and findings are exclusive: the
    // builder refuses both, so a graded CRS drops crs_grade), the CAPD
    // trend, the recorded grades.
    let crs = (
        proptest::option::of(2.0..=300.0f64),
        proptest::option::of(25.0..=45.0f64),
        proptest::option::of(any::<bool>()),
        pick(Hypotension::ALL),
        pick(Hypoxia::ALL),
        proptest::option::of(any::<bool>()),
        (
            any::<[bool; 3]>(),
            proptest::option::of(0..=32u8),
            proptest::option::of(0..=5u8),
        ),
    );
    (labels, findings, context, crs).prop_map(
        |(
            (id, patient_id, day, assessed_at, age_years),
            (encephalopathy, consciousness, seizure, motor, edema, other_cause),
            (crs_grade, previous_ice_total, hours_since_onset, steroid_refractory, died_of_icans),
            (
                weight_kg,
                temperature_c,
                fever_masked,
                hypotension,
                hypoxia,
                died_of_crs,
                (crs_other_cause, previous_capd, recorded_grade),
            ),
        )| {
            let findings = temperature_c.is_some()
                || fever_masked.is_some()
                || hypotension.is_some()
                || hypoxia.is_some()
                || died_of_crs.is_some();
            Assessment {
                id,
                patient_id: patient_id.map(Into::into),
                day,
                assessed_at: assessed_at.map(Into::into),
                age_years,
                weight_kg,
                encephalopathy,
                consciousness,
                seizure,
                motor,
                edema,
                other_cause,
                crs_other_cause,
                crs_grade: crs_grade.filter(|_| !findings),
                temperature_c,
                fever_masked,
                hypotension,
                hypoxia,
                died_of_crs,
                previous_ice_total,
                previous_capd,
                hours_since_onset,
                steroid_refractory,
                died_of_icans,
                recorded_grade,
                recorded_scale: recorded_grade.map(|_| "CTCAE v5".into()),
                ..Assessment::default()
            }
        },
    )
}

/// A finding one step worse in one domain, when there is one.
fn worsen(a: &Assessment, domain: Domain, step: usize) -> Option<Assessment> {
    fn after<T: Copy + PartialEq>(all: &[T], now: Option<T>, step: usize) -> Option<T> {
        let from = now
            .and_then(|v| all.iter().position(|x| *x == v))
            .map_or(0, |i| i + 1);
        all.get(from..)
            .filter(|rest| !rest.is_empty())
            .map(|rest| rest[step % rest.len()])
    }
    let mut w = a.clone();
    match domain {
        Domain::Consciousness => w.consciousness = Some(after(Consciousness::ALL, a.consciousness, step)?),
        Domain::Seizure => w.seizure = Some(after(Seizure::ALL, a.seizure, step)?),
        Domain::Motor => w.motor = Some(after(Motor::ALL, a.motor, step)?),
        Domain::Edema => w.edema = Some(after(Edema::ALL, a.edema, step)?),
        Domain::Encephalopathy => {
            w.encephalopathy = Some(match a.encephalopathy? {
                EncephalopathyScore::Ice { total: 0, .. } => return None,
                EncephalopathyScore::Ice { total, .. } => EncephalopathyScore::Ice {
                    items: None,
                    total: total - 1 - (step as u8 % total),
                },
                EncephalopathyScore::Capd(32) => return None,
                EncephalopathyScore::Capd(s) => EncephalopathyScore::Capd(s + 1 + (step as u8 % (32 - s))),
                // Lower is worse on every instrument given by a total alone
                // (CARTOX-10, read on the ICE bands).
                EncephalopathyScore::Total { total: 0, .. } => return None,
                EncephalopathyScore::Total { instrument, total } => EncephalopathyScore::Total {
                    instrument,
                    total: total - 1 - (step as u8 % total),
                },
                // A worse band; `unable` is graded only when unarousable.
                EncephalopathyScore::IceBand(b) => {
                    let banded = [
                        IceBand::Ten,
                        IceBand::SevenToNine,
                        IceBand::ThreeToSix,
                        IceBand::ZeroToTwo,
                    ];
                    EncephalopathyScore::IceBand(after(&banded, Some(b), step)?)
                }
            })
        }
    }
    Some(w)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Grading without the management step (`batch --fields` without its
    /// columns, `summary`, `audit`) changes nothing else in the result.
    #[test]
    fn without_management_only_the_step_is_left_out(a in assessment()) {
        use icans::grading::{Protocol, Scope, grade_scoped};
        let full = grade(&a);
        let mut without = grade_scoped(&a, &icans::grading::ASTCT_2019, &Protocol::BUILTIN, Scope::WithoutManagement);
        prop_assert!(without.management.actions.is_empty());
        prop_assert!(without.management.summary.is_empty());
        prop_assert_eq!(without.management.reassess_hours, None);
        without.management = full.management.clone();
        prop_assert_eq!(without, full);
    }

    #[test]
    fn grade_is_the_highest_graded_domain(a in assessment()) {
        let r = grade(&a);
        let highest = r.domains.iter().filter_map(|(_, d)| d.grade).max().unwrap_or(0);
        if a.died_of_icans == Some(true) {
            prop_assert_eq!(r.grade, Some(5));
            prop_assert!(r.drivers.is_empty());
        } else {
            // ICANS not assessed: no grade, never 0 (contract v4 section 2).
            let assessed = r.domains.iter().any(|(_, d)| d.status != Status::NotAssessed);
            prop_assert_eq!(r.grade, assessed.then_some(highest));
            let drivers: Vec<Domain> = if highest == 0 {
                vec![]
            } else {
                r.domains.iter().filter(|(_, d)| d.grade == Some(highest)).map(|(d, _)| d).collect()
            };
            prop_assert_eq!(&r.drivers[..], &drivers[..]);
        }
        for (d, res) in r.domains.iter() {
            prop_assert_eq!(res.grade.is_some(), res.status == Status::Graded, "{}", d);
            prop_assert_eq!(res.status == Status::Excluded, r.excluded.contains(&d));
            prop_assert_eq!(res.status == Status::NotAssessed, r.unassessed.contains(&d));
        }
        // A death is complete: grade 5 is never a lower bound.
        prop_assert_eq!(r.complete, r.unassessed.is_empty() || r.grade == Some(5));
        // Tocilizumab only with concurrent CRS, given or graded from findings.
        let crs_active = r.crs.as_ref().is_some_and(|c| (1..=4).contains(&c.grade));
        prop_assert!(r.management.actions.iter().all(|x| x.id.as_str() != "tocilizumab") || crs_active);
    }

    #[test]
    fn worsening_one_finding_never_lowers_the_grade(a in assessment(), d in 0..5usize, step in 0..8usize) {
        if let Some(w) = worsen(&a, Domain::ALL[d], step) {
            prop_assert!(grade(&w).grade >= grade(&a).grade, "{:?} -> {:?}", a, w);
        }
    }

    #[test]
    fn excluding_a_domain_never_raises_the_grade(a in assessment(), d in 0..5usize) {
        let mut e = a.clone();
        e.other_cause.insert(Domain::ALL[d]);
        prop_assert!(grade(&e).grade <= grade(&a).grade);
    }

    #[test]
    fn an_incomplete_grade_is_a_lower_bound_of_every_completion(
        a in assessment(),
        fill in (encephalopathy(), pick(Consciousness::ALL), pick(Seizure::ALL), pick(Motor::ALL), pick(Edema::ALL)),
    ) {
        let r = grade(&a);
        let mut c = a.clone();
        if r.unassessed.contains(&Domain::Encephalopathy) && c.encephalopathy.is_none() {
            c.encephalopathy = fill.0;
        }
        c.consciousness = c.consciousness.or(fill.1);
        c.seizure = c.seizure.or(fill.2);
        c.motor = c.motor.or(fill.3);
        c.edema = c.edema.or(fill.4);
        prop_assert!(grade(&c).grade >= r.grade, "{:?} completed as {:?}", a, c);
    }

    #[test]
    fn records_and_results_round_trip_through_json(a in assessment()) {
        let text = serde_json::to_string(&a).unwrap();
        match common::record(&text) {
            Ok(back) => prop_assert_eq!(&back, &a),
            // Only records with nothing assessed are refused.
            Err(rejected) => prop_assert!(rejected.error.to_string().contains("nothing assessed"), "{}", rejected.error),
        }
        let r = grade(&a);
        let serialized = serde_json::to_string(&r).unwrap();
        let value: serde_json::Value = serde_json::from_str(&serialized).unwrap();
        prop_assert_eq!(value, serde_json::to_value(&r).unwrap());
        let mut fast = Vec::new();
        icans::format::json::write_result_line(&mut fast, &r);
        prop_assert_eq!(String::from_utf8(fast).unwrap(), serialized + "\n");
    }
}

/// One line of a batch input: a valid record carrying its index as id, or
/// one of the ways a line goes wrong.
fn batch_line(index: usize) -> impl Strategy<Value = (bool, String)> {
    prop_oneof![
        3 => (0..=10u8, pick(Seizure::ALL)).prop_map(move |(t, s)| {
            let seizure = s.map(|s| format!(r#", "seizure": "{s}""#)).unwrap_or_default();
            (true, format!(r#"{{"id": {index}, "ice_total": {t}{seizure}}}"#))
        }),
        1 => "[A-Z]{1,8}".prop_map(move |v| (false, format!(r#"{{"id": {index}, "seizure": "{v}"}}"#))),
        1 => (11..1000u32).prop_map(move |t| (false, format!(r#"{{"ice_total": {t}}}"#))),
        1 => (1..20usize).prop_map(move |cut| {
            let full = format!(r#"{{"id": {index}, "ice_total": 5, "motor": "none"}}"#);
            (false, full[..cut.min(full.len() - 1)].to_string())
        }),
        1 => proptest::collection::vec(any::<u8>().prop_filter("no newline", |b| *b != b'\n'), 1..40)
            .prop_map(|bytes| (false, format!("x{}", String::from_utf8_lossy(&bytes)))),
    ]
}

fn run_batch(bytes: &[u8], format: InputFormat, threads: usize) -> (Vec<u8>, batch::Stats) {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(bytes).unwrap();
    let inputs = [Input {
        source: Source::File(file.path().to_path_buf()),
        format,
    }];
    let options = Options {
        output: OutputFormat::Ndjson,
        read: ReadOptions::default(),
        threads,
        chunk_bytes: 64,
        ..Options::default()
    };
    let mut out = Vec::new();
    let report = batch::run(&inputs, &mut out, &options, &mut |_| {});
    assert!(report.output_error.is_none());
    assert!(report.input_failures.is_empty());
    (out, report.stats)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn batch_writes_one_output_per_line_in_order(
        lines in (1..60usize).prop_flat_map(|n| (0..n).map(batch_line).collect::<Vec<_>>()),
        threads in 1..4usize,
    ) {
        let input: String = lines.iter().map(|(_, l)| format!("{l}\n")).collect();
        let (out, stats) = run_batch(input.as_bytes(), InputFormat::Ndjson, threads);
        let results: Vec<serde_json::Value> =
            String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        prop_assert_eq!(results.len(), lines.len());
        prop_assert_eq!(stats.read as usize, lines.len());
        for (i, ((valid, line), result)) in lines.iter().zip(&results).enumerate() {
            if *valid {
                prop_assert_eq!(&result["id"], &serde_json::json!(i), "{}", line);
                prop_assert!(result.get("grade").is_some());
            } else {
                prop_assert_eq!(&result["line"], &serde_json::json!(i + 1), "{}", line);
                prop_assert!(result.get("error").is_some());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// A fuzz-style check with a fixed budget: no bytes make a reader panic.
    #[test]
    fn arbitrary_bytes_never_panic_a_reader(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = json::read_record(&bytes, ReadOptions::default(), 1);
        let lenient = ReadOptions { allow_unknown_fields: true, ..ReadOptions::default() };
        let _ = json::read_record(&bytes, lenient, 7);
        let mut scanner = ArrayScanner::with_limit(&bytes[..], 64);
        let mut buf = Vec::new();
        for _ in 0..bytes.len() + 2 {
            match scanner.next_into(&mut buf).unwrap() {
                Scanned::Element { range, .. } => prop_assert!(range.end <= buf.len() && range.len() <= 64),
                Scanned::TooLong { bytes: n, .. } => prop_assert!(n > 64),
                Scanned::Broken { .. } | Scanned::Between { .. } => {}
                Scanned::Problem { .. } | Scanned::End => break,
            }
        }
        let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(&bytes[..]);
        if let Ok(header) = csv.byte_headers() {
            let layout = icans::input::Layout::from_header(header, false);
            for row in csv.byte_records().flatten() {
                let _ = layout.read_row(&row, ReadOptions::default());
            }
        }
    }

    /// Structured noise: JSON-ish fragments in any order.
    #[test]
    fn json_like_noise_never_panics(parts in proptest::collection::vec(
        proptest::sample::select(&[
            "{", "}", "[", "]", ",", ":", "\"ice\"", "\"ice_total\"", "\"seizure\"", "\"none\"", "\"other_cause\"",
            "1", "-1", "1e400", "99999999999999999999999", "0.5", "null", "true", "\"\\u0000\"", "\"\\ud800\"",
            "\"orientation\"", " ", "\n",
        ][..]), 0..40)) {
        let text: String = parts.concat();
        let _ = json::read_record(text.as_bytes(), ReadOptions::default(), 1);
        let (_, stats) = run_batch(text.as_bytes(), InputFormat::Json, 2);
        prop_assert!(stats.read >= stats.failed);
        let (out, stats) = run_batch(text.as_bytes(), InputFormat::Ndjson, 2);
        let non_blank = text.lines().filter(|l| !l.trim().is_empty()).count();
        prop_assert_eq!(stats.read as usize, non_blank);
        prop_assert_eq!(String::from_utf8(out).unwrap().lines().count(), non_blank);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// Batch grades a record it owns, moving the echoed texts into the
    /// result: the result equals the one graded from a reference, field for
    /// field, in both scopes, for records that fill every field.
    #[test]
    fn grading_an_owned_record_equals_grading_a_borrowed_one(text in common::any_record_json()) {
        let read = json::read_record(text.as_bytes(), ReadOptions::default(), 1);
        prop_assume!(read.is_ok(), "the generator's records are valid but for a few");
        if let Ok(a) = read {
            for scope in [icans::grading::Scope::Full, icans::grading::Scope::WithoutManagement] {
                let borrowed = icans::grading::grade_scoped(&a, &icans::grading::ASTCT_2019, &icans::grading::Protocol::BUILTIN, scope);
                let owned = icans::grading::grade_scoped_owned(a.clone(), &icans::grading::ASTCT_2019, &icans::grading::Protocol::BUILTIN, scope);
                prop_assert_eq!(owned, borrowed);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// Every result column reads, in the least grading its `needs` asks for,
    /// exactly what it reads in the full grading, for records that fill
    /// every field (and each column's needs are what batch grades with):
    /// a column that read something its scope leaves empty would fail here.
    #[test]
    fn every_column_reads_the_same_in_the_scope_it_needs(text in common::any_record_json()) {
        use icans::format::columns::{ResultColumn, Row};
        use icans::grading::{Protocol, Scope, grade_scoped};
        let read = json::read_record(text.as_bytes(), ReadOptions::default(), 1);
        prop_assume!(read.is_ok(), "the generator's records are valid but for a few");
        if let Ok(a) = read {
            let full = grade_scoped(&a, &icans::grading::ASTCT_2019, &Protocol::BUILTIN, Scope::Full);
            for scope in [Scope::GradeAlone, Scope::Grade, Scope::WithoutManagement] {
                let part = grade_scoped(&a, &icans::grading::ASTCT_2019, &Protocol::BUILTIN, scope);
                for column in ResultColumn::all().into_iter().filter(|c| scope.covers(c.needs())) {
                    let row = |result| Row::Graded { line: 3, file: Some("f"), result };
                    prop_assert_eq!(column.cell(&row(&part)), column.cell(&row(&full)), "{:?} in {:?}", column, scope);
                }
            }
        }
    }
}

/// batch grades as far as its columns read: the grade alone for id,grade,
/// past it for warnings or the CRS, everything for actions.
/// The keys of the instruments given by a total alone past the
/// contract's four (ICE, CAPD, CARTOX-10, the ICE band).
fn added_totals_alone() -> Vec<&'static str> {
    use icans::grading::criteria::instruments::Given;
    icans::grading::INSTRUMENTS[4..]
        .iter()
        .filter_map(|r| match r.given {
            Given::Total(key) => Some(key),
            _ => None,
        })
        .collect()
}

#[test]
fn the_scope_of_a_column_list_is_the_least_that_serves_every_column() {
    use icans::format::columns::ResultColumn;
    use icans::grading::Scope;
    let scope = |list: &str| ResultColumn::scope_for(&ResultColumn::parse_list(list).unwrap());
    assert_eq!(scope("id,grade"), Scope::GradeAlone);
    assert_eq!(
        scope("line,id,patient_id,day,grade,encephalopathy_status,seizure_grade,product,site,recorded_grade"),
        Scope::GradeAlone
    );
    assert_eq!(scope("id,grade,complete"), Scope::Grade);
    assert_eq!(
        scope("id,grade,drivers,complete,patient_group,seizure_grade"),
        Scope::Grade
    );
    assert_eq!(scope("id,grade,warnings"), Scope::WithoutManagement);
    assert_eq!(scope("crs_grade"), Scope::WithoutManagement);
    assert_eq!(scope("masked,id"), Scope::WithoutManagement);
    assert_eq!(scope("fever_status"), Scope::WithoutManagement);
    assert_eq!(scope("grade,actions"), Scope::Full);
    assert_eq!(scope("reassess_hours"), Scope::Full);
    // Which columns need more than the grade alone, and which go past the
    // grade, by name, so that a change is seen.
    let graded: Vec<String> = ResultColumn::all()
        .into_iter()
        .filter(|c| c.needs() == Scope::Grade)
        .map(|c| c.name().into_owned())
        .collect();
    // The contract's, and the echo of any instrument given by a total
    // alone added since, after cartox10.
    let mut expected = vec![
        "complete",
        "instrument",
        "patient_group",
        "ice_total",
        "capd",
        "cartox10",
    ];
    expected.extend(added_totals_alone());
    expected.extend(["ice_band", "drivers", "unassessed", "excluded"]);
    assert_eq!(graded, expected);
    let past: Vec<String> = ResultColumn::all()
        .into_iter()
        .filter(|c| !Scope::Grade.covers(c.needs()))
        .map(|c| c.name().into_owned())
        .collect();
    assert_eq!(
        past,
        [
            "masked",
            "crs_grade",
            "crs_complete",
            "crs_source",
            "fever_status",
            "fever_grade",
            "hypotension_status",
            "hypotension_grade",
            "hypoxia_status",
            "hypoxia_grade",
            "crs_drivers",
            "actions",
            "reassess_hours",
            "warnings"
        ]
    );
}
