//! Helpers shared by the integration tests: build a fixture site with the
//! real binary into a temporary folder and look at what came out.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Build {
    pub dir: tempfile::TempDir,
    pub out: PathBuf,
    pub code: i32,
    pub stderr: String,
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs `storia build` on `root` with `args`, output into a temp folder.
pub fn build_site(root: &Path, args: &[&str]) -> Build {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let output = Command::new(env!("CARGO_BIN_EXE_storia"))
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(&out)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    Build {
        dir,
        out,
        code: output.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

pub fn build(name: &str, args: &[&str]) -> Build {
    build_site(&fixture(name), args)
}

impl Build {
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "build failed:\n{}", self.stderr);
        self
    }
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
    pub fn exists(&self, rel: &str) -> bool {
        self.out.join(rel).exists()
    }
    /// Every file of the output, relative path → bytes.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        for e in walkdir::WalkDir::new(&self.out) {
            let e = e.unwrap();
            if e.file_type().is_file() {
                let rel = e
                    .path()
                    .strip_prefix(&self.out)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
        files
    }
}

/// Checks every internal `href`/`src` of every HTML page resolves to a file,
/// and every `#fragment` to an id in it; returns the broken ones.
pub fn broken_links(out: &Path, base_path: &str) -> Vec<String> {
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pages = Vec::new();
    for e in walkdir::WalkDir::new(out) {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with(".html") {
            let html = scraper::Html::parse_document(&std::fs::read_to_string(e.path()).unwrap());
            let sel = scraper::Selector::parse("[id]").unwrap();
            ids.insert(
                rel.clone(),
                html.select(&sel)
                    .filter_map(|n| n.value().attr("id").map(str::to_string))
                    .collect(),
            );
            pages.push((rel, html));
        }
    }
    let mut broken = Vec::new();
    let sel = scraper::Selector::parse("a[href], link[href], script[src], img[src]").unwrap();
    for (rel, html) in &pages {
        for node in html.select(&sel) {
            let url = node
                .value()
                .attr("href")
                .or(node.value().attr("src"))
                .unwrap();
            if url.starts_with("http") || url.starts_with("mailto:") {
                continue;
            }
            let (path, frag) = url
                .split_once('#')
                .map_or((url, None), |(p, f)| (p, Some(f)));
            let target = if path.is_empty() {
                rel.clone()
            } else if let Some(p) = path.strip_prefix(base_path) {
                if p.is_empty() || p.ends_with('/') {
                    format!("{p}index.html")
                } else {
                    p.to_string()
                }
            } else {
                broken.push(format!("{rel}: {url} (outside base path {base_path})"));
                continue;
            };
            if !out.join(&target).is_file() {
                broken.push(format!("{rel}: {url} (no file {target})"));
            } else if let Some(f) = frag {
                if !ids.get(&target).is_some_and(|s| s.contains(f)) {
                    broken.push(format!("{rel}: {url} (no id {f} in {target})"));
                }
            }
        }
    }
    broken
}

/// A page's `<link rel="alternate" hreflang>`s: language → absolute URL.
pub fn alternates(html: &str) -> BTreeMap<String, String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("link[rel=alternate][hreflang]").unwrap();
    doc.select(&sel)
        .map(|l| {
            let v = l.value();
            (
                v.attr("hreflang").unwrap().to_string(),
                v.attr("href").unwrap().to_string(),
            )
        })
        .collect()
}

/// Copies a fixture into a temp folder so a test can edit it.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        if e.file_type().is_dir() {
            std::fs::create_dir_all(to.join(rel)).unwrap();
        } else {
            std::fs::copy(e.path(), to.join(rel)).unwrap();
        }
    }
}

/// One search result: kind, title, URL.
pub type Hit = (String, String, String);

/// Runs `query` against the search index of the built site at `out` the way
/// themes/default/static/search.js does (every word a term prefix, all
/// words required; Latin words folded, other scripts as written).
pub fn search(out: &Path, query: &str) -> Vec<Hit> {
    let read = |rel: &str| -> Option<serde_json::Value> {
        let text = std::fs::read_to_string(out.join("search").join(rel)).ok()?;
        Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("search/{rel}: {e}")))
    };
    let meta = read("index.json").expect("search/index.json");
    let mut found: Option<BTreeSet<u64>> = None;
    for word in query.to_lowercase().split(|c: char| !c.is_alphanumeric()) {
        let latin = word
            .chars()
            .all(|c| (c as u32) < 0x250 || (0x1e00..0x1f00).contains(&(c as u32)));
        let terms: Vec<String> = if latin {
            deunicode::deunicode(word)
                .split(|c: char| !c.is_ascii_alphanumeric())
                .map(str::to_string)
                .collect()
        } else {
            vec![word.to_string()]
        };
        for term in terms.iter().filter(|t| !t.is_empty()) {
            let first = term.chars().next().unwrap();
            let shard = if first.is_ascii_alphanumeric() {
                first
            } else {
                '_'
            };
            let mut docs = BTreeSet::new();
            if let Some(shard) = read(&format!("terms/{shard}.json")) {
                let names = shard["t"].as_array().unwrap();
                for (i, t) in names.iter().enumerate() {
                    if t.as_str().unwrap().starts_with(term.as_str()) {
                        let mut doc = 0;
                        for gap in shard["p"][i].as_array().unwrap() {
                            doc += gap.as_u64().unwrap();
                            docs.insert(doc);
                        }
                    }
                }
            }
            found = Some(match found {
                None => docs,
                Some(f) => f.intersection(&docs).copied().collect(),
            });
        }
    }
    let chunk = meta["chunk"].as_u64().unwrap();
    found
        .unwrap_or_default()
        .into_iter()
        .map(|d| {
            let rows = read(&format!("docs/{}.json", d / chunk)).expect("a docs chunk");
            let row = &rows[(d % chunk) as usize];
            let kind = row[0].as_u64().unwrap() as usize;
            let rest = row[2].as_str().unwrap();
            (
                meta["kinds"][kind].as_str().unwrap().to_string(),
                row[1].as_str().unwrap().to_string(),
                format!("{}{rest}", meta["prefixes"][kind].as_str().unwrap()),
            )
        })
        .collect()
}
