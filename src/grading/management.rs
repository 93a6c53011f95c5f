//! The management step (contract §3, from the knowledge page's "Management
//! Algorithm"): an action table per grade, the reassessment interval and the
//! summary line. Texts and doses come from the knowledge page only.

use std::borrow::Cow;

use serde::Serialize;

use super::protocol::Protocol;
use super::rules::{ACTIVE_CRS_MIN_GRADE, OVERLAP_MIN_GRADE, STEROIDS_AFTER_HOURS};

/// Stable action ids (contract §3): scripts key on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionId {
    /// ICE screening through the at-risk period.
    IceScreening,
    /// Close monitoring with ICE.
    IceMonitoring,
    /// Supportive care.
    SupportiveCare,
    /// Tocilizumab for concurrent CRS (never for ICANS alone).
    Tocilizumab,
    /// Consider corticosteroids (grade 1 persisting > 24 h).
    ConsiderCorticosteroids,
    /// Dexamethasone.
    Dexamethasone,
    /// Levetiracetam seizure prophylaxis.
    Levetiracetam,
    /// Neurology consult.
    NeurologyConsult,
    /// EEG monitoring.
    Eeg,
    /// Methylprednisolone (grade 3 alternative to dexamethasone).
    Methylprednisolone,
    /// Anti-seizure management.
    AntiseizureTherapy,
    /// ICU admission.
    Icu,
    /// Neuro-imaging: MRI brain.
    MriBrain,
    /// Consider anakinra when steroid-refractory.
    ConsiderAnakinra,
    /// Pulse methylprednisolone.
    MethylprednisolonePulse,
    /// Intubation for airway protection.
    AirwayProtection,
    /// Consider additional immunosuppression.
    ConsiderAdditionalImmunosuppression,
    /// ICP monitoring when there is cerebral edema.
    IcpMonitoring,
}

impl ActionId {
    /// Every action id.
    pub const ALL: [ActionId; 18] = [
        ActionId::IceScreening,
        ActionId::IceMonitoring,
        ActionId::SupportiveCare,
        ActionId::Tocilizumab,
        ActionId::ConsiderCorticosteroids,
        ActionId::Dexamethasone,
        ActionId::Levetiracetam,
        ActionId::NeurologyConsult,
        ActionId::Eeg,
        ActionId::Methylprednisolone,
        ActionId::AntiseizureTherapy,
        ActionId::Icu,
        ActionId::MriBrain,
        ActionId::ConsiderAnakinra,
        ActionId::MethylprednisolonePulse,
        ActionId::AirwayProtection,
        ActionId::ConsiderAdditionalImmunosuppression,
        ActionId::IcpMonitoring,
    ];

    /// Parses a contract action id.
    pub fn from_wire(s: &str) -> Option<ActionId> {
        ActionId::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The contract's id string.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionId::IceScreening => "ice_screening",
            ActionId::IceMonitoring => "ice_monitoring",
            ActionId::SupportiveCare => "supportive_care",
            ActionId::Tocilizumab => "tocilizumab",
            ActionId::ConsiderCorticosteroids => "consider_corticosteroids",
            ActionId::Dexamethasone => "dexamethasone",
            ActionId::Levetiracetam => "levetiracetam",
            ActionId::NeurologyConsult => "neurology_consult",
            ActionId::Eeg => "eeg",
            ActionId::Methylprednisolone => "methylprednisolone",
            ActionId::AntiseizureTherapy => "antiseizure_therapy",
            ActionId::Icu => "icu",
            ActionId::MriBrain => "mri_brain",
            ActionId::ConsiderAnakinra => "consider_anakinra",
            ActionId::MethylprednisolonePulse => "methylprednisolone_pulse",
            ActionId::AirwayProtection => "airway_protection",
            ActionId::ConsiderAdditionalImmunosuppression => "consider_additional_immunosuppression",
            ActionId::IcpMonitoring => "icp_monitoring",
        }
    }
}

/// When an action of the table applies (contract §3 conditions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Always at this grade.
    Always,
    /// Only with concurrent CRS (`crs_grade` >= 1).
    ConcurrentCrs,
    /// Only when `hours_since_onset` > 24.
    PersistingOver24Hours,
    /// Only when `steroid_refractory` is true.
    SteroidRefractory,
    /// Only when the edema domain is graded above 0.
    CerebralEdema,
}

/// One row of the action table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionRule {
    /// The stable id.
    pub id: ActionId,
    /// When it applies.
    pub when: When,
    /// The text, with dose, from the knowledge page.
    pub text: &'static str,
}

const fn rule(id: ActionId, when: When, text: &'static str) -> ActionRule {
    ActionRule { id, when, text }
}

/// Tocilizumab treats the concurrent CRS, never ICANS itself.
const TOCILIZUMAB: ActionRule = rule(
    ActionId::Tocilizumab,
    When::ConcurrentCrs,
    "Tocilizumab for the concurrent CRS (treats CRS; does not treat ICANS)",
);

/// The action table, indexed by ICANS grade 0-4 (grade 5: none), in the
/// contract's order (contract §3; knowledge page "Management Algorithm").
pub const ACTION_TABLE: [&[ActionRule]; 5] = [
    &[rule(
        ActionId::IceScreening,
        When::Always,
        "ICE screening every 8-12 h during the at-risk period (day 0-10); every 4 h if ICE declining or CRS active",
    )],
    &[
        rule(
            ActionId::IceMonitoring,
            When::Always,
            "Close monitoring: ICE q8h (q4h if ICE declining or CRS active)",
        ),
        rule(ActionId::SupportiveCare, When::Always, "Supportive care"),
        TOCILIZUMAB,
        rule(
            ActionId::ConsiderCorticosteroids,
            When::PersistingOver24Hours,
            "Consider corticosteroids: ICANS persisting > 24 h",
        ),
    ],
    &[
        rule(
            ActionId::Dexamethasone,
            When::Always,
            "Corticosteroids: dexamethasone 10 mg IV q6-12h",
        ),
        rule(
            ActionId::Levetiracetam,
            When::Always,
            "Seizure prophylaxis: levetiracetam 500-750 mg BID",
        ),
        rule(ActionId::NeurologyConsult, When::Always, "Neurology consult"),
        rule(ActionId::Eeg, When::Always, "EEG monitoring"),
        TOCILIZUMAB,
    ],
    &[
        rule(
            ActionId::Dexamethasone,
            When::Always,
            "High-dose corticosteroids: dexamethasone 10 mg IV q6h",
        ),
        rule(
            ActionId::Methylprednisolone,
            When::Always,
            "Or, instead of dexamethasone: methylprednisolone 1 mg/kg IV q12h",
        ),
        rule(
            ActionId::AntiseizureTherapy,
            When::Always,
            "Anti-seizure management",
        ),
        rule(ActionId::Icu, When::Always, "ICU admission"),
        rule(ActionId::MriBrain, When::Always, "Neuro-imaging: MRI brain"),
        rule(
            ActionId::ConsiderAnakinra,
            When::SteroidRefractory,
            "Consider anakinra: refractory to corticosteroids",
        ),
        TOCILIZUMAB,
    ],
    &[
        rule(
            ActionId::MethylprednisolonePulse,
            When::Always,
            "Pulse methylprednisolone 1-2 g IV",
        ),
        rule(ActionId::Icu, When::Always, "ICU with neuro-critical care"),
        rule(
            ActionId::AirwayProtection,
            When::Always,
            "Intubation for airway protection",
        ),
        rule(
            ActionId::ConsiderAdditionalImmunosuppression,
            When::Always,
            "Consider additional immunosuppression",
        ),
        rule(
            ActionId::IcpMonitoring,
            When::CerebralEdema,
            "ICP monitoring (cerebral edema)",
        ),
        TOCILIZUMAB,
    ],
];

/// Reassessment intervals in hours (contract §3 `reassess_hours`); a
/// protocol may set its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Intervals {
    /// At grade 2 or more, with active CRS, or with ICE declining.
    pub urgent: u8,
    /// Otherwise at grade 0.
    pub grade_0: u8,
    /// Otherwise at grade 1.
    pub grade_1: u8,
}

/// The contract's intervals: 4 h when ICANS is grade 2 or more, CRS is
/// active or ICE is declining (page: "every 4 hours if ICE score declining
/// or CRS active"); otherwise 12 h at grade 0 (ICE every 8-12 h through day
/// 10) and 8 h at grade 1 (ICE q8h).
pub const BUILTIN_INTERVALS: Intervals = Intervals {
    urgent: 4,
    grade_0: 12,
    grade_1: 8,
};

/// The facts the conditions of the action table and the interval read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Context {
    /// The ICANS grade, 0-5.
    pub grade: u8,
    /// `crs_grade`, 0 when absent.
    pub crs_grade: u8,
    /// `hours_since_onset`, when recorded.
    pub hours_since_onset: Option<f64>,
    /// `steroid_refractory` is true.
    pub steroid_refractory: bool,
    /// The edema domain is graded above 0.
    pub cerebral_edema: bool,
    /// The ICE total is below `previous_ice_total`.
    pub ice_declining: bool,
}

impl Context {
    fn crs_active(&self) -> bool {
        self.crs_grade >= ACTIVE_CRS_MIN_GRADE
    }

    fn holds(&self, when: When) -> bool {
        match when {
            When::Always => true,
            When::ConcurrentCrs => self.crs_active(),
            When::PersistingOver24Hours => self.hours_since_onset.is_some_and(|h| h > STEROIDS_AFTER_HOURS),
            When::SteroidRefractory => self.steroid_refractory,
            When::CerebralEdema => self.cerebral_edema,
        }
    }
}

/// One management action of a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Action {
    /// The stable id.
    pub id: ActionId,
    /// What to do, with dose.
    pub text: Cow<'static, str>,
}

/// The management step of a result (contract §4 `management`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Management {
    /// One or two sentences a clinician reads first.
    pub summary: String,
    /// The actions, in table order.
    pub actions: Vec<Action>,
    /// Hours until the next ICE assessment; `None` at grade 5.
    pub reassess_hours: Option<u8>,
}

/// The management step for a grade in its context (contract §3), with the
/// action texts and intervals of `protocol`. Which actions apply, and when,
/// is the table's alone: a protocol changes words and hours, never rules.
pub fn plan(ctx: &Context, protocol: &Protocol, lower_bound_note: Option<&str>) -> Management {
    let actions = ACTION_TABLE
        .get(usize::from(ctx.grade))
        .copied()
        .unwrap_or(&[])
        .iter()
        .filter(|r| ctx.holds(r.when))
        .map(|r| Action {
            id: r.id,
            text: protocol.text(ctx.grade, r),
        })
        .collect();
    Management {
        summary: summary(ctx, lower_bound_note),
        actions,
        reassess_hours: reassess_hours(ctx, &protocol.intervals),
    }
}

/// Contract §3 `reassess_hours`: null at grade 5; the urgent interval (4 h)
/// with CRS, a declining ICE or grade >= 2; otherwise the grade-1 (8 h) or
/// grade-0 (12 h) interval.
pub fn reassess_hours(ctx: &Context, intervals: &Intervals) -> Option<u8> {
    match ctx.grade {
        5.. => None,
        g if g >= 2 || ctx.crs_active() || ctx.ice_declining => Some(intervals.urgent),
        1 => Some(intervals.grade_1),
        _ => Some(intervals.grade_0),
    }
}

/// The headline step per grade, from the knowledge page's algorithm.
const HEADLINES: [&str; 6] = [
    "No ICANS: continue ICE screening.",
    "Grade 1 ICANS: close monitoring and supportive care.",
    "Grade 2 ICANS: corticosteroids (dexamethasone), seizure prophylaxis, neurology consult and EEG.",
    "Grade 3 ICANS: high-dose corticosteroids, anti-seizure management, ICU admission and MRI brain.",
    "Grade 4 ICANS: pulse methylprednisolone, ICU with neuro-critical care, airway protection.",
    "Grade 5: death attributed to ICANS.",
];

fn summary(ctx: &Context, lower_bound_note: Option<&str>) -> String {
    let mut s = String::from(HEADLINES[usize::from(ctx.grade.min(5))]);
    if (1..=4).contains(&ctx.grade) && ctx.crs_active() {
        s.push_str(" Tocilizumab for the concurrent CRS.");
    }
    if (2..=4).contains(&ctx.grade) && !ctx.crs_active() {
        s.push_str(
            " No concurrent CRS: tocilizumab is not indicated (it does not treat ICANS and may raise free IL-6).",
        );
    }
    if ctx.grade >= OVERLAP_MIN_GRADE && ctx.grade <= 4 && ctx.crs_grade >= OVERLAP_MIN_GRADE {
        s.push_str(&format!(
            " CRS/ICANS overlap (CRS grade {}, ICANS grade {}): combined tocilizumab plus corticosteroid approach.",
            ctx.crs_grade, ctx.grade
        ));
    }
    if let Some(note) = lower_bound_note {
        s.push(' ');
        s.push_str(note);
    }
    s
}
