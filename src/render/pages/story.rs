//! A story's page: its description, its digests (paginated), its main
//! actors and its timeline.

use super::{Page, Rendered};
use crate::diagnostics::Diagnostic;
use crate::index::StoryIx;
use crate::render::values::{date, extra, list, Obj};
use crate::render::Urls;
use tera::Value;

/// How many main actors a story page shows.
pub const MAIN_ACTORS_MAX: usize = 10;

pub(super) fn render(
    p: &mut Page<'_, '_, '_>,
    s: StoryIx,
    n: usize,
) -> Result<Rendered, Diagnostic> {
    let r = p.r;
    let v = p.values();
    let absolute_image = p.social_image(r.story_image(s));
    let digests = r.story_digests(s);
    let story = Obj::copy_of(&v.story_link(&r, s))
        .text("summary", "summary_lang", r.story_summary(s))
        .set("started", r.story_started(s).map(|d| date(p.labels(), &d)))
        .set("image", r.story_image(s).map(|i| p.urls().image(&i.src.0)))
        .set("picture", r.story_image(s).map(|i| v.picture(i, "")))
        .set("content", p.cx.bodies.story(&r, s)?)
        .set(
            "content_lang",
            p.body_lang(crate::render::bodies::Owner::Story(s)),
        )
        .set("extra", extra(r.story_extra(s)))
        .set("count", digests.len());
    let list_url = p.urls().story(r.story_id(s));
    let cards = p.page_of_cards(digests, n)?;
    p.ctx.insert_value("digests", cards);
    let pagination = p.pagination(&list_url, n, digests.len());
    p.ctx.insert("pagination", &pagination);
    let main = r.story_main_actors(s);
    let main = v.counted_actors(&r, &main[..main.len().min(MAIN_ACTORS_MAX)]);
    p.ctx.insert_value("main_actors", main);
    let timeline = p.cx.timelines.get(s.ix(), &r, |r| timeline(p, r, s));
    p.ctx.insert_value("timeline", timeline);
    let chart = p.cx.timeline_charts.get(s.ix(), &r, |r| {
        Value::from_serializable(&crate::render::editorial::story_timeline(r, v, s))
    });
    p.ctx.insert_value("timeline_chart", chart);
    let backlinks = p.backlinks(r.story_backlinks(s));
    p.ctx.insert_value("backlinks", backlinks);
    let url = Urls::paginated(&list_url, n);
    let feed = p.urls().absolute(&format!("{list_url}atom.xml"));
    p.ctx.insert("feed", &feed);
    let shown = p.page_of(digests, n);
    let ld = crate::render::structured::story(&r, v, s, shown, &url);
    let mut page = p.page_value(
        "story",
        &r.story_title(s),
        r.story_summary(s).as_deref().unwrap_or(""),
        &url,
        Some(feed),
        None,
    );
    p.entity_editions(&mut page, crate::index::PageRef::Story(s));
    let page = Page::with_metadata(page, &ld, absolute_image.as_deref(), "website");
    p.ctx.insert("page", &page);
    p.ctx.insert_value("story", story.into());
    Ok(("story.html", url))
}

/// A story's digests, oldest first, grouped by month.
fn timeline(p: &Page<'_, '_, '_>, r: &crate::render::reads::Reader<'_, '_>, s: StoryIx) -> Value {
    let v = p.values();
    let mut months: Vec<(String, Vec<Value>)> = Vec::new();
    for &d in r.story_digests(s).iter().rev() {
        let when = r.digest_date(d);
        let month = p.labels().month(&when);
        let item = Obj::new()
            .set("date", date(p.labels(), &when))
            .set("title", r.digest_title(d))
            .set("url", p.urls().digest(r.digest_id(d)))
            .set("quote", r.digest_quotes(d).first().map(|q| v.quote(r, *q)))
            .into();
        match months.last_mut() {
            Some((m, items)) if *m == month => items.push(item),
            _ => months.push((month, vec![item])),
        }
    }
    list(
        months
            .into_iter()
            .map(|(m, items)| Obj::new().set("month", m).set("items", items).into()),
    )
}
