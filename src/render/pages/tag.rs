//! A tag's page: its digests, paginated.

use super::{Page, Rendered};
use crate::diagnostics::Diagnostic;
use crate::index::TagIx;
use crate::render::Urls;

pub(super) fn render(p: &mut Page<'_, '_, '_>, t: TagIx, n: usize) -> Result<Rendered, Diagnostic> {
    let r = p.r;
    let list_url = p.urls().tag(r.tag_slug(t));
    let tag = p.values().tag(&r, t);
    p.ctx.insert_value("tag", tag);
    let digests = r.tag_digests(t);
    let cards = p.page_of_cards(digests, n)?;
    p.ctx.insert_value("digests", cards);
    let pagination = p.pagination(&list_url, n, digests.len());
    p.ctx.insert("pagination", &pagination);
    let url = Urls::paginated(&list_url, n);
    let mut page = p.page_value("tag", r.tag_name(t), "", &url, None, None);
    if n == 1 {
        p.tag_translations(&mut page, r.tag_slug(t));
    }
    p.ctx.insert("page", &page);
    Ok(("tag.html", url))
}
