//! How a [`Criteria`] grades each finding: the finding enums (`domain.rs`)
//! know nothing of a criteria; here each is tied to its table by name, and
//! the build fails unless every criteria in [`ALL_CRITERIA`] grades every
//! finding once, in the enum's order (so that a grade is an index, never a
//! default: [`Criteria::grade`]).

use super::super::domain::{Consciousness, Edema, Hypotension, Hypoxia, IceBand, Motor, Seizure};
use super::ALL_CRITERIA;
use super::shape::{Criteria, Graded, Grades, same_name};

/// `graded!(Finding by table, ...)`: the finding's [`Graded`] impl and the
/// build's check of `table` in every criteria.
macro_rules! graded {
    ($($name:ident by $grades:ident),+ $(,)?) => {$(
        impl Graded for $name {
            const ALL: &'static [Self] = $name::ALL;

            fn wire(self) -> &'static str {
                self.as_str()
            }

            fn index(self) -> usize {
                self as usize
            }

            fn grades(c: &Criteria) -> Grades {
                c.$grades
            }
        }

        const _: () = {
            let mut k = 0;
            while k < ALL_CRITERIA.len() {
                let table = ALL_CRITERIA[k].$grades;
                assert!(
                    table.len() == $name::ALL.len(),
                    concat!("a criteria's ", stringify!($grades), " must grade every ", stringify!($name), " once")
                );
                let mut i = 0;
                while i < table.len() {
                    assert!(
                        same_name(table[i].0, $name::ALL[i].as_str()),
                        concat!("a criteria's ", stringify!($grades), " must list the ", stringify!($name), " findings in order")
                    );
                    i += 1;
                }
                k += 1;
            }
        };
    )+};
}

graded! {
    Consciousness by consciousness,
    Seizure by seizure,
    Motor by motor,
    Edema by edema,
    IceBand by ice_band,
    Hypotension by hypotension,
    Hypoxia by hypoxia,
}
