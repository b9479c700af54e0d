//! `storia stats`: what a site holds, computed from the resolved index —
//! counts per story and per month, the most quoted actors, quotes without a
//! citation and actors no digest involves — as text or JSON.

use crate::index::{ActorIx, DigestIx, DigestNode, Index, PageRef};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// How many actors "most quoted" lists.
pub const MOST_QUOTED_MAX: usize = 10;

/// Everything `storia stats` reports.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Stats {
    /// The whole site.
    pub totals: Totals,
    /// One row per story (by id), then one for digests without a story.
    pub per_story: Vec<Row>,
    /// One row per month of the digests' dates (`2022-12`), oldest first.
    pub per_month: Vec<Row>,
    /// Actors by how many quotes they have, most first (ties by id).
    pub most_quoted: Vec<Quoted>,
    /// Quotes with no `cite`, by digest (newest first), then position.
    pub quotes_without_citation: Vec<Uncited>,
    /// Actors that no digest lists, quotes or mentions, and no page links to.
    pub actors_never_mentioned: Vec<String>,
}

/// Counts over the whole site.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Totals {
    /// Published digests (drafts too with `--drafts`).
    pub digests: usize,
    /// Actors.
    pub actors: usize,
    /// Sources.
    pub sources: usize,
    /// Stories.
    pub stories: usize,
    /// Quotes of those digests.
    pub quotes: usize,
    /// Citations (`sources:` entries) of those digests.
    pub citations: usize,
    /// Distinct sources their citations name.
    pub sources_cited: usize,
}

/// Counts over a group of digests.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Row {
    /// The story id or month; `null` for digests without a story.
    pub key: Option<String>,
    /// Digests.
    pub digests: usize,
    /// Distinct actors involved (listed, quoted or mentioned).
    pub actors: usize,
    /// Quotes.
    pub quotes: usize,
    /// Citations.
    pub citations: usize,
    /// Distinct sources cited.
    pub sources_cited: usize,
}

/// An actor and how often they are quoted.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Quoted {
    /// The actor's id.
    pub actor: String,
    /// Their name.
    pub name: String,
    /// Their quotes.
    pub quotes: usize,
}

/// A quote without a citation.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Uncited {
    /// The quote's id.
    pub quote: String,
    /// Its digest's id.
    pub digest: String,
}

fn row(index: &Index<'_>, key: Option<String>, digests: &[DigestIx]) -> Row {
    let nodes: Vec<&DigestNode> = digests.iter().map(|d| &index.digests[d.ix()]).collect();
    let actors: BTreeSet<ActorIx> = nodes
        .iter()
        .flat_map(|n| n.actors.iter().copied())
        .collect();
    let sources: BTreeSet<_> = nodes
        .iter()
        .flat_map(|n| n.citation_sources.iter().flatten().copied())
        .collect();
    Row {
        key,
        digests: nodes.len(),
        actors: actors.len(),
        quotes: nodes.iter().map(|n| n.quotes.len()).sum(),
        citations: nodes.iter().map(|n| n.citation_sources.len()).sum(),
        sources_cited: sources.len(),
    }
}

/// Computes the statistics of a resolved site.
pub fn compute(index: &Index<'_>) -> Stats {
    let all: Vec<DigestIx> = (0..index.digests.len() as u32).map(DigestIx).collect();
    let whole = row(index, None, &all);

    let mut per_story: Vec<Row> = index
        .stories
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let id = index.story(crate::index::StoryIx(i as u32)).id.0.clone();
            row(index, Some(id), &node.digests)
        })
        .collect();
    let storyless: Vec<DigestIx> = all
        .iter()
        .copied()
        .filter(|d| index.digests[d.ix()].stories.is_empty())
        .collect();
    if !storyless.is_empty() {
        per_story.push(row(index, None, &storyless));
    }

    let mut months: BTreeMap<String, Vec<DigestIx>> = BTreeMap::new();
    for &d in &all {
        let month = index.digests[d.ix()].date.format("%Y-%m").to_string();
        months.entry(month).or_default().push(d);
    }
    let per_month = months
        .into_iter()
        .map(|(month, digests)| row(index, Some(month), &digests))
        .collect();

    let mut most_quoted: Vec<Quoted> = index
        .actors
        .iter()
        .enumerate()
        .filter(|(_, node)| !node.quotes.is_empty())
        .map(|(i, node)| {
            let actor = index.actor(ActorIx(i as u32));
            Quoted {
                actor: actor.id.0.clone(),
                name: index
                    .text(&actor.matter.name)
                    .unwrap_or_default()
                    .to_string(),
                quotes: node.quotes.len(),
            }
        })
        .collect();
    most_quoted.sort_by(|a, b| b.quotes.cmp(&a.quotes).then_with(|| a.actor.cmp(&b.actor)));
    most_quoted.truncate(MOST_QUOTED_MAX);

    let quotes_without_citation = all
        .iter()
        .flat_map(|&d| index.digests[d.ix()].quotes.iter().map(move |&q| (d, q)))
        .filter(|&(_, q)| index.quotes[q.ix()].citation.is_none())
        .map(|(d, q)| Uncited {
            quote: index.quote(q).id.0.clone(),
            digest: index.digest(d).id.0.clone(),
        })
        .collect();

    let actors_never_mentioned = index
        .actors
        .iter()
        .enumerate()
        .filter(|(i, node)| {
            node.digests.is_empty()
                && node.quotes.is_empty()
                && index
                    .backlinks_of(PageRef::Actor(ActorIx(*i as u32)))
                    .is_empty()
        })
        .map(|(i, _)| index.actor(ActorIx(i as u32)).id.0.clone())
        .collect();

    Stats {
        totals: Totals {
            digests: whole.digests,
            actors: index.actors.len(),
            sources: index.sources.len(),
            stories: index.stories.len(),
            quotes: whole.quotes,
            citations: whole.citations,
            sources_cited: whole.sources_cited,
        },
        per_story,
        per_month,
        most_quoted,
        quotes_without_citation,
        actors_never_mentioned,
    }
}

impl Stats {
    /// The plain-text report.
    pub fn to_text(&self) -> String {
        let t = &self.totals;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} digests, {} actors, {} sources, {} stories, {} quotes, {} citations ({} sources cited)",
            t.digests, t.actors, t.sources, t.stories, t.quotes, t.citations, t.sources_cited
        );
        table(&mut out, "story", &self.per_story, "(no story)");
        table(&mut out, "month", &self.per_month, "");
        let _ = writeln!(out, "\nmost quoted actors");
        if self.most_quoted.is_empty() {
            let _ = writeln!(out, "  (no quotes)");
        }
        for q in &self.most_quoted {
            let _ = writeln!(out, "  {:>4}  {} ({})", q.quotes, q.actor, q.name);
        }
        let _ = writeln!(
            out,
            "\nquotes without a citation: {}",
            self.quotes_without_citation.len()
        );
        for u in &self.quotes_without_citation {
            let _ = writeln!(out, "  {} (in {})", u.quote, u.digest);
        }
        let _ = writeln!(
            out,
            "\nactors never mentioned: {}",
            self.actors_never_mentioned.len()
        );
        for a in &self.actors_never_mentioned {
            let _ = writeln!(out, "  {a}");
        }
        out
    }
}

fn table(out: &mut String, what: &str, rows: &[Row], none: &str) {
    let keys: Vec<&str> = rows
        .iter()
        .map(|r| r.key.as_deref().unwrap_or(none))
        .collect();
    let width = keys
        .iter()
        .map(|k| k.chars().count())
        .chain([what.len()])
        .max()
        .unwrap_or(0);
    let _ = writeln!(
        out,
        "\n{what:<width$}  digests  actors  quotes  citations  sources cited"
    );
    for (key, r) in keys.iter().zip(rows) {
        let _ = writeln!(
            out,
            "{key:<width$}  {:>7}  {:>6}  {:>6}  {:>9}  {:>13}",
            r.digests, r.actors, r.quotes, r.citations, r.sources_cited
        );
    }
}
