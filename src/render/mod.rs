//! Render: the index → every output file, as bytes, in parallel.
//!
//! Rendering is a pure function of the index and the theme. Pages
//! ([`pages`], one module per kind), feeds, the sitemap and the search index
//! read the index only through a [`reads::Reader`], which records what each
//! one read. Markdown bodies ([`bodies`]) are rendered once and reused on
//! every page that shows them, each entity becomes a template value
//! ([`values`]) once, and the templates are compiled once. Only
//! [`crate::output`] touches the output folder.

mod assets;
mod bodies;
mod charts;
mod editorial;
mod facts;
mod feeds;
pub mod i18n;
mod images;
mod languages;
mod memo;
mod pages;
mod reads;
mod search;
mod structured;
mod templates;
mod urls;
mod values;

use crate::diagnostics::{Diagnostic, Diagnostics, Problem};
use crate::index::{DigestIx, Index};
use crate::theme::{Layer, Theme};
use std::hash::{Hash, Hasher};

pub use memo::{Memo, Packed, Stored};
pub use templates::Templates;
pub use urls::Urls;

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the output folder, with `/` separators.
    pub path: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// What changes between builds of the same site.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The absolute base URL (ends in `/`).
    pub base_url: String,
    /// Fingerprint the theme's assets (off while serving, so CSS can be swapped in place).
    pub fingerprint: bool,
    /// Minify the HTML pages.
    pub minify: bool,
    /// The folder keeping resized images between builds; `None` encodes
    /// them every build.
    pub images_cache: Option<std::path::PathBuf>,
}

/// The templates every theme must be able to render (the default theme
/// provides them all, so a site only overrides some).
pub const PAGE_TEMPLATES: &[&str] = &[
    "base.html",
    "index.html",
    "404.html",
    "digest.html",
    "digests.html",
    "actor.html",
    "actors.html",
    "source.html",
    "sources.html",
    "story.html",
    "stories.html",
    "tag.html",
    "tags.html",
    "page.html",
    "search.html",
    "network.html",
    "corrections.html",
];

/// Where rendered files go, from any thread, as soon as each is ready.
pub type Sink<'a> = &'a (dyn Fn(OutputFile) + Sync);

/// Renders every file of the site into `sink`, in parallel, as each is
/// ready, so no more than the pages in flight are held in memory. On errors
/// some files may have been sent: the caller throws them away. With a memo
/// (the dev server's), pages and bodies whose inputs are those of the last
/// render are reused from it, and the memo is updated.
pub fn render_to(
    index: &Index<'_>,
    theme: &Theme,
    options: &RenderOptions,
    memo: Option<&mut Memo>,
    sink: Sink<'_>,
) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let site = index.site;
    let config = &site.config;
    let urls = Urls::new(&options.base_url, &config.paths);
    // Each language's pages: the site's language at the root, each other
    // declared one under `/<lang>/`.
    let each: Vec<(String, Urls)> = if config.languages.len() > 1 {
        config
            .languages
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let at = if i == 0 {
                    urls.clone()
                } else {
                    urls.in_language(l, config.paths_in(l))
                };
                (l.clone(), at)
            })
            .collect()
    } else {
        vec![(config.language.clone(), urls.clone())]
    };
    let mut all_labels = Vec::new();
    for (n, (lang, _)) in each.iter().enumerate() {
        match i18n::Labels::load(theme, lang) {
            Ok((labels, warning)) => {
                // At the language in site.yaml, which is what asks for them.
                let at = if config.languages.is_empty() {
                    config.locate("language")
                } else {
                    let path = [
                        crate::yaml::Seg::Key("languages"),
                        crate::yaml::Seg::Index(n),
                    ];
                    config.file.locate_yaml(&path)
                };
                diags.extend(warning.map(|w| w.at(at)));
                all_labels.push(labels);
            }
            Err(d) => {
                diags.push(d);
                return diags;
            }
        }
    }
    let highlight_css = match crate::markdown::highlight_css(&site.config.highlight_theme) {
        Some(css) => css,
        None => {
            let names = crate::markdown::highlight_theme_names();
            diags.push(
                Diagnostic::error(Problem::Config(format!(
                    "unknown highlight theme `{}`",
                    site.config.highlight_theme
                )))
                .at(site.config.locate("highlight_theme"))
                .help(
                    crate::suggest::did_you_mean(
                        &site.config.highlight_theme,
                        names.iter().map(String::as_str),
                    )
                    .unwrap_or_else(|| format!("available: {}", names.join(", "))),
                ),
            );
            return diags;
        }
    };
    let statics = match theme.layers("static") {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return diags;
        }
    };
    let assets = assets::Assets::new(
        statics,
        vec![OutputFile {
            path: "highlight.css".into(),
            bytes: highlight_css.into_bytes(),
        }],
        options.fingerprint,
        &urls.base_path,
    );
    let table = assets.table();
    let (images, image_files, image_problems) =
        images::process(index, &assets, options.images_cache.as_deref());
    diags.extend(image_problems);
    let languages = languages::Languages { each };
    // A language's pages show its digests only; one language shows them all.
    let views: Vec<(Index<'_>, Vec<DigestIx>)> = if languages.each.len() > 1 {
        languages
            .each
            .iter()
            .map(|(lang, _)| index.restrict(lang))
            .collect()
    } else {
        Vec::new()
    };
    let identity: Vec<DigestIx> = if views.is_empty() {
        (0..index.digests.len() as u32).map(DigestIx).collect()
    } else {
        Vec::new()
    };
    // The index of every language is a view of its own only when there
    // are several.
    let full = (index, if views.is_empty() { 0 } else { reads::FULL });
    let mut memo = memo;
    // This build's facts against the last good build's.
    let current = memo.as_deref_mut().map(|m| {
        let mut all: Vec<(u8, &Index<'_>)> = views
            .iter()
            .enumerate()
            .map(|(n, (ix, _))| (n as u8, ix))
            .collect();
        all.push((full.1, full.0));
        m.facts.scan(&all)
    });
    if let Some(m) = memo.as_deref_mut() {
        // Pages depend on the asset URLs templates asked for, not on every
        // static file: adding an image re-renders nothing, moving a
        // stylesheet that templates use re-renders every page.
        if m.assets_asked
            .iter()
            .any(|(path, url)| table.get(path) != url.as_ref())
        {
            m.jobs.clear();
            m.assets_asked.clear();
        }
    }
    let site_static = assets.paths_of(Layer::Site);
    let run = Run {
        memo: memo.as_deref(),
        facts: current.as_ref(),
        shadow_moved: memo
            .as_deref()
            .map(|m| {
                m.site_static
                    .symmetric_difference(&site_static)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default(),
        site_static,
        minify: options.minify,
        sink,
        records: Default::default(),
        alive: Default::default(),
        generated: Default::default(),
    };
    let options_hash = {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        env!("CARGO_PKG_VERSION").hash(&mut h);
        config.file.text.hash(&mut h);
        options.base_url.hash(&mut h);
        options.fingerprint.hash(&mut h);
        options.minify.hash(&mut h);
        images.fingerprint().hash(&mut h);
        h.finish()
    };
    let mut globals = Vec::new();
    let mut asked = std::collections::BTreeSet::new();
    let mut sitemap_views = Vec::new();
    for (n, ((lang, lang_urls), labels)) in languages.each.iter().zip(&all_labels).enumerate() {
        let (view, origin) = views
            .get(n)
            .map_or((index, identity.as_slice()), |(ix, o)| (ix, o.as_slice()));
        let view = (view, n as u8);
        let mut templates = match Templates::new(theme, labels, table.clone()) {
            Ok(e) => e,
            Err(errors) => {
                diags.extend(errors);
                return diags;
            }
        };
        // What the whole language reads, not one output's: site-wide.
        let unrecorded = reads::Reads::default();
        let r = reads::Reader::new(view.0, view.1, full.0, full.1, &unrecorded);
        let urls = (lang_urls, &languages.each[0].1);
        let values = values::Values::new(&r, urls, labels, lang, &assets, &images);
        {
            let global = templates.global();
            global.insert("site", &values.site);
            global.insert("t", &labels.to_json());
        }
        let global = {
            let mut h = xxhash_rust::xxh3::Xxh3::new();
            options_hash.hash(&mut h);
            memo::hash_json(&mut h, &labels.to_json());
            memo::hash_json(&mut h, &values.site);
            h.finish()
        };
        globals.push(global);
        let keep = feeds::full_entries(&r);
        let bodies = bodies::Bodies::new(&r, &templates, &values, &languages, keep);
        let pages = pages::Pages::new(
            view,
            full,
            &templates,
            &values,
            labels,
            (&languages, origin, lang),
            &bodies,
        );
        let hash_of = |name: &str| templates.template_hash(name);
        let mut jobs: Vec<(String, Work)> = pages
            .jobs()
            .into_iter()
            .map(|j| (pages.key(j), Work::Page(j)))
            .collect();
        jobs.extend(feeds::all(&r).into_iter().map(|f| {
            let key = format!("{lang}:feed:{}", feeds::key(&r, f));
            (key, Work::Feed(f))
        }));
        let errors = std::sync::Mutex::new(Vec::new());
        let failed = |e: Diagnostic| errors.lock().unwrap_or_else(|p| p.into_inner()).push(e);
        run.each(jobs, global, &hash_of, |work, reads| match work {
            Work::Page(job) => {
                let file = pages.render(job, reads).map_err(failed).ok()?;
                Some(vec![file])
            }
            Work::Feed(feed) => {
                let r = reads::Reader::new(view.0, view.1, full.0, full.1, reads);
                Some(vec![feeds::render(
                    &r,
                    lang_urls,
                    &bodies,
                    (lang, labels),
                    feed,
                )])
            }
        });
        let mut found = Diagnostics::default();
        found.extend(bodies.take_errors());
        found.extend(errors.into_inner().unwrap_or_else(|p| p.into_inner()));
        diags.extend(found.sorted());
        // The search index comes after the pages and feeds, once the
        // bodies they showed are dropped.
        drop(pages);
        drop(bodies);
        let search_key = format!("{lang}:search");
        run.each(vec![(search_key, ())], global, &hash_of, |(), reads| {
            let r = reads::Reader::new(view.0, view.1, full.0, full.1, reads);
            let files = std::sync::Mutex::new(Vec::new());
            search::files(&r, &values, &|f| {
                files.lock().unwrap_or_else(|p| p.into_inner()).push(f)
            });
            Some(files.into_inner().unwrap_or_else(|p| p.into_inner()))
        });
        asked.extend(templates.assets_asked());
        sitemap_views.push((view, lang_urls));
        if diags.has_errors() {
            // The other languages' pages would repeat the same errors.
            return diags;
        }
    }
    // The sitemap lists every language's pages; robots.txt points at it.
    let global = {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        globals.hash(&mut h);
        h.finish()
    };
    run.each(
        vec![("sitemap".to_string(), ())],
        global,
        &|_: &str| 0,
        |(), reads| {
            let mut entries = Vec::new();
            for ((ix, n), lang_urls) in &sitemap_views {
                let r = reads::Reader::new(ix, *n, full.0, full.1, reads);
                entries.extend(feeds::sitemap_entries(&r, lang_urls));
            }
            let mut files = feeds::site_files(entries, &urls);
            files.push(OutputFile {
                path: ".nojekyll".into(),
                bytes: Vec::new(),
            });
            Some(files)
        },
    );
    // Static files: the site's own win over generated files of the same
    // path (your own robots.txt); the theme's never replace them.
    let generated: std::collections::HashSet<String> = run.generated_paths(memo.as_deref());
    // Resized images are generated too: a file of the site's own at the
    // same path wins.
    let generated_images = image_files
        .into_iter()
        .filter(|f| !run.site_static.contains(&f.path));
    let statics: Vec<OutputFile> = assets
        .into_files()
        .into_iter()
        .filter(|(f, layer)| *layer == Layer::Site || !generated.contains(&f.path))
        .map(|(f, _)| f)
        .chain(generated_images)
        .collect();
    let records = run.finish(statics);
    if let (Some(m), Some(current)) = (memo, current) {
        if !diags.has_errors() {
            m.commit(current, records, asked, &table);
        }
    }
    diags
}

/// One job's work within a language.
#[derive(Clone, Copy)]
enum Work {
    Page(pages::Job),
    Feed(feeds::Feed),
}

/// A render in progress: which jobs run, what they give, what goes to the sink.
struct Run<'m, 'k> {
    memo: Option<&'m Memo>,
    facts: Option<&'m facts::Current>,
    /// Paths the site's own static files took or gave back since the last
    /// render: the generated files there are shown or hidden again.
    shadow_moved: std::collections::HashSet<String>,
    site_static: std::collections::HashSet<String>,
    minify: bool,
    sink: Sink<'k>,
    /// The jobs that ran, with what they read and gave.
    records: std::sync::Mutex<Vec<(String, memo::Record)>>,
    /// Every job of this build.
    alive: std::sync::Mutex<Vec<String>>,
    /// Every file the jobs that ran generated.
    generated: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl Run<'_, '_> {
    /// Runs the jobs among `jobs` whose inputs changed (all of them without
    /// a memo), in parallel: `render` gives a job's files, or none after an
    /// error it reported.
    fn each<W: Copy + Send + Sync>(
        &self,
        jobs: Vec<(String, W)>,
        global: u64,
        template_hash: &(dyn Fn(&str) -> u64 + Sync),
        render: impl Fn(W, &reads::Reads) -> Option<Vec<OutputFile>> + Sync,
    ) {
        use rayon::prelude::*;
        let dirty: Vec<(String, W)> = match (self.memo, self.facts) {
            (Some(m), Some(facts)) => {
                let mut alive = self.alive.lock().unwrap_or_else(|p| p.into_inner());
                alive.extend(jobs.iter().map(|(k, _)| k.clone()));
                jobs.into_iter()
                    .filter(|(key, _)| {
                        m.dirty(key, global, facts, template_hash, &self.shadow_moved)
                    })
                    .collect()
            }
            _ => jobs,
        };
        dirty.into_par_iter().for_each(|(key, work)| {
            let reads = reads::Reads::default();
            let Some(files) = render(work, &reads) else {
                return;
            };
            let files: Vec<(String, memo::Stored)> =
                files.into_iter().map(|f| self.emit(f)).collect();
            if let Some(facts) = self.facts {
                let recorded = reads.into_recorded();
                let record = memo::Record {
                    templates: recorded
                        .templates
                        .iter()
                        .map(|t| (Box::from(*t), template_hash(t)))
                        .collect(),
                    global,
                    deps: facts.ids(&recorded.facts),
                    files: files.into_boxed_slice(),
                };
                let mut records = self.records.lock().unwrap_or_else(|p| p.into_inner());
                records.push((key, record));
            }
        });
    }

    /// Sends a generated file to the sink unless the site's static files
    /// hide it or it is the same as the last render's; returns it as kept.
    fn emit(&self, mut f: OutputFile) -> (String, memo::Stored) {
        if self.minify && f.path.ends_with(".html") {
            f.bytes = minify_html::minify(&f.bytes, &minify_config());
        }
        let stored = self.store(&f);
        if !self.site_static.contains(&f.path) {
            self.send(&f, &stored);
        }
        self.generated
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(f.path.clone());
        (f.path, stored)
    }

    fn store(&self, f: &OutputFile) -> memo::Stored {
        let keep = self.memo.is_some_and(|m| m.keep_bytes);
        memo::Stored {
            hash: if self.facts.is_some() {
                memo::hash_bytes(&f.bytes)
            } else {
                0
            },
            bytes: keep.then(|| memo::Packed::new(&f.bytes)),
        }
    }

    /// Sends `f` to the sink unless the last render left the same bytes.
    fn send(&self, f: &OutputFile, stored: &memo::Stored) {
        let same = self
            .memo
            .and_then(|m| m.output.get(&f.path))
            .is_some_and(|old| self.facts.is_some() && old.hash == stored.hash);
        if !same {
            (self.sink)(f.clone());
        }
    }

    /// The paths of every generated file of this build: the jobs that ran
    /// and, with a memo, the ones it kept.
    fn generated_paths(&self, memo: Option<&Memo>) -> std::collections::HashSet<String> {
        let mut paths =
            std::mem::take(&mut *self.generated.lock().unwrap_or_else(|p| p.into_inner()));
        if let Some(m) = memo {
            let records = self.records.lock().unwrap_or_else(|p| p.into_inner());
            let ran: std::collections::HashSet<&String> = records.iter().map(|(k, _)| k).collect();
            let alive = self.alive.lock().unwrap_or_else(|p| p.into_inner());
            for key in alive.iter().filter(|k| !ran.contains(k)) {
                if let Some(r) = m.jobs.get(key) {
                    paths.extend(r.files.iter().map(|(p, _)| p.clone()));
                }
            }
        }
        paths
    }

    /// Sends the static files, and hands back what the memo keeps of this
    /// render.
    fn finish(self, statics: Vec<OutputFile>) -> memo::Rendered {
        let statics: Vec<(String, memo::Stored)> = statics
            .into_iter()
            .map(|f| {
                let stored = self.store(&f);
                self.send(&f, &stored);
                (f.path, stored)
            })
            .collect();
        memo::Rendered {
            records: self.records.into_inner().unwrap_or_else(|p| p.into_inner()),
            alive: self.alive.into_inner().unwrap_or_else(|p| p.into_inner()),
            statics,
            site_static: self.site_static,
        }
    }
}

/// Which content file each page comes from (output path → file relative to
/// the site root), so a problem found in a page can point at its source.
pub fn page_sources(
    index: &Index<'_>,
    base_url: &str,
) -> std::collections::BTreeMap<String, std::path::PathBuf> {
    let urls = Urls::new(base_url, &index.site.config.paths);
    let paths = &index.site.config.paths;
    let c = &index.site.content;
    let actors = index.actors.iter().map(|n| {
        (
            &paths.actors,
            &c.actors[n.entry].id,
            &c.actors[n.entry].file,
        )
    });
    let sources = index.sources.iter().map(|n| {
        (
            &paths.sources,
            &c.sources[n.entry].id,
            &c.sources[n.entry].file,
        )
    });
    let stories = index.stories.iter().map(|n| {
        (
            &paths.stories,
            &c.stories[n.entry].id,
            &c.stories[n.entry].file,
        )
    });
    let mut map: std::collections::BTreeMap<_, _> = actors
        .chain(sources)
        .chain(stories)
        .map(|(word, id, file)| {
            (
                urls.file_of(&urls.item(word, id.as_str())),
                file.path.clone(),
            )
        })
        .collect();
    for n in &index.pages {
        let p = &c.pages[n.entry];
        map.insert(urls.file_of(&urls.page(p.id.as_str())), p.file.path.clone());
    }
    // A digest's page is in its language's part of the site.
    let languages = &index.site.config.languages;
    for (i, n) in index.digests.iter().enumerate() {
        let d = &c.digests[n.entry];
        let lang = index.lang_of(DigestIx(i as u32));
        let url = if languages.len() > 1 && lang != languages[0] {
            let config = &index.site.config;
            let paths = config.paths_in(lang);
            urls.in_language(lang, paths)
                .item(&paths.digests, d.id.as_str())
        } else {
            urls.item(&paths.digests, d.id.as_str())
        };
        map.insert(urls.file_of(&url), d.file.path.clone());
    }
    map
}

/// Minification that keeps pages valid HTML (closing tags and the
/// `<html>`/`<head>` tags stay) and leaves scripts alone (JSON-LD included).
fn minify_config() -> minify_html::Cfg {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg.minify_css = true;
    cfg.minify_js = false;
    cfg
}
