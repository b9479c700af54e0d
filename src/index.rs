//! Resolve: ids → a cross-link index.
//!
//! Every reference of the loaded content is resolved here, once, into typed
//! indices: who said what, who appears where, what links to what. Later
//! stages hold indices, never strings, so a resolved reference cannot be
//! unresolved. Unknown ids, duplicates and links to drafts are reported all
//! together, each at its place with a "did you mean" when one is close.

use crate::content::fields::DateValue;
use crate::content::{Digest, Entry, Site};
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics, Location, Problem};
use crate::markdown::{BodyRef, RefKind};
use crate::yaml::Seg;
use chrono::{DateTime, FixedOffset, Offset, TimeZone};
use std::collections::{BTreeMap, HashMap};

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
    /// Actors most often in the same digests, with the count.
    pub co_actors: Vec<(ActorIx, usize)>,
    /// How many different actors share a digest with this one.
    pub connections: usize,
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
    /// Actors most present in its digests, with the count.
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
    /// How many digests each two actors share (the lower index first);
    /// pairs that share none are absent.
    shared: HashMap<(ActorIx, ActorIx), usize>,
    digest_ids: HashMap<&'s str, DigestIx>,
    actor_ids: HashMap<&'s str, ActorIx>,
    source_ids: HashMap<&'s str, SourceIx>,
    story_ids: HashMap<&'s str, StoryIx>,
    quote_ids: HashMap<&'s str, QuoteIx>,
}

/// How many related digests a digest shows.
pub const RELATED_MAX: usize = 5;
/// Related digests are looked for among this many digests before and as
/// many after each digest in each of its actors' and tags' lists (nearest
/// in time). Scoring every digest of a list instead costs each digest the
/// length of its most popular actor's list: quadratic in the site.
pub const RELATED_WINDOW: usize = 100;
/// How many co-actors an actor page shows.
pub const CO_ACTORS_MAX: usize = 8;
/// How many main actors a story page shows.
pub const MAIN_ACTORS_MAX: usize = 10;

impl<'s> Index<'s> {
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
    /// Looks up a published quote.
    pub fn quote_id(&self, id: &str) -> Option<QuoteIx> {
        self.quote_ids.get(id).copied()
    }
    /// How many digests two actors share. Counted once, while the index is
    /// built: walking both digest lists instead costs each actor page the
    /// length of its neighbours' lists, which grows with the site.
    pub fn shared_digests(&self, a: ActorIx, b: ActorIx) -> usize {
        self.shared.get(&(a.min(b), a.max(b))).copied().unwrap_or(0)
    }
    /// A digest's language: its `lang:`, else the site's.
    pub fn lang_of(&self, d: DigestIx) -> &'s str {
        digest_lang(self.digest(d), self.site)
    }

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
        let mut index = Index {
            site: self.site,
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
            shared: HashMap::new(),
            digest_ids: self
                .digest_ids
                .iter()
                .filter_map(|(id, d)| Some((*id, new_digest[d.ix()]?)))
                .collect(),
            actor_ids: self.actor_ids.clone(),
            source_ids: self.source_ids.clone(),
            story_ids: self.story_ids.clone(),
            quote_ids: self
                .quote_ids
                .iter()
                .filter_map(|(id, q)| Some((*id, new_quote[q.ix()]?)))
                .collect(),
        };
        derive(&mut index);
        (index, kept)
    }

    /// What links to `page`.
    pub fn backlinks_of(&self, page: PageRef) -> &[PageRef] {
        self.backlinks.get(&page).map_or(&[], Vec::as_slice)
    }
}

/// A digest's language: its `lang:`, else the site's.
fn digest_lang<'s>(d: &'s Digest, site: &'s Site) -> &'s str {
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

/// Builds the index; `drafts` includes draft digests and pages.
pub fn resolve(site: &Site, drafts: bool) -> (Index<'_>, Diagnostics) {
    Resolver::new(site, drafts).run()
}

struct Resolver<'s> {
    site: &'s Site,
    drafts: bool,
    diags: Diagnostics,
}

/// Every id of a kind, drafts included, with the entry that defines it.
struct AllIds<'s> {
    digests: HashMap<&'s str, usize>,
    quotes: HashMap<&'s str, (usize, usize)>,
}

impl<'s> Resolver<'s> {
    fn new(site: &'s Site, drafts: bool) -> Self {
        Resolver {
            site,
            drafts,
            diags: Diagnostics::default(),
        }
    }

    fn error(&mut self, problem: Problem, at: Location, help: Option<String>) {
        self.diags
            .push(Diagnostic::error(problem).at(at).maybe_help(help));
    }

    fn run(mut self) -> (Index<'s>, Diagnostics) {
        let site = self.site;
        let c = &site.content;
        let tz = site.config.timezone;
        let all = self.check_unique();
        self.check_pages();
        self.diags
            .extend(crate::menu::check_pages(site, self.drafts));

        // Sorted lists of what gets published.
        let drafts = self.drafts;
        let published = move |draft: bool| drafts || !draft;
        let mut digest_entries: Vec<(usize, DateTime<FixedOffset>)> = c
            .digests
            .iter()
            .enumerate()
            .filter(|(_, d)| published(d.matter.draft))
            .map(|(i, d)| (i, moment(d.matter.date, tz)))
            .collect();
        digest_entries.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| c.digests[a.0].id.cmp(&c.digests[b.0].id))
        });
        // Duplicate digest ids were reported; keep the first of each.
        let mut digest_ids = HashMap::new();
        digest_entries.retain(|(i, _)| all.digests.get(c.digests[*i].id.as_str()) == Some(i));
        for (n, (i, _)) in digest_entries.iter().enumerate() {
            digest_ids.insert(c.digests[*i].id.as_str(), DigestIx(n as u32));
        }
        let sorted_by_id = |ids: Vec<(&'s str, usize)>| {
            let mut ids = ids;
            ids.sort();
            ids
        };
        let actor_list = sorted_by_id(
            c.actors
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.as_str(), i))
                .collect(),
        );
        let source_list = sorted_by_id(
            c.sources
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.as_str(), i))
                .collect(),
        );
        let story_list = sorted_by_id(
            c.stories
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.as_str(), i))
                .collect(),
        );
        let page_list = sorted_by_id(
            c.pages
                .iter()
                .enumerate()
                .filter(|(_, p)| published(p.matter.draft))
                .map(|(i, a)| (a.id.as_str(), i))
                .collect(),
        );
        let actor_ids: HashMap<_, _> = actor_list
            .iter()
            .enumerate()
            .map(|(n, (id, _))| (*id, ActorIx(n as u32)))
            .collect();
        let source_ids: HashMap<_, _> = source_list
            .iter()
            .enumerate()
            .map(|(n, (id, _))| (*id, SourceIx(n as u32)))
            .collect();
        let story_ids: HashMap<_, _> = story_list
            .iter()
            .enumerate()
            .map(|(n, (id, _))| (*id, StoryIx(n as u32)))
            .collect();

        let mut index = Index {
            site,
            digests: Vec::with_capacity(digest_entries.len()),
            actors: actor_list
                .iter()
                .map(|(_, e)| ActorNode {
                    entry: *e,
                    ..Default::default()
                })
                .collect(),
            sources: source_list
                .iter()
                .map(|(_, e)| SourceNode {
                    entry: *e,
                    ..Default::default()
                })
                .collect(),
            stories: story_list
                .iter()
                .map(|(_, e)| StoryNode {
                    entry: *e,
                    ..Default::default()
                })
                .collect(),
            tags: Vec::new(),
            quotes: Vec::new(),
            pages: page_list
                .iter()
                .map(|(_, e)| PageNode { entry: *e })
                .collect(),
            backlinks: HashMap::new(),
            shared: HashMap::new(),
            digest_ids,
            actor_ids,
            source_ids,
            story_ids,
            quote_ids: HashMap::new(),
        };

        // Quotes of published digests, so references can resolve to them.
        for (n, (entry, date)) in digest_entries.iter().enumerate() {
            for (position, q) in c.digests[*entry].matter.quotes.iter().enumerate() {
                if all.quotes.get(q.id.as_str()) != Some(&(*entry, position)) {
                    continue; // a duplicate, reported
                }
                // An unknown speaker is reported with the digest below; the
                // quote gets no node, so every node has a real speaker.
                let speaker = match (
                    index.actor_ids.get(q.by.as_str()),
                    index.source_ids.get(q.by.as_str()),
                ) {
                    (Some(&ax), _) => Speaker::Actor(ax),
                    (None, Some(&sx)) => Speaker::Source(sx),
                    (None, None) => continue,
                };
                let qx = QuoteIx(index.quotes.len() as u32);
                index.quote_ids.insert(q.id.as_str(), qx);
                index.quotes.push(QuoteNode {
                    digest: DigestIx(n as u32),
                    position,
                    speaker,
                    date: q.said.map_or(*date, |s| moment(s, tz)),
                    citation: q.cite.as_ref().and_then(|cite| {
                        c.digests[*entry]
                            .matter
                            .sources
                            .iter()
                            .position(|s| s.id == *cite)
                    }),
                });
            }
        }

        // Check every digest, drafts included: drafts' mistakes show up while writing.
        let mut tag_spellings: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        let mut digest_tags: Vec<Vec<String>> = Vec::new();
        for (entry, d) in c.digests.iter().enumerate() {
            let node_ix = index
                .digest_ids
                .get(d.id.as_str())
                .copied()
                .filter(|x| digest_entries[x.ix()].0 == entry);
            let is_published = node_ix.is_some();
            let m = &d.matter;
            let mut stories = Vec::new();
            for (i, s) in m.story.0.iter().enumerate() {
                match index.story_ids.get(s.as_str()) {
                    Some(&sx) if !stories.contains(&sx) => stories.push(sx),
                    Some(_) => {}
                    None => self.unknown(
                        d,
                        "story",
                        s.as_str(),
                        &[Seg::Key("story"), Seg::Index(i)],
                        index.story_ids.keys().copied(),
                    ),
                }
            }
            let mut actors = Vec::new();
            for (i, a) in m.actors.0.iter().enumerate() {
                match index.actor_ids.get(a.as_str()) {
                    Some(&ax) => push_unique(&mut actors, ax),
                    None if c.is_broken(RefKind::Actor, a.as_str()) => {}
                    None => {
                        let help = if index.source_ids.contains_key(a.as_str()) {
                            Some(format!("`{a}` is a source: sources are cited under `sources:`, not listed in `actors:`"))
                        } else {
                            did_you_mean(a.as_str(), index.actor_ids.keys().copied())
                        };
                        self.error(
                            Problem::UnknownRef {
                                kind: "actor",
                                id: a.0.clone(),
                            },
                            d.locate(&[Seg::Key("actors"), Seg::Index(i)]),
                            help,
                        );
                    }
                }
            }
            let mut quotes = Vec::new();
            for (i, q) in m.quotes.iter().enumerate() {
                let speaker = if let Some(&ax) = index.actor_ids.get(q.by.as_str()) {
                    push_unique(&mut actors, ax);
                    Some(Speaker::Actor(ax))
                } else if let Some(&sx) = index.source_ids.get(q.by.as_str()) {
                    Some(Speaker::Source(sx))
                } else {
                    let ids = index
                        .actor_ids
                        .keys()
                        .chain(index.source_ids.keys())
                        .copied();
                    self.unknown(
                        d,
                        "actor or source",
                        q.by.as_str(),
                        &[Seg::Key("quotes"), Seg::Index(i), Seg::Key("by")],
                        ids,
                    );
                    None
                };
                if speaker.is_some() && is_published {
                    if let Some(&qx) = index.quote_ids.get(q.id.as_str()) {
                        quotes.push(qx);
                    }
                }
            }
            let mut citation_sources = Vec::new();
            for (i, cit) in m.sources.iter().enumerate() {
                citation_sources.push(match &cit.source {
                    None => None,
                    Some(s) => match index.source_ids.get(s.as_str()) {
                        Some(&sx) => Some(sx),
                        None if c.is_broken(RefKind::Source, s.as_str()) => None,
                        None => {
                            let help = if index.actor_ids.contains_key(s.as_str()) {
                                Some(format!("`{s}` is an actor: a citation's `source` names an outlet under `content/sources/`"))
                            } else {
                                did_you_mean(s.as_str(), index.source_ids.keys().copied())
                            };
                            self.error(
                                Problem::UnknownRef { kind: "source", id: s.0.clone() },
                                d.locate(&[Seg::Key("sources"), Seg::Index(i), Seg::Key("source")]),
                                help,
                            );
                            None
                        }
                    },
                });
            }
            let from = node_ix.map(PageRef::Digest);
            let mut embeds = Vec::new();
            for r in &d.refs {
                let target = self.resolve_ref(&index, &all, d, r, is_published || !m.draft);
                match target {
                    Some(Target::Page(PageRef::Actor(ax))) if !r.embed => {
                        push_unique(&mut actors, ax)
                    }
                    Some(Target::Quote(qx)) if r.embed => {
                        // Each language renders its own digests' quotes only.
                        let entry = digest_entries[index.quotes[qx.ix()].digest.ix()].0;
                        let lang = digest_lang(&c.digests[entry], site);
                        if site.config.languages.len() > 1 && lang != digest_lang(d, site) {
                            self.error(
                                Problem::EmbedOtherLanguage {
                                    id: r.id.clone(),
                                    lang: lang.to_string(),
                                },
                                d.ref_location(r),
                                Some(format!("link it instead: `[…](quote:{})`", r.id)),
                            );
                        } else {
                            embeds.push(qx);
                        }
                    }
                    _ => {}
                }
                if let (Some(from), Some(t)) = (from, target) {
                    let to = match t {
                        Target::Page(p) => p,
                        Target::Quote(qx) => PageRef::Digest(index.quotes[qx.ix()].digest),
                    };
                    if to != from {
                        let list = index.backlinks.entry(to).or_default();
                        if !list.contains(&from) {
                            list.push(from);
                        }
                    }
                }
            }
            if is_published {
                let mut tags = Vec::new();
                for t in &m.tags.0 {
                    let slug = crate::slug::slugify(&t.0);
                    if slug.is_empty() || tags.contains(&slug) {
                        continue;
                    }
                    *tag_spellings
                        .entry(slug.clone())
                        .or_default()
                        .entry(t.0.clone())
                        .or_default() += 1;
                    tags.push(slug);
                }
                digest_tags.push(tags);
                index.digests.push(DigestNode {
                    entry,
                    date: moment(m.date, tz),
                    updated: m.updated.map(|u| moment(u, tz)),
                    stories,
                    actors,
                    quotes,
                    citation_sources,
                    tags: Vec::new(),
                    embeds,
                    related: Vec::new(),
                    translations: Vec::new(),
                });
            }
        }
        // Digests were pushed in content order; put them in published order.
        let order: HashMap<usize, usize> = digest_entries
            .iter()
            .enumerate()
            .map(|(n, (e, _))| (*e, n))
            .collect();
        let mut paired: Vec<(DigestNode, Vec<String>)> =
            index.digests.drain(..).zip(digest_tags).collect();
        paired.sort_by_key(|(d, _)| order[&d.entry]);
        let (nodes, tags_per_digest): (Vec<_>, Vec<_>) = paired.into_iter().unzip();
        index.digests = nodes;

        // Other bodies: actors, sources, stories, pages.
        let mut sink = BacklinkSink::default();
        for (n, a) in index.actors.iter().enumerate() {
            let e = &c.actors[a.entry];
            self.body_refs(
                &mut sink,
                &index,
                &all,
                &e.refs,
                e,
                PageRef::Actor(ActorIx(n as u32)),
            );
        }
        for (n, s) in index.sources.iter().enumerate() {
            let e = &c.sources[s.entry];
            self.body_refs(
                &mut sink,
                &index,
                &all,
                &e.refs,
                e,
                PageRef::Source(SourceIx(n as u32)),
            );
        }
        for (n, s) in index.stories.iter().enumerate() {
            let e = &c.stories[s.entry];
            self.body_refs(
                &mut sink,
                &index,
                &all,
                &e.refs,
                e,
                PageRef::Story(StoryIx(n as u32)),
            );
        }
        for (n, p) in index.pages.iter().enumerate() {
            let e = &c.pages[p.entry];
            self.body_refs(
                &mut sink,
                &index,
                &all,
                &e.refs,
                e,
                PageRef::Page(PageIx(n as u32)),
            );
        }
        for p in c.pages.iter().filter(|p| !published(p.matter.draft)) {
            self.body_refs(
                &mut BacklinkSink::default(),
                &index,
                &all,
                &p.refs,
                p,
                PageRef::Page(PageIx(u32::MAX)),
            );
        }
        for (to, from) in sink.0 {
            let list = index.backlinks.entry(to).or_default();
            if !list.contains(&from) {
                list.push(from);
            }
        }
        for list in index.backlinks.values_mut() {
            list.sort();
        }

        // Tags: one per slug, named by the spelling used most (ties: lowest in byte order).
        let mut tag_ix = HashMap::new();
        for (slug, spellings) in tag_spellings {
            let name = spellings
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(s, _)| s.clone())
                .unwrap_or_default();
            tag_ix.insert(slug.clone(), TagIx(index.tags.len() as u32));
            index.tags.push(TagNode {
                slug,
                name,
                digests: Vec::new(),
            });
        }
        for (n, slugs) in tags_per_digest.iter().enumerate() {
            for slug in slugs {
                index.digests[n].tags.push(tag_ix[slug]);
            }
        }

        derive(&mut index);
        self.check_languages();
        self.translations(&mut index, &all);
        (index, self.diags)
    }

    fn unknown<'i>(
        &mut self,
        d: &Digest,
        kind: &'static str,
        id: &str,
        path: &[Seg<'_>],
        candidates: impl Iterator<Item = &'i str>,
    ) {
        let content = &self.site.content;
        let broken = match kind {
            "story" => content.is_broken(RefKind::Story, id),
            _ => content.is_broken(RefKind::Actor, id) || content.is_broken(RefKind::Source, id),
        };
        if broken {
            return; // the file's own load error was reported
        }
        let help = did_you_mean(id, candidates);
        self.error(
            Problem::UnknownRef {
                kind,
                id: id.to_string(),
            },
            d.locate(path),
            help,
        );
    }

    /// With `languages:` declared, every digest (drafts included) is in one of them.
    fn check_languages(&mut self) {
        let config = &self.site.config;
        if config.languages.is_empty() {
            return;
        }
        for d in &self.site.content.digests {
            let Some(lang) = d.matter.lang.as_deref() else {
                continue; // the site's language, which `languages:` starts with
            };
            if !config.languages.iter().any(|l| l == lang) {
                self.error(
                    Problem::LanguageNotListed {
                        id: d.id.0.clone(),
                        lang: lang.to_string(),
                        languages: config.languages.join(", "),
                    },
                    d.locate(&[Seg::Key("lang")]),
                    Some(format!(
                        "add `{lang}` to `languages:` in site.yaml, or correct the digest's `lang:`"
                    )),
                );
            }
        }
    }

    /// `translations:` of every digest (drafts included): each id must name
    /// another digest; published ones join one group per set of
    /// translations (union–find, so declaring one direction is enough), and
    /// a group holds each language once.
    fn translations(&mut self, index: &mut Index<'s>, all: &AllIds<'s>) {
        let c = &self.site.content;
        let n = index.digests.len();
        let mut parent: Vec<usize> = (0..n).collect();
        fn root(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        for d in &c.digests {
            let me = index.digest_id(d.id.as_str());
            for (i, t) in d.matter.translations.0.iter().enumerate() {
                let at = || d.locate(&[Seg::Key("translations"), Seg::Index(i)]);
                if *t == d.id {
                    let help = Some("list the other languages' digests, not this one".to_string());
                    self.error(
                        Problem::TranslationOfItself { id: d.id.0.clone() },
                        at(),
                        help,
                    );
                    continue;
                }
                match (me, index.digest_id(t.as_str()), all.digests.get(t.as_str())) {
                    (Some(a), Some(b), _) => {
                        let (ra, rb) = (root(&mut parent, a.ix()), root(&mut parent, b.ix()));
                        parent[ra.max(rb)] = ra.min(rb);
                    }
                    (_, None, None) if !c.is_broken(RefKind::Digest, t.as_str()) => {
                        let help = did_you_mean(t.as_str(), all.digests.keys().copied());
                        self.error(
                            Problem::UnknownRef {
                                kind: "digest",
                                id: t.0.clone(),
                            },
                            at(),
                            help,
                        );
                    }
                    (Some(_), None, Some(_)) => {
                        let help = Some("publish it (remove `draft: true`), remove it from `translations`, or build with `--drafts`".to_string());
                        self.error(
                            Problem::RefToDraft {
                                kind: "digest",
                                id: t.0.clone(),
                            },
                            at(),
                            help,
                        );
                    }
                    _ => {} // from a draft left out of this build
                }
            }
        }
        let langs: Vec<&str> = (0..n)
            .map(|x| digest_lang(&c.digests[index.digests[x].entry], self.site))
            .collect();
        let lang_of = |x: usize| langs[x];
        let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
        for x in 0..n {
            let r = root(&mut parent, x);
            groups.entry(r).or_default().push(x);
        }
        let mut roots: Vec<usize> = groups
            .keys()
            .copied()
            .filter(|r| groups[r].len() > 1)
            .collect();
        roots.sort_unstable();
        for r in roots {
            let mut members = groups.remove(&r).unwrap_or_default();
            members.sort_by(|a, b| lang_of(*a).cmp(lang_of(*b)).then(a.cmp(b)));
            for w in members.windows(2) {
                if lang_of(w[0]) == lang_of(w[1]) {
                    let (first, second) = (
                        index.digest(DigestIx(w[0] as u32)),
                        index.digest(DigestIx(w[1] as u32)),
                    );
                    let (d, other) = if first.id > second.id {
                        (first, second)
                    } else {
                        (second, first)
                    };
                    self.error(
                        Problem::TranslationsSameLanguage {
                            id: d.id.0.clone(),
                            other: other.id.0.clone(),
                            lang: lang_of(w[0]).to_string(),
                        },
                        d.locate(&[Seg::Key("translations")]),
                        Some(
                            "give one of them its own `lang:`, or take it out of the group".into(),
                        ),
                    );
                }
            }
            for &m in &members {
                index.digests[m].translations = members
                    .iter()
                    .filter(|&&o| o != m)
                    .map(|&o| DigestIx(o as u32))
                    .collect();
            }
        }
    }

    /// Duplicate ids of every kind (drafts count), actor/source clashes.
    fn check_unique(&mut self) -> AllIds<'s> {
        let c = &self.site.content;
        let mut digests: HashMap<&'s str, usize> = HashMap::new();
        let mut order: Vec<usize> = (0..c.digests.len()).collect();
        order.sort_by(|a, b| c.digests[*a].file.path.cmp(&c.digests[*b].file.path));
        for i in order {
            let d = &c.digests[i];
            if let Some(&first) = digests.get(d.id.as_str()) {
                let other = crate::diagnostics::display_path(&c.digests[first].file.path);
                self.error(
                    Problem::DuplicateId {
                        kind: "digest",
                        id: d.id.0.clone(),
                        other,
                    },
                    Location::file(&d.file.path),
                    Some(
                        "digest ids are unique across all sub-folders: rename one of the files"
                            .into(),
                    ),
                );
            } else {
                digests.insert(d.id.as_str(), i);
            }
        }
        let actors: HashMap<&str, &crate::content::Actor> =
            c.actors.iter().map(|a| (a.id.as_str(), a)).collect();
        for s in &c.sources {
            if let Some(a) = actors.get(s.id.as_str()) {
                self.error(
                    Problem::ActorSourceClash {
                        id: s.id.0.clone(),
                        other: crate::diagnostics::display_path(&a.file.path),
                    },
                    Location::file(&s.file.path),
                    Some("rename one of the two files (and the references to it)".into()),
                );
            }
        }
        let mut quotes: HashMap<&'s str, (usize, usize)> = HashMap::new();
        let mut order: Vec<usize> = (0..c.digests.len()).collect();
        order.sort_by(|a, b| c.digests[*a].file.path.cmp(&c.digests[*b].file.path));
        for i in order {
            let d = &c.digests[i];
            for (position, q) in d.matter.quotes.iter().enumerate() {
                if let Some(&(first, _)) = quotes.get(q.id.as_str()) {
                    let other = crate::diagnostics::display_path(&c.digests[first].file.path);
                    self.error(
                        Problem::DuplicateId {
                            kind: "quote",
                            id: q.id.0.clone(),
                            other,
                        },
                        d.locate(&[Seg::Key("quotes"), Seg::Index(position), Seg::Key("id")]),
                        Some("quote ids are unique across the whole site".into()),
                    );
                } else {
                    quotes.insert(q.id.as_str(), (i, position));
                }
            }
        }
        AllIds { digests, quotes }
    }

    /// Page ids may not take a section's or the site's own top-level names.
    fn check_pages(&mut self) {
        let site = self.site;
        for p in &site.content.pages {
            let id = p.id.as_str();
            if site.config.is_reserved_page_id(id) {
                self.error(
                    Problem::ReservedPageId { id: id.to_string() },
                    Location::file(&p.file.path),
                    Some(format!("rename the file, e.g. `{id}-page.md`")),
                );
            }
        }
    }

    fn resolve_ref<M>(
        &mut self,
        index: &Index<'s>,
        all: &AllIds<'s>,
        e: &Entry<M>,
        r: &BodyRef,
        published: bool,
    ) -> Option<Target> {
        let id = r.id.as_str();
        let (found, draft_exists): (Option<Target>, Option<usize>) = match r.kind {
            RefKind::Actor => (
                index.actor_id(id).map(|x| Target::Page(PageRef::Actor(x))),
                None,
            ),
            RefKind::Source => (
                index
                    .source_id(id)
                    .map(|x| Target::Page(PageRef::Source(x))),
                None,
            ),
            RefKind::Story => (
                index.story_id(id).map(|x| Target::Page(PageRef::Story(x))),
                None,
            ),
            RefKind::Digest => (
                index
                    .digest_id(id)
                    .map(|x| Target::Page(PageRef::Digest(x))),
                all.digests.get(id).copied(),
            ),
            RefKind::Quote => (
                index.quote_id(id).map(Target::Quote),
                all.quotes.get(id).map(|(entry, _)| *entry),
            ),
            RefKind::Cite => return None, // checked while loading
        };
        // Only an unresolved reference needs the ids to suggest from.
        let candidates = || -> Vec<&str> {
            match r.kind {
                RefKind::Actor => index.actor_ids.keys().copied().collect(),
                RefKind::Source => index.source_ids.keys().copied().collect(),
                RefKind::Story => index.story_ids.keys().copied().collect(),
                RefKind::Digest => all.digests.keys().copied().collect(),
                RefKind::Quote => all.quotes.keys().copied().collect(),
                RefKind::Cite => Vec::new(),
            }
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
                    Problem::RefToDraft { kind: kind_name_of(r.kind), id: id.to_string() },
                    e.ref_location(r),
                    Some("publish it (remove `draft: true`), remove the link, or build with `--drafts`".into()),
                );
            }
            return None;
        }
        self.error(
            Problem::UnknownRef {
                kind: kind_name_of(r.kind),
                id: id.to_string(),
            },
            e.ref_location(r),
            did_you_mean(id, candidates()),
        );
        None
    }

    fn body_refs<M>(
        &mut self,
        sink: &mut BacklinkSink,
        index: &Index<'s>,
        all: &AllIds<'s>,
        refs: &[BodyRef],
        e: &Entry<M>,
        from: PageRef,
    ) {
        let published = from != PageRef::Page(PageIx(u32::MAX));
        for r in refs {
            if let Some(t) = self.resolve_ref(index, all, e, r, published) {
                let to = match t {
                    Target::Page(p) => p,
                    Target::Quote(qx) => PageRef::Digest(index.quotes[qx.ix()].digest),
                };
                if published && to != from {
                    sink.0.push((to, from));
                }
            }
        }
    }
}

#[derive(Default)]
struct BacklinkSink(Vec<(PageRef, PageRef)>);

#[derive(Debug, Clone, Copy)]
enum Target {
    Page(PageRef),
    Quote(QuoteIx),
}

fn kind_name_of(kind: RefKind) -> &'static str {
    match kind {
        RefKind::Actor => "actor",
        RefKind::Source => "source",
        RefKind::Story => "story",
        RefKind::Digest => "digest",
        RefKind::Quote => "quote",
        RefKind::Cite => "citation",
    }
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// Related digests from inverted indexes (actor → digests, tag → digests):
/// scored by shared actors plus shared tags, then nearest date, then id.
/// What follows from the digests' own lists: each tag's, actor's, source's
/// and story's digests (newest first), who speaks each quote, co-actors,
/// a story's main actors and related digests.
fn derive(index: &mut Index<'_>) {
    let mut shared: HashMap<(ActorIx, ActorIx), usize> = HashMap::new();
    for (n, d) in index.digests.iter().enumerate() {
        let dx = DigestIx(n as u32);
        for &tx in &d.tags {
            index.tags[tx.ix()].digests.push(dx);
        }
        for &ax in &d.actors {
            index.actors[ax.ix()].digests.push(dx);
        }
        for &sx in &d.stories {
            index.stories[sx.ix()].digests.push(dx);
        }
        let mut cited = Vec::new();
        for sx in d.citation_sources.iter().flatten() {
            push_unique(&mut cited, *sx);
        }
        for sx in cited {
            index.sources[sx.ix()].digests.push(dx);
        }
        for (i, &a) in d.actors.iter().enumerate() {
            for &b in &d.actors[i + 1..] {
                *shared.entry((a.min(b), a.max(b))).or_default() += 1;
            }
        }
    }
    let mut by_date: Vec<QuoteIx> = (0..index.quotes.len() as u32).map(QuoteIx).collect();
    by_date.sort_by(|a, b| {
        let (qa, qb) = (&index.quotes[a.ix()], &index.quotes[b.ix()]);
        qb.date
            .cmp(&qa.date)
            .then_with(|| index.quote(*a).id.cmp(&index.quote(*b).id))
    });
    for qx in by_date {
        match index.quotes[qx.ix()].speaker {
            Speaker::Actor(ax) => index.actors[ax.ix()].quotes.push(qx),
            Speaker::Source(sx) => index.sources[sx.ix()].quotes.push(qx),
        }
    }
    let mut co: Vec<Vec<(ActorIx, usize)>> = vec![Vec::new(); index.actors.len()];
    for (&(a, b), &n) in &shared {
        co[a.ix()].push((b, n));
        co[b.ix()].push((a, n));
    }
    for (a, mut list) in co.into_iter().enumerate() {
        list.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        index.actors[a].connections = list.len();
        list.truncate(CO_ACTORS_MAX);
        index.actors[a].co_actors = list;
    }
    for s in 0..index.stories.len() {
        let mut counts: HashMap<ActorIx, usize> = HashMap::new();
        for dx in &index.stories[s].digests {
            for &ax in &index.digests[dx.ix()].actors {
                *counts.entry(ax).or_default() += 1;
            }
        }
        let mut list: Vec<_> = counts.into_iter().collect();
        list.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        list.truncate(MAIN_ACTORS_MAX);
        index.stories[s].main_actors = list;
    }
    index.shared = shared;
    compute_related(index);
}

fn compute_related(index: &mut Index<'_>) {
    use rayon::prelude::*;
    let n = index.digests.len();
    let ix = &*index;
    let id_of = |o: u32| {
        ix.site.content.digests[ix.digests[o as usize].entry]
            .id
            .as_str()
    };
    let related: Vec<Vec<DigestIx>> = (0..n)
        .into_par_iter()
        .with_min_len(64)
        .map_init(
            || (vec![0u32; n], Vec::<u32>::new()),
            |(scores, touched), i| {
                let d = &ix.digests[i];
                let me = i as u32;
                let lists = d
                    .actors
                    .iter()
                    .map(|a| &ix.actors[a.ix()].digests)
                    .chain(d.tags.iter().map(|t| &ix.tags[t.ix()].digests));
                for list in lists {
                    // Lists are in digest (date) order: the nearest ones.
                    let at = list.partition_point(|o| o.0 < me);
                    let near = &list[at.saturating_sub(RELATED_WINDOW)
                        ..(at + RELATED_WINDOW + 1).min(list.len())];
                    for &o in near {
                        if o.0 != me {
                            let s = &mut scores[o.ix()];
                            if *s == 0 {
                                touched.push(o.0);
                            }
                            *s += 1;
                        }
                    }
                }
                let mut best: Vec<(std::cmp::Reverse<u32>, i64, u32)> = touched
                    .iter()
                    .map(|&o| {
                        let od = &ix.digests[o as usize];
                        (
                            std::cmp::Reverse(scores[o as usize]),
                            (od.date - d.date).num_seconds().abs(),
                            o,
                        )
                    })
                    .collect();
                for &o in touched.iter() {
                    scores[o as usize] = 0;
                }
                touched.clear();
                let cmp = |a: &(std::cmp::Reverse<u32>, i64, u32),
                           b: &(std::cmp::Reverse<u32>, i64, u32)| {
                    a.0.cmp(&b.0)
                        .then(a.1.cmp(&b.1))
                        .then_with(|| id_of(a.2).cmp(id_of(b.2)))
                };
                if best.len() > RELATED_MAX {
                    best.select_nth_unstable_by(RELATED_MAX - 1, cmp);
                    best.truncate(RELATED_MAX);
                }
                best.sort_by(cmp);
                best.into_iter().map(|t| DigestIx(t.2)).collect()
            },
        )
        .collect();
    for (d, r) in index.digests.iter_mut().zip(related) {
        d.related = r;
    }
}

/// Warnings for what is probably a mistake but not an error: an actor no
/// digest involves, a citation nothing cites, a quote with no citation, a
/// digest with no story. Drafts are left alone while they are being written.
pub fn likely_mistakes(index: &Index<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, node) in index.actors.iter().enumerate() {
        if node.digests.is_empty() {
            let a = index.actor(ActorIx(i as u32));
            out.push(
                Diagnostic::warning(format!(
                    "actor `{}` is never mentioned: no digest lists, quotes or links to them",
                    a.id
                ))
                .at(a.locate(&[Seg::Key("name")]))
                .help(format!(
                    "link it from a digest with `[name](actor:{})`, or remove the file",
                    a.id
                )),
            );
        }
    }
    for (i, node) in index.digests.iter().enumerate() {
        let d = index.digest(DigestIx(i as u32));
        if d.matter.draft {
            continue;
        }
        let m = &d.matter;
        if node.stories.is_empty() {
            out.push(
                Diagnostic::warning(format!("digest `{}` belongs to no story", d.id))
                    .at(d.locate(&[Seg::Key("title")]))
                    .help("add `story: ID` so it shows on a story's page and timeline"),
            );
        }
        for (n, c) in m.sources.iter().enumerate() {
            let cited = d
                .refs
                .iter()
                .any(|r| r.kind == RefKind::Cite && r.id == c.id.as_str())
                || m.quotes.iter().any(|q| q.cite.as_ref() == Some(&c.id));
            if !cited {
                out.push(
                    Diagnostic::warning(format!("citation `{}` is never cited", c.id))
                        .at(d.locate(&[Seg::Key("sources"), Seg::Index(n), Seg::Key("id")]))
                        .help(format!(
                            "cite it in the body with `[text](cite:{})` or from a quote's `cite:`",
                            c.id
                        )),
                );
            }
        }
        for (n, q) in m.quotes.iter().enumerate() {
            if q.cite.is_none() {
                out.push(
                    Diagnostic::warning(format!("quote `{}` has no citation", q.id))
                        .at(d.locate(&[Seg::Key("quotes"), Seg::Index(n), Seg::Key("id")]))
                        .help("add `cite: ID` naming the citation where the words were published"),
                );
            }
        }
    }
    out
}
