//! The dev server's incremental build gives exactly the files a full build
//! gives after the same edits, while re-rendering only part of the site.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use storia::build::{render_incremental, BuildOptions, Caches};

fn options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output: None,
        base_url: Some("http://127.0.0.1:1111/".into()),
        drafts: true,
        future: true,
        now: storia::build::now(),
        deny_warnings: false,
        minify: false,
        force: false,
        cache: storia::cache::Choice::Off,
    }
}

fn files(caches: &Caches) -> BTreeMap<String, Vec<u8>> {
    caches
        .files()
        .map(|(path, bytes)| (path.clone(), bytes.to_vec()))
        .collect()
}

/// Rebuilds incrementally after telling the cache what changed, and checks
/// the result against a build from nothing. Returns (pages rendered, files read).
fn rebuild(root: &Path, caches: &mut Caches, changed: &[&str]) -> (usize, usize) {
    for c in changed {
        caches.load.forget(Path::new(c));
    }
    let incremental = render_incremental(&options(root), caches);
    let mut fresh = Caches::default();
    let full = render_incremental(&options(root), &mut fresh);
    assert_eq!(
        incremental.diagnostics.has_errors(),
        full.diagnostics.has_errors()
    );
    if full.diagnostics.has_errors() {
        // A broken save: the same errors, and the last good site kept.
        assert_eq!(
            incremental.diagnostics.render_all(),
            full.diagnostics.render_all()
        );
        assert!(!caches.render.output().is_empty());
        return (0, caches.load.last_read);
    }
    let (a, b) = (files(caches), files(&fresh));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "after editing {changed:?}"
    );
    for (path, bytes) in &a {
        assert!(
            *bytes == b[path],
            "{path} differs from a full build after editing {changed:?}"
        );
    }
    (caches.render.rendered, caches.load.last_read)
}

fn edit(root: &Path, rel: &str, f: impl FnOnce(String) -> String) {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, f(text)).unwrap();
}

#[test]
fn incremental_builds_equal_full_builds_after_every_kind_of_edit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::copy_dir(&common::fixture("basic"), root);
    let mut caches = Caches::default();
    let first = render_incremental(&options(root), &mut caches);
    assert!(!first.diagnostics.has_errors());
    let all_pages = caches.render.rendered;
    assert!(all_pages > 20);

    // Nothing changed: nothing read, nothing rendered.
    assert_eq!(rebuild(root, &mut caches, &[]), (0, 0));

    // A digest's body: its page and the pages showing its summary change.
    let peskov = "content/digests/2022/12/2022-12-21-peskov.md";
    edit(root, peskov, |t| {
        t.replace("ha parlato.", "ha parlato a lungo.")
    });
    let (rendered, read) = rebuild(root, &mut caches, &[peskov]);
    assert_eq!(read, 1);
    assert!(
        rendered >= 1 && rendered < all_pages,
        "{rendered} of {all_pages}"
    );

    // Its title: every list and backlink showing it.
    edit(root, peskov, |t| {
        t.replace("speculazioni sciocche", "parole dure")
    });
    let (rendered, _) = rebuild(root, &mut caches, &[peskov]);
    assert!(
        rendered > 1 && rendered < all_pages,
        "{rendered} of {all_pages}"
    );

    // A quote embedded in another digest.
    let minsk = "content/digests/2022/12/2022-12-20-minsk.md";
    let text = fs::read_to_string(root.join(minsk)).unwrap();
    assert!(text.contains("lukashenko-cuneo"));
    edit(root, minsk, |t| {
        t.replacen("text: \"", "text: \"Davvero: ", 1)
    });
    rebuild(root, &mut caches, &[minsk]);

    // A new actor, then a digest quoting them.
    fs::write(
        root.join("content/actors/zelensky.md"),
        "---\nname: Volodymyr Zelensky\n---\nPresidente.\n",
    )
    .unwrap();
    rebuild(root, &mut caches, &["content/actors/zelensky.md"]);
    fs::create_dir_all(root.join("content/digests/2023/02")).unwrap();
    let new = "content/digests/2023/02/2023-02-01-kyiv.md";
    fs::write(
        root.join(new),
        "---\ntitle: Kyiv\ndate: 2023-02-01\nstory: guerra\nactors: [zelensky]\nquotes:\n  - id: zelensky-kyiv\n    by: zelensky\n    text: \"Resistiamo.\"\n---\nParla [Zelensky](actor:zelensky).\n",
    )
    .unwrap();
    rebuild(root, &mut caches, &["content/digests/2023/02"]);

    // Renamed (a new id: links to the old one are gone) and deleted.
    let renamed = "content/digests/2023/02/2023-02-02-kyiv.md";
    fs::rename(root.join(new), root.join(renamed)).unwrap();
    rebuild(root, &mut caches, &[new, renamed]);
    fs::remove_file(root.join(renamed)).unwrap();
    rebuild(root, &mut caches, &[renamed]);

    // A template of the site's own overriding the theme's partial.
    fs::create_dir_all(root.join("templates/partials")).unwrap();
    let theme_quote = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/partials/quote.html"),
    )
    .unwrap();
    fs::write(
        root.join("templates/partials/quote.html"),
        theme_quote.replacen("<", "<!-- mine --><", 1),
    )
    .unwrap();
    let (rendered, read) = rebuild(root, &mut caches, &["templates/partials/quote.html"]);
    assert_eq!(read, 0);
    assert!(
        rendered > 0 && rendered < all_pages,
        "{rendered} of {all_pages}"
    );

    // A static file: copied, no page rendered.
    fs::create_dir_all(root.join("static")).unwrap();
    fs::write(root.join("static/extra.css"), "body { color: red }\n").unwrap();
    let (rendered, _) = rebuild(root, &mut caches, &["static/extra.css"]);
    assert_eq!(rendered, 0);

    // A broken save, then the fix.
    edit(root, peskov, |t| t.replacen("title:", "titel:", 1));
    rebuild(root, &mut caches, &[peskov]);
    edit(root, peskov, |t| t.replacen("titel:", "title:", 1));
    rebuild(root, &mut caches, &[peskov]);

    // site.yaml: every page.
    edit(root, "site.yaml", |t| {
        t.replace("Fixture <Site>", "Fixture 2")
    });
    let (rendered, _) = rebuild(root, &mut caches, &["site.yaml"]);
    assert!(rendered >= all_pages, "{rendered} of {all_pages}");
}

/// The pages whose digest cards link to `href`, with each card's title.
fn cards_linking(caches: &Caches, href: &str) -> BTreeMap<String, Vec<String>> {
    let title = scraper::Selector::parse("article.card .card-title a").unwrap();
    files(caches)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .filter_map(|(path, bytes)| {
            let html = scraper::Html::parse_document(&String::from_utf8_lossy(&bytes));
            let titles: Vec<String> = html
                .select(&title)
                .filter(|a| a.value().attr("href").is_some_and(|h| h.ends_with(href)))
                .map(|a| a.text().collect())
                .collect();
            (!titles.is_empty()).then_some((path, titles))
        })
        .collect()
}

#[test]
fn a_card_edit_reaches_every_page_showing_the_card() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::copy_dir(&common::fixture("basic"), root);
    let mut caches = Caches::default();
    assert!(!render_incremental(&options(root), &mut caches)
        .diagnostics
        .has_errors());
    let href = "/digests/2022-12-20-minsk/";
    let before = cards_linking(&caches, href);
    // The card is on pages of several kinds: lists, actors, story, tag.
    assert!(before.len() >= 4, "{before:?}");
    let minsk = "content/digests/2022/12/2022-12-20-minsk.md";
    let text = fs::read_to_string(root.join(minsk)).unwrap();
    let title = text
        .lines()
        .find_map(|l| l.strip_prefix("title: "))
        .unwrap()
        .trim_matches('"')
        .to_string();
    edit(root, minsk, |t| t.replacen(&title, "Un titolo nuovo", 1));
    let (rendered, _) = rebuild(root, &mut caches, &[minsk]);
    let after = cards_linking(&caches, href);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    for (path, titles) in &after {
        assert!(
            titles.iter().all(|t| t == "Un titolo nuovo"),
            "{path}: {titles:?}"
        );
    }
    assert!(
        rendered >= after.len(),
        "{rendered} pages for {}",
        after.len()
    );

    // The site's own card partial: every page showing a card shows it.
    fs::create_dir_all(root.join("templates/partials")).unwrap();
    let theme_card = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("themes/default/templates/partials/digest_card.html"),
    )
    .unwrap();
    fs::write(
        root.join("templates/partials/digest_card.html"),
        theme_card.replacen(
            "<article class=\"card",
            "<article data-mine class=\"card",
            1,
        ),
    )
    .unwrap();
    rebuild(root, &mut caches, &["templates/partials/digest_card.html"]);
    let mine = scraper::Selector::parse("article[data-mine].card .card-title a").unwrap();
    let all = scraper::Selector::parse("article.card .card-title a").unwrap();
    // Digest cards (story cards on the stories list share the class).
    let digest_cards = |sel: &scraper::Selector, html: &scraper::Html| {
        html.select(sel)
            .filter(|a| {
                a.value()
                    .attr("href")
                    .is_some_and(|h| h.contains("/digests/"))
            })
            .count()
    };
    for (path, bytes) in files(&caches) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = scraper::Html::parse_document(&String::from_utf8_lossy(&bytes));
        assert_eq!(
            digest_cards(&mine, &html),
            digest_cards(&all, &html),
            "{path}"
        );
        if after.contains_key(&path) {
            assert!(html
                .select(&mine)
                .any(|a| a.value().attr("href").is_some_and(|h| h.ends_with(href))));
        }
    }
}
