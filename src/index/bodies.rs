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

/// Who links, as far as publishing goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Linker {
    /// A page of this build: it may link only to pages of this build.
    Published,
    /// A scheduled digest, not in this build but published at its date:
    /// it may link to other scheduled digests, not to drafts.
    Scheduled,
    /// A draft left out of this build: its links are checked, never refused.
    Draft,
}

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

    /// Resolves the references of `e`'s body and of its bodies in other
    /// languages; those of a published page (`from`) become links `(to, from)`.
    fn body_refs<M>(
        &mut self,
        links: &mut Vec<(PageRef, PageRef)>,
        index: &Index<'s>,
        all: &AllIds<'s>,
        e: &Entry<M>,
        from: Option<PageRef>,
    ) {
        for r in &e.refs {
            let linker = match from {
                Some(_) => Linker::Published,
                None => Linker::Draft,
            };
            let Some(t) = self.resolve_ref(index, all, e, r, linker) else {
                continue;
            };
            if let Some(from) = from.filter(|f| *f != t.page) {
                links.push((t.page, from));
            }
        }
        // Its bodies in other languages (`<id>.<lang>.md`) link from it too.
        for (_, other) in &e.in_langs {
            self.body_refs(links, index, all, other, from);
        }
    }

    /// Resolves one reference of `e`'s body, or reports it: an unknown id
    /// (with a "did you mean"), or a link from a page that is or will be
    /// published to what is not ([`Linker`]).
    pub(super) fn resolve_ref<M>(
        &mut self,
        index: &Index<'s>,
        all: &AllIds<'s>,
        e: &Entry<M>,
        r: &BodyRef,
        linker: Linker,
    ) -> Option<Resolved> {
        let id = r.id.as_str();
        let page = |page| Resolved { page, quote: None };
        let (found, defined): (Option<Resolved>, Option<usize>) = match r.kind {
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
            EntityKind::Page => (
                index.page_id(id).map(|x| page(PageRef::Page(x))),
                all.pages.get(id).copied(),
            ),
            // Checked while loading.
            EntityKind::Citation => return None,
        };
        if found.is_some() {
            return found;
        }
        if self.site.content.is_broken(r.kind, id) {
            return None; // its own load error was reported
        }
        if let Some(entry) = defined {
            // Defined but not in the index: a draft, a scheduled digest (or
            // one of their quotes), or a quote whose own problem was
            // already reported.
            let kind = match r.kind {
                EntityKind::Page => EntityKind::Page,
                _ => EntityKind::Digest,
            };
            if let Some((problem, help)) = self.unpublished(kind, entry, r.kind, id, linker) {
                self.error(problem, e.ref_location(r), Some(help));
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

impl<'s> Resolver<'s> {
    /// Why `linker` may not link to the unpublished entry `entry` of `kind`
    /// (a digest or page; `id` names it, or one of its quotes as `named`),
    /// and what to do about it; `None` when it may.
    pub(super) fn unpublished(
        &self,
        kind: EntityKind,
        entry: usize,
        named: EntityKind,
        id: &str,
        linker: Linker,
    ) -> Option<(Problem, String)> {
        let c = &self.site.content;
        let draft = match kind {
            EntityKind::Page => c.pages[entry].matter.draft,
            _ => c.digests[entry].matter.draft,
        };
        if draft && !self.drafts {
            return (linker != Linker::Draft).then(|| {
                let problem = Problem::RefToDraft {
                    kind: named.name(),
                    id: id.to_string(),
                };
                let help =
                    "publish it (remove `draft: true`), remove the link, or build with `--drafts`";
                (problem, help.to_string())
            });
        }
        if kind != EntityKind::Digest || linker != Linker::Published {
            return None;
        }
        let date = super::nodes::moment(c.digests[entry].matter.date, self.site.config.timezone);
        self.publish.holds_back(date).then(|| {
            let until = super::lists::until(date);
            let problem = Problem::RefToScheduled {
                kind: named.name(),
                id: id.to_string(),
                until: until.clone(),
            };
            let help = format!(
                "link it once it is out (from {until}), or build with `--future` to publish it now"
            );
            (problem, help)
        })
    }
}
