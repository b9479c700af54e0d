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
    /// What `storia build --root ROOT` does with no other option, the
    /// clock read now; callers change the fields they need.
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
            future: false,
            now: now(),
            deny_warnings: false,
            minify: false,
            force: false,
            cache: crate::cache::Choice::Default,
        }
    }

    /// What the dev server builds of `root` at `url`: drafts and scheduled
    /// digests shown unless `drafts` is false, never into a folder.
    pub fn for_serving(root: impl Into<PathBuf>, url: String, drafts: bool) -> BuildOptions {
        BuildOptions {
            base_url: Some(url),
            drafts,
            future: drafts,
            ..BuildOptions::new(root)
        }
    }

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
    /// When the first digest held back until its date is due.
    pub held_back_until: Option<chrono::DateTime<chrono::FixedOffset>>,
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
            held_back_until: None,
        }
    }
}

/// Runs load, resolve and render in memory. On failure the files are empty
/// and the diagnostics hold every error found, unless every page rendered
/// and only links written from the site's root led nowhere: then the files
/// are kept, for `storia check` to look for the rest.
pub fn render_site(options: &BuildOptions) -> Built {
    collect(|sink| run(options, true, None, None, sink))
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
    pub fn files(&self) -> impl Iterator<Item = (&String, std::borrow::Cow<'_, [u8]>)> {
        self.render
            .output()
            .iter()
            .filter_map(|(path, f)| Some((path, f.bytes.as_ref()?.unpack())))
    }
}

/// The dev server's build: in memory, theme assets not fingerprinted (so a
/// stylesheet can be swapped in place), and only the changed files read and
/// the outputs whose inputs changed rendered. The site is in the caches
/// ([`Caches::files`], with what changed in `caches.render`), exactly what a
/// build with empty caches gives; the returned `Built` has no files.
pub fn render_incremental(options: &BuildOptions, caches: &mut Caches) -> Built {
    render_incremental_with(options, caches, &mut |_, _| {})
}

/// [`render_incremental`], calling `ready` with the build's diagnostics so
/// far and the rendered site as soon as the site is known (before the
/// likely mistakes are looked for, which change no file): the dev server
/// shows the edit meanwhile.
pub fn render_incremental_with(
    options: &BuildOptions,
    caches: &mut Caches,
    ready: Ready<'_>,
) -> Built {
    run(options, false, Some((caches, ready)), None, &|_| {})
}

/// Told the diagnostics so far and the rendered site once rendering is over.
pub type Ready<'a> = &'a mut dyn FnMut(&Diagnostics, &crate::render::Memo);

/// The pipeline; rendered files go to `sink` as they are made (the returned
/// `Built` has no files). With a memo (the dev server's in `caches`, or the
/// build cache's in `memo`), only the outputs whose inputs changed are
/// rendered, and only the files whose bytes changed go to the sink.
fn run(
    options: &BuildOptions,
    fingerprint: bool,
    caches: Option<(&mut Caches, Ready<'_>)>,
    memo: Option<&mut crate::render::Memo>,
    sink: crate::render::Sink<'_>,
) -> Built {
    let (mut caches, ready) = caches.unzip();
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
    let held_back_until = crate::index::first_held_back(&site, options.publish());
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
    let mut memo = match caches {
        Some(c) => Some(&mut c.render),
        None => memo,
    };
    let render_diags =
        crate::render::render_to(&index, &theme, &options, memo.as_deref_mut(), &recorded);
    diagnostics.extend(render_diags.sorted());
    let rendered = !diagnostics.has_errors();
    if rendered {
        let mut produced = produced.into_inner().unwrap_or_else(|p| p.into_inner());
        // With a memo, only what changed went to the sink: the memo holds
        // the whole output.
        if let Some(m) = memo.as_deref() {
            produced.extend(m.output().keys().cloned());
        }
        let root = crate::render::Urls::new(&base_url, &site.config.paths).base_path;
        diagnostics.extend(crate::local::check_links(&index, &produced, &root));
    }
    timings.render = started.elapsed();
    if let (Some(ready), Some(m)) = (ready, memo.as_deref()) {
        ready(&diagnostics, m);
    }
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
        held_back_until,
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
    /// What the build cache saved, when there is one.
    pub cache: Option<CacheReport>,
    /// Warnings.
    pub diagnostics: Diagnostics,
    /// Stage timings.
    pub timings: Timings,
}

/// What the build cache did for a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheReport {
    /// Whether the cache of the last build was used (else every output was
    /// rendered, and the cache made anew).
    pub used: bool,
    /// Outputs rendered: pages, feeds, the search index, the sitemap.
    pub rendered: usize,
    /// Outputs taken from the cache as they were.
    pub reused: usize,
    /// Nothing the build is made from changed since the last one, which
    /// left the output as it is: no source was read, nothing rendered.
    pub unchanged: bool,
}

/// Builds the site and swaps it into the output folder. Pages are written
/// into a folder beside it (or, with a build cache on the output's file
/// system, the cache's spare tree) as they are rendered; on any error that
/// folder is dropped and the previous output is left exactly as it was.
/// With a build cache, only the outputs whose inputs changed since the last
/// build are rendered, and only the files whose bytes changed are written.
pub fn build(options: &BuildOptions) -> Result<Report, Diagnostics> {
    let out = output_dir(options);
    let fail = |d: Diagnostic| {
        let mut diags = Diagnostics::default();
        diags.push(d);
        diags
    };
    // Decided once, before anything is read or written.
    let out = crate::output::check_output(&options.root, &out, options.force).map_err(fail)?;
    let cache = open_cache(options, &out).map_err(fail)?;
    // Held from before the cache is read to the swap.
    let lock = match &cache {
        Some(_) => crate::output::Lock::take(&out).map_err(fail)?,
        None => None,
    };
    let lock = std::sync::Mutex::new(lock);
    let mut loaded = cache.as_ref().map(|c| {
        c.folder
            .load(&c.site, &out, c.inputs, c.stamps, options.now)
    });
    if let Some(unchanged) = loaded.as_mut().and_then(|l| l.unchanged.take()) {
        return nothing_to_do(options, unchanged, loaded.map(|l| l.memo));
    }
    let (mut memo, spare, warning, used, was_held_back_until, was_stamped) = match loaded {
        Some(l) => (
            Some(l.memo),
            Some(l.spare),
            l.warning,
            l.used,
            l.held_back_until,
            l.stamps,
        ),
        None => (None, None, None, false, None, None),
    };
    // Begun with the first rendered file: a site that does not load
    // touches nothing on disk.
    let staging = std::sync::OnceLock::new();
    let begin = || {
        if let Some(c) = &cache {
            // The spare is about to change: until the build ends, the cache
            // makes no claim about it.
            c.folder.forget_spare();
        }
        let lock = lock.lock().unwrap_or_else(|p| p.into_inner()).take();
        crate::output::Staging::begin_with(&out, spare.clone(), lock)
    };
    let write_error = std::sync::Mutex::new(None);
    let pages = std::sync::atomic::AtomicUsize::new(0);
    let mut built = run(options, true, None, memo.as_mut(), &|f| {
        if f.path.ends_with(".html") {
            pages.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        let put = match staging.get_or_init(begin) {
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
    // What the next build repeats when nothing changes (not the warning
    // about this build's cache).
    let warnings = built.diagnostics.clone();
    built.diagnostics.extend(warning);
    if options.deny_warnings {
        built.diagnostics.deny_warnings();
    }
    if built.diagnostics.has_errors() {
        // Dropping the staging folder removes it; the cache's spare tree
        // stays, known again for the next build.
        if let (Some(Ok(staging)), Some(c)) = (staging.into_inner(), &cache) {
            if let Some(spare) = staging.abandon() {
                let _ = c.folder.save_spare(spare);
            }
        }
        return Err(built.diagnostics);
    }
    let started = Instant::now();
    // With a memo only what changed was sent: the rest of the output is
    // the previous one's.
    let unchanged = memo
        .as_ref()
        .is_some_and(|m| !m.output().is_empty() && m.changed.is_empty() && m.removed.is_empty());
    let staging = match staging.into_inner() {
        Some(s) => s.ok(),
        None if unchanged && out.is_dir() => None,
        None => Some(begin().map_err(fail)?),
    };
    let finished = match staging {
        Some(staging) => match finish(staging, memo.as_ref()) {
            Ok(f) => Some(f),
            Err(d) => {
                built.diagnostics.push(d);
                return Err(built.diagnostics);
            }
        },
        None => None,
    };
    let mut report = Report {
        pages: pages.into_inner(),
        files: finished.as_ref().map_or(0, |f| f.stats.files),
        written: finished.as_ref().map_or(0, |f| f.stats.written),
        cache: None,
        diagnostics: built.diagnostics,
        timings: built.timings,
    };
    if let (Some(c), Some(memo)) = (&cache, memo) {
        let output = memo.output();
        report.pages = output.keys().filter(|p| p.ends_with(".html")).count();
        report.files = output.len();
        report.cache = Some(CacheReport {
            used,
            rendered: memo.rendered,
            reused: memo.reused,
            unchanged: false,
        });
        // A build that changed nothing leaves the cache as it is, unless a
        // digest held back got a new date or the sources' stamps changed.
        let same = used
            && finished.is_none()
            && memo.rendered == 0
            && was_held_back_until == built.held_back_until.map(|d| d.timestamp())
            && was_stamped == c.stamps;
        let saved = crate::output::token(&out).filter(|_| !same).map(|tree| {
            c.folder.save(
                &c.site,
                &out,
                c.inputs,
                c.stamps,
                &warnings,
                built.held_back_until,
                tree,
                memo,
                finished.and_then(|f| f.spare),
            )
        });
        if let Some(Err(e)) = saved {
            report.diagnostics.push(Diagnostic::warning(format!(
                "the build cache could not be written in `{}`: {e}",
                crate::diagnostics::display_path(c.folder.dir())
            )));
        }
    }
    report.timings.write = started.elapsed();
    Ok(report)
}

/// The report of a build with nothing to do: the previous build's, with
/// its warnings again (and `--deny-warnings` failing on them again).
fn nothing_to_do(
    options: &BuildOptions,
    unchanged: crate::cache::state::Unchanged,
    memo: Option<crate::render::Memo>,
) -> Result<Report, Diagnostics> {
    let mut diagnostics = unchanged.warnings;
    if options.deny_warnings {
        diagnostics.deny_warnings();
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
    }
    let output = memo.as_ref().map(crate::render::Memo::output);
    Ok(Report {
        pages: output.map_or(0, |o| o.keys().filter(|p| p.ends_with(".html")).count()),
        files: output.map_or(0, |o| o.len()),
        written: 0,
        cache: Some(CacheReport {
            used: true,
            rendered: 0,
            reused: unchanged.outputs,
            unchanged: true,
        }),
        diagnostics,
        timings: Timings::default(),
    })
}

/// The build cache of one build.
struct Cache {
    folder: crate::cache::state::Folder,
    /// The site's real root.
    site: PathBuf,
    /// The inputs that make the whole cache useless when they change.
    inputs: u64,
    /// The sources' stamps, taken before any of them is read.
    stamps: Option<u64>,
}

/// The build cache for a build into `out` (a real path), if there is one:
/// none with `--no-cache`, with no home folder, or for a site that is not
/// there (the build stops at loading it).
fn open_cache(options: &BuildOptions, out: &std::path::Path) -> Result<Option<Cache>, Diagnostic> {
    let Ok(site) = std::fs::canonicalize(&options.root) else {
        return Ok(None);
    };
    let Some(folder) = options.cache.site_folder(&site) else {
        return Ok(None);
    };
    crate::cache::check_location(&folder, &site, out)?;
    let flags = (
        options.drafts,
        options.future,
        options.base_url.as_deref(),
        options.minify,
    );
    // Stamped first: a file changed while the build reads it is seen as changed next time.
    let stamps = crate::cache::state::stamps(&options.root);
    Ok(Some(Cache {
        folder: crate::cache::state::Folder::new(&folder, out),
        stamps,
        inputs: crate::cache::state::inputs(&options.root, &flags),
        site,
    }))
}

/// Completes the staging folder (with a memo, the files that did not
/// change are kept and those gone dropped) and swaps it in.
fn finish(
    staging: crate::output::Staging,
    memo: Option<&crate::render::Memo>,
) -> Result<crate::output::Finished, Diagnostic> {
    if let Some(m) = memo {
        if !staging.updating() {
            let changed: std::collections::HashSet<&String> = m.changed.iter().collect();
            for path in m.output().keys().filter(|p| !changed.contains(p)) {
                staging.keep(path)?;
            }
        }
        for path in &m.removed {
            staging.drop_file(path)?;
        }
    }
    staging.finish()
}
