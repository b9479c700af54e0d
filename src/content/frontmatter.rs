//! The front matter of each content kind, exactly as the content format lists
//! it, and how each is read ([`Matter`]). Unknown keys are rejected;
//! `extra:` is the one free map.
//!
//! The `serde` attributes tell schemars (`storia schema`) which keys are
//! optional and that no others are accepted; each `read` applies the same
//! rules, key by key (a test holds the two together).

use crate::input::fields::{
    extra_schema, opt_lang, opt_text, opt_text_schema, opt_wikidata, req_text, DateValue, Extra,
    HttpUrl, Id, Image, OneOrMany, Text,
};
use crate::input::reader::{keys, Fields, Matter};
use crate::input::texts::{texts_list_schema, texts_schema, Texts};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A digest's front matter.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DigestMatter {
    /// Headline.
    pub title: Text,
    /// Publication date.
    pub date: DateValue,
    /// Last update.
    pub updated: Option<DateValue>,
    /// Story ids.
    #[serde(default)]
    pub story: OneOrMany<Id>,
    /// Summary; defaults to the body's first paragraph.
    #[serde(default)]
    #[schemars(schema_with = "opt_text_schema")]
    pub summary: Option<String>,
    /// Bylines.
    #[serde(default)]
    pub authors: OneOrMany<Text>,
    /// Actor ids the digest is about.
    #[serde(default)]
    pub actors: OneOrMany<Id>,
    /// Free words.
    #[serde(default)]
    pub tags: OneOrMany<Text>,
    /// Language, when not the site's.
    #[serde(default)]
    #[schemars(schema_with = "opt_text_schema")]
    pub lang: Option<String>,
    /// The same digest in other languages (digest ids).
    #[serde(default)]
    pub translations: OneOrMany<Id>,
    /// Drafts are built only with `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Lead image.
    pub image: Option<ImageMatter>,
    /// Citations.
    #[serde(default)]
    pub sources: Vec<CitationMatter>,
    /// Quotes.
    #[serde(default)]
    pub quotes: Vec<QuoteMatter>,
    /// Corrections made after publication.
    #[serde(default)]
    pub corrections: Vec<CorrectionMatter>,
    /// Free map for templates.
    #[serde(default)]
    #[schemars(schema_with = "extra_schema")]
    pub extra: Extra,
}

/// An image: its path written alone (`image: /images/minsk.jpg`), or a
/// mapping with what the page says about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageMatter {
    /// The file: a site path or an http(s) URL.
    pub src: Image,
    /// What the image shows, for readers who cannot see it.
    pub alt: Option<String>,
    /// A caption shown under it.
    pub caption: Option<String>,
    /// Who made it (`Foto: Reuters`), shown with the caption.
    pub credit: Option<String>,
}

impl ImageMatter {
    /// An image with only its path (`image: /images/x.jpg`).
    fn short(value: &serde_yaml::Value) -> Result<ImageMatter, serde_yaml::Error> {
        Ok(ImageMatter {
            src: Image::deserialize(value)?,
            ..Default::default()
        })
    }
}

impl JsonSchema for ImageMatter {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ImageMatter".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let src = generator.subschema_for::<Image>().to_value();
        let text = opt_text_schema(generator).to_value();
        schemars::json_schema!({
            "description": "An image path, or `{src, alt, caption, credit}`.",
            "anyOf": [
                src,
                {
                    "type": "object",
                    "properties": {
                        "src": src,
                        "alt": text,
                        "caption": text,
                        "credit": text
                    },
                    "required": ["src"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

/// A correction of a digest, made after publication.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionMatter {
    /// When it was corrected.
    pub date: DateValue,
    /// What was corrected, as readers are told.
    pub text: Text,
    /// What the digest said before, when worth quoting.
    #[serde(default)]
    #[schemars(schema_with = "opt_text_schema")]
    pub was: Option<String>,
}

impl Matter for CorrectionMatter {
    const WHAT: &'static str = "a correction";
    fn read(f: &mut Fields<'_, '_>) -> Self {
        CorrectionMatter {
            date: f.required("date"),
            text: f.required("text"),
            was: f.with("was", opt_text),
        }
    }
}

/// One citation of a digest.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CitationMatter {
    /// Unique within the digest.
    pub id: Id,
    /// The outlet: a source id.
    pub source: Option<Id>,
    /// The cited piece's title.
    #[serde(default)]
    #[schemars(schema_with = "opt_text_schema")]
    pub title: Option<String>,
    /// Where it is.
    pub url: HttpUrl,
    /// When it was published.
    pub published: Option<DateValue>,
    /// An archived copy.
    pub archived: Option<HttpUrl>,
}

/// One quote of a digest.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteMatter {
    /// Unique site-wide.
    pub id: Id,
    /// The speaker: an actor or source id.
    pub by: Id,
    /// The words, as published.
    pub text: Text,
    /// The original wording, when `text` is a translation.
    #[serde(default)]
    #[schemars(schema_with = "opt_text_schema")]
    pub original: Option<String>,
    /// The original's language.
    #[serde(default)]
    #[schemars(schema_with = "opt_text_schema")]
    pub original_lang: Option<String>,
    /// When it was said.
    pub said: Option<DateValue>,
    /// Where or how.
    #[serde(default)]
    #[schemars(schema_with = "opt_text_schema")]
    pub context: Option<String>,
    /// A citation id of the same digest.
    pub cite: Option<Id>,
}

/// Kinds of actor.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    /// A person (the default).
    #[default]
    Person,
    /// An organisation.
    Organization,
    /// A country.
    Country,
    /// A group.
    Group,
}

impl ActorKind {
    /// The word used in templates and structured data.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Person => "person",
            ActorKind::Organization => "organization",
            ActorKind::Country => "country",
            ActorKind::Group => "group",
        }
    }
}

/// An actor's front matter.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActorMatter {
    /// Display name.
    #[schemars(schema_with = "texts_schema")]
    pub name: Texts<String>,
    /// What it is.
    #[serde(default)]
    pub kind: ActorKind,
    /// Role or title.
    #[serde(default)]
    #[schemars(schema_with = "texts_schema")]
    pub role: Texts<String>,
    /// Other names.
    #[serde(default)]
    #[schemars(schema_with = "texts_list_schema")]
    pub aliases: Texts<OneOrMany<Text>>,
    /// Portrait or logo.
    pub image: Option<ImageMatter>,
    /// Wikidata item id (`Q7747`; a Wikidata URL is reduced to it), for structured data.
    #[serde(default)]
    #[schemars(schema_with = "opt_text_schema")]
    pub wikidata: Option<String>,
    /// Named links.
    #[serde(default)]
    pub links: BTreeMap<String, HttpUrl>,
    /// Free map for templates.
    #[serde(default)]
    #[schemars(schema_with = "extra_schema")]
    pub extra: Extra,
}

/// Kinds of source.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A newspaper.
    Newspaper,
    /// A news agency.
    Agency,
    /// A broadcaster.
    Broadcaster,
    /// A think tank.
    ThinkTank,
    /// A government body.
    Government,
    /// A social network account.
    Social,
    /// Anything else (the default).
    #[default]
    Other,
}

impl SourceKind {
    /// The word used in templates.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Newspaper => "newspaper",
            SourceKind::Agency => "agency",
            SourceKind::Broadcaster => "broadcaster",
            SourceKind::ThinkTank => "think-tank",
            SourceKind::Government => "government",
            SourceKind::Social => "social",
            SourceKind::Other => "other",
        }
    }
}

/// A source's front matter.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceMatter {
    /// Display name.
    #[schemars(schema_with = "texts_schema")]
    pub name: Texts<String>,
    /// What it is.
    #[serde(default)]
    pub kind: SourceKind,
    /// Its home page.
    pub url: Option<HttpUrl>,
    /// The language it publishes in.
    #[serde(default)]
    #[schemars(schema_with = "opt_text_schema")]
    pub lang: Option<String>,
    /// Logo.
    pub image: Option<ImageMatter>,
    /// Free map for templates.
    #[serde(default)]
    #[schemars(schema_with = "extra_schema")]
    pub extra: Extra,
}

/// A story's front matter.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StoryMatter {
    /// The story's name.
    #[schemars(schema_with = "texts_schema")]
    pub title: Texts<String>,
    /// One-line description.
    #[serde(default)]
    #[schemars(schema_with = "texts_schema")]
    pub summary: Texts<String>,
    /// When it began.
    pub started: Option<DateValue>,
    /// Lead image.
    pub image: Option<ImageMatter>,
    /// Free map for templates.
    #[serde(default)]
    #[schemars(schema_with = "extra_schema")]
    pub extra: Extra,
}

/// A plain page's front matter.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageMatter {
    /// The page's title.
    #[schemars(schema_with = "texts_schema")]
    pub title: Texts<String>,
    /// Description.
    #[serde(default)]
    #[schemars(schema_with = "texts_schema")]
    pub summary: Texts<String>,
    /// Drafts are built only with `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Free map for templates.
    #[serde(default)]
    #[schemars(schema_with = "extra_schema")]
    pub extra: Extra,
}

/// Front matter with text that may be written per language: which
/// languages each such field names (none when written once for all).
pub trait Localized {
    /// Each text field's key with the languages its map names.
    fn written_langs(&self) -> Vec<(&'static str, Vec<&str>)>;
    /// Takes the text fields of `<id>.<lang>.md` as the text in `lang`.
    fn set_texts(&mut self, lang: &str, from: &EditionMatter);
}

/// The optional front matter of `<id>.<lang>.md`: the text fields of an
/// actor, source, story or page in that language.
#[derive(Debug, Clone, Default)]
pub struct EditionMatter {
    /// An actor's or source's name.
    pub name: Option<String>,
    /// An actor's role.
    pub role: Option<String>,
    /// An actor's other names.
    pub aliases: OneOrMany<Text>,
    /// A story's or page's title.
    pub title: Option<String>,
    /// A story's or page's summary.
    pub summary: Option<String>,
}

impl EditionMatter {
    /// The keys the text of an entity of `kind` takes.
    pub fn keys_of(kind: crate::entity::EntityKind) -> &'static [&'static str] {
        use crate::entity::EntityKind;
        match kind {
            EntityKind::Actor => &["name", "role", "aliases"],
            EntityKind::Source => &["name"],
            _ => &["title", "summary"],
        }
    }

    /// The keys written that an entity of `kind` does not take.
    pub fn keys_outside(&self, kind: crate::entity::EntityKind) -> Vec<&'static str> {
        let written = [
            ("name", self.name.is_some()),
            ("role", self.role.is_some()),
            ("aliases", !self.aliases.0.is_empty()),
            ("title", self.title.is_some()),
            ("summary", self.summary.is_some()),
        ];
        written
            .into_iter()
            .filter(|(k, w)| *w && !Self::keys_of(kind).contains(k))
            .map(|(k, _)| k)
            .collect()
    }
}

impl Matter for EditionMatter {
    const WHAT: &'static str = "the text of an entity in another language";
    fn read(f: &mut Fields<'_, '_>) -> Self {
        EditionMatter {
            name: f.with("name", opt_text),
            role: f.with("role", opt_text),
            aliases: f.one_or_many("aliases"),
            title: f.with("title", opt_text),
            summary: f.with("summary", opt_text),
        }
    }
}

/// `value`, when written, as the text of `lang` in `texts`.
fn set_text(texts: &mut Texts<String>, lang: &str, value: &Option<String>) {
    if let Some(v) = value {
        texts.set(lang, v.clone());
    }
}

impl Localized for ActorMatter {
    fn written_langs(&self) -> Vec<(&'static str, Vec<&str>)> {
        vec![
            ("name", self.name.langs().collect()),
            ("role", self.role.langs().collect()),
            ("aliases", self.aliases.langs().collect()),
        ]
    }
    fn set_texts(&mut self, lang: &str, from: &EditionMatter) {
        set_text(&mut self.name, lang, &from.name);
        set_text(&mut self.role, lang, &from.role);
        if !from.aliases.0.is_empty() {
            self.aliases.set(lang, from.aliases.clone());
        }
    }
}

impl Localized for SourceMatter {
    fn written_langs(&self) -> Vec<(&'static str, Vec<&str>)> {
        vec![("name", self.name.langs().collect())]
    }
    fn set_texts(&mut self, lang: &str, from: &EditionMatter) {
        set_text(&mut self.name, lang, &from.name);
    }
}

/// Stories and pages translate the same two texts.
macro_rules! localized_title_and_summary {
    ($($matter:ty),*) => {$(
        impl Localized for $matter {
            fn written_langs(&self) -> Vec<(&'static str, Vec<&str>)> {
                vec![
                    ("title", self.title.langs().collect()),
                    ("summary", self.summary.langs().collect()),
                ]
            }
            fn set_texts(&mut self, lang: &str, from: &EditionMatter) {
                set_text(&mut self.title, lang, &from.title);
                set_text(&mut self.summary, lang, &from.summary);
            }
        }
    )*};
}
localized_title_and_summary!(StoryMatter, PageMatter);

impl Matter for DigestMatter {
    const WHAT: &'static str = "digest front matter";

    fn misplaced(key: &str) -> Option<String> {
        let quote = keys::<QuoteMatter>().contains(&key);
        let citation = keys::<CitationMatter>().contains(&key);
        let (list, item) = match (quote, citation) {
            (true, true) => ("quotes:` or `sources:", "each quote or citation"),
            (true, false) => ("quotes:", "each quote"),
            (false, true) => ("sources:", "each citation"),
            (false, false) => return None,
        };
        Some(format!(
            "`{key}` is a key of {item}: indent it under its item in `{list}`, in line with the item's other keys"
        ))
    }
    fn read(f: &mut Fields<'_, '_>) -> Self {
        DigestMatter {
            title: f.required("title"),
            date: f.required("date"),
            updated: f.optional("updated"),
            story: f.one_or_many("story"),
            summary: f.with("summary", opt_text),
            authors: f.one_or_many("authors"),
            actors: f.one_or_many("actors"),
            tags: f.one_or_many("tags"),
            lang: f.with("lang", opt_lang),
            translations: f.one_or_many("translations"),
            draft: f.or_default("draft"),
            image: f.short_or_mapping("image", ImageMatter::short),
            sources: f.list("sources"),
            quotes: f.list("quotes"),
            corrections: f.list("corrections"),
            extra: f.raw("extra"),
        }
    }
}

impl Matter for ImageMatter {
    const WHAT: &'static str = "an image";
    fn synonym(key: &str) -> Option<&'static str> {
        matches!(key, "source" | "url" | "path" | "file" | "href" | "image").then_some("src")
    }
    fn read(f: &mut Fields<'_, '_>) -> Self {
        ImageMatter {
            src: f.required("src"),
            alt: f.with("alt", opt_text),
            caption: f.with("caption", opt_text),
            credit: f.with("credit", opt_text),
        }
    }
}

impl Matter for CitationMatter {
    const WHAT: &'static str = "a citation";
    fn read(f: &mut Fields<'_, '_>) -> Self {
        CitationMatter {
            id: f.required("id"),
            source: f.optional("source"),
            title: f.with("title", opt_text),
            url: f.required("url"),
            published: f.optional("published"),
            archived: f.optional("archived"),
        }
    }
}

impl Matter for QuoteMatter {
    const WHAT: &'static str = "a quote";
    fn read(f: &mut Fields<'_, '_>) -> Self {
        QuoteMatter {
            id: f.required("id"),
            by: f.required("by"),
            text: f.required("text"),
            original: f.with("original", opt_text),
            original_lang: f.with("original_lang", opt_lang),
            said: f.optional("said"),
            context: f.with("context", opt_text),
            cite: f.optional("cite"),
        }
    }
}

impl Matter for ActorMatter {
    const WHAT: &'static str = "actor front matter";
    fn read(f: &mut Fields<'_, '_>) -> Self {
        ActorMatter {
            name: f.texts("name", true, req_text),
            kind: f.or_default("kind"),
            role: f.texts("role", false, opt_text),
            aliases: f.texts_many("aliases"),
            image: f.short_or_mapping("image", ImageMatter::short),
            wikidata: f.with("wikidata", opt_wikidata),
            links: f.map_of("links"),
            extra: f.raw("extra"),
        }
    }
}

impl Matter for SourceMatter {
    const WHAT: &'static str = "source front matter";
    fn read(f: &mut Fields<'_, '_>) -> Self {
        SourceMatter {
            name: f.texts("name", true, req_text),
            kind: f.or_default("kind"),
            url: f.optional("url"),
            lang: f.with("lang", opt_lang),
            image: f.short_or_mapping("image", ImageMatter::short),
            extra: f.raw("extra"),
        }
    }
}

impl Matter for StoryMatter {
    const WHAT: &'static str = "story front matter";
    fn read(f: &mut Fields<'_, '_>) -> Self {
        StoryMatter {
            title: f.texts("title", true, req_text),
            summary: f.texts("summary", false, opt_text),
            started: f.optional("started"),
            image: f.short_or_mapping("image", ImageMatter::short),
            extra: f.raw("extra"),
        }
    }
}

impl Matter for PageMatter {
    const WHAT: &'static str = "page front matter";
    fn read(f: &mut Fields<'_, '_>) -> Self {
        PageMatter {
            title: f.texts("title", true, req_text),
            summary: f.texts("summary", false, opt_text),
            draft: f.or_default("draft"),
            extra: f.raw("extra"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Problem;
    use crate::entity::EntityKind;
    use crate::input::reader::read;
    use crate::schema::SchemaKind;

    /// The keys `M` requires and accepts, as its reader finds them.
    fn keys_read<M: Matter>(accepted: &[String]) -> (Vec<String>, Vec<String>) {
        let (_, problems) = read::<M>(&serde_yaml::Value::Mapping(Default::default()));
        let required = problems
            .iter()
            .filter_map(|p| match &p.problem {
                Problem::MissingKey { key, .. } => Some(key.clone()),
                _ => None,
            })
            .collect();
        let every: serde_yaml::Mapping = accepted
            .iter()
            .map(|k| (k.as_str().into(), serde_yaml::Value::Null))
            .collect();
        let (_, problems) = read::<M>(&serde_yaml::Value::Mapping(every));
        let unknown = problems
            .iter()
            .filter_map(|p| match &p.problem {
                Problem::UnknownKey { key, .. } => Some(key.clone()),
                _ => None,
            })
            .collect();
        (required, unknown)
    }

    #[test]
    fn readers_and_schemas_agree_on_every_key() {
        fn check<M: Matter>(kind: EntityKind) {
            let schema = SchemaKind::FrontMatter(kind).schema();
            let names = |v: &serde_json::Value| -> Vec<String> {
                match v {
                    serde_json::Value::Array(a) => a
                        .iter()
                        .filter_map(|k| k.as_str().map(String::from))
                        .collect(),
                    serde_json::Value::Object(o) => o.keys().cloned().collect(),
                    _ => Vec::new(),
                }
            };
            let mut required = names(&schema["required"]);
            let properties = names(&schema["properties"]);
            let (mut read_required, unknown) = keys_read::<M>(&properties);
            required.sort();
            read_required.sort();
            assert_eq!(read_required, required, "{kind:?}: required keys");
            assert_eq!(unknown, Vec::<String>::new(), "{kind:?}: accepted keys");
            assert_eq!(schema["additionalProperties"], false, "{kind:?}");
        }
        check::<DigestMatter>(EntityKind::Digest);
        check::<ActorMatter>(EntityKind::Actor);
        check::<SourceMatter>(EntityKind::Source);
        check::<StoryMatter>(EntityKind::Story);
        check::<PageMatter>(EntityKind::Page);
        check::<QuoteMatter>(EntityKind::Quote);
        check::<CitationMatter>(EntityKind::Citation);
    }
}
