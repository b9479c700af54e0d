//! A digest's page: its body, quotes, numbered citations, actors, tags,
//! related digests, translations and backlinks.

use super::{Page, Rendered};
use crate::diagnostics::Diagnostic;
use crate::index::DigestIx;
use crate::render::values::{date, extra, list, Obj};
use serde_json::Value as Json;
use tera::Value;

pub(super) fn render(p: &mut Page<'_, '_, '_>, d: DigestIx) -> Result<Rendered, Diagnostic> {
    let r = p.r;
    let v = p.values();
    let config = r.config();
    let embeds = r.digest_embeds(d);
    let quotes = list(r.digest_quotes(d).iter().map(|q| {
        Obj::copy_of(&v.quote(&r, *q))
            .set("embedded", embeds.contains(q))
            .into()
    }));
    let (citations, outlets) = r.digest_citations(d);
    let citations = list(citations.iter().enumerate().map(|(n, c)| {
        let published = c
            .published
            .map(|day| date(p.labels(), &crate::index::moment(day, config.timezone)));
        Obj::new()
            .set("number", n + 1)
            .set("id", c.id.as_str())
            .set("title", r.citation_title(d, n))
            .set("url", c.url.0.as_str())
            .set("source", outlets[n].map(|s| v.source_link(&r, s)))
            .set("published", published)
            .set("archived", c.archived.as_ref().map(|a| a.0.as_str()))
            .into()
    }));
    let id = r.digest_id(d);
    let url = p.urls().digest(id);
    let languages = p.cx.languages;
    let full = r.full();
    let me = p.cx.origin[d.ix()];
    let translations = full.digest_translations(me);
    let digest = Obj::copy_of(&v.card(&r, d))
        .set("content", p.cx.bodies.digest(&r, d))
        .set("lang", r.digest_language(d))
        .set("extra", extra(r.digest_extra(d)))
        .set(
            "actors",
            list(r.digest_actors(d).iter().map(|a| v.actor_link(&r, *a))),
        )
        .set("quotes", quotes)
        .set("corrections", v.corrections(&r, d))
        .set("citations", citations)
        .set("related", p.cards(r.digest_related(d))?)
        .set(
            "translations",
            translations
                .iter()
                .map(|t| Value::from_serializable(&languages.version(&full, *t)))
                .collect::<Vec<_>>(),
        );
    // hreflang alternates name every version, this one included.
    let mut alternates: Vec<Json> = Vec::new();
    if !translations.is_empty() {
        alternates.push(languages.version(&full, me));
        alternates.extend(translations.iter().map(|t| languages.version(&full, *t)));
    }
    let page = p.page_value(
        "digest",
        r.digest_title(d),
        r.digest_summary(d),
        &url,
        None,
        r.digest_lang(d),
    );
    let image = p.social_image(r.digest_image(d));
    let ld = crate::render::structured::digest(&r, v, d);
    let mut page = Page::with_metadata(page, &ld, image.as_deref(), "article");
    p.set_alternates(&mut page, alternates);
    p.ctx.insert("page", &page);
    p.ctx.insert_value("digest", digest.into());
    let backlinks = p.backlinks(r.digest_backlinks(d));
    p.ctx.insert_value("backlinks", backlinks);
    Ok(("digest.html", url))
}
