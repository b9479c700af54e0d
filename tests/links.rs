//! Links to the site's own pages and files: `page:` references, links
//! written from the site's root (`/chi-siamo/`), lead and body images. Each
//! is published with the site's path (sub-path deploys work), and each that
//! leads nowhere is one error at its place, with the closest path near.

use std::path::{Path, PathBuf};
use std::process::Command;

const DIGEST: &str = "content/digests/2022-12-20-minsk.md";

/// A small site at `base_url` with `files` (path, text) added.
fn site(base_url: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let site_yaml = format!("title: \"Test\"\nbase_url: \"{base_url}\"\nlanguage: it\n");
    let mut all = vec![
        ("site.yaml", site_yaml.as_str()),
        (
            "content/actors/putin.md",
            "---\nname: \"Vladimir Putin\"\n---\n",
        ),
        (
            "content/pages/chi-siamo.md",
            "---\ntitle: \"Chi siamo\"\n---\nLa redazione.\n",
        ),
    ];
    all.extend_from_slice(files);
    for (path, text) in all {
        let path = dir.path().join("site").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn digest(body: &str) -> String {
    format!("---\ntitle: \"Vertice a Minsk\"\ndate: 2022-12-20\nactors: [putin]\n---\n{body}")
}

/// `storia COMMAND` on the site of `dir`; its exit code and standard error.
fn storia(dir: &Path, command: &str, args: &[&str]) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_storia"));
    cmd.arg(command).arg("--root").arg(dir.join("site"));
    if command == "build" {
        cmd.arg("--output").arg(dir.join("public"));
    }
    let out = cmd
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap_or(-1), stderr)
}

fn page(dir: &Path, rel: &str) -> scraper::Html {
    let path: PathBuf = dir.join("public").join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    scraper::Html::parse_document(&text)
}

/// The `attr` of every element `selector` finds in `html`.
fn attrs(html: &scraper::Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    html.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

#[test]
fn page_references_link_the_page_with_the_sites_path_and_count_as_backlinks() {
    let body = digest("Chi scrive: [la redazione](page:chi-siamo).\n");
    let dir = site("https://x.org/blog/", &[(DIGEST, &body)]);
    let (code, stderr) = storia(dir.path(), "build", &[]);
    assert_eq!(code, 0, "{stderr}");
    let d = page(dir.path(), "digests/2022-12-20-minsk/index.html");
    assert_eq!(attrs(&d, ".prose a.ref-page", "href"), ["/blog/chi-siamo/"]);
    let p = page(dir.path(), "chi-siamo/index.html");
    assert_eq!(
        attrs(&p, "section.backlinks a", "href"),
        ["/blog/digests/2022-12-20-minsk/"]
    );
}

#[test]
fn page_references_link_each_language_editions_page() {
    let en = "---\ntitle: \"Summit in Minsk\"\ndate: 2022-12-20\nlang: en\nactors: [putin]\n---\nBy [the newsroom](page:chi-siamo).\n";
    let dir = site(
        "https://x.org/",
        &[
            (DIGEST, &digest("Di [noi](page:chi-siamo).\n")),
            ("content/digests/minsk-en.md", en),
        ],
    );
    let yaml = dir.path().join("site/site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap() + "languages: [it, en]\n";
    std::fs::write(&yaml, text).unwrap();
    let (code, stderr) = storia(dir.path(), "build", &[]);
    assert_eq!(code, 0, "{stderr}");
    let it = page(dir.path(), "digests/2022-12-20-minsk/index.html");
    assert_eq!(attrs(&it, ".prose a.ref-page", "href"), ["/chi-siamo/"]);
    let en = page(dir.path(), "en/digests/minsk-en/index.html");
    assert_eq!(attrs(&en, ".prose a.ref-page", "href"), ["/en/chi-siamo/"]);
}

#[test]
fn unknown_and_draft_pages_are_errors_at_the_id() {
    let body = digest("[a](page:chi-siam) e [b](page:bozza) e [c](page:vertice-a-minsk).\n");
    let dir = site(
        "https://x.org/",
        &[
            (DIGEST, &body),
            (
                "content/pages/bozza.md",
                "---\ntitle: \"Bozza\"\ndraft: true\n---\n",
            ),
        ],
    );
    let (code, stderr) = storia(dir.path(), "build", &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "error: unknown page `chi-siam`\n --> content/digests/2022-12-20-minsk.md:6:10\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("= help: did you mean `chi-siamo`?"),
        "{stderr}"
    );
    assert!(stderr.contains("error: `bozza` is a draft page: a published page cannot link to it\n --> content/digests/2022-12-20-minsk.md:6:31\n"), "{stderr}");
    assert!(
        stderr.contains("error: unknown page `vertice-a-minsk`"),
        "{stderr}"
    );
    // With --drafts the draft page is published, and the link fine.
    let (_, stderr) = storia(dir.path(), "build", &["--drafts"]);
    assert!(!stderr.contains("`bozza`"), "{stderr}");
}

#[test]
fn links_from_the_root_are_published_with_the_sites_path() {
    let body = digest(
        "[Chi siamo](/chi-siamo/), [Putin](/actors/putin), [feed](/atom.xml), [cerca](/search/?q=minsk), [cdn](//cdn.example/x.js).\n\n![Minsk](/images/minsk.jpg)\n",
    );
    let dir = site("https://x.org/blog/", &[(DIGEST, &body)]);
    // A real photo: images of the site are resized, so they are read.
    let photo = image::RgbImage::from_pixel(40, 30, image::Rgb([90, 120, 200]));
    let jpeg = dir.path().join("site/static/images/minsk.jpg");
    std::fs::create_dir_all(jpeg.parent().unwrap()).unwrap();
    photo.save(&jpeg).unwrap();
    let (code, stderr) = storia(dir.path(), "build", &[]);
    assert_eq!(code, 0, "{stderr}");
    let d = page(dir.path(), "digests/2022-12-20-minsk/index.html");
    assert_eq!(
        attrs(&d, ".prose a", "href"),
        [
            "/blog/chi-siamo/",
            "/blog/actors/putin",
            "/blog/atom.xml",
            "/blog/search/?q=minsk",
            "//cdn.example/x.js"
        ]
    );
    assert_eq!(attrs(&d, ".prose img", "src"), ["/blog/images/minsk.jpg"]);
    assert_eq!(
        attrs(&d, ".prose picture source", "srcset"),
        ["/blog/images/minsk.jpg.40w.webp 40w"]
    );
    let (code, stderr) = storia(dir.path(), "check", &[]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_link_from_the_root_to_nothing_is_an_error_with_the_closest_path() {
    let body = digest("Vedi [chi siamo](/chi-siam/) e [noi](/blog/chi-siamo/).\n");
    let dir = site("https://x.org/blog/", &[(DIGEST, &body)]);
    let (code, stderr) = storia(dir.path(), "build", &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("error: broken link `/chi-siam/`: no page or file `chi-siam/` in the site\n --> content/digests/2022-12-20-minsk.md:6:18\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("= help: did you mean `/chi-siamo/`?"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--> content/digests/2022-12-20-minsk.md:6:38\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("= help: write it from the site's root, `/chi-siamo/`: the site's path `/blog/` is added"),
        "{stderr}"
    );
    assert!(!dir.path().join("public").exists(), "nothing broken ships");
    // `storia check` says it once, at the same place.
    let (code, stderr) = storia(dir.path(), "check", &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr.matches("broken link `/chi-siam/`").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn missing_images_are_one_error_each_at_their_place() {
    let body = digest("Testo.\n\n![Minsk](/images/minks.jpg)\n").replace(
        "actors: [putin]\n",
        "actors: [putin]\nimage: /images/vertice.jpg\n",
    );
    let dir = site(
        "https://x.org/",
        &[
            (DIGEST, &body),
            ("static/images/minsk.jpg", "jpeg"),
            (
                "content/stories/guerra.md",
                "---\ntitle: \"Guerra\"\nimage: https://cdn.example/x.jpg\n---\n",
            ),
        ],
    );
    let (code, stderr) = storia(dir.path(), "build", &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error: `/images/vertice.jpg` is not a file of the site: it is neither in `static/` nor in the theme's static files\n --> content/digests/2022-12-20-minsk.md:5:8\n"), "{stderr}");
    assert!(
        stderr.contains("= help: put the file at `static/images/vertice.jpg`, or correct the path"),
        "{stderr}"
    );
    assert!(stderr.contains("error: `/images/minks.jpg` is not a file of the site: it is neither in `static/` nor in the theme's static files\n --> content/digests/2022-12-20-minsk.md:9:10\n"), "{stderr}");
    assert!(
        stderr.contains("= help: did you mean `/images/minsk.jpg`?"),
        "{stderr}"
    );
    assert!(stderr.contains("failed with 2 errors"), "{stderr}");
    // Once in `storia check` too, at the same places, not once per page.
    let (code, stderr) = storia(dir.path(), "check", &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr.matches("/images/vertice.jpg` is not").count(),
        1,
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("/images/minks.jpg").count(),
        2,
        "message and source line: {stderr}"
    );
}

#[test]
fn a_theme_file_is_a_file_of_the_site() {
    let body = digest("![logo](/style.css)\n");
    let dir = site("https://x.org/", &[(DIGEST, &body)]);
    let (code, stderr) = storia(dir.path(), "build", &[]);
    assert_eq!(code, 0, "{stderr}");
}
