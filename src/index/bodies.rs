//! Phase 5: body references. [`Resolver::resolve_ref`] resolves one
//! reference of any body (digests use it in phase 4); here the bodies of
//! actors, sources, stories and pages are resolved, and the backlinks of
//! every page put in order.

use super::ids::AllIds;
use super::nodes::{ActorIx, Index, PageIx, PageRef, QuoteIx, SourceIx, StoryIx};
use super::{IdSet, Resolver};
use crate::content::Entry;
use crate::diagnostics::Problem;
use crate::entity::EntityKind;
use crate::markdown::BodyRef;

/// What a body reference resolved to.
#[derive(Debug, Clone, Copy)]
pub(super) struct Resolved {
    /// The page it links to (a quote's digest, for a quote).
    pub(super) page: PageRef,
    /// The quote, for `quote:` references.
    pub(super) quote: Option<QuoteIx>,
}

impl<'s> Resolver<'s> {
    /// Resolves the bodies of actors, sources, stories and pages, and adds
    /// their backlinks to the digests' (each list sorted, each page once).
    pub(super) fn other_bodies(&mut self, index: &mut Index<'s>, all: &AllIds<'s>) {
        let site = self.site;
        let c = &site.content;
        let mut links = Vec::new();
        let ix = &*index;
        for (n, a) in ix.actors.iter().enumerate() {
            let from = PageRef::Actor(ActorIx(n as u32));
            self.body_refs(&mut links, ix, all, &c.actors[a.entry], Some(from));
        }
        for (n, s) in ix.sources.iter().enumerate() {
            let from = PageRef::Source(SourceIx(n as u32));
            self.body_refs(&mut links, ix, all, &c.sources[s.entry], Some(from));
        }
        for (n, s) in ix.stories.iter().enumerate() {
            let from = PageRef::Story(StoryIx(n as u32));
            self.body_refs(&mut links, ix, all, &c.stories[s.entry], Some(from));
        }
        for (n, p) in ix.pages.iter().enumerate() {
            let from = PageRef::Page(PageIx(n as u32));
            self.body_refs(&mut links, ix, all, &c.pages[p.entry], Some(from));
        }
        // Pages left out of this build are checked, and link nowhere.
        let drafts = self.drafts;
        for p in c.pages.iter().filter(|p| p.matter.draft && !drafts) {
            self.body_refs(&mut links, ix, all, p, None);
        }
        for (to, from) in links {
            index.backlinks.entry(to).or_default().push(from);
        }
        // Sorted, each page once: deduplicating while pushing would cost
        // the length of the list per link.
        for list in index.backlinks.values_mut() {
            list.sort();
            list.dedup();
        }
    }

    /// Resolves the references of `e`'s body; those of a published page
    /// (`from`) become links `(to, from)`.
    fn body_refs<M>(
        &mut self,
        links: &mut Vec<(PageRef, PageRef)>,
        index: &Index<'s>,
        all: &AllIds<'s>,
        e: &Entry<M>,
        from: Option<PageRef>,
    ) {
        for r in &e.refs {
            let Some(t) = self.resolve_ref(index, all, e, r, from.is_some()) else {
                continue;
            };
            if let Some(from) = from.filter(|f| *f != t.page) {
                links.push((t.page, from));
            }
        }
    }

    /// Resolves one reference of `e`'s body, or reports it: an unknown id
    /// (with a "did you mean"), or a link from a `published` page to a draft.
    pub(super) fn resolve_ref<M>(
        &mut self,
        index: &Index<'s>,
        all: &AllIds<'s>,
        e: &Entry<M>,
        r: &BodyRef,
        published: bool,
    ) -> Option<Resolved> {
        let id = r.id.as_str();
        let page = |page| Resolved { page, quote: None };
        let (found, draft_exists): (Option<Resolved>, Option<usize>) = match r.kind {
            EntityKind::Actor => (index.actor_id(id).map(|x| page(PageRef::Actor(x))), None),
            EntityKind::Source => (index.source_id(id).map(|x| page(PageRef::Source(x))), None),
            EntityKind::Story => (index.story_id(id).map(|x| page(PageRef::Story(x))), None),
            EntityKind::Digest => (
                index.digest_id(id).map(|x| page(PageRef::Digest(x))),
                all.digests.get(id).copied(),
            ),
            EntityKind::Quote => (
                index.quote_id(id).map(|q| Resolved {
                    page: PageRef::Digest(index.quotes[q.ix()].digest),
                    quote: Some(q),
                }),
                all.quotes.get(id).map(|(entry, _)| *entry),
            ),
            // Checked while loading; pages are not a reference kind.
            EntityKind::Citation | EntityKind::Page => return None,
        };
        if found.is_some() {
            return found;
        }
        if self.site.content.is_broken(r.kind, id) {
            return None; // its own load error was reported
        }
        if let Some(entry) = draft_exists {
            // Defined but not in the index: a draft (an error from a published
            // page), or a quote whose own problem was already reported.
            let is_draft = self.site.content.digests[entry].matter.draft && !self.drafts;
            if published && is_draft {
                self.error(
                    Problem::RefToDraft { kind: r.kind.name(), id: id.to_string() },
                    e.ref_location(r),
                    Some("publish it (remove `draft: true`), remove the link, or build with `--drafts`".into()),
                );
            }
            return None;
        }
        let rule = |kind: EntityKind| format!("link it with `{}:{id}`", kind.scheme());
        let help = self.unknown_help(IdSet::Of(r.kind), id, rule, (index, all));
        self.error(
            Problem::UnknownRef {
                kind: r.kind.name(),
                id: id.to_string(),
            },
            e.ref_location(r),
            help,
        );
        None
    }
}
