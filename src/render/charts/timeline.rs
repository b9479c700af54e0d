//! A story's timeline: its digests on a vertical time axis, oldest at the
//! top. Up to [`EACH_MAX`] digests each get a mark and a label (date, title,
//! key quote), labels pushed apart so they never overlap; beyond that the
//! digests are counted per day, week, month, quarter or year — whichever
//! gives at most [`ROWS_MAX`] rows — so a story of 3,000 digests draws as
//! few rows as one of 40, each linking to its period's key digest.

use super::{buckets, fit, spread, wrap, Anchor, Grain, Group, Label, Locale, Scene, Shape};
use chrono::NaiveDate;

/// Most digests drawn one by one.
pub const EACH_MAX: usize = 30;
/// Most rows of a grouped timeline.
pub const ROWS_MAX: i64 = 36;

const WIDTH: f64 = 360.0;
const TOP: f64 = 8.0;
const AXIS_X: f64 = 9.0;
const LABEL_X: f64 = 26.0;
const DATE_SIZE: f64 = 12.0;
const TITLE_SIZE: f64 = 14.0;
const QUOTE_SIZE: f64 = 12.5;
const LINE: f64 = 17.0;
const GAP: f64 = 12.0;
const ROW: f64 = 40.0;
const PERIOD_W: f64 = 84.0;
const BAR_X: f64 = 90.0;

/// A digest's key quote.
#[derive(Debug, Clone, Copy)]
pub struct KeyQuote<'a> {
    /// The words (shortened to fit).
    pub text: &'a str,
    /// Who said them.
    pub speaker: &'a str,
    /// The quote's anchor on its digest page.
    pub url: &'a str,
}

/// A digest on the timeline.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// Its day.
    pub date: NaiveDate,
    /// Its title.
    pub title: &'a str,
    /// Its page.
    pub url: &'a str,
    /// How many quotes it has (the most quoted is its period's key digest).
    pub quotes: usize,
    /// Its first quote.
    pub quote: Option<KeyQuote<'a>>,
}

/// One row of the text alternative: a day (digest by digest) or a period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Row {
    /// The day or period, in words.
    pub period: String,
    /// Digests in it.
    pub count: usize,
    /// The title of the digest shown for it; none for an empty period.
    pub title: Option<String>,
    /// That digest's page.
    pub url: Option<String>,
}

/// A laid-out timeline and its text alternative.
#[derive(Debug, Clone)]
pub struct Timeline {
    /// What is drawn.
    pub scene: Scene,
    /// The period digests are grouped by, or none when drawn one by one.
    pub grain: Option<Grain>,
    /// The text alternative, oldest first.
    pub rows: Vec<Row>,
}

/// Lays out the timeline of `entries` (any order). None when there are none.
pub fn layout(entries: &[Entry<'_>], locale: &dyn Locale) -> Option<Timeline> {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| (entries[i].date, i));
    let first = entries[*order.first()?].date;
    let last = entries[*order.last()?].date;
    let title = locale
        .text("timeline_summary")
        .replace("{count}", &locale.count("digest_count", entries.len()))
        .replace("{from}", &locale.date(first))
        .replace("{to}", &locale.date(last));
    let (groups, height, grain, rows) = if entries.len() <= EACH_MAX {
        let (groups, height, rows) = each(entries, &order, locale);
        (groups, height, None, rows)
    } else {
        let grain = Grain::fitting(Grain::Day, first, last, ROWS_MAX);
        let (groups, height, rows) = grouped(entries, grain, locale);
        (groups, height, Some(grain), rows)
    };
    Some(Timeline {
        scene: Scene {
            width: WIDTH,
            height,
            class: "timeline-chart",
            title,
            groups,
        },
        grain,
        rows,
    })
}

/// One mark and label per digest.
fn each(
    entries: &[Entry<'_>],
    order: &[usize],
    locale: &dyn Locale,
) -> (Vec<Group>, f64, Vec<Row>) {
    let text_w = WIDTH - LABEL_X - 2.0;
    struct Block {
        date: String,
        title: Vec<String>,
        quote: Vec<String>,
        height: f64,
    }
    let blocks: Vec<Block> = order
        .iter()
        .map(|&i| {
            let e = &entries[i];
            let title = wrap(e.title, text_w, TITLE_SIZE, 2);
            // The speaker first, so a long quote loses its end, never its author.
            let quote = e
                .quote
                .map(|q| {
                    wrap(
                        &format!("{}: {}", q.speaker, locale.quote(q.text)),
                        text_w,
                        QUOTE_SIZE,
                        2,
                    )
                })
                .unwrap_or_default();
            let lines = 1 + title.len() + quote.len();
            Block {
                date: locale.date_short(e.date),
                title,
                quote,
                height: lines as f64 * LINE,
            }
        })
        .collect();
    let sizes: Vec<f64> = blocks.iter().map(|b| b.height).collect();
    let total: f64 = sizes.iter().sum::<f64>() + GAP * (sizes.len().saturating_sub(1)) as f64;
    let axis_len = (total * 1.25).max(sizes[0]);
    let first = entries[order[0]].date;
    let span = (entries[order[order.len() - 1]].date - first)
        .num_days()
        .max(1) as f64;
    let last_h = sizes[sizes.len() - 1];
    let marks: Vec<f64> = order
        .iter()
        .map(|&i| {
            let t = (entries[i].date - first).num_days() as f64 / span;
            TOP + 8.0 + t * (axis_len - last_h).max(0.0)
        })
        .collect();
    let want: Vec<f64> = marks.iter().map(|m| m - 8.0).collect();
    let tops = spread(&want, &sizes, GAP, TOP, TOP + axis_len);
    let bottom = tops[tops.len() - 1] + last_h;
    let axis_end = bottom.max(marks[marks.len() - 1] + 8.0);
    let mut groups = vec![Group {
        class: "tl-axis",
        shapes: vec![Shape::Line {
            from: (AXIS_X, TOP),
            to: (AXIS_X, axis_end),
            width: 2.0,
            class: "chart-axis",
        }],
        ..Default::default()
    }];
    let mut rows = Vec::with_capacity(order.len());
    for (k, (&i, b)) in order.iter().zip(&blocks).enumerate() {
        let e = &entries[i];
        let top = tops[k];
        let mut shapes = vec![
            Shape::Line {
                from: (AXIS_X + 4.0, marks[k]),
                to: (LABEL_X - 4.0, top + 8.0),
                width: 1.0,
                class: "chart-leader",
            },
            Shape::Circle {
                c: (AXIS_X, marks[k]),
                r: 5.0,
                class: "chart-mark",
            },
            Shape::Text(Label {
                x: LABEL_X,
                y: top + 12.0,
                size: DATE_SIZE,
                anchor: Anchor::Start,
                class: "tl-date",
                text: b.date.clone(),
            }),
        ];
        for (n, line) in b.title.iter().enumerate() {
            shapes.push(Shape::Text(Label {
                x: LABEL_X,
                y: top + 12.0 + LINE * (n + 1) as f64,
                size: TITLE_SIZE,
                anchor: Anchor::Start,
                class: "tl-title",
                text: line.clone(),
            }));
        }
        groups.push(Group {
            class: "tl-entry",
            href: Some(e.url.to_string()),
            shapes,
            ..Default::default()
        });
        if let Some(q) = e.quote {
            let first = b.title.len() + 1;
            groups.push(Group {
                class: "tl-quote",
                href: Some(q.url.to_string()),
                shapes: b
                    .quote
                    .iter()
                    .enumerate()
                    .map(|(n, line)| {
                        Shape::Text(Label {
                            x: LABEL_X,
                            y: top + 12.0 + LINE * (first + n) as f64,
                            size: QUOTE_SIZE,
                            anchor: Anchor::Start,
                            class: "tl-quote-text",
                            text: line.clone(),
                        })
                    })
                    .collect(),
                ..Default::default()
            });
        }
        rows.push(Row {
            period: locale.date(e.date),
            count: 1,
            title: Some(e.title.to_string()),
            url: Some(e.url.to_string()),
        });
    }
    (groups, axis_end + 6.0, rows)
}

/// A row per period: its name, a bar as long as its count, its key digest.
fn grouped(
    entries: &[Entry<'_>],
    grain: Grain,
    locale: &dyn Locale,
) -> (Vec<Group>, f64, Vec<Row>) {
    let dates: Vec<NaiveDate> = entries.iter().map(|e| e.date).collect();
    let periods = buckets(&dates, grain);
    let most = periods
        .iter()
        .map(|(_, l)| l.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let bar_max = WIDTH - BAR_X - 48.0;
    let mut groups = Vec::with_capacity(periods.len() * 2);
    let mut rows = Vec::with_capacity(periods.len());
    for (n, (start, list)) in periods.iter().enumerate() {
        let y = TOP + n as f64 * ROW;
        let name = locale.period(grain, *start);
        groups.push(Group {
            class: if list.is_empty() {
                "tl-period tl-empty"
            } else {
                "tl-period"
            },
            shapes: vec![Shape::Text(Label {
                x: 0.0,
                y: y + 14.0,
                size: DATE_SIZE,
                anchor: Anchor::Start,
                class: "tl-date",
                text: fit(&name, PERIOD_W, DATE_SIZE),
            })],
            ..Default::default()
        });
        // The period's key digest: most quotes, then newest.
        let key = list
            .iter()
            .copied()
            .max_by_key(|&i| (entries[i].quotes, entries[i].date, i));
        let Some(key) = key else {
            rows.push(Row {
                period: name,
                count: 0,
                title: None,
                url: None,
            });
            continue;
        };
        let e = &entries[key];
        let w = (list.len() as f64 / most as f64 * bar_max).max(3.0);
        groups.push(Group {
            class: "tl-bucket",
            href: Some(e.url.to_string()),
            title: Some(format!(
                "{name}: {}",
                locale.count("digest_count", list.len())
            )),
            shapes: vec![
                Shape::Bar {
                    rect: super::Rect {
                        x: BAR_X,
                        y: y + 4.0,
                        w,
                        h: 12.0,
                    },
                    class: "chart-bar",
                },
                Shape::Text(Label {
                    x: BAR_X + w + 5.0,
                    y: y + 14.0,
                    size: DATE_SIZE,
                    anchor: Anchor::Start,
                    class: "tl-count",
                    text: list.len().to_string(),
                }),
                Shape::Text(Label {
                    x: BAR_X,
                    y: y + 31.0,
                    size: QUOTE_SIZE,
                    anchor: Anchor::Start,
                    class: "tl-title",
                    text: fit(e.title, WIDTH - BAR_X - 2.0, QUOTE_SIZE),
                }),
            ],
        });
        rows.push(Row {
            period: name,
            count: list.len(),
            title: Some(e.title.to_string()),
            url: Some(e.url.to_string()),
        });
    }
    (groups, TOP + periods.len() as f64 * ROW, rows)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{day, svg_links, Plain};
    use super::*;
    use chrono::Days;

    fn entries<'a>(n: usize, every: u64, urls: &'a [String], title: &'a str) -> Vec<Entry<'a>> {
        (0..n)
            .map(|i| Entry {
                date: day("2022-02-24") + Days::new(i as u64 * every),
                title,
                url: &urls[i],
                quotes: i % 3,
                quote: (i % 2 == 0).then_some(KeyQuote {
                    text: "E se qualcuno pensa di poterci separare oggi, creare un cuneo tra di noi, non ci riuscirà.",
                    speaker: "Alexander Lukashenko",
                    url: &urls[i],
                }),
            })
            .collect()
    }

    fn urls(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("/digests/d{i}/")).collect()
    }

    #[test]
    fn few_digests_get_a_labelled_mark_each_without_overlaps() {
        for (n, every) in [(1, 1), (3, 0), (6, 40), (30, 1), (30, 0), (30, 200)] {
            let urls = urls(n);
            let title = "Perché Lukashenko non aiuterà Putin nella guerra in Ucraina, secondo l'ISW e il Cremlino";
            let t = layout(&entries(n, every, &urls, title), &Plain).unwrap();
            assert_eq!(t.grain, None);
            assert_eq!(t.rows.len(), n);
            if let Some((a, b)) = t.scene.overlapping_labels() {
                panic!("{n} digests every {every} days: {a:?} overlaps {b:?}");
            }
            for l in t.scene.labels() {
                let r = l.rect();
                assert!(
                    r.x >= 0.0 && r.x + r.w <= t.scene.width + 0.01,
                    "{l:?} out of the box"
                );
                assert!(
                    r.y >= 0.0 && r.y + r.h <= t.scene.height + 0.01,
                    "{l:?} out of the box"
                );
            }
            let links = svg_links(&t.scene.to_svg("tl"));
            assert!(links.iter().all(|l| urls.contains(l)), "{links:?}");
            for u in &urls {
                assert!(links.contains(u), "no mark links to {u}");
            }
        }
    }

    #[test]
    fn right_to_left_the_timeline_is_mirrored_and_sets_its_own_direction() {
        let urls = urls(40);
        let t = layout(&entries(40, 1, &urls, "عنوان الملخص"), &Plain).unwrap();
        let m = t.scene.mirrored();
        let w = t.scene.width;
        assert_eq!(m.labels().count(), t.scene.labels().count());
        for (a, b) in t.scene.labels().zip(m.labels()) {
            assert_eq!(b.x, w - a.x, "{a:?}");
            assert_eq!((b.anchor, &b.text), (a.anchor, &a.text));
            // Drawn right to left (a label's start is its right end), it
            // covers the mirror of its box: inside the chart, apart from
            // the others as the originals are.
            let r = a.rect();
            let left = match b.anchor {
                Anchor::Start => b.x - r.w,
                Anchor::Middle => b.x - r.w / 2.0,
                Anchor::End => b.x,
            };
            assert!((left - (w - r.x - r.w)).abs() < 1e-9, "{b:?}");
            assert!(
                left >= -1e-9 && left + r.w <= w + 1e-9,
                "{b:?} out of the chart"
            );
        }
        assert!(t.scene.overlapping_labels().is_none());
        let svg = t.scene.to_svg_in("tl", "rtl");
        assert!(svg.contains(" direction=\"rtl\""));
        // Every label says where it is anchored; none inherits it.
        assert_eq!(
            svg.matches("<text ").count(),
            svg.matches(" text-anchor=\"").count()
        );
        assert_eq!(svg_links(&svg), svg_links(&t.scene.to_svg("tl")));
        // Left to right, nothing changes.
        assert_eq!(t.scene.to_svg_in("tl", "ltr"), t.scene.to_svg("tl"));
    }

    #[test]
    fn three_thousand_digests_draw_in_bounded_rows_linking_to_digests() {
        let urls = urls(3000);
        let t = layout(&entries(3000, 1, &urls, "Un titolo"), &Plain).unwrap();
        // 3,000 days: about 99 months, 33 quarters.
        assert_eq!(t.grain, Some(Grain::Quarter));
        assert!(t.rows.len() as i64 <= ROWS_MAX);
        assert_eq!(t.rows.iter().map(|r| r.count).sum::<usize>(), 3000);
        assert!(t.scene.overlapping_labels().is_none());
        let svg = t.scene.to_svg("tl");
        assert!(svg.len() < 40_000, "{} bytes", svg.len());
        let links = svg_links(&svg);
        assert_eq!(links.len(), t.rows.iter().filter(|r| r.count > 0).count());
        assert!(links.iter().all(|l| urls.contains(l)));
    }

    #[test]
    fn dense_days_group_by_day_or_week() {
        let urls = urls(100);
        let t = layout(&entries(100, 0, &urls, "x"), &Plain).unwrap();
        assert_eq!(t.grain, Some(Grain::Day));
        assert_eq!(t.rows.len(), 1);
        let mut e = entries(100, 0, &urls, "x");
        for (i, x) in e.iter_mut().enumerate() {
            x.date = day("2022-01-01") + Days::new(i as u64 / 2);
        }
        let t = layout(&e, &Plain).unwrap();
        assert_eq!(t.grain, Some(Grain::Week));
        assert!(t.scene.overlapping_labels().is_none());
    }

    #[test]
    fn the_key_digest_of_a_period_is_the_most_quoted() {
        let urls = urls(40);
        let t = layout(&entries(40, 0, &urls, "x"), &Plain).unwrap();
        // All on one day; quotes are i % 3: the newest with 2 quotes is d38.
        assert_eq!(t.rows[0].url.as_deref(), Some("/digests/d38/"));
    }

    #[test]
    fn output_is_deterministic() {
        let urls = urls(50);
        let e = entries(50, 3, &urls, "Titolo");
        let a = layout(&e, &Plain).unwrap().scene.to_svg("tl");
        let mut rev = e.clone();
        rev.reverse();
        // Same day, same order: ties are kept in input order.
        assert_eq!(a, layout(&e, &Plain).unwrap().scene.to_svg("tl"));
        assert!(layout(&rev, &Plain).is_some());
        assert!(layout(&[], &Plain).is_none());
    }
}
