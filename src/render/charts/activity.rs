//! Quote activity: an actor's quotes per month as bars (per quarter or year
//! when months would be too many to see), each bar linking to the newest
//! quote of its period on the actor's page.

use super::{buckets, fit, Anchor, Grain, Group, Label, Locale, Rect, Scene, Shape};
use chrono::NaiveDate;

/// Most bars drawn.
pub const BARS_MAX: i64 = 48;

const WIDTH: f64 = 360.0;
const LEFT: f64 = 28.0;
const TOP: f64 = 6.0;
const CHART_H: f64 = 72.0;
const SIZE: f64 = 11.0;

/// A quote: when it was said and its anchor.
#[derive(Debug, Clone, Copy)]
pub struct Said<'a> {
    /// When.
    pub date: NaiveDate,
    /// Its anchor (`#q-<id>`).
    pub url: &'a str,
}

/// Quotes in one period (the text alternative).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Count {
    /// The period, in words.
    pub period: String,
    /// Quotes in it.
    pub count: usize,
}

/// A laid-out activity chart and its text alternative.
#[derive(Debug, Clone)]
pub struct Activity {
    /// What is drawn.
    pub scene: Scene,
    /// The period of a bar.
    pub grain: Grain,
    /// Periods with quotes, oldest first.
    pub counts: Vec<Count>,
}

/// Lays out the chart of `quotes` (any order). None without quotes.
pub fn layout(quotes: &[Said<'_>], title: String, locale: &dyn Locale) -> Option<Activity> {
    let dates: Vec<NaiveDate> = quotes.iter().map(|q| q.date).collect();
    let first = *dates.iter().min()?;
    let last = *dates.iter().max()?;
    let grain = Grain::fitting(Grain::Month, first, last, BARS_MAX);
    let periods = buckets(&dates, grain);
    let most = periods
        .iter()
        .map(|(_, l)| l.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let slot = (WIDTH - LEFT) / periods.len() as f64;
    let base = TOP + CHART_H;
    let mut groups = vec![Group {
        class: "act-axis",
        shapes: vec![
            Shape::Line {
                from: (LEFT, base),
                to: (WIDTH, base),
                width: 1.0,
                class: "chart-axis",
            },
            Shape::Text(Label {
                x: LEFT - 5.0,
                y: TOP + SIZE * 0.8,
                size: SIZE,
                anchor: Anchor::End,
                class: "act-max",
                text: most.to_string(),
            }),
        ],
        ..Default::default()
    }];
    let mut counts = Vec::new();
    for (n, (start, list)) in periods.iter().enumerate() {
        // The newest quote of the period (ties: the later in the input).
        let Some(&newest) = list.iter().max_by_key(|&&i| (dates[i], i)) else {
            continue;
        };
        let period = locale.period(grain, *start);
        let h = (list.len() as f64 / most as f64 * CHART_H).max(2.0);
        let w = (slot * 0.72).clamp(1.0, 16.0);
        groups.push(Group {
            class: "act-bar",
            href: Some(quotes[newest].url.to_string()),
            title: Some(format!(
                "{period}: {}",
                locale.count("quote_count", list.len())
            )),
            shapes: vec![Shape::Bar {
                rect: Rect {
                    x: LEFT + n as f64 * slot + (slot - w) / 2.0,
                    y: base - h,
                    w,
                    h,
                },
                class: "chart-bar",
            }],
        });
        counts.push(Count {
            period,
            count: list.len(),
        });
    }
    groups.push(Group {
        class: "act-ticks",
        shapes: ticks(&periods, grain, slot, base + 4.0 + SIZE, locale),
        ..Default::default()
    });
    Some(Activity {
        scene: Scene {
            width: WIDTH,
            height: base + 8.0 + SIZE,
            class: "activity-chart",
            title,
            groups,
        },
        grain,
        counts,
    })
}

/// Period names under the bars: the first and the last, then each year's
/// start where it has room; a name that would touch one already placed is
/// left out.
fn ticks(
    periods: &[(NaiveDate, Vec<usize>)],
    grain: Grain,
    slot: f64,
    y: f64,
    locale: &dyn Locale,
) -> Vec<Shape> {
    let n = periods.len();
    let label = |k: usize, anchor: Anchor, text: String| {
        let x = match anchor {
            Anchor::Start => LEFT + k as f64 * slot,
            Anchor::Middle => LEFT + (k as f64 + 0.5) * slot,
            Anchor::End => LEFT + (k + 1) as f64 * slot,
        };
        Label {
            x,
            y,
            size: SIZE,
            anchor,
            class: "act-tick",
            text: fit(&text, (WIDTH - LEFT) / 2.0 - 4.0, SIZE),
        }
    };
    let mut placed: Vec<Label> = vec![label(0, Anchor::Start, locale.period(grain, periods[0].0))];
    let mut candidates = Vec::new();
    if n > 1 {
        candidates.push(label(
            n - 1,
            Anchor::End,
            locale.period(grain, periods[n - 1].0),
        ));
    }
    if grain < Grain::Year {
        candidates.extend(
            periods
                .iter()
                .enumerate()
                .filter(|(k, (start, _))| {
                    *k > 0 && *k + 1 < n && Grain::Year.start(*start) == *start
                })
                .map(|(k, (start, _))| {
                    label(k, Anchor::Middle, Grain::Year.period_of(*start, locale))
                }),
        );
    }
    for c in candidates {
        let r = c.rect();
        let roomy = Rect {
            x: r.x - 6.0,
            w: r.w + 12.0,
            ..r
        };
        if placed.iter().all(|p| !p.rect().overlaps(&roomy)) && r.x + r.w <= WIDTH + 0.5 {
            placed.push(c);
        }
    }
    placed.into_iter().map(Shape::Text).collect()
}

impl Grain {
    /// The name of the period of this grain holding `d`.
    fn period_of(self, d: NaiveDate, locale: &dyn Locale) -> String {
        locale.period(self, self.start(d))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{day, svg_links, Plain};
    use super::*;
    use chrono::Days;

    fn said(days: &[u64]) -> (Vec<String>, Vec<NaiveDate>) {
        let urls = days.iter().map(|d| format!("#q-{d}")).collect();
        let dates = days
            .iter()
            .map(|d| day("2022-01-01") + Days::new(*d))
            .collect();
        (urls, dates)
    }

    fn quotes<'a>(urls: &'a [String], dates: &[NaiveDate]) -> Vec<Said<'a>> {
        urls.iter()
            .zip(dates)
            .map(|(u, d)| Said { date: *d, url: u })
            .collect()
    }

    #[test]
    fn months_with_quotes_get_a_bar_linking_to_their_newest_quote() {
        let (urls, dates) = said(&[0, 3, 40, 400]);
        let a = layout(&quotes(&urls, &dates), "t".into(), &Plain).unwrap();
        assert_eq!(a.grain, Grain::Month);
        assert_eq!(a.counts.len(), 3);
        assert_eq!(a.counts[0].count, 2);
        assert_eq!(a.counts[0].period, "Jan 2022");
        let links = svg_links(&a.scene.to_svg("act"));
        assert_eq!(links, vec!["#q-3", "#q-40", "#q-400"]);
        assert!(a.scene.overlapping_labels().is_none());
        // The year in between is named under its January.
        assert!(a
            .scene
            .labels()
            .any(|l| l.text == "2023" || l.text == "Feb 2023"));
    }

    #[test]
    fn long_careers_group_by_quarter_or_year_and_keep_ticks_apart() {
        for span in [1, 30, 800, 2000, 5000, 20000] {
            let days: Vec<u64> = (0..200).map(|i| i * span / 200).collect();
            let (urls, dates) = said(&days);
            let a = layout(&quotes(&urls, &dates), "t".into(), &Plain).unwrap();
            assert!(Grain::Month.count(dates[0], dates[199]) <= BARS_MAX || a.grain > Grain::Month);
            assert!(a.scene.overlapping_labels().is_none(), "span {span}");
            for l in a.scene.labels() {
                let r = l.rect();
                assert!(r.x >= 0.0 && r.x + r.w <= WIDTH + 0.5, "{l:?}");
            }
            assert_eq!(a.counts.iter().map(|c| c.count).sum::<usize>(), 200);
        }
        assert!(layout(&[], "t".into(), &Plain).is_none());
    }
}
