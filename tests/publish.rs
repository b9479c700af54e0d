//! What a build publishes: digests dated in the future wait for their
//! date (compared as instants, a bare date being the start of that day in
//! the site's time zone), links to them are refused until then, `--future`
//! publishes them; a digest published with `storia new`'s placeholder body
//! is warned about.

use chrono::{DateTime, FixedOffset};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use storia::build::{render_site, BuildOptions};

const SITE: &str =
    "title: \"Test\"\nbase_url: \"https://example.org/\"\nlanguage: it\ntimezone: Europe/Rome\n";

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in [("site.yaml", SITE)].iter().chain(files) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn digest(id: &str, date: &str, body: &str) -> (String, String) {
    (
        format!("content/digests/{id}.md"),
        format!("---\ntitle: \"Digest {id}\"\ndate: {date}\nactors: [putin]\nquotes:\n  - id: {id}-q\n    by: putin\n    text: \"Parole\"\n---\n{body}\n"),
    )
}

const PUTIN: (&str, &str) = ("content/actors/putin.md", "---\nname: \"Putin\"\n---\n");

fn at(moment: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(moment).unwrap()
}

/// Builds `root` in memory at `now`: its files by path, and its diagnostics.
fn build_at(root: &Path, now: &str, future: bool) -> (BTreeMap<String, String>, String) {
    let built = render_site(&BuildOptions {
        future,
        now: at(now),
        cache: storia::cache::Choice::Off,
        ..BuildOptions::new(root)
    });
    let files = built
        .files
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                String::from_utf8_lossy(&f.bytes).into_owned(),
            )
        })
        .collect();
    (files, built.diagnostics.render_all())
}

/// The digest ids the digests list shows.
fn listed(files: &BTreeMap<String, String>) -> Vec<String> {
    let html = scraper::Html::parse_document(&files["digests/index.html"]);
    let sel = scraper::Selector::parse("main a[href^=\"/digests/\"]").unwrap();
    let mut ids: Vec<String> = html
        .select(&sel)
        .filter_map(|a| a.value().attr("href"))
        .filter_map(|h| h.strip_prefix("/digests/")?.strip_suffix('/'))
        .filter(|id| !id.is_empty() && !id.starts_with("page/"))
        .map(str::to_string)
        .collect();
    ids.dedup();
    ids
}

#[test]
fn a_digest_dated_later_than_the_build_waits_for_its_moment() {
    let dir = tempfile::tempdir().unwrap();
    let (old, old_text) = digest("vecchio", "2022-12-19", "Vecchio.");
    let (new, new_text) = digest("nuovo", "2022-12-21", "Nuovo.");
    write(dir.path(), &[PUTIN, (&old, &old_text), (&new, &new_text)]);
    // 2022-12-21 is midnight in Rome: 23:00 UTC the day before.
    let (files, diags) = build_at(dir.path(), "2022-12-20T22:59:59Z", false);
    assert_eq!(listed(&files), ["vecchio"], "{diags}");
    assert!(!files.contains_key("digests/nuovo/index.html"));
    assert!(!files["atom.xml"].contains("nuovo"), "not in the feed");
    assert!(
        !files["sitemap.xml"].contains("nuovo"),
        "not in the sitemap"
    );
    assert!(
        !files
            .keys()
            .any(|p| p.starts_with("search/") && files[p].contains("nuovo")),
        "not in the search index"
    );
    assert!(
        !files["actors/putin/index.html"].contains("nuovo-q"),
        "its quote is not on its speaker's page"
    );
    assert!(
        diags.starts_with(
            "note: 1 scheduled digest is held back: `nuovo` until 2022-12-21\n  \
             = help: they are published by the first build after their date; `--future` publishes them now\n\n"
        ),
        "{diags}"
    );
    // The same site a second later: the moment has come.
    let (files, diags) = build_at(dir.path(), "2022-12-20T23:00:00Z", false);
    assert_eq!(listed(&files), ["nuovo", "vecchio"], "{diags}");
    assert!(files["atom.xml"].contains("nuovo"));
    // `--future` publishes it before.
    let (files, _) = build_at(dir.path(), "2022-12-20T12:00:00Z", true);
    assert_eq!(listed(&files), ["nuovo", "vecchio"]);
}

#[test]
fn a_date_time_is_compared_as_an_instant() {
    let dir = tempfile::tempdir().unwrap();
    let (d, text) = digest("ora", "2022-12-21T09:30:00+01:00", "Testo.");
    write(dir.path(), &[PUTIN, (&d, &text)]);
    let (files, diags) = build_at(dir.path(), "2022-12-21T08:29:00Z", false);
    assert!(listed(&files).is_empty());
    assert!(
        diags.contains("`ora` until 2022-12-21 09:30 +01:00"),
        "{diags}"
    );
    let (files, _) = build_at(dir.path(), "2022-12-21T08:30:00Z", false);
    assert_eq!(listed(&files), ["ora"]);
}

fn storia_build(root: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_storia"))
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(root.with_file_name("public"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn links_to_a_scheduled_digest_or_its_quotes_are_refused_until_its_date() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let (old, old_text) = digest(
        "vecchio",
        "2022-12-19",
        "Poi [il seguito](digest:domani), con [le parole](quote:domani-q).\n\n![](quote:domani-q)",
    );
    let (new, new_text) = digest("domani", "2999-01-01", "Domani [ieri](digest:vecchio).");
    let (later, later_text) = digest("dopo", "2999-02-01", "Dopo [domani](digest:domani).");
    write(
        &root,
        &[
            PUTIN,
            (&old, &old_text),
            (&new, &new_text),
            (&later, &later_text),
        ],
    );
    let (code, stderr) = storia_build(&root, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error: `domani` is a scheduled digest, held back until 2999-01-01: a published page cannot link to it yet\n  --> content/digests/vecchio.md:10:25\n"), "{stderr}");
    assert!(
        stderr.contains("error: `domani-q` is a scheduled quote, held back until 2999-01-01"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--> content/digests/vecchio.md:12:11"),
        "{stderr}"
    );
    assert!(stderr.contains("= help: link it once it is out (from 2999-01-01), or build with `--future` to publish it now"), "{stderr}");
    assert!(
        stderr.contains("failed with 3 errors"),
        "scheduled digests may link to each other: {stderr}"
    );
    // Hugo's spellings publish them too.
    for flag in ["--future", "-F", "--build-future", "--buildFuture"] {
        let (code, stderr) = storia_build(&root, &[flag]);
        assert_eq!(code, 0, "{flag}: {stderr}");
        assert!(!stderr.contains("held back"), "{stderr}");
    }
}

#[test]
fn many_scheduled_digests_are_one_note() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let mut files = vec![(PUTIN.0.to_string(), PUTIN.1.to_string())];
    files.push(digest("oggi", "2022-12-20", "Testo."));
    for n in 1..=8 {
        files.push(digest(&format!("d{n}"), &format!("2999-01-0{n}"), "Testo."));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    write(&root, &files);
    let (code, stderr) = storia_build(&root, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr.matches("note:").count(), 1, "{stderr}");
    assert!(stderr.contains("note: 8 scheduled digests are held back: `d1` until 2999-01-01, `d2` until 2999-01-02, `d3` until 2999-01-03, `d4` until 2999-01-04, `d5` until 2999-01-05, and 3 more\n"), "{stderr}");
    // A note is not a warning: `--deny-warnings` leaves it a note.
    let (_, stderr) = storia_build(&root, &["--deny-warnings"]);
    assert!(stderr.contains("note: 8 scheduled"), "{stderr}");
}

#[test]
fn the_placeholder_body_of_storia_new_is_warned_about_when_published() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    write(&root, &[PUTIN]);
    let new = Command::new(env!("CARGO_BIN_EXE_storia"))
        .args([
            "new", "digest", "--title", "Vertice", "--actors", "putin", "--root",
        ])
        .arg(&root)
        .output()
        .unwrap();
    assert!(
        new.status.success(),
        "{}",
        String::from_utf8_lossy(&new.stderr)
    );
    let (code, stderr) = storia_build(&root, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !stderr.contains("placeholder"),
        "a draft is left alone: {stderr}"
    );
    let file = walk(&root.join("content/digests"));
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("draft: true\n", "");
    std::fs::write(&file, text).unwrap();
    let (code, stderr) = storia_build(&root, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("is published with the placeholder body `storia new` wrote"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "= help: replace it with the digest's text, or mark it `draft: true` until it is ready"
        ),
        "{stderr}"
    );
}

/// The one file under `dir`.
fn walk(dir: &Path) -> std::path::PathBuf {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                return p;
            }
        }
    }
    panic!("no file under {dir:?}")
}

// ---------------------------------------------------------------------------
// Typography: straight quotes set in the marks of the text's language,
// once, where the text enters, so every page, feed and chart agrees.

/// A one-digest site in `lang`, built; its files by path.
fn typeset_site(lang: &str) -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let site = format!(
        "title: \"L'Osservatorio\"\nbase_url: \"https://example.org/\"\nlanguage: {lang}\n"
    );
    let digest = "---\ntitle: \"\\\"Non ci sarà\\\" l'intesa\"\ndate: 2022-12-20\nstory: guerra\nquotes:\n  - id: q1\n    by: putin\n    text: \"Disse \\\"mai\\\" e l'ha ripetuto\"\n---\nIl \"vertice\" di Minsk.\n\n![](quote:q1)\n";
    let files = [
        ("site.yaml", site.as_str()),
        ("content/actors/putin.md", "---\nname: \"Putin\"\n---\n"),
        (
            "content/stories/guerra.md",
            "---\ntitle: \"La \\\"guerra\\\"\"\n---\n",
        ),
        ("content/digests/d.md", digest),
    ];
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let built = render_site(&BuildOptions {
        cache: storia::cache::Choice::Off,
        ..BuildOptions::new(dir.path())
    });
    assert!(
        !built.diagnostics.has_errors(),
        "{}",
        built.diagnostics.clone().render_all()
    );
    built
        .files
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                String::from_utf8_lossy(&f.bytes).into_owned(),
            )
        })
        .collect()
}

fn texts(html: &str, selector: &str) -> Vec<String> {
    let html = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).unwrap();
    html.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

#[test]
fn titles_quotes_and_summaries_get_the_marks_of_their_language() {
    const NNBSP: char = '\u{202F}';
    let cases = [
        (
            "en",
            "“Non ci sarà” l’intesa",
            "Disse “mai” e l’ha ripetuto",
            "Il “vertice” di Minsk.",
        ),
        (
            "it",
            "«Non ci sarà» l’intesa",
            "Disse «mai» e l’ha ripetuto",
            "Il «vertice» di Minsk.",
        ),
        (
            "de",
            "„Non ci sarà“ l’intesa",
            "Disse „mai“ e l’ha ripetuto",
            "Il „vertice“ di Minsk.",
        ),
        (
            "uk",
            "«Non ci sarà» l’intesa",
            "Disse «mai» e l’ha ripetuto",
            "Il «vertice» di Minsk.",
        ),
    ];
    for (lang, title, quote, summary) in cases {
        let files = typeset_site(lang);
        let page = &files["digests/d/index.html"];
        assert_eq!(texts(page, "h1"), [title], "{lang}: the digest's <h1>");
        assert_eq!(
            texts(page, "figure.quote blockquote p"),
            [quote],
            "{lang}: the quote card"
        );
        assert_eq!(
            texts(page, ".prose p")[0],
            summary,
            "{lang}: the body's quotes are set like the front matter's"
        );
        let description = scraper::Html::parse_document(page);
        let sel = scraper::Selector::parse("meta[name=description]").unwrap();
        let description = description
            .select(&sel)
            .next()
            .unwrap()
            .value()
            .attr("content")
            .unwrap()
            .to_string();
        assert_eq!(
            description, summary,
            "{lang}: the summary taken from the body"
        );
        assert!(
            files["atom.xml"].contains(&format!("<title>{title}</title>")),
            "{lang}: the feed"
        );
        assert!(
            files["index.html"].contains(title),
            "{lang}: the home page's card"
        );
        // The story's timeline quotes in the site's marks.
        let story = &files["stories/guerra/index.html"];
        let svg = texts(story, "svg.timeline-chart text").join(" ");
        let marks = storia::typography::Marks::of(lang);
        assert!(
            svg.contains(marks.open) && svg.contains(marks.close),
            "{lang}: {svg}"
        );
        assert!(!svg.contains('"'), "{lang}: {svg}");
    }
    let files = typeset_site("fr");
    let page = &files["digests/d/index.html"];
    assert_eq!(
        texts(page, "h1"),
        [format!("«{NNBSP}Non ci sarà{NNBSP}» l’intesa")]
    );
}
