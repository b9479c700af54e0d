//! Slugs for URLs: tags, suggested ids, heading anchors.

/// Lower-cases, folds accents, transliterates other scripts to ASCII (as
/// `deunicode` does) and turns every run of other characters into one `-`:
/// `Unione Europea` → `unione-europea`, `Беларусь` → `belarus`.
pub fn slugify(text: &str) -> String {
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
}
