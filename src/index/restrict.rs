//! One language's part of the index, for sites in several languages.

use super::derive::derive;
use super::nodes::{
    ActorNode, DigestIx, DigestNode, Index, PageNode, PageRef, QuoteIx, QuoteNode, SourceNode,
    StoryNode, TagIx, TagNode,
};

impl<'s> Index<'s> {
    /// The part of the index a language's pages show: its digests and their
    /// quotes, with every actor, source, story and page (their lists cut to
    /// those digests), the tags those digests use, and what follows from
    /// them recomputed. Also returns each kept digest's index in `self`.
    /// Translations are in other languages by definition: they stay in
    /// `self` (the kept digests' lists are empty).
    pub fn restrict(&self, lang: &str) -> (Index<'s>, Vec<DigestIx>) {
        let kept: Vec<DigestIx> = (0..self.digests.len() as u32)
            .map(DigestIx)
            .filter(|d| self.lang_of(*d) == lang)
            .collect();
        let mut new_digest = vec![None; self.digests.len()];
        for (n, d) in kept.iter().enumerate() {
            new_digest[d.ix()] = Some(DigestIx(n as u32));
        }
        let mut new_quote = vec![None; self.quotes.len()];
        let mut quotes = Vec::new();
        for (i, q) in self.quotes.iter().enumerate() {
            if let Some(digest) = new_digest[q.digest.ix()] {
                new_quote[i] = Some(QuoteIx(quotes.len() as u32));
                quotes.push(QuoteNode { digest, ..*q });
            }
        }
        let mut used = vec![false; self.tags.len()];
        for &d in &kept {
            for t in &self.digests[d.ix()].tags {
                used[t.ix()] = true;
            }
        }
        let tags: Vec<usize> = (0..self.tags.len()).filter(|&t| used[t]).collect();
        let mut new_tag = vec![None; self.tags.len()];
        for (n, &t) in tags.iter().enumerate() {
            new_tag[t] = Some(TagIx(n as u32));
        }
        let quotes_of = |list: &[QuoteIx]| -> Vec<QuoteIx> {
            list.iter().filter_map(|q| new_quote[q.ix()]).collect()
        };
        let digests = kept
            .iter()
            .map(|d| {
                let n = &self.digests[d.ix()];
                DigestNode {
                    entry: n.entry,
                    date: n.date,
                    updated: n.updated,
                    stories: n.stories.clone(),
                    actors: n.actors.clone(),
                    quotes: quotes_of(&n.quotes),
                    citation_sources: n.citation_sources.clone(),
                    tags: n.tags.iter().filter_map(|t| new_tag[t.ix()]).collect(),
                    embeds: quotes_of(&n.embeds),
                    related: Vec::new(),
                    translations: Vec::new(),
                }
            })
            .collect();
        let page_ref = |p: PageRef| match p {
            PageRef::Digest(d) => new_digest[d.ix()].map(PageRef::Digest),
            other => Some(other),
        };
        let backlinks = self
            .backlinks
            .iter()
            .filter_map(|(to, from)| {
                let from: Vec<PageRef> = from.iter().filter_map(|f| page_ref(*f)).collect();
                Some((page_ref(*to)?, from))
            })
            .filter(|(_, from)| !from.is_empty())
            .collect();
        let config = &self.site.config;
        let mut index = Index {
            site: self.site,
            lang: config
                .languages
                .iter()
                .find(|l| *l == lang)
                .unwrap_or(&config.language),
            digests,
            actors: self
                .actors
                .iter()
                .map(|a| ActorNode {
                    entry: a.entry,
                    ..Default::default()
                })
                .collect(),
            sources: self
                .sources
                .iter()
                .map(|s| SourceNode {
                    entry: s.entry,
                    ..Default::default()
                })
                .collect(),
            stories: self
                .stories
                .iter()
                .map(|s| StoryNode {
                    entry: s.entry,
                    ..Default::default()
                })
                .collect(),
            tags: tags
                .iter()
                .map(|&t| TagNode {
                    slug: self.tags[t].slug.clone(),
                    name: self.tags[t].name.clone(),
                    digests: Vec::new(),
                })
                .collect(),
            quotes,
            pages: self
                .pages
                .iter()
                .map(|p| PageNode { entry: p.entry })
                .collect(),
            backlinks,
            digest_ids: self
                .digest_ids
                .iter()
                .filter_map(|(id, d)| Some((*id, new_digest[d.ix()]?)))
                .collect(),
            actor_ids: self.actor_ids.clone(),
            source_ids: self.source_ids.clone(),
            story_ids: self.story_ids.clone(),
            page_ids: self.page_ids.clone(),
            quote_ids: self
                .quote_ids
                .iter()
                .filter_map(|(id, q)| Some((*id, new_quote[q.ix()]?)))
                .collect(),
        };
        derive(&mut index);
        (index, kept)
    }
}
