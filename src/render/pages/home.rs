//! The home page: the latest digests, every story (most recently updated
//! first), the most quoted actors.

use super::{Page, Rendered};
use crate::diagnostics::Diagnostic;
use crate::render::reads::Whole;
use crate::render::values::{list, Obj};
use std::cmp::Reverse;

/// How many of the most quoted actors the home page shows.
const TOP_ACTORS: usize = 10;

pub(super) fn render(p: &mut Page<'_, '_, '_>) -> Result<Rendered, Diagnostic> {
    let r = p.r;
    let v = p.values();
    let per_page = r.config().per_page;
    let latest: Vec<_> = r.all_digests(Whole).iter().take(per_page).collect();
    let cards = p.cards(&latest)?;
    p.ctx.insert_value("digests", cards);
    // Most recently updated first: by their newest digest (date, then id).
    let mut stories: Vec<_> = r
        .all_stories(Whole)
        .iter()
        .map(|s| {
            let digests = r.story_digests(s);
            let newest = digests
                .first()
                .map(|d| (Reverse(r.digest_date(*d)), r.digest_id(*d)));
            (newest.is_none(), newest, s)
        })
        .collect();
    stories.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let stories = list(stories.into_iter().map(|(_, _, s)| {
        let digests = r.story_digests(s);
        Obj::copy_of(&v.story_link(&r, s))
            .set("count", digests.len())
            .set("latest", p.latest_date(digests))
            .into()
    }));
    p.ctx.insert_value("stories", stories);
    let mut actors: Vec<_> = r
        .all_actors(Whole)
        .iter()
        .map(|a| (r.actor_quotes(a).len(), a))
        .filter(|(n, _)| *n > 0)
        .collect();
    actors.sort_by_key(|(n, a)| (Reverse(*n), *a));
    let top = list(actors.into_iter().take(TOP_ACTORS).map(|(n, a)| {
        Obj::copy_of(&v.actor_link(&r, a))
            .set("quote_count", n)
            .into()
    }));
    p.ctx.insert_value("top_actors", top);
    let home = p.urls().home();
    let page = p.page_value("index", "", "", &home, None, None);
    p.ctx.insert("page", &page);
    Ok(("index.html", home))
}
