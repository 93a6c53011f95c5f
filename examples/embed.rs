//! Embedding the grader in another program: build assessments in Rust (no
//! JSON), grade them, and use the result.
//!
//! `cargo run --example embed`

use icans::grading::{
    ASTCT_2019, Assessment, Consciousness, Domain, DomainSet, Edema, EncephalopathyScore, IceItems, Motor,
    Protocol, Seizure, grade, grade_with,
};

fn main() {
    // ICE items as scored at the bedside: orientation 2/4, naming 1/3, writing 0,
    // attention 0, commands 1 -> ICE 4/10; awakens to voice; concurrent CRS grade 2.
    let ice = IceItems::from_array([2, 1, 0, 0, 1]);
    let record = Assessment {
        patient_id: Some("P-001".into()),
        day: Some(5),
        encephalopathy: Some(EncephalopathyScore::Ice {
            items: Some(ice),
            total: ice.total(),
        }),
        consciousness: Some(Consciousness::AwakensToVoice),
        seizure: Some(Seizure::None),
        motor: Some(Motor::TremorOrMyoclonus),
        edema: Some(Edema::None),
        crs_grade: Some(2),
        ..Assessment::default()
    };
    let result = grade(&record);
    // `grade` is `grade_with` the ASTCT 2019 criteria (the guideline as a
    // value) and the built-in protocol (or a site's: `Protocol::parse`).
    assert_eq!(result, grade_with(&record, &ASTCT_2019, &Protocol::BUILTIN));
    println!("{} ({})", result.criteria, ASTCT_2019.citation());
    // `grade` is `None` when the record assessed no ICANS domain (CRS
    // findings alone): "ICANS not assessed", never grade 0.
    match result.grade {
        Some(g) => println!("ICANS grade {g} (complete: {})", result.complete),
        None => println!("ICANS not assessed"),
    }
    for (domain, r) in result.domains.iter() {
        println!("  {domain:<15} {:?} {:?}", r.status, r.grade);
    }
    for action in &result.management.actions {
        println!("  - {} ({})", action.text, action.id.as_str());
    }

    // The same patient sedated: consciousness attributed to another cause.
    let sedated = Assessment {
        other_cause: [Domain::Consciousness].into_iter().collect::<DomainSet>(),
        ..record
    };
    let r = grade(&sedated);
    println!("sedated: grade {:?} (excluded: {:?})", r.grade, r.excluded);

    // CRS findings alone: ICANS not assessed; the CRS step is still proposed.
    let crs_only = Assessment {
        temperature_c: Some(39.2),
        hypotension: Some(icans::grading::Hypotension::OneVasopressor),
        ..Assessment::default()
    };
    let r = grade(&crs_only);
    println!(
        "CRS only: ICANS {:?}, CRS grade {:?}, {} actions",
        r.grade,
        r.crs.as_ref().map(|c| c.grade),
        r.management.actions.len()
    );
}
