//! The safety rules of docs/spec.md §3 and §6 (contract v3 and v4),
//! table-driven: every ICANS grade (and the excluded emergencies, and ICANS
//! not assessed) x adult, child and unknown age x no weight, a plausible and
//! an implausible one x every CRS state (none, given 0-4, graded 0-5, fever
//! not recorded, fever absent with masking unrecorded or recorded false,
//! fever masked, death), each checked for its exact action list (ids, order,
//! which are attributed to another cause; the CRS step of v4 with its one
//! corticosteroid), reassessment, doses, warnings and words, against an
//! oracle written here from the contract (and tests/data/astct-2019.json), not
//! from the crate's tables. Then "a child never
//! sees an adult absolute dose" as a property over generated records, and
//! the examples the clinical review found unsafe, each giving the safe
//! answer.

mod common;

use common::{Facts, action_ids, graded, oracle_plan};
use icans::grading::{self, CrsState, Grading, PatientGroup, Protocol};
use proptest::prelude::*;

/// One ICANS case: its findings and what the contract's table makes of them.
struct IcansCase {
    name: &'static str,
    json: &'static str,
    /// The ICANS grade; 0 with `graded` all `None` for ICANS not assessed.
    grade: u8,
    /// Domain grades where graded (encephalopathy .. edema).
    graded: [Option<u8>; 5],
    /// Finding grades that other_cause excludes.
    excluded: [Option<u8>; 5],
    /// A finding above the grade is excluded: ICANS cannot be ruled out.
    masked: bool,
    /// Consciousness is unarousable (graded or excluded).
    unarousable: bool,
}

const ICANS: &[IcansCase] = &[
    IcansCase {
        name: "ICANS not assessed",
        json: "",
        grade: 0,
        graded: [None; 5],
        excluded: [None; 5],
        masked: false,
        unarousable: false,
    },
    IcansCase {
        name: "grade 0",
        json: r#""ice_total": 10, "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none""#,
        grade: 0,
        graded: [Some(0), Some(0), Some(0), Some(0), Some(0)],
        excluded: [None; 5],
        masked: false,
        unarousable: false,
    },
    IcansCase {
        name: "grade 1",
        json: r#""ice_total": 8, "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none""#,
        grade: 1,
        graded: [Some(1), Some(0), Some(0), Some(0), Some(0)],
        excluded: [None; 5],
        masked: false,
        unarousable: false,
    },
    IcansCase {
        name: "grade 2",
        json: r#""ice_total": 5, "consciousness": "awakens_to_voice", "seizure": "none", "motor": "none", "edema": "none""#,
        grade: 2,
        graded: [Some(2), Some(2), Some(0), Some(0), Some(0)],
        excluded: [None; 5],
        masked: false,
        unarousable: false,
    },
    IcansCase {
        name: "grade 3 without a seizure",
        json: r#""ice_total": 2, "consciousness": "awakens_to_tactile", "seizure": "none", "motor": "none", "edema": "none""#,
        grade: 3,
        graded: [Some(3), Some(3), Some(0), Some(0), Some(0)],
        excluded: [None; 5],
        masked: false,
        unarousable: false,
    },
    IcansCase {
        name: "grade 3 by a seizure",
        json: r#""ice_total": 9, "consciousness": "alert", "seizure": "rapidly_resolving", "motor": "none", "edema": "none""#,
        grade: 3,
        graded: [Some(1), Some(0), Some(3), Some(0), Some(0)],
        excluded: [None; 5],
        masked: false,
        unarousable: false,
    },
    IcansCase {
        name: "grade 4 unarousable",
        json: r#""consciousness": "unarousable", "seizure": "none", "motor": "none", "edema": "none""#,
        grade: 4,
        graded: [Some(4), Some(4), Some(0), Some(0), Some(0)],
        excluded: [None; 5],
        masked: false,
        unarousable: true,
    },
    IcansCase {
        name: "grade 4 status epilepticus",
        json: r#""ice_total": 6, "consciousness": "awakens_to_voice", "seizure": "prolonged_or_repetitive", "motor": "none", "edema": "none""#,
        grade: 4,
        graded: [Some(2), Some(2), Some(4), Some(0), Some(0)],
        excluded: [None; 5],
        masked: false,
        unarousable: false,
    },
    IcansCase {
        name: "grade 4 diffuse edema and a seizure",
        json: r#""ice_total": 7, "consciousness": "alert", "seizure": "rapidly_resolving", "motor": "none", "edema": "diffuse""#,
        grade: 4,
        graded: [Some(1), Some(0), Some(3), Some(0), Some(4)],
        excluded: [None; 5],
        masked: false,
        unarousable: false,
    },
    IcansCase {
        name: "grade 5",
        json: r#""died_of_icans": true, "ice_total": 0, "consciousness": "unarousable""#,
        grade: 5,
        graded: [Some(3), Some(4), None, None, None],
        excluded: [None; 5],
        masked: false,
        unarousable: true,
    },
    // Excluded emergencies at each counted grade.
    IcansCase {
        name: "status epilepticus attributed to another cause, ICE 8",
        json: r#""ice_total": 8, "consciousness": "alert", "seizure": "prolonged_or_repetitive", "motor": "none", "edema": "none", "other_cause": ["seizure"]"#,
        grade: 1,
        graded: [Some(1), Some(0), None, Some(0), Some(0)],
        excluded: [None, None, Some(4), None, None],
        masked: true,
        unarousable: false,
    },
    IcansCase {
        name: "a seizure attributed to another cause, grade 0",
        json: r#""ice_total": 10, "consciousness": "alert", "seizure": "rapidly_resolving", "motor": "none", "edema": "none", "other_cause": ["seizure"]"#,
        grade: 0,
        graded: [Some(0), Some(0), None, Some(0), Some(0)],
        excluded: [None, None, Some(3), None, None],
        masked: true,
        unarousable: false,
    },
    IcansCase {
        name: "diffuse edema attributed to another cause, grade 2",
        json: r#""ice_total": 5, "consciousness": "awakens_to_voice", "seizure": "none", "motor": "none", "edema": "diffuse", "other_cause": ["edema"]"#,
        grade: 2,
        graded: [Some(2), Some(2), Some(0), Some(0), None],
        excluded: [None, None, None, None, Some(4)],
        masked: true,
        unarousable: false,
    },
    IcansCase {
        name: "status epilepticus attributed to another cause, grade 3",
        json: r#""ice_total": 2, "consciousness": "alert", "seizure": "prolonged_or_repetitive", "motor": "none", "edema": "none", "other_cause": ["seizure"]"#,
        grade: 3,
        graded: [Some(3), Some(0), None, Some(0), Some(0)],
        excluded: [None, None, Some(4), None, None],
        masked: true,
        unarousable: false,
    },
    IcansCase {
        name: "a seizure attributed to another cause, grade 4 unarousable",
        json: r#""consciousness": "unarousable", "seizure": "rapidly_resolving", "motor": "none", "edema": "none", "other_cause": ["seizure"]"#,
        grade: 4,
        graded: [Some(4), Some(4), None, Some(0), Some(0)],
        excluded: [None, None, Some(3), None, None],
        masked: false,
        unarousable: true,
    },
    IcansCase {
        name: "focal edema attributed to another cause, grade 1",
        json: r#""ice_total": 8, "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "focal", "other_cause": ["edema"]"#,
        grade: 1,
        graded: [Some(1), Some(0), Some(0), Some(0), None],
        excluded: [None, None, None, None, Some(3)],
        masked: true,
        unarousable: false,
    },
];

/// The CRS states of the contract (§3 v3, §7), each with what it should be.
struct CrsCase {
    name: &'static str,
    json: &'static str,
    state: CrsState,
    /// The CRS fever domain is shown masked.
    masked_fever: bool,
}

const CRS: &[CrsCase] = &[
    CrsCase {
        name: "no CRS information",
        json: "",
        state: CrsState::NotAssessed,
        masked_fever: false,
    },
    CrsCase {
        name: "crs_grade 2 given",
        json: r#""crs_grade": 2"#,
        state: CrsState::Active(2),
        masked_fever: false,
    },
    CrsCase {
        name: "crs_grade 1 given",
        json: r#""crs_grade": 1"#,
        state: CrsState::Active(1),
        masked_fever: false,
    },
    CrsCase {
        name: "crs_grade 3 given",
        json: r#""crs_grade": 3"#,
        state: CrsState::Active(3),
        masked_fever: false,
    },
    CrsCase {
        name: "crs_grade 4 given",
        json: r#""crs_grade": 4"#,
        state: CrsState::Active(4),
        masked_fever: false,
    },
    CrsCase {
        name: "graded: fever alone",
        json: r#""temperature_c": 38.4, "hypotension": "none", "hypoxia": "none""#,
        state: CrsState::Active(1),
        masked_fever: false,
    },
    CrsCase {
        name: "graded: fever and fluids, hypoxia not assessed",
        json: r#""fever": true, "hypotension": "fluids_only""#,
        state: CrsState::Active(2),
        masked_fever: false,
    },
    CrsCase {
        name: "graded: fever and positive pressure",
        json: r#""temperature_c": 39.5, "hypotension": "none", "hypoxia": "positive_pressure""#,
        state: CrsState::Active(4),
        masked_fever: false,
    },
    CrsCase {
        name: "fever not recorded, low-flow oxygen",
        json: r#""hypotension": "none", "hypoxia": "low_flow""#,
        state: CrsState::CannotBeRuledOut { with_fever: 2 },
        masked_fever: false,
    },
    CrsCase {
        name: "fever absent, one vasopressor",
        json: r#""temperature_c": 37.0, "hypotension": "one_vasopressor", "hypoxia": "none""#,
        state: CrsState::NoFever { with_fever: 3 },
        masked_fever: false,
    },
    CrsCase {
        name: "fever false and not masked, two vasopressors and positive pressure",
        json: r#""fever": false, "fever_masked": false, "hypotension": "multiple_vasopressors", "hypoxia": "positive_pressure""#,
        state: CrsState::NoFeverNotMasked { with_fever: 4 },
        masked_fever: false,
    },
    CrsCase {
        name: "crs_grade 0 given",
        json: r#""crs_grade": 0"#,
        state: CrsState::Absent,
        masked_fever: false,
    },
    CrsCase {
        name: "graded: fever and one vasopressor",
        json: r#""temperature_c": 39.0, "hypotension": "one_vasopressor", "hypoxia": "none""#,
        state: CrsState::Active(3),
        masked_fever: false,
    },
    CrsCase {
        name: "graded 0, complete",
        json: r#""temperature_c": 37.0, "hypotension": "none", "hypoxia": "none""#,
        state: CrsState::Absent,
        masked_fever: false,
    },
    CrsCase {
        name: "graded 0, hypoxia not assessed",
        json: r#""temperature_c": 37.0, "hypotension": "none""#,
        state: CrsState::LowerBound,
        masked_fever: false,
    },
    CrsCase {
        name: "fever not recorded, two vasopressors and high flow",
        json: r#""hypotension": "multiple_vasopressors", "hypoxia": "high_flow""#,
        state: CrsState::CannotBeRuledOut { with_fever: 4 },
        masked_fever: false,
    },
    CrsCase {
        name: "fever absent, low-flow oxygen",
        json: r#""temperature_c": 37.0, "hypotension": "none", "hypoxia": "low_flow""#,
        state: CrsState::NoFever { with_fever: 2 },
        masked_fever: false,
    },
    CrsCase {
        name: "fever masked, high-flow oxygen",
        json: r#""fever_masked": true, "temperature_c": 37.2, "hypotension": "none", "hypoxia": "high_flow""#,
        state: CrsState::Active(3),
        masked_fever: true,
    },
    CrsCase {
        name: "death attributed to CRS",
        json: r#""died_of_crs": true"#,
        state: CrsState::Death,
        masked_fever: false,
    },
];

/// Who: the age recorded (or not).
const AGES: [(&str, Option<f64>); 3] = [
    ("adult", Some(45.0)),
    ("child", Some(14.0)),
    ("age unknown", None),
];

/// Weights: none, plausible for a 14-year-old (45 kg), implausible where an
/// age is known (15 and 25 kg at 14, and 15 and 25 kg at 45 years, by the
/// contract v4 bounds), and the weights that decide the group without an
/// age (25 kg: a child; 150 kg: an adult).
const WEIGHTS: [Option<f64>; 5] = [None, Some(45.0), Some(15.0), Some(25.0), Some(150.0)];

/// Adult absolute doses (tests/data/astct-2019.json "adult_absolute_doses", in
/// the forms the adult texts give them); `common::adult_absolute_dose`
/// finds any other.
const ADULT_DOSES: [&str; 6] = [
    "10 mg IV q6",
    "500-750 mg",
    "1-2 g",
    "500 mg IV q12h",
    "1,000 mg",
    "500-1,000 mL",
];

fn record(icans: &IcansCase, crs: &CrsCase, age: Option<f64>, weight: Option<f64>) -> String {
    let mut parts = Vec::new();
    if !icans.json.is_empty() {
        parts.push(icans.json.to_string());
    }
    if !crs.json.is_empty() {
        parts.push(crs.json.to_string());
    }
    if let Some(a) = age {
        parts.push(format!(r#""age_years": {a:?}"#));
    }
    if let Some(w) = weight {
        parts.push(format!(r#""weight_kg": {w:?}"#));
    }
    format!("{{{}}}", parts.join(", "))
}

/// The oracle's doses (mg) for a weight.
fn tocilizumab_mg(w: f64) -> u32 {
    let rate = if w < 30.0 { 12.0 } else { 8.0 };
    (rate * w).min(800.0).round() as u32
}

fn action<'a>(r: &'a Grading, id: &str) -> Option<&'a icans::grading::Action> {
    r.management.actions.iter().find(|a| a.id.as_str() == id)
}

#[test]
fn every_grade_age_weight_and_crs_state_gets_the_contracts_management() {
    let suffix = "(attributed to another cause: treat it; not counted in the ICANS grade)";
    let mut checked = 0;
    let mut skipped = 0;
    for icans in ICANS {
        for crs in CRS {
            let not_assessed = icans.graded == [None; 5] && icans.grade == 0;
            if not_assessed && crs.json.is_empty() {
                // Neither ICANS nor CRS: "nothing assessed", an error (tests/validation.rs).
                skipped += AGES.len() * WEIGHTS.len();
                continue;
            }
            for (who, age) in AGES {
                for weight in WEIGHTS {
                    let json = record(icans, crs, age, weight);
                    let r = graded(&json);
                    let at = || format!("{} / {} / {who} / {weight:?}: {json}", icans.name, crs.name);
                    // The grades are the table's; ICANS not assessed has none.
                    assert_eq!(r.grade, (!not_assessed).then_some(icans.grade), "{}", at());
                    let c = r.crs.as_ref().map_or(CrsState::NotAssessed, |c| c.state);
                    assert_eq!(c, crs.state, "{}", at());
                    // Patient group (§6 v3).
                    let child = match age {
                        Some(a) => a < 18.0,
                        None => weight.is_some_and(|w| w < 40.0),
                    };
                    let group = if child {
                        PatientGroup::Child
                    } else {
                        PatientGroup::Adult
                    };
                    assert_eq!(r.patient_group, group, "{}", at());
                    let implausible = age
                        .zip(weight)
                        .is_some_and(|(a, w)| common::oracle_implausible(w, a));
                    let dose_weight = weight.filter(|_| !implausible);
                    // Actions: exact ids, order and attribution (§3 v3).
                    let death = icans.grade == 5 || crs.state == CrsState::Death;
                    let crs_grade = match crs.state {
                        CrsState::Active(g) => g,
                        _ => 0,
                    };
                    let facts = Facts {
                        graded: icans.graded,
                        excluded: icans.excluded,
                        crs: crs_grade,
                        crs_unruled: matches!(crs.state, CrsState::CannotBeRuledOut { .. }),
                        crs_died: crs.state == CrsState::Death,
                        crs_without_fever: crs.state.without_fever().unwrap_or(0),
                        icans_not_assessed: not_assessed,
                        ..Facts::default()
                    };
                    let expected = oracle_plan(icans.grade, &facts);
                    let ids: Vec<&str> = expected.iter().map(|(id, _)| id.as_str()).collect();
                    assert_eq!(action_ids(&r), ids, "{}", at());
                    for (a, (_, attributed)) in r.management.actions.iter().zip(&expected) {
                        assert_eq!(a.text.contains(suffix), *attributed, "{}: {}", at(), a.text);
                    }
                    // Reassessment (§3 v3).
                    let excluded_emergency = icans.excluded[2].is_some_and(|g| g >= 3)
                        || icans.excluded[4].is_some_and(|g| g >= 3);
                    let urgent = icans.grade >= 2
                        || crs_grade >= 1
                        || matches!(
                            crs.state,
                            CrsState::CannotBeRuledOut { .. }
                                | CrsState::NoFever { .. }
                                | CrsState::NoFeverNotMasked { .. }
                        )
                        || icans.masked
                        || excluded_emergency;
                    let hours = if death {
                        None
                    } else if urgent {
                        Some(4)
                    } else if icans.grade == 1 {
                        Some(8)
                    } else {
                        Some(12)
                    };
                    assert_eq!(r.management.reassess_hours, hours, "{}", at());
                    // (At a death there is no reassessment to word.)
                    let by = if icans.unarousable {
                        "neurological examination; ICE once arousable"
                    } else {
                        "ICE"
                    };
                    assert_eq!(r.reassess_by.words(), by, "{}", at());
                    // Death: complete, no step.
                    if death {
                        assert!(r.management.actions.is_empty(), "{}", at());
                        let words = match (icans.grade == 5, crs.state == CrsState::Death) {
                            (true, true) => "Death attributed to ICANS and CRS: no management step.",
                            (true, false) => "Death attributed to ICANS: no management step.",
                            _ => "Death attributed to CRS: no management step.",
                        };
                        assert_eq!(r.management.summary, words, "{}", at());
                    }
                    if icans.grade == 5 {
                        assert!(r.complete, "{}", at());
                    }
                    if crs.state == CrsState::Death {
                        assert!(
                            r.crs.as_ref().is_some_and(|c| c.complete && c.grade == 5),
                            "{}",
                            at()
                        );
                    }
                    // CRS words in the summary (§3 v3).
                    let s = &r.management.summary;
                    let treated = (2..=4).contains(&icans.grade) && !death;
                    let words = match crs.state {
                        // v4: at every ICANS grade 0-4.
                        CrsState::NotAssessed if !death => {
                            Some("CRS not assessed (tocilizumab only with concurrent CRS).")
                        }
                        CrsState::Absent if treated => {
                            Some("No concurrent CRS: tocilizumab is not indicated")
                        }
                        CrsState::LowerBound if treated => Some("CRS grade 0 or higher (lower bound)"),
                        CrsState::CannotBeRuledOut { with_fever: 4 } if !death => {
                            Some("CRS cannot be ruled out (fever not recorded; with fever, CRS grade 4).")
                        }
                        CrsState::NoFever { with_fever: 2 } if !death => Some(
                            "No CRS by ASTCT (no fever); if an antipyretic, tocilizumab or a corticosteroid was given, record fever_masked (CRS grade 2).",
                        ),
                        CrsState::NoFever { with_fever: 3 } if !death => Some(
                            "No CRS by ASTCT (no fever); if an antipyretic, tocilizumab or a corticosteroid was given, record fever_masked (CRS grade 3).",
                        ),
                        CrsState::NoFeverNotMasked { .. } if !death => Some(
                            "No CRS by ASTCT (no fever, not masked): find the cause of the hypotension or hypoxia (sepsis, say).",
                        ),
                        CrsState::CannotBeRuledOut { with_fever: 2 } if !death => {
                            Some("CRS cannot be ruled out (fever not recorded; with fever, CRS grade 2).")
                        }
                        _ => None,
                    };
                    match words {
                        Some(w) => assert!(s.contains(w), "{}: {s}", at()),
                        None => {
                            for w in [
                                "No concurrent CRS",
                                "CRS not assessed",
                                "cannot be ruled out (fever",
                                "No CRS by ASTCT",
                            ] {
                                assert!(!s.contains(w), "{}: {w} in {s}", at());
                            }
                        }
                    }
                    let fever = r.crs.as_ref().and_then(|c| c.domains.as_ref()).map(|d| &d.fever);
                    assert_eq!(fever.is_some_and(|f| f.masked), crs.masked_fever, "{}", at());
                    // Doses: per kg, computed with a plausible weight; never an
                    // adult absolute dose for a child.
                    if let Some(t) = action(&r, "tocilizumab") {
                        assert_eq!(t.dose_mg, dose_weight.map(tocilizumab_mg), "{}", at());
                        assert!(
                            t.text.contains("at most 3 doses in 24 h and 4 in total"),
                            "{}",
                            at()
                        );
                    }
                    if let Some(t) = action(&r, "confirm_crs") {
                        assert_eq!(t.dose_mg, None, "{}: not a drug order", at());
                        let named = match dose_weight {
                            Some(w) => format!("tocilizumab {} mg (", tocilizumab_mg(w)),
                            None => "tocilizumab 8 mg/kg (max 800 mg per dose; 12 mg/kg under 30 kg)".into(),
                        };
                        assert!(t.text.contains(&named), "{}: {}", at(), t.text);
                    }
                    // consider_tocilizumab names the dose and orders nothing,
                    // as confirm_crs (contract v4 §3).
                    if let Some(t) = action(&r, "consider_tocilizumab") {
                        assert_eq!(t.dose_mg, None, "{}: not a drug order", at());
                        let named = match dose_weight {
                            Some(w) => format!("tocilizumab {} mg (", tocilizumab_mg(w)),
                            None => "tocilizumab 8 mg/kg (max 800 mg per dose; 12 mg/kg under 30 kg)".into(),
                        };
                        assert!(t.text.to_lowercase().contains(&named), "{}: {}", at(), t.text);
                    }
                    if let Some(m) = action(&r, "methylprednisolone") {
                        assert_eq!(m.dose_mg, dose_weight.map(|w| w.round() as u32), "{}", at());
                    }
                    if let Some(p) = action(&r, "methylprednisolone_pulse") {
                        match group {
                            PatientGroup::Child => {
                                let mg = dose_weight.map(|w| (30.0 * w).min(1000.0).round() as u32);
                                assert_eq!(p.dose_mg, mg, "{}", at());
                            }
                            PatientGroup::Adult => {
                                assert_eq!(p.dose_mg, None, "{}", at());
                                assert_eq!(
                                    p.text.contains("(if under 18: 30 mg/kg, at most 1 g)"),
                                    age.is_none(),
                                    "{}: {}",
                                    at(),
                                    p.text
                                );
                            }
                        }
                    }
                    if child {
                        for a in &r.management.actions {
                            for adult in ADULT_DOSES {
                                assert!(!a.text.contains(adult), "{}: {}", at(), a.text);
                            }
                            assert_eq!(common::adult_absolute_dose(&a.text), None, "{}: {}", at(), a.text);
                        }
                    }
                    // The adult note: for an unknown age, or an implausible weight (§6 v4).
                    crs_step_words(
                        &r,
                        icans.grade,
                        crs.state,
                        group,
                        age.is_none() || implausible,
                        &at(),
                    );
                    // Warnings of the patient group (§6 v3), only where a
                    // dose is shown.
                    let shows_dose = r.management.actions.iter().any(|a| {
                        [
                            "tocilizumab",
                            "confirm_crs",
                            "dexamethasone",
                            "levetiracetam",
                            "methylprednisolone",
                            "methylprednisolone_pulse",
                            "consider_tocilizumab",
                            "consider_dexamethasone",
                            "crs_fluids_oxygen",
                        ]
                        .contains(&a.id.as_str())
                    });
                    let warned = |w: &str| r.warnings.iter().any(|x| x == w);
                    assert_eq!(
                        warned("age not recorded: child doses shown"),
                        shows_dose && age.is_none() && child,
                        "{}: {:?}",
                        at(),
                        r.warnings
                    );
                    assert_eq!(
                        warned("age not recorded: adult doses shown; give age_years for a child"),
                        shows_dose && age.is_none() && !child,
                        "{}: {:?}",
                        at(),
                        r.warnings
                    );
                    assert_eq!(
                        warned(
                            "Child without weight_kg: weight-based doses are shown per kg; give weight_kg to compute them"
                        ),
                        shows_dose && child && weight.is_none(),
                        "{}: {:?}",
                        at(),
                        r.warnings
                    );
                    let check = age
                        .zip(weight)
                        .map(|(a, w)| format!("weight {w} kg at age {a}: check (if entered in pounds: "));
                    assert_eq!(
                        check
                            .as_deref()
                            .is_some_and(|c| r.warnings.iter().any(|x| x.starts_with(c))),
                        implausible,
                        "{}: {:?}",
                        at(),
                        r.warnings
                    );
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(
        checked + skipped,
        ICANS.len() * CRS.len() * AGES.len() * WEIGHTS.len()
    );
}

/// The words of the CRS step (contract v4 section 3) on one result: every
/// corticosteroid given for CRS names antifungal prophylaxis; one given for
/// both syndromes ends with the joint taper and never tapers on one
/// syndrome alone; an ICANS one in place of consider_dexamethasone keeps
/// its words; an ICU for both names both reasons; a child's dexamethasone
/// is weight-based; an adult's, with the age unknown, says so.
fn crs_step_words(r: &Grading, icans: u8, crs: CrsState, group: PatientGroup, adult_note: bool, at: &str) {
    let crs_grade = match crs {
        CrsState::Active(g) => g,
        _ => 0,
    };
    let ending = format!(
        "(for ICANS grade {icans} and CRS grade {crs_grade}; continue until ICANS and CRS are both grade 1 or less, then taper)"
    );
    let antifungal = "strongly consider antifungal prophylaxis while on corticosteroids";
    let steroids = [
        "consider_corticosteroids",
        "consider_dexamethasone",
        "dexamethasone",
        "methylprednisolone",
        "methylprednisolone_pulse",
    ];
    // Which steroid each step asks for (the oracle's strengths).
    let icans_steroid = match icans {
        1 => r
            .management
            .actions
            .iter()
            .any(|a| a.text.contains("ICANS persisting > 24 h")),
        2..=4 => r.grade.is_some(),
        _ => false,
    };
    let crs_steroid = crs_grade >= 2;
    for a in r
        .management
        .actions
        .iter()
        .filter(|a| steroids.contains(&a.id.as_str()))
    {
        let t = &a.text;
        if crs_steroid {
            assert!(t.contains(antifungal), "{at}: {t}");
        }
        let both = crs_steroid && (icans_steroid || (r.grade.is_some_and(|g| (2..=4).contains(&g))));
        assert_eq!(t.ends_with(&ending), both, "{at}: {t}");
        if both {
            for one in [
                "until improvement to grade 1",
                "rapid taper once improved",
                "until CRS grade 1",
            ] {
                assert!(!t.contains(one), "{at}: one syndrome's taper in {t}");
            }
        }
        if crs_grade == 2 && both && a.id.as_str() != "consider_dexamethasone" {
            assert!(
                t.contains("no improvement 24 h after tocilizumab: manage as CRS grade 3"),
                "{at}: {t}"
            );
        }
        if ["dexamethasone", "consider_dexamethasone"].contains(&a.id.as_str())
            && group == PatientGroup::Child
        {
            assert!(
                t.contains("weight-based paediatric dose per local protocol"),
                "{at}: {t}"
            );
        }
        if a.text.contains("dexamethasone 10 mg") {
            assert_eq!(
                t.contains("(if under 18: weight-based dose)"),
                adult_note,
                "{at}: {t}"
            );
        }
    }
    // At most one corticosteroid, or the two ICANS grade-3 alternatives.
    let shown: Vec<&str> = r
        .management
        .actions
        .iter()
        .map(|a| a.id.as_str())
        .filter(|id| steroids.contains(id))
        .collect();
    assert!(
        shown.len() <= 1 || shown == ["dexamethasone", "methylprednisolone"],
        "{at}: {shown:?}"
    );
    if let Some(icu) = r.management.actions.iter().find(|a| a.id.as_str() == "icu") {
        let icans_icu = (3..=4).contains(&icans) && r.grade.is_some();
        let crs_icu = crs_grade >= 3 || crs.without_fever().is_some_and(|g| g >= 3);
        if icans_icu && crs_icu {
            assert!(
                icu.text.contains(&format!("(for ICANS grade {icans})")),
                "{at}: {}",
                icu.text
            );
        }
        if crs_icu && crs_grade == 0 {
            assert!(
                icu.text.contains("ICU-level care whatever the cause"),
                "{at}: {}",
                icu.text
            );
        }
    }
}

/// A centre's protocol whose adult texts hold absolute doses marked ADULT:
/// none may reach a child.
fn centre() -> Protocol {
    let text = icans::format::protocol::builtin_file()
        .replace(
            "dexamethasone 10 mg IV q6-12h",
            "dexamethasone 12 mg IV q6h ADULT",
        )
        .replace("levetiracetam 500-750 mg BID", "levetiracetam 1000 mg BID ADULT")
        .replace(
            "dexamethasone 10 mg IV q6h, then rapid",
            "dexamethasone 12 mg IV q6h ADULT, then rapid",
        )
        .replace("500 mg IV q12h for 3 days", "500 mg IV q12h ADULT for 3 days")
        .replace("adult 500-1,000 mL", "adult 500-1,000 mL ADULT")
        .replace(
            "Pulse methylprednisolone 1-2 g IV daily",
            "Pulse methylprednisolone 1 g IV daily ADULT",
        );
    icans::format::protocol::parse(&text).expect("a valid protocol")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// docs/spec.md §6: a child's result never shows an adult absolute dose,
    /// with the built-in texts or a centre's.
    #[test]
    fn a_child_never_sees_an_adult_absolute_dose(json in common::any_record_json()) {
        let Ok(a) = common::record(&json) else { return Ok(()) };
        let centre = centre();
        for r in [grading::grade(&a), grading::grade_with(&a, &grading::ASTCT_2019, &centre)] {
            if r.patient_group == PatientGroup::Child {
                for x in &r.management.actions {
                    for adult in ADULT_DOSES.iter().chain(&["ADULT"]) {
                        prop_assert!(!x.text.contains(adult), "{}: {}", json, x.text);
                    }
                    prop_assert_eq!(common::adult_absolute_dose(&x.text), None, "{}: {}", json, x.text);
                }
                prop_assert!(!r.management.summary.contains("ADULT"), "{}", json);
            }
            // And the other rules hold for every record: no step at a death,
            // each id once, anti-seizure therapy never beside prophylaxis,
            // emergencies first, no placeholder left.
            let dead = r.grade == Some(5) || r.crs.as_ref().is_some_and(|c| c.grade == 5);
            prop_assert_eq!(dead, r.management.reassess_hours.is_none(), "{}", json);
            if dead {
                prop_assert!(r.management.actions.is_empty(), "{}", json);
            }
            // Contract v4 §2: an incomplete grade 0 is never "No ICANS" in
            // any text; ICANS not assessed is never grade 0.
            if r.grade == Some(0) && !r.complete {
                prop_assert!(!r.management.summary.contains("No ICANS:"), "{}", json);
                prop_assert!(!icans::format::text::card(&r).contains("(no ICANS)"), "{}", json);
            }
            if r.grade.is_none() {
                prop_assert!(r.domains.iter().all(|(_, d)| d.status == icans::grading::Status::NotAssessed), "{}", json);
            }
            let ids = action_ids(&r);
            let mut unique = ids.clone();
            unique.sort_unstable();
            unique.dedup();
            prop_assert_eq!(unique.len(), ids.len(), "{}: {:?}", json, ids);
            prop_assert!(!(ids.contains(&"antiseizure_therapy") && ids.contains(&"levetiracetam")), "{}", json);
            let emergency = ["antiseizure_therapy", "airway_protection", "cerebral_edema_therapy", "icp_monitoring"];
            let rank: Vec<usize> = ids.iter().map(|id| emergency.iter().position(|e| e == id).unwrap_or(4)).collect();
            let mut sorted = rank.clone();
            sorted.sort_unstable();
            prop_assert_eq!(rank, sorted, "{}: {:?}", json, ids);
            for x in &r.management.actions {
                prop_assert!(!x.text.contains('{'), "{}: {}", json, x.text);
            }
        }
    }
}

/// The examples the clinical review found unsafe (issue "Safe in the
/// corners"), each giving the safe answer.
#[test]
fn the_reviewed_examples_give_the_safe_answer() {
    // Age not recorded, 20 kg, ICE 0 and unarousable: a child's pulse of
    // 600 mg (30 mg/kg), no adult dose.
    let r = graded(r#"{"weight_kg": 20, "ice_total": 0, "consciousness": "unarousable"}"#);
    assert_eq!(r.patient_group, PatientGroup::Child);
    let pulse = action(&r, "methylprednisolone_pulse").expect("pulse");
    assert_eq!(pulse.dose_mg, Some(600));
    assert!(
        pulse
            .text
            .starts_with("Pulse methylprednisolone 600 mg (30 mg/kg, max 1 g a day)"),
        "{}",
        pulse.text
    );
    assert!(
        r.warnings
            .contains(&"age not recorded: child doses shown".to_string())
    );
    for a in &r.management.actions {
        for adult in ADULT_DOSES {
            assert!(!a.text.contains(adult), "{}", a.text);
        }
    }
    // A 30-year-old assessed with CAPD keeps adult doses.
    let r = graded(r#"{"age_years": 30, "capd": 12, "consciousness": "unarousable"}"#);
    assert_eq!(r.patient_group, PatientGroup::Adult);
    assert!(action(&r, "methylprednisolone_pulse").is_some_and(|p| p.text.contains("1-2 g")));
    // Age 250 and weight 0.2 are errors; a 3-year-old at 150 kg is warned and
    // gets no computed tocilizumab.
    assert!(
        common::rejected(r#"{"age_years": 250, "ice_total": 5}"#)
            .starts_with("age_years: 250 is out of range")
    );
    assert!(
        common::rejected(r#"{"weight_kg": 0.2, "ice_total": 5}"#)
            .starts_with("weight_kg: 0.2 is out of range")
    );
    let r = graded(r#"{"age_years": 3, "weight_kg": 150, "capd": 12, "crs_grade": 2}"#);
    assert!(
        r.warnings
            .contains(&"weight 150 kg at age 3: check (if entered in pounds: 68.2 kg)".to_string()),
        "{:?}",
        r.warnings
    );
    let toci = action(&r, "tocilizumab").expect("tocilizumab");
    assert_eq!(toci.dose_mg, None);
    assert!(
        toci.text
            .contains("8 mg/kg (max 800 mg per dose; 12 mg/kg under 30 kg)"),
        "{}",
        toci.text
    );
    // Status epilepticus attributed to another cause, ICE 8: treated first,
    // ICU and airway, urgent.
    let r = graded(r#"{"ice_total": 8, "seizure": "prolonged_or_repetitive", "other_cause": ["seizure"]}"#);
    assert_eq!(r.grade, Some(1));
    assert_eq!(
        action_ids(&r),
        [
            "antiseizure_therapy",
            "airway_protection",
            "ice_monitoring",
            "supportive_care",
            "icu"
        ]
    );
    assert!(
        r.management.actions[0]
            .text
            .starts_with("Status epilepticus: benzodiazepine for the active seizure")
    );
    assert_eq!(r.management.reassess_hours, Some(4));
    // Diffuse edema attributed to another cause: ICP and edema therapy.
    let ids = action_ids(&graded(
        r#"{"ice_total": 8, "edema": "diffuse", "other_cause": ["edema"]}"#,
    ));
    assert_eq!(
        ids,
        [
            "airway_protection",
            "cerebral_edema_therapy",
            "icp_monitoring",
            "ice_monitoring",
            "supportive_care",
            "icu"
        ]
    );
    // Two vasopressors and high flow, no temperature: CRS cannot be ruled
    // out, never "No concurrent CRS".
    let r = graded(
        r#"{"ice_total": 4, "consciousness": "awakens_to_voice", "hypotension": "multiple_vasopressors", "hypoxia": "high_flow"}"#,
    );
    let card = icans::format::text::card(&r);
    assert!(
        card.contains("CRS cannot be ruled out (fever not recorded; with fever, CRS grade 4)."),
        "{card}"
    );
    assert!(
        !card.contains("No concurrent CRS") && !card.contains("CRS grade 0 or higher"),
        "{card}"
    );
    assert!(action_ids(&r).contains(&"confirm_crs"));
    // No CRS information at all: "CRS not assessed", not "No concurrent CRS".
    let r = graded(r#"{"ice_total": 4}"#);
    assert!(
        r.management.summary.contains("CRS not assessed")
            && !r.management.summary.contains("No concurrent CRS")
    );
    // died_of_crs: no tocilizumab, no dexamethasone, no reassessment.
    let r = graded(r#"{"ice_total": 3, "weight_kg": 70, "died_of_crs": true}"#);
    assert!(r.management.actions.is_empty());
    assert_eq!(r.management.reassess_hours, None);
    // After a death by CRS no warning asks for a reassessment; the masked
    // finding is still listed.
    let r = graded(
        r#"{"ice_total": 10, "consciousness": "unarousable", "other_cause": ["consciousness"], "died_of_crs": true}"#,
    );
    assert_eq!(r.masked[..], [icans::grading::Domain::Consciousness]);
    assert!(
        !r.warnings.iter().any(|w| w.contains("reassess")),
        "{:?}",
        r.warnings
    );
    assert!(
        r.warnings
            .contains(&"Death attributed to CRS (CRS grade 5)".to_string())
    );
    // Grade 3 without a seizure keeps levetiracetam, with its route; grade 2
    // with CRS 2 considers ICU; status epilepticus comes first.
    let r = graded(r#"{"ice_total": 1, "age_years": 50}"#);
    assert!(action(&r, "levetiracetam").is_some_and(|l| l.text.contains("IV or PO")));
    assert!(action(&r, "antiseizure_therapy").is_none());
    assert!(action_ids(&graded(r#"{"ice_total": 5, "crs_grade": 2}"#)).contains(&"consider_icu"));
    // Unarousable: never "Reassess (ICE)".
    let card = icans::format::text::card(&graded(r#"{"consciousness": "unarousable", "age_years": 50}"#));
    assert!(
        card.contains("Reassess (neurological examination; ICE once arousable) in 4 h."),
        "{card}"
    );
    assert!(!card.contains("Reassess (ICE)"), "{card}");
    // A masked fever is masked, never "no fever ... 0"; CRS grade 5 is not
    // a lower bound.
    let card = icans::format::text::card(&graded(
        r#"{"ice_total": 5, "fever_masked": true, "temperature_c": 37.2, "hypoxia": "low_flow", "hypotension": "none"}"#,
    ));
    assert!(
        card.contains("CRS fever       masked (antipyretic, tocilizumab or corticosteroid given) -"),
        "{card}"
    );
    assert!(!card.contains("no fever (37.2 C)"), "{card}");
    let card = icans::format::text::card(&graded(r#"{"ice_total": 5, "died_of_crs": true}"#));
    assert!(
        card.contains("Concurrent CRS grade 5 (death attributed to CRS).\n"),
        "{card}"
    );
    assert!(!card.contains("lower bound: fever"), "{card}");
}

/// Protocol files (§3 v3): a `[child]` text wins over the built-in one, even
/// when the centre started from `icans protocol`'s starter; a
/// `[child.grade_N]` text wins over it; a text equal to the built-in one
/// never shadows the next.
#[test]
fn a_centres_child_texts_win_in_their_order() {
    let child = common::record(r#"{"age_years": 8, "capd": 12, "crs_grade": 0}"#).expect("valid");
    let starter = icans::format::protocol::builtin_file();
    let with_child =
        format!("{starter}\n[child]\ndexamethasone = \"Dexamethasone per unit paediatric SOP\"\n");
    let p = icans::format::protocol::parse(&with_child).expect("valid");
    let r = grading::grade_with(&child, &grading::ASTCT_2019, &p);
    assert_eq!(
        action(&r, "dexamethasone").map(|a| a.text.as_ref()),
        Some("Dexamethasone per unit paediatric SOP")
    );
    // The starter's commented child tables, uncommented unchanged, do not
    // shadow the [child] text.
    let uncommented = with_child
        .replace("# [child.grade_3]", "[child.grade_3]")
        .replacen("# dexamethasone = \"High-dose", "dexamethasone = \"High-dose", 1);
    let p = icans::format::protocol::parse(&uncommented).expect("valid");
    let r = grading::grade_with(&child, &grading::ASTCT_2019, &p);
    assert_eq!(
        action(&r, "dexamethasone").map(|a| a.text.as_ref()),
        Some("Dexamethasone per unit paediatric SOP")
    );
    // A [child.grade_3] text of its own wins.
    let own =
        format!("{with_child}\n[child.grade_3]\ndexamethasone = \"Grade 3 child dexamethasone per SOP\"\n");
    let p = icans::format::protocol::parse(&own).expect("valid");
    let r = grading::grade_with(&child, &grading::ASTCT_2019, &p);
    assert_eq!(
        action(&r, "dexamethasone").map(|a| a.text.as_ref()),
        Some("Grade 3 child dexamethasone per SOP")
    );
    // An excluded emergency takes the protocol's text of its grade.
    let se = starter.replace(
        "antiseizure_therapy_status_epilepticus = \"Status epilepticus:",
        "antiseizure_therapy_status_epilepticus = \"Unit SE protocol:",
    );
    let p = icans::format::protocol::parse(&se).expect("valid");
    let a = common::record(r#"{"ice_total": 8, "seizure": "prolonged_or_repetitive", "other_cause": ["seizure"], "age_years": 40}"#)
        .expect("valid");
    let r = grading::grade_with(&a, &grading::ASTCT_2019, &p);
    let first = &r.management.actions[0];
    assert!(first.text.starts_with("Unit SE protocol:"), "{}", first.text);
    assert!(
        first
            .text
            .ends_with("(attributed to another cause: treat it; not counted in the ICANS grade)")
    );
}
