//! The theme's templates, loaded into Tera in layers (the site's, the
//! theme's, the built-in default), with our filters and functions, and
//! errors that name the template file and line.

use super::i18n;
use super::memo;
use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::theme::{Layer, Theme};
use std::collections::HashMap;

/// Tera with the layered templates loaded, and where each came from.
pub struct Templates {
    tera: tera::Tera,
    /// Tera name → (path to report, source text).
    origins: HashMap<String, (String, String)>,
    /// Template name → hash of it and every template it uses.
    template_hashes: HashMap<String, u64>,
    /// The static files templates asked for with `asset()`.
    assets_asked: AssetsAsked,
}

type AssetsAsked = std::sync::Arc<std::sync::Mutex<std::collections::BTreeSet<String>>>;

impl Templates {
    /// Loads the theme's templates; template syntax errors are all reported.
    pub fn new(
        theme: &Theme,
        labels: &i18n::Labels,
        assets: std::collections::BTreeMap<String, String>,
    ) -> Result<Templates, Vec<Diagnostic>> {
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
        let mut engine = Templates {
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
    pub fn template_hash(&self, template: &str) -> u64 {
        self.template_hashes.get(template).copied().unwrap_or(0)
    }

    /// Renders `template` with `context`, noting in `reads` that the output
    /// being made depends on the template.
    pub fn render(
        &self,
        template: &'static str,
        context: &tera::Context,
        reads: &super::reads::Reads,
    ) -> Result<String, Diagnostic> {
        reads.template(template);
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

    pub fn global(&mut self) -> &mut tera::Context {
        self.tera.global_context()
    }

    /// The static files templates asked for with `asset()` so far.
    pub fn assets_asked(&self) -> std::collections::BTreeSet<String> {
        self.assets_asked
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
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
