//! `menu:` in site.yaml: navigation entries the theme adds after its own
//! sections, each a plain page of the site (`chi-siamo`, or
//! `{page: chi-siamo, title: "About"}`) or a link (`{title, url}`, an
//! http(s) URL, a `mailto:` address or a site path such as `/network/`).
//!
//! Checked in two steps, each where its facts are known: the shape of every
//! entry when site.yaml is read (`config`), whether a page entry names a
//! published page when ids are resolved (`index`).

use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::input::fields::{check_http_url, opt_text, Id};
use crate::suggest::did_you_mean;
use serde::de::{self, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// One entry as written: a bare page id, or this map.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MenuEntry {
    /// A plain page's id.
    #[serde(default)]
    page: Option<Id>,
    /// An http(s) URL or a site path.
    #[serde(default, deserialize_with = "opt_text")]
    url: Option<String>,
    /// The text of the link; a page's own title by default.
    #[serde(default, deserialize_with = "opt_text")]
    title: Option<String>,
    /// Written as a bare id rather than a map.
    #[serde(skip)]
    bare: bool,
}

/// An entry of `menu:`, in either form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMenuEntry(MenuEntry);

/// A checked entry: where it leads and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuItem {
    /// A plain page, with its title unless one is given.
    Page {
        /// The page's id.
        id: String,
        /// The text, when not the page's title.
        title: Option<String>,
        /// Where the id is written in site.yaml.
        at: Location,
    },
    /// A link: an http(s) URL, or a site path (`/network/`) that gets the
    /// site's base path in front.
    Link {
        /// The text.
        title: String,
        /// The URL as written.
        url: String,
    },
}

impl<'de> Deserialize<'de> for RawMenuEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entry;
        impl<'de> Visitor<'de> for Entry {
            type Value = RawMenuEntry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a page id, or a map with `page` or `url`, and `title`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawMenuEntry, E> {
                // A bare word is a page id, checked as ids are.
                let page = Id::deserialize(v.into_deserializer())?;
                Ok(RawMenuEntry(MenuEntry {
                    page: Some(page),
                    bare: true,
                    ..MenuEntry::default()
                }))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawMenuEntry, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawMenuEntry, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawMenuEntry, A::Error> {
                MenuEntry::deserialize(de::value::MapAccessDeserializer::new(map)).map(RawMenuEntry)
            }
        }
        d.deserialize_any(Entry)
    }
}

impl schemars::JsonSchema for RawMenuEntry {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MenuEntry".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A navigation entry: a plain page's id, `{page, title}`, or `{title, url}` (an http(s) URL or a site path starting with `/`).",
            "anyOf": [
                { "type": "string", "pattern": crate::input::fields::ID_PATTERN },
                {
                    "type": "object",
                    "properties": {
                        "page": { "type": "string", "pattern": crate::input::fields::ID_PATTERN },
                        "url": { "type": "string" },
                        "title": { "type": "string" }
                    },
                    "additionalProperties": false,
                    "oneOf": [
                        { "required": ["page"], "not": { "required": ["url"] } },
                        { "required": ["url", "title"], "not": { "required": ["page"] } }
                    ]
                }
            ]
        })
    }
}

/// Checks the shape of every entry; `at(i, key)` places entry `i`'s `key`
/// (or the entry itself for `None`) in site.yaml.
pub fn check_entries(
    entries: Vec<RawMenuEntry>,
    at: impl Fn(usize, Option<&str>) -> Location,
    errors: &mut Vec<Diagnostic>,
) -> Vec<MenuItem> {
    let mut items = Vec::with_capacity(entries.len());
    for (i, RawMenuEntry(e)) in entries.into_iter().enumerate() {
        let problem = |message: String, key: Option<&str>, help: &str| {
            Diagnostic::error(Problem::Config(message))
                .at(at(i, key))
                .help(help.to_string())
        };
        match (e.page, e.url, e.title) {
            (Some(_), Some(_), _) => errors.push(problem(
                "a `menu` entry has both `page` and `url`".into(),
                Some("url"),
                "keep `page` for a page of the site, or `url` for any other address",
            )),
            (Some(id), None, title) => items.push(MenuItem::Page {
                id: id.0,
                title,
                at: at(i, (!e.bare).then_some("page")),
            }),
            (None, Some(url), title) => {
                if let Err((message, help)) = check_link(&url) {
                    errors.push(problem(message, Some("url"), &help));
                } else if let Some(title) = title {
                    items.push(MenuItem::Link { title, url });
                } else {
                    errors.push(problem(
                        format!("the `menu` entry for `{url}` has no `title`"),
                        None,
                        "give the link its text: `{title: \"Archive\", url: …}`",
                    ));
                }
            }
            (None, None, _) => errors.push(problem(
                "a `menu` entry needs `page` or `url`".into(),
                None,
                "write a page's id (`- chi-siamo`) or `{title: \"Archive\", url: https://…}`",
            )),
        }
    }
    items
}

/// A link's rule: an http(s) URL, a `mailto:` address, or a site path
/// starting with one `/`, without `..` segments.
fn check_link(url: &str) -> Result<(), (String, String)> {
    let help = || {
        "write an https:// URL, a `mailto:` address, or a site path such as `/network/`".to_string()
    };
    if url.split(['/', '\\']).any(|seg| seg == "..") {
        return Err((
            format!("the menu link `{url}` contains a `..` segment"),
            help(),
        ));
    }
    if url.starts_with('/') && !url.starts_with("//") {
        return Ok(());
    }
    if url.starts_with("mailto:") && url.contains('@') {
        return Ok(());
    }
    if url.contains("://") {
        return check_http_url(url).map_err(|(m, _)| (m, help()));
    }
    Err((format!("invalid menu link `{url}`"), help()))
}

/// Checks that every page entry names a page the build publishes.
pub fn check_pages(site: &crate::content::Site, drafts: bool) -> Vec<Diagnostic> {
    let config = &site.config;
    let pages = &site.content.pages;
    let mut errors = Vec::new();
    for item in &config.menu {
        let MenuItem::Page { id, at, .. } = item else {
            continue;
        };
        let at = || at.clone();
        match pages.iter().find(|p| p.id.as_str() == id) {
            Some(p) if p.matter.draft && !drafts => errors.push(
                Diagnostic::error(Problem::RefToDraft {
                    kind: "page",
                    id: id.clone(),
                })
                .at(at())
                .help("publish the page (remove `draft: true`), or take it out of `menu`"),
            ),
            Some(_) => {}
            None => {
                let help = did_you_mean(id, pages.iter().map(|p| p.id.as_str()))
                    .unwrap_or_else(|| {
                        format!(
                            "`menu` names plain pages (`content/pages/{id}.md`); for any other address write `{{title: …, url: /…/}}`"
                        )
                    });
                errors.push(
                    Diagnostic::error(Problem::UnknownRef {
                        kind: "page",
                        id: id.clone(),
                    })
                    .at(at())
                    .help(help),
                );
            }
        }
    }
    errors
}
