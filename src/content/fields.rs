//! The value types of front matter: each checks its own rule while it is
//! parsed, so a bad value fails where the YAML library can still point at it.

use crate::yaml::HELP_SEPARATOR;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// An id as written in front matter or a reference: `[a-z0-9][a-z0-9-]*`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(pub String);

impl Id {
    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `s` is a valid id.
pub fn is_valid_id(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'0'..=b'9'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'))
}

/// The id an editor most likely meant by `s` (`Vladimir Putin` → `vladimir-putin`).
pub fn suggest_id(s: &str) -> String {
    crate::slug::slugify(s)
}

fn fail<E: de::Error>(message: impl fmt::Display, help: impl fmt::Display) -> E {
    E::custom(format!("{message}{HELP_SEPARATOR}{help}"))
}

/// A visitor that accepts any scalar as text (YAML reads `2022` as a
/// number, but an editor who wrote `story: 2022` meant the id `2022`) and
/// checks it *while visiting*: only errors raised there carry the value's
/// line and column.
struct Checked<F>(&'static str, F);

type Check<T> = Result<T, (String, String)>;

impl<T, F: FnOnce(Option<String>) -> Check<T>> Visitor<'_> for Checked<F> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.1)(Some(v.to_string())).map_err(|(m, h)| fail(m, h))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        (self.1)(None).map_err(|(m, h)| fail(m, h))
    }
    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        self.visit_unit()
    }
}

fn scalar<'de, D: Deserializer<'de>, T>(
    d: D,
    what: &'static str,
    check: impl FnOnce(Option<String>) -> Check<T>,
) -> Result<T, D::Error> {
    d.deserialize_any(Checked(what, check))
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scalar(d, "an id", |s| {
            let Some(s) = s else {
                return Err((
                    "an id is required here, but the value is empty".into(),
                    "write an id such as `putin`".into(),
                ));
            };
            if is_valid_id(&s) {
                return Ok(Id(s));
            }
            let slug = suggest_id(&s);
            Err((
                format!("invalid id `{s}`: ids use only `a-z`, `0-9` and `-`"),
                if slug.is_empty() {
                    "write an id such as `putin`".to_string()
                } else {
                    format!("did you mean `{slug}`?")
                },
            ))
        })
    }
}

/// Non-empty plain text (required strings: empty, `~` and `null` count as missing).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scalar(d, "text", |s| match s {
            Some(s) if !s.trim().is_empty() => Ok(Text(s)),
            _ => Err((
                "this value is required but empty".into(),
                "write the text, or remove the key if it is optional".into(),
            )),
        })
    }
}

/// For optional text: empty counts as absent.
pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    scalar(d, "text", |s| Ok(s.filter(|s| !s.trim().is_empty())))
}

/// A date as written: a calendar day, or a moment with an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateValue {
    /// `YYYY-MM-DD`: midnight in the site's time zone.
    Day(NaiveDate),
    /// An RFC 3339 date-time.
    Moment(DateTime<FixedOffset>),
}

impl DateValue {
    /// Parses `YYYY-MM-DD` or RFC 3339.
    pub fn parse(s: &str) -> Result<Self, (String, String)> {
        let s = s.trim();
        let help =
            "write `YYYY-MM-DD` or an RFC 3339 date-time such as `2022-12-20T09:30:00+01:00`";
        if s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-' {
            return NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(DateValue::Day)
                .map_err(|_| {
                    (
                        format!("`{s}` is not a real date"),
                        "check the day and the month".to_string(),
                    )
                });
        }
        DateTime::parse_from_rfc3339(s)
            .map(DateValue::Moment)
            .map_err(|_| (format!("invalid date `{s}`"), help.to_string()))
    }
}

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scalar(d, "a date", |s| match s {
            Some(s) if !s.trim().is_empty() => DateValue::parse(&s),
            _ => Err(("the date is empty".into(), "write `YYYY-MM-DD`".into())),
        })
    }
}

/// An absolute `http` or `https` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl(pub String);

/// Checks that `s` is an absolute http(s) URL.
pub fn check_http_url(s: &str) -> Result<(), (String, String)> {
    match url::Url::parse(s) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        Ok(u) => Err((
            format!(
                "`{s}` is not an http(s) URL (its scheme is `{}`)",
                u.scheme()
            ),
            "links must start with `https://` or `http://`".to_string(),
        )),
        Err(_) => Err((
            format!("`{s}` is not an absolute URL"),
            "write the whole address, starting with `https://`".to_string(),
        )),
    }
}

impl<'de> Deserialize<'de> for HttpUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scalar(d, "a URL", |s| {
            let s = s.unwrap_or_default().trim().to_string();
            if s.is_empty() {
                return Err((
                    "the URL is empty".into(),
                    "write the whole address, starting with `https://`".into(),
                ));
            }
            check_http_url(&s).map(|()| HttpUrl(s))
        })
    }
}

/// A lead image: a site path starting with `/`, or an http(s) URL; never `..`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image(pub String);

impl<'de> Deserialize<'de> for Image {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scalar(d, "an image path", |s| {
            let s = s.unwrap_or_default().trim().to_string();
            let help =
                || "write a site path such as `/images/minsk.jpg` or an https:// URL".to_string();
            if s.split(['/', '\\']).any(|seg| seg == "..") {
                return Err((format!("image `{s}` contains a `..` segment"), help()));
            }
            if s.starts_with('/') && !s.starts_with("//") {
                return Ok(Image(s));
            }
            if s.starts_with("http://") || s.starts_with("https://") {
                return check_http_url(&s).map(|()| Image(s));
            }
            Err((format!("invalid image `{s}`"), help()))
        })
    }
}

/// A field that takes a single value or a list (`actors`, `tags`, `authors`, `story`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value or a list of values")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(OneOrMany(items))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(OneOrMany(Vec::new()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                T::deserialize(de::value::StrDeserializer::new(v)).map(|t| OneOrMany(vec![t]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                self.visit_str(&v.to_string())
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A free map handed to templates as is.
pub type Extra = Option<serde_yaml::Value>;

/// The pattern every id matches, as the JSON Schemas state it.
pub const ID_PATTERN: &str = "^[a-z0-9][a-z0-9-]*$";

// The JSON Schemas (`storia schema`) state each value type's rule exactly as
// its `Deserialize` checks it, so editors and `storia check` agree with the
// build. Scalars YAML reads as numbers are accepted where text is, as above.
macro_rules! schema_of {
    ($ty:ty, $name:literal, $schema:tt) => {
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!($schema)
            }
        }
    };
}

schema_of!(Id, "Id", {
    "description": "An id: lower-case letters, digits and `-`, starting with a letter or digit.",
    "type": ["string", "integer"],
    "pattern": ID_PATTERN,
    "minimum": 0
});

schema_of!(Text, "Text", {
    "description": "Plain text, required and not empty.",
    "type": ["string", "number", "boolean"],
    "pattern": "\\S"
});

schema_of!(DateValue, "Date", {
    "description": "`YYYY-MM-DD`, or an RFC 3339 date-time such as `2022-12-20T09:30:00+01:00`.",
    "type": "string",
    "anyOf": [{ "format": "date" }, { "format": "date-time" }]
});

schema_of!(HttpUrl, "HttpUrl", {
    "description": "An absolute `http` or `https` URL.",
    "type": "string",
    "format": "uri",
    "pattern": "^\\s*[hH][tT][tT][pP][sS]?://[^/?#\\s]"
});

schema_of!(Image, "Image", {
    "description": "A site path starting with `/` (`/images/x.jpg`) or an http(s) URL; no `..` segment.",
    "type": "string",
    "pattern": "^\\s*(/([^/]|$)|[hH][tT][tT][pP][sS]?://[^/?#\\s])",
    "not": { "pattern": "(^|[/\\\\])\\.\\.([/\\\\]|$)" }
});

/// The schema of optional text (`summary`, `role`…): any scalar, empty allowed.
pub fn opt_text_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": ["string", "number", "boolean", "null"] })
}

/// The schema of `extra:`: anything.
pub fn extra_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "description": "A free map handed to templates as is." })
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for OneOrMany<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("OneOrMany_{}", T::schema_name()).into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        one_or_many(generator.subschema_for::<T>().to_value())
    }
}

/// A schema for "one value or a list of them" (or nothing) of `item`.
pub fn one_or_many(item: serde_json::Value) -> schemars::Schema {
    schemars::json_schema!({
        "anyOf": [item, { "type": "array", "items": item }, { "type": "null" }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)] // fields are parsed to check their rules, not read
    struct Probe {
        id: Option<Id>,
        date: Option<DateValue>,
        url: Option<HttpUrl>,
        #[serde(default)]
        list: OneOrMany<Id>,
    }

    #[test]
    fn ids_accept_numbers_that_yaml_reads_as_integers() {
        let p: Probe = yaml::parse("id: 2022\nlist: 2023").unwrap();
        assert_eq!(p.id.unwrap().0, "2022");
        assert_eq!(p.list.0, vec![Id("2023".into())]);
    }

    #[test]
    fn bad_ids_suggest_the_slug_and_point_at_the_value() {
        let e = yaml::parse::<Probe>("list: [putin, Lukashenko]").unwrap_err();
        assert_eq!((e.line, e.column), (1, 15));
        assert_eq!(e.help.as_deref(), Some("did you mean `lukashenko`?"));
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert!(yaml::parse::<Probe>("date: 2022-02-30").is_err());
        assert!(yaml::parse::<Probe>("date: 2022-12-21T09:30:00+01:00").is_ok());
        assert!(yaml::parse::<Probe>("date: 20-12-2022").is_err());
    }

    #[test]
    fn only_http_urls_pass() {
        assert!(yaml::parse::<Probe>("url: https://example.org/x").is_ok());
        let e = yaml::parse::<Probe>("url: javascript:alert(1)").unwrap_err();
        assert!(
            format!("{:?}", e.kind).contains("not an http(s) URL"),
            "{e:?}"
        );
    }
}
