//! UI labels and dates in the site's language, from the theme's label files
//! (`themes/<theme>/i18n/<lang>.yaml`), overridden key by key by the site's
//! `i18n/<lang>.yaml`.

use crate::diagnostics::{Diagnostic, Problem};
use crate::theme::Theme;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
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
    months_short: Vec<String>,
    /// Month names inside a date ("20 декабря"), where the language inflects them.
    months_genitive: Vec<String>,
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
                        "run `storia i18n export {primary}` to write `i18n/{primary}.yaml` with the theme's label keys, then translate it"
                    )),
                ),
            ),
        };
        // English first, so a label file (the site's own, for a language
        // the theme lacks) may leave keys out; then the language's layers,
        // lowest first, so higher ones override key by key.
        let mut entries = BTreeMap::new();
        // Keys the chosen language defines itself (not taken from English).
        let mut own = std::collections::HashSet::new();
        let mut files = vec!["en.yaml"];
        if chosen != "en.yaml" {
            files.push(&chosen);
        }
        for name in files {
            for (_, file) in layers.files.get(name).into_iter().flatten().rev() {
                let text = String::from_utf8_lossy(&file.bytes);
                let map: BTreeMap<String, Value> =
                    serde_yaml::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
                        Diagnostic::error(Problem::Config(format!(
                            "invalid label file `{}`: {e}",
                            file.origin
                        )))
                    })?;
                if name == chosen {
                    own.extend(map.keys().cloned());
                }
                entries.extend(map);
            }
        }
        let list = |key: &str| {
            entries
                .get(key)
                .and_then(Value::as_sequence)
                .map(|s| {
                    s.iter()
                        .filter_map(|m| m.as_str().map(str::to_string))
                        .collect::<Vec<_>>()
                })
                .filter(|m| m.len() == 12)
        };
        let months = list("months").unwrap_or_else(|| {
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
        // A language that names its months but not their short or genitive
        // forms gets its own months there, never English ones.
        let variant = |key: &str| {
            list(key)
                .filter(|_| own.contains(key) || !own.contains("months"))
                .unwrap_or_else(|| months.clone())
        };
        let months_short = variant("months_short");
        let months_genitive = variant("months_genitive");
        let language = chosen.trim_end_matches(".yaml").to_string();
        Ok((
            Labels {
                language,
                entries,
                months,
                months_short,
                months_genitive,
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
        self.day(d.date_naive())
    }

    /// A day as readers of the language write it: "20 dicembre 2022".
    pub fn day(&self, d: NaiveDate) -> String {
        self.text("date_format", "{day} {month} {year}")
            .replace("{day}", &d.day().to_string())
            .replace("{month}", &self.months_genitive[d.month0() as usize])
            .replace("{year}", &d.year().to_string())
    }

    /// A month: "dicembre 2022".
    pub fn month(&self, d: &DateTime<FixedOffset>) -> String {
        self.text("month_format", "{month} {year}")
            .replace("{month}", &self.months[d.month0() as usize])
            .replace("{year}", &d.year().to_string())
    }

    /// The writing direction of the site's language: `rtl` or `ltr`.
    pub fn dir(language: &str) -> &'static str {
        let primary = language.split('-').next().unwrap_or(language);
        if RTL.contains(&primary.to_ascii_lowercase().as_str()) {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// A language's name in the labels' language ("russo"), from
    /// `language_names`; the code itself when the file lacks it.
    pub fn language_name(&self, code: &str) -> String {
        let primary = code.split('-').next().unwrap_or(code).to_ascii_lowercase();
        self.entries
            .get("language_names")
            .and_then(|m| m.get(code).or_else(|| m.get(primary.as_str())))
            .and_then(Value::as_str)
            .unwrap_or(code)
            .to_string()
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

/// `storia i18n export LANG`: writes `i18n/LANG.yaml` in the site at
/// `root` with every label key of its theme, each with its text in the
/// site's first language, for a translator to start from. Never
/// overwrites a file. Returns the file written, relative to `root`.
pub fn export(root: &std::path::Path, lang: &str) -> Result<std::path::PathBuf, Vec<Diagnostic>> {
    if let Err((message, help)) = crate::input::fields::check_lang(lang) {
        return Err(vec![Diagnostic::error(Problem::Usage(message)).help(help)]);
    }
    let config = crate::config::load(root, None)?;
    let theme = Theme::find(root, &config.theme, &config).map_err(|d| vec![d])?;
    let (labels, _) = Labels::load(&theme, &config.language).map_err(|d| vec![d])?;
    let rel = std::path::Path::new("i18n").join(format!("{lang}.yaml"));
    let yaml = serde_yaml::to_string(&labels.entries).unwrap_or_default();
    let text = format!(
        "# The labels of the theme `{}` for `{lang}`, to translate: each value is\n\
         # the site's first language's ({}) for now. Keys left out fall back to\n\
         # English. Plural entries take the CLDR forms of the language (one,\n\
         # other; few, many…) with {{n}}; keep the {{placeholders}} as they are.\n{yaml}",
        config.theme, labels.language
    );
    let path = root.join(&rel);
    let written = std::fs::create_dir_all(root.join("i18n")).and_then(|()| {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
    });
    match written {
        Ok(()) => Ok(rel),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(vec![Diagnostic::error(Problem::AlreadyExists {
                path: crate::diagnostics::display_path(&rel),
            })
            .help(
                "translate that file, or move it away to export the theme's labels again",
            )])
        }
        Err(e) => Err(vec![Diagnostic::error(Problem::Io {
            action: "write",
            path: crate::diagnostics::display_path(&rel),
            reason: e.to_string(),
        })]),
    }
}

/// A language's name in itself ("English", "русский"), for language
/// switchers; the code when unknown.
pub fn endonym(code: &str) -> String {
    let primary = code.split('-').next().unwrap_or(code).to_ascii_lowercase();
    let name = match primary.as_str() {
        "it" => "Italiano",
        "en" => "English",
        "fr" => "Français",
        "de" => "Deutsch",
        "es" => "Español",
        "pt" => "Português",
        "uk" => "Українська",
        "ru" => "Русский",
        "be" => "Беларуская",
        "pl" => "Polski",
        "cs" => "Čeština",
        "nl" => "Nederlands",
        "ro" => "Română",
        "tr" => "Türkçe",
        "ar" => "العربية",
        "he" => "עברית",
        "fa" => "فارسی",
        "ur" => "اردو",
        "zh" => "中文",
        "ja" => "日本語",
        "ko" => "한국어",
        _ => return code.to_string(),
    };
    name.to_string()
}

/// Languages written right to left.
pub const RTL: &[&str] = &["ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"];

/// CLDR plural category of the integer `n` in `language` (CLDR 44 rules
/// for integers; languages not listed use `one` for 1 and `other` else).
fn plural_category(language: &str, n: i64) -> &'static str {
    let primary = language.split('-').next().unwrap_or(language);
    let n = n.unsigned_abs();
    let (m10, m100) = (n % 10, n % 100);
    match primary {
        "zh" | "ja" | "ko" | "vi" | "th" | "id" | "ms" | "lo" | "my" | "km" => "other",
        "fr" | "pt" | "fa" | "hi" | "bn" | "gu" | "kn" | "zu" | "am" if n <= 1 => "one",
        "fr" if n != 0 && n % 1_000_000 == 0 => "many",
        "fr" | "pt" | "fa" | "hi" | "bn" | "gu" | "kn" | "zu" | "am" => "other",
        "es" | "it" if n != 0 && n % 1_000_000 == 0 => "many",
        "ru" | "uk" | "be" => {
            if m10 == 1 && m100 != 11 {
                "one"
            } else if (2..=4).contains(&m10) && !(12..=14).contains(&m100) {
                "few"
            } else {
                "many"
            }
        }
        "pl" => {
            if n == 1 {
                "one"
            } else if (2..=4).contains(&m10) && !(12..=14).contains(&m100) {
                "few"
            } else {
                "many"
            }
        }
        "cs" | "sk" => match n {
            1 => "one",
            2..=4 => "few",
            _ => "other",
        },
        "ar" => match (n, m100) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        },
        "he" => match n {
            1 => "one",
            2 => "two",
            _ => "other",
        },
        _ if n == 1 => "one",
        _ => "other",
    }
}

impl super::charts::Locale for Labels {
    fn date(&self, d: NaiveDate) -> String {
        self.day(d)
    }
    fn date_short(&self, d: NaiveDate) -> String {
        self.text("date_short_format", "{day} {month} {year}")
            .replace("{day}", &d.day().to_string())
            .replace("{month}", &self.months_short[d.month0() as usize])
            .replace("{year}", &d.year().to_string())
    }
    fn period(&self, grain: super::charts::Grain, start: NaiveDate) -> String {
        use super::charts::Grain;
        match grain {
            Grain::Day => self.date_short(start),
            Grain::Week => self
                .text("week_format", "{date}")
                .replace("{date}", &self.date_short(start)),
            Grain::Month => self
                .text("month_format", "{month} {year}")
                .replace("{month}", &self.months_short[start.month0() as usize])
                .replace("{year}", &start.year().to_string()),
            Grain::Quarter => self
                .text("quarter_format", "Q{quarter} {year}")
                .replace("{quarter}", &(start.month0() / 3 + 1).to_string())
                .replace("{year}", &start.year().to_string()),
            Grain::Year => start.year().to_string(),
        }
    }
    fn count(&self, key: &str, n: usize) -> String {
        self.plural(key, n as i64).unwrap_or_else(|| n.to_string())
    }
    fn text(&self, key: &str) -> String {
        Labels::text(self, key, key)
    }
    fn quote(&self, text: &str) -> String {
        crate::typography::Marks::of(&self.language).quote(text)
    }
}

#[cfg(test)]
mod tests {
    use super::{plural_category, Labels};
    use crate::render::charts::{Grain, Locale};
    use chrono::NaiveDate;

    fn labels(lang: &str) -> Labels {
        let theme = crate::theme::Theme::default_at(std::path::Path::new("/nonexistent"));
        let (labels, warning) = Labels::load(&theme, lang).unwrap();
        assert!(warning.is_none(), "{lang}: no label file");
        labels
    }

    #[test]
    fn plural_categories_follow_cldr() {
        assert_eq!(plural_category("it", 1), "one");
        assert_eq!(plural_category("it", 0), "other");
        assert_eq!(plural_category("fr", 0), "one");
        assert_eq!(plural_category("ru", 22), "few");
        assert_eq!(plural_category("ru", 11), "many");
        assert_eq!(plural_category("uk", 101), "one");
        assert_eq!(plural_category("pl", 22), "few");
        assert_eq!(plural_category("pl", 21), "many");
        assert_eq!(plural_category("ar", 0), "zero");
        assert_eq!(plural_category("ar", 2), "two");
        assert_eq!(plural_category("ar", 103), "few");
        assert_eq!(plural_category("ar", 111), "many");
        assert_eq!(plural_category("he", 2), "two");
        assert_eq!(plural_category("ja", 1), "other");
        assert_eq!(plural_category("pt-BR", 0), "one");
    }

    #[test]
    fn every_shipped_language_counts_quotes_in_its_own_words() {
        let cases: &[(&str, [&str; 5])] = &[
            (
                "it",
                [
                    "0 citazioni",
                    "1 citazione",
                    "2 citazioni",
                    "5 citazioni",
                    "21 citazioni",
                ],
            ),
            (
                "en",
                ["0 quotes", "1 quote", "2 quotes", "5 quotes", "21 quotes"],
            ),
            (
                "fr",
                [
                    "0 citation",
                    "1 citation",
                    "2 citations",
                    "5 citations",
                    "21 citations",
                ],
            ),
            (
                "de",
                ["0 Zitate", "1 Zitat", "2 Zitate", "5 Zitate", "21 Zitate"],
            ),
            (
                "es",
                ["0 citas", "1 cita", "2 citas", "5 citas", "21 citas"],
            ),
            (
                "uk",
                ["0 цитат", "1 цитата", "2 цитати", "5 цитат", "21 цитата"],
            ),
            (
                "ru",
                ["0 цитат", "1 цитата", "2 цитаты", "5 цитат", "21 цитата"],
            ),
        ];
        for (lang, want) in cases {
            let l = labels(lang);
            let got: Vec<String> = [0, 1, 2, 5, 21]
                .iter()
                .map(|n| l.plural("quote_count", *n).unwrap())
                .collect();
            assert_eq!(&got, want, "{lang}");
        }
    }

    #[test]
    fn dates_are_written_as_each_language_writes_them() {
        let d = NaiveDate::from_ymd_opt(2022, 12, 20).unwrap();
        let cases = [
            ("it", "20 dicembre 2022", "20 dic 2022", "dic 2022"),
            ("en", "20 December 2022", "20 Dec 2022", "Dec 2022"),
            ("fr", "20 décembre 2022", "20 déc. 2022", "déc. 2022"),
            ("de", "20. Dezember 2022", "20. Dez. 2022", "Dez. 2022"),
            (
                "es",
                "20 de diciembre de 2022",
                "20 dic. 2022",
                "dic. de 2022",
            ),
            ("uk", "20 грудня 2022 р.", "20 груд. 2022", "груд. 2022"),
            ("ru", "20 декабря 2022 г.", "20 дек. 2022", "дек. 2022"),
        ];
        for (lang, long, short, month) in cases {
            let l = labels(lang);
            assert_eq!(l.day(d), long, "{lang}");
            assert_eq!(Locale::date_short(&l, d), short, "{lang}");
            assert_eq!(l.period(Grain::Month, d), month, "{lang}");
        }
        // Month headings use the nominative where the language inflects.
        let ru = labels("ru");
        let dt = d.and_hms_opt(0, 0, 0).unwrap().and_utc().fixed_offset();
        assert_eq!(ru.month(&dt), "декабрь 2022");
    }

    #[test]
    fn right_to_left_languages_get_rtl() {
        for lang in ["ar", "he", "fa", "ur", "ar-EG", "HE"] {
            assert_eq!(Labels::dir(lang), "rtl", "{lang}");
        }
        for lang in ["it", "en", "ru", "uk", "fr-CA"] {
            assert_eq!(Labels::dir(lang), "ltr", "{lang}");
        }
    }

    #[test]
    fn a_site_overrides_labels_key_by_key_and_may_add_a_language() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("i18n")).unwrap();
        std::fs::write(
            root.path().join("i18n/it.yaml"),
            "quotes: \"Dichiarazioni\"\n",
        )
        .unwrap();
        std::fs::write(root.path().join("i18n/fa.yaml"), "quotes: \"نقل‌قول‌ها\"\n").unwrap();
        let theme = crate::theme::Theme::default_at(root.path());
        let (it, _) = Labels::load(&theme, "it").unwrap();
        assert_eq!(it.text("quotes", ""), "Dichiarazioni");
        assert_eq!(it.text("sources", ""), "Fonti");
        // A language the theme lacks: the site's keys, English for the rest.
        let (fa, warning) = Labels::load(&theme, "fa").unwrap();
        assert!(warning.is_none());
        assert_eq!(fa.text("quotes", ""), "نقل‌قول‌ها");
        assert_eq!(fa.text("sources", ""), "Sources");
        assert_eq!(it.language_name("ru"), "russo");
    }

    #[test]
    fn a_site_language_with_only_its_months_never_gets_english_short_months() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("i18n")).unwrap();
        let months = "[janeiro, fevereiro, março, abril, maio, junho, julho, agosto, setembro, outubro, novembro, dezembro]";
        std::fs::write(
            root.path().join("i18n/pt.yaml"),
            format!("months: {months}\n"),
        )
        .unwrap();
        let theme = crate::theme::Theme::default_at(root.path());
        let (pt, _) = Labels::load(&theme, "pt").unwrap();
        assert_eq!(pt.months_short[0], "janeiro");
        assert_eq!(pt.months_genitive[1], "fevereiro");
        // English, and a theme language with its own short forms, keep theirs.
        let (en, _) = Labels::load(&theme, "en").unwrap();
        assert_ne!(en.months_short[0], en.months[0]);
    }
}
