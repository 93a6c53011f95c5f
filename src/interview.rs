//! The guided bedside assessment behind `icans assess`: age and weight, the
//! ICE screen item by item as it is done at the bedside (or the eight CAPD
//! questions for a child, in the CAPD's words), then consciousness,
//! seizures, motor findings, raised ICP / edema, the concurrent CRS
//! findings (temperature, blood-pressure and oxygen support, and whether
//! fever is masked by tocilizumab or corticosteroids), other causes and the
//! previous score, each option in the ASTCT words; then, always and last,
//! the follow-ups (hours since onset, steroid-refractory). Menus are
//! lettered (a number typed by habit would be a grade, never an option);
//! CAPD items take the points the paper form gives them.
//!
//! The questions come in one fixed order whatever the answers: a skipped
//! item leaves the instrument not assessed but every other question is
//! still asked, so piped answers always land on the question meant. Answers
//! are read one per line, from a terminal or a pipe alike. `skip` leaves a
//! question not assessed, `back` returns to the previous question, and an
//! answer that does not fit is asked again with a hint. Answers left over
//! after the last question are an error. The answers become a record
//! through the same [`RecordBuilder`] as every other input, so the
//! interview cannot produce a record that `icans grade` would refuse.

use std::collections::HashMap;
use std::io::{self, BufRead, Write};

use crate::format::text;
use crate::grading::catalogue::{CAPD_ITEMS, Choice, FREQUENCIES, ICE_ITEMS, Kind, names};
use crate::grading::{Assessment, Field, RecordBuilder, Value, rules};
use crate::input::Refused;

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
    /// One of the eight CAPD items, by its position in `CAPD_ITEMS`.
    Capd(usize),
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
    /// `other_cause` names (ICANS and CRS domains), as the list offers them.
    Domains(Vec<&'static str>),
}

/// What a typed line means.
enum Reply {
    Back,
    Answer(Answer),
    Retry(String),
}

/// How the interview starts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// Take the children's path (CAPD) without asking the age.
    pub child: bool,
    /// The age, when known already (not asked then).
    pub age: Option<f64>,
    /// The weight in kg, when known already (not asked then).
    pub weight_kg: Option<f64>,
    /// Other fields set from the start (`patient_id`, `day`,
    /// `assessed_at`), as typed; the record builder checks them.
    pub given: Vec<(Field, String)>,
    /// Answers come from a pipe, not a person: an answer that does not fit
    /// its question, or answers left over after the last question, are
    /// errors rather than asked again (a terminal is never read past the
    /// last question).
    pub strict_end: bool,
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
    Invalid(Refused),
    /// A piped answer did not fit its question: re-asking would shift every
    /// later answer onto the wrong question, so the interview stops.
    #[error("answer {1:?} does not fit \"{0}\": {2} No grade given.")]
    BadAnswer(&'static str, String, String),
    /// A line longer than any answer: not read into memory, and no grade.
    #[error(
        "an answer of more than {0} bytes: not an answer (allowed: a word or a number per line); no grade given"
    )]
    TooLong(usize),
    /// Answers were left over after the last question: they were meant for
    /// other questions, so none is trusted.
    #[error(
        "{0} answer(s) left over after the last question (first: {1:?}); no grade given, check the answers"
    )]
    LeftOver(usize, String),
}

fn yes_no(s: &str) -> Option<bool> {
    match s {
        "y" | "yes" | "1" => Some(true),
        "n" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// A number as typed at the bedside: a decimal point or a decimal comma
/// (`38,5`), never both; `-0` is 0.
fn typed_number(s: &str) -> Option<f64> {
    let x: f64 = match (s.contains('.'), s.matches(',').count()) {
        (false, 1) => s.replace(',', ".").parse().ok()?,
        (_, 0) => s.parse().ok()?,
        _ => return None,
    };
    // A negative zero is zero (so that it is written as 0).
    Some(x + 0.0)
}

fn number_in(s: &str, lo: f64, hi: f64, integer: bool) -> Option<f64> {
    let x = typed_number(s)?;
    (x.is_finite() && x >= lo && x <= hi && (!integer || x.fract() == 0.0)).then_some(x)
}

/// The options whose wire name or an alias begins with what was typed
/// (spaces and hyphens as `_`).
fn starting_with(s: &str, choices: &'static [Choice]) -> Vec<&'static Choice> {
    let s = s.replace([' ', '-'], "_");
    choices
        .iter()
        .filter(|c| c.wire.starts_with(&s) || c.aliases.iter().any(|a| a.starts_with(&s)))
        .collect()
}

/// The letter of a menu's option `i` (a, b, c, ...).
fn letter(i: usize) -> char {
    u8::try_from(i).map_or('?', |i| char::from(b'a' + i))
}

/// Why a bare number at a menu is refused (docs/spec.md §5, v4): typed by
/// habit it is a grade, not an option (4 for unarousable would be option 4).
pub const NUMBER_AT_A_MENU: &str =
    "type the option's letter or name (a number here would be a grade, not an option)";

/// A choice by option letter (a single character is always a letter), by
/// name (wire name or bedside alias), or by the beginning of exactly one
/// option's names, at least two letters (`low` for low_flow): one that
/// begins several is asked again, naming them. A number is never an option
/// (docs/spec.md §5, v4).
fn choice(s: &str, choices: &'static [Choice]) -> Option<&'static str> {
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return (c.is_ascii_lowercase())
            .then(|| usize::from(c as u8 - b'a'))
            .and_then(|i| choices.get(i))
            .map(|c| c.wire);
    }
    if typed_number(s).is_some() {
        return None;
    }
    if let Some(c) = choices.iter().find(|c| c.matches_bedside(s)) {
        return Some(c.wire);
    }
    match starting_with(s, choices).as_slice() {
        [one] if s.len() >= 2 => Some(one.wire),
        _ => None,
    }
}

/// What a choice answer that fits no option may have meant: the options it
/// begins, when several, else the closest name.
fn meant(s: &str, choices: &'static [Choice]) -> String {
    let several = starting_with(s, choices);
    if several.len() > 1 && s.len() >= 2 {
        let names: Vec<&str> = several.iter().map(|c| c.wire).collect();
        return format!(" It begins {}: type more of it.", names.join(", "));
    }
    let names = choices
        .iter()
        .flat_map(|c| std::iter::once(c.wire).chain(c.aliases.iter().copied()));
    crate::grading::catalogue::closest(s, names)
        .map(|n| format!(" Did you mean {n}?"))
        .unwrap_or_default()
}

/// The lettered options, wrapped to 80 columns.
fn options(choices: &[Choice]) -> String {
    let mut out = String::new();
    for (i, c) in choices.iter().enumerate() {
        let line = if c.aliases.is_empty() {
            format!("{} ({})", c.description, c.wire)
        } else {
            format!("{} ({}; also {})", c.description, c.wire, c.aliases.join(", "))
        };
        text::wrapped(&mut out, &line, &format!("  {} ", letter(i)), "    ");
    }
    out
}

/// The last option letter of a menu of `n` options ("e" for five).
fn last_letter(n: usize) -> char {
    letter(n.saturating_sub(1))
}

/// A CAPD answer: an option letter, a frequency word, or the points as the
/// paper form scores the item (items 1-4 never 4 ... always 0; items 5-8
/// never 0 ... always 4), so that a score copied from paper reads the same
/// (docs/spec.md §5, v4).
fn capd_answer(s: &str, item: usize) -> Option<&'static str> {
    let item = CAPD_ITEMS.get(item)?;
    match typed_number(s) {
        Some(points) => FREQUENCIES
            .iter()
            .find(|c| item.score_of_word(c.wire).is_some_and(|p| f64::from(p) == points))
            .map(|c| c.wire),
        None => choice(s, FREQUENCIES),
    }
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
            Question::Capd(i) => CAPD_ITEMS.get(i).map_or("CAPD", |item| item.help),
            Question::Field(f) => f.def().question,
        }
    }

    /// The full question with its options and what may be typed, from the
    /// field's kind.
    fn prompt(self) -> String {
        let Question::Field(field) = self else {
            return match self {
                Question::Ice(step) => step.prompt(),
                Question::Capd(i) => {
                    let item = CAPD_ITEMS.get(i);
                    let options: Vec<String> = FREQUENCIES
                        .iter()
                        .enumerate()
                        .map(|(n, c)| {
                            let points = item.and_then(|it| it.score_of_word(c.wire)).unwrap_or(0);
                            format!("{} {} ({points})", letter(n), c.wire)
                        })
                        .collect();
                    format!(
                        "CAPD: {}\n  {}\n[{}-{}, a word, or the points 0-4 as on the paper form]",
                        item.map_or("", |item| item.help),
                        options.join("  "),
                        letter(0),
                        last_letter(FREQUENCIES.len())
                    )
                }
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
            Kind::Choice(choices) => format!(
                "{q}:\n{}[{}-{} or a name]",
                options(choices),
                letter(0),
                last_letter(choices.len())
            ),
            Kind::Domains(choices) => {
                let mut out = String::new();
                text::wrapped(
                    &mut out,
                    &format!("[none, or domain names: {}]", names(choices)),
                    "",
                    " ",
                );
                format!("{q}\n{}", out.trim_end())
            }
            Kind::Id | Kind::Text | Kind::Timestamp | Kind::Items(_) => format!("{q} [text]"),
        }
    }

    /// Whether the question is a menu, where a single character is always
    /// an option letter (docs/spec.md §5, v4).
    fn is_menu(self) -> bool {
        matches!(self, Question::Capd(_))
            || matches!(self, Question::Field(f) if matches!(f.def().kind, Kind::Choice(_)))
    }

    fn read(self, typed: &str) -> Reply {
        let s = typed.trim().to_ascii_lowercase();
        match s.as_str() {
            "back" => return Reply::Back,
            "skip" => return Reply::Answer(Answer::Skip),
            // Away from a menu, one letter is a shortcut.
            "b" if !self.is_menu() => return Reply::Back,
            "s" if !self.is_menu() => return Reply::Answer(Answer::Skip),
            _ => {}
        }
        let answer = match self {
            Question::Ice(IceStep::Naming) => {
                number_in(&s, 0.0, f64::from(ICE_ITEMS[1].max), true).map(Answer::Number)
            }
            Question::Ice(_) => yes_no(&s).map(Answer::Yes),
            Question::Capd(i) => capd_answer(&s, i).map(Answer::Choice),
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
                Kind::Domains(choices) => match s.as_str() {
                    "none" | "no" | "n" | "0" => Some(Answer::Domains(Vec::new())),
                    _ => s
                        .split([',', ';', ' '])
                        .filter(|p| !p.is_empty())
                        .map(|p| {
                            let exact = choices.iter().find(|c| c.wire == p);
                            match (exact, starting_with(p, choices).as_slice()) {
                                (Some(c), _) => Some(c.wire),
                                (None, [one]) if p.len() >= 2 => Some(one.wire),
                                _ => None,
                            }
                        })
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
        let number_at_a_menu =
            matches!(self, Question::Field(_)) && self.is_menu() && typed_number(typed).is_some();
        if number_at_a_menu {
            return format!("\"{typed}\"? {}.", capitalised(NUMBER_AT_A_MENU));
        }
        let guess = match self {
            Question::Capd(_) => meant(typed, FREQUENCIES),
            Question::Field(field) => match field.def().kind {
                Kind::Choice(choices) => meant(typed, choices),
                Kind::Number { .. } if field == Field::TemperatureC => fahrenheit(typed),
                _ => String::new(),
            },
            Question::Ice(_) => String::new(),
        };
        let what = match self {
            Question::Ice(IceStep::Naming) => format!("a whole number 0-{}", ICE_ITEMS[1].max),
            Question::Ice(_) => "y or n".into(),
            Question::Capd(_) => {
                "an option letter a-e, never, rarely, sometimes, often, always, or the points 0-4".into()
            }
            Question::Field(field) => match field.def().kind {
                Kind::Integer { min, max: Some(max) } => format!("a whole number {min}-{max}"),
                Kind::Integer { min, .. } => format!("a whole number >= {min}"),
                Kind::Number { .. } => field.def().kind.allowed(),
                Kind::Boolean => "y or n".into(),
                Kind::Choice(choices) => {
                    format!("an option letter a-{} or a name", last_letter(choices.len()))
                }
                Kind::Domains(_) => "none, or domain names separated by commas".into(),
                Kind::Id | Kind::Text | Kind::Timestamp | Kind::Items(_) => "text".into(),
            },
        };
        format!("\"{typed}\"?{guess} Type {what} (or skip, back).")
    }
}

/// A sentence's first letter in capitals.
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A temperature typed in degrees Fahrenheit, most likely: said, with the
/// Celsius value, never converted unasked.
fn fahrenheit(typed: &str) -> String {
    match typed_number(typed).and_then(crate::grading::catalogue::fahrenheit_as_celsius) {
        Some(c) => format!(
            " {typed} looks like degrees Fahrenheit ({c:.1} C); the question asks for degrees Celsius."
        ),
        None => String::new(),
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
            .or(self.number(Question::Field(Field::AgeYears)))
    }

    fn number(&self, q: Question) -> Option<f64> {
        match self.answers.get(&q) {
            Some(Answer::Number(x)) => Some(*x),
            _ => None,
        }
    }

    /// The main questions, in their fixed order: the path (ICE or CAPD, 8
    /// questions either way) follows the age, nothing else changes them.
    fn questions(&self) -> Vec<Question> {
        let mut plan = Vec::new();
        if self.settings.age.is_none() && !self.settings.child {
            plan.push(Question::Field(Field::AgeYears));
        }
        if self.settings.weight_kg.is_none() {
            plan.push(Question::Field(Field::WeightKg));
        }
        if self.is_child() {
            plan.extend((0..CAPD_ITEMS.len()).map(Question::Capd));
        } else {
            plan.extend(ICE_SCREEN);
        }
        plan.extend(
            [
                Field::Consciousness,
                Field::Seizure,
                Field::Motor,
                Field::Edema,
                Field::TemperatureC,
                Field::Hypotension,
                Field::Hypoxia,
                Field::FeverMasked,
                Field::OtherCause,
                if self.is_child() {
                    Field::PreviousCapd
                } else {
                    Field::PreviousIceTotal
                },
            ]
            .map(Question::Field),
        );
        // The follow-ups, always asked, last, in this order (unless given
        // as flags), so that piped answers never depend on the grade
        // (docs/spec.md §5, v4).
        for field in [Field::HoursSinceOnset, Field::SteroidRefractory] {
            if !self.settings.given.iter().any(|(f, _)| *f == field) {
                plan.push(Question::Field(field));
            }
        }
        plan
    }

    /// The record the answers to `asked` make, through the record builder.
    fn record(&self, asked: &[Question]) -> Result<Assessment, Refused> {
        let mut b = RecordBuilder::new();
        for (field, typed) in &self.settings.given {
            b.set(*field, Value::Text(typed));
        }
        let answer = |q: Question| asked.contains(&q).then(|| self.answers.get(&q)).flatten();
        if let Some(age) = self.age() {
            b.set(Field::AgeYears, Value::Float(age));
        }
        if let Some(w) = self.settings.weight_kg {
            b.set(Field::WeightKg, Value::Float(w));
        }
        let answered = |q: &Question| answer(*q).is_some_and(|a| *a != Answer::Skip);
        if !self.is_child() && ICE_SCREEN.iter().all(answered) {
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
            b.begin_object(Field::Ice);
            for (item, score) in ICE_ITEMS.iter().zip(items) {
                b.object_item(Field::Ice, item.key, Value::Int(score.into()));
            }
        }
        let capd: Vec<Question> = (0..CAPD_ITEMS.len()).map(Question::Capd).collect();
        if self.is_child() && capd.iter().all(answered) {
            b.begin_object(Field::CapdItems);
            for (i, item) in CAPD_ITEMS.iter().enumerate() {
                if let Some(Answer::Choice(word)) = answer(Question::Capd(i)) {
                    b.object_item(Field::CapdItems, item.key, Value::Text(word));
                }
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
                    b.other_cause_item(Value::Text(d));
                }
            }
        }
        crate::input::finish(b)
    }
}

/// The longest line read as an answer: answers are words and numbers, and
/// a longer line (`icans assess < /dev/zero`) is refused without being held
/// in memory.
pub const MAX_ANSWER_BYTES: usize = 4096;

/// Reads one line of answers into `line` (with its line end), at most
/// [`MAX_ANSWER_BYTES`]; 0 at the end of the input.
fn read_answer<R: BufRead>(r: &mut R, line: &mut String) -> Result<usize, InterviewError> {
    let mut bytes = Vec::new();
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let (take, ended) = match memchr::memchr(b'\n', buf) {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if bytes.len() + take > MAX_ANSWER_BYTES + 2 {
            return Err(InterviewError::TooLong(MAX_ANSWER_BYTES));
        }
        bytes.extend_from_slice(&buf[..take]);
        r.consume(take);
        if ended {
            break;
        }
    }
    let n = bytes.len();
    let text = String::from_utf8(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "stream did not contain valid UTF-8"))?;
    line.push_str(&text);
    Ok(n)
}

/// Runs the interview: questions go to `prompts`, answers come from
/// `answers`, one per line. Returns the record once every question is
/// answered or skipped.
pub fn run<R: BufRead, W: Write>(
    mut answers: R,
    mut prompts: W,
    settings: Settings,
) -> Result<Assessment, InterviewError> {
    let strict_end = settings.strict_end;
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
    let asked = loop {
        let all = interview.questions();
        let Some(&question) = all.get(at) else {
            break all;
        };
        let counter = format!("question {} of {}", at + 1, all.len());
        write!(prompts, "\n({counter})\n{}\n> ", question.prompt())?;
        prompts.flush()?;
        loop {
            line.clear();
            if read_answer(&mut answers, &mut line)? == 0 {
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
                Reply::Retry(hint) if strict_end => {
                    writeln!(prompts)?;
                    return Err(InterviewError::BadAnswer(
                        question.title(),
                        line.trim().to_string(),
                        hint,
                    ));
                }
                Reply::Retry(hint) => {
                    write!(prompts, "  {hint}\n> ")?;
                    prompts.flush()?;
                }
            }
        }
    };
    if strict_end {
        let mut left = 0usize;
        let mut first = None;
        loop {
            line.clear();
            if read_answer(&mut answers, &mut line)? == 0 {
                break;
            }
            if !line.trim().is_empty() {
                left += 1;
                first.get_or_insert_with(|| line.trim().to_string());
            }
        }
        if let Some(first) = first {
            return Err(InterviewError::LeftOver(left, first));
        }
    }
    interview.record(&asked).map_err(InterviewError::Invalid)
}
