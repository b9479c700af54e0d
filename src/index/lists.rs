//! Phase 2: what gets published, in the order pages list it, with the
//! tables that look ids up. The nodes start empty; later phases fill them.

use super::ids::AllIds;
use super::nodes::{
    moment, ActorIx, ActorNode, DigestIx, DigestNode, Index, PageIx, PageNode, SourceIx,
    SourceNode, StoryIx, StoryNode,
};
use super::Publish;
use crate::content::{Entry, Site};
use crate::diagnostics::Diagnostic;
use chrono::{DateTime, FixedOffset};
use std::collections::HashMap;

/// The index of `site` with a node for each digest `publish` publishes
/// (newest first, ties by id), actor, source, story (by id) and published
/// page (by id), and their id tables.
pub(super) fn published<'s>(site: &'s Site, publish: Publish, all: &AllIds<'s>) -> Index<'s> {
    let c = &site.content;
    let tz = site.config.timezone;
    let published = |draft: bool| publish.drafts || !draft;
    let mut digests: Vec<(usize, DateTime<FixedOffset>)> = c
        .digests
        .iter()
        .enumerate()
        .filter(|(_, d)| published(d.matter.draft))
        .map(|(i, d)| (i, moment(d.matter.date, tz)))
        .filter(|(_, date)| !publish.holds_back(*date))
        .collect();
    digests.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| c.digests[a.0].id.cmp(&c.digests[b.0].id))
    });
    // Duplicate digest ids were reported; keep the first of each.
    digests.retain(|(i, _)| all.digests.get(c.digests[*i].id.as_str()) == Some(i));
    let digest_ids = digests
        .iter()
        .enumerate()
        .map(|(n, (i, _))| (c.digests[*i].id.as_str(), DigestIx(n as u32)))
        .collect();
    let actors = by_id(&c.actors, |_| true);
    let sources = by_id(&c.sources, |_| true);
    let stories = by_id(&c.stories, |_| true);
    let pages = by_id(&c.pages, |p| published(p.draft));
    Index {
        site,
        lang: &site.config.language,
        digests: digests
            .into_iter()
            .map(|(entry, date)| DigestNode {
                entry,
                date,
                updated: last_update(&c.digests[entry].matter, tz),
                stories: Vec::new(),
                actors: Vec::new(),
                quotes: Vec::new(),
                citation_sources: Vec::new(),
                tags: Vec::new(),
                embeds: Vec::new(),
                related: Vec::new(),
                translations: Vec::new(),
            })
            .collect(),
        actor_ids: ids(&actors, ActorIx),
        source_ids: ids(&sources, SourceIx),
        story_ids: ids(&stories, StoryIx),
        actors: actors
            .iter()
            .map(|(_, entry)| ActorNode {
                entry: *entry,
                ..Default::default()
            })
            .collect(),
        sources: sources
            .iter()
            .map(|(_, entry)| SourceNode {
                entry: *entry,
                ..Default::default()
            })
            .collect(),
        stories: stories
            .iter()
            .map(|(_, entry)| StoryNode {
                entry: *entry,
                ..Default::default()
            })
            .collect(),
        tags: Vec::new(),
        quotes: Vec::new(),
        page_ids: ids(&pages, PageIx),
        pages: pages
            .iter()
            .map(|(_, entry)| PageNode { entry: *entry })
            .collect(),
        backlinks: HashMap::new(),
        digest_ids,
        quote_ids: HashMap::new(),
    }
}

/// The digests held back until their date (drafts aside: they wait for
/// their editor, not for a date), with that date.
fn held_back(site: &Site, publish: Publish) -> Vec<(DateTime<FixedOffset>, &str)> {
    let tz = site.config.timezone;
    site.content
        .digests
        .iter()
        .filter(|d| !d.matter.draft || publish.drafts)
        .map(|d| (moment(d.matter.date, tz), d.id.as_str()))
        .filter(|(date, _)| publish.holds_back(*date))
        .collect()
}

/// When the first digest held back by `publish` is due: a build after that
/// moment publishes it, so a build cache made before it must not be trusted.
pub fn first_held_back(site: &Site, publish: Publish) -> Option<DateTime<FixedOffset>> {
    held_back(site, publish).into_iter().map(|(d, _)| d).min()
}

/// Digests shown in the note about scheduled ones; the rest are counted.
const NOTED: usize = 5;

/// One note for every digest held back until its date (drafts aside: they
/// wait for their editor, not for a date), soonest first.
pub(super) fn held_back_note(site: &Site, publish: Publish) -> Option<Diagnostic> {
    let mut held = held_back(site, publish);
    if held.is_empty() {
        return None;
    }
    held.sort();
    let mut named: Vec<String> = held
        .iter()
        .take(NOTED)
        .map(|(date, id)| format!("`{id}` until {}", until(*date)))
        .collect();
    if held.len() > NOTED {
        named.push(format!("and {} more", held.len() - NOTED));
    }
    let what = if held.len() == 1 {
        "1 scheduled digest is".to_string()
    } else {
        format!("{} scheduled digests are", held.len())
    };
    Some(
        Diagnostic::note(format!("{what} held back: {}", named.join(", "))).help(
            "they are published by the first build after their date; `--future` publishes them now",
        ),
    )
}

/// A scheduled moment as editors wrote it: the day alone at midnight.
pub(super) fn until(date: DateTime<FixedOffset>) -> String {
    if date.time() == chrono::NaiveTime::MIN {
        date.format("%Y-%m-%d").to_string()
    } else {
        date.format("%Y-%m-%d %H:%M %:z").to_string()
    }
}

/// The ids of the entries `keep` keeps, sorted, with each one's position.
fn by_id<M>(entries: &[Entry<M>], keep: impl Fn(&M) -> bool) -> Vec<(&str, usize)> {
    let mut ids: Vec<(&str, usize)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| keep(&e.matter))
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    ids.sort();
    ids
}

/// The table from each id of a sorted list to its typed position.
fn ids<'s, X>(list: &[(&'s str, usize)], ix: impl Fn(u32) -> X) -> HashMap<&'s str, X> {
    list.iter()
        .enumerate()
        .map(|(n, (id, _))| (*id, ix(n as u32)))
        .collect()
}

/// When a digest was last updated: its `updated`, or its latest
/// correction when that is later (a correction is an update readers of
/// its feeds should see).
fn last_update(
    m: &crate::content::frontmatter::DigestMatter,
    tz: chrono_tz::Tz,
) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let updated = m.updated.map(|u| moment(u, tz));
    let corrected = m.corrections.iter().map(|c| moment(c.date, tz)).max();
    updated.max(corrected)
}
