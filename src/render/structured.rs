//! Structured data (schema.org JSON-LD) for search engines: `NewsArticle`
//! with its `Quotation`s for digests, `Person`/`Organization` for actors,
//! `CollectionPage` with an `ItemList` for stories. Built as JSON values and
//! serialised once, so escaping is always right.

use super::reads::Reader;
use super::values::Values;
use crate::content::frontmatter::ActorKind;
use crate::index::{ActorIx, DigestIx, SourceIx, Speaker, StoryIx};
use serde_json::{json, Value as Json};

/// JSON-LD text safe inside `<script>`: `<` is written `\u003c`, so no
/// value can close the element or open a comment.
pub fn script_text(value: &Json) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn actor_type(kind: ActorKind) -> &'static str {
    match kind {
        ActorKind::Person => "Person",
        ActorKind::Country => "Country",
        ActorKind::Organization | ActorKind::Group => "Organization",
    }
}

fn actor_ref(r: &Reader<'_, '_>, values: &Values<'_>, a: ActorIx) -> Json {
    let urls = values.urls();
    json!({
        "@type": actor_type(r.actor_kind(a)),
        "name": r.actor_name(a),
        "url": urls.absolute(&values.actor_url(r, a)),
    })
}

fn source_ref(r: &Reader<'_, '_>, values: &Values<'_>, s: SourceIx) -> Json {
    let urls = values.urls();
    json!({
        "@type": "Organization",
        "name": r.source_name(s),
        "url": urls.absolute(&values.source_url(r, s)),
    })
}

/// A digest: the article and its quotes.
pub fn digest(r: &Reader<'_, '_>, values: &Values<'_>, d: DigestIx) -> Json {
    let urls = values.urls();
    let url = urls.absolute(&urls.digest(r.digest_id(d)));
    let (sources, outlets) = r.digest_citations(d);
    let citations: Vec<Json> = sources
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let mut v = json!({"@type": "CreativeWork", "url": c.url.0});
            if let Some(t) = &c.title {
                v["name"] = json!(t);
            }
            if let Some(s) = outlets[n] {
                v["publisher"] = source_ref(r, values, s);
            }
            v
        })
        .collect();
    let date = r.digest_date(d);
    let authors = r.digest_authors(d);
    let mut article = json!({
        "@type": "NewsArticle",
        "@id": url,
        "headline": r.digest_title(d),
        "url": url,
        "datePublished": date.to_rfc3339(),
        "dateModified": r.digest_updated(d).unwrap_or(date).to_rfc3339(),
        "inLanguage": r.digest_language(d),
        "description": r.digest_summary(d),
        "author": if authors.is_empty() {
            vec![json!({"@type": "Organization", "name": r.config().title(r.lang())})]
        } else {
            authors.iter().map(|a| json!({"@type": "Person", "name": a.0})).collect()
        },
        "about": r.digest_actors(d).iter().map(|a| actor_ref(r, values, *a)).collect::<Vec<_>>(),
        "citation": citations,
        "keywords": r.digest_tags(d).iter().map(|t| r.tag_name(*t)).collect::<Vec<_>>(),
    });
    if let Some(image) = r.digest_image(d) {
        article["image"] = json!(urls.absolute_image(&image.src.0));
    }
    let tz = r.config().timezone;
    let corrections: Vec<Json> = r
        .digest_corrections(d)
        .iter()
        .map(|c| {
            json!({
                "@type": "CorrectionComment",
                "datePublished": crate::index::moment(c.date, tz).to_rfc3339(),
                "text": c.text.0,
            })
        })
        .collect();
    if !corrections.is_empty() {
        article["correction"] = json!(corrections);
    }
    let quotes: Vec<Json> = r
        .digest_quotes(d)
        .iter()
        .map(|q| {
            let quote = r.quote_fields(*q);
            let speaker = match r.quote_speaker(*q) {
                Speaker::Actor(a) => actor_ref(r, values, a),
                Speaker::Source(s) => source_ref(r, values, s),
            };
            let mut v = json!({
                "@type": "Quotation",
                "@id": format!("{url}#q-{}", quote.id),
                "text": quote.text.0,
                "spokenByCharacter": speaker,
                "creator": speaker,
                "isPartOf": {"@id": url},
            });
            if let Some(n) = r.quote_citation(*q) {
                v["isBasedOn"] = json!(sources[n].url.0);
            }
            v
        })
        .collect();
    let mut graph = vec![article];
    graph.extend(quotes);
    json!({"@context": "https://schema.org", "@graph": graph})
}

/// An actor: a person, an organisation or a country, with `sameAs`.
pub fn actor(r: &Reader<'_, '_>, values: &Values<'_>, a: ActorIx) -> Json {
    let mut v = actor_ref(r, values, a);
    v["@context"] = json!("https://schema.org");
    let mut same_as: Vec<String> = r
        .actor_wikidata(a)
        .iter()
        .map(|q| format!("https://www.wikidata.org/wiki/{q}"))
        .collect();
    same_as.extend(r.actor_links(a).values().map(|l| l.0.clone()));
    v["sameAs"] = json!(same_as);
    let aliases = r.actor_aliases(a);
    if !aliases.is_empty() {
        v["alternateName"] = json!(aliases.iter().map(|t| t.0.as_str()).collect::<Vec<_>>());
    }
    if let Some(role) = r.actor_role(a) {
        v[if r.actor_kind(a) == ActorKind::Person {
            "jobTitle"
        } else {
            "description"
        }] = json!(role);
    }
    if let Some(image) = r.actor_image(a) {
        v["image"] = json!(values.urls().absolute_image(&image.src.0));
    }
    v
}

/// A story page: a collection of the digests it lists.
pub fn story(
    r: &Reader<'_, '_>,
    values: &Values<'_>,
    s: StoryIx,
    shown: &[DigestIx],
    url: &str,
) -> Json {
    let urls = values.urls();
    json!({
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": r.story_title(s),
        "url": urls.absolute(url),
        "description": r.story_summary(s),
        "mainEntity": {
            "@type": "ItemList",
            "numberOfItems": r.story_digests(s).len(),
            "itemListElement": shown.iter().enumerate().map(|(i, d)| json!({
                "@type": "ListItem",
                "position": i + 1,
                "url": urls.absolute(&urls.digest(r.digest_id(*d))),
                "name": r.digest_title(*d),
            })).collect::<Vec<_>>(),
        },
    })
}

/// A source page: the outlet as an organisation.
pub fn source(r: &Reader<'_, '_>, values: &Values<'_>, s: SourceIx) -> Json {
    let mut v = source_ref(r, values, s);
    v["@context"] = json!("https://schema.org");
    if let Some(u) = r.source_url(s) {
        v["sameAs"] = json!([u]);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::script_text;

    #[test]
    fn script_text_cannot_close_the_script_element() {
        let text = script_text(&serde_json::json!({"t": "</script><script>alert(1)</script>"}));
        assert!(!text.contains("</script"));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["t"], "</script><script>alert(1)</script>");
    }
}
