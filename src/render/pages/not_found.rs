//! The not-found page, one per edition (`/404.html`, `/en/404.html`).

use super::{Page, Rendered};
use crate::diagnostics::Diagnostic;

pub(super) fn render(p: &mut Page<'_, '_, '_>) -> Result<Rendered, Diagnostic> {
    let url = format!("{}404.html", p.urls().base_path);
    let page = p.page_value("404", &p.label("page_not_found"), "", &url, None, None);
    p.ctx.insert("page", &page);
    Ok(("404.html", url))
}
