//! Slugs for URLs: tags, suggested ids, heading anchors.

/// Lower-cases, folds accents, transliterates other scripts to ASCII (as
/// `deunicode` does) and turns every run of other characters into one `-`:
/// `Unione Europea` → `unione-europea`, `Беларусь` → `belarus`.
pub fn slugify(text: &str) -> String {
    slug_of(text, false)
}

/// A tag's slug: [`slugify`], except on a multilingual site (`unicode`),
/// where a tag with letters of a script other than Latin keeps them, lower
/// case (`حرب` → `حرب`, `Війна` → `війна`), rather than an ASCII
/// transliteration its readers could not read (`lhbwb`); Latin letters
/// are folded as always.
pub fn tag_slug(text: &str, unicode: bool) -> String {
    slug_of(text, unicode)
}

fn slug_of(text: &str, unicode: bool) -> String {
    let other_script = |c: char| c.is_alphanumeric() && !c.is_ascii() && !is_latin(c);
    if unicode && text.chars().any(other_script) {
        let mut slug = String::with_capacity(text.len());
        let mut dash = false;
        for c in text.chars() {
            if !c.is_alphanumeric() {
                dash = true;
                continue;
            }
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            if other_script(c) {
                slug.extend(c.to_lowercase());
            } else {
                let folded = deunicode::deunicode_char(c).unwrap_or("");
                slug.extend(
                    folded
                        .chars()
                        .filter(char::is_ascii_alphanumeric)
                        .map(|c| c.to_ascii_lowercase()),
                );
            }
        }
        return slug;
    }
    ascii_slug(text)
}

/// Latin letters with diacritics (`à`, `ő`, `ş`…).
fn is_latin(c: char) -> bool {
    matches!(c, '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}')
}

fn ascii_slug(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut slug = String::with_capacity(ascii.len());
    let mut dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    slug
}

/// Lower-case ASCII text with accents folded, for search and sorting.
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_follow_the_content_format() {
        assert_eq!(slugify("Unione Europea"), "unione-europea");
        assert_eq!(slugify("sovranità"), "sovranita");
        assert_eq!(slugify("Беларусь"), "belarus");
        assert_eq!(slugify("  --NATO!! "), "nato");
        assert_eq!(slugify("???"), "");
    }

    #[test]
    fn tag_slugs_of_other_scripts_stay_readable_on_multilingual_sites() {
        use super::tag_slug;
        assert_eq!(tag_slug("حرب", true), "حرب");
        assert_eq!(tag_slug("Війна в Україні", true), "війна-в-україні");
        assert_eq!(tag_slug("Sovranità UE", true), "sovranita-ue");
        assert_eq!(tag_slug("حرب", false), slugify("حرب"));
    }
}
