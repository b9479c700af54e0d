//! The search index: every published digest, actor, source, story, page and
//! quote, split into files the search page loads only as a query needs them
//! (the format is in docs/decisions.md, "Search index").
//!
//! Words are indexed once as terms with the list of documents holding them,
//! instead of each document carrying its text: on a site of 10,000 digests
//! the index shrinks several times, and a query loads the small header, the
//! term shards of its words' first letters and the document chunks of the
//! hits it shows.

use super::reads::{Reader, Whole};
use super::urls::Urls;
use super::values::Values;
use super::OutputFile;
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
pub fn files(r: &Reader<'_, '_>, values: &Values<'_>, sink: &(dyn Fn(OutputFile) + Sync)) {
    let urls = values.urls();
    let paths = &r.config().paths;
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
    documents(r, values, urls, |doc| {
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
fn documents(r: &Reader<'_, '_>, values: &Values<'_>, urls: &Urls, mut emit: impl FnMut(Doc)) {
    for d in r.all_digests(Whole).iter() {
        if r.digest_draft(d) {
            continue;
        }
        let title = r.digest_title(d);
        let tags: Vec<&str> = r
            .digest_tags_written(d)
            .iter()
            .map(|t| t.0.as_str())
            .collect();
        emit(Doc {
            kind: 0,
            title: title.to_string(),
            url: urls.digest(r.digest_id(d)),
            text: format!("{title} {} {}", r.digest_summary(d), tags.join(" ")),
        });
    }
    for a in r.all_actors(Whole).iter() {
        let name = r.actor_name(a);
        let aliases: Vec<&str> = r.actor_aliases(a).iter().map(|t| t.0.as_str()).collect();
        emit(Doc {
            kind: 1,
            title: name.to_string(),
            url: urls.actor(r.actor_id(a)),
            text: format!(
                "{name} {} {}",
                r.actor_role(a).unwrap_or_default(),
                aliases.join(" ")
            ),
        });
    }
    for s in r.all_sources(Whole).iter() {
        let name = r.source_name(s);
        emit(Doc {
            kind: 2,
            title: name.to_string(),
            url: urls.source(r.source_id(s)),
            text: name.to_string(),
        });
    }
    for s in r.all_stories(Whole).iter() {
        let title = r.story_title(s);
        emit(Doc {
            kind: 3,
            title: title.to_string(),
            url: urls.story(r.story_id(s)),
            text: format!("{title} {}", r.story_summary(s).unwrap_or_default()),
        });
    }
    for p in r.all_pages(Whole).iter() {
        if r.page_draft(p) {
            continue;
        }
        let title = r.page_title(p);
        emit(Doc {
            kind: 4,
            title: title.to_string(),
            url: urls.page(r.page_id(p)),
            text: format!("{title} {}", r.page_summary(p).unwrap_or_default()),
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
        let mut title = format!("{speaker}: {words}");
        if let Some((cut, _)) = title.char_indices().nth(TITLE_MAX) {
            title.truncate(cut);
            title.push('…');
        }
        emit(Doc {
            kind: 5,
            title,
            url: values.quote_url(r, q),
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
