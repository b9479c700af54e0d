//! Text in the site's languages: a value of `site.yaml` or of an entity's
//! front matter written either once for every language (`role: Presidente`)
//! or as a map from language to text (`role: {it: Presidente, en:
//! President}`). Each edition reads its own text through [`Texts::get`],
//! falling back to the site's first language, and learns which language
//! the text it got is in, so the page can say so (`lang="it"`).

/// A value in each language, or one for all. `T` is `String` for text,
/// a list for `aliases:`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Texts<T> {
    /// The values as written, in order: one with the empty language when
    /// written plainly (it is every language's), else one per language.
    each: Vec<(String, T)>,
}

impl<T> Default for Texts<T> {
    fn default() -> Self {
        Texts { each: Vec::new() }
    }
}

/// What an edition shows of a [`Texts`]: the value, and the language it is
/// in when that is not the edition's (a fallback); `None` for the
/// edition's own text and for text written once for every language.
#[derive(Debug, PartialEq, Eq)]
pub struct Shown<'a, T: ?Sized> {
    /// The value.
    pub value: &'a T,
    /// The language of a fallback.
    pub lang: Option<&'a str>,
}

impl<T: ?Sized> Clone for Shown<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized> Copy for Shown<'_, T> {}

impl<T> Texts<T> {
    /// One value for every language.
    pub fn one(value: T) -> Self {
        Texts {
            each: vec![(String::new(), value)],
        }
    }

    /// Values by language, in the order written.
    pub fn by_lang(each: Vec<(String, T)>) -> Self {
        Texts { each }
    }

    /// Sets the value of `lang` (from `<id>.<lang>.md`), replacing the one
    /// the map had.
    pub fn set(&mut self, lang: &str, value: T) {
        self.each.retain(|(l, _)| l != lang);
        self.each.push((lang.to_string(), value));
    }

    /// Whether nothing was written (an optional field left out, or a
    /// required one that failed to read).
    pub fn is_empty(&self) -> bool {
        self.each.is_empty()
    }

    /// The languages it is written in, with their positions in the map;
    /// none when written once for every language.
    pub fn langs(&self) -> impl Iterator<Item = &str> {
        self.each
            .iter()
            .map(|(l, _)| l.as_str())
            .filter(|l| !l.is_empty())
    }

    /// The value edition `lang` shows: its own, else the one written for
    /// every language, else the one of `first` (the site's language), else
    /// the first written.
    pub fn get(&self, lang: &str, first: &str) -> Option<Shown<'_, T>> {
        let find = |l: &str| self.each.iter().find(|(k, _)| k == l);
        if let Some((_, v)) = find(lang).or_else(|| find("")) {
            return Some(Shown {
                value: v,
                lang: None,
            });
        }
        let (l, v) = find(first).or_else(|| self.each.first())?;
        Some(Shown {
            value: v,
            lang: Some(l.as_str()),
        })
    }

    /// Each value with the language it is in (`default` for one written
    /// for every language), to be changed in place.
    pub fn each_mut<'a>(
        &'a mut self,
        default: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a mut T)> + 'a {
        self.each.iter_mut().map(move |(l, v)| {
            let l: &str = if l.is_empty() { default } else { l };
            (l, v)
        })
    }

    /// The value of a site of one language (whatever language it is in).
    pub fn plain(&self, lang: &str) -> Option<&T> {
        self.get(lang, lang).map(|s| s.value)
    }
}

impl Texts<String> {
    /// The text edition `lang` shows, as text.
    pub fn text(&self, lang: &str, first: &str) -> Option<Shown<'_, str>> {
        self.get(lang, first).map(|s| Shown {
            value: s.value.as_str(),
            lang: s.lang,
        })
    }
}

impl<'a> Shown<'a, str> {
    /// The text.
    pub fn as_str(&self) -> &'a str {
        self.value
    }
}

impl std::ops::Deref for Shown<'_, str> {
    type Target = str;
    fn deref(&self) -> &str {
        self.value
    }
}

impl std::fmt::Display for Shown<'_, str> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.value)
    }
}

impl serde::Serialize for Shown<'_, str> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.value)
    }
}

/// Text of the edition's own.
impl<'a> From<&'a str> for Shown<'a, str> {
    fn from(value: &'a str) -> Self {
        Shown { value, lang: None }
    }
}

impl Default for Shown<'_, str> {
    fn default() -> Self {
        Shown {
            value: "",
            lang: None,
        }
    }
}

/// Whole documents read by serde (the field-by-field reader,
/// [`crate::input::reader::Fields::texts`], is what builds use).
impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Texts<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Raw<T> {
            Each(std::collections::BTreeMap<String, T>),
            One(T),
        }
        Ok(match Raw::deserialize(d)? {
            Raw::Each(map) => Texts::by_lang(map.into_iter().collect()),
            Raw::One(v) => Texts::one(v),
        })
    }
}

/// The JSON schema of text in every language or per language.
pub fn texts_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let one = serde_json::json!({"type": ["string", "number", "boolean", "null"]});
    schemars::json_schema!({
        "anyOf": [one, {
            "type": "object",
            "additionalProperties": one,
            "description": "The text in each language of the site (`{de: …, en: …}`)."
        }]
    })
}

/// The JSON schema of a list of text in every language or per language.
pub fn texts_list_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let text = serde_json::json!({"type": ["string", "number", "boolean"]});
    let one =
        serde_json::json!({"anyOf": [text, {"type": "array", "items": text}, {"type": "null"}]});
    schemars::json_schema!({
        "anyOf": [one, {"type": "object", "additionalProperties": one}]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_edition_gets_its_text_or_the_first_languages_with_its_language() {
        let t = Texts::by_lang(vec![
            ("en".into(), "President".to_string()),
            ("de".into(), "Präsident".to_string()),
        ]);
        let de = t.text("de", "de").unwrap();
        assert_eq!((de.as_str(), de.lang), ("Präsident", None));
        let en = t.text("en", "de").unwrap();
        assert_eq!((en.as_str(), en.lang), ("President", None));
        let ar = t.text("ar", "de").unwrap();
        assert_eq!((ar.as_str(), ar.lang), ("Präsident", Some("de")));
        // Without the first language: the first written.
        let only = Texts::by_lang(vec![("en".into(), "x".to_string())]);
        assert_eq!(only.text("ar", "de").unwrap().lang, Some("en"));
        // Written once: every language's, never a fallback.
        let one = Texts::one("Putin".to_string());
        assert_eq!(one.text("ar", "de").unwrap().lang, None);
        assert!(Texts::<String>::default().text("de", "de").is_none());
    }
}
