//! What a management step is made of (docs/spec.md §3): its action table,
//! the thresholds its conditions read, and which actions are emergencies.
//! A [`Management`] is a value, as a [`Criteria`](super::Criteria) is: the
//! criteria names the one it proposes (`Criteria::management`), so that a
//! product with its own management (a bispecific) is one more value, one
//! reviewed file beside `car_t.rs`. The plan reads the rows and thresholds
//! from the value ([`plan`](super::super::plan::plan)), the protocol
//! validates and fills its texts by it.

use super::super::actions::{ActionId, ActionRow, MAX_ACTION_GRADE, Step, Thresholds, When};
use super::super::domain::Domain;

/// What a finding attributed to another cause still gets when it is an
/// emergency (docs/spec.md §3 "Excluded but still an emergency"): the
/// domain, the grade the finding would have, the actions of that grade it
/// still needs.
pub type ExcludedEmergency = (Domain, u8, &'static [ActionId]);

/// Where each step's rows of one grade are in a table: (first, end) per
/// grade 0-5, the ICANS step then the CRS step.
type Slices = [[(u16, u16); MAX_ACTION_GRADE as usize + 2]; 2];

/// A management step as a value (docs/spec.md §3). Made with
/// `Management::new` (in this crate), which the build runs: a table out of step and
/// grade order does not compile.
#[derive(Debug)]
pub struct Management {
    /// Its name (docs, messages).
    name: &'static str,
    /// The sources its rows are read from.
    sources: &'static str,
    /// The rows labelled by step and grade: the ICANS rows, then the CRS
    /// rows, each in grade order.
    actions: &'static [ActionRow],
    /// Where each grade's rows are (worked out by the build).
    slices: Slices,
    /// The thresholds its conditions read.
    pub thresholds: Thresholds,
    /// Each action's place in the step's order (by its id): the
    /// emergencies first (docs/spec.md §3 "Order"), then those listed
    /// right after them (docs/spec.md §2, v4), then the others, which
    /// keep table order (worked out by the build from the two lists).
    ranks: [u8; ActionId::ALL.len()],
    /// What an excluded finding that is still an emergency gets.
    excluded_emergencies: &'static [ExcludedEmergency],
}

/// Two values are the same management when they are the same name: each
/// value's name is its own (a test holds it).
impl PartialEq for Management {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Management {}

/// The order of a row in a table: the ICANS step first, each by grade.
const fn order(row: &ActionRow) -> u16 {
    let step = match row.step {
        Step::Icans => 0,
        Step::Crs => 1,
    };
    step * 16 + row.grade as u16
}

/// Works out where each step's grade starts and ends, and refuses (at
/// build time) a table out of order or with a grade past
/// [`MAX_ACTION_GRADE`].
const fn slices(actions: &[ActionRow]) -> Slices {
    let mut out: Slices = [[(0, 0); MAX_ACTION_GRADE as usize + 2]; 2];
    let mut i = 0;
    while i < actions.len() {
        let row = &actions[i];
        assert!(row.grade <= MAX_ACTION_GRADE, "a management row's grade is 0-4");
        if i > 0 {
            assert!(
                order(&actions[i - 1]) <= order(row),
                "a management table lists the ICANS rows, then the CRS rows, each in grade order"
            );
        }
        let step = match row.step {
            Step::Icans => 0,
            Step::Crs => 1,
        };
        let g = row.grade as usize;
        if out[step][g].1 == 0 {
            out[step][g].0 = i as u16;
        }
        out[step][g].1 = i as u16 + 1;
        i += 1;
    }
    out
}

/// Each action's rank: its place among the emergencies, else the
/// emergencies' count for those listed right after them, else one more.
const fn ranks(emergency_order: &[ActionId], after_emergencies: &[ActionId]) -> [u8; ActionId::ALL.len()] {
    let emergencies = emergency_order.len() as u8;
    let mut out = [emergencies + 1; ActionId::ALL.len()];
    let mut i = 0;
    while i < after_emergencies.len() {
        out[after_emergencies[i] as usize] = emergencies;
        i += 1;
    }
    let mut i = 0;
    while i < emergency_order.len() {
        out[emergency_order[i] as usize] = i as u8;
        i += 1;
    }
    out
}

impl Management {
    /// A management step: its rows, checked and placed by the build.
    pub(crate) const fn new(
        name: &'static str,
        sources: &'static str,
        actions: &'static [ActionRow],
        thresholds: Thresholds,
        emergency_order: &'static [ActionId],
        after_emergencies: &'static [ActionId],
        excluded_emergencies: &'static [ExcludedEmergency],
    ) -> Management {
        Management {
            name,
            sources,
            actions,
            slices: slices(actions),
            thresholds,
            ranks: ranks(emergency_order, after_emergencies),
            excluded_emergencies,
        }
    }

    /// Its name.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The sources its rows are read from.
    pub const fn sources(&self) -> &'static str {
        self.sources
    }

    /// Every row, in table order.
    pub const fn actions(&self) -> &'static [ActionRow] {
        self.actions
    }

    /// The rows of one grade of one step, in table order (one slice of the
    /// table, placed by the build).
    pub fn rows(&self, step: Step, grade: u8) -> impl Iterator<Item = &'static ActionRow> + use<> {
        let index = match step {
            Step::Icans => 0,
            Step::Crs => 1,
        };
        let (first, end) = self.slices[index]
            .get(usize::from(grade))
            .copied()
            .unwrap_or((0, 0));
        self.actions[usize::from(first)..usize::from(end)].iter()
    }

    /// The ICANS step's rows of one grade, in table order.
    pub fn of_grade(&self, grade: u8) -> impl Iterator<Item = &'static ActionRow> + use<> {
        self.rows(Step::Icans, grade)
    }

    /// The row of a step's grade with a protocol key, when the key belongs
    /// to that grade.
    pub fn find_key(&self, step: Step, grade: u8, key: &str) -> Option<&'static ActionRow> {
        self.rows(step, grade).find(|r| r.key == key)
    }

    /// The protocol keys of a step's grade, comma separated, for messages.
    pub fn names(&self, step: Step, grade: u8) -> String {
        let mut keys: Vec<&str> = self.rows(step, grade).map(|r| r.key).collect();
        keys.dedup();
        keys.join(", ")
    }

    /// Every protocol key, once, in table order.
    pub fn all_keys(&self) -> Vec<&'static str> {
        let mut keys: Vec<&str> = Vec::new();
        for r in self.actions {
            if !keys.contains(&r.key) {
                keys.push(r.key);
            }
        }
        keys
    }

    /// Where an action stands among the emergencies (0 first), or after
    /// them: a look-up, as it is read for every row of every plan.
    pub fn emergency_rank(&self, id: ActionId) -> u8 {
        self.ranks[id as usize]
    }

    /// What a finding attributed to another cause still gets when it is an
    /// emergency: the actions of the grade it would have (none for a
    /// finding that gets a warning only).
    pub fn excluded_emergency_actions(&self, domain: Domain, finding_grade: u8) -> &'static [ActionId] {
        self.excluded_emergencies
            .iter()
            .find(|(d, g, _)| *d == domain && *g == finding_grade)
            .map_or(&[], |(_, _, ids)| ids)
    }

    /// Whether a finding attributed to another cause is still an emergency
    /// the result must speak of: a seizure or edema graded at least
    /// [`Thresholds::excluded_emergency_min_grade`].
    pub fn is_excluded_emergency(&self, domain: Domain, finding_grade: u8) -> bool {
        matches!(domain, Domain::Seizure | Domain::Edema)
            && finding_grade >= self.thresholds.excluded_emergency_min_grade
    }

    /// A row's condition in words, with this step's thresholds; `None`
    /// for [`When::Always`].
    pub fn describe(&self, when: When) -> Option<String> {
        when.describe(&self.thresholds)
    }

    /// The action table as Markdown (docs/spec.md §3 is kept to it by a
    /// test): step, grade, id, condition, built-in text, child text.
    pub fn markdown_table(&self) -> String {
        let mut out = String::from(
            "| step | grade | id | when | built-in text | child's text |\n|---|---|---|---|---|---|\n",
        );
        for r in self.actions {
            let when = self.describe(r.when).unwrap_or_else(|| "always".into());
            let fill = |t: &str, d: Option<super::super::actions::Dose>| {
                t.replace("{dose}", &d.map(|d| d.describe(None)).unwrap_or_default())
            };
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
}
