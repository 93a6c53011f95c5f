//! Institutional protocols: a centre's own words and doses for the
//! management actions, and its own reassessment hours. A protocol supplies
//! texts and hours only: which actions apply, and when, is the action
//! table's and the plan's (docs/spec.md §3), tocilizumab only with
//! concurrent CRS among them. [`Protocol::render`] turns a [`Plan`] into
//! the result's [`Management`].

use std::borrow::Cow;

use arrayvec::ArrayVec;

use super::actions::{self, ActionId, ActionRow, Step};
use super::criteria::{ALL_MANAGEMENT, ASTCT_2019, Instrument, Management as ManagementStep};
use super::plan::{Chosen, Interval, Merged, Note, Plan};
use super::result::CrsState;
use super::result::{Action, Management, PatientGroup};

/// The name results carry when no protocol file is given.
pub const BUILTIN_NAME: &str = "built-in";

/// Longest reassessment interval a protocol may set, in hours (a week).
pub const MAX_INTERVAL_HOURS: u8 = 168;

/// Reassessment intervals in hours (docs/spec.md §3 `reassess_hours`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Intervals {
    /// At grade 2 or more, with active CRS, or with ICE declining.
    pub urgent: u8,
    /// Otherwise at grade 0.
    pub grade_0: u8,
    /// Otherwise at grade 1.
    pub grade_1: u8,
}

impl Intervals {
    /// The hours of an interval.
    pub const fn hours(&self, interval: Interval) -> u8 {
        match interval {
            Interval::Urgent => self.urgent,
            Interval::Grade1 => self.grade_1,
            Interval::Grade0 => self.grade_0,
        }
    }
}

/// The built-in intervals: 4 h when ICANS is grade 2 or more, CRS is active
/// or ICE is declining (knowledge page: "every 4 hours if ICE score
/// declining or CRS active"); otherwise 12 h at grade 0 (ICE every 8-12 h
/// through day 10) and 8 h at grade 1 (ICE q8h).
pub const BUILTIN_INTERVALS: Intervals = Intervals {
    urgent: 4,
    grade_0: 12,
    grade_1: 8,
};

/// A management protocol: action texts (adults' by grade, children's by
/// action) and reassessment intervals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protocol {
    name: Cow<'static, str>,
    /// The management step whose rows its texts were checked against and
    /// speak for (`Criteria::management`).
    management: &'static ManagementStep,
    /// Adults' texts: step, grade, action key, text.
    texts: Vec<(Step, u8, &'static str, String)>,
    /// Children's texts: for one grade of one step, or (`None`) for every
    /// grade of both.
    child_texts: Vec<ChildText>,
    /// The reassessment intervals.
    pub intervals: Intervals,
}

/// A child's text: for one grade of one step, or (`None`) for every grade
/// of both; the action key; the text.
type ChildText = (Option<(Step, u8)>, &'static str, String);

/// A children's text of a protocol (`[child]` or `[child.grade_N]`),
/// checked against the management step's rows: an action of that grade (or
/// of any), a text, `{dose}` only where every row it serves has a per-kg
/// dose for children.
fn child_text(
    management: &'static ManagementStep,
    grade: Option<u8>,
    key: String,
    text: String,
) -> Result<ChildText, ProtocolError> {
    let row = match grade {
        Some(g) => management.find_key(Step::Icans, g, &key).ok_or_else(|| {
            ProtocolError(format!(
                "child.grade_{g}.{key}: not an action of grade {g} (allowed: {})",
                management.names(Step::Icans, g)
            ))
        })?,
        None => management
            .actions()
            .iter()
            .find(|r| r.key == key)
            .ok_or_else(|| {
                ProtocolError(format!(
                    "child.{key}: not an action (allowed: {}, or a [child.grade_N] table)",
                    management.all_keys().join(", ")
                ))
            })?,
    };
    let entry = match grade {
        Some(g) => format!("child.grade_{g}.{key}"),
        None => format!("child.{key}"),
    };
    if text.trim().is_empty() {
        return Err(ProtocolError(format!(
            "{entry}: empty text (allowed: the action's text for children, with a per-kg dose or none)"
        )));
    }
    // Every row the text serves must have a per-kg dose for children.
    let served = management
        .actions()
        .iter()
        .filter(|r| r.key == row.key && grade.is_none_or(|g| r.step == Step::Icans && r.grade == g));
    if text.contains(DOSE_PLACEHOLDER) && served.clone().any(|r| child_dose(r).is_none()) {
        return Err(no_dose(&entry));
    }
    Ok((grade.map(|g| (Step::Icans, g)), row.key, text))
}

/// Who a management step is for, as its texts need it (docs/spec.md §6).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Patient {
    /// Adult or child: a child never sees an adult absolute dose.
    pub group: PatientGroup,
    /// Body weight, for computed doses; `None` also when the weight is
    /// implausible for the age (doses then shown per kg, docs/spec.md §6).
    pub weight_kg: Option<f64>,
    /// The instrument the texts name (ICE or CAPD).
    pub instrument: Instrument,
    /// The age is recorded. Without it an adult's pulse text also gives
    /// the child's dose (docs/spec.md §6).
    pub age_known: bool,
    /// The weight is implausible for the age and not confirmed: doses per
    /// kg only, "confirm the weight before dosing" on every dose text, the
    /// child alternative beside an adult absolute dose (docs/spec.md §6, v4).
    pub weight_warned: bool,
}

/// The placeholder of a weight-based dose in a text.
const DOSE_PLACEHOLDER: &str = "{dose}";

/// `{dose}` in the text of an action that has no per-kg dose would be
/// printed as it is: the protocol is refused (docs/spec.md §3).
fn no_dose(entry: &str) -> ProtocolError {
    ProtocolError(format!(
        "{entry}: {DOSE_PLACEHOLDER} in the text of an action without a per-kg dose (allowed: the dose written out, or {DOSE_PLACEHOLDER} only in methylprednisolone, methylprednisolone_pulse for children, tocilizumab and confirm_crs)"
    ))
}

/// The per-kg dose a child's text of a row takes.
fn child_dose(row: &ActionRow) -> Option<actions::Dose> {
    if row.child_text.is_empty() {
        row.dose
    } else {
        row.child_dose
    }
}

/// Why a protocol was refused; names the table, the key and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ProtocolError(pub String);

impl Protocol {
    /// The built-in protocol: the texts of the action table and the
    /// built-in intervals.
    pub const BUILTIN: Protocol = Protocol {
        name: Cow::Borrowed(BUILTIN_NAME),
        management: ASTCT_2019.management(),
        texts: Vec::new(),
        child_texts: Vec::new(),
        intervals: BUILTIN_INTERVALS,
    };

    /// A protocol named `name` with adults' texts replacing the built-in
    /// ones (grade, action key, text), children's texts (grade or every
    /// grade, action key, text),
    /// and its own intervals, for the management step of ASTCT 2019
    /// ([`Protocol::new_for`]). Refuses the reserved name, an action that is
    /// not in that grade's table, an empty text or name, and intervals
    /// outside 1-168 h or out of order (urgent <= grade 1 <= grade 0).
    pub fn new(
        name: impl Into<String>,
        texts: Vec<(u8, String, String)>,
        child_texts: Vec<(Option<u8>, String, String)>,
        intervals: Intervals,
    ) -> Result<Protocol, ProtocolError> {
        Protocol::new_for(ASTCT_2019.management(), name, texts, child_texts, intervals)
    }

    /// [`Protocol::new`] for a management step: its texts are checked
    /// against that step's rows, and speak for them only (a row of another
    /// step gets its built-in text).
    pub fn new_for(
        management: &'static ManagementStep,
        name: impl Into<String>,
        texts: Vec<(u8, String, String)>,
        child_texts: Vec<(Option<u8>, String, String)>,
        intervals: Intervals,
    ) -> Result<Protocol, ProtocolError> {
        let name = name.into();
        if name.trim().is_empty() {
            return Err(ProtocolError(
                "name: empty (allowed: a name shown in every result)".into(),
            ));
        }
        if name.trim().eq_ignore_ascii_case(BUILTIN_NAME) {
            return Err(ProtocolError(format!(
                "name: {name:?} is reserved for the built-in protocol (allowed: any other name)"
            )));
        }
        let mut adult = Vec::new();
        for (grade, key, text) in texts {
            if grade > actions::MAX_ACTION_GRADE {
                return Err(ProtocolError(format!(
                    "grade_{grade}: no such grade (allowed: grade_0 to grade_{})",
                    actions::MAX_ACTION_GRADE
                )));
            }
            let Some(row) = management.find_key(Step::Icans, grade, &key) else {
                return Err(ProtocolError(format!(
                    "grade_{grade}.{key}: not an action of grade {grade} (allowed: {})",
                    management.names(Step::Icans, grade)
                )));
            };
            if text.trim().is_empty() {
                return Err(ProtocolError(format!(
                    "grade_{grade}.{key}: empty text (allowed: the action's text, with dose)"
                )));
            }
            if text.contains(DOSE_PLACEHOLDER) && row.dose.is_none() {
                return Err(no_dose(&format!("grade_{grade}.{key}")));
            }
            adult.push((Step::Icans, grade, row.key, text));
        }
        let child = child_texts
            .into_iter()
            .map(|(grade, key, text)| child_text(management, grade, key, text))
            .collect::<Result<Vec<_>, _>>()?;
        for (key, hours) in [
            ("urgent", intervals.urgent),
            ("grade_0", intervals.grade_0),
            ("grade_1", intervals.grade_1),
        ] {
            if !(1..=MAX_INTERVAL_HOURS).contains(&hours) {
                return Err(ProtocolError(format!(
                    "reassess_hours.{key}: {hours} is out of range (allowed: whole hours 1-{MAX_INTERVAL_HOURS})"
                )));
            }
        }
        if intervals.urgent > intervals.grade_1 || intervals.grade_1 > intervals.grade_0 {
            return Err(ProtocolError(format!(
                "reassess_hours: urgent {} h, grade_1 {} h, grade_0 {} h are out of order (allowed: urgent <= grade_1 <= grade_0: worse findings are reassessed sooner)",
                intervals.urgent, intervals.grade_1, intervals.grade_0
            )));
        }
        Ok(Protocol {
            name: Cow::Owned(name),
            management,
            texts: adult,
            child_texts: child,
            intervals,
        })
    }

    /// The same protocol with texts for the CRS step (docs/spec.md §3, v4):
    /// adults' `[crs.grade_N]` texts and children's `[child.crs.grade_N]`
    /// texts (CRS grade, action key, text). Refuses an action that is not in
    /// that CRS grade's table, an empty text, and `{dose}` where the action
    /// has no per-kg dose.
    pub fn with_crs_texts(
        mut self,
        texts: Vec<(u8, String, String)>,
        child_texts: Vec<(u8, String, String)>,
    ) -> Result<Protocol, ProtocolError> {
        for (child, list) in [(false, texts), (true, child_texts)] {
            for (grade, key, text) in list {
                let entry = format!("{}crs.grade_{grade}.{key}", if child { "child." } else { "" });
                let row = self.management.find_key(Step::Crs, grade, &key).ok_or_else(|| {
                    ProtocolError(format!(
                        "{entry}: not an action of CRS grade {grade} (allowed: {})",
                        self.management.names(Step::Crs, grade)
                    ))
                })?;
                if text.trim().is_empty() {
                    return Err(ProtocolError(format!(
                        "{entry}: empty text (allowed: the action's text, with dose)"
                    )));
                }
                let dose = if child { child_dose(row) } else { row.dose };
                if text.contains(DOSE_PLACEHOLDER) && dose.is_none() {
                    return Err(no_dose(&entry));
                }
                if child {
                    self.child_texts.push((Some((Step::Crs, grade)), row.key, text));
                } else {
                    self.texts.push((Step::Crs, grade, row.key, text));
                }
            }
        }
        Ok(self)
    }

    /// The protocol's name, as results show it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The protocol's own text of a row for a patient, when it set one
    /// that differs from the built-in text: for a child, the
    /// `[child.grade_N]` text, else the `[child]` text (never a centre's
    /// adult text, which may hold an adult dose); for an adult, the text
    /// for that grade. A text equal to the built-in one (a file written by
    /// `icans protocol` and loaded back) is no text of its own, so it never
    /// shadows the next (docs/spec.md §3 "Protocol files").
    fn own_text(&self, row: &ActionRow, group: PatientGroup) -> Option<&str> {
        // The built-in protocol (most runs) has no texts: answered before
        // the checks below (0.3% of a full batch's instructions).
        if self.texts.is_empty() && self.child_texts.is_empty() {
            return None;
        }
        // Its texts were checked against its own step's rows only.
        if !self
            .management
            .actions()
            .as_ptr_range()
            .contains(&std::ptr::from_ref(row))
        {
            return None;
        }
        let builtin = builtin_text(row, group);
        let own = |t: &&ChildText| t.1 == row.key && t.2 != builtin;
        match group {
            PatientGroup::Child => self
                .child_texts
                .iter()
                .filter(own)
                .find(|t| t.0 == Some((row.step, row.grade)))
                .or_else(|| self.child_texts.iter().filter(own).find(|t| t.0.is_none()))
                .map(|t| t.2.as_str()),
            PatientGroup::Adult => self
                .texts
                .iter()
                .find(|(s, g, k, t)| *s == row.step && *g == row.grade && *k == row.key && t != builtin)
                .map(|(_, _, _, t)| t.as_str()),
        }
    }

    /// The result's management step: the plan's actions with this
    /// protocol's texts for this patient (doses per kg, or computed with
    /// the weight; the instrument named), its hours, and the summary sentence
    /// built from the chosen actions and the plan's notes. `lower_bound_note`
    /// ends the summary of an incomplete result. At death there is no step.
    pub fn render(&self, plan: &Plan, patient: &Patient, lower_bound_note: Option<&str>) -> Management {
        if let Some(death) = plan.death {
            let mut summary = String::from(death.words());
            summary.push_str(": no management step.");
            return Management {
                summary,
                actions: Vec::new(),
                reassess_hours: None,
            };
        }
        // At most one a row: held inline, like the rows.
        let mut briefs = Briefs::new();
        let mut crs_briefs = Briefs::new();
        let actions = plan
            .rows
            .iter()
            .map(|chosen| {
                let (action, brief) = self.action(plan, chosen, patient);
                if chosen.crs_side {
                    crs_briefs.extend(brief);
                } else {
                    briefs.extend(brief);
                }
                action
            })
            .collect();
        Management {
            summary: summary(plan, &briefs, &crs_briefs, lower_bound_note),
            actions,
            reassess_hours: plan.interval.map(|i| self.intervals.hours(i)),
        }
    }

    /// A row's text for a patient, and its brief for the summary: the
    /// protocol's own text (its brief the text itself), else the built-in
    /// one (filled once, unless a dose is computed with the weight).
    fn text(
        &self,
        r: &'static ActionRow,
        patient: &Patient,
        shared: bool,
    ) -> (Cow<'static, str>, Option<Cow<'static, str>>) {
        let dose = match patient.group {
            PatientGroup::Child => child_dose(r),
            PatientGroup::Adult => r.dose,
        };
        let builtin = filled(r, patient.instrument, patient.group);
        match self.own_text(r, patient.group) {
            Some(own) => {
                let t = fill(own, patient.instrument, dose, patient.weight_kg);
                let brief = Cow::Owned(t.trim_end_matches('.').to_string());
                let t = match shared {
                    true => without_one_syndrome_taper(&t).into_owned(),
                    false => t,
                };
                (Cow::Owned(t), Some(brief))
            }
            None => {
                let brief = (!builtin.brief.is_empty()).then_some(Cow::Borrowed(builtin.brief.as_str()));
                // The one-syndrome taper of a shared corticosteroid is cut
                // from the template once (`filled`), not searched for in
                // every result.
                let (template, done) = match shared {
                    true => (builtin.shared_template.as_str(), builtin.shared_text.as_str()),
                    false => (builtin_text(r, patient.group), builtin.text.as_str()),
                };
                let text = match (dose, patient.weight_kg) {
                    (Some(_), Some(w)) => Cow::Owned(fill(template, patient.instrument, dose, Some(w))),
                    _ => Cow::Borrowed(done),
                };
                (text, brief)
            }
        }
    }

    /// One action of the step: its text for the patient (a taper on one
    /// syndrome's improvement cut from a corticosteroid both steps share),
    /// the adult note for an unknown age, the words of an action given for
    /// a finding attributed to another cause, and the words of an action
    /// that serves both steps; its computed dose; its brief.
    fn action(&self, plan: &Plan, chosen: &Chosen, patient: &Patient) -> (Action, Option<Cow<'static, str>>) {
        let r = chosen.row;
        let shared = matches!(chosen.merged, Merged::Corticosteroid { .. });
        let (mut text, mut brief) = self.text(r, patient, shared);
        if patient.group == PatientGroup::Adult {
            let note = match (patient.age_known, patient.weight_warned) {
                (false, _) => r.age_unknown_note,
                (true, true) => r.weight_warned_note,
                (true, false) => "",
            };
            if !note.is_empty() {
                text = Cow::Owned(then(&text, note));
            }
        }
        if patient.weight_warned && r.shows_dose() {
            text = Cow::Owned(then(&text, CONFIRM_THE_WEIGHT));
        }
        if chosen.attributed {
            text = Cow::Owned(then(&text, actions::ATTRIBUTED_SUFFIX));
            brief = brief.map(|b| Cow::Owned([&b, ATTRIBUTED_BRIEF].concat()));
        }
        match chosen.merged {
            Merged::No => {}
            Merged::Corticosteroid {
                after_consider_dexamethasone,
            } => {
                // The built-in CRS corticosteroid texts carry the antifungal
                // words; a centre's text may.
                let carries = match self.own_text(r, patient.group) {
                    Some(_) => text.contains(ANTIFUNGAL),
                    None => r.step == Step::Crs,
                };
                let both = Both {
                    icans: plan.grade,
                    crs: plan.crs,
                };
                text =
                    Cow::Owned(both.corticosteroid(text.into_owned(), after_consider_dexamethasone, carries));
            }
            Merged::Icu(crs_row) => {
                let (crs_text, _) = self.text(crs_row, patient, false);
                let both = Both {
                    icans: plan.grade,
                    crs: plan.crs,
                };
                text = Cow::Owned(both.icu(&text, chosen.attributed, &crs_text));
            }
        }
        let dose = match patient.group {
            PatientGroup::Child => child_dose(r),
            PatientGroup::Adult => r.dose,
        };
        let action = Action {
            id: r.id,
            text,
            dose_mg: dose
                .filter(|_| r.drug_order)
                .zip(patient.weight_kg)
                .map(|(d, w)| d.mg(w)),
        };
        (action, brief)
    }
}

/// The two grades an action shared by both steps names (docs/spec.md §3,
/// v4). Its words are put together piece by piece (no formatter: a shared
/// action is in a quarter of full results).
struct Both {
    icans: u8,
    crs: CrsState,
}

/// A grade 0-9 as its digit.
fn digit(g: u8) -> char {
    char::from(b'0' + g.min(9))
}

impl Both {
    /// The corticosteroid both steps share: its text (one-syndrome taper
    /// already cut), what it keeps of `consider_dexamethasone`, the
    /// antifungal words unless it `carries` them, then the joint taper.
    fn corticosteroid(&self, mut t: String, after_consider_dexamethasone: bool, carries: bool) -> String {
        if after_consider_dexamethasone {
            t.push_str("; ");
            t.push_str(AFTER_CONSIDER_DEXAMETHASONE);
        }
        if !carries {
            t.push_str("; ");
            t.push_str(ANTIFUNGAL);
        }
        t.push_str(" (for ICANS grade ");
        t.push(digit(self.icans));
        t.push_str(" and CRS grade ");
        t.push(digit(self.crs.grade()));
        t.push_str("; continue until ICANS and CRS are both grade 1 or less, then taper)");
        t
    }

    /// The ICU both steps give: the ICANS text and its reason (none for an
    /// ICU given for a finding attributed to another cause, which says
    /// so), then the CRS step's text and its reason.
    fn icu(&self, icans_text: &str, attributed: bool, crs_text: &str) -> String {
        let mut t = String::with_capacity(icans_text.len() + crs_text.len() + 80);
        t.push_str(icans_text.trim_end_matches('.'));
        if !attributed {
            t.push_str(" (for ICANS grade ");
            t.push(digit(self.icans));
            t.push(')');
        }
        t.push_str("; ");
        t.push_str(crs_text.trim_end_matches('.'));
        match self.crs {
            CrsState::Active(g) => {
                t.push_str(" (for CRS grade ");
                t.push(digit(g));
                t.push(')');
            }
            _ => t.push_str(" (for hypotension or hypoxia without a recorded fever)"),
        }
        t
    }
}

/// The briefs of a summary's part: at most one a row.
type Briefs = ArrayVec<Cow<'static, str>, { ActionId::ALL.len() }>;

/// What every dose text adds while the weight is implausible for the age
/// and not confirmed (docs/spec.md §6, v4).
pub const CONFIRM_THE_WEIGHT: &str = "(confirm the weight before dosing)";

/// What every corticosteroid given for CRS adds (ASCO 2021).
pub const ANTIFUNGAL: &str = "strongly consider antifungal prophylaxis while on corticosteroids";

/// What an ICANS corticosteroid that stands where the CRS step would give
/// `consider_dexamethasone` keeps of it (docs/spec.md §3, v4).
pub const AFTER_CONSIDER_DEXAMETHASONE: &str = "no improvement 24 h after tocilizumab: manage as CRS grade 3";

/// The tapers on one syndrome's improvement the corticosteroid texts hold
/// (built-in ones, and a centre's that use the same words), longest first:
/// a corticosteroid both steps share is tapered only when both syndromes
/// are at grade 1 or less, so the first of these its text holds is cut
/// (docs/spec.md §3, v4).
pub const ONE_SYNDROME_TAPERS: [&str; 5] = [
    ", until improvement to grade 1, then taper",
    " until improvement to grade 1, then taper",
    ", then rapid taper once improved",
    " until CRS grade 1",
    ", then taper",
];

/// A corticosteroid text without its taper on one syndrome's improvement.
fn without_one_syndrome_taper(text: &str) -> Cow<'_, str> {
    match ONE_SYNDROME_TAPERS.iter().find(|t| text.contains(**t)) {
        Some(taper) => Cow::Owned(text.replacen(taper, "", 1)),
        None => Cow::Borrowed(text),
    }
}

/// The built-in text of a row for a patient group, placeholders unfilled.
fn builtin_text(row: &ActionRow, group: PatientGroup) -> &'static str {
    match group {
        PatientGroup::Child if !row.child_text.is_empty() => row.child_text,
        _ => row.text,
    }
}

/// A built-in text and brief with the placeholders filled (doses per kg).
#[derive(Debug)]
struct Filled {
    text: String,
    brief: String,
    /// The template of a corticosteroid both steps share: the built-in text
    /// with its one-syndrome taper cut, placeholders unfilled.
    shared_template: String,
    /// The same, filled (doses per kg).
    shared_text: String,
}

/// Every row's built-in text and brief, filled once for each management
/// step, screening instrument and patient group, so that grading a record
/// allocates none of them.
fn filled(row: &'static ActionRow, instrument: Instrument, group: PatientGroup) -> &'static Filled {
    static FILLED: std::sync::OnceLock<Vec<Vec<Vec<Filled>>>> = std::sync::OnceLock::new();
    let all = FILLED.get_or_init(|| {
        ALL_MANAGEMENT
            .iter()
            .map(|m| m.actions().iter().map(filled_row).collect())
            .collect()
    });
    // The texts name the instrument to screen with: ICE for CARTOX-10 and
    // band records too.
    let variant = instrument.screening_index() * PatientGroup::ALL.len() + group as usize;
    let (table, at) = row_index(row);
    // In bounds: one list per management step, one entry per row, one
    // variant for every screening instrument and group.
    &all[table][at][variant]
}

/// One row's texts, filled for every screening instrument and group.
fn filled_row(r: &'static ActionRow) -> Vec<Filled> {
    let make = |i: Instrument, g: PatientGroup| {
        let dose = match g {
            PatientGroup::Child => child_dose(r),
            PatientGroup::Adult => r.dose,
        };
        let shared_template = without_one_syndrome_taper(builtin_text(r, g)).into_owned();
        Filled {
            text: fill(builtin_text(r, g), i, dose, None),
            brief: fill(r.brief, i, None, None),
            shared_text: fill(&shared_template, i, dose, None),
            shared_template,
        }
    };
    Instrument::ALL
        .iter()
        .filter(|i| i.screens())
        .flat_map(|i| PatientGroup::ALL.iter().map(move |g| make(*i, *g)))
        .collect()
}

/// The management step a row is of and its position in that step's table,
/// found from its address: the rows a plan holds are the tables' own
/// (`Management::rows`), so this is checked and exact; a row from
/// elsewhere is searched for by step, grade and key (in the first table
/// that has it). (The search, for each row of every result, was 2% of a
/// full batch's instructions.)
fn row_index(row: &'static ActionRow) -> (usize, usize) {
    let size = std::mem::size_of::<ActionRow>().max(1);
    for (t, m) in ALL_MANAGEMENT.iter().enumerate() {
        let table = m.actions();
        let offset = (row as *const ActionRow as usize).wrapping_sub(table.as_ptr() as usize);
        let at = offset / size;
        if offset % size == 0 && table.get(at).is_some_and(|r| std::ptr::eq(r, row)) {
            return (t, at);
        }
    }
    ALL_MANAGEMENT
        .iter()
        .enumerate()
        .find_map(|(t, m)| {
            m.actions()
                .iter()
                .position(|r| r.step == row.step && r.grade == row.grade && r.key == row.key)
                .map(|at| (t, at))
        })
        .unwrap_or_default()
}

/// A text with its placeholders filled: `{instrument}` (ICE or CAPD),
/// `{trend}` ("ICE declining" or "CAPD worsening"), `{dose}`.
fn fill(text: &str, instrument: Instrument, dose: Option<actions::Dose>, weight_kg: Option<f64>) -> String {
    let screening = instrument.screening().row();
    let (name, trend) = (screening.name, screening.trend.words);
    // One pass, each placeholder filled where it stands: what is filled in
    // holds no brace, so this is the same as replacing each in turn.
    let mut out = String::with_capacity(text.len() + 40);
    let mut rest = text;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        rest = if let Some(after) = tail.strip_prefix("{instrument}") {
            out.push_str(name);
            after
        } else if let Some(after) = tail.strip_prefix("{trend}") {
            out.push_str(trend);
            after
        } else if let (Some(after), Some(d)) = (tail.strip_prefix("{dose}"), dose) {
            d.describe_into(&mut out, weight_kg);
            after
        } else {
            out.push('{');
            &tail[1..]
        };
    }
    out.push_str(rest);
    out
}

/// What a brief of an action attributed to another cause ends with.
const ATTRIBUTED_BRIEF: &str = " (attributed to another cause)";

/// A text's sentence followed by more words: "a." then "b" is "a b" (made
/// at once, not through the formatter: 1% of a full batch's instructions).
fn then(text: &str, more: &str) -> String {
    [text.trim_end_matches('.'), " ", more].concat()
}

/// What the summary says of the CRS state (docs/spec.md §3 "CRS words").
fn crs_sentence(state: CrsState) -> String {
    match state {
        CrsState::Absent => {
            "No concurrent CRS: tocilizumab is not indicated (it does not treat ICANS and may raise free IL-6)."
                .into()
        }
        CrsState::NotAssessed => "CRS not assessed (tocilizumab only with concurrent CRS).".into(),
        CrsState::LowerBound => {
            "CRS grade 0 or higher (lower bound): tocilizumab only with concurrent CRS.".into()
        }
        other => format!("{}.", other.words().unwrap_or_default()),
    }
}

/// Appends "a", "a and b", "a, b and c".
fn listed<'a>(out: &mut String, parts: impl Iterator<Item = &'a str> + Clone) {
    let n = parts.clone().count();
    for (i, part) in parts.enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == n { " and " } else { ", " });
        }
        out.push_str(part);
    }
}

/// The summary sentence: the grade, the chosen actions in brief, then the
/// plan's notes and the lower-bound note. Built from the plan, so it can
/// never name an action the result does not carry.
fn summary(
    plan: &Plan,
    briefs: &[Cow<'static, str>],
    crs_briefs: &[Cow<'static, str>],
    lower_bound_note: Option<&str>,
) -> String {
    // Room for a summary at once (the longest of 1M generated records: 531
    // bytes), so it is not grown phrase by phrase.
    let mut s = String::with_capacity(512);
    let masked = plan.notes.iter().find_map(|n| match n {
        Note::CannotBeRuledOut(ds) => Some(*ds),
        _ => None,
    });
    if let Some(ds) = masked {
        s.push_str("ICANS cannot be ruled out: ");
        let names: Vec<&str> = ds.iter().map(|d| d.as_str()).collect();
        listed(&mut s, names.iter().copied());
        s.push_str(", attributed to another cause, would grade higher; reassess urgently. ");
    }
    match plan.grade {
        _ if plan.ice_unable_awake => {
            s.push_str(super::result::ICE_UNABLE_AWAKE);
            if plan.grade > 0 {
                s.push_str(". Grade ");
                s.push(digit(plan.grade));
                s.push_str(" ICANS in the domains assessed");
            }
            s.push_str(": ");
        }
        _ if !plan.icans_assessed => s.push_str("ICANS not assessed: "),
        0 if masked.is_some() => s.push_str("Grade 0 in the domains counted: "),
        // An incomplete grade 0 is never "No ICANS" (docs/spec.md §2, v4).
        0 if !plan.unassessed.is_empty() => {
            s.push_str("No ICANS in the domains assessed; not assessed: ");
            let names: ArrayVec<&str, 5> = plan.unassessed.iter().map(|d| d.as_str()).collect();
            s.push_str(&names.join(", "));
            s.push_str("; ");
        }
        0 => s.push_str("No ICANS: "),
        g => {
            s.push_str("Grade ");
            s.push(digit(g));
            s.push_str(" ICANS: ");
        }
    }
    listed(&mut s, briefs.iter().map(|b| b.as_ref()));
    s.push('.');
    if !crs_briefs.is_empty() {
        match plan.crs {
            CrsState::Active(g) => {
                s.push_str(" CRS grade ");
                s.push(digit(g));
                s.push_str(" (ASCO 2021): ");
            }
            _ => s.push_str(" Hypotension or hypoxia without a recorded fever: "),
        }
        listed(&mut s, crs_briefs.iter().map(|b| b.as_ref()));
        s.push('.');
    }
    for note in &plan.notes {
        match note {
            Note::CannotBeRuledOut(_) => {}
            Note::Crs(state) => {
                s.push(' ');
                s.push_str(&crs_sentence(*state));
            }
            Note::Overlap { crs, icans } => s.push_str(&format!(
                " CRS/ICANS overlap (CRS grade {crs}, ICANS grade {icans}): combined tocilizumab plus corticosteroid approach."
            )),
        }
    }
    if let Some(note) = lower_bound_note {
        s.push(' ');
        s.push_str(note);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::plan::{Context, plan};

    /// Every row of the table is found at its place from its address; a
    /// copy of a row, elsewhere in memory, by its grade and key.
    /// Every built-in corticosteroid text, adult's and child's, holds a
    /// one-syndrome taper, except `consider_*`, which taper nothing; once
    /// the merge has cut it, none is left.
    #[test]
    fn every_shared_corticosteroid_text_holds_one_taper_the_merge_cuts() {
        let table = ASTCT_2019.management().actions();
        for r in table.iter().filter(|r| r.corticosteroid > 0) {
            for text in [r.text, builtin_text(r, PatientGroup::Child)] {
                let held = ONE_SYNDROME_TAPERS.iter().any(|t| text.contains(*t));
                let considered = matches!(
                    r.id,
                    ActionId::ConsiderCorticosteroids | ActionId::ConsiderDexamethasone
                );
                assert_eq!(held, !considered, "{} at {}: {text}", r.key, r.grade);
                let cut = without_one_syndrome_taper(text);
                for t in ONE_SYNDROME_TAPERS {
                    assert!(!cut.contains(t), "{} at {}: {cut}", r.key, r.grade);
                }
            }
        }
    }

    #[test]
    fn every_row_is_found_at_its_place() {
        for (t, m) in ALL_MANAGEMENT.iter().enumerate() {
            for (i, row) in m.actions().iter().enumerate() {
                assert_eq!(row_index(row), (t, i));
                let copy: &'static ActionRow = Box::leak(Box::new(*row));
                assert_eq!(row_index(copy).1, i, "{}", row.key);
            }
        }
    }

    /// A protocol's texts were checked against its management step's rows:
    /// a row of another step (here a copy, elsewhere in memory) gets its
    /// built-in text.
    #[test]
    fn a_protocol_speaks_only_for_the_rows_it_was_checked_against() {
        let p = Protocol::new(
            "Centre",
            vec![(2, "eeg".into(), "Our EEG".into())],
            vec![(None, "eeg".into(), "Our child EEG".into())],
            BUILTIN_INTERVALS,
        )
        .unwrap();
        let row = ASTCT_2019.management().find_key(Step::Icans, 2, "eeg").unwrap();
        assert_eq!(p.own_text(row, PatientGroup::Adult), Some("Our EEG"));
        assert_eq!(p.own_text(row, PatientGroup::Child), Some("Our child EEG"));
        let copy: &'static ActionRow = Box::leak(Box::new(*row));
        assert_eq!(p.own_text(copy, PatientGroup::Adult), None);
        assert_eq!(p.own_text(copy, PatientGroup::Child), None);
    }

    fn ctx(grade: u8, crs_grade: u8) -> Context {
        Context {
            crs: match crs_grade {
                0 => CrsState::Absent,
                g => CrsState::Active(g),
            },
            ..Context::of_grade(grade, ASTCT_2019.management())
        }
    }

    const ADULT: Patient = Patient {
        group: PatientGroup::Adult,
        weight_kg: None,
        instrument: Instrument::Ice,
        age_known: true,
        weight_warned: false,
    };

    #[test]
    fn the_summary_lists_the_chosen_actions() {
        let m = Protocol::BUILTIN.render(&plan(&ctx(1, 2)), &ADULT, None);
        assert_eq!(
            m.summary,
            "Grade 1 ICANS: close monitoring, supportive care and tocilizumab for the concurrent CRS. CRS grade 2 (ASCO 2021): dexamethasone if no improvement 24 h after tocilizumab, fluids and oxygen, cardiac and oxygen monitoring and CRS supportive care."
        );
        let m = Protocol::BUILTIN.render(
            &plan(&ctx(0, 0)),
            &ADULT,
            Some("Lower bound: motor not assessed."),
        );
        assert_eq!(
            m.summary,
            "No ICANS in the domains assessed; not assessed: encephalopathy, consciousness, seizure, motor, edema; continue ICE screening. Lower bound: motor not assessed."
        );
        assert_eq!(m.reassess_hours, Some(12));
    }

    #[test]
    fn a_protocol_changes_texts_and_hours_only_and_its_texts_reach_the_summary() {
        let p = Protocol::new(
            "Centre",
            vec![(
                2,
                "dexamethasone".into(),
                "Dexamethasone per unit protocol".into(),
            )],
            vec![],
            Intervals {
                urgent: 2,
                grade_0: 24,
                grade_1: 6,
            },
        )
        .expect("a valid protocol");
        let m = p.render(&plan(&ctx(2, 0)), &ADULT, None);
        assert_eq!(m.actions[0].text, "Dexamethasone per unit protocol");
        assert!(
            m.summary
                .starts_with("Grade 2 ICANS: Dexamethasone per unit protocol, seizure prophylaxis"),
            "{}",
            m.summary
        );
        assert_eq!(m.reassess_hours, Some(2));
        assert_eq!(m.actions.len(), 4);
        let child = Patient {
            group: PatientGroup::Child,
            ..ADULT
        };
        let m = p.render(&plan(&ctx(2, 0)), &child, None);
        assert!(
            m.actions[0].text.contains("weight-based paediatric dose"),
            "a centre's adult text never reaches a child"
        );
    }

    #[test]
    fn a_protocol_cannot_add_an_action_to_a_grade_or_take_the_builtin_name() {
        let e = Protocol::new(
            "x",
            vec![(0, "tocilizumab".into(), "t".into())],
            vec![],
            BUILTIN_INTERVALS,
        )
        .unwrap_err();
        assert_eq!(
            e.0,
            "grade_0.tocilizumab: not an action of grade 0 (allowed: examine_now, ice_screening, ice_screening_not_assessed, confirm_crs)"
        );
        let e = Protocol::new("Built-In", vec![], vec![], BUILTIN_INTERVALS).unwrap_err();
        assert!(e.0.starts_with("name: \"Built-In\" is reserved"), "{}", e.0);
    }

    #[test]
    fn children_see_per_kg_doses_and_capd() {
        let child = Patient {
            group: PatientGroup::Child,
            weight_kg: Some(20.0),
            instrument: Instrument::Capd,
            age_known: true,
            weight_warned: false,
        };
        let mut c = ctx(4, 1);
        c.domain_grades[4] = Some(4);
        let m = Protocol::BUILTIN.render(&plan(&c), &child, None);
        let pulse = m
            .actions
            .iter()
            .find(|a| a.id == actions::ActionId::MethylprednisolonePulse)
            .expect("pulse");
        assert_eq!(
            pulse.text,
            "Pulse methylprednisolone 600 mg (30 mg/kg, max 1 g a day) IV daily for 3 days, then taper"
        );
        assert_eq!(pulse.dose_mg, Some(600));
        let toci = m
            .actions
            .iter()
            .find(|a| a.id == actions::ActionId::Tocilizumab)
            .expect("tocilizumab");
        assert_eq!(toci.dose_mg, Some(240));
        let m0 = Protocol::BUILTIN.render(&plan(&ctx(0, 0)), &child, None);
        assert!(
            m0.actions[0].text.starts_with("CAPD screening"),
            "{}",
            m0.actions[0].text
        );
        assert!(m0.actions[0].text.contains("CAPD worsening"));
        // A bare context assesses no domain: never "No ICANS" (v4).
        assert_eq!(
            m0.summary,
            "No ICANS in the domains assessed; not assessed: encephalopathy, consciousness, seizure, motor, edema; continue CAPD screening."
        );
    }
}
