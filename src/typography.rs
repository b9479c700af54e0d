//! Typography an editor would sign: the straight quotes, apostrophes,
//! double hyphens and three dots of text typed on a keyboard become the
//! marks of its language (“ ” in English, « » in Italian, „ “ in German…),
//! ’, –, — and ….
//!
//! Front-matter text (titles, summaries, quote texts) is set once, where it
//! enters ([`crate::content`]), so every page, feed, card, search entry and
//! structured datum shows the same words; bodies get the same marks from
//! the Markdown renderer. Marks already typed are left as they are.

use std::borrow::Cow;

/// The quotation marks of a language: the outer pair, the pair for a
/// quotation inside a quotation, and the space French sets inside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marks {
    /// Opens a quotation.
    pub open: char,
    /// Closes it.
    pub close: char,
    /// Opens a quotation inside a quotation.
    pub inner_open: char,
    /// Closes it.
    pub inner_close: char,
    /// The space between a mark and the words it encloses (French: a
    /// narrow no-break space), if any.
    pub space: Option<char>,
}

const NARROW_NBSP: char = '\u{202F}';

impl Marks {
    /// The marks of `lang` (a BCP 47 tag), as its typographers set them
    /// (Unicode CLDR's delimiters); English marks for a language not listed.
    pub fn of(lang: &str) -> Marks {
        let lang = lang.to_ascii_lowercase();
        let primary = lang.split(['-', '_']).next().unwrap_or("");
        let (open, close, inner_open, inner_close) = match primary {
            // Guillemets first, then English double quotes.
            "it" | "es" | "ca" | "el" | "fr" => ('«', '»', '“', '”'),
            // Portugal sets guillemets; Brazil, English quotes.
            "pt" if lang == "pt-pt" => ('«', '»', '“', '”'),
            // Guillemets first, then low-high quotes.
            "ru" | "uk" | "be" => ('«', '»', '„', '“'),
            // Low-high quotes first, then single ones.
            "de" | "cs" | "sk" | "sl" | "lt" | "is" | "et" => ('„', '“', '‚', '‘'),
            "pl" | "ro" | "hu" | "hr" | "bg" => ('„', '”', '«', '»'),
            "sv" | "fi" => ('”', '”', '’', '’'),
            "da" | "nb" | "nn" | "no" => ('«', '»', '‘', '’'),
            "ja" | "zh" => ('「', '」', '『', '』'),
            _ => ('“', '”', '‘', '’'),
        };
        Marks {
            open,
            close,
            inner_open,
            inner_close,
            space: (primary == "fr").then_some(NARROW_NBSP),
        }
    }

    /// `text` between the outer marks.
    pub fn quote(&self, text: &str) -> String {
        match self.space {
            Some(s) => format!("{}{s}{text}{s}{}", self.open, self.close),
            None => format!("{}{text}{}", self.open, self.close),
        }
    }

    /// The opening outer mark as set before words (with its space).
    pub fn opening(&self) -> String {
        self.space
            .map_or(self.open.to_string(), |s| format!("{}{s}", self.open))
    }

    /// The closing outer mark as set after words (with its space).
    pub fn closing(&self) -> String {
        self.space
            .map_or(self.close.to_string(), |s| format!("{s}{}", self.close))
    }
}

/// Whether a quote after `before` can open a quotation.
fn after_opening(before: Option<char>) -> bool {
    before.is_none_or(|c| c.is_whitespace() || "([{-–—/«„“‘‚".contains(c))
}

/// Whether a straight quote between `before` and `after` opens one.
fn opens(before: Option<char>, after: Option<char>) -> bool {
    let after_closes = after.is_none_or(|c| c.is_whitespace() || ".,;:!?)]}".contains(c));
    after_opening(before) && !after_closes
}

/// `text` with straight quotes, apostrophes, `--`, `---` and `...` set in
/// the marks of `lang`. Text with none of them is returned as it is.
pub fn smarten<'t>(text: &'t str, lang: &str) -> Cow<'t, str> {
    if !text.contains(['"', '\'']) && !text.contains("--") && !text.contains("...") {
        return Cow::Borrowed(text);
    }
    let marks = Marks::of(lang);
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<String> = Vec::with_capacity(chars.len());
    // Positions in `out` of the quotations still open: outer, inner.
    let mut open_double: Option<usize> = None;
    let mut open_single: Option<usize> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let before = i.checked_sub(1).map(|b| chars[b]);
        let after = chars.get(i + 1).copied();
        match c {
            '"' => {
                // `" Non "`: French typists space their quotes.
                let spaced = after.is_some_and(char::is_whitespace) && after_opening(before);
                if open_double.is_none() && (opens(before, after) || spaced) {
                    open_double = Some(out.len());
                    out.push(marks.opening());
                } else if open_double.take().is_some() {
                    out.push(marks.closing());
                } else {
                    // A closing quote with no opening one: English's close.
                    out.push(marks.close.to_string());
                }
            }
            '\'' => {
                let letter = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
                if (letter(before) && letter(after)) || after.is_some_and(|c| c.is_ascii_digit()) {
                    out.push('’'.to_string()); // l'incontro, don't, '90s
                } else if open_single.is_none() && opens(before, after) {
                    open_single = Some(out.len());
                    out.push(marks.inner_open.to_string());
                } else if open_single.take().is_some() {
                    out.push(marks.inner_close.to_string());
                } else {
                    out.push('’'.to_string()); // the students', '90s
                }
            }
            '-' if after == Some('-') => {
                if chars.get(i + 2) == Some(&'-') {
                    out.push('—'.to_string());
                    i += 2;
                } else {
                    out.push('–'.to_string());
                    i += 1;
                }
            }
            '.' if after == Some('.') && chars.get(i + 2) == Some(&'.') => {
                out.push('…'.to_string());
                i += 2;
            }
            c => out.push(c.to_string()),
        }
        i += 1;
    }
    // A single quote opened and never closed was an elision ('90s).
    if let Some(at) = open_single {
        out[at] = '’'.to_string();
    }
    // French sets its spaces itself: one typed inside the marks is not doubled.
    let mut text = out.concat();
    if let Some(space) = marks.space {
        text = text
            .replace(&format!("{}{space} ", marks.open), &marks.opening())
            .replace(&format!(" {space}{}", marks.close), &marks.closing());
    }
    Cow::Owned(text)
}

/// Sets `value` in the marks of `lang`, in place.
pub fn set(value: &mut String, lang: &str) {
    if let Cow::Owned(smart) = smarten(value, lang) {
        *value = smart;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_gets_its_own_marks() {
        let cases = [
            (
                "en",
                "“Not now,” he said, “it’s late”",
                "\"Not now,\" he said, \"it's late\"",
            ),
            ("it", "«L’incontro» di Minsk", "\"L'incontro\" di Minsk"),
            ("es", "«Hola», dijo", "\"Hola\", dijo"),
            ("fr", "«\u{202F}Non\u{202F}», dit-il", "\"Non\", dit-il"),
            ("fr", "«\u{202F}Non\u{202F}»", "\" Non \""),
            ("de", "„Nein“, sagte er", "\"Nein\", sagte er"),
            ("ru", "«Нет», – сказал он", "\"Нет\", -- сказал он"),
            ("uk", "«Ні» і „так“", "\"Ні\" і „так“"),
            ("pt-BR", "“Sim”", "\"Sim\""),
            ("pt-PT", "«Sim»", "\"Sim\""),
            ("xx", "“x”", "\"x\""),
        ];
        for (lang, want, written) in cases {
            assert_eq!(smarten(written, lang), want, "{lang}: {written}");
        }
    }

    #[test]
    fn apostrophes_inner_quotes_dashes_and_ellipses() {
        assert_eq!(
            smarten(
                "\"He said 'no'\" -- in the '90s... the students' view",
                "en"
            ),
            "“He said ‘no’” – in the ’90s… the students’ view"
        );
        assert_eq!(
            smarten("\"Disse 'no' all'ONU\" --- poi", "it"),
            "«Disse “no” all’ONU» — poi"
        );
        assert_eq!(smarten("2020-2022, a - b", "en"), "2020-2022, a - b");
        assert!(matches!(smarten("Nothing to do", "en"), Cow::Borrowed(_)));
        assert_eq!(smarten("already «set»", "it"), "already «set»");
    }

    #[test]
    fn a_quoted_text_gets_the_outer_marks() {
        assert_eq!(Marks::of("it").quote("sì"), "«sì»");
        assert_eq!(Marks::of("en-GB").quote("yes"), "“yes”");
        assert_eq!(Marks::of("fr").quote("oui"), "«\u{202F}oui\u{202F}»");
    }
}
