//! The pages of the site, one module per kind. Each module fills its
//! template's context reading the index through a [`Reader`], so what a
//! page shows is exactly what it depends on; this module holds what the
//! kinds share (the page value, pagination, cards, backlinks) and the list
//! of every page to render.

mod actor;
mod corrections;
mod digest;
mod home;
mod lists;
mod network;
mod not_found;
mod page;
mod search;
mod source;
mod story;
mod tag;

use super::bodies::Bodies;
use super::i18n::Labels;
use super::languages::Languages;
use super::reads::{Reader, Reads, Whole};
use super::urls::{ActorSort, Urls};
use super::values::{date, list, Lazy, Obj, Values};
use super::{OutputFile, Templates};
use crate::content::frontmatter::ImageMatter;
use crate::diagnostics::Diagnostic;
use crate::index::{ActorIx, DigestIx, Index, PageIx, PageRef, SourceIx, StoryIx, TagIx};
use serde_json::{json, Value as Json};
use tera::Value;

/// One page to render.
#[derive(Debug, Clone, Copy)]
pub enum Job {
    /// The home page.
    Home,
    /// The not-found page.
    NotFound,
    /// The search page.
    Search,
    /// The network of the most connected actors.
    Network,
    /// Page `n` of the digests list.
    Digests(usize),
    /// A digest.
    Digest(DigestIx),
    /// The actors list in one order.
    Actors(ActorSort),
    /// Page `n` of an actor.
    Actor(ActorIx, usize),
    /// The sources list.
    Sources,
    /// Page `n` of a source.
    Source(SourceIx, usize),
    /// The stories list.
    Stories,
    /// Page `n` of a story.
    Story(StoryIx, usize),
    /// The tags list.
    Tags,
    /// Page `n` of a tag.
    Tag(TagIx, usize),
    /// A plain page.
    Page(PageIx),
    /// The corrections log.
    Corrections,
}

/// What every page of one language is rendered with.
pub struct Pages<'a, 's> {
    /// This language's index, its view number, and the index of every language with its.
    view: (&'a Index<'s>, u8),
    full: (&'a Index<'s>, u8),
    templates: &'a Templates,
    values: &'a Values<'a>,
    urls: &'a Urls,
    labels: &'a Labels,
    languages: &'a Languages,
    /// Each digest's index in the index of every language.
    origin: &'a [DigestIx],
    /// The language of these pages.
    lang: &'a str,
    bodies: &'a Bodies<'a>,
    /// Each story's timeline and timeline chart, built once for all its pages.
    timelines: Lazy<Value>,
    timeline_charts: Lazy<Value>,
    /// Each digest's card with its HTML, rendered once for all the pages
    /// showing it.
    cards: Lazy<Result<Value, Diagnostic>>,
}

/// The partial a digest card is rendered with (a theme or site may override it).
const CARD: &str = "partials/digest_card.html";

/// One page being rendered: what it reads, and its context.
pub struct Page<'p, 'a, 's> {
    cx: &'p Pages<'a, 's>,
    r: Reader<'p, 's>,
    ctx: tera::Context,
}

/// The template a page is rendered with, and its URL.
type Rendered = (&'static str, String);

impl<'a, 's> Pages<'a, 's> {
    /// Prepares the pages of one language.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        view: (&'a Index<'s>, u8),
        full: (&'a Index<'s>, u8),
        templates: &'a Templates,
        values: &'a Values<'a>,
        labels: &'a Labels,
        languages: (&'a Languages, &'a [DigestIx], &'a str),
        bodies: &'a Bodies<'a>,
    ) -> Self {
        Pages {
            view,
            full,
            templates,
            values,
            urls: values.urls(),
            labels,
            languages: languages.0,
            origin: languages.1,
            lang: languages.2,
            bodies,
            timelines: Lazy::new(view.0.stories.len()),
            timeline_charts: Lazy::new(view.0.stories.len()),
            cards: Lazy::new(view.0.digests.len()),
        }
    }

    /// A reader of this language's index recording into `reads`.
    pub fn reader<'p>(&'p self, reads: &'p Reads) -> Reader<'p, 's> {
        Reader::new(self.view.0, self.view.1, self.full.0, self.full.1, reads)
    }

    /// Every page of this language.
    pub fn jobs(&self) -> Vec<Job> {
        let reads = Reads::default();
        let r = self.reader(&reads);
        let per_page = r.config().per_page;
        let pages_of = |n: usize| n.div_ceil(per_page).max(1);
        let mut jobs = vec![
            Job::Home,
            Job::Network,
            Job::Sources,
            Job::Stories,
            Job::Tags,
            Job::Search,
            Job::Corrections,
        ];
        // Each edition has its "not found" page, in its language (the
        // dev server answers with the one of the edition asked for).
        jobs.push(Job::NotFound);
        jobs.extend(ActorSort::ALL.map(Job::Actors));
        let digests = r.all_digests(Whole);
        jobs.extend((1..=pages_of(digests.len())).map(Job::Digests));
        jobs.extend(digests.iter().map(Job::Digest));
        for a in r.all_actors(Whole).iter().filter(|a| r.has_actor_page(*a)) {
            jobs.extend((1..=pages_of(r.actor_digests(a).len())).map(|p| Job::Actor(a, p)));
        }
        for s in r
            .all_sources(Whole)
            .iter()
            .filter(|s| r.has_source_page(*s))
        {
            jobs.extend((1..=pages_of(r.source_digests(s).len())).map(|p| Job::Source(s, p)));
        }
        for s in r.all_stories(Whole).iter().filter(|s| r.has_story_page(*s)) {
            jobs.extend((1..=pages_of(r.story_digests(s).len())).map(|p| Job::Story(s, p)));
        }
        for t in r.all_tags(Whole).iter() {
            jobs.extend((1..=pages_of(r.tag_digests(t).len())).map(|p| Job::Tag(t, p)));
        }
        jobs.extend(r.all_pages(Whole).iter().map(Job::Page));
        jobs
    }

    /// A job's key among this build's outputs: what it shows, in which
    /// language (not its position, which shifts).
    pub fn key(&self, job: Job) -> String {
        let reads = Reads::default();
        let r = self.reader(&reads);
        let what = match job {
            Job::Home => "home".to_string(),
            Job::NotFound => "404".into(),
            Job::Search => "search".into(),
            Job::Network => "network".into(),
            Job::Digests(n) => format!("digests/{n}"),
            Job::Digest(d) => format!("digest/{}", r.digest_id(d)),
            Job::Actors(sort) => format!("actors/{}", sort.key()),
            Job::Actor(a, n) => format!("actor/{}/{n}", r.actor_id(a)),
            Job::Sources => "sources".into(),
            Job::Source(s, n) => format!("source/{}/{n}", r.source_id(s)),
            Job::Stories => "stories".into(),
            Job::Story(s, n) => format!("story/{}/{n}", r.story_id(s)),
            Job::Tags => "tags".into(),
            Job::Tag(t, n) => format!("tag/{}/{n}", r.tag_slug(t)),
            Job::Page(p) => format!("page/{}", r.page_id(p)),
            Job::Corrections => "corrections".into(),
        };
        format!("{}:page:{what}", self.lang)
    }

    /// Renders one page, recording what it reads into `reads`.
    pub fn render(&self, job: Job, reads: &Reads) -> Result<OutputFile, Diagnostic> {
        let mut p = Page {
            cx: self,
            r: self.reader(reads),
            ctx: tera::Context::new(),
        };
        let (template, url) = match job {
            Job::Home => home::render(&mut p)?,
            Job::NotFound => not_found::render(&mut p)?,
            Job::Search => search::render(&mut p)?,
            Job::Network => network::render(&mut p)?,
            Job::Digests(n) => lists::digests(&mut p, n)?,
            Job::Digest(d) => digest::render(&mut p, d)?,
            Job::Actors(sort) => lists::actors(&mut p, sort)?,
            Job::Actor(a, n) => actor::render(&mut p, a, n)?,
            Job::Sources => lists::sources(&mut p)?,
            Job::Source(s, n) => source::render(&mut p, s, n)?,
            Job::Stories => lists::stories(&mut p)?,
            Job::Story(s, n) => story::render(&mut p, s, n)?,
            Job::Tags => lists::tags(&mut p)?,
            Job::Tag(t, n) => tag::render(&mut p, t, n)?,
            Job::Page(px) => page::render(&mut p, px)?,
            Job::Corrections => corrections::render(&mut p)?,
        };
        let bytes = self.templates.render(template, &p.ctx, reads)?.into_bytes();
        let path = self.urls.file_of(&url);
        Ok(OutputFile { path, bytes })
    }
}

impl<'a> Page<'_, 'a, '_> {
    fn values(&self) -> &'a Values<'a> {
        self.cx.values
    }

    fn urls(&self) -> &'a Urls {
        self.cx.urls
    }

    fn labels(&self) -> &'a Labels {
        self.cx.labels
    }

    /// The label `key`, or the key itself.
    fn label(&self, key: &str) -> String {
        self.cx.labels.text(key, key)
    }

    /// The `page` value: what every page has.
    fn page_value(
        &self,
        kind: &str,
        title: &str,
        description: &str,
        url: &str,
        feed: Option<String>,
        lang: Option<&str>,
    ) -> Json {
        let config = self.r.config();
        let site_title = config.title(self.cx.lang).as_str();
        // The same page exists in every language but for digests (linked
        // to their translations instead), tags (a language may not use
        // one), later pages of a list, and the 404 pages (which link to
        // each edition's home instead).
        let paginated = url.trim_end_matches('/').rsplit('/').nth(1) == Some("page");
        let shared = !matches!(kind, "digest" | "tag" | "404") && !paginated;
        let alternates = if shared {
            self.cx.languages.alternates(self.cx.urls, url)
        } else {
            Vec::new()
        };
        let lang = lang.unwrap_or(self.cx.lang);
        let mut page = json!({
            "kind": kind,
            "title": if title.is_empty() || title == site_title { site_title.to_string() } else { format!("{title} – {site_title}") },
            "description": if description.is_empty() { config.description(self.cx.lang).unwrap_or_default().to_string() } else { description.to_string() },
            "url": url,
            "permalink": self.cx.urls.absolute(url),
            "feed": feed,
            "lang": lang,
            "dir": Labels::dir(lang),
            "jsonld": null,
            "image": null,
            "og_type": "website",
        });
        self.set_alternates(&mut page, alternates);
        page
    }

    /// Sets a page's `hreflang` alternates (with `x_default`, the first
    /// language's version), and its language switcher: each language links
    /// to this page's version in it; a language without one is listed
    /// unlinked, and `missing` says so in the reader's language ("Only in
    /// German") rather than sending the reader to that language's home.
    fn set_alternates(&self, page: &mut Json, alternates: Vec<Json>) {
        let each = &self.cx.languages.each;
        let own_url = page["url"].as_str().unwrap_or_default().to_string();
        // A "not found" page has no versions: the other editions' homes.
        let not_found = page["kind"] == "404";
        let version = |lang: &str| {
            if lang == self.cx.lang {
                return Some(own_url.clone());
            }
            if not_found {
                return each.iter().find(|(l, _)| l == lang).map(|(_, u)| u.home());
            }
            alternates
                .iter()
                .find(|a| a["lang"] == lang)
                .map(|a| a["url"].as_str().unwrap_or_default().to_string())
        };
        let mut missing = Vec::new();
        let switcher: Vec<Json> = if each.len() < 2 {
            Vec::new()
        } else {
            each.iter()
                .map(|(lang, _)| {
                    let url = version(lang);
                    if url.is_none() {
                        missing.push(self.labels().language_name(lang));
                    }
                    json!({
                        "lang": lang,
                        "name": super::i18n::endonym(lang),
                        "dir": Labels::dir(lang),
                        "url": url,
                        "current": lang == self.cx.lang,
                    })
                })
                .collect()
        };
        let missing = if missing.is_empty() {
            Json::Null
        } else if missing.len() + 1 == each.len() {
            let own = self.labels().language_name(self.cx.lang);
            json!(self.label("only_in").replace("{lang}", &own))
        } else {
            json!(self.label("not_in").replace("{langs}", &missing.join(", ")))
        };
        page["x_default"] = alternates
            .iter()
            .find(|a| each.first().is_some_and(|(l, _)| a["lang"] == l.as_str()))
            .map_or(Json::Null, |a| a["permalink"].clone());
        page["alternates"] = Json::Array(alternates);
        page["languages"] = Json::Array(switcher);
        page["missing_languages"] = missing;
    }

    /// The language of an actor's, source's, story's or plain page's body
    /// when it is not the edition's: without `<id>.<lang>.md`, other
    /// editions show the first language's body, marked as such.
    fn body_lang(&self, owner: crate::render::bodies::Owner) -> Option<&str> {
        use crate::render::bodies::Owner;
        let r = self.r;
        match owner {
            Owner::Actor(a) => r.actor_body(a).lang,
            Owner::Source(s) => r.source_body(s).lang,
            Owner::Story(s) => r.story_body(s).lang,
            Owner::Page(p) => r.page_body(p).lang,
            Owner::Digest(_) => None,
        }
    }

    /// Keeps the alternates (and switcher entries) of entity page `of`
    /// to the editions that have a page of it.
    fn entity_editions(&self, page: &mut Json, of: PageRef) {
        let full = self.r.full();
        let alternates: Vec<Json> = page["alternates"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| {
                let lang = a["lang"].as_str().unwrap_or_default();
                self.cx.languages.has_page(&full, lang, of)
            })
            .cloned()
            .collect();
        // A page in one edition only has no alternates at all.
        let alternates = if alternates.len() < 2 {
            Vec::new()
        } else {
            alternates
        };
        self.set_alternates(page, alternates);
    }

    /// The versions of the page of tag `slug` in other languages, from
    /// site.yaml's `tags:` (the same tag named in each language), where
    /// that edition's digests use the tag.
    fn tag_translations(&self, page: &mut Json, slug: &str) {
        let config = self.r.config();
        let mine =
            |g: &&Vec<(String, String)>| g.iter().any(|(l, s)| l == self.cx.lang && s == slug);
        let Some(group) = config.tag_groups.iter().find(mine) else {
            return;
        };
        let full = self.r.full();
        let used_in = |slug: &str, lang: &str| {
            full.all_tags(Whole)
                .iter()
                .find(|t| full.tag_slug(*t) == slug)
                .is_some_and(|t| {
                    full.tag_digests(t)
                        .iter()
                        .any(|d| full.digest_language(*d) == lang)
                })
        };
        let alternates: Vec<Json> = self
            .cx
            .languages
            .each
            .iter()
            .filter_map(|(lang, urls)| {
                let (_, slug) = group.iter().find(|(l, _)| l == lang)?;
                if lang != self.cx.lang && !used_in(slug, lang) {
                    return None;
                }
                let url = urls.tag(slug);
                Some(json!({
                    "lang": lang,
                    "name": super::i18n::endonym(lang),
                    "dir": Labels::dir(lang),
                    "permalink": urls.absolute(&url),
                    "url": url,
                }))
            })
            .collect();
        if alternates.len() > 1 {
            self.set_alternates(page, alternates);
        }
    }

    /// Adds structured data and the social-card image to a page value.
    fn with_metadata(mut page: Json, jsonld: &Json, image: Option<&str>, og_type: &str) -> Json {
        page["jsonld"] = json!(super::structured::script_text(jsonld));
        page["image"] = json!(image);
        page["og_type"] = json!(og_type);
        page
    }

    /// The links of the pages in `from` (what links to a page).
    fn backlinks(&self, from: &[PageRef]) -> Value {
        list(from.iter().map(|p| self.values().link_of(&self.r, *p)))
    }

    /// The pagination of page `current` of a list of `total_items` at `list_url`.
    fn pagination(&self, list_url: &str, current: usize, total_items: usize) -> Json {
        let total = total_items.div_ceil(self.r.config().per_page).max(1);
        let url = |n: usize| Urls::paginated(list_url, n);
        json!({
            "current": current,
            "total": total,
            "prev_url": (current > 1).then(|| url(current - 1)),
            "next_url": (current < total).then(|| url(current + 1)),
            "pages": (1..=total).map(|n| json!({"number": n, "url": url(n)})).collect::<Vec<_>>(),
        })
    }

    /// The digests of page `page` of a list.
    fn page_of<'d>(&self, digests: &'d [DigestIx], page: usize) -> &'d [DigestIx] {
        let per = self.r.config().per_page;
        let start = ((page - 1) * per).min(digests.len());
        &digests[start..(start + per).min(digests.len())]
    }

    /// The cards of page `page` of a list.
    fn page_of_cards(&self, digests: &[DigestIx], page: usize) -> Result<Value, Diagnostic> {
        self.cards(self.page_of(digests, page))
    }

    /// The cards of `digests`, each with its HTML: `html` is the card
    /// partial's rendering (its title a level-3 heading), `html_h2` the same
    /// with `card_heading = 2`. A card shows on many pages (its actors',
    /// sources', story's, tags', the lists, the home page) and is the same
    /// on all of them: it is rendered once per language, and what it read
    /// (its facts and the partial) counts for every page showing it.
    fn cards(&self, digests: &[DigestIx]) -> Result<Value, Diagnostic> {
        let cx = self.cx;
        let cards = digests.iter().map(|&d| {
            cx.cards.get(d.ix(), &self.r, |r| {
                let card = cx.values.card(r, d);
                let mut ctx = tera::Context::new();
                ctx.insert_value("card", card.clone());
                let h3 = cx.templates.render(CARD, &ctx, r.reads())?;
                ctx.insert("card_heading", &2);
                let h2 = cx.templates.render(CARD, &ctx, r.reads())?;
                Ok(Obj::copy_of(&card)
                    .set("html", h3)
                    .set("html_h2", h2)
                    .into())
            })
        });
        Ok(list(cards.collect::<Result<Vec<_>, _>>()?))
    }

    /// The date of the newest of `digests` (newest first), if any.
    fn latest_date(&self, digests: &[DigestIx]) -> Value {
        digests.first().map_or_else(Value::none, |d| {
            date(self.labels(), &self.r.digest_date(*d))
        })
    }

    /// The original of `image` as an absolute URL (for social cards).
    fn social_image(&self, image: Option<&ImageMatter>) -> Option<String> {
        image.map(|i| self.urls().absolute_image(&i.src.0))
    }
}
