//! The concurrent CRS grade (docs/spec.md §7, ASTCT 2019): graded from
//! fever, hypotension and hypoxia, or taken as given (`crs_grade`). It feeds
//! the management step exactly as a given `crs_grade` does: the CRS step
//! (ASCO 2021) at every ICANS grade (docs/spec.md §3).

use std::borrow::Cow;

use crate::fever_celsius;

use super::assessment::Assessment;
use super::domain::{CrsDomain, CrsDomainList};
use super::record::has_crs_findings;
use super::result::{Crs, CrsDomains, CrsSource, CrsState, DomainResult, Status, drivers};
use super::rules::FEVER_MIN_CELSIUS;

/// How the card and the `finding` key show a fever that `fever_masked`
/// hides (docs/spec.md §7): never "no fever".
pub const MASKED_FEVER_FINDING: &str = "masked (antipyretic, tocilizumab or corticosteroid given)";

/// The CRS of an assessment, with the warnings it calls for; `None` when
/// the record holds no CRS information.
pub fn grade_crs(a: &Assessment, c: &super::criteria::Criteria, warnings: &mut Vec<String>) -> Option<Crs> {
    if !has_crs_findings(a) {
        return a.crs_grade.map(given);
    }
    let excluded = |d: CrsDomain| a.crs_other_cause[d.index()];
    // Fever: recorded directly or by temperature (they agree when both are).
    let fever = a.fever.or(a.temperature_c.map(|t| t >= FEVER_MIN_CELSIUS));
    let fever_label = |present: bool| -> Cow<'static, str> {
        match (a.temperature_c, present) {
            (Some(t), true) => Cow::Owned(format!("fever {t} C")),
            (Some(t), false) => Cow::Owned(format!("no fever ({t} C)")),
            (None, true) => Cow::Borrowed(concat!("fever >= ", fever_celsius!(), " C")),
            (None, false) => Cow::Borrowed("no fever"),
        }
    };
    let masked = a.fever_masked == Some(true);
    let fever_grade = c.crs_fever_grade();
    let mut fever_result = DomainResult::of(
        fever.map(|f| (if f { fever_grade } else { 0 }, fever_label(f))),
        excluded(CrsDomain::Fever),
    );
    // A fever that fever_masked hides is neither "no fever" nor "not
    // assessed": its absence is attributed to the therapy (docs/spec.md §7).
    if masked && fever_result.grade != Some(fever_grade) {
        fever_result = DomainResult {
            status: Status::Excluded,
            grade: None,
            finding: Some(Cow::Borrowed(MASKED_FEVER_FINDING)),
            masked: true,
        };
    }
    let hypotension = DomainResult::of(
        a.hypotension.map(|h| (c.grade(h), Cow::Borrowed(h.label()))),
        excluded(CrsDomain::Hypotension),
    );
    let hypoxia = DomainResult::of(
        a.hypoxia.map(|h| (c.grade(h), Cow::Borrowed(h.label()))),
        excluded(CrsDomain::Hypoxia),
    );
    let organ = [&hypotension, &hypoxia]
        .iter()
        .filter_map(|r| r.grade)
        .max()
        .unwrap_or(0);
    let fever_present = fever_result.grade == Some(fever_grade);
    // The management step's CRS words (docs/spec.md §3 "CRS words").
    let unruled_min_organ_grade = c.management().thresholds.crs_unruled_min_organ_grade;
    let died = a.died_of_crs == Some(true);
    let grade = if died {
        5
    } else if fever_present {
        organ.max(fever_grade)
    } else if masked {
        organ
    } else {
        0
    };
    // Fever is required (unless masked): say what the organ findings would
    // grade with fever, when CRS then cannot be ruled out (2 or more).
    if !fever_present && !masked && grade < 5 && organ >= unruled_min_organ_grade {
        warnings.push(without_fever_warning(fever_result.status, a.fever_masked, organ));
    }
    let assessed = |r: &DomainResult| r.status != Status::NotAssessed;
    // A death is complete: CRS grade 5 is never a lower bound (docs/spec.md §3).
    let complete =
        died || (assessed(&hypotension) && assessed(&hypoxia) && (masked || assessed(&fever_result)));
    let unruled = organ >= unruled_min_organ_grade && !masked;
    let state = match grade {
        5 => CrsState::Death,
        g @ 1.. => CrsState::Active(g),
        0 if unruled && fever_result.status == Status::NotAssessed => {
            CrsState::CannotBeRuledOut { with_fever: organ }
        }
        0 if unruled && a.fever_masked.is_none() => CrsState::NoFever { with_fever: organ },
        0 if unruled => CrsState::NoFeverNotMasked { with_fever: organ },
        0 if complete => CrsState::Absent,
        0 => CrsState::LowerBound,
    };
    let domains = CrsDomains {
        fever: fever_result,
        hypotension,
        hypoxia,
    };
    let drivers = drivers(grade, CrsDomain::ALL.map(|d| (d, domains.get(d))));
    Some(Crs {
        grade,
        complete,
        source: CrsSource::Findings,
        domains: Some(domains),
        drivers,
        state,
    })
}

/// A CRS grade taken as given (`crs_grade`, no findings): complete as
/// recorded.
fn given(grade: u8) -> Crs {
    Crs {
        grade,
        complete: true,
        source: CrsSource::Given,
        domains: None,
        drivers: CrsDomainList::new(),
        state: match grade {
            0 => CrsState::Absent,
            g => CrsState::Active(g),
        },
    }
}

/// The warning of a CRS graded 0 for want of a recorded fever while
/// hypotension or hypoxia would grade `organ` (>= 2) with it (docs/spec.md
/// §7). What the record says of masking is never contradicted: with
/// `fever_masked` recorded false, no word asks for it (§3, v4).
fn without_fever_warning(fever: Status, fever_masked: Option<bool>, organ: u8) -> String {
    let (what, ask) = match (fever, fever_masked) {
        (Status::NotAssessed, _) => ("fever not recorded (CRS grade 0 is a lower bound)", true),
        (Status::Excluded, _) => ("fever attributed to another cause", fever_masked.is_none()),
        (Status::Graded, None) => ("no fever, and fever_masked not given", true),
        (Status::Graded, Some(_)) => ("no fever, not masked", false),
    };
    // (A masked fever is excluded too, but a masked record never warns.)
    let then = if ask {
        " (record fever_masked if tocilizumab or corticosteroids were given)"
    } else {
        ": find their cause"
    };
    format!("CRS: {what}; with fever, hypotension or hypoxia would make it CRS grade {organ}{then}")
}
