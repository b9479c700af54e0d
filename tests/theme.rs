//! Adapting the theme without storia's source: `storia theme eject` (the
//! ejected theme builds the same bytes, and nothing is ever overwritten),
//! the blocks of `base.html` a site's own `base.html` can fill, `menu:` in
//! site.yaml, and `storia help templates`.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn storia(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_storia"))
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The repository's example site (its site files only) in a temp folder.
fn example_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(&site).unwrap();
    std::fs::copy(repo.join("site.yaml"), site.join("site.yaml")).unwrap();
    for d in ["content", "static", "templates"] {
        if repo.join(d).is_dir() {
            copy_dir(&repo.join(d), &site.join(d));
        }
    }
    (dir, site)
}

/// The texts of the elements `selector` finds in `html`, whitespace collapsed.
fn texts(html: &str, selector: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .map(|n| {
            n.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn attrs(html: &str, selector: &str, attr: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .map(|n| n.value().attr(attr).unwrap_or_default().to_string())
        .collect()
}

#[test]
fn an_ejected_theme_builds_byte_identically_and_is_then_the_one_used() {
    let (_dir, site) = example_copy();
    let before = build_site(&site, &[]).ok().files();

    let o = storia(&site, &["theme", "eject"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "themes/default");
    // Every file of the built-in theme, byte for byte.
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    let mut count = 0;
    for e in walkdir::WalkDir::new(&theme) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&theme).unwrap();
            let ejected = site.join("themes/default").join(rel);
            assert_eq!(
                std::fs::read(&ejected).unwrap_or_default(),
                std::fs::read(e.path()).unwrap(),
                "{}",
                rel.display()
            );
            count += 1;
        }
    }
    assert!(count > 20, "{count} files");
    assert!(
        stderr(&o).contains(&format!("({count} files)")),
        "{}",
        stderr(&o)
    );

    let after = build_site(&site, &[]).ok().files();
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &before {
        assert!(after[path] == *bytes, "{path} differs after eject");
    }

    // The site now builds with the ejected files.
    let base = site.join("themes/default/templates/base.html");
    let text = std::fs::read_to_string(&base).unwrap();
    std::fs::write(
        &base,
        text.replace(
            "<main id=\"main\"",
            "<p class=\"ejected\">edited</p>\n<main id=\"main\"",
        ),
    )
    .unwrap();
    let b = build_site(&site, &[]).ok();
    assert_eq!(texts(&b.read("index.html"), "p.ejected"), ["edited"]);
}

#[test]
fn eject_never_overwrites_and_writes_nothing_when_it_refuses() {
    let (_dir, site) = example_copy();
    let mine = site.join("themes/default/static/style.css");
    std::fs::create_dir_all(mine.parent().unwrap()).unwrap();
    std::fs::write(&mine, "/* mine */").unwrap();

    let o = storia(&site, &["theme", "eject"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: refusing to overwrite `themes/default/static/style.css`\n  \
         = help: nothing was written; move `themes/default` aside, or eject under another name with `--name`\n"
    );
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "/* mine */");
    assert!(!site.join("themes/default/templates").exists());

    // Under another name it goes beside it, and says how to use it.
    let o = storia(&site, &["theme", "eject", "--name", "mine"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(site.join("themes/mine/templates/base.html").is_file());
    assert!(
        stderr(&o).contains("set `theme: mine` in site.yaml"),
        "{}",
        stderr(&o)
    );

    let o = storia(&site, &["theme", "eject", "--name", "Mine Theme"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("`Mine Theme` cannot name a theme folder"));

    let empty = tempfile::tempdir().unwrap();
    let o = storia(empty.path(), &["theme", "eject"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("site.yaml"), "{}", stderr(&o));
    assert!(!empty.path().join("themes").exists());
}

#[test]
fn a_site_base_html_fills_the_blocks_of_the_themes_frame() {
    let (_dir, site) = example_copy();
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(
        site.join("templates/base.html"),
        r#"{% extends "themes/default/templates/base.html" %}
{% block head_extra %}<meta name="x-extra" content="yes">{% endblock head_extra %}
{% block nav_items %}{{ super() }}<li><a href="https://example.org/radio/">Radio</a></li>{% endblock nav_items %}
{% block footer %}<footer class="site-footer"><p class="mine">Redazione</p></footer>{% endblock footer %}
"#,
    )
    .unwrap();
    let b = build_site(&site, &[]).ok();
    for page in ["index.html", "attori/putin/index.html", "search/index.html"] {
        let html = b.read(page);
        assert_eq!(
            attrs(&html, "meta[name=x-extra]", "content"),
            ["yes"],
            "{page}"
        );
        assert_eq!(
            texts(&html, ".site-nav li"),
            ["Digest", "Storie", "Attori", "Fonti", "Tag", "Radio", "Cerca"],
            "{page}"
        );
        assert_eq!(texts(&html, "footer p"), ["Redazione"], "{page}");
    }
    // The page's own head block (search: noindex) is kept beside the extras.
    assert_eq!(
        attrs(&b.read("search/index.html"), "meta[name=robots]", "content"),
        ["noindex"]
    );

    // Replacing the masthead drops the theme's header altogether.
    std::fs::write(
        site.join("templates/base.html"),
        r#"{% extends "themes/default/templates/base.html" %}
{% block masthead %}<header class="mine"><a href="{{ site.urls.home }}">{{ site.title }}</a></header>{% endblock masthead %}
"#,
    )
    .unwrap();
    let b = build_site(&site, &[]).ok();
    let html = b.read("index.html");
    assert_eq!(texts(&html, "header.mine"), ["Storia"]);
    assert!(texts(&html, ".site-nav").is_empty());
}

fn with_menu(site: &Path, menu: &str) {
    let yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    std::fs::write(site.join("site.yaml"), format!("{yaml}menu:\n{menu}")).unwrap();
}

#[test]
fn menu_entries_join_the_navigation_in_order_with_the_base_path() {
    let (_dir, site) = example_copy();
    with_menu(
        &site,
        "  - chi-siamo\n  - page: guida\n    title: \"Per la redazione\"\n  - title: \"La rete\"\n    url: /network/\n  - {title: Archivio, url: \"https://archivio.example.org/\"}\n",
    );
    let b = build_site(&site, &["--base-url", "https://example.org/notizie/"]).ok();
    let html = b.read("chi-siamo/index.html");
    assert_eq!(
        texts(&html, ".site-nav li"),
        [
            "Digest",
            "Storie",
            "Attori",
            "Fonti",
            "Tag",
            "Chi siamo",
            "Per la redazione",
            "La rete",
            "Archivio",
            "Cerca"
        ]
    );
    assert_eq!(
        attrs(&html, ".site-nav a", "href")[5..9],
        [
            "/notizie/chi-siamo/",
            "/notizie/guida/",
            "/notizie/network/",
            "https://archivio.example.org/"
        ]
    );
    // The entry of the page being shown is marked as the current page.
    assert_eq!(
        attrs(&html, ".site-nav a[aria-current=page]", "href"),
        ["/notizie/chi-siamo/"]
    );
    assert!(attrs(
        &b.read("index.html"),
        ".site-nav a[aria-current=page]",
        "href"
    )
    .is_empty());
    assert!(broken_links(&b.out, "/notizie/").is_empty());
}

#[test]
fn menu_mistakes_are_placed_in_site_yaml() {
    let (_dir, site) = example_copy();
    let lines = std::fs::read_to_string(site.join("site.yaml"))
        .unwrap()
        .lines()
        .count();
    with_menu(&site, "  - chi-siam\n  - page: network\n");
    let b = build_site(&site, &[]);
    assert_eq!(b.code, 1);
    let (l1, l2) = (lines + 2, lines + 3);
    assert!(
        b.stderr.contains(&format!(
            "error: unknown page `chi-siam`\n  --> site.yaml:{l1}:5\n   |\n{l1} |   - chi-siam\n   |     ^^^^^^^^\n   = help: did you mean `chi-siamo`?\n"
        )),
        "{}",
        b.stderr
    );
    assert!(
        b.stderr.contains(&format!(
            "error: unknown page `network`\n  --> site.yaml:{l2}:11\n"
        )),
        "{}",
        b.stderr
    );
    assert!(b
        .stderr
        .contains("for any other address write `{title: …, url: /…/}`"));

    let (_dir, site) = example_copy();
    with_menu(
        &site,
        "  - url: /network/\n  - title: X\n    url: javascript:alert(1)\n  - {page: guida, url: /guida/}\n  - title: Y\n    url: ../x/\n",
    );
    let b = build_site(&site, &[]);
    assert_eq!(b.code, 1);
    for (n, message) in [
        (2, "the `menu` entry for `/network/` has no `title`"),
        (4, "invalid menu link `javascript:alert(1)`"),
        (5, "a `menu` entry has both `page` and `url`"),
        (7, "the menu link `../x/` contains a `..` segment"),
    ] {
        let at = format!("--> site.yaml:{}:", lines + n);
        let found = b.stderr.find(message).map(|i| &b.stderr[i..]);
        assert!(
            found.is_some_and(|rest| rest.lines().nth(1).is_some_and(|l| l.contains(&at))),
            "{message} at {at}:\n{}",
            b.stderr
        );
    }
}

#[test]
fn help_templates_prints_the_template_reference_built_into_the_binary() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = storia(here, &["help", "templates"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        std::fs::read_to_string(here.join("docs/templates.md")).unwrap()
    );
    let o = storia(here, &["help", "new"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Usage: storia new"));
    let o = storia(here, &["help", "tempates"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `templates`?"),
        "{}",
        stderr(&o)
    );
}
