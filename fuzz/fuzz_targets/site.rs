//! A whole build in memory from arbitrary bytes: split at NUL bytes into
//! `site.yaml`, a digest and the actor `putin`, written over those files of
//! the basic fixture site. Rendering must never panic, and every file it
//! produces must stay inside the output folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::{Component, Path};
use storia::build::{render_site, BuildOptions};

const FILES: [&str; 3] = [
    "site.yaml",
    "content/digests/2022/12/2022-12-20-minsk.md",
    "content/actors/putin.md",
];

fuzz_target!(|data: &[u8]| {
    let root = storia_fuzz::basic_site();
    let mut parts = data.splitn(FILES.len(), |&b| b == 0);
    for rel in FILES {
        std::fs::write(root.join(rel), parts.next().unwrap_or_default()).expect("write");
    }
    let built = render_site(&BuildOptions {
        root: root.to_path_buf(),
        output: None,
        base_url: None,
        drafts: data.len() % 2 == 1,
        deny_warnings: false,
        minify: false,
        force: false,
    });
    for f in &built.files {
        let inside = Path::new(&f.path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        assert!(
            inside,
            "output path escapes the output folder: {:?}",
            f.path
        );
    }
    let _ = built.diagnostics.render_all();
});
