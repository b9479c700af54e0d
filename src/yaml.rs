//! The one door to the YAML library: parse typed values, turn its errors into
//! placed diagnostics, and find where a value sits when a later stage needs to
//! point at it.
//!
//! serde_yaml keeps no spans for values that parsed fine, so [`locate`] walks
//! the text again with a seed that fails on purpose at the wanted path: the
//! library then reports the line and column of that node. Only the error
//! path pays for it.

use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess};
use std::fmt;

/// Separates a message from its suggestion inside a serde custom error, so
/// visitors (which can only return text) can still offer a `help:` line.
pub const HELP_SEPARATOR: char = '\u{1f}';

/// A YAML problem, placed in the parsed text (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// What went wrong, the library's wording tidied up.
    pub kind: YamlErrorKind,
    /// 1-based line in the parsed text, when known.
    pub line: usize,
    /// 1-based column in characters, when known.
    pub column: usize,
    /// A suggestion.
    pub help: Option<String>,
}

/// The shapes of YAML problems storia treats differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// The text is not YAML.
    Syntax(String),
    /// A key the type does not accept; `expected` lists those it does.
    UnknownKey {
        /// The key.
        key: String,
        /// The accepted keys.
        expected: Vec<String>,
    },
    /// A required key is absent.
    MissingKey(String),
    /// Any other mismatch between the YAML and the type.
    Invalid(String),
}

/// One step of a path into a YAML document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    /// A key of a mapping.
    Key(&'a str),
    /// An item of a sequence (index 0 also names a lone scalar, as
    /// "one or many" fields allow).
    Index(usize),
}

/// Parses `text` into `T`.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|e| convert(&e, text))
}

fn convert(error: &serde_yaml::Error, text: &str) -> YamlError {
    let (mut line, mut column) = error.location().map_or((0, 0), |l| (l.line(), l.column()));
    let full = error.to_string();
    let (message, help) = match full.split_once(HELP_SEPARATOR) {
        Some((m, h)) => (m.to_string(), Some(strip_marks(h))),
        None => (full.clone(), None),
    };
    let message = strip_path(&strip_marks(&message));
    let is_libyaml =
        !message.contains('`') && error.location().is_some() && looks_syntactic(&message);
    let kind = if let Some(rest) = message.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or_default().to_string();
        let expected = rest
            .split_once("expected")
            .map(|(_, list)| {
                list.split('`')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        YamlErrorKind::UnknownKey { key, expected }
    } else if let Some(rest) = message.strip_prefix("missing field `") {
        YamlErrorKind::MissingKey(rest.split('`').next().unwrap_or_default().to_string())
    } else if let Some(rest) = message.strip_prefix("duplicate field `") {
        let key = rest.split('`').next().unwrap_or_default();
        if let Some((l, c)) = locate_duplicate_key(text) {
            (line, column) = (l, c);
        }
        YamlErrorKind::Invalid(format!("duplicate key `{key}`"))
    } else if message.starts_with("invalid type:") && message.contains("expected struct") {
        YamlErrorKind::Invalid(format!(
            "the front matter must be a mapping of `key: value` lines, but it is {}",
            message
                .trim_start_matches("invalid type: ")
                .split(", expected")
                .next()
                .map(|kind| match kind {
                    "sequence" => "a list",
                    "map" => "a mapping",
                    "unit value" => "empty",
                    _ => "a single value",
                })
                .unwrap_or("something else")
        ))
    } else if message.contains("duplicate entry with key") {
        if let Some((l, c)) = locate_duplicate_key(text) {
            (line, column) = (l, c);
        }
        YamlErrorKind::Invalid(message.replace("duplicate entry with key", "duplicate key"))
    } else if is_libyaml {
        YamlErrorKind::Syntax(message)
    } else {
        YamlErrorKind::Invalid(plain_words(&message))
    };
    YamlError {
        kind,
        line,
        column,
        help,
    }
}

/// serde's type words, as an editor says them.
fn plain_words(message: &str) -> String {
    message
        .replace("expected a sequence", "expected a list")
        .replace("invalid type: sequence", "invalid type: a list")
        .replace("invalid type: map", "invalid type: a mapping")
        .replace("expected a boolean", "expected `true` or `false`")
        .replace("invalid type: string", "invalid type: text")
}

fn looks_syntactic(message: &str) -> bool {
    [
        "while scanning",
        "while parsing",
        "did not find expected",
        "found character",
        "mapping values are not allowed",
        "found unexpected",
        "could not find expected",
        "found undefined",
        "found a tab",
        "block sequence entries",
        "unknown anchor",
        "recursion limit",
        "repetition limit",
        "more than one document",
    ]
    .iter()
    .any(|p| message.contains(p))
}

/// Removes libyaml's ` at line N column M` marks: the place is reported separately.
fn strip_marks(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let skip = after
            .find(|c: char| !(c.is_ascii_digit() || c == ' ' || "column".contains(c)))
            .unwrap_or(after.len());
        rest = &after[skip..];
    }
    out.push_str(rest);
    out.trim().to_string()
}

/// Removes serde_yaml's `quotes[0].by: ` prefix: the caret shows the place.
fn strip_path(message: &str) -> String {
    if let Some((path, rest)) = message.split_once(": ") {
        let is_path = !path.is_empty()
            && path
                .chars()
                .all(|c| c.is_alphanumeric() || "_-.[]".contains(c))
            && (path.contains('.') || path.contains('[') || !rest.starts_with(char::is_uppercase));
        if is_path && !matches!(path, "invalid type" | "invalid value" | "invalid length") {
            return rest.to_string();
        }
    }
    message.to_string()
}

/// Where the node at `path` starts in `text` (1-based line and column), if it exists.
pub fn locate(text: &str, path: &[Seg<'_>]) -> Option<(usize, usize)> {
    let de = serde_yaml::Deserializer::from_str(text);
    match (Walk { path }).deserialize(de) {
        Err(e) if e.to_string().contains(FOUND) => e.location().map(|l| (l.line(), l.column())),
        _ => None,
    }
}

const FOUND: &str = "storia-locate-found";

struct Walk<'p> {
    path: &'p [Seg<'p>],
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Walk<'_> {
    fn at_scalar<E: de::Error>(&self) -> Result<(), E> {
        match self.path {
            [] | [Seg::Index(0)] => Err(E::custom(FOUND)),
            _ => Ok(()),
        }
    }
}

impl<'de> de::Visitor<'de> for Walk<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.at_scalar()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.at_scalar()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.at_scalar()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.at_scalar()
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.at_scalar()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.at_scalar()
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((Seg::Key(wanted), rest)) = self.path.split_first() else {
            return if self.path.is_empty() {
                Err(de::Error::custom(FOUND))
            } else {
                Ok(())
            };
        };
        while let Some(key) = map.next_key::<KeyText>()? {
            if key.0 == *wanted {
                if rest.is_empty() {
                    // Point at the value, not the key, unless the value is empty.
                    return map.next_value_seed(Walk { path: &[] });
                }
                map.next_value_seed(Walk { path: rest })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((Seg::Index(wanted), rest)) = self.path.split_first() else {
            return if self.path.is_empty() {
                Err(de::Error::custom(FOUND))
            } else {
                Ok(())
            };
        };
        let mut i = 0;
        loop {
            if i == *wanted {
                return seq.next_element_seed(Walk { path: rest }).map(|_| ());
            }
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }
}

/// Any scalar key, as text.
struct KeyText(String);

impl<'de> de::Deserialize<'de> for KeyText {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<KeyText, E> {
                Ok(KeyText(String::new()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Where the first repeated key of any mapping in `text` is.
fn locate_duplicate_key(text: &str) -> Option<(usize, usize)> {
    let de = serde_yaml::Deserializer::from_str(text);
    match DupWalk.deserialize(de) {
        Err(e) if e.to_string().contains(FOUND) => e.location().map(|l| (l.line(), l.column())),
        _ => None,
    }
}

struct DupWalk;

impl<'de> DeserializeSeed<'de> for DupWalk {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for DupWalk {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while map.next_key_seed(UniqueKey(&mut seen))?.is_some() {
            map.next_value_seed(DupWalk)?;
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(DupWalk)?.is_some() {}
        Ok(())
    }
}

/// A key seed that fails, while the key is being visited, on a key seen
/// before: only then does the library report the key's own line.
struct UniqueKey<'s>(&'s mut std::collections::HashSet<String>);

impl<'de> DeserializeSeed<'de> for UniqueKey<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl UniqueKey<'_> {
    fn check<E: de::Error>(self, key: String) -> Result<(), E> {
        if self.0.insert(key) {
            Ok(())
        } else {
            Err(E::custom(FOUND))
        }
    }
}

impl<'de> de::Visitor<'de> for UniqueKey<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.check(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.check(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.check(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.check(v.to_string())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.check(v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.check(String::new())
    }
}

/// How many characters the scalar starting at `column` (1-based) of `line` spans,
/// so a caret can underline all of it.
pub fn scalar_width(line: &str, column: usize) -> usize {
    let rest: String = line.chars().skip(column.saturating_sub(1)).collect();
    let mut chars = rest.chars();
    match chars.next() {
        Some(q @ ('"' | '\'')) => rest[1..]
            .find(q)
            .map_or(rest.chars().count(), |i| rest[..i + 2].chars().count()),
        Some(_) => {
            let end = rest
                .find([',', ']', '}'])
                .into_iter()
                .chain(rest.find(" #"))
                .chain(rest.find(": "))
                .min()
                .unwrap_or(rest.len());
            rest[..end].trim_end().chars().count().max(1)
        }
        None => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[test]
    fn locates_nested_values() {
        let text = "title: x\nquotes:\n  - id: a\n    by: putin\n  - id: b\n    by: lukaschenko\n";
        assert_eq!(
            locate(text, &[Seg::Key("quotes"), Seg::Index(1), Seg::Key("by")]),
            Some((6, 9))
        );
        assert_eq!(locate(text, &[Seg::Key("nope")]), None);
    }

    #[test]
    fn locates_items_of_flow_lists_and_lone_scalars() {
        let text = "actors: [putin, lukaschenko]\nstory: guerra\n";
        assert_eq!(
            locate(text, &[Seg::Key("actors"), Seg::Index(1)]),
            Some((1, 17))
        );
        assert_eq!(
            locate(text, &[Seg::Key("story"), Seg::Index(0)]),
            Some((2, 8))
        );
    }

    #[test]
    fn unknown_keys_list_what_is_accepted() {
        let e = parse::<T>("title: x\ntitel: y\n").unwrap_err();
        assert_eq!(
            e.kind,
            YamlErrorKind::UnknownKey {
                key: "titel".into(),
                expected: vec!["title".into(), "tags".into()]
            }
        );
        assert_eq!(e.line, 2);
    }

    #[test]
    fn duplicate_keys_point_at_the_second_key() {
        let e = parse::<T>("title: x\ntags: []\ntitle: y\n").unwrap_err();
        assert_eq!(
            e.kind,
            YamlErrorKind::Invalid("duplicate key `title`".into())
        );
        assert_eq!((e.line, e.column), (3, 1));
    }

    #[test]
    fn syntax_errors_keep_the_parser_position() {
        let e = parse::<T>("title: x\n\ttags: []\n").unwrap_err();
        assert!(matches!(e.kind, YamlErrorKind::Syntax(_)), "{e:?}");
        assert_eq!(e.line, 2);
    }

    #[test]
    fn scalar_width_stops_at_list_punctuation() {
        assert_eq!(scalar_width("actors: [putin, lukaschenko]", 17), 11);
        assert_eq!(scalar_width("by: \"a b\" # c", 5), 5);
        assert_eq!(scalar_width("by: lukaschenko  # x", 5), 11);
    }
}
