//! Charts drawn at build time as inline SVG: story timelines, actor
//! networks and quote activity. No JavaScript; colours come from the page's
//! CSS (classes and `currentColor`), so light and dark schemes both work.
//!
//! Each chart is laid out as a [`Scene`] — shapes and text labels with
//! their boxes — by a pure function, then written as SVG. Tests look at the
//! scene (label boxes never overlap, every link goes somewhere) as well as
//! at the SVG.

pub mod activity;
pub mod network;
pub mod timeline;

use crate::markdown::escape_html;
use chrono::{Datelike, Days, Months, NaiveDate};
use std::fmt::Write;

/// What a chart needs from the site's language: dates, periods, counts.
pub trait Locale {
    /// "20 dicembre 2022".
    fn date(&self, d: NaiveDate) -> String;
    /// "20 dic 2022".
    fn date_short(&self, d: NaiveDate) -> String;
    /// The name of the period of `grain` starting on `start`: "dic 2022".
    fn period(&self, grain: Grain, start: NaiveDate) -> String;
    /// "5 citazioni": the plural label `key` for `n`.
    fn count(&self, key: &str, n: usize) -> String;
    /// The label `key`.
    fn text(&self, key: &str) -> String;
    /// `text` between the language's quotation marks.
    fn quote(&self, text: &str) -> String;
}

/// The class of a label that is a key into a list beside the chart (a
/// number), not the name of what it marks.
pub const KEY_CLASS: &str = "chart-key";

/// A box, in SVG user units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Whether the two boxes share any area.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// Where a label's `x` is: its start, middle or end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// `x` is the left edge.
    Start,
    /// `x` is the centre.
    Middle,
    /// `x` is the right edge.
    End,
}

/// One line of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// Anchor point, horizontally.
    pub x: f64,
    /// Baseline.
    pub y: f64,
    /// Font size.
    pub size: f64,
    /// Which edge `x` is.
    pub anchor: Anchor,
    /// CSS class.
    pub class: &'static str,
    /// The text, already shortened to fit.
    pub text: String,
}

impl Label {
    /// The box the text takes, by [`text_width`]'s generous estimate.
    pub fn rect(&self) -> Rect {
        let w = text_width(&self.text, self.size);
        let x = match self.anchor {
            Anchor::Start => self.x,
            Anchor::Middle => self.x - w / 2.0,
            Anchor::End => self.x - w,
        };
        // Ascenders above the baseline, descenders below.
        Rect {
            x,
            y: self.y - self.size * 0.92,
            w,
            h: self.size * 1.18,
        }
    }
}

/// A drawn shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A straight line.
    Line {
        /// From.
        from: (f64, f64),
        /// To.
        to: (f64, f64),
        /// Stroke width.
        width: f64,
        /// CSS class.
        class: &'static str,
    },
    /// A circle.
    Circle {
        /// Centre.
        c: (f64, f64),
        /// Radius.
        r: f64,
        /// CSS class.
        class: &'static str,
    },
    /// A rectangle.
    Bar {
        /// Where.
        rect: Rect,
        /// CSS class.
        class: &'static str,
    },
    /// Text.
    Text(Label),
}

/// Shapes drawn together, optionally as one link with a tooltip.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Group {
    /// CSS class.
    pub class: &'static str,
    /// Link target.
    pub href: Option<String>,
    /// Tooltip and, for links without text, the accessible name.
    pub title: Option<String>,
    /// The shapes.
    pub shapes: Vec<Shape>,
}

/// A laid-out chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    /// Width in user units (also the SVG's intrinsic width in CSS px).
    pub width: f64,
    /// Height.
    pub height: f64,
    /// CSS class of the `<svg>`, after `chart`.
    pub class: &'static str,
    /// The chart's accessible name.
    pub title: String,
    /// What is drawn, in painting order.
    pub groups: Vec<Group>,
}

impl Scene {
    /// The SVG element, left to right. `id` prefixes the ids it defines
    /// (unique per page).
    #[cfg(test)]
    pub fn to_svg(&self, id: &str) -> String {
        self.to_svg_in(id, "ltr")
    }

    /// The SVG element for a page written in direction `dir` (`id`
    /// prefixes the ids it defines, unique per page). Right to
    /// left, the chart is mirrored (time runs leftwards, labels sit on the
    /// other side of their marks) and says so itself (`direction="rtl"`,
    /// every label's `text-anchor`), so what it inherits cannot move a
    /// label off its place.
    pub fn to_svg_in(&self, id: &str, dir: &str) -> String {
        if dir == "rtl" {
            return self.mirrored().write_svg(id, true);
        }
        self.write_svg(id, false)
    }

    /// The scene mirrored left to right: each `x` measured from the right
    /// edge. Labels keep their anchors: drawn right to left, a label's
    /// start is its right end.
    pub fn mirrored(&self) -> Scene {
        let w = self.width;
        let flip = |shape: &Shape| match shape {
            Shape::Line {
                from,
                to,
                width,
                class,
            } => Shape::Line {
                from: (w - from.0, from.1),
                to: (w - to.0, to.1),
                width: *width,
                class,
            },
            Shape::Circle { c, r, class } => Shape::Circle {
                c: (w - c.0, c.1),
                r: *r,
                class,
            },
            Shape::Bar { rect, class } => Shape::Bar {
                rect: Rect {
                    x: w - rect.x - rect.w,
                    ..*rect
                },
                class,
            },
            Shape::Text(l) => Shape::Text(Label {
                x: w - l.x,
                ..l.clone()
            }),
        };
        Scene {
            groups: self
                .groups
                .iter()
                .map(|g| Group {
                    shapes: g.shapes.iter().map(flip).collect(),
                    ..g.clone()
                })
                .collect(),
            ..self.clone()
        }
    }

    fn write_svg(&self, id: &str, rtl: bool) -> String {
        let mut s = String::with_capacity(256 + self.groups.len() * 160);
        let _ = write!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart {}\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\"{} role=\"group\" aria-labelledby=\"{id}-title\"><title id=\"{id}-title\">{}</title>",
            self.class,
            num(self.width),
            num(self.height),
            num(self.width),
            num(self.height),
            if rtl { " direction=\"rtl\"" } else { "" },
            escape_html(&self.title)
        );
        for g in &self.groups {
            let (open, close) = match &g.href {
                Some(href) => (format!("<a href=\"{}\"", escape_html(href)), "</a>"),
                None => ("<g".to_string(), "</g>"),
            };
            s.push_str(&open);
            if !g.class.is_empty() {
                let _ = write!(s, " class=\"{}\"", g.class);
            }
            // A link with no text of its own, or only a key (a number that
            // points into the list beside the chart), is named by its tooltip.
            let has_text = g
                .shapes
                .iter()
                .any(|x| matches!(x, Shape::Text(l) if l.class != KEY_CLASS));
            if let (Some(t), Some(_), false) = (&g.title, &g.href, has_text) {
                let _ = write!(s, " aria-label=\"{}\"", escape_html(t));
            }
            s.push('>');
            if let Some(t) = &g.title {
                let _ = write!(s, "<title>{}</title>", escape_html(t));
            }
            for shape in &g.shapes {
                write_shape(&mut s, shape, rtl);
            }
            s.push_str(close);
        }
        s.push_str("</svg>");
        s
    }
}

/// What tests look at in a layout.
#[cfg(test)]
impl Scene {
    /// Every text label.
    pub fn labels(&self) -> impl Iterator<Item = &Label> {
        self.groups.iter().flat_map(|g| {
            g.shapes.iter().filter_map(|s| match s {
                Shape::Text(l) => Some(l),
                _ => None,
            })
        })
    }

    /// Every link target.
    pub fn links(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().filter_map(|g| g.href.as_deref())
    }

    /// Two labels whose boxes overlap, if any (sweep by top edge: O(n log n)
    /// for labels that are mostly apart).
    pub fn overlapping_labels(&self) -> Option<(Label, Label)> {
        let mut boxes: Vec<(Rect, &Label)> = self.labels().map(|l| (l.rect(), l)).collect();
        boxes.sort_by(|a, b| a.0.y.total_cmp(&b.0.y));
        for (i, (a, la)) in boxes.iter().enumerate() {
            for (b, lb) in &boxes[i + 1..] {
                if b.y >= a.y + a.h {
                    break;
                }
                if a.overlaps(b) {
                    return Some(((*la).clone(), (*lb).clone()));
                }
            }
        }
        None
    }
}

fn write_shape(s: &mut String, shape: &Shape, rtl: bool) {
    match shape {
        Shape::Line {
            from,
            to,
            width,
            class,
        } => {
            let _ = write!(
                s,
                "<line class=\"{class}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"currentColor\" stroke-width=\"{}\"/>",
                num(from.0),
                num(from.1),
                num(to.0),
                num(to.1),
                num(*width)
            );
        }
        Shape::Circle { c, r, class } => {
            let _ = write!(
                s,
                "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"currentColor\"/>",
                num(c.0),
                num(c.1),
                num(*r)
            );
        }
        Shape::Bar { rect, class } => {
            let _ = write!(
                s,
                "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"currentColor\"/>",
                num(rect.x),
                num(rect.y),
                num(rect.w),
                num(rect.h)
            );
        }
        Shape::Text(l) => {
            let anchor = match l.anchor {
                Anchor::Start if rtl => " text-anchor=\"start\"",
                Anchor::Start => "",
                Anchor::Middle => " text-anchor=\"middle\"",
                Anchor::End => " text-anchor=\"end\"",
            };
            let _ = write!(
                s,
                "<text class=\"{}\" x=\"{}\" y=\"{}\" font-size=\"{}\"{anchor} fill=\"currentColor\">{}</text>",
                l.class,
                num(l.x),
                num(l.y),
                num(l.size),
                escape_html(&l.text)
            );
        }
    }
}

/// A coordinate with at most one decimal, without a trailing `.0`.
fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// A generous estimate of the width of `text` at `size` px in a sans-serif
/// font: wide enough that labels placed apart by it never touch on screen.
pub fn text_width(text: &str, size: f64) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' | '’' => 0.3,
            ' ' | 'f' | 't' | 'r' | '(' | ')' | '-' | '«' | '»' | '“' | '”' | '„' => 0.4,
            'm' | 'w' | 'M' | 'W' | '—' | '…' => 0.95,
            c if c.is_ascii_digit() => 0.6,
            c if c.is_uppercase() => 0.72,
            c if is_wide(c) => 1.05,
            _ => 0.6,
        })
        .sum();
    em * size
}

/// CJK and other full-width characters.
fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

/// `text` shortened with an ellipsis to fit `width` at `size`.
pub fn fit(text: &str, width: f64, size: f64) -> String {
    if text_width(text, size) <= width {
        return text.to_string();
    }
    let room = width - text_width("…", size);
    let mut used = 0.0;
    let mut out = String::new();
    for c in text.chars() {
        let w = text_width(c.encode_utf8(&mut [0; 4]), size);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// `text` in at most `lines` lines of `width`, broken between words; the
/// last line ends in an ellipsis when the text does not fit.
pub fn wrap(text: &str, width: f64, size: f64, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut words = text.split_whitespace();
    while let Some(word) = words.next() {
        let joined = out.last().map(|line| format!("{line} {word}"));
        match joined {
            Some(j) if text_width(&j, size) <= width => {
                if let Some(line) = out.last_mut() {
                    *line = j;
                }
            }
            Some(j) if out.len() == lines => {
                // No room for another line: the rest goes on the last one.
                let rest: Vec<&str> = words.by_ref().collect();
                let all = if rest.is_empty() {
                    j
                } else {
                    format!("{j} {}", rest.join(" "))
                };
                if let Some(line) = out.last_mut() {
                    *line = fit(&all, width, size);
                }
                break;
            }
            _ => out.push(fit(word, width, size)),
        }
    }
    out
}

/// Moves intervals apart: `want` are wished-for starts (ascending), `size`
/// their lengths. Each ends up at or after its wish, pushed forward just
/// enough to clear the previous one by `gap`, then pulled back so the last
/// ends by `end` when they all fit in `[start, end]`. O(n).
pub fn spread(want: &[f64], size: &[f64], gap: f64, start: f64, end: f64) -> Vec<f64> {
    let n = want.len();
    let mut at = Vec::with_capacity(n);
    for i in 0..n {
        let floor = if i == 0 {
            start
        } else {
            at[i - 1] + size[i - 1] + gap
        };
        at.push(want[i].max(floor));
    }
    let total: f64 = size.iter().sum::<f64>() + gap * n.saturating_sub(1) as f64;
    let limit = end.max(start + total);
    for i in (0..n).rev() {
        let ceiling = if i + 1 == n {
            limit - size[i]
        } else {
            at[i + 1] - gap - size[i]
        };
        at[i] = at[i].min(ceiling);
    }
    at
}

/// Periods a chart groups dates by, finest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grain {
    /// One day.
    Day,
    /// A week, Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
    /// Three months, from January, April, July, October.
    Quarter,
    /// A calendar year.
    Year,
}

impl Grain {
    /// Every grain, finest first.
    pub const ALL: [Grain; 5] = [
        Grain::Day,
        Grain::Week,
        Grain::Month,
        Grain::Quarter,
        Grain::Year,
    ];

    /// The first day of the period holding `d`.
    pub fn start(self, d: NaiveDate) -> NaiveDate {
        let first_of = |month: u32| NaiveDate::from_ymd_opt(d.year(), month, 1).unwrap_or(d);
        match self {
            Grain::Day => d,
            Grain::Week => d - Days::new(u64::from(d.weekday().num_days_from_monday())),
            Grain::Month => first_of(d.month()),
            Grain::Quarter => first_of(d.month0() / 3 * 3 + 1),
            Grain::Year => first_of(1),
        }
    }

    /// The first day of the next period, from a period's first day.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        let step = match self {
            Grain::Day => return start + Days::new(1),
            Grain::Week => return start + Days::new(7),
            Grain::Month => Months::new(1),
            Grain::Quarter => Months::new(3),
            Grain::Year => Months::new(12),
        };
        start.checked_add_months(step).unwrap_or(NaiveDate::MAX)
    }

    /// How many periods `[first, last]` spans, without walking them.
    pub fn count(self, first: NaiveDate, last: NaiveDate) -> i64 {
        let (a, b) = (self.start(first), self.start(last));
        let months = |a: NaiveDate, b: NaiveDate| {
            i64::from(b.year() - a.year()) * 12 + i64::from(b.month()) - i64::from(a.month())
        };
        1 + match self {
            Grain::Day => (b - a).num_days(),
            Grain::Week => (b - a).num_days() / 7,
            Grain::Month => months(a, b),
            Grain::Quarter => months(a, b) / 3,
            Grain::Year => i64::from(b.year() - a.year()),
        }
    }

    /// The finest grain at or above `finest` that splits `[first, last]`
    /// into at most `max` periods.
    pub fn fitting(finest: Grain, first: NaiveDate, last: NaiveDate, max: i64) -> Grain {
        Grain::ALL
            .into_iter()
            .filter(|g| *g >= finest)
            .find(|g| g.count(first, last) <= max)
            .unwrap_or(Grain::Year)
    }
}

/// Dates counted into consecutive periods of `grain` from the first to the
/// last (empty periods included): (period start, indices into `dates`).
/// `dates` may come in any order; O(n log n).
pub fn buckets(dates: &[NaiveDate], grain: Grain) -> Vec<(NaiveDate, Vec<usize>)> {
    let mut order: Vec<usize> = (0..dates.len()).collect();
    order.sort_by_key(|&i| (dates[i], i));
    let (Some(&first), Some(&last)) = (order.first(), order.last()) else {
        return Vec::new();
    };
    let end = grain.start(dates[last]);
    let mut out: Vec<(NaiveDate, Vec<usize>)> = vec![(grain.start(dates[first]), Vec::new())];
    for i in order {
        let start = grain.start(dates[i]);
        while out.last().is_some_and(|(s, _)| *s < start) {
            let next = grain.next(out.last().map_or(start, |(s, _)| *s));
            out.push((next, Vec::new()));
        }
        if let Some((_, list)) = out.last_mut() {
            list.push(i);
        }
    }
    debug_assert!(out.last().is_some_and(|(s, _)| *s == end));
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// English labels for chart tests.
    pub struct Plain;
    impl Locale for Plain {
        fn date(&self, d: NaiveDate) -> String {
            d.format("%-d %B %Y").to_string()
        }
        fn date_short(&self, d: NaiveDate) -> String {
            d.format("%-d %b %Y").to_string()
        }
        fn period(&self, grain: Grain, start: NaiveDate) -> String {
            match grain {
                Grain::Day => self.date_short(start),
                Grain::Week => format!("week of {}", start.format("%-d %b %Y")),
                Grain::Month => start.format("%b %Y").to_string(),
                Grain::Quarter => format!("Q{} {}", start.month0() / 3 + 1, start.year()),
                Grain::Year => start.year().to_string(),
            }
        }
        fn count(&self, key: &str, n: usize) -> String {
            format!("{n} {key}")
        }
        fn text(&self, key: &str) -> String {
            key.to_string()
        }
        fn quote(&self, text: &str) -> String {
            format!("“{text}”")
        }
    }

    pub fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Parses the SVG as XML and returns every link target.
    pub fn svg_links(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        doc.descendants()
            .filter(|n| n.has_tag_name("a"))
            .map(|n| {
                n.attribute("href")
                    .expect("every link has an href")
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn spread_keeps_order_clears_gaps_and_stays_in_range() {
        let at = spread(&[0.0, 1.0, 2.0, 50.0], &[10.0; 4], 2.0, 0.0, 60.0);
        for w in at.windows(2) {
            assert!(w[1] >= w[0] + 12.0 - 1e-9, "{at:?}");
        }
        assert!(at[0] >= 0.0 && at[3] + 10.0 <= 60.0 + 1e-9, "{at:?}");
        // Too many for the range: they run past its end rather than overlap.
        let at = spread(&[5.0; 10], &[10.0; 10], 0.0, 0.0, 50.0);
        assert_eq!(at[0], 0.0);
        assert_eq!(at[9], 90.0);
    }

    #[test]
    fn wrap_breaks_between_words_and_ends_with_an_ellipsis() {
        let lines = wrap("one two three four five six seven", 60.0, 10.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'), "{lines:?}");
        for l in &lines {
            assert!(text_width(l, 10.0) <= 60.0, "{l}");
        }
        assert_eq!(wrap("short", 100.0, 10.0, 2), vec!["short"]);
    }

    #[test]
    fn grains_count_and_bucket_consecutive_periods() {
        let (a, b) = (day("2022-02-10"), day("2023-06-16"));
        assert_eq!(Grain::Month.count(a, b), 17);
        assert_eq!(Grain::Quarter.count(a, b), 6);
        assert_eq!(Grain::Year.count(a, b), 2);
        assert_eq!(Grain::Week.start(day("2023-06-18")), day("2023-06-12"));
        assert_eq!(Grain::fitting(Grain::Day, a, b, 20), Grain::Month);
        let dates = [b, a, day("2022-02-11")];
        let bs = buckets(&dates, Grain::Month);
        assert_eq!(bs.len(), 17);
        assert_eq!(bs[0], (day("2022-02-01"), vec![1, 2]));
        assert_eq!(bs[16], (day("2023-06-01"), vec![0]));
        assert!(bs[1..16].iter().all(|(_, l)| l.is_empty()));
    }

    #[test]
    fn svg_is_well_formed_and_escapes_text() {
        let scene = Scene {
            width: 100.0,
            height: 20.0,
            class: "test",
            title: "a < b & \"c\"".into(),
            groups: vec![Group {
                class: "g",
                href: Some("/x/?a=1&b=2".into()),
                title: Some("<t>".into()),
                shapes: vec![Shape::Text(Label {
                    x: 0.0,
                    y: 12.0,
                    size: 12.0,
                    anchor: Anchor::Start,
                    class: "l",
                    text: "Putin & «Lukashenko»".into(),
                })],
            }],
        };
        assert_eq!(svg_links(&scene.to_svg("t")), vec!["/x/?a=1&b=2"]);
    }
}
