//! The dev server's incremental build gives exactly the files a full build
//! gives after the same edits, while re-rendering only part of the site.

mod common;

use common::tree;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use storia::build::{render_incremental, BuildOptions, Caches};

fn options(root: &Path) -> BuildOptions {
    BuildOptions {
        cache: storia::cache::Choice::Off,
        ..BuildOptions::for_serving(root, "http://127.0.0.1:1111/".into(), true)
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

/// `storia build` with its cache: every build into the same output reads
/// the cache of the last one; each result is compared, tree against tree,
/// with a build from nothing.
struct Cached {
    dir: tempfile::TempDir,
    now: chrono::DateTime<chrono::FixedOffset>,
}

impl Cached {
    fn new(fixture: &str) -> Cached {
        let dir = tempfile::tempdir().unwrap();
        common::copy_dir(&common::fixture(fixture), &dir.path().join("site"));
        Cached {
            dir,
            now: chrono::DateTime::parse_from_rfc3339("2022-12-21T12:00:00+01:00").unwrap(),
        }
    }

    fn root(&self) -> std::path::PathBuf {
        self.dir.path().join("site")
    }

    fn options(&self, out: &str, cache: storia::cache::Choice) -> BuildOptions {
        BuildOptions {
            output: Some(self.dir.path().join(out)),
            now: self.now,
            cache,
            ..BuildOptions::new(self.root())
        }
    }

    fn cache_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("cache")
    }

    /// Builds with the cache and from nothing; both fail alike or give the
    /// same tree. Returns what the cache did (`None` on failure).
    fn build(&self, what: &str) -> Option<storia::build::CacheReport> {
        let cached = storia::build::build(
            &self.options("public", storia::cache::Choice::At(self.cache_dir())),
        );
        let fresh_dir = self.dir.path().join("fresh");
        let _ = fs::remove_dir_all(&fresh_dir);
        let fresh = storia::build::build(&self.options("fresh", storia::cache::Choice::Off));
        match (cached, fresh) {
            (Ok(cached), Ok(_)) => {
                let (a, b) = (tree(&self.dir.path().join("public")), tree(&fresh_dir));
                assert_eq!(
                    a.keys().collect::<Vec<_>>(),
                    b.keys().collect::<Vec<_>>(),
                    "after {what}"
                );
                for (path, bytes) in &a {
                    assert!(
                        *bytes == b[path],
                        "{path} differs from a clean build after {what}"
                    );
                }
                Some(cached.cache.expect("the cache is on"))
            }
            (Err(a), Err(b)) => {
                assert_eq!(a.render_all(), b.render_all(), "after {what}");
                None
            }
            (a, b) => panic!(
                "after {what}: cached {:?}, clean {:?}",
                a.map(|_| ()).map_err(|d| d.render_all()),
                b.map(|_| ()).map_err(|d| d.render_all())
            ),
        }
    }

    fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) {
        edit(&self.root(), rel, f)
    }
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
fn cached_builds_equal_clean_builds_after_every_kind_of_edit() {
    use std::os::unix::fs::MetadataExt;
    let mut site = Cached::new("basic");
    let first = site.build("the first build").unwrap();
    assert!(!first.used && first.reused == 0);
    let all = first.rendered;

    // Nothing changed: nothing rendered, the output left as it was.
    let out = site.dir.path().join("public");
    let inode = |rel: &str| fs::metadata(out.join(rel)).unwrap().ino();
    let home = inode("index.html");
    let again = site.build("no change").unwrap();
    assert_eq!((again.used, again.rendered, again.reused), (true, 0, all));
    assert_eq!(inode("index.html"), home);

    let few = |r: Option<storia::build::CacheReport>, what: &str| {
        let r = r.unwrap_or_else(|| panic!("{what} failed"));
        assert!(r.used, "{what}: the cache was not used");
        assert!(r.rendered < all, "{what}: {} of {all} rendered", r.rendered);
        r.rendered
    };
    let peskov = "content/digests/2022/12/2022-12-21-peskov.md";
    let minsk = "content/digests/2022/12/2022-12-20-minsk.md";
    site.edit(peskov, |t| t.replace("ha parlato.", "ha parlato a lungo."));
    let body = few(site.build("a body edit"), "a body edit");
    assert!(body >= 1);
    // An unchanged page keeps its file (sync tools upload only what changed).
    let about = inode("chi-siamo/index.html");
    site.edit(peskov, |t| {
        t.replace("speculazioni sciocche", "parole dure")
    });
    few(site.build("a title edit"), "a title edit");
    assert_eq!(inode("chi-siamo/index.html"), about);
    site.edit(peskov, |t| {
        t.replace("2022-12-21T09:30", "2022-12-19T09:30")
    });
    few(site.build("a date edit"), "a date edit");
    site.edit(minsk, |t| {
        t.replace("    by: putin\n", "    by: lukashenko\n")
    });
    few(site.build("a quote's speaker"), "a quote's speaker");

    // A new actor, then a digest quoting them; renamed; deleted.
    fs::write(
        site.root().join("content/actors/zelensky.md"),
        "---\nname: Volodymyr Zelensky\n---\nPresidente.\n",
    )
    .unwrap();
    few(site.build("a new actor"), "a new actor");
    let new = site
        .root()
        .join("content/digests/2022/12/2022-12-21-kyiv.md");
    fs::write(
        &new,
        "---\ntitle: Kyiv\ndate: 2022-12-21\nstory: guerra\nactors: [zelensky]\ntags: [ucraina]\nquotes:\n  - id: zelensky-kyiv\n    by: zelensky\n    text: \"Resistiamo.\"\n---\nParla [Zelensky](actor:zelensky).\n",
    )
    .unwrap();
    few(site.build("a new digest"), "a new digest");
    // Its tag changes: it moves from one tag page to another.
    site.edit("content/digests/2022/12/2022-12-21-kyiv.md", |t| {
        t.replace("tags: [ucraina]", "tags: [bielorussia]")
    });
    few(site.build("a tag change"), "a tag change");
    assert!(!out.join("tag/ucraina").exists() || !out.join("tags/ucraina").exists());
    let renamed = site
        .root()
        .join("content/digests/2022/12/2022-12-21-kiev.md");
    fs::rename(&new, &renamed).unwrap();
    few(site.build("a rename"), "a rename");
    fs::remove_file(&renamed).unwrap();
    few(site.build("a delete"), "a delete");

    // The story's text.
    site.edit("content/stories/guerra.md", |t| {
        format!("{t}\nUn paragrafo in più.\n")
    });
    few(site.build("a story edit"), "a story edit");

    // A page template of the site's own, then a partial.
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    fs::create_dir_all(site.root().join("templates/partials")).unwrap();
    let page = fs::read_to_string(theme.join("page.html")).unwrap();
    fs::write(
        site.root().join("templates/page.html"),
        page.replacen("<article", "<!-- mine --><article", 1),
    )
    .unwrap();
    assert_eq!(few(site.build("a template"), "a template"), 1);
    let quote = fs::read_to_string(theme.join("partials/quote.html")).unwrap();
    fs::write(
        site.root().join("templates/partials/quote.html"),
        quote.replacen("<", "<!-- mine --><", 1),
    )
    .unwrap();
    few(site.build("a partial"), "a partial");

    // A static file: copied, no page rendered; then changed, then removed.
    fs::create_dir_all(site.root().join("static/img")).unwrap();
    fs::write(site.root().join("static/img/extra.css"), "a{}\n").unwrap();
    assert_eq!(site.build("a new static file").unwrap().rendered, 0);
    fs::write(site.root().join("static/img/extra.css"), "b{}\n").unwrap();
    assert_eq!(site.build("a static file's edit").unwrap().rendered, 0);
    fs::remove_file(site.root().join("static/img/extra.css")).unwrap();
    assert_eq!(site.build("a static file removed").unwrap().rendered, 0);
    assert!(!out.join("img").exists(), "its emptied folder goes too");

    // A broken save leaves the output as it was; the fix builds.
    let before = tree(&out);
    site.edit(peskov, |t| t.replacen("title:", "titel:", 1));
    assert_eq!(site.build("a broken save"), None);
    assert!(tree(&out) == before, "a failed build changed the output");
    site.edit(peskov, |t| t.replacen("titel:", "title:", 1));
    few(site.build("the fix"), "the fix");
    // One that fails while rendering, after some files were written: the
    // cache's copy of the previous output is still known afterwards.
    site.edit(peskov, |t| format!("{t}\nUn altro paragrafo.\n"));
    site.edit("templates/page.html", |t| {
        t.replacen("<article", "{{ nowhere.at_all }}<article", 1)
    });
    let before = tree(&out);
    assert_eq!(site.build("a template that fails"), None);
    assert!(tree(&out) == before, "a failed build changed the output");
    assert!(
        cache_file(&site, "spare").is_file(),
        "the spare is forgotten"
    );
    site.edit("templates/page.html", |t| {
        t.replacen("{{ nowhere.at_all }}", "", 1)
    });
    few(site.build("its fix"), "its fix");

    // site.yaml and i18n/: everything, from nothing.
    site.edit("site.yaml", |t| t.replace("Fixture <Site>", "Fixture 2"));
    let r = site.build("site.yaml").unwrap();
    assert!(!r.used && r.reused == 0, "{r:?}");
    fs::create_dir_all(site.root().join("i18n")).unwrap();
    fs::write(site.root().join("i18n/it.yaml"), "home: \"Inizio\"\n").unwrap();
    let r = site.build("i18n/").unwrap();
    assert!(!r.used, "{r:?}");
    few(site.build("nothing after i18n/"), "nothing after i18n/");

    // A scheduled digest is held back, then its moment passes.
    fs::write(
        site.root()
            .join("content/digests/2022/12/2022-12-22-domani.md"),
        "---\ntitle: Domani\ndate: 2022-12-22T08:00:00+01:00\nstory: guerra\n---\nPresto.\n",
    )
    .unwrap();
    let r = site.build("a scheduled digest").unwrap();
    assert!(!out.join("digests/2022-12-22-domani").exists(), "{r:?}");
    site.now = chrono::DateTime::parse_from_rfc3339("2022-12-22T09:00:00+01:00").unwrap();
    let r = site.build("its moment passing").unwrap();
    assert!(!r.used);
    assert!(out.join("digests/2022-12-22-domani/index.html").is_file());

    // The flags are inputs too.
    let mut options = site.options("public", storia::cache::Choice::At(site.cache_dir()));
    options.minify = true;
    let r = storia::build::build(&options).unwrap().cache.unwrap();
    assert!(!r.used);
}

/// The cache file `name` of the only output built with `site`'s cache.
fn cache_file(site: &Cached, name: &str) -> std::path::PathBuf {
    let found: Vec<_> = walkdir::WalkDir::new(site.cache_dir())
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| {
            e.file_name() == name
                && e.path()
                    .parent()
                    .unwrap()
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("build-")
        })
        .map(|e| e.into_path())
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found.into_iter().next().unwrap()
}

#[test]
fn a_corrupt_or_foreign_cache_is_ignored_with_one_warning() {
    let site = Cached::new("basic");
    let all = site.build("the first build").unwrap().rendered;
    let state = cache_file(&site, "state");
    let shown = storia::diagnostics::display_path(&state);
    let cached = || {
        storia::build::build(&site.options("public", storia::cache::Choice::At(site.cache_dir())))
            .unwrap()
    };
    let warnings = |r: &storia::build::Report| {
        r.diagnostics
            .clone()
            .render_all()
            .lines()
            .filter(|l| l.contains("build cache") || l.contains("cache folder"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let help = "  = help: this build renders every page and writes a new cache; deleting the cache folder is always safe";
    let bytes = fs::read(&state).unwrap();
    for (damage, why) in [
        (
            bytes[..bytes.len() / 2].to_vec(),
            "it is corrupt or truncated".to_string(),
        ),
        (
            {
                let mut b = bytes.clone();
                let last = b.len() - 1;
                b[last] ^= 0x55;
                b
            },
            "it is corrupt or truncated".into(),
        ),
        (
            b"storia build cache 0.0.1\n0123456789abcdef".to_vec(),
            "it was written by storia 0.0.1".into(),
        ),
        (
            b"PK\x03\x04 a zip file".to_vec(),
            "it is not a storia build cache".into(),
        ),
    ] {
        site.edit("content/digests/2022/12/2022-12-21-peskov.md", |t| {
            format!("{t}\nAncora.\n")
        });
        fs::write(&state, damage).unwrap();
        let report = cached();
        assert_eq!(
            warnings(&report),
            [
                format!("warning: the build cache `{shown}` was ignored: {why}"),
                help.to_string()
            ],
            "{}",
            report.diagnostics.clone().render_all()
        );
        let r = report.cache.unwrap();
        assert!(!r.used && r.rendered == all, "{r:?}");
        // The output is a clean build's, and the cache is whole again.
        assert_eq!(site.build("after a damaged cache").unwrap().rendered, 0);
    }

    // Another site's cache where this one's should be.
    let other = Cached::new("basic");
    other.build("the other site");
    let theirs = cache_file(&other, "state");
    fs::copy(&theirs, &state).unwrap();
    let report = cached();
    let root = fs::canonicalize(other.root()).unwrap();
    assert_eq!(
        warnings(&report),
        [
            format!(
                "warning: the build cache `{shown}` was ignored: it belongs to another site (`{}`)",
                storia::diagnostics::display_path(&root)
            ),
            help.to_string()
        ]
    );
    assert_eq!(site.build("after a foreign cache").unwrap().rendered, 0);
}

#[test]
fn a_cache_folder_inside_the_output_or_the_sources_is_refused() {
    let site = Cached::new("basic");
    for (inside, what) in [
        ("public/cache", "the output folder"),
        ("site/content/.cache", "the site's `content`"),
        ("site/static", "the site's `static`"),
    ] {
        let dir = site.dir.path().join(inside);
        let err =
            storia::build::build(&site.options("public", storia::cache::Choice::At(dir.clone())))
                .err()
                .unwrap_or_else(|| panic!("{inside} was accepted"))
                .render_all();
        assert!(err.starts_with("error: the build cache folder `"), "{err}");
        assert!(err.contains(&format!("` is inside {what}")), "{err}");
        assert!(err.contains("help: give `--cache-dir`"), "{err}");
    }
    assert!(
        !site.dir.path().join("public").exists(),
        "nothing was written"
    );
}

/// Gives every file under `dir` a modification time `ago` in the past:
/// stamps newer than a second are not trusted (a file written in the same
/// clock tick could change without changing its stamp).
fn age(dir: &Path, ago: std::time::Duration) {
    let when = std::time::SystemTime::now() - ago;
    for e in walkdir::WalkDir::new(dir).into_iter().map(Result::unwrap) {
        if e.file_type().is_file() {
            let f = fs::File::options().write(true).open(e.path()).unwrap();
            f.set_modified(when).unwrap();
        }
    }
}

impl Cached {
    /// A build with the cache only, as `storia build` runs it.
    fn cached(&self, deny_warnings: bool) -> Result<storia::build::Report, String> {
        let mut options = self.options("public", storia::cache::Choice::At(self.cache_dir()));
        options.deny_warnings = deny_warnings;
        storia::build::build(&options).map_err(|d| d.render_all())
    }

    /// After a change that must be built: a real build, equal to a clean
    /// one; then, the sources aged, a build with nothing to do.
    fn changed(&self, what: &str) {
        let r = self.build(what).unwrap();
        assert!(!r.unchanged, "{what}: the build was skipped");
        self.nothing_to_do(what);
    }

    /// A build that reads no source and renders nothing, and repeats the
    /// warnings of the last real build.
    fn nothing_to_do(&self, after: &str) {
        age(&self.root(), std::time::Duration::from_secs(30));
        let real = self.cached(false).unwrap();
        let warnings = real.diagnostics.clone().render_all();
        let real = real.cache.unwrap();
        let before = tree(&self.dir.path().join("public"));
        let skipped = self.cached(false).unwrap();
        let report = skipped.cache.unwrap();
        assert!(
            report.unchanged && report.used && report.rendered == 0,
            "after {after}: {report:?}"
        );
        assert_eq!(report.reused, real.rendered + real.reused, "after {after}");
        assert_eq!(skipped.timings.load, std::time::Duration::ZERO);
        assert_eq!(skipped.written, 0);
        assert_eq!(skipped.diagnostics.render_all(), warnings, "after {after}");
        assert!(tree(&self.dir.path().join("public")) == before);
    }
}

#[test]
fn a_build_with_nothing_changed_does_nothing_until_something_does() {
    let mut site = Cached::new("basic");
    let root = site.root();
    // A warning to repeat: a broken link among the static files.
    fs::create_dir_all(root.join("static")).unwrap();
    std::os::unix::fs::symlink("nowhere.css", root.join("static/gone.css")).unwrap();
    site.build("the first build").unwrap();
    site.nothing_to_do("the first build");
    let warned = site.cached(false).unwrap().diagnostics;
    let warnings = warned.warning_count();
    assert!(warned.render_all().contains("gone.css"));
    // --deny-warnings fails on the repeated warnings as on the first ones.
    let denied = site.cached(true).unwrap_err();
    assert!(
        denied.contains("error") && denied.contains("gone.css"),
        "{denied}"
    );
    fs::remove_file(root.join("static/gone.css")).unwrap();
    site.changed("a broken link removed");
    let now = site.cached(false).unwrap().diagnostics;
    assert_eq!(now.warning_count(), warnings - 1);
    assert!(!now.render_all().contains("gone.css"));

    // A file touched, its bytes the same.
    let peskov = root.join("content/digests/2022/12/2022-12-21-peskov.md");
    let f = fs::File::options().write(true).open(&peskov).unwrap();
    f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(5))
        .unwrap();
    site.changed("a touched file");

    // A file just written is not trusted, whatever its stamp.
    site.edit("content/stories/guerra.md", |t| format!("{t}\nAncora.\n"));
    site.build("an edit").unwrap();
    let r = site.cached(false).unwrap().cache.unwrap();
    assert!(!r.unchanged, "a file written a moment ago was trusted");
    site.nothing_to_do("an edit");

    // New files, in static/ and content/, and one deleted.
    fs::write(root.join("static/extra.css"), "a{}\n").unwrap();
    site.changed("a new static file");
    let kyiv = root.join("content/actors/zelensky.md");
    fs::write(&kyiv, "---\nname: Volodymyr Zelensky\n---\nPresidente.\n").unwrap();
    site.changed("a new content file");
    fs::remove_file(&kyiv).unwrap();
    site.changed("a deleted content file");

    // A flag.
    let mut options = site.options("public", storia::cache::Choice::At(site.cache_dir()));
    options.minify = true;
    let r = storia::build::build(&options).unwrap().cache.unwrap();
    assert!(!r.unchanged && !r.used);
    site.changed("the flag back");

    // A digest held back, then its moment passing.
    fs::write(
        root.join("content/digests/2022/12/2022-12-22-domani.md"),
        "---\ntitle: Domani\ndate: 2022-12-22T08:00:00+01:00\nstory: guerra\n---\nPresto.\n",
    )
    .unwrap();
    site.changed("a scheduled digest");
    let out = site.dir.path().join("public");
    assert!(!out.join("digests/2022-12-22-domani").exists());
    site.now = chrono::DateTime::parse_from_rfc3339("2022-12-22T09:00:00+01:00").unwrap();
    site.changed("its moment passing");
    assert!(out.join("digests/2022-12-22-domani/index.html").is_file());

    // An output file edited by hand is repaired, not skipped.
    let home = out.join("index.html");
    let built = fs::read(&home).unwrap();
    fs::write(&home, "edited by hand").unwrap();
    site.changed("an output file edited by hand");
    assert_eq!(fs::read(&home).unwrap(), built);
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

#[test]
fn storia_build_says_when_there_was_nothing_to_do() {
    let site = Cached::new("basic");
    age(&site.root(), std::time::Duration::from_secs(30));
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_storia"))
            .arg("build")
            .arg("--root")
            .arg(site.root())
            .arg("--output")
            .arg(site.dir.path().join("public"))
            .arg("--cache-dir")
            .arg(site.cache_dir())
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let (warnings, summary) = stderr.trim_end().rsplit_once('\n').unwrap();
        (out.status.code(), warnings.to_string(), summary.to_string())
    };
    let (code, warnings, first) = run(&[]);
    assert_eq!(code, Some(0));
    assert!(warnings.contains("warning"), "{warnings}");
    assert!(!first.contains("nothing to do"), "{first}");
    let (code, again, summary) = run(&[]);
    assert_eq!(code, Some(0));
    assert_eq!(again, warnings);
    let pages = first.split(" files, ").next().unwrap();
    assert!(
        summary.starts_with(&format!("{pages} files, 0 changed, nothing to do) into ")),
        "{summary} after {first}"
    );
    let (code, denied, _) = run(&["--deny-warnings"]);
    assert_eq!(code, Some(1), "{denied}");
}
