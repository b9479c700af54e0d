//! Images (issue 16): `image:` with alt text, caption and credit; local
//! images resized into WebP copies shown with srcset, sizes, width and
//! height, lazy below the fold; the copies deterministic and cached
//! between builds; warnings for body images without alt text and for
//! oversized originals; the dev server's in-memory build has the copies.

mod common;

use scraper::{ElementRef, Html, Selector};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A JPEG of `w`×`h` pixels with some detail in it.
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 255 / w) as u8,
            (y * 255 / h) as u8,
            ((x ^ y) & 0xff) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .unwrap();
    out
}

/// A PNG of `w`×`h` pixels with an alpha channel.
fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        image::Rgba([
            (x * 3) as u8,
            (y * 5) as u8,
            120,
            if x < w / 2 { 255 } else { 128 },
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A site with a digest whose lead image is written in full, a body
/// image without alt text and one with, an actor with a portrait, a
/// story with a remote image, and an oversized original.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "site.yaml",
            b"title: Prova\nbase_url: https://example.org/\nlanguage: it\n".to_vec(),
        ),
        ("static/images/lead.jpg", jpeg(1600, 1000)),
        ("static/images/body.png", png(500, 300)),
        ("static/images/putin.jpg", jpeg(400, 500)),
        ("static/images/huge.jpg", jpeg(4100, 20)),
        (
            "content/digests/2022-12-20-minsk.md",
            "---\ntitle: Minsk\ndate: 2022-12-20\nstory: guerra\nactors: [putin]\nimage:\n  src: /images/lead.jpg\n  alt: \"Il palazzo dell'indipendenza\"\n  caption: \"Minsk, 19 dicembre.\"\n  credit: \"Foto: Reuters\"\n---\nIl vertice.\n\n![](/images/body.png)\n\n![Una mappa della Bielorussia](/images/body.png)\n"
                .as_bytes()
                .to_vec(),
        ),
        (
            "content/digests/2022-12-21-dopo.md",
            "---\ntitle: Dopo\ndate: 2022-12-21\nstory: guerra\nimage: /images/huge.jpg\n---\nIl giorno dopo, con [Putin](actor:putin).\n"
                .as_bytes()
                .to_vec(),
        ),
        (
            "content/actors/putin.md",
            b"---\nname: Vladimir Putin\nimage: /images/putin.jpg\n---\n".to_vec(),
        ),
        (
            "content/stories/guerra.md",
            b"---\ntitle: Guerra\nimage: {src: \"https://example.com/g.jpg\", alt: Una mappa}\n---\n"
                .to_vec(),
        ),
    ];
    for (path, bytes) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

fn page(b: &common::Build, rel: &str) -> Html {
    Html::parse_document(&b.read(rel))
}

fn one<'a>(html: &'a Html, css: &str) -> ElementRef<'a> {
    let sel = Selector::parse(css).unwrap();
    let mut found = html.select(&sel);
    let first = found.next().unwrap_or_else(|| panic!("no `{css}`"));
    first
}

fn attr<'a>(e: &ElementRef<'a>, name: &str) -> Option<&'a str> {
    e.value().attr(name)
}

/// The (URL, width) pairs of a srcset.
fn srcset(s: &str) -> Vec<(String, u32)> {
    s.split(", ")
        .map(|c| {
            let (url, w) = c.rsplit_once(' ').unwrap();
            (url.to_string(), w.trim_end_matches('w').parse().unwrap())
        })
        .collect()
}

/// Decodes the WebP at site URL `url` of the build, as (width, height).
fn webp_size(b: &common::Build, url: &str) -> (u32, u32) {
    let bytes = std::fs::read(b.out.join(url.trim_start_matches('/'))).unwrap();
    assert_eq!(&bytes[..4], b"RIFF");
    assert_eq!(&bytes[8..12], b"WEBP");
    let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::WebP).unwrap();
    (img.width(), img.height())
}

fn build(root: &Path, cache: &Path) -> common::Build {
    let cache = cache.to_str().unwrap();
    common::build_site(root, &["--cache-dir", cache]).ok()
}

#[test]
fn the_lead_image_has_its_alt_text_caption_credit_and_webp_copies() {
    let site = site();
    let cache = tempfile::tempdir().unwrap();
    let b = build(site.path(), cache.path());
    let html = page(&b, "digests/2022-12-20-minsk/index.html");
    let figure = one(&html, "article.digest figure.lead-image");
    let figure_html = Html::parse_fragment(&figure.html());
    let source = one(&figure_html, "picture > source[type=\"image/webp\"]");
    let widths: Vec<u32> = srcset(attr(&source, "srcset").unwrap())
        .iter()
        .map(|(_, w)| *w)
        .collect();
    assert_eq!(widths, [320, 640, 960, 1440]);
    assert_eq!(
        attr(&source, "sizes"),
        Some("(min-width: 52rem) 48rem, 100vw")
    );
    for (url, w) in srcset(attr(&source, "srcset").unwrap()) {
        assert_eq!(webp_size(&b, &url), (w, (1000 * w + 800) / 1600), "{url}");
    }
    let img = one(&figure_html, "picture > img");
    assert_eq!(attr(&img, "src"), Some("/images/lead.jpg"));
    assert_eq!(attr(&img, "alt"), Some("Il palazzo dell'indipendenza"));
    assert_eq!(
        (attr(&img, "width"), attr(&img, "height")),
        (Some("1600"), Some("1000"))
    );
    // Above the fold: neither lazy nor asynchronous.
    assert_eq!(attr(&img, "loading"), None);
    assert_eq!(attr(&img, "decoding"), None);
    let caption = one(&figure_html, "figcaption");
    assert_eq!(
        caption.text().collect::<String>(),
        "Minsk, 19 dicembre. Foto: Reuters"
    );
    assert_eq!(
        one(&figure_html, "figcaption .credit")
            .text()
            .collect::<String>(),
        "Foto: Reuters"
    );
    // Social cards take the original.
    let og = one(&html, "meta[property=\"og:image\"]");
    assert_eq!(
        attr(&og, "content"),
        Some("https://example.org/images/lead.jpg")
    );
}

#[test]
fn cards_avatars_and_body_images_are_lazy_with_their_own_widths() {
    let site = site();
    let cache = tempfile::tempdir().unwrap();
    let b = build(site.path(), cache.path());
    let home = page(&b, "index.html");
    let card = one(&home, "article.card picture img.card-image");
    assert_eq!(attr(&card, "loading"), Some("lazy"));
    assert_eq!(attr(&card, "decoding"), Some("async"));
    let actors = page(&b, "actors/index.html");
    let avatar_source = one(&actors, "picture > source[sizes=\"56px\"]");
    let widths: Vec<u32> = srcset(attr(&avatar_source, "srcset").unwrap())
        .iter()
        .map(|(_, w)| *w)
        .collect();
    assert_eq!(widths, [120, 320], "portraits get the small widths");
    let avatar = one(&actors, "picture > img.avatar");
    assert_eq!(
        attr(&avatar, "alt"),
        Some(""),
        "beside the name: decorative"
    );
    assert_eq!(
        (attr(&avatar, "width"), attr(&avatar, "height")),
        (Some("400"), Some("500"))
    );
    assert_eq!(attr(&avatar, "loading"), Some("lazy"));
    let profile = page(&b, "actors/putin/index.html");
    let portrait = one(&profile, ".profile-header picture > img.profile-image");
    assert_eq!(attr(&portrait, "alt"), Some("Vladimir Putin"));
    let digest = page(&b, "digests/2022-12-20-minsk/index.html");
    let sel = Selector::parse(".article-body picture > img").unwrap();
    let body: Vec<ElementRef> = digest.select(&sel).collect();
    assert_eq!(body.len(), 2);
    assert_eq!(attr(&body[1], "alt"), Some("Una mappa della Bielorussia"));
    assert_eq!(
        (attr(&body[1], "width"), attr(&body[1], "height")),
        (Some("500"), Some("300"))
    );
    assert_eq!(attr(&body[1], "loading"), Some("lazy"));
    assert_eq!(attr(&body[1], "decoding"), Some("async"));
    let body_source = one(&digest, ".article-body picture > source");
    let copies = srcset(attr(&body_source, "srcset").unwrap());
    let widths: Vec<u32> = copies.iter().map(|(_, w)| *w).collect();
    assert_eq!(widths, [320, 500], "no copy wider than the original");
    assert_eq!(webp_size(&b, &copies[1].0), (500, 300));
    // A remote image is shown as it is, with its alt text.
    let story = page(&b, "stories/guerra/index.html");
    let remote = one(&story, "figure.lead-image img");
    assert_eq!(attr(&remote, "src"), Some("https://example.com/g.jpg"));
    assert_eq!(attr(&remote, "alt"), Some("Una mappa"));
    assert_eq!(attr(&remote, "srcset"), None);
}

#[test]
fn body_images_without_alt_text_and_oversized_originals_are_warned_about() {
    let site = site();
    let cache = tempfile::tempdir().unwrap();
    let b = build(site.path(), cache.path());
    assert!(
        b.stderr.contains(
            "warning: image `/images/body.png` has no alt text\n  --> content/digests/2022-12-20-minsk.md:14:5\n   |\n14 | ![](/images/body.png)\n   |     ^^^^^^^^^^^^^^^^\n"
        ),
        "{}",
        b.stderr
    );
    assert!(b.stderr.contains(
        "  = help: say what it shows between the brackets, for readers who cannot see it: `![Putin and Lukashenko in Minsk](/images/body.png)`\n"
    ));
    assert!(
        b.stderr.contains(
            "warning: image `/images/huge.jpg` is oversized: 4100×20 px\n --> content/digests/2022-12-21-dopo.md:5:8\n"
        ),
        "{}",
        b.stderr
    );
    assert!(b.stderr.contains("  = help: readers get resized copies, but the original is published as it is (for social cards): keep originals under 5 MB and 4000 px on a side\n"));
    assert_eq!(
        b.stderr.matches("has no alt text").count(),
        1,
        "{}",
        b.stderr
    );
}

/// Every file of the site's image cache under `cache` (its `images/`
/// folder: the build cache keeps other things beside it), with its
/// modification time.
fn cached(cache: &Path) -> BTreeMap<PathBuf, std::time::SystemTime> {
    walkdir::WalkDir::new(cache)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.path().parent().unwrap().ends_with("images"))
        .map(|e| {
            (
                e.path().to_path_buf(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

#[test]
fn copies_are_deterministic_and_a_rebuild_reuses_the_cache() {
    let site = site();
    let cache = tempfile::tempdir().unwrap();
    let first = build(site.path(), cache.path());
    let before = cached(cache.path());
    // lead 4, huge 4, body 2, portrait 2
    assert_eq!(before.len(), 12, "{before:?}");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let second = build(site.path(), cache.path());
    assert_eq!(
        cached(cache.path()),
        before,
        "a rebuild encodes and writes nothing"
    );
    assert_eq!(first.files(), second.files());
    // Without a cache, the same bytes, encoded in memory.
    let fresh = common::build_site(site.path(), &["--no-cache"]).ok();
    assert_eq!(first.files(), fresh.files());
    // The copies a rebuild publishes are the cached ones.
    let variant = before
        .keys()
        .find(|p| std::fs::metadata(p).unwrap().len() > 0)
        .unwrap();
    let marker = first
        .files()
        .into_iter()
        .find(|(_, bytes)| *bytes == std::fs::read(variant).unwrap())
        .map(|(path, _)| path)
        .unwrap();
    std::fs::write(variant, b"RIFF-from-the-cache").unwrap();
    let third = build(site.path(), cache.path());
    assert_eq!(third.files()[&marker], b"RIFF-from-the-cache");
}

#[test]
fn no_cache_builds_write_no_cache_folder() {
    let site = site();
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_storia"))
        .args(["build", "--no-cache", "--root"])
        .arg(site.path())
        .arg("--output")
        .arg(out.path().join("public"))
        .env("STORIA_CACHE_DIR", home.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0));
    assert!(out
        .path()
        .join("public/images/lead.jpg.640w.webp")
        .is_file());
    assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 0);
}

#[test]
fn the_dev_servers_build_has_the_copies_in_memory() {
    let site = site();
    let options = storia::build::BuildOptions {
        future: true,
        cache: storia::cache::Choice::Off,
        ..storia::build::BuildOptions::for_serving(
            site.path(),
            "http://127.0.0.1:1111/".into(),
            false,
        )
    };
    let mut caches = storia::build::Caches::default();
    let built = storia::build::render_incremental(&options, &mut caches);
    assert!(!built.diagnostics.has_errors());
    let files: BTreeMap<String, Vec<u8>> = caches
        .files()
        .map(|(path, bytes)| (path.clone(), bytes.into_owned()))
        .collect();
    let copy = files
        .get("images/lead.jpg.960w.webp")
        .expect("the served site has the copies");
    let img = image::load_from_memory(copy).unwrap();
    assert_eq!((img.width(), img.height()), (960, 600));
    let page = String::from_utf8(files["digests/2022-12-20-minsk/index.html"].clone()).unwrap();
    assert!(page.contains("/images/lead.jpg.960w.webp 960w"));
}
