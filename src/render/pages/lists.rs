//! The list pages: every digest (paginated), every actor (in three
//! orders), source, story and tag.

use super::{Page, Rendered};
use crate::diagnostics::Diagnostic;
use crate::render::reads::Whole;
use crate::render::urls::{ActorSort, Urls};
use crate::render::values::{date, list, Obj};
use serde_json::{json, Value as Json};
use std::cmp::Reverse;

/// Page `n` of every digest.
pub(super) fn digests(p: &mut Page<'_, '_, '_>, n: usize) -> Result<Rendered, Diagnostic> {
    let r = p.r;
    let list_url = p.urls().section(&p.urls().paths().digests);
    let all: Vec<_> = r.all_digests(Whole).iter().collect();
    let cards = p.page_of_cards(&all, n)?;
    p.ctx.insert_value("digests", cards);
    let pagination = p.pagination(&list_url, n, all.len());
    p.ctx.insert("pagination", &pagination);
    let url = Urls::paginated(&list_url, n);
    let page = p.page_value("digests", &p.label("digests"), "", &url, None, None);
    p.ctx.insert("page", &page);
    Ok(("digests.html", url))
}

/// Every actor, in the order `sort`.
pub(super) fn actors(p: &mut Page<'_, '_, '_>, sort: ActorSort) -> Result<Rendered, Diagnostic> {
    let r = p.r;
    // The newest quote's moment, for "recently quoted".
    let latest = |a| r.actor_quotes(a).first().map(|q| r.quote_date(*q));
    let mut order: Vec<_> = r.all_actors(Whole).iter().collect();
    match sort {
        ActorSort::Name => {}
        ActorSort::Quoted => order.sort_by_key(|a| Reverse(r.actor_quotes(*a).len())),
        ActorSort::Recent => order.sort_by_key(|a| Reverse(latest(*a))),
    }
    let actors = list(order.into_iter().map(|a| {
        Obj::copy_of(&p.values().actor_link(&r, a))
            .set("quote_count", r.actor_quotes(a).len())
            .set("digest_count", r.actor_digests(a).len())
            .set("latest_quote", latest(a).map(|d| date(p.labels(), &d)))
            .into()
    }));
    p.ctx.insert_value("actors", actors);
    p.ctx.insert("sort", sort.key());
    let sorts: Vec<Json> = ActorSort::ALL
        .iter()
        .map(|s| {
            json!({
                "key": s.key(),
                "label": p.label(&format!("sort_{}", s.key())),
                "url": p.urls().sorted_actors(*s),
                "current": *s == sort,
            })
        })
        .collect();
    p.ctx.insert("sorts", &sorts);
    let url = p.urls().sorted_actors(sort);
    let title = match sort {
        ActorSort::Name => p.label("actors"),
        _ => format!(
            "{} · {}",
            p.label("actors"),
            p.label(&format!("sort_{}", sort.key()))
        ),
    };
    let page = p.page_value("actors", &title, "", &url, None, None);
    p.ctx.insert("page", &page);
    Ok(("actors.html", url))
}

/// Every source.
pub(super) fn sources(p: &mut Page<'_, '_, '_>) -> Result<Rendered, Diagnostic> {
    let r = p.r;
    let sources = list(r.all_sources(Whole).iter().map(|s| {
        Obj::copy_of(&p.values().source_link(&r, s))
            .set("quote_count", r.source_quotes(s).len())
            .set("digest_count", r.source_digests(s).len())
            .into()
    }));
    p.ctx.insert_value("sources", sources);
    let url = p.urls().section(&p.urls().paths().sources);
    let page = p.page_value("sources", &p.label("sources"), "", &url, None, None);
    p.ctx.insert("page", &page);
    Ok(("sources.html", url))
}

/// Every story.
pub(super) fn stories(p: &mut Page<'_, '_, '_>) -> Result<Rendered, Diagnostic> {
    let r = p.r;
    let stories = list(r.all_stories(Whole).iter().map(|s| {
        let digests = r.story_digests(s);
        Obj::copy_of(&p.values().story_link(&r, s))
            .text("summary", "summary_lang", r.story_summary(s))
            .set("count", digests.len())
            .set("latest", p.latest_date(digests))
            .into()
    }));
    p.ctx.insert_value("stories", stories);
    let url = p.urls().section(&p.urls().paths().stories);
    let page = p.page_value("stories", &p.label("stories"), "", &url, None, None);
    p.ctx.insert("page", &page);
    Ok(("stories.html", url))
}

/// Every tag, by name.
pub(super) fn tags(p: &mut Page<'_, '_, '_>) -> Result<Rendered, Diagnostic> {
    let r = p.r;
    let mut tags: Vec<_> = r.all_tags(Whole).iter().collect();
    tags.sort_by_cached_key(|t| crate::slug::fold(r.tag_name(*t)));
    let tags = list(tags.into_iter().map(|t| p.values().tag(&r, t)));
    p.ctx.insert_value("tags", tags);
    let url = p.urls().section(&p.urls().paths().tags);
    let page = p.page_value("tags", &p.label("tags"), "", &url, None, None);
    p.ctx.insert("page", &page);
    Ok(("tags.html", url))
}
