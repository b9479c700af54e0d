//! Editorial views: charts are well-formed SVG whose every mark links to a
//! page that exists, a story of 3,000 digests draws a bounded timeline,
//! actors sort without JavaScript, translated quotes carry their original,
//! labels follow the site's language and direction.

mod common;
use common::*;
use std::path::Path;

/// Every `<svg class="chart …">…</svg>` of a page.
fn charts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart ") {
        let end = rest[start..].find("</svg>").expect("closed svg") + start + "</svg>".len();
        out.push(&rest[start..end]);
        rest = &rest[end..];
    }
    out
}

/// Parses each chart of `page` as XML and checks each link resolves to a
/// page of the output (and its `#fragment` to an id there); returns how
/// many charts and links there were.
fn check_charts(b: &Build, page: &str) -> (usize, usize) {
    let html = b.read(page);
    let (mut n, mut links) = (0, 0);
    for svg in charts(&html) {
        n += 1;
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{page}: {e}\n{svg}"));
        assert!(
            doc.root_element().attribute("aria-labelledby").is_some(),
            "{page}: the chart has no accessible name"
        );
        for a in doc.descendants().filter(|n| n.has_tag_name("a")) {
            links += 1;
            let href = a.attribute("href").expect("href");
            let (path, fragment) = href
                .split_once('#')
                .map_or((href, None), |(p, f)| (p, Some(f)));
            let target = if path.is_empty() {
                page.to_string()
            } else {
                format!("{}index.html", path.trim_start_matches('/'))
            };
            assert!(
                b.exists(&target),
                "{page}: chart links to {href}, no {target}"
            );
            if let Some(f) = fragment {
                assert!(
                    b.read(&target).contains(&format!("id=\"{f}\"")),
                    "{page}: chart links to {href}, no id {f} there"
                );
            }
        }
    }
    (n, links)
}

#[test]
fn charts_are_well_formed_svg_and_every_mark_links_to_a_page() {
    let b = build("basic", &[]).ok();
    // The story's timeline: one mark per digest (and its key quote).
    let (n, links) = check_charts(&b, "storie/guerra/index.html");
    assert_eq!(n, 1);
    assert!(links >= 3, "{links} links");
    // Lukashenko: quote activity and who he appears with.
    let (n, _) = check_charts(&b, "attori/lukashenko/index.html");
    assert_eq!(n, 2);
    // The site's network, laid out twice: named, and numbered for phones.
    let (n, _) = check_charts(&b, "network/index.html");
    assert_eq!(n, 2);
    let network = b.read("network/index.html");
    let doc = scraper::Html::parse_document(&network);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let named: Vec<String> = doc
        .select(&sel(".chart-wide .net-name"))
        .map(|t| t.text().collect())
        .collect();
    assert!(named.iter().any(|t| t.contains("Lukashenko")), "{named:?}");
    // Each number on the narrow one is the actor's place in the list below,
    // and is part of its link's name.
    let listed: Vec<(String, String)> = doc
        .select(&sel(".network-ranked > li"))
        .map(|li| {
            let rank = li
                .select(&sel(".network-rank"))
                .next()
                .unwrap()
                .text()
                .collect();
            let href = li
                .select(&sel(".entity-link"))
                .next()
                .unwrap()
                .value()
                .attr("href")
                .unwrap();
            (rank, href.to_string())
        })
        .collect();
    assert!(!listed.is_empty());
    for a in doc.select(&sel(".chart-narrow a")) {
        let number: String = a
            .select(&sel(".chart-key"))
            .next()
            .unwrap()
            .text()
            .collect();
        let href = a.value().attr("href").unwrap().to_string();
        assert!(
            listed.contains(&(number.clone(), href.clone())),
            "{number} {href}"
        );
        assert!(a
            .value()
            .attr("aria-label")
            .unwrap()
            .starts_with(&format!("{number}. ")));
    }
    // Page 2 of the story carries the same timeline.
    let one = b.read("storie/guerra/index.html");
    let two = b.read("storie/guerra/page/2/index.html");
    assert_eq!(charts(&one), charts(&two));
    // A text alternative sits beside each chart.
    assert!(one.contains("class=\"chart-data\""));
    assert!(b.read("index.html").contains("dir=\"ltr\""));
}

fn put(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_story_of_three_thousand_digests_draws_a_bounded_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    put(
        root,
        "site.yaml",
        "title: \"Big\"\nbase_url: \"https://example.org/\"\nper_page: 500\n",
    );
    put(root, "content/actors/anna.md", "---\nname: \"Anna\"\n---\n");
    put(
        root,
        "content/stories/long.md",
        "---\ntitle: \"Long\"\n---\n",
    );
    for i in 0..3000 {
        let date = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + chrono::Days::new(i);
        put(
            root,
            &format!("content/digests/d{i}.md"),
            &format!(
                "---\ntitle: \"Digest {i}\"\ndate: {date}\nstory: long\nactors: [anna]\nquotes:\n  - id: q{i}\n    by: anna\n    text: \"Words {i}\"\n---\nBody {i}.\n"
            ),
        );
    }
    let b = build_site(root, &[]).ok();
    let page = b.read("stories/long/index.html");
    let svgs = charts(&page);
    assert_eq!(svgs.len(), 1);
    assert!(
        svgs[0].len() < 40_000,
        "timeline of {} bytes",
        svgs[0].len()
    );
    let (_, links) = check_charts(&b, "stories/long/index.html");
    assert!((1..=36).contains(&links), "{links} marks");
    // 3,000 days are about 99 months: grouped by quarter.
    assert!(page.contains("Q1 2015"), "periods named by quarter");
    // Anna's 3,000 quotes over eight years still make a chart of at most 48 bars.
    let actor = b.read("actors/anna/index.html");
    let activity = charts(&actor)
        .into_iter()
        .find(|s| s.contains("activity-chart"))
        .unwrap();
    assert!(activity.matches("<rect").count() <= 48);
}

#[test]
fn actors_sort_by_quotes_and_recency_without_javascript() {
    let b = build("basic", &[]).ok();
    let names = |page: &str| -> Vec<String> {
        let html = scraper::Html::parse_document(&b.read(page));
        let sel = scraper::Selector::parse(".entity-link").unwrap();
        html.select(&sel).map(|e| e.text().collect()).collect()
    };
    let by_name = names("attori/index.html");
    let by_quotes = names("attori/sort/quoted/index.html");
    let by_recent = names("attori/sort/recent/index.html");
    assert_eq!(by_name.len(), by_quotes.len());
    assert_eq!(by_name.len(), by_recent.len());
    let list = b.read("attori/index.html");
    assert!(list.contains("href=\"/attori/sort/quoted/\""));
    assert!(list.contains("href=\"/network/\""));
    assert!(b
        .read("attori/sort/quoted/index.html")
        .contains("aria-current=\"page\">Più citati"));
    // Ordered, not merely present: the first by quotes has the most.
    let quoted = b.read("attori/sort/quoted/index.html");
    let counts: Vec<usize> = quoted
        .split("class=\"entity-stats\">")
        .skip(1)
        .map(|s| {
            s.split(" citazion")
                .next()
                .and_then(|x| x.rsplit(' ').next())
                .and_then(|x| x.parse().ok())
                .unwrap_or(0)
        })
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
}

/// A one-digest site in `language` whose quote is a translation.
fn translated_site(language: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    put(
        root,
        "site.yaml",
        &format!("title: \"T\"\nbase_url: \"https://example.org/\"\nlanguage: {language}\n"),
    );
    put(
        root,
        "content/actors/peskov.md",
        "---\nname: \"Dmitrij Peskov\"\n---\n",
    );
    put(
        root,
        "content/actors/arafat.md",
        "---\nname: \"Arafat\"\n---\n",
    );
    put(
        root,
        "content/digests/d.md",
        "---\ntitle: \"D\"\ndate: 2022-12-21\nupdated: 2022-12-22\nquotes:\n  - id: q1\n    by: peskov\n    text: \"Non ci sono piani.\"\n    original: \"Таких планов нет.\"\n    original_lang: ru\n  - id: q2\n    by: arafat\n    text: \"Pace.\"\n    original: \"سلام\"\n    original_lang: ar\n---\nUno due tre.\n",
    );
    dir
}

#[test]
fn a_translated_quote_shows_its_original_marked_with_its_language() {
    let site = translated_site("it");
    let b = build_site(site.path(), &[]).ok();
    let page = b.read("digests/d/index.html");
    assert!(page.contains("<p class=\"translation-flag\">Traduzione</p>"));
    assert!(page.contains("<summary>Testo originale in russo</summary>"));
    assert!(page.contains("<p lang=\"ru\" dir=\"ltr\">Таких планов нет.</p>"));
    assert!(page.contains("<p lang=\"ar\" dir=\"rtl\">سلام</p>"));
    // Reading time, words, and the update.
    assert!(page.contains("1 minuto di lettura"));
    assert!(page.contains("3 parole"));
    assert!(page.contains("Aggiornato il <time datetime=\"2022-12-22"));
}

#[test]
fn labels_follow_the_language_with_its_plurals_dates_and_direction() {
    let site = translated_site("ru");
    let b = build_site(site.path(), &[]).ok();
    let page = b.read("actors/peskov/index.html");
    assert!(page.contains("<html lang=\"ru\" dir=\"ltr\">"));
    assert!(page.contains("1 цитата"), "Russian plural");
    assert!(page.contains("21 декабря 2022 г."), "Russian date");
    let site = translated_site("fa");
    put(site.path(), "i18n/fa.yaml", "quotes: \"نقل‌قول‌ها\"\n");
    let b = build_site(site.path(), &[]).ok();
    let page = b.read("actors/peskov/index.html");
    assert!(page.contains("<html lang=\"fa\" dir=\"rtl\">"));
    // The site's own label for a language the theme lacks; English for the rest.
    assert!(page.contains("نقل‌قول‌ها"));
    assert!(page.contains("Often appears with") || page.contains("Quotes over time"));
}

#[test]
fn translations_declared_once_link_every_version_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    put(
        root,
        "site.yaml",
        "title: \"T\"\nbase_url: \"https://example.org/\"\nlanguage: it\n",
    );
    let digest = |id: &str, lang: &str, tr: &str| {
        put(
            root,
            &format!("content/digests/{id}.md"),
            &format!("---\ntitle: \"{id}\"\ndate: 2022-12-20\nlang: {lang}\ntranslations: [{tr}]\n---\nx\n"),
        );
    };
    // a lists b, c lists a: one group of three, though nobody lists all.
    digest("minsk-a", "it", "minsk-b");
    digest("minsk-b", "en", "");
    digest("minsk-c", "fr", "minsk-a");
    digest("altro", "it", "");
    let b = build_site(root, &[]).ok();
    let url = |id: &str| format!("https://example.org/digests/{id}/");
    let mut all = std::collections::BTreeMap::new();
    for (id, lang) in [("minsk-a", "it"), ("minsk-b", "en"), ("minsk-c", "fr")] {
        let html = b.read(&format!("digests/{id}/index.html"));
        let alt = alternates(&html);
        assert_eq!(alt.len(), 3, "{id}: {alt:?}");
        assert_eq!(alt.get(lang), Some(&url(id)), "{id} names itself");
        assert!(html.contains(&format!("<html lang=\"{lang}\"")));
        all.insert(url(id), alt);
    }
    // Symmetric: every page a page points to points back to it.
    for (page, alt) in &all {
        for target in alt.values() {
            assert!(
                all[target].values().any(|u| u == page),
                "{target} does not link back to {page}"
            );
        }
    }
    // A language switcher in each language's own name.
    let a = b.read("digests/minsk-a/index.html");
    assert!(a.contains("hreflang=\"en\" lang=\"en\" dir=\"ltr\" title=\"minsk-b\">English</a>"));
    assert!(a.contains(">Français</a>"));
    // A digest without translations has no alternates.
    assert!(alternates(&b.read("digests/altro/index.html")).is_empty());
}
