//! Pure ICANS grading by the ASTCT 2019 consensus (docs/spec.md §2-4).
//!
//! A validated [`Assessment`] in, a [`Grading`] out: the grade, each
//! domain, the drivers, completeness, warnings and the management step.
//! No I/O, no printing, no process exit: every clinical rule of the crate
//! lives in this module, and only here.
//!
//! ```
//! use icans::grading::{grade, Assessment, Consciousness, EncephalopathyScore};
//!
//! let record = Assessment {
//!     encephalopathy: Some(EncephalopathyScore::Ice { items: None, total: 5 }),
//!     consciousness: Some(Consciousness::AwakensToVoice),
//!     ..Assessment::default()
//! };
//! let result = grade(&record);
//! assert_eq!(result.grade, Some(2));
//! assert!(!result.complete); // seizure, motor and edema not assessed
//!
//! // A record of CRS findings alone: ICANS not assessed (grade null).
//! let crs_only = Assessment { temperature_c: Some(39.2), ..Assessment::default() };
//! assert_eq!(grade(&crs_only).grade, None);
//! ```

#[macro_use]
mod vocab;
pub mod actions;
mod assessment;
pub mod catalogue;
pub mod criteria;
pub mod crs;
mod domain;
mod number;
pub mod plan;
mod protocol;
mod record;
mod result;
pub mod rules;
pub mod synonyms;

use std::borrow::Cow;

use criteria::instruments::{Previous, Worse};

pub use criteria::{
    ASTCT_2019, CAR_T_MANAGEMENT, CARTOX10_APPROXIMATION, Criteria, INSTRUMENTS, Instrument, InstrumentRow,
    Management as ManagementStep, Thresholds,
};

pub use actions::{ActionId, ActionRow, When};
pub use assessment::{Assessment, CapdAnswers, EchoedText, EncephalopathyScore, IceItems, Reading, RecordId};
pub use catalogue::{Field, Kind, Shape};
pub use domain::{
    Consciousness, CrsDomain, CrsDomainList, Domain, DomainList, DomainSet, Edema, Hypotension, Hypoxia,
    IceBand, Motor, OTHER_CAUSE_CHOICES, Seizure,
};
pub use plan::{Context, Plan};
pub use protocol::{
    BUILTIN_INTERVALS, BUILTIN_NAME, Intervals, MAX_INTERVAL_HOURS, Patient, Protocol, ProtocolError,
};
pub use record::{FieldError, RecordBuilder, RecordError, Value, WrittenError};
pub use result::{
    Action, CRITERIA, Crs, CrsDomains, CrsSource, CrsState, DomainResult, Domains, Grading, ICANS_VERSION,
    ICE_UNABLE_AWAKE, Management, NotRuledOut, PatientGroup, RULING_OUT_DOMAINS, Reassessment, Status,
    TotalAlone,
};

/// A domain's finding before exclusion: its grade and a short label.
type Finding = Option<(u8, Cow<'static, str>)>;

/// The encephalopathy finding (docs/spec.md §2): the instrument's band, or
/// grade 4 "unable to perform ICE" when no score was recorded (or the
/// score reads "unable") and the patient is unarousable (and that is not
/// attributed to another cause).
fn encephalopathy(a: &Assessment, c: &Criteria) -> Finding {
    let Some(score) = a.encephalopathy else {
        return unable_to_perform(a, c);
    };
    match score.reading() {
        Reading::Total(total) => {
            let row = score.instrument().row();
            c.total_grade(row.instrument, total)
                .map(|g| (g, total_label(row, total)))
        }
        // "unable" is grade 4 only when unarousable, as without a score.
        reading if reading.unable() => unable_to_perform(a, c),
        Reading::Band(band) => Some((c.grade(band), Cow::Borrowed(band.label()))),
    }
}

/// The finding label of a total ("ICE 7/10", "CAPD 12"): every total of
/// every instrument made once, so that grading a record allocates none.
fn total_label(row: &InstrumentRow, total: u8) -> Cow<'static, str> {
    static LABELS: std::sync::OnceLock<Vec<Vec<String>>> = std::sync::OnceLock::new();
    let labels = LABELS.get_or_init(|| {
        INSTRUMENTS
            .iter()
            .map(|r| (0..=r.max).map(|t| label_text(r, t)).collect())
            .collect()
    });
    match labels
        .get(row.instrument as usize)
        .and_then(|l| l.get(usize::from(total)))
    {
        Some(label) => Cow::Borrowed(label.as_str()),
        None => Cow::Owned(label_text(row, total)),
    }
}

/// A total as its instrument's label shows it.
fn label_text(row: &InstrumentRow, total: u8) -> String {
    match row.label {
        Some(l) if l.out_of => format!("{}{total}/{}{}", l.prefix, row.max, l.suffix),
        Some(l) => format!("{}{total}{}", l.prefix, l.suffix),
        None => format!("{} {total}", row.score_words),
    }
}

/// Grade 4 "unable to perform ICE" when the patient is unarousable and that
/// is not attributed to another cause (docs/spec.md §2); else not assessed.
fn unable_to_perform(a: &Assessment, c: &Criteria) -> Finding {
    let unarousable =
        a.consciousness == Some(Consciousness::Unarousable) && !a.other_cause.contains(Domain::Consciousness);
    unarousable.then(|| {
        let label = match a.encephalopathy.map(EncephalopathyScore::reading) {
            Some(Reading::Band(band)) => band.label(),
            _ => "unable to perform ICE/CAPD: unarousable",
        };
        (c.unable_to_perform_grade, Cow::Borrowed(label))
    })
}

fn finding<T: criteria::Graded>(c: &Criteria, v: Option<T>, label: fn(T) -> &'static str) -> Finding {
    v.map(|f| (c.grade(f), Cow::Borrowed(label(f))))
}

/// Grades one assessment by ASTCT 2019 (docs/spec.md §2) and proposes the
/// management step (docs/spec.md §3) with the built-in protocol:
/// [`grade_with`] of [`ASTCT_2019`] and [`Protocol::BUILTIN`].
pub fn grade(a: &Assessment) -> Grading {
    grade_with(a, &ASTCT_2019, &Protocol::BUILTIN)
}

/// Grades one assessment by `criteria` (the guideline as a value:
/// [`criteria`]), with the management texts and intervals of `protocol`.
/// The grade, the domains and which actions apply do not depend on the
/// protocol. The one entry: [`grade_scoped`] and its kin are the same
/// grading, working out less (batch's fast paths).
pub fn grade_with(a: &Assessment, criteria: &Criteria, protocol: &Protocol) -> Grading {
    grade_scoped(a, criteria, protocol, Scope::Full)
}

/// What a grading works out: everything, or everything but the management
/// step. The management texts are a quarter of the time of a batch that
/// writes only grades (README, Performance), and `batch --fields` without
/// management columns, `summary` and `audit` never show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Grade, domains, CRS, warnings and the management step.
    Full,
    /// All but the management step: `management` is then empty (no
    /// summary, no action, no reassessment interval) and must not be shown.
    WithoutManagement,
    /// The grade, the domains, drivers, what is not assessed or excluded,
    /// the instrument, the patient group and the echoed fields only: no
    /// CRS, no masked list, no warnings, no management step (those are then
    /// empty and must not be shown). For `batch --fields` whose columns read
    /// no more; the grade is worked out exactly as in the other scopes.
    Grade,
    /// The grade, the domains and the fields echoed from the record only:
    /// besides what [`Scope::Grade`] leaves empty, no drivers, no lists of
    /// domains not assessed or excluded, no completeness, instrument,
    /// scores, patient group or reassessment (left at their defaults, and
    /// must not be shown). For `batch --fields id,grade` and the like (a
    /// script gating an alert on the grade); the grade is worked out
    /// exactly as in the other scopes.
    GradeAlone,
}

impl Scope {
    /// Whether this scope works out everything `other` does.
    pub fn covers(self, other: Scope) -> bool {
        let rank = |s: Scope| match s {
            Scope::GradeAlone => 0,
            Scope::Grade => 1,
            Scope::WithoutManagement => 2,
            Scope::Full => 3,
        };
        rank(self) >= rank(other)
    }
}

/// What a grading works out past the grade: the CRS, the masked domains,
/// the warnings and the management step ([`Scope::Grade`] leaves them
/// empty).
struct PastTheGrade {
    crs: Option<Crs>,
    masked: DomainSet,
    warnings: Vec<String>,
    management: Management,
}

impl PastTheGrade {
    fn none() -> Self {
        PastTheGrade {
            crs: None,
            masked: DomainSet::default(),
            warnings: Vec::new(),
            management: Management::NONE,
        }
    }
}

/// [`grade_scoped`] of an assessment that is not needed after: the echoed
/// texts (`id`, `patient_id`, `assessed_at`, the scales, `product`, `site`)
/// move into the result instead of being copied (batch work, one record at a
/// time). No rule reads them; the result is the same.
pub fn grade_scoped_owned(
    mut a: Assessment,
    criteria: &Criteria,
    protocol: &Protocol,
    scope: Scope,
) -> Grading {
    grade_scoped_taking(&mut a, criteria, protocol, scope)
}

/// [`grade_scoped_owned`] of a record lent where it was built (batch work):
/// the echoed texts are taken out of it; the rest stays.
pub fn grade_scoped_taking(
    a: &mut Assessment,
    criteria: &Criteria,
    protocol: &Protocol,
    scope: Scope,
) -> Grading {
    let echo = Echo {
        id: a.id.take(),
        patient_id: a.patient_id.take(),
        assessed_at: a.assessed_at.take(),
        recorded_scale: a.recorded_scale.take(),
        recorded_crs_scale: a.recorded_crs_scale.take(),
        product: a.product.take(),
        site: a.site.take(),
    };
    grade_echoing(a, criteria, protocol, scope, echo)
}

/// Grades one assessment as [`grade_with`] does, the management step only
/// in [`Scope::Full`].
pub fn grade_scoped(a: &Assessment, criteria: &Criteria, protocol: &Protocol, scope: Scope) -> Grading {
    let echo = Echo {
        id: a.id.clone(),
        patient_id: a.patient_id.clone(),
        assessed_at: a.assessed_at.clone(),
        recorded_scale: a.recorded_scale.clone(),
        recorded_crs_scale: a.recorded_crs_scale.clone(),
        product: a.product.clone(),
        site: a.site.clone(),
    };
    grade_echoing(a, criteria, protocol, scope, echo)
}

/// The texts a result echoes from its record: copied from a record that is
/// kept, taken from one that is not ([`grade_scoped_taking`]), so that the
/// result is built once either way.
struct Echo {
    id: Option<RecordId>,
    patient_id: Option<EchoedText>,
    assessed_at: Option<EchoedText>,
    recorded_scale: Option<EchoedText>,
    recorded_crs_scale: Option<EchoedText>,
    product: Option<EchoedText>,
    site: Option<EchoedText>,
}

/// [`grade_scoped`], echoing `echo` (no rule reads it).
fn grade_echoing(a: &Assessment, c: &Criteria, protocol: &Protocol, scope: Scope, echo: Echo) -> Grading {
    let findings = findings(a, c);
    let domains = icans_domains(a, &findings);

    let died = a.died_of_icans == Some(true);
    let highest = domains.0.iter().filter_map(|r| r.grade).max().unwrap_or(0);
    // ICANS not assessed: no domain recorded, no death by ICANS
    // (docs/spec.md §2, v4): no grade at all, never 0.
    let icans_assessed = died || domains.0.iter().any(|r| r.status != Status::NotAssessed);
    let grade = if died { 5 } else { highest };
    let ice_unable_awake = ice_unable_awake(a, c, &domains, grade);
    if scope == Scope::GradeAlone {
        return echoed(a, c, protocol, icans_assessed.then_some(grade), domains, echo);
    }
    let drivers = result::drivers(grade, domains.pairs());
    let unassessed = with_status(&domains, Status::NotAssessed);
    let excluded = with_status(&domains, Status::Excluded);
    // A death is complete: grade 5 is never a lower bound (docs/spec.md §3).
    let complete = died || unassessed.is_empty();
    let ice_total = a.encephalopathy.and_then(EncephalopathyScore::ice_total);
    let capd = a.encephalopathy.and_then(EncephalopathyScore::capd);
    let instrument = a.encephalopathy.map(EncephalopathyScore::instrument);
    let group = patient_group(a.age_years, instrument, a.weight_kg);
    let screening = screening_instrument(instrument, a.age_years);
    let past = match scope {
        Scope::Grade | Scope::GradeAlone => PastTheGrade::none(),
        Scope::Full | Scope::WithoutManagement => {
            // Warnings only where a result shows them; in this order.
            let mut warnings = Vec::new();
            unvalidated_score_warnings(a, c, &mut warnings);
            unassessed_exclusion_warnings(a, &findings, &mut warnings);
            let graded = Graded {
                findings: &findings,
                domains: &domains,
                grade,
                icans_assessed,
                ice_unable_awake,
                complete,
                unassessed: &unassessed,
                group,
                screening,
            };
            past_the_grade(a, c, protocol, scope, &graded, warnings)
        }
    };
    let reassess_by = reassessment(a, c, &domains, screening, ice_unable_awake);

    Grading {
        complete,
        instrument,
        ice_total,
        capd,
        total_alone: TotalAlone(a.encephalopathy.and_then(EncephalopathyScore::total_alone)),
        ice_band: a.encephalopathy.and_then(EncephalopathyScore::ice_band),
        drivers,
        unassessed,
        excluded,
        masked: past.masked.iter().collect(),
        warnings: past.warnings,
        management: past.management,
        patient_group: group,
        crs: past.crs,
        reassess_by,
        ice_unable_awake,
        basis: (a.age_years, a.weight_kg),
        id: echo.id,
        patient_id: echo.patient_id,
        day: a.day,
        assessed_at: echo.assessed_at,
        grade: icans_assessed.then_some(grade),
        domains,
        criteria: c.name(),
        recorded_grade: a.recorded_grade,
        recorded_scale: echo.recorded_scale,
        recorded_crs_grade: a.recorded_crs_grade,
        recorded_crs_scale: echo.recorded_crs_scale,
        product: echo.product,
        site: echo.site,
        icans_version: ICANS_VERSION,
        protocol: protocol_name(protocol),
    }
}

/// The name a result gives its protocol: the built-in one's without a copy.
fn protocol_name(protocol: &Protocol) -> Cow<'static, str> {
    match protocol.name() {
        BUILTIN_NAME => Cow::Borrowed(BUILTIN_NAME),
        name => Cow::Owned(name.to_string()),
    }
}

/// A result that holds the grade, the domains, what the record echoes and
/// what names the grading (criteria, version, protocol), as the full result
/// fills them; the rest is left at its default, worked out by nothing
/// ([`Scope::GradeAlone`]; a property test holds every column of that scope
/// to the full grading). The full result lists its fields itself: building
/// it on this one costs a full batch 0.5% (the defaults made, then
/// dropped).
fn echoed(
    a: &Assessment,
    c: &Criteria,
    protocol: &Protocol,
    grade: Option<u8>,
    domains: Domains,
    echo: Echo,
) -> Grading {
    Grading {
        id: echo.id,
        patient_id: echo.patient_id,
        day: a.day,
        assessed_at: echo.assessed_at,
        grade,
        complete: false,
        instrument: None,
        ice_total: None,
        capd: None,
        total_alone: TotalAlone(None),
        ice_band: None,
        domains,
        drivers: DomainList::new(),
        unassessed: DomainList::new(),
        excluded: DomainList::new(),
        masked: DomainList::new(),
        warnings: Vec::new(),
        management: Management::NONE,
        criteria: c.name(),
        patient_group: PatientGroup::Adult,
        crs: None,
        recorded_grade: a.recorded_grade,
        recorded_scale: echo.recorded_scale,
        recorded_crs_grade: a.recorded_crs_grade,
        recorded_crs_scale: echo.recorded_crs_scale,
        product: echo.product,
        site: echo.site,
        reassess_by: Reassessment {
            instrument: Instrument::Ice,
            unarousable: false,
            examine: false,
        },
        ice_unable_awake: false,
        basis: (a.age_years, a.weight_kg),
        icans_version: ICANS_VERSION,
        protocol: protocol_name(protocol),
    }
}

/// What the grade was worked out from, for what comes past it.
struct Graded<'g> {
    findings: &'g [Finding; 5],
    domains: &'g Domains,
    /// The ICANS grade (0 when ICANS was not assessed).
    grade: u8,
    /// Some ICANS domain was assessed (or death by ICANS recorded).
    icans_assessed: bool,
    /// ICANS cannot be ruled out: the ICE not performed while awake.
    ice_unable_awake: bool,
    complete: bool,
    unassessed: &'g [Domain],
    group: PatientGroup,
    screening: Instrument,
}

/// The CRS, the masked domains, the warnings (after those of the domains,
/// `warnings`) and the management step, in [`Scope::Full`] and
/// [`Scope::WithoutManagement`].
fn past_the_grade(
    a: &Assessment,
    c: &Criteria,
    protocol: &Protocol,
    scope: Scope,
    g: &Graded<'_>,
    mut warnings: Vec<String>,
) -> PastTheGrade {
    let (findings, domains, grade, group) = (g.findings, g.domains, g.grade, g.group);
    // The CRS first, its warnings kept for their place below: after a
    // death by CRS no warning asks for a reassessment.
    let mut crs_warnings = Vec::new();
    let crs = concurrent_crs(a, c, &mut crs_warnings);
    let crs_state = CrsState::of(crs.as_ref());
    let masked = masked_domains(a, findings, grade, crs_state != CrsState::Death, &mut warnings);
    instrument_warnings(a, domains, &mut warnings);
    if g.ice_unable_awake {
        warnings.push(ICE_UNABLE_AWAKE.to_string() + "; examine now");
    }
    let worsening = trend(a, &mut warnings);
    let dose_weight = dose_weight(a, &mut warnings);
    warnings.append(&mut crs_warnings);
    let ctx = Context {
        management: c.management(),
        grade,
        icans_assessed: g.icans_assessed,
        ice_unable_awake: g.ice_unable_awake,
        domain_grades: std::array::from_fn(|i| domains.0[i].grade),
        excluded_grades: std::array::from_fn(|i| {
            (domains.0[i].status == Status::Excluded)
                .then(|| findings[i].as_ref().map(|(g, _)| *g))
                .flatten()
        }),
        crs: crs_state,
        hours_since_onset: a.hours_since_onset,
        steroid_refractory: a.steroid_refractory == Some(true),
        worsening,
        masked,
    };
    if ctx.death().is_none() {
        excluded_emergency_warnings(&ctx, findings, &mut warnings);
    }
    // The plan is built only where it is shown; elsewhere its one fact the
    // warnings need is read without it.
    let plan = (scope == Scope::Full).then(|| plan::plan(&ctx));
    if plan
        .as_ref()
        .map_or_else(|| plan::shows_dose(&ctx), Plan::shows_dose)
    {
        patient_group_warnings(a, group, &mut warnings);
    }
    let patient = Patient {
        group,
        weight_kg: dose_weight,
        instrument: g.screening,
        age_known: a.age_years.is_some(),
        weight_warned: a.weight_kg.is_some() && dose_weight.is_none(),
    };
    let management = match plan {
        Some(plan) => {
            // Not assessed at all is said in the step itself, not as a
            // lower bound.
            let lower_bound =
                (!g.complete && grade < 5 && g.icans_assessed).then(|| lower_bound_note(g.unassessed));
            protocol.render(&plan, &patient, lower_bound.as_deref())
        }
        None => Management::NONE,
    };
    PastTheGrade {
        crs,
        masked,
        warnings,
        management,
    }
}

/// The weight doses are computed with: none when it is implausible for the
/// age, which is warned (docs/spec.md §6).
fn dose_weight(a: &Assessment, warnings: &mut Vec<String>) -> Option<f64> {
    match (a.weight_kg, a.age_years) {
        (Some(w), Some(age)) if a.weight_confirmed != Some(true) && implausible_weight(w, age) => {
            let mut pounds = String::new();
            number::push_number(&mut pounds, (w / rules::POUNDS_PER_KG * 10.0).round() / 10.0);
            warnings.push(format!(
                "weight {w} kg at age {age}: check (if entered in pounds: {pounds} kg)"
            ));
            None
        }
        (w, _) => w,
    }
}

/// The instrument the texts name: the one used, else the screening
/// instrument validated at the age (CAPD under 12), ICE without an age.
fn screening_instrument(used: Option<Instrument>, age_years: Option<f64>) -> Instrument {
    used.unwrap_or_else(|| {
        INSTRUMENTS
            .iter()
            .filter(|r| r.instrument.screens())
            .find(|r| age_years.is_none_or(|age| r.ages.0.hold(age)))
            .map_or(Instrument::Ice, |r| r.instrument)
    })
}

/// The concurrent CRS, given or graded from its findings (docs/spec.md §7);
/// at a death by CRS the warning says so.
fn concurrent_crs(a: &Assessment, c: &Criteria, warnings: &mut Vec<String>) -> Option<Crs> {
    let crs = crs::grade_crs(a, c, warnings);
    if CrsState::of(crs.as_ref()) == CrsState::Death {
        warnings.push("Death attributed to CRS (CRS grade 5)".to_string());
    }
    crs
}

/// How to reassess: an unarousable patient cannot do ICE or CAPD, so a
/// neurological examination until arousable (docs/spec.md §3).
fn reassessment(
    a: &Assessment,
    c: &Criteria,
    domains: &Domains,
    instrument: Instrument,
    examine: bool,
) -> Reassessment {
    let unarousable = a.consciousness == Some(Consciousness::Unarousable)
        || domains.get(Domain::Encephalopathy).grade == Some(c.unable_to_perform_grade);
    Reassessment {
        instrument,
        unarousable,
        examine,
    }
}

/// ICE not performed while awake (docs/spec.md §2, v4): `ice_band`
/// "unable" that the v3 rule did not grade 4 (consciousness not
/// unarousable: awake, excluded or not recorded), while the grade from the
/// other domains is below 3. An awake patient unable to do the ICE may have
/// global aphasia (ICE 0 awake: grade 3, Lee 2019): ICANS cannot be ruled
/// out.
fn ice_unable_awake(a: &Assessment, c: &Criteria, domains: &Domains, grade: u8) -> bool {
    a.encephalopathy.is_some_and(|s| s.reading().unable())
        && domains.get(Domain::Encephalopathy).status == Status::NotAssessed
        && grade < c.ice_zero_awake_grade
}

/// The finding of each domain before exclusion (docs/spec.md §2), in
/// contract order.
fn findings(a: &Assessment, c: &Criteria) -> [Finding; 5] {
    [
        encephalopathy(a, c),
        finding(c, a.consciousness, Consciousness::label),
        finding(c, a.seizure, Seizure::label),
        finding(c, a.motor, Motor::label),
        finding(c, a.edema, Edema::label),
    ]
}

/// Each domain graded, excluded (`other_cause`) or not assessed.
fn icans_domains(a: &Assessment, findings: &[Finding; 5]) -> Domains {
    Domains(std::array::from_fn(|i| {
        let excluded = a.other_cause.contains(Domain::ALL[i]);
        DomainResult::of(findings[i].clone(), excluded)
    }))
}

/// Naming a domain that was not assessed in `other_cause` is warned.
fn unassessed_exclusion_warnings(a: &Assessment, findings: &[Finding; 5], warnings: &mut Vec<String>) {
    for (d, finding) in Domain::ALL.into_iter().zip(findings) {
        if a.other_cause.contains(d) && finding.is_none() {
            warnings.push(format!("other_cause names {d}, which was not assessed"));
        }
    }
}

/// The domains of one status, in contract order.
fn with_status(domains: &Domains, status: Status) -> DomainList {
    let mut out = DomainList::new();
    // At most five of five: the list cannot overflow. (A loop: collecting
    // into the inline list measured slower, 1.5 million instructions per
    // 20,000 full results.)
    for (d, r) in domains.pairs() {
        if r.status == status {
            out.push(d);
        }
    }
    out
}

/// Excluded findings above the grade: ICANS cannot be ruled out, each
/// warned when `warn` (not after a death by CRS: the warning asks for a
/// reassessment, docs/spec.md §3 "Death"). None at grade 5.
fn masked_domains(
    a: &Assessment,
    findings: &[Finding; 5],
    grade: u8,
    warn: bool,
    warnings: &mut Vec<String>,
) -> DomainSet {
    let mut masked = DomainSet::EMPTY;
    if grade >= 5 {
        return masked;
    }
    for (d, f) in Domain::ALL.iter().zip(findings) {
        if let Some((g, label)) = f
            .as_ref()
            .filter(|(g, _)| a.other_cause.contains(*d) && *g > grade)
        {
            masked.insert(*d);
            if warn {
                warnings.push(format!(
                    "ICANS cannot be ruled out: {d} ({label}, grade {g}) is attributed to another cause and would grade above {grade}; reassess urgently"
                ));
            }
        }
    }
    masked
}

/// ICE declining (below `previous_ice_total`) or CAPD worsening (above
/// `previous_capd`), each warned (docs/spec.md §3 `reassess_hours`): each
/// instrument's reading compared with its row's previous score. A
/// CARTOX-10 total is compared as an ICE total; a band is worse only when
/// all of it is (its top below the previous ICE total: docs/spec.md §2).
fn trend(a: &Assessment, warnings: &mut Vec<String>) -> bool {
    let Some(score) = a.encephalopathy else {
        return false;
    };
    let trend = score.instrument().row().trend;
    let before = match trend.previous {
        Previous::IceTotal => a.previous_ice_total,
        Previous::Capd => a.previous_capd,
    };
    let reading = score.reading();
    let best = match trend.worse {
        Worse::Lower => reading.highest(),
        Worse::Higher => reading.lowest(),
    };
    match (before, best) {
        (Some(before), Some(now)) if trend.worse.than(now, before) => {
            // What was recorded is written only when it is worse (most
            // records have no previous score, or are not worse).
            let shown = match reading {
                Reading::Total(total) => format!("{total}{}", trend.suffix),
                Reading::Band(band) => format!("band {band}"),
            };
            warnings.push(format!("{}: {before} -> {shown}", trend.words));
            true
        }
        _ => false,
    }
}

/// docs/spec.md §6: with the age recorded, a child's under 18 and an
/// adult's from 18, whatever the instrument; without it, a child's when
/// assessed with CAPD or weighing under 40 kg, otherwise an adult's.
pub fn patient_group(
    age_years: Option<f64>,
    instrument: Option<Instrument>,
    weight_kg: Option<f64>,
) -> PatientGroup {
    let child = match age_years {
        Some(age) => age < rules::CHILD_UNDER_AGE_YEARS,
        None => {
            instrument.is_some_and(|i| i.row().ages.0.for_children())
                || weight_kg.is_some_and(|w| w < rules::CHILD_UNDER_WEIGHT_KG)
        }
    };
    if child {
        PatientGroup::Child
    } else {
        PatientGroup::Adult
    }
}

/// docs/spec.md §6 (v4): under 18, below 0.6 or above 1.5 times the
/// median weight for the age; from 18, below 30 or above 150 kg.
pub fn implausible_weight(weight_kg: f64, age_years: f64) -> bool {
    if age_years < rules::CHILD_UNDER_AGE_YEARS {
        let median = rules::median_weight_kg(age_years);
        weight_kg < rules::CHILD_WEIGHT_BELOW_MEDIAN * median
            || weight_kg > rules::CHILD_WEIGHT_ABOVE_MEDIAN * median
    } else {
        !(rules::ADULT_WEIGHT_MIN_KG..=rules::ADULT_WEIGHT_MAX_KG).contains(&weight_kg)
    }
}

/// The warnings of the patient group, given only when the result shows an
/// action whose dose depends on it (docs/spec.md §6): the age not recorded,
/// and a child's doses shown per kg for want of `weight_kg` (an implausible
/// weight has its own warning).
fn patient_group_warnings(a: &Assessment, group: PatientGroup, warnings: &mut Vec<String>) {
    match (a.age_years, group) {
        (None, PatientGroup::Child) => warnings.push("age not recorded: child doses shown".to_string()),
        (None, PatientGroup::Adult) => {
            warnings.push("age not recorded: adult doses shown; give age_years for a child".to_string())
        }
        _ => {}
    }
    if group == PatientGroup::Child && a.weight_kg.is_none() {
        warnings.push(
            "Child without weight_kg: weight-based doses are shown per kg; give weight_kg to compute them"
                .to_string(),
        );
    }
}

/// A seizure or edema attributed to another cause that is still an
/// emergency: treated all the same, not counted, reassessed urgently
/// (docs/spec.md §3 "Excluded but still an emergency").
fn excluded_emergency_warnings(ctx: &Context, findings: &[Finding; 5], warnings: &mut Vec<String>) {
    for (d, g) in ctx.excluded_emergencies() {
        let label = findings[d.index()]
            .as_ref()
            .map_or(Cow::Borrowed(""), |(_, l)| l.clone());
        let treat = if ctx.management.excluded_emergency_actions(d, g).is_empty() {
            ""
        } else {
            " but still needs treatment (shown in the management step)"
        };
        warnings.push(format!(
            "{d} ({label}, grade {g}) is attributed to another cause{treat}; not counted in the ICANS grade; reassess urgently"
        ));
    }
}

/// "Lower bound: seizure, motor not assessed." (docs/spec.md §2: an incomplete
/// result is a lower bound and must say so).
pub fn lower_bound_note(unassessed: &[Domain]) -> String {
    let names: Vec<&str> = unassessed.iter().map(|d| d.as_str()).collect();
    format!("Lower bound: {} not assessed.", names.join(", "))
}

/// An `Assessment` built in Rust rather than through [`RecordBuilder`] may
/// hold a score no instrument has; it is then not graded, and the result
/// says so rather than staying silent.
fn unvalidated_score_warnings(a: &Assessment, c: &Criteria, warnings: &mut Vec<String>) {
    let Some(score) = a.encephalopathy else { return };
    let row = score.instrument().row();
    if let Reading::Total(total) = score.reading() {
        if c.total_grade(row.instrument, total).is_none() {
            warnings.push(format!(
                "{} {total} is outside 0-{}: encephalopathy not graded (build records with RecordBuilder)",
                row.score_words, row.max
            ));
        }
    }
    if let EncephalopathyScore::Ice {
        items: Some(items),
        total,
    } = score
    {
        if items.total() != total {
            warnings.push(format!(
                "ICE items add up to {}, not the ICE total {total} that was graded (build records with RecordBuilder)",
                items.total()
            ));
        }
    }
}

/// docs/spec.md §2 warnings about the encephalopathy instrument, read
/// from its row: a score an unarousable patient cannot have, what the
/// instrument says of itself, "unable" while not unarousable, a graded
/// score beside an excluded consciousness, an age it is not validated at.
fn instrument_warnings(a: &Assessment, domains: &Domains, warnings: &mut Vec<String>) {
    let Some(score) = a.encephalopathy else { return };
    let (row, reading) = (score.instrument().row(), score.reading());
    let (impossible_from, why) = row.unarousable;
    if a.consciousness == Some(Consciousness::Unarousable)
        && reading.lowest().is_some_and(|low| low >= impossible_from)
    {
        let shown: &dyn std::fmt::Display = match &reading {
            Reading::Total(total) => total,
            Reading::Band(band) => band,
        };
        warnings.push(format!(
            "{} {shown} recorded while consciousness is unarousable: {why}; check both findings",
            row.score_words
        ));
    }
    let encephalopathy = domains.get(Domain::Encephalopathy).status;
    if let Some(note) = row.note {
        warnings.push(note.to_string());
    }
    if let Some(words) = row.unable {
        if reading.unable() && encephalopathy == Status::NotAssessed {
            warnings.push(words.to_string());
        }
    }
    let name = row.name;
    if encephalopathy == Status::Graded && domains.get(Domain::Consciousness).status == Status::Excluded {
        warnings.push(format!(
            "{name} graded while consciousness is excluded: the cause that depresses consciousness (sedation, say) likely confounds {name} too; consider excluding encephalopathy"
        ));
    }
    let (ages, outside) = row.ages;
    if let Some(age) = a.age_years.filter(|age| !ages.hold(*age)) {
        warnings.push(format!("{name} used at age {age} {outside}"));
    }
}
