//! The search index: every published digest, actor, source, story, page and
//! quote, split into files the search page loads only as a query needs them
//! (the format is in docs/decisions.md, "Search index").
//!
//! Words are indexed once as terms with the list of documents holding them,
//! instead of each document carrying its text: on a site of 10,000 digests
//! the index shrinks several times, and a query loads the small header, the
//! term shards of its words' first letters and the document chunks of the
//! hits it shows.

use super::context::Urls;
use super::values::{summary, text, Values};
use super::OutputFile;
use crate::index::{ActorIx, DigestIx, Index, PageIx, QuoteIx, StoryIx};
use serde_json::json;
use sha2::{Digest as _, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// Documents per `docs/<n>.json` chunk.
const CHUNK: usize = 500;
/// Terms are cut to this many characters (a prefix query still finds them).
const TERM_MAX: usize = 32;
/// Quote titles (speaker and words) are cut to this many characters.
const TITLE_MAX: usize = 160;
/// The kinds, in the order documents are listed (and results shown).
const KINDS: [&str; 6] = ["digest", "actor", "source", "story", "page", "quote"];

/// One searchable document.
struct Doc {
    /// Index into [`KINDS`].
    kind: usize,
    title: String,
    url: String,
    /// The text its terms come from.
    text: String,
}

/// Every search file, under the `search/` section, into `sink`, as each is
/// made: documents are indexed one by one and only their terms' postings
/// are kept (not their text), so the index of a large site is never held
/// whole.
pub fn files(index: &Index<'_>, values: &Values, urls: &Urls, sink: &(dyn Fn(OutputFile) + Sync)) {
    let paths = &index.site.config.paths;
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
    let mut chunk_file = |rows: &mut Vec<serde_json::Value>| {
        let f = OutputFile {
            path: format!("{dir}docs/{chunks}.json"),
            bytes: serde_json::to_vec(&rows).unwrap_or_default(),
        };
        rows.clear();
        chunks += 1;
        f
    };
    documents(index, values, |doc| {
        for term in terms(&doc.text) {
            postings.entry(term).or_default().push(count);
        }
        count += 1;
        let rest = doc
            .url
            .strip_prefix(&prefixes[doc.kind])
            .unwrap_or(&doc.url);
        rows.push(json!([doc.kind, doc.title, rest]));
        if rows.len() == CHUNK {
            put(chunk_file(&mut rows));
        }
    });
    if !rows.is_empty() {
        put(chunk_file(&mut rows));
    }
    // Each shard's terms and their postings, as gaps between ascending
    // document numbers (short numbers in JSON), turned in place.
    #[derive(Default, serde::Serialize)]
    struct Shard<'p> {
        p: Vec<&'p [u32]>,
        t: Vec<&'p str>,
    }
    for docs in postings.values_mut() {
        for i in (1..docs.len()).rev() {
            docs[i] -= docs[i - 1];
        }
    }
    let mut shards: BTreeMap<char, Shard<'_>> = BTreeMap::new();
    for (term, gaps) in &postings {
        let shard = shards.entry(shard_of(term)).or_default();
        shard.t.push(term);
        shard.p.push(gaps);
    }
    for (key, shard) in &shards {
        put(OutputFile {
            path: format!("{dir}terms/{key}.json"),
            bytes: serde_json::to_vec(shard).unwrap_or_default(),
        });
    }
    let hash: String = hash.finalize()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    sink(OutputFile {
        path: format!("{dir}index.json"),
        bytes: serde_json::to_vec(&json!({
            "version": 2,
            "hash": hash,
            "kinds": KINDS,
            "prefixes": prefixes,
            "docs": count,
            "chunk": CHUNK,
            "shards": shards.keys().map(char::to_string).collect::<Vec<_>>(),
        }))
        .unwrap_or_default(),
    });
}

/// The published documents, in the order results are shown: digests
/// (newest first), actors, sources, stories, pages, quotes.
fn documents(index: &Index<'_>, values: &Values, mut emit: impl FnMut(Doc)) {
    let text = |v: &tera::Value, key: &'static str| text(v, key).to_string();
    for (i, card) in values.cards.iter().enumerate() {
        let d = index.digest(DigestIx(i as u32));
        if d.matter.draft {
            continue;
        }
        let tags: Vec<&str> = d.matter.tags.0.iter().map(|t| t.0.as_str()).collect();
        emit(Doc {
            kind: 0,
            title: d.matter.title.0.clone(),
            url: text(card, "url"),
            text: format!("{} {} {}", d.matter.title.0, summary(d), tags.join(" ")),
        });
    }
    for (i, a) in values.actors.iter().enumerate() {
        let m = &index.actor(ActorIx(i as u32)).matter;
        let aliases: Vec<&str> = m.aliases.0.iter().map(|t| t.0.as_str()).collect();
        emit(Doc {
            kind: 1,
            title: text(a, "title"),
            url: text(a, "url"),
            text: format!(
                "{} {} {}",
                m.name.0,
                m.role.as_deref().unwrap_or_default(),
                aliases.join(" ")
            ),
        });
    }
    for s in &values.sources {
        emit(Doc {
            kind: 2,
            title: text(s, "title"),
            url: text(s, "url"),
            text: text(s, "title"),
        });
    }
    for (i, s) in values.stories.iter().enumerate() {
        let m = &index.story(StoryIx(i as u32)).matter;
        emit(Doc {
            kind: 3,
            title: text(s, "title"),
            url: text(s, "url"),
            text: format!("{} {}", m.title.0, m.summary.as_deref().unwrap_or_default()),
        });
    }
    for (i, p) in values.pages.iter().enumerate() {
        let m = &index.page(PageIx(i as u32)).matter;
        if m.draft {
            continue;
        }
        emit(Doc {
            kind: 4,
            title: text(p, "title"),
            url: text(p, "url"),
            text: format!("{} {}", m.title.0, m.summary.as_deref().unwrap_or_default()),
        });
    }
    for i in 0..index.quotes.len() {
        let qx = QuoteIx(i as u32);
        if index.digest(index.quotes[i].digest).matter.draft {
            continue;
        }
        let words = &index.quote(qx).text.0;
        let speaker = super::values::text(values.speaker(index, qx), "title");
        let mut title = format!("{speaker}: {words}");
        if let Some((cut, _)) = title.char_indices().nth(TITLE_MAX) {
            title.truncate(cut);
            title.push('…');
        }
        emit(Doc {
            kind: 5,
            title,
            url: values.quote_url(index, qx),
            text: format!("{words} {speaker}"),
        });
    }
}

/// The terms of `text`: each word lower-cased with accents folded and other
/// scripts transliterated (`Città` → `citta`, `Путин` → `putin`), and, for
/// words in a script other than Latin, also as written, lower-cased
/// (`путин`), since the browser cannot transliterate a query.
fn terms(text: &str) -> BTreeSet<String> {
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

/// The shard a term is in: its first letter or digit, `_` for any other script.
fn shard_of(term: &str) -> char {
    match term.chars().next() {
        Some(c) if c.is_ascii_alphanumeric() => c,
        _ => '_',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_fold_accents_and_keep_other_scripts_as_written_too() {
        let t = terms("Città di Путин, l'UE-27 «sovranità»");
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
    }

    #[test]
    fn very_long_words_are_cut() {
        let t = terms(&"a".repeat(10_000));
        assert_eq!(t.into_iter().next().unwrap().len(), TERM_MAX);
    }
}
