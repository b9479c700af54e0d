//! The corrections log: every correction of the site's digests, newest
//! first, each linked to the notice on its digest's page.

use super::{Page, Rendered};
use crate::diagnostics::Diagnostic;
use crate::render::values::{correction_anchor, corrections_log, date, list, Obj};

pub(super) fn render(p: &mut Page<'_, '_, '_>) -> Result<Rendered, Diagnostic> {
    let r = p.r;
    let v = p.values();
    let entries = list(corrections_log(&r).into_iter().map(|(when, d, n)| {
        let c = &r.digest_corrections(d)[n];
        let digest = v.digest_link(&r, d);
        let url = format!(
            "{}#{}",
            p.urls().digest(r.digest_id(d)),
            correction_anchor(n)
        );
        Obj::new()
            .set("date", date(p.labels(), &when))
            .set("text", c.text.0.as_str())
            .set("was", c.was.as_deref())
            .set("digest", digest)
            .set("url", url)
            .into()
    }));
    p.ctx.insert_value("corrections", entries);
    let url = p.urls().section(&r.config().paths.corrections);
    let feed = p.urls().absolute(&format!("{url}atom.xml"));
    let page = p.page_value(
        "corrections",
        &p.label("corrections"),
        &p.label("corrections_intro"),
        &url,
        Some(feed),
        None,
    );
    p.ctx.insert("page", &page);
    Ok(("corrections.html", url))
}
