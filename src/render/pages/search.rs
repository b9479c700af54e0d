//! The search page (its index files are written by `render::search`).

use super::{Page, Rendered};
use crate::diagnostics::Diagnostic;

pub(super) fn render(p: &mut Page<'_, '_, '_>) -> Result<Rendered, Diagnostic> {
    let url = p.urls().section("search");
    p.ctx.insert("index_url", &format!("{url}index.json"));
    p.ctx.insert("script_url", &p.values().site["search_js"]);
    let page = p.page_value("search", &p.label("search"), "", &url, None, None);
    p.ctx.insert("page", &page);
    Ok(("search.html", url))
}
