//! The basic fixture builds into every page kind, cross-linked, deterministic.

mod common;
use common::*;

#[test]
fn every_page_kind_exists_at_its_url() {
    let b = build("basic", &[]).ok();
    for page in [
        "index.html",
        "404.html",
        "digests/index.html",
        "digests/page/2/index.html",
        "digests/2022-12-20-minsk/index.html",
        "attori/index.html",
        "attori/putin/index.html",
        "fonti/index.html",
        "fonti/isw/index.html",
        "storie/index.html",
        "storie/guerra/index.html",
        "storie/guerra/page/2/index.html",
        "tags/index.html",
        "tags/unione-europea/index.html",
        "tags/sovranita/index.html",
        "chi-siamo/index.html",
        "search/index.html",
        "search/index.json",
        "atom.xml",
        "attori/putin/atom.xml",
        "storie/guerra/atom.xml",
        "sitemap.xml",
        "robots.txt",
        "highlight.css",
    ] {
        assert!(b.exists(page), "missing {page}");
    }
}

#[test]
fn every_internal_link_and_quote_anchor_resolves() {
    let b = build("basic", &[]).ok();
    let broken = broken_links(&b.out, "/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_link_resolves_under_a_sub_path_base_url() {
    let b = build("basic", &["--base-url", "https://user.github.io/project/"]).ok();
    let broken = broken_links(&b.out, "/project/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(b
        .read("sitemap.xml")
        .contains("<loc>https://user.github.io/project/digests/2022-12-20-minsk/</loc>"));
}

#[test]
fn the_sitemap_lists_every_page_with_its_own_canonical_url() {
    let b = build("basic", &[]).ok();
    let sitemap = b.read("sitemap.xml");
    let listed: std::collections::BTreeSet<String> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|s| s.split("</loc>").next())
        .map(str::to_string)
        .collect();
    for (path, _) in b.files() {
        let Some(dir) = path.strip_suffix("index.html") else {
            continue;
        };
        let page = b.read(&path);
        let canonical = format!("<link rel=\"canonical\" href=\"https://example.org/{dir}\">");
        // Later pages of a list point at their own URL too, but are reached
        // from the first; search has nothing to index.
        if dir.contains("/page/") || dir.starts_with("search/") || !page.contains(&canonical) {
            continue;
        }
        let url = format!("https://example.org/{dir}");
        assert!(
            listed.contains(&url),
            "{url} is not in the sitemap:\n{sitemap}"
        );
    }
}

#[test]
fn quotes_appear_on_digest_and_speaker_pages_with_one_anchor_each() {
    let b = build("basic", &[]).ok();
    let count = |page: &str, needle: &str| b.read(page).matches(needle).count();
    // Embedded in its own digest: the anchor is on the card in the body.
    assert_eq!(
        count(
            "digests/2022-12-20-minsk/index.html",
            "id=\"q-lukashenko-cuneo\""
        ),
        1
    );
    assert_eq!(
        count("attori/lukashenko/index.html", "id=\"q-lukashenko-cuneo\""),
        1
    );
    // Embedded in another digest: no anchor there, a link to it instead.
    assert_eq!(
        count(
            "digests/2022-12-21-peskov/index.html",
            "id=\"q-lukashenko-cuneo\""
        ),
        0
    );
    assert!(b
        .read("digests/2022-12-21-peskov/index.html")
        .contains("/digests/2022-12-20-minsk/#q-lukashenko-cuneo"));
    // A quote by a source shows on the source's page.
    assert_eq!(count("fonti/isw/index.html", "id=\"q-isw-improbabile\""), 1);
    // Listed, not embedded: anchored in the digest's quote list.
    assert_eq!(
        count(
            "digests/2022-12-20-minsk/index.html",
            "id=\"q-putin-settori\""
        ),
        1
    );
}

#[test]
fn drafts_are_built_only_with_the_flag() {
    let b = build("basic", &[]).ok();
    assert!(!b.exists("digests/2023-01-05-bozza/index.html"));
    assert!(!b.read("attori/putin/index.html").contains("putin-bozza"));
    let b = build("basic", &["--drafts"]).ok();
    assert!(b.exists("digests/2023-01-05-bozza/index.html"));
    assert!(b.read("attori/putin/index.html").contains("q-putin-bozza"));
    // Never in feeds, sitemap or search, even with --drafts.
    for file in [
        "atom.xml",
        "sitemap.xml",
        "search/index.json",
        "attori/putin/atom.xml",
    ] {
        assert!(!b.read(file).contains("bozza"), "draft in {file}");
    }
}

#[test]
fn values_from_yaml_are_escaped() {
    let b = build("basic", &[]).ok();
    let page = b.read("digests/2022-12-20-minsk/index.html");
    assert!(!page.contains("<script>alert(1)"), "title not escaped");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains("<b>mai</b>"), "quote text not escaped");
    assert!(!b.read("atom.xml").contains("<script>"));
    assert!(!b.read("index.html").contains("<Site>"));
}

#[test]
fn cross_links_are_derived() {
    let b = build("basic", &[]).ok();
    let putin = b.read("attori/putin/index.html");
    // Mentioned in a body and listed: both digests involve Putin.
    assert!(putin.contains("/digests/2022-12-20-minsk/"));
    assert!(putin.contains("/digests/2022-12-01-vecchio/"));
    // Backlinks: the story page is linked from the plain page.
    assert!(b.read("storie/guerra/index.html").contains("/chi-siamo/"));
    // Citations are numbered and the body links to the citation's URL.
    let minsk = b.read("digests/2022-12-20-minsk/index.html");
    assert!(minsk.contains("id=\"citation-1\""));
    assert!(minsk.contains("href=\"https://www.understandingwar.org/backgrounder/x\""));
    // Related digests share actors or tags.
    assert!(minsk.contains("/digests/2022-12-21-peskov/"));
    // Italian dates and heading anchors.
    assert!(minsk.contains("20 dicembre 2022"));
    assert!(minsk.contains("id=\"analisi\""));
    // The tag is spelled as written most often.
    assert!(b
        .read("tags/bielorussia/index.html")
        .contains("Bielorussia"));
}

#[test]
fn the_same_input_gives_byte_identical_output() {
    let a = build("basic", &[]).ok();
    let b = build("basic", &[]).ok();
    assert_eq!(a.files(), b.files());
}

#[test]
fn a_rebuild_without_changes_writes_no_file() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let run = || {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_storia"))
            .args(["build", "--quiet", "--root"])
            .arg(fixture("basic"))
            .arg("--output")
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
    };
    run();
    let before = std::fs::metadata(out.join("index.html")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    run();
    let after = std::fs::metadata(out.join("index.html")).unwrap();
    assert_eq!(
        (before.ino(), before.mtime_nsec()),
        (after.ino(), after.mtime_nsec())
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), site.path());
    let out = site.path().join("public");
    let build_it = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_storia"))
            .args(["build", "--quiet", "--root"])
            .arg(site.path())
            .output()
            .unwrap()
    };
    assert!(build_it().status.success());
    let before = Build {
        dir: tempfile::tempdir().unwrap(),
        out: out.clone(),
        code: 0,
        stderr: String::new(),
    }
    .files();
    std::fs::write(
        site.path().join("content/actors/broken.md"),
        "---\nname: [\n---\n",
    )
    .unwrap();
    let failed = build_it();
    assert_eq!(failed.status.code(), Some(1));
    let after = Build {
        dir: tempfile::tempdir().unwrap(),
        out,
        code: 0,
        stderr: String::new(),
    }
    .files();
    assert_eq!(before, after);
}

#[test]
fn the_example_site_builds_cleanly() {
    let b = build_site(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), &[]).ok();
    assert!(!b.stderr.contains("warning"), "{}", b.stderr);
    let broken = broken_links(&b.out, "/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn init_scaffolds_a_site_that_builds_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("new-site");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_storia"))
        .arg("init")
        .arg(&site)
        .status()
        .unwrap();
    assert!(status.success());
    build_site(&site, &[]).ok();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_storia"))
        .args([
            "new",
            "digest",
            "second",
            "--date",
            "2024-02-01",
            "--title",
            "Second",
        ])
        .arg("--root")
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "content/digests/2024/02/2024-02-01-second.md"
    );
    build_site(&site, &["--drafts"]).ok();
}

#[test]
fn every_list_page_exists_even_when_the_site_is_empty() {
    let b = build("empty", &[]).ok();
    for page in [
        "index.html",
        "404.html",
        "digests/index.html",
        "actors/index.html",
        "sources/index.html",
        "stories/index.html",
        "tags/index.html",
        "search/index.html",
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
    ] {
        assert!(b.exists(page), "missing {page}");
    }
    assert!(b.read("index.html").contains("href=\"/blog/digests/\""));
    let broken = broken_links(&b.out, "/blog/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn bom_and_crlf_do_not_leak_into_the_output() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), site.path());
    let p = site.path().join("content/actors/lukashenko.md");
    std::fs::write(&p, "\u{feff}---\r\nname: \"Alexander Lukashenko\"\r\nrole: \"Presidente\"\r\n---\r\nBio\r\nsu due righe.\r\n").unwrap();
    let b = build_site(site.path(), &[]).ok();
    let page = b.read("attori/lukashenko/index.html");
    assert!(!page.contains('\r') && !page.contains('\u{feff}'));
    assert!(page.contains("Presidente"));
}

#[test]
fn likely_mistakes_warn_and_deny_warnings_makes_them_fatal() {
    let b = build("basic", &[]).ok();
    assert!(
        b.stderr
            .contains("warning: quote `isw-improbabile` has no citation"),
        "{}",
        b.stderr
    );
    assert!(
        b.stderr
            .contains("--> content/digests/2022/12/2022-12-20-minsk.md:19:9"),
        "{}",
        b.stderr
    );
    assert!(
        !b.stderr.contains("actor `lukashenko` is never mentioned"),
        "quoted actors are involved"
    );
    let denied = build("basic", &["--deny-warnings"]);
    assert_eq!(denied.code, 1);
    assert!(
        denied
            .stderr
            .contains("error: quote `isw-improbabile` has no citation"),
        "{}",
        denied.stderr
    );
    assert!(!denied.out.exists(), "a denied build writes nothing");
}

#[test]
fn safe_html_sanitises_raw_html_in_bodies() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), site.path());
    let config = site.path().join("site.yaml");
    let yaml = std::fs::read_to_string(&config).unwrap() + "safe_html: true\n";
    std::fs::write(&config, yaml).unwrap();
    let page = site.path().join("content/pages/chi-siamo.md");
    std::fs::write(&page, "---\ntitle: \"Chi siamo\"\n---\nCiao <script>alert(1)</script> <img src=x onerror=alert(2)> [la guerra](story:guerra).\n").unwrap();
    let b = build_site(site.path(), &[]).ok();
    let html = b.read("chi-siamo/index.html");
    assert!(
        !html.contains("alert(1)</script>") && !html.contains("onerror"),
        "{html}"
    );
    assert!(
        html.contains("href=\"/storie/guerra/\""),
        "references survive sanitising"
    );
}

fn json_ld(b: &Build, page: &str) -> serde_json::Value {
    let html = scraper::Html::parse_document(&b.read(page));
    let sel = scraper::Selector::parse("script[type=\"application/ld+json\"]").unwrap();
    let blocks: Vec<_> = html.select(&sel).collect();
    assert_eq!(blocks.len(), 1, "{page}: one JSON-LD block");
    serde_json::from_str(&blocks[0].text().collect::<String>())
        .unwrap_or_else(|e| panic!("{page}: {e}"))
}

#[test]
fn structured_data_parses_and_carries_the_expected_types() {
    let b = build("basic", &[]).ok();
    let digest = json_ld(&b, "digests/2022-12-20-minsk/index.html");
    let graph = digest["@graph"].as_array().unwrap();
    assert_eq!(graph[0]["@type"], "NewsArticle");
    assert_eq!(
        graph[0]["headline"],
        "Perché Lukashenko <script>alert(1)</script> non aiuterà Putin"
    );
    assert_eq!(
        graph[0]["citation"][0]["url"],
        "https://www.understandingwar.org/backgrounder/x"
    );
    let quote = graph.iter().find(|n| n["@type"] == "Quotation").unwrap();
    assert_eq!(quote["spokenByCharacter"]["name"], "Alexander Lukashenko");
    assert_eq!(
        quote["isBasedOn"],
        "https://www.understandingwar.org/backgrounder/x"
    );
    let actor = json_ld(&b, "attori/putin/index.html");
    assert_eq!(actor["@type"], "Person");
    assert_eq!(
        actor["sameAs"][0],
        "https://it.wikipedia.org/wiki/Vladimir_Putin"
    );
    assert_eq!(
        json_ld(&b, "storie/guerra/index.html")["@type"],
        "CollectionPage"
    );
    assert_eq!(json_ld(&b, "fonti/isw/index.html")["@type"], "Organization");
}

#[test]
fn the_search_index_folds_accents() {
    let b = build("basic", &[]).ok();
    let hits = search(&b.out, "sovranita");
    assert_eq!(
        hits,
        [(
            "digest".to_string(),
            "Perché Lukashenko <script>alert(1)</script> non aiuterà Putin".to_string(),
            "/digests/2022-12-20-minsk/".to_string()
        )],
        "an accent-less query finds the digest tagged `sovranità`"
    );
    let quotes = search(&b.out, "riuscira");
    assert!(
        quotes
            .iter()
            .any(|(k, _, u)| k == "quote" && u.contains("#q-")),
        "quotes are searchable, accents folded: {quotes:?}"
    );
    // As you type: every word is a prefix, and all words must match.
    assert_eq!(search(&b.out, "sovr lukash"), hits);
    assert!(search(&b.out, "sovr nonexistentword").is_empty());
    // Actors by name and alias (in its own script too), sources and stories by name.
    for (query, kind) in [
        ("peskov", "actor"),
        ("vladimir putin", "actor"),
        ("путин", "actor"),
        ("institute study", "source"),
        ("guerra", "story"),
    ] {
        assert!(
            search(&b.out, query).iter().any(|(k, _, _)| k == kind),
            "`{query}` finds no {kind}"
        );
    }
}

#[test]
fn theme_assets_are_fingerprinted_and_site_static_files_keep_their_names() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), site.path());
    std::fs::create_dir_all(site.path().join("static")).unwrap();
    std::fs::write(site.path().join("static/CNAME"), "news.example.org\n").unwrap();
    std::fs::write(
        site.path().join("static/robots.txt"),
        "User-agent: *\nDisallow: /\n",
    )
    .unwrap();
    let b = build_site(site.path(), &[]).ok();
    let home = b.read("index.html");
    let css = home
        .split("href=\"/style.")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("fingerprinted stylesheet");
    assert!(
        css.len() == "0123456789.css".len() && css.ends_with(".css"),
        "{css}"
    );
    assert!(b.exists(&format!("style.{css}")));
    assert_eq!(b.read("CNAME"), "news.example.org\n");
    assert_eq!(
        b.read("robots.txt"),
        "User-agent: *\nDisallow: /\n",
        "the site's static file wins"
    );
}

#[test]
fn feeds_can_carry_summaries_only() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), site.path());
    let config = site.path().join("site.yaml");
    let yaml =
        std::fs::read_to_string(&config).unwrap() + "feeds: { content: summary, entries: 1 }\n";
    std::fs::write(&config, yaml).unwrap();
    let b = build_site(site.path(), &[]).ok();
    let feed = b.read("atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 1);
    assert!(
        feed.contains("<summary>") && !feed.contains("<content"),
        "{feed}"
    );
}

#[test]
fn actor_and_story_feeds_carry_summaries_unless_asked_for_full_content() {
    let entity_feeds = ["attori/putin/atom.xml", "storie/guerra/atom.xml"];
    let b = build("basic", &[]).ok();
    let site_feed = b.read("atom.xml");
    assert!(site_feed.contains("<content type=\"html\""), "{site_feed}");
    for path in entity_feeds {
        let feed = b.read(path);
        assert!(feed.contains("<entry>"), "{path}: {feed}");
        assert!(
            feed.contains("<summary>") && !feed.contains("<content"),
            "{path}: {feed}"
        );
    }

    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), site.path());
    let config = site.path().join("site.yaml");
    let yaml = std::fs::read_to_string(&config).unwrap()
        + "feeds: { content: summary, entity_content: full }\n";
    std::fs::write(&config, yaml).unwrap();
    let full = build_site(site.path(), &[]).ok();
    assert!(!full.read("atom.xml").contains("<content"));
    for path in entity_feeds {
        let feed = full.read(path);
        assert_eq!(
            feed.matches("<content type=\"html\"").count(),
            feed.matches("<entry>").count(),
            "{path}: {feed}"
        );
        // The same body as on the digest's own page, escaped.
        assert!(feed.contains("&lt;p&gt;"), "{path}: {feed}");
    }
}

#[test]
fn minified_pages_are_smaller_and_still_link_everywhere() {
    let plain = build("basic", &[]).ok();
    let small = build("basic", &["--minify"]).ok();
    let page = "digests/2022-12-20-minsk/index.html";
    assert!(small.read(page).len() < plain.read(page).len());
    assert!(
        small.read(page).contains("</html>"),
        "closing tags are kept"
    );
    let broken = broken_links(&small.out, "/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_atom_feed_parses_with_its_required_elements() {
    let example = build_site(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), &[]).ok();
    let basic = build("basic", &[]).ok();
    for b in [&example, &basic] {
        let feeds: Vec<String> = b
            .files()
            .into_keys()
            .filter(|p| p.ends_with("atom.xml"))
            .collect();
        assert!(feeds.len() >= 3, "only {feeds:?}");
        for path in feeds {
            let feed = feed_rs::parser::parse(b.read(&path).as_bytes())
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom, "{path}");
            assert!(feed.id.starts_with("https://"), "{path}: id {}", feed.id);
            assert!(
                feed.title.as_ref().is_some_and(|t| !t.content.is_empty()),
                "{path}: no title"
            );
            assert!(feed.updated.is_some(), "{path}: no updated");
            for e in &feed.entries {
                assert!(e.id.starts_with("https://"), "{path}: entry id {}", e.id);
                assert!(
                    e.title.as_ref().is_some_and(|t| !t.content.is_empty()),
                    "{path}: entry {} has no title",
                    e.id
                );
                assert!(e.updated.is_some(), "{path}: entry {} not updated", e.id);
                assert!(
                    e.links.iter().any(|l| l.href == e.id),
                    "{path}: entry {} has no link to itself",
                    e.id
                );
            }
        }
        let site = feed_rs::parser::parse(b.read("atom.xml").as_bytes()).unwrap();
        assert!(!site.entries.is_empty(), "the site feed is empty");
    }
}

#[test]
fn actor_and_source_pages_paginate_their_digests() {
    // per_page is 2 in the fixture; Putin appears in 3 digests with drafts.
    let b = build("basic", &["--drafts"]).ok();
    let first = b.read("attori/putin/index.html");
    let second = b.read("attori/putin/page/2/index.html");
    assert!(first.contains("rel=\"next\" href=\"/attori/putin/page/2/\""));
    assert!(second.contains("rel=\"prev\" href=\"/attori/putin/\""));
    // Everything Putin said is on the first page only; later pages carry digests.
    assert!(first.contains("class=\"profile-quotes\""));
    assert!(!second.contains("class=\"profile-quotes\""));
    assert!(second.contains("Pagina 2 di 2"));
    let cards = |html: &str| html.matches("class=\"card\"").count();
    assert_eq!(
        cards(&first) + cards(&second),
        3,
        "every digest on one of the pages"
    );
    assert!(cards(&first) <= 2 && cards(&second) >= 1);
    // Without drafts it fits on one page.
    let b = build("basic", &[]).ok();
    assert!(!b.exists("attori/putin/page/2/index.html"));
    assert!(broken_links(&b.out, "/").is_empty());
}

/// Related digests of the digest `id` in a built index, by id.
fn related_of(
    site: &storia::content::Site,
    index: &storia::index::Index<'_>,
    id: &str,
) -> Vec<String> {
    let ix = index.digest_id(id).expect("digest in the index");
    index.digests[ix.ix()]
        .related
        .iter()
        .map(|r| {
            site.content.digests[index.digests[r.ix()].entry]
                .id
                .as_str()
                .to_string()
        })
        .collect()
}

#[test]
fn related_digests_share_most_then_are_nearest_in_time_even_in_long_lists() {
    // 400 digests a day apart, all naming one actor (a list longer than the
    // window related digests are looked for in); every tenth also tagged.
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    std::fs::write(
        root.join("site.yaml"),
        "title: T\nbase_url: \"https://example.org/\"\nlanguage: en\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("content/actors")).unwrap();
    std::fs::create_dir_all(root.join("content/digests")).unwrap();
    std::fs::write(root.join("content/actors/a.md"), "---\nname: A\n---\n").unwrap();
    let day =
        |n: i64| chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(n as u64);
    for n in 0..400 {
        let tags = if n % 10 == 0 { "tags: [t]\n" } else { "" };
        std::fs::write(
            root.join(format!("content/digests/d{n:03}.md")),
            format!(
                "---\ntitle: D{n}\ndate: {}\nactors: [a]\n{tags}---\nText.\n",
                day(n)
            ),
        )
        .unwrap();
    }
    let (site, diags) = storia::content::load_with(root, None, None);
    assert!(!diags.has_errors(), "{diags:?}");
    let site = site.unwrap();
    let (index, diags) =
        storia::index::resolve(&site, storia::index::Publish::at(storia::build::now()));
    assert!(!diags.has_errors(), "{diags:?}");
    // Sharing the actor only: the five nearest in time (ties: earlier id).
    assert_eq!(
        related_of(&site, &index, "d201"),
        ["d200", "d202", "d199", "d203", "d198"]
    );
    // Sharing actor and tag beats being nearer: the tagged ones come first.
    assert_eq!(
        related_of(&site, &index, "d200"),
        ["d190", "d210", "d180", "d220", "d170"]
    );
}
