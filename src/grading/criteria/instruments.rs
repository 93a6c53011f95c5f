//! The encephalopathy instruments, one row each (issue 36; docs/spec.md
//! §2, §3, §6): what grading reads of an instrument (its name, its highest
//! total, how its score is shown, the previous score it is compared with
//! and which way is worse, what an unarousable patient can score, how
//! "unable" reads, the instrument the texts name, the ages it is validated
//! at). `grading` walks the row once for the finding, "unable to
//! perform", the trend and the instrument warnings; how a guideline grades
//! each score is the guideline's ([`Criteria`](super::Criteria)'s bands).
//! docs/architecture.md "How to add an instrument".

use super::super::rules::{CAPD_MAX, ICE_MAX, ICE_MIN_AGE_YEARS};

vocab! {
    /// The encephalopathy instrument (docs/spec.md §4 `instrument`).
    pub enum Instrument {
        /// Immune Effector Cell-Associated Encephalopathy score (age 12 and over).
        Ice = "ice",
        /// Cornell Assessment of Pediatric Delirium (under 12, or developmental delay).
        Capd = "capd",
        /// CARTOX-10 (records before 2019), read on the ICE bands.
        Cartox10 = "cartox10",
        /// An ICE (or CARTOX-10) total recorded only as a band.
        IceBand = "ice_band",
    }
}

impl Instrument {
    /// Its row of [`INSTRUMENTS`].
    pub const fn row(self) -> &'static InstrumentRow {
        &INSTRUMENTS[self as usize]
    }

    /// The instrument to screen and reassess with, as the texts name it:
    /// ICE for the older ICE-family records (CARTOX-10, a band).
    pub const fn screening(self) -> Instrument {
        self.row().screening
    }

    /// Whether its totals are graded by its own bands (a scale of its own).
    pub const fn has_bands(self) -> bool {
        self.row().reads_on as usize == self as usize
    }

    /// The place of the instrument it reads on among those that
    /// [`have bands`](Self::has_bands), in order: its band table's place in
    /// a [`Criteria`](super::Criteria).
    pub const fn bands_index(self) -> usize {
        BANDS_INDEX[self as usize]
    }

    /// Whether the texts are written for it: it screens with itself.
    pub const fn screens(self) -> bool {
        self.screening() as usize == self as usize
    }

    /// The place of its screening instrument among the instruments that
    /// [`screen`](Self::screens), in order.
    pub const fn screening_index(self) -> usize {
        SCREENING_INDEX[self as usize]
    }
}

/// What an instrument is, as grading and the texts read it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InstrumentRow {
    /// The instrument; its place in [`INSTRUMENTS`] is its enum's.
    pub instrument: Instrument,
    /// Its name in texts ("ICE"; a band is an ICE's).
    pub name: &'static str,
    /// The record keys that give its score (catalogue fields: the build
    /// checks each is one, `record.rs`).
    pub given: Given,
    /// Its score in warnings: "ICE total 5", "CAPD 12", "ICE band 3-6".
    pub score_words: &'static str,
    /// The finding label of a total: "ICE 7/10", "CAPD 12"; `None` for
    /// a band, whose label is its finding's (`IceBand::label`).
    pub label: Option<Label>,
    /// The highest total (a band's are the ICE's).
    pub max: u8,
    /// The instrument whose bands (in each [`Criteria`](super::Criteria))
    /// grade its totals: its own, or ICE's for CARTOX-10 and a band (whose
    /// bands are rows of the ICE table).
    pub reads_on: Instrument,
    /// The previous score a reading is compared with, and which way is
    /// worse (docs/spec.md §3 `reassess_hours`).
    pub trend: Trend,
    /// Scores from this one are impossible in an unarousable patient (the
    /// warning asks to check both findings), and why.
    pub unarousable: (u8, &'static str),
    /// What every result read on it says of itself (CARTOX-10: an
    /// approximation).
    pub note: Option<&'static str>,
    /// The warning when it reads "unable" and the patient is not
    /// unarousable (the domain is then not assessed).
    pub unable: Option<&'static str>,
    /// The instrument the texts name when this one was used (its own, or
    /// ICE for the older ICE-family records).
    pub screening: Instrument,
    /// The ages it is validated at, and what a result outside them says
    /// after "ICE used at age 8 ".
    pub ages: (Ages, &'static str),
    /// How the next assessment is named when the patient is unarousable,
    /// for a screening instrument.
    pub reassess_unarousable: &'static str,
}

/// How a record gives an instrument's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Given {
    /// Its items, or its total alone (ICE: `ice`, `ice_total`; CAPD:
    /// `capd_items`, `capd`): the record builder checks one against the
    /// other and scores the items.
    Items {
        /// The items' key.
        items: &'static str,
        /// The total's key.
        total: &'static str,
    },
    /// Its total alone, in this key (`cartox10`), echoed in the result
    /// under the same key.
    Total(&'static str),
    /// An ICE total recorded only as a band, in this key (`ice_band`).
    Band(&'static str),
}

impl Given {
    /// Its keys: the items' (or the only one), then the total's.
    pub const fn keys(self) -> (&'static str, Option<&'static str>) {
        match self {
            Given::Items { items, total } => (items, Some(total)),
            Given::Total(key) | Given::Band(key) => (key, None),
        }
    }

    /// The key of a total given alone (`cartox10`), echoed in the result
    /// under it; `None` for an instrument given otherwise.
    pub const fn alone(self) -> Option<&'static str> {
        match self {
            Given::Total(key) => Some(key),
            Given::Items { .. } | Given::Band(_) => None,
        }
    }

    /// Whether `key` is one of its keys.
    pub fn has(self, key: &str) -> bool {
        let (first, second) = self.keys();
        first == key || second == Some(key)
    }
}

/// The instruments given by a total alone, with their keys, in order:
/// each is echoed in the result and has a CSV column under its key.
pub fn totals_alone() -> impl Iterator<Item = (&'static InstrumentRow, &'static str)> {
    INSTRUMENTS
        .iter()
        .filter_map(|row| row.given.alone().map(|key| (row, key)))
}

/// How a total is shown: prefix, the total, "/max" when `out_of`, suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    /// Before the total.
    pub prefix: &'static str,
    /// Whether "/max" follows the total.
    pub out_of: bool,
    /// After the total (and "/max").
    pub suffix: &'static str,
}

/// What a reading is compared with, and its words in the warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trend {
    /// The record's previous score of this scale.
    pub previous: Previous,
    /// A lower score is worse (ICE), or a higher one (CAPD).
    pub worse: Worse,
    /// "ICE declining", "CAPD worsening".
    pub words: &'static str,
    /// After the current total in the warning: "6 (CARTOX-10)".
    pub suffix: &'static str,
}

/// The record's field holding the previous score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Previous {
    /// `previous_ice_total`.
    IceTotal,
    /// `previous_capd`.
    Capd,
}

/// Which way a score is worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Worse {
    /// Lower is worse (ICE: a decline).
    Lower,
    /// Higher is worse (CAPD: worsening).
    Higher,
}

impl Worse {
    /// Whether `now` is worse than `before`.
    pub const fn than(self, now: u8, before: u8) -> bool {
        match self {
            Worse::Lower => now < before,
            Worse::Higher => now > before,
        }
    }
}

/// The ages an instrument is validated at (docs/spec.md §2 warnings).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ages {
    /// From this age (years).
    From(f64),
    /// Under this age (years): a children's instrument, so without an age
    /// a record assessed with it is a child's (docs/spec.md §6).
    Under(f64),
}

impl Ages {
    /// A children's instrument: without an age, a record assessed with it
    /// is a child's (docs/spec.md §6).
    pub const fn for_children(self) -> bool {
        matches!(self, Ages::Under(_))
    }

    /// Whether `age` (years) is among them.
    pub fn hold(self, age: f64) -> bool {
        match self {
            Ages::From(from) => age >= from,
            Ages::Under(under) => age < under,
        }
    }
}

/// [`Instrument::screening_index`] of each instrument, worked out by the
/// build (a lookup: it is read for every action of every result).
const SCREENING_INDEX: [usize; INSTRUMENTS.len()] = place_among(Toward::Screening);

/// [`Instrument::bands_index`] of each instrument, worked out by the build.
const BANDS_INDEX: [usize; INSTRUMENTS.len()] = place_among(Toward::Bands);

/// Which instrument a row names.
#[derive(Clone, Copy)]
enum Toward {
    /// Its screening instrument.
    Screening,
    /// The instrument whose bands it reads on.
    Bands,
}

/// The instrument `row` names `toward`, as its place in [`INSTRUMENTS`].
const fn named(row: &InstrumentRow, toward: Toward) -> usize {
    match toward {
        Toward::Screening => row.screening as usize,
        Toward::Bands => row.reads_on as usize,
    }
}

/// For each instrument, the place of the one it names (`toward`) among
/// the instruments that name themselves.
const fn place_among(toward: Toward) -> [usize; INSTRUMENTS.len()] {
    let mut out = [0; INSTRUMENTS.len()];
    let mut k = 0;
    while k < out.len() {
        let mut i = 0;
        while i < named(&INSTRUMENTS[k], toward) {
            if named(&INSTRUMENTS[i], toward) == i {
                out[k] += 1;
            }
            i += 1;
        }
        k += 1;
    }
    out
}

/// What a CARTOX-10 result says of itself (docs/spec.md §2).
pub const CARTOX10_APPROXIMATION: &str = "CARTOX-10 read on the ICE bands: an approximation (CARTOX-10 asks a head-of-state question where ICE asks to follow a command)";

/// ICE, CAPD at ages under 12: "ICE used at age 8 (under 12): ...".
const ICE_AGES: (Ages, &str) = (
    Ages::From(ICE_MIN_AGE_YEARS),
    "(under 12): CAPD is the instrument for children under 12",
);

/// An ICE-family score is compared with the previous ICE total.
const ICE_TREND: Trend = Trend {
    previous: Previous::IceTotal,
    worse: Worse::Lower,
    words: "ICE declining",
    suffix: "",
};

/// Every instrument, in [`Instrument`]'s order (checked by the build below).
pub const INSTRUMENTS: [InstrumentRow; 4] = [
    InstrumentRow {
        instrument: Instrument::Ice,
        name: "ICE",
        given: Given::Items {
            items: "ice",
            total: "ice_total",
        },
        score_words: "ICE total",
        label: Some(Label {
            prefix: "ICE ",
            out_of: true,
            suffix: "",
        }),
        max: ICE_MAX,
        reads_on: Instrument::Ice,
        trend: ICE_TREND,
        unarousable: (1, "an unarousable patient cannot perform ICE"),
        note: None,
        unable: None,
        screening: Instrument::Ice,
        ages: ICE_AGES,
        reassess_unarousable: "neurological examination; ICE once arousable",
    },
    InstrumentRow {
        instrument: Instrument::Capd,
        name: "CAPD",
        given: Given::Items {
            items: "capd_items",
            total: "capd",
        },
        score_words: "CAPD",
        label: Some(Label {
            prefix: "CAPD ",
            out_of: false,
            suffix: "",
        }),
        max: CAPD_MAX,
        reads_on: Instrument::Capd,
        trend: Trend {
            previous: Previous::Capd,
            worse: Worse::Higher,
            words: "CAPD worsening",
            suffix: "",
        },
        unarousable: (0, "an unarousable child cannot be assessed with CAPD"),
        note: None,
        unable: None,
        screening: Instrument::Capd,
        ages: (
            Ages::Under(ICE_MIN_AGE_YEARS),
            "(12 or over): CAPD is for children under 12 or patients with developmental delay; ICE otherwise",
        ),
        reassess_unarousable: "neurological examination; CAPD once arousable",
    },
    // CARTOX-10 read on the ICE bands (ICE refines CARTOX-10, Lee 2019).
    InstrumentRow {
        instrument: Instrument::Cartox10,
        name: "CARTOX-10",
        given: Given::Total("cartox10"),
        score_words: "CARTOX-10 total",
        label: Some(Label {
            prefix: "CARTOX-10 ",
            out_of: true,
            suffix: " read on the ICE bands",
        }),
        max: ICE_MAX,
        reads_on: Instrument::Ice,
        trend: Trend {
            suffix: " (CARTOX-10)",
            ..ICE_TREND
        },
        unarousable: (1, "an unarousable patient cannot perform CARTOX-10"),
        note: Some(CARTOX10_APPROXIMATION),
        unable: None,
        screening: Instrument::Ice,
        ages: ICE_AGES,
        reassess_unarousable: "neurological examination; ICE once arousable",
    },
    InstrumentRow {
        instrument: Instrument::IceBand,
        name: "ICE",
        given: Given::Band("ice_band"),
        score_words: "ICE band",
        label: None,
        max: ICE_MAX,
        reads_on: Instrument::Ice,
        trend: ICE_TREND,
        unarousable: (1, "an unarousable patient cannot perform ICE"),
        note: None,
        // "unable" is grade 4 only when unarousable, as without ICE.
        unable: Some("ICE not done, reason not recorded: encephalopathy not assessed"),
        screening: Instrument::Ice,
        ages: ICE_AGES,
        reassess_unarousable: "neurological examination; ICE once arousable",
    },
];

// The build fails unless each row is its instrument's, in order, and
// each names a screening instrument that screens with itself and an
// instrument with bands of its own.
const _: () = {
    let mut i = 0;
    while i < INSTRUMENTS.len() {
        assert!(
            INSTRUMENTS[i].instrument as usize == i,
            "INSTRUMENTS must list every Instrument once, in order"
        );
        let screening = INSTRUMENTS[i].screening as usize;
        assert!(
            INSTRUMENTS[screening].screening as usize == screening,
            "a screening instrument screens with itself"
        );
        let reads_on = INSTRUMENTS[i].reads_on as usize;
        assert!(
            INSTRUMENTS[reads_on].reads_on as usize == reads_on,
            "an instrument reads on the bands of one that has its own"
        );
        i += 1;
    }
    assert!(INSTRUMENTS.len() == Instrument::ALL.len());
};

#[cfg(test)]
mod tests {
    use super::super::ALL_CRITERIA;
    use super::*;

    #[test]
    fn every_criteria_grades_every_total_of_every_instrument_once() {
        for c in ALL_CRITERIA {
            for row in &INSTRUMENTS {
                for total in 0..=row.max {
                    let bands = c.bands(row.instrument);
                    let holding = bands.iter().filter(|(r, _)| r.contains(&total)).count();
                    assert_eq!(holding, 1, "{}: {} {total}", c.name(), row.name);
                }
                assert_eq!(c.total_grade(row.instrument, row.max + 1), None, "{}", row.name);
            }
        }
    }

    #[test]
    fn worse_is_one_way() {
        assert!(Worse::Lower.than(6, 8) && !Worse::Lower.than(8, 8) && !Worse::Lower.than(9, 8));
        assert!(Worse::Higher.than(9, 8) && !Worse::Higher.than(8, 8) && !Worse::Higher.than(7, 8));
    }

    #[test]
    fn the_ages_part_at_twelve() {
        let (ice, capd) = (Instrument::Ice.row().ages.0, Instrument::Capd.row().ages.0);
        assert!(ice.hold(ICE_MIN_AGE_YEARS) && !ice.hold(11.99));
        assert!(!capd.hold(ICE_MIN_AGE_YEARS) && capd.hold(11.99));
        assert!(capd.for_children() && !ice.for_children());
    }

    /// ICE, CAPD, CARTOX-10 and the band (another instrument may follow).
    const FOUR: [Instrument; 4] = [
        Instrument::Ice,
        Instrument::Capd,
        Instrument::Cartox10,
        Instrument::IceBand,
    ];

    #[test]
    fn the_older_scores_are_screened_with_ice() {
        let screening: Vec<_> = FOUR.iter().map(|i| i.screening()).collect();
        let ice = Instrument::Ice;
        assert_eq!(screening, [ice, Instrument::Capd, ice, ice]);
        let index: Vec<_> = FOUR.iter().map(|i| i.screening_index()).collect();
        assert_eq!(index, [0, 1, 0, 0]);
    }

    #[test]
    fn the_older_scores_read_on_the_ice_bands() {
        let reads_on: Vec<_> = FOUR.iter().map(|i| i.row().reads_on).collect();
        let ice = Instrument::Ice;
        assert_eq!(reads_on, [ice, Instrument::Capd, ice, ice]);
        let index: Vec<_> = FOUR.iter().map(|i| i.bands_index()).collect();
        assert_eq!(index, [0, 1, 0, 0]);
        for c in ALL_CRITERIA {
            assert_eq!(c.bands(Instrument::Cartox10), c.bands(Instrument::Ice));
            assert_ne!(c.bands(Instrument::Capd), c.bands(Instrument::Ice));
        }
    }

    #[test]
    fn the_maxima_are_the_catalogue_fields_maxima() {
        use super::super::super::catalogue::{Field, Kind};
        for (field, instrument) in [
            (Field::IceTotal, Instrument::Ice),
            (Field::Capd, Instrument::Capd),
            (Field::Cartox10, Instrument::Cartox10),
        ] {
            match field.def().kind {
                Kind::Integer { max, .. } => assert_eq!(max, Some(i64::from(instrument.row().max))),
                other => panic!("{field:?}: {other:?}"),
            }
        }
    }
}
