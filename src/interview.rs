//! The guided bedside assessment behind `icans assess`: the ICE screen item
//! by item as it is done at the bedside (or the CAPD total for a child),
//! then consciousness, seizures, motor findings, raised ICP / edema and
//! concurrent CRS, each option in the contract's words.
//!
//! Answers are read one per line, from a terminal or a pipe alike. `skip`
//! leaves a question not assessed, `back` returns to the previous question,
//! and an answer that does not fit is asked again with a hint. The answers
//! become a record through the same [`RecordBuilder`] as every other input,
//! so the interview cannot produce a record that `icans grade` would refuse.

use std::collections::HashMap;
use std::io::{self, BufRead, Write};

use crate::format::json::Rejected;
use crate::format::text;
use crate::grading::{
    self, Assessment, Consciousness, Domain, Edema, Field, IceItems, Motor, RecordBuilder, Seizure, Value,
    rules,
};

/// One question of the interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Question {
    /// Patient age, which picks ICE or CAPD.
    Age,
    /// ICE orientation: year, month, city, hospital (0-3).
    Orientation(u8),
    /// ICE naming: three objects.
    Naming,
    /// ICE writing: a standard sentence.
    Writing,
    /// ICE attention: count backwards from 100 by 10.
    Attention,
    /// ICE commands: follow a simple command.
    Commands,
    /// CAPD total, for children.
    Capd,
    /// Level of consciousness.
    Consciousness,
    /// Seizures.
    Seizure,
    /// Motor findings.
    Motor,
    /// Raised ICP / cerebral edema.
    Edema,
    /// Concurrent CRS grade.
    CrsGrade,
    /// Domains attributable to another cause.
    OtherCause,
    /// Previous ICE total, for the trend.
    PreviousIceTotal,
    /// Hours since onset (asked at grade 1: corticosteroids after 24 h).
    HoursSinceOnset,
    /// Steroid-refractory (asked at grade 3: anakinra).
    SteroidRefractory,
}

const ORIENTATION: [&str; 4] = ["year", "month", "city", "hospital"];

/// The ICE screen in bedside order.
const ICE_SCREEN: [Question; 8] = [
    Question::Orientation(0),
    Question::Orientation(1),
    Question::Orientation(2),
    Question::Orientation(3),
    Question::Naming,
    Question::Writing,
    Question::Attention,
    Question::Commands,
];

/// An accepted answer.
#[derive(Debug, Clone, PartialEq)]
enum Answer {
    Skip,
    Yes(bool),
    Number(f64),
    Choice(&'static str),
    Domains(Vec<Domain>),
}

/// What a typed line means.
enum Reply {
    Back,
    Answer(Answer),
    Retry(String),
}

/// How the interview starts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Settings {
    /// Take the children's path (CAPD) without asking the age.
    pub child: bool,
    /// The age, when known already (not asked then).
    pub age: Option<f64>,
}

/// Why an interview ended without a record.
#[derive(Debug, thiserror::Error)]
pub enum InterviewError {
    /// The input ended before the last question.
    #[error("input ended at \"{0}\" before the assessment was finished; no grade given")]
    Ended(&'static str),
    /// Reading answers or writing prompts failed.
    #[error("cannot read answers or write questions: {0}")]
    Io(#[from] io::Error),
    /// The answers do not make a gradable record (everything skipped).
    #[error("{}", .0.error)]
    Invalid(Rejected),
}

fn yes_no(s: &str) -> Option<bool> {
    match s {
        "y" | "yes" | "1" => Some(true),
        "n" | "no" | "0" => Some(false),
        _ => None,
    }
}

fn number_in(s: &str, lo: f64, hi: f64, integer: bool) -> Option<f64> {
    let x: f64 = s.parse().ok()?;
    (x.is_finite() && x >= lo && x <= hi && (!integer || x.fract() == 0.0)).then_some(x)
}

/// A choice by option number or by name (wire name or bedside alias).
fn choice<T: Copy>(
    s: &str,
    all: &[T],
    parse: fn(&str) -> Option<T>,
    name: fn(T) -> &'static str,
) -> Option<&'static str> {
    if let Ok(n) = s.parse::<usize>() {
        return n.checked_sub(1).and_then(|i| all.get(i)).map(|t| name(*t));
    }
    parse(s).map(name)
}

/// The numbered options, wrapped to 80 columns.
fn options<T: Copy>(all: &[T], desc: fn(T) -> &'static str) -> String {
    let mut out = String::new();
    for (i, t) in all.iter().enumerate() {
        text::wrapped(&mut out, desc(*t), &format!("  {} ", i + 1), "    ");
    }
    out
}

impl Question {
    /// The question's short title (used in messages).
    pub fn title(self) -> &'static str {
        match self {
            Question::Age => "age",
            Question::Orientation(0) => "ICE orientation: year",
            Question::Orientation(1) => "ICE orientation: month",
            Question::Orientation(2) => "ICE orientation: city",
            Question::Orientation(_) => "ICE orientation: hospital",
            Question::Naming => "ICE naming",
            Question::Writing => "ICE writing",
            Question::Attention => "ICE attention",
            Question::Commands => "ICE commands",
            Question::Capd => "CAPD total",
            Question::Consciousness => "level of consciousness",
            Question::Seizure => "seizures",
            Question::Motor => "motor findings",
            Question::Edema => "raised ICP / cerebral edema",
            Question::CrsGrade => "concurrent CRS grade",
            Question::OtherCause => "other cause",
            Question::PreviousIceTotal => "previous ICE total",
            Question::HoursSinceOnset => "hours since onset",
            Question::SteroidRefractory => "steroid-refractory",
        }
    }

    /// The full question with its options and what may be typed.
    fn prompt(self) -> String {
        match self {
            Question::Age => "Patient age in years (under 12: CAPD instead of ICE) [number]".into(),
            Question::Orientation(i) => format!(
                "ICE orientation: does the patient name the current {}? [y/n]",
                ORIENTATION[usize::from(i.min(3))]
            ),
            Question::Naming => "ICE naming: how many of 3 objects does the patient name? [0-3]".into(),
            Question::Writing => "ICE writing: does the patient write a standard sentence? [y/n]".into(),
            Question::Attention => {
                "ICE attention: does the patient count backwards from 100 by 10? [y/n]".into()
            }
            Question::Commands => "ICE commands: does the patient follow a simple command? [y/n]".into(),
            Question::Capd => "CAPD total (Cornell Assessment of Pediatric Delirium) [0-32]".into(),
            Question::Consciousness => format!(
                "Level of consciousness:\n{}[1-5 or a name, e.g. voice, tactile]",
                options(Consciousness::ALL, Consciousness::description)
            ),
            Question::Seizure => {
                format!(
                    "Seizures:\n{}[1-3 or a name, e.g. none, brief, prolonged]",
                    options(Seizure::ALL, Seizure::description)
                )
            }
            Question::Motor => {
                format!(
                    "Motor findings:\n{}[1-3 or a name, e.g. none, tremor, weakness]",
                    options(Motor::ALL, Motor::description)
                )
            }
            Question::Edema => {
                format!(
                    "Raised ICP / cerebral edema:\n{}[1-3 or a name: none, focal, diffuse]",
                    options(Edema::ALL, Edema::description)
                )
            }
            Question::CrsGrade => "Concurrent CRS grade (ASTCT) [0-4; 0 = no active CRS]".into(),
            Question::OtherCause => format!(
                "Findings due to another cause (e.g. sedation), excluded from the grade\n[none, or domain names: {}]",
                Domain::ALLOWED
            ),
            Question::PreviousIceTotal => "Previous ICE total, for the trend [0-10]".into(),
            Question::HoursSinceOnset => "Hours since ICANS symptoms began [number]".into(),
            Question::SteroidRefractory => "Is ICANS not responding to corticosteroids? [y/n]".into(),
        }
    }

    fn read(self, typed: &str) -> Reply {
        let s = typed.trim().to_ascii_lowercase();
        match s.as_str() {
            "back" | "b" => return Reply::Back,
            "skip" | "s" => return Reply::Answer(Answer::Skip),
            _ => {}
        }
        let answer = match self {
            Question::Age => number_in(&s, 0.0, f64::MAX, false).map(Answer::Number),
            Question::Orientation(_)
            | Question::Writing
            | Question::Attention
            | Question::Commands
            | Question::SteroidRefractory => yes_no(&s).map(Answer::Yes),
            Question::Naming => number_in(&s, 0.0, 3.0, true).map(Answer::Number),
            Question::Capd => number_in(&s, 0.0, 32.0, true).map(Answer::Number),
            Question::CrsGrade => number_in(&s, 0.0, 4.0, true).map(Answer::Number),
            Question::PreviousIceTotal => number_in(&s, 0.0, 10.0, true).map(Answer::Number),
            Question::HoursSinceOnset => number_in(&s, 0.0, f64::MAX, false).map(Answer::Number),
            Question::Consciousness => choice(
                &s,
                Consciousness::ALL,
                Consciousness::from_bedside,
                Consciousness::as_str,
            )
            .map(Answer::Choice),
            Question::Seizure => {
                choice(&s, Seizure::ALL, Seizure::from_bedside, Seizure::as_str).map(Answer::Choice)
            }
            Question::Motor => choice(&s, Motor::ALL, Motor::from_bedside, Motor::as_str).map(Answer::Choice),
            Question::Edema => choice(&s, Edema::ALL, Edema::from_bedside, Edema::as_str).map(Answer::Choice),
            Question::OtherCause => match s.as_str() {
                "none" | "no" | "n" | "0" => Some(Answer::Domains(Vec::new())),
                _ => s
                    .split([',', ';', ' '])
                    .filter(|p| !p.is_empty())
                    .map(Domain::from_wire)
                    .collect::<Option<Vec<_>>>()
                    .filter(|v| !v.is_empty())
                    .map(Answer::Domains),
            },
        };
        match answer {
            Some(a) => Reply::Answer(a),
            None => Reply::Retry(self.hint(&s)),
        }
    }

    fn hint(self, typed: &str) -> String {
        let what = match self {
            Question::Age | Question::HoursSinceOnset => "a number >= 0",
            Question::Orientation(_)
            | Question::Writing
            | Question::Attention
            | Question::Commands
            | Question::SteroidRefractory => "y or n",
            Question::Naming => "a whole number 0-3",
            Question::Capd => "a whole number 0-32",
            Question::CrsGrade => "a whole number 0-4",
            Question::PreviousIceTotal => "a whole number 0-10",
            Question::Consciousness => "an option number 1-5 or a name",
            Question::Seizure | Question::Motor | Question::Edema => "an option number 1-3 or a name",
            Question::OtherCause => "none, or domain names separated by commas",
        };
        format!("\"{typed}\"? Type {what} (or skip, back).")
    }
}

/// The interview state: the answers given so far.
#[derive(Debug, Default)]
struct Interview {
    settings: Settings,
    answers: HashMap<Question, Answer>,
}

impl Interview {
    fn is_child(&self) -> bool {
        self.settings.child || self.age().is_some_and(|age| age < rules::ICE_MIN_AGE_YEARS)
    }

    /// The age given as a setting or as an answer.
    fn age(&self) -> Option<f64> {
        self.settings.age.or(match self.answers.get(&Question::Age) {
            Some(Answer::Number(age)) => Some(*age),
            _ => None,
        })
    }

    /// The questions to ask, given the answers so far: the ICE screen stops
    /// at a skip, and the follow-ups depend on the grade so far.
    fn plan(&self) -> Vec<Question> {
        let mut plan = Vec::new();
        if self.settings.age.is_none() && !self.settings.child {
            plan.push(Question::Age);
        }
        if self.is_child() {
            plan.push(Question::Capd);
        } else {
            for q in ICE_SCREEN {
                plan.push(q);
                if self.answers.get(&q) == Some(&Answer::Skip) {
                    break;
                }
            }
        }
        plan.extend([
            Question::Consciousness,
            Question::Seizure,
            Question::Motor,
            Question::Edema,
            Question::CrsGrade,
            Question::OtherCause,
        ]);
        // Counted from the start of the ICE screen, so that the question
        // count stays put; dropped when ICE is skipped.
        let ice_skipped = ICE_SCREEN
            .iter()
            .any(|q| self.answers.get(q) == Some(&Answer::Skip));
        if !self.is_child() && !ice_skipped {
            plan.push(Question::PreviousIceTotal);
        }
        if plan.iter().all(|q| self.answers.contains_key(q)) {
            match self.record(&plan).map(|a| grading::grade(&a).grade) {
                Ok(1) => plan.push(Question::HoursSinceOnset),
                Ok(3) => plan.push(Question::SteroidRefractory),
                _ => {}
            }
        }
        plan
    }

    /// The record the answers to `asked` make, through the record builder.
    fn record(&self, asked: &[Question]) -> Result<Assessment, Rejected> {
        let mut b = RecordBuilder::new();
        let answer = |q: Question| asked.contains(&q).then(|| self.answers.get(&q)).flatten();
        if let Some(age) = self.age() {
            b.set(Field::AgeYears, Value::Float(age));
        }
        if !self.is_child()
            && ICE_SCREEN
                .iter()
                .all(|q| answer(*q).is_some_and(|a| *a != Answer::Skip))
        {
            let yes = |q| u8::from(matches!(answer(q), Some(Answer::Yes(true))));
            let orientation: u8 = (0..4).map(|i| yes(Question::Orientation(i))).sum();
            let naming = match answer(Question::Naming) {
                Some(Answer::Number(n)) => *n as u8,
                _ => 0,
            };
            let items = [
                orientation,
                naming,
                yes(Question::Writing),
                yes(Question::Attention),
                yes(Question::Commands),
            ];
            b.begin_ice();
            for ((key, _), score) in IceItems::ITEMS.iter().zip(items) {
                b.ice_item(key, Value::Int(score.into()));
            }
        }
        let fields = [
            (Question::Capd, Field::Capd),
            (Question::Consciousness, Field::Consciousness),
            (Question::Seizure, Field::Seizure),
            (Question::Motor, Field::Motor),
            (Question::Edema, Field::Edema),
            (Question::CrsGrade, Field::CrsGrade),
            (Question::PreviousIceTotal, Field::PreviousIceTotal),
            (Question::HoursSinceOnset, Field::HoursSinceOnset),
            (Question::SteroidRefractory, Field::SteroidRefractory),
        ];
        for (q, field) in fields {
            match answer(q) {
                Some(Answer::Number(n)) if n.fract() == 0.0 => b.set(field, Value::Int(*n as i128)),
                Some(Answer::Number(n)) => b.set(field, Value::Float(*n)),
                Some(Answer::Choice(name)) => b.set(field, Value::Text(name)),
                Some(Answer::Yes(y)) => b.set(field, Value::Bool(*y)),
                _ => {}
            }
        }
        if let Some(Answer::Domains(ds)) = answer(Question::OtherCause) {
            if !ds.is_empty() {
                b.begin_other_cause();
                for d in ds {
                    b.other_cause_item(Value::Text(d.as_str()));
                }
            }
        }
        b.finish().map_err(|error| Rejected { id: None, error })
    }
}

/// Runs the interview: questions go to `prompts`, answers come from
/// `answers`, one per line. Returns the record once every question is
/// answered or skipped.
pub fn run<R: BufRead, W: Write>(
    mut answers: R,
    mut prompts: W,
    settings: Settings,
) -> Result<Assessment, InterviewError> {
    let mut interview = Interview {
        settings,
        answers: HashMap::new(),
    };
    writeln!(
        prompts,
        "ICANS assessment (ASTCT 2019). Answer each question.\n`skip`: not assessed; `back`: the previous question."
    )?;
    let mut at = 0usize;
    let mut line = String::new();
    loop {
        let plan = interview.plan();
        let Some(&question) = plan.get(at) else {
            return interview.record(&plan).map_err(InterviewError::Invalid);
        };
        write!(prompts, "\n({}/{}) {}\n> ", at + 1, plan.len(), question.prompt())?;
        prompts.flush()?;
        loop {
            line.clear();
            if answers.read_line(&mut line)? == 0 {
                writeln!(prompts)?;
                return Err(InterviewError::Ended(question.title()));
            }
            match question.read(&line) {
                Reply::Back => {
                    at = at.saturating_sub(1);
                    break;
                }
                Reply::Answer(a) => {
                    interview.answers.insert(question, a);
                    at += 1;
                    break;
                }
                Reply::Retry(hint) => {
                    write!(prompts, "  {hint}\n> ")?;
                    prompts.flush()?;
                }
            }
        }
    }
}
