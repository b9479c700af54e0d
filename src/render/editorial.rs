//! Editorial views from the index: a story's timeline, an actor's network
//! and quote activity, the site's network of actors. Each is computed once
//! per story or actor page from that entity's own lists (never the whole
//! site per page) and handed to templates as `svg` markup plus the data of
//! its text alternative.

use super::charts::{activity, network, timeline, Locale};
use super::i18n::Labels;
use super::values::{text, Obj, Values};
use crate::index::{ActorIx, Index, QuoteIx, StoryIx};
use serde_json::{json, Value as Json};
use tera::Value;

/// How many actors the site's network shows.
pub const NETWORK_MAX: usize = 30;

/// A story's timeline: `svg`, `title`, `grain` (none when digest by digest)
/// and `rows` (`period`, `count`, `title`, `url`).
pub fn story_timeline(index: &Index<'_>, values: &Values, labels: &Labels, sx: StoryIx) -> Json {
    let digests = &index.stories[sx.ix()].digests;
    // Each digest's first quote, the one its mark shows.
    let first: Vec<Option<(QuoteIx, String)>> = digests
        .iter()
        .map(|dx| {
            let q = *index.digests[dx.ix()].quotes.first()?;
            Some((q, values.quote_url(index, q)))
        })
        .collect();
    let entries: Vec<timeline::Entry<'_>> = digests
        .iter()
        .zip(&first)
        .map(|(dx, first)| {
            let node = &index.digests[dx.ix()];
            let card = &values.cards[dx.ix()];
            timeline::Entry {
                date: node.date.date_naive(),
                title: text(card, "title"),
                url: text(card, "url"),
                quotes: node.quotes.len(),
                quote: first.as_ref().map(|(q, url)| timeline::KeyQuote {
                    text: &index.quote(*q).text.0,
                    speaker: text(values.speaker(index, *q), "title"),
                    url,
                }),
            }
        })
        .collect();
    match timeline::layout(&entries, labels) {
        None => Json::Null,
        Some(t) => json!({
            "svg": t.scene.to_svg("timeline-chart"),
            "title": t.scene.title,
            "grain": t.grain.map(grain_name),
            "rows": t.rows,
        }),
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

fn node<'v>(values: &'v Values, a: ActorIx, weight: usize) -> network::Node<'v> {
    let v = &values.actors[a.ix()];
    network::Node {
        title: text(v, "title"),
        url: text(v, "url"),
        weight,
    }
}

/// An actor among those they appear with most: `svg`, `title`; none when
/// they appear with nobody.
pub fn actor_network(index: &Index<'_>, values: &Values, labels: &Labels, ax: ActorIx) -> Json {
    let co = &index.actors[ax.ix()].co_actors;
    let neighbors: Vec<network::Node<'_>> = co.iter().map(|(a, n)| node(values, *a, *n)).collect();
    let mut edges = Vec::new();
    for i in 0..co.len() {
        for j in i + 1..co.len() {
            let w = index.shared_digests(co[i].0, co[j].0);
            if w > 0 {
                edges.push((i, j, w));
            }
        }
    }
    let center = node(values, ax, 0);
    let title = labels
        .text("network_of", "{name}")
        .replace("{name}", center.title);
    let tooltip =
        |n: &network::Node<'_>| format!("{}: {}", n.title, labels.count("digest_count", n.weight));
    match network::ego(center, &neighbors, &edges, title, &tooltip) {
        None => Json::Null,
        Some(scene) => json!({"svg": scene.to_svg("network-chart"), "title": scene.title}),
    }
}

/// An actor's quotes over time: `svg`, `title`, `grain`, `counts`
/// (`period`, `count`); none without quotes.
pub fn actor_activity(index: &Index<'_>, values: &Values, labels: &Labels, ax: ActorIx) -> Json {
    let anchors: Vec<String> = index.actors[ax.ix()]
        .quotes
        .iter()
        .map(|q| format!("#q-{}", index.quote(*q).id))
        .collect();
    let said: Vec<activity::Said<'_>> = index.actors[ax.ix()]
        .quotes
        .iter()
        .zip(&anchors)
        .map(|(q, url)| activity::Said {
            date: index.quotes[q.ix()].date.date_naive(),
            url,
        })
        .collect();
    let name = text(&values.actors[ax.ix()], "title");
    let title = labels
        .text("activity_summary", "{count}")
        .replace("{count}", &labels.count("quote_count", said.len()))
        .replace("{name}", name);
    match activity::layout(&said, title, labels) {
        None => Json::Null,
        Some(a) => json!({
            "svg": a.scene.to_svg("activity-chart"),
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
pub fn site_network(index: &Index<'_>, values: &Values, labels: &Labels) -> Value {
    let mut top: Vec<ActorIx> = (0..index.actors.len() as u32)
        .map(ActorIx)
        .filter(|a| index.actors[a.ix()].connections > 0)
        .collect();
    let key = |a: &ActorIx| {
        let n = &index.actors[a.ix()];
        (
            std::cmp::Reverse(n.connections),
            std::cmp::Reverse(n.digests.len()),
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
            let w = index.shared_digests(top[i], top[j]);
            if w > 0 {
                edges.push((i, j, w));
                ties[i].push((j, w));
                ties[j].push((i, w));
            }
        }
    }
    let nodes: Vec<network::Node<'_>> = top
        .iter()
        .map(|a| node(values, *a, index.actors[a.ix()].digests.len()))
        .collect();
    let title = labels.text("network_title", "network_title");
    let tooltip =
        |n: &network::Node<'_>| format!("{}: {}", n.title, labels.count("digest_count", n.weight));
    let Some(scene) = network::site(&nodes, &edges, title.clone(), &tooltip) else {
        return Value::none();
    };
    let narrow = network::site_numbered(&nodes, &edges, title, &tooltip)
        .map(|s| s.to_svg("site-network-narrow"));
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
                    Obj::copy_of(&values.actors[top[*j].ix()])
                        .set("count", *w)
                        .into()
                })
                .collect();
            Obj::copy_of(&values.actors[a.ix()])
                .set("connections", index.actors[a.ix()].connections)
                .set("digest_count", index.actors[a.ix()].digests.len())
                .set("ties", ties)
                .into()
        })
        .collect();
    Obj::new()
        .set("svg", scene.to_svg("site-network"))
        .set("svg_narrow", narrow)
        .set("title", scene.title)
        .set("actors", actors)
        .into()
}
