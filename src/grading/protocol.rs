//! Institutional protocols: a centre's own words and doses for the
//! management actions, and its own reassessment intervals. The action ids,
//! which actions apply at which grade and when (tocilizumab only with
//! concurrent CRS among them) stay those of contract §3.

use std::borrow::Cow;

use super::management::{ACTION_TABLE, ActionId, ActionRule, BUILTIN_INTERVALS, Intervals};

/// The name results carry when no protocol file is given.
pub const BUILTIN_NAME: &str = "built-in";

/// Longest reassessment interval a protocol may set, in hours (a week).
pub const MAX_INTERVAL_HOURS: u8 = 168;

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
    /// The built-in protocol: the texts of [`ACTION_TABLE`] and the
    /// contract's intervals.
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
            let table = table_of(*grade).ok_or_else(|| {
                ProtocolError(format!(
                    "grade_{grade}: no such grade (allowed: grade_0 to grade_4)"
                ))
            })?;
            if !table.iter().any(|r| r.id == *id) {
                return Err(ProtocolError(format!(
                    "grade_{grade}.{}: not an action of grade {grade} (allowed: {})",
                    id.as_str(),
                    action_names(*grade)
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

    /// The text of an action at a grade: the protocol's, or the built-in one.
    pub fn text(&self, grade: u8, rule: &ActionRule) -> Cow<'static, str> {
        match self.texts.iter().find(|(g, id, _)| *g == grade && *id == rule.id) {
            Some((_, _, text)) => Cow::Owned(text.clone()),
            None => Cow::Borrowed(rule.text),
        }
    }
}

/// The action table of a grade 0-4.
pub fn table_of(grade: u8) -> Option<&'static [ActionRule]> {
    ACTION_TABLE.get(usize::from(grade)).copied()
}

/// The action ids of a grade, comma separated, for messages.
pub fn action_names(grade: u8) -> String {
    table_of(grade)
        .unwrap_or(&[])
        .iter()
        .map(|r| r.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
