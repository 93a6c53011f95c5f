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

use crate::format::text;
use crate::grading::catalogue::{Choice, ICE_ITEMS, Kind, names};
use crate::grading::{self, Assessment, Domain, Field, RecordBuilder, Value, rules};
use crate::input::Rejected;

/// One step of the ICE screen, done as at the bedside (the instrument's
/// own procedure: orientation asked as four questions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IceStep {
    /// Orientation: year, month, city, hospital (0-3).
    Orientation(u8),
    /// Naming: three objects.
    Naming,
    /// Writing: a standard sentence.
    Writing,
    /// Attention: count backwards from 100 by 10.
    Attention,
    /// Commands: follow a simple command.
    Commands,
}

/// One question of the interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Question {
    /// A step of the ICE screen.
    Ice(IceStep),
    /// A record field, asked as the field catalogue defines it (its
    /// question, its options, its range).
    Field(Field),
}

const ORIENTATION: [&str; 4] = ["year", "month", "city", "hospital"];

/// The ICE screen in bedside order.
const ICE_SCREEN: [Question; 8] = [
    Question::Ice(IceStep::Orientation(0)),
    Question::Ice(IceStep::Orientation(1)),
    Question::Ice(IceStep::Orientation(2)),
    Question::Ice(IceStep::Orientation(3)),
    Question::Ice(IceStep::Naming),
    Question::Ice(IceStep::Writing),
    Question::Ice(IceStep::Attention),
    Question::Ice(IceStep::Commands),
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
fn choice(s: &str, choices: &'static [Choice]) -> Option<&'static str> {
    if let Ok(n) = s.parse::<usize>() {
        return n.checked_sub(1).and_then(|i| choices.get(i)).map(|c| c.wire);
    }
    choices.iter().find(|c| c.matches_bedside(s)).map(|c| c.wire)
}

/// The numbered options, wrapped to 80 columns.
fn options(choices: &[Choice]) -> String {
    let mut out = String::new();
    for (i, c) in choices.iter().enumerate() {
        text::wrapped(&mut out, c.description, &format!("  {} ", i + 1), "    ");
    }
    out
}

impl IceStep {
    fn title(self) -> &'static str {
        match self {
            IceStep::Orientation(0) => "ICE orientation: year",
            IceStep::Orientation(1) => "ICE orientation: month",
            IceStep::Orientation(2) => "ICE orientation: city",
            IceStep::Orientation(_) => "ICE orientation: hospital",
            IceStep::Naming => "ICE naming",
            IceStep::Writing => "ICE writing",
            IceStep::Attention => "ICE attention",
            IceStep::Commands => "ICE commands",
        }
    }

    fn prompt(self) -> String {
        match self {
            IceStep::Orientation(i) => format!(
                "ICE orientation: does the patient name the current {}? [y/n]",
                ORIENTATION[usize::from(i.min(3))]
            ),
            IceStep::Naming => format!(
                "ICE naming: how many of 3 objects does the patient name? [0-{}]",
                ICE_ITEMS[1].max
            ),
            IceStep::Writing => "ICE writing: does the patient write a standard sentence? [y/n]".into(),
            IceStep::Attention => {
                "ICE attention: does the patient count backwards from 100 by 10? [y/n]".into()
            }
            IceStep::Commands => "ICE commands: does the patient follow a simple command? [y/n]".into(),
        }
    }
}

impl Question {
    /// The question's short title (used in messages).
    pub fn title(self) -> &'static str {
        match self {
            Question::Ice(step) => step.title(),
            Question::Field(f) => f.def().question,
        }
    }

    /// The full question with its options and what may be typed, from the
    /// field's kind.
    fn prompt(self) -> String {
        let Question::Field(field) = self else {
            return match self {
                Question::Ice(step) => step.prompt(),
                Question::Field(_) => String::new(),
            };
        };
        let q = field.def().question;
        match field.def().kind {
            Kind::Integer { min, max: Some(max) } if field.def().note.is_empty() => {
                format!("{q} [{min}-{max}]")
            }
            Kind::Integer { min, max: Some(max) } => format!("{q} [{min}-{max}; {}]", field.def().note),
            Kind::Integer { .. } | Kind::Number { .. } => format!("{q} [number]"),
            Kind::Boolean => format!("{q} [y/n]"),
            Kind::Choice(choices) => {
                let examples: Vec<&str> = choices
                    .iter()
                    .map(|c| c.aliases.first().copied().unwrap_or(c.wire))
                    .collect();
                format!(
                    "{q}:\n{}[1-{} or a name, e.g. {}]",
                    options(choices),
                    choices.len(),
                    examples.join(", ")
                )
            }
            Kind::Domains(choices) => format!("{q}\n[none, or domain names: {}]", names(choices)),
            Kind::Id | Kind::Text | Kind::Timestamp | Kind::Items(_) => format!("{q} [text]"),
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
            Question::Ice(IceStep::Naming) => {
                number_in(&s, 0.0, f64::from(ICE_ITEMS[1].max), true).map(Answer::Number)
            }
            Question::Ice(_) => yes_no(&s).map(Answer::Yes),
            Question::Field(field) => match field.def().kind {
                Kind::Integer { min, max } => {
                    number_in(&s, min as f64, max.map_or(f64::MAX, |m| m as f64), true).map(Answer::Number)
                }
                Kind::Number {
                    min,
                    min_exclusive,
                    max,
                } => number_in(&s, min, max.unwrap_or(f64::MAX), false)
                    .filter(|x| !min_exclusive || *x > min)
                    .map(Answer::Number),
                Kind::Boolean => yes_no(&s).map(Answer::Yes),
                Kind::Choice(choices) => choice(&s, choices).map(Answer::Choice),
                Kind::Domains(_) => match s.as_str() {
                    "none" | "no" | "n" | "0" => Some(Answer::Domains(Vec::new())),
                    _ => s
                        .split([',', ';', ' '])
                        .filter(|p| !p.is_empty())
                        .map(Domain::from_wire)
                        .collect::<Option<Vec<_>>>()
                        .filter(|v| !v.is_empty())
                        .map(Answer::Domains),
                },
                Kind::Id | Kind::Text | Kind::Timestamp | Kind::Items(_) => None,
            },
        };
        match answer {
            Some(a) => Reply::Answer(a),
            None => Reply::Retry(self.hint(&s)),
        }
    }

    fn hint(self, typed: &str) -> String {
        let what = match self {
            Question::Ice(IceStep::Naming) => format!("a whole number 0-{}", ICE_ITEMS[1].max),
            Question::Ice(_) => "y or n".into(),
            Question::Field(field) => match field.def().kind {
                Kind::Integer { min, max: Some(max) } => format!("a whole number {min}-{max}"),
                Kind::Integer { min, .. } => format!("a whole number >= {min}"),
                Kind::Number { .. } => field.def().kind.allowed(),
                Kind::Boolean => "y or n".into(),
                Kind::Choice(choices) => format!("an option number 1-{} or a name", choices.len()),
                Kind::Domains(_) => "none, or domain names separated by commas".into(),
                Kind::Id | Kind::Text | Kind::Timestamp | Kind::Items(_) => "text".into(),
            },
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
        self.settings
            .age
            .or(match self.answers.get(&Question::Field(Field::AgeYears)) {
                Some(Answer::Number(age)) => Some(*age),
                _ => None,
            })
    }

    /// The questions to ask, given the answers so far: the ICE screen stops
    /// at a skip, and the follow-ups depend on the grade so far.
    fn plan(&self) -> Vec<Question> {
        let mut plan = Vec::new();
        if self.settings.age.is_none() && !self.settings.child {
            plan.push(Question::Field(Field::AgeYears));
        }
        if self.is_child() {
            plan.push(Question::Field(Field::Capd));
        } else {
            for q in ICE_SCREEN {
                plan.push(q);
                if self.answers.get(&q) == Some(&Answer::Skip) {
                    break;
                }
            }
        }
        plan.extend(
            [
                Field::Consciousness,
                Field::Seizure,
                Field::Motor,
                Field::Edema,
                Field::CrsGrade,
                Field::OtherCause,
            ]
            .map(Question::Field),
        );
        // Counted from the start of the ICE screen, so that the question
        // count stays put; dropped when ICE is skipped.
        let ice_skipped = ICE_SCREEN
            .iter()
            .any(|q| self.answers.get(q) == Some(&Answer::Skip));
        if !self.is_child() && !ice_skipped {
            plan.push(Question::Field(Field::PreviousIceTotal));
        }
        if plan.iter().all(|q| self.answers.contains_key(q)) {
            match self.record(&plan).map(|a| grading::grade(&a).grade) {
                Ok(1) => plan.push(Question::Field(Field::HoursSinceOnset)),
                Ok(3) => plan.push(Question::Field(Field::SteroidRefractory)),
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
            let yes = |step| u8::from(matches!(answer(Question::Ice(step)), Some(Answer::Yes(true))));
            let orientation: u8 = (0..4).map(|i| yes(IceStep::Orientation(i))).sum();
            let naming = match answer(Question::Ice(IceStep::Naming)) {
                Some(Answer::Number(n)) => *n as u8,
                _ => 0,
            };
            let items = [
                orientation,
                naming,
                yes(IceStep::Writing),
                yes(IceStep::Attention),
                yes(IceStep::Commands),
            ];
            b.begin_ice();
            for (item, score) in ICE_ITEMS.iter().zip(items) {
                b.ice_item(item.key, Value::Int(score.into()));
            }
        }
        for &field in Field::ALL {
            if field == Field::AgeYears {
                continue;
            }
            match answer(Question::Field(field)) {
                Some(Answer::Number(n)) if n.fract() == 0.0 => b.set(field, Value::Int(*n as i128)),
                Some(Answer::Number(n)) => b.set(field, Value::Float(*n)),
                Some(Answer::Choice(name)) => b.set(field, Value::Text(name)),
                Some(Answer::Yes(y)) => b.set(field, Value::Bool(*y)),
                _ => {}
            }
        }
        if let Some(Answer::Domains(ds)) = answer(Question::Field(Field::OtherCause)) {
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
