//! Every language edition whole: the fixture `editions` is a site in
//! German, English and Arabic whose actors, story, page and site texts are
//! written per language. Each edition shows its own text, falls back to the
//! first language with `lang` set, and its structured data follows.

mod common;
use common::*;
use scraper::{ElementRef, Html, Selector};

fn parse(html: &str) -> Html {
    Html::parse_document(html)
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("{css}: {e:?}"))
}

/// The one element `css` selects in `doc`.
fn one<'a>(doc: &'a Html, css: &str) -> ElementRef<'a> {
    let selector = sel(css);
    let found = doc.select(&selector).next();
    found.unwrap_or_else(|| panic!("nothing matches {css}"))
}

fn text(e: ElementRef<'_>) -> String {
    e.text().collect::<String>().trim().to_string()
}

/// The JSON-LD object of a page.
fn json_ld(doc: &Html) -> serde_json::Value {
    let script = one(doc, "script[type=\"application/ld+json\"]");
    serde_json::from_str(&script.inner_html()).unwrap()
}

/// The element of `doc` showing the quote `id`, wherever it is.
fn quote<'a>(doc: &'a Html, id: &str) -> ElementRef<'a> {
    one(doc, &format!("figure.quote#q-{id}"))
}

#[test]
fn each_edition_shows_its_own_entity_text_and_marks_the_fallbacks() {
    let b = build("editions", &[]).ok();
    // The quote card of the English digest: the English role, no `lang`
    // (the page is English).
    let en = parse(&b.read("en/digests/2022-12-21-summit/index.html"));
    let card = quote(&en, "peskov-summit");
    let speaker = card
        .select(&sel(".quote-speaker a"))
        .next()
        .expect("speaker");
    assert_eq!(text(speaker), "Dmitry Peskov");
    assert_eq!(speaker.value().attr("lang"), None);
    let role = card.select(&sel(".quote-role")).next().expect("role");
    assert_eq!(text(role), ", Kremlin spokesman");
    assert_eq!(role.value().attr("lang"), None);
    // The Arabic edition has no Arabic role: the German one, marked German.
    let ar = parse(&b.read("ar/digests/2022-12-22-qimma/index.html"));
    let card = quote(&ar, "peskov-qimma");
    let role = card.select(&sel(".quote-role")).next().expect("role");
    assert_eq!(text(role), ", Sprecher des Kremls");
    assert_eq!(role.value().attr("lang"), Some("de"));
    let speaker = card.select(&sel(".quote-speaker a")).next().unwrap();
    assert_eq!(text(speaker), "دميتري بيسكوف");
    // The German edition: German, unmarked.
    let de = parse(&b.read("digests/2022-12-20-gipfel/index.html"));
    let role = quote(&de, "peskow-gipfel")
        .select(&sel(".quote-role"))
        .next()
        .unwrap();
    assert_eq!(
        (text(role).as_str(), role.value().attr("lang")),
        (", Sprecher des Kremls", None)
    );

    // The actor page: heading, role, and the JSON-LD's jobTitle.
    for (page, name, role, role_lang) in [
        (
            "actors/peskow/index.html",
            "Dmitri Peskow",
            "Sprecher des Kremls",
            None,
        ),
        (
            "en/actors/peskow/index.html",
            "Dmitry Peskov",
            "Kremlin spokesman",
            None,
        ),
        (
            "ar/actors/peskow/index.html",
            "دميتري بيسكوف",
            "Sprecher des Kremls",
            Some("de"),
        ),
    ] {
        let doc = parse(&b.read(page));
        assert_eq!(text(one(&doc, "h1.page-title")), name, "{page}");
        let shown = one(&doc, ".profile-role");
        assert_eq!(text(shown), role, "{page}");
        assert_eq!(shown.value().attr("lang"), role_lang, "{page}");
        let ld = json_ld(&doc);
        let person = if ld["@graph"].is_array() {
            ld["@graph"]
                .as_array()
                .unwrap()
                .iter()
                .find(|n| n["@type"] == "Person")
                .cloned()
                .expect("a Person")
        } else {
            ld.clone()
        };
        assert_eq!(person["name"], name, "{page}");
        assert_eq!(person["jobTitle"], role, "{page}");
    }

    // The story: its title on the story page and the digest's kicker, its
    // summary; the Arabic edition falls back to the German summary.
    let story = parse(&b.read("en/stories/krieg/index.html"));
    assert_eq!(text(one(&story, "h1.page-title")), "War in Ukraine");
    assert_eq!(text(one(&story, "p.dek")), "Russia’s war of aggression");
    let kicker = one(&en, "p.kicker a");
    assert_eq!(text(kicker), "War in Ukraine");
    let story = parse(&b.read("ar/stories/krieg/index.html"));
    assert_eq!(text(one(&story, "h1.page-title")), "الحرب في أوكرانيا");
    let dek = one(&story, "p.dek");
    assert_eq!(
        (text(dek).as_str(), dek.value().attr("lang")),
        ("Der russische Angriffskrieg", Some("de"))
    );

    // The site's title, tagline and footer, and <meta name=description>.
    for (page, title, tagline, tagline_lang) in [
        ("index.html", "Lagebild", "Die Lage in Kürze", None),
        (
            "en/index.html",
            "Situation Report",
            "The situation in brief",
            None,
        ),
        (
            "ar/index.html",
            "تقرير الوضع",
            "Die Lage in Kürze",
            Some("de"),
        ),
    ] {
        let doc = parse(&b.read(page));
        assert_eq!(text(one(&doc, ".site-title a")), title, "{page}");
        assert_eq!(text(one(&doc, ".footer-title a")), title, "{page}");
        let shown = one(&doc, ".site-tagline");
        assert_eq!(text(shown), tagline, "{page}");
        assert_eq!(shown.value().attr("lang"), tagline_lang, "{page}");
        let meta = one(&doc, "meta[name=description]");
        assert_eq!(meta.value().attr("content"), Some(tagline), "{page}");
    }
    // The footer's page link: English in English, German (marked) in Arabic.
    let doc = parse(&b.read("ar/index.html"));
    let link = one(&doc, ".footer-nav a");
    assert_eq!(
        (text(link).as_str(), link.value().attr("lang")),
        ("Impressum", Some("de"))
    );
    let doc = parse(&b.read("en/impressum/index.html"));
    assert_eq!(text(one(&doc, "h1.page-title")), "Imprint");
    assert_eq!(text(one(&doc, ".footer-nav a")), "Imprint");
}

#[test]
fn the_feeds_and_search_of_an_edition_use_its_text() {
    let b = build("editions", &[]).ok();
    let feed = b.read("en/actors/peskow/atom.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let title = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("title"))
        .unwrap();
    assert_eq!(title.text(), Some("Dmitry Peskov – Situation Report"));
    // The English index finds the actor by the English alias, the German
    // one by the German.
    let found = |lang: &str, q: &str| -> Vec<String> {
        search(&b.out.join(lang), q)
            .into_iter()
            .map(|(_, title, _)| title)
            .collect()
    };
    assert!(found("en", "Peskov").iter().any(|t| t == "Dmitry Peskov"));
    assert!(found("", "Peskow").iter().any(|t| t == "Dmitri Peskow"));
}

/// The `<nav>`s of a page with their `aria-label`s.
fn nav_labels(doc: &Html) -> Vec<String> {
    doc.select(&sel("nav"))
        .map(|n| n.value().attr("aria-label").unwrap_or_default().to_string())
        .collect()
}

#[test]
fn the_switcher_marks_the_edition_names_its_navs_and_says_what_is_missing() {
    let b = build("editions", &[]).ok();
    // A digest with its translations: every language linked, the current
    // one marked; `x-default` names the first language's version.
    let doc = parse(&b.read("en/digests/2022-12-21-summit/index.html"));
    let switcher = one(&doc, "nav.site-languages");
    let links: Vec<(String, Option<String>, String)> = switcher
        .select(&sel("a"))
        .map(|a| {
            let v = a.value();
            (
                v.attr("hreflang").unwrap().to_string(),
                v.attr("aria-current").map(str::to_string),
                v.attr("href").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            (
                "de".to_string(),
                None,
                "/digests/2022-12-20-gipfel/".to_string()
            ),
            (
                "en".to_string(),
                Some("page".to_string()),
                "/en/digests/2022-12-21-summit/".to_string()
            ),
            (
                "ar".to_string(),
                None,
                "/ar/digests/2022-12-22-qimma/".to_string()
            ),
        ]
    );
    let x_default = one(&doc, "link[rel=alternate][hreflang=x-default]");
    assert_eq!(
        x_default.value().attr("href"),
        Some("https://example.org/digests/2022-12-20-gipfel/")
    );
    // Every navigation of the page has its own name.
    let labels = nav_labels(&doc);
    let mut unique = labels.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), labels.len(), "{labels:?}");
    assert!(labels.contains(&"Site language".to_string()), "{labels:?}");
    assert!(doc.select(&sel(".lang-missing")).next().is_none());

    // A tag used only in German: the other languages are named, not
    // linked (never to their homes), and the page says it is only in
    // German, in the reader's language.
    let doc = parse(&b.read("tags/belarus/index.html"));
    let switcher = one(&doc, "nav.site-languages");
    let linked: Vec<&str> = switcher
        .select(&sel("a"))
        .map(|a| a.value().attr("hreflang").unwrap())
        .collect();
    assert_eq!(linked, ["de"]);
    let absent: Vec<String> = switcher.select(&sel(".lang-absent")).map(text).collect();
    assert_eq!(absent, ["English", "العربية"]);
    assert_eq!(text(one(&doc, ".lang-missing")), "Nur auf Deutsch");
    assert!(doc
        .select(&sel("link[rel=alternate][hreflang=x-default]"))
        .next()
        .is_none());
}

#[test]
fn an_entity_with_nothing_in_an_edition_has_no_page_there() {
    let b = build("editions", &[]).ok();
    // Schmidt is quoted in German only; TASS is cited in German only.
    assert!(b.exists("actors/schmidt/index.html"));
    assert!(b.exists("sources/tass/index.html"));
    for lang in ["en", "ar"] {
        for page in [
            "actors/schmidt/index.html",
            "actors/schmidt/atom.xml",
            "sources/tass/index.html",
        ] {
            assert!(!b.exists(&format!("{lang}/{page}")), "{lang}/{page}");
        }
        // Peskov has quotes in every edition.
        assert!(b.exists(&format!("{lang}/actors/peskow/index.html")));
    }
    // Links to Schmidt from the English edition go to the German page.
    let doc = parse(&b.read("en/actors/index.html"));
    let link = doc
        .select(&sel(".entity-link"))
        .find(|a| text(*a) == "Anna Schmidt")
        .expect("Schmidt in the list");
    assert_eq!(link.value().attr("href"), Some("/actors/schmidt/"));
    // Not in the sitemap, the alternates or the English search.
    let sitemap = b.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/actors/schmidt/</loc>"));
    assert!(!sitemap.contains("/en/actors/schmidt/") && !sitemap.contains("/ar/sources/tass/"));
    let german = b.read("actors/schmidt/index.html");
    assert!(alternates(&german).is_empty());
    let peskov = alternates(&b.read("actors/peskow/index.html"));
    assert_eq!(peskov.len(), 3);
    assert!(search(&b.out.join("en"), "Schmidt")
        .iter()
        .all(|(kind, _, _)| kind != "actor"));
    let broken = broken_links(&b.out, "/");
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn each_edition_has_its_not_found_page() {
    let b = build("editions", &[]).ok();
    for (page, lang, dir) in [
        ("404.html", "de", "ltr"),
        ("en/404.html", "en", "ltr"),
        ("ar/404.html", "ar", "rtl"),
    ] {
        let doc = parse(&b.read(page));
        let root = doc.root_element().value();
        assert_eq!(
            (root.attr("lang"), root.attr("dir")),
            (Some(lang), Some(dir)),
            "{page}"
        );
        // Its switcher leads to the other editions' homes.
        let hrefs: Vec<&str> = doc
            .select(&sel("nav.site-languages a"))
            .map(|a| a.value().attr("href").unwrap())
            .collect();
        assert_eq!(hrefs.len(), 3, "{page}");
        assert!(doc.select(&sel(".lang-missing")).next().is_none());
    }
    let en = parse(&b.read("en/404.html"));
    assert_eq!(text(one(&en, "h1")), "Page not found");
    assert!(!b.read("sitemap.xml").contains("404"));
}

#[test]
fn the_arabic_edition_reads_in_arabic() {
    let b = build("editions", &[]).ok();
    assert!(!b.stderr.contains("no labels"), "{}", b.stderr);
    let doc = parse(&b.read("ar/index.html"));
    let root = doc.root_element().value();
    assert_eq!(
        (root.attr("lang"), root.attr("dir")),
        (Some("ar"), Some("rtl"))
    );
    let headings: Vec<String> = doc.select(&sel("main h2")).map(text).collect();
    assert!(
        headings.iter().any(|h| h == "أحدث الملخصات"),
        "{headings:?}"
    );
    let date = one(&doc, "main time");
    assert_eq!(text(date), "22 ديسمبر 2022");
}

#[test]
fn i18n_export_writes_the_theme_labels_for_a_translator_once() {
    let root = tempfile::tempdir().unwrap();
    copy_dir(&fixture("editions"), root.path());
    let export = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_storia"))
            .args(["i18n", "export", "fa", "--root"])
            .arg(root.path())
            .output()
            .unwrap()
    };
    let out = export();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(root.path().join("i18n/fa.yaml")).unwrap();
    let labels: serde_yaml::Mapping = serde_yaml::from_str(&written).unwrap();
    let theme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/i18n/en.yaml"),
    )
    .unwrap();
    let theme: serde_yaml::Mapping = serde_yaml::from_str(&theme).unwrap();
    let keys = |m: &serde_yaml::Mapping| -> std::collections::BTreeSet<String> {
        m.keys().map(|k| k.as_str().unwrap().to_string()).collect()
    };
    assert_eq!(keys(&labels), keys(&theme), "every label key of the theme");
    // The site's first language's texts, to start from.
    assert_eq!(labels["latest_digests"].as_str(), Some("Neueste Digests"));
    // Never overwritten.
    std::fs::write(root.path().join("i18n/fa.yaml"), "home: \"خانه\"\n").unwrap();
    let again = export();
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&again.stderr),
        "error: refusing to write `i18n/fa.yaml`: the file already exists\n  = help: translate that file, or move it away to export the theme's labels again\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.path().join("i18n/fa.yaml")).unwrap(),
        "home: \"خانه\"\n"
    );
    // A language without a label file: the warning points at it in
    // site.yaml and names the command that writes the file.
    std::fs::remove_dir_all(root.path().join("i18n")).unwrap();
    let site = root.path().join("site.yaml");
    let text = std::fs::read_to_string(&site).unwrap();
    std::fs::write(&site, text.replace("[de, en, ar]", "[de, en, ar, fa]")).unwrap();
    let b = build_site(root.path(), &[]).ok();
    assert!(
        b.stderr.contains(
            "warning: the theme has no labels for language `fa`: using English\n --> site.yaml:5:25\n"
        ),
        "{}",
        b.stderr
    );
    assert!(b
        .stderr
        .contains("help: run `storia i18n export fa` to write `i18n/fa.yaml` with the theme's label keys, then translate it"));
}

#[test]
fn charts_of_a_right_to_left_edition_are_mirrored_and_set_their_direction() {
    let b = build("editions", &[]).ok();
    let svgs = |page: &str| -> Vec<(Option<String>, usize, usize)> {
        let doc = parse(&b.read(page));
        doc.select(&sel("svg.chart"))
            .map(|svg| {
                let texts: Vec<ElementRef<'_>> = svg.select(&sel("text")).collect();
                let anchored = texts
                    .iter()
                    .filter(|t| t.value().attr("text-anchor").is_some())
                    .count();
                (
                    svg.value().attr("direction").map(str::to_string),
                    texts.len(),
                    anchored,
                )
            })
            .collect()
    };
    for page in ["ar/stories/krieg/index.html", "ar/actors/peskow/index.html"] {
        let charts = svgs(page);
        assert!(!charts.is_empty(), "{page}: no chart");
        for (direction, texts, anchored) in charts {
            assert_eq!(direction.as_deref(), Some("rtl"), "{page}");
            assert!(texts > 0, "{page}");
            assert_eq!(anchored, texts, "{page}: a label without its anchor");
        }
    }
    // Left to right, charts are as they always were.
    for (direction, _, _) in svgs("en/stories/krieg/index.html") {
        assert_eq!(direction, None);
    }
    // The German body of an actor, shown in the Arabic edition, says so.
    let doc = parse(&b.read("ar/actors/peskow/index.html"));
    let bio = one(&doc, ".profile-bio");
    assert_eq!(bio.value().attr("lang"), Some("de"));
    let doc = parse(&b.read("actors/peskow/index.html"));
    assert_eq!(one(&doc, ".profile-bio").value().attr("lang"), None);
}

#[test]
fn german_search_finds_umlauts_written_as_ue_oe_ae() {
    let b = build("editions", &[]).ok();
    // Two letters apart: not found as a typo, found as German spells it.
    for query in ["Uebergaenge", "übergänge", "Ubergange"] {
        let found = search_found(&b.out, query);
        let hit = found
            .iter()
            .find(|f| f.title == "Der Gipfel von Minsk")
            .unwrap_or_else(|| panic!("{query}: {found:?}"));
        assert_eq!(hit.typos, 0, "{query}");
    }
}

#[test]
fn the_dev_server_re_renders_what_an_edition_reads_of_per_language_text() {
    use storia::build::{render_incremental, BuildOptions, Caches};
    let root = tempfile::tempdir().unwrap();
    copy_dir(&fixture("editions"), root.path());
    let options = BuildOptions {
        cache: storia::cache::Choice::Off,
        ..BuildOptions::for_serving(root.path(), "http://127.0.0.1:1111/".into(), true)
    };
    let files = |caches: &Caches| -> std::collections::BTreeMap<String, Vec<u8>> {
        caches
            .files()
            .map(|(path, bytes)| (path.clone(), bytes.to_vec()))
            .collect()
    };
    let mut caches = Caches::default();
    render_incremental(&options, &mut caches);
    let edits = [
        // The English role only: English pages change, German ones not.
        (
            "content/actors/peskow.md",
            "en: \"Kremlin spokesman\"",
            "en: \"Kremlin press secretary\"",
        ),
        // An Arabic role where the German one stood in.
        (
            "content/actors/peskow.md",
            "role: { de:",
            "role: { ar: \"المتحدث باسم الكرملين\", de:",
        ),
        (
            "content/stories/krieg.md",
            "en: \"War in Ukraine\"",
            "en: \"The war\"",
        ),
        // The English body beside the actor.
        (
            "content/actors/peskow.en.md",
            "since 2012.",
            "since 2012, and before.",
        ),
    ];
    for (rel, from, to) in edits {
        let path = root.path().join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel}: {from}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
        caches.load.forget(std::path::Path::new(rel));
        render_incremental(&options, &mut caches);
        let incremental = files(&caches);
        let mut fresh = Caches::default();
        render_incremental(&options, &mut fresh);
        let full = files(&fresh);
        assert_eq!(
            incremental.keys().collect::<Vec<_>>(),
            full.keys().collect::<Vec<_>>(),
            "after editing {rel}"
        );
        for (path, bytes) in &incremental {
            assert!(*bytes == full[path], "{path} differs after editing {rel}");
        }
    }
    let last = files(&caches);
    let page = |p: &str| String::from_utf8(last[p].clone()).unwrap();
    assert!(page("en/digests/2022-12-21-summit/index.html").contains("Kremlin press secretary"));
    assert!(page("ar/digests/2022-12-22-qimma/index.html").contains("المتحدث باسم الكرملين"));
    assert!(page("en/stories/krieg/index.html").contains("The war"));
    assert!(page("en/actors/peskow/index.html").contains("since 2012, and before."));
    assert!(!page("actors/peskow/index.html").contains("and before"));
}

#[test]
fn the_guide_lists_every_label_key_of_the_theme() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let guide = std::fs::read_to_string(root.join("docs/guide/languages.md")).unwrap();
    let labels = std::fs::read_to_string(root.join("themes/default/i18n/en.yaml")).unwrap();
    let labels: serde_yaml::Mapping = serde_yaml::from_str(&labels).unwrap();
    let missing: Vec<&str> = labels
        .keys()
        .filter_map(|k| k.as_str())
        .filter(|k| !guide.contains(&format!("`{k}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/guide/languages.md lacks {missing:?}"
    );
}

#[test]
fn an_entity_has_its_body_in_another_language_beside_it() {
    let b = build("editions", &[]).ok();
    // `peskow.en.md`: the English body and aliases; the German body stays
    // German; the Arabic edition, without its own, shows the German one
    // marked as German.
    let bio = |page: &str| -> (String, Option<String>) {
        let doc = parse(&b.read(page));
        let bio = one(&doc, ".profile-bio");
        (text(bio), bio.value().attr("lang").map(str::to_string))
    };
    assert_eq!(
        bio("en/actors/peskow/index.html"),
        (
            "Spokesman of the Russian president since 2012.".to_string(),
            None
        )
    );
    assert_eq!(
        bio("actors/peskow/index.html"),
        ("Sprecher des russischen Präsidenten.".to_string(), None)
    );
    assert_eq!(
        bio("ar/actors/peskow/index.html"),
        (
            "Sprecher des russischen Präsidenten.".to_string(),
            Some("de".to_string())
        )
    );
    let doc = parse(&b.read("en/actors/peskow/index.html"));
    let ld = json_ld(&doc);
    assert!(ld.to_string().contains("Dmitry Sergeyevich Peskov"), "{ld}");
    assert!(search(&b.out.join("en"), "Sergeyevich")
        .iter()
        .any(|(_, t, _)| t == "Dmitry Peskov"));
    // `krieg.ar.md`, without front matter: the Arabic story's body.
    let doc = parse(&b.read("ar/stories/krieg/index.html"));
    let body = one(&doc, ".story-body");
    assert_eq!(text(body), "قصة الحرب الروسية على أوكرانيا.");
    assert_eq!(body.value().attr("lang"), None);
    // The id stays one: no page, search entry or sitemap entry of its own.
    assert!(
        !b.exists("actors/peskow.en/index.html") && !b.exists("en/actors/peskow.en/index.html")
    );
    assert!(!b.read("sitemap.xml").contains("peskow.en"));
}

#[test]
fn a_tag_named_in_each_language_is_one_tag_across_editions() {
    let b = build("editions", &[]).ok();
    // `tags: {krieg: {en: war, ar: حرب}}`: each tag page names the others.
    let expected: std::collections::BTreeMap<String, String> = [
        ("de", "https://example.org/tags/krieg/"),
        ("en", "https://example.org/en/tags/war/"),
        ("ar", "https://example.org/ar/tags/حرب/"),
    ]
    .into_iter()
    .map(|(l, u)| (l.to_string(), u.to_string()))
    .collect();
    for page in [
        "tags/krieg/index.html",
        "en/tags/war/index.html",
        "ar/tags/حرب/index.html",
    ] {
        let html = b.read(page);
        assert_eq!(alternates(&html), expected, "{page}");
        let doc = parse(&html);
        let linked = doc.select(&sel("nav.site-languages a")).count();
        assert_eq!(linked, 3, "{page}");
        assert!(doc.select(&sel(".lang-missing")).next().is_none(), "{page}");
    }
    // The Arabic tag keeps its script in its slug, not an ASCII
    // transliteration.
    assert!(!b.exists("ar/tags/lhbwb/index.html"));
    let doc = parse(&b.read("ar/digests/2022-12-22-qimma/index.html"));
    let tag = doc
        .select(&sel("a"))
        .find(|a| a.value().attr("href") == Some("/ar/tags/حرب/"))
        .expect("a link to the Arabic tag");
    assert!(text(tag).contains("حرب"));
}

#[test]
fn each_edition_may_name_its_sections_in_its_language() {
    let b = build("editions", &[]).ok();
    // `paths: {stories: {de: themen, en: stories, …}}`.
    assert!(b.exists("themen/krieg/index.html") && b.exists("themen/index.html"));
    assert!(!b.exists("stories/krieg/index.html") && !b.exists("en/themen/krieg/index.html"));
    assert!(b.exists("en/stories/krieg/index.html"));
    let expected: std::collections::BTreeMap<String, String> = [
        ("de", "https://example.org/themen/krieg/"),
        ("en", "https://example.org/en/stories/krieg/"),
        ("ar", "https://example.org/ar/stories/krieg/"),
    ]
    .into_iter()
    .map(|(l, u)| (l.to_string(), u.to_string()))
    .collect();
    for page in ["themen/krieg/index.html", "en/stories/krieg/index.html"] {
        assert_eq!(alternates(&b.read(page)), expected, "{page}");
    }
    // The German edition's links and its navigation use its word.
    let doc = parse(&b.read("digests/2022-12-20-gipfel/index.html"));
    assert_eq!(
        one(&doc, "p.kicker a").value().attr("href"),
        Some("/themen/krieg/")
    );
    let nav: Vec<&str> = doc
        .select(&sel("nav.site-nav a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(nav.contains(&"/themen/"), "{nav:?}");
    let sitemap = b.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/themen/krieg/</loc>"));
    assert!(sitemap.contains("<loc>https://example.org/en/stories/krieg/</loc>"));
    let broken = broken_links(&b.out, "/");
    assert!(broken.is_empty(), "{broken:#?}");
}
