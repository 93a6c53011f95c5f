//! `icans plot incidence` (docs/spec.md §11): the crude cumulative
//! incidence of any-grade and grade >= 3 ICANS (and CRS when present) by
//! day since infusion, one line per group and event, with the exact 95%
//! interval of each final proportion drawn at its end. The groups are read
//! from their list twice (the scale, then the drawing), never all held.

use std::fmt::Write as _;
use std::io;

use super::{PALETTE, Panel, Svg, esc, html_row};
use crate::plot::{Curve, Event, GroupCurves, IncidencePlot};
use crate::summary::report::incidence_cell;

const LEFT: f64 = 64.0;
const PLOT_WIDTH: f64 = 560.0;
const TOP: f64 = 56.0;
const HEIGHT: f64 = 300.0;
/// Room per curve for its interval bar at the right end.
const BAR_STEP: f64 = 6.0;

/// Each event's line style (the meaning of a line never in colour alone).
const fn dash(e: Event) -> &'static str {
    match e {
        Event::IcansAny => "",
        Event::IcansSevere => r#" stroke-dasharray="8 4""#,
        Event::CrsAny => r#" stroke-dasharray="2 3""#,
        Event::CrsSevere => r#" stroke-dasharray="8 3 2 3""#,
    }
}

/// A group's name as shown.
pub fn group_name(plot: &IncidencePlot, group: &str) -> String {
    match (plot.by, group) {
        (None, _) => "all patients".to_string(),
        (Some(_), "") => "(none)".to_string(),
        (Some(_), g) => g.to_string(),
    }
}

/// The plot's title.
pub fn title(plot: &IncidencePlot) -> String {
    match plot.by {
        Some(by) => format!("Cumulative incidence of ICANS and CRS by {by}"),
        None => "Cumulative incidence of ICANS and CRS".to_string(),
    }
}

/// The final proportion of a curve in words.
fn final_words(c: &Curve) -> String {
    match c.incidence.total {
        0 => format!("{}: no patients", c.event.label()),
        _ => format!(
            "{}: {} of {} ({:.1}%, 95% CI {:.1}-{:.1}%)",
            c.event.label(),
            c.incidence.n,
            c.incidence.total,
            c.incidence.percent,
            c.incidence.ci95[0],
            c.incidence.ci95[1]
        ),
    }
}

/// What the scale needs from every group: the last day, the number of
/// groups and curves, the patients left out.
struct Extent {
    last_day: u32,
    groups: usize,
    curves: usize,
    without_day: u64,
}

fn extent(plot: &IncidencePlot) -> io::Result<Extent> {
    let mut e = Extent {
        last_day: 1,
        groups: 0,
        curves: 0,
        without_day: 0,
    };
    for g in plot.groups.iter() {
        let g = g?;
        e.last_day = e.last_day.max(g.last_day);
        e.groups += 1;
        e.curves += g.curves.len();
        e.without_day += g.without_day;
    }
    Ok(e)
}

/// The notes under the picture.
fn notes(ext: &Extent) -> Vec<String> {
    let mut notes = vec![
        "Crude cumulative incidence: the share of all patients counted with onset (the first assessed day at grade >= 1, or >= 3) on or before each day, without censoring; ICANS over the patients with ICANS assessed, CRS over those with CRS information.".to_string(),
    ];
    if ext.without_day > 0 {
        notes.push(format!(
            "{} patient(s) without day since infusion left out of the curves.",
            ext.without_day
        ));
    }
    notes
}

/// The most interval bars side by side at the right end; past them the
/// bars are drawn over the first ones again (the legend gives every
/// figure).
const MOST_BARS: usize = 40;
/// Characters in a line of the footer.
const FOOTER_CHARS: usize = 130;
const LEGEND_TOP: f64 = TOP + HEIGHT + 50.0;

/// The plot as one standalone SVG document, written as its groups are
/// read: their list is read three times (the scale, the text
/// alternative, the drawing), never held whole.
pub fn write_svg(w: &mut dyn io::Write, plot: &IncidencePlot) -> io::Result<()> {
    let ext = extent(plot)?;
    let notes = notes(&ext);
    let bars = LEFT + PLOT_WIDTH + 8.0;
    let bar_room = ext.curves.min(MOST_BARS) as f64 * BAR_STEP;
    let width = bars + bar_room + 150.0;
    let legend_bottom = LEGEND_TOP + ext.groups as f64 * 19.0 + ext.curves as f64 * 14.0;
    let footer = super::footer_lines(&notes, FOOTER_CHARS).len() as f64 * super::FOOTER_LINE;
    let size = (width, legend_bottom + 6.0 + footer + 4.0);
    Svg::open(w, size, &title(plot))?;
    for g in plot.groups.iter() {
        let g = g?;
        let finals: Vec<String> = g.curves.iter().map(final_words).collect();
        let said = format!(
            "{}, by day {}: {}. ",
            group_name(plot, &g.group),
            g.last_day,
            finals.join("; ")
        );
        w.write_all(esc(&said).as_bytes())?;
    }
    w.write_all(esc(&notes.join(" ")).as_bytes())?;
    Svg::close_desc(w, size)?;
    let panel = Panel {
        left: LEFT,
        right: LEFT + PLOT_WIDTH,
        top: TOP,
        height: HEIGHT,
        low: 0.0,
        high: 100.0,
    };
    let mut svg = Svg::default();
    axes(&mut svg, &panel, ext.last_day, &title(plot));
    let x = |day: u32| LEFT + PLOT_WIDTH * f64::from(day) / f64::from(ext.last_day);
    let mut legend_y = LEGEND_TOP;
    let mut k = 0usize;
    let mut labels = Labels(Vec::new());
    for (i, g) in plot.groups.iter().enumerate() {
        let g = g?;
        let colour = PALETTE[i % PALETTE.len()];
        let name = group_name(plot, &g.group);
        svg.text(16.0, legend_y, 11, "start", r#" font-weight="bold""#, &name);
        legend_y += 15.0;
        for c in &g.curves {
            let bar_x = bars + (k % MOST_BARS) as f64 * BAR_STEP;
            draw_curve(&mut svg, &panel, &x, (&g, c), colour, bar_x);
            k += 1;
            svg.line(
                (28.0, legend_y - 4.0),
                (64.0, legend_y - 4.0),
                colour,
                &format!(r#" stroke-width="2.5"{}"#, dash(c.event)),
            );
            svg.text(70.0, legend_y, 10, "start", "", &final_words(c));
            legend_y += 14.0;
        }
        labels.place(&mut svg, &panel, &g, &name, bars + bar_room + 4.0);
        legend_y += 4.0;
        svg.drain(w)?;
    }
    super::footer(&mut svg, 16.0, legend_y + 6.0, FOOTER_CHARS, &notes);
    svg.drain(w)?;
    Svg::close(w)
}

/// The heading, the percent axis and the day axis.
fn axes(svg: &mut Svg, panel: &Panel, last_day: u32, title: &str) {
    svg.heading(
        LEFT,
        title,
        "Crude cumulative incidence by day since infusion (no censoring); bars: exact 95% interval of each final proportion",
    );
    let ticks: Vec<(f64, String)> = (0..=5)
        .map(|i| (f64::from(i * 20), format!("{}%", i * 20)))
        .collect();
    svg.y_axis(panel, &ticks, "Patients with onset (%)");
    let x = |day: u32| LEFT + PLOT_WIDTH * f64::from(day) / f64::from(last_day);
    svg.day_axis(
        &x,
        (0, last_day),
        panel.bottom(),
        LEFT + PLOT_WIDTH / 2.0,
        "Day since infusion (days)",
    );
}

/// One curve: a step from 0 at day 0 up at each onset day, held to the
/// group's last day, its final point marked, its interval a bar at `bar_x`.
fn draw_curve(
    svg: &mut Svg,
    panel: &Panel,
    x: &dyn Fn(u32) -> f64,
    (g, c): (&GroupCurves, &Curve),
    colour: &str,
    bar_x: f64,
) {
    let total = c.incidence.total;
    if total == 0 {
        return;
    }
    let pct = |n: u64| 100.0 * n as f64 / total as f64;
    let mut d = format!("M{:.1} {:.1}", x(0), panel.y(0.0));
    let mut steps = String::new();
    for (day, n) in &c.steps {
        let _ = write!(d, " H{:.1} V{:.1}", x(*day), panel.y(pct(*n)));
        let _ = write!(steps, "{}{day}:{n}", if steps.is_empty() { "" } else { " " });
    }
    let _ = write!(d, " H{:.1}", x(g.last_day));
    let inc = &c.incidence;
    svg.raw(&format!(
        r#"<g class="curve" data-group="{}" data-event="{}" data-n="{}" data-total="{total}" data-percent="{:.1}" data-ci-low="{:.1}" data-ci-high="{:.1}" data-steps="{steps}">"#,
        esc(&g.group),
        c.event.key(),
        inc.n,
        inc.percent,
        inc.ci95[0],
        inc.ci95[1]
    ));
    svg.raw(&format!(
        r#"<path d="{d}" fill="none" stroke="{colour}" stroke-width="2.5"{}/>"#,
        dash(c.event)
    ));
    let (ex, ey) = (x(g.last_day), panel.y(inc.percent));
    svg.raw(&format!(
        r#"<circle class="end" cx="{ex:.1}" cy="{ey:.1}" r="3" fill="{colour}"/>"#
    ));
    let (lo, hi) = (panel.y(inc.ci95[0]), panel.y(inc.ci95[1]));
    svg.line((bar_x, lo), (bar_x, hi), colour, r#" stroke-width="2""#);
    svg.line(
        (bar_x - 2.5, lo),
        (bar_x + 2.5, lo),
        colour,
        r#" stroke-width="1.5""#,
    );
    svg.line(
        (bar_x - 2.5, hi),
        (bar_x + 2.5, hi),
        colour,
        r#" stroke-width="1.5""#,
    );
    svg.raw(&format!(
        r#"<circle class="bar-point" cx="{bar_x:.1}" cy="{ey:.1}" r="2" fill="{colour}"/>"#
    ));
    svg.raw("</g>");
}

/// The groups' names at the right end, each level with its first curve
/// drawn (any-grade ICANS) or moved to the nearest free line, so that no
/// two overlap; past [`Labels::MOST`] groups the legend names them alone.
struct Labels(Vec<f64>);

impl Labels {
    const MOST: usize = 100;
    const LINE: f64 = 12.0;

    fn place(&mut self, svg: &mut Svg, panel: &Panel, g: &GroupCurves, name: &str, x: f64) {
        let Some(c) = g.curves.iter().find(|c| c.incidence.total > 0) else {
            return;
        };
        if self.0.len() >= Self::MOST {
            return;
        }
        let want = panel.y(c.incidence.percent) + 3.5;
        let free = |y: f64| self.0.iter().all(|u| (u - y).abs() >= Self::LINE);
        let y = (0..=2 * Self::MOST)
            .map(|i| {
                let step = (i as f64 / 2.0).ceil() * Self::LINE;
                if i % 2 == 1 { want + step } else { want - step }
            })
            .find(|y| free(*y))
            .unwrap_or(want);
        self.0.push(y);
        svg.text(x, y, 10, "start", "", name);
    }
}

/// The figures as an HTML table: one row per group and event.
pub fn html_table(w: &mut dyn io::Write, plot: &IncidencePlot) -> io::Result<()> {
    w.write_all(b"<table>\n")?;
    let head = [
        plot.by.unwrap_or("group"),
        "event",
        "by day",
        "n/N % (95% CI, exact)",
        "left out (no day)",
    ];
    html_row(w, "th", &head.map(String::from))?;
    for g in plot.groups.iter() {
        let g = g?;
        for c in &g.curves {
            html_row(
                w,
                "td",
                &[
                    group_name(plot, &g.group),
                    c.event.label().to_string(),
                    g.last_day.to_string(),
                    incidence_cell(&c.incidence),
                    g.without_day.to_string(),
                ],
            )?;
        }
    }
    w.write_all(b"</table>\n")
}

/// One offline HTML page: the picture and its table.
pub fn write_html(w: &mut dyn io::Write, plot: &IncidencePlot) -> io::Result<()> {
    super::html_head(w, &title(plot))?;
    write_svg(w, plot)?;
    html_table(w, plot)?;
    super::html_foot(w)
}
