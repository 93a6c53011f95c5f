//! The thresholds the record builder, the instruments and the patient
//! group read (docs/spec.md §2, §6, §7), as data. The ASTCT 2019 table
//! itself (the encephalopathy bands and every finding's grade) is a value
//! of the guideline, `criteria/astct_2019.rs`; the management step's
//! thresholds and doses are a value of its own, `criteria/car_t.rs`.

/// The highest ICE total (the five items' maxima, 4 + 3 + 1 + 1 + 1).
pub const ICE_MAX: u8 = 10;

/// The highest CAPD total (eight items, 0-4 each).
pub const CAPD_MAX: u8 = 32;

/// Age from which ICE, not CAPD, is the instrument (docs/spec.md §2 warnings).
pub const ICE_MIN_AGE_YEARS: f64 = 12.0;

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
