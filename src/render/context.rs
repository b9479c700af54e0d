//! Page contexts: each page's context is assembled from the entity values
//! of [`super::values`], holding only what the page shows, and rendered.

use super::i18n::Labels;
use super::memo::{self, Memo, PageContext};
use super::values::{citation_title, date, field, list, text, Obj, Values};
use super::{Engine, OutputFile};
use crate::config::Paths;
use crate::content::Entry;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::entity::EntityKind;
use crate::index::{ActorIx, DigestIx, Index, PageIx, PageRef, QuoteIx, SourceIx, StoryIx, TagIx};
use crate::markdown;
use rayon::prelude::*;
use serde_json::{json, Value as Json};
use std::collections::HashSet;
use tera::{Context, Value};

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
    pub(super) fn digest(&self, id: &str) -> String {
        self.item(&self.paths.digests, id)
    }
    pub(super) fn actor(&self, id: &str) -> String {
        self.item(&self.paths.actors, id)
    }
    pub(super) fn source(&self, id: &str) -> String {
        self.item(&self.paths.sources, id)
    }
    pub(super) fn story(&self, id: &str) -> String {
        self.item(&self.paths.stories, id)
    }
    pub(super) fn tag(&self, slug: &str) -> String {
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
}

impl<'a, 's> Languages<'a, 's> {
    /// The languages of `full`'s site; `each` as [`Languages::each`].
    pub fn new(full: &'a Index<'s>, each: Vec<(String, Urls)>) -> Self {
        Languages { full, each }
    }

    /// The URLs of the language digest `dx` of `full` is in.
    fn urls_of(&self, dx: DigestIx) -> &Urls {
        let lang = self.full.lang_of(dx);
        self.each
            .iter()
            .find(|(l, _)| l == lang)
            .map_or(&self.each[0].1, |(_, u)| u)
    }

    /// The URL of digest `dx` of `full`, wherever its language puts it.
    fn digest_url(&self, dx: DigestIx) -> String {
        self.urls_of(dx).digest(self.full.digest(dx).id.as_str())
    }

    /// Digest `dx` of `full` as a version: `lang`, `name`, `dir`, `title`,
    /// `url`, `permalink`.
    fn version(&self, dx: DigestIx) -> Json {
        let lang = self.full.lang_of(dx);
        let url = self.digest_url(dx);
        json!({
            "lang": lang,
            "name": super::i18n::endonym(lang),
            "dir": Labels::dir(lang),
            "title": self.full.digest(dx).matter.title.0,
            "permalink": self.urls_of(dx).absolute(&url),
            "url": url,
        })
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

fn version_url(version: &Json) -> String {
    version["url"].as_str().unwrap_or_default().to_string()
}

/// Renders pages: holds the index, engine and values, each story's body and
/// timeline, and the digest bodies feeds show in full.
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
    /// Rendered digest bodies that feeds show in full, by digest index;
    /// every other body is rendered by its page and not kept.
    kept: Vec<Option<String>>,
    /// Errors met while rendering digest bodies.
    errors: std::sync::Mutex<Vec<Diagnostic>>,
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
    fn url(&self, kind: EntityKind, id: &str) -> Option<String> {
        let ix = self.r.index;
        let u = self.r.urls;
        match kind {
            EntityKind::Actor => ix.actor_id(id).map(|_| u.actor(id)),
            EntityKind::Source => ix.source_id(id).map(|_| u.source(id)),
            EntityKind::Story => ix.story_id(id).map(|_| u.story(id)),
            // Digests and quotes may be in another language, with its own pages.
            EntityKind::Digest => {
                let l = self.r.languages;
                l.full.digest_id(id).map(|d| l.digest_url(d))
            }
            EntityKind::Quote => {
                let l = self.r.languages;
                l.full.quote_id(id).map(|q| {
                    let digest = l.full.quotes[q.ix()].digest;
                    format!("{}#q-{id}", l.digest_url(digest))
                })
            }
            EntityKind::Page | EntityKind::Citation => None,
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
            kept: Vec::new(),
            errors: Default::default(),
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
            .map(|s| r.timeline(&index.stories[s].digests))
            .collect();
        r.timeline_charts = (0..index.stories.len())
            .into_par_iter()
            .map(|s| {
                let chart =
                    super::editorial::story_timeline(index, values, labels, StoryIx(s as u32));
                tera::Value::from_serializable(&chart)
            })
            .collect();
        let keep = super::feeds::full_entries(index);
        r.kept = (0..index.digests.len())
            .into_par_iter()
            .map(|i| {
                keep[i].then(|| {
                    // Kept to the end: without its growth slack.
                    let mut html = r.render_digest_body(DigestIx(i as u32));
                    html.shrink_to_fit();
                    html
                })
            })
            .collect();
        r
    }

    /// A digest's rendered body: the kept one, else rendered now.
    pub fn digest_body(&self, dx: DigestIx) -> std::borrow::Cow<'_, str> {
        match &self.kept[dx.ix()] {
            Some(html) => html.into(),
            None => self.render_digest_body(dx).into(),
        }
    }

    fn render_digest_body(&self, dx: DigestIx) -> String {
        let (html, errors) = self.body(self.index.digest(dx), Some(dx));
        if !errors.is_empty() {
            let mut all = self.errors.lock().unwrap_or_else(|p| p.into_inner());
            all.extend(errors);
        }
        html
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
        ctx.insert_value("quote", self.quote(qx));
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
        diags.extend(std::mem::take(
            &mut *self.errors.lock().unwrap_or_else(|p| p.into_inner()),
        ));
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

    fn backlinks(&self, page: PageRef) -> Value {
        list(
            self.index
                .backlinks_of(page)
                .iter()
                .map(|p| self.link_of(*p)),
        )
    }

    /// The backlinks of `page` on its first page; none on later ones.
    fn backlinks_if(&self, first: bool, page: PageRef) -> Value {
        if first {
            self.backlinks(page)
        } else {
            Value::from(Vec::<Value>::new())
        }
    }

    fn link_of(&self, p: PageRef) -> &Value {
        let v = self.values;
        match p {
            PageRef::Digest(d) => &v.digest_links[d.ix()],
            PageRef::Actor(a) => &v.actors[a.ix()],
            PageRef::Source(s) => &v.sources[s.ix()],
            PageRef::Story(s) => &v.stories[s.ix()],
            PageRef::Page(p) => &v.pages[p.ix()],
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

    fn cards(&self, digests: &[DigestIx]) -> Value {
        list(digests.iter().map(|d| &self.values.cards[d.ix()]))
    }

    fn page_of_cards(&self, digests: &[DigestIx], page: usize) -> Value {
        let per = self.index.site.config.per_page;
        let start = ((page - 1) * per).min(digests.len());
        self.cards(&digests[start..(start + per).min(digests.len())])
    }

    fn quotes(&self, quotes: &[QuoteIx]) -> Value {
        Value::from(quotes.iter().map(|q| self.quote(*q)).collect::<Vec<_>>())
    }

    fn quote(&self, qx: QuoteIx) -> Value {
        self.values.quote(self.index, self.labels, qx)
    }

    /// Links of `actors` with a `count` each.
    fn counted_actors(&self, actors: &[(ActorIx, usize)]) -> Value {
        Value::from(
            actors
                .iter()
                .map(|(a, n)| {
                    Obj::copy_of(&self.values.actors[a.ix()])
                        .set("count", *n)
                        .into()
                })
                .collect::<Vec<Value>>(),
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
                ctx.insert_value("digests", self.cards(&latest));
                let mut stories: Vec<(usize, Value)> = ix
                    .stories
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let link = Obj::copy_of(&v.stories[i])
                            .set("count", s.digests.len())
                            .set("latest", self.latest_date(&s.digests));
                        (
                            s.digests.first().map_or(usize::MAX, |d| d.ix()),
                            link.into(),
                        )
                    })
                    .collect();
                stories.sort_by_key(|(newest, _)| *newest);
                ctx.insert_value(
                    "stories",
                    Value::from(stories.into_iter().map(|(_, l)| l).collect::<Vec<_>>()),
                );
                let mut actors: Vec<(usize, usize)> = ix
                    .actors
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| !a.quotes.is_empty())
                    .map(|(i, a)| (i, a.quotes.len()))
                    .collect();
                actors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                let top: Vec<Value> = actors
                    .into_iter()
                    .take(10)
                    .map(|(i, n)| Obj::copy_of(&v.actors[i]).set("quote_count", n).into())
                    .collect();
                ctx.insert_value("top_actors", Value::from(top));
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
                ctx.insert_value("digests", self.page_of_cards(&all, page));
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
                let embedded: HashSet<QuoteIx> = node.embeds.iter().copied().collect();
                let quotes: Vec<Value> = node
                    .quotes
                    .iter()
                    .map(|q| {
                        Obj::copy_of(&self.quote(*q))
                            .set("embedded", embedded.contains(q))
                            .into()
                    })
                    .collect();
                let citations: Vec<Value> = m
                    .sources
                    .iter()
                    .enumerate()
                    .map(|(n, c)| {
                        let published = c
                            .published
                            .map(|p| date(self.labels, &crate::index::moment(p, config.timezone)));
                        Obj::new()
                            .set("number", n + 1)
                            .set("id", c.id.as_str())
                            .set("title", citation_title(ix, dx, n))
                            .set("url", c.url.0.as_str())
                            .set(
                                "source",
                                node.citation_sources[n].map(|s| v.sources[s.ix()].clone()),
                            )
                            .set("published", published)
                            .set("archived", c.archived.as_ref().map(|a| a.0.as_str()))
                            .into()
                    })
                    .collect();
                let url = u.digest(d.id.as_str());
                let languages = self.languages;
                let full = self.origin[dx.ix()];
                let translations = &self.languages.full.digests[full.ix()].translations;
                let digest = Obj::copy_of(&v.cards[dx.ix()])
                    .set("content", self.digest_body(dx).as_ref())
                    .set(
                        "lang",
                        m.lang.as_deref().unwrap_or(config.language.as_str()),
                    )
                    .set(
                        "extra",
                        Value::from_serializable(&crate::input::fields::extra_to_json(
                            m.extra.clone(),
                        )),
                    )
                    .set(
                        "actors",
                        list(node.actors.iter().map(|a| &v.actors[a.ix()])),
                    )
                    .set("quotes", quotes)
                    .set("citations", citations)
                    .set("related", self.cards(&node.related))
                    .set(
                        "translations",
                        translations
                            .iter()
                            .map(|t| Value::from_serializable(&languages.version(*t)))
                            .collect::<Vec<_>>(),
                    );
                // hreflang alternates name every version, this one included.
                let mut alternates: Vec<Json> = Vec::new();
                if !translations.is_empty() {
                    alternates.push(languages.version(full));
                    alternates.extend(translations.iter().map(|t| languages.version(*t)));
                }
                let desc = text(&v.cards[dx.ix()], "summary").to_string();
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
                ctx.insert_value("digest", digest.into());
                ctx.insert_value("backlinks", self.backlinks(PageRef::Digest(dx)));
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
                let actors: Vec<Value> = order
                    .into_iter()
                    .map(|i| {
                        let a = &ix.actors[i];
                        Obj::copy_of(&v.actors[i])
                            .set("quote_count", a.quotes.len())
                            .set("digest_count", a.digests.len())
                            .set("latest_quote", latest(i).map(|d| date(self.labels, &d)))
                            .into()
                    })
                    .collect();
                ctx.insert_value("actors", Value::from(actors));
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
                ctx.insert_value("network", network);
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
                let actor = Obj::copy_of(&v.actors[ax.ix()])
                    .set(
                        "aliases",
                        a.matter
                            .aliases
                            .0
                            .iter()
                            .map(|t| t.0.as_str())
                            .collect::<Vec<_>>(),
                    )
                    .set("wikidata", Value::from_serializable(&a.matter.wikidata))
                    .set(
                        "links",
                        a.matter
                            .links
                            .iter()
                            .map(|(k, l)| {
                                Obj::new().set("name", k.as_str()).set("url", l.0.as_str())
                            })
                            .map(Value::from)
                            .collect::<Vec<_>>(),
                    )
                    .set("content", self.entity_body(a)?)
                    .set(
                        "extra",
                        Value::from_serializable(&crate::input::fields::extra_to_json(
                            a.matter.extra.clone(),
                        )),
                    )
                    .set("quote_count", node.quotes.len())
                    .set("digest_count", node.digests.len());
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
                let groups: Vec<Value> = groups
                    .into_iter()
                    .map(|(s, qs)| {
                        Obj::new()
                            .set("story", s.map(|s| v.stories[s.ix()].clone()))
                            .set("quotes", self.quotes(&qs))
                            .into()
                    })
                    .collect();
                ctx.insert_value("quote_groups", Value::from(groups));
                let list = u.actor(a.id.as_str());
                ctx.insert_value("digests", self.page_of_cards(&node.digests, page));
                ctx.insert(
                    "pagination",
                    &self.pagination(&list, page, node.digests.len()),
                );
                let co_actors: &[(ActorIx, usize)] = if first { &node.co_actors } else { &[] };
                ctx.insert_value("co_actors", self.counted_actors(co_actors));
                ctx.insert(
                    "network_chart",
                    &first.then(|| super::editorial::actor_network(ix, v, self.labels, ax)),
                );
                ctx.insert(
                    "activity_chart",
                    &first.then(|| super::editorial::actor_activity(ix, v, self.labels, ax)),
                );
                ctx.insert_value("backlinks", self.backlinks_if(first, PageRef::Actor(ax)));
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
                ctx.insert_value("actor", actor.into());
                ("actor.html", url)
            }
            Job::Sources => {
                let sources: Vec<Value> = ix
                    .sources
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        Obj::copy_of(&v.sources[i])
                            .set("quote_count", s.quotes.len())
                            .set("digest_count", s.digests.len())
                            .into()
                    })
                    .collect();
                ctx.insert_value("sources", Value::from(sources));
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
                let source = Obj::copy_of(&v.sources[sx.ix()])
                    .set("site_url", s.matter.url.as_ref().map(|u| u.0.as_str()))
                    .set("lang", s.matter.lang.as_deref())
                    .set("content", self.entity_body(s)?)
                    .set(
                        "extra",
                        Value::from_serializable(&crate::input::fields::extra_to_json(
                            s.matter.extra.clone(),
                        )),
                    )
                    .set("digest_count", node.digests.len())
                    .set("quote_count", node.quotes.len());
                ctx.insert_value("source", source.into());
                let quotes: &[QuoteIx] = if first { &node.quotes } else { &[] };
                ctx.insert_value("quotes", self.quotes(quotes));
                let list = u.source(s.id.as_str());
                ctx.insert_value("digests", self.page_of_cards(&node.digests, page));
                ctx.insert(
                    "pagination",
                    &self.pagination(&list, page, node.digests.len()),
                );
                ctx.insert_value("backlinks", self.backlinks_if(first, PageRef::Source(sx)));
                let url = Urls::paginated(&list, page);
                let page = self.page_value("source", &s.matter.name.0, "", &url, None, None);
                let ld = super::structured::source(ix, v, u, sx);
                ctx.insert("page", &Self::with_metadata(page, &ld, None, "website"));
                ("source.html", url)
            }
            Job::Stories => {
                let stories: Vec<Value> = ix
                    .stories
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let summary = ix.story(StoryIx(i as u32)).matter.summary.as_deref();
                        Obj::copy_of(&v.stories[i])
                            .set("summary", summary)
                            .set("count", s.digests.len())
                            .set("latest", self.latest_date(&s.digests))
                            .into()
                    })
                    .collect();
                ctx.insert_value("stories", Value::from(stories));
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
                let started = s
                    .matter
                    .started
                    .map(|d| date(self.labels, &crate::index::moment(d, config.timezone)));
                let story = Obj::copy_of(&v.stories[sx.ix()])
                    .set("summary", s.matter.summary.as_deref())
                    .set("started", started)
                    .set("image", s.matter.image.as_ref().map(|i| u.image(&i.0)))
                    .set("content", self.story_bodies[sx.ix()].clone()?)
                    .set(
                        "extra",
                        Value::from_serializable(&crate::input::fields::extra_to_json(
                            s.matter.extra.clone(),
                        )),
                    )
                    .set("count", node.digests.len());
                let list = u.story(s.id.as_str());
                ctx.insert_value("digests", self.page_of_cards(&node.digests, page));
                ctx.insert(
                    "pagination",
                    &self.pagination(&list, page, node.digests.len()),
                );
                ctx.insert_value("main_actors", self.counted_actors(&node.main_actors));
                ctx.insert_value("timeline", self.timelines[sx.ix()].clone());
                ctx.insert_value("timeline_chart", self.timeline_charts[sx.ix()].clone());
                ctx.insert_value("backlinks", self.backlinks(PageRef::Story(sx)));
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
                ctx.insert_value("story", story.into());
                ("story.html", url)
            }
            Job::Tags => {
                let mut tags: Vec<Value> = v.tags.clone();
                tags.sort_by_cached_key(|t| crate::slug::fold(text(t, "name")));
                ctx.insert_value("tags", Value::from(tags));
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
                ctx.insert_value("tag", v.tags[tx.ix()].clone());
                ctx.insert_value("digests", self.page_of_cards(&node.digests, page));
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
                let content = Obj::new()
                    .set("title", p.matter.title.0.as_str())
                    .set("summary", p.matter.summary.as_deref())
                    .set("content", self.entity_body(p)?)
                    .set(
                        "extra",
                        Value::from_serializable(&crate::input::fields::extra_to_json(
                            p.matter.extra.clone(),
                        )),
                    );
                ctx.insert_value("page_content", content.into());
                ctx.insert_value("backlinks", self.backlinks(PageRef::Page(px)));
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
    fn timeline(&self, digests: &[DigestIx]) -> Value {
        let mut months: Vec<(String, Vec<Value>)> = Vec::new();
        for &dx in digests.iter().rev() {
            let node = &self.index.digests[dx.ix()];
            let month = self.labels.month(&node.date);
            let card = &self.values.cards[dx.ix()];
            let item = Obj::new()
                .set("date", field(card, "date"))
                .set("title", field(card, "title"))
                .set("url", field(card, "url"))
                .set("quote", node.quotes.first().map(|q| self.quote(*q)))
                .into();
            match months.last_mut() {
                Some((m, items)) if *m == month => items.push(item),
                _ => months.push((month, vec![item])),
            }
        }
        Value::from(
            months
                .into_iter()
                .map(|(m, items)| Obj::new().set("month", m).set("items", items).into())
                .collect::<Vec<Value>>(),
        )
    }

    /// The date of the newest of `digests` (newest first), if any.
    fn latest_date(&self, digests: &[DigestIx]) -> Value {
        digests
            .first()
            .map_or_else(Value::none, |d| field(&self.values.cards[d.ix()], "date"))
    }

    fn labels_text(&self, key: &str) -> String {
        self.labels.text(key, key)
    }
}
