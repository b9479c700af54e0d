//! Entities as templates see them, built from typed reads of the index.
//!
//! Values are Tera values with static keys; nested values are shared rather
//! than copied (a card holds its stories' links, a quote its speaker's and
//! its digest's, all reference-counted), so a page that lists a hundred
//! cards clones a hundred pointers. Cards and links are built the first time
//! a page asks for one, once per language, and remember the facts they read:
//! every page that shows one depends on those facts too. Rust code never
//! reads these maps back: it reads the index.

use super::i18n::Labels;
use super::reads::{Reader, Reads, Recorded, Whole};
use super::urls::{ActorSort, Urls};
use crate::content::frontmatter::ImageMatter;
use crate::index::{
    ActorIx, DigestIx, PageIx, PageRef, QuoteIx, SourceIx, Speaker, StoryIx, TagIx,
};
use chrono::{DateTime, FixedOffset};
use serde_json::{json, Value as Json};
use std::sync::OnceLock;
use tera::value::Key;
use tera::{Map, Value};

/// A template map being built.
#[derive(Default)]
pub struct Obj(Map);

impl Obj {
    /// An empty map.
    pub fn new() -> Obj {
        Obj::default()
    }

    /// A copy of the map `v` (its values shared) to add entries to.
    pub fn copy_of(v: &Value) -> Obj {
        Obj(v.as_map().cloned().unwrap_or_default())
    }

    /// Sets `key` to text an edition shows and, when it is a fallback in
    /// another language, `lang_key` to that language (for a `lang`
    /// attribute on the element showing it).
    pub fn text(
        self,
        key: &'static str,
        lang_key: &'static str,
        text: Option<crate::input::texts::Shown<'_, str>>,
    ) -> Obj {
        let lang = text.and_then(|t| t.lang);
        let o = self.set(key, text.map(|t| t.as_str()));
        match lang {
            Some(l) => o.set(lang_key, l),
            None => o,
        }
    }

    /// Sets `key`, replacing it if present.
    pub fn set(mut self, key: &'static str, value: impl Into<Value>) -> Obj {
        self.0.insert(Key::Str(key), value.into());
        self
    }
}

impl From<Obj> for Value {
    fn from(o: Obj) -> Value {
        Value::from(o.0)
    }
}

/// A list of values.
pub fn list(items: impl IntoIterator<Item = Value>) -> Value {
    Value::from(items.into_iter().collect::<Vec<_>>())
}

/// A moment as templates see it: `iso`, `day` and `text`.
pub fn date(labels: &Labels, d: &DateTime<FixedOffset>) -> Value {
    Obj::new()
        .set("iso", d.to_rfc3339())
        .set("day", d.format("%Y-%m-%d").to_string())
        .set("text", labels.date(d))
        .into()
}

/// Minutes to read `words` at 220 words a minute, at least one.
fn reading_minutes(words: usize) -> usize {
    words.div_ceil(220).max(1)
}

/// An `extra:` map as a template value (an empty map when absent).
pub fn extra(extra: &crate::input::fields::Extra) -> Value {
    Value::from_serializable(&crate::input::fields::extra_to_json(extra.clone()))
}

/// A value and what building it read.
type Built<T> = (T, Recorded);

/// Values built once per entity, the first time a page asks, with the
/// facts building each one read.
pub struct Lazy<T> {
    slots: Box<[OnceLock<Built<T>>]>,
}

impl<T: Clone> Lazy<T> {
    /// Room for `n` entities.
    pub fn new(n: usize) -> Self {
        Lazy {
            slots: (0..n).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Entity `i`'s value, built with `build` if no page asked yet; the
    /// facts it read are added to `r`'s.
    pub fn get(&self, i: usize, r: &Reader<'_, '_>, build: impl FnOnce(&Reader<'_, '_>) -> T) -> T {
        let (value, facts) = self.slots[i].get_or_init(|| {
            let reads = Reads::default();
            let value = build(&r.with_reads(&reads));
            (value, reads.into_recorded())
        });
        r.extend(facts);
        value.clone()
    }
}

/// The template values of one language's pages.
pub struct Values<'a> {
    /// `site`, shared by every page.
    pub site: Json,
    urls: &'a Urls,
    /// The first edition's URLs: where an entity with nothing in this
    /// edition has its page.
    first_urls: &'a Urls,
    labels: &'a Labels,
    cards: Lazy<Value>,
    digest_links: Lazy<Value>,
    actor_links: Lazy<Value>,
    source_links: Lazy<Value>,
    story_links: Lazy<Value>,
    tag_links: Lazy<Value>,
    page_links: Lazy<Value>,
    images: &'a super::images::Images,
}

impl<'a> Values<'a> {
    /// The values of the view `r` reads, for pages in `lang` at `urls.0`
    /// (`urls.1`: the first edition's). The `site` value is site-wide:
    /// what it reads is not recorded.
    pub fn new(
        r: &Reader<'_, '_>,
        (urls, first_urls): (&'a Urls, &'a Urls),
        labels: &'a Labels,
        lang: &str,
        assets: &super::assets::Assets,
        images: &'a super::images::Images,
    ) -> Values<'a> {
        let config = r.config();
        let p = urls.paths();
        let pages: Vec<Json> = r
            .all_pages(Whole)
            .iter()
            .map(|px| {
                let id = r.page_id(px);
                json!({
                    "id": id,
                    "title": r.page_title(px),
                    "title_lang": r.page_title(px).lang,
                    "url": urls.page(id),
                    "page_kind": "page",
                })
            })
            .collect();
        let site = json!({
            "title": config.title(lang),
            "title_lang": config.title(lang).lang,
            "description": config.description(lang),
            "description_lang": config.description(lang).and_then(|d| d.lang),
            "language": lang,
            "base_url": urls.base_url,
            "base_path": urls.base_path,
            "extra": config.extra,
            "urls": {
                "home": urls.home(),
                "digests": urls.section(&p.digests),
                "actors": urls.section(&p.actors),
                "sources": urls.section(&p.sources),
                "stories": urls.section(&p.stories),
                "tags": urls.section(&p.tags),
                "corrections": urls.section(&p.corrections),
                "corrections_feed": urls.absolute(&format!("{}atom.xml", urls.section(&p.corrections))),
                "search": urls.section("search"),
                "network": urls.section(crate::config::NETWORK_WORD),
                "actors_by_quotes": urls.sorted_actors(ActorSort::Quoted),
                "actors_by_recent": urls.sorted_actors(ActorSort::Recent),
                "feed": urls.absolute(&format!("{}atom.xml", urls.base_path)),
            },
            "style_css": assets.url("style.css").unwrap_or_else(|| format!("{}style.css", urls.root_path)),
            "highlight_css": assets.url("highlight.css").unwrap_or_else(|| format!("{}highlight.css", urls.root_path)),
            "search_js": assets.url("search.js").unwrap_or_else(|| format!("{}search.js", urls.root_path)),
            "menu": menu(r, urls),
            "pages": pages,
        });
        Values {
            site,
            urls,
            first_urls,
            labels,
            cards: Lazy::new(r.all_digests(Whole).len()),
            digest_links: Lazy::new(r.all_digests(Whole).len()),
            actor_links: Lazy::new(r.all_actors(Whole).len()),
            source_links: Lazy::new(r.all_sources(Whole).len()),
            story_links: Lazy::new(r.all_stories(Whole).len()),
            tag_links: Lazy::new(r.all_tags(Whole).len()),
            page_links: Lazy::new(r.all_pages(Whole).len()),
            images,
        }
    }

    /// An image as the `partials/picture.html` template shows it: `src`
    /// (the original, with the base path), `alt` (the editor's, else
    /// `alt`), `caption` and `credit`; for an image of the site that was
    /// resized, its `width`, `height` and the `srcset` of its WebP copies
    /// (all three null otherwise).
    pub fn picture(&self, image: &ImageMatter, alt: &str) -> Value {
        let src = image.src.0.as_str();
        let resized = self.images.get(src);
        Obj::new()
            .set("src", self.urls.image(src))
            .set("alt", image.alt.as_deref().unwrap_or(alt))
            .set("caption", image.caption.as_deref())
            .set("credit", image.credit.as_deref())
            .set("width", resized.map(|r| r.width))
            .set("height", resized.map(|r| r.height))
            .set(
                "srcset",
                resized.map(|r| super::images::srcset(r, &self.urls.root_path)),
            )
            .into()
    }

    /// The resized copies of a body image written `dest`, as the
    /// `picture` value of [`Values::picture`], with its `alt` text.
    pub fn body_picture(&self, dest: &str, alt: &str) -> Option<Value> {
        self.images.get(dest)?;
        let image = ImageMatter {
            src: crate::input::fields::Image(dest.to_string()),
            alt: Some(alt.to_string()),
            ..Default::default()
        };
        Some(self.picture(&image, alt))
    }

    /// The URLs of these pages.
    pub fn urls(&self) -> &'a Urls {
        self.urls
    }

    /// The labels of these pages.
    pub fn labels(&self) -> &'a Labels {
        self.labels
    }

    /// Actor `a`'s page: this edition's, else (nothing of the actor is in
    /// this edition) the first edition's.
    pub fn actor_url(&self, r: &Reader<'_, '_>, a: ActorIx) -> String {
        let urls = if r.has_actor_page(a) {
            self.urls
        } else {
            self.first_urls
        };
        urls.actor(r.actor_id(a))
    }

    /// Source `s`'s page, as [`Values::actor_url`].
    pub fn source_url(&self, r: &Reader<'_, '_>, s: SourceIx) -> String {
        let urls = if r.has_source_page(s) {
            self.urls
        } else {
            self.first_urls
        };
        urls.source(r.source_id(s))
    }

    /// Story `s`'s page, as [`Values::actor_url`].
    pub fn story_url(&self, r: &Reader<'_, '_>, s: StoryIx) -> String {
        let urls = if r.has_story_page(s) {
            self.urls
        } else {
            self.first_urls
        };
        urls.story(r.story_id(s))
    }

    /// A digest's link: `id`, `title`, `url`, `page_kind`.
    pub fn digest_link(&self, r: &Reader<'_, '_>, d: DigestIx) -> Value {
        self.digest_links.get(d.ix(), r, |r| {
            let id = r.digest_id(d);
            r.digest_exists(d);
            link(id, r.digest_title(d), self.urls.digest(id), "digest").into()
        })
    }

    /// An actor's link, with `kind`, `role` and `image`.
    pub fn actor_link(&self, r: &Reader<'_, '_>, a: ActorIx) -> Value {
        self.actor_links.get(a.ix(), r, |r| {
            let id = r.actor_id(a);
            r.actor_exists(a);
            link(id, r.actor_name(a), self.actor_url(r, a), "actor")
                .set("kind", r.actor_kind(a).as_str())
                .text("role", "role_lang", r.actor_role(a))
                .set("image", r.actor_image(a).map(|i| self.urls.image(&i.src.0)))
                .set(
                    "picture",
                    r.actor_image(a)
                        .map(|i| self.picture(i, r.actor_name(a).value)),
                )
                .into()
        })
    }

    /// A source's link, with `kind`.
    pub fn source_link(&self, r: &Reader<'_, '_>, s: SourceIx) -> Value {
        self.source_links.get(s.ix(), r, |r| {
            let id = r.source_id(s);
            r.source_exists(s);
            link(id, r.source_name(s), self.source_url(r, s), "source")
                .set("kind", r.source_kind(s))
                .into()
        })
    }

    /// A story's link.
    pub fn story_link(&self, r: &Reader<'_, '_>, s: StoryIx) -> Value {
        self.story_links.get(s.ix(), r, |r| {
            let id = r.story_id(s);
            r.story_exists(s);
            link(id, r.story_title(s), self.story_url(r, s), "story").into()
        })
    }

    /// A plain page's link.
    pub fn page_link(&self, r: &Reader<'_, '_>, p: PageIx) -> Value {
        self.page_links.get(p.ix(), r, |r| {
            let id = r.page_id(p);
            r.page_exists(p);
            link(id, r.page_title(p), self.urls.page(id), "page").into()
        })
    }

    /// A tag as cards show it: `name`, `slug`, `url`.
    pub fn tag_link(&self, r: &Reader<'_, '_>, t: TagIx) -> Value {
        self.tag_links.get(t.ix(), r, |r| {
            let slug = r.tag_slug(t);
            Obj::new()
                .set("name", r.tag_name(t))
                .set("slug", slug)
                .set("url", self.urls.tag(slug))
                .into()
        })
    }

    /// A tag with the `count` of its digests.
    pub fn tag(&self, r: &Reader<'_, '_>, t: TagIx) -> Value {
        Obj::copy_of(&self.tag_link(r, t))
            .set("count", r.tag_digests(t).len())
            .into()
    }

    /// The link of a page that links to others.
    pub fn link_of(&self, r: &Reader<'_, '_>, p: PageRef) -> Value {
        match p {
            PageRef::Digest(d) => self.digest_link(r, d),
            PageRef::Actor(a) => self.actor_link(r, a),
            PageRef::Source(s) => self.source_link(r, s),
            PageRef::Story(s) => self.story_link(r, s),
            PageRef::Page(p) => self.page_link(r, p),
        }
    }

    /// The link of the actor or source who said quote `q`.
    pub fn speaker(&self, r: &Reader<'_, '_>, q: QuoteIx) -> Value {
        match r.quote_speaker(q) {
            Speaker::Actor(a) => self.actor_link(r, a),
            Speaker::Source(s) => self.source_link(r, s),
        }
    }

    /// A digest's card.
    pub fn card(&self, r: &Reader<'_, '_>, d: DigestIx) -> Value {
        self.cards.get(d.ix(), r, |r| {
            let l = self.labels;
            let words = r.digest_words(d);
            let id = r.digest_id(d);
            Obj::new()
                .set("id", id)
                .set("title", r.digest_title(d))
                .set("url", self.urls.digest(id))
                .set("date", date(l, &r.digest_date(d)))
                .set("updated", r.digest_updated(d).map(|u| date(l, &u)))
                .set("summary", r.digest_summary(d))
                .set(
                    "authors",
                    r.digest_authors(d)
                        .iter()
                        .map(|a| a.0.as_str())
                        .collect::<Vec<_>>(),
                )
                .set(
                    "stories",
                    list(r.digest_stories(d).iter().map(|s| self.story_link(r, *s))),
                )
                .set(
                    "tags",
                    list(r.digest_tags(d).iter().map(|t| self.tag_link(r, *t))),
                )
                .set(
                    "image",
                    r.digest_image(d).map(|i| self.urls.image(&i.src.0)),
                )
                .set("picture", r.digest_image(d).map(|i| self.picture(i, "")))
                .set("quote_count", r.digest_quotes(d).len())
                .set("draft", r.digest_draft(d))
                .set("word_count", words)
                .set("reading_time", reading_minutes(words))
                .into()
        })
    }

    /// A digest's corrections as its page shows them, newest first:
    /// `date`, `text`, `was`, and the `anchor` each has on the page.
    pub fn corrections(&self, r: &Reader<'_, '_>, d: DigestIx) -> Value {
        let tz = r.config().timezone;
        let all = r.digest_corrections(d);
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.sort_by_key(|n| std::cmp::Reverse((crate::index::moment(all[*n].date, tz), *n)));
        list(order.into_iter().map(|n| {
            let c = &all[n];
            Obj::new()
                .set("date", date(self.labels, &crate::index::moment(c.date, tz)))
                .set("text", c.text.0.as_str())
                .set("was", c.was.as_deref())
                .set("anchor", correction_anchor(n))
                .into()
        }))
    }

    /// Quote `q` as templates see it. Built where a page shows it, not
    /// kept: quotes are the most numerous values (350,000 maps of 16
    /// entries, 0.4 GB, at 100,000 digests) and each is shown on about two
    /// pages.
    pub fn quote(&self, r: &Reader<'_, '_>, q: QuoteIx) -> Value {
        let l = self.labels;
        let fields = r.quote_fields(q);
        let d = r.quote_digest(q);
        let citation = r.quote_citation(q).map(|n| {
            let (citations, _) = r.digest_citations(d);
            Obj::new()
                .set("number", n + 1)
                .set("title", r.citation_title(d, n))
                .set("url", citations[n].url.0.as_str())
        });
        let original_lang = fields.original_lang.as_deref();
        let tz = r.config().timezone;
        Obj::new()
            .set("id", fields.id.as_str())
            .set("anchor", format!("q-{}", fields.id))
            .set("text", fields.text.0.as_str())
            .set("original", fields.original.as_deref())
            .set("original_lang", original_lang)
            .set(
                "original_lang_name",
                original_lang.map(|o| l.language_name(o)),
            )
            .set("original_dir", original_lang.map(Labels::dir))
            .set("lang", r.digest_language(d))
            .set(
                "said",
                fields.said.map(|s| date(l, &crate::index::moment(s, tz))),
            )
            .set("date", date(l, &r.quote_date(q)))
            .set("context", fields.context.as_deref())
            .set("speaker", self.speaker(r, q))
            .set("digest", self.digest_link(r, d))
            .set("url", self.quote_url(r, q))
            .set("citation", citation)
            .into()
    }

    /// Quotes `quotes`.
    pub fn quotes(&self, r: &Reader<'_, '_>, quotes: &[QuoteIx]) -> Value {
        list(quotes.iter().map(|q| self.quote(r, *q)))
    }

    /// Quote `q`'s URL: its digest's page, at its anchor.
    pub fn quote_url(&self, r: &Reader<'_, '_>, q: QuoteIx) -> String {
        let d = r.quote_digest(q);
        r.digest_exists(d);
        format!("{}#q-{}", self.urls.digest(r.digest_id(d)), r.quote_id(q))
    }

    /// Links of `actors` with a `count` each.
    pub fn counted_actors(&self, r: &Reader<'_, '_>, actors: &[(ActorIx, usize)]) -> Value {
        list(actors.iter().map(|(a, n)| {
            Obj::copy_of(&self.actor_link(r, *a))
                .set("count", *n)
                .into()
        }))
    }
}

/// The anchor of correction `n` (from 0, in front-matter order) on its
/// digest's page: `correction-1`.
pub fn correction_anchor(n: usize) -> String {
    format!("correction-{}", n + 1)
}

/// Every correction of the published digests `r` reads, newest first (by
/// its date, then its digest's order, then its own): when, digest, and
/// its position in the digest's `corrections:`.
pub fn corrections_log(r: &Reader<'_, '_>) -> Vec<(DateTime<FixedOffset>, DigestIx, usize)> {
    let tz = r.config().timezone;
    let mut all = Vec::new();
    for d in r.all_digests(Whole).iter() {
        if r.digest_draft(d) {
            continue;
        }
        for (n, c) in r.digest_corrections(d).iter().enumerate() {
            all.push((crate::index::moment(c.date, tz), d, n));
        }
    }
    all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(b.2.cmp(&a.2)));
    all
}

/// An entity's link: `id`, `title` (with `title_lang` when it is a
/// fallback in another language), `url`, `page_kind`.
fn link<'a>(
    id: &str,
    title: impl Into<crate::input::texts::Shown<'a, str>>,
    url: String,
    page_kind: &'static str,
) -> Obj {
    Obj::new()
        .set("id", id)
        .text("title", "title_lang", Some(title.into()))
        .set("url", url)
        .set("page_kind", page_kind)
}

/// `site.menu`: each entry of site.yaml's `menu:` as `title`, `url` and
/// `page_kind` (`page` or `link`). Site paths are taken from the site's
/// root, as images are.
fn menu(r: &Reader<'_, '_>, urls: &Urls) -> Json {
    use crate::menu::MenuItem;
    let entries = r.config().menu.iter().filter_map(|item| match item {
        MenuItem::Page { id, title, .. } => {
            // Resolving reported entries that name no published page.
            let page = r.all_pages(Whole).iter().find(|p| r.page_id(*p) == id)?;
            Some(json!({
                "title": title.as_deref().unwrap_or(&r.page_title(page)),
                "url": urls.section(id),
                "page_kind": "page",
            }))
        }
        MenuItem::Link { title, url } => Some(json!({
            "title": title,
            "url": urls.image(url),
            "page_kind": "link",
        })),
    });
    Json::Array(entries.collect())
}
