//! The management step proposed with ASTCT 2019 grading for CAR-T
//! products (docs/spec.md §3): the ICANS step by grade (knowledge page
//! "Management Algorithm"; ASCO guideline for what carries over between
//! grades, status epilepticus, cerebral edema, tapers and routes), the CRS
//! step by CRS grade (ASCO 2021 CRS table), the children's texts and doses
//! (docs/spec.md §6), and the thresholds its conditions read. One value,
//! [`CAR_T_MANAGEMENT`]; a product with its own management is another
//! file like this one (docs/architecture.md "How to add").

use super::super::actions::{
    ActionId, ActionRow, Cap, Dose, Per, Step, Thresholds, When, crs_row, row, strength,
};
use super::super::domain::Domain;
use super::management::{ExcludedEmergency, Management};

/// The thresholds the conditions, the interval and the notes read
/// (docs/spec.md §3).
pub const THRESHOLDS: Thresholds = Thresholds {
    active_crs_min_grade: 1,
    urgent_reassess_min_grade: 2,
    overlap_min_grade: 3,
    crs_words_min_grade: 2,
    steroids_after_hours: 24.0,
    excluded_emergency_min_grade: 3,
    icu_with_crs_min_grade: 2,
    crs_unruled_min_organ_grade: 2,
    shock_min_organ_grade: 3,
    antiseizure_min_seizure_grade: 3,
    status_epilepticus_grade: 4,
    life_threatening_domain_grade: 4,
};

/// The management step for CAR-T products, as the plan reads it.
pub static CAR_T_MANAGEMENT: Management = Management::new(
    "CAR-T (knowledge page, ASCO 2021)",
    "knowledge page \"Management Algorithm\"; Santomasso et al., J Clin Oncol 2021;39:3978-92; Mahadeo et al., Nat Rev Clin Oncol 2019;16:45-63; tocilizumab prescribing information",
    ACTIONS,
    THRESHOLDS,
    &EMERGENCY_ORDER,
    &[ActionId::ExamineNow],
    EXCLUDED_EMERGENCIES,
);

/// The actions of an active emergency, listed first wherever they appear
/// (docs/spec.md §3 "Order"), in this order; the others follow in table
/// order, `examine_now` right after the emergencies (docs/spec.md §2, v4).
pub const EMERGENCY_ORDER: [ActionId; 4] = [
    ActionId::AntiseizureTherapy,
    ActionId::AirwayProtection,
    ActionId::CerebralEdemaTherapy,
    ActionId::IcpMonitoring,
];

/// What a finding attributed to another cause still gets when it is an
/// emergency (docs/spec.md §3 "Excluded but still an emergency"): the
/// actions of the grade it would have, for a seizure graded >= 3 or edema
/// graded 4. Focal edema (3) gets a warning only.
const EXCLUDED_EMERGENCIES: &[ExcludedEmergency] = &[
    (
        Domain::Seizure,
        THRESHOLDS.status_epilepticus_grade,
        &[
            ActionId::AntiseizureTherapy,
            ActionId::Icu,
            ActionId::AirwayProtection,
        ],
    ),
    (
        Domain::Seizure,
        THRESHOLDS.antiseizure_min_seizure_grade,
        &[ActionId::AntiseizureTherapy],
    ),
    (
        Domain::Edema,
        THRESHOLDS.life_threatening_domain_grade,
        &[
            ActionId::Icu,
            ActionId::AirwayProtection,
            ActionId::IcpMonitoring,
            ActionId::CerebralEdemaTherapy,
        ],
    ),
];

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

/// Tocilizumab for the CRS (prescribing information): per kg for adults
/// and children alike.
const TOCILIZUMAB_DOSE: Dose = Dose {
    mg_per_kg: TOCILIZUMAB_MG_PER_KG,
    max: Some(Cap {
        mg: TOCILIZUMAB_MAX_MG,
        per: Per::Dose,
    }),
    small: Some((TOCILIZUMAB_SMALL_UNDER_KG, TOCILIZUMAB_SMALL_MG_PER_KG)),
};
const METHYLPREDNISOLONE_DOSE: Dose = Dose {
    mg_per_kg: METHYLPREDNISOLONE_MG_PER_KG,
    max: None,
    small: None,
};
const CHILD_PULSE_DOSE: Dose = Dose {
    mg_per_kg: CHILD_PULSE_MG_PER_KG,
    max: Some(Cap {
        mg: CHILD_PULSE_MAX_MG,
        per: Per::Day,
    }),
    small: None,
};

/// Tocilizumab treats the concurrent CRS, never ICANS itself; repeats and
/// limits from the prescribing information and the ASCO guideline
/// (docs/spec.md §3 "Texts completed").
const fn tocilizumab(grade: u8) -> ActionRow {
    row(
        grade,
        ActionId::Tocilizumab,
        When::ConcurrentCrs,
        "Tocilizumab {dose} IV over 1 h for the concurrent CRS (treats CRS; does not treat ICANS); may repeat at least 8 h after the previous dose if no improvement; at most 3 doses in 24 h and 4 in total, counting doses already given; caution with repeat doses in ICANS (consider adding corticosteroids)",
        "tocilizumab for the concurrent CRS",
    )
    .dosed(TOCILIZUMAB_DOSE)
}

/// CRS cannot be ruled out: the temperature decides (docs/spec.md §3 "CRS
/// words"). Names the tocilizumab dose, orders nothing.
const fn confirm_crs(grade: u8) -> ActionRow {
    row(
        grade,
        ActionId::ConfirmCrs,
        When::CrsCannotBeRuledOut,
        "Confirm CRS: record the temperature (or fever_masked, if an antipyretic, tocilizumab or a corticosteroid was given); if CRS is confirmed, tocilizumab {dose} IV over 1 h applies for the CRS (it does not treat ICANS)",
        "confirm CRS (record the temperature)",
    )
    .naming_dose(TOCILIZUMAB_DOSE)
}

/// ICE not performed while awake: an awake patient unable to do the ICE may
/// have global aphasia (ICE 0 awake: grade 3, Lee 2019); first after any
/// emergency (docs/spec.md §2, v4).
const fn examine_now(grade: u8) -> ActionRow {
    row(
        grade,
        ActionId::ExamineNow,
        When::IceUnableAwake,
        "Examine now: if unable to speak or follow commands, record ice_total 0 (grade 3) and treat; if unarousable, grade 4",
        "examine now",
    )
}

/// Tocilizumab in the CRS step (ASCO 2021; the v3 text and dose rules).
const fn crs_tocilizumab(grade: u8) -> ActionRow {
    ActionRow {
        step: Step::Crs,
        ..tocilizumab(grade)
    }
}

/// The CRS step's supportive care, at every CRS grade.
const fn crs_supportive_care(grade: u8) -> ActionRow {
    crs_row(
        grade,
        ActionId::CrsSupportiveCare,
        When::Always,
        CRS_SUPPORTIVE_CARE,
        "CRS supportive care",
    )
}

/// Fluids and oxygen, from CRS grade 2; a child's bolus weight-based.
const fn crs_fluids_oxygen(grade: u8) -> ActionRow {
    crs_row(
        grade,
        ActionId::CrsFluidsOxygen,
        When::Always,
        CRS_FLUIDS_OXYGEN,
        "fluids and oxygen",
    )
    .for_children(CRS_FLUIDS_OXYGEN_CHILD, None)
}

/// Telemetry and pulse oximetry, from CRS grade 2.
const fn crs_monitoring(grade: u8) -> ActionRow {
    crs_row(
        grade,
        ActionId::CrsMonitoring,
        When::Always,
        CRS_MONITORING,
        "cardiac and oxygen monitoring",
    )
}

/// The CRS step's supportive care at every CRS grade (ASCO 2021; IEC-HS,
/// Hines et al. 2023).
const CRS_SUPPORTIVE_CARE: &str = "CRS supportive care: antipyretics, IV hydration, symptomatic care; work-up for infection (blood and urine cultures, chest radiograph); empiric broad-spectrum antibiotics if neutropenic, per the neutropenic fever protocol; if CRS lasts beyond 7 days, or ferritin rises with cytopenias, evaluate for IEC-HS (Hines et al. 2023)";
/// Fluids and oxygen from CRS grade 2 (ASCO 2021).
const CRS_FLUIDS_OXYGEN: &str = "IV fluid bolus for hypotension (adult 500-1,000 mL normal saline, may repeat once; child weight-based per local protocol); supplemental oxygen for hypoxia; if hypotension persists after fluids and tocilizumab: vasopressor and ICU";
/// The same for a child: no adult volume (docs/spec.md §5: an amount in mL
/// is an adult absolute dose).
const CRS_FLUIDS_OXYGEN_CHILD: &str = "IV fluid bolus for hypotension (weight-based per local protocol; the adult volume does not apply); supplemental oxygen for hypoxia; if hypotension persists after fluids and tocilizumab: vasopressor and ICU";
/// Monitoring from CRS grade 2 (ASCO 2021).
const CRS_MONITORING: &str = "Continuous cardiac telemetry and pulse oximetry";
/// The child's pulse (docs/spec.md §6), at ICANS grade 4.
const CHILD_PULSE: &str = "Pulse methylprednisolone {dose} IV daily for 3 days, then taper";

/// Anti-seizure therapy for a seizure graded 3 (ASCO 2021).
const ANTISEIZURE_SEIZURE: &str = "Anti-seizure therapy: levetiracetam loading; a benzodiazepine if a seizure recurs, per the seizure protocol (doses per local protocol)";
/// Anti-seizure therapy for status epilepticus, a seizure graded 4 (ASCO 2021).
const ANTISEIZURE_STATUS_EPILEPTICUS: &str = "Status epilepticus: benzodiazepine for the active seizure, then levetiracetam loading, per the status epilepticus protocol (doses per local protocol)";
/// Dexamethasone for a child: no adult dose, and the taper every
/// corticosteroid text carries (ASCO 2021).
const DEXAMETHASONE_CHILD: &str = "Corticosteroids: dexamethasone, weight-based paediatric dose per local protocol (the adult dose does not apply), until improvement to grade 1, then taper";
const LEVETIRACETAM_CHILD: &str = "Seizure prophylaxis: levetiracetam, weight-based paediatric dose per local protocol (the adult dose does not apply), IV or PO (IV if swallowing is impaired)";
const LEVETIRACETAM_ADULT: &str =
    "Seizure prophylaxis: levetiracetam 500-750 mg BID, IV or PO (IV if swallowing is impaired)";
/// Said beside an adult dexamethasone dose when the age is not recorded
/// (docs/spec.md §3, v4).
pub const DEXAMETHASONE_AGE_UNKNOWN_NOTE: &str = "(if under 18: weight-based dose)";
/// Said beside the adult pulse when the weight is implausible for the age
/// (docs/spec.md §6, v4: the child alternative, if the weight is right).
pub const PULSE_WEIGHT_WARNED_NOTE: &str = "(if the weight is right: 30 mg/kg, at most 1 g)";
/// Said beside the adult pulse when the age is not recorded (docs/spec.md
/// §6; the child pulse: 30 mg/kg, at most 1 g a day; a test holds the two
/// together).
pub const PULSE_AGE_UNKNOWN_NOTE: &str = "(if under 18: 30 mg/kg, at most 1 g)";

use ActionId as A;
use When as W;

/// The action table (docs/spec.md §3; knowledge page "Management
/// Algorithm"; ASCO guideline for what carries over between grades, status
/// epilepticus, cerebral edema, tapers and routes): rows labelled by grade,
/// in table order. Emergencies are listed first in results
/// ([`EMERGENCY_ORDER`]).
static ACTIONS: &[ActionRow] = &[
    examine_now(0),
    row(0, A::IceScreening, W::IcansAssessed,
        "{instrument} screening every 8-12 h during the at-risk period (day 0-10); every 4 h if {trend} or CRS active",
        "continue {instrument} screening"),
    row(0, A::IceScreening, W::IcansNotAssessed, "ICANS not assessed: do the ICE (or CAPD) now",
        "do the ICE (or CAPD) now")
        .keyed("ice_screening_not_assessed"),
    confirm_crs(0),
    examine_now(1),
    row(1, A::IceMonitoring, W::Always, "Close monitoring: {instrument} q8h (q4h if {trend} or CRS active)",
        "close monitoring"),
    row(1, A::SupportiveCare, W::Always, "Supportive care", "supportive care"),
    row(1, A::ConsiderCorticosteroids, W::PersistingOver24Hours, "Consider corticosteroids: ICANS persisting > 24 h",
        "consider corticosteroids")
        .steroid(strength::CONSIDER),
    tocilizumab(1),
    confirm_crs(1),
    examine_now(2),
    row(2, A::Dexamethasone, W::Always,
        "Corticosteroids: dexamethasone 10 mg IV q6-12h until improvement to grade 1, then taper",
        "corticosteroids (dexamethasone)")
        .for_children(DEXAMETHASONE_CHILD, None)
        .when_age_unknown(DEXAMETHASONE_AGE_UNKNOWN_NOTE)
        .steroid(strength::DEXAMETHASONE_Q6_12H),
    row(2, A::Levetiracetam, W::Always, LEVETIRACETAM_ADULT, "seizure prophylaxis")
        .for_children(LEVETIRACETAM_CHILD, None),
    row(2, A::NeurologyConsult, W::Always, "Neurology consult", "neurology consult"),
    row(2, A::Eeg, W::Always, "EEG monitoring", "EEG"),
    row(2, A::ConsiderIcu, W::CrsGrade2Plus, "Consider ICU transfer: ICANS with CRS grade >= 2",
        "consider ICU transfer"),
    tocilizumab(2),
    confirm_crs(2),
    row(3, A::Dexamethasone, W::Always,
        "High-dose corticosteroids: dexamethasone 10 mg IV q6h until improvement to grade 1, then taper",
        "high-dose corticosteroids")
        .for_children(
            "High-dose corticosteroids: dexamethasone, weight-based paediatric dose per local protocol (the adult dose does not apply), until improvement to grade 1, then taper",
            None,
        )
        .when_age_unknown(DEXAMETHASONE_AGE_UNKNOWN_NOTE)
        .steroid(strength::DEXAMETHASONE_Q6H),
    row(3, A::Methylprednisolone, W::Always,
        "Or, instead of dexamethasone: methylprednisolone {dose} IV q12h until improvement to grade 1, then taper", "")
        .dosed(METHYLPREDNISOLONE_DOSE)
        .steroid(strength::DEXAMETHASONE_Q6H),
    row(3, A::AntiseizureTherapy, W::SeizureGraded(THRESHOLDS.antiseizure_min_seizure_grade), ANTISEIZURE_SEIZURE,
        "anti-seizure therapy"),
    row(3, A::Levetiracetam, W::NoSeizureGraded3, LEVETIRACETAM_ADULT, "seizure prophylaxis")
        .for_children(LEVETIRACETAM_CHILD, None),
    row(3, A::Icu, W::Always, "ICU admission", "ICU admission"),
    row(3, A::MriBrain, W::Always, "Neuro-imaging: MRI brain", "MRI brain"),
    row(3, A::NeurologyConsult, W::Always, "Neurology consult", "neurology consult"),
    row(3, A::Eeg, W::Always, "EEG monitoring", "EEG"),
    row(3, A::ConsiderAnakinra, W::SteroidRefractory, "Consider anakinra: refractory to corticosteroids",
        "consider anakinra"),
    tocilizumab(3),
    confirm_crs(3),
    row(4, A::MethylprednisolonePulse, W::Always, "Pulse methylprednisolone 1-2 g IV daily for 3 days, then taper",
        "pulse methylprednisolone")
        .for_children(CHILD_PULSE, Some(CHILD_PULSE_DOSE))
        .when_age_unknown(PULSE_AGE_UNKNOWN_NOTE)
        .when_weight_warned(PULSE_WEIGHT_WARNED_NOTE)
        .steroid(strength::PULSE),
    row(4, A::Icu, W::Always, "ICU with neuro-critical care", "ICU with neuro-critical care"),
    row(4, A::NeurologyConsult, W::Always, "Neurology consult", "neurology consult"),
    row(4, A::Eeg, W::Always, "EEG monitoring", "EEG"),
    row(4, A::MriBrain, W::Always, "Neuro-imaging: MRI brain", "MRI brain"),
    row(4, A::AntiseizureTherapy, W::SeizureGraded(THRESHOLDS.antiseizure_min_seizure_grade), ANTISEIZURE_SEIZURE,
        "anti-seizure therapy"),
    row(4, A::AntiseizureTherapy, W::SeizureGraded(THRESHOLDS.status_epilepticus_grade), ANTISEIZURE_STATUS_EPILEPTICUS,
        "status epilepticus treatment")
        .keyed("antiseizure_therapy_status_epilepticus"),
    row(4, A::Levetiracetam, W::NoSeizureGraded3, LEVETIRACETAM_ADULT, "seizure prophylaxis")
        .for_children(LEVETIRACETAM_CHILD, None),
    row(4, A::AirwayProtection, W::AirwayAtRisk, "Airway protection: intubate if the airway cannot be protected",
        "airway protection"),
    row(4, A::IcpMonitoring, W::EdemaGraded4, "ICP monitoring (cerebral edema)", "ICP monitoring"),
    row(4, A::CerebralEdemaTherapy, W::EdemaGraded4,
        "Cerebral edema therapy: head of bed 30 degrees, hyperosmolar therapy with mannitol or hypertonic saline, hyperventilation, neurosurgery consult (doses per local protocol)",
        "cerebral edema therapy"),
    row(4, A::ConsiderAdditionalImmunosuppression, W::Always, "Consider additional immunosuppression",
        "consider additional immunosuppression"),
    tocilizumab(4),
    confirm_crs(4),
    // The CRS step (docs/spec.md §3, v4; ASCO 2021 CRS table), by CRS
    // grade. Grade 0: hypotension or hypoxia without a recorded fever.
    crs_row(0, A::Icu, W::ShockWithoutFever,
        "Vasopressor or high-flow oxygen: ICU-level care whatever the cause", "ICU-level care"),
    crs_row(0, A::EvaluateCause, W::OrganWithoutFever,
        "Hypotension or hypoxia without a recorded fever: evaluate for infection (cultures, chest radiograph) and other causes",
        "evaluate the cause of the hypotension or hypoxia"),
    crs_supportive_care(1),
    crs_row(1, A::ConsiderTocilizumab, W::IcansGrade0OrNotAssessed,
        "Consider tocilizumab {dose} IV over 1 h for fever persisting > 3 days or refractory, earlier if older, comorbid or per the product's label: manage as CRS grade 2",
        "consider tocilizumab")
        .naming_dose(TOCILIZUMAB_DOSE),
    crs_supportive_care(2),
    crs_fluids_oxygen(2),
    crs_monitoring(2),
    crs_tocilizumab(2),
    crs_row(2, A::ConsiderDexamethasone, W::Always,
        "If no improvement within 24 h of starting tocilizumab: dexamethasone 10 mg IV q6h, and manage as CRS grade 3; strongly consider antifungal prophylaxis while on corticosteroids",
        "dexamethasone if no improvement 24 h after tocilizumab")
        .for_children(
            "If no improvement within 24 h of starting tocilizumab: dexamethasone, weight-based paediatric dose per local protocol (the adult dose does not apply), and manage as CRS grade 3; strongly consider antifungal prophylaxis while on corticosteroids",
            None,
        )
        .when_age_unknown(DEXAMETHASONE_AGE_UNKNOWN_NOTE)
        .steroid(strength::CONSIDER),
    crs_supportive_care(3),
    crs_fluids_oxygen(3),
    crs_monitoring(3),
    crs_tocilizumab(3),
    crs_row(3, A::Icu, W::Always,
        "ICU for CRS: vasopressors as needed, hemodynamic monitoring, echocardiogram", "ICU admission"),
    crs_row(3, A::Dexamethasone, W::Always,
        "Corticosteroids for CRS: dexamethasone 10 mg IV q6h, then rapid taper once improved; if refractory, manage as CRS grade 4; strongly consider antifungal prophylaxis while on corticosteroids",
        "dexamethasone for the CRS")
        .for_children(
            "Corticosteroids for CRS: dexamethasone, weight-based paediatric dose per local protocol (the adult dose does not apply), then rapid taper once improved; if refractory, manage as CRS grade 4; strongly consider antifungal prophylaxis while on corticosteroids",
            None,
        )
        .when_age_unknown(DEXAMETHASONE_AGE_UNKNOWN_NOTE)
        .steroid(strength::DEXAMETHASONE_Q6H),
    crs_supportive_care(4),
    crs_fluids_oxygen(4),
    crs_monitoring(4),
    crs_tocilizumab(4),
    crs_row(4, A::Icu, W::Always,
        "ICU for CRS: vasopressors and mechanical ventilation as needed, hemodynamic monitoring, echocardiogram",
        "ICU admission"),
    crs_row(4, A::MethylprednisolonePulse, W::Always,
        "Methylprednisolone for CRS: 500 mg IV q12h for 3 days, then 250 mg q12h for 2 days, 125 mg q12h for 2 days, 60 mg q12h until CRS grade 1; if not improving, methylprednisolone 1,000 mg IV twice daily or alternative therapy (anakinra or siltuximab per local protocol); strongly consider antifungal prophylaxis while on corticosteroids",
        "methylprednisolone for the CRS")
        .for_children(
            "Pulse methylprednisolone {dose} IV daily for 3 days, then taper; if not improving, alternative therapy (anakinra or siltuximab) per local protocol; strongly consider antifungal prophylaxis while on corticosteroids",
            Some(CHILD_PULSE_DOSE),
        )
        .when_age_unknown(PULSE_AGE_UNKNOWN_NOTE)
        .when_weight_warned(PULSE_WEIGHT_WARNED_NOTE)
        .steroid(strength::PULSE),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::actions::MAX_ACTION_GRADE;

    const M: &Management = &CAR_T_MANAGEMENT;

    #[test]
    fn each_grade_has_its_rows_in_order() {
        let ids = |g| M.of_grade(g).map(|r| r.key).collect::<Vec<_>>();
        assert_eq!(
            ids(0),
            [
                "examine_now",
                "ice_screening",
                "ice_screening_not_assessed",
                "confirm_crs"
            ]
        );
        let crs = |g| M.rows(Step::Crs, g).map(|r| r.key).collect::<Vec<_>>();
        assert_eq!(crs(0), ["icu", "evaluate_cause"]);
        assert_eq!(crs(1), ["crs_supportive_care", "consider_tocilizumab"]);
        assert_eq!(
            crs(2),
            [
                "crs_supportive_care",
                "crs_fluids_oxygen",
                "crs_monitoring",
                "tocilizumab",
                "consider_dexamethasone"
            ]
        );
        assert_eq!(
            crs(4),
            [
                "crs_supportive_care",
                "crs_fluids_oxygen",
                "crs_monitoring",
                "tocilizumab",
                "icu",
                "methylprednisolone_pulse"
            ]
        );
        assert_eq!(
            ids(2),
            [
                "examine_now",
                "dexamethasone",
                "levetiracetam",
                "neurology_consult",
                "eeg",
                "consider_icu",
                "tocilizumab",
                "confirm_crs"
            ]
        );
        assert!(ids(5).is_empty());
        for g in 0..=MAX_ACTION_GRADE {
            let mut v = ids(g);
            let n = v.len();
            v.sort_unstable();
            v.dedup();
            assert_eq!(v.len(), n, "grade {g}: a protocol key twice");
        }
    }

    #[test]
    fn the_table_is_in_grade_order_and_of_grade_finds_every_row() {
        // The ICANS rows, then the CRS rows, each in grade order.
        let order = |r: &ActionRow| (r.step == Step::Crs, r.grade);
        assert!(ACTIONS.windows(2).all(|w| order(&w[0]) <= order(&w[1])));
        for step in [Step::Icans, Step::Crs] {
            for g in 0..=6u8 {
                let filtered: Vec<_> = ACTIONS
                    .iter()
                    .filter(|r| r.step == step && r.grade == g)
                    .collect();
                assert_eq!(
                    M.rows(step, g).collect::<Vec<_>>(),
                    filtered,
                    "{step:?} grade {g}"
                );
            }
        }
    }

    #[test]
    fn tocilizumab_is_only_ever_conditional_on_concurrent_crs() {
        for r in ACTIONS.iter().filter(|r| r.id == ActionId::Tocilizumab) {
            assert_eq!(r.when, When::ConcurrentCrs);
        }
        assert!(M.find_key(Step::Icans, 0, "tocilizumab").is_none());
    }

    #[test]
    fn no_child_text_holds_an_adult_absolute_dose() {
        for r in ACTIONS {
            let child = if r.child_text.is_empty() {
                r.text
            } else {
                r.child_text
            };
            for adult in [" mg IV", " g IV", " mg BID"] {
                assert!(!child.contains(adult), "grade {} {}: {child}", r.grade, r.key);
            }
        }
    }

    #[test]
    fn doses_are_computed_capped_and_rounded() {
        assert_eq!(
            TOCILIZUMAB_DOSE.describe(Some(70.0)),
            "560 mg (8 mg/kg, max 800 mg)"
        );
        assert_eq!(
            TOCILIZUMAB_DOSE.describe(Some(120.0)),
            "800 mg (8 mg/kg, max 800 mg)"
        );
        assert_eq!(
            TOCILIZUMAB_DOSE.describe(Some(20.0)),
            "240 mg (12 mg/kg under 30 kg)"
        );
        assert_eq!(TOCILIZUMAB_DOSE.mg(30.0), 240);
        assert_eq!(TOCILIZUMAB_DOSE.mg(29.96), 360);
        assert_eq!(
            TOCILIZUMAB_DOSE.describe(None),
            "8 mg/kg (max 800 mg per dose; 12 mg/kg under 30 kg)"
        );
        assert_eq!(
            CHILD_PULSE_DOSE.describe(Some(20.0)),
            "600 mg (30 mg/kg, max 1 g a day)"
        );
        assert_eq!(
            CHILD_PULSE_DOSE.describe(Some(40.0)),
            "1000 mg (30 mg/kg, max 1 g a day)"
        );
        assert_eq!(CHILD_PULSE_DOSE.describe(None), "30 mg/kg (max 1 g a day)");
        assert_eq!(METHYLPREDNISOLONE_DOSE.describe(Some(72.4)), "72 mg (1 mg/kg)");
        assert_eq!(METHYLPREDNISOLONE_DOSE.mg(72.5), 73);
    }

    #[test]
    fn conditions_name_the_thresholds_of_the_rules() {
        assert_eq!(
            When::ConcurrentCrs.describe(&THRESHOLDS).as_deref(),
            Some("only with concurrent CRS (CRS grade >= 1)")
        );
        assert_eq!(
            When::PersistingOver24Hours.describe(&THRESHOLDS).as_deref(),
            Some("only when hours_since_onset > 24")
        );
        assert_eq!(When::Always.describe(&THRESHOLDS), None);
    }

    #[test]
    fn the_age_unknown_pulse_note_is_the_child_pulse() {
        let said = format!(
            "(if under 18: {} mg/kg, at most {} g)",
            CHILD_PULSE_MG_PER_KG,
            CHILD_PULSE_MAX_MG / 1000.0
        );
        assert_eq!(PULSE_AGE_UNKNOWN_NOTE, said);
    }

    #[test]
    fn only_confirm_crs_and_consider_tocilizumab_name_a_dose_without_ordering_it() {
        for r in ACTIONS
            .iter()
            .filter(|r| r.dose.is_some() || r.child_dose.is_some())
        {
            assert_eq!(
                r.drug_order,
                !matches!(r.id, ActionId::ConfirmCrs | ActionId::ConsiderTocilizumab),
                "{} at {}",
                r.key,
                r.grade
            );
        }
    }

    #[test]
    fn no_text_says_a_bare_anti_seizure_management() {
        for r in ACTIONS {
            for t in [r.text, r.child_text] {
                assert!(!t.to_lowercase().contains("anti-seizure management"), "{t}");
            }
        }
    }

    #[test]
    fn the_emergencies_come_first_then_examine_now_then_table_order() {
        let first = [
            ActionId::AntiseizureTherapy,
            ActionId::AirwayProtection,
            ActionId::CerebralEdemaTherapy,
            ActionId::IcpMonitoring,
            ActionId::ExamineNow,
        ];
        for id in ActionId::ALL {
            let expected = first.iter().position(|e| *e == id).unwrap_or(first.len());
            assert_eq!(usize::from(M.emergency_rank(id)), expected, "{id}");
        }
    }

    #[test]
    fn excluded_emergencies_get_the_actions_of_their_grade() {
        use ActionId as A;
        let cases: [(Domain, u8, &[ActionId], bool); 8] = [
            (
                Domain::Seizure,
                4,
                &[A::AntiseizureTherapy, A::Icu, A::AirwayProtection],
                true,
            ),
            (Domain::Seizure, 3, &[A::AntiseizureTherapy], true),
            (Domain::Seizure, 2, &[], false),
            (
                Domain::Edema,
                4,
                &[
                    A::Icu,
                    A::AirwayProtection,
                    A::IcpMonitoring,
                    A::CerebralEdemaTherapy,
                ],
                true,
            ),
            // Focal edema: a warning, no action.
            (Domain::Edema, 3, &[], true),
            (Domain::Motor, 4, &[], false),
            (Domain::Consciousness, 4, &[], false),
            (Domain::Encephalopathy, 4, &[], false),
        ];
        for (d, g, actions, emergency) in cases {
            assert_eq!(M.excluded_emergency_actions(d, g), actions, "{d} {g}");
            assert_eq!(M.is_excluded_emergency(d, g), emergency, "{d} {g}");
        }
    }
}
