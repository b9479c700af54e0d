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
