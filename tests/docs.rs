//! The user guide builds into a site, and `storia check` finds no broken
//! link, anchor or asset in it (CI runs the same through the example).

#[path = "../examples/docs_site/site.rs"]
mod site;

use std::process::Command;

#[test]
fn the_guide_builds_and_checks_with_no_broken_link() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("guide");
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    site::generate(&docs, &root).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_storia"))
        .args(["check", "--root"])
        .arg(&root)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("every link, anchor and asset resolves"),
        "{stderr}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_storia"))
        .args(["build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(dir.path().join("public"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let home = std::fs::read_to_string(dir.path().join("public/index.html")).unwrap();
    for id in site::CHAPTERS.iter().chain(site::REFERENCES) {
        assert!(
            dir.path()
                .join("public")
                .join(id)
                .join("index.html")
                .is_file(),
            "{id}"
        );
    }
    for id in site::CHAPTERS {
        assert!(
            home.contains(&format!("href=\"{id}/\"")),
            "{id} not on the home page"
        );
    }
}

#[test]
fn a_link_outside_the_guide_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(docs.join("guide")).unwrap();
    for id in site::CHAPTERS {
        std::fs::write(docs.join("guide").join(format!("{id}.md")), "# T\n").unwrap();
    }
    for id in site::REFERENCES {
        std::fs::write(docs.join(format!("{id}.md")), "# T\n").unwrap();
    }
    std::fs::write(
        docs.join("guide/cli.md"),
        "# T\nSee [notes](notes.md) and `[code](x.md)`.\n",
    )
    .unwrap();
    let err = site::generate(&docs, &dir.path().join("out")).unwrap_err();
    assert!(err.contains("`notes.md`"), "{err}");
}
