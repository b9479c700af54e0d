//! Each entity's template value, built once per language, straight into
//! Tera values: keys are static strings (no key is allocated), and nested
//! values are shared rather than copied (a card holds its stories' links, a
//! quote its speaker's and its digest's, all reference-counted), so a page
//! that lists a hundred cards clones a hundred pointers. Pages assemble
//! their contexts from these (`render::context`).

use super::context::{ActorSort, Urls};
use super::i18n::Labels;
use crate::index::{ActorIx, DigestIx, Index, PageIx, QuoteIx, SourceIx, Speaker, StoryIx};
use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use serde_json::{json, Value as Json};
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

/// A list of shared values.
pub fn list<'v>(items: impl IntoIterator<Item = &'v Value>) -> Value {
    Value::from(items.into_iter().cloned().collect::<Vec<_>>())
}

/// The string at `key` (a dotted path) of the map `v`, if there is one.
pub fn opt_text<'v>(v: &'v Value, key: &'static str) -> Option<&'v str> {
    v.get_from_path(key).and_then(Value::as_str)
}

/// The string at `key` (a dotted path) of the map `v`; empty when absent.
pub fn text<'v>(v: &'v Value, key: &'static str) -> &'v str {
    opt_text(v, key).unwrap_or_default()
}

/// The value at `key` of the map `v` (shared); none when absent.
pub fn field(v: &Value, key: &'static str) -> Value {
    v.get_from_path(key).cloned().unwrap_or_else(Value::none)
}

/// Each entity's template value, built once.
pub struct Values {
    /// `site`.
    pub site: Json,
    /// Actor links.
    pub actors: Vec<Value>,
    /// Source links.
    pub sources: Vec<Value>,
    /// Story links.
    pub stories: Vec<Value>,
    /// Tags.
    pub tags: Vec<Value>,
    /// Digest links (`id`, `title`, `url`).
    pub digest_links: Vec<Value>,
    /// Digest cards.
    pub cards: Vec<Value>,
    /// Each digest's date, shared by its card and its quotes.
    dates: Vec<Value>,
    /// Page links.
    pub pages: Vec<Value>,
}

/// A moment as templates see it: `iso`, `day` and `text`.
pub fn date(labels: &Labels, d: &DateTime<FixedOffset>) -> Value {
    Obj::new()
        .set("iso", d.to_rfc3339())
        .set("day", d.format("%Y-%m-%d").to_string())
        .set("text", labels.date(d))
        .into()
}

/// An entity's link: `id`, `title`, `url`, `page_kind`.
fn link(id: &str, title: &str, url: String, page_kind: &'static str) -> Obj {
    Obj::new()
        .set("id", id)
        .set("title", title)
        .set("url", url)
        .set("page_kind", page_kind)
}

impl Values {
    /// Builds every entity's value, for pages in `lang`.
    pub fn build(
        index: &Index<'_>,
        urls: &Urls,
        labels: &Labels,
        lang: &str,
        assets: &super::assets::Assets,
    ) -> Values {
        let site = index.site;
        let config = &site.config;
        let actors: Vec<Value> = (0..index.actors.len())
            .map(|i| {
                let a = index.actor(ActorIx(i as u32));
                link(
                    a.id.as_str(),
                    &a.matter.name.0,
                    urls.actor(a.id.as_str()),
                    "actor",
                )
                .set("kind", a.matter.kind.as_str())
                .set("role", a.matter.role.as_deref())
                .set("image", a.matter.image.as_ref().map(|i| urls.image(&i.0)))
                .into()
            })
            .collect();
        let sources: Vec<Value> = (0..index.sources.len())
            .map(|i| {
                let s = index.source(SourceIx(i as u32));
                link(
                    s.id.as_str(),
                    &s.matter.name.0,
                    urls.source(s.id.as_str()),
                    "source",
                )
                .set("kind", s.matter.kind.as_str())
                .into()
            })
            .collect();
        let stories: Vec<Value> = (0..index.stories.len())
            .map(|i| {
                let s = index.story(StoryIx(i as u32));
                link(
                    s.id.as_str(),
                    &s.matter.title.0,
                    urls.story(s.id.as_str()),
                    "story",
                )
                .into()
            })
            .collect();
        let tags: Vec<Value> = index
            .tags
            .iter()
            .map(|t| {
                Obj::new()
                    .set("name", t.name.as_str())
                    .set("slug", t.slug.as_str())
                    .set("url", urls.tag(&t.slug))
                    .set("count", t.digests.len())
                    .into()
            })
            .collect();
        let digest_links: Vec<Value> = (0..index.digests.len())
            .into_par_iter()
            .map(|i| {
                let d = index.digest(DigestIx(i as u32));
                link(
                    d.id.as_str(),
                    &d.matter.title.0,
                    urls.digest(d.id.as_str()),
                    "digest",
                )
                .into()
            })
            .collect();
        let dates: Vec<Value> = index
            .digests
            .par_iter()
            .map(|node| date(labels, &node.date))
            .collect();
        let cards: Vec<Value> = index
            .digests
            .par_iter()
            .enumerate()
            .map(|(i, node)| {
                let d = index.digest(DigestIx(i as u32));
                let m = &d.matter;
                let l = &digest_links[i];
                Obj::new()
                    .set("id", field(l, "id"))
                    .set("title", field(l, "title"))
                    .set("url", field(l, "url"))
                    .set("date", dates[i].clone())
                    .set("updated", node.updated.map(|u| date(labels, &u)))
                    .set("summary", summary(d))
                    .set(
                        "authors",
                        m.authors.0.iter().map(|a| a.0.as_str()).collect::<Vec<_>>(),
                    )
                    .set(
                        "stories",
                        list(node.stories.iter().map(|s| &stories[s.ix()])),
                    )
                    .set("tags", list(node.tags.iter().map(|t| &tags[t.ix()])))
                    .set("image", m.image.as_ref().map(|i| urls.image(&i.0)))
                    .set("quote_count", node.quotes.len())
                    .set("draft", m.draft)
                    .set("word_count", d.words)
                    .set("reading_time", reading_minutes(d.words))
                    .into()
            })
            .collect();
        let pages: Vec<Value> = (0..index.pages.len())
            .map(|i| {
                let p = index.page(PageIx(i as u32));
                link(
                    p.id.as_str(),
                    &p.matter.title.0,
                    urls.section(p.id.as_str()),
                    "page",
                )
                .into()
            })
            .collect();
        let p = &config.paths;
        let site_value = json!({
            "title": config.title,
            "description": config.description,
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
                "search": urls.section("search"),
                "network": urls.section(crate::config::NETWORK_WORD),
                "actors_by_quotes": urls.sorted_actors(ActorSort::Quoted),
                "actors_by_recent": urls.sorted_actors(ActorSort::Recent),
                "feed": urls.absolute(&format!("{}atom.xml", urls.base_path)),
            },
            "style_css": assets.url("style.css").unwrap_or_else(|| format!("{}style.css", urls.root_path)),
            "highlight_css": assets.url("highlight.css").unwrap_or_else(|| format!("{}highlight.css", urls.root_path)),
            "search_js": assets.url("search.js").unwrap_or_else(|| format!("{}search.js", urls.root_path)),
            "menu": menu(index, urls),
            "pages": pages.iter().map(|p| json!({
                "id": text(p, "id"),
                "title": text(p, "title"),
                "url": text(p, "url"),
                "page_kind": "page",
            })).collect::<Vec<_>>(),
        });
        Values {
            site: site_value,
            actors,
            sources,
            stories,
            tags,
            digest_links,
            cards,
            dates,
            pages,
        }
    }

    /// Quote `qx` as templates see it. Built where a page shows it, not
    /// kept: quotes are the most numerous values (350,000 maps of 16
    /// entries, 0.4 GB, at 100,000 digests) and each is shown on about two
    /// pages.
    pub fn quote(&self, index: &Index<'_>, labels: &Labels, qx: QuoteIx) -> Value {
        let config = &index.site.config;
        let node = &index.quotes[qx.ix()];
        let q = index.quote(qx);
        let d = index.digest(node.digest);
        let citation = node.citation.map(|n| {
            Obj::new()
                .set("number", n + 1)
                .set("title", citation_title(index, node.digest, n))
                .set("url", d.matter.sources[n].url.0.as_str())
        });
        let original_lang = q.original_lang.as_deref();
        let quote_date = if node.date == index.digests[node.digest.ix()].date {
            self.dates[node.digest.ix()].clone()
        } else {
            date(labels, &node.date)
        };
        Obj::new()
            .set("id", q.id.as_str())
            .set("anchor", format!("q-{}", q.id))
            .set("text", q.text.0.as_str())
            .set("original", q.original.as_deref())
            .set("original_lang", original_lang)
            .set(
                "original_lang_name",
                original_lang.map(|l| labels.language_name(l)),
            )
            .set("original_dir", original_lang.map(Labels::dir))
            .set(
                "lang",
                d.matter.lang.as_deref().unwrap_or(config.language.as_str()),
            )
            .set(
                "said",
                q.said
                    .map(|s| date(labels, &crate::index::moment(s, config.timezone))),
            )
            .set("date", quote_date)
            .set("context", q.context.as_deref())
            .set("speaker", self.speaker(index, qx).clone())
            .set("digest", self.digest_links[node.digest.ix()].clone())
            .set("url", self.quote_url(index, qx))
            .set("citation", citation)
            .into()
    }

    /// The link of the actor or source who said quote `qx`.
    pub fn speaker(&self, index: &Index<'_>, qx: QuoteIx) -> &Value {
        match index.quotes[qx.ix()].speaker {
            Speaker::Actor(a) => &self.actors[a.ix()],
            Speaker::Source(s) => &self.sources[s.ix()],
        }
    }

    /// Quote `qx`'s URL: its digest's page, at its anchor.
    pub fn quote_url(&self, index: &Index<'_>, qx: QuoteIx) -> String {
        let digest = &self.digest_links[index.quotes[qx.ix()].digest.ix()];
        format!("{}#q-{}", text(digest, "url"), index.quote(qx).id)
    }
}

/// `site.menu`: each entry of site.yaml's `menu:` as `title`, `url` and
/// `page_kind` (`page` or `link`). Site paths are taken from the site's
/// root, as images are.
fn menu(index: &Index<'_>, urls: &Urls) -> Json {
    use crate::menu::MenuItem;
    let entries = index.site.config.menu.iter().filter_map(|item| match item {
        MenuItem::Page { id, title, .. } => {
            // Resolving reported entries that name no published page.
            let page = (0..index.pages.len())
                .map(|i| index.page(PageIx(i as u32)))
                .find(|p| p.id.as_str() == id)?;
            Some(json!({
                "title": title.as_deref().unwrap_or(&page.matter.title.0),
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

/// Minutes to read `words` at 220 words a minute, at least one.
fn reading_minutes(words: usize) -> usize {
    words.div_ceil(220).max(1)
}

/// A digest's summary: its own, or its body's first paragraph.
pub fn summary(d: &crate::content::Digest) -> String {
    d.matter
        .summary
        .clone()
        .or_else(|| d.first_paragraph.clone())
        .unwrap_or_default()
}

/// A citation's title: its own, else its outlet's name, else its URL's host.
pub fn citation_title(index: &Index<'_>, dx: DigestIx, n: usize) -> String {
    let d = index.digest(dx);
    let c = &d.matter.sources[n];
    c.title
        .clone()
        .or_else(|| {
            index.digests[dx.ix()].citation_sources[n]
                .map(|s| index.source(s).matter.name.0.clone())
        })
        .unwrap_or_else(|| {
            url::Url::parse(&c.url.0)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_else(|| c.url.0.clone())
        })
}
