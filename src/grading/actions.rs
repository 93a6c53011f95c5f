//! The management action table (docs/spec.md §3), as data: one row per
//! action and grade, with the condition under which it applies, its
//! built-in text (knowledge page "Management Algorithm") and the brief
//! words the summary sentence uses. Which rows apply is decided by
//! [`plan`](super::plan::plan); their texts and hours come from the
//! [`Protocol`](super::Protocol).

use serde::Serialize;

use super::rules::{ACTIVE_CRS_MIN_GRADE, STEROIDS_AFTER_HOURS};

/// Stable action ids (docs/spec.md §3): scripts key on them.
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

/// When a row of the table applies (docs/spec.md §3 conditions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Always at this grade.
    Always,
    /// Only with concurrent CRS (`crs_grade` >= [`ACTIVE_CRS_MIN_GRADE`]).
    ConcurrentCrs,
    /// Only when `hours_since_onset` > [`STEROIDS_AFTER_HOURS`].
    PersistingOver24Hours,
    /// Only when `steroid_refractory` is true.
    SteroidRefractory,
    /// Only when the edema domain is graded above 0.
    CerebralEdema,
}

impl When {
    /// The condition in words, with the thresholds of `rules.rs`; `None`
    /// for [`When::Always`].
    pub fn describe(self) -> Option<String> {
        match self {
            When::Always => None,
            When::ConcurrentCrs => Some(format!(
                "only with concurrent CRS (crs_grade >= {ACTIVE_CRS_MIN_GRADE})"
            )),
            When::PersistingOver24Hours => {
                Some(format!("only when hours_since_onset > {STEROIDS_AFTER_HOURS}"))
            }
            When::SteroidRefractory => Some("only when steroid_refractory".into()),
            When::CerebralEdema => Some("only when the edema domain is graded above 0".into()),
        }
    }
}

/// One row of the action table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionRow {
    /// The ICANS grade the row belongs to (0-4).
    pub grade: u8,
    /// The stable id.
    pub id: ActionId,
    /// When it applies.
    pub when: When,
    /// The built-in text, with dose, from the knowledge page.
    pub text: &'static str,
    /// The action in a few words for the summary sentence; empty when the
    /// summary leaves it out (an alternative to another row).
    pub brief: &'static str,
}

const fn row(grade: u8, id: ActionId, when: When, text: &'static str, brief: &'static str) -> ActionRow {
    ActionRow {
        grade,
        id,
        when,
        text,
        brief,
    }
}

/// Tocilizumab treats the concurrent CRS, never ICANS itself.
const TOCILIZUMAB_TEXT: &str = "Tocilizumab for the concurrent CRS (treats CRS; does not treat ICANS)";
const TOCILIZUMAB_BRIEF: &str = "tocilizumab for the concurrent CRS";

use ActionId as A;
use When as W;

/// The action table (docs/spec.md §3; knowledge page "Management
/// Algorithm"): rows labelled by grade, in the order results list them.
pub const ACTIONS: &[ActionRow] = &[
    row(
        0,
        A::IceScreening,
        W::Always,
        "ICE screening every 8-12 h during the at-risk period (day 0-10); every 4 h if ICE declining or CRS active",
        "continue ICE screening",
    ),
    row(
        1,
        A::IceMonitoring,
        W::Always,
        "Close monitoring: ICE q8h (q4h if ICE declining or CRS active)",
        "close monitoring",
    ),
    row(
        1,
        A::SupportiveCare,
        W::Always,
        "Supportive care",
        "supportive care",
    ),
    row(
        1,
        A::Tocilizumab,
        W::ConcurrentCrs,
        TOCILIZUMAB_TEXT,
        TOCILIZUMAB_BRIEF,
    ),
    row(
        1,
        A::ConsiderCorticosteroids,
        W::PersistingOver24Hours,
        "Consider corticosteroids: ICANS persisting > 24 h",
        "consider corticosteroids",
    ),
    row(
        2,
        A::Dexamethasone,
        W::Always,
        "Corticosteroids: dexamethasone 10 mg IV q6-12h",
        "corticosteroids (dexamethasone)",
    ),
    row(
        2,
        A::Levetiracetam,
        W::Always,
        "Seizure prophylaxis: levetiracetam 500-750 mg BID",
        "seizure prophylaxis",
    ),
    row(
        2,
        A::NeurologyConsult,
        W::Always,
        "Neurology consult",
        "neurology consult",
    ),
    row(2, A::Eeg, W::Always, "EEG monitoring", "EEG"),
    row(
        2,
        A::Tocilizumab,
        W::ConcurrentCrs,
        TOCILIZUMAB_TEXT,
        TOCILIZUMAB_BRIEF,
    ),
    row(
        3,
        A::Dexamethasone,
        W::Always,
        "High-dose corticosteroids: dexamethasone 10 mg IV q6h",
        "high-dose corticosteroids",
    ),
    row(
        3,
        A::Methylprednisolone,
        W::Always,
        "Or, instead of dexamethasone: methylprednisolone 1 mg/kg IV q12h",
        "",
    ),
    row(
        3,
        A::AntiseizureTherapy,
        W::Always,
        "Anti-seizure management",
        "anti-seizure management",
    ),
    row(3, A::Icu, W::Always, "ICU admission", "ICU admission"),
    row(3, A::MriBrain, W::Always, "Neuro-imaging: MRI brain", "MRI brain"),
    row(
        3,
        A::ConsiderAnakinra,
        W::SteroidRefractory,
        "Consider anakinra: refractory to corticosteroids",
        "consider anakinra",
    ),
    row(
        3,
        A::Tocilizumab,
        W::ConcurrentCrs,
        TOCILIZUMAB_TEXT,
        TOCILIZUMAB_BRIEF,
    ),
    row(
        4,
        A::MethylprednisolonePulse,
        W::Always,
        "Pulse methylprednisolone 1-2 g IV",
        "pulse methylprednisolone",
    ),
    row(
        4,
        A::Icu,
        W::Always,
        "ICU with neuro-critical care",
        "ICU with neuro-critical care",
    ),
    row(
        4,
        A::AirwayProtection,
        W::Always,
        "Intubation for airway protection",
        "airway protection",
    ),
    row(
        4,
        A::ConsiderAdditionalImmunosuppression,
        W::Always,
        "Consider additional immunosuppression",
        "consider additional immunosuppression",
    ),
    row(
        4,
        A::IcpMonitoring,
        W::CerebralEdema,
        "ICP monitoring (cerebral edema)",
        "ICP monitoring",
    ),
    row(
        4,
        A::Tocilizumab,
        W::ConcurrentCrs,
        TOCILIZUMAB_TEXT,
        TOCILIZUMAB_BRIEF,
    ),
];

/// Highest grade with management actions (grade 5 has none).
pub const MAX_ACTION_GRADE: u8 = 4;

/// The rows of one grade, in table order.
pub fn of_grade(grade: u8) -> impl Iterator<Item = &'static ActionRow> {
    ACTIONS.iter().filter(move |r| r.grade == grade)
}

/// The row of an action at a grade, when the action belongs to that grade.
pub fn find(grade: u8, id: ActionId) -> Option<&'static ActionRow> {
    of_grade(grade).find(|r| r.id == id)
}

/// The action ids of a grade, comma separated, for messages.
pub fn names(grade: u8) -> String {
    of_grade(grade)
        .map(|r| r.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The action table as Markdown (docs/spec.md §3 is kept to it by a
/// test): grade, id, condition, built-in text.
pub fn markdown_table() -> String {
    let mut out = String::from("| grade | id | when | built-in text |\n|---|---|---|---|\n");
    for r in ACTIONS {
        let when = r.when.describe().unwrap_or_else(|| "always".into());
        out.push_str(&format!(
            "| {} | `{}` | {when} | {} |\n",
            r.grade,
            r.id.as_str(),
            r.text
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_grade_has_its_rows_in_order_and_no_action_twice() {
        let ids = |g| of_grade(g).map(|r| r.id.as_str()).collect::<Vec<_>>();
        assert_eq!(ids(0), ["ice_screening"]);
        assert_eq!(
            ids(2),
            [
                "dexamethasone",
                "levetiracetam",
                "neurology_consult",
                "eeg",
                "tocilizumab"
            ]
        );
        assert!(ids(5).is_empty());
        for g in 0..=MAX_ACTION_GRADE {
            let mut v = ids(g);
            let n = v.len();
            v.sort_unstable();
            v.dedup();
            assert_eq!(v.len(), n, "grade {g}");
        }
    }

    #[test]
    fn tocilizumab_is_only_ever_conditional_on_concurrent_crs() {
        for r in ACTIONS.iter().filter(|r| r.id == ActionId::Tocilizumab) {
            assert_eq!(r.when, When::ConcurrentCrs);
        }
        assert!(find(0, ActionId::Tocilizumab).is_none());
    }

    #[test]
    fn conditions_name_the_thresholds_of_the_rules() {
        assert_eq!(
            When::ConcurrentCrs.describe().as_deref(),
            Some("only with concurrent CRS (crs_grade >= 1)")
        );
        assert_eq!(
            When::PersistingOver24Hours.describe().as_deref(),
            Some("only when hours_since_onset > 24")
        );
        assert_eq!(When::Always.describe(), None);
    }

    #[test]
    fn every_id_round_trips() {
        for id in ActionId::ALL {
            assert_eq!(ActionId::from_wire(id.as_str()), Some(id));
        }
    }
}
