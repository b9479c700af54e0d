//! Reading the index while recording what was read.
//!
//! Pages, feeds, the sitemap and the search index see the index only through
//! a [`Reader`]. Every accessor notes a [`Fact`] (which part of which entity)
//! before it answers, so what an output read is exactly what it depends on:
//! a page kind added later cannot forget a dependency, since there is no
//! other way in. Facts name entities by their position in one language's
//! view of the index; the engine turns them into stable keys (ids, slugs),
//! which do not shift when a file is added.
//!
//! Site-wide inputs (site.yaml, labels, asset URLs, templates) are not
//! facts: a change to any of them re-renders every page that uses them.

use crate::content::frontmatter::{
    ActorKind, CitationMatter, CorrectionMatter, ImageMatter, QuoteMatter,
};
use crate::index::{
    ActorIx, DigestIx, Index, PageIx, PageRef, QuoteIx, SourceIx, Speaker, StoryIx, TagIx,
};
use crate::input::fields::{DateValue, Extra, Text};
use crate::input::texts::Shown;
use chrono::{DateTime, Datelike, FixedOffset};
use std::cell::RefCell;
use std::collections::BTreeMap;
use xxhash_rust::xxh3::Xxh3;

/// Something of the index an output read: a part (`kind`) of one entity
/// (`n`, its position in view `view`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fact {
    /// The language view read (its number; [`FULL`] for every language).
    pub view: u8,
    /// What was read.
    pub kind: FactKind,
    /// Whose: a position in the view's list of the kind's entity.
    pub n: u32,
}

/// The view number of the index of every language together (a site of one
/// language has only view 0).
pub const FULL: u8 = u8::MAX;

/// What one output read: facts, and the templates it was rendered with
/// (a page's own, the quote card its bodies embed).
#[derive(Default)]
pub struct Reads {
    facts: RefCell<Vec<Fact>>,
    templates: RefCell<Vec<&'static str>>,
}

/// What was read, each once.
#[derive(Debug, Default, Clone)]
pub struct Recorded {
    /// The facts, sorted.
    pub facts: Box<[Fact]>,
    /// The templates, sorted.
    pub templates: Box<[&'static str]>,
}

impl Reads {
    /// Adds what something built for this output read (a card, a body).
    pub fn extend(&self, recorded: &Recorded) {
        self.facts.borrow_mut().extend_from_slice(&recorded.facts);
        self.templates
            .borrow_mut()
            .extend_from_slice(&recorded.templates);
    }

    /// Notes that template `name` was rendered.
    pub fn template(&self, name: &'static str) {
        self.templates.borrow_mut().push(name);
    }

    /// What was read, each once.
    pub fn into_recorded(self) -> Recorded {
        let mut facts = self.facts.into_inner();
        facts.sort_unstable();
        facts.dedup();
        let mut templates = self.templates.into_inner();
        templates.sort_unstable();
        templates.dedup();
        Recorded {
            facts: facts.into_boxed_slice(),
            templates: templates.into_boxed_slice(),
        }
    }
}

/// Every entity of a kind, in index order (the digests newest first, the
/// rest by id); reading it depends on which there are and in what order.
#[derive(Debug, Clone, Copy)]
pub struct Every<K> {
    count: u32,
    of: std::marker::PhantomData<K>,
}

impl<K: Key> Every<K> {
    fn new(count: usize) -> Self {
        Every {
            count: count as u32,
            of: std::marker::PhantomData,
        }
    }
    /// How many.
    pub fn len(&self) -> usize {
        self.count as usize
    }
    /// Each one.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = K> + ExactSizeIterator + Clone {
        (0..self.count).map(K::from_raw)
    }
}

/// An entity position that facts can name.
pub trait Key: Copy {
    /// Its position.
    fn raw(self) -> u32;
    /// From its position.
    fn from_raw(n: u32) -> Self;
}

macro_rules! keys {
    ($($ty:ident),*) => {$(
        impl Key for $ty {
            fn raw(self) -> u32 {
                self.0
            }
            fn from_raw(n: u32) -> Self {
                $ty(n)
            }
        }
    )*};
}
keys!(DigestIx, ActorIx, SourceIx, StoryIx, TagIx, QuoteIx, PageIx);

/// The one "entity" of site-wide lists.
#[derive(Debug, Clone, Copy)]
pub struct Whole;

impl Key for Whole {
    fn raw(self) -> u32 {
        0
    }
    fn from_raw(_: u32) -> Self {
        Whole
    }
}

/// The fingerprint of what a fact's accessor answered, with entities named
/// by their stable keys (never by positions, which shift). Never 0, which
/// stands for "no such fact".
fn fingerprint<T: Stable + ?Sized>(value: &T, ix: &Index<'_>) -> u64 {
    let mut h = Xxh3::new();
    value.feed(ix, &mut h);
    h.digest().max(1)
}

/// What can be fingerprinted: the answers of the accessors.
pub trait Stable {
    /// Feeds `h` with this value; entities as their stable keys in `ix`.
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3);
}

impl<T: Stable + ?Sized> Stable for &T {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        (**self).feed(ix, h);
    }
}

impl<T: Stable> Stable for Option<T> {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        match self {
            None => h.update(&[0]),
            Some(v) => {
                h.update(&[1]);
                v.feed(ix, h);
            }
        }
    }
}

impl<T: Stable> Stable for [T] {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        h.update(&(self.len() as u64).to_le_bytes());
        for v in self {
            v.feed(ix, h);
        }
    }
}

impl<A: Stable, B: Stable> Stable for (A, B) {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        self.0.feed(ix, h);
        self.1.feed(ix, h);
    }
}

impl Stable for () {
    fn feed(&self, _: &Index<'_>, _: &mut Xxh3) {}
}

impl Stable for str {
    fn feed(&self, _: &Index<'_>, h: &mut Xxh3) {
        h.update(&(self.len() as u64).to_le_bytes());
        h.update(self.as_bytes());
    }
}

impl Stable for String {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        self.as_str().feed(ix, h);
    }
}

impl Stable for bool {
    fn feed(&self, _: &Index<'_>, h: &mut Xxh3) {
        h.update(&[u8::from(*self)]);
    }
}

impl Stable for usize {
    fn feed(&self, _: &Index<'_>, h: &mut Xxh3) {
        h.update(&(*self as u64).to_le_bytes());
    }
}

impl Stable for DateTime<FixedOffset> {
    fn feed(&self, _: &Index<'_>, h: &mut Xxh3) {
        // The offset matters too: dates are shown in it.
        h.update(&self.timestamp().to_le_bytes());
        h.update(&self.timestamp_subsec_nanos().to_le_bytes());
        h.update(&self.offset().local_minus_utc().to_le_bytes());
    }
}

impl Stable for DateValue {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        match self {
            DateValue::Day(d) => {
                h.update(&[0]);
                h.update(&d.num_days_from_ce().to_le_bytes());
            }
            DateValue::Moment(m) => {
                h.update(&[1]);
                m.feed(ix, h);
            }
        }
    }
}

impl Stable for Text {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        self.0.feed(ix, h);
    }
}

impl Stable for Shown<'_, str> {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        self.value.feed(ix, h);
        self.lang.feed(ix, h);
    }
}

impl Stable for crate::input::fields::Id {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        self.0.feed(ix, h);
    }
}

impl Stable for crate::input::fields::HttpUrl {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        self.0.feed(ix, h);
    }
}

impl Stable for ActorKind {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        self.as_str().feed(ix, h);
    }
}

impl Stable for Extra {
    fn feed(&self, _: &Index<'_>, h: &mut Xxh3) {
        super::memo::hash_json(h, self);
    }
}

impl Stable for BTreeMap<String, crate::input::fields::HttpUrl> {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        h.update(&(self.len() as u64).to_le_bytes());
        for (k, v) in self {
            k.feed(ix, h);
            v.feed(ix, h);
        }
    }
}

impl Stable for CitationMatter {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        self.id.feed(ix, h);
        self.source.feed(ix, h);
        self.title.feed(ix, h);
        self.url.feed(ix, h);
        self.published.feed(ix, h);
        self.archived.feed(ix, h);
    }
}

impl Stable for CorrectionMatter {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        self.date.feed(ix, h);
        self.text.feed(ix, h);
        self.was.feed(ix, h);
    }
}

impl Stable for ImageMatter {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        self.src.0.feed(ix, h);
        self.alt.feed(ix, h);
        self.caption.feed(ix, h);
        self.credit.feed(ix, h);
    }
}

impl Stable for QuoteMatter {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        self.id.feed(ix, h);
        self.by.feed(ix, h);
        self.text.feed(ix, h);
        self.original.feed(ix, h);
        self.original_lang.feed(ix, h);
        self.said.feed(ix, h);
        self.context.feed(ix, h);
        self.cite.feed(ix, h);
    }
}

macro_rules! stable_keys {
    ($($ty:ident => $entity:ident),*) => {$(
        impl Stable for $ty {
            fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
                Entity::$entity.key(ix, self.0).feed(ix, h);
            }
        }
    )*};
}
stable_keys!(DigestIx => Digest, ActorIx => Actor, SourceIx => Source, StoryIx => Story, TagIx => Tag, QuoteIx => Quote, PageIx => Page);

impl Stable for Speaker {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        match self {
            Speaker::Actor(a) => {
                h.update(&[0]);
                a.feed(ix, h);
            }
            Speaker::Source(s) => {
                h.update(&[1]);
                s.feed(ix, h);
            }
        }
    }
}

impl Stable for PageRef {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        match self {
            PageRef::Digest(d) => (0usize, d).feed(ix, h),
            PageRef::Actor(a) => (1usize, a).feed(ix, h),
            PageRef::Source(s) => (2usize, s).feed(ix, h),
            PageRef::Story(s) => (3usize, s).feed(ix, h),
            PageRef::Page(p) => (4usize, p).feed(ix, h),
        }
    }
}

impl<K: Key + Stable> Stable for Every<K> {
    fn feed(&self, ix: &Index<'_>, h: &mut Xxh3) {
        self.len().feed(ix, h);
        for k in self.iter() {
            k.feed(ix, h);
        }
    }
}

/// Which list of entities a fact's `n` counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Entity {
    /// [`Index::digests`].
    Digest,
    /// [`Index::actors`].
    Actor,
    /// [`Index::sources`].
    Source,
    /// [`Index::stories`].
    Story,
    /// [`Index::tags`].
    Tag,
    /// [`Index::quotes`].
    Quote,
    /// [`Index::pages`].
    Page,
    /// The site as a whole (its lists).
    Site,
}

impl Entity {
    /// Every kind of entity.
    pub const ALL: [Entity; 8] = [
        Entity::Digest,
        Entity::Actor,
        Entity::Source,
        Entity::Story,
        Entity::Tag,
        Entity::Quote,
        Entity::Page,
        Entity::Site,
    ];

    /// How many of them `ix` has.
    pub fn count(self, ix: &Index<'_>) -> usize {
        match self {
            Entity::Digest => ix.digests.len(),
            Entity::Actor => ix.actors.len(),
            Entity::Source => ix.sources.len(),
            Entity::Story => ix.stories.len(),
            Entity::Tag => ix.tags.len(),
            Entity::Quote => ix.quotes.len(),
            Entity::Page => ix.pages.len(),
            Entity::Site => 1,
        }
    }

    /// The stable key of the `n`th of them in `ix`: its id (a tag's slug),
    /// which does not change when other files come and go.
    pub fn key<'i>(self, ix: &'i Index<'_>, n: u32) -> &'i str {
        match self {
            Entity::Digest => ix.digest(DigestIx(n)).id.as_str(),
            Entity::Actor => ix.actor(ActorIx(n)).id.as_str(),
            Entity::Source => ix.source(SourceIx(n)).id.as_str(),
            Entity::Story => ix.story(StoryIx(n)).id.as_str(),
            Entity::Tag => ix.tags[n as usize].slug.as_str(),
            Entity::Quote => ix.quote(QuoteIx(n)).id.as_str(),
            Entity::Page => ix.page(PageIx(n)).id.as_str(),
            Entity::Site => "",
        }
    }
}

/// Declares the facts: for each, its kind, the accessor that records and
/// answers it, and the expression that answers it. One definition serves
/// reading and fingerprinting, so what is compared between builds is
/// exactly what pages were given.
macro_rules! facts {
    ($(
        $entity:ident($key:ty) {
            $( $(#[$doc:meta])* $kind:ident $name:ident -> $ret:ty = |$ix:ident, $k:ident| $body:expr; )*
        }
    )*) => {
        /// What part of an entity a fact is about.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(serde::Serialize, serde::Deserialize)]
        #[repr(u8)]
        pub enum FactKind {
            $($( $(#[$doc])* $kind, )*)*
        }

        impl FactKind {
            /// Every kind of fact.
            pub const ALL: &'static [FactKind] = &[$($( FactKind::$kind, )*)*];

            /// Which entities the kind is about.
            pub fn entity(self) -> Entity {
                match self {
                    $($( FactKind::$kind => Entity::$entity, )*)*
                }
            }

            /// The fingerprint of this part of every entity of `ix`, by position.
            pub fn fingerprints(self, ix: &Index<'_>) -> Vec<u64> {
                let count = self.entity().count(ix) as u32;
                match self {
                    $($( FactKind::$kind => (0..count)
                        .map(|n| {
                            let $k = <$key as Key>::from_raw(n);
                            let $ix = ix;
                            fingerprint(&$body, ix)
                        })
                        .collect(), )*)*
                }
            }
        }

        impl<'r, 's> Reader<'r, 's> {
            $($(
                $(#[$doc])*
                pub fn $name(&self, $k: $key) -> $ret {
                    self.note(FactKind::$kind, Key::raw($k));
                    let $ix: &'r Index<'s> = self.ix;
                    $body
                }
            )*)*
        }
    };
}

facts! {
    Digest(DigestIx) {
        /// That the digest exists (its id; its URL follows from it).
        DigestExists digest_exists -> () = |ix, d| { let _ = (ix, d); };
        /// Its headline.
        DigestTitle digest_title -> &'s str = |ix, d| ix.digest(d).matter.title.0.as_str();
        /// When it was published.
        DigestDate digest_date -> DateTime<FixedOffset> = |ix, d| ix.digests[d.ix()].date;
        /// When it was last updated.
        DigestUpdated digest_updated -> Option<DateTime<FixedOffset>> = |ix, d| ix.digests[d.ix()].updated;
        /// Its summary: its own, or its body's first paragraph.
        DigestSummary digest_summary -> &'s str = |ix, d| {
            let d = ix.digest(d);
            d.matter.summary.as_deref().or(d.first_paragraph.as_deref()).unwrap_or_default()
        };
        /// Its bylines.
        DigestAuthors digest_authors -> &'s [Text] = |ix, d| ix.digest(d).matter.authors.0.as_slice();
        /// Its lead image, as written.
        DigestImage digest_image -> Option<&'s ImageMatter> = |ix, d| ix.digest(d).matter.image.as_ref();
        /// Whether it is a draft.
        DigestDraft digest_draft -> bool = |ix, d| ix.digest(d).matter.draft;
        /// Words in its body.
        DigestWords digest_words -> usize = |ix, d| ix.digest(d).words;
        /// Its own `lang:`, if any.
        DigestLang digest_lang -> Option<&'s str> = |ix, d| ix.digest(d).matter.lang.as_deref();
        /// Its stories.
        DigestStories digest_stories -> &'r [StoryIx] = |ix, d| ix.digests[d.ix()].stories.as_slice();
        /// Its actors: listed, quoted, mentioned.
        DigestActors digest_actors -> &'r [ActorIx] = |ix, d| ix.digests[d.ix()].actors.as_slice();
        /// Its quotes, in front-matter order.
        DigestQuotes digest_quotes -> &'r [QuoteIx] = |ix, d| ix.digests[d.ix()].quotes.as_slice();
        /// Its tags.
        DigestTags digest_tags -> &'r [TagIx] = |ix, d| ix.digests[d.ix()].tags.as_slice();
        /// Its tags as written in its front matter.
        DigestTagsWritten digest_tags_written -> &'s [Text] = |ix, d| ix.digest(d).matter.tags.0.as_slice();
        /// Its citations, with the outlet of each.
        DigestCitations digest_citations -> (&'s [CitationMatter], &'r [Option<SourceIx>]) = |ix, d| {
            (ix.digest(d).matter.sources.as_slice(), ix.digests[d.ix()].citation_sources.as_slice())
        };
        /// Its corrections, as written.
        DigestCorrections digest_corrections -> &'s [CorrectionMatter] = |ix, d| ix.digest(d).matter.corrections.as_slice();
        /// The quotes its body embeds.
        DigestEmbeds digest_embeds -> &'r [QuoteIx] = |ix, d| ix.digests[d.ix()].embeds.as_slice();
        /// Its related digests, best first.
        DigestRelated digest_related -> &'r [DigestIx] = |ix, d| ix.digests[d.ix()].related.as_slice();
        /// Its translations (in the index of every language).
        DigestTranslations digest_translations -> &'r [DigestIx] = |ix, d| ix.digests[d.ix()].translations.as_slice();
        /// Its Markdown body.
        DigestBody digest_body -> &'s str = |ix, d| ix.digest(d).body();
        /// Its `extra:` map.
        DigestExtra digest_extra -> &'s Extra = |ix, d| &ix.digest(d).matter.extra;
        /// What links to it.
        DigestBacklinks digest_backlinks -> &'r [PageRef] = |ix, d| ix.backlinks_of(PageRef::Digest(d));
    }
    Actor(ActorIx) {
        /// That the actor exists.
        ActorExists actor_exists -> () = |ix, a| { let _ = (ix, a); };
        /// Its name.
        ActorName actor_name -> Shown<'s, str> = |ix, a| ix.text(&ix.actor(a).matter.name).unwrap_or_default();
        /// Person, organisation, country or group.
        ActorKindOf actor_kind -> ActorKind = |ix, a| ix.actor(a).matter.kind;
        /// Its role.
        ActorRole actor_role -> Option<Shown<'s, str>> = |ix, a| ix.text(&ix.actor(a).matter.role);
        /// Its image, as written.
        ActorImage actor_image -> Option<&'s ImageMatter> = |ix, a| ix.actor(a).matter.image.as_ref();
        /// Other names.
        ActorAliases actor_aliases -> &'s [Text] = |ix, a| {
            let aliases = &ix.actor(a).matter.aliases;
            aliases.get(ix.lang, &ix.site.config.language).map_or(&[][..], |s| s.value.0.as_slice())
        };
        /// Its Wikidata id.
        ActorWikidata actor_wikidata -> Option<&'s str> = |ix, a| ix.actor(a).matter.wikidata.as_deref();
        /// Its links, by name.
        ActorLinks actor_links -> &'s BTreeMap<String, crate::input::fields::HttpUrl> = |ix, a| &ix.actor(a).matter.links;
        /// Its Markdown body.
        ActorBody actor_body -> Shown<'s, str> = |ix, a| ix.actor(a).body_in(ix.lang, &ix.site.config.language);
        /// Its `extra:` map.
        ActorExtra actor_extra -> &'s Extra = |ix, a| &ix.actor(a).matter.extra;
        /// Its quotes, newest first.
        ActorQuotes actor_quotes -> &'r [QuoteIx] = |ix, a| ix.actors[a.ix()].quotes.as_slice();
        /// The digests involving it, newest first.
        ActorDigests actor_digests -> &'r [DigestIx] = |ix, a| ix.actors[a.ix()].digests.as_slice();
        /// Every actor sharing a digest with it, most shared first, with the count.
        ActorCoActors actor_co_actors -> &'r [(ActorIx, usize)] = |ix, a| ix.actors[a.ix()].co_actors.as_slice();
        /// What links to it.
        ActorBacklinks actor_backlinks -> &'r [PageRef] = |ix, a| ix.backlinks_of(PageRef::Actor(a));
    }
    Source(SourceIx) {
        /// That the source exists.
        SourceExists source_exists -> () = |ix, s| { let _ = (ix, s); };
        /// Its name.
        SourceName source_name -> Shown<'s, str> = |ix, s| ix.text(&ix.source(s).matter.name).unwrap_or_default();
        /// Newspaper, agency, …
        SourceKindOf source_kind -> &'static str = |ix, s| ix.source(s).matter.kind.as_str();
        /// The outlet's own website.
        SourceUrl source_url -> Option<&'s str> = |ix, s| ix.source(s).matter.url.as_ref().map(|u| u.0.as_str());
        /// Its language.
        SourceLang source_lang -> Option<&'s str> = |ix, s| ix.source(s).matter.lang.as_deref();
        /// Its logo, as written.
        SourceImage source_image -> Option<&'s ImageMatter> = |ix, s| ix.source(s).matter.image.as_ref();
        /// Its Markdown body.
        SourceBody source_body -> Shown<'s, str> = |ix, s| ix.source(s).body_in(ix.lang, &ix.site.config.language);
        /// Its `extra:` map.
        SourceExtra source_extra -> &'s Extra = |ix, s| &ix.source(s).matter.extra;
        /// Quotes attributed to it, newest first.
        SourceQuotes source_quotes -> &'r [QuoteIx] = |ix, s| ix.sources[s.ix()].quotes.as_slice();
        /// Digests citing it, newest first.
        SourceDigests source_digests -> &'r [DigestIx] = |ix, s| ix.sources[s.ix()].digests.as_slice();
        /// What links to it.
        SourceBacklinks source_backlinks -> &'r [PageRef] = |ix, s| ix.backlinks_of(PageRef::Source(s));
    }
    Story(StoryIx) {
        /// That the story exists.
        StoryExists story_exists -> () = |ix, s| { let _ = (ix, s); };
        /// Its title.
        StoryTitle story_title -> Shown<'s, str> = |ix, s| ix.text(&ix.story(s).matter.title).unwrap_or_default();
        /// Its summary.
        StorySummary story_summary -> Option<Shown<'s, str>> = |ix, s| ix.text(&ix.story(s).matter.summary);
        /// When it started.
        StoryStarted story_started -> Option<DateTime<FixedOffset>> = |ix, s| {
            ix.story(s).matter.started.map(|d| crate::index::moment(d, ix.site.config.timezone))
        };
        /// Its image, as written.
        StoryImage story_image -> Option<&'s ImageMatter> = |ix, s| ix.story(s).matter.image.as_ref();
        /// Its Markdown body.
        StoryBody story_body -> Shown<'s, str> = |ix, s| ix.story(s).body_in(ix.lang, &ix.site.config.language);
        /// Its `extra:` map.
        StoryExtra story_extra -> &'s Extra = |ix, s| &ix.story(s).matter.extra;
        /// Its digests, newest first.
        StoryDigests story_digests -> &'r [DigestIx] = |ix, s| ix.stories[s.ix()].digests.as_slice();
        /// Every actor of its digests, most present first, with the count.
        StoryMainActors story_main_actors -> &'r [(ActorIx, usize)] = |ix, s| ix.stories[s.ix()].main_actors.as_slice();
        /// What links to it.
        StoryBacklinks story_backlinks -> &'r [PageRef] = |ix, s| ix.backlinks_of(PageRef::Story(s));
    }
    Tag(TagIx) {
        /// The spelling used most.
        TagName tag_name -> &'r str = |ix, t| ix.tags[t.ix()].name.as_str();
        /// Its slug (the tag's identity).
        TagSlug tag_slug -> &'r str = |ix, t| ix.tags[t.ix()].slug.as_str();
        /// Its digests, newest first.
        TagDigests tag_digests -> &'r [DigestIx] = |ix, t| ix.tags[t.ix()].digests.as_slice();
    }
    Quote(QuoteIx) {
        /// Its front matter: words, original, when, context, citation id.
        QuoteFields quote_fields -> &'s QuoteMatter = |ix, q| ix.quote(q);
        /// The digest carrying it.
        QuoteDigest quote_digest -> DigestIx = |ix, q| ix.quotes[q.ix()].digest;
        /// Who said it.
        QuoteSpeaker quote_speaker -> Speaker = |ix, q| ix.quotes[q.ix()].speaker;
        /// When it was said (or its digest's date).
        QuoteDate quote_date -> DateTime<FixedOffset> = |ix, q| ix.quotes[q.ix()].date;
        /// The position of its citation in its digest's `sources:`.
        QuoteCitation quote_citation -> Option<usize> = |ix, q| ix.quotes[q.ix()].citation;
    }
    Page(PageIx) {
        /// That the page exists.
        PageExists page_exists -> () = |ix, p| { let _ = (ix, p); };
        /// Its title.
        PageTitle page_title -> Shown<'s, str> = |ix, p| ix.text(&ix.page(p).matter.title).unwrap_or_default();
        /// Its summary.
        PageSummary page_summary -> Option<Shown<'s, str>> = |ix, p| ix.text(&ix.page(p).matter.summary);
        /// Whether it is a draft.
        PageDraft page_draft -> bool = |ix, p| ix.page(p).matter.draft;
        /// Its Markdown body.
        PageBody page_body -> Shown<'s, str> = |ix, p| ix.page(p).body_in(ix.lang, &ix.site.config.language);
        /// Its `extra:` map.
        PageExtra page_extra -> &'s Extra = |ix, p| &ix.page(p).matter.extra;
        /// What links to it.
        PageBacklinks page_backlinks -> &'r [PageRef] = |ix, p| ix.backlinks_of(PageRef::Page(p));
    }
    Site(Whole) {
        /// Every digest, newest first.
        AllDigests all_digests -> Every<DigestIx> = |ix, w| { let _ = w; Every::<DigestIx>::new(ix.digests.len()) };
        /// Every actor, by id.
        AllActors all_actors -> Every<ActorIx> = |ix, w| { let _ = w; Every::<ActorIx>::new(ix.actors.len()) };
        /// Every source, by id.
        AllSources all_sources -> Every<SourceIx> = |ix, w| { let _ = w; Every::<SourceIx>::new(ix.sources.len()) };
        /// Every story, by id.
        AllStories all_stories -> Every<StoryIx> = |ix, w| { let _ = w; Every::<StoryIx>::new(ix.stories.len()) };
        /// Every tag, by slug.
        AllTags all_tags -> Every<TagIx> = |ix, w| { let _ = w; Every::<TagIx>::new(ix.tags.len()) };
        /// Every published quote, in index order.
        AllQuotes all_quotes -> Every<QuoteIx> = |ix, w| { let _ = w; Every::<QuoteIx>::new(ix.quotes.len()) };
        /// Every plain page, by id.
        AllPages all_pages -> Every<PageIx> = |ix, w| { let _ = w; Every::<PageIx>::new(ix.pages.len()) };
    }
}

/// The index of one language's pages, read through a record of what is read.
#[derive(Clone, Copy)]
pub struct Reader<'r, 's> {
    ix: &'r Index<'s>,
    view: u8,
    /// The index of every language, and its view number (the same as
    /// `ix` and `view` on a site of one language).
    full: (&'r Index<'s>, u8),
    reads: &'r Reads,
}

impl<'r, 's> Reader<'r, 's> {
    /// Reads `ix` (view number `view`) with `full` (view number
    /// `full_view`) for what crosses languages, into `reads`.
    pub fn new(
        ix: &'r Index<'s>,
        view: u8,
        full: &'r Index<'s>,
        full_view: u8,
        reads: &'r Reads,
    ) -> Self {
        Reader {
            ix,
            view,
            full: (full, full_view),
            reads,
        }
    }

    /// The same view, recording into `reads`.
    pub fn with_reads<'q>(&self, reads: &'q Reads) -> Reader<'q, 's>
    where
        'r: 'q,
    {
        Reader {
            ix: self.ix,
            view: self.view,
            full: self.full,
            reads,
        }
    }

    /// The index of every language (translations, links across languages).
    pub fn full(&self) -> Reader<'r, 's> {
        Reader {
            ix: self.full.0,
            view: self.full.1,
            full: self.full,
            reads: self.reads,
        }
    }

    /// Adds what something built for this reader's output (a card, a
    /// body) and kept for other outputs read.
    pub fn extend(&self, recorded: &Recorded) {
        self.reads.extend(recorded);
    }

    /// What this reader records into.
    pub fn reads(&self) -> &'r Reads {
        self.reads
    }

    fn note(&self, kind: FactKind, n: u32) {
        self.reads.facts.borrow_mut().push(Fact {
            view: self.view,
            kind,
            n,
        });
    }

    /// The language of the edition read (the site's for the index of
    /// every language).
    pub fn lang(&self) -> &'s str {
        self.ix.lang
    }

    /// The site's configuration (site-wide: not a fact).
    pub fn config(&self) -> &'s crate::config::Config {
        &self.ix.site.config
    }

    /// A digest's id (the key every fact about it is filed under).
    pub fn digest_id(&self, d: DigestIx) -> &'s str {
        self.ix.digest(d).id.as_str()
    }
    /// An actor's id.
    pub fn actor_id(&self, a: ActorIx) -> &'s str {
        self.ix.actor(a).id.as_str()
    }
    /// A source's id.
    pub fn source_id(&self, s: SourceIx) -> &'s str {
        self.ix.source(s).id.as_str()
    }
    /// A story's id.
    pub fn story_id(&self, s: StoryIx) -> &'s str {
        self.ix.story(s).id.as_str()
    }
    /// A quote's id.
    pub fn quote_id(&self, q: QuoteIx) -> &'s str {
        self.ix.quote(q).id.as_str()
    }
    /// A plain page's id.
    pub fn page_id(&self, p: PageIx) -> &'s str {
        self.ix.page(p).id.as_str()
    }

    /// `found`, having noted what the lookup depends on: `hit` reads the
    /// entity found; a miss depends on the whole list `miss` reads.
    fn look_up<K: Copy>(
        &self,
        found: Option<K>,
        hit: impl FnOnce(K),
        miss: impl FnOnce(),
    ) -> Option<K> {
        match found {
            Some(k) => hit(k),
            None => miss(),
        }
        found
    }

    /// The digest with this id, if published.
    pub fn find_digest(&self, id: &str) -> Option<DigestIx> {
        let all = || {
            let _ = self.all_digests(Whole);
        };
        self.look_up(self.ix.digest_id(id), |d| self.digest_exists(d), all)
    }
    /// The actor with this id.
    pub fn find_actor(&self, id: &str) -> Option<ActorIx> {
        let all = || {
            let _ = self.all_actors(Whole);
        };
        self.look_up(self.ix.actor_id(id), |a| self.actor_exists(a), all)
    }
    /// The source with this id.
    pub fn find_source(&self, id: &str) -> Option<SourceIx> {
        let all = || {
            let _ = self.all_sources(Whole);
        };
        self.look_up(self.ix.source_id(id), |s| self.source_exists(s), all)
    }
    /// The story with this id.
    pub fn find_story(&self, id: &str) -> Option<StoryIx> {
        let all = || {
            let _ = self.all_stories(Whole);
        };
        self.look_up(self.ix.story_id(id), |s| self.story_exists(s), all)
    }
    /// The published plain page with this id.
    pub fn find_page(&self, id: &str) -> Option<PageIx> {
        let all = || {
            let _ = self.all_pages(Whole);
        };
        self.look_up(self.ix.page_id(id), |p| self.page_exists(p), all)
    }
    /// The published quote with this id.
    pub fn find_quote(&self, id: &str) -> Option<QuoteIx> {
        let all = || {
            let _ = self.all_quotes(Whole);
        };
        self.look_up(
            self.ix.quote_id(id),
            |q| {
                let _ = self.quote_digest(q);
            },
            all,
        )
    }

    /// Whether this is the site's first edition (or a site of one
    /// language): every actor, source and story has its page there.
    pub fn is_first_edition(&self) -> bool {
        self.ix.lang == self.ix.site.config.language
    }

    /// Whether this edition has a page of actor `a`: the first edition
    /// always; another only when the actor has a digest or a quote in it
    /// (no empty pages; links go to the first edition's page instead).
    pub fn has_actor_page(&self, a: ActorIx) -> bool {
        self.is_first_edition()
            || !self.actor_digests(a).is_empty()
            || !self.actor_quotes(a).is_empty()
    }

    /// Whether this edition has a page of source `s` (as
    /// [`Reader::has_actor_page`]).
    pub fn has_source_page(&self, s: SourceIx) -> bool {
        self.is_first_edition()
            || !self.source_digests(s).is_empty()
            || !self.source_quotes(s).is_empty()
    }

    /// Whether this edition has a page of story `s` (as
    /// [`Reader::has_actor_page`]).
    pub fn has_story_page(&self, s: StoryIx) -> bool {
        self.is_first_edition() || !self.story_digests(s).is_empty()
    }

    /// A digest's language: its `lang:`, else the site's.
    pub fn digest_language(&self, d: DigestIx) -> &'s str {
        self.digest_lang(d)
            .unwrap_or(self.ix.site.config.language.as_str())
    }

    /// The citation title of citation `n` of digest `d`: its own, else its
    /// outlet's name, else its URL's host.
    pub fn citation_title(&self, d: DigestIx, n: usize) -> String {
        let (citations, outlets) = self.digest_citations(d);
        let c = &citations[n];
        c.title
            .clone()
            .or_else(|| outlets[n].map(|s| self.source_name(s).to_string()))
            .unwrap_or_else(|| {
                url::Url::parse(&c.url.0)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_string))
                    .unwrap_or_else(|| c.url.0.clone())
            })
    }

    /// How many digests two actors share (from the first one's co-actors).
    pub fn shared_digests(&self, a: ActorIx, b: ActorIx) -> usize {
        self.actor_co_actors(a)
            .iter()
            .find(|(o, _)| *o == b)
            .map_or(0, |(_, n)| *n)
    }
}
