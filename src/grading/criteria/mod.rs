//! The guideline as data (issue 36): what a grading criteria states, one
//! file per guideline version, so that the next version is one reviewed
//! file, diffable against the last. `astct_2019` is the one instance.
//!
//! Held here so far: the grade of every finding of every domain, ICANS and
//! CRS (the ASTCT 2019 table's cells, docs/spec.md §2 and §7). The bands
//! and thresholds are in `rules.rs`, the management table in `actions.rs`
//! (docs/architecture.md).

pub mod astct_2019;

/// Whether two names are the same, byte for byte: `str` equality, which
/// the build's check of each table (`finding!` in domain.rs) needs in a
/// `const` context.
pub const fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
