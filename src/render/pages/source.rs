//! A source's page: the outlet, the quotes attributed to it and the
//! digests citing it (paginated).

use super::{Page, Rendered};
use crate::diagnostics::Diagnostic;
use crate::index::{QuoteIx, SourceIx};
use crate::render::bodies::Owner;
use crate::render::values::{extra, list, Obj};
use crate::render::Urls;

pub(super) fn render(
    p: &mut Page<'_, '_, '_>,
    s: SourceIx,
    n: usize,
) -> Result<Rendered, Diagnostic> {
    let r = p.r;
    let v = p.values();
    let first = n == 1;
    let source = Obj::copy_of(&v.source_link(&r, s))
        .set("site_url", r.source_url(s))
        .set("lang", r.source_lang(s))
        .set("image", r.source_image(s).map(|i| p.urls().image(&i.src.0)))
        .set(
            "picture",
            r.source_image(s)
                .map(|i| v.picture(i, r.source_name(s).value)),
        )
        .set("content", p.cx.bodies.entity(&r, Owner::Source(s))?)
        .set("content_lang", p.body_lang(Owner::Source(s)))
        .set("extra", extra(r.source_extra(s)))
        .set("digest_count", r.source_digests(s).len())
        .set("quote_count", r.source_quotes(s).len());
    p.ctx.insert_value("source", source.into());
    let quotes: &[QuoteIx] = if first { r.source_quotes(s) } else { &[] };
    p.ctx.insert_value("quotes", v.quotes(&r, quotes));
    let list_url = p.urls().source(r.source_id(s));
    let digests = r.source_digests(s);
    let cards = p.page_of_cards(digests, n)?;
    p.ctx.insert_value("digests", cards);
    let pagination = p.pagination(&list_url, n, digests.len());
    p.ctx.insert("pagination", &pagination);
    let backlinks = if first {
        p.backlinks(r.source_backlinks(s))
    } else {
        list([])
    };
    p.ctx.insert_value("backlinks", backlinks);
    let url = Urls::paginated(&list_url, n);
    let mut page = p.page_value("source", &r.source_name(s), "", &url, None, None);
    p.entity_editions(&mut page, crate::index::PageRef::Source(s));
    let ld = crate::render::structured::source(&r, v, s);
    let image = p.social_image(r.source_image(s));
    let page = Page::with_metadata(page, &ld, image.as_deref(), "website");
    p.ctx.insert("page", &page);
    Ok(("source.html", url))
}
