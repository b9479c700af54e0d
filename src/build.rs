//! The whole pipeline, load → resolve → render → write, as one call.

use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics, Problem};
use crate::render::{OutputFile, RenderOptions};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root (holding `site.yaml`).
    pub root: PathBuf,
    /// The output folder; `<root>/public` when `None`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of site.yaml.
    pub base_url: Option<String>,
    /// Build drafts too.
    pub drafts: bool,
    /// Publish digests dated after `now` too (`--future`).
    pub future: bool,
    /// The moment the build started, set once by the caller: digests dated
    /// later are held back (unless `future`). The clock is an input like
    /// the files: tests choose it, and a build cache must see it move.
    pub now: chrono::DateTime<chrono::FixedOffset>,
    /// Fail on warnings too (for CI).
    pub deny_warnings: bool,
    /// Minify the HTML pages.
    pub minify: bool,
    /// Replace an output folder outside the site that storia did not
    /// write (`--force`); never the site or its sources.
    pub force: bool,
    /// The build cache to read and keep up to date (`--cache-dir`,
    /// `--no-cache`).
    pub cache: crate::cache::Choice,
}

impl BuildOptions {
    /// What this build publishes.
    pub fn publish(&self) -> crate::index::Publish {
        crate::index::Publish {
            drafts: self.drafts,
            future: self.future,
            now: self.now,
        }
    }
}

/// The moment to give [`BuildOptions::now`]: the clock, read once.
pub fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().fixed_offset()
}

/// How long each stage took.
#[derive(Debug, Default, Clone, Copy)]
pub struct Timings {
    /// Reading and parsing files.
    pub load: Duration,
    /// Building the cross-link index.
    pub resolve: Duration,
    /// Markdown and templates.
    pub render: Duration,
    /// Writing the output folder.
    pub write: Duration,
    /// Looking for likely mistakes (warnings).
    pub warnings: Duration,
}

/// A build's result.
#[derive(Debug)]
pub struct Built {
    /// The files of the site.
    pub files: Vec<OutputFile>,
    /// Warnings (and, on failure, errors).
    pub diagnostics: Diagnostics,
    /// Stage timings.
    pub timings: Timings,
    /// Output page → the content file it comes from.
    pub sources: std::collections::BTreeMap<String, PathBuf>,
    /// The base URL the site was rendered for.
    pub base_url: String,
    /// The loaded site, when it loaded (`storia check` reads its sources
    /// again from here rather than from disk).
    pub site: Option<crate::content::Site>,
    /// Every page rendered: the errors, if any, are of links found after.
    pub rendered: bool,
}

impl Built {
    /// A build that stopped at errors.
    fn failed(diagnostics: Diagnostics, timings: Timings, site: Option<Site>) -> Built {
        Built {
            files: Vec::new(),
            diagnostics,
            timings,
            sources: Default::default(),
            base_url: String::new(),
            site,
            rendered: false,
        }
    }
}

/// Runs load, resolve and render in memory. On failure the files are empty
/// and the diagnostics hold every error found, unless every page rendered
/// and only links written from the site's root led nowhere: then the files
/// are kept, for `storia check` to look for the rest.
pub fn render_site(options: &BuildOptions) -> Built {
    collect(|sink| run(options, true, None, sink))
}

/// Runs `render` with a sink that keeps every file, and hands them back
/// sorted by path (none when the build failed before every page rendered).
fn collect(render: impl FnOnce(crate::render::Sink<'_>) -> Built) -> Built {
    let files = std::sync::Mutex::new(Vec::new());
    let mut built = render(&|f| files.lock().unwrap_or_else(|p| p.into_inner()).push(f));
    if !built.diagnostics.has_errors() || built.rendered {
        built.files = files.into_inner().unwrap_or_else(|p| p.into_inner());
        built.files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    built
}

/// What the dev server keeps from one build to the next.
pub struct Caches {
    /// The files loaded last time.
    pub load: crate::content::LoadCache,
    /// What the last good render read and gave, every file's bytes included.
    pub render: crate::render::Memo,
    /// The ids of the last load, for the editors' schemas.
    pub ids: crate::schema::SiteIds,
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            load: Default::default(),
            render: crate::render::Memo::in_memory(),
            ids: Default::default(),
        }
    }
}

impl Caches {
    /// The site as the last good build left it: every output file's bytes, by path.
    pub fn files(&self) -> impl Iterator<Item = (&String, &std::sync::Arc<[u8]>)> {
        self.render
            .output()
            .iter()
            .filter_map(|(path, f)| Some((path, f.bytes.as_ref()?)))
    }
}

/// The dev server's build: in memory, theme assets not fingerprinted (so a
/// stylesheet can be swapped in place), and only the changed files read and
/// the outputs whose inputs changed rendered. The site is in the caches
/// ([`Caches::files`], with what changed in `caches.render`), exactly what a
/// build with empty caches gives; the returned `Built` has no files.
pub fn render_incremental(options: &BuildOptions, caches: &mut Caches) -> Built {
    run(options, false, Some(caches), &|_| {})
}

/// The pipeline; rendered files go to `sink` as they are made (the returned
/// `Built` has no files).
fn run(
    options: &BuildOptions,
    fingerprint: bool,
    mut caches: Option<&mut Caches>,
    sink: crate::render::Sink<'_>,
) -> Built {
    let mut timings = Timings::default();
    let started = Instant::now();
    let (site, mut diagnostics) = crate::content::load_with(
        &options.root,
        options.base_url.as_deref(),
        caches.as_deref_mut().map(|c| &mut c.load),
    );
    timings.load = started.elapsed();
    let Some(site) = site else {
        return Built::failed(diagnostics, timings, None);
    };
    if let Some(c) = caches.as_deref_mut() {
        c.ids = crate::schema::SiteIds::of(&site.content);
    }
    let started = Instant::now();
    let (index, resolve_diags) = crate::index::resolve(&site, options.publish());
    diagnostics.extend(resolve_diags.sorted());
    timings.resolve = started.elapsed();
    let theme = match crate::theme::Theme::find(&site.root, &site.config.theme, &site.config) {
        Ok(t) => {
            diagnostics.extend(t.problems());
            match crate::local::StaticFiles::of(&t) {
                Ok(files) => diagnostics.extend(crate::local::check_files(&site, &files)),
                Err(d) => diagnostics.push(d),
            }
            Some(t)
        }
        Err(d) => {
            diagnostics.push(d);
            None
        }
    };
    let Some(base_url) = site.config.base_url.clone() else {
        diagnostics.push(
            Diagnostic::error(Problem::Config(
                "`base_url` is required to build (feeds and the sitemap need absolute URLs)".into(),
            ))
            .at(crate::diagnostics::Location::file(std::path::Path::new(
                "site.yaml",
            )))
            .help("add `base_url: \"https://example.org/\"` to site.yaml, or pass `--base-url`"),
        );
        drop(index);
        return Built::failed(diagnostics, timings, Some(site));
    };
    let (Some(theme), false) = (theme, diagnostics.has_errors()) else {
        drop(index);
        return Built::failed(diagnostics, timings, Some(site));
    };
    let started = Instant::now();
    // The cache is the site's: one folder for every path to it.
    let real_root = std::fs::canonicalize(&site.root).unwrap_or_else(|_| site.root.clone());
    let options = RenderOptions {
        base_url: base_url.clone(),
        fingerprint,
        minify: options.minify,
        images_cache: options
            .cache
            .site_folder(&real_root)
            .map(|d| d.join("images")),
    };
    // What the build produced, for the links written from the site's root.
    let produced = std::sync::Mutex::new(std::collections::HashSet::new());
    let recorded = |f: OutputFile| {
        let mut paths = produced.lock().unwrap_or_else(|p| p.into_inner());
        paths.insert(f.path.clone());
        drop(paths);
        sink(f);
    };
    let mut memo = caches.map(|c| &mut c.render);
    let render_diags =
        crate::render::render_to(&index, &theme, &options, memo.as_deref_mut(), &recorded);
    diagnostics.extend(render_diags.sorted());
    let rendered = !diagnostics.has_errors();
    if rendered {
        let mut produced = produced.into_inner().unwrap_or_else(|p| p.into_inner());
        // With a memo, only what changed went to the sink: the memo holds
        // the whole output.
        if let Some(m) = memo {
            produced.extend(m.output().keys().cloned());
        }
        let root = crate::render::Urls::new(&base_url, &site.config.paths).base_path;
        diagnostics.extend(crate::local::check_links(&index, &produced, &root));
    }
    timings.render = started.elapsed();
    // Likely mistakes are worth a word only once the site has no errors.
    let started = Instant::now();
    if !diagnostics.has_errors() {
        diagnostics.extend(crate::index::likely_mistakes(&index));
    }
    timings.warnings = started.elapsed();
    let sources = crate::render::page_sources(&index, &base_url);
    drop(index);
    Built {
        files: Vec::new(),
        diagnostics,
        timings,
        sources,
        base_url,
        site: Some(site),
        rendered,
    }
}

/// The output folder of `options`.
pub fn output_dir(options: &BuildOptions) -> PathBuf {
    options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join("public"))
}

/// A finished build written to disk.
#[derive(Debug)]
pub struct Report {
    /// HTML pages written.
    pub pages: usize,
    /// All files in the output.
    pub files: usize,
    /// Files whose bytes changed.
    pub written: usize,
    /// Warnings.
    pub diagnostics: Diagnostics,
    /// Stage timings.
    pub timings: Timings,
}

/// Builds the site and swaps it into the output folder. Pages are written
/// into a folder beside it as they are rendered; on any error that folder is
/// removed and the previous output is left exactly as it was.
pub fn build(options: &BuildOptions) -> Result<Report, Diagnostics> {
    let out = output_dir(options);
    let fail = |d: Diagnostic| {
        let mut diags = Diagnostics::default();
        diags.push(d);
        diags
    };
    // Decided once, before anything is read or written.
    let out = crate::output::check_output(&options.root, &out, options.force).map_err(fail)?;
    // Begun with the first rendered file: a site that does not load
    // touches nothing on disk.
    let staging = std::sync::OnceLock::new();
    let write_error = std::sync::Mutex::new(None);
    let pages = std::sync::atomic::AtomicUsize::new(0);
    let mut built = run(options, true, None, &|f| {
        if f.path.ends_with(".html") {
            pages.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        let put = match staging.get_or_init(|| crate::output::Staging::begin(&out)) {
            Ok(s) => s.put(&f),
            Err(d) => Err(d.clone()),
        };
        if let Err(d) = put {
            let mut first = write_error.lock().unwrap_or_else(|p| p.into_inner());
            first.get_or_insert(d);
        }
    });
    if let Some(d) = write_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        built.diagnostics.push(d);
    }
    let staging = staging.into_inner().and_then(Result::ok);
    if options.deny_warnings {
        built.diagnostics.deny_warnings();
    }
    if built.diagnostics.has_errors() {
        // Dropping the staging folder removes it.
        return Err(built.diagnostics);
    }
    let Some(staging) = staging else {
        return Err(fail(Diagnostic::error(Problem::Config(
            "the site rendered no files".into(),
        ))));
    };
    let started = Instant::now();
    let stats = match staging.finish() {
        Ok(s) => s,
        Err(d) => {
            built.diagnostics.push(d);
            return Err(built.diagnostics);
        }
    };
    built.timings.write = started.elapsed();
    Ok(Report {
        pages: pages.into_inner(),
        files: stats.files,
        written: stats.written,
        diagnostics: built.diagnostics,
        timings: built.timings,
    })
}
