//! `site.yaml`: the site's configuration, checked and given defaults.

use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::input::fields::{
    check_base_url, check_lang, extra_to_json, opt_lang, opt_text, req_text, Extra, Id, Text,
};
use crate::input::reader::{Fields, Matter};
use crate::input::texts::{Shown, Texts};
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
    /// The site's title (required), once or per language.
    #[schemars(schema_with = "crate::input::texts::texts_schema")]
    title: Texts<String>,
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
    /// The site's description (its tagline), once or per language.
    #[serde(default)]
    #[schemars(schema_with = "crate::input::texts::texts_schema")]
    description: Texts<String>,
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
    /// A multilingual site's tags that are one across languages: each tag
    /// (as the first language writes it) with its name in other languages
    /// (`krieg: {en: war, ar: حرب}`).
    #[serde(default)]
    tags: std::collections::BTreeMap<String, std::collections::BTreeMap<String, Text>>,
    /// A free map handed to templates as is.
    #[serde(default)]
    #[schemars(schema_with = "crate::input::fields::extra_schema")]
    extra: Extra,
}

/// Section words; each an id, once or per language (`{de: akteure, en: actors}`).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawPaths {
    #[serde(default)]
    #[schemars(schema_with = "crate::input::texts::texts_schema")]
    digests: Texts<String>,
    #[serde(default)]
    #[schemars(schema_with = "crate::input::texts::texts_schema")]
    actors: Texts<String>,
    #[serde(default)]
    #[schemars(schema_with = "crate::input::texts::texts_schema")]
    sources: Texts<String>,
    #[serde(default)]
    #[schemars(schema_with = "crate::input::texts::texts_schema")]
    stories: Texts<String>,
    #[serde(default)]
    #[schemars(schema_with = "crate::input::texts::texts_schema")]
    tags: Texts<String>,
    #[serde(default)]
    #[schemars(schema_with = "crate::input::texts::texts_schema")]
    corrections: Texts<String>,
}

/// A section word: an id.
fn id_word(v: &serde_yaml::Value) -> Result<Option<String>, serde_yaml::Error> {
    Id::deserialize(v).map(|id| Some(id.0))
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
            title: f.texts("title", true, req_text),
            base_url: f.with("base_url", opt_text),
            language: f.with("language", opt_lang),
            languages: f.optional("languages"),
            description: f.texts("description", false, opt_text),
            theme: f.with("theme", opt_text),
            paths: f.mapping("paths").unwrap_or_default(),
            per_page: f.optional("per_page"),
            highlight_theme: f.with("highlight_theme", opt_text),
            timezone: f.with("timezone", opt_text),
            safe_html: f.or_default("safe_html"),
            feeds: f.mapping("feeds").unwrap_or_default(),
            menu: f.or_default("menu"),
            tags: f.map_of("tags"),
            extra: f.raw("extra"),
        }
    }
}

impl Matter for RawPaths {
    const WHAT: &'static str = "`paths:` of site.yaml";
    fn read(f: &mut Fields<'_, '_>) -> Self {
        RawPaths {
            digests: f.texts("digests", false, id_word),
            actors: f.texts("actors", false, id_word),
            sources: f.texts("sources", false, id_word),
            stories: f.texts("stories", false, id_word),
            tags: f.texts("tags", false, id_word),
            corrections: f.texts("corrections", false, id_word),
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
    /// The site's title, once or per language ([`Config::title`]).
    pub titles: Texts<String>,
    /// The absolute base URL, always ending in `/`; `None` only when serving.
    pub base_url: Option<String>,
    /// BCP 47 language tag.
    pub language: String,
    /// The declared `languages:`, first the site's `language`; empty when
    /// the site does not declare them (one language, nothing split).
    pub languages: Vec<String>,
    /// The site's description, once or per language ([`Config::description`]).
    pub descriptions: Texts<String>,
    /// The theme's folder name.
    pub theme: String,
    /// Section words (of the first language; [`Config::paths_in`] for others).
    pub paths: Paths,
    /// Section words of each other language, where `paths:` gives them per
    /// language.
    pub paths_by_lang: Vec<(String, Paths)>,
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
    /// Tags that are one across languages (`tags:`): each group's slug in
    /// each language written, the first language's first.
    pub tag_groups: Vec<Vec<(String, String)>>,
    /// Free map for templates.
    pub extra: serde_json::Value,
    /// The file, kept to point at values found wrong later (unknown theme).
    pub file: SourceFile,
}

impl Config {
    /// The section words of edition `lang`.
    pub fn paths_in(&self, lang: &str) -> &Paths {
        self.paths_by_lang
            .iter()
            .find(|(l, _)| l == lang)
            .map_or(&self.paths, |(_, p)| p)
    }

    /// The site's title in edition `lang`.
    pub fn title(&self, lang: &str) -> Shown<'_, str> {
        self.titles.text(lang, &self.language).unwrap_or_default()
    }

    /// The site's description in edition `lang`.
    pub fn description(&self, lang: &str) -> Option<Shown<'_, str>> {
        self.descriptions.text(lang, &self.language)
    }

    /// The languages text may be written in: `languages:`, else the site's
    /// one language.
    pub fn text_languages(&self) -> Vec<&str> {
        if self.languages.is_empty() {
            vec![self.language.as_str()]
        } else {
            self.languages.iter().map(String::as_str).collect()
        }
    }

    /// Text of `file` written per language (each field's key, under
    /// `under`, with the languages its map names) in a language the site
    /// does not have: an error at the language's key.
    pub fn unlisted_text_languages(
        &self,
        file: &SourceFile,
        under: &[Seg<'_>],
        written: &[(&str, Vec<&str>)],
    ) -> Vec<Diagnostic> {
        unlisted_text_languages(&self.text_languages(), file, under, written)
    }

    /// Whether a plain page may not take `id`: a section word, a name the
    /// site itself uses at the top (`search`, `network`, …) or the folder
    /// of one of its languages.
    pub fn is_reserved_page_id(&self, id: &str) -> bool {
        std::iter::once(&self.paths)
            .chain(self.paths_by_lang.iter().map(|(_, p)| p))
            .any(|p| p.all().iter().any(|(_, w)| *w == id))
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

    // The languages are read below; the words of each are needed first.
    let declared_early: Vec<String> = raw
        .languages
        .iter()
        .flatten()
        .map(|t| t.0.clone())
        .collect();
    let first_lang = raw
        .language
        .clone()
        .or_else(|| declared_early.first().cloned())
        .unwrap_or_else(|| "en".into());
    let p = &raw.paths;
    let words_in = |lang: &str| {
        let word = |t: &Texts<String>, default: &str| {
            t.get(lang, &first_lang)
                .map_or(default.to_string(), |s| s.value.clone())
        };
        Paths {
            digests: word(&p.digests, "digests"),
            actors: word(&p.actors, "actors"),
            sources: word(&p.sources, "sources"),
            stories: word(&p.stories, "stories"),
            tags: word(&p.tags, "tags"),
            corrections: word(&p.corrections, "corrections"),
        }
    };
    let paths = words_in(&first_lang);
    let paths_by_lang: Vec<(String, Paths)> = declared_early
        .iter()
        .skip(1)
        .map(|l| (l.clone(), words_in(l)))
        .filter(|(_, p)| *p != paths)
        .collect();
    for (lang, words) in std::iter::once((None, &paths))
        .chain(paths_by_lang.iter().map(|(l, p)| (Some(l.as_str()), p)))
    {
        let all = words.all();
        // Whether `key` has a word written for this language itself.
        let specific = |key: &str| {
            let t = match key {
                "digests" => &p.digests,
                "actors" => &p.actors,
                "sources" => &p.sources,
                "stories" => &p.stories,
                _ => &p.tags,
            };
            lang.is_some_and(|l| t.langs().any(|x| x == l))
        };
        let at = |key: &str| match lang.filter(|_| specific(key)) {
            Some(l) => file.locate_yaml(&[Seg::Key("paths"), Seg::Key(key), Seg::Key(l)]),
            None => file.locate_yaml(&[Seg::Key("paths"), Seg::Key(key)]),
        };
        let of = lang.map(|l| format!(" in `{l}`")).unwrap_or_default();
        for (i, (key, word)) in all.iter().enumerate() {
            let clash = all[..i].iter().find(|(_, w)| w == word).map(|(k, _)| *k);
            if let Some(other) = clash {
                // At the word written for this language, of either key.
                let place = if !specific(key) && specific(other) {
                    at(other)
                } else {
                    at(key)
                };
                errors.push(
                    Diagnostic::error(Problem::Config(format!(
                        "`paths.{key}` and `paths.{other}` are both `{word}`{of}: each section needs its own word"
                    )))
                    .at(place),
                );
            } else if RESERVED_WORDS.contains(word) {
                errors.push(
                    Diagnostic::error(Problem::Config(format!(
                        "`paths.{key}` cannot be `{word}`: that name is used by the site itself"
                    )))
                    .at(at(key)),
                );
            }
        }
    }
    let path_langs: Vec<&str> = if declared_early.is_empty() {
        vec![first_lang.as_str()]
    } else {
        declared_early.iter().map(String::as_str).collect()
    };
    errors.extend(unlisted_text_languages(
        &path_langs,
        &file,
        &[Seg::Key("paths")],
        &[
            ("digests", p.digests.langs().collect()),
            ("actors", p.actors.langs().collect()),
            ("sources", p.sources.langs().collect()),
            ("stories", p.stories.langs().collect()),
            ("tags", p.tags.langs().collect()),
        ],
    ));

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
    let text_languages: Vec<&str> = if declared.is_empty() {
        vec![language.as_str()]
    } else {
        declared.iter().map(String::as_str).collect()
    };
    errors.extend(unlisted_text_languages(
        &text_languages,
        &file,
        &[],
        &[
            ("title", raw.title.langs().collect()),
            ("description", raw.description.langs().collect()),
        ],
    ));
    let unicode = declared.len() > 1;
    let mut tag_groups = Vec::new();
    for (tag, names) in &raw.tags {
        let langs: Vec<&str> = names.keys().map(String::as_str).collect();
        let under = [Seg::Key("tags")];
        errors.extend(unlisted_text_languages(
            &text_languages,
            &file,
            &under,
            &[(tag.as_str(), langs)],
        ));
        let mut group = vec![(language.clone(), crate::slug::tag_slug(tag, unicode))];
        group.extend(
            names
                .iter()
                .filter(|(l, _)| **l != language)
                .map(|(l, n)| (l.clone(), crate::slug::tag_slug(&n.0, unicode))),
        );
        tag_groups.push(group);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Config {
        titles: raw.title,
        base_url,
        language,
        languages: declared,
        descriptions: raw.description,
        theme: raw.theme.unwrap_or_else(|| "default".into()),
        paths,
        paths_by_lang,
        per_page,
        highlight_theme: raw
            .highlight_theme
            .unwrap_or_else(|| "base16-ocean.dark".into()),
        timezone,
        safe_html: raw.safe_html,
        feeds: raw.feeds,
        menu,
        tag_groups,
        extra: extra_to_json(raw.extra),
        file,
    })
}

/// [`Config::unlisted_text_languages`] against `languages`.
fn unlisted_text_languages(
    languages: &[&str],
    file: &SourceFile,
    under: &[Seg<'_>],
    written: &[(&str, Vec<&str>)],
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (key, langs) in written {
        for lang in langs {
            if languages.contains(lang) {
                continue;
            }
            let mut path = under.to_vec();
            path.push(Seg::Key(key));
            path.push(Seg::Key(lang));
            let help = did_you_mean(lang, languages.iter().copied()).unwrap_or_else(|| {
                format!(
                    "write `{key}` in the site's languages, or add `{lang}` to `languages:` in site.yaml"
                )
            });
            found.push(
                Diagnostic::error(Problem::TextLanguageNotListed {
                    key: key.to_string(),
                    lang: lang.to_string(),
                    languages: languages.join(", "),
                })
                .at(file.locate_key(&path))
                .help(help),
            );
        }
    }
    found
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
