//! Multilingual sites (`languages:` in site.yaml): each language other than
//! the first has its pages under `/<lang>/`, showing its own digests with
//! its own labels, dates and feeds; `hreflang` alternates pair up both ways
//! and point at pages that exist; one sitemap lists every language.

mod common;
use common::*;
use std::collections::{BTreeMap, BTreeSet};

const BASE: &str = "https://example.org/news/";

/// A fixture copied into a temp folder, to be edited.
fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

/// Replaces `from` (which must be there) by `to` in a file of `root`.
fn edit(root: &tempfile::TempDir, rel: &str, from: &str, to: &str) {
    let path = root.path().join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel}: no {from}");
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

/// The output file an absolute URL of the site stands for.
fn file_of(url: &str) -> String {
    let rel = url
        .strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{url} is not on the site"));
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

/// The child element `name` of `n`, which must be there.
fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    n.children()
        .find(|c| c.has_tag_name(name))
        .unwrap_or_else(|| panic!("no <{name}> in <{}>", n.tag_name().name()))
}

fn canonical(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("link[rel=canonical]").unwrap();
    let link = doc.select(&sel).next().expect("a canonical link");
    link.value().attr("href").unwrap().to_string()
}

/// `<html lang dir>` of a page.
fn html_lang(html: &str) -> (String, String) {
    let doc = scraper::Html::parse_document(html);
    let root = doc.root_element();
    (
        root.value().attr("lang").unwrap_or_default().to_string(),
        root.value().attr("dir").unwrap_or_default().to_string(),
    )
}

#[test]
fn each_language_has_its_pages_under_its_prefix_with_its_digests() {
    let b = build("languages", &[]).ok();
    for page in [
        "index.html",
        "404.html",
        "digests/index.html",
        "digests/page/2/index.html",
        "digests/2022-12-20-minsk/index.html",
        "en/index.html",
        "en/digests/index.html",
        "en/digests/page/2/index.html",
        "en/digests/2022-12-20-minsk-en/index.html",
        "en/attori/putin/index.html",
        "en/stories/guerra/index.html",
        "en/tags/belarus/index.html",
        "en/chi-siamo/index.html",
        "en/search/index.json",
        "en/404.html",
        "uk/index.html",
        "uk/digests/2022-12-20-minsk-uk/index.html",
        "uk/attori/index.html",
    ] {
        assert!(b.exists(page), "no {page}");
    }
    // Each digest has one page, in its language's place; tags exist only
    // where they belong.
    for page in [
        "digests/2022-12-20-minsk-en/index.html",
        "en/digests/2022-12-20-minsk/index.html",
        "uk/digests/page/2/index.html",
        "tags/belarus/index.html",
        "en/tags/bielorussia/index.html",
    ] {
        assert!(!b.exists(page), "{page} should not exist");
    }
    // Lists and entity pages show their language's digests only.
    let home = b.read("en/index.html");
    assert!(home.contains("Kyiv after the summit") && !home.contains("Peskov e la tregua"));
    let putin = b.read("en/attori/putin/index.html");
    assert!(putin.contains("The Minsk summit") && !putin.contains("Il vertice di Minsk"));
    assert!(putin.contains("Cooperation in all sectors."));
    assert!(!putin.contains("Cooperazione in tutti i settori."));
    let putin_it = b.read("attori/putin/index.html");
    assert!(putin_it.contains("Il vertice di Minsk") && !putin_it.contains("The Minsk summit"));
    // Each language searches its own digests.
    let titles = |lang: &str, q: &str| -> Vec<String> {
        common::search(&b.out.join(lang), q)
            .into_iter()
            .map(|(_, title, _)| title)
            .collect()
    };
    assert!(titles("uk", "саміт").iter().any(|t| t == "Саміт у Мінську"));
    // The English digest is not in the Ukrainian index (the Ukrainian one
    // is found one typo away from its transliteration, `samit`).
    assert!(!titles("uk", "summit")
        .iter()
        .any(|t| t == "The Minsk summit"));
    assert!(titles("en", "summit")
        .iter()
        .any(|t| t == "The Minsk summit"));
    // Links across languages go to the other language's pages: the English
    // digest links to an Italian one and quotes an Italian quote.
    let digest = b.read("en/digests/2022-12-20-minsk-en/index.html");
    assert!(digest.contains("href=\"/news/digests/2022-12-21-peskov/\""));
    assert!(digest.contains("href=\"/news/digests/2022-12-20-minsk/#q-putin-settori\""));
    let broken = broken_links(&b.out, "/news/");
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn labels_dates_plurals_and_direction_follow_each_language() {
    let b = build("languages", &[]).ok();
    let cases = [
        ("index.html", "it", "Ultimi digest", "21 dicembre 2022"),
        ("en/index.html", "en", "Latest digests", "22 December 2022"),
        ("uk/index.html", "uk", "Останні дайджести", "20 грудня 2022"),
    ];
    for (page, lang, label, date) in cases {
        let html = b.read(page);
        assert_eq!(
            html_lang(&html),
            (lang.to_string(), "ltr".to_string()),
            "{page}"
        );
        assert!(html.contains(label), "{page}: no {label}");
        assert!(html.contains(date), "{page}: no {date}");
    }
    // CLDR plurals of each language.
    assert!(b.read("en/stories/index.html").contains("2 digests"));
    assert!(b.read("uk/stories/index.html").contains("1 дайджест"));
    // A page in a right-to-left language is marked so (`ar` has no label
    // file: its pages fall back to English labels, but not to `ltr`).
    let root = copy_fixture("languages");
    edit(&root, "site.yaml", "[it, en, uk]", "[it, en, uk, ar]");
    edit(
        &root,
        "content/digests/2022/12/2022-12-20-minsk-uk.md",
        "lang: uk",
        "lang: ar",
    );
    let b = build_site(root.path(), &[]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    let html = b.read("ar/index.html");
    assert_eq!(html_lang(&html), ("ar".to_string(), "rtl".to_string()));
    assert!(b.exists("ar/digests/2022-12-20-minsk-uk/index.html"));
    assert!(
        b.exists("uk/index.html"),
        "a language without digests still has its home"
    );
}

#[test]
fn hreflang_alternates_are_symmetric_and_resolve() {
    let b = build("languages", &[]).ok();
    let mut pages_with = 0;
    for (rel, bytes) in b.files() {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let alts = alternates(&html);
        if alts.is_empty() {
            continue;
        }
        pages_with += 1;
        let me = canonical(&html);
        let (lang, _) = html_lang(&html);
        assert_eq!(alts.get(&lang), Some(&me), "{rel}: does not name itself");
        for (other_lang, url) in &alts {
            let target = file_of(url);
            assert!(b.exists(&target), "{rel}: alternate {url}, no {target}");
            let there = b.read(&target);
            assert_eq!(&html_lang(&there).0, other_lang, "{target}");
            assert_eq!(
                alternates(&there),
                alts,
                "{rel} and {target} disagree on the alternates"
            );
        }
    }
    // Every home, list and entity page of three languages, and the digests
    // of the translation group.
    assert!(pages_with > 40, "{pages_with} pages with alternates");
    let home = alternates(&b.read("en/index.html"));
    let expected: BTreeMap<String, String> = [("it", ""), ("en", "en/"), ("uk", "uk/")]
        .into_iter()
        .map(|(l, p)| (l.to_string(), format!("{BASE}{p}")))
        .collect();
    assert_eq!(home, expected);
    // The language switcher links each language's version of the page.
    let html = b.read("uk/attori/putin/index.html");
    for href in ["/news/attori/putin/", "/news/en/attori/putin/"] {
        assert!(
            html.contains(&format!("<a href=\"{href}\" hreflang=")),
            "{href}"
        );
    }
    // A digest without a translation says so, in the edition's language,
    // rather than switching to another language's home.
    let html = b.read("en/digests/2022-12-22-kyiv-en/index.html");
    assert!(alternates(&html).is_empty());
    assert!(!html.contains("<a href=\"/news/uk/\" hreflang=\"uk\""));
    assert!(html.contains("<p class=\"lang-missing\">Only in English</p>"));
}

#[test]
fn each_language_has_its_feeds_and_one_sitemap_lists_them_all() {
    let b = build("languages", &[]).ok();
    for (feed, lang, entries) in [
        (
            "atom.xml",
            "it",
            vec!["digests/2022-12-21-peskov/", "digests/2022-12-20-minsk/"],
        ),
        (
            "en/atom.xml",
            "en",
            vec![
                "en/digests/2022-12-22-kyiv-en/",
                "en/digests/2022-12-20-minsk-en/",
            ],
        ),
        ("uk/atom.xml", "uk", vec!["uk/digests/2022-12-20-minsk-uk/"]),
        (
            "en/attori/putin/atom.xml",
            "en",
            vec!["en/digests/2022-12-20-minsk-en/"],
        ),
    ] {
        let text = b.read(feed);
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{feed}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "feed");
        assert_eq!(
            root.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
            Some(lang),
            "{feed}"
        );
        for name in ["title", "id", "updated"] {
            assert!(!child(root, name).text().unwrap_or_default().is_empty());
        }
        let self_link = root
            .children()
            .find(|c| c.has_tag_name("link") && c.attribute("rel") == Some("self"))
            .expect("self link");
        assert_eq!(
            self_link.attribute("href"),
            Some(format!("{BASE}{feed}").as_str())
        );
        let links: Vec<String> = root
            .children()
            .filter(|c| c.has_tag_name("entry"))
            .map(|e| {
                let id = child(e, "id").text().unwrap().to_string();
                assert!(b.exists(&file_of(&id)), "{feed}: {id}");
                for name in ["title", "updated"] {
                    child(e, name);
                }
                id
            })
            .collect();
        let expected: Vec<String> = entries.iter().map(|p| format!("{BASE}{p}")).collect();
        assert_eq!(links, expected, "{feed}");
    }
    let sitemap = b.read("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: BTreeSet<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| n.text().unwrap().to_string())
        .collect();
    for loc in &locs {
        assert!(b.exists(&file_of(loc)), "sitemap: {loc}");
    }
    for page in [
        "",
        "en/",
        "uk/",
        "en/digests/2022-12-20-minsk-en/",
        "uk/attori/putin/",
    ] {
        assert!(
            locs.contains(&format!("{BASE}{page}")),
            "sitemap lacks {page}"
        );
    }
    assert!(!b.exists("en/sitemap.xml") && !b.exists("en/robots.txt"));
}

#[test]
fn a_site_without_languages_has_no_switcher_and_no_alternates_on_its_home() {
    let b = build("basic", &[]).ok();
    let home = b.read("index.html");
    assert!(alternates(&home).is_empty());
    assert!(!home.contains("site-languages"));
    assert!(!b.exists("en/index.html"));
}

#[test]
fn the_dev_server_rebuilds_every_language_as_a_full_build_does() {
    use storia::build::{render_incremental, BuildOptions, Caches};
    let root = copy_fixture("languages");
    let options = BuildOptions {
        cache: storia::cache::Choice::Off,
        ..BuildOptions::for_serving(root.path(), "http://127.0.0.1:1111/".into(), true)
    };
    let files = |caches: &Caches| -> BTreeMap<String, Vec<u8>> {
        caches
            .files()
            .map(|(path, bytes)| (path.clone(), bytes.to_vec()))
            .collect()
    };
    let mut caches = Caches::default();
    render_incremental(&options, &mut caches);
    let edits = [
        (
            "content/digests/2022/12/2022-12-20-minsk-en.md",
            "The Minsk summit",
            "The summit in Minsk",
        ),
        ("content/actors/putin.md", "Presidente", "Presidente russo"),
        // A digest moves from one language's pages to another's.
        (
            "content/digests/2022/12/2022-12-22-kyiv-en.md",
            "lang: en",
            "lang: uk",
        ),
    ];
    for (rel, from, to) in edits {
        edit(&root, rel, from, to);
        caches.load.forget(std::path::Path::new(rel));
        render_incremental(&options, &mut caches);
        let incremental = files(&caches);
        let mut fresh = Caches::default();
        render_incremental(&options, &mut fresh);
        let full = files(&fresh);
        assert!(!full.is_empty());
        assert_eq!(
            incremental.keys().collect::<Vec<_>>(),
            full.keys().collect::<Vec<_>>(),
            "after editing {rel}"
        );
        for (path, bytes) in &incremental {
            assert!(*bytes == full[path], "{path} differs after editing {rel}");
        }
    }
    render_incremental(&options, &mut caches);
    let last = files(&caches);
    assert!(last.contains_key("uk/digests/2022-12-22-kyiv-en/index.html"));
    assert!(!last.contains_key("en/digests/2022-12-22-kyiv-en/index.html"));
    let putin = String::from_utf8(last["uk/attori/putin/index.html"].clone()).unwrap();
    assert!(putin.contains("Presidente russo"));
}
