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
            // As a browser or server does: `%D8%AD…` names the folder `ح…`.
            let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
            let path = decoded.as_ref();
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

/// A page's `<link rel="alternate" hreflang>`s: language → absolute URL
/// (`x-default`, which names no language, left out).
pub fn alternates(html: &str) -> BTreeMap<String, String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("link[rel=alternate][hreflang]:not([hreflang=x-default])")
        .unwrap();
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

/// Runs the browser script `tests/browser/<script>` with `args` in node
/// (Debian's Chromium through playwright-core), asserts it succeeded and
/// printed `steps` lines starting `ok: `, and returns what it printed.
pub fn browser_script(script: &str, args: &[&std::ffi::OsStr], steps: usize) -> String {
    let out = Command::new("node")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/browser")
                .join(script),
        )
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("node is needed for the browser test");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert_eq!(stdout.matches("ok: ").count(), steps, "{stdout}");
    stdout
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

/// One search result as the search page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: String,
    pub title: String,
    pub url: String,
    /// `YYYY-MM-DD`, or empty.
    pub date: String,
    pub snippet: String,
    pub by: String,
    pub also: Vec<String>,
    /// How many query words it matched only one typo away.
    pub typos: usize,
}

/// Runs `query` against the search index of the built site at `out` the way
/// themes/default/static/search.js does (every word a term prefix, all
/// words required; Latin words folded, other scripts as written; words of
/// five letters or more also one typo away), results in its order.
pub fn search(out: &Path, query: &str) -> Vec<Hit> {
    search_found(out, query)
        .into_iter()
        .map(|f| (f.kind, f.title, f.url))
        .collect()
}

/// The query words of `query`, as the search page splits them.
pub fn query_terms(query: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for word in query.to_lowercase().split(|c: char| !c.is_alphanumeric()) {
        let latin = word
            .chars()
            .all(|c| (c as u32) < 0x250 || (0x1e00..0x1f00).contains(&(c as u32)));
        if latin {
            terms.extend(
                deunicode::deunicode(word)
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|t| !t.is_empty())
                    .map(|t| t.chars().take(32).collect::<String>()),
            );
        } else if !word.is_empty() {
            terms.push(word.to_string());
        }
    }
    terms
}

fn collapse(s: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for c in s.chars() {
        if out.last() != Some(&c) {
            out.push(c);
        }
    }
    out
}

/// Whether a prefix of `t` is at most one edit (insert, delete, change,
/// swap of neighbours) from `w`.
fn near_prefix(w: &[char], t: &[char]) -> bool {
    let (n, m) = (w.len(), t.len().min(w.len() + 1));
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        d[i][0] = i;
        for j in 1..=m {
            let cost = usize::from(w[i - 1] != t[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && w[i - 1] == t[j - 2] && w[i - 2] == t[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    (n.saturating_sub(1)..=m).any(|j| d[n][j] <= 1)
}

/// [`search`], with everything a result shows.
pub fn search_found(out: &Path, query: &str) -> Vec<Found> {
    let read = |rel: &str| -> Option<serde_json::Value> {
        let text = std::fs::read_to_string(out.join("search").join(rel)).ok()?;
        Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("search/{rel}: {e}")))
    };
    let meta = read("index.json").expect("search/index.json");
    assert_eq!(meta["version"], 3);
    let group_of = |t: &str| -> String {
        let c: Vec<char> = t.chars().collect();
        if !c[0].is_ascii_alphanumeric() {
            "_".into()
        } else if c.len() == 1 {
            c[0].to_string()
        } else if c[1].is_ascii_alphanumeric() {
            format!("{}{}", c[0], c[1])
        } else {
            format!("{}_", c[0])
        }
    };
    let docs_of = |terms: &[String]| -> BTreeSet<u64> {
        let mut docs = BTreeSet::new();
        for t in terms {
            let group = read(&format!("postings/{}.json", group_of(t))).expect("a postings group");
            let names = group["t"].as_array().unwrap();
            let i = names
                .iter()
                .position(|n| n == t.as_str())
                .expect("term in its group");
            let mut doc = 0;
            for gap in group["p"][i].as_array().unwrap() {
                doc += gap.as_u64().unwrap();
                docs.insert(doc);
            }
        }
        docs
    };
    let words = query_terms(query);
    if words.is_empty() {
        return Vec::new();
    }
    let mut per = Vec::new();
    for w in &words {
        let first = w.chars().next().unwrap();
        let letter = if first.is_ascii_alphanumeric() {
            first.to_string()
        } else {
            "_".into()
        };
        let list: Vec<String> = read(&format!("words/{letter}.json"))
            .map(|v| serde_json::from_value(v).unwrap())
            .unwrap_or_default();
        let exact: Vec<String> = list
            .iter()
            .filter(|t| {
                if w.chars().count() > 1 {
                    t.starts_with(w.as_str())
                } else {
                    *t == w
                }
            })
            .cloned()
            .collect();
        let cw = collapse(w);
        let near: Vec<String> = if cw.len() >= 5 {
            list.iter()
                .filter(|t| !t.starts_with(w.as_str()) && near_prefix(&cw, &collapse(t)))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        per.push((docs_of(&exact), docs_of(&near)));
    }
    let mut hits: Vec<(usize, u64)> = per[0]
        .0
        .union(&per[0].1)
        .filter_map(|d| {
            let mut typos = 0;
            for (exact, near) in &per {
                if exact.contains(d) {
                    continue;
                }
                if !near.contains(d) {
                    return None;
                }
                typos += 1;
            }
            Some((typos, *d))
        })
        .collect();
    hits.sort();
    let chunk = meta["chunk"].as_u64().unwrap();
    hits.into_iter()
        .map(|(typos, d)| {
            let rows = read(&format!("docs/{}.json", d / chunk)).expect("a docs chunk");
            let row = &rows[(d % chunk) as usize];
            let kind = row[0].as_u64().unwrap() as usize;
            let rest = row[2].as_str().unwrap();
            let field = |i: usize| {
                row.get(i)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            Found {
                kind: meta["kinds"][kind].as_str().unwrap().to_string(),
                title: row[1].as_str().unwrap().to_string(),
                url: if rest.starts_with('/') || rest.contains(':') {
                    rest.to_string()
                } else {
                    format!("{}{rest}", meta["prefixes"][kind].as_str().unwrap())
                },
                date: field(3),
                snippet: field(4),
                by: field(5),
                also: row
                    .get(6)
                    .map(|v| serde_json::from_value(v.clone()).unwrap())
                    .unwrap_or_default(),
                typos,
            }
        })
        .collect()
}

/// Every file under `dir`, by path relative to it.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}
