//! The audit rendered (docs/spec.md §9): text with a readable cross-table,
//! one JSON object, or one CSV row per compared record.

use std::fmt::Write as _;
use std::io::{self, Write as _};

use super::{Audit, Compared, Figures};
use crate::format::csv::io_error;
use crate::format::text::{self, CRITERIA_LINE, DECISION_SUPPORT_NOTE};
use crate::grading::{CRITERIA, ICANS_VERSION};

/// Writes the audit as one JSON object (pretty), the lists read as they
/// are written.
pub fn write_json(w: &mut dyn io::Write, a: &Audit) -> io::Result<()> {
    /// The audit with the criteria and version every result carries,
    /// serialized straight to text (no intermediate JSON tree).
    #[derive(serde::Serialize)]
    struct Out<'a> {
        #[serde(flatten)]
        audit: &'a Audit,
        criteria: &'static str,
        icans_version: &'static str,
    }
    let mut w = io::BufWriter::with_capacity(text::PIECE_BYTES, w);
    serde_json::to_writer_pretty(
        &mut w,
        &Out {
            audit: a,
            criteria: CRITERIA,
            icans_version: ICANS_VERSION,
        },
    )?;
    w.write_all(b"\n")?;
    w.flush()
}

/// `what`: ICANS or CRS, as the presence line names it.
fn figures(out: &mut String, f: &Figures, unit: &str, what: &str) {
    let det = f.compared - f.indeterminate;
    let _ = writeln!(
        out,
        "  Compared           {} {unit}(s); {} indeterminate (an incomplete regrade below the recorded grade), counted apart",
        f.compared, f.indeterminate
    );
    if det == 0 {
        let _ = writeln!(out, "  Exact agreement    - (nothing to compare)");
    } else {
        let _ = writeln!(
            out,
            "  Exact agreement    {}/{}  {:.1}%  (95% CI {:.1}% - {:.1}%, exact)",
            f.agreement.n, f.agreement.total, f.agreement.percent, f.agreement.ci95[0], f.agreement.ci95[1]
        );
        let p = &f.presence;
        let _ = writeln!(
            out,
            "  Presence agreement {}/{}  {:.1}%  (95% CI {:.1}% - {:.1}%, exact; {what} or none)",
            p.agreement.n, p.agreement.total, p.agreement.percent, p.agreement.ci95[0], p.agreement.ci95[1]
        );
        let _ = writeln!(
            out,
            "    recorded/regraded  none/none {}  none/{what} {}  {what}/none {}  {what}/{what} {}",
            p.table[0][0], p.table[0][1], p.table[1][0], p.table[1][1]
        );
    }
    match (f.kappa.value, f.kappa.ci95) {
        (Some(k), Some(ci)) => {
            let _ = writeln!(
                out,
                "  Weighted kappa     {k:.3}  (95% CI {:.3} - {:.3}, quadratic weights, asymptotic)",
                ci[0], ci[1]
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "  Weighted kappa     - (undefined: too few records or one grade only)"
            );
        }
    }
    let _ = writeln!(
        out,
        "  Regraded higher    {}; lower {}; across grade 3: up {}, down {}",
        f.upgraded, f.downgraded, f.crossed_grade3.up, f.crossed_grade3.down
    );
    out.push_str("\n  Recorded grade (rows) by regraded ASTCT 2019 grade (columns)\n");
    let _ = writeln!(
        out,
        "  {:>8} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "", 0, 1, 2, 3, 4, 5
    );
    for (g, row) in f.table.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|n| format!("{n:>6}")).collect();
        let _ = writeln!(out, "  {:>8} {}", g, cells.join(" "));
    }
}

fn record(c: &Compared) -> String {
    let mut s = match &c.file {
        Some(f) => format!("{}:{}", text::clean(f), c.line),
        None => format!("line {}", c.line),
    };
    if let Some(id) = &c.id {
        s.push_str(&format!(", id {}", text::clean(&id.to_string())));
    }
    if let Some(p) = &c.patient_id {
        s.push_str(&format!(", patient {}", text::clean(p)));
    }
    let drivers: Vec<&str> = c.drivers.iter().map(|d| d.as_str()).collect();
    let scale = c
        .recorded_scale
        .as_deref()
        .map(|s| format!(" ({})", text::clean(s)))
        .unwrap_or_default();
    format!(
        "{s}: recorded {}{scale}, regraded {}{}",
        c.recorded,
        c.regraded,
        if drivers.is_empty() {
            String::new()
        } else {
            format!(" (driven by {})", drivers.join(", "))
        }
    )
}

/// A list of compared records under its title (nothing when empty), each
/// followed by `note`, read as it is written.
fn record_list(
    out: &mut String,
    w: &mut dyn io::Write,
    title: &str,
    listed: &crate::spill::Listed<Compared>,
    note: &str,
) -> io::Result<()> {
    if listed.is_empty() {
        return Ok(());
    }
    let _ = writeln!(out, "\n{title} ({})", listed.len());
    for c in listed.iter() {
        text::wrapped(out, &format!("{}{note}", record(&c?)), "  ", "    ");
        text::drain(out, w, false)?;
    }
    Ok(())
}

/// Writes the audit as text, the lists read as they are written.
pub fn write_text(w: &mut dyn io::Write, a: &Audit) -> io::Result<()> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "ICANS audit: recorded grades against the {CRITERIA} regrade\n"
    );
    if a.nothing_to_compare() {
        // No table of zeros: it would read as an audit that found nothing.
        let mut say = crate::audit::NOTHING_TO_COMPARE.to_string();
        say[..1].make_ascii_uppercase();
        let _ = writeln!(out, "  {say}.");
    } else {
        figures(&mut out, &a.figures, "record", "ICANS");
    }
    let _ = writeln!(
        out,
        "\n  Not compared: {} record(s) without recorded_grade, {} not regradable (ICANS not assessed), {} invalid",
        a.without_recorded_grade,
        a.not_regradable,
        a.invalid.len()
    );
    record_list(&mut out, w, "Discordant records", &a.discordant, "")?;
    record_list(
        &mut out,
        w,
        "Indeterminate records",
        &a.indeterminate_records,
        " (lower bound)",
    )?;
    if let Some(crs) = &a.crs {
        let _ = writeln!(
            out,
            "\nCRS audit: recorded CRS grades against the {CRITERIA} CRS graded from findings"
        );
        figures(&mut out, &crs.figures, "record", "CRS");
        let _ = writeln!(
            out,
            "  Not regradable     {} record(s): CRS grade given, or no CRS finding recorded",
            crs.not_regradable
        );
        record_list(&mut out, w, "CRS discordant records", &crs.discordant, "")?;
    }
    if let Some(p) = &a.patients {
        out.push_str("\nPer patient (worst recorded against worst regraded)\n");
        figures(&mut out, p, "patient", "ICANS");
    }
    if a.by_scale.len() > 1 {
        for entry in a.by_scale.iter() {
            let (scale, tally) = entry?;
            let _ = writeln!(out, "\nRecorded on {}", text::clean(&scale));
            figures(&mut out, &tally.figures(), "record", "ICANS");
            text::drain(&mut out, w, false)?;
        }
    }
    if let Some((field, groups)) = &a.by {
        for entry in groups.iter() {
            let (group, tally) = entry?;
            let name = if group.is_empty() {
                "(none)".to_string()
            } else {
                text::clean(&group).into_owned()
            };
            let _ = writeln!(out, "\nBy {field}: {name} (its records alone)");
            figures(&mut out, &tally.figures(), "record", "ICANS");
            text::drain(&mut out, w, false)?;
        }
    }
    if !a.invalid.is_empty() {
        let _ = writeln!(out, "\nInvalid records ({})", a.invalid.len());
        for e in a.invalid.iter() {
            text::wrapped(&mut out, &text::clean(&e?.to_string()), "  ! ", "    ");
            text::drain(&mut out, w, false)?;
        }
    }
    out.push('\n');
    text::wrapped(&mut out, CRITERIA_LINE, "", "  ");
    text::wrapped(&mut out, DECISION_SUPPORT_NOTE, "", "  ");
    text::drain(&mut out, w, true)
}

/// The CSV output, one row per compared record in input order, written as
/// the records are read (so nothing is kept per record).
pub struct CsvRows<W: std::io::Write> {
    w: csv::Writer<W>,
}

use crate::format::csv::safe;

/// One compared record as a CSV row; the header is its field names.
#[derive(Debug, Default, serde::Serialize)]
struct CsvRow<'a> {
    line: usize,
    file: &'a str,
    id: String,
    patient_id: &'a str,
    recorded_scale: &'a str,
    recorded: u8,
    regraded: u8,
    complete: bool,
    status: &'static str,
    drivers: String,
    kind: &'static str,
    /// The record's group with `--by` (empty without).
    group: &'a str,
}

impl<W: std::io::Write> CsvRows<W> {
    /// Starts the output with its header row.
    pub fn new(out: W, delimiter: u8) -> std::io::Result<Self> {
        Ok(CsvRows {
            w: crate::format::csv::serde_rows::<CsvRow<'_>, W>(out, delimiter)?,
        })
    }

    /// One compared record.
    pub fn row(&mut self, c: &Compared, kind: crate::audit::AuditKind, group: &str) -> std::io::Result<()> {
        let status = if c.indeterminate() {
            "indeterminate"
        } else if c.regraded > c.recorded {
            "upgraded"
        } else if c.regraded < c.recorded {
            "downgraded"
        } else {
            "agree"
        };
        let drivers: Vec<&str> = c.drivers.iter().map(|d| d.as_str()).collect();
        self.w
            .serialize(CsvRow {
                line: c.line,
                file: &safe(c.file.as_deref().unwrap_or_default()),
                id: safe(&c.id.as_ref().map(|i| i.to_string()).unwrap_or_default()).into_owned(),
                patient_id: &safe(c.patient_id.as_deref().unwrap_or_default()),
                recorded_scale: &safe(c.recorded_scale.as_deref().unwrap_or_default()),
                recorded: c.recorded,
                regraded: c.regraded,
                complete: c.complete,
                status,
                drivers: drivers.join(crate::format::columns::LIST_SEPARATOR),
                kind: kind.as_str(),
                group: &safe(group),
            })
            .map_err(io_error)
    }

    /// Flushes the output.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}
