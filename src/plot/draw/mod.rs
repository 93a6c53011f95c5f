//! Pictures (`icans plot`, contract v4 §11, docs/spec.md §11): standalone
//! SVG (no script, no remote reference, a `<title>` and a `<desc>` that
//! carry the figures drawn) and one offline HTML page holding one or more
//! plots with their figures as tables. Hand-written rather than drawn by
//! a plotting library: the text alternative, the data attributes the
//! tests read and the marks for days not assessed are the point of these
//! pictures, and plotters' SVG backend writes none of them (README,
//! "Pictures").

pub mod course;
pub mod incidence;

use std::fmt::Write as _;
use std::io::{self, Write as _};

use crate::format::text;

/// Colours of the groups, in order (Okabe and Ito's palette, told apart
/// by colour-blind readers); meaning is never carried by colour alone:
/// every line is labelled, every event has its own line style.
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
];

/// The text of an SVG or HTML document: control characters written as
/// escapes (as every report shows them), and so the two characters XML
/// forbids beside them (U+FFFE, U+FFFF); markup characters as entities.
pub fn esc(s: &str) -> String {
    let clean = text::clean(s);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{fffe}' | '\u{ffff}' => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// An SVG document being written: the drawing in `body`, its size, title
/// and text alternative given when it is finished.
#[derive(Default)]
pub struct Svg {
    body: String,
}

impl Svg {
    /// A line of text at (`x`, `y`); `anchor` is `start`, `middle` or
    /// `end`.
    pub fn text(&mut self, x: f64, y: f64, size: u8, anchor: &str, extra: &str, content: &str) {
        let _ = writeln!(
            self.body,
            r#"<text x="{x:.1}" y="{y:.1}" font-size="{size}" text-anchor="{anchor}"{extra}>{}</text>"#,
            esc(content)
        );
    }

    /// The picture's title in bold and the line under it that says what
    /// is drawn, from `left`.
    pub fn heading(&mut self, left: f64, title: &str, subtitle: &str) {
        self.text(left, 22.0, 15, "start", r#" font-weight="bold""#, title);
        self.text(left, 38.0, 10, "start", "", subtitle);
    }

    /// A straight line.
    pub fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, extra: &str) {
        let _ = writeln!(
            self.body,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{stroke}"{extra}/>"#
        );
    }

    /// Raw markup (built by the caller from escaped parts).
    pub fn raw(&mut self, markup: &str) {
        self.body.push_str(markup);
        self.body.push('\n');
    }

    /// A y axis on the left of a panel: gridlines and labels at `ticks`
    /// (value, label), and its title turned along it.
    pub fn y_axis(&mut self, panel: &Panel, ticks: &[(f64, String)], title: &str) {
        for (v, label) in ticks {
            let y = panel.y(*v);
            self.line((panel.left, y), (panel.right, y), "#dddddd", "");
            self.text(panel.left - 5.0, y + 3.5, 10, "end", "", label);
        }
        let mid = panel.top + panel.height / 2.0;
        let x = panel.left - 34.0;
        self.text(
            x,
            mid,
            11,
            "middle",
            &format!(r#" transform="rotate(-90 {x:.1} {mid:.1})""#),
            title,
        );
        let _ = writeln!(
            self.body,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="#888888"/>"##,
            panel.left,
            panel.top,
            panel.right - panel.left,
            panel.height
        );
    }

    /// The day axis under a picture's panels, from `bottom`: a tick and its
    /// number on each of [`day_ticks`] from `first` to `last` (placed by
    /// `x`), and `title` centred at `centre`.
    pub fn day_axis(
        &mut self,
        x: &dyn Fn(u32) -> f64,
        (first, last): (u32, u32),
        bottom: f64,
        centre: f64,
        title: &str,
    ) {
        for t in day_ticks(first, last) {
            self.line((x(t), bottom), (x(t), bottom + 4.0), "#000000", "");
            self.text(x(t), bottom + 15.0, 10, "middle", "", &t.to_string());
        }
        self.text(centre, bottom + 30.0, 11, "middle", "", title);
    }

    /// The whole document: `title` and `desc` (the text alternative) first,
    /// a white background, then the drawing.
    pub fn finish(&self, width: f64, height: f64, title: &str, desc: &str) -> String {
        let mut out = Vec::with_capacity(self.body.len() + desc.len() + 512);
        let whole = Svg::open(&mut out, (width, height), title)
            .and_then(|()| out.write_all(esc(desc).as_bytes()))
            .and_then(|()| Svg::close_desc(&mut out, (width, height)))
            .and_then(|()| out.write_all(self.body.as_bytes()))
            .and_then(|()| Svg::close(&mut out));
        debug_assert!(whole.is_ok(), "writing to memory");
        String::from_utf8(out).unwrap_or_default()
    }

    /// The start of a document written piece by piece: the root, the title
    /// and the opening of the text alternative (its text follows,
    /// [`esc`]aped, then [`Svg::close_desc`]).
    pub fn open(w: &mut dyn io::Write, (width, height): (f64, f64), title: &str) -> io::Result<()> {
        write!(
            w,
            r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" role="img" aria-labelledby="title desc" font-family="DejaVu Sans, Arial, Helvetica, sans-serif">
<title id="title">{}</title>
<desc id="desc">"#,
            esc(title)
        )
    }

    /// The end of the text alternative and the white background.
    pub fn close_desc(w: &mut dyn io::Write, (width, height): (f64, f64)) -> io::Result<()> {
        write!(
            w,
            "</desc>\n<rect x=\"0\" y=\"0\" width=\"{width:.0}\" height=\"{height:.0}\" fill=\"#ffffff\"/>\n"
        )
    }

    /// Writes the drawing so far and empties it (a large picture is
    /// written as it is drawn).
    pub fn drain(&mut self, w: &mut dyn io::Write) -> io::Result<()> {
        w.write_all(self.body.as_bytes())?;
        self.body.clear();
        Ok(())
    }

    /// The end of the document.
    pub fn close(w: &mut dyn io::Write) -> io::Result<()> {
        w.write_all(b"</svg>\n")
    }
}

/// A panel's place on the page and its vertical scale.
#[derive(Debug, Clone, Copy)]
pub struct Panel {
    /// Left edge.
    pub left: f64,
    /// Right edge.
    pub right: f64,
    /// Top edge.
    pub top: f64,
    /// Height.
    pub height: f64,
    /// The value at the bottom edge.
    pub low: f64,
    /// The value at the top edge.
    pub high: f64,
}

impl Panel {
    /// The y of a value.
    pub fn y(&self, v: f64) -> f64 {
        self.top + self.height * (1.0 - (v - self.low) / (self.high - self.low))
    }

    /// The bottom edge.
    pub fn bottom(&self) -> f64 {
        self.top + self.height
    }
}

/// Day ticks: about ten at most, on a step a reader counts in (1, 2, 5,
/// 7, 10, 14, 28 days, then tens and hundreds).
pub fn day_ticks(first: u32, last: u32) -> Vec<u32> {
    const STEPS: [u32; 14] = [1, 2, 5, 7, 10, 14, 28, 30, 50, 100, 200, 500, 1000, 5000];
    let span = last.saturating_sub(first);
    let step = STEPS
        .iter()
        .copied()
        .find(|s| span / s <= 10)
        .unwrap_or(span / 10 + 1);
    let start = first.div_ceil(step) * step;
    (0..)
        .map(|i| start.saturating_add(i * step))
        .take_while(|d| *d <= last)
        .take(64)
        .collect()
}

/// Lines of text at most `width` characters, broken at spaces.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let opts = textwrap::Options::new(width).word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::wrap(s, opts)
        .into_iter()
        .map(|l| l.into_owned())
        .collect()
}

/// The lines of the footer every picture carries: its notes, the
/// criteria and the decision-support note, each wrapped.
pub fn footer_lines(notes: &[String], width_chars: usize) -> Vec<String> {
    notes
        .iter()
        .map(String::as_str)
        .chain([text::CRITERIA_LINE, text::DECISION_SUPPORT_NOTE])
        .flat_map(|note| wrap(note, width_chars))
        .collect()
}

/// The height of a line of the footer.
pub const FOOTER_LINE: f64 = 13.0;

/// Draws the footer from `top`; returns its bottom.
pub fn footer(svg: &mut Svg, left: f64, top: f64, width_chars: usize, notes: &[String]) -> f64 {
    let mut y = top;
    for line in footer_lines(notes, width_chars) {
        svg.text(left, y, 10, "start", "", &line);
        y += FOOTER_LINE;
    }
    y
}

/// The start of an offline HTML page (no script, no remote reference).
pub fn html_head(w: &mut dyn io::Write, title: &str) -> io::Result<()> {
    write!(
        w,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{}</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; margin: 1.5em; color: #000; background: #fff; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; }}
th, td {{ border: 1px solid #999; padding: 2px 8px; text-align: right; }}
th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) {{ text-align: left; }}
svg {{ max-width: 100%; height: auto; }}
</style>
</head>
<body>
<h1>{}</h1>
"#,
        esc(title),
        esc(title)
    )
}

/// The end of an HTML page: the criteria and the decision-support note.
pub fn html_foot(w: &mut dyn io::Write) -> io::Result<()> {
    write!(
        w,
        "<p>{}</p>\n<p>{}</p>\n</body>\n</html>\n",
        esc(text::CRITERIA_LINE),
        esc(text::DECISION_SUPPORT_NOTE)
    )
}

/// A table row of cells (escaped), `th` or `td`.
pub fn html_row(w: &mut dyn io::Write, cell: &str, cells: &[String]) -> io::Result<()> {
    w.write_all(b"<tr>")?;
    for c in cells {
        write!(w, "<{cell}>{}</{cell}>", esc(c))?;
    }
    w.write_all(b"</tr>\n")
}

/// A number as figures show it: no decimals when whole, else one.
pub fn num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}
