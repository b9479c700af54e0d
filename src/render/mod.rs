//! Render: the index → every output file, as bytes, in parallel.
//!
//! Rendering is a pure function of the index and the theme: Markdown bodies
//! are rendered once and reused on every page that shows them, each entity
//! becomes a template value once, and the templates are compiled once. Only
//! [`crate::output`] touches the output folder.

mod assets;
mod charts;
mod context;
mod editorial;
mod feeds;
pub mod i18n;
mod memo;
mod search;
mod structured;
mod values;

use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem};
use crate::index::{DigestIx, Index};
use crate::theme::{Layer, Theme};
use std::collections::HashMap;

pub use context::Urls;
pub use memo::Memo;

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
];

/// Tera with the layered templates loaded, and where each came from.
pub struct Engine {
    tera: tera::Tera,
    /// Tera name → (path to report, source text).
    origins: HashMap<String, (String, String)>,
    /// Template name → hash of it and every template it uses.
    template_hashes: HashMap<String, u64>,
    /// The static files templates asked for with `asset()`.
    assets_asked: AssetsAsked,
}

type AssetsAsked = std::sync::Arc<std::sync::Mutex<std::collections::BTreeSet<String>>>;

impl Engine {
    /// Loads the theme's templates; template syntax errors are all reported.
    pub fn new(
        theme: &Theme,
        labels: &i18n::Labels,
        assets: std::collections::BTreeMap<String, String>,
    ) -> Result<Engine, Vec<Diagnostic>> {
        let layers = theme.layers("templates").map_err(|d| vec![d])?;
        let mut tera = tera::Tera::new();
        // Filters and functions first: Tera checks them when templates are added.
        let assets_asked = AssetsAsked::default();
        register(&mut tera, labels, assets, assets_asked.clone());
        let theme_prefix = format!("themes/{}/templates/", theme.name);
        let mut prefixes = vec![theme_prefix.clone()];
        if theme.name != "default" {
            prefixes.push("themes/default/templates/".into());
        }
        tera.set_fallback_prefixes(prefixes).map_err(|e| {
            vec![Diagnostic::error(Problem::Template {
                message: e.to_string(),
            })]
        })?;
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        let mut origins = HashMap::new();
        let mut sources = Vec::new();
        for (name, list) in &layers.files {
            for (layer, file) in list {
                let tera_name = match layer {
                    Layer::Site => name.clone(),
                    Layer::Theme => format!("{theme_prefix}{name}"),
                    Layer::Builtin => format!("themes/default/templates/{name}"),
                };
                let text = String::from_utf8_lossy(&file.bytes)
                    .trim_start_matches('\u{feff}')
                    .replace("\r\n", "\n");
                origins.insert(tera_name.clone(), (file.origin.clone(), text.clone()));
                sources.push((tera_name, text));
            }
        }
        let template_hashes = memo::template_hashes(&sources, &prefixes_of(&theme_prefix));
        let mut engine = Engine {
            tera,
            origins,
            template_hashes,
            assets_asked,
        };
        if let Err(e) = engine.tera.add_raw_templates(sources) {
            return Err(vec![engine.diagnostic(&e)]);
        }
        Ok(engine)
    }

    /// The hash of `template` and every template it uses.
    fn template_hash(&self, template: &str) -> u64 {
        self.template_hashes.get(template).copied().unwrap_or(0)
    }

    /// Renders `template` with `context`.
    pub fn render(&self, template: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        self.tera
            .render(template, context)
            .map_err(|e| self.diagnostic(&e))
    }

    /// A Tera error as a placed diagnostic naming the template file and line.
    fn diagnostic(&self, e: &tera::Error) -> Diagnostic {
        match e.kind() {
            tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
                let (origin, source) = self
                    .origins
                    .get(report.filename())
                    .cloned()
                    .unwrap_or_else(|| (report.filename().to_string(), String::new()));
                let span = report.span();
                let width = if span.start_line == span.end_line {
                    span.end_col.saturating_sub(span.start_col).max(1)
                } else {
                    1
                };
                let location = Location::at(
                    std::path::Path::new(&origin),
                    &source,
                    span.start_line,
                    span.start_col + 1,
                    width,
                );
                let help = if report.message().contains("is not defined")
                    || report.message().contains("not found in context")
                    || report.message().contains("undefined")
                {
                    Some("docs/templates.md lists the variables of each template; guard optional ones with `{% if x %}`".to_string())
                } else {
                    None
                };
                Diagnostic::error(Problem::Template {
                    message: report.message().to_string(),
                })
                .at(location)
                .maybe_help(help)
            }
            _ => {
                let mut message = e.to_string();
                let mut source = std::error::Error::source(e);
                while let Some(s) = source {
                    message.push_str(": ");
                    message.push_str(&s.to_string());
                    source = s.source();
                }
                Diagnostic::error(Problem::Template { message })
            }
        }
    }

    fn global(&mut self) -> &mut tera::Context {
        self.tera.global_context()
    }
}

/// The prefixes template names carry in front of their logical name.
fn prefixes_of(theme_prefix: &str) -> Vec<String> {
    vec![theme_prefix.to_string(), "themes/default/templates/".into()]
}

/// Our filters: labels in the site's language.
fn register(
    tera: &mut tera::Tera,
    labels: &i18n::Labels,
    assets: std::collections::BTreeMap<String, String>,
    asked: AssetsAsked,
) {
    tera.register_function(
        "asset",
        move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            let path = path.trim_start_matches('/');
            asked
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(path.to_string());
            assets.get(path).cloned().ok_or_else(|| {
                tera::Error::message(format!(
                    "no static file `{path}` in the theme's or the site's `static/`"
                ))
            })
        },
    );
    let labels = labels.clone();
    tera.register_filter(
        "plural",
        move |n: i64, kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            let key: &str = kwargs.must_get("key")?;
            labels
                .plural(key, n)
                .ok_or_else(|| tera::Error::message(format!("no label `{key}` in the label file")))
        },
    );
}

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
                    urls.in_language(l)
                };
                (l.clone(), at)
            })
            .collect()
    } else {
        vec![(config.language.clone(), urls.clone())]
    };
    let mut all_labels = Vec::new();
    for (lang, _) in &each {
        match i18n::Labels::load(theme, lang) {
            Ok((labels, warning)) => {
                diags.extend(warning);
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
    let languages = context::Languages::new(index, each);
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
    let mut memo = memo;
    let mut previous = memo.as_deref_mut().map(std::mem::take);
    // Pages depend on the asset URLs templates asked for, not on every
    // static file: adding an image re-renders nothing, moving a stylesheet
    // that templates use re-renders every page.
    if let Some(p) = previous.as_mut() {
        if p.assets_asked
            .iter()
            .any(|(path, url)| table.get(path) != url.as_ref())
        {
            p.pages.clear();
            p.assets_asked.clear();
        }
    }
    // Static files: the site's own win over generated files of the same
    // path (your own robots.txt); the theme's never replace them.
    let site_static = assets.paths_of(Layer::Site);
    let theme_static: std::collections::HashSet<String> = assets
        .paths_of(Layer::Theme)
        .into_iter()
        .chain(assets.paths_of(Layer::Builtin))
        .collect();
    let shadowed = std::sync::Mutex::new(std::collections::HashSet::new());
    let minify = options.minify;
    let generated = |mut f: OutputFile| {
        if site_static.contains(&f.path) {
            return;
        }
        if theme_static.contains(&f.path) {
            shadowed
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(f.path.clone());
        }
        if minify && f.path.ends_with(".html") {
            f.bytes = minify_html::minify(&f.bytes, &minify_config());
        }
        sink(f);
    };
    let mut next = memo.is_some().then(Memo::default);
    let mut asked = std::collections::BTreeSet::new();
    let mut sitemap = Vec::new();
    for (n, ((lang, lang_urls), labels)) in languages.each.iter().zip(&all_labels).enumerate() {
        let (view, origin) = views
            .get(n)
            .map_or((index, identity.as_slice()), |(ix, o)| (ix, o.as_slice()));
        let mut engine = match Engine::new(theme, labels, table.clone()) {
            Ok(e) => e,
            Err(errors) => {
                diags.extend(errors);
                return diags;
            }
        };
        let values = values::Values::build(view, lang_urls, labels, lang, &assets);
        {
            let global = engine.global();
            global.insert("site", &values.site);
            global.insert("t", &labels.to_json());
        }
        let global_hash = next.as_ref().map(|_| {
            let mut h = xxhash_rust::xxh3::Xxh3::new();
            memo::hash_json(&mut h, &labels.to_json());
            memo::hash_json(&mut h, &values.site);
            std::hash::Hasher::finish(&h)
        });
        let renderer = context::PageRenderer::new(
            view,
            &engine,
            &values,
            lang_urls,
            labels,
            (&languages, origin, lang),
            previous.as_ref().zip(global_hash),
        );
        let page_diags = renderer.render_all(&generated);
        diags.extend(page_diags.sorted());
        let failed = diags.has_errors();
        if !failed {
            feeds::feeds(view, &values, lang_urls, &renderer, lang, &generated);
            sitemap.extend(feeds::sitemap_entries(view, &values, lang_urls));
        }
        // The search index comes after the feeds, once the bodies they
        // showed are dropped with the renderer.
        let rendered = renderer.into_memo();
        if !failed {
            search::files(view, &values, lang_urls, &generated);
        }
        if let Some(next) = next.as_mut() {
            next.merge(rendered);
        }
        asked.extend(
            engine
                .assets_asked
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .cloned(),
        );
        if failed {
            // The other languages' pages would repeat the same errors.
            break;
        }
    }
    if let (Some(m), Some(mut next)) = (memo, next) {
        next.assets_asked = previous.map(|p| p.assets_asked).unwrap_or_default();
        next.assets_asked.extend(
            asked
                .iter()
                .map(|path: &String| (path.clone(), table.get(path).cloned())),
        );
        *m = next;
    }
    if diags.has_errors() {
        return diags;
    }
    for f in feeds::site_files(sitemap, &urls) {
        generated(f);
    }
    generated(OutputFile {
        path: ".nojekyll".into(),
        bytes: Vec::new(),
    });
    let shadowed = shadowed.into_inner().unwrap_or_else(|p| p.into_inner());
    for (file, layer) in assets.into_files() {
        if layer == Layer::Site || !shadowed.contains(&file.path) {
            sink(file);
        }
    }
    diags
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
        map.insert(
            urls.file_of(&urls.section(p.id.as_str())),
            p.file.path.clone(),
        );
    }
    // A digest's page is in its language's part of the site.
    let languages = &index.site.config.languages;
    for (i, n) in index.digests.iter().enumerate() {
        let d = &c.digests[n.entry];
        let lang = index.lang_of(DigestIx(i as u32));
        let url = if languages.len() > 1 && lang != languages[0] {
            urls.in_language(lang).item(&paths.digests, d.id.as_str())
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
