//! What a render keeps for the next one, so that it renders only what can
//! have changed and stays exactly what a build from nothing gives.
//!
//! Nothing here guesses which outputs an edit touches. Every output (a page,
//! a feed, the search index, the sitemap) is a job; its record holds the
//! facts it read (see [`super::reads`]), the hash of its template with every
//! template it uses, and the hash of everything site-wide it was given
//! (labels, `site`, build options). A job is rendered again when its record
//! is missing or any of these differ; otherwise its files are the last
//! ones. Untouched jobs are neither rendered, nor given a context, nor hashed.

use super::facts::{Current, FactId, FactTable};
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use xxhash_rust::xxh3::Xxh3;

/// One output file as the last render left it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Stored {
    /// A hash of its bytes.
    pub hash: u128,
    /// Its bytes, when the memo keeps them (the dev server's does; the
    /// build cache never stores them).
    #[serde(skip)]
    pub bytes: Option<Packed>,
}

/// A file's bytes as the dev server keeps them: deflated, since it keeps
/// every file of the site and serves only the few the browser asks for
/// (HTML, JSON and XML shrink 5 to 10 times; unpacking one page takes
/// well under a millisecond). Cheap to clone: the bytes are shared.
#[derive(Clone, Debug)]
pub struct Packed {
    data: Arc<[u8]>,
    deflated: bool,
}

impl Packed {
    /// Below this, packing saves too little to be worth it.
    const SMALL: usize = 512;

    /// `bytes` packed, or kept as they are when deflating does not pay
    /// (small files, images and fonts already compressed).
    pub fn new(bytes: &[u8]) -> Packed {
        use std::io::Write;
        let raw = |bytes: &[u8]| Packed {
            data: bytes.into(),
            deflated: false,
        };
        if bytes.len() < Self::SMALL {
            return raw(bytes);
        }
        let mut z = flate2::write::DeflateEncoder::new(
            Vec::with_capacity(bytes.len() / 4),
            flate2::Compression::fast(),
        );
        match z.write_all(bytes).and_then(|()| z.finish()) {
            Ok(packed) if packed.len() < bytes.len() - bytes.len() / 8 => Packed {
                data: packed.into(),
                deflated: true,
            },
            _ => raw(bytes),
        }
    }

    /// The bytes as they were given.
    pub fn unpack(&self) -> std::borrow::Cow<'_, [u8]> {
        use std::io::Read;
        if !self.deflated {
            return std::borrow::Cow::Borrowed(&self.data);
        }
        let mut out = Vec::with_capacity(self.data.len() * 6);
        // Our own deflate stream, in memory: reading it cannot fail.
        let _ = flate2::read::DeflateDecoder::new(&self.data[..]).read_to_end(&mut out);
        std::borrow::Cow::Owned(out)
    }

    /// How many bytes it takes in memory.
    pub fn size(&self) -> usize {
        self.data.len()
    }
}

/// What one job read and gave.
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct Record {
    /// The templates it was rendered with, each with its hash (with every
    /// template it uses).
    pub(super) templates: Box<[(Box<str>, u64)]>,
    /// Everything site-wide the job was given.
    pub(super) global: u64,
    /// The facts it read, sorted (stored as gaps, a few bytes each: a list
    /// page reads thousands of facts).
    #[serde(with = "gaps")]
    pub(super) deps: Box<[FactId]>,
    /// Its files.
    pub(super) files: Box<[(String, Stored)]>,
}

/// The last good render: its facts, its jobs and its output. The build
/// cache stores it between builds (see [`crate::cache`]); what only one
/// render's caller reads is not stored.
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct Memo {
    pub(super) facts: FactTable,
    pub(super) jobs: FxHashMap<String, Record>,
    /// The output as the last good render left it: path → file.
    pub(super) output: FxHashMap<String, Stored>,
    /// The site's own static files then (they win over generated files).
    pub(super) site_static: HashSet<String>,
    /// Every static file templates asked `asset()` for, with its URL then.
    pub(super) assets_asked: BTreeMap<String, Option<String>>,
    /// Whether to keep every file's bytes (to serve them from memory).
    #[serde(skip)]
    pub keep_bytes: bool,
    /// Jobs the last render ran (templates, feeds, the search index).
    #[serde(skip)]
    pub rendered: usize,
    /// Jobs the last render took from the memo.
    #[serde(skip)]
    pub reused: usize,
    /// Output files the last render added or changed.
    #[serde(skip)]
    pub changed: Vec<String>,
    /// Output files the last render removed.
    #[serde(skip)]
    pub removed: Vec<String>,
}

impl Memo {
    /// A memo that keeps every file's bytes (the dev server's).
    pub fn in_memory() -> Memo {
        Memo {
            keep_bytes: true,
            ..Memo::default()
        }
    }

    /// The output of the last good render, by path.
    pub fn output(&self) -> &FxHashMap<String, Stored> {
        &self.output
    }

    /// Whether the job `key` must run: it has no record, or something it
    /// read or was given changed.
    pub(super) fn dirty(
        &self,
        key: &str,
        global: u64,
        facts: &Current,
        template_hash: impl Fn(&str) -> u64,
        shadow_moved: &HashSet<String>,
    ) -> bool {
        let Some(r) = self.jobs.get(key) else {
            return true;
        };
        r.global != global
            || r.templates
                .iter()
                .any(|(name, hash)| template_hash(name) != *hash)
            || facts.touches(&r.deps)
            || r.files.iter().any(|(path, _)| shadow_moved.contains(path))
    }
}

/// What a render gives the memo: the jobs that ran, every job of the
/// build, the static files.
pub(super) struct Rendered {
    pub(super) records: Vec<(String, Record)>,
    pub(super) alive: Vec<String>,
    pub(super) statics: Vec<(String, Stored)>,
    pub(super) site_static: HashSet<String>,
}

impl Memo {
    /// Makes a successful render the last good one: its facts, its jobs
    /// (those that ran, and the kept records of the others still in the
    /// build) and its output, noting which files changed.
    pub(super) fn commit(
        &mut self,
        facts: Current,
        rendered: Rendered,
        asked: std::collections::BTreeSet<String>,
        table: &BTreeMap<String, String>,
    ) {
        let ran = rendered.records.len();
        let total = rendered.alive.len();
        let mut fresh: FxHashMap<String, Record> = rendered.records.into_iter().collect();
        let mut jobs = FxHashMap::with_capacity_and_hasher(total, Default::default());
        for key in rendered.alive {
            if let Some(r) = fresh.remove(&key).or_else(|| self.jobs.remove(&key)) {
                jobs.insert(key, r);
            }
        }
        let mut output: FxHashMap<String, Stored> =
            FxHashMap::with_capacity_and_hasher(self.output.len(), Default::default());
        for r in jobs.values() {
            for (path, stored) in r.files.iter() {
                if !rendered.site_static.contains(path) {
                    output.insert(path.clone(), stored.clone());
                }
            }
        }
        output.extend(rendered.statics);
        self.changed = output
            .iter()
            .filter(|(path, s)| self.output.get(*path).map(|o| o.hash) != Some(s.hash))
            .map(|(path, _)| path.clone())
            .collect();
        self.changed.sort();
        self.removed = self
            .output
            .keys()
            .filter(|path| !output.contains_key(*path))
            .cloned()
            .collect();
        self.removed.sort();
        self.output = output;
        self.jobs = jobs;
        self.facts.commit(facts);
        self.site_static = rendered.site_static;
        self.assets_asked.extend(asked.into_iter().map(|p| {
            let url = table.get(&p).cloned();
            (p, url)
        }));
        self.rendered = ran;
        self.reused = total - ran;
    }
}

/// Sorted fact ids as the build cache stores them: each as its distance
/// from the one before, which a variable-length encoding keeps short.
mod gaps {
    use super::FactId;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(ids: &[FactId], s: S) -> Result<S::Ok, S::Error> {
        let mut last = 0;
        let gaps: Vec<u64> = ids
            .iter()
            .map(|&id| {
                let gap = id.wrapping_sub(last);
                last = id;
                gap
            })
            .collect();
        gaps.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Box<[FactId]>, D::Error> {
        let mut last: FactId = 0;
        let gaps = Vec::<u64>::deserialize(d)?;
        Ok(gaps
            .into_iter()
            .map(|gap| {
                last = last.wrapping_add(gap);
                last
            })
            .collect())
    }
}

/// The hash of a file's bytes.
pub(super) fn hash_bytes(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// Feeds the JSON form of `value` to `h`.
pub(super) fn hash_json<T: serde::Serialize + ?Sized>(h: &mut Xxh3, value: &T) {
    struct Feed<'h>(&'h mut Xxh3);
    impl std::io::Write for Feed<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // Serialising our own values to JSON cannot fail: their maps have string keys.
    let _ = serde_json::to_writer(Feed(h), value);
}

/// The hash of each template together with everything it extends, includes
/// or imports, by the name pages are rendered with. A template that includes
/// a name computed at render time depends on every template.
pub(super) fn template_hashes(
    sources: &[(String, String)],
    prefixes: &[String],
) -> HashMap<String, u64> {
    let logical = |name: &str| -> String {
        prefixes
            .iter()
            .find_map(|p| name.strip_prefix(p.as_str()))
            .unwrap_or(name)
            .to_string()
    };
    // Every layer of one logical name counts: which one Tera picks is its business.
    let mut texts: HashMap<String, Vec<&str>> = HashMap::new();
    for (name, text) in sources {
        texts.entry(logical(name)).or_default().push(text);
    }
    let deps: HashMap<&str, Option<Vec<String>>> = texts
        .iter()
        .map(|(name, list)| {
            let mut all = Some(Vec::new());
            for text in list {
                match (dependencies(text), all.as_mut()) {
                    (Some(d), Some(a)) => a.extend(d),
                    _ => all = None,
                }
            }
            (name.as_str(), all)
        })
        .collect();
    let everything = {
        let mut names: Vec<&String> = texts.keys().collect();
        names.sort();
        names
    };
    texts
        .keys()
        .map(|name| {
            // The closure, walked breadth first; `None` means "every template".
            let mut seen = vec![name.clone()];
            let mut i = 0;
            let mut dynamic = false;
            while i < seen.len() {
                match deps.get(seen[i].as_str()) {
                    Some(Some(ds)) => {
                        for d in ds {
                            if !seen.contains(d) {
                                seen.push(d.clone());
                            }
                        }
                    }
                    Some(None) => dynamic = true,
                    None => {}
                }
                i += 1;
            }
            if dynamic {
                seen = everything.iter().map(|s| s.to_string()).collect();
            }
            seen.sort();
            let mut h = Xxh3::new();
            for n in &seen {
                n.hash(&mut h);
                if let Some(list) = texts.get(n) {
                    list.hash(&mut h);
                }
            }
            (name.clone(), h.finish())
        })
        .collect()
}

/// The template names a template's `extends`, `include` and `import` tags
/// name, or `None` when one of them names no literal template.
fn dependencies(text: &str) -> Option<Vec<String>> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{%") {
        let after = &rest[start + 2..];
        let end = after.find("%}").unwrap_or(after.len());
        let tag = after[..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        rest = &after[end..];
        let mut words = tag.splitn(2, char::is_whitespace);
        if !matches!(words.next(), Some("extends" | "include" | "import")) {
            continue;
        }
        let args = words.next().unwrap_or("");
        let literals = quoted(args);
        if literals.is_empty() {
            return None;
        }
        found.extend(literals);
    }
    Some(found)
}

/// The quoted strings a tag's arguments start with (`"a"`, `'b'`,
/// `["c", "d"]`); empty when they start with a variable.
fn quoted(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = args;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | ','));
        match rest.chars().next() {
            Some(q @ ('"' | '\'' | '`')) => {
                let body = &rest[1..];
                let Some(end) = body.find(q) else {
                    return Vec::new();
                };
                out.push(body[..end].to_string());
                rest = &body[end + 1..];
            }
            // `as name` or `ignore missing` after the names; a variable before them.
            _ => return out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_are_the_literal_names() {
        let t = r#"{% extends "base.html" %}{%- include "partials/a.html" -%}{% import 'm.html' as m %}{{ x }}"#;
        assert_eq!(
            dependencies(t),
            Some(vec![
                "base.html".into(),
                "partials/a.html".into(),
                "m.html".into()
            ])
        );
        assert_eq!(dependencies(r#"{% include name %}"#), None);
        assert_eq!(dependencies(r#"{% if include %}{% endif %}"#), Some(vec![]));
    }

    #[test]
    fn a_partial_edit_changes_the_pages_that_include_it_only() {
        let prefixes = vec!["themes/default/templates/".to_string()];
        let mut sources = vec![
            (
                "themes/default/templates/base.html".to_string(),
                "B".to_string(),
            ),
            (
                "themes/default/templates/a.html".to_string(),
                r#"{% extends "base.html" %}{% include "p.html" %}"#.to_string(),
            ),
            (
                "themes/default/templates/b.html".to_string(),
                r#"{% extends "base.html" %}"#.to_string(),
            ),
            (
                "themes/default/templates/p.html".to_string(),
                "P".to_string(),
            ),
        ];
        let before = template_hashes(&sources, &prefixes);
        sources[3].1 = "P2".into();
        let after = template_hashes(&sources, &prefixes);
        assert_ne!(before["a.html"], after["a.html"]);
        assert_eq!(before["b.html"], after["b.html"]);
        // A site override of base.html changes both.
        sources.push(("base.html".into(), "mine".into()));
        let over = template_hashes(&sources, &prefixes);
        assert_ne!(after["a.html"], over["a.html"]);
        assert_ne!(after["b.html"], over["b.html"]);
    }
}
