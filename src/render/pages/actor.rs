//! An actor's page: profile, everything they said (grouped by story), the
//! digests involving them (paginated), who they appear with, and charts.
//! Later pages carry the next digests only.

use super::{Page, Rendered};
use crate::diagnostics::Diagnostic;
use crate::index::{ActorIx, QuoteIx, StoryIx};
use crate::render::bodies::Owner;
use crate::render::editorial;
use crate::render::values::{extra, list, Obj};
use crate::render::Urls;
use tera::Value;

/// How many co-actors an actor page shows.
pub const CO_ACTORS_MAX: usize = 8;

pub(super) fn render(
    p: &mut Page<'_, '_, '_>,
    a: ActorIx,
    n: usize,
) -> Result<Rendered, Diagnostic> {
    let r = p.r;
    let v = p.values();
    let first = n == 1;
    let links: Vec<Value> = r
        .actor_links(a)
        .iter()
        .map(|(k, l)| {
            Obj::new()
                .set("name", k.as_str())
                .set("url", l.0.as_str())
                .into()
        })
        .collect();
    let actor = Obj::copy_of(&v.actor_link(&r, a))
        .set(
            "aliases",
            r.actor_aliases(a)
                .iter()
                .map(|t| t.0.as_str())
                .collect::<Vec<_>>(),
        )
        .set("wikidata", Value::from_serializable(&r.actor_wikidata(a)))
        .set("links", links)
        .set("content", p.cx.bodies.entity(&r, Owner::Actor(a))?)
        .set("content_lang", p.body_lang(Owner::Actor(a)))
        .set("extra", extra(r.actor_extra(a)))
        .set("quote_count", r.actor_quotes(a).len())
        .set("digest_count", r.actor_digests(a).len());
    // Everything they said is on the first page, grouped by the quote's
    // digest's first story, groups in order of their newest quote.
    let mut groups: Vec<(Option<StoryIx>, Vec<QuoteIx>)> = Vec::new();
    let quotes: &[QuoteIx] = if first { r.actor_quotes(a) } else { &[] };
    for &q in quotes {
        let story = r.digest_stories(r.quote_digest(q)).first().copied();
        match groups.iter_mut().find(|(s, _)| *s == story) {
            Some((_, list)) => list.push(q),
            None => groups.push((story, vec![q])),
        }
    }
    if let Some(pos) = groups.iter().position(|(s, _)| s.is_none()) {
        let ungrouped = groups.remove(pos);
        groups.push(ungrouped);
    }
    let groups = list(groups.into_iter().map(|(s, qs)| {
        Obj::new()
            .set("story", s.map(|s| v.story_link(&r, s)))
            .set("quotes", v.quotes(&r, &qs))
            .into()
    }));
    p.ctx.insert_value("quote_groups", groups);
    let list_url = p.urls().actor(r.actor_id(a));
    let digests = r.actor_digests(a);
    let cards = p.page_of_cards(digests, n)?;
    p.ctx.insert_value("digests", cards);
    let pagination = p.pagination(&list_url, n, digests.len());
    p.ctx.insert("pagination", &pagination);
    let co_actors = if first {
        let all = r.actor_co_actors(a);
        v.counted_actors(&r, &all[..all.len().min(CO_ACTORS_MAX)])
    } else {
        list([])
    };
    p.ctx.insert_value("co_actors", co_actors);
    let network = first.then(|| editorial::actor_network(&r, v, a, CO_ACTORS_MAX));
    p.ctx.insert("network_chart", &network);
    let activity = first.then(|| editorial::actor_activity(&r, v, a));
    p.ctx.insert("activity_chart", &activity);
    let backlinks = if first {
        p.backlinks(r.actor_backlinks(a))
    } else {
        list([])
    };
    p.ctx.insert_value("backlinks", backlinks);
    let url = Urls::paginated(&list_url, n);
    let feed = p.urls().absolute(&format!("{list_url}atom.xml"));
    let mut page = p.page_value(
        "actor",
        &r.actor_name(a),
        &r.actor_role(a).unwrap_or_default(),
        &url,
        Some(feed),
        None,
    );
    p.entity_editions(&mut page, crate::index::PageRef::Actor(a));
    let image = p.social_image(r.actor_image(a));
    let ld = crate::render::structured::actor(&r, v, a);
    let page = Page::with_metadata(page, &ld, image.as_deref(), "profile");
    p.ctx.insert("page", &page);
    p.ctx.insert_value("actor", actor.into());
    Ok(("actor.html", url))
}
