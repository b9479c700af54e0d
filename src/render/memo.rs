//! What the dev server keeps between renders, so that a rebuild re-renders
//! only what can have changed and stays exactly what a full build would give.
//!
//! Nothing here guesses which pages an edit touches. A page is the pure
//! function of its template (with every template it extends or includes),
//! the site-wide values and its own context, so its key is a hash of those:
//! when the key is the one of the last render, the last bytes are reused and
//! Tera is not run. A Markdown body is the pure function of its text and of
//! the answers its references got (link targets, citation numbers, quote
//! cards), so the memo records the questions a body asked and reuses the
//! HTML when every one of them still gets the same answer.

use crate::entity::EntityKind;
use crate::markdown::Resolver;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use xxhash_rust::xxh3::Xxh3;

/// The last render's pages and bodies.
#[derive(Default)]
pub struct Memo {
    /// Output path → (key, bytes).
    pub(super) pages: HashMap<String, (u128, Vec<u8>)>,
    /// Content file → its rendered body.
    pub(super) bodies: HashMap<PathBuf, Body>,
    /// Every static file templates asked `asset()` for, with its URL then.
    pub(super) assets_asked: std::collections::BTreeMap<String, Option<String>>,
    /// Pages the last render ran templates for.
    pub rendered: usize,
    /// Pages the last render took from the memo.
    pub reused: usize,
}

impl Memo {
    /// Adds another language's render to this one.
    pub(super) fn merge(&mut self, other: Memo) {
        self.pages.extend(other.pages);
        self.bodies.extend(other.bodies);
        self.rendered += other.rendered;
        self.reused += other.reused;
    }
}

/// A rendered body and what it asked of the resolver.
#[derive(Clone)]
pub(super) struct Body {
    text: String,
    sanitize: bool,
    asked: Vec<Asked>,
    pub(super) html: String,
}

/// One question a body asked while rendering, with its answer.
#[derive(Clone, PartialEq)]
enum Asked {
    Url(EntityKind, String, Option<String>),
    Citation(String, Option<(usize, String)>),
    Embed(String, Option<String>),
}

impl Body {
    /// Whether `text` would render to the same HTML with `resolver`.
    pub(super) fn holds(&self, text: &str, sanitize: bool, resolver: &dyn Resolver) -> bool {
        self.text == text
            && self.sanitize == sanitize
            && self.asked.iter().all(|a| match a {
                Asked::Url(kind, id, answer) => resolver.url(*kind, id) == *answer,
                Asked::Citation(id, answer) => resolver.citation(id) == *answer,
                Asked::Embed(id, answer) => resolver.embed(id) == *answer,
            })
    }

    /// Renders `text`, recording what it asks.
    pub(super) fn render(text: &str, sanitize: bool, resolver: &dyn Resolver) -> Body {
        let recorder = Recorder {
            inner: resolver,
            asked: Default::default(),
        };
        let html = crate::markdown::render(text, &recorder, sanitize);
        Body {
            text: text.to_string(),
            sanitize,
            asked: recorder.asked.into_inner(),
            html,
        }
    }
}

struct Recorder<'r> {
    inner: &'r dyn Resolver,
    asked: std::cell::RefCell<Vec<Asked>>,
}

impl Resolver for Recorder<'_> {
    fn url(&self, kind: EntityKind, id: &str) -> Option<String> {
        let answer = self.inner.url(kind, id);
        let asked = Asked::Url(kind, id.to_string(), answer.clone());
        self.asked.borrow_mut().push(asked);
        answer
    }
    fn citation(&self, id: &str) -> Option<(usize, String)> {
        let answer = self.inner.citation(id);
        let asked = Asked::Citation(id.to_string(), answer.clone());
        self.asked.borrow_mut().push(asked);
        answer
    }
    fn embed(&self, quote_id: &str) -> Option<String> {
        let answer = self.inner.embed(quote_id);
        let asked = Asked::Embed(quote_id.to_string(), answer.clone());
        self.asked.borrow_mut().push(asked);
        answer
    }
}

/// A page's template context that remembers its keys, so it can be hashed
/// (Tera's context cannot list them).
pub(super) struct PageContext {
    pub(super) ctx: tera::Context,
    keys: Vec<&'static str>,
}

impl PageContext {
    pub(super) fn new() -> Self {
        PageContext {
            ctx: tera::Context::new(),
            keys: Vec::new(),
        }
    }

    pub(super) fn insert<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, val: &T) {
        self.keys.push(key);
        self.ctx.insert(key, val);
    }

    pub(super) fn insert_value(&mut self, key: &'static str, val: tera::Value) {
        self.keys.push(key);
        self.ctx.insert_value(key, val);
    }

    /// The page's key: the template's own hash, the site-wide hash and
    /// every value of the context.
    pub(super) fn key(&self, template_hash: u64, global_hash: u64) -> u128 {
        let mut keys = self.keys.clone();
        keys.sort_unstable();
        keys.dedup();
        let mut h = Xxh3::new();
        template_hash.hash(&mut h);
        global_hash.hash(&mut h);
        for k in keys {
            k.hash(&mut h);
            hash_json(&mut h, &self.ctx.get(k));
        }
        h.digest128()
    }
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
