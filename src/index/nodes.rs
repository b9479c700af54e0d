//! What the index is made of: typed positions (`DigestIx`…), one node per
//! published thing with its resolved lists, and the [`Index`] that holds
//! them with its id tables.

use crate::content::{Digest, Site};
use crate::input::fields::DateValue;
use chrono::{DateTime, FixedOffset, Offset, TimeZone};
use std::collections::HashMap;

macro_rules! index_type {
    ($($(#[$doc:meta])* $name:ident),*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            /// As a vector index.
            pub fn ix(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

index_type!(
    /// A published digest, by position in [`Index::digests`] (newest first).
    DigestIx,
    /// An actor, by position in [`Index::actors`].
    ActorIx,
    /// A source, by position in [`Index::sources`].
    SourceIx,
    /// A story, by position in [`Index::stories`].
    StoryIx,
    /// A quote, by position in [`Index::quotes`].
    QuoteIx,
    /// A tag, by position in [`Index::tags`].
    TagIx,
    /// A plain page, by position in [`Index::pages`].
    PageIx
);

/// Who said a quote: an actor, or a source quoted as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    /// An actor.
    Actor(ActorIx),
    /// A source.
    Source(SourceIx),
}

/// A page of the site that can link to others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageRef {
    /// A digest page.
    Digest(DigestIx),
    /// An actor page.
    Actor(ActorIx),
    /// A source page.
    Source(SourceIx),
    /// A story page.
    Story(StoryIx),
    /// A plain page.
    Page(PageIx),
}

/// A digest with its references resolved.
#[derive(Debug)]
pub struct DigestNode {
    /// Position in `site.content.digests`.
    pub entry: usize,
    /// Publication moment.
    pub date: DateTime<FixedOffset>,
    /// Last update.
    pub updated: Option<DateTime<FixedOffset>>,
    /// Its stories, as listed.
    pub stories: Vec<StoryIx>,
    /// Listed, quoted and mentioned actors, in that order, each once.
    pub actors: Vec<ActorIx>,
    /// Its quotes, in front-matter order.
    pub quotes: Vec<QuoteIx>,
    /// Outlets of its citations, in citation order (`None` when not given).
    pub citation_sources: Vec<Option<SourceIx>>,
    /// Tags, in front-matter order, each once.
    pub tags: Vec<TagIx>,
    /// Quotes its body embeds (its own or others').
    pub embeds: Vec<QuoteIx>,
    /// Related digests, best first.
    pub related: Vec<DigestIx>,
    /// The same digest in other languages: its whole translation group
    /// (declared either way, and through each other), by language.
    pub translations: Vec<DigestIx>,
}

/// A quote with its speaker resolved.
#[derive(Debug)]
pub struct QuoteNode {
    /// The digest that carries it.
    pub digest: DigestIx,
    /// Position in the digest's `quotes:`.
    pub position: usize,
    /// The speaker.
    pub speaker: Speaker,
    /// When it was said (or its digest's date).
    pub date: DateTime<FixedOffset>,
    /// Position of its citation in the digest's `sources:`.
    pub citation: Option<usize>,
}

/// An actor's cross-links.
#[derive(Debug, Default)]
pub struct ActorNode {
    /// Position in `site.content.actors`.
    pub entry: usize,
    /// Quotes by the actor, newest first.
    pub quotes: Vec<QuoteIx>,
    /// Digests involving the actor, newest first.
    pub digests: Vec<DigestIx>,
    /// Every actor sharing a digest with this one, with the count of
    /// digests they share: most shared first, ties by id.
    pub co_actors: Vec<(ActorIx, usize)>,
}

/// A source's cross-links.
#[derive(Debug, Default)]
pub struct SourceNode {
    /// Position in `site.content.sources`.
    pub entry: usize,
    /// Quotes attributed to the source, newest first.
    pub quotes: Vec<QuoteIx>,
    /// Digests citing it, newest first.
    pub digests: Vec<DigestIx>,
}

/// A story's cross-links.
#[derive(Debug, Default)]
pub struct StoryNode {
    /// Position in `site.content.stories`.
    pub entry: usize,
    /// Its digests, newest first.
    pub digests: Vec<DigestIx>,
    /// Every actor of its digests, with the count of its digests they are
    /// in: most present first, ties by id.
    pub main_actors: Vec<(ActorIx, usize)>,
}

/// A tag: one page per slug.
#[derive(Debug)]
pub struct TagNode {
    /// The URL slug.
    pub slug: String,
    /// The spelling used most.
    pub name: String,
    /// Its digests, newest first.
    pub digests: Vec<DigestIx>,
}

/// A published plain page.
#[derive(Debug)]
pub struct PageNode {
    /// Position in `site.content.pages`.
    pub entry: usize,
}

/// The cross-link index of a site.
#[derive(Debug)]
pub struct Index<'s> {
    /// The loaded site.
    pub site: &'s Site,
    /// The language whose edition this index is (the site's language for
    /// the index of every language): the one its entities' text is read in.
    pub lang: &'s str,
    /// Published digests (all, with `--drafts`), newest first, ties by id.
    pub digests: Vec<DigestNode>,
    /// Actors, by id.
    pub actors: Vec<ActorNode>,
    /// Sources, by id.
    pub sources: Vec<SourceNode>,
    /// Stories, by id.
    pub stories: Vec<StoryNode>,
    /// Tags, by slug.
    pub tags: Vec<TagNode>,
    /// Quotes of published digests.
    pub quotes: Vec<QuoteNode>,
    /// Published plain pages, by id.
    pub pages: Vec<PageNode>,
    /// What links to each page (body references only), in page order.
    pub backlinks: HashMap<PageRef, Vec<PageRef>>,
    pub(super) digest_ids: HashMap<&'s str, DigestIx>,
    pub(super) actor_ids: HashMap<&'s str, ActorIx>,
    pub(super) source_ids: HashMap<&'s str, SourceIx>,
    pub(super) story_ids: HashMap<&'s str, StoryIx>,
    pub(super) quote_ids: HashMap<&'s str, QuoteIx>,
    pub(super) page_ids: HashMap<&'s str, PageIx>,
}

impl<'s> Index<'s> {
    /// The text edition `self.lang` shows of `texts`.
    pub fn text(
        &self,
        texts: &'s crate::input::texts::Texts<String>,
    ) -> Option<crate::input::texts::Shown<'s, str>> {
        texts.text(self.lang, &self.site.config.language)
    }

    /// The loaded digest of a node.
    pub fn digest(&self, d: DigestIx) -> &'s Digest {
        &self.site.content.digests[self.digests[d.ix()].entry]
    }
    /// The loaded actor.
    pub fn actor(&self, a: ActorIx) -> &'s crate::content::Actor {
        &self.site.content.actors[self.actors[a.ix()].entry]
    }
    /// The loaded source.
    pub fn source(&self, s: SourceIx) -> &'s crate::content::Source {
        &self.site.content.sources[self.sources[s.ix()].entry]
    }
    /// The loaded story.
    pub fn story(&self, s: StoryIx) -> &'s crate::content::Story {
        &self.site.content.stories[self.stories[s.ix()].entry]
    }
    /// The loaded page.
    pub fn page(&self, p: PageIx) -> &'s crate::content::Page {
        &self.site.content.pages[self.pages[p.ix()].entry]
    }
    /// A quote's front matter.
    pub fn quote(&self, q: QuoteIx) -> &'s crate::content::frontmatter::QuoteMatter {
        let node = &self.quotes[q.ix()];
        &self.digest(node.digest).matter.quotes[node.position]
    }
    /// Looks up a published digest.
    pub fn digest_id(&self, id: &str) -> Option<DigestIx> {
        self.digest_ids.get(id).copied()
    }
    /// Looks up an actor.
    pub fn actor_id(&self, id: &str) -> Option<ActorIx> {
        self.actor_ids.get(id).copied()
    }
    /// Looks up a source.
    pub fn source_id(&self, id: &str) -> Option<SourceIx> {
        self.source_ids.get(id).copied()
    }
    /// Looks up a story.
    pub fn story_id(&self, id: &str) -> Option<StoryIx> {
        self.story_ids.get(id).copied()
    }
    /// Looks up a published plain page.
    pub fn page_id(&self, id: &str) -> Option<PageIx> {
        self.page_ids.get(id).copied()
    }
    /// Looks up a published quote.
    pub fn quote_id(&self, id: &str) -> Option<QuoteIx> {
        self.quote_ids.get(id).copied()
    }
    /// A digest's language: its `lang:`, else the site's.
    pub fn lang_of(&self, d: DigestIx) -> &'s str {
        digest_lang(self.digest(d), self.site)
    }

    /// What links to `page`.
    pub fn backlinks_of(&self, page: PageRef) -> &[PageRef] {
        self.backlinks.get(&page).map_or(&[], Vec::as_slice)
    }
}

/// A digest's language: its `lang:`, else the site's.
pub(super) fn digest_lang<'s>(d: &'s Digest, site: &'s Site) -> &'s str {
    d.matter.lang.as_deref().unwrap_or(&site.config.language)
}

/// The moment a date stands for: a day is midnight in the site's time zone.
pub fn moment(date: DateValue, tz: chrono_tz::Tz) -> DateTime<FixedOffset> {
    match date {
        DateValue::Moment(m) => m,
        DateValue::Day(day) => {
            let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
            tz.from_local_datetime(&midnight)
                .earliest()
                .map(|d| d.fixed_offset())
                // A day that starts in a DST gap: take the first moment that exists.
                .unwrap_or_else(|| {
                    tz.from_utc_datetime(&(midnight - tz.offset_from_utc_datetime(&midnight).fix()))
                        .fixed_offset()
                })
        }
    }
}
