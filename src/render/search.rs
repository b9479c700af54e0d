//! The search index: every published digest, actor, source, story, page and
//! quote, split into files the search page loads only as a query needs them
//! (the format is in docs/decisions.md, "Search index").
//!
//! Words are indexed once as terms with the list of documents holding them,
//! instead of each document carrying its text: a query loads the small
//! header, the word list of each query word's first letter (to expand
//! prefixes and find words one typo away), the postings of the terms it
//! matched, grouped by their first two letters, and the document chunks of
//! the results it shows. Each document carries what a result shows: its
//! title, date and a snippet of its text, so the page can show why it
//! matched.

use super::reads::{Reader, Whole};
use super::urls::Urls;
use super::values::Values;
use super::OutputFile;
use serde_json::{json, Value as Json};
use sha2::{Digest as _, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// Documents per `docs/<n>.json` chunk. A result shown costs the download
/// of its chunk, and the results of a query are spread over many chunks,
/// so chunks are small (measured in docs/performance.md: 16 documents
/// fetch a little less, but make twice as many files).
const CHUNK: usize = 32;
/// Terms are cut to this many characters (a prefix query still finds them).
const TERM_MAX: usize = 32;
/// Snippets (a summary, a role, a quote's words) are cut to about this many
/// characters, at a word.
const SNIPPET_MAX: usize = 200;
/// The kinds, as rows name them.
const KINDS: [&str; 6] = ["digest", "actor", "source", "story", "page", "quote"];

/// One searchable document.
struct Doc {
    /// Index into [`KINDS`].
    kind: usize,
    title: String,
    url: String,
    /// `YYYY-MM-DD`, or empty.
    date: String,
    /// The text a result shows under its title.
    snippet: String,
    /// A byline (digests' authors).
    by: String,
    /// Words shown only when the query matched them (tags, aliases).
    also: Vec<String>,
    /// The text its terms come from.
    text: String,
}

impl Doc {
    /// Its row in a `docs/<n>.json` chunk: `[kind, title, url, date,
    /// snippet, by, also]`, the URL without its kind's prefix, trailing
    /// empty fields left out.
    fn row(&self, prefix: &str) -> Json {
        let rest = self.url.strip_prefix(prefix).unwrap_or(&self.url);
        let mut row = vec![
            json!(self.kind),
            json!(self.title),
            json!(rest),
            json!(self.date),
            json!(self.snippet),
            json!(self.by),
            json!(self.also),
        ];
        while row.len() > 3
            && row
                .last()
                .is_some_and(|v| v.as_str() == Some("") || v.as_array().is_some_and(Vec::is_empty))
        {
            row.pop();
        }
        Json::Array(row)
    }
}

/// Every search file, under the `search/` section, into `sink`, as each is
/// made: documents are indexed one by one and only their terms' postings
/// are kept (not their text), so the index of a large site is never held
/// whole.
pub fn files(r: &Reader<'_, '_>, values: &Values<'_>, sink: &(dyn Fn(OutputFile) + Sync)) {
    let urls = values.urls();
    let paths = urls.paths();
    let prefixes = [
        urls.section(&paths.digests),
        urls.section(&paths.actors),
        urls.section(&paths.sources),
        urls.section(&paths.stories),
        urls.base_path.clone(),
        urls.section(&paths.digests),
    ];
    let dir = urls.file_of(&urls.section("search"));
    let dir = dir.trim_end_matches("index.html");
    // The hash of every file's bytes goes into their URLs (`?h=`), so a
    // browser never mixes files of two builds from its cache.
    let mut hash = Sha256::new();
    let mut put = |f: OutputFile| {
        hash.update(f.path.as_bytes());
        hash.update(&f.bytes);
        sink(f);
    };
    let mut postings: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut rows = Vec::with_capacity(CHUNK);
    let (mut count, mut chunks) = (0u32, 0usize);
    let mut chunk_file = |rows: &mut Vec<Json>| {
        let f = OutputFile {
            path: format!("{dir}docs/{chunks}.json"),
            bytes: serde_json::to_vec(&rows).unwrap_or_default(),
        };
        rows.clear();
        chunks += 1;
        f
    };
    // German readers write `ü` as `ue` where a keyboard lacks it.
    let german = r.lang().split('-').next() == Some("de");
    documents(r, values, urls, |doc| {
        for term in terms(&doc.text, german) {
            postings.entry(term).or_default().push(count);
        }
        count += 1;
        rows.push(doc.row(&prefixes[doc.kind]));
        if rows.len() == CHUNK {
            put(chunk_file(&mut rows));
        }
    });
    if !rows.is_empty() {
        put(chunk_file(&mut rows));
    }
    // Postings as gaps between ascending document numbers (short numbers
    // in JSON), turned in place.
    for docs in postings.values_mut() {
        for i in (1..docs.len()).rev() {
            docs[i] -= docs[i - 1];
        }
    }
    // The words of each first letter, and the postings of each group of
    // terms sharing their first two letters.
    #[derive(Default, serde::Serialize)]
    struct Group<'p> {
        p: Vec<&'p [u32]>,
        t: Vec<&'p str>,
    }
    let mut words: BTreeMap<char, Vec<&str>> = BTreeMap::new();
    let mut groups: BTreeMap<String, Group<'_>> = BTreeMap::new();
    for (term, gaps) in &postings {
        words.entry(shard_of(term)).or_default().push(term);
        let group = groups.entry(group_of(term)).or_default();
        group.t.push(term);
        group.p.push(gaps);
    }
    for (key, list) in &words {
        put(OutputFile {
            path: format!("{dir}words/{key}.json"),
            bytes: serde_json::to_vec(list).unwrap_or_default(),
        });
    }
    for (key, group) in &groups {
        put(OutputFile {
            path: format!("{dir}postings/{key}.json"),
            bytes: serde_json::to_vec(group).unwrap_or_default(),
        });
    }
    let hash: String = hash.finalize()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    sink(OutputFile {
        path: format!("{dir}index.json"),
        bytes: serde_json::to_vec(&json!({
            "version": 3,
            "hash": hash,
            "kinds": KINDS,
            "prefixes": prefixes,
            "docs": count,
            "chunk": CHUNK,
            "words": words.keys().map(char::to_string).collect::<Vec<_>>(),
        }))
        .unwrap_or_default(),
    });
}

/// `text` cut to about `max` characters at a word, with `…` when cut.
fn cut(text: &str, max: usize) -> String {
    let text = text.trim();
    let Some((end, _)) = text.char_indices().nth(max) else {
        return text.to_string();
    };
    let head = &text[..end];
    let at = head
        .rfind(char::is_whitespace)
        .filter(|&i| i > end / 2)
        .unwrap_or(end);
    format!("{}…", head[..at].trim_end())
}

/// The published documents, in the order results are shown: actors,
/// sources, stories and pages (a query that names one wants its page
/// first), then digests newest first, then quotes (by digest, newest
/// first).
fn documents(r: &Reader<'_, '_>, values: &Values<'_>, urls: &Urls, mut emit: impl FnMut(Doc)) {
    let day = |d: chrono::DateTime<chrono::FixedOffset>| d.format("%Y-%m-%d").to_string();
    let texts = |list: &[crate::input::fields::Text]| -> Vec<String> {
        list.iter().map(|t| t.0.clone()).collect()
    };
    for a in r.all_actors(Whole).iter().filter(|a| r.has_actor_page(*a)) {
        let name = r.actor_name(a);
        let aliases = texts(r.actor_aliases(a));
        let role = r.actor_role(a).unwrap_or_default();
        emit(Doc {
            kind: 1,
            title: name.to_string(),
            url: urls.actor(r.actor_id(a)),
            date: String::new(),
            snippet: cut(&role, SNIPPET_MAX),
            by: String::new(),
            text: format!("{name} {role} {}", aliases.join(" ")),
            also: aliases,
        });
    }
    for s in r
        .all_sources(Whole)
        .iter()
        .filter(|s| r.has_source_page(*s))
    {
        let name = r.source_name(s);
        emit(Doc {
            kind: 2,
            title: name.to_string(),
            url: urls.source(r.source_id(s)),
            date: String::new(),
            snippet: String::new(),
            by: String::new(),
            also: Vec::new(),
            text: name.to_string(),
        });
    }
    for s in r.all_stories(Whole).iter().filter(|s| r.has_story_page(*s)) {
        let title = r.story_title(s);
        let summary = r.story_summary(s).unwrap_or_default();
        emit(Doc {
            kind: 3,
            title: title.to_string(),
            url: urls.story(r.story_id(s)),
            date: r.story_started(s).map(day).unwrap_or_default(),
            snippet: cut(&summary, SNIPPET_MAX),
            by: String::new(),
            also: Vec::new(),
            text: format!("{title} {summary}"),
        });
    }
    for p in r.all_pages(Whole).iter() {
        if r.page_draft(p) {
            continue;
        }
        let title = r.page_title(p);
        let summary = r.page_summary(p).unwrap_or_default();
        emit(Doc {
            kind: 4,
            title: title.to_string(),
            url: urls.page(r.page_id(p)),
            date: String::new(),
            snippet: cut(&summary, SNIPPET_MAX),
            by: String::new(),
            also: Vec::new(),
            text: format!("{title} {summary}"),
        });
    }
    for d in r.all_digests(Whole).iter() {
        if r.digest_draft(d) {
            continue;
        }
        let title = r.digest_title(d);
        let summary = r.digest_summary(d);
        let tags = texts(r.digest_tags_written(d));
        let authors = texts(r.digest_authors(d));
        emit(Doc {
            kind: 0,
            title: title.to_string(),
            url: urls.digest(r.digest_id(d)),
            date: day(r.digest_date(d)),
            snippet: cut(summary, SNIPPET_MAX),
            by: authors.join(", "),
            text: format!("{title} {summary} {} {}", tags.join(" "), authors.join(" ")),
            also: tags,
        });
    }
    for q in r.all_quotes(Whole).iter() {
        if r.digest_draft(r.quote_digest(q)) {
            continue;
        }
        let words = &r.quote_fields(q).text.0;
        let speaker = match r.quote_speaker(q) {
            crate::index::Speaker::Actor(a) => r.actor_name(a),
            crate::index::Speaker::Source(s) => r.source_name(s),
        };
        emit(Doc {
            kind: 5,
            title: speaker.to_string(),
            url: values.quote_url(r, q),
            date: day(r.quote_date(q)),
            snippet: cut(words, SNIPPET_MAX),
            by: String::new(),
            also: Vec::new(),
            text: format!("{words} {speaker}"),
        });
    }
}

/// The terms of `text`: each word lower-cased with accents folded and other
/// scripts transliterated (`Città` → `citta`, `Путин` → `putin`), and, for
/// words in a script other than Latin, also as written, lower-cased
/// (`путин`), since the browser cannot transliterate a query. With
/// `german`, a word with `ä`, `ö` or `ü` is also a term as German writes it
/// without them (`Müller` → `muller` and `mueller`), so a query typed
/// either way finds it.
fn terms(text: &str, german: bool) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    let mut add = |t: &str| {
        if !t.is_empty() {
            terms.insert(t.chars().take(TERM_MAX).collect::<String>());
        }
    };
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        for part in crate::slug::fold(word).split(|c: char| !c.is_ascii_alphanumeric()) {
            add(part);
        }
        if german && word.contains(['ä', 'ö', 'ü', 'Ä', 'Ö', 'Ü']) {
            let spelt: String = word
                .chars()
                .flat_map(|c| match c {
                    'ä' | 'Ä' => "ae".chars().collect::<Vec<_>>(),
                    'ö' | 'Ö' => "oe".chars().collect(),
                    'ü' | 'Ü' => "ue".chars().collect(),
                    c => vec![c],
                })
                .collect();
            for part in crate::slug::fold(&spelt).split(|c: char| !c.is_ascii_alphanumeric()) {
                add(part);
            }
        }
        if word.chars().any(|c| !c.is_ascii() && !is_latin(c)) {
            add(&word.to_lowercase());
        }
    }
    terms
}

/// Latin letters with diacritics, which the browser folds by itself.
fn is_latin(c: char) -> bool {
    matches!(c, '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}')
}

/// The word list a term is in: its first letter or digit, `_` for any
/// other script.
fn shard_of(term: &str) -> char {
    match term.chars().next() {
        Some(c) if c.is_ascii_alphanumeric() => c,
        _ => '_',
    }
}

/// The postings group a term is in: its first two letters or digits (the
/// one of a one-letter term); `_` for terms in another script, and the
/// first letter and `_` for a Latin letter followed by another script.
fn group_of(term: &str) -> String {
    let mut chars = term.chars();
    match (chars.next(), chars.next()) {
        (Some(a), _) if !a.is_ascii_alphanumeric() => "_".into(),
        (Some(a), Some(b)) if b.is_ascii_alphanumeric() => format!("{a}{b}"),
        (Some(a), Some(_)) => format!("{a}_"),
        (Some(a), None) => a.to_string(),
        (None, _) => "_".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_terms_are_found_written_with_or_without_umlauts() {
        let t = terms("Übergänge für Müller", true);
        for term in [
            "ubergange",
            "uebergaenge",
            "fur",
            "fuer",
            "muller",
            "mueller",
        ] {
            assert!(t.contains(term), "{term}: {t:?}");
        }
        // Only German: elsewhere `ü` is only `u`.
        assert!(!terms("Müller", false).contains("mueller"));
    }

    #[test]
    fn terms_fold_accents_and_keep_other_scripts_as_written_too() {
        let t = terms("Città di Путин, l'UE-27 «sovranità»", false);
        let want = [
            "27",
            "citta",
            "di",
            "l",
            "putin",
            "sovranita",
            "ue",
            "путин",
        ];
        assert_eq!(t.iter().map(String::as_str).collect::<Vec<_>>(), want);
        assert_eq!(shard_of("путин"), '_');
        assert_eq!(shard_of("citta"), 'c');
        assert_eq!(group_of("путин"), "_");
        assert_eq!(group_of("citta"), "ci");
        assert_eq!(group_of("e"), "e");
        assert_eq!(group_of("aд"), "a_");
    }

    #[test]
    fn snippets_are_cut_at_a_word() {
        assert_eq!(cut("  short  ", 10), "short");
        assert_eq!(cut("una frase piuttosto lunga", 12), "una frase…");
        assert_eq!(cut("unaparolalunghissima", 8), "unaparol…");
    }

    #[test]
    fn very_long_words_are_cut() {
        let t = terms(&"a".repeat(10_000), false);
        assert_eq!(t.into_iter().next().unwrap().len(), TERM_MAX);
    }
}
