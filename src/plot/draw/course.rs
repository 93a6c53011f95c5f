//! `icans plot course` (docs/spec.md §11): one patient's course by day, the
//! ICANS and CRS grades as steps (0-5), the ICE or CAPD score and the
//! highest temperature each on its own scale, rows marking the steps
//! proposed and the days ICANS was not assessed or masked (never drawn
//! as 0).

use std::fmt::Write as _;
use std::io;

use super::{Panel, Svg, esc, footer, html_row, num};
use crate::grading::CRITERIA;
use crate::grading::rules::FEVER_MIN_CELSIUS;
use crate::plot::{CourseDay, CoursePlot, DayIcans, Mark};
use crate::summary::DayBasis;

const WIDTH: f64 = 800.0;
const LEFT: f64 = 128.0;
const RIGHT: f64 = WIDTH - 24.0;
const ROW: f64 = 16.0;
const ICANS_COLOUR: &str = "#0072B2";
const CRS_COLOUR: &str = "#D55E00";
const SCORE_COLOUR: &str = "#009E73";
const TEMPERATURE_COLOUR: &str = "#CC79A7";

/// The day axis: a column per day from the first assessed day to the last.
struct Days {
    first: u32,
    cell: f64,
}

impl Days {
    fn of(days: &[CourseDay]) -> Days {
        let first = days.first().map_or(0, |d| d.day);
        let last = days.last().map_or(first, |d| d.day);
        Days {
            first,
            cell: (RIGHT - LEFT) / f64::from(last - first + 1),
        }
    }

    fn x(&self, day: u32) -> f64 {
        LEFT + (f64::from(day - self.first) + 0.5) * self.cell
    }
}

/// What the day axis counts from, as its title says it.
fn day_title(basis: DayBasis) -> &'static str {
    match basis {
        DayBasis::Day => "Day since infusion (days)",
        DayBasis::FirstAssessment => "Day since the first assessment (days; no day since infusion recorded)",
    }
}

/// The course as one standalone SVG document.
pub fn svg(plot: &CoursePlot) -> String {
    let mut svg = Svg::default();
    let days = Days::of(&plot.days);
    svg.heading(
        LEFT,
        &title(plot),
        &format!(
            "{CRITERIA} grades by day: the worst assessment of each day; steps proposed marked on their day"
        ),
    );
    let mut y = 52.0;
    y = mark_rows(&mut svg, &days, &plot.days, y);
    let grades = Panel {
        left: LEFT,
        right: RIGHT,
        top: y + 6.0,
        height: 170.0,
        low: 0.0,
        high: 5.0,
    };
    grade_panel(&mut svg, &days, &plot.days, &grades);
    let mut bottom = grades.bottom();
    for scale in Scale::ALL {
        if plot.days.iter().any(|d| scale.value(d).is_some()) {
            let panel = scale.panel(&plot.days, bottom + 26.0);
            value_panel(&mut svg, &days, &plot.days, &panel, scale);
            bottom = panel.bottom();
        }
    }
    let first = plot.days.first().map_or(0, |d| d.day);
    let last = plot.days.last().map_or(0, |d| d.day);
    svg.day_axis(
        &|d| days.x(d),
        (first, last),
        bottom,
        (LEFT + RIGHT) / 2.0,
        day_title(plot.course.day_basis),
    );
    let legend_bottom = legend(&mut svg, &plot.days, bottom + 44.0);
    let notes = [
        "NA: ICANS not assessed (or too little assessed to rule it out) that day; ?: grade 0 with a finding masked, which would grade higher. Neither is drawn as grade 0. S, T, ICU: corticosteroid (dexamethasone or methylprednisolone), tocilizumab, ICU admission proposed by that day's management step.".to_string(),
    ];
    let height = footer(&mut svg, 16.0, legend_bottom + 8.0, 120, &notes) + 4.0;
    svg.finish(WIDTH, height, &title(plot), &desc(plot))
}

/// The rows above the grades: a mark per step proposed, and NA or ? on
/// the days ICANS is unknown. Returns the bottom.
fn mark_rows(svg: &mut Svg, days: &Days, course: &[CourseDay], top: f64) -> f64 {
    let mut y = top;
    for (mark, _) in Mark::TABLE {
        svg.text(
            LEFT - 6.0,
            y + 11.0,
            10,
            "end",
            "",
            &format!("{} ({})", mark.label(), mark.letter()),
        );
        for d in course.iter().filter(|d| d.marks().any(|m| m == mark)) {
            svg.text(
                days.x(d.day),
                y + 11.0,
                10,
                "middle",
                &format!(
                    r#" font-weight="bold" class="mark" data-day="{}" data-mark="{}""#,
                    d.day,
                    mark.label()
                ),
                mark.letter(),
            );
        }
        y += ROW;
    }
    svg.text(LEFT - 6.0, y + 11.0, 10, "end", "", "ICANS unknown");
    for d in course {
        let (class, letters) = match d.icans {
            DayIcans::Graded(_) => continue,
            DayIcans::Masked => ("icans-masked", "?"),
            DayIcans::NotAssessed => ("icans-not-assessed", "NA"),
        };
        svg.text(
            days.x(d.day),
            y + 11.0,
            10,
            "middle",
            &format!(r#" class="{class}" data-day="{}""#, d.day),
            letters,
        );
    }
    y + ROW
}

/// The ICANS and CRS grades as steps, a grey band over the days ICANS is
/// unknown.
fn grade_panel(svg: &mut Svg, days: &Days, course: &[CourseDay], panel: &Panel) {
    for d in course.iter().filter(|d| !matches!(d.icans, DayIcans::Graded(_))) {
        let x = days.x(d.day);
        let half = days.cell / 2.0;
        svg.raw(&format!(
            r##"<rect class="icans-unknown" data-day="{}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#000000" fill-opacity="0.08"/>"##,
            d.day,
            x - half,
            panel.top,
            days.cell,
            panel.height
        ));
    }
    let ticks: Vec<(f64, String)> = (0..=5).map(|g| (f64::from(g), g.to_string())).collect();
    svg.y_axis(panel, &ticks, "Grade (0-5)");
    let icans_runs = runs(course, graded);
    let crs_runs = runs(course, |d| d.crs_grade);
    steps(
        svg,
        days,
        panel,
        &crs_runs,
        CRS_COLOUR,
        r#" stroke-dasharray="7 4""#,
    );
    steps(svg, days, panel, &icans_runs, ICANS_COLOUR, "");
    for d in course {
        if let Some(g) = d.crs_grade {
            let (x, y) = (days.x(d.day), panel.y(f64::from(g)));
            svg.raw(&format!(
                r##"<path class="crs-point" data-day="{}" data-grade="{g}" d="M{:.1} {:.1} L{:.1} {:.1} L{:.1} {:.1} Z" fill="#ffffff" stroke="{CRS_COLOUR}" stroke-width="1.5"/>"##,
                d.day,
                x,
                y - 6.0,
                x - 5.5,
                y + 4.0,
                x + 5.5,
                y + 4.0
            ));
        }
    }
    for (day, g) in course.iter().filter_map(|d| graded(d).map(|g| (d.day, g))) {
        svg.raw(&format!(
            r#"<circle class="icans-point" data-day="{day}" data-grade="{g}" cx="{:.1}" cy="{:.1}" r="3.5" fill="{ICANS_COLOUR}"/>"#,
            days.x(day),
            panel.y(f64::from(g))
        ));
    }
}

/// A day's ICANS grade when it has one (not masked, not unassessed).
fn graded(d: &CourseDay) -> Option<u8> {
    match d.icans {
        DayIcans::Graded(g) => Some(g),
        DayIcans::Masked | DayIcans::NotAssessed => None,
    }
}

/// The runs of consecutive assessed days that each have a value: a day
/// without one breaks the line (nothing is drawn where nothing is known).
fn runs(course: &[CourseDay], value: impl Fn(&CourseDay) -> Option<u8>) -> Vec<Vec<(u32, u8)>> {
    let mut out: Vec<Vec<(u32, u8)>> = Vec::new();
    let mut run = Vec::new();
    for d in course {
        match value(d) {
            Some(v) => run.push((d.day, v)),
            None if !run.is_empty() => out.push(std::mem::take(&mut run)),
            None => {}
        }
    }
    if !run.is_empty() {
        out.push(run);
    }
    out
}

/// Grades held from each assessed day to the next (a step), each run its
/// own path, ending half a day past its last day.
fn steps(svg: &mut Svg, days: &Days, panel: &Panel, runs: &[Vec<(u32, u8)>], colour: &str, dash: &str) {
    for run in runs {
        let mut d = String::new();
        for (i, (day, g)) in run.iter().enumerate() {
            let (x, y) = (days.x(*day), panel.y(f64::from(*g)));
            if i == 0 {
                let _ = write!(d, "M{x:.1} {y:.1}");
            } else {
                let _ = write!(d, " H{x:.1} V{y:.1}");
            }
        }
        if let Some((day, _)) = run.last() {
            let _ = write!(d, " H{:.1}", days.x(*day) + (days.cell / 2.0).min(10.0));
        }
        svg.raw(&format!(
            r#"<path d="{d}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>"#
        ));
    }
}

/// A measurement drawn on its own scale below the grades.
#[derive(Debug, Clone, Copy)]
enum Scale {
    Ice,
    Capd,
    Temperature,
}

impl Scale {
    const ALL: [Scale; 3] = [Scale::Ice, Scale::Capd, Scale::Temperature];

    fn value(self, d: &CourseDay) -> Option<f64> {
        match self {
            Scale::Ice => d.ice_total.map(f64::from),
            Scale::Capd => d.capd.map(f64::from),
            Scale::Temperature => d.temperature_c,
        }
    }

    fn class(self) -> &'static str {
        match self {
            Scale::Ice => "ice-point",
            Scale::Capd => "capd-point",
            Scale::Temperature => "temperature-point",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Scale::Ice => "ICE score (0-10)",
            Scale::Capd => "CAPD score (0-32)",
            Scale::Temperature => "Highest temp. (°C)",
        }
    }

    fn colour(self) -> &'static str {
        match self {
            Scale::Ice | Scale::Capd => SCORE_COLOUR,
            Scale::Temperature => TEMPERATURE_COLOUR,
        }
    }

    fn panel(self, course: &[CourseDay], top: f64) -> Panel {
        let (low, high) = match self {
            Scale::Ice => (0.0, 10.0),
            Scale::Capd => (0.0, 32.0),
            Scale::Temperature => {
                let values = course.iter().filter_map(|d| d.temperature_c);
                let (lo, hi) = values.fold((36.0f64, 40.0f64), |(lo, hi), t| (lo.min(t), hi.max(t)));
                (lo.floor(), hi.ceil())
            }
        };
        Panel {
            left: LEFT,
            right: RIGHT,
            top,
            height: 90.0,
            low,
            high,
        }
    }

    fn ticks(self, panel: &Panel) -> Vec<(f64, String)> {
        let step = match self {
            Scale::Ice => 2.0,
            Scale::Capd => 8.0,
            Scale::Temperature => ((panel.high - panel.low) / 5.0).ceil().max(1.0),
        };
        let mut v = panel.low;
        let mut out = Vec::new();
        while v <= panel.high + 1e-9 {
            out.push((v, num(v)));
            v += step;
        }
        out
    }

    /// What the panel's note says of its direction or reference.
    fn note(self) -> String {
        match self {
            Scale::Ice => "lower is worse".to_string(),
            Scale::Capd => "higher is worse".to_string(),
            Scale::Temperature => format!("fever: {} °C or more", num(FEVER_MIN_CELSIUS)),
        }
    }
}

/// A score or the temperature by day: a line through the days that have
/// it, a marker on each.
fn value_panel(svg: &mut Svg, days: &Days, course: &[CourseDay], panel: &Panel, scale: Scale) {
    svg.y_axis(panel, &scale.ticks(panel), scale.title());
    if let Scale::Temperature = scale {
        let y = panel.y(FEVER_MIN_CELSIUS);
        svg.line((LEFT, y), (RIGHT, y), "#555555", r#" stroke-dasharray="2 3""#);
    }
    svg.text(RIGHT, panel.top - 4.0, 10, "end", "", &scale.note());
    let points: Vec<(u32, f64)> = course
        .iter()
        .filter_map(|d| scale.value(d).map(|v| (d.day, v)))
        .collect();
    let mut d = String::new();
    for (i, (day, v)) in points.iter().enumerate() {
        let _ = write!(
            d,
            "{}{:.1} {:.1}",
            if i == 0 { "M" } else { " L" },
            days.x(*day),
            panel.y(*v)
        );
    }
    if points.len() > 1 {
        svg.raw(&format!(
            r#"<path d="{d}" fill="none" stroke="{}" stroke-width="1.5"/>"#,
            scale.colour()
        ));
    }
    for (day, v) in points {
        let (x, y) = (days.x(day), panel.y(v));
        svg.raw(&format!(
            r#"<rect class="{}" data-day="{day}" data-value="{}" x="{:.1}" y="{:.1}" width="6" height="6" fill="{}"/>"#,
            scale.class(),
            num(v),
            x - 3.0,
            y - 3.0,
            scale.colour()
        ));
    }
}

/// The legend: each line and marker drawn with what it shows. Returns the
/// bottom.
fn legend(svg: &mut Svg, course: &[CourseDay], top: f64) -> f64 {
    let any = |f: fn(&CourseDay) -> bool| course.iter().any(f);
    let items: Vec<(&str, &str, &str)> = [
        (true, ICANS_COLOUR, "", "ICANS grade (solid, dots)"),
        (
            any(|d| d.crs_grade.is_some()),
            CRS_COLOUR,
            r#" stroke-dasharray="7 4""#,
            "CRS grade (dashed, triangles)",
        ),
        (
            any(|d| d.ice_total.is_some() || d.capd.is_some()),
            SCORE_COLOUR,
            "",
            "ICE or CAPD score (squares)",
        ),
        (
            any(|d| d.temperature_c.is_some()),
            TEMPERATURE_COLOUR,
            "",
            "Highest temperature (squares)",
        ),
    ]
    .into_iter()
    .filter(|(shown, ..)| *shown)
    .map(|(_, colour, dash, label)| (colour, dash, label))
    .collect();
    for (i, (colour, dash, label)) in items.iter().enumerate() {
        let x = 16.0 + (i % 2) as f64 * 390.0;
        let y = top + (i / 2) as f64 * 16.0;
        svg.line(
            (x, y - 4.0),
            (x + 30.0, y - 4.0),
            colour,
            &format!(r#" stroke-width="2.5"{dash}"#),
        );
        svg.text(x + 36.0, y, 10, "start", "", label);
    }
    top + 16.0 * items.len().div_ceil(2) as f64
}

/// The plot's title.
pub fn title(plot: &CoursePlot) -> String {
    format!("ICANS and CRS course of patient {}", plot.course.patient_id)
}

/// A day's ICANS in words.
fn icans_words(d: &CourseDay) -> String {
    match d.icans {
        DayIcans::Graded(g) => format!("grade {g}"),
        DayIcans::Masked => "grade 0 masked (would grade higher)".to_string(),
        DayIcans::NotAssessed => "not assessed".to_string(),
    }
}

/// The text alternative: the figures the picture shows.
pub fn desc(plot: &CoursePlot) -> String {
    let c = &plot.course;
    let mut s = format!(
        "Patient {}, {} assessments on {} days; days counted {}. ",
        c.patient_id,
        c.assessments,
        plot.days.len(),
        match c.day_basis {
            DayBasis::Day => "since infusion",
            DayBasis::FirstAssessment => "since the first assessment (no day recorded)",
        }
    );
    let worst = match (c.worst_grade, c.worst_grade_day) {
        (Some(g), Some(day)) => format!("Worst ICANS grade {g} (first on day {day})"),
        _ => "ICANS not assessed on any day".to_string(),
    };
    let _ = write!(s, "{worst}");
    if let Some(d) = c.onset_day {
        let _ = write!(s, ", onset day {d}");
    }
    if let Some(d) = c.resolution_day {
        let _ = write!(s, ", resolved from day {d}");
    }
    if let Some(g) = c.crs_worst_grade {
        let _ = write!(s, "; worst CRS grade {g}");
    }
    s.push_str(". ICANS by day: ");
    let days: Vec<String> = plot
        .days
        .iter()
        .map(|d| format!("day {} {}", d.day, icans_words(d)))
        .collect();
    s.push_str(&days.join(", "));
    let crs: Vec<String> = plot
        .days
        .iter()
        .filter_map(|d| d.crs_grade.map(|g| format!("day {} grade {g}", d.day)))
        .collect();
    if !crs.is_empty() {
        let _ = write!(s, ". CRS by day: {}", crs.join(", "));
    }
    let marks: Vec<String> = plot
        .days
        .iter()
        .filter(|d| d.marks().next().is_some())
        .map(|d| {
            let m: Vec<&str> = d.marks().map(Mark::label).collect();
            format!("day {} {}", d.day, m.join(" and "))
        })
        .collect();
    if !marks.is_empty() {
        let _ = write!(s, ". Steps proposed: {}", marks.join(", "));
    }
    s.push('.');
    s
}

/// The course's days as an HTML table.
pub fn html_table(w: &mut dyn io::Write, plot: &CoursePlot) -> io::Result<()> {
    w.write_all(b"<table>\n")?;
    let head = [
        "day",
        "ICANS",
        "CRS grade",
        "ICE",
        "CAPD",
        "highest temp. (°C)",
        "steps proposed",
    ];
    html_row(w, "th", &head.map(String::from))?;
    let opt = |v: Option<u8>| v.map_or("-".to_string(), |v| v.to_string());
    for d in &plot.days {
        let marks: Vec<&str> = d.marks().map(Mark::label).collect();
        html_row(
            w,
            "td",
            &[
                d.day.to_string(),
                icans_words(d),
                opt(d.crs_grade),
                opt(d.ice_total),
                opt(d.capd),
                d.temperature_c.map_or("-".to_string(), num),
                if marks.is_empty() {
                    "-".to_string()
                } else {
                    marks.join(", ")
                },
            ],
        )?;
    }
    w.write_all(b"</table>\n")
}

/// One standalone SVG of one course.
pub fn write_svg(w: &mut dyn io::Write, plot: &CoursePlot) -> io::Result<()> {
    w.write_all(svg(plot).as_bytes())
}

/// One offline HTML page of several courses, each its picture and table.
pub fn write_html(w: &mut dyn io::Write, plots: &[CoursePlot]) -> io::Result<()> {
    let names: Vec<&str> = plots.iter().map(|p| p.course.patient_id.as_str()).collect();
    super::html_head(w, &format!("ICANS and CRS course: {}", names.join(", ")))?;
    for p in plots {
        writeln!(w, "<h2>{}</h2>", esc(&title(p)))?;
        w.write_all(svg(p).as_bytes())?;
        html_table(w, p)?;
    }
    super::html_foot(w)
}
