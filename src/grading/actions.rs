//! The management action table (docs/spec.md §3), as data: one row per
//! action and grade, with the condition under which it applies, its
//! built-in text (knowledge page "Management Algorithm") and the brief
//! words the summary sentence uses. Which rows apply is decided by
//! [`plan`](super::plan::plan); their texts and hours come from the
//! [`Protocol`](super::Protocol).

use super::domain::Domain;
use super::number::push_number;
use super::rules::{
    ACTIVE_CRS_MIN_GRADE, ANTISEIZURE_MIN_SEIZURE_GRADE, CHILD_PULSE_MAX_MG, CHILD_PULSE_MG_PER_KG,
    CRS_UNRULED_MIN_ORGAN_GRADE, EXCLUDED_EMERGENCY_MIN_GRADE, ICU_WITH_CRS_MIN_GRADE,
    LIFE_THREATENING_DOMAIN_GRADE, METHYLPREDNISOLONE_MG_PER_KG, SHOCK_MIN_ORGAN_GRADE,
    STATUS_EPILEPTICUS_GRADE, STEROIDS_AFTER_HOURS, TOCILIZUMAB_MAX_MG, TOCILIZUMAB_MG_PER_KG,
    TOCILIZUMAB_SMALL_MG_PER_KG, TOCILIZUMAB_SMALL_UNDER_KG,
};

vocab! {
    /// Stable action ids (docs/spec.md §3): scripts key on them.
    pub enum ActionId {
        /// ICE screening through the at-risk period.
        IceScreening = "ice_screening",
        /// Close monitoring with ICE.
        IceMonitoring = "ice_monitoring",
        /// Supportive care.
        SupportiveCare = "supportive_care",
        /// Tocilizumab for concurrent CRS (never for ICANS alone).
        Tocilizumab = "tocilizumab",
        /// Consider corticosteroids (grade 1 persisting > 24 h).
        ConsiderCorticosteroids = "consider_corticosteroids",
        /// Dexamethasone.
        Dexamethasone = "dexamethasone",
        /// Levetiracetam seizure prophylaxis.
        Levetiracetam = "levetiracetam",
        /// Neurology consult.
        NeurologyConsult = "neurology_consult",
        /// EEG monitoring.
        Eeg = "eeg",
        /// Methylprednisolone (grade 3 alternative to dexamethasone).
        Methylprednisolone = "methylprednisolone",
        /// Anti-seizure therapy for a seizure graded >= 3 (its drugs named).
        AntiseizureTherapy = "antiseizure_therapy",
        /// ICU admission.
        Icu = "icu",
        /// Neuro-imaging: MRI brain.
        MriBrain = "mri_brain",
        /// Consider anakinra when steroid-refractory.
        ConsiderAnakinra = "consider_anakinra",
        /// Pulse methylprednisolone.
        MethylprednisolonePulse = "methylprednisolone_pulse",
        /// Intubation for airway protection.
        AirwayProtection = "airway_protection",
        /// Consider additional immunosuppression.
        ConsiderAdditionalImmunosuppression = "consider_additional_immunosuppression",
        /// ICP monitoring when the edema domain is graded 4.
        IcpMonitoring = "icp_monitoring",
        /// Cerebral edema therapy when the edema domain is graded 4.
        CerebralEdemaTherapy = "cerebral_edema_therapy",
        /// Consider ICU transfer: ICANS grade 2 with CRS grade >= 2.
        ConsiderIcu = "consider_icu",
        /// CRS cannot be ruled out (fever not recorded): record the temperature
        /// (or `fever_masked`); tocilizumab applies if CRS is confirmed. Not a
        /// drug order: it carries no `dose_mg`.
        ConfirmCrs = "confirm_crs",
        /// CRS step (ASCO 2021): antipyretics, hydration, infection work-up.
        CrsSupportiveCare = "crs_supportive_care",
        /// CRS grade 1 at ICANS grade 0 or not assessed: consider
        /// tocilizumab (names its dose, orders nothing).
        ConsiderTocilizumab = "consider_tocilizumab",
        /// CRS step from grade 2: fluid bolus, oxygen.
        CrsFluidsOxygen = "crs_fluids_oxygen",
        /// CRS step from grade 2: telemetry and pulse oximetry.
        CrsMonitoring = "crs_monitoring",
        /// CRS grade 2: dexamethasone if no improvement 24 h after tocilizumab.
        ConsiderDexamethasone = "consider_dexamethasone",
        /// Hypotension or hypoxia without a recorded fever: look for the cause.
        EvaluateCause = "evaluate_cause",
        /// ICE not performed while awake (`ice_band` "unable"): examine now,
        /// global aphasia would be grade 3.
        ExamineNow = "examine_now",
    }
}

/// Which step a row of the action table belongs to (docs/spec.md §3): the
/// ICANS step of an ICANS grade, or the CRS step (ASCO 2021) of a CRS grade,
/// added at every ICANS grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Rows labelled by the ICANS grade (protocol tables `[grade_N]`).
    Icans,
    /// Rows labelled by the CRS grade (protocol tables `[crs.grade_N]`);
    /// grade 0 holds what hypotension or hypoxia without a recorded fever
    /// calls for.
    Crs,
}

/// When a row of the table applies (docs/spec.md §3 conditions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Always at this grade.
    Always,
    /// Only with concurrent CRS (CRS grade >= [`ACTIVE_CRS_MIN_GRADE`]).
    ConcurrentCrs,
    /// Only with CRS grade >= [`ICU_WITH_CRS_MIN_GRADE`], or CRS that cannot
    /// be ruled out and would be that grade with fever (ICU consideration at
    /// ICANS grade 2).
    CrsGrade2Plus,
    /// Only when some ICANS domain was assessed (grade 0 screening).
    IcansAssessed,
    /// Only when no ICANS domain was assessed (docs/spec.md §2 "ICANS not
    /// assessed").
    IcansNotAssessed,
    /// Only at ICANS grade 0 or ICANS not assessed (CRS grade 1:
    /// tocilizumab is considered, not given).
    IcansGrade0OrNotAssessed,
    /// ICE not performed while awake (`ice_band` "unable", consciousness
    /// not unarousable) and the other domains below grade 3: ICANS cannot
    /// be ruled out (docs/spec.md §2, v4).
    IceUnableAwake,
    /// Hypotension or hypoxia graded >= [`SHOCK_MIN_ORGAN_GRADE`] (not
    /// excluded) while the CRS grade is 0 for want of a recorded fever.
    ShockWithoutFever,
    /// Hypotension or hypoxia graded >= [`CRS_UNRULED_MIN_ORGAN_GRADE`] (not
    /// excluded) while the CRS grade is 0 for want of a recorded fever.
    OrganWithoutFever,
    /// Only when CRS cannot be ruled out: fever not recorded and not
    /// masked while hypotension or hypoxia is graded >= 2.
    CrsCannotBeRuledOut,
    /// Only when `hours_since_onset` > [`STEROIDS_AFTER_HOURS`].
    PersistingOver24Hours,
    /// Only when `steroid_refractory` is true.
    SteroidRefractory,
    /// Only when the seizure domain is graded exactly this (3: a seizure that
    /// resolved; 4: status epilepticus).
    SeizureGraded(u8),
    /// Only when the seizure domain is not graded >= 3 (prophylaxis).
    NoSeizureGraded3,
    /// Only when the encephalopathy, consciousness, seizure or edema domain
    /// is graded 4 (the airway is at risk).
    AirwayAtRisk,
    /// Only when the edema domain is graded 4.
    EdemaGraded4,
}

impl When {
    /// The condition in words, with the thresholds of `rules.rs`; `None`
    /// for [`When::Always`].
    pub fn describe(self) -> Option<String> {
        let g = LIFE_THREATENING_DOMAIN_GRADE;
        match self {
            When::Always => None,
            When::ConcurrentCrs => Some(format!(
                "only with concurrent CRS (CRS grade >= {ACTIVE_CRS_MIN_GRADE})"
            )),
            When::CrsGrade2Plus => Some(format!(
                "only with CRS grade >= {ICU_WITH_CRS_MIN_GRADE}, or CRS that cannot be ruled out and would be grade >= {ICU_WITH_CRS_MIN_GRADE} with fever"
            )),
            When::IcansAssessed => Some("only when an ICANS domain was assessed".into()),
            When::IcansNotAssessed => Some("only when no ICANS domain was assessed".into()),
            When::IcansGrade0OrNotAssessed => Some("only at ICANS grade 0 or ICANS not assessed".into()),
            When::IceUnableAwake => Some(
                "only when the ICE was not performed while awake (ice_band unable) and the other domains are below grade 3"
                    .into(),
            ),
            When::ShockWithoutFever => Some(format!(
                "only when hypotension or hypoxia is graded >= {SHOCK_MIN_ORGAN_GRADE} without a recorded fever (CRS cannot be ruled out, or none by ASTCT for want of fever)"
            )),
            When::OrganWithoutFever => Some(format!(
                "only when hypotension or hypoxia is graded >= {CRS_UNRULED_MIN_ORGAN_GRADE} without a recorded fever (CRS cannot be ruled out, or none by ASTCT for want of fever)"
            )),
            When::CrsCannotBeRuledOut => Some(format!(
                "only when CRS cannot be ruled out (fever not recorded and not masked, hypotension or hypoxia graded >= {CRS_UNRULED_MIN_ORGAN_GRADE})"
            )),
            When::PersistingOver24Hours => {
                Some(format!("only when hours_since_onset > {STEROIDS_AFTER_HOURS}"))
            }
            When::SteroidRefractory => Some("only when steroid_refractory".into()),
            When::SeizureGraded(n) if n == STATUS_EPILEPTICUS_GRADE => Some(format!(
                "only when the seizure domain is graded {n} (status epilepticus)"
            )),
            When::SeizureGraded(n) => Some(format!("only when the seizure domain is graded {n}")),
            When::NoSeizureGraded3 => Some(format!(
                "only when the seizure domain is not graded >= {ANTISEIZURE_MIN_SEIZURE_GRADE}"
            )),
            When::AirwayAtRisk => Some(format!(
                "only when the encephalopathy, consciousness, seizure or edema domain is graded {g}"
            )),
            When::EdemaGraded4 => Some(format!("only when the edema domain is graded {g}")),
        }
    }
}

/// A weight-based dose (docs/spec.md §6): so many mg/kg, capped, with a
/// higher rate for small patients where the source gives one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dose {
    /// mg per kg.
    pub mg_per_kg: f64,
    /// The cap, and what it caps (a dose, a day).
    pub max: Option<Cap>,
    /// Under this weight (kg), this rate instead (mg/kg).
    pub small: Option<(f64, f64)>,
}

/// A dose's cap: so many mg, per dose or a day. Its words ("max 800 mg per
/// dose", "max 1 g a day") are made from the number, never written beside it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cap {
    /// The most, in mg.
    pub mg: f64,
    /// What it caps.
    pub per: Per,
}

/// What a cap limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    /// Each dose (said only where the dose is not computed).
    Dose,
    /// A day's doses.
    Day,
}

impl Cap {
    /// "max 800 mg" or "max 1 g": whole grams in g, else mg.
    fn amount_into(self, out: &mut String) {
        out.push_str("max ");
        if self.mg >= 1000.0 && self.mg % 1000.0 == 0.0 {
            push_number(out, self.mg / 1000.0);
            out.push_str(" g");
        } else {
            push_number(out, self.mg);
            out.push_str(" mg");
        }
    }

    /// "max 800 mg per dose", "max 1 g a day".
    fn said_into(self, out: &mut String) {
        self.amount_into(out);
        out.push_str(match self.per {
            Per::Dose => " per dose",
            Per::Day => " a day",
        });
    }

    /// Beside a computed dose, which is one dose: "max 800 mg", "max 1 g a day".
    fn said_beside_a_dose_into(self, out: &mut String) {
        match self.per {
            Per::Dose => self.amount_into(out),
            Per::Day => self.said_into(out),
        }
    }
}

impl Dose {
    /// The rate (mg/kg) for a weight.
    pub fn rate(&self, weight_kg: f64) -> f64 {
        match self.small {
            Some((under, rate)) if weight_kg < under => rate,
            _ => self.mg_per_kg,
        }
    }

    /// The dose in mg for a weight: rate times weight, capped, rounded to
    /// 1 mg.
    pub fn mg(&self, weight_kg: f64) -> u32 {
        let mut mg = self.rate(weight_kg) * weight_kg;
        if let Some(cap) = self.max {
            mg = mg.min(cap.mg);
        }
        // Weights are validated (0-300 kg), so this fits.
        mg.round() as u32
    }

    /// The dose as the text says it: per kg without a weight
    /// ("8 mg/kg (max 800 mg per dose; 12 mg/kg under 30 kg)"), in mg with
    /// one ("560 mg (8 mg/kg, max 800 mg)").
    pub fn describe(&self, weight_kg: Option<f64>) -> String {
        let mut out = String::new();
        self.describe_into(&mut out, weight_kg);
        out
    }

    /// [`describe`](Self::describe), appended to `out` (a text being
    /// filled, with no string of its own per record).
    pub fn describe_into(&self, out: &mut String, weight_kg: Option<f64>) {
        match weight_kg {
            None => {
                push_number(out, self.mg_per_kg);
                out.push_str(" mg/kg");
                if self.max.is_some() || self.small.is_some() {
                    out.push_str(" (");
                    if let Some(cap) = self.max {
                        cap.said_into(out);
                    }
                    if let Some((under, rate)) = self.small {
                        if self.max.is_some() {
                            out.push_str("; ");
                        }
                        push_number(out, rate);
                        out.push_str(" mg/kg under ");
                        push_number(out, under);
                        out.push_str(" kg");
                    }
                    out.push(')');
                }
            }
            Some(w) => {
                out.push_str(itoa::Buffer::new().format(self.mg(w)));
                out.push_str(" mg (");
                push_number(out, self.rate(w));
                out.push_str(" mg/kg");
                match (self.small, self.max) {
                    (Some((under, _)), _) if w < under => {
                        out.push_str(" under ");
                        push_number(out, under);
                        out.push_str(" kg");
                    }
                    (_, Some(cap)) => {
                        out.push_str(", ");
                        cap.said_beside_a_dose_into(out);
                    }
                    _ => {}
                }
                out.push(')');
            }
        }
    }
}

/// One row of the action table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActionRow {
    /// The step the row belongs to: ICANS or CRS.
    pub step: Step,
    /// The grade the row belongs to (0-4): the ICANS grade, or the CRS
    /// grade for a row of the CRS step.
    pub grade: u8,
    /// The stable id.
    pub id: ActionId,
    /// When it applies.
    pub when: When,
    /// The key of its text in protocol files: the id, or a variant's own
    /// key (`antiseizure_therapy_status_epilepticus`).
    pub key: &'static str,
    /// The built-in text for adults. `{dose}` is the weight-based dose,
    /// `{instrument}` ICE or CAPD, `{trend}` "ICE declining" or "CAPD
    /// worsening".
    pub text: &'static str,
    /// The weight-based dose of the adult text, if any.
    pub dose: Option<Dose>,
    /// A drug order: with `weight_kg`, the computed dose is also given as
    /// `dose_mg`. False for a text that only names a dose (`confirm_crs`).
    pub drug_order: bool,
    /// Added to the adult text when the age is not recorded (the child's
    /// dose beside the adult one, docs/spec.md §6); empty for none.
    pub age_unknown_note: &'static str,
    /// Added to the adult text when the weight is implausible for the age
    /// and not confirmed (docs/spec.md §6, v4); empty for none.
    pub weight_warned_note: &'static str,
    /// The built-in text for children where it differs (no adult absolute
    /// dose, docs/spec.md §6); empty when the adult text holds no absolute
    /// dose.
    pub child_text: &'static str,
    /// The weight-based dose of the child text, if any.
    pub child_dose: Option<Dose>,
    /// The action in a few words for the summary sentence; empty when the
    /// summary leaves it out (an alternative to another row).
    pub brief: &'static str,
    /// How strong a corticosteroid the row gives (docs/spec.md §3: consider
    /// < dexamethasone q6-12h < dexamethasone q6h = methylprednisolone
    /// 1 mg/kg q12h < pulse); 0 for a row that gives none. Where the ICANS
    /// and the CRS step both give one, the stronger is shown, once.
    pub corticosteroid: u8,
}

/// Corticosteroid strengths (docs/spec.md §3, v4), weakest first.
pub mod strength {
    /// `consider_corticosteroids`, `consider_dexamethasone`.
    pub const CONSIDER: u8 = 1;
    /// Dexamethasone 10 mg IV q6-12h.
    pub const DEXAMETHASONE_Q6_12H: u8 = 2;
    /// Dexamethasone 10 mg IV q6h, or methylprednisolone 1 mg/kg IV q12h.
    pub const DEXAMETHASONE_Q6H: u8 = 3;
    /// Pulse methylprednisolone.
    pub const PULSE: u8 = 4;
}

const fn row(grade: u8, id: ActionId, when: When, text: &'static str, brief: &'static str) -> ActionRow {
    ActionRow {
        step: Step::Icans,
        grade,
        id,
        when,
        key: id.as_str(),
        text,
        dose: None,
        drug_order: false,
        age_unknown_note: "",
        weight_warned_note: "",
        child_text: "",
        child_dose: None,
        brief,
        corticosteroid: 0,
    }
}

/// A row of the CRS step (ASCO 2021), labelled by the CRS grade.
const fn crs_row(grade: u8, id: ActionId, when: When, text: &'static str, brief: &'static str) -> ActionRow {
    ActionRow {
        step: Step::Crs,
        ..row(grade, id, when, text, brief)
    }
}

impl ActionRow {
    /// The same row giving a corticosteroid of this strength.
    const fn steroid(self, strength: u8) -> ActionRow {
        ActionRow {
            corticosteroid: strength,
            ..self
        }
    }

    /// The same row with its text for children.
    const fn for_children(self, child_text: &'static str, child_dose: Option<Dose>) -> ActionRow {
        ActionRow {
            child_text,
            child_dose,
            drug_order: self.drug_order || child_dose.is_some(),
            ..self
        }
    }

    /// The same row with a weight-based dose in its text, a drug order
    /// (`dose_mg` computed with the weight).
    const fn dosed(self, dose: Dose) -> ActionRow {
        ActionRow {
            dose: Some(dose),
            drug_order: true,
            ..self
        }
    }

    /// The same row naming a weight-based dose in its text without ordering
    /// it (no `dose_mg`).
    const fn naming_dose(self, dose: Dose) -> ActionRow {
        ActionRow {
            dose: Some(dose),
            drug_order: false,
            ..self
        }
    }

    /// The same row with a note added to the adult text when the age is
    /// not recorded, and when the weight is implausible (`weighed`).
    const fn when_age_unknown(self, note: &'static str) -> ActionRow {
        ActionRow {
            age_unknown_note: note,
            weight_warned_note: note,
            ..self
        }
    }

    /// The same row with its own note for an implausible weight.
    const fn when_weight_warned(self, note: &'static str) -> ActionRow {
        ActionRow {
            weight_warned_note: note,
            ..self
        }
    }

    /// Whether the row's text holds a dose that depends on the patient
    /// group or the weight (a per-kg dose, or an adult dose a child must
    /// not see): the results that show one carry the patient-group
    /// warnings (docs/spec.md §6).
    pub const fn shows_dose(&self) -> bool {
        self.dose.is_some() || self.child_dose.is_some() || !self.child_text.is_empty()
    }

    /// The same row under its own protocol key.
    const fn keyed(self, key: &'static str) -> ActionRow {
        ActionRow { key, ..self }
    }
}

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
pub static ACTIONS: &[ActionRow] = &[
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
    row(3, A::AntiseizureTherapy, W::SeizureGraded(ANTISEIZURE_MIN_SEIZURE_GRADE), ANTISEIZURE_SEIZURE,
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
    row(4, A::AntiseizureTherapy, W::SeizureGraded(ANTISEIZURE_MIN_SEIZURE_GRADE), ANTISEIZURE_SEIZURE,
        "anti-seizure therapy"),
    row(4, A::AntiseizureTherapy, W::SeizureGraded(STATUS_EPILEPTICUS_GRADE), ANTISEIZURE_STATUS_EPILEPTICUS,
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

/// The actions of an active emergency, listed first wherever they appear
/// (docs/spec.md §3 "Order"), in this order; the others follow in table
/// order.
pub const EMERGENCY_ORDER: [ActionId; 4] = [
    ActionId::AntiseizureTherapy,
    ActionId::AirwayProtection,
    ActionId::CerebralEdemaTherapy,
    ActionId::IcpMonitoring,
];

/// Where an action stands among the emergencies (0 first), or after them.
pub fn emergency_rank(id: ActionId) -> usize {
    match EMERGENCY_ORDER.iter().position(|e| *e == id) {
        Some(at) => at,
        // Right after the emergencies (docs/spec.md §2, v4).
        None if id == ActionId::ExamineNow => EMERGENCY_ORDER.len(),
        None => EMERGENCY_ORDER.len() + 1,
    }
}

/// What a finding attributed to another cause still gets when it is an
/// emergency (docs/spec.md §3 "Excluded but still an emergency"): the
/// actions of the grade it would have, for a seizure graded >= 3 or edema
/// graded 4. Focal edema (3) gets a warning only.
pub fn excluded_emergency_actions(domain: Domain, finding_grade: u8) -> &'static [ActionId] {
    match (domain, finding_grade) {
        (Domain::Seizure, STATUS_EPILEPTICUS_GRADE) => &[
            ActionId::AntiseizureTherapy,
            ActionId::Icu,
            ActionId::AirwayProtection,
        ],
        (Domain::Seizure, ANTISEIZURE_MIN_SEIZURE_GRADE) => &[ActionId::AntiseizureTherapy],
        (Domain::Edema, LIFE_THREATENING_DOMAIN_GRADE) => &[
            ActionId::Icu,
            ActionId::AirwayProtection,
            ActionId::IcpMonitoring,
            ActionId::CerebralEdemaTherapy,
        ],
        _ => &[],
    }
}

/// Whether a finding attributed to another cause is still an emergency
/// the result must speak of: a seizure graded >= 3 or edema graded >= 3.
pub fn is_excluded_emergency(domain: Domain, finding_grade: u8) -> bool {
    matches!(domain, Domain::Seizure | Domain::Edema) && finding_grade >= EXCLUDED_EMERGENCY_MIN_GRADE
}

/// The words that end the text of an action given for a finding
/// attributed to another cause.
pub const ATTRIBUTED_SUFFIX: &str = "(attributed to another cause: treat it; not counted in the ICANS grade)";

/// Highest grade with management actions (grade 5 has none).
pub const MAX_ACTION_GRADE: u8 = 4;

/// The rows of one grade of one step, in table order: the table holds the
/// ICANS rows, then the CRS rows, each in grade order, so they are one
/// slice of it (found once; a test keeps the table ordered).
pub fn of_step(step: Step, grade: u8) -> impl Iterator<Item = &'static ActionRow> {
    type Slices = [[std::ops::Range<usize>; 6]; 2];
    static SLICES: std::sync::OnceLock<Slices> = std::sync::OnceLock::new();
    let slices = SLICES.get_or_init(|| {
        [Step::Icans, Step::Crs].map(|step| {
            std::array::from_fn(|g| {
                let of = |i: &usize| ACTIONS[*i].step == step && usize::from(ACTIONS[*i].grade) == g;
                match ((0..ACTIONS.len()).find(of), (0..ACTIONS.len()).rfind(of)) {
                    (Some(first), Some(last)) => first..last + 1,
                    _ => 0..0,
                }
            })
        })
    });
    let index = match step {
        Step::Icans => 0,
        Step::Crs => 1,
    };
    let range = slices[index].get(usize::from(grade)).cloned().unwrap_or(0..0);
    ACTIONS[range].iter()
}

/// The ICANS step's rows of one grade, in table order.
pub fn of_grade(grade: u8) -> impl Iterator<Item = &'static ActionRow> {
    of_step(Step::Icans, grade)
}

/// The row of a step's grade with a protocol key, when the key belongs to
/// that grade.
pub fn find_key(step: Step, grade: u8, key: &str) -> Option<&'static ActionRow> {
    of_step(step, grade).find(|r| r.key == key)
}

/// Whether any row, at any grade of either step, has this protocol key.
pub fn is_key(key: &str) -> bool {
    ACTIONS.iter().any(|r| r.key == key)
}

/// The protocol keys of a step's grade, comma separated, for messages.
pub fn names(step: Step, grade: u8) -> String {
    let mut keys: Vec<&str> = of_step(step, grade).map(|r| r.key).collect();
    keys.dedup();
    keys.join(", ")
}

/// Every protocol key, once, in table order.
pub fn all_keys() -> Vec<&'static str> {
    let mut keys: Vec<&str> = Vec::new();
    for r in ACTIONS {
        if !keys.contains(&r.key) {
            keys.push(r.key);
        }
    }
    keys
}

/// The action table as Markdown (docs/spec.md §3 is kept to it by a
/// test): grade, id, condition, built-in text, child text.
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| step | grade | id | when | built-in text | child's text |\n|---|---|---|---|---|---|\n",
    );
    for r in ACTIONS {
        let when = r.when.describe().unwrap_or_else(|| "always".into());
        let fill =
            |t: &str, d: Option<Dose>| t.replace("{dose}", &d.map(|d| d.describe(None)).unwrap_or_default());
        let child = if r.child_text.is_empty() {
            "same".to_string()
        } else {
            fill(r.child_text, r.child_dose)
        };
        let step = match r.step {
            Step::Icans => "ICANS",
            Step::Crs => "CRS",
        };
        out.push_str(&format!(
            "| {step} | {} | `{}` | {when} | {} | {child} |\n",
            r.grade,
            r.id.as_str(),
            fill(r.text, r.dose)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_grade_has_its_rows_in_order() {
        let ids = |g| of_grade(g).map(|r| r.key).collect::<Vec<_>>();
        assert_eq!(
            ids(0),
            [
                "examine_now",
                "ice_screening",
                "ice_screening_not_assessed",
                "confirm_crs"
            ]
        );
        let crs = |g| of_step(Step::Crs, g).map(|r| r.key).collect::<Vec<_>>();
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
                    of_step(step, g).collect::<Vec<_>>(),
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
        assert!(find_key(Step::Icans, 0, "tocilizumab").is_none());
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
            When::ConcurrentCrs.describe().as_deref(),
            Some("only with concurrent CRS (CRS grade >= 1)")
        );
        assert_eq!(
            When::PersistingOver24Hours.describe().as_deref(),
            Some("only when hours_since_onset > 24")
        );
        assert_eq!(When::Always.describe(), None);
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
    fn every_id_round_trips() {
        for id in ActionId::ALL {
            assert_eq!(ActionId::from_wire(id.as_str()), Some(id));
        }
    }
}
