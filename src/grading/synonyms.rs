//! The names exports give the record fields and their coded values, as
//! data (contract v4 §8: "a synonym in the catalogue"): `map init` proposes
//! a field or a value live only when a column's name or label, or a value's
//! label, equals one of these (or the field's or value's own name, alias or
//! definition) once case and punctuation are set aside. docs/spec.md §8
//! "map init" states the rule.
//!
//! Sources: the ASTCT 2019 grading table as the clinical page words it
//! (`../shared/reference`), the registry-form labels the issue that asked
//! for them quotes (REDCap and CIBMTR form 4100 wording), and CDISC
//! identifiers (`USUBJID`).

use super::catalogue::Field;

/// Other names of the record fields in exports: column names and
/// dictionary labels, compared as plain words (lower case, punctuation and
/// `_` as spaces). A recorded grade column is never named here alone
/// ("grade" can hold either syndrome): see `map init`'s recorded-grade
/// rule.
pub const FIELD_SYNONYMS: &[(Field, &[&str])] = &[
    (Field::Id, &["record id", "record", "assessment id", "visit id"]),
    (
        Field::PatientId,
        &[
            "subject",
            "subject id",
            "patient",
            "pt id",
            "mrn",
            "study id",
            "usubjid",
            "subjid",
            "pat id",
        ],
    ),
    (
        Field::Day,
        &[
            "study day",
            "day post infusion",
            "dpi",
            "days since infusion",
            "post infusion day",
        ],
    ),
    (Field::AgeYears, &["age", "age yrs", "age years"]),
    (Field::WeightKg, &["weight", "wt", "wt kg", "weight kg"]),
    (
        Field::Consciousness,
        &[
            "loc",
            "level of consciousness",
            "depressed level of consciousness",
            "conscious",
        ],
    ),
    (Field::Seizure, &["sz", "seizures"]),
    (Field::Motor, &["motor findings"]),
    (Field::Edema, &["cerebral edema", "raised icp", "icp"]),
    (
        Field::TemperatureC,
        &["temp", "temp max", "tmax", "temperature", "max temp"],
    ),
    (Field::Hypotension, &["bp support", "pressors", "vasopressors"]),
    (Field::Hypoxia, &["o2 support", "oxygen", "o2"]),
    (
        Field::RecordedGrade,
        &["icans grade", "neurotox grade", "neurotoxicity grade"],
    ),
    (Field::RecordedScale, &["grading scale", "scale", "grade scale"]),
    (Field::RecordedCrsGrade, &["crs grade recorded"]),
    (Field::IceTotal, &["ice", "ice score", "ice total"]),
    (Field::Capd, &["capd total", "capd score"]),
];

/// Other labels of coded values (field, value, labels), compared as plain
/// words once the words "only", "requires" and "on neuroimaging" are set
/// aside: the ASTCT table's cells as the clinical page words them and the
/// registry labels quoted in issue 34.
pub const VALUE_SYNONYMS: &[(Field, &str, &[&str])] = &[
    (
        Field::Consciousness,
        "unarousable",
        &[
            "patient unarousable or requires vigorous repetitive tactile stimuli or obtunded",
            "unarousable or requires vigorous or repetitive tactile stimuli",
            "unarousable or requires vigorous or repetitive tactile stimuli to arouse",
            "stupor or coma",
        ],
    ),
    (
        Field::Seizure,
        "rapidly_resolving",
        &[
            "clinical seizure that resolves rapidly",
            "any clinical seizure focal or generalized that resolves rapidly or non convulsive seizures on eeg that resolve with intervention",
        ],
    ),
    (
        Field::Seizure,
        "prolonged_or_repetitive",
        &[
            "life threatening prolonged seizure 5 min or repetitive clinical or electrical seizures without return to baseline",
            "prolonged or repetitive seizures",
        ],
    ),
    (Field::Motor, "tremor_or_myoclonus", &["tremor or myoclonus"]),
    (
        Field::Motor,
        "deep_focal_weakness",
        &["deep focal motor weakness hemiparesis paraparesis"],
    ),
    (
        Field::Edema,
        "focal",
        &["focal local edema on imaging", "focal local edema"],
    ),
    (
        Field::Edema,
        "diffuse",
        &[
            "diffuse cerebral edema on imaging decerebrate decorticate posturing cranial nerve vi palsy papilledema cushing s triad",
            "diffuse cerebral edema",
        ],
    ),
    (Field::Hypoxia, "none", &["none room air", "room air"]),
];

/// Words set aside when a label is compared with a value's (contract v4
/// §8): "only", "requires", "on neuroimaging".
pub const SET_ASIDE: &[&str] = &["only", "requires", "on neuroimaging"];
