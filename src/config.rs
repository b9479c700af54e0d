//! `site.yaml`: the site's configuration, checked and given defaults.

use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::input::fields::{
    check_base_url, check_lang, extra_to_json, opt_lang, opt_text, Extra, Id, Text,
};
use crate::input::reader::{Fields, Matter};
use crate::input::SourceFile;
use crate::suggest::did_you_mean;
use crate::yaml::Seg;
use schemars::JsonSchema;
use serde::Deserialize;
use std::path::Path;

/// `site.yaml`, as written: the schema `storia schema` ships is derived from it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    /// The site's title (required).
    title: Text,
    /// The address the site is published at; required to build unless `--base-url` is given.
    #[serde(default, deserialize_with = "opt_text")]
    #[schemars(schema_with = "crate::input::fields::opt_text_schema")]
    base_url: Option<String>,
    /// BCP 47 language tag (`it`, `en`, `pt-BR`); default `en`.
    #[serde(default, deserialize_with = "opt_lang")]
    #[schemars(schema_with = "crate::input::fields::opt_text_schema")]
    language: Option<String>,
    /// The languages of a multilingual site (`[it, en]`): the first is the
    /// site's `language`; each other one gets its pages under `/<lang>/`.
    #[serde(default)]
    languages: Option<Vec<Text>>,
    /// The site's description.
    #[serde(default, deserialize_with = "opt_text")]
    #[schemars(schema_with = "crate::input::fields::opt_text_schema")]
    description: Option<String>,
    /// A folder under `themes/`; default `default`.
    #[serde(default, deserialize_with = "opt_text")]
    #[schemars(schema_with = "crate::input::fields::opt_text_schema")]
    theme: Option<String>,
    /// The URL word of each section (`actors: attori`).
    #[serde(default)]
    paths: RawPaths,
    /// Digests per list page; default 20.
    #[schemars(range(min = 1))]
    per_page: Option<usize>,
    /// The syntect theme for fenced code; default `base16-ocean.dark`.
    #[serde(default, deserialize_with = "opt_text")]
    #[schemars(schema_with = "crate::input::fields::opt_text_schema")]
    highlight_theme: Option<String>,
    /// IANA time zone for dates without a time (`Europe/Rome`); default `UTC`.
    #[serde(default, deserialize_with = "opt_text")]
    #[schemars(schema_with = "crate::input::fields::opt_text_schema")]
    timezone: Option<String>,
    /// Sanitise raw HTML in Markdown bodies.
    #[serde(default)]
    safe_html: bool,
    /// What the Atom feeds carry.
    #[serde(default)]
    feeds: Feeds,
    /// Navigation entries after the theme's sections: plain pages' ids, or
    /// `{title, url}` links.
    #[serde(default)]
    menu: Vec<crate::menu::RawMenuEntry>,
    /// A free map handed to templates as is.
    #[serde(default)]
    #[schemars(schema_with = "crate::input::fields::extra_schema")]
    extra: Extra,
}

/// Section words; each an id.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawPaths {
    digests: Option<Id>,
    actors: Option<Id>,
    sources: Option<Id>,
    stories: Option<Id>,
    tags: Option<Id>,
    corrections: Option<Id>,
}

/// What feeds carry: `feeds: { content: full | summary, entity_content:
/// summary | full, entries: 20 }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Feeds {
    /// What the site's feed carries: whole bodies (the default), or only
    /// summaries.
    #[serde(default)]
    pub content: FeedContent,
    /// What each actor's and story's feed carries: summaries (the default:
    /// a digest is in the feed of every actor and story it names, so full
    /// bodies there would repeat each one several times over), or whole
    /// bodies.
    #[serde(default = "summary")]
    pub entity_content: FeedContent,
    /// How many entries (newest first) each feed carries.
    #[serde(default = "default_feed_entries")]
    #[schemars(range(min = 1))]
    pub entries: usize,
}

impl Default for Feeds {
    fn default() -> Self {
        Feeds {
            content: FeedContent::Full,
            entity_content: summary(),
            entries: default_feed_entries(),
        }
    }
}

fn summary() -> FeedContent {
    FeedContent::Summary
}

fn default_feed_entries() -> usize {
    20
}

/// Whether feed entries carry the whole digest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FeedContent {
    /// The rendered body (the default).
    #[default]
    Full,
    /// The summary only.
    Summary,
}

impl Matter for RawConfig {
    const WHAT: &'static str = "site.yaml";
    fn read(f: &mut Fields<'_, '_>) -> Self {
        RawConfig {
            title: f.required("title"),
            base_url: f.with("base_url", opt_text),
            language: f.with("language", opt_lang),
            languages: f.optional("languages"),
            description: f.with("description", opt_text),
            theme: f.with("theme", opt_text),
            paths: f.mapping("paths").unwrap_or_default(),
            per_page: f.optional("per_page"),
            highlight_theme: f.with("highlight_theme", opt_text),
            timezone: f.with("timezone", opt_text),
            safe_html: f.or_default("safe_html"),
            feeds: f.mapping("feeds").unwrap_or_default(),
            menu: f.or_default("menu"),
            extra: f.raw("extra"),
        }
    }
}

impl Matter for RawPaths {
    const WHAT: &'static str = "`paths:` of site.yaml";
    fn read(f: &mut Fields<'_, '_>) -> Self {
        RawPaths {
            digests: f.optional("digests"),
            actors: f.optional("actors"),
            sources: f.optional("sources"),
            stories: f.optional("stories"),
            tags: f.optional("tags"),
            corrections: f.optional("corrections"),
        }
    }
}

impl Matter for Feeds {
    const WHAT: &'static str = "`feeds:` of site.yaml";
    fn read(f: &mut Fields<'_, '_>) -> Self {
        Feeds {
            content: f.or_default("content"),
            entity_content: f.optional("entity_content").unwrap_or_else(summary),
            entries: f.optional("entries").unwrap_or_else(default_feed_entries),
        }
    }
}

/// The URL words of each section (`/attori/putin/` on an Italian site).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Digest pages and their list.
    pub digests: String,
    /// Actor pages.
    pub actors: String,
    /// Source pages.
    pub sources: String,
    /// Story pages.
    pub stories: String,
    /// Tag pages.
    pub tags: String,
    /// The corrections log.
    pub corrections: String,
}

impl Paths {
    /// Every section word, with the key it is configured under.
    pub fn all(&self) -> [(&'static str, &str); 6] {
        [
            ("digests", &self.digests),
            ("actors", &self.actors),
            ("sources", &self.sources),
            ("stories", &self.stories),
            ("tags", &self.tags),
            ("corrections", &self.corrections),
        ]
    }
}

/// The checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site's title.
    pub title: String,
    /// The absolute base URL, always ending in `/`; `None` only when serving.
    pub base_url: Option<String>,
    /// BCP 47 language tag.
    pub language: String,
    /// The declared `languages:`, first the site's `language`; empty when
    /// the site does not declare them (one language, nothing split).
    pub languages: Vec<String>,
    /// The site's description.
    pub description: Option<String>,
    /// The theme's folder name.
    pub theme: String,
    /// Section words.
    pub paths: Paths,
    /// Digests per list page.
    pub per_page: usize,
    /// The syntect theme for fenced code.
    pub highlight_theme: String,
    /// Time zone for dates without a time.
    pub timezone: chrono_tz::Tz,
    /// Sanitise raw HTML in Markdown bodies (editors are trusted by default).
    pub safe_html: bool,
    /// What feeds carry.
    pub feeds: Feeds,
    /// Navigation entries (`menu:`), in order.
    pub menu: Vec<crate::menu::MenuItem>,
    /// Free map for templates.
    pub extra: serde_json::Value,
    /// The file, kept to point at values found wrong later (unknown theme).
    pub file: SourceFile,
}

impl Config {
    /// Whether a plain page may not take `id`: a section word, a name the
    /// site itself uses at the top (`search`, `network`, …) or the folder
    /// of one of its languages.
    pub fn is_reserved_page_id(&self, id: &str) -> bool {
        self.paths.all().iter().any(|(_, w)| *w == id)
            || RESERVED_WORDS.contains(&id)
            || self.languages.iter().skip(1).any(|l| l == id)
    }

    /// Where a key's value sits in `site.yaml`.
    pub fn locate(&self, key: &str) -> Location {
        self.file.locate_yaml(&[Seg::Key(key)])
    }
}

/// Reads and checks `site.yaml` in `root`. `base_url_override` is `--base-url`.
pub fn load(root: &Path, base_url_override: Option<&str>) -> Result<Config, Vec<Diagnostic>> {
    let rel = Path::new("site.yaml");
    if let Err(e) = std::fs::read_dir(root) {
        // A root that cannot be read is an I/O failure (exit 3), not a missing site.
        return Err(vec![Diagnostic::error(Problem::Io {
            action: "read",
            path: crate::diagnostics::display_path(root),
            reason: e.to_string(),
        })
        .help("pass `--root` to point at the site's folder")]);
    }
    if !root.join(rel).is_file() {
        return Err(vec![Diagnostic::error(Problem::MissingSiteConfig {
            root: root.display().to_string(),
        })
        .help(
            "run `storia init DIR` to start a new site, or pass `--root` to point at one",
        )]);
    }
    let file = SourceFile::read(root, rel).map_err(|d| vec![d])?;
    let controls = file.control_characters();
    if !controls.is_empty() {
        return Err(controls);
    }
    // Read field by field: every bad value and unknown key of the file is
    // reported in one run, and the checks below still see the rest.
    let (raw, mut errors) = file.read_matter::<RawConfig>();
    let at = |key: &str| file.locate_yaml(&[Seg::Key(key)]);

    let base_url = match base_url_override.map(str::to_string).or(raw.base_url) {
        Some(url) => match check_base_url(&url) {
            Ok(()) => Some(if url.ends_with('/') {
                url
            } else {
                format!("{url}/")
            }),
            Err((message, help)) => {
                errors.push(if base_url_override.is_some() {
                    // A command-line mistake: a usage error.
                    Diagnostic::error(Problem::Usage(format!("invalid `--base-url`: {message}")))
                        .help(help)
                } else {
                    Diagnostic::error(Problem::Config(format!("invalid `base_url`: {message}")))
                        .help(help)
                        .at(at("base_url"))
                });
                None
            }
        },
        None => None,
    };

    let timezone = match raw.timezone.as_deref() {
        None => chrono_tz::UTC,
        Some(name) => match name.parse::<chrono_tz::Tz>() {
            Ok(tz) => tz,
            Err(_) => {
                errors.push(
                    Diagnostic::error(Problem::Config(format!("unknown time zone `{name}`")))
                        .at(at("timezone"))
                        .help(
                            did_you_mean(name, chrono_tz::TZ_VARIANTS.iter().map(|t| t.name()))
                                .unwrap_or_else(|| {
                                    "use an IANA name such as `Europe/Rome` or `UTC`".into()
                                }),
                        ),
                );
                chrono_tz::UTC
            }
        },
    };

    let per_page = match raw.per_page {
        Some(0) => {
            errors.push(
                Diagnostic::error(Problem::Config("`per_page` must be at least 1".into()))
                    .at(at("per_page"))
                    .help("the default is 20"),
            );
            20
        }
        Some(n) => n,
        None => 20,
    };

    if raw.feeds.entries == 0 {
        errors.push(
            Diagnostic::error(Problem::Config(
                "`feeds.entries` must be at least 1: feeds would be empty".into(),
            ))
            .at(file.locate_yaml(&[Seg::Key("feeds"), Seg::Key("entries")]))
            .help(format!("the default is {}", default_feed_entries())),
        );
    }

    let p = raw.paths;
    let paths = Paths {
        digests: p.digests.map_or("digests".into(), |i| i.0),
        actors: p.actors.map_or("actors".into(), |i| i.0),
        sources: p.sources.map_or("sources".into(), |i| i.0),
        stories: p.stories.map_or("stories".into(), |i| i.0),
        tags: p.tags.map_or("tags".into(), |i| i.0),
        corrections: p.corrections.map_or("corrections".into(), |i| i.0),
    };
    let all = paths.all();
    for (i, (key, word)) in all.iter().enumerate() {
        let clash = all[..i].iter().find(|(_, w)| w == word).map(|(k, _)| *k);
        if let Some(other) = clash {
            errors.push(
                Diagnostic::error(Problem::Config(format!(
                    "`paths.{key}` and `paths.{other}` are both `{word}`: each section needs its own word"
                )))
                .at(file.locate_yaml(&[Seg::Key("paths"), Seg::Key(key)])),
            );
        } else if RESERVED_WORDS.contains(word) {
            errors.push(
                Diagnostic::error(Problem::Config(format!(
                    "`paths.{key}` cannot be `{word}`: that name is used by the site itself"
                )))
                .at(file.locate_yaml(&[Seg::Key("paths"), Seg::Key(key)])),
            );
        }
    }

    let menu = crate::menu::check_entries(
        raw.menu,
        |i, key| {
            let mut path = vec![Seg::Key("menu"), Seg::Index(i)];
            path.extend(key.map(Seg::Key));
            file.locate_yaml(&path)
        },
        &mut errors,
    );

    let listed_empty = raw.languages.as_ref().is_some_and(Vec::is_empty);
    let declared: Vec<String> = raw
        .languages
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.0)
        .collect();
    let language_given = raw.language.is_some();
    let language = raw
        .language
        .or_else(|| declared.first().cloned())
        .unwrap_or_else(|| "en".into());
    let at_language = |i: usize| file.locate_yaml(&[Seg::Key("languages"), Seg::Index(i)]);
    if listed_empty {
        errors.push(
            Diagnostic::error(Problem::Config("`languages` is empty".into()))
                .at(at("languages"))
                .help("list the site's languages, its `language` first: `languages: [it, en]`"),
        );
    }
    for (i, lang) in declared.iter().enumerate() {
        // The same rule as `language` and every `lang` of the content.
        if let Err((message, help)) = check_lang(lang) {
            errors.push(
                Diagnostic::error(Problem::Config(format!("{message} in `languages`")))
                    .at(at_language(i))
                    .help(help),
            );
        } else if declared[..i].iter().any(|l| l.eq_ignore_ascii_case(lang)) {
            errors.push(
                Diagnostic::error(Problem::Config(format!(
                    "`{lang}` is listed twice in `languages`"
                )))
                .at(at_language(i))
                .help("list each language once"),
            );
        } else if i > 0 && paths.all().iter().any(|(_, w)| w == lang) {
            // The reserved words (`search`, `page`, …) are never language
            // tags, which start with two or three letters; section words can be.
            errors.push(
                Diagnostic::error(Problem::Config(format!(
                    "`{lang}` in `languages` would collide with `/{lang}/` of the site"
                )))
                .at(at_language(i))
                .help("a language's pages live under `/<lang>/`: give the section another word in `paths:`"),
            );
        } else if i == 0 && language_given && *lang != language {
            errors.push(
                Diagnostic::error(Problem::Config(format!(
                    "the first of `languages` is `{lang}`, but `language` is `{language}`"
                )))
                .at(at_language(i))
                .help(format!(
                    "put the site's language first: `languages: [{language}, …]`"
                )),
            );
        }
    }

    if let Some(extra) = &raw.extra {
        crate::input::fields::forbidden_in(extra, &mut Vec::new(), &mut |path, c| {
            let segs: Vec<Seg<'_>> = std::iter::once(Seg::Key("extra"))
                .chain(path.iter().map(|s| match s {
                    crate::input::fields::ValueStep::Key(k) => Seg::Key(k),
                    crate::input::fields::ValueStep::Index(i) => Seg::Index(*i),
                }))
                .collect();
            errors.push(
                Diagnostic::error(Problem::Config(format!(
                    "the value holds the control character {}",
                    crate::input::fields::char_name(c)
                )))
                .at(file.locate_yaml(&segs))
                .help(crate::input::fields::CONTROL_HELP),
            );
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Config {
        title: raw.title.0,
        base_url,
        language,
        languages: declared,
        description: raw.description,
        theme: raw.theme.unwrap_or_else(|| "default".into()),
        paths,
        per_page,
        highlight_theme: raw
            .highlight_theme
            .unwrap_or_else(|| "base16-ocean.dark".into()),
        timezone,
        safe_html: raw.safe_html,
        feeds: raw.feeds,
        menu,
        extra: extra_to_json(raw.extra),
        file,
    })
}

/// The URL word of the site-wide actor network page.
pub const NETWORK_WORD: &str = "network";

/// Top-level output names that neither sections nor pages may take.
pub const RESERVED_WORDS: &[&str] = &["search", NETWORK_WORD, "page", "static", "assets", "404"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::reader::keys;
    use crate::schema::SchemaKind;

    #[test]
    fn the_reader_and_the_schema_accept_the_same_keys() {
        let schema = SchemaKind::Site.schema();
        let names = |v: &serde_json::Value| -> Vec<String> {
            let mut names: Vec<String> = v
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            names.sort();
            names
        };
        let mut read: Vec<String> = keys::<RawConfig>().iter().map(|k| k.to_string()).collect();
        read.sort();
        assert_eq!(read, names(&schema["properties"]));
        let mut paths: Vec<String> = keys::<RawPaths>().iter().map(|k| k.to_string()).collect();
        paths.sort();
        let definitions = &schema["definitions"];
        assert_eq!(paths, names(&definitions["RawPaths"]["properties"]));
        let mut feeds: Vec<String> = keys::<Feeds>().iter().map(|k| k.to_string()).collect();
        feeds.sort();
        assert_eq!(feeds, names(&definitions["Feeds"]["properties"]));
    }
}
