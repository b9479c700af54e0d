//! Markdown bodies as HTML: each reference answered from the index (through
//! the reader, so the page showing the body depends on the answers), quote
//! embeds rendered with the theme's quote card.

use super::languages::Languages;
use super::reads::Reader;
use super::values::{Lazy, Values};
use super::Templates;
use crate::diagnostics::Diagnostic;
use crate::entity::EntityKind;
use crate::index::{ActorIx, DigestIx, PageIx, QuoteIx, SourceIx, StoryIx};
use crate::markdown;
use std::sync::Mutex;

/// Whose body.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    /// A digest's (its `cite:` links and quote anchors are its own).
    Digest(DigestIx),
    /// An actor's.
    Actor(ActorIx),
    /// A source's.
    Source(SourceIx),
    /// A story's.
    Story(StoryIx),
    /// A plain page's.
    Page(PageIx),
}

/// Renders bodies for one language's pages.
pub struct Bodies<'a> {
    engine: &'a Templates,
    values: &'a Values<'a>,
    languages: &'a Languages,
    sanitize: bool,
    /// Which digests' bodies a feed shows in full: rendered once for the
    /// page and the feeds, and kept until the feeds are written.
    keep: Vec<bool>,
    kept: Lazy<String>,
    /// Each story's body, shown on every page of the story.
    stories: Lazy<Result<String, Diagnostic>>,
    /// Errors met while rendering digest bodies.
    errors: Mutex<Vec<Diagnostic>>,
}

struct BodyResolver<'b, 'r, 's> {
    bodies: &'b Bodies<'b>,
    r: &'b Reader<'r, 's>,
    /// The digest whose body this is (for `cite:` and quote anchors).
    digest: Option<DigestIx>,
    errors: std::cell::RefCell<Vec<Diagnostic>>,
}

/// How wide a body image is shown: the text column (48rem) or the screen.
const BODY_IMAGE_SIZES: &str = "(min-width: 52rem) 48rem, 100vw";

impl markdown::Resolver for BodyResolver<'_, '_, '_> {
    fn url(&self, kind: EntityKind, id: &str) -> Option<String> {
        let r = self.r;
        let (v, u) = (self.bodies.values, self.bodies.values.urls());
        match kind {
            EntityKind::Actor => r.find_actor(id).map(|a| v.actor_url(r, a)),
            EntityKind::Source => r.find_source(id).map(|s| v.source_url(r, s)),
            EntityKind::Story => r.find_story(id).map(|s| v.story_url(r, s)),
            // Digests and quotes may be in another language, with its own pages.
            EntityKind::Digest => {
                let full = r.full();
                full.find_digest(id)
                    .map(|d| self.bodies.languages.digest_url(&full, d))
            }
            EntityKind::Quote => {
                let full = r.full();
                full.find_quote(id).map(|q| {
                    let digest = full.quote_digest(q);
                    format!("{}#q-{id}", self.bodies.languages.digest_url(&full, digest))
                })
            }
            EntityKind::Page => r.find_page(id).map(|_| u.page(id)),
            EntityKind::Citation => None,
        }
    }
    fn root(&self) -> &str {
        self.bodies.values.urls().root_path.as_str()
    }
    fn lang(&self) -> &str {
        match self.digest {
            Some(d) => self.r.digest_language(d),
            // An actor's, source's, story's or page's: the edition's language.
            None => self.bodies.values.site["language"].as_str().unwrap_or("en"),
        }
    }
    fn citation(&self, id: &str) -> Option<(usize, String)> {
        let (citations, _) = self.r.digest_citations(self.digest?);
        citations
            .iter()
            .position(|c| c.id.as_str() == id)
            .map(|n| (n + 1, citations[n].url.0.clone()))
    }
    fn image(&self, dest: &str, alt: &str) -> Option<String> {
        let picture = self.bodies.values.body_picture(dest, alt)?;
        let mut ctx = tera::Context::new();
        ctx.insert_value("picture", picture);
        ctx.insert("pic_sizes", BODY_IMAGE_SIZES);
        ctx.insert("pic_class", "body-image");
        ctx.insert("pic_eager", &false);
        match self
            .bodies
            .engine
            .render("partials/picture.html", &ctx, self.r.reads())
        {
            Ok(html) => Some(html),
            Err(d) => {
                self.errors.borrow_mut().push(d);
                None
            }
        }
    }
    fn embed(&self, quote_id: &str) -> Option<String> {
        let q = self.r.find_quote(quote_id)?;
        let own = Some(self.r.quote_digest(q)) == self.digest;
        match self.bodies.quote_card(self.r, q, own) {
            Ok(html) => Some(html),
            Err(d) => {
                self.errors.borrow_mut().push(d);
                None
            }
        }
    }
}

impl<'a> Bodies<'a> {
    /// Bodies for the pages of `r`'s view; `keep` marks the digests whose
    /// bodies feeds show in full.
    pub fn new(
        r: &Reader<'_, '_>,
        engine: &'a Templates,
        values: &'a Values<'a>,
        languages: &'a Languages,
        keep: Vec<bool>,
    ) -> Self {
        Bodies {
            engine,
            values,
            languages,
            sanitize: r.config().safe_html,
            kept: Lazy::new(keep.len()),
            keep,
            stories: Lazy::new(r.all_stories(super::reads::Whole).len()),
            errors: Mutex::default(),
        }
    }

    /// The theme's quote card for quote `q`; `with_anchor` when this card
    /// carries the quote's `id` on its page.
    pub fn quote_card(
        &self,
        r: &Reader<'_, '_>,
        q: QuoteIx,
        with_anchor: bool,
    ) -> Result<String, Diagnostic> {
        let mut ctx = tera::Context::new();
        ctx.insert_value("quote", self.values.quote(r, q));
        ctx.insert("with_anchor", &with_anchor);
        self.engine.render("partials/quote.html", &ctx, r.reads())
    }

    /// A digest's rendered body. Errors are collected for [`Bodies::take_errors`].
    pub fn digest(&self, r: &Reader<'_, '_>, d: DigestIx) -> String {
        let render = |r: &Reader<'_, '_>| {
            let (html, errors) = self.render(r, Owner::Digest(d));
            if !errors.is_empty() {
                let mut all = self.errors.lock().unwrap_or_else(|p| p.into_inner());
                all.extend(errors);
            }
            html
        };
        if self.keep[d.ix()] {
            self.kept.get(d.ix(), r, |r| {
                // Kept to the end: without its growth slack.
                let mut html = render(r);
                html.shrink_to_fit();
                html
            })
        } else {
            render(r)
        }
    }

    /// A story's rendered body, rendered once for all its pages.
    pub fn story(&self, r: &Reader<'_, '_>, s: StoryIx) -> Result<String, Diagnostic> {
        self.stories
            .get(s.ix(), r, |r| self.entity(r, Owner::Story(s)))
    }

    /// The rendered body of an actor, source, story or page: its first
    /// error, if any.
    pub fn entity(&self, r: &Reader<'_, '_>, owner: Owner) -> Result<String, Diagnostic> {
        let (html, mut errors) = self.render(r, owner);
        match errors.pop() {
            Some(d) => Err(d),
            None => Ok(html),
        }
    }

    /// Errors met while rendering digest bodies, until now.
    pub fn take_errors(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut *self.errors.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn render(&self, r: &Reader<'_, '_>, owner: Owner) -> (String, Vec<Diagnostic>) {
        let (text, digest) = match owner {
            Owner::Digest(d) => (r.digest_body(d), Some(d)),
            Owner::Actor(a) => (r.actor_body(a).as_str(), None),
            Owner::Source(s) => (r.source_body(s).as_str(), None),
            Owner::Story(s) => (r.story_body(s).as_str(), None),
            Owner::Page(p) => (r.page_body(p).as_str(), None),
        };
        let resolver = BodyResolver {
            bodies: self,
            r,
            digest,
            errors: Default::default(),
        };
        let html = markdown::render(text, &resolver, self.sanitize);
        (html, resolver.errors.into_inner())
    }
}
