//! Phase 2: what gets published, in the order pages list it, with the
//! tables that look ids up. The nodes start empty; later phases fill them.

use super::ids::AllIds;
use super::nodes::{
    moment, ActorIx, ActorNode, DigestIx, DigestNode, Index, PageNode, SourceIx, SourceNode,
    StoryIx, StoryNode,
};
use crate::content::{Entry, Site};
use chrono::{DateTime, FixedOffset};
use std::collections::HashMap;

/// The index of `site` with a node for each published digest (newest
/// first, ties by id; all digests with `drafts`), actor, source, story
/// (by id) and published page (by id), and their id tables.
pub(super) fn published<'s>(site: &'s Site, drafts: bool, all: &AllIds<'s>) -> Index<'s> {
    let c = &site.content;
    let tz = site.config.timezone;
    let published = |draft: bool| drafts || !draft;
    let mut digests: Vec<(usize, DateTime<FixedOffset>)> = c
        .digests
        .iter()
        .enumerate()
        .filter(|(_, d)| published(d.matter.draft))
        .map(|(i, d)| (i, moment(d.matter.date, tz)))
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
        digests: digests
            .into_iter()
            .map(|(entry, date)| DigestNode {
                entry,
                date,
                updated: c.digests[entry].matter.updated.map(|u| moment(u, tz)),
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
        pages: pages
            .iter()
            .map(|(_, entry)| PageNode { entry: *entry })
            .collect(),
        backlinks: HashMap::new(),
        digest_ids,
        quote_ids: HashMap::new(),
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
