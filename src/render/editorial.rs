//! Editorial views from the index: a story's timeline, an actor's network
//! and quote activity, the site's network of actors. Each is computed once
//! per story or actor page from that entity's own lists (never the whole
//! site per page) and handed to templates as `svg` markup plus the data of
//! its text alternative.

use super::charts::{activity, network, timeline, Locale};
use super::i18n::Labels;
use super::reads::{Reader, Whole};
use super::values::{Obj, Values};
use crate::index::{ActorIx, QuoteIx, StoryIx};
use serde_json::{json, Value as Json};
use tera::Value;

/// How many actors the site's network shows.
pub const NETWORK_MAX: usize = 30;

/// A story's timeline: `svg`, `title`, `grain` (none when digest by digest)
/// and `rows` (`period`, `count`, `title`, `url`).
pub fn story_timeline(r: &Reader<'_, '_>, values: &Values<'_>, sx: StoryIx) -> Json {
    let digests = r.story_digests(sx);
    let urls = values.urls();
    // Each digest's first quote, the one its mark shows, and its URL.
    let first: Vec<Option<(QuoteIx, String)>> = digests
        .iter()
        .map(|d| {
            let q = *r.digest_quotes(*d).first()?;
            Some((q, values.quote_url(r, q)))
        })
        .collect();
    let speakers: Vec<Option<String>> = first
        .iter()
        .map(|f| f.as_ref().map(|(q, _)| speaker_name(r, *q).to_string()))
        .collect();
    let urls_of: Vec<String> = digests
        .iter()
        .map(|d| urls.digest(r.digest_id(*d)))
        .collect();
    let entries: Vec<timeline::Entry<'_>> = digests
        .iter()
        .zip(&first)
        .zip(&speakers)
        .zip(&urls_of)
        .map(|(((d, first), speaker), url)| timeline::Entry {
            date: r.digest_date(*d).date_naive(),
            title: r.digest_title(*d),
            url,
            quotes: r.digest_quotes(*d).len(),
            quote: first.as_ref().map(|(q, url)| timeline::KeyQuote {
                text: &r.quote_fields(*q).text.0,
                speaker: speaker.as_deref().unwrap_or_default(),
                url,
            }),
        })
        .collect();
    match timeline::layout(&entries, values.labels()) {
        None => Json::Null,
        Some(t) => json!({
            "svg": t.scene.to_svg_in("timeline-chart", Labels::dir(r.lang())),
            "title": t.scene.title,
            "grain": t.grain.map(grain_name),
            "rows": t.rows,
        }),
    }
}

/// The name of whoever said quote `q`.
fn speaker_name<'s>(r: &Reader<'_, 's>, q: QuoteIx) -> &'s str {
    match r.quote_speaker(q) {
        crate::index::Speaker::Actor(a) => r.actor_name(a).as_str(),
        crate::index::Speaker::Source(s) => r.source_name(s).as_str(),
    }
}

fn grain_name(g: super::charts::Grain) -> &'static str {
    use super::charts::Grain;
    match g {
        Grain::Day => "day",
        Grain::Week => "week",
        Grain::Month => "month",
        Grain::Quarter => "quarter",
        Grain::Year => "year",
    }
}

/// Actor `a` as a node of a network chart: its name and URL, and `weight`.
fn node(
    r: &Reader<'_, '_>,
    values: &Values<'_>,
    a: ActorIx,
    weight: usize,
) -> (String, String, usize) {
    (
        r.actor_name(a).to_string(),
        values.urls().actor(r.actor_id(a)),
        weight,
    )
}

fn as_node(n: &(String, String, usize)) -> network::Node<'_> {
    network::Node {
        title: &n.0,
        url: &n.1,
        weight: n.2,
    }
}

/// An actor among the `max` they appear with most: `svg`, `title`; none
/// when they appear with nobody.
pub fn actor_network(r: &Reader<'_, '_>, values: &Values<'_>, ax: ActorIx, max: usize) -> Json {
    let labels = values.labels();
    let all = r.actor_co_actors(ax);
    let co = &all[..all.len().min(max)];
    let neighbors: Vec<_> = co.iter().map(|(a, n)| node(r, values, *a, *n)).collect();
    let neighbors: Vec<network::Node<'_>> = neighbors.iter().map(as_node).collect();
    let mut edges = Vec::new();
    for i in 0..co.len() {
        for j in i + 1..co.len() {
            let w = r.shared_digests(co[i].0, co[j].0);
            if w > 0 {
                edges.push((i, j, w));
            }
        }
    }
    let center = node(r, values, ax, 0);
    let center = as_node(&center);
    let title = labels
        .text("network_of", "{name}")
        .replace("{name}", center.title);
    let tooltip =
        |n: &network::Node<'_>| format!("{}: {}", n.title, labels.count("digest_count", n.weight));
    match network::ego(center, &neighbors, &edges, title, &tooltip) {
        None => Json::Null,
        Some(scene) => {
            json!({"svg": scene.to_svg_in("network-chart", Labels::dir(r.lang())), "title": scene.title})
        }
    }
}

/// An actor's quotes over time: `svg`, `title`, `grain`, `counts`
/// (`period`, `count`); none without quotes.
pub fn actor_activity(r: &Reader<'_, '_>, values: &Values<'_>, ax: ActorIx) -> Json {
    let labels = values.labels();
    let quotes = r.actor_quotes(ax);
    let anchors: Vec<String> = quotes
        .iter()
        .map(|q| format!("#q-{}", r.quote_id(*q)))
        .collect();
    let said: Vec<activity::Said<'_>> = quotes
        .iter()
        .zip(&anchors)
        .map(|(q, url)| activity::Said {
            date: r.quote_date(*q).date_naive(),
            url,
        })
        .collect();
    let title = labels
        .text("activity_summary", "{count}")
        .replace("{count}", &labels.count("quote_count", said.len()))
        .replace("{name}", &r.actor_name(ax));
    match activity::layout(&said, title, labels) {
        None => Json::Null,
        Some(a) => json!({
            "svg": a.scene.to_svg_in("activity-chart", Labels::dir(r.lang())),
            "title": a.scene.title,
            "grain": grain_name(a.grain),
            "counts": a.counts,
        }),
    }
}

/// The most connected actors: `svg`, `svg_narrow` (the same for a narrow
/// screen, nodes numbered by their place in `actors`), `title`, and
/// `actors` (link plus
/// `connections` and `ties`: the links of those they share most digests
/// with among the shown, with `count`); none when no two actors meet.
pub fn site_network(r: &Reader<'_, '_>, values: &Values<'_>) -> Value {
    let labels = values.labels();
    // How many actors each shares a digest with.
    let connections = |a: ActorIx| r.actor_co_actors(a).len();
    let mut top: Vec<ActorIx> = r
        .all_actors(Whole)
        .iter()
        .filter(|a| connections(*a) > 0)
        .collect();
    let key = |a: &ActorIx| {
        (
            std::cmp::Reverse(connections(*a)),
            std::cmp::Reverse(r.actor_digests(*a).len()),
            *a,
        )
    };
    if top.len() > NETWORK_MAX {
        top.select_nth_unstable_by_key(NETWORK_MAX - 1, key);
        top.truncate(NETWORK_MAX);
    }
    top.sort_by_key(key);
    let mut edges = Vec::new();
    let mut ties: Vec<Vec<(usize, usize)>> = vec![Vec::new(); top.len()];
    for i in 0..top.len() {
        for j in i + 1..top.len() {
            let w = r.shared_digests(top[i], top[j]);
            if w > 0 {
                edges.push((i, j, w));
                ties[i].push((j, w));
                ties[j].push((i, w));
            }
        }
    }
    let nodes: Vec<_> = top
        .iter()
        .map(|a| node(r, values, *a, r.actor_digests(*a).len()))
        .collect();
    let nodes: Vec<network::Node<'_>> = nodes.iter().map(as_node).collect();
    let title = labels.text("network_title", "network_title");
    let tooltip =
        |n: &network::Node<'_>| format!("{}: {}", n.title, labels.count("digest_count", n.weight));
    let Some(scene) = network::site(&nodes, &edges, title.clone(), &tooltip) else {
        return Value::none();
    };
    let narrow = network::site_numbered(&nodes, &edges, title, &tooltip)
        .map(|s| s.to_svg_in("site-network-narrow", Labels::dir(r.lang())));
    let actors: Vec<Value> = top
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut list = ties[i].clone();
            list.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            let ties: Vec<Value> = list
                .iter()
                .take(5)
                .map(|(j, w)| {
                    Obj::copy_of(&values.actor_link(r, top[*j]))
                        .set("count", *w)
                        .into()
                })
                .collect();
            Obj::copy_of(&values.actor_link(r, *a))
                .set("connections", connections(*a))
                .set("digest_count", r.actor_digests(*a).len())
                .set("ties", ties)
                .into()
        })
        .collect();
    Obj::new()
        .set(
            "svg",
            scene.to_svg_in("site-network", Labels::dir(r.lang())),
        )
        .set("svg_narrow", narrow)
        .set("title", scene.title)
        .set("actors", actors)
        .into()
}
