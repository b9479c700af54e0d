//! The value types of front matter: each checks its own rule while it is
//! parsed, so a bad value fails where the YAML library can still point at it.

use crate::yaml::HELP_SEPARATOR;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

/// An id as written in front matter or a reference: `[a-z0-9][a-z0-9-]*`.
/// The empty id (the default) is the placeholder of one that failed to read.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
        no_control_characters(v)?;
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

/// Non-empty plain text (required strings: empty, `~` and `null` count as
/// missing). Empty text (the default) is the placeholder of text that failed
/// to read.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// For required text read by a function ([`crate::input::reader::Fields::texts`]).
pub fn req_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Text::deserialize(d).map(|t| Some(t.0))
}

/// For optional text: empty counts as absent.
pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    scalar(d, "text", |s| Ok(s.filter(|s| !s.trim().is_empty())))
}

/// Checks a BCP 47 language tag as editors write them: a primary language
/// subtag of 2 or 3 letters (ISO 639), then subtags of 1 to 8 letters or
/// digits (`it`, `en-GB`, `sr-Latn`, `es-419`). The registry is not
/// consulted; the rule catches names (`italian`) and POSIX locales (`it_IT`).
pub fn check_lang(s: &str) -> Result<(), (String, String)> {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or_default();
    let valid = (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if valid {
        return Ok(());
    }
    let help = match lang_code_of(s) {
        Some(code) => format!("did you mean `{code}`?"),
        None if s.contains('_') && check_lang(&s.replace('_', "-")).is_ok() => {
            format!(
                "BCP 47 separates subtags with `-`: did you mean `{}`?",
                s.replace('_', "-")
            )
        }
        None => "use a BCP 47 language tag such as `it`, `en` or `pt-BR`".to_string(),
    };
    Err((format!("invalid language tag `{s}`"), help))
}

/// The code of a language written out by name, in English or in itself.
fn lang_code_of(name: &str) -> Option<&'static str> {
    const NAMES: &[(&str, &[&str])] = &[
        ("ar", &["arabic", "العربية"]),
        ("be", &["belarusian", "беларуская"]),
        ("cs", &["czech", "čeština", "cestina"]),
        ("da", &["danish", "dansk"]),
        ("de", &["german", "deutsch"]),
        ("el", &["greek", "ελληνικά"]),
        ("en", &["english", "inglese"]),
        ("es", &["spanish", "español", "espanol", "castellano"]),
        ("fa", &["persian", "farsi", "فارسی"]),
        ("fi", &["finnish", "suomi"]),
        ("fr", &["french", "français", "francais", "francese"]),
        ("he", &["hebrew", "עברית"]),
        ("hi", &["hindi", "हिन्दी"]),
        ("hu", &["hungarian", "magyar"]),
        ("it", &["italian", "italiano"]),
        ("ja", &["japanese", "日本語"]),
        ("ko", &["korean", "한국어"]),
        ("nl", &["dutch", "nederlands"]),
        ("no", &["norwegian", "norsk"]),
        ("pl", &["polish", "polski"]),
        ("pt", &["portuguese", "português", "portugues"]),
        ("ro", &["romanian", "română", "romana"]),
        ("ru", &["russian", "русский", "russo"]),
        ("sv", &["swedish", "svenska"]),
        ("tr", &["turkish", "türkçe", "turkce"]),
        ("uk", &["ukrainian", "українська", "ucraino"]),
        ("ur", &["urdu", "اردو"]),
        ("zh", &["chinese", "中文"]),
    ];
    let name = name.trim().to_lowercase();
    NAMES
        .iter()
        .find(|(_, names)| names.contains(&name.as_str()))
        .map(|(code, _)| *code)
}

/// For optional language tags (`lang`, `original_lang`, site `language`):
/// empty counts as absent; anything else must be a BCP 47 tag.
pub fn opt_lang<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    scalar(d, "a language tag", |s| {
        match s.filter(|s| !s.trim().is_empty()) {
            Some(s) => check_lang(s.trim()).map(|()| Some(s.trim().to_string())),
            None => Ok(None),
        }
    })
}

/// For an actor's `wikidata`: an item id (`Q7747`) or its URL
/// (`https://www.wikidata.org/wiki/Q7747`), kept as the id, which is what
/// templates and structured data build their links from.
pub fn opt_wikidata<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    scalar(d, "a Wikidata id", |s| {
        let Some(s) = s.filter(|s| !s.trim().is_empty()) else {
            return Ok(None);
        };
        wikidata_id(s.trim()).map(Some)
    })
}

fn is_item_id(s: &str) -> bool {
    s.strip_prefix('Q').is_some_and(|n| {
        !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit())
    })
}

fn wikidata_id(s: &str) -> Result<String, (String, String)> {
    if is_item_id(s) {
        return Ok(s.to_string());
    }
    if let Ok(u) = url::Url::parse(s) {
        let host = u.host_str().unwrap_or_default();
        let mut segments = u.path_segments().into_iter().flatten();
        if matches!(host, "www.wikidata.org" | "wikidata.org" | "m.wikidata.org")
            && matches!(u.scheme(), "http" | "https")
            && matches!(segments.next(), Some("wiki" | "entity"))
        {
            if let Some(id) = segments.next().filter(|id| is_item_id(id)) {
                if segments.all(str::is_empty) {
                    return Ok(id.to_string());
                }
            }
        }
        if host.ends_with("wikipedia.org") {
            return Err((
                format!("`{s}` is a Wikipedia page, not a Wikidata item"),
                "write the item's id (`Q7747`, shown on its Wikidata page), and put the Wikipedia page under `links: { wikipedia: … }`".into(),
            ));
        }
    }
    let upper = s.to_uppercase();
    let help = if is_item_id(&upper) {
        format!("Wikidata ids start with a capital `Q`: did you mean `{upper}`?")
    } else if s.bytes().all(|b| b.is_ascii_digit()) && is_item_id(&format!("Q{s}")) {
        format!("did you mean `Q{s}`?")
    } else {
        "write the item's id, such as `Q7747`, or its URL `https://www.wikidata.org/wiki/Q7747`"
            .into()
    };
    Err((format!("invalid Wikidata id `{s}`"), help))
}

/// A date as written: a calendar day, or a moment with an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateValue {
    /// `YYYY-MM-DD`: midnight in the site's time zone.
    Day(NaiveDate),
    /// An RFC 3339 date-time.
    Moment(DateTime<FixedOffset>),
}

/// As written: `2022-12-20`, or an RFC 3339 date-time.
impl fmt::Display for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            DateValue::Day(day) => write!(f, "{}", day.format("%Y-%m-%d")),
            DateValue::Moment(m) => f.write_str(&m.to_rfc3339()),
        }
    }
}

/// The placeholder of a date that failed to read: 1970-01-01.
impl Default for DateValue {
    fn default() -> Self {
        DateValue::Day(NaiveDate::default())
    }
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

/// An absolute `http` or `https` URL. The empty URL (the default) is the
/// placeholder of one that failed to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpUrl(pub String);

/// Checks that `s` is an absolute http(s) URL, as written: `http://` or
/// `https://`, then a host, and no space or control character anywhere
/// (the URL library would quietly repair `https:/host` and percent-encode
/// spaces, so what a reader's browser gets would not be what was written).
/// The one rule for URLs in front matter and `site.yaml`; the JSON Schemas
/// that `storia check` applies state it the same way.
pub fn check_http_url(s: &str) -> Result<(), (String, String)> {
    let whole = "write the whole address, starting with `https://`".to_string();
    if let Some(c) = s.chars().find(|c| c.is_whitespace() || c.is_control()) {
        let what = if c == ' ' {
            "a space".to_string()
        } else if c.is_whitespace() {
            "a line break or tab".to_string()
        } else {
            format!("the control character {}", char_name(c))
        };
        return Err((
            format!("`{}` contains {what}", s.escape_debug()),
            "write a space as `%20`, and remove any other invisible character".to_string(),
        ));
    }
    let scheme = s
        .split_once(':')
        .map(|(scheme, _)| scheme.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("http" | "https") => {}
        Some(other)
            if !other.is_empty()
                && other
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            return Err((
                format!("`{s}` is not an http(s) URL (its scheme is `{other}`)"),
                match crate::suggest::closest_to(other, ["https", "http"]) {
                    Some(meant) => format!(
                        "did you mean `{meant}://`? Links start with `https://` or `http://`"
                    ),
                    None => "links must start with `https://` or `http://`".to_string(),
                },
            ))
        }
        _ => return Err((format!("`{s}` is not an absolute URL"), whole)),
    }
    let after = &s[s.find(':').map_or(0, |i| i + 1)..];
    let host_follows = after
        .strip_prefix("//")
        .and_then(|rest| rest.chars().next())
        .is_some_and(|c| !"/?#".contains(c));
    if !host_follows {
        return Err((
            format!("`{s}` has no host after `//`"),
            "write `https://`, two slashes, then the host: `https://example.org/…`".to_string(),
        ));
    }
    match url::Url::parse(s) {
        Ok(u) if u.host().is_some() => Ok(()),
        _ => Err((format!("`{s}` is not a valid URL"), whole)),
    }
}

/// Checks a base URL (`base_url`, `--base-url`): an http(s) URL by
/// [`check_http_url`], without a query or a fragment (pages, feeds and
/// `robots.txt` are addressed under it).
pub fn check_base_url(s: &str) -> Result<(), (String, String)> {
    check_http_url(s)?;
    if s.contains(['?', '#']) {
        return Err((
            format!("`{s}` has a query or a fragment (`?`, `#`)"),
            "give the address the site is published at, such as `https://example.org/news/`"
                .to_string(),
        ));
    }
    Ok(())
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
/// The empty path (the default) is the placeholder of one that failed to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Image(pub String);

impl<'de> Deserialize<'de> for Image {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scalar(d, "an image path or `{src, alt, caption, credit}`", |s| {
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

/// Whether `c` is a character XML cannot carry (and HTML only as an
/// error): C0 controls other than tab, line feed and carriage return, and
/// the noncharacters U+FFFE and U+FFFF. A feed holding one is dropped
/// whole by feed readers.
pub fn is_forbidden_char(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}')
}

/// How a diagnostic names a forbidden character: `U+001B (escape, \e in YAML)`.
pub fn char_name(c: char) -> String {
    let word = match c {
        '\0' => " (null, `\\0` in YAML)",
        '\u{7}' => " (bell, `\\a` in YAML)",
        '\u{8}' => " (backspace, `\\b` in YAML)",
        '\u{b}' => " (vertical tab, `\\v` in YAML)",
        '\u{c}' => " (form feed, `\\f` in YAML)",
        '\u{1b}' => " (escape, `\\e` in YAML)",
        _ => "",
    };
    format!("U+{:04X}{word}", c as u32)
}

/// One step of the path to a value inside a free YAML value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueStep {
    /// A key of a mapping.
    Key(String),
    /// An item of a list.
    Index(usize),
}

/// Calls `found` with the path (below `value`) and the character of every
/// text in `value`, keys included, that holds a character no value may
/// hold: the check of typed fields, for what `extra:` keeps as written.
pub fn forbidden_in(
    value: &serde_yaml::Value,
    path: &mut Vec<ValueStep>,
    found: &mut dyn FnMut(&[ValueStep], char),
) {
    use serde_yaml::Value;
    match value {
        Value::String(text) => {
            if let Some(c) = text.chars().find(|&c| is_forbidden_char(c)) {
                found(path, c);
            }
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(ValueStep::Index(i));
                forbidden_in(item, path, found);
                path.pop();
            }
        }
        Value::Mapping(map) => {
            for (k, v) in map {
                let key = match k {
                    Value::String(s) => s.clone(),
                    other => serde_yaml::to_string(other)
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                };
                path.push(ValueStep::Key(key));
                forbidden_in(k, path, found);
                forbidden_in(v, path, found);
                path.pop();
            }
        }
        Value::Tagged(tagged) => forbidden_in(&tagged.value, path, found),
        _ => {}
    }
}

/// What to do about a control character in a value.
pub const CONTROL_HELP: &str = "remove it: feeds and pages cannot carry it (pasted text and YAML escapes such as `\\0` and `\\e` bring them in)";

/// Fails, while the value is visited (so the error carries its place),
/// when `v` holds a character feeds and pages cannot carry.
fn no_control_characters<E: de::Error>(v: &str) -> Result<(), E> {
    match v.chars().find(|&c| is_forbidden_char(c)) {
        Some(c) => Err(fail(
            format!("the value holds the control character {}", char_name(c)),
            CONTROL_HELP,
        )),
        None => Ok(()),
    }
}

/// A free map handed to templates as is.
pub type Extra = Option<serde_yaml::Value>;

/// Converts a YAML `extra:` map to JSON for templates (an empty map when absent).
pub fn extra_to_json(extra: Extra) -> serde_json::Value {
    extra
        .and_then(|v| serde_json::to_value(v).ok())
        .unwrap_or(serde_json::Value::Object(Default::default()))
}

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
    "pattern": "^\\s*[hH][tT][tT][pP][sS]?://[^/?#\\s]\\S*\\s*$"
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
        list: Vec<Id>,
    }

    #[test]
    fn ids_accept_numbers_that_yaml_reads_as_integers() {
        let p: Probe = yaml::parse("id: 2022\nlist: [2023]").unwrap();
        assert_eq!(p.id.unwrap().0, "2022");
        assert_eq!(p.list, vec![Id("2023".into())]);
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
    fn language_tags_are_bcp47_and_names_get_their_code() {
        for ok in ["it", "en-GB", "sr-Latn", "es-419", "zh-Hant-TW", "ast"] {
            assert_eq!(check_lang(ok), Ok(()), "{ok}");
        }
        let help = |s: &str| check_lang(s).unwrap_err().1;
        assert_eq!(help("italian"), "did you mean `it`?");
        assert_eq!(help("Deutsch"), "did you mean `de`?");
        assert!(help("it_IT").ends_with("did you mean `it-IT`?"));
        assert!(help("klingonese").contains("BCP 47"));
        for bad in ["", "i", "en-", "en--gb", "e1", "en-toolongsubtag"] {
            assert!(check_lang(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn wikidata_takes_an_item_id_or_its_url_and_keeps_the_id() {
        for (written, id) in [
            ("Q7747", "Q7747"),
            ("https://www.wikidata.org/wiki/Q7747", "Q7747"),
            ("http://wikidata.org/entity/Q42", "Q42"),
        ] {
            assert_eq!(wikidata_id(written).as_deref(), Ok(id), "{written}");
        }
        let help = |s: &str| wikidata_id(s).unwrap_err().1;
        assert_eq!(
            help("q7747"),
            "Wikidata ids start with a capital `Q`: did you mean `Q7747`?"
        );
        assert_eq!(help("7747"), "did you mean `Q7747`?");
        assert!(help("https://it.wikipedia.org/wiki/Putin").contains("links:"));
        for bad in [
            "Q",
            "Q07",
            "P31",
            "https://www.wikidata.org/wiki/Q1/x",
            "https://evil.org/wiki/Q1",
        ] {
            assert!(wikidata_id(bad).is_err(), "{bad}");
        }
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
