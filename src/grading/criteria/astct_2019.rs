//! ASTCT 2019 (Lee et al., Biol Blood Marrow Transplant 2019;25:625-638):
//! the ICANS table (the encephalopathy bands of ICE and CAPD, the grade of
//! "unable to perform") and the grade of each finding, one table per domain
//! (docs/spec.md §2, §7), each finding by its contract wire name.
//! Every finding is in its table once, in its enum's order (the build
//! checks it: `criteria/graded.rs`); the cells are the oracle's
//! (tests/data/astct-2019.json, tests/grading_table.rs).

use std::ops::RangeInclusive;

use super::super::domain::IceBand;
use super::shape::Criteria;

/// ASTCT 2019, as grading reads it.
pub const ASTCT_2019: Criteria = Criteria {
    name: "ASTCT 2019",
    citation: "Lee et al., Biol Blood Marrow Transplant 2019;25:625-638",
    // CARTOX-10 and a band read on the ICE bands (`criteria::INSTRUMENTS`).
    bands: &[("ice", &ICE_GRADES), ("capd", &CAPD_GRADES)],
    unable_to_perform_grade: UNABLE_TO_PERFORM_GRADE,
    ice_zero_awake_grade: ICE_ZERO_AWAKE_GRADE,
    consciousness: CONSCIOUSNESS,
    seizure: SEIZURE,
    motor: MOTOR,
    edema: EDEMA,
    ice_band: ICE_BAND,
    crs_fever_grade: CRS_FEVER_GRADE,
    hypotension: HYPOTENSION,
    hypoxia: HYPOXIA,
    // The CAR-T management step (docs/spec.md §3), a value of its own.
    management: &super::car_t::CAR_T_MANAGEMENT,
};

/// ICE total to encephalopathy grade (docs/spec.md §2 "encephalopathy, ICE
/// total"). ICE 0 in an awake patient (global aphasia) is grade 3; grade 4
/// is reached only when the patient is unarousable and cannot do ICE.
pub const ICE_GRADES: [(RangeInclusive<u8>, u8); 4] = [(10..=10, 0), (7..=9, 1), (3..=6, 2), (0..=2, 3)];

/// CAPD total to encephalopathy grade (docs/spec.md §2 "encephalopathy, CAPD").
/// The contract gives CAPD no grade-2 band: 1-8 is grade 1, >= 9 grade 3.
pub const CAPD_GRADES: [(RangeInclusive<u8>, u8); 3] = [(0..=0, 0), (1..=8, 1), (9..=32, 3)];

/// Encephalopathy grade when the patient is unarousable and so unable to
/// perform ICE or CAPD (ASTCT 2019: "grade 4 by default").
pub const UNABLE_TO_PERFORM_GRADE: u8 = 4;

/// ICE 0 in an awake patient (global aphasia) is this grade (Lee 2019): an
/// ICE not performed while awake cannot rule out less (docs/spec.md §2, v4).
pub const ICE_ZERO_AWAKE_GRADE: u8 = 3;

/// Depressed level of consciousness (ASTCT 2019 table, consciousness row).
pub const CONSCIOUSNESS: &[(&str, u8)] = &[
    ("alert", 0),
    ("awakens_spontaneously", 1),
    ("awakens_to_voice", 2),
    ("awakens_to_tactile", 3),
    ("unarousable", 4),
];

/// Seizure (ASTCT 2019 table, seizure row).
pub const SEIZURE: &[(&str, u8)] = &[
    ("none", 0),
    ("rapidly_resolving", 3),
    ("prolonged_or_repetitive", 4),
];

/// Motor findings (ASTCT 2019 table, motor row): tremor and myoclonus are
/// recorded, never graded (CTCAE grades them).
pub const MOTOR: &[(&str, u8)] = &[
    ("none", 0),
    ("tremor_or_myoclonus", 0),
    ("deep_focal_weakness", 4),
];

/// Raised ICP / cerebral edema (ASTCT 2019 table, edema row).
pub const EDEMA: &[(&str, u8)] = &[("none", 0), ("focal", 3), ("diffuse", 4)];

/// An ICE total recorded only as a band is a row of the ICE table: its
/// totals are that row's, stated there once (here, beside the table, so
/// that the finding enums need not know the criteria).
impl IceBand {
    /// The row of the ICE table ([`ICE_GRADES`], docs/spec.md §2) this
    /// band is: its totals are that row's, stated there once; `None` for
    /// `unable`.
    const fn ice_row(self) -> Option<usize> {
        match self {
            IceBand::Ten => Some(0),
            IceBand::SevenToNine => Some(1),
            IceBand::ThreeToSix => Some(2),
            IceBand::ZeroToTwo => Some(3),
            IceBand::Unable => None,
        }
    }

    /// The band's highest ICE total ("ICE declining" holds for a band only
    /// when this is below `previous_ice_total`); `None` for `unable`.
    pub const fn top(self) -> Option<u8> {
        match self.ice_row() {
            Some(i) => Some(*ICE_GRADES[i].0.end()),
            None => None,
        }
    }

    /// The band's lowest ICE total; `None` for `unable`.
    pub const fn bottom(self) -> Option<u8> {
        match self.ice_row() {
            Some(i) => Some(*ICE_GRADES[i].0.start()),
            None => None,
        }
    }
}

/// An ICE total recorded only as a band: each band its ICE row's grade
/// (`ICE_GRADES`, tied by tests/older_instruments.rs); `unable` is
/// grade 4 only when unarousable (else not assessed: `grading::encephalopathy`).
pub const ICE_BAND: &[(&str, u8)] = &[("10", 0), ("7-9", 1), ("3-6", 2), ("0-2", 3), ("unable", 4)];

/// The CRS grade fever alone gives (ASTCT 2019 CRS table: grade 1 is fever
/// without hypotension or hypoxia; docs/spec.md §7).
pub const CRS_FEVER_GRADE: u8 = 1;

/// CRS hypotension (ASTCT 2019 CRS table, hypotension column).
pub const HYPOTENSION: &[(&str, u8)] = &[
    ("none", 0),
    ("fluids_only", 2),
    ("one_vasopressor", 3),
    ("multiple_vasopressors", 4),
];

/// CRS hypoxia (ASTCT 2019 CRS table, hypoxia column).
pub const HYPOXIA: &[(&str, u8)] = &[
    ("none", 0),
    ("low_flow", 2),
    ("high_flow", 3),
    ("positive_pressure", 4),
];
