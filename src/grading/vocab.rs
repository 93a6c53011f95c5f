//! The vocabulary of the wire: an enum whose every value has one wire name,
//! written once. `vocab!` derives from it the serde name, the JSON Schema
//! constant, `as_str`, `from_wire`, `ALL` and `Display`, so no name is
//! stated twice (a serde `rename_all` beside a hand-written `as_str` could
//! drift apart). The findings, which carry a grade and words besides, have
//! their own `finding!` in `domain.rs`.

/// Declares a wire enum: `vocab! { /// doc  pub enum Name { /// doc  Variant = "wire", ... } }`.
macro_rules! vocab {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, schemars::JsonSchema,
        )]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $wire)] $variant ),+
        }

        impl $name {
            /// Every value, in the order outputs list them.
            pub const ALL: [$name; [$($wire),+].len()] = [$($name::$variant),+];

            /// The wire name.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            /// Parses a wire name; `None` for anything else.
            pub fn from_wire(s: &str) -> Option<Self> {
                match s { $($wire => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }
    };
}
