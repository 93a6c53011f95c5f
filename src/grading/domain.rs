//! The five ICANS domains and the findings recorded in four of them (and
//! the CRS findings): wire names, labels, descriptions, bedside aliases
//! (docs/spec.md §1 enums). Their grades are the guideline's, stated once
//! in `criteria/astct_2019.rs` (docs/spec.md §2 table); nothing else in
//! the crate maps a finding to a grade.

use serde::{Deserialize, Serialize};

/// One allowed value of a choice field: a finding, with its wire name,
/// its description in the ASTCT words and its bedside aliases (flags and
/// `assess` only; records take the wire name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// The wire name (JSON and CSV value).
    pub wire: &'static str,
    /// The finding in the consensus' words.
    pub description: &'static str,
    /// Short names typed at the bedside.
    pub aliases: &'static [&'static str],
}

impl Choice {
    /// Whether `typed` names this value at the bedside: the wire name or an
    /// alias, any case, with spaces or hyphens for underscores.
    pub fn matches_bedside(&self, typed: &str) -> bool {
        let s = typed.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        s == self.wire || self.aliases.contains(&s.as_str())
    }

    /// Whether `typed` is one of the bedside aliases (not the wire name in
    /// another case).
    pub fn is_alias(&self, typed: &str) -> bool {
        let s = typed.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        s != self.wire && self.aliases.contains(&s.as_str())
    }
}

/// Declares a finding enum with, per variant, its contract wire name, its
/// label and its description in the contract's words. Its grades are each
/// criteria's (`criteria/graded.rs` reads a finding through its table).
macro_rules! finding {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($wire:literal, $label:literal, $desc:literal, [$($alias:literal),*]) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = $desc] #[serde(rename = $wire)] $variant ),+
        }

        impl $name {
            /// Every value, in order of the contract's list.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The contract's wire name (JSON and CSV value).
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }


            /// A short label for result cards and the `finding` key.
            pub const fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// The finding described in the contract's (ASTCT's) words.
            pub const fn description(self) -> &'static str {
                match self { $($name::$variant => $desc),+ }
            }

            /// Parses a contract wire name; `None` for anything else.
            pub fn from_wire(s: &str) -> Option<Self> {
                match s { $($wire => Some($name::$variant),)+ _ => None }
            }

            /// Reads a finding as typed at the bedside: the wire name or a
            /// short alias in the contract's words (`voice`, `prolonged`),
            /// any case, with spaces or hyphens for underscores. Records
            /// (JSON, CSV) take only the wire names.
            pub fn from_bedside(s: &str) -> Option<Self> {
                Self::CHOICES
                    .iter()
                    .position(|c| c.matches_bedside(s))
                    .and_then(|i| Self::ALL.get(i).copied())
            }

            /// The values as the field catalogue lists them, in order.
            pub const CHOICES: &'static [Choice] = &[
                $(Choice { wire: $wire, description: $desc, aliases: &[$($alias),*] }),+
            ];
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

    };
}

finding! {
    /// Level of consciousness (ASTCT 2019 "depressed level of consciousness").
    /// A depressed level attributable to another cause, such as sedating
    /// medication, is excluded through `other_cause`.
    Consciousness {
        Alert = ("alert", "alert", "alert", []),
        AwakensSpontaneously = ("awakens_spontaneously", "awakens spontaneously",
            "awakens spontaneously", ["spontaneous", "spontaneously"]),
        AwakensToVoice = ("awakens_to_voice", "awakens to voice", "awakens to voice", ["voice"]),
        AwakensToTactile = ("awakens_to_tactile", "awakens only to tactile stimulus",
            "awakens only to tactile stimulus", ["tactile"]),
        Unarousable = ("unarousable", "unarousable",
            "unarousable, or needs vigorous or repetitive tactile stimuli to arouse; stupor or coma",
            ["stupor", "coma"]),
    }
}

finding! {
    /// Seizure (ASTCT 2019 seizure column).
    Seizure {
        None = ("none", "no seizure", "no seizure", ["no"]),
        RapidlyResolving = ("rapidly_resolving", "rapidly resolving seizure",
            "any clinical seizure, focal or generalized, that resolves rapidly, or non-convulsive seizures on EEG that resolve with intervention",
            ["brief", "rapid"]),
        ProlongedOrRepetitive = ("prolonged_or_repetitive", "prolonged or repetitive seizures",
            "life-threatening prolonged seizure (> 5 min), or repetitive clinical or electrical seizures without return to baseline in between",
            []),
    }
}

finding! {
    /// Motor findings (ASTCT 2019 motor column). Tremor and myoclonus are
    /// recorded but never graded: ASTCT grades them under CTCAE.
    Motor {
        None = ("none", "no motor findings", "no motor findings", ["no"]),
        TremorOrMyoclonus = ("tremor_or_myoclonus", "tremor or myoclonus (not graded by ASTCT)",
            "tremor or myoclonus: recorded, not graded by ASTCT (grade under CTCAE)",
            ["tremor", "myoclonus"]),
        DeepFocalWeakness = ("deep_focal_weakness", "deep focal motor weakness",
            "deep focal motor weakness (hemiparesis, paraparesis)",
            ["hemiparesis", "paraparesis"]),
    }
}

finding! {
    /// Raised intracranial pressure / cerebral edema (ASTCT 2019 column).
    /// Intracranial hemorrhage is not an ICANS feature and is never entered here.
    Edema {
        None = ("none", "no cerebral edema", "no raised ICP or cerebral edema", ["no"]),
        Focal = ("focal", "focal edema on imaging", "focal/local edema on neuroimaging", ["local"]),
        Diffuse = ("diffuse", "diffuse cerebral edema",
            "diffuse cerebral edema on neuroimaging, decerebrate or decorticate posturing, cranial nerve VI palsy, papilledema, or Cushing's triad",
            []),
    }
}

finding! {
    /// An ICE (or CARTOX-10) total recorded only as a band, as registry forms
    /// hold it (CIBMTR form 4100), graded by the ICE bands (docs/spec.md §2).
    /// `unable` is grade 4 only when the patient is unarousable (and that is
    /// not attributed to another cause); otherwise encephalopathy is not
    /// assessed.
    IceBand {
        Ten = ("10", "ICE band 10", "ICE 10 (no impairment)", []),
        SevenToNine = ("7-9", "ICE band 7-9", "ICE 7-9 (grade 1)", []),
        ThreeToSix = ("3-6", "ICE band 3-6", "ICE 3-6 (grade 2)", []),
        ZeroToTwo = ("0-2", "ICE band 0-2", "ICE 0-2 (grade 3)", []),
        Unable = ("unable", "ICE band: unable (unarousable)",
            "unable to perform ICE (grade 4 when unarousable; otherwise not assessed)", []),
    }
}

finding! {
    /// Blood-pressure support (ASTCT 2019 CRS hypotension column).
    Hypotension {
        None = ("none", "no hypotension", "no hypotension", ["no"]),
        FluidsOnly = ("fluids_only", "hypotension not requiring vasopressors",
            "hypotension not requiring vasopressors", ["fluids"]),
        OneVasopressor = ("one_vasopressor", "one vasopressor",
            "hypotension requiring a vasopressor, with or without vasopressin", []),
        MultipleVasopressors = ("multiple_vasopressors", "multiple vasopressors",
            "hypotension requiring multiple vasopressors (excluding vasopressin)", []),
    }
}

finding! {
    /// Oxygen support (ASTCT 2019 CRS hypoxia column).
    Hypoxia {
        None = ("none", "no oxygen needed", "no hypoxia (no oxygen needed)", ["no"]),
        LowFlow = ("low_flow", "low-flow oxygen",
            "low-flow nasal cannula <= 6 L/min, or blow-by", []),
        HighFlow = ("high_flow", "high-flow oxygen",
            "high-flow nasal cannula > 6 L/min, facemask, nonrebreather mask or Venturi mask", []),
        PositivePressure = ("positive_pressure", "positive pressure",
            "positive pressure: CPAP, BiPAP, intubation and mechanical ventilation", []),
    }
}

vocab! {
    /// The three CRS domains (docs/spec.md §7), in the order outputs list them.
    pub enum CrsDomain {
        /// Fever >= 38.0 C.
        Fever = "fever",
        /// Hypotension and its support.
        Hypotension = "hypotension",
        /// Hypoxia and its oxygen support.
        Hypoxia = "hypoxia",
    }
}

impl CrsDomain {
    /// Position in [`CrsDomain::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// The names `other_cause` takes: the five ICANS domains and the three CRS
/// domains (their wire names from the vocabulary), each described.
pub const OTHER_CAUSE_CHOICES: &[Choice] = &[
    Choice {
        wire: Domain::Encephalopathy.as_str(),
        description: "encephalopathy (ICE or CAPD)",
        aliases: &[],
    },
    Choice {
        wire: Domain::Consciousness.as_str(),
        description: "depressed level of consciousness",
        aliases: &[],
    },
    Choice {
        wire: Domain::Seizure.as_str(),
        description: "seizure",
        aliases: &[],
    },
    Choice {
        wire: Domain::Motor.as_str(),
        description: "motor findings",
        aliases: &[],
    },
    Choice {
        wire: Domain::Edema.as_str(),
        description: "raised ICP / cerebral edema",
        aliases: &[],
    },
    Choice {
        wire: CrsDomain::Fever.as_str(),
        description: "fever (CRS)",
        aliases: &[],
    },
    Choice {
        wire: CrsDomain::Hypotension.as_str(),
        description: "hypotension (CRS)",
        aliases: &[],
    },
    Choice {
        wire: CrsDomain::Hypoxia.as_str(),
        description: "hypoxia (CRS)",
        aliases: &[],
    },
];

vocab! {
    /// The five ICANS domains (docs/spec.md §1 "Domain names"), in the order every
    /// output lists them.
    pub enum Domain {
        /// Encephalopathy, measured by the ICE score (or CAPD in children).
        Encephalopathy = "encephalopathy",
        /// Depressed level of consciousness.
        Consciousness = "consciousness",
        /// Seizure.
        Seizure = "seizure",
        /// Motor findings.
        Motor = "motor",
        /// Raised ICP / cerebral edema.
        Edema = "edema",
    }
}

impl Domain {
    /// Position in [`Domain::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// Domains a result names (its drivers, the domains not assessed, excluded
/// or masked), in contract order. At most the five, so held inline: grading
/// makes no list on the heap per record (README, Performance).
pub type DomainList = arrayvec::ArrayVec<Domain, 5>;

/// The CRS domains driving the CRS grade, in contract order, held inline.
pub type CrsDomainList = arrayvec::ArrayVec<CrsDomain, 3>;

/// A set of domains (for `other_cause`), kept in output order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct DomainSet(u8);

impl DomainSet {
    /// The empty set.
    pub const EMPTY: DomainSet = DomainSet(0);

    /// Adds a domain; adding it twice is harmless.
    pub fn insert(&mut self, d: Domain) {
        self.0 |= 1 << d.index();
    }

    /// Whether the set holds `d`.
    pub const fn contains(self, d: Domain) -> bool {
        self.0 & (1 << d.index()) != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The domains in output order.
    pub fn iter(self) -> impl Iterator<Item = Domain> {
        Domain::ALL.into_iter().filter(move |d| self.contains(*d))
    }
}

impl FromIterator<Domain> for DomainSet {
    fn from_iter<I: IntoIterator<Item = Domain>>(iter: I) -> Self {
        let mut s = DomainSet::EMPTY;
        for d in iter {
            s.insert(d);
        }
        s
    }
}

impl Serialize for DomainSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}
