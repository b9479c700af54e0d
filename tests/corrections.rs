//! Corrections as content (issue 16): a digest's `corrections:` shown as a
//! dated notice at the top of its page, marking it updated (page, feeds,
//! JSON-LD `CorrectionComment`), and listed newest first in the site's
//! corrections log (its section word from `paths:`) with its own feed.

mod common;

use scraper::{ElementRef, Html, Selector};
use std::path::Path;

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// Two corrected digests and one that is not; `paths` of site.yaml as given.
fn site(paths: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let site_yaml = format!(
        "title: Prova\nbase_url: https://example.org/\nlanguage: it\ntimezone: Europe/Rome\n{paths}"
    );
    write(
        dir.path(),
        &[
            ("site.yaml", &site_yaml),
            ("content/stories/guerra.md", "---\ntitle: Guerra\n---\n"),
            (
                "content/digests/2022-12-20-minsk.md",
                "---\ntitle: Minsk\ndate: 2022-12-20\nstory: guerra\ncorrections:\n  - date: 2022-12-21\n    text: \"Il vertice era a Minsk, non a Mosca.\"\n    was: \"a Mosca\"\n  - date: 2022-12-23T10:00:00+01:00\n    text: \"Corretto il nome di Lukashenko.\"\n---\nIl vertice.\n",
            ),
            (
                "content/digests/2022-12-22-dopo.md",
                "---\ntitle: Dopo\ndate: 2022-12-22\nupdated: 2022-12-22T12:00:00+01:00\nstory: guerra\ncorrections:\n  - date: 2022-12-22T18:00:00+01:00\n    text: \"Il comunicato è del 22, non del 21.\"\n---\nIl giorno dopo.\n",
            ),
            (
                "content/digests/2022-12-24-ultimo.md",
                "---\ntitle: Ultimo\ndate: 2022-12-24\nstory: guerra\n---\nNessuna rettifica.\n",
            ),
        ],
    );
    dir
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    let sel = Selector::parse(css).unwrap();
    html.select(&sel).collect()
}

fn text(e: &ElementRef) -> String {
    e.text().collect::<String>()
}

#[test]
fn a_corrected_digest_shows_a_dated_notice_at_the_top() {
    let dir = site("");
    let b = common::build_site(dir.path(), &["--no-cache"]).ok();
    let html = Html::parse_document(&b.read("digests/2022-12-20-minsk/index.html"));
    // The notice comes right after the header, before the body.
    let notice = select(&html, "article.digest > header + aside.corrections-notice");
    assert_eq!(notice.len(), 1);
    let heading = select(&html, "aside.corrections-notice h2");
    assert_eq!(text(&heading[0]), "Questa sintesi è stata rettificata");
    let items = select(&html, "aside.corrections-notice li");
    assert_eq!(items.len(), 2);
    // Newest first, each with its date and its anchor.
    assert_eq!(items[0].value().attr("id"), Some("correction-2"));
    let time = select(&html, "aside.corrections-notice li time");
    assert_eq!(
        time[0].value().attr("datetime"),
        Some("2022-12-23T10:00:00+01:00")
    );
    assert_eq!(
        time[1].value().attr("datetime"),
        Some("2022-12-21T00:00:00+01:00")
    );
    assert_eq!(
        text(&items[1]),
        "21 dicembre 2022: Il vertice era a Minsk, non a Mosca. Il testo diceva: a Mosca"
    );
    assert_eq!(text(&select(&html, "li#correction-1 q")[0]), "a Mosca");
    let log = select(&html, "aside.corrections-notice a");
    assert_eq!(log[0].value().attr("href"), Some("/corrections/"));
    // The digest is marked updated, on the latest correction.
    let updated = select(&html, ".dateline .updated time");
    assert_eq!(
        updated[0].value().attr("datetime"),
        Some("2022-12-23T10:00:00+01:00")
    );
    let untouched = Html::parse_document(&b.read("digests/2022-12-24-ultimo/index.html"));
    assert!(select(&untouched, "aside.corrections-notice").is_empty());
}

#[test]
fn json_ld_carries_each_correction() {
    let dir = site("");
    let b = common::build_site(dir.path(), &["--no-cache"]).ok();
    let html = Html::parse_document(&b.read("digests/2022-12-20-minsk/index.html"));
    let script = select(&html, "script[type=\"application/ld+json\"]");
    let ld: serde_json::Value = serde_json::from_str(&text(&script[0])).unwrap();
    let graph = ld["@graph"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| vec![ld.clone()]);
    let article = graph
        .iter()
        .find(|v| v["@type"] == "NewsArticle")
        .expect("a NewsArticle");
    assert_eq!(article["dateModified"], "2022-12-23T10:00:00+01:00");
    let corrections = article["correction"].as_array().unwrap();
    assert_eq!(corrections.len(), 2);
    assert_eq!(corrections[0]["@type"], "CorrectionComment");
    assert_eq!(corrections[0]["datePublished"], "2022-12-21T00:00:00+01:00");
    assert_eq!(
        corrections[0]["text"],
        "Il vertice era a Minsk, non a Mosca."
    );
}

#[test]
fn feeds_show_the_corrected_digest_as_updated() {
    let dir = site("");
    let b = common::build_site(dir.path(), &["--no-cache"]).ok();
    let feed = feed_rs::parser::parse(b.read("atom.xml").as_bytes()).unwrap();
    let entry = feed
        .entries
        .iter()
        .find(|e| e.links[0].href.ends_with("/2022-12-20-minsk/"))
        .unwrap();
    assert_eq!(
        entry.updated.unwrap().to_rfc3339(),
        "2022-12-23T09:00:00+00:00"
    );
    // A correction earlier than `updated` leaves `updated` as it is.
    let dopo = feed
        .entries
        .iter()
        .find(|e| e.links[0].href.ends_with("/2022-12-22-dopo/"))
        .unwrap();
    assert_eq!(
        dopo.updated.unwrap().to_rfc3339(),
        "2022-12-22T17:00:00+00:00"
    );
}

#[test]
fn the_log_lists_every_correction_newest_first_with_its_own_feed() {
    let dir = site("paths: { corrections: rettifiche }\n");
    let b = common::build_site(dir.path(), &["--no-cache"]).ok();
    assert!(!b.exists("corrections/index.html"));
    let html = Html::parse_document(&b.read("rettifiche/index.html"));
    assert_eq!(text(&select(&html, "main h1")[0]), "Rettifiche");
    let entries = select(&html, "main ol.corrections-log > li");
    assert_eq!(entries.len(), 3);
    let links: Vec<&str> = select(&html, "main ol.corrections-log > li .correction-meta a")
        .iter()
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert_eq!(
        links,
        [
            "/digests/2022-12-20-minsk/#correction-2",
            "/digests/2022-12-22-dopo/#correction-1",
            "/digests/2022-12-20-minsk/#correction-1",
        ]
    );
    // Each link leads to the notice's item on the digest's page.
    let broken = common::broken_links(&b.out, "/");
    assert!(broken.is_empty(), "{broken:?}");
    assert_eq!(
        text(&select(&html, "main ol.corrections-log > li .correction-text")[1]),
        "Il comunicato è del 22, non del 21."
    );
    // The footer of every page leads to the log.
    let home = Html::parse_document(&b.read("index.html"));
    let footer = select(&home, "footer.site-footer a.footer-corrections");
    assert_eq!(footer[0].value().attr("href"), Some("/rettifiche/"));
    // Its feed: one entry per correction, newest first.
    let feed = feed_rs::parser::parse(b.read("rettifiche/atom.xml").as_bytes()).unwrap();
    assert_eq!(feed.title.unwrap().content, "Rettifiche – Prova");
    let hrefs: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.links[0].href.clone())
        .collect();
    assert_eq!(
        hrefs,
        [
            "https://example.org/digests/2022-12-20-minsk/#correction-2",
            "https://example.org/digests/2022-12-22-dopo/#correction-1",
            "https://example.org/digests/2022-12-20-minsk/#correction-1",
        ]
    );
    assert_eq!(
        feed.entries[0].title.as_ref().unwrap().content,
        "Rettifica: Minsk"
    );
    assert_eq!(
        feed.entries[2].summary.as_ref().unwrap().content,
        "Il vertice era a Minsk, non a Mosca."
    );
    let sitemap = b.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/rettifiche/</loc>"));
}

#[test]
fn a_site_without_corrections_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "site.yaml",
                "title: Prova\nbase_url: https://example.org/\n",
            ),
            (
                "content/digests/2022-12-24-a.md",
                "---\ntitle: A\ndate: 2022-12-24\n---\nTesto.\n",
            ),
        ],
    );
    let b = common::build_site(dir.path(), &["--no-cache"]).ok();
    let html = Html::parse_document(&b.read("corrections/index.html"));
    assert!(select(&html, "main ol.corrections-log").is_empty());
    assert_eq!(
        text(&select(&html, "main p.empty")[0]),
        "No digest has been corrected."
    );
    let feed = feed_rs::parser::parse(b.read("corrections/atom.xml").as_bytes()).unwrap();
    assert!(feed.entries.is_empty());
}

#[test]
fn every_language_of_the_theme_labels_corrections() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/i18n");
    let keys = [
        "corrections",
        "correction",
        "corrections_notice",
        "correction_was",
        "corrections_log",
        "corrections_intro",
        "no_corrections",
    ];
    let mut languages = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let labels: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for key in keys {
            let label = labels[key].as_str().unwrap_or_default();
            assert!(!label.trim().is_empty(), "{}: {key}", path.display());
        }
        languages += 1;
    }
    assert!(languages >= 7);
}
