//! Structured data (schema.org JSON-LD) for search engines: `NewsArticle`
//! with its `Quotation`s for digests, `Person`/`Organization` for actors,
//! `CollectionPage` with an `ItemList` for stories. Built as JSON values and
//! serialised once, so escaping is always right.

use super::context::Urls;
use super::values::{opt_text, text, Values};
use crate::content::frontmatter::ActorKind;
use crate::index::{ActorIx, DigestIx, Index, SourceIx, Speaker, StoryIx};
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

fn actor_ref(index: &Index<'_>, values: &Values, urls: &Urls, a: ActorIx) -> Json {
    let actor = index.actor(a);
    json!({
        "@type": actor_type(actor.matter.kind),
        "name": actor.matter.name.0,
        "url": urls.absolute(text(&values.actors[a.ix()], "url")),
    })
}

fn source_ref(index: &Index<'_>, values: &Values, urls: &Urls, s: SourceIx) -> Json {
    json!({
        "@type": "Organization",
        "name": index.source(s).matter.name.0,
        "url": urls.absolute(text(&values.sources[s.ix()], "url")),
    })
}

/// A digest: the article and its quotes.
pub fn digest(index: &Index<'_>, values: &Values, urls: &Urls, dx: DigestIx) -> Json {
    let node = &index.digests[dx.ix()];
    let d = index.digest(dx);
    let m = &d.matter;
    let card = &values.cards[dx.ix()];
    let url = urls.absolute(text(card, "url"));
    let citations: Vec<Json> = m
        .sources
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let mut v = json!({"@type": "CreativeWork", "url": c.url.0});
            if let Some(t) = &c.title {
                v["name"] = json!(t);
            }
            if let Some(s) = node.citation_sources[n] {
                v["publisher"] = source_ref(index, values, urls, s);
            }
            v
        })
        .collect();
    let mut article = json!({
        "@type": "NewsArticle",
        "@id": url,
        "headline": m.title.0,
        "url": url,
        "datePublished": node.date.to_rfc3339(),
        "dateModified": node.updated.unwrap_or(node.date).to_rfc3339(),
        "inLanguage": m.lang.clone().unwrap_or_else(|| index.site.config.language.clone()),
        "description": text(card, "summary"),
        "author": if m.authors.0.is_empty() {
            vec![json!({"@type": "Organization", "name": index.site.config.title})]
        } else {
            m.authors.0.iter().map(|a| json!({"@type": "Person", "name": a.0})).collect()
        },
        "about": node.actors.iter().map(|a| actor_ref(index, values, urls, *a)).collect::<Vec<_>>(),
        "citation": citations,
        "keywords": node.tags.iter().map(|t| index.tags[t.ix()].name.clone()).collect::<Vec<_>>(),
    });
    if let Some(image) = opt_text(card, "image") {
        article["image"] = json!(absolute_image(urls, image));
    }
    let quotes: Vec<Json> = node
        .quotes
        .iter()
        .map(|q| {
            let qn = &index.quotes[q.ix()];
            let quote = index.quote(*q);
            let speaker = match qn.speaker {
                Speaker::Actor(a) => actor_ref(index, values, urls, a),
                Speaker::Source(s) => source_ref(index, values, urls, s),
            };
            let mut v = json!({
                "@type": "Quotation",
                "@id": format!("{url}#q-{}", quote.id),
                "text": quote.text.0,
                "spokenByCharacter": speaker,
                "creator": speaker,
                "isPartOf": {"@id": url},
            });
            if let Some(n) = qn.citation {
                v["isBasedOn"] = json!(m.sources[n].url.0);
            }
            v
        })
        .collect();
    let mut graph = vec![article];
    graph.extend(quotes);
    json!({"@context": "https://schema.org", "@graph": graph})
}

/// An actor: a person, an organisation or a country, with `sameAs`.
pub fn actor(index: &Index<'_>, values: &Values, urls: &Urls, a: ActorIx) -> Json {
    let actor = index.actor(a);
    let mut v = actor_ref(index, values, urls, a);
    v["@context"] = json!("https://schema.org");
    let mut same_as: Vec<String> = actor
        .matter
        .wikidata
        .iter()
        .map(|q| format!("https://www.wikidata.org/wiki/{q}"))
        .collect();
    same_as.extend(actor.matter.links.values().map(|l| l.0.clone()));
    v["sameAs"] = json!(same_as);
    if !actor.matter.aliases.0.is_empty() {
        v["alternateName"] = json!(actor
            .matter
            .aliases
            .0
            .iter()
            .map(|t| t.0.as_str())
            .collect::<Vec<_>>());
    }
    if let Some(role) = &actor.matter.role {
        v[if actor.matter.kind == ActorKind::Person {
            "jobTitle"
        } else {
            "description"
        }] = json!(role);
    }
    if let Some(image) = opt_text(&values.actors[a.ix()], "image") {
        v["image"] = json!(absolute_image(urls, image));
    }
    v
}

/// A story page: a collection of the digests it lists.
pub fn story(
    index: &Index<'_>,
    values: &Values,
    urls: &Urls,
    s: StoryIx,
    shown: &[DigestIx],
    url: &str,
) -> Json {
    let story = index.story(s);
    json!({
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": story.matter.title.0,
        "url": urls.absolute(url),
        "description": story.matter.summary,
        "mainEntity": {
            "@type": "ItemList",
            "numberOfItems": index.stories[s.ix()].digests.len(),
            "itemListElement": shown.iter().enumerate().map(|(i, d)| json!({
                "@type": "ListItem",
                "position": i + 1,
                "url": urls.absolute(text(&values.cards[d.ix()], "url")),
                "name": text(&values.cards[d.ix()], "title"),
            })).collect::<Vec<_>>(),
        },
    })
}

/// A source page: the outlet as an organisation.
pub fn source(index: &Index<'_>, values: &Values, urls: &Urls, s: SourceIx) -> Json {
    let mut v = source_ref(index, values, urls, s);
    v["@context"] = json!("https://schema.org");
    if let Some(u) = &index.source(s).matter.url {
        v["sameAs"] = json!([u.0]);
    }
    v
}

/// An image as an absolute URL (for social cards and structured data).
pub fn absolute_image(urls: &Urls, image: &str) -> String {
    if image.starts_with("http://") || image.starts_with("https://") {
        image.to_string()
    } else {
        urls.absolute(image)
    }
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
