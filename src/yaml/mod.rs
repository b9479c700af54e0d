//! The one door to the YAML libraries: serde_yaml parses values (typed, or
//! as a tree for the front matter, which is read field by field), its errors
//! become placed diagnostics, and [`Spans`] knows where every node of a
//! document is when a later stage needs to point at it.

pub mod hints;
pub mod spans;

pub use spans::{Found, Pos, Spans};

use serde::de::DeserializeOwned;

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

/// Parses `text` as a tree of values, for reading field by field.
pub fn parse_value(text: &str) -> Result<serde_yaml::Value, YamlError> {
    parse(text)
}

/// The message and suggestion of an error met while reading a value out of
/// a tree (a field type's own rule, or a type mismatch), in plain words.
pub fn value_error(error: &serde_yaml::Error) -> (String, Option<String>) {
    let (message, help) = split(error);
    // `kind: persn`: serde lists the variants; name the one meant.
    let help = help.or_else(|| {
        let (wanted, variants) = message
            .strip_prefix("unknown variant `")?
            .split_once("`, expected one of ")?;
        let variants = variants.split(", ").map(|v| v.trim_matches('`'));
        crate::suggest::did_you_mean(wanted, variants)
    });
    (plain_words(&message), help)
}

/// An error's message, without places and paths, and its suggestion.
fn split(error: &serde_yaml::Error) -> (String, Option<String>) {
    let full = error.to_string();
    let (message, help) = match full.split_once(HELP_SEPARATOR) {
        Some((m, h)) => (m.to_string(), Some(strip_marks(h))),
        None => (full, None),
    };
    (strip_path(&strip_marks(&message)), help)
}

fn convert(error: &serde_yaml::Error, text: &str) -> YamlError {
    let (mut line, mut column) = error.location().map_or((0, 0), |l| (l.line(), l.column()));
    let (message, help) = split(error);
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
        if let Some((_, at)) = Spans::of(text).duplicate_key() {
            (line, column) = (at.line, at.column);
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
        let spans = Spans::of(text);
        match spans.duplicate_key() {
            Some((key, at)) => {
                (line, column) = (at.line, at.column);
                YamlErrorKind::Invalid(format!("duplicate key `{key}`"))
            }
            None => {
                YamlErrorKind::Invalid(message.replace("duplicate entry with key", "duplicate key"))
            }
        }
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
