//! What a row of a management table is (docs/spec.md §3): its action id,
//! step and grade, the condition under which it applies ([`When`], read
//! with the step's [`Thresholds`]), its built-in texts and doses and the
//! brief words the summary sentence uses. The tables themselves are values
//! (`criteria/car_t.rs`, read through `criteria::Management`). Which rows
//! apply is decided by [`plan`](super::plan::plan); their texts and hours
//! come from the [`Protocol`](super::Protocol).

use super::number::push_number;

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

/// The thresholds a management step's conditions read (docs/spec.md §3):
/// each grade or hour a condition, the interval or a note compares with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// `crs_grade` from which concurrent CRS counts as active (docs/spec.md §1).
    pub active_crs_min_grade: u8,
    /// ICANS grade from which reassessment is urgent (docs/spec.md §3
    /// `reassess_hours`: 4 h at grade >= 2).
    pub urgent_reassess_min_grade: u8,
    /// `crs_grade` and ICANS grade from which the CRS/ICANS overlap is
    /// named (docs/spec.md §3).
    pub overlap_min_grade: u8,
    /// ICANS grade from which (to grade 4) the summary says there is no
    /// concurrent CRS, or that CRS grade 0 is a lower bound: tocilizumab
    /// only with concurrent CRS (docs/spec.md §3 "CRS words").
    pub crs_words_min_grade: u8,
    /// Hours of persisting grade-1 ICANS after which corticosteroids are
    /// considered (knowledge page "persistent > 24h").
    pub steroids_after_hours: f64,
    /// A seizure or edema attributed to another cause and graded at least
    /// this still gets its treatment (docs/spec.md §3 "Excluded but still
    /// an emergency").
    pub excluded_emergency_min_grade: u8,
    /// ICU transfer is considered at ICANS grade 2 from this CRS grade
    /// (docs/spec.md §3 `consider_icu`).
    pub icu_with_crs_min_grade: u8,
    /// CRS cannot be ruled out (fever not recorded), or is 0 only for want
    /// of fever, when hypotension or hypoxia is graded at least this
    /// (docs/spec.md §3 "CRS words"); the CRS grading says so with it.
    pub crs_unruled_min_organ_grade: u8,
    /// Hypotension or hypoxia graded at least this (a vasopressor,
    /// high-flow oxygen) without a recorded fever calls for ICU-level care
    /// whatever the cause (docs/spec.md §3, v4).
    pub shock_min_organ_grade: u8,
    /// The seizure grade from which anti-seizure therapy replaces
    /// prophylaxis (docs/spec.md §3).
    pub antiseizure_min_seizure_grade: u8,
    /// Status epilepticus: the seizure domain at this grade.
    pub status_epilepticus_grade: u8,
    /// The domain grade of encephalopathy, consciousness, seizure or edema
    /// at which the airway is at risk (docs/spec.md §3 `airway_protection`),
    /// and of edema at which ICP monitoring and edema therapy apply.
    pub life_threatening_domain_grade: u8,
}

/// When a row of the table applies (docs/spec.md §3 conditions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Always at this grade.
    Always,
    /// Only with concurrent CRS (CRS grade >= `Thresholds::active_crs_min_grade`).
    ConcurrentCrs,
    /// Only with CRS grade >= `Thresholds::icu_with_crs_min_grade`, or CRS that cannot
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
    /// Hypotension or hypoxia graded >= `Thresholds::shock_min_organ_grade` (not
    /// excluded) while the CRS grade is 0 for want of a recorded fever.
    ShockWithoutFever,
    /// Hypotension or hypoxia graded >= `Thresholds::crs_unruled_min_organ_grade` (not
    /// excluded) while the CRS grade is 0 for want of a recorded fever.
    OrganWithoutFever,
    /// Only when CRS cannot be ruled out: fever not recorded and not
    /// masked while hypotension or hypoxia is graded >= 2.
    CrsCannotBeRuledOut,
    /// Only when `hours_since_onset` > `Thresholds::steroids_after_hours`.
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
    /// The condition in words, with a management step's thresholds
    /// (`Management::describe`); `None` for [`When::Always`].
    pub fn describe(self, t: &Thresholds) -> Option<String> {
        let g = t.life_threatening_domain_grade;
        let Thresholds {
            active_crs_min_grade,
            icu_with_crs_min_grade,
            shock_min_organ_grade,
            crs_unruled_min_organ_grade,
            steroids_after_hours,
            status_epilepticus_grade,
            antiseizure_min_seizure_grade,
            ..
        } = *t;
        match self {
            When::Always => None,
            When::ConcurrentCrs => Some(format!(
                "only with concurrent CRS (CRS grade >= {active_crs_min_grade})"
            )),
            When::CrsGrade2Plus => Some(format!(
                "only with CRS grade >= {icu_with_crs_min_grade}, or CRS that cannot be ruled out and would be grade >= {icu_with_crs_min_grade} with fever"
            )),
            When::IcansAssessed => Some("only when an ICANS domain was assessed".into()),
            When::IcansNotAssessed => Some("only when no ICANS domain was assessed".into()),
            When::IcansGrade0OrNotAssessed => Some("only at ICANS grade 0 or ICANS not assessed".into()),
            When::IceUnableAwake => Some(
                "only when the ICE was not performed while awake (ice_band unable) and the other domains are below grade 3"
                    .into(),
            ),
            When::ShockWithoutFever => Some(format!(
                "only when hypotension or hypoxia is graded >= {shock_min_organ_grade} without a recorded fever (CRS cannot be ruled out, or none by ASTCT for want of fever)"
            )),
            When::OrganWithoutFever => Some(format!(
                "only when hypotension or hypoxia is graded >= {crs_unruled_min_organ_grade} without a recorded fever (CRS cannot be ruled out, or none by ASTCT for want of fever)"
            )),
            When::CrsCannotBeRuledOut => Some(format!(
                "only when CRS cannot be ruled out (fever not recorded and not masked, hypotension or hypoxia graded >= {crs_unruled_min_organ_grade})"
            )),
            When::PersistingOver24Hours => {
                Some(format!("only when hours_since_onset > {steroids_after_hours}"))
            }
            When::SteroidRefractory => Some("only when steroid_refractory".into()),
            When::SeizureGraded(n) if n == status_epilepticus_grade => Some(format!(
                "only when the seizure domain is graded {n} (status epilepticus)"
            )),
            When::SeizureGraded(n) => Some(format!("only when the seizure domain is graded {n}")),
            When::NoSeizureGraded3 => Some(format!(
                "only when the seizure domain is not graded >= {antiseizure_min_seizure_grade}"
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

/// A row of the ICANS step, labelled by the ICANS grade: the key is the id,
/// no dose, no child text, no corticosteroid until a builder says so.
pub(crate) const fn row(
    grade: u8,
    id: ActionId,
    when: When,
    text: &'static str,
    brief: &'static str,
) -> ActionRow {
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
pub(crate) const fn crs_row(
    grade: u8,
    id: ActionId,
    when: When,
    text: &'static str,
    brief: &'static str,
) -> ActionRow {
    ActionRow {
        step: Step::Crs,
        ..row(grade, id, when, text, brief)
    }
}

impl ActionRow {
    /// The same row giving a corticosteroid of this strength.
    pub(crate) const fn steroid(self, strength: u8) -> ActionRow {
        ActionRow {
            corticosteroid: strength,
            ..self
        }
    }

    /// The same row with its text for children.
    pub(crate) const fn for_children(self, child_text: &'static str, child_dose: Option<Dose>) -> ActionRow {
        ActionRow {
            child_text,
            child_dose,
            drug_order: self.drug_order || child_dose.is_some(),
            ..self
        }
    }

    /// The same row with a weight-based dose in its text, a drug order
    /// (`dose_mg` computed with the weight).
    pub(crate) const fn dosed(self, dose: Dose) -> ActionRow {
        ActionRow {
            dose: Some(dose),
            drug_order: true,
            ..self
        }
    }

    /// The same row naming a weight-based dose in its text without ordering
    /// it (no `dose_mg`).
    pub(crate) const fn naming_dose(self, dose: Dose) -> ActionRow {
        ActionRow {
            dose: Some(dose),
            drug_order: false,
            ..self
        }
    }

    /// The same row with a note added to the adult text when the age is
    /// not recorded, and when the weight is implausible (`weighed`).
    pub(crate) const fn when_age_unknown(self, note: &'static str) -> ActionRow {
        ActionRow {
            age_unknown_note: note,
            weight_warned_note: note,
            ..self
        }
    }

    /// The same row with its own note for an implausible weight.
    pub(crate) const fn when_weight_warned(self, note: &'static str) -> ActionRow {
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
    pub(crate) const fn keyed(self, key: &'static str) -> ActionRow {
        ActionRow { key, ..self }
    }
}

/// The words that end the text of an action given for a finding
/// attributed to another cause.
pub const ATTRIBUTED_SUFFIX: &str = "(attributed to another cause: treat it; not counted in the ICANS grade)";

/// Highest grade with management actions (grade 5 has none).
pub const MAX_ACTION_GRADE: u8 = 4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_round_trips() {
        for id in ActionId::ALL {
            assert_eq!(ActionId::from_wire(id.as_str()), Some(id));
        }
    }
}
