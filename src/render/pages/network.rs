//! The network of the most connected actors.

use super::{Page, Rendered};
use crate::diagnostics::Diagnostic;

pub(super) fn render(p: &mut Page<'_, '_, '_>) -> Result<Rendered, Diagnostic> {
    let network = crate::render::editorial::site_network(&p.r, p.values());
    p.ctx.insert_value("network", network);
    let url = p.urls().section(crate::config::NETWORK_WORD);
    let page = p.page_value(
        "network",
        &p.label("network_title"),
        &p.label("network_intro"),
        &url,
        None,
        None,
    );
    p.ctx.insert("page", &page);
    Ok(("network.html", url))
}
