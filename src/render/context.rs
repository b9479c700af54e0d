//! Template values: each entity becomes a value once, and each page's context
//! is assembled from those values, holding only what the page shows.

use super::i18n::Labels;
use super::memo::{self, Memo, PageContext};
use super::{Engine, OutputFile};
use crate::config::Paths;
use crate::content::Entry;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::index::{
    ActorIx, DigestIx, Index, PageIx, PageRef, QuoteIx, SourceIx, Speaker, StoryIx, TagIx,
};
use crate::markdown::{self, RefKind};
use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use serde_json::{json, Value as Json};
use std::collections::HashSet;
use tera::Context;

/// The site's URLs: root-relative links that carry the base path, and
/// absolute permalinks.
#[derive(Debug, Clone)]
pub struct Urls {
    /// Absolute, ending in `/`.
    pub base_url: String,
    /// `/`, or `/sub/path/` for a site deployed under a path.
    pub base_path: String,
    /// The site's `base_url` and `base_path`: the same but for a language
    /// other than the site's, whose pages live under `<lang>/`.
    root_url: String,
    pub(super) root_path: String,
    paths: Paths,
}

impl Urls {
    /// URLs for a site at `base_url`.
    pub fn new(base_url: &str, paths: &Paths) -> Urls {
        let base_path = url::Url::parse(base_url)
            .map(|u| u.path().to_string())
            .unwrap_or_else(|_| "/".into());
        let base_path = if base_path.ends_with('/') {
            base_path
        } else {
            format!("{base_path}/")
        };
        Urls {
            base_url: base_url.to_string(),
            root_url: base_url.to_string(),
            root_path: base_path.clone(),
            base_path,
            paths: paths.clone(),
        }
    }
    /// The URLs of a language's pages: under `/<lang>/`.
    pub fn in_language(&self, lang: &str) -> Urls {
        Urls {
            base_url: format!("{}{lang}/", self.base_url),
            base_path: format!("{}{lang}/", self.base_path),
            root_url: self.root_url.clone(),
            root_path: self.root_path.clone(),
            paths: self.paths.clone(),
        }
    }
    /// The home page.
    pub fn home(&self) -> String {
        self.base_path.clone()
    }
    /// A list page: `/<word>/`.
    pub fn section(&self, word: &str) -> String {
        format!("{}{word}/", self.base_path)
    }
    /// An item page: `/<word>/<id>/`.
    pub fn item(&self, word: &str, id: &str) -> String {
        format!("{}{word}/{id}/", self.base_path)
    }
    /// Page `n` of a paginated list.
    pub fn paginated(list: &str, n: usize) -> String {
        if n <= 1 {
            list.to_string()
        } else {
            format!("{list}page/{n}/")
        }
    }
    /// The absolute URL of a root-relative one.
    pub fn absolute(&self, url: &str) -> String {
        format!(
            "{}{}",
            self.root_url,
            url.strip_prefix(&self.root_path)
                .unwrap_or(url.trim_start_matches('/'))
        )
    }
    /// The actors list in another order: `/<actors>/sort/<key>/`, two
    /// levels deep so no actor id can take its URL.
    pub fn sorted_actors(&self, sort: ActorSort) -> String {
        match sort {
            ActorSort::Name => self.section(&self.paths.actors),
            _ => format!("{}sort/{}/", self.section(&self.paths.actors), sort.key()),
        }
    }
    /// The output file of a page URL.
    pub fn file_of(&self, url: &str) -> String {
        let rel = url
            .strip_prefix(&self.root_path)
            .unwrap_or(url.trim_start_matches('/'));
        if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.to_string()
        }
    }
    fn digest(&self, id: &str) -> String {
        self.item(&self.paths.digests, id)
    }
    fn actor(&self, id: &str) -> String {
        self.item(&self.paths.actors, id)
    }
    fn source(&self, id: &str) -> String {
        self.item(&self.paths.sources, id)
    }
    fn story(&self, id: &str) -> String {
        self.item(&self.paths.stories, id)
    }
    fn tag(&self, slug: &str) -> String {
        self.item(&self.paths.tags, slug)
    }
    /// An image path of the site, with the base path; URLs stay as they are.
    pub(super) fn image(&self, image: &str) -> String {
        match image.strip_prefix('/') {
            Some(rel) => format!("{}{rel}", self.root_path),
            None => image.to_string(),
        }
    }
}

/// The site's languages as pages see them: where each one's pages live,
/// and every digest as a version link, wherever its language puts it.
pub struct Languages<'a, 's> {
    /// The whole site's index (every language).
    pub full: &'a Index<'s>,
    /// Each language with the URLs of its pages, the site's language first;
    /// one entry when the site declares no `languages:`.
    pub each: Vec<(String, Urls)>,
    /// Each digest of `full` as a version: `lang`, `name`, `dir`, `title`,
    /// `url`, `permalink`.
    pub versions: Vec<Json>,
}

impl<'a, 's> Languages<'a, 's> {
    /// The languages of `full`'s site; `each` as [`Languages::each`].
    pub fn new(full: &'a Index<'s>, each: Vec<(String, Urls)>) -> Self {
        let versions = (0..full.digests.len() as u32)
            .map(|i| {
                let dx = DigestIx(i);
                let lang = full.lang_of(dx);
                let urls = each
                    .iter()
                    .find(|(l, _)| l == lang)
                    .map_or(&each[0].1, |(_, u)| u);
                let d = full.digest(dx);
                let url = urls.digest(d.id.as_str());
                json!({
                    "lang": lang,
                    "name": super::i18n::endonym(lang),
                    "dir": Labels::dir(lang),
                    "title": d.matter.title.0,
                    "permalink": urls.absolute(&url),
                    "url": url,
                })
            })
            .collect();
        Languages {
            full,
            each,
            versions,
        }
    }

    /// The same page (`url`, under `urls`) in every language, as versions;
    /// empty on a site of one language.
    fn alternates(&self, urls: &Urls, url: &str) -> Vec<Json> {
        if self.each.len() < 2 {
            return Vec::new();
        }
        let rel = url.strip_prefix(&urls.base_path).unwrap_or(url);
        self.each
            .iter()
            .map(|(lang, u)| {
                let url = format!("{}{rel}", u.base_path);
                json!({
                    "lang": lang,
                    "name": super::i18n::endonym(lang),
                    "dir": Labels::dir(lang),
                    "permalink": u.absolute(&url),
                    "url": url,
                })
            })
            .collect()
    }
}

/// Each entity's template value, built once.
pub struct Values {
    /// `site`.
    pub site: Json,
    /// Actor links.
    pub actors: Vec<Json>,
    /// Source links.
    pub sources: Vec<Json>,
    /// Story links.
    pub stories: Vec<Json>,
    /// Tags.
    pub tags: Vec<Json>,
    /// Digest links (`id`, `title`, `url`).
    pub digest_links: Vec<Json>,
    /// Digest cards.
    pub cards: Vec<Json>,
    /// Quotes.
    pub quotes: Vec<Json>,
    /// Page links.
    pub pages: Vec<Json>,
}

fn date(labels: &Labels, d: &DateTime<FixedOffset>) -> Json {
    json!({
        "iso": d.to_rfc3339(),
        "day": d.format("%Y-%m-%d").to_string(),
        "text": labels.date(d),
    })
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
        let actors: Vec<Json> = (0..index.actors.len())
            .map(|i| {
                let a = index.actor(ActorIx(i as u32));
                json!({
                    "id": a.id.as_str(),
                    "title": a.matter.name.0,
                    "url": urls.actor(a.id.as_str()),
                    "kind": a.matter.kind.as_str(),
                    "role": a.matter.role,
                    "image": a.matter.image.as_ref().map(|i| urls.image(&i.0)),
                    "page_kind": "actor",
                })
            })
            .collect();
        let sources: Vec<Json> = (0..index.sources.len())
            .map(|i| {
                let s = index.source(SourceIx(i as u32));
                json!({
                    "id": s.id.as_str(),
                    "title": s.matter.name.0,
                    "url": urls.source(s.id.as_str()),
                    "kind": s.matter.kind.as_str(),
                    "page_kind": "source",
                })
            })
            .collect();
        let stories: Vec<Json> = (0..index.stories.len())
            .map(|i| {
                let s = index.story(StoryIx(i as u32));
                json!({
                    "id": s.id.as_str(),
                    "title": s.matter.title.0,
                    "url": urls.story(s.id.as_str()),
                    "page_kind": "story",
                })
            })
            .collect();
        let tags: Vec<Json> = index
            .tags
            .iter()
            .map(|t| json!({"name": t.name, "slug": t.slug, "url": urls.tag(&t.slug), "count": t.digests.len()}))
            .collect();
        let digest_links: Vec<Json> = (0..index.digests.len())
            .map(|i| {
                let d = index.digest(DigestIx(i as u32));
                json!({
                    "id": d.id.as_str(),
                    "title": d.matter.title.0,
                    "url": urls.digest(d.id.as_str()),
                    "page_kind": "digest",
                })
            })
            .collect();
        let cards: Vec<Json> = index
            .digests
            .par_iter()
            .enumerate()
            .map(|(i, node)| {
                let d = index.digest(DigestIx(i as u32));
                let m = &d.matter;
                json!({
                    "id": d.id.as_str(),
                    "title": m.title.0,
                    "url": urls.digest(d.id.as_str()),
                    "date": date(labels, &node.date),
                    "updated": node.updated.map(|u| date(labels, &u)),
                    "summary": summary(d),
                    "authors": m.authors.0.iter().map(|a| a.0.as_str()).collect::<Vec<_>>(),
                    "stories": node.stories.iter().map(|s| stories[s.ix()].clone()).collect::<Vec<_>>(),
                    "tags": node.tags.iter().map(|t| tags[t.ix()].clone()).collect::<Vec<_>>(),
                    "image": m.image.as_ref().map(|i| urls.image(&i.0)),
                    "quote_count": node.quotes.len(),
                    "draft": m.draft,
                    "word_count": d.words,
                    "reading_time": reading_minutes(d.words),
                })
            })
            .collect();
        let quotes: Vec<Json> = (0..index.quotes.len())
            .map(|i| {
                let qx = QuoteIx(i as u32);
                let node = &index.quotes[i];
                let q = index.quote(qx);
                let d = index.digest(node.digest);
                let speaker = match node.speaker {
                    Speaker::Actor(a) => actors[a.ix()].clone(),
                    Speaker::Source(s) => sources[s.ix()].clone(),
                };
                let citation = node.citation.map(|n| {
                    let c = &d.matter.sources[n];
                    json!({"number": n + 1, "title": citation_title(index, node.digest, n), "url": c.url.0})
                });
                let digest_url = urls.digest(d.id.as_str());
                json!({
                    "id": q.id.as_str(),
                    "anchor": format!("q-{}", q.id),
                    "text": q.text.0,
                    "original": q.original,
                    "original_lang": q.original_lang,
                    "original_lang_name": q.original_lang.as_deref().map(|l| labels.language_name(l)),
                    "original_dir": q.original_lang.as_deref().map(Labels::dir),
                    "lang": d.matter.lang.clone().unwrap_or_else(|| config.language.clone()),
                    "said": q.said.map(|s| date(labels, &crate::index::moment(s, config.timezone))),
                    "date": date(labels, &node.date),
                    "context": q.context,
                    "speaker": speaker,
                    "digest": digest_links[node.digest.ix()].clone(),
                    "url": format!("{digest_url}#q-{}", q.id),
                    "citation": citation,
                })
            })
            .collect();
        let pages: Vec<Json> = (0..index.pages.len())
            .map(|i| {
                let p = index.page(PageIx(i as u32));
                json!({"id": p.id.as_str(), "title": p.matter.title.0, "url": urls.section(p.id.as_str()), "page_kind": "page"})
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
            "pages": pages,
        });
        Values {
            site: site_value,
            actors,
            sources,
            stories,
            tags,
            digest_links,
            cards,
            quotes,
            pages,
        }
    }
}

/// Minutes to read `words` at 220 words a minute, at least one.
fn reading_minutes(words: usize) -> usize {
    words.div_ceil(220).max(1)
}

/// An order of the actors list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorSort {
    /// By id (the list's own URL).
    Name,
    /// Most quotes first.
    Quoted,
    /// Newest quote first.
    Recent,
}

impl ActorSort {
    const ALL: [ActorSort; 3] = [ActorSort::Name, ActorSort::Quoted, ActorSort::Recent];
    fn key(self) -> &'static str {
        match self {
            ActorSort::Name => "name",
            ActorSort::Quoted => "quoted",
            ActorSort::Recent => "recent",
        }
    }
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
fn citation_title(index: &Index<'_>, dx: DigestIx, n: usize) -> String {
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

fn version_url(version: &Json) -> String {
    version["url"].as_str().unwrap_or_default().to_string()
}

/// Renders pages: holds the index, engine and values, and the rendered bodies.
pub struct PageRenderer<'a, 's> {
    index: &'a Index<'s>,
    engine: &'a Engine,
    values: &'a Values,
    urls: &'a Urls,
    labels: &'a Labels,
    /// Every language's URLs and digest versions.
    languages: &'a Languages<'a, 's>,
    /// Each digest's index in `languages.full`.
    origin: &'a [DigestIx],
    /// The language of these pages.
    lang: &'a str,
    /// Rendered digest bodies, by digest index.
    pub bodies: Vec<String>,
    errors: Vec<Diagnostic>,
    /// Cards and quotes as Tera values, converted once (Arc-backed: cheap to clone).
    cards_tv: Vec<tera::Value>,
    quotes_tv: Vec<tera::Value>,
    /// Each story's timeline, built once for all its pages.
    timelines: Vec<tera::Value>,
    /// Each story's timeline chart, built once for all its pages.
    timeline_charts: Vec<tera::Value>,
    /// Each story's body, rendered once for all its pages.
    story_bodies: Vec<Result<String, Diagnostic>>,
    /// The dev server's memo: the last render, and this one's.
    memo: Option<MemoState<'a>>,
}

struct MemoState<'a> {
    previous: &'a Memo,
    /// Hash of everything all pages share (labels, assets, site values).
    global: u64,
    next: std::sync::Mutex<Memo>,
}

/// One page to render.
#[derive(Debug, Clone, Copy)]
enum Job {
    Home,
    NotFound,
    Digests(usize),
    Digest(DigestIx),
    Actors(ActorSort),
    Actor(ActorIx, usize),
    Network,
    Sources,
    Source(SourceIx, usize),
    Stories,
    Story(StoryIx, usize),
    Tags,
    Tag(TagIx, usize),
    Page(PageIx),
    Search,
}

struct BodyResolver<'r, 'a, 's> {
    r: &'r PageRenderer<'a, 's>,
    /// The digest whose body this is (for `cite:` and quote anchors).
    digest: Option<DigestIx>,
    errors: std::cell::RefCell<Vec<Diagnostic>>,
}

impl markdown::Resolver for BodyResolver<'_, '_, '_> {
    fn url(&self, kind: RefKind, id: &str) -> Option<String> {
        let ix = self.r.index;
        let u = self.r.urls;
        match kind {
            RefKind::Actor => ix.actor_id(id).map(|_| u.actor(id)),
            RefKind::Source => ix.source_id(id).map(|_| u.source(id)),
            RefKind::Story => ix.story_id(id).map(|_| u.story(id)),
            // Digests and quotes may be in another language, with its own pages.
            RefKind::Digest => {
                let l = self.r.languages;
                l.full
                    .digest_id(id)
                    .map(|d| version_url(&l.versions[d.ix()]))
            }
            RefKind::Quote => {
                let l = self.r.languages;
                l.full.quote_id(id).map(|q| {
                    let digest = l.full.quotes[q.ix()].digest;
                    format!("{}#q-{id}", version_url(&l.versions[digest.ix()]))
                })
            }
            RefKind::Cite => None,
        }
    }
    fn citation(&self, id: &str) -> Option<(usize, String)> {
        let d = self.r.index.digest(self.digest?);
        d.matter
            .sources
            .iter()
            .position(|c| c.id.as_str() == id)
            .map(|n| (n + 1, d.matter.sources[n].url.0.clone()))
    }
    fn embed(&self, quote_id: &str) -> Option<String> {
        let qx = self.r.index.quote_id(quote_id)?;
        let own = Some(self.r.index.quotes[qx.ix()].digest) == self.digest;
        match self.r.quote_card(qx, own) {
            Ok(html) => Some(html),
            Err(d) => {
                self.errors.borrow_mut().push(d);
                None
            }
        }
    }
}

impl<'a, 's> PageRenderer<'a, 's> {
    /// Prepares rendering; digest bodies are rendered here, once, in parallel.
    pub fn new(
        index: &'a Index<'s>,
        engine: &'a Engine,
        values: &'a Values,
        urls: &'a Urls,
        labels: &'a Labels,
        languages: (&'a Languages<'a, 's>, &'a [DigestIx], &'a str),
        memo: Option<(&'a Memo, u64)>,
    ) -> Self {
        let mut r = PageRenderer {
            index,
            engine,
            values,
            urls,
            labels,
            languages: languages.0,
            origin: languages.1,
            lang: languages.2,
            bodies: Vec::new(),
            errors: Vec::new(),
            cards_tv: values
                .cards
                .par_iter()
                .map(tera::Value::from_serializable)
                .collect(),
            quotes_tv: values
                .quotes
                .par_iter()
                .map(tera::Value::from_serializable)
                .collect(),
            timelines: Vec::new(),
            timeline_charts: Vec::new(),
            story_bodies: Vec::new(),
            memo: memo.map(|(previous, global)| MemoState {
                previous,
                global,
                next: Default::default(),
            }),
        };
        r.story_bodies = (0..index.stories.len())
            .into_par_iter()
            .map(|s| r.entity_body(index.story(StoryIx(s as u32))))
            .collect();
        r.timelines = (0..index.stories.len())
            .into_par_iter()
            .map(|s| tera::Value::from_serializable(&r.timeline(&index.stories[s].digests)))
            .collect();
        r.timeline_charts = (0..index.stories.len())
            .into_par_iter()
            .map(|s| {
                let chart =
                    super::editorial::story_timeline(index, values, labels, StoryIx(s as u32));
                tera::Value::from_serializable(&chart)
            })
            .collect();
        let results: Vec<(String, Vec<Diagnostic>)> = (0..index.digests.len())
            .into_par_iter()
            .map(|i| {
                let dx = DigestIx(i as u32);
                r.body(index.digest(dx), Some(dx))
            })
            .collect();
        for (html, errors) in results {
            r.bodies.push(html);
            r.errors.extend(errors);
        }
        r
    }

    fn body<M>(&self, e: &Entry<M>, digest: Option<DigestIx>) -> (String, Vec<Diagnostic>) {
        let resolver = || BodyResolver {
            r: self,
            digest,
            errors: Default::default(),
        };
        let sanitize = self.index.site.config.safe_html;
        let Some(m) = &self.memo else {
            let resolver = resolver();
            let html = markdown::render(e.body(), &resolver, sanitize);
            return (html, resolver.errors.into_inner());
        };
        if let Some(old) = m.previous.bodies.get(&e.file.path) {
            let check = resolver();
            if old.holds(e.body(), sanitize, &check) && check.errors.borrow().is_empty() {
                let html = old.html.clone();
                self.remember_body(e, old.clone());
                return (html, Vec::new());
            }
        }
        let resolver = resolver();
        let body = memo::Body::render(e.body(), sanitize, &resolver);
        let errors = resolver.errors.into_inner();
        let html = body.html.clone();
        if errors.is_empty() {
            self.remember_body(e, body);
        }
        (html, errors)
    }

    fn remember_body<M>(&self, e: &Entry<M>, body: memo::Body) {
        if let Some(m) = &self.memo {
            let mut next = m.next.lock().unwrap_or_else(|p| p.into_inner());
            next.bodies.insert(e.file.path.clone(), body);
        }
    }

    /// What the dev server keeps of this render for the next one.
    pub fn into_memo(self) -> Memo {
        self.memo
            .map(|m| m.next.into_inner().unwrap_or_else(|p| p.into_inner()))
            .unwrap_or_default()
    }

    fn quote_card(&self, qx: QuoteIx, with_anchor: bool) -> Result<String, Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert("quote", &self.values.quotes[qx.ix()]);
        ctx.insert("with_anchor", &with_anchor);
        self.engine.render("partials/quote.html", &ctx)
    }

    fn jobs(&self) -> Vec<Job> {
        let ix = self.index;
        let per_page = ix.site.config.per_page;
        let pages_of = |n: usize| n.div_ceil(per_page).max(1);
        let mut jobs = vec![
            Job::Home,
            Job::Network,
            Job::Sources,
            Job::Stories,
            Job::Tags,
            Job::Search,
        ];
        // A server has one "not found" page: the site language's.
        if self.urls.base_path == self.languages.each[0].1.base_path {
            jobs.push(Job::NotFound);
        }
        jobs.extend(ActorSort::ALL.map(Job::Actors));
        jobs.extend((1..=pages_of(ix.digests.len())).map(Job::Digests));
        jobs.extend((0..ix.digests.len() as u32).map(|i| Job::Digest(DigestIx(i))));
        for (i, a) in ix.actors.iter().enumerate() {
            jobs.extend((1..=pages_of(a.digests.len())).map(|p| Job::Actor(ActorIx(i as u32), p)));
        }
        for (i, s) in ix.sources.iter().enumerate() {
            jobs.extend(
                (1..=pages_of(s.digests.len())).map(|p| Job::Source(SourceIx(i as u32), p)),
            );
        }
        for (i, s) in ix.stories.iter().enumerate() {
            jobs.extend((1..=pages_of(s.digests.len())).map(|p| Job::Story(StoryIx(i as u32), p)));
        }
        for (i, t) in ix.tags.iter().enumerate() {
            jobs.extend((1..=pages_of(t.digests.len())).map(|p| Job::Tag(TagIx(i as u32), p)));
        }
        jobs.extend((0..ix.pages.len() as u32).map(|i| Job::Page(PageIx(i))));
        jobs
    }

    /// Renders every page, in parallel, into `sink`; all errors are collected.
    pub fn render_all(&self, sink: &(dyn Fn(OutputFile) + Sync)) -> Diagnostics {
        let errors = std::sync::Mutex::new(Vec::new());
        self.jobs()
            .into_par_iter()
            .for_each(|j| match self.render_job(j) {
                Ok(f) => sink(f),
                Err(d) => errors.lock().unwrap_or_else(|p| p.into_inner()).push(d),
            });
        let mut diags = Diagnostics::default();
        diags.extend(self.errors.iter().cloned());
        diags.extend(errors.into_inner().unwrap_or_else(|p| p.into_inner()));
        diags
    }

    fn page_value(
        &self,
        kind: &str,
        title: &str,
        description: &str,
        url: &str,
        feed: Option<String>,
        lang: Option<&str>,
    ) -> Json {
        let site_title = &self.index.site.config.title;
        // The same page exists in every language but for digests (linked
        // to their translations instead), tags (a language may not use
        // one), later pages of a list, and the one 404 page.
        let paginated = url.trim_end_matches('/').rsplit('/').nth(1) == Some("page");
        let shared = !matches!(kind, "digest" | "tag" | "404") && !paginated;
        let alternates = if shared {
            self.languages.alternates(self.urls, url)
        } else {
            Vec::new()
        };
        let mut page = json!({
            "kind": kind,
            "title": if title.is_empty() || title == site_title { site_title.clone() } else { format!("{title} – {site_title}") },
            "description": if description.is_empty() { self.index.site.config.description.clone().unwrap_or_default() } else { description.to_string() },
            "url": url,
            "permalink": self.urls.absolute(url),
            "feed": feed,
            "lang": lang.unwrap_or(self.lang),
            "dir": Labels::dir(lang.unwrap_or(self.lang)),
            "jsonld": null,
            "image": null,
            "og_type": "website",
        });
        self.set_alternates(&mut page, alternates);
        page
    }

    /// Sets a page's `hreflang` alternates, and its language switcher:
    /// each language links to this page's version in it, else its home.
    fn set_alternates(&self, page: &mut Json, alternates: Vec<Json>) {
        let each = &self.languages.each;
        let switcher: Vec<Json> = if each.len() < 2 {
            Vec::new()
        } else {
            each.iter()
                .map(|(lang, u)| {
                    let url = alternates
                        .iter()
                        .find(|a| a["lang"] == lang.as_str())
                        .map_or_else(|| u.home(), version_url);
                    json!({
                        "lang": lang,
                        "name": super::i18n::endonym(lang),
                        "dir": Labels::dir(lang),
                        "url": url,
                        "current": lang == self.lang,
                    })
                })
                .collect()
        };
        page["alternates"] = Json::Array(alternates);
        page["languages"] = Json::Array(switcher);
    }

    /// Adds structured data and the social-card image to a page value.
    fn with_metadata(mut page: Json, jsonld: &Json, image: Option<&str>, og_type: &str) -> Json {
        page["jsonld"] = json!(super::structured::script_text(jsonld));
        page["image"] = json!(image);
        page["og_type"] = json!(og_type);
        page
    }

    fn backlinks(&self, page: PageRef) -> Json {
        Json::Array(
            self.index
                .backlinks_of(page)
                .iter()
                .map(|p| self.link_of(*p))
                .collect(),
        )
    }

    fn link_of(&self, p: PageRef) -> Json {
        let v = self.values;
        match p {
            PageRef::Digest(d) => v.digest_links[d.ix()].clone(),
            PageRef::Actor(a) => v.actors[a.ix()].clone(),
            PageRef::Source(s) => v.sources[s.ix()].clone(),
            PageRef::Story(s) => v.stories[s.ix()].clone(),
            PageRef::Page(p) => v.pages[p.ix()].clone(),
        }
    }

    fn pagination(&self, list_url: &str, current: usize, total_items: usize) -> Json {
        let total = total_items.div_ceil(self.index.site.config.per_page).max(1);
        let url = |n: usize| Urls::paginated(list_url, n);
        json!({
            "current": current,
            "total": total,
            "prev_url": (current > 1).then(|| url(current - 1)),
            "next_url": (current < total).then(|| url(current + 1)),
            "pages": (1..=total).map(|n| json!({"number": n, "url": url(n)})).collect::<Vec<_>>(),
        })
    }

    fn cards_tv(&self, digests: &[DigestIx]) -> tera::Value {
        tera::Value::from(
            digests
                .iter()
                .map(|d| self.cards_tv[d.ix()].clone())
                .collect::<Vec<_>>(),
        )
    }

    fn page_of_cards_tv(&self, digests: &[DigestIx], page: usize) -> tera::Value {
        let per = self.index.site.config.per_page;
        let start = ((page - 1) * per).min(digests.len());
        self.cards_tv(&digests[start..(start + per).min(digests.len())])
    }

    fn cards(&self, digests: &[DigestIx]) -> Json {
        Json::Array(
            digests
                .iter()
                .map(|d| self.values.cards[d.ix()].clone())
                .collect(),
        )
    }

    fn quotes(&self, quotes: &[QuoteIx]) -> Json {
        Json::Array(
            quotes
                .iter()
                .map(|q| self.values.quotes[q.ix()].clone())
                .collect(),
        )
    }

    fn entity_body<M>(&self, e: &Entry<M>) -> Result<String, Diagnostic> {
        let (html, mut errors) = self.body(e, None);
        match errors.pop() {
            Some(d) => Err(d),
            None => Ok(html),
        }
    }

    fn render_job(&self, job: Job) -> Result<OutputFile, Diagnostic> {
        let ix = self.index;
        let v = self.values;
        let u = self.urls;
        let config = &ix.site.config;
        let mut ctx = PageContext::new();
        let (template, url): (&str, String) = match job {
            Job::Home => {
                let latest: Vec<DigestIx> = (0..ix.digests.len().min(config.per_page) as u32)
                    .map(DigestIx)
                    .collect();
                ctx.insert_value("digests", self.cards_tv(&latest));
                let mut stories: Vec<(usize, Json)> = ix
                    .stories
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let mut link = v.stories[i].clone();
                        link["count"] = json!(s.digests.len());
                        link["latest"] = s
                            .digests
                            .first()
                            .map_or(Json::Null, |d| v.cards[d.ix()]["date"].clone());
                        (s.digests.first().map_or(usize::MAX, |d| d.ix()), link)
                    })
                    .collect();
                stories.sort_by_key(|(newest, _)| *newest);
                ctx.insert(
                    "stories",
                    &stories.into_iter().map(|(_, l)| l).collect::<Vec<_>>(),
                );
                let mut actors: Vec<(usize, usize)> = ix
                    .actors
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| !a.quotes.is_empty())
                    .map(|(i, a)| (i, a.quotes.len()))
                    .collect();
                actors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                let top: Vec<Json> = actors
                    .into_iter()
                    .take(10)
                    .map(|(i, n)| {
                        let mut link = v.actors[i].clone();
                        link["quote_count"] = json!(n);
                        link
                    })
                    .collect();
                ctx.insert("top_actors", &top);
                ctx.insert(
                    "page",
                    &self.page_value("index", "", "", &u.home(), None, None),
                );
                ("index.html", u.home())
            }
            Job::NotFound => {
                let url = format!("{}404.html", u.base_path);
                ctx.insert(
                    "page",
                    &self.page_value(
                        "404",
                        &self.labels_text("page_not_found"),
                        "",
                        &url,
                        None,
                        None,
                    ),
                );
                ("404.html", url)
            }
            Job::Search => {
                let url = u.section("search");
                ctx.insert("index_url", &format!("{url}index.json"));
                ctx.insert("script_url", &v.site["search_js"]);
                ctx.insert(
                    "page",
                    &self.page_value("search", &self.labels_text("search"), "", &url, None, None),
                );
                ("search.html", url)
            }
            Job::Digests(page) => {
                let list = u.section(&config.paths.digests);
                let all: Vec<DigestIx> = (0..ix.digests.len() as u32).map(DigestIx).collect();
                ctx.insert_value("digests", self.page_of_cards_tv(&all, page));
                ctx.insert("pagination", &self.pagination(&list, page, all.len()));
                let url = Urls::paginated(&list, page);
                ctx.insert(
                    "page",
                    &self.page_value(
                        "digests",
                        &self.labels_text("digests"),
                        "",
                        &url,
                        None,
                        None,
                    ),
                );
                ("digests.html", url)
            }
            Job::Digest(dx) => {
                let node = &ix.digests[dx.ix()];
                let d = ix.digest(dx);
                let m = &d.matter;
                let mut digest = v.cards[dx.ix()].clone();
                digest["content"] = json!(self.bodies[dx.ix()]);
                digest["lang"] = json!(m.lang.clone().unwrap_or_else(|| config.language.clone()));
                digest["extra"] = crate::content::extra_to_json(m.extra.clone());
                digest["actors"] = Json::Array(
                    node.actors
                        .iter()
                        .map(|a| v.actors[a.ix()].clone())
                        .collect(),
                );
                let embedded: HashSet<QuoteIx> = node.embeds.iter().copied().collect();
                digest["quotes"] = Json::Array(
                    node.quotes
                        .iter()
                        .map(|q| {
                            let mut value = v.quotes[q.ix()].clone();
                            value["embedded"] = json!(embedded.contains(q));
                            value
                        })
                        .collect(),
                );
                digest["citations"] = Json::Array(
                    m.sources
                        .iter()
                        .enumerate()
                        .map(|(n, c)| {
                            json!({
                                "number": n + 1,
                                "id": c.id.as_str(),
                                "title": citation_title(ix, dx, n),
                                "url": c.url.0,
                                "source": node.citation_sources[n].map(|s| v.sources[s.ix()].clone()),
                                "published": c.published.map(|p| date(self.labels, &crate::index::moment(p, config.timezone))),
                                "archived": c.archived.as_ref().map(|a| a.0.clone()),
                            })
                        })
                        .collect(),
                );
                digest["related"] = self.cards(&node.related);
                let url = u.digest(d.id.as_str());
                let versions = &self.languages.versions;
                let full = self.origin[dx.ix()];
                let translations = &self.languages.full.digests[full.ix()].translations;
                digest["translations"] = Json::Array(
                    translations
                        .iter()
                        .map(|t| versions[t.ix()].clone())
                        .collect(),
                );
                // hreflang alternates name every version, this one included.
                let mut alternates: Vec<Json> = Vec::new();
                if !translations.is_empty() {
                    alternates.push(versions[full.ix()].clone());
                    alternates.extend(translations.iter().map(|t| versions[t.ix()].clone()));
                }
                let desc = v.cards[dx.ix()]["summary"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let page =
                    self.page_value("digest", &m.title.0, &desc, &url, None, m.lang.as_deref());
                let image = m
                    .image
                    .as_ref()
                    .map(|i| super::structured::absolute_image(u, &u.image(&i.0)));
                let ld = super::structured::digest(ix, v, u, dx);
                let mut page = Self::with_metadata(page, &ld, image.as_deref(), "article");
                self.set_alternates(&mut page, alternates);
                ctx.insert("page", &page);
                ctx.insert("digest", &digest);
                ctx.insert("backlinks", &self.backlinks(PageRef::Digest(dx)));
                ("digest.html", url)
            }
            Job::Actors(sort) => {
                let mut order: Vec<usize> = (0..ix.actors.len()).collect();
                // The newest quote's moment, for "recently quoted".
                let latest = |i: usize| ix.actors[i].quotes.first().map(|q| ix.quotes[q.ix()].date);
                match sort {
                    ActorSort::Name => {}
                    ActorSort::Quoted => {
                        order.sort_by_key(|&i| std::cmp::Reverse(ix.actors[i].quotes.len()))
                    }
                    ActorSort::Recent => order.sort_by_key(|&i| std::cmp::Reverse(latest(i))),
                }
                let actors: Vec<Json> = order
                    .into_iter()
                    .map(|i| {
                        let a = &ix.actors[i];
                        let mut link = v.actors[i].clone();
                        link["quote_count"] = json!(a.quotes.len());
                        link["digest_count"] = json!(a.digests.len());
                        link["latest_quote"] = json!(latest(i).map(|d| date(self.labels, &d)));
                        link
                    })
                    .collect();
                ctx.insert("actors", &actors);
                ctx.insert("sort", sort.key());
                let sorts: Vec<Json> = ActorSort::ALL
                    .iter()
                    .map(|s| {
                        json!({
                            "key": s.key(),
                            "label": self.labels_text(&format!("sort_{}", s.key())),
                            "url": u.sorted_actors(*s),
                            "current": *s == sort,
                        })
                    })
                    .collect();
                ctx.insert("sorts", &sorts);
                let url = u.sorted_actors(sort);
                let title = match sort {
                    ActorSort::Name => self.labels_text("actors"),
                    _ => format!(
                        "{} · {}",
                        self.labels_text("actors"),
                        self.labels_text(&format!("sort_{}", sort.key()))
                    ),
                };
                ctx.insert(
                    "page",
                    &self.page_value("actors", &title, "", &url, None, None),
                );
                ("actors.html", url)
            }
            Job::Network => {
                let network = super::editorial::site_network(ix, v, self.labels);
                ctx.insert("network", &network);
                let url = u.section(crate::config::NETWORK_WORD);
                ctx.insert(
                    "page",
                    &self.page_value(
                        "network",
                        &self.labels_text("network_title"),
                        &self.labels_text("network_intro"),
                        &url,
                        None,
                        None,
                    ),
                );
                ("network.html", url)
            }
            Job::Actor(ax, page) => {
                // Later pages carry the next digests only; the profile, the
                // quotes and the charts are on the first.
                let first = page == 1;
                let node = &ix.actors[ax.ix()];
                let a = ix.actor(ax);
                let mut actor = v.actors[ax.ix()].clone();
                actor["aliases"] = json!(a
                    .matter
                    .aliases
                    .0
                    .iter()
                    .map(|t| t.0.as_str())
                    .collect::<Vec<_>>());
                actor["wikidata"] = json!(a.matter.wikidata);
                actor["links"] = Json::Array(
                    a.matter
                        .links
                        .iter()
                        .map(|(k, l)| json!({"name": k, "url": l.0}))
                        .collect(),
                );
                actor["content"] = json!(self.entity_body(a)?);
                actor["extra"] = crate::content::extra_to_json(a.matter.extra.clone());
                actor["quote_count"] = json!(node.quotes.len());
                actor["digest_count"] = json!(node.digests.len());
                // Group by the quote's digest's first story, groups in order of their newest quote.
                let mut groups: Vec<(Option<StoryIx>, Vec<QuoteIx>)> = Vec::new();
                let quotes: &[QuoteIx] = if first { &node.quotes } else { &[] };
                for &qx in quotes {
                    let story = ix.digests[ix.quotes[qx.ix()].digest.ix()]
                        .stories
                        .first()
                        .copied();
                    match groups.iter_mut().find(|(s, _)| *s == story) {
                        Some((_, list)) => list.push(qx),
                        None => groups.push((story, vec![qx])),
                    }
                }
                if let Some(pos) = groups.iter().position(|(s, _)| s.is_none()) {
                    let ungrouped = groups.remove(pos);
                    groups.push(ungrouped);
                }
                let groups: Vec<Json> = groups
                    .into_iter()
                    .map(|(s, qs)| json!({"story": s.map(|s| v.stories[s.ix()].clone()), "quotes": self.quotes(&qs)}))
                    .collect();
                ctx.insert("quote_groups", &groups);
                let list = u.actor(a.id.as_str());
                ctx.insert_value("digests", self.page_of_cards_tv(&node.digests, page));
                ctx.insert(
                    "pagination",
                    &self.pagination(&list, page, node.digests.len()),
                );
                let co_actors: &[(ActorIx, usize)] = if first { &node.co_actors } else { &[] };
                ctx.insert(
                    "co_actors",
                    &co_actors
                        .iter()
                        .map(|(o, n)| {
                            let mut link = v.actors[o.ix()].clone();
                            link["count"] = json!(n);
                            link
                        })
                        .collect::<Vec<_>>(),
                );
                ctx.insert(
                    "network_chart",
                    &first.then(|| super::editorial::actor_network(ix, v, self.labels, ax)),
                );
                ctx.insert(
                    "activity_chart",
                    &first.then(|| super::editorial::actor_activity(ix, v, self.labels, ax)),
                );
                ctx.insert(
                    "backlinks",
                    &if first {
                        self.backlinks(PageRef::Actor(ax))
                    } else {
                        Json::Array(Vec::new())
                    },
                );
                let url = Urls::paginated(&list, page);
                let desc = a.matter.role.clone().unwrap_or_default();
                let page = self.page_value(
                    "actor",
                    &a.matter.name.0,
                    &desc,
                    &url,
                    Some(u.absolute(&format!("{list}atom.xml"))),
                    None,
                );
                let image = a
                    .matter
                    .image
                    .as_ref()
                    .map(|i| super::structured::absolute_image(u, &u.image(&i.0)));
                let ld = super::structured::actor(ix, v, u, ax);
                ctx.insert(
                    "page",
                    &Self::with_metadata(page, &ld, image.as_deref(), "profile"),
                );
                ctx.insert("actor", &actor);
                ("actor.html", url)
            }
            Job::Sources => {
                let sources: Vec<Json> = ix
                    .sources
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let mut link = v.sources[i].clone();
                        link["quote_count"] = json!(s.quotes.len());
                        link["digest_count"] = json!(s.digests.len());
                        link
                    })
                    .collect();
                ctx.insert("sources", &sources);
                let url = u.section(&config.paths.sources);
                ctx.insert(
                    "page",
                    &self.page_value(
                        "sources",
                        &self.labels_text("sources"),
                        "",
                        &url,
                        None,
                        None,
                    ),
                );
                ("sources.html", url)
            }
            Job::Source(sx, page) => {
                let first = page == 1;
                let node = &ix.sources[sx.ix()];
                let s = ix.source(sx);
                let mut source = v.sources[sx.ix()].clone();
                source["site_url"] = json!(s.matter.url.as_ref().map(|u| u.0.clone()));
                source["lang"] = json!(s.matter.lang);
                source["content"] = json!(self.entity_body(s)?);
                source["extra"] = crate::content::extra_to_json(s.matter.extra.clone());
                source["digest_count"] = json!(node.digests.len());
                source["quote_count"] = json!(node.quotes.len());
                ctx.insert("source", &source);
                let quotes: &[QuoteIx] = if first { &node.quotes } else { &[] };
                ctx.insert_value(
                    "quotes",
                    tera::Value::from(
                        quotes
                            .iter()
                            .map(|q| self.quotes_tv[q.ix()].clone())
                            .collect::<Vec<_>>(),
                    ),
                );
                let list = u.source(s.id.as_str());
                ctx.insert_value("digests", self.page_of_cards_tv(&node.digests, page));
                ctx.insert(
                    "pagination",
                    &self.pagination(&list, page, node.digests.len()),
                );
                ctx.insert(
                    "backlinks",
                    &if first {
                        self.backlinks(PageRef::Source(sx))
                    } else {
                        Json::Array(Vec::new())
                    },
                );
                let url = Urls::paginated(&list, page);
                let page = self.page_value("source", &s.matter.name.0, "", &url, None, None);
                let ld = super::structured::source(ix, v, u, sx);
                ctx.insert("page", &Self::with_metadata(page, &ld, None, "website"));
                ("source.html", url)
            }
            Job::Stories => {
                let stories: Vec<Json> = ix
                    .stories
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let mut link = v.stories[i].clone();
                        link["summary"] = json!(ix.story(StoryIx(i as u32)).matter.summary);
                        link["count"] = json!(s.digests.len());
                        link["latest"] = s
                            .digests
                            .first()
                            .map_or(Json::Null, |d| v.cards[d.ix()]["date"].clone());
                        link
                    })
                    .collect();
                ctx.insert("stories", &stories);
                let url = u.section(&config.paths.stories);
                ctx.insert(
                    "page",
                    &self.page_value(
                        "stories",
                        &self.labels_text("stories"),
                        "",
                        &url,
                        None,
                        None,
                    ),
                );
                ("stories.html", url)
            }
            Job::Story(sx, page) => {
                let node = &ix.stories[sx.ix()];
                let s = ix.story(sx);
                let mut story = v.stories[sx.ix()].clone();
                story["summary"] = json!(s.matter.summary);
                story["started"] = json!(s
                    .matter
                    .started
                    .map(|d| date(self.labels, &crate::index::moment(d, config.timezone))));
                story["image"] = json!(s.matter.image.as_ref().map(|i| u.image(&i.0)));
                story["content"] = json!(self.story_bodies[sx.ix()].clone()?);
                story["extra"] = crate::content::extra_to_json(s.matter.extra.clone());
                story["count"] = json!(node.digests.len());
                let list = u.story(s.id.as_str());
                ctx.insert_value("digests", self.page_of_cards_tv(&node.digests, page));
                ctx.insert(
                    "pagination",
                    &self.pagination(&list, page, node.digests.len()),
                );
                ctx.insert(
                    "main_actors",
                    &node
                        .main_actors
                        .iter()
                        .map(|(a, n)| {
                            let mut link = v.actors[a.ix()].clone();
                            link["count"] = json!(n);
                            link
                        })
                        .collect::<Vec<_>>(),
                );
                ctx.insert_value("timeline", self.timelines[sx.ix()].clone());
                ctx.insert_value("timeline_chart", self.timeline_charts[sx.ix()].clone());
                ctx.insert("backlinks", &self.backlinks(PageRef::Story(sx)));
                let url = Urls::paginated(&list, page);
                let feed = u.absolute(&format!("{list}atom.xml"));
                ctx.insert("feed", &feed);
                let per = config.per_page;
                let shown: Vec<DigestIx> = node
                    .digests
                    .iter()
                    .skip((page - 1) * per)
                    .take(per)
                    .copied()
                    .collect();
                let ld = super::structured::story(ix, v, u, sx, &shown, &url);
                let image = s
                    .matter
                    .image
                    .as_ref()
                    .map(|i| super::structured::absolute_image(u, &u.image(&i.0)));
                let value = self.page_value(
                    "story",
                    &s.matter.title.0,
                    s.matter.summary.as_deref().unwrap_or(""),
                    &url,
                    Some(feed.clone()),
                    None,
                );
                ctx.insert(
                    "page",
                    &Self::with_metadata(value, &ld, image.as_deref(), "website"),
                );
                ctx.insert("story", &story);
                ("story.html", url)
            }
            Job::Tags => {
                let mut tags: Vec<Json> = v.tags.clone();
                tags.sort_by_key(|t| crate::slug::fold(t["name"].as_str().unwrap_or_default()));
                ctx.insert("tags", &tags);
                let url = u.section(&config.paths.tags);
                ctx.insert(
                    "page",
                    &self.page_value("tags", &self.labels_text("tags"), "", &url, None, None),
                );
                ("tags.html", url)
            }
            Job::Tag(tx, page) => {
                let node = &ix.tags[tx.ix()];
                let list = u.tag(&node.slug);
                ctx.insert("tag", &v.tags[tx.ix()]);
                ctx.insert_value("digests", self.page_of_cards_tv(&node.digests, page));
                ctx.insert(
                    "pagination",
                    &self.pagination(&list, page, node.digests.len()),
                );
                let url = Urls::paginated(&list, page);
                ctx.insert(
                    "page",
                    &self.page_value("tag", &node.name, "", &url, None, None),
                );
                ("tag.html", url)
            }
            Job::Page(px) => {
                let p = ix.page(px);
                let content = json!({
                    "title": p.matter.title.0,
                    "summary": p.matter.summary,
                    "content": self.entity_body(p)?,
                    "extra": crate::content::extra_to_json(p.matter.extra.clone()),
                });
                ctx.insert("page_content", &content);
                ctx.insert("backlinks", &self.backlinks(PageRef::Page(px)));
                let url = u.section(p.id.as_str());
                ctx.insert(
                    "page",
                    &self.page_value(
                        "page",
                        &p.matter.title.0,
                        p.matter.summary.as_deref().unwrap_or(""),
                        &url,
                        None,
                        None,
                    ),
                );
                ("page.html", url)
            }
        };
        let path = u.file_of(&url);
        let Some(m) = &self.memo else {
            let html = self.engine.render(template, &ctx.ctx)?;
            return Ok(OutputFile {
                path,
                bytes: html.into_bytes(),
            });
        };
        let key = ctx.key(self.engine.template_hash(template), m.global);
        let reused = m
            .previous
            .pages
            .get(&path)
            .filter(|(old, _)| *old == key)
            .map(|(_, bytes)| bytes.clone());
        let fresh = reused.is_none();
        let bytes = match reused {
            Some(bytes) => bytes,
            None => self.engine.render(template, &ctx.ctx)?.into_bytes(),
        };
        let mut next = m.next.lock().unwrap_or_else(|p| p.into_inner());
        if fresh {
            next.rendered += 1;
        } else {
            next.reused += 1;
        }
        next.pages.insert(path.clone(), (key, bytes.clone()));
        Ok(OutputFile { path, bytes })
    }

    /// A story's digests, oldest first, grouped by month.
    fn timeline(&self, digests: &[DigestIx]) -> Json {
        let mut months: Vec<(String, Vec<Json>)> = Vec::new();
        for &dx in digests.iter().rev() {
            let node = &self.index.digests[dx.ix()];
            let month = self.labels.month(&node.date);
            let card = &self.values.cards[dx.ix()];
            let item = json!({
                "date": card["date"],
                "title": card["title"],
                "url": card["url"],
                "quote": node.quotes.first().map(|q| self.values.quotes[q.ix()].clone()),
            });
            match months.last_mut() {
                Some((m, items)) if *m == month => items.push(item),
                _ => months.push((month, vec![item])),
            }
        }
        Json::Array(
            months
                .into_iter()
                .map(|(m, items)| json!({"month": m, "items": items}))
                .collect(),
        )
    }

    fn labels_text(&self, key: &str) -> String {
        self.labels.text(key, key)
    }
}
