//! The pure management decision (docs/spec.md §3): given the grade and the
//! facts the conditions read, which rows of the action table apply, which
//! reassessment interval, and which notes the summary must carry. No texts
//! and no hours: those are the [`Protocol`](super::Protocol)'s.

use arrayvec::ArrayVec;

use super::actions::{self, ActionId, ActionRow, Step, When};
use super::criteria::Management;
use super::domain::{Domain, DomainSet};
use super::result::CrsState;

/// The facts the conditions of the action table and the interval read,
/// and the management step whose table and thresholds they are read by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Context {
    /// The management step: its rows and thresholds (the criteria's,
    /// `Criteria::management`).
    pub management: &'static Management,
    /// The ICANS grade, 0-5 (0 when ICANS was not assessed).
    pub grade: u8,
    /// Some ICANS domain was assessed (or death by ICANS recorded): false
    /// for "ICANS not assessed" (docs/spec.md §2, v4).
    pub icans_assessed: bool,
    /// The ICE was not performed while awake and the other domains are
    /// below grade 3: ICANS cannot be ruled out (docs/spec.md §2, v4).
    pub ice_unable_awake: bool,
    /// Each domain's grade when graded (in [`Domain::ALL`] order).
    pub domain_grades: [Option<u8>; 5],
    /// The grade each domain's finding would have where `other_cause`
    /// excludes it (in [`Domain::ALL`] order): an excluded emergency is
    /// still treated (docs/spec.md §3).
    pub excluded_grades: [Option<u8>; 5],
    /// The concurrent CRS (docs/spec.md §3 "CRS words", §7).
    pub crs: CrsState,
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
    /// The context of a grade alone under a management step: no domain
    /// graded, no CRS information, nothing else recorded.
    pub const fn of_grade(grade: u8, management: &'static Management) -> Context {
        Context {
            management,
            grade,
            icans_assessed: true,
            ice_unable_awake: false,
            domain_grades: [None; 5],
            excluded_grades: [None; 5],
            crs: CrsState::NotAssessed,
            hours_since_onset: None,
            steroid_refractory: false,
            worsening: false,
            masked: DomainSet::EMPTY,
        }
    }

    /// The concurrent CRS grade that counts for management (0 unless active).
    pub const fn crs_grade(&self) -> u8 {
        self.crs.grade()
    }

    /// Concurrent CRS is active (CRS grade >= 1).
    pub const fn crs_active(&self) -> bool {
        self.crs_grade() >= self.management.thresholds.active_crs_min_grade
    }

    /// A death: ICANS grade 5, or CRS grade 5 (docs/spec.md §3 "Death").
    pub const fn death(&self) -> Option<Death> {
        match (self.grade >= 5, matches!(self.crs, CrsState::Death)) {
            (true, true) => Some(Death::IcansAndCrs),
            (true, false) => Some(Death::Icans),
            (false, true) => Some(Death::Crs),
            (false, false) => None,
        }
    }

    /// The domains neither graded nor excluded with a finding: not
    /// assessed.
    pub fn unassessed(&self) -> DomainSet {
        Domain::ALL
            .into_iter()
            .filter(|d| self.domain_grades[d.index()].is_none() && self.excluded_grades[d.index()].is_none())
            .collect()
    }

    /// A domain's grade, when graded.
    pub fn domain_grade(&self, d: Domain) -> Option<u8> {
        self.domain_grades[d.index()]
    }

    /// Excluded findings that are still emergencies (a seizure or edema
    /// graded >= 3), with the grade each would have.
    pub fn excluded_emergencies(&self) -> impl Iterator<Item = (Domain, u8)> + '_ {
        Domain::ALL.into_iter().filter_map(|d| {
            self.excluded_grades[d.index()]
                .filter(|g| self.management.is_excluded_emergency(d, *g))
                .map(|g| (d, g))
        })
    }

    /// Whether a row's condition holds.
    pub fn holds(&self, when: When) -> bool {
        let seizure = self.domain_grade(Domain::Seizure);
        let t = &self.management.thresholds;
        match when {
            When::Always => true,
            When::ConcurrentCrs => self.crs_active(),
            When::CrsGrade2Plus => {
                self.crs_grade() >= t.icu_with_crs_min_grade
                    || matches!(self.crs, CrsState::CannotBeRuledOut { with_fever } if with_fever >= t.icu_with_crs_min_grade)
            }
            // An ICE not performed while awake is no "not assessed": it
            // cannot rule ICANS out (docs/spec.md §2, v4).
            When::IcansAssessed => self.icans_assessed || self.ice_unable_awake,
            When::IcansNotAssessed => !self.icans_assessed && !self.ice_unable_awake,
            When::IceUnableAwake => self.ice_unable_awake,
            When::IcansGrade0OrNotAssessed => self.grade == 0,
            When::ShockWithoutFever => self
                .crs
                .without_fever()
                .is_some_and(|g| g >= t.shock_min_organ_grade),
            When::OrganWithoutFever => self
                .crs
                .without_fever()
                .is_some_and(|g| g >= t.crs_unruled_min_organ_grade),
            When::CrsCannotBeRuledOut => matches!(self.crs, CrsState::CannotBeRuledOut { .. }),
            When::PersistingOver24Hours => self.hours_since_onset.is_some_and(|h| h > t.steroids_after_hours),
            When::SteroidRefractory => self.steroid_refractory,
            When::SeizureGraded(n) => seizure == Some(n),
            When::NoSeizureGraded3 => seizure.is_none_or(|g| g < t.antiseizure_min_seizure_grade),
            When::AirwayAtRisk => [
                Domain::Encephalopathy,
                Domain::Consciousness,
                Domain::Seizure,
                Domain::Edema,
            ]
            .iter()
            .any(|d| self.domain_grade(*d) == Some(t.life_threatening_domain_grade)),
            When::EdemaGraded4 => self.domain_grade(Domain::Edema) == Some(t.life_threatening_domain_grade),
        }
    }

    /// The context as it would be if an excluded finding were counted: its
    /// domain graded, the grade that of the finding.
    fn counted(&self, d: Domain, finding_grade: u8) -> Context {
        let mut c = *self;
        c.grade = finding_grade;
        c.domain_grades[d.index()] = Some(finding_grade);
        c
    }
}

/// Whose death a result records (docs/spec.md §3 "Death").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Death {
    /// ICANS grade 5.
    Icans,
    /// CRS grade 5.
    Crs,
    /// Both.
    IcansAndCrs,
}

impl Death {
    /// "Death attributed to ICANS", "... to CRS", "... to ICANS and CRS".
    pub const fn words(self) -> &'static str {
        match self {
            Death::Icans => "Death attributed to ICANS",
            Death::Crs => "Death attributed to CRS",
            Death::IcansAndCrs => "Death attributed to ICANS and CRS",
        }
    }
}

/// Which reassessment interval applies (docs/spec.md §3 `reassess_hours`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// Grade >= 2, concurrent CRS (or CRS that cannot be ruled out), ICE
    /// declining or CAPD worsening, masked findings, or an excluded
    /// emergency.
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
    /// What the CRS state says when it has words of its own: no concurrent
    /// CRS (tocilizumab is not indicated), CRS not assessed, a lower bound,
    /// no CRS for want of fever, CRS that cannot be ruled out.
    Crs(CrsState),
    /// CRS and ICANS both at grade >= 3: the overlap and its combined approach.
    Overlap {
        /// The CRS grade.
        crs: u8,
        /// The ICANS grade.
        icans: u8,
    },
}

/// One action the plan chose: a row of the table, whether it is given
/// for a finding attributed to another cause, and whether it serves both
/// syndromes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Chosen {
    /// The row (its grade is that of the finding it treats, or the CRS
    /// grade for a row of the CRS step).
    pub row: &'static ActionRow,
    /// Given for an excluded emergency: its text says so.
    pub attributed: bool,
    /// One action for both steps (docs/spec.md §3, v4 "One action per id").
    pub merged: Merged,
    /// Shown after the ICANS step, as the CRS step's own (its brief goes to
    /// the summary's CRS part).
    pub crs_side: bool,
}

impl Chosen {
    /// A row shown as its step's own.
    const fn of(row: &'static ActionRow, attributed: bool) -> Chosen {
        Chosen {
            row,
            attributed,
            merged: Merged::No,
            crs_side: matches!(row.step, Step::Crs),
        }
    }
}

/// How an action serves both the ICANS and the CRS step (docs/spec.md §3,
/// v4).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Merged {
    /// It serves its own step alone.
    No,
    /// The one corticosteroid of both steps (the stronger; at equal
    /// strength the ICANS one): its text loses a taper on one syndrome's
    /// improvement and ends "(for ICANS grade N and CRS grade M; continue
    /// until ICANS and CRS are both grade 1 or less, then taper)".
    Corticosteroid {
        /// It stands where the CRS step would give `consider_dexamethasone`,
        /// whose words it keeps ("no improvement 24 h after tocilizumab:
        /// manage as CRS grade 3").
        after_consider_dexamethasone: bool,
    },
    /// The one ICU admission of both steps: the ICANS text, then the CRS
    /// step's, each naming its reason.
    Icu(&'static ActionRow),
}

/// The management decision for one result.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The ICANS grade planned for (0 when ICANS was not assessed).
    pub grade: u8,
    /// Some ICANS domain was assessed.
    pub icans_assessed: bool,
    /// ICANS cannot be ruled out: the ICE not performed while awake.
    pub ice_unable_awake: bool,
    /// The domains not assessed (for an incomplete grade 0's words).
    pub unassessed: DomainSet,
    /// The concurrent CRS planned for.
    pub crs: CrsState,
    /// The actions, emergencies first, then in table order; none at death.
    /// Each action at most once, so held inline (no list on the heap per
    /// record).
    pub rows: PlanRows,
    /// The reassessment interval; `None` at death.
    pub interval: Option<Interval>,
    /// Notes the summary carries, in order: the masked findings', then the
    /// CRS's.
    pub notes: ArrayVec<Note, 2>,
    /// A death: no management step.
    pub death: Option<Death>,
}

/// A plan's actions: at most every action once.
pub type PlanRows = ArrayVec<Chosen, { ActionId::ALL.len() }>;

/// The rows that apply, before the emergency order: the table's rows at
/// the counted grade whose condition holds, then those the excluded
/// emergencies add (the rows of the grade each finding would have), each id
/// once. Allocates nothing: [`plan`] and [`shows_dose`] both read it.
fn chosen(ctx: &Context) -> impl Iterator<Item = Chosen> + '_ {
    let table = ctx
        .management
        .of_grade(ctx.grade)
        .filter(|r| ctx.holds(r.when))
        .map(|row| Chosen::of(row, false));
    let attributed = ctx.excluded_emergencies().flat_map(move |(d, g)| {
        let counted = ctx.counted(d, g);
        let needed = ctx.management.excluded_emergency_actions(d, g);
        ctx.management
            .of_grade(g)
            .filter(move |r| needed.contains(&r.id) && counted.holds(r.when))
            .map(|row| Chosen::of(row, true))
    });
    let mut seen = 0u32;
    table.chain(attributed).filter(move |c| {
        let bit = 1u32 << (c.row.id as u32);
        let first = seen & bit == 0;
        seen |= bit;
        first
    })
}

/// Whether a chosen row stays: anti-seizure therapy replaces the
/// prophylaxis wherever both would appear.
fn stays(c: &Chosen, antiseizure: bool) -> bool {
    !(antiseizure && c.row.id == ActionId::Levetiracetam)
}

/// Whether the management step shows an action whose dose depends on the
/// patient group or the weight (docs/spec.md §6 warnings): exactly what
/// [`plan`]'s rows would show ([`Plan::shows_dose`]; a test holds the two
/// together), without building them, for the gradings that show no step
/// (`summary`, `audit`, `--fields` without management: 10% of their
/// instructions when the plan was built).
pub fn shows_dose(ctx: &Context) -> bool {
    if ctx.death().is_some() {
        return false;
    }
    // One pass: a row that shows a dose stays unless it is the prophylaxis
    // that anti-seizure therapy replaces (`stays`). The CRS step's rows
    // that show one stay too (a corticosteroid merged into another is
    // shown as one that shows a dose).
    let (mut prophylaxis, mut antiseizure) = (false, false);
    for c in chosen(ctx) {
        match c.row.id {
            ActionId::AntiseizureTherapy => antiseizure = true,
            ActionId::Levetiracetam => prophylaxis |= c.row.shows_dose(),
            _ if c.row.shows_dose() => return true,
            _ => {}
        }
    }
    let crs_grade = if ctx.crs_active() { ctx.crs_grade() } else { 0 };
    (prophylaxis && !antiseizure)
        || ctx
            .management
            .rows(Step::Crs, crs_grade)
            .any(|r| r.shows_dose() && ctx.holds(r.when))
}

impl Plan {
    /// Whether the management step shows an action whose dose depends on
    /// the patient group or the weight (docs/spec.md §6 warnings).
    pub fn shows_dose(&self) -> bool {
        self.rows
            .iter()
            .any(|c| c.row.shows_dose() || matches!(c.merged, Merged::Icu(crs) if crs.shows_dose()))
    }
}

/// Decides the management step for a grade in its context (docs/spec.md
/// §3): the table's rows whose condition holds, the actions excluded
/// emergencies still need, the interval and the notes. Death overrides
/// everything: no action, no reassessment.
pub fn plan(ctx: &Context) -> Plan {
    if let Some(death) = ctx.death() {
        return Plan {
            grade: ctx.grade,
            icans_assessed: ctx.icans_assessed,
            ice_unable_awake: ctx.ice_unable_awake,
            unassessed: ctx.unassessed(),
            crs: ctx.crs,
            rows: PlanRows::new(),
            interval: None,
            notes: ArrayVec::new(),
            death: Some(death),
        };
    }
    // Each action id at most once (`chosen`): the list cannot overflow.
    let mut rows = PlanRows::new();
    rows.extend(chosen(ctx));
    let antiseizure = rows.iter().any(|c| c.row.id == ActionId::AntiseizureTherapy);
    rows.retain(|c| stays(c, antiseizure));
    // The emergencies first (stable: table order otherwise).
    rows.sort_by_key(|c| ctx.management.emergency_rank(c.row.id));
    add_crs_step(ctx, &mut rows);

    let mut notes = ArrayVec::new();
    if !ctx.masked.is_empty() {
        notes.push(Note::CannotBeRuledOut(ctx.masked));
    }
    if let Some(note) = crs_note(ctx) {
        notes.push(note);
    }
    Plan {
        grade: ctx.grade,
        icans_assessed: ctx.icans_assessed,
        ice_unable_awake: ctx.ice_unable_awake,
        unassessed: ctx.unassessed(),
        crs: ctx.crs,
        rows,
        interval: interval(ctx),
        notes,
        death: None,
    }
}

/// The CRS step (docs/spec.md §3, v4): the rows of the CRS grade (or, at
/// CRS grade 0, those that hypotension or hypoxia without a recorded fever
/// calls for) whose condition holds, added after the ICANS step. One action
/// per id: an action the ICANS step already shows stays where it is
/// (`icu` then names both reasons); one corticosteroid for both, the
/// stronger, where the ICANS step gives its own; `consider_icu` goes when
/// `icu` is shown. The CRS step's own actions follow in [`CRS_ORDER`].
fn add_crs_step(ctx: &Context, rows: &mut PlanRows) {
    let grade = if ctx.crs_active() { ctx.crs_grade() } else { 0 };
    let mut own = PlanRows::new();
    for row in ctx
        .management
        .rows(Step::Crs, grade)
        .filter(|r| ctx.holds(r.when))
    {
        if row.corticosteroid > 0 {
            merge_corticosteroid(row, rows, &mut own);
        } else if let Some(shown) = rows.iter_mut().find(|c| c.row.id == row.id) {
            if row.id == ActionId::Icu {
                shown.merged = Merged::Icu(row);
            }
        } else {
            // Each id at most once in `rows` and `own` together: no overflow.
            own.push(Chosen::of(row, false));
        }
    }
    own.sort_by_key(|c| crs_rank(c.row.id));
    rows.extend(own);
    if rows.iter().any(|c| c.row.id == ActionId::Icu) {
        rows.retain(|c| c.row.id != ActionId::ConsiderIcu);
    }
}

/// The CRS step's corticosteroid beside the ICANS step's (docs/spec.md §3,
/// v4): none there, it is the CRS step's own; a weaker or equal one there
/// stays (every alternative of it) and serves both; a stronger CRS one takes
/// the place of the first and the others go.
fn merge_corticosteroid(row: &'static ActionRow, rows: &mut PlanRows, own: &mut PlanRows) {
    let icans = rows.iter().filter(|c| c.row.corticosteroid > 0 && !c.attributed);
    let Some(strongest) = icans.map(|c| c.row.corticosteroid).max() else {
        own.push(Chosen::of(row, false));
        return;
    };
    if row.corticosteroid > strongest {
        let mut replaced = false;
        rows.retain(|c| {
            if c.row.corticosteroid == 0 || c.attributed {
                return true;
            }
            if replaced {
                return false;
            }
            replaced = true;
            *c = Chosen {
                merged: Merged::Corticosteroid {
                    after_consider_dexamethasone: false,
                },
                crs_side: false,
                ..Chosen::of(row, false)
            };
            true
        });
    } else {
        for c in rows
            .iter_mut()
            .filter(|c| c.row.corticosteroid > 0 && !c.attributed)
        {
            c.merged = Merged::Corticosteroid {
                after_consider_dexamethasone: row.id == ActionId::ConsiderDexamethasone,
            };
        }
    }
}

/// The order of the CRS step's own actions after the ICANS step
/// (docs/spec.md §3, v4 "Order"); the corticosteroid has one place.
pub const CRS_ORDER: [&[ActionId]; 10] = [
    &[ActionId::Icu],
    &[ActionId::Tocilizumab],
    &[ActionId::Dexamethasone, ActionId::MethylprednisolonePulse],
    &[ActionId::ConfirmCrs],
    &[ActionId::ConsiderTocilizumab],
    &[ActionId::ConsiderDexamethasone],
    &[ActionId::EvaluateCause],
    &[ActionId::CrsFluidsOxygen],
    &[ActionId::CrsMonitoring],
    &[ActionId::CrsSupportiveCare],
];

/// Where an action stands in [`CRS_ORDER`].
fn crs_rank(id: ActionId) -> usize {
    CRS_ORDER
        .iter()
        .position(|ids| ids.contains(&id))
        .unwrap_or(CRS_ORDER.len())
}

/// What the summary says of the CRS: its own words when it cannot be ruled
/// out or is 0 only for want of fever, and that it was not assessed (at
/// every grade); at grade 2-4 that there is no concurrent CRS or it is a
/// lower bound (tocilizumab only with concurrent CRS); the overlap at grade
/// >= 3 with CRS grade >= 3.
fn crs_note(ctx: &Context) -> Option<Note> {
    let treated =
        (ctx.management.thresholds.crs_words_min_grade..=actions::MAX_ACTION_GRADE).contains(&ctx.grade);
    match ctx.crs {
        CrsState::NoFever { .. } | CrsState::NoFeverNotMasked { .. } | CrsState::CannotBeRuledOut { .. } => {
            Some(Note::Crs(ctx.crs))
        }
        // "CRS not assessed" at every grade 0-4 (docs/spec.md §3, v4).
        CrsState::NotAssessed => Some(Note::Crs(ctx.crs)),
        CrsState::Absent | CrsState::LowerBound if treated => Some(Note::Crs(ctx.crs)),
        CrsState::Active(crs)
            if ctx.grade >= ctx.management.thresholds.overlap_min_grade
                && crs >= ctx.management.thresholds.overlap_min_grade =>
        {
            Some(Note::Overlap {
                crs,
                icans: ctx.grade,
            })
        }
        _ => None,
    }
}

/// docs/spec.md §3 `reassess_hours`: none at death; urgent at grade >= 2,
/// with CRS (or CRS that cannot be ruled out, or is 0 only for want of a
/// recorded fever), a declining ICE or worsening CAPD, masked findings, or
/// an excluded finding that is still an emergency (focal edema too);
/// otherwise the grade-1 or grade-0 interval.
pub fn interval(ctx: &Context) -> Option<Interval> {
    if ctx.death().is_some() {
        return None;
    }
    let urgent = ctx.grade >= ctx.management.thresholds.urgent_reassess_min_grade
        || ctx.ice_unable_awake
        || ctx.crs.urgent()
        || ctx.worsening
        || !ctx.masked.is_empty()
        || ctx.excluded_emergencies().next().is_some();
    Some(match ctx.grade {
        _ if urgent => Interval::Urgent,
        1 => Interval::Grade1,
        _ => Interval::Grade0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(grade: u8) -> Context {
        Context::of_grade(grade, &crate::grading::CAR_T_MANAGEMENT)
    }

    fn with(grade: u8, d: Domain, g: u8) -> Context {
        let mut c = ctx(grade);
        c.domain_grades[d.index()] = Some(g);
        c
    }

    fn ids(p: &Plan) -> Vec<&'static str> {
        p.rows.iter().map(|c| c.row.key).collect()
    }

    /// A second management step, made for the test: one grade-1 row,
    /// steroids considered from 12 h,
    /// concurrent CRS active from CRS grade 2, no emergencies.
    static OTHER_STEP: Management = Management::new(
        "test step",
        "none",
        OTHER_ROWS,
        crate::grading::Thresholds {
            steroids_after_hours: 12.0,
            active_crs_min_grade: 2,
            ..crate::grading::criteria::car_t::THRESHOLDS
        },
        &[],
        &[],
        &[],
    );

    static OTHER_ROWS: &[ActionRow] = &[actions::row(
        1,
        ActionId::ConsiderCorticosteroids,
        When::PersistingOver24Hours,
        "Consider corticosteroids",
        "consider corticosteroids",
    )];

    /// The plan reads the table and the thresholds from the value it is
    /// given (issue 36): another step's rows and hours, not the CAR-T
    /// step's.
    #[test]
    fn the_plan_reads_the_rows_and_thresholds_of_its_management() {
        let car_t = Context {
            hours_since_onset: Some(13.0),
            crs: CrsState::Active(1),
            ..ctx(1)
        };
        assert_eq!(
            ids(&plan(&car_t)),
            [
                "ice_monitoring",
                "supportive_care",
                "tocilizumab",
                "crs_supportive_care"
            ]
        );
        let other = Context {
            management: &OTHER_STEP,
            ..car_t
        };
        assert_eq!(ids(&plan(&other)), ["consider_corticosteroids"]);
        assert!(!other.crs_active(), "CRS active from grade 2 in the other step");
        assert_eq!(
            OTHER_STEP.describe(When::PersistingOver24Hours).as_deref(),
            Some("only when hours_since_onset > 12")
        );
    }

    #[test]
    fn conditions_pick_rows() {
        assert_eq!(ids(&plan(&ctx(1))), ["ice_monitoring", "supportive_care"]);
        let c = Context {
            crs: CrsState::Active(1),
            hours_since_onset: Some(24.5),
            ..ctx(1)
        };
        assert_eq!(
            ids(&plan(&c)),
            [
                "ice_monitoring",
                "supportive_care",
                "consider_corticosteroids",
                "tocilizumab",
                "crs_supportive_care"
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
    fn grade_4_rows_follow_the_domains_emergencies_first() {
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
        assert_eq!(
            p[..2],
            ["antiseizure_therapy_status_epilepticus", "airway_protection"]
        );
        assert!(!p.contains(&"levetiracetam"));
        let mut seizure3 = with(4, Domain::Motor, 4);
        seizure3.domain_grades[Domain::Seizure.index()] = Some(3);
        let p = ids(&plan(&seizure3));
        assert_eq!(p[0], "antiseizure_therapy");
        assert!(!p.contains(&"levetiracetam") && !p.contains(&"airway_protection"));
        let edema = with(4, Domain::Edema, 4);
        assert_eq!(
            ids(&plan(&edema))[..3],
            ["airway_protection", "cerebral_edema_therapy", "icp_monitoring"]
        );
        let mut focal = with(4, Domain::Consciousness, 4);
        focal.domain_grades[Domain::Edema.index()] = Some(3);
        assert!(!ids(&plan(&focal)).contains(&"icp_monitoring"));
    }

    #[test]
    fn grade_3_keeps_prophylaxis_without_a_seizure() {
        let p = ids(&plan(&with(3, Domain::Consciousness, 3)));
        assert!(
            p.contains(&"levetiracetam") && !p.contains(&"antiseizure_therapy"),
            "{p:?}"
        );
        let p = ids(&plan(&with(3, Domain::Seizure, 3)));
        assert_eq!(p[0], "antiseizure_therapy");
        assert!(!p.contains(&"levetiracetam"), "{p:?}");
    }

    #[test]
    fn excluded_emergencies_are_treated_and_marked() {
        let mut c = with(1, Domain::Encephalopathy, 1);
        c.excluded_grades[Domain::Seizure.index()] = Some(4);
        let p = plan(&c);
        let chosen: Vec<(&str, bool)> = p.rows.iter().map(|c| (c.row.key, c.attributed)).collect();
        assert_eq!(
            chosen,
            [
                ("antiseizure_therapy_status_epilepticus", true),
                ("airway_protection", true),
                ("ice_monitoring", false),
                ("supportive_care", false),
                ("icu", true),
            ]
        );
        assert_eq!(p.interval, Some(Interval::Urgent));
        // Focal edema: a warning and urgent reassessment, no action.
        let mut focal = ctx(0);
        focal.excluded_grades[Domain::Edema.index()] = Some(3);
        assert_eq!(ids(&plan(&focal)), ["ice_screening"]);
        assert_eq!(interval(&focal), Some(Interval::Urgent));
    }

    #[test]
    fn death_has_no_step() {
        let icans = plan(&ctx(5));
        assert_eq!(
            (icans.rows.len(), icans.interval, icans.death),
            (0, None, Some(Death::Icans))
        );
        let crs = plan(&Context {
            crs: CrsState::Death,
            ..with(3, Domain::Seizure, 3)
        });
        assert_eq!(
            (crs.rows.len(), crs.interval, crs.death),
            (0, None, Some(Death::Crs))
        );
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
        for crs in [
            CrsState::Active(1),
            CrsState::CannotBeRuledOut { with_fever: 2 },
            CrsState::NoFever { with_fever: 3 },
        ] {
            assert_eq!(
                interval(&Context { crs, ..ctx(0) }),
                Some(Interval::Urgent),
                "{crs:?}"
            );
        }
        for crs in [CrsState::Absent, CrsState::LowerBound, CrsState::NotAssessed] {
            assert_eq!(
                interval(&Context { crs, ..ctx(1) }),
                Some(Interval::Grade1),
                "{crs:?}"
            );
        }
        let masked = Context {
            masked: [Domain::Consciousness].into_iter().collect(),
            ..ctx(0)
        };
        assert_eq!(interval(&masked), Some(Interval::Urgent));
    }

    #[test]
    fn notes() {
        assert_eq!(plan(&ctx(1)).notes[..], [Note::Crs(CrsState::NotAssessed)]);
        let none = Context {
            crs: CrsState::Absent,
            ..ctx(1)
        };
        assert_eq!(plan(&none).notes[..], []);
        assert_eq!(plan(&ctx(2)).notes[..], [Note::Crs(CrsState::NotAssessed)]);
        let absent = Context {
            crs: CrsState::Absent,
            ..ctx(2)
        };
        assert_eq!(plan(&absent).notes[..], [Note::Crs(CrsState::Absent)]);
        assert_eq!(plan(&ctx(5)).notes[..], []);
        let overlap = Context {
            crs: CrsState::Active(3),
            ..ctx(3)
        };
        assert_eq!(plan(&overlap).notes[..], [Note::Overlap { crs: 3, icans: 3 }]);
        let crs2 = Context {
            crs: CrsState::Active(2),
            ..ctx(4)
        };
        assert_eq!(plan(&crs2).notes[..], []);
        let unruled = Context {
            crs: CrsState::CannotBeRuledOut { with_fever: 4 },
            ..ctx(0)
        };
        let p = plan(&unruled);
        assert_eq!(p.notes[..], [Note::Crs(unruled.crs)]);
        // Shock without a recorded fever: ICU whatever the cause, and its cause looked for.
        assert_eq!(ids(&p), ["ice_screening", "confirm_crs", "icu", "evaluate_cause"]);
    }

    /// `shows_dose` reads the same rows as `plan`: equal on every grade,
    /// ICANS assessed or not, every seizure and edema finding counted or
    /// excluded, every CRS state.
    #[test]
    fn shows_dose_is_what_the_plan_shows() {
        let states = [
            CrsState::NotAssessed,
            CrsState::Absent,
            CrsState::LowerBound,
            CrsState::NoFever { with_fever: 2 },
            CrsState::NoFeverNotMasked { with_fever: 3 },
            CrsState::CannotBeRuledOut { with_fever: 3 },
            CrsState::Active(1),
            CrsState::Active(2),
            CrsState::Active(3),
            CrsState::Active(4),
            CrsState::Death,
        ];
        let mut checked = 0;
        for grade in 0..=5 {
            for assessed in [true, false] {
                for seizure in [None, Some(0), Some(3), Some(4)] {
                    for edema in [None, Some(0), Some(3), Some(4)] {
                        for excluded in [false, true] {
                            for crs in states {
                                let mut c = Context {
                                    crs,
                                    icans_assessed: assessed,
                                    ..ctx(grade)
                                };
                                let slot = if excluded {
                                    &mut c.excluded_grades
                                } else {
                                    &mut c.domain_grades
                                };
                                slot[Domain::Seizure.index()] = seizure;
                                slot[Domain::Edema.index()] = edema;
                                assert_eq!(shows_dose(&c), plan(&c).shows_dose(), "{c:?}");
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 6 * 2 * 4 * 4 * 2 * 11);
    }

    #[test]
    fn icu_is_considered_at_grade_2_with_crs_grade_2() {
        // From CRS grade 3 the CRS step's ICU is shown, and consider_icu goes.
        for (crs, consider, icu) in [
            (1, false, false),
            (2, true, false),
            (3, false, true),
            (4, false, true),
        ] {
            let c = Context {
                crs: CrsState::Active(crs),
                ..ctx(2)
            };
            let p = ids(&plan(&c));
            assert_eq!(p.contains(&"consider_icu"), consider, "CRS {crs}");
            assert_eq!(p.contains(&"icu"), icu, "CRS {crs}");
        }
        // CRS that cannot be ruled out and would be grade 2 with fever.
        let unruled = Context {
            crs: CrsState::CannotBeRuledOut { with_fever: 2 },
            ..ctx(2)
        };
        assert!(ids(&plan(&unruled)).contains(&"consider_icu"));
    }
}
