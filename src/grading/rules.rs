//! The thresholds the grading and the management step read (docs/spec.md
//! §2, §3, §6, §7), as data. The ASTCT 2019 table itself (the
//! encephalopathy bands and every finding's grade) is a value of the
//! guideline, `criteria/astct_2019.rs`.

/// The highest ICE total (the five items' maxima, 4 + 3 + 1 + 1 + 1).
pub const ICE_MAX: u8 = 10;

/// The highest CAPD total (eight items, 0-4 each).
pub const CAPD_MAX: u8 = 32;

/// Age from which ICE, not CAPD, is the instrument (docs/spec.md §2 warnings).
pub const ICE_MIN_AGE_YEARS: f64 = 12.0;

/// `crs_grade` from which concurrent CRS counts as active (docs/spec.md §1).
pub const ACTIVE_CRS_MIN_GRADE: u8 = 1;

/// ICANS grade from which reassessment is urgent (docs/spec.md §3
/// `reassess_hours`: 4 h at grade >= 2).
pub const URGENT_REASSESS_MIN_GRADE: u8 = 2;

/// `crs_grade` and ICANS grade from which the CRS/ICANS overlap is named
/// (docs/spec.md §3).
pub const OVERLAP_MIN_GRADE: u8 = 3;

/// Hours of persisting grade-1 ICANS after which corticosteroids are
/// considered (docs/spec.md §3, knowledge page "persistent > 24h").
pub const STEROIDS_AFTER_HOURS: f64 = 24.0;

/// Age under which a record is a child's (docs/spec.md §6), whatever the
/// instrument (CAPD in an adult, for developmental delay, keeps adult doses).
pub const CHILD_UNDER_AGE_YEARS: f64 = 18.0;

/// Without a recorded age, a weight under this (kg) makes a child's record
/// (docs/spec.md §6), as CAPD does.
pub const CHILD_UNDER_WEIGHT_KG: f64 = 40.0;

/// Median body weight (kg) by age (years), boys and girls averaged: CDC
/// 2000 growth charts and WHO child growth standards, as the contract
/// states them (docs/spec.md §6, v4); linear between the points, the last
/// held to 18.
pub const WEIGHT_FOR_AGE_MEDIANS: [(f64, f64); 22] = [
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

/// Under 18, a weight below this many times the median for the age is
/// implausible (about the 3rd centile).
pub const CHILD_WEIGHT_BELOW_MEDIAN: f64 = 0.6;
/// Under 18, a weight above this many times the median for the age is
/// implausible (about the 97th centile): a weight in pounds is 2.2 times
/// the kilograms, so the slip is caught for every child from 0.7 times the
/// median.
pub const CHILD_WEIGHT_ABOVE_MEDIAN: f64 = 1.5;
/// From 18, a weight below this (kg) is implausible.
pub const ADULT_WEIGHT_MIN_KG: f64 = 30.0;
/// From 18, a weight above this (kg) is implausible.
pub const ADULT_WEIGHT_MAX_KG: f64 = 150.0;
/// Pounds in a kilogram, for the warning's hint.
pub const POUNDS_PER_KG: f64 = 2.2;

/// The median weight (kg) for an age under 18: linear between the points
/// of [`WEIGHT_FOR_AGE_MEDIANS`].
pub fn median_weight_kg(age_years: f64) -> f64 {
    let points = &WEIGHT_FOR_AGE_MEDIANS;
    let at = points
        .iter()
        .position(|(a, _)| *a > age_years)
        .unwrap_or(points.len());
    match (at.checked_sub(1).map(|i| points[i]), points.get(at).copied()) {
        (Some((a0, w0)), Some((a1, w1))) => w0 + (w1 - w0) * (age_years - a0) / (a1 - a0),
        (Some((_, w)), None) | (None, Some((_, w))) => w,
        (None, None) => 0.0,
    }
}

/// A seizure or edema attributed to another cause and graded at least
/// this still gets its treatment (docs/spec.md §3 "Excluded but still an
/// emergency").
pub const EXCLUDED_EMERGENCY_MIN_GRADE: u8 = 3;

/// ICU transfer is considered at ICANS grade 2 from this CRS grade
/// (docs/spec.md §3 `consider_icu`).
pub const ICU_WITH_CRS_MIN_GRADE: u8 = 2;

/// CRS cannot be ruled out (fever not recorded), or is 0 only for want of
/// fever, when hypotension or hypoxia is graded at least this (docs/spec.md
/// §3 "CRS words").
pub const CRS_UNRULED_MIN_ORGAN_GRADE: u8 = 2;

/// Hypotension or hypoxia graded at least this (a vasopressor, high-flow
/// oxygen) without a recorded fever calls for ICU-level care whatever the
/// cause (docs/spec.md §3, v4 "Shock or hypoxia whatever the CRS words").
pub const SHOCK_MIN_ORGAN_GRADE: u8 = 3;

/// The domain grade from which a seizure calls for anti-seizure therapy
/// rather than prophylaxis at grade 4, and the grade that is status
/// epilepticus (docs/spec.md §3).
pub const ANTISEIZURE_MIN_SEIZURE_GRADE: u8 = 3;

/// Status epilepticus: the seizure domain at this grade.
pub const STATUS_EPILEPTICUS_GRADE: u8 = 4;

/// The domain grade of encephalopathy, consciousness, seizure or edema at
/// which the airway is at risk (docs/spec.md §3 `airway_protection`), and of
/// edema at which ICP monitoring and edema therapy apply.
pub const LIFE_THREATENING_DOMAIN_GRADE: u8 = 4;

/// Tocilizumab (prescribing information, CRS dosing): 8 mg/kg IV over 1 h,
/// at most 800 mg per dose; 12 mg/kg under 30 kg.
pub const TOCILIZUMAB_MG_PER_KG: f64 = 8.0;
/// Tocilizumab's largest single dose.
pub const TOCILIZUMAB_MAX_MG: f64 = 800.0;
/// Below this weight tocilizumab is dosed at [`TOCILIZUMAB_SMALL_MG_PER_KG`].
pub const TOCILIZUMAB_SMALL_UNDER_KG: f64 = 30.0;
/// Tocilizumab under 30 kg.
pub const TOCILIZUMAB_SMALL_MG_PER_KG: f64 = 12.0;

/// Methylprednisolone at grade 3 (knowledge page): 1 mg/kg IV q12h.
pub const METHYLPREDNISOLONE_MG_PER_KG: f64 = 1.0;

/// Pulse methylprednisolone for a child (docs/spec.md §6): 30 mg/kg IV
/// daily, at most 1 g a day, for 3 days.
pub const CHILD_PULSE_MG_PER_KG: f64 = 30.0;
/// The child's pulse dose cap, per day.
pub const CHILD_PULSE_MAX_MG: f64 = 1000.0;

/// The fever threshold as texts say it ("38.0"): the catalogue's words are
/// `&'static str`, made with `concat!`, so the threshold is written here
/// once as text, and a test holds [`FEVER_MIN_CELSIUS`] to it.
#[macro_export]
#[doc(hidden)]
macro_rules! fever_celsius {
    () => {
        "38.0"
    };
}

/// Fever (docs/spec.md §7): a temperature of at least 38.0 C.
pub const FEVER_MIN_CELSIUS: f64 = 38.0;

/// The CRS grade that fever alone gives (docs/spec.md §7).
pub const FEVER_CRS_GRADE: u8 = 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_words_are_the_threshold() {
        assert_eq!(fever_celsius!().parse::<f64>(), Ok(FEVER_MIN_CELSIUS));
    }

    #[test]
    fn the_maxima_are_the_items_maxima() {
        use super::super::catalogue::{CAPD_ITEMS, ICE_ITEMS};
        use super::super::criteria::astct_2019::{CAPD_GRADES, ICE_GRADES};
        assert_eq!(ICE_ITEMS.iter().map(|i| i.max).sum::<u8>(), ICE_MAX);
        assert_eq!(CAPD_ITEMS.iter().map(|i| i.max).sum::<u8>(), CAPD_MAX);
        assert_eq!(ICE_GRADES[0].0, ICE_MAX..=ICE_MAX);
        assert_eq!(CAPD_GRADES.last().map(|b| *b.0.end()), Some(CAPD_MAX));
    }
}
