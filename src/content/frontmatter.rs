//! The front matter of each content kind, exactly as the content format lists
//! it. Unknown keys are rejected (`deny_unknown_fields`); `extra:` is the one
//! free map.

use crate::input::fields::{
    extra_schema, opt_lang, opt_text, opt_text_schema, opt_wikidata, DateValue, Extra, HttpUrl, Id,
    Image, OneOrMany, Text,
};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A digest's front matter.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
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
    #[serde(default, deserialize_with = "opt_text")]
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
    #[serde(default, deserialize_with = "opt_lang")]
    #[schemars(schema_with = "opt_text_schema")]
    pub lang: Option<String>,
    /// The same digest in other languages (digest ids).
    #[serde(default)]
    pub translations: OneOrMany<Id>,
    /// Drafts are built only with `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Lead image.
    pub image: Option<Image>,
    /// Citations.
    #[serde(default)]
    pub sources: Vec<CitationMatter>,
    /// Quotes.
    #[serde(default)]
    pub quotes: Vec<QuoteMatter>,
    /// Free map for templates.
    #[serde(default)]
    #[schemars(schema_with = "extra_schema")]
    pub extra: Extra,
}

/// One citation of a digest.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CitationMatter {
    /// Unique within the digest.
    pub id: Id,
    /// The outlet: a source id.
    pub source: Option<Id>,
    /// The cited piece's title.
    #[serde(default, deserialize_with = "opt_text")]
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteMatter {
    /// Unique site-wide.
    pub id: Id,
    /// The speaker: an actor or source id.
    pub by: Id,
    /// The words, as published.
    pub text: Text,
    /// The original wording, when `text` is a translation.
    #[serde(default, deserialize_with = "opt_text")]
    #[schemars(schema_with = "opt_text_schema")]
    pub original: Option<String>,
    /// The original's language.
    #[serde(default, deserialize_with = "opt_lang")]
    #[schemars(schema_with = "opt_text_schema")]
    pub original_lang: Option<String>,
    /// When it was said.
    pub said: Option<DateValue>,
    /// Where or how.
    #[serde(default, deserialize_with = "opt_text")]
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActorMatter {
    /// Display name.
    pub name: Text,
    /// What it is.
    #[serde(default)]
    pub kind: ActorKind,
    /// Role or title.
    #[serde(default, deserialize_with = "opt_text")]
    #[schemars(schema_with = "opt_text_schema")]
    pub role: Option<String>,
    /// Other names.
    #[serde(default)]
    pub aliases: OneOrMany<Text>,
    /// Portrait or logo.
    pub image: Option<Image>,
    /// Wikidata item id (`Q7747`; a Wikidata URL is reduced to it), for structured data.
    #[serde(default, deserialize_with = "opt_wikidata")]
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceMatter {
    /// Display name.
    pub name: Text,
    /// What it is.
    #[serde(default)]
    pub kind: SourceKind,
    /// Its home page.
    pub url: Option<HttpUrl>,
    /// The language it publishes in.
    #[serde(default, deserialize_with = "opt_lang")]
    #[schemars(schema_with = "opt_text_schema")]
    pub lang: Option<String>,
    /// Free map for templates.
    #[serde(default)]
    #[schemars(schema_with = "extra_schema")]
    pub extra: Extra,
}

/// A story's front matter.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StoryMatter {
    /// The story's name.
    pub title: Text,
    /// One-line description.
    #[serde(default, deserialize_with = "opt_text")]
    #[schemars(schema_with = "opt_text_schema")]
    pub summary: Option<String>,
    /// When it began.
    pub started: Option<DateValue>,
    /// Lead image.
    pub image: Option<Image>,
    /// Free map for templates.
    #[serde(default)]
    #[schemars(schema_with = "extra_schema")]
    pub extra: Extra,
}

/// A plain page's front matter.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageMatter {
    /// The page's title.
    pub title: Text,
    /// Description.
    #[serde(default, deserialize_with = "opt_text")]
    #[schemars(schema_with = "opt_text_schema")]
    pub summary: Option<String>,
    /// Drafts are built only with `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Free map for templates.
    #[serde(default)]
    #[schemars(schema_with = "extra_schema")]
    pub extra: Extra,
}
