//! The pure management decision (docs/spec.md §3): given the grade and the
//! facts the conditions read, which rows of the action table apply, which
//! reassessment interval, and which notes the summary must carry. No texts
//! and no hours: those are the [`Protocol`](super::Protocol)'s.

use super::actions::{self, ActionRow, When};
use super::domain::{Domain, DomainSet};
use super::rules::{
    ACTIVE_CRS_MIN_GRADE, ANTISEIZURE_MIN_SEIZURE_GRADE, LIFE_THREATENING_DOMAIN_GRADE, OVERLAP_MIN_GRADE,
    STEROIDS_AFTER_HOURS,
};

/// The facts the conditions of the action table and the interval read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Context {
    /// The ICANS grade, 0-5.
    pub grade: u8,
    /// Each domain's grade when graded (in [`Domain::ALL`] order).
    pub domain_grades: [Option<u8>; 5],
    /// The concurrent CRS grade (given, or graded from findings), 0 when absent.
    pub crs_grade: u8,
    /// `hours_since_onset`, when recorded.
    pub hours_since_onset: Option<f64>,
    /// `steroid_refractory` is true.
    pub steroid_refractory: bool,
    /// The ICE total is below `previous_ice_total`, or the CAPD total above
    /// `previous_capd`.
    pub worsening: bool,
    /// Excluded domains whose finding is above the grade: ICANS cannot be
    /// ruled out (docs/spec.md §2 "Masked findings").
    pub masked: DomainSet,
}

impl Context {
    /// Concurrent CRS is active (CRS grade >= 1).
    pub fn crs_active(&self) -> bool {
        self.crs_grade >= ACTIVE_CRS_MIN_GRADE
    }

    /// A domain's grade, when graded.
    pub fn domain_grade(&self, d: Domain) -> Option<u8> {
        self.domain_grades[d.index()]
    }

    /// Whether a row's condition holds.
    pub fn holds(&self, when: When) -> bool {
        let seizure = self.domain_grade(Domain::Seizure);
        match when {
            When::Always => true,
            When::ConcurrentCrs => self.crs_active(),
            When::PersistingOver24Hours => self.hours_since_onset.is_some_and(|h| h > STEROIDS_AFTER_HOURS),
            When::SteroidRefractory => self.steroid_refractory,
            When::SeizureGraded(n) => seizure == Some(n),
            When::NoSeizureGraded3 => seizure.is_none_or(|g| g < ANTISEIZURE_MIN_SEIZURE_GRADE),
            When::AirwayAtRisk => [
                Domain::Encephalopathy,
                Domain::Consciousness,
                Domain::Seizure,
                Domain::Edema,
            ]
            .iter()
            .any(|d| self.domain_grade(*d) == Some(LIFE_THREATENING_DOMAIN_GRADE)),
            When::EdemaGraded4 => self.domain_grade(Domain::Edema) == Some(LIFE_THREATENING_DOMAIN_GRADE),
        }
    }
}

/// Which reassessment interval applies (docs/spec.md §3 `reassess_hours`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// Grade >= 2, concurrent CRS, ICE declining or CAPD worsening, or
    /// masked findings.
    Urgent,
    /// Otherwise at grade 1.
    Grade1,
    /// Otherwise at grade 0.
    Grade0,
}

/// What the summary sentence must say besides the actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// Findings attributed to another cause are above the grade: ICANS
    /// cannot be ruled out.
    CannotBeRuledOut(DomainSet),
    /// Grade 2-4 without concurrent CRS: tocilizumab is not indicated.
    NoTocilizumabWithoutCrs,
    /// CRS and ICANS both at grade >= 3: the overlap and its combined approach.
    Overlap {
        /// The CRS grade.
        crs: u8,
        /// The ICANS grade.
        icans: u8,
    },
}

/// The management decision for one result.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The ICANS grade planned for.
    pub grade: u8,
    /// The rows that apply, in table order.
    pub rows: Vec<&'static ActionRow>,
    /// The reassessment interval; `None` at grade 5.
    pub interval: Option<Interval>,
    /// Notes the summary carries, in order.
    pub notes: Vec<Note>,
}

/// Decides the management step for a grade in its context: the table's
/// rows whose condition holds, the interval and the notes.
pub fn plan(ctx: &Context) -> Plan {
    let rows = actions::of_grade(ctx.grade)
        .filter(|r| ctx.holds(r.when))
        .collect();
    let mut notes = Vec::new();
    if !ctx.masked.is_empty() && ctx.grade < 5 {
        notes.push(Note::CannotBeRuledOut(ctx.masked));
    }
    if (2..=actions::MAX_ACTION_GRADE).contains(&ctx.grade) && !ctx.crs_active() {
        notes.push(Note::NoTocilizumabWithoutCrs);
    }
    if (OVERLAP_MIN_GRADE..=actions::MAX_ACTION_GRADE).contains(&ctx.grade)
        && ctx.crs_grade >= OVERLAP_MIN_GRADE
    {
        notes.push(Note::Overlap {
            crs: ctx.crs_grade,
            icans: ctx.grade,
        });
    }
    Plan {
        grade: ctx.grade,
        rows,
        interval: interval(ctx),
        notes,
    }
}

/// docs/spec.md §3 `reassess_hours`: none at grade 5; urgent with CRS, a
/// declining ICE or worsening CAPD, masked findings, or grade >= 2;
/// otherwise the grade-1 or grade-0 interval.
pub fn interval(ctx: &Context) -> Option<Interval> {
    match ctx.grade {
        5.. => None,
        g if g >= 2 || ctx.crs_active() || ctx.worsening || !ctx.masked.is_empty() => Some(Interval::Urgent),
        1 => Some(Interval::Grade1),
        _ => Some(Interval::Grade0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(grade: u8) -> Context {
        Context {
            grade,
            domain_grades: [None; 5],
            crs_grade: 0,
            hours_since_onset: None,
            steroid_refractory: false,
            worsening: false,
            masked: DomainSet::EMPTY,
        }
    }

    fn with(grade: u8, d: Domain, g: u8) -> Context {
        let mut c = ctx(grade);
        c.domain_grades[d.index()] = Some(g);
        c
    }

    fn ids(p: &Plan) -> Vec<&'static str> {
        p.rows.iter().map(|r| r.key).collect()
    }

    #[test]
    fn conditions_pick_rows() {
        assert_eq!(ids(&plan(&ctx(1))), ["ice_monitoring", "supportive_care"]);
        let c = Context {
            crs_grade: 1,
            hours_since_onset: Some(24.5),
            ..ctx(1)
        };
        assert_eq!(
            ids(&plan(&c)),
            [
                "ice_monitoring",
                "supportive_care",
                "consider_corticosteroids",
                "tocilizumab"
            ]
        );
        let at_24 = Context {
            hours_since_onset: Some(24.0),
            ..ctx(1)
        };
        assert!(!ids(&plan(&at_24)).contains(&"consider_corticosteroids"));
        assert!(plan(&ctx(5)).rows.is_empty());
    }

    #[test]
    fn grade_4_rows_follow_the_domains() {
        let motor = with(4, Domain::Motor, 4);
        assert_eq!(
            ids(&plan(&motor)),
            [
                "methylprednisolone_pulse",
                "icu",
                "neurology_consult",
                "eeg",
                "mri_brain",
                "levetiracetam",
                "consider_additional_immunosuppression"
            ]
        );
        let status = with(4, Domain::Seizure, 4);
        let p = ids(&plan(&status));
        assert!(p.contains(&"antiseizure_therapy_status_epilepticus"), "{p:?}");
        assert!(p.contains(&"airway_protection"));
        assert!(!p.contains(&"levetiracetam"));
        let mut seizure3 = with(4, Domain::Motor, 4);
        seizure3.domain_grades[Domain::Seizure.index()] = Some(3);
        let p = ids(&plan(&seizure3));
        assert!(
            p.contains(&"antiseizure_therapy") && !p.contains(&"levetiracetam"),
            "{p:?}"
        );
        assert!(!p.contains(&"airway_protection"));
        let edema = with(4, Domain::Edema, 4);
        let p = ids(&plan(&edema));
        assert!(p.contains(&"icp_monitoring") && p.contains(&"cerebral_edema_therapy"));
        assert!(p.contains(&"airway_protection"));
        let mut focal = with(4, Domain::Consciousness, 4);
        focal.domain_grades[Domain::Edema.index()] = Some(3);
        assert!(!ids(&plan(&focal)).contains(&"icp_monitoring"));
    }

    #[test]
    fn intervals() {
        assert_eq!(interval(&ctx(0)), Some(Interval::Grade0));
        assert_eq!(interval(&ctx(1)), Some(Interval::Grade1));
        assert_eq!(interval(&ctx(2)), Some(Interval::Urgent));
        assert_eq!(interval(&ctx(5)), None);
        let worse = Context {
            worsening: true,
            ..ctx(0)
        };
        assert_eq!(interval(&worse), Some(Interval::Urgent));
        let crs = Context {
            crs_grade: 1,
            ..ctx(1)
        };
        assert_eq!(interval(&crs), Some(Interval::Urgent));
        let masked = Context {
            masked: [Domain::Consciousness].into_iter().collect(),
            ..ctx(0)
        };
        assert_eq!(interval(&masked), Some(Interval::Urgent));
    }

    #[test]
    fn notes() {
        assert_eq!(plan(&ctx(1)).notes, []);
        assert_eq!(plan(&ctx(2)).notes, [Note::NoTocilizumabWithoutCrs]);
        assert_eq!(plan(&ctx(5)).notes, []);
        let overlap = Context {
            crs_grade: 3,
            ..ctx(3)
        };
        assert_eq!(plan(&overlap).notes, [Note::Overlap { crs: 3, icans: 3 }]);
        let crs2 = Context {
            crs_grade: 2,
            ..ctx(4)
        };
        assert_eq!(plan(&crs2).notes, []);
    }
}
