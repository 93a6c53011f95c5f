//! Institutional protocols: a centre's own words and doses for the
//! management actions, and its own reassessment hours. A protocol supplies
//! texts and hours only: which actions apply, and when, is the action
//! table's and the plan's (docs/spec.md §3), tocilizumab only with
//! concurrent CRS among them. [`Protocol::render`] turns a [`Plan`] into
//! the result's [`Management`].

use std::borrow::Cow;

use super::actions::{self, ActionId, ActionRow};
use super::plan::{Interval, Note, Plan};
use super::result::{Action, Management};

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

/// A management protocol: action texts and reassessment intervals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protocol {
    name: Cow<'static, str>,
    texts: Vec<(u8, ActionId, String)>,
    /// The reassessment intervals.
    pub intervals: Intervals,
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
        texts: Vec::new(),
        intervals: BUILTIN_INTERVALS,
    };

    /// A protocol named `name` with texts replacing the built-in ones
    /// (grade, action id, text) and its own intervals. Refuses an action that
    /// is not in that grade's table, an empty text or name, and intervals
    /// outside 1-168 h or out of order (urgent <= grade 1 <= grade 0).
    pub fn new(
        name: impl Into<String>,
        texts: Vec<(u8, ActionId, String)>,
        intervals: Intervals,
    ) -> Result<Protocol, ProtocolError> {
        let name = name.into();
        if name.trim().is_empty() {
            return Err(ProtocolError(
                "name: empty (allowed: a name shown in every result)".into(),
            ));
        }
        for (grade, id, text) in &texts {
            if *grade > actions::MAX_ACTION_GRADE {
                return Err(ProtocolError(format!(
                    "grade_{grade}: no such grade (allowed: grade_0 to grade_{})",
                    actions::MAX_ACTION_GRADE
                )));
            }
            if actions::find(*grade, *id).is_none() {
                return Err(ProtocolError(format!(
                    "grade_{grade}.{}: not an action of grade {grade} (allowed: {})",
                    id.as_str(),
                    actions::names(*grade)
                )));
            }
            if text.trim().is_empty() {
                return Err(ProtocolError(format!(
                    "grade_{grade}.{}: empty text (allowed: the action's text, with dose)",
                    id.as_str()
                )));
            }
        }
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
            texts,
            intervals,
        })
    }

    /// The protocol's name, as results show it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text of a row: the protocol's, or the built-in one.
    pub fn text(&self, row: &ActionRow) -> Cow<'static, str> {
        match self
            .texts
            .iter()
            .find(|(g, id, _)| *g == row.grade && *id == row.id)
        {
            Some((_, _, text)) => Cow::Owned(text.clone()),
            None => Cow::Borrowed(row.text),
        }
    }

    /// The result's management step: the plan's actions with this
    /// protocol's texts, its hours, and the summary sentence built from
    /// the chosen actions and the plan's notes. `lower_bound_note` ends the
    /// summary of an incomplete result.
    pub fn render(&self, plan: &Plan, lower_bound_note: Option<&str>) -> Management {
        let actions = plan
            .rows
            .iter()
            .map(|r| Action {
                id: r.id,
                text: self.text(r),
            })
            .collect();
        Management {
            summary: summary(plan, lower_bound_note),
            actions,
            reassess_hours: plan.interval.map(|i| self.intervals.hours(i)),
        }
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
fn summary(plan: &Plan, lower_bound_note: Option<&str>) -> String {
    let mut s = String::with_capacity(160);
    match plan.grade {
        0 => s.push_str("No ICANS: "),
        5.. => s.push_str("Grade 5: death attributed to ICANS."),
        g => {
            s.push_str("Grade ");
            s.push(char::from(b'0' + g));
            s.push_str(" ICANS: ");
        }
    }
    if plan.grade < 5 {
        listed(
            &mut s,
            plan.rows.iter().map(|r| r.brief).filter(|b| !b.is_empty()),
        );
        s.push('.');
    }
    for note in &plan.notes {
        match note {
            Note::NoTocilizumabWithoutCrs => s.push_str(
                " No concurrent CRS: tocilizumab is not indicated (it does not treat ICANS and may raise free IL-6).",
            ),
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

    fn ctx(grade: u8, crs_grade: u8) -> Context {
        Context {
            grade,
            crs_grade,
            hours_since_onset: None,
            steroid_refractory: false,
            cerebral_edema: false,
            ice_declining: false,
        }
    }

    #[test]
    fn the_summary_lists_the_chosen_actions() {
        let m = Protocol::BUILTIN.render(&plan(&ctx(1, 2)), None);
        assert_eq!(
            m.summary,
            "Grade 1 ICANS: close monitoring, supportive care and tocilizumab for the concurrent CRS."
        );
        let m = Protocol::BUILTIN.render(&plan(&ctx(0, 0)), Some("Lower bound: motor not assessed."));
        assert_eq!(
            m.summary,
            "No ICANS: continue ICE screening. Lower bound: motor not assessed."
        );
        assert_eq!(m.reassess_hours, Some(12));
    }

    #[test]
    fn a_protocol_changes_texts_and_hours_only() {
        let p = Protocol::new(
            "Centre",
            vec![(2, ActionId::Dexamethasone, "Dex per unit protocol".into())],
            Intervals {
                urgent: 2,
                grade_0: 24,
                grade_1: 6,
            },
        )
        .expect("a valid protocol");
        let m = p.render(&plan(&ctx(2, 0)), None);
        assert_eq!(m.actions[0].text, "Dex per unit protocol");
        assert_eq!(m.reassess_hours, Some(2));
        assert_eq!(m.actions.len(), 4);
    }

    #[test]
    fn a_protocol_cannot_add_an_action_to_a_grade() {
        let e = Protocol::new(
            "x",
            vec![(0, ActionId::Tocilizumab, "t".into())],
            BUILTIN_INTERVALS,
        )
        .unwrap_err();
        assert_eq!(
            e.0,
            "grade_0.tocilizumab: not an action of grade 0 (allowed: ice_screening)"
        );
    }
}
