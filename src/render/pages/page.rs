//! A plain page (`content/pages/`).

use super::{Page, Rendered};
use crate::diagnostics::Diagnostic;
use crate::index::PageIx;
use crate::render::bodies::Owner;
use crate::render::values::{extra, Obj};

pub(super) fn render(p: &mut Page<'_, '_, '_>, px: PageIx) -> Result<Rendered, Diagnostic> {
    let r = p.r;
    let content = Obj::new()
        .text("title", "title_lang", Some(r.page_title(px)))
        .text("summary", "summary_lang", r.page_summary(px))
        .set("content", p.cx.bodies.entity(&r, Owner::Page(px))?)
        .set("content_lang", p.body_lang(Owner::Page(px)))
        .set("extra", extra(r.page_extra(px)));
    p.ctx.insert_value("page_content", content.into());
    let backlinks = p.backlinks(r.page_backlinks(px));
    p.ctx.insert_value("backlinks", backlinks);
    let url = p.urls().page(r.page_id(px));
    let page = p.page_value(
        "page",
        &r.page_title(px),
        r.page_summary(px).as_deref().unwrap_or(""),
        &url,
        None,
        None,
    );
    p.ctx.insert("page", &page);
    Ok(("page.html", url))
}
