//! The text card a clinician reads at a glance (`icans grade`, `icans
//! assess`): grade first, then the domains with the drivers marked, what was
//! not assessed (as a lower bound), warnings, the management step, the
//! criteria line and the decision-support note. Fits 80 columns.

use std::fmt::Write as _;

use crate::grading::{
    BUILTIN_NAME, CrsState, Domain, DomainResult, Grading, PatientGroup, Status, lower_bound_note,
};

/// Text from a record or a protocol file made safe for a terminal: control
/// characters (a newline that would fake a card line, an escape sequence)
/// are shown escaped.
pub fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_control) {
        std::borrow::Cow::Owned(
            s.chars()
                .map(|c| {
                    if c.is_control() {
                        c.escape_default().to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Width the card wraps at.
pub const WIDTH: usize = 78;

/// The criteria line every human-facing result carries.
pub const CRITERIA_LINE: &str =
    "Criteria: ASTCT 2019 consensus grading (Lee et al., Biol Blood Marrow Transplant 2019;25:625-638).";

/// The one-line decision-support note every human-facing result carries.
pub const DECISION_SUPPORT_NOTE: &str =
    "Decision support only: confirm with the treating team and local protocol.";

/// The headline: "ICANS grade 2", "ICANS grade 2 or higher", "ICANS grade 0
/// (no ICANS)", "ICANS grade 0 - ICANS cannot be ruled out", "ICANS not
/// assessed" (docs/spec.md §2, v4: never grade 0).
pub fn headline(r: &Grading) -> String {
    if r.ice_unable_awake {
        return match r.grade.filter(|g| *g > 0) {
            Some(g) => format!("ICANS grade {g} or higher - {}", crate::grading::ICE_UNABLE_AWAKE),
            None => crate::grading::ICE_UNABLE_AWAKE.to_string(),
        };
    }
    let Some(grade) = r.grade else {
        return NOT_ASSESSED.to_string();
    };
    let mut s = format!("ICANS grade {grade}");
    if !r.complete && grade < 5 {
        s.push_str(" or higher");
    }
    if !r.masked.is_empty() {
        s.push_str(" - ICANS cannot be ruled out");
        return s;
    }
    match grade {
        0 if r.complete => s.push_str(" (no ICANS)"),
        0 => s.push_str(" (no ICANS in the domains assessed)"),
        5 => s.push_str(" (death attributed to ICANS)"),
        _ => {}
    }
    s
}

/// The headline of a result whose ICANS was not assessed.
pub const NOT_ASSESSED: &str = "ICANS not assessed";

/// The ICANS grade in a few words, as the last line names it: "ICANS grade
/// 2", "ICANS grade 0 or higher", "ICANS not assessed".
fn short_headline(r: &Grading) -> String {
    match r.grade {
        // What must never be lost from the last line: the masked findings,
        // an ICE not performed while awake, a death.
        _ if r.ice_unable_awake => "ICANS cannot be ruled out".to_string(),
        None => NOT_ASSESSED.to_string(),
        Some(g) if !r.masked.is_empty() || g >= 5 => headline(r),
        Some(g) if !r.complete && g < 5 => format!("ICANS grade {g} or higher"),
        Some(g) => format!("ICANS grade {g}"),
    }
}

/// The CRS in a few words, as the last line names it beside the ICANS
/// grade (docs/spec.md §3, v4): "CRS grade 3", "CRS grade 2 or higher",
/// "CRS cannot be ruled out", "CRS not assessed".
fn crs_short(r: &Grading) -> String {
    let Some(crs) = &r.crs else {
        return "CRS not assessed".to_string();
    };
    match crs.state {
        CrsState::Active(g) if !crs.complete => format!("CRS grade {g} or higher"),
        CrsState::LowerBound => "CRS grade 0 or higher".to_string(),
        CrsState::NoFever { .. } | CrsState::NoFeverNotMasked { .. } => {
            "no CRS by ASTCT (no fever)".to_string()
        }
        CrsState::CannotBeRuledOut { .. } => "CRS cannot be ruled out".to_string(),
        CrsState::NotAssessed => "CRS not assessed".to_string(),
        CrsState::Active(_) | CrsState::Absent | CrsState::Death => format!("CRS grade {}", crs.grade),
    }
}

/// The colour of a card: that of the worse of the ICANS and CRS grades.
fn card_style(r: &Grading) -> Style {
    let worst = r.grade.unwrap_or(0).max(r.crs.as_ref().map_or(0, |c| c.grade));
    GRADE_STYLES[usize::from(worst.min(5))]
}

fn names(ds: &[Domain]) -> String {
    ds.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(", ")
}

/// Appends `text` wrapped to [`WIDTH`] columns, the first line indented
/// by `first`, the others by `rest`; words are never split.
pub fn wrapped(out: &mut String, text: &str, first: &str, rest: &str) {
    let opts = textwrap::Options::new(WIDTH)
        .initial_indent(first)
        .subsequent_indent(rest)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    for line in textwrap::wrap(text, opts) {
        out.push_str(&line);
        out.push('\n');
    }
}

use anstyle::{AnsiColor, Style};

/// Colour of each grade, 0-5: green, yellow, bold yellow, red, bold red,
/// bold magenta.
const GRADE_STYLES: [Style; 6] = [
    AnsiColor::Green.on_default(),
    AnsiColor::Yellow.on_default(),
    AnsiColor::Yellow.on_default().bold(),
    AnsiColor::Red.on_default(),
    AnsiColor::Red.on_default().bold(),
    AnsiColor::Magenta.on_default().bold(),
];

/// The style of warnings.
const WARNING_STYLE: Style = AnsiColor::Yellow.on_default();

/// Wraps text in a style when colour is on.
fn paint(text: &str, style: Style, colour: bool) -> String {
    if colour {
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

/// Whether output to `stream` should be coloured: anstream's choice (only
/// on a terminal, never with `NO_COLOR` set, always with `CLICOLOR_FORCE`),
/// and never on a `dumb` terminal unless forced (anstream would colour one
/// when `CI` is set).
pub fn colour_for<S: anstream::stream::RawStream>(stream: &S) -> bool {
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    let forced = anstyle_query::clicolor_force();
    anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never && (!dumb || forced)
}

/// The patient group with what it rests on (docs/spec.md §5, v4): "child
/// (age 6, 21 kg)", "adult (age 54, 70 kg)", "child (age not recorded, 20
/// kg)", "adult (age 54, weight not recorded)".
fn group_line(r: &Grading) -> String {
    let group = match r.patient_group {
        PatientGroup::Child => "child",
        PatientGroup::Adult => "adult",
    };
    let age = r
        .basis
        .0
        .map_or("age not recorded".to_string(), |a| format!("age {a}"));
    let weight = r
        .basis
        .1
        .map_or("weight not recorded".to_string(), |w| format!("{w} kg"));
    format!("{group} ({age}, {weight})")
}

/// The card's first line: what the record says of itself (record,
/// patient, day, time, product, site) and the patient group; `None` when
/// there is nothing to say.
fn identity_line(r: &Grading) -> Option<String> {
    let mut ids = Vec::new();
    if let Some(id) = &r.id {
        ids.push(format!("record {}", clean(&id.to_string())));
    }
    if let Some(p) = &r.patient_id {
        ids.push(format!("patient {}", clean(p)));
    }
    if let Some(d) = r.day {
        ids.push(format!("day {d}"));
    }
    if let Some(t) = &r.assessed_at {
        ids.push(clean(t).into_owned());
    }
    if let Some(p) = &r.product {
        ids.push(format!("product {}", clean(p)));
    }
    if let Some(s) = &r.site {
        ids.push(format!("site {}", clean(s)));
    }
    ids.push(group_line(r));
    (!ids.is_empty()).then(|| ids.join(" | "))
}

/// Renders the whole card, in plain text.
pub fn card(r: &Grading) -> String {
    card_styled(r, false)
}

/// Renders the whole card; with `colour`, the grade, the drivers and the
/// warnings are coloured by severity (ANSI).
pub fn card_styled(r: &Grading, colour: bool) -> String {
    let grade_colour = card_style(r);
    let mut out = String::new();
    card_heading(&mut out, r, grade_colour, colour);
    out.push('\n');

    domain_table(&mut out, r, grade_colour, colour);
    warnings_and_management(&mut out, r, colour);
    card_footer(&mut out, r, grade_colour, colour);
    out
}

/// The card's first lines: the patient group, the headline, what a lower
/// bound leaves out, the drivers, the CRS line.
fn card_heading(out: &mut String, r: &Grading, grade_colour: Style, colour: bool) {
    if let Some(line) = identity_line(r) {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "{}", paint(&headline(r), grade_colour, colour));
    // Not assessed at all is the headline itself, never a lower bound.
    if let Some(grade) = r.grade.filter(|_| !r.complete) {
        let note = if grade < 5 {
            lower_bound_note(&r.unassessed)
        } else {
            format!("Not assessed: {}.", names(&r.unassessed))
        };
        wrapped(out, &note, "  ", "  ");
    }
    if !r.drivers.is_empty() {
        let _ = writeln!(out, "  Driven by: {}", names(&r.drivers));
    }
    if let Some(crs) = &r.crs {
        wrapped(out, &crs_line(crs), "", "  ");
        if crs.grade >= 1 && crs.grade < 5 {
            wrapped(out, CRS_PROTOCOL_LINE, "  ", "  ");
        }
    }
}

/// The domains with their findings and grades, the CRS domains, and what
/// the marks mean.
fn domain_table(out: &mut String, r: &Grading, grade_colour: Style, colour: bool) {
    let _ = writeln!(out, "  {:<16}{:<52}Grade", "Domain", "Finding");
    for (d, res) in r.domains.iter() {
        let marker = if r.drivers.contains(&d) {
            paint("*", grade_colour, colour)
        } else {
            " ".to_string()
        };
        let (finding, grade) = finding_and_grade(res);
        let _ = writeln!(out, "{marker} {:<16}{:<51} {}", d.as_str(), finding, grade);
    }
    if let Some(domains) = r.crs.as_ref().and_then(|c| c.domains.as_ref()) {
        let crs_drivers = r.crs.as_ref().map_or(&[][..], |c| &c.drivers[..]);
        for d in crate::grading::CrsDomain::ALL {
            let res = domains.get(d);
            let marker = if crs_drivers.contains(&d) { "+" } else { " " };
            let (finding, grade) = finding_and_grade(res);
            let _ = writeln!(
                out,
                "{marker} {:<16}{:<51} {}",
                format!("CRS {}", d.as_str()),
                clean(&finding),
                grade
            );
        }
    }
    if !r.drivers.is_empty() {
        out.push_str("  (* drove the grade)\n");
    }
    if r.crs.as_ref().is_some_and(|c| !c.drivers.is_empty()) {
        out.push_str("  (+ drove the CRS grade)\n");
    }
    if !r.excluded.is_empty() {
        wrapped(
            out,
            &format!(
                "Excluded as attributable to another cause: {}.",
                names(&r.excluded)
            ),
            "  ",
            "  ",
        );
    }
}

/// The warnings and the management step.
fn warnings_and_management(out: &mut String, r: &Grading, colour: bool) {
    if !r.warnings.is_empty() {
        out.push_str("\nWarnings\n");
        for w in &r.warnings {
            let bang = paint("!", WARNING_STYLE, colour);
            wrapped(out, &clean(w), &format!("  {bang} "), "    ");
        }
    }

    out.push_str("\nManagement\n");
    wrapped(out, &clean(&r.management.summary), "  ", "  ");
    for a in &r.management.actions {
        wrapped(out, &clean(&a.text), "  - ", "    ");
    }
    let reassess_by = r.reassess_by.words();
    if let Some(h) = r.management.reassess_hours {
        wrapped(out, &format!("Reassess ({reassess_by}) in {h} h."), "  ", "  ");
    }
}

/// The criteria, version and protocol, the decision-support note, and
/// both grades again on the last line.
fn card_footer(out: &mut String, r: &Grading, grade_colour: Style, colour: bool) {
    let reassess_by = r.reassess_by.words();
    out.push('\n');
    wrapped(out, CRITERIA_LINE, "", "  ");
    let protocol = if r.protocol == BUILTIN_NAME {
        "built-in management protocol".to_string()
    } else {
        format!("management protocol: {}", clean(&r.protocol))
    };
    wrapped(out, &format!("icans {}, {protocol}.", r.icans_version), "", "  ");
    wrapped(out, DECISION_SUPPORT_NOTE, "", "  ");
    // Both grades again on the last line, so they stay on an 80x24 screen:
    // with how to reassess when that fits the width (the Reassess line above
    // always says it), wrapped only as a last resort.
    let grades = format!("{}, {}", short_headline(r), crs_short(r));
    let last = match r.management.reassess_hours {
        Some(h) => {
            let full = format!("{grades} - reassess ({reassess_by}) in {h} h");
            if full.chars().count() <= WIDTH {
                full
            } else {
                format!("{grades} - reassess in {h} h")
            }
        }
        None => grades,
    };
    let mut last_lines = String::new();
    wrapped(&mut last_lines, &last, "", "  ");
    for line in last_lines.lines() {
        let _ = writeln!(out, "{}", paint(line, grade_colour, colour));
    }
}

/// "Concurrent CRS grade 3 (driven by hypotension)", with "or higher" and
/// what was not assessed when it is a lower bound; at grade 0 the words
/// of its state ("No concurrent CRS", "CRS cannot be ruled out (...)",
/// docs/spec.md §3 "CRS words").
fn crs_line(crs: &crate::grading::Crs) -> String {
    let missing: Vec<&str> = crs.domains.as_ref().map_or_else(Vec::new, |domains| {
        crate::grading::CrsDomain::ALL
            .iter()
            .filter(|d| domains.get(**d).status == Status::NotAssessed)
            .map(|d| d.as_str())
            .collect()
    });
    let mut s = crs
        .state
        .words()
        .unwrap_or_else(|| format!("Concurrent CRS grade {}", crs.grade));
    match crs.state {
        CrsState::Death => s.push_str(" (death attributed to CRS)"),
        CrsState::Absent => s.push_str(" (CRS grade 0)"),
        CrsState::Active(_) => {
            if !crs.complete {
                s.push_str(" or higher");
            }
            if crs.source == crate::grading::CrsSource::Given {
                s.push_str(" (as given)");
            } else if !crs.drivers.is_empty() {
                let drivers: Vec<&str> = crs.drivers.iter().map(|d| d.as_str()).collect();
                s.push_str(&format!(" (driven by {})", drivers.join(", ")));
            }
        }
        _ => {}
    }
    let lower_bound = matches!(crs.state, CrsState::LowerBound | CrsState::Active(_));
    if lower_bound && !crs.complete && !missing.is_empty() {
        s.push_str(&format!("; not assessed: {}", missing.join(", ")));
    }
    s.push('.');
    s
}

/// The card's line under an active CRS (grade 1-4): the CRS step follows
/// in the management (docs/spec.md §3, v4).
pub const CRS_PROTOCOL_LINE: &str =
    "CRS steps below: ASCO 2021 (Santomasso et al., J Clin Oncol 2021;39:3978-92).";

/// A domain row's finding and grade cells: the finding and its grade,
/// "not assessed", or "excluded: finding" (no grade).
fn finding_and_grade(res: &DomainResult) -> (String, String) {
    let finding = res.finding.as_deref().unwrap_or("");
    match res.status {
        Status::Graded => (
            finding.to_string(),
            res.grade.map_or("-".into(), |g| g.to_string()),
        ),
        Status::NotAssessed => ("not assessed".to_string(), "-".to_string()),
        // A fever that fever_masked hides: "masked (...)", never "no fever".
        Status::Excluded if res.masked => (finding.to_string(), "-".to_string()),
        Status::Excluded => (format!("excluded: {finding}"), "-".to_string()),
    }
}

/// Long outputs (an audit's or a summary's lists) are written in pieces of
/// about this many bytes, never whole.
pub const PIECE_BYTES: usize = 64 << 10;

/// Writes what `out` holds once it is a piece's worth (or when `last`),
/// each line within [`REPORT_WIDTH`] ([`fit_lines`]).
pub fn drain(out: &mut String, w: &mut dyn std::io::Write, last: bool) -> std::io::Result<()> {
    if last || out.len() >= PIECE_BYTES {
        w.write_all(fit_lines(out, REPORT_WIDTH).as_bytes())?;
        out.clear();
    }
    Ok(())
}

/// The widest line of a report (audit, summary, map check): a wider one
/// is wrapped (a single word wider than this, such as a long file name,
/// stays whole).
pub const REPORT_WIDTH: usize = 100;

/// `text` with every line wider than `width` wrapped at spaces: the lines
/// after the first indented as far as the value after a label (`Compared
/// 6 record(s); ...`, two spaces or more after the label), else two more
/// than the line itself. Narrower lines are unchanged.
pub fn fit_lines(text: &str, width: usize) -> std::borrow::Cow<'_, str> {
    if text.lines().all(|l| l.chars().count() <= width) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        if body.chars().count() <= width {
            out.push_str(line);
            continue;
        }
        let lead = body.len() - body.trim_start().len();
        let content = &body[lead..];
        // The value column after a label, when the line has one near its start.
        let value_at = content
            .find("  ")
            .map(|gap| gap + content[gap..].len() - content[gap..].trim_start().len())
            .filter(|at| lead + at <= 40);
        let indent = " ".repeat(lead + value_at.unwrap_or(2));
        let opts = textwrap::Options::new(width)
            .initial_indent(&body[..lead])
            .subsequent_indent(&indent)
            .word_splitter(textwrap::WordSplitter::NoHyphenation)
            .break_words(false);
        for piece in textwrap::wrap(content, opts) {
            out.push_str(piece.trim_end());
            out.push('\n');
        }
        if !line.ends_with('\n') {
            out.pop();
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_lines_wraps_only_long_lines_under_their_value() {
        let short = "  Compared           6 record(s)\nnext\n";
        assert!(matches!(fit_lines(short, 100), std::borrow::Cow::Borrowed(_)));
        let long = format!("  Compared           {}\nafter\n", "word ".repeat(30).trim_end());
        let fitted = fit_lines(&long, 60);
        let lines: Vec<&str> = fitted.lines().collect();
        assert!(lines.iter().all(|l| l.chars().count() <= 60), "{fitted}");
        assert!(
            lines[1].starts_with(&" ".repeat(21)) && !lines[1].starts_with(&" ".repeat(22)),
            "{fitted}"
        );
        assert_eq!(lines.last(), Some(&"after"));
        assert_eq!(fitted.split_whitespace().count(), long.split_whitespace().count());
        // No label: two more than the line's own indent; a long word whole.
        let path = format!("  ! {} and more words to wrap here", "x".repeat(70));
        let fitted = fit_lines(&path, 50);
        assert!(fitted.lines().any(|l| l.trim() == "x".repeat(70)), "{fitted}");
        assert!(
            fitted
                .lines()
                .all(|l| l.chars().count() <= 50 || l.trim() == "x".repeat(70)),
            "{fitted}"
        );
        assert!(
            fitted
                .lines()
                .skip(1)
                .all(|l| l.starts_with("    ") && !l.starts_with("     ")),
            "{fitted}"
        );
        // The last line keeps (or lacks) its line end as given.
        assert!(!fitted.ends_with('\n'));
    }
}
