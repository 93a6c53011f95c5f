//! CSV text cells safe to open in a spreadsheet (docs/spec.md §10, v4): the
//! one rule every CSV writer (`batch`, `--invalid`, `summary`, `audit`)
//! applies to text that comes from a record.

/// Whether CSV text cells are written as they are (`--csv-raw`), rather
/// than made safe to open in a spreadsheet. Set once, before any output, by
/// the command line.
static RAW: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes CSV text cells as they are from now on (`--csv-raw`).
pub fn set_raw(raw: bool) {
    RAW.store(raw, std::sync::atomic::Ordering::Relaxed);
}

/// The first characters that make a spreadsheet read a cell as a formula
/// (OWASP, CSV injection).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell safe to open in a spreadsheet (docs/spec.md §10, v4): one that
/// begins with `=`, `+`, `-`, `@`, a tab or a carriage return is written
/// after a `'`, unless it reads as a number ("-5", "+3.5"); every other cell
/// as it is. `--csv-raw` turns this off.
pub fn safe(text: &str) -> std::borrow::Cow<'_, str> {
    let risky = text.starts_with(FORMULA_STARTS) && text.trim().parse::<f64>().is_err();
    if risky && !RAW.load(std::sync::atomic::Ordering::Relaxed) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}
