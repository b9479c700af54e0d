//! UI labels and dates in the site's language, from the theme's label files
//! (`themes/<theme>/i18n/<lang>.yaml`), overridden key by key by the site's
//! `i18n/<lang>.yaml`.

use crate::diagnostics::{Diagnostic, Problem};
use crate::theme::Theme;
use chrono::{DateTime, Datelike, FixedOffset};
use serde_yaml::Value;
use std::collections::BTreeMap;

/// The labels of one language.
#[derive(Debug, Clone)]
pub struct Labels {
    /// The language the labels are in (may differ from the site's when it
    /// fell back to English).
    pub language: String,
    entries: BTreeMap<String, Value>,
    months: Vec<String>,
}

impl Labels {
    /// Loads the labels for `language`, falling back from `pt-BR` to `pt`,
    /// then to English (with a warning).
    pub fn load(theme: &Theme, language: &str) -> Result<(Labels, Option<Diagnostic>), Diagnostic> {
        let layers = theme.layers("i18n")?;
        let primary = language
            .split('-')
            .next()
            .unwrap_or(language)
            .to_ascii_lowercase();
        let candidates = [format!("{language}.yaml"), format!("{primary}.yaml")];
        let (chosen, warning) = match candidates.iter().find(|c| layers.files.contains_key(*c)) {
            Some(c) => (c.clone(), None),
            None => (
                "en.yaml".to_string(),
                Some(
                    Diagnostic::warning(format!(
                        "the theme has no labels for language `{language}`: using English"
                    ))
                    .help(format!(
                        "add `i18n/{primary}.yaml` to the site with the theme's label keys"
                    )),
                ),
            ),
        };
        let mut entries = BTreeMap::new();
        if let Some(list) = layers.files.get(&chosen) {
            // Lowest layer first, so higher ones override key by key.
            for (_, file) in list.iter().rev() {
                let text = String::from_utf8_lossy(&file.bytes);
                let map: BTreeMap<String, Value> =
                    serde_yaml::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
                        Diagnostic::error(Problem::Config(format!(
                            "invalid label file `{}`: {e}",
                            file.origin
                        )))
                    })?;
                entries.extend(map);
            }
        }
        let months = entries
            .get("months")
            .and_then(Value::as_sequence)
            .map(|s| {
                s.iter()
                    .filter_map(|m| m.as_str().map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .filter(|m| m.len() == 12)
            .unwrap_or_else(|| {
                [
                    "January",
                    "February",
                    "March",
                    "April",
                    "May",
                    "June",
                    "July",
                    "August",
                    "September",
                    "October",
                    "November",
                    "December",
                ]
                .map(str::to_string)
                .to_vec()
            });
        let language = chosen.trim_end_matches(".yaml").to_string();
        Ok((
            Labels {
                language,
                entries,
                months,
            },
            warning,
        ))
    }

    /// The label `key`, or `fallback` when the label file lacks it.
    pub fn text(&self, key: &str, fallback: &str) -> String {
        self.entries
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or(fallback)
            .to_string()
    }

    /// A date as readers of the language write it: "20 dicembre 2022".
    pub fn date(&self, d: &DateTime<FixedOffset>) -> String {
        self.text("date_format", "{day} {month} {year}")
            .replace("{day}", &d.day().to_string())
            .replace("{month}", &self.months[d.month0() as usize])
            .replace("{year}", &d.year().to_string())
    }

    /// A month: "dicembre 2022".
    pub fn month(&self, d: &DateTime<FixedOffset>) -> String {
        self.text("month_format", "{month} {year}")
            .replace("{month}", &self.months[d.month0() as usize])
            .replace("{year}", &d.year().to_string())
    }

    /// "1 citazione", "5 citazioni": the `one`/`other` form of `key` for `n`.
    pub fn plural(&self, key: &str, n: i64) -> Option<String> {
        let entry = self.entries.get(key)?;
        let form = match entry {
            Value::Mapping(m) => {
                let category = plural_category(&self.language, n);
                m.get(category)
                    .or_else(|| m.get("other"))
                    .and_then(Value::as_str)?
            }
            Value::String(s) => s.as_str(),
            _ => return None,
        };
        Some(form.replace("{n}", &n.to_string()))
    }

    /// The labels as a template value (`t`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.entries).unwrap_or_default()
    }
}

/// CLDR plural category of `n` for the languages the default theme ships.
fn plural_category(language: &str, n: i64) -> &'static str {
    match language {
        "fr" if n == 0 || n == 1 => "one",
        "fr" => "other",
        "ru" | "uk" => {
            let (m10, m100) = (n % 10, n % 100);
            if m10 == 1 && m100 != 11 {
                "one"
            } else if (2..=4).contains(&m10) && !(12..=14).contains(&m100) {
                "few"
            } else {
                "many"
            }
        }
        _ if n == 1 => "one",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::plural_category;

    #[test]
    fn plural_categories_follow_cldr() {
        assert_eq!(plural_category("it", 1), "one");
        assert_eq!(plural_category("it", 0), "other");
        assert_eq!(plural_category("fr", 0), "one");
        assert_eq!(plural_category("ru", 22), "few");
        assert_eq!(plural_category("ru", 11), "many");
    }
}
